/*
 * Shared rings, the guest built-ins of import module `flue:ring/NAME`
 * (flue/ring.h). As every built-in: the calling instance is bound by the
 * glue, everything is validated before anything changes, a trap carries
 * its reason. Trap order: the entry check (destroyed, poisoned,
 * may_leave), the caller's role, then attach's window: the ring's
 * placement (both ends guests, or storage already there), its size
 * (against the ring and the MPU's rules), its alignment, its bounds, then
 * the caller's other windows.
 *
 * Costs: O(1) each; attach also scans the caller's other windows (at most
 * 16, Gale's mem_domain bound).
 */
#include <flue/gale_ext.h>
#include <flue/mpu.h>
#include <flue/port.h>
#include <gale/gale_mem_domain.h>
#include "abi.h"
#include "../obj/ring.h"

#define WINDOW_MIN FLUE_MPU_MIN_SIZE             /* the smallest MPU region */
#define MAX_WINDOWS FLUE_MEM_DOMAIN_MAX_PARTITIONS /* Gale's domain bound */

/* The caller's role on `r`, or a trap: only the ring's guests may call. A
 * guest that left (its companion end dropped, its instance destroyed) is
 * none of them any more, nor is a new instance in a destroyed one's slot. */
static enum flue_ring_role role_of(struct flue_instance *inst, const struct flue_ring *r)
{
	abi_enter(inst);
	/* abi_enter() let only a live instance through: of "gone" (ring.h)
	 * the companion and the creation are left to ask. */
	if (r != 0 && r->elem_size != 0u) {
		enum flue_ring_role role = r->end[FLUE_RING_WRITER] == inst ? FLUE_RING_WRITER
									    : FLUE_RING_READER;
		if (r->end[role] == inst && inst->gen == r->end_gen[role] &&
		    !r->companion[role].guest_closed)
			return role;
	}
	flue_trap(inst, FLUE_TRAP_RING, 0);
}

/* Gale's mem_domain add decision over the windows `inst` attached: the
 * new one must be valid, overlap none of them, and find a free slot. */
static bool window_fits(const struct flue_instance *inst, uint32_t ptr, uint32_t bytes)
{
	uint32_t starts[MAX_WINDOWS] = { 0 }, sizes[MAX_WINDOWS] = { 0 }, n = 0;
	for (const struct flue_ring *o = inst->store->rings; o != 0; o = o->next) {
		if (o->window_inst != inst)
			continue;
		if (n == MAX_WINDOWS)
			return false;
		starts[n] = o->window;
		sizes[n++] = o->window_bytes;
	}
	struct gale_mem_domain_add_decision d =
		gale_k_mem_domain_add_partition_decide(ptr, bytes, 0u, starts, sizes, n);
	return d.ret == 0 && d.action == GALE_MEM_DOMAIN_ACTION_ADD_OK;
}

void flue_abi_ring_attach(struct flue_instance *inst, struct flue_ring *r, uint32_t ptr,
			  uint32_t bytes)
{
	enum flue_ring_role role = role_of(inst, r);
	uint64_t need = (uint64_t)r->elem_size * r->capacity;
	/* A window is the driver placement: between two guests the ring is
	 * placed storage both address (a window would be one guest's memory,
	 * which the other reads as its own). */
	if (r->end[!role] != 0 || flue_ring_has_storage(r) || bytes < WINDOW_MIN ||
	    bytes < need || !flue_ring_pow2(bytes))
		flue_trap(inst, FLUE_TRAP_RING, bytes);
	if (ptr % bytes != 0u)
		flue_trap(inst, FLUE_TRAP_MISALIGNED, ptr);
	abi_need_memory(inst, 0);
	if (flue_mem_range(inst, ptr, bytes) == 0)
		flue_trap(inst, FLUE_TRAP_OUT_OF_BOUNDS, ptr);
	if (!window_fits(inst, ptr, bytes))
		flue_trap(inst, FLUE_TRAP_RING, ptr);
	/* Under the lock: a driver may ask for the storage at any time. */
	flue_port_key_t key = flue_port_lock();
	r->window = ptr;
	r->window_bytes = bytes;
	r->window_inst = inst;
	flue_port_unlock(key);
}

uint64_t flue_abi_ring_claim(struct flue_instance *inst, struct flue_ring *r, uint32_t max)
{
	enum flue_ring_role role = role_of(inst, r);
	if (!flue_ring_has_storage(r))
		flue_trap(inst, FLUE_TRAP_RING, max);
	uint32_t off = 0, n;
	bool closed;
	flue_port_key_t key = flue_port_lock();
	if (role == FLUE_RING_WRITER && flue_ring_peer_gone(r, role)) {
		n = 0;
		closed = true; /* nobody will read: writing is pointless */
	} else {
		n = flue_ring_claim(r, role, max, &off);
		/* Drained (a reader here): the writer is gone and nothing is
		 * left to claim (a claim of 0 while data waits is not the end). */
		closed = n == 0u && flue_ring_peer_gone(r, role) && flue_ring_unclaimed(r) == 0u;
	}
	flue_port_unlock(key);
	if (closed)
		return FLUE_RING_CLOSED;
	/* Offsets in the memory the ring lives in: the caller's own for a
	 * window, the ring memory (offset 0) otherwise. */
	uint32_t at = (r->window_inst != 0 ? r->window : 0u) + off * r->elem_size;
	return (uint64_t)at | (uint64_t)n << 32;
}

void flue_abi_ring_finish(struct flue_instance *inst, struct flue_ring *r, uint32_t n)
{
	enum flue_ring_role role = role_of(inst, r);
	flue_port_key_t key = flue_port_lock();
	int rc = flue_ring_finish(r, role, n);
	flue_port_unlock(key);
	if (rc != FLUE_OK)
		flue_trap(inst, FLUE_TRAP_RING, n); /* beyond the claim: nothing changed */
	if (n > 0u)
		flue_ring_tell_peer(r, role, false);
}

/* Where its companion's readable end is now, from the stream's shared
 * object: the guest may have passed it on (then it is not its to name). */
uint32_t flue_abi_ring_ready(struct flue_instance *inst, struct flue_ring *r)
{
	enum flue_ring_role role = role_of(inst, r);
	const struct flue_shared *so = &inst->store->shared[r->companion[role].shared];
	if (so->reader_inst != inst->id)
		flue_trap(inst, FLUE_TRAP_RING, 0);
	return so->reader_handle;
}
