;; wat2wasm-flags: --enable-multi-memory
;; A data segment into the ring memory (memory 0).
(module
  (import "flue:ring/r" "memory" (memory 1))
  (memory (export "memory") 1)
  (data (memory 0) (i32.const 0) "x"))
