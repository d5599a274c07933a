/**
 * @file flue/thread_decide.h
 * @brief The life of a task's implicit thread as an explicit state machine
 *        (pure, proved): its states, the conditions a waiting thread waits
 *        for, the events that move it, and the one decision that says
 *        where an event leads — or that it cannot happen.
 *
 * A task record (flue/task.h) holds one call of a lifted export or host
 * function with its one implicit thread. The thread is always in exactly
 * one state of `enum flue_thread_state`; a waiting state carries its
 * condition (`enum flue_cond`, the record's `cond`), the others have
 * `cond == FLUE_COND_NONE`. The executor (src/exec/queue.c, exec_thread)
 * moves a thread only through flue_thread_decide() and traps
 * FLUE_TRAP_BAD_DECISION on a transition the table does not have.
 *
 * | state \ event | HOLD | UNHOLD | START   | DISCARD | PARK   | SUSPEND   | NEST   | RUN     | EXIT   | WAIT_HOST | RESOLVE | DROP   | UNWIND |
 * |---------------|------|--------|---------|---------|--------|-----------|--------|---------|--------|-----------|---------|--------|--------|
 * | NEW           | GATE |        | RUNNING | EXITED  |        |           |        |         |        |           |         |        |        |
 * | GATE          |      | NEW    | RUNNING | EXITED  |        |           |        |         |        |           |         | EXITED |        |
 * | RUNNING       |      |        |         |         | PARKED | SUSPENDED | NESTED |         | EXITED | HOST      |         |        | EXITED |
 * | PARKED        |      |        |         |         |        |           |        | RUNNING |        |           |         | EXITED |        |
 * | SUSPENDED     |      |        |         |         |        |           |        | RUNNING |        |           |         |        |        |
 * | NESTED        |      |        |         |         |        |           |        | RUNNING |        |           |         |        | EXITED |
 * | HOST          |      |        |         |         |        |           |        |         |        |           | EXITED  |        |        |
 * | EXITED        |      |        |         |         |        |           |        |         |        |           |         |        |        |
 *
 * Side conditions (an empty cell, or a side condition that fails, is
 * FLUE_THREAD_BAD): the new state's condition `cond` is GATE for HOLD,
 * YIELD or WAIT for PARK, one of SET..PRED for SUSPEND and NEST, HOST for
 * WAIT_HOST, NONE for every other event; HOLD and PARK are guest threads
 * only (host functions have no gate and no callback loop), WAIT_HOST host
 * threads only; the call is unresolved when its thread starts, leaves the
 * gate unstarted (UNHOLD) or enters HOST, and resolved before its thread
 * reaches EXITED.
 *
 * Calling context: any; pure; never blocks; total over its inputs.
 */
#ifndef FLUE_THREAD_DECIDE_H
#define FLUE_THREAD_DECIDE_H

#include <stdbool.h>
#include <stdint.h>

/** Where a task's thread is (the record's `thread`). */
enum flue_thread_state {
	FLUE_THREAD_NEW = 0,   /**< not started and not waiting: the call has not reached
				    its callee yet, or a cancellation delivered at the
				    gate let it go (it resolves without a value next) */
	FLUE_THREAD_GATE,      /**< held at the callee's entry gate (cond GATE); no guest
				    code ran, nothing was lifted */
	FLUE_THREAD_RUNNING,   /**< running, or on the executor stack below the running
				    thread (cond NONE) */
	FLUE_THREAD_PARKED,    /**< a callback turn ended with YIELD or WAIT: nothing of
				    it is on any stack (cond YIELD / WAIT) */
	FLUE_THREAD_SUSPENDED, /**< blocked inside its code on a fiber of its own, which
				    is suspended (cond SET..PRED): any loop may resume it */
	FLUE_THREAD_NESTED,    /**< blocked inside its code on the executor stack (cond
				    SET..PRED): its nested loop runs others above it, and
				    only that loop resumes it */
	FLUE_THREAD_HOST,      /**< a host function's start returned with the call
				    unresolved: only the host resolves it (cond HOST) */
	FLUE_THREAD_EXITED,    /**< finished and its call resolved: the callee side no
				    longer needs the record */
	FLUE_THREAD_BAD,       /**< not a state: the decision's "no such transition" */
};

/** What a waiting thread waits for (the record's `cond`; docs/EXECUTOR.md),
 *  checked by the scheduler. NONE in the states that do not wait. */
enum flue_cond {
	FLUE_COND_NONE = 0,  /**< not waiting (NEW, RUNNING, EXITED) */
	FLUE_COND_GATE,      /**< GATE: the entry gate admits it */
	FLUE_COND_YIELD,     /**< PARKED, callback YIELD: the exclusive lock is free */
	FLUE_COND_WAIT,      /**< PARKED, callback WAIT: lock free and set `arg` has an event */
	FLUE_COND_SET,       /**< blocked: waitable-set.wait: set `arg` has an event */
	FLUE_COND_EVENT,     /**< blocked: sync op / cancel: waitable `arg` has an event */
	FLUE_COND_SUBTASK,   /**< blocked: sync lower: the callee task `arg` resolved */
	FLUE_COND_READY,     /**< blocked: thread.yield: ready at once */
	FLUE_COND_FN,        /**< blocked: flue_wait_until(): ready_fn(ready_arg) */
	FLUE_COND_PRED,      /**< blocked: a blocking built-in: done(inst, arg) */
	FLUE_COND_HOST,      /**< HOST: until the host resolves the call */
};

/** What happens to a thread. */
enum flue_thread_event {
	FLUE_THREAD_EV_HOLD = 0,  /**< the call arrives and the entry gate holds it */
	FLUE_THREAD_EV_UNHOLD,    /**< a cancellation delivered at the gate lets it go
				       unstarted, before its call resolves */
	FLUE_THREAD_EV_START,     /**< its thread starts (at arrival, or admitted by the gate) */
	FLUE_THREAD_EV_DISCARD,   /**< resolved before it started (lockdown, cancelled at
				       the gate, its caller trapped): it never runs */
	FLUE_THREAD_EV_PARK,      /**< a callback turn ends with YIELD or WAIT */
	FLUE_THREAD_EV_SUSPEND,   /**< it blocks on its own fiber */
	FLUE_THREAD_EV_NEST,      /**< it blocks in a nested loop on the executor stack */
	FLUE_THREAD_EV_RUN,       /**< a parked or blocked thread runs again */
	FLUE_THREAD_EV_EXIT,      /**< its code returned with the call resolved */
	FLUE_THREAD_EV_WAIT_HOST, /**< a host function's start returned, call unresolved */
	FLUE_THREAD_EV_RESOLVE,   /**< the host resolved a call whose start had returned */
	FLUE_THREAD_EV_DROP,      /**< its instance trapped while it waited with no stack
				       (at the gate, or a parked callback turn): gone */
	FLUE_THREAD_EV_UNWIND,    /**< a trap unwound its code (running, or blocked in a
				       nested loop the trap unwound through); resolved first */
};

/** The scalars of a transition. */
struct flue_thread_view {
	uint8_t state;  /**< enum flue_thread_state: where the thread is */
	uint8_t event;  /**< enum flue_thread_event */
	uint8_t cond;   /**< enum flue_cond: what it waits for in the new state */
	bool host;      /**< a host function's call (no gate, no callback loop) */
	bool resolved;  /**< the call is resolved (Task.State RESOLVED) */
};

/**
 * @brief The state `v.event` moves a thread in `v.state` to (the table
 *        above, with its side conditions), or FLUE_THREAD_BAD if there is
 *        no such transition.
 *
 * Guarantees (proved): total; the result is a state or BAD; EXITED is
 * reached only with the call resolved and HOST only by a host function's
 * unresolved call; a result other than BAD is a waiting state exactly when
 * `v.cond` is not NONE, and then `v.cond` is one of that state's
 * conditions; nothing leaves EXITED.
 */
uint8_t flue_thread_decide(struct flue_thread_view v);

#endif /* FLUE_THREAD_DECIDE_H */
