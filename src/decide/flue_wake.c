/*
 * Wakes (flue/wake_decide.h): which waiting conditions the executor wakes
 * explicitly and which it polls, and the order of the re-check. Pure: no
 * globals, no effects. Applied in src/exec/queue.c (park, exec_wake,
 * exec_refresh).
 */
#include <flue/wake_decide.h>
#include "acsl.h"

/*@ assigns \nothing;
    ensures range: \result <= FLUE_WAKE_SET;
    behavior none:
      assumes cond == FLUE_COND_NONE;
      ensures \result == FLUE_WAKE_NONE;
    behavior host:
      assumes cond == FLUE_COND_HOST;
      ensures \result == FLUE_WAKE_HOST;
    behavior set:
      assumes cond == FLUE_COND_WAIT;
      ensures \result == FLUE_WAKE_SET;
    behavior woken:
      assumes cond == FLUE_COND_YIELD || cond == FLUE_COND_SUBTASK ||
              cond == FLUE_COND_READY;
      ensures \result == FLUE_WAKE_WOKEN;
    behavior polled:
      assumes cond != FLUE_COND_NONE && cond != FLUE_COND_HOST &&
              cond != FLUE_COND_WAIT && cond != FLUE_COND_YIELD &&
              cond != FLUE_COND_SUBTASK && cond != FLUE_COND_READY;
      ensures \result == FLUE_WAKE_POLLED;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_wake_class_decide(uint8_t cond)
{
	switch (cond) {
	case FLUE_COND_NONE:
		return FLUE_WAKE_NONE;
	case FLUE_COND_HOST:
		return FLUE_WAKE_HOST;
	case FLUE_COND_WAIT:
		return FLUE_WAKE_SET;
	case FLUE_COND_YIELD:
	case FLUE_COND_SUBTASK:
	case FLUE_COND_READY:
		return FLUE_WAKE_WOKEN;
	default: /* GATE, SET, EVENT, FN, PRED, and anything unknown */
		return FLUE_WAKE_POLLED;
	}
}

/*@ assigns \nothing;
    ensures range: \result <= FLUE_WAIT_FIRST_B;
    ensures candidate_a: \result == FLUE_WAIT_FIRST_A ==> a != 0;
    ensures candidate_b: \result == FLUE_WAIT_FIRST_B ==> b != 0;
    behavior none:
      assumes a == 0 && b == 0;
      ensures \result == FLUE_WAIT_FIRST_NONE;
    behavior only_a:
      assumes a != 0 && b == 0;
      ensures \result == FLUE_WAIT_FIRST_A;
    behavior only_b:
      assumes a == 0 && b != 0;
      ensures \result == FLUE_WAIT_FIRST_B;
    behavior a_older:
      assumes a != 0 && b != 0 && a <= b;
      ensures \result == FLUE_WAIT_FIRST_A;
    behavior b_older:
      assumes a != 0 && b != 0 && b < a;
      ensures \result == FLUE_WAIT_FIRST_B;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_wait_first_decide(uint64_t a, uint64_t b)
{
	if (a == 0u)
		return b == 0u ? (uint8_t)FLUE_WAIT_FIRST_NONE : (uint8_t)FLUE_WAIT_FIRST_B;
	if (b == 0u || a <= b)
		return FLUE_WAIT_FIRST_A;
	return FLUE_WAIT_FIRST_B;
}
