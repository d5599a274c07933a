;; Calls name (types.wit), whose string result lands in this module's
;; memory, which needs a cabi_realloc this module does not export.
(module
  (import "$root" "name" (func (param i32)))
  (memory (export "memory") 1))
