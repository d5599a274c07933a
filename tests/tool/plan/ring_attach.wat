;; A guest of a driver ring 'r' (world bare): it attaches a window of its
;; own memory.
(module
  (import "flue:ring/r" "attach" (func (param i32 i32)))
  (import "flue:ring/r" "claim" (func (param i32) (result i64)))
  (import "flue:ring/r" "finish" (func (param i32)))
  (import "flue:ring/r" "ready" (func (result i32)))
  (memory (export "memory") 1))
