/*
 * stream.* built-ins: every row of the rendezvous table (digest §2.6,
 * SharedStreamImpl.read/write @ 6d28164), cumulative progress with buffer
 * reclaim, ports of run_tests.py's test_wasm_to_wasm_stream(_empty),
 * test_self_copy and test_cancel_copy. Drops, teardown and index reuse:
 * test_wsets.c.
 *
 * Cross-instance tests create the stream in A (the writer) and hand the
 * readable end to B with flue_end_transfer, as task.return of a stream does
 * in the reference. Only async forms are used where an op may block (no
 * executor yet: a blocking synchronous op traps FLUE_TRAP_WOULD_BLOCK).
 */
#include "abi_test.h"
#include <flue/host.h>


static inline uint64_t ld64(const uint8_t *m, uint32_t off)
{
	return (uint64_t)ld32(m, off) | (uint64_t)ld32(m, off + 4) << 32;
}

static inline void st64(uint8_t *m, uint32_t off, uint64_t v)
{
	for (uint32_t i = 0; i < 8u; i++)
		m[off + i] = (uint8_t)(v >> (8u * i));
}

#define SR FLUE_EVENT_CODE_STREAM_READ
#define SW FLUE_EVENT_CODE_STREAM_WRITE

/* One instance, one stream of u8 (r=1, w=2) whose ends are both in set 3. */
static void one_stream_in_set(void)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(s), 1);
	FT_EQ(hi32(s), 2);
	FT_EQ(flue_canon_waitable_set_new(fx.a), 3);
	flue_canon_waitable_join(fx.a, 1, 3);
	flue_canon_waitable_join(fx.a, 2, 3);
}

/* ------------------------------------------------------ §2.6 rows */

/* Row: zero-length read vs pending write with elements → COMPLETED 0 at
 * once, the writer is untouched (no event, still parked). */
FT_TEST(zero_read_vs_pending_write)
{
	one_stream_in_set();
	memcpy(fx.a_mem + 100, "xyz", 3);
	FT_EQ(wr(fx.a, fx.u8, 2, 100, 3), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, 1, 12345, 0), PACK(FLUE_COMPLETED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, 3);
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 3), PACK(FLUE_COMPLETED, 3));
	FT_TRUE(memcmp(fx.a_mem + 200, "xyz", 3) == 0);
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SW, 2, PACK(FLUE_COMPLETED, 3));
	EXPECT_NONE(fx.a, fx.a_mem, 3);
}

/* Row: zero-length write vs pending read with room → COMPLETED 0 at once,
 * reader untouched; a later partial write completes the read partially. */
FT_TEST(zero_write_vs_pending_read)
{
	one_stream_in_set();
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 4), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, 2, 0xFFFFFFF0u, 0), PACK(FLUE_COMPLETED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, 3);
	memcpy(fx.a_mem + 100, "ab", 2);
	FT_EQ(wr(fx.a, fx.u8, 2, 100, 2), PACK(FLUE_COMPLETED, 2));
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SR, 1, PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.a_mem + 200, "ab\0\0", 4) == 0);
}

/* Row: zero-length write vs pending zero-length read → the write completes
 * (every time), the read stays parked; a non-zero write then notifies the
 * zero-length read COMPLETED 0 and parks (row "pending op is zero-length"). */
FT_TEST(zero_write_vs_zero_read)
{
	one_stream_in_set();
	FT_EQ(rd(fx.a, fx.u8, 1, 0, 0), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 0), PACK(FLUE_COMPLETED, 0));
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 0), PACK(FLUE_COMPLETED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, 3);
	memcpy(fx.a_mem + 100, "hi", 2);
	FT_EQ(wr(fx.a, fx.u8, 2, 100, 2), FLUE_BLOCKED);
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SR, 1, PACK(FLUE_COMPLETED, 0));
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 2), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.a_mem + 200, "hi", 2) == 0);
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SW, 2, PACK(FLUE_COMPLETED, 2));
}

/* Row: zero-length read vs pending zero-length write → the writer is
 * notified COMPLETED 0 and the read parks; a zero-length write then
 * completes against it and the read stays parked; a non-zero read vs a
 * pending zero-length write likewise notifies and parks. */
FT_TEST(zero_read_vs_zero_write)
{
	one_stream_in_set();
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 0), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, 1, 0, 0), FLUE_BLOCKED);
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SW, 2, PACK(FLUE_COMPLETED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, 3);
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 0), PACK(FLUE_COMPLETED, 0));
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, ASYNC, 1), PACK(FLUE_CANCELLED, 0));
	/* non-zero read vs pending zero-length write */
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 0), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 4), FLUE_BLOCKED);
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SW, 2, PACK(FLUE_COMPLETED, 0));
	memcpy(fx.a_mem + 100, "q", 1);
	FT_EQ(wr(fx.a, fx.u8, 2, 100, 1), PACK(FLUE_COMPLETED, 1));
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SR, 1, PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.a_mem[200], 'q');
}

/* Row: pending op whose buffer is already exhausted (event not delivered
 * yet) → it is notified COMPLETED with its cumulative progress and the
 * arriving op parks; for a non-zero and a zero-length arriving read, and a
 * zero-length write against a full read. */
FT_TEST(exhausted_pending_notified_arriving_parks)
{
	one_stream_in_set();
	memcpy(fx.a_mem + 100, "abc", 3);
	FT_EQ(wr(fx.a, fx.u8, 2, 100, 3), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 3), PACK(FLUE_COMPLETED, 3));
	FT_EQ(rd(fx.a, fx.u8, 1, 300, 2), FLUE_BLOCKED);     /* non-zero read parks */
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SW, 2, PACK(FLUE_COMPLETED, 3));
	FT_EQ(wr(fx.a, fx.u8, 2, 101, 1), PACK(FLUE_COMPLETED, 1));
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SR, 1, PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.a_mem[300], 'b');

	FT_EQ(wr(fx.a, fx.u8, 2, 100, 2), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(rd(fx.a, fx.u8, 1, 0, 0), FLUE_BLOCKED);       /* zero-length read parks */
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SW, 2, PACK(FLUE_COMPLETED, 2));
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 0), PACK(FLUE_COMPLETED, 0)); /* vs zero-length read */
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, ASYNC, 1), PACK(FLUE_CANCELLED, 0));

	FT_EQ(rd(fx.a, fx.u8, 1, 200, 2), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, 2, 100, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(wr(fx.a, fx.u8, 2, 0, 0), FLUE_BLOCKED);       /* zero write vs full read */
	EXPECT_EVENT(fx.a, fx.a_mem, 3, SR, 1, PACK(FLUE_COMPLETED, 2));
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, ASYNC, 2), PACK(FLUE_CANCELLED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, 3);
}

/* Reclaim on delivery: a 3-element write met by a 2-element read → writer's
 * event COMPLETED 2; the third element is never sent. */
FT_TEST(partial_write_reclaimed_on_delivery)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t r = to_b(lo32(s), fx.u8), w = hi32(s);
	FT_EQ(r, 1);
	FT_EQ(w, 2);
	uint32_t wsa = flue_canon_waitable_set_new(fx.a);
	FT_EQ(wsa, 1); /* the slot the transfer freed */
	flue_canon_waitable_join(fx.a, w, wsa);
	memcpy(fx.a_mem + 100, "abc", 3);
	FT_EQ(wr(fx.a, fx.u8, w, 100, 3), FLUE_BLOCKED);
	FT_EQ(rd(fx.b, fx.u8, r, 200, 2), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.b_mem + 200, "ab", 2) == 0);
	EXPECT_EVENT(fx.a, fx.a_mem, wsa, SW, w, PACK(FLUE_COMPLETED, 2));
	EXPECT_NONE(fx.a, fx.a_mem, wsa);
	FT_EQ(rd(fx.b, fx.u8, r, 300, 4), FLUE_BLOCKED); /* 'c' is gone */
	FT_EQ(fx.b_mem[300], 0);
	memcpy(fx.a_mem + 100, "d", 1);
	FT_EQ(wr(fx.a, fx.u8, w, 100, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.b_mem[300], 'd');
}

/* Cumulative progress: an 8-element read filled by 4-element writes gives
 * one event with progress 8; an arriving write moves min(its n, remain). */
FT_TEST(read_filled_by_two_writes_one_event)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u32);
	uint32_t r = to_b(lo32(s), fx.u32), w = hi32(s);
	uint32_t wsb = flue_canon_waitable_set_new(fx.b);
	FT_EQ(wsb, 2);
	flue_canon_waitable_join(fx.b, r, wsb);
	for (uint32_t i = 0; i < 8; i++)
		fx.a_mem[64 + 4 * i] = (uint8_t)(0x10 + i);
	FT_EQ(rd(fx.b, fx.u32, r, 256, 8), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u32, w, 64, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(wr(fx.a, fx.u32, w, 80, 4), PACK(FLUE_COMPLETED, 4));
	EXPECT_EVENT(fx.b, fx.b_mem, wsb, SR, r, PACK(FLUE_COMPLETED, 8));
	EXPECT_NONE(fx.b, fx.b_mem, wsb);
	for (uint32_t i = 0; i < 8; i++)
		FT_EQ(ld32(fx.b_mem, 256 + 4 * i), 0x10 + i);
	/* 3 + 2 + (5 offered, 3 left) */
	FT_EQ(rd(fx.b, fx.u32, r, 512, 8), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u32, w, 64, 3), PACK(FLUE_COMPLETED, 3));
	FT_EQ(wr(fx.a, fx.u32, w, 64, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(wr(fx.a, fx.u32, w, 64, 5), PACK(FLUE_COMPLETED, 3));
	EXPECT_EVENT(fx.b, fx.b_mem, wsb, SR, r, PACK(FLUE_COMPLETED, 8));
	FT_EQ(ld32(fx.b_mem, 512 + 4 * 7), 0x12);
}

/* ------------------------------------------------ run_tests.py ports */

/* test_wasm_to_wasm_stream, A = inst1 (writer), B = inst2 (reader). The
 * reference's threads interleave through futures; here the steps run in an
 * order the reference's scheduler also produces, and each `wait` is issued
 * once its event is pending. */
FT_TEST(wasm_to_wasm_stream)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t wsi = hi32(s), rsi = to_b(lo32(s), fx.u8);
	FT_EQ(rsi, 1);
	FT_EQ(rd(fx.b, fx.u8, rsi, 0, 8), FLUE_BLOCKED);
	/* fut1 */
	memcpy(fx.a_mem, "\x01\x02\x03\x04", 4);
	FT_EQ(wr(fx.a, fx.u8, wsi, 0, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(wr(fx.a, fx.u8, wsi, 0, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(wr(fx.a, fx.u8, wsi, 0, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, ASYNC, wsi), PACK(FLUE_CANCELLED, 0));
	uint32_t setb = flue_canon_waitable_set_new(fx.b);
	FT_EQ(setb, 2);
	flue_canon_waitable_join(fx.b, rsi, setb);
	FT_EQ(flue_canon_waitable_set_wait(fx.b, setb, 16), SR);
	FT_EQ(ld32(fx.b_mem, 16), rsi);
	FT_EQ(ld32(fx.b_mem, 20), PACK(FLUE_COMPLETED, 8));
	FT_TRUE(memcmp(fx.b_mem, "\x01\x02\x03\x04\x01\x02\x03\x04", 8) == 0);
	/* fut2 */
	memcpy(fx.a_mem, "\x05\x06\x07\x08\x09\x0a\x0b\x0c", 8);
	FT_EQ(wr(fx.a, fx.u8, wsi, 0, 8), FLUE_BLOCKED);
	uint32_t seta = flue_canon_waitable_set_new(fx.a);
	FT_EQ(seta, 1);
	flue_canon_waitable_join(fx.a, wsi, seta);
	/* fut3 */
	FT_EQ(rd(fx.b, fx.u8, rsi, 12345, 0), PACK(FLUE_COMPLETED, 0));
	memset(fx.b_mem, 0, 8);
	FT_EQ(rd(fx.b, fx.u8, rsi, 0, 2), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.b_mem, "\x05\x06\0\0\0\0", 6) == 0);
	FT_EQ(rd(fx.b, fx.u8, rsi, 2, 2), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.b_mem, "\x05\x06\x07\x08\0\0", 6) == 0);
	FT_EQ(flue_canon_waitable_set_wait(fx.a, seta, 16), SW);
	FT_EQ(ld32(fx.a_mem, 16), wsi);
	FT_EQ(ld32(fx.a_mem, 20), PACK(FLUE_COMPLETED, 4));
	FT_EQ(wr(fx.a, fx.u8, wsi, 12345, 0), FLUE_BLOCKED);
	/* fut4 */
	FT_EQ(rd(fx.b, fx.u8, rsi, 12345, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_waitable_set_wait(fx.a, seta, 16), SW);
	FT_EQ(ld32(fx.a_mem, 16), wsi);
	FT_EQ(ld32(fx.a_mem, 20), 0);
	FT_EQ(wr(fx.a, fx.u8, wsi, 12345, 0), 0);
	uint32_t errctxi = flue_canon_error_context_new(fx.a, 0, 0);
	FT_EQ(errctxi, 3);
	flue_canon_stream_drop_writable(fx.a, fx.u8, wsi);
	flue_canon_waitable_set_drop(fx.a, seta);
	flue_canon_error_context_drop(fx.a, errctxi);
	FT_EQ(flue_canon_waitable_set_wait(fx.b, setb, 16), SR);
	FT_EQ(ld32(fx.b_mem, 16), rsi);
	FT_EQ(ld32(fx.b_mem, 20), FLUE_DROPPED | 0u << 4);
	flue_canon_stream_drop_readable(fx.b, fx.u8, rsi);
	flue_canon_waitable_set_drop(fx.b, setb);
}

/* test_wasm_to_wasm_stream_empty: `stream` with no element type; pointers
 * (10000, 1000000: beyond memory) are ignored, counts are exact. */
FT_TEST(wasm_to_wasm_stream_empty)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.unit);
	uint32_t wsi = hi32(s), rsi = to_b(lo32(s), fx.unit);
	FT_EQ(rsi, 1);
	FT_EQ(rd(fx.b, fx.unit, rsi, 0, 8), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.unit, wsi, 10000, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(wr(fx.a, fx.unit, wsi, 10000, 2), PACK(FLUE_COMPLETED, 2));
	uint32_t setb = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, rsi, setb);
	FT_EQ(flue_canon_waitable_set_wait(fx.b, setb, 0), SR);
	FT_EQ(ld32(fx.b_mem, 0), rsi);
	FT_EQ(ld32(fx.b_mem, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(wr(fx.a, fx.unit, wsi, 0, 8), FLUE_BLOCKED);
	uint32_t seta = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, wsi, seta);
	FT_EQ(rd(fx.b, fx.unit, rsi, 1000000, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(rd(fx.b, fx.unit, rsi, 1000000, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(flue_canon_waitable_set_wait(fx.a, seta, 16), SW);
	FT_EQ(ld32(fx.a_mem, 16), wsi);
	FT_EQ(ld32(fx.a_mem, 20), PACK(FLUE_COMPLETED, 4));
	uint32_t errctxi = flue_canon_error_context_new(fx.a, 0, 0);
	flue_canon_waitable_join(fx.a, wsi, 0);
	flue_canon_stream_drop_writable(fx.a, fx.unit, wsi);
	flue_canon_error_context_drop(fx.a, errctxi);
	FT_EQ(rd(fx.b, fx.unit, rsi, 1000000, 2), PACK(FLUE_DROPPED, 0));
	flue_canon_waitable_join(fx.b, rsi, 0);
	flue_canon_stream_drop_readable(fx.b, fx.unit, rsi);
	flue_canon_waitable_set_drop(fx.a, seta);
	flue_canon_waitable_set_drop(fx.b, setb);
}

/* test_self_copy(elemt): same-instance future and stream, every buffer
 * and payload at ptr 0. `v` holds three elements (size bytes each); `x` is
 * what memory must hold after the stream part: element 1 and 2 moved down
 * over element 0 (reads of 1 then of 4 at ptr 0 against a write of 3 at
 * ptr 0: memmove), floats canonicalised. The future carries element 1 and
 * leaves x's element 0 at ptr 0. */
static void self_copy(flue_type_t t, uint32_t size, const uint8_t *v, const uint8_t *x)
{
	uint8_t *m = fx.a_mem;
	uint32_t seti = flue_canon_waitable_set_new(fx.a);
	FT_EQ(seti, 1);
	uint64_t f = flue_canon_future_new(fx.a, t);
	uint32_t rfi = lo32(f), wfi = hi32(f);
	FT_EQ(rfi, 2);
	FT_EQ(wfi, 3);
	memcpy(m, v + size, size);
	FT_EQ(flue_canon_future_write(fx.a, t, ASYNC, wfi, 0), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_read(fx.a, t, ASYNC, rfi, 0), FLUE_COMPLETED);
	FT_TRUE(memcmp(m, x, size) == 0);
	flue_canon_future_drop_readable(fx.a, t, rfi);
	flue_canon_waitable_join(fx.a, wfi, seti);
	FT_EQ(flue_canon_waitable_set_wait(fx.a, seti, 0),
	      FLUE_EVENT_CODE_FUTURE_WRITE);
	FT_EQ(ld32(m, 0), wfi);
	FT_EQ(ld32(m, 4), FLUE_COMPLETED);
	flue_canon_future_drop_writable(fx.a, t, wfi);

	uint64_t s = flue_canon_stream_new(fx.a, t);
	uint32_t rsi = lo32(s), wsi = hi32(s);
	FT_EQ(rsi, 3); /* LIFO: rfi (2) then wfi (3) were freed */
	FT_EQ(wsi, 2);
	memcpy(m, v, 3 * size);
	FT_EQ(wr(fx.a, t, wsi, 0, 3), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, t, rsi, 0, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(rd(fx.a, t, rsi, 0, 4), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(m, x, 3 * size) == 0);
	flue_canon_stream_drop_readable(fx.a, t, rsi);
	flue_canon_waitable_join(fx.a, wsi, seti);
	FT_EQ(flue_canon_waitable_set_wait(fx.a, seti, 0), SW);
	FT_EQ(ld32(m, 0), wsi);
	FT_EQ(ld32(m, 4), PACK(FLUE_DROPPED, 3));
	flue_canon_stream_drop_writable(fx.a, t, wsi);
	flue_canon_waitable_set_drop(fx.a, seti);
}

FT_TEST(self_copy_unit)
{
	fx_setup();
	self_copy(fx.unit, 0, (const uint8_t *)"", (const uint8_t *)"");
}

FT_TEST(self_copy_u8)
{
	fx_setup();
	self_copy(fx.u8, 1, (const uint8_t *)"\x01\x02\x03", (const uint8_t *)"\x02\x03\x03");
}

FT_TEST(self_copy_f64)
{
	uint8_t v[24], x[24];
	fx_setup();
	st64(v, 0, 0x3FF0000000000000u);  /* 1.0 */
	st64(v, 8, 0x7FF0000000000001u);  /* signalling NaN with payload */
	st64(v, 16, 0x4000000000000000u); /* 2.0 */
	st64(x, 0, 0x7FF8000000000000u);  /* canonical NaN */
	st64(x, 8, 0x4000000000000000u);
	st64(x, 16, 0x4000000000000000u);
	self_copy(fx.f64, 8, v, x);
}

/* ------------------------------------------ floats and overlapping copies */

FT_TEST(f64_and_f32_nans_are_canonicalised)
{
	fx_setup();
	flue_type_t f32 = 0;
	struct flue_type_desc d = { .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_F32 };
	FT_EQ(flue_type_register(&fx.store, &d, &f32), 0);
	uint64_t s = flue_canon_stream_new(fx.a, fx.f64);
	uint32_t r = to_b(lo32(s), fx.f64), w = hi32(s);
	st64(fx.a_mem, 64, 0x3FF8000000000000u);  /* 1.5 */
	st64(fx.a_mem, 72, 0x7FF0000000000001u);  /* sNaN */
	st64(fx.a_mem, 80, 0xFFF8000000000001u);  /* negative qNaN, payload */
	st64(fx.a_mem, 88, 0xFFF0000000000000u);  /* -inf stays */
	FT_EQ(rd(fx.b, fx.f64, r, 128, 4), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.f64, w, 64, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(ld64(fx.b_mem, 128), 0x3FF8000000000000u);
	FT_EQ(ld64(fx.b_mem, 136), 0x7FF8000000000000u);
	FT_EQ(ld64(fx.b_mem, 144), 0x7FF8000000000000u);
	FT_EQ(ld64(fx.b_mem, 152), 0xFFF0000000000000u);
	FT_EQ(ld64(fx.a_mem, 72), 0x7FF0000000000001u); /* source untouched */

	uint64_t s2 = flue_canon_stream_new(fx.a, f32);
	uint32_t w2 = hi32(s2);
	uint32_t r2 = lo32(s2);
	const uint32_t in[4] = { 0x7F800001u, 0xFFC00000u, 0x7F800000u, 0x3F800000u };
	const uint32_t out[4] = { 0x7FC00000u, 0x7FC00000u, 0x7F800000u, 0x3F800000u };
	for (uint32_t i = 0; i < 4; i++)
		for (uint32_t b = 0; b < 4; b++)
			fx.a_mem[256 + 4 * i + b] = (uint8_t)(in[i] >> (8 * b));
	FT_EQ(wr(fx.a, f32, w2, 256, 4), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, f32, r2, 512, 4), PACK(FLUE_COMPLETED, 4));
	for (uint32_t i = 0; i < 4; i++)
		FT_EQ(ld32(fx.a_mem, 512 + 4 * i), out[i]);
}

/* Same-instance copies between overlapping ranges behave like memmove, in
 * both directions and whichever side parked first. */
FT_TEST(overlapping_self_copy_is_memmove)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t r = lo32(s), w = hi32(s);
	memcpy(fx.a_mem + 100, "ABCDEFGH", 8);
	FT_EQ(wr(fx.a, fx.u8, w, 100, 8), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, r, 102, 8), PACK(FLUE_COMPLETED, 8));
	FT_TRUE(memcmp(fx.a_mem + 100, "ABABCDEFGH", 10) == 0);
	/* #719: a cancel turns the drained write's COMPLETED into CANCELLED */
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, w), PACK(FLUE_CANCELLED, 8));
	memcpy(fx.a_mem + 200, "ABCDEFGH", 8);
	FT_EQ(rd(fx.a, fx.u8, r, 198, 8), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, w, 200, 8), PACK(FLUE_COMPLETED, 8));
	FT_TRUE(memcmp(fx.a_mem + 198, "ABCDEFGHGH", 10) == 0);

	uint64_t t = flue_canon_stream_new(fx.a, fx.f64);
	st64(fx.a_mem, 1024, 0x3FF0000000000000u);
	st64(fx.a_mem, 1032, 0x7FF4000000000000u); /* sNaN */
	st64(fx.a_mem, 1040, 0x4008000000000000u);
	FT_EQ(rd(fx.a, fx.f64, lo32(t), 1032, 3), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.f64, hi32(t), 1024, 3), PACK(FLUE_COMPLETED, 3));
	FT_EQ(ld64(fx.a_mem, 1024), 0x3FF0000000000000u);
	FT_EQ(ld64(fx.a_mem, 1032), 0x3FF0000000000000u);
	FT_EQ(ld64(fx.a_mem, 1040), 0x7FF8000000000000u);
	FT_EQ(ld64(fx.a_mem, 1048), 0x4008000000000000u);
}

/* record { u8, u32 } across instances: fields are stored one by one, so the
 * reader's padding bytes (1..3 of each element) keep their old contents, as
 * store_record does in the reference. */
FT_TEST(record_copy_stores_fields_not_padding)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.rec);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.rec);
	memcpy(fx.a_mem + 64, "\x41\x11\x11\x11\x01\x02\x03\x04\x42\x22\x22\x22\x05\x06\x07\x08",
	       16);
	memset(fx.b_mem + 128, 0xEE, 16);
	FT_EQ(rd(fx.b, fx.rec, r, 128, 2), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.rec, w, 64, 2), PACK(FLUE_COMPLETED, 2));
	FT_TRUE(memcmp(fx.b_mem + 128,
		       "\x41\xEE\xEE\xEE\x01\x02\x03\x04\x42\xEE\xEE\xEE\x05\x06\x07\x08", 16) == 0);
}

/* -------------------------------------------------------------- cancel */

/* test_cancel_copy, first two parts (B's guest reader stands in for the
 * host sink), as #719 changed them: cancel after partial progress returns
 * CANCELLED with that progress (6d28164: COMPLETED), in the sync and the
 * async form; the rest of the buffer is never sent. */
FT_TEST(cancel_after_partial_progress_is_cancelled)
{
	fx_setup();
	for (uint32_t round = 0; round < 2; round++) {
		uint32_t opts = round == 0 ? 0u : ASYNC;
		uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
		uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
		FT_EQ(w, round == 0 ? 2 : 1); /* round 1: A's free list is [1, 2] */
		FT_EQ(r, 1);
		memcpy(fx.a_mem, round == 0 ? "\x0a\x0b\x0c\x0d" : "\x01\x02\x03\x04", 4);
		FT_EQ(wr(fx.a, fx.u8, w, 0, 4), FLUE_BLOCKED);
		FT_EQ(rd(fx.b, fx.u8, r, 0, 2), PACK(FLUE_COMPLETED, 2));
		FT_TRUE(memcmp(fx.b_mem, fx.a_mem, 2) == 0);
		FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, opts, w),
		      PACK(FLUE_CANCELLED, 2));
		flue_canon_stream_drop_writable(fx.a, fx.u8, w);
		/* sync read: immediate end of stream, nothing more arrives */
		FT_EQ(flue_canon_stream_read(fx.b, fx.u8, 0, r, 16, 100), PACK(FLUE_DROPPED, 0));
		FT_EQ(fx.b_mem[16], 0);
		flue_canon_stream_drop_readable(fx.b, fx.u8, r);
	}
	/* the same for a read that was partially filled */
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 4), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, w, 0, 3), PACK(FLUE_COMPLETED, 3));
	FT_EQ(flue_canon_stream_cancel_read(fx.b, fx.u8, 0, r), PACK(FLUE_CANCELLED, 3));
}

/* test_cancel_copy, third part: sync cancel-read of an end not in a set with
 * nothing copied → CANCELLED 0; the end is idle again. Async form too, in a
 * set: the result is returned, not queued in the set. */
FT_TEST(cancel_with_nothing_copied_is_cancelled)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_cancel_read(fx.b, fx.u8, 0, r), PACK(FLUE_CANCELLED, 0));
	FT_EQ(wr(fx.a, fx.u8, w, 0, 4), FLUE_BLOCKED); /* the read is gone */
	uint32_t seta = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, w, seta);
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, ASYNC, w), PACK(FLUE_CANCELLED, 0));
	EXPECT_NONE(fx.a, fx.a_mem, seta);
	memcpy(fx.a_mem, "z", 1);
	FT_EQ(rd(fx.b, fx.u8, r, 8, 4), FLUE_BLOCKED); /* idle again: both can re-issue */
	FT_EQ(wr(fx.a, fx.u8, w, 0, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.b_mem[8], 'z');
}

/* A pending DROPPED wins over CANCELLED (#719: CANCELLED or DROPPED); the
 * end is then DONE. */
FT_TEST(cancel_after_peer_drop_is_dropped)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	FT_EQ(wr(fx.a, fx.u8, w, 0, 4), FLUE_BLOCKED);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 1), PACK(FLUE_COMPLETED, 1));
	flue_canon_stream_drop_readable(fx.b, fx.u8, r);
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, w), PACK(FLUE_DROPPED, 1));
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, wr(fx.a, fx.u8, w, 0, 1));
}

/* ------------------------------------------ sync forms that don't block */

/* test_async_stream_ops / test_eager_stream_completion: a synchronous op
 * whose peer is ready completes at once; a sync read after the writer
 * dropped returns DROPPED (1). */
FT_TEST(sync_ops_with_ready_peer)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t w = hi32(s), r = to_b(lo32(s), fx.u8);
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, r, ws);
	FT_EQ(rd(fx.b, fx.u8, r, 0, 4), FLUE_BLOCKED);
	memcpy(fx.a_mem, "wxyz", 4);
	FT_EQ(flue_canon_stream_write(fx.a, fx.u8, 0, w, 0, 4), PACK(FLUE_COMPLETED, 4));
	EXPECT_EVENT(fx.b, fx.b_mem, ws, SR, r, PACK(FLUE_COMPLETED, 4));
	flue_canon_waitable_join(fx.b, r, 0); /* a sync op needs the end out of the set */
	FT_EQ(wr(fx.a, fx.u8, w, 0, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(fx.b, fx.u8, 0, r, 4, 4), PACK(FLUE_COMPLETED, 4));
	/* #719: the cancel reports the taken write as CANCELLED|4 */
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, w), PACK(FLUE_CANCELLED, 4));
	FT_EQ(wr(fx.a, fx.u8, w, 0, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(fx.b, fx.u8, 0, r, 0, 0), PACK(FLUE_COMPLETED, 0));
	FT_EQ(flue_canon_stream_read(fx.b, fx.u8, 0, r, 8, 4), PACK(FLUE_COMPLETED, 4));
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, w), PACK(FLUE_CANCELLED, 4));
	FT_TRUE(memcmp(fx.b_mem, "wxyzwxyzwxyz", 12) == 0);
	flue_canon_stream_drop_writable(fx.a, fx.u8, w);
	FT_EQ(flue_canon_stream_read(fx.b, fx.u8, 0, r, 0, 4), 1);
}


FT_SUITE(streams,
	 FT_CASE(zero_read_vs_pending_write),
	 FT_CASE(zero_write_vs_pending_read),
	 FT_CASE(zero_write_vs_zero_read),
	 FT_CASE(zero_read_vs_zero_write),
	 FT_CASE(exhausted_pending_notified_arriving_parks),
	 FT_CASE(partial_write_reclaimed_on_delivery),
	 FT_CASE(read_filled_by_two_writes_one_event),
	 FT_CASE(wasm_to_wasm_stream),
	 FT_CASE(wasm_to_wasm_stream_empty),
	 FT_CASE(self_copy_unit),
	 FT_CASE(self_copy_u8),
	 FT_CASE(self_copy_f64),
	 FT_CASE(f64_and_f32_nans_are_canonicalised),
	 FT_CASE(overlapping_self_copy_is_memmove),
	 FT_CASE(record_copy_stores_fields_not_padding),
	 FT_CASE(cancel_after_partial_progress_is_cancelled),
	 FT_CASE(cancel_with_nothing_copied_is_cancelled),
	 FT_CASE(cancel_after_peer_drop_is_dropped),
	 FT_CASE(sync_ops_with_ready_peer))
