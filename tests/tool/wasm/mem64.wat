;; wat2wasm-flags: --enable-memory64
;; A 64-bit memory: limits read as u64, data at an i64.const offset.
(module
  (memory $m i64 3 0x10000)
  (data (i64.const 0x20000) "0123456789")
  (export "m" (memory $m)))
