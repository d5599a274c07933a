;; Calls show (types.wit), whose type flue does not carry yet.
(module
  (import "$root" "show" (func (param i32 i32)))
  (memory (export "memory") 1))
