;; Imports its memory instead of defining it (world bare).
(module
  (import "env" "memory" (memory 1)))
