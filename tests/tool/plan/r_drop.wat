;; Only resource.drop of test:res/store's counter (res.wit): no instance
;; of the composition implements it.
(module
  (import "test:res/store@1.0.0" "[resource-drop]counter" (func (param i32)))
  (memory (export "memory") 1))
