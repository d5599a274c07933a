/*
 * The life of a task's implicit thread (flue/thread_decide.h): one
 * behaviour per event, each the row of that event's column in the table
 * of the header, with its side conditions. Pure: no globals, no effects.
 * The executor applies the result in one place (src/exec/queue.c,
 * exec_thread) and traps FLUE_TRAP_BAD_DECISION on FLUE_THREAD_BAD.
 */
#include <flue/thread_decide.h>
#include "acsl.h"

/*@
  // A condition a blocked thread may wait for (not GATE, YIELD, WAIT, HOST).
  logic boolean flue_blocking_cond(integer c) = c >= FLUE_COND_SET && c <= FLUE_COND_PRED;
  // The conditions of a parked callback turn.
  logic boolean flue_callback_cond(integer c) = c == FLUE_COND_YIELD || c == FLUE_COND_WAIT;
  // The states in which a thread waits (its record is parked).
  predicate flue_waiting(integer s) =
    s == FLUE_THREAD_GATE || s == FLUE_THREAD_PARKED || s == FLUE_THREAD_SUSPENDED ||
    s == FLUE_THREAD_NESTED || s == FLUE_THREAD_HOST;
  // `c` is a condition of state `s` (NONE exactly for the states that do not wait).
  predicate flue_cond_of(integer s, integer c) =
    (s == FLUE_THREAD_GATE && c == FLUE_COND_GATE) ||
    (s == FLUE_THREAD_PARKED && flue_callback_cond(c)) ||
    ((s == FLUE_THREAD_SUSPENDED || s == FLUE_THREAD_NESTED) && flue_blocking_cond(c)) ||
    (s == FLUE_THREAD_HOST && c == FLUE_COND_HOST) ||
    (!flue_waiting(s) && c == FLUE_COND_NONE);
  // The event's cell: `next` if its side conditions `ok` hold, else BAD.
  logic integer flue_cell(boolean ok, integer next) = ok ? next : FLUE_THREAD_BAD;
*/

/*@ assigns \nothing;
    ensures \result <==> flue_blocking_cond(c);
*/
static inline bool blocking_cond(uint8_t c)
{
	return c >= FLUE_COND_SET && c <= FLUE_COND_PRED;
}

/*@ assigns \nothing;
    ensures range: \result <= FLUE_THREAD_BAD;
    ensures exited_resolved: \result == FLUE_THREAD_EXITED ==> v.resolved;
    ensures host_unresolved: \result == FLUE_THREAD_HOST ==> v.host && !v.resolved;
    ensures cond_fits: \result != FLUE_THREAD_BAD ==> flue_cond_of(\result, v.cond);
    ensures exited_final: v.state == FLUE_THREAD_EXITED ==> \result == FLUE_THREAD_BAD;
    behavior hold:
      assumes v.event == FLUE_THREAD_EV_HOLD;
      ensures \result == flue_cell(v.state == FLUE_THREAD_NEW && v.cond == FLUE_COND_GATE &&
                                   !v.host, FLUE_THREAD_GATE);
    behavior unhold:
      assumes v.event == FLUE_THREAD_EV_UNHOLD;
      ensures \result == flue_cell(v.state == FLUE_THREAD_GATE && v.cond == FLUE_COND_NONE &&
                                   !v.resolved, FLUE_THREAD_NEW);
    behavior start:
      assumes v.event == FLUE_THREAD_EV_START;
      ensures \result == flue_cell((v.state == FLUE_THREAD_NEW || v.state == FLUE_THREAD_GATE) &&
                                   v.cond == FLUE_COND_NONE && !v.resolved,
                                   FLUE_THREAD_RUNNING);
    behavior discard:
      assumes v.event == FLUE_THREAD_EV_DISCARD;
      ensures \result == flue_cell((v.state == FLUE_THREAD_NEW || v.state == FLUE_THREAD_GATE) &&
                                   v.cond == FLUE_COND_NONE && v.resolved, FLUE_THREAD_EXITED);
    behavior park:
      assumes v.event == FLUE_THREAD_EV_PARK;
      ensures \result == flue_cell(v.state == FLUE_THREAD_RUNNING &&
                                   flue_callback_cond(v.cond) && !v.host, FLUE_THREAD_PARKED);
    behavior suspend:
      assumes v.event == FLUE_THREAD_EV_SUSPEND;
      ensures \result == flue_cell(v.state == FLUE_THREAD_RUNNING && flue_blocking_cond(v.cond),
                                   FLUE_THREAD_SUSPENDED);
    behavior nest:
      assumes v.event == FLUE_THREAD_EV_NEST;
      ensures \result == flue_cell(v.state == FLUE_THREAD_RUNNING && flue_blocking_cond(v.cond),
                                   FLUE_THREAD_NESTED);
    behavior run:
      assumes v.event == FLUE_THREAD_EV_RUN;
      ensures \result == flue_cell((v.state == FLUE_THREAD_PARKED ||
                                    v.state == FLUE_THREAD_SUSPENDED ||
                                    v.state == FLUE_THREAD_NESTED) && v.cond == FLUE_COND_NONE,
                                   FLUE_THREAD_RUNNING);
    behavior exit:
      assumes v.event == FLUE_THREAD_EV_EXIT;
      ensures \result == flue_cell(v.state == FLUE_THREAD_RUNNING && v.cond == FLUE_COND_NONE &&
                                   v.resolved, FLUE_THREAD_EXITED);
    behavior wait_host:
      assumes v.event == FLUE_THREAD_EV_WAIT_HOST;
      ensures \result == flue_cell(v.state == FLUE_THREAD_RUNNING && v.cond == FLUE_COND_HOST &&
                                   v.host && !v.resolved, FLUE_THREAD_HOST);
    behavior resolve:
      assumes v.event == FLUE_THREAD_EV_RESOLVE;
      ensures \result == flue_cell(v.state == FLUE_THREAD_HOST && v.cond == FLUE_COND_NONE &&
                                   v.resolved, FLUE_THREAD_EXITED);
    behavior drop:
      assumes v.event == FLUE_THREAD_EV_DROP;
      ensures \result == flue_cell((v.state == FLUE_THREAD_GATE ||
                                    v.state == FLUE_THREAD_PARKED) &&
                                   v.cond == FLUE_COND_NONE && v.resolved, FLUE_THREAD_EXITED);
    behavior unwind:
      assumes v.event == FLUE_THREAD_EV_UNWIND;
      ensures \result == flue_cell((v.state == FLUE_THREAD_RUNNING ||
                                    v.state == FLUE_THREAD_NESTED) &&
                                   v.cond == FLUE_COND_NONE && v.resolved, FLUE_THREAD_EXITED);
    behavior unknown_event:
      assumes v.event > FLUE_THREAD_EV_UNWIND;
      ensures \result == FLUE_THREAD_BAD;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_thread_decide(struct flue_thread_view v)
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
		ok = running && blocking_cond(v.cond);
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
