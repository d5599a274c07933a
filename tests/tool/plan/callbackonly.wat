;; A callback for run, but no lift of run (world consumer).
(module
  (memory (export "memory") 1)
  (func $cb (param i32 i32 i32) (result i32) i32.const 0)
  (export "[callback][async-lift]run" (func $cb)))
