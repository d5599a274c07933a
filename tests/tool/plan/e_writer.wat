;; World test:elems/writer (elems.wit): makes the stream and the future,
;; calls sink#consume (async) and writes them; no cabi_realloc (a writer
;; allocates nothing).
(module
  (import "test:elems/sink@1.0.0" "[async-lower]consume" (func (param i32 i32 i32) (result i32)))
  (import "test:elems/sink@1.0.0" "[stream-new-0]consume" (func (result i64)))
  (import "test:elems/sink@1.0.0" "[async-lower][stream-write-0]consume"
    (func (param i32 i32 i32) (result i32)))
  (import "test:elems/sink@1.0.0" "[stream-drop-writable-0]consume" (func (param i32)))
  (import "test:elems/sink@1.0.0" "[future-new-1]consume" (func (result i64)))
  (import "test:elems/sink@1.0.0" "[async-lower][future-write-1]consume"
    (func (param i32 i32) (result i32)))
  (memory $mem 1)
  (func $run (result i32) i32.const 0)
  (export "memory" (memory $mem))
  (export "run" (func $run)))
