;; Two tables (world bare): fine on the host, not on Cortex-M.
(module
  (table 1 funcref)
  (table 1 externref))
