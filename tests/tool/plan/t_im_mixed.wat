;; Calls mixed (types.wit): a stream end next to a string.
(module
  (import "$root" "mixed" (func (param i32 i32 i32)))
  (memory (export "memory") 1))
