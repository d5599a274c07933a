/*
 * The thread life cycle (flue/thread_decide.h) against the table of its
 * header, written out here as a list of the allowed transitions with their
 * side conditions: every (state, event, cond, host, resolved) combination
 * over the whole value range of the enums and a margin past them is
 * compared with that list, then a few life stories are replayed step by
 * step (a callback task, a held call, a host function, a trapped one).
 */
#include "ftest.h"
#include <flue/thread_decide.h>

/* Which conditions a row's new state accepts. */
enum cond_class { C_NONE, C_GATE, C_CALLBACK, C_BLOCKING, C_HOST };
/* What a row requires of the call. */
enum need { ANY, YES, NO };

struct row {
	uint8_t from, event, to;
	enum cond_class cond;
	enum need host, resolved;
};

static const struct row rows[] = {
	{ FLUE_THREAD_NEW, FLUE_THREAD_EV_HOLD, FLUE_THREAD_GATE, C_GATE, NO, ANY },
	{ FLUE_THREAD_GATE, FLUE_THREAD_EV_UNHOLD, FLUE_THREAD_NEW, C_NONE, ANY, NO },
	{ FLUE_THREAD_NEW, FLUE_THREAD_EV_START, FLUE_THREAD_RUNNING, C_NONE, ANY, NO },
	{ FLUE_THREAD_GATE, FLUE_THREAD_EV_START, FLUE_THREAD_RUNNING, C_NONE, ANY, NO },
	{ FLUE_THREAD_NEW, FLUE_THREAD_EV_DISCARD, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
	{ FLUE_THREAD_GATE, FLUE_THREAD_EV_DISCARD, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
	{ FLUE_THREAD_RUNNING, FLUE_THREAD_EV_PARK, FLUE_THREAD_PARKED, C_CALLBACK, NO, ANY },
	{ FLUE_THREAD_RUNNING, FLUE_THREAD_EV_SUSPEND, FLUE_THREAD_SUSPENDED, C_BLOCKING, ANY, ANY },
	{ FLUE_THREAD_RUNNING, FLUE_THREAD_EV_NEST, FLUE_THREAD_NESTED, C_BLOCKING, ANY, ANY },
	{ FLUE_THREAD_PARKED, FLUE_THREAD_EV_RUN, FLUE_THREAD_RUNNING, C_NONE, ANY, ANY },
	{ FLUE_THREAD_SUSPENDED, FLUE_THREAD_EV_RUN, FLUE_THREAD_RUNNING, C_NONE, ANY, ANY },
	{ FLUE_THREAD_NESTED, FLUE_THREAD_EV_RUN, FLUE_THREAD_RUNNING, C_NONE, ANY, ANY },
	{ FLUE_THREAD_RUNNING, FLUE_THREAD_EV_EXIT, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
	{ FLUE_THREAD_RUNNING, FLUE_THREAD_EV_WAIT_HOST, FLUE_THREAD_HOST, C_HOST, YES, NO },
	{ FLUE_THREAD_HOST, FLUE_THREAD_EV_RESOLVE, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
	{ FLUE_THREAD_GATE, FLUE_THREAD_EV_DROP, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
	{ FLUE_THREAD_PARKED, FLUE_THREAD_EV_DROP, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
	{ FLUE_THREAD_RUNNING, FLUE_THREAD_EV_UNWIND, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
	{ FLUE_THREAD_NESTED, FLUE_THREAD_EV_UNWIND, FLUE_THREAD_EXITED, C_NONE, ANY, YES },
};

static bool in_class(enum cond_class k, uint32_t c)
{
	switch (k) {
	case C_NONE:
		return c == FLUE_COND_NONE;
	case C_GATE:
		return c == FLUE_COND_GATE;
	case C_CALLBACK:
		return c == FLUE_COND_YIELD || c == FLUE_COND_WAIT;
	case C_BLOCKING:
		return c == FLUE_COND_SET || c == FLUE_COND_EVENT || c == FLUE_COND_SUBTASK ||
		       c == FLUE_COND_READY || c == FLUE_COND_FN || c == FLUE_COND_PRED;
	default:
		return c == FLUE_COND_HOST;
	}
}

static bool meets(enum need n, bool b)
{
	return n == ANY || (n == YES) == b;
}

static uint8_t oracle(uint32_t st, uint32_t ev, uint32_t c, bool host, bool resolved)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		if (r->from == st && r->event == ev && in_class(r->cond, c) &&
		    meets(r->host, host) && meets(r->resolved, resolved))
			return r->to;
	}
	return FLUE_THREAD_BAD;
}

static uint8_t decide(uint32_t st, uint32_t ev, uint32_t c, bool host, bool resolved)
{
	struct flue_thread_view v = { (uint8_t)st, (uint8_t)ev, (uint8_t)c, host, resolved };
	return flue_thread_decide(v);
}

FT_TEST(every_transition_is_the_table_s)
{
	uint32_t allowed = 0;
	for (uint32_t st = 0; st < FLUE_THREAD_BAD + 3u; st++)
		for (uint32_t ev = 0; ev < FLUE_THREAD_EV_UNWIND + 3u; ev++)
			for (uint32_t c = 0; c < FLUE_COND_HOST + 3u; c++)
				for (uint32_t hr = 0; hr < 4u; hr++) {
					bool host = (hr & 1u) != 0u, res = (hr & 2u) != 0u;
					uint8_t want = oracle(st, ev, c, host, res);
					FT_EQ(decide(st, ev, c, host, res), want);
					allowed += want != FLUE_THREAD_BAD;
				}
	FT_TRUE(allowed > 0u);
	/* Far out of range: nothing. */
	FT_EQ(decide(255u, FLUE_THREAD_EV_RUN, 0, false, false), FLUE_THREAD_BAD);
	FT_EQ(decide(FLUE_THREAD_RUNNING, 255u, 0, false, true), FLUE_THREAD_BAD);
	FT_EQ(decide(FLUE_THREAD_RUNNING, FLUE_THREAD_EV_NEST, 255u, false, false),
	      FLUE_THREAD_BAD);
}

FT_TEST(nothing_leaves_exited)
{
	for (uint32_t ev = 0; ev < 256u; ev++)
		for (uint32_t c = 0; c < 16u; c++)
			for (uint32_t hr = 0; hr < 4u; hr++)
				FT_EQ(decide(FLUE_THREAD_EXITED, ev, c, (hr & 1u) != 0u,
					     (hr & 2u) != 0u),
				      FLUE_THREAD_BAD);
}

FT_TEST(a_callback_task_parks_runs_and_exits)
{
	uint8_t s = decide(FLUE_THREAD_NEW, FLUE_THREAD_EV_START, FLUE_COND_NONE, false, false);
	FT_EQ(s, FLUE_THREAD_RUNNING);
	s = decide(s, FLUE_THREAD_EV_PARK, FLUE_COND_WAIT, false, false);
	FT_EQ(s, FLUE_THREAD_PARKED);
	FT_EQ(decide(s, FLUE_THREAD_EV_EXIT, FLUE_COND_NONE, false, true), FLUE_THREAD_BAD);
	s = decide(s, FLUE_THREAD_EV_RUN, FLUE_COND_NONE, false, false);
	FT_EQ(s, FLUE_THREAD_RUNNING);
	/* A callback turn never parks on a blocking condition, nor blocks on
	 * YIELD; exiting needs the call resolved (task.return first). */
	FT_EQ(decide(s, FLUE_THREAD_EV_PARK, FLUE_COND_PRED, false, false), FLUE_THREAD_BAD);
	FT_EQ(decide(s, FLUE_THREAD_EV_NEST, FLUE_COND_YIELD, false, false), FLUE_THREAD_BAD);
	FT_EQ(decide(s, FLUE_THREAD_EV_EXIT, FLUE_COND_NONE, false, false), FLUE_THREAD_BAD);
	FT_EQ(decide(s, FLUE_THREAD_EV_EXIT, FLUE_COND_NONE, false, true), FLUE_THREAD_EXITED);
}

FT_TEST(a_held_call_starts_or_is_discarded_or_dropped)
{
	uint8_t g = decide(FLUE_THREAD_NEW, FLUE_THREAD_EV_HOLD, FLUE_COND_GATE, false, false);
	FT_EQ(g, FLUE_THREAD_GATE);
	FT_EQ(decide(FLUE_THREAD_NEW, FLUE_THREAD_EV_HOLD, FLUE_COND_GATE, true, false),
	      FLUE_THREAD_BAD); /* host functions have no gate */
	FT_EQ(decide(g, FLUE_THREAD_EV_START, FLUE_COND_NONE, false, false), FLUE_THREAD_RUNNING);
	FT_EQ(decide(g, FLUE_THREAD_EV_START, FLUE_COND_NONE, false, true), FLUE_THREAD_BAD);
	FT_EQ(decide(g, FLUE_THREAD_EV_DISCARD, FLUE_COND_NONE, false, true), FLUE_THREAD_EXITED);
	FT_EQ(decide(g, FLUE_THREAD_EV_DROP, FLUE_COND_NONE, false, true), FLUE_THREAD_EXITED);
	FT_EQ(decide(g, FLUE_THREAD_EV_RUN, FLUE_COND_NONE, false, false), FLUE_THREAD_BAD);
	/* Cancelled at the gate: let go unstarted, then discarded once resolved. */
	uint8_t n = decide(g, FLUE_THREAD_EV_UNHOLD, FLUE_COND_NONE, false, false);
	FT_EQ(n, FLUE_THREAD_NEW);
	FT_EQ(decide(n, FLUE_THREAD_EV_DISCARD, FLUE_COND_NONE, false, false), FLUE_THREAD_BAD);
	FT_EQ(decide(n, FLUE_THREAD_EV_DISCARD, FLUE_COND_NONE, false, true), FLUE_THREAD_EXITED);
}

FT_TEST(a_host_function_waits_for_the_host_after_start)
{
	uint8_t s = decide(FLUE_THREAD_NEW, FLUE_THREAD_EV_START, FLUE_COND_NONE, true, false);
	s = decide(s, FLUE_THREAD_EV_SUSPEND, FLUE_COND_FN, true, false);
	FT_EQ(s, FLUE_THREAD_SUSPENDED);
	s = decide(s, FLUE_THREAD_EV_RUN, FLUE_COND_NONE, true, false);
	FT_EQ(decide(s, FLUE_THREAD_EV_WAIT_HOST, FLUE_COND_HOST, false, false), FLUE_THREAD_BAD);
	FT_EQ(decide(s, FLUE_THREAD_EV_WAIT_HOST, FLUE_COND_HOST, true, true), FLUE_THREAD_BAD);
	s = decide(s, FLUE_THREAD_EV_WAIT_HOST, FLUE_COND_HOST, true, false);
	FT_EQ(s, FLUE_THREAD_HOST);
	FT_EQ(decide(s, FLUE_THREAD_EV_DROP, FLUE_COND_NONE, true, true), FLUE_THREAD_BAD);
	FT_EQ(decide(s, FLUE_THREAD_EV_RESOLVE, FLUE_COND_NONE, true, true), FLUE_THREAD_EXITED);
}

FT_TEST(a_trap_unwinds_running_and_nested_threads_only)
{
	FT_EQ(decide(FLUE_THREAD_RUNNING, FLUE_THREAD_EV_UNWIND, FLUE_COND_NONE, false, true),
	      FLUE_THREAD_EXITED);
	FT_EQ(decide(FLUE_THREAD_NESTED, FLUE_THREAD_EV_UNWIND, FLUE_COND_NONE, false, true),
	      FLUE_THREAD_EXITED);
	/* A suspended fiber is not on the stack a trap unwinds. */
	FT_EQ(decide(FLUE_THREAD_SUSPENDED, FLUE_THREAD_EV_UNWIND, FLUE_COND_NONE, false, true),
	      FLUE_THREAD_BAD);
	FT_EQ(decide(FLUE_THREAD_RUNNING, FLUE_THREAD_EV_UNWIND, FLUE_COND_NONE, false, false),
	      FLUE_THREAD_BAD); /* resolved first */
}

FT_SUITE(thread,
	 FT_CASE(every_transition_is_the_table_s),
	 FT_CASE(nothing_leaves_exited),
	 FT_CASE(a_callback_task_parks_runs_and_exits),
	 FT_CASE(a_held_call_starts_or_is_discarded_or_dropped),
	 FT_CASE(a_host_function_waits_for_the_host_after_start),
	 FT_CASE(a_trap_unwinds_running_and_nested_threads_only))
