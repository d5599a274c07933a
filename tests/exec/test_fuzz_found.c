/*
 * Defects the task fuzzer found (tests/fuzz/fuzz_tasks*.c, issue 10).
 *
 * A host call whose result carries a stream/future end can only be
 * resolved with flue_host_return() on the executor thread:
 * flue_host_post_return() refuses it (FLUE_EINVAL, flue/exec.h). So
 * another thread can never bring it, and a loop must not sleep in
 * flue_port_idle() for it: at top level flue_run_until_idle() returns
 * FLUE_EAGAIN ("only the host itself can make them ready"), as it does for
 * ends held by a host instance; in a nested loop nothing can resolve it
 * while the loop waits, so the waiting instance traps FLUE_TRAP_DEADLOCK
 * (flue_wait_until(), flue_call_lowered()). The fuzzer's idle hook counts
 * such sleeps ("only calls with ends were pending"). A watchdog turns the
 * hang into a failure within seconds.
 *
 * A host function's fiber that traps its caller (its result lowered into
 * a bad out pointer) unwinds to the executor frame at the bottom of that
 * fiber, which restored the nesting depth it saw when the fiber began; a
 * fiber resumed later from inside a nested loop left the depth one too low
 * (at the end 255 while nothing ran). The depth is the resumer's again.
 */

#include <flue/port.h>

#include "exec_test.h"
#include "watchdog.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static struct flue_valtype str_t = { .kind = FLUE_VAL_STREAM };
static struct flue_functype ret_str = { .async = true, .result = &str_t };
static const struct flue_functype sync_u32 = { .async = false, .result = &u32_t };
static struct flue_func hf, caller;
static struct flue_lowered low;
static struct flue_instance *host;
static flue_call_t hcall;
static bool resolved;
static bool resolved_with_value;

#define HANG_MSG "fuzz_found: the executor slept for a host call only it can resolve\n"

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	resolved_with_value = r != 0;
}

/* The host answers later (h2 of the fuzzer): nothing in its start. */
static void start_pending(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user, (void)args;
	hcall = call;
}

static void setup_host_func(void)
{
	ex_setup();
	resolved = resolved_with_value = false;
	hcall = 0;
	str_t.elem = ex.u8;
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &host), 0);
	FT_EQ(flue_host_func(&hf, host, &ret_str, start_pending, 0, 0), 0);
}

/* Its results carry an end: another thread cannot post them. */
static void assert_not_postable(void)
{
	struct flue_values v = { 1, { 0 } };
	FT_EQ(flue_host_post_return(&ex.store, hcall, &v), FLUE_EINVAL);
}

FT_TEST(run_until_idle_returns_for_a_host_call_with_ends)
{
	setup_host_func();
	flue_call_t call;
	FT_EQ(flue_invoke(&hf, host, 0, on_resolve, 0, &call), 0);
	FT_TRUE(hcall != 0u);
	assert_not_postable();
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	watchdog(10, HANG_MSG);
	FT_EQ(flue_run_until_idle(&ex.store), FLUE_EAGAIN); /* slept for good before */
	watchdog_stop();
	/* The host acts on the executor thread, then everything finishes. */
	uint32_t r, w;
	FT_EQ(flue_host_stream_new(host, ex.u8, &r, &w), 0);
	struct flue_values v = { 1, { r } };
	FT_EQ(flue_host_return(&ex.store, hcall, &v), 0);
	FT_EQ(flue_run(&ex.store), 0);
	FT_TRUE(resolved && resolved_with_value);
	ex_done();
}

/* Sync-lifted guest code calls hf synchronously: a nested loop waits. */
static void calls_hf_sync(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			  flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	(void)flue_call_lowered(&low, 0, 0);
	res[0] = 1;
}

FT_TEST(nested_loop_traps_for_a_host_call_with_ends)
{
	setup_host_func();
	struct flue_instance *g = ex_new();
	ex_lift(&caller, g, &sync_u32, FLUE_LIFT_SYNC, calls_hf_sync, 0);
	FT_EQ(flue_lower(&low, &hf, g, false), 0);
	watchdog(10, HANG_MSG);
	flue_call_t call;
	FT_EQ(flue_invoke(&caller, host, 0, on_resolve, 0, &call), 0); /* slept for good before */
	watchdog_stop();
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_DEADLOCK);
	FT_TRUE(ex.trap_inst == g);
	FT_TRUE(resolved && !resolved_with_value);
	ex_done();
}

static const struct flue_functype async_u32 = { .async = true, .result = &u32_t };
static struct flue_func waiter, yielder;
static bool go;

/* Waits on its fiber until `go`, then answers: the caller's out pointer is
 * misaligned, so resolving traps the caller, on this fiber. */
static void start_waits_then_returns(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user, (void)args;
	hcall = call;
	EX_FALSE(flue_wait_until(&ex.store, ex_is_set, &go, false));
	struct flue_values v = { 1, { 7 } };
	(void)flue_host_return(&ex.store, call, &v);
}

/* Calls hf async with a misaligned out pointer and returns at once. */
static void calls_hf_async(void *u, struct flue_instance *inst, const flue_flat_t *a,
			   uint32_t n, flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	flue_flat_t out = 3;
	EX_EQ(st_state(flue_call_lowered(&low, &out, 1)), FLUE_SUBTASK_STARTED);
	res[0] = 1;
}

/* Lets hf go, then yields in a nested loop, which resumes hf's fiber. */
static void yields(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		   flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	go = true;
	EX_EQ(ex_sched_depth(), 0);
	(void)flue_canon_thread_yield(inst);
	EX_EQ(ex_sched_depth(), 0); /* the loop is gone again */
	res[0] = 2;
}

FT_TEST(a_fiber_that_traps_when_resumed_in_a_nested_loop_keeps_the_depth)
{
	if (!flue_port_fiber_supported())
		return;
	setup_host_func();
	go = false;
	FT_EQ(flue_host_func(&hf, host, &async_u32, start_waits_then_returns, 0, 0), 0);
	struct flue_instance *g = ex_new(), *y = ex_new();
	ex_lift(&waiter, g, &sync_u32, FLUE_LIFT_SYNC, calls_hf_async, 0);
	ex_lift(&yielder, y, &sync_u32, FLUE_LIFT_SYNC, yields, 0);
	FT_EQ(flue_lower(&low, &hf, g, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&waiter, host, 0, on_resolve, 0, &call), 0);
	FT_TRUE(resolved && resolved_with_value);
	FT_TRUE(hcall != 0u); /* hf waits on its fiber */
	resolved = false;
	FT_EQ(flue_invoke(&yielder, host, 0, on_resolve, 0, &call), 0);
	FT_TRUE(resolved && resolved_with_value);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_MISALIGNED);
	FT_TRUE(ex.trap_inst == g);
	FT_EQ(ex.store.sched.depth, 0);
	FT_EQ(flue_run(&ex.store), 0);
	FT_EQ(ex.store.sched.depth, 0);
	ex_done();
}

FT_SUITE(fuzz_found, FT_CASE(run_until_idle_returns_for_a_host_call_with_ends),
	 FT_CASE(nested_loop_traps_for_a_host_call_with_ends),
	 FT_CASE(a_fiber_that_traps_when_resumed_in_a_nested_loop_keeps_the_depth))
