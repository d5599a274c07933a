;; Calls ostrs (types.wit): a stream of strings inside an option.
(module
  (import "$root" "ostrs" (func (param i32 i32)))
  (memory (export "memory") 1))
