/**
 * @file flue/task_decide.h
 * @brief Task-model decisions of the executor (pure, proved): the entry
 *        gate (backpressure and the exclusive lock), the callback code, the
 *        backpressure counter, subtask states, the cancellation state
 *        machine, and the packed async-lower status. The executor (issue 4,
 *        docs/EXECUTOR.md) extracts the scalars, decides, and applies.
 *
 * Semantics: definitions.py @ 14087d73 (Task.enter_implicit_thread,
 * unpack_callback_result, canon_lift's callback loop and
 * WaitableSet.wait_from_callback, canon_backpressure_inc/dec, Subtask,
 * canon_lower, canon_subtask_cancel, Task.request_cancellation /
 * deliver_pending_cancel / return_ / cancel), plus #723 for the resume an
 * async subtask.cancel performs (docs/CONFORMANCE.md).
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

/**
 * @brief Is a callback task parked after `action` ready to run its next
 *        turn (#707, #716)? YIELD: the instance's exclusive lock is free.
 *        WAIT: the lock is free and (its set has an event or a cancellation
 *        is pending: `task_state` is PENDING_CANCEL). Any other action:
 *        false (not parked).
 */
bool flue_callback_ready_decide(uint8_t action, bool lock_free, bool set_has_event,
				uint8_t task_state);

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
	FLUE_SC_TRAP_IN_SET = 2,    /**< the subtask is in a waitable set: trap (sync and
				         async form alike since #715) */
	FLUE_SC_CONSUME = 3,        /**< already resolved: consume its pending event, return the state */
	FLUE_SC_REQUEST = 4,        /**< request cancellation of the callee (may resolve it now) */
};

/** @brief Checks of subtask.cancel in the reference's order: delivered,
 *         requested twice, in a set; then consume (resolved) or request. */
uint8_t flue_subtask_cancel_decide(bool resolve_delivered, bool cancel_requested,
				   bool in_set, bool resolved);

/** Which thread an async subtask.cancel resumes when the request left the
 *  callee unresolved (#723). */
enum flue_cancel_resume_action {
	FLUE_CR_NONE = 0,   /**< no ready thread of the callee's instance: none runs */
	FLUE_CR_TARGET = 1, /**< the cancelled task's own thread (ready: it runs first) */
	FLUE_CR_OLDEST = 2, /**< else the oldest ready thread of the callee's instance */
};

/**
 * @brief The one resume of an async subtask.cancel (#723: at least one ready
 *        thread of the callee's instance, of any task; the cancel returns
 *        BLOCKED if the task is still unresolved after it). flue resumes
 *        exactly one: the cancelled task's thread if it is ready, else the
 *        oldest ready thread of that instance, else none.
 */
uint8_t flue_cancel_resume_decide(bool target_ready, bool other_ready);

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
	FLUE_CANCEL_BEFORE_START = 0, /**< INITIAL (held at the entry gate): delivered there;
					   the task resolves with no value, no guest code runs */
	FLUE_CANCEL_PEND = 1,         /**< STARTED: state → PENDING_CANCEL; nothing runs now
					   (delivered later, only to a callback event loop) */
	FLUE_CANCEL_IGNORE = 2,       /**< any other state: nothing (the caller's checks make
					   this unreachable from subtask.cancel) */
};

/**
 * @brief A cancellation request reaches a task (Task.request_cancellation,
 *        #716): INITIAL → BEFORE_START, STARTED → PEND, else IGNORE.
 */
uint8_t flue_cancel_request_decide(uint8_t task_state);

/**
 * @brief Deliver a pending cancellation now? True iff the thread is at a
 *        delivery point and the task is PENDING_CANCEL (the caller then sets
 *        CANCEL_DELIVERED). The delivery points (#716) are the entry gate,
 *        the top of each callback-loop turn (lock still held), and a
 *        callback YIELD or WAIT once the lock is free; `waitable-set.wait`,
 *        `poll`, `thread.yield` and stackful or sync-lifted tasks never are.
 */
bool flue_cancel_deliver_decide(uint8_t task_state, bool delivery_point);

/**
 * @brief May the nested scheduling loop of a blocked thread resume thread
 *        `t`? #705: every ready thread is a candidate, the exclusive-lock
 *        holder's instance included; flue's single stack only excludes a
 *        thread blocked deeper on this same stack (it cannot run before the
 *        code above it returns: docs/CONFORMANCE.md).
 */
bool flue_nested_candidate_decide(bool ready, bool blocked_below);

/** What the scheduler does with a parked task's place in the ready queue. */
enum flue_ready_mark {
	FLUE_READY_KEEP = 0,    /**< nothing changes (still ready, or still not) */
	FLUE_READY_STAMP = 1,   /**< its condition newly holds: it takes the next
				     ready stamp, i.e. joins the ready queue at its
				     tail (the queue stays in stamp order) */
	FLUE_READY_UNSTAMP = 2, /**< its condition stopped holding before it ran:
				     it leaves the queue and loses its place */
};

/**
 * @brief The ready-queue transition of a parked task whose condition was
 *        just checked: STAMP iff it `holds` and is not `stamped`; UNSTAMP
 *        iff it is `stamped` and no longer `holds`; else KEEP. The
 *        executor checks the parked tasks in the order they began waiting
 *        (wait_seq), so tasks that became ready in the same step join the
 *        queue in that order (docs/EXECUTOR.md, ready order).
 */
uint8_t flue_ready_mark_decide(bool holds, bool stamped);

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
