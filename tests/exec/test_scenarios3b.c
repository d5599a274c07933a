/*
 * run_tests.py scenarios (definitions.py @ 6d28164), ported: guest code is
 * C functions calling the built-ins, as the reference's guests are Python
 * functions; the same return codes, indices, events and bytes are asserted.
 *
 * test_stream_forward, test_receive_own_stream,
 * test_host_partial_reads_writes.
 * (test_eager_stream_completion, test_async_stream_ops: test_scenarios3.c)
 *
 * The reference's HostSource / HostSink are Python objects acting as the
 * other side of a stream; here the host side is a host instance
 * (flue/host.h) holding real ends. Their chunking and `remain` are
 * emulated by host reads and writes of the same sizes at the same points:
 * the reference's objects react inside the guest's op, the host here
 * right after the op returns.
 */
#include "exec_test.h"

#define ASYNC FLUE_OPT_ASYNC
#define SYNC 0u
#define CODE(r, n) ((uint32_t)(r) | (uint32_t)(n) << 4)
#define RD(o, e, p, n) flue_canon_stream_read(inst, ex.u8, (o), (e), (p), (n))
#define WR(o, e, p, n) flue_canon_stream_write(inst, ex.u8, (o), (e), (p), (n))

static struct flue_valtype st; /* stream<u8> */
static const struct flue_functype ss_ft = { .nparams = 1, .params = &st, .result = &st };
static const struct flue_functype void_async_ft = { .async = true };

static void setup(void)
{
	ex_setup();
	st = VT_STREAM(ex.u8);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
}

/* Host buffers in the arena. */
static uint8_t *hbuf(uint32_t off, const uint8_t *data, uint32_t n)
{
	if (n > 0u)
		memcpy(ex.host_arena + off, data, n);
	return ex.host_arena + off;
}

/* A host op's outcome, checked (in guest code: recorded). */
static void outcome_is(const struct flue_host_outcome *o, bool done, uint8_t result,
		       uint32_t progress)
{
	EX_EQ(o->done, done);
	if (done) {
		EX_EQ(o->result, result);
		EX_EQ(o->progress, progress);
	}
}

static void host_write(uint32_t e, uint32_t off, const uint8_t *data, uint32_t n, bool done,
		       uint8_t result, uint32_t progress)
{
	struct flue_host_outcome o;
	EX_EQ(flue_host_write(ex.host, e, hbuf(off, data, n), n, &o), 0);
	outcome_is(&o, done, result, progress);
}

static void host_read(uint32_t e, uint32_t off, uint32_t n, bool done, uint8_t result,
		      uint32_t progress)
{
	struct flue_host_outcome o;
	EX_EQ(flue_host_read(ex.host, e, ex.host_arena + off, n, &o), 0);
	outcome_is(&o, done, result, progress);
}

static void host_poll(uint32_t e, bool done, uint8_t result, uint32_t progress)
{
	struct flue_host_outcome o;
	EX_EQ(flue_host_poll(ex.host, e, &o), 0);
	outcome_is(&o, done, result, progress);
}

#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define MEM_IS(p, ...) (memcmp((p), (const uint8_t[]){ __VA_ARGS__ },                \
			       sizeof((const uint8_t[]){ __VA_ARGS__ })) == 0)

static void on_start_end(void *user, struct flue_values *args)
{
	args->v[0] = *(uint32_t *)user;
}

/* --------------------------------------------------- test_stream_forward */

static struct flue_func sf_f;
static uint32_t sf_back, sf_r;
static bool sf_resolved;

static void sf_core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t n,
		    flue_flat_t *res)
{
	(void)user;
	(void)inst;
	EX_EQ(n, 1);
	uint32_t rsi1 = (uint32_t)args[0];
	EX_EQ(rsi1, 1);
	res[0] = rsi1;
}

static void sf_on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	EX_TRUE(r != 0 && r->n == 1);
	sf_resolved = true;
	sf_back = (uint32_t)r->v[0];
}

FT_TEST(stream_forward)
{
	setup();
	sf_resolved = false;
	uint32_t sw;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &sf_r, &sw), 0);
	/* HostSource([1,2,3,4], chunk=4): its data waits in a host write. */
	host_write(sw, 0, BYTES(1, 2, 3, 4), false, 0, 0);
	struct flue_instance *inst = ex_new(); /* mk_opts(): no memory needed */
	ex_lift(&sf_f, inst, &ss_ft, FLUE_LIFT_SYNC, sf_core, 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&sf_f, ex.host, on_start_end, sf_on_resolve, &sf_r, &call), 0);
	/* Only the host could go on (it holds the ends): nothing waits. */
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(sf_resolved);
	/* `src_stream is dst_stream`: the same end came back (its slot is
	 * reused, host.h), and reading it yields the source's data. */
	FT_EQ(sf_back, sf_r);
	host_read(sf_back, 64, 4, true, FLUE_RESULT_COMPLETED, 4);
	FT_TRUE(MEM_IS(ex.host_arena + 64, 1, 2, 3, 4));
	host_poll(sw, true, FLUE_RESULT_COMPLETED, 4);
	FT_EQ(flue_host_drop(ex.host, sf_back), 0);
	FT_EQ(flue_host_drop(ex.host, sw), 0);
	ex_done();
}

/* ------------------------------------------------ test_receive_own_stream */

static struct flue_func ro_host_f, ro_core_f;
static struct flue_lowered ro_low;
static bool ro_resolved;

static void ro_host(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	EX_EQ(flue_host_return(&ex.store, call, args), 0); /* on_resolve(args) */
}

static void ro_core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t n,
		    flue_flat_t *res)
{
	(void)user;
	(void)args;
	(void)res;
	EX_EQ(n, 0);
	uint64_t packed = flue_canon_stream_new(inst, ex.u8);
	uint32_t rsi = (uint32_t)packed, wsi = (uint32_t)(packed >> 32);
	EX_EQ(rsi, 1);
	EX_EQ(wsi, 2);
	EX_EQ(WR(ASYNC, wsi, 0, 4), FLUE_BLOCKED);
	uint32_t retp = 8;
	flue_flat_t a[2] = { rsi, retp };
	EX_EQ(flue_call_lowered(&ro_low, a, 2), FLUE_SUBTASK_RETURNED);
	uint32_t rsi2 = ex_ld32(inst, retp);
	EX_EQ(rsi2, 1);
	EX_EQ(flue_canon_stream_cancel_write(inst, ex.u8, SYNC, wsi), CODE(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_writable(inst, ex.u8, wsi);
}

static void ro_on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	EX_TRUE(r != 0 && r->n == 0);
	ro_resolved = true;
}

FT_TEST(receive_own_stream)
{
	setup();
	ro_resolved = false;
	struct flue_instance *inst = ex_new();
	FT_EQ(flue_host_func(&ro_host_f, ex.host, &ss_ft, ro_host, 0, 0), 0);
	ex_lift(&ro_core_f, inst, &void_async_ft, FLUE_LIFT_SYNC, ro_core, 0); /* mk_opts() */
	FT_EQ(flue_lower(&ro_low, &ro_host_f, inst, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&ro_core_f, ex.host, 0, ro_on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(ro_resolved);
}

/* ----------------------------------------- test_host_partial_reads_writes
 *
 * src = HostSource([1,2,3,4], chunk=2): host writes of 2 elements, the next
 * one posted as soon as the previous one was taken. dst = HostSink(remain=2
 * then 4 then 100): host reads of exactly `remain` elements.
 */

static const struct flue_functype source_ft = { .result = &st };
static const struct flue_functype sink_ft = { .nparams = 1, .params = &st };
static struct flue_func hp_source_f, hp_sink_f, hp_core_f;
static struct flue_lowered hp_low_source, hp_low_sink;
static uint32_t hp_src_r, hp_src_w, hp_dst;
static bool hp_resolved;

#define SRC_OFF 0u
#define DST_OFF 64u

static void hp_source(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 0);
	struct flue_values res = { 1, { hp_src_r } };
	EX_EQ(flue_host_return(&ex.store, call, &res), 0);
}

static void hp_sink(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	hp_dst = (uint32_t)args->v[0];
	/* HostSink(s, chunk=1, remain=2): a read of 2 waits for the writer. */
	host_read(hp_dst, DST_OFF, 2, false, 0, 0);
	struct flue_values res = { 0, { 0 } };
	EX_EQ(flue_host_return(&ex.store, call, &res), 0);
}

static void hp_core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t n,
		    flue_flat_t *res)
{
	(void)user;
	(void)args;
	(void)res;
	EX_EQ(n, 0);
	uint32_t retp = 4;
	flue_flat_t a[1] = { retp };
	EX_EQ(flue_call_lowered(&hp_low_source, a, 1), FLUE_SUBTASK_RETURNED);
	uint32_t rsi = ex_ld32(inst, retp);
	EX_EQ(rsi, 1);
	EX_EQ(RD(ASYNC, rsi, 0, 4), CODE(FLUE_COMPLETED, 2));
	host_poll(hp_src_w, true, FLUE_RESULT_COMPLETED, 2);
	host_write(hp_src_w, SRC_OFF + 2, BYTES(3, 4), false, 0, 0); /* next chunk */
	EX_TRUE(MEM_IS(ex_mem(inst), 1, 2));
	EX_EQ(RD(ASYNC, rsi, 0, 4), CODE(FLUE_COMPLETED, 2));
	host_poll(hp_src_w, true, FLUE_RESULT_COMPLETED, 2);
	EX_TRUE(MEM_IS(ex_mem(inst), 3, 4));
	EX_EQ(RD(ASYNC, rsi, 0, 4), FLUE_BLOCKED);
	/* src.write([5,6]): into the pending read, which keeps 2 of 4 free. */
	host_write(hp_src_w, SRC_OFF + 4, BYTES(5, 6), true, FLUE_RESULT_COMPLETED, 2);

	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, rsi, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, retp),
	      FLUE_EVENT_CODE_STREAM_READ);
	EX_EQ(ex_ld32(inst, retp), rsi);
	EX_EQ(ex_ld32(inst, retp + 4), CODE(FLUE_COMPLETED, 2));
	flue_canon_stream_drop_readable(inst, ex.u8, rsi);

	uint64_t packed = flue_canon_stream_new(inst, ex.u8);
	rsi = (uint32_t)packed;
	uint32_t wsi = (uint32_t)(packed >> 32);
	EX_EQ(rsi, 1);
	EX_EQ(wsi, 3);
	a[0] = rsi;
	EX_EQ(flue_call_lowered(&hp_low_sink, a, 1), FLUE_SUBTASK_RETURNED);
	memcpy(ex_mem(inst), (const uint8_t[]){ 1, 2, 3, 4, 5, 6 }, 6);
	EX_EQ(WR(ASYNC, wsi, 0, 6), CODE(FLUE_COMPLETED, 2));
	host_poll(hp_dst, true, FLUE_RESULT_COMPLETED, 2); /* remain 0: no read */
	EX_EQ(WR(ASYNC, wsi, 2, 4), FLUE_BLOCKED);
	/* dst.set_remain(4) */
	host_read(hp_dst, DST_OFF + 2, 4, true, FLUE_RESULT_COMPLETED, 4);
	flue_canon_waitable_join(inst, wsi, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, retp),
	      FLUE_EVENT_CODE_STREAM_WRITE);
	EX_EQ(ex_ld32(inst, retp), wsi);
	EX_EQ(ex_ld32(inst, retp + 4), CODE(FLUE_COMPLETED, 4));
	EX_TRUE(MEM_IS(ex.host_arena + DST_OFF, 1, 2, 3, 4, 5, 6)); /* dst.received */
	flue_canon_stream_drop_writable(inst, ex.u8, wsi);
	flue_canon_waitable_set_drop(inst, seti);
	/* dst.set_remain(100); dst.consume(100) is None: the read sees the
	 * end of the stream with nothing more. */
	host_read(hp_dst, DST_OFF + 6, 100, true, FLUE_RESULT_DROPPED, 0);
	EX_EQ(flue_host_drop(ex.host, hp_dst), 0);
}

static void hp_on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	EX_TRUE(r != 0 && r->n == 0);
	hp_resolved = true;
}

FT_TEST(host_partial_reads_writes)
{
	setup();
	hp_resolved = false;
	struct flue_instance *inst = ex_new();
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &hp_src_r, &hp_src_w), 0);
	host_write(hp_src_w, SRC_OFF, BYTES(1, 2), false, 0, 0); /* first chunk */
	FT_EQ(flue_host_func(&hp_source_f, ex.host, &source_ft, hp_source, 0, 0), 0);
	FT_EQ(flue_host_func(&hp_sink_f, ex.host, &sink_ft, hp_sink, 0, 0), 0);
	ex_lift(&hp_core_f, inst, &void_async_ft, FLUE_LIFT_SYNC, hp_core, 0); /* mk_opts() */
	FT_EQ(flue_lower(&hp_low_source, &hp_source_f, inst, true), 0);
	FT_EQ(flue_lower(&hp_low_sink, &hp_sink_f, inst, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&hp_core_f, ex.host, 0, hp_on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(hp_resolved);
	/* src (destroy_if_empty=False) stays open; the reader is gone. */
	FT_EQ(flue_host_drop(ex.host, hp_src_w), 0);
	ex_done();
}

FT_SUITE(scenarios3b, FT_CASE(stream_forward), FT_CASE(receive_own_stream),
	 FT_CASE(host_partial_reads_writes))
