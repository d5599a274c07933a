;; Reads a stream of strings (elems.wit) but exports no cabi_realloc, which
;; the strings would be stored with.
(module
  (import "[export]test:elems/sink@1.0.0" "[async-lower][stream-read-0]consume"
    (func (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1))
