/*
 * The ready queue: parked tasks, their conditions, wakes, the ready order,
 * and the pick of the next task to run (docs/EXECUTOR.md, ready order and
 * wakes). It calls no other file of exec/.
 *
 * Deterministic order: before every step the conditions that may have
 * changed are re-checked; a task whose condition newly holds gets the next
 * ready stamp, one whose condition no longer holds loses it
 * (flue_ready_mark_decide); the oldest stamp runs first. Tasks that become
 * ready in the same step are stamped in the order they began waiting
 * (wait_seq). Which conditions are re-checked is flue_wake_class_decide's:
 *
 *  - pollq holds the tasks waiting for a POLLED condition (the entry gate,
 *    a blocking built-in's `done`, flue_wait_until's predicate) in the
 *    order they began waiting (appended when they park): re-checked at
 *    every step, O(polled tasks).
 *  - wakeq holds the WOKEN / SET tasks whose condition may have changed
 *    since it was last checked, in wait_seq order: whoever changes an input
 *    of such a condition wakes the tasks that read it (exec_wake), and a
 *    task is woken when it parks unless its condition cannot hold yet (a
 *    WAIT on an empty set). The inputs: a waitable set's pending queue
 *    filling or emptying (the set lists the tasks parked in WAIT on it:
 *    exec_wake_set, which obj/ calls through flue_exec_hooks), the task's
 *    state and `aborted`, a callee's resolution (its caller blocked in a
 *    sync lower), and the instance's exclusive lock (below). A task
 *    nothing woke keeps its stamp: nothing its condition reads changed.
 *  - The lock: exec_lock() only notes that it turned (sched.turned); the
 *    re-check compares it with what the conditions last saw
 *    (sched.lock[].held), so a lock taken and given back within a step
 *    wakes nobody. Freed: the instance's armed tasks are woken (parked
 *    YIELD / WAIT that only the held lock kept from being ready); taken:
 *    its stamped YIELD / WAIT tasks (a walk of readyq, only when a step
 *    blocks holding the lock).
 *  - The re-check merges pollq and wakeq by wait_seq (flue_wait_first_decide):
 *    O(polled + woken), nothing for an idle task. readyq holds the stamped
 *    tasks in stamp order (a new stamp is the largest, so it is appended).
 *    The pick takes the first one that may run here (not blocked deeper on
 *    this stack, inside the sync barrier).
 *
 * wait_seq comes from a 64-bit clock, so the order by it never wraps; the
 * ready stamps' 32-bit clock is never compared, only appended in order.
 * Built with FLUE_EXEC_CHECK_WAKES (the sanitizer tests and the fuzzers),
 * every re-check is followed by one of every woken-class task, which
 * aborts on a stamp its condition disagrees with (a missed wake).
 */
#include <stddef.h>

#include <flue/wake_decide.h>
#include "exec.h"

#ifdef FLUE_EXEC_CHECK_WAKES
#include <stdio.h>
#include <stdlib.h>
#endif

/* The task record's size on a 32-bit target (flue/config.h states it). */
#if UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(sizeof(struct flue_task) <= 128u, "a task record is at most 128 B (config.h)");
#endif
_Static_assert(FLUE_TASK_ASYNC_FLAT == FLUE_MAX_FLAT_ASYNC_PARAMS,
	       "a task record holds an async lowered call's flat params");

/* ---------------------------------------------------------------- queues */

/* A task's link in a queue: the offset of the link in the record. */
#define QL_WAIT offsetof(struct flue_task, wlink)
#define QL_READY offsetof(struct flue_task, rlink)
#define QL_WOKEN offsetof(struct flue_task, klink)
#define QL_ARMED offsetof(struct flue_task, alink)

static struct flue_qlink *link_of(struct flue_store *s, uint16_t n, size_t ql)
{
	return (struct flue_qlink *)(void *)((char *)&s->tasks[n - 1u] + ql);
}

/* Put task `id` into `q` after entry `after` (0: at the front). */
static void q_insert(struct flue_store *s, struct flue_qhead *q, uint16_t after, uint16_t id,
		     size_t ql)
{
	uint16_t n = (uint16_t)(id + 1u);
	struct flue_qlink *l = link_of(s, n, ql);
	l->prev = after;
	l->next = after != 0 ? link_of(s, after, ql)->next : q->head;
	if (after != 0)
		link_of(s, after, ql)->next = n;
	else
		q->head = n;
	if (l->next != 0)
		link_of(s, l->next, ql)->prev = n;
	else
		q->tail = n;
}

static void q_append(struct flue_store *s, struct flue_qhead *q, uint16_t id, size_t ql)
{
	q_insert(s, q, q->tail, id, ql);
}

static void q_remove(struct flue_store *s, struct flue_qhead *q, uint16_t id, size_t ql)
{
	struct flue_qlink *l = link_of(s, (uint16_t)(id + 1u), ql);
	if (l->prev != 0)
		link_of(s, l->prev, ql)->next = l->next;
	else
		q->head = l->next;
	if (l->next != 0)
		link_of(s, l->next, ql)->prev = l->prev;
	else
		q->tail = l->prev;
	l->prev = 0;
	l->next = 0;
}

/* The tasks parked in WAIT on a set: a list through their wlink.next,
 * newest first (its order does not matter: a wake sorts). Usually one. */
static uint16_t *set_parked(struct flue_store *s, const struct flue_task *t)
{
	return &exec_inst(s, t)->handles[t->arg].u.wset.parked;
}

static void set_unlist(struct flue_store *s, struct flue_task *t)
{
	uint16_t n = (uint16_t)(exec_id(s, t) + 1u), *pp = set_parked(s, t);
	while (*pp != n) /* O(tasks parked on this set); `t` is on it */
		pp = &s->tasks[*pp - 1u].wlink.next;
	*pp = t->wlink.next;
	t->wlink.next = 0;
}

void exec_unready(struct flue_store *s, struct flue_task *t)
{
	if (t->ready_stamp == 0)
		return;
	q_remove(s, &s->sched.readyq, exec_id(s, t), QL_READY);
	t->ready_stamp = 0;
}

/* ------------------------------------------------------------- readiness */

static bool set_has_event(struct flue_instance *inst, uint32_t si)
{
	struct flue_handle *h = flue_table_get(inst, si);
	return h != 0 && h->kind == FLUE_H_WAITABLE_SET && h->u.wset.head != 0;
}

/* The callback action a parked turn waits with (EXIT: not a parked turn). */
static uint8_t callback_action(uint8_t cond)
{
	if (cond == FLUE_COND_WAIT)
		return FLUE_CB_WAIT;
	return cond == FLUE_COND_YIELD ? (uint8_t)FLUE_CB_YIELD : (uint8_t)FLUE_CB_EXIT;
}

/* Would parked turn `t` (action `a`) be ready if its instance's lock were
 * free: a YIELD, a WAIT whose set has an event or whose cancellation is
 * pending? By flue_callback_ready_decide's contract it is ready exactly
 * when this holds and the lock is free. (A WAIT's set is a set while the
 * turn waits on it: checked when it parked, and a set with waiters cannot
 * be dropped.) */
static bool lock_only(struct flue_store *s, const struct flue_task *t, uint8_t a)
{
	return a != FLUE_CB_EXIT &&
	       flue_callback_ready_decide(
		       a, true,
		       a == FLUE_CB_WAIT && exec_inst(s, t)->handles[t->arg].u.wset.head != 0,
		       t->state);
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

/* ----------------------------------------------------------------- wakes */

/* Wake `t`, which waits for a WOKEN or SET condition: onto wakeq, kept in
 * wait_seq order by a walk back over the tasks woken already that began
 * waiting after it (O(tasks woken this step)). */
static void wake(struct flue_store *s, struct flue_task *t)
{
	if (t->woken)
		return;
	uint16_t after = s->sched.wakeq.tail;
	while (after != 0 && flue_wait_first_decide(t->wait_seq, s->tasks[after - 1u].wait_seq) ==
				     FLUE_WAIT_FIRST_A)
		after = s->tasks[after - 1u].klink.prev;
	q_insert(s, &s->sched.wakeq, after, exec_id(s, t), QL_WOKEN);
	t->woken = true;
}

void exec_wake(struct flue_store *s, struct flue_task *t)
{
	uint8_t c = flue_wake_class_decide(t->cond);
	if (c == FLUE_WAKE_WOKEN || c == FLUE_WAKE_SET)
		wake(s, t);
}

void exec_wake_set(struct flue_instance *x, uint32_t set)
{
	struct flue_store *s = x->store;
	for (uint16_t n = x->handles[set].u.wset.parked; n != 0; n = s->tasks[n - 1u].wlink.next)
		wake(s, &s->tasks[n - 1u]);
}

/* Before a re-check: the locks that turned since the last one and are not
 * where the conditions last saw them. Freed: wake the instance's armed
 * tasks, which only the lock kept from being ready. Taken: wake its ready
 * YIELD and WAIT turns, which it stops (O(ready tasks), only when a lock
 * stays held across a re-check: a step blocked holding it). */
static void lock_turns(struct flue_store *s)
{
	while (s->sched.nturned != 0) {
		uint8_t id = s->sched.turned[--s->sched.nturned];
		struct flue_sched_lock *lk = &s->sched.lock[id];
		bool held = s->instances[id].exclusive != FLUE_TASK_NONE;
		lk->turned = false;
		if (held == lk->held)
			continue;
		lk->held = held;
		for (uint16_t n = held ? s->sched.readyq.head : lk->armed.head; n != 0;) {
			struct flue_task *t = &s->tasks[n - 1u];
			n = held ? t->rlink.next : t->alink.next;
			if (exec_inst(s, t)->id == id && callback_action(t->cond) != FLUE_CB_EXIT)
				wake(s, t);
		}
	}
}

/* `t` joins its instance's armed list, or leaves it if it is on it. */
static void arm_toggle(struct flue_store *s, struct flue_task *t)
{
	struct flue_qhead *q = &s->sched.lock[exec_inst(s, t)->id].armed;
	if (t->armed)
		q_remove(s, q, exec_id(s, t), QL_ARMED);
	else
		q_append(s, q, exec_id(s, t), QL_ARMED);
	t->armed = !t->armed;
}

/* ---------------------------------------------------------------- parking */

/* Through exec_thread (exec.h) only, which applies the proved table
 * (flue_thread_decide) and calls it only when `t` waits (cond not NONE):
 * leave the queues and lists of what `t` waited for. */
void exec_thread_leave(struct flue_store *s, struct flue_task *t)
{
	uint8_t c = flue_wake_class_decide(t->cond);
	uint16_t id = exec_id(s, t);
	exec_unready(s, t);
	if (c == FLUE_WAKE_HOST)
		s->sched.nhost--;
	else if (c == FLUE_WAKE_POLLED)
		q_remove(s, &s->sched.pollq, id, QL_WAIT);
	if (c == FLUE_WAKE_SET)
		set_unlist(s, t);
	if (t->woken)
		q_remove(s, &s->sched.wakeq, id, QL_WOKEN);
	t->woken = false;
	if (t->armed)
		arm_toggle(s, t);
	s->sched.nparked--;
	t->cond = FLUE_COND_NONE;
}

/* Through exec_thread only: wait for `cond` (not NONE) with the next
 * wait_seq: HOST only counted
 * (only the host resolves it), POLLED at the back of pollq, WOKEN / SET
 * woken (checked at the next step: the back of wakeq), WAIT also on its
 * set's list. A WAIT on an empty set with no cancellation pending cannot
 * hold, nor can the lock make it: nothing to check until the set wakes it. */
void exec_thread_wait(struct flue_store *s, struct flue_task *t, uint8_t cond)
{
	uint8_t c = flue_wake_class_decide(cond);
	uint16_t id = exec_id(s, t);
	t->cond = cond;
	s->sched.nparked++;
	if (c == FLUE_WAKE_HOST) {
		s->sched.nhost++;
		return;
	}
	t->wait_seq = ++s->sched.wait_clock;
	if (c == FLUE_WAKE_POLLED) {
		q_append(s, &s->sched.pollq, id, QL_WAIT);
		return;
	}
	if (c == FLUE_WAKE_SET) {
		uint16_t *head = set_parked(s, t);
		t->wlink.next = *head;
		*head = (uint16_t)(id + 1u);
		if (!t->aborted && !t->cancelled && !lock_only(s, t, FLUE_CB_WAIT))
			return;
	}
	q_append(s, &s->sched.wakeq, id, QL_WOKEN); /* the newest wait_seq */
	t->woken = true;
}

/* A transition the proved table does not have is a broken invariant of
 * the executor: never applied silently. */
_Noreturn void exec_thread_bad(struct flue_task *t, uint8_t event)
{
	flue_trap(t->func->inst, FLUE_TRAP_BAD_DECISION, event);
}

/* -------------------------------------------------------------- re-check */

/* Stamp or unstamp `t`, whose condition `holds` or not (proved decision). */
static void mark(struct flue_store *s, struct flue_task *t, bool holds)
{
	switch (flue_ready_mark_decide(holds, t->ready_stamp != 0)) {
	case FLUE_READY_STAMP:
		if (++s->sched.seq == 0u)
			s->sched.seq = 1u; /* 0 means "not ready" */
		t->ready_stamp = s->sched.seq;
		q_append(s, &s->sched.readyq, exec_id(s, t), QL_READY);
		break;
	case FLUE_READY_UNSTAMP:
		exec_unready(s, t);
		break;
	default:
		break;
	}
}

/* Woken task `t`, the oldest on wakeq, is re-checked: off wakeq, stamped
 * or not, and armed exactly if only the lock keeps it from being ready. A
 * parked turn's condition is lock_only() with the lock free (one look at
 * its set instead of two); any other's is exec_ready(). */
static void check_woken(struct flue_store *s, struct flue_task *t)
{
	struct flue_qhead *q = &s->sched.wakeq; /* `t` is its head: pop it */
	q->head = t->klink.next;
	if (q->head != 0)
		s->tasks[q->head - 1u].klink.prev = 0;
	else
		q->tail = 0;
	t->klink.next = 0;
	t->woken = false;
	uint8_t a = callback_action(t->cond);
	bool lo = lock_only(s, t, a);
	bool lock_free = exec_inst(s, t)->exclusive == FLUE_TASK_NONE;
	mark(s, t, a == FLUE_CB_EXIT ? exec_ready(s, t)
				     : t->aborted || t->cancelled || (lo && lock_free));
	if ((lo && t->ready_stamp == 0) != t->armed)
		arm_toggle(s, t);
}

#ifdef FLUE_EXEC_CHECK_WAKES
/* Checking mode: every task of a woken class re-checked eagerly; a stamp
 * or an armed mark its condition disagrees with is a wake that a change
 * of one of its inputs did not make. O(tasks) per step: tests only. */
static void check_wakes(struct flue_store *s)
{
	for (uint16_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		struct flue_task *t = &s->tasks[i];
		uint8_t c = flue_wake_class_decide(t->cond);
		if (!t->used || (c != FLUE_WAKE_WOKEN && c != FLUE_WAKE_SET))
			continue;
		bool holds = exec_ready(s, t);
		bool armed = lock_only(s, t, callback_action(t->cond)) && !holds;
		if (holds == (t->ready_stamp != 0) && armed == t->armed && !t->woken)
			continue;
		fprintf(stderr,
			"flue: missed wake: task %u (instance %u, cond %u, state %u) is %s "
			"but its condition %s; armed %d, woken %d\n",
			i, exec_inst(s, t)->id, t->cond, t->state,
			t->ready_stamp != 0 ? "ready" : "not ready", holds ? "holds" : "does not hold",
			t->armed, t->woken);
		abort();
	}
}
#endif

/* Re-check the polled and the woken tasks together, oldest waiter first:
 * O(polled + woken) per step, nothing for a task nothing woke. */
bool exec_refresh(struct flue_store *s)
{
	lock_turns(s);
	uint16_t p = s->sched.pollq.head;
	for (;;) {
		uint16_t w = s->sched.wakeq.head;
		if (p == 0 && w == 0)
			break;
		struct flue_task *tp = p != 0 ? &s->tasks[p - 1u] : 0;
		struct flue_task *tw = w != 0 ? &s->tasks[w - 1u] : 0;
		if (flue_wait_first_decide(tp != 0 ? tp->wait_seq : 0u,
					   tw != 0 ? tw->wait_seq : 0u) == FLUE_WAIT_FIRST_A) {
			p = tp->wlink.next;
			mark(s, tp, exec_ready(s, tp));
		} else {
			check_woken(s, tw);
		}
	}
#ifdef FLUE_EXEC_CHECK_WAKES
	check_wakes(s);
#endif
	return s->sched.nparked != 0;
}

/* -------------------------------------------------------------- picking */

/* Is `t` waiting for a condition the scheduler checks (not HOST)? */
static bool schedulable(const struct flue_task *t)
{
	return t->used && t->cond != FLUE_COND_NONE && t->cond != FLUE_COND_HOST;
}

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
