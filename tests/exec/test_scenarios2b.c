/*
 * run_tests.py scenarios (definitions.py @ 6d28164), ported: guest code is
 * C functions calling the built-ins, as the reference's guests are Python
 * functions; the same return codes, indices, events and bytes are asserted.
 *
 * Here: test_sync_ignores_backpressure and test_callback_interleaving, both
 * disabled (see there), and a runnable variant of the former (the rest of
 * this batch: test_scenarios2.c). FutureType(None) is future<unit>.
 */
#include "exec_test.h"

#define CB_EXIT 0u
#define CB_WAIT 2u

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype unit_ft = { .async = true };

/* ------------------------------------------ test_sync_ignores_backpressure */

static struct flue_func sib_async_callee, sib_sync_callee, sib_caller;
static struct flue_lowered low_sib_async, low_sib_sync;
static struct flue_valtype sib_async_params[2];
static struct flue_functype sib_async_ft;
static const struct flue_functype sib_sync_ft = { .async = false, .nparams = 1,
						  .params = &u32_t, .result = &u32_t };
static bool sib_variant;

/* Sync-lifted, async-typed: holds the exclusive lock while it runs. */
static void core_callee1(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user;
	EX_EQ(n, 2);
	uint32_t ret = flue_canon_future_read(inst, ex.unit, 0, (uint32_t)args[1], 0xdeadbeefu);
	EX_EQ(ret, FLUE_COMPLETED);
	res[0] = 42 + args[0];
}

static void core_callee2(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user, (void)inst;
	EX_EQ(n, 1);
	res[0] = 84 + args[0];
}

static void core_sib_caller(void *user, struct flue_instance *inst, const flue_flat_t *args,
			    uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	uint8_t *mem = ex_mem(inst);
	struct flue_instance *callee = sib_async_callee.inst;
	EX_EQ(n, 0);
	uint64_t packed = flue_canon_future_new(inst, ex.unit);
	uint32_t rfut = (uint32_t)packed, wfut = (uint32_t)(packed >> 32);

	if (sib_variant)
		ex_set_backpressure(callee, 1); /* as test_callback_interleaving does */
	uint32_t retp1 = 4;
	flue_flat_t a[3] = { 1, rfut, retp1 };
	uint64_t ret = flue_call_lowered(&low_sib_async, a, 3);
	uint32_t subi = st_index(ret);
	if (sib_variant) {
		/* Held at the gate: rfut stays in our table until it starts. */
		EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);
		EX_EQ(subi, 3);
	} else {
		EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	}

	uint32_t retp2 = 8;
	a[0] = 2;
	a[1] = retp2;
	ret = flue_call_lowered(&low_sib_sync, a, 2);
	EX_EQ(ret, FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[retp2], 86);

	if (sib_variant)
		ex_set_backpressure(callee, 0);
	ret = flue_canon_future_write(inst, ex.unit, 0, wfut, 0xdeadbeefu);
	EX_EQ(ret, FLUE_COMPLETED);

	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, subi, seti);
	uint32_t retp3 = 12;
	uint32_t ev = flue_canon_waitable_set_wait(inst, seti, retp3);
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, retp3), subi);
	EX_EQ(ex_ld32(inst, retp3 + 4), FLUE_SUBTASK_RETURNED);
	if (sib_variant)
		EX_EQ(mem[retp1], 43);

	flue_canon_subtask_drop(inst, subi);
}

static bool resolved;
static void on_resolve_unit(void *user, const struct flue_values *r)
{
	(void)user;
	EX_TRUE(r != 0 && r->n == 0);
	resolved = true;
}

static void run_sib(bool variant)
{
	ex_setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, !variant), 0);
	resolved = false;
	sib_variant = variant;
	struct flue_instance *callee = ex_new();
	sib_async_params[0] = u32_t;
	sib_async_params[1] = VT_FUTURE(ex.unit);
	sib_async_ft = (struct flue_functype){ .async = true, .nparams = 2,
					       .params = sib_async_params, .result = &u32_t };
	ex_lift(&sib_async_callee, callee, &sib_async_ft, FLUE_LIFT_SYNC, core_callee1, 0);
	ex_lift(&sib_sync_callee, callee, &sib_sync_ft, FLUE_LIFT_SYNC, core_callee2, 0);
	struct flue_instance *caller = ex_new();
	FT_EQ(flue_lower(&low_sib_async, &sib_async_callee, caller, true), 0);
	FT_EQ(flue_lower(&low_sib_sync, &sib_sync_callee, caller, true), 0);
	/* lift_and_run(mk_opts(), ...): the caller is sync-lifted. */
	ex_lift(&sib_caller, caller, &unit_ft, FLUE_LIFT_SYNC, core_sib_caller, 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&sib_caller, 0, 0, on_resolve_unit, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
}

/* async_callee is sync-lifted and blocks in a sync future.read while the
 * caller goes on: a stack per task, as the reference's threads. */
FT_TEST(sync_ignores_backpressure)
{
	run_sib(false);
}

/* Not in run_tests.py: the same scenario with the callee held at the gate
 * by backpressure (set directly, as test_callback_interleaving does)
 * instead of by a blocked sync-lifted task, which flue can run: the
 * async-typed call is held STARTING, the sync-typed call barges in. The
 * expected values follow the reference's rules (enter_implicit_thread;
 * params are lifted only when the held call starts, so rfut keeps slot 1
 * and the subtask gets 3). */

FT_TEST(sync_ignores_backpressure_variant)
{
	run_sib(true);
}

/* -------------------------------------------- test_callback_interleaving */

/* core_producer (callback-lifted) blocks in a sync future.read in its
 * core function while the consumer goes on: a stack per task, as the
 * reference's threads. */

static struct flue_instance *ci_prod;
static struct flue_func ci_producer, ci_sync_callee, ci_consumer;
static struct flue_lowered low_ci_producer, low_ci_sync;
static struct flue_valtype ci_params[4];
static struct flue_functype ci_producer_ft;
static const struct flue_functype ci_sync_callee_ft = { .async = true, .result = &u32_t };
static uint32_t fut3s[2];

static void core_ci_producer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			     uint32_t n, flue_flat_t *res)
{
	(void)user;
	EX_EQ(n, 4);
	uint32_t i = (uint32_t)args[0], fut1 = (uint32_t)args[1], fut2 = (uint32_t)args[2];
	fut3s[i] = (uint32_t)args[3];
	flue_canon_context_set(inst, 0, i);
	uint32_t ret = flue_canon_future_read(inst, ex.unit, 0, fut1, 0xdeadbeefu);
	EX_EQ(ret, FLUE_COMPLETED);
	uint32_t seti = flue_canon_waitable_set_new(inst);
	ret = flue_canon_future_read(inst, ex.unit, FLUE_OPT_ASYNC, fut2, 0xdeadbeefu);
	EX_EQ(ret, FLUE_BLOCKED);
	flue_canon_waitable_join(inst, fut2, seti);
	res[0] = CB_WAIT | seti << 4;
}

static uint32_t core_ci_producer_callback(void *user, struct flue_instance *inst, uint32_t ev,
					  uint32_t p1, uint32_t p2)
{
	(void)user, (void)p1;
	EX_EQ(ev, FLUE_EVENT_CODE_FUTURE_READ);
	EX_EQ(p2, FLUE_COMPLETED);
	uint32_t i = flue_canon_context_get(inst, 0);
	flue_flat_t v = 42 + i;
	flue_canon_task_return(inst, &u32_t, &v, 1);
	uint32_t ret = flue_canon_future_read(inst, ex.unit, 0, fut3s[i], 0xdeadbeefu);
	EX_EQ(ret, FLUE_COMPLETED);
	return CB_EXIT;
}

static void core_ci_sync_callee(void *user, struct flue_instance *inst, const flue_flat_t *args,
				uint32_t n, flue_flat_t *res)
{
	(void)user, (void)inst, (void)args;
	EX_EQ(n, 0);
	res[0] = 100;
}

static uint32_t ci_lower(uint32_t i, uint32_t f1, uint32_t f2, uint32_t f3, uint32_t retp)
{
	flue_flat_t a[5] = { i, f1, f2, f3, retp };
	return (uint32_t)flue_call_lowered(&low_ci_producer, a, 5);
}

static void wait_subtask(struct flue_instance *inst, uint32_t seti, uint32_t subi, uint32_t st)
{
	uint32_t ev = flue_canon_waitable_set_wait(inst, seti, 0);
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_mem(inst)[0], subi);
	EX_EQ(ex_mem(inst)[4], st);
}

static void yield_poll_ten(struct flue_instance *inst, uint32_t seti)
{
	for (int i = 0; i < 10; i++) {
		EX_EQ(flue_canon_thread_yield(inst), 0);
		EX_EQ(flue_canon_waitable_set_poll(inst, seti, 0),
		      FLUE_EVENT_CODE_NONE);
	}
}

static void core_ci_consumer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			     uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	uint8_t *mem = ex_mem(inst);
	EX_EQ(n, 0);
	uint32_t r[6], w[6]; /* rfut11, 12, 13, 21, 22, 23 */
	for (int k = 0; k < 6; k++) {
		uint64_t p = flue_canon_future_new(inst, ex.unit);
		r[k] = (uint32_t)p;
		w[k] = (uint32_t)(p >> 32);
	}

	ex_set_backpressure(ci_prod, 1);
	uint32_t ret = ci_lower(0, r[0], r[1], r[2], 0xdeadbeefu);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);
	ret = flue_canon_subtask_cancel(inst, 0, st_index(ret));
	EX_EQ(ret, FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);
	ex_set_backpressure(ci_prod, 0);

	uint32_t subi1ret = 12;
	ret = ci_lower(0, r[0], r[1], r[2], subi1ret);
	uint32_t subi1 = st_index(ret);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);

	ret = ci_lower(1, r[3], r[4], r[5], 0xdeadbeefu);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);
	ret = flue_canon_subtask_cancel(inst, 0, st_index(ret));
	EX_EQ(ret, FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);

	uint32_t subi2ret = 16;
	ret = ci_lower(1, r[3], r[4], r[5], subi2ret);
	uint32_t subi2 = st_index(ret);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);

	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, subi1, seti);
	flue_canon_waitable_join(inst, subi2, seti);

	EX_EQ(flue_canon_future_write(inst, ex.unit, FLUE_OPT_ASYNC, w[0], 0xdeadbeefu),
	      FLUE_COMPLETED);
	wait_subtask(inst, seti, subi2, FLUE_SUBTASK_STARTED);

	EX_EQ(flue_canon_future_write(inst, ex.unit, FLUE_OPT_ASYNC, w[1], 0xdeadbeefu),
	      FLUE_COMPLETED);
	yield_poll_ten(inst, seti);

	EX_EQ(flue_canon_future_write(inst, ex.unit, FLUE_OPT_ASYNC, w[3], 0xdeadbeefu),
	      FLUE_COMPLETED);
	wait_subtask(inst, seti, subi1, FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[subi1ret], 42);
	flue_canon_subtask_drop(inst, subi1);

	EX_EQ(flue_canon_future_write(inst, ex.unit, FLUE_OPT_ASYNC, w[4], 0xdeadbeefu),
	      FLUE_COMPLETED);
	yield_poll_ten(inst, seti);

	EX_EQ(flue_canon_future_write(inst, ex.unit, FLUE_OPT_ASYNC, w[2], 0xdeadbeefu),
	      FLUE_COMPLETED);
	wait_subtask(inst, seti, subi2, FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[subi2ret], 43);
	flue_canon_subtask_drop(inst, subi2);

	uint32_t subi3ret = 20;
	flue_flat_t a[1] = { subi3ret };
	ret = (uint32_t)flue_call_lowered(&low_ci_sync, a, 1);
	uint32_t subi3 = st_index(ret);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTING);
	flue_canon_waitable_join(inst, subi3, seti);

	EX_EQ(flue_canon_future_write(inst, ex.unit, FLUE_OPT_ASYNC, w[5], 0xdeadbeefu),
	      FLUE_COMPLETED);
	wait_subtask(inst, seti, subi3, FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[subi3ret], 100);
}

FT_TEST(callback_interleaving)
{
	ex_setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, true), 0);
	resolved = false;
	ci_prod = ex_new();
	ci_params[0] = u32_t;
	ci_params[1] = ci_params[2] = ci_params[3] = VT_FUTURE(ex.unit);
	ci_producer_ft = (struct flue_functype){ .async = true, .nparams = 4,
						 .params = ci_params, .result = &u32_t };
	ex_lift(&ci_producer, ci_prod, &ci_producer_ft, FLUE_LIFT_CALLBACK, core_ci_producer,
		core_ci_producer_callback);
	ex_lift(&ci_sync_callee, ci_prod, &ci_sync_callee_ft, FLUE_LIFT_SYNC,
		core_ci_sync_callee, 0);
	struct flue_instance *cons = ex_new();
	FT_EQ(flue_lower(&low_ci_producer, &ci_producer, cons, true), 0);
	FT_EQ(flue_lower(&low_ci_sync, &ci_sync_callee, cons, true), 0);
	/* lift_and_run(mk_opts(), ...): the consumer is sync-lifted. */
	ex_lift(&ci_consumer, cons, &unit_ft, FLUE_LIFT_SYNC, core_ci_consumer, 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&ci_consumer, 0, 0, on_resolve_unit, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
}


FT_SUITE(scenarios2b, FT_CASE(sync_ignores_backpressure), FT_CASE(sync_ignores_backpressure_variant),
	 FT_CASE(callback_interleaving))
