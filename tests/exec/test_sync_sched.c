/*
 * Which threads a blocked non-async-typed ("sync") export call may run
 * (#705; definitions.py @ 14087d73 canon_lift: while a sync-typed call is
 * unresolved, every ready thread of the callee's instance is a candidate,
 * the exclusive-lock holder's included; none ready traps), in the
 * conventions of wast2_common.h:
 *
 * - test/async/during-sync-scheduling-candidates.wast @ 22df2ca9: the
 *   `run` half of each component (`run-promote` uses
 *   thread.yield-then-promote, and the first and last components spawn
 *   explicit threads with thread.new-indirect: flue has neither). Where the
 *   wast suspends a thread (thread.suspend, woken by thread.resume-later),
 *   the port blocks it in a synchronous future.read that the waker
 *   completes with future.write.
 * - test/async/during-sync-call-exclusive-resume.wast @ 14087d73, both
 *   components (the sync call's thread.suspend / resume-later: a future
 *   read it waits for, written by the callback).
 * - test/async/during-sync-call-no-sibling-resume.wast @ c9504df, the
 *   second component (the first spawns explicit threads): the sibling's
 *   ready thread is a parked callback task.
 *
 * Tests named *_stack_per_task run every task step on a fiber of its own
 * (POSIX); the others run on the single stack, where the sync call's
 * blocking is a nested scheduling loop.
 */
#include "wast2_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static const struct flue_functype ft_sync_u32 = { .async = false, .result = &U32 };

CB(never_cb) { EX_TRUE(false); return EXIT; }

static struct flue_func f_setup, f_run, f_driver, f_other;
static struct flue_lowered l_run, l_other;
static bool in_sync, cb_ran, finish, may_finish, finished, resumed, started;
static uint32_t spins, cb_in_sync, wake_w;

/* ------------------------ implicit thread of a stackful async task */

CORE(sf_setup) {
	finished = may_finish = false;
	ret_u32(inst, 1);
	for (uint32_t i = 0; i < SPIN_MAX && !may_finish; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_TRUE(may_finish);
	finished = true;
}
CORE(sf_run) {
	may_finish = true;
	for (uint32_t i = 0; i < SPIN_MAX && !finished; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_TRUE(finished);
	res[0] = 42;
}

static void stackful_candidate(bool spt)
{
	setup2(spt);
	struct flue_instance *c = inst_new();
	ex_lift(&f_setup, c, &ft_async_u32, FLUE_LIFT_STACKFUL, sf_setup, 0);
	ex_lift(&f_run, c, &ft_sync_u32, FLUE_LIFT_SYNC, sf_run, 0);
	struct res r;
	invoke(&f_setup, &r);
	FT_TRUE(r.done && r.has && r.v == 1);
	invoke(&f_run, &r);
	drive(&r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

FT_TEST(stackful_task_is_candidate) { stackful_candidate(false); }
FT_TEST(stackful_task_is_candidate_stack_per_task) { stackful_candidate(true); }

/* ----- implicit thread of a callback task parked in its event loop: it
 * is ready, so the sync call may run its callback (which takes the lock
 * for the step); `run` cannot finish until it has. `driver` (an async
 * callback task of another instance D) calls `run` too. */

CORE(pc_setup) { ret_u32(inst, 1); res[0] = YIELD; }
CB(pc_setup_cb) {
	EX_EQ(ev, EV_NONE);
	if (in_sync)
		cb_ran = true;
	if (finish || ++spins > 4 * SPIN_MAX)
		return EXIT;
	return YIELD;
}
CORE(pc_run) {
	cb_ran = false;
	in_sync = true;
	for (uint32_t i = 0; i < SPIN_MAX && !cb_ran; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_TRUE(cb_ran);
	in_sync = false;
	res[0] = 42;
}
CORE(pc_driver) { ret_u32(inst, c0(&l_run)); res[0] = EXIT; }

static void parked_callback_candidate(bool spt)
{
	setup2(spt);
	in_sync = cb_ran = finish = false;
	spins = 0;
	struct flue_instance *c = inst_new(), *d = inst_new();
	ex_lift(&f_setup, c, &ft_async_u32, FLUE_LIFT_CALLBACK, pc_setup, pc_setup_cb);
	lift_lower(&f_run, &l_run, c, &ft_sync_u32, FLUE_LIFT_SYNC, pc_run, 0, d, false);
	ex_lift(&f_driver, d, &ft_async_u32, FLUE_LIFT_CALLBACK, pc_driver, never_cb);
	struct res r;
	invoke(&f_setup, &r);
	FT_TRUE(r.done && r.has && r.v == 1);
	invoke(&f_run, &r);
	drive(&r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	invoke(&f_driver, &r);
	drive(&r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	finish = true;
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

FT_TEST(parked_callback_is_candidate) { parked_callback_candidate(false); }
FT_TEST(parked_callback_is_candidate_stack_per_task) { parked_callback_candidate(true); }

/* ----- implicit thread of a callback task blocked mid-frame, holding the
 * instance's exclusive lock: `run` makes it ready (writes the future its
 * synchronous read waits for) and must let it run. Stack per task: the
 * blocked core function must hand `setup`'s result back first. */

CORE(bc_setup) {
	uint32_t r_, w_;
	fut_new(inst, &r_, &w_);
	wake_w = w_;
	ret_u32(inst, 1);
	EX_EQ(flue_canon_future_read(inst, ex.unit, 0, r_, 0), FLUE_COMPLETED);
	flue_canon_future_drop_readable(inst, ex.unit, r_);
	resumed = true;
	res[0] = EXIT;
}
CORE(bc_run) {
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, wake_w, 0), FLUE_COMPLETED);
	flue_canon_future_drop_writable(inst, ex.unit, wake_w);
	for (uint32_t i = 0; i < SPIN_MAX && !resumed; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_TRUE(resumed);
	res[0] = 42;
}

FT_TEST(blocked_callback_is_candidate_stack_per_task)
{
	setup2(true);
	resumed = false;
	struct flue_instance *c = inst_new();
	ex_lift(&f_setup, c, &ft_async_u32, FLUE_LIFT_CALLBACK, bc_setup, never_cb);
	ex_lift(&f_run, c, &ft_sync_u32, FLUE_LIFT_SYNC, bc_run, 0);
	struct res r;
	invoke(&f_setup, &r);
	FT_TRUE(r.done && r.has && r.v == 1);
	FT_FALSE(resumed);
	invoke(&f_run, &r);
	drive(&r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ----- implicit thread of a sync-lifted async-typed function (I.f,
 * blocked mid-frame holding I's lock; D.setup started it): I.run makes
 * it ready and must let it run, which also resolves it. */

CORE(sl_f) {
	uint32_t r_, w_;
	fut_new(inst, &r_, &w_);
	wake_w = w_;
	started = true;
	EX_EQ(flue_canon_future_read(inst, ex.unit, 0, r_, 0), FLUE_COMPLETED);
	flue_canon_future_drop_readable(inst, ex.unit, r_);
	resumed = true;
}
CORE(sl_setup) {
	EX_EQ(st_state(c0(&l_other)), STARTED);
	ret_u32(inst, 1);
	res[0] = EXIT;
}
CORE(sl_run) {
	EX_TRUE(started);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, wake_w, 0), FLUE_COMPLETED);
	flue_canon_future_drop_writable(inst, ex.unit, wake_w);
	for (uint32_t i = 0; i < SPIN_MAX && !resumed; i++)
		EX_EQ(flue_canon_thread_yield(inst), 0);
	EX_TRUE(resumed);
	res[0] = 42;
}

FT_TEST(sync_lifted_task_is_candidate_stack_per_task)
{
	setup2(true);
	started = resumed = false;
	struct flue_instance *i = inst_new(), *d = inst_new();
	lift_lower(&f_other, &l_other, i, &ft_async, FLUE_LIFT_SYNC, sl_f, 0, d, true);
	ex_lift(&f_run, i, &ft_sync_u32, FLUE_LIFT_SYNC, sl_run, 0);
	ex_lift(&f_setup, d, &ft_async_u32, FLUE_LIFT_CALLBACK, sl_setup, never_cb);
	struct res r;
	invoke(&f_setup, &r);
	drive(&r);
	FT_TRUE(r.done && r.has && r.v == 1);
	invoke(&f_run, &r);
	drive(&r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ---------------- during-sync-call-exclusive-resume, first component: the
 * only ready thread is `arm`'s parked callback; the sync call can only be
 * woken by it (ping-cb writes the future the sync call waits for). */

static bool pinged, sync_started;

CORE(er_arm) { ret_u32(inst, 1); res[0] = YIELD; }
CB(er_ping_cb) {
	EX_EQ(ev, EV_NONE);
	if (!sync_started) /* a spurious turn outside the sync call */
		return ++spins > 4 * SPIN_MAX ? EXIT : YIELD;
	pinged = true;
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, wake_w, 0), FLUE_COMPLETED);
	flue_canon_future_drop_writable(inst, ex.unit, wake_w);
	return EXIT;
}
CORE(er_sync_block) {
	uint32_t r_, w_;
	fut_new(inst, &r_, &w_);
	wake_w = w_;
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, r_, 0), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, r_, ws);
	sync_started = true;
	wait_ev(inst, ws, 0, EV_FUTURE_READ, r_, FLUE_COMPLETED);
	EX_TRUE(pinged);
	flue_canon_waitable_join(inst, r_, 0);
	flue_canon_future_drop_readable(inst, ex.unit, r_);
	res[0] = 42;
}

static void run_exclusive_resume(bool spt)
{
	setup2(spt);
	pinged = sync_started = false;
	spins = 0;
	struct flue_instance *c = inst_new();
	ex_lift(&f_setup, c, &ft_async_u32, FLUE_LIFT_CALLBACK, er_arm, er_ping_cb);
	ex_lift(&f_run, c, &ft_sync_u32, FLUE_LIFT_SYNC, er_sync_block, 0);
	struct res r;
	invoke(&f_setup, &r);
	FT_TRUE(r.done && r.has && r.v == 1);
	invoke(&f_run, &r);
	drive(&r);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex_run(), 0);
	ex_done();
}

FT_TEST(exclusive_resume) { run_exclusive_resume(false); }
FT_TEST(exclusive_resume_stack_per_task) { run_exclusive_resume(true); }

/* ---------------- second component: the ready needs-exclusive thread lets
 * the sync call block, but exits without waking it; then no thread of the
 * instance is ready: trap ("cannot block a synchronous task before
 * returning"; flue: FLUE_TRAP_DEADLOCK). */

CB(er_exit_cb) {
	EX_EQ(ev, EV_NONE);
	if (!in_sync)
		return ++spins > 4 * SPIN_MAX ? EXIT : YIELD;
	cb_in_sync++;
	return EXIT;
}
CORE(er_block_forever) {
	in_sync = true;
	(void)flue_canon_waitable_set_wait(inst, flue_canon_waitable_set_new(inst), 0);
	EX_TRUE(false);
}

static void exclusive_exit_traps(bool spt)
{
	setup2(spt);
	in_sync = false;
	spins = cb_in_sync = 0;
	struct flue_instance *c = inst_new();
	ex_lift(&f_setup, c, &ft_async_u32, FLUE_LIFT_CALLBACK, er_arm, er_exit_cb);
	ex_lift(&f_run, c, &ft_sync, FLUE_LIFT_SYNC, er_block_forever, 0);
	struct res r;
	invoke(&f_setup, &r);
	FT_TRUE(r.done && r.has && r.v == 1);
	invoke(&f_run, &r);
	(void)ex_run();
	FT_EQ(cb_in_sync, 1);
	first_trap(c, FLUE_TRAP_DEADLOCK);
	FT_TRUE(r.done && !r.has);
	ex_done();
}

FT_TEST(exclusive_exit_then_sync_block_traps) { exclusive_exit_traps(false); }
FT_TEST(exclusive_exit_then_sync_block_traps_stack_per_task) { exclusive_exit_traps(true); }

/* ---------------- during-sync-call-no-sibling-resume, second component: a
 * ready thread of a sibling instance (a callback task parked with YIELD)
 * does not let Inner's sync call block: it traps at once, the sibling's
 * thread not resumed during the call; it runs afterwards, from the top
 * level. Single stack only: with a stack per task the host's invoke
 * returns while the sync call is blocked, and the top-level loop that then
 * runs is outside the call. */

static uint32_t sib_runs, sib_in_sync;

CORE(ns_arm) { ret_u32(inst, 1); res[0] = YIELD; }
CB(ns_arm_cb) {
	EX_EQ(ev, EV_NONE);
	if (in_sync)
		sib_in_sync++;
	return ++sib_runs >= 3 ? EXIT : YIELD;
}

FT_TEST(no_sibling_resume)
{
	setup2(false);
	in_sync = false;
	sib_runs = sib_in_sync = 0;
	struct flue_instance *inner = inst_new(), *sib = inst_new();
	ex_lift(&f_setup, sib, &ft_async_u32, FLUE_LIFT_CALLBACK, ns_arm, ns_arm_cb);
	ex_lift(&f_run, inner, &ft_sync, FLUE_LIFT_SYNC, er_block_forever, 0);
	struct res r, rs;
	invoke(&f_setup, &rs);
	FT_TRUE(rs.done && rs.has && rs.v == 1);
	invoke(&f_run, &r);
	first_trap(inner, FLUE_TRAP_DEADLOCK);
	FT_TRUE(r.done && !r.has);
	FT_EQ(sib_in_sync, 0);
	in_sync = false;
	FT_EQ(ex_run(), 0);
	FT_EQ(sib_runs, 3);
	FT_FALSE(sib->poisoned);
	ex_done();
}

FT_SUITE(sync_sched, FT_CASE(stackful_task_is_candidate),
	 FT_CASE(stackful_task_is_candidate_stack_per_task), FT_CASE(parked_callback_is_candidate),
	 FT_CASE(parked_callback_is_candidate_stack_per_task),
	 FT_CASE(blocked_callback_is_candidate_stack_per_task),
	 FT_CASE(sync_lifted_task_is_candidate_stack_per_task), FT_CASE(exclusive_resume),
	 FT_CASE(exclusive_resume_stack_per_task), FT_CASE(exclusive_exit_then_sync_block_traps),
	 FT_CASE(exclusive_exit_then_sync_block_traps_stack_per_task), FT_CASE(no_sibling_resume))
