/*
 * test/async/async-calls-sync.wast @ 795dae28 (= 6d28164 but for the
 * `(core func ...)` / `(core memory ...)` syntax of callbacks and memory
 * options), definitions.py @ 14087d73, in the conventions of
 * wast2_common.h: each wast component instance with core code is one flue
 * instance, its core functions are C functions calling the built-ins,
 * `unreachable` is EX_TRUE(false).
 *
 * $AsyncOuter.run async-calls `sync-func` of two middle instances twice
 * each. The middle's `sync-func` is async-typed; in $SyncMiddle it is
 * sync-lifted and blocks mid-frame in a sync lower of $AsyncInner's
 * `blocking-call` (a callback task that yields until `unblock`), so the
 * first call into each middle instance is STARTED and the second is held
 * at its entry gate (STARTING: the first holds the exclusive lock). The
 * caller must get STARTED back while the callee is blocked mid-frame,
 * which needs a stack per task (flue_exec_set_stack_per_task, POSIX
 * fibers): on the single stack the middle's frame would sit above `run`'s.
 *
 * Instance mapping. The wast instantiates 8 component instances with core
 * code in one store: run1's $AsyncInner, 2 x $SyncMiddle, $AsyncOuter and
 * run2's $AsyncInner, $SyncMiddle, $AsyncMiddle, $AsyncOuter (the
 * enclosing component has no core code of its own). The test build has
 * FLUE_CONFIG_MAX_INSTANCES = 4. The two groups share no instance, no
 * handle and no state (each has its own $AsyncInner, whose globals
 * `blocked`/`counter` are the only state), and when `run1` has returned
 * every task of its group has exited, so nothing of group 1 can run, or
 * be observed, during `run2`. The port therefore splits the wast in two
 * runs, each on a fresh store with exactly its group's 4 instances:
 *   - run1_stack_per_task: `(assert_return (invoke "run1") (u32.const 42))`
 *     with AsyncInner1, SyncMiddle11, SyncMiddle12, AsyncOuter1;
 *   - run2_stack_per_task: `(assert_return (invoke "run2") (u32.const 42))`
 *     with AsyncInner2, SyncMiddle21, AsyncMiddle22, AsyncOuter2.
 * No instance is merged: the two middles of a run must be distinct (the
 * first calls into each are both STARTED only because they hold different
 * instances' exclusive locks), and $AsyncInner and $AsyncOuter hold state.
 * The core modules' own memories ($AsyncInner's unused `(memory 1)`,
 * $AsyncOuter's `$Memory` instance, which only $AsyncOuter uses) are the
 * flue instances' memories. $AsyncOuter's start function (waitable-set.new,
 * index 1) is called directly on the fresh instance before `run`, as in
 * test_idle_drop_x.c. Nothing of the wast is left out.
 *
 * Schedule note: `run-cb` requires subtask i to return i, i.e. the held
 * call of subtask 4 (SyncMiddle x1) must reach `blocking-call` before
 * that of subtask 5 (x2). That holds under a FIFO schedule (Wasmtime's,
 * and flue's oldest-ready-first order); definitions.py's Store.tick picks
 * a random ready thread, under which subtask 5's call can be admitted
 * first and the wast would hit `unreachable`.
 */
#include "wast2_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static struct flue_instance *inner, *mid1, *mid2, *outer;

/* ------------------------------------------------------ $AsyncInner */

static uint32_t blocked, counter, spins;
static struct flue_func f_blocking_call, f_unblock;

CORE(inner_blocking_call) {
	flue_canon_context_set(inst, 0, counter);
	counter = counter + 1u;
	res[0] = YIELD;
}
CB(inner_blocking_call_cb) {
	if (blocked == 0u) {
		ret_u32(inst, flue_canon_context_get(inst, 0));
		return EXIT;
	}
	if (++spins > 8u * SPIN_MAX) { /* a wrong schedule: fail, don't hang */
		EX_TRUE(false);
		ret_u32(inst, 0);
		return EXIT;
	}
	return YIELD;
}
CORE(inner_unblock) {
	blocked = 0;
	flue_canon_task_return(inst, 0, 0, 0);
	res[0] = EXIT;
}
CB(inner_unblock_cb) { EX_TRUE(false); return EXIT; }

/* ------------------------------------- $SyncMiddle and $AsyncMiddle */

/* `blocking-call` lowered (sync) into middle 1 and middle 2 */
static struct flue_lowered l_blocking_call[2];
static struct flue_func f_sync_func[2];

static const struct flue_lowered *blocking_call_of(struct flue_instance *inst)
{
	EX_TRUE(inst == mid1 || inst == mid2);
	return &l_blocking_call[inst == mid1 ? 0 : 1];
}

/* $SyncMiddle.sync-func: sync lift of an async-typed function */
CORE(sync_middle_sync_func) { res[0] = c0(blocking_call_of(inst)); }

/* $AsyncMiddle.sync-func: callback lift */
CORE(async_middle_sync_func) {
	ret_u32(inst, c0(blocking_call_of(inst)));
	res[0] = EXIT;
}
CB(async_middle_sync_func_cb) { EX_TRUE(false); return EXIT; }

/* ------------------------------------------------------ $AsyncOuter */

static uint32_t ws, remain;
static struct flue_lowered l_unblock, l_sync_func1, l_sync_func2;
static struct flue_func f_run;

CORE(outer_run) {
	uint32_t ret;

	/* both first calls block (on blocking-call) in different instances:
	 * STARTED */
	ret = c1(&l_sync_func1, 8);
	EX_EQ(ret, 0x21u); /* STARTED=1 | (subtask=2 << 4) */
	flue_canon_waitable_join(inst, 2, ws);
	ret = c1(&l_sync_func2, 12);
	EX_EQ(ret, 0x31u); /* STARTED=1 | (subtask=3 << 4) */
	flue_canon_waitable_join(inst, 3, ws);

	/* the second pair sees the middles' backpressure: STARTING */
	ret = c1(&l_sync_func1, 16);
	EX_EQ(ret, 0x40u); /* STARTING=0 | (subtask=4 << 4) */
	flue_canon_waitable_join(inst, 4, ws);
	ret = c1(&l_sync_func2, 20);
	EX_EQ(ret, 0x50u); /* STARTING=0 | (subtask=5 << 4) */
	flue_canon_waitable_join(inst, 5, ws);

	/* unblock all the tasks and wait for them to complete */
	c0(&l_unblock);
	res[0] = WAIT | ws << 4;
}
CB(outer_run_cb) {
	/* only SUBTASK events */
	EX_EQ(ev, EV_SUBTASK);

	/* STARTED: only for the held 3rd and 4th calls (indices 4 and 5) */
	if (p2 == STARTED) {
		EX_TRUE(p1 == 4u || p1 == 5u);
		return WAIT | ws << 4;
	}

	/* RETURNED: the value is the subtask index ($AsyncInner's counter
	 * starts at 2), stored at index * 4 */
	EX_EQ(p2, RETURNED);
	EX_EQ(ld32(inst, p1 * 4u), p1);

	flue_canon_subtask_drop(inst, p1);
	remain = remain - 1u;
	if (remain > 0u)
		return WAIT | ws << 4;
	ret_u32(inst, 42);
	return EXIT;
}

/* ------------------------------------------------------------- runs */

/* Instantiate one group: $AsyncInner, the two middles (`second_async`:
 * the second is an $AsyncMiddle, run2), $AsyncOuter; invoke `run`. */
static void run_group(bool second_async)
{
	setup2(true);
	blocked = 1;
	counter = 2;
	spins = 0;
	remain = 4;

	inner = inst_new();
	ex_lift(&f_blocking_call, inner, &ft_async_u32, FLUE_LIFT_CALLBACK, inner_blocking_call,
		inner_blocking_call_cb);
	ex_lift(&f_unblock, inner, &ft_async, FLUE_LIFT_CALLBACK, inner_unblock,
		inner_unblock_cb);

	mid1 = inst_new();
	lower(&l_blocking_call[0], &f_blocking_call, mid1, false);
	ex_lift(&f_sync_func[0], mid1, &ft_async_u32, FLUE_LIFT_SYNC, sync_middle_sync_func, 0);

	mid2 = inst_new();
	lower(&l_blocking_call[1], &f_blocking_call, mid2, false);
	if (second_async)
		ex_lift(&f_sync_func[1], mid2, &ft_async_u32, FLUE_LIFT_CALLBACK,
			async_middle_sync_func, async_middle_sync_func_cb);
	else
		ex_lift(&f_sync_func[1], mid2, &ft_async_u32, FLUE_LIFT_SYNC,
			sync_middle_sync_func, 0);

	outer = inst_new();
	lower(&l_unblock, &f_unblock, outer, false);
	lower(&l_sync_func1, &f_sync_func[0], outer, true);
	lower(&l_sync_func2, &f_sync_func[1], outer, true);
	ws = flue_canon_waitable_set_new(outer); /* $AsyncOuter's start */
	FT_EQ(ws, 1);
	ex_lift(&f_run, outer, &ft_async_u32, FLUE_LIFT_CALLBACK, outer_run, outer_run_cb);

	struct res r;
	invoke(&f_run, &r);
	drive(&r);
	FT_EQ(ex.ntraps, 0);
	ex_done();
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(remain, 0);
	FT_EQ(blocked, 0);
	FT_EQ(counter, 6);
	for (uint32_t i = 2; i <= 5; i++)
		FT_EQ(ld32(outer, i * 4u), i);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* (assert_return (invoke "run1") (u32.const 42)): two $SyncMiddle */
FT_TEST(run1_stack_per_task) { run_group(false); }
/* (assert_return (invoke "run2") (u32.const 42)): $SyncMiddle and
 * $AsyncMiddle */
FT_TEST(run2_stack_per_task) { run_group(true); }

FT_SUITE(async_calls_sync, FT_CASE(run1_stack_per_task), FT_CASE(run2_stack_per_task))
