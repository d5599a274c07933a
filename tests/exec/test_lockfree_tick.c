/*
 * Issue 10: a tick with nothing posted takes no lock. Another thread holds
 * the port lock while this one runs ticks of a callback task that yields;
 * if a tick took the lock it would wait for the holder, who lets go only
 * after a time-out, and the test fails. Posts still arrive (they raise the
 * port flag the tick takes): the second case posts an invocation and sees
 * it start.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <time.h>

#include <flue/port.h>

#include "exec_test.h"

#define CB_EXIT 0u
#define CB_YIELD 1u

static const struct flue_functype ret_unit = { .async = true };
static struct flue_func fy;
static uint32_t yields;
static bool resolved;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = r != 0;
}

static void y_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		   flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	res[0] = CB_YIELD;
}

static uint32_t y_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)u, (void)e, (void)p1, (void)p2;
	if (++yields < 5u)
		return CB_YIELD;
	flue_canon_task_return(inst, 0, 0, 0);
	return CB_EXIT;
}

static void setup(void)
{
	ex_setup();
	yields = 0;
	resolved = false;
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = y_core, .callback = y_cb };
	FT_EQ(flue_lift(&fy, ex_new(), &ret_unit, &o), 0);
}

/* ------------------------------------------------------ the lock holder */

static volatile int holder_state; /* 0 not yet, 1 holds the lock, 2 let go */
static volatile int ticks_done;

static void *holder(void *arg)
{
	(void)arg;
	flue_port_key_t k = flue_port_lock();
	__atomic_store_n(&holder_state, 1, __ATOMIC_SEQ_CST);
	/* Let go once the ticks are done, or after 2 s (they are blocked). */
	for (int i = 0; i < 2000 && !__atomic_load_n(&ticks_done, __ATOMIC_SEQ_CST); i++) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, 0);
	}
	__atomic_store_n(&holder_state, 2, __ATOMIC_SEQ_CST);
	flue_port_unlock(k);
	return 0;
}

static pthread_t start_holder(void)
{
	pthread_t th;
	holder_state = 0;
	ticks_done = 0;
	FT_EQ(pthread_create(&th, 0, holder, 0), 0);
	while (__atomic_load_n(&holder_state, __ATOMIC_SEQ_CST) == 0) {
		struct timespec ms = { 0, 100000 };
		nanosleep(&ms, 0);
	}
	return th;
}

FT_TEST(ticks_with_nothing_posted_take_no_lock)
{
	setup();
	flue_call_t call;
	FT_EQ(flue_invoke(&fy, 0, 0, on_resolve, 0, &call), 0); /* parks in YIELD */
	pthread_t th = start_holder();
	int rc = flue_run(&ex.store); /* five callback steps, then DONE */
	int state = __atomic_load_n(&holder_state, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ticks_done, 1, __ATOMIC_SEQ_CST);
	pthread_join(th, 0);
	FT_EQ(state, 1); /* the holder still held the lock: no tick waited for it */
	FT_EQ(rc, FLUE_OK);
	FT_EQ(yields, 5u);
	FT_TRUE(resolved);
	FT_EQ(flue_tick(&ex.store), FLUE_TICK_DONE);
	ex_done();
}

FT_TEST(posted_invocation_still_starts)
{
	setup();
	uint32_t ticket = 0;
	FT_EQ(flue_invoke_post(&fy, 0, 0, on_resolve, 0, &ticket), 0);
	FT_TRUE(ticket != 0u);
	FT_EQ(flue_run(&ex.store), FLUE_OK);
	FT_EQ(yields, 5u);
	FT_TRUE(resolved);
	ex_done();
}

FT_SUITE(lockfree_tick, FT_CASE(ticks_with_nothing_posted_take_no_lock),
	 FT_CASE(posted_invocation_still_starts))
