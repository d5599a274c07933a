/*
 * Host ends: the rendezvous form (the reference's HostSource / HostSink
 * patterns, run_tests.py test_host_partial_reads_writes and
 * test_receive_own_stream) and the typed driver channel, fed from a second
 * POSIX thread.
 */
#include <pthread.h>

#include "abi_test.h"
#include <flue/channel.h>
#include <flue/host.h>
#include <flue/port.h>
#include <sched.h>

static uint8_t arena[4096] __attribute__((aligned(8)));

static struct flue_instance *host(void)
{
	struct flue_instance *h = NULL;
	FT_EQ(flue_host_create(&fx.store, arena, sizeof arena, &h), 0);
	return h;
}

/* Host writes 2-element chunks into a guest's 4-element read. */
FT_TEST(host_partial_writes_into_guest_read)
{
	fx_setup();
	struct flue_instance *h = host();
	uint32_t r, w, gr;
	struct flue_host_outcome o;
	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), 0);
	FT_EQ(flue_end_transfer(h, r, fx.u8, fx.a, &gr), 0);
	FT_EQ(gr, 1); /* the guest's first handle */
	memcpy(arena, "abcdef", 6);
	FT_EQ(flue_host_write(h, w, arena, 2, &o), 0);
	FT_FALSE(o.done); /* no reader yet: BLOCKED */
	FT_EQ(flue_canon_stream_read(fx.a, fx.u8, FLUE_OPT_ASYNC, gr, 100, 4), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.a_mem + 100, "ab", 2) == 0);
	FT_EQ(flue_host_poll(h, w, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_COMPLETED);
	FT_EQ(o.progress, 2);
	/* Guest reads first this time: BLOCKED, then the host's write fills 2. */
	FT_EQ(flue_canon_stream_read(fx.a, fx.u8, FLUE_OPT_ASYNC, gr, 100, 4), FLUE_BLOCKED);
	FT_EQ(flue_host_write(h, w, arena + 2, 2, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.progress, 2);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, ws);
	FT_EQ(flue_canon_waitable_set_poll(fx.a, ws, 16), FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(ld32(fx.a_mem, 16), gr);
	FT_EQ(ld32(fx.a_mem, 20), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.a_mem + 100, "cd", 2) == 0);
	/* Host drops its writer: the guest's next read is DROPPED at once. */
	FT_EQ(flue_host_drop(h, w), 0);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u8, FLUE_OPT_ASYNC, gr, 100, 4), PACK(FLUE_DROPPED, 0));
}

/* A guest write of 6 into a host sink that takes 2 at a time. */
FT_TEST(guest_write_met_by_host_reads)
{
	fx_setup();
	struct flue_instance *h = host();
	uint32_t r, w;
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	struct flue_host_outcome o;
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, h, &r), 0);
	w = hi32(s);
	memcpy(fx.a_mem + 200, "123456", 6);
	FT_EQ(flue_canon_stream_write(fx.a, fx.u8, FLUE_OPT_ASYNC, w, 200, 6), FLUE_BLOCKED);
	FT_EQ(flue_host_read(h, r, arena, 2, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.progress, 2);
	FT_EQ(flue_host_read(h, r, arena + 2, 2, &o), 0);
	FT_EQ(o.progress, 2);
	FT_TRUE(memcmp(arena, "1234", 4) == 0);
	/* The writer's one event reports the cumulative progress and reclaims
	 * its buffer: "56" is never sent. */
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, w, ws);
	FT_EQ(flue_canon_waitable_set_poll(fx.a, ws, 16), FLUE_EVENT_CODE_STREAM_WRITE);
	FT_EQ(ld32(fx.a_mem, 20), PACK(FLUE_COMPLETED, 4));
	FT_EQ(flue_host_read(h, r, arena, 2, &o), 0);
	FT_FALSE(o.done); /* nothing pending any more */
	FT_EQ(flue_host_cancel(h, r, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_CANCELLED);
}

/* test_receive_own_stream: an end handed away and back reuses its index. */
FT_TEST(own_readable_end_comes_back_at_the_same_index)
{
	fx_setup();
	struct flue_instance *h = host();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t hr, back;
	FT_EQ(flue_canon_stream_write(fx.a, fx.u8, FLUE_OPT_ASYNC, hi32(s), 0, 4), FLUE_BLOCKED);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, h, &hr), 0);
	FT_EQ(flue_end_transfer(h, hr, fx.u8, fx.a, &back), 0);
	FT_EQ(back, lo32(s));
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, hi32(s)), PACK(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_readable(fx.a, fx.u8, back);
	flue_canon_stream_drop_writable(fx.a, fx.u8, hi32(s));
}

FT_TEST(transfer_rules)
{
	fx_setup();
	struct flue_instance *h = host();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t out, ws = flue_canon_waitable_set_new(fx.a);
	FT_EQ(flue_end_transfer(fx.a, hi32(s), fx.u8, h, &out), FLUE_EBADF); /* writable */
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u32, h, &out), FLUE_EBADF); /* type */
	flue_canon_waitable_join(fx.a, lo32(s), ws);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, h, &out), FLUE_EBUSY); /* in a set */
	flue_canon_waitable_join(fx.a, lo32(s), 0);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u8, FLUE_OPT_ASYNC, lo32(s), 0, 1), FLUE_BLOCKED);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, h, &out), FLUE_EBUSY); /* not idle */
}

FT_TEST(host_future_round_trip)
{
	fx_setup();
	struct flue_instance *h = host();
	uint32_t r, w, gr;
	struct flue_host_outcome o;
	FT_EQ(flue_host_future_new(h, fx.u32, &r, &w), 0);
	FT_EQ(flue_end_transfer(h, r, fx.u32, fx.a, &gr), 0);
	FT_EQ(flue_host_drop(h, w), FLUE_EBUSY); /* must write first */
	FT_EQ(flue_canon_future_read(fx.a, fx.u32, FLUE_OPT_ASYNC, gr, 64), FLUE_BLOCKED);
	arena[0] = 0x78; arena[1] = 0x56; arena[2] = 0x34; arena[3] = 0x12;
	FT_EQ(flue_host_write(h, w, arena, 1, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_COMPLETED);
	FT_EQ(ld32(fx.a_mem, 64), 0x12345678u);
	/* cancel-read after the value arrived returns COMPLETED, not CANCELLED */
	FT_EQ(flue_canon_future_cancel_read(fx.a, fx.u32, 0, gr), FLUE_COMPLETED);
	FT_EQ(flue_host_drop(h, w), 0);
	flue_canon_future_drop_readable(fx.a, fx.u32, gr);
}

FT_TEST(host_misuse_returns_errors)
{
	fx_setup();
	struct flue_instance *h = host();
	uint32_t r, w;
	struct flue_host_outcome o;
	uint8_t outside[4];
	FT_EQ(flue_host_stream_new(h, fx.u32, &r, &w), 0);
	FT_EQ(flue_host_write(h, r, arena, 1, &o), FLUE_EBADF);
	FT_EQ(flue_host_write(h, w, outside, 1, &o), FLUE_EINVAL);
	FT_EQ(flue_host_write(h, w, arena + 1, 1, &o), FLUE_EINVAL); /* misaligned u32 */
	FT_EQ(flue_host_write(h, w, arena, 1, &o), 0);
	FT_EQ(flue_host_write(h, w, arena, 1, &o), FLUE_EBUSY);
	FT_EQ(flue_host_drop(h, w), FLUE_EBUSY);
	FT_EQ(flue_host_poll(h, r, &o), FLUE_EINVAL);
	FT_FALSE(FX_READ(h->poisoned));
}

/* ------------------------------------------------------------- channel */

static struct flue_channel chan;
static uint32_t ring[4];

FT_TEST(channel_to_guest_buffers_and_drains_before_eof)
{
	fx_setup();
	uint32_t gr, v[6] = { 1, 2, 3, 4, 5, 6 };
	FT_EQ(flue_channel_init(&chan, ring, 4, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u32, true, false, &gr), 0);
	FT_EQ(gr, 1);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u32, FLUE_OPT_ASYNC, gr, 0, 2), FLUE_BLOCKED);
	FT_EQ(flue_channel_send(&chan, v, 6), 4); /* capacity 4 */
	FT_EQ(flue_channel_send(&chan, v, 1), FLUE_EAGAIN);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, ws);
	FT_EQ(flue_canon_waitable_set_poll(fx.a, ws, 16), FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(ld32(fx.a_mem, 20), PACK(FLUE_COMPLETED, 2));
	FT_EQ(ld32(fx.a_mem, 0), 1);
	FT_EQ(ld32(fx.a_mem, 4), 2);
	flue_channel_close(&chan);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u32, FLUE_OPT_ASYNC, gr, 0, 8), PACK(FLUE_COMPLETED, 2));
	FT_EQ(ld32(fx.a_mem, 4), 4);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u32, FLUE_OPT_ASYNC, gr, 0, 8), PACK(FLUE_DROPPED, 0));
	flue_canon_waitable_join(fx.a, gr, 0);
	flue_canon_stream_drop_readable(fx.a, fx.u32, gr);
}

FT_TEST(channel_from_guest_and_guest_drop)
{
	fx_setup();
	uint32_t gw, got[4] = { 0 };
	FT_EQ(flue_channel_init(&chan, ring, 4, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u32, false, false, &gw), 0);
	for (uint32_t i = 0; i < 6; i++)
		fx.a_mem[i * 4] = (uint8_t)(10 + i);
	FT_EQ(flue_canon_stream_write(fx.a, fx.u32, FLUE_OPT_ASYNC, gw, 0, 6), PACK(FLUE_COMPLETED, 4));
	FT_EQ(flue_canon_stream_write(fx.a, fx.u32, FLUE_OPT_ASYNC, gw, 16, 2), FLUE_BLOCKED);
	FT_EQ(flue_channel_recv(&chan, got, 4), 4);
	FT_EQ(got[0], 10);
	FT_EQ(got[3], 13);
	flue_store_pump(&fx.store); /* room again: the parked write completes */
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gw, ws);
	FT_EQ(flue_canon_waitable_set_poll(fx.a, ws, 32), FLUE_EVENT_CODE_STREAM_WRITE);
	FT_EQ(ld32(fx.a_mem, 36), PACK(FLUE_COMPLETED, 2));
	flue_canon_waitable_join(fx.a, gw, 0);
	flue_canon_stream_drop_writable(fx.a, fx.u32, gw);
	FT_EQ(flue_channel_recv(&chan, got, 4), 2);
	FT_EQ(got[0], 14);
	FT_EQ(flue_channel_recv(&chan, got, 4), FLUE_EPIPE);
}

FT_TEST(channel_future_completed_by_driver)
{
	fx_setup();
	uint32_t gr, one[1], val = 0xCAFEu;
	FT_EQ(flue_channel_init(&chan, one, 4, 1), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u32, true, true, &gr), 0);
	FT_EQ(flue_canon_future_read(fx.a, fx.u32, FLUE_OPT_ASYNC, gr, 8), FLUE_BLOCKED);
	FT_EQ(flue_channel_send(&chan, &val, 1), 1);
	flue_store_pump(&fx.store);
	FT_EQ(flue_canon_future_cancel_read(fx.a, fx.u32, 0, gr), FLUE_COMPLETED);
	FT_EQ(ld32(fx.a_mem, 8), 0xCAFEu);
}

/* A producer thread feeds 1000 values through a 4-slot channel while the
 * test thread, as the executor, reads them in order. */
#define N_VALUES 1000u
static void *producer(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < N_VALUES;) {
		int32_t rc = flue_channel_send(&chan, &i, 1);
		if (rc == 1)
			i++;
		else
			sched_yield();
	}
	flue_channel_close(&chan);
	return NULL;
}

FT_TEST(channel_fed_from_a_second_thread)
{
	fx_setup();
	uint32_t gr, expect = 0;
	pthread_t th;
	FT_EQ(flue_channel_init(&chan, ring, 4, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u32, true, false, &gr), 0);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	FT_EQ(pthread_create(&th, NULL, producer, NULL), 0);
	for (;;) {
		uint32_t rc = flue_canon_stream_read(fx.a, fx.u32, FLUE_OPT_ASYNC, gr, 0, 3);
		if (rc == FLUE_BLOCKED) {
			flue_canon_waitable_join(fx.a, gr, ws);
			while (flue_canon_waitable_set_poll(fx.a, ws, 64) == FLUE_EVENT_CODE_NONE) {
				flue_port_idle(); /* sleep until the producer wakes us */
				flue_store_pump(&fx.store);
			}
			flue_canon_waitable_join(fx.a, gr, 0);
			rc = ld32(fx.a_mem, 68);
		}
		uint32_t n = rc >> 4;
		for (uint32_t i = 0; i < n; i++)
			FT_EQ(ld32(fx.a_mem, 4 * i), expect++);
		if ((rc & 0xFu) == FLUE_DROPPED)
			break;
	}
	FT_EQ(pthread_join(th, NULL), 0);
	FT_EQ(expect, N_VALUES);
}

FLUE_CHANNEL_DEFINE(defined_chan, uint32_t, 2);

FT_TEST(channel_define_is_ready_to_use)
{
	fx_setup();
	uint32_t gr, v[3] = { 7, 8, 9 };
	FT_EQ(flue_channel_attach(&defined_chan, fx.a, fx.u32, true, false, &gr), 0);
	FT_EQ(flue_channel_send(&defined_chan, v, 3), 2); /* capacity 2 */
	FT_EQ(flue_canon_stream_read(fx.a, fx.u32, FLUE_OPT_ASYNC, gr, 0, 4), PACK(FLUE_COMPLETED, 2));
	FT_EQ(ld32(fx.a_mem, 4), 8);
}

FT_SUITE(host,
	 FT_CASE(channel_define_is_ready_to_use),
	 FT_CASE(host_partial_writes_into_guest_read),
	 FT_CASE(guest_write_met_by_host_reads),
	 FT_CASE(own_readable_end_comes_back_at_the_same_index),
	 FT_CASE(transfer_rules),
	 FT_CASE(host_future_round_trip),
	 FT_CASE(host_misuse_returns_errors),
	 FT_CASE(channel_to_guest_buffers_and_drains_before_eof),
	 FT_CASE(channel_from_guest_and_guest_drop),
	 FT_CASE(channel_future_completed_by_driver),
	 FT_CASE(channel_fed_from_a_second_thread))
