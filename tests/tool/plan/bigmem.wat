;; A memory of at least 2 pages (world bare).
(module
  (memory (export "memory") 2))
