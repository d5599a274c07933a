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
 * `cond == FLUE_COND_NONE`. The executor (exec_thread in src/exec/exec.h)
 * moves a thread only through flue_thread_decide() and traps
 * FLUE_TRAP_BAD_DECISION on a transition the table does not have. The
 * decision is defined here, inline, and proved through
 * src/decide/flue_thread.c (scripts/prove.sh).
 *
 * The transitions (docs/EXECUTOR.md has them as a table):
 *
 *     NEW       HOLD -> GATE, START -> RUNNING, DISCARD -> EXITED
 *     GATE      UNHOLD -> NEW, START -> RUNNING, DISCARD -> EXITED,
 *               DROP -> EXITED
 *     RUNNING   PARK -> PARKED, SUSPEND -> SUSPENDED, NEST -> NESTED,
 *               EXIT -> EXITED, WAIT_HOST -> HOST, UNWIND -> EXITED
 *     PARKED    RUN -> RUNNING, DROP -> EXITED
 *     SUSPENDED RUN -> RUNNING
 *     NESTED    RUN -> RUNNING, UNWIND -> EXITED
 *     HOST      RESOLVE -> EXITED
 *     EXITED    (none)
 *
 * Side conditions (any other pair, or a side condition that fails, is
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

/* The decision is inline (and, with GCC and Clang, always inlined): the
 * executor calls it with a constant event at every transition, so it folds
 * to the few compares of that event's column. */
#if defined(__GNUC__)
#define FLUE_THREAD_INLINE __attribute__((always_inline)) static inline
#else
#define FLUE_THREAD_INLINE static inline
#endif

/** The scalars of a transition. */
struct flue_thread_view {
	uint8_t state;  /**< enum flue_thread_state: where the thread is */
	uint8_t event;  /**< enum flue_thread_event */
	uint8_t cond;   /**< enum flue_cond: what it waits for in the new state */
	bool host;      /**< a host function's call (no gate, no callback loop) */
	bool resolved;  /**< the call is resolved (Task.State RESOLVED) */
};

/*@
  // A condition a blocked thread may wait for (not GATE, YIELD, WAIT, HOST).
  logic boolean flue_thread_blocking(integer c) =
    c >= FLUE_COND_SET && c <= FLUE_COND_PRED;
  // The conditions of a parked callback turn.
  logic boolean flue_thread_callback(integer c) =
    c == FLUE_COND_YIELD || c == FLUE_COND_WAIT;
  // The states in which a thread waits (its record is parked).
  predicate flue_thread_waiting(integer s) =
    s == FLUE_THREAD_GATE || s == FLUE_THREAD_PARKED || s == FLUE_THREAD_SUSPENDED ||
    s == FLUE_THREAD_NESTED || s == FLUE_THREAD_HOST;
  // `c` is a condition of state `s` (NONE exactly for the states that do not wait).
  predicate flue_thread_cond_of(integer s, integer c) =
    (s == FLUE_THREAD_GATE && c == FLUE_COND_GATE) ||
    (s == FLUE_THREAD_PARKED && flue_thread_callback(c)) ||
    ((s == FLUE_THREAD_SUSPENDED || s == FLUE_THREAD_NESTED) && flue_thread_blocking(c)) ||
    (s == FLUE_THREAD_HOST && c == FLUE_COND_HOST) ||
    (!flue_thread_waiting(s) && c == FLUE_COND_NONE);
  // Not started yet (START and DISCARD leave these).
  logic boolean flue_thread_unstarted(integer s) =
    s == FLUE_THREAD_NEW || s == FLUE_THREAD_GATE;
  // Parked or blocked: RUN leaves these.
  logic boolean flue_thread_resumable(integer s) =
    s == FLUE_THREAD_PARKED || s == FLUE_THREAD_SUSPENDED || s == FLUE_THREAD_NESTED;
  // The event's cell: `next` if its side conditions `ok` hold, else BAD.
  logic integer flue_thread_cell(boolean ok, integer next) = ok ? next : FLUE_THREAD_BAD;
*/

/*@ assigns \nothing;
    ensures \result <==> flue_thread_blocking(c);
*/
static inline bool flue_thread_blocking_cond(uint8_t c)
{
	return c >= FLUE_COND_SET && c <= FLUE_COND_PRED;
}

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
/*@ assigns \nothing;
    ensures range: \result <= FLUE_THREAD_BAD;
    ensures exited_resolved: \result == FLUE_THREAD_EXITED ==> v.resolved;
    ensures host_unresolved: \result == FLUE_THREAD_HOST ==> v.host && !v.resolved;
    ensures cond_fits: \result != FLUE_THREAD_BAD ==> flue_thread_cond_of(\result, v.cond);
    ensures exited_final: v.state == FLUE_THREAD_EXITED ==> \result == FLUE_THREAD_BAD;
    behavior hold:
      assumes v.event == FLUE_THREAD_EV_HOLD;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_NEW && v.cond == FLUE_COND_GATE && !v.host,
        FLUE_THREAD_GATE);
    behavior unhold:
      assumes v.event == FLUE_THREAD_EV_UNHOLD;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_GATE && v.cond == FLUE_COND_NONE && !v.resolved,
        FLUE_THREAD_NEW);
    behavior start:
      assumes v.event == FLUE_THREAD_EV_START;
      ensures \result == flue_thread_cell(
        flue_thread_unstarted(v.state) && v.cond == FLUE_COND_NONE && !v.resolved,
        FLUE_THREAD_RUNNING);
    behavior discard:
      assumes v.event == FLUE_THREAD_EV_DISCARD;
      ensures \result == flue_thread_cell(
        flue_thread_unstarted(v.state) && v.cond == FLUE_COND_NONE && v.resolved,
        FLUE_THREAD_EXITED);
    behavior park:
      assumes v.event == FLUE_THREAD_EV_PARK;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_RUNNING && flue_thread_callback(v.cond) && !v.host,
        FLUE_THREAD_PARKED);
    behavior suspend:
      assumes v.event == FLUE_THREAD_EV_SUSPEND;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_RUNNING && flue_thread_blocking(v.cond),
        FLUE_THREAD_SUSPENDED);
    behavior nest:
      assumes v.event == FLUE_THREAD_EV_NEST;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_RUNNING && flue_thread_blocking(v.cond),
        FLUE_THREAD_NESTED);
    behavior run:
      assumes v.event == FLUE_THREAD_EV_RUN;
      ensures \result == flue_thread_cell(
        flue_thread_resumable(v.state) && v.cond == FLUE_COND_NONE,
        FLUE_THREAD_RUNNING);
    behavior exit:
      assumes v.event == FLUE_THREAD_EV_EXIT;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_RUNNING && v.cond == FLUE_COND_NONE && v.resolved,
        FLUE_THREAD_EXITED);
    behavior wait_host:
      assumes v.event == FLUE_THREAD_EV_WAIT_HOST;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_RUNNING && v.cond == FLUE_COND_HOST && v.host && !v.resolved,
        FLUE_THREAD_HOST);
    behavior resolve:
      assumes v.event == FLUE_THREAD_EV_RESOLVE;
      ensures \result == flue_thread_cell(
        v.state == FLUE_THREAD_HOST && v.cond == FLUE_COND_NONE && v.resolved,
        FLUE_THREAD_EXITED);
    behavior drop:
      assumes v.event == FLUE_THREAD_EV_DROP;
      ensures \result == flue_thread_cell(
        (v.state == FLUE_THREAD_GATE || v.state == FLUE_THREAD_PARKED) &&
          v.cond == FLUE_COND_NONE && v.resolved,
        FLUE_THREAD_EXITED);
    behavior unwind:
      assumes v.event == FLUE_THREAD_EV_UNWIND;
      ensures \result == flue_thread_cell(
        (v.state == FLUE_THREAD_RUNNING || v.state == FLUE_THREAD_NESTED) &&
          v.cond == FLUE_COND_NONE && v.resolved,
        FLUE_THREAD_EXITED);
    behavior unknown_event:
      assumes v.event > FLUE_THREAD_EV_UNWIND;
      ensures \result == FLUE_THREAD_BAD;
    complete behaviors;
    disjoint behaviors;
*/
FLUE_THREAD_INLINE uint8_t flue_thread_decide(struct flue_thread_view v)
{
	bool none = v.cond == FLUE_COND_NONE, res = v.resolved;
	bool unstarted = v.state == FLUE_THREAD_NEW || v.state == FLUE_THREAD_GATE;
	bool running = v.state == FLUE_THREAD_RUNNING;
	bool ok = false;
	uint8_t next = FLUE_THREAD_EXITED; /* the events that end a thread */
	switch (v.event) {
	case FLUE_THREAD_EV_HOLD:
		ok = v.state == FLUE_THREAD_NEW && v.cond == FLUE_COND_GATE && !v.host;
		next = FLUE_THREAD_GATE;
		break;
	case FLUE_THREAD_EV_UNHOLD:
		ok = v.state == FLUE_THREAD_GATE && none && !res;
		next = FLUE_THREAD_NEW;
		break;
	case FLUE_THREAD_EV_START:
		ok = unstarted && none && !res;
		next = FLUE_THREAD_RUNNING;
		break;
	case FLUE_THREAD_EV_PARK:
		ok = running && !v.host && (v.cond == FLUE_COND_YIELD || v.cond == FLUE_COND_WAIT);
		next = FLUE_THREAD_PARKED;
		break;
	case FLUE_THREAD_EV_SUSPEND:
	case FLUE_THREAD_EV_NEST:
		ok = running && flue_thread_blocking_cond(v.cond);
		next = v.event == FLUE_THREAD_EV_NEST ? FLUE_THREAD_NESTED : FLUE_THREAD_SUSPENDED;
		break;
	case FLUE_THREAD_EV_RUN:
		ok = none && (v.state == FLUE_THREAD_PARKED || v.state == FLUE_THREAD_SUSPENDED ||
			      v.state == FLUE_THREAD_NESTED);
		next = FLUE_THREAD_RUNNING;
		break;
	case FLUE_THREAD_EV_WAIT_HOST:
		ok = running && v.cond == FLUE_COND_HOST && v.host && !res;
		next = FLUE_THREAD_HOST;
		break;
	case FLUE_THREAD_EV_DISCARD:
		ok = unstarted && none && res;
		break;
	case FLUE_THREAD_EV_EXIT:
		ok = running && none && res;
		break;
	case FLUE_THREAD_EV_RESOLVE:
		ok = v.state == FLUE_THREAD_HOST && none && res;
		break;
	case FLUE_THREAD_EV_DROP:
		ok = (v.state == FLUE_THREAD_GATE || v.state == FLUE_THREAD_PARKED) && none && res;
		break;
	case FLUE_THREAD_EV_UNWIND:
		ok = (running || v.state == FLUE_THREAD_NESTED) && none && res;
		break;
	default:
		break;
	}
	return ok ? next : FLUE_THREAD_BAD;
}

#endif /* FLUE_THREAD_DECIDE_H */
