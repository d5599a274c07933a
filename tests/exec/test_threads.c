#define _POSIX_C_SOURCE 200809L
/*
 * Host threads feed the executor: host-function calls resolved from other
 * threads with flue_host_post_return() while the run loop sleeps in
 * flue_port_idle() (POSIX port: condition variable). Also run under TSan
 * (make test-tsan). Guest code runs only on the executor's thread.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <flue/port.h>

#include "exec_test.h"

#define NCALLS 3u

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype host_ft = { .async = true, .nparams = 1, .params = &u32_t,
					      .result = &u32_t };
static const struct flue_functype main_ft = { .async = true, .result = &u32_t };
static struct flue_func hostf, mainf;
static struct flue_lowered low;
static pthread_t producers[NCALLS];
static uint32_t nstarted;
static uint32_t seti, pending, sum;
static uint32_t got;

struct job {
	flue_call_t call;
	uint32_t x;
};
static struct job jobs[NCALLS];

static void *producer(void *arg)
{
	struct job *j = arg;
	struct timespec ts = { 0, 2000000L * (long)(j->x % 3u + 1u) };
	nanosleep(&ts, 0);
	struct flue_values r = { 1, { j->x * 10u } };
	(void)flue_host_post_return(&ex.store, j->call, &r);
	return 0;
}

/* The host function hands each call to a thread of its own and returns
 * at once: the call stays pending until the thread posts the result. */
static void host_start(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	struct job *j = &jobs[nstarted];
	j->call = call;
	j->x = (uint32_t)args->v[0];
	EX_EQ(pthread_create(&producers[nstarted], 0, producer, j), 0);
	nstarted++;
}

static void core_main(void *user, struct flue_instance *inst, const flue_flat_t *args,
		      uint32_t n, flue_flat_t *res)
{
	(void)user;
	(void)args;
	(void)n;
	seti = flue_canon_waitable_set_new(inst);
	for (uint32_t i = 0; i < NCALLS; i++) {
		uint32_t out = 16u + 4u * i;
		flue_flat_t a[2] = { i + 1u, out };
		uint64_t st = flue_call_lowered(&low, a, 2);
		EX_EQ(st_state(st), FLUE_SUBTASK_STARTED);
		flue_canon_waitable_join(inst, st_index(st), seti);
	}
	pending = NCALLS;
	res[0] = 2u | seti << 4; /* WAIT */
}

static uint32_t cb_main(void *user, struct flue_instance *inst, uint32_t ev, uint32_t p1,
			uint32_t p2)
{
	(void)user;
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(p2, FLUE_SUBTASK_RETURNED);
	/* subtask i (handle 2 + i) wrote (i + 1) * 10 to 16 + 4 i */
	sum += ex_ld32(inst, 16u + 4u * (p1 - 2u));
	flue_canon_subtask_drop(inst, p1);
	if (--pending > 0u)
		return 2u | seti << 4;
	flue_flat_t r = sum;
	flue_canon_task_return(inst, &u32_t, &r, 1);
	return 0;
}

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	got = r != 0 ? (uint32_t)r->v[0] : 0xDEADu;
}

FT_TEST(host_calls_resolved_from_threads)
{
	ex_setup();
	nstarted = 0;
	sum = 0;
	got = 0;
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_func(&hostf, ex.host, &host_ft, host_start, 0, 0), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = core_main,
				    .callback = cb_main };
	FT_EQ(flue_lift(&mainf, g, &main_ft, &o), 0);
	FT_EQ(flue_lower(&low, &hostf, g, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&mainf, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	for (uint32_t i = 0; i < nstarted; i++)
		pthread_join(producers[i], 0);
	ex_done();
	FT_EQ(nstarted, NCALLS);
	FT_EQ(ex.ntraps, 0);
	FT_EQ(got, 10u + 20u + 30u);
}

/* ---------------------- a sync-typed call waiting on an outside resolution */

/* A non-async-typed export calls the host function synchronously; the
 * host resolves the call from another thread. While the export is
 * unresolved only its own instance's threads may run (#705's barrier),
 * but host functions and outside progress are no guest threads: flue
 * waits for them instead of trapping (docs/CONFORMANCE.md; the
 * reference's host functions are threads of an instance of their own,
 * so it would trap "cannot block a synchronous task before returning"). */
static const struct flue_functype sync_ft = { .async = false, .result = &u32_t };
static struct flue_func syncf;
static struct flue_lowered low_sync;

static void core_sync(void *user, struct flue_instance *inst, const flue_flat_t *args,
		      uint32_t n, flue_flat_t *res)
{
	(void)user, (void)inst, (void)args;
	EX_EQ(n, 0);
	flue_flat_t a = 7;
	res[0] = flue_call_lowered(&low_sync, &a, 1) + 1u;
}

static void sync_waits_for_outside(bool per_task)
{
	ex_setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, per_task), 0);
	nstarted = 0;
	got = 0;
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_func(&hostf, ex.host, &host_ft, host_start, 0, 0), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = core_sync };
	FT_EQ(flue_lift(&syncf, g, &sync_ft, &o), 0);
	FT_EQ(flue_lower(&low_sync, &hostf, g, false), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&syncf, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	for (uint32_t i = 0; i < nstarted; i++)
		pthread_join(producers[i], 0);
	ex_done();
	FT_EQ(nstarted, 1);
	FT_EQ(ex.ntraps, 0);
	FT_EQ(got, 71u);
}

/* A host function that waits once on its own fiber (on a condition that
 * already holds) before it returns: it is no guest thread, so it runs
 * although the sync-typed export calling it holds the barrier. */
static bool always = true;

static void host_yields_once(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_FALSE(flue_wait_until(&ex.store, ex_is_set, &always, false));
	struct flue_values r = { 1, { args->v[0] * 10u } };
	EX_EQ(flue_host_return(&ex.store, call, &r), 0);
	nstarted++;
}

static void sync_runs_host_fiber(bool per_task)
{
	ex_setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, per_task), 0);
	nstarted = 0;
	got = 0;
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_func(&hostf, ex.host, &host_ft, host_yields_once, 0, 0), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = core_sync };
	FT_EQ(flue_lift(&syncf, g, &sync_ft, &o), 0);
	FT_EQ(flue_lower(&low_sync, &hostf, g, false), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&syncf, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(nstarted, 1);
	FT_EQ(ex.ntraps, 0);
	FT_EQ(got, 71u);
}

FT_TEST(sync_typed_call_runs_a_waiting_host_function)
{
	sync_runs_host_fiber(false);
}

FT_TEST(sync_typed_call_runs_a_waiting_host_function_stack_per_task)
{
	sync_runs_host_fiber(true);
}

FT_TEST(sync_typed_call_waits_for_a_host_call_resolved_from_a_thread)
{
	sync_waits_for_outside(false);
}

FT_TEST(sync_typed_call_waits_for_a_host_call_resolved_from_a_thread_stack_per_task)
{
	sync_waits_for_outside(true);
}

/* ----------------------------------------- invocations posted by threads */

static const struct flue_functype double_ft = { .async = true, .nparams = 1, .params = &u32_t,
						.result = &u32_t };
static struct flue_func doublef;
static uint32_t nresolved, total;

static void core_double(void *user, struct flue_instance *inst, const flue_flat_t *args,
			uint32_t n, flue_flat_t *res)
{
	(void)user;
	EX_EQ(n, 1);
	flue_canon_context_set(inst, 0, (uint32_t)args[0]);
	res[0] = 1; /* YIELD once, so that calls interleave */
}

static uint32_t cb_double(void *user, struct flue_instance *inst, uint32_t ev, uint32_t p1,
			  uint32_t p2)
{
	(void)user, (void)p1, (void)p2;
	EX_EQ(ev, FLUE_EVENT_CODE_NONE);
	flue_flat_t r = 2u * flue_canon_context_get(inst, 0);
	flue_canon_task_return(inst, &u32_t, &r, 1);
	return 0;
}

static void on_start_arg(void *user, struct flue_values *args)
{
	args->n = 1;
	args->v[0] = (uint32_t)(uintptr_t)user;
}

static void on_resolve_sum(void *user, const struct flue_values *r)
{
	(void)user;
	EX_TRUE(r != 0);
	if (r != 0)
		total += (uint32_t)r->v[0];
	nresolved++; /* executor thread only */
}

static void *poster(void *arg)
{
	struct timespec ts = { 0, 1000000L * (long)((uintptr_t)arg % 3u) };
	nanosleep(&ts, 0);
	EX_EQ(flue_invoke_post(&doublef, 0, on_start_arg, on_resolve_sum, arg, 0), 0);
	return 0;
}

FT_TEST(invocations_posted_from_threads)
{
	ex_setup();
	nresolved = total = 0;
	struct flue_instance *g = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = core_double,
				    .callback = cb_double };
	FT_EQ(flue_lift(&doublef, g, &double_ft, &o), 0);
	pthread_t th[NCALLS];
	for (uint32_t i = 0; i < NCALLS; i++)
		FT_EQ(pthread_create(&th[i], 0, poster, (void *)(uintptr_t)(i + 1u)), 0);
	/* The embedder's loop: run until idle, sleep until a host thread
	 * posts more work, until every call came back. */
	while (nresolved < NCALLS) {
		FT_EQ(ex_run(), 0);
		if (nresolved < NCALLS)
			flue_port_idle();
	}
	for (uint32_t i = 0; i < NCALLS; i++)
		pthread_join(th[i], 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_EQ(total, 2u * (1u + 2u + 3u));
}

/* --------------------------------------- cancellation posted by a thread */

static struct flue_func waiterf;
static uint32_t wseti, ncancelled, nvalue;
static _Atomic bool started_waiting;

static void core_waiter(void *user, struct flue_instance *inst, const flue_flat_t *args,
			uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)n;
	if (wseti == 0)
		wseti = flue_canon_waitable_set_new(inst);
	started_waiting = true;
	res[0] = 2u | wseti << 4; /* WAIT on a set nothing will fill */
}

static uint32_t cb_waiter(void *user, struct flue_instance *inst, uint32_t ev, uint32_t p1,
			  uint32_t p2)
{
	(void)user, (void)p1, (void)p2;
	EX_EQ(ev, FLUE_EVENT_CODE_TASK_CANCELLED);
	flue_canon_task_cancel(inst);
	return 0;
}

static void on_resolve_count(void *user, const struct flue_values *r)
{
	(void)user;
	if (r == 0)
		ncancelled++;
	else
		nvalue++;
}

static void *canceller(void *arg)
{
	(void)arg;
	uint32_t t1 = 0, t2 = 0;
	/* t1 is cancelled while it waits; t2 before it ever starts (posted
	 * in one critical section each, so t2's cancel may land either way:
	 * both outcomes resolve it without a value). */
	EX_EQ(flue_invoke_post(&waiterf, 0, 0, on_resolve_count, 0, &t1), 0);
	while (!started_waiting) {
		struct timespec ts = { 0, 100000L };
		nanosleep(&ts, 0);
	}
	EX_EQ(flue_invoke_cancel_post(&ex.store, t1), 0);
	EX_EQ(flue_invoke_post(&waiterf, 0, 0, on_resolve_count, 0, &t2), 0);
	EX_EQ(flue_invoke_cancel_post(&ex.store, t2), 0);
	EX_TRUE(t1 != 0 && t2 != 0 && t1 != t2);
	return 0;
}

FT_TEST(cancellations_posted_from_a_thread)
{
	ex_setup();
	wseti = ncancelled = nvalue = 0;
	started_waiting = false;
	struct flue_instance *g = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = core_waiter,
				    .callback = cb_waiter };
	FT_EQ(flue_lift(&waiterf, g, &main_ft, &o), 0);
	pthread_t th;
	FT_EQ(pthread_create(&th, 0, canceller, 0), 0);
	while (ncancelled + nvalue < 2u) {
		(void)flue_run_until_idle(&ex.store);
		if (ncancelled + nvalue < 2u)
			flue_port_idle();
	}
	pthread_join(th, 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_EQ(ncancelled, 2);
	FT_EQ(nvalue, 0);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_FALSE(ex.store.tasks[i].used);
}

/* --------------------------- a host thread's blocking call waits at the gate */

static const struct flue_functype unit_async_ft = { .async = true };
static const struct flue_functype unit_sync_ft = { .async = false }; /* barges in */
static struct flue_func raisef, lowerf;
static _Atomic bool caller_returned;
static int caller_rc;
static uint32_t caller_result;

static void core_raise(void *user, struct flue_instance *inst, const flue_flat_t *args,
		       uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)n, (void)res;
	flue_canon_backpressure_inc(inst);
	flue_canon_task_return(inst, 0, 0, 0);
}

/* Sync-lifted and not async-typed: it ignores backpressure (barges in). */
static void core_lower(void *user, struct flue_instance *inst, const flue_flat_t *args,
		       uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)n, (void)res;
	flue_canon_backpressure_dec(inst);
}

static void *blocking_caller(void *arg)
{
	(void)arg;
	struct flue_values in = { 1, { 21 } }, out = { 0, { 0 } };
	caller_rc = flue_invoke_blocking(&doublef, 0, &in, &out);
	caller_result = (uint32_t)out.v[0];
	caller_returned = true;
	return 0;
}

static void on_resolve_ignore(void *user, const struct flue_values *r)
{
	(void)user, (void)r;
}

static uint32_t held_calls(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		n += ex.store.tasks[i].used && ex.store.tasks[i].cond == FLUE_COND_GATE;
	return n;
}

FT_TEST(blocking_call_from_a_thread_waits_for_admission)
{
	ex_setup();
	caller_returned = false;
	struct flue_instance *g = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = core_double,
				    .callback = cb_double };
	FT_EQ(flue_lift(&doublef, g, &double_ft, &o), 0);
	struct flue_lift_opts so = { .kind = FLUE_LIFT_CALLBACK, .core = core_raise,
				     .callback = cb_double };
	FT_EQ(flue_lift(&raisef, g, &unit_async_ft, &so), 0);
	struct flue_lift_opts lo = { .kind = FLUE_LIFT_SYNC, .core = core_lower };
	FT_EQ(flue_lift(&lowerf, g, &unit_sync_ft, &lo), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&raisef, 0, 0, on_resolve_ignore, 0, &call), 0);
	FT_EQ(g->backpressure, 1);

	pthread_t th;
	FT_EQ(pthread_create(&th, 0, blocking_caller, 0), 0);
	/* Run until the thread's call arrived and is held at the gate. */
	while (held_calls() == 0) {
		(void)flue_tick(&ex.store);
		if (held_calls() == 0)
			flue_port_idle();
	}
	FT_EQ(flue_run_until_idle(&ex.store), FLUE_EDEADLK); /* nothing can admit it */
	FT_FALSE(caller_returned);
	/* backpressure.dec (in a non-async-typed export, which ignores
	 * backpressure) admits it; the thread returns with the result. */
	FT_EQ(flue_invoke(&lowerf, 0, 0, on_resolve_ignore, 0, &call), 0);
	FT_EQ(flue_run_until_idle(&ex.store), 0);
	pthread_join(th, 0);
	ex_done();
	FT_TRUE(caller_returned);
	FT_EQ(caller_rc, 0);
	FT_EQ(caller_result, 42);
	FT_EQ(ex.ntraps, 0);
}

FT_SUITE(threads, FT_CASE(host_calls_resolved_from_threads),
	 FT_CASE(sync_typed_call_waits_for_a_host_call_resolved_from_a_thread),
	 FT_CASE(sync_typed_call_waits_for_a_host_call_resolved_from_a_thread_stack_per_task),
	 FT_CASE(sync_typed_call_runs_a_waiting_host_function),
	 FT_CASE(sync_typed_call_runs_a_waiting_host_function_stack_per_task),
	 FT_CASE(invocations_posted_from_threads), FT_CASE(cancellations_posted_from_a_thread),
	 FT_CASE(blocking_call_from_a_thread_waits_for_admission))
