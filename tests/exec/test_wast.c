/*
 * component-model test/async/ *.wast behaviours (@ 6d28164; re-entrance
 * as #705 changed it, @ 14087d73), ported: each
 * wast component with core code is one instance, its core functions are C
 * functions calling the built-ins; the same return codes, indices, events
 * and bytes are asserted. `unreachable` is EX_TRUE(false). Instances made
 * by a wast `start` function (waitable-set.new) get that set from the test
 * before the first call, at the same index. A trap is checked on the
 * trapped instance (poisoned, first reason) and through the trap hook
 * (ex.ntraps / ex.trap / ex.trap_inst): flue's policy (docs/EXECUTOR.md)
 * resolves a trapped callee without a value, so a synchronous caller traps
 * next with FLUE_TRAP_CALLEE_TRAPPED where the reference stops the store.
 * Part two: test_wastb.c; wait-during-callback and deadlock: test_wastc.c.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"


static void invoke_with(struct flue_func *f, flue_on_start_fn start, struct res *r)
{
	flue_call_t c;
	*r = (struct res){ 0 };
	FT_EQ(flue_invoke(f, ex.host, start, on_res, r, &c), 0);
}

/* ------------------------------------------------------ re-entrance */

/*
 * trap-on-reenter.wast is gone (#705 removed may_enter): a call into an
 * instance that is already on the current synchronous call stack proceeds.
 * D -> C -> D, which 6d28164 trapped, now runs to the end (the full
 * reentrance.wast port: test_reentrance.c).
 */
static struct flue_func rf[4];
static struct flue_lowered rl[3];
static bool ran_a, ran_g;

CORE(d_run_re) { (void)c0(&rl[0]); EX_TRUE(ran_g); }
CORE(c_f_re) { (void)c0(&rl[1]); }
CORE(d_g_re) { ran_g = true; }

FT_TEST(reenter_sibling_sync_proceeds)
{
	ex_setup();
	struct flue_instance *d = ex_new(), *c = ex_new();
	ex_lift(&rf[0], d, &ft_sync, FLUE_LIFT_SYNC, d_run_re, 0);
	ex_lift(&rf[1], c, &ft_sync, FLUE_LIFT_SYNC, c_f_re, 0);
	ex_lift(&rf[2], d, &ft_sync, FLUE_LIFT_SYNC, d_g_re, 0);
	lower(&rl[0], &rf[1], d, false);
	lower(&rl[1], &rf[2], c, false);
	struct res r;
	ran_g = false;
	invoke(&rf[0], &r);
	FT_TRUE(ran_g);
	FT_EQ(ex.ntraps, 0);
	FT_FALSE(d->poisoned);
	FT_FALSE(c->poisoned);
	FT_TRUE(r.done && r.has);
	FT_EQ(ex_run(), 0);
	ex_done();
}

/* Part 2 (parent -> child) and part 3 (child -> parent): sync calls. */
CORE(nop) { }
CORE(call_rl0) { (void)c0(&rl[0]); }
/* Part 1: Parent.c -> Child.b -> Parent.a, all async callback-lifted. */
CORE(p_c) {
	uint32_t st = c0(&rl[1]);
	EX_EQ(st, FLUE_SUBTASK_STARTED | 1u << 4);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, 1, ws);
	res[0] = WAIT | ws << 4;
}
CB(p_c_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(p1, 1);
	EX_EQ(p2, FLUE_SUBTASK_RETURNED);
	flue_canon_subtask_drop(inst, 1);
	flue_canon_task_return(inst, 0, 0, 0);
	return EXIT;
}
CORE(k_b) { res[0] = YIELD; }
CB(k_b_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_NONE);
	EX_EQ(c0(&rl[2]), FLUE_SUBTASK_RETURNED); /* Parent.a is entered */
	flue_canon_task_return(inst, 0, 0, 0);
	return EXIT;
}
CORE(p_a) { ran_a = true; flue_canon_task_return(inst, 0, 0, 0); res[0] = EXIT; }
CB(never_cb) { EX_TRUE(false); return EXIT; }

FT_TEST(reenter_parent_child)
{
	ex_setup();
	struct flue_instance *p = ex_new(), *k = ex_new();
	struct res r;
	/* part 2: P.g -> K.f */
	ex_lift(&rf[0], k, &ft_sync, FLUE_LIFT_SYNC, nop, 0);
	ex_lift(&rf[1], p, &ft_sync, FLUE_LIFT_SYNC, call_rl0, 0);
	lower(&rl[0], &rf[0], p, false);
	invoke(&rf[1], &r);
	FT_TRUE(r.done && r.has);
	/* part 3: K.g -> P.f */
	ex_lift(&rf[0], p, &ft_sync, FLUE_LIFT_SYNC, nop, 0);
	ex_lift(&rf[1], k, &ft_sync, FLUE_LIFT_SYNC, call_rl0, 0);
	lower(&rl[0], &rf[0], k, false);
	invoke(&rf[1], &r);
	FT_TRUE(r.done && r.has);
	/* part 1 */
	ran_a = false;
	ex_lift(&rf[0], p, &ft_async, FLUE_LIFT_CALLBACK, p_c, p_c_cb);
	ex_lift(&rf[1], k, &ft_async, FLUE_LIFT_CALLBACK, k_b, k_b_cb);
	ex_lift(&rf[2], p, &ft_async, FLUE_LIFT_CALLBACK, p_a, never_cb);
	lower(&rl[1], &rf[1], p, true);
	lower(&rl[2], &rf[2], k, true);
	invoke(&rf[0], &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(r.done && r.has);
	FT_TRUE(ran_a);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ------------------------------------------------------ drop-subtask */

static struct flue_func looper, lreturn, after, before;
static struct flue_lowered l_loop1, l_ret1, l_loop2;
static bool ldone;

CORE(loop_core) { res[0] = YIELD; }
CB(loop_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_NONE);
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	if (!ldone)
		return YIELD;
	flue_canon_task_return(inst, 0, 0, 0);
	return EXIT;
}
CORE(return_core) { ldone = true; }
CORE(after_core) {
	uint32_t ret = c0(&l_loop1);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	uint32_t sub = st_index(ret);
	(void)c0(&l_ret1);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, sub, ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 0), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ld32(inst, 0), sub);
	EX_EQ(ld32(inst, 4), FLUE_SUBTASK_RETURNED);
	flue_canon_subtask_drop(inst, sub);
	res[0] = 42;
}
CORE(before_core) {
	uint32_t ret = c0(&l_loop2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	flue_canon_subtask_drop(inst, st_index(ret));
	EX_TRUE(false);
}

FT_TEST(drop_subtask)
{
	ex_setup();
	ldone = false;
	struct flue_instance *l = ex_new(), *c1 = ex_new(), *c2 = ex_new();
	ex_lift(&looper, l, &ft_async, FLUE_LIFT_CALLBACK, loop_core, loop_cb);
	ex_lift(&lreturn, l, &ft_async, FLUE_LIFT_SYNC, return_core, 0);
	ex_lift(&after, c1, &ft_async_u32, FLUE_LIFT_SYNC, after_core, 0);
	ex_lift(&before, c2, &ft_async_u32, FLUE_LIFT_SYNC, before_core, 0);
	lower(&l_loop1, &looper, c1, true);
	lower(&l_ret1, &lreturn, c1, false);
	lower(&l_loop2, &looper, c2, true);
	struct res r;
	invoke(&after, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	invoke(&before, &r);
	/* "cannot drop a subtask which has not yet resolved" */
	trapped(c2, FLUE_TRAP_SUBTASK_NOT_DONE);
	FT_EQ(ex.ntraps, 1);
	FT_TRUE(ex.trap_inst == c2);
	FT_TRUE(r.done && !r.has);
	FT_EQ(ex_run(), 0); /* the orphaned loop still returns and exits */
	FT_FALSE(l->poisoned);
	ex_done();
}

/* ------------------------------------------------- drop-waitable-set */

static struct flue_func wos, dww, drun;
static struct flue_lowered l_wos, l_dww;
static uint32_t cws;

CORE(wos_core) { res[0] = WAIT | cws << 4; }
CORE(dww_core) { flue_canon_waitable_set_drop(inst, cws); EX_TRUE(false); }
CORE(dws_run) {
	EX_EQ(c0(&l_wos), 0x11);
	(void)c0(&l_dww);
	EX_TRUE(false);
}

FT_TEST(drop_waitable_set)
{
	ex_setup();
	struct flue_instance *c = ex_new(), *d = ex_new();
	cws = flue_canon_waitable_set_new(c);
	ex_lift(&wos, c, &ft_async, FLUE_LIFT_CALLBACK, wos_core, never_cb);
	ex_lift(&dww, c, &ft_async, FLUE_LIFT_CALLBACK, dww_core, never_cb);
	ex_lift(&drun, d, &ft_async_u32, FLUE_LIFT_SYNC, dws_run, 0);
	lower(&l_wos, &wos, d, true);
	lower(&l_dww, &dww, d, false);
	struct res r;
	invoke(&drun, &r);
	trapped(c, FLUE_TRAP_SET_HAS_WAITERS); /* "cannot drop waitable set with waiters" */
	trapped(d, FLUE_TRAP_CALLEE_TRAPPED);
	FT_EQ(ex.ntraps, 2);
	FT_TRUE(r.done && !r.has);
	FT_EQ(ex_run(), 0);
	ex_done();
}

/* ------------------------------------------------------- trap-if-done */

enum { TD_FUT_EAGER_WRITE, TD_FUT_ASYNC_WRITE, TD_FUT_READER_DROPPED, TD_FUT_EAGER_READ,
       TD_FUT_ASYNC_READ, TD_STR_READER_EAGER_DROPPED, TD_STR_READER_ASYNC_DROPPED,
       TD_STR_WRITER_EAGER_DROPPED, TD_STR_WRITER_ASYNC_DROPPED };
enum { SF, FW, AFW, SS, SW, ASW, SDW, NCF }; /* C's exports */
static struct flue_func cf[NCF], dcase;
static struct flue_lowered lc[NCF];
static uint32_t wend, td_case, td_bool;
static bool td_last; /* reached the op that must trap */
static struct flue_valtype vt_fut_u8, vt_str_u8, vt_bool = { .kind = FLUE_VAL_BOOL };
static struct flue_functype ft_ret_fut, ft_ret_str, ft_d;

CORE(c_start_future) {
	uint64_t fn = flue_canon_future_new(inst, ex.u8);
	wend = (uint32_t)(fn >> 32);
	flue_canon_waitable_join(inst, wend, cws);
	res[0] = (uint32_t)fn;
}
CORE(c_start_stream) {
	uint64_t sn = flue_canon_stream_new(inst, ex.u8);
	wend = (uint32_t)(sn >> 32);
	flue_canon_waitable_join(inst, wend, cws);
	res[0] = (uint32_t)sn;
}
CORE(c_future_write) {
	ex_mem(inst)[16] = 42;
	res[0] = flue_canon_future_write(inst, ex.u8, ASYNC, wend, 16);
}
CORE(c_stream_write) {
	ex_mem(inst)[16] = 42;
	res[0] = flue_canon_stream_write(inst, ex.u8, ASYNC, wend, 16, 1);
}
static void ack(struct flue_instance *inst, uint32_t code, uint32_t payload)
{
	EX_EQ(flue_canon_waitable_set_wait(inst, cws, 0), code);
	EX_EQ(ld32(inst, 0), wend);
	EX_EQ(ld32(inst, 4), payload);
}
CORE(c_ack_future_write) { ack(inst, FLUE_EVENT_CODE_FUTURE_WRITE, FLUE_COMPLETED); }
CORE(c_ack_stream_write) { ack(inst, FLUE_EVENT_CODE_STREAM_WRITE, 0x11); }
CORE(c_stream_drop_writable) { flue_canon_stream_drop_writable(inst, ex.u8, wend); }

/* The readable end `e` is done: read it again, or return it (lifting). */
static void td_reuse(struct flue_instance *inst, uint32_t e, bool stream, flue_flat_t *res)
{
	td_last = true;
	if (td_bool) {
		res[0] = e;
		return;
	}
	if (stream)
		(void)flue_canon_stream_read(inst, ex.u8, ASYNC, e, 16, 100);
	else
		(void)flue_canon_future_read(inst, ex.u8, ASYNC, e, 16);
	EX_TRUE(false);
}
static void td_start(void *user, struct flue_values *a)
{
	if (a->n == 1)
		a->v[0] = td_bool;
}
static void td_wait(struct flue_instance *inst, uint32_t e, uint32_t code, uint32_t payload)
{
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, e, ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 0), code);
	EX_EQ(ld32(inst, 0), e);
	EX_EQ(ld32(inst, 4), payload);
}
CORE(d_trap_if_done) {
	uint8_t *m = ex_mem(inst);
	bool stream = td_case >= TD_STR_READER_EAGER_DROPPED;
	uint32_t e = c0(&lc[stream ? SS : SF]);
	switch (td_case) {
	case TD_FUT_EAGER_WRITE:
		EX_EQ(flue_canon_future_read(inst, ex.u8, ASYNC, e, 16), FLUE_BLOCKED);
		EX_EQ(c0(&lc[FW]), FLUE_COMPLETED);
		EX_EQ(m[16], 42);
		break;
	case TD_FUT_ASYNC_WRITE:
	case TD_FUT_EAGER_READ:
		EX_EQ(c0(&lc[FW]), FLUE_BLOCKED);
		EX_EQ(flue_canon_future_read(inst, ex.u8, ASYNC, e, 16), FLUE_COMPLETED);
		EX_EQ(m[16], 42);
		if (td_case == TD_FUT_EAGER_READ) {
			td_reuse(inst, e, false, res);
			return;
		}
		(void)c0(&lc[AFW]);
		break;
	case TD_FUT_READER_DROPPED:
		flue_canon_future_drop_readable(inst, ex.u8, e);
		EX_EQ(c0(&lc[FW]), FLUE_DROPPED);
		break;
	case TD_FUT_ASYNC_READ:
		EX_EQ(flue_canon_future_read(inst, ex.u8, ASYNC, e, 16), FLUE_BLOCKED);
		EX_EQ(c0(&lc[FW]), FLUE_COMPLETED);
		EX_EQ(m[16], 42);
		td_wait(inst, e, FLUE_EVENT_CODE_FUTURE_READ, FLUE_COMPLETED);
		EX_EQ(ld32(inst, 16), 42);
		flue_canon_waitable_join(inst, e, 0);
		td_reuse(inst, e, false, res);
		return;
	case TD_STR_READER_EAGER_DROPPED:
		flue_canon_stream_drop_readable(inst, ex.u8, e);
		EX_EQ(c0(&lc[SW]), 0x01);
		td_last = true;
		(void)c0(&lc[SW]);
		EX_TRUE(false);
		return;
	case TD_STR_READER_ASYNC_DROPPED:
		EX_EQ(c0(&lc[SW]), FLUE_BLOCKED);
		EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, e, 16, 100), 0x10);
		EX_EQ(m[16], 42);
		flue_canon_stream_drop_readable(inst, ex.u8, e);
		(void)c0(&lc[ASW]);
		td_last = true;
		(void)c0(&lc[SW]);
		EX_TRUE(false);
		return;
	case TD_STR_WRITER_EAGER_DROPPED:
		(void)c0(&lc[SDW]);
		EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, e, 16, 100), 0x01);
		td_reuse(inst, e, true, res);
		return;
	default: /* TD_STR_WRITER_ASYNC_DROPPED: the end stays in the set */
		EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, e, 16, 100), FLUE_BLOCKED);
		(void)c0(&lc[SDW]);
		td_wait(inst, e, FLUE_EVENT_CODE_STREAM_READ, 0x01);
		td_reuse(inst, e, true, res);
		return;
	}
	td_last = true;
	(void)c0(&lc[FW]); /* a future write after the future is done */
	EX_TRUE(false);
}

FT_TEST(trap_if_done)
{
	static const struct { uint32_t c, b; bool writer; } cases[] = {
		{ TD_FUT_EAGER_WRITE, 0, true }, { TD_FUT_ASYNC_WRITE, 0, true },
		{ TD_FUT_READER_DROPPED, 0, true }, { TD_FUT_EAGER_READ, 0, false },
		{ TD_FUT_EAGER_READ, 1, false }, { TD_FUT_ASYNC_READ, 0, false },
		{ TD_FUT_ASYNC_READ, 1, false }, { TD_STR_READER_EAGER_DROPPED, 0, true },
		{ TD_STR_READER_ASYNC_DROPPED, 0, true }, { TD_STR_WRITER_EAGER_DROPPED, 0, false },
		{ TD_STR_WRITER_EAGER_DROPPED, 1, false }, { TD_STR_WRITER_ASYNC_DROPPED, 0, false },
		{ TD_STR_WRITER_ASYNC_DROPPED, 1, false },
	};
	static const flue_core_fn ccore[NCF] = { c_start_future, c_future_write,
		c_ack_future_write, c_start_stream, c_stream_write, c_ack_stream_write,
		c_stream_drop_writable };
	for (uint32_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ex_setup(); /* a fresh $Tester */
		td_case = cases[i].c;
		td_bool = cases[i].b;
		td_last = false;
		struct flue_instance *c = ex_new(), *d = ex_new();
		cws = flue_canon_waitable_set_new(c);
		vt_fut_u8 = VT_FUTURE(ex.u8);
		vt_str_u8 = VT_STREAM(ex.u8);
		ft_ret_fut = (struct flue_functype){ .async = true, .result = &vt_fut_u8 };
		ft_ret_str = (struct flue_functype){ .async = true, .result = &vt_str_u8 };
		const struct flue_functype *cft[NCF] = { &ft_ret_fut, &ft_async_u32, &ft_async,
			&ft_ret_str, &ft_async_u32, &ft_async, &ft_async };
		for (uint32_t k = 0; k < NCF; k++) {
			ex_lift(&cf[k], c, cft[k], FLUE_LIFT_SYNC, ccore[k], 0);
			lower(&lc[k], &cf[k], d, false);
		}
		bool with_bool = td_case == TD_FUT_EAGER_READ || td_case == TD_FUT_ASYNC_READ ||
				 td_case == TD_STR_WRITER_EAGER_DROPPED ||
				 td_case == TD_STR_WRITER_ASYNC_DROPPED;
		ft_d = (struct flue_functype){ .async = true };
		if (with_bool) {
			ft_d.nparams = 1;
			ft_d.params = &vt_bool;
			ft_d.result = td_case >= TD_STR_READER_EAGER_DROPPED ? &vt_str_u8 : &vt_fut_u8;
		}
		ex_lift(&dcase, d, &ft_d, FLUE_LIFT_SYNC, d_trap_if_done, 0);
		struct res r;
		invoke_with(&dcase, td_start, &r);
		/* "cannot write to future/stream after ..." (in C) or "cannot
		 * read from / lift future/stream after ..." (in D). */
		FT_TRUE(td_last);
		trapped(cases[i].writer ? c : d, FLUE_TRAP_NOT_IDLE);
		FT_EQ(ex.ntraps, cases[i].writer ? 2 : 1);
		FT_TRUE(ex.trap_inst == d);
		FT_EQ(ex.trap, cases[i].writer ? FLUE_TRAP_CALLEE_TRAPPED : FLUE_TRAP_NOT_IDLE);
		FT_TRUE(r.done && !r.has);
		FT_EQ(ex_run(), 0);
		ex_done();
	}
}

/* --------------------------------------------------------- empty-wait */

static struct flue_func blocker, unblocker, ew_run;
static struct flue_lowered l_blocker, l_unblocker;
static uint32_t ew_futr, dws;

CORE(ew_blocker) { res[0] = WAIT | cws << 4; }
CB(ew_blocker_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_FUTURE_READ);
	EX_EQ(p1, ew_futr);
	EX_EQ(p2, FLUE_COMPLETED);
	flue_canon_future_drop_readable(inst, ex.unit, ew_futr);
	ret_u32(inst, 42);
	return EXIT;
}
CORE(ew_unblocker) {
	uint64_t fn = flue_canon_future_new(inst, ex.unit);
	ew_futr = (uint32_t)fn;
	EX_EQ(ew_futr, 2);
	uint32_t futw = (uint32_t)(fn >> 32);
	EX_EQ(futw, 3);
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, ew_futr, 0xdeadbeefu), FLUE_BLOCKED);
	flue_canon_waitable_join(inst, ew_futr, cws);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0xdeadbeefu), FLUE_COMPLETED);
	flue_canon_future_drop_writable(inst, ex.unit, futw);
	ret_u32(inst, 43);
	res[0] = EXIT;
}
CORE(ew_d_run) {
	uint32_t ret = c1(&l_blocker, 4);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	uint32_t sub = st_index(ret);
	EX_EQ(sub, 2);
	EX_EQ(c1(&l_unblocker, 8), FLUE_SUBTASK_RETURNED);
	EX_EQ(ld32(inst, 8), 43);
	flue_canon_waitable_join(inst, sub, dws);
	EX_EQ(flue_canon_waitable_set_wait(inst, dws, 8), FLUE_EVENT_CODE_SUBTASK);
	EX_EQ(ld32(inst, 8), sub);
	EX_EQ(ld32(inst, 12), FLUE_SUBTASK_RETURNED);
	EX_EQ(ld32(inst, 4), 42);
	flue_canon_subtask_drop(inst, sub);
	res[0] = 44;
}

FT_TEST(empty_wait)
{
	ex_setup();
	struct flue_instance *c = ex_new(), *d = ex_new();
	cws = flue_canon_waitable_set_new(c);
	dws = flue_canon_waitable_set_new(d);
	ex_lift(&blocker, c, &ft_async_u32, FLUE_LIFT_CALLBACK, ew_blocker, ew_blocker_cb);
	ex_lift(&unblocker, c, &ft_async_u32, FLUE_LIFT_CALLBACK, ew_unblocker, never_cb);
	ex_lift(&ew_run, d, &ft_async_u32, FLUE_LIFT_SYNC, ew_d_run, 0);
	lower(&l_blocker, &blocker, d, true);
	lower(&l_unblocker, &unblocker, d, true);
	struct res r;
	invoke(&ew_run, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 44);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

FT_SUITE(wast, FT_CASE(reenter_sibling_sync_proceeds),
	 FT_CASE(reenter_parent_child), FT_CASE(drop_subtask), FT_CASE(drop_waitable_set),
	 FT_CASE(trap_if_done), FT_CASE(empty_wait))
