;; wat2wasm-flags: --enable-multi-memory
;; Two memories (world bare).
(module
  (memory (export "memory") 1)
  (memory (export "mem2") 1))
