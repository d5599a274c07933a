;; wat2wasm-flags: --debug-names
;; Defined functions, tables, memories and globals with their initialisers,
;; exports of every kind, element segments in all eight encodings and data
;; segments active and passive. Checked by tests/tool/test_wasm.c.
(module
  (type $i_i (func (param i32) (result i32)))
  (type $v_ifd (func (result i32 f32 f64)))
  (table $t0 4 funcref)
  (table $t1 2 10 externref)
  (table $t2 3 funcref)
  (memory $m 2 16)
  (global $neg i32 (i32.const -5))
  (global $big (mut i64) (i64.const 0x123456789abcdef0))
  (global $f f32 (f32.const 1.5))
  (global $d (mut f64) (f64.const -2.25))
  (global $fr funcref (ref.func $id))
  (global $minus1 i64 (i64.const -1))
  (func $id (type $i_i) (local.get 0))
  (func $three (type $v_ifd) (i32.const 1) (f32.const 2) (f64.const 3))
  (func $drop (memory.init $pass (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $pass))
  (export "id" (func $id))
  (export "three" (func $three))
  (export "t1" (table $t1))
  (export "mem" (memory $m))
  (export "big" (global $big))
  (export "neg" (global $neg))
  (elem (i32.const 1) $id $three)                                    ;; flags 0
  (elem func $id)                                                    ;; flags 1
  (elem (table $t2) (i32.const 0) func $three)                       ;; flags 2
  (elem declare func $three)                                         ;; flags 3
  (elem (i32.const 2) funcref (ref.null func) (ref.func $id))        ;; flags 4
  (elem externref (ref.null extern))                                 ;; flags 5
  (elem (table $t2) (offset (i32.const 1)) funcref (ref.null func))  ;; flags 6
  (elem declare funcref (ref.func $id) (ref.null func))              ;; flags 7
  (data (i32.const 0x10000) "abcdefgh")
  (data $pass "passive data")
  (data (i32.const 8) "z"))
