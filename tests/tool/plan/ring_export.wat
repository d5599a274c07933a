;; wat2wasm-flags: --enable-multi-memory
;; Exports the ring memory (as 'memory').
(module
  (import "flue:ring/r" "memory" (memory 1))
  (memory 1)
  (export "memory" (memory 0)))
