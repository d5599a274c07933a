/*
 * The value mover (src/abi/val.h): the value-system cases of the
 * reference's run_tests.py @ 6d28164 (test(), test_pairs(), test_nan32/64,
 * test_heap() except strings) and the tuple-through-memory paths of
 * definitions.py lift_flat_values / lower_flat_values, plus the joined
 * payload slots of test/values/variants.wast.
 *
 * Each round-trip case moves a value from flat values (or, for test_heap,
 * a list in A's memory) in A into B's memory (dst_max_flat 0: the tuple
 * is allocated by B's heap), checks B's bytes and B's realloc calls, then
 * moves it back from B's memory to flat values in A and checks them (and
 * A's bytes and realloc calls for lists). Every expected byte, call and
 * flat value was computed by running the reference (definitions.py with
 * DETERMINISTIC_PROFILE and run_tests.py's Heap starting at B0 / A0), with
 * padding (bytes the reference leaves unwritten) shown as "..".
 */
#include "vals_rt.h"
/* run_tests.py 148-155: test(record / tuple / fixed list) */
static const struct rt_case records[] = {
	{ "record_u8_u16_u32", "record(u8,u16,u32)", NULL, F(0x1, 0x2, 0x3), 0, "",
	  "01..0200 03000000", C({4,8}), F(0x1, 0x2, 0x3), "", C0 },
	{ "tuple_tuple_u8_u8_u8", "tuple(tuple(u8,u8),u8)", NULL, F(0x1, 0x2, 0x3), 0, "",
	  "010203", C({1,3}), F(0x1, 0x2, 0x3), "", C0 },
	{ "list_u8_3", "list(u8,3)", NULL, F(0x1, 0x2, 0x3), 0, "", "010203", C({1,3}),
	  F(0x1, 0x2, 0x3), "", C0 },
	{ "list_list_u8_2_3", "list(list(u8,2),3)", NULL, F(0x1, 0x2, 0x3, 0x4, 0x5, 0x6), 0, "",
	  "01020304 0506", C({1,6}), F(0x1, 0x2, 0x3, 0x4, 0x5, 0x6), "", C0 },
};

/* run_tests.py 159-164: test(flags) */
static const struct rt_case flags[] = {
	{ "flags2_0", "flags(2)", NULL, F(0x0), 0, "", "00", C({1,1}), F(0x0), "", C0 },
	{ "flags2_2", "flags(2)", NULL, F(0x2), 0, "", "02", C({1,1}), F(0x2), "", C0 },
	{ "flags2_3", "flags(2)", NULL, F(0x3), 0, "", "03", C({1,1}), F(0x3), "", C0 },
	{ "flags2_4", "flags(2)", NULL, F(0x4), 0, "", "00", C({1,1}), F(0x0), "", C0 },
	{ "flags32_all", "flags(32)", NULL, F(0xffffffff), 0, "", "ffffffff", C({4,4}),
	  F(0xffffffff), "", C0 },
};

/* run_tests.py 165-181: test(variant / option / result), the last lowered as
 * the one-case variant t2 (lower_t): here lifted back as t2 from B's memory */
static const struct rt_case variants[] = {
	{ "variant_x_42", "variant(u8,f32,_)", NULL, F(0x0, 0x2a), 0, "", "00...... 2a......",
	  C({4,8}), F(0x0, 0x2a), "", C0 },
	{ "variant_x_256", "variant(u8,f32,_)", NULL, F(0x0, 0x100), 0, "", "00...... 00......",
	  C({4,8}), F(0x0, 0x0), "", C0 },
	{ "variant_y_pi", "variant(u8,f32,_)", NULL, F(0x1, 0x4048f5c3), 0, "",
	  "01...... c3f54840", C({4,8}), F(0x1, 0x4048f5c3), "", C0 },
	{ "variant_z", "variant(u8,f32,_)", NULL, F(0x2, 0xffffffff), 0, "", "02...... ........",
	  C({4,8}), F(0x2, 0x0), "", C0 },
	{ "option_f32_none", "option(f32)", NULL, F(0x0, 0x4048f5c3), 0, "", "00...... ........",
	  C({4,8}), F(0x0, 0x0), "", C0 },
	{ "option_f32_some", "option(f32)", NULL, F(0x1, 0x4048f5c3), 0, "", "01...... c3f54840",
	  C({4,8}), F(0x1, 0x4048f5c3), "", C0 },
	{ "result_ok_42", "result(u8,u32)", NULL, F(0x0, 0x2a), 0, "", "00...... 2a......",
	  C({4,8}), F(0x0, 0x2a), "", C0 },
	{ "result_error_1000", "result(u8,u32)", NULL, F(0x1, 0x3e8), 0, "", "01...... e8030000",
	  C({4,8}), F(0x1, 0x3e8), "", C0 },
	{ "variant_w_42", "variant(u8,u8)", NULL, F(0x0, 0x2a), 0, "", "002a", C({1,2}),
	  F(0x0, 0x2a), "", C0 },
	{ "variant_y_42", "variant(u8,u8)", NULL, F(0x1, 0x2a), 0, "", "012a", C({1,2}),
	  F(0x1, 0x2a), "", C0 },
	{ "variant_narrowed_t2", "variant(u8,u8)", "variant(u8)", F(0x0, 0x2a), 0, "", "002a",
	  C({1,2}), F(0x0, 0x2a), "", C0 },
};

/* test/values/variants.wast 81-160: payloads of different flat types share a
 * joined slot (join-narrow, join-wide, join-f32) */
static const struct rt_case joins[] = {
	{ "join_narrow_u8", "variant(u8,u32)", NULL, F(0x0, 0xff02), 0, "", "00...... 02......",
	  C({4,8}), F(0x0, 0x2), "", C0 },
	{ "join_narrow_u32", "variant(u8,u32)", NULL, F(0x1, 0xdeadbeef), 0, "",
	  "01...... efbeadde", C({4,8}), F(0x1, 0xdeadbeef), "", C0 },
	{ "join_wide_u16", "variant(u16,u64)", NULL, F(0x0, 0xff0004), 0, "",
	  "00...... ........ 0400.... ........", C({8,16}), F(0x0, 0x4), "", C0 },
	{ "join_wide_wrap", "variant(u16,u64)", NULL, F(0x0, 0xff00000004), 0, "",
	  "00...... ........ 0400.... ........", C({8,16}), F(0x0, 0x4), "", C0 },
	{ "join_wide_u64", "variant(u16,u64)", NULL, F(0x1, 0x123456789abcdef0), 0, "",
	  "01...... ........ f0debc9a 78563412", C({8,16}), F(0x1, 0x123456789abcdef0), "", C0 },
	{ "join_f32_low_half", "variant(f32,u64)", NULL, F(0x0, 0xffffffff40490fdb), 0, "",
	  "00...... ........ db0f4940 ........", C({8,16}), F(0x0, 0x40490fdb), "", C0 },
	{ "join_f32_u64", "variant(f32,u64)", NULL, F(0x1, 0xfedcba9876543210), 0, "",
	  "01...... ........ 10325476 98badcfe", C({8,16}), F(0x1, 0xfedcba9876543210), "", C0 },
};

/* ------------------------------------------------------------ test_pairs */

struct pair_case {
	const char *type;
	flue_flat_t in;
	int trap;
	uint64_t bytes, back;
};


/* run_tests.py 187-204: test_pairs(); bytes: what B's memory holds (little-endian,
 * the type's size), back: the flat value lifted back */
static const struct pair_case pairs[] = {
	{ "bool", 0x0, 0, 0x0, 0x0 }, { "bool", 0x1, 0, 0x1, 0x1 }, { "bool", 0x2, 0, 0x1, 0x1 },
	{ "bool", 0xffffffff, 0, 0x1, 0x1 }, { "u8", 0x7f, 0, 0x7f, 0x7f },
	{ "u8", 0x80, 0, 0x80, 0x80 }, { "u8", 0xff, 0, 0xff, 0xff },
	{ "u8", 0x100, 0, 0x0, 0x0 }, { "u8", 0xffffffff, 0, 0xff, 0xff },
	{ "u8", 0xffffff80, 0, 0x80, 0x80 }, { "u8", 0xffffff7f, 0, 0x7f, 0x7f },
	{ "s8", 0x7f, 0, 0x7f, 0x7f }, { "s8", 0x80, 0, 0x80, 0xffffff80 },
	{ "s8", 0xff, 0, 0xff, 0xffffffff }, { "s8", 0x100, 0, 0x0, 0x0 },
	{ "s8", 0xffffffff, 0, 0xff, 0xffffffff }, { "s8", 0xffffff80, 0, 0x80, 0xffffff80 },
	{ "s8", 0xffffff7f, 0, 0x7f, 0x7f }, { "u16", 0x7fff, 0, 0x7fff, 0x7fff },
	{ "u16", 0x8000, 0, 0x8000, 0x8000 }, { "u16", 0xffff, 0, 0xffff, 0xffff },
	{ "u16", 0x10000, 0, 0x0, 0x0 }, { "u16", 0xffffffff, 0, 0xffff, 0xffff },
	{ "u16", 0xffff8000, 0, 0x8000, 0x8000 }, { "u16", 0xffff7fff, 0, 0x7fff, 0x7fff },
	{ "s16", 0x7fff, 0, 0x7fff, 0x7fff }, { "s16", 0x8000, 0, 0x8000, 0xffff8000 },
	{ "s16", 0xffff, 0, 0xffff, 0xffffffff }, { "s16", 0x10000, 0, 0x0, 0x0 },
	{ "s16", 0xffffffff, 0, 0xffff, 0xffffffff },
	{ "s16", 0xffff8000, 0, 0x8000, 0xffff8000 }, { "s16", 0xffff7fff, 0, 0x7fff, 0x7fff },
	{ "u32", 0x7fffffff, 0, 0x7fffffff, 0x7fffffff },
	{ "u32", 0x80000000, 0, 0x80000000, 0x80000000 },
	{ "u32", 0xffffffff, 0, 0xffffffff, 0xffffffff },
	{ "s32", 0x7fffffff, 0, 0x7fffffff, 0x7fffffff },
	{ "s32", 0x80000000, 0, 0x80000000, 0x80000000 },
	{ "s32", 0xffffffff, 0, 0xffffffff, 0xffffffff },
	{ "u64", 0x7fffffffffffffff, 0, 0x7fffffffffffffff, 0x7fffffffffffffff },
	{ "u64", 0x8000000000000000, 0, 0x8000000000000000, 0x8000000000000000 },
	{ "u64", 0xffffffffffffffff, 0, 0xffffffffffffffff, 0xffffffffffffffff },
	{ "s64", 0x7fffffffffffffff, 0, 0x7fffffffffffffff, 0x7fffffffffffffff },
	{ "s64", 0x8000000000000000, 0, 0x8000000000000000, 0x8000000000000000 },
	{ "s64", 0xffffffffffffffff, 0, 0xffffffffffffffff, 0xffffffffffffffff },
	{ "f32", 0x4048f5c3, 0, 0x4048f5c3, 0x4048f5c3 },
	{ "f64", 0x40091eb851eb851f, 0, 0x40091eb851eb851f, 0x40091eb851eb851f },
	{ "char", 0x0, 0, 0x0, 0x0 }, { "char", 0x41, 0, 0x41, 0x41 },
	{ "char", 0xd7ff, 0, 0xd7ff, 0xd7ff }, { "char", 0xd800, FLUE_TRAP_BAD_CHAR, 0, 0 },
	{ "char", 0xdfff, FLUE_TRAP_BAD_CHAR, 0, 0 }, { "char", 0xe000, 0, 0xe000, 0xe000 },
	{ "char", 0x10ffff, 0, 0x10ffff, 0x10ffff },
	{ "char", 0x110000, FLUE_TRAP_BAD_CHAR, 0, 0 },
	{ "char", 0xffffffff, FLUE_TRAP_BAD_CHAR, 0, 0 }, { "enum(2)", 0x0, 0, 0x0, 0x0 },
	{ "enum(2)", 0x1, 0, 0x1, 0x1 }, { "enum(2)", 0x2, FLUE_TRAP_BAD_DISCRIMINANT, 0, 0 },
};

/* Every pairs row of `type`: into B's memory, then back to a flat value. */
static void run_pairs(const char *type)
{
	/* volatile: FT_TRAPS' setjmp is inside the loop */
	volatile uint32_t rows = 0;
	for (volatile uint32_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const struct pair_case *p = &pairs[i];
		if (strcmp(p->type, type) != 0)
			continue;
		rows++;
		fx_setup();
		struct tb b;
		tb_init(&b);
		uint16_t t = tb_parse(&b, p->type);
		const struct flue_tgraph *g = tb_done(&b);
		struct heap hb;
		heap_init(&hb, fx.b, fx.b_mem, B0, MEM_SIZE);
		flue_flat_t out[MAXF];
		uint32_t nout = 99, size = g->nodes[t].size;
		if (p->trap != 0) {
			FT_TRAPS((enum flue_trap_reason)p->trap,
				 move(g, &t, 1, plain_cx(fx.a), MAXF, &p->in, 1, heap_cx(&hb, 0), 0,
				      NULL, out, &nout));
			FT_EQ(hb.ncalls, 0);
			continue;
		}
		move(g, &t, 1, plain_cx(fx.a), MAXF, &p->in, 1, heap_cx(&hb, 0), 0, NULL, out, &nout);
		FT_EQ(nout, 1);
		FT_EQ(out[0], B0);
		EXPECT_CALL(&hb, 0, 0u, 0u, size, size);
		for (uint32_t k = 0; k < 8u; k++)
			FT_EQ(fx.b_mem[B0 + k], k < size ? (uint8_t)(p->bytes >> (8u * k)) : 0u);
		flue_flat_t ptr = B0;
		move(g, &t, 1, plain_cx(fx.b), 0, &ptr, 1, plain_cx(fx.a), MAXF, NULL, out, &nout);
		FT_EQ(nout, 1);
		FT_EQ(out[0], p->back);
	}
	FT_TRUE(rows > 0u);
}

/* ------------------------------------------------------------- the tests */

FT_TEST(test_records_tuples_fixed_lists) { RUN(records); }
FT_TEST(test_flags) { RUN(flags); }
FT_TEST(test_variant_option_result_narrowing) { RUN(variants); }
FT_TEST(wast_variants_joined_slots) { RUN(joins); }
FT_TEST(test_pairs_bool) { run_pairs("bool"); }
FT_TEST(test_pairs_u8) { run_pairs("u8"); }
FT_TEST(test_pairs_s8) { run_pairs("s8"); }
FT_TEST(test_pairs_u16) { run_pairs("u16"); }
FT_TEST(test_pairs_s16) { run_pairs("s16"); }
FT_TEST(test_pairs_u32) { run_pairs("u32"); }
FT_TEST(test_pairs_s32) { run_pairs("s32"); }
FT_TEST(test_pairs_u64) { run_pairs("u64"); }
FT_TEST(test_pairs_s64) { run_pairs("s64"); }
FT_TEST(test_pairs_f32) { run_pairs("f32"); }
FT_TEST(test_pairs_f64) { run_pairs("f64"); }
FT_TEST(test_pairs_char) { run_pairs("char"); }
FT_TEST(test_pairs_enum) { run_pairs("enum(2)"); }

/* run_tests.py 216-247 test_nan32 / test_nan64: a NaN lifted from a flat
 * value or loaded from memory becomes the canonical NaN (deterministic
 * profile); other bits pass unchanged. Checked flat -> B's memory, and
 * A's memory -> flat. */
static void nan_case(const char *type, uint64_t in, uint64_t want)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, type);
	const struct flue_tgraph *g = tb_done(&b);
	uint32_t size = g->nodes[t].size, nout = 99;
	struct heap hb;
	heap_init(&hb, fx.b, fx.b_mem, B0, MEM_SIZE);
	flue_flat_t out[MAXF], p = 0x100;
	move(g, &t, 1, plain_cx(fx.a), MAXF, &in, 1, heap_cx(&hb, 0), 0, NULL, out, &nout);
	for (uint32_t k = 0; k < size; k++) {
		FT_EQ(fx.b_mem[B0 + k], (uint8_t)(want >> (8u * k)));
		fx.a_mem[0x100 + k] = (uint8_t)(in >> (8u * k));
	}
	move(g, &t, 1, plain_cx(fx.a), 0, &p, 1, plain_cx(fx.b), MAXF, NULL, out, &nout);
	FT_EQ(nout, 1);
	FT_EQ(out[0], want);
}

FT_TEST(test_nan32)
{
	static const uint32_t in[] = { 0x7fc00000u, 0x7fc00001u, 0x7fe00000u, 0x7fffffffu,
				       0xffffffffu, 0x7f800000u, 0x3fc00000u };
	static const uint32_t want[] = { 0x7fc00000u, 0x7fc00000u, 0x7fc00000u, 0x7fc00000u,
					 0x7fc00000u, 0x7f800000u, 0x3fc00000u };
	for (uint32_t i = 0; i < 7u; i++)
		nan_case("f32", in[i], want[i]);
}

FT_TEST(test_nan64)
{
	static const uint64_t in[] = { 0x7ff8000000000000u, 0x7ff8000000000001u,
				       0x7ffc000000000000u, 0x7fffffffffffffffu,
				       0xffffffffffffffffu, 0x7ff0000000000000u,
				       0x3ff0000000000000u };
	static const uint64_t want[] = { 0x7ff8000000000000u, 0x7ff8000000000000u,
					 0x7ff8000000000000u, 0x7ff8000000000000u,
					 0x7ff8000000000000u, 0x7ff0000000000000u,
					 0x3ff0000000000000u };
	for (uint32_t i = 0; i < 7u; i++)
		nan_case("f64", in[i], want[i]);
}

/* ------------------------------------------- tuples through memory */

/* The tuple (u32, u8 x 16): 17 flat values > MAX_FLAT_PARAMS, so one
 * pointer (definitions.py lift_flat_values 2122-2131; run_tests.py
 * test_flatten 17 u8 params -> ['i32']). Alignment 4, size 20. */
static const struct flue_tgraph *tuple17(struct tb *b, uint16_t ts[17])
{
	tb_init(b);
	ts[0] = tb_parse(b, "u32");
	ts[1] = tb_parse(b, "u8");
	for (uint32_t i = 2; i < 17u; i++)
		ts[i] = ts[1];
	return tb_done(b);
}

static void fill17(uint32_t at)
{
	stw(fx.a_mem, at, 0x11223344u);
	for (uint32_t i = 0; i < 16u; i++)
		fx.a_mem[at + 4u + i] = (uint8_t)(0xF0u + i);
}

/* A's tuple at p into B's memory, lowered through B's heap (17 > 16). */
static void move17(const struct flue_tgraph *g, const uint16_t *ts, flue_flat_t p,
		   struct heap *hb, flue_flat_t *out, uint32_t *nout)
{
	move(g, ts, 17, plain_cx(fx.a), MAXF, &p, 1, heap_cx(hb, 0), MAXF, NULL, out, nout);
}

FT_TEST(lift_lower_flat_values_17_params_pointer)
{
	static const uint32_t at[] = { 0x100u, MEM_SIZE - 20u }; /* the last fits exactly */
	for (uint32_t k = 0; k < 2u; k++) {
		fx_setup();
		struct tb b;
		uint16_t ts[17];
		const struct flue_tgraph *g = tuple17(&b, ts);
		FT_EQ(flue_vals_flat_count(g, ts, 17), 17);
		fill17(at[k]);
		struct heap hb;
		heap_init(&hb, fx.b, fx.b_mem, B0, MEM_SIZE);
		flue_flat_t out[2];
		uint32_t nout = 99;
		move17(g, ts, at[k], &hb, out, &nout);
		FT_EQ(nout, 1);
		FT_EQ(out[0], B0);
		FT_EQ(hb.ncalls, 1);
		EXPECT_CALL(&hb, 0, 0u, 0u, 4u, 20u);
		FT_EQ(memcmp(fx.b_mem + B0, fx.a_mem + at[k], 20), 0);
		FT_EQ(fx.b_mem[B0 + 20u], 0);
	}
}

/* lift_flat_values 2126-2127: the pointer must be aligned to the tuple
 * (4) and the tuple inside memory; checked before any realloc. */
FT_TEST(lift_flat_values_17_params_traps)
{
	static const struct { flue_flat_t p; enum flue_trap_reason why; } bad[] = {
		{ 0x102u, FLUE_TRAP_MISALIGNED },
		{ MEM_SIZE - 16u, FLUE_TRAP_OUT_OF_BOUNDS },
		{ 0xFFFFFFFCu, FLUE_TRAP_OUT_OF_BOUNDS },
	};
	for (volatile uint32_t k = 0; k < 3u; k++) { /* volatile: setjmp inside */
		fx_setup();
		struct tb b;
		uint16_t ts[17];
		const struct flue_tgraph *g = tuple17(&b, ts);
		struct heap hb;
		heap_init(&hb, fx.b, fx.b_mem, B0, MEM_SIZE);
		flue_flat_t out[2];
		uint32_t nout = 99;
		FT_TRAPS(bad[k].why, move17(g, ts, bad[k].p, &hb, out, &nout));
		FT_EQ(hb.ncalls, 0);
		FT_TRUE(FX_READ(fx.a->poisoned));
		FT_FALSE(FX_READ(fx.b->poisoned));
	}
}

/* lower_flat_values 2133-2147 with an out param (results of a lowered
 * call): record {u8, u16, u32} (3 flat > 1) stored at *out_ptr, no
 * realloc, no flat values; the out pointer is checked like the tuple's. */
FT_TEST(lower_flat_values_results_out_ptr)
{
	static const struct { uint32_t at; enum flue_trap_reason why; } cases[] = {
		{ 0x300u, FLUE_TRAP_NONE },
		{ MEM_SIZE - 8u, FLUE_TRAP_NONE },
		{ 0x302u, FLUE_TRAP_MISALIGNED },
		{ MEM_SIZE - 4u, FLUE_TRAP_OUT_OF_BOUNDS },
	};
	static const flue_flat_t in[] = { 1, 2, 3 };
	for (volatile uint32_t k = 0; k < 4u; k++) { /* volatile: setjmp inside */
		fx_setup();
		struct tb b;
		tb_init(&b);
		uint16_t t = tb_parse(&b, "record(u8,u16,u32)");
		const struct flue_tgraph *g = tb_done(&b);
		struct heap hb;
		heap_init(&hb, fx.b, fx.b_mem, B0, MEM_SIZE);
		flue_flat_t out[1] = { 0x5A5A };
		uint32_t nout = 99;
		if (cases[k].why != FLUE_TRAP_NONE) {
			FT_TRAPS(cases[k].why, move(g, &t, 1, plain_cx(fx.a), MAXF, in, 3,
						    heap_cx(&hb, 0), 1, &cases[k].at, out, &nout));
			FT_TRUE(FX_READ(fx.b->poisoned));
			continue;
		}
		move(g, &t, 1, plain_cx(fx.a), MAXF, in, 3, heap_cx(&hb, 0), 1, &cases[k].at, out,
		     &nout);
		FT_EQ(nout, 0);
		FT_EQ(out[0], 0x5A5A);
		FT_EQ(hb.ncalls, 0);
		FT_EQ(fx.b_mem[cases[k].at], 1);
		FT_EQ(ld16(fx.b_mem, cases[k].at + 2u), 2);
		FT_EQ(ld32(fx.b_mem, cases[k].at + 4u), 3);
	}
}

/* Where lowering allocates, the pointer realloc returns is checked:
 * lower_flat_values 2141-2145 (the spilled tuple) and
 * store_list_into_range 1773-1778 (a list's elements); without a realloc
 * nothing can be allocated. All trap B, the instance lowered into. */
enum { BAD_ALIGN = 1, BAD_RANGE, NO_FN };

static void alloc_trap(uint32_t how, bool list, enum flue_trap_reason why)
{
	fx_setup();
	struct tb b;
	uint16_t ts[17];
	const struct flue_tgraph *g;
	flue_flat_t in[2] = { 0x100, 3 }, out[2];
	uint32_t nout = 99, nts = 17, dmax = MAXF;
	if (list) {
		tb_init(&b);
		ts[0] = tb_parse(&b, "list(u16)");
		g = tb_done(&b);
		nts = 1;
	} else {
		g = tuple17(&b, ts);
		fill17(0x100);
	}
	struct heap hb;
	heap_init(&hb, fx.b, fx.b_mem, B0, MEM_SIZE);
	hb.bad_align = how == BAD_ALIGN;
	hb.force = how == BAD_RANGE ? MEM_SIZE - 4u : 0u;
	struct flue_cx dst = heap_cx(&hb, 0);
	if (how == NO_FN)
		dst.realloc = NULL;
	FT_TRAPS(why, move(g, ts, nts, plain_cx(fx.a), MAXF, in, list ? 2u : 1u, dst, dmax, NULL,
			   out, &nout));
	FT_TRUE(FX_READ(fx.b->poisoned));
	FT_FALSE(FX_READ(fx.a->poisoned));
}

FT_TEST(lower_flat_values_realloc_checked)
{
	alloc_trap(BAD_ALIGN, false, FLUE_TRAP_REALLOC_MISALIGNED);
	alloc_trap(BAD_RANGE, false, FLUE_TRAP_REALLOC_OUT_OF_BOUNDS);
	alloc_trap(NO_FN, false, FLUE_TRAP_NO_REALLOC);
}

FT_TEST(store_list_into_range_realloc_checked)
{
	alloc_trap(BAD_ALIGN, true, FLUE_TRAP_REALLOC_MISALIGNED);
	alloc_trap(BAD_RANGE, true, FLUE_TRAP_REALLOC_OUT_OF_BOUNDS);
	alloc_trap(NO_FN, true, FLUE_TRAP_NO_REALLOC);
}

/* flue_vals_check(): lifting's checks alone (val.h): the valid list of
 * lists of test_heap (run_tests.py 321) passes without a realloc or a
 * byte of B changed; the misaligned inner list (337) traps A. */
static void check_case(const char *src, enum flue_trap_reason why)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, "list(list(u16))");
	const struct flue_tgraph *g = tb_done(&b);
	hex_store(fx.a_mem, src);
	struct heap hb;
	heap_init(&hb, fx.b, fx.b_mem, B0, MEM_SIZE);
	flue_flat_t in[2] = { 0, 1 }, out[2];
	uint32_t nout = 99;
	struct flue_vmove m = { g, &t, 1, plain_cx(fx.a), MAXF, in, 2, heap_cx(&hb, 0), 0,
				NULL, out, &nout, FLUE_TASK_NONE, false };
	if (why != FLUE_TRAP_NONE) {
		FT_TRAPS(why, flue_vals_check(&m));
		FT_TRUE(FX_READ(fx.a->poisoned));
	} else {
		flue_vals_check(&m);
		FT_FALSE(FX_READ(fx.a->poisoned));
		FT_EQ(nout, 99);
	}
	FT_EQ(hb.ncalls, 0);
	for (uint32_t i = 0; i < 64u; i++)
		FT_EQ(fx.b_mem[B0 + i], 0);
}

FT_TEST(vals_check_lifts_nothing)
{
	check_case("08000000 02000000 05000600", FLUE_TRAP_NONE);
	check_case("09000000 02000000 00050006 00", FLUE_TRAP_MISALIGNED);
}

FT_SUITE(vals_move,
	 FT_CASE(test_records_tuples_fixed_lists),
	 FT_CASE(test_flags),
	 FT_CASE(test_variant_option_result_narrowing),
	 FT_CASE(wast_variants_joined_slots),
	 FT_CASE(test_pairs_bool),
	 FT_CASE(test_pairs_u8),
	 FT_CASE(test_pairs_s8),
	 FT_CASE(test_pairs_u16),
	 FT_CASE(test_pairs_s16),
	 FT_CASE(test_pairs_u32),
	 FT_CASE(test_pairs_s32),
	 FT_CASE(test_pairs_u64),
	 FT_CASE(test_pairs_s64),
	 FT_CASE(test_pairs_f32),
	 FT_CASE(test_pairs_f64),
	 FT_CASE(test_pairs_char),
	 FT_CASE(test_pairs_enum),
	 FT_CASE(test_nan32),
	 FT_CASE(test_nan64),
	 FT_CASE(lift_lower_flat_values_17_params_pointer),
	 FT_CASE(lift_flat_values_17_params_traps),
	 FT_CASE(lower_flat_values_results_out_ptr),
	 FT_CASE(lower_flat_values_realloc_checked),
	 FT_CASE(store_list_into_range_realloc_checked),
	 FT_CASE(vals_check_lifts_nothing))
