/*
 * Where a cancellation request reaches the callee (#707, #716;
 * definitions.py @ 14087d73): a request on a task held at its entry gate
 * resolves it CANCELLED_BEFORE_STARTED at once, without guest code; on a
 * started task it is only marked pending and delivered as TASK_CANCELLED
 * (6, 0, 0) by its callback event loop: at the top of each turn (lock
 * still held), after a YIELD once the lock is free, in a WAIT once the lock
 * is free and the set has an event or a cancellation is pending
 * (cancellation first). wait / poll never report it, thread.yield returns
 * 0. In the conventions of wast2_common.h:
 *
 * - test/async/cancel-delivery.wast @ 14087d73, all three tests
 *   (`cancel_delivery_stack_per_task`; test 1 also on the single stack as
 *   `yield_until_cancel`). "deferred" and "pending-survives" block in a
 *   synchronous future.read in their core function and must hand STARTED
 *   back meanwhile: stack per task.
 * - test/async/cancel-and-exclusive-lock.wast @ 1af0b35e (test 1, also with
 *   a YIELD-parked task), and test 2 of d834f63 (#707's head; dropped from
 *   the file by 1af0b35e, still valid at 14087d73): a task held at the gate
 *   behind the lock is cancelled at once. The lock holders block in their
 *   core function: stack per task.
 * - `cancel_is_delivered_before_the_set_event` and
 *   `cancel_requested_during_callback_is_delivered_next` pin delivery
 *   points 4 and 2 (no wast of their own).
 */
#include "wast2_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static struct flue_valtype fut_unit;
static struct flue_functype ft_fut, ft_fut_u32, ft_fut2;

static void types(void)
{
	fut_unit = VT_FUTURE(ex.unit);
	ft_fut = (struct flue_functype){ .async = true, .nparams = 1, .params = &fut_unit };
	ft_fut_u32 = (struct flue_functype){ .async = true, .nparams = 1, .params = &fut_unit,
					     .result = &U32 };
}

CB(never_cb) { EX_TRUE(false); return EXIT; }

static struct flue_func f_yuc, f_def, f_ps, f_run, f_park, f_hold;
static struct flue_lowered l_yuc, l_def, l_ps, l_park, l_hold;
static bool cancelled;
static uint32_t spins;

/* --------------------------------------------------- cancel-delivery */

/* Test 1: delivered to a task parked after YIELD, at most once. */
CORE(yuc_core) { res[0] = YIELD; }
CB(yuc_cb) {
	if (ev == EV_TASK_CANCELLED) {
		EX_FALSE(cancelled);
		cancelled = true;
		return YIELD; /* the next event must be NONE */
	}
	EX_EQ(ev, EV_NONE);
	if (!cancelled) {
		if (++spins <= 4 * SPIN_MAX)
			return YIELD;
		EX_TRUE(false); /* never cancelled: give up */
		flue_canon_task_return(inst, 0, 0, 0);
		return EXIT;
	}
	flue_canon_task_cancel(inst);
	return EXIT;
}
/* Tests 2 and 3: a request arriving while blocked in a synchronous
 * future.read stays pending until the event loop. */
CORE(def_core) {
	EX_EQ(flue_canon_future_read(inst, ex.unit, 0, (uint32_t)args[0], 0), FLUE_COMPLETED);
	res[0] = WAIT | flue_canon_waitable_set_new(inst) << 4;
}
CB(expect_cancelled_cb) {
	EX_EQ(ev, EV_TASK_CANCELLED);
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(ps_core) {
	EX_EQ(flue_canon_future_read(inst, ex.unit, 0, (uint32_t)args[0], 0), FLUE_COMPLETED);
	EX_EQ(flue_canon_thread_yield(inst), 0);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	EX_EQ(flue_canon_waitable_set_poll(inst, ws, 0), EV_NONE);
	res[0] = WAIT | ws << 4;
}

static void cancel_yielder(struct flue_instance *inst)
{
	uint32_t ret = c0(&l_yuc);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub = st_index(ret);
	/* two more turns of its loop to resolve: eager or BLOCKED */
	uint32_t r = flue_canon_subtask_cancel(inst, ASYNC, sub);
	if (r == FLUE_BLOCKED) {
		await_sub(inst, sub, CANCELLED_BEFORE_RETURNED);
	} else {
		EX_EQ(r, CANCELLED_BEFORE_RETURNED);
		flue_canon_subtask_drop(inst, sub);
	}
}
static void cancel_blocked(struct flue_instance *inst, const struct flue_lowered *l)
{
	uint32_t futr, futw;
	fut_new(inst, &futr, &futw);
	uint32_t ret = c1(l, futr);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub = st_index(ret);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub), FLUE_BLOCKED);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0), FLUE_COMPLETED);
	await_sub(inst, sub, CANCELLED_BEFORE_RETURNED);
}
static bool run_all;
CORE(cd_run) {
	cancel_yielder(inst);
	if (run_all) {
		cancel_blocked(inst, &l_def);
		cancel_blocked(inst, &l_ps);
	}
	res[0] = 42;
}

static void cancel_delivery(bool spt, bool all)
{
	setup2(spt);
	types();
	cancelled = false;
	spins = 0;
	run_all = all;
	struct flue_instance *c = inst_new(), *d = inst_new();
	lift_lower(&f_yuc, &l_yuc, c, &ft_async, FLUE_LIFT_CALLBACK, yuc_core, yuc_cb, d, true);
	lift_lower(&f_def, &l_def, c, &ft_fut, FLUE_LIFT_CALLBACK, def_core, expect_cancelled_cb,
		   d, true);
	lift_lower(&f_ps, &l_ps, c, &ft_fut, FLUE_LIFT_CALLBACK, ps_core, expect_cancelled_cb, d,
		   true);
	ex_lift(&f_run, d, &ft_async_u32, FLUE_LIFT_SYNC, cd_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(cancelled);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	ex_done();
}

FT_TEST(yield_until_cancel) { cancel_delivery(false, false); }
FT_TEST(cancel_delivery_stack_per_task) { cancel_delivery(true, true); }

/* ------------------------------------------ cancel-and-exclusive-lock */

/* Test 1: `park` waits in its event loop on an empty set (WAIT) or yields
 * (YIELD); `hold-lock` holds C's lock while blocked in its core function.
 * The cancel of `park` stays pending (BLOCKED); once hold-lock exits and
 * frees the lock, park must get TASK_CANCELLED although its set is empty. */
static bool park_yields, requested;

CORE(park_core) {
	res[0] = park_yields ? YIELD : WAIT | flue_canon_waitable_set_new(inst) << 4;
}
CB(park_cb) {
	if (park_yields && ev == EV_NONE && ++spins <= 4 * SPIN_MAX) {
		EX_FALSE(requested); /* after it: TASK_CANCELLED, not NONE */
		return YIELD;
	}
	EX_EQ(ev, EV_TASK_CANCELLED);
	cancelled = true;
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(hold_core) {
	uint32_t futr = (uint32_t)args[0];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, futr, ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 0), EV_FUTURE_READ);
	ret_u32(inst, 43);
	res[0] = EXIT;
}
CORE(cl_run) {
	uint32_t ret = c1(&l_park, 0);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub_park = st_index(ret);
	uint32_t futr, futw;
	fut_new(inst, &futr, &futw);
	ret = c2(&l_hold, futr, 4);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub_hold = st_index(ret);
	requested = true;
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub_park), FLUE_BLOCKED);
	EX_FALSE(cancelled);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0), FLUE_COMPLETED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, sub_park, ws);
	wait_ev(inst, ws, 8, EV_SUBTASK, sub_park, CANCELLED_BEFORE_RETURNED);
	flue_canon_subtask_drop(inst, sub_park);
	flue_canon_waitable_join(inst, sub_hold, ws);
	wait_ev(inst, ws, 8, EV_SUBTASK, sub_hold, RETURNED);
	EX_EQ(ld32(inst, 4), 43);
	flue_canon_subtask_drop(inst, sub_hold);
	res[0] = 42;
}

static void exclusive_lock(bool yields)
{
	setup2(true);
	types();
	park_yields = yields;
	cancelled = requested = false;
	spins = 0;
	struct flue_instance *c = inst_new(), *d = inst_new();
	lift_lower(&f_park, &l_park, c, &ft_async_u32, FLUE_LIFT_CALLBACK, park_core, park_cb, d,
		   true);
	lift_lower(&f_hold, &l_hold, c, &ft_fut_u32, FLUE_LIFT_CALLBACK, hold_core, never_cb, d,
		   true);
	ex_lift(&f_run, d, &ft_async_u32, FLUE_LIFT_SYNC, cl_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(cancelled);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	ex_done();
}

FT_TEST(cancel_waiting_callback_after_lock_frees_stack_per_task) { exclusive_lock(false); }
FT_TEST(cancel_yielding_callback_after_lock_frees_stack_per_task) { exclusive_lock(true); }

/* Test 2 (d834f63): `hold-lock` is async-typed and sync-lifted, so it holds
 * the lock for the whole call; `never-runs` waits at the gate and its
 * cancel resolves at once, CANCELLED_BEFORE_STARTED, without guest code. */
static bool never_ran;

CORE(hold2_core) {
	uint32_t futr = (uint32_t)args[0];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, futr, ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 0), EV_FUTURE_READ);
	res[0] = 44;
}
CORE(never_runs) { never_ran = true; res[0] = EXIT; }
CORE(gt_run) {
	uint32_t futr, futw;
	fut_new(inst, &futr, &futw);
	uint32_t ret = c2(&l_hold, futr, 0);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub_hold = st_index(ret);
	ret = c1(&l_park, 4);
	EX_EQ(st_state(ret), STARTING);
	uint32_t sub_never = st_index(ret);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub_never), CANCELLED_BEFORE_STARTED);
	flue_canon_subtask_drop(inst, sub_never);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0), FLUE_COMPLETED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, sub_hold, ws);
	wait_ev(inst, ws, 8, EV_SUBTASK, sub_hold, RETURNED);
	EX_EQ(ld32(inst, 0), 44);
	flue_canon_subtask_drop(inst, sub_hold);
	res[0] = 42;
}

FT_TEST(cancel_at_gate_while_lock_held_stack_per_task)
{
	setup2(true);
	types();
	never_ran = false;
	struct flue_instance *c = inst_new(), *d = inst_new();
	lift_lower(&f_hold, &l_hold, c, &ft_fut_u32, FLUE_LIFT_SYNC, hold2_core, 0, d, true);
	lift_lower(&f_park, &l_park, c, &ft_async_u32, FLUE_LIFT_CALLBACK, never_runs, never_cb,
		   d, true);
	ex_lift(&f_run, d, &ft_async_u32, FLUE_LIFT_SYNC, gt_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_FALSE(never_ran);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	ex_done();
}

/* --------------------------- WAIT: the cancellation comes before the event */

/* C.f(fut) parks WAIT on a set whose future read is then completed; the
 * request comes after, before f runs again: its next event is
 * TASK_CANCELLED, then (WAIT again) the FUTURE_READ. */
static uint32_t order[2], norder, ce_ws;

CORE(ce_f) {
	uint32_t futr = (uint32_t)args[0];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0), FLUE_BLOCKED);
	ce_ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, futr, ce_ws);
	res[0] = WAIT | ce_ws << 4;
}
CB(ce_f_cb) {
	if (norder < 2)
		order[norder++] = ev;
	if (ev == EV_TASK_CANCELLED)
		return WAIT | ce_ws << 4;
	EX_EQ(ev, EV_FUTURE_READ);
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(ce_run) {
	uint32_t futr, futw;
	fut_new(inst, &futr, &futw);
	uint32_t ret = c1(&l_park, futr);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub = st_index(ret);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0), FLUE_COMPLETED);
	uint32_t r = flue_canon_subtask_cancel(inst, ASYNC, sub);
	if (r == FLUE_BLOCKED) {
		await_sub(inst, sub, CANCELLED_BEFORE_RETURNED);
	} else {
		EX_EQ(r, CANCELLED_BEFORE_RETURNED);
		flue_canon_subtask_drop(inst, sub);
	}
	res[0] = 42;
}

static void cancel_before_event(bool spt)
{
	setup2(spt);
	types();
	norder = 0;
	struct flue_instance *c = inst_new(), *d = inst_new();
	lift_lower(&f_park, &l_park, c, &ft_fut, FLUE_LIFT_CALLBACK, ce_f, ce_f_cb, d, true);
	ex_lift(&f_run, d, &ft_async_u32, FLUE_LIFT_SYNC, ce_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_EQ(norder, 2);
	FT_EQ(order[0], EV_TASK_CANCELLED);
	FT_EQ(order[1], EV_FUTURE_READ);
	FT_TRUE(r.done && r.has && r.v == 42);
	ex_done();
}

FT_TEST(cancel_is_delivered_before_the_set_event) { cancel_before_event(false); }
FT_TEST(cancel_is_delivered_before_the_set_event_stack_per_task) { cancel_before_event(true); }

/* ------------- top of the callback loop: a request made while the callback
 * runs (the lock held) is delivered as its next event, before the set it
 * returned WAIT on (which has an event by then) is looked at. The request
 * comes from D, re-entered through a sync-typed export while D.run yields:
 * C.f's callback (event A) starts a read of B, calls D.cancel_it, which
 * completes B and cancels f (BLOCKED: f is on the stack), and returns WAIT:
 * the next event is TASK_CANCELLED, then B's FUTURE_READ. */
static uint32_t fsub, fb_r, fb_w, fws, cancel_ret;
static bool f_done;
static struct flue_func f_cancel_it;
static struct flue_lowered l_cancel_it;

CORE(top_f) {
	uint32_t fa = (uint32_t)args[0];
	fb_r = (uint32_t)args[1];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, fa, 0), FLUE_BLOCKED);
	fws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, fa, fws);
	res[0] = WAIT | fws << 4;
}
CB(top_f_cb) {
	if (norder < 2)
		order[norder++] = ev;
	if (norder == 1) { /* A's FUTURE_READ */
		EX_EQ(ev, EV_FUTURE_READ);
		EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, fb_r, 0), FLUE_BLOCKED);
		flue_canon_waitable_join(inst, fb_r, fws);
		(void)c0(&l_cancel_it);
		return WAIT | fws << 4;
	}
	if (ev == EV_TASK_CANCELLED)
		return WAIT | fws << 4;
	EX_EQ(ev, EV_FUTURE_READ);
	EX_EQ(p1, fb_r);
	flue_canon_task_cancel(inst);
	f_done = true;
	return EXIT;
}
CORE(top_cancel_it) {
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, fb_w, 0), FLUE_COMPLETED);
	cancel_ret = flue_canon_subtask_cancel(inst, ASYNC, fsub);
}
CORE(top_run) {
	uint32_t a_r, a_w;
	fut_new(inst, &a_r, &a_w);
	fut_new(inst, &fb_r, &fb_w);
	uint32_t ret = c2(&l_park, a_r, fb_r);
	EX_EQ(st_state(ret), STARTED);
	fsub = st_index(ret);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, a_w, 0), FLUE_COMPLETED);
	for (uint32_t i = 0; i < SPIN_MAX && !f_done; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_TRUE(f_done);
	await_sub(inst, fsub, CANCELLED_BEFORE_RETURNED);
	res[0] = 42;
}

FT_TEST(cancel_requested_during_callback_is_delivered_next)
{
	setup2(false);
	types();
	norder = 0;
	f_done = false;
	cancel_ret = 0;
	ft_fut2 = (struct flue_functype){ .async = true, .nparams = 2 };
	static struct flue_valtype two[2];
	two[0] = two[1] = VT_FUTURE(ex.unit);
	ft_fut2.params = two;
	struct flue_instance *c = inst_new(), *d = inst_new();
	lift_lower(&f_park, &l_park, c, &ft_fut2, FLUE_LIFT_CALLBACK, top_f, top_f_cb, d, true);
	lift_lower(&f_cancel_it, &l_cancel_it, d, &ft_sync, FLUE_LIFT_SYNC, top_cancel_it, 0, c,
		   false);
	ex_lift(&f_run, d, &ft_async_u32, FLUE_LIFT_SYNC, top_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_EQ(cancel_ret, FLUE_BLOCKED);
	FT_EQ(norder, 2);
	FT_EQ(order[0], EV_FUTURE_READ);
	FT_EQ(order[1], EV_TASK_CANCELLED);
	FT_TRUE(r.done && r.has && r.v == 42);
	ex_done();
}

/* ---- the top of a turn delivers before the set is looked at
 * (definitions.py @ 14087d73, canon_lift's callback loop: deliver_pending_
 * cancel() comes before `inst.handles.get(si)` and its trap_if): C.f's
 * callback has D.h cancel f's own subtask, then returns WAIT on index 99,
 * which names no waitable set. The pending cancellation is delivered at
 * once, so nothing traps; without it the WAIT would trap NOT_A_SET. */

static struct flue_func f_nos, f_nos_h, f_nos_run;
static struct flue_lowered l_nos, l_nos_h;
static uint32_t nos_sub, nos_cancel_ret, nos_turns;
static bool nos_cancelled;

CORE(nos_core) { res[0] = YIELD; }
CB(nos_cb) {
	nos_turns++;
	if (ev == EV_NONE) {
		(void)c0(&l_nos_h); /* D.h: subtask.cancel of this very task */
		return WAIT | 99u << 4;
	}
	EX_EQ(ev, EV_TASK_CANCELLED);
	nos_cancelled = true;
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(nos_h) { nos_cancel_ret = flue_canon_subtask_cancel(inst, ASYNC, nos_sub); }
CORE(nos_run) {
	uint32_t ret = c0(&l_nos);
	EX_EQ(st_state(ret), STARTED);
	nos_sub = st_index(ret);
	for (uint32_t i = 0; i < SPIN_MAX && !nos_cancelled; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	await_sub(inst, nos_sub, CANCELLED_BEFORE_RETURNED);
	res[0] = 42;
}

FT_TEST(cancel_is_delivered_before_the_wait_set_is_checked)
{
	setup2(false);
	nos_turns = nos_cancel_ret = 0;
	nos_cancelled = false;
	struct flue_instance *c = inst_new(), *d = inst_new();
	lift_lower(&f_nos, &l_nos, c, &ft_async, FLUE_LIFT_CALLBACK, nos_core, nos_cb, d, true);
	lift_lower(&f_nos_h, &l_nos_h, d, &ft_sync, FLUE_LIFT_SYNC, nos_h, 0, c, false);
	ex_lift(&f_nos_run, d, &ft_async_u32, FLUE_LIFT_SYNC, nos_run, 0);
	struct res r;
	invoke(&f_nos_run, &r);
	drive(&r);
	FT_EQ(ex.ntraps, 0);
	/* f was running its callback: nothing to resume, the request pends */
	FT_EQ(nos_cancel_ret, FLUE_BLOCKED);
	FT_TRUE(nos_cancelled);
	FT_EQ(nos_turns, 2);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	ex_done();
}

FT_SUITE(cancel_delivery, FT_CASE(yield_until_cancel), FT_CASE(cancel_delivery_stack_per_task),
	 FT_CASE(cancel_waiting_callback_after_lock_frees_stack_per_task),
	 FT_CASE(cancel_yielding_callback_after_lock_frees_stack_per_task),
	 FT_CASE(cancel_at_gate_while_lock_held_stack_per_task),
	 FT_CASE(cancel_is_delivered_before_the_set_event),
	 FT_CASE(cancel_is_delivered_before_the_set_event_stack_per_task),
	 FT_CASE(cancel_requested_during_callback_is_delivered_next),
	 FT_CASE(cancel_is_delivered_before_the_wait_set_is_checked))
