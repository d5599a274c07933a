/*
 * stream.forward / future.forward (#717), flue's own cases beyond
 * forward.wast (test_forward.c), against the library built with
 * FLUE_CONFIG_FORWARD=1: the trap order and traps that change nothing,
 * partial progress of a carried-over read, the same-instance rule of the
 * re-issued read, a destination reader in another instance, drop notices
 * (#720) meeting a forward, and driver channels on either side.
 */
#include "forward_test.h"

/* ----------------------------------------------- flue's own: traps */

/* The remaining checks, in the reference's order. */
FT_TEST(trap_order)
{
	setup();
	new_abc(2);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, 0u, fwd(0, wB));
	setup();
	new_abc(2);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, 63u, fwd(63, 99));
	setup();
	new_abc(2);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, 99u, fwd(rA, 99));
	setup();
	new_abc(2);
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, rB, fwd(rA, rB)); /* wi must be writable */
	setup();
	new_abc(2);
	split(flue_canon_stream_new(T, fw.u32), &rC, &wC);
	FT_TRAPS(FLUE_TRAP_TYPE_MISMATCH, wC, fwd(rA, wC));
	setup();
	new_abc(2);
	T->may_leave = false;
	FT_TRAPS(FLUE_TRAP_MAY_NOT_LEAVE, 0u, fwd(rA, wB));
	/* A poisoned instance traps at once. */
	FT_TRAPS(FLUE_TRAP_POISONED, 0u, fwd(rA, wB));
}

/* A future's writable end that is done (it saw DROPPED). */
FT_TEST(trap_future_writer_done)
{
	setup();
	fnew_abc(2);
	flue_canon_future_drop_readable(T, fw.u8, rB);
	FT_EQ(fwr(wB, 0), FLUE_DROPPED);
	FT_TRAPS(FLUE_TRAP_FORWARD_DONE, 4u, ffwd(rA, wB));
}

/* The last check traps with nothing changed: both ends still in the
 * table, both shared objects as they were, no event anywhere. */
FT_TEST(trap_changes_nothing)
{
	setup();
	split(flue_canon_stream_new(T, fw.rec), &rA, &wA);
	split(flue_canon_stream_new(T, fw.rec), &rB, &wB);
	FT_EQ(flue_canon_stream_write(T, fw.rec, ASYNC, wA, 0, 1), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(T, fw.rec, ASYNC, rB, 16, 1), FLUE_BLOCKED);
	uint16_t sa = T->handles[rA].u.end.shared, sb = T->handles[wB].u.end.shared;
	FT_TRAPS(FLUE_TRAP_SAME_INSTANCE, wB,
		 flue_canon_stream_forward(T, fw.rec, rA, wB));
	FT_EQ(T->handles[rA].kind, FLUE_H_STREAM_READABLE);
	FT_EQ(T->handles[wB].kind, FLUE_H_STREAM_WRITABLE);
	FT_EQ(T->handles[rB].u.end.shared, sb);
	const struct flue_shared *a = &fw.store.shared[sa], *b = &fw.store.shared[sb];
	FT_EQ(a->reader_handle, rA);
	FT_EQ(a->pending, FLUE_SIDE_WRITER);
	FT_EQ(b->writer_handle, wB);
	FT_EQ(b->pending, FLUE_SIDE_READER);
	FT_FALSE(T->handles[wA].u.end.w.has_event);
	FT_FALSE(T->handles[rB].u.end.w.has_event);
}

/* -------------------------------- flue's own: what carries over */

/* The same-instance rule holds for the re-issued read: a record stream
 * whose reader sits in another instance rendezvouses during the forward. */
FT_TEST(record_rendezvous_across_instances)
{
	setup();
	split(flue_canon_stream_new(T, fw.rec), &rA, &wA);
	split(flue_canon_stream_new(T, fw.rec), &rB, &wB);
	uint32_t ru = 0;
	FT_EQ(flue_end_transfer(T, rB, fw.rec, fw.u, &ru), 0);
	fw.t_mem[0] = 0x11;
	st32(fw.t_mem, 4, 0xA1B2C3D4u);
	FT_EQ(flue_canon_stream_write(T, fw.rec, ASYNC, wA, 0, 1), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(fw.u, fw.rec, ASYNC, ru, 16, 1), FLUE_BLOCKED);
	flue_canon_stream_forward(T, fw.rec, rA, wB);
	FT_EQ(fw.u_mem[16], 0x11);
	FT_EQ(ld32(fw.u_mem, 20), 0xA1B2C3D4u);
	uint32_t ws = flue_canon_waitable_set_new(fw.u);
	flue_canon_waitable_join(fw.u, ru, ws);
	FT_EQ(flue_canon_waitable_set_poll(fw.u, ws, 32), FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(ld32(fw.u_mem, 32), ru);
	FT_EQ(ld32(fw.u_mem, 36), PK(FLUE_COMPLETED, 1));
	EXPECT_EV(set_of(wA), 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, PK(FLUE_COMPLETED, 1));
}

/* A read that already received part of its buffer from B's writer keeps
 * that progress: the rest comes from A's writer, one event for the lot. */
FT_TEST(partial_read_carried_over)
{
	setup();
	new_abc(2);
	uint32_t ws = set_of(rB);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wB, 0, 2), PK(FLUE_COMPLETED, 2));
	fwd(rA, wB);
	st32(fw.t_mem, 16, 0x08070605u);
	FT_EQ(wr(wA, 16, 4), PK(FLUE_COMPLETED, 2));
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, C4);
	FT_EQ(ld32(fw.t_mem, 8), 0x06050201u);
	EXPECT_NONE(ws);
}

/* The same, with A's writer parked before the forward: the forward moves
 * what fits, and A's writer keeps the rest for the next read. */
FT_TEST(partial_read_meets_parked_write)
{
	setup();
	new_abc(2);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wB, 0, 2), PK(FLUE_COMPLETED, 2));
	st32(fw.t_mem, 16, 0x08070605u);
	FT_EQ(wr(wA, 16, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	EXPECT_EV(set_of(rB), 32u, FLUE_EVENT_CODE_STREAM_READ, rB, C4);
	FT_EQ(ld32(fw.t_mem, 8), 0x06050201u);
	FT_EQ(rd(rB, 24, 4), PK(FLUE_COMPLETED, 2));
	FT_EQ(ld32(fw.t_mem, 24) & 0xFFFFu, 0x0807u);
	EXPECT_EV(set_of(wA), 40u, FLUE_EVENT_CODE_STREAM_WRITE, wA, C4);
}

/* The destination's reader lives in another instance: it keeps its index
 * there, and its pending read completes from A's writer. */
FT_TEST(dest_reader_in_other_instance)
{
	setup();
	new_abc(2);
	uint32_t ru = 0;
	FT_EQ(flue_end_transfer(T, rB, fw.u8, fw.u, &ru), 0);
	FT_EQ(flue_canon_stream_read(fw.u, fw.u8, ASYNC, ru, 8, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	FT_EQ(fw.u->handles[ru].kind, FLUE_H_STREAM_READABLE);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), C4);
	FT_EQ(ld32(fw.u_mem, 8), PATTERN);
	/* T holds A's writer only: B's writer and A's reader are gone. */
	FT_EQ(T->handles[rA].kind, FLUE_H_FREE);
	FT_EQ(T->handles[wB].kind, FLUE_H_FREE);
	FT_EQ(T->handles[rB].kind, FLUE_H_FREE); /* transferred before */
}

/* A drop before the forward reaches an idle end on the other side of it
 * as the one-shot notification of #720 (the notification the discarded
 * end would have had): waiting on a set holding it cannot block for good. */
FT_TEST(src_writer_dropped_before_forward_idle_reader_notified)
{
	setup();
	new_abc(2);
	flue_canon_stream_drop_writable(T, fw.u8, wA);
	uint32_t ws = set_of(rB);
	fwd(rA, wB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, PK(FLUE_DROPPED, 0));
	EXPECT_NONE(ws);
}

FT_TEST(dest_reader_dropped_before_forward_idle_writer_notified)
{
	setup();
	new_abc(2);
	flue_canon_stream_drop_readable(T, fw.u8, rB);
	uint32_t ws = set_of(wA);
	fwd(rA, wB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, PK(FLUE_DROPPED, 0));
	EXPECT_NONE(ws);
}

/* ------------------------------ flue's own: driver channels */

static struct flue_channel ch_in, ch_out;
static uint8_t ring_in[8], ring_out[8];

/* D's reader is a driver channel (guest -> host): A's parked write goes
 * to the channel's ring at once, and later writes follow it. */
FT_TEST(channel_reader_takes_source)
{
	setup();
	FT_EQ(flue_channel_init(&ch_out, ring_out, 1, sizeof ring_out), 0);
	FT_EQ(flue_channel_attach(&ch_out, T, fw.u8, false, false, &wB), 0);
	split(flue_canon_stream_new(T, fw.u8), &rA, &wA);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	EXPECT_EV(set_of(wA), 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, C4);
	uint8_t got[8] = { 0 };
	FT_EQ(flue_channel_recv(&ch_out, got, 8), 4);
	FT_EQ(ld32(got, 0), PATTERN);
	st32(fw.t_mem, 0, 0x0A090807u);
	FT_EQ(wr(wA, 0, 2), PK(FLUE_COMPLETED, 2));
	FT_EQ(flue_channel_recv(&ch_out, got, 8), 2);
	FT_EQ(got[0], 0x07);
	flue_canon_waitable_join(T, wA, 0);
	flue_canon_stream_drop_writable(T, fw.u8, wA);
	FT_EQ(flue_channel_recv(&ch_out, got, 8), FLUE_EPIPE);
}

/* S's writer is a driver channel (host -> guest): B's parked read is
 * served from the ring once the host sends. */
FT_TEST(channel_writer_feeds_destination)
{
	setup();
	FT_EQ(flue_channel_init(&ch_in, ring_in, 1, sizeof ring_in), 0);
	FT_EQ(flue_channel_attach(&ch_in, T, fw.u8, true, false, &rA), 0);
	split(flue_canon_stream_new(T, fw.u8), &rB, &wB);
	uint32_t ws = set_of(rB);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	EXPECT_NONE(ws);
	const uint8_t data[4] = { 1, 2, 3, 4 };
	FT_EQ(flue_channel_send(&ch_in, data, 4), 4);
	flue_store_pump(&fw.store);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
	/* B's reader dropped: the host learns the guest is gone. */
	flue_canon_waitable_join(T, rB, 0);
	flue_canon_stream_drop_readable(T, fw.u8, rB);
	FT_EQ(flue_channel_send(&ch_in, data, 1), FLUE_EPIPE);
}

/* A dropped destination reader ends the source channel too. */
FT_TEST(channel_writer_dest_reader_dropped)
{
	setup();
	FT_EQ(flue_channel_init(&ch_in, ring_in, 1, sizeof ring_in), 0);
	FT_EQ(flue_channel_attach(&ch_in, T, fw.u8, true, false, &rA), 0);
	split(flue_canon_stream_new(T, fw.u8), &rB, &wB);
	flue_canon_stream_drop_readable(T, fw.u8, rB);
	fwd(rA, wB);
	const uint8_t data[1] = { 1 };
	FT_EQ(flue_channel_send(&ch_in, data, 1), FLUE_EPIPE);
}

/* A channel whose host side is closed: the idle end now facing it is told
 * at once, as if its peer had dropped (#720). */
FT_TEST(closed_channel_notifies_idle_ends)
{
	setup();
	FT_EQ(flue_channel_init(&ch_out, ring_out, 1, sizeof ring_out), 0);
	FT_EQ(flue_channel_attach(&ch_out, T, fw.u8, false, false, &wB), 0);
	split(flue_canon_stream_new(T, fw.u8), &rA, &wA);
	flue_channel_close(&ch_out);
	uint32_t ws = set_of(wA);
	fwd(rA, wB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, PK(FLUE_DROPPED, 0));

	setup();
	FT_EQ(flue_channel_init(&ch_in, ring_in, 1, sizeof ring_in), 0);
	FT_EQ(flue_channel_attach(&ch_in, T, fw.u8, true, false, &rA), 0);
	split(flue_canon_stream_new(T, fw.u8), &rB, &wB);
	flue_channel_close(&ch_in);
	ws = set_of(rB);
	fwd(rA, wB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, PK(FLUE_DROPPED, 0));
}

/* Two channels cannot be joined: nothing would carry the data. */
FT_TEST(trap_two_channels)
{
	setup();
	FT_EQ(flue_channel_init(&ch_in, ring_in, 1, sizeof ring_in), 0);
	FT_EQ(flue_channel_init(&ch_out, ring_out, 1, sizeof ring_out), 0);
	FT_EQ(flue_channel_attach(&ch_in, T, fw.u8, true, false, &rA), 0);
	FT_EQ(flue_channel_attach(&ch_out, T, fw.u8, false, false, &wB), 0);
	FT_TRAPS(FLUE_TRAP_FORWARD_CHANNELS, wB, fwd(rA, wB));
}

FT_SUITE(forward_own,
	 FT_CASE(trap_order),
	 FT_CASE(trap_future_writer_done),
	 FT_CASE(trap_changes_nothing),
	 FT_CASE(record_rendezvous_across_instances),
	 FT_CASE(partial_read_carried_over),
	 FT_CASE(partial_read_meets_parked_write),
	 FT_CASE(dest_reader_in_other_instance),
	 FT_CASE(src_writer_dropped_before_forward_idle_reader_notified),
	 FT_CASE(dest_reader_dropped_before_forward_idle_writer_notified),
	 FT_CASE(channel_reader_takes_source),
	 FT_CASE(channel_writer_feeds_destination),
	 FT_CASE(channel_writer_dest_reader_dropped),
	 FT_CASE(closed_channel_notifies_idle_ends),
	 FT_CASE(trap_two_channels))
