/*
 * stream.forward / future.forward (#717), against the library built with
 * FLUE_CONFIG_FORWARD=1. Part one: the $Tester component of
 * component-model test/async/forward.wast @ 26e6ea9d, one test per wast
 * function, ported to direct built-in calls on one instance with the same
 * return codes, handle indices, events and bytes; its traps with flue's
 * reasons (the wast's messages are Wasmtime's) and the handle each one
 * names. The wast makes a fresh $Tester before every invoke, so A is 1,2,
 * B 3,4 and C 5,6 here too. No executor is needed (every op is async): a
 * trap unwinds to FT_TRAPS through the store's hook (forward_test.h).
 * flue's own cases: test_forward_own.c; across components with the
 * executor: test_forward_proxy.c.
 */
#include "forward_test.h"

/* ------------------------------------- forward.wast: arrival orders */

FT_TEST(forward_then_write_then_read)
{
	setup();
	new_abc(2);
	fwd(rA, wB);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), FLUE_BLOCKED);
	FT_EQ(rd(rB, 8, 4), C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
}

FT_TEST(forward_then_read_then_write)
{
	setup();
	new_abc(2);
	fwd(rA, wB);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
}

/* A read already pending is carried over onto the merged stream. */
FT_TEST(read_then_forward_then_write)
{
	setup();
	new_abc(2);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
	uint32_t ws = set_of(rB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, C4);
}

/* Both sides blocked before the forward: the forward itself rendezvouses. */
FT_TEST(rendezvous_during_forward)
{
	setup();
	new_abc(2);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), FLUE_BLOCKED);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
	uint32_t ws1 = set_of(wA), ws2 = set_of(rB);
	EXPECT_EV(ws1, 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, C4);
	EXPECT_EV(ws2, 40u, FLUE_EVENT_CODE_STREAM_READ, rB, C4);
}

/* The destination's reader already sits in a set: the carried-over read
 * is reported through it. */
FT_TEST(pending_read_in_set_before_forward)
{
	setup();
	new_abc(2);
	uint32_t ws = set_of(rB);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), C4);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
}

/* Discarding A's reader and B's writer is no drop for the survivors. */
FT_TEST(no_event_from_forward)
{
	setup();
	new_abc(2);
	uint32_t ws = flue_canon_waitable_set_new(T);
	flue_canon_waitable_join(T, wA, ws);
	flue_canon_waitable_join(T, rB, ws);
	fwd(rA, wB);
	EXPECT_NONE(ws);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), FLUE_BLOCKED);
	FT_EQ(rd(rB, 8, 4), C4);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, C4);
	EXPECT_NONE(ws);
}

/* Zero-length readiness ops are carried over like real ones. */
FT_TEST(zero_length_read_carried_over)
{
	setup();
	new_abc(2);
	FT_EQ(rd(rB, 0, 0), FLUE_BLOCKED);
	fwd(rA, wB);
	uint32_t ws = set_of(rB);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), FLUE_BLOCKED);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, PK(FLUE_COMPLETED, 0));
	FT_EQ(rd(rB, 8, 4), C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
}

FT_TEST(zero_length_write_then_forward)
{
	setup();
	new_abc(2);
	FT_EQ(wr(wA, 0, 0), FLUE_BLOCKED);
	fwd(rA, wB);
	uint32_t ws = set_of(wA);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, PK(FLUE_COMPLETED, 0));
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
}

/* ---------------------------------- forward.wast: drop propagation */

FT_TEST(dest_reader_dropped_before_forward)
{
	setup();
	new_abc(2);
	flue_canon_stream_drop_readable(T, fw.u8, rB);
	fwd(rA, wB);
	FT_EQ(wr(wA, 0, 4), PK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_writable(T, fw.u8, wA);
}

FT_TEST(dest_reader_dropped_before_forward_blocked_writer)
{
	setup();
	new_abc(2);
	FT_EQ(wr(wA, 0, 4), FLUE_BLOCKED);
	flue_canon_stream_drop_readable(T, fw.u8, rB);
	uint32_t ws = set_of(wA);
	fwd(rA, wB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, PK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_writable(T, fw.u8, wA);
}

FT_TEST(dest_reader_dropped_after_forward)
{
	setup();
	new_abc(2);
	fwd(rA, wB);
	FT_EQ(wr(wA, 0, 4), FLUE_BLOCKED);
	uint32_t ws = set_of(wA);
	flue_canon_stream_drop_readable(T, fw.u8, rB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_WRITE, wA, PK(FLUE_DROPPED, 0));
}

FT_TEST(src_writer_dropped_before_forward)
{
	setup();
	new_abc(2);
	flue_canon_stream_drop_writable(T, fw.u8, wA);
	fwd(rA, wB);
	FT_EQ(rd(rB, 8, 4), PK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_readable(T, fw.u8, rB);
}

FT_TEST(src_writer_dropped_after_forward)
{
	setup();
	new_abc(2);
	fwd(rA, wB);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	uint32_t ws = set_of(rB);
	flue_canon_stream_drop_writable(T, fw.u8, wA);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_STREAM_READ, rB, PK(FLUE_DROPPED, 0));
}

/* ------------------------ forward.wast: cancel, loops, chains, types */

FT_TEST(cancel_carried_over_read)
{
	setup();
	new_abc(2);
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	fwd(rA, wB);
	FT_EQ(flue_canon_stream_cancel_read(T, fw.u8, 0, rB), PK(FLUE_CANCELLED, 0));
	FT_EQ(rd(rB, 8, 4), FLUE_BLOCKED);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wA, 0, 4), C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
}

/* Both ends of one stream: both freed, ri first (LIFO reuse). */
FT_TEST(self_forward)
{
	setup();
	new_abc(1);
	FT_EQ(rA, 1);
	FT_EQ(wA, 2);
	fwd(rA, wA);
	split(flue_canon_stream_new(T, fw.u8), &rB, &wB);
	FT_EQ(rB, 2);
	FT_EQ(wB, 1);
}

/* A absorbs B, then C absorbs A: one stream from C's writer to B's reader. */
FT_TEST(forward_chain)
{
	setup();
	new_abc(3);
	fwd(rA, wB);
	fwd(rC, wA);
	st32(fw.t_mem, 0, PATTERN);
	FT_EQ(wr(wC, 0, 4), FLUE_BLOCKED);
	FT_EQ(rd(rB, 8, 4), C4);
	FT_EQ(ld32(fw.t_mem, 8), PATTERN);
}

/* Forwarding back degenerates into the self-loop: no cycle, no trap. */
FT_TEST(forward_cycle)
{
	setup();
	new_abc(2);
	fwd(rA, wB);
	fwd(rB, wA);
	split(flue_canon_stream_new(T, fw.u8), &rC, &wC);
	FT_EQ(rC, 2);
	FT_EQ(wC, 3);
}

FT_TEST(future_forward_then_write_then_read)
{
	setup();
	fnew_abc(2);
	ffwd(rA, wB);
	fw.t_mem[0] = 0x5a;
	FT_EQ(fwr(wA, 0), FLUE_BLOCKED);
	FT_EQ(frd(rB, 8), FLUE_COMPLETED);
	FT_EQ(fw.t_mem[8], 0x5a);
}

FT_TEST(future_forward_read_then_write)
{
	setup();
	fnew_abc(2);
	FT_EQ(frd(rB, 8), FLUE_BLOCKED);
	ffwd(rA, wB);
	fw.t_mem[0] = 0x5a;
	FT_EQ(fwr(wA, 0), FLUE_COMPLETED);
	FT_EQ(fw.t_mem[8], 0x5a);
	uint32_t ws = set_of(rB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_FUTURE_READ, rB, FLUE_COMPLETED);
}

FT_TEST(future_rendezvous_during_forward)
{
	setup();
	fnew_abc(2);
	fw.t_mem[0] = 0x5a;
	FT_EQ(fwr(wA, 0), FLUE_BLOCKED);
	FT_EQ(frd(rB, 8), FLUE_BLOCKED);
	ffwd(rA, wB);
	FT_EQ(fw.t_mem[8], 0x5a);
	uint32_t ws1 = set_of(wA), ws2 = set_of(rB);
	EXPECT_EV(ws1, 32u, FLUE_EVENT_CODE_FUTURE_WRITE, wA, FLUE_COMPLETED);
	EXPECT_EV(ws2, 40u, FLUE_EVENT_CODE_FUTURE_READ, rB, FLUE_COMPLETED);
	flue_canon_future_drop_writable(T, fw.u8, wA);
}

FT_TEST(future_forward_dest_reader_dropped)
{
	setup();
	fnew_abc(2);
	flue_canon_future_drop_readable(T, fw.u8, rB);
	ffwd(rA, wB);
	FT_EQ(fwr(wA, 0), FLUE_DROPPED);
	flue_canon_future_drop_writable(T, fw.u8, wA);
}

FT_TEST(future_forward_dest_reader_dropped_blocked_writer)
{
	setup();
	fnew_abc(2);
	fw.t_mem[0] = 0x5a;
	FT_EQ(fwr(wA, 0), FLUE_BLOCKED);
	flue_canon_future_drop_readable(T, fw.u8, rB);
	uint32_t ws = set_of(wA);
	ffwd(rA, wB);
	EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_FUTURE_WRITE, wA, FLUE_DROPPED);
	flue_canon_future_drop_writable(T, fw.u8, wA);
}

/* B's writable end is used up without a value: no trap, ever. */
FT_TEST(future_forward_discards_unwritten_writer)
{
	setup();
	fnew_abc(2);
	ffwd(rA, wB);
	fw.t_mem[0] = 0x5a;
	FT_EQ(fwr(wA, 0), FLUE_BLOCKED);
	FT_EQ(frd(rB, 8), FLUE_COMPLETED);
	FT_EQ(fw.t_mem[8], 0x5a);
	FT_FALSE(T->poisoned);
}

FT_TEST(future_self_forward)
{
	setup();
	fnew_abc(1);
	FT_EQ(rA, 1);
	FT_EQ(wA, 2);
	ffwd(rA, wA);
	split(flue_canon_future_new(T, fw.u8), &rB, &wB);
	FT_EQ(rB, 2);
	FT_EQ(wB, 1);
}

FT_TEST(future_forward_chain)
{
	setup();
	fnew_abc(3);
	ffwd(rA, wB);
	ffwd(rC, wA);
	fw.t_mem[0] = 0x5a;
	FT_EQ(fwr(wC, 0), FLUE_BLOCKED);
	FT_EQ(frd(rB, 8), FLUE_COMPLETED);
	FT_EQ(fw.t_mem[8], 0x5a);
}

/* An element-less stream forwards like any other (pointers ignored). */
FT_TEST(empty_element_type)
{
	setup();
	split(flue_canon_stream_new(T, fw.unit), &rA, &wA);
	split(flue_canon_stream_new(T, fw.unit), &rB, &wB);
	flue_canon_stream_forward(T, fw.unit, rA, wB);
	FT_EQ(flue_canon_stream_write(T, fw.unit, ASYNC, wA, 0, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(T, fw.unit, ASYNC, rB, 0, 4), C4);
}

/* ------------------------------------------------- forward.wast: traps */

/* "handle index 2 used with the wrong type" */
FT_TEST(trap_swapped_args)
{
	setup();
	new_abc(2);
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, 2u, fwd(wA, rB));
}

/* "handle index 1 used with the wrong type": flue tells a wrong element
 * type (TYPE_MISMATCH) from a wrong kind of handle. */
FT_TEST(trap_type_mismatch)
{
	setup();
	new_abc(2);
	FT_TRAPS(FLUE_TRAP_TYPE_MISMATCH, 1u, flue_canon_stream_forward(T, fw.u32, rA, wB));
}

/* "unknown handle index 1": ri is gone by the time wi is looked up. */
FT_TEST(trap_same_index)
{
	setup();
	new_abc(1);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, 1u, fwd(rA, rA));
}

/* "cannot forward busy stream" */
FT_TEST(trap_src_reader_copying)
{
	setup();
	new_abc(2);
	FT_EQ(rd(rA, 8, 4), FLUE_BLOCKED);
	FT_TRAPS(FLUE_TRAP_FORWARD_BUSY, 1u, fwd(rA, wB));
}

FT_TEST(trap_dest_writer_copying)
{
	setup();
	new_abc(2);
	FT_EQ(wr(wB, 0, 4), FLUE_BLOCKED);
	FT_TRAPS(FLUE_TRAP_FORWARD_BUSY, 4u, fwd(rA, wB));
}

/* "cannot forward stream while it's in a waitable set" */
FT_TEST(trap_src_reader_in_set)
{
	setup();
	new_abc(2);
	(void)set_of(rA);
	FT_TRAPS(FLUE_TRAP_FORWARD_IN_SET, 1u, fwd(rA, wB));
}

FT_TEST(trap_dest_writer_in_set)
{
	setup();
	new_abc(2);
	(void)set_of(wB);
	FT_TRAPS(FLUE_TRAP_FORWARD_IN_SET, 4u, fwd(rA, wB));
}

/* "cannot forward stream after being notified that the writable end dropped" */
FT_TEST(trap_src_reader_done)
{
	setup();
	new_abc(2);
	flue_canon_stream_drop_writable(T, fw.u8, wA);
	FT_EQ(rd(rA, 8, 4), PK(FLUE_DROPPED, 0));
	FT_TRAPS(FLUE_TRAP_FORWARD_DONE, 1u, fwd(rA, wB));
}

FT_TEST(trap_dest_writer_done)
{
	setup();
	new_abc(2);
	flue_canon_stream_drop_readable(T, fw.u8, rB);
	FT_EQ(wr(wB, 0, 4), PK(FLUE_DROPPED, 0));
	FT_TRAPS(FLUE_TRAP_FORWARD_DONE, 4u, fwd(rA, wB));
}

/* "unknown handle index 1" */
FT_TEST(trap_use_after_forward)
{
	setup();
	new_abc(2);
	fwd(rA, wB);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, 1u, flue_canon_stream_drop_readable(T, fw.u8, rA));
}

FT_TEST(trap_stream_forward_of_future_handles)
{
	setup();
	fnew_abc(2);
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, 1u, fwd(rA, wB));
}

FT_TEST(trap_future_swapped_args)
{
	setup();
	fnew_abc(2);
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, 2u, ffwd(wA, rB));
}

/* "cannot forward busy future" */
FT_TEST(trap_future_reader_copying)
{
	setup();
	fnew_abc(2);
	FT_EQ(frd(rA, 8), FLUE_BLOCKED);
	FT_TRAPS(FLUE_TRAP_FORWARD_BUSY, 1u, ffwd(rA, wB));
}

FT_SUITE(forward,
	 FT_CASE(forward_then_write_then_read),
	 FT_CASE(forward_then_read_then_write),
	 FT_CASE(read_then_forward_then_write),
	 FT_CASE(rendezvous_during_forward),
	 FT_CASE(pending_read_in_set_before_forward),
	 FT_CASE(no_event_from_forward),
	 FT_CASE(zero_length_read_carried_over),
	 FT_CASE(zero_length_write_then_forward),
	 FT_CASE(dest_reader_dropped_before_forward),
	 FT_CASE(dest_reader_dropped_before_forward_blocked_writer),
	 FT_CASE(dest_reader_dropped_after_forward),
	 FT_CASE(src_writer_dropped_before_forward),
	 FT_CASE(src_writer_dropped_after_forward),
	 FT_CASE(cancel_carried_over_read),
	 FT_CASE(self_forward),
	 FT_CASE(forward_chain),
	 FT_CASE(forward_cycle),
	 FT_CASE(future_forward_then_write_then_read),
	 FT_CASE(future_forward_read_then_write),
	 FT_CASE(future_rendezvous_during_forward),
	 FT_CASE(future_forward_dest_reader_dropped),
	 FT_CASE(future_forward_dest_reader_dropped_blocked_writer),
	 FT_CASE(future_forward_discards_unwritten_writer),
	 FT_CASE(future_self_forward),
	 FT_CASE(future_forward_chain),
	 FT_CASE(empty_element_type),
	 FT_CASE(trap_swapped_args),
	 FT_CASE(trap_type_mismatch),
	 FT_CASE(trap_same_index),
	 FT_CASE(trap_src_reader_copying),
	 FT_CASE(trap_dest_writer_copying),
	 FT_CASE(trap_src_reader_in_set),
	 FT_CASE(trap_dest_writer_in_set),
	 FT_CASE(trap_src_reader_done),
	 FT_CASE(trap_dest_writer_done),
	 FT_CASE(trap_use_after_forward),
	 FT_CASE(trap_stream_forward_of_future_handles),
	 FT_CASE(trap_future_swapped_args),
	 FT_CASE(trap_future_reader_copying))
