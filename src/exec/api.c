/*
 * The public entry points of calls: flue_invoke and its cancellation,
 * canon lower and lowered calls (with the entry gate a call arrives at),
 * and Task.request_cancellation with the resume of an async
 * subtask.cancel (#723). Calls sched.c, call.c, resolve.c, queue.c.
 */
#include "thread.h"
#include "../obj/resource.h"

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
 * result without a host are dropped when it arrives: exec_host_put.) */
bool exec_invoke_ok(const struct flue_func *f, const struct flue_instance *host,
		      flue_on_start_fn on_start, flue_on_resolve_fn on_resolve)
{
	if (f == 0 || f->ft == 0 || f->inst == 0 || on_resolve == 0)
		return false;
	const struct flue_functype *ft = f->ft;
	if (on_start == 0 && flue_functype_leaves(ft, false) != 0u)
		return false;
	if (host != 0 && host->store != f->inst->store)
		return false;
	if (ft->graph != 0)
		return false; /* host values of graph types: not yet */
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
		exec_thread(s, t, FLUE_THREAD_EV_DISCARD, FLUE_COND_NONE);
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
			exec_thread(s, t, FLUE_THREAD_EV_HOLD, FLUE_COND_GATE);
			return;
		}
	}
	exec_start_thread(s, id);
}

/* An invocation's callbacks: the first form's, or a graph type's. */
struct invocation {
	flue_on_start_fn on_start;
	flue_on_resolve_fn on_resolve;
	flue_on_resolve_vals_fn on_resolve_vals; /* set: a graph type */
	uint32_t args_ptr;
	void *user;
};

/* Start invocation `v` of f (checked by the caller). */
static int invoke(struct flue_func *f, struct flue_instance *host, const struct invocation *v,
		  flue_call_t *call)
{
	struct flue_store *s = f->inst->store;
	if (!exec_callee_live(f)) {
		/* Lockdown: resolved at once without a value, no guest code. */
		*call = FLUE_CALL_NONE;
		if (v->on_resolve_vals != 0)
			v->on_resolve_vals(v->user, 0);
		else
			v->on_resolve(v->user, 0);
		return FLUE_OK;
	}
	uint16_t id = flue_task_alloc(s);
	if (id == FLUE_TASK_NONE)
		return FLUE_ENOMEM;
	struct flue_task *t = &s->tasks[id];
	t->origin = FLUE_ORIGIN_INVOKE;
	t->func = f;
	t->host = host;
	t->on_start = v->on_start;
	t->on_resolve = v->on_resolve;
	t->on_resolve_vals = v->on_resolve_vals;
	t->args_ptr = v->args_ptr;
	t->user = v->user;
	*call = exec_call_id(s, id);
	exec_arrive_sync(s, id, arrive);
	return FLUE_OK;
}

int flue_invoke(struct flue_func *f, struct flue_instance *host, flue_on_start_fn on_start,
		flue_on_resolve_fn on_resolve, void *user, flue_call_t *call)
{
	if (f != 0 && f->ft != 0 && f->ft->graph != 0)
		return FLUE_ENOTSUP; /* graph types: flue_invoke_vals */
	if (call == 0 || !exec_invoke_ok(f, host, on_start, on_resolve))
		return FLUE_EINVAL;
	struct invocation v = { on_start, on_resolve, 0, 0, user };
	return invoke(f, host, &v, call);
}

int flue_invoke_vals(struct flue_func *f, struct flue_instance *host, uint32_t args_ptr,
		     flue_on_resolve_vals_fn on_resolve, void *user, flue_call_t *call)
{
	if (f == 0 || f->ft == 0 || f->ft->graph == 0 || f->inst == 0 || f->host_start != 0 ||
	    host == 0 || host->host_data == 0 || host->store != f->inst->store ||
	    on_resolve == 0 || call == 0)
		return FLUE_EINVAL;
	struct invocation v = { 0, 0, on_resolve, args_ptr, user };
	return invoke(f, host, &v, call);
}

int flue_invoke_cancel(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = exec_call_task(s, call);
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
	*l = (struct flue_lowered){ .callee = callee, .caller = caller, .async = async };
	return FLUE_OK;
}

/* resource.drop's destructor: the reference lowers it into the dropping
 * instance and calls it (sync), which is what this does. */
void exec_call_dtor(struct flue_instance *inst, struct flue_func *dtor, uint32_t rep)
{
	struct flue_lowered l;
	(void)flue_lower(&l, dtor, inst, false);
	flue_flat_t a = rep;
	(void)flue_call_lowered(&l, &a, 1);
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
	if (l->string_encoding > FLUE_STRING_LATIN1_UTF16) /* the embedder's options */
		flue_trap(c, FLUE_TRAP_BAD_VALUE, l->string_encoding);
	uint32_t np = flue_functype_flat(ft, false);
	uint32_t nr = flue_functype_flat(ft, true);
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
	t->lowered = l;
	t->sub_async = l->async;
	t->sub_state = FLUE_SUBTASK_STARTING;
	t->out = nargs != 0u ? (uint32_t)args[nargs - 1u] : 0u;
	if (l->async) {
		/* The caller goes on: its params are copied (an out pointer
		 * after them is `out`; more params go through one pointer). */
		uint32_t n = nargs < FLUE_MAX_FLAT_ASYNC_PARAMS ? nargs : FLUE_MAX_FLAT_ASYNC_PARAMS;
		for (uint32_t i = 0; i < n; i++)
			t->args[i] = args[i];
		t->nflat = (uint8_t)n;
	} else {
		/* The caller waits in flue_call_lowered() until the call
		 * resolves; a callee that has not started by then never will
		 * (its caller trapped: discarded at the gate). */
		t->args_ref = args;
		t->nflat = (uint8_t)nargs;
	}
	return id;
}

/* The caller no longer needs callee `id`'s record: its resolution is taken. */
static void lowered_done(struct flue_store *s, uint16_t id)
{
	s->tasks[id].sub_delivered = true;
	flue_lends_release(s, id); /* Subtask.deliver_resolve */
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
	uint32_t nr = flue_functype_flat(ft, true);
	flue_flat_t r = nr > 0u && nr <= FLUE_MAX_FLAT_RESULTS ? t->result : 0u;
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
		 * it waits cancellably on its fiber, else tell the host. */
		if (t->thread == FLUE_THREAD_SUSPENDED && t->cond == FLUE_COND_FN &&
		    t->cancellable)
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
		if (t->thread == FLUE_THREAD_GATE) {
			x->waiting_to_enter--;
			exec_thread(s, t, FLUE_THREAD_EV_UNHOLD, FLUE_COND_NONE);
		}
		exec_resolve(s, id, 0); /* task.cancel of the held call */
		exec_thread(s, t, FLUE_THREAD_EV_DISCARD, FLUE_COND_NONE);
		exec_release(s, id);
		break;
	case FLUE_CANCEL_PEND:
		/* #716: only marked; its callback event loop delivers it. */
		t->state = FLUE_TASK_PENDING_CANCEL;
		exec_wake(s, t); /* a WAIT on an empty set may run now (#707) */
		if (resume_one)
			resume_one_of(s, id);
		break;
	default:
		break;
	}
}

