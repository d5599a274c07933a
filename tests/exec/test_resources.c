/*
 * Resources across calls (flue/resource.h, definitions.py @ 6d28164:
 * lift_own/lower_own, lift_borrow/lower_borrow, Subtask.add_lender and
 * deliver_resolve, Task.num_borrows, canon_resource_new/drop/rep). Three
 * guest instances: R implements the resource type (and its destructor),
 * B is another callee, C the caller the host invokes. Expected indices
 * follow the reference's table (index 0 unused, last freed slot first).
 */
#include "wast_common.h"
#include <flue/resource.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* 0 u32, 1 own<rt>, 2 borrow<rt>, 3 list<own<rt>> */
static struct flue_tnode rs_nodes[4] = {
	{ .kind = FLUE_VT_U32 }, { .kind = FLUE_VT_OWN }, { .kind = FLUE_VT_BORROW },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 0 },
};
static const uint16_t rs_kids[1] = { 1 };
static const struct flue_tgraph rs_g = { rs_nodes, rs_kids, 4, 1 };
static const uint16_t T_U32 = 0, T_OWN = 1, T_BORROW = 2, T_LIST_OWN = 3;
static const uint16_t P_OWN_OWN[2] = { 1, 1 }, P_BORROW_OWN[2] = { 2, 1 };

static const struct flue_functype ft_make = { .graph = &rs_g, .nparams = 1,
					      .param_types = &T_U32, .result_type = &T_OWN };
static const struct flue_functype ft_take = { .graph = &rs_g, .nparams = 1,
					      .param_types = &T_OWN, .result_type = &T_U32 };
static const struct flue_functype ft_peek = { .graph = &rs_g, .nparams = 1,
					      .param_types = &T_BORROW, .result_type = &T_U32 };
static const struct flue_functype ft_peek_async = { .async = true, .graph = &rs_g,
						    .nparams = 1, .param_types = &T_BORROW };
static const struct flue_functype ft_two = { .graph = &rs_g, .nparams = 2,
					     .param_types = P_OWN_OWN };
static const struct flue_functype ft_bo = { .graph = &rs_g, .nparams = 2,
					    .param_types = P_BORROW_OWN };
static const struct flue_functype ft_list = { .graph = &rs_g, .nparams = 1,
					      .param_types = &T_LIST_OWN, .result_type = &T_U32 };
static const struct flue_valtype VU32 = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ft_dtor = { .nparams = 1, .params = &VU32 };

static struct flue_instance *R, *B, *C;
static flue_rtype_t rt;
static uint32_t dtor_rep, dtor_calls, got;
static struct flue_func f_make, f_take, f_peek_b, f_peek_r, f_keep, f_two, f_bo, f_list, f_dtor,
	f_run, f_wait;
static struct flue_lowered l_make, l_take, l_peek_b, l_peek_r, l_keep, l_two, l_bo, l_list,
	l_wait;

/* ------------------------------------------------------------ R, B */

CORE(make_core) { res[0] = flue_canon_resource_new(inst, rt, (uint32_t)args[0]); }
CORE(dtor_core)
{
	dtor_rep = (uint32_t)args[0];
	dtor_calls++;
}
/* R gets the own handle, reads its rep, drops it (the destructor runs). */
CORE(take_core)
{
	uint32_t h = (uint32_t)args[0];
	res[0] = flue_canon_resource_rep(inst, rt, h);
	flue_canon_resource_drop(inst, rt, h);
}
/* B (not the implementation) gets a borrow handle: its index, dropped. */
CORE(peek_b_core)
{
	res[0] = args[0];
	flue_canon_resource_drop(inst, rt, (uint32_t)args[0]);
}
/* R (the implementation) gets the rep itself. */
CORE(peek_r_core) { res[0] = args[0]; }
/* B returns without dropping its borrow. */
CORE(keep_core) { res[0] = 0; }
CORE(unreached_core) { EX_TRUE(false); }
/* B's list: the indices of its new own handles, as i | j << 8 | ... */
CORE(list_core)
{
	uint32_t n = (uint32_t)args[1], v = 0;
	for (uint32_t k = 0; k < n; k++)
		v |= ld32(inst, (uint32_t)args[0] + 4u * k) << (8u * k);
	res[0] = v;
}
/* async, callback: keeps the borrow over a yield, then drops it */
CORE(wait_core) { res[0] = YIELD; }
CB(wait_cb)
{
	flue_canon_resource_drop(inst, rt, 1);
	flue_canon_task_return_typed(inst, &rs_g, 0, 0, 0);
	return EXIT;
}

/* ------------------------------------------------------------- setup */

static void lift_g(struct flue_func *f, struct flue_instance *i, const struct flue_functype *ft,
		   flue_core_fn core)
{
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = core, .realloc = ex_realloc };
	FT_EQ(flue_lift(f, i, ft, &o), 0);
}

static void rs_setup(flue_core_fn run)
{
	ex_setup();
	R = ex_new(), B = ex_new(), C = ex_new();
	lift_g(&f_dtor, R, &ft_dtor, dtor_core);
	FT_EQ(flue_resource_type_register(&ex.store, R, &f_dtor, &rt), 0);
	rs_nodes[1].arg = rt, rs_nodes[2].arg = rt;
	FT_EQ(flue_types_layout(rs_nodes, 4, rs_kids, 1), 0);
	dtor_rep = 0, dtor_calls = 0, got = 0;
	lift_g(&f_make, R, &ft_make, make_core);
	lift_g(&f_take, R, &ft_take, take_core);
	lift_g(&f_peek_b, B, &ft_peek, peek_b_core);
	lift_g(&f_peek_r, R, &ft_peek, peek_r_core);
	lift_g(&f_keep, B, &ft_peek, keep_core);
	lift_g(&f_two, B, &ft_two, unreached_core);
	lift_g(&f_bo, B, &ft_bo, unreached_core);
	lift_g(&f_list, B, &ft_list, list_core);
	struct flue_lift_opts w = { .kind = FLUE_LIFT_CALLBACK, .core = wait_core,
				    .callback = wait_cb, .realloc = ex_realloc };
	FT_EQ(flue_lift(&f_wait, B, &ft_peek_async, &w), 0);
	struct { struct flue_lowered *l; struct flue_func *f; bool a; } ls[] = {
		{ &l_make, &f_make, false }, { &l_take, &f_take, false },
		{ &l_peek_b, &f_peek_b, false }, { &l_peek_r, &f_peek_r, false },
		{ &l_keep, &f_keep, false }, { &l_two, &f_two, false }, { &l_bo, &f_bo, false },
		{ &l_list, &f_list, false }, { &l_wait, &f_wait, true },
	};
	for (uint32_t i = 0; i < sizeof ls / sizeof ls[0]; i++) {
		FT_EQ(flue_lower(ls[i].l, ls[i].f, C, ls[i].a), 0);
		ls[i].l->realloc = ex_realloc;
	}
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run };
	FT_EQ(flue_lift(&f_run, C, &ft_sync, &o), 0);
}

static void rs_run(bool ok)
{
	struct res r;
	invoke(&f_run, &r);
	(void)ex_run();
	FT_TRUE(r.done);
	FT_EQ(r.has, ok);
	if (ok)
		ex_done();
}

static uint32_t make(uint32_t rep) { return c1(&l_make, rep); }

/* ------------------------------------------------------------ own */

/* make: R's new handle (R index 1) moves to C (C index 1, R's slot freed);
 * take: C's handle moves back to R (index 1 again), R reads its rep and
 * drops it, which runs the destructor (R calls into R: #705). */
CORE(run_own)
{
	uint32_t h = make(42);
	EX_EQ(h, 1);
	got = c1(&l_take, h);
	/* C's slot 1 was freed by the move: the next handle reuses it */
	EX_EQ(flue_canon_error_context_new(inst, 0, 0), 1);
}

FT_TEST(own_moves_and_its_drop_runs_the_destructor)
{
	rs_setup(run_own);
	rs_run(true);
	FT_EQ(got, 42);
	FT_EQ(dtor_calls, 1);
	FT_EQ(dtor_rep, 42);
}

/* ---------------------------------------------------------- borrow */

/* B gets a borrow handle (its index 1) and drops it before returning;
 * the lend ends when the call returns, so C may drop h: destructor. */
CORE(run_borrow)
{
	uint32_t h = make(7);
	EX_EQ(c1(&l_peek_b, h), 1);
	EX_EQ(dtor_calls, 0);
	flue_canon_resource_drop(inst, rt, h);
	EX_EQ(dtor_calls, 1);
	EX_EQ(dtor_rep, 7);
}

FT_TEST(borrow_is_lent_for_the_call)
{
	rs_setup(run_borrow);
	rs_run(true);
}

/* lower_borrow into the resource's implementation: the rep itself. */
CORE(run_borrow_impl) { EX_EQ(c1(&l_peek_r, make(9)), 9); }

FT_TEST(borrow_into_the_implementation_is_the_rep)
{
	rs_setup(run_borrow_impl);
	rs_run(true);
}

/* Task.return_: trap_if(num_borrows > 0). */
CORE(run_keep) { (void)c1(&l_keep, make(5)); }

FT_TEST(callee_returning_with_a_borrow_traps)
{
	rs_setup(run_keep);
	rs_run(false);
	trapped(B, FLUE_TRAP_BORROWS_OUTSTANDING);
	trapped(C, FLUE_TRAP_CALLEE_TRAPPED);
}

/* canon_resource_drop: trap_if(h.num_lends != 0) while the async callee
 * holds the borrow. */
CORE(run_lent_drop)
{
	uint32_t h = make(3);
	uint32_t st = c1(&l_wait, h);
	EX_EQ(st_state(st), FLUE_SUBTASK_STARTED);
	flue_canon_resource_drop(inst, rt, h);
	EX_TRUE(false);
}

FT_TEST(lent_handle_cannot_be_dropped)
{
	rs_setup(run_lent_drop);
	rs_run(false);
	trapped(C, FLUE_TRAP_RESOURCE_LENT);
	FT_EQ(dtor_calls, 0);
}

/* ------------------------------------------------- one value, twice */

/* lift_own removes the handle: the second own of it finds nothing. */
CORE(run_own_twice)
{
	uint32_t h = make(1);
	flue_flat_t a[2] = { h, h };
	(void)flue_call_lowered(&l_two, a, 2);
}

FT_TEST(same_own_twice_traps_the_caller)
{
	rs_setup(run_own_twice);
	rs_run(false);
	trapped(C, FLUE_TRAP_BAD_HANDLE);
	FT_FALSE(B->poisoned);
}

/* lift_borrow lends h, then lift_own: trap_if(h.num_lends != 0). */
CORE(run_borrow_then_own)
{
	uint32_t h = make(1);
	flue_flat_t a[2] = { h, h };
	(void)flue_call_lowered(&l_bo, a, 2);
}

FT_TEST(borrow_then_own_of_one_handle_traps)
{
	rs_setup(run_borrow_then_own);
	rs_run(false);
	trapped(C, FLUE_TRAP_RESOURCE_LENT);
}

/* list<own<rt>>: B's new handles 1, 2, 3; C's slots freed in lift order
 * 1, 2, 3, so its next three handles are 3, 2, 1. */
CORE(run_list)
{
	for (uint32_t k = 0; k < 3u; k++) {
		uint32_t h = make(100u + k);
		EX_EQ(h, k + 1u);
		ex_mem(inst)[0x100 + 4u * k] = (uint8_t)h;
	}
	EX_EQ(c2(&l_list, 0x100, 3), 0x030201u);
	EX_EQ(flue_canon_error_context_new(inst, 0, 0), 3);
	EX_EQ(flue_canon_error_context_new(inst, 0, 0), 2);
	EX_EQ(flue_canon_error_context_new(inst, 0, 0), 1);
}

FT_TEST(list_of_owns_moves_in_order)
{
	rs_setup(run_list);
	rs_run(true);
}

/* One instance on both sides (R calls its own export): the reference
 * lifts both owns first (slots 1 and 2 freed, 2 on top), then lowers
 * them: the first gets slot 2, the second slot 1. */
static struct flue_func f_self;
static struct flue_lowered l_self;

CORE(self_core)
{
	EX_EQ(args[0], 2);
	EX_EQ(args[1], 1);
	EX_EQ(flue_canon_resource_rep(inst, rt, 2), 21);
	EX_EQ(flue_canon_resource_rep(inst, rt, 1), 22);
	got = 1;
}

CORE(run_self)
{
	uint32_t h1 = flue_canon_resource_new(inst, rt, 21), h2 = flue_canon_resource_new(inst, rt, 22);
	EX_EQ(h1, 1);
	EX_EQ(h2, 2);
	flue_flat_t a[2] = { h1, h2 };
	(void)flue_call_lowered(&l_self, a, 2);
}

FT_TEST(own_handles_to_the_same_instance_get_the_reference_indices)
{
	rs_setup(run_own);
	lift_g(&f_self, R, &ft_two, self_core);
	FT_EQ(flue_lower(&l_self, &f_self, R, false), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_self };
	FT_EQ(flue_lift(&f_run, R, &ft_sync, &o), 0);
	rs_run(true);
	FT_EQ(got, 1);
}

/* ------------------------------------------------------- built-ins */

static uint32_t bi_case;

/* Each case one trap of resource.new / .rep / .drop, in R or C. */
CORE(run_builtin)
{
	uint32_t h = make(11), e = flue_canon_error_context_new(inst, 0, 0);
	switch (bi_case) {
	case 0: (void)flue_canon_resource_new(inst, rt, 1); break;   /* C: NOT_IMPLEMENTER */
	case 1: (void)flue_canon_resource_rep(inst, rt, h); break;   /* C: NOT_IMPLEMENTER */
	case 2: flue_canon_resource_drop(inst, rt, 9); break;        /* BAD_HANDLE */
	case 3: flue_canon_resource_drop(inst, rt, e); break;        /* WRONG_KIND */
	case 4: flue_canon_resource_drop(inst, (flue_rtype_t)(rt + 1u), h); break; /* TYPE_MISMATCH */
	default: (void)flue_canon_resource_new(inst, 0, 1); break;   /* no such type */
	}
	EX_TRUE(false);
}

FT_TEST(builtins_trap_with_their_reasons)
{
	static const enum flue_trap_reason want[] = {
		FLUE_TRAP_NOT_IMPLEMENTER, FLUE_TRAP_NOT_IMPLEMENTER, FLUE_TRAP_BAD_HANDLE,
		FLUE_TRAP_WRONG_KIND, FLUE_TRAP_TYPE_MISMATCH, FLUE_TRAP_NOT_IMPLEMENTER,
	};
	for (bi_case = 0; bi_case < 6u; bi_case++) {
		rs_setup(run_builtin);
		rs_run(false);
		trapped(C, want[bi_case]);
	}
}

FT_TEST(type_registration_and_checks)
{
	ex_setup();
	R = ex_new(), B = ex_new();
	flue_rtype_t t;
	struct flue_func wrong;
	lift_g(&wrong, B, &ft_dtor, dtor_core);
	EX_EQ(flue_resource_type_register(&ex.store, R, &wrong, &t), FLUE_EINVAL); /* B's */
	lift_g(&wrong, R, &ft_sync, dtor_core);
	EX_EQ(flue_resource_type_register(&ex.store, R, &wrong, &t), FLUE_EINVAL); /* () -> () */
	EX_EQ(flue_resource_type_register(&ex.store, 0, 0, &t), FLUE_EINVAL);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_RESOURCE_TYPES; i++)
		EX_EQ(flue_resource_type_register(&ex.store, R, 0, &t), 0);
	EX_EQ(flue_resource_type_register(&ex.store, R, 0, &t), FLUE_ENOMEM);
	/* a borrow in a result, an unregistered type: refused */
	static struct flue_tnode n[2] = { { .kind = FLUE_VT_BORROW, .arg = 1 },
					  { .kind = FLUE_VT_OWN, .arg = 200 } };
	FT_EQ(flue_types_layout(n, 2, 0, 0), 0);
	static const struct flue_tgraph g = { n, 0, 2, 0 };
	static const uint16_t zero = 0, one = 1;
	struct flue_functype ft = { .graph = &g, .result_type = &zero };
	EX_EQ(flue_functype_check(&ex.store, &ft), FLUE_EINVAL);
	ft = (struct flue_functype){ .graph = &g, .nparams = 1, .param_types = &one };
	EX_EQ(flue_functype_check(&ex.store, &ft), FLUE_EINVAL);
	ft = (struct flue_functype){ .graph = &g, .nparams = 1, .param_types = &zero };
	EX_EQ(flue_functype_check(&ex.store, &ft), 0);
}

FT_SUITE(resources,
	 FT_CASE(own_moves_and_its_drop_runs_the_destructor),
	 FT_CASE(borrow_is_lent_for_the_call),
	 FT_CASE(borrow_into_the_implementation_is_the_rep),
	 FT_CASE(callee_returning_with_a_borrow_traps),
	 FT_CASE(lent_handle_cannot_be_dropped),
	 FT_CASE(same_own_twice_traps_the_caller),
	 FT_CASE(borrow_then_own_of_one_handle_traps),
	 FT_CASE(list_of_owns_moves_in_order),
	 FT_CASE(own_handles_to_the_same_instance_get_the_reference_indices),
	 FT_CASE(builtins_trap_with_their_reasons),
	 FT_CASE(type_registration_and_checks))
