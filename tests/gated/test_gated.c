/*
 * The gated image's checks of itself (gated.h), so that the suites passing
 * here means what it says: a lifted function does run unprivileged on a
 * domain's stack and reaches built-ins through the gate, the test body
 * does not, and guest code that touches the store faults and traps only
 * its instance, with the address.
 */
#include <stdint.h>

#include <flue/port.h>

#include "exec_test.h"
#include "gated.h"

static const struct flue_functype sync_unit = { 0 };
static struct flue_func f;
static bool resolved, resolved_with_value;

static struct {
	bool unprivileged;
	uintptr_t sp;
	uint32_t gate_calls;
} seen;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	resolved_with_value = r != NULL;
}

static void core_looks(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	volatile uint32_t on_stack = 0;
	(void)u, (void)a, (void)n, (void)res;
	seen.unprivileged = flue_port_unprivileged();
	seen.sp = (uintptr_t)&on_stack;
	uint32_t before = gx_gate_calls;
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_set_drop(inst, ws);
	seen.gate_calls = gx_gate_calls - before;
}

static void core_touches_store(void *u, struct flue_instance *inst, const flue_flat_t *a,
			       uint32_t n, flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	*(volatile uint32_t *)&ex.store.clock = 0u; /* never reached: MemManage */
}

static void run(struct flue_instance *inst, flue_core_fn core)
{
	ex_lift(&f, inst, &sync_unit, FLUE_LIFT_SYNC, core, 0);
	resolved = resolved_with_value = false;
	flue_call_t call;
	FT_EQ(flue_invoke(&f, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	FT_TRUE(resolved);
}

FT_TEST(guest_code_runs_unprivileged_and_calls_through_the_gate)
{
	ex_setup();
	seen.unprivileged = false;
	seen.gate_calls = 0;
	uint32_t before = gx_gate_calls;
	run(ex_new(), core_looks);
	FT_TRUE(resolved_with_value);
	FT_TRUE(seen.unprivileged);
	FT_TRUE(gx_on_domain_stack(seen.sp));
	FT_EQ(seen.gate_calls, 2); /* waitable-set.new and .drop */
	FT_EQ(gx_gate_calls - before, 2);
	/* The test body itself is privileged and calls straight through. */
	FT_FALSE(flue_port_unprivileged());
	FT_FALSE(gx_on_domain_stack((uintptr_t)&before));
	ex_done();
}

FT_TEST(guest_code_touching_the_store_faults_and_traps_its_instance)
{
	ex_setup();
	struct flue_instance *g = ex_new();
	gx_fault_expected = true;
	run(g, core_touches_store);
	gx_fault_expected = false;
	FT_FALSE(resolved_with_value);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_MEMORY_FAULT);
	FT_TRUE(ex.trap_inst == g);
	const struct flue_port_fault *fault = flue_port_guest_fault();
	FT_EQ(fault->kind, FLUE_PORT_FAULT_MEMMANAGE);
	FT_TRUE(fault->has_addr);
	FT_EQ(fault->addr, (uint32_t)(uintptr_t)&ex.store.clock);
	/* The harness failed the test for it (what makes a stray access in
	 * a suite fail); expected here, so taken back. */
	FT_EQ(ex.failures, 1);
	ex.failures = 0;
	/* Another instance still runs. */
	run(ex_new(), core_looks);
	FT_TRUE(resolved_with_value);
	ex_done();
}

FT_SUITE(gated, FT_CASE(guest_code_runs_unprivileged_and_calls_through_the_gate),
	 FT_CASE(guest_code_touching_the_store_faults_and_traps_its_instance))
