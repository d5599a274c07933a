/*
 * The gated built-in image (gated.h, target.abi.gated): the built-in suites
 * (tests/abi/) run a second time with every case body as unprivileged
 * guest code. Their bodies *are* the guest: they call the built-ins
 * directly, as a core function does, and also set up what they test (the
 * object, host, channel and ring API) and read runtime state (FX_READ).
 *
 *   - the runner enters each case body with flue_port_guest_call() on one
 *     domain (ft_enter_case): unprivileged, on the domain's stack, under an
 *     MPU program that gives guests code RO+X and all RAM RW except the
 *     store (the fixture puts it in a block of its own, abi_test.h);
 *   - every runtime entry the bodies make is a gate service (GX_BUILTINS,
 *     then this image's own: the fixture's setup and white-box helpers,
 *     flue_lift, flue_store_init), so a body that reached the runtime any
 *     other way faults;
 *   - a trap the entry raises (FT_TRAPS expects one) goes to the fixture's
 *     trap hook in the service, which unwinds to the service (gx_serve:
 *     this image catches traps); the guest side then longjmps into the
 *     case body (abi_resume_trap), which goes on unprivileged;
 *   - a fault or a refused entry fails the case and prints "gated:
 *     unexpected ..." (gated.cmake's FAIL_REGULAR_EXPRESSION); a failed
 *     check in a service stops the image (ft_stop_on_failure).
 *
 * Functions the suites lift (cover_abi's two executor cases) run
 * privileged here, inside flue_run's service: lifted functions run as guest
 * code in target.exec.gated.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/mpu.h>
#include <flue/port.h>
#include <flue/port_mpu.h>

#include "abi_test.h"
#include "ft_target.h"
#include "gate_wrap.h"
#include "gated.h"
#include "iso.h"

#define GX_CASE_STACK 16384u

/* This image's own entries, after GX_BUILTINS in its service table. */
#define GX_ABI_ENTRIES(X)                                                                 \
	X(fx_setup) X(fx_peek) X(fx_end_state) X(fx_copy_instance) X(fx_set_may_leave)    \
	X(fx_set_block_hook) X(flue_lift) X(flue_store_init)

enum { GX_ABI_BASE = GX_COUNT - 1, GX_ABI_ENTRIES(GX_INDEX) GX_ABI_END };

/* No parameter and no result: an empty frame. */
GX_PROTO(void, fx_setup, void)
struct fx_setup_f {
	uint32_t unused;
};
GX_SVC(fx_setup, (void)f; __real_fx_setup())
void __wrap_fx_setup(void)
{
	if (!flue_port_unprivileged()) {
		__real_fx_setup();
		return;
	}
	struct fx_setup_f f = { 0 };
	gx_gate(GX_fx_setup, &f);
}

GX2(uint64_t, fx_peek, const void *, U32)
GX2(uint8_t, fx_end_state, const struct flue_instance *, U32)
GXV2(fx_copy_instance, INST, const struct flue_instance *)
GXV2(fx_set_may_leave, INST, bool)
GXV1(fx_set_block_hook, flue_block_hook_t)
GX4(int, flue_lift, struct flue_func *, INST, const struct flue_functype *,
    const struct flue_lift_opts *)
GXV3(flue_store_init, struct flue_store *, flue_trap_hook_t, void *)

static const flue_port_service_fn services[] = { GX_BUILTINS(GX_ENTRY)
							 GX_ABI_ENTRIES(GX_ENTRY) };
_Static_assert(sizeof services / sizeof services[0] == GX_ABI_END, "one service per entry");

/* ---------------------------------------------------------- the domain */

static uint64_t stack[GX_CASE_STACK / 8u];
static struct flue_mpu_write program[FLUE_MPU_SEQ_MAX];
static struct flue_port_domain domain;

bool gx_on_domain_stack(uintptr_t addr)
{
	return addr >= (uintptr_t)stack && addr < (uintptr_t)stack + GX_CASE_STACK;
}

/* ------------------------------------------------------------ the traps */

/* The fixture's trap hook, privileged in the service of the entry that
 * trapped, with FT_TRAPS armed: back to that service (gx_serve). */
_Noreturn void fx_trap_unwind(void)
{
	flue_port_unwind();
}

/* Guest side, right after the gate call of the entry that trapped: into
 * FT_TRAPS of the case body, on its own stack, unprivileged. */
static void abi_resume_trap(void)
{
	longjmp(fx.jmp, 1);
}

/* ------------------------------------------------------------- the cases */

static uint32_t case_entry(uint32_t fn, uint32_t u1, uint32_t u2, uint32_t u3)
{
	(void)u1;
	(void)u2;
	(void)u3;
	((void (*)(void))(uintptr_t)fn)();
	return 0;
}

static struct flue_port_fault last_fault;

const struct flue_port_fault *gx_last_case_fault(void)
{
	return &last_fault;
}

/* The case body as guest code. A fault ends it: expected (the image's own
 * check, test_gated_abi.c) it is recorded, else the case fails. */
void ft_enter_case(void (*fn)(void))
{
	const uint32_t a[4] = { (uint32_t)(uintptr_t)fn, 0u, 0u, 0u };
	uint32_t r = 0;
	ft_stop_on_failure = true;
	int rc = flue_port_guest_call(&domain, case_entry, a, &r);
	ft_stop_on_failure = false;
	if (rc == FLUE_PORT_GUEST_RETURNED)
		return;
	if (rc == FLUE_PORT_GUEST_FAULTED) {
		last_fault = *flue_port_guest_fault();
		if (gx_fault_expected) {
			gx_fault_expected = false;
			return;
		}
		printf("gated: unexpected guest fault: kind %u address 0x%lx pc 0x%lx\n",
		       (unsigned)last_fault.kind, (unsigned long)last_fault.addr,
		       (unsigned long)last_fault.pc);
		FT_FAIL("the case body faulted");
	}
	printf("gated: unexpected refusal of the case body's entry: %d\n", rc);
	FT_FAIL("the case body could not be entered");
}

__attribute__((constructor)) static void gx_start(void)
{
	uint32_t n = gx_install(program, &fx.store, FX_STORE_BLOCK, services, GX_ABI_END);
	domain = (struct flue_port_domain){ program, n, (uintptr_t)stack,
					    (uintptr_t)stack + GX_CASE_STACK, 0, 0, 0 };
	gx_catch_traps = true;
	gx_on_trap = abi_resume_trap;
}
