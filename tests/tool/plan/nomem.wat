;; waitable-set.wait stores its event in linear memory, but the module
;; exports none (world bare).
(module
  (import "$root" "[waitable-set-wait]" (func (param i32 i32) (result i32))))
