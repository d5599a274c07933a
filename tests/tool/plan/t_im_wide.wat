;; Calls wide (types.wit): 33 numbers, through one pointer.
(module
  (import "$root" "wide" (func (param i32)))
  (memory (export "memory") 1))
