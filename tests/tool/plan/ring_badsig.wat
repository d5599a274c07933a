;; 'claim' with the wrong core type: (i32) -> (i32) instead of (i32) -> (i64).
(module
  (import "flue:ring/r" "claim" (func (param i32) (result i32)))
  (memory (export "memory") 1))
