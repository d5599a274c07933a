/*
 * Shared rings (flue/ring.h, issue 11 item 5): the driver side, the guest
 * built-ins and their traps, on the host. Expected values come from the
 * Doxygen of flue/ring.h and from Zephyr's ring_buf claim protocol that
 * it restates (claims are contiguous, accumulate until a finish, the rest
 * of a claim is given back).
 */
#include "abi_test.h"
#include <flue/channel.h>
#include <flue/ring.h>

#define CAP 8u
#define WIN 0x1000u /* the reader's window in A's memory (32-byte aligned) */

static struct flue_ring ring, ring2;
static uint32_t win = WIN; /* where a_get() expects the window */
static uint8_t store8[CAP * 4u] __attribute__((aligned(32)));

/* A ring of CAP u32 from a driver to guest A, A's window attached. */
static uint32_t driver_to_a(void)
{
	uint32_t comp = 0;
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &comp), 0);
	flue_abi_ring_attach(fx.a, &ring, WIN, 32);
	FT_EQ(flue_abi_ring_ready(fx.a, &ring), comp);
	return comp;
}

/* Driver: write `n` values from `v` (may need two claims at the wrap). */
static uint32_t drv_put(uint32_t v, uint32_t n)
{
	uint32_t done = 0;
	while (done < n) {
		void *slot = 0;
		int32_t k = flue_ring_put_claim(&ring, n - done, &slot);
		if (k <= 0)
			break;
		for (int32_t i = 0; i < k; i++)
			memcpy((uint8_t *)slot + 4 * i, &(uint32_t){ v + done + (uint32_t)i }, 4);
		FT_EQ(flue_ring_put_commit(&ring, (uint32_t)k), 0);
		done += (uint32_t)k;
	}
	return done;
}

/* Guest A: claim and release `n`, checking values v, v+1, ... in place. */
static void a_get(uint32_t v, uint32_t n)
{
	uint32_t done = 0;
	while (done < n) {
		uint64_t c = flue_abi_ring_claim(fx.a, &ring, n - done);
		uint32_t at = lo32(c), k = hi32(c);
		FT_TRUE(k > 0u);
		FT_TRUE(at >= win && at + 4u * k <= win + 4u * CAP); /* never past the end */
		for (uint32_t i = 0; i < k; i++)
			FT_EQ(ld32(fx.a_mem, at + 4u * i), v + done + i);
		flue_abi_ring_finish(fx.a, &ring, k);
		done += k;
	}
}

FT_TEST(ring_init_place_connect_refusals)
{
	fx_setup();
	uint32_t e = 0xAA;
	FT_EQ(flue_ring_init(NULL, 4, 8), FLUE_EINVAL);
	FT_EQ(flue_ring_init(&ring, 0, 8), FLUE_EINVAL);
	FT_EQ(flue_ring_init(&ring, 4, 6), FLUE_EINVAL);          /* not a power of two */
	FT_EQ(flue_ring_init(&ring, 4, 0), FLUE_EINVAL);
	FT_EQ(flue_ring_init(&ring, 2, 0x80000000u), FLUE_EINVAL); /* 4 GiB */
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_place(&ring, NULL), FLUE_EINVAL);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.u8, &e), FLUE_EINVAL); /* not unit */
	FT_EQ(flue_ring_connect(&ring, (enum flue_ring_role)2, fx.a, fx.unit, &e), FLUE_EINVAL);
	FT_EQ(e, 0xAA);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &e), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.b, fx.unit, &e), FLUE_EINVAL); /* held */
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_WRITER, fx.a, fx.unit, &e), FLUE_EINVAL); /* same party */
	FT_EQ(flue_ring_place(&ring, store8), 0);
	FT_EQ(flue_ring_place(&ring, store8), FLUE_EINVAL); /* has storage */
	/* The driver may not play the guest's role. */
	uint8_t out[4];
	FT_EQ(flue_ring_get_copy(&ring, out, 1), FLUE_EINVAL);
	void *slot;
	FT_EQ(flue_ring_put_claim(&ring, 0, &slot), FLUE_EINVAL);
	FT_EQ(flue_ring_put_claim(&ring, 1, NULL), FLUE_EINVAL);
}

/* Data arrives intact whatever offset the ring's indices start at: for
 * every start, 2 × CAP elements cross the physical end. */
FT_TEST(ring_wraps_at_every_offset)
{
	for (uint32_t start = 0; start < CAP; start++) {
		fx_setup();
		(void)driver_to_a();
		FT_EQ(drv_put(1000, start), start);
		a_get(1000, start);
		for (uint32_t round = 0; round < 4u; round++) {
			FT_EQ(drv_put(round * 100u, CAP / 2u + round % 3u), CAP / 2u + round % 3u);
			a_get(round * 100u, CAP / 2u + round % 3u);
		}
		FT_EQ(flue_ring_used(&ring), 0);
	}
}

/* The writer never claims what the reader has not released, and a claim
 * stops at the physical end (the next one starts at the beginning). */
FT_TEST(ring_writer_never_passes_release)
{
	fx_setup();
	(void)driver_to_a();
	FT_EQ(drv_put(0, CAP), CAP);
	void *slot = 0;
	FT_EQ(flue_ring_put_claim(&ring, 1, &slot), FLUE_EAGAIN);
	uint64_t c = flue_abi_ring_claim(fx.a, &ring, 3);
	FT_EQ(hi32(c), 3);
	FT_EQ(flue_ring_put_claim(&ring, 1, &slot), FLUE_EAGAIN); /* claimed, not released */
	flue_abi_ring_finish(fx.a, &ring, 2);                    /* release 2, give 1 back */
	FT_EQ(flue_ring_put_claim(&ring, 8, &slot), 2);
	FT_TRUE(slot == fx.a_mem + WIN);
	FT_EQ(flue_ring_put_claim(&ring, 8, &slot), FLUE_EAGAIN); /* claims accumulate */
	FT_EQ(flue_ring_put_commit(&ring, 3), FLUE_EINVAL);      /* beyond the claim */
	FT_EQ(flue_ring_put_commit(&ring, 2), 0);
	FT_EQ(flue_ring_used(&ring), CAP);
	/* The reader gets 6 (slots 2..7) before the wrap, then the 2 new. */
	c = flue_abi_ring_claim(fx.a, &ring, 8);
	FT_EQ(lo32(c), WIN + 8u);
	FT_EQ(hi32(c), 6);
	flue_abi_ring_finish(fx.a, &ring, 6);
	c = flue_abi_ring_claim(fx.a, &ring, 8);
	FT_EQ(lo32(c), WIN);
	FT_EQ(hi32(c), 2);
}

/* A reader that finds nothing reads its companion: BLOCKED; a commit
 * completes it with one unit (STREAM_READ), however many elements came. */
FT_TEST(ring_readiness_is_a_stream_read_on_the_companion)
{
	fx_setup();
	uint32_t comp = driver_to_a();
	FT_EQ(hi32(flue_abi_ring_claim(fx.a, &ring, 4)), 0);
	FT_EQ(rd(fx.a, fx.unit, comp, 0, 1), FLUE_BLOCKED);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, comp, ws);
	EXPECT_NONE(fx.a, fx.a_mem, ws);
	FT_EQ(drv_put(7, 3), 3);
	FT_EQ(drv_put(10, 1), 1);
	flue_store_pump(&fx.store);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_READ, comp, PACK(FLUE_COMPLETED, 1));
	a_get(7, 4);
	/* No unit waits now: the next read parks again. */
	FT_EQ(rd(fx.a, fx.unit, comp, 0, 1), FLUE_BLOCKED);
}

/* The driver closes: the reader drains, then CLOSED; its companion ends. */
FT_TEST(ring_driver_close_drains_then_closed)
{
	fx_setup();
	uint32_t comp = driver_to_a();
	FT_EQ(drv_put(1, 2), 2);
	flue_ring_close(&ring);
	void *slot;
	FT_EQ(flue_ring_put_claim(&ring, 1, &slot), FLUE_EPIPE); /* its own end is closed */
	/* Claiming none while data is left is not the end (regression: CLOSED). */
	FT_EQ(flue_abi_ring_claim(fx.a, &ring, 0), (uint64_t)WIN);
	a_get(1, 2);
	FT_EQ(flue_abi_ring_claim(fx.a, &ring, 4), FLUE_RING_CLOSED);
	FT_EQ(rd(fx.a, fx.unit, comp, 0, 4), PACK(FLUE_COMPLETED, 1)); /* the unit of the commit */
	FT_EQ(rd(fx.a, fx.unit, comp, 0, 4), PACK(FLUE_DROPPED, 0));
}

/* A guest writer to a driver: the driver only gets copies (one read of
 * each byte): what the guest writes into committed slots afterwards does
 * not reach what the driver validated. Releases tell the writer. */
FT_TEST(ring_guest_writer_driver_copies)
{
	fx_setup();
	uint32_t comp = 0;
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_WRITER, fx.a, fx.unit, &comp), 0);
	flue_abi_ring_attach(fx.a, &ring, WIN, 64);
	uint32_t out[CAP + 1] = { 0 };
	FT_EQ(flue_ring_get_copy(&ring, out, CAP), FLUE_EAGAIN);
	uint64_t c = flue_abi_ring_claim(fx.a, &ring, CAP + 4u);
	FT_EQ(lo32(c), WIN);
	FT_EQ(hi32(c), CAP); /* all free, never more than the capacity */
	for (uint32_t i = 0; i < CAP; i++)
		memcpy(fx.a_mem + WIN + 4u * i, &(uint32_t){ 50u + i }, 4);
	flue_abi_ring_finish(fx.a, &ring, 5);
	FT_EQ(rd(fx.a, fx.unit, comp, 0, 1), FLUE_BLOCKED);
	FT_EQ(flue_ring_get_copy(&ring, out, 3), 3);
	fx.a_mem[WIN] = 0xEE; /* the guest rewrites a slot the driver copied */
	FT_EQ(out[0], 50);
	FT_EQ(out[2], 52);
	flue_store_pump(&fx.store);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, comp, ws);
	EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_READ, comp, PACK(FLUE_COMPLETED, 1));
	FT_EQ(flue_ring_get_copy(&ring, out, CAP), 2);
	FT_EQ(out[1], 54);
	/* The writer's next claim wraps: 3 slots before the end, then 5. */
	c = flue_abi_ring_claim(fx.a, &ring, CAP);
	FT_EQ(lo32(c), WIN + 20u);
	FT_EQ(hi32(c), 3);
	/* The writer drops its companion: it left; the driver drains, then EPIPE. */
	flue_abi_ring_finish(fx.a, &ring, 1);
	flue_canon_waitable_join(fx.a, comp, 0);
	flue_canon_stream_drop_readable(fx.a, fx.unit, comp);
	FT_EQ(flue_ring_get_copy(&ring, out, CAP), 1);
	FT_EQ(flue_ring_get_copy(&ring, out, CAP), FLUE_EPIPE);
}

/* The built-ins' traps, each leaving the ring as it was. */
FT_TEST(ring_guest_traps)
{
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	uint32_t comp;
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &comp), 0);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_claim(fx.b, &ring, 1)); /* not its guest */
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_claim(fx.a, &ring, 1)); /* no storage */
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &comp), 0);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_attach(fx.a, &ring, WIN, 16));  /* < 32 */
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &comp), 0);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_attach(fx.a, &ring, WIN, 48));  /* not 2^k */
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &comp), 0);
	FT_TRAPS(FLUE_TRAP_MISALIGNED, flue_abi_ring_attach(fx.a, &ring, WIN + 32u, 64));
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &comp), 0);
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, flue_abi_ring_attach(fx.a, &ring, MEM_SIZE, 32));
	/* Two windows of one guest may not overlap (Gale's mem_domain). */
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_init(&ring2, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &comp), 0);
	FT_EQ(flue_ring_connect(&ring2, FLUE_RING_WRITER, fx.a, fx.unit, &comp), 0);
	flue_abi_ring_attach(fx.a, &ring, WIN, 64);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_attach(fx.a, &ring2, WIN + 32u, 32));
	FT_TRUE(ring2.window_inst == NULL);
	/* Between two guests no one attaches a window: the storage is placed. */
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_WRITER, fx.a, fx.unit, &comp), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.b, fx.unit, &comp), 0);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_attach(fx.a, &ring, WIN, 32));
	FT_TRUE(ring.window_inst == NULL);
	/* Finishing beyond the claim. */
	fx_setup();
	(void)driver_to_a();
	FT_EQ(drv_put(1, 4), 4);
	FT_EQ(hi32(flue_abi_ring_claim(fx.a, &ring, 2)), 2);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_finish(fx.a, &ring, 3));
	FT_EQ(flue_ring_used(&ring), 4);
	FT_TRAPS(FLUE_TRAP_POISONED, flue_abi_ring_claim(fx.a, &ring, 1));
}

/* A guest that left the ring (its companion end dropped, or its instance
 * destroyed) is no longer one of the ring's guests: its claim, finish and
 * ready trap, and so do a new instance's in the destroyed one's slot, which
 * never connected (regression: both still reached the ring). */
FT_TEST(ring_guest_that_left_is_not_its_guest)
{
	fx_setup();
	uint32_t comp = driver_to_a();
	FT_EQ(drv_put(1, 2), 2);
	flue_canon_stream_drop_readable(fx.a, fx.unit, comp);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_claim(fx.a, &ring, 1));
	fx_setup();
	(void)driver_to_a();
	FT_EQ(drv_put(1, 2), 2);
	FT_EQ(hi32(flue_abi_ring_claim(fx.a, &ring, 1)), 1);
	flue_canon_stream_drop_readable(fx.a, fx.unit, flue_abi_ring_ready(fx.a, &ring));
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_finish(fx.a, &ring, 1));
	fx_setup();
	(void)driver_to_a();
	struct flue_instance *old = fx.a, *c = NULL;
	flue_instance_destroy(fx.a);
	FT_EQ(flue_instance_create(&fx.store, &c), 0);
	FT_TRUE(c == old); /* the slot again: the same record */
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_claim(c, &ring, 1));
	/* Destroyed after passing its companion on (which stays open in B):
	 * gone all the same, for its slot's new instance and for the driver. */
	fx_setup();
	comp = driver_to_a();
	(void)to_b(comp, fx.unit);
	old = fx.a;
	flue_instance_destroy(fx.a);
	FT_EQ(flue_instance_create(&fx.store, &c), 0);
	FT_TRUE(c == old);
	void *slot;
	FT_EQ(flue_ring_put_claim(&ring, 1, &slot), FLUE_EPIPE);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_claim(c, &ring, 1));
}

/* ready names the companion the guest holds: once it passed it on, ready
 * traps instead of naming a slot that is no longer it (regression: a stale
 * index). */
FT_TEST(ring_ready_after_passing_the_companion_on_traps)
{
	fx_setup();
	uint32_t comp = driver_to_a();
	uint32_t in_b = to_b(comp, fx.unit);
	FT_TRAPS(FLUE_TRAP_RING, flue_abi_ring_ready(fx.a, &ring));
	(void)in_b;
}

/* A fresh store; a ring of CAP u32 on placed storage from guest A to
 * guest B; their companions. */
static void a_to_b(uint32_t *cw, uint32_t *cr)
{
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_place(&ring, store8), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_WRITER, fx.a, fx.unit, cw), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.b, fx.unit, cr), 0);
}

/* Two guests on placed storage: A writes, B reads; A leaves and B drains,
 * then sees the ring end (CLOSED, its companion DROPPED). Between two
 * guests the companions do not keep the executor waiting. */
FT_TEST(ring_between_two_guests)
{
	uint32_t cw, cr;
	a_to_b(&cw, &cr);
	uint64_t c = flue_abi_ring_claim(fx.a, &ring, 3);
	FT_EQ(lo32(c), 0); /* offsets in the ring memory */
	memcpy(store8, "abcdefghijkl", 12);
	flue_abi_ring_finish(fx.a, &ring, 3);
	FT_EQ(rd(fx.b, fx.unit, cr, 0, 1), PACK(FLUE_COMPLETED, 1));
	c = flue_abi_ring_claim(fx.b, &ring, 8);
	FT_EQ(hi32(c), 3);
	FT_EQ(memcmp(store8 + lo32(c), "abcdefghijkl", 12), 0);
	flue_abi_ring_finish(fx.b, &ring, 3);
	FT_EQ(rd(fx.a, fx.unit, cw, 0, 1), PACK(FLUE_COMPLETED, 1)); /* room again */
	FT_EQ(hi32(flue_abi_ring_claim(fx.a, &ring, 1)), 1);
	flue_abi_ring_finish(fx.a, &ring, 1);
	flue_canon_stream_drop_readable(fx.a, fx.unit, cw); /* the writer leaves */
	FT_EQ(hi32(flue_abi_ring_claim(fx.b, &ring, 8)), 1);
	flue_abi_ring_finish(fx.b, &ring, 1);
	FT_EQ(flue_abi_ring_claim(fx.b, &ring, 8), FLUE_RING_CLOSED);
	FT_EQ(rd(fx.b, fx.unit, cr, 0, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(rd(fx.b, fx.unit, cr, 0, 1), PACK(FLUE_DROPPED, 0));
}

/* Between two guests the ring ends for good when one leaves; the other's
 * claim in flight stays valid: finishing it after the peer came back is
 * not a trap (regression: the peer's restart zeroed the indices under it,
 * so the finish failed its check and trapped the writer). The indices
 * stay: the returning reader drains what was committed, then CLOSED. */
FT_TEST(ring_peer_restart_keeps_a_claim_in_flight)
{
	uint32_t cw, cr;
	a_to_b(&cw, &cr);
	FT_EQ(hi32(flue_abi_ring_claim(fx.a, &ring, 2)), 2);
	flue_canon_stream_drop_readable(fx.b, fx.unit, cr); /* the reader leaves */
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.b, fx.unit, &cr), 0);
	flue_abi_ring_finish(fx.a, &ring, 2);
	FT_FALSE(FX_READ(fx.a->poisoned));
	FT_EQ(flue_abi_ring_claim(fx.a, &ring, 1), FLUE_RING_CLOSED);
	/* The new reader drains what was committed, then sees the end. */
	FT_EQ(hi32(flue_abi_ring_claim(fx.b, &ring, 8)), 2);
	flue_abi_ring_finish(fx.b, &ring, 2);
	FT_EQ(flue_abi_ring_claim(fx.b, &ring, 8), FLUE_RING_CLOSED);
}

/* A guest that comes back (a restart: its old companion end gone) starts
 * the ring afresh with a driver: indices zero, its window forgotten. */
FT_TEST(ring_reconnect_after_the_guest_left)
{
	fx_setup();
	uint32_t comp = driver_to_a();
	FT_EQ(drv_put(1, 3), 3);
	uint32_t again;
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &again), FLUE_EINVAL);
	flue_canon_stream_drop_readable(fx.a, fx.unit, comp);
	void *slot;
	FT_EQ(flue_ring_put_claim(&ring, 1, &slot), FLUE_EPIPE);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, &again), 0);
	FT_EQ(flue_ring_used(&ring), 0);
	FT_EQ(flue_ring_put_claim(&ring, 1, &slot), FLUE_EINVAL); /* no window yet */
	flue_abi_ring_attach(fx.a, &ring, WIN + 64u, 32);
	FT_EQ(drv_put(9, 2), 2);
	win = WIN + 64u;
	a_get(9, 2);
	win = WIN;
	FT_EQ(flue_abi_ring_ready(fx.a, &ring), again);
}

/* Edges the other cases leave: a ring between two drivers (placed, no
 * guest: the driver's own close ends it), every refusal of the driver
 * side, copy-out in two parts across the end, a writer guest whose reader
 * driver closed, zero-length finishes, the reconnect of a guest whose peer
 * is a guest (the ring stays ended), and NULL where it is a no-op. */
FT_TEST(ring_edges)
{
	fx_setup();
	uint32_t out[CAP], comp, c2;
	void *slot;
	FT_EQ(flue_ring_place(NULL, store8), FLUE_EINVAL);
	struct flue_ring raw = { 0 };
	FT_EQ(flue_ring_place(&raw, store8), FLUE_EINVAL); /* not initialised */
	FT_EQ(flue_ring_connect(&raw, FLUE_RING_READER, fx.a, fx.unit, &comp), FLUE_EINVAL);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.a, fx.unit, NULL), FLUE_EINVAL);
	FT_EQ(flue_ring_put_claim(&raw, 1, &slot), FLUE_EINVAL);
	FT_EQ(flue_ring_put_commit(NULL, 1), FLUE_EINVAL);
	FT_EQ(flue_ring_get_copy(NULL, out, 1), FLUE_EINVAL);
	FT_EQ(flue_ring_get_copy(&ring, NULL, 1), FLUE_EINVAL);
	FT_EQ(flue_ring_get_copy(&ring, out, 0), FLUE_EINVAL);
	flue_ring_close(NULL);
	FT_EQ(flue_ring_used(NULL), 0);
	/* Two drivers on placed storage: copy-out crosses the end in two parts. */
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_get_copy(&ring, out, 1), FLUE_EINVAL); /* no storage yet */
	FT_EQ(flue_ring_put_commit(&ring, 0), FLUE_EINVAL);
	FT_EQ(flue_ring_place(&ring, store8), 0);
	FT_EQ(flue_ring_put_claim(&ring, 6, &slot), 6);
	FT_EQ(flue_ring_put_commit(&ring, 6), 0);
	FT_EQ(flue_ring_get_copy(&ring, out, 5), 5);
	FT_EQ(flue_ring_put_claim(&ring, 8, &slot), 2); /* to the end */
	memcpy(slot, (uint32_t[]){ 70, 71 }, 8);
	FT_EQ(flue_ring_put_commit(&ring, 2), 0);
	FT_EQ(flue_ring_put_claim(&ring, 8, &slot), 5); /* from the start */
	memcpy(slot, (uint32_t[]){ 72 }, 4);
	FT_EQ(flue_ring_put_commit(&ring, 1), 0);
	FT_EQ(flue_ring_get_copy(&ring, out, 8), 4); /* 1 old + 70, 71 | 72 */
	FT_EQ(out[1], 70);
	FT_EQ(out[3], 72);
	FT_EQ(flue_ring_get_copy(&ring, out, 8), FLUE_EAGAIN);
	flue_ring_close(&ring);
	FT_EQ(flue_ring_get_copy(&ring, out, 8), FLUE_EPIPE);
	/* Sizes are checked before alignment (the trap order). Then a guest
	 * writer whose driver reader closed: CLOSED at once. */
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_WRITER, fx.a, fx.unit, &comp), 0);
	FT_TRAPS(FLUE_TRAP_MISALIGNED, flue_abi_ring_attach(fx.a, &ring, WIN, 16 * 1024 * 1024));
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_WRITER, fx.a, fx.unit, &comp), 0);
	flue_abi_ring_attach(fx.a, &ring, WIN, 32);
	flue_abi_ring_finish(fx.a, &ring, 0); /* nothing claimed, nothing told */
	flue_ring_close(&ring);
	FT_EQ(flue_abi_ring_claim(fx.a, &ring, 1), FLUE_RING_CLOSED);
	/* Between two guests: the reader leaves and comes back; the ring
	 * stays ended for both (its writer was told). */
	fx_setup();
	FT_EQ(flue_ring_init(&ring, 4, CAP), 0);
	FT_EQ(flue_ring_place(&ring, store8), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_WRITER, fx.a, fx.unit, &comp), 0);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.b, fx.unit, &c2), 0);
	flue_canon_stream_drop_readable(fx.b, fx.unit, c2);
	FT_EQ(flue_abi_ring_claim(fx.a, &ring, 1), FLUE_RING_CLOSED);
	FT_EQ(flue_ring_connect(&ring, FLUE_RING_READER, fx.b, fx.unit, &c2), 0);
	FT_EQ(flue_abi_ring_claim(fx.b, &ring, 1), FLUE_RING_CLOSED);
	FT_EQ(flue_abi_ring_claim(fx.a, &ring, 1), FLUE_RING_CLOSED);
}

FT_SUITE(ring,
	 FT_CASE(ring_init_place_connect_refusals),
	 FT_CASE(ring_wraps_at_every_offset),
	 FT_CASE(ring_writer_never_passes_release),
	 FT_CASE(ring_readiness_is_a_stream_read_on_the_companion),
	 FT_CASE(ring_driver_close_drains_then_closed),
	 FT_CASE(ring_guest_writer_driver_copies),
	 FT_CASE(ring_guest_traps), FT_CASE(ring_guest_that_left_is_not_its_guest),
	 FT_CASE(ring_ready_after_passing_the_companion_on_traps),
	 FT_CASE(ring_between_two_guests),
	 FT_CASE(ring_peer_restart_keeps_a_claim_in_flight),
	 FT_CASE(ring_reconnect_after_the_guest_left),
	 FT_CASE(ring_edges))
