/*
 * test/async/reentrance.wast @ 22df2ca9 (#705: may_enter removed, so
 * re-entering an instance never traps), in the conventions of
 * wast2_common.h. The outer component's core instances ($m1, $m2, ...) are
 * one flue instance P; a nested component is an instance of its own; a
 * core function placed in a shared funcref table is called through the
 * lowered import it stands for. Instances made by a wast `start` function
 * (waitable-set.new) get that set from the test before the first call, at
 * the same index. The file at 22df2ca has three cases more than at c9504df
 * (#705's head): the two "reentrance between two sibling instances" cases
 * and "while 'subtask.cancel' is claiming the subtask ...". All tests run
 * on the single stack except `sibling_inner_blocks_stack_per_task`.
 *
 * Not ported:
 * - "A destructor is called reentrantly": resource.new / resource.drop and
 *   destructors; flue has no resources yet.
 * - "Reentrance between two sibling instances, where the outer sync task
 *   returns while a reentrant call's implicit thread is sitting ready":
 *   thread.new-indirect, thread.suspend-then-resume and
 *   thread.yield-then-resume; flue has no explicit threads.
 * - "... an outer sync call and an inner async call that blocks" uses
 *   thread.index / thread.suspend / thread.yield-then-resume: adapted as
 *   `sibling_inner_blocks_stack_per_task`, with the suspension replaced by a
 *   synchronous future.read that `run` completes (the resume-later) before
 *   yielding until `inner` has returned.
 */
#include "wast2_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static const struct flue_functype ft_sync_u32 = { .async = false, .result = &U32 };
static const struct flue_functype ft_u32_u32 = { .async = false, .nparams = 1, .params = &U32,
						 .result = &U32 };

CB(never_cb) { EX_TRUE(false); return EXIT; }

static struct flue_func fa, fb, fc, fd;
static struct flue_lowered la, lb, lc;
static uint32_t entered;

/* ------------------------------------------------- child-to-parent */

CORE(p_back) { entered++; res[0] = 5; }
CORE(c_go) { res[0] = c0(&la) + 1; }
CORE(p_run) {
	uint32_t r = c0(&lb);
	EX_EQ(entered, 1);
	res[0] = r;
}

FT_TEST(child_to_parent)
{
	setup2(false);
	entered = 0;
	struct flue_instance *p = inst_new(), *c = inst_new();
	lift_lower(&fa, &la, p, &ft_sync_u32, FLUE_LIFT_SYNC, p_back, 0, c, false);
	lift_lower(&fb, &lb, c, &ft_sync_u32, FLUE_LIFT_SYNC, c_go, 0, p, false);
	ex_lift(&fc, p, &ft_sync_u32, FLUE_LIFT_SYNC, p_run, 0);
	struct res r;
	invoke(&fc, &r);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 6);
	ex_done();
}

/* --------------------------------------------------- parent-to-child */

CORE(k_f) { res[0] = 11; }
CORE(o_g) { res[0] = c0(&la) + 1; }

FT_TEST(parent_to_child)
{
	setup2(false);
	struct flue_instance *o = inst_new(), *k = inst_new();
	lift_lower(&fa, &la, k, &ft_sync_u32, FLUE_LIFT_SYNC, k_f, 0, o, false);
	ex_lift(&fb, o, &ft_sync_u32, FLUE_LIFT_SYNC, o_g, 0);
	struct res r;
	invoke(&fb, &r);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 12);
	ex_done();
}

/* ------------------------------- mutual recursion via donut wrapping */

/* P.f(n) = n == 0 ? 100 : g(n - 1) + 1 (call_indirect to B.g, lowered
 * into P); B.g(n) = f(n) (P.f lowered into B). */
CORE(donut_f) {
	uint32_t n = (uint32_t)args[0];
	res[0] = n == 0 ? 100u : c1(&la, n - 1) + 1u;
}
CORE(donut_g) { res[0] = c1(&lb, args[0]); }

FT_TEST(donut_recursion)
{
	setup2(false);
	struct flue_instance *p = inst_new(), *b = inst_new();
	ex_lift(&fa, p, &ft_u32_u32, FLUE_LIFT_SYNC, donut_f, 0);
	lift_lower(&fb, &la, b, &ft_u32_u32, FLUE_LIFT_SYNC, donut_g, 0, p, false);
	lower(&lb, &fa, b, false);
	struct res r;
	invoke_arg(&fa, 3, &r); /* f(3) -> g(2) -> f(2) -> ... -> f(0) */
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 103);
	invoke_arg(&fa, 0, &r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 100);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ---------------------------------------- through a sibling instance */

/* P.run(n) = C1.f(n); C1.f(n) = n == 0 ? 100 : C2.g(n - 1) + 1;
 * C2.g(n) = P.fwd(n); P.fwd(n) = C1.f(n) (call_indirect). */
CORE(sib_run) { res[0] = c1(&la, args[0]); }
CORE(sib_fwd) { res[0] = c1(&la, args[0]); }
CORE(sib_f) {
	uint32_t n = (uint32_t)args[0];
	res[0] = n == 0 ? 100u : c1(&lb, n - 1) + 1u;
}
CORE(sib_g) { res[0] = c1(&lc, args[0]); }

FT_TEST(through_sibling)
{
	setup2(false);
	struct flue_instance *p = inst_new(), *c2 = inst_new(), *c1 = inst_new();
	lift_lower(&fa, &la, c1, &ft_u32_u32, FLUE_LIFT_SYNC, sib_f, 0, p, false);
	lift_lower(&fb, &lb, c2, &ft_u32_u32, FLUE_LIFT_SYNC, sib_g, 0, c1, false);
	lift_lower(&fc, &lc, p, &ft_u32_u32, FLUE_LIFT_SYNC, sib_fwd, 0, c2, false);
	ex_lift(&fd, p, &ft_u32_u32, FLUE_LIFT_SYNC, sib_run, 0);
	struct res r;
	invoke_arg(&fd, 2, &r);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 102);
	ex_done();
}

/* --------------- a non-async-typed export entered while the lock is held */

CORE(lk_s) { res[0] = 7; }
CORE(lk_mid) { res[0] = c0(&la) + 1; }
CORE(lk_a) { ret_u32(inst, c0(&lb)); res[0] = EXIT; } /* holds P's lock */

FT_TEST(sync_export_entered_while_lock_held)
{
	setup2(false);
	struct flue_instance *p = inst_new(), *c = inst_new();
	lift_lower(&fa, &la, p, &ft_sync_u32, FLUE_LIFT_SYNC, lk_s, 0, c, false);
	lift_lower(&fb, &lb, c, &ft_sync_u32, FLUE_LIFT_SYNC, lk_mid, 0, p, false);
	ex_lift(&fc, p, &ft_async_u32, FLUE_LIFT_CALLBACK, lk_a, never_cb);
	struct res r;
	invoke(&fc, &r);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 8);
	ex_done();
}

/* ------- a callback export re-entered waits on backpressure, then runs */

static uint32_t p_sub, c_sub;
static bool b_ran_early;

CORE(bp_b) { ret_u32(inst, 42); res[0] = EXIT; }
CORE(bp_c) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	uint32_t packed = c1(&la, 0);
	b_ran_early = st_state(packed) != STARTING; /* P's lock is held by a */
	EX_EQ(st_state(packed), STARTING);
	c_sub = st_index(packed);
	flue_canon_waitable_join(inst, c_sub, ws);
	res[0] = WAIT | ws << 4;
}
CB(bp_c_cb) {
	EX_EQ(ev, EV_SUBTASK);
	EX_EQ(p1, c_sub);
	EX_EQ(p2, RETURNED);
	flue_canon_subtask_drop(inst, c_sub);
	ret_u32(inst, ld32(inst, 0));
	return EXIT;
}
CORE(bp_a) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	uint32_t packed = c1(&lb, 0);
	EX_EQ(st_state(packed), STARTED);
	p_sub = st_index(packed);
	flue_canon_waitable_join(inst, p_sub, ws);
	res[0] = WAIT | ws << 4;
}
CB(bp_a_cb) {
	EX_EQ(ev, EV_SUBTASK);
	EX_EQ(p1, p_sub);
	EX_EQ(p2, RETURNED);
	flue_canon_subtask_drop(inst, p_sub);
	ret_u32(inst, ld32(inst, 0));
	return EXIT;
}

FT_TEST(callback_reentry_waits_on_backpressure)
{
	setup2(false);
	b_ran_early = false;
	struct flue_instance *p = inst_new(), *c = inst_new();
	lift_lower(&fa, &la, p, &ft_async_u32, FLUE_LIFT_CALLBACK, bp_b, never_cb, c, true);
	lift_lower(&fb, &lb, c, &ft_async_u32, FLUE_LIFT_CALLBACK, bp_c, bp_c_cb, p, true);
	ex_lift(&fc, p, &ft_async_u32, FLUE_LIFT_CALLBACK, bp_a, bp_a_cb);
	struct res r;
	invoke(&fc, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_FALSE(b_ran_early);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	ex_done();
}

/* ---------- the same cycle with a sync-ABI "a": it deadlocks, no trap on
 * re-entering. "a" (async-typed, sync-lifted) holds P's lock until it
 * returns, so "b" can never start: "deadlock detected". */

static bool dl_reached_wait;

CORE(dl_c) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	c_sub = st_index(c1(&la, 0));
	flue_canon_waitable_join(inst, c_sub, ws);
	res[0] = WAIT | ws << 4;
}
/* The wast's "c-cb" is unreachable (the store is gone after the trap).
 * flue runs on: P's held "b" resolves without a value, which C sees. */
CB(dl_c_cb) {
	EX_EQ(ev, EV_SUBTASK);
	EX_EQ(p1, c_sub);
	EX_TRUE(p2 == CANCELLED_BEFORE_STARTED || p2 == CANCELLED_BEFORE_RETURNED);
	flue_canon_subtask_drop(inst, c_sub);
	ret_u32(inst, 0);
	return EXIT;
}
CORE(dl_a) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	uint32_t sub = st_index(c1(&lb, 0));
	flue_canon_waitable_join(inst, sub, ws);
	dl_reached_wait = true;
	(void)flue_canon_waitable_set_wait(inst, ws, 8);
	EX_TRUE(false);
}

FT_TEST(sync_abi_cycle_deadlocks)
{
	setup2(false);
	dl_reached_wait = false;
	struct flue_instance *p = inst_new(), *c = inst_new();
	lift_lower(&fa, &la, p, &ft_async_u32, FLUE_LIFT_CALLBACK, bp_b, never_cb, c, true);
	lift_lower(&fb, &lb, c, &ft_async_u32, FLUE_LIFT_CALLBACK, dl_c, dl_c_cb, p, true);
	ex_lift(&fc, p, &ft_async_u32, FLUE_LIFT_SYNC, dl_a, 0);
	struct res r;
	invoke(&fc, &r);
	FT_TRUE(dl_reached_wait);
	first_trap(p, FLUE_TRAP_DEADLOCK);
	FT_TRUE(r.done && !r.has);
	(void)ex_run();
	FT_FALSE(c->poisoned);
	ex_done();
}

/* ------- subtask.cancel while the callee's instance is on the stack:
 * run (P) -> B.g (sync-typed, no lock) -> P.h: h cancels two subtasks of
 * B.f, both parked in their event loops; both report
 * CANCELLED_BEFORE_RETURNED (4) and neither blocks (0x404).
 *
 * The wast was written for #705's eager delivery (c9504df: the request
 * resumes the parked callback at once). Under definitions.py @ 14087d73
 * the request only marks the task pending; the async form's one yield
 * reaches B.f's ready callback only with #723 (a ready thread of the
 * callee's instance), and the sync form waits in h, a non-async-typed
 * export of P whose blocking may only run ready threads of P (none): the
 * wast's 4 needs the sync form to run the callee's ready thread as well.
 * r1 (sync form) and r2 (async form) are checked separately. */

static uint32_t s1, s2, bws, r1, r2;

CORE(cs_h) {
	r1 = flue_canon_subtask_cancel(inst, 0, s1);
	r2 = flue_canon_subtask_cancel(inst, ASYNC, s2);
	flue_canon_subtask_drop(inst, s1);
	flue_canon_subtask_drop(inst, s2);
	res[0] = r1 | r2 << 8;
}
CORE(cs_f) { res[0] = WAIT | bws << 4; }
CB(cs_f_cb) {
	EX_EQ(ev, EV_TASK_CANCELLED);
	flue_canon_task_cancel(inst);
	return EXIT;
}
CORE(cs_g) { res[0] = c0(&la); }
CORE(cs_run) {
	uint32_t p = c0(&lb);
	EX_EQ(st_state(p), STARTED);
	s1 = st_index(p);
	p = c0(&lb);
	EX_EQ(st_state(p), STARTED);
	s2 = st_index(p);
	EX_EQ(c0(&lc), 0x404);
	res[0] = 42;
}

FT_TEST(cancel_while_callee_instance_on_stack)
{
	setup2(false);
	r1 = r2 = 0;
	struct flue_instance *p = inst_new(), *b = inst_new();
	bws = flue_canon_waitable_set_new(b);
	lift_lower(&fa, &la, p, &ft_sync_u32, FLUE_LIFT_SYNC, cs_h, 0, b, false);
	lift_lower(&fb, &lb, b, &ft_async, FLUE_LIFT_CALLBACK, cs_f, cs_f_cb, p, true);
	lift_lower(&fc, &lc, b, &ft_sync_u32, FLUE_LIFT_SYNC, cs_g, 0, p, false);
	ex_lift(&fd, p, &ft_sync_u32, FLUE_LIFT_SYNC, cs_run, 0);
	struct res r;
	invoke(&fd, &r);
	FT_EQ(ex.ntraps, 0);
	FT_EQ(r1, CANCELLED_BEFORE_RETURNED);
	FT_EQ(r2, CANCELLED_BEFORE_RETURNED);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex_run(), 0);
	ex_done();
}

/* ------ while subtask.cancel claims the subtask, a reentrant call into the
 * cancelling instance cannot waitable.join it (has_sync_waiter): run (P)
 * cancels C.f; C.f's callback gets TASK_CANCELLED, task.cancel, then calls
 * P.back, which joins the subtask: trap (the wast's message is
 * Wasmtime's "waitable cannot be used synchronously while added to a
 * waitable set"; definitions.py: trap_if(w.has_sync_waiter)). The wast
 * uses the sync form; `async` runs it with the async form, where the trap
 * needs the one yield to reach C.f (#723). Both reach C.f's callback only
 * if the cancel runs the callee's ready thread (see above). */

static uint32_t pws, cws, jsub;
static bool back_joined;

CORE(jn_back) {
	back_joined = true;
	flue_canon_waitable_join(inst, jsub, pws);
	EX_TRUE(false);
}
CORE(jn_f) { res[0] = WAIT | cws << 4; }
CB(jn_f_cb) {
	EX_EQ(ev, EV_TASK_CANCELLED);
	flue_canon_task_cancel(inst);
	(void)c0(&la);
	EX_TRUE(false);
	return EXIT;
}
static bool jn_async;
CORE(jn_run) {
	uint32_t p = c0(&lb);
	EX_EQ(st_state(p), STARTED);
	jsub = st_index(p);
	(void)flue_canon_subtask_cancel(inst, jn_async ? ASYNC : 0, jsub);
	EX_TRUE(false);
}

static void join_during_cancel(bool async)
{
	setup2(false);
	jn_async = async;
	back_joined = false;
	struct flue_instance *p = inst_new(), *c = inst_new();
	pws = flue_canon_waitable_set_new(p);
	cws = flue_canon_waitable_set_new(c);
	lift_lower(&fa, &la, p, &ft_sync, FLUE_LIFT_SYNC, jn_back, 0, c, false);
	lift_lower(&fb, &lb, c, &ft_async, FLUE_LIFT_CALLBACK, jn_f, jn_f_cb, p, true);
	ex_lift(&fc, p, &ft_sync_u32, FLUE_LIFT_SYNC, jn_run, 0);
	struct res r;
	invoke(&fc, &r);
	FT_TRUE(back_joined);
	first_trap(p, FLUE_TRAP_SYNC_WAITER);
	FT_TRUE(r.done && !r.has);
	(void)ex_run();
	ex_done();
}

FT_TEST(join_during_sync_cancel_traps) { join_during_cancel(false); }
FT_TEST(join_during_async_cancel_traps) { join_during_cancel(true); }

/* ----- two siblings, an outer sync call and an inner async call that
 * blocks: A.run (sync-typed) -> B.mid (sync-typed) -> A.inner (async-typed,
 * sync-lifted: holds A's lock while blocked) returns STARTED; run then
 * completes inner's read (the wast's thread.yield-then-resume) and yields
 * until inner returned; B.check polls its subtask: RETURNED, 42. Needs a
 * stack per task: inner blocks mid-frame and returns to B. */

static uint32_t in_w, in_sub, mws;
static bool inner_done;

CORE(si_inner) {
	uint32_t r_, w_;
	fut_new(inst, &r_, &w_);
	in_w = w_;
	EX_EQ(flue_canon_future_read(inst, ex.unit, 0, r_, 0), FLUE_COMPLETED);
	flue_canon_future_drop_readable(inst, ex.unit, r_);
	inner_done = true;
	res[0] = 42;
}
CORE(si_mid) {
	uint32_t packed = c1(&lc, 4);
	in_sub = st_index(packed);
	flue_canon_waitable_join(inst, in_sub, mws);
	res[0] = st_state(packed);
}
CORE(si_check) {
	EX_EQ(flue_canon_waitable_set_poll(inst, mws, 8), EV_SUBTASK);
	EX_EQ(ld32(inst, 8), in_sub);
	EX_EQ(ld32(inst, 12), RETURNED);
	flue_canon_subtask_drop(inst, in_sub);
	res[0] = ld32(inst, 4);
}
CORE(si_run) {
	EX_EQ(c0(&la), STARTED);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, in_w, 0), FLUE_COMPLETED);
	flue_canon_future_drop_writable(inst, ex.unit, in_w);
	for (uint32_t i = 0; i < SPIN_MAX && !inner_done; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_TRUE(inner_done);
	res[0] = c0(&lb);
}

FT_TEST(sibling_inner_blocks_stack_per_task)
{
	setup2(true);
	inner_done = false;
	struct flue_instance *a = inst_new(), *b = inst_new();
	mws = flue_canon_waitable_set_new(b);
	lift_lower(&fa, &la, b, &ft_sync_u32, FLUE_LIFT_SYNC, si_mid, 0, a, false);
	lift_lower(&fb, &lb, b, &ft_sync_u32, FLUE_LIFT_SYNC, si_check, 0, a, false);
	lift_lower(&fc, &lc, a, &ft_async_u32, FLUE_LIFT_SYNC, si_inner, 0, b, true);
	ex_lift(&fd, a, &ft_sync_u32, FLUE_LIFT_SYNC, si_run, 0);
	struct res r;
	invoke(&fd, &r);
	drive(&r);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex_run(), 0);
	ex_done();
}

FT_SUITE(reentrance, FT_CASE(child_to_parent), FT_CASE(parent_to_child),
	 FT_CASE(donut_recursion), FT_CASE(through_sibling),
	 FT_CASE(sync_export_entered_while_lock_held),
	 FT_CASE(callback_reentry_waits_on_backpressure), FT_CASE(sync_abi_cycle_deadlocks),
	 FT_CASE(cancel_while_callee_instance_on_stack), FT_CASE(join_during_sync_cancel_traps),
	 FT_CASE(join_during_async_cancel_traps), FT_CASE(sibling_inner_blocks_stack_per_task))
