;; World test:gpair/callee (gpair.wit): lifts svc#greet (sync) and
;; svc#fetch (callback), with task.return of a result<string, color>.
(module
  (import "[export]test:gpair/svc@1.0.0" "[task-return]fetch" (func (param i32 i32 i32)))
  (memory $mem 1)
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $greet (param i32 i32) (result i32) i32.const 0)
  (func $fetch (param i32) (result i32) i32.const 0)
  (func $fetch_cb (param i32 i32 i32) (result i32) i32.const 0)
  (export "memory" (memory $mem))
  (export "cabi_realloc" (func $realloc))
  (export "test:gpair/svc@1.0.0#greet" (func $greet))
  (export "[async-lift]test:gpair/svc@1.0.0#fetch" (func $fetch))
  (export "[callback][async-lift]test:gpair/svc@1.0.0#fetch" (func $fetch_cb)))
