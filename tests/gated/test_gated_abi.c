/*
 * The gated built-in image's checks of itself (gate_abi.c), so that the
 * built-in suites passing there means what it says: a case body runs
 * unprivileged on the domain's stack and reaches the runtime only through
 * the gate, a trap a built-in raises comes back to the body's FT_TRAPS
 * (which then goes on, still unprivileged), and a body that touches the
 * store faults at that address.
 */
#include <stdint.h>

#include <flue/port.h>

#include "abi_test.h"
#include "gated.h"

FT_TEST(case_body_runs_unprivileged_and_calls_through_the_gate)
{
	volatile uint32_t on_stack = 0;
	FT_TRUE(flue_port_unprivileged());
	FT_TRUE(gx_on_domain_stack((uintptr_t)&on_stack));
	uint32_t before = gx_gate_calls;
	fx_setup();
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_set_drop(fx.a, ws);
	/* fx_setup, waitable-set.new, .drop: the runtime calls fx_setup makes
	 * are privileged already and call straight through. */
	FT_EQ(gx_gate_calls - before, 3);
}

FT_TEST(trap_in_a_service_comes_back_to_the_case_body)
{
	fx_setup();
	uint32_t before = gx_gate_calls;
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, flue_canon_waitable_set_drop(fx.a, 99));
	FT_TRUE(flue_port_unprivileged());
	FT_TRUE(FX_READ(fx.a->poisoned));
	FT_EQ(gx_gate_calls - before, 2); /* the drop, the read */
	/* The service left cleanly: B and the gate still work. */
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_set_drop(fx.b, ws);
	FT_FALSE(FX_READ(fx.b->poisoned));
}

FT_TEST(case_body_touching_the_store_faults)
{
	fx_setup();
	gx_fault_expected = true;
	*(volatile uint32_t *)&fx.store.clock = 0u; /* never reached: MemManage */
	FT_FAIL("a store into the store went through");
}

/* Runs after the previous case (the runner keeps their order). */
FT_TEST(the_fault_was_memmanage_at_the_store)
{
	const struct flue_port_fault *f = gx_last_case_fault();
	FT_FALSE(gx_fault_expected); /* taken by the runner, not left over */
	FT_EQ(f->kind, FLUE_PORT_FAULT_MEMMANAGE);
	FT_TRUE(f->has_addr);
	FT_EQ(f->addr, (uint32_t)(uintptr_t)&fx.store.clock);
}

FT_SUITE(gated_abi, FT_CASE(case_body_runs_unprivileged_and_calls_through_the_gate),
	 FT_CASE(trap_in_a_service_comes_back_to_the_case_body),
	 FT_CASE(case_body_touching_the_store_faults),
	 FT_CASE(the_fault_was_memmanage_at_the_store))
