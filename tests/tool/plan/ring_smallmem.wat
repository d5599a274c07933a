;; wat2wasm-flags: --enable-multi-memory
;; A ring memory of 0 pages: no room for the ring.
(module
  (import "flue:ring/r" "memory" (memory 0 0))
  (memory (export "memory") 1))
