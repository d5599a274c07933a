;; wat2wasm-flags: --enable-multi-memory
;; memory.copy from the ring memory (0) into its own memory (1) in function
;; 1 (export 'pull'), after other instructions with memory immediates.
(module
  (import "flue:ring/r" "memory" (memory 1))
  (memory (export "memory") 1)
  (func (export "same") (param i32)
    (memory.copy 1 1 (local.get 0) (i32.const 8) (i32.const 4))
    (memory.copy 0 0 (local.get 0) (i32.const 8) (i32.const 4))
    (memory.copy (local.get 0) (i32.const 8) (i32.const 4)))
  (func (export "pull") (param i32) (result i32)
    (i32.store 1 offset=4 (local.get 0) (i32.load 0 (i32.const 0)))
    (drop (memory.size 1))
    (block (result i32) (i32.const 1))
    (drop)
    (memory.copy 1 0 (local.get 0) (i32.const 0) (i32.const 16))
    (i32.const 0)))
