;; World test:hkinds/callee (hkinds.wit): lifts svc#put (sync).
(module
  (memory $mem 1)
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $put (param i32 i32 i32 i32 i32) (result i32) i32.const 0)
  (export "memory" (memory $mem))
  (export "cabi_realloc" (func $realloc))
  (export "test:hkinds/svc#put" (func $put)))
