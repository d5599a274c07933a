/*
 * run_tests.py scenarios (definitions.py @ 6d28164), ported: guest code is
 * C functions calling the built-ins, as the reference's guests are Python
 * functions; the same return codes, indices, events and bytes are asserted.
 *
 * test_eager_stream_completion, test_async_stream_ops.
 * (test_stream_forward, test_receive_own_stream,
 * test_host_partial_reads_writes: test_scenarios3b.c)
 *
 * The reference's HostSource / HostSink are Python objects that act as the
 * other side of a stream. Here the host side is a host instance (flue/host.h)
 * holding real ends, and the objects below emulate those classes on top of
 * flue_host_read/write/poll/drop:
 *
 *  - hsrc (HostSource): data to send, written in `chunk`-sized host writes;
 *    once empty and destroy_if_empty, the writable end is dropped.
 *  - hsink (HostSink): a host read of up to `remain` elements is kept
 *    posted; DROPPED closes it.
 *
 * The reference's objects react inside the guest's call (HostSource.read /
 * write run synchronously); here the host reacts right after the op
 * returns: guest code calls react() after each op on a host peer, and the
 * driver (drive()) pumps the host objects between executor ticks, as the
 * reference's host threads run concurrently with the store.
 *
 * One deliberate difference, forced by the rendezvous: a HostSource that
 * becomes empty in a read completes that read with DROPPED and its data
 * (`n == 4 and result == DROPPED`), which no writer of a spec stream can
 * produce (SharedStreamImpl.read always completes an arriving reader with
 * COMPLETED). Those reads assert COMPLETED with the same progress and bytes
 * instead; the end of the stream would only be seen by a later op, and
 * the reference guests never read that end again. Marked "EAGER-DROP".
 */
#include "exec_test.h"

#define ASYNC FLUE_OPT_ASYNC
#define SYNC 0u
#define CODE(r, n) ((uint32_t)(r) | (uint32_t)(n) << 4)
#define RD(o, e, p, n) flue_canon_stream_read(inst, ex.u8, (o), (e), (p), (n))
#define WR(o, e, p, n) flue_canon_stream_write(inst, ex.u8, (o), (e), (p), (n))

static struct flue_valtype st; /* stream<u8> */

static bool mem_is(struct flue_instance *inst, uint32_t off, const uint8_t *b, uint32_t n)
{
	return memcmp(ex_mem(inst) + off, b, n) == 0;
}
#define MEM_IS(inst, off, ...)                                                      \
	mem_is((inst), (off), (const uint8_t[]){ __VA_ARGS__ },                     \
	       sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* ------------------------------------------------------- host objects */

#define SLOT 128u

struct hsrc {
	uint32_t end;      /* writable end in ex.host */
	uint8_t *buf;      /* data (in the arena) */
	uint32_t len, pos; /* buffered, sent */
	uint32_t chunk;
	bool destroy_if_empty;
	bool writing, dropped;
	bool eager_last; /* the last write completed at once into a parked reader */
};

struct hsink {
	uint32_t end; /* readable end in ex.host */
	uint8_t *buf;
	uint32_t received, consumed;
	uint64_t remain;
	bool reading, closed;
};

static struct hsrc *srcs[4];
static struct hsink *sinks[4];
static uint32_t nsrcs, nsinks;
static bool (*extra_pump)(void);

static void hosts_reset(void)
{
	nsrcs = nsinks = 0;
	extra_pump = 0;
	st = VT_STREAM(ex.u8);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
}

static void src_done(struct hsrc *s, const struct flue_host_outcome *o, bool at_once)
{
	s->pos += o->progress;
	s->eager_last = at_once && o->progress > 0u;
	if (o->result == FLUE_RESULT_DROPPED) { /* the reader is gone */
		EX_EQ(flue_host_drop(ex.host, s->end), 0);
		s->dropped = true;
	}
}

static bool src_pump(struct hsrc *s)
{
	struct flue_host_outcome o;
	bool changed = false;
	while (!s->dropped) {
		if (s->writing) {
			EX_EQ(flue_host_poll(ex.host, s->end, &o), 0);
			if (!o.done)
				break;
			s->writing = false;
			src_done(s, &o, false);
		} else if (s->pos < s->len) {
			uint32_t n = s->len - s->pos < s->chunk ? s->len - s->pos : s->chunk;
			EX_EQ(flue_host_write(ex.host, s->end, s->buf + s->pos, n, &o), 0);
			if (o.done)
				src_done(s, &o, true);
			else
				s->writing = true;
		} else if (!s->destroy_if_empty) {
			break;
		} else if (s->eager_last) {
			/* The reader still holds its event for our last write: dropping
			 * now would turn it into DROPPED. Wait for its next read with a
			 * zero-length write (it parks until the reader comes back). */
			s->eager_last = false;
			EX_EQ(flue_host_write(ex.host, s->end, s->buf, 0, &o), 0);
			if (o.done)
				src_done(s, &o, false);
			else
				s->writing = true;
		} else {
			EX_EQ(flue_host_drop(ex.host, s->end), 0);
			s->dropped = true;
		}
		changed = true;
	}
	return changed;
}

static void sink_done(struct hsink *k, const struct flue_host_outcome *o)
{
	k->received += o->progress;
	k->remain -= o->progress;
	if (o->result == FLUE_RESULT_DROPPED) {
		k->closed = true;
		EX_EQ(flue_host_drop(ex.host, k->end), 0);
	}
}

static bool sink_pump(struct hsink *k)
{
	struct flue_host_outcome o;
	bool changed = false;
	while (!k->closed) {
		if (k->reading) {
			EX_EQ(flue_host_poll(ex.host, k->end, &o), 0);
			if (!o.done)
				break;
			k->reading = false;
			sink_done(k, &o);
		} else if (k->remain > 0u) {
			uint64_t n = SLOT - k->received < k->remain ? SLOT - k->received : k->remain;
			EX_TRUE(n > 0u);
			EX_EQ(flue_host_read(ex.host, k->end, k->buf + k->received, (uint32_t)n, &o), 0);
			if (!o.done) {
				k->reading = true;
			} else {
				sink_done(k, &o);
				if (o.progress == 0u && !k->closed)
					return true; /* nothing to take now */
			}
		} else {
			break;
		}
		changed = true;
	}
	return changed;
}

/* Let every host object react; true if any did something. */
static bool pump(void)
{
	bool any = false, changed;
	do {
		changed = false;
		for (uint32_t i = 0; i < nsinks; i++)
			changed |= sink_pump(sinks[i]);
		if (extra_pump != 0)
			changed |= extra_pump();
		for (uint32_t i = 0; i < nsrcs; i++)
			changed |= src_pump(srcs[i]);
		any |= changed;
	} while (changed);
	return any;
}

/* The host objects react to the op the guest just made. */
static void react(void)
{
	(void)pump();
}

/* HostSource(U8Type(), data, chunk, destroy_if_empty) on the writable end w. */
static void src_init(struct hsrc *s, uint32_t w, uint32_t slot, const uint8_t *data, uint32_t n,
		     uint32_t chunk, bool destroy_if_empty)
{
	memset(s, 0, sizeof *s);
	s->end = w;
	s->buf = ex.host_arena + slot * SLOT;
	if (n > 0u)
		memcpy(s->buf, data, n);
	s->len = n;
	s->chunk = chunk;
	s->destroy_if_empty = destroy_if_empty;
	srcs[nsrcs++] = s;
	react();
}

/* HostSource.write(vs) */
static void src_write(struct hsrc *s, const uint8_t *vs, uint32_t n)
{
	EX_TRUE(n > 0u && !s->dropped && s->len + n <= SLOT);
	memcpy(s->buf + s->len, vs, n);
	s->len += n;
	react();
}

/* HostSource.destroy_once_empty() */
static void src_destroy_once_empty(struct hsrc *s)
{
	s->destroy_if_empty = true;
	react();
}

/* HostSink(r, chunk, remain): `chunk` is unused by the reference too. */
static void sink_init(struct hsink *k, uint32_t r, uint32_t slot, uint64_t remain)
{
	memset(k, 0, sizeof *k);
	k->end = r;
	k->buf = ex.host_arena + slot * SLOT;
	k->remain = remain;
	sinks[nsinks++] = k;
	react();
}

/* HostSink.set_remain(n) */
static void sink_set_remain(struct hsink *k, uint64_t n)
{
	k->remain = n;
	react();
}

/* Could HostSink.consume(n) return now (with data or None)? */
static bool sink_can_consume(struct hsink *k, uint32_t n)
{
	return k->received - k->consumed >= n || k->closed;
}

/* HostSink.consume(n): true and the data, or false (None) once closed. */
static bool sink_consume(struct hsink *k, uint32_t n, uint8_t *out)
{
	if (k->received - k->consumed < n)
		return false;
	memcpy(out, k->buf + k->consumed, n);
	k->consumed += n;
	return true;
}

static bool consume4_ready(void *k)
{
	return sink_can_consume(k, 4);
}

/* Run until no task waits, letting the host objects react between ticks. */
static int drive(void)
{
	for (uint32_t i = 0; i < 100000u; i++) {
		(void)pump();
		switch (flue_tick(&ex.store)) {
		case FLUE_TICK_RAN:
			break;
		case FLUE_TICK_DONE:
			(void)pump();
			return 0;
		case FLUE_TICK_DEADLOCK:
			return FLUE_EDEADLK;
		default:
			if (!pump())
				return FLUE_EDEADLK; /* only the host could go on, and it won't */
			break;
		}
	}
	return FLUE_EDEADLK;
}

static void lift_stackful(struct flue_func *f, struct flue_instance *inst,
			  const struct flue_functype *ft, flue_core_fn core)
{
	ex_lift(f, inst, ft, FLUE_LIFT_STACKFUL, core, 0);
}

/* ------------------------------------------- test_eager_stream_completion */

static const struct flue_functype ss_ft = { .nparams = 1, .params = &st, .result = &st };
static struct flue_func es_host_f, es_core_f;
static struct flue_lowered es_low;
static struct hsrc es_src, es_out;
static struct hsink es_dst, es_in;
static bool es_add10_done;

/* The host function's add10 thread. */
static bool es_add10(void)
{
	bool changed = false;
	uint8_t vs[4];
	if (es_add10_done || es_in.end == 0)
		return false;
	while (sink_consume(&es_in, 4, vs)) {
		for (uint32_t i = 0; i < 4; i++)
			vs[i] += 10;
		src_write(&es_out, vs, 4);
		changed = true;
	}
	if (es_in.closed) {
		/* outgoing.drop(): everything was read already. */
		EX_TRUE(!es_out.writing && es_out.pos == es_out.len);
		EX_EQ(flue_host_drop(ex.host, es_out.end), 0);
		es_out.dropped = true;
		es_add10_done = true;
		changed = true;
	}
	return changed;
}

static void es_host(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	sink_init(&es_in, (uint32_t)args->v[0], 1, UINT64_MAX); /* incoming, chunk=4 */
	uint32_t r, w;
	EX_EQ(flue_host_stream_new(ex.host, ex.u8, &r, &w), 0);
	src_init(&es_out, w, 2, 0, 0, 4, false); /* outgoing */
	struct flue_values res = { 1, { r } };
	EX_EQ(flue_host_return(&ex.store, call, &res), 0);
}

static void es_on_start(void *user, struct flue_values *args)
{
	(void)user;
	args->v[0] = *(uint32_t *)user;
}

static void es_on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	EX_TRUE(r != 0 && r->n == 1);
	sink_init(&es_dst, (uint32_t)r->v[0], 3, UINT64_MAX); /* chunk=4 */
}

static void es_core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t n,
		    flue_flat_t *res)
{
	(void)user;
	(void)res;
	EX_EQ(n, 1);
	uint32_t rsi1 = (uint32_t)args[0];
	EX_EQ(rsi1, 1);
	uint64_t packed = flue_canon_stream_new(inst, ex.u8);
	uint32_t rsi2 = (uint32_t)packed, wsi2 = (uint32_t)(packed >> 32);
	flue_flat_t ret = rsi2;
	flue_canon_task_return(inst, &st, &ret, 1);
	EX_EQ(RD(ASYNC, rsi1, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	EX_TRUE(MEM_IS(inst, 0, 1, 2, 3, 4));
	packed = flue_canon_stream_new(inst, ex.u8);
	uint32_t rsi3 = (uint32_t)packed, wsi3 = (uint32_t)(packed >> 32);
	uint32_t retp = 12;
	flue_flat_t a[2] = { rsi3, retp };
	EX_EQ(flue_call_lowered(&es_low, a, 2), FLUE_SUBTASK_RETURNED);
	uint32_t rsi4 = ex_ld32(inst, retp);
	EX_EQ(WR(ASYNC, wsi3, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	EX_EQ(RD(SYNC, rsi4, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	EX_EQ(WR(ASYNC, wsi2, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	/* EAGER-DROP: the reference gets CODE(DROPPED, 4) here. */
	EX_EQ(RD(ASYNC, rsi1, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	EX_TRUE(MEM_IS(inst, 0, 5, 6, 7, 8));
	EX_EQ(WR(SYNC, wsi3, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	EX_EQ(RD(SYNC, rsi4, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	EX_EQ(WR(SYNC, wsi2, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	flue_canon_stream_drop_readable(inst, ex.u8, rsi1);
	flue_canon_stream_drop_readable(inst, ex.u8, rsi4);
	flue_canon_stream_drop_writable(inst, ex.u8, wsi2);
	flue_canon_stream_drop_writable(inst, ex.u8, wsi3);
	react();
}

FT_TEST(eager_stream_completion)
{
	ex_setup();
	hosts_reset();
	es_add10_done = false;
	memset(&es_in, 0, sizeof es_in);
	extra_pump = es_add10;
	struct flue_instance *inst = ex_new();
	static uint32_t sr;
	uint32_t sw;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &sr, &sw), 0);
	src_init(&es_src, sw, 0, (const uint8_t[]){ 1, 2, 3, 4, 5, 6, 7, 8 }, 8, 4, true);
	FT_EQ(flue_host_func(&es_host_f, ex.host, &ss_ft, es_host, 0, 0), 0);
	lift_stackful(&es_core_f, inst, &ss_ft, es_core);
	FT_EQ(flue_lower(&es_low, &es_host_f, inst, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&es_core_f, ex.host, es_on_start, es_on_resolve, &sr, &call), 0);
	FT_EQ(drive(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_EQ(es_dst.received, 8);
	FT_TRUE(memcmp(es_dst.buf, (const uint8_t[]){ 11, 12, 13, 14, 15, 16, 17, 18 }, 8) == 0);
	FT_TRUE(es_dst.closed && es_in.closed && es_add10_done && es_src.dropped);
}

/* ------------------------------------------------- test_async_stream_ops */

static const struct flue_functype ss_async_ft = { .async = true, .nparams = 1, .params = &st,
						  .result = &st };
static struct flue_func as_host_f, as_core_f;
static struct flue_lowered as_low;
static struct hsrc as_src, as_imp_out;
static struct hsink as_dst, as_imp_in;
static bool as_host_finished;

static void as_host(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	EX_EQ(args->n, 1);
	sink_init(&as_imp_in, (uint32_t)args->v[0], 1, 0); /* chunk=4, remain=0 */
	uint32_t r, w;
	EX_EQ(flue_host_stream_new(ex.host, ex.u8, &r, &w), 0);
	src_init(&as_imp_out, w, 2, 0, 0, 4, false);
	struct flue_values res = { 1, { r } };
	EX_EQ(flue_host_return(&ex.store, call, &res), 0);
	for (;;) {
		uint8_t vs[4];
		(void)flue_wait_until(&ex.store, consume4_ready, &as_imp_in, true);
		if (!sink_consume(&as_imp_in, 4, vs))
			break;
		for (uint32_t i = 0; i < 4; i++)
			vs[i] += 10;
		src_write(&as_imp_out, vs, 4);
	}
	src_destroy_once_empty(&as_imp_out);
	as_host_finished = true;
}

static void as_on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	EX_TRUE(r != 0 && r->n == 1);
	sink_init(&as_dst, (uint32_t)r->v[0], 3, 0); /* chunk=4, remain=0 */
}

static void as_core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t n,
		    flue_flat_t *res)
{
	(void)user;
	(void)res;
	EX_EQ(n, 1);
	uint32_t rsi1 = (uint32_t)args[0];
	EX_EQ(rsi1, 1);
	uint64_t packed = flue_canon_stream_new(inst, ex.u8);
	uint32_t rsi2 = (uint32_t)packed, wsi2 = (uint32_t)(packed >> 32);
	flue_flat_t ret = rsi2;
	flue_canon_task_return(inst, &st, &ret, 1);
	EX_EQ(RD(ASYNC, rsi1, 0, 4), FLUE_BLOCKED);
	react();
	src_write(&as_src, (const uint8_t[]){ 1, 2, 3, 4 }, 4);
	uint32_t retp = 16;
	uint32_t seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, rsi1, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, retp),
	      FLUE_EVENT_CODE_STREAM_READ);
	EX_EQ(ex_ld32(inst, retp), rsi1);
	EX_EQ(ex_ld32(inst, retp + 4), CODE(FLUE_COMPLETED, 4));
	EX_TRUE(MEM_IS(inst, 0, 1, 2, 3, 4));
	packed = flue_canon_stream_new(inst, ex.u8);
	uint32_t rsi3 = (uint32_t)packed, wsi3 = (uint32_t)(packed >> 32);
	flue_flat_t a[2] = { rsi3, retp };
	EX_EQ(flue_call_lowered(&as_low, a, 2), FLUE_SUBTASK_RETURNED);
	uint32_t rsi4 = ex_ld32(inst, 16);
	EX_EQ(rsi4, 4);
	EX_EQ(WR(ASYNC, wsi3, 0, 4), FLUE_BLOCKED);
	react();
	sink_set_remain(&as_imp_in, 100);
	flue_canon_waitable_join(inst, wsi3, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, retp),
	      FLUE_EVENT_CODE_STREAM_WRITE);
	EX_EQ(ex_ld32(inst, retp), wsi3);
	EX_EQ(ex_ld32(inst, retp + 4), CODE(FLUE_COMPLETED, 4));
	EX_EQ(RD(SYNC, rsi4, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	EX_EQ(WR(ASYNC, wsi2, 0, 4), FLUE_BLOCKED);
	react();
	sink_set_remain(&as_dst, 100);
	flue_canon_waitable_join(inst, wsi2, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, retp),
	      FLUE_EVENT_CODE_STREAM_WRITE);
	EX_EQ(ex_ld32(inst, retp), wsi2);
	EX_EQ(ex_ld32(inst, retp + 4), CODE(FLUE_COMPLETED, 4));
	src_write(&as_src, (const uint8_t[]){ 5, 6, 7, 8 }, 4);
	src_destroy_once_empty(&as_src);
	/* EAGER-DROP: the reference gets CODE(DROPPED, 4) here. */
	EX_EQ(RD(ASYNC, rsi1, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	flue_canon_stream_drop_readable(inst, ex.u8, rsi1);
	EX_TRUE(MEM_IS(inst, 0, 5, 6, 7, 8));
	EX_EQ(WR(ASYNC, wsi3, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	flue_canon_stream_drop_writable(inst, ex.u8, wsi3);
	react();
	EX_EQ(RD(ASYNC, rsi4, 0, 4), FLUE_BLOCKED);
	react();
	flue_canon_waitable_join(inst, rsi4, seti);
	EX_EQ(flue_canon_waitable_set_wait(inst, seti, retp),
	      FLUE_EVENT_CODE_STREAM_READ);
	EX_EQ(ex_ld32(inst, retp), rsi4);
	flue_canon_waitable_join(inst, rsi4, 0);
	EX_EQ(ex_ld32(inst, retp + 4), CODE(FLUE_COMPLETED, 4));
	EX_EQ(RD(SYNC, rsi4, 0, 4), FLUE_DROPPED);
	react();
	flue_canon_stream_drop_readable(inst, ex.u8, rsi4);
	EX_EQ(WR(ASYNC, wsi2, 0, 4), CODE(FLUE_COMPLETED, 4));
	react();
	flue_canon_stream_drop_writable(inst, ex.u8, wsi2);
	flue_canon_waitable_set_drop(inst, seti);
	react();
}

FT_TEST(async_stream_ops)
{
	ex_setup();
	hosts_reset();
	as_host_finished = false;
	struct flue_instance *inst = ex_new();
	static uint32_t sr;
	uint32_t sw;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &sr, &sw), 0);
	src_init(&as_src, sw, 0, 0, 0, 4, false); /* HostSource([], chunk=4) */
	FT_EQ(flue_host_func(&as_host_f, ex.host, &ss_async_ft, as_host, 0, 0), 0);
	lift_stackful(&as_core_f, inst, &ss_async_ft, as_core);
	FT_EQ(flue_lower(&as_low, &as_host_f, inst, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&as_core_f, ex.host, es_on_start, as_on_resolve, &sr, &call), 0);
	FT_EQ(drive(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(as_host_finished);
	FT_EQ(as_dst.received, 8);
	FT_TRUE(memcmp(as_dst.buf, (const uint8_t[]){ 11, 12, 13, 14, 15, 16, 17, 18 }, 8) == 0);
	FT_TRUE(as_src.dropped && as_imp_out.dropped && as_dst.closed && as_imp_in.closed);
}

FT_SUITE(scenarios3, FT_CASE(eager_stream_completion), FT_CASE(async_stream_ops))
