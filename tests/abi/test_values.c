/*
 * Component values at a call boundary (src/abi/values.c): flattening,
 * lift_flat_values / lower_flat_values and the canonical memory layout,
 * and stream/future ends moving between instances (lift_async_value,
 * lower_stream/lower_future @ 6d28164). Expected values are worked out
 * from the reference's definitions, not from the implementation.
 */
#include "abi_test.h"
#include <flue/functype.h>

#include "../../src/abi/values.h"

#define VT(k) ((struct flue_valtype){ .kind = (k) })
#define VEND(k, t) ((struct flue_valtype){ .kind = (k), .elem = (t) })
#define NEG(x) ((uint64_t)0 - (uint64_t)(x)) /* two's complement of -x in 64 bits */

/* record { u8, u32, u8 }: offsets 0, 4, 8; size 12, align 4. */
static const struct flue_valtype REC3 = {
	.kind = FLUE_VAL_RECORD, .nfields = 3,
	.fields = { { FLUE_VAL_U8, 0 }, { FLUE_VAL_U32, 0 }, { FLUE_VAL_U8, 0 } },
};

static void st32(uint8_t *m, uint32_t off, uint32_t v)
{
	for (uint32_t i = 0; i < 4u; i++)
		m[off + i] = (uint8_t)(v >> (8u * i));
}

static uint64_t ld64(const uint8_t *m, uint32_t off)
{
	return (uint64_t)ld32(m, off) | (uint64_t)ld32(m, off + 4) << 32;
}

static void lift(struct flue_instance *i, const struct flue_valtype *ts, uint32_t nts,
		 uint32_t max_flat, const flue_flat_t *flat, uint32_t nflat, struct flue_values *out)
{
	flue_values_lift(i, ts, nts, max_flat, flat, nflat, out);
}

/* ------------------------------------------------------------ flattening */

FT_TEST(flat_counts)
{
	struct flue_valtype ts[17];
	for (uint32_t i = 0; i < 17u; i++)
		ts[i] = VT(FLUE_VAL_U8);
	FT_EQ(flue_flat_count(ts, 0), 0);
	FT_EQ(flue_flat_count(ts, 1), 1);
	FT_EQ(flue_flat_count(ts, 17), 17);
	FT_EQ(flue_flat_count(&REC3, 1), 3);
	struct flue_valtype mix[] = { VT(FLUE_VAL_BOOL), VT(FLUE_VAL_U64), VT(FLUE_VAL_F32),
				      VT(FLUE_VAL_F64), VEND(FLUE_VAL_STREAM, 1),
				      VEND(FLUE_VAL_FUTURE, 1), REC3 };
	FT_EQ(flue_flat_count(mix, 7), 9);
	/* string and list flatten to (ptr, len) in the reference */
	struct flue_valtype sl[] = { VT(FLUE_VAL_STRING), VT(FLUE_VAL_LIST) };
	FT_EQ(flue_flat_count(sl, 2), 4);
}

/* ------------------------------------------------------- flat lift/lower */

/* lift_flat_unsigned/signed: i % 2^width, then two's complement for
 * signed types; convert_int_to_bool: any non-zero i32 is true. */
FT_TEST(lift_flat_wraps_and_sign_extends)
{
	fx_setup();
	struct flue_valtype ts[] = {
		VT(FLUE_VAL_U8),  VT(FLUE_VAL_S8),  VT(FLUE_VAL_U16), VT(FLUE_VAL_S16),
		VT(FLUE_VAL_U32), VT(FLUE_VAL_S32), VT(FLUE_VAL_BOOL), VT(FLUE_VAL_U64),
		VT(FLUE_VAL_S64), VT(FLUE_VAL_S8),  VT(FLUE_VAL_U8),  VT(FLUE_VAL_BOOL),
	};
	flue_flat_t flat[] = { 256, 0xFF, 0x1FFFF, 0x8000, 0xFFFFFFFF, 0x80000000, 2,
			       0xFFFFFFFFFFFFFFFFu, 0x8000000000000000u, 0x17F, 0x1FF, 0 };
	struct flue_values v;
	memset(&v, 0xA5, sizeof v);
	lift(fx.a, ts, 12, FLUE_MAX_FLAT_PARAMS, flat, 12, &v);
	FT_EQ(v.n, 12);
	FT_EQ(v.v[0], 0);
	FT_EQ(v.v[1], NEG(1));
	FT_EQ(v.v[2], 0xFFFF);
	FT_EQ(v.v[3], NEG(32768));
	FT_EQ(v.v[4], 0xFFFFFFFFu);
	FT_EQ(v.v[5], NEG(0x80000000u));
	FT_EQ(v.v[6], 1);
	FT_EQ(v.v[7], 0xFFFFFFFFFFFFFFFFu);
	FT_EQ(v.v[8], 0x8000000000000000u);
	FT_EQ(v.v[9], 127);
	FT_EQ(v.v[10], 255);
	FT_EQ(v.v[11], 0);
}

/* lower_flat_signed: negative values + 2^32 (i32) or + 2^64 (i64). */
FT_TEST(lower_flat_twos_complement)
{
	fx_setup();
	struct flue_valtype ts[] = { VT(FLUE_VAL_S8), VT(FLUE_VAL_S16), VT(FLUE_VAL_S32),
				     VT(FLUE_VAL_S64), VT(FLUE_VAL_U8), VT(FLUE_VAL_BOOL),
				     VT(FLUE_VAL_U64), VT(FLUE_VAL_BOOL) };
	struct flue_values v = { 8, { NEG(1), NEG(2), NEG(0x80000000u), NEG(1), 200, 1,
				      0xFEDCBA9876543210u, 0 } };
	flue_flat_t flat[16];
	uint32_t n = 99;
	flue_values_lower(fx.b, ts, 8, FLUE_MAX_FLAT_PARAMS, &v, flat, &n, NULL, NULL, NULL);
	FT_EQ(n, 8);
	FT_EQ(flat[0], 0xFFFFFFFFu);
	FT_EQ(flat[1], 0xFFFFFFFEu);
	FT_EQ(flat[2], 0x80000000u);
	FT_EQ(flat[3], 0xFFFFFFFFFFFFFFFFu);
	FT_EQ(flat[4], 200);
	FT_EQ(flat[5], 1);
	FT_EQ(flat[6], 0xFEDCBA9876543210u);
	FT_EQ(flat[7], 0);
}

/* canonicalize_nan32/64 on lift; maybe_scramble_nan* under the
 * deterministic profile on lower: every NaN becomes the canonical NaN,
 * other bits (infinities, -0.0) pass unchanged. */
FT_TEST(nan_canonicalised_both_ways)
{
	fx_setup();
	struct flue_valtype ts[] = { VT(FLUE_VAL_F32), VT(FLUE_VAL_F32), VT(FLUE_VAL_F32),
				     VT(FLUE_VAL_F32), VT(FLUE_VAL_F64), VT(FLUE_VAL_F64),
				     VT(FLUE_VAL_F64) };
	flue_flat_t in[] = { 0x7F800001u, 0xFFC12345u, 0x7F800000u, 0x80000000u,
			     0xFFF0000000000001u, 0x3FF0000000000000u, 0xFFF0000000000000u };
	const uint64_t want[] = { 0x7FC00000u, 0x7FC00000u, 0x7F800000u, 0x80000000u,
				  0x7FF8000000000000u, 0x3FF0000000000000u,
				  0xFFF0000000000000u };
	struct flue_values v;
	lift(fx.a, ts, 7, FLUE_MAX_FLAT_PARAMS, in, 7, &v);
	for (uint32_t i = 0; i < 7u; i++)
		FT_EQ(v.v[i], want[i]);

	/* lower, flat form */
	struct flue_values raw = { 7, { 0 } };
	memcpy(raw.v, in, sizeof in);
	flue_flat_t out[16];
	uint32_t n = 0;
	flue_values_lower(fx.b, ts, 7, FLUE_MAX_FLAT_PARAMS, &raw, out, &n, NULL, NULL, NULL);
	FT_EQ(n, 7);
	for (uint32_t i = 0; i < 7u; i++)
		FT_EQ(out[i], want[i]);

	/* lower, memory form (max_flat 1): f32s at 0,4,8,12, f64s at 16,24,32 */
	uint32_t at = 0x800;
	flue_values_lower(fx.b, ts, 7, 1, &raw, out, &n, &at, NULL, NULL);
	FT_EQ(n, 0);
	for (uint32_t i = 0; i < 4u; i++)
		FT_EQ(ld32(fx.b_mem, at + 4u * i), want[i]);
	for (uint32_t i = 0; i < 3u; i++)
		FT_EQ(ld64(fx.b_mem, at + 16u + 8u * i), want[4 + i]);

	/* lift, memory form: load decodes with canonicalize_nan too */
	flue_flat_t p = 0x900;
	st32(fx.a_mem, 0x900, 0x7FA00000u);
	struct flue_valtype f1[] = { VT(FLUE_VAL_F32), VT(FLUE_VAL_F32) };
	st32(fx.a_mem, 0x904, 0x3F800000u);
	lift(fx.a, f1, 2, 1, &p, 1, &v);
	FT_EQ(v.v[0], 0x7FC00000u);
	FT_EQ(v.v[1], 0x3F800000u);
}

/* ------------------------------------------------------- memory form */

/* 17 flat params > MAX_FLAT_PARAMS: one pointer to a tuple of 17 u8s at
 * consecutive offsets (alignment 1, size 17). The last is a bool here:
 * load's convert_int_to_bool maps the byte 2 to true. */
FT_TEST(lift_17_params_from_memory)
{
	fx_setup();
	struct flue_valtype ts[17];
	for (uint32_t i = 0; i < 16u; i++)
		ts[i] = VT(FLUE_VAL_U8);
	ts[16] = VT(FLUE_VAL_BOOL);
	for (uint32_t i = 0; i < 17u; i++)
		fx.a_mem[0x101 + i] = (uint8_t)(0xF0u + i);
	fx.a_mem[0x101 + 16] = 2;
	flue_flat_t p = 0x101; /* odd: a tuple of bytes needs no alignment */
	struct flue_values v;
	lift(fx.a, ts, 17, FLUE_MAX_FLAT_PARAMS, &p, 1, &v);
	FT_EQ(v.n, 17);
	for (uint32_t i = 0; i < 16u; i++)
		FT_EQ(v.v[i], 0xF0u + i);
	FT_EQ(v.v[16], 1);

	/* exactly at the end of memory is in bounds; one further is not */
	p = MEM_SIZE - 17u;
	lift(fx.a, ts, 17, FLUE_MAX_FLAT_PARAMS, &p, 1, &v);
	p = MEM_SIZE - 16u;
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, lift(fx.a, ts, 17, FLUE_MAX_FLAT_PARAMS, &p, 1, &v));
}

/* A record result (3 flat > MAX_FLAT_RESULTS): fields at 0, 4, 8,
 * padding ignored; alignment 4; size 12. */
FT_TEST(lift_record_from_memory)
{
	fx_setup();
	memset(fx.a_mem + 0x200, 0xEE, 16);
	fx.a_mem[0x200] = 0xAA;
	st32(fx.a_mem, 0x204, 0x11223344u);
	fx.a_mem[0x208] = 0xBB;
	flue_flat_t p = 0x200;
	struct flue_values v;
	lift(fx.a, &REC3, 1, FLUE_MAX_FLAT_RESULTS, &p, 1, &v);
	FT_EQ(v.n, 3);
	FT_EQ(v.v[0], 0xAA);
	FT_EQ(v.v[1], 0x11223344u);
	FT_EQ(v.v[2], 0xBB);

	/* the same record in flat form: one value per field */
	flue_flat_t f[] = { 0x1AA, 7, 0x2BB };
	lift(fx.a, &REC3, 1, FLUE_MAX_FLAT_PARAMS, f, 3, &v);
	FT_EQ(v.v[0], 0xAA);
	FT_EQ(v.v[1], 7);
	FT_EQ(v.v[2], 0xBB);

	/* the whole 12 bytes must fit: MEM_SIZE - 12 is fine, - 8 is not */
	p = MEM_SIZE - 12u;
	lift(fx.a, &REC3, 1, FLUE_MAX_FLAT_RESULTS, &p, 1, &v);
	p = 0x202;
	FT_TRAPS(FLUE_TRAP_MISALIGNED, lift(fx.a, &REC3, 1, FLUE_MAX_FLAT_RESULTS, &p, 1, &v));
	FT_TRUE(FX_READ(fx.a->poisoned));
	fx_setup();
	p = MEM_SIZE - 8u;
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS,
		 lift(fx.a, &REC3, 1, FLUE_MAX_FLAT_RESULTS, &p, 1, &v));
	fx_setup();
	p = 0xFFFFFFFCu;
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS,
		 lift(fx.a, &REC3, 1, FLUE_MAX_FLAT_RESULTS, &p, 1, &v));
}

FT_TEST(memory_form_without_memory_traps)
{
	fx_setup();
	struct flue_instance *c = NULL;
	FT_EQ(flue_instance_create(&fx.store, &c), 0);
	flue_flat_t p = 0;
	struct flue_values v;
	FT_TRAPS(FLUE_TRAP_NO_MEMORY, lift(c, &REC3, 1, 1, &p, 1, &v));
	FT_TRUE(FX_READ(c->poisoned));
	FT_FALSE(FX_READ(fx.a->poisoned));
}

/* The alloc callback: records what it was asked for, returns `ret`. */
struct alloc_rec {
	uint32_t calls, align, size, ret;
};

static uint32_t rec_alloc(void *ctx, uint32_t align, uint32_t size)
{
	struct alloc_rec *r = ctx;
	r->calls++;
	r->align = align;
	r->size = size;
	return r->ret;
}

/* Tuple (u8, record {u8, u32, u8}, u8, u16): u8 at 0; the record aligned
 * to 4 at 4 (fields 4, 8, 12; size 12 → ends at 16); u8 at 16; u16 at 18;
 * size 20 rounded to the tuple's alignment 4. */
static const struct flue_valtype TUP[] = {
	{ .kind = FLUE_VAL_U8 },
	{ .kind = FLUE_VAL_RECORD, .nfields = 3,
	  .fields = { { FLUE_VAL_U8, 0 }, { FLUE_VAL_U32, 0 }, { FLUE_VAL_U8, 0 } } },
	{ .kind = FLUE_VAL_U8 },
	{ .kind = FLUE_VAL_U16 },
};

FT_TEST(lower_memory_via_alloc)
{
	fx_setup();
	struct flue_values v = { 6, { 0x11, 0x22, 0x33445566u, 0x77, 0x88, 0xFFFF } };
	struct alloc_rec r = { 0, 0, 0, 0x400 };
	flue_flat_t flat[2] = { 0, 0 };
	uint32_t n = 0;
	memset(fx.b_mem + 0x400, 0xEE, 32);
	flue_values_lower(fx.b, TUP, 4, FLUE_MAX_FLAT_ASYNC_PARAMS, &v, flat, &n, NULL,
			  rec_alloc, &r);
	FT_EQ(r.calls, 1);
	FT_EQ(r.align, 4);
	FT_EQ(r.size, 20);
	FT_EQ(n, 1);
	FT_EQ(flat[0], 0x400);
	FT_EQ(fx.b_mem[0x400], 0x11);
	FT_EQ(fx.b_mem[0x404], 0x22);
	FT_EQ(ld32(fx.b_mem, 0x408), 0x33445566u);
	FT_EQ(fx.b_mem[0x40C], 0x77);
	FT_EQ(fx.b_mem[0x410], 0x88);
	FT_EQ(fx.b_mem[0x412] | fx.b_mem[0x413] << 8, 0xFFFF);
	FT_EQ(fx.b_mem[0x401], 0xEE); /* padding untouched */

	/* a lift of the same bytes gives the values back */
	struct flue_values back;
	flue_flat_t p = 0x400;
	lift(fx.b, TUP, 4, FLUE_MAX_FLAT_ASYNC_PARAMS, &p, 1, &back);
	FT_EQ(back.n, 6);
	for (uint32_t i = 0; i < 6u; i++)
		FT_EQ(back.v[i], v.v[i]);

	/* misaligned or out-of-range allocations trap the instance lowered into */
	r.ret = 0x402;
	FT_TRAPS(FLUE_TRAP_MISALIGNED, flue_values_lower(fx.b, TUP, 4, 4, &v, flat, &n, NULL,
							 rec_alloc, &r));
	fx_setup();
	r.ret = MEM_SIZE - 16u;
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, flue_values_lower(fx.b, TUP, 4, 4, &v, flat, &n, NULL,
							    rec_alloc, &r));
	fx_setup();
	FT_TRAPS(FLUE_TRAP_BAD_VALUE,
		 flue_values_lower(fx.b, TUP, 4, 4, &v, flat, &n, NULL, NULL, NULL));
	FT_TRUE(FX_READ(fx.b->poisoned));
}

FT_TEST(lower_memory_via_out_ptr)
{
	fx_setup();
	struct flue_values v = { 3, { 0xFF, 0xCAFEBABEu, 2 } };
	flue_flat_t flat[1] = { 0x5A5A };
	uint32_t n = 99, at = 0x300;
	struct alloc_rec r = { 0, 0, 0, 0 };
	memset(fx.b_mem + 0x300, 0xEE, 12);
	flue_values_lower(fx.b, &REC3, 1, FLUE_MAX_FLAT_RESULTS, &v, flat, &n, &at, rec_alloc, &r);
	FT_EQ(r.calls, 0);
	FT_EQ(n, 0);
	FT_EQ(flat[0], 0x5A5A);
	FT_EQ(fx.b_mem[0x300], 0xFF);
	FT_EQ(fx.b_mem[0x301], 0xEE);
	FT_EQ(ld32(fx.b_mem, 0x304), 0xCAFEBABEu);
	FT_EQ(fx.b_mem[0x308], 2);

	at = 0x301;
	FT_TRAPS(FLUE_TRAP_MISALIGNED,
		 flue_values_lower(fx.b, &REC3, 1, 1, &v, flat, &n, &at, NULL, NULL));
	fx_setup();
	at = MEM_SIZE - 8u;
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS,
		 flue_values_lower(fx.b, &REC3, 1, 1, &v, flat, &n, &at, NULL, NULL));
	FT_TRUE(FX_READ(fx.b->poisoned));
	FT_FALSE(FX_READ(fx.a->poisoned));
}

/* ------------------------------------------------------------- ends */

/* A stream<u8> created in A (readable 1, writable 2) travels to B as the
 * second param: lift removes it from A, lower adds a readable end to B at
 * the index B's LIFO free list gives. */
FT_TEST(stream_end_moves_a_to_b)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(s), 1);
	FT_EQ(hi32(s), 2);
	/* B: stream (1, 2) and a set (3); dropping readable 1 frees slot 1 */
	FT_EQ(lo32(flue_canon_stream_new(fx.b, fx.u32)), 1);
	FT_EQ(flue_canon_waitable_set_new(fx.b), 3);
	flue_canon_stream_drop_readable(fx.b, fx.u32, 1);

	struct flue_valtype ts[] = { VT(FLUE_VAL_U32), VEND(FLUE_VAL_STREAM, fx.u8) };
	flue_flat_t in[] = { 7, 1 };
	struct flue_values v;
	lift(fx.a, ts, 2, FLUE_MAX_FLAT_PARAMS, in, 2, &v);
	FT_EQ(v.n, 2);
	FT_EQ(v.v[0], 7);
	uint16_t si = (uint16_t)v.v[1];
	FT_EQ(FX_READ(fx.a->handles[1].kind), FLUE_H_FREE);
	FT_EQ(FX_READ(fx.store.shared[si].type), fx.u8);
	FT_EQ(FX_READ(fx.store.shared[si].reader_inst), FLUE_REF_TRANSIT); /* in transit */
	FT_EQ(FX_READ(fx.store.shared[si].writer_inst), FX_READ(fx.a->id));

	flue_flat_t out[16];
	uint32_t n = 0;
	flue_values_lower(fx.b, ts, 2, FLUE_MAX_FLAT_PARAMS, &v, out, &n, NULL, NULL, NULL);
	FT_EQ(n, 2);
	FT_EQ(out[0], 7);
	FT_EQ(out[1], 1);
	FT_EQ(FX_READ(fx.b->handles[1].kind), FLUE_H_STREAM_READABLE);
	FT_EQ(FX_READ(fx.b->handles[1].u.end.shared), si);
	FT_EQ(FX_READ(fx.store.shared[si].reader_inst), FX_READ(fx.b->id));
	FT_EQ(FX_READ(fx.store.shared[si].reader_handle), 1);

	/* the stream works across the move */
	memcpy(fx.a_mem + 100, "xyz", 3);
	FT_EQ(wr(fx.a, fx.u8, 2, 100, 3), FLUE_BLOCKED);
	FT_EQ(rd(fx.b, fx.u8, 1, 200, 3), PACK(FLUE_COMPLETED, 3));
	FT_TRUE(memcmp(fx.b_mem + 200, "xyz", 3) == 0);

	/* the old handle in A is gone */
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, lift(fx.a, ts, 2, FLUE_MAX_FLAT_PARAMS, in, 2, &v));
	FT_EQ(fx.handle, 1);
}

/* A future<u32> in a memory-form tuple: the handle is a 4-byte field. */
FT_TEST(future_end_moves_through_memory)
{
	fx_setup();
	uint64_t f = flue_canon_future_new(fx.a, fx.u32);
	struct flue_valtype ts[] = { VT(FLUE_VAL_U8), VEND(FLUE_VAL_FUTURE, fx.u32) };
	fx.a_mem[0x40] = 9;
	st32(fx.a_mem, 0x44, lo32(f));
	flue_flat_t p = 0x40;
	struct flue_values v;
	lift(fx.a, ts, 2, 1, &p, 1, &v);
	FT_EQ(v.v[0], 9);
	FT_EQ(FX_READ(fx.a->handles[lo32(f)].kind), FLUE_H_FREE);
	uint32_t at = 0x80;
	flue_flat_t out[1];
	uint32_t n = 0;
	flue_values_lower(fx.b, ts, 2, 1, &v, out, &n, &at, NULL, NULL);
	FT_EQ(fx.b_mem[0x80], 9);
	uint32_t h = ld32(fx.b_mem, 0x84);
	FT_EQ(h, 1); /* B's table was empty */
	FT_EQ(FX_READ(fx.b->handles[h].kind), FLUE_H_FUTURE_READABLE);
	FT_EQ(FX_READ(fx.store.shared[v.v[1]].reader_inst), FX_READ(fx.b->id));
	FT_EQ(FX_READ(fx.store.shared[v.v[1]].reader_handle), h);
	st32(fx.a_mem, 0x10, 0xDEADBEEFu);
	FT_EQ(fwr(fx.a, fx.u32, hi32(f), 0x10), FLUE_BLOCKED);
	FT_EQ(frd(fx.b, fx.u32, h, 0x20), FLUE_COMPLETED);
	FT_EQ(ld32(fx.b_mem, 0x20), 0xDEADBEEFu);
}

/* Fresh A with a stream<u8> (r = 1, w = 2). */
static void stream_in_a(void)
{
	fx_setup();
	FT_EQ(flue_canon_stream_new(fx.a, fx.u8), (uint64_t)2 << 32 | 1u);
}

static void lift_end(uint8_t kind, flue_type_t elem, uint32_t h)
{
	struct flue_valtype t = VEND(kind, elem);
	flue_flat_t in = h;
	struct flue_values v;
	lift(fx.a, &t, 1, FLUE_MAX_FLAT_PARAMS, &in, 1, &v);
}

/* lift_async_value's checks, in order: remove (bad handle), readable end
 * of the right kind, element type, idle, not in a waitable set. */
FT_TEST(lift_end_traps)
{
	stream_in_a();
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, lift_end(FLUE_VAL_STREAM, fx.u8, 9));
	FT_EQ(fx.handle, 9);
	stream_in_a();
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, lift_end(FLUE_VAL_STREAM, fx.u8, 0));
	stream_in_a();
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, lift_end(FLUE_VAL_STREAM, fx.u8, 2)); /* writable */
	FT_EQ(fx.handle, 2);
	stream_in_a();
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, lift_end(FLUE_VAL_FUTURE, fx.u8, 1)); /* a stream */
	stream_in_a();
	FT_TRAPS(FLUE_TRAP_TYPE_MISMATCH, lift_end(FLUE_VAL_STREAM, fx.u32, 1));
	stream_in_a();
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 4), FLUE_BLOCKED);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, lift_end(FLUE_VAL_STREAM, fx.u8, 1));
	stream_in_a();
	FT_EQ(flue_canon_waitable_set_new(fx.a), 3);
	flue_canon_waitable_join(fx.a, 1, 3);
	FT_TRAPS(FLUE_TRAP_END_IN_SET, lift_end(FLUE_VAL_STREAM, fx.u8, 1));
	FT_TRUE(FX_READ(fx.a->poisoned));
	/* idleness is checked before the set: busy and in a set is NOT_IDLE */
	stream_in_a();
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 4), FLUE_BLOCKED);
	FT_EQ(flue_canon_waitable_set_new(fx.a), 3);
	flue_canon_waitable_join(fx.a, 1, 3);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, lift_end(FLUE_VAL_STREAM, fx.u8, 1));
	/* type mismatch is checked before idleness */
	stream_in_a();
	FT_EQ(rd(fx.a, fx.u8, 1, 200, 4), FLUE_BLOCKED);
	FT_TRAPS(FLUE_TRAP_TYPE_MISMATCH, lift_end(FLUE_VAL_STREAM, fx.u32, 1));
}

/* A bad end anywhere in the tuple traps before any end leaves the table;
 * the same handle twice is BAD_HANDLE (removed by its first use). */
FT_TEST(lift_ends_validated_before_any_is_taken)
{
	stream_in_a();
	struct flue_valtype ts[] = { VEND(FLUE_VAL_STREAM, fx.u8), VEND(FLUE_VAL_STREAM, fx.u8) };
	flue_flat_t in[] = { 1, 2 };
	struct flue_values v;
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, lift(fx.a, ts, 2, FLUE_MAX_FLAT_PARAMS, in, 2, &v));
	FT_EQ(FX_READ(fx.a->handles[1].kind), FLUE_H_STREAM_READABLE);
	stream_in_a();
	in[1] = 1;
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, lift(fx.a, ts, 2, FLUE_MAX_FLAT_PARAMS, in, 2, &v));
	FT_EQ(fx.handle, 1);
	FT_EQ(FX_READ(fx.a->handles[1].kind), FLUE_H_STREAM_READABLE);
}

/* take_end / put_end report instead of trapping and change nothing on
 * failure; put_end into a full table returns 0, lower traps TABLE_FULL. */
FT_TEST(single_end_helpers)
{
	stream_in_a();
	uint16_t si = 0xFFFF;
	FT_EQ(flue_values_take_end(fx.a, FLUE_VAL_STREAM, fx.u8, 2, &si), FLUE_TRAP_WRONG_KIND);
	FT_EQ(flue_values_take_end(fx.a, FLUE_VAL_STREAM, fx.f64, 1, &si),
	      FLUE_TRAP_TYPE_MISMATCH);
	FT_EQ(flue_values_take_end(fx.a, FLUE_VAL_STREAM, fx.u8, 5, &si), FLUE_TRAP_BAD_HANDLE);
	FT_EQ(si, 0xFFFF);
	FT_FALSE(FX_READ(fx.a->poisoned));
	FT_EQ(flue_values_take_end(fx.a, FLUE_VAL_STREAM, fx.u8, 1, &si), 0);
	FT_EQ(FX_READ(fx.a->handles[1].kind), FLUE_H_FREE);
	FT_EQ(FX_READ(fx.store.shared[si].reader_inst), FLUE_REF_TRANSIT);
	FT_EQ(flue_values_put_end(fx.a, FLUE_VAL_STREAM, si), 1); /* LIFO: slot 1 again */
	FT_EQ(FX_READ(fx.store.shared[si].reader_inst), FX_READ(fx.a->id));
	FT_EQ(flue_values_take_end(fx.a, FLUE_VAL_STREAM, fx.u8, 1, &si), 0);

	/* fill B: handles 1 .. FLUE_CONFIG_MAX_HANDLES - 1 */
	for (uint32_t i = 1; i < FLUE_CONFIG_MAX_HANDLES; i++)
		FT_EQ(flue_canon_waitable_set_new(fx.b), i);
	FT_EQ(flue_values_put_end(fx.b, FLUE_VAL_STREAM, si), 0);
	struct flue_valtype ts[] = { VT(FLUE_VAL_U8), VEND(FLUE_VAL_STREAM, fx.u8) };
	struct flue_values v = { 2, { 5, si } };
	flue_flat_t out[16] = { 0 };
	uint32_t n = 0;
	FT_TRAPS(FLUE_TRAP_TABLE_FULL,
		 flue_values_lower(fx.b, ts, 2, FLUE_MAX_FLAT_PARAMS, &v, out, &n, NULL, NULL,
				   NULL));
	FT_EQ(out[0], 0); /* nothing lowered before the trap */
}

/* ------------------------------------------------------ functype_check */

FT_TEST(functype_check_and_leaves)
{
	fx_setup();
	struct flue_valtype params[] = {
		VT(FLUE_VAL_U8),
		{ .kind = FLUE_VAL_RECORD, .nfields = 2,
		  .fields = { { FLUE_VAL_BOOL, 0 }, { FLUE_VAL_STREAM, fx.u8 } } },
		VEND(FLUE_VAL_FUTURE, fx.unit),
	};
	struct flue_valtype res = REC3;
	struct flue_functype ft = { .async = false, .nparams = 3, .params = params, .result = &res };
	FT_EQ(flue_functype_check(&fx.store, &ft), 0);
	FT_EQ(flue_functype_leaves(&ft, false), 4);
	FT_EQ(flue_functype_leaves(&ft, true), 3);
	struct flue_functype none = { .async = true, .nparams = 0, .params = NULL, .result = NULL };
	FT_EQ(flue_functype_check(&fx.store, &none), 0);
	FT_EQ(flue_functype_leaves(&none, false), 0);
	FT_EQ(flue_functype_leaves(&none, true), 0);

	struct flue_valtype bad;
	struct flue_functype one = { .async = false, .nparams = 1, .params = &bad, .result = NULL };
	struct flue_functype ret = { .async = false, .nparams = 0, .params = NULL, .result = &bad };
	const struct flue_valtype rejected[] = {
		VT(FLUE_VAL_STRING),
		VT(FLUE_VAL_LIST),
		VT(0),
		VT(FLUE_VAL_LIST + 1),
		VEND(FLUE_VAL_STREAM, 0),                     /* no such type */
		VEND(FLUE_VAL_FUTURE, FLUE_CONFIG_MAX_TYPES), /* not registered */
		{ .kind = FLUE_VAL_RECORD, .nfields = 0 },
		{ .kind = FLUE_VAL_RECORD, .nfields = FLUE_CONFIG_MAX_TYPE_FIELDS + 1 },
		{ .kind = FLUE_VAL_RECORD, .nfields = 2,               /* nested */
		  .fields = { { FLUE_VAL_U8, 0 }, { FLUE_VAL_RECORD, 0 } } },
		{ .kind = FLUE_VAL_RECORD, .nfields = 1, .fields = { { FLUE_VAL_STRING, 0 } } },
		{ .kind = FLUE_VAL_RECORD, .nfields = 1, .fields = { { FLUE_VAL_STREAM, 9 } } },
	};
	for (uint32_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
		bad = rejected[i];
		FT_EQ(flue_functype_check(&fx.store, &one), FLUE_EINVAL);
		FT_EQ(flue_functype_check(&fx.store, &ret), FLUE_EINVAL);
	}

	/* FLUE_CONFIG_MAX_VALUES leaves are fine, one more is not */
	struct flue_valtype many[FLUE_CONFIG_MAX_VALUES + 1];
	for (uint32_t i = 0; i <= FLUE_CONFIG_MAX_VALUES; i++)
		many[i] = VT(FLUE_VAL_U8);
	struct flue_functype big = { .async = false, .nparams = FLUE_CONFIG_MAX_VALUES,
				     .params = many, .result = NULL };
	FT_EQ(flue_functype_check(&fx.store, &big), 0);
	big.nparams = FLUE_CONFIG_MAX_VALUES + 1;
	FT_EQ(flue_functype_check(&fx.store, &big), FLUE_EINVAL);
	struct flue_functype nullp = { .async = false, .nparams = 1, .params = NULL, .result = NULL };
	FT_EQ(flue_functype_check(&fx.store, &nullp), FLUE_EINVAL);
}

FT_SUITE(values,
	 FT_CASE(flat_counts),
	 FT_CASE(lift_flat_wraps_and_sign_extends),
	 FT_CASE(lower_flat_twos_complement),
	 FT_CASE(nan_canonicalised_both_ways),
	 FT_CASE(lift_17_params_from_memory),
	 FT_CASE(lift_record_from_memory),
	 FT_CASE(memory_form_without_memory_traps),
	 FT_CASE(lower_memory_via_alloc),
	 FT_CASE(lower_memory_via_out_ptr),
	 FT_CASE(stream_end_moves_a_to_b),
	 FT_CASE(future_end_moves_through_memory),
	 FT_CASE(lift_end_traps),
	 FT_CASE(lift_ends_validated_before_any_is_taken),
	 FT_CASE(single_end_helpers),
	 FT_CASE(functype_check_and_leaves))
