/*
 * run_tests.py scenarios (definitions.py @ 6d28164), ported: guest code is
 * C functions calling the built-ins, as the reference's guests are Python
 * functions; the same return codes, indices, events and bytes are asserted.
 *
 * test_cancel_subtask and test_thread_cancel_callback.
 * (test_async_flat_params, test_futures, test_cancel_copy: test_scenarios4b.c)
 */
#include "exec_test.h"

#define CB_EXIT 0u
#define CB_YIELD 1u
#define CB_WAIT 2u
#define ASYNC FLUE_OPT_ASYNC
#define CANC FLUE_OPT_CANCELLABLE

static const struct flue_valtype u8_t = { .kind = FLUE_VAL_U8 };
static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };

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
 * Left out: callee6 (thread.new-indirect, thread.suspend-then-resume,
 * thread.suspend, thread.resume-later: flue has no explicit threads), and
 * callee4's `try: canon_task_cancel() except Trap: pass` (a trap in flue
 * poisons the instance for good, so the rest of the scenario could not go
 * on in callee_inst; the trap itself is FLUE_TRAP_CANCEL_NOT_DELIVERED).
 */

/* ft = (u8) -> u8, async */
static const struct flue_valtype u8_param[1] = { { .kind = FLUE_VAL_U8 } };
static const struct flue_functype cs_ft = { .async = true, .nparams = 1, .params = u8_param,
					    .result = &u8_t };

static struct flue_instance *cs_callee, *cs_caller;
static struct flue_func callee1, callee2, callee3, callee4, callee5, cs_caller_f;
static struct flue_func host4, host5;
static struct flue_lowered low_c1, low_c2, low_c3, low_c4, low_c5, low_h4, low_h5;
static bool host_fut4, host_fut5;

static void ret_u8(struct flue_instance *inst, uint32_t v)
{
	flue_flat_t r = v;
	flue_canon_task_return(inst, &u8_t, &r, 1);
}

static void core_callee1(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user, (void)inst, (void)args, (void)n, (void)res;
	EX_TRUE(false);
}

static void core_callee2(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user, (void)res;
	EX_EQ(n, 1);
	uint32_t si = flue_canon_waitable_set_new(inst);
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, si, 0), FLUE_EVENT_CODE_TASK_CANCELLED);
	switch (args[0]) {
	case 1:
		ret_u8(inst, 42);
		break;
	case 2:
		flue_canon_task_cancel(inst);
		break;
	case 3:
		(void)flue_canon_thread_yield(inst, CANC);
		ret_u8(inst, 43);
		break;
	case 4:
		(void)flue_canon_thread_yield(inst, CANC);
		flue_canon_task_cancel(inst);
		break;
	default:
		EX_TRUE(false);
	}
}

static void core_callee3(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 1);
	if (flue_canon_thread_yield(inst, CANC) != 0)
		flue_canon_task_cancel(inst);
	else
		ret_u8(inst, 83);
}

/* mk_host_func: the host's wait_until is cancellable. */
static void host_func4(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	EX_EQ(args->v[0], 42);
	(void)flue_wait_until(&ex.store, ex_is_set, &host_fut4, true);
	struct flue_values r = { 1, { 43 } };
	EX_EQ(flue_host_return(&ex.store, call, &r), 0);
}

static void core_callee4(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 1);
	flue_flat_t a = 42;
	EX_EQ(flue_call_lowered(&low_h4, &a, 1), 43); /* sync lower */
	/* (reference: task.cancel here traps; not ported, see above) */
	uint32_t seti = flue_canon_waitable_set_new(inst);
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, 0), FLUE_EVENT_CODE_TASK_CANCELLED);
	EX_EQ(flue_canon_waitable_set_poll(inst, CANC, seti, 0), FLUE_EVENT_CODE_NONE);
	flue_canon_task_cancel(inst);
}

static void host_func5(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	EX_EQ(args->v[0], 42);
	(void)flue_wait_until(&ex.store, ex_is_set, &host_fut5, true);
	(void)flue_wait_until(&ex.store, ex_is_set, &host_fut5, true);
	struct flue_values r = { 1, { 43 } };
	EX_EQ(flue_host_return(&ex.store, call, &r), 0);
}

static void core_callee5(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *res)
{
	(void)user, (void)res;
	EX_EQ(n, 1);
	EX_EQ(args[0], 13);
	flue_flat_t a[2] = { 42, 0 };
	uint64_t ret = flue_call_lowered(&low_h5, a, 2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, 0, st_index(ret)), FLUE_SUBTASK_RETURNED);
	ret_u8(inst, 44);
}

/* The caller's async lower of (u8) -> u8: [x, out ptr 0]. */
static uint64_t call2(const struct flue_lowered *l, uint32_t x)
{
	flue_flat_t a[2] = { x, 0 };
	return flue_call_lowered(l, a, 2);
}

static uint32_t started(const struct flue_lowered *l, uint32_t x, uint32_t state)
{
	uint64_t ret = call2(l, x);
	EX_EQ(st_state(ret), state);
	return st_index(ret);
}

static uint8_t sub_state_of(struct flue_instance *inst, uint32_t subi)
{
	return ex.store.tasks[inst->handles[subi].u.sub.task].sub_state;
}

static void core_cs_caller(void *user, struct flue_instance *inst, const flue_flat_t *args,
			   uint32_t n, flue_flat_t *res)
{
	(void)user, (void)res;
	uint8_t *mem = ex_mem(inst);
	EX_EQ(n, 1);
	EX_EQ(args[0], 1);

	uint32_t seti = flue_canon_waitable_set_new(inst);

	cs_callee->backpressure = 1; /* callee_inst.backpressure = True */
	uint32_t subi1 = started(&low_c1, 13, FLUE_SUBTASK_STARTING);
	uint32_t subi2 = started(&low_c1, 13, FLUE_SUBTASK_STARTING);
	EX_EQ(flue_canon_subtask_cancel(inst, 0, subi2), FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi1),
	      FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);
	cs_callee->backpressure = 0;

	subi1 = started(&low_c2, 1, FLUE_SUBTASK_STARTED);
	subi2 = started(&low_c2, 2, FLUE_SUBTASK_STARTED);
	uint32_t subi3 = started(&low_c2, 3, FLUE_SUBTASK_STARTED);
	uint32_t subi3_2 = started(&low_c2, 3, FLUE_SUBTASK_STARTED);
	uint32_t subi4 = started(&low_c2, 4, FLUE_SUBTASK_STARTED);
	uint32_t subi4_2 = started(&low_c2, 4, FLUE_SUBTASK_STARTED);

	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, 0, subi1), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 42);
	flue_canon_subtask_drop(inst, subi1);

	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi2), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, subi2);

	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi3), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	flue_canon_waitable_join(inst, subi3, seti);
	uint32_t retp = 8;
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, retp), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, retp), subi3);
	EX_EQ(ex_ld32(inst, retp + 4), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 43);
	flue_canon_subtask_drop(inst, subi3);

	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, 0, subi3_2), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 43);
	flue_canon_subtask_drop(inst, subi3_2);

	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi4), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	flue_canon_waitable_join(inst, subi4, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, retp), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, retp), subi4);
	EX_EQ(ex_ld32(inst, retp + 4), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	flue_canon_subtask_drop(inst, subi4);

	mem[0] = 13;
	EX_EQ(flue_canon_subtask_cancel(inst, 0, subi4_2), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, subi4_2);

	mem[0] = 13;
	uint32_t subi = started(&low_c3, 0, FLUE_SUBTASK_STARTED);
	while (sub_state_of(inst, subi) == FLUE_SUBTASK_STARTED)
		(void)flue_canon_thread_yield(inst, CANC);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 83);
	flue_canon_subtask_drop(inst, subi);

	mem[0] = 13;
	subi = started(&low_c3, 0, FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, subi);

	mem[0] = 13;
	subi = started(&low_c4, 0, FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	host_fut4 = true;
	flue_canon_waitable_join(inst, subi, seti);
	uint32_t waitretp = 4;
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, waitretp), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, waitretp), subi);
	EX_EQ(ex_ld32(inst, waitretp + 4), FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	EX_EQ(mem[0], 13);
	flue_canon_subtask_drop(inst, subi);

	subi = started(&low_c5, 13, FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi), FLUE_BLOCKED);
	EX_EQ(mem[0], 13);
	host_fut5 = true;
	flue_canon_waitable_join(inst, subi, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, waitretp), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, waitretp), subi);
	EX_EQ(ex_ld32(inst, waitretp + 4), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[0], 44);
	flue_canon_subtask_drop(inst, subi);

	/* (callee6: thread.new-indirect etc., not ported) */

	flue_canon_waitable_set_drop(inst, seti);
	ret_u8(inst, 42);
}

FT_TEST(cancel_subtask)
{
	ex_setup();
	resolved = false;
	host_fut4 = host_fut5 = false;
	struct flue_instance *root = ex_new(0);
	cs_callee = ex_new(root);
	cs_caller = ex_new(root);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);

	ex_lift(&callee1, cs_callee, &cs_ft, FLUE_LIFT_STACKFUL, core_callee1, 0);
	ex_lift(&callee2, cs_callee, &cs_ft, FLUE_LIFT_STACKFUL, core_callee2, 0);
	ex_lift(&callee3, cs_callee, &cs_ft, FLUE_LIFT_STACKFUL, core_callee3, 0);
	ex_lift(&callee4, cs_callee, &cs_ft, FLUE_LIFT_STACKFUL, core_callee4, 0);
	ex_lift(&callee5, cs_callee, &cs_ft, FLUE_LIFT_STACKFUL, core_callee5, 0);
	FT_EQ(flue_host_func(&host4, ex.host, &cs_ft, host_func4, 0, 0), 0);
	FT_EQ(flue_host_func(&host5, ex.host, &cs_ft, host_func5, 0, 0), 0);
	FT_EQ(flue_lower(&low_h4, &host4, cs_callee, false), 0);
	FT_EQ(flue_lower(&low_h5, &host5, cs_callee, true), 0);

	ex_lift(&cs_caller_f, cs_caller, &cs_ft, FLUE_LIFT_STACKFUL, core_cs_caller, 0);
	FT_EQ(flue_lower(&low_c1, &callee1, cs_caller, true), 0);
	FT_EQ(flue_lower(&low_c2, &callee2, cs_caller, true), 0);
	FT_EQ(flue_lower(&low_c3, &callee3, cs_caller, true), 0);
	FT_EQ(flue_lower(&low_c4, &callee4, cs_caller, true), 0);
	FT_EQ(flue_lower(&low_c5, &callee5, cs_caller, true), 0);

	flue_call_t call;
	FT_EQ(flue_invoke(&cs_caller_f, 0, on_start_1, on_resolve_u32, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
	FT_EQ(got, 42);
}

/* ------------------------------------------ test_thread_cancel_callback
 *
 * Adapted to flue's nested scheduling on one stack (docs/EXECUTOR.md). In
 * the reference, producer2 (callback-lifted) blocks in thread.yield inside
 * its core function and its async caller gets STARTED back while producer2
 * keeps the producer's exclusive lock; the consumer's cancel of producer1
 * (parked in YIELD) then finds no eligible thread (the lock is another's)
 * and becomes PENDING_CANCEL (BLOCKED), and producer1 later still gets
 * (NONE, 0, 0) and returns 42. In flue, a callback-lifted core that blocks
 * runs a nested loop right there, so a lowered call of producer2 would come
 * back RETURNED (its yield finds nothing else it may run) and the lock
 * would be free again at the cancel. To reach the reference's situation,
 * producer2 runs *below* the consumer on the stack: the consumer is
 * stackful, yields after starting producer1, and the host then invokes
 * producer2, whose thread.yield runs the consumer in its nested loop while
 * it holds the lock. Guest code of both producers is the reference's; the
 * consumer asserts the reference's values for subi1 (BLOCKED, one SUBTASK
 * event with RETURNED, 42 at retp1); producer2's 43 reaches the host's
 * on_resolve instead of consumer_mem[retp2].
 */

static const struct flue_functype producer_ft = { .async = true, .result = &u32_t };
static const struct flue_functype consumer_ft = { .async = true };
static struct flue_func producer1, producer2, tc_consumer;
static struct flue_lowered low_p1;
static bool consumer_done;

static void core_producer1(void *user, struct flue_instance *inst, const flue_flat_t *args,
			   uint32_t n, flue_flat_t *res)
{
	(void)user, (void)inst, (void)args;
	EX_EQ(n, 0);
	res[0] = CB_YIELD;
}

static uint32_t producer_callback1(void *user, struct flue_instance *inst, uint32_t ev,
				   uint32_t p1, uint32_t p2)
{
	(void)user;
	EX_EQ(ev, FLUE_EVENT_CODE_NONE);
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	flue_flat_t r = 42;
	flue_canon_task_return(inst, &u32_t, &r, 1);
	return CB_EXIT;
}

static void core_producer2(void *user, struct flue_instance *inst, const flue_flat_t *args,
			   uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args;
	EX_EQ(n, 0);
	EX_EQ(flue_canon_thread_yield(inst, 0), 0);
	flue_flat_t r = 43;
	flue_canon_task_return(inst, &u32_t, &r, 1);
	res[0] = CB_EXIT;
}

static uint32_t producer_callback2(void *user, struct flue_instance *inst, uint32_t ev,
				   uint32_t p1, uint32_t p2)
{
	(void)user, (void)inst, (void)ev, (void)p1, (void)p2;
	EX_TRUE(false);
	return CB_EXIT;
}

static void core_tc_consumer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			     uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 0);
	uint8_t *mem = ex_mem(inst);

	uint32_t retp1 = 8;
	flue_flat_t a = retp1;
	uint64_t ret = flue_call_lowered(&low_p1, &a, 1);
	uint32_t subi1 = st_index(ret);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	EX_EQ(subi1, 1);

	/* (adapted: let the host start producer2, which runs us from its
	 * nested loop while it holds the producer's lock) */
	EX_EQ(flue_canon_thread_yield(inst, 0), 0);
	EX_EQ(ex.store.instances[producer2.inst->id].exclusive != FLUE_TASK_NONE, true);

	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi1), FLUE_BLOCKED);

	uint32_t retp3 = 16;
	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, subi1, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, retp3), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ex_ld32(inst, retp3), subi1);
	EX_EQ(ex_ld32(inst, retp3 + 4), FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[retp1], 42);

	flue_canon_task_return(inst, 0, 0, 0);
	consumer_done = true;
}

static bool resolved_c;
static void on_resolve_consumer(void *user, const struct flue_values *r)
{
	(void)user;
	resolved_c = r != 0 && r->n == 0;
}

FT_TEST(thread_cancel_callback)
{
	ex_setup();
	resolved = resolved_c = consumer_done = false;
	struct flue_instance *root = ex_new(0);
	struct flue_instance *prod = ex_new(root);
	struct flue_instance *cons = ex_new(root);
	ex_lift(&producer1, prod, &producer_ft, FLUE_LIFT_CALLBACK, core_producer1,
		producer_callback1);
	ex_lift(&producer2, prod, &producer_ft, FLUE_LIFT_CALLBACK, core_producer2,
		producer_callback2);
	ex_lift(&tc_consumer, cons, &consumer_ft, FLUE_LIFT_STACKFUL, core_tc_consumer, 0);
	FT_EQ(flue_lower(&low_p1, &producer1, cons, true), 0);

	flue_call_t c1, c2;
	FT_EQ(flue_invoke(&tc_consumer, 0, 0, on_resolve_consumer, 0, &c1), 0);
	FT_FALSE(consumer_done);
	FT_EQ(flue_invoke(&producer2, 0, 0, on_resolve_u32, 0, &c2), 0);
	FT_TRUE(resolved);
	FT_EQ(got, 43);
	FT_FALSE(consumer_done);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(consumer_done);
	FT_TRUE(resolved_c);
}

/* The straight port, with a stack per task (as the reference's threads):
 * producer2 blocks in thread.yield inside its core function holding the
 * producer's lock, so its lower returns STARTED and the cancel of subi1
 * finds no candidate (PENDING_CANCEL, BLOCKED); producer1 then resumes with
 * (NONE, 0, 0) once producer2 exits, and returns 42. */
static struct flue_func tcs_consumer;
static struct flue_lowered low_s1, low_s2;

static void core_tcs_consumer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			      uint32_t n, flue_flat_t *res)
{
	(void)user, (void)args, (void)res;
	EX_EQ(n, 0);
	uint8_t *mem = ex_mem(inst);
	flue_flat_t retp1 = 8, retp2 = 12;
	uint64_t ret = flue_call_lowered(&low_s1, &retp1, 1);
	uint32_t subi1 = st_index(ret);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	ret = flue_call_lowered(&low_s2, &retp2, 1);
	uint32_t subi2 = st_index(ret);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, subi1), FLUE_BLOCKED);
	uint32_t retp3 = 16;
	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, subi1, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, retp3), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(mem[retp3], subi1);
	EX_EQ(mem[retp3 + 4], FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[retp1], 42);
	flue_canon_waitable_join(inst, subi2, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, CANC, seti, retp3), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(mem[retp3], subi2);
	EX_EQ(mem[retp3 + 4], FLUE_SUBTASK_RETURNED);
	EX_EQ(mem[retp2], 43);
	consumer_done = true;
}

FT_TEST(thread_cancel_callback_stack_per_task)
{
	ex_setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, true), 0);
	consumer_done = false;
	struct flue_instance *root = ex_new(0);
	struct flue_instance *prod = ex_new(root);
	ex_lift(&producer1, prod, &producer_ft, FLUE_LIFT_CALLBACK, core_producer1,
		producer_callback1);
	ex_lift(&producer2, prod, &producer_ft, FLUE_LIFT_CALLBACK, core_producer2,
		producer_callback2);
	struct flue_instance *cons = ex_new(root);
	/* lift_and_run(mk_opts(), ...): the consumer is sync-lifted */
	ex_lift(&tcs_consumer, cons, &consumer_ft, FLUE_LIFT_SYNC, core_tcs_consumer, 0);
	FT_EQ(flue_lower(&low_s1, &producer1, cons, true), 0);
	FT_EQ(flue_lower(&low_s2, &producer2, cons, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&tcs_consumer, 0, 0, on_resolve_consumer, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(consumer_done);
}

FT_SUITE(scenarios4, FT_CASE(cancel_subtask), FT_CASE(thread_cancel_callback),
	 FT_CASE(thread_cancel_callback_stack_per_task))
