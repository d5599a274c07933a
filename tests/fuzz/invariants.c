/*
 * Structural invariants of a flue store (see invariants.h). Written from
 * the data structures' documented meaning (flue/store.h), not from the
 * code that maintains them: every check walks the raw state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invariants.h"

struct ctx {
	char *msg;
	size_t msgsz;
};

__attribute__((format(printf, 2, 3))) static bool fail(struct ctx *c, const char *fmt, ...)
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

static bool check_table(struct ctx *c, const struct flue_instance *in)
{
	bool on_free[FLUE_CONFIG_MAX_HANDLES];
	uint32_t nfree = 0;
	unsigned id = in->id;

	if (in->len < 1u || in->len > (uint32_t)FLUE_CONFIG_MAX_HANDLES)
		return fail(c, "inst %u: len %u out of 1..%u", id, in->len,
			    (unsigned)FLUE_CONFIG_MAX_HANDLES);
	if (in->handles[0].kind != FLUE_H_FREE)
		return fail(c, "inst %u: index 0 is in use (kind %u)", id, in->handles[0].kind);
	memset(on_free, 0, sizeof on_free);
	for (uint32_t i = in->free_head; i != 0u; i = in->handles[i].u.next_free) {
		if (i >= in->len)
			return fail(c, "inst %u: free list names slot %u >= len %u", id, i, in->len);
		if (on_free[i])
			return fail(c, "inst %u: free list has a cycle through slot %u", id, i);
		if (in->handles[i].kind != FLUE_H_FREE)
			return fail(c, "inst %u: live slot %u (kind %u) on the free list", id, i,
				    in->handles[i].kind);
		on_free[i] = true;
		nfree++;
	}
	if (nfree != in->nfree)
		return fail(c, "inst %u: nfree %u, free list holds %u", id, in->nfree, nfree);
	for (uint32_t i = 1; i < in->len; i++) {
		uint8_t k = in->handles[i].kind;
		if (k > FLUE_H_ERROR_CONTEXT)
			return fail(c, "inst %u: slot %u has unknown kind %u", id, i, k);
		if (k == FLUE_H_FREE && !on_free[i])
			return fail(c, "inst %u: free slot %u is not on the free list (leak)", id, i);
	}
	for (uint32_t i = in->len; i < (uint32_t)FLUE_CONFIG_MAX_HANDLES; i++)
		if (in->handles[i].kind != FLUE_H_FREE)
			return fail(c, "inst %u: slot %u >= len %u is in use", id, i, in->len);
	return true;
}

/* ------------------------------------------------------- waitables, sets */

static bool check_sets(struct ctx *c, const struct flue_store *s, const struct flue_instance *in)
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
		if (!is_end(h->kind))
			continue;
		const struct flue_waitable *w = &h->u.end.w;
		if (w->wset == 0u)
			continue;
		if (w->wset >= in->len || in->handles[w->wset].kind != FLUE_H_WAITABLE_SET)
			return fail(c, "inst %u: waitable %u names %u, not a live waitable set", id,
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
			return fail(c, "inst %u: set %u counts %u members, %u waitables name it", id,
				    si, ws->members, naming[si]);
		uint32_t prev = 0, n = 0, prev_stamp = 0;
		for (uint32_t q = ws->head; q != 0u;) {
			if (q >= in->len || !is_end(in->handles[q].kind))
				return fail(c, "inst %u: set %u queue names %u, not a waitable", id,
					    si, q);
			const struct flue_waitable *w = &in->handles[q].u.end.w;
			if (queued[q])
				return fail(c, "inst %u: set %u queue holds %u twice", id, si, q);
			queued[q] = true;
			if (w->wset != si)
				return fail(c, "inst %u: set %u queue holds %u of set %u", id, si, q,
					    w->wset);
			if (!w->has_event)
				return fail(c, "inst %u: set %u queue holds %u without an event", id,
					    si, q);
			if (w->prev != prev)
				return fail(c, "inst %u: set %u queue: %u.prev = %u, expected %u", id,
					    si, q, w->prev, prev);
			if (n > 0u && !serial_lt(prev_stamp, w->stamp))
				return fail(c,
					    "inst %u: set %u queue out of stamp order: %u (stamp %u) "
					    "after %u (stamp %u)",
					    id, si, q, w->stamp, prev, prev_stamp);
			if (!serial_lt(w->stamp, s->clock))
				return fail(c, "inst %u: waitable %u stamp %u not before clock %u",
					    id, q, w->stamp, s->clock);
			prev_stamp = w->stamp;
			prev = q;
			n++;
			q = w->next;
		}
		if (ws->tail != prev)
			return fail(c, "inst %u: set %u tail %u, last queued %u", id, si, ws->tail,
				    prev);
		if (n != naming_ev[si])
			return fail(c, "inst %u: set %u queue has %u entries, %u members pending",
				    id, si, n, naming_ev[si]);
	}
	return true;
}

/* ------------------------------------------------------------------ ends */

static bool check_ends(struct ctx *c, const struct flue_store *s, const struct flue_instance *in)
{
	unsigned id = in->id;
	for (uint32_t i = 1; i < in->len; i++) {
		const struct flue_handle *h = &in->handles[i];
		if (!is_end(h->kind))
			continue;
		const struct flue_end *e = &h->u.end;
		if (e->shared >= FLUE_CONFIG_MAX_SHARED)
			return fail(c, "inst %u: end %u names shared %u out of range", id, i,
				    e->shared);
		const struct flue_shared *sh = &s->shared[e->shared];
		uint8_t want = is_future_end(h->kind) ? 2u : 1u;
		if (sh->kind == 0u)
			return fail(c, "inst %u: end %u names free shared object %u", id, i,
				    e->shared);
		if (sh->kind != want)
			return fail(c, "inst %u: end %u (kind %u) names shared %u of kind %u", id, i,
				    h->kind, e->shared, sh->kind);
		bool reader = is_readable(h->kind);
		const struct flue_end_ref *r = reader ? &sh->reader : &sh->writer;
		if (r->inst != in->id || r->handle != i)
			return fail(c, "inst %u: end %u: shared %u %s ref is (%u, %u)", id, i,
				    e->shared, reader ? "reader" : "writer", r->inst, r->handle);
		if (e->state > FLUE_END_DONE)
			return fail(c, "inst %u: end %u has unknown state %u", id, i, e->state);
		if (e->progress > e->len)
			return fail(c, "inst %u: end %u progress %u > len %u", id, i, e->progress,
				    e->len);
		bool busy = e->state == FLUE_END_COPYING || e->state == FLUE_END_CANCELLING;
		uint8_t side = reader ? FLUE_SIDE_READER : FLUE_SIDE_WRITER;
		if (busy && !e->w.has_event && sh->pending != side)
			return fail(c,
				    "inst %u: end %u in state %u has no event and is not parked "
				    "(lost event)",
				    id, i, e->state);
		if (e->state == FLUE_END_DONE && e->w.has_event)
			return fail(c, "inst %u: DONE end %u has an event", id, i);
		if (e->state == FLUE_END_IDLE && e->w.has_event)
			return fail(c, "inst %u: IDLE end %u has an event (no op)", id, i);
		if (e->w.has_event && e->ev_result > FLUE_RESULT_CANCELLED)
			return fail(c, "inst %u: end %u event result %u", id, i, e->ev_result);
	}
	return true;
}

/* -------------------------------------------------------- shared objects */

static bool check_ref(struct ctx *c, const struct flue_store *s, uint32_t si,
		      const struct flue_end_ref *r, bool reader)
{
	const struct flue_shared *sh = &s->shared[si];
	const char *side = reader ? "reader" : "writer";
	if (r->inst >= FLUE_CONFIG_MAX_INSTANCES)
		return fail(c, "shared %u: %s ref names instance %u", si, side, r->inst);
	const struct flue_instance *in = &s->instances[r->inst];
	if (!in->live)
		return fail(c, "shared %u: %s ref names dead instance %u", si, side, r->inst);
	if (r->handle == 0u || r->handle >= in->len)
		return fail(c, "shared %u: %s ref names handle %u of inst %u (len %u)", si, side,
			    r->handle, r->inst, in->len);
	uint8_t want = sh->kind == 2u ? (reader ? FLUE_H_FUTURE_READABLE : FLUE_H_FUTURE_WRITABLE)
				      : (reader ? FLUE_H_STREAM_READABLE : FLUE_H_STREAM_WRITABLE);
	const struct flue_handle *h = &in->handles[r->handle];
	if (h->kind != want)
		return fail(c, "shared %u: %s ref (%u, %u) has kind %u, expected %u", si, side,
			    r->inst, r->handle, h->kind, want);
	if (h->u.end.shared != si)
		return fail(c, "shared %u: %s ref (%u, %u) names shared %u", si, side, r->inst,
			    r->handle, h->u.end.shared);
	return true;
}

static bool check_shared(struct ctx *c, const struct flue_store *s)
{
	bool on_free[FLUE_CONFIG_MAX_SHARED];

	if (s->shared_unused > FLUE_CONFIG_MAX_SHARED)
		return fail(c, "shared_unused %u > pool size", s->shared_unused);
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++) {
		const struct flue_shared *sh = &s->shared[si];
		if (sh->kind > 2u)
			return fail(c, "shared %u: unknown kind %u", si, sh->kind);
		if (si >= s->shared_unused) {
			/* Never handed out: free, refs not meaningful. */
			if (sh->kind != 0u)
				return fail(c, "shared %u: live beyond shared_unused %u", si,
					    s->shared_unused);
			continue;
		}
		bool has_r = sh->reader.inst != FLUE_REF_NONE;
		bool has_w = sh->writer.inst != FLUE_REF_NONE;
		bool live = sh->kind != 0u;
		if (live != (has_r || has_w))
			return fail(c, "shared %u: kind %u but refs (%u, %u)", si, sh->kind,
				    sh->reader.inst, sh->writer.inst);
		if (!live)
			continue;
		if (sh->type == 0u || sh->type > s->ntypes)
			return fail(c, "shared %u: type %u not registered", si, sh->type);
		if (has_r && !check_ref(c, s, si, &sh->reader, true))
			return false;
		if (has_w && !check_ref(c, s, si, &sh->writer, false))
			return false;
		if (sh->channel == NULL && !(has_r && has_w) && !sh->dropped)
			return fail(c, "shared %u: an end is gone but not marked dropped", si);
		if (sh->pending > FLUE_SIDE_WRITER)
			return fail(c, "shared %u: unknown pending side %u", si, sh->pending);
		if (sh->pending != FLUE_SIDE_NONE) {
			bool rd = sh->pending == FLUE_SIDE_READER;
			const struct flue_end_ref *r = rd ? &sh->reader : &sh->writer;
			if (r->inst == FLUE_REF_NONE)
				return fail(c, "shared %u: parked %s end no longer exists", si,
					    rd ? "reader" : "writer");
			const struct flue_end *e = &s->instances[r->inst].handles[r->handle].u.end;
			if (e->state != FLUE_END_COPYING && e->state != FLUE_END_CANCELLING)
				return fail(c, "shared %u: parked end (%u, %u) in state %u", si,
					    r->inst, r->handle, e->state);
			if (e->progress > e->len)
				return fail(c, "shared %u: parked end progress %u > len %u", si,
					    e->progress, e->len);
			if (sh->dropped)
				return fail(c, "shared %u: dropped, yet an op is parked", si);
		}
	}
	memset(on_free, 0, sizeof on_free);
	for (uint32_t v = s->shared_free; v != 0u; v = s->shared[v - 1u].next_free) {
		uint32_t si = v - 1u;
		if (si >= s->shared_unused)
			return fail(c, "shared free list names %u >= shared_unused %u", si,
				    s->shared_unused);
		if (on_free[si])
			return fail(c, "shared free list has a cycle through %u", si);
		if (s->shared[si].kind != 0u)
			return fail(c, "live shared %u on the free list", si);
		on_free[si] = true;
	}
	for (uint32_t si = 0; si < s->shared_unused; si++)
		if (s->shared[si].kind == 0u && !on_free[si])
			return fail(c, "free shared %u is not on the free list (leak)", si);
	return true;
}

/* ------------------------------------------------------------------- all */

bool flue_invariants_check(const struct flue_store *s, char *msg, size_t msgsz)
{
	struct ctx c = { msg, msgsz };
	if (msg != NULL && msgsz > 0u)
		msg[0] = '\0';
	for (uint32_t k = 0; k < FLUE_CONFIG_MAX_INSTANCES; k++) {
		const struct flue_instance *in = &s->instances[k];
		if (in->id != k || in->store != s)
			return fail(&c, "instance slot %u: id %u / store pointer wrong", k, in->id);
		if (!in->live)
			continue;
		if (!check_table(&c, in) || !check_sets(&c, s, in) || !check_ends(&c, s, in))
			return false;
	}
	return check_shared(&c, s);
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
