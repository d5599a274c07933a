/*
 * Graph-typed values (flue/valtype.h) crossing calls between two guest
 * instances: a string param and a string result through a sync lower of a
 * sync lift with different string encodings, a list through an async
 * lower of a callback lift and task.return, and the traps and refusals.
 *
 * Expected bytes and realloc calls are worked out from definitions.py @
 * 6d28164 (store_utf8_to_utf16, store_string_to_utf8 and
 * store_list_into_range with run_tests.py's Heap: a bump allocator whose
 * growing realloc copies the old bytes and whose shrinking realloc keeps
 * the pointer), never from flue.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

#define HEAP0 0x800u

/* ------------------------------------------------------------ types */

/* 0 string, 1 u32, 2 list<u32>, 3 own<R> (refused in graph types) */
static struct flue_tnode vc_nodes[4] = {
	{ .kind = FLUE_VT_STRING }, { .kind = FLUE_VT_U32 },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 0 }, { .kind = FLUE_VT_OWN, .arg = 1 },
};
static const uint16_t vc_kids[1] = { 1 };
static struct flue_tgraph vc_g = { vc_nodes, vc_kids, 3, 1 }; /* without own */
static struct flue_tgraph vc_g_own = { vc_nodes, vc_kids, 4, 1 };
static const uint16_t T_STRING = 0, T_LIST = 2;

static const struct flue_functype ft_greet = {
	.graph = &vc_g, .nparams = 1, .param_types = &T_STRING, .result_type = &T_STRING,
};
static const struct flue_functype ft_rev = {
	.async = true, .graph = &vc_g, .nparams = 1, .param_types = &T_LIST,
	.result_type = &T_LIST,
};

/* ------------------------------------------------------------- heaps */

struct vc_heap {
	uint32_t last, n;
	uint32_t log[8][4];
};
static struct vc_heap vc_ha, vc_hb;

/* run_tests.py's Heap.realloc over the instance's memory, logged. */
static uint32_t vc_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
			   uint32_t old_size, uint32_t align, uint32_t new_size)
{
	struct vc_heap *h = user;
	uint32_t ret;
	if (h->n < 8u) {
		uint32_t *e = h->log[h->n];
		e[0] = old_ptr, e[1] = old_size, e[2] = align, e[3] = new_size;
	}
	h->n++;
	if (old_ptr != 0 && new_size < old_size)
		return (old_ptr + align - 1u) / align * align;
	ret = (h->last + align - 1u) / align * align;
	h->last = ret + new_size;
	EX_TRUE(h->last <= EX_MEM);
	memmove(ex_mem(inst) + ret, ex_mem(inst) + old_ptr, old_size);
	return ret;
}

static void vc_call_is(const struct vc_heap *h, uint32_t k, uint32_t o, uint32_t os,
		       uint32_t al, uint32_t ns)
{
	EX_TRUE(k < h->n);
	EX_EQ(h->log[k][0], o);
	EX_EQ(h->log[k][1], os);
	EX_EQ(h->log[k][2], al);
	EX_EQ(h->log[k][3], ns);
}

static void vc_setup(void)
{
	ex_setup();
	FT_EQ(flue_types_layout(vc_nodes, 4, vc_kids, 1), 0);
	vc_ha = (struct vc_heap){ .last = HEAP0 };
	vc_hb = (struct vc_heap){ .last = HEAP0 };
}

static void vc_lift(struct flue_func *f, struct flue_instance *inst, const struct flue_functype *ft,
		    uint8_t kind, flue_core_fn core, flue_callback_fn cb, uint8_t enc)
{
	struct flue_lift_opts o = { .kind = kind, .core = core, .callback = cb,
				    .realloc = vc_realloc, .user = &vc_hb, .string_encoding = enc };
	FT_EQ(flue_lift(f, inst, ft, &o), 0);
}

static void vc_lower(struct flue_lowered *l, struct flue_func *f, struct flue_instance *c,
		     bool async, bool with_realloc)
{
	FT_EQ(flue_lower(l, f, c, async), 0);
	l->string_encoding = FLUE_STRING_UTF8;
	l->realloc = with_realloc ? vc_realloc : 0;
	l->user = &vc_ha;
}

static void put(struct flue_instance *i, uint32_t at, const char *bytes, uint32_t n)
{
	memcpy(ex_mem(i) + at, bytes, n);
}

static void st32(struct flue_instance *i, uint32_t at, uint32_t v)
{
	for (uint32_t k = 0; k < 4u; k++)
		ex_mem(i)[at + k] = (uint8_t)(v >> (8u * k));
}

/* ---------------------------------------- sync: string -> string */

static struct flue_func vc_top, vc_greet;
static struct flue_lowered vc_l;
static bool vc_greeted;

/* B (utf16) gets "hé" as UTF-16 and answers "hé!" through memory. */
CORE(greet_core)
{
	vc_greeted = true;
	EX_EQ(nargs, 2);
	EX_EQ(args[0], HEAP0);
	EX_EQ(args[1], 2);
	EX_EQ(memcmp(ex_mem(inst) + HEAP0, "h\0\xE9\0", 4), 0);
	put(inst, 0x300, "h\0\xE9\0!\0", 6);
	st32(inst, 0x400, 0x300);
	st32(inst, 0x404, 3);
	res[0] = 0x400;
}

/* A (utf8) passes "hé" (or bad UTF-8) with an out pointer at 0x200. */
CORE(run_greet)
{
	bool bad = *(const bool *)u_;
	put(inst, 0x100, bad ? "\xC3\x28" : "h\xC3\xA9", bad ? 2u : 3u);
	flue_flat_t a[3] = { 0x100, bad ? 2u : 3u, 0x200 };
	EX_EQ(flue_call_lowered(&vc_l, a, 3), 0);
}

static void greet_setup(bool bad, bool caller_realloc)
{
	static bool vc_bad;
	vc_bad = bad;
	vc_setup();
	struct flue_instance *a = ex_new(), *b = ex_new();
	vc_greeted = false;
	vc_lift(&vc_greet, b, &ft_greet, FLUE_LIFT_SYNC, greet_core, 0, FLUE_STRING_UTF16);
	vc_lower(&vc_l, &vc_greet, a, false, caller_realloc);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_greet, .user = &vc_bad };
	FT_EQ(flue_lift(&vc_top, a, &ft_sync, &o), 0);
}

/* store_utf8_to_utf16 into B: realloc(0, 0, 2, 6), shrink to 4 at the
 * same pointer; store_utf16_to_utf8 into A: realloc(0, 0, 1, 3), 'h'
 * written, then realloc(p, 3, 1, 9) (grown: the prefix copied), the rest,
 * then realloc(q, 9, 1, 4); (q, 4) at A's out pointer. */
FT_TEST(sync_string_param_and_result_transcoded)
{
	greet_setup(false, true);
	struct res r;
	invoke(&vc_top, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
	FT_TRUE(vc_greeted);
	EX_EQ(vc_hb.n, 2);
	vc_call_is(&vc_hb, 0, 0, 0, 2, 6);
	vc_call_is(&vc_hb, 1, HEAP0, 6, 2, 4);
	EX_EQ(vc_ha.n, 3);
	vc_call_is(&vc_ha, 0, 0, 0, 1, 3);
	vc_call_is(&vc_ha, 1, HEAP0, 3, 1, 9);
	vc_call_is(&vc_ha, 2, HEAP0 + 3u, 9, 1, 4);
	struct flue_instance *a = vc_top.inst;
	EX_EQ(ld32(a, 0x200), HEAP0 + 3u);
	EX_EQ(ld32(a, 0x204), 4);
	EX_EQ(memcmp(ex_mem(a) + HEAP0 + 3u, "h\xC3\xA9!", 4), 0);
}

/* load_string_from_range traps the caller on bad UTF-8 before any
 * realloc of the callee, which is never entered. */
FT_TEST(sync_bad_string_traps_the_caller_before_the_callee)
{
	greet_setup(true, true);
	struct res r;
	invoke(&vc_top, &r);
	(void)ex_run();
	FT_TRUE(r.done && !r.has);
	trapped(vc_top.inst, FLUE_TRAP_BAD_ENCODING);
	FT_FALSE(vc_greet.inst->poisoned);
	EX_EQ(vc_hb.n, 0);
	FT_FALSE(vc_greeted);
}

/* A result with a string needs the caller's realloc: without one in the
 * lowered import's options the caller traps, the callee does not. */
FT_TEST(sync_string_result_without_caller_realloc_traps_the_caller)
{
	greet_setup(false, false);
	struct res r;
	invoke(&vc_top, &r);
	(void)ex_run();
	FT_TRUE(r.done && !r.has);
	trapped(vc_top.inst, FLUE_TRAP_NO_REALLOC);
	FT_FALSE(vc_greet.inst->poisoned);
	FT_TRUE(vc_greeted);
}

/* ------------------------------ async lower, callback lift: list<u32> */

CB(unreachable_cb) { EX_TRUE(false); return EXIT; }

static struct flue_func vc_rev;

/* B reverses the list into its memory and returns it with task.return. */
CORE(rev_core)
{
	EX_EQ(nargs, 2);
	EX_EQ(args[1], 3);
	for (uint32_t i = 0; i < 3u; i++)
		st32(inst, 0x300 + 4u * i, ld32(inst, (uint32_t)args[0] + 4u * (2u - i)));
	flue_flat_t r[2] = { 0x300, 3 };
	flue_canon_task_return_typed(inst, &vc_g, &T_LIST, r, 2);
	res[0] = EXIT;
}

CORE(run_rev)
{
	for (uint32_t i = 0; i < 3u; i++)
		st32(inst, 0x100 + 4u * i, 10u + i);
	flue_flat_t a[3] = { 0x100, 3, 0x200 };
	EX_EQ(flue_call_lowered(&vc_l, a, 3), 2); /* RETURNED before the call returned */
}

/* store_list_into_range: realloc(0, 0, 4, 12) in B for the param, in A
 * for the result; the reversed list at A's out pointer. */
FT_TEST(async_list_param_and_task_return)
{
	vc_setup();
	struct flue_instance *a = ex_new(), *b = ex_new();
	vc_lift(&vc_rev, b, &ft_rev, FLUE_LIFT_CALLBACK, rev_core, unreachable_cb, 0);
	vc_lower(&vc_l, &vc_rev, a, true, true);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_rev };
	FT_EQ(flue_lift(&vc_top, a, &ft_sync, &o), 0);
	struct res r;
	invoke(&vc_top, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
	EX_EQ(vc_hb.n, 1);
	vc_call_is(&vc_hb, 0, 0, 0, 4, 12);
	EX_EQ(vc_ha.n, 1);
	vc_call_is(&vc_ha, 0, 0, 0, 4, 12);
	EX_EQ(ld32(a, 0x200), HEAP0);
	EX_EQ(ld32(a, 0x204), 3);
	for (uint32_t i = 0; i < 3u; i++)
		EX_EQ(ld32(a, HEAP0 + 4u * i), 12u - i);
}

/* task.return of the first form, or of another type, in a graph-typed
 * task traps RESULT_TYPE (canon_task_return: result_type != the task's). */
CORE(rev_wrong_return)
{
	flue_canon_task_return(inst, 0, 0, 0);
	res[0] = EXIT;
}

/* task.return with the same type in another graph (checked, then equal:
 * accepted), and with the wrong number of flat values (RESULT_TYPE). */
static struct flue_tnode vc_nodes2[3] = {
	{ .kind = FLUE_VT_STRING }, { .kind = FLUE_VT_U32 },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 0 },
};
static const struct flue_tgraph vc_g2 = { vc_nodes2, vc_kids, 3, 1 };

CORE(rev_other_graph)
{
	for (uint32_t i = 0; i < 3u; i++)
		st32(inst, 0x300 + 4u * i, 7u);
	flue_flat_t r[2] = { 0x300, 3 };
	flue_canon_task_return_typed(inst, &vc_g2, &T_LIST, r, 2);
	res[0] = EXIT;
}

CORE(rev_wrong_arity)
{
	flue_flat_t r[1] = { 0x300 };
	flue_canon_task_return_typed(inst, &vc_g, &T_LIST, r, 1);
	res[0] = EXIT;
}

static void rev_with(flue_core_fn core)
{
	vc_setup();
	FT_EQ(flue_types_layout(vc_nodes2, 3, vc_kids, 1), 0);
	struct flue_instance *a = ex_new(), *b = ex_new();
	vc_lift(&vc_rev, b, &ft_rev, FLUE_LIFT_CALLBACK, core, unreachable_cb, 0);
	vc_lower(&vc_l, &vc_rev, a, true, true);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_rev };
	FT_EQ(flue_lift(&vc_top, a, &ft_sync, &o), 0);
	struct res r;
	invoke(&vc_top, &r);
	(void)ex_run();
}

FT_TEST(task_return_with_an_equal_graph_and_wrong_arity)
{
	rev_with(rev_other_graph);
	FT_FALSE(vc_rev.inst->poisoned);
	FT_EQ(ld32(vc_top.inst, 0x204), 3);
	rev_with(rev_wrong_arity);
	trapped(vc_rev.inst, FLUE_TRAP_RESULT_TYPE);
}

FT_TEST(task_return_of_another_type_traps)
{
	vc_setup();
	struct flue_instance *a = ex_new(), *b = ex_new();
	vc_lift(&vc_rev, b, &ft_rev, FLUE_LIFT_CALLBACK, rev_wrong_return, unreachable_cb, 0);
	vc_lower(&vc_l, &vc_rev, a, true, true);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_rev };
	FT_EQ(flue_lift(&vc_top, a, &ft_sync, &o), 0);
	struct res r;
	invoke(&vc_top, &r);
	(void)ex_run();
	trapped(b, FLUE_TRAP_RESULT_TYPE);
}

/* on_start sets STARTED once the caller's values are lifted, before they
 * are lowered: a callee whose realloc traps while they are lowered shows
 * STARTED (its event will say CANCELLED_BEFORE_RETURNED), not STARTING
 * (review finding: the caller was told "before started" although its
 * values, own handles included, were already taken). */
static uint32_t trapping_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
				 uint32_t old_size, uint32_t align, uint32_t new_size)
{
	flue_trap_raise(inst, FLUE_TRAP_WASM_UNREACHABLE);
}

static const struct flue_functype ft_take_list = {
	.async = true, .graph = &vc_g, .nparams = 1, .param_types = &T_LIST,
};
static uint32_t vc_status;

CORE(run_take_list)
{
	flue_flat_t a[2] = { 0x100, 3 };
	vc_status = (uint32_t)flue_call_lowered(&vc_l, a, 2);
}

FT_TEST(callee_trap_while_params_are_lowered_shows_started)
{
	vc_setup();
	struct flue_instance *a = ex_new(), *b = ex_new();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = rev_core,
				    .callback = unreachable_cb, .realloc = trapping_realloc };
	FT_EQ(flue_lift(&vc_rev, b, &ft_take_list, &o), 0);
	vc_lower(&vc_l, &vc_rev, a, true, true);
	struct flue_lift_opts ot = { .kind = FLUE_LIFT_SYNC, .core = run_take_list };
	FT_EQ(flue_lift(&vc_top, a, &ft_sync, &ot), 0);
	struct res r;
	invoke(&vc_top, &r);
	(void)ex_run();
	trapped(b, FLUE_TRAP_WASM_UNREACHABLE);
	FT_FALSE(a->poisoned);
	FT_EQ(st_state(vc_status), FLUE_SUBTASK_STARTED);
}

/* run_tests.py test_cross_component_realloc: a producer returns
 * list<u8> [0a 0b 0c] through memory to a consumer that lowered it sync;
 * the consumer's realloc runs exactly once, with may_leave cleared, and
 * the bytes land in the consumer. (The reference also runs realloc as a
 * task of its own, whose context.get slots are 0:
 * realloc_runs_with_a_context_of_its_own.) */
static const struct flue_functype ft_produce = { .graph = &vc_g, .result_type = &T_LIST };
static struct flue_func vc_prod;
static uint32_t ccr_calls;
static bool ccr_may_leave;

static uint32_t ccr_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
			    uint32_t old_size, uint32_t align, uint32_t new_size)
{
	ccr_calls++;
	ccr_may_leave = ex_may_leave(inst);
	return vc_realloc(user, inst, old_ptr, old_size, align, new_size);
}

CORE(produce_core)
{
	put(inst, 0x300, "\x0a\x0b\x0c", 3);
	st32(inst, 0x310, 0x300);
	st32(inst, 0x314, 3);
	res[0] = 0x310;
}

CORE(consume_core)
{
	flue_flat_t a[1] = { 0x200 };
	EX_EQ(ccr_calls, 0);
	EX_EQ(flue_call_lowered(&vc_l, a, 1), 0);
	EX_EQ(ccr_calls, 1);
	EX_EQ(ld32(inst, 0x204), 3);
	EX_EQ(memcmp(ex_mem(inst) + ld32(inst, 0x200), "\x0a\x0b\x0c", 3), 0);
}

FT_TEST(test_cross_component_realloc)
{
	vc_setup();
	struct flue_instance *a = ex_new(), *b = ex_new();
	vc_lift(&vc_prod, b, &ft_produce, FLUE_LIFT_SYNC, produce_core, 0, 0);
	vc_lower(&vc_l, &vc_prod, a, false, true);
	vc_l.realloc = ccr_realloc;
	ccr_calls = 0, ccr_may_leave = true;
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = consume_core };
	FT_EQ(flue_lift(&vc_top, a, &ft_sync, &o), 0);
	struct res r;
	invoke(&vc_top, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
	FT_EQ(ccr_calls, 1);
	FT_FALSE(ccr_may_leave);
}

/* #705: realloc runs as a task of its own (store.lift + invoke), so
 * context.get inside it reads 0 and what context.set writes there is
 * gone after it: the callee's realloc during its params, and the
 * caller's during the results (when no task of the caller runs). */
static uint32_t rc_seen[2], rc_core_saw;

static uint32_t ctx_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
			    uint32_t old_size, uint32_t align, uint32_t new_size)
{
	uint32_t *seen = &rc_seen[user == &vc_ha ? 0 : 1];
	*seen = flue_canon_context_get(inst, 0);
	flue_canon_context_set(inst, 0, 77);
	return vc_realloc(user, inst, old_ptr, old_size, align, new_size);
}

CORE(greet_ctx_core)
{
	rc_core_saw = flue_canon_context_get(inst, 0);
	put(inst, 0x300, "ok", 2);
	st32(inst, 0x310, 0x300);
	st32(inst, 0x314, 2);
	res[0] = 0x310;
}

CORE(call_greet_ctx)
{
	flue_canon_context_set(inst, 0, 5);
	put(inst, 0x100, "hi", 2);
	flue_flat_t a[3] = { 0x100, 2, 0x200 };
	EX_EQ(flue_call_lowered(&vc_l, a, 3), 0);
	EX_EQ(flue_canon_context_get(inst, 0), 5); /* its own slots, untouched */
	EX_EQ(ld32(inst, 0x204), 2);
}

FT_TEST(realloc_runs_with_a_context_of_its_own)
{
	vc_setup();
	struct flue_instance *a = ex_new(), *b = ex_new();
	struct flue_lift_opts ob = { .kind = FLUE_LIFT_SYNC, .core = greet_ctx_core,
				     .realloc = ctx_realloc, .user = &vc_hb };
	FT_EQ(flue_lift(&vc_prod, b, &ft_greet, &ob), 0);
	vc_lower(&vc_l, &vc_prod, a, false, true);
	vc_l.realloc = ctx_realloc;
	rc_seen[0] = rc_seen[1] = 0xFFFF, rc_core_saw = 0xFFFF;
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = call_greet_ctx };
	FT_EQ(flue_lift(&vc_top, a, &ft_sync, &o), 0);
	struct res r;
	invoke(&vc_top, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
	FT_EQ(rc_seen[1], 0);     /* the callee's realloc, during its params */
	FT_EQ(rc_core_saw, 0);    /* its context.set inside realloc was its own */
	FT_EQ(rc_seen[0], 0);     /* the caller's realloc, during the results */
	FT_FALSE(a->poisoned);
}

/* --------------------------------------------------------- refusals */

static void noop_host(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user, (void)call, (void)args;
}

FT_TEST(graph_types_refused_where_not_supported)
{
	vc_setup();
	struct flue_instance *b = ex_new();
	struct flue_func f;
	/* string params without realloc: the callee could not receive them */
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = greet_core };
	EX_EQ(flue_lift(&f, b, &ft_greet, &o), FLUE_EINVAL);
	o.realloc = vc_realloc;
	o.string_encoding = 3;
	EX_EQ(flue_lift(&f, b, &ft_greet, &o), FLUE_EINVAL);
	/* handles in a graph: not yet */
	struct flue_functype own = ft_greet;
	own.graph = &vc_g_own;
	EX_EQ(flue_functype_check(&ex.store, &own), FLUE_EINVAL);
	/* a node outside the graph */
	static const uint16_t far = 9;
	struct flue_functype bad = ft_greet;
	bad.result_type = &far;
	EX_EQ(flue_functype_check(&ex.store, &bad), FLUE_EINVAL);
	/* host values of graph types: not yet */
	EX_EQ(flue_host_func(&f, ex.host, &ft_greet, noop_host, 0, 0), FLUE_ENOTSUP);
	o.string_encoding = FLUE_STRING_UTF8;
	FT_EQ(flue_lift(&f, b, &ft_greet, &o), 0);
	flue_call_t c;
	EX_EQ(flue_invoke(&f, ex.host, 0, on_res, 0, &c), FLUE_ENOTSUP);
	EX_EQ(flue_functype_check(&ex.store, &ft_greet), 0);
}

FT_SUITE(vals_calls,
	 FT_CASE(sync_string_param_and_result_transcoded),
	 FT_CASE(sync_bad_string_traps_the_caller_before_the_callee),
	 FT_CASE(sync_string_result_without_caller_realloc_traps_the_caller),
	 FT_CASE(async_list_param_and_task_return),
	 FT_CASE(task_return_of_another_type_traps),
	 FT_CASE(task_return_with_an_equal_graph_and_wrong_arity),
	 FT_CASE(callee_trap_while_params_are_lowered_shows_started),
	 FT_CASE(test_cross_component_realloc),
	 FT_CASE(realloc_runs_with_a_context_of_its_own),
	 FT_CASE(graph_types_refused_where_not_supported))
