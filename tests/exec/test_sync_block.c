/*
 * A non-async-typed ("sync") task that blocks with no ready thread of its
 * instance traps ("cannot block a synchronous task before returning";
 * definitions.py @ 14087d73 canon_lift: trap_if(not candidates); flue:
 * FLUE_TRAP_DEADLOCK), in the conventions of wast2_common.h:
 *
 * - test/async/trap-if-block-and-sync.wast @ c9504df (#705: the callees
 *   now really block, in waitable-set.wait on an empty set, instead of
 *   being `unreachable`, and trap-if-sync-cancel starts a real subtask):
 *   every case but trap-if-suspend, yield-then-resume-is-fine,
 *   suspend-then-resume-is-fine and resume-later-is-fine (thread.suspend /
 *   thread.new-indirect / thread.*-then-resume / thread.resume-later: flue
 *   has no explicit threads; trap-if-suspend is trap-if-wait with a
 *   suspension instead of an empty set).
 * - test/async/dont-block-start.wast @ c9504df: a start function is
 *   implicitly sync. flue has no instantiation step of its own (the
 *   embedder runs start functions); the port runs each start function as a
 *   sync-typed export with no caller: case 1 is `start_waits`, case 2
 *   (#705: C.f is entered and blocks, instead of being `unreachable`) is
 *   `start_calls_blocking_async`.
 *
 * Each case runs on a fresh Tester, on the single stack and with a stack
 * per task. Which instance traps first depends on where the blocking is
 * noticed (the reference traps the whole store): the checks are that the
 * callee's core code was entered and blocked, the first trap is
 * FLUE_TRAP_DEADLOCK and the invocation resolves without a value. With a
 * single stack, a callee blocked inside a sync call (async1/async2,
 * calls-sync) runs a nested loop and traps there; trap-if-sync-cancel
 * needs a stack per task (the callee blocks in its core function before
 * handing STARTED back) and is only run that way. The wast's wait payload
 * pointer 0xdeadbeef is 0 here: flue traps a misaligned payload pointer
 * when wait is called (CONFORMANCE.md, deterministic profile), the
 * reference only when it stores the event, which never happens here.
 */
#include "wast2_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static const struct flue_functype ft_sync_u32 = { .async = false, .result = &U32 };
static const struct flue_functype ft_async_p_u32 = { .async = true, .nparams = 1, .params = &U32 };

CB(never_cb) { EX_TRUE(false); return EXIT; }

enum { SYNC_CALL_ASYNC1, SYNC_CALL_ASYNC2, ASYNC_CALLS_SYNC_AND_BLOCKS, WAIT_TRAPS, SYNC_CANCEL,
       STREAM_READ, STREAM_WRITE, FUTURE_READ, FUTURE_WRITE, START_WAITS,
       START_CALLS_BLOCKING_ASYNC, NCASES };
static const char *const names[NCASES] = {
	"trap-if-sync-call-async1", "trap-if-sync-call-async2",
	"trap-if-async-calls-sync-and-blocks", "trap-if-wait", "trap-if-sync-cancel",
	"trap-if-sync-stream-read", "trap-if-sync-stream-write", "trap-if-sync-future-read",
	"trap-if-sync-future-write", "dont-block-start 1", "dont-block-start 2",
};

static struct flue_func c_sync_async, c_async_async, c_sync_blocks, d_case;
static struct flue_lowered l_sync_async, l_async_async, l_async_async_a, l_sync_blocks;
static uint32_t tcase, entered;
static bool last;

static void block_forever(struct flue_instance *inst)
{
	entered++;
	(void)flue_canon_waitable_set_wait(inst, flue_canon_waitable_set_new(inst), 0);
	EX_TRUE(false);
}
CORE(c_sync_async_core) { block_forever(inst); }
CORE(c_async_async_core) { block_forever(inst); res[0] = EXIT; }
CORE(c_sync_blocks_core) { block_forever(inst); }

static void d_body(struct flue_instance *inst)
{
	uint64_t p;
	switch (tcase) {
	case SYNC_CALL_ASYNC1:
		(void)c0(&l_sync_async);
		break;
	case SYNC_CALL_ASYNC2:
	case START_CALLS_BLOCKING_ASYNC:
		(void)c0(&l_async_async);
		break;
	case ASYNC_CALLS_SYNC_AND_BLOCKS:
		(void)c0(&l_sync_blocks);
		break;
	case WAIT_TRAPS:
	case START_WAITS:
		last = true;
		(void)flue_canon_waitable_set_wait(inst, flue_canon_waitable_set_new(inst), 0);
		break;
	case SYNC_CANCEL: {
		uint32_t ret = c0(&l_async_async_a);
		EX_EQ(st_state(ret), STARTED);
		last = true;
		(void)flue_canon_subtask_cancel(inst, 0, st_index(ret));
		break;
	}
	case STREAM_READ:
	case STREAM_WRITE:
		p = flue_canon_stream_new(inst, ex.u8);
		last = true;
		if (tcase == STREAM_READ)
			(void)flue_canon_stream_read(inst, ex.u8, 0, (uint32_t)p, 0, 4);
		else
			(void)flue_canon_stream_write(inst, ex.u8, 0, (uint32_t)(p >> 32), 0, 4);
		break;
	default:
		p = flue_canon_future_new(inst, ex.u8);
		last = true;
		if (tcase == FUTURE_READ)
			(void)flue_canon_future_read(inst, ex.u8, 0, (uint32_t)p, 0);
		else
			(void)flue_canon_future_write(inst, ex.u8, 0, (uint32_t)(p >> 32), 0);
		break;
	}
	EX_TRUE(false);
}
CORE(d_sync_core) { d_body(inst); }
CORE(d_async_core) { d_body(inst); res[0] = EXIT; }

/* Runs one case; prints why it failed (all cases run, then the test
 * fails if any did). */
static bool run_case(uint32_t c, bool spt)
{
	setup2(spt);
	tcase = c;
	entered = 0;
	last = false;
	struct flue_instance *ci = inst_new(), *di = inst_new();
	lift_lower(&c_sync_async, &l_sync_async, ci, &ft_async, FLUE_LIFT_SYNC, c_sync_async_core,
		   0, di, false);
	lift_lower(&c_async_async, &l_async_async, ci, &ft_async, FLUE_LIFT_CALLBACK,
		   c_async_async_core, never_cb, di, false);
	lower(&l_async_async_a, &c_async_async, di, true);
	lift_lower(&c_sync_blocks, &l_sync_blocks, ci, &ft_sync, FLUE_LIFT_SYNC,
		   c_sync_blocks_core, 0, di, false);
	if (c == ASYNC_CALLS_SYNC_AND_BLOCKS)
		ex_lift(&d_case, di, &ft_async, FLUE_LIFT_CALLBACK, d_async_core, never_cb);
	else
		ex_lift(&d_case, di, &ft_sync, FLUE_LIFT_SYNC, d_sync_core, 0);
	struct res r;
	invoke(&d_case, &r);
	int run = ex_run();
	bool callee = c == SYNC_CALL_ASYNC1 || c == SYNC_CALL_ASYNC2 || c == SYNC_CANCEL ||
		      c == ASYNC_CALLS_SYNC_AND_BLOCKS || c == START_CALLS_BLOCKING_ASYNC;
	bool ok = true;
	if (entered != (callee ? 1u : 0u) || (!callee && !last) || (c == SYNC_CANCEL && !last)) {
		print_message("%s: callee entered %u times, reached the blocking op: %d\n",
			      names[c], (unsigned)entered, (int)last);
		ok = false;
	}
	if (ntlog == 0 || tlog[0].why != FLUE_TRAP_DEADLOCK || !di->poisoned) {
		print_message("%s%s: first trap %s, D poisoned %d, run %d\n", names[c],
			      spt ? " (stack per task)" : "",
			      ntlog != 0 ? flue_trap_message(tlog[0].why) : "none",
			      (int)di->poisoned, run);
		ok = false;
	}
	if (!r.done || r.has) {
		print_message("%s: resolved %d with a value %d\n", names[c], (int)r.done,
			      (int)r.has);
		ok = false;
	}
	if (ex.failures != 0) {
		print_message("%s: guest check %s:%d: %s\n", names[c], ex.fail_file, ex.fail_line,
			      ex.fail_expr);
		ok = false;
	}
	return ok;
}

FT_TEST(sync_task_blocking_traps)
{
	uint32_t failed = 0;
	for (uint32_t c = 0; c < NCASES; c++)
		if (c != SYNC_CANCEL && !run_case(c, false))
			failed++;
	FT_EQ(failed, 0);
}

FT_TEST(sync_task_blocking_traps_stack_per_task)
{
	uint32_t failed = 0;
	for (uint32_t c = 0; c < NCASES; c++)
		if (!run_case(c, true))
			failed++;
	FT_EQ(failed, 0);
}

/* ------------------------------------------------ the cases that are fine */

CORE(poll_is_fine) {
	uint8_t *m = ex_mem(inst);
	memset(m, 0xff, 8);
	EX_EQ(flue_canon_waitable_set_poll(inst, flue_canon_waitable_set_new(inst), 0), EV_NONE);
	EX_EQ(ld32(inst, 0), 0);
	EX_EQ(ld32(inst, 4), 0);
	res[0] = 42;
}
CORE(yield_is_fine) {
	EX_EQ(flue_canon_thread_yield(inst), 0);
	res[0] = 42;
}
CORE(yield_is_fine_cb) { res[0] = YIELD | 0xdeadu << 4; } /* the set index is ignored */
CB(return_42_cb) {
	EX_EQ(ev, EV_NONE);
	ret_u32(inst, 42);
	return EXIT;
}
CORE(invalid_callback_code) { res[0] = (uint32_t)args[0] | flue_canon_waitable_set_new(inst) << 4; }

FT_TEST(poll_and_yield_are_fine)
{
	for (uint32_t spt = 0; spt < 2; spt++) {
		struct res r;
		setup2(spt != 0);
		struct flue_instance *di = inst_new();
		ex_lift(&d_case, di, &ft_sync_u32, FLUE_LIFT_SYNC, poll_is_fine, 0);
		invoke(&d_case, &r);
		drive(&r);
		FT_TRUE(r.done && r.has && r.v == 42);
		ex_lift(&d_case, di, &ft_sync_u32, FLUE_LIFT_SYNC, yield_is_fine, 0);
		invoke(&d_case, &r);
		drive(&r);
		FT_TRUE(r.done && r.has && r.v == 42);
		ex_lift(&d_case, di, &ft_async_u32, FLUE_LIFT_CALLBACK, yield_is_fine_cb,
			return_42_cb);
		invoke(&d_case, &r);
		drive(&r);
		FT_TRUE(r.done && r.has && r.v == 42);
		FT_EQ(ex_run(), 0);
		FT_EQ(ex.ntraps, 0);
		ex_done();
	}
}

/* "unsupported callback code" for 3, 4 and 15. */
FT_TEST(invalid_callback_code_traps)
{
	static const uint32_t codes[] = { 3, 4, 15 };
	for (uint32_t k = 0; k < 3; k++) {
		struct res r;
		setup2(false);
		struct flue_instance *di = inst_new();
		ex_lift(&d_case, di, &ft_async_p_u32, FLUE_LIFT_CALLBACK, invalid_callback_code,
			never_cb);
		invoke_arg(&d_case, codes[k], &r);
		(void)ex_run();
		first_trap(di, FLUE_TRAP_CALLBACK_CODE);
		FT_TRUE(r.done && !r.has);
		ex_done();
	}
}

/* during-sync-call-may-block-if-other-ready-threads.wast @ 6d28164, the
 * part without explicit threads: a sync-typed export may sync-call an
 * async-typed import that completes eagerly (no blocking, no trap). The
 * wast's point, an armed ready thread letting the caller block, needs
 * thread.new-indirect / thread.resume-later. */
CORE(eager_async) { res[0] = 43; }
CORE(sync_caller) { res[0] = c0(&l_sync_async); }

FT_TEST(sync_calls_eager_async_is_fine)
{
	for (uint32_t spt = 0; spt < 2; spt++) {
		struct res r;
		setup2(spt != 0);
		struct flue_instance *ci = inst_new(), *di = inst_new();
		static const struct flue_functype ft_async_r = { .async = true, .result = &U32 };
		lift_lower(&c_sync_async, &l_sync_async, ci, &ft_async_r, FLUE_LIFT_SYNC,
			   eager_async, 0, di, false);
		ex_lift(&d_case, di, &ft_sync_u32, FLUE_LIFT_SYNC, sync_caller, 0);
		invoke(&d_case, &r);
		drive(&r);
		FT_TRUE(r.done && r.has && r.v == 43);
		FT_EQ(ex_run(), 0);
		FT_EQ(ex.ntraps, 0);
		ex_done();
	}
}

FT_SUITE(sync_block, FT_CASE(sync_task_blocking_traps),
	 FT_CASE(sync_task_blocking_traps_stack_per_task), FT_CASE(poll_and_yield_are_fine),
	 FT_CASE(invalid_callback_code_traps), FT_CASE(sync_calls_eager_async_is_fine))
