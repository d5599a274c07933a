/*
 * component-model test/async/ *.wast behaviours (@ 6d28164), part two (see
 * test_wast.c for the conventions), and the executor's own task traps,
 * context slots and the entry gate under backpressure.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"


static const struct flue_functype ft_sync_u32 = { .async = false, .result = &U32 };
static const struct flue_functype ft_sync_p_u32 = { .async = false, .nparams = 1, .params = &U32 };

static uint32_t ld16(struct flue_instance *i, uint32_t o)
{
	return (uint32_t)ex_mem(i)[o] | (uint32_t)ex_mem(i)[o + 1] << 8;
}
static void st32(struct flue_instance *i, uint32_t o, uint32_t v)
{
	for (uint32_t k = 0; k < 4; k++)
		ex_mem(i)[o + k] = (uint8_t)(v >> 8 * k);
}
CB(never_cb) { EX_TRUE(false); return EXIT; }
static struct flue_valtype vt_str_u8, vt_fut_u8;

/* ----------------------------------------------------- sync-barges-in */

/* The resource variants (unblock through resource.drop: 91, 93, 95, 97)
 * need resources, which flue does not have: left out. */
enum { SB_BLOCKER, SB_BLOCKER_CB, SB_UNBLOCKER, SB_YIELDER, SB_YIELDER_CB, SB_POKER, SB_N };
static struct flue_func sb_f[SB_N], sb_run;
static struct flue_lowered sb_l[SB_N];
static uint32_t cws, unblock_value;
static bool poked;

CORE(sb_blocker) {
	EX_EQ(flue_canon_waitable_set_wait(inst, cws, 0), FLUE_EVENT_CODE_FUTURE_READ);
	EX_EQ(ld32(inst, 4), FLUE_COMPLETED);
	ret_u32(inst, unblock_value);
}
CORE(sb_blocker_cb) { res[0] = WAIT | cws << 4; }
CB(sb_blocker_cb_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_FUTURE_READ);
	EX_EQ(p2, FLUE_COMPLETED);
	ret_u32(inst, unblock_value);
	return EXIT;
}
CORE(sb_unblocker) {
	uint64_t fn = flue_canon_future_new(inst, ex.unit);
	uint32_t futr = (uint32_t)fn, futw = (uint32_t)(fn >> 32);
	EX_EQ(flue_canon_future_read(inst, ex.unit, ASYNC, futr, 0xdeadbeefu), FLUE_BLOCKED);
	flue_canon_waitable_join(inst, futr, cws);
	EX_EQ(flue_canon_future_write(inst, ex.unit, ASYNC, futw, 0xdeadbeefu), FLUE_COMPLETED);
	unblock_value = (uint32_t)args[0];
}
CORE(sb_yielder) {
	poked = false;
	do
		(void)flue_canon_thread_yield(inst);
	while (!poked);
	ret_u32(inst, unblock_value);
}
CORE(sb_yielder_cb) { poked = false; res[0] = YIELD; }
CB(sb_yielder_cb_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_NONE);
	EX_EQ(p1, 0);
	EX_EQ(p2, 0);
	if (!poked)
		return YIELD;
	ret_u32(inst, unblock_value);
	return EXIT;
}
CORE(sb_poker) { poked = true; unblock_value = (uint32_t)args[0]; }
CORE(sb_d_run) {
	static const uint32_t callee[4] = { SB_BLOCKER, SB_BLOCKER_CB, SB_YIELDER, SB_YIELDER_CB };
	static const uint32_t unblock[4] = { SB_UNBLOCKER, SB_UNBLOCKER, SB_POKER, SB_POKER };
	for (uint32_t i = 0; i < 4; i++) {
		uint32_t ret = c1(&sb_l[callee[i]], 8);
		EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
		uint32_t sub = st_index(ret);
		(void)c1(&sb_l[unblock[i]], 90 + 2 * i); /* sync-typed: barges in */
		/* wait-for-return */
		uint32_t ws = flue_canon_waitable_set_new(inst);
		flue_canon_waitable_join(inst, sub, ws);
		EX_EQ(flue_canon_waitable_set_wait(inst, ws, 32), FLUE_EVENT_CODE_SUBTASK);
		EX_EQ(ld32(inst, 32), sub);
		EX_EQ(ld32(inst, 36), FLUE_SUBTASK_RETURNED);
		EX_EQ(ld32(inst, 8), 90 + 2 * i);
		flue_canon_subtask_drop(inst, sub);
		flue_canon_waitable_set_drop(inst, ws);
	}
	res[0] = 100;
}

FT_TEST(sync_barges_in)
{
	ex_setup();
	struct flue_instance *c = ex_new(), *d = ex_new();
	cws = flue_canon_waitable_set_new(c);
	ex_lift(&sb_f[SB_BLOCKER], c, &ft_async_u32, FLUE_LIFT_STACKFUL, sb_blocker, 0);
	ex_lift(&sb_f[SB_BLOCKER_CB], c, &ft_async_u32, FLUE_LIFT_CALLBACK, sb_blocker_cb,
		sb_blocker_cb_cb);
	ex_lift(&sb_f[SB_UNBLOCKER], c, &ft_sync_p_u32, FLUE_LIFT_SYNC, sb_unblocker, 0);
	ex_lift(&sb_f[SB_YIELDER], c, &ft_async_u32, FLUE_LIFT_STACKFUL, sb_yielder, 0);
	ex_lift(&sb_f[SB_YIELDER_CB], c, &ft_async_u32, FLUE_LIFT_CALLBACK, sb_yielder_cb,
		sb_yielder_cb_cb);
	ex_lift(&sb_f[SB_POKER], c, &ft_sync_p_u32, FLUE_LIFT_SYNC, sb_poker, 0);
	for (uint32_t i = 0; i < SB_N; i++)
		lower(&sb_l[i], &sb_f[i], d, i != SB_UNBLOCKER && i != SB_POKER);
	ex_lift(&sb_run, d, &ft_async_u32, FLUE_LIFT_SYNC, sb_d_run, 0);
	struct res r;
	invoke(&sb_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 100);
	ex_done();
}

/* -------------------------------------- during a sync call (#705) */

/*
 * during-sync-call-no-exclusive-resume.wast is gone: since #705 the nested
 * loop of a sync-blocked call may resume every ready thread, parked
 * callbacks that need the instance's exclusive lock included (the port of
 * the wast that replaced it, during-sync-call-exclusive-resume, is in
 * test_sync_sched.c). Kept from the old port: a sync-typed export of X
 * blocks until a stackful task of X has yielded four times, while X's
 * parked callback tasks (YIELD) are ready too; they now run in between.
 */
static struct flue_func ne_arm, ne_block, ne_setup, ne_run;
static struct flue_lowered ne_l;
static bool in_sync, finish, ne_stop;
static uint32_t cb_in_sync, rounds;

CORE(ne_arm_core) { ret_u32(inst, 1); res[0] = YIELD; }
CB(ne_never_cb) {
	if (in_sync)
		cb_in_sync++;
	return finish ? EXIT : YIELD;
}
CORE(ne_setup_core) {
	ret_u32(inst, 1);
	while (!ne_stop) {
		rounds++;
		(void)flue_canon_thread_yield(inst);
	}
}
static bool rounds_reached(void *t) { return rounds >= *(const uint32_t *)t; }
CORE(ne_block_ok) {
	in_sync = true;
	uint32_t base = rounds;
	for (uint32_t r = 1; r <= 4; r++) {
		uint32_t target = base + r;
		(void)flue_wait_until(&ex.store, rounds_reached, &target, false);
	}
	EX_EQ(rounds, base + 4);
	in_sync = false;
	ne_stop = true;
	res[0] = 42;
}
CORE(ne_driver) { res[0] = c0(&ne_l); }

FT_TEST(sync_call_resumes_parked_callbacks_and_stackful)
{
	ex_setup();
	in_sync = finish = ne_stop = false;
	cb_in_sync = rounds = 0;
	struct flue_instance *x = ex_new(), *y = ex_new();
	ex_lift(&ne_setup, x, &ft_async_u32, FLUE_LIFT_STACKFUL, ne_setup_core, 0);
	ex_lift(&ne_arm, x, &ft_async_u32, FLUE_LIFT_CALLBACK, ne_arm_core, ne_never_cb);
	ex_lift(&ne_block, x, &ft_sync_u32, FLUE_LIFT_SYNC, ne_block_ok, 0);
	ex_lift(&ne_run, y, &ft_sync_u32, FLUE_LIFT_SYNC, ne_driver, 0);
	lower(&ne_l, &ne_block, y, false);
	struct res r;
	invoke(&ne_setup, &r);
	FT_TRUE(r.done && r.v == 1);
	for (int i = 0; i < 3; i++) {
		invoke(&ne_arm, &r);
		FT_TRUE(r.done && r.v == 1);
	}
	invoke(&ne_run, &r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_TRUE(cb_in_sync >= 3); /* each armed callback ran during the call */
	finish = true;
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* -------------------------------------------------- futures-must-write */

static struct flue_func fm_f[3], fm_read, fm_write;
static struct flue_lowered fm_l[3];
static uint32_t fw;
static struct flue_functype ft_sync_fut;
static bool fm_last;

CORE(fm_start) {
	uint64_t fn = flue_canon_future_new(inst, ex.u8);
	fw = (uint32_t)(fn >> 32);
	res[0] = (uint32_t)fn;
}
CORE(fm_attempt) {
	EX_EQ(flue_canon_future_write(inst, ex.u8, ASYNC, fw, 42), FLUE_DROPPED);
	res[0] = 42;
}
CORE(fm_drop_writable) { flue_canon_future_drop_writable(inst, ex.u8, fw); }
CORE(fm_before_read) {
	uint32_t fr = c0(&fm_l[0]);
	EX_EQ(fr, 1);
	flue_canon_future_drop_readable(inst, ex.u8, fr);
	res[0] = c0(&fm_l[1]);
}
CORE(fm_before_write) {
	EX_EQ(c0(&fm_l[0]), 1);
	fm_last = true;
	(void)c0(&fm_l[2]);
	EX_TRUE(false);
}

FT_TEST(futures_must_write)
{
	ex_setup();
	fm_last = false;
	struct flue_instance *c = ex_new(), *d = ex_new();
	vt_fut_u8 = VT_FUTURE(ex.u8);
	ft_sync_fut = (struct flue_functype){ .result = &vt_fut_u8 };
	ex_lift(&fm_f[0], c, &ft_sync_fut, FLUE_LIFT_SYNC, fm_start, 0);
	ex_lift(&fm_f[1], c, &ft_sync_u32, FLUE_LIFT_SYNC, fm_attempt, 0);
	ex_lift(&fm_f[2], c, &ft_sync, FLUE_LIFT_SYNC, fm_drop_writable, 0);
	for (uint32_t i = 0; i < 3; i++)
		lower(&fm_l[i], &fm_f[i], d, false);
	ex_lift(&fm_read, d, &ft_sync_u32, FLUE_LIFT_SYNC, fm_before_read, 0);
	ex_lift(&fm_write, d, &ft_sync, FLUE_LIFT_SYNC, fm_before_write, 0);
	struct res r;
	invoke(&fm_read, &r);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex.ntraps, 0);
	invoke(&fm_write, &r);
	FT_TRUE(fm_last);
	/* "cannot drop future write end without first writing a value" */
	trapped(c, FLUE_TRAP_FUTURE_NOT_DONE);
	trapped(d, FLUE_TRAP_CALLEE_TRAPPED);
	FT_EQ(ex.ntraps, 2);
	FT_TRUE(r.done && !r.has);
	FT_EQ(ex_run(), 0);
	ex_done();
}

/* --------------------------------------- trap-if-sync-and-waitable-set */

/*
 * Cases 0..7: bit 0 writable end, bit 1 stream (else future), bit 2 a
 * synchronous cancel of an async op (else a synchronous op); case 8: a
 * synchronous subtask.cancel, case 9 an async one (#715: both trap on a
 * subtask in a set). The join-during-sync-* cases spawn a thread
 * (thread.new-indirect, not in flue) that blocks in a synchronous op; here
 * that thread is a second, stackful task of the same instance.
 */
static struct flue_func ts_main, ts_bf, ts_sync_op, ts_join;
static struct flue_lowered ts_l;
static uint32_t ts_case, ts_end;
static bool ts_last;

static uint32_t ts_new_end(struct flue_instance *inst, bool stream, bool writable)
{
	uint64_t p = stream ? flue_canon_stream_new(inst, ex.u8) : flue_canon_future_new(inst, ex.unit);
	return writable ? (uint32_t)(p >> 32) : (uint32_t)p;
}
static uint32_t ts_op(struct flue_instance *inst, uint32_t c, uint32_t opts)
{
	bool w = c & 1u, s = c & 2u;
	if (s)
		return w ? flue_canon_stream_write(inst, ex.u8, opts, ts_end, 0, 4)
			 : flue_canon_stream_read(inst, ex.u8, opts, ts_end, 0, 4);
	return w ? flue_canon_future_write(inst, ex.unit, opts, ts_end, 0)
		 : flue_canon_future_read(inst, ex.unit, opts, ts_end, 0);
}
CORE(ts_main_core) {
	uint32_t c = ts_case;
	if (c >= 8) {
		uint32_t ret = c1(&ts_l, 0);
		EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
		flue_canon_waitable_join(inst, st_index(ret), flue_canon_waitable_set_new(inst));
		ts_last = true;
		(void)flue_canon_subtask_cancel(inst, c == 9 ? ASYNC : 0, st_index(ret));
		EX_TRUE(false);
		return;
	}
	bool w = c & 1u, s = c & 2u;
	ts_end = ts_new_end(inst, s, w);
	if (c & 4u)
		EX_EQ(ts_op(inst, c, ASYNC), FLUE_BLOCKED);
	flue_canon_waitable_join(inst, ts_end, flue_canon_waitable_set_new(inst));
	ts_last = true;
	if (!(c & 4u))
		(void)ts_op(inst, c, 0);
	else if (s)
		(void)(w ? flue_canon_stream_cancel_write(inst, ex.u8, 0, ts_end)
			 : flue_canon_stream_cancel_read(inst, ex.u8, 0, ts_end));
	else
		(void)(w ? flue_canon_future_cancel_write(inst, ex.unit, 0, ts_end)
			 : flue_canon_future_cancel_read(inst, ex.unit, 0, ts_end));
	EX_TRUE(false);
}
CORE(ts_blocks_forever) { res[0] = WAIT | flue_canon_waitable_set_new(inst) << 4; }
CORE(ts_sync_op_core) {
	ts_end = ts_new_end(inst, ts_case & 2u, ts_case & 1u);
	(void)ts_op(inst, ts_case, 0); /* blocks: a synchronous waiter */
	EX_TRUE(false);
}
CORE(ts_join_core) {
	ts_last = true;
	flue_canon_waitable_join(inst, ts_end, flue_canon_waitable_set_new(inst));
	EX_TRUE(false);
}

FT_TEST(trap_if_sync_and_waitable_set)
{
	/* "waitable cannot be used synchronously while added to a waitable set" */
	for (uint32_t c = 0; c <= 9; c++) {
		ex_setup();
		ts_case = c;
		ts_last = false;
		struct flue_instance *m = ex_new(), *cc = ex_new();
		ex_lift(&ts_main, m, &ft_async, FLUE_LIFT_SYNC, ts_main_core, 0);
		ex_lift(&ts_bf, cc, &ft_async_u32, FLUE_LIFT_CALLBACK, ts_blocks_forever, never_cb);
		lower(&ts_l, &ts_bf, m, true);
		struct res r;
		invoke(&ts_main, &r);
		FT_TRUE(ts_last);
		trapped(m, c >= 8 ? FLUE_TRAP_CANCEL_IN_SET : FLUE_TRAP_SYNC_IN_SET);
		FT_EQ(ex.ntraps, 1);
		FT_TRUE(ex.trap_inst == m);
		FT_TRUE(r.done && !r.has);
		/* cases 8, 9: blocks-forever still waits on its empty set */
		FT_EQ(ex_run(), c >= 8 ? FLUE_EDEADLK : 0);
		ex_done();
	}
	for (uint32_t c = 0; c < 4; c++) { /* join-during-sync-{future,stream}-{read,write} */
		ex_setup();
		ts_case = c;
		ts_last = false;
		struct flue_instance *m = ex_new();
		ex_lift(&ts_sync_op, m, &ft_async, FLUE_LIFT_STACKFUL, ts_sync_op_core, 0);
		ex_lift(&ts_join, m, &ft_async, FLUE_LIFT_SYNC, ts_join_core, 0);
		struct res r1, r2;
		invoke(&ts_sync_op, &r1);
		FT_FALSE(r1.done);
		invoke(&ts_join, &r2);
		FT_TRUE(ts_last);
		trapped(m, FLUE_TRAP_SYNC_WAITER);
		FT_EQ(ex.ntraps, 1);
		FT_TRUE(r1.done && !r1.has);
		FT_TRUE(r2.done && !r2.has);
		/* The task blocked in the sync op unwinds when resumed, through a
		 * POISONED trap of its instance, which the hook sees too. */
		FT_EQ(ex_run(), 0);
		FT_EQ(ex.ntraps, 2);
		FT_EQ(ex.trap, FLUE_TRAP_POISONED);
		FT_EQ(m->trap_reason, FLUE_TRAP_SYNC_WAITER);
		ex_done();
	}
}

/* -------------------------------------------------------- zero-length */

static struct flue_func zl_produce, zl_consume, zl_run;
static struct flue_lowered zl_lp, zl_lc;
static uint32_t pws, cnws, outsw, insr, zl_state;
static struct flue_functype ft_ret_str, ft_str_u32, ft_str_str;

CORE(zl_produce_core) {
	uint64_t sn = flue_canon_stream_new(inst, ex.u8);
	flue_flat_t outsr = (uint32_t)sn;
	outsw = (uint32_t)(sn >> 32);
	flue_canon_task_return(inst, &vt_str_u8, &outsr, 1);
	EX_EQ(flue_canon_stream_write(inst, ex.u8, ASYNC, outsw, 0xdeadbeefu, 0), FLUE_BLOCKED);
	flue_canon_waitable_join(inst, outsw, pws);
	res[0] = WAIT | pws << 4;
}
CB(zl_produce_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_STREAM_WRITE);
	EX_EQ(p1, outsw);
	if (zl_state == 0) {
		EX_EQ(p2, 0); /* COMPLETED | 0 << 4 */
		st32(inst, 0, 0x12345678u);
		EX_EQ(flue_canon_stream_write(inst, ex.u8, ASYNC, outsw, 0, 4), FLUE_BLOCKED);
		zl_state = 1;
		return WAIT | pws << 4;
	}
	EX_EQ(zl_state, 1);
	EX_EQ(p2, 0x41); /* DROPPED | 4 << 4 */
	flue_canon_stream_drop_writable(inst, ex.u8, outsw);
	zl_state = 2;
	return EXIT;
}
CORE(zl_consume_core) {
	insr = (uint32_t)args[0];
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, insr, 0xdeadbeefu, 0), FLUE_BLOCKED);
	flue_canon_waitable_join(inst, insr, cnws);
	res[0] = WAIT | cnws << 4;
}
CB(zl_consume_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_STREAM_READ);
	EX_EQ(p1, insr);
	EX_EQ(p2, 0);
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, insr, 0, 100), 0x40);
	EX_EQ(ld32(inst, 0), 0x12345678u);
	flue_canon_stream_drop_readable(inst, ex.u8, insr);
	ret_u32(inst, 42);
	return EXIT;
}
CORE(zl_run_core) { res[0] = c1(&zl_lc, c0(&zl_lp)); }

FT_TEST(zero_length)
{
	ex_setup();
	zl_state = 0;
	struct flue_instance *p = ex_new(), *c = ex_new(), *pa = ex_new();
	pws = flue_canon_waitable_set_new(p);
	cnws = flue_canon_waitable_set_new(c);
	vt_str_u8 = VT_STREAM(ex.u8);
	ft_ret_str = (struct flue_functype){ .async = true, .result = &vt_str_u8 };
	ft_str_u32 = (struct flue_functype){ .async = true, .nparams = 1, .params = &vt_str_u8,
					     .result = &U32 };
	ex_lift(&zl_produce, p, &ft_ret_str, FLUE_LIFT_CALLBACK, zl_produce_core, zl_produce_cb);
	ex_lift(&zl_consume, c, &ft_str_u32, FLUE_LIFT_CALLBACK, zl_consume_core, zl_consume_cb);
	ex_lift(&zl_run, pa, &ft_async_u32, FLUE_LIFT_SYNC, zl_run_core, 0);
	lower(&zl_lp, &zl_produce, pa, false);
	lower(&zl_lc, &zl_consume, pa, false);
	struct res r;
	invoke(&zl_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(zl_state, 2);
	ex_done();
}

/* ----------------------------------------------- partial-stream-copies */

static struct flue_func pc_transform, pc_run;
static struct flue_lowered pc_l;
static uint32_t pc_insr, pc_outsw;
static bool pc_cb_done;

CORE(pc_transform_core) {
	pc_insr = (uint32_t)args[0];
	EX_EQ(pc_insr, 2);
	uint64_t sn = flue_canon_stream_new(inst, ex.u8);
	flue_flat_t outsr = (uint32_t)sn;
	EX_EQ(outsr, 3);
	pc_outsw = (uint32_t)(sn >> 32);
	EX_EQ(pc_outsw, 4);
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, pc_insr, 0x10, 12), FLUE_BLOCKED);
	flue_canon_task_return(inst, &vt_str_u8, &outsr, 1);
	flue_canon_waitable_join(inst, pc_insr, cws);
	flue_canon_waitable_join(inst, pc_outsw, cws);
	res[0] = WAIT | cws << 4;
}
CB(pc_transform_cb) {
	EX_EQ(ev, FLUE_EVENT_CODE_STREAM_READ);
	EX_EQ(p1, pc_insr);
	EX_EQ(p2, 0xc0);
	EX_EQ(ld32(inst, 0x10), 0x89abcdefu);
	EX_EQ(ld32(inst, 0x14), 0x01234567u);
	EX_EQ(ld32(inst, 0x18), 0x89abcdefu);
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, pc_insr, 0x10, 4), 0x40);
	EX_EQ(ld32(inst, 0x10), 0x76543210u);
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, pc_insr, 0x10, 2), 0x20);
	EX_EQ(ld16(inst, 0x10), 0xba98u);
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, pc_insr, 0x10, 8), 0x60);
	EX_EQ(ld32(inst, 0x10), 0x3210fedcu);
	EX_EQ(ld16(inst, 0x14), 0x7654u);
	flue_canon_stream_drop_readable(inst, ex.u8, pc_insr);
	flue_canon_stream_drop_writable(inst, ex.u8, pc_outsw);
	pc_cb_done = true;
	return EXIT;
}
CORE(pc_run_core) {
	uint64_t sn = flue_canon_stream_new(inst, ex.u8);
	uint32_t in_r = (uint32_t)sn, in_w = (uint32_t)(sn >> 32);
	EX_EQ(in_r, 1);
	EX_EQ(in_w, 2);
	EX_EQ(c2(&pc_l, in_r, 8), FLUE_SUBTASK_RETURNED);
	uint32_t outsr = ld32(inst, 8);
	EX_EQ(outsr, 1);
	st32(inst, 16, 0x89abcdefu);
	st32(inst, 20, 0x01234567u);
	EX_EQ(flue_canon_stream_write(inst, ex.u8, ASYNC, in_w, 16, 8), 0x80);
	EX_EQ(flue_canon_stream_write(inst, ex.u8, ASYNC, in_w, 16, 8), 0x40);
	st32(inst, 16, 0x76543210u);
	st32(inst, 20, 0xfedcba98u);
	st32(inst, 24, 0x76543210u);
	EX_EQ(flue_canon_stream_write(inst, ex.u8, ASYNC, in_w, 16, 12), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, in_w, ws);
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, 0), FLUE_EVENT_CODE_STREAM_WRITE);
	EX_EQ(ld32(inst, 0), in_w);
	EX_EQ(ld32(inst, 4), 0xc1); /* DROPPED | 12 << 4 */
	flue_canon_stream_drop_writable(inst, ex.u8, in_w);
	flue_canon_stream_drop_readable(inst, ex.u8, outsr);
	res[0] = 42;
}

FT_TEST(partial_stream_copies)
{
	ex_setup();
	pc_cb_done = false;
	struct flue_instance *c = ex_new(), *d = ex_new();
	cws = flue_canon_waitable_set_new(c);
	vt_str_u8 = VT_STREAM(ex.u8);
	ft_str_str = (struct flue_functype){ .async = true, .nparams = 1, .params = &vt_str_u8,
					     .result = &vt_str_u8 };
	ex_lift(&pc_transform, c, &ft_str_str, FLUE_LIFT_CALLBACK, pc_transform_core,
		pc_transform_cb);
	ex_lift(&pc_run, d, &ft_async_u32, FLUE_LIFT_SYNC, pc_run_core, 0);
	lower(&pc_l, &pc_transform, d, true);
	struct res r;
	invoke(&pc_run, &r);
	FT_EQ(ex_run(), 0);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(pc_cb_done);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	ex_done();
}

FT_SUITE(wastb, FT_CASE(sync_barges_in),
	 FT_CASE(sync_call_resumes_parked_callbacks_and_stackful), FT_CASE(futures_must_write),
	 FT_CASE(trap_if_sync_and_waitable_set), FT_CASE(zero_length),
	 FT_CASE(partial_stream_copies))
