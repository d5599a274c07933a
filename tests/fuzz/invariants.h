/*
 * Structural invariants of a flue store, checked from the outside (test
 * code only: uses snprintf). Usable from any test: call it after every
 * step and fail on `false`.
 *
 * What is checked, for every live instance and the store's pools:
 *  - handle table: index 0 never used; the free list is acyclic, holds
 *    only FREE slots below `len`; no FREE slot below `len` is missing from
 *    it (no leaked slot), `nfree` counts it; no slot at or beyond `len`
 *    is in use;
 *  - waitables: `wset` is 0 or a live waitable-set slot; each set's
 *    `members` equals the number of waitables naming it; its pending queue
 *    (head/tail, prev/next) holds exactly the members with `has_event`, in
 *    strictly increasing stamp order (serial arithmetic), each older than
 *    the store clock;
 *  - ends: the shared object is live, of the same kind (stream/future),
 *    and its reader/writer ref points back at exactly this (instance,
 *    handle); the parked end's progress <= the length of its buffer (the
 *    shared object's `len`: only a parked op's buffer is kept; the fuzzers
 *    check every reported progress against the n of its op); an end in
 *    COPYING/CANCELLING has an event or is the parked side (no lost
 *    event); a DONE or IDLE end has no event; a pending event's result is
 *    COMPLETED/DROPPED/CANCELLED;
 *  - shared objects (handed out at least once): live iff a ref is set;
 *    every set ref names a live
 *    instance's end of the matching kind that names this object; a missing
 *    ref (no driver channel) means `dropped`; a parked side names an
 *    existing end in COPYING/CANCELLING with progress <= len; a dropped
 *    object has nothing parked; `has_channel` is set iff exactly one
 *    channel on the store's list names the object, and every listed
 *    channel names a live object with it set; the pool's free list is
 *    acyclic, holds only free objects, and no free object is missing from
 *    it;
 *  - subtask handles (FLUE_H_SUBTASK) are waitables like ends (set
 *    membership, pending queue); in an instance that has not trapped each
 *    names a used task that names it back;
 *  - tasks (the executor's records): every used record is reachable: its
 *    caller side is alive (an invocation not yet resolved, a subtask handle
 *    naming it, or, inside guest code, a synchronous caller) or its callee
 *    side is (not done); a record neither side needs is a leak; a resolved,
 *    undelivered subtask has a pending event (no lost event); a delivered
 *    one has none; a done callee is resolved with its thread finished;
 *    GATE / HOST / YIELD / WAIT conditions fit the task; a lock holder is
 *    the instance's `exclusive`, which names NONE or a task of that
 *    instance holding it; `waiting_to_enter` equals the tasks held at the
 *    gate;
 *  - scheduler (invariants_sched.c): the poll queue holds exactly the tasks
 *    waiting for a polled condition, the wake queue exactly the woken
 *    ones, both in strictly increasing wait_seq order; the ready queue
 *    exactly the stamped ones, in stamp order; each waitable set's list
 *    exactly the callback tasks parked in WAIT on it, each instance's
 *    armed list exactly its armed tasks; a lock not marked turned is
 *    where the conditions last saw it; a parked task of a woken class
 *    that nothing woke has the stamp its condition gives (else a wake was
 *    missed) and is armed exactly if only the lock keeps it from being
 *    ready; nparked / nhost count what they say;
 *  - executor: a used record's generation is never 0 (call ids decode to
 *    it or are stale); a host-post slot is open only on a host call's
 *    record, for that record's generation, until the call resolves; a
 *    pending post is never for a result with ends; sched.posted equals
 *    the FULL post slots; the posted-invocation and cancellation queues
 *    are within bounds and each queued invocation has a function, an
 *    on_resolve and a ticket.
 *
 * flue_invariants_check_quiescent() adds what holds whenever no guest code
 * runs (between executor steps): no lock is held, every instance may be
 * entered and left, nothing is nested or current, no task is left neither
 * done nor waiting (no lost thread), each waitable set's `waiting`
 * equals the callback loops waiting on it, and no post is being applied.
 */
#ifndef FLUE_TEST_INVARIANTS_H
#define FLUE_TEST_INVARIANTS_H

#include <stdbool.h>
#include <stddef.h>

#include <flue/store.h>

/** Where the end of one side of `sh` lives (its reader_* or writer_*
 *  fields, as one value). */
static inline struct flue_end_ref inv_ref(const struct flue_shared *sh, bool reader)
{
	struct flue_end_ref r;
	r.inst = reader ? sh->reader_inst : sh->writer_inst;
	r.handle = reader ? sh->reader_handle : sh->writer_handle;
	return r;
}

/**
 * @brief Check every invariant above.
 * @param msg if not NULL, receives a description of the first violation
 * @return true iff all hold
 */
bool flue_invariants_check(const struct flue_store *s, char *msg, size_t msgsz);

/** @brief flue_invariants_check() plus the quiescent checks above; call it
 *  only when no guest code runs. */
bool flue_invariants_check_quiescent(const struct flue_store *s, char *msg, size_t msgsz);

/** Where a checker writes what it found (invariants.c, invariants_sched.c). */
struct flue_inv_ctx {
	char *msg;
	size_t msgsz;
};

/** @brief Write the violation into `c` (printf format); returns false. */
__attribute__((format(printf, 2, 3))) bool flue_inv_fail(struct flue_inv_ctx *c,
							 const char *fmt, ...);

/** @brief The scheduler's part of flue_invariants_check() (invariants_sched.c). */
bool flue_invariants_sched(const struct flue_store *s, char *msg, size_t msgsz);

/** @brief Like flue_invariants_check(); on a violation prints it (with
 *  `where`) to stderr and aborts. */
void flue_invariants_assert(const struct flue_store *s, const char *where);

#endif /* FLUE_TEST_INVARIANTS_H */
