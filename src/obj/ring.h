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

/* The guest of `role` left the ring: its companion end dropped, or its
 * instance destroyed (the slot may hold
 * a new instance by now, another creation of it: `gen`). Inline, as is
 * the next: every built-in asks (role_of), and a call into ring.c cost a
 * guest's claim and finish more than their own work. A driver reads
 * `live` and `gen` here without the executor's writes being ordered
 * against it: it may see a destroy one call late, never a torn value. */
static inline bool flue_ring_guest_gone(const struct flue_ring *r, enum flue_ring_role role)
{
	const struct flue_instance *g = r->end[role];
	return r->companion[role].guest_closed ||
	       (g != 0 && (!g->live || g->gen != r->end_gen[role]));
}

/* Lock held. The other side of `role` is gone. A guest is told through
 * its companion, which is closed when the driver closes or the guest peer
 * leaves; a driver sees its guest peer's companion end dropped. */
static inline bool flue_ring_peer_gone(const struct flue_ring *r, enum flue_ring_role role)
{
	enum flue_ring_role peer = role == FLUE_RING_WRITER ? FLUE_RING_READER : FLUE_RING_WRITER;
	if (r->end[role] != 0)
		return r->companion[role].host_closed;
	if (r->end[peer] != 0)
		return flue_ring_guest_gone(r, peer);
	return r->host_closed;
}

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
