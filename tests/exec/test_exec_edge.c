/*
 * The executor's own edges (issue 10): what may keep a loop waiting, the
 * embedder's trap hook next to the executor's, traps raised outside guest
 * code, and fibers that belong to a store.
 *
 * A loop may only sleep for what another thread or an interrupt can
 * deliver (posted work, driver channels, pending host calls); ends held by
 * a host instance are operated on the executor thread, so while the
 * executor sleeps nobody can use them. A watchdog turns the old hang into
 * a failure within seconds instead of the suite's timeout.
 */
#include <setjmp.h>

#include <flue/channel.h>
#include <flue/port.h>

#include "exec_test.h"
#include "watchdog.h"

#define CB_EXIT 0u
#define CB_WAIT 2u

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ret_u32 = { .async = true, .result = &u32_t };
static struct flue_func fa;
static bool resolved;
static uint32_t got;

#define HANG_MSG "exec_edge: the executor slept with nothing to wake it\n"

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	got = r != 0 ? (uint32_t)r->v[0] : 0xDEADu;
}

static uint32_t no_callback(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			    uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	EX_TRUE(false);
	return CB_EXIT;
}

/* A callback task that blocks in a nested loop on an empty set. */
static void waits_forever(void *u, struct flue_instance *inst, const flue_flat_t *a,
			  uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n, (void)res;
	uint32_t si = flue_canon_waitable_set_new(inst);
	(void)flue_canon_waitable_set_wait(inst, si, 128);
	EX_TRUE(false); /* never reached: the wait traps */
}

static struct flue_instance *host_with_stream(uint32_t *r, uint32_t *w)
{
	struct flue_instance *h = 0;
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &h), 0);
	FT_EQ(flue_host_stream_new(h, ex.u8, r, w), 0);
	return h;
}

static void lift_a(flue_core_fn core)
{
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = core,
				    .callback = no_callback };
	FT_EQ(flue_lift(&fa, ex_new(), &ret_u32, &o), 0);
}

/* Defect 10: the nested loop slept in flue_port_idle() because a host
 * instance still held a stream end; it must trap as without one. */
FT_TEST(nested_loop_deadlock_traps_with_a_host_end_alive)
{
	ex_setup();
	resolved = false;
	uint32_t r, w;
	(void)host_with_stream(&r, &w);
	lift_a(waits_forever);
	watchdog(10, HANG_MSG);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	watchdog_stop();
	ex_done();
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_DEADLOCK);
	FT_TRUE(ex.trap_inst == fa.inst);
	FT_TRUE(resolved);
	FT_EQ(got, 0xDEADu);
}

/* A callback task that waits (top level) on an empty set. */
static void waits_in_callback_loop(void *u, struct flue_instance *inst, const flue_flat_t *a,
				   uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	res[0] = CB_WAIT | flue_canon_waitable_set_new(inst) << 4;
}

/* At top level the host may still act on its ends after the call returns,
 * so flue_run() says FLUE_EAGAIN; flue_run_until_idle() must not sleep for
 * it (no other thread can use those ends) and says FLUE_EAGAIN too. */
FT_TEST(run_until_idle_returns_when_only_host_ends_remain)
{
	ex_setup();
	uint32_t r, w;
	(void)host_with_stream(&r, &w);
	lift_a(waits_in_callback_loop);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	watchdog(10, HANG_MSG);
	FT_EQ(flue_run_until_idle(&ex.store), FLUE_EAGAIN);
	watchdog_stop();
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* Without a host end the same wait is a deadlock at top level. */
FT_TEST(run_until_idle_deadlock_without_host_ends)
{
	ex_setup();
	lift_a(waits_in_callback_loop);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	watchdog(10, HANG_MSG);
	FT_EQ(flue_run_until_idle(&ex.store), FLUE_EDEADLK);
	watchdog_stop();
	ex_done();
}

/* A driver channel whose host side is closed can deliver nothing more:
 * it must not keep a loop asleep. Found by the task fuzzer once a
 * stream's channel was no longer a pointer in its shared object (the
 * harness had hidden closed channels from the store to get past this). */
FT_TEST(run_until_idle_does_not_sleep_for_a_closed_channel)
{
	ex_setup();
	static uint8_t ring[4];
	static struct flue_channel chan;
	lift_a(waits_in_callback_loop);
	uint32_t readable;
	FT_EQ(flue_channel_init(&chan, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fa.inst, ex.u8, true, false, &readable), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN); /* the open channel may send */
	flue_channel_close(&chan);
	watchdog(10, HANG_MSG);
	FT_EQ(flue_run_until_idle(&ex.store), FLUE_EDEADLK);
	watchdog_stop();
	ex_done();
}

/* ------------------------------------------- the embedder's trap hook */

static jmp_buf embedder_jb;
static uint32_t embedder_traps, observed_traps;
static enum flue_trap_reason embedder_reason;

static void embedder_hook(void *ctx, struct flue_instance *inst, enum flue_trap_reason r,
			  uint32_t handle)
{
	(void)ctx, (void)inst, (void)handle;
	embedder_traps++;
	embedder_reason = r;
	longjmp(embedder_jb, 1);
}

static void observe(void *ctx, struct flue_instance *inst, enum flue_trap_reason r)
{
	(void)ctx, (void)inst, (void)r;
	observed_traps++;
}

/* Defect 7: installing the executor replaced the embedder's hook, so a
 * built-in that traps when called by host code outside any executor frame
 * reached flue_port_halt() (abort). The embedder's hook is chained. */
FT_TEST(embedder_hook_gets_traps_outside_executor_frames)
{
	ex_setup();
	flue_store_init(&ex.store, embedder_hook, 0);
	flue_exec_on_trap(&ex.store, observe, 0);
	embedder_traps = observed_traps = 0;
	struct flue_instance *g = ex_new();
	flue_exec_init(&ex.store);
	if (setjmp(embedder_jb) == 0) {
		flue_canon_waitable_set_drop(g, 77); /* no such handle */
		FT_FAIL("the trap returned");
	}
	FT_EQ(embedder_traps, 1);
	FT_EQ(embedder_reason, FLUE_TRAP_BAD_HANDLE);
	FT_EQ(observed_traps, 1);
	FT_TRUE(g->poisoned);
	/* Guest code run by the executor still unwinds to the executor: the
	 * embedder's hook is not called for it. */
	lift_a(waits_forever);
	flue_call_t call;
	resolved = false;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_TRUE(resolved);
	FT_EQ(embedder_traps, 1);
	FT_EQ(observed_traps, 2);
}

/* ------------------------------------------- fibers belong to a store */

static struct flue_store store2;
static const struct flue_functype unit_async = { .async = true };

/* Which store to wait in, and for what (guest code does not read the
 * runtime's instance records). */
struct waits {
	struct flue_store *s;
	volatile bool go;
};

static void stackful_waits(void *u, struct flue_instance *inst, const flue_flat_t *a,
			   uint32_t n, flue_flat_t *res)
{
	struct waits *w = u;
	(void)a, (void)n, (void)res;
	(void)flue_wait_until(w->s, ex_is_set, (void *)&w->go, false);
	flue_canon_task_return(inst, 0, 0, 0);
}

static uint32_t resolved_in[2];

static void on_resolve_in(void *user, const struct flue_values *r)
{
	resolved_in[(uintptr_t)user] += r != 0 ? 1u : 100u;
}

/* Defect 7: POSIX fibers were process-wide and indexed by task number, so
 * task 0 of a second store found task 0's fiber of the first in use (its
 * call failed for want of a stack). */
FT_TEST(two_stores_run_stackful_tasks_at_once)
{
	ex_setup();
	memset(&store2, 0, sizeof store2);
	flue_store_init(&store2, 0, 0);
	struct flue_instance *g2 = 0;
	FT_EQ(flue_instance_create(&store2, &g2), 0);
	static struct flue_func f1, f2;
	static struct waits w1, w2;
	w1 = (struct waits){ &ex.store, false };
	w2 = (struct waits){ &store2, false };
	resolved_in[0] = resolved_in[1] = 0;
	struct flue_lift_opts o = { .kind = FLUE_LIFT_STACKFUL, .core = stackful_waits,
				    .user = &w1 };
	FT_EQ(flue_lift(&f1, ex_new(), &unit_async, &o), 0);
	o.user = &w2;
	FT_EQ(flue_lift(&f2, g2, &unit_async, &o), 0);
	flue_call_t c1, c2;
	FT_EQ(flue_invoke(&f1, 0, 0, on_resolve_in, (void *)0, &c1), 0);
	FT_EQ(flue_invoke(&f2, 0, 0, on_resolve_in, (void *)1, &c2), 0);
	FT_FALSE(g2->poisoned);
	w2.go = true;
	FT_EQ(flue_run(&store2), 0);
	w1.go = true;
	FT_EQ(flue_run(&ex.store), 0);
	FT_EQ(resolved_in[0], 1);
	FT_EQ(resolved_in[1], 1);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* ------------------------------------- host functions need a live host */

static void start_nothing(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user, (void)call, (void)args;
}

/* Defect 6: flue_host_func accepted a destroyed host instance (its calls
 * would put ends into the slot's next occupant) and a guest instance. */
FT_TEST(host_func_refuses_a_destroyed_or_guest_instance)
{
	ex_setup();
	struct flue_instance *h = 0;
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &h), 0);
	static struct flue_func hf;
	memset(&hf, 0x5a, sizeof hf);
	struct flue_func before = hf;
	flue_instance_destroy(h);
	FT_EQ(flue_host_func(&hf, h, &ret_u32, start_nothing, 0, 0), FLUE_EINVAL);
	FT_EQ(memcmp(&hf, &before, sizeof hf), 0); /* nothing written */
	FT_EQ(flue_host_func(&hf, ex_new(), &ret_u32, start_nothing, 0, 0), FLUE_EINVAL);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &h), 0);
	FT_EQ(flue_host_func(&hf, h, &ret_u32, start_nothing, 0, 0), 0);
}

FT_SUITE(exec_edge, FT_CASE(nested_loop_deadlock_traps_with_a_host_end_alive),
	 FT_CASE(run_until_idle_returns_when_only_host_ends_remain),
	 FT_CASE(run_until_idle_deadlock_without_host_ends),
	 FT_CASE(run_until_idle_does_not_sleep_for_a_closed_channel),
	 FT_CASE(embedder_hook_gets_traps_outside_executor_frames),
	 FT_CASE(two_stores_run_stackful_tasks_at_once),
	 FT_CASE(host_func_refuses_a_destroyed_or_guest_instance))
