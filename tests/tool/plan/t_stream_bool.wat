;; stream.new of bools (types.wit: bools), whose function it lifts: a
;; guest-only element type, so its `export` line is refused.
(module
  (import "[export]$root" "[stream-new-0]bools" (func (result i64)))
  (func $bools (result i32) i32.const 0)
  (export "bools" (func $bools))
  (memory (export "memory") 1))
