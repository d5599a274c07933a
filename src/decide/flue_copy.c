/*
 * Stream and future copy rendezvous decisions. Pure: no globals, no effects.
 * The behaviors restate SharedStreamImpl.read/write and
 * SharedFutureImpl.read/write (definitions.py @ 6d28164) one row of the
 * table in <flue/copy_decide.h> each, in the reference's order: dropped,
 * nothing parked, same-instance trap, then the parked op's remaining space.
 * The arriving op is always fresh (progress 0), so its remain() is its n and
 * its is_zero_length() is n == 0.
 */
#include <flue/copy_decide.h>
#include "acsl.h"

/*@ assigns \nothing;
    ensures \result == flue_min(a, b);
*/
static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a <= b ? a : b;
}

/*@ assigns \nothing;
    ensures \result.action == action;
    ensures \result.count == count;
    ensures \result.notify_pending == notify;
*/
static inline struct flue_copy_decision make(uint8_t action, uint32_t count,
					     bool notify)
{
	struct flue_copy_decision d;
	d.action = action;
	d.notify_pending = notify;
	d.count = count;
	return d;
}

/*@ requires pre_zero_length_has_no_room:
      v.pending_zero_length ==> v.pending_remain == 0;
    assigns \nothing;
    ensures count_le_arriving: \result.count <= v.arriving_n;
    ensures count_le_pending: \result.count <= v.pending_remain;
    ensures only_transfer_moves:
      \result.action != FLUE_COPY_TRANSFER ==>
        \result.count == 0 && !\result.notify_pending;
    ensures notify_iff_moved:
      \result.action == FLUE_COPY_TRANSFER ==>
        (\result.notify_pending <==> \result.count > 0);
    ensures zero_length_moves_nothing:
      v.arriving_n == 0 ==> \result.count == 0 && !\result.notify_pending;
    behavior dropped:
      assumes v.dropped;
      ensures \result.action == FLUE_COPY_DROPPED;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior park:
      assumes !v.dropped && !v.has_pending;
      ensures \result.action == FLUE_COPY_PARK;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior same_instance_trap:
      assumes !v.dropped && v.has_pending && v.same_instance_forbidden;
      ensures \result.action == FLUE_COPY_TRAP;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior transfer:
      assumes !v.dropped && v.has_pending && !v.same_instance_forbidden;
      assumes v.pending_remain > 0 && v.arriving_n > 0;
      ensures \result.action == FLUE_COPY_TRANSFER;
      ensures transfer_min:
        \result.count == flue_min(v.arriving_n, v.pending_remain);
      ensures transfer_positive: \result.count > 0;
      ensures \result.notify_pending;
    behavior zero_length_vs_nonempty:
      assumes !v.dropped && v.has_pending && !v.same_instance_forbidden;
      assumes v.pending_remain > 0 && v.arriving_n == 0;
      ensures \result.action == FLUE_COPY_TRANSFER;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior zero_length_write_vs_zero_length_read:
      assumes !v.dropped && v.has_pending && !v.same_instance_forbidden;
      assumes v.pending_remain == 0;
      assumes v.arriving_is_write && v.arriving_n == 0 && v.pending_zero_length;
      ensures \result.action == FLUE_COPY_TRANSFER;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior notify_park:
      assumes !v.dropped && v.has_pending && !v.same_instance_forbidden;
      assumes v.pending_remain == 0;
      assumes !(v.arriving_is_write && v.arriving_n == 0 && v.pending_zero_length);
      ensures \result.action == FLUE_COPY_NOTIFY_PARK;
      ensures \result.count == 0 && !\result.notify_pending;
    complete behaviors;
    disjoint behaviors;
*/
struct flue_copy_decision flue_stream_copy_decide(struct flue_stream_copy_view v)
{
	if (v.dropped) {
		return make(FLUE_COPY_DROPPED, 0u, false);
	}
	if (!v.has_pending) {
		return make(FLUE_COPY_PARK, 0u, false);
	}
	if (v.same_instance_forbidden) {
		return make(FLUE_COPY_TRAP, 0u, false);
	}
	if (v.pending_remain > 0u) {
		/* Both read() and write(): move min(remain, remain) when the
		 * arriving op has room, notify the parked op only then; the
		 * arriving op completes either way. */
		if (v.arriving_n > 0u) {
			return make(FLUE_COPY_TRANSFER,
				    min_u32(v.arriving_n, v.pending_remain), true);
		}
		return make(FLUE_COPY_TRANSFER, 0u, false);
	}
	/* Parked op has no room left. Only write() has the zero-length
	 * rendezvous: a zero-length write completes against a parked
	 * zero-length read, which stays parked. */
	if (v.arriving_is_write && v.arriving_n == 0u && v.pending_zero_length) {
		return make(FLUE_COPY_TRANSFER, 0u, false);
	}
	return make(FLUE_COPY_NOTIFY_PARK, 0u, false);
}

/*@ assigns \nothing;
    ensures only_transfer_moves:
      \result.action != FLUE_COPY_TRANSFER ==>
        \result.count == 0 && !\result.notify_pending;
    ensures count_le_one: \result.count <= 1;
    behavior dropped:
      assumes v.dropped;
      ensures \result.action == FLUE_COPY_DROPPED;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior park:
      assumes !v.dropped && !v.has_pending;
      ensures \result.action == FLUE_COPY_PARK;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior same_instance_trap:
      assumes !v.dropped && v.has_pending && v.same_instance_forbidden;
      ensures \result.action == FLUE_COPY_TRAP;
      ensures \result.count == 0 && !\result.notify_pending;
    behavior transfer:
      assumes !v.dropped && v.has_pending && !v.same_instance_forbidden;
      ensures \result.action == FLUE_COPY_TRANSFER;
      ensures transfer_one: \result.count == 1;
      ensures \result.notify_pending;
    complete behaviors;
    disjoint behaviors;
*/
struct flue_copy_decision flue_future_copy_decide(struct flue_future_copy_view v)
{
	if (v.dropped) {
		return make(FLUE_COPY_DROPPED, 0u, false);
	}
	if (!v.has_pending) {
		return make(FLUE_COPY_PARK, 0u, false);
	}
	if (v.same_instance_forbidden) {
		return make(FLUE_COPY_TRAP, 0u, false);
	}
	return make(FLUE_COPY_TRANSFER, 1u, true);
}

/*
 * A drop notifies the other end in the reference's order: a parked op ends
 * with DROPPED first (SharedStreamImpl.drop); #720 adds the idle end. An
 * end that is busy with its event already pending needs nothing here: its
 * event is computed at delivery (flue_copy_event_decide).
 */
/*@ assigns \nothing;
    ensures \result == FLUE_DROP_NOTHING || \result == FLUE_DROP_NOTIFY_PARKED ||
            \result == FLUE_DROP_NOTIFY_IDLE;
    behavior second_drop:
      assumes v.already_dropped;
      ensures \result == FLUE_DROP_NOTHING;
    behavior parked:
      assumes !v.already_dropped && v.peer_parked;
      ensures \result == FLUE_DROP_NOTIFY_PARKED;
    behavior idle:
      assumes !v.already_dropped && !v.peer_parked && v.peer_attached && v.peer_idle;
      ensures \result == FLUE_DROP_NOTIFY_IDLE;
    behavior otherwise:
      assumes !v.already_dropped && !v.peer_parked && !(v.peer_attached && v.peer_idle);
      ensures \result == FLUE_DROP_NOTHING;
    complete behaviors;
    disjoint behaviors;
*/
uint8_t flue_copy_drop_decide(struct flue_drop_view v)
{
	if (v.already_dropped)
		return FLUE_DROP_NOTHING;
	if (v.peer_parked)
		return FLUE_DROP_NOTIFY_PARKED;
	if (v.peer_attached && v.peer_idle)
		return FLUE_DROP_NOTIFY_IDLE;
	return FLUE_DROP_NOTHING;
}

/*
 * The reference builds a copy event in a closure run at delivery; #719
 * made a stream's closure look at the other end then (DROPPED is prompt)
 * and let a cancel in progress turn COMPLETED into CANCELLED. Futures are
 * left as recorded: a future whose value moved has COMPLETED for good.
 */
/*@ requires valid_result: v.result <= FLUE_COPY_EV_CANCELLED;
    assigns \nothing;
    ensures \result.result <= FLUE_COPY_EV_CANCELLED;
    ensures done_iff:
      \result.done <==> (\result.result == FLUE_COPY_EV_DROPPED ||
                         (v.is_future && \result.result == FLUE_COPY_EV_COMPLETED));
    behavior future:
      assumes v.is_future;
      ensures \result.result == v.result;
    behavior stream_peer_dropped:
      assumes !v.is_future && v.peer_dropped;
      ensures \result.result == FLUE_COPY_EV_DROPPED && \result.done;
    behavior stream_cancelled:
      assumes !v.is_future && !v.peer_dropped && v.cancelling;
      assumes v.result == FLUE_COPY_EV_COMPLETED;
      ensures \result.result == FLUE_COPY_EV_CANCELLED && !\result.done;
    behavior stream_as_recorded:
      assumes !v.is_future && !v.peer_dropped;
      assumes !(v.cancelling && v.result == FLUE_COPY_EV_COMPLETED);
      ensures \result.result == v.result;
    complete behaviors;
    disjoint behaviors;
*/
struct flue_copy_event flue_copy_event_decide(struct flue_copy_event_view v)
{
	struct flue_copy_event ev;
	ev.result = v.result;
	if (!v.is_future) {
		if (v.peer_dropped)
			ev.result = FLUE_COPY_EV_DROPPED;
		else if (v.cancelling && v.result == FLUE_COPY_EV_COMPLETED)
			ev.result = FLUE_COPY_EV_CANCELLED;
	}
	ev.done = ev.result == FLUE_COPY_EV_DROPPED ||
		  (v.is_future && ev.result == FLUE_COPY_EV_COMPLETED);
	return ev;
}
