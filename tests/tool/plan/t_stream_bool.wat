;; stream.new of bools (types.wit: bools): not a flue element type yet.
(module
  (import "[export]$root" "[stream-new-0]bools" (func (result i64)))
  (memory (export "memory") 1))
