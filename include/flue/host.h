/**
 * @file flue/host.h
 * @brief Host ends, rendezvous form: the host takes part in streams and
 *        futures exactly like a guest (the reference's HostSource,
 *        HostSink, HostFutureSource, HostFutureSink), and passes readable
 *        ends to and from component instances.
 *
 * A host is a store instance whose "linear memory" is an arena the host
 * owns; its buffers must lie inside that arena (flue keeps offsets, design
 * note 1). Its ops see the same partial progress, the same BLOCKED/event
 * timing and the same results a guest would, but misuse returns an error
 * instead of trapping. Results use the flue vocabulary (enum
 * flue_copy_result), not spec codes.
 *
 * Every function validates all its arguments before it changes anything:
 * an error return leaves every instance, end and shared object as it was.
 * An instance argument that is NULL, destroyed (flue_instance_destroy()) or
 * not its store's is FLUE_EINVAL, as is a NULL `out`.
 *
 * Context: the executor's thread only (these touch guest-visible state).
 * For interrupt handlers and other threads use the typed channel
 * (flue/channel.h).
 */
#ifndef FLUE_HOST_H
#define FLUE_HOST_H

#include <stdint.h>
#include <flue/functype.h>
#include <flue/store.h>

/** What a host op produced. */
struct flue_host_outcome {
	bool done;         /**< false: the op is still in progress (BLOCKED) */
	uint8_t result;    /**< enum flue_copy_result when done */
	uint32_t progress; /**< elements moved (futures: 0 or 1) */
};

/**
 * @brief Create a host instance whose buffers live in `arena`.
 * @retval 0 @retval FLUE_EINVAL NULL store, arena or `out`
 * @retval FLUE_ENOMEM no instance slot
 */
int flue_host_create(struct flue_store *s, void *arena, uint32_t size,
		     struct flue_instance **out);

/**
 * @brief Give flue an allocator in the host's arena, for values shown to
 *        the host that hold handles (own, error-context, stream and future
 *        ends: flue/hval.h): a host function's params and an invocation's
 *        results of such types are moved into the arena with it, their
 *        handles lowered into the host's table, instead of being shown
 *        where the guest holds them; and graph-typed stream/future
 *        elements the host reads (strings, lists) are lowered with it.
 * @param realloc called as a guest's cabi_realloc: (0, 0, align, size)
 *        allocates `size` bytes aligned to `align` and returns their
 *        offset in the arena; a larger or smaller `new_size` with an
 *        earlier block resizes it (the reference's shrinking realloc of a
 *        transcoded string). To refuse, return an offset whose block is
 *        not inside the arena (e.g. UINT32_MAX): the value is then not
 *        moved (FLUE_ENOMEM, see flue_host_params()). It must not call
 *        flue. NULL: no allocator (such values are refused, FLUE_ENOMEM).
 *        What it hands out is the host's: flue never frees it.
 * @retval 0 @retval FLUE_EINVAL `host` NULL, destroyed or not a host
 * Context: executor thread. Not blocking.
 */
int flue_host_set_realloc(struct flue_instance *host, flue_realloc_fn realloc, void *user);

/** @brief stream.new / future.new in the host's table. @retval 0
 *  @retval FLUE_EINVAL bad type, NULL out-pointer, `host` NULL or destroyed
 *  @retval FLUE_ENOSPC table full @retval FLUE_ENOMEM shared pool full */
int flue_host_stream_new(struct flue_instance *host, flue_type_t t, uint32_t *readable,
			 uint32_t *writable);
int flue_host_future_new(struct flue_instance *host, flue_type_t t, uint32_t *readable,
			 uint32_t *writable);

/**
 * @brief Read into / write from `buf` (inside the arena): `n` elements for a
 *        stream end, exactly one for a future end (n ignored).
 *
 * Elements of a graph type (flue_type_register_value(): strings, lists,
 * records, variants, own and error-context handles, ends, …) are values
 * in canonical layout: what the host writes is lifted from its arena
 * (strings UTF-8, handles of its table), every element checked before
 * anything moves; what it reads is lowered into its arena, strings and
 * lists with the allocator of flue_host_set_realloc() (the buffer holds
 * the elements' pointers and lengths), handles into its table, all the
 * elements a meeting moves or none (the data first, then the handles
 * once its table has room: FLUE_ENOMEM otherwise, nothing changed). A guest peer's elements move with its options, as between
 * guests. While the op is in progress the buffer, and what it points to,
 * must stay as they are. A parked op of the host that fails when a guest
 * meets it (its allocator has no room, or its buffer no longer passes)
 * is cancelled: the host sees CANCELLED with the progress so far.
 * @retval 0 `*out` tells whether it completed now or is in progress
 * @retval FLUE_EBADF not a host end of the right direction
 * @retval FLUE_EBUSY the end is not idle
 * @retval FLUE_EINVAL buffer outside the arena, misaligned, or n > 2^28-1;
 *         `host` NULL or destroyed, `out` NULL; or the op would move bytes
 *         with a parked guest buffer that is no longer inside its
 *         instance's memory (its embedder shrank it, flue_instance_set_memory())
 * @retval FLUE_EPERM same-instance rendezvous of a non-number type
 * @retval FLUE_EINVAL (graph types) a written element that is not a
 *         value of its type (bad UTF-8, a tag out of range, …)
 * @retval FLUE_ENOMEM (graph types) a read whose elements need memory
 *         and no allocator, or no room from it or in the table; nothing
 *         changed
 * @retval FLUE_ENOTSUP (graph types) no executor in the store
 *         (flue_exec_init())
 */
int flue_host_read(struct flue_instance *host, uint32_t e, void *buf, uint32_t n,
		   struct flue_host_outcome *out);
int flue_host_write(struct flue_instance *host, uint32_t e, const void *buf, uint32_t n,
		    struct flue_host_outcome *out);

/** @brief Collect an in-progress op's result if it has one (`out->done`),
 *         or, on an idle end, the one-shot notification that the other end
 *         was dropped (#720: `done`, DROPPED, progress 0; the end is then
 *         done, so only flue_host_drop() is left). Without a poll the
 *         notification is reported by the end's next read or write.
 *  @retval 0 @retval FLUE_EBADF not a stream/future end
 *  @retval FLUE_EINVAL no op in progress and no notification; `host` NULL
 *  or destroyed, `out` NULL */
int flue_host_poll(struct flue_instance *host, uint32_t e, struct flue_host_outcome *out);

/** @brief Cancel an in-progress op. A stream op that already moved
 *         elements reports CANCELLED with its progress (#719), DROPPED if
 *         the other end is gone; a future op that completed stays
 *         COMPLETED.
 *  @retval 0 @retval FLUE_EBADF not a stream/future end
 *  @retval FLUE_EINVAL no op in progress; `host` NULL or destroyed, `out` NULL */
int flue_host_cancel(struct flue_instance *host, uint32_t e, struct flue_host_outcome *out);

/** @brief Drop an end; the peer's pending op gets DROPPED, an idle peer
 *         its one-shot DROPPED notification (#720).
 *  @retval 0 @retval FLUE_EBADF not a stream/future end
 *  @retval FLUE_EBUSY op in progress, or a future's writable end that has
 *  not written @retval FLUE_EINVAL `host` NULL or destroyed */
int flue_host_drop(struct flue_instance *host, uint32_t e);

/**
 * @brief Move a readable stream/future end from one instance to another,
 *        as passing it as a parameter or result does (the reference's
 *        lift_async_value + lower_stream/lower_future): the slot in `from`
 *        is freed first, then a fresh idle end is added to `to` (so an end
 *        handed back to its own instance reuses its index). An undelivered
 *        notification that the writer dropped moves with it (#720).
 * @retval 0 and `*out` the new index
 * @retval FLUE_EINVAL `from` or `to` NULL or destroyed, the two in
 *         different stores, or `out` NULL
 * @retval FLUE_EBADF not a readable end of type `t`
 * @retval FLUE_EBUSY not idle, or in a waitable set
 * @retval FLUE_ENOSPC `to`'s table is full (nothing moved)
 * Context: executor thread. The ABI's lifting traps on the EBADF/EBUSY cases.
 */
int flue_end_transfer(struct flue_instance *from, uint32_t e, flue_type_t t,
		      struct flue_instance *to, uint32_t *out);

#endif /* FLUE_HOST_H */
