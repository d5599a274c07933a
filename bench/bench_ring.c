/*
 * Shared rings against ordinary streams on the same workload (issue 11
 * items 5 and 9): instructions (M3) or ns (host) per 4-byte element, each
 * pair measured in the same run.
 *
 * Guest -> guest: a writer task (instance a) and a reader task (instance
 * b), callback-lifted, run by flue_run(). Each op moves `len` u32; the
 * writer stamps the first and last element of op i with stamp32(i), the
 * reader checks both (neither side fills the elements between: producing
 * data is the guest's own work, the same either way).
 *   stream: stream.write of `len` u32 from a's memory meeting a
 *           stream.read into b's (one of them BLOCKED, the event and the
 *           callback turn that delivers it), as handoff_gg with u32.
 *   ring:   claim(len) + stamp in place + finish on the writer, claim +
 *           check in place + finish on the reader, on placed storage of
 *           2 * len elements (a double buffer: each side waits once per
 *           two ops, as each side of the stream does). A side whose claim
 *           finds nothing reads its companion (the unit stream of
 *           flue_ring_connect()) and waits for its STREAM_READ.
 *   ring, 64 deep: one element per claim on a ring of 64: each side
 *           waits once per 64 elements (what a stream of one-element
 *           ops cannot do: each of its ops is a rendezvous).
 * Driver -> guest: per element, an interrupt handler (bench_kick) sends
 * one u32, then flue_run() delivers it to the parked reader.
 *   stream: flue_channel_send() of one u32 into a driver channel
 *           (capacity 1) that is the reader's stream; the reader reads it.
 *   ring:   flue_ring_put_claim(1) + store + flue_ring_put_commit(1) into
 *           a 32-byte window of b's memory; the reader claims, checks and
 *           finishes it in place, and waits on its companion when empty.
 */
#include <string.h>

#include <flue/abi.h>
#include <flue/channel.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/host.h>
#include <flue/ring.h>

#include "bench.h"

static inline uint32_t stamp32(uint32_t i) { return i * 2654435761u + 1u; }

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void st32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* One side of a pair: `end` is the stream end (stream) or the companion
 * (ring); ops of `len` elements; `got` elements seen by the reader. */
struct side {
	uint32_t end, set, len, nops, ops, got;
	bool ring, done;
};
static struct side wr, rd;
static struct flue_ring rg;
static uint8_t ring_mem[128u * 4u] __attribute__((aligned(32))); /* placed storage */
static struct flue_func f_w, f_r;

/* Where a ring claim's offset points: the ring memory (placed) or the
 * reader's own memory (an attached window). */
static uint8_t *ring_at(const struct flue_instance *inst, uint32_t off)
{
	return (rg.buf != NULL ? ring_mem : bench_mem(inst)) + off;
}

/* A side leaves: its end dropped (stream: writable for the writer), its
 * set dropped, task.return. */
static uint32_t side_exit(struct flue_instance *inst, struct side *s, bool writable)
{
	flue_canon_waitable_join(inst, s->end, 0);
	flue_type_t t = s->ring ? bf.unit : bf.u32;
	if (writable)
		flue_canon_stream_drop_writable(inst, t, s->end);
	else
		flue_canon_stream_drop_readable(inst, t, s->end);
	flue_canon_waitable_set_drop(inst, s->set);
	flue_canon_task_return(inst, NULL, NULL, 0);
	s->done = true;
	return CB_EXIT;
}

/* A ring side found nothing to claim: read its companion. true: a unit
 * was there (claim again); false: BLOCKED (wait). */
static bool companion_ready(struct flue_instance *inst, struct side *s)
{
	uint32_t r = flue_canon_stream_read(inst, bf.unit, FLUE_OPT_ASYNC, s->end, 0, 1);
	if (r == FLUE_BLOCKED)
		return false;
	BCHECK(r == (FLUE_COMPLETED | 1u << 4) || r == FLUE_DROPPED);
	return true;
}

/* ------------------------------------------------------------ the writer */

static uint32_t stream_write_step(struct flue_instance *inst)
{
	uint8_t *m = bench_mem(inst) + BENCH_BUF;
	while (wr.ops < wr.nops) {
		st32(m, stamp32(wr.ops));
		st32(m + 4u * (wr.len - 1u), stamp32(wr.ops));
		uint32_t r = flue_canon_stream_write(inst, bf.u32, FLUE_OPT_ASYNC, wr.end, BENCH_BUF,
						     wr.len);
		if (r == FLUE_BLOCKED)
			return CB_WAIT | wr.set << 4;
		BCHECK_EQ(r, FLUE_COMPLETED | wr.len << 4);
		wr.ops++;
	}
	return side_exit(inst, &wr, true);
}

static uint32_t ring_write_step(struct flue_instance *inst)
{
	while (wr.ops < wr.nops) {
		uint64_t c = flue_abi_ring_claim(inst, &rg, wr.len);
		uint32_t k = (uint32_t)(c >> 32);
		if (k == 0u) {
			if (!companion_ready(inst, &wr))
				return CB_WAIT | wr.set << 4;
			continue;
		}
		BCHECK_EQ(k, wr.len); /* the capacity is a multiple of len */
		uint8_t *p = ring_at(inst, (uint32_t)c);
		st32(p, stamp32(wr.ops));
		st32(p + 4u * (k - 1u), stamp32(wr.ops));
		flue_abi_ring_finish(inst, &rg, k);
		wr.ops++;
	}
	return side_exit(inst, &wr, false); /* leaving: drop the companion */
}

static uint32_t write_step(struct flue_instance *inst)
{
	return wr.ring ? ring_write_step(inst) : stream_write_step(inst);
}

static void writer_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	wr.set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, wr.end, wr.set);
	res[0] = write_step(inst);
}

static uint32_t writer_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			  uint32_t p2)
{
	(void)u;
	BCHECK_EQ(p1, wr.end);
	if (wr.ring) {
		BCHECK_EQ(e, FLUE_EVENT_CODE_STREAM_READ); /* room: a unit */
	} else {
		BCHECK_EQ(e, FLUE_EVENT_CODE_STREAM_WRITE);
		BCHECK_EQ(p2, FLUE_COMPLETED | wr.len << 4);
		wr.ops++;
	}
	return write_step(inst);
}

/* ------------------------------------------------------------ the reader */

/* One op of `k` elements at `p`: both stamps of op rd.ops. */
static void take(const uint8_t *p, uint32_t k)
{
	BCHECK_EQ(ld32(p), stamp32(rd.ops));
	BCHECK_EQ(ld32(p + 4u * (k - 1u)), stamp32(rd.ops));
	rd.got += k;
	rd.ops++;
}

/* A finished stream read `r`: false at the end (DROPPED, maybe with the
 * last op's elements, #719). */
static bool stream_take(struct flue_instance *inst, uint32_t r)
{
	bool dropped = (r & 0xFu) == FLUE_DROPPED;
	if (dropped && r >> 4 == 0)
		return false;
	BCHECK_EQ(r, (dropped ? FLUE_DROPPED : FLUE_COMPLETED) | rd.len << 4);
	take(bench_mem(inst) + BENCH_BUF, rd.len);
	return !dropped;
}

static uint32_t stream_read_step(struct flue_instance *inst)
{
	for (;;) {
		uint32_t r = flue_canon_stream_read(inst, bf.u32, FLUE_OPT_ASYNC, rd.end, BENCH_BUF,
						    rd.len);
		if (r == FLUE_BLOCKED)
			return CB_WAIT | rd.set << 4;
		if (!stream_take(inst, r))
			return side_exit(inst, &rd, false);
	}
}

static uint32_t ring_read_step(struct flue_instance *inst)
{
	for (;;) {
		uint64_t c = flue_abi_ring_claim(inst, &rg, rd.len);
		if (c == FLUE_RING_CLOSED)
			return side_exit(inst, &rd, false);
		uint32_t k = (uint32_t)(c >> 32);
		if (k == 0u) {
			if (!companion_ready(inst, &rd))
				return CB_WAIT | rd.set << 4;
			continue;
		}
		BCHECK_EQ(k, rd.len);
		take(ring_at(inst, (uint32_t)c), k);
		flue_abi_ring_finish(inst, &rg, k);
	}
}

static void reader_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	rd.set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, rd.end, rd.set);
	res[0] = rd.ring ? ring_read_step(inst) : stream_read_step(inst);
}

static uint32_t reader_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			  uint32_t p2)
{
	(void)u;
	BCHECK_EQ(e, FLUE_EVENT_CODE_STREAM_READ);
	BCHECK_EQ(p1, rd.end);
	if (rd.ring) {
		BCHECK(p2 == (FLUE_COMPLETED | 1u << 4) || p2 == FLUE_DROPPED);
		return ring_read_step(inst);
	}
	if (!stream_take(inst, p2))
		return side_exit(inst, &rd, false);
	return stream_read_step(inst);
}

static void sides_init(bool ring, uint32_t len, uint32_t nops)
{
	memset(&wr, 0, sizeof wr);
	memset(&rd, 0, sizeof rd);
	wr.ring = rd.ring = ring;
	wr.len = rd.len = len;
	wr.nops = nops;
	bench_resolved_reset();
}

static int start_reader(void)
{
	if (bench_lift(&f_r, bf.b, &bench_ft_unit, reader_core, reader_cb) != 0)
		return -1;
	return bench_invoke(&f_r);
}

/* After a run: both sides (or the reader alone) done, every op seen. */
static int check_run(uint32_t n, uint32_t len, uint32_t sides)
{
	BCHECK(rd.done);
	BCHECK(sides == 1u || wr.done);
	BCHECK_EQ(bench_resolved(), sides);
	BCHECK_EQ(rd.ops, n);
	BCHECK_EQ(rd.got, n * len);
	BCHECK_EQ(bf.ntraps, 0);
	return bench_verdict();
}

/* ------------------------------------------------------- guest -> guest */

/* The pair's ends: a stream of u32 made in a, its readable end in b; or a
 * ring of `cap` u32 on placed storage, a writing and b reading. */
static int gg_ends(bool ring, uint32_t cap)
{
	if (!ring) {
		uint64_t rw = flue_canon_stream_new(bf.a, bf.u32);
		wr.end = (uint32_t)(rw >> 32);
		return flue_end_transfer(bf.a, (uint32_t)rw, bf.u32, bf.b, &rd.end);
	}
	if (flue_ring_init(&rg, 4, cap) != 0 || flue_ring_place(&rg, ring_mem) != 0)
		return -1;
	if (flue_ring_connect(&rg, FLUE_RING_WRITER, bf.a, bf.unit, &wr.end) != 0)
		return -1;
	return flue_ring_connect(&rg, FLUE_RING_READER, bf.b, bf.unit, &rd.end);
}

/* `arg`: elements per op, and (ring) the capacity in bits 16..31, 0: a
 * double buffer of 2 ops. */
static int gg_run(bool ring, uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	uint32_t len = arg & 0xFFFFu, cap = arg >> 16 != 0u ? arg >> 16 : 2u * len;
	if (bench_fixture_setup() != 0 || cap * 4u > sizeof ring_mem)
		return -1;
	sides_init(ring, len, n);
	if (gg_ends(ring, cap) != 0) {
		BCHECK(false);
		return -1;
	}
	if (bench_lift(&f_w, bf.a, &bench_ft_unit, writer_core, writer_cb) != 0)
		return -1;
	uint64_t t0 = bench_now();
	if (start_reader() != 0 || bench_invoke(&f_w) != 0)
		return -1;
	int rc = flue_run(&bf.store);
	*elapsed = bench_now() - t0;
	BCHECK_EQ(rc, 0);
	BCHECK_EQ(wr.ops, n);
	return check_run(n, len, 2);
}

int bench_stream4_gg(uint32_t len, uint32_t n, uint64_t *elapsed)
{
	return gg_run(false, len, n, elapsed);
}

int bench_ring_gg(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	return gg_run(true, arg, n, elapsed);
}

/* ------------------------------------------------------- driver -> guest */

#define DRV_WINDOW BENCH_BUF /* b's ring window: 32 bytes, 32-aligned */

static struct flue_channel ch4;
static uint8_t ch4_buf[4];
static volatile uint32_t drv_sent;
static volatile int32_t drv_error;

static void drv_note(int32_t r)
{
	if (r == 1)
		drv_sent = drv_sent + 1u;
	else if (drv_error == 0)
		drv_error = r == 0 ? FLUE_EINVAL : r;
}

/* The interrupt side of each variant: one u32 per call. */
static void isr_channel(void)
{
	uint32_t v = stamp32(drv_sent);
	drv_note(flue_channel_send(&ch4, &v, 1));
}

static void isr_ring(void)
{
	void *slot = NULL;
	int32_t k = flue_ring_put_claim(&rg, 1, &slot);
	if (k == 1) {
		st32(slot, stamp32(drv_sent));
		k = flue_ring_put_commit(&rg, 1) == 0 ? 1 : FLUE_EINVAL;
	}
	drv_note(k);
}

static int drv_ends(bool ring)
{
	if (!ring)
		return flue_channel_init(&ch4, ch4_buf, 4, 1) != 0 ||
		       flue_channel_attach(&ch4, bf.b, bf.u32, true, false, &rd.end) != 0;
	if (flue_ring_init(&rg, 4, 8) != 0 ||
	    flue_ring_connect(&rg, FLUE_RING_READER, bf.b, bf.unit, &rd.end) != 0)
		return -1;
	flue_abi_ring_attach(bf.b, &rg, DRV_WINDOW, 32); /* as the guest's _initialize would */
	return bf.ntraps != 0;
}

static int drv_run(bool ring, uint32_t n, uint64_t *elapsed)
{
	if (bench_fixture_setup() != 0)
		return -1;
	sides_init(ring, 1, 0);
	if (drv_ends(ring) != 0) {
		BCHECK(false);
		return -1;
	}
	drv_sent = 0;
	drv_error = 0;
	void (*isr)(void) = ring ? isr_ring : isr_channel;
	uint64_t t0 = bench_now();
	if (start_reader() != 0)
		return -1;
	for (uint32_t i = 0; i < n && bench_failures() == 0; i++) {
		bench_kick(isr);
		BCHECK_EQ(drv_sent, i + 1u);
		BCHECK_EQ(flue_run(&bf.store), FLUE_EAGAIN);
	}
	if (ring)
		flue_ring_close(&rg);
	else
		flue_channel_close(&ch4);
	BCHECK_EQ(flue_run(&bf.store), 0);
	*elapsed = bench_now() - t0;
	BCHECK_EQ(drv_error, 0);
	return check_run(n, 1, 1);
}

int bench_chan4(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	return drv_run(false, n, elapsed);
}

int bench_ring_drv(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	return drv_run(true, n, elapsed);
}
