/*
 * Driver channels (flue/channel.h), the refusals and edge timings no
 * other suite drives (issue 10, coverage of src/obj/channel.c): argument
 * checks of the host side, a guest writer facing a closed channel, zero-
 * length ops, a shrunk memory under a parked write, several channels in
 * one store, a channel's guest end moved after the host side ended.
 * Expected values come from the Doxygen of flue/channel.h and flue/host.h
 * (#720 for the one-shot DROPPED notification).
 */
#include "abi_test.h"
#include <flue/channel.h>
#include <flue/host.h>

static struct flue_channel ch, ch2;
static uint8_t ring[4], ring2[4];
static uint32_t ring32[2];

/* ----------------------------------------------------------------- init */

FT_TEST(channel_init_refuses_bad_geometry)
{
	FT_EQ(flue_channel_init(&ch, NULL, 1, 4), FLUE_EINVAL);
	FT_EQ(flue_channel_init(&ch, ring, 0, 4), FLUE_EINVAL);
	FT_EQ(flue_channel_init(&ch, ring, 1, 0), FLUE_EINVAL);
	FT_EQ(flue_channel_init(&ch, ring, 0x10000u, 0x10000u), FLUE_EINVAL); /* overflows */
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
}

/* Attach: EINVAL for a half-made channel, one still attached, an
 * unregistered type or one of another size, a bad future setup; ENOSPC
 * for a full table. Nothing changes on an error. */
FT_TEST(channel_attach_refusals_change_nothing)
{
	fx_setup();
	uint32_t end = 0xAA;
	struct flue_channel half = { .buf = ring, .elem_size = 0, .capacity = 4 };
	FT_EQ(flue_channel_attach(&half, fx.a, fx.u8, true, false, &end), FLUE_EINVAL);
	struct flue_channel half2 = { .buf = ring, .elem_size = 1, .capacity = 0 };
	FT_EQ(flue_channel_attach(&half2, fx.a, fx.u8, true, false, &end), FLUE_EINVAL);
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, 0, true, false, &end), FLUE_EINVAL);
	FT_EQ(flue_channel_attach(&ch, fx.a, 99, true, false, &end), FLUE_EINVAL);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u32, true, false, &end), FLUE_EINVAL); /* size 4 */
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, false, true, &end), FLUE_EINVAL); /* future from guest */
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, true, true, &end), FLUE_EINVAL);  /* capacity 4 */
	FT_EQ(end, 0xAA);
	FT_EQ(FX_READ(fx.a->len), 1);
	/* A full table. */
	while (FX_READ(fx.b->len) <= FLUE_CONFIG_MAX_HANDLES - 1u)
		(void)flue_canon_waitable_set_new(fx.b);
	FT_EQ(flue_channel_attach(&ch, fx.b, fx.u8, true, false, &end), FLUE_ENOSPC);
	FT_EQ(end, 0xAA);
	/* Still free: it attaches, and then it is busy. */
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, true, false, &end), 0);
	FT_EQ(end, 1);
	uint32_t e2 = 0xAA;
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, true, false, &e2), FLUE_EINVAL);
	FT_EQ(e2, 0xAA);
	/* The refused second attach left the first guest end served. */
	uint8_t v = 0x5A;
	FT_EQ(flue_channel_send(&ch, &v, 1), 1);
	FT_EQ(rd(fx.a, fx.u8, end, 4, 2), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.a_mem[4], 0x5A);
}

/* ----------------------------------------------------------- host side */

FT_TEST(channel_send_recv_refusals)
{
	fx_setup();
	uint8_t v[2] = { 1, 2 };
	uint32_t gr = 0, gw = 0;
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_init(&ch2, ring2, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, true, false, &gr), 0);
	FT_EQ(flue_channel_attach(&ch2, fx.a, fx.u8, false, false, &gw), 0);
	FT_EQ(flue_channel_send(&ch, v, 0), FLUE_EINVAL);
	FT_EQ(flue_channel_send(&ch, NULL, 1), FLUE_EINVAL);
	FT_EQ(flue_channel_send(&ch2, v, 1), FLUE_EINVAL); /* guest -> host channel */
	FT_EQ(flue_channel_recv(&ch2, v, 0), FLUE_EINVAL);
	FT_EQ(flue_channel_recv(&ch2, NULL, 1), FLUE_EINVAL);
	FT_EQ(flue_channel_recv(&ch, v, 1), FLUE_EINVAL);  /* host -> guest channel */
	FT_EQ(flue_channel_recv(&ch2, v, 2), FLUE_EAGAIN); /* empty, guest end alive */
	/* Nothing was queued by the refused calls. */
	FT_EQ(rd(fx.a, fx.u8, gr, 0, 4), FLUE_BLOCKED);
	FT_EQ(flue_channel_send(&ch, v, 2), 2);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, ws);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_READ, gr, PACK(FLUE_COMPLETED, 2));
}

/* Guest -> host: what the guest wrote before dropping is still received,
 * then FLUE_EPIPE ("empty and the guest dropped its end"). Two channels
 * in one store: dropping the one attached first leaves the other served. */
FT_TEST(channel_recv_drains_then_epipe_and_other_channel_lives)
{
	fx_setup();
	uint8_t got[4] = { 0 }, v[2] = { 5, 6 };
	uint32_t gw = 0, gr = 0;
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_init(&ch2, ring2, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, false, false, &gw), 0);
	FT_EQ(flue_channel_attach(&ch2, fx.b, fx.u8, true, false, &gr), 0);
	fx.a_mem[0] = 3;
	FT_EQ(wr(fx.a, fx.u8, gw, 0, 1), PACK(FLUE_COMPLETED, 1));
	flue_canon_stream_drop_writable(fx.a, fx.u8, gw);
	FT_EQ(flue_channel_recv(&ch, got, 4), 1);
	FT_EQ(got[0], 3);
	FT_EQ(flue_channel_recv(&ch, got, 4), FLUE_EPIPE);
	/* ch2 still serves B. */
	FT_EQ(rd(fx.b, fx.u8, gr, 8, 4), FLUE_BLOCKED);
	FT_EQ(flue_channel_send(&ch2, v, 2), 2);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, gr, ws);
	EXPECT_EVENT(fx.b, fx.b_mem, ws, FLUE_EVENT_CODE_STREAM_READ, gr, PACK(FLUE_COMPLETED, 2));
	FT_EQ(fx.b_mem[8], 5);
	FT_EQ(fx.b_mem[9], 6);
}

/* ------------------------------------------------- guest writer, closed */

/* flue_channel_close(): "a guest writer sees DROPPED at once"; an idle
 * guest writer is told at the next pump, once (#720). */
FT_TEST(channel_closed_guest_writer_sees_dropped)
{
	fx_setup();
	uint32_t gw = 0;
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, false, false, &gw), 0);
	flue_channel_close(&ch);
	FT_EQ(wr(fx.a, fx.u8, gw, 0, 2), PACK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_writable(fx.a, fx.u8, gw);
	fx_setup();
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, false, false, &gw), 0);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gw, ws);
	flue_channel_close(&ch);
	flue_store_pump(&fx.store);
	flue_store_pump(&fx.store); /* told once, not twice */
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_WRITE, gw, PACK(FLUE_DROPPED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, ws);
}

/* A write parked on a full channel while the host closes: DROPPED. */
FT_TEST(channel_parked_guest_write_then_close)
{
	fx_setup();
	uint32_t gw = 0;
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, false, false, &gw), 0);
	FT_EQ(wr(fx.a, fx.u8, gw, 0, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(wr(fx.a, fx.u8, gw, 0, 2), FLUE_BLOCKED);
	flue_channel_close(&ch);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gw, ws);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_WRITE, gw, PACK(FLUE_DROPPED, 0));
}

/* ------------------------------------------------------- zero-length ops */

/* "Zero-length ops complete at once (COMPLETED, 0) when data (read) or
 * room (write) exists, else park until it does." The pointer of an empty
 * op is not a buffer (stream.read checks it only when n > 0). */
FT_TEST(channel_zero_length_ops_park_until_data_or_room)
{
	fx_setup();
	uint32_t gr = 0, gw = 0;
	uint8_t v[4] = { 1, 2, 3, 4 }, got[4];
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_init(&ch2, ring2, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, true, false, &gr), 0);
	FT_EQ(flue_channel_attach(&ch2, fx.a, fx.u8, false, false, &gw), 0);
	uint32_t wsr = flue_canon_waitable_set_new(fx.a);
	uint32_t wsw = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, wsr);
	flue_canon_waitable_join(fx.a, gw, wsw);
	FT_EQ(rd(fx.a, fx.u8, gr, 0xFFFFFFF0u, 0), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, gw, 0, 4), PACK(FLUE_COMPLETED, 4)); /* ch2 now full */
	FT_EQ(wr(fx.a, fx.u8, gw, 0xFFFFFFF0u, 0), FLUE_BLOCKED);
	flue_store_pump(&fx.store);
	EXPECT_NONE(fx.a, fx.a_mem, wsr);
	EXPECT_NONE(fx.a, fx.a_mem, wsw);
	FT_EQ(flue_channel_send(&ch, v, 1), 1);
	FT_EQ(flue_channel_recv(&ch2, got, 1), 1);
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.a, fx.a_mem, wsr, FLUE_EVENT_CODE_STREAM_READ, gr, PACK(FLUE_COMPLETED, 0));
	EXPECT_EVENT(fx.a, fx.a_mem, wsw, FLUE_EVENT_CODE_STREAM_WRITE, gw, PACK(FLUE_COMPLETED, 0));
	/* The element sent is still there for the next read. */
	flue_canon_waitable_join(fx.a, gr, 0);
	FT_EQ(rd(fx.a, fx.u8, gr, 16, 4), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.a_mem[16], 1);
}

/* The same for an instance without a linear memory: an empty read moves
 * no byte, so it needs none, and completes at once when data exists. */
FT_TEST(channel_zero_length_read_without_memory)
{
	fx_setup();
	uint32_t gr = 0;
	uint8_t v = 1;
	flue_instance_set_memory(fx.a, NULL, NULL);
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, true, false, &gr), 0);
	FT_EQ(flue_channel_send(&ch, &v, 1), 1);
	FT_EQ(rd(fx.a, fx.u8, gr, 0, 0), PACK(FLUE_COMPLETED, 0));
	FT_FALSE(FX_READ(fx.a->poisoned));
}

/* A unit channel (a doorbell: elem 0, no buffer) counts units, and a
 * read of a unit stream moves no byte: the reference checks no pointer
 * for a stream without an element type (any value reads), and needs no
 * memory. A regression: the parked read was served only when its pointer
 * lay in memory, so these reads stayed BLOCKED for good. */
FT_TEST(unit_channel_reads_ignore_the_pointer)
{
	fx_setup();
	uint32_t gr = 0;
	FT_EQ(flue_channel_init(&ch, NULL, 0, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.unit, true, false, &gr), 0);
	FT_EQ(flue_channel_send(&ch, NULL, 3), 3);
	FT_EQ(flue_channel_send(&ch, NULL, 2), 1); /* 4 units at most */
	FT_EQ(rd(fx.a, fx.unit, gr, 0xFFFFFFF0u, 2), PACK(FLUE_COMPLETED, 2));
	flue_instance_set_memory(fx.a, NULL, NULL);
	FT_EQ(rd(fx.a, fx.unit, gr, 0xDEADBEEFu, 4), PACK(FLUE_COMPLETED, 2));
	/* Parked (nothing waits), then served by the pump. */
	flue_instance_set_memory(fx.a, &fx.a_data, &fx.a_size);
	FT_EQ(rd(fx.a, fx.unit, gr, 0xFFFFFFF0u, 1), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, ws);
	FT_EQ(flue_channel_send(&ch, NULL, 1), 1);
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_READ, gr, PACK(FLUE_COMPLETED, 1));
	FT_FALSE(FX_READ(fx.a->poisoned));
}

/* ------------------------------------------------ memory shrunk, writer */

/* flue_store_pump(): a parked guest op whose buffer left its memory is
 * not served; it stays parked until the range is back. */
FT_TEST(channel_shrunk_memory_under_parked_write_stays_parked)
{
	fx_setup();
	uint32_t gw = 0;
	uint8_t got[4] = { 0 };
	FT_EQ(flue_channel_init(&ch, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u8, false, false, &gw), 0);
	memcpy(fx.a_mem + 0x8000, "wxyz", 4);
	FT_EQ(wr(fx.a, fx.u8, gw, 0x8000, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(wr(fx.a, fx.u8, gw, 0x8000, 2), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gw, ws);
	fx.a_size = 0x100; /* the embedder shrank A's memory */
	FT_EQ(flue_channel_recv(&ch, got, 4), 4);
	FT_EQ(memcmp(got, "wxyz", 4), 0);
	flue_store_pump(&fx.store);
	FT_EQ(flue_channel_recv(&ch, got, 4), FLUE_EAGAIN);
	fx.a_size = MEM_SIZE; /* back (and room for the poll's payload) */
	EXPECT_NONE(fx.a, fx.a_mem, ws);
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_WRITE, gw, PACK(FLUE_COMPLETED, 2));
	FT_EQ(flue_channel_recv(&ch, got, 4), 2);
	FT_EQ(got[1], 'x');
}

/* -------------------------------------- guest end moved after the host */

/* flue_end_transfer(): "An undelivered notification that the writer
 * dropped moves with it (#720)"; for a channel, the writer is gone once it
 * is closed and drained. B is told once, under its own index. */
FT_TEST(channel_end_moved_after_close_is_told_once)
{
	fx_setup();
	uint32_t gr = 0, v = 77;
	FT_EQ(flue_channel_init(&ch, ring32, 4, 2), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u32, true, false, &gr), 0);
	FT_EQ(flue_channel_send(&ch, &v, 1), 1);
	flue_channel_close(&ch);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u32, ASYNC, gr, 0, 2), PACK(FLUE_COMPLETED, 1));
	FT_EQ(ld32(fx.a_mem, 0), 77u);
	(void)flue_canon_waitable_set_new(fx.b); /* B's next index is 2 */
	uint32_t br = to_b(gr, fx.u32);
	FT_EQ(br, 2);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, br, ws);
	EXPECT_EVENT(fx.b, fx.b_mem, ws, FLUE_EVENT_CODE_STREAM_READ, br, PACK(FLUE_DROPPED, 0));
	EXPECT_NONE(fx.b, fx.b_mem, ws);
}

/* The same move while the channel is open: no notification travels, and
 * the channel serves the end in its new instance. */
FT_TEST(channel_end_moved_while_open_keeps_working)
{
	fx_setup();
	uint32_t gr = 0, v[2] = { 11, 12 };
	FT_EQ(flue_channel_init(&ch, ring32, 4, 2), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, fx.u32, true, false, &gr), 0);
	uint32_t br = to_b(gr, fx.u32);
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, br, ws);
	flue_store_pump(&fx.store);
	EXPECT_NONE(fx.b, fx.b_mem, ws);
	FT_EQ(flue_canon_stream_read(fx.b, fx.u32, ASYNC, br, 32, 2), FLUE_BLOCKED);
	FT_EQ(flue_channel_send(&ch, v, 2), 2);
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.b, fx.b_mem, ws, FLUE_EVENT_CODE_STREAM_READ, br, PACK(FLUE_COMPLETED, 2));
	FT_EQ(ld32(fx.b_mem, 32), 11u);
	FT_EQ(ld32(fx.b_mem, 36), 12u);
}

FT_SUITE(cover_channel,
	 FT_CASE(channel_init_refuses_bad_geometry),
	 FT_CASE(unit_channel_reads_ignore_the_pointer),
	 FT_CASE(channel_attach_refusals_change_nothing),
	 FT_CASE(channel_send_recv_refusals),
	 FT_CASE(channel_recv_drains_then_epipe_and_other_channel_lives),
	 FT_CASE(channel_closed_guest_writer_sees_dropped),
	 FT_CASE(channel_parked_guest_write_then_close),
	 FT_CASE(channel_zero_length_ops_park_until_data_or_room),
	 FT_CASE(channel_zero_length_read_without_memory),
	 FT_CASE(channel_shrunk_memory_under_parked_write_stays_parked),
	 FT_CASE(channel_end_moved_after_close_is_told_once),
	 FT_CASE(channel_end_moved_while_open_keeps_working))
