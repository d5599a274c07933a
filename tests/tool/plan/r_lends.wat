;; stream.new of lends' stream<borrow<counter>> (res.wit): refused, as the
;; component model refuses borrows in elements.
(module
  (import "test:res/store@1.0.0" "[stream-new-0]lends" (func (result i64)))
  (memory (export "memory") 1))
