;; wat2wasm-flags: --enable-threads --enable-exceptions
;; A shared memory with limits (threads), tags imported, defined and
;; exported (exception handling: the tag section sits between the memory
;; and global sections), a global initialised by global.get.
(module
  (type $ex (func (param i32)))
  (import "env" "ex" (tag $ex_in (type $ex)))
  (import "env" "base" (global $base i32))
  (memory $m 1 2 shared)
  (tag $mine (type $ex))
  (global $copy i32 (global.get $base))
  (export "mine" (tag $mine))
  (export "ex_again" (tag $ex_in))
  (export "copy" (global $copy))
  (export "m" (memory $m)))
