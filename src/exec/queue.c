/*
 * The ready queue: parked tasks, their conditions, the ready order, and
 * the pick of the next task to run (docs/EXECUTOR.md, ready order). It
 * calls no other file of exec/.
 *
 * Deterministic order: before every step the conditions of the parked
 * tasks are re-checked; a task whose condition newly holds gets the next
 * ready stamp, one whose condition no longer holds loses it
 * (flue_ready_mark_decide); the oldest stamp runs first. Two queues keep
 * this without scans of the task pool or sorting:
 *
 *  - waitq holds every parked schedulable task in the order it began
 *    waiting (appended when it parks, so in wait_seq order). The re-check
 *    walks it front to back, so tasks that become ready in the same step
 *    are stamped in the order they began waiting.
 *  - readyq holds the stamped tasks in stamp order (a new stamp is the
 *    largest, so it is appended). The pick takes the first one that may
 *    run here (not blocked deeper on this stack, inside the sync barrier).
 *
 * The queue order is the order of the clock that hands out stamps and
 * wait_seq values, so it stays exact when that 32-bit clock wraps.
 */
#include "exec.h"

/* ---------------------------------------------------------------- queues */

static struct flue_qlink *link_of(struct flue_store *s, uint16_t n, bool ready)
{
	struct flue_task *t = &s->tasks[n - 1u];
	return ready ? &t->rlink : &t->wlink;
}

static void q_append(struct flue_store *s, struct flue_qhead *q, uint16_t id, bool ready)
{
	uint16_t n = (uint16_t)(id + 1u);
	struct flue_qlink *l = link_of(s, n, ready);
	l->prev = q->tail;
	l->next = 0;
	if (q->tail != 0)
		link_of(s, q->tail, ready)->next = n;
	else
		q->head = n;
	q->tail = n;
}

static void q_remove(struct flue_store *s, struct flue_qhead *q, uint16_t id, bool ready)
{
	struct flue_qlink *l = link_of(s, (uint16_t)(id + 1u), ready);
	if (l->prev != 0)
		link_of(s, l->prev, ready)->next = l->next;
	else
		q->head = l->next;
	if (l->next != 0)
		link_of(s, l->next, ready)->prev = l->prev;
	else
		q->tail = l->prev;
	l->prev = 0;
	l->next = 0;
}

/* Is `t` on waitq? Every parked task but one the host resolves. */
static bool schedulable(const struct flue_task *t)
{
	return t->used && t->cond != FLUE_COND_NONE && t->cond != FLUE_COND_HOST;
}

void exec_unready(struct flue_store *s, struct flue_task *t)
{
	if (t->ready_stamp == 0)
		return;
	q_remove(s, &s->sched.readyq, exec_id(s, t), true);
	t->ready_stamp = 0;
}

/* Leave the queues of whatever `t` waited for (no-op if it did not wait). */
static void unpark(struct flue_store *s, struct flue_task *t)
{
	if (t->cond == FLUE_COND_NONE)
		return;
	exec_unready(s, t);
	if (t->cond == FLUE_COND_HOST)
		s->sched.nhost--;
	else
		q_remove(s, &s->sched.waitq, exec_id(s, t), false);
	s->sched.nparked--;
	t->cond = FLUE_COND_NONE;
}

/* Wait for `cond` (not NONE): the back of the wait queue with the next
 * wait_seq (HOST: only counted, never checked: only the host resolves it). */
static void park(struct flue_store *s, struct flue_task *t, uint8_t cond)
{
	t->cond = cond;
	s->sched.nparked++;
	if (cond == FLUE_COND_HOST) {
		s->sched.nhost++;
		return;
	}
	t->wait_seq = ++s->sched.seq;
	q_append(s, &s->sched.waitq, exec_id(s, t), false);
}

/* Every change of a thread's state goes through here: the proved table
 * (flue_thread_decide) says where `event` leads; a transition it does not
 * have is a broken invariant of the executor, never applied silently. */
void exec_thread(struct flue_store *s, struct flue_task *t, uint8_t event, uint8_t cond)
{
	struct flue_thread_view v = { t->thread, event, cond, exec_is_host(t),
				      t->state == FLUE_TASK_RESOLVED };
	uint8_t next = flue_thread_decide(v);
	if (next == FLUE_THREAD_BAD)
		flue_trap(t->func->inst, FLUE_TRAP_BAD_DECISION, event);
	unpark(s, t);
	t->thread = next;
	t->callee_done = next == FLUE_THREAD_EXITED;
	if (cond != FLUE_COND_NONE)
		park(s, t, cond);
}

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
		return flue_callback_ready_decide(FLUE_CB_YIELD, x->exclusive == FLUE_TASK_NONE,
						  false, t->state);
	case FLUE_COND_WAIT:
		return flue_callback_ready_decide(FLUE_CB_WAIT, x->exclusive == FLUE_TASK_NONE,
						  set_has_event(x, t->arg), t->state);
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

/* One pass over waitq, oldest waiter first: O(parked tasks) per step. */
bool exec_refresh(struct flue_store *s)
{
	uint16_t n = s->sched.waitq.head;
	while (n != 0) {
		struct flue_task *t = &s->tasks[n - 1u];
		n = t->wlink.next;
		switch (flue_ready_mark_decide(exec_ready(s, t), t->ready_stamp != 0)) {
		case FLUE_READY_STAMP:
			if (++s->sched.seq == 0u)
				s->sched.seq = 1u; /* 0 means "not ready" */
			t->ready_stamp = s->sched.seq;
			q_append(s, &s->sched.readyq, exec_id(s, t), true);
			break;
		case FLUE_READY_UNSTAMP:
			exec_unready(s, t);
			break;
		default:
			break;
		}
	}
	return s->sched.nparked != 0;
}

/* -------------------------------------------------------------- picking */

/* While a sync-typed call is unresolved, only threads of its instance are
 * candidates (canon_lift's loop for a non-async type), and host functions,
 * which are not guest threads (flue's embedding: docs/CONFORMANCE.md). */
static bool inside_barrier(const struct flue_store *s, const struct flue_task *t)
{
	return s->sched.barrier == 0 || exec_is_host(t) || t->func->inst == s->sched.barrier ||
	       t->sub_cancel_wait;
}

/* Oldest ready task that may run now, of instance `only` if not NULL.
 * Every ready thread is a candidate, also inside a nested loop (#705: the
 * exclusive-lock holder's instance included), except one blocked deeper on
 * this stack, which cannot run before the code above it returns, and one
 * outside the innermost sync-typed call's instance. O(1) unless ready
 * tasks that may not run here come first. */
uint16_t exec_pick_of(struct flue_store *s, const struct flue_instance *only)
{
	for (uint16_t n = s->sched.readyq.head; n != 0; n = s->tasks[n - 1u].rlink.next) {
		struct flue_task *t = &s->tasks[n - 1u];
		if (!exec_may_resume(t) || (only == 0 && !inside_barrier(s, t)))
			continue;
		if (only != 0 && t->func->inst != only)
			continue;
		return (uint16_t)(n - 1u);
	}
	return FLUE_TASK_NONE;
}

bool exec_may_resume(const struct flue_task *t)
{
	return schedulable(t) && flue_nested_candidate_decide(t->ready_stamp != 0,
							    t->thread == FLUE_THREAD_NESTED);
}

/* #723's resume reaches the callee's instance even under a sync barrier. */
uint16_t exec_pick_ready_of(struct flue_store *s, const struct flue_instance *inst)
{
	(void)exec_refresh(s);
	return exec_pick_of(s, inst);
}
