/*
 * Handles at the host edge (flue/hval.h, flue_host_set_realloc()): own,
 * error-context and stream ends inside values a host function takes and
 * gives, and an invocation gives and gets. Values shown to the host that
 * hold handles are moved into its arena as lower_flat_values would move
 * them into a guest with max_flat 0 (definitions.py @ 6d28164: the
 * tuple's realloc(0, 0, align, size), then store in order), their
 * handles lowered into the host's table (Table.add: the last freed slot
 * first, else the next never-used one, from 1).
 *
 * A is the guest; the host is ex.host.
 */
#include "wast_common.h"
#include <flue/hval.h>
#include <flue/resource.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* 0 string, 1 stream<u8>, 2 u32, 3 own<R>, 4 error-context,
 * 5 record { name: string, s: stream<u8> }, 6 result<stream<u8>, string>,
 * 7 result<u32, error-context>, 8 borrow<R>, 9 tuple<stream<u8>, stream<u8>>,
 * 10 own<H>, 11 borrow<H> (H: a resource the host implements) */
static struct flue_tnode hh_nodes[12] = {
	{ .kind = FLUE_VT_STRING }, { .kind = FLUE_VT_STREAM }, { .kind = FLUE_VT_U32 },
	{ .kind = FLUE_VT_OWN }, { .kind = FLUE_VT_ERROR_CONTEXT },
	{ .kind = FLUE_VT_RECORD, .nkids = 2, .kids = 0 },
	{ .kind = FLUE_VT_RESULT, .nkids = 2, .kids = 2 },
	{ .kind = FLUE_VT_RESULT, .nkids = 2, .kids = 4 }, { .kind = FLUE_VT_BORROW },
	{ .kind = FLUE_VT_TUPLE, .nkids = 2, .kids = 6 }, { .kind = FLUE_VT_OWN },
	{ .kind = FLUE_VT_BORROW },
};
static const uint16_t hh_kids[8] = { 0, 1, 1, 0, 2, 4, 1, 1 };
static const struct flue_tgraph hh_g = { hh_nodes, hh_kids, 12, 8 };
static const uint16_t T_U32 = 2, T_OWN = 3, T_REC = 5, T_OPEN = 6, T_FAIL = 7, T_BORROW = 8,
		      T_PAIR = 9;

static const struct flue_functype ft_take = { .graph = &hh_g, .nparams = 1, .param_types = &T_REC };
static const struct flue_functype ft_open = { .graph = &hh_g, .result_type = &T_OPEN };
static const struct flue_functype ft_pair = { .graph = &hh_g, .result_type = &T_PAIR };
static const struct flue_functype ft_keep = { .graph = &hh_g, .nparams = 1, .param_types = &T_OWN };
static const struct flue_functype ft_give = { .graph = &hh_g, .nparams = 1, .param_types = &T_OWN,
					      .result_type = &T_U32 };
static const struct flue_functype ft_efail = { .graph = &hh_g, .result_type = &T_FAIL };
static const struct flue_functype ft_lend = { .graph = &hh_g, .nparams = 1,
					      .param_types = &T_BORROW };

static struct flue_instance *A;
static struct flue_func hf, f_run, f_a;
static struct flue_lowered hl;
static flue_rtype_t rt, rt_h;
static const struct flue_valtype u32p[1] = { { .kind = FLUE_VAL_U32 } };
static const struct flue_functype ft_dtor = { .nparams = 1, .params = u32p };
static struct flue_func hdtor;
static uint32_t dtor_rep, ndtor;

/* H's destructor, a host function of the first form (u32) -> (). */
static void hdtor_start(void *user, flue_call_t call, const struct flue_values *args)
{
	ndtor++;
	dtor_rep = (uint32_t)args->v[0];
	struct flue_values none = { 0, { 0 } };
	FT_EQ(flue_host_return(&ex.store, call, &none), 0);
}
static uint32_t got_idx, got_idx2, host_rc, seen;

/* The host's allocator: a bump from 0x200 of its arena, its calls logged;
 * `refuse` makes it answer with no room. */
static uint32_t heap, ncalls, calls[4][2];
static bool refuse;

static uint32_t host_alloc(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
			   uint32_t al, uint32_t ns)
{
	if (ncalls < 4u)
		calls[ncalls][0] = al, calls[ncalls][1] = ns;
	ncalls++;
	if (refuse)
		return UINT32_MAX;
	uint32_t p = (heap + al - 1u) / al * al;
	heap = p + ns;
	return p;
}

static void setup(const struct flue_functype *host_ft, flue_host_start_fn start, flue_core_fn run,
		  bool with_alloc)
{
	ex_setup();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	A = ex_new();
	FT_EQ(flue_resource_type_register(&ex.store, A, 0, &rt), 0);
	FT_EQ(flue_host_func(&hdtor, ex.host, &ft_dtor, hdtor_start, 0, 0), 0);
	FT_EQ(flue_resource_type_register(&ex.store, ex.host, &hdtor, &rt_h), 0);
	hh_nodes[1].arg = ex.u8;
	hh_nodes[3].arg = rt;
	hh_nodes[8].arg = rt;
	hh_nodes[10].arg = rt_h;
	hh_nodes[11].arg = rt_h;
	FT_EQ(flue_types_layout(hh_nodes, 12, hh_kids, 8), 0);
	dtor_rep = 0, ndtor = 0;
	if (with_alloc)
		FT_EQ(flue_host_set_realloc(ex.host, host_alloc, 0), 0);
	heap = 0x200, ncalls = 0, refuse = false;
	got_idx = got_idx2 = 0, host_rc = 0xFFFF, seen = 0;
	if (host_ft != 0) {
		FT_EQ(flue_host_func(&hf, ex.host, host_ft, start, 0, 0), 0);
		FT_EQ(flue_lower(&hl, &hf, A, false), 0);
		hl.realloc = ex_realloc;
	}
	if (run != 0) {
		struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run };
		FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
	}
}

static void run_a(void)
{
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
}

/* --------------------------------------- a host function takes handles */

/* take(x: record { name, s }): the record is moved into the host's arena,
 * the stream's readable end into its table; the host parks a read on it. */
static void take_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	host_rc = (uint32_t)-flue_host_params(&ex.store, call, &v);
	if (host_rc == 0) {
		struct flue_hval x = flue_hvals_get(&v, 0);
		uint32_t n = 0;
		uint8_t enc = 0xFF;
		const uint8_t *b = flue_hval_bytes(flue_hval_field(x, 0), &n, &enc);
		FT_EQ(n, 2);
		FT_EQ(enc, FLUE_STRING_UTF8);
		FT_TRUE(b == ex.host_arena + 0x20Cu); /* in the arena, after the tuple */
		FT_EQ(memcmp(b, "hi", 2), 0);
		got_idx = (uint32_t)flue_hval_num(flue_hval_field(x, 1));
		struct flue_host_outcome out;
		FT_EQ(flue_host_read(ex.host, got_idx, ex.host_arena + 0x300, 3, &out), 0);
		FT_FALSE(out.done);
	}
	seen++;
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), 0);
}

static uint32_t a_r, a_w;

CORE(run_take)
{
	uint64_t s = flue_canon_stream_new(inst, ex.u8);
	a_r = (uint32_t)s, a_w = (uint32_t)(s >> 32);
	memcpy(ex_mem(inst) + 0x100, "hi", 2);
	flue_flat_t a[3] = { 0x100, 2, a_r };
	EX_EQ(flue_call_lowered(&hl, a, 3), 0);
	EX_EQ(ex_handle_kind(inst, a_r), FLUE_H_FREE); /* the end left A */
	memcpy(ex_mem(inst) + 0x110, "abc", 3);
	uint32_t want = host_rc == 0 ? 3u << 4 | FLUE_COMPLETED : FLUE_DROPPED;
	EX_EQ(flue_canon_stream_write(inst, ex.u8, ASYNC, a_w, 0x110, 3), want);
}

FT_TEST(a_host_function_takes_a_stream_end_inside_a_record)
{
	setup(&ft_take, take_start, run_take, true);
	run_a();
	FT_EQ(seen, 1);
	FT_EQ(host_rc, 0);
	FT_EQ(got_idx, 1); /* the host's table was empty */
	/* the tuple (record: align 4, size 12), then the string (utf8: align 1) */
	FT_EQ(ncalls, 2);
	FT_EQ(calls[0][0], 4);
	FT_EQ(calls[0][1], 12);
	FT_EQ(calls[1][0], 1);
	FT_EQ(calls[1][1], 2);
	struct flue_host_outcome out;
	FT_EQ(flue_host_poll(ex.host, got_idx, &out), 0);
	FT_TRUE(out.done);
	FT_EQ(out.result, FLUE_RESULT_COMPLETED);
	FT_EQ(out.progress, 3);
	FT_EQ(memcmp(ex.host_arena + 0x300, "abc", 3), 0);
	FT_EQ(flue_host_drop(ex.host, got_idx), 0);
}

/* Without an allocator, or with one that has no room, the value is not
 * moved: the host is told, and the end is dropped (the writer sees
 * DROPPED), as a value nobody lowers. Nothing entered the host's table. */
FT_TEST(no_room_in_the_arena_drops_the_value_and_tells_the_host)
{
	for (int k = 0; k < 2; k++) {
		setup(&ft_take, take_start, run_take, k == 1);
		refuse = true;
		run_a();
		FT_EQ(seen, 1);
		FT_EQ(host_rc, (uint32_t)-FLUE_ENOMEM);
		FT_EQ(ex.host->len, 1); /* nothing was ever added */
		FT_EQ(ncalls, k == 1 ? 1u : 0u);
	}
}

FT_TEST(a_full_host_table_drops_the_value_and_tells_the_host)
{
	setup(&ft_take, take_start, run_take, true);
	for (uint32_t i = 1; i < FLUE_CONFIG_MAX_HANDLES; i++)
		FT_EQ(flue_canon_error_context_new(ex.host, 0, 0), i);
	run_a();
	FT_EQ(host_rc, (uint32_t)-FLUE_ENOSPC);
	FT_EQ(ncalls, 2); /* the data moved; no handle did */
}

/* ------------------------------------- a host function gives handles */

static uint32_t h_w;

/* open() -> result<stream<u8>, string>: ok(the host's readable end). */
static void open_start(void *user, flue_call_t call, const struct flue_values *args)
{
	uint32_t r;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r, &h_w), 0);
	FT_EQ(r, 1);
	memset(ex.host_arena + 0x40, 0, 12);
	ex.host_arena[0x40] = 0; /* ok */
	ex.host_arena[0x44] = (uint8_t)r;
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x40), 0);
	FT_EQ(ex.host->handles[r].kind, FLUE_H_FREE); /* it left the host */
	seen++;
}

CORE(run_open)
{
	flue_flat_t a[1] = { 0x100 };
	EX_EQ(flue_call_lowered(&hl, a, 1), 0);
	EX_EQ(ex_mem(inst)[0x100], 0);
	uint32_t e = ex_ld32(inst, 0x104);
	EX_EQ(e, 1); /* A's table was empty */
	EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, e, 0x200, 3), FLUE_BLOCKED);
	got_idx = e;
}

FT_TEST(a_host_function_returns_a_stream_end_inside_a_result)
{
	setup(&ft_open, open_start, run_open, false);
	run_a();
	FT_EQ(seen, 1);
	memcpy(ex.host_arena + 0x80, "xyz", 3);
	struct flue_host_outcome out;
	FT_EQ(flue_host_write(ex.host, h_w, ex.host_arena + 0x80, 3, &out), 0);
	FT_TRUE(out.done);
	FT_EQ(out.progress, 3);
	FT_EQ(memcmp(ex_mem(A) + 0x200, "xyz", 3), 0);
}

/* pair() -> tuple<stream<u8>, stream<u8>>: a value naming no end of the
 * host's is refused, and the end it named first stays the host's. */
static void pair_start(void *user, flue_call_t call, const struct flue_values *args)
{
	uint32_t r1, w1, r2, w2;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r1, &w1), 0);
	ex.host_arena[0x40] = (uint8_t)r1, ex.host_arena[0x44] = 99;
	memset(ex.host_arena + 0x41, 0, 3), memset(ex.host_arena + 0x45, 0, 3);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x40), FLUE_EINVAL);
	ex.host_arena[0x44] = (uint8_t)r1; /* the same end twice */
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x40), FLUE_EINVAL);
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r2, &w2), 0);
	ex.host_arena[0x44] = (uint8_t)r2;
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x40), 0);
	seen++;
}

CORE(run_pair)
{
	flue_flat_t a[1] = { 0x100 };
	EX_EQ(flue_call_lowered(&hl, a, 1), 0);
	EX_EQ(ex_ld32(inst, 0x100), 1);
	EX_EQ(ex_ld32(inst, 0x104), 2);
}

FT_TEST(a_refused_host_value_leaves_the_hosts_ends_as_they_were)
{
	setup(&ft_pair, pair_start, run_pair, false);
	run_a();
	FT_EQ(seen, 1);
}

/* -------------------------------------- owns and error contexts */

static void keep_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), 0);
	got_idx = (uint32_t)flue_hval_num(flue_hvals_get(&v, 0));
	FT_EQ(ex.host->handles[got_idx].kind, FLUE_H_RESOURCE);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), 0);
}

CORE(run_keep)
{
	uint32_t i = flue_canon_resource_new(inst, rt, 42);
	EX_EQ(i, 1);
	flue_flat_t a[1] = { i };
	EX_EQ(flue_call_lowered(&hl, a, 1), 0);
	EX_EQ(ex_handle_kind(inst, i), FLUE_H_FREE);
}

/* give(r: own<R>) -> u32: the rep of what it got, and the index. */
CORE(give_core)
{
	got_idx2 = (uint32_t)args[0];
	res[0] = flue_canon_resource_rep(inst, rt, (uint32_t)args[0]);
}

static void gave(void *user, const struct flue_hvals *v)
{
	seen++;
	FT_TRUE(v != NULL);
	FT_EQ(flue_hval_num(flue_hvals_get(v, 0)), 42);
}

FT_TEST(an_own_goes_to_the_host_and_back)
{
	setup(&ft_keep, keep_start, run_keep, true);
	run_a();
	FT_EQ(got_idx, 1);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = give_core };
	FT_EQ(flue_lift(&f_a, A, &ft_give, &o), 0);
	ex.host_arena[0x40] = (uint8_t)got_idx;
	memset(ex.host_arena + 0x41, 0, 3);
	flue_call_t c;
	FT_EQ(flue_invoke_vals(&f_a, ex.host, 0x40, gave, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(seen, 1);
	FT_EQ(got_idx2, 1); /* A's slot 1, freed when the own left, is reused */
	FT_EQ(ex.host->handles[got_idx].kind, FLUE_H_FREE);
}

/* fail() -> result<u32, error-context>: err(an error context of A's). */
CORE(fail_core)
{
	uint32_t e = flue_canon_error_context_new(inst, 0, 0);
	uint32_t p = ex_alloc(inst, 4, 8);
	ex_mem(inst)[p] = 1;
	ex_mem(inst)[p + 4u] = (uint8_t)e;
	res[0] = p;
}

static void failed(void *user, const struct flue_hvals *v)
{
	seen++;
	if (v == NULL) {
		got_idx = 0xFFFF;
		return;
	}
	struct flue_hval payload;
	FT_EQ(flue_hval_case(flue_hvals_get(v, 0), &payload), 1);
	got_idx = (uint32_t)flue_hval_num(payload);
}

FT_TEST(an_error_context_result_reaches_the_host_table)
{
	for (int k = 0; k < 2; k++) {
		setup(0, 0, 0, k == 0);
		struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = fail_core };
		FT_EQ(flue_lift(&f_a, A, &ft_efail, &o), 0);
		flue_call_t c;
		FT_EQ(flue_invoke_vals(&f_a, ex.host, 0, failed, 0, &c), 0);
		FT_EQ(ex_run(), 0);
		ex_done();
		FT_EQ(seen, 1);
		if (k == 0) {
			FT_EQ(got_idx, 1);
			FT_EQ(ex.host->handles[1].kind, FLUE_H_ERROR_CONTEXT);
			FT_EQ(ncalls, 1); /* the tuple: result<u32, ...> align 4, size 8 */
			FT_EQ(calls[0][0], 4);
			FT_EQ(calls[0][1], 8);
		} else {
			FT_EQ(got_idx, 0xFFFF); /* no allocator: no value */
			FT_EQ(ex.host->len, 1);
		}
	}
}

/* lend(b: borrow<R>): the host gets a borrow handle in its table, valid
 * until it resolves the call (a host function's borrows end when it
 * returns); A's own is lent meanwhile. */
static void lend_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), 0);
	got_idx = (uint32_t)flue_hval_num(flue_hvals_get(&v, 0));
	const struct flue_handle *h = &ex.host->handles[got_idx];
	FT_EQ(h->kind, FLUE_H_RESOURCE);
	FT_FALSE(h->u.res.own);
	FT_EQ(h->u.res.rep, 42);
	FT_EQ(A->handles[1].u.res.lends, 1);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), 0);
	FT_EQ(ex.host->handles[got_idx].kind, FLUE_H_FREE); /* it ended with the call */
	seen++;
}

CORE(run_lend)
{
	uint32_t i = flue_canon_resource_new(inst, rt, 42);
	flue_flat_t a[1] = { i };
	EX_EQ(flue_call_lowered(&hl, a, 1), 0);
	EX_EQ(ex_res_lends(inst, i), 0);
	flue_canon_resource_drop(inst, rt, i); /* no longer lent */
}

FT_TEST(a_host_function_gets_a_borrow_that_ends_with_its_call)
{
	setup(&ft_lend, lend_start, run_lend, true);
	run_a();
	FT_EQ(seen, 1);
	FT_EQ(got_idx, 1);
}

/* peek(b: borrow<R>) -> u32, invoked by the host with the own it keeps:
 * lent to the call until its resolution reaches the host; A, R's
 * implementation, gets the rep itself (lower_borrow). */
static uint32_t lends_seen;

CORE(peek_core)
{
	lends_seen = ex_res_lends(ex.host, got_idx);
	res[0] = args[0];
}

static void peeked(void *user, const struct flue_hvals *v)
{
	seen++;
	FT_TRUE(v != NULL);
	FT_EQ(flue_hval_num(flue_hvals_get(v, 0)), 42);
}

FT_TEST(an_invocation_lends_a_handle_of_the_host)
{
	setup(&ft_keep, keep_start, run_keep, true);
	run_a();
	static const struct flue_functype ft_peek = { .graph = &hh_g, .nparams = 1,
						      .param_types = &T_BORROW,
						      .result_type = &T_U32 };
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = peek_core };
	FT_EQ(flue_lift(&f_a, A, &ft_peek, &o), 0);
	ex.host_arena[0x40] = (uint8_t)got_idx;
	memset(ex.host_arena + 0x41, 0, 3);
	flue_call_t c;
	FT_EQ(flue_invoke_vals(&f_a, ex.host, 0x40, peeked, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(seen, 1);
	FT_EQ(lends_seen, 1);
	FT_EQ(ex.host->handles[got_idx].u.res.lends, 0);
	FT_TRUE(ex.host->handles[got_idx].u.res.own);
}

/* ------------------------------------ a resource the host implements */

static const uint16_t T_OWN_H = 10, T_BORROW_H = 11;
static const struct flue_functype ft_hopen = { .graph = &hh_g, .result_type = &T_OWN_H };
static const struct flue_functype ft_hsize = { .graph = &hh_g, .nparams = 1,
					       .param_types = &T_BORROW_H, .result_type = &T_U32 };
static struct flue_func hf2;
static struct flue_lowered hl2;

/* open() -> own<H>: a new resource of the host's, rep 77. */
static void hopen_start(void *user, flue_call_t call, const struct flue_values *args)
{
	uint32_t i;
	FT_EQ(flue_host_resource_new(ex.host, rt_h, 77, &i), 0);
	FT_EQ(i, 1);
	uint32_t rep = 0;
	FT_EQ(flue_host_resource_rep(ex.host, rt_h, i, &rep), 0);
	FT_EQ(rep, 77);
	ex.host_arena[0x40] = (uint8_t)i;
	memset(ex.host_arena + 0x41, 0, 3);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x40), 0);
	FT_EQ(ex.host->handles[i].kind, FLUE_H_FREE);
}

/* [method]h.size(self: borrow<H>) -> u32: the host gets the rep itself. */
static void hsize_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), 0);
	FT_EQ(flue_hval_num(flue_hvals_get(&v, 0)), 77);
	FT_EQ(ex.host->len, 2); /* no borrow handle was added */
	memset(ex.host_arena + 0x48, 0, 4);
	ex.host_arena[0x48] = 5;
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x48), 0);
}

/* A opens one, asks its size (lending it as borrow<H>) and drops it. */
CORE(run_hres_core)
{
	uint32_t i = (uint32_t)flue_call_lowered(&hl, 0, 0);
	got_idx = i;
	flue_flat_t a[1] = { i };
	got_idx2 = (uint32_t)flue_call_lowered(&hl2, a, 1);
	flue_canon_resource_drop(inst, rt_h, i);
	EX_EQ(ex_handle_kind(inst, i), FLUE_H_FREE);
}

FT_TEST(a_resource_the_host_implements)
{
	setup(&ft_hopen, hopen_start, 0, true);
	FT_EQ(flue_host_func(&hf2, ex.host, &ft_hsize, hsize_start, 0, 0), 0);
	FT_EQ(flue_lower(&hl2, &hf2, A, false), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_hres_core };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
	run_a();
	FT_EQ(got_idx, 1);  /* A's table was empty */
	FT_EQ(got_idx2, 5); /* size() */
	FT_EQ(ndtor, 1);    /* A dropped it: the host's destructor ran */
	FT_EQ(dtor_rep, 77);
}

FT_TEST(a_hosts_resource_calls_check_before_they_change)
{
	setup(0, 0, 0, false);
	uint32_t i, rep = 1;
	EX_EQ(flue_host_resource_new(ex.host, rt, 5, &i), FLUE_EINVAL); /* A's type */
	EX_EQ(flue_host_resource_new(A, rt_h, 5, &i), FLUE_EINVAL);     /* not a host */
	EX_EQ(flue_host_resource_new(ex.host, rt_h, 5, 0), FLUE_EINVAL);
	FT_EQ(flue_host_resource_new(ex.host, rt_h, 5, &i), 0);
	EX_EQ(flue_host_resource_rep(ex.host, rt_h, i + 1u, &rep), FLUE_EBADF);
	EX_EQ(flue_host_resource_rep(ex.host, rt, i, &rep), FLUE_EINVAL);
	EX_EQ(flue_host_resource_drop(ex.host, rt, i, &rep), FLUE_EBADF); /* another type */
	EX_EQ(flue_host_resource_drop(ex.host, rt_h, 9, &rep), FLUE_EBADF);
	FT_EQ(flue_host_resource_drop(ex.host, rt_h, i, &rep), 0);
	FT_EQ(rep, 5);      /* the host's own resource: its clean-up */
	FT_EQ(ndtor, 0);    /* flue called no destructor */
	EX_EQ(flue_host_resource_drop(ex.host, rt_h, i, &rep), FLUE_EBADF);
	for (uint32_t k = 1; k < FLUE_CONFIG_MAX_HANDLES; k++)
		FT_EQ(flue_host_resource_new(ex.host, rt_h, k, &i), 0);
	EX_EQ(flue_host_resource_new(ex.host, rt_h, 5, &i), FLUE_ENOSPC);
}

FT_TEST(only_a_live_host_gets_an_allocator)
{
	setup(0, 0, 0, false);
	EX_EQ(flue_host_set_realloc(A, host_alloc, 0), FLUE_EINVAL); /* not a host */
	EX_EQ(flue_host_set_realloc(0, host_alloc, 0), FLUE_EINVAL);
	struct flue_instance *h = ex.host;
	flue_instance_destroy(h);
	EX_EQ(flue_host_set_realloc(h, host_alloc, 0), FLUE_EINVAL);
}

FT_SUITE(host_handles,
	 FT_CASE(a_host_function_takes_a_stream_end_inside_a_record),
	 FT_CASE(no_room_in_the_arena_drops_the_value_and_tells_the_host),
	 FT_CASE(a_full_host_table_drops_the_value_and_tells_the_host),
	 FT_CASE(a_host_function_returns_a_stream_end_inside_a_result),
	 FT_CASE(a_refused_host_value_leaves_the_hosts_ends_as_they_were),
	 FT_CASE(an_own_goes_to_the_host_and_back),
	 FT_CASE(an_error_context_result_reaches_the_host_table),
	 FT_CASE(a_host_function_gets_a_borrow_that_ends_with_its_call),
	 FT_CASE(an_invocation_lends_a_handle_of_the_host),
	 FT_CASE(a_resource_the_host_implements),
	 FT_CASE(a_hosts_resource_calls_check_before_they_change),
	 FT_CASE(only_a_live_host_gets_an_allocator))
