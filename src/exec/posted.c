/*
 * Host functions' resolution: flue_host_return / flue_host_cancelled on the
 * executor thread, posts from other threads and interrupts
 * (flue_host_post_return), and applying them (exec_apply_posted). Calls
 * trap.c, resolve.c and queue.c in exec/.
 */
#include <flue/channel.h>

#include "thread.h"

/* A live, unresolved host call of this generation, or NULL. */
static struct flue_task *host_call(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = exec_call_task(s, call);
	if (t == 0 || !exec_is_host(t) || t->state == FLUE_TASK_RESOLVED)
		return 0;
	return t;
}

struct resolve_args {
	struct flue_store *s;
	uint16_t id;
	const struct flue_values *v;
	struct flue_vmove *m; /* graph-typed results (v unused) */
};

static void resolve_body(void *arg)
{
	struct resolve_args *a = arg;
	if (a->m != 0)
		exec_resolve_moved(a->s, a->id, a->m);
	else
		exec_resolve(a->s, a->id, a->v);
}

/* Resolve from outside guest code: a trap of the caller while its results
 * are lowered unwinds to here. */
static void resolve_guarded(struct flue_store *s, uint16_t id, const struct flue_values *v,
			    struct flue_vmove *m)
{
	struct resolve_args a = { s, id, v, m };
	if (s->tasks[id].fiber && s->sched.current == id) {
		resolve_body(&a); /* on the host's own fiber, inside its guest frame */
		return;
	}
	if (!exec_guest(s, resolve_body, &a)) {
		/* The caller trapped while its results were lowered (and is
		 * cut off now): the call is resolved all the same, or it would
		 * stay pending forever (fuzz finding). */
		struct flue_task *t = &s->tasks[id];
		exec_host_borrows_end(s, t);
		t->state = FLUE_TASK_RESOLVED;
		if (t->thread == FLUE_THREAD_HOST)
			exec_thread(s, t, FLUE_THREAD_EV_RESOLVE, FLUE_COND_NONE);
	}
	exec_release(s, id);
}

int flue_host_return(struct flue_store *s, flue_call_t call, const struct flue_values *results)
{
	struct flue_task *t = host_call(s, call);
	if (t == 0)
		return FLUE_EBADF;
	const struct flue_functype *ft = t->func->ft;
	if (results == 0 || results->n > FLUE_CONFIG_MAX_VALUES || ft->graph != 0)
		return FLUE_EINVAL;
	/* Host ends leave the host table only if every one of them (kind,
	 * element type, idle, not in a set, not named twice) and the count
	 * are right: a refused result leaves the host's table as it was. */
	struct flue_values v = *results;
	if (!exec_host_take(t->func->inst, ft->result, ft->result != 0 ? 1u : 0u, &v))
		return FLUE_EINVAL;
	resolve_guarded(s, flue_call_slot(call), &v, 0);
	return FLUE_OK;
}

static void check_body(void *arg)
{
	flue_vals_check(arg);
}

int flue_host_return_vals(struct flue_store *s, flue_call_t call, uint32_t ptr)
{
	struct flue_task *t = s != 0 ? host_call(s, call) : 0;
	if (t == 0)
		return FLUE_EBADF;
	if (t->func->ft->graph == 0)
		return FLUE_EINVAL;
	flue_flat_t p = ptr;
	struct flue_vmove m = exec_result_move(t, 0, &p, 1);
	m.src.encoding = FLUE_STRING_UTF8; /* the host's strings */
	/* Results that do not fit are the host's mistake: flue_val_fail
	 * unwinds to here, and nothing has changed. */
	if (flue_port_try(check_body, &m) != 0) {
		flue_vals_unmark(&m); /* its handles stay the host's */
		return FLUE_EINVAL;
	}
	m.checked = true;
	resolve_guarded(s, flue_call_slot(call), 0, &m);
	return FLUE_OK;
}

int flue_host_cancelled(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = host_call(s, call);
	if (t == 0)
		return FLUE_EBADF;
	if (!t->sub_cancel_requested)
		return FLUE_EPERM;
	resolve_guarded(s, flue_call_slot(call), 0, 0);
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
	uint16_t b = rc == FLUE_OK ? exec_post_buf_take(&s->sched) : 0u;
	if (rc == FLUE_OK && b == 0u)
		rc = FLUE_EAGAIN; /* every buffer holds a post not applied yet */
	if (rc == FLUE_OK) {
		uint64_t *pv = s->sched.post_buf[b - 1u];
		for (uint32_t i = 0; i < results->n; i++)
			pv[i] = results->v[i];
		t->post.buf = b;
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
 * as pending, its buffer is free again, and further posts are EBUSY until
 * the call resolves. */
static bool post_take(struct flue_store *s, uint16_t i, struct flue_values *v, uint16_t *gen)
{
	bool have = false;
	flue_port_key_t k = flue_port_lock();
	struct flue_task *t = &s->tasks[i];
	if (t->post.state == FLUE_POST_FULL) {
		const uint64_t *pv = s->sched.post_buf[t->post.buf - 1u];
		t->post.state = FLUE_POST_TAKEN;
		s->sched.posted--;
		v->n = t->post.nv;
		for (uint32_t j = 0; j < v->n; j++)
			v->v[j] = pv[j];
		exec_post_buf_give(&s->sched, t->post.buf);
		t->post.buf = 0;
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
