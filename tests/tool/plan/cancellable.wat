;; The [cancellable] form of waitable-set.wait: removed from the component
;; model with its meaning (#716), refused rather than read as the plain form.
(module
  (import "$root" "[cancellable][waitable-set-wait]" (func (param i32 i32) (result i32)))
  (memory (export "memory") 1))
