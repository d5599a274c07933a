;; Calls strs (types.wit), which takes a stream of strings: served by the
;; host, refused (such ends cross only between guests).
(module
  (import "$root" "strs" (func (param i32)))
  (memory (export "memory") 1))
