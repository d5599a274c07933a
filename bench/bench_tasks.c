/*
 * Benchmarks of waitable sets and tasks (make bench; docs/PERFORMANCE.md):
 * waitable-set.wait / poll against the member count, a task spawn + return
 * and an async-lower round trip. Guest helpers: bench_flue.c.
 */
#include <stddef.h>
#include <string.h>

#include <flue/abi.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/task_decide.h>

#include "bench.h"

static struct flue_func f_a, f_b;
static struct flue_lowered a_to_b;

/* --------------------------------------------------- waitable-set wait/poll */

static uint32_t ld32(struct flue_instance *inst, uint32_t off)
{
	uint32_t v;
	memcpy(&v, bench_mem(inst) + off, sizeof v); /* little-endian target and host */
	return v;
}

/* One guest task times its own loop: a set with `members` waitables, of
 * which one (r0) gets an event per iteration (wait), or none does (poll). */
static struct {
	uint32_t members, n, r0, w0, set;
	bool poll;
	uint64_t elapsed;
} ws;

static void ws_fill(struct flue_instance *inst)
{
	uint64_t rw = flue_canon_stream_new(inst, bf.u8);
	ws.r0 = (uint32_t)rw;
	ws.w0 = (uint32_t)(rw >> 32);
	ws.set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, ws.r0, ws.set);
	/* The other members: both ends of idle streams, never an event. */
	for (uint32_t joined = 1; joined < ws.members;) {
		rw = flue_canon_stream_new(inst, bf.u8);
		flue_canon_waitable_join(inst, (uint32_t)rw, ws.set);
		if (++joined < ws.members) {
			flue_canon_waitable_join(inst, (uint32_t)(rw >> 32), ws.set);
			joined++;
		}
	}
}

static void ws_wait_loop(struct flue_instance *inst)
{
	uint8_t *m = bench_mem(inst);
	const uint32_t rbuf = BENCH_BUF, wbuf = BENCH_BUF + 16u;
	uint64_t t0 = bench_now();
	for (uint32_t i = 0; i < ws.n; i++) {
		m[wbuf] = bench_stamp(i);
		BCHECK_EQ(flue_canon_stream_read(inst, bf.u8, FLUE_OPT_ASYNC, ws.r0, rbuf, 1),
			  FLUE_BLOCKED);
		BCHECK_EQ(flue_canon_stream_write(inst, bf.u8, FLUE_OPT_ASYNC, ws.w0, wbuf, 1),
			  FLUE_COMPLETED | 1u << 4);
		BCHECK_EQ(flue_canon_waitable_set_wait(inst, ws.set, 0),
			  FLUE_EVENT_CODE_STREAM_READ);
		BCHECK_EQ(m[rbuf], bench_stamp(i));
	}
	ws.elapsed = bench_now() - t0;
	BCHECK_EQ(ld32(inst, 0), ws.r0); /* the last event's payload */
	BCHECK_EQ(ld32(inst, 4), FLUE_COMPLETED | 1u << 4);
}

static void ws_poll_loop(struct flue_instance *inst)
{
	uint32_t none = 0;
	uint64_t t0 = bench_now();
	for (uint32_t i = 0; i < ws.n; i++)
		none += flue_canon_waitable_set_poll(inst, ws.set, 0) == FLUE_EVENT_CODE_NONE;
	ws.elapsed = bench_now() - t0;
	BCHECK_EQ(none, ws.n);
}

static void ws_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		    flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	ws_fill(inst);
	if (ws.poll)
		ws_poll_loop(inst);
	else
		ws_wait_loop(inst);
	flue_canon_task_return(inst, NULL, NULL, 0);
	res[0] = CB_EXIT; /* the store is discarded: no need to drop the ends */
}

static int bench_wset(uint32_t members, uint32_t n, bool poll, uint64_t *elapsed)
{
	if (bench_fixture_setup() != 0)
		return -1;
	memset(&ws, 0, sizeof ws);
	ws.members = members;
	ws.n = n;
	ws.poll = poll;
	bench_resolved_reset();
	if (bench_lift(&f_a, bf.a, &bench_ft_unit, ws_core, bench_no_cb) != 0 || bench_invoke(&f_a) != 0)
		return -1;
	BCHECK_EQ(flue_run(&bf.store), 0);
	BCHECK_EQ(bench_resolved(), 1);
	BCHECK_EQ(bf.ntraps, 0);
	*elapsed = ws.elapsed;
	return bench_verdict();
}

int bench_wait(uint32_t members, uint32_t n, uint64_t *elapsed)
{
	return bench_wset(members, n, false, elapsed);
}

int bench_poll(uint32_t members, uint32_t n, uint64_t *elapsed)
{
	return bench_wset(members, n, true, elapsed);
}

/* ------------------------------------------------- tasks: spawn and return */

static struct {
	uint32_t n, b_runs, a_done;
	uint32_t sub, set;
	uint64_t elapsed;
} tk;

#define OUT_PTR 64u

/* b: returns its run count at once (spawn + return in one call). */
static void b_returns(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		      flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t v = ++tk.b_runs;
	flue_canon_task_return(inst, &bench_vt_u32, &v, 1);
	res[0] = CB_EXIT;
}

static void a_spawns(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_flat_t out = OUT_PTR;
	uint64_t t0 = bench_now();
	for (uint32_t i = 0; i < tk.n; i++) {
		BCHECK_EQ(flue_call_lowered(&a_to_b, &out, 1), FLUE_SUBTASK_RETURNED);
		BCHECK_EQ(ld32(inst, OUT_PTR), i + 1u);
	}
	tk.elapsed = bench_now() - t0;
	flue_canon_task_return(inst, NULL, NULL, 0);
	res[0] = CB_EXIT;
}

static int tasks_setup(uint32_t n, flue_core_fn acore, flue_callback_fn acb, flue_core_fn bcore,
		       flue_callback_fn bcb)
{
	if (bench_fixture_setup() != 0)
		return -1;
	memset(&tk, 0, sizeof tk);
	tk.n = n;
	bench_resolved_reset();
	if (bench_lift(&f_a, bf.a, &bench_ft_unit, acore, acb) != 0 ||
	    bench_lift(&f_b, bf.b, &bench_ft_u32, bcore, bcb) != 0)
		return -1;
	int rc = flue_lower(&a_to_b, &f_b, bf.a, true);
	BCHECK_EQ(rc, 0);
	return rc;
}

int bench_spawn(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	if (tasks_setup(n, a_spawns, bench_no_cb, b_returns, bench_no_cb) != 0 || bench_invoke(&f_a) != 0)
		return -1;
	BCHECK_EQ(flue_run(&bf.store), 0);
	BCHECK_EQ(bench_resolved(), 1);
	BCHECK_EQ(tk.b_runs, n);
	BCHECK_EQ(bf.ntraps, 0);
	*elapsed = tk.elapsed;
	return bench_verdict();
}

/* Async-lower round trip: b yields once before returning, so a sees
 * STARTED, joins the subtask, waits, gets the SUBTASK event and drops it. */
static void b_yields(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	res[0] = CB_YIELD;
}

static uint32_t b_after_yield(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			      uint32_t p2)
{
	(void)u;
	BCHECK_EQ(e, FLUE_EVENT_CODE_NONE);
	BCHECK_EQ(p1 | p2, 0);
	flue_flat_t v = ++tk.b_runs;
	flue_canon_task_return(inst, &bench_vt_u32, &v, 1);
	return CB_EXIT;
}

static uint32_t a_calls(struct flue_instance *inst)
{
	flue_flat_t out = OUT_PTR;
	uint64_t st = flue_call_lowered(&a_to_b, &out, 1);
	BCHECK_EQ(st & 0xFu, FLUE_SUBTASK_STARTED);
	tk.sub = (uint32_t)st >> 4;
	flue_canon_waitable_join(inst, tk.sub, tk.set);
	return CB_WAIT | tk.set << 4;
}

static void a_round_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	tk.set = flue_canon_waitable_set_new(inst);
	res[0] = a_calls(inst);
}

static uint32_t a_round_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			   uint32_t p2)
{
	(void)u;
	BCHECK_EQ(e, FLUE_EVENT_CODE_SUBTASK);
	BCHECK_EQ(p1, tk.sub);
	BCHECK_EQ(p2, FLUE_SUBTASK_RETURNED);
	BCHECK_EQ(ld32(inst, OUT_PTR), tk.a_done + 1u);
	flue_canon_subtask_drop(inst, tk.sub);
	if (++tk.a_done < tk.n)
		return a_calls(inst);
	flue_canon_waitable_set_drop(inst, tk.set);
	flue_canon_task_return(inst, NULL, NULL, 0);
	return CB_EXIT;
}

int bench_round_trip(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	if (tasks_setup(n, a_round_core, a_round_cb, b_yields, b_after_yield) != 0)
		return -1;
	uint64_t t0 = bench_now();
	if (bench_invoke(&f_a) != 0)
		return -1;
	int rc = flue_run(&bf.store);
	*elapsed = bench_now() - t0;
	BCHECK_EQ(rc, 0);
	BCHECK_EQ(bench_resolved(), 1);
	BCHECK_EQ(tk.a_done, n);
	BCHECK_EQ(tk.b_runs, n);
	BCHECK_EQ(bf.ntraps, 0);
	return bench_verdict();
}

