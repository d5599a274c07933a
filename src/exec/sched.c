/*
 * The scheduler: ready conditions and stamps, tick and the run loop, the
 * nested loop behind blocking built-ins, trap unwinding and the abort of a
 * trapped instance's tasks (docs/EXECUTOR.md).
 *
 * Deterministic order: after every step the conditions of waiting tasks
 * are re-checked; a task whose condition newly holds gets the next ready
 * stamp (tasks that became ready in the same step in the order they began
 * waiting), one whose condition no longer holds loses it; the oldest stamp
 * runs first. Stamps are compared with flue_stamp_before (proved, serial
 * arithmetic), so the 32-bit clock may wrap; the order is exact while the
 * stamps compared are less than 2^31 ticks apart (a ready task is passed
 * over that long only inside a nested loop that never unwinds; a waiting
 * task's wait_seq only breaks ties between tasks ready in the same step).
 */
#include <flue/wset_decide.h>

#include "exec.h"
#include "../abi/abi.h"

/* ------------------------------------------------------------- readiness */

static bool set_has_event(struct flue_instance *inst, uint32_t si)
{
	struct flue_handle *h = flue_table_get(inst, si);
	return h != 0 && h->kind == FLUE_H_WAITABLE_SET && h->u.wset.head != 0;
}

bool exec_ready(struct flue_store *s, const struct flue_task *t)
{
	if (t->aborted || t->cancelled)
		return true;
	struct flue_instance *x = exec_inst(s, t);
	switch (t->cond) {
	case FLUE_COND_GATE: {
		struct flue_gate_view v = {
			true, exec_needs_exclusive(t), x->backpressure,
			x->exclusive != FLUE_TASK_NONE, x->waiting_to_enter,
		};
		return flue_gate_admit_decide(v);
	}
	case FLUE_COND_YIELD:
		return x->exclusive == FLUE_TASK_NONE;
	case FLUE_COND_WAIT:
		return x->exclusive == FLUE_TASK_NONE && set_has_event(x, t->arg);
	case FLUE_COND_PRED:
		return t->done(x, t->arg);
	case FLUE_COND_READY:
		return true;
	case FLUE_COND_FN:
		return t->ready_fn(t->ready_arg);
	case FLUE_COND_SUBTASK:
		return flue_subtask_resolved(s->tasks[t->arg].sub_state);
	default: /* NONE (running / on the stack), HOST (resolved from outside) */
		return false;
	}
}

static bool schedulable(const struct flue_task *t)
{
	return t->used && t->cond != FLUE_COND_NONE && t->cond != FLUE_COND_HOST;
}

bool exec_refresh(struct flue_store *s)
{
	bool any = false;
	for (;;) {
		/* Newly ready tasks are stamped oldest-waiting first: pick the
		 * smallest wait_seq among the unstamped ready ones, repeatedly. */
		struct flue_task *next = 0;
		for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
			struct flue_task *t = &s->tasks[i];
			if (!t->used || t->cond == FLUE_COND_NONE)
				continue;
			any = true;
			if (!schedulable(t))
				continue;
			if (!exec_ready(s, t)) {
				t->ready_stamp = 0;
				continue;
			}
			if (t->ready_stamp == 0 &&
			    (next == 0 || flue_stamp_before(t->wait_seq, next->wait_seq)))
				next = t;
		}
		if (next == 0)
			return any;
		if (++s->sched.seq == 0u)
			s->sched.seq = 1u; /* 0 means "not ready" */
		next->ready_stamp = s->sched.seq;
	}
}

/* Oldest ready task that may run now. Inside the nested loop of `blocked`
 * (NULL at top level): never a task blocked deeper on this stack, and
 * never one that needs the exclusive lock of the blocked instance
 * (test/async/during-sync-call-no-exclusive-resume.wast). */
static uint16_t pick(struct flue_store *s, const struct flue_task *blocked)
{
	uint16_t best = FLUE_TASK_NONE;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		struct flue_task *t = &s->tasks[i];
		if (!schedulable(t) || t->nested || t->ready_stamp == 0)
			continue;
		if (blocked != 0 && exec_needs_exclusive(t) && !t->aborted &&
		    t->func->inst == blocked->func->inst)
			continue;
		if (best == FLUE_TASK_NONE ||
		    flue_stamp_before(t->ready_stamp, s->tasks[best].ready_stamp))
			best = (uint16_t)i;
	}
	return best;
}

bool exec_external(struct flue_store *s, bool top)
{
	if (s->channels != 0)
		return true;
	flue_port_key_t k = flue_port_lock(); /* written by host threads */
	uint32_t posted = s->sched.posted + (top ? s->sched.inv_count + s->sched.ncancel : 0u);
	flue_port_unlock(k);
	if (posted != 0u)
		return true;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		if (s->tasks[i].used && s->tasks[i].cond == FLUE_COND_HOST)
			return true;
	/* A host instance holding a stream/future end can still read, write
	 * or drop it. */
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

void exec_release(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	if (t->used && t->callee_done && t->caller_done)
		flue_task_free(s, id);
}

/* ----------------------------------------------------------------- traps */

static void trap_hook(void *ctx, struct flue_instance *inst, enum flue_trap_reason r,
		      uint32_t handle)
{
	(void)ctx;
	(void)handle;
	struct flue_store *s = inst->store;
	s->sched.trapped = inst->id;
	if (s->sched.on_trap != 0)
		s->sched.on_trap(s->sched.on_trap_ctx, inst, r);
	flue_port_unwind();
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

void exec_abort_instance(struct flue_store *s, struct flue_instance *x)
{
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		struct flue_task *t = &s->tasks[i];
		if (!t->used)
			continue;
		if (t->caller_inst == x->id && !t->caller_done) {
			/* The caller is gone: nobody will drop or read the subtask. */
			t->caller_done = true;
			t->sub_handle = 0;
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
			t->cond = FLUE_COND_NONE;
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
	/* Store.tick: the resumed instance (and its ancestors) are entered. */
	bool entered = exec_may_enter_from(x, 0);
	if (entered)
		exec_set_may_enter(x, 0, false);
	t->ready_stamp = 0;
	switch (t->cond) {
	case FLUE_COND_GATE:
		t->cond = FLUE_COND_NONE;
		x->waiting_to_enter--;
		exec_start_thread(s, id);
		break;
	case FLUE_COND_YIELD:
	case FLUE_COND_WAIT:
		exec_callback_step(s, id, cancelled || t->cancelled);
		break;
	default: /* a fiber blocked in exec_block */
		t->cond = FLUE_COND_NONE;
		t->cancelled = t->cancelled || cancelled;
		s->sched.current = id;
		flue_port_fiber_resume(id);
		break;
	}
	s->sched.current = cur;
	if (entered)
		exec_set_may_enter(x, 0, true);
}

bool exec_block(struct flue_store *s, struct flue_task *t, uint8_t cond, bool cancellable)
{
	uint16_t id = exec_id(s, t);
	struct flue_instance *x = exec_inst(s, t);
	t->cond = cond;
	t->cancellable = cancellable;
	t->cancelled = false;
	t->ready_stamp = 0;
	t->wait_seq = ++s->sched.seq;
	if (t->fiber) {
		flue_port_fiber_suspend(id);
		s->sched.current = id;
		return t->cancelled;
	}
	if (s->sched.depth >= FLUE_CONFIG_MAX_NESTING) {
		t->cond = FLUE_COND_NONE;
		flue_trap(x, FLUE_TRAP_NESTING_LIMIT, 0);
	}
	t->nested = true;
	s->sched.depth++;
	for (;;) {
		exec_apply_posted(s);
		if (cond != FLUE_COND_READY && exec_ready(s, t))
			break;
		(void)exec_refresh(s);
		uint16_t u = pick(s, t);
		if (u != FLUE_TASK_NONE) {
			exec_resume(s, u, false);
			s->sched.current = id;
			if (cond == FLUE_COND_READY)
				break; /* thread.yield: one other task ran */
			continue;
		}
		if (cond == FLUE_COND_READY || t->aborted || t->cancelled)
			break;
		if (exec_external(s, false)) {
			flue_port_idle();
			continue;
		}
		t->nested = false;
		s->sched.depth--;
		t->cond = FLUE_COND_NONE;
		flue_trap(x, FLUE_TRAP_DEADLOCK, 0);
	}
	t->nested = false;
	s->sched.depth--;
	t->cond = FLUE_COND_NONE;
	return t->cancelled;
}

static uint8_t block_hook(void *ctx, struct flue_instance *inst,
			  bool (*done)(struct flue_instance *, uint32_t), uint32_t arg,
			  bool cancellable)
{
	(void)ctx;
	struct flue_store *s = inst->store;
	struct flue_task *t = abi_current_task(inst);
	if (t == 0)
		return FLUE_BLOCK_CANNOT;
	t->done = done;
	t->arg = arg;
	bool c = exec_block(s, t, done != 0 ? FLUE_COND_PRED : FLUE_COND_READY, cancellable);
	return c ? FLUE_BLOCK_CANCELLED : FLUE_BLOCK_DONE;
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
	if (flue_cancel_deliver_decide(t->state, cancellable)) {
		t->state = FLUE_TASK_CANCEL_DELIVERED;
		return true;
	}
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
	uint16_t u = pick(s, 0);
	if (u != FLUE_TASK_NONE) {
		exec_resume(s, u, false);
		return FLUE_TICK_RAN;
	}
	if (!any)
		return FLUE_TICK_DONE;
	return exec_external(s, true) ? FLUE_TICK_IDLE : FLUE_TICK_DEADLOCK;
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
		flue_port_idle(); /* until something outside makes progress */
	}
}
