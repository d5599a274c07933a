/*
 * Host values of graph types (flue/hval.h): a host function sees its
 * params as views of the caller's values and returns a tuple from its
 * arena; the host invokes an export with a tuple from its arena and sees
 * the results as views of the callee's. The canonical layouts written and
 * expected here are definitions.py @ 6d28164's (store/load, flattening).
 */
#include "wast_common.h"
#include <flue/hval.h>
#include <flue/resource.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* 0 string, 1 u32, 2 u8, 3 u16, 4 record{u8, string}, 5 option<u32>,
 * 6 list<u16, 3>, 7 map<u8, string>, 8 flags(3), 9 enum(3), 10 list<u32>,
 * 11 char (children before parents) */
static struct flue_tnode hv_nodes[12] = {
	{ .kind = FLUE_VT_STRING }, { .kind = FLUE_VT_U32 }, { .kind = FLUE_VT_U8 },
	{ .kind = FLUE_VT_U16 }, { .kind = FLUE_VT_RECORD, .nkids = 2, .kids = 0 },
	{ .kind = FLUE_VT_OPTION, .nkids = 1, .kids = 2 },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 3, .arg = 3 },
	{ .kind = FLUE_VT_MAP, .nkids = 2, .kids = 4 },
	{ .kind = FLUE_VT_FLAGS, .arg = 3 }, { .kind = FLUE_VT_ENUM, .arg = 3 },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 6 }, { .kind = FLUE_VT_CHAR },
};
static const uint16_t hv_kids[7] = { 2, 0, 1, 3, 2, 0, 1 };
static const struct flue_tgraph hv_g = { hv_nodes, hv_kids, 12, 7 };
static const uint16_t T_STR = 0, T_LIST_U32 = 10;
static const uint16_t P_LOG[2] = { 0, 1 };
static const uint16_t P_MIX[7] = { 4, 5, 6, 7, 8, 9, 11 };

static const struct flue_functype ft_log = { .graph = &hv_g, .nparams = 2, .param_types = P_LOG };
static const struct flue_functype ft_greet = { .graph = &hv_g, .nparams = 1,
					       .param_types = &T_STR, .result_type = &T_STR };
static const struct flue_functype ft_mix = { .graph = &hv_g, .nparams = 7, .param_types = P_MIX };
static const struct flue_functype ft_echo = { .graph = &hv_g, .nparams = 1,
					      .param_types = &T_STR, .result_type = &T_LIST_U32 };

static struct flue_instance *A;
static struct flue_func hf, f_run, f_echo;
static struct flue_lowered hl;
static uint8_t hv_enc;
static uint32_t hv_seen, hv_bad;

static void hv_setup(void)
{
	ex_setup();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_types_layout(hv_nodes, 12, hv_kids, 7), 0);
	A = ex_new();
	hv_seen = 0, hv_bad = 0;
}

static void hv_lower(void)
{
	FT_EQ(flue_lower(&hl, &hf, A, false), 0);
	hl.string_encoding = hv_enc;
	hl.realloc = ex_realloc;
}

static void put(struct flue_instance *i, uint32_t at, const void *b, uint32_t n)
{
	memcpy(ex_mem(i) + at, b, n);
}

static void host_st32(uint32_t at, uint32_t v)
{
	for (uint32_t k = 0; k < 4u; k++)
		ex.host_arena[at + k] = (uint8_t)(v >> (8u * k));
}

/* ------------------------------------------- a host function's params */

/* log(msg: string, level: u32): the host sees the caller's bytes where
 * they are, in the caller's encoding, and the level. */
static void log_start(void *user, flue_call_t call, const struct flue_values *args)
{
	FT_TRUE(args == NULL);
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), 0);
	uint32_t n = 0;
	uint8_t enc = 0xFF;
	const uint8_t *b = flue_hval_bytes(flue_hvals_get(&v, 0), &n, &enc);
	FT_EQ(enc, hv_enc);
	if (hv_enc == FLUE_STRING_UTF8) {
		FT_EQ(n, 3);
		FT_EQ(memcmp(b, "h\xC3\xA9", 3), 0);
	} else {
		FT_EQ(n, 4);
		FT_EQ(memcmp(b, "h\0\xE9\0", 4), 0);
	}
	FT_EQ(flue_hval_count(flue_hvals_get(&v, 0)), hv_enc == FLUE_STRING_UTF8 ? 3u : 2u);
	FT_EQ(flue_hval_num(flue_hvals_get(&v, 1)), 7);
	hv_seen++;
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), 0);
	/* once resolved, the view is gone */
	FT_EQ(flue_host_params(&ex.store, call, &v), FLUE_EBADF);
}

CORE(run_log)
{
	if (hv_enc == FLUE_STRING_UTF8)
		put(inst, 0x100, "h\xC3\xA9", 3);
	else
		put(inst, 0x100, "h\0\xE9\0", 4);
	flue_flat_t a[3] = { 0x100, hv_enc == FLUE_STRING_UTF8 ? 3u : 2u, 7 };
	EX_EQ(flue_call_lowered(&hl, a, 3), 0);
}

FT_TEST(host_function_sees_string_params_in_the_callers_encoding)
{
	for (hv_enc = FLUE_STRING_UTF8; hv_enc <= FLUE_STRING_UTF16; hv_enc++) {
		hv_setup();
		FT_EQ(flue_host_func(&hf, ex.host, &ft_log, log_start, 0, 0), 0);
		hv_lower();
		struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_log };
		FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
		struct res r;
		invoke(&f_run, &r);
		FT_EQ(ex_run(), 0);
		ex_done();
		FT_TRUE(r.done && r.has);
		FT_EQ(hv_seen, 1);
	}
}

/* A bad string from the caller traps the caller (load_string_from_range)
 * before the host function starts. */
CORE(run_log_bad)
{
	put(inst, 0x100, "\xC3\x28", 2);
	flue_flat_t a[3] = { 0x100, 2, 7 };
	(void)flue_call_lowered(&hl, a, 3);
}

FT_TEST(bad_params_trap_the_caller_not_the_host)
{
	hv_enc = FLUE_STRING_UTF8;
	hv_setup();
	FT_EQ(flue_host_func(&hf, ex.host, &ft_log, log_start, 0, 0), 0);
	hv_lower();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_log_bad };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
	struct res r;
	invoke(&f_run, &r);
	(void)ex_run();
	trapped(A, FLUE_TRAP_BAD_ENCODING);
	FT_FALSE(ex.host->poisoned);
	FT_EQ(hv_seen, 0);
}

/* ------------------------------------------ a host function's results */

/* greet: the result tuple (ptr, len) at 0x100 of the host's arena, the
 * bytes at 0x200; a bad one first (past the arena: refused, the call
 * still pending), then the good one, moved into the caller (its realloc). */
static void greet_start(void *user, flue_call_t call, const struct flue_values *args)
{
	memcpy(ex.host_arena + 0x200, "hello", 5);
	host_st32(0x100, 0x200);
	host_st32(0x104, 5000);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x100), FLUE_EINVAL);
	host_st32(0x100, 0x201);
	host_st32(0x104, 4);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x102), FLUE_EINVAL); /* misaligned tuple */
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x100), 0);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0x100), FLUE_EBADF);
	hv_seen++;
}

CORE(run_greet)
{
	put(inst, 0x100, "x", 1);
	flue_flat_t a[3] = { 0x100, 1, 0x80 };
	EX_EQ(flue_call_lowered(&hl, a, 3), 0);
	uint32_t p = ld32(inst, 0x80);
	EX_EQ(ld32(inst, 0x84), 4);
	EX_EQ(memcmp(ex_mem(inst) + p, "ello", 4), 0);
}

FT_TEST(host_function_returns_a_string_from_its_arena)
{
	hv_enc = FLUE_STRING_UTF8;
	hv_setup();
	FT_EQ(flue_host_func(&hf, ex.host, &ft_greet, greet_start, 0, 0), 0);
	hv_lower();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_greet };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
	FT_EQ(hv_seen, 1);
	FT_FALSE(ex.host->poisoned);
}

/* ------------------------------------------- navigation, flat and memory */

static bool hv_async;

/* mix(record{u8, string}, option<u32>, list<u16, 3>, map<u8, string>,
 * flags(3), enum(3), char): 13 flat values (sync lower: flat), or the
 * tuple in memory (async lower: more than 4). */
static void mix_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), 0);
	FT_TRUE((v.first.flat != NULL) == !hv_async);
	struct flue_hval rec = flue_hvals_get(&v, 0), pay;
	uint32_t n;
	FT_EQ(flue_hval_num(flue_hval_field(rec, 0)), 5);
	FT_EQ(memcmp(flue_hval_bytes(flue_hval_field(rec, 1), &n, 0), "ab", 2), 0);
	FT_EQ(n, 2);
	FT_EQ(flue_hval_case(flue_hvals_get(&v, 1), &pay), 1);
	FT_EQ(flue_hval_num(pay), 42);
	FT_EQ(flue_hval_count(flue_hvals_get(&v, 2)), 3);
	FT_EQ(flue_hval_num(flue_hval_elem(flue_hvals_get(&v, 2), 1)), 20);
	struct flue_hval k, val;
	FT_EQ(flue_hval_count(flue_hvals_get(&v, 3)), 2);
	FT_EQ(flue_hval_entry(flue_hvals_get(&v, 3), 1, &k, &val), 0);
	FT_EQ(flue_hval_num(k), 9);
	FT_EQ(memcmp(flue_hval_bytes(val, &n, 0), "zz", 2), 0);
	FT_EQ(flue_hval_entry(flue_hvals_get(&v, 3), 2, &k, &val), FLUE_EINVAL);
	FT_EQ(flue_hval_num(flue_hvals_get(&v, 4)), 5);
	FT_EQ(flue_hval_case(flue_hvals_get(&v, 5), &pay), 2);
	FT_EQ(pay.t, FLUE_TYPE_NONE);
	FT_EQ(flue_hval_num(flue_hvals_get(&v, 6)), 0x263A);
	FT_EQ(flue_hvals_get(&v, 7).t, FLUE_TYPE_NONE);
	hv_seen++;
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), 0);
}

/* the guest's memory: strings "ab" at 0x80, "y" at 0x84, "zz" at 0x88;
 * map entries (tuple<u8, string>, 12 bytes) at 0x90 */
static void mix_memory(struct flue_instance *i)
{
	put(i, 0x80, "ab", 2), put(i, 0x84, "y", 1), put(i, 0x88, "zz", 2);
	uint8_t *m = ex_mem(i);
	m[0x90] = 8, m[0x9C] = 9;
	for (uint32_t k = 0; k < 4u; k++) {
		m[0x94 + k] = (uint8_t)(0x84u >> (8u * k)), m[0x98 + k] = (uint8_t)(k == 0);
		m[0xA0 + k] = (uint8_t)(0x88u >> (8u * k)), m[0xA4 + k] = (uint8_t)(k == 0 ? 2 : 0);
	}
}

static void st32(uint8_t *m, uint32_t at, uint32_t v)
{
	for (uint32_t k = 0; k < 4u; k++)
		m[at + k] = (uint8_t)(v >> (8u * k));
}

CORE(run_mix)
{
	mix_memory(inst);
	if (!hv_async) {
		flue_flat_t a[13] = { 5, 0x80, 2, 1, 42, 10, 20, 30, 0x90, 2, 5, 2, 0x263A };
		EX_EQ(flue_call_lowered(&hl, a, 13), 0);
		return;
	}
	uint8_t *m = ex_mem(inst) + 0x300; /* the tuple, offsets 0, 12, 20, 28, 36, 37, 40 */
	m[0] = 5, st32(m, 4, 0x80), st32(m, 8, 2);
	m[12] = 1, st32(m, 16, 42);
	m[20] = 10, m[21] = 0, m[22] = 20, m[23] = 0, m[24] = 30, m[25] = 0;
	st32(m, 28, 0x90), st32(m, 32, 2);
	m[36] = 5, m[37] = 2, st32(m, 40, 0x263A);
	flue_flat_t a[1] = { 0x300 };
	EX_EQ(flue_call_lowered(&hl, a, 1), 2); /* RETURNED */
}

FT_TEST(host_views_navigate_every_kind_flat_and_in_memory)
{
	for (uint32_t k = 0; k < 2u; k++) {
		hv_async = k == 1u;
		hv_enc = FLUE_STRING_UTF8;
		hv_setup();
		FT_EQ(flue_host_func(&hf, ex.host, &ft_mix, mix_start, 0, 0), 0);
		FT_EQ(flue_lower(&hl, &hf, A, hv_async), 0);
		struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_mix };
		FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
		struct res r;
		invoke(&f_run, &r);
		FT_EQ(ex_run(), 0);
		ex_done();
		FT_TRUE(r.done && r.has);
		FT_EQ(hv_seen, 1);
	}
}

/* --------------------------------------------------- flue_invoke_vals */

static uint32_t echo_ran;

/* echo(s: string) -> list<u32>: the code units of s (utf8 bytes) as u32s,
 * through memory (2 flat > 1): the core returns a pointer to (ptr, len). */
CORE(echo_core)
{
	echo_ran++;
	uint32_t p = (uint32_t)args[0], n = (uint32_t)args[1];
	for (uint32_t k = 0; k < n; k++)
		st32(ex_mem(inst), 0x400 + 4u * k, ex_mem(inst)[p + k]);
	st32(ex_mem(inst), 0x380, 0x400);
	st32(ex_mem(inst), 0x384, n);
	res[0] = 0x380;
}

static void echo_resolved(void *user, const struct flue_hvals *r)
{
	uint32_t *got = user;
	if (r == NULL) {
		*got = 0xDEAD;
		return;
	}
	struct flue_hval l = flue_hvals_get(r, 0);
	*got = flue_hval_count(l);
	for (uint32_t k = 0; k < *got; k++)
		FT_EQ(flue_hval_num(flue_hval_elem(l, k)), (uint8_t)"hé"[k]);
}

FT_TEST(invoke_with_host_params_and_viewed_results)
{
	hv_setup();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = echo_core, .realloc = ex_realloc };
	FT_EQ(flue_lift(&f_echo, A, &ft_echo, &o), 0);
	memcpy(ex.host_arena + 0x40, "h\xC3\xA9", 3);
	host_st32(0x20, 0x40), host_st32(0x24, 3);
	uint32_t got = 0;
	flue_call_t c;
	echo_ran = 0;
	FT_EQ(flue_invoke_vals(&f_echo, ex.host, 0x20, echo_resolved, &got, &c), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(got, 3);
	FT_EQ(echo_ran, 1);
	/* the host's bad string: its mistake, resolved without a value, no guest code */
	memcpy(ex.host_arena + 0x40, "\xC3\x28", 2);
	host_st32(0x24, 2);
	FT_EQ(flue_invoke_vals(&f_echo, ex.host, 0x20, echo_resolved, &got, &c), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(got, 0xDEAD);
	FT_EQ(echo_ran, 1);
	FT_FALSE(ex.host->poisoned);
	FT_FALSE(A->poisoned);
	/* refusals */
	EX_EQ(flue_invoke_vals(&f_echo, 0, 0, echo_resolved, &got, &c), FLUE_EINVAL);
	EX_EQ(flue_invoke(&f_echo, ex.host, 0, on_res, 0, &c), FLUE_ENOTSUP);
	flue_call_t none = flue_call_make(3, 1);
	struct flue_hvals v;
	EX_EQ(flue_host_params(&ex.store, none, &v), FLUE_EBADF);
}

/* flue_invoke_vals' refusals, and a callee whose realloc traps while
 * the host's params are lowered: the callee traps, the host is told no
 * value, the host instance is not touched. */
static uint32_t trapping_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
				 uint32_t old_size, uint32_t align, uint32_t new_size)
{
	flue_trap_raise(inst, FLUE_TRAP_WASM_UNREACHABLE);
}

static void log_nothing(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, 0), FLUE_EINVAL);
	FT_EQ(flue_host_params(0, call, &v), FLUE_EBADF);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), 0);
}

FT_TEST(invoke_vals_refusals_and_a_callee_realloc_trap)
{
	hv_setup();
	uint32_t got = 0;
	flue_call_t c;
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = echo_core,
				    .realloc = trapping_realloc };
	FT_EQ(flue_lift(&f_echo, A, &ft_echo, &o), 0);
	EX_EQ(flue_invoke_vals(0, ex.host, 0, echo_resolved, &got, &c), FLUE_EINVAL);
	EX_EQ(flue_invoke_vals(&f_echo, ex.host, 0, 0, &got, &c), FLUE_EINVAL);
	EX_EQ(flue_invoke_vals(&f_echo, ex.host, 0, echo_resolved, &got, 0), FLUE_EINVAL);
	EX_EQ(flue_invoke_vals(&f_echo, A, 0, echo_resolved, &got, &c), FLUE_EINVAL); /* no host */
	EX_EQ(flue_invoke_vals(&f_run, ex.host, 0, echo_resolved, &got, &c), FLUE_EINVAL); /* no graph */
	FT_EQ(flue_host_func(&hf, ex.host, &ft_log, log_nothing, 0, 0), 0);
	EX_EQ(flue_invoke_vals(&hf, ex.host, 0, echo_resolved, &got, &c), FLUE_EINVAL); /* a host fn */
	struct flue_func blank = { 0 };
	EX_EQ(flue_invoke_vals(&blank, ex.host, 0, echo_resolved, &got, &c), FLUE_EINVAL);
	/* (handles at the host edge: test_host_handles.c) */
	FT_EQ(flue_host_func(&hf, ex.host, &ft_log, log_nothing, 0, 0), 0);
	memcpy(ex.host_arena + 0x40, "ok", 2);
	host_st32(0x20, 0x40), host_st32(0x24, 2);
	echo_ran = 0;
	FT_EQ(flue_invoke_vals(&f_echo, ex.host, 0x20, echo_resolved, &got, &c), 0);
	(void)ex_run();
	FT_EQ(got, 0xDEAD);
	FT_EQ(echo_ran, 0);
	trapped(A, FLUE_TRAP_WASM_UNREACHABLE);
	FT_FALSE(ex.host->poisoned);
	/* a trapped callee: resolved at once without a value */
	got = 0;
	FT_EQ(flue_invoke_vals(&f_echo, ex.host, 0x20, echo_resolved, &got, &c), 0);
	FT_EQ(got, 0xDEAD);
	FT_EQ(c, FLUE_CALL_NONE);
}

/* A host function of the first form has no params view; a guest's call
 * is no host call. */
static void plain_start(void *user, flue_call_t call, const struct flue_values *args)
{
	struct flue_hvals v;
	FT_EQ(flue_host_params(&ex.store, call, &v), FLUE_EINVAL);
	FT_EQ(flue_host_params(&ex.store, flue_call_make(0, 1), &v), FLUE_EBADF);
	FT_EQ(flue_host_return_vals(&ex.store, call, 0), FLUE_EINVAL);
	static const struct flue_values none = { 0, { 0 } };
	FT_EQ(flue_host_return(&ex.store, call, &none), 0);
}

CORE(run_plain)
{
	EX_EQ(flue_call_lowered(&hl, 0, 0), 0);
}

FT_TEST(host_params_of_a_first_form_function)
{
	hv_setup();
	FT_EQ(flue_host_func(&hf, ex.host, &ft_sync, plain_start, 0, 0), 0);
	FT_EQ(flue_lower(&hl, &hf, A, false), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_plain };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
}

/* A host function's params view: its refusals. */
CORE(run_log_plain)
{
	put(inst, 0x100, "ab", 2);
	flue_flat_t a[3] = { 0x100, 2, 7 };
	EX_EQ(flue_call_lowered(&hl, a, 3), 0);
}

FT_TEST(host_params_refusals)
{
	hv_enc = FLUE_STRING_UTF8;
	hv_setup();
	FT_EQ(flue_host_func(&hf, ex.host, &ft_log, log_nothing, 0, 0), 0);
	hv_lower();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = run_log_plain };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &o), 0);
	struct res r;
	invoke(&f_run, &r);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_TRUE(r.done && r.has);
}

FT_SUITE(host_vals,
	 FT_CASE(invoke_vals_refusals_and_a_callee_realloc_trap),
	 FT_CASE(host_params_refusals),
	 FT_CASE(host_params_of_a_first_form_function),
	 FT_CASE(host_function_sees_string_params_in_the_callers_encoding),
	 FT_CASE(bad_params_trap_the_caller_not_the_host),
	 FT_CASE(host_function_returns_a_string_from_its_arena),
	 FT_CASE(host_views_navigate_every_kind_flat_and_in_memory),
	 FT_CASE(invoke_with_host_params_and_viewed_results))
