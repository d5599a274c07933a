;; Calls take (types.wit), whose type flue does not carry yet.
(module
  (import "$root" "take" (func (param i32 i32)))
  (memory (export "memory") 1))
