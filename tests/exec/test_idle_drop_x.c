/*
 * #720 across components: the $TransferTester part of component-model
 * test/async/idle-drop.wast @ 107f204c, ported (C and D are instances,
 * their core functions C functions; C's start function makes its waitable
 * set first, index 1), and the $Tester's trap-lift-after-notification
 * through a real lift. Plus the motivating case with a callback task: a
 * WAIT on an idle end returns when the peer drops, instead of never.
 * Built-in-level cases: tests/abi/test_idle_drop.c.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

#define SR FLUE_EVENT_CODE_STREAM_READ
#define SW FLUE_EVENT_CODE_STREAM_WRITE

static struct flue_valtype vt_str;
static struct flue_functype ft_u32, ft_ret_str, ft_str_u32, ft_async_str_u32;

static void types(void)
{
	vt_str = VT_STREAM(ex.u8);
	ft_u32 = (struct flue_functype){ .result = &U32 };
	ft_ret_str = (struct flue_functype){ .result = &vt_str };
	ft_str_u32 = (struct flue_functype){ .nparams = 1, .params = &vt_str, .result = &U32 };
	ft_async_str_u32 = (struct flue_functype){ .async = true, .nparams = 1,
						   .params = &vt_str, .result = &U32 };
}

/* ------------------------------------------------------------- $C */

static uint32_t c_ws, c_tx;

CORE(c_make_dropped_stream) {
	uint64_t s = flue_canon_stream_new(inst, ex.u8);
	flue_canon_stream_drop_writable(inst, ex.u8, (uint32_t)(s >> 32));
	res[0] = (uint32_t)s;
}
CORE(c_make_stream) {
	uint64_t s = flue_canon_stream_new(inst, ex.u8);
	c_tx = (uint32_t)(s >> 32);
	flue_canon_waitable_join(inst, c_tx, c_ws);
	res[0] = (uint32_t)s;
}
CORE(c_drop_writable) { flue_canon_stream_drop_writable(inst, ex.u8, c_tx); }
CORE(c_check_writer_notified) {
	EX_EQ(flue_canon_waitable_set_poll(inst, c_ws, 0), SW);
	EX_EQ(ld32(inst, 0), c_tx);
	EX_EQ(ld32(inst, 4), 0x01u); /* DROPPED | 0 << 4 */
	EX_EQ(flue_canon_waitable_set_poll(inst, c_ws, 0), FLUE_EVENT_CODE_NONE);
	flue_canon_stream_drop_writable(inst, ex.u8, c_tx);
	flue_canon_waitable_set_drop(inst, c_ws);
	res[0] = 42;
}
CORE(c_consume_dropped) {
	uint32_t rx = (uint32_t)args[0];
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, rx, 16, 4), 0x01u);
	flue_canon_stream_drop_readable(inst, ex.u8, rx);
	res[0] = 42;
}

enum { MAKE_DROPPED, MAKE, DROP_W, CHECK_W, CONSUME, NC };
static struct flue_func cf[NC];
static struct flue_lowered cl[NC];

/* ------------------------------------------------------------- $D */

static void check_dropped_event(struct flue_instance *inst, uint32_t ws, uint32_t rx)
{
	EX_EQ(flue_canon_waitable_set_poll(inst, ws, 0), SR);
	EX_EQ(ld32(inst, 0), rx);
	EX_EQ(ld32(inst, 4), 0x01u);
	EX_EQ(flue_canon_waitable_set_poll(inst, ws, 0), FLUE_EVENT_CODE_NONE);
}

CORE(d_transfer_as_param) {
	uint64_t s = flue_canon_stream_new(inst, ex.u8);
	flue_canon_stream_drop_writable(inst, ex.u8, (uint32_t)(s >> 32));
	EX_EQ(c1(&cl[CONSUME], (uint32_t)s), 42);
	res[0] = 42;
}
CORE(d_transfer_as_result) {
	uint32_t rx = c0(&cl[MAKE_DROPPED]);
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, rx, 16, 4), 0x01u);
	flue_canon_stream_drop_readable(inst, ex.u8, rx);
	res[0] = 42;
}
/* The notification travelled with the end; it reports D's index. */
CORE(d_transfer_then_park) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	uint32_t rx = c0(&cl[MAKE_DROPPED]);
	flue_canon_waitable_join(inst, rx, ws);
	check_dropped_event(inst, ws, rx);
	flue_canon_stream_drop_readable(inst, ex.u8, rx);
	flue_canon_waitable_set_drop(inst, ws);
	res[0] = 42;
}
CORE(d_notify_writer_in_other_component) {
	flue_canon_stream_drop_readable(inst, ex.u8, c0(&cl[MAKE]));
	EX_EQ(c0(&cl[CHECK_W]), 42);
	res[0] = 42;
}
CORE(d_notify_reader_in_other_component) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	uint32_t rx = c0(&cl[MAKE]);
	flue_canon_waitable_join(inst, rx, ws);
	(void)c0(&cl[DROP_W]);
	check_dropped_event(inst, ws, rx);
	flue_canon_stream_drop_readable(inst, ex.u8, rx);
	flue_canon_waitable_set_drop(inst, ws);
	res[0] = 42;
}

/* A fresh `component instance $i $TransferTester`; runs D's export `d`. */
static void transfer_tester(flue_core_fn d)
{
	static const flue_core_fn ccore[NC] = { c_make_dropped_stream, c_make_stream,
		c_drop_writable, c_check_writer_notified, c_consume_dropped };
	ex_setup();
	types();
	struct flue_instance *c = ex_new(), *dd = ex_new();
	c_ws = flue_canon_waitable_set_new(c); /* $C's start */
	FT_EQ(c_ws, 1);
	const struct flue_functype *cft[NC] = { &ft_ret_str, &ft_ret_str, &ft_sync, &ft_u32,
						&ft_str_u32 };
	for (uint32_t k = 0; k < NC; k++) {
		ex_lift(&cf[k], c, cft[k], FLUE_LIFT_SYNC, ccore[k], 0);
		lower(&cl[k], &cf[k], dd, false);
	}
	struct flue_func df;
	ex_lift(&df, dd, &ft_u32, FLUE_LIFT_SYNC, d, 0);
	struct res r;
	invoke(&df, &r);
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex_run(), 0);
	ex_done();
}

FT_TEST(transfer_as_param) { transfer_tester(d_transfer_as_param); }
FT_TEST(transfer_as_result) { transfer_tester(d_transfer_as_result); }
FT_TEST(transfer_then_park) { transfer_tester(d_transfer_then_park); }
FT_TEST(notify_writer_in_other_component)
{
	transfer_tester(d_notify_writer_in_other_component);
}
FT_TEST(notify_reader_in_other_component)
{
	transfer_tester(d_notify_reader_in_other_component);
}

/* ------------------------------------------- $Tester: lift after notice */

/* The export returns the notified (DONE) readable end: lifting it traps
 * (flue's reason for a DONE end is NOT_IDLE). */
CORE(t_trap_lift_after_notification) {
	uint32_t ws = flue_canon_waitable_set_new(inst);
	uint64_t s = flue_canon_stream_new(inst, ex.u8);
	uint32_t rx = (uint32_t)s;
	flue_canon_waitable_join(inst, rx, ws);
	flue_canon_stream_drop_writable(inst, ex.u8, (uint32_t)(s >> 32));
	EX_EQ(flue_canon_waitable_set_poll(inst, ws, 0), SR);
	EX_EQ(ld32(inst, 0), rx);
	EX_EQ(ld32(inst, 4), 0x01u);
	flue_canon_waitable_join(inst, rx, 0);
	res[0] = rx;
}

FT_TEST(trap_lift_after_notification)
{
	ex_setup();
	types();
	struct flue_instance *t = ex_new();
	struct flue_func f;
	ex_lift(&f, t, &ft_ret_str, FLUE_LIFT_SYNC, t_trap_lift_after_notification, 0);
	struct res r;
	invoke(&f, &r);
	trapped(t, FLUE_TRAP_NOT_IDLE);
	FT_EQ(ex.ntraps, 1);
	FT_TRUE(r.done && !r.has);
	FT_EQ(ex_run(), 0);
	ex_done();
}

/* ------------------------------------- a callback WAIT on an idle end */

/* C watches a readable end handed to it by the host: it joins it to a set
 * and WAITs with no read in progress. The host drops its writable end
 * (after the call started, or before it: the notification then travels
 * with the end). The callback gets (STREAM_READ, rx, DROPPED|0) once and
 * returns 42; without #720 it would wait forever. */
static uint32_t host_r, host_w, watched;
static bool cb_ran;

static void watch_start(void *user, struct flue_values *a)
{
	a->v[0] = host_r;
}
CORE(c_watch) {
	watched = (uint32_t)args[0];
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, watched, ws);
	res[0] = WAIT | ws << 4;
}
CB(c_watch_cb) {
	cb_ran = true;
	EX_EQ(ev, SR);
	EX_EQ(p1, watched);
	EX_EQ(p2, 0x01u);
	flue_canon_stream_drop_readable(inst, ex.u8, watched);
	ret_u32(inst, 42);
	return EXIT;
}

static void watch(bool drop_first)
{
	ex_setup();
	types();
	struct flue_instance *c = ex_new();
	struct flue_func f;
	ex_lift(&f, c, &ft_async_str_u32, FLUE_LIFT_CALLBACK, c_watch, c_watch_cb);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &host_r, &host_w), 0);
	if (drop_first)
		FT_EQ(flue_host_drop(ex.host, host_w), 0);
	cb_ran = false;
	flue_call_t call;
	struct res r = { 0 };
	FT_EQ(flue_invoke(&f, ex.host, watch_start, on_res, &r, &call), 0);
	if (!drop_first) {
		FT_FALSE(r.done);
		FT_FALSE(cb_ran);
		FT_EQ(flue_host_drop(ex.host, host_w), 0);
	}
	FT_EQ(ex_run(), 0);
	FT_TRUE(cb_ran);
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, 42);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

FT_TEST(callback_wait_on_idle_end_woken_by_drop) { watch(false); }
FT_TEST(callback_wait_on_end_passed_after_drop) { watch(true); }

FT_SUITE(idle_drop_x,
	 FT_CASE(transfer_as_param),
	 FT_CASE(transfer_as_result),
	 FT_CASE(transfer_then_park),
	 FT_CASE(notify_writer_in_other_component),
	 FT_CASE(notify_reader_in_other_component),
	 FT_CASE(trap_lift_after_notification),
	 FT_CASE(callback_wait_on_idle_end_woken_by_drop),
	 FT_CASE(callback_wait_on_end_passed_after_drop))
