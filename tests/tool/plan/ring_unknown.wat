;; A ring import flue does not have.
(module
  (import "flue:ring/r" "peek" (func (result i32)))
  (memory (export "memory") 1))
