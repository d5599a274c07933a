;; cabi_realloc with the wrong core type (world bare).
(module
  (func $r (param i32 i32 i32) (result i32) i32.const 0)
  (export "cabi_realloc" (func $r)))
