/*
 * run_tests.py scenarios (definitions.py @ 14087d73), ported: guest code is
 * C functions calling the built-ins, as the reference's guests are Python
 * functions; the same return codes, indices, events and bytes are asserted.
 *
 * test_cancel_subtask (rewritten upstream for #716: cancellation reaches a
 * callee only in its callback event loop; test_thread_cancel_callback was
 * folded into it as the "lock hog" part and removed).
 * (test_async_flat_params, test_futures, test_cancel_copy: test_scenarios4b.c)
 */
#include "exec_test.h"

#define CB_EXIT 0u
#define CB_YIELD 1u
#define CB_WAIT 2u
#define ASYNC FLUE_OPT_ASYNC

static const struct flue_valtype u8_t = { .kind = FLUE_VAL_U8 };

static uint32_t got;
static bool resolved;
static void on_resolve_u32(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	got = r != 0 && r->n == 1 ? (uint32_t)r->v[0] : 0xDEADu;
}

static void on_start_1(void *user, struct flue_values *args)
{
	(void)user;
	args->n = 1;
	args->v[0] = 1;
}

/* ------------------------------------------------- test_cancel_subtask
 *
 * Where the reference accepts either outcome of an async subtask.cancel
 * (BLOCKED and a later event, or the resolved state at once), flue's rule
 * (#723, flue_cancel_resume_decide) picks one: the cancel resumes the
 * cancelled task's thread once if it is ready, else the oldest ready thread
 * of the callee's instance; each such place below says which branch that is.
 * Runs with a stack per task: the lock hog and the callee blocked in a
 * synchronous import block inside their core function while their async
 * caller goes on, as the reference's threads do. Left out: the callee's
 * `try: task.cancel() except Trap: pass` after its sync import (a trap in
 * flue poisons the instance for good; the trap itself is
 * FLUE_TRAP_CANCEL_NOT_DELIVERED, pinned by cancel-delivery's port).
 */

/* ft = (u8) -> u8, async */
static const struct flue_valtype u8_param[1] = { { .kind = FLUE_VAL_U8 } };
static const struct flue_functype cs_ft = { .async = true, .nparams = 1, .params = u8_param,
					    .result = &u8_t };

static struct flue_instance *cs_callee;
static struct flue_func never_started, c_wait, c_yield, lock_hog, sync_import, ignores_cancel;
static struct flue_func cs_caller_f, host1, host2;
static struct flue_lowered l_never, l_wait, l_yield, l_hog, l_sync_import, l_ignores;
static struct flue_lowered l_host1, l_host2;
static bool host_fut1, host_fut2;

#define CORE4(n) static void n(void *u_, struct flue_instance *inst, const flue_flat_t *args, \
			       uint32_t n_, flue_flat_t *res)
#define CB4(n) static uint32_t n(void *u_, struct flue_instance *inst, uint32_t ev, uint32_t p1, \
				 uint32_t p2)
#pragma GCC diagnostic ignored "-Wunused-parameter"

static void ret_u8(struct flue_instance *inst, uint32_t v)
{
	flue_flat_t r = v;
	flue_canon_task_return(inst, &u8_t, &r, 1);
}

CORE4(core_never_started) { EX_TRUE(false); }

/* Waits in the event loop; cancelled, it resolves at once or YIELDs first. */
CORE4(core_wait) {
	flue_canon_context_set(inst, 0, (uint32_t)args[0]);
	res[0] = CB_WAIT | flue_canon_waitable_set_new(inst) << 4;
}
CB4(cb_wait) {
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	uint32_t x = flue_canon_context_get(inst, 0);
	if (ev == FLUE_EVENT_CODE_TASK_CANCELLED) {
		if (x == 1)
			ret_u8(inst, 42);
		else if (x == 2)
			flue_canon_task_cancel(inst);
		else if (x == 3 || x == 4)
			return CB_YIELD;
		else
			EX_TRUE(false);
		return CB_EXIT;
	}
	EX_EQ(ev, FLUE_EVENT_CODE_NONE);
	if (x == 3)
		ret_u8(inst, 43);
	else if (x == 4)
		flue_canon_task_cancel(inst);
	else
		EX_TRUE(false);
	return CB_EXIT;
}

/* YIELDs, then returns x unless it was cancelled first. */
CORE4(core_yield) {
	flue_canon_context_set(inst, 0, (uint32_t)args[0]);
	res[0] = CB_YIELD;
}
CB4(cb_yield) {
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	if (ev == FLUE_EVENT_CODE_TASK_CANCELLED) {
		flue_canon_task_cancel(inst);
	} else {
		EX_EQ(ev, FLUE_EVENT_CODE_NONE);
		ret_u8(inst, flue_canon_context_get(inst, 0));
	}
	return CB_EXIT;
}

/* Holds the callee instance's exclusive lock while blocked in thread.yield. */
CORE4(core_lock_hog) {
	EX_EQ(flue_canon_thread_yield(inst), 0);
	ret_u8(inst, (uint32_t)args[0]);
	res[0] = CB_EXIT;
}
CB4(cb_never) { EX_TRUE(false); return CB_EXIT; }

static void host_func1(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	EX_EQ(args->v[0], 42);
	(void)flue_wait_until(&ex.store, ex_is_set, &host_fut1, false);
	struct flue_values r = { 1, { 43 } };
	EX_EQ(flue_host_return(&ex.store, call, &r), 0);
}

/* Blocks in a synchronous import (not cancellable meanwhile), then receives
 * the cancellation at the top of its first callback-loop turn. */
CORE4(core_sync_import) {
	flue_flat_t a = 42;
	EX_EQ(flue_call_lowered(&l_host1, &a, 1), 43);
	uint32_t si = flue_canon_waitable_set_new(inst);
	flue_canon_context_set(inst, 0, si);
	res[0] = CB_WAIT | si << 4;
}
CB4(cb_sync_import) {
	EX_EQ(ev, FLUE_EVENT_CODE_TASK_CANCELLED);
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	uint32_t si = flue_canon_context_get(inst, 0);
	EX_EQ(flue_canon_waitable_set_poll(inst, si, 0), FLUE_EVENT_CODE_NONE);
	flue_canon_task_cancel(inst);
	return CB_EXIT;
}

/* The host function waits twice: a cancellation of its call interrupts
 * its first (cancellable) wait only (mk_host_func's wait_until). */
static void host_func2(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	EX_EQ(args->v[0], 42);
	(void)flue_wait_until(&ex.store, ex_is_set, &host_fut2, true);
	(void)flue_wait_until(&ex.store, ex_is_set, &host_fut2, true);
	struct flue_values r = { 1, { 43 } };
	EX_EQ(flue_host_return(&ex.store, call, &r), 0);
}

/* Stackful: never receives a cancellation; its request is ignored. */
CORE4(core_ignores_cancel) {
	EX_EQ(args[0], 13);
	flue_flat_t a[2] = { 42, 0 };
	uint64_t ret = flue_call_lowered(&l_host2, a, 2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, 0, st_index(ret)), FLUE_SUBTASK_RETURNED);
	flue_canon_subtask_drop(inst, st_index(ret));
	ret_u8(inst, 44);
}

/* The caller's async lower of (u8) -> u8: [x, out ptr]. */
static uint32_t start(const struct flue_lowered *l, uint32_t x, uint32_t outp, uint32_t state)
{
	flue_flat_t a[2] = { x, outp };
	uint64_t ret = flue_call_lowered(l, a, 2);
	EX_EQ(st_state(ret), state);
	return st_index(ret);
}

/* Join `subi` to `seti`, wait for its one SUBTASK event, check its state. */
static void wait_subtask(struct flue_instance *inst, uint32_t seti, uint32_t subi, uint32_t state)
{
	uint32_t retp = 8;
	flue_canon_waitable_join(inst, subi, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, retp), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, retp), subi);
	EX_EQ(ex_ld32(inst, retp + 4), state);
}

static uint8_t sub_state_of(struct flue_instance *inst, uint32_t subi)
{
	return ex_sub_state(inst, subi);
}

static void cs_backpressure(struct flue_instance *inst)
{
	ex_set_backpressure(cs_callee, 1); /* callee_inst.backpressure = True */
	uint32_t subi1 = start(&l_never, 13, 0, FLUE_SUBTASK_STARTING);
	uint32_t subi2 = start(&l_never, 13, 0, FLUE_SUBTASK_STARTING);
	EX_EQ(flue_canon_subtask_cancel(inst, 0, subi2), FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi1),
	      FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);
	ex_set_backpressure(cs_callee, 0);
}

static void cs_event_loop(struct flue_instance *inst, uint32_t seti)
{
	uint8_t *mem = ex_mem(inst);
	uint32_t s1 = start(&l_wait, 1, 0, FLUE_SUBTASK_STARTED);
	uint32_t s2 = start(&l_wait, 2, 0, FLUE_SUBTASK_STARTED);
	uint32_t s3 = start(&l_wait, 3, 0, FLUE_SUBTASK_STARTED);
	uint32_t s3_2 = start(&l_wait, 3, 0, FLUE_SUBTASK_STARTED);
	uint32_t s4 = start(&l_wait, 4, 0, FLUE_SUBTASK_STARTED);
	uint32_t s4_2 = start(&l_wait, 4, 0, FLUE_SUBTASK_STARTED);
	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, 0, s1), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 42);
	flue_canon_subtask_drop(inst, s1);
	/* the target is ready (WAIT with a pending cancel): the eager branch */
	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, s2), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, s2);
	/* its one resume only reaches YIELD: the BLOCKED branch */
	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, s3), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	wait_subtask(inst, seti, s3, FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 43);
	flue_canon_subtask_drop(inst, s3);
	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, 0, s3_2), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 43);
	flue_canon_subtask_drop(inst, s3_2);
	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, s4), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	wait_subtask(inst, seti, s4, FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	flue_canon_subtask_drop(inst, s4);
	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, 0, s4_2), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, s4_2);
}

static void cs_yield(struct flue_instance *inst)
{
	uint8_t *mem = ex_mem(inst);
	/* already returned: the cancel reports the resolved state */
	mem[0] = 13;
	uint32_t subi = start(&l_yield, 83, 0, FLUE_SUBTASK_STARTED);
	while (sub_state_of(inst, subi) == FLUE_SUBTASK_STARTED)
		(void)flue_canon_thread_yield(inst);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 83);
	flue_canon_subtask_drop(inst, subi);
	/* parked in YIELD with the lock free: the eager branch */
	mem[0] = 13;
	subi = start(&l_yield, 83, 0, FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, subi);
}

/* While another task holds the lock, the request is remembered; the
 * cancel's one resume runs the lock hog (the only ready thread of the
 * instance) to its end: the BLOCKED branch; the cancelled task receives it
 * once resumed with the lock free. */
static void cs_lock_hog(struct flue_instance *inst, uint32_t seti)
{
	uint8_t *mem = ex_mem(inst);
	const struct flue_lowered *callee[2] = { &l_wait, &l_yield };
	const uint32_t state[2] = { FLUE_SUBTASK_RETURNED, FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED };
	const uint8_t expected[2] = { 42, 13 };
	for (int k = 0; k < 2; k++) {
		mem[0] = 13;
		mem[4] = 13;
		uint32_t subi = start(callee[k], 1, 0, FLUE_SUBTASK_STARTED);
		uint32_t hog = start(&l_hog, 45, 4, FLUE_SUBTASK_STARTED);
		EX_TRUE(ex_exclusive_held(cs_callee));
		EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_BLOCKED);
		EX_EQ(mem[0], 13);
		EX_EQ(mem[4], 45);
		wait_subtask(inst, seti, subi, state[k]);
		EX_EQ(mem[0], expected[k]);
		flue_canon_subtask_drop(inst, subi);
		wait_subtask(inst, seti, hog, FLUE_SUBTASK_RETURNED);
		flue_canon_subtask_drop(inst, hog);
	}
}

static void cs_not_cancellable_yet(struct flue_instance *inst, uint32_t seti)
{
	uint8_t *mem = ex_mem(inst);
	/* blocked in a synchronous import: delivered at its first turn */
	mem[0] = 13;
	uint32_t subi = start(&l_sync_import, 0, 0, FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	host_fut1 = true;
	wait_subtask(inst, seti, subi, FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, subi);
	/* stackful: never cancellable, returns normally */
	mem[0] = 13;
	subi = start(&l_ignores, 13, 0, FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	host_fut2 = true;
	wait_subtask(inst, seti, subi, FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 44);
	flue_canon_subtask_drop(inst, subi);
}

CORE4(core_cs_caller) {
	EX_EQ(n_, 1);
	EX_EQ(args[0], 1);
	uint32_t seti = flue_canon_waitable_set_new(inst);
	cs_backpressure(inst);
	cs_event_loop(inst, seti);
	cs_yield(inst);
	cs_lock_hog(inst, seti);
	cs_not_cancellable_yet(inst, seti);
	flue_canon_waitable_set_drop(inst, seti);
	ret_u8(inst, 42);
}

static void lift_callees(void)
{
	ex_lift(&never_started, cs_callee, &cs_ft, FLUE_LIFT_STACKFUL, core_never_started, 0);
	ex_lift(&c_wait, cs_callee, &cs_ft, FLUE_LIFT_CALLBACK, core_wait, cb_wait);
	ex_lift(&c_yield, cs_callee, &cs_ft, FLUE_LIFT_CALLBACK, core_yield, cb_yield);
	ex_lift(&lock_hog, cs_callee, &cs_ft, FLUE_LIFT_CALLBACK, core_lock_hog, cb_never);
	ex_lift(&sync_import, cs_callee, &cs_ft, FLUE_LIFT_CALLBACK, core_sync_import,
		cb_sync_import);
	ex_lift(&ignores_cancel, cs_callee, &cs_ft, FLUE_LIFT_STACKFUL, core_ignores_cancel, 0);
	FT_EQ(flue_host_func(&host1, ex.host, &cs_ft, host_func1, 0, 0), 0);
	FT_EQ(flue_host_func(&host2, ex.host, &cs_ft, host_func2, 0, 0), 0);
	FT_EQ(flue_lower(&l_host1, &host1, cs_callee, false), 0);
	FT_EQ(flue_lower(&l_host2, &host2, cs_callee, true), 0);
}

FT_TEST(cancel_subtask)
{
	ex_setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, true), 0);
	resolved = false;
	host_fut1 = host_fut2 = false;
	cs_callee = ex_new();
	struct flue_instance *caller = ex_new();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	lift_callees();
	ex_lift(&cs_caller_f, caller, &cs_ft, FLUE_LIFT_STACKFUL, core_cs_caller, 0);
	FT_EQ(flue_lower(&l_never, &never_started, caller, true), 0);
	FT_EQ(flue_lower(&l_wait, &c_wait, caller, true), 0);
	FT_EQ(flue_lower(&l_yield, &c_yield, caller, true), 0);
	FT_EQ(flue_lower(&l_hog, &lock_hog, caller, true), 0);
	FT_EQ(flue_lower(&l_sync_import, &sync_import, caller, true), 0);
	FT_EQ(flue_lower(&l_ignores, &ignores_cancel, caller, true), 0);

	flue_call_t call;
	FT_EQ(flue_invoke(&cs_caller_f, 0, on_start_1, on_resolve_u32, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
	FT_EQ(got, 42);
}

FT_SUITE(scenarios4, FT_CASE(cancel_subtask))
