;; Fixture module "wtb" (tests/wasmrt/): registers function types that
;; overlap wta's ((i32) -> i32, () -> i32) and one of its own, and calls
;; through wta's table with its own type index, which works only if both
;; modules share the runtime's type indices.
(module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (type $jd_f (func (param i64 f64) (result f32)))
  (import "wta" "tab" (table 4 funcref))
  (table $own (export "tab") 2 funcref)
  (elem (table $own) (i32.const 0) func $double $mixed)

  (func $double (type $i_i) (i32.mul (local.get 0) (i32.const 2)))
  (func $mixed (type $jd_f)
    (f32.add (f32.convert_i64_s (local.get 0)) (f32.demote_f64 (local.get 1))))

  (func (export "call_a") (param i32) (result i32)
    (call_indirect 0 (type $v_i) (local.get 0)))
)
