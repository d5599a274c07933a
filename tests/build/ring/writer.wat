;; The writer of ring 'samples' (tests/build/ring): run(n) writes 1..n,
;; claiming at most 5 slots at a time; when the ring is full it reads its
;; companion and returns WAIT to the event loop (callback lift), so that
;; the reader, blocked in waitable-set.wait below it on the one stack, can
;; run on. Done, it drops its companion (the reader then drains) and
;; returns n; if the ring ends first (claim: all ones), what it wrote.
(module
  (import "flue:ring/samples" "claim" (func $claim (param i32) (result i64)))
  (import "flue:ring/samples" "finish" (func $finish (param i32)))
  (import "flue:ring/samples" "ready" (func $ready (result i32)))
  (import "flue:ring/samples" "memory" (memory $ring 1))
  (import "$root" "[waitable-set-new]" (func $set_new (result i32)))
  (import "$root" "[waitable-join]" (func $join (param i32 i32)))
  (import "$root" "[async-lower][stream-read-unit]samples"
    (func $read_unit (param i32 i32 i32) (result i32)))
  (import "$root" "[stream-drop-readable-unit]samples" (func $drop_unit (param i32)))
  (import "[export]$root" "[task-return]run" (func $return (param i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1))
  (global $n (mut i32) (i32.const 0))
  (global $set (mut i32) (i32.const 0))

  ;; Write what fits; the callback code: 0 done, WAIT | set << 4.
  (func $pump (result i32)
    (local $c i64) (local $at i32) (local $count i32) (local $k i32) (local $j i32)
    (loop $more
      (local.set $c (i64.const -1))
      (if (i32.le_u (global.get $next) (global.get $n))
        (then (local.set $c (call $claim (i32.const 5)))))
      ;; all written, or the ring ended (the reader left): how many went in
      (if (i64.eq (local.get $c) (i64.const -1))
        (then
          (call $drop_unit (call $ready))
          (call $return (i32.sub (global.get $next) (i32.const 1)))
          (return (i32.const 0))))
      (local.set $at (i32.wrap_i64 (local.get $c)))
      (local.set $count (i32.wrap_i64 (i64.shr_u (local.get $c) (i64.const 32))))
      (if (i32.eqz (local.get $count))
        (then
          ;; full: a unit waiting says "look again"; else wait for one
          (if (i32.eq (call $read_unit (call $ready) (i32.const 0) (i32.const 1))
                      (i32.const -1))
            (then (return (i32.or (i32.const 2)
                                  (i32.shl (global.get $set) (i32.const 4))))))
          (br $more)))
      ;; k = min(count, n - next + 1): the rest of the claim is given back
      (local.set $k (i32.add (i32.sub (global.get $n) (global.get $next)) (i32.const 1)))
      (if (i32.lt_u (local.get $count) (local.get $k)) (then (local.set $k (local.get $count))))
      (local.set $j (i32.const 0))
      (block $written
        (loop $write
          (br_if $written (i32.ge_u (local.get $j) (local.get $k)))
          (i32.store $ring (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 2)))
                     (global.get $next))
          (global.set $next (i32.add (global.get $next) (i32.const 1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $write)))
      (call $finish (local.get $k))
      (br $more))
    unreachable)

  (func (export "[async-lift]run") (param $n i32) (result i32)
    ;; The ring memory cannot grow (wasm: -1, isolated or not); growing it
    ;; by 0 changes nothing and gives its size in pages
    (if (i32.ne (memory.grow $ring (i32.const 1)) (i32.const -1)) (then unreachable))
    (if (i32.ne (memory.grow $ring (i32.const 0)) (memory.size $ring)) (then unreachable))
    (global.set $n (local.get $n))
    (global.set $set (call $set_new))
    (call $join (call $ready) (global.get $set))
    (call $pump))

  ;; Only STREAM_READ (2) of the companion comes here.
  (func (export "[callback][async-lift]run") (param $event i32) (param $p1 i32) (param $p2 i32)
    (result i32)
    (if (i32.ne (local.get $event) (i32.const 2)) (then unreachable))
    (call $pump)))
