/*
 * Explicit wakes (docs/EXECUTOR.md, "Wakes"): the scheduler re-checks a
 * waiting task's condition only when something it reads changed, so each
 * source of a change must wake the tasks it concerns. Each test here makes
 * progress through one such source only, with idle waiting tasks around:
 * a set's first event, a set's last event taken by another waiter, the
 * trap of a blocked thread's instance, the release of a lock held across
 * a re-check; and tasks woken in one step run in the order they began
 * waiting, not in the order they were woken.
 */
#include <flue/port.h>

#include "exec_test.h"

#define CB_EXIT 0u
#define CB_WAIT 2u
#define MAX_LOG 16u

static const struct flue_functype unit_async = { .async = true };
static struct flue_func f_idle, f_reader, f_second;
static uint32_t readable[2], shared_set;
static uint32_t log_[MAX_LOG], nlog, nresolved;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user, (void)r;
	nresolved++;
}

static void invoke(struct flue_func *f)
{
	flue_call_t call;
	FT_EQ(flue_invoke(f, 0, 0, on_resolve, 0, &call), 0);
}

static void setup(void)
{
	ex_setup();
	nlog = nresolved = 0;
	shared_set = 0;
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
}

/* An idle task: parked in WAIT on a set of its own that never gets an event. */
static void idle_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		      flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	res[0] = CB_WAIT | flue_canon_waitable_set_new(inst) << 4;
}

static uint32_t never(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	EX_TRUE(false); /* nothing ever wakes an idle task */
	return CB_EXIT;
}

/* A host stream whose readable end goes to `g` (as readable[k]). */
static uint32_t host_stream(struct flue_instance *g, uint32_t k)
{
	uint32_t hr, hw;
	FT_EQ(flue_host_stream_new(ex.host, ex.u32, &hr, &hw), 0);
	FT_EQ(flue_end_transfer(ex.host, hr, ex.u32, g, &readable[k]), 0);
	return hw;
}

static void host_write(uint32_t hw, uint32_t v)
{
	struct flue_host_outcome o;
	memcpy(ex.host_arena + 512, &v, 4);
	FT_EQ(flue_host_write(ex.host, hw, ex.host_arena + 512, 1, &o), 0);
	FT_TRUE(o.done);
}

/* Reader k: an async read of readable[k], its end in a set (the shared
 * one if there is one), parked in WAIT on it; its callback logs k. */
static void read_and_wait(struct flue_instance *inst, uint32_t k, flue_flat_t *res)
{
	EX_EQ(flue_canon_stream_read(inst, ex.u32, FLUE_OPT_ASYNC, readable[k], 4u * k, 1),
	      FLUE_BLOCKED);
	uint32_t set = shared_set != 0 ? shared_set : flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, readable[k], set);
	res[0] = CB_WAIT | set << 4;
}

static void reader0_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	read_and_wait(inst, 0, res);
}

static void reader1_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	read_and_wait(inst, 1, res);
}

static uint32_t reader_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			  uint32_t p2)
{
	(void)u, (void)p2;
	uint32_t k = p1 == readable[0] ? 0u : 1u;
	EX_EQ(e, FLUE_EVENT_CODE_STREAM_READ); /* never woken without its event */
	if (nlog < MAX_LOG)
		log_[nlog++] = k;
	flue_canon_waitable_join(inst, readable[k], 0);
	flue_canon_task_return(inst, NULL, NULL, 0);
	return CB_EXIT;
}

static struct flue_instance *guest_with_idle_tasks(uint32_t nidle)
{
	struct flue_instance *g = ex_new();
	ex_lift(&f_idle, g, &unit_async, FLUE_LIFT_CALLBACK, idle_core, never);
	for (uint32_t i = 0; i < nidle; i++)
		invoke(&f_idle);
	return g;
}

FT_TEST(a_set_s_first_event_wakes_its_waiter_only)
{
	setup();
	struct flue_instance *g = guest_with_idle_tasks(4);
	uint32_t hw = host_stream(g, 0);
	ex_lift(&f_reader, g, &unit_async, FLUE_LIFT_CALLBACK, reader0_core, reader_cb);
	invoke(&f_reader);
	invoke(&f_idle);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN); /* only the host can act */
	FT_EQ(nlog, 0);
	host_write(hw, 7);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN); /* the reader ran; the idle ones wait */
	FT_EQ(nlog, 1);
	FT_EQ(nresolved, 1);
	FT_EQ(ex_ld32(g, 0), 7);
	ex_done();
}

FT_TEST(tasks_woken_in_one_step_run_in_the_order_they_began_waiting)
{
	setup();
	struct flue_instance *g = guest_with_idle_tasks(2);
	uint32_t hw0 = host_stream(g, 0), hw1 = host_stream(g, 1);
	ex_lift(&f_reader, g, &unit_async, FLUE_LIFT_CALLBACK, reader0_core, reader_cb);
	ex_lift(&f_second, g, &unit_async, FLUE_LIFT_CALLBACK, reader1_core, reader_cb);
	invoke(&f_reader); /* reader 0 begins waiting first */
	invoke(&f_idle);
	invoke(&f_second);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	/* Woken the other way round, between the same two steps. */
	host_write(hw1, 1);
	host_write(hw0, 2);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	FT_EQ(nlog, 2);
	FT_EQ(log_[0], 0);
	FT_EQ(log_[1], 1);
	ex_done();
}

/* Two readers wait on one set; the first to run takes the only event. */
static void first_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	shared_set = flue_canon_waitable_set_new(inst);
	read_and_wait(inst, 0, res);
}

static void second_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	res[0] = CB_WAIT | shared_set << 4;
}

FT_TEST(an_event_taken_by_another_waiter_unreadies_the_rest)
{
	setup();
	struct flue_instance *g = guest_with_idle_tasks(2);
	uint32_t hw = host_stream(g, 0);
	ex_lift(&f_reader, g, &unit_async, FLUE_LIFT_CALLBACK, first_core, reader_cb);
	ex_lift(&f_second, g, &unit_async, FLUE_LIFT_CALLBACK, second_core, reader_cb);
	invoke(&f_reader);
	invoke(&f_second);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	host_write(hw, 5);
	/* Both became ready; the first took the event and emptied the set: the
	 * second's condition no longer holds and it must not run (its callback
	 * would get an event of NONE, failing reader_cb's check). */
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	FT_EQ(nlog, 1);
	FT_EQ(log_[0], 0);
	FT_EQ(nresolved, 1);
	ex_done();
}

/* A stackful task of g returns, then blocks in a sync call of h's export,
 * which never resolves; then another task of g traps. The blocked thread
 * (resolved already, so the trap resolves nothing of it) is woken to
 * unwind and its record is released, though its callee never resolves. */
static struct flue_func f_forever, f_blocker, f_trapper;
static struct flue_lowered g_to_forever;
static bool after_call;

static void blocker_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)a, (void)n, (void)res;
	flue_canon_task_return(inst, NULL, NULL, 0);
	(void)flue_call_lowered(&g_to_forever, NULL, 0);
	after_call = true; /* never: the trap unwinds it */
}

static void trapper_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)a, (void)n, (void)res;
	flue_trap_raise(inst, FLUE_TRAP_WASM_UNREACHABLE);
}

FT_TEST(a_trap_wakes_its_instance_s_blocked_thread_to_unwind)
{
	setup();
	if (!flue_port_fiber_supported())
		return;
	after_call = false;
	struct flue_instance *g = ex_new(), *h = guest_with_idle_tasks(2);
	ex_lift(&f_forever, h, &unit_async, FLUE_LIFT_CALLBACK, idle_core, never);
	ex_lift(&f_blocker, g, &unit_async, FLUE_LIFT_STACKFUL, blocker_core, 0);
	ex_lift(&f_trapper, g, &unit_async, FLUE_LIFT_CALLBACK, trapper_core, never);
	FT_EQ(flue_lower(&g_to_forever, &f_forever, g, false), 0);
	flue_call_t blocked;
	FT_EQ(flue_invoke(&f_blocker, 0, 0, on_resolve, 0, &blocked), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK); /* blocked for good */
	FT_EQ(nresolved, 1);
	FT_TRUE(ex.store.tasks[flue_call_slot(blocked)].used);
	invoke(&f_trapper);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(nresolved, 2); /* the trapper's call, without a value */
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK); /* h's idle tasks still wait */
	FT_FALSE(after_call);
	FT_FALSE(ex.store.tasks[flue_call_slot(blocked)].used); /* it unwound */
	ex_done();
}

/* A callback task of g yields inside its first step, holding g's lock
 * across the re-check its yield runs; meanwhile a reader of g got its
 * event. The lock alone keeps the reader from running: it is armed. When
 * the step ends the lock's release must wake it; when the step traps
 * instead, the armed reader is dropped with its instance. */
static struct flue_func f_holder;
static bool holder_traps;

static void holder_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	EX_EQ(flue_canon_thread_yield(inst), 0); /* nothing else may run: g is locked */
	EX_EQ(nlog, 0);
	if (holder_traps)
		flue_trap_raise(inst, FLUE_TRAP_WASM_UNREACHABLE);
	if (nlog < MAX_LOG)
		log_[nlog++] = 9;
	flue_canon_task_return(inst, NULL, NULL, 0);
	res[0] = CB_EXIT;
}

static void lock_holder_case(bool traps)
{
	setup();
	holder_traps = traps;
	struct flue_instance *g = guest_with_idle_tasks(2);
	uint32_t hw = host_stream(g, 0);
	ex_lift(&f_reader, g, &unit_async, FLUE_LIFT_CALLBACK, reader0_core, reader_cb);
	ex_lift(&f_holder, g, &unit_async, FLUE_LIFT_CALLBACK, holder_core, never);
	invoke(&f_reader);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	host_write(hw, 3); /* the reader is woken, not yet re-checked */
	invoke(&f_holder); /* starts at once: takes g's lock, yields */
}

FT_TEST(a_lock_released_after_a_blocking_step_wakes_the_armed_turn)
{
	lock_holder_case(false);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	FT_EQ(nlog, 2);
	FT_EQ(log_[0], 9); /* the holder's step ended first */
	FT_EQ(log_[1], 0);
	FT_EQ(nresolved, 2);
	ex_done();
}

FT_TEST(an_armed_turn_is_dropped_with_its_trapped_instance)
{
	lock_holder_case(true);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(flue_run(&ex.store), FLUE_OK); /* every task of g is gone */
	FT_EQ(nlog, 0);
	FT_EQ(nresolved, 4); /* holder, reader and the idle tasks, without a value */
	ex_done();
}

FT_SUITE(wakes,
	 FT_CASE(a_set_s_first_event_wakes_its_waiter_only),
	 FT_CASE(tasks_woken_in_one_step_run_in_the_order_they_began_waiting),
	 FT_CASE(an_event_taken_by_another_waiter_unreadies_the_rest),
	 FT_CASE(a_trap_wakes_its_instance_s_blocked_thread_to_unwind),
	 FT_CASE(a_lock_released_after_a_blocking_step_wakes_the_armed_turn),
	 FT_CASE(an_armed_turn_is_dropped_with_its_trapped_instance))
