;; World test:gpair/caller (gpair.wit): calls svc#greet (sync) and
;; svc#fetch (async); its cabi_realloc receives their strings.
(module
  (import "test:gpair/svc@1.0.0" "greet" (func (param i32 i32 i32)))
  (import "test:gpair/svc@1.0.0" "[async-lower]fetch" (func (param i32 i32) (result i32)))
  (memory $mem 1)
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $run (result i32) i32.const 0)
  (export "memory" (memory $mem))
  (export "cabi_realloc" (func $realloc))
  (export "run" (func $run)))
