/*
 * Test support of tests/wasmrt/: a stand-in for flue's glue around guest
 * code. The glue's trap handler (flue_w2c_trap(), set through
 * flue/wasm_rt_trap.h) is replaced by one that records the trap code and
 * longjmps back to wt_run().
 */
#ifndef FLUE_WT_TRAP_H
#define FLUE_WT_TRAP_H

#include <stdint.h>

/* Runs body(arg) the way the glue enters guest code: saves wasm2c's call
 * depth first (wasm_rt_trap() restores it), and catches a trap.
 * Returns WASM_RT_TRAP_NONE (0) if body returned, else the trap code. */
int wt_run(void (*body)(void *arg), void *arg);

/* Number of traps the stub has seen (all tests). */
extern uint32_t wt_traps;

#endif /* FLUE_WT_TRAP_H */
