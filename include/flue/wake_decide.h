/**
 * @file flue/wake_decide.h
 * @brief How the scheduler learns that a waiting thread's condition may
 *        have changed, and the order in which it re-checks conditions
 *        (pure, proved; docs/EXECUTOR.md, "Wakes").
 *
 * A waiting thread's condition (`enum flue_cond`, flue/thread_decide.h) is
 * re-checked by the scheduler before a step only if it may have changed:
 *
 *  - WOKEN and SET conditions (YIELD, WAIT, SUBTASK, READY) have inputs the
 *    executor knows (the instance's exclusive lock, a waitable set's
 *    pending queue, the task's state, the callee's subtask state): whoever
 *    changes one of them wakes the threads that wait on it, and only woken
 *    threads are re-checked. A WAIT thread is also listed by its set, so a
 *    change of the set wakes exactly the threads parked on it.
 *  - POLLED conditions (GATE, SET, EVENT, FN, PRED) depend on inputs that
 *    change in many places or on a predicate flue cannot see into
 *    (backpressure and the gate, flue_wait_until's host predicate, a
 *    blocking built-in's `done`): they are re-checked at every step.
 *
 * The re-check takes the woken and the polled threads together in the order
 * they began waiting: flue_wait_first_decide() picks the next of the two
 * candidates by their `wait_seq`, a 64-bit count of waits begun (it never
 * wraps: 2^64 waits), 0 meaning "no candidate".
 *
 * Calling context: any; pure; never blocks; total over its inputs.
 */
#ifndef FLUE_WAKE_DECIDE_H
#define FLUE_WAKE_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/thread_decide.h>

/** How the scheduler learns that a condition may hold (or stopped holding). */
enum flue_wake_class {
	FLUE_WAKE_NONE = 0, /**< not a condition: the thread does not wait (NONE) */
	FLUE_WAKE_HOST,     /**< HOST: never checked; only the host resolves the call */
	FLUE_WAKE_POLLED,   /**< GATE, SET, EVENT, FN, PRED: re-checked at every step */
	FLUE_WAKE_WOKEN,    /**< YIELD, SUBTASK, READY: re-checked when woken */
	FLUE_WAKE_SET,      /**< WAIT: re-checked when woken, and listed by its set */
};

/**
 * @brief The wake class of condition `cond` (enum flue_cond). A value
 *        outside the enum is POLLED: checked at every step, the safe side.
 */
uint8_t flue_wake_class_decide(uint8_t cond);

/** Which of two candidates began waiting first. */
enum flue_wait_first {
	FLUE_WAIT_FIRST_NONE = 0, /**< neither is a candidate (both 0) */
	FLUE_WAIT_FIRST_A,        /**< `a`: the only candidate, or the older one */
	FLUE_WAIT_FIRST_B,        /**< `b`: the only candidate, or the older one */
};

/**
 * @brief Of two waiting threads with wait sequence numbers `a` and `b`
 *        (0: no candidate), the one that began waiting first. Two threads
 *        never share a number; were they equal, `a` would be first.
 */
uint8_t flue_wait_first_decide(uint64_t a, uint64_t b);

#endif /* FLUE_WAKE_DECIDE_H */
