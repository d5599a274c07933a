;; run lifted stackful (world consumer): needs stack switching.
(module
  (memory (export "memory") 1)
  (func $run (param i32 i32 i32))
  (export "[async-lift-stackful]run" (func $run)))
