/*
 * run_tests.py scenarios (definitions.py @ 6d28164), ported: guest code is
 * C functions calling the built-ins, as the reference's guests are Python
 * functions; the same return codes, indices, events and bytes are asserted.
 *
 * Here: test_async_to_async, test_async_backpressure, test_sync_using_wait,
 * and test_async_to_sync (disabled, see there). test_sync_ignores_backpressure
 * and test_callback_interleaving: test_scenarios2b.c.
 */
#include "exec_test.h"

static const struct flue_valtype u8_t = { .kind = FLUE_VAL_U8 };
static const struct flue_valtype bool_t = { .kind = FLUE_VAL_BOOL };
static const struct flue_functype unit_ft = { .async = true };

static uint32_t got;
static bool resolved;
static void on_resolve_1(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	got = r != 0 && r->n == 1 ? (uint32_t)r->v[0] : 0xDEADu;
}

static void wait_flag(bool *b)
{
	(void)flue_wait_until(&ex.store, ex_is_set, b, false);
}

/* ------------------------------------------------- test_async_to_async */

static struct flue_instance *a2a_prod, *a2a_cons;
static struct flue_func eager_callee, toggle_callee, blocking_callee, a2a_consumer;
static struct flue_lowered low_eager, low_toggle, low_blocking;
static bool fut1_1, fut1_2, fut2, fut3, fut4;
static const struct flue_functype eager_ft = { .async = true, .result = &u8_t };
static const struct flue_functype blocking_ft = { .async = true, .nparams = 1,
						  .params = &u8_t, .result = &u8_t };
static const struct flue_functype a2a_ft = { .async = true, .nparams = 1, .params = &bool_t,
					     .result = &u8_t };

static void core_eager_producer(void *user, struct flue_instance *inst, const flue_flat_t *args,
				uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 0);
	flue_flat_t v = 43;
	flue_canon_task_return(inst, &u8_t, &v, 1);
}

static void core_toggle(void *user, struct flue_instance *inst, const flue_flat_t *args,
			uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 0);
	flue_canon_backpressure_inc(inst);
	wait_flag(&fut1_1);
	flue_canon_task_return(inst, 0, 0, 0);
	wait_flag(&fut1_2);
	flue_canon_backpressure_dec(inst);
}

static void core_blocking_producer(void *user, struct flue_instance *inst,
				   const flue_flat_t *args, uint32_t n, flue_flat_t *res)
{
	(void)user, (void)res;
	EX_EQ(n, 1);
	EX_EQ(args[0], 83);
	wait_flag(&fut2);
	flue_flat_t v = 44;
	flue_canon_task_return(inst, &u8_t, &v, 1);
	wait_flag(&fut3);
	fut4 = true;
}

static void core_a2a_consumer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			      uint32_t n, flue_flat_t *res)
{
	(void)user, (void)res;
	uint8_t *mem = ex_mem(inst);
	EX_EQ(n, 1);
	EX_EQ(args[0], 1);
	uint32_t seti = flue_canon_waitable_set_new(inst);
	uint32_t ptr = ex_alloc(inst, 1, 1);
	flue_flat_t a[2] = { ptr };
	uint64_t ret = flue_call_lowered(&low_eager, a, 1);
	EX_EQ(ret, FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[ptr], 43);
	ret = flue_call_lowered(&low_toggle, 0, 0);
	uint32_t subi1 = st_index(ret);
	EX_EQ(subi1, 2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	flue_canon_waitable_join(inst, subi1, seti);
	uint32_t retp = ptr;
	mem[retp] = 13;
	a[0] = 83;
	a[1] = retp;
	ret = flue_call_lowered(&low_blocking, a, 2);
	uint32_t subi2 = st_index(ret);
	EX_EQ(subi2, 3);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);
	EX_EQ(mem[retp], 13);
	flue_canon_waitable_join(inst, subi2, seti);
	fut1_1 = true;

	uint32_t waitretp = ex_alloc(inst, 8, 4);
	uint32_t ev = flue_canon_waitable_set_wait(inst, seti, waitretp);
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, waitretp), subi1);
	EX_EQ(ex_ld32(inst, waitretp + 4), FLUE_SUBTASK_RETURNED);
	flue_canon_subtask_drop(inst, subi1);
	fut1_2 = true;

	ev = flue_canon_waitable_set_wait(inst, seti, waitretp);
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, waitretp), subi2);
	EX_EQ(ex_ld32(inst, waitretp + 4), FLUE_SUBTASK_STARTED);
	EX_EQ(mem[retp], 13);
	fut2 = true;

	ev = flue_canon_waitable_set_wait(inst, seti, waitretp);
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, waitretp), subi2);
	EX_EQ(ex_ld32(inst, waitretp + 4), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[retp], 44);
	flue_canon_subtask_drop(inst, subi2);
	fut3 = true;
	wait_flag(&fut4);

	flue_flat_t v = 42;
	flue_canon_task_return(inst, &u8_t, &v, 1);
}

static void on_start_true(void *user, struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	args->v[0] = 1;
}

FT_TEST(async_to_async)
{
	ex_setup();
	fut1_1 = fut1_2 = fut2 = fut3 = fut4 = false;
	resolved = false;
	a2a_prod = ex_new();
	a2a_cons = ex_new();
	ex_lift(&eager_callee, a2a_prod, &eager_ft, FLUE_LIFT_STACKFUL, core_eager_producer, 0);
	ex_lift(&toggle_callee, a2a_prod, &unit_ft, FLUE_LIFT_STACKFUL, core_toggle, 0);
	ex_lift(&blocking_callee, a2a_prod, &blocking_ft, FLUE_LIFT_STACKFUL,
		core_blocking_producer, 0);
	ex_lift(&a2a_consumer, a2a_cons, &a2a_ft, FLUE_LIFT_STACKFUL, core_a2a_consumer, 0);
	FT_EQ(flue_lower(&low_eager, &eager_callee, a2a_cons, true), 0);
	FT_EQ(flue_lower(&low_toggle, &toggle_callee, a2a_cons, true), 0);
	FT_EQ(flue_lower(&low_blocking, &blocking_callee, a2a_cons, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&a2a_consumer, 0, on_start_true, on_resolve_1, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
	FT_EQ(got, 42);
}

/* --------------------------------------------- test_async_backpressure */

static bool bp_fut, p1_done, p2_done;
static struct flue_func bp_prod1, bp_prod2, bp_consumer;
static struct flue_lowered low_p1, low_p2;
static const struct flue_functype u8_result_ft = { .async = true, .result = &u8_t };

static void core_bp_producer1(void *user, struct flue_instance *inst, const flue_flat_t *args,
			      uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)n, (void)res;
	flue_canon_backpressure_inc(inst);
	wait_flag(&bp_fut);
	flue_canon_backpressure_dec(inst);
	flue_canon_task_return(inst, 0, 0, 0);
	p1_done = true;
}

static void core_bp_producer2(void *user, struct flue_instance *inst, const flue_flat_t *args,
			      uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)n, (void)res;
	EX_TRUE(p1_done);
	flue_canon_task_return(inst, 0, 0, 0);
	p2_done = true;
}

/* Shared by test_async_backpressure (wait) and test_async_to_sync (yield +
 * poll): both subtasks must come back RETURNED, in any order. */
static void collect_two(struct flue_instance *inst, uint32_t seti, uint32_t subi1,
			uint32_t subi2, bool use_wait)
{
	bool remain1 = true, remain2 = true;
	while (remain1 || remain2) {
		uint32_t ev;
		uint32_t retp = 8;
		if (use_wait) {
			ev = flue_canon_waitable_set_wait(inst, seti, retp);
		} else {
			EX_EQ(flue_canon_thread_yield(inst), 0);
			ev = flue_canon_waitable_set_poll(inst, seti, retp);
			if (ev == FLUE_EVENT_CODE_NONE)
				continue;
		}
		EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
		EX_EQ(ex_ld32(inst, retp + 4), FLUE_SUBTASK_RETURNED);
		uint32_t subi = ex_ld32(inst, retp);
		if (subi == subi1 && remain1) {
			remain1 = false;
		} else if (subi == subi2 && remain2) {
			remain2 = false;
		} else {
			EX_TRUE(false); /* list.remove of an absent element raises */
			return;
		}
		flue_canon_subtask_drop(inst, subi);
	}
}

static void core_bp_consumer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			     uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 0);
	uint64_t ret = flue_call_lowered(&low_p1, 0, 0);
	uint32_t subi1 = st_index(ret);
	EX_EQ(subi1, 1);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	ret = flue_call_lowered(&low_p2, 0, 0);
	uint32_t subi2 = st_index(ret);
	EX_EQ(subi2, 2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);
	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, subi1, seti);
	flue_canon_waitable_join(inst, subi2, seti);
	bp_fut = true;
	EX_TRUE(!p1_done);
	EX_TRUE(!p2_done);
	collect_two(inst, seti, subi1, subi2, true);
	EX_TRUE(p1_done);
	EX_TRUE(p2_done);
	flue_canon_waitable_set_drop(inst, seti);
	flue_flat_t v = 84;
	flue_canon_task_return(inst, &u8_t, &v, 1);
}

FT_TEST(async_backpressure)
{
	ex_setup();
	bp_fut = p1_done = p2_done = false;
	resolved = false;
	struct flue_instance *prod = ex_new();
	struct flue_instance *cons = ex_new();
	ex_lift(&bp_prod1, prod, &unit_ft, FLUE_LIFT_STACKFUL, core_bp_producer1, 0);
	ex_lift(&bp_prod2, prod, &unit_ft, FLUE_LIFT_STACKFUL, core_bp_producer2, 0);
	ex_lift(&bp_consumer, cons, &u8_result_ft, FLUE_LIFT_STACKFUL, core_bp_consumer, 0);
	FT_EQ(flue_lower(&low_p1, &bp_prod1, cons, true), 0);
	FT_EQ(flue_lower(&low_p2, &bp_prod2, cons, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&bp_consumer, 0, 0, on_resolve_1, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
	FT_EQ(got, 84);
}

/* ------------------------------------------------ test_sync_using_wait */

static bool uw_fut1, uw_fut2;
static struct flue_func uw_prod1, uw_prod2, uw_consumer;
static struct flue_lowered low_uw1, low_uw2;

static void core_uw_producer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			     uint32_t n, flue_flat_t *res)
{
	(void)args, (void)n, (void)res;
	wait_flag(user);
	flue_canon_task_return(inst, 0, 0, 0);
}

static void core_uw_func(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)n, (void)res;
	uint64_t ret = flue_call_lowered(&low_uw1, 0, 0);
	uint32_t subi1 = st_index(ret);
	EX_EQ(subi1, 1);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	ret = flue_call_lowered(&low_uw2, 0, 0);
	uint32_t subi2 = st_index(ret);
	EX_EQ(subi2, 2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);

	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, subi1, seti);
	flue_canon_waitable_join(inst, subi2, seti);

	uw_fut1 = true;

	uint32_t retp = ex_alloc(inst, 8, 4);
	uint32_t ev = flue_canon_waitable_set_wait(inst, seti, retp);
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, retp), subi1);
	EX_EQ(ex_ld32(inst, retp + 4), FLUE_SUBTASK_RETURNED);

	uw_fut2 = true;

	ev = flue_canon_waitable_set_wait(inst, seti, retp);
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, retp), subi2);
	EX_EQ(ex_ld32(inst, retp + 4), FLUE_SUBTASK_RETURNED);

	flue_canon_subtask_drop(inst, subi1);
	flue_canon_subtask_drop(inst, subi2);
	flue_canon_waitable_set_drop(inst, seti);
}

static void on_resolve_0(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	got = r != 0 ? r->n : 0xDEADu;
}

FT_TEST(sync_using_wait)
{
	ex_setup();
	uw_fut1 = uw_fut2 = false;
	resolved = false;
	struct flue_instance *prod = ex_new();
	struct flue_instance *cons = ex_new();
	struct flue_lift_opts po = { .kind = FLUE_LIFT_STACKFUL, .core = core_uw_producer,
				     .user = &uw_fut1 };
	FT_EQ(flue_lift(&uw_prod1, prod, &unit_ft, &po), 0);
	po.user = &uw_fut2;
	FT_EQ(flue_lift(&uw_prod2, prod, &unit_ft, &po), 0);
	/* lift_and_run(mk_opts(), ...): the consumer is sync-lifted. */
	ex_lift(&uw_consumer, cons, &unit_ft, FLUE_LIFT_SYNC, core_uw_func, 0);
	FT_EQ(flue_lower(&low_uw1, &uw_prod1, cons, true), 0);
	FT_EQ(flue_lower(&low_uw2, &uw_prod2, cons, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&uw_consumer, 0, 0, on_resolve_0, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
	FT_EQ(got, 0);
}

/* -------------------------------------------------- test_async_to_sync */

/* producer1 is sync-lifted and blocks in its core function while the
 * consumer goes on: in the reference every thread has its own stack, so
 * this runs with a stack per task (flue_exec_set_stack_per_task). On the
 * single stack the same program deadlocks by design: see
 * async_to_sync_single_stack_deadlocks. */

static bool as_fut, as_p1_done, as_p2_done;
static struct flue_func as_prod1, as_prod2, as_consumer;
static struct flue_lowered low_as1, low_as2;

/* producer_opts = CanonicalOptions(): sync-lifted, async-typed. */
static void core_as_producer1(void *user, struct flue_instance *inst, const flue_flat_t *args,
			      uint32_t n, flue_flat_t *res)
{
	(void)user, (void)inst, (void)args, (void)res;
	EX_EQ(n, 0);
	wait_flag(&as_fut);
	as_p1_done = true;
}

static void core_as_producer2(void *user, struct flue_instance *inst, const flue_flat_t *args,
			      uint32_t n, flue_flat_t *res)
{
	(void)user, (void)inst, (void)args, (void)res;
	EX_EQ(n, 0);
	EX_TRUE(as_p1_done);
	as_p2_done = true;
}

static void core_as_consumer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			     uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 0);
	uint64_t ret = flue_call_lowered(&low_as1, 0, 0);
	uint32_t subi1 = st_index(ret);
	EX_EQ(subi1, 1);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	ret = flue_call_lowered(&low_as2, 0, 0);
	uint32_t subi2 = st_index(ret);
	EX_EQ(subi2, 2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);
	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, subi1, seti);
	flue_canon_waitable_join(inst, subi2, seti);
	as_fut = true;
	EX_TRUE(!as_p1_done);
	EX_TRUE(!as_p2_done);
	collect_two(inst, seti, subi1, subi2, false);
	EX_TRUE(as_p1_done);
	EX_TRUE(as_p2_done);
	flue_canon_waitable_set_drop(inst, seti);
	flue_flat_t v = 83;
	flue_canon_task_return(inst, &u8_t, &v, 1);
}

static void run_async_to_sync(bool per_task)
{
	ex_setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, per_task), 0);
	as_fut = as_p1_done = as_p2_done = false;
	resolved = false;
	struct flue_instance *prod = ex_new();
	struct flue_instance *cons = ex_new();
	ex_lift(&as_prod1, prod, &unit_ft, FLUE_LIFT_SYNC, core_as_producer1, 0);
	ex_lift(&as_prod2, prod, &unit_ft, FLUE_LIFT_SYNC, core_as_producer2, 0);
	ex_lift(&as_consumer, cons, &u8_result_ft, FLUE_LIFT_STACKFUL, core_as_consumer, 0);
	FT_EQ(flue_lower(&low_as1, &as_prod1, cons, true), 0);
	FT_EQ(flue_lower(&low_as2, &as_prod2, cons, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&as_consumer, 0, 0, on_resolve_1, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	if (!per_task)
		return;
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
	FT_EQ(got, 83);
}

FT_TEST(async_to_sync)
{
	run_async_to_sync(true);
}

/* On the single stack, producer1's wait runs a nested loop under the
 * consumer's lower call; what it waits for comes only after that call
 * returns, so nothing it may run can make progress: FLUE_TRAP_DEADLOCK
 * (the documented consequence, docs/EXECUTOR.md). */
FT_TEST(async_to_sync_single_stack_deadlocks)
{
	run_async_to_sync(false);
	FT_TRUE(ex.ntraps >= 1);
	FT_TRUE(ex.in[0].inst->poisoned); /* prod */
	FT_EQ(ex.in[0].inst->trap_reason, FLUE_TRAP_DEADLOCK);
}

FT_SUITE(scenarios2, FT_CASE(async_to_async), FT_CASE(async_backpressure),
	 FT_CASE(sync_using_wait), FT_CASE(async_to_sync),
	 FT_CASE(async_to_sync_single_stack_deadlocks))
