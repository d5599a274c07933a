/*
 * Giving a stream/future end its event, inline: every stream op that
 * completes or un-parks one does it. A header of its own, included by the
 * files that notify ends (shared.c, stream.c, forward.c), so that obj.h,
 * which wset.c includes, does not call into wset.c.
 */
#ifndef FLUE_OBJ_END_H
#define FLUE_OBJ_END_H

#include "obj.h"

/* Give end (inst, idx) a pending event with this result (an enum
 * flue_copy_result); `reclaim`: its delivery gives the parked buffer back.
 * Inline: every stream op that completes or un-parks one calls it. */
static inline void flue_end_notify(struct flue_instance *inst, uint32_t idx, uint8_t result,
				   bool reclaim)
{
	struct flue_end *e = &inst->handles[idx].u.end;
	e->ev_result = result & 3u; /* an enum flue_copy_result */
	e->ev_reclaim = reclaim;
	flue_waitable_set_event(inst, idx);
}

#endif /* FLUE_OBJ_END_H */
