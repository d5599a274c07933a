/*
 * subtask.cancel (definitions.py @ 14087d73 canon_subtask_cancel, #715,
 * #716, #723): traps in order (may_leave, not a subtask, resolution
 * delivered, already requested, in a waitable set: sync AND async); then,
 * if unresolved: request, mark a synchronous waiter (waitable.join on it
 * traps meanwhile), the sync form waits for resolution, the async form
 * resumes at least one ready thread of the callee's instance and returns
 * BLOCKED if still unresolved. Stackful and sync-lifted tasks never get the
 * cancellation, so their task.cancel traps. In the conventions of
 * wast2_common.h:
 *
 * - test/async/trap-if-sync-and-waitable-set.wast @ 14087d73 (#715), the
 *   subtask-cancel-{sync,async}-when-in-set cases (the others: the
 *   existing port wastb/trap_if_sync_and_waitable_set; c4e6843 differs from
 *   6d28164 in text syntax only and has no async case).
 * - test/async/cancel-instance-wide-resume.wast and cancel-yield-loop.wast
 *   @ ea917982 (#723).
 * - test/async/cancel-subtask.wast @ 6d28164 (unchanged by the PRs since;
 *   the stored f22dc1ff is an older version): `cancel_subtask_wast*`.
 * - the rest pins the rules above (no wast of their own; task.cancel in a
 *   stackful task with the cancellation still pending is what the unmerged
 *   cancel-not-delivered.wast (#725) checks).
 */
#include "wast2_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static struct flue_valtype fut_unit;
static struct flue_functype ft_fut, ft_fut_u32;

static void types(void)
{
	fut_unit = VT_FUTURE(ex.unit);
	ft_fut = (struct flue_functype){ .async = true, .nparams = 1, .params = &fut_unit };
	ft_fut_u32 = (struct flue_functype){ .async = true, .nparams = 1, .params = &fut_unit,
					     .result = &U32 };
}

CB(never_cb) { EX_TRUE(false); return EXIT; }
static void st32(struct flue_instance *i, uint32_t o, uint32_t v)
{
	for (uint32_t k = 0; k < 4; k++)
		ex_mem(i)[o + k] = (uint8_t)(v >> 8 * k);
}

static struct flue_func f_callee, f_other, f_run, f_run2;
static struct flue_lowered l_callee, l_other;
static uint32_t tcase, spins, sub1;
static bool last, cancelled, stop;

/* ------------------------------------------------------ trap order */

/* C.blocks-forever parks WAIT on an empty set; a delivered cancellation is
 * ignored (it waits again). C.yield-once returns after one YIELD. */
CORE(bf_core) { res[0] = WAIT | flue_canon_waitable_set_new(inst) << 4; }
CB(bf_cb) {
	EX_EQ(ev, EV_TASK_CANCELLED);
	return WAIT | flue_canon_waitable_set_new(inst) << 4;
}
CORE(yo_core) { res[0] = YIELD; }
CB(yo_cb) { ret_u32(inst, 7); return EXIT; }

enum { IN_SET_SYNC, IN_SET_ASYNC, TWICE_AND_IN_SET, DELIVERED_AND_IN_SET, NOT_A_SUBTASK,
       BAD_INDEX, NORDER };
static const enum flue_trap_reason order_why[NORDER] = {
	FLUE_TRAP_CANCEL_IN_SET, FLUE_TRAP_CANCEL_IN_SET, FLUE_TRAP_CANCEL_TWICE,
	FLUE_TRAP_SUBTASK_DELIVERED, FLUE_TRAP_WRONG_KIND, FLUE_TRAP_BAD_HANDLE,
};

CORE(order_main) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	const struct flue_lowered *l = tcase == DELIVERED_AND_IN_SET ? &l_other : &l_callee;
	uint32_t ret = c1(l, 0);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub = st_index(ret);
	switch (tcase) {
	case TWICE_AND_IN_SET:
		EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub), FLUE_BLOCKED);
		flue_canon_waitable_join(inst, sub, ws);
		break;
	case DELIVERED_AND_IN_SET:
		flue_canon_waitable_join(inst, sub, ws);
		wait_ev(inst, ws, 8, EV_SUBTASK, sub, RETURNED);
		break;
	case NOT_A_SUBTASK:
		sub = ws;
		break;
	case BAD_INDEX:
		sub = 99;
		break;
	default:
		flue_canon_waitable_join(inst, sub, ws);
	}
	last = true;
	(void)flue_canon_subtask_cancel(inst, tcase == IN_SET_SYNC ? 0 : ASYNC, sub);
	EX_TRUE(false);
}

FT_TEST(subtask_cancel_trap_order)
{
	for (uint32_t c = 0; c < NORDER; c++) {
		setup2(false);
		tcase = c;
		last = false;
		struct flue_instance *m = inst_new(), *ci = inst_new();
		lift_lower(&f_callee, &l_callee, ci, &ft_async_u32, FLUE_LIFT_CALLBACK, bf_core,
			   bf_cb, m, true);
		lift_lower(&f_other, &l_other, ci, &ft_async_u32, FLUE_LIFT_CALLBACK, yo_core,
			   yo_cb, m, true);
		ex_lift(&f_run, m, &ft_async, FLUE_LIFT_SYNC, order_main, 0);
		struct res r;
		invoke(&f_run, &r);
		print_message("case %u\n", (unsigned)c);
		FT_TRUE(last);
		first_trap(m, order_why[c]);
		FT_TRUE(r.done && !r.has);
		FT_FALSE(ci->poisoned);
		ex_done();
	}
}

/* ------------------- sync form: waits for the resolution, whatever it is */

/* A stackful callee never gets the cancellation: thread.yield keeps
 * returning 0 and it returns normally; the sync cancel reports RETURNED. */
CORE(sf_yields) {
	for (uint32_t i = 0; i < 3; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	ret_u32(inst, 7);
}
CORE(sw_main) {
	uint32_t ret = c1(&l_callee, 0);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub = st_index(ret);
	EX_EQ(flue_canon_subtask_cancel(inst, 0, sub), RETURNED);
	EX_EQ(ld32(inst, 0), 7);
	flue_canon_subtask_drop(inst, sub);
	res[0] = 42;
}

static void sync_cancel_waits(bool spt)
{
	setup2(spt);
	struct flue_instance *m = inst_new(), *ci = inst_new();
	lift_lower(&f_callee, &l_callee, ci, &ft_async_u32, FLUE_LIFT_STACKFUL, sf_yields, 0, m,
		   true);
	ex_lift(&f_run, m, &ft_async_u32, FLUE_LIFT_SYNC, sw_main, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has && r.v == 42);
	ex_done();
}

FT_TEST(sync_cancel_waits_for_resolution) { sync_cancel_waits(false); }
FT_TEST(sync_cancel_waits_for_resolution_stack_per_task) { sync_cancel_waits(true); }

/* ------ no delivery outside the callback loop: task.cancel traps (stackful:
 * CANCEL_NOT_DELIVERED; sync-lifted: NOT_ASYNC, definitions.py checks
 * opts.async_ first). wait, poll and thread.yield do not report the
 * pending cancellation. */
CORE(nd_callee) {
	uint32_t futr = (uint32_t)args[0];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, futr, ws);
	wait_ev(inst, ws, 0, EV_FUTURE_READ, futr, FLUE_COMPLETED);
	EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_EQ(flue_canon_waitable_set_poll(inst, ws, 0), EV_NONE);
	last = true;
	flue_canon_task_cancel(inst);
	EX_TRUE(false);
}
CORE(nd_main) {
	uint32_t futr, futw;
	fut_new(inst, &futr, &futw);
	uint32_t ret = c1(&l_callee, futr);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub = st_index(ret);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub), FLUE_BLOCKED);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0), FLUE_COMPLETED);
	/* the callee traps: flue resolves it without a value */
	await_sub(inst, sub, CANCELLED_BEFORE_RETURNED);
	res[0] = 42;
}

static void not_delivered(uint8_t kind, bool spt)
{
	setup2(spt);
	types();
	last = false;
	struct flue_instance *m = inst_new(), *ci = inst_new();
	lift_lower(&f_callee, &l_callee, ci, &ft_fut, kind, nd_callee, 0, m, true);
	ex_lift(&f_run, m, &ft_async_u32, FLUE_LIFT_SYNC, nd_main, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(last);
	first_trap(ci, kind == FLUE_LIFT_STACKFUL ? FLUE_TRAP_CANCEL_NOT_DELIVERED
						   : FLUE_TRAP_NOT_ASYNC);
	FT_EQ(ex.ntraps, 1);
	FT_FALSE(m->poisoned);
	FT_TRUE(r.done && r.has && r.v == 42);
	ex_done();
}

FT_TEST(stackful_never_gets_cancel) { not_delivered(FLUE_LIFT_STACKFUL, false); }
FT_TEST(stackful_never_gets_cancel_stack_per_task) { not_delivered(FLUE_LIFT_STACKFUL, true); }
FT_TEST(sync_lifted_never_gets_cancel_stack_per_task) { not_delivered(FLUE_LIFT_SYNC, true); }

/* ------ while a sync cancel waits, the subtask has a synchronous waiter:
 * another task of the caller's instance cannot join it. D.run1 cancels a
 * stackful callee that keeps yielding; D.run2 (sync-typed, so it needs no
 * lock) joins the subtask: trap. Stack per task: run1 must stay blocked
 * while the host calls run2. */
CORE(sj_callee) {
	for (uint32_t i = 0; i < 4 * SPIN_MAX && !stop; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	ret_u32(inst, 7);
}
CORE(sj_run1) {
	uint32_t ret = c1(&l_callee, 0);
	EX_EQ(st_state(ret), STARTED);
	sub1 = st_index(ret);
	(void)flue_canon_subtask_cancel(inst, 0, sub1);
}
CORE(sj_run2) {
	last = true;
	flue_canon_waitable_join(inst, sub1, flue_canon_waitable_set_new(inst));
	EX_TRUE(false);
}

FT_TEST(join_during_sync_cancel_traps_stack_per_task)
{
	setup2(true);
	last = stop = false;
	struct flue_instance *m = inst_new(), *ci = inst_new();
	lift_lower(&f_callee, &l_callee, ci, &ft_async_u32, FLUE_LIFT_STACKFUL, sj_callee, 0, m,
		   true);
	ex_lift(&f_run, m, &ft_async, FLUE_LIFT_SYNC, sj_run1, 0);
	ex_lift(&f_run2, m, &ft_sync, FLUE_LIFT_SYNC, sj_run2, 0);
	struct res r1, r2;
	invoke(&f_run, &r1);
	FT_FALSE(r1.done);
	invoke(&f_run2, &r2);
	drive(&r2);
	FT_TRUE(last);
	first_trap(m, FLUE_TRAP_SYNC_WAITER);
	FT_TRUE(r2.done && !r2.has);
	stop = true;
	(void)ex_run();
	FT_TRUE(r1.done && !r1.has);
	FT_FALSE(ci->poisoned);
	ex_done();
}

/* ------------------------------------------ cancel-instance-wide-resume */

/* The cancelled task (park) is not ready while hold-lock holds C's lock;
 * the cancel's resume must pick hold-lock, a thread of another task of
 * the callee's instance, which runs to completion (observed by polling). */
CORE(iw_park) { res[0] = WAIT | flue_canon_waitable_set_new(inst) << 4; }
CB(iw_park_cb) {
	EX_EQ(ev, EV_TASK_CANCELLED);
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(iw_hold) {
	uint32_t futr = (uint32_t)args[0];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, futr, ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 8), EV_FUTURE_READ);
	ret_u32(inst, 43);
	res[0] = EXIT;
}
CORE(iw_run) {
	uint32_t packed = c0(&l_callee);
	EX_EQ(st_state(packed), STARTED);
	uint32_t park_sub = st_index(packed);
	uint32_t futr, futw;
	fut_new(inst, &futr, &futw);
	packed = c2(&l_other, futr, 24);
	EX_EQ(st_state(packed), STARTED);
	uint32_t hold_sub = st_index(packed);
	uint32_t hold_ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, hold_sub, hold_ws);
	/* hold-lock is ready now, but nothing resumed it */
	EX_EQ(flue_canon_future_write(inst, ex.unit, 0, futw, 16), FLUE_COMPLETED);
	EX_EQ(flue_canon_waitable_set_poll(inst, hold_ws, 0), EV_NONE);
	uint32_t ret = flue_canon_subtask_cancel(inst, ASYNC, park_sub);
	/* hold-lock was resumed by the cancel and ran to completion */
	EX_EQ(flue_canon_waitable_set_poll(inst, hold_ws, 0), EV_SUBTASK);
	EX_EQ(ld32(inst, 0), hold_sub);
	EX_EQ(ld32(inst, 4), RETURNED);
	EX_EQ(ld32(inst, 24), 43);
	flue_canon_waitable_join(inst, hold_sub, 0);
	flue_canon_subtask_drop(inst, hold_sub);
	if (ret == FLUE_BLOCKED) { /* the lock is free now: blocking lets park get it */
		uint32_t park_ws = flue_canon_waitable_set_new(inst);
		flue_canon_waitable_join(inst, park_sub, park_ws);
		EX_EQ(flue_canon_waitable_set_wait(inst, park_ws, 0), EV_SUBTASK);
		EX_EQ(ld32(inst, 0), park_sub);
		ret = ld32(inst, 4);
		flue_canon_waitable_join(inst, park_sub, 0);
	}
	EX_EQ(ret, CANCELLED_BEFORE_RETURNED);
	flue_canon_subtask_drop(inst, park_sub);
	res[0] = 42;
}

FT_TEST(cancel_instance_wide_resume_stack_per_task)
{
	setup2(true);
	types();
	struct flue_instance *m = inst_new(), *ci = inst_new();
	lift_lower(&f_callee, &l_callee, ci, &ft_async, FLUE_LIFT_CALLBACK, iw_park, iw_park_cb,
		   m, true);
	lift_lower(&f_other, &l_other, ci, &ft_fut_u32, FLUE_LIFT_CALLBACK, iw_hold, never_cb, m,
		   true);
	ex_lift(&f_run, m, &ft_async_u32, FLUE_LIFT_SYNC, iw_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has && r.v == 42);
	ex_done();
}

/* --------------------------------------------------- cancel-yield-loop */

/* The callee yields until its future read completes, which the caller only
 * does after the cancel: the async cancel must give up (BLOCKED) rather
 * than resume the loop until it resolves. */
static uint32_t yl_ws;

CORE(yl_yielder) {
	uint32_t futr = (uint32_t)args[0];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0), FLUE_BLOCKED);
	yl_ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, futr, yl_ws);
	res[0] = YIELD;
}
CB(yl_yielder_cb) {
	if (ev == EV_TASK_CANCELLED) {
		EX_FALSE(cancelled);
		cancelled = true;
		return YIELD;
	}
	EX_EQ(ev, EV_NONE);
	if (flue_canon_waitable_set_poll(inst, yl_ws, 8) == EV_NONE) {
		if (++spins <= 4 * SPIN_MAX)
			return YIELD;
		EX_TRUE(false); /* the cancel kept resuming the loop: give up */
		flue_canon_task_return(inst, 0, 0, 0);
		return EXIT;
	}
	EX_TRUE(cancelled);
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(yl_run) {
	uint32_t futr, futw;
	fut_new(inst, &futr, &futw);
	uint32_t packed = c1(&l_callee, futr);
	EX_EQ(st_state(packed), STARTED);
	uint32_t sub = st_index(packed);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub), FLUE_BLOCKED);
	EX_EQ(flue_canon_future_write(inst, ex.unit, 0, futw, 16), FLUE_COMPLETED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, sub, ws);
	wait_ev(inst, ws, 0, EV_SUBTASK, sub, CANCELLED_BEFORE_RETURNED);
	flue_canon_waitable_join(inst, sub, 0);
	flue_canon_subtask_drop(inst, sub);
	res[0] = 42;
}

static void run_cancel_yield_loop(bool spt)
{
	setup2(spt);
	types();
	cancelled = false;
	spins = 0;
	struct flue_instance *m = inst_new(), *ci = inst_new();
	lift_lower(&f_callee, &l_callee, ci, &ft_fut, FLUE_LIFT_CALLBACK, yl_yielder,
		   yl_yielder_cb, m, true);
	ex_lift(&f_run, m, &ft_async_u32, FLUE_LIFT_SYNC, yl_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(cancelled);
	FT_TRUE(r.done && r.has && r.v == 42);
	ex_done();
}

FT_TEST(cancel_yield_loop) { run_cancel_yield_loop(false); }
FT_TEST(cancel_yield_loop_stack_per_task) { run_cancel_yield_loop(true); }

/* ------------------------------------------------------ cancel-subtask */

/* C.f parks WAIT on C's set; its async cancel completes eagerly with
 * CANCELLED_BEFORE_RETURNED (#723: the one resume reaches f, ready with
 * the cancellation pending) and writes no result. C.g (async-typed,
 * sync-lifted) blocks in waitable-set.wait on the same set: its cancel is
 * BLOCKED (never delivered), and it returns 42 once D writes the future.
 * g blocks in its core function while handing STARTED back: stack per task
 * (the single-stack test stops after f). */
static uint32_t cs_ws;
static bool cs_with_g;

CORE(cs_f) { res[0] = WAIT | cs_ws << 4; }
CB(cs_f_cb) {
	EX_EQ(ev, EV_TASK_CANCELLED);
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(cs_g) {
	uint32_t futr = (uint32_t)args[0];
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0xdeadbeefu), FLUE_BLOCKED);
	flue_canon_waitable_join(inst, futr, cs_ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, cs_ws, 0), EV_FUTURE_READ);
	res[0] = 42;
}
CORE(cs_run) {
	st32(inst, 4, 0xbad0bad0u);
	uint32_t ret = c1(&l_callee, 4);
	EX_EQ(st_state(ret), STARTED);
	uint32_t sub = st_index(ret);
	EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub), CANCELLED_BEFORE_RETURNED);
	EX_EQ(ld32(inst, 4), 0xbad0bad0u);
	flue_canon_subtask_drop(inst, sub);
	if (cs_with_g) {
		uint32_t futr, futw;
		fut_new(inst, &futr, &futw);
		st32(inst, 4, 0xbad0bad0u);
		st32(inst, 8, 0xbad0bad0u);
		ret = c2(&l_other, futr, 4);
		EX_EQ(st_state(ret), STARTED);
		sub = st_index(ret);
		EX_EQ(flue_canon_subtask_cancel(inst, ASYNC, sub), FLUE_BLOCKED);
		EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0xdeadbeefu),
		      FLUE_COMPLETED);
		uint32_t ws = flue_canon_waitable_set_new(inst);
		flue_canon_waitable_join(inst, sub, ws);
		wait_ev(inst, ws, 8, EV_SUBTASK, sub, RETURNED);
		EX_EQ(ld32(inst, 4), 42);
	}
	res[0] = 42;
}

static void cancel_subtask_wast(bool spt)
{
	setup2(spt);
	types();
	cs_with_g = spt;
	struct flue_instance *ci = inst_new(), *d = inst_new();
	cs_ws = flue_canon_waitable_set_new(ci);
	lift_lower(&f_callee, &l_callee, ci, &ft_async_u32, FLUE_LIFT_CALLBACK, cs_f, cs_f_cb, d,
		   true);
	lift_lower(&f_other, &l_other, ci, &ft_fut_u32, FLUE_LIFT_SYNC, cs_g, 0, d, true);
	ex_lift(&f_run, d, &ft_async_u32, FLUE_LIFT_SYNC, cs_run, 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has && r.v == 42);
	ex_done();
}

FT_TEST(cancel_subtask_wast_f) { cancel_subtask_wast(false); }
FT_TEST(cancel_subtask_wast_stack_per_task) { cancel_subtask_wast(true); }

FT_SUITE(cancel_subtask, FT_CASE(subtask_cancel_trap_order),
	 FT_CASE(sync_cancel_waits_for_resolution),
	 FT_CASE(sync_cancel_waits_for_resolution_stack_per_task),
	 FT_CASE(stackful_never_gets_cancel), FT_CASE(stackful_never_gets_cancel_stack_per_task),
	 FT_CASE(sync_lifted_never_gets_cancel_stack_per_task),
	 FT_CASE(join_during_sync_cancel_traps_stack_per_task),
	 FT_CASE(cancel_instance_wide_resume_stack_per_task), FT_CASE(cancel_yield_loop),
	 FT_CASE(cancel_yield_loop_stack_per_task), FT_CASE(cancel_subtask_wast_f),
	 FT_CASE(cancel_subtask_wast_stack_per_task))
