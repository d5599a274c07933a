;; Calls strs (types.wit), which takes a stream of strings.
(module
  (import "$root" "strs" (func (param i32)))
  (memory (export "memory") 1))
