/*
 * The executor's embedding API at its edges (issue 10, branch coverage of
 * src/exec): every refusal flue/exec.h documents for flue_lift,
 * flue_host_func, flue_invoke, flue_invoke_cancel, flue_lower,
 * flue_host_return, flue_host_cancelled and flue_host_post_return, the
 * caller traps of flue_call_lowered, host-function cancellation with and
 * without a cancel callback, and traps without an observer. Expected
 * values come from the Doxygen contract of flue/exec.h (and flue/config.h
 * for table sizes), never from the implementation.
 * Posted invocations and flue_invoke_blocking: test_cover_posted.c.
 */
#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_valtype str_t = { .kind = FLUE_VAL_STRING };
static const struct flue_functype async_u32 = { .async = true, .nparams = 1, .params = &u32_t,
						.result = &u32_t };
static const struct flue_functype sync_u32 = { .async = false, .nparams = 1, .params = &u32_t,
					       .result = &u32_t };
static const struct flue_functype async_unit = { .async = true };
static const struct flue_functype bad_ft = { .async = true, .nparams = 1, .params = &str_t };

static struct flue_func ef, hf, callerf;
static struct flue_lowered low;
static uint32_t core_runs, resolutions, nvalues, ncancel_cb, nstarted;
static uint64_t got0;
static flue_call_t host_calls[4];

static void setup(void)
{
	ex_setup();
	core_runs = resolutions = ncancel_cb = nstarted = 0;
	nvalues = 0xDEADu;
	got0 = 0;
	memset(host_calls, 0, sizeof host_calls);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
}

static void on_resolve(void *u, const struct flue_values *r)
{
	(void)u;
	resolutions++;
	nvalues = r != 0 ? r->n : 0xDEADu;
	got0 = r != 0 && r->n > 0 ? r->v[0] : 0;
}

static void on_start_7(void *u, struct flue_values *a)
{
	(void)u;
	a->n = 1;
	a->v[0] = 7;
}

/* Sync export: x -> x + 1. */
static void inc_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)inst, (void)n;
	core_runs++;
	res[0] = a[0] + 1u;
}

static uint32_t exit_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	return 0;
}

/* ------------------------------------------------ flue_lift, flue_host_func */

FT_TEST(lift_refuses_what_the_contract_lists)
{
	setup();
	struct flue_instance *g = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = inc_core };
	FT_EQ(flue_lift(0, g, &sync_u32, &o), FLUE_EINVAL);
	FT_EQ(flue_lift(&ef, 0, &sync_u32, &o), FLUE_EINVAL);
	FT_EQ(flue_lift(&ef, g, &sync_u32, 0), FLUE_EINVAL);
	FT_EQ(flue_lift(&ef, g, &bad_ft, &o), FLUE_EINVAL); /* flue_functype_check */
	struct flue_lift_opts no_core = { .kind = FLUE_LIFT_SYNC };
	FT_EQ(flue_lift(&ef, g, &sync_u32, &no_core), FLUE_EINVAL);
	struct flue_lift_opts bad_kind = { .kind = 3, .core = inc_core };
	FT_EQ(flue_lift(&ef, g, &sync_u32, &bad_kind), FLUE_EINVAL);
	/* callback given to a non-CALLBACK lift; CALLBACK without one */
	struct flue_lift_opts sync_cb = { .kind = FLUE_LIFT_SYNC, .core = inc_core,
					  .callback = exit_cb };
	FT_EQ(flue_lift(&ef, g, &sync_u32, &sync_cb), FLUE_EINVAL);
	struct flue_lift_opts cb_none = { .kind = FLUE_LIFT_CALLBACK, .core = inc_core };
	FT_EQ(flue_lift(&ef, g, &async_u32, &cb_none), FLUE_EINVAL);
	/* CALLBACK with a function type that is not async */
	struct flue_lift_opts cb = { .kind = FLUE_LIFT_CALLBACK, .core = inc_core,
				     .callback = exit_cb };
	FT_EQ(flue_lift(&ef, g, &sync_u32, &cb), FLUE_EINVAL);
	/* and a good lift passes */
	FT_EQ(flue_lift(&ef, g, &sync_u32, &o), 0);
}

static void post_ret(void *u, struct flue_instance *inst, const flue_flat_t *r, uint32_t n)
{
	(void)u, (void)inst, (void)r, (void)n;
}

FT_TEST(lift_refuses_post_return_on_async_lifts)
{
	setup();
	struct flue_instance *g = ex_new();
	struct flue_lift_opts cb = { .kind = FLUE_LIFT_CALLBACK, .core = inc_core,
				     .callback = exit_cb, .post_return = post_ret };
	FT_EQ(flue_lift(&ef, g, &async_u32, &cb), FLUE_EINVAL);
	struct flue_lift_opts sf = { .kind = FLUE_LIFT_STACKFUL, .core = inc_core,
				     .post_return = post_ret };
	FT_EQ(flue_lift(&ef, g, &async_u32, &sf), FLUE_EINVAL);
	struct flue_lift_opts sy = { .kind = FLUE_LIFT_SYNC, .core = inc_core,
				     .post_return = post_ret };
	FT_EQ(flue_lift(&ef, g, &sync_u32, &sy), 0);
}

static void host_start_hold(void *u, flue_call_t call, const struct flue_values *a)
{
	(void)u, (void)a;
	host_calls[nstarted++ & 3u] = call;
}

FT_TEST(host_func_refuses_null_function_start_or_bad_type)
{
	setup();
	FT_EQ(flue_host_func(0, ex.host, &async_u32, host_start_hold, 0, 0), FLUE_EINVAL);
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, 0, 0, 0), FLUE_EINVAL);
	FT_EQ(flue_host_func(&hf, ex.host, &bad_ft, host_start_hold, 0, 0), FLUE_EINVAL);
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_hold, 0, 0), 0);
}

/* --------------------------------------------------------------- flue_invoke */

static struct flue_store other;
static uint8_t other_arena[256] __attribute__((aligned(8)));

FT_TEST(invoke_refuses_bad_arguments_and_runs_nothing)
{
	setup();
	struct flue_instance *g = ex_new();
	ex_lift(&ef, g, &sync_u32, FLUE_LIFT_SYNC, inc_core, 0);
	flue_call_t c = 0;
	FT_EQ(flue_invoke(0, ex.host, on_start_7, on_resolve, 0, &c), FLUE_EINVAL);
	struct flue_func never = { 0 }; /* never lifted */
	FT_EQ(flue_invoke(&never, ex.host, on_start_7, on_resolve, 0, &c), FLUE_EINVAL);
	struct flue_func no_inst = { .ft = &sync_u32 }; /* not lifted: no instance */
	FT_EQ(flue_invoke(&no_inst, ex.host, on_start_7, on_resolve, 0, &c), FLUE_EINVAL);
	FT_EQ(flue_invoke(&ef, ex.host, on_start_7, 0, 0, &c), FLUE_EINVAL);
	FT_EQ(flue_invoke(&ef, ex.host, on_start_7, on_resolve, 0, 0), FLUE_EINVAL);
	/* `host` of another store */
	struct flue_instance *oh = 0;
	memset(&other, 0, sizeof other);
	flue_store_init(&other, 0, 0);
	FT_EQ(flue_host_create(&other, other_arena, sizeof other_arena, &oh), 0);
	FT_EQ(flue_invoke(&ef, oh, on_start_7, on_resolve, 0, &c), FLUE_EINVAL);
	FT_EQ(flue_invoke_post(&ef, oh, on_start_7, on_resolve, 0, 0), FLUE_EINVAL);
	FT_EQ(flue_invoke_post(0, ex.host, on_start_7, on_resolve, 0, 0), FLUE_EINVAL);
	FT_EQ(ex_run(), 0);
	FT_EQ(core_runs, 0);
	FT_EQ(resolutions, 0); /* "nothing started, no callback" */
	/* the same function with good arguments runs */
	FT_EQ(flue_invoke(&ef, ex.host, on_start_7, on_resolve, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(got0, 8);
	FT_EQ(ex.ntraps, 0);
}

/* -------------------------------------------------------- flue_invoke_cancel */

static uint32_t wait_set;

/* Callback export that WAITs on an empty set; a cancellation is delivered
 * as TASK_CANCELLED and answered with task.cancel. */
static void wait_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		      flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	core_runs++;
	wait_set = flue_canon_waitable_set_new(inst);
	res[0] = 2u | wait_set << 4;
}

static uint32_t wait_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			uint32_t p2)
{
	(void)u, (void)p1, (void)p2;
	EX_EQ(e, FLUE_EVENT_CODE_TASK_CANCELLED);
	flue_canon_task_cancel(inst);
	return 0;
}

FT_TEST(invoke_cancel_twice_is_ebadf)
{
	setup();
	ex_lift(&ef, ex_new(), &async_unit, FLUE_LIFT_CALLBACK, wait_core, wait_cb);
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(flue_invoke_cancel(&ex.store, c), 0);
	FT_EQ(flue_invoke_cancel(&ex.store, c), FLUE_EBADF); /* already requested */
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	FT_EQ(flue_invoke_cancel(&ex.store, c), FLUE_EBADF); /* finished: stale */
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* task.return, then one more YIELD step: resolved, but still running. */
static void ret_then_yield_core(void *u, struct flue_instance *inst, const flue_flat_t *a,
				uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	core_runs++;
	flue_canon_task_return(inst, 0, 0, 0);
	res[0] = 1; /* YIELD */
}

FT_TEST(invoke_cancel_of_a_resolved_invocation_is_ebadf)
{
	setup();
	ex_lift(&ef, ex_new(), &async_unit, FLUE_LIFT_CALLBACK, ret_then_yield_core, exit_cb);
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0);
	FT_EQ(flue_invoke_cancel(&ex.store, c), FLUE_EBADF);
	/* nor is it a host call */
	struct flue_values v = { 0, { 0 } };
	FT_EQ(flue_host_return(&ex.store, c, &v), FLUE_EBADF);
	FT_EQ(flue_host_cancelled(&ex.store, c), FLUE_EBADF);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(ex.ntraps, 0);
}

/* A guest export that calls host function `hf` through an async lower and
 * waits for it. */
static void calls_host_core(void *u, struct flue_instance *inst, const flue_flat_t *a,
			    uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	core_runs++;
	flue_flat_t args[2] = { 5, 64 };
	uint64_t st = flue_call_lowered(&low, args, 2);
	EX_EQ(st_state(st), FLUE_SUBTASK_STARTED);
	wait_set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, st_index(st), wait_set);
	res[0] = 2u | wait_set << 4;
}

static uint32_t host_done_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			     uint32_t p2)
{
	(void)u;
	EX_EQ(e, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(p2, FLUE_SUBTASK_RETURNED);
	flue_canon_subtask_drop(inst, p1);
	flue_flat_t r = ex_ld32(inst, 64);
	flue_canon_task_return(inst, &u32_t, &r, 1);
	return 0;
}

static const struct flue_functype ret_u32 = { .async = true, .result = &u32_t };

FT_TEST(a_host_call_is_no_invocation_and_an_invocation_no_host_call)
{
	setup();
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_hold, 0, 0), 0);
	ex_lift(&callerf, g, &ret_u32, FLUE_LIFT_CALLBACK, calls_host_core, host_done_cb);
	FT_EQ(flue_lower(&low, &hf, g, true), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&callerf, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(nstarted, 1);
	FT_EQ(flue_invoke_cancel(&ex.store, host_calls[0]), FLUE_EBADF);
	struct flue_values v = { 1, { 41 } };
	FT_EQ(flue_host_return(&ex.store, c, &v), FLUE_EBADF);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	FT_EQ(flue_host_return(&ex.store, host_calls[0], &v), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(got0, 41);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ------------------------------------------- host functions and cancellation */

FT_TEST(host_cancel_without_callback_is_recorded_then_host_cancelled)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_hold, 0, 0), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&hf, ex.host, on_start_7, on_resolve, 0, &c), 0);
	FT_EQ(nstarted, 1);
	/* no cancellation requested yet */
	FT_EQ(flue_host_cancelled(&ex.store, host_calls[0]), FLUE_EPERM);
	FT_EQ(resolutions, 0);
	FT_EQ(flue_invoke_cancel(&ex.store, c), 0); /* cancel NULL: nothing told */
	FT_EQ(resolutions, 0);
	FT_EQ(flue_host_cancelled(&ex.store, host_calls[0]), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	FT_EQ(flue_host_cancelled(&ex.store, host_calls[0]), FLUE_EBADF);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(ex.ntraps, 0);
}

static bool go;
static int after_rc[3];

static void host_cancel_count(void *u, flue_call_t call)
{
	(void)u, (void)call;
	ncancel_cb++;
}

/* Waits (not cancellably) for `go`, then answers a cancellation that was
 * requested meanwhile, and tries to resolve the call twice more. */
static void host_start_wait(void *u, flue_call_t call, const struct flue_values *a)
{
	(void)u, (void)a;
	host_calls[nstarted++ & 3u] = call;
	EX_FALSE(flue_wait_until(&ex.store, ex_is_set, &go, false));
	after_rc[0] = flue_host_cancelled(&ex.store, call);
	struct flue_values v = { 1, { 1 } };
	after_rc[1] = flue_host_return(&ex.store, call, &v);
	after_rc[2] = flue_host_cancelled(&ex.store, call);
}

FT_TEST(non_cancellable_host_wait_is_told_through_its_cancel_callback)
{
	setup();
	go = false;
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_wait, host_cancel_count, 0), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&hf, ex.host, on_start_7, on_resolve, 0, &c), 0);
	FT_EQ(nstarted, 1);
	FT_EQ(flue_invoke_cancel(&ex.store, c), 0);
	FT_EQ(ncancel_cb, 1); /* the wait is not cancellable: the callback is told */
	FT_EQ(resolutions, 0);
	go = true;
	FT_EQ(ex_run(), 0);
	FT_EQ(after_rc[0], 0);          /* resolved without a value */
	FT_EQ(after_rc[1], FLUE_EBADF); /* no longer unresolved */
	FT_EQ(after_rc[2], FLUE_EBADF);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

FT_TEST(host_return_refuses_bad_results_and_keeps_the_call_pending)
{
	setup();
	struct flue_valtype rec = { .kind = FLUE_VAL_RECORD, .nfields = 2,
				    .fields = { { FLUE_VAL_U32, 0 }, { FLUE_VAL_STREAM, ex.u8 } } };
	struct flue_functype ft = { .async = true, .result = &rec };
	FT_EQ(flue_host_func(&hf, ex.host, &ft, host_start_hold, 0, 0), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&hf, ex.host, 0, on_resolve, 0, &c), 0);
	FT_EQ(nstarted, 1);
	flue_call_t hc = host_calls[0];
	uint32_t r, w;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r, &w), 0);
	FT_EQ(flue_host_return(&ex.store, hc, 0), FLUE_EINVAL);
	struct flue_values big = { FLUE_CONFIG_MAX_VALUES + 1u, { 0 } };
	FT_EQ(flue_host_return(&ex.store, hc, &big), FLUE_EINVAL);
	struct flue_values wide = { 2, { 5, (uint64_t)r | 1ull << 32 } }; /* no such handle */
	FT_EQ(flue_host_return(&ex.store, hc, &wide), FLUE_EINVAL);
	/* posts: NULL store, too many values */
	struct flue_values one = { 1, { 5 } };
	FT_EQ(flue_host_post_return(0, hc, &one), FLUE_EINVAL);
	FT_EQ(flue_host_post_return(&ex.store, hc, &big), FLUE_EINVAL);
	FT_EQ(resolutions, 0);
	/* a good result: the number, then the end (a handle in the host) */
	struct flue_values good = { 2, { 5, r } };
	FT_EQ(flue_host_return(&ex.store, hc, &good), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 2);
	FT_EQ(got0, 5);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
}

FT_TEST(wait_until_outside_a_task_returns_false_at_once)
{
	setup();
	flue_exec_init(&ex.store);
	go = false;
	/* Outside any task (Context: inside guest code): nothing to block,
	 * nothing to cancel; it must neither block nor trap. */
	FT_FALSE(flue_wait_until(&ex.store, ex_is_set, &go, true));
	FT_EQ(ex.ntraps, 0);
}

/* ----------------------------------------------------------------- flue_lower */

FT_TEST(lower_refuses_unlifted_callee_null_caller_and_other_store)
{
	setup();
	struct flue_instance *g = ex_new();
	ex_lift(&ef, g, &sync_u32, FLUE_LIFT_SYNC, inc_core, 0);
	struct flue_func never = { 0 };
	never.inst = g; /* an instance but never lifted: no type */
	FT_EQ(flue_lower(&low, &never, g, false), FLUE_EINVAL);
	FT_EQ(flue_lower(&low, &ef, 0, false), FLUE_EINVAL);
	struct flue_instance *og = 0;
	memset(&other, 0, sizeof other);
	flue_store_init(&other, 0, 0);
	FT_EQ(flue_instance_create(&other, &og), 0);
	FT_EQ(flue_lower(&low, &ef, og, false), FLUE_EINVAL);
	FT_EQ(flue_lower(&low, &ef, g, false), 0);
}

FT_SUITE(cover_exec, FT_CASE(lift_refuses_what_the_contract_lists),
	 FT_CASE(lift_refuses_post_return_on_async_lifts),
	 FT_CASE(host_func_refuses_null_function_start_or_bad_type),
	 FT_CASE(invoke_refuses_bad_arguments_and_runs_nothing),
	 FT_CASE(invoke_cancel_twice_is_ebadf),
	 FT_CASE(invoke_cancel_of_a_resolved_invocation_is_ebadf),
	 FT_CASE(a_host_call_is_no_invocation_and_an_invocation_no_host_call),
	 FT_CASE(host_cancel_without_callback_is_recorded_then_host_cancelled),
	 FT_CASE(non_cancellable_host_wait_is_told_through_its_cancel_callback),
	 FT_CASE(host_return_refuses_bad_results_and_keeps_the_call_pending),
	 FT_CASE(wait_until_outside_a_task_returns_false_at_once),
	 FT_CASE(lower_refuses_unlifted_callee_null_caller_and_other_store))
