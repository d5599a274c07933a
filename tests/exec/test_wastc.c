/*
 * test/async/wait-during-callback.wast and deadlock.wast, and the
 * executor's task rules (definitions.py @ 6d28164: canon_lift's callback
 * loop, unpack_callback_result, Task.return_ / cancel /
 * exit_implicit_thread, context.get/set, enter_implicit_thread under
 * backpressure), in the conventions of test_wast.c.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"




CB(never_cb) { EX_TRUE(false); return EXIT; }

/* ----------------------------------------------- wait-during-callback */

static struct flue_func wdc;
CORE(wdc_run) {
	uint64_t fn = flue_canon_future_new(inst, ex.unit);
	uint32_t futr = (uint32_t)fn, futw = (uint32_t)(fn >> 32);
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0xdeadbeefu), FLUE_BLOCKED);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0xdeadbeefu), FLUE_COMPLETED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, futr, ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 0), FLUE_EVENT_CODE_FUTURE_READ);
	EX_EQ(ld32(inst, 0), futr);
	ret_u32(inst, 42);
	res[0] = EXIT;
}

FT_TEST(wait_during_callback)
{
	ex_setup();
	struct flue_instance *c = ex_new();
	ex_lift(&wdc, c, &ft_async_u32, FLUE_LIFT_CALLBACK, wdc_run, never_cb);
	struct res r;
	invoke(&wdc, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ----------------------------------------------------------- deadlock */

static struct flue_func dl_f, dl_g;
static struct flue_lowered l_dl_f;

CORE(dl_f_core) { res[0] = WAIT | flue_canon_waitable_set_new(inst) << 4; }
CORE(dl_g_core) {
	uint32_t sub = st_index(c1(&l_dl_f, 0));
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, sub, ws);
	(void)flue_canon_waitable_set_wait(inst, ws, 0);
	EX_TRUE(false);
}

FT_TEST(deadlock)
{
	ex_setup();
	struct flue_instance *c = ex_new(), *d = ex_new();
	ex_lift(&dl_f, c, &ft_async_u32, FLUE_LIFT_CALLBACK, dl_f_core, never_cb);
	ex_lift(&dl_g, d, &ft_async_u32, FLUE_LIFT_SYNC, dl_g_core, 0);
	FT_EQ(flue_lower(&l_dl_f, &dl_f, d, true), 0);
	struct res r;
	invoke(&dl_g, &r);
	/* "deadlock detected: event loop cannot make further progress": D's
	 * sync-lifted code blocks in a nested loop, which traps D. */
	trapped(d, FLUE_TRAP_DEADLOCK);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_DEADLOCK);
	FT_TRUE(ex.trap_inst == d);
	FT_TRUE(r.done && !r.has);
	FT_FALSE(c->poisoned);
	/* C.f's task still waits on its empty set, and nothing can fill it. */
	FT_EQ(ex_run(), FLUE_EDEADLK);
	ex_done();
}

/* ---------------------------------------------------------- task traps */

/* Each variant: a callback-lifted (or stackful) export that must trap
 * `reason`, from its core function (`in_cb` false) or its callback. */
enum { T_CODE3, T_NOT_A_SET, T_NOT_A_SET_ZERO, T_EXIT_UNRESOLVED, T_STACKFUL_UNRESOLVED,
       T_RETURN_TWICE, T_CANCEL_EARLY };
static uint32_t t_kind;
static bool t_in_cb, t_last;

static uint32_t t_body(struct flue_instance *inst)
{
	t_last = true;
	switch (t_kind) {
	case T_CODE3: /* 3 was the removed POLL; the set bits do not matter */
		return 3u | 1u << 4;
	case T_NOT_A_SET: { /* a stream end, not a set */
		uint32_t r = (uint32_t)flue_canon_stream_new(inst, ex.u8);
		return WAIT | r << 4;
	}
	case T_NOT_A_SET_ZERO:
		return WAIT;
	case T_EXIT_UNRESOLVED:
		return EXIT;
	case T_RETURN_TWICE:
		ret_u32(inst, 1);
		ret_u32(inst, 2);
		break;
	default: /* T_CANCEL_EARLY: no cancellation was delivered */
		flue_canon_task_cancel(inst);
		break;
	}
	EX_TRUE(false);
	return EXIT;
}
CORE(t_core) { res[0] = t_in_cb ? YIELD : t_body(inst); }
CB(t_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_NONE);
	return t_body(inst);
}
CORE(t_stackful) { t_last = true; }

FT_TEST(task_traps)
{
	static const struct { uint32_t kind; bool in_cb; enum flue_trap_reason why; } cases[] = {
		{ T_CODE3, false, FLUE_TRAP_CALLBACK_CODE },
		{ T_CODE3, true, FLUE_TRAP_CALLBACK_CODE },
		{ T_NOT_A_SET, false, FLUE_TRAP_NOT_A_SET },
		/* index 0 is no handle: the table lookup fails first (Table.get) */
		{ T_NOT_A_SET_ZERO, true, FLUE_TRAP_BAD_HANDLE },
		{ T_EXIT_UNRESOLVED, false, FLUE_TRAP_EXIT_UNRESOLVED },
		{ T_EXIT_UNRESOLVED, true, FLUE_TRAP_EXIT_UNRESOLVED },
		{ T_STACKFUL_UNRESOLVED, false, FLUE_TRAP_EXIT_UNRESOLVED },
		{ T_RETURN_TWICE, false, FLUE_TRAP_ALREADY_RESOLVED },
		{ T_RETURN_TWICE, true, FLUE_TRAP_ALREADY_RESOLVED },
		{ T_CANCEL_EARLY, false, FLUE_TRAP_CANCEL_NOT_DELIVERED },
		{ T_CANCEL_EARLY, true, FLUE_TRAP_CANCEL_NOT_DELIVERED },
	};
	for (uint32_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ex_setup();
		t_kind = cases[i].kind;
		t_in_cb = cases[i].in_cb;
		t_last = false;
		struct flue_instance *x = ex_new();
		struct flue_func f;
		if (t_kind == T_STACKFUL_UNRESOLVED)
			ex_lift(&f, x, &ft_async_u32, FLUE_LIFT_STACKFUL, t_stackful, 0);
		else
			ex_lift(&f, x, &ft_async_u32, FLUE_LIFT_CALLBACK, t_core, t_cb);
		struct res r;
		invoke(&f, &r);
		FT_EQ(ex_run(), 0);
		FT_TRUE(t_last);
		FT_TRUE(x->poisoned);
		FT_EQ(x->trap_reason, cases[i].why);
		FT_EQ(ex.ntraps, 1);
		FT_EQ(ex.trap, cases[i].why);
		FT_TRUE(ex.trap_inst == x);
		FT_TRUE(r.done);
		/* task.return twice: the first value was delivered */
		FT_EQ(r.has, t_kind == T_RETURN_TWICE);
		if (r.has)
			FT_EQ(r.v, 1);
		ex_done();
	}
}

/* ------------------------------------------------------ context slots */

static uint32_t ctx_calls;
CORE(ctx_core) {
	EX_EQ(flue_canon_context_get(inst, 0), 0);
	EX_EQ(flue_canon_context_get(inst, 1), 0);
	uint32_t k = ++ctx_calls;
	flue_canon_context_set(inst, 0, 100 + k);
	flue_canon_context_set(inst, 1, 200 + k);
	res[0] = YIELD;
}
CB(ctx_cb) {
	uint32_t a = flue_canon_context_get(inst, 0);
	EX_EQ(flue_canon_context_get(inst, 1), a + 100);
	ret_u32(inst, a);
	return EXIT;
}
CORE(ctx_stackful) {
	EX_EQ(flue_canon_context_get(inst, 0), 0);
	EX_EQ(flue_canon_context_get(inst, 1), 0);
	flue_canon_context_set(inst, 1, 7);
	(void)flue_canon_thread_yield(inst);
	EX_EQ(flue_canon_context_get(inst, 1), 7);
	ret_u32(inst, flue_canon_context_get(inst, 0));
}

FT_TEST(context_slots_zeroed_per_call)
{
	ex_setup();
	ctx_calls = 0;
	struct flue_instance *x = ex_new();
	struct flue_func f, g;
	ex_lift(&f, x, &ft_async_u32, FLUE_LIFT_CALLBACK, ctx_core, ctx_cb);
	ex_lift(&g, x, &ft_async_u32, FLUE_LIFT_STACKFUL, ctx_stackful, 0);
	struct res r1, r2, r3, r4;
	invoke(&f, &r1); /* both parked: each keeps its own slots */
	invoke(&f, &r2);
	FT_EQ(ex_run(), 0);
	invoke(&f, &r3); /* a later call starts from zeros again */
	invoke(&g, &r4);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r1.done && r2.done && r3.done && r4.done);
	FT_EQ(r1.v, 101);
	FT_EQ(r2.v, 102);
	FT_EQ(r3.v, 103);
	FT_EQ(r4.v, 0);
	ex_done();
}

/* ------------------------------------------------------- backpressure */

/*
 * Calls that arrive under backpressure are held in STARTING and run no
 * guest code; backpressure.dec to 0 only makes them ready (none starts
 * inside dec). The two held calls need C's exclusive lock: the first one
 * admitted holds it while it blocks, so the second stays held (no herd)
 * until the first exits.
 */
static struct flue_func bp_inc, bp_dec, bp_work, bp_run;
static struct flue_lowered bl_work, bl_dec;
static uint32_t entered, active;
static bool release, bp_end;

static bool is_released(void *a) { return release; }
CORE(bp_inc_core) { flue_canon_backpressure_inc(inst); }
CORE(bp_dec_core) { flue_canon_backpressure_dec(inst); }
CORE(bp_work_core) {
	entered++;
	EX_EQ(++active, 1);
	(void)flue_wait_until(&ex.store, is_released, 0, false); /* holds the lock */
	active--;
	ret_u32(inst, entered);
	res[0] = EXIT;
}
static void expect_event(struct flue_instance *inst, uint32_t ws, uint32_t sub, uint32_t state)
{
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 8), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ld32(inst, 8), sub);
	EX_EQ(ld32(inst, 12), state);
}
CORE(bp_run_core) {
	EX_EQ(flue_call_lowered(&bl_work, (flue_flat_t[]){ 0 }, 1), FLUE_SUBTASK_STARTING | 1u << 4);
	EX_EQ(flue_call_lowered(&bl_work, (flue_flat_t[]){ 4 }, 1), FLUE_SUBTASK_STARTING | 2u << 4);
	EX_EQ(entered, 0);
	(void)flue_call_lowered(&bl_dec, 0, 0); /* sync-typed: barges in */
	EX_EQ(entered, 0);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	EX_EQ(ws, 3);
	flue_canon_waitable_join(inst, 1, ws);
	flue_canon_waitable_join(inst, 2, ws);
	expect_event(inst, ws, 1, FLUE_SUBTASK_STARTED);
	EX_EQ(entered, 1); /* the second call is still held */
	release = true;
	expect_event(inst, ws, 1, FLUE_SUBTASK_RETURNED);
	expect_event(inst, ws, 2, FLUE_SUBTASK_RETURNED);
	EX_EQ(ld32(inst, 0), 1); /* the first returned before the second entered */
	EX_EQ(ld32(inst, 4), 2);
	flue_canon_subtask_drop(inst, 1);
	flue_canon_subtask_drop(inst, 2);
	bp_end = true;
	flue_canon_task_return(inst, 0, 0, 0);
}

FT_TEST(backpressure_holds_and_admits_one_at_a_time)
{
	ex_setup();
	entered = active = 0;
	release = bp_end = false;
	struct flue_instance *c = ex_new(), *d = ex_new();
	ex_lift(&bp_inc, c, &ft_sync, FLUE_LIFT_SYNC, bp_inc_core, 0);
	ex_lift(&bp_dec, c, &ft_sync, FLUE_LIFT_SYNC, bp_dec_core, 0);
	ex_lift(&bp_work, c, &ft_async_u32, FLUE_LIFT_CALLBACK, bp_work_core, never_cb);
	ex_lift(&bp_run, d, &ft_async, FLUE_LIFT_STACKFUL, bp_run_core, 0);
	FT_EQ(flue_lower(&bl_work, &bp_work, d, true), 0);
	FT_EQ(flue_lower(&bl_dec, &bp_dec, d, false), 0);
	struct res r;
	invoke(&bp_inc, &r);
	FT_TRUE(r.done);
	FT_EQ(c->backpressure, 1);
	invoke(&bp_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(bp_end);
	FT_TRUE(r.done && r.has);
	FT_EQ(entered, 2);
	ex_done();
}

FT_SUITE(wastc, FT_CASE(wait_during_callback), FT_CASE(deadlock), FT_CASE(task_traps),
	 FT_CASE(context_slots_zeroed_per_call),
	 FT_CASE(backpressure_holds_and_admits_one_at_a_time))
