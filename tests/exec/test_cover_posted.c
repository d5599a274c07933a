#define _POSIX_C_SOURCE 200809L
/*
 * Invocations posted from outside the executor (flue/exec.h:
 * flue_invoke_post, flue_invoke_cancel_post, flue_invoke_blocking): a full
 * queue is FLUE_EBUSY, ticket 0 is FLUE_EINVAL, a posted cancellation
 * resolves a queued invocation without running it, cancels a started one
 * like flue_invoke_cancel and does nothing to a resolved one; a queued
 * invocation that finds no free task resolves with NULL; a host thread's
 * blocking call returns 0 with or without args/results, FLUE_ECANCELED when
 * the callee traps, FLUE_EBUSY when the queue is full. Expected values
 * come from flue/exec.h (branch coverage of src/exec, issue 10). The
 * threaded test is short and also runs under ThreadSanitizer
 * (-DFLUE_TSAN=ON).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <flue/port.h>

#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype sync_u32 = { .async = false, .nparams = 1, .params = &u32_t,
					       .result = &u32_t };
static const struct flue_functype async_u32 = { .async = true, .nparams = 1, .params = &u32_t,
						.result = &u32_t };
static const struct flue_functype sync_unit = { .async = false };
static const struct flue_functype async_unit = { .async = true };

static struct flue_func incf, unitf, trapf, stuckf, hf, waitf;
static struct flue_lowered low;
static uint32_t core_runs, resolutions, nnull, nstarted;
static uint64_t last;
static flue_call_t host_call;

static void setup(void)
{
	ex_setup();
	core_runs = resolutions = nnull = nstarted = 0;
	last = 0;
	host_call = FLUE_CALL_NONE;
}

static void on_resolve(void *u, const struct flue_values *r)
{
	(void)u;
	resolutions++;
	if (r == 0)
		nnull++;
	else
		last = r->n > 0 ? r->v[0] : 0;
}

static void on_start_7(void *u, struct flue_values *a)
{
	(void)u;
	a->n = 1;
	a->v[0] = 7;
}

static void inc_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)inst, (void)n;
	core_runs++;
	res[0] = a[0] + 1u;
}

static void unit_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		      flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	core_runs++;
}

static void trap_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		      flue_flat_t *res)
{
	(void)u, (void)a, (void)n, (void)res;
	core_runs++;
	flue_trap_raise(inst, FLUE_TRAP_WASM_UNREACHABLE);
}

static void stuck_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	res[0] = 2u | flue_canon_waitable_set_new(inst) << 4; /* WAIT on nothing */
}

static uint32_t cancelled_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			     uint32_t p2)
{
	(void)u, (void)p1, (void)p2;
	EX_EQ(e, FLUE_EVENT_CODE_TASK_CANCELLED);
	flue_canon_task_cancel(inst);
	return 0;
}

/* ------------------------------------------------------------ full queues */

FT_TEST(full_queues_are_ebusy_and_queued_cancels_run_nothing)
{
	setup();
	ex_lift(&incf, ex_new(), &sync_u32, FLUE_LIFT_SYNC, inc_core, 0);
	uint32_t t[FLUE_CONFIG_MAX_TASKS];
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		t[i] = 0;
		FT_EQ(flue_invoke_post(&incf, 0, on_start_7, on_resolve, 0, &t[i]), 0);
		FT_NE(t[i], 0); /* never 0 */
		for (uint32_t j = 0; j < i; j++)
			FT_NE(t[i], t[j]);
	}
	uint32_t extra = 0;
	FT_EQ(flue_invoke_post(&incf, 0, on_start_7, on_resolve, 0, &extra), FLUE_EBUSY);
	FT_EQ(flue_invoke_cancel_post(&ex.store, 0), FLUE_EINVAL);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke_cancel_post(&ex.store, t[i]), 0);
	FT_EQ(flue_invoke_cancel_post(&ex.store, t[0]), FLUE_EBUSY);
	FT_EQ(resolutions, 0); /* applied by the executor, at its next step */
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, FLUE_CONFIG_MAX_TASKS);
	FT_EQ(nnull, FLUE_CONFIG_MAX_TASKS); /* not started: resolved with NULL */
	FT_EQ(core_runs, 0);
	/* the queue is free again */
	FT_EQ(flue_invoke_post(&incf, 0, on_start_7, on_resolve, 0, 0), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(core_runs, 1);
	FT_EQ(last, 8);
	FT_EQ(ex.ntraps, 0);
}

FT_TEST(queued_invocation_without_a_free_task_resolves_with_null)
{
	setup();
	ex_lift(&incf, ex_new(), &sync_u32, FLUE_LIFT_SYNC, inc_core, 0);
	ex_lift(&stuckf, ex_new(), &async_unit, FLUE_LIFT_CALLBACK, stuck_core, cancelled_cb);
	flue_call_t stuck[FLUE_CONFIG_MAX_TASKS];
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke(&stuckf, 0, 0, on_resolve, 0, &stuck[i]), 0);
	FT_EQ(flue_invoke_post(&incf, 0, on_start_7, on_resolve, 0, 0), 0);
	(void)flue_run(&ex.store);
	FT_EQ(resolutions, 1);
	FT_EQ(nnull, 1);
	FT_EQ(core_runs, 0);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke_cancel(&ex.store, stuck[i]), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1u + FLUE_CONFIG_MAX_TASKS);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ----------------------------------- posted cancels of started/resolved calls */

static void host_start_hold(void *u, flue_call_t call, const struct flue_values *a)
{
	(void)u, (void)a;
	nstarted++;
	host_call = call;
}

/* Calls the host function (async lower), then waits for a cancellation. */
static void call_and_wait_core(void *u, struct flue_instance *inst, const flue_flat_t *a,
			       uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	core_runs++;
	flue_flat_t args[2] = { 1, 64 };
	uint64_t st = flue_call_lowered(&low, args, 2);
	EX_EQ(st_state(st), FLUE_SUBTASK_STARTED);
	res[0] = 2u | flue_canon_waitable_set_new(inst) << 4;
}

FT_TEST(posted_cancel_of_started_and_of_resolved_invocations)
{
	setup();
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_hold, 0, 0), 0);
	ex_lift(&waitf, g, &async_unit, FLUE_LIFT_CALLBACK, call_and_wait_core, cancelled_cb);
	FT_EQ(flue_lower(&low, &hf, g, true), 0);
	ex_lift(&incf, ex_new(), &sync_u32, FLUE_LIFT_SYNC, inc_core, 0);
	uint32_t ta = 0, tb = 0;
	FT_EQ(flue_invoke_post(&waitf, 0, 0, on_resolve, 0, &ta), 0);
	FT_EQ(flue_invoke_post(&incf, 0, on_start_7, on_resolve, 0, &tb), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN); /* the host call is pending */
	FT_EQ(nstarted, 1);
	FT_EQ(resolutions, 1); /* tb */
	FT_EQ(last, 8);
	/* tb resolved already: nothing; ta running: cancelled */
	FT_EQ(flue_invoke_cancel_post(&ex.store, tb), 0);
	FT_EQ(flue_invoke_cancel_post(&ex.store, ta), 0);
	(void)flue_run(&ex.store);
	FT_EQ(resolutions, 2);
	FT_EQ(nnull, 1);
	FT_EQ(core_runs, 2);
	/* the host call it made is still the host's to resolve */
	struct flue_values v = { 1, { 3 } };
	FT_EQ(flue_host_return(&ex.store, host_call, &v), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 2);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* --------------------------------------------- flue_invoke_blocking, threads */

static _Atomic bool busy_checked, drained, caller_done;
static int rc_busy, rc_unit, rc_trap, rc_inc;
static struct flue_values out_inc, out_trap;

static void *blocking_caller(void *arg)
{
	(void)arg;
	struct flue_values in = { 1, { 41 } };
	rc_busy = flue_invoke_blocking(&incf, 0, &in, &out_inc); /* the queue is full */
	busy_checked = true;
	while (!drained) { /* until the executor emptied the queue */
		struct timespec ts = { 0, 100000L };
		nanosleep(&ts, 0);
	}
	rc_unit = flue_invoke_blocking(&unitf, 0, 0, 0); /* no args, no results */
	rc_trap = flue_invoke_blocking(&trapf, 0, 0, &out_trap);
	rc_inc = flue_invoke_blocking(&incf, 0, &in, &out_inc);
	caller_done = true;
	flue_port_wake();
	return 0;
}

FT_TEST(blocking_invocations_from_a_host_thread)
{
	setup();
	busy_checked = drained = caller_done = false;
	ex_lift(&incf, ex_new(), &sync_u32, FLUE_LIFT_SYNC, inc_core, 0);
	ex_lift(&unitf, ex_new(), &sync_unit, FLUE_LIFT_SYNC, unit_core, 0);
	ex_lift(&trapf, ex_new(), &sync_unit, FLUE_LIFT_SYNC, trap_core, 0);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke_post(&unitf, 0, 0, on_resolve, 0, 0), 0);
	pthread_t th;
	FT_EQ(pthread_create(&th, 0, blocking_caller, 0), 0);
	while (!busy_checked) {
		struct timespec ts = { 0, 100000L };
		nanosleep(&ts, 0);
	}
	FT_EQ(flue_run_until_idle(&ex.store), 0);
	FT_EQ(resolutions, FLUE_CONFIG_MAX_TASKS);
	drained = true;
	while (!caller_done) {
		FT_EQ(flue_run_until_idle(&ex.store), 0);
		if (!caller_done)
			flue_port_idle();
	}
	pthread_join(th, 0);
	FT_EQ(rc_busy, FLUE_EBUSY);
	FT_EQ(rc_unit, 0);
	FT_EQ(rc_trap, FLUE_ECANCELED);
	FT_EQ(rc_inc, 0);
	FT_EQ(out_inc.n, 1);
	FT_EQ(out_inc.v[0], 42);
	FT_EQ(resolutions, FLUE_CONFIG_MAX_TASKS); /* the queued ones */
	FT_EQ(core_runs, FLUE_CONFIG_MAX_TASKS + 1u + 1u + 1u);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_WASM_UNREACHABLE);
	ex_done();
}

FT_SUITE(cover_posted, FT_CASE(full_queues_are_ebusy_and_queued_cancels_run_nothing),
	 FT_CASE(queued_invocation_without_a_free_task_resolves_with_null),
	 FT_CASE(posted_cancel_of_started_and_of_resolved_invocations),
	 FT_CASE(blocking_invocations_from_a_host_thread))
