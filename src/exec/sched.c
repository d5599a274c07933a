/*
 * The scheduler: resuming a ready task, blocking (a fiber suspends, or a
 * nested loop runs on this stack), the barrier of an unresolved sync-typed
 * call, flue_wait_until, and what outside the executor may still help
 * (docs/EXECUTOR.md). The ready order is queue.c's; tick and the run loops
 * are run.c's. Calls call.c, posted.c, trap.c, resolve.c, queue.c.
 */
#include "thread.h"
#include "../abi/abi.h"

/* Can another thread or an interrupt still deliver something (driver
 * channels whose host side is open, posted completions, host calls it may
 * resolve by a post; at top level queued invocations and cancellations
 * too)? Only that may keep a loop asleep in flue_port_idle(). */
static bool external_wake_possible(struct flue_store *s, bool top)
{
	if (flue_channels_open(s))
		return true;
	flue_port_key_t k = flue_port_lock(); /* written by host threads */
	uint32_t posted = s->sched.posted + (top ? s->sched.inv_count + s->sched.ncancel : 0u);
	flue_port_unlock(k);
	if (posted != 0u)
		return true;
	/* A pending host call may be resolved by a post from another thread,
	 * unless its result carries ends: those only flue_host_return() on
	 * the executor thread can deliver (host_call_waits_for_host). The
	 * count of HOST conditions spares the scan when there is none. */
	for (uint32_t i = 0; s->sched.nhost != 0u && i < FLUE_CONFIG_MAX_TASKS; i++)
		if (s->tasks[i].used && s->tasks[i].cond == FLUE_COND_HOST && !s->tasks[i].post.ends)
			return true;
	return false;
}

/* Does a pending host call wait for the host itself (its result carries
 * ends, so no post can resolve it)? */
static bool host_call_waits_for_host(const struct flue_store *s)
{
	for (uint32_t i = 0; s->sched.nhost != 0u && i < FLUE_CONFIG_MAX_TASKS; i++)
		if (s->tasks[i].used && s->tasks[i].cond == FLUE_COND_HOST && s->tasks[i].post.ends)
			return true;
	return false;
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
	return host_holds_ends(s) || host_call_waits_for_host(s) ? EXEC_OUTSIDE_HOST
								 : EXEC_OUTSIDE_NONE;
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
		x->waiting_to_enter--;
		exec_start_thread(s, id); /* leaves the gate */
		break;
	case FLUE_COND_YIELD:
	case FLUE_COND_WAIT:
		exec_callback_step(s, id);
		break;
	default: { /* a fiber blocked in exec_block */
		uint8_t depth = s->sched.depth;
		exec_thread(s, t, FLUE_THREAD_EV_RUN, FLUE_COND_NONE);
		t->cancelled = t->cancelled || cancelled;
		s->sched.current = id;
		flue_port_fiber_resume(&s->fibers[id]);
		/* It comes back with no loop of its own left on its stack. A
		 * trap there unwound to the executor frame at the bottom of the
		 * fiber, which restored the depth of when the fiber began, not
		 * this loop's (fuzz finding). */
		s->sched.depth = depth;
		break;
	}
	}
	s->sched.current = cur;
}

bool exec_block(struct flue_store *s, struct flue_task *t, uint8_t cond, bool cancellable)
{
	uint16_t id = exec_id(s, t);
	struct flue_instance *x = exec_inst(s, t);
	t->cancellable = cancellable && exec_is_host(t);
	t->cancelled = false;
	if (t->fiber) {
		/* Whoever resumes it (exec_resume) makes it RUNNING again. */
		exec_thread(s, t, FLUE_THREAD_EV_SUSPEND, cond);
		flue_port_fiber_suspend(&s->fibers[id]);
		s->sched.current = id;
		return t->cancelled;
	}
	exec_thread(s, t, FLUE_THREAD_EV_NEST, cond);
	if (s->sched.depth >= FLUE_CONFIG_MAX_NESTING) {
		exec_thread(s, t, FLUE_THREAD_EV_RUN, FLUE_COND_NONE);
		flue_trap(x, FLUE_TRAP_NESTING_LIMIT, 0);
	}
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
		s->sched.depth--;
		exec_thread(s, t, FLUE_THREAD_EV_RUN, FLUE_COND_NONE);
		flue_trap(x, FLUE_TRAP_DEADLOCK, 0);
	}
	s->sched.depth--;
	exec_thread(s, t, FLUE_THREAD_EV_RUN, FLUE_COND_NONE);
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

void exec_arrive_sync(struct flue_store *s, uint16_t id,
		      void (*arrive_fn)(struct flue_store *, uint16_t))
{
	struct flue_task *t = &s->tasks[id];
	if (t->func->ft->async || exec_is_host(t)) {
		arrive_fn(s, id);
		return;
	}
	struct flue_instance *saved = s->sched.barrier;
	s->sched.barrier = t->func->inst;
	t->barrier = true;
	arrive_fn(s, id);
	sync_barrier_loop(s, id);
	t->barrier = false;
	s->sched.barrier = saved;
	exec_release(s, id);
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

