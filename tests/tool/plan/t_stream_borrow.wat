;; stream.new of lends' stream<borrow<thing>> (types.wit): refused in any
;; module, as the component model refuses borrows in elements.
(module
  (import "$root" "[stream-new-0]lends" (func (result i64)))
  (memory (export "memory") 1))
