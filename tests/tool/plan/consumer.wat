;; World test:plan/consumer (pipe.wit): calls source#open (async) and
;; source#count, logs through log#note; lifts run (callback) and peek (sync
;; with a post-return, exported before the function itself).
(module
  (import "test:plan/source@1.0.0" "[async-lower]open" (func (param i32 i32) (result i32)))
  (import "test:plan/source@1.0.0" "count" (func (result i32)))
  (import "test:plan/source@1.0.0" "[async-lower][stream-read-0]open"
    (func (param i32 i32 i32) (result i32)))
  (import "test:plan/source@1.0.0" "[stream-drop-readable-0]open" (func (param i32)))
  (import "test:plan/log@1.0.0" "note" (func (param i32 i64)))
  (import "[export]$root" "[task-return]run" (func (param i32)))
  (import "[export]$root" "[async-lower][future-read-0]run" (func (param i32 i32) (result i32)))
  (import "[export]$root" "[stream-drop-readable-1]run" (func (param i32)))
  (memory $mem 1 4)
  (func $realloc (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func $run (param i32 i32 i32) (result i32) i32.const 0)
  (func $run_cb (param i32 i32 i32) (result i32) i32.const 0)
  (func $peek (result i32) i32.const 0)
  (func $peek_post (param i32))
  (func $init)
  (export "memory" (memory $mem))                       ;; 0
  (export "cabi_realloc" (func $realloc))               ;; 1
  (export "[async-lift]run" (func $run))                ;; 2
  (export "[callback][async-lift]run" (func $run_cb))   ;; 3
  (export "cabi_post_peek" (func $peek_post))           ;; 4
  (export "peek" (func $peek))                          ;; 5
  (export "_initialize" (func $init)))                  ;; 6
