/*
 * The gated test images (tests/gated/): the executor's suites run a second
 * time on the Cortex-M boards with their test guests unprivileged behind
 * the privilege gate (flue/port.h), the way flue-build's isolated programs
 * run their components.
 *
 * The suites are not compiled again for this image: their objects (those of
 * target.exec) are linked a second time, with `--wrap` for
 * every runtime entry guest code makes (gate_builtins.c) and for
 * flue_lift() and flue_store_init() (gate_exec.c):
 *   - a lifted function's core, callback, realloc and post-return run as
 *     guest code: flue_port_guest_call() on a domain of their own, on the
 *     domain's stack, unprivileged, under the domain's MPU program;
 *   - from there each built-in (flue_canon_*, flue_call_lowered,
 *     flue_wait_until, flue_trap_raise) goes through flue_port_gate() to a
 *     service that runs the real one privileged; from privileged code (the
 *     test bodies, host functions, the runtime) the wrappers call through;
 *   - the store is privileged-only in the guests' MPU program (the
 *     fixture puts it in a block of its own): a guest that reached the
 *     runtime some other way faults, and the fault fails the test and the
 *     image (gate_exec.c).
 */
#ifndef FLUE_GATED_H
#define FLUE_GATED_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/port.h>

/* The gate's service table of the built-in wrappers (gate_builtins.c). */
extern const flue_port_service_fn gx_builtin_services[];
extern const uint32_t gx_builtin_count;

/* Set by a case that provokes a guest fault on purpose: it is then not
 * reported as unexpected on the image's output (gate_exec.c). */
extern bool gx_fault_expected;

/* Gate calls the services above have run (all of them, any domain). */
extern volatile uint32_t gx_gate_calls;

/* Is `addr` inside one of the domains' guest stacks? (gate_exec.c) */
bool gx_on_domain_stack(uintptr_t addr);

#endif /* FLUE_GATED_H */
