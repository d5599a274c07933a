;; run lifted synchronously, with a callback all the same (world consumer).
(module
  (memory (export "memory") 1)
  (func $run (param i32 i32 i32) (result i32) i32.const 0)
  (func $cb (param i32 i32 i32) (result i32) i32.const 0)
  (export "run" (func $run))
  (export "[callback][async-lift]run" (func $cb)))
