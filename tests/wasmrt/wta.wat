;; Fixture module "wta" of the wasm2c end-to-end tests (tests/wasmrt/):
;; turned into C at build time by wat2wasm + wasm2c -n wta, run against
;; flue_wasm_rt_static on the host and on QEMU. Every export exercises one
;; path of the runtime or one trap of wasm2c's generated code.
(module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  ;; 1 page initially; the module allows 3, the test's storage may allow less.
  (memory (export "mem") 1 3)
  ;; Entries 0 and 1 hold functions of two types, 2 and 3 stay null.
  (table (export "tab") 4 funcref)
  (elem (i32.const 0) $forty_two $inc)
  (data (i32.const 16) "\2a\00\00\00")
  (tag $e (param i32))

  (func $forty_two (type $v_i) (i32.const 42))
  (func $inc (type $i_i) (i32.add (local.get 0) (i32.const 1)))

  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))

  (func (export "unreachable") (unreachable))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "trunc64") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))

  (func (export "call_ind") (param i32) (result i32)
    (call_indirect (type $v_i) (local.get 0)))

  ;; depth(n) nests n + 1 wasm calls and returns n.
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
                     (call $depth (i32.sub (local.get 0) (i32.const 1)))))))
  ;; Never returns: exhausts the call depth.
  (func $forever (export "forever") (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))

  (func $throw (export "throw") (param i32) (throw $e (local.get 0)))
  ;; Throws from a nested call and catches: v + 100.
  (func (export "catch") (param i32) (result i32)
    (try (result i32)
      (do (call $throw (local.get 0)) (i32.const -1))
      (catch $e (i32.add (i32.const 100)))))
)
