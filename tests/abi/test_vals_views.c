/*
 * Host views (flue/hval.h) over values in an instance's memory or flat
 * values, including every misuse answering NONE/0/NULL/EINVAL, and
 * handles inside values moved between two instances (lift_own,
 * lift_borrow, lift_error_context and their lowerings, definitions.py @
 * 6d28164) with their traps in the reference's order.
 */
#include <flue/hval.h>
#include <flue/resource.h>
#include "vals_test.h"

static struct flue_hval view(const struct flue_tgraph *g, uint16_t t, const flue_flat_t *flat,
			     uint32_t at, uint8_t enc)
{
	return (struct flue_hval){ g, fx.a, flat, at, t, enc };
}

/* A view answers NONE / 0 / NULL for what its value does not have. */
FT_TEST(views_refuse_what_the_value_does_not_have)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t u = tb_parse(&b, "u32"), l3 = tb_parse(&b, "list(u16,3)");
	uint16_t s = tb_parse(&b, "string"), m = tb_parse(&b, "map(u8,u8)");
	uint16_t r = tb_parse(&b, "record(u8)"), e = tb_parse(&b, "enum(3)");
	const struct flue_tgraph *g = tb_done(&b);
	struct flue_hval none = { g, fx.a, 0, 0, FLUE_TYPE_NONE, 0 }, k, v;
	uint32_t n = 7;
	FT_EQ(flue_hval_num(none), 0);
	FT_EQ(flue_hval_num(view(g, s, 0, 0, 0)), 0);  /* a string is not a number */
	FT_EQ(flue_hval_field(view(g, u, 0, 0, 0), 0).t, FLUE_TYPE_NONE);
	FT_EQ(flue_hval_field(view(g, r, 0, 0, 0), 1).t, FLUE_TYPE_NONE);
	FT_EQ(flue_hval_case(view(g, u, 0, 0, 0), &v), 0);
	FT_EQ(v.t, FLUE_TYPE_NONE);
	FT_EQ(flue_hval_count(view(g, u, 0, 0, 0)), 0);
	FT_EQ(flue_hval_count(view(g, l3, 0, 0, 0)), 3);
	FT_EQ(flue_hval_elem(view(g, l3, 0, 0, 0), 3).t, FLUE_TYPE_NONE);
	FT_EQ(flue_hval_elem(view(g, s, 0, 0, 0), 0).t, FLUE_TYPE_NONE);
	FT_EQ(flue_hval_entry(view(g, u, 0, 0, 0), 0, &k, &v), FLUE_EINVAL);
	FT_EQ(flue_hval_entry(view(g, m, 0, 0, 0), 0, &k, &v), FLUE_EINVAL); /* empty */
	FT_EQ(flue_hval_entry(view(g, m, 0, 0, 0), 0, 0, &v), FLUE_EINVAL);
	FT_TRUE(flue_hval_bytes(view(g, u, 0, 0, 0), &n, 0) == NULL);
	FT_TRUE(flue_hval_bytes(view(g, l3, 0, 0, 0), &n, 0) == NULL); /* fixed: no pair */
	FT_TRUE(flue_hval_bytes(view(g, s, 0, 0, 0), NULL, 0) == NULL);
	FT_EQ(flue_hval_num(view(g, e, (const flue_flat_t[]){ 2 }, 0, 0)), 2);
	FT_EQ(flue_hvals_get(NULL, 0).t, FLUE_TYPE_NONE);
	/* a view past memory reads nothing */
	struct flue_hval far = view(g, u, 0, MEM_SIZE, 0);
	FT_EQ(flue_hval_num(far), 0);
	struct flue_hval nomem = { g, 0, 0, 0, s, 0 };
	FT_TRUE(flue_hval_bytes(nomem, &n, 0) == NULL);
}

/* latin1+utf16: an untagged length is latin-1 bytes, a tagged one UTF-16
 * code units; a list<u32>'s bytes are its elements. */
FT_TEST(views_of_strings_and_lists)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t s = tb_parse(&b, "string"), l = tb_parse(&b, "list(u32)");
	const struct flue_tgraph *g = tb_done(&b);
	uint32_t n = 0;
	uint8_t enc = 9;
	flue_flat_t lat[2] = { 0x10, 3 }, wide[2] = { 0x10, 0x80000002u }, lst[2] = { 0x20, 2 };
	const uint8_t *p = flue_hval_bytes(view(g, s, lat, 0, FLUE_STRING_LATIN1_UTF16), &n, &enc);
	FT_EQ(n, 3);
	FT_EQ(enc, FLUE_STRING_LATIN1_UTF16);
	FT_TRUE(p == fx.a_mem + 0x10);
	FT_EQ(flue_hval_count(view(g, s, lat, 0, FLUE_STRING_LATIN1_UTF16)), 3);
	(void)flue_hval_bytes(view(g, s, wide, 0, FLUE_STRING_LATIN1_UTF16), &n, &enc);
	FT_EQ(n, 4);
	FT_EQ(enc, FLUE_STRING_UTF16);
	FT_EQ(flue_hval_count(view(g, s, wide, 0, FLUE_STRING_LATIN1_UTF16)), 2);
	stw(fx.a_mem, 0x20, 7), stw(fx.a_mem, 0x24, 9);
	p = flue_hval_bytes(view(g, l, lst, 0, 0), &n, &enc);
	FT_EQ(n, 8);
	FT_EQ(ld32(p, 4), 9);
	FT_EQ(flue_hval_num(flue_hval_elem(view(g, l, lst, 0, 0), 1)), 9);
	/* the pair in memory */
	stw(fx.a_mem, 0x30, 0x20), stw(fx.a_mem, 0x34, 2);
	FT_EQ(flue_hval_count(view(g, l, 0, 0x30, 0)), 2);
}

/* --------------------------------------------------- handles in values */

static flue_rtype_t vrt;

/* A resource type implemented by B; n own handles of it in A (made in B,
 * moved to A as an own<R> each). */
static const struct flue_tgraph *res_graph(struct tb *b, const char *type, uint16_t *t)
{
	fx_setup();
	FT_EQ(flue_resource_type_register(&fx.store, fx.b, 0, &vrt), 0);
	tb_init(b);
	*t = tb_parse(b, type);
	return tb_done(b);
}

static void move_a_b(const struct flue_tgraph *g, uint16_t t, const flue_flat_t *in,
		     uint32_t nin, flue_flat_t *out, uint32_t *nout, uint16_t task)
{
	struct flue_vmove m = { .g = g, .ts = &t, .nts = 1,
				.src = { fx.a, 0, 0, 0 }, .src_max_flat = 16, .flat = in, .nflat = nin,
				.dst = { fx.b, 0, 0, 0 }, .dst_max_flat = 16, .flat_out = out,
				.nflat_out = nout, .task = task };
	flue_vals_move(&m);
}

static uint32_t own_in_a(uint32_t rep)
{
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, "own(1)");
	const struct flue_tgraph *g = tb_done(&b);
	flue_flat_t h = flue_canon_resource_new(fx.b, vrt, rep), out = 0;
	uint32_t n = 0;
	struct flue_vmove m = { .g = g, .ts = &t, .nts = 1,
				.src = { fx.b, 0, 0, 0 }, .src_max_flat = 16, .flat = &h, .nflat = 1,
				.dst = { fx.a, 0, 0, 0 }, .dst_max_flat = 16, .flat_out = &out,
				.nflat_out = &n, .task = FLUE_TASK_NONE };
	flue_vals_move(&m);
	return (uint32_t)out;
}

/* error-context values: the receiver gets a new handle, the sender keeps
 * its own; a handle of another kind traps WRONG_KIND. */
FT_TEST(error_context_values_move)
{
	struct tb b;
	uint16_t t;
	const struct flue_tgraph *g = res_graph(&b, "errctx", &t);
	flue_flat_t e = flue_canon_error_context_new(fx.a, 0, 0), out = 0;
	uint32_t n = 0;
	move_a_b(g, t, &e, 1, &out, &n, FLUE_TASK_NONE);
	FT_EQ(n, 1);
	FT_EQ(out, 1); /* B's table was empty */
	flue_canon_error_context_drop(fx.a, (uint32_t)e); /* still A's */
	flue_flat_t h = own_in_a(5);
	FT_TRAPS(FLUE_TRAP_WRONG_KIND, move_a_b(g, t, &h, 1, &out, &n, FLUE_TASK_NONE));
}

/* own<R>: moved (A's slot freed, B gets the rep); borrow<R> into the
 * implementation is the rep; the lift_own traps in the reference's order. */
FT_TEST(own_and_borrow_values_move)
{
	struct tb b;
	uint16_t t;
	const struct flue_tgraph *g = res_graph(&b, "own(1)", &t);
	flue_flat_t h = own_in_a(42), out = 0;
	uint32_t n = 0;
	move_a_b(g, t, &h, 1, &out, &n, FLUE_TASK_NONE);
	FT_EQ(flue_canon_resource_rep(fx.b, vrt, (uint32_t)out), 42);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, move_a_b(g, t, &h, 1, &out, &n, FLUE_TASK_NONE));
	/* borrow into B, the implementation: the rep; the handle is lent to task 0 */
	struct tb b2;
	uint16_t tb2;
	const struct flue_tgraph *g2 = res_graph(&b2, "borrow(1)", &tb2);
	h = own_in_a(7);
	move_a_b(g2, tb2, &h, 1, &out, &n, 0);
	FT_EQ(out, 7);
	FT_TRAPS(FLUE_TRAP_RESOURCE_LENT, flue_canon_resource_drop(fx.a, vrt, (uint32_t)h));
}

static void own_trap(const char *type, bool borrowed_first, enum flue_trap_reason why)
{
	struct tb b;
	uint16_t t;
	const struct flue_tgraph *g = res_graph(&b, type, &t);
	flue_flat_t h = own_in_a(3), out[2] = { 0, 0 };
	uint32_t n = 0;
	if (borrowed_first) { /* a borrow handle of A: B lends A one */
		struct tb b2;
		tb_init(&b2);
		uint16_t bt = tb_parse(&b2, "borrow(1)");
		const struct flue_tgraph *g2 = tb_done(&b2);
		flue_flat_t hb = flue_canon_resource_new(fx.b, vrt, 9);
		struct flue_vmove m = { .g = g2, .ts = &bt, .nts = 1,
					.src = { fx.b, 0, 0, 0 }, .src_max_flat = 16, .flat = &hb,
					.nflat = 1, .dst = { fx.a, 0, 0, 0 }, .dst_max_flat = 16,
					.flat_out = out, .nflat_out = &n, .task = 0 };
		flue_vals_move(&m);
		h = out[0];
	}
	FT_TRAPS(why, move_a_b(g, t, &h, 1, out, &n, FLUE_TASK_NONE));
}

FT_TEST(own_lift_traps)
{
	own_trap("own(2)", false, FLUE_TRAP_TYPE_MISMATCH);
	own_trap("own(1)", true, FLUE_TRAP_NOT_OWN);
	own_trap("borrow(1)", false, FLUE_TRAP_BAD_VALUE); /* a borrow outside a call's params */
}

/* (own<R>, error-context) naming one handle: lift_own removes it, so
 * lift_error_context's table get finds nothing: BAD_HANDLE (fuzz finding:
 * flue said WRONG_KIND). */
FT_TEST(error_context_after_an_own_of_the_same_index)
{
	fx_setup();
	FT_EQ(flue_resource_type_register(&fx.store, fx.b, 0, &vrt), 0);
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, "tuple(own(1),errctx)");
	const struct flue_tgraph *g = tb_done(&b);
	flue_flat_t h = own_in_a(4), in[2] = { h, h }, out[2];
	uint32_t n = 0;
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, move_a_b(g, t, in, 2, out, &n, FLUE_TASK_NONE));
}

FT_SUITE(vals_views,
	 FT_CASE(error_context_after_an_own_of_the_same_index),
	 FT_CASE(views_refuse_what_the_value_does_not_have),
	 FT_CASE(views_of_strings_and_lists),
	 FT_CASE(error_context_values_move),
	 FT_CASE(own_and_borrow_values_move),
	 FT_CASE(own_lift_traps))
