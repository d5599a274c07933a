/*
 * Traps of stream.read/write and future.read/write: one test per trap_if
 * of the reference's stream_copy / future_copy / BufferGuestImpl /
 * Shared{Stream,Future}Impl (definitions.py @ 6d28164, digest §1.4), each
 * also showing that the check fires in the reference's order (an earlier
 * check wins when later conditions hold too). After every trap the
 * instance is poisoned; where the stream is shared with instance B, B
 * keeps a consistent object. The remaining built-ins: test_traps2.c.
 */
#include "traps_common.h"
#include <flue/host.h> /* flue_end_transfer */

#define MAXLEN ((1u << 28) - 1u)
#define EV 0x8000u /* where deliver() lets poll store its payload */

/* Deliver end e's pending event through a fresh set and poll; returns p2. */
static uint32_t deliver(struct flue_instance *in, uint32_t e, uint32_t code)
{
	uint8_t *m = in == A ? fx.a_mem : fx.b_mem;
	uint32_t ws = flue_canon_waitable_set_new(in);
	flue_canon_waitable_join(in, e, ws);
	FT_EQ(flue_canon_waitable_set_poll(in, ws, EV), code);
	FT_EQ(ld32(m, EV), e);
	flue_canon_waitable_join(in, e, 0);
	flue_canon_waitable_set_drop(in, ws);
	return ld32(m, EV + 4);
}

/* ---------------------------------------------------- 2: bad index */

FT_TEST(rw_bad_index)
{
	fx_setup(); /* empty table: index 1 is out of bounds */
	TRAP(BAD_HANDLE, A, flue_canon_stream_read(A, fx.u8, AS, 1, 0, 1));
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(BAD_HANDLE, A, flue_canon_stream_write(A, fx.u8, AS, 0, 0, 1)); /* reserved */
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(BAD_HANDLE, A, flue_canon_stream_read(A, fx.u8, AS, 3, 0, 1)); /* past len */
	fx_setup();
	mk(A, fx.u8, false);
	flue_canon_stream_drop_readable(A, fx.u8, R);
	TRAP(BAD_HANDLE, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, 1)); /* freed slot */
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(BAD_HANDLE, A, flue_canon_stream_read(A, fx.u8, AS, R | 1u << 28, 0, 1));
	fx_setup(); /* futures likewise */
	mk(A, fx.u8, true);
	TRAP(BAD_HANDLE, A, flue_canon_future_write(A, fx.u8, AS, 0xFFFFFFFFu, 0));
	/* First check: wins over wrong type, sync, n and pointer all bad. */
	fx_setup();
	TRAP(BAD_HANDLE, A, flue_canon_stream_write(A, fx.u32, SYNC, 5, 3, 0xFFFFFFFFu));
	b_alive();
}

/* ----------------------------------- 2: not the right kind of end */

FT_TEST(rw_wrong_kind)
{
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(WRONG_KIND, A, flue_canon_stream_read(A, fx.u8, AS, W, 0, 1));
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(WRONG_KIND, A, flue_canon_stream_write(A, fx.u8, AS, R, 0, 1));
	fx_setup();
	mk(A, fx.u8, true); /* a future end is not a stream end */
	TRAP(WRONG_KIND, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, 1));
	fx_setup();
	mk(A, fx.u8, true);
	TRAP(WRONG_KIND, A, flue_canon_stream_write(A, fx.u8, AS, W, 0, 1));
	fx_setup();
	mk(A, fx.u8, false); /* and a stream end not a future end */
	TRAP(WRONG_KIND, A, flue_canon_future_read(A, fx.u8, AS, R, 0));
	fx_setup();
	mk(A, fx.u8, true);
	TRAP(WRONG_KIND, A, flue_canon_future_read(A, fx.u8, AS, W, 0));
	fx_setup();
	mk(A, fx.u8, true);
	TRAP(WRONG_KIND, A, flue_canon_future_write(A, fx.u8, AS, R, 0));
	fx_setup();
	TRAP(WRONG_KIND, A, flue_canon_stream_read(A, fx.u8, AS,
						    flue_canon_waitable_set_new(A), 0, 1));
	fx_setup();
	TRAP(WRONG_KIND, A, flue_canon_stream_write(A, fx.u8, AS,
						     flue_canon_error_context_new(A, 0, 0), 0, 1));
	fx_setup();
	TRAP(WRONG_KIND, A, flue_canon_future_write(A, fx.u8, AS,
						     flue_canon_waitable_set_new(A), 0));
	/* Wins over the type check. */
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(WRONG_KIND, A, flue_canon_stream_read(A, fx.u32, AS, W, 1, MAXLEN + 1u));
	b_alive();
}

/* ---------------------------------------------------- 3: type mismatch */

FT_TEST(rw_type_mismatch)
{
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(TYPE_MISMATCH, A, flue_canon_stream_read(A, fx.u32, AS, R, 0, 1));
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(TYPE_MISMATCH, A, flue_canon_stream_write(A, fx.unit, AS, W, 0, 1));
	fx_setup();
	mk(A, fx.unit, false);
	TRAP(TYPE_MISMATCH, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, 1));
	fx_setup();
	mk(A, fx.rec, false);
	TRAP(TYPE_MISMATCH, A, flue_canon_stream_write(A, fx.f64, AS, W, 0, 1));
	fx_setup();
	mk(A, fx.u32, true);
	TRAP(TYPE_MISMATCH, A, flue_canon_future_read(A, fx.u8, AS, R, 0));
	fx_setup();
	mk(A, fx.u32, true);
	TRAP(TYPE_MISMATCH, A, flue_canon_future_write(A, fx.rec, AS, W, 0));
	/* Wins over "not idle". */
	fx_setup();
	mk(A, fx.u8, false);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, R, 0, 4), FLUE_BLOCKED);
	TRAP(TYPE_MISMATCH, A, flue_canon_stream_read(A, fx.u32, AS, R, 0, 4));
	b_alive();
}

/* ------------------------------------------------- 4: end not idle */

FT_TEST(rw_not_idle)
{
	/* A copy in progress. */
	fx_setup();
	mk(A, fx.u8, false);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, R, 0, 4), FLUE_BLOCKED);
	TRAP(NOT_IDLE, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, 4));
	/* Wins over sync-in-set and n: a parked write, then joined to a set. */
	fx_setup();
	mk(A, fx.u8, false);
	FT_EQ(flue_canon_stream_write(A, fx.u8, AS, W, 0, 4), FLUE_BLOCKED);
	flue_canon_waitable_join(A, W, flue_canon_waitable_set_new(A));
	TRAP(NOT_IDLE, A, flue_canon_stream_write(A, fx.u8, SYNC, W, 1, 0xFFFFFFFFu));
	/* A partial copy whose event is not delivered yet: still COPYING. */
	fx_setup();
	mk(A, fx.u8, false);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, R, 0, 8), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_write(A, fx.u8, AS, W, 100, 4), PACK(FLUE_COMPLETED, 4));
	TRAP(NOT_IDLE, A, flue_canon_stream_read(A, fx.u8, AS, R, 16, 4));
	/* DONE after DROPPED, writer side; dropping a DONE end is allowed. */
	fx_setup();
	mk(A, fx.u8, false);
	flue_canon_stream_drop_readable(A, fx.u8, R);
	FT_EQ(flue_canon_stream_write(A, fx.u8, AS, W, 0, 4), PACK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_writable(A, fx.u8, W);
	mk(A, fx.u8, false);
	flue_canon_stream_drop_readable(A, fx.u8, R);
	FT_EQ(flue_canon_stream_write(A, fx.u8, SYNC, W, 0, 4), PACK(FLUE_DROPPED, 0));
	TRAP(NOT_IDLE, A, flue_canon_stream_write(A, fx.u8, AS, W, 0, 4));
	/* DONE after DROPPED, reader side (even a zero-length read). */
	fx_setup();
	mk(A, fx.u8, false);
	flue_canon_stream_drop_writable(A, fx.u8, W);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, R, 0, 4), PACK(FLUE_DROPPED, 0));
	TRAP(NOT_IDLE, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, 0));
	b_alive();
}

/* ------------------------- 5: synchronous op on an end in a waitable set */

FT_TEST(rw_sync_in_set)
{
	fx_setup();
	mk(A, fx.u8, false);
	flue_canon_waitable_join(A, R, flue_canon_waitable_set_new(A));
	TRAP(SYNC_IN_SET, A, flue_canon_stream_read(A, fx.u8, SYNC, R, 0, 4));
	/* Wins over n and the pointer. */
	fx_setup();
	mk(A, fx.u32, false);
	flue_canon_waitable_join(A, W, flue_canon_waitable_set_new(A));
	TRAP(SYNC_IN_SET, A, flue_canon_stream_write(A, fx.u32, SYNC, W, 1, MAXLEN + 1u));
	fx_setup();
	mk(A, fx.u8, true);
	flue_canon_waitable_join(A, R, flue_canon_waitable_set_new(A));
	TRAP(SYNC_IN_SET, A, flue_canon_future_read(A, fx.u8, SYNC, R, 0));
	/* The async form is fine in a set; out of the set the sync form is. */
	fx_setup();
	mk(A, fx.u8, false);
	uint32_t ws = flue_canon_waitable_set_new(A);
	flue_canon_waitable_join(A, W, ws);
	FT_EQ(flue_canon_stream_write(A, fx.u8, AS, W, 200, 4), FLUE_BLOCKED);
	flue_canon_waitable_join(A, R, ws);
	flue_canon_waitable_join(A, R, 0);
	FT_EQ(flue_canon_stream_read(A, fx.u8, SYNC, R, 100, 8), PACK(FLUE_COMPLETED, 4));
	FT_FALSE(FX_READ(A->poisoned));
}

/* ------------------------------------------------------ 6: n > 2^28-1 */

FT_TEST(rw_length)
{
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(LENGTH, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, MAXLEN + 1u));
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(LENGTH, A, flue_canon_stream_write(A, fx.u8, AS, W, 0, 0xFFFFFFFFu));
	fx_setup(); /* even without an element type */
	mk(A, fx.unit, false);
	TRAP(LENGTH, A, flue_canon_stream_read(A, fx.unit, AS, R, 0, MAXLEN + 1u));
	fx_setup(); /* wins over a misaligned, out-of-range pointer */
	mk(A, fx.u32, false);
	TRAP(LENGTH, A, flue_canon_stream_read(A, fx.u32, AS, R, 0xFFFFFFFFu, MAXLEN + 1u));
	/* n == 2^28-1 passes this check. */
	fx_setup();
	mk(A, fx.unit, false);
	FT_EQ(flue_canon_stream_read(A, fx.unit, AS, R, 0, MAXLEN), FLUE_BLOCKED);
	mk(A, fx.u8, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, MAXLEN));
}

/* ------------------------------------------- 7a: misaligned typed ptr */

FT_TEST(rw_misaligned)
{
	fx_setup();
	mk(A, fx.u32, false);
	TRAP(MISALIGNED, A, flue_canon_stream_read(A, fx.u32, AS, R, 2, 1));
	fx_setup();
	mk(A, fx.u32, false);
	TRAP(MISALIGNED, A, flue_canon_stream_write(A, fx.u32, AS, W, 1, 1));
	fx_setup();
	mk(A, fx.f64, false);
	TRAP(MISALIGNED, A, flue_canon_stream_read(A, fx.f64, AS, R, 4, 1));
	fx_setup(); /* record { u8, u32 }: alignment 4 */
	mk(A, fx.rec, false);
	TRAP(MISALIGNED, A, flue_canon_stream_write(A, fx.rec, AS, W, 2, 1));
	fx_setup(); /* wins over the range check */
	mk(A, fx.u32, false);
	TRAP(MISALIGNED, A, flue_canon_stream_read(A, fx.u32, AS, R, 0xFFFFFFFEu, 1));
	/* Aligned pointers pass. */
	fx_setup();
	mk(A, fx.u8, false);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, R, 1, 1), FLUE_BLOCKED);
	mk(A, fx.rec, false);
	FT_EQ(flue_canon_stream_read(A, fx.rec, AS, R, 4, 1), FLUE_BLOCKED);
	mk(A, fx.f64, false);
	FT_EQ(flue_canon_stream_write(A, fx.f64, AS, W, 8, 1), FLUE_BLOCKED);
	FT_FALSE(FX_READ(A->poisoned));
}

/* ------------------------------- 7b: range beyond memory, 2^32 overflow */

FT_TEST(rw_range)
{
	/* Exactly at the end is in memory. */
	fx_setup();
	mk(A, fx.u8, false);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, R, MEM_SIZE - 1u, 1), FLUE_BLOCKED);
	mk(A, fx.u8, false);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, R, 0, MEM_SIZE), FLUE_BLOCKED);
	mk(A, fx.u32, false);
	FT_EQ(flue_canon_stream_write(A, fx.u32, AS, W, MEM_SIZE - 4u, 1), FLUE_BLOCKED);
	mk(A, fx.rec, false);
	FT_EQ(flue_canon_stream_write(A, fx.rec, AS, W, MEM_SIZE - 16u, 2), FLUE_BLOCKED);
	FT_FALSE(FX_READ(A->poisoned));
	/* One byte more is not. */
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_read(A, fx.u8, AS, R, MEM_SIZE, 1));
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_read(A, fx.u8, AS, R, 0, MEM_SIZE + 1u));
	fx_setup();
	mk(A, fx.u32, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_write(A, fx.u32, AS, W, MEM_SIZE - 4u, 2));
	fx_setup();
	mk(A, fx.rec, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_write(A, fx.rec, AS, W, MEM_SIZE - 8u, 2));
	/* ptr + n*size computed without wrapping at 2^32. */
	fx_setup();
	mk(A, fx.u8, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_read(A, fx.u8, AS, R, 0xFFFFFFFFu, 1));
	fx_setup(); /* 0x80000008 + 8 * (2^28-1) == 2^32 (0 if wrapped) */
	mk(A, fx.f64, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_read(A, fx.f64, AS, R, 0x80000008u, MAXLEN));
	fx_setup(); /* 0x80000010 + 8 * (2^28-1) == 2^32 + 8 */
	mk(A, fx.rec, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_write(A, fx.rec, AS, W, 0x80000010u, MAXLEN));
	fx_setup(); /* 0xC0000004 + 4 * (2^28-1) == 2^32 */
	mk(A, fx.u32, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_write(A, fx.u32, AS, W, 0xC0000004u, MAXLEN));
	/* The current memory length counts (memory may be resized). */
	fx_setup();
	fx.a_size = MEM_SIZE / 2u;
	mk(A, fx.u8, false);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_read(A, fx.u8, AS, R, MEM_SIZE / 2u, 1));
	b_alive();
}

/* ------------------------- 7c: n == 0 and unit streams skip the pointer */

FT_TEST(rw_zero_length_skips_pointer_checks)
{
	fx_setup();
	mk(A, fx.u32, false);
	FT_EQ(flue_canon_stream_read(A, fx.u32, AS, R, 0xFFFFFFFFu, 0), FLUE_BLOCKED);
	/* Zero-length write meets the zero-length read: COMPLETED at once. */
	FT_EQ(flue_canon_stream_write(A, fx.u32, AS, W, 0xFFFFFFFDu, 0), PACK(FLUE_COMPLETED, 0));
	FT_EQ(flue_canon_stream_cancel_read(A, fx.u32, AS, R), PACK(FLUE_CANCELLED, 0));
	mk(A, fx.f64, false);
	FT_EQ(flue_canon_stream_write(A, fx.f64, AS, W, MEM_SIZE + 1u, 0), FLUE_BLOCKED);
	FT_FALSE(FX_READ(A->poisoned));
}

FT_TEST(unit_streams_ignore_pointer)
{
	fx_setup();
	mk(A, fx.unit, false);
	FT_EQ(flue_canon_stream_read(A, fx.unit, AS, R, 0xFFFFFFF0u, 5), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_write(A, fx.unit, AS, W, 0xFFFFFFF1u, 3), PACK(FLUE_COMPLETED, 3));
	FT_EQ(deliver(A, R, FLUE_EVENT_CODE_STREAM_READ), PACK(FLUE_COMPLETED, 3));
	FT_EQ(flue_canon_stream_write(A, fx.unit, AS, W, 0xFFFFFFFFu, MAXLEN), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(A, fx.unit, AS, R, 0xFFFFFFFFu, MAXLEN),
	      PACK(FLUE_COMPLETED, MAXLEN));
	mk(A, fx.unit, true);
	FT_EQ(flue_canon_future_read(A, fx.unit, AS, R, 0xFFFFFFF0u), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_write(A, fx.unit, AS, W, 0xFFFFFFFFu), FLUE_COMPLETED);
	FT_FALSE(FX_READ(A->poisoned));
}

/* ------------------- 8: same-instance rendezvous of a non-number type */

FT_TEST(rw_same_instance_record)
{
	/* The first op parks; the trap comes at the rendezvous. */
	fx_setup();
	mk(A, fx.rec, false);
	FT_EQ(flue_canon_stream_read(A, fx.rec, AS, R, 0, 1), FLUE_BLOCKED);
	TRAP(SAME_INSTANCE, A, flue_canon_stream_write(A, fx.rec, AS, W, 8, 1));
	fx_setup();
	mk(A, fx.rec, false);
	FT_EQ(flue_canon_stream_write(A, fx.rec, AS, W, 0, 2), FLUE_BLOCKED);
	TRAP(SAME_INSTANCE, A, flue_canon_stream_read(A, fx.rec, AS, R, 16, 1));
	fx_setup(); /* whatever the lengths */
	mk(A, fx.rec, false);
	FT_EQ(flue_canon_stream_read(A, fx.rec, AS, R, 0, 0), FLUE_BLOCKED);
	TRAP(SAME_INSTANCE, A, flue_canon_stream_write(A, fx.rec, AS, W, 0, 0));
	fx_setup(); /* futures too */
	mk(A, fx.rec, true);
	FT_EQ(flue_canon_future_read(A, fx.rec, AS, R, 0), FLUE_BLOCKED);
	TRAP(SAME_INSTANCE, A, flue_canon_future_write(A, fx.rec, AS, W, 8));
	fx_setup();
	mk(A, fx.rec, true);
	FT_EQ(flue_canon_future_write(A, fx.rec, AS, W, 0), FLUE_BLOCKED);
	TRAP(SAME_INSTANCE, A, flue_canon_future_read(A, fx.rec, AS, R, 8));
	fx_setup(); /* the buffer checks come first */
	mk(A, fx.rec, false);
	FT_EQ(flue_canon_stream_read(A, fx.rec, AS, R, 0, 1), FLUE_BLOCKED);
	TRAP(MISALIGNED, A, flue_canon_stream_write(A, fx.rec, AS, W, 2, 1));
	/* Number types may meet within one instance. */
	fx_setup();
	mk(A, fx.f64, false);
	FT_EQ(flue_canon_stream_read(A, fx.f64, AS, R, 0, 2), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_write(A, fx.f64, AS, W, 64, 1), PACK(FLUE_COMPLETED, 1));
	/* A record across instances is fine. */
	mk(A, fx.rec, false);
	uint32_t rb = pass(A, R, fx.rec, B);
	FT_EQ(flue_canon_stream_read(B, fx.rec, AS, rb, 32, 2), FLUE_BLOCKED);
	memcpy(fx.a_mem + 128, "\x11\0\0\0\x22\x22\x22\x22\x33\0\0\0\x44\x44\x44\x44", 16);
	FT_EQ(flue_canon_stream_write(A, fx.rec, AS, W, 128, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(fx.b_mem[32], 0x11);
	FT_EQ(ld32(fx.b_mem, 44), 0x44444444u);
	FT_FALSE(FX_READ(A->poisoned));
	b_alive();
}

/* ----------------------------------- future.read/write: the same checks */

FT_TEST(future_rw_buffer_and_state)
{
	fx_setup();
	mk(A, fx.u32, true);
	TRAP(MISALIGNED, A, flue_canon_future_read(A, fx.u32, AS, R, 2));
	fx_setup();
	mk(A, fx.f64, true);
	TRAP(MISALIGNED, A, flue_canon_future_write(A, fx.f64, AS, W, 4));
	fx_setup();
	mk(A, fx.u32, true);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_future_read(A, fx.u32, AS, R, MEM_SIZE));
	fx_setup(); /* 0xFFFFFFF8 + 8 == 2^32 */
	mk(A, fx.f64, true);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_future_write(A, fx.f64, AS, W, 0xFFFFFFF8u));
	fx_setup();
	mk(A, fx.u8, true);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_future_write(A, fx.u8, AS, W, 0xFFFFFFFFu));
	/* Exactly at the end. */
	fx_setup();
	mk(A, fx.u32, true);
	FT_EQ(flue_canon_future_read(A, fx.u32, AS, R, MEM_SIZE - 4u), FLUE_BLOCKED);
	mk(A, fx.u8, true);
	FT_EQ(flue_canon_future_write(A, fx.u8, AS, W, MEM_SIZE - 1u), FLUE_BLOCKED);
	FT_FALSE(FX_READ(A->poisoned));
	/* Not idle: a read in progress. */
	fx_setup();
	mk(A, fx.u32, true);
	FT_EQ(flue_canon_future_read(A, fx.u32, AS, R, 0), FLUE_BLOCKED);
	TRAP(NOT_IDLE, A, flue_canon_future_read(A, fx.u32, AS, R, 0));
	/* DONE after COMPLETED: reader... */
	fx_setup();
	mk(A, fx.u32, true);
	FT_EQ(flue_canon_future_write(A, fx.u32, AS, W, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_read(A, fx.u32, AS, R, 4), FLUE_COMPLETED);
	TRAP(NOT_IDLE, A, flue_canon_future_read(A, fx.u32, AS, R, 4));
	/* ...writer, whose COMPLETED is still undelivered (COPYING)... */
	fx_setup();
	mk(A, fx.u32, true);
	FT_EQ(flue_canon_future_write(A, fx.u32, AS, W, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_read(A, fx.u32, AS, R, 4), FLUE_COMPLETED);
	TRAP(NOT_IDLE, A, flue_canon_future_write(A, fx.u32, AS, W, 0));
	/* ...and delivered (DONE). */
	fx_setup();
	mk(A, fx.u32, true);
	FT_EQ(flue_canon_future_read(A, fx.u32, AS, R, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_write(A, fx.u32, AS, W, 0), FLUE_COMPLETED);
	TRAP(NOT_IDLE, A, flue_canon_future_write(A, fx.u32, AS, W, 0));
	/* DONE after DROPPED. */
	fx_setup();
	mk(A, fx.u32, true);
	flue_canon_future_drop_readable(A, fx.u32, R);
	FT_EQ(flue_canon_future_write(A, fx.u32, AS, W, 0), FLUE_DROPPED);
	TRAP(NOT_IDLE, A, flue_canon_future_write(A, fx.u32, SYNC, W, 0));
	b_alive();
}

/* ---------------------- a trap on a stream shared with B leaves B sound */

FT_TEST(shared_stream_trap_leaves_b_parked)
{
	fx_setup();
	mk(A, fx.u32, false);
	uint32_t rb = pass(A, R, fx.u32, B);
	memset(fx.b_mem + 64, 0xAB, 16);
	FT_EQ(flue_canon_stream_read(B, fx.u32, AS, rb, 64, 4), FLUE_BLOCKED);
	TRAP(MISALIGNED, A, flue_canon_stream_write(A, fx.u32, AS, W, 2, 1));
	b_alive();
	FT_EQ(fx.b_mem[64], 0xAB); /* nothing was copied */
	/* B's read is still parked: cancelling it gives CANCELLED. */
	FT_EQ(flue_canon_stream_cancel_read(B, fx.u32, AS, rb), PACK(FLUE_CANCELLED, 0));
	/* B may read again; once A is torn down the read ends DROPPED. */
	uint32_t ws = flue_canon_waitable_set_new(B);
	flue_canon_waitable_join(B, rb, ws);
	FT_EQ(flue_canon_stream_read(B, fx.u32, AS, rb, 64, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_waitable_set_poll(B, ws, 0), FLUE_EVENT_CODE_NONE);
	flue_instance_destroy(A);
	FT_EQ(flue_canon_waitable_set_poll(B, ws, 0), FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(ld32(fx.b_mem, 0), rb);
	FT_EQ(ld32(fx.b_mem, 4), PACK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_readable(B, fx.u32, rb);
	flue_canon_waitable_set_drop(B, ws);
	b_alive();
}

FT_TEST(shared_stream_partial_then_trap)
{
	fx_setup();
	mk(B, fx.u8, false); /* B writes, A reads */
	uint32_t wb = W, ra = pass(B, R, fx.u8, A);
	memcpy(fx.b_mem, "abcdefgh", 8);
	FT_EQ(flue_canon_stream_write(B, fx.u8, AS, wb, 0, 8), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(A, fx.u8, AS, ra, 100, 4), PACK(FLUE_COMPLETED, 4));
	FT_TRUE(memcmp(fx.a_mem + 100, "abcd", 4) == 0);
	TRAP(OUT_OF_BOUNDS, A, flue_canon_stream_read(A, fx.u8, AS, ra, MEM_SIZE - 1u, 2));
	b_alive();
	/* B's write has its partial event pending and is still COPYING. */
	FT_EQ(fx_end_state(B, wb), FLUE_END_COPYING);
	FT_EQ(deliver(B, wb, FLUE_EVENT_CODE_STREAM_WRITE), PACK(FLUE_COMPLETED, 4));
	/* Its buffer is back; a new write parks (A's end was not dropped). */
	FT_EQ(flue_canon_stream_write(B, fx.u8, AS, wb, 4, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_cancel_write(B, fx.u8, AS, wb), PACK(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_writable(B, fx.u8, wb);
	b_alive();
}

FT_SUITE(traps,
	 FT_CASE(rw_bad_index),
	 FT_CASE(rw_wrong_kind),
	 FT_CASE(rw_type_mismatch),
	 FT_CASE(rw_not_idle),
	 FT_CASE(rw_sync_in_set),
	 FT_CASE(rw_length),
	 FT_CASE(rw_misaligned),
	 FT_CASE(rw_range),
	 FT_CASE(rw_zero_length_skips_pointer_checks),
	 FT_CASE(unit_streams_ignore_pointer),
	 FT_CASE(rw_same_instance_record),
	 FT_CASE(future_rw_buffer_and_state),
	 FT_CASE(shared_stream_trap_leaves_b_parked),
	 FT_CASE(shared_stream_partial_then_trap))
