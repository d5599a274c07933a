/*
 * A stream's or future's shared object and its two ends, below everything
 * that operates on them: making one (both ends in one table), freeing it,
 * and the one-shot drop notification of an idle end (flue_end_notify,
 * which gives an end its event, is inline in end.h: it is on every stream
 * op's path). The rendezvous (stream.c), the driver channels
 * (channel.c) and forwarding (forward.c) call these; nothing here calls
 * them, so the object layer's files call each other in one direction only.
 */
#include "end.h"

int flue_shared_new(struct flue_instance *inst, flue_type_t t, bool is_future_obj,
		    uint32_t *readable, uint32_t *writable)
{
	struct flue_store *s = inst->store;
	uint16_t si;
	/* Check both resources before taking either (validate, then commit). */
	if (flue_table_room(inst) < 2u)
		return FLUE_ENOSPC;
	if (s->shared_free != 0) {
		si = (uint16_t)(s->shared_free - 1u);
	} else if (s->shared_unused < FLUE_CONFIG_MAX_SHARED) {
		si = s->shared_unused;
	} else {
		return FLUE_ENOMEM;
	}
	if (s->shared_free != 0)
		s->shared_free = s->shared[si].next_free;
	else
		s->shared_unused++;

	struct flue_shared *sh = &s->shared[si];
	sh->kind = is_future_obj ? 2u : 1u;
	sh->type = t;
	sh->dropped = false;
	sh->pending = FLUE_SIDE_NONE;
	sh->has_channel = false;
	*readable = flue_table_add(inst, is_future_obj ? FLUE_H_FUTURE_READABLE
						     : FLUE_H_STREAM_READABLE);
	*writable = flue_table_add(inst, is_future_obj ? FLUE_H_FUTURE_WRITABLE
						     : FLUE_H_STREAM_WRITABLE);
	inst->handles[*readable].u.end.shared = si;
	inst->handles[*writable].u.end.shared = si;
	flue_shared_set_ref(sh, FLUE_SIDE_READER, inst->id, *readable);
	flue_shared_set_ref(sh, FLUE_SIDE_WRITER, inst->id, *writable);
	return FLUE_OK;
}

void flue_shared_release(struct flue_store *s, struct flue_shared *sh)
{
	uint16_t si = (uint16_t)(sh - s->shared);
	sh->kind = 0;
	sh->has_channel = false;
	sh->next_free = s->shared_free;
	s->shared_free = (uint16_t)(si + 1u);
}

void flue_end_peer_gone(struct flue_instance *inst, uint32_t idx)
{
	struct flue_end *e = &inst->handles[idx].u.end;
	if (e->state != FLUE_END_IDLE || e->w.has_event)
		return; /* busy (its op reports the drop) or already told */
	e->progress = 0; /* not the last op's count: nothing moved */
	flue_end_notify(inst, idx, FLUE_RESULT_DROPPED, false);
}
