/*
 * The gated test images (tests/gated/): suites that run on the Cortex-M
 * boards run a second time with their test guests unprivileged behind the
 * privilege gate (flue/port.h), the way flue-build's isolated programs run
 * their components. Not compiled again: their objects are linked a second
 * time, with `--wrap` for every runtime entry guest code makes
 * (gate_wrap.h, gate_builtins.c): unprivileged, a wrapper goes through
 * flue_port_gate() to a service that runs the real entry privileged;
 * privileged callers call through.
 *
 * target.exec.gated (gate_exec.c): the executor's suites. A lifted
 * function's core, callback, realloc and post-return run as guest code
 * (flue_port_guest_call() on a domain of their own); the test bodies, host
 * functions and the runtime stay privileged.
 *
 * target.abi.gated (gate_abi.c): the built-in suites. Their case bodies
 * are the guest (they call the built-ins as a core function does): each
 * runs as guest code, and a trap FT_TRAPS expects comes back to it.
 *
 * In both the store is privileged-only in the guests' MPU program (the
 * fixtures put it in a block of its own): a guest that reached the runtime
 * some other way faults, and the fault fails the test and the image.
 */
#ifndef FLUE_GATED_H
#define FLUE_GATED_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/port.h>

struct flue_mpu_write;

/* At start-up (a constructor): the guests' MPU program in `program` (code
 * RO+X, all RAM RW but the store's `block` bytes at `store`, privileged-only)
 * and the gate's service table; its length. Stops the image if either
 * cannot be had. */
uint32_t gx_install(struct flue_mpu_write *program, const void *store, uint32_t block,
		    const flue_port_service_fn *services, uint32_t n);

/* Set by a case that provokes a guest fault on purpose: it is then not
 * reported as unexpected on the image's output. */
extern bool gx_fault_expected;

/* Gate calls the images' services have run (all of them, any domain). */
extern volatile uint32_t gx_gate_calls;

/* Is `addr` inside one of the domains' guest stacks? (gate_exec.c,
 * gate_abi.c) */
bool gx_on_domain_stack(uintptr_t addr);

/* The built-in image's last guest fault of a case body (gate_abi.c). */
const struct flue_port_fault *gx_last_case_fault(void);

#endif /* FLUE_GATED_H */
