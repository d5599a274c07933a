/*
 * #720's drop notice on flue's own ends (test_idle_drop.c has the spec's
 * cases): a host end's peer is told when the guest drops, flue_host_poll()
 * delivers the notice on an idle host end, and a closed driver channel
 * notifies the idle guest end at the next flue_store_pump() (towards the
 * guest only once its ring is drained).
 */
#include "abi_test.h"
#include <flue/channel.h>
#include <flue/host.h>

#define SR FLUE_EVENT_CODE_STREAM_READ
#define SW FLUE_EVENT_CODE_STREAM_WRITE

/* --------------------------------------------------------- host ends */

static uint8_t arena[256] __attribute__((aligned(8)));

static struct flue_instance *host(void)
{
	struct flue_instance *h = NULL;
	FT_EQ(flue_host_create(&fx.store, arena, sizeof arena, &h), 0);
	return h;
}

/* The guest drops its readable end while the host's writer is idle: the
 * host learns it from flue_host_poll (then the end is done: a write is
 * refused, a drop allowed). The other way round the guest's idle end in a
 * set gets its event. */
FT_TEST(host_end_notified)
{
	fx_setup();
	struct flue_instance *h = host();
	uint32_t r, w, gr;
	struct flue_host_outcome o;
	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), 0);
	FT_EQ(flue_end_transfer(h, r, fx.u8, fx.a, &gr), 0);
	flue_canon_stream_drop_readable(fx.a, fx.u8, gr);
	FT_EQ(flue_host_poll(h, w, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_DROPPED);
	FT_EQ(o.progress, 0);
	FT_EQ(flue_host_poll(h, w, &o), FLUE_EINVAL); /* once */
	FT_EQ(flue_host_write(h, w, arena, 1, &o), FLUE_EBUSY);
	FT_EQ(flue_host_drop(h, w), 0);

	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), 0);
	FT_EQ(flue_end_transfer(h, r, fx.u8, fx.a, &gr), 0);
	uint32_t wsa = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, wsa);
	FT_EQ(flue_host_drop(h, w), 0);
	EXPECT_EVENT(fx.a, fx.a_mem, wsa, SR, gr, PACK(FLUE_DROPPED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, wsa);
}

/* A host future writer whose reader dropped: poll reports it, and the
 * writer may then drop without having written. */
FT_TEST(host_future_writer_notified)
{
	fx_setup();
	struct flue_instance *h = host();
	uint32_t r, w, gr;
	struct flue_host_outcome o;
	FT_EQ(flue_host_future_new(h, fx.u8, &r, &w), 0);
	FT_EQ(flue_end_transfer(h, r, fx.u8, fx.a, &gr), 0);
	FT_EQ(flue_host_drop(h, w), FLUE_EBUSY);
	flue_canon_future_drop_readable(fx.a, fx.u8, gr);
	FT_EQ(flue_host_drop(h, w), FLUE_EBUSY); /* not delivered yet */
	FT_EQ(flue_host_poll(h, w, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_DROPPED);
	FT_EQ(flue_host_drop(h, w), 0);
}

/* A driver channel closed by the host: once drained, the guest's idle end
 * is told at the next pump, in its set (not before the data is read). */
static struct flue_channel chan;
static uint32_t ring[4];

FT_TEST(channel_close_notifies_idle_guest_end)
{
	fx_setup();
	uint32_t gr, v[2] = { 5, 6 };
	FT_EQ(flue_channel_init(&chan, ring, 4, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u32, true, false, &gr), 0);
	uint32_t wsa = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, wsa);
	FT_EQ(flue_channel_send(&chan, v, 2), 2);
	flue_channel_close(&chan);
	flue_store_pump(&fx.store);
	EXPECT_NONE(fx.a, fx.a_mem, wsa); /* data first */
	FT_EQ(rd(fx.a, fx.u32, gr, 0, 4), PACK(FLUE_COMPLETED, 2));
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.a, fx.a_mem, wsa, SR, gr, PACK(FLUE_DROPPED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, wsa);
	flue_store_pump(&fx.store);
	EXPECT_NONE(fx.a, fx.a_mem, wsa); /* once */
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, rd(fx.a, fx.u32, gr, 0, 4));
}

/* The other direction: the host stops reading; the guest's idle writer
 * is told. */
FT_TEST(channel_close_notifies_idle_guest_writer)
{
	fx_setup();
	uint32_t gw;
	FT_EQ(flue_channel_init(&chan, ring, 4, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u32, false, false, &gw), 0);
	uint32_t wsa = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gw, wsa);
	flue_channel_close(&chan);
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.a, fx.a_mem, wsa, SW, gw, PACK(FLUE_DROPPED, 0));
	flue_canon_waitable_join(fx.a, gw, 0);
	flue_canon_stream_drop_writable(fx.a, fx.u32, gw);
}

FT_SUITE(idle_drop_host,
	 FT_CASE(host_end_notified),
	 FT_CASE(host_future_writer_notified),
	 FT_CASE(channel_close_notifies_idle_guest_end),
	 FT_CASE(channel_close_notifies_idle_guest_writer))
