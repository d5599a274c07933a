/*
 * Calls: canon lift (sync, callback, stackful), canon lower (sync, async),
 * Store.invoke, host functions; a task's thread from the entry gate to its
 * exit; resolution (task.return / task.cancel / sync results) and
 * the callback loop's delivery of cancellations (definitions.py @ 14087d73:
 * canon_lift, canon_lower, Task, Subtask, WaitableSet.wait_from_callback,
 * mk_host_func).
 */
#include "exec.h"
#include "../abi/abi.h"

/* -------------------------------------------------------- lift, host func */

static void count_flat(struct flue_func *f)
{
	const struct flue_functype *ft = f->ft;
	uint32_t np = flue_flat_count(ft->params, ft->nparams);
	uint32_t nr = flue_flat_count(ft->result, ft->result != 0 ? 1u : 0u);
	f->params_in_memory = np > FLUE_MAX_FLAT_PARAMS;
	f->results_in_memory = nr > FLUE_MAX_FLAT_RESULTS;
	f->nflat_params = (uint8_t)(f->params_in_memory ? 1u : np);
	f->nflat_results = (uint8_t)(f->results_in_memory ? 1u : nr);
}

int flue_lift(struct flue_func *f, struct flue_instance *inst, const struct flue_functype *ft,
	      const struct flue_lift_opts *o)
{
	if (f == 0 || inst == 0 || o == 0 || o->core == 0 || o->kind > FLUE_LIFT_STACKFUL ||
	    flue_functype_check(inst->store, ft) != FLUE_OK)
		return FLUE_EINVAL;
	if ((o->kind == FLUE_LIFT_CALLBACK) != (o->callback != 0))
		return FLUE_EINVAL;
	/* A callback loop needs the exclusive lock, which only async function
	 * types have (the reference asserts needs_exclusive there). Stackful
	 * lifts and async lowers of non-async types run as in the reference
	 * code, whose tests use them (CanonicalABI.md's validation would
	 * reject them: CONFORMANCE.md). */
	if (o->kind == FLUE_LIFT_CALLBACK && !ft->async)
		return FLUE_EINVAL;
	if (o->post_return != 0 && o->kind != FLUE_LIFT_SYNC)
		return FLUE_EINVAL;
	if (o->kind == FLUE_LIFT_STACKFUL && !flue_port_fiber_supported())
		return FLUE_ENOTSUP;
	struct flue_func nf = { .ft = ft, .inst = inst, .inst_gen = inst->gen, .opts = *o };
	*f = nf;
	count_flat(f);
	if (f->params_in_memory && o->realloc == 0) {
		f->ft = 0;
		return FLUE_EINVAL;
	}
	exec_install(inst->store);
	return FLUE_OK;
}

int flue_host_func(struct flue_func *f, struct flue_instance *host,
		   const struct flue_functype *ft, flue_host_start_fn start,
		   flue_host_cancel_fn cancel, void *user)
{
	/* A live host instance only: a destroyed one's slot may hold another
	 * instance later, and a guest instance has no arena for host values. */
	if (f == 0 || !flue_instance_ok(host) || host->host_data == 0 || start == 0 ||
	    flue_functype_check(host->store, ft) != FLUE_OK)
		return FLUE_EINVAL;
	struct flue_func nf = { .ft = ft, .inst = host, .inst_gen = host->gen,
				.host_start = start, .host_cancel = cancel, .host_user = user };
	*f = nf;
	count_flat(f);
	exec_install(host->store);
	return FLUE_OK;
}

/* --------------------------------------------------------- host values */

/* Component values <-> host values: ends are handles of the host instance.
 * Host values come from the host (invocation arguments, host-function
 * results): a bad one is the host's mistake, so every end is checked
 * before any is taken and nothing changes unless all pass. Returns false
 * then (the caller reports a host error; nobody traps). A handle named
 * twice would be gone at its second take, so it fails too. */
bool exec_host_take(struct flue_instance *host, const struct flue_valtype *ts, uint32_t nts,
		    struct flue_values *v)
{
	struct flue_leaf l[FLUE_CONFIG_MAX_VALUES];
	uint32_t n = flue_values_leaves(ts, nts, l);
	if (v->n != n)
		return false;
	for (uint32_t k = 0; k < n; k++) {
		if (!flue_values_is_end(l[k].kind))
			continue;
		if (host == 0 || v->v[k] > UINT32_MAX ||
		    flue_values_check_end(host, l[k].kind, l[k].elem, (uint32_t)v->v[k]) != 0)
			return false;
		for (uint32_t j = 0; j < k; j++)
			if (flue_values_is_end(l[j].kind) && v->v[j] == v->v[k])
				return false;
	}
	for (uint32_t k = 0; k < n; k++) {
		uint16_t si = 0;
		if (!flue_values_is_end(l[k].kind))
			continue;
		(void)flue_values_take_end(host, l[k].kind, l[k].elem, (uint32_t)v->v[k], &si);
		v->v[k] = si;
	}
	return true;
}

static void host_put(struct flue_store *s, struct flue_instance *host,
		     const struct flue_valtype *ts, uint32_t nts, struct flue_values *v)
{
	struct flue_leaf l[FLUE_CONFIG_MAX_VALUES];
	uint32_t n = flue_values_leaves(ts, nts, l);
	for (uint32_t k = 0; k < n; k++) {
		if (!flue_values_is_end(l[k].kind))
			continue;
		uint16_t si = (uint16_t)v->v[k];
		uint32_t h = host != 0 ? flue_values_put_end(host, l[k].kind, si) : 0u;
		if (h == 0) /* nobody to receive it (an invocation without a host,
			       or its table is full): dropped, not leaked */
			flue_shared_discard_transit(s, si);
		v->v[k] = h;
	}
}

static void discard_ends(struct flue_store *s, const struct flue_valtype *ts, uint32_t nts,
			 const struct flue_values *v)
{
	struct flue_leaf l[FLUE_CONFIG_MAX_VALUES];
	uint32_t n = flue_values_leaves(ts, nts, l);
	for (uint32_t k = 0; k < n; k++)
		if (flue_values_is_end(l[k].kind))
			flue_shared_discard_transit(s, (uint16_t)v->v[k]);
}

/* ------------------------------------------------------------- resolving */

static uint32_t nresults(const struct flue_functype *ft)
{
	return ft->result != 0 ? 1u : 0u;
}

struct lower_args {
	struct flue_instance *dst;
	const struct flue_valtype *ts;
	uint32_t nts, max;
	const struct flue_values *v;
	flue_flat_t *flat;
	uint32_t *nflat;
	const uint32_t *out;
	uint32_t (*alloc)(void *ctx, uint32_t align, uint32_t size);
	void *ctx;
};

static void lower_body(void *arg)
{
	struct lower_args *a = arg;
	flue_values_lower(a->dst, a->ts, a->nts, a->max, a->v, a->flat, a->nflat, a->out,
			  a->alloc, a->ctx);
}

/* flue_values_lower(), but when it traps `dst` (before any end is added:
 * bad pointer, table full) the ends still in transit have no owner any
 * more: drop them, then go on unwinding (fuzz finding: they leaked). */
static void lower_values(struct lower_args *a)
{
	if (flue_port_try(lower_body, a) != 0) {
		discard_ends(a->dst->store, a->ts, a->nts, a->v);
		flue_port_unwind();
	}
}

/* Host posts for host call `t` (flue_host_post_return) are accepted from
 * now on: opened before `start` runs, since start may hand the id to a
 * thread that posts at once. What a post must carry is fixed here, under
 * the lock, so the poster can be answered honestly there. */
static void post_open(struct flue_task *t)
{
	const struct flue_functype *ft = t->func->ft;
	struct flue_leaf l[FLUE_CONFIG_MAX_VALUES];
	uint32_t n = flue_values_leaves(ft->result, nresults(ft), l);
	bool ends = false;
	for (uint32_t k = 0; k < n; k++)
		ends = ends || flue_values_is_end(l[k].kind);
	flue_port_key_t key = flue_port_lock();
	t->post.state = FLUE_POST_OPEN;
	t->post.gen = t->gen;
	t->post.nv = (uint8_t)n;
	t->post.ends = ends;
	flue_port_unlock(key);
}

/* The host call resolves (by whatever path: return, post, cancellation,
 * abort, destroy): no post is accepted any more, and one still pending is
 * dropped in the same critical section, so sched.posted counts exactly
 * the posts that can still apply. */
static void post_close(struct flue_store *s, struct flue_task *t)
{
	flue_port_key_t key = flue_port_lock();
	if (t->post.state == FLUE_POST_FULL)
		s->sched.posted--;
	t->post.state = FLUE_POST_CLOSED;
	flue_port_unlock(key);
}

void exec_resolve(struct flue_store *s, uint16_t id, const struct flue_values *v)
{
	struct flue_task *t = &s->tasks[id];
	const struct flue_functype *ft = t->func->ft;
	if (exec_is_host(t))
		post_close(s, t);
	if (t->origin == FLUE_ORIGIN_INVOKE) {
		if (v != 0) {
			struct flue_values hv = *v;
			host_put(s, t->host, ft->result, nresults(ft), &hv);
			t->on_resolve(t->user, &hv);
		} else {
			t->on_resolve(t->user, 0);
		}
		t->caller_done = true;
	} else if (t->caller_done || s->instances[t->caller_inst].poisoned) {
		if (v != 0)
			discard_ends(s, ft->result, nresults(ft), v);
	} else {
		struct flue_instance *c = &s->instances[t->caller_inst];
		if (v != 0) {
			/* Lowered into the caller now (its memory, its table): sync
			 * results flat or through the out pointer, async ones always
			 * through the out pointer (max_flat_results = 0). */
			uint32_t nf = 0, out = (uint32_t)t->flat[t->nflat - (t->nflat != 0)];
			uint32_t max = t->sub_async ? 0u : FLUE_MAX_FLAT_RESULTS;
			flue_flat_t res = 0;
			struct lower_args la = { c, ft->result, nresults(ft), max, v, &res, &nf,
						 &out, 0, 0 };
			lower_values(&la);
			t->flat[0] = res;
		}
		t->sub_state = flue_subtask_resolve_decide(t->sub_state, v != 0);
		flue_subtask_progress(s, id);
	}
	t->state = FLUE_TASK_RESOLVED;
	if (exec_is_host(t) && t->thread_done) {
		exec_unpark(s, t);
		t->callee_done = true;
	}
}

/* --------------------------------------------------------------- threads */

static void release_exclusive(struct flue_instance *x, struct flue_task *t)
{
	if (t->exclusive) {
		x->exclusive = FLUE_TASK_NONE;
		t->exclusive = false;
	}
}

/* The task's thread is finished (returned, or unwound by a trap). */
static void exit_thread(struct flue_store *s, struct flue_task *t)
{
	release_exclusive(t->func->inst, t);
	exec_unpark(s, t);
	t->thread_done = true;
	if (!exec_is_host(t) || t->state == FLUE_TASK_RESOLVED)
		t->callee_done = true;
	else
		exec_park(s, t, FLUE_COND_HOST); /* the host resolves it later */
	exec_release(s, exec_id(s, t));
}

static void thread_unwound(struct flue_store *s, struct flue_task *t)
{
	if (t->thread_done)
		return;
	t->aborted = true;
	if (t->state != FLUE_TASK_RESOLVED)
		exec_resolve(s, exec_id(s, t), 0);
	exit_thread(s, t);
}

static uint32_t realloc_alloc(void *ctx, uint32_t align, uint32_t size)
{
	struct flue_task *t = ctx;
	struct flue_instance *x = t->func->inst;
	if (t->func->opts.realloc == 0)
		flue_trap(x, FLUE_TRAP_BAD_VALUE, 0);
	x->may_leave = false; /* realloc may not call built-ins */
	uint32_t p = t->func->opts.realloc(t->func->opts.user, x, 0, 0, align, size);
	x->may_leave = true;
	return p;
}

static void callback_code(struct flue_store *s, struct flue_task *t, uint32_t packed);

static void callback_call(struct flue_store *s, struct flue_task *t, uint32_t code,
			  uint32_t p1, uint32_t p2)
{
	struct flue_instance *x = t->func->inst;
	x->exclusive = exec_id(s, t);
	t->exclusive = true;
	uint32_t packed = t->func->opts.callback(t->func->opts.user, x, code, p1, p2);
	callback_code(s, t, packed);
}

/* One turn of canon_lift's callback loop after the callback (or the
 * initial core function) returned `packed`. The order is the reference's:
 * an unknown code traps; EXIT ends the thread; a pending cancellation is
 * delivered at the top of the turn with the lock still held, before the
 * set is even looked at (#716); else the lock is released and the task
 * parks (YIELD, or WAIT on a set checked now). */
static void callback_code(struct flue_store *s, struct flue_task *t, uint32_t packed)
{
	struct flue_instance *x = t->func->inst;
	struct flue_callback_decision d = flue_callback_decide(packed);
	if (d.action == FLUE_CB_TRAP)
		flue_trap(x, FLUE_TRAP_CALLBACK_CODE, packed);
	if (d.action == FLUE_CB_EXIT) {
		if (t->state != FLUE_TASK_RESOLVED)
			flue_trap(x, FLUE_TRAP_EXIT_UNRESOLVED, 0);
		exit_thread(s, t);
		return;
	}
	if (flue_cancel_deliver_decide(t->state, true)) {
		t->state = FLUE_TASK_CANCEL_DELIVERED;
		callback_call(s, t, FLUE_EVENT_CODE_TASK_CANCELLED, 0, 0);
		return;
	}
	release_exclusive(x, t);
	if (d.action == FLUE_CB_WAIT) {
		/* The reference's order: the table lookup, then the kind. */
		struct flue_handle *h = flue_table_get(x, d.set);
		if (h == 0)
			flue_trap(x, FLUE_TRAP_BAD_HANDLE, d.set);
		if (h->kind != FLUE_H_WAITABLE_SET)
			flue_trap(x, FLUE_TRAP_NOT_A_SET, d.set);
	}
	t->arg = d.action == FLUE_CB_WAIT ? d.set : 0u;
	exec_park(s, t, d.action == FLUE_CB_WAIT ? FLUE_COND_WAIT : FLUE_COND_YIELD);
	if (d.action == FLUE_CB_WAIT)
		x->handles[d.set].u.wset.waiting++;
}

/* Task.start's arguments into `v`: the invoker's (on_start, host values;
 * false if the host gave bad ones) or lifted from the caller (traps the
 * caller on a bad value). */
static bool take_args(struct flue_store *s, struct flue_task *t, struct flue_values *v)
{
	const struct flue_functype *ft = t->func->ft;
	if (t->origin == FLUE_ORIGIN_INVOKE) {
		if (t->on_start != 0) {
			v->n = flue_functype_leaves(ft, false);
			t->on_start(t->user, v);
		}
		return exec_host_take(t->host, ft->params, ft->nparams, v);
	}
	struct flue_instance *c = &s->instances[t->caller_inst];
	uint32_t max = t->sub_async ? FLUE_MAX_FLAT_ASYNC_PARAMS : FLUE_MAX_FLAT_PARAMS;
	flue_values_lift(c, ft->params, ft->nparams, max, t->flat, t->nflat, v);
	t->sub_state = FLUE_SUBTASK_STARTED;
	flue_subtask_progress(s, exec_id(s, t));
	return true;
}

static void thread_body(void *arg)
{
	struct flue_task *t = arg;
	struct flue_func *f = t->func;
	struct flue_instance *x = f->inst;
	struct flue_store *s = x->store;
	uint16_t id = exec_id(s, t);
	const struct flue_functype *ft = f->ft;
	struct flue_values v = { 0, { 0 } };

	s->sched.current = id;
	if (ft->async && exec_needs_exclusive(t)) {
		x->exclusive = id;
		t->exclusive = true;
	}
	t->state = FLUE_TASK_STARTED; /* Task.start → on_start */
	if (!take_args(s, t, &v)) {
		/* The host gave bad arguments: its mistake, not the callee's.
		 * The invocation resolves without a value (on_resolve(NULL))
		 * before any guest code runs; nothing was taken from the host. */
		exec_resolve(s, id, 0);
		exit_thread(s, t);
		return;
	}
	if (exec_is_host(t)) {
		host_put(s, x, ft->params, ft->nparams, &v);
		post_open(t);
		f->host_start(f->host_user, flue_call_make(id, t->gen), &v);
		exit_thread(s, t);
		return;
	}
	flue_flat_t flat[FLUE_MAX_FLAT_PARAMS], res[1] = { 0 };
	uint32_t n = 0;
	struct lower_args la = { x, ft->params, ft->nparams, FLUE_MAX_FLAT_PARAMS, &v, flat, &n,
				 0, realloc_alloc, t };
	lower_values(&la);
	f->opts.core(f->opts.user, x, flat, n, res);
	if (f->opts.kind == FLUE_LIFT_CALLBACK) {
		callback_code(s, t, (uint32_t)res[0]);
		return;
	}
	if (f->opts.kind == FLUE_LIFT_SYNC) {
		struct flue_values r;
		flue_values_lift(x, ft->result, nresults(ft), FLUE_MAX_FLAT_RESULTS, res,
				 f->nflat_results, &r);
		exec_resolve(s, id, &r);
		if (f->opts.post_return != 0) {
			x->may_leave = false;
			f->opts.post_return(f->opts.user, x, res, f->nflat_results);
			x->may_leave = true;
		}
	}
	if (t->state != FLUE_TASK_RESOLVED)
		flue_trap(x, FLUE_TRAP_EXIT_UNRESOLVED, 0);
	exit_thread(s, t);
}

static void fiber_entry(void *arg)
{
	struct flue_task *t = arg;
	struct flue_store *s = t->func->inst->store;
	if (!exec_guest(s, thread_body, t))
		thread_unwound(s, t);
	t->fiber = false;
}

static void callback_body(void *arg);

static void callback_fiber_entry(void *arg)
{
	struct flue_task *t = arg;
	struct flue_store *s = t->func->inst->store;
	if (!exec_guest(s, callback_body, t))
		thread_unwound(s, t);
	t->fiber = false;
}

/* Run a step of `t` on a fiber of its own (its id is the task's). */
static void on_fiber(struct flue_store *s, struct flue_task *t, flue_port_body_t entry)
{
	uint16_t id = exec_id(s, t);
	if (flue_port_fiber_create(&s->fibers[id], entry, t) != FLUE_OK) {
		/* The platform refused a stack: the callee cannot run; it is
		 * treated as trapped, without guest code to unwind. */
		exec_fail_instance(s, t->func->inst, FLUE_TRAP_POOL_FULL);
		thread_unwound(s, t);
		return;
	}
	t->fiber = true;
	s->sched.current = id;
	flue_port_fiber_resume(&s->fibers[id]);
}

/* Where a step of `t` runs: stackful tasks and host functions always on
 * their own stack (if the port has fibers); sync- and callback-lifted
 * ones on the caller's stack, unless the store asked for a stack per task. */
static bool wants_fiber(struct flue_store *s, const struct flue_task *t)
{
	if (t->func->opts.kind == FLUE_LIFT_STACKFUL)
		return true;
	if (!flue_port_fiber_supported())
		return false;
	return exec_is_host(t) || s->sched.stack_per_task;
}

void exec_start_thread(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	uint16_t cur = s->sched.current;
	t->started_thread = true;
	if (wants_fiber(s, t))
		on_fiber(s, t, fiber_entry);
	else if (!exec_guest(s, thread_body, t))
		thread_unwound(s, t);
	s->sched.current = cur;
}

/* The parked turn resumes (its condition held): YIELD and WAIT deliver a
 * pending cancellation before anything else (wait_from_callback), else
 * WAIT delivers its set's event and YIELD gives (NONE, 0, 0). */
static void callback_body(void *arg)
{
	struct flue_task *t = arg;
	struct flue_store *s = t->func->inst->store;
	struct flue_instance *x = t->func->inst;
	s->sched.current = exec_id(s, t);
	if (flue_cancel_deliver_decide(t->state, true)) {
		t->state = FLUE_TASK_CANCEL_DELIVERED;
		callback_call(s, t, FLUE_EVENT_CODE_TASK_CANCELLED, 0, 0);
	} else if (t->arg != 0 && x->handles[t->arg].kind == FLUE_H_WAITABLE_SET &&
		   x->handles[t->arg].u.wset.head != 0) {
		struct flue_event ev = flue_wset_deliver(x, t->arg);
		callback_call(s, t, abi_event_code(ev), ev.index, abi_event_p2(ev));
	} else {
		callback_call(s, t, FLUE_EVENT_CODE_NONE, 0, 0);
	}
}

void exec_callback_step(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	struct flue_instance *x = t->func->inst;
	if (t->cond == FLUE_COND_WAIT)
		x->handles[t->arg].u.wset.waiting--;
	else
		t->arg = 0;
	exec_unpark(s, t);
	uint16_t cur = s->sched.current;
	if (wants_fiber(s, t))
		on_fiber(s, t, callback_fiber_entry);
	else if (!exec_guest(s, callback_body, t))
		thread_unwound(s, t);
	s->sched.current = cur;
}
