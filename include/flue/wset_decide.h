/**
 * @file flue/wset_decide.h
 * @brief Bookkeeping decisions of the waitable event aggregator (pure, proved).
 *
 * A waitable set keeps its members that have a pending event in a queue
 * ordered by *stamp*: the store time at which each waitable's event first
 * became pending. These decisions say what the object layer does to that
 * queue when an event is raised, delivered, or the waitable is joined to a
 * set, and how two stamps compare. Together they give flue's deterministic
 * delivery order: the oldest first-pending event of a set is delivered
 * next; an update of a pending event keeps its place; moving a waitable to
 * another set keeps its place there.
 *
 * Calling context: any; pure; never blocks; total.
 */
#ifndef FLUE_WSET_DECIDE_H
#define FLUE_WSET_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

/** What happens to a waitable's queue entry. */
enum flue_wq_action {
	FLUE_WQ_NOTHING = 0,      /**< no queue change */
	FLUE_WQ_STAMP_APPEND = 1, /**< take a new stamp; append to its set's tail (if in a set) */
	FLUE_WQ_KEEP = 2,         /**< already pending: keep stamp and place */
	FLUE_WQ_UNLINK = 3,       /**< leave the queue (event delivered / waitable leaves) */
	FLUE_WQ_MOVE = 4,         /**< unlink from the old set (if any), insert into the
				       new set by stamp (if any) */
};

/** Events that touch the queue. */
enum flue_wq_op {
	FLUE_WQ_RAISE = 0,   /**< an event becomes pending (or is updated) */
	FLUE_WQ_DELIVER = 1, /**< the pending event is handed to the guest */
	FLUE_WQ_JOIN = 2,    /**< waitable.join to another set or to none */
};

/**
 * @brief Decide the queue action for `op` on a waitable that currently
 *        `has_event` or not.
 *
 * RAISE: pending → KEEP, else STAMP_APPEND. DELIVER: pending → UNLINK, else
 * NOTHING. JOIN: pending → MOVE (the event travels with its stamp), else
 * NOTHING (membership changes; the queue does not). Any other op: NOTHING.
 */
uint8_t flue_wq_decide(uint8_t op, bool has_event);

/**
 * @brief True iff stamp `a` was taken before stamp `b`, for a 32-bit clock
 *        that may wrap: valid while the two are less than 2^31 ticks
 *        apart (serial-number arithmetic, RFC 1982).
 */
bool flue_stamp_before(uint32_t a, uint32_t b);

#endif /* FLUE_WSET_DECIDE_H */
