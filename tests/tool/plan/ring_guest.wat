;; wat2wasm-flags: --enable-multi-memory
;; A guest of a component-to-component ring 'r' (world bare): the ring
;; built-ins and the ring memory, next to a memory of its own.
(module
  (import "flue:ring/r" "claim" (func (param i32) (result i64)))
  (import "flue:ring/r" "finish" (func (param i32)))
  (import "flue:ring/r" "ready" (func (result i32)))
  (import "flue:ring/r" "memory" (memory 1))
  (memory (export "memory") 1))
