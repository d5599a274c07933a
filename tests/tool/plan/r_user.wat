;; A user of test:res/store (res.wit): its functions, resource.drop, and
;; stream.new of a stream<own<counter>>.
(module
  (import "test:res/store@1.0.0" "[constructor]counter" (func (param i32) (result i32)))
  (import "test:res/store@1.0.0" "[method]counter.value" (func (param i32) (result i32)))
  (import "test:res/store@1.0.0" "make" (func (result i32)))
  (import "test:res/store@1.0.0" "[resource-drop]counter" (func (param i32)))
  (import "test:res/store@1.0.0" "[stream-new-0]feed" (func (result i64)))
  (memory (export "memory") 1))
