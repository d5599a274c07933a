/*
 * Lockdown: an export of a trapped or destroyed instance is never entered
 * again. flue_invoke() and lowered calls into it resolve without a value
 * and run no guest code (a sync lowered call traps its caller with
 * CALLEE_TRAPPED; an async one gets a subtask whose event says
 * CANCELLED_BEFORE_STARTED). A function lifted for an instance that was
 * destroyed stays dead even when a new instance takes the same slot.
 * Callback-lifted only, so the suite also runs on the Cortex-M target.
 */
#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ret_u32 = { .async = true, .result = &u32_t };
static const struct flue_functype sync_ret_u32 = { .async = false, .result = &u32_t };
static struct flue_func fa, fb;
static struct flue_lowered a_to_b;
static uint32_t b_entries, resolutions, got, a_event, a_p1, a_p2, a_status;
static bool trap_b;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolutions++;
	got = r != 0 ? (uint32_t)r->v[0] : 0xDEADu;
}

/* B: traps on its first call if asked to, else returns 5. */
static void b_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		   flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	b_entries++;
	if (trap_b)
		flue_canon_backpressure_dec(inst); /* underflow: B traps */
	flue_flat_t r = 5;
	flue_canon_task_return(inst, &u32_t, &r, 1);
	res[0] = 0; /* EXIT */
}

static uint32_t b_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	return 0;
}

static void setup(void)
{
	ex_setup();
	b_entries = resolutions = got = a_event = a_p1 = a_p2 = a_status = 0;
	trap_b = false;
}

static struct flue_instance *lift_b(void)
{
	struct flue_instance *b = ex_new();
	ex_lift(&fb, b, &ret_u32, FLUE_LIFT_CALLBACK, b_core, b_cb);
	return b;
}

static void invoke_b(void)
{
	flue_call_t call;
	FT_EQ(flue_invoke(&fb, 0, 0, on_resolve, 0, &call), 0);
}

static void no_task_left(void)
{
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_FALSE(ex.store.tasks[i].used);
}

FT_TEST(invoke_after_trap_runs_no_guest_code)
{
	setup();
	struct flue_instance *b = lift_b();
	trap_b = true;
	invoke_b();
	FT_EQ(b_entries, 1);
	FT_TRUE(b->poisoned);
	FT_EQ(resolutions, 1);
	FT_EQ(got, 0xDEADu);
	trap_b = false; /* it would return 5 now, were it entered */
	invoke_b();
	FT_EQ(b_entries, 1);   /* never entered again */
	FT_EQ(resolutions, 2); /* resolved at once, without a value */
	FT_EQ(got, 0xDEADu);
	FT_EQ(ex.ntraps, 1);   /* and no new trap was raised */
	FT_EQ(ex_run(), 0);
	no_task_left();
}

FT_TEST(invoke_after_destroy_runs_no_guest_code)
{
	setup();
	struct flue_instance *b = lift_b();
	flue_instance_destroy(b);
	invoke_b();
	FT_EQ(b_entries, 0);
	FT_EQ(resolutions, 1);
	FT_EQ(got, 0xDEADu);
	/* A new instance takes B's slot: the old function still names the
	 * destroyed instance and must not run in the new one. */
	struct flue_instance *c = ex_new();
	FT_TRUE(c == b);
	invoke_b();
	FT_EQ(b_entries, 0);
	FT_EQ(resolutions, 2);
	FT_EQ(got, 0xDEADu);
	FT_FALSE(c->poisoned);
	FT_EQ(ex_run(), 0);
	no_task_left();
}

FT_TEST(posted_invoke_after_destroy_runs_no_guest_code)
{
	setup();
	struct flue_instance *b = lift_b();
	flue_instance_destroy(b);
	FT_EQ(flue_invoke_post(&fb, 0, 0, on_resolve, 0, 0), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(b_entries, 0);
	FT_EQ(resolutions, 1);
	FT_EQ(got, 0xDEADu);
	no_task_left();
}

/* A: calls B through a lowered import (async) and reports what it saw. */
static void a_calls_b_async(void *u, struct flue_instance *inst, const flue_flat_t *a,
			    uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t out = 64;
	a_status = (uint32_t)flue_call_lowered(&a_to_b, &out, 1);
	uint32_t set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, a_status >> 4, set);
	res[0] = 2u | set << 4; /* WAIT */
}

static uint32_t a_sees_event(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			     uint32_t p2)
{
	(void)u;
	a_event = e;
	a_p1 = p1;
	a_p2 = p2;
	flue_canon_subtask_drop(inst, p1);
	flue_flat_t r = 9;
	flue_canon_task_return(inst, &u32_t, &r, 1);
	return 0;
}

FT_TEST(async_lowered_call_into_trapped_instance_runs_no_guest_code)
{
	setup();
	struct flue_instance *b = lift_b();
	struct flue_instance *a = ex_new();
	ex_lift(&fa, a, &ret_u32, FLUE_LIFT_CALLBACK, a_calls_b_async, a_sees_event);
	FT_EQ(flue_lower(&a_to_b, &fb, a, true), 0);
	trap_b = true;
	invoke_b(); /* B traps */
	FT_EQ(b_entries, 1);
	FT_TRUE(b->poisoned);
	trap_b = false;
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(b_entries, 1); /* B was not entered by A's call */
	FT_EQ(st_state(a_status), FLUE_SUBTASK_STARTING);
	FT_EQ(a_event, FLUE_EVENT_CODE_SUBTASK);
	FT_EQ(a_p1, st_index(a_status));
	FT_EQ(a_p2, FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);
	FT_EQ(got, 9);
	FT_FALSE(a->poisoned);
	no_task_left();
}

/* A: calls B synchronously (B is a sync-typed export). */
static void a_calls_b_sync(void *u, struct flue_instance *inst, const flue_flat_t *a,
			   uint32_t n, flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	a_status = (uint32_t)flue_call_lowered(&a_to_b, 0, 0);
	a_event = 0xBEEFu; /* never: the call traps A */
}

static void b_sync_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	b_entries++;
	if (trap_b)
		flue_canon_backpressure_dec(inst);
	res[0] = 5;
}

FT_TEST(sync_lowered_call_into_destroyed_instance_traps_caller)
{
	setup();
	struct flue_instance *b = ex_new();
	ex_lift(&fb, b, &sync_ret_u32, FLUE_LIFT_SYNC, b_sync_core, 0);
	struct flue_instance *a = ex_new();
	ex_lift(&fa, a, &sync_ret_u32, FLUE_LIFT_SYNC, a_calls_b_sync, 0);
	FT_EQ(flue_lower(&a_to_b, &fb, a, false), 0);
	flue_instance_destroy(b);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(b_entries, 0);
	FT_NE(a_event, 0xBEEFu);
	FT_TRUE(a->poisoned);
	FT_EQ(ex.trap, FLUE_TRAP_CALLEE_TRAPPED);
	FT_EQ(got, 0xDEADu);
	no_task_left();
}

FT_SUITE(lockdown, FT_CASE(invoke_after_trap_runs_no_guest_code),
	 FT_CASE(invoke_after_destroy_runs_no_guest_code),
	 FT_CASE(posted_invoke_after_destroy_runs_no_guest_code),
	 FT_CASE(async_lowered_call_into_trapped_instance_runs_no_guest_code),
	 FT_CASE(sync_lowered_call_into_destroyed_instance_traps_caller))
