/*
 * Contracts of the object layer's public functions (issue 10): a destroyed
 * instance accepts no built-in and no host-API call (while a new instance
 * in its slot works normally), and NULL or invalid arguments are refused
 * before anything changes: host mistakes are FLUE_E* returns, guest
 * mistakes are traps. Expected values come from the Doxygen of
 * flue/store.h, flue/host.h, flue/channel.h and flue/abi.h.
 */
#include "abi_test.h"
#include <flue/channel.h>
#include <flue/host.h>

static uint8_t arena[256] __attribute__((aligned(8)));

static struct flue_instance *host(void)
{
	struct flue_instance *h = NULL;
	FT_EQ(flue_host_create(&fx.store, arena, sizeof arena, &h), 0);
	return h;
}

/* ------------------------------------------------- destroyed instances */

/* Without an executor, a destroyed instance used to take built-ins and
 * allocate objects in its dead table. */
FT_TEST(destroyed_instance_builtins_trap_without_executor)
{
	fx_setup();
	struct flue_instance *b = fx.b;
	flue_instance_destroy(b);
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_waitable_set_new(b));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_stream_new(b, fx.u8));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_future_new(b, fx.u8));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_error_context_new(b, 0, 0));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_stream_read(b, fx.u8, ASYNC, 1, 0, 1));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_waitable_set_poll(b, 1, EVP));
	/* Built-ins whose entry check is the poisoned flag alone. */
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_backpressure_inc(b));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_backpressure_dec(b));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_context_get(b, 0));
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_task_cancel(b));
	FT_EQ(FX_READ(b->backpressure), 0);
	/* The other instance is unaffected. */
	FT_EQ(flue_canon_waitable_set_new(fx.a), 1);
}

/* An instance created in the destroyed one's slot starts clean: the dead
 * one's calls left nothing in the table or the shared pool. */
FT_TEST(recreated_instance_in_the_slot_works)
{
	fx_setup();
	struct flue_instance *old = fx.b, *c = NULL;
	uint8_t old_id = FX_READ(old->id);
	flue_instance_destroy(old);
	FT_TRAPS(FLUE_TRAP_DESTROYED, flue_canon_stream_new(old, fx.u8));
	FT_EQ(flue_instance_create(&fx.store, &c), 0);
	FT_TRUE(c == old); /* the same slot */
	FT_EQ(FX_READ(c->id), old_id);
	FT_FALSE(FX_READ(c->poisoned));
	FT_EQ(FX_READ(c->trap_reason), FLUE_TRAP_NONE);
	flue_instance_set_memory(c, &fx.b_data, &fx.b_size);
	/* Its first handles are 1 and 2, and a stream to A carries data. */
	uint64_t s = flue_canon_stream_new(c, fx.u8);
	FT_EQ(lo32(s), 1);
	FT_EQ(hi32(s), 2);
	uint32_t ra = pass(c, lo32(s), fx.u8, fx.a);
	memcpy(fx.b_mem + 10, "xyz", 3);
	FT_EQ(wr(c, fx.u8, hi32(s), 10, 3), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, ra, 40, 3), PACK(FLUE_COMPLETED, 3));
	FT_TRUE(memcmp(fx.a_mem + 40, "xyz", 3) == 0);
	/* A second destroy is a no-op, not a second teardown. */
	flue_instance_destroy(old);
	flue_instance_destroy(c);
	flue_instance_destroy(c);
	FT_FALSE(FX_READ(c->live));
}

/* The host API refuses a destroyed host instance (and one that is NULL). */
FT_TEST(host_api_refuses_destroyed_host)
{
	fx_setup();
	struct flue_instance *h = host();
	uint32_t r = 0, w = 0, out = 0;
	struct flue_host_outcome o;
	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), 0);
	flue_instance_destroy(h);
	uint32_t len = FX_READ(h->len), nfree = FX_READ(h->nfree);
	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), FLUE_EINVAL);
	FT_EQ(flue_host_future_new(h, fx.u8, &r, &w), FLUE_EINVAL);
	FT_EQ(flue_host_write(h, w, arena, 1, &o), FLUE_EINVAL);
	FT_EQ(flue_host_read(h, r, arena, 1, &o), FLUE_EINVAL);
	FT_EQ(flue_host_poll(h, r, &o), FLUE_EINVAL);
	FT_EQ(flue_host_cancel(h, r, &o), FLUE_EINVAL);
	FT_EQ(flue_host_drop(h, r), FLUE_EINVAL);
	/* Nothing was added to the dead table. */
	FT_EQ(FX_READ(h->len), len);
	FT_EQ(FX_READ(h->nfree), nfree);
	/* Nor does an end move into (or out of) a destroyed instance. */
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, h, &out), FLUE_EINVAL);
	FT_EQ(flue_end_transfer(h, 1, fx.u8, fx.a, &out), FLUE_EINVAL);
	/* The end is still A's, idle. */
	FT_EQ(rd(fx.a, fx.u8, lo32(s), 0, 1), FLUE_BLOCKED);
	/* NULL instances. */
	FT_EQ(flue_host_stream_new(NULL, fx.u8, &r, &w), FLUE_EINVAL);
	FT_EQ(flue_host_read(NULL, 1, arena, 1, &o), FLUE_EINVAL);
	FT_EQ(flue_host_drop(NULL, 1), FLUE_EINVAL);
	FT_EQ(flue_end_transfer(NULL, 1, fx.u8, fx.a, &out), FLUE_EINVAL);
	FT_EQ(flue_end_transfer(fx.a, 1, fx.u8, NULL, &out), FLUE_EINVAL);
	FT_EQ(flue_host_create(NULL, arena, sizeof arena, &h), FLUE_EINVAL);
}

/* ------------------------------------------------------ invalid arguments */

static struct flue_channel chan;
static uint8_t ring[4];

FT_TEST(channel_null_arguments_are_refused)
{
	fx_setup();
	uint8_t v[2] = { 1, 2 };
	uint32_t end = 0;
	FT_EQ(flue_channel_send(NULL, v, 2), FLUE_EINVAL);
	FT_EQ(flue_channel_recv(NULL, v, 2), FLUE_EINVAL);
	flue_channel_close(NULL);  /* documented no-op */
	flue_store_pump(NULL);     /* documented no-op */
	FT_EQ(flue_channel_init(NULL, ring, 1, 4), FLUE_EINVAL);
	FT_EQ(flue_channel_init(&chan, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(NULL, fx.a, fx.u8, true, false, &end), FLUE_EINVAL);
	FT_EQ(flue_channel_attach(&chan, NULL, fx.u8, true, false, &end), FLUE_EINVAL);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u8, true, false, NULL), FLUE_EINVAL);
	FT_EQ(FX_READ(fx.a->len), 1); /* nothing was allocated */
	/* A destroyed instance gets no channel end. */
	flue_instance_destroy(fx.b);
	FT_EQ(flue_channel_attach(&chan, fx.b, fx.u8, true, false, &end), FLUE_EINVAL);
	FT_EQ(FX_READ(fx.b->len), 1);
	/* An uninitialised (zeroed) channel is refused too. */
	struct flue_channel zero;
	memset(&zero, 0, sizeof zero);
	FT_EQ(flue_channel_attach(&zero, fx.a, fx.u8, true, false, &end), FLUE_EINVAL);
	/* The channel still attaches normally afterwards. */
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u8, true, false, &end), 0);
	FT_EQ(flue_channel_send(&chan, v, 2), 2);
	FT_EQ(rd(fx.a, fx.u8, end, 0, 4), PACK(FLUE_COMPLETED, 2));
	FT_EQ(fx.a_mem[1], 2);
}

/* A memory whose base is NULL while its size says 64 KiB: every range in
 * it is outside memory (the guest's op traps), nothing is dereferenced. */
FT_TEST(null_memory_base_traps_out_of_bounds)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.b, fx.u8);
	uint32_t ra = pass(fx.b, lo32(s), fx.u8, fx.a);
	memcpy(fx.b_mem + 8, "abcd", 4);
	FT_EQ(wr(fx.b, fx.u8, hi32(s), 8, 4), FLUE_BLOCKED);
	fx.a_data = NULL; /* size stays MEM_SIZE */
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, rd(fx.a, fx.u8, ra, 100, 4));
	FT_EQ(fx.handle, ra);
	FT_TRUE(FX_READ(fx.a->poisoned));
	/* The writer's op is untouched: cancelling it reports no progress. */
	FT_EQ(flue_canon_stream_cancel_write(fx.b, fx.u8, ASYNC, hi32(s)),
	      PACK(FLUE_CANCELLED, 0));
}

FT_TEST(null_memory_base_payload_traps)
{
	fx_setup();
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	fx.a_data = NULL;
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, flue_canon_waitable_set_poll(fx.a, ws, EVP));
}

/* Memory shrunk under a parked copy (an embedder's mistake: wasm memories
 * never shrink, and the reference checks a buffer's range only when its op
 * starts): the op that would move the bytes re-resolves both ranges, and
 * traps before anything changes instead of copying from NULL. */
FT_TEST(memory_shrunk_under_parked_write_traps_the_reader)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t rb = to_b(lo32(s), fx.u8);
	memcpy(fx.a_mem + 60000, "wxyz", 4);
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 60000, 4), FLUE_BLOCKED);
	fx.a_size = 1024; /* the parked buffer is now outside A's memory */
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, rd(fx.b, fx.u8, rb, 0, 4));
	FT_EQ(fx.handle, rb);
	/* Nothing moved and A's op is still parked with no progress. */
	FT_EQ(fx.b_mem[0], 0);
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, ASYNC, hi32(s)),
	      PACK(FLUE_CANCELLED, 0));
}

/* The same for a parked read met by a writer. */
FT_TEST(memory_shrunk_under_parked_read_traps_the_writer)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u32);
	uint32_t rb = to_b(lo32(s), fx.u32);
	FT_EQ(rd(fx.b, fx.u32, rb, 60000, 2), FLUE_BLOCKED);
	fx.b_size = 4096;
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, wr(fx.a, fx.u32, hi32(s), 0, 2));
	FT_EQ(flue_canon_stream_cancel_read(fx.b, fx.u32, ASYNC, rb), PACK(FLUE_CANCELLED, 0));
}

/* A host op meeting a parked guest buffer that left memory: an error,
 * nothing changes; once the memory is back the same op completes. */
FT_TEST(memory_shrunk_under_parked_write_host_reader_gets_einval)
{
	fx_setup();
	struct flue_instance *h = host();
	struct flue_host_outcome o;
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t hr = 0;
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, h, &hr), 0);
	memcpy(fx.a_mem + 60000, "wxyz", 4);
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 60000, 4), FLUE_BLOCKED);
	fx.a_size = 1024;
	memset(arena, 0, 4);
	FT_EQ(flue_host_read(h, hr, arena, 4, &o), FLUE_EINVAL);
	FT_EQ(arena[0], 0);
	fx.a_size = MEM_SIZE;
	FT_EQ(flue_host_read(h, hr, arena, 4, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.progress, 4);
	FT_TRUE(memcmp(arena, "wxyz", 4) == 0);
}

/* A parked guest read on a driver channel whose buffer left memory: the
 * pump leaves it parked (no guest code runs there, nothing can trap) and
 * serves it once the buffer is back in memory. */
FT_TEST(memory_shrunk_under_channel_read_stays_parked)
{
	fx_setup();
	uint8_t v[3] = { 7, 8, 9 };
	uint32_t gr = 0;
	FT_EQ(flue_channel_init(&chan, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u8, true, false, &gr), 0);
	FT_EQ(rd(fx.a, fx.u8, gr, 60000, 3), FLUE_BLOCKED);
	fx.a_size = 1024;
	FT_EQ(flue_channel_send(&chan, v, 3), 3);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, gr, ws);
	fx.a_size = MEM_SIZE; /* the wait's payload is at EVP: in memory again */
	EXPECT_NONE(fx.a, fx.a_mem, ws);
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_READ, gr, PACK(FLUE_COMPLETED, 3));
	FT_TRUE(memcmp(fx.a_mem + 60000, v, 3) == 0);
}

/* An end moved between two stores would name a shared object of the
 * other store. */
FT_TEST(transfer_between_two_stores_is_refused)
{
	static struct flue_store other;
	struct flue_instance *x = NULL;
	uint32_t out = 0;
	fx_setup();
	flue_store_init(&other, NULL, NULL);
	FT_EQ(flue_instance_create(&other, &x), 0);
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t r = lo32(s);
	FT_EQ(flue_end_transfer(fx.a, r, fx.u8, x, &out), FLUE_EINVAL);
	FT_EQ(FX_READ(x->len), 1);
	/* Still A's: a write and a read rendezvous inside A. */
	memcpy(fx.a_mem, "q", 1);
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 0, 1), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, r, 8, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.a_mem[8], 'q');
}

/* A channel re-attached after its guest end was dropped starts a fresh
 * stream: the new guest never reads what was sent to the old one. */
FT_TEST(channel_reattached_after_guest_drop_is_fresh)
{
	fx_setup();
	uint8_t old[3] = { 1, 2, 3 }, fresh[2] = { 40, 41 };
	uint32_t ga = 0, gb = 0;
	FT_EQ(flue_channel_init(&chan, ring, 1, 4), 0);
	FT_EQ(flue_channel_attach(&chan, fx.a, fx.u8, true, false, &ga), 0);
	FT_EQ(flue_channel_send(&chan, old, 3), 3);
	flue_canon_stream_drop_readable(fx.a, fx.u8, ga);
	FT_EQ(flue_channel_send(&chan, old, 1), FLUE_EPIPE);
	FT_EQ(flue_channel_attach(&chan, fx.b, fx.u8, true, false, &gb), 0);
	/* Nothing buffered for B yet. */
	FT_EQ(rd(fx.b, fx.u8, gb, 0, 4), FLUE_BLOCKED);
	FT_EQ(flue_channel_send(&chan, fresh, 2), 2);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, gb, ws);
	EXPECT_EVENT(fx.b, fx.b_mem, ws, FLUE_EVENT_CODE_STREAM_READ, gb, PACK(FLUE_COMPLETED, 2));
	FT_EQ(fx.b_mem[0], 40);
	FT_EQ(fx.b_mem[1], 41);
}

FT_SUITE(contracts,
	 FT_CASE(destroyed_instance_builtins_trap_without_executor),
	 FT_CASE(recreated_instance_in_the_slot_works),
	 FT_CASE(host_api_refuses_destroyed_host),
	 FT_CASE(channel_null_arguments_are_refused),
	 FT_CASE(null_memory_base_traps_out_of_bounds),
	 FT_CASE(null_memory_base_payload_traps),
	 FT_CASE(memory_shrunk_under_parked_write_traps_the_reader),
	 FT_CASE(memory_shrunk_under_parked_read_traps_the_writer),
	 FT_CASE(memory_shrunk_under_parked_write_host_reader_gets_einval),
	 FT_CASE(memory_shrunk_under_channel_read_stays_parked),
	 FT_CASE(transfer_between_two_stores_is_refused),
	 FT_CASE(channel_reattached_after_guest_drop_is_fresh))
