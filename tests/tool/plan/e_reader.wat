;; World test:elems/reader (elems.wit): lifts sink#consume (callback) and
;; reads its stream (async) and its future (sync, blocking) with its
;; cabi_realloc.
(module
  (import "[export]test:elems/sink@1.0.0" "[task-return]consume" (func (param i32)))
  (import "[export]test:elems/sink@1.0.0" "[async-lower][stream-read-0]consume"
    (func (param i32 i32 i32) (result i32)))
  (import "[export]test:elems/sink@1.0.0" "[future-read-1]consume"
    (func (param i32 i32) (result i32)))
  (import "[export]test:elems/sink@1.0.0" "[stream-drop-readable-0]consume" (func (param i32)))
  (memory $mem 1)
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $consume (param i32 i32) (result i32) i32.const 0)
  (func $consume_cb (param i32 i32 i32) (result i32) i32.const 0)
  (export "memory" (memory $mem))
  (export "cabi_realloc" (func $realloc))
  (export "[async-lift]test:elems/sink@1.0.0#consume" (func $consume))
  (export "[callback][async-lift]test:elems/sink@1.0.0#consume" (func $consume_cb)))
