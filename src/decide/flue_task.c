/*
 * Task-model decisions of the executor (flue/task_decide.h). Pure: no
 * globals, no effects. Each behavior restates one row of the header's rule,
 * in the reference's order (definitions.py @ 14087d73; #723 for the
 * resume of an async subtask.cancel):
 *   gate          Task.enter_implicit_thread (has_backpressure, residual)
 *   callback      unpack_callback_result; the callback loop's readiness
 *                 (canon_lift, WaitableSet.wait_from_callback)
 *   backpressure  canon_backpressure_inc / canon_backpressure_dec
 *   subtasks      canon_lower's on_resolve and return value,
 *                 canon_subtask_cancel's checks
 *   cancellation  Task.request_cancellation, deliver_pending_cancel,
 *                 return_, cancel; the nested loop's candidates (canon_lift
 *                 of a non-async type: every ready thread)
 * Proved code uses arithmetic, not bit operations: the packed words are
 * decoded and built with % 16, / 16 and * 16.
 */
#include <flue/task_decide.h>
#include "acsl.h"

/*@
  // The reference's has_backpressure(): explicit or implicit backpressure
  // (residual backpressure, num_waiting_to_enter > 0, is not part of it).
  predicate flue_gate_blocked(struct flue_gate_view v) =
    v.backpressure > 0 || (v.needs_exclusive && v.exclusive_held);
*/

/* ------------------------------------------------------------ entry gate */

/*@ assigns \nothing;
    ensures gate_range: \result <= FLUE_GATE_HOLD;
    ensures enter_only_if_open:
      \result == FLUE_GATE_ENTER ==> !flue_gate_blocked(v);
    behavior barge_in:
      assumes !v.async_typed;
      ensures \result == FLUE_GATE_BARGE_IN;
    behavior hold_explicit:
      assumes v.async_typed && v.backpressure > 0;
      ensures \result == FLUE_GATE_HOLD;
    behavior hold_implicit:
      assumes v.async_typed && v.backpressure == 0;
      assumes v.needs_exclusive && v.exclusive_held;
      ensures \result == FLUE_GATE_HOLD;
    behavior hold_residual:
      assumes v.async_typed && v.backpressure == 0;
      assumes !(v.needs_exclusive && v.exclusive_held);
      assumes v.waiting_to_enter > 0;
      ensures \result == FLUE_GATE_HOLD;
    behavior enter:
      assumes v.async_typed && v.backpressure == 0;
      assumes !(v.needs_exclusive && v.exclusive_held);
      assumes v.waiting_to_enter == 0;
      ensures \result == FLUE_GATE_ENTER;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_gate_arrive_decide(struct flue_gate_view v)
{
	if (!v.async_typed) {
		return FLUE_GATE_BARGE_IN;
	}
	if (v.backpressure > 0u) {
		return FLUE_GATE_HOLD;
	}
	if (v.needs_exclusive && v.exclusive_held) {
		return FLUE_GATE_HOLD;
	}
	if (v.waiting_to_enter > 0u) {
		return FLUE_GATE_HOLD;
	}
	return FLUE_GATE_ENTER;
}

/*@ assigns \nothing;
    ensures admit_iff_open: \result <==> !flue_gate_blocked(v);
    behavior hold_explicit:
      assumes v.backpressure > 0;
      ensures !\result;
    behavior hold_implicit:
      assumes v.backpressure == 0 && v.needs_exclusive && v.exclusive_held;
      ensures !\result;
    behavior admitted:
      assumes v.backpressure == 0 && !(v.needs_exclusive && v.exclusive_held);
      ensures \result;
    complete behaviors;
    disjoint behaviors;
*/
bool flue_gate_admit_decide(struct flue_gate_view v)
{
	if (v.backpressure > 0u) {
		return false;
	}
	return !(v.needs_exclusive && v.exclusive_held);
}

/* --------------------------------------------------------- callback code */

/*@ assigns \nothing;
    ensures \result.action == action;
    ensures \result.set == set;
*/
static inline struct flue_callback_decision make_cb(uint8_t action, uint32_t set)
{
	struct flue_callback_decision d;
	d.action = action;
	d.set = set;
	return d;
}

/*@ assigns \nothing;
    ensures cb_range: \result.action <= FLUE_CB_TRAP;
    ensures trap_iff_code_above_max:
      \result.action == FLUE_CB_TRAP <==> packed % 16 > 2;
    ensures set_is_high_bits: \result.set == packed / 16;
    ensures set_below_2_28: \result.set < 268435456;
    behavior exit:
      assumes packed % 16 == 0;
      ensures \result.action == FLUE_CB_EXIT;
    behavior yield:
      assumes packed % 16 == 1;
      ensures \result.action == FLUE_CB_YIELD;
    behavior wait:
      assumes packed % 16 == 2;
      ensures \result.action == FLUE_CB_WAIT;
    behavior trap:
      assumes packed % 16 > 2;
      ensures \result.action == FLUE_CB_TRAP;
    complete behaviors;
    disjoint behaviors;
*/
struct flue_callback_decision flue_callback_decide(uint32_t packed)
{
	uint32_t code = packed % 16u;
	uint32_t set = packed / 16u;
	if (code > 2u) {
		return make_cb(FLUE_CB_TRAP, set);
	}
	/* code is EXIT (0), YIELD (1) or WAIT (2): the enum's own values. */
	return make_cb((uint8_t)code, set);
}

/*@ assigns \nothing;
    ensures ready_needs_lock: \result ==> lock_free;
    behavior yield:
      assumes action == FLUE_CB_YIELD;
      ensures \result <==> lock_free;
    behavior wait:
      assumes action == FLUE_CB_WAIT;
      ensures \result <==> (lock_free &&
                            (set_has_event || task_state == FLUE_TASK_PENDING_CANCEL));
    behavior not_parked:
      assumes action != FLUE_CB_YIELD && action != FLUE_CB_WAIT;
      ensures !\result;
    complete behaviors;
    disjoint behaviors;
*/
bool flue_callback_ready_decide(uint8_t action, bool lock_free, bool set_has_event,
				uint8_t task_state)
{
	if (!lock_free) {
		return false;
	}
	if (action == FLUE_CB_YIELD) {
		return true;
	}
	if (action == FLUE_CB_WAIT) {
		/* #707: a pending cancellation wakes it even on an empty set. */
		return set_has_event || task_state == FLUE_TASK_PENDING_CANCEL;
	}
	return false;
}

/* ---------------------------------------------------------- backpressure */

/*@ assigns \nothing;
    ensures \result.action == action;
    ensures \result.value == value;
*/
static inline struct flue_bp_decision make_bp(uint8_t action, uint16_t value)
{
	struct flue_bp_decision d;
	d.action = action;
	d.value = value;
	return d;
}

/*@ assigns \nothing;
    ensures bp_range: \result.action == FLUE_BP_OK || \result.action == FLUE_BP_OVERFLOW;
    ensures overflow_iff_max: \result.action == FLUE_BP_OVERFLOW <==> counter == 65535;
    behavior increment:
      assumes counter < 65535;
      ensures \result.action == FLUE_BP_OK;
      ensures \result.value == counter + 1;
    behavior overflow:
      assumes counter == 65535;
      ensures \result.action == FLUE_BP_OVERFLOW;
      ensures unchanged: \result.value == counter;
    complete behaviors;
    disjoint behaviors;
*/
struct flue_bp_decision flue_bp_inc_decide(uint16_t counter)
{
	if (counter == UINT16_MAX) {
		return make_bp(FLUE_BP_OVERFLOW, counter);
	}
	return make_bp(FLUE_BP_OK, (uint16_t)(counter + 1u));
}

/*@ assigns \nothing;
    ensures bp_range: \result.action == FLUE_BP_OK ||
      \result.action == FLUE_BP_OPENED || \result.action == FLUE_BP_UNDERFLOW;
    ensures underflow_iff_zero: \result.action == FLUE_BP_UNDERFLOW <==> counter == 0;
    ensures opened_iff_reaches_zero:
      \result.action == FLUE_BP_OPENED <==> (counter > 0 && counter - 1 == 0);
    behavior underflow:
      assumes counter == 0;
      ensures \result.action == FLUE_BP_UNDERFLOW;
      ensures unchanged: \result.value == counter;
    behavior opened:
      assumes counter == 1;
      ensures \result.action == FLUE_BP_OPENED;
      ensures \result.value == 0;
    behavior decrement:
      assumes counter > 1;
      ensures \result.action == FLUE_BP_OK;
      ensures \result.value == counter - 1;
    complete behaviors;
    disjoint behaviors;
*/
struct flue_bp_decision flue_bp_dec_decide(uint16_t counter)
{
	if (counter == 0u) {
		return make_bp(FLUE_BP_UNDERFLOW, counter);
	}
	if (counter == 1u) {
		return make_bp(FLUE_BP_OPENED, 0u);
	}
	return make_bp(FLUE_BP_OK, (uint16_t)(counter - 1u));
}

/* -------------------------------------------------------------- subtasks */

/*@ assigns \nothing;
    ensures subtask_range:
      state <= FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED ==>
        \result <= FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED;
    ensures moves_only_to_resolved:
      \result != state ==> \result >= FLUE_SUBTASK_RETURNED;
    behavior returned:
      assumes has_value && state == FLUE_SUBTASK_STARTED;
      ensures \result == FLUE_SUBTASK_RETURNED;
    behavior cancelled_before_started:
      assumes !has_value && state == FLUE_SUBTASK_STARTING;
      ensures \result == FLUE_SUBTASK_CANCELLED_BEFORE_STARTED;
    behavior cancelled_before_returned:
      assumes !has_value && state == FLUE_SUBTASK_STARTED;
      ensures \result == FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED;
    behavior unchanged:
      assumes state != FLUE_SUBTASK_STARTING && state != FLUE_SUBTASK_STARTED ||
              has_value && state == FLUE_SUBTASK_STARTING;
      ensures \result == state;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_subtask_resolve_decide(uint8_t state, bool has_value)
{
	if (state == FLUE_SUBTASK_STARTED) {
		return has_value ? (uint8_t)FLUE_SUBTASK_RETURNED
				 : (uint8_t)FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED;
	}
	if (state == FLUE_SUBTASK_STARTING && !has_value) {
		return FLUE_SUBTASK_CANCELLED_BEFORE_STARTED;
	}
	return state;
}

/*@ assigns \nothing;
    ensures sc_range: \result <= FLUE_SC_REQUEST;
    behavior trap_delivered:
      assumes resolve_delivered;
      ensures \result == FLUE_SC_TRAP_DELIVERED;
    behavior trap_twice:
      assumes !resolve_delivered && cancel_requested;
      ensures \result == FLUE_SC_TRAP_TWICE;
    behavior trap_in_set:
      assumes !resolve_delivered && !cancel_requested && in_set;
      ensures \result == FLUE_SC_TRAP_IN_SET;
    behavior consume:
      assumes !resolve_delivered && !cancel_requested && !in_set;
      assumes resolved;
      ensures \result == FLUE_SC_CONSUME;
    behavior request:
      assumes !resolve_delivered && !cancel_requested && !in_set;
      assumes !resolved;
      ensures \result == FLUE_SC_REQUEST;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_subtask_cancel_decide(bool resolve_delivered, bool cancel_requested,
				   bool in_set, bool resolved)
{
	if (resolve_delivered) {
		return FLUE_SC_TRAP_DELIVERED;
	}
	if (cancel_requested) {
		return FLUE_SC_TRAP_TWICE;
	}
	if (in_set) {
		return FLUE_SC_TRAP_IN_SET;
	}
	if (resolved) {
		return FLUE_SC_CONSUME;
	}
	return FLUE_SC_REQUEST;
}

/*@ assigns \nothing;
    ensures cr_range: \result <= FLUE_CR_OLDEST;
    ensures runs_one_if_any: \result == FLUE_CR_NONE <==> (!target_ready && !other_ready);
    behavior target:
      assumes target_ready;
      ensures \result == FLUE_CR_TARGET;
    behavior oldest:
      assumes !target_ready && other_ready;
      ensures \result == FLUE_CR_OLDEST;
    behavior none:
      assumes !target_ready && !other_ready;
      ensures \result == FLUE_CR_NONE;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_cancel_resume_decide(bool target_ready, bool other_ready)
{
	if (target_ready) {
		return FLUE_CR_TARGET;
	}
	if (other_ready) {
		return FLUE_CR_OLDEST;
	}
	return FLUE_CR_NONE;
}

/*@ requires status_domain:
      !resolved_now ==> index < 268435456 && state <= FLUE_SUBTASK_STARTED;
    assigns \nothing;
    ensures never_blocked: \result != 4294967295;
    ensures handle_is_not_returned:
      !resolved_now && index >= 1 ==> \result >= 16 && \result != 2;
    ensures decodes:
      !resolved_now ==> \result % 16 == state && \result / 16 == index;
    behavior returned_now:
      assumes resolved_now;
      ensures \result == 2;
    behavior handle:
      assumes !resolved_now;
      ensures \result == state + index * 16;
    complete behaviors;
    disjoint behaviors;
*/
uint32_t flue_lower_status_decide(bool resolved_now, uint8_t state, uint32_t index)
{
	if (resolved_now) {
		return FLUE_SUBTASK_RETURNED;
	}
	return (uint32_t)state + index * 16u;
}

/* ---------------------------------------------------------- cancellation */

/*@ assigns \nothing;
    ensures cancel_range: \result <= FLUE_CANCEL_IGNORE;
    behavior before_start:
      assumes task_state == FLUE_TASK_INITIAL;
      ensures \result == FLUE_CANCEL_BEFORE_START;
    behavior pend:
      assumes task_state == FLUE_TASK_STARTED;
      ensures \result == FLUE_CANCEL_PEND;
    behavior ignore:
      assumes task_state != FLUE_TASK_INITIAL && task_state != FLUE_TASK_STARTED;
      ensures \result == FLUE_CANCEL_IGNORE;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_cancel_request_decide(uint8_t task_state)
{
	if (task_state == FLUE_TASK_INITIAL) {
		return FLUE_CANCEL_BEFORE_START;
	}
	if (task_state == FLUE_TASK_STARTED) {
		return FLUE_CANCEL_PEND;
	}
	return FLUE_CANCEL_IGNORE;
}

/*@ assigns \nothing;
    ensures deliver_iff:
      \result <==> (delivery_point && task_state == FLUE_TASK_PENDING_CANCEL);
    behavior deliver:
      assumes delivery_point && task_state == FLUE_TASK_PENDING_CANCEL;
      ensures \result;
    behavior keep:
      assumes !(delivery_point && task_state == FLUE_TASK_PENDING_CANCEL);
      ensures !\result;
    complete behaviors;
    disjoint behaviors;
*/
bool flue_cancel_deliver_decide(uint8_t task_state, bool delivery_point)
{
	return delivery_point && task_state == FLUE_TASK_PENDING_CANCEL;
}

/*@ assigns \nothing;
    ensures candidate_iff: \result <==> (ready && !blocked_below);
    behavior candidate:
      assumes ready && !blocked_below;
      ensures \result;
    behavior not_ready:
      assumes !ready;
      ensures !\result;
    behavior below_on_this_stack:
      assumes ready && blocked_below;
      ensures !\result;
    complete behaviors;
    disjoint behaviors;
*/
bool flue_nested_candidate_decide(bool ready, bool blocked_below)
{
	return ready && !blocked_below;
}

/*@ assigns \nothing;
    ensures mark_range: \result <= FLUE_READY_UNSTAMP;
    behavior stamp:
      assumes holds && !stamped;
      ensures \result == FLUE_READY_STAMP;
    behavior unstamp:
      assumes !holds && stamped;
      ensures \result == FLUE_READY_UNSTAMP;
    behavior keep:
      assumes holds == stamped;
      ensures \result == FLUE_READY_KEEP;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_ready_mark_decide(bool holds, bool stamped)
{
	if (holds == stamped)
		return FLUE_READY_KEEP;
	return holds ? FLUE_READY_STAMP : FLUE_READY_UNSTAMP;
}

/*@ assigns \nothing;
    ensures resolve_range: \result <= FLUE_RESOLVE_TRAP_BORROWS;
    behavior trap_resolved:
      assumes task_state == FLUE_TASK_RESOLVED;
      ensures \result == FLUE_RESOLVE_TRAP_RESOLVED;
    behavior trap_borrows:
      assumes task_state != FLUE_TASK_RESOLVED && num_borrows > 0;
      ensures \result == FLUE_RESOLVE_TRAP_BORROWS;
    behavior resolve:
      assumes task_state != FLUE_TASK_RESOLVED && num_borrows == 0;
      ensures \result == FLUE_RESOLVE_OK;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_task_return_decide(uint8_t task_state, uint32_t num_borrows)
{
	if (task_state == FLUE_TASK_RESOLVED) {
		return FLUE_RESOLVE_TRAP_RESOLVED;
	}
	if (num_borrows > 0u) {
		return FLUE_RESOLVE_TRAP_BORROWS;
	}
	return FLUE_RESOLVE_OK;
}

/*@ assigns \nothing;
    ensures resolve_range: \result <= FLUE_RESOLVE_TRAP_BORROWS;
    behavior trap_not_delivered:
      assumes task_state != FLUE_TASK_CANCEL_DELIVERED;
      ensures \result == FLUE_RESOLVE_TRAP_RESOLVED;
    behavior trap_borrows:
      assumes task_state == FLUE_TASK_CANCEL_DELIVERED && num_borrows > 0;
      ensures \result == FLUE_RESOLVE_TRAP_BORROWS;
    behavior resolve:
      assumes task_state == FLUE_TASK_CANCEL_DELIVERED && num_borrows == 0;
      ensures \result == FLUE_RESOLVE_OK;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_task_cancel_decide(uint8_t task_state, uint32_t num_borrows)
{
	if (task_state != FLUE_TASK_CANCEL_DELIVERED) {
		return FLUE_RESOLVE_TRAP_RESOLVED;
	}
	if (num_borrows > 0u) {
		return FLUE_RESOLVE_TRAP_BORROWS;
	}
	return FLUE_RESOLVE_OK;
}
