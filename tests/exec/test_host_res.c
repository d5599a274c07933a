/*
 * run_tests.py's test_handles (definitions.py @ 6d28164), as flue can
 * express it: the host implements resource type rt (its destructor a
 * host function), gives a component two owns and a borrow, gets two
 * borrows back through a host function, and two owns as results.
 *
 * Where flue differs, and why:
 * - host values are handles of the host's table, not reps: the host
 *   makes its owns with flue_host_resource_new (42, 43, 44 at 1, 2, 3);
 * - the reference's guest calls resource.rep and resource.new of rt,
 *   which the reference's validation allows only in rt's implementation
 *   (flue traps NOT_IMPLEMENTER), so the guest here does neither, and
 *   returns two owns where the reference returns three (its third is the
 *   resource.new that reuses the dropped slot);
 * - the fourth param, a borrow of a type the guest implements, is a rep
 *   the host made up in the reference; a flue host would need a handle of
 *   that type first (exec/resources covers borrows into the
 *   implementation);
 * - MAX_FLAT_RESULTS is 1, so the results go through memory.
 * The indices follow Table.add/remove: the last freed slot first.
 */
#include "wast_common.h"
#include <flue/hval.h>
#include <flue/resource.h>
#include <flue/port.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* 0 own<rt>, 1 borrow<rt>, 2 tuple<own, own> */
static struct flue_tnode th_nodes[3] = {
	{ .kind = FLUE_VT_OWN }, { .kind = FLUE_VT_BORROW },
	{ .kind = FLUE_VT_TUPLE, .nkids = 2, .kids = 0 },
};
static const uint16_t th_kids[2] = { 0, 0 };
static const struct flue_tgraph th_g = { th_nodes, th_kids, 3, 2 };
static const uint16_t P_RUN[3] = { 0, 0, 1 }, P_HOST[2] = { 1, 1 }, T_OWN = 0, T_PAIR = 2;
static const struct flue_functype ft_run = { .graph = &th_g, .nparams = 3, .param_types = P_RUN,
					     .result_type = &T_PAIR };
static const struct flue_functype ft_host = { .graph = &th_g, .nparams = 2,
					      .param_types = P_HOST, .result_type = &T_OWN };
static const struct flue_valtype u32p[1] = { { .kind = FLUE_VAL_U32 } };
static const struct flue_functype ft_dtor = { .nparams = 1, .params = u32p };

static struct flue_instance *A;
static struct flue_func f_run, f_host, f_dtor;
static struct flue_lowered l_host;
static flue_rtype_t rt;
static uint32_t dtor_value, ndtor, got[2], ngot, heap;

static void dtor_start(void *user, flue_call_t call, const struct flue_values *args)
{
	ndtor++;
	dtor_value = (uint32_t)args->v[0];
	struct flue_values none = { 0, { 0 } };
	FT_EQ(flue_host_return(&ex.store, call, &none), 0);
}

/* host_func(borrow, borrow) -> own: the host implements rt, so the
 * borrows reach it as their reps (lower_borrow); it returns a new own. */
static void host_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), 0);
	FT_EQ(flue_hval_num(flue_hvals_get(&v, 0)), 42);
	FT_EQ(flue_hval_num(flue_hvals_get(&v, 1)), 44);
	uint32_t i;
	FT_EQ(flue_host_resource_new(ex.host, rt, 45, &i), 0);
	FT_EQ(i, 2); /* the last slot the invocation's owns freed */
	memset(ex.host_arena + 0x60, 0, 4);
	ex.host_arena[0x60] = (uint8_t)i;
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x60), 0);
}

CORE(core_wasm)
{
	EX_EQ(nargs, 3);
	EX_EQ(ex_table_len(inst), 4);
	EX_EQ(args[0], 1);
	EX_EQ(args[1], 2);
	EX_EQ(args[2], 3);
	uint32_t h1 = (uint32_t)args[0], h2 = (uint32_t)args[1], h3 = (uint32_t)args[2];
	flue_flat_t a[2] = { h1, h3 };
	uint32_t h4 = (uint32_t)flue_call_lowered(&l_host, a, 2);
	EX_EQ(h4, 4);
	dtor_value = 0;
	flue_canon_resource_drop(inst, rt, h1);
	EX_EQ(dtor_value, 42);
	EX_EQ(ex_table_len(inst), 5);
	EX_EQ(ex_handle_kind(inst, h1), FLUE_H_FREE);
	dtor_value = 0;
	flue_canon_resource_drop(inst, rt, h3); /* a borrow: no destructor */
	EX_EQ(dtor_value, 0);
	EX_EQ(ex_handle_kind(inst, h3), FLUE_H_FREE);
	uint32_t out = ex_alloc(inst, 4, 8); /* the results, through memory */
	memset(ex_mem(inst) + out, 0, 8);
	ex_mem(inst)[out] = (uint8_t)h2;
	ex_mem(inst)[out + 4u] = (uint8_t)h4;
	res[0] = out;
}

static uint32_t host_alloc(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
			   uint32_t al, uint32_t ns)
{
	uint32_t p = (heap + al - 1u) / al * al;
	heap = p + ns;
	return p;
}

static void on_resolve(void *user, const struct flue_hvals *v)
{
	FT_TRUE(v != NULL);
	struct flue_hval t = flue_hvals_get(v, 0);
	for (uint32_t k = 0; k < 2u; k++)
		got[k] = (uint32_t)flue_hval_num(flue_hval_field(t, k));
	ngot = 2;
}

FT_TEST(test_handles)
{
	ex_setup();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	A = ex_new();
	FT_EQ(flue_host_func(&f_dtor, ex.host, &ft_dtor, dtor_start, 0, 0), 0);
	FT_EQ(flue_resource_type_register(&ex.store, ex.host, &f_dtor, &rt), 0);
	th_nodes[0].arg = rt, th_nodes[1].arg = rt;
	FT_EQ(flue_types_layout(th_nodes, 3, th_kids, 2), 0);
	FT_EQ(flue_host_set_realloc(ex.host, host_alloc, 0), 0);
	heap = 0x200, ndtor = 0, ngot = 0;
	FT_EQ(flue_host_func(&f_host, ex.host, &ft_host, host_start, 0, 0), 0);
	FT_EQ(flue_lower(&l_host, &f_host, A, false), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = core_wasm };
	FT_EQ(flue_lift(&f_run, A, &ft_run, &o), 0);
	uint32_t h[3];
	for (uint32_t k = 0; k < 3u; k++)
		FT_EQ(flue_host_resource_new(ex.host, rt, 42u + k, &h[k]), 0);
	memset(ex.host_arena + 0x40, 0, 12);
	for (uint32_t k = 0; k < 3u; k++)
		ex.host_arena[0x40 + 4u * k] = (uint8_t)h[k];
	flue_call_t c;
	FT_EQ(flue_invoke_vals(&f_run, ex.host, 0x40, on_resolve, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ndtor, 1);
	FT_EQ(ngot, 2);
	/* the owns came back to the host's freed slots, last freed first */
	FT_EQ(got[0], 2);
	FT_EQ(got[1], 1);
	uint32_t rep;
	FT_EQ(flue_host_resource_rep(ex.host, rt, got[0], &rep), 0);
	FT_EQ(rep, 43);
	FT_EQ(flue_host_resource_rep(ex.host, rt, got[1], &rep), 0);
	FT_EQ(rep, 45);
	FT_EQ(ex.host->handles[3].u.res.lends, 0); /* the borrow's lend ended */
	FT_EQ(A->len, 5);
	for (uint32_t i = 1; i < 5u; i++)
		FT_EQ(A->handles[i].kind, FLUE_H_FREE);
}

/* ------------------------------------------ what the host API refuses */

CORE(dtor_core)
{
	(void)args;
}

static struct flue_func f_keep;
static uint32_t kept;

static void keep_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), 0);
	kept = (uint32_t)flue_hval_num(flue_hvals_get(&v, 0));
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), 0);
}

static flue_rtype_t rt_a;
static struct flue_lowered l_keep;

CORE(give_own_core)
{
	flue_flat_t a[1] = { flue_canon_resource_new(inst, rt_a, 9) };
	EX_EQ(flue_call_lowered(&l_keep, a, 1), 0);
}

/* A destructor must be a sync lift of the implementation of type
 * (u32) -> (), in either form; the host's drop of an own whose
 * destructor is a guest's is refused, as are bad arguments. */
FT_TEST(host_resource_calls_refuse_what_they_cannot_do)
{
	ex_setup();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	A = ex_new();
	struct flue_instance *B = ex_new();
	static const struct flue_valtype two[2] = { { .kind = FLUE_VAL_U32 }, { .kind = FLUE_VAL_U32 } };
	static const struct flue_functype ft_two = { .nparams = 2, .params = two };
	static const struct flue_functype ft_res = { .nparams = 1, .params = u32p, .result = u32p };
	static const struct flue_functype ft_dasync = { .async = true, .nparams = 1, .params = u32p };
	static struct flue_tnode u8n[1] = { { .kind = FLUE_VT_U8 } };
	static const struct flue_tgraph u8g = { u8n, 0, 1, 0 };
	static const uint16_t T_U8 = 0;
	static const struct flue_functype ft_gbad = { .graph = &u8g, .nparams = 1,
						      .param_types = &T_U8 };
	FT_EQ(flue_types_layout(u8n, 1, 0, 0), 0);
	const struct flue_functype *bad[] = { &ft_two, &ft_res, &ft_dasync, &ft_gbad };
	struct flue_func d;
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = dtor_core };
	flue_rtype_t r;
	for (uint32_t k = 0; k < 4u; k++) {
		struct flue_lift_opts ok = o;
		if (bad[k]->async) /* where the port has fibers */
			ok.kind = flue_port_fiber_supported() ? FLUE_LIFT_STACKFUL : FLUE_LIFT_SYNC;
		FT_EQ(flue_lift(&d, A, bad[k], &ok), 0);
		EX_EQ(flue_resource_type_register(&ex.store, A, &d, &r), FLUE_EINVAL);
	}
	FT_EQ(flue_lift(&d, B, &ft_dtor, &o), 0);
	EX_EQ(flue_resource_type_register(&ex.store, A, &d, &r), FLUE_EINVAL); /* B's */
	FT_EQ(flue_lift(&d, A, &ft_dtor, &o), 0);
	FT_EQ(flue_resource_type_register(&ex.store, A, &d, &rt_a), 0);
	/* the host gets an own of A's type, whose destructor is A's */
	static struct flue_tnode on[1] = { { .kind = FLUE_VT_OWN } };
	static const struct flue_tgraph og = { on, 0, 1, 0 };
	static const uint16_t zero = 0;
	static const struct flue_functype ft_keep = { .graph = &og, .nparams = 1,
						      .param_types = &zero };
	on[0].arg = rt_a;
	FT_EQ(flue_types_layout(on, 1, 0, 0), 0);
	FT_EQ(flue_host_set_realloc(ex.host, host_alloc, 0), 0);
	heap = 0x200;
	FT_EQ(flue_host_func(&f_keep, ex.host, &ft_keep, keep_start, 0, 0), 0);
	FT_EQ(flue_lower(&l_keep, &f_keep, A, false), 0);
	struct flue_lift_opts og_o = { .kind = FLUE_LIFT_SYNC, .core = give_own_core };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &og_o), 0);
	struct res rr;
	invoke(&f_run, &rr);
	FT_EQ(ex_run(), 0);
	ex_done();
	uint32_t rep = 1, i;
	EX_EQ(flue_host_resource_drop(ex.host, rt_a, kept, &rep), FLUE_ENOTSUP);
	EX_EQ(flue_host_resource_rep(ex.host, rt_a, kept, &rep), FLUE_EINVAL); /* not the host's */
	EX_EQ(flue_host_resource_drop(ex.host, rt_a, kept, 0), FLUE_EINVAL);
	EX_EQ(flue_host_resource_rep(ex.host, rt_a, kept, 0), FLUE_EINVAL);
	EX_EQ(flue_host_resource_new(ex.host, 0, 1, &i), FLUE_EINVAL);
	EX_EQ(flue_host_resource_new(0, rt_a, 1, &i), FLUE_EINVAL);
	EX_EQ(flue_host_resource_rep(ex.host, 0, kept, &rep), FLUE_EINVAL);
	/* lent: refused; then dropped */
	ex.host->handles[kept].u.res.lends = 1;
	EX_EQ(flue_host_resource_drop(ex.host, rt_a, kept, &rep), FLUE_EBUSY);
	ex.host->handles[kept].u.res.lends = 0;
	struct flue_instance *h = ex.host;
	flue_instance_destroy(h);
	EX_EQ(flue_host_resource_drop(h, rt_a, kept, &rep), FLUE_EINVAL);
	EX_EQ(flue_host_resource_new(h, rt_a, 1, &i), FLUE_EINVAL);
}

FT_SUITE(host_res, FT_CASE(test_handles),
	 FT_CASE(host_resource_calls_refuse_what_they_cannot_do))
