/**
 * @file flue/ring.h
 * @brief Shared rings: zero-copy element rings between a writer and a
 *        reader, each a driver (C code, an interrupt handler) or a component
 *        instance, with separate rights (writer read-write, reader
 *        read-only under `flue-build --isolate`; a driver's window in its
 *        reader's memory on PMSAv7 only: docs/MPU.md).
 *
 * A ring is `capacity` elements of `elem_size` bytes (capacity a power of
 * two) in storage that lives either in a window of a component's linear
 * memory that the guest attaches (driver ↔ component) or in storage the
 * embedder places (component ↔ component: the memory both modules import).
 * Its indices never live in that storage: they are the runtime's, guarded
 * by flue_port_lock(), so neither side can corrupt the other's view.
 * Indices come from Gale's ring_buf decisions (claim, finish, space, size),
 * windows are checked with Gale's mem_domain decisions.
 *
 * Protocol, as Zephyr's ring_buf claim API: the writer claims up to n
 * contiguous free elements, writes them in place and commits k ≤ claimed
 * (the rest of the claim is given back); the reader claims up to n
 * contiguous committed elements, reads them in place and releases k ≤
 * claimed. A claim never passes the physical end of the storage (the next
 * claim starts at its beginning), the writer can never claim an element
 * the reader has not released, the reader never one that is not committed.
 *
 * Readiness reaches a guest end as an ordinary spec event: each guest end
 * gets a readable end of a *companion* `stream` (unit elements) at
 * flue_ring_connect(). The runtime writes one unit to the reader's
 * companion when a commit makes data available and to the writer's when a
 * release makes room (at most one unit waits in each: a unit says "look
 * again", the ring's indices are the truth). A guest that found nothing to
 * claim reads its companion and waits for STREAM_READ. When the peer is
 * gone (flue_ring_close() by a driver, or a guest end's instance dropped
 * its companion end or was destroyed), the companion ends (DROPPED once
 * drained) and the claim built-in returns #FLUE_RING_CLOSED once nothing is
 * left.
 *
 * A component that writes to a driver keeps write access to what it
 * committed: the driver therefore only gets the data copied out
 * (flue_ring_get_copy()), one read of each byte, and validates its copy.
 */
#ifndef FLUE_RING_H
#define FLUE_RING_H

#include <stdint.h>
#include <flue/channel.h>
#include <flue/store.h>

/** A ring end. */
enum flue_ring_role { FLUE_RING_WRITER = 0, FLUE_RING_READER = 1 };

/** The claim built-in's result when the peer is gone and nothing is left. */
#define FLUE_RING_CLOSED UINT64_MAX

/** A shared ring. Fields are private; initialise with flue_ring_init(). */
struct flue_ring {
	uint8_t *buf;          /**< storage placed by flue_ring_place(), or NULL */
	uint32_t elem_size;    /**< bytes per element, > 0 */
	uint32_t capacity;     /**< elements, a power of two */
	/* indices, free-running element counts, under flue_port_lock() */
	uint32_t put_head, put_tail, get_head, get_tail;
	bool host_closed;      /**< the driver closed its end */
	/* executor side */
	struct flue_instance *window_inst; /**< the guest that attached its window */
	uint32_t window;       /**< the window's offset in that guest's memory */
	uint32_t window_bytes; /**< the window's size (a power of two) */
	struct flue_instance *end[2];      /**< guest of each role; NULL: a driver
					        (kept once it left: see flue_ring_connect) */
	uint16_t end_gen[2];               /**< its instance's creation (`gen`) then */
	struct flue_channel companion[2];  /**< unit stream to each guest role */
	struct flue_ring *next;            /**< the store's list of rings */
};

/**
 * @brief Initialise a ring of `capacity` elements of `elem_size` bytes,
 *        with no storage yet (place it with flue_ring_place() or let the
 *        guest attach a window).
 * @retval 0 @retval FLUE_EINVAL `r` NULL, `elem_size` 0, `capacity` not a
 *         power of two, or the storage would exceed 2^31 bytes
 * Context: thread, before use.
 */
int flue_ring_init(struct flue_ring *r, uint32_t elem_size, uint32_t capacity);

/**
 * @brief Give the ring storage of `elem_size * capacity` bytes the caller
 *        owns (aligned as the guests' element type needs).
 * @retval 0 @retval FLUE_EINVAL `r` or `buf` NULL, `r` not initialised, or
 *         the ring has storage
 * Context: thread, before use.
 */
int flue_ring_place(struct flue_ring *r, void *buf);

/**
 * @brief Make instance `inst` the ring's `role` end and give it the
 *        readable end of that role's companion unit stream, of unit type
 *        `unit` (a type registered with size 0).
 * The two roles need two different parties. Connecting a role again once
 * its previous guest is gone (its companion end dropped, its instance
 * destroyed or trapped: a restart) starts the ring afresh: indices zero,
 * a window that guest attached forgotten (the new guest attaches again),
 * the driver's end open again.
 * @retval 0 and `*end` the companion's handle index in `inst`
 * @retval FLUE_EINVAL a NULL argument, `inst` destroyed, the role held by
 *         a live guest, `inst` already holding the other role, `unit` not
 *         a unit type, or the ring not initialised
 * @retval FLUE_ENOSPC table full @retval FLUE_ENOMEM shared pool full
 * Nothing changes on an error.
 * Context: executor thread.
 */
int flue_ring_connect(struct flue_ring *r, enum flue_ring_role role, struct flue_instance *inst,
		      flue_type_t unit, uint32_t *end);

/**
 * @brief Driver as writer: claim up to `max` contiguous free elements.
 * @return elements claimed (> 0) and `*slot` where the first one is,
 *         FLUE_EAGAIN (full), FLUE_EPIPE (the reader is gone),
 *         FLUE_EINVAL (`r`/`slot` NULL, `max` 0, the writer is a guest,
 *         no storage yet)
 * Claims accumulate until flue_ring_put_commit().
 * Context: any thread or ISR (one writer at a time); non-blocking.
 */
int32_t flue_ring_put_claim(struct flue_ring *r, uint32_t max, void **slot);

/**
 * @brief Driver as writer: commit `n` of the claimed elements (the rest of
 *        the claim is given back) and wake the reader.
 * @retval 0 @retval FLUE_EINVAL `r` NULL, the writer is a guest, or `n`
 *         exceeds what is claimed (nothing changes)
 * Context: any thread or ISR; non-blocking.
 */
int flue_ring_put_commit(struct flue_ring *r, uint32_t n);

/**
 * @brief Driver as reader: copy up to `max` committed elements to `dst`
 *        (each byte read once) and release them.
 * @return elements copied (> 0), FLUE_EAGAIN (empty), FLUE_EPIPE (empty
 *         and the writer is gone), FLUE_EINVAL (`r`/`dst` NULL, `max` 0,
 *         the reader is a guest, no storage yet)
 * Context: any thread or ISR (one reader at a time); non-blocking.
 */
int32_t flue_ring_get_copy(struct flue_ring *r, void *dst, uint32_t max);

/**
 * @brief Close the driver's end: a guest reader drains what is committed,
 *        then its claims return #FLUE_RING_CLOSED; a guest writer's
 *        claims return it at once; the guest's companion ends (DROPPED
 *        once drained). The driver's own calls return FLUE_EPIPE from
 *        then on (flue_ring_get_copy(): once empty). `r` NULL: no-op.
 * Context: any thread or ISR.
 */
void flue_ring_close(struct flue_ring *r);

/** @brief Committed elements not yet released (the reader's view). Any context. */
uint32_t flue_ring_used(const struct flue_ring *r);

/* ------------------------------------------------ guest built-ins (ABI) */
/*
 * The built-ins of import module `flue:ring/NAME` (docs/FLUE-BUILD.md),
 * bound by the glue to ring NAME and the calling instance. Traps as every
 * built-in (flue/abi.h): validate first, change nothing on a trap.
 * Context: executor thread.
 */

/**
 * @brief `attach: [ptr: i32, bytes: i32] -> []`: the ring's storage is the
 *        window [ptr, ptr + bytes) of the caller's memory.
 * The window is what an MPU region can cover exactly: `bytes` a power of
 * two, at least 32 and at least elem_size × capacity, `ptr` a multiple of
 * `bytes` (the ring uses its first elem_size × capacity bytes). Under
 * `flue-build --isolate` a reader's window is read-only to it from then on
 * on PMSAv7 (PMSAv8 cannot: docs/MPU.md).
 * Traps: FLUE_TRAP_RING: the caller is not one of the ring's guests, the
 * other end is a guest too (two guests share placed storage), the ring has
 * storage, `bytes` unfit, the window overlaps another window the
 * caller attached or it attached 16 already (Gale's mem_domain add
 * decision); FLUE_TRAP_MISALIGNED: `ptr` not a multiple of `bytes`;
 * FLUE_TRAP_OUT_OF_BOUNDS: the window is not inside its memory.
 */
void flue_abi_ring_attach(struct flue_instance *inst, struct flue_ring *r, uint32_t ptr,
			  uint32_t bytes);

/**
 * @brief `claim: [max: i32] -> [i64]`: claim up to `max` contiguous
 *        elements for the caller's role (writer: free; reader: committed).
 * @return `offset | count << 32`: `count` elements (0: nothing now; read
 *         the companion and wait) starting at byte `offset` of the memory
 *         the ring lives in (the caller's memory for an attached window,
 *         else the ring memory); #FLUE_RING_CLOSED when the peer is gone
 *         and (reader) nothing is left.
 * Traps (FLUE_TRAP_RING): not one of the ring's guests (a guest that
 * dropped its companion end, or whose instance was destroyed, left the
 * ring), no storage yet.
 */
uint64_t flue_abi_ring_claim(struct flue_instance *inst, struct flue_ring *r, uint32_t max);

/**
 * @brief `finish: [n: i32] -> []`: writer: commit `n` claimed elements;
 *        reader: release `n` claimed elements. The rest of the claim is
 *        given back.
 * Traps (FLUE_TRAP_RING): not one of the ring's guests, `n` beyond the claim.
 */
void flue_abi_ring_finish(struct flue_instance *inst, struct flue_ring *r, uint32_t n);

/**
 * @brief `ready: [] -> [i32]`: the caller's companion handle (the readable
 *        end of its role's unit stream, flue_ring_connect()), where it is
 *        now in the caller's table.
 * Traps (FLUE_TRAP_RING): not one of the ring's guests (a guest that
 * dropped its companion end, or whose instance was destroyed, left the
 * ring), or the caller passed its companion on to another instance.
 */
uint32_t flue_abi_ring_ready(struct flue_instance *inst, struct flue_ring *r);

#endif /* FLUE_RING_H */
