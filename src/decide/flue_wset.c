/*
 * Waitable-set bookkeeping decisions (flue/wset_decide.h). Pure, proved.
 */
#include <flue/wset_decide.h>
#include "acsl.h"

/*@ assigns \nothing;
    ensures \result <= FLUE_WQ_MOVE;
    behavior raise_first:
      assumes op == FLUE_WQ_RAISE && !has_event;
      ensures \result == FLUE_WQ_STAMP_APPEND;
    behavior raise_update_keeps_place:
      assumes op == FLUE_WQ_RAISE && has_event;
      ensures \result == FLUE_WQ_KEEP;
    behavior deliver:
      assumes op == FLUE_WQ_DELIVER && has_event;
      ensures \result == FLUE_WQ_UNLINK;
    behavior deliver_nothing:
      assumes op == FLUE_WQ_DELIVER && !has_event;
      ensures \result == FLUE_WQ_NOTHING;
    behavior join_moves_event:
      assumes op == FLUE_WQ_JOIN && has_event;
      ensures \result == FLUE_WQ_MOVE;
    behavior join_without_event:
      assumes op == FLUE_WQ_JOIN && !has_event;
      ensures \result == FLUE_WQ_NOTHING;
    behavior other:
      assumes op != FLUE_WQ_RAISE && op != FLUE_WQ_DELIVER && op != FLUE_WQ_JOIN;
      ensures \result == FLUE_WQ_NOTHING;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_wq_decide(uint8_t op, bool has_event)
{
	switch (op) {
	case FLUE_WQ_RAISE:
		return has_event ? (uint8_t)FLUE_WQ_KEEP : (uint8_t)FLUE_WQ_STAMP_APPEND;
	case FLUE_WQ_DELIVER:
		return has_event ? (uint8_t)FLUE_WQ_UNLINK : (uint8_t)FLUE_WQ_NOTHING;
	case FLUE_WQ_JOIN:
		return has_event ? (uint8_t)FLUE_WQ_MOVE : (uint8_t)FLUE_WQ_NOTHING;
	default:
		return FLUE_WQ_NOTHING;
	}
}

/*@ assigns \nothing;
    ensures serial_order: \result <==>
      (flue_wrap_sub(b, a) != 0 && flue_wrap_sub(b, a) < 2147483648);
    ensures irreflexive: a == b ==> !\result;
    ensures antisymmetric: \result ==>
      !(flue_wrap_sub(a, b) != 0 && flue_wrap_sub(a, b) < 2147483648);
*/
bool flue_stamp_before(uint32_t a, uint32_t b)
{
	/* b - a modulo 2^32 in 1 .. 2^31 - 1: a is older. Written without
	 * relying on unsigned wrap so the provers see plain arithmetic. */
	uint32_t d = (b >= a) ? b - a : (UINT32_MAX - a) + b + 1u;
	return d != 0u && d < 2147483648u;
}
