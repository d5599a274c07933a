/*
 * The executor's benchmarks, portable (host and Cortex-M3): guests are C
 * functions lifted with FLUE_LIFT_CALLBACK, calling flue/abi.h's built-ins
 * with their instance, exactly as tests/exec/ drives them. This file: the
 * guest helpers every benchmark file uses, the stream hand-offs and bulk
 * copies, and the list of benchmarks; waitable sets and task spawns are in
 * bench_tasks.c.
 *
 * Each one checks what it moved (stamps, counts, codes) so that a broken
 * path fails the run instead of producing a figure.
 */
#include <stddef.h>
#include <string.h>

#include <flue/abi.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/host.h>
#include <flue/task_decide.h>

#include "bench.h"

const struct flue_functype bench_ft_unit = { .async = true };
const struct flue_valtype bench_vt_u32 = { .kind = FLUE_VAL_U32 };
const struct flue_functype bench_ft_u32 = { .async = true, .result = &bench_vt_u32 };
static struct flue_func f_a, f_b;
static uint32_t resolved;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	(void)r;
	resolved++;
}

int bench_lift(struct flue_func *f, struct flue_instance *inst, const struct flue_functype *ft,
	       flue_core_fn core, flue_callback_fn cb)
{
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = core, .callback = cb };
	int rc = flue_lift(f, inst, ft, &o);
	BCHECK_EQ(rc, 0);
	return rc;
}

int bench_invoke(struct flue_func *f)
{
	flue_call_t call;
	int rc = flue_invoke(f, 0, 0, on_resolve, 0, &call);
	BCHECK_EQ(rc, 0);
	return rc;
}

void bench_resolved_reset(void)
{
	resolved = 0;
}

int bench_verdict(void)
{
	return bench_failures() == 0 ? 0 : -1;
}

uint32_t bench_no_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
		     uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	BCHECK(false);
	return CB_EXIT;
}

/* ------------------------------------------------ writer guest (instance a) */

/* Writes `nops` ops of `len` u8 from BENCH_BUF, stamping the first and
 * last element of each with bench_stamp(op), then drops its end. */
static struct {
	uint32_t end, set, len, nops, ops;
	bool done;
} wr;

static uint32_t writer_step(struct flue_instance *inst)
{
	uint8_t *m = bench_mem(inst);
	while (wr.ops < wr.nops) {
		uint8_t s = bench_stamp(wr.ops);
		m[BENCH_BUF] = s;
		m[BENCH_BUF + wr.len - 1u] = s;
		uint32_t r = flue_canon_stream_write(inst, bf.u8, FLUE_OPT_ASYNC, wr.end, BENCH_BUF,
						     wr.len);
		if (r == FLUE_BLOCKED)
			return CB_WAIT | wr.set << 4;
		BCHECK_EQ(r, FLUE_COMPLETED | wr.len << 4);
		wr.ops++;
	}
	flue_canon_waitable_join(inst, wr.end, 0);
	flue_canon_stream_drop_writable(inst, bf.u8, wr.end);
	flue_canon_waitable_set_drop(inst, wr.set);
	flue_canon_task_return(inst, NULL, NULL, 0);
	wr.done = true;
	return CB_EXIT;
}

static void writer_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	wr.set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, wr.end, wr.set);
	res[0] = writer_step(inst);
}

static uint32_t writer_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			  uint32_t p2)
{
	(void)u;
	BCHECK_EQ(e, FLUE_EVENT_CODE_STREAM_WRITE);
	BCHECK_EQ(p1, wr.end);
	BCHECK_EQ(p2, FLUE_COMPLETED | wr.len << 4);
	wr.ops++;
	return writer_step(inst);
}

static void writer_init(uint32_t end, uint32_t len, uint32_t nops)
{
	memset(&wr, 0, sizeof wr);
	wr.end = end;
	wr.len = len;
	wr.nops = nops;
}

/* ------------------------------------------------ reader guest (instance b) */

struct bench_reader bench_rd;
#define rd bench_rd

static uint32_t reader_finish(struct flue_instance *inst)
{
	flue_canon_waitable_join(inst, rd.end, 0);
	flue_canon_stream_drop_readable(inst, bf.u8, rd.end);
	flue_canon_waitable_set_drop(inst, rd.set);
	flue_canon_task_return(inst, NULL, NULL, 0);
	rd.done = true;
	return CB_EXIT;
}

/* A finished read with result `r`: false at the end of the stream. The
 * last op may report DROPPED with its elements (#719: the writer dropped
 * its end before the read's event was delivered). */
static bool reader_take(struct flue_instance *inst, uint32_t r)
{
	bool dropped = (r & 0xFu) == FLUE_DROPPED;
	if (dropped && r >> 4 == 0)
		return false;
	BCHECK_EQ(r, (dropped ? FLUE_DROPPED : FLUE_COMPLETED) | rd.len << 4);
	const uint8_t *m = bench_mem(inst);
	BCHECK_EQ(m[BENCH_BUF], bench_stamp(rd.ops));
	BCHECK_EQ(m[BENCH_BUF + rd.len - 1u], bench_stamp(rd.ops));
	rd.got += r >> 4;
	rd.ops++;
	return !dropped;
}

static uint32_t reader_step(struct flue_instance *inst)
{
	for (;;) {
		uint32_t r = flue_canon_stream_read(inst, bf.u8, FLUE_OPT_ASYNC, rd.end, BENCH_BUF,
						    rd.len);
		if (r == FLUE_BLOCKED)
			return CB_WAIT | rd.set << 4;
		if (!reader_take(inst, r))
			return reader_finish(inst);
	}
}

static void reader_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	rd.set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, rd.end, rd.set);
	res[0] = reader_step(inst);
}

static uint32_t reader_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			  uint32_t p2)
{
	(void)u;
	BCHECK_EQ(e, FLUE_EVENT_CODE_STREAM_READ);
	BCHECK_EQ(p1, rd.end);
	if (!reader_take(inst, p2))
		return reader_finish(inst);
	return reader_step(inst);
}

int bench_reader_start(uint32_t end, uint32_t len)
{
	memset(&rd, 0, sizeof rd);
	rd.end = end;
	rd.len = len;
	resolved = 0;
	if (bench_lift(&f_b, bf.b, &bench_ft_unit, reader_core, reader_cb) != 0)
		return -1;
	return bench_invoke(&f_b);
}

void bench_reader_check(uint32_t n)
{
	BCHECK(rd.done);
	BCHECK_EQ(rd.got, n);
	BCHECK_EQ(bf.ntraps, 0);
}

uint32_t bench_resolved(void)
{
	return resolved;
}

/* A stream of u8 made in a, its readable end moved to `to`. */
static int stream_a_to(struct flue_instance *to, uint32_t *w, uint32_t *r)
{
	uint64_t rw = flue_canon_stream_new(bf.a, bf.u8);
	*w = (uint32_t)(rw >> 32);
	int rc = flue_end_transfer(bf.a, (uint32_t)rw, bf.u8, to, r);
	BCHECK_EQ(rc, 0);
	return rc;
}

/* ---------------------------------------- hand-off and bulk, guest -> guest */

/* n ops of `len` bytes from a to b: write + read + event + callback each;
 * with `fibers`, every step on a fiber of its own (the store's
 * stack-per-task mode: what the port's stack switches add). */
static int stream_gg(uint32_t len, uint32_t n, uint64_t *elapsed, bool fibers)
{
	uint32_t w, r;
	if (bench_fixture_setup() != 0 || stream_a_to(bf.b, &w, &r) != 0)
		return -1;
	if (fibers)
		BCHECK_EQ(flue_exec_set_stack_per_task(&bf.store, true), 0);
	writer_init(w, len, n);
	if (bench_lift(&f_a, bf.a, &bench_ft_unit, writer_core, writer_cb) != 0)
		return -1;
	uint64_t t0 = bench_now();
	if (bench_reader_start(r, len) != 0 || bench_invoke(&f_a) != 0)
		return -1;
	int rc = flue_run(&bf.store);
	*elapsed = bench_now() - t0;
	BCHECK_EQ(rc, 0);
	BCHECK(wr.done);
	BCHECK_EQ(resolved, 2);
	BCHECK_EQ(rd.ops, n);
	bench_reader_check(n * len);
	return bench_verdict();
}

static int bench_stream_gg(uint32_t len, uint32_t n, uint64_t *elapsed)
{
	return stream_gg(len, n, elapsed, false);
}

static int bench_stream_gg_fibers(uint32_t len, uint32_t n, uint64_t *elapsed)
{
	return stream_gg(len, n, elapsed, true);
}

/* The in-run baseline of a bulk copy: memcpy between the same memories. */
static void *(*volatile bench_memcpy)(void *, const void *, size_t) = memcpy;

static int bench_memcpy_run(uint32_t len, uint32_t n, uint64_t *elapsed)
{
	if (bench_fixture_setup() != 0)
		return -1;
	uint8_t *src = bench_mem(bf.a) + BENCH_BUF, *dst = bench_mem(bf.b) + BENCH_BUF;
	uint32_t sum = 0;
	uint64_t t0 = bench_now();
	for (uint32_t i = 0; i < n; i++) {
		src[len - 1u] = bench_stamp(i);
		bench_memcpy(dst, src, len);
		sum += dst[len - 1u];
	}
	*elapsed = bench_now() - t0;
	uint32_t want = 0;
	for (uint32_t i = 0; i < n; i++)
		want += bench_stamp(i);
	BCHECK_EQ(sum, want);
	return bench_verdict();
}

/* ------------------------------------------- hand-off, guest -> host end */

/* The host reads one element at a time (flue/host.h) and runs the
 * executor so that the writer's callback posts the next write. */
static int host_reads(uint32_t hr, uint32_t n)
{
	uint8_t *buf = bench_host_arena() + BENCH_BUF;
	for (uint32_t i = 0; i < n; i++) {
		struct flue_host_outcome o;
		BCHECK_EQ(flue_host_read(bf.host, hr, buf, 1, &o), 0);
		if (!o.done) {
			(void)flue_run(&bf.store);
			BCHECK_EQ(flue_host_poll(bf.host, hr, &o), 0);
		}
		BCHECK(o.done);
		BCHECK_EQ(o.result, FLUE_RESULT_COMPLETED);
		BCHECK_EQ(o.progress, 1);
		BCHECK_EQ(buf[0], bench_stamp(i));
		int rc = flue_run(&bf.store);
		BCHECK_EQ(rc, i + 1u < n ? FLUE_EAGAIN : 0);
		if (bench_failures() != 0)
			return -1;
	}
	return 0;
}

static int bench_handoff_gh(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	uint32_t w, hr;
	if (bench_fixture_setup() != 0 || stream_a_to(bf.host, &w, &hr) != 0)
		return -1;
	writer_init(w, 1, n);
	resolved = 0;
	if (bench_lift(&f_a, bf.a, &bench_ft_unit, writer_core, writer_cb) != 0)
		return -1;
	uint64_t t0 = bench_now();
	if (bench_invoke(&f_a) != 0 || host_reads(hr, n) != 0)
		return -1;
	*elapsed = bench_now() - t0;
	BCHECK(wr.done);
	BCHECK_EQ(resolved, 1);
	BCHECK_EQ(flue_host_drop(bf.host, hr), 0);
	BCHECK_EQ(bf.ntraps, 0);
	return bench_verdict();
}

/* ------------------------------------ hand-off with idle waiting tasks */

/* `arg` callback tasks of instance b wait on sets of their own that never
 * get an event, then the one-element hand-off runs as handoff_gg: what
 * each waiting task adds to a step (issue 10: O(1) per wake, "8 idle
 * waiting tasks add 46 %"). Parked before the timed window. */
static struct flue_func f_idle;

static void idle_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		      flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	res[0] = CB_WAIT | flue_canon_waitable_set_new(inst) << 4;
}

static int bench_handoff_idle(uint32_t idle, uint32_t n, uint64_t *elapsed)
{
	uint32_t w, r;
	if (bench_fixture_setup() != 0 || stream_a_to(bf.b, &w, &r) != 0 ||
	    bench_lift(&f_idle, bf.b, &bench_ft_unit, idle_core, bench_no_cb) != 0)
		return -1;
	for (uint32_t i = 0; i < idle; i++)
		if (bench_invoke(&f_idle) != 0)
			return -1;
	BCHECK_EQ(flue_run(&bf.store), FLUE_EDEADLK); /* all parked, none can wake */
	writer_init(w, 1, n);
	if (bench_lift(&f_a, bf.a, &bench_ft_unit, writer_core, writer_cb) != 0)
		return -1;
	uint64_t t0 = bench_now();
	if (bench_reader_start(r, 1) != 0 || bench_invoke(&f_a) != 0)
		return -1;
	int rc = flue_run(&bf.store);
	*elapsed = bench_now() - t0;
	BCHECK_EQ(rc, FLUE_EDEADLK); /* the idle tasks still wait */
	BCHECK(wr.done);
	BCHECK_EQ(resolved, 2);
	BCHECK_EQ(rd.ops, n);
	BCHECK_EQ(bf.ntraps, 0);
	bench_reader_check(n);
	return bench_verdict();
}

/* ------------------------------------------------------------- the list */

int bench_queue_path(uint32_t arg, uint32_t n, uint64_t *elapsed); /* bench_queue.c */

/* Keys are the rows of bench/report.sh; each hand-off's baseline comes
 * before it, each bulk copy's memcpy likewise. */
const struct bench bench_common[] = {
	{ "queue_path", bench_queue_path, 0 },
	{ "queue_switch", bench_queue_switch, 0 },
	{ "handoff_gg", bench_stream_gg, 1 },
	{ "handoff_gh", bench_handoff_gh, 0 },
	{ "handoff_ch", bench_handoff_channel, 0 },
	{ "handoff_idle8", bench_handoff_idle, 8 },
	{ "handoff_fiber", bench_stream_gg_fibers, 1 },
	{ "memcpy_64", bench_memcpy_run, 64 },
	{ "bulk_64", bench_stream_gg, 64 },
	{ "memcpy_4k", bench_memcpy_run, 4096 },
	{ "bulk_4k", bench_stream_gg, 4096 },
	{ "memcpy_64k", bench_memcpy_run, 65536 },
	{ "bulk_64k", bench_stream_gg, 65536 },
	{ "wait_1", bench_wait, 1 },
	{ "wait_16", bench_wait, 16 },
	{ "wait_48", bench_wait, 48 },
	{ "poll_1", bench_poll, 1 },
	{ "poll_16", bench_poll, 16 },
	{ "poll_48", bench_poll, 48 },
	{ "spawn", bench_spawn, 0 },
	{ "round_trip", bench_round_trip, 0 },
	/* shared rings (issue 11), each after its stream baseline; last, so
	 * that the rows above run as before */
	{ "stream4_1", bench_stream4_gg, 1 },
	{ "ring_1", bench_ring_gg, 1 },
	{ "ring_1_deep", bench_ring_gg, 1u | 64u << 16 },
	{ "stream4_64", bench_stream4_gg, 64 },
	{ "ring_64", bench_ring_gg, 64 },
	{ "chan4", bench_chan4, 0 },
	{ "ring_drv", bench_ring_drv, 0 },
};
const uint32_t bench_common_count = sizeof bench_common / sizeof bench_common[0];
