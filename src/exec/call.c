/*
 * Entering a task: a task's thread from the entry gate to its exit (sync,
 * callback and stackful lifts, host functions), the callback loop and its
 * delivery of cancellations, and where a step runs (this stack or a fiber)
 * (definitions.py @ 14087d73: canon_lift, Task.enter_implicit_thread,
 * WaitableSet.wait_from_callback, mk_host_func). Calls trap.c, resolve.c
 * and queue.c in exec/.
 */
#include "thread.h"
#include "../abi/abi.h"
#include "../abi/val.h"

static uint32_t realloc_alloc(void *ctx, uint32_t align, uint32_t size)
{
	struct flue_task *t = ctx;
	struct flue_instance *x = t->func->inst;
	if (t->func->opts.realloc == 0)
		flue_trap(x, FLUE_TRAP_BAD_VALUE, 0);
	return flue_realloc_guest(t->func->opts.realloc, t->func->opts.user, x, 0, 0, align, size);
}

static void callback_code(struct flue_store *s, struct flue_task *t, uint32_t packed);

static void callback_call(struct flue_store *s, struct flue_task *t, uint32_t code,
			  uint32_t p1, uint32_t p2)
{
	struct flue_instance *x = t->func->inst;
	exec_lock(x, exec_id(s, t));
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
		exec_exit_thread(s, t);
		return;
	}
	if (flue_cancel_deliver_decide(t->state, true)) {
		t->state = FLUE_TASK_CANCEL_DELIVERED;
		callback_call(s, t, FLUE_EVENT_CODE_TASK_CANCELLED, 0, 0);
		return;
	}
	exec_release_exclusive(x, t);
	if (d.action == FLUE_CB_WAIT) {
		/* The reference's order: the table lookup, then the kind. */
		struct flue_handle *h = flue_table_get(x, d.set);
		if (h == 0)
			flue_trap(x, FLUE_TRAP_BAD_HANDLE, d.set);
		if (h->kind != FLUE_H_WAITABLE_SET)
			flue_trap(x, FLUE_TRAP_NOT_A_SET, d.set);
	}
	t->arg = d.action == FLUE_CB_WAIT ? d.set : 0u;
	exec_thread(s, t, FLUE_THREAD_EV_PARK,
		    d.action == FLUE_CB_WAIT ? FLUE_COND_WAIT : FLUE_COND_YIELD);
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
	flue_values_lift(c, ft->params, ft->nparams, max, t->sub_async ? t->args : t->args_ref,
			 t->nflat, v);
	t->sub_state = FLUE_SUBTASK_STARTED;
	flue_subtask_progress(s, exec_id(s, t));
	return true;
}

/* A sync-lifted core function returned `res`: its results resolve the
 * task, then post-return runs (may_leave cleared). */
static void sync_results(struct flue_store *s, struct flue_task *t, flue_flat_t *res)
{
	struct flue_func *f = t->func;
	struct flue_instance *x = f->inst;
	if (f->ft->graph != 0) {
		/* canon_lift: the results lifted, then Task.return_'s checks */
		struct flue_vmove m = exec_result_move(t, FLUE_MAX_FLAT_RESULTS, res,
						       f->nflat_results);
		flue_vals_check(&m);
		m.checked = true;
		if (t->num_borrows != 0)
			flue_trap(x, FLUE_TRAP_BORROWS_OUTSTANDING, 0);
		exec_resolve_moved(s, exec_id(s, t), &m);
	} else {
		struct flue_values r;
		flue_values_lift(x, f->ft->result, exec_nresults(f->ft), FLUE_MAX_FLAT_RESULTS,
				 res, f->nflat_results, &r);
		exec_resolve(s, exec_id(s, t), &r);
	}
	if (f->opts.post_return != 0) {
		x->may_leave = false;
		f->opts.post_return(f->opts.user, x, res, f->nflat_results);
		x->may_leave = true;
	}
}

/* The core function with its flat params, then the callback loop, the
 * sync results, or the check that a stackful thread resolved its task. */
static inline __attribute__((always_inline)) void
run_core(struct flue_store *s, struct flue_task *t, flue_flat_t *flat, uint32_t n,
		     flue_flat_t *res)
{
	struct flue_func *f = t->func;
	struct flue_instance *x = f->inst;
	f->opts.core(f->opts.user, x, flat, n, res);
	if (f->opts.kind == FLUE_LIFT_CALLBACK) {
		callback_code(s, t, (uint32_t)res[0]);
		return;
	}
	if (f->opts.kind == FLUE_LIFT_SYNC)
		sync_results(s, t, res);
	if (t->state != FLUE_TASK_RESOLVED)
		flue_trap(x, FLUE_TRAP_EXIT_UNRESOLVED, 0);
	exec_exit_thread(s, t);
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
		exec_lock(x, id);
		t->exclusive = true;
	}
	t->state = FLUE_TASK_STARTED; /* Task.start → on_start */
	flue_flat_t flat[FLUE_MAX_FLAT_PARAMS], res[1] = { 0 };
	uint32_t n = 0;
	if (ft->graph != 0) {
		switch (exec_graph_start(s, t, flat, &n)) {
		case EXEC_GS_RUN:
			run_core(s, t, flat, n, res);
			return;
		case EXEC_GS_HOST: /* params: flue_host_params() inside start */
			exec_post_open(t);
			f->host_start(f->host_user, flue_call_make(id, t->gen), 0);
			break;
		default: /* the host's params do not fit their type */
			exec_resolve(s, id, 0);
			break;
		}
		exec_exit_thread(s, t);
		return;
	}
	if (!take_args(s, t, &v)) {
		/* The host gave bad arguments: its mistake, not the callee's.
		 * The invocation resolves without a value (on_resolve(NULL))
		 * before any guest code runs; nothing was taken from the host. */
		exec_resolve(s, id, 0);
		exec_exit_thread(s, t);
		return;
	}
	if (exec_is_host(t)) {
		exec_host_put(s, x, ft->params, ft->nparams, &v);
		exec_post_open(t);
		f->host_start(f->host_user, flue_call_make(id, t->gen), &v);
		exec_exit_thread(s, t);
		return;
	}
	struct exec_lower_args la = { x, ft->params, ft->nparams, FLUE_MAX_FLAT_PARAMS, &v,
				      flat, &n, 0, realloc_alloc, t };
	exec_lower_values(&la);
	run_core(s, t, flat, n, res);
}

static void fiber_entry(void *arg)
{
	struct flue_task *t = arg;
	struct flue_store *s = t->func->inst->store;
	if (!exec_guest(s, thread_body, t))
		exec_thread_unwound(s, t);
	t->fiber = false;
}

static void callback_body(void *arg);

static void callback_fiber_entry(void *arg)
{
	struct flue_task *t = arg;
	struct flue_store *s = t->func->inst->store;
	if (!exec_guest(s, callback_body, t))
		exec_thread_unwound(s, t);
	t->fiber = false;
}

/* Run a step of `t` on a fiber of its own (its id is the task's). False:
 * no stack for a host function, which then runs on the caller's stack as
 * it does where the port has no fibers (its instance, the host's, must
 * not be trapped for a full pool). */
static bool on_fiber(struct flue_store *s, struct flue_task *t, flue_port_body_t entry)
{
	uint16_t id = exec_id(s, t);
	if (flue_port_fiber_create(&s->fibers[id], entry, t) != FLUE_OK) {
		if (exec_is_host(t))
			return false;
		/* The platform refused a stack: the callee cannot run; it is
		 * treated as trapped, without guest code to unwind. */
		exec_fail_instance(s, t->func->inst, FLUE_TRAP_POOL_FULL);
		exec_thread_unwound(s, t);
		return true;
	}
	t->fiber = true;
	s->sched.current = id;
	flue_port_fiber_resume(&s->fibers[id]);
	return true;
}

/* Where a step of `t` runs: stackful tasks and host functions always on
 * their own stack (if the port has fibers); sync- and callback-lifted
 * ones on the caller's stack, unless the store asked for a stack per task. */
static bool wants_fiber(struct flue_store *s, const struct flue_task *t)
{
	if (t->func->opts.kind == FLUE_LIFT_STACKFUL)
		return true;
	/* The common case (a guest step, one stack) decided without a call. */
	if (!exec_is_host(t) && !s->sched.stack_per_task)
		return false;
	return flue_port_fiber_supported();
}

/* Run one step of `t`: `own` on its fiber where it wants one (and got
 * one), else `body` on this stack. Inlined into both callers: as a call of
 * its own it cost every step of every hand-off 11 instructions (M3). */
static inline __attribute__((always_inline)) void
run_step(struct flue_store *s, struct flue_task *t, flue_port_body_t own, flue_port_body_t body)
{
	if (wants_fiber(s, t) && on_fiber(s, t, own))
		return; /* ran (or failed) on its fiber */
	if (!exec_guest(s, body, t))
		exec_thread_unwound(s, t);
}

void exec_start_thread(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	uint16_t cur = s->sched.current;
	exec_thread(s, t, FLUE_THREAD_EV_START, FLUE_COND_NONE);
	run_step(s, t, fiber_entry, thread_body);
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
	exec_thread(s, t, FLUE_THREAD_EV_RUN, FLUE_COND_NONE);
	uint16_t cur = s->sched.current;
	run_step(s, t, callback_fiber_entry, callback_body);
	s->sched.current = cur;
}
