/*
 * future.* built-ins (SharedFutureImpl, future_copy, cancel_copy, drop @
 * 6d28164, plus PR #708: future.drop-readable with a pending write gives
 * the writer DROPPED). Ports test_futures with B's guest ends standing in
 * for the host future source/sink. Futures always move exactly one
 * element and their results carry no progress bits; an end is DONE after
 * COMPLETED or DROPPED.
 */
#include "abi_test.h"
#include <flue/host.h>

#define FR FLUE_EVENT_CODE_FUTURE_READ
#define FW FLUE_EVENT_CODE_FUTURE_WRITE

/* On a fresh fixture: future.new of t in A (readable 1, writable 2), the
 * readable end moved to B (index 1 there). */
static void future_a_to_b_(flue_type_t t)
{
	uint64_t f = flue_canon_future_new(fx.a, t);
	FT_EQ(lo32(f), 1);
	FT_EQ(hi32(f), 2);
	uint32_t r = 0;
	FT_EQ(flue_end_transfer(fx.a, 1, t, fx.b, &r), 0);
	FT_EQ(r, 1);
}
#define future_a_to_b(type) do { fx_setup(); future_a_to_b_(type); } while (0)

/* test_futures, first part: async read BLOCKED, write COMPLETED, event
 * FUTURE_READ COMPLETED with the value in memory; both ends DONE. */
FT_TEST(read_blocked_then_write)
{
	future_a_to_b(fx.u8);
	FT_EQ(frd(fx.b, fx.u8, 1, 0), FLUE_BLOCKED);
	fx.a_mem[8] = 42;
	FT_EQ(fwr(fx.a, fx.u8, 2, 8), FLUE_COMPLETED);
	uint32_t seti = flue_canon_waitable_set_new(fx.b);
	FT_EQ(seti, 2);
	flue_canon_waitable_join(fx.b, 1, seti);
	FT_EQ(flue_canon_waitable_set_wait(fx.b, seti, 16), FR);
	FT_EQ(ld32(fx.b_mem, 16), 1);
	FT_EQ(ld32(fx.b_mem, 20), FLUE_COMPLETED);
	FT_EQ(fx.b_mem[0], 42);
	EXPECT_NONE(fx.b, fx.b_mem, seti);
	flue_canon_future_drop_writable(fx.a, fx.u8, 2);
	flue_canon_future_drop_readable(fx.b, fx.u8, 1);
	flue_canon_waitable_set_drop(fx.b, seti);
}

/* Write first, then read: the read completes at once, the writer's event
 * is FUTURE_WRITE COMPLETED. */
FT_TEST(write_then_read)
{
	future_a_to_b(fx.u32);
	uint32_t seti = flue_canon_waitable_set_new(fx.a);
	FT_EQ(seti, 1);
	flue_canon_waitable_join(fx.a, 2, seti);
	fx.a_mem[8] = 0x78; fx.a_mem[9] = 0x56; fx.a_mem[10] = 0x34; fx.a_mem[11] = 0x12;
	FT_EQ(fwr(fx.a, fx.u32, 2, 8), FLUE_BLOCKED);
	EXPECT_NONE(fx.a, fx.a_mem, seti);
	FT_EQ(frd(fx.b, fx.u32, 1, 4), FLUE_COMPLETED);
	FT_EQ(ld32(fx.b_mem, 4), 0x12345678u);
	EXPECT_EVENT(fx.a, fx.a_mem, seti, FW, 2, FLUE_COMPLETED);
	flue_canon_waitable_join(fx.a, 2, 0);
	flue_canon_future_drop_writable(fx.a, fx.u32, 2);
	flue_canon_future_drop_readable(fx.b, fx.u32, 1);
}

/* test_futures, second part: cancel-read (sync, end not in a set) after the
 * value arrived returns COMPLETED, with the value in memory. Also the
 * writer's cancel after its value was taken. */
FT_TEST(cancel_after_value_arrived_is_completed)
{
	future_a_to_b(fx.u8);
	FT_EQ(frd(fx.b, fx.u8, 1, 0), FLUE_BLOCKED);
	fx.a_mem[8] = 43;
	FT_EQ(fwr(fx.a, fx.u8, 2, 8), FLUE_COMPLETED);
	FT_EQ(flue_canon_future_cancel_read(fx.b, fx.u8, 0, 1), FLUE_COMPLETED);
	FT_EQ(fx.b_mem[0], 43);
	flue_canon_future_drop_writable(fx.a, fx.u8, 2);
	flue_canon_future_drop_readable(fx.b, fx.u8, 1);

	future_a_to_b(fx.u8);
	fx.a_mem[8] = 44;
	FT_EQ(fwr(fx.a, fx.u8, 2, 8), FLUE_BLOCKED);
	FT_EQ(frd(fx.b, fx.u8, 1, 0), FLUE_COMPLETED);
	FT_EQ(flue_canon_future_cancel_write(fx.a, fx.u8, ASYNC, 2), FLUE_COMPLETED);
	FT_EQ(fx.b_mem[0], 44);
	flue_canon_future_drop_writable(fx.a, fx.u8, 2);
}

/* Cancel with nothing moved → CANCELLED, sync and async; the end is idle
 * again and the future can still be read / written. */
FT_TEST(cancel_with_nothing_moved_is_cancelled)
{
	future_a_to_b(fx.u8);
	FT_EQ(frd(fx.b, fx.u8, 1, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_cancel_read(fx.b, fx.u8, 0, 1), FLUE_CANCELLED);
	fx.a_mem[8] = 7;
	FT_EQ(fwr(fx.a, fx.u8, 2, 8), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_cancel_write(fx.a, fx.u8, ASYNC, 2), FLUE_CANCELLED);
	FT_EQ(fx.b_mem[0], 0);
	FT_EQ(frd(fx.b, fx.u8, 1, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_cancel_read(fx.b, fx.u8, ASYNC, 1), FLUE_CANCELLED);
	FT_EQ(frd(fx.b, fx.u8, 1, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_write(fx.a, fx.u8, 0, 2, 8), FLUE_COMPLETED); /* sync, immediate */
	FT_EQ(flue_canon_future_cancel_read(fx.b, fx.u8, 0, 1), FLUE_COMPLETED);
	FT_EQ(fx.b_mem[0], 7);
}

/* test_futures, third part: future.drop-writable before writing traps; so
 * does it after a cancelled write (the end is idle, not done). */
FT_TEST(drop_writable_before_write_traps)
{
	fx_setup();
	uint64_t f = flue_canon_future_new(fx.a, fx.u8);
	FT_TRAPS(FLUE_TRAP_FUTURE_NOT_DONE, flue_canon_future_drop_writable(fx.a, fx.u8, hi32(f)));
	f = flue_canon_future_new(fx.b, fx.u8);
	FT_EQ(fwr(fx.b, fx.u8, hi32(f), 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_cancel_write(fx.b, fx.u8, ASYNC, hi32(f)), FLUE_CANCELLED);
	FT_TRAPS(FLUE_TRAP_FUTURE_NOT_DONE, flue_canon_future_drop_writable(fx.b, fx.u8, hi32(f)));
}

/* PR #708: future.drop-readable with a write pending gives the writer
 * FUTURE_WRITE DROPPED; the writer is DONE and may be dropped. */
FT_TEST(drop_readable_with_pending_write)
{
	future_a_to_b(fx.u8);
	uint32_t seti = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, 2, seti);
	FT_EQ(fwr(fx.a, fx.u8, 2, 8), FLUE_BLOCKED);
	flue_canon_future_drop_readable(fx.b, fx.u8, 1);
	EXPECT_EVENT(fx.a, fx.a_mem, seti, FW, 2, FLUE_DROPPED);
	EXPECT_NONE(fx.a, fx.a_mem, seti);
	flue_canon_future_drop_writable(fx.a, fx.u8, 2);
	flue_canon_waitable_set_drop(fx.a, seti);
}

/* A write after the reader dropped returns DROPPED at once (sync form:
 * immediate), and the writer is DONE: drop is allowed, a second write
 * traps NOT_IDLE. */
FT_TEST(write_after_reader_dropped)
{
	future_a_to_b(fx.u8);
	flue_canon_future_drop_readable(fx.b, fx.u8, 1);
	FT_EQ(flue_canon_future_write(fx.a, fx.u8, 0, 2, 8), FLUE_DROPPED);
	flue_canon_future_drop_writable(fx.a, fx.u8, 2);
	future_a_to_b(fx.u8);
	flue_canon_future_drop_readable(fx.b, fx.u8, 1);
	FT_EQ(fwr(fx.a, fx.u8, 2, 8), FLUE_DROPPED);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, fwr(fx.a, fx.u8, 2, 8));
}

/* Both ends are DONE after COMPLETED: a second read or write traps. */
FT_TEST(ends_done_after_completed)
{
	future_a_to_b(fx.u8);
	FT_EQ(fwr(fx.a, fx.u8, 2, 8), FLUE_BLOCKED);
	FT_EQ(frd(fx.b, fx.u8, 1, 0), FLUE_COMPLETED);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, frd(fx.b, fx.u8, 1, 0));
	FT_EQ(flue_canon_future_cancel_write(fx.a, fx.u8, 0, 2), FLUE_COMPLETED);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, fwr(fx.a, fx.u8, 2, 8));
}

/* Values: f64 NaNs arrive canonical; a record { f32, u8 } is stored field
 * by field (canonical NaN in the f32 field, padding bytes untouched); the
 * unit future ignores its pointers. */
FT_TEST(values_are_canonical)
{
	future_a_to_b(fx.f64);
	for (uint32_t i = 0; i < 8; i++)
		fx.a_mem[16 + i] = (uint8_t)(i == 7 ? 0xFF : i == 6 ? 0xF0 : i == 0 ? 1 : 0);
	FT_EQ(frd(fx.b, fx.f64, 1, 24), FLUE_BLOCKED);
	FT_EQ(fwr(fx.a, fx.f64, 2, 16), FLUE_COMPLETED);
	FT_EQ(ld32(fx.b_mem, 24), 0);
	FT_EQ(ld32(fx.b_mem, 28), 0x7FF80000u);

	flue_type_t rec = 0;
	struct flue_type_desc d = { .kind = FLUE_TYPE_RECORD, .nfields = 2,
				    .fields = { FLUE_NUM_F32, FLUE_NUM_U8 } };
	fx_setup();
	FT_EQ(flue_type_register(&fx.store, &d, &rec), 0);
	uint64_t f = flue_canon_future_new(fx.a, rec);
	uint32_t r = 0;
	FT_EQ(flue_end_transfer(fx.a, lo32(f), rec, fx.b, &r), 0);
	memcpy(fx.a_mem + 32, "\x01\x00\x80\xFF\x09\x11\x22\x33", 8); /* -sNaN, 9, pad */
	memset(fx.b_mem + 64, 0xEE, 8);
	FT_EQ(fwr(fx.a, rec, hi32(f), 32), FLUE_BLOCKED);
	FT_EQ(frd(fx.b, rec, r, 64), FLUE_COMPLETED);
	FT_TRUE(memcmp(fx.b_mem + 64, "\x00\x00\xC0\x7F\x09\xEE\xEE\xEE", 8) == 0);

	f = flue_canon_future_new(fx.a, fx.unit);
	FT_EQ(fwr(fx.a, fx.unit, hi32(f), 0xFFFFFFFFu), FLUE_BLOCKED);
	FT_EQ(frd(fx.a, fx.unit, lo32(f), 0xDEADBEEFu), FLUE_COMPLETED);
}

/* future.read/write traps (the one-element buffer is checked as a stream's). */
/* One case per call: setjmp (in FT_TRAPS) must not share a frame with the
 * loop counter, which longjmp could clobber. */
static void future_trap_case(uint32_t k)
{
	{
		fx_setup();
		uint64_t f = flue_canon_future_new(fx.a, fx.u32);
		uint64_t s = flue_canon_stream_new(fx.a, fx.u32);
		switch (k) {
		case 0:
			FT_TRAPS(FLUE_TRAP_WRONG_KIND, frd(fx.a, fx.u32, lo32(s), 0));
			break;
		case 1:
			FT_TRAPS(FLUE_TRAP_TYPE_MISMATCH, fwr(fx.a, fx.u8, hi32(f), 0));
			break;
		case 2:
			FT_TRAPS(FLUE_TRAP_MISALIGNED, frd(fx.a, fx.u32, lo32(f), 2));
			break;
		case 3:
			FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, fwr(fx.a, fx.u32, hi32(f), MEM_SIZE));
			break;
		case 4: {
			/* same-instance rendezvous of a record */
			uint64_t g = flue_canon_future_new(fx.a, fx.rec);
			FT_EQ(frd(fx.a, fx.rec, lo32(g), 0), FLUE_BLOCKED);
			FT_TRAPS(FLUE_TRAP_SAME_INSTANCE, fwr(fx.a, fx.rec, hi32(g), 8));
			break;
		}
		default:
			FT_TRAPS(FLUE_TRAP_NOT_COPYING,
				 flue_canon_future_cancel_read(fx.a, fx.u32, ASYNC, lo32(f)));
			break;
		}
		FT_TRUE(FX_READ(fx.a->poisoned));
	}
}

FT_TEST(future_traps)
{
	for (uint32_t k = 0; k < 6; k++)
		future_trap_case(k);
}

FT_SUITE(futures,
	 FT_CASE(read_blocked_then_write),
	 FT_CASE(write_then_read),
	 FT_CASE(cancel_after_value_arrived_is_completed),
	 FT_CASE(cancel_with_nothing_moved_is_cancelled),
	 FT_CASE(drop_writable_before_write_traps),
	 FT_CASE(drop_readable_with_pending_write),
	 FT_CASE(write_after_reader_dropped),
	 FT_CASE(ends_done_after_completed),
	 FT_CASE(values_are_canonical),
	 FT_CASE(future_traps))
