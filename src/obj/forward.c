/*
 * stream.forward / future.forward at the object level (#717). The guest
 * gives up the readable end r of a shared object S and the writable end w
 * of another, D; what S's writer writes, D's reader then reads. As in the
 * reference, nothing is copied or chained: D's readable end, wherever it
 * lives, is re-attached to S (its slot's `shared` and S's `reader`
 * reference change), and D disappears together with r and w.
 *
 * What D's reader was doing carries over: a parked read is issued again
 * against S (the same rendezvous decision as an arriving read, keeping the
 * progress it already made), and a reader that was dropped makes S
 * dropped from the reader's side. A driver channel on either side moves
 * the same way; two channels cannot be joined (flue_forward_check()).
 *
 * Every check is made by the caller and flue_forward_check() before
 * flue_forward() changes anything (validate, then commit).
 */
#include <flue/channel.h>
#include <flue/copy_decide.h>
#include "end.h"

#if FLUE_CONFIG_FORWARD

static struct flue_shared *shared_at(struct flue_instance *inst, uint32_t idx)
{
	return &inst->store->shared[inst->handles[idx].u.end.shared];
}

/* An end referenced by a shared object and living in a handle table: not
 * dropped, not a driver channel. (D's reader is never in transit here: an
 * end is in transit only between the lift and the lower of one call, and
 * no other guest code runs in between.) */
static bool attached(struct flue_end_ref r)
{
	return r.inst != FLUE_REF_NONE && r.inst != FLUE_REF_TRANSIT;
}

/* Whether the rest of the buffer of the op parked on `sh` (its `ptr` and
 * `len`, after the parked end's progress) lies inside its instance's
 * memory now. */
static bool rest_in_memory(struct flue_store *s, const struct flue_shared *sh,
			   const struct flue_type_info *t)
{
	struct flue_end_ref r = flue_shared_ref(sh, (enum flue_side)sh->pending);
	if (!attached(r))
		return true; /* no guest buffer */
	const struct flue_instance *in = &s->instances[r.inst];
	const struct flue_end *e = &in->handles[r.handle].u.end;
	uint32_t rest = sh->len - e->progress;
	return t->size == 0 || rest == 0 ||
	       flue_mem_elems(in, sh->ptr, e->progress, rest, t->size) != 0;
}

int flue_forward_check(struct flue_instance *inst, uint32_t ri, uint32_t wi)
{
	struct flue_shared *src = shared_at(inst, ri), *dst = shared_at(inst, wi);
	if (src == dst)
		return FLUE_OK;
	/* A shared object has room for one channel: the data would have to
	 * flow from one ring to the other with no guest op to carry it. */
	if (src->has_channel && dst->has_channel)
		return FLUE_ENOTSUP;
	/* Only a parked read meeting a parked write can hit the same-instance
	 * rule; a dropped D has no parked read (the drop un-parked it). */
	if (dst->pending != FLUE_SIDE_READER || src->pending != FLUE_SIDE_WRITER)
		return FLUE_OK;
	const struct flue_type_info *t = flue_type_get(inst->store, src->type);
	if (dst->reader_inst == src->writer_inst && !t->none_or_number)
		return FLUE_EPERM;
	/* The re-issued read moves bytes between two parked guest buffers,
	 * each checked only when its op started: refuse if an embedder shrank
	 * either memory since (the rest of both must be there). */
	if (!rest_in_memory(inst->store, dst, t) || !rest_in_memory(inst->store, src, t))
		return FLUE_EINVAL;
	return FLUE_OK;
}

/* A parked read's buffer, taken from D before D is freed. */
struct read_buf {
	uint32_t ptr, len;
};

/* Move n elements from S's parked writer w (its buffer is S's) to reader
 * r (buffer rb), each at its own progress, resolved again now (design
 * note 1); flue_forward_check() made sure both are in memory. */
static void move_elems(const struct flue_shared *src, struct flue_instance *winst,
		       struct flue_end *w, struct flue_instance *rinst, struct flue_end *r,
		       struct read_buf rb, const struct flue_type_info *t, uint32_t n)
{
	if (t->size != 0 && n != 0) {
		const uint8_t *from = flue_mem_elems(winst, src->ptr, w->progress, n, t->size);
		uint8_t *to = flue_mem_elems(rinst, rb.ptr, r->progress, n, t->size);
		flue_copy_elems(t, to, from, n);
	}
	w->progress += n;
	r->progress += n;
}

/* The rendezvous decision for reader end `re` (buffer length rlen)
 * arriving at S with what is left of its buffer; `pe` is S's parked
 * writer (its length S's `len`) or NULL. */
static struct flue_copy_decision decide(const struct flue_shared *src, const struct flue_end *re,
					uint32_t rlen, const struct flue_end *pe)
{
	if (src->kind == 2u) {
		struct flue_future_copy_view v = { src->dropped, pe != 0, false, false };
		return flue_future_copy_decide(v);
	}
	struct flue_stream_copy_view v = {
		src->dropped, pe != 0, pe != 0 && src->len == 0, false, false,
		pe != 0 ? src->len - pe->progress : 0u, rlen - re->progress,
	};
	return flue_stream_copy_decide(v);
}

/* The re-issued read parks on S: S keeps its buffer from now on. */
static void park_read(struct flue_shared *src, struct read_buf rb)
{
	src->pending = FLUE_SIDE_READER;
	src->ptr = rb.ptr;
	src->len = rb.len;
}

/* D's parked read, on end rd with buffer rb, issued again against S: it
 * stays COPYING with its buffer and progress; the decision and its
 * application are an arriving read's (src/obj/stream.c), minus the
 * same-instance trap, which flue_forward_check() ruled out. */
static void reissue(struct flue_store *s, struct flue_shared *src, struct flue_end_ref rd,
		    struct read_buf rb)
{
	struct flue_instance *rinst = &s->instances[rd.inst];
	struct flue_end *re = &rinst->handles[rd.handle].u.end;
	if (src->has_channel) {
		/* S's writer is the channel, so nothing is parked on S: the
		 * channel serves the read from S's buffer, or it parks. */
		src->ptr = rb.ptr;
		src->len = rb.len;
		(void)flue_channel_copy(rinst, rd.handle);
		return;
	}
	struct flue_instance *winst = 0;
	struct flue_end *pe = 0;
	if (src->pending == FLUE_SIDE_WRITER) {
		winst = &s->instances[src->writer_inst];
		pe = &winst->handles[src->writer_handle].u.end;
	}
	struct flue_copy_decision d = decide(src, re, rb.len, pe);
	switch (d.action) {
	case FLUE_COPY_DROPPED:
		flue_end_notify(rinst, rd.handle, FLUE_RESULT_DROPPED, false);
		break;
	case FLUE_COPY_PARK:
		park_read(src, rb); /* an earlier partial event keeps its reclaim */
		break;
	case FLUE_COPY_TRANSFER:
		move_elems(src, winst, pe, rinst, re, rb, flue_type_get(s, src->type), d.count);
		if (src->kind == 2u) {
			src->pending = FLUE_SIDE_NONE; /* both future ops are complete */
			flue_end_notify(winst, src->writer_handle, FLUE_RESULT_COMPLETED, false);
		} else if (d.notify_pending) {
			flue_end_notify(winst, src->writer_handle, FLUE_RESULT_COMPLETED, true);
		}
		flue_end_notify(rinst, rd.handle, FLUE_RESULT_COMPLETED, false);
		break;
	case FLUE_COPY_NOTIFY_PARK:
		flue_end_notify(winst, src->writer_handle, FLUE_RESULT_COMPLETED, false);
		park_read(src, rb); /* in the un-parked write's place */
		break;
	default: /* FLUE_COPY_TRAP: excluded by flue_forward_check() */
		break;
	}
}

/* Remove an end the guest gave up. It is idle and in no set; an event it
 * may still have (a drop notification of an idle end) goes with it. */
static void forget(struct flue_instance *inst, uint32_t idx)
{
	flue_waitable_clear_event(inst, idx);
	flue_table_remove(inst, idx);
}

/* Free shared object `si`, whose two ends are gone and which has nothing
 * left to tell anyone: marked dropped, with no parked op and no channel,
 * the reader-gone path only releases it. */
static void retire(struct flue_store *s, uint16_t si)
{
	struct flue_shared *sh = &s->shared[si];
	sh->dropped = true;
	sh->pending = FLUE_SIDE_NONE;
	sh->has_channel = false;
	sh->writer_inst = FLUE_REF_NONE;
	flue_shared_discard_transit(s, si);
}

/* D's driver channel (the reader side) now serves S. A write parked on S
 * is offered to it at once, as a guest write would be; an idle writer
 * learns now if the channel's host side is already closed (#720); if S's
 * writer is already gone, the channel is told so (it drains, then ends)
 * and S is freed. */
static void move_channel(struct flue_store *s, uint16_t si, struct flue_channel *c)
{
	struct flue_shared *src = &s->shared[si];
	src->has_channel = true;
	c->shared = si;
	if (src->dropped) {
		flue_shared_discard_transit(s, si);
	} else if (src->pending == FLUE_SIDE_WRITER) {
		/* flue_channel_copy() serves it from S's buffer (its own), or
		 * parks it again. */
		src->pending = FLUE_SIDE_NONE;
		(void)flue_channel_copy(&s->instances[src->writer_inst], src->writer_handle);
	} else if (attached(flue_shared_ref(src, FLUE_SIDE_WRITER))) {
		flue_end_arrived(&s->instances[src->writer_inst], src->writer_handle);
	}
}

void flue_forward(struct flue_instance *inst, uint32_t ri, uint32_t wi)
{
	struct flue_store *s = inst->store;
	uint16_t si = inst->handles[ri].u.end.shared, di = inst->handles[wi].u.end.shared;
	/* The reference removes ri, then wi: the next new handle gets wi's index. */
	forget(inst, ri);
	forget(inst, wi);
	if (si == di) {
		retire(s, si); /* both ends of one stream/future: nothing else happens */
		return;
	}
	struct flue_shared *src = &s->shared[si], *dst = &s->shared[di];
	/* What D knows goes away with it: take it first (freeing D reuses
	 * its buffer fields for the free list). */
	struct flue_end_ref reader = flue_shared_ref(dst, FLUE_SIDE_READER);
	struct flue_channel *c = dst->has_channel ? flue_channel_of(s, di) : 0;
	struct read_buf rb = { dst->ptr, dst->len };
	bool reader_dropped = dst->dropped, parked = dst->pending == FLUE_SIDE_READER;
	retire(s, di);
	flue_shared_set_ref(src, FLUE_SIDE_READER, reader.inst, reader.handle);
	if (attached(reader))
		s->instances[reader.inst].handles[reader.handle].u.end.shared = si;
	if (c != 0)
		move_channel(s, si, c);
	else if (reader_dropped)
		flue_shared_discard_transit(s, si); /* S's writer learns the reader is gone */
	else if (parked)
		reissue(s, src, reader, rb);
	else if (attached(reader))
		/* An idle reader now on a stream whose writer is gone gets the
		 * drop notification r would have delivered (#720), as an end
		 * that arrives by a transfer does: else a wait on its set could
		 * block for good. */
		flue_end_arrived(&s->instances[reader.inst], reader.handle);
}

#else
/* ISO C wants a declaration in every translation unit. */
typedef int flue_forward_disabled_t;
#endif /* FLUE_CONFIG_FORWARD */
