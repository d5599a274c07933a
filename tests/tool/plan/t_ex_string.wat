;; Lifts greet (types.wit), whose type flue does not carry yet.
(module
  (memory (export "memory") 1)
  (func $f (param i32 i32) (result i32) i32.const 0)
  (export "greet" (func $f)))
