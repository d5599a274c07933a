/*
 * waitable-set.*, waitable.join and error-context.* built-ins (digest §3,
 * definitions.py @ 6d28164); peers going away: stream drops, LIFO index
 * reuse, instance teardown.
 *
 * flue policy (docs/CONFORMANCE.md): a set delivers its events in the
 * order each waitable FIRST became pending; an update of a pending event
 * keeps its place, and so does a move to another set with waitable.join.
 * (The reference shuffles; any deterministic order conforms.) Only
 * non-blocking forms are used: wait is called when an event is pending.
 */
#include "abi_test.h"
#include <flue/host.h>

#define SR FLUE_EVENT_CODE_STREAM_READ
#define SW FLUE_EVENT_CODE_STREAM_WRITE
#define FR FLUE_EVENT_CODE_FUTURE_READ

/* n u8 streams in A: stream k (0-based) has readable 2k+1, writable 2k+2;
 * every readable end has a 4-element read parked at 256 + 16k. */
static void parked_readers(uint32_t n)
{
	fx_setup();
	for (uint32_t k = 0; k < n; k++) {
		uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
		FT_EQ(lo32(s), 2 * k + 1);
		FT_EQ(hi32(s), 2 * k + 2);
		FT_EQ(rd(fx.a, fx.u8, 2 * k + 1, 256 + 16 * k, 4), FLUE_BLOCKED);
	}
}

/* Give reader k one more element (its event becomes or stays pending). */
static void feed(uint32_t k)
{
	FT_EQ(wr(fx.a, fx.u8, 2 * k + 2, 0, 1), PACK(FLUE_COMPLETED, 1));
}

/* ----------------------------------------------------------- membership */

/* join / leave (s = 0): an event that became pending outside any set is
 * delivered once the waitable joins; leaving takes the event along. */
FT_TEST(join_and_leave)
{
	parked_readers(1);
	uint32_t s = flue_canon_waitable_set_new(fx.a);
	FT_EQ(s, 3);
	flue_canon_waitable_join(fx.a, 1, s);
	flue_canon_waitable_join(fx.a, 1, s); /* re-join: still one member */
	flue_canon_waitable_join(fx.a, 1, 0);
	flue_canon_waitable_set_drop(fx.a, s);
	s = flue_canon_waitable_set_new(fx.a);
	FT_EQ(s, 3); /* LIFO reuse */
	feed(0);
	EXPECT_NONE(fx.a, fx.a_mem, s);
	flue_canon_waitable_join(fx.a, 1, s);
	flue_canon_waitable_join(fx.a, 1, 0);
	EXPECT_NONE(fx.a, fx.a_mem, s);
	flue_canon_waitable_join(fx.a, 1, s);
	EXPECT_EVENT(fx.a, fx.a_mem, s, SR, 1, PACK(FLUE_COMPLETED, 1));
	EXPECT_NONE(fx.a, fx.a_mem, s);
	flue_canon_waitable_join(fx.a, 1, 0);
	flue_canon_waitable_set_drop(fx.a, s);
}

/* poll of a set with nothing pending returns NONE and stores p1 = p2 = 0;
 * so does poll of a set that has no members at all. */
FT_TEST(poll_none_stores_zeros)
{
	parked_readers(1);
	uint32_t s = flue_canon_waitable_set_new(fx.a);
	memset(fx.a_mem + 8, 0xFF, 8);
	FT_EQ(flue_canon_waitable_set_poll(fx.a, s, 8), 0);
	FT_EQ(ld32(fx.a_mem, 8), 0);
	FT_EQ(ld32(fx.a_mem, 12), 0);
	flue_canon_waitable_join(fx.a, 1, s);
	memset(fx.a_mem + 8, 0xFF, 8);
	FT_EQ(flue_canon_waitable_set_poll(fx.a, s, 8), FLUE_EVENT_CODE_NONE);
	FT_EQ(ld32(fx.a_mem, 8), 0);
	FT_EQ(ld32(fx.a_mem, 12), 0);
}

/* One pending event per waitable: three transfers into one read are one
 * event; an update (more progress, then DROPPED) keeps its first place. */
FT_TEST(update_keeps_place)
{
	parked_readers(3);
	uint32_t s = flue_canon_waitable_set_new(fx.a);
	FT_EQ(s, 7);
	for (uint32_t k = 0; k < 3; k++)
		flue_canon_waitable_join(fx.a, 2 * k + 1, s);
	feed(0);
	feed(1);
	feed(0);
	feed(2);
	feed(0);
	flue_canon_stream_drop_writable(fx.a, fx.u8, 4); /* reader 1: DROPPED, progress 1 */
	EXPECT_EVENT(fx.a, fx.a_mem, s, SR, 1, PACK(FLUE_COMPLETED, 3));
	EXPECT_EVENT(fx.a, fx.a_mem, s, SR, 3, PACK(FLUE_DROPPED, 1));
	EXPECT_EVENT(fx.a, fx.a_mem, s, SR, 5, PACK(FLUE_COMPLETED, 1));
	EXPECT_NONE(fx.a, fx.a_mem, s);
}

/* Delivery order across members is first-pending order, whatever the join
 * order and the handle order; a waitable whose event became pending before
 * it joined is placed by that first-pending time. wait agrees with poll. */
FT_TEST(delivery_order_is_first_pending)
{
	parked_readers(5);
	uint32_t s = flue_canon_waitable_set_new(fx.a);
	FT_EQ(s, 11);
	feed(4);                       /* reader 9: earliest, not yet joined */
	flue_canon_waitable_join(fx.a, 7, s); /* join order: 7, 3, 1, 5 */
	flue_canon_waitable_join(fx.a, 3, s);
	flue_canon_waitable_join(fx.a, 1, s);
	flue_canon_waitable_join(fx.a, 5, s);
	feed(2);                       /* event order: 9, 5, 1, 7, 3 */
	feed(0);
	feed(3);
	feed(1);
	flue_canon_waitable_join(fx.a, 9, s);
	const uint32_t order[5] = { 9, 5, 1, 7, 3 };
	for (uint32_t i = 0; i < 5; i++) {
		FT_EQ(flue_canon_waitable_set_wait(fx.a, s, 16), SR);
		FT_EQ(ld32(fx.a_mem, 16), order[i]);
		FT_EQ(ld32(fx.a_mem, 20), PACK(FLUE_COMPLETED, 1));
	}
	EXPECT_NONE(fx.a, fx.a_mem, s);
}

/* Moving a waitable to another set carries its event (polling the old set
 * gives NONE) and keeps its first-pending place in the new set, before
 * later events and after earlier ones. */
FT_TEST(move_between_sets_keeps_place)
{
	parked_readers(3); /* X = 1, Y = 3, Z = 5 */
	uint32_t s1 = flue_canon_waitable_set_new(fx.a);
	uint32_t s2 = flue_canon_waitable_set_new(fx.a);
	FT_EQ(s1, 7);
	FT_EQ(s2, 8);
	flue_canon_waitable_join(fx.a, 1, s1);
	flue_canon_waitable_join(fx.a, 3, s2);
	flue_canon_waitable_join(fx.a, 5, s1);
	feed(0);
	feed(1);
	feed(2);
	flue_canon_waitable_join(fx.a, 1, s2); /* X goes before Y */
	EXPECT_EVENT(fx.a, fx.a_mem, s1, SR, 5, PACK(FLUE_COMPLETED, 1));
	EXPECT_NONE(fx.a, fx.a_mem, s1);
	FT_EQ(rd(fx.a, fx.u8, 5, 300, 4), FLUE_BLOCKED);
	feed(2);
	flue_canon_waitable_join(fx.a, 5, s2); /* Z goes after Y */
	EXPECT_NONE(fx.a, fx.a_mem, s1);
	EXPECT_EVENT(fx.a, fx.a_mem, s2, SR, 1, PACK(FLUE_COMPLETED, 1));
	EXPECT_EVENT(fx.a, fx.a_mem, s2, SR, 3, PACK(FLUE_COMPLETED, 1));
	EXPECT_EVENT(fx.a, fx.a_mem, s2, SR, 5, PACK(FLUE_COMPLETED, 1));
	EXPECT_NONE(fx.a, fx.a_mem, s2);
	for (uint32_t w = 1; w <= 5; w += 2)
		flue_canon_waitable_join(fx.a, w, 0);
	flue_canon_waitable_set_drop(fx.a, s1);
	flue_canon_waitable_set_drop(fx.a, s2);
}

/* An event delivered by the op itself (cancel) or taken out of the set by
 * a drop never shows up in the set; a dropped member leaves its set. */
FT_TEST(members_leave_on_drop)
{
	parked_readers(2);
	uint32_t s = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, 1, s);
	flue_canon_waitable_join(fx.a, 2, s);
	flue_canon_waitable_join(fx.a, 3, s);
	feed(0);
	/* #719: CANCELLED with the progress made (6d28164: COMPLETED) */
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, ASYNC, 1), PACK(FLUE_CANCELLED, 1));
	EXPECT_NONE(fx.a, fx.a_mem, s);
	flue_canon_stream_drop_readable(fx.a, fx.u8, 1);
	flue_canon_stream_drop_writable(fx.a, fx.u8, 2);
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, ASYNC, 3), PACK(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_readable(fx.a, fx.u8, 3);
	flue_canon_waitable_set_drop(fx.a, s);
	FT_EQ(flue_canon_waitable_set_new(fx.a), s);
}

/* ------------------------------------------------- drops (streams) */

/* drop-writable while a read is parked: the reader's event is DROPPED with
 * its progress (p2 = 1 | progress << 4); the end is DONE. */
FT_TEST(drop_writable_with_read_parked)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, r, ws);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 8), FLUE_BLOCKED);
	memcpy(fx.a_mem, "abc", 3);
	FT_EQ(wr(fx.a, fx.u8, w, 0, 3), PACK(FLUE_COMPLETED, 3));
	flue_canon_stream_drop_writable(fx.a, fx.u8, w);
	EXPECT_EVENT(fx.b, fx.b_mem, ws, SR, r, 1u | 3u << 4);
	EXPECT_NONE(fx.b, fx.b_mem, ws);
	FT_TRUE(memcmp(fx.b_mem, "abc", 3) == 0);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, rd(fx.b, fx.u8, r, 0, 8));
}

/* Ops after the peer dropped get DROPPED at once (progress 0); the end is
 * DONE: it can still be dropped, but a further op traps NOT_IDLE. */
FT_TEST(ops_after_peer_drop_are_dropped_at_once)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	flue_canon_stream_drop_writable(fx.a, fx.u8, w);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 8), PACK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_readable(fx.b, fx.u8, r);

	s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(s), 2); /* A: 1 moved to B then 2 dropped: free list [1, 2] */
	FT_EQ(hi32(s), 1);
	flue_canon_stream_drop_readable(fx.a, fx.u8, lo32(s));
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 0, 0), PACK(FLUE_DROPPED, 0));
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, wr(fx.a, fx.u8, hi32(s), 0, 1));
}

/* drop-readable while a write is parked (partly consumed): the writer's
 * event is DROPPED with its progress; drop of the DONE end is allowed. */
FT_TEST(drop_readable_with_write_parked)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, w, ws);
	FT_EQ(wr(fx.a, fx.u8, w, 0, 4), FLUE_BLOCKED);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 1), PACK(FLUE_COMPLETED, 1));
	flue_canon_stream_drop_readable(fx.b, fx.u8, r);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, SW, w, PACK(FLUE_DROPPED, 1));
	flue_canon_stream_drop_writable(fx.a, fx.u8, w);
	flue_canon_waitable_set_drop(fx.a, ws);
}

/* drop-stream.wast: a drop while an op is in progress traps, even after
 * partial progress. */
FT_TEST(drop_while_copying_traps)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 4), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, w, 0, 2), PACK(FLUE_COMPLETED, 2));
	FT_TRAPS(FLUE_TRAP_DROP_WHILE_COPYING, flue_canon_stream_drop_readable(fx.b, fx.u8, r));
}

/* ------------------------------------------------- handle table reuse */

/* Table.remove appends to the free list, Table.add pops its end: after
 * dropping 1 then 2, stream.new returns readable 2, writable 1. Sets and
 * error contexts share the table. */
FT_TEST(lifo_index_reuse)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint64_t t = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(t), 3);
	FT_EQ(hi32(t), 4);
	flue_canon_stream_drop_readable(fx.a, fx.u8, lo32(s));
	flue_canon_stream_drop_writable(fx.a, fx.u8, hi32(s));
	s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(s), 2);
	FT_EQ(hi32(s), 1);
	s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(s), 5);
	FT_EQ(hi32(s), 6);
	flue_canon_stream_drop_writable(fx.a, fx.u8, 4);
	flue_canon_stream_drop_readable(fx.a, fx.u8, 3);
	FT_EQ(flue_canon_waitable_set_new(fx.a), 3);
	FT_EQ(flue_canon_error_context_new(fx.a, 0, 0), 4);
	FT_EQ(flue_canon_waitable_set_new(fx.a), 7);
}

/* test_receive_own_stream: a readable end handed out and back (transfer to
 * its own instance) gets the same index while the write is pending. */
FT_TEST(own_end_returns_at_same_index)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t r = 0;
	memcpy(fx.a_mem, "ok", 2);
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 0, 2), FLUE_BLOCKED);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, fx.a, &r), 0);
	FT_EQ(r, 1);
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, hi32(s)), PACK(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_writable(fx.a, fx.u8, hi32(s));
	FT_EQ(rd(fx.a, fx.u8, r, 8, 2), PACK(FLUE_DROPPED, 0));
}

/* --------------------------------------------------------- error contexts */

/* error-context.new returns fresh indices from the shared table (message
 * discarded, deterministic profile); debug-message stores the empty string
 * as (0, 0); drop frees the index for LIFO reuse. */
FT_TEST(error_contexts)
{
	fx_setup();
	FT_EQ(flue_canon_error_context_new(fx.a, 0, 0), 1);
	FT_EQ(flue_canon_error_context_new(fx.a, 0xFFFFFFF0u, 1000), 2); /* never read */
	FT_EQ(flue_canon_waitable_set_new(fx.a), 3);
	FT_EQ(flue_canon_error_context_new(fx.a, 100, 5), 4);
	memset(fx.a_mem + 40, 0x5A, 8);
	flue_canon_error_context_debug_message(fx.a, 2, 40);
	FT_EQ(ld32(fx.a_mem, 40), 0);
	FT_EQ(ld32(fx.a_mem, 44), 0);
	flue_canon_error_context_drop(fx.a, 2);
	flue_canon_error_context_drop(fx.a, 1);
	FT_EQ(flue_canon_error_context_new(fx.a, 0, 0), 1);
	FT_EQ(flue_canon_error_context_new(fx.a, 0, 0), 2);
	FT_EQ(flue_canon_error_context_new(fx.a, 0, 0), 5);
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, flue_canon_error_context_debug_message(fx.a, 3, 40));
	FT_EQ(flue_canon_error_context_new(fx.b, 0, 0), 1);
	flue_canon_error_context_drop(fx.b, 1);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, flue_canon_error_context_drop(fx.b, 1));
	fx_setup();
	FT_EQ(flue_canon_error_context_new(fx.a, 0, 0), 1);
	FT_TRAPS(FLUE_TRAP_MISALIGNED, flue_canon_error_context_debug_message(fx.a, 1, 2));
	FT_EQ(flue_canon_error_context_new(fx.b, 0, 0), 1);
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS,
		 flue_canon_error_context_debug_message(fx.b, 1, MEM_SIZE - 4u));
}

/* ------------------------------------------------------ instance teardown */

/* A new instance in the destroyed one's slot, with memory. */
static struct flue_instance *recreate(void)
{
	struct flue_instance *n = 0;
	FT_EQ(flue_instance_create(&fx.store, &n), 0);
	flue_instance_set_memory(n, &fx.a_data, &fx.a_size);
	return n;
}

/* Destroying the instance that holds one end: the peer's parked op gets
 * DROPPED with its progress, exactly as for a drop; ops after that get
 * DROPPED at once. The slot is reused and the new instance's first handle
 * is index 1. */
FT_TEST(teardown_drops_peer_ops)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t r = 0;
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, fx.b, &r), 0);
	uint32_t sb = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, r, sb);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 8), FLUE_BLOCKED);
	memcpy(fx.a_mem, "abc", 3);
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 0, 3), PACK(FLUE_COMPLETED, 3));
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 0, 3), PACK(FLUE_COMPLETED, 3)); /* still parked */
	flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, hi32(s), 1); /* A's own set goes too */
	flue_instance_destroy(fx.a);
	EXPECT_EVENT(fx.b, fx.b_mem, sb, SR, r, PACK(FLUE_DROPPED, 6));
	EXPECT_NONE(fx.b, fx.b_mem, sb);
	FT_TRUE(memcmp(fx.b_mem, "abcabc", 6) == 0);
	flue_canon_stream_drop_readable(fx.b, fx.u8, r);

	fx.a = recreate();
	s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(s), 1);
	FT_EQ(hi32(s), 2);
	/* the other direction: B holds the reader, A's write is parked */
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, fx.b, &r), 0);
	FT_EQ(flue_canon_waitable_set_new(fx.a), 1);
	flue_canon_waitable_join(fx.a, 2, 1);
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 4), FLUE_BLOCKED);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 1), PACK(FLUE_COMPLETED, 1));
	flue_instance_destroy(fx.b);
	EXPECT_EVENT(fx.a, fx.a_mem, 1, SW, 2, PACK(FLUE_DROPPED, 1));
	flue_canon_waitable_join(fx.a, 2, 0);
	flue_canon_stream_drop_writable(fx.a, fx.u8, 2);
	flue_canon_waitable_set_drop(fx.a, 1);
}

/* Teardown with no op parked: the peer's next op gets DROPPED at once. A
 * future reader parked across a teardown sees DROPPED too (flue: teardown
 * drops the writer even though a guest could not). */
FT_TEST(teardown_then_ops_dropped_and_futures)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint64_t f = flue_canon_future_new(fx.a, fx.u32);
	uint32_t rs = 0, rf = 0;
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, fx.b, &rs), 0);
	FT_EQ(flue_end_transfer(fx.a, lo32(f), fx.u32, fx.b, &rf), 0);
	FT_EQ(rs, 1);
	FT_EQ(rf, 2);
	FT_EQ(flue_canon_future_read(fx.b, fx.u32, ASYNC, rf, 8), FLUE_BLOCKED);
	flue_instance_destroy(fx.a);
	FT_EQ(rd(fx.b, fx.u8, rs, 0, 4), PACK(FLUE_DROPPED, 0));
	FT_EQ(flue_canon_future_cancel_read(fx.b, fx.u32, 0, rf), FLUE_DROPPED);
	flue_canon_stream_drop_readable(fx.b, fx.u8, rs);
	flue_canon_future_drop_readable(fx.b, fx.u32, rf);
}

/* Shared objects are released by teardown: many more create/destroy
 * cycles than FLUE_CONFIG_MAX_SHARED never exhaust the pool (POOL_FULL
 * would trap and fail the test). */
FT_TEST(teardown_releases_shared_objects)
{
	fx_setup();
	for (uint32_t i = 0; i < 3u * FLUE_CONFIG_MAX_SHARED; i++) {
		struct flue_instance *c = recreate();
		uint64_t s = flue_canon_stream_new(c, fx.u8);
		(void)flue_canon_stream_new(c, fx.unit); /* both ends in c */
		uint32_t r = 0;
		FT_EQ(flue_end_transfer(c, lo32(s), fx.u8, fx.b, &r), 0);
		FT_EQ(r, 1);
		flue_instance_destroy(c);
		FT_EQ(rd(fx.b, fx.u8, r, 0, 4), PACK(FLUE_DROPPED, 0));
		flue_canon_stream_drop_readable(fx.b, fx.u8, r);
	}
}

FT_SUITE(wsets,
	 FT_CASE(join_and_leave),
	 FT_CASE(poll_none_stores_zeros),
	 FT_CASE(update_keeps_place),
	 FT_CASE(delivery_order_is_first_pending),
	 FT_CASE(move_between_sets_keeps_place),
	 FT_CASE(members_leave_on_drop),
	 FT_CASE(drop_writable_with_read_parked),
	 FT_CASE(ops_after_peer_drop_are_dropped_at_once),
	 FT_CASE(drop_readable_with_write_parked),
	 FT_CASE(drop_while_copying_traps),
	 FT_CASE(lifo_index_reuse),
	 FT_CASE(own_end_returns_at_same_index),
	 FT_CASE(error_contexts),
	 FT_CASE(teardown_drops_peer_ops),
	 FT_CASE(teardown_then_ops_dropped_and_futures),
	 FT_CASE(teardown_releases_shared_objects))
