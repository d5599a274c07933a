;; Calls opt (types.wit): a stream end inside an option.
(module
  (import "$root" "opt" (func (param i32 i32)))
  (memory (export "memory") 1))
