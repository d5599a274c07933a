/*
 * Stream and future copy decisions against an oracle written from the
 * Component Model reference (definitions.py @ 6d28164, SharedStreamImpl and
 * SharedFutureImpl read()/write()). The oracle does not compute a decision:
 * it replays the reference's steps on two small buffers (length, progress)
 * and records which callbacks fire and how many elements move; the expected
 * decision is then read off that record. Every combination over small
 * domains is checked, then random full-range u32 counts, then one named
 * test per row of the table in <flue/copy_decide.h>. Last, what a drop does
 * to the other end (#720) and what an event reports at delivery (#719).
 */
#include "ftest.h"
#include <flue/copy_decide.h>

/* ------------------------------------------------------------ the oracle */

/* A guest buffer as the reference sees it: remain() = length - progress,
 * is_zero_length() = length == 0. */
struct ref_buf {
	uint32_t length;
	uint32_t progress;
};

static uint32_t ref_remain(const struct ref_buf *b) { return b->length - b->progress; }
static bool ref_zero_length(const struct ref_buf *b) { return b->length == 0u; }

/* What the reference did while handling the arriving op. */
struct ref_trace {
	bool trapped;             /* trap_if fired */
	bool done_dropped;        /* arriving on_copy_done(DROPPED) */
	bool done_completed;      /* arriving on_copy_done(COMPLETED) */
	bool pending_on_copy;     /* parked op's on_copy(reset_pending) */
	bool pending_notified;    /* reset_and_notify_pending(COMPLETED) */
	bool arriving_parked;     /* set_pending(arriving op) */
	uint32_t moved;           /* elements moved between the buffers */
};

/* Rebuilds a parked buffer consistent with the view: a zero-length op has
 * length 0; a non-zero-length op with nothing left has been filled/drained
 * (progress == length); otherwise it still has `remain` elements. */
static struct ref_buf parked_buffer(bool zero_length, uint32_t remain)
{
	struct ref_buf b;
	if (zero_length) {
		b.length = 0u;
		b.progress = 0u;
	} else if (remain == 0u) {
		b.length = 5u;
		b.progress = 5u;
	} else {
		b.length = remain;
		b.progress = 0u;
	}
	return b;
}

/* Moves n elements from one buffer's remaining space to the other's, with
 * the reference's asserts (n <= remain on both sides). */
static void ref_move(struct ref_buf *a, struct ref_buf *b, uint32_t n,
		     struct ref_trace *t)
{
	FT_TRUE(n <= ref_remain(a));
	FT_TRUE(n <= ref_remain(b));
	a->progress += n;
	b->progress += n;
	t->moved = n;
}

/* SharedStreamImpl.read() and .write(), step by step. `arriving` is the
 * fresh buffer of the arriving op (progress 0). */
static struct ref_trace ref_stream(const struct flue_stream_copy_view *v)
{
	struct ref_trace t = { false, false, false, false, false, false, 0u };
	struct ref_buf arriving = { v->arriving_n, 0u };
	struct ref_buf pending = parked_buffer(v->pending_zero_length, v->pending_remain);

	if (v->dropped) {
		t.done_dropped = true;
		return t;
	}
	if (!v->has_pending) { /* a Buffer object is always truthy */
		t.arriving_parked = true;
		return t;
	}
	if (v->same_instance_forbidden) {
		t.trapped = true;
		return t;
	}
	if (ref_remain(&pending) > 0u) {
		if (ref_remain(&arriving) > 0u) {
			uint32_t n = ref_remain(&arriving) < ref_remain(&pending)
					     ? ref_remain(&arriving)
					     : ref_remain(&pending);
			ref_move(&arriving, &pending, n, &t);
			t.pending_on_copy = true;
		}
		t.done_completed = true;
		return t;
	}
	if (v->arriving_is_write && ref_zero_length(&arriving) &&
	    ref_zero_length(&pending)) {
		/* write() only: a zero-length write meets a zero-length read. */
		t.done_completed = true;
		return t;
	}
	t.pending_notified = true;
	t.arriving_parked = true;
	return t;
}

/* SharedFutureImpl.read() and .write(): exactly one element moves. A read
 * meeting a dropped writer is an assert in the reference; the header
 * reports it DROPPED, as for writes. */
static struct ref_trace ref_future(const struct flue_future_copy_view *v)
{
	struct ref_trace t = { false, false, false, false, false, false, 0u };
	if (v->dropped) {
		t.done_dropped = true;
		return t;
	}
	if (!v->has_pending) {
		t.arriving_parked = true;
		return t;
	}
	if (v->same_instance_forbidden) {
		t.trapped = true;
		return t;
	}
	struct ref_buf arriving = { 1u, 0u };
	struct ref_buf pending = { 1u, 0u };
	ref_move(&arriving, &pending, 1u, &t);
	t.pending_notified = true; /* reset_and_notify_pending(COMPLETED) */
	t.done_completed = true;
	return t;
}

/* Reads the decision the trace implies and checks `d` against it. */
static void check_against_trace(struct flue_copy_decision d,
				const struct ref_trace *t, bool is_future)
{
	if (t->trapped) {
		FT_EQ(d.action, FLUE_COPY_TRAP);
	} else if (t->done_dropped) {
		FT_EQ(d.action, FLUE_COPY_DROPPED);
	} else if (t->arriving_parked && t->pending_notified) {
		FT_EQ(d.action, FLUE_COPY_NOTIFY_PARK);
	} else if (t->arriving_parked) {
		FT_EQ(d.action, FLUE_COPY_PARK);
	} else {
		FT_TRUE(t->done_completed);
		FT_EQ(d.action, FLUE_COPY_TRANSFER);
		FT_EQ(d.count, t->moved);
		/* Streams: the parked op hears of it through on_copy; futures:
		 * it is notified and un-parked. */
		FT_EQ(d.notify_pending,
		      is_future ? t->pending_notified : t->pending_on_copy);
		return;
	}
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

/* The guarantees the header promises, independent of the oracle. */
static void check_stream_bounds(const struct flue_stream_copy_view *v,
				struct flue_copy_decision d)
{
	FT_TRUE(d.action <= FLUE_COPY_TRAP);
	FT_TRUE(d.count <= v->arriving_n);
	FT_TRUE(d.count <= v->pending_remain);
	if (d.action != FLUE_COPY_TRANSFER) {
		FT_EQ(d.count, 0u);
		FT_FALSE(d.notify_pending);
	} else {
		FT_EQ(d.notify_pending, d.count > 0u);
	}
	if (d.action == FLUE_COPY_TRANSFER && v->arriving_n > 0u &&
	    v->pending_remain > 0u) {
		uint32_t m = v->arriving_n < v->pending_remain ? v->arriving_n
							       : v->pending_remain;
		FT_EQ(d.count, m);
		FT_TRUE(d.notify_pending);
	}
}

static struct flue_stream_copy_view sview(bool dropped, bool has_pending,
					  bool pzl, bool same, bool is_write,
					  uint32_t remain, uint32_t n)
{
	struct flue_stream_copy_view v;
	v.dropped = dropped;
	v.has_pending = has_pending;
	v.pending_zero_length = pzl;
	v.same_instance_forbidden = same;
	v.arriving_is_write = is_write;
	v.pending_remain = remain;
	v.arriving_n = n;
	return v;
}

static struct flue_future_copy_view fview(bool dropped, bool has_pending,
					  bool same, bool is_write)
{
	struct flue_future_copy_view v;
	v.dropped = dropped;
	v.has_pending = has_pending;
	v.same_instance_forbidden = same;
	v.arriving_is_write = is_write;
	return v;
}

static bool bit(uint32_t mask, uint32_t i) { return ((mask >> i) & 1u) != 0u; }

/* ------------------------------------------------------ exhaustive/random */

#define MAXN 6u

FT_TEST(stream_every_small_case)
{
	uint32_t checked = 0u;
	for (uint32_t flags = 0u; flags < 32u; flags++)
	for (uint32_t remain = 0u; remain <= MAXN; remain++)
	for (uint32_t n = 0u; n <= MAXN; n++) {
		bool pzl = bit(flags, 2u);
		if (pzl && remain != 0u)
			continue; /* precondition: zero-length ops have no room */
		struct flue_stream_copy_view v =
			sview(bit(flags, 0u), bit(flags, 1u), pzl, bit(flags, 3u),
			      bit(flags, 4u), remain, n);
		struct flue_copy_decision d = flue_stream_copy_decide(v);
		struct ref_trace t = ref_stream(&v);
		check_against_trace(d, &t, false);
		check_stream_bounds(&v, d);
		checked++;
	}
	/* 32 flag sets x 49 counts, minus 16 zero-length flag sets x 6
	 * non-zero remains x 7 lengths that break the precondition. */
	FT_EQ(checked, 32u * 49u - 16u * 6u * 7u);
}

FT_TEST(stream_random_full_range_counts)
{
	uint32_t s = 0xC0917u;
	for (int i = 0; i < 4000; i++) {
		uint32_t flags = ft_rand(&s);
		uint32_t remain = ft_rand(&s);
		uint32_t n = ft_rand(&s);
		/* Bias a quarter of the draws to the edges: 0 and UINT32_MAX. */
		if ((flags & 0x60u) == 0x20u)
			remain = (flags & 0x80u) ? UINT32_MAX : 0u;
		if ((flags & 0x300u) == 0x100u)
			n = (flags & 0x400u) ? UINT32_MAX : 0u;
		bool pzl = bit(flags, 2u);
		if (pzl)
			remain = 0u;
		struct flue_stream_copy_view v =
			sview(bit(flags, 0u) && bit(flags, 11u), /* dropped rarely */
			      bit(flags, 1u) || bit(flags, 12u), pzl,
			      bit(flags, 3u) && bit(flags, 13u), bit(flags, 4u),
			      remain, n);
		struct flue_copy_decision d = flue_stream_copy_decide(v);
		struct ref_trace t = ref_stream(&v);
		check_against_trace(d, &t, false);
		check_stream_bounds(&v, d);
	}
}

FT_TEST(future_every_case)
{
	for (uint32_t flags = 0u; flags < 16u; flags++) {
		struct flue_future_copy_view v = fview(bit(flags, 0u), bit(flags, 1u),
						       bit(flags, 2u), bit(flags, 3u));
		struct flue_copy_decision d = flue_future_copy_decide(v);
		struct ref_trace t = ref_future(&v);
		check_against_trace(d, &t, true);
		FT_TRUE(d.count <= 1u);
		if (d.action != FLUE_COPY_TRANSFER) {
			FT_EQ(d.count, 0u);
			FT_FALSE(d.notify_pending);
		}
	}
}

/* ------------------------------------------------ one test per table row */

FT_TEST(dropped_end_completes_dropped_whatever_is_parked)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(true, true, false, true, true, 4u, 4u));
	FT_EQ(d.action, FLUE_COPY_DROPPED);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
	d = flue_stream_copy_decide(sview(true, false, false, false, false, 0u, 3u));
	FT_EQ(d.action, FLUE_COPY_DROPPED);
	FT_EQ(d.count, 0u);
}

FT_TEST(first_op_parks_even_if_zero_length)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, false, false, false, true, 0u, 7u));
	FT_EQ(d.action, FLUE_COPY_PARK);
	FT_EQ(d.count, 0u);
	d = flue_stream_copy_decide(sview(false, false, false, false, false, 0u, 0u));
	FT_EQ(d.action, FLUE_COPY_PARK);
	FT_FALSE(d.notify_pending);
}

FT_TEST(same_instance_non_number_traps_before_any_transfer)
{
	/* Room on both sides, and also the zero-length rendezvous: the trap
	 * comes first in the reference. */
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, true, false, 8u, 8u));
	FT_EQ(d.action, FLUE_COPY_TRAP);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
	d = flue_stream_copy_decide(sview(false, true, true, true, true, 0u, 0u));
	FT_EQ(d.action, FLUE_COPY_TRAP);
}

FT_TEST(write_of_3_met_by_read_of_2_moves_2_and_notifies_writer)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, false, false, 3u, 2u));
	FT_EQ(d.action, FLUE_COPY_TRANSFER);
	FT_EQ(d.count, 2u);
	FT_TRUE(d.notify_pending);
}

FT_TEST(read_of_2_met_by_write_of_5_fills_the_reader)
{
	/* The arriving writer completes with progress 2; 3 stay unsent. */
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, false, true, 2u, 5u));
	FT_EQ(d.action, FLUE_COPY_TRANSFER);
	FT_EQ(d.count, 2u);
	FT_TRUE(d.notify_pending);
}

FT_TEST(zero_length_read_against_pending_write_of_8_leaves_writer_untouched)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, false, false, 8u, 0u));
	FT_EQ(d.action, FLUE_COPY_TRANSFER); /* COMPLETED, progress 0 */
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

FT_TEST(zero_length_write_against_pending_read_of_8_leaves_reader_untouched)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, false, true, 8u, 0u));
	FT_EQ(d.action, FLUE_COPY_TRANSFER);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

FT_TEST(two_zero_length_ops_write_completes_read_stays_parked)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, true, false, true, 0u, 0u));
	FT_EQ(d.action, FLUE_COPY_TRANSFER);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

FT_TEST(zero_length_read_against_zero_length_write_unparks_the_writer)
{
	/* read() has no zero-length rendezvous: the parked write is notified
	 * COMPLETED and the read parks in its place. */
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, true, false, false, 0u, 0u));
	FT_EQ(d.action, FLUE_COPY_NOTIFY_PARK);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

FT_TEST(filled_parked_read_is_unparked_by_the_next_write)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, false, true, 0u, 4u));
	FT_EQ(d.action, FLUE_COPY_NOTIFY_PARK);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

FT_TEST(zero_length_write_against_filled_read_unparks_the_read)
{
	/* The parked read had room once (not zero-length): no rendezvous. */
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, false, true, 0u, 0u));
	FT_EQ(d.action, FLUE_COPY_NOTIFY_PARK);
	FT_EQ(d.count, 0u);
}

FT_TEST(drained_parked_write_is_unparked_by_the_next_read)
{
	struct flue_copy_decision d =
		flue_stream_copy_decide(sview(false, true, false, false, false, 0u, 6u));
	FT_EQ(d.action, FLUE_COPY_NOTIFY_PARK);
	FT_EQ(d.count, 0u);
}

FT_TEST(huge_counts_move_the_smaller_without_overflow)
{
	struct flue_copy_decision d = flue_stream_copy_decide(
		sview(false, true, false, false, true, UINT32_MAX, UINT32_MAX - 1u));
	FT_EQ(d.action, FLUE_COPY_TRANSFER);
	FT_EQ(d.count, UINT32_MAX - 1u);
	FT_TRUE(d.notify_pending);
	d = flue_stream_copy_decide(sview(false, true, false, false, false, 1u, UINT32_MAX));
	FT_EQ(d.count, 1u);
}

FT_TEST(future_write_meets_parked_read_both_complete)
{
	struct flue_copy_decision d =
		flue_future_copy_decide(fview(false, true, false, true));
	FT_EQ(d.action, FLUE_COPY_TRANSFER);
	FT_EQ(d.count, 1u);
	FT_TRUE(d.notify_pending);
	d = flue_future_copy_decide(fview(false, true, false, false));
	FT_EQ(d.action, FLUE_COPY_TRANSFER);
	FT_EQ(d.count, 1u);
	FT_TRUE(d.notify_pending);
}

FT_TEST(future_first_op_parks_and_dropped_reader_end_reports_dropped)
{
	struct flue_copy_decision d =
		flue_future_copy_decide(fview(false, false, false, false));
	FT_EQ(d.action, FLUE_COPY_PARK);
	FT_EQ(d.count, 0u);
	d = flue_future_copy_decide(fview(true, false, false, true));
	FT_EQ(d.action, FLUE_COPY_DROPPED);
	/* Read vs dropped writer: an assert in the reference, DROPPED here. */
	d = flue_future_copy_decide(fview(true, true, false, false));
	FT_EQ(d.action, FLUE_COPY_DROPPED);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

FT_TEST(future_same_instance_non_number_traps)
{
	struct flue_copy_decision d =
		flue_future_copy_decide(fview(false, true, true, true));
	FT_EQ(d.action, FLUE_COPY_TRAP);
	FT_EQ(d.count, 0u);
	FT_FALSE(d.notify_pending);
}

/* ------------------------------------- drops and delivery (#719, #720) */

/*
 * The oracles restate the reference's steps: AsyncValue.drop notifies a
 * parked op (`if not self.dropped: ... if self.pending_buffer:
 * reset_and_notify_pending(DROPPED)`), and #720 adds the idle end; a
 * stream's event closure (stream_event, #719) replaces the recorded result
 * with DROPPED once `shared.dropped`, and with CANCELLED when a cancel
 * finds COMPLETED; future_event leaves the result alone.
 */
static uint8_t ref_drop(bool already, bool attached, bool parked, bool idle)
{
	if (already)
		return FLUE_DROP_NOTHING;
	if (parked)
		return FLUE_DROP_NOTIFY_PARKED;
	return attached && idle ? FLUE_DROP_NOTIFY_IDLE : FLUE_DROP_NOTHING;
}

static struct flue_copy_event ref_event(bool future, bool dropped, bool cancelling,
					uint8_t result)
{
	struct flue_copy_event e;
	e.result = result;
	if (!future && dropped)
		e.result = FLUE_COPY_EV_DROPPED;
	else if (!future && cancelling && result == FLUE_COPY_EV_COMPLETED)
		e.result = FLUE_COPY_EV_CANCELLED;
	if (future)
		e.done = e.result == FLUE_COPY_EV_DROPPED || e.result == FLUE_COPY_EV_COMPLETED;
	else
		e.done = e.result == FLUE_COPY_EV_DROPPED;
	return e;
}

static struct flue_copy_event event(bool future, bool dropped, bool cancelling, uint8_t result)
{
	struct flue_copy_event_view v = { future, dropped, cancelling, result };
	return flue_copy_event_decide(v);
}

static uint8_t drop_of(bool already, bool attached, bool parked, bool idle)
{
	struct flue_drop_view v = { already, attached, parked, idle };
	return flue_copy_drop_decide(v);
}

FT_TEST(drop_every_case)
{
	for (uint32_t m = 0; m < 16u; m++) {
		bool a = (m & 1u) != 0, t = (m & 2u) != 0, p = (m & 4u) != 0, i = (m & 8u) != 0;
		FT_EQ(drop_of(a, t, p, i), ref_drop(a, t, p, i));
	}
}

FT_TEST(event_every_case)
{
	for (uint32_t m = 0; m < 8u; m++) {
		for (uint8_t r = 0; r <= FLUE_COPY_EV_CANCELLED; r++) {
			bool f = (m & 1u) != 0, d = (m & 2u) != 0, c = (m & 4u) != 0;
			struct flue_copy_event got = event(f, d, c, r), want = ref_event(f, d, c, r);
			FT_EQ(got.result, want.result);
			FT_EQ(got.done, want.done);
		}
	}
}

/* #720: an idle end gets one notification; a parked op gets DROPPED as
 * before; a second drop, an end in transit and a busy end get nothing. */
FT_TEST(drop_notifies_a_parked_op_or_an_idle_end_once)
{
	FT_EQ(drop_of(false, true, true, false), FLUE_DROP_NOTIFY_PARKED);
	FT_EQ(drop_of(false, true, false, true), FLUE_DROP_NOTIFY_IDLE);
	FT_EQ(drop_of(true, true, false, true), FLUE_DROP_NOTHING);  /* second drop */
	FT_EQ(drop_of(false, false, false, true), FLUE_DROP_NOTHING); /* in transit */
	FT_EQ(drop_of(false, true, false, false), FLUE_DROP_NOTHING); /* event pending */
}

/* #719: a stream's completed event reports DROPPED once the peer is gone,
 * and the end is DONE; the idle notification (DROPPED) likewise. */
FT_TEST(stream_dropped_is_prompt)
{
	struct flue_copy_event e = event(false, true, false, FLUE_COPY_EV_COMPLETED);
	FT_EQ(e.result, FLUE_COPY_EV_DROPPED);
	FT_TRUE(e.done);
	e = event(false, true, true, FLUE_COPY_EV_COMPLETED); /* cancel after the drop */
	FT_EQ(e.result, FLUE_COPY_EV_DROPPED);
	FT_TRUE(e.done);
	e = event(false, true, false, FLUE_COPY_EV_DROPPED);
	FT_EQ(e.result, FLUE_COPY_EV_DROPPED);
	FT_TRUE(e.done);
}

/* #719: CANCELLED beats COMPLETED for a stream; the end is idle again. */
FT_TEST(stream_cancel_beats_completed)
{
	struct flue_copy_event e = event(false, false, true, FLUE_COPY_EV_COMPLETED);
	FT_EQ(e.result, FLUE_COPY_EV_CANCELLED);
	FT_FALSE(e.done);
	e = event(false, false, false, FLUE_COPY_EV_COMPLETED); /* no cancel */
	FT_EQ(e.result, FLUE_COPY_EV_COMPLETED);
	FT_FALSE(e.done);
}

/* Futures keep what they recorded: COMPLETED (done) whatever came later. */
FT_TEST(future_completed_stands)
{
	for (uint32_t m = 0; m < 4u; m++) {
		struct flue_copy_event e =
			event(true, (m & 1u) != 0, (m & 2u) != 0, FLUE_COPY_EV_COMPLETED);
		FT_EQ(e.result, FLUE_COPY_EV_COMPLETED);
		FT_TRUE(e.done);
	}
	struct flue_copy_event e = event(true, false, true, FLUE_COPY_EV_CANCELLED);
	FT_EQ(e.result, FLUE_COPY_EV_CANCELLED);
	FT_FALSE(e.done);
	e = event(true, true, false, FLUE_COPY_EV_DROPPED);
	FT_EQ(e.result, FLUE_COPY_EV_DROPPED);
	FT_TRUE(e.done);
}

FT_SUITE(copy,
	 FT_CASE(stream_every_small_case),
	 FT_CASE(stream_random_full_range_counts),
	 FT_CASE(future_every_case),
	 FT_CASE(dropped_end_completes_dropped_whatever_is_parked),
	 FT_CASE(first_op_parks_even_if_zero_length),
	 FT_CASE(same_instance_non_number_traps_before_any_transfer),
	 FT_CASE(write_of_3_met_by_read_of_2_moves_2_and_notifies_writer),
	 FT_CASE(read_of_2_met_by_write_of_5_fills_the_reader),
	 FT_CASE(zero_length_read_against_pending_write_of_8_leaves_writer_untouched),
	 FT_CASE(zero_length_write_against_pending_read_of_8_leaves_reader_untouched),
	 FT_CASE(two_zero_length_ops_write_completes_read_stays_parked),
	 FT_CASE(zero_length_read_against_zero_length_write_unparks_the_writer),
	 FT_CASE(filled_parked_read_is_unparked_by_the_next_write),
	 FT_CASE(zero_length_write_against_filled_read_unparks_the_read),
	 FT_CASE(drained_parked_write_is_unparked_by_the_next_read),
	 FT_CASE(huge_counts_move_the_smaller_without_overflow),
	 FT_CASE(future_write_meets_parked_read_both_complete),
	 FT_CASE(future_first_op_parks_and_dropped_reader_end_reports_dropped),
	 FT_CASE(future_same_instance_non_number_traps),
	 FT_CASE(drop_every_case),
	 FT_CASE(event_every_case),
	 FT_CASE(drop_notifies_a_parked_op_or_an_idle_end_once),
	 FT_CASE(stream_dropped_is_prompt),
	 FT_CASE(stream_cancel_beats_completed),
	 FT_CASE(future_completed_stands))
