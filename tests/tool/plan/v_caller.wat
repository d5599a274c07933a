;; World test:vends/caller (vends.wit): calls take, takes and nest (sync).
(module
  (import "test:vends/svc@1.0.0" "take" (func (param i32 i32 i32) (result i32)))
  (import "test:vends/svc@1.0.0" "takes" (func (param i32 i32) (result i32)))
  (import "test:vends/svc@1.0.0" "nest" (func (param i32) (result i32)))
  (memory $mem 1)
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $run (result i32) i32.const 0)
  (export "memory" (memory $mem))
  (export "cabi_realloc" (func $realloc))
  (export "run" (func $run)))
