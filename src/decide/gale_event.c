/*
 * Gale-compatible event-bitmask decisions. Pure: no globals, no effects.
 * Contracts restate Gale's event.rs properties (EV1-EV8) and add what Gale's
 * FFI contract leaves out: a wait is MATCHED *iff* its condition holds.
 */
#include <stdbool.h>
#include <gale/gale_event.h>
#include <flue/errno.h>
#include "acsl.h"

/*@ requires \valid(result) || result == \null;
    assigns *result;
    behavior null:
      assumes result == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior ok:
      assumes result != \null;
      assigns *result;
      ensures EV1: *result == (events | new_events);
      ensures EV8: (*result | events) == *result;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_event_post(uint32_t events, uint32_t new_events, uint32_t *result)
{
	if (result == 0) {
		return FLUE_EINVAL;
	}
	*result = events | new_events;
	return FLUE_OK;
}

/*@ requires \valid(old_events) || old_events == \null;
    assigns *old_events;
    behavior null:
      assumes old_events == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior ok:
      assumes old_events != \null;
      assigns *old_events;
      ensures EV2: *old_events == current;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_event_set(uint32_t new_events, uint32_t *old_events, uint32_t current)
{
	(void)new_events; /* the caller stores it; Gale passes it for symmetry */
	if (old_events == 0) {
		return FLUE_EINVAL;
	}
	*old_events = current;
	return FLUE_OK;
}

/*@ requires \valid(result) || result == \null;
    assigns *result;
    behavior null:
      assumes result == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior ok:
      assumes result != \null;
      assigns *result;
      ensures EV3: *result == (events & (uint32_t)~clear_bits);
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_event_clear(uint32_t events, uint32_t clear_bits, uint32_t *result)
{
	if (result == 0) {
		return FLUE_EINVAL;
	}
	*result = events & ~clear_bits;
	return FLUE_OK;
}

/*@ requires \valid(result) || result == \null;
    assigns *result;
    behavior null:
      assumes result == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior ok:
      assumes result != \null;
      assigns *result;
      ensures EV4: *result == ((events & (uint32_t)~mask) | (new_bits & mask));
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_event_set_masked(uint32_t events, uint32_t new_bits, uint32_t mask,
			      uint32_t *result)
{
	if (result == 0) {
		return FLUE_EINVAL;
	}
	*result = (events & ~mask) | (new_bits & mask);
	return FLUE_OK;
}

/*@ assigns \nothing;
    ensures EV5: \result == 1 <==> (events & desired) != 0;
    ensures \result == 0 || \result == 1;
*/
int32_t gale_event_wait_check_any(uint32_t events, uint32_t desired)
{
	return ((events & desired) != 0u) ? 1 : 0;
}

/*@ assigns \nothing;
    ensures EV6: \result == 1 <==> (events & desired) == desired;
    ensures \result == 0 || \result == 1;
*/
int32_t gale_event_wait_check_all(uint32_t events, uint32_t desired)
{
	return ((events & desired) == desired) ? 1 : 0;
}

/*@ assigns \nothing;
    ensures EV4: \result.new_events == ((current_events & (uint32_t)~mask) | (new_events & mask));
*/
struct gale_event_post_decision gale_k_event_post_decide(uint32_t current_events,
							 uint32_t new_events,
							 uint32_t mask)
{
	struct gale_event_post_decision d;
	d.new_events = (current_events & ~mask) | (new_events & mask);
	return d;
}

/*@ assigns \nothing;
    ensures ret_zero: \result.ret == 0;
    behavior EV6_all:
      assumes wait_type == GALE_EVENT_WAIT_ALL;
      ensures \result.action == GALE_EVENT_ACTION_MATCHED <==>
              (current_events & desired) == desired;
    behavior EV5_any:
      assumes wait_type != GALE_EVENT_WAIT_ALL;
      ensures \result.action == GALE_EVENT_ACTION_MATCHED <==>
              (current_events & desired) != 0;
    behavior matched:
      assumes wait_type == GALE_EVENT_WAIT_ALL ?
              (current_events & desired) == desired : (current_events & desired) != 0;
      ensures \result.action == GALE_EVENT_ACTION_MATCHED;
      ensures \result.matched_events == (current_events & desired);
    behavior timeout:
      assumes !(wait_type == GALE_EVENT_WAIT_ALL ?
              (current_events & desired) == desired : (current_events & desired) != 0);
      assumes is_no_wait != 0;
      ensures \result.action == GALE_EVENT_ACTION_TIMEOUT;
      ensures \result.matched_events == 0;
    behavior pend:
      assumes !(wait_type == GALE_EVENT_WAIT_ALL ?
              (current_events & desired) == desired : (current_events & desired) != 0);
      assumes is_no_wait == 0;
      ensures \result.action == GALE_EVENT_ACTION_PEND;
      ensures \result.matched_events == 0;
    complete behaviors matched, timeout, pend;
    disjoint behaviors matched, timeout, pend;
*/
struct gale_event_wait_decision gale_k_event_wait_decide(uint32_t current_events,
							 uint32_t desired,
							 uint8_t wait_type,
							 uint32_t is_no_wait)
{
	struct gale_event_wait_decision d;
	uint32_t matched = current_events & desired;
	bool met = (wait_type == GALE_EVENT_WAIT_ALL) ? (matched == desired)
						      : (matched != 0u);
	d.ret = 0;
	if (met) {
		d.action = GALE_EVENT_ACTION_MATCHED;
		d.matched_events = matched;
	} else {
		d.action = is_no_wait != 0u ? (uint8_t)GALE_EVENT_ACTION_TIMEOUT
					    : (uint8_t)GALE_EVENT_ACTION_PEND;
		d.matched_events = 0u;
	}
	return d;
}
