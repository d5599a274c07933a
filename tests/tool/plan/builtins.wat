;; waitable-set.wait / poll and thread.yield: the glue calls them with the
;; current signatures (no `cancellable` option, #716).
(module
  (import "$root" "[waitable-set-wait]" (func (param i32 i32) (result i32)))
  (import "$root" "[waitable-set-poll]" (func (param i32 i32) (result i32)))
  (import "$root" "[thread-yield]" (func (result i32)))
  (memory (export "memory") 1))
