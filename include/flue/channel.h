/**
 * @file flue/channel.h
 * @brief Host ends, buffered form: a typed channel for drivers.
 *
 * A channel is a ring of `capacity` elements of `elem_size` bytes in a
 * caller-owned buffer, built on Gale's msgq decisions. Its host side is
 * non-blocking and may be called from another thread or an interrupt
 * handler (it only touches the ring, under the port's critical section, and
 * calls flue_port_wake()). Its guest side is an ordinary stream (or future)
 * end in a component instance: the guest sees COMPLETED / BLOCKED / DROPPED
 * with progress exactly as with a spec stream end.
 *
 * Timing differs from a rendezvous peer in one documented way: the channel
 * is a writer (or reader) that is *always present*. A guest read completes
 * at once with whatever is buffered (up to n) instead of waiting for a
 * writer's op; a read that finds the ring empty parks (BLOCKED) and is
 * completed by flue_store_pump() once data arrives (COMPLETED with the
 * elements then available, never waiting to fill the whole buffer). A
 * guest write likewise completes at once with what fits. Zero-length ops
 * complete at once (COMPLETED, 0) when data (read) or room (write) exists,
 * else park until it does.
 *
 * Futures: a channel of capacity 1 attached as a future completes the
 * guest's future.read with the one value the driver sends.
 * Unit channels (elem_size 0, no buffer) carry only a count: a driver's
 * doorbell, and the companions of shared rings (flue/ring.h).
 */
#ifndef FLUE_CHANNEL_H
#define FLUE_CHANNEL_H

#include <stdint.h>
#include <flue/store.h>

/** A driver channel. Fields are private; initialise with flue_channel_init(). */
struct flue_channel {
	uint8_t *buf;
	uint32_t elem_size;
	uint32_t capacity;
	/* ring: guarded by flue_port_lock() */
	uint32_t read_idx, write_idx, used;
	bool host_closed;  /**< the host side is closed */
	bool guest_closed; /**< the guest end was dropped */
	/* executor side */
	bool to_guest;     /**< host sends, guest reads (else guest writes) */
	bool future;
	struct flue_store *store;
	uint16_t shared;   /**< its stream/future shared object in `store`: the key by
				which the object finds its channel (the object keeps only
				a "has a channel" bit; flue_channel_of walks `next`) */
	struct flue_channel *next; /**< the store's list of channels */
	/* set by flue/ring.h for a ring's companions, else zero */
	bool internal;     /**< fed by the runtime for a peer guest: does not
				keep the executor waiting for a driver */
	struct flue_channel *linked; /**< closed when this channel's guest end
				is dropped (the ring's other companion) */
};

/**
 * @brief Define a ready-to-use channel `name` with a static ring of
 *        `cap` elements of `elem_t` (no flue_channel_init() needed).
 */
#define FLUE_CHANNEL_DEFINE(name, elem_t, cap)                                  \
	_Static_assert((cap) > 0, "channel capacity must be positive");        \
	static elem_t name##_ring[(cap)];                                      \
	static struct flue_channel name = {                                    \
		.buf = (uint8_t *)name##_ring,                                 \
		.elem_size = sizeof(elem_t),                                   \
		.capacity = (cap),                                             \
	}

/**
 * @brief Initialise a channel on a caller-owned buffer of
 *        `elem_size * capacity` bytes (a unit channel: `elem_size` 0 and
 *        `buf` NULL).
 * @retval 0 @retval FLUE_EINVAL `c` NULL, the buffer NULL with a non-zero
 *         size (or not NULL with size 0), zero capacity, or the product
 *         overflows (gale_msgq_init_validate); nothing changed
 * Context: thread, before use.
 */
int flue_channel_init(struct flue_channel *c, void *buf, uint32_t elem_size,
		      uint32_t capacity);

/**
 * @brief Give instance `inst` the guest end of the channel: a readable
 *        stream end if `to_guest`, else a writable one (`as_future`: a
 *        readable future end; `to_guest` must then be true and capacity 1).
 * A channel serves one guest end at a time. Attaching it again after its
 * guest end was dropped starts a new stream: the ring is emptied (what
 * was sent to the previous guest is never read by the new one) and both
 * sides are open again (a flue_channel_close() of the old stream is
 * forgotten), under the port lock.
 * @retval 0 and `*end` the guest's handle index
 * @retval FLUE_EINVAL `c`, `inst` or `end` NULL; `inst` destroyed; the
 *         channel not initialised (flue_channel_init(), FLUE_CHANNEL_DEFINE)
 *         or still attached to a guest end; type not registered, its size
 *         differs from elem_size, or it is a graph type other than numbers
 *         (flue_type_register_value(): a channel moves raw bytes); or bad
 *         future setup
 * @retval FLUE_ENOSPC table full @retval FLUE_ENOMEM shared pool full
 * Nothing changes on an error.
 * Context: executor thread.
 */
int flue_channel_attach(struct flue_channel *c, struct flue_instance *inst, flue_type_t t,
			bool to_guest, bool as_future, uint32_t *end);

/**
 * @brief Host → guest: append up to n elements. Non-blocking.
 * @return elements accepted (> 0), FLUE_EAGAIN (full, nothing accepted),
 *         FLUE_EPIPE (the guest dropped its end), FLUE_EINVAL (`c` NULL,
 *         `elems` NULL for a non-unit channel, n == 0, or wrong direction)
 * Context: any thread or ISR.
 */
int32_t flue_channel_send(struct flue_channel *c, const void *elems, uint32_t n);

/**
 * @brief Guest → host: take up to n elements. Non-blocking.
 * @return elements taken (> 0), FLUE_EAGAIN (empty), FLUE_EPIPE (empty and
 *         the guest dropped its end), FLUE_EINVAL (`c` NULL, `elems` NULL
 *         for a non-unit channel, n == 0, or wrong direction)
 * Context: any thread or ISR.
 */
int32_t flue_channel_recv(struct flue_channel *c, void *elems, uint32_t n);

/**
 * @brief Close the host side: the guest drains what is buffered, then sees
 *        DROPPED (end of stream); a guest writer sees DROPPED at once. A
 *        guest end that is idle then (towards the guest: once drained) gets
 *        the one-shot DROPPED notification of #720 at the next
 *        flue_store_pump(), so a guest waiting on it in a waitable set
 *        wakes up. From then on the channel no longer keeps the executor
 *        waiting (flue_run_until_idle(), nested loops): it delivers
 *        nothing more. `c` NULL: no-op.
 * Context: any thread or ISR.
 */
void flue_channel_close(struct flue_channel *c);

/**
 * @brief Move channel data to and from parked guest ops and complete them
 *        (sets their events); tell idle guest ends of closed, drained
 *        channels (flue_channel_close()). Call from the executor loop after
 *        a wake. A parked guest op whose buffer is no longer inside its
 *        instance's memory (the embedder shrank it under the op) is not
 *        served: it stays parked until the range is back. `s` NULL: no-op.
 * Context: executor thread.
 */
void flue_store_pump(struct flue_store *s);

#endif /* FLUE_CHANNEL_H */
