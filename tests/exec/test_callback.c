/*
 * Executor basics with callback-lifted tasks only, so that they also run
 * on the Cortex-M target (no fibers there): async calls between
 * instances, the callback loop, the entry gate, a blocking built-in in a
 * callback (nested scheduling), deadlock and refusing stackful lifts
 * where the port cannot switch stacks.
 */
#include <flue/port.h>

#include "exec_test.h"

#define CB_EXIT 0u
#define CB_YIELD 1u
#define CB_WAIT 2u

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ret_u32 = { .async = true, .result = &u32_t };
static struct flue_func fa, fb;
static struct flue_lowered a_to_b;
static uint32_t got, seti, nb_runs;
static bool resolved;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	got = r != 0 ? (uint32_t)r->v[0] : 0xDEADu;
}

static void ret(struct flue_instance *inst, uint32_t v)
{
	flue_flat_t f = v;
	flue_canon_task_return(inst, &u32_t, &f, 1);
}

static void setup(flue_core_fn acore, flue_callback_fn acb, flue_core_fn bcore,
		  flue_callback_fn bcb)
{
	ex_setup();
	got = seti = nb_runs = 0;
	resolved = false;
	struct flue_instance *a = ex_new(), *b = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = acore, .callback = acb };
	FT_EQ(flue_lift(&fa, a, &ret_u32, &o), 0);
	o.core = bcore;
	o.callback = bcb;
	FT_EQ(flue_lift(&fb, b, &ret_u32, &o), 0);
	FT_EQ(flue_lower(&a_to_b, &fb, a, true), 0);
}

static void invoke_a(void)
{
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
}

/* ---------------------------------------------- returned before the call returns */

static void b_returns_at_once(void *u, struct flue_instance *inst, const flue_flat_t *a,
			      uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a;
	EX_EQ(n, 0);
	nb_runs++;
	ret(inst, 7);
	res[0] = CB_EXIT;
}

static uint32_t no_callback(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			    uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	EX_TRUE(false);
	return CB_EXIT;
}

static void a_calls_b_once(void *u, struct flue_instance *inst, const flue_flat_t *a,
			   uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t out = 64;
	/* Resolved before the call returned: exactly 2, no subtask handle. */
	EX_EQ(flue_call_lowered(&a_to_b, &out, 1), FLUE_SUBTASK_RETURNED);
	EX_EQ(ex_ld32(inst, 64), 7);
	ret(inst, ex_ld32(inst, 64) + 1u);
	res[0] = CB_EXIT;
}

FT_TEST(async_call_resolved_at_once)
{
	setup(a_calls_b_once, no_callback, b_returns_at_once, no_callback);
	invoke_a();
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(resolved);
	FT_EQ(got, 8);
	FT_EQ(nb_runs, 1);
}

/* ------------------------------------------- subtask event through a set */

static void b_yields(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	res[0] = CB_YIELD;
}

static uint32_t b_after_yield(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			      uint32_t p2)
{
	(void)u;
	EX_EQ(e, FLUE_EVENT_CODE_NONE);
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	ret(inst, 5);
	return CB_EXIT;
}

static void a_waits_for_b(void *u, struct flue_instance *inst, const flue_flat_t *a,
			  uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t out = 64;
	uint64_t st = flue_call_lowered(&a_to_b, &out, 1);
	EX_EQ(st_state(st), FLUE_SUBTASK_STARTED);
	EX_EQ(st_index(st), 1);
	seti = flue_canon_waitable_set_new(inst);
	EX_EQ(seti, 2);
	flue_canon_waitable_join(inst, 1, seti);
	res[0] = CB_WAIT | seti << 4;
}

static uint32_t a_on_event(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			   uint32_t p2)
{
	(void)u;
	EX_EQ(e, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(p1, 1);
	EX_EQ(p2, FLUE_SUBTASK_RETURNED);
	EX_EQ(ex_ld32(inst, 64), 5);
	flue_canon_subtask_drop(inst, 1);
	flue_canon_waitable_set_drop(inst, seti);
	ret(inst, 50);
	return CB_EXIT;
}

FT_TEST(subtask_event_through_a_set)
{
	setup(a_waits_for_b, a_on_event, b_yields, b_after_yield);
	invoke_a();
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(got, 50);
	FT_EQ(ex.ntraps, 0);
	/* every task record was released */
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_FALSE(ex.store.tasks[i].used);
}

/* ----------------------------------- blocking wait inside a callback task */

static void a_waits_sync(void *u, struct flue_instance *inst, const flue_flat_t *a,
			 uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t out = 64;
	uint64_t st = flue_call_lowered(&a_to_b, &out, 1);
	EX_EQ(st, FLUE_SUBTASK_STARTED | 1u << 4);
	seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, 1, seti);
	/* Blocks on the executor's stack: B's YIELD step runs meanwhile. */
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, 128), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, 128), 1);
	EX_EQ(ex_ld32(inst, 132), FLUE_SUBTASK_RETURNED);
	ret(inst, ex_ld32(inst, 64) * 2u);
	res[0] = CB_EXIT;
}

FT_TEST(sync_wait_in_a_callback_nests)
{
	setup(a_waits_sync, no_callback, b_yields, b_after_yield);
	invoke_a();
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(got, 10);
	FT_EQ(ex.ntraps, 0);
}

/* ---------------------------------------------------------------- deadlock */

static void a_waits_forever(void *u, struct flue_instance *inst, const flue_flat_t *a,
			    uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n, (void)res;
	seti = flue_canon_waitable_set_new(inst);
	(void)flue_canon_waitable_set_wait(inst, seti, 128);
	EX_TRUE(false); /* never reached: the wait traps */
}

FT_TEST(deadlock_traps_the_blocked_instance)
{
	setup(a_waits_forever, no_callback, b_returns_at_once, no_callback);
	invoke_a();
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_DEADLOCK);
	FT_TRUE(ex.trap_inst == fa.inst);
	FT_TRUE(fa.inst->poisoned);
	FT_TRUE(resolved); /* the invocation resolves without a value */
	FT_EQ(got, 0xDEADu);
}

/* ----------------------------------------------------- backpressure gate */

static void b_raises_backpressure(void *u, struct flue_instance *inst, const flue_flat_t *a,
				  uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	if (nb_runs++ == 0) {
		flue_canon_backpressure_inc(inst);
		res[0] = CB_YIELD;
		return;
	}
	ret(inst, 2);
	res[0] = CB_EXIT;
}

static uint32_t b_lowers_backpressure(void *u, struct flue_instance *inst, uint32_t e,
				      uint32_t p1, uint32_t p2)
{
	(void)u, (void)e, (void)p1, (void)p2;
	/* The held call only becomes ready: it does not start in here. */
	flue_canon_backpressure_dec(inst);
	EX_EQ(nb_runs, 1);
	ret(inst, 1);
	return CB_EXIT;
}

static void a_calls_b_twice(void *u, struct flue_instance *inst, const flue_flat_t *a,
			    uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t out1 = 64, out2 = 68;
	EX_EQ(flue_call_lowered(&a_to_b, &out1, 1), FLUE_SUBTASK_STARTED | 1u << 4);
	/* Held at the gate: STARTING, no guest code of B ran. */
	EX_EQ(flue_call_lowered(&a_to_b, &out2, 1), FLUE_SUBTASK_STARTING | 2u << 4);
	EX_EQ(nb_runs, 1);
	seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, 1, seti);
	flue_canon_waitable_join(inst, 2, seti);
	flue_canon_context_set(inst, 0, 0);
	res[0] = CB_WAIT | seti << 4;
}

static uint32_t a_collects(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			   uint32_t p2)
{
	(void)u;
	EX_EQ(e, FLUE_EVENT_CODE_SUBTASK);
	uint32_t seen = flue_canon_context_get(inst, 0);
	if (p2 == FLUE_SUBTASK_RETURNED) {
		flue_canon_subtask_drop(inst, p1);
		seen++;
	}
	flue_canon_context_set(inst, 0, seen);
	if (seen < 2u)
		return CB_WAIT | seti << 4;
	ret(inst, ex_ld32(inst, 64) * 10u + ex_ld32(inst, 68));
	return CB_EXIT;
}

FT_TEST(backpressure_holds_then_admits)
{
	setup(a_calls_b_twice, a_collects, b_raises_backpressure, b_lowers_backpressure);
	invoke_a();
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_EQ(nb_runs, 2);
	FT_EQ(got, 12);
}

/* ------------------------------------------------------------- stackful */

static void nothing(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		    flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
}

FT_TEST(stackful_needs_port_fibers)
{
	ex_setup();
	struct flue_instance *a = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_STACKFUL, .core = nothing };
	int rc = flue_lift(&fa, a, &ret_u32, &o);
	FT_EQ(rc, flue_port_fiber_supported() ? FLUE_OK : FLUE_ENOTSUP);
}

/* ------------------------------- params through memory, realloc, post-return */

static struct flue_valtype p17[17];
static struct flue_functype ft17;
static struct flue_func f17;
static struct flue_lowered a_to_17;
static uint32_t realloc_calls, realloc_align, realloc_size;

static uint32_t counting_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
				 uint32_t old_size, uint32_t align, uint32_t new_size)
{
	realloc_calls++;
	realloc_align = align;
	realloc_size = new_size;
	/* realloc runs with may_leave clear: a built-in here would trap. */
	EX_FALSE(ex_may_leave(inst));
	return ex_realloc(user, inst, old_ptr, old_size, align, new_size);
}

/* 17 u8 params > MAX_FLAT_PARAMS: the callee gets one pointer into its own
 * memory, where the values were stored through its realloc. */
static void core_sum17(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	(void)u;
	EX_EQ(n, 1);
	uint32_t sum = 0;
	for (uint32_t i = 0; i < 17; i++)
		sum += ex_mem(inst)[a[0] + i];
	res[0] = sum;
}

static void a_calls_sum17(void *u, struct flue_instance *inst, const flue_flat_t *a,
			  uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	for (uint32_t i = 0; i < 17; i++)
		ex_mem(inst)[200 + i] = (uint8_t)(i + 1u);
	flue_flat_t ptr = 200; /* the caller passes its tuple by pointer too */
	flue_flat_t r = flue_call_lowered(&a_to_17, &ptr, 1);
	ret(inst, (uint32_t)r);
	res[0] = CB_EXIT;
}

FT_TEST(params_through_memory_use_the_callee_realloc)
{
	ex_setup();
	realloc_calls = 0;
	for (uint32_t i = 0; i < 17; i++)
		p17[i] = (struct flue_valtype){ .kind = FLUE_VAL_U8 };
	ft17 = (struct flue_functype){ .async = false, .nparams = 17, .params = p17,
				       .result = &u32_t };
	struct flue_instance *a = ex_new(), *b = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = a_calls_sum17,
				    .callback = no_callback };
	FT_EQ(flue_lift(&fa, a, &ret_u32, &o), 0);
	struct flue_lift_opts so = { .kind = FLUE_LIFT_SYNC, .core = core_sum17,
				     .realloc = counting_realloc };
	FT_EQ(flue_lift(&f17, b, &ft17, &so), 0);
	/* without realloc the lift is refused */
	struct flue_func bad;
	so.realloc = 0;
	FT_EQ(flue_lift(&bad, b, &ft17, &so), FLUE_EINVAL);
	FT_EQ(flue_lower(&a_to_17, &f17, a, false), 0);
	invoke_a();
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_EQ(got, 17u * 18u / 2u);
	FT_EQ(realloc_calls, 1);
	FT_EQ(realloc_align, 1); /* tuple of u8: align 1, size 17 */
	FT_EQ(realloc_size, 17);
}

static const struct flue_functype sync_u32 = { .async = true, .result = &u32_t };
static uint32_t post_returns;

static void core_seven(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	res[0] = 7;
}

/* post-return runs with may_leave clear: a built-in in it traps. */
static void post_return_calls_a_builtin(void *u, struct flue_instance *inst,
					const flue_flat_t *r, uint32_t n)
{
	(void)u;
	EX_EQ(n, 1);
	EX_EQ(r[0], 7);
	post_returns++;
	(void)flue_canon_waitable_set_new(inst);
}

FT_TEST(post_return_may_not_leave)
{
	ex_setup();
	post_returns = 0;
	got = 0;
	struct flue_instance *b = ex_new();
	struct flue_lift_opts so = { .kind = FLUE_LIFT_SYNC, .core = core_seven,
				     .post_return = post_return_calls_a_builtin };
	FT_EQ(flue_lift(&fb, b, &sync_u32, &so), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&fb, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(got, 7); /* resolved before post-return ran */
	FT_EQ(post_returns, 1);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(b->trap_reason, FLUE_TRAP_MAY_NOT_LEAVE);
}

FT_SUITE(callback, FT_CASE(async_call_resolved_at_once), FT_CASE(subtask_event_through_a_set),
	 FT_CASE(sync_wait_in_a_callback_nests), FT_CASE(deadlock_traps_the_blocked_instance),
	 FT_CASE(backpressure_holds_then_admits), FT_CASE(stackful_needs_port_fibers),
	 FT_CASE(params_through_memory_use_the_callee_realloc), FT_CASE(post_return_may_not_leave))
