/*
 * The value system's limits and refusals that no other suite reaches:
 * a lowered import's unknown string encoding, the fixed lend pool
 * (FLUE_CONFIG_MAX_LENDS) and the own handles a move from an instance to
 * itself can carry (FLUE_CONFIG_MAX_VALUES). Each is flue's (docs/CONFORMANCE.md, "Values":
 * static memory, options flue sees only at call time); the reference has
 * no such limits.
 */
#include "wast_common.h"
#include <flue/resource.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* 0 u32, 1 borrow<rt>, 2 list<borrow<rt>>, 3 own<rt>, 4 list<own<rt>>, 5 string */
static struct flue_tnode vl_nodes[6] = {
	{ .kind = FLUE_VT_U32 }, { .kind = FLUE_VT_BORROW },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 0 }, { .kind = FLUE_VT_OWN },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 1 }, { .kind = FLUE_VT_STRING },
};
static const uint16_t vl_kids[2] = { 1, 3 };
static const struct flue_tgraph vl_g = { vl_nodes, vl_kids, 6, 2 };
static const uint16_t T_LB = 2, T_LO = 4, T_STR = 5;

static const struct flue_functype ft_lb = { .graph = &vl_g, .nparams = 1, .param_types = &T_LB };
static const struct flue_functype ft_lo = { .graph = &vl_g, .nparams = 1, .param_types = &T_LO };
static const struct flue_functype ft_str = { .graph = &vl_g, .nparams = 1,
					     .param_types = &T_STR };

static struct flue_instance *R, *C;
static flue_rtype_t rt;
static struct flue_func f_callee, f_run;
static struct flue_lowered l_callee;
static uint32_t nhandles, heap;

static uint32_t bump(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
		     uint32_t al, uint32_t ns)
{
	uint32_t p = (heap + al - 1u) / al * al;
	heap = p + ns;
	return p;
}

CORE(make_core) { res[0] = flue_canon_resource_new(inst, rt, (uint32_t)args[0]); }
CORE(nothing_core) {}

static struct flue_func f_make;
static struct flue_lowered l_make;

/* R implements rt; C (the caller) gets `nhandles` owns of it from R, then
 * passes them as one list to the callee (in R or C). */
static void setup(const struct flue_functype *ft, flue_core_fn run, bool callee_in_c)
{
	ex_setup();
	R = ex_new(), C = ex_new();
	FT_EQ(flue_resource_type_register(&ex.store, R, NULL, &rt), 0);
	vl_nodes[1].arg = rt, vl_nodes[3].arg = rt;
	FT_EQ(flue_types_layout(vl_nodes, 6, vl_kids, 2), 0);
	static const uint16_t T_U32 = 0, T_OWN = 3;
	static const struct flue_functype ft_make = { .graph = &vl_g, .nparams = 1,
						      .param_types = &T_U32, .result_type = &T_OWN };
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = make_core };
	FT_EQ(flue_lift(&f_make, R, &ft_make, &o), 0);
	FT_EQ(flue_lower(&l_make, &f_make, C, false), 0);
	o = (struct flue_lift_opts){ .kind = FLUE_LIFT_SYNC, .core = nothing_core, .realloc = bump };
	FT_EQ(flue_lift(&f_callee, callee_in_c ? C : R, ft, &o), 0);
	FT_EQ(flue_lower(&l_callee, &f_callee, C, false), 0);
	o = (struct flue_lift_opts){ .kind = FLUE_LIFT_SYNC, .core = run };
	FT_EQ(flue_lift(&f_run, C, &ft_sync, &o), 0);
	heap = 0x800;
}

static void run(void)
{
	struct res r;
	invoke(&f_run, &r);
	(void)ex_run();
	FT_TRUE(r.done);
}

static void st32(struct flue_instance *i, uint32_t at, uint32_t v)
{
	for (uint32_t k = 0; k < 4u; k++)
		ex_mem(i)[at + k] = (uint8_t)(v >> (8u * k));
}

/* C's list of `nhandles` owns at 0x200, then the call. */
CORE(run_list)
{
	for (uint32_t k = 0; k < nhandles; k++) {
		uint32_t h = c1(&l_make, 100u + k);
		EX_EQ(h, k + 1u); /* C's table: the owns take 1, 2, ... */
		st32(inst, 0x200 + 4u * k, h);
	}
	flue_flat_t a[2] = { 0x200, nhandles };
	(void)flue_call_lowered(&l_callee, a, 2);
}

/* list<borrow<rt>> of FLUE_CONFIG_MAX_LENDS + 1 handles: every borrow is
 * lent to the call, and the pool holds FLUE_CONFIG_MAX_LENDS. */
FT_TEST(lend_pool_full_traps_the_caller)
{
	setup(&ft_lb, run_list, false);
	nhandles = FLUE_CONFIG_MAX_LENDS + 1u;
	run();
	trapped(C, FLUE_TRAP_POOL_FULL);
	FT_FALSE(R->poisoned);
	/* ... and FLUE_CONFIG_MAX_LENDS of them pass. */
	setup(&ft_lb, run_list, false);
	nhandles = FLUE_CONFIG_MAX_LENDS;
	run();
	FT_FALSE(C->poisoned);
}

/* An instance calling itself with more owns in one value than a move
 * between two parts of one instance reads out first. */
FT_TEST(same_instance_owns_beyond_the_limit_trap)
{
	setup(&ft_lo, run_list, true);
	nhandles = FLUE_CONFIG_MAX_VALUES + 1u;
	run();
	trapped(C, FLUE_TRAP_POOL_FULL);
	setup(&ft_lo, run_list, true);
	nhandles = FLUE_CONFIG_MAX_VALUES;
	run();
	FT_FALSE(C->poisoned);
}

/* A lowered import whose string encoding is none of the three. */
CORE(run_str)
{
	memcpy(ex_mem(inst) + 0x200, "hi", 2);
	flue_flat_t a[2] = { 0x200, 2 };
	(void)flue_call_lowered(&l_callee, a, 2);
}

FT_TEST(unknown_lowered_string_encoding_traps_the_caller)
{
	setup(&ft_str, run_str, false);
	l_callee.string_encoding = 7;
	run();
	trapped(C, FLUE_TRAP_BAD_VALUE);
	FT_FALSE(R->poisoned);
}

FT_SUITE(vals_limits,
	 FT_CASE(lend_pool_full_traps_the_caller),
	 FT_CASE(same_instance_owns_beyond_the_limit_trap),
	 FT_CASE(unknown_lowered_string_encoding_traps_the_caller))
