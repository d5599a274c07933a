/*
 * Type layout (flue/valtype.h): alignment, element size and flattening of
 * every kind, as definitions.py @ 6d28164 computes them (Despecialization,
 * Alignment 1231-1287, Element Size 1289-1341, Flattening 1879-1926), the
 * flat types of run_tests.py test_flatten (402-411), and every rule
 * flue_types_layout() / flue_types_check() enforce. Every expected layout
 * was computed by running the reference (alignment / elem_size with 'i32',
 * flatten_type), never taken from flue.
 */
#include "vals_test.h"

/* Flat core types as letters: I i32, L i64, F f32, D f64. */
static char core_letter(uint8_t c)
{
	switch (c) {
	case FLUE_CORE_I32: return 'I';
	case FLUE_CORE_I64: return 'L';
	case FLUE_CORE_F32: return 'F';
	case FLUE_CORE_F64: return 'D';
	default: return '?';
	}
}

/* The flattening of node t as letters (at most 31). */
static void flat_letters(const struct flue_tgraph *g, uint16_t t, char out[32])
{
	uint8_t core[32];
	uint32_t n = flue_types_flatten(g, t, core, 31);
	FT_TRUE(n <= 31u);
	for (uint32_t i = 0; i < n; i++)
		out[i] = core_letter(core[i]);
	out[n] = '\0';
}

struct lay_case {
	const char *type;
	uint32_t align, size, depth; /* depth 0: not checked */
	const char *flat;
};

/* alignment(t, 'i32'), elem_size(t, 'i32'), flatten_type(t) */
static const struct lay_case lays[] = {
	{ "bool", 1, 1, 1, "I" },
	{ "s8", 1, 1, 1, "I" },
	{ "u8", 1, 1, 1, "I" },
	{ "s16", 2, 2, 1, "I" },
	{ "u16", 2, 2, 1, "I" },
	{ "s32", 4, 4, 1, "I" },
	{ "u32", 4, 4, 1, "I" },
	{ "s64", 8, 8, 1, "L" },
	{ "u64", 8, 8, 1, "L" },
	{ "f32", 4, 4, 1, "F" },
	{ "f64", 8, 8, 1, "D" },
	{ "char", 4, 4, 1, "I" },
	{ "string", 4, 8, 1, "II" },
	{ "errctx", 4, 4, 1, "I" },
	{ "list(u8)", 4, 8, 2, "II" },
	{ "list(u64)", 4, 8, 2, "II" },
	{ "list(string)", 4, 8, 2, "II" },
	{ "list(u16,3)", 2, 6, 2, "III" },
	{ "list(f64,2)", 8, 16, 2, "DD" },
	{ "list(list(u8,2),3)", 1, 6, 3, "IIIIII" },
	{ "list(string,2)", 4, 16, 2, "IIII" },
	{ "record(u8,u16,u32)", 4, 8, 2, "III" },
	{ "record(u8,u64)", 8, 16, 2, "IL" },
	{ "record(u16,u8)", 2, 4, 2, "II" },
	{ "record(f32,record(u8,f64))", 8, 24, 3, "FID" },
	{ "tuple(u8,f64,u8)", 8, 24, 2, "IDI" },
	{ "tuple(u8)", 1, 1, 2, "I" },
	{ "variant(_)", 1, 1, 1, "I" },
	{ "variant(u8,f32,_)", 4, 8, 2, "II" },
	{ "variant(u16,u64)", 8, 16, 2, "IL" },
	{ "variant(f32,u64)", 8, 16, 2, "IL" },
	{ "variant(f64,f32)", 8, 16, 2, "IL" },
	{ "variant(u8,record(f32,f32))", 4, 12, 3, "IIF" },
	{ "variant(record(u8,u64),u32,_)", 8, 24, 3, "IIL" },
	{ "variant(string,f64)", 8, 16, 2, "ILI" },
	{ "enum(1)", 1, 1, 1, "I" },
	{ "enum(2)", 1, 1, 1, "I" },
	{ "enum(256)", 1, 1, 1, "I" },
	{ "enum(257)", 2, 2, 1, "I" },
	{ "enum(65536)", 2, 2, 1, "I" },
	{ "enum(65537)", 4, 4, 1, "I" },
	{ "option(u8)", 1, 2, 2, "II" },
	{ "option(f64)", 8, 16, 2, "ID" },
	{ "option(string)", 4, 12, 2, "III" },
	{ "option(option(u16))", 2, 6, 3, "III" },
	{ "result(u8,u32)", 4, 8, 2, "II" },
	{ "result(_,_)", 1, 1, 1, "I" },
	{ "result(u32,_)", 4, 8, 2, "II" },
	{ "result(_,f32)", 4, 8, 2, "IF" },
	{ "result(f32,f64)", 8, 16, 2, "IL" },
	{ "result(string,u8)", 4, 12, 2, "III" },
	{ "flags(1)", 1, 1, 1, "I" },
	{ "flags(8)", 1, 1, 1, "I" },
	{ "flags(9)", 2, 2, 1, "I" },
	{ "flags(16)", 2, 2, 1, "I" },
	{ "flags(17)", 4, 4, 1, "I" },
	{ "flags(32)", 4, 4, 1, "I" },
	{ "map(u8,u16)", 4, 8, 0, "II" },
	{ "map(string,u64)", 4, 8, 0, "II" },
	{ "own(1)", 4, 4, 1, "I" },
	{ "borrow(1)", 4, 4, 1, "I" },
	{ "stream(1)", 4, 4, 1, "I" },
	{ "future(1)", 4, 4, 1, "I" },
};

FT_TEST(alignment_elem_size_flatten_every_kind)
{
	for (uint32_t i = 0; i < sizeof lays / sizeof lays[0]; i++) {
		struct tb b;
		tb_init(&b);
		uint16_t t = tb_parse(&b, lays[i].type);
		const struct flue_tgraph *g = tb_done(&b);
		const struct flue_tnode *n = flue_tnode_get(g, t);
		char flat[32];
		flat_letters(g, t, flat);
		FT_EQ(n->align, lays[i].align);
		FT_EQ(n->size, lays[i].size);
		FT_EQ(strcmp(flat, lays[i].flat), 0);
		FT_EQ(n->flat, strlen(lays[i].flat));
		if (lays[i].depth != 0u)
			FT_EQ(n->depth, lays[i].depth);
		FT_EQ(flue_types_check(g), 0);
	}
}

/* discriminant_type (1264-1271): 256 cases take a u8, 257 a u16. A
 * variant of n cases, case 0 carrying `payload`, the others none. */
static void big_variant(uint32_t ncases, uint8_t payload, uint32_t align, uint32_t size)
{
	static uint16_t kids[257];
	struct flue_tnode nodes[2];
	memset(nodes, 0, sizeof nodes);
	nodes[0].kind = payload;
	nodes[1] = (struct flue_tnode){ .kind = FLUE_VT_VARIANT, .nkids = (uint16_t)ncases };
	for (uint32_t i = 0; i < ncases; i++)
		kids[i] = i == 0u ? 0u : FLUE_TYPE_NONE;
	FT_EQ(flue_types_layout(nodes, 2, kids, (uint16_t)ncases), 0);
	FT_EQ(nodes[1].align, align);
	FT_EQ(nodes[1].size, size);
	struct flue_tgraph g = { nodes, kids, 2, (uint16_t)ncases };
	uint8_t core[4];
	FT_EQ(flue_types_flatten(&g, 1, core, 4), 2);
	FT_EQ(core[0], FLUE_CORE_I32);
	FT_EQ(core[1], FLUE_CORE_I32);
}

FT_TEST(variant_256_257_cases_discriminant)
{
	big_variant(256, FLUE_VT_U8, 1, 2);
	big_variant(256, FLUE_VT_U32, 4, 8);
	big_variant(257, FLUE_VT_U8, 2, 4);
	big_variant(257, FLUE_VT_U32, 4, 8);
}

/* run_tests.py test_flatten 402-411: the flat params / results of a
 * tuple of types (flatten_types), 17 params (> MAX_FLAT_PARAMS: the
 * caller passes one pointer instead), and a tuple result. */
FT_TEST(test_flatten_tuples)
{
	struct tb b;
	tb_init(&b);
	uint16_t u8 = tb_parse(&b, "u8"), f32 = tb_parse(&b, "f32"), f64 = tb_parse(&b, "f64");
	uint16_t t1 = tb_parse(&b, "tuple(f32)"), t2 = tb_parse(&b, "tuple(f32,f32)");
	uint16_t t3 = tb_parse(&b, "tuple(u8,u8)");
	const struct flue_tgraph *g = tb_done(&b);
	const uint16_t params[] = { u8, f32, f64 };
	FT_EQ(flue_vals_flat_count(g, params, 3), 3);
	char flat[32];
	flat_letters(g, t1, flat);
	FT_EQ(strcmp(flat, "F"), 0);
	flat_letters(g, t2, flat);
	FT_EQ(strcmp(flat, "FF"), 0);
	flat_letters(g, t3, flat);
	FT_EQ(strcmp(flat, "II"), 0);
	uint16_t many[17];
	for (uint32_t i = 0; i < 17u; i++)
		many[i] = u8;
	FT_EQ(flue_vals_flat_count(g, many, 17), 17);
	const uint16_t two[] = { f32, f32 };
	FT_EQ(flue_vals_flat_count(g, two, 2), 2);
	FT_EQ(flue_vals_flat_count(g, &t2, 1), 2);
	FT_EQ(flue_vals_flat_count(g, params, 0), 0);
}

/* flue_types_flatten writes at most `cap` and returns the whole count;
 * a node outside the graph gives 0. */
FT_TEST(flatten_cap_and_range)
{
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, "record(u8,u64,f32,f64)");
	const struct flue_tgraph *g = tb_done(&b);
	uint8_t core[4] = { 0xAA, 0xAA, 0xAA, 0xAA };
	FT_EQ(flue_types_flatten(g, t, core, 2), 4);
	FT_EQ(core[0], FLUE_CORE_I32);
	FT_EQ(core[1], FLUE_CORE_I64);
	FT_EQ(core[2], 0xAA);
	FT_EQ(flue_types_flatten(g, (uint16_t)(t + 1u), core, 4), 0);
}

/* A flat count above 16 saturates nowhere near the node's flat field:
 * list<u8, 20> flattens to 20 i32 (flatten_list 1900-1903). */
FT_TEST(flat_count_of_fixed_list)
{
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, "list(u8,20)");
	const struct flue_tgraph *g = tb_done(&b);
	FT_EQ(g->nodes[t].flat, 20);
	FT_EQ(flue_vals_flat_count(g, &t, 1), 20);
	tb_init(&b);
	t = tb_parse(&b, "list(u64,100000)"); /* 100000 flat values: saturated */
	g = tb_done(&b);
	FT_EQ(g->nodes[t].flat, FLUE_FLAT_MANY);
	FT_EQ(flue_vals_flat_count(g, &t, 1), FLUE_FLAT_MANY);
}

/* ------------------------------------------------------------ rejections */

static int layout_of(struct tb *b)
{
	return flue_types_layout(b->nodes, b->nnodes, b->kids, b->nkids);
}

/* Types (as text) flue_types_layout() refuses: NONE outside a variant
 * case or result side, flags of 0 or 33 labels (alignment_flags asserts
 * 0 < n <= 32), enum of 0 labels (discriminant_type asserts 0 < n), and
 * #688: elem_size(t, 'i64') of 2^28 or more. */
static const char *const refused[] = {
	"list(_)", "record(u8,_)", "tuple(_)", "option(_)", "map(_,u8)", "map(u8,_)",
	"list(list(_,2))", "flags(0)", "flags(33)", "enum(0)",
	"list(u8,268435456)",   /* 2^28 bytes */
	"list(u64,33554432)",   /* 2^28 bytes */
	"list(u64,536870912)",  /* 2^32 bytes: 0 in a u32 */
	"list(string,16777216)" /* 2^27 bytes with 32-bit pointers, 2^28 with 64-bit */
};

/* ... and their neighbours it accepts. */
static const char *const accepted[] = {
	"variant(_)", "variant(_,u8)", "result(_,_)", "result(u8,_)", "result(_,u8)",
	"flags(1)", "flags(32)", "enum(1)",
	"list(u8,268435455)", "list(u64,33554431)", "list(string,16777215)",
};

FT_TEST(layout_rules_by_type)
{
	struct tb b;
	for (uint32_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		tb_init(&b);
		(void)tb_parse(&b, refused[i]);
		FT_EQ(layout_of(&b), FLUE_EINVAL);
	}
	for (uint32_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		tb_init(&b);
		(void)tb_parse(&b, accepted[i]);
		FT_EQ(layout_of(&b), 0);
	}
	tb_init(&b);
	uint16_t t = tb_parse(&b, "list(u8,268435455)");
	FT_EQ(layout_of(&b), 0);
	FT_EQ(b.nodes[t].size, 268435455u);
}

/* Children counts: RECORD/TUPLE/VARIANT at least one (empty records are
 * not permitted: run_tests.py 146, elem_size_record asserts s > 0),
 * LIST/OPTION one, RESULT/MAP two, the others none. */
FT_TEST(layout_rules_children_count)
{
	static const struct { uint8_t kind; uint32_t arg, n; } bad[] = {
		{ FLUE_VT_RECORD, 0, 0 }, { FLUE_VT_TUPLE, 0, 0 }, { FLUE_VT_VARIANT, 0, 0 },
		{ FLUE_VT_LIST, 0, 0 },   { FLUE_VT_LIST, 0, 2 },  { FLUE_VT_LIST, 3, 2 },
		{ FLUE_VT_OPTION, 0, 0 }, { FLUE_VT_OPTION, 0, 2 }, { FLUE_VT_RESULT, 0, 1 },
		{ FLUE_VT_RESULT, 0, 3 }, { FLUE_VT_MAP, 0, 1 },   { FLUE_VT_MAP, 0, 3 },
		{ FLUE_VT_U8, 0, 1 },     { FLUE_VT_STRING, 0, 1 }, { FLUE_VT_ENUM, 2, 1 },
		{ FLUE_VT_FLAGS, 2, 1 },  { FLUE_VT_OWN, 1, 1 },   { FLUE_VT_STREAM, 1, 1 },
	};
	static const uint16_t kids[] = { 0, 0, 0 };
	for (uint32_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tb b;
		tb_init(&b);
		(void)tb_parse(&b, "u8");
		(void)tb_node(&b, bad[i].kind, bad[i].arg, bad[i].n, kids);
		FT_EQ(layout_of(&b), FLUE_EINVAL);
	}
}

/* Unknown kinds, children that are not lower nodes, children beyond
 * `kids`, NULL arrays. */
FT_TEST(layout_rules_graph_shape)
{
	struct tb b;
	tb_init(&b);
	(void)tb_node(&b, 0, 0, 0, NULL);
	FT_EQ(layout_of(&b), FLUE_EINVAL);
	tb_init(&b);
	(void)tb_node(&b, FLUE_VT_KIND_COUNT, 0, 0, NULL);
	FT_EQ(layout_of(&b), FLUE_EINVAL);
	tb_init(&b);
	(void)tb_list(&b, 0, 0); /* its own child */
	FT_EQ(layout_of(&b), FLUE_EINVAL);
	tb_init(&b);
	(void)tb_list(&b, 1, 0); /* a later node */
	(void)tb_prim(&b, FLUE_VT_U8);
	FT_EQ(layout_of(&b), FLUE_EINVAL);
	tb_init(&b);
	(void)tb_rec(&b, FLUE_VT_VARIANT, 7); /* no node 7 (not NONE either) */
	FT_EQ(layout_of(&b), FLUE_EINVAL);
	tb_init(&b);
	(void)tb_prim(&b, FLUE_VT_U8);
	(void)tb_rec(&b, FLUE_VT_TUPLE, 0, 0);
	FT_EQ(flue_types_layout(b.nodes, b.nnodes, b.kids, 1), FLUE_EINVAL); /* kids 0..1 of 1 */
	FT_EQ(flue_types_layout(b.nodes, b.nnodes, b.kids, 2), 0);
	FT_EQ(flue_types_layout(NULL, 1, b.kids, 2), FLUE_EINVAL);
	FT_EQ(flue_types_layout(b.nodes, 2, NULL, 2), FLUE_EINVAL);
}

/* FLUE_CONFIG_MAX_TYPE_DEPTH: u8 in 15 lists has depth 16 (u8 1,
 * list<u8> 2, ...); one more list is refused. */
FT_TEST(layout_depth_limit)
{
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_prim(&b, FLUE_VT_U8);
	for (uint32_t d = 2; d <= FLUE_CONFIG_MAX_TYPE_DEPTH; d++)
		t = tb_list(&b, t, 0);
	FT_EQ(layout_of(&b), 0);
	FT_EQ(b.nodes[t].depth, FLUE_CONFIG_MAX_TYPE_DEPTH);
	(void)tb_list(&b, t, 0);
	FT_EQ(layout_of(&b), FLUE_EINVAL);
	tb_init(&b);
	t = tb_prim(&b, FLUE_VT_U8);
	for (uint32_t d = 2; d <= FLUE_CONFIG_MAX_TYPE_DEPTH; d++)
		t = tb_rec(&b, FLUE_VT_RECORD, t);
	(void)tb_rec(&b, FLUE_VT_VARIANT, FLUE_TYPE_NONE, t);
	FT_EQ(layout_of(&b), FLUE_EINVAL);
}

/* A refused node: the nodes before it have their layout, it and later
 * ones are unchanged (valtype.h). */
FT_TEST(layout_stops_at_refused_node)
{
	struct tb b;
	tb_init(&b);
	(void)tb_prim(&b, FLUE_VT_U32);
	(void)tb_node(&b, FLUE_VT_FLAGS, 0, 0, NULL);
	(void)tb_prim(&b, FLUE_VT_U16);
	FT_EQ(layout_of(&b), FLUE_EINVAL);
	FT_EQ(b.nodes[0].align, 4);
	FT_EQ(b.nodes[0].size, 4);
	FT_EQ(b.nodes[0].flat, 1);
	FT_EQ(b.nodes[0].depth, 1);
	for (uint32_t i = 1; i < 3u; i++) {
		FT_EQ(b.nodes[i].align, 0);
		FT_EQ(b.nodes[i].size, 0);
		FT_EQ(b.nodes[i].flat, 0);
		FT_EQ(b.nodes[i].depth, 0);
	}
}

/* flue_types_check(): a precomputed graph is accepted when every stored
 * layout equals the computed one, refused when any field is off or a
 * rule is broken. */
FT_TEST(check_verifies_stored_layout)
{
	struct tb b;
	tb_init(&b);
	(void)tb_parse(&b, "tuple(u8,variant(u16,f64,_),list(u32),flags(9))");
	const struct flue_tgraph *g = tb_done(&b);
	FT_EQ(flue_types_check(g), 0);
	FT_EQ(flue_types_check(NULL), FLUE_EINVAL);
	for (uint32_t i = 0; i < b.nnodes; i++) {
		for (uint32_t f = 0; f < 4u; f++) {
			struct flue_tnode keep = b.nodes[i];
			struct flue_tnode *n = &b.nodes[i];
			if (f == 0u)
				n->align = (uint8_t)(n->align == 8u ? 4u : n->align * 2u);
			else if (f == 1u)
				n->size += 1u;
			else if (f == 2u)
				n->flat = (uint16_t)(n->flat + 1u);
			else
				n->depth = (uint8_t)(n->depth + 1u);
			FT_EQ(flue_types_check(g), FLUE_EINVAL);
			b.nodes[i] = keep;
		}
	}
	FT_EQ(flue_types_check(g), 0);
	b.nodes[0].kind = FLUE_VT_FLAGS; /* flags of 0 labels, layout as u8 */
	FT_EQ(flue_types_check(g), FLUE_EINVAL);
}

/* task.return's `result_type != task.ft.result_type()`: the same type in
 * two graphs is equal, a different kind, arg, child or case payload is
 * not; no type equals only no type. */
FT_TEST(types_equal_compares_structure)
{
	struct tb a, b;
	tb_init(&a), tb_init(&b);
	uint16_t x = tb_parse(&a, "result(list(string),_)");
	uint16_t y = tb_parse(&b, "result(list(string),_)");
	uint16_t z1 = tb_parse(&b, "result(list(string),u8)");
	uint16_t z2 = tb_parse(&b, "result(list(u8),_)");
	uint16_t z3 = tb_parse(&b, "option(list(string))");
	uint16_t z4 = tb_parse(&b, "list(string,2)");
	uint16_t z5 = tb_parse(&b, "list(string,3)");
	const struct flue_tgraph *ga = tb_done(&a), *gb = tb_done(&b);
	FT_TRUE(flue_types_equal(ga, &x, gb, &y));
	FT_TRUE(flue_types_equal(gb, &y, ga, &x));
	FT_TRUE(flue_types_equal(ga, &x, ga, &x));
	FT_FALSE(flue_types_equal(ga, &x, gb, &z1));
	FT_FALSE(flue_types_equal(ga, &x, gb, &z2));
	FT_FALSE(flue_types_equal(ga, &x, gb, &z3));
	FT_FALSE(flue_types_equal(gb, &z4, gb, &z5));
	FT_TRUE(flue_types_equal(ga, 0, gb, 0));
	FT_FALSE(flue_types_equal(ga, &x, gb, 0));
	uint16_t far = 200;
	FT_FALSE(flue_types_equal(ga, &far, gb, &y));
}

FT_SUITE(vals_layout,
	 FT_CASE(types_equal_compares_structure),
	 FT_CASE(alignment_elem_size_flatten_every_kind),
	 FT_CASE(variant_256_257_cases_discriminant),
	 FT_CASE(test_flatten_tuples),
	 FT_CASE(flatten_cap_and_range),
	 FT_CASE(flat_count_of_fixed_list),
	 FT_CASE(layout_rules_by_type),
	 FT_CASE(layout_rules_children_count),
	 FT_CASE(layout_rules_graph_shape),
	 FT_CASE(layout_depth_limit),
	 FT_CASE(layout_stops_at_refused_node),
	 FT_CASE(check_verifies_stored_layout))
