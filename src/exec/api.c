/*
 * Entry points: invoke and its cancellation, canon lower and lowered
 * calls, host-function resolution (also posted from other threads), and
 * Task.request_cancellation.
 */
#include <flue/channel.h>

#include "exec.h"

/* The task record of call id `call`: a record in use whose generation is
 * the id's, else NULL (a free slot or a stale id). */
static struct flue_task *call_task(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = flue_task_get(s, flue_call_slot(call));
	if (t == 0 || t->gen != flue_call_gen(call))
		return 0;
	return t;
}

static flue_call_t call_id(struct flue_store *s, uint16_t slot)
{
	return flue_call_make(slot, s->tasks[slot].gen);
}

static bool has_ends(const struct flue_valtype *ts, uint32_t nts)
{
	struct flue_leaf l[FLUE_CONFIG_MAX_VALUES];
	uint32_t n = flue_values_leaves(ts, nts, l);
	for (uint32_t k = 0; k < n; k++)
		if (flue_values_is_end(l[k].kind))
			return true;
	return false;
}

/* An invocation the host can never make good: params but no on_start to
 * supply them, ends in the params but no host instance to take them from,
 * a host of another store. Refused before anything starts. (Ends in the
 * result without a host are dropped when it arrives: host_put.) */
static bool invoke_ok(const struct flue_func *f, const struct flue_instance *host,
		      flue_on_start_fn on_start, flue_on_resolve_fn on_resolve)
{
	if (f == 0 || f->ft == 0 || f->inst == 0 || on_resolve == 0)
		return false;
	const struct flue_functype *ft = f->ft;
	if (on_start == 0 && flue_functype_leaves(ft, false) != 0u)
		return false;
	if (host != 0 && host->store != f->inst->store)
		return false;
	return host != 0 || !has_ends(ft->params, ft->nparams);
}

/* A call arrives at its callee (the entry gate of Task.enter_implicit_thread). */
static void arrive(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	struct flue_instance *x = t->func->inst;
	if (!exec_callee_live(t->func)) {
		/* Lockdown: a trapped or destroyed instance is never entered
		 * again. The call resolves without a value before it starts
		 * (the caller's subtask: CANCELLED_BEFORE_STARTED). */
		exec_resolve(s, id, 0);
		t->thread_done = true;
		t->callee_done = true;
		exec_release(s, id);
		return;
	}
	if (!exec_is_host(t) && t->func->ft->async) {
		struct flue_gate_view v = {
			true, exec_needs_exclusive(t), x->backpressure,
			x->exclusive != FLUE_TASK_NONE, x->waiting_to_enter,
		};
		if (flue_gate_arrive_decide(v) == FLUE_GATE_HOLD) {
			/* Held in STARTING: no guest code runs, nothing is lifted. */
			x->waiting_to_enter++;
			t->cancellable = true;
			exec_park(s, t, FLUE_COND_GATE);
			return;
		}
	}
	exec_start_thread(s, id);
}

int flue_invoke(struct flue_func *f, struct flue_instance *host, flue_on_start_fn on_start,
		flue_on_resolve_fn on_resolve, void *user, flue_call_t *call)
{
	if (call == 0 || !invoke_ok(f, host, on_start, on_resolve))
		return FLUE_EINVAL;
	struct flue_store *s = f->inst->store;
	if (!exec_callee_live(f)) {
		/* Lockdown: resolved at once without a value, no guest code. */
		*call = FLUE_CALL_NONE;
		on_resolve(user, 0);
		return FLUE_OK;
	}
	uint16_t id = flue_task_alloc(s);
	if (id == FLUE_TASK_NONE)
		return FLUE_ENOMEM;
	struct flue_task *t = &s->tasks[id];
	t->origin = FLUE_ORIGIN_INVOKE;
	t->func = f;
	t->host = host;
	t->on_start = on_start;
	t->on_resolve = on_resolve;
	t->user = user;
	*call = call_id(s, id);
	exec_arrive_sync(s, id, arrive);
	return FLUE_OK;
}

int flue_invoke_post(struct flue_func *f, struct flue_instance *host, flue_on_start_fn on_start,
		     flue_on_resolve_fn on_resolve, void *user, uint32_t *ticket)
{
	if (!invoke_ok(f, host, on_start, on_resolve))
		return FLUE_EINVAL;
	struct flue_store *s = f->inst->store;
	int rc = FLUE_OK;
	flue_port_key_t k = flue_port_lock();
	if (s->sched.inv_count >= FLUE_CONFIG_MAX_TASKS) {
		rc = FLUE_EBUSY;
	} else {
		uint32_t i = ((uint32_t)s->sched.inv_head + s->sched.inv_count) %
			     FLUE_CONFIG_MAX_TASKS;
		if (++s->sched.next_ticket == 0u)
			s->sched.next_ticket = 1u; /* 0 means none */
		struct flue_posted_invoke p = { f, host, on_start, on_resolve, user,
						s->sched.next_ticket, false };
		s->sched.inv[i] = p;
		s->sched.inv_count++;
		if (ticket != 0)
			*ticket = p.ticket;
	}
	flue_port_unlock(k);
	if (rc == FLUE_OK) {
		flue_port_flag_raise(&s->sched.inv_flag);
		flue_port_wake();
	}
	return rc;
}

struct blocking_call {
	flue_port_sem_t sem;
	const struct flue_values *args;
	struct flue_values *results;
	bool has_value;
};

static void blocking_on_start(void *user, struct flue_values *args)
{
	struct blocking_call *b = user;
	if (b->args != 0)
		*args = *b->args;
}

/* Runs on the executor thread; the semaphore hands the results over. */
static void blocking_on_resolve(void *user, const struct flue_values *r)
{
	struct blocking_call *b = user;
	b->has_value = r != 0;
	if (r != 0 && b->results != 0)
		*b->results = *r;
	flue_port_sem_give(&b->sem);
}

int flue_invoke_blocking(struct flue_func *f, struct flue_instance *host,
			 const struct flue_values *args, struct flue_values *results)
{
	struct blocking_call b = { .args = args, .results = results };
	flue_port_sem_init(&b.sem);
	int rc = flue_invoke_post(f, host, blocking_on_start, blocking_on_resolve, &b, 0);
	if (rc == FLUE_OK) {
		flue_port_sem_take(&b.sem);
		rc = b.has_value ? FLUE_OK : FLUE_ECANCELED;
	}
	flue_port_sem_destroy(&b.sem);
	return rc;
}

int flue_invoke_cancel_post(struct flue_store *s, uint32_t ticket)
{
	if (ticket == 0u)
		return FLUE_EINVAL;
	int rc = FLUE_OK;
	flue_port_key_t k = flue_port_lock();
	if (s->sched.ncancel >= FLUE_CONFIG_MAX_TASKS)
		rc = FLUE_EBUSY;
	else
		s->sched.cancel_ticket[s->sched.ncancel++] = ticket;
	flue_port_unlock(k);
	if (rc == FLUE_OK) {
		flue_port_flag_raise(&s->sched.inv_flag);
		flue_port_wake();
	}
	return rc;
}

/* Posted cancellations: a queued invocation is marked (it will resolve
 * without running); a started one is cancelled like flue_invoke_cancel. */
static void apply_posted_cancels(struct flue_store *s)
{
	for (;;) {
		uint32_t ticket = 0;
		flue_port_key_t k = flue_port_lock();
		if (s->sched.ncancel > 0u) {
			ticket = s->sched.cancel_ticket[--s->sched.ncancel];
			for (uint32_t j = 0; j < s->sched.inv_count; j++) {
				struct flue_posted_invoke *p =
					&s->sched.inv[(s->sched.inv_head + j) % FLUE_CONFIG_MAX_TASKS];
				if (p->ticket == ticket) {
					p->cancelled = true;
					ticket = 0;
				}
			}
		}
		uint16_t left = s->sched.ncancel;
		flue_port_unlock(k);
		for (uint32_t i = 0; ticket != 0u && i < FLUE_CONFIG_MAX_TASKS; i++) {
			struct flue_task *t = &s->tasks[i];
			if (t->used && t->origin == FLUE_ORIGIN_INVOKE && t->ticket == ticket)
				(void)flue_invoke_cancel(s, call_id(s, (uint16_t)i));
		}
		if (left == 0u && ticket == 0u) {
			k = flue_port_lock();
			left = s->sched.ncancel;
			flue_port_unlock(k);
			if (left == 0u)
				return;
		}
	}
}

/* Start the invocations posted by other threads, oldest first (top level
 * only: an invocation does not start inside a nested loop, where its
 * instance may be on the stack), after applying posted cancellations. */
void exec_start_posted(struct flue_store *s)
{
	/* Nothing posted since the last look: no lock taken (issue 10). */
	if (!flue_port_flag_take(&s->sched.inv_flag))
		return;
	apply_posted_cancels(s);
	for (;;) {
		struct flue_posted_invoke p;
		bool have = false;
		flue_port_key_t k = flue_port_lock();
		if (s->sched.inv_count > 0u) {
			p = s->sched.inv[s->sched.inv_head];
			s->sched.inv_head = (uint16_t)((s->sched.inv_head + 1u) % FLUE_CONFIG_MAX_TASKS);
			s->sched.inv_count--;
			have = true;
		}
		flue_port_unlock(k);
		if (!have)
			return;
		flue_call_t call;
		struct flue_task *t;
		if (p.cancelled ||
		    flue_invoke(p.func, p.host, p.on_start, p.on_resolve, p.user, &call) != FLUE_OK)
			p.on_resolve(p.user, 0);
		else if ((t = call_task(s, call)) != 0 && t->origin == FLUE_ORIGIN_INVOKE)
			t->ticket = p.ticket;
	}
}

int flue_invoke_cancel(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = call_task(s, call);
	if (t == 0 || t->origin != FLUE_ORIGIN_INVOKE || t->state == FLUE_TASK_RESOLVED ||
	    t->sub_cancel_requested)
		return FLUE_EBADF;
	t->sub_cancel_requested = true;
	exec_request_cancel(s, flue_call_slot(call), false);
	return FLUE_OK;
}

int flue_lower(struct flue_lowered *l, struct flue_func *callee, struct flue_instance *caller,
	       bool async)
{
	if (l == 0 || callee == 0 || callee->ft == 0 || callee->inst == 0 || caller == 0 ||
	    callee->inst->store != caller->store)
		return FLUE_EINVAL;
	l->callee = callee;
	l->caller = caller;
	l->async = async;
	return FLUE_OK;
}

/* The caller's checks of a lowered call, in the reference's order; the
 * caller's running task. */
static struct flue_task *lowered_checks(const struct flue_lowered *l, const flue_flat_t *args,
					uint32_t nargs)
{
	struct flue_instance *c = l->caller;
	struct flue_store *s = c->store;
	const struct flue_functype *ft = l->callee->ft;
	if (c->poisoned)
		flue_trap(c, FLUE_TRAP_POISONED, 0);
	if (!c->may_leave)
		flue_trap(c, FLUE_TRAP_MAY_NOT_LEAVE, 0);
	uint32_t np = flue_flat_count(ft->params, ft->nparams);
	uint32_t nr = flue_flat_count(ft->result, ft->result != 0 ? 1u : 0u);
	uint32_t maxp = l->async ? FLUE_MAX_FLAT_ASYNC_PARAMS : FLUE_MAX_FLAT_PARAMS;
	uint32_t want = (np > maxp ? 1u : np) + (l->async ? (nr > 0u) : (nr > FLUE_MAX_FLAT_RESULTS));
	if (nargs != want || (nargs > 0u && args == 0))
		flue_trap(c, FLUE_TRAP_SIGNATURE, nargs);
	struct flue_task *ct = flue_task_get(s, s->sched.current);
	if (ct == 0 || ct->func->inst != c)
		flue_trap(c, FLUE_TRAP_NO_TASK, 0);
	return ct;
}

/* A new task record for the callee of a lowered call (traps POOL_FULL). */
static uint16_t lowered_task(const struct flue_lowered *l, uint16_t me, const flue_flat_t *args,
			     uint32_t nargs)
{
	struct flue_store *s = l->caller->store;
	uint16_t id = flue_task_alloc(s);
	if (id == FLUE_TASK_NONE)
		flue_trap(l->caller, FLUE_TRAP_POOL_FULL, 0);
	struct flue_task *t = &s->tasks[id];
	t->origin = FLUE_ORIGIN_GUEST;
	t->func = l->callee;
	t->caller_inst = l->caller->id;
	t->caller_task = me;
	t->sub_async = l->async;
	t->sub_state = FLUE_SUBTASK_STARTING;
	t->nflat = (uint8_t)nargs;
	for (uint32_t i = 0; i < nargs; i++)
		t->flat[i] = args[i];
	return id;
}

/* The caller no longer needs callee `id`'s record: its resolution is taken. */
static void lowered_done(struct flue_store *s, uint16_t id)
{
	s->tasks[id].sub_delivered = true;
	s->tasks[id].caller_done = true;
	exec_release(s, id);
}

/* Sync lower: wait for the resolution and return the flat result. */
static flue_flat_t lowered_sync_result(const struct flue_lowered *l, struct flue_task *ct,
				       uint16_t id)
{
	struct flue_instance *c = l->caller;
	struct flue_store *s = c->store;
	struct flue_task *t = &s->tasks[id];
	if (!flue_subtask_resolved(t->sub_state)) {
		ct->arg = id; /* the condition's task (exec_ready) */
		(void)exec_block(s, ct, FLUE_COND_SUBTASK, false);
		ct->arg = 0;
	}
	if (c->poisoned)
		flue_trap(c, FLUE_TRAP_POISONED, 0);
	if (t->sub_state != FLUE_SUBTASK_RETURNED)
		flue_trap(c, FLUE_TRAP_CALLEE_TRAPPED, 0);
	const struct flue_functype *ft = l->callee->ft;
	uint32_t nr = flue_flat_count(ft->result, ft->result != 0 ? 1u : 0u);
	flue_flat_t r = nr > 0u && nr <= FLUE_MAX_FLAT_RESULTS ? t->flat[0] : 0u;
	lowered_done(s, id);
	return r;
}

/* Async lower: the packed status, with a subtask handle unless the callee
 * already returned. */
static flue_flat_t lowered_async_status(struct flue_instance *c, uint16_t id)
{
	struct flue_store *s = c->store;
	struct flue_task *t = &s->tasks[id];
	if (t->sub_state == FLUE_SUBTASK_RETURNED) {
		lowered_done(s, id);
		return flue_lower_status_decide(true, FLUE_SUBTASK_RETURNED, 0);
	}
	uint32_t i = flue_table_add(c, FLUE_H_SUBTASK);
	if (i == 0)
		flue_trap(c, FLUE_TRAP_TABLE_FULL, 0);
	c->handles[i].u.sub.task = id;
	t->sub_handle = i;
	uint8_t shown = t->sub_state;
	if (flue_subtask_resolved(shown)) {
		/* The callee trapped (or was not alive) before the call returned
		 * (flue's trap policy): the caller gets a subtask whose pending
		 * event says CANCELLED_*, shown as the state it had reached. */
		flue_subtask_progress(s, id);
		shown = shown == FLUE_SUBTASK_CANCELLED_BEFORE_STARTED ? FLUE_SUBTASK_STARTING
								       : FLUE_SUBTASK_STARTED;
	}
	return flue_lower_status_decide(false, shown, i);
}

flue_flat_t flue_call_lowered(const struct flue_lowered *l, const flue_flat_t *args,
			      uint32_t nargs)
{
	struct flue_instance *c = l->caller;
	struct flue_store *s = c->store;
	struct flue_task *ct = lowered_checks(l, args, nargs);
	uint16_t me = exec_id(s, ct);
	uint16_t id = lowered_task(l, me, args, nargs);
	exec_arrive_sync(s, id, arrive);
	s->sched.current = me;
	if (c->poisoned) /* a trap of ours was unwound inside the callee's step */
		flue_trap(c, FLUE_TRAP_POISONED, 0);
	return l->async ? lowered_async_status(c, id) : lowered_sync_result(l, ct, id);
}

/* ---------------------------------------------------------- cancellation */

/* #723: the one resume of an async subtask.cancel that left the callee
 * unresolved: the cancelled task itself if it is ready, else the oldest
 * ready thread of its instance (of any task), else none. */
static void resume_one_of(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	struct flue_instance *x = t->func->inst;
	uint16_t u = exec_pick_ready_of(s, x); /* refreshes t's stamp too */
	switch (flue_cancel_resume_decide(exec_may_resume(t), u != FLUE_TASK_NONE)) {
	case FLUE_CR_TARGET:
		exec_resume(s, id, false);
		break;
	case FLUE_CR_OLDEST:
		exec_resume(s, u, false);
		break;
	case FLUE_CR_NONE:
		break;
	default: /* not a value the decision returns: a broken invariant */
		flue_trap(x, FLUE_TRAP_BAD_DECISION, 0);
	}
}

void exec_request_cancel(struct flue_store *s, uint16_t id, bool resume_one)
{
	struct flue_task *t = &s->tasks[id];
	struct flue_instance *x = t->func->inst;
	if (exec_is_host(t)) {
		/* mk_host_func's on_cancel: resume the host thread cancelled if
		 * it waits cancellably, else tell the host. */
		if (t->fiber && t->cond == FLUE_COND_FN && t->cancellable)
			exec_resume(s, id, true);
		else if (t->func->host_cancel != 0)
			t->func->host_cancel(t->func->host_user, flue_call_make(id, t->gen));
		return;
	}
	switch (flue_cancel_request_decide(t->state)) {
	case FLUE_CANCEL_BEFORE_START:
		/* Held at the entry gate: the cancellation is delivered there
		 * and the task resolves without running guest code. */
		t->state = FLUE_TASK_CANCEL_DELIVERED;
		if (t->cond == FLUE_COND_GATE) {
			x->waiting_to_enter--;
			exec_unpark(s, t);
		}
		exec_resolve(s, id, 0); /* task.cancel of the held call */
		t->thread_done = true;
		t->callee_done = true;
		exec_release(s, id);
		break;
	case FLUE_CANCEL_PEND:
		/* #716: only marked; its callback event loop delivers it. */
		t->state = FLUE_TASK_PENDING_CANCEL;
		if (resume_one)
			resume_one_of(s, id);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------ host functions */

/* A live, unresolved host call of this generation, or NULL. */
static struct flue_task *host_call(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = call_task(s, call);
	if (t == 0 || !exec_is_host(t) || t->state == FLUE_TASK_RESOLVED)
		return 0;
	return t;
}

struct resolve_args {
	struct flue_store *s;
	uint16_t id;
	const struct flue_values *v;
};

static void resolve_body(void *arg)
{
	struct resolve_args *a = arg;
	exec_resolve(a->s, a->id, a->v);
}

/* Resolve from outside guest code: a trap of the caller while its results
 * are lowered unwinds to here. */
static void resolve_guarded(struct flue_store *s, uint16_t id, const struct flue_values *v)
{
	struct resolve_args a = { s, id, v };
	if (s->tasks[id].fiber && s->sched.current == id) {
		resolve_body(&a); /* on the host's own fiber, inside its guest frame */
		return;
	}
	if (!exec_guest(s, resolve_body, &a)) {
		/* The caller trapped while its results were lowered (and is
		 * cut off now): the call is resolved all the same, or it would
		 * stay pending forever (fuzz finding). */
		struct flue_task *t = &s->tasks[id];
		t->state = FLUE_TASK_RESOLVED;
		if (t->thread_done) {
			exec_unpark(s, t);
			t->callee_done = true;
		}
	}
	exec_release(s, id);
}

int flue_host_return(struct flue_store *s, flue_call_t call, const struct flue_values *results)
{
	struct flue_task *t = host_call(s, call);
	if (t == 0)
		return FLUE_EBADF;
	const struct flue_functype *ft = t->func->ft;
	if (results == 0 || results->n > FLUE_CONFIG_MAX_VALUES)
		return FLUE_EINVAL;
	/* Host ends leave the host table only if every one of them (kind,
	 * element type, idle, not in a set, not named twice) and the count
	 * are right: a refused result leaves the host's table as it was. */
	struct flue_values v = *results;
	if (!exec_host_take(t->func->inst, ft->result, ft->result != 0 ? 1u : 0u, &v))
		return FLUE_EINVAL;
	resolve_guarded(s, flue_call_slot(call), &v);
	return FLUE_OK;
}

int flue_host_cancelled(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = host_call(s, call);
	if (t == 0)
		return FLUE_EBADF;
	if (!t->sub_cancel_requested)
		return FLUE_EPERM;
	resolve_guarded(s, flue_call_slot(call), 0);
	return FLUE_OK;
}

/* Under the port lock: is host call `call` open for this post? Only the
 * post fields of the record are read (they belong to the lock); the
 * executor opened them for the call's generation and closes them when it
 * resolves, so a stale id or a finished call is answered here. */
static int post_check(const struct flue_task *t, flue_call_t call, uint32_t n)
{
	if (t->post.state == FLUE_POST_CLOSED || t->post.gen != flue_call_gen(call))
		return FLUE_EBADF;
	if (t->post.ends || n != t->post.nv)
		return FLUE_EINVAL;
	return t->post.state == FLUE_POST_OPEN ? FLUE_OK : FLUE_EBUSY;
}

int flue_host_post_return(struct flue_store *s, flue_call_t call, const struct flue_values *results)
{
	if (s == 0 || results == 0 || results->n > FLUE_CONFIG_MAX_VALUES)
		return FLUE_EINVAL;
	if (flue_call_slot(call) >= FLUE_CONFIG_MAX_TASKS)
		return FLUE_EBADF;
	struct flue_task *t = &s->tasks[flue_call_slot(call)];
	flue_port_key_t k = flue_port_lock();
	int rc = post_check(t, call, results->n);
	if (rc == FLUE_OK) {
		for (uint32_t i = 0; i < results->n; i++)
			t->post.v[i] = results->v[i];
		t->post.state = FLUE_POST_FULL;
		s->sched.posted++;
	}
	flue_port_unlock(k);
	if (rc == FLUE_OK) {
		flue_port_flag_raise(&s->sched.post_flag);
		flue_port_wake();
	}
	return rc;
}

/* Take the pending post of slot `i`, if any (port lock): it stops counting
 * as pending and further posts are EBUSY until the call resolves. */
static bool post_take(struct flue_store *s, uint16_t i, struct flue_values *v, uint16_t *gen)
{
	bool have = false;
	flue_port_key_t k = flue_port_lock();
	struct flue_task *t = &s->tasks[i];
	if (t->post.state == FLUE_POST_FULL) {
		t->post.state = FLUE_POST_TAKEN;
		s->sched.posted--;
		v->n = t->post.nv;
		for (uint32_t j = 0; j < v->n; j++)
			v->v[j] = t->post.v[j];
		*gen = t->post.gen;
		have = true;
	}
	flue_port_unlock(k);
	return have;
}

void exec_apply_posted(struct flue_store *s)
{
	/* Driver channels first: data an ISR sent since the last look
	 * completes parked guest ops now, at top level and in nested loops. */
	flue_store_pump(s);
	/* Nothing posted since the last look: no lock taken (issue 10). */
	if (!flue_port_flag_take(&s->sched.post_flag))
		return;
	flue_port_key_t k0 = flue_port_lock();
	uint32_t n = s->sched.posted;
	flue_port_unlock(k0);
	if (n == 0u)
		return;
	for (uint16_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		struct flue_values v;
		uint16_t gen = 0;
		if (!post_take(s, i, &v, &gen))
			continue;
		/* Checked when posted (open call of this generation, count, no
		 * ends) and the call cannot have resolved since (that closes
		 * the post), so this resolves it and closes the post. */
		if (flue_host_return(s, flue_call_make(i, gen), &v) != FLUE_OK) {
			flue_port_key_t k = flue_port_lock();
			if (s->tasks[i].post.state == FLUE_POST_TAKEN)
				s->tasks[i].post.state = FLUE_POST_OPEN;
			flue_port_unlock(k);
		}
	}
}
