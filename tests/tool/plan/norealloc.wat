;; wide takes its 17 parameters through memory, but there is no
;; cabi_realloc to put them there (world wide).
(module
  (memory (export "memory") 1)
  (func $wide (param i32))
  (export "wide" (func $wide)))
