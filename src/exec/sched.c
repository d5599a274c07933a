/*
 * The scheduler: tick and the run loop, the nested loop behind blocking
 * built-ins, the sync barrier, trap unwinding and the abort of a trapped
 * instance's tasks (docs/EXECUTOR.md). The ready order itself is queue.c's.
 */
#include <flue/wset_decide.h>

#include "exec.h"
#include "../abi/abi.h"

/* Can another thread or an interrupt still deliver something (driver
 * channels, posted completions, host calls it may resolve by a post; at
 * top level queued invocations and cancellations too)? Only that may keep
 * a loop asleep in flue_port_idle(). */
static bool external_wake_possible(struct flue_store *s, bool top)
{
	if (s->channels != 0)
		return true;
	flue_port_key_t k = flue_port_lock(); /* written by host threads */
	uint32_t posted = s->sched.posted + (top ? s->sched.inv_count + s->sched.ncancel : 0u);
	flue_port_unlock(k);
	if (posted != 0u)
		return true;
	return s->sched.nhost != 0u; /* host calls a post may resolve */
}

/* Does a host instance hold a stream/future end? The host can still read,
 * write or drop it, but only on the executor thread, between runs. */
static bool host_holds_ends(const struct flue_store *s)
{
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_INSTANCES; i++) {
		const struct flue_instance *in = &s->instances[i];
		if (!in->live || in->host_data == 0)
			continue;
		for (uint32_t h = 1; h < in->len; h++)
			if (in->handles[h].kind >= FLUE_H_STREAM_READABLE &&
			    in->handles[h].kind <= FLUE_H_FUTURE_WRITABLE)
				return true;
	}
	return false;
}

enum exec_outside exec_external(struct flue_store *s, bool top)
{
	if (external_wake_possible(s, top))
		return EXEC_OUTSIDE_THREAD;
	return host_holds_ends(s) ? EXEC_OUTSIDE_HOST : EXEC_OUTSIDE_NONE;
}

void exec_release(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	if (t->used && t->callee_done && t->caller_done && !t->barrier)
		flue_task_free(s, id);
}

/* ----------------------------------------------------------------- traps */

/* A trap inside code the executor runs unwinds to the executor frame that
 * entered it. A trap with no such frame on this stack (a built-in called
 * directly by host code) has nowhere to unwind to here: the instance is
 * poisoned and its tasks are ended now, the observer is told, and the
 * trap goes on to the embedder's own hook (flue_store_init()), which the
 * executor keeps; without one it halts, as it would without an executor. */
static void trap_hook(void *ctx, struct flue_instance *inst, enum flue_trap_reason r,
		      uint32_t handle)
{
	struct flue_store *s = ctx;
	s->sched.trapped = inst->id;
	if (s->sched.on_trap != 0)
		s->sched.on_trap(s->sched.on_trap_ctx, inst, r);
	if (flue_port_in_try())
		flue_port_unwind();
	exec_abort_instance(s, inst);
	if (s->embedder_hook != 0)
		s->embedder_hook(s->embedder_ctx, inst, r, handle);
}

void flue_exec_on_trap(struct flue_store *s,
		       void (*fn)(void *ctx, struct flue_instance *inst,
				  enum flue_trap_reason reason),
		       void *ctx)
{
	s->sched.on_trap = fn;
	s->sched.on_trap_ctx = ctx;
}

bool exec_guest(struct flue_store *s, void (*body)(void *), void *arg)
{
	uint16_t cur = s->sched.current;
	uint8_t depth = s->sched.depth;
	if (flue_port_try(body, arg) == 0)
		return true;
	s->sched.current = cur;
	s->sched.depth = depth;
	exec_abort_instance(s, &s->instances[s->sched.trapped]);
	return false;
}

void exec_fail_instance(struct flue_store *s, struct flue_instance *inst,
			enum flue_trap_reason reason)
{
	if (!inst->poisoned) {
		inst->poisoned = true;
		inst->trap_reason = (uint8_t)reason;
		inst->trap_handle = 0;
		if (s->sched.on_trap != 0)
			s->sched.on_trap(s->sched.on_trap_ctx, inst, reason);
	}
	exec_abort_instance(s, inst);
}

int flue_exec_set_stack_per_task(struct flue_store *s, bool on)
{
	if (on && !flue_port_fiber_supported())
		return FLUE_ENOTSUP;
	exec_install(s);
	s->sched.stack_per_task = on;
	return FLUE_OK;
}

/* A call still held at its callee's entry gate whose caller trapped:
 * nobody waits for it, and its arguments lie in the caller's table and
 * memory, which the trap emptied; it leaves the gate without running (it
 * would trap the caller a second time lifting them: sync-streams.wast). */
static void discard_at_gate(struct flue_store *s, struct flue_task *t)
{
	struct flue_instance *callee = t->func->inst;
	callee->waiting_to_enter--;
	exec_unpark(s, t);
	t->state = FLUE_TASK_RESOLVED;
	t->thread_done = true;
	t->callee_done = true;
}

void exec_abort_instance(struct flue_store *s, struct flue_instance *x)
{
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		struct flue_task *t = &s->tasks[i];
		if (!t->used)
			continue;
		if (t->caller_inst == x->id && !t->caller_done) {
			/* The caller is gone: nobody will drop or read the subtask
			 * (nor wait for its cancellation). */
			t->caller_done = true;
			t->sub_handle = 0;
			t->sub_cancel_wait = false;
			if (t->cond == FLUE_COND_GATE)
				discard_at_gate(s, t);
			/* A callee already done (e.g. one that trapped under a
			 * sync call) is released now, or never (fuzz finding). */
			exec_release(s, (uint16_t)i);
			if (!t->used)
				continue;
		}
		if (t->func->inst != x || t->aborted)
			continue;
		t->aborted = true;
		if (t->state != FLUE_TASK_RESOLVED)
			exec_resolve(s, (uint16_t)i, 0);
		if (t->cond == FLUE_COND_GATE || t->cond == FLUE_COND_YIELD ||
		    t->cond == FLUE_COND_WAIT || t->cond == FLUE_COND_HOST) {
			/* Parked without a stack: simply gone. */
			struct flue_handle *h = flue_table_get(x, t->arg);
			if (t->cond == FLUE_COND_WAIT && h != 0 && h->kind == FLUE_H_WAITABLE_SET)
				h->u.wset.waiting--;
			exec_unpark(s, t);
			t->thread_done = true;
			t->callee_done = true;
		}
		/* Blocked on a fiber or deeper on this stack: `aborted` makes it
		 * ready; it unwinds itself when resumed (abi_block traps
		 * POISONED). Running right now: its exec_guest frame unwinds. */
		exec_release(s, (uint16_t)i);
	}
	/* The holder (still on the stack, it unwinds later) no longer holds
	 * it: else its exit would release a lock taken meanwhile by another
	 * task (fuzz finding). */
	if (x->exclusive != FLUE_TASK_NONE)
		s->tasks[x->exclusive].exclusive = false;
	x->exclusive = FLUE_TASK_NONE;
	x->waiting_to_enter = 0;
	/* Design note 5: peers of a trapped instance see its ends DROPPED
	 * rather than waiting for an instance that will never act again. */
	flue_instance_drop_ends(x);
}

/* -------------------------------------------------------------- resuming */

void exec_resume(struct flue_store *s, uint16_t id, bool cancelled)
{
	struct flue_task *t = &s->tasks[id];
	struct flue_instance *x = exec_inst(s, t);
	uint16_t cur = s->sched.current;
	exec_unready(s, t);
	switch (t->cond) {
	case FLUE_COND_GATE:
		exec_unpark(s, t);
		x->waiting_to_enter--;
		exec_start_thread(s, id);
		break;
	case FLUE_COND_YIELD:
	case FLUE_COND_WAIT:
		exec_callback_step(s, id);
		break;
	default: /* a fiber blocked in exec_block */
		exec_unpark(s, t);
		t->cancelled = t->cancelled || cancelled;
		s->sched.current = id;
		flue_port_fiber_resume(&s->fibers[id]);
		break;
	}
	s->sched.current = cur;
}

bool exec_block(struct flue_store *s, struct flue_task *t, uint8_t cond, bool cancellable)
{
	uint16_t id = exec_id(s, t);
	struct flue_instance *x = exec_inst(s, t);
	t->cancellable = cancellable && exec_is_host(t);
	t->cancelled = false;
	exec_park(s, t, cond);
	if (t->fiber) {
		flue_port_fiber_suspend(&s->fibers[id]);
		s->sched.current = id;
		return t->cancelled;
	}
	if (s->sched.depth >= FLUE_CONFIG_MAX_NESTING) {
		exec_unpark(s, t);
		flue_trap(x, FLUE_TRAP_NESTING_LIMIT, 0);
	}
	t->nested = true;
	s->sched.depth++;
	for (;;) {
		exec_apply_posted(s);
		if (cond != FLUE_COND_READY && exec_ready(s, t))
			break;
		(void)exec_refresh(s);
		uint16_t u = exec_pick_of(s, 0);
		if (u != FLUE_TASK_NONE) {
			exec_resume(s, u, false);
			s->sched.current = id;
			if (cond == FLUE_COND_READY)
				break; /* thread.yield: one other task ran */
			continue;
		}
		if (cond == FLUE_COND_READY || t->aborted || t->cancelled)
			break;
		if (exec_external(s, false) == EXEC_OUTSIDE_THREAD) {
			flue_port_idle();
			continue;
		}
		t->nested = false;
		s->sched.depth--;
		exec_unpark(s, t);
		flue_trap(x, FLUE_TRAP_DEADLOCK, 0);
	}
	t->nested = false;
	s->sched.depth--;
	exec_unpark(s, t);
	return t->cancelled;
}

/* canon_lift of a non-async type, after the callee's thread first
 * blocked: while it is unresolved, resume ready threads of its instance
 * (pick honours the barrier), idle while something outside can help, and
 * trap the callee's instance when nothing can ("cannot block a synchronous
 * task before returning"). On the single stack the callee never gets here
 * unresolved: it blocks in nested loops under the same barrier. */
static void sync_barrier_loop(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	struct flue_instance *x = t->func->inst;
	uint16_t me = s->sched.current;
	while (t->state != FLUE_TASK_RESOLVED && !t->aborted) {
		exec_apply_posted(s);
		if (t->state == FLUE_TASK_RESOLVED)
			break;
		(void)exec_refresh(s);
		uint16_t u = exec_pick_of(s, 0);
		if (u != FLUE_TASK_NONE) {
			exec_resume(s, u, false);
			s->sched.current = me;
		} else if (exec_external(s, false) == EXEC_OUTSIDE_THREAD) {
			flue_port_idle();
		} else {
			exec_fail_instance(s, x, FLUE_TRAP_DEADLOCK);
		}
	}
}

void exec_arrive_sync(struct flue_store *s, uint16_t id, void (*arrive)(struct flue_store *, uint16_t))
{
	struct flue_task *t = &s->tasks[id];
	if (t->func->ft->async || exec_is_host(t)) {
		arrive(s, id);
		return;
	}
	struct flue_instance *saved = s->sched.barrier;
	s->sched.barrier = t->func->inst;
	t->barrier = true;
	arrive(s, id);
	sync_barrier_loop(s, id);
	t->barrier = false;
	s->sched.barrier = saved;
	exec_release(s, id);
}

static uint8_t block_hook(void *ctx, struct flue_instance *inst,
			  bool (*done)(struct flue_instance *, uint32_t), uint32_t arg)
{
	(void)ctx;
	struct flue_store *s = inst->store;
	struct flue_task *t = abi_current_task(inst);
	if (t == 0)
		return FLUE_BLOCK_CANNOT;
	t->done = done;
	t->arg = arg;
	(void)exec_block(s, t, done != 0 ? FLUE_COND_PRED : FLUE_COND_READY, false);
	return FLUE_BLOCK_DONE;
}

bool flue_wait_until(struct flue_store *s, bool (*ready)(void *arg), void *arg,
		     bool cancellable)
{
	struct flue_task *t = flue_task_get(s, s->sched.current);
	if (t == 0)
		return false;
	struct flue_instance *x = exec_inst(s, t);
	if (x->poisoned)
		flue_trap(x, FLUE_TRAP_POISONED, 0);
	/* No cancellation is delivered here: a guest task's waits for its
	 * callback event loop (#716); a host function's call is cancelled
	 * by resuming this wait (exec_request_cancel), if `cancellable`. */
	t->ready_fn = ready;
	t->ready_arg = arg;
	bool c = exec_block(s, t, FLUE_COND_FN, cancellable);
	if (x->poisoned)
		flue_trap(x, FLUE_TRAP_POISONED, 0);
	return c;
}

/* ------------------------------------------------------------- run loop */

static const struct flue_exec_hooks hooks = { exec_resolve, exec_request_cancel,
						 exec_abort_instance };

void exec_install(struct flue_store *s)
{
	if (s->sched.installed)
		return;
	s->sched.installed = true;
	s->embedder_hook = s->trap_hook; /* kept: traps outside executor frames */
	s->embedder_ctx = s->trap_ctx;
	s->trap_hook = trap_hook;
	s->trap_ctx = s;
	s->block_hook = block_hook;
	s->block_ctx = s;
	s->exec_hooks = &hooks;
}

void flue_exec_init(struct flue_store *s)
{
	exec_install(s);
}

enum flue_tick_result flue_tick(struct flue_store *s)
{
	exec_apply_posted(s);
	exec_start_posted(s);
	bool any = exec_refresh(s);
	uint16_t u = exec_pick_of(s, 0);
	if (u != FLUE_TASK_NONE) {
		exec_resume(s, u, false);
		return FLUE_TICK_RAN;
	}
	if (!any)
		return FLUE_TICK_DONE;
	return exec_external(s, true) != EXEC_OUTSIDE_NONE ? FLUE_TICK_IDLE : FLUE_TICK_DEADLOCK;
}

int flue_run(struct flue_store *s)
{
	for (;;) {
		switch (flue_tick(s)) {
		case FLUE_TICK_RAN:
			break;
		case FLUE_TICK_DONE:
			return FLUE_OK;
		case FLUE_TICK_DEADLOCK:
			return FLUE_EDEADLK;
		default:
			return FLUE_EAGAIN;
		}
	}
}

int flue_run_until_idle(struct flue_store *s)
{
	for (;;) {
		int rc = flue_run(s);
		if (rc != FLUE_EAGAIN)
			return rc;
		/* Sleep only for what another thread or an interrupt can bring;
		 * if just the host's own ends are left, it has to act first. */
		if (exec_external(s, true) != EXEC_OUTSIDE_THREAD)
			return FLUE_EAGAIN;
		flue_port_idle();
	}
}
