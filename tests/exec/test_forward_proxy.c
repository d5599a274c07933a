/*
 * stream.forward across components (#717), against the library built with
 * FLUE_CONFIG_FORWARD=1: the $ProxyTester and $PingPongTester components
 * of component-model test/async/forward.wast @ 26e6ea9d, ported as in
 * test_wast.c (each wast component with core code is one instance, its
 * core functions are C functions calling the built-ins, sync lifts and
 * sync lowers as in the wast; `unreachable` is EX_TRUE(false)); the same
 * return codes, handle indices, events and bytes are asserted.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

#define PK(result, n) ((uint32_t)(result) | (uint32_t)(n) << 4)
#define C4 PK(FLUE_COMPLETED, 4)

static struct flue_valtype vs; /* stream<u8>, once ex.u8 exists */
static const struct flue_valtype S32 = { .kind = FLUE_VAL_S32 };
static struct flue_functype ft_ret_stream, ft_stream_to_stream, ft_take_stream;
static const struct flue_functype ft_sync_u32 = { .async = false, .result = &U32 };
static const struct flue_functype ft_u32_to_s32 = { .nparams = 1, .params = &U32,
						     .result = &S32 };

static void types(void)
{
	vs = VT_STREAM(ex.u8);
	ft_ret_stream = (struct flue_functype){ .result = &vs };
	ft_stream_to_stream = (struct flue_functype){ .nparams = 1, .params = &vs, .result = &vs };
	ft_take_stream = (struct flue_functype){ .nparams = 1, .params = &vs };
}

static void st32(struct flue_instance *i, uint32_t o, uint32_t v)
{
	for (uint32_t k = 0; k < 4; k++)
		ex_mem(i)[o + k] = (uint8_t)(v >> 8 * k);
}

static uint32_t rd(struct flue_instance *i, uint32_t e, uint32_t p, uint32_t n)
{
	return flue_canon_stream_read(i, ex.u8, ASYNC, e, p, n);
}

static uint32_t wr(struct flue_instance *i, uint32_t e, uint32_t p, uint32_t n)
{
	return flue_canon_stream_write(i, ex.u8, ASYNC, e, p, n);
}

/* Invoke sync export f (result u32) and check it returned `want`. */
static void run_expect(struct flue_func *f, uint64_t want)
{
	struct res r;
	invoke(f, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
	FT_EQ(r.v, want);
	FT_EQ(ex.ntraps, 0);
}

/* ------------------------------------------------------- ProxyTester */

/* $P produces a stream, $X splices it into a stream of its own and hands
 * that readable end on, $D consumes it: $X gives up both handles in one
 * call, so the copy from $P to $D runs with $X holding no end at all. */
enum { PX_START, PX_WRITE4, PX_PROXY, PX_N };
static struct flue_func px_f[PX_N], px_d[3];
static struct flue_lowered px_l[PX_N];
static struct flue_instance *pp, *px, *pd;
static uint32_t p_w;

CORE(p_start) {
	uint64_t v = flue_canon_stream_new(inst, ex.u8);
	p_w = (uint32_t)(v >> 32);
	res[0] = (uint32_t)v;
}
CORE(p_write4) {
	st32(inst, 0, 0x04030201u);
	res[0] = wr(inst, p_w, 0, 4);
}
CORE(x_proxy) {
	uint64_t v = flue_canon_stream_new(inst, ex.u8);
	flue_canon_stream_forward(inst, ex.u8, (uint32_t)args[0], (uint32_t)(v >> 32));
	res[0] = (uint32_t)v;
}
static uint32_t d_rq(void)
{
	return c1(&px_l[PX_PROXY], c0(&px_l[PX_START]));
}
CORE(d_read_then_write) {
	uint32_t rq = d_rq();
	EX_EQ(rd(inst, rq, 8, 4), FLUE_BLOCKED);
	/* $P's write meets $D's read though $X made the stream $D reads */
	EX_EQ(c0(&px_l[PX_WRITE4]), C4);
	EX_EQ(ld32(inst, 8), 0x04030201u);
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, rq, ws);
	EX_EQ(flue_canon_waitable_set_poll(inst, ws, 32), FLUE_EVENT_CODE_STREAM_READ);
	EX_EQ(ld32(inst, 32), rq);
	EX_EQ(ld32(inst, 36), C4);
	res[0] = 42;
}
CORE(d_write_then_read) {
	uint32_t rq = d_rq();
	EX_EQ(c0(&px_l[PX_WRITE4]), FLUE_BLOCKED);
	EX_EQ(rd(inst, rq, 8, 4), C4);
	EX_EQ(ld32(inst, 8), 0x04030201u);
	res[0] = 43;
}
CORE(d_drop_reader) {
	uint32_t rq = d_rq();
	flue_canon_stream_drop_readable(inst, ex.u8, rq); /* visible to $P */
	EX_EQ(c0(&px_l[PX_WRITE4]), PK(FLUE_DROPPED, 0));
	res[0] = 44;
}

static void proxy_setup(void)
{
	ex_setup();
	types();
	pp = ex_new();
	px = ex_new();
	pd = ex_new();
	ex_lift(&px_f[PX_START], pp, &ft_ret_stream, FLUE_LIFT_SYNC, p_start, 0);
	ex_lift(&px_f[PX_WRITE4], pp, &ft_sync_u32, FLUE_LIFT_SYNC, p_write4, 0);
	ex_lift(&px_f[PX_PROXY], px, &ft_stream_to_stream, FLUE_LIFT_SYNC, x_proxy, 0);
	for (uint32_t i = 0; i < PX_N; i++)
		lower(&px_l[i], &px_f[i], pd, false);
	ex_lift(&px_d[0], pd, &ft_sync_u32, FLUE_LIFT_SYNC, d_read_then_write, 0);
	ex_lift(&px_d[1], pd, &ft_sync_u32, FLUE_LIFT_SYNC, d_write_then_read, 0);
	ex_lift(&px_d[2], pd, &ft_sync_u32, FLUE_LIFT_SYNC, d_drop_reader, 0);
}

/* $X ends every call with an empty table: its incoming reader (1) and its
 * new stream's writer (3) were forwarded, its new reader (2) returned. */
static void x_holds_nothing(void)
{
	for (uint32_t i = 1; i < 4; i++)
		FT_EQ(px->handles[i].kind, FLUE_H_FREE);
}

FT_TEST(proxy_read_then_write)
{
	proxy_setup();
	run_expect(&px_d[0], 42);
	x_holds_nothing();
}

FT_TEST(proxy_write_then_read)
{
	proxy_setup();
	run_expect(&px_d[1], 43);
	x_holds_nothing();
}

FT_TEST(proxy_drop_reader)
{
	proxy_setup();
	run_expect(&px_d[2], 44);
	x_holds_nothing();
}

/* ---------------------------------------------------- PingPongTester */

/* One stream forwarded five times between $C and $D, which take turns
 * splicing the chain into a stream of their own; after every splice the
 * surviving writer writes and the surviving reader reads a distinct
 * pattern all the way through. */
enum { C_SPLICE, C_READ4, C_HAND_BACK, C_FRESH, C_WRITE4, C_DROP_WRITER, C_N };
static struct flue_func c_f[C_N], d_run;
static struct flue_lowered c_l[C_N];
static uint32_t c_r, c_w, d_r, d_w;

/* $C's splice: forward the incoming reader into a fresh stream of its own,
 * keeping the fresh reader: $C becomes the merged stream's reader. */
CORE(c_splice) {
	uint64_t v = flue_canon_stream_new(inst, ex.u8);
	c_r = (uint32_t)v;
	flue_canon_stream_forward(inst, ex.u8, (uint32_t)args[0], (uint32_t)(v >> 32));
}
CORE(c_read4) {
	uint32_t ret = rd(inst, c_r, 8, 4);
	if (ret == C4)
		EX_EQ(ld32(inst, 8), (uint32_t)args[0]);
	res[0] = ret;
}
CORE(c_hand_back) { res[0] = c_r; }
CORE(c_fresh) {
	uint64_t v = flue_canon_stream_new(inst, ex.u8);
	c_w = (uint32_t)(v >> 32);
	res[0] = (uint32_t)v;
}
CORE(c_write4) {
	st32(inst, 0, (uint32_t)args[0]);
	res[0] = wr(inst, c_w, 0, 4);
}
CORE(c_drop_writer) { flue_canon_stream_drop_writable(inst, ex.u8, c_w); }

static void d_splice(struct flue_instance *inst, uint32_t in)
{
	uint64_t v = flue_canon_stream_new(inst, ex.u8);
	d_r = (uint32_t)v;
	flue_canon_stream_forward(inst, ex.u8, in, (uint32_t)(v >> 32));
}
static void d_write4(struct flue_instance *inst, uint32_t val)
{
	st32(inst, 0, val);
	EX_EQ(wr(inst, d_w, 0, 4), FLUE_BLOCKED);
}
static void d_read4(struct flue_instance *inst, uint32_t want)
{
	EX_EQ(rd(inst, d_r, 8, 4), C4);
	EX_EQ(ld32(inst, 8), want);
}
static void expect_c_read4(uint32_t want)
{
	EX_EQ(c1(&c_l[C_READ4], want), C4);
}
/* A blocked write completed by the far side's read: its event is taken
 * before the same end is used for the next hop. */
static void poll_one(struct flue_instance *inst, uint32_t w, uint32_t code, uint32_t payload)
{
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, w, ws);
	EX_EQ(flue_canon_waitable_set_poll(inst, ws, 32), code);
	EX_EQ(ld32(inst, 32), w);
	EX_EQ(ld32(inst, 36), payload);
	flue_canon_waitable_join(inst, w, 0);
	flue_canon_waitable_set_drop(inst, ws);
}

CORE(d_run_pp) {
	uint64_t v = flue_canon_stream_new(inst, ex.u8);
	d_r = (uint32_t)v;
	d_w = (uint32_t)(v >> 32);
	/* hop 1: $C splices; the copy crosses the component boundary */
	(void)c1(&c_l[C_SPLICE], d_r);
	d_write4(inst, 0x11111111u);
	expect_c_read4(0x11111111u);
	poll_one(inst, d_w, FLUE_EVENT_CODE_STREAM_WRITE, C4);
	/* hop 2: $C hands the reader back, $D splices: both ends are $D's */
	d_splice(inst, c0(&c_l[C_HAND_BACK]));
	d_write4(inst, 0x22222222u);
	d_read4(inst, 0x22222222u);
	poll_one(inst, d_w, FLUE_EVENT_CODE_STREAM_WRITE, C4);
	/* hop 3: over to $C again */
	(void)c1(&c_l[C_SPLICE], d_r);
	d_write4(inst, 0x33333333u);
	expect_c_read4(0x33333333u);
	poll_one(inst, d_w, FLUE_EVENT_CODE_STREAM_WRITE, C4);
	/* hop 4: back to $D */
	d_splice(inst, c0(&c_l[C_HAND_BACK]));
	d_write4(inst, 0x44444444u);
	d_read4(inst, 0x44444444u);
	poll_one(inst, d_w, FLUE_EVENT_CODE_STREAM_WRITE, C4);
	/* hop 5: a stream made by $C goes in front of the chain, so the
	 * writer is now in the other component: the copy runs $C -> $D */
	flue_canon_stream_forward(inst, ex.u8, c0(&c_l[C_FRESH]), d_w);
	EX_EQ(rd(inst, d_r, 8, 4), FLUE_BLOCKED);
	EX_EQ(c1(&c_l[C_WRITE4], 0x55555555u), C4);
	poll_one(inst, d_r, FLUE_EVENT_CODE_STREAM_READ, C4);
	EX_EQ(ld32(inst, 8), 0x55555555u);
	flue_canon_stream_drop_readable(inst, ex.u8, d_r);
	(void)c0(&c_l[C_DROP_WRITER]);
	res[0] = 42;
}

FT_TEST(ping_pong)
{
	ex_setup();
	types();
	struct flue_instance *c = ex_new(), *d = ex_new();
	ex_lift(&c_f[C_SPLICE], c, &ft_take_stream, FLUE_LIFT_SYNC, c_splice, 0);
	ex_lift(&c_f[C_READ4], c, &ft_u32_to_s32, FLUE_LIFT_SYNC, c_read4, 0);
	ex_lift(&c_f[C_HAND_BACK], c, &ft_ret_stream, FLUE_LIFT_SYNC, c_hand_back, 0);
	ex_lift(&c_f[C_FRESH], c, &ft_ret_stream, FLUE_LIFT_SYNC, c_fresh, 0);
	ex_lift(&c_f[C_WRITE4], c, &ft_u32_to_s32, FLUE_LIFT_SYNC, c_write4, 0);
	ex_lift(&c_f[C_DROP_WRITER], c, &ft_sync, FLUE_LIFT_SYNC, c_drop_writer, 0);
	for (uint32_t i = 0; i < C_N; i++)
		lower(&c_l[i], &c_f[i], d, false);
	ex_lift(&d_run, d, &ft_sync_u32, FLUE_LIFT_SYNC, d_run_pp, 0);
	run_expect(&d_run, 42);
	/* every end was dropped or forwarded away: both tables are empty */
	for (uint32_t i = 1; i < 8; i++) {
		FT_EQ(c->handles[i].kind, FLUE_H_FREE);
		FT_EQ(d->handles[i].kind, FLUE_H_FREE);
	}
}

FT_SUITE(forward_proxy,
	 FT_CASE(proxy_read_then_write),
	 FT_CASE(proxy_write_then_read),
	 FT_CASE(proxy_drop_reader),
	 FT_CASE(ping_pong))
