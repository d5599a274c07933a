;; stream.forward of consume's stream<string> (elems.wit): gated (#717),
;; and with the gate on refused, as the library refuses it (forward moves
;; no values).
(module
  (import "[export]test:elems/sink@1.0.0" "[stream-forward-0]consume" (func (param i32 i32)))
  (memory (export "memory") 1))
