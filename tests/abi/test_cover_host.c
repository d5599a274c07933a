/*
 * Host ends (flue/host.h), the refusals no other suite drives (issue 10,
 * coverage of src/obj/host.c): every misuse is an error return that
 * changes nothing, never a trap. Expected values come from the Doxygen of
 * flue/host.h.
 */
#include "abi_test.h"
#include <flue/host.h>

/* The arena is the middle of `space`, so that buffers just below and just
 * above it exist (comparing them with the arena is well defined). */
static uint8_t space[768] __attribute__((aligned(8)));
#define ARENA (space + 256)
#define ARENA_SIZE 256u

static struct flue_instance *host(void)
{
	struct flue_instance *h = NULL;
	FT_EQ(flue_host_create(&fx.store, ARENA, ARENA_SIZE, &h), 0);
	return h;
}

FT_TEST(host_create_and_new_refuse_bad_arguments)
{
	fx_setup();
	struct flue_instance *h = NULL;
	uint32_t r = 0, w = 0;
	FT_EQ(flue_host_create(&fx.store, NULL, ARENA_SIZE, &h), FLUE_EINVAL);
	FT_EQ(flue_host_create(&fx.store, ARENA, ARENA_SIZE, NULL), FLUE_EINVAL);
	FT_TRUE(h == NULL);
	h = host();
	FT_EQ(flue_host_stream_new(h, 0, &r, &w), FLUE_EINVAL);
	FT_EQ(flue_host_stream_new(h, 99, &r, &w), FLUE_EINVAL);
	FT_EQ(flue_host_future_new(h, fx.u8, NULL, &w), FLUE_EINVAL);
	FT_EQ(flue_host_future_new(h, fx.u8, &r, NULL), FLUE_EINVAL);
	FT_EQ(FX_READ(h->len), 1); /* nothing allocated */
	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), 0);
	FT_EQ(r, 1);
	FT_EQ(w, 2);
}

/* Read/write: EBADF for what is not an end of the right direction, EINVAL
 * for a NULL out, n > 2^28-1 or a buffer not inside the arena. */
FT_TEST(host_copy_refusals_change_nothing)
{
	fx_setup();
	struct flue_instance *h = host();
	struct flue_host_outcome o;
	uint32_t r = 0, w = 0;
	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), 0);
	uint32_t set = flue_canon_waitable_set_new(h);
	FT_EQ(flue_host_read(h, r, ARENA, 1, NULL), FLUE_EINVAL);
	FT_EQ(flue_host_write(h, w, ARENA, 1, NULL), FLUE_EINVAL);
	FT_EQ(flue_host_read(h, 0, ARENA, 1, &o), FLUE_EBADF);
	FT_EQ(flue_host_read(h, 40, ARENA, 1, &o), FLUE_EBADF);
	FT_EQ(flue_host_read(h, set, ARENA, 1, &o), FLUE_EBADF);
	FT_EQ(flue_host_read(h, w, ARENA, 1, &o), FLUE_EBADF);
	FT_EQ(flue_host_read(h, r, ARENA, 1u << 28, &o), FLUE_EINVAL);
	FT_EQ(flue_host_read(h, r, space, 1, &o), FLUE_EINVAL);              /* below */
	FT_EQ(flue_host_read(h, r, space + 600, 1, &o), FLUE_EINVAL);        /* above */
	FT_EQ(flue_host_read(h, r, ARENA + ARENA_SIZE - 2, 4, &o), FLUE_EINVAL); /* straddles */
	FT_EQ(flue_host_read(h, r, ARENA + ARENA_SIZE, 1, &o), FLUE_EINVAL);
	/* Nothing changed: the end is idle and both ops still work. */
	FT_EQ(flue_host_read(h, r, ARENA + ARENA_SIZE - 2, 2, &o), 0);
	FT_FALSE(o.done);
	ARENA[0] = 7;
	ARENA[1] = 8;
	FT_EQ(flue_host_write(h, w, ARENA, 2, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_COMPLETED);
	FT_EQ(o.progress, 2);
	FT_EQ(flue_host_poll(h, r, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.progress, 2);
	FT_EQ(ARENA[ARENA_SIZE - 2], 7);
	FT_EQ(ARENA[ARENA_SIZE - 1], 8);
	FT_FALSE(FX_READ(h->poisoned));
}

/* "exactly one for a future end (n ignored)": even an n no stream op may
 * use. A number type may rendezvous within one instance. */
FT_TEST(host_future_ignores_n)
{
	fx_setup();
	struct flue_instance *h = host();
	struct flue_host_outcome o;
	uint32_t r = 0, w = 0;
	FT_EQ(flue_host_future_new(h, fx.u32, &r, &w), 0);
	ARENA[0] = 0x44;
	ARENA[1] = 0x33;
	ARENA[2] = 0x22;
	ARENA[3] = 0x11;
	FT_EQ(flue_host_write(h, w, ARENA, 0xFFFFFFFFu, &o), 0);
	FT_FALSE(o.done);
	FT_EQ(flue_host_read(h, r, ARENA + 8, 0, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_COMPLETED);
	FT_EQ(o.progress, 1);
	FT_EQ(ld32(ARENA, 8), 0x11223344u);
	FT_EQ(flue_host_poll(h, w, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_COMPLETED);
	FT_EQ(o.progress, 1);
	FT_EQ(flue_host_drop(h, w), 0); /* written: may be dropped */
	FT_EQ(flue_host_drop(h, r), 0);
}

/* Poll, cancel and drop: EINVAL for a NULL out, EBADF for a handle that
 * is not a stream/future end, EINVAL for a cancel with no op in progress. */
FT_TEST(host_poll_cancel_drop_refusals)
{
	fx_setup();
	struct flue_instance *h = host();
	struct flue_host_outcome o;
	uint32_t r = 0, w = 0;
	FT_EQ(flue_host_stream_new(h, fx.u8, &r, &w), 0);
	uint32_t set = flue_canon_waitable_set_new(h);
	FT_EQ(flue_host_poll(h, r, NULL), FLUE_EINVAL);
	FT_EQ(flue_host_cancel(h, r, NULL), FLUE_EINVAL);
	FT_EQ(flue_host_poll(h, 0, &o), FLUE_EBADF);
	FT_EQ(flue_host_poll(h, set, &o), FLUE_EBADF);
	FT_EQ(flue_host_cancel(h, 33, &o), FLUE_EBADF);
	FT_EQ(flue_host_cancel(h, set, &o), FLUE_EBADF);
	FT_EQ(flue_host_drop(h, 33), FLUE_EBADF);
	FT_EQ(flue_host_drop(h, set), FLUE_EBADF);
	FT_EQ(flue_host_cancel(h, r, &o), FLUE_EINVAL); /* idle */
	/* A real cancel: nothing moved, CANCELLED with progress 0. */
	FT_EQ(flue_host_read(h, r, ARENA, 4, &o), 0);
	FT_FALSE(o.done);
	FT_EQ(flue_host_cancel(h, r, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_CANCELLED);
	FT_EQ(o.progress, 0);
	FT_EQ(flue_host_drop(h, r), 0);
	FT_EQ(flue_host_drop(h, w), 0);
	FT_EQ(flue_host_drop(h, w), FLUE_EBADF); /* gone */
}

/* ------------------------------------------------------------- transfer */

FT_TEST(transfer_refusals)
{
	fx_setup();
	uint32_t out = 0xAA;
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint64_t f = flue_canon_future_new(fx.a, fx.u8);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, fx.b, NULL), FLUE_EINVAL);
	FT_EQ(flue_end_transfer(fx.a, hi32(s), fx.u8, fx.b, &out), FLUE_EBADF); /* writable */
	FT_EQ(flue_end_transfer(fx.a, hi32(f), fx.u8, fx.b, &out), FLUE_EBADF);
	FT_EQ(flue_end_transfer(fx.a, 0, fx.u8, fx.b, &out), FLUE_EBADF);
	FT_EQ(flue_end_transfer(fx.a, lo32(f), fx.u32, fx.b, &out), FLUE_EBADF); /* type */
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, lo32(f), ws);
	FT_EQ(flue_end_transfer(fx.a, lo32(f), fx.u8, fx.b, &out), FLUE_EBUSY); /* in a set */
	flue_canon_waitable_join(fx.a, lo32(f), 0);
	FT_EQ(out, 0xAA);
	FT_EQ(FX_READ(fx.b->len), 1);
	/* A readable future end moves like a stream's. */
	FT_EQ(flue_end_transfer(fx.a, lo32(f), fx.u8, fx.b, &out), 0);
	FT_EQ(out, 1);
	fx.b_mem[0] = 0;
	fx.a_mem[0] = 42;
	FT_EQ(frd(fx.b, fx.u8, out, 0), FLUE_BLOCKED);
	FT_EQ(fwr(fx.a, fx.u8, hi32(f), 0), FLUE_COMPLETED);
	FT_EQ(fx.b_mem[0], 42);
}

/* FLUE_ENOSPC when `to`'s table is full (nothing moved); handing an end
 * back to its own full instance reuses its index. */
FT_TEST(transfer_into_a_full_table)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t out = 0xAA, n = 0;
	while (FX_READ(fx.b->len) <= FLUE_CONFIG_MAX_HANDLES - 1u) {
		(void)flue_canon_waitable_set_new(fx.b);
		n++;
	}
	FT_EQ(n, FLUE_CONFIG_MAX_HANDLES - 1u);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, fx.b, &out), FLUE_ENOSPC);
	FT_EQ(out, 0xAA);
	FT_EQ(rd(fx.a, fx.u8, lo32(s), 0, 1), FLUE_BLOCKED); /* still A's */
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, ASYNC, lo32(s)), PACK(FLUE_CANCELLED, 0));
	/* Fill A too, then hand its end back to itself. */
	while (FX_READ(fx.a->len) <= FLUE_CONFIG_MAX_HANDLES - 1u)
		(void)flue_canon_waitable_set_new(fx.a);
	FT_EQ(flue_end_transfer(fx.a, lo32(s), fx.u8, fx.a, &out), 0);
	FT_EQ(out, lo32(s));
	fx.a_mem[0] = 9;
	FT_EQ(rd(fx.a, fx.u8, out, 1, 1), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 0, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.a_mem[1], 9);
}

FT_SUITE(cover_host,
	 FT_CASE(host_create_and_new_refuse_bad_arguments),
	 FT_CASE(host_copy_refusals_change_nothing),
	 FT_CASE(host_future_ignores_n),
	 FT_CASE(host_poll_cancel_drop_refusals),
	 FT_CASE(transfer_refusals),
	 FT_CASE(transfer_into_a_full_table))
