/*
 * Structural invariants of a flue store (see invariants.h). Written from
 * the data structures' documented meaning (flue/store.h), not from the
 * code that maintains them: every check walks the raw state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flue/channel.h>
#include <flue/functype.h>
#include <flue/task_decide.h>

#include "invariants.h"

bool flue_inv_fail(struct flue_inv_ctx *c, const char *fmt, ...)
{
	if (c->msg != NULL && c->msgsz > 0u) {
		va_list ap;
		va_start(ap, fmt);
		(void)vsnprintf(c->msg, c->msgsz, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool is_end(uint8_t kind)
{
	return kind == FLUE_H_STREAM_READABLE || kind == FLUE_H_STREAM_WRITABLE ||
	       kind == FLUE_H_FUTURE_READABLE || kind == FLUE_H_FUTURE_WRITABLE;
}

/* Waitables: stream/future ends and subtask handles. */
static bool is_waitable(uint8_t kind)
{
	return is_end(kind) || kind == FLUE_H_SUBTASK;
}

static const struct flue_waitable *waitable_of(const struct flue_handle *h)
{
	return h->kind == FLUE_H_SUBTASK ? &h->u.sub.w : &h->u.end.w;
}

static bool is_readable(uint8_t kind)
{
	return kind == FLUE_H_STREAM_READABLE || kind == FLUE_H_FUTURE_READABLE;
}

static bool is_future_end(uint8_t kind)
{
	return kind == FLUE_H_FUTURE_READABLE || kind == FLUE_H_FUTURE_WRITABLE;
}

/* a strictly before b in serial-number order (RFC 1982, 32 bits). */
static bool serial_lt(uint32_t a, uint32_t b)
{
	uint32_t d = b - a;
	return d != 0u && d < 0x80000000u;
}

/* ------------------------------------------------------------ handle table */

static bool check_table(struct flue_inv_ctx *c, const struct flue_instance *in)
{
	bool on_free[FLUE_CONFIG_MAX_HANDLES];
	uint32_t nfree = 0;
	unsigned id = in->id;

	if (in->len < 1u || in->len > (uint32_t)FLUE_CONFIG_MAX_HANDLES)
		return flue_inv_fail(c, "inst %u: len %u out of 1..%u", id, in->len,
			    (unsigned)FLUE_CONFIG_MAX_HANDLES);
	if (in->handles[0].kind != FLUE_H_FREE)
		return flue_inv_fail(c, "inst %u: index 0 is in use (kind %u)", id, in->handles[0].kind);
	memset(on_free, 0, sizeof on_free);
	for (uint32_t i = in->free_head; i != 0u; i = in->handles[i].u.free.next) {
		if (i >= in->len)
			return flue_inv_fail(c, "inst %u: free list names slot %u >= len %u", id, i, in->len);
		if (on_free[i])
			return flue_inv_fail(c, "inst %u: free list has a cycle through slot %u", id, i);
		if (in->handles[i].kind != FLUE_H_FREE)
			return flue_inv_fail(c, "inst %u: live slot %u (kind %u) on the free list", id, i,
				    in->handles[i].kind);
		on_free[i] = true;
		nfree++;
	}
	if (nfree != in->nfree)
		return flue_inv_fail(c, "inst %u: nfree %u, free list holds %u", id, in->nfree, nfree);
	for (uint32_t i = 1; i < in->len; i++) {
		uint8_t k = in->handles[i].kind;
		if (k > FLUE_H_RESOURCE)
			return flue_inv_fail(c, "inst %u: slot %u has unknown kind %u", id, i, k);
		if (k == FLUE_H_FREE && !on_free[i])
			return flue_inv_fail(c, "inst %u: free slot %u is not on the free list (leak)", id, i);
	}
	for (uint32_t i = in->len; i < (uint32_t)FLUE_CONFIG_MAX_HANDLES; i++)
		if (in->handles[i].kind != FLUE_H_FREE)
			return flue_inv_fail(c, "inst %u: slot %u >= len %u is in use", id, i, in->len);
	return true;
}

/* ------------------------------------------------------- waitables, sets */

static bool check_sets(struct flue_inv_ctx *c, const struct flue_store *s, const struct flue_instance *in)
{
	uint32_t naming[FLUE_CONFIG_MAX_HANDLES];
	uint32_t naming_ev[FLUE_CONFIG_MAX_HANDLES];
	bool queued[FLUE_CONFIG_MAX_HANDLES];
	unsigned id = in->id;

	memset(naming, 0, sizeof naming);
	memset(naming_ev, 0, sizeof naming_ev);
	memset(queued, 0, sizeof queued);
	for (uint32_t i = 1; i < in->len; i++) {
		const struct flue_handle *h = &in->handles[i];
		if (!is_waitable(h->kind))
			continue;
		const struct flue_waitable *w = waitable_of(h);
		if (w->wset == 0u)
			continue;
		if (w->wset >= in->len || in->handles[w->wset].kind != FLUE_H_WAITABLE_SET)
			return flue_inv_fail(c, "inst %u: waitable %u names %u, not a live waitable set", id,
				    i, w->wset);
		naming[w->wset]++;
		if (w->has_event)
			naming_ev[w->wset]++;
	}
	for (uint32_t si = 1; si < in->len; si++) {
		if (in->handles[si].kind != FLUE_H_WAITABLE_SET)
			continue;
		const struct flue_wset *ws = &in->handles[si].u.wset;
		if (ws->members != naming[si])
			return flue_inv_fail(c, "inst %u: set %u counts %u members, %u waitables name it", id,
				    si, ws->members, naming[si]);
		uint32_t prev = 0, n = 0, prev_stamp = 0;
		for (uint32_t q = ws->head; q != 0u;) {
			if (q >= in->len || !is_waitable(in->handles[q].kind))
				return flue_inv_fail(c, "inst %u: set %u queue names %u, not a waitable", id,
					    si, q);
			const struct flue_waitable *w = waitable_of(&in->handles[q]);
			if (queued[q])
				return flue_inv_fail(c, "inst %u: set %u queue holds %u twice", id, si, q);
			queued[q] = true;
			if (w->wset != si)
				return flue_inv_fail(c, "inst %u: set %u queue holds %u of set %u", id, si, q,
					    w->wset);
			if (!w->has_event)
				return flue_inv_fail(c, "inst %u: set %u queue holds %u without an event", id,
					    si, q);
			if (w->prev != prev)
				return flue_inv_fail(c, "inst %u: set %u queue: %u.prev = %u, expected %u", id,
					    si, q, w->prev, prev);
			if (n > 0u && !serial_lt(prev_stamp, w->stamp))
				return flue_inv_fail(c,
					    "inst %u: set %u queue out of stamp order: %u (stamp %u) "
					    "after %u (stamp %u)",
					    id, si, q, w->stamp, prev, prev_stamp);
			if (!serial_lt(w->stamp, s->clock))
				return flue_inv_fail(c, "inst %u: waitable %u stamp %u not before clock %u",
					    id, q, w->stamp, s->clock);
			prev_stamp = w->stamp;
			prev = q;
			n++;
			q = w->next;
		}
		if (ws->tail != prev)
			return flue_inv_fail(c, "inst %u: set %u tail %u, last queued %u", id, si, ws->tail,
				    prev);
		if (n != naming_ev[si])
			return flue_inv_fail(c, "inst %u: set %u queue has %u entries, %u members pending",
				    id, si, n, naming_ev[si]);
	}
	return true;
}

/* ------------------------------------------------------------------ ends */

static bool check_ends(struct flue_inv_ctx *c, const struct flue_store *s, const struct flue_instance *in)
{
	unsigned id = in->id;
	for (uint32_t i = 1; i < in->len; i++) {
		const struct flue_handle *h = &in->handles[i];
		if (!is_end(h->kind))
			continue;
		const struct flue_end *e = &h->u.end;
		if (e->shared >= FLUE_CONFIG_MAX_SHARED)
			return flue_inv_fail(c, "inst %u: end %u names shared %u out of range", id, i,
				    e->shared);
		const struct flue_shared *sh = &s->shared[e->shared];
		uint8_t want = is_future_end(h->kind) ? 2u : 1u;
		if (sh->kind == 0u)
			return flue_inv_fail(c, "inst %u: end %u names free shared object %u", id, i,
				    e->shared);
		if (sh->kind != want)
			return flue_inv_fail(c, "inst %u: end %u (kind %u) names shared %u of kind %u", id, i,
				    h->kind, e->shared, sh->kind);
		bool reader = is_readable(h->kind);
		struct flue_end_ref r = inv_ref(sh, reader);
		if (r.inst != in->id || r.handle != i)
			return flue_inv_fail(c, "inst %u: end %u: shared %u %s ref is (%u, %u)", id, i,
				    e->shared, reader ? "reader" : "writer", r.inst, r.handle);
		if (e->state > FLUE_END_DONE)
			return flue_inv_fail(c, "inst %u: end %u has unknown state %u", id, i, e->state);
		bool busy = e->state == FLUE_END_COPYING || e->state == FLUE_END_CANCELLING;
		uint8_t side = reader ? FLUE_SIDE_READER : FLUE_SIDE_WRITER;
		/* Only the parked op's buffer is kept (in the shared object). */
		if (sh->pending == side && e->progress > sh->len)
			return flue_inv_fail(c, "inst %u: end %u progress %u > len %u", id, i, e->progress,
				    sh->len);
		if (busy && !e->w.has_event && sh->pending != side)
			return flue_inv_fail(c,
				    "inst %u: end %u in state %u has no event and is not parked "
				    "(lost event)",
				    id, i, e->state);
		if (e->state == FLUE_END_DONE && e->w.has_event)
			return flue_inv_fail(c, "inst %u: DONE end %u has an event", id, i);
		/* #720: the only event an idle end may have is the one-shot
		 * notice that its peer dropped (or its channel closed), and an
		 * idle end whose peer dropped has it until it is delivered. */
		bool notice = e->ev_result == FLUE_RESULT_DROPPED &&
			      (sh->dropped || sh->has_channel);
		if (e->state == FLUE_END_IDLE && e->w.has_event && !notice)
			return flue_inv_fail(c, "inst %u: IDLE end %u has an event that is not a drop "
				    "notice", id, i);
		if (e->state == FLUE_END_IDLE && sh->dropped && !e->w.has_event)
			return flue_inv_fail(c, "inst %u: IDLE end %u of a dropped stream/future has no "
				    "drop notice", id, i);
		if (e->w.has_event && e->ev_result > FLUE_RESULT_CANCELLED)
			return flue_inv_fail(c, "inst %u: end %u event result %u", id, i, e->ev_result);
	}
	return true;
}

/* -------------------------------------------------------- shared objects */

static bool check_ref(struct flue_inv_ctx *c, const struct flue_store *s, uint32_t si, bool reader)
{
	const struct flue_shared *sh = &s->shared[si];
	const char *side = reader ? "reader" : "writer";
	struct flue_end_ref ref = inv_ref(sh, reader);
	const struct flue_end_ref *r = &ref;
	if (r->inst >= FLUE_CONFIG_MAX_INSTANCES)
		return flue_inv_fail(c, "shared %u: %s ref names instance %u", si, side, r->inst);
	const struct flue_instance *in = &s->instances[r->inst];
	if (!in->live)
		return flue_inv_fail(c, "shared %u: %s ref names dead instance %u", si, side, r->inst);
	if (r->handle == 0u || r->handle >= in->len)
		return flue_inv_fail(c, "shared %u: %s ref names handle %u of inst %u (len %u)", si, side,
			    r->handle, r->inst, in->len);
	uint8_t want = sh->kind == 2u ? (reader ? FLUE_H_FUTURE_READABLE : FLUE_H_FUTURE_WRITABLE)
				      : (reader ? FLUE_H_STREAM_READABLE : FLUE_H_STREAM_WRITABLE);
	const struct flue_handle *h = &in->handles[r->handle];
	if (h->kind != want)
		return flue_inv_fail(c, "shared %u: %s ref (%u, %u) has kind %u, expected %u", si, side,
			    r->inst, r->handle, h->kind, want);
	if (h->u.end.shared != si)
		return flue_inv_fail(c, "shared %u: %s ref (%u, %u) names shared %u", si, side, r->inst,
			    r->handle, h->u.end.shared);
	return true;
}

static bool check_shared(struct flue_inv_ctx *c, const struct flue_store *s)
{
	bool on_free[FLUE_CONFIG_MAX_SHARED];

	if (s->shared_unused > FLUE_CONFIG_MAX_SHARED)
		return flue_inv_fail(c, "shared_unused %u > pool size", s->shared_unused);
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++) {
		const struct flue_shared *sh = &s->shared[si];
		if (sh->kind > 2u)
			return flue_inv_fail(c, "shared %u: unknown kind %u", si, sh->kind);
		if (si >= s->shared_unused) {
			/* Never handed out: free, refs not meaningful. */
			if (sh->kind != 0u)
				return flue_inv_fail(c, "shared %u: live beyond shared_unused %u", si,
					    s->shared_unused);
			continue;
		}
		bool has_r = sh->reader_inst != FLUE_REF_NONE;
		bool has_w = sh->writer_inst != FLUE_REF_NONE;
		bool live = sh->kind != 0u;
		if (live != (has_r || has_w))
			return flue_inv_fail(c, "shared %u: kind %u but refs (%u, %u)", si, sh->kind,
				    sh->reader_inst, sh->writer_inst);
		if (!live)
			continue;
		if (sh->type == 0u || sh->type > s->ntypes)
			return flue_inv_fail(c, "shared %u: type %u not registered", si, sh->type);
		if (has_r && !check_ref(c, s, si, true))
			return false;
		if (has_w && !check_ref(c, s, si, false))
			return false;
		if (!sh->has_channel && !(has_r && has_w) && !sh->dropped)
			return flue_inv_fail(c, "shared %u: an end is gone but not marked dropped", si);
		if (sh->pending > FLUE_SIDE_WRITER)
			return flue_inv_fail(c, "shared %u: unknown pending side %u", si, sh->pending);
		if (sh->pending != FLUE_SIDE_NONE) {
			bool rd = sh->pending == FLUE_SIDE_READER;
			struct flue_end_ref r = inv_ref(sh, rd);
			if (r.inst == FLUE_REF_NONE)
				return flue_inv_fail(c, "shared %u: parked %s end no longer exists", si,
					    rd ? "reader" : "writer");
			const struct flue_end *e = &s->instances[r.inst].handles[r.handle].u.end;
			if (e->state != FLUE_END_COPYING && e->state != FLUE_END_CANCELLING)
				return flue_inv_fail(c, "shared %u: parked end (%u, %u) in state %u", si,
					    r.inst, r.handle, e->state);
			if (e->progress > sh->len)
				return flue_inv_fail(c, "shared %u: parked end progress %u > len %u", si,
					    e->progress, sh->len);
			if (sh->dropped)
				return flue_inv_fail(c, "shared %u: dropped, yet an op is parked", si);
		}
	}
	memset(on_free, 0, sizeof on_free);
	for (uint32_t v = s->shared_free; v != 0u; v = s->shared[v - 1u].next_free) {
		uint32_t si = v - 1u;
		if (si >= s->shared_unused)
			return flue_inv_fail(c, "shared free list names %u >= shared_unused %u", si,
				    s->shared_unused);
		if (on_free[si])
			return flue_inv_fail(c, "shared free list has a cycle through %u", si);
		if (s->shared[si].kind != 0u)
			return flue_inv_fail(c, "live shared %u on the free list", si);
		on_free[si] = true;
	}
	for (uint32_t si = 0; si < s->shared_unused; si++)
		if (s->shared[si].kind == 0u && !on_free[si])
			return flue_inv_fail(c, "free shared %u is not on the free list (leak)", si);
	return true;
}

/* A shared object with `has_channel` is served by the one channel of the
 * store's list that names it (flue finds it there), and only such objects
 * are named by listed channels. */
static bool check_channels(struct flue_inv_ctx *c, const struct flue_store *s)
{
	uint32_t named[FLUE_CONFIG_MAX_SHARED] = { 0 }, n = 0;
	for (const struct flue_channel *ch = s->channels; ch != NULL; ch = ch->next) {
		if (++n > FLUE_CONFIG_MAX_SHARED)
			return flue_inv_fail(c, "channel list longer than the shared pool (a cycle?)");
		if (ch->store != s || ch->shared >= s->shared_unused)
			return flue_inv_fail(c, "listed channel names store %p, shared %u",
				    (const void *)ch->store, ch->shared);
		const struct flue_shared *sh = &s->shared[ch->shared];
		if (sh->kind == 0u || !sh->has_channel)
			return flue_inv_fail(c, "listed channel names shared %u (kind %u, has_channel %u)",
				    ch->shared, sh->kind, sh->has_channel);
		if (++named[ch->shared] > 1u)
			return flue_inv_fail(c, "two listed channels name shared %u", ch->shared);
	}
	for (uint32_t si = 0; si < s->shared_unused; si++)
		if (s->shared[si].kind != 0u && s->shared[si].has_channel && named[si] == 0u)
			return flue_inv_fail(c, "shared %u has a channel no listed channel names", si);
	return true;
}

/* ------------------------------------------------------------------ tasks */

/* Its thread has begun running (past the gate). */
static bool thread_started(const struct flue_task *t)
{
	return t->thread != FLUE_THREAD_NEW && t->thread != FLUE_THREAD_GATE;
}

/* Its thread finished (a host function's: its start returned). */
static bool thread_done(const struct flue_task *t)
{
	return t->thread == FLUE_THREAD_HOST || t->thread == FLUE_THREAD_EXITED;
}

static bool is_callee_inst(const struct flue_store *s, const struct flue_task *t)
{
	return t->func != NULL && t->func->inst >= &s->instances[0] &&
	       t->func->inst < &s->instances[FLUE_CONFIG_MAX_INSTANCES];
}

/* The caller's side of task `id` (origin GUEST, caller not done). */
static bool check_caller_side(struct flue_inv_ctx *c, const struct flue_store *s, uint32_t id,
			      bool quiescent)
{
	const struct flue_task *t = &s->tasks[id];
	if (t->caller_inst >= FLUE_CONFIG_MAX_INSTANCES)
		return flue_inv_fail(c, "task %u: caller instance %u out of range", id, t->caller_inst);
	const struct flue_instance *ci = &s->instances[t->caller_inst];
	if (!ci->live)
		return flue_inv_fail(c, "task %u: caller instance %u is dead but the caller side is "
			    "alive (unreachable record)", id, t->caller_inst);
	if (t->sub_handle == 0u) {
		/* Only a synchronous caller blocked on it (or, inside guest
		 * code, one still entering the call) holds it without a handle;
		 * with no guest code running, none can. */
		const struct flue_task *ct = t->caller_task < FLUE_CONFIG_MAX_TASKS
			? &s->tasks[t->caller_task] : NULL;
		if (quiescent || ct == NULL || !ct->used || ct->func == NULL ||
		    ct->func->inst != ci || thread_done(ct) ||
		    !(ct->cond == FLUE_COND_NONE || (ct->cond == FLUE_COND_SUBTASK && ct->arg == id)))
			return flue_inv_fail(c, "task %u: caller side alive without a subtask handle and "
				    "without a caller on the stack (unreachable record)", id);
		return true;
	}
	if (!t->sub_async)
		return flue_inv_fail(c, "task %u: sync-lowered, yet subtask handle %u", id, t->sub_handle);
	if (t->sub_handle >= ci->len || ci->handles[t->sub_handle].kind != FLUE_H_SUBTASK ||
	    ci->handles[t->sub_handle].u.sub.task != id)
		return flue_inv_fail(c, "task %u: caller inst %u handle %u does not name it", id,
			    t->caller_inst, t->sub_handle);
	const struct flue_waitable *w = &ci->handles[t->sub_handle].u.sub.w;
	bool resolved = t->sub_state >= FLUE_SUBTASK_RETURNED;
	if (t->sub_delivered && w->has_event)
		return flue_inv_fail(c, "task %u: resolution delivered, yet subtask %u has an event", id,
			    t->sub_handle);
	if (resolved && !t->sub_delivered && !w->has_event && !ci->poisoned)
		return flue_inv_fail(c, "task %u: resolved (state %u), not delivered, no event on "
			    "subtask %u (lost event)", id, t->sub_state, t->sub_handle);
	if (!resolved && t->sub_delivered)
		return flue_inv_fail(c, "task %u: delivered but not resolved", id);
	return true;
}

static bool check_task(struct flue_inv_ctx *c, const struct flue_store *s, uint32_t id, bool quiescent)
{
	const struct flue_task *t = &s->tasks[id];
	if (!is_callee_inst(s, t))
		return flue_inv_fail(c, "task %u: no function / callee instance", id);
	const struct flue_instance *x = t->func->inst;
	bool host = t->func->host_start != NULL;
	if (t->state > FLUE_TASK_RESOLVED || t->cond > FLUE_COND_HOST ||
	    t->sub_state > FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED || t->origin > FLUE_ORIGIN_INVOKE)
		return flue_inv_fail(c, "task %u: state %u cond %u sub_state %u origin %u out of range", id,
			    t->state, t->cond, t->sub_state, t->origin);
	if (t->caller_done && t->callee_done)
		return flue_inv_fail(c, "task %u: neither side needs it, yet it is used (leak)", id);
	/* Caller side. */
	if (t->origin == FLUE_ORIGIN_INVOKE) {
		if (t->caller_done != (t->state == FLUE_TASK_RESOLVED))
			return flue_inv_fail(c, "task %u: invocation caller_done %d but state %u", id,
				    t->caller_done, t->state);
	} else if (!t->caller_done) {
		if (!check_caller_side(c, s, id, quiescent))
			return false;
	} else if (t->sub_handle != 0u) {
		return flue_inv_fail(c, "task %u: caller done, yet subtask handle %u", id, t->sub_handle);
	}
	/* Callee side. */
	if (t->callee_done) {
		if (t->state != FLUE_TASK_RESOLVED || !thread_done(t) || t->cond != FLUE_COND_NONE)
			return flue_inv_fail(c, "task %u: callee done but state %u thread_done %d cond %u",
				    id, t->state, thread_done(t), t->cond);
	} else if (quiescent && t->cond == FLUE_COND_NONE) {
		return flue_inv_fail(c, "task %u (inst %u): not done and not waiting while no guest code "
			    "runs (lost thread; state %u thread_done %d)", id, x->id, t->state,
			    thread_done(t));
	}
	if (t->cond == FLUE_COND_GATE &&
	    (t->state != FLUE_TASK_INITIAL || thread_started(t) || host || !x->live))
		return flue_inv_fail(c, "task %u: held at the gate in state %u (started %d)", id, t->state,
			    thread_started(t));
	if (t->cond == FLUE_COND_HOST && (!host || !thread_done(t) ||
					  t->state == FLUE_TASK_RESOLVED))
		return flue_inv_fail(c, "task %u: HOST condition on a %s task in state %u", id,
			    host ? "host" : "guest", t->state);
	if ((t->cond == FLUE_COND_YIELD || t->cond == FLUE_COND_WAIT) &&
	    (host || t->func->opts.kind != FLUE_LIFT_CALLBACK || t->state == FLUE_TASK_INITIAL))
		return flue_inv_fail(c, "task %u: callback condition %u on a non-callback task", id,
			    t->cond);
	if (t->cond == FLUE_COND_WAIT && !x->poisoned &&
	    (t->arg == 0u || t->arg >= x->len || x->handles[t->arg].kind != FLUE_H_WAITABLE_SET))
		return flue_inv_fail(c, "task %u: waits on %u, not a waitable set", id, t->arg);
	if (t->exclusive && x->exclusive != id)
		return flue_inv_fail(c, "task %u: holds the lock of inst %u, which names %u", id, x->id,
			    x->exclusive);
	if (quiescent && t->thread == FLUE_THREAD_NESTED)
		return flue_inv_fail(c, "task %u: nested while no guest code runs", id);
	return true;
}

static bool check_tasks(struct flue_inv_ctx *c, const struct flue_store *s, bool quiescent)
{
	for (uint32_t id = 0; id < FLUE_CONFIG_MAX_TASKS; id++)
		if (s->tasks[id].used && !check_task(c, s, id, quiescent))
			return false;
	for (uint32_t k = 0; k < FLUE_CONFIG_MAX_INSTANCES; k++) {
		const struct flue_instance *in = &s->instances[k];
		if (!in->live)
			continue;
		uint32_t gate = 0;
		for (uint32_t id = 0; id < FLUE_CONFIG_MAX_TASKS; id++) {
			const struct flue_task *t = &s->tasks[id];
			if (t->used && t->cond == FLUE_COND_GATE && t->func->inst == in)
				gate++;
		}
		if (in->waiting_to_enter != gate)
			return flue_inv_fail(c, "inst %u: waiting_to_enter %u, %u tasks held at its gate", k,
				    in->waiting_to_enter, gate);
		if (in->exclusive != FLUE_TASK_NONE) {
			const struct flue_task *t = in->exclusive < FLUE_CONFIG_MAX_TASKS
				? &s->tasks[in->exclusive] : NULL;
			if (quiescent)
				return flue_inv_fail(c, "inst %u: lock held by %u while no guest code runs", k,
					    in->exclusive);
			if (t == NULL || !t->used || t->func->inst != in || !t->exclusive)
				return flue_inv_fail(c, "inst %u: lock names %u, not a task of it holding it",
					    k, in->exclusive);
		}
		if (quiescent && !in->may_leave)
			return flue_inv_fail(c, "inst %u: may_leave clear while no guest code runs", k);
		/* Subtask handles name the task that names them back (a trapped
		 * instance's callers cut their ties: its handles dangle). */
		for (uint32_t i = 1; i < in->len && !in->poisoned; i++) {
			const struct flue_handle *h = &in->handles[i];
			if (h->kind != FLUE_H_SUBTASK)
				continue;
			uint32_t id = h->u.sub.task;
			const struct flue_task *t = id < FLUE_CONFIG_MAX_TASKS ? &s->tasks[id] : NULL;
			if (t == NULL || !t->used || t->origin != FLUE_ORIGIN_GUEST ||
			    t->caller_inst != k || t->sub_handle != i)
				return flue_inv_fail(c, "inst %u: subtask %u names task %u, which does not name "
					    "it back", k, i, id);
		}
		/* Callback loops waiting on a set are counted by it (no guest
		 * code running: nobody waits inside waitable-set.wait). */
		for (uint32_t si = 1; quiescent && !in->poisoned && si < in->len; si++) {
			if (in->handles[si].kind != FLUE_H_WAITABLE_SET)
				continue;
			uint32_t n = 0;
			for (uint32_t id = 0; id < FLUE_CONFIG_MAX_TASKS; id++) {
				const struct flue_task *t = &s->tasks[id];
				if (t->used && t->cond == FLUE_COND_WAIT && t->func->inst == in &&
				    t->arg == si)
					n++;
			}
			if (in->handles[si].u.wset.waiting != n)
				return flue_inv_fail(c, "inst %u: set %u counts %u waiters, %u tasks wait on it",
					    k, si, in->handles[si].u.wset.waiting, n);
		}
	}
	if (quiescent && (s->sched.current != FLUE_TASK_NONE || s->sched.depth != 0u))
		return flue_inv_fail(c, "current task %u, nesting depth %u while no guest code runs",
			    s->sched.current, s->sched.depth);
	return true;
}

/* -------------------------------------------------------------- executor */

/* Generations and host posts (flue/store.h, struct flue_task): a used
 * record's generation is never 0; a post slot is open only on a host
 * call's record, for its generation, until the call resolves; a pending
 * post is counted in sched.posted, which counts nothing else; one being
 * applied exists only inside an executor step. */
static bool check_post(struct flue_inv_ctx *c, const struct flue_task *t, uint32_t id, bool quiescent)
{
	uint32_t ps = (uint32_t)t->post.state;
	if (ps > (uint32_t)FLUE_POST_TAKEN)
		return flue_inv_fail(c, "task %u: post state %u out of range", id, ps);
	if (ps == (uint32_t)FLUE_POST_CLOSED)
		return true;
	if (!t->used || t->func == NULL || t->func->host_start == NULL)
		return flue_inv_fail(c, "task %u: post slot open (%u) on a record that is not a host call",
			    id, ps);
	if (t->post.gen != t->gen)
		return flue_inv_fail(c, "task %u: post slot open for generation %u, record at %u", id,
			    t->post.gen, t->gen);
	if (t->state == FLUE_TASK_RESOLVED)
		return flue_inv_fail(c, "task %u: post slot open (%u) on a resolved call", id, ps);
	if (ps == (uint32_t)FLUE_POST_FULL && t->post.ends)
		return flue_inv_fail(c, "task %u: a post pending for a result with ends", id);
	if (ps == (uint32_t)FLUE_POST_TAKEN && quiescent)
		return flue_inv_fail(c, "task %u: post being applied while no executor step runs", id);
	return true;
}

static bool check_exec(struct flue_inv_ctx *c, const struct flue_store *s, bool quiescent)
{
	uint32_t full = 0;
	for (uint32_t id = 0; id < FLUE_CONFIG_MAX_TASKS; id++) {
		const struct flue_task *t = &s->tasks[id];
		if (t->used && t->gen == 0u)
			return flue_inv_fail(c, "task %u: used with generation 0", id);
		if (!check_post(c, t, id, quiescent))
			return false;
		full += t->post.state == FLUE_POST_FULL;
	}
	if (full != s->sched.posted)
		return flue_inv_fail(c, "sched.posted %u, %u post slots full", s->sched.posted, full);
	const struct flue_sched *q = &s->sched;
	if (q->inv_count > FLUE_CONFIG_MAX_TASKS || q->inv_head >= FLUE_CONFIG_MAX_TASKS ||
	    q->ncancel > FLUE_CONFIG_MAX_TASKS)
		return flue_inv_fail(c, "posted queues out of range: %u invocations at %u, %u cancellations",
			    q->inv_count, q->inv_head, q->ncancel);
	for (uint32_t j = 0; j < q->inv_count; j++) {
		const struct flue_posted_invoke *p = &q->inv[(q->inv_head + j) % FLUE_CONFIG_MAX_TASKS];
		if (p->func == NULL || p->on_resolve == NULL || p->ticket == 0u)
			return flue_inv_fail(c, "queued invocation %u: function %p, on_resolve set %d, ticket %u",
				    j, (const void *)p->func, p->on_resolve != NULL, p->ticket);
	}
	return true;
}

/* ------------------------------------------------------------------- all */

static bool check_all(const struct flue_store *s, char *msg, size_t msgsz, bool quiescent)
{
	struct flue_inv_ctx c = { msg, msgsz };
	if (msg != NULL && msgsz > 0u)
		msg[0] = '\0';
	for (uint32_t k = 0; k < FLUE_CONFIG_MAX_INSTANCES; k++) {
		const struct flue_instance *in = &s->instances[k];
		if (in->id != k || in->store != s)
			return flue_inv_fail(&c, "instance slot %u: id %u / store pointer wrong", k, in->id);
		if (!in->live)
			continue;
		if (!check_table(&c, in) || !check_sets(&c, s, in) || !check_ends(&c, s, in))
			return false;
	}
	return check_shared(&c, s) && check_channels(&c, s) && check_tasks(&c, s, quiescent) &&
	       check_exec(&c, s, quiescent) && flue_invariants_sched(s, msg, msgsz);
}

bool flue_invariants_check(const struct flue_store *s, char *msg, size_t msgsz)
{
	return check_all(s, msg, msgsz, false);
}

bool flue_invariants_check_quiescent(const struct flue_store *s, char *msg, size_t msgsz)
{
	return check_all(s, msg, msgsz, true);
}

void flue_invariants_assert(const struct flue_store *s, const char *where)
{
	char msg[256];
	if (!flue_invariants_check(s, msg, sizeof msg)) {
		fprintf(stderr, "flue invariant violated (%s): %s\n", where != NULL ? where : "?",
			msg);
		abort();
	}
}
