;; [async-lift]run without [callback][async-lift]run (world consumer).
(module
  (memory (export "memory") 1)
  (func $run (param i32 i32 i32) (result i32) i32.const 0)
  (export "[async-lift]run" (func $run)))
