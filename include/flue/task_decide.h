/**
 * @file flue/task_decide.h
 * @brief Task-model decisions of the executor (pure, proved): the entry
 *        gate (backpressure and the exclusive lock), the callback code, the
 *        backpressure counter, subtask states, the cancellation state
 *        machine, and the packed async-lower status. The executor (issue 4,
 *        docs/EXECUTOR.md) extracts the scalars, decides, and applies.
 *
 * Semantics: definitions.py @ 6d28164 (Task.enter_implicit_thread,
 * unpack_callback_result, canon_backpressure_inc/dec, Subtask, canon_lower,
 * canon_subtask_cancel, Task.request_cancellation / deliver_pending_cancel /
 * return_ / cancel); digest §4.
 *
 * Calling context: any; pure; never blocks; total over their inputs.
 */
#ifndef FLUE_TASK_DECIDE_H
#define FLUE_TASK_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------ entry gate */

/** Scalars of an export call at the instance's entry gate. */
struct flue_gate_view {
	bool async_typed;        /**< the function type is `async` */
	bool needs_exclusive;    /**< async-typed and (sync-lifted or callback-lifted) */
	uint16_t backpressure;   /**< the instance's backpressure counter */
	bool exclusive_held;     /**< some thread holds the exclusive lock */
	uint32_t waiting_to_enter; /**< calls already held at this gate */
};

enum flue_gate_action {
	FLUE_GATE_BARGE_IN = 0, /**< not async-typed: ignores backpressure and the lock */
	FLUE_GATE_ENTER = 1,    /**< admitted now (take the lock iff needs_exclusive) */
	FLUE_GATE_HOLD = 2,     /**< held in STARTING: explicit, implicit or residual backpressure */
};

/**
 * @brief A new call arrives: BARGE_IN if not async-typed; HOLD if
 *        backpressure > 0, or needs_exclusive and the lock is held, or
 *        someone is already held (residual); else ENTER.
 *        On HOLD the caller counts the call in waiting_to_enter until it is
 *        admitted or cancelled. HOLD is the deterministic profile: the
 *        reference may also enter at once when only residual backpressure
 *        holds (wait_until's random early return); both conform.
 */
uint8_t flue_gate_arrive_decide(struct flue_gate_view v);

/**
 * @brief May a call held at the gate be admitted now? True iff
 *        backpressure == 0 and not (needs_exclusive and the lock is held).
 *        (Residual backpressure does not hold those already queued.)
 */
bool flue_gate_admit_decide(struct flue_gate_view v);

/* --------------------------------------------------------- callback code */

enum flue_callback_action {
	FLUE_CB_EXIT = 0,  /**< the task's implicit thread exits */
	FLUE_CB_YIELD = 1, /**< park until the lock is free; then callback(NONE, 0, 0),
			        or (TASK_CANCELLED, 0, 0) if a cancellation is delivered */
	FLUE_CB_WAIT = 2,  /**< park until the lock is free and set `set` has an event
			        (or a cancellation is delivered) */
	FLUE_CB_TRAP = 3,  /**< code > 2 (3 was the removed POLL): trap */
};

/** Decoded callback result. */
struct flue_callback_decision {
	uint8_t action; /**< enum flue_callback_action */
	uint32_t set;   /**< packed >> 4: the waitable-set index (WAIT only; the
			     caller checks that it names a set, at every WAIT) */
};

/** @brief Decode `packed`: code = packed mod 16, set = packed / 16. */
struct flue_callback_decision flue_callback_decide(uint32_t packed);

/* ---------------------------------------------------------- backpressure */

enum flue_bp_action {
	FLUE_BP_OK = 0,        /**< store `value` */
	FLUE_BP_OPENED = 1,    /**< dec reached 0: store it; held calls may be admitted
				    (made ready; none starts synchronously) */
	FLUE_BP_OVERFLOW = 2,  /**< inc would reach 2^16: trap, counter unchanged (the
				    reference stores 2^16 first; unobservable, a
				    trap is final) */
	FLUE_BP_UNDERFLOW = 3, /**< dec below 0: trap, counter unchanged (the reference
				    stores -1 first; likewise unobservable) */
};

struct flue_bp_decision {
	uint8_t action;  /**< enum flue_bp_action */
	uint16_t value;  /**< new counter (unchanged on a trap) */
};

/** @brief backpressure.inc on `counter`. */
struct flue_bp_decision flue_bp_inc_decide(uint16_t counter);
/** @brief backpressure.dec on `counter`. */
struct flue_bp_decision flue_bp_dec_decide(uint16_t counter);

/* -------------------------------------------------------------- subtasks */

/** Subtask.State, the spec's numbering (ABI-visible). */
enum flue_subtask_state {
	FLUE_SUBTASK_STARTING = 0,
	FLUE_SUBTASK_STARTED = 1,
	FLUE_SUBTASK_RETURNED = 2,
	FLUE_SUBTASK_CANCELLED_BEFORE_STARTED = 3,
	FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED = 4,
};

/**
 * @brief The state a subtask moves to when its callee resolves: with a
 *        value → RETURNED (from STARTED); without (cancelled) →
 *        CANCELLED_BEFORE_STARTED from STARTING, CANCELLED_BEFORE_RETURNED
 *        from STARTED. Any other input returns `state` unchanged (not
 *        reachable, asserts in the reference: resolution happens once, and
 *        a value needs on_start first, so never comes in STARTING).
 */
uint8_t flue_subtask_resolve_decide(uint8_t state, bool has_value);

/** What subtask.cancel does. */
enum flue_subtask_cancel_action {
	FLUE_SC_TRAP_DELIVERED = 0, /**< the resolution was already delivered: trap */
	FLUE_SC_TRAP_TWICE = 1,     /**< cancellation already requested: trap */
	FLUE_SC_TRAP_SYNC_IN_SET = 2, /**< sync form on a subtask in a waitable set: trap */
	FLUE_SC_CONSUME = 3,        /**< already resolved: consume its pending event, return the state */
	FLUE_SC_REQUEST = 4,        /**< request cancellation of the callee (may resolve it now) */
};

/** @brief Checks of subtask.cancel in the reference's order. */
uint8_t flue_subtask_cancel_decide(bool resolve_delivered, bool cancel_requested,
				   bool in_set, bool async, bool resolved);

/**
 * @brief The i32 an async-lowered call returns: exactly 2 (RETURNED, no
 *        handle) if the callee resolved before the call returned, else
 *        `state | index << 4` with state STARTING or STARTED and
 *        1 <= index < 2^28 (the precondition when !resolved_now; the result
 *        is then never 2 and never BLOCKED).
 */
uint32_t flue_lower_status_decide(bool resolved_now, uint8_t state, uint32_t index);

/* ---------------------------------------------------------- cancellation */

/** Task.State (internal; not ABI-visible). */
enum flue_task_state {
	FLUE_TASK_INITIAL = 0,
	FLUE_TASK_STARTED = 1,
	FLUE_TASK_PENDING_CANCEL = 2,
	FLUE_TASK_CANCEL_DELIVERED = 3,
	FLUE_TASK_RESOLVED = 4,
};

enum flue_cancel_action {
	FLUE_CANCEL_BEFORE_START = 0, /**< INITIAL: state → CANCEL_DELIVERED, resolve with no
					   value, no guest code runs */
	FLUE_CANCEL_DELIVER = 1,      /**< STARTED with a cancellable candidate that may be
					   entered: state → CANCEL_DELIVERED, resume it cancelled */
	FLUE_CANCEL_PEND = 2,         /**< STARTED otherwise: state → PENDING_CANCEL */
	FLUE_CANCEL_IGNORE = 3,       /**< any other state: nothing (the caller's checks make
					   this unreachable) */
};

/**
 * @brief A cancellation request reaches a task (Task.request_cancellation).
 * @param has_candidate some thread of the task is parked in a cancellable
 *        wait and eligible (a needs-exclusive implicit thread is not while
 *        another thread holds the lock)
 * @param may_enter the callee instance may be entered from the caller
 */
uint8_t flue_cancel_request_decide(uint8_t task_state, bool has_candidate, bool may_enter);

/**
 * @brief Deliver a pending cancellation now? True iff `cancellable` and the
 *        task is PENDING_CANCEL (the caller then sets CANCEL_DELIVERED).
 */
bool flue_cancel_deliver_decide(uint8_t task_state, bool cancellable);

/** What task.return / task.cancel do. */
enum flue_resolve_action {
	FLUE_RESOLVE_OK = 0,            /**< resolve; state → RESOLVED */
	FLUE_RESOLVE_TRAP_RESOLVED = 1, /**< already resolved (or, for cancel, not
					     CANCEL_DELIVERED): trap */
	FLUE_RESOLVE_TRAP_BORROWS = 2,  /**< borrowed handles outstanding: trap */
};

/** @brief task.return: traps if RESOLVED, then if num_borrows > 0. Allowed
 *         in STARTED, PENDING_CANCEL and CANCEL_DELIVERED (INITIAL is not
 *         rejected either, as in the reference; no guest code runs then). */
uint8_t flue_task_return_decide(uint8_t task_state, uint32_t num_borrows);

/** @brief task.cancel: traps unless CANCEL_DELIVERED, then if num_borrows > 0. */
uint8_t flue_task_cancel_decide(uint8_t task_state, uint32_t num_borrows);

#endif /* FLUE_TASK_DECIDE_H */
