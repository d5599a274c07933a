/* Shared rings, internal: what src/obj/ring.c gives the guest built-ins
 * (src/abi/ring.c). Functions marked "lock held" run under flue_port_lock(). */
#ifndef FLUE_OBJ_RING_H
#define FLUE_OBJ_RING_H

#include <flue/ring.h>

static inline bool flue_ring_pow2(uint32_t v)
{
	return v != 0u && (v & (v - 1u)) == 0u;
}

/* Storage placed by the embedder or attached by a guest. */
static inline bool flue_ring_has_storage(const struct flue_ring *r)
{
	return r->buf != 0 || r->window_inst != 0;
}

/* The guest of `role` dropped its companion end (left the ring). */
bool flue_ring_guest_gone(const struct flue_ring *r, enum flue_ring_role role);
/* Lock held: the other side of `role` is gone. */
bool flue_ring_peer_gone(const struct flue_ring *r, enum flue_ring_role role);
/* Where element 0 is now (the attaching guest's memory base + window), or
 * NULL when that guest has no memory. */
uint8_t *flue_ring_base(const struct flue_ring *r);
/* Lock held: committed elements the reader has not claimed yet. */
uint32_t flue_ring_unclaimed(const struct flue_ring *r);
/* Lock held: claim up to `max` contiguous elements for `role`; returns the
 * count and the first element's index in `*offset`. */
uint32_t flue_ring_claim(struct flue_ring *r, enum flue_ring_role role, uint32_t max,
			 uint32_t *offset);
/* Lock held: commit (writer) or release (reader) `n` claimed elements;
 * FLUE_EINVAL (nothing changed) if `n` exceeds the claim. */
int flue_ring_finish(struct flue_ring *r, enum flue_ring_role role, uint32_t n);
/* Lock not held: tell `role`'s peer that it may look again (a unit on a
 * guest peer's companion); `from_driver`: also wake the executor. */
void flue_ring_tell_peer(struct flue_ring *r, enum flue_ring_role role, bool from_driver);

#endif /* FLUE_OBJ_RING_H */
