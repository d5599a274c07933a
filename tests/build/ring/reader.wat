;; The reader of ring 'samples' (tests/build/ring): run(n) claims at most 3
;; values at a time and reads them in place; when nothing is committed it
;; reads its companion and blocks in waitable-set.wait until the writer's
;; commit completes that read (STREAM_READ). A value out of order traps;
;; the result is the sum of the n values (of those it got if the ring
;; ended first).
(module
  (import "flue:ring/samples" "claim" (func $claim (param i32) (result i64)))
  (import "flue:ring/samples" "finish" (func $finish (param i32)))
  (import "flue:ring/samples" "ready" (func $ready (result i32)))
  (import "flue:ring/samples" "memory" (memory $ring 1))
  (import "$root" "[waitable-set-new]" (func $set_new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[waitable-set-wait]" (func $wait (param i32 i32) (result i32)))
  (import "$root" "[async-lower][stream-read-unit]samples"
    (func $read_unit (param i32 i32 i32) (result i32)))
  (import "[export]$root" "[task-return]run" (func $return (param i32)))
  (memory $own (export "memory") 1)

  (func (export "[async-lift]run") (param $n i32) (result i32)
    (local $set i32) (local $got i32) (local $sum i32) (local $c i64) (local $at i32)
    (local $count i32) (local $j i32) (local $v i32)
    (local.set $set (call $set_new))
    (call $join (call $ready) (local.get $set))
    (block $done
      (loop $more
        (br_if $done (i32.ge_u (local.get $got) (local.get $n)))
        (local.set $c (call $claim (i32.const 3)))
        (br_if $done (i64.eq (local.get $c) (i64.const -1))) ;; the ring ended
        (local.set $at (i32.wrap_i64 (local.get $c)))
        (local.set $count (i32.wrap_i64 (i64.shr_u (local.get $c) (i64.const 32))))
        (if (i32.eqz (local.get $count))
          (then
            (if (i32.eq (call $read_unit (call $ready) (i32.const 0) (i32.const 1))
                        (i32.const -1))
              (then
                ;; the event's payload lands in its own memory at 0
                (if (i32.ne (call $wait (local.get $set) (i32.const 0)) (i32.const 2))
                  (then unreachable))))
            (br $more)))
        (local.set $j (i32.const 0))
        (block $read
          (loop $each
            (br_if $read (i32.ge_u (local.get $j) (local.get $count)))
            (local.set $v (i32.load $ring (i32.add (local.get $at)
                                                   (i32.shl (local.get $j) (i32.const 2)))))
            (if (i32.ne (local.get $v) (i32.add (local.get $got) (i32.const 1)))
              (then unreachable))
            (local.set $sum (i32.add (local.get $sum) (local.get $v)))
            (local.set $got (i32.add (local.get $got) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $each)))
        (call $finish (local.get $count))
        (br $more)))
    (call $return (local.get $sum))
    (i32.const 0))

  ;; A store into the ring: read-only to the reader when isolated.
  (func (export "poke") (param $v i32) (result i32)
    (i32.store $ring (i32.const 0) (local.get $v))
    (i32.load $ring (i32.const 0)))

  ;; It never returns WAIT: no event comes back to it.
  (func (export "[callback][async-lift]run") (param i32 i32 i32) (result i32)
    unreachable))
