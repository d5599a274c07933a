/**
 * @file flue/copy_decide.h
 * @brief The rendezvous decision of a stream or future copy (pure, proved).
 *
 * A stream/future shared object holds at most one parked operation (the
 * "pending" op of the reference's SharedStreamImpl / SharedFutureImpl). When
 * a read or write arrives, the object layer extracts the scalars below,
 * calls the decision, and applies the action: moves elements between the
 * two guest buffers, sets pending events, parks or un-parks an op.
 *
 * The rows of the specification (definitions.py @ 6d28164, digest §2.6):
 * | arriving op | situation                                   | action         |
 * |-------------|---------------------------------------------|----------------|
 * | any         | shared object dropped                       | DROPPED        |
 * | any         | nothing parked                              | PARK           |
 * | any         | parked op in the same instance, T not       | TRAP           |
 * |             | absent/number                               |                |
 * | any         | parked remain > 0                           | TRANSFER       |
 * |             |   count = min(arriving n, parked remain)    | (notify parked |
 * |             |   (0 if arriving n == 0)                    |  iff count > 0)|
 * | write n==0  | parked read zero-length (remain 0)          | TRANSFER 0,    |
 * |             |                                             |  no notify     |
 * | otherwise   | parked remain == 0                          | NOTIFY_PARK    |
 *
 * Futures always copy exactly one element; see flue_future_copy_decide().
 *
 * Two more decisions cover what happens around a copy (current spec, PRs
 * #719 and #720 of WebAssembly/component-model): what a drop does to the
 * other end (flue_copy_drop_decide()) and what an end's pending event
 * reports when it is delivered (flue_copy_event_decide()).
 *
 * Calling context: any (thread or ISR); pure; never blocks; total.
 */
#ifndef FLUE_COPY_DECIDE_H
#define FLUE_COPY_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

/** What the arriving op should do. */
enum flue_copy_action {
	/** The other end is gone: the arriving op completes now with DROPPED,
	 *  progress 0. Nothing else changes. */
	FLUE_COPY_DROPPED = 0,
	/** Nothing to meet: the arriving op becomes the parked op. */
	FLUE_COPY_PARK = 1,
	/** Move `count` elements from the writer's buffer to the reader's; the
	 *  arriving op completes now with COMPLETED and progress `count`. If
	 *  `notify_pending`, the parked op's pending event becomes "COMPLETED
	 *  with its cumulative progress, reclaim the buffer on delivery" (the
	 *  reference's on_copy); it stays parked until that event is
	 *  delivered. */
	FLUE_COPY_TRANSFER = 2,
	/** The parked op can take or give nothing more: it is un-parked and
	 *  notified COMPLETED with its cumulative progress (on_copy_done), and
	 *  the arriving op parks in its place. */
	FLUE_COPY_NOTIFY_PARK = 3,
	/** Both parties are in the same component instance and the element
	 *  type is neither absent nor a number type: the arriving op traps
	 *  (the reference's "temporary" trap). Nothing changes. */
	FLUE_COPY_TRAP = 4,
};

/** Snapshot of a stream's shared object as an op arrives. */
struct flue_stream_copy_view {
	bool dropped;                 /**< the other end was dropped */
	bool has_pending;             /**< an op of the other side is parked */
	bool pending_zero_length;     /**< the parked op was issued with n == 0 */
	bool same_instance_forbidden; /**< parked op's instance == arriving op's,
				           and T is not absent/number */
	bool arriving_is_write;       /**< arriving op is a write (else a read) */
	uint32_t pending_remain;      /**< elements the parked op can still move */
	uint32_t arriving_n;          /**< elements the arriving op offers (its n) */
};

/** Decision for a stream copy. */
struct flue_copy_decision {
	uint8_t action;      /**< enum flue_copy_action */
	bool notify_pending; /**< TRANSFER only: the parked op moved elements */
	uint32_t count;      /**< TRANSFER only: elements moved; else 0 */
};

/**
 * @brief Decide what an arriving stream read/write does (digest §2.6).
 *
 * Guarantees (proved): total; `count <= arriving_n` and
 * `count <= pending_remain`; on TRANSFER with both sides non-empty,
 * `count == min(arriving_n, pending_remain)` and `notify_pending`; a
 * zero-length arriving op never moves an element; DROPPED, PARK, TRAP and
 * NOTIFY_PARK have `count == 0` and `notify_pending == false`.
 * @pre `pending_zero_length` implies `pending_remain == 0`.
 */
struct flue_copy_decision flue_stream_copy_decide(struct flue_stream_copy_view v);

/** Snapshot of a future's shared object as an op arrives. */
struct flue_future_copy_view {
	bool dropped;                 /**< the other end was dropped */
	bool has_pending;             /**< an op of the other side is parked */
	bool same_instance_forbidden; /**< as for streams */
	bool arriving_is_write;       /**< arriving op is a write (else a read) */
};

/**
 * @brief Decide what an arriving future read/write does.
 *
 * dropped → DROPPED (a reader cannot meet a dropped writer through the
 * guest ABI — the writer may only drop after DONE — so for reads this row
 * is only reachable by a host end, and is reported DROPPED as well);
 * nothing parked → PARK; same-instance non-number → TRAP; otherwise
 * TRANSFER with `count == 1` and `notify_pending` (both ops complete
 * with COMPLETED; the parked op is un-parked).
 */
struct flue_copy_decision flue_future_copy_decide(struct flue_future_copy_view v);

/* ------------------------------------------------ drops and delivery */

/** What dropping one end does to the other (#720). */
enum flue_drop_action {
	/** Nothing: the other end was dropped first, is in transit or a
	 *  driver channel, or is busy with its event already pending (a
	 *  stream then reports DROPPED at delivery, flue_copy_event_decide();
	 *  a future keeps its COMPLETED), or is done. */
	FLUE_DROP_NOTHING = 0,
	/** The other end's parked op ends now: its pending event becomes
	 *  DROPPED with the progress it made, and it is un-parked. */
	FLUE_DROP_NOTIFY_PARKED = 1,
	/** The other end is idle: it gets a pending DROPPED event with
	 *  progress 0, delivered once (wait, poll, callback, or inline by its
	 *  next read/write), whether or not it is in a waitable set. */
	FLUE_DROP_NOTIFY_IDLE = 2,
};

/** Snapshot of a shared object as one of its ends is dropped. */
struct flue_drop_view {
	bool already_dropped; /**< the other end was dropped before */
	bool peer_attached;   /**< the other end lives in a handle table (not
				   in transit, not a driver channel) */
	bool peer_parked;     /**< the other end has an op parked */
	bool peer_idle;       /**< the other end has no op in progress */
};

/**
 * @brief Decide what a drop does to the other end (#720).
 *
 * Rows, in order: already dropped → NOTHING; peer parked → NOTIFY_PARKED;
 * peer attached and idle → NOTIFY_IDLE; otherwise NOTHING.
 */
uint8_t flue_copy_drop_decide(struct flue_drop_view v);

/** The results a copy event can carry (the values of flue/store.h's
 *  enum flue_copy_result, restated here because decide code includes no
 *  store header). */
enum flue_copy_ev_result {
	FLUE_COPY_EV_COMPLETED = 0,
	FLUE_COPY_EV_DROPPED = 1,
	FLUE_COPY_EV_CANCELLED = 2,
};

/** Snapshot of an end whose pending event is being delivered. */
struct flue_copy_event_view {
	bool is_future;    /**< a future end (else a stream end) */
	bool peer_dropped; /**< the other end has been dropped (by now) */
	bool cancelling;   /**< a cancel-read/write is in progress on this end */
	uint8_t result;    /**< enum flue_copy_ev_result recorded with the event */
};

/** What delivery reports, and whether the end is done afterwards. */
struct flue_copy_event {
	uint8_t result; /**< enum flue_copy_ev_result to report */
	bool done;      /**< the end becomes DONE (else IDLE) */
};

/**
 * @brief Decide the result an end's event reports at delivery, and the
 *        end's next state (design note 2: events are computed then).
 *
 * Streams (#719): DROPPED once the other end has been dropped, whatever
 * was recorded ("DROPPED is prompt"); else CANCELLED instead of COMPLETED
 * when a cancel is in progress ("CANCELLED beats COMPLETED"); else the
 * recorded result. Futures: the recorded result, unchanged — a completed
 * future stays COMPLETED whatever happens later (future-completion-order).
 * The end is DONE after DROPPED, and after a future's COMPLETED; else idle.
 * @pre `result` is one of enum flue_copy_ev_result.
 */
struct flue_copy_event flue_copy_event_decide(struct flue_copy_event_view v);

#endif /* FLUE_COPY_DECIDE_H */
