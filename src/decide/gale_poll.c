/*
 * Gale-compatible poll decisions. Pure: no globals, no effects.
 * Contracts restate Gale's poll.rs properties PL1, PL3, PL4, PL7, PL8
 * (PL2, PL5, PL6 concern the k_poll() loop, which is not a decision).
 */
#include <gale/gale_poll.h>
#include <flue/errno.h>
#include <flue/gale_ext.h>

/*@ requires \valid(state) || state == \null;
    assigns *state;
    behavior null:
      assumes state == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior PL1_not_ready:
      assumes state != \null;
      assigns *state;
      ensures *state == FLUE_POLL_STATE_NOT_READY;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_poll_event_init(uint32_t event_type, uint32_t *state)
{
	(void)event_type; /* every type starts NOT_READY */
	if (state == 0) {
		return FLUE_EINVAL;
	}
	*state = FLUE_POLL_STATE_NOT_READY;
	return FLUE_OK;
}

/*@ assigns \nothing;
    ensures PL3: \result == 1 <==>
            (event_type == FLUE_POLL_TYPE_SEM_AVAILABLE && sem_count > 0);
    ensures \result == 0 || \result == 1;
*/
int32_t gale_poll_check_sem(uint32_t event_type, uint32_t sem_count)
{
	return (event_type == FLUE_POLL_TYPE_SEM_AVAILABLE && sem_count > 0u) ? 1 : 0;
}

/*@ requires \valid(signaled) || signaled == \null;
    requires \valid(result) || result == \null;
    requires \separated(signaled, result);
    assigns *signaled, *result;
    behavior null:
      assumes signaled == \null || result == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior PL7_raise:
      assumes signaled != \null && result != \null;
      assigns *signaled, *result;
      ensures PL4: *signaled == 1;
      ensures PL7: *result == result_val;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_poll_signal_raise(uint32_t *signaled, int32_t *result, int32_t result_val)
{
	if (signaled == 0 || result == 0) {
		return FLUE_EINVAL;
	}
	*signaled = 1u;
	*result = result_val;
	return FLUE_OK;
}

/*@ requires \valid(signaled) || signaled == \null;
    assigns *signaled;
    behavior null:
      assumes signaled == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior PL8_reset:
      assumes signaled != \null;
      assigns *signaled;
      ensures *signaled == 0;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_poll_signal_reset(uint32_t *signaled)
{
	if (signaled == 0) {
		return FLUE_EINVAL;
	}
	*signaled = 0u;
	return FLUE_OK;
}

/*@ assigns \nothing;
    ensures PL4: \result.new_signaled == 1;
    ensures PL7: \result.new_result == result_val;
    ensures \result.action == (has_poll_event != 0 ? GALE_POLL_ACTION_SIGNAL_EVENT
                                                   : GALE_POLL_ACTION_NO_EVENT);
*/
struct gale_poll_signal_raise_decision gale_k_poll_signal_raise_decide(uint32_t signaled,
								       int32_t result_val,
								       uint32_t has_poll_event)
{
	struct gale_poll_signal_raise_decision d;
	(void)signaled; /* raising is idempotent: the old value does not matter */
	d.new_signaled = 1u;
	d.new_result = result_val;
	d.action = has_poll_event != 0u ? (uint8_t)GALE_POLL_ACTION_SIGNAL_EVENT
					: (uint8_t)GALE_POLL_ACTION_NO_EVENT;
	return d;
}
