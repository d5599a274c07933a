/*
 * Traps: unwinding to the executor frame that entered guest code, and the
 * abort of a trapped instance's tasks (design note 5, docs/EXECUTOR.md).
 * Calls resolve.c and queue.c in exec/.
 */
#include "thread.h"

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

void exec_install_traps(struct flue_store *s)
{
	s->embedder_hook = s->trap_hook; /* kept: traps outside executor frames */
	s->embedder_ctx = s->trap_ctx;
	s->trap_hook = trap_hook;
	s->trap_ctx = s;
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

/* A call still held at its callee's entry gate whose caller trapped:
 * nobody waits for it, and its arguments lie in the caller's table and
 * memory, which the trap emptied; it leaves the gate without running (it
 * would trap the caller a second time lifting them: sync-streams.wast). */
static void discard_at_gate(struct flue_store *s, struct flue_task *t)
{
	struct flue_instance *callee = t->func->inst;
	callee->waiting_to_enter--;
	t->state = FLUE_TASK_RESOLVED;
	exec_thread(s, t, FLUE_THREAD_EV_DISCARD, FLUE_COND_NONE);
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
			if (t->thread == FLUE_THREAD_GATE)
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
		exec_wake(s, t); /* a blocked thread: ready, it unwinds */
		if (t->state != FLUE_TASK_RESOLVED)
			exec_resolve(s, (uint16_t)i, 0);
		/* (A host call whose start returned was HOST: resolving it
		 * just now ended it.) */
		if (t->thread == FLUE_THREAD_GATE || t->thread == FLUE_THREAD_PARKED) {
			/* Waiting without a stack: simply gone. */
			struct flue_handle *h = flue_table_get(x, t->arg);
			if (t->cond == FLUE_COND_WAIT && h != 0 && h->kind == FLUE_H_WAITABLE_SET)
				h->u.wset.waiting--;
			exec_thread(s, t, FLUE_THREAD_EV_DROP, FLUE_COND_NONE);
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
	exec_lock(x, FLUE_TASK_NONE);
	x->waiting_to_enter = 0;
	/* Design note 5: peers of a trapped instance see its ends DROPPED
	 * rather than waiting for an instance that will never act again. */
	flue_instance_drop_ends(x);
}

