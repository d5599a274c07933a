/*
 * The task fuzzer's checker self-test and its final report (split from
 * fuzz_tasks.c, which drives the inputs): before the first input, a known
 * state is built from a fixed input and corrupted one way at a time; the
 * invariant checker must catch every corruption, or the fuzzer refuses to
 * start (a checker that cannot fail would make every run look clean).
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_tasks.h"
#include "invariants.h"

/* ------------------------------------------------- checker self-test */

/* A known state: g0's invocation t0 waits (WAIT) on its set 2, holding
 * subtask 1 (a call of g2's export 0, t1, which waits on g2's set 1), g0
 * has backpressure 1, and a second invocation of g0 is held at its gate. */
static const uint8_t selftest_input[] = {
	0, 0, 7,          /* invoke g0/e0 (7); its core runs 2 built-ins: */
	2, 0, 6, 5, 0, 0, /*   async call of g2/e0 (5), out pointer, arity ok */
	0, 9, 0,          /*     g2's core: no built-in, WAIT on a new set */
	5, 1,             /*   backpressure.inc */
	9, 0,             /*   WAIT on a new set */
	0, 0, 8,          /* invoke g0/e0 (8): held at the gate */
};

static struct flue_store saved;
static uint16_t st_t0, st_t1, st_t2;
#define G0(s) ((s)->instances[tz.g[0]->id])
#define T(i) ((s)->tasks[i])
static void c_sub_names(struct flue_store *s) { G0(s).handles[1].u.sub.task = st_t0; }
static void c_sub_back(struct flue_store *s) { T(st_t1).sub_handle = 2; }
static void c_gate(struct flue_store *s) { G0(s).waiting_to_enter++; }
static void c_lock(struct flue_store *s) { G0(s).exclusive = st_t0; }
static void c_lost(struct flue_store *s) { T(st_t2).cond = FLUE_COND_NONE; }
static void c_leak(struct flue_store *s) { T(st_t1).caller_done = T(st_t1).callee_done = true; }
static void c_lost_ev(struct flue_store *s) { T(st_t1).sub_state = FLUE_SUBTASK_RETURNED; }
static void c_waiters(struct flue_store *s) { G0(s).handles[2].u.wset.waiting--; }
static void c_leave(struct flue_store *s) { s->instances[tz.g[1]->id].may_leave = false; }
static void c_unreach(struct flue_store *s) { T(st_t1).sub_handle = 0; }
static void c_sub_kind(struct flue_store *s) { G0(s).handles[1].kind = FLUE_H_SUBTASK + 1u; }
static void c_members(struct flue_store *s) { G0(s).handles[1].u.sub.w.wset = 2; }
static void c_gen(struct flue_store *s) { T(st_t1).gen = 0; }
static void c_posted(struct flue_store *s) { s->sched.posted++; }
static void c_post_open(struct flue_store *s) { T(st_t1).post.state = FLUE_POST_OPEN; }
/* A cancellation made pending without the wake that makes its WAIT on an
 * empty set ready (#707): the stamp no longer fits the condition. */
static void c_unwoken(struct flue_store *s) { T(st_t0).state = FLUE_TASK_PENDING_CANCEL; }
static void c_wake_order(struct flue_store *s) { T(st_t2).wait_seq = 0; }
#undef T
#undef G0

static void expect_caught(const char *what, void (*corrupt)(struct flue_store *s))
{
	char msg[256];
	memcpy(&saved, &tz.store, sizeof saved);
	corrupt(&tz.store);
	bool ok = flue_invariants_check_quiescent(&tz.store, msg, sizeof msg);
	memcpy(&tz.store, &saved, sizeof saved);
	if (ok)
		TZ_DIE("task invariant checker missed: %s", what);
}

void tz_checker_selftest(void)
{
	tz_setup();
	tz.d = selftest_input;
	tz.n = sizeof selftest_input;
	while (tz_more())
		tz_top_op();
	tz_check_quiescent("self-test state");
	const struct flue_instance *g0 = tz.g[0];
	TZ_CHECK(g0->backpressure == 1u && g0->waiting_to_enter == 1u);
	TZ_CHECK(g0->handles[1].kind == FLUE_H_SUBTASK && tz.inv[0].live && tz.inv[1].live);
	st_t0 = flue_call_slot(tz.inv[0].call);
	st_t1 = g0->handles[1].u.sub.task;
	st_t2 = flue_call_slot(tz.inv[1].call);
	TZ_CHECK(tz.store.tasks[st_t0].cond == FLUE_COND_WAIT && tz.store.tasks[st_t0].arg == 2u);
	TZ_CHECK(tz.store.tasks[st_t1].cond == FLUE_COND_WAIT);
	TZ_CHECK(tz.store.tasks[st_t2].cond == FLUE_COND_GATE);
	expect_caught("subtask handle naming another task", c_sub_names);
	expect_caught("task not naming its subtask handle", c_sub_back);
	expect_caught("waiting_to_enter off", c_gate);
	expect_caught("lock held while no guest code runs", c_lock);
	expect_caught("lost thread", c_lost);
	expect_caught("record neither side needs", c_leak);
	expect_caught("resolved subtask without an event", c_lost_ev);
	expect_caught("set waiters miscounted", c_waiters);
	expect_caught("may_leave left clear", c_leave);
	expect_caught("unreachable record", c_unreach);
	expect_caught("unknown handle kind", c_sub_kind);
	expect_caught("subtask naming a set it is not counted in", c_members);
	expect_caught("live record of generation 0", c_gen);
	expect_caught("posted counter off", c_posted);
	expect_caught("post slot open on a guest task", c_post_open);
	expect_caught("missed wake (cancellation pending, WAIT not woken)", c_unwoken);
	expect_caught("waiting task without a wait sequence number", c_wake_order);
	memset(&tz_stats, 0, sizeof tz_stats);
}

void tz_report(void)
{
	const struct tz_stats *st = &tz_stats;
	fprintf(stderr,
		"fuzz_tasks: %llu inputs, %llu top-level ops, %llu guest built-ins, %llu ticks, "
		"%llu invocations, %llu host calls, %llu idle-hook calls, %llu traps\n",
		(unsigned long long)st->inputs, (unsigned long long)st->ops,
		(unsigned long long)st->guest_ops, (unsigned long long)st->ticks,
		(unsigned long long)st->invokes, (unsigned long long)st->host_calls,
		(unsigned long long)st->idles, (unsigned long long)st->traps);
	fprintf(stderr,
		"fuzz_tasks: %llu posted invocations, %llu posted cancellations, %llu host posts, "
		"%llu channel ops, %llu realloc-export calls (%llu reallocs), %llu blocking "
		"invocations, %llu stale-id checks, %llu flue_wait_until\n",
		(unsigned long long)st->posted_invokes, (unsigned long long)st->cancel_posts,
		(unsigned long long)st->post_returns, (unsigned long long)st->channel_ops,
		(unsigned long long)st->big_calls, (unsigned long long)st->reallocs,
		(unsigned long long)st->blocking_calls, (unsigned long long)st->stale_checks,
		(unsigned long long)st->waits);
	fprintf(stderr, "fuzz_tasks: traps by reason:");
	for (int r = 1; r < FLUE_TRAP_REASON_COUNT; r++)
		if (st->trap_reason[r] != 0u)
			fprintf(stderr, " %s=%llu", flue_trap_message((enum flue_trap_reason)r),
				(unsigned long long)st->trap_reason[r]);
	fprintf(stderr,
		"\nfuzz_tasks: tasks released only by destroying their instances (callback "
		"loops waiting on a set nothing will fill): %llu in %llu inputs (%llu after their caller requested cancellation, %llu whose "
		"caller trapped); %llu left because a pool was full (no task for a cleanup "
		"call, or no stream for a host call's result)\n",
		(unsigned long long)st->leaked_tasks, (unsigned long long)st->leak_inputs,
		(unsigned long long)st->leak_after_cancel, (unsigned long long)st->leak_orphan,
		(unsigned long long)st->leak_pool_full);
}
