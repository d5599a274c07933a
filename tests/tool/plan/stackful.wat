;; run lifted stackful (world consumer): runs on a fiber (a port with stacks).
(module
  (memory (export "memory") 1)
  (func $run (param i32 i32 i32))
  (export "[async-lift-stackful]run" (func $run)))
