;; wat2wasm-flags: --debug-names
;; Imports of all four kinds (limits, mutability), a defined function that
;; uses them, exports of imported entities, a start function and data in the
;; imported memory. Checked field by field by tests/tool/test_wasm.c.
(module
  (type $v_v (func))
  (type $ii_i (func (param i32 i32) (result i32)))
  (type $l_f (func (param i64) (result f64)))
  (import "env" "add" (func $add (type $ii_i)))
  (import "env" "tab" (table $tab 2 8 funcref))
  (import "env" "mem" (memory $mem 1 4))
  (import "env" "counter" (global $counter (mut i32)))
  (import "env" "limit" (global $limit i64))
  (import "wasi:io/poll@0.2.0" "[method]pollable.block" (func $block (param i32)))
  (import "env" "conv" (func $conv (type $l_f)))
  (func $init (type $v_v)
    (global.set $counter (call $add (global.get $counter) (i32.const 1))))
  (func $run (export "run") (param i32) (result i32)
    (call $block (local.get 0))
    (call $add (local.get 0) (i32.wrap_i64 (global.get $limit))))
  (start $init)
  (export "add_again" (func $add))
  (export "table" (table $tab))
  (export "memory" (memory $mem))
  (export "counter" (global $counter))
  (data (i32.const 16) "hello")
  (data (i32.const 1024) "\00\01\02")
  (data (i32.const 100) "xy"))
