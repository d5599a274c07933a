;; wat2wasm-flags: --enable-multi-memory
;; 'claim' imported as a memory.
(module
  (import "flue:ring/r" "claim" (memory 1))
  (memory (export "memory") 1))
