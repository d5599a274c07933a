;; The implementation of test:res/store's counter (res.wit): its
;; built-ins, its functions and its destructor.
(module
  (import "[export]test:res/store@1.0.0" "[resource-new]counter" (func $new (param i32) (result i32)))
  (import "[export]test:res/store@1.0.0" "[resource-rep]counter" (func (param i32) (result i32)))
  (import "[export]test:res/store@1.0.0" "[resource-drop]counter" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "test:res/store@1.0.0#[constructor]counter") (param i32) (result i32)
    (call $new (local.get 0)))
  (func (export "test:res/store@1.0.0#[method]counter.value") (param i32) (result i32)
    (local.get 0))
  (func (export "test:res/store@1.0.0#[static]counter.count") (result i32) (i32.const 0))
  (func (export "test:res/store@1.0.0#make") (result i32) (call $new (i32.const 7)))
  (func (export "test:res/store@1.0.0#oops") (param i32) (result i32) (i32.const 0))
  (func (export "test:res/store@1.0.0#[dtor]counter") (param i32)))
