/*
 * The scheduler's queues and wakes (flue/task.h, src/exec/queue.c), checked
 * from the raw state like the rest of invariants.c: which list each parked
 * task is on, in which order, and that a task nothing woke has the stamp
 * its condition gives (a wake that an input change did not make shows up
 * here, at the first check after the change).
 */

#include <flue/functype.h>
#include <flue/task_decide.h>

#include "invariants.h"


/* How the scheduler learns of a change of the condition (docs/EXECUTOR.md,
 * wakes): written out here, not taken from flue_wake_class_decide. */
enum kind { K_NONE, K_HOST, K_POLLED, K_WOKEN, K_SET };

static enum kind kind_of(uint8_t cond)
{
	switch (cond) {
	case FLUE_COND_NONE:
		return K_NONE;
	case FLUE_COND_HOST:
		return K_HOST;
	case FLUE_COND_WAIT:
		return K_SET;
	case FLUE_COND_YIELD:
	case FLUE_COND_SUBTASK:
	case FLUE_COND_READY:
		return K_WOKEN;
	default:
		return K_POLLED;
	}
}

static bool parked(const struct flue_task *t)
{
	return t->used && t->cond != FLUE_COND_NONE && t->cond != FLUE_COND_HOST;
}

/* a strictly before b in serial-number order (RFC 1982, 32 bits). */
static bool serial_lt(uint32_t a, uint32_t b)
{
	uint32_t d = b - a;
	return d != 0u && d < 0x80000000u;
}

enum qname { Q_POLL, Q_WAKE, Q_READY, Q_SET, Q_ARMED };
static const char *const qnames[] = { "poll", "wake", "ready", "set", "armed" };

static const struct flue_qlink *qlink(const struct flue_task *t, enum qname q)
{
	switch (q) {
	case Q_WAKE:
		return &t->klink;
	case Q_READY:
		return &t->rlink;
	case Q_ARMED:
		return &t->alink;
	default:
		return &t->wlink;
	}
}

/* Does task `t` belong on queue `q` (owner: the set's index, the armed
 * list's instance)? */
static bool belongs(const struct flue_store *s, const struct flue_task *t, enum qname q,
		    uint32_t inst, uint32_t set)
{
	switch (q) {
	case Q_POLL:
		return parked(t) && kind_of(t->cond) == K_POLLED;
	case Q_WAKE:
		return parked(t) && t->woken;
	case Q_READY:
		return parked(t) && t->ready_stamp != 0u;
	case Q_SET:
		return parked(t) && t->cond == FLUE_COND_WAIT && t->arg == set &&
		       t->func->inst == &s->instances[inst];
	default:
		return parked(t) && t->armed && t->func->inst == &s->instances[inst];
	}
}

/* Walk one queue from `head`: links consistent both ways (a set's list is
 * linked forward only: `prev` stays 0, no tail), entries that belong on
 * it, in strictly increasing key order (wait_seq; readyq: ready_stamp);
 * returns the length, or -1 after reporting a fault. */
static int32_t walk(struct flue_inv_ctx *c, const struct flue_store *s, uint16_t head,
		    const uint16_t *tail, enum qname q, uint32_t inst, uint32_t set)
{
	uint16_t prev = 0;
	int32_t n = 0;
	for (uint16_t k = head; k != 0; n++) {
		if (k > FLUE_CONFIG_MAX_TASKS || n >= FLUE_CONFIG_MAX_TASKS) {
			(void)flue_inv_fail(c, "%s queue: bad link %u or a cycle", qnames[q], k);
			return -1;
		}
		const struct flue_task *t = &s->tasks[k - 1u];
		const struct flue_qlink *l = qlink(t, q);
		if (l->prev != (q == Q_SET ? 0u : prev) || !belongs(s, t, q, inst, set)) {
			(void)flue_inv_fail(c, "%s queue: task %u misplaced (prev %u/%u, cond %u, stamp %u)",
				   qnames[q], k - 1u, l->prev, prev, t->cond, t->ready_stamp);
			return -1;
		}
		const struct flue_task *p = prev != 0u ? &s->tasks[prev - 1u] : NULL;
		bool ordered = p == NULL || q == Q_SET || q == Q_ARMED ||
			       (q == Q_READY ? serial_lt(p->ready_stamp, t->ready_stamp)
					     : p->wait_seq < t->wait_seq);
		if (!ordered) {
			(void)flue_inv_fail(c, "%s queue: task %u out of order after task %u", qnames[q],
				   k - 1u, prev - 1u);
			return -1;
		}
		prev = k;
		k = l->next;
	}
	if (tail != NULL && *tail != prev) {
		(void)flue_inv_fail(c, "%s queue: tail %u, last %u", qnames[q], *tail, prev);
		return -1;
	}
	return n;
}

/* The condition of parked WOKEN / SET task `t`, with its instance's lock
 * as the conditions last saw it (`lock_held`); `lock_only`: what holds
 * apart from the lock (parked callback turns only). */
static bool holds(const struct flue_store *s, const struct flue_task *t, bool lock_held,
		  bool *lock_only)
{
	const struct flue_instance *x = t->func->inst;
	bool event = t->arg < x->len && x->handles[t->arg].kind == FLUE_H_WAITABLE_SET &&
		     x->handles[t->arg].u.wset.head != 0u;
	bool pend = t->cond == FLUE_COND_WAIT &&
		    (event || t->state == FLUE_TASK_PENDING_CANCEL);
	*lock_only = t->cond == FLUE_COND_YIELD || pend;
	if (t->aborted || t->cancelled)
		return true;
	switch (t->cond) {
	case FLUE_COND_YIELD:
	case FLUE_COND_WAIT:
		return *lock_only && !lock_held;
	case FLUE_COND_SUBTASK:
		return s->tasks[t->arg].sub_state >= FLUE_SUBTASK_RETURNED;
	default: /* READY */
		return true;
	}
}

/* A task nothing woke has the stamp its condition gives, and is armed
 * exactly if only the lock keeps it from being ready. */
static bool check_wake(struct flue_inv_ctx *c, const struct flue_store *s, uint32_t id)
{
	const struct flue_task *t = &s->tasks[id];
	enum kind k = kind_of(t->cond);
	if (parked(t) && (t->wait_seq == 0u || t->wait_seq > s->sched.wait_clock))
		return flue_inv_fail(c, "task %u: wait_seq %llu, clock %llu", id,
			    (unsigned long long)t->wait_seq,
			    (unsigned long long)s->sched.wait_clock);
	if (!t->used || (k != K_WOKEN && k != K_SET)) {
		if (t->used && (t->woken || t->armed))
			return flue_inv_fail(c, "task %u: cond %u woken %d armed %d", id, t->cond, t->woken,
				    t->armed);
		return true;
	}
	if (t->woken)
		return true;
	bool lo = false;
	bool h = holds(s, t, s->sched.lock[t->func->inst->id].held, &lo);
	if (h != (t->ready_stamp != 0u))
		return flue_inv_fail(c, "task %u (cond %u, state %u): %s, yet its condition %s and "
			    "nothing woke it (missed wake)", id, t->cond, t->state,
			    t->ready_stamp != 0u ? "ready" : "not ready", h ? "holds" : "does not");
	if (t->armed != (lo && !h))
		return flue_inv_fail(c, "task %u (cond %u): armed %d, lock_only %d, ready %d", id, t->cond,
			    t->armed, lo, h);
	return true;
}

/* Each instance's lock as the conditions saw it: listed in `turned` iff
 * marked so, else (a live instance's) as it is. */
static bool check_locks(struct flue_inv_ctx *c, const struct flue_store *s)
{
	const struct flue_sched *q = &s->sched;
	uint32_t marked = 0;
	if (q->nturned > FLUE_CONFIG_MAX_INSTANCES)
		return flue_inv_fail(c, "nturned %u", q->nturned);
	for (uint32_t k = 0; k < FLUE_CONFIG_MAX_INSTANCES; k++) {
		const struct flue_sched_lock *lk = &q->lock[k];
		bool held = s->instances[k].exclusive != FLUE_TASK_NONE;
		uint32_t listed = 0;
		for (uint32_t j = 0; j < q->nturned; j++)
			listed += q->turned[j] == k;
		marked += lk->turned;
		if (listed != (lk->turned ? 1u : 0u))
			return flue_inv_fail(c, "inst %u: turned %d, listed %u times", k, lk->turned, listed);
		if (s->instances[k].live && !lk->turned && lk->held != held)
			return flue_inv_fail(c, "inst %u: lock %s, seen %s, not marked turned", k,
				    held ? "held" : "free", lk->held ? "held" : "free");
	}
	if (marked != q->nturned)
		return flue_inv_fail(c, "%u locks marked turned, %u listed", marked, q->nturned);
	return true;
}

/* The lists of the instances' sets and armed tasks hold what they should:
 * returns the WAIT tasks and armed tasks found, or false. */
static bool check_owned(struct flue_inv_ctx *c, const struct flue_store *s, uint32_t *nset,
			uint32_t *narmed)
{
	for (uint32_t k = 0; k < FLUE_CONFIG_MAX_INSTANCES; k++) {
		const struct flue_instance *in = &s->instances[k];
		const struct flue_qhead *ah = &s->sched.lock[k].armed;
		int32_t a = walk(c, s, ah->head, &ah->tail, Q_ARMED, k, 0);
		if (a < 0)
			return false;
		*narmed += (uint32_t)a;
		for (uint32_t si = 1; in->live && si < in->len; si++) {
			if (in->handles[si].kind != FLUE_H_WAITABLE_SET)
				continue;
			int32_t n = walk(c, s, in->handles[si].u.wset.parked, NULL, Q_SET, k, si);
			if (n < 0)
				return false;
			*nset += (uint32_t)n;
		}
	}
	return true;
}

bool flue_invariants_sched(const struct flue_store *s, char *msg, size_t msgsz)
{
	struct flue_inv_ctx c = { msg, msgsz };
	uint32_t nparked = 0, host = 0, polled = 0, woken = 0, stamped = 0, wait = 0, armed = 0;
	for (uint32_t id = 0; id < FLUE_CONFIG_MAX_TASKS; id++) {
		const struct flue_task *t = &s->tasks[id];
		if (!check_wake(&c, s, id))
			return false;
		if (!t->used || t->cond == FLUE_COND_NONE)
			continue;
		nparked++;
		host += t->cond == FLUE_COND_HOST;
		polled += kind_of(t->cond) == K_POLLED;
		woken += t->woken;
		stamped += parked(t) && t->ready_stamp != 0u;
		wait += t->cond == FLUE_COND_WAIT;
		armed += t->armed;
	}
	const struct flue_sched *q = &s->sched;
	int32_t np = walk(&c, s, q->pollq.head, &q->pollq.tail, Q_POLL, 0, 0);
	int32_t nw = np < 0 ? -1 : walk(&c, s, q->wakeq.head, &q->wakeq.tail, Q_WAKE, 0, 0);
	int32_t nr = nw < 0 ? -1 : walk(&c, s, q->readyq.head, &q->readyq.tail, Q_READY, 0, 0);
	uint32_t nset = 0, narmed = 0;
	if (nr < 0 || !check_owned(&c, s, &nset, &narmed) || !check_locks(&c, s))
		return false;
	if ((uint32_t)np != polled || (uint32_t)nw != woken || (uint32_t)nr != stamped ||
	    s->sched.nparked != nparked || s->sched.nhost != host)
		return flue_inv_fail(&c, "queues: poll %d/%u wake %d/%u ready %d/%u parked %u/%u host %u/%u",
			    np, polled, nw, woken, nr, stamped, s->sched.nparked, nparked,
			    s->sched.nhost, host);
	if (nset != wait || narmed != armed)
		return flue_inv_fail(&c, "lists: %u of %u WAIT tasks on their sets, %u of %u armed listed",
			    nset, wait, narmed, armed);
	return true;
}
