;; An import flue does not support (world bare).
(module
  (import "$root" "[thread-index]" (func (result i32))))
