/*
 * Shared rings (flue/ring.h): the driver side and the index arithmetic the
 * guest built-ins (src/abi/ring.c) share. Indices are free-running element
 * counts touched only under flue_port_lock(): the driver side may be an
 * interrupt handler. Every index step is one of Gale's ring_buf decisions;
 * readiness goes to guests through unit channels (src/obj/channel.c).
 *
 * Costs: every operation is O(1) apart from flue_ring_get_copy(), which
 * copies the bytes it returns (at most two contiguous parts).
 */
#include <string.h>

#include <flue/port.h>
#include <flue/ring.h>
#include <gale/gale_ring_buf.h>
#include "obj.h"
#include "ring.h"

#define RING_MAX_BYTES 0x80000000u

int flue_ring_init(struct flue_ring *r, uint32_t elem_size, uint32_t capacity)
{
	if (r == 0 || elem_size == 0u || !flue_ring_pow2(capacity) ||
	    (uint64_t)elem_size * capacity > RING_MAX_BYTES)
		return FLUE_EINVAL;
	memset(r, 0, sizeof *r);
	r->elem_size = elem_size;
	r->capacity = capacity;
	/* One unit waits at most in each companion: it says "look again". */
	for (int i = 0; i < 2; i++)
		(void)flue_channel_init(&r->companion[i], 0, 0, 1);
	r->companion[FLUE_RING_WRITER].linked = &r->companion[FLUE_RING_READER];
	r->companion[FLUE_RING_READER].linked = &r->companion[FLUE_RING_WRITER];
	return FLUE_OK;
}

int flue_ring_place(struct flue_ring *r, void *buf)
{
	if (r == 0 || buf == 0 || r->elem_size == 0u || flue_ring_has_storage(r))
		return FLUE_EINVAL;
	r->buf = buf;
	return FLUE_OK;
}

/* A guest role is free if no guest holds it or its guest is gone. */
static bool role_free(const struct flue_ring *r, enum flue_ring_role role)
{
	return r->end[role] == 0 || flue_ring_guest_gone(r, role);
}

/* A new session for `role`'s new guest: what the previous guest left
 * behind (its window; with a driver peer, the indices) is forgotten and a
 * driver's end is open again, under the lock (the driver may be calling
 * in). A guest peer saw the ring end when the previous guest left (its
 * companion was closed): between two guests a ring ends for good, so the
 * new guest is told at once too, and the indices stay as they are (the
 * peer may still finish a claim it holds). */
static void ring_restart(struct flue_ring *r, enum flue_ring_role role)
{
	flue_port_key_t key = flue_port_lock();
	if (r->end[!role] == 0) {
		r->put_head = r->put_tail = r->get_head = r->get_tail = 0;
		r->host_closed = false;
	}
	if (r->window_inst == r->end[role]) {
		r->window_inst = 0;
		r->window = r->window_bytes = 0;
	}
	flue_port_unlock(key);
	if (r->end[!role] != 0) /* executor thread: no wake (4eb0386) */
		flue_channel_mark_closed(&r->companion[role]);
}

int flue_ring_connect(struct flue_ring *r, enum flue_ring_role role, struct flue_instance *inst,
		      flue_type_t unit, uint32_t *end)
{
	if (r == 0 || r->elem_size == 0u || (role != FLUE_RING_WRITER && role != FLUE_RING_READER) ||
	    !flue_instance_ok(inst) || end == 0 || !role_free(r, role) || r->end[!role] == inst)
		return FLUE_EINVAL;
	const struct flue_type_info *t = flue_type_get(inst->store, unit);
	if (t == 0 || t->size != 0u)
		return FLUE_EINVAL;
	struct flue_store *s = inst->store;
	bool again = r->end[role] != 0;
	int rc = flue_channel_attach(&r->companion[role], inst, unit, true, false, end);
	if (rc != FLUE_OK)
		return rc;
	if (again)
		ring_restart(r, role);
	r->end[role] = inst;
	r->end_gen[role] = inst->gen;
	/* Between two guests the runtime feeds both companions: they must not
	 * keep the executor waiting as a driver's channel does. */
	bool two_guests = r->end[!role] != 0;
	r->companion[role].internal = two_guests;
	r->companion[!role].internal = two_guests;
	struct flue_ring **pp = &s->rings;
	while (*pp != 0 && *pp != r)
		pp = &(*pp)->next;
	if (*pp == 0)
		*pp = r;
	return FLUE_OK;
}

/* Is the instance that attached the window still there? Once destroyed
 * its slot may hold a new instance, with no memory yet or data of its own
 * at the window's old offset: the window is no storage any more. (A guest
 * that only dropped its companion left the ring, but what it committed is
 * still in its memory: a driver drains it.) */
static bool window_current(const struct flue_ring *r)
{
	const struct flue_instance *w = r->window_inst;
	for (int role = FLUE_RING_WRITER; role <= FLUE_RING_READER; role++)
		if (r->end[role] == w)
			return w->live && w->gen == r->end_gen[role];
	return false;
}

uint8_t *flue_ring_base(const struct flue_ring *r)
{
	if (r->window_inst != 0) {
		uint8_t *const *data = r->window_inst->mem_data;
		if (!window_current(r) || data == 0 || *data == 0)
			return 0;
		return *data + r->window;
	}
	return r->buf;
}

uint32_t flue_ring_unclaimed(const struct flue_ring *r)
{
	return gale_ring_buf_size_get(r->put_tail, r->get_head);
}

uint32_t flue_ring_claim(struct flue_ring *r, enum flue_ring_role role, uint32_t max,
			 uint32_t *offset)
{
	uint32_t *head = role == FLUE_RING_WRITER ? &r->put_head : &r->get_head;
	uint32_t avail = role == FLUE_RING_WRITER
				 ? gale_ring_buf_space_get(r->put_head, r->get_tail, r->capacity)
				 : flue_ring_unclaimed(r);
	/* Gale's claim does not bound by space or data: clamp first, as
	 * Zephyr's ring_buf_put_claim does. */
	struct gale_ring_buf_claim_decision d =
		gale_ring_buf_claim_decide(*head, 0u, r->capacity, max < avail ? max : avail);
	*head += d.claim_size;
	*offset = d.buffer_offset;
	return d.claim_size;
}

int flue_ring_finish(struct flue_ring *r, enum flue_ring_role role, uint32_t n)
{
	uint32_t *head = role == FLUE_RING_WRITER ? &r->put_head : &r->get_head;
	uint32_t *tail = role == FLUE_RING_WRITER ? &r->put_tail : &r->get_tail;
	if (gale_ring_buf_finish_validate(*head, *tail, n, r->capacity) != FLUE_OK)
		return FLUE_EINVAL;
	*tail += n;
	*head = *tail; /* the rest of the claim is given back */
	return FLUE_OK;
}

void flue_ring_tell_peer(struct flue_ring *r, enum flue_ring_role role, bool from_driver)
{
	enum flue_ring_role peer = role == FLUE_RING_WRITER ? FLUE_RING_READER : FLUE_RING_WRITER;
	/* A unit already waiting (EAGAIN) or a peer gone (EPIPE) is fine: the
	 * peer looks at the indices, the unit only tells its waitable set. */
	if (r->end[peer] != 0)
		(void)flue_channel_put(&r->companion[peer], 0, 1);
	/* From a driver (an interrupt, another thread): wake the executor,
	 * once, even when a unit was waiting already — a guest that polls the
	 * ring without reading its companion must see every commit. From the
	 * executor's own thread no wake: its loop pumps the companion this
	 * round, and a driver peer looks at the ring when it runs (a wake
	 * here would only cost the embedder's loop a turn). */
	if (from_driver)
		flue_port_wake();
}

/* ------------------------------------------------------------ the driver */

/* The role a driver may play: not held by a guest, the ring placed. */
static bool driver_may(const struct flue_ring *r, enum flue_ring_role role)
{
	return r->elem_size != 0u && r->end[role] == 0 && flue_ring_has_storage(r);
}

int32_t flue_ring_put_claim(struct flue_ring *r, uint32_t max, void **slot)
{
	if (r == 0 || slot == 0 || max == 0u)
		return FLUE_EINVAL;
	flue_port_key_t key = flue_port_lock();
	int32_t rc;
	uint32_t off = 0;
	uint8_t *base = 0;
	if (!driver_may(r, FLUE_RING_WRITER)) {
		rc = FLUE_EINVAL;
	} else if (r->host_closed || flue_ring_peer_gone(r, FLUE_RING_WRITER)) {
		rc = FLUE_EPIPE;
	} else if ((base = flue_ring_base(r)) == 0) {
		rc = FLUE_EINVAL;
	} else {
		uint32_t n = flue_ring_claim(r, FLUE_RING_WRITER, max, &off);
		rc = n > 0u ? (int32_t)n : FLUE_EAGAIN;
		if (n > 0u)
			*slot = base + (size_t)off * r->elem_size;
	}
	flue_port_unlock(key);
	return rc;
}

int flue_ring_put_commit(struct flue_ring *r, uint32_t n)
{
	if (r == 0)
		return FLUE_EINVAL;
	flue_port_key_t key = flue_port_lock();
	int rc = driver_may(r, FLUE_RING_WRITER) ? flue_ring_finish(r, FLUE_RING_WRITER, n)
						 : FLUE_EINVAL;
	flue_port_unlock(key);
	if (rc == FLUE_OK && n > 0u)
		flue_ring_tell_peer(r, FLUE_RING_WRITER, true);
	return rc;
}

/* Claim up to `max` for the driver reader: both contiguous parts. Lock
 * held; claims accumulate, so one finish releases both. */
static uint32_t claim_both(struct flue_ring *r, uint32_t max, uint32_t off[2], uint32_t n[2])
{
	n[0] = flue_ring_claim(r, FLUE_RING_READER, max, &off[0]);
	n[1] = n[0] < max ? flue_ring_claim(r, FLUE_RING_READER, max - n[0], &off[1]) : 0u;
	return n[0] + n[1];
}

int32_t flue_ring_get_copy(struct flue_ring *r, void *dst, uint32_t max)
{
	if (r == 0 || dst == 0 || max == 0u)
		return FLUE_EINVAL;
	uint32_t off[2] = { 0, 0 }, n[2] = { 0, 0 };
	flue_port_key_t key = flue_port_lock();
	uint8_t *base = flue_ring_base(r);
	if (!driver_may(r, FLUE_RING_READER) || base == 0) {
		/* A window whose writer is gone holds nothing to read any more. */
		bool gone = driver_may(r, FLUE_RING_READER) &&
			    (r->host_closed || flue_ring_peer_gone(r, FLUE_RING_READER));
		flue_port_unlock(key);
		return gone ? FLUE_EPIPE : FLUE_EINVAL;
	}
	uint32_t total = claim_both(r, max, off, n);
	bool gone = total == 0u && (r->host_closed || flue_ring_peer_gone(r, FLUE_RING_READER));
	flue_port_unlock(key);
	if (total == 0u)
		return gone ? FLUE_EPIPE : FLUE_EAGAIN;
	/* One read of each byte, outside the lock (only this reader touches
	 * claimed slots; a guest writer may still write what it committed,
	 * which is why the driver gets a copy and never the slots). */
	uint8_t *out = dst;
	memcpy(out, base + (size_t)off[0] * r->elem_size, (size_t)n[0] * r->elem_size);
	if (n[1] > 0u)
		memcpy(out + (size_t)n[0] * r->elem_size, base + (size_t)off[1] * r->elem_size,
		       (size_t)n[1] * r->elem_size);
	key = flue_port_lock();
	(void)flue_ring_finish(r, FLUE_RING_READER, total); /* claimed just above */
	flue_port_unlock(key);
	flue_ring_tell_peer(r, FLUE_RING_READER, true);
	return (int32_t)total;
}

void flue_ring_close(struct flue_ring *r)
{
	if (r == 0)
		return; /* documented no-op */
	flue_port_key_t key = flue_port_lock();
	r->host_closed = true;
	flue_port_unlock(key);
	for (int role = 0; role < 2; role++)
		if (r->end[role] != 0)
			flue_channel_close(&r->companion[role]);
	flue_port_wake();
}

uint32_t flue_ring_used(const struct flue_ring *r)
{
	if (r == 0)
		return 0;
	flue_port_key_t key = flue_port_lock();
	uint32_t used = gale_ring_buf_size_get(r->put_tail, r->get_tail);
	flue_port_unlock(key);
	return used;
}
