/*
 * Object layer, internal interface (used by src/abi and src/exec only).
 * Nothing here decides to trap or builds a spec code: functions report
 * with booleans / flue error codes and the ABI layer decides what traps
 * (flue_trap() itself, the one trap path, lives here so exec/ can use it).
 */
#ifndef FLUE_OBJ_H
#define FLUE_OBJ_H

#include <flue/store.h>
#include <flue/errno.h>

/* ---------------------------------------------------------------- instances */

/* Whether `inst` is an instance flue may act on: not NULL, created and not
 * destroyed, and the slot of its store's pool it claims to be (so a stray
 * pointer or a copy of the struct is refused). An instance created later
 * in a destroyed one's slot is that slot's live instance again. */
static inline bool flue_instance_ok(const struct flue_instance *inst)
{
	return inst != 0 && inst->live && inst->store != 0 &&
	       inst->id < FLUE_CONFIG_MAX_INSTANCES && &inst->store->instances[inst->id] == inst;
}

/* ------------------------------------------------------------ handle table */

/** Largest index this instance's table may hand out (below the spec's
 *  2^28 - 1 and within the 16-bit indices of slots, config.h). */
#define FLUE_TABLE_MAX_INDEX ((uint32_t)(FLUE_CONFIG_MAX_HANDLES - 1))

/* Allocate a slot of `kind` (LIFO reuse, else the next unused index).
 * Returns its index, or 0 when the table is full. The slot is zeroed. */
uint32_t flue_table_add(struct flue_instance *inst, uint8_t kind);
/* The slot at `idx`, or NULL if out of range or free. */
struct flue_handle *flue_table_get(struct flue_instance *inst, uint32_t idx);
/* Free a live slot (pushes it on the LIFO free list). */
void flue_table_remove(struct flue_instance *inst, uint32_t idx);
/* Slots still free (for the "both ends fit" checks of stream.new). */
uint32_t flue_table_room(const struct flue_instance *inst);

/* ----------------------------------------------------------------- memory */

/* Host address of guest range [ptr, ptr + bytes), or NULL if it does not
 * fit in linear memory (64-bit arithmetic; no memory set, or a NULL base,
 * counts as size 0, so even an empty range at 0 is refused then). */
uint8_t *flue_mem_range(const struct flue_instance *inst, uint32_t ptr, uint64_t bytes);
/* Host address of n elements of `size` bytes starting at element `from` of
 * the guest buffer at `ptr` (the rest of a parked op's buffer), resolved
 * now, or NULL if they are not inside memory now (offsets in 64 bits). */
uint8_t *flue_mem_elems(const struct flue_instance *inst, uint32_t ptr, uint32_t from,
			uint32_t n, uint32_t size);
/* Copy n elements of type t; overlapping ranges behave like memmove;
 * f32/f64 fields are canonicalised (deterministic profile). Callers
 * resolve both ranges first; a NULL dst or src copies nothing, and so
 * does a FLUE_TYPE_GRAPH type (abi/ moved its elements already). */
void flue_copy_elems(const struct flue_type_info *t, uint8_t *dst,
		     const uint8_t *src, uint32_t n);

/* Resources (types, lends): src/obj/resource.h, included by the files
 * that use them (its inline lend release calls into resource.c). */

/* ------------------------------------------------------------------ traps */

/* Drop every stream/future end of `inst` (peers see DROPPED); used by
 * flue_instance_destroy() and when the executor aborts a trapped instance
 * (src/obj/teardown.c, above the files of the ends and sets). */
void flue_instance_drop_ends(struct flue_instance *inst);

_Noreturn void flue_trap(struct flue_instance *inst, enum flue_trap_reason r,
			 uint32_t handle);

/* ------------------------------------------------------- waitables, sets */

static inline struct flue_waitable *flue_waitable_of(struct flue_handle *h)
{
	switch (h->kind) {
	case FLUE_H_STREAM_READABLE:
	case FLUE_H_STREAM_WRITABLE:
	case FLUE_H_FUTURE_READABLE:
	case FLUE_H_FUTURE_WRITABLE:
		return &h->u.end.w;
	case FLUE_H_SUBTASK:
		return &h->u.sub.w;
	default:
		return 0;
	}
}

/* Mark waitable `idx` as having a pending event. The first time, it gets
 * the next stamp and joins the tail of its set's queue; an update of an
 * already-pending event keeps its place. */
void flue_waitable_set_event(struct flue_instance *inst, uint32_t idx);

/* Clear waitable `idx`'s pending event (on delivery). */
void flue_waitable_clear_event(struct flue_instance *inst, uint32_t idx);
/* Move waitable `idx` to set `set` (0 = none), its pending event keeping
 * its place in first-pending order. */
void flue_waitable_join(struct flue_instance *inst, uint32_t idx, uint32_t set);

/* ------------------------------------------------------ streams, futures */

/* An event handed to the guest, in flue's terms; the ABI layer encodes it
 * (event code, p1, p2 = result | progress << 4 or the bare result). */
struct flue_event {
	uint8_t kind;      /* FLUE_EVENT_* */
	uint8_t result;    /* enum flue_copy_result (copy events) */
	uint32_t index;    /* the waitable's handle index */
	uint32_t progress; /* elements moved by the op (copy events) */
};
enum { FLUE_EVENT_NONE = 0, FLUE_EVENT_SUBTASK, FLUE_EVENT_STREAM_READ,
       FLUE_EVENT_STREAM_WRITE, FLUE_EVENT_FUTURE_READ, FLUE_EVENT_FUTURE_WRITE,
       FLUE_EVENT_TASK_CANCELLED };

/* Where the end of `side` (READER or WRITER) of `sh` lives. */
static inline struct flue_end_ref flue_shared_ref(const struct flue_shared *sh,
						 enum flue_side side)
{
	struct flue_end_ref r;
	r.inst = side == FLUE_SIDE_READER ? sh->reader_inst : sh->writer_inst;
	r.handle = side == FLUE_SIDE_READER ? sh->reader_handle : sh->writer_handle;
	return r;
}

/* Record where the end of `side` lives now (`handle` < 2^16: config.h). */
static inline void flue_shared_set_ref(struct flue_shared *sh, enum flue_side side,
				       uint8_t inst, uint32_t handle)
{
	if (side == FLUE_SIDE_READER) {
		sh->reader_inst = inst;
		sh->reader_handle = (uint16_t)handle;
	} else {
		sh->writer_inst = inst;
		sh->writer_handle = (uint16_t)handle;
	}
}

/* A readable stream or future end (the kind a value carries). */
static inline bool flue_kind_is_readable_end(uint8_t kind)
{
	return kind == FLUE_H_STREAM_READABLE || kind == FLUE_H_FUTURE_READABLE;
}

/* A new element type of kind FLUE_TYPE_GRAPH: node `node` of g (checked
 * and compared with the others by the caller), with its layout. Returns
 * FLUE_OK with *out, or FLUE_ENOMEM (FLUE_CONFIG_MAX_TYPES reached). */
int flue_type_add_graph(struct flue_store *s, const struct flue_tgraph *g, uint16_t node,
			uint32_t size, uint32_t align, flue_type_t *out);

/* A readable end in transit (reader FLUE_REF_TRANSIT) names in
 * reader_handle the instance it is carried to, + 1, which drops it if it
 * goes away first; 0: the first form of values (its callers discard it);
 * FLUE_TRANSIT_PENDING: a graph value lifted, its destination not named
 * yet (abi/val_handle.c). */
#define FLUE_TRANSIT_PENDING 0xFFFFu

/* src/obj/shared.c, below the files that operate on shared objects. */

/* Create a stream (is_future false) or future of type t: readable end
 * first. Returns 0 with both indices, or FLUE_ENOSPC (table full) or
 * FLUE_ENOMEM (shared pool full); nothing is allocated on failure. */
int flue_shared_new(struct flue_instance *inst, flue_type_t t, bool is_future,
		    uint32_t *readable, uint32_t *writable);
/* Put shared object `sh`, whose two ends are gone, back on the free list. */
void flue_shared_release(struct flue_store *s, struct flue_shared *sh);

/* An op that meets a parked op and moves elements of a type this layer
 * cannot move (FLUE_TYPE_GRAPH): the parked op's instance and its
 * buffer's next element, and how many elements the decision moves. */
struct flue_copy_meet {
	struct flue_instance *inst, *peer; /* the arriving op's instance, the parked op's */
	uint32_t pptr;                     /* the parked buffer's next element (offset) */
	uint32_t count;                    /* 0: the op moves no element now */
	bool reading;                      /* the arriving op is the read */
};

/* What a caller of flue_end_copy_op() already looked up for the op. */
struct flue_copy_args {
	const struct flue_type_info *t; /* the end's element type */
	uint8_t *buf;  /* host address of [ptr, ptr + n * size), resolved (NULL
			  when size or n is 0) */
	bool at_once;  /* the caller delivers an event of this end in the same
			  call: one that arises now is returned, never queued */
};

/* Start a copy on end `idx` (validated by the caller: idle, buffer in
 * range; its type and buffer resolved once, in `args`). Returns FLUE_OK,
 * FLUE_EPERM for the same-instance rule, or FLUE_EINVAL when the bytes
 * would have to move and the parked peer's buffer no longer lies in its
 * instance's memory (its embedder shrank it); on an error the state is
 * unchanged. On success `*now` is the end's event, already delivered
 * (flue_end_deliver() without its waitable set), when `args->at_once` and
 * the op completed at once without an earlier event; otherwise its kind is
 * FLUE_EVENT_NONE and the end either has a pending event or is parked. */
int flue_end_copy_op(struct flue_instance *inst, uint32_t idx, uint32_t ptr, uint32_t n,
		     const struct flue_copy_args *args, struct flue_event *now);

/* What flue_end_copy_op(idx, n) would move, without changing anything:
 * FLUE_EPERM or FLUE_EINVAL as it would return them, else FLUE_OK with
 * m->count the elements it would transfer (0: none). For FLUE_TYPE_GRAPH
 * the layer above moves them itself (lift and lower), then calls
 * flue_end_copy_op() with n = the elements that moved whole (at most
 * m->count, at least 1), which then moves no bytes (flue_copy_elems). */
int flue_end_copy_meeting(struct flue_instance *inst, uint32_t idx, uint32_t n,
			  const struct flue_copy_args *args, struct flue_copy_meet *m);

/* A host's read or write of graph-typed elements, checked by
 * flue_host_read/write (the op's arguments, the buffer's offset in the
 * arena, n: 1 for a future), for the store's host_values hook. */
struct flue_host_outcome;
/* What a host op on graph-typed elements leaves to the value layer. */
struct flue_host_values {
	struct flue_copy_args args;
	uint32_t off, n;
};

/* The outcome of the op just made on the host's end e (`now`: what
 * completed at once, else its event if it has one). */
void flue_host_copy_outcome(struct flue_instance *host, uint32_t e, const struct flue_event *now,
			    struct flue_host_outcome *out);

/* Cancel the op on end `idx` (validated: COPYING, no sync waiter). */
void flue_end_cancel(struct flue_instance *inst, uint32_t idx);

/* Deliver end `idx`'s pending event: compute it, perform the end's state
 * transition and reclaim its buffer. Requires has_event. */
struct flue_event flue_end_deliver(struct flue_instance *inst, uint32_t idx);

/* Drop end `idx` (validated): notify a parked peer DROPPED, leave the set,
 * free the slot, free the shared object when both ends are gone. */
void flue_end_drop(struct flue_instance *inst, uint32_t idx);

/* Drop the readable end of shared object `si` that is in transit
 * (reader FLUE_REF_TRANSIT) because its receiver is gone. */
void flue_shared_discard_transit(struct flue_store *s, uint16_t si);

/* Guest op / drop on a shared object whose other side is a driver
 * channel (src/obj/channel.c). An op whose buffer is no longer inside its
 * instance's memory is not served: it stays parked. */
int flue_channel_copy(struct flue_instance *inst, uint32_t idx);
/* The driver channel serving shared object `si` (whose has_channel is
 * set): found on the store's list of channels, so only channel paths pay
 * for it; the rendezvous path tests the bit alone. */
struct flue_channel *flue_channel_of(const struct flue_store *s, uint16_t si);
void flue_channel_guest_drop(struct flue_store *s, struct flue_channel *c);
/* Close `c`'s host side without a wake (the executor's own thread: its loop
 * pumps the channel this round; flue_channel_close() is the driver's). */
void flue_channel_mark_closed(struct flue_channel *c);

/* copy results, idle-drop (#719, #720) */

/* The other side of end `idx` is gone: if the end is idle and has no
 * event, it gets the one-shot DROPPED notification (progress 0) that its
 * next delivery or op reports (#720). */
void flue_end_peer_gone(struct flue_instance *inst, uint32_t idx);
/* End `idx` was just added to `inst`'s table by a transfer: an idle end
 * whose writer is already gone carries the notification, under its new
 * index. */
void flue_end_arrived(struct flue_instance *inst, uint32_t idx);
/* Whether a driver channel's host side is gone for its guest end: closed,
 * and (towards the guest) drained. Takes the port lock. */
bool flue_channel_peer_gone(struct flue_channel *c);
/* flue_channel_send() without the wake: for the executor's own thread
 * (a ring's companions), whose loop pumps channels every round anyway. */
int32_t flue_channel_put(struct flue_channel *c, const void *elems, uint32_t n);
/* Can a driver channel of store `s` still bring something from outside
 * the executor: is one linked with its host side open? A closed channel
 * delivers nothing more (what its ring still holds is pumped on the
 * executor thread). O(linked channels); takes the port lock. */
bool flue_channels_open(const struct flue_store *s);

/* ------------------------------------------------------------------ tasks */

/* Allocate a zeroed task record (lowest free index), FLUE_TASK_NONE if the
 * pool is exhausted. */
uint16_t flue_task_alloc(struct flue_store *s);
/* Live task `id`, or NULL. */
struct flue_task *flue_task_get(struct flue_store *s, uint16_t id);
void flue_task_free(struct flue_store *s, uint16_t id);
/* RETURNED, CANCELLED_BEFORE_STARTED or CANCELLED_BEFORE_RETURNED. */
bool flue_subtask_resolved(uint8_t sub_state);
/* The subtask of task `id` made progress: if it has a handle, its event
 * becomes pending (keeping its place if it already was). */
void flue_subtask_progress(struct flue_store *s, uint16_t id);
/* Deliver subtask handle `idx`'s pending event: (SUBTASK, idx, state);
 * a resolved state marks the resolution delivered. Requires has_event. */
struct flue_event flue_subtask_deliver(struct flue_instance *inst, uint32_t idx);

/* Deliver the oldest pending event of set `set` (requires one): each kind
 * of waitable computes its own (src/obj/deliver.c, above wset.c, task.c
 * and stream.c, so that the set itself calls none of them). */
struct flue_event flue_wset_deliver(struct flue_instance *inst, uint32_t set);

/* ------------------------ stream.forward / future.forward (#717) */
#if FLUE_CONFIG_FORWARD

/* Would forwarding readable end `ri` of `inst` (shared object S) into
 * writable end `wi` (shared object D) meet something the ABI must refuse?
 * Both are validated by the caller (right kinds and type, idle, in no set,
 * ri != wi). FLUE_ENOTSUP: S's writer and D's reader are both driver
 * channels; FLUE_EPERM: D's parked read would meet S's parked write inside
 * one instance for an element type that forbids it (the same-instance
 * rule of an arriving op); FLUE_EINVAL: they would meet and the rest of
 * either buffer no longer lies in its instance's memory (an embedder
 * shrank it). FLUE_OK otherwise. Changes nothing. */
int flue_forward_check(struct flue_instance *inst, uint32_t ri, uint32_t wi);

/* Forward (flue_forward_check() said FLUE_OK): free ri, then wi; if S != D,
 * re-attach D's reader (an end anywhere, a driver channel, or nothing if it
 * was dropped) to S and free D. A dropped reader makes S dropped (its
 * writer is told, as by a drop of the readable end); a parked read is
 * re-issued against S with its progress so far. Raises no other event. */
void flue_forward(struct flue_instance *inst, uint32_t ri, uint32_t wi);

#endif /* FLUE_CONFIG_FORWARD */

#endif /* FLUE_OBJ_H */
