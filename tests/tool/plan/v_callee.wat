;; World test:vends/callee (vends.wit): lifts take, takes and nest (sync);
;; its cabi_realloc receives the name and the list.
(module
  (memory $mem 1)
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $take (param i32 i32 i32) (result i32) i32.const 0)
  (func $takes (param i32 i32) (result i32) i32.const 0)
  (func $nest (param i32) (result i32) i32.const 0)
  (export "memory" (memory $mem))
  (export "cabi_realloc" (func $realloc))
  (export "test:vends/svc@1.0.0#take" (func $take))
  (export "test:vends/svc@1.0.0#takes" (func $takes))
  (export "test:vends/svc@1.0.0#nest" (func $nest)))
