/*
 * Trap policy and teardown (docs/EXECUTOR.md, design note 5): a trapped or
 * destroyed instance's tasks resolve without a value (async callers see
 * CANCELLED_BEFORE_RETURNED), its ends are dropped (peers see DROPPED), its
 * threads blocked on their own stacks unwind, and no record leaks.
 */
#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ret_u32 = { .async = true, .result = &u32_t };
static struct flue_func fa, fb;
static struct flue_lowered a_to_b;
static uint32_t got, seti;
static bool never, b_resumed;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	got = r != 0 ? (uint32_t)r->v[0] : 0xDEADu;
}

static void b_blocks_forever(void *u, struct flue_instance *inst, const flue_flat_t *a,
			     uint32_t n, flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	(void)flue_wait_until(&ex.store, ex_is_set, &never, false);
	b_resumed = true; /* never: the wait traps POISONED when B is gone */
}

static void a_waits_for_b(void *u, struct flue_instance *inst, const flue_flat_t *a,
			  uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t out = 64;
	uint64_t st = flue_call_lowered(&a_to_b, &out, 1);
	EX_EQ(st, FLUE_SUBTASK_STARTED | 1u << 4);
	seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, 1, seti);
	res[0] = 2u | seti << 4;
}

static uint32_t a_sees_cancelled(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
				 uint32_t p2)
{
	(void)u;
	EX_EQ(e, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(p1, 1);
	EX_EQ(p2, FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	flue_canon_subtask_drop(inst, 1);
	flue_flat_t r = 7;
	flue_canon_task_return(inst, &u32_t, &r, 1);
	return 0;
}

FT_TEST(destroy_resolves_callers_and_unwinds_blocked_threads)
{
	ex_setup();
	never = b_resumed = false;
	got = 0;
	struct flue_instance *a = ex_new(), *b = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = a_waits_for_b,
				    .callback = a_sees_cancelled };
	FT_EQ(flue_lift(&fa, a, &ret_u32, &o), 0);
	struct flue_lift_opts ob = { .kind = FLUE_LIFT_STACKFUL, .core = b_blocks_forever };
	FT_EQ(flue_lift(&fb, b, &ret_u32, &ob), 0);
	FT_EQ(flue_lower(&a_to_b, &fb, a, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(flue_tick(&ex.store), FLUE_TICK_DEADLOCK); /* B never wakes */
	flue_instance_destroy(b);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(got, 7);
	FT_FALSE(b_resumed);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_FALSE(ex.store.tasks[i].used);
}

/* ------------------------------------- a trap drops the instance's ends */

static void b_traps(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		    flue_flat_t *res)
{
	(void)u, (void)a, (void)n, (void)res;
	flue_canon_backpressure_dec(inst); /* underflow: B traps */
}

FT_TEST(trap_drops_ends_peers_see_dropped)
{
	ex_setup();
	got = 0;
	struct flue_instance *a = ex_new(), *b = ex_new();
	struct flue_lift_opts ob = { .kind = FLUE_LIFT_CALLBACK, .core = b_traps,
				     .callback = a_sees_cancelled };
	FT_EQ(flue_lift(&fb, b, &ret_u32, &ob), 0);
	/* A reads a stream whose writer B holds; the read parks. */
	uint64_t rw = flue_canon_stream_new(b, ex.u8);
	uint32_t ra = 0, wb = (uint32_t)(rw >> 32);
	FT_EQ(flue_end_transfer(b, (uint32_t)rw, ex.u8, a, &ra), 0);
	FT_EQ(flue_canon_stream_read(a, ex.u8, FLUE_OPT_ASYNC, ra, 0, 4), FLUE_BLOCKED);
	flue_call_t call;
	FT_EQ(flue_invoke(&fb, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_BACKPRESSURE_UNDERFLOW);
	FT_TRUE(b->poisoned);
	FT_EQ(got, 0xDEADu); /* the invocation resolved without a value */
	FT_EQ(b->handles[wb].kind, FLUE_H_FREE); /* B's writer end was dropped */
	/* A's parked read ended DROPPED with nothing moved (pending result
	 * wins over the cancel). */
	FT_EQ(flue_canon_stream_cancel_read(a, ex.u8, FLUE_OPT_ASYNC, ra), FLUE_DROPPED);
	FT_EQ(ex_run(), 0);
	ex_done();
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_FALSE(ex.store.tasks[i].used);
}

FT_SUITE(teardown, FT_CASE(destroy_resolves_callers_and_unwinds_blocked_threads),
	 FT_CASE(trap_drops_ends_peers_see_dropped))
