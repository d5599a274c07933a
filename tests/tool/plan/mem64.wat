;; wat2wasm-flags: --enable-memory64
;; A 64-bit memory (world bare).
(module
  (memory (export "memory") i64 1))
