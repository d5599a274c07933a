/* The port contract of flue/port.h: trap unwinding and fibers, on every
 * port (POSIX: one pthread per fiber and one baton; Cortex-M: PSP stacks
 * switched in thread mode, run under QEMU). Assertions run on the test's
 * own stack only (cmocka is not thread-safe): fibers just record what they
 * saw, the test checks it after. Every test runs its fibers to
 * completion, so each starts with all ids free. */
#ifndef FLUE_TEST_TARGET
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <time.h>
#else
#include <flue/port_cortexm.h>
#endif
#include <string.h>

#include <flue/config.h>
#include <flue/errno.h>
#include <flue/port.h>

#include "ftest.h"

/* The fibers' storage: owned by the caller (a store owns one per task). */
static flue_port_fiber_t fibers[FLUE_CONFIG_MAX_TASKS];
#define F(n) (&fibers[(n)])


/* A log of steps, written by whichever stack holds the baton. */
static char log_buf[64];
static size_t log_len;

static void log_reset(void)
{
	memset(log_buf, 0, sizeof log_buf);
	log_len = 0;
}

static void log_put(char c)
{
	if (log_len + 1 < sizeof log_buf)
		log_buf[log_len++] = c;
}

#define LOG_IS(s) FT_EQ(strcmp(log_buf, (s)), 0)

/* ------------------------------------------------------ trap unwinding */

static void body_returns(void *arg)
{
	*(int *)arg += 1;
}

static void body_unwinds(void *arg)
{
	*(int *)arg += 1;
	flue_port_unwind();
}

FT_TEST(try_returns_0_when_body_returns)
{
	int n = 0;
	FT_EQ(flue_port_try(body_returns, &n), 0);
	FT_EQ(n, 1);
}

FT_TEST(try_returns_1_when_body_unwinds)
{
	int n = 0;
	FT_EQ(flue_port_try(body_unwinds, &n), 1);
	FT_EQ(n, 1); /* ran up to the unwind */
	/* The frame was popped: the chain works again afterwards. */
	FT_EQ(flue_port_try(body_unwinds, &n), 1);
	FT_EQ(flue_port_try(body_returns, &n), 0);
	FT_EQ(n, 3);
}

static int inner_rc;

/* An outer body whose inner try unwinds: only the inner one returns 1. */
static void outer_survives(void *arg)
{
	(void)arg;
	log_put('o');
	inner_rc = flue_port_try(body_unwinds, &(int){ 0 });
	log_put('i');
}

/* An outer body that unwinds after its inner try unwound: reaches the outer. */
static void outer_unwinds_after(void *arg)
{
	(void)arg;
	inner_rc = flue_port_try(body_unwinds, &(int){ 0 });
	log_put('a');
	flue_port_unwind();
}

/* An outer body whose inner try returns, then unwinds: pops to the outer. */
static void outer_unwinds_after_return(void *arg)
{
	(void)arg;
	inner_rc = flue_port_try(body_returns, &(int){ 0 });
	log_put('r');
	flue_port_unwind();
}

FT_TEST(nested_try_unwinds_only_innermost)
{
	log_reset();
	inner_rc = -1;
	FT_EQ(flue_port_try(outer_survives, NULL), 0);
	FT_EQ(inner_rc, 1);
	LOG_IS("oi");

	log_reset();
	inner_rc = -1;
	FT_EQ(flue_port_try(outer_unwinds_after, NULL), 1);
	FT_EQ(inner_rc, 1);
	LOG_IS("a");

	log_reset();
	inner_rc = -1;
	FT_EQ(flue_port_try(outer_unwinds_after_return, NULL), 1);
	FT_EQ(inner_rc, 0);
	LOG_IS("r");
}

/* ------------------------------------------------------------- fibers */

struct probe {
	int entered;   /* entry started */
	int step;      /* last step reached */
	int value;     /* written before a suspend */
	int try_rc;    /* a try inside the fiber */
	int finished;  /* entry about to return */
};

static struct probe probe[4];

#ifdef FLUE_TEST_TARGET
/* The Cortex-M port has fibers once it has stacks: enough for every task
 * id at once (every_id_at_once). */
#define STACK_BYTES 1024u
static uint64_t stacks[FLUE_CONFIG_MAX_TASKS][STACK_BYTES / 8u]
	__attribute__((aligned(FLUE_PORT_CORTEXM_STACK_ALIGN)));
#endif

static void reset_probes(void)
{
	memset(probe, 0, sizeof probe);
	log_reset();
#ifdef FLUE_TEST_TARGET
	FT_EQ(flue_port_cortexm_give_stacks(stacks, FLUE_CONFIG_MAX_TASKS, STACK_BYTES), 0);
#endif
}

/* Entry: writes, suspends, continues, suspends again, returns. */
static void two_suspends(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg;
	struct probe *p = &probe[id];
	p->entered = 1;
	p->step = 1;
	p->value = 0x1234;
	flue_port_fiber_suspend(F(id));
	p->step = 2;
	p->value += 1;
	flue_port_fiber_suspend(F(id));
	p->step = 3;
	p->finished = 1;
}

#define ID(n) ((void *)(uintptr_t)(n))

FT_TEST(fibers_are_supported)
{
	reset_probes();
	FT_TRUE(flue_port_fiber_supported());
}

FT_TEST(create_does_not_run_entry)
{
	reset_probes();
	FT_EQ(flue_port_fiber_create(F(0), two_suspends, ID(0)), 0);
	FT_EQ(probe[0].entered, 0);
#ifndef FLUE_TEST_TARGET
	/* Give the fiber's thread every chance to run: it must not. */
	nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	FT_EQ(probe[0].entered, 0);
#endif
	flue_port_fiber_resume(F(0));
	FT_EQ(probe[0].entered, 1);
	flue_port_fiber_resume(F(0));
	flue_port_fiber_resume(F(0));
	FT_EQ(probe[0].finished, 1);
}

FT_TEST(resume_runs_until_suspend_and_continues)
{
	reset_probes();
	FT_EQ(flue_port_fiber_create(F(1), two_suspends, ID(1)), 0);
	flue_port_fiber_resume(F(1));
	FT_EQ(probe[1].step, 1);
	FT_EQ(probe[1].value, 0x1234); /* written before the suspend */
	FT_EQ(probe[1].finished, 0);
	probe[1].value = 100; /* written by us, read by the fiber */
	flue_port_fiber_resume(F(1));
	FT_EQ(probe[1].step, 2);
	FT_EQ(probe[1].value, 101);
	FT_EQ(probe[1].finished, 0);
	flue_port_fiber_resume(F(1));
	FT_EQ(probe[1].step, 3);
	FT_EQ(probe[1].finished, 1);
}

static void returns_at_once(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg;
	probe[id].finished += 1;
}

FT_TEST(entry_return_frees_the_id)
{
	reset_probes();
	FT_EQ(flue_port_fiber_create(F(2), returns_at_once, ID(2)), 0);
	FT_EQ(flue_port_fiber_create(F(2), returns_at_once, ID(2)), FLUE_EINVAL);
	flue_port_fiber_resume(F(2));
	FT_EQ(probe[2].finished, 1);
	/* Free again: the same id is created and run a second time, at once. */
	FT_EQ(flue_port_fiber_create(F(2), returns_at_once, ID(2)), 0);
	flue_port_fiber_resume(F(2));
	FT_EQ(probe[2].finished, 2);
	FT_EQ(flue_port_fiber_create(F(2), two_suspends, ID(2)), 0);
	flue_port_fiber_resume(F(2));
	flue_port_fiber_resume(F(2));
	flue_port_fiber_resume(F(2));
	FT_EQ(probe[2].step, 3);
}

FT_TEST(create_rejects_bad_arguments)
{
	reset_probes();
	FT_EQ(flue_port_fiber_create(NULL, returns_at_once, ID(0)), FLUE_EINVAL);
	FT_EQ(flue_port_fiber_create(F(0), NULL, ID(0)), FLUE_EINVAL);
	FT_EQ(flue_port_fiber_create(F(0), returns_at_once, ID(0)), 0);
	FT_EQ(flue_port_fiber_create(F(0), returns_at_once, ID(0)), FLUE_EINVAL); /* in use */
	FT_EQ(probe[0].finished, 0);
	flue_port_fiber_resume(F(0));
	FT_EQ(probe[0].finished, 1); /* the first entry, once */
}

FT_TEST(every_id_at_once)
{
	static int seen[FLUE_CONFIG_MAX_TASKS];
	reset_probes();
	memset(seen, 0, sizeof seen);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_port_fiber_create(F(i), body_returns, &seen[i]), 0);
	for (uint32_t i = FLUE_CONFIG_MAX_TASKS; i-- > 0;)
		flue_port_fiber_resume(F(i));
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(seen[i], 1);
}

/* A: log, suspend, log, suspend, log. B: the same with lower case. */
static void logger(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg;
	char c = id == 0 ? 'A' : 'b';
	log_put(c);
	flue_port_fiber_suspend(F(id));
	log_put(c);
	flue_port_fiber_suspend(F(id));
	log_put(c);
}

FT_TEST(interleaved_resumes_keep_each_fiber_s_place)
{
	reset_probes();
	FT_EQ(flue_port_fiber_create(F(0), logger, ID(0)), 0);
	FT_EQ(flue_port_fiber_create(F(1), logger, ID(1)), 0);
	flue_port_fiber_resume(F(0));
	log_put('.');
	flue_port_fiber_resume(F(1));
	log_put('.');
	flue_port_fiber_resume(F(0));
	log_put('.');
	flue_port_fiber_resume(F(1));
	log_put('.');
	flue_port_fiber_resume(F(1)); /* B finishes first */
	log_put('.');
	flue_port_fiber_resume(F(0));
	LOG_IS("A.b.A.b.b.A");
	/* Both ids are free again. */
	FT_EQ(flue_port_fiber_create(F(0), returns_at_once, ID(0)), 0);
	FT_EQ(flue_port_fiber_create(F(1), returns_at_once, ID(1)), 0);
	flue_port_fiber_resume(F(1));
	flue_port_fiber_resume(F(0));
}

/* Fiber 3 (inner): logs, suspends (back to whoever resumed it), logs. */
static void nested_inner(void *arg)
{
	(void)arg;
	log_put('i');
	flue_port_fiber_suspend(F(3));
	log_put('j');
}

/* Fiber 2 (outer): resumes fiber 3 from its own stack, continues once 3
 * suspends, then suspends itself back to the test. */
static void nested_outer(void *arg)
{
	(void)arg;
	log_put('o');
	probe[2].try_rc = flue_port_fiber_create(F(3), nested_inner, NULL);
	flue_port_fiber_resume(F(3));
	log_put('p'); /* back here, not on the test's stack */
	flue_port_fiber_suspend(F(2));
	log_put('q');
}

FT_TEST(fiber_resuming_a_fiber_returns_to_the_right_stack)
{
	reset_probes();
	FT_EQ(flue_port_fiber_create(F(2), nested_outer, NULL), 0);
	flue_port_fiber_resume(F(2));
	LOG_IS("oip");
	FT_EQ(probe[2].try_rc, 0);
	/* Fiber 3 was first resumed by fiber 2; now the test resumes it: it
	 * must come back here, not to fiber 2. */
	log_put('.');
	flue_port_fiber_resume(F(3));
	log_put('.');
	LOG_IS("oip.j.");
	flue_port_fiber_resume(F(2));
	LOG_IS("oip.j.q");
	FT_EQ(flue_port_fiber_create(F(3), returns_at_once, ID(3)), 0);
	flue_port_fiber_resume(F(3));
	FT_EQ(flue_port_fiber_create(F(2), returns_at_once, ID(2)), 0);
	flue_port_fiber_resume(F(2));
}

/* A fiber whose own try unwinds while the test's try is still open. */
static void fiber_with_try(void *arg)
{
	(void)arg;
	int n = 0;
	probe[0].try_rc = flue_port_try(body_unwinds, &n);
	probe[0].value = n;
	log_put('f');
}

static void resume_inside_try(void *arg)
{
	(void)arg;
	flue_port_fiber_resume(F(0));
	log_put('m'); /* the test's try body goes on: not unwound */
}

FT_TEST(unwind_in_a_fiber_goes_to_the_fiber_s_own_try)
{
	reset_probes();
	probe[0].try_rc = -1;
	FT_EQ(flue_port_fiber_create(F(0), fiber_with_try, NULL), 0);
	FT_EQ(flue_port_try(resume_inside_try, NULL), 0);
	FT_EQ(probe[0].try_rc, 1);
	FT_EQ(probe[0].value, 1);
	LOG_IS("fm");
}

/* A fiber whose try spans a suspend: the chain survives the switch, and an
 * unwind on the test's stack meanwhile does not reach into the fiber. */
static void body_suspends_then_unwinds(void *arg)
{
	(void)arg;
	log_put('s');
	flue_port_fiber_suspend(F(1));
	log_put('u');
	flue_port_unwind();
}

static void fiber_try_across_suspend(void *arg)
{
	(void)arg;
	probe[1].try_rc = flue_port_try(body_suspends_then_unwinds, NULL);
	log_put('e');
}

static void resume_then_unwind(void *arg)
{
	(void)arg;
	flue_port_fiber_resume(F(1));
	log_put('t');
	flue_port_unwind();
}

FT_TEST(try_in_a_fiber_spans_a_suspend)
{
	reset_probes();
	probe[1].try_rc = -1;
	FT_EQ(flue_port_fiber_create(F(1), fiber_try_across_suspend, NULL), 0);
	FT_EQ(flue_port_try(resume_then_unwind, NULL), 1);
	LOG_IS("st");
	FT_EQ(probe[1].try_rc, -1);
	flue_port_fiber_resume(F(1));
	LOG_IS("stue");
	FT_EQ(probe[1].try_rc, 1);
}

#ifndef FLUE_TEST_TARGET
/* A finished fiber's thread waits in the port's pool and runs the next
 * fiber, also one named by other storage: creating a thread per fiber
 * made every host-function call cost a thread. The reused thread must
 * behave as a new one: suspend and resume work, a trap unwinds to the new
 * fiber's own try. */
static pthread_t ran_on[2];

static void note_thread(void *arg)
{
	uint32_t id = (uint32_t)(uintptr_t)arg;
	ran_on[id] = pthread_self();
	probe[id].step = 1;
	flue_port_fiber_suspend(F(id));
	int n = 0;
	probe[id].try_rc = flue_port_try(body_unwinds, &n);
	probe[id].value = n;
	probe[id].finished = 1;
}

FT_TEST(finished_fiber_thread_runs_the_next_fiber)
{
	reset_probes();
	FT_EQ(flue_port_fiber_create(F(0), note_thread, ID(0)), 0);
	flue_port_fiber_resume(F(0));
	flue_port_fiber_resume(F(0));
	FT_EQ(probe[0].finished, 1);
	FT_EQ(probe[0].try_rc, 1);
	FT_EQ(flue_port_fiber_create(F(1), note_thread, ID(1)), 0);
	flue_port_fiber_resume(F(1));
	FT_EQ(probe[1].step, 1);
	FT_EQ(probe[1].finished, 0); /* suspended, as a new thread would be */
	flue_port_fiber_resume(F(1));
	FT_EQ(probe[1].finished, 1);
	FT_EQ(probe[1].try_rc, 1);
	FT_EQ(probe[1].value, 1);
	FT_TRUE(pthread_equal(ran_on[0], ran_on[1]));
}

/* The privilege gate without privileges (src/port/posix/gate_posix.c):
 * the same contract as on Cortex-M (tests/isolation/test_gate.c), so the
 * generated glue runs unchanged: a value comes back, a service runs, an
 * unknown service is a gate fault, a service's unwind goes on outward. */
static uint32_t gate_twice(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a2;
	return 2u * a0 + a1;
}

static uint32_t gate_unwinds(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	flue_port_unwind();
}

static const flue_port_service_fn gate_table[2] = { gate_twice, gate_unwinds };

static uint32_t guest_asks(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a3;
	return flue_port_gate(a0, a1, a2, 0u) + 1u;
}

static void gate_entry_unwinds(void *arg)
{
	struct flue_port_domain *d = arg;
	const uint32_t a[4] = { 1u, 0u, 0u, 0u };
	(void)flue_port_guest_call(d, guest_asks, a, NULL);
	log_put('x'); /* not reached */
}

FT_TEST(the_gate_calls_through_and_keeps_its_contract)
{
	struct flue_port_domain d = { 0 };
	uint32_t r = 0;
	log_reset();
	FT_EQ(flue_port_gate_set_services(gate_table, 2u), 0);
	const uint32_t ok[4] = { 0u, 20u, 2u, 0u };
	FT_EQ(flue_port_guest_call(&d, guest_asks, ok, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 43u);
	const uint32_t bad[4] = { 7u, 0u, 0u, 0u };
	FT_EQ(flue_port_guest_call(&d, guest_asks, bad, &r), FLUE_PORT_GUEST_FAULTED);
	FT_EQ(flue_port_try(gate_entry_unwinds, &d), 1);
	LOG_IS("");
	FT_EQ(d.depth, 0u);
	FT_EQ(flue_port_guest_call(NULL, guest_asks, ok, &r), FLUE_EINVAL);
	FT_EQ(flue_port_gate_set_services(NULL, 1u), FLUE_EINVAL);
}

#define PORT_POSIX_CASES , FT_CASE(finished_fiber_thread_runs_the_next_fiber), \
	FT_CASE(the_gate_calls_through_and_keeps_its_contract)
#else
#define PORT_POSIX_CASES
#endif

FT_SUITE(port,
	 FT_CASE(try_returns_0_when_body_returns),
	 FT_CASE(try_returns_1_when_body_unwinds),
	 FT_CASE(nested_try_unwinds_only_innermost),
	 FT_CASE(fibers_are_supported),
	 FT_CASE(create_does_not_run_entry),
	 FT_CASE(resume_runs_until_suspend_and_continues),
	 FT_CASE(entry_return_frees_the_id),
	 FT_CASE(create_rejects_bad_arguments),
	 FT_CASE(every_id_at_once),
	 FT_CASE(interleaved_resumes_keep_each_fiber_s_place),
	 FT_CASE(fiber_resuming_a_fiber_returns_to_the_right_stack),
	 FT_CASE(unwind_in_a_fiber_goes_to_the_fiber_s_own_try),
	 FT_CASE(try_in_a_fiber_spans_a_suspend)
	 PORT_POSIX_CASES)
