/*
 * Stream and future shared objects: the rendezvous of the specification's
 * SharedStreamImpl / SharedFutureImpl. The outcome of every arriving op,
 * what a drop does to the other end (#720) and what an event reports when
 * it is delivered (#719) are pure, proved decisions (flue/copy_decide.h);
 * this file extracts the view, asks, and applies. A parked op's buffer is
 * (ptr, len) in the shared object, an offset resolved against the owner's
 * memory at copy time, and what it moved so far is `progress` in its end.
 * Only the parked op's buffer is ever looked at again: an op that does
 * not park completes (or is served by a driver channel) at once, and
 * delivery reports only its progress.
 *
 * An idle end has at most one event: the one-shot notification that the
 * other end was dropped. So "idle, and the shared object is dropped" is
 * exactly "notification not delivered yet"; delivery makes the end DONE.
 */
#include <flue/copy_decide.h>
#include "end.h"

_Static_assert((int)FLUE_COPY_EV_COMPLETED == (int)FLUE_RESULT_COMPLETED &&
		       (int)FLUE_COPY_EV_DROPPED == (int)FLUE_RESULT_DROPPED &&
		       (int)FLUE_COPY_EV_CANCELLED == (int)FLUE_RESULT_CANCELLED,
	       "the decision's results are flue's copy results");

static struct flue_shared *shared_of(struct flue_instance *inst, uint32_t idx)
{
	return &inst->store->shared[inst->handles[idx].u.end.shared];
}

static bool is_reader(uint8_t kind)
{
	return kind == FLUE_H_STREAM_READABLE || kind == FLUE_H_FUTURE_READABLE;
}

static bool is_future(uint8_t kind)
{
	return kind == FLUE_H_FUTURE_READABLE || kind == FLUE_H_FUTURE_WRITABLE;
}

/* One op arriving on end `idx`: everything it needs, looked up once (one
 * table get and one memory-range resolution per side, one type lookup). */
struct arrival {
	struct flue_instance *inst;
	uint32_t idx;
	struct flue_handle *h;
	struct flue_shared *sh;
	const struct flue_type_info *t;
	uint8_t *buf;                /* the arriving buffer, resolved by the caller */
	struct flue_instance *pinst; /* the parked op of the other side, if any */
	uint32_t pidx;
	struct flue_end *pe;
	uint8_t *pbuf;               /* the rest of its buffer, once resolved */
	bool at_once;                /* the caller delivers this end's event now */
	bool settled;                /* ... and it has one (not queued) */
};

/* The parked op of the other side: its instance, end index and end. */
static void find_parked(struct flue_store *s, struct arrival *a)
{
	struct flue_end_ref r = flue_shared_ref(a->sh, (enum flue_side)a->sh->pending);
	a->pinst = &s->instances[r.inst];
	a->pidx = r.handle;
	a->pe = &a->pinst->handles[r.handle].u.end;
}

/* The arriving op's own result. An op its caller delivers in the same call
 * (a->at_once) and that had no event yet never enters its waitable set:
 * it would be queued and unlinked again before anyone could look, and
 * other events keep their first-pending order (only stamps' order is ever
 * compared). An event already pending (an idle drop notification) is
 * updated in place, keeping its place. */
static void settle(struct arrival *a, uint8_t result)
{
	struct flue_end *e = &a->h->u.end;
	if (a->at_once && !e->w.has_event) {
		e->ev_result = result & 3u; /* an enum flue_copy_result */
		e->ev_reclaim = false;
		a->settled = true;
		return;
	}
	flue_end_notify(a->inst, a->idx, result, false);
}

/* Would moving n elements between the arriving op's buffer (no progress
 * yet, resolved by the caller) and the parked op's (the rest after its
 * progress) find both inside memory now? The arriving one was just checked;
 * the parked one was checked when its op started, but an embedder may have
 * shrunk that memory since (wasm memories never shrink; the reference
 * checks a buffer only when its op starts and then reads it as a valid
 * range). The op that would move the bytes is refused instead (validate,
 * then commit). The parked range is resolved here once and kept. */
static bool buffers_in_memory(struct arrival *a, uint32_t n)
{
	if (a->t->size == 0 || n == 0)
		return true;
	a->pbuf = flue_mem_elems(a->pinst, a->sh->ptr, a->pe->progress, n, a->t->size);
	return a->buf != 0 && a->pbuf != 0;
}

/* The rendezvous decision for the arriving op (extract, then decide).
 * The parked op's length is the shared object's `len`. */
static struct flue_copy_decision arrive_decide(struct arrival *a, uint32_t n)
{
	uint8_t kind = a->h->kind;
	struct flue_end *p = a->pe;
	bool forbidden = p != 0 && a->pinst == a->inst && !a->t->none_or_number;
	if (is_future(kind)) {
		struct flue_future_copy_view v = { a->sh->dropped, p != 0, forbidden,
						   !is_reader(kind) };
		return flue_future_copy_decide(v);
	}
	struct flue_stream_copy_view v = {
		a->sh->dropped, p != 0, p != 0 && a->sh->len == 0, forbidden, !is_reader(kind),
		p != 0 ? a->sh->len - p->progress : 0u, n,
	};
	return flue_stream_copy_decide(v);
}

/* Bytes move between the arriving op and the parked one, through the two
 * ranges buffers_in_memory() resolved (no guest code ran since). */
static void transfer(struct arrival *a, struct flue_copy_decision d)
{
	struct flue_end *e = &a->h->u.end;
	bool reading = is_reader(a->h->kind);
	if (a->t->size != 0 && d.count != 0)
		flue_copy_elems(a->t, reading ? a->buf : a->pbuf, reading ? a->pbuf : a->buf,
				d.count);
	e->progress += d.count;
	a->pe->progress += d.count;
	if (is_future(a->h->kind)) {
		/* Futures un-park the peer: both ops are complete. */
		a->sh->pending = FLUE_SIDE_NONE;
		flue_end_notify(a->pinst, a->pidx, FLUE_RESULT_COMPLETED, false);
	} else if (d.notify_pending) {
		/* The peer stays parked until its event is delivered, which
		 * reclaims its buffer (cumulative progress). */
		flue_end_notify(a->pinst, a->pidx, FLUE_RESULT_COMPLETED, true);
	}
	settle(a, FLUE_RESULT_COMPLETED);
}

static void start_op(struct flue_end *e)
{
	e->state = FLUE_END_COPYING;
	e->progress = 0;
}

/* The op of side `side` parks: the shared object keeps its buffer. */
static void park(struct flue_shared *sh, enum flue_side side, uint32_t ptr, uint32_t n)
{
	sh->pending = side & 3u; /* an enum flue_side */
	sh->ptr = ptr;
	sh->len = n;
}

static struct flue_event deliver_body(uint32_t idx, struct flue_handle *h,
				      struct flue_shared *sh);

int flue_end_copy_op(struct flue_instance *inst, uint32_t idx, uint32_t ptr, uint32_t n,
		     const struct flue_copy_args *args, struct flue_event *now)
{
	struct arrival a = { inst, idx, &inst->handles[idx], 0, args->t, args->buf,
			     0, 0, 0, 0, args->at_once, false };
	a.sh = &inst->store->shared[a.h->u.end.shared];
	enum flue_side mine = is_reader(a.h->kind) ? FLUE_SIDE_READER : FLUE_SIDE_WRITER;

	now->kind = FLUE_EVENT_NONE;
	if (a.sh->has_channel) {
		/* The other side is a driver channel: always present, buffered.
		 * It serves the op from the shared object's buffer, now or
		 * once parked (nothing else can be parked there). */
		start_op(&a.h->u.end);
		a.sh->ptr = ptr;
		a.sh->len = n;
		return flue_channel_copy(inst, idx);
	}
	if (a.sh->pending != FLUE_SIDE_NONE)
		find_parked(inst->store, &a);
	struct flue_copy_decision d = arrive_decide(&a, n);
	if (d.action == FLUE_COPY_TRAP)
		return FLUE_EPERM; /* nothing changed; the caller traps */
	if (d.action == FLUE_COPY_TRANSFER && !buffers_in_memory(&a, d.count))
		return FLUE_EINVAL; /* likewise */

	/* Apply. */
	start_op(&a.h->u.end);
	switch (d.action) {
	case FLUE_COPY_DROPPED:
		settle(&a, FLUE_RESULT_DROPPED);
		break;
	case FLUE_COPY_PARK:
		park(a.sh, mine, ptr, n);
		break;
	case FLUE_COPY_TRANSFER:
		transfer(&a, d);
		break;
	case FLUE_COPY_NOTIFY_PARK:
	default:
		flue_end_notify(a.pinst, a.pidx, FLUE_RESULT_COMPLETED, false);
		park(a.sh, mine, ptr, n); /* in the un-parked op's place */
		break;
	}
	if (a.settled)
		*now = deliver_body(idx, a.h, a.sh);
	return FLUE_OK;
}

/* `flatten`: the helpers it shares with flue_end_copy_op() are inlined
 * here too, so each keeps one caller the compiler inlines it into, and
 * the number types' op compiles as before (a helper left out of line cost
 * the M3 about 30 instructions per op, bench handoff_gg). */
__attribute__((flatten)) int flue_end_copy_meeting(struct flue_instance *inst, uint32_t idx, uint32_t n,
			  const struct flue_copy_args *args, struct flue_copy_meet *m)
{
	struct arrival a = { inst, idx, &inst->handles[idx], 0, args->t, args->buf,
			     0, 0, 0, 0, args->at_once, false };
	a.sh = &inst->store->shared[a.h->u.end.shared];
	m->count = 0;
	if (a.sh->has_channel)
		return FLUE_OK; /* a channel moves raw bytes: never a graph type */
	if (a.sh->pending != FLUE_SIDE_NONE)
		find_parked(inst->store, &a);
	struct flue_copy_decision d = arrive_decide(&a, n);
	if (d.action == FLUE_COPY_TRAP)
		return FLUE_EPERM;
	if (d.action != FLUE_COPY_TRANSFER || d.count == 0)
		return FLUE_OK;
	if (!buffers_in_memory(&a, d.count))
		return FLUE_EINVAL;
	m->inst = inst;
	m->peer = a.pinst;
	m->pptr = a.sh->ptr + a.pe->progress * a.t->size;
	m->count = d.count;
	m->reading = is_reader(a.h->kind);
	return FLUE_OK;
}

void flue_end_cancel(struct flue_instance *inst, uint32_t idx)
{
	struct flue_end *e = &inst->handles[idx].u.end;
	struct flue_shared *sh = shared_of(inst, idx);
	e->state = FLUE_END_CANCELLING;
	if (!e->w.has_event) {
		/* Without an event the op is the parked one: un-park it. Guest
		 * peers never hold a cancel open, so the result is immediate. */
		sh->pending = FLUE_SIDE_NONE;
		flue_end_notify(inst, idx, FLUE_RESULT_CANCELLED, false);
	}
}

/* Delivery without the waitable part: compute the event, perform the
 * end's state transition, reclaim its buffer. */
static struct flue_event deliver_body(uint32_t idx, struct flue_handle *h,
				      struct flue_shared *sh)
{
	struct flue_end *e = &h->u.end;
	struct flue_event ev;
	/* The end itself is alive, so a dropped shared object means the other
	 * end went away (a driver channel's close is not a drop). */
	struct flue_copy_event_view v = {
		is_future(h->kind), sh->dropped, e->state == FLUE_END_CANCELLING, e->ev_result,
	};
	struct flue_copy_event d = flue_copy_event_decide(v);

	if (e->ev_reclaim)
		sh->pending = FLUE_SIDE_NONE; /* the buffer goes back to the guest */
	e->state = d.done ? FLUE_END_DONE : FLUE_END_IDLE;
	ev.index = idx;
	ev.result = d.result;
	ev.progress = e->progress;
	if (is_future(h->kind))
		ev.kind = is_reader(h->kind) ? FLUE_EVENT_FUTURE_READ : FLUE_EVENT_FUTURE_WRITE;
	else
		ev.kind = is_reader(h->kind) ? FLUE_EVENT_STREAM_READ : FLUE_EVENT_STREAM_WRITE;
	return ev;
}

struct flue_event flue_end_deliver(struct flue_instance *inst, uint32_t idx)
{
	flue_waitable_clear_event(inst, idx);
	return deliver_body(idx, &inst->handles[idx], shared_of(inst, idx));
}

/* The end of side `side` if it lives in a handle table (not dropped, not
 * in transit, not a driver channel). */
static struct flue_end *attached(struct flue_store *s, struct flue_shared *sh,
				 enum flue_side side, struct flue_instance **pinst,
				 uint32_t *pidx)
{
	struct flue_end_ref r = flue_shared_ref(sh, side);
	if (r.inst >= FLUE_CONFIG_MAX_INSTANCES)
		return 0;
	*pinst = &s->instances[r.inst];
	*pidx = r.handle;
	return &(*pinst)->handles[r.handle].u.end;
}

/* The end of side `mine` goes away: mark the shared object dropped and
 * tell the other end, as flue_copy_drop_decide() says (a parked op ends
 * DROPPED with its progress, PR #708 for futures; an idle end gets its
 * one-shot notification, #720). */
static void drop_side(struct flue_store *s, struct flue_shared *sh, enum flue_side mine)
{
	enum flue_side other = mine == FLUE_SIDE_READER ? FLUE_SIDE_WRITER : FLUE_SIDE_READER;
	struct flue_instance *pinst = 0;
	uint32_t pidx = 0;
	struct flue_end *pe = attached(s, sh, other, &pinst, &pidx);
	struct flue_drop_view v = {
		sh->dropped, pe != 0, sh->pending == other,
		pe != 0 && pe->state == FLUE_END_IDLE,
	};
	uint8_t action = flue_copy_drop_decide(v);

	sh->dropped = true;
	sh->pending = FLUE_SIDE_NONE;
	/* A parked op is always an attached end's (only idle ends move). */
	if (action == FLUE_DROP_NOTIFY_PARKED && pe != 0)
		flue_end_notify(pinst, pidx, FLUE_RESULT_DROPPED, false);
	else if (action == FLUE_DROP_NOTIFY_IDLE)
		flue_end_peer_gone(pinst, pidx);
}

void flue_end_drop(struct flue_instance *inst, uint32_t idx)
{
	struct flue_store *s = inst->store;
	struct flue_handle *h = &inst->handles[idx];
	struct flue_shared *sh = shared_of(inst, idx);
	enum flue_side mine = is_reader(h->kind) ? FLUE_SIDE_READER : FLUE_SIDE_WRITER;

	if (sh->has_channel)
		flue_channel_guest_drop(s, flue_channel_of(s, h->u.end.shared));
	drop_side(s, sh, mine);
	flue_waitable_join(inst, idx, 0);
	if (mine == FLUE_SIDE_READER)
		sh->reader_inst = FLUE_REF_NONE;
	else
		sh->writer_inst = FLUE_REF_NONE;
	if (sh->reader_inst == FLUE_REF_NONE && sh->writer_inst == FLUE_REF_NONE)
		flue_shared_release(s, sh);
	flue_table_remove(inst, idx);
}

void flue_shared_discard_transit(struct flue_store *s, uint16_t si)
{
	/* A readable end lifted out of a table whose receiver is gone (the
	 * caller trapped): it is dropped like drop-readable would. */
	struct flue_shared *sh = &s->shared[si];
	if (sh->has_channel)
		flue_channel_guest_drop(s, flue_channel_of(s, si));
	drop_side(s, sh, FLUE_SIDE_READER);
	sh->reader_inst = FLUE_REF_NONE;
	if (sh->writer_inst == FLUE_REF_NONE)
		flue_shared_release(s, sh);
}

void flue_end_arrived(struct flue_instance *inst, uint32_t idx)
{
	/* An idle end whose writer is gone has an undelivered notification
	 * (delivery would have made it DONE, and a DONE end cannot move), so
	 * the notification is restored rather than carried: it reports the
	 * new index, and its stamp is the arrival's (the end is in no set). */
	uint16_t si = inst->handles[idx].u.end.shared;
	struct flue_shared *sh = &inst->store->shared[si];
	if (sh->dropped ||
	    (sh->has_channel && flue_channel_peer_gone(flue_channel_of(inst->store, si))))
		flue_end_peer_gone(inst, idx);
}
