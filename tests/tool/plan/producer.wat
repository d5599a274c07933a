;; World test:plan/producer (pipe.wit): lifts source#count (sync) and
;; source#open (callback); imports log#note and the intrinsics of open.
(module
  (import "test:plan/log@1.0.0" "note" (func (param i32 i64)))
  (import "[export]test:plan/source@1.0.0" "[task-return]open" (func (param i32)))
  (import "[export]test:plan/source@1.0.0" "[stream-new-0]open" (func (result i64)))
  (import "[export]test:plan/source@1.0.0" "[async-lower][stream-write-0]open"
    (func (param i32 i32 i32) (result i32)))
  (import "$root" "[waitable-set-new]" (func (result i32)))
  (import "$root" "[waitable-set-wait]" (func (param i32 i32) (result i32)))
  (import "$root" "[context-get-0]" (func (result i32)))
  (memory $mem 1)
  (global $end i32 (i32.const 1024))
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $count (result i32) i32.const 0)
  (func $open (param i32) (result i32) i32.const 0)
  (func $open_cb (param i32 i32 i32) (result i32) i32.const 0)
  (export "memory" (memory $mem))                                             ;; 0
  (export "cabi_realloc" (func $realloc))                                     ;; 1
  (export "test:plan/source@1.0.0#count" (func $count))                       ;; 2
  (export "[async-lift]test:plan/source@1.0.0#open" (func $open))             ;; 3
  (export "[callback][async-lift]test:plan/source@1.0.0#open" (func $open_cb)) ;; 4
  (export "__data_end" (global $end)))                                        ;; 5
