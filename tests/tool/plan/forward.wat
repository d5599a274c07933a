;; stream.forward of run's stream<u8> (pipe.wit, world consumer): gated
;; (#717), refused unless flue is built with FLUE_CONFIG_FORWARD=1.
(module
  (import "[export]$root" "[stream-forward-1]run" (func (param i32 i32)))
  (memory (export "memory") 1))
