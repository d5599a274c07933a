;; Calls put (types.wit), whose type flue does not carry yet.
(module
  (import "$root" "put" (func (param i32 i32)))
  (memory (export "memory") 1))
