;; A post-return for run, which is lifted with a callback (world consumer).
(module
  (memory (export "memory") 1)
  (func $run (param i32 i32 i32) (result i32) i32.const 0)
  (func $cb (param i32 i32 i32) (result i32) i32.const 0)
  (func $post (param i32))
  (export "[async-lift]run" (func $run))
  (export "[callback][async-lift]run" (func $cb))
  (export "cabi_post_run" (func $post)))
