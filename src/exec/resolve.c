/*
 * Leaving a task: values at the host edge, results lowered into the caller,
 * resolution (task.return / task.cancel / sync results / no value), the end
 * of a task's thread and the release of its record (definitions.py @
 * 14087d73: Task.return_, Task.cancel, Subtask, mk_host_func). Calls only
 * queue.c in exec/.
 */
#include <flue/hval.h>

#include "thread.h"

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

void exec_host_put(struct flue_store *s, struct flue_instance *host,
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

static void lower_body(void *arg)
{
	struct exec_lower_args *a = arg;
	flue_values_lower(a->dst, a->ts, a->nts, a->max, a->v, a->flat, a->nflat, a->out,
			  a->alloc, a->ctx);
}

/* flue_values_lower(), but when it traps `dst` (before any end is added:
 * bad pointer, table full) the ends still in transit have no owner any
 * more: drop them, then go on unwinding (fuzz finding: they leaked). */
void exec_lower_values(struct exec_lower_args *a)
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
void exec_post_open(struct flue_task *t)
{
	const struct flue_functype *ft = t->func->ft;
	struct flue_leaf l[FLUE_CONFIG_MAX_VALUES];
	uint32_t n = flue_values_leaves(ft->result, exec_nresults(ft), l);
	bool ends = ft->graph != 0; /* graph results: flue_host_return_vals only */
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
	if (t->post.state == FLUE_POST_FULL) {
		s->sched.posted--;
		exec_post_buf_give(&s->sched, t->post.buf);
		t->post.buf = 0;
	}
	t->post.state = FLUE_POST_CLOSED;
	flue_port_unlock(key);
}

/* The caller's side of a resolution, its values (if any) lowered. */
static inline void settle_caller(struct flue_store *s, struct flue_task *t, uint16_t id,
				 bool value)
{
	t->sub_state = flue_subtask_resolve_decide(t->sub_state, value);
	if (t->caller_task != FLUE_TASK_NONE) /* blocked in a sync lower of it? */
		exec_wake(s, &s->tasks[t->caller_task]);
	flue_subtask_progress(s, id);
}

/* The callee's side: resolved, and a host function's thread done. */
static inline void settle_callee(struct flue_store *s, struct flue_task *t)
{
	exec_host_borrows_end(s, t);
	t->state = FLUE_TASK_RESOLVED;
	exec_wake(s, t);
	if (t->thread == FLUE_THREAD_HOST) /* its start returned: now it is done */
		exec_thread(s, t, FLUE_THREAD_EV_RESOLVE, FLUE_COND_NONE);
}

void exec_resolve(struct flue_store *s, uint16_t id, const struct flue_values *v)
{
	struct flue_task *t = &s->tasks[id];
	const struct flue_functype *ft = t->func->ft;
	if (exec_is_host(t))
		post_close(s, t);
	if (t->origin == FLUE_ORIGIN_INVOKE && ft->graph != 0) {
		t->on_resolve_vals(t->user, 0); /* a value goes through exec_resolve_moved */
		t->caller_done = true;
	} else if (t->origin == FLUE_ORIGIN_INVOKE) {
		if (v != 0) {
			struct flue_values hv = *v;
			exec_host_put(s, t->host, ft->result, exec_nresults(ft), &hv);
			t->on_resolve(t->user, &hv);
		} else {
			t->on_resolve(t->user, 0);
		}
		t->caller_done = true;
	} else if (t->caller_done || s->instances[t->caller_inst].poisoned) {
		if (v != 0)
			discard_ends(s, ft->result, exec_nresults(ft), v);
	} else {
		struct flue_instance *c = &s->instances[t->caller_inst];
		if (v != 0) {
			/* Lowered into the caller now (its memory, its table): sync
			 * results flat or through the out pointer, async ones always
			 * through the out pointer (max_flat_results = 0). */
			uint32_t nf = 0, out = t->out;
			uint32_t max = t->sub_async ? 0u : FLUE_MAX_FLAT_RESULTS;
			flue_flat_t res = 0;
			struct exec_lower_args la = { c, ft->result, exec_nresults(ft), max, v, &res, &nf,
						 &out, 0, 0 };
			exec_lower_values(&la);
			if (!t->sub_async)
				t->result = res; /* the caller takes it when it resumes */
		}
		settle_caller(s, t, id, v != 0);
	}
	settle_callee(s, t);
}

/* The caller's realloc (its lowered import's options), may_leave cleared
 * around it: results with strings or lists allocate in the caller. */
static uint32_t caller_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
			       uint32_t new_size)
{
	struct flue_task *t = ctx;
	const struct flue_lowered *l = t->lowered;
	return flue_realloc_guest(l->realloc, l->user, l->caller, old_ptr, old_size, align,
				  new_size);
}

struct flue_vmove exec_result_move(struct flue_task *t, uint32_t max_flat, const flue_flat_t *flat,
				   uint32_t nflat)
{
	const struct flue_functype *ft = t->func->ft;
	return (struct flue_vmove){
		.g = ft->graph, .ts = ft->result_type, .nts = ft->result_type != 0 ? 1u : 0u,
		.src = { t->func->inst, 0, 0, t->func->opts.string_encoding },
		.src_max_flat = max_flat, .flat = flat, .nflat = nflat, .task = FLUE_TASK_NONE,
	};
}

void exec_resolve_moved(struct flue_store *s, uint16_t id, struct flue_vmove *m)
{
	struct flue_task *t = &s->tasks[id];
	if (t->origin == FLUE_ORIGIN_INVOKE) {
		/* The host sees the callee's values where they are, or, when
		 * they hold handles, moved into its arena (or none, if they
		 * did not fit: flue_host_set_realloc()). */
		if (!m->checked)
			flue_vals_check(m);
		struct flue_hvals view;
		const struct flue_hvals *vp = &view;
		uint32_t ptr;
		if (!flue_functype_contains(t->func->ft, true, FLUE_TC_HANDLE))
			flue_vals_view(m, &view);
		else if (flue_vals_move_host(m, t->host, &ptr) == FLUE_OK)
			flue_vals_host_view(m->g, m->ts, m->nts, t->host, ptr, &view);
		else
			vp = 0;
		t->on_resolve_vals(t->user, vp);
		t->caller_done = true;
		settle_callee(s, t);
		return;
	}
	const struct flue_lowered *l = t->lowered;
	if (t->caller_done || l->caller->poisoned) {
		if (!m->checked)
			flue_vals_check(m); /* lifted all the same: the callee's traps */
		flue_vals_discard(m); /* nobody lowers its stream/future ends */
	} else {
		/* As exec_resolve: sync results flat or at the out pointer,
		 * async ones at the out pointer. */
		uint32_t nf = 0, out = t->out;
		flue_flat_t res = 0;
		m->dst = (struct flue_cx){ l->caller, l->realloc != 0 ? caller_realloc : 0, t,
					   l->string_encoding };
		m->dst_max_flat = t->sub_async ? 0u : FLUE_MAX_FLAT_RESULTS;
		m->out_ptr = &out;
		m->flat_out = &res;
		m->nflat_out = &nf;
		flue_vals_move(m);
		if (!t->sub_async)
			t->result = res;
		settle_caller(s, t, id, true);
	}
	settle_callee(s, t);
}

void exec_release_exclusive(struct flue_instance *x, struct flue_task *t)
{
	if (t->exclusive) {
		exec_lock(x, FLUE_TASK_NONE);
		t->exclusive = false;
	}
}

/* (Each transition with its own constant event: exec_thread folds it.) */
void exec_exit_thread(struct flue_store *s, struct flue_task *t)
{
	exec_release_exclusive(t->func->inst, t);
	if (exec_is_host(t) && t->state != FLUE_TASK_RESOLVED)
		exec_thread(s, t, FLUE_THREAD_EV_WAIT_HOST, FLUE_COND_HOST); /* the host resolves it */
	else
		exec_thread(s, t, FLUE_THREAD_EV_EXIT, FLUE_COND_NONE);
	exec_release(s, exec_id(s, t));
}

void exec_thread_unwound(struct flue_store *s, struct flue_task *t)
{
	if (t->thread == FLUE_THREAD_HOST || t->thread == FLUE_THREAD_EXITED)
		return; /* its thread had ended already */
	t->aborted = true;
	exec_wake(s, t);
	if (t->state != FLUE_TASK_RESOLVED)
		exec_resolve(s, exec_id(s, t), 0);
	exec_release_exclusive(t->func->inst, t);
	exec_thread(s, t, FLUE_THREAD_EV_UNWIND, FLUE_COND_NONE);
	exec_release(s, exec_id(s, t));
}

void exec_release(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	if (t->used && t->callee_done && t->caller_done && !t->barrier)
		flue_task_free(s, id);
}

