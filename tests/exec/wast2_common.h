/*
 * Helpers shared by the ports of the current spec's test/async/ *.wast
 * (definitions.py @ 14087d73 plus #717/#719/#720/#723; issue 9):
 * test_reentrance.c, test_sync_sched.c, test_sync_block.c,
 * test_cancel_delivery.c, test_cancel_subtask.c. Conventions as in
 * test_wast.c: each wast component with core code is one instance, its core
 * functions are C functions calling the built-ins, `unreachable` is
 * EX_TRUE(false). On top of wast_common.h:
 * - every trap is logged in order (tlog), so a test can tell which instance
 *   trapped first and why (flue's policy then traps sync callers with
 *   FLUE_TRAP_CALLEE_TRAPPED, where the reference stops the store);
 * - guest loops that would spin forever in a wrong schedule are bounded by
 *   SPIN_MAX, so a failing case fails instead of hanging;
 * - drive() ticks until one invocation resolves (other tasks may keep
 *   yielding, so the run loop would not return).
 */
#ifndef FLUE_WAST2_COMMON_H
#define FLUE_WAST2_COMMON_H

#include <stdlib.h>

#include "wast_common.h"

#define SPIN_MAX 64u

/* Subtask states (definitions.py Subtask.State). */
#define STARTING FLUE_SUBTASK_STARTING
#define STARTED FLUE_SUBTASK_STARTED
#define RETURNED FLUE_SUBTASK_RETURNED
#define CANCELLED_BEFORE_STARTED FLUE_SUBTASK_CANCELLED_BEFORE_STARTED
#define CANCELLED_BEFORE_RETURNED FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED
/* Event codes. */
#define EV_NONE FLUE_EVENT_CODE_NONE
#define EV_SUBTASK FLUE_EVENT_CODE_SUBTASK
#define EV_FUTURE_READ FLUE_EVENT_CODE_FUTURE_READ
#define EV_TASK_CANCELLED FLUE_EVENT_CODE_TASK_CANCELLED

struct trap_rec {
	struct flue_instance *inst;
	enum flue_trap_reason why;
};
static struct trap_rec tlog[8];
static uint32_t ntlog;

static inline void log_trap(void *ctx, struct flue_instance *inst, enum flue_trap_reason r)
{
	(void)ctx;
	ex.ntraps++;
	ex.trap = r;
	ex.trap_inst = inst;
	if (ntlog < sizeof tlog / sizeof tlog[0])
		tlog[ntlog++] = (struct trap_rec){ inst, r };
}

/* Tear the previous test's instances down and let threads still blocked
 * on their fibers unwind: the POSIX port's fibers are per task id and
 * outlive the store, so one left suspended (a test that ends deadlocked,
 * or failed half-way) would refuse the same id to the next test. */
#ifdef FLUE_TEST_TARGET
#include <stdio.h>
#define print_message printf /* cmocka's, on the host */
#endif

static bool store_live;
static inline void teardown2(void)
{
	if (!store_live)
		return;
	store_live = false;
	if (getenv("WAST2_TRAPS") != 0) /* diagnostics: the previous test's traps */
		for (uint32_t i = 0; i < ntlog; i++)
			print_message("  trap %u: instance %u, %s\n", (unsigned)i,
				      (unsigned)tlog[i].inst->id, flue_trap_message(tlog[i].why));
	for (uint32_t i = 0; i < ex.ninst; i++)
		if (ex.in[i].inst != 0 && ex.in[i].inst->live)
			flue_instance_destroy(ex.in[i].inst);
	for (uint32_t k = 0; k < 10000u; k++)
		if (flue_tick(&ex.store) != FLUE_TICK_RAN)
			break;
}

/* A fresh store; `stack_per_task`: every task step on a fiber of its own
 * (flue_exec_set_stack_per_task, POSIX), the reference's model. */
static inline void setup2(bool stack_per_task)
{
	teardown2();
	ex_setup();
	store_live = true;
	ntlog = 0;
	flue_exec_on_trap(&ex.store, log_trap, 0);
	if (stack_per_task)
		FT_EQ(flue_exec_set_stack_per_task(&ex.store, true), 0);
}

static inline struct flue_instance *inst_new(void)
{
	return ex_new();
}

/* The first trap was `why`, in `inst` (NULL: any instance); else the log
 * and the first failed guest check are printed before failing. */
static inline void first_trap(struct flue_instance *inst, enum flue_trap_reason why)
{
	if (ntlog == 0 || tlog[0].why != why || (inst != 0 && tlog[0].inst != inst)) {
		for (uint32_t i = 0; i < ntlog; i++)
			print_message("trap %u: instance %u, %s\n", (unsigned)i,
				      (unsigned)tlog[i].inst->id, flue_trap_message(tlog[i].why));
		if (ex.failures != 0)
			print_message("guest check %s:%d: %s\n", ex.fail_file, ex.fail_line,
				      ex.fail_expr);
	}
	FT_TRUE(ntlog >= 1);
	FT_EQ(tlog[0].why, why);
	if (inst != 0)
		FT_TRUE(tlog[0].inst == inst);
}

/* Tick until `r` resolves (at most 10000 steps). */
static inline void drive(struct res *r)
{
	for (uint32_t i = 0; i < 10000u && !r->done; i++)
		if (flue_tick(&ex.store) != FLUE_TICK_RAN)
			break;
}

/* The host's argument for the next invocation (one u32 param). */
static uint32_t host_arg;
static inline void arg_start(void *user, struct flue_values *a)
{
	(void)user;
	a->v[0] = host_arg;
}
static inline void invoke_arg(struct flue_func *f, uint32_t arg, struct res *r)
{
	flue_call_t c;
	*r = (struct res){ 0 };
	host_arg = arg;
	FT_EQ(flue_invoke(f, ex.host, arg_start, on_res, r, &c), 0);
}

/* future.new of `(future)`: readable end, writable end. */
static inline void fut_new(struct flue_instance *inst, uint32_t *r, uint32_t *w)
{
	uint64_t p = flue_canon_future_new(inst, ex.unit);
	*r = (uint32_t)p;
	*w = (uint32_t)(p >> 32);
}

/* waitable-set.wait(ws, ptr) must deliver (code, index, payload). */
static inline void wait_ev(struct flue_instance *inst, uint32_t ws, uint32_t ptr, uint32_t code,
			   uint32_t index, uint32_t payload)
{
	EX_EQ(flue_canon_waitable_set_wait(inst, ws, ptr), code);
	EX_EQ(ex_ld32(inst, ptr), index);
	EX_EQ(ex_ld32(inst, ptr + 4), payload);
}

/* Wait for subtask `sub` to resolve with `state` (a set of its own, at
 * payload address 8), leave the set and drop the subtask. */
static inline void await_sub(struct flue_instance *inst, uint32_t sub, uint32_t state)
{
	uint32_t ws = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, sub, ws);
	wait_ev(inst, ws, 8, EV_SUBTASK, sub, state);
	flue_canon_waitable_join(inst, sub, 0);
	flue_canon_subtask_drop(inst, sub);
}

/* Lift and lower in one (lower into `caller`, sync or async). */
static inline void lift_lower(struct flue_func *f, struct flue_lowered *l,
			      struct flue_instance *callee, const struct flue_functype *ft,
			      uint8_t kind, flue_core_fn core, flue_callback_fn cb,
			      struct flue_instance *caller, bool async)
{
	ex_lift(f, callee, ft, kind, core, cb);
	lower(l, f, caller, async);
}

#endif /* FLUE_WAST2_COMMON_H */
