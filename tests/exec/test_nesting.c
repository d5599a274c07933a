/*
 * The nesting limit (FLUE_CONFIG_MAX_NESTING): built against a library
 * configured with a limit of 2 (CMakeLists.txt: flue_nest2), so that three
 * instances suffice. A callback task in each instance parks, then blocks
 * in a sync wait when resumed; each blocked wait's nested loop resumes the
 * next instance's task, one level deeper. The third level traps the
 * instance that would block, never overflowing the stack.
 */
#include "exec_test.h"

_Static_assert(FLUE_CONFIG_MAX_NESTING == 2, "built with -DFLUE_CONFIG_MAX_NESTING=2");

static const struct flue_functype unit_async = { .async = true };
static struct flue_func fw[3];
static uint32_t nblocked;

static void w_yields(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	res[0] = 1; /* YIELD */
}

static uint32_t w_blocks(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			 uint32_t p2)
{
	(void)u, (void)e, (void)p1, (void)p2;
	uint32_t set = flue_canon_waitable_set_new(inst);
	nblocked++;
	(void)flue_canon_waitable_set_wait(inst, set, 128);
	EX_TRUE(false); /* never returns */
	return 0;
}

static void ignore(void *user, const struct flue_values *r)
{
	(void)user, (void)r;
}

FT_TEST(nesting_limit_traps_instead_of_overflowing)
{
	ex_setup();
	nblocked = 0;
	struct flue_instance *in[3];
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = w_yields,
				    .callback = w_blocks };
	for (uint32_t i = 0; i < 3; i++) {
		in[i] = ex_new();
		FT_EQ(flue_lift(&fw[i], in[i], &unit_async, &o), 0);
		flue_call_t call;
		FT_EQ(flue_invoke(&fw[i], 0, 0, ignore, 0, &call), 0);
	}
	(void)ex_run();
	ex_done();
	/* Two loops nested (in[0], in[1]); in[2]'s wait is the third: it traps. */
	FT_EQ(nblocked, 3);
	FT_TRUE(in[2]->poisoned);
	FT_EQ(in[2]->trap_reason, FLUE_TRAP_NESTING_LIMIT);
	/* The two below then deadlock (nothing can fill their sets). */
	FT_EQ(in[1]->trap_reason, FLUE_TRAP_DEADLOCK);
	FT_EQ(in[0]->trap_reason, FLUE_TRAP_DEADLOCK);
	FT_EQ(ex.store.sched.depth, 0);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_FALSE(ex.store.tasks[i].used);
}

FT_SUITE(nesting, FT_CASE(nesting_limit_traps_instead_of_overflowing))
