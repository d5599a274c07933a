/*
 * Gale-compatible message-queue index decisions. Pure: no globals, no effects.
 * Contracts restate Gale's msgq.rs properties (MQ1-MQ13) with
 * "state unchanged" on every reject path; `make test` proves them with WP.
 */
#include <gale/gale_msgq.h>
#include <flue/errno.h>
#include "acsl.h"

/*@ requires \valid(buffer_size) || buffer_size == \null;
    assigns *buffer_size;
    behavior null:
      assumes buffer_size == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior MQ4_zero:
      assumes buffer_size != \null && (msg_size == 0 || max_msgs == 0);
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior MQ12_overflow:
      assumes buffer_size != \null && msg_size > 0 && max_msgs > 0;
      assumes msg_size * max_msgs > UINT32_MAX;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior ok:
      assumes buffer_size != \null && msg_size > 0 && max_msgs > 0;
      assumes msg_size * max_msgs <= UINT32_MAX;
      assigns *buffer_size;
      ensures *buffer_size == msg_size * max_msgs;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_msgq_init_validate(uint32_t msg_size, uint32_t max_msgs,
				uint32_t *buffer_size)
{
	if (buffer_size == 0 || msg_size == 0u || max_msgs == 0u) {
		return FLUE_EINVAL;
	}
	if (max_msgs > UINT32_MAX / msg_size) {
		return FLUE_EINVAL;
	}
	*buffer_size = msg_size * max_msgs;
	return FLUE_OK;
}

/*@ requires MQ_domain: max_msgs == 0 || (write_idx < max_msgs && used_msgs <= max_msgs);
    requires \valid(new_write_idx) || new_write_idx == \null;
    requires \valid(new_used) || new_used == \null;
    requires \separated(new_write_idx, new_used);
    assigns *new_write_idx, *new_used;
    behavior invalid:
      assumes new_write_idx == \null || new_used == \null || max_msgs == 0;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior MQ5_store:
      assumes new_write_idx != \null && new_used != \null && max_msgs > 0;
      assumes used_msgs < max_msgs;
      assigns *new_write_idx, *new_used;
      ensures \result == FLUE_OK;
      ensures MQ3: *new_write_idx == flue_next_idx(write_idx, max_msgs) && *new_write_idx < max_msgs;
      ensures MQ1: *new_used == used_msgs + 1 && *new_used <= max_msgs;
    behavior MQ6_full:
      assumes new_write_idx != \null && new_used != \null && max_msgs > 0;
      assumes used_msgs >= max_msgs;
      assigns \nothing;
      ensures \result == FLUE_ENOMSG;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_msgq_put(uint32_t write_idx, uint32_t used_msgs, uint32_t max_msgs,
		      uint32_t *new_write_idx, uint32_t *new_used)
{
	if (new_write_idx == 0 || new_used == 0 || max_msgs == 0u) {
		return FLUE_EINVAL;
	}
	if (used_msgs >= max_msgs) {
		return FLUE_ENOMSG;
	}
	*new_write_idx = (write_idx + 1u < max_msgs) ? write_idx + 1u : 0u;
	*new_used = used_msgs + 1u;
	return FLUE_OK;
}

/*@ requires MQ_domain: max_msgs == 0 || (read_idx < max_msgs && used_msgs <= max_msgs);
    requires \valid(new_read_idx) || new_read_idx == \null;
    requires \valid(new_used) || new_used == \null;
    requires \separated(new_read_idx, new_used);
    assigns *new_read_idx, *new_used;
    behavior invalid:
      assumes new_read_idx == \null || new_used == \null || max_msgs == 0;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior MQ7_retreat:
      assumes new_read_idx != \null && new_used != \null && max_msgs > 0;
      assumes used_msgs < max_msgs;
      assigns *new_read_idx, *new_used;
      ensures \result == FLUE_OK;
      ensures MQ2: *new_read_idx == flue_prev_idx(read_idx, max_msgs) && *new_read_idx < max_msgs;
      ensures MQ1: *new_used == used_msgs + 1 && *new_used <= max_msgs;
    behavior MQ6_full:
      assumes new_read_idx != \null && new_used != \null && max_msgs > 0;
      assumes used_msgs >= max_msgs;
      assigns \nothing;
      ensures \result == FLUE_ENOMSG;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_msgq_put_front(uint32_t read_idx, uint32_t used_msgs,
			    uint32_t max_msgs, uint32_t *new_read_idx,
			    uint32_t *new_used)
{
	if (new_read_idx == 0 || new_used == 0 || max_msgs == 0u) {
		return FLUE_EINVAL;
	}
	if (used_msgs >= max_msgs) {
		return FLUE_ENOMSG;
	}
	*new_read_idx = (read_idx == 0u) ? max_msgs - 1u : read_idx - 1u;
	*new_used = used_msgs + 1u;
	return FLUE_OK;
}

/*@ requires MQ_domain: max_msgs == 0 || (read_idx < max_msgs && used_msgs <= max_msgs);
    requires \valid(new_read_idx) || new_read_idx == \null;
    requires \valid(new_used) || new_used == \null;
    requires \separated(new_read_idx, new_used);
    assigns *new_read_idx, *new_used;
    behavior invalid:
      assumes new_read_idx == \null || new_used == \null || max_msgs == 0;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior MQ8_read:
      assumes new_read_idx != \null && new_used != \null && max_msgs > 0;
      assumes used_msgs > 0;
      assigns *new_read_idx, *new_used;
      ensures \result == FLUE_OK;
      ensures MQ2: *new_read_idx == flue_next_idx(read_idx, max_msgs) && *new_read_idx < max_msgs;
      ensures MQ1: *new_used == used_msgs - 1;
    behavior MQ9_empty:
      assumes new_read_idx != \null && new_used != \null && max_msgs > 0;
      assumes used_msgs == 0;
      assigns \nothing;
      ensures \result == FLUE_ENOMSG;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_msgq_get(uint32_t read_idx, uint32_t used_msgs, uint32_t max_msgs,
		      uint32_t *new_read_idx, uint32_t *new_used)
{
	if (new_read_idx == 0 || new_used == 0 || max_msgs == 0u) {
		return FLUE_EINVAL;
	}
	if (used_msgs == 0u) {
		return FLUE_ENOMSG;
	}
	*new_read_idx = (read_idx + 1u < max_msgs) ? read_idx + 1u : 0u;
	*new_used = used_msgs - 1u;
	return FLUE_OK;
}

/*@ requires MQ_domain: max_msgs == 0 || (read_idx < max_msgs && used_msgs <= max_msgs);
    requires \valid(slot_idx) || slot_idx == \null;
    assigns *slot_idx;
    behavior invalid:
      assumes slot_idx == \null || max_msgs == 0;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior MQ10_slot:
      assumes slot_idx != \null && max_msgs > 0 && idx < used_msgs;
      assigns *slot_idx;
      ensures \result == FLUE_OK;
      ensures *slot_idx == (read_idx + idx) % max_msgs;
      ensures *slot_idx < max_msgs;
    behavior out_of_range:
      assumes slot_idx != \null && max_msgs > 0 && idx >= used_msgs;
      assigns \nothing;
      ensures \result == FLUE_ENOMSG;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_msgq_peek_at(uint32_t read_idx, uint32_t used_msgs,
			  uint32_t max_msgs, uint32_t idx, uint32_t *slot_idx)
{
	if (slot_idx == 0 || max_msgs == 0u) {
		return FLUE_EINVAL;
	}
	if (idx >= used_msgs) {
		return FLUE_ENOMSG;
	}
	/* read_idx < max and idx < used <= max, so the sum is below 2 * max:
	 * one conditional subtraction is the modulo. */
	uint64_t sum = (uint64_t)read_idx + idx;
	*slot_idx = (uint32_t)(sum < max_msgs ? sum : sum - max_msgs);
	return FLUE_OK;
}

/*@ requires MQ_domain: max_msgs > 0 && write_idx < max_msgs && used_msgs <= max_msgs;
    assigns \nothing;
    ensures MQ1: \result.new_used <= max_msgs;
    ensures MQ3: \result.new_write_idx < max_msgs;
    behavior wake_reader:
      assumes used_msgs < max_msgs && has_waiter != 0;
      ensures \result.action == GALE_MSGQ_ACTION_WAKE_READER && \result.ret == 0;
      ensures \result.new_write_idx == write_idx && \result.new_used == used_msgs;
    behavior MQ5_store:
      assumes used_msgs < max_msgs && has_waiter == 0;
      ensures \result.action == GALE_MSGQ_ACTION_PUT_OK && \result.ret == 0;
      ensures \result.new_write_idx == flue_next_idx(write_idx, max_msgs);
      ensures \result.new_used == used_msgs + 1;
    behavior MQ6_full:
      assumes used_msgs >= max_msgs && is_no_wait != 0;
      ensures \result.action == GALE_MSGQ_ACTION_RETURN_FULL;
      ensures \result.ret == FLUE_ENOMSG;
      ensures \result.new_write_idx == write_idx && \result.new_used == used_msgs;
    behavior pend:
      assumes used_msgs >= max_msgs && is_no_wait == 0;
      ensures \result.action == GALE_MSGQ_ACTION_PUT_PEND && \result.ret == 0;
      ensures \result.new_write_idx == write_idx && \result.new_used == used_msgs;
    complete behaviors;
    disjoint behaviors;
*/
struct gale_msgq_put_decision gale_k_msgq_put_decide(uint32_t write_idx,
						     uint32_t used_msgs,
						     uint32_t max_msgs,
						     uint32_t has_waiter,
						     uint32_t is_no_wait)
{
	struct gale_msgq_put_decision d;
	d.ret = FLUE_OK;
	d.new_write_idx = write_idx;
	d.new_used = used_msgs;
	if (used_msgs < max_msgs) {
		if (has_waiter != 0u) {
			d.action = GALE_MSGQ_ACTION_WAKE_READER;
		} else {
			d.action = GALE_MSGQ_ACTION_PUT_OK;
			d.new_write_idx = (write_idx + 1u < max_msgs) ? write_idx + 1u : 0u;
			d.new_used = used_msgs + 1u;
		}
	} else if (is_no_wait != 0u) {
		d.action = GALE_MSGQ_ACTION_RETURN_FULL;
		d.ret = FLUE_ENOMSG;
	} else {
		d.action = GALE_MSGQ_ACTION_PUT_PEND;
	}
	return d;
}

/*@ requires MQ_domain: max_msgs > 0 && read_idx < max_msgs && used_msgs <= max_msgs;
    assigns \nothing;
    ensures MQ1: \result.new_used <= max_msgs;
    ensures MQ2: \result.new_read_idx < max_msgs;
    behavior wake_writer:
      assumes used_msgs > 0 && has_waiter != 0;
      ensures \result.action == GALE_MSGQ_ACTION_WAKE_WRITER && \result.ret == 0;
      ensures \result.new_read_idx == flue_next_idx(read_idx, max_msgs);
      ensures \result.new_used == used_msgs - 1;
    behavior MQ8_read:
      assumes used_msgs > 0 && has_waiter == 0;
      ensures \result.action == GALE_MSGQ_ACTION_GET_OK && \result.ret == 0;
      ensures \result.new_read_idx == flue_next_idx(read_idx, max_msgs);
      ensures \result.new_used == used_msgs - 1;
    behavior MQ9_empty:
      assumes used_msgs == 0 && is_no_wait != 0;
      ensures \result.action == GALE_MSGQ_ACTION_RETURN_EMPTY;
      ensures \result.ret == FLUE_ENOMSG;
      ensures \result.new_read_idx == read_idx && \result.new_used == 0;
    behavior pend:
      assumes used_msgs == 0 && is_no_wait == 0;
      ensures \result.action == GALE_MSGQ_ACTION_GET_PEND && \result.ret == 0;
      ensures \result.new_read_idx == read_idx && \result.new_used == 0;
    complete behaviors;
    disjoint behaviors;
*/
struct gale_msgq_get_decision gale_k_msgq_get_decide(uint32_t read_idx,
						     uint32_t used_msgs,
						     uint32_t max_msgs,
						     uint32_t has_waiter,
						     uint32_t is_no_wait)
{
	struct gale_msgq_get_decision d;
	d.ret = FLUE_OK;
	d.new_read_idx = read_idx;
	d.new_used = 0u;
	if (used_msgs > 0u) {
		d.action = (has_waiter != 0u) ? (uint8_t)GALE_MSGQ_ACTION_WAKE_WRITER
					      : (uint8_t)GALE_MSGQ_ACTION_GET_OK;
		d.new_read_idx = (read_idx + 1u < max_msgs) ? read_idx + 1u : 0u;
		d.new_used = used_msgs - 1u;
	} else if (is_no_wait != 0u) {
		d.action = GALE_MSGQ_ACTION_RETURN_EMPTY;
		d.ret = FLUE_ENOMSG;
	} else {
		d.action = GALE_MSGQ_ACTION_GET_PEND;
	}
	return d;
}
