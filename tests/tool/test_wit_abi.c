/*
 * The WIT reader's canonical-ABI helpers on tests/tool/wit/abi.wit: flat
 * types, sizes and alignments (values worked out by hand from
 * CanonicalABI.md), core signatures for every wit_abi (wit-parser's
 * wasm_signature rules) and the stream/future order of functions.
 */
#include "wit/wit_test_util.h"

#define I32 WIT_CORE_I32
#define I64 WIT_CORE_I64
#define F32 WIT_CORE_F32
#define F64 WIT_CORE_F64

/* A 0-terminated list of core types. */
#define L(...) ((const int[]){ __VA_ARGS__, 0 })
#define NONE ((const int[]){ 0 })

static struct wit_resolve res;
static struct wit_interface *t;

static void load(void)
{
	wt_load(&res, "wit/abi.wit");
	t = wt_iface(res.main, "t");
}

static uint32_t count(const int *l)
{
	uint32_t n = 0;
	while (l[n] != 0)
		n++;
	return n;
}

/* flatten, size and alignment of the type `name`. */
static void abi(const char *name, const int *flat, uint32_t size, uint32_t align)
{
	enum wit_core got[64];
	const struct wit_type *ty = wt_type(t, name);
	uint32_t n = count(flat);
	int c = wit_flatten(ty, got, 64);
	if (c != (int)n || wit_size(ty) != size || wit_align(ty) != align)
		fprintf(stderr, "  %s: %d flat, size %u, align %u\n", name, c, wit_size(ty),
			wit_align(ty));
	FT_EQ(c, n);
	for (uint32_t i = 0; i < n; i++)
		FT_EQ(got[i], flat[i]);
	FT_EQ(wit_size(ty), size);
	FT_EQ(wit_align(ty), align);
}

FT_TEST(test_records_variants)
{
	load();
	abi("mixed", L(I32, I32, I32), 12, 4);
	abi("outer", L(I32, I32, I32, I32), 16, 4);
	abi("v", L(I32, I64), 16, 8);          /* join(i64, f32) = i64 */
	abi("m", L(I32, I64, I32), 16, 8);     /* join(i32, f64) = i64; string's 2nd i32 */
	abi("e3", L(I32), 1, 1);
	abi("big", L(I32), 2, 2);              /* 257 cases: u16 discriminant */
	abi("opt-f32", L(I32, F32), 8, 4);
	abi("nested-opt", L(I32, I32, I32), 3, 1);
	abi("res-uf", L(I32, I32), 8, 4);      /* join(i32, f32) = i32 */
	abi("res-bare", L(I32), 1, 1);
	abi("res-err", L(I32, I32, I32), 12, 4);
	abi("tup", L(I32, I64), 16, 8);
	wit_free(&res);
}

FT_TEST(test_flags)
{
	load();
	abi("f0", NONE, 0, 1);
	abi("f3", L(I32), 1, 1);
	abi("f9", L(I32), 2, 2);
	abi("f33", L(I32, I32), 8, 4);
	wit_free(&res);
}

FT_TEST(test_scalars_lists_handles)
{
	load();
	abi("str", L(I32, I32), 8, 4);
	abi("lst", L(I32, I32), 8, 4);
	abi("fix", L(I32, I32, I32), 6, 2);
	abi("fix-rec", L(I32, I32, I32, I32, I32, I32), 24, 4);
	abi("mp", L(I32, I32), 8, 4);
	abi("c", L(I32), 4, 4);
	abi("b", L(I32), 1, 1);
	abi("i64", L(I64), 8, 8);
	abi("d", L(F64), 8, 8);
	abi("h", L(I32), 4, 4);
	abi("bh", L(I32), 4, 4);
	abi("st", L(I32), 4, 4);
	abi("fu", L(I32), 4, 4);
	const struct wit_type *r = wt_type(t, "res");
	enum wit_core out[4];
	FT_EQ(wit_flatten(r, out, 4), -1);
	FT_EQ(wit_size(r), 0);
	FT_EQ(wit_align(r), 1);
	wit_free(&res);
}

FT_TEST(test_flatten_truncated)
{
	load();
	enum wit_core out[4] = { 0, 0, 0, 0 };
	FT_EQ(wit_flatten(wt_type(t, "str"), out, 1), 2);
	FT_EQ(out[0], I32);
	FT_EQ(out[1], 0);
	FT_EQ(wit_flatten(wt_type(t, "m"), out, 2), 3);
	FT_EQ(out[0], I32);
	FT_EQ(out[1], I64);
	FT_EQ(out[2], 0);
	FT_EQ(wit_flatten(wt_type(t, "fix-rec"), out, 4), 6);
	FT_EQ(wit_flatten(wt_type(t, "v"), NULL, 0), 2);
	wit_free(&res);
}

/* The core signature of `f` seen as `abi`. */
static void sig(const struct wit_func *f, enum wit_abi abi, const int *params,
		const int *results, bool indirect, bool retptr)
{
	struct wit_core_sig s;
	FT_EQ(wit_core_signature(f, abi, &s), 0);
	if (s.nparams != count(params) || s.nresults != count(results) ||
	    s.indirect_params != indirect || s.retptr != retptr)
		fprintf(stderr, "  %s as %d: %u params, %u results, indirect %d, retptr %d\n",
			f->name, (int)abi, s.nparams, s.nresults, s.indirect_params, s.retptr);
	FT_EQ(s.nparams, count(params));
	for (uint32_t i = 0; i < s.nparams; i++)
		FT_EQ(s.params[i], params[i]);
	FT_EQ(s.nresults, count(results));
	for (uint32_t i = 0; i < s.nresults; i++)
		FT_EQ(s.results[i], results[i]);
	FT_EQ(s.indirect_params, indirect);
	FT_EQ(s.retptr, retptr);
}

FT_TEST(test_sig_no_params)
{
	load();
	const struct wit_func *f = wt_func(t, "nothing");
	sig(f, WIT_ABI_IMPORT, NONE, NONE, false, false);
	sig(f, WIT_ABI_EXPORT, NONE, NONE, false, false);
	sig(f, WIT_ABI_IMPORT_ASYNC, NONE, L(I32), false, false);
	sig(f, WIT_ABI_EXPORT_ASYNC, NONE, L(I32), false, false);
	sig(f, WIT_ABI_EXPORT_STACKFUL, NONE, NONE, false, false);
	sig(f, WIT_ABI_TASK_RETURN, NONE, NONE, false, false);
	sig(f, WIT_ABI_POST_RETURN, NONE, NONE, false, false);
	wit_free(&res);
}

FT_TEST(test_sig_scalars)
{
	load();
	const struct wit_func *f = wt_func(t, "add");
	sig(f, WIT_ABI_IMPORT, L(I32, I64), L(F32), false, false);
	sig(f, WIT_ABI_EXPORT, L(I32, I64), L(F32), false, false);
	sig(f, WIT_ABI_IMPORT_ASYNC, L(I32, I64, I32), L(I32), false, true);
	sig(f, WIT_ABI_EXPORT_ASYNC, L(I32, I64), L(I32), false, false);
	sig(f, WIT_ABI_EXPORT_STACKFUL, L(I32, I64), NONE, false, false);
	sig(f, WIT_ABI_TASK_RETURN, L(F32), NONE, false, false);
	sig(f, WIT_ABI_POST_RETURN, L(F32), NONE, false, false);
	f = wt_func(t, "none");
	sig(f, WIT_ABI_IMPORT, L(I32, I32, I32, I32, I32), NONE, false, false);
	sig(f, WIT_ABI_IMPORT_ASYNC, L(I32), L(I32), true, false);
	f = &wt_type(t, "res")->funcs[0]; /* method: self is an i32 handle */
	sig(f, WIT_ABI_IMPORT, L(I32, I32), L(I32), false, false);
	sig(f, WIT_ABI_EXPORT, L(I32, I32), L(I32), false, false);
	wit_free(&res);
}

FT_TEST(test_sig_many_params)
{
	load();
	struct wit_core_sig s;
	const struct wit_func *f = wt_func(t, "p16");
	FT_EQ(wit_core_signature(f, WIT_ABI_IMPORT, &s), 0);
	FT_EQ(s.nparams, 16);
	FT_FALSE(s.indirect_params);
	for (uint32_t i = 0; i < 16; i++)
		FT_EQ(s.params[i], I32);
	sig(f, WIT_ABI_IMPORT_ASYNC, L(I32), L(I32), true, false);
	f = wt_func(t, "p17");
	sig(f, WIT_ABI_IMPORT, L(I32), NONE, true, false);
	sig(f, WIT_ABI_EXPORT, L(I32), NONE, true, false);
	sig(f, WIT_ABI_EXPORT_ASYNC, L(I32), L(I32), true, false);
	sig(f, WIT_ABI_EXPORT_STACKFUL, L(I32), NONE, true, false);
	f = wt_func(t, "p16-str"); /* 16 flat params and a return pointer */
	FT_EQ(wit_core_signature(f, WIT_ABI_IMPORT, &s), 0);
	FT_EQ(s.nparams, 17);
	FT_FALSE(s.indirect_params);
	FT_TRUE(s.retptr);
	FT_EQ(s.params[16], I32);
	FT_EQ(s.nresults, 0);
	wit_free(&res);
}

FT_TEST(test_sig_retptr)
{
	load();
	const struct wit_func *f = wt_func(t, "ret-str");
	sig(f, WIT_ABI_IMPORT, L(I32), NONE, false, true);
	sig(f, WIT_ABI_EXPORT, NONE, L(I32), false, true);
	sig(f, WIT_ABI_POST_RETURN, L(I32), NONE, false, false);
	sig(f, WIT_ABI_TASK_RETURN, L(I32, I32), NONE, false, false);
	sig(f, WIT_ABI_IMPORT_ASYNC, L(I32), L(I32), false, true);
	f = wt_func(t, "big-ret");
	sig(f, WIT_ABI_IMPORT, L(I32), NONE, false, true);
	sig(f, WIT_ABI_EXPORT, NONE, L(I32), false, true);
	sig(f, WIT_ABI_TASK_RETURN, L(I32), NONE, true, false);
	sig(f, WIT_ABI_POST_RETURN, L(I32), NONE, false, false);
	wit_free(&res);
}

FT_TEST(test_sig_async)
{
	load();
	const struct wit_func *f = wt_func(t, "async5");
	FT_TRUE(f->async);
	sig(f, WIT_ABI_IMPORT_ASYNC, L(I32, I32), L(I32), true, true);
	sig(f, WIT_ABI_EXPORT_ASYNC, L(I32, I32, I32, I32, I32), L(I32), false, false);
	sig(f, WIT_ABI_EXPORT_STACKFUL, L(I32, I32, I32, I32, I32), NONE, false, false);
	sig(f, WIT_ABI_TASK_RETURN, L(I32), NONE, false, false);
	sig(f, WIT_ABI_IMPORT, L(I32, I32, I32, I32, I32), L(I32), false, false);
	f = wt_func(t, "async4");
	sig(f, WIT_ABI_IMPORT_ASYNC, L(I32, I32, I32, I32), L(I32), false, false);
	sig(f, WIT_ABI_TASK_RETURN, NONE, NONE, false, false);
	wit_free(&res);
}

FT_TEST(test_streams_order)
{
	load();
	const struct wit_type *out[16];
	const struct wit_func *f = wt_func(t, "foo");
	FT_EQ(wit_func_streams(f, out, 16), 3);
	FT_TRUE(out[0]->kind == WIT_T_FUTURE && out[0]->elem->kind == WIT_T_U32);
	FT_TRUE(out[1]->kind == WIT_T_FUTURE && out[1]->elem == out[0]);
	FT_TRUE(out[1] == f->params[0].type);
	FT_TRUE(out[2]->kind == WIT_T_STREAM && out[2]->elem->kind == WIT_T_U8);
	FT_TRUE(out[2] == f->result);
	FT_EQ(wit_func_streams(wt_func(t, "add"), out, 16), 0);
	wit_free(&res);
}

FT_TEST(test_streams_nested)
{
	load();
	const struct wit_type *out[16];
	const struct wit_func *f = wt_func(t, "bar");
	FT_EQ(wit_func_streams(f, out, 16), 9);
	static const struct {
		enum wit_type_kind kind, elem;
	} want[] = {
		{ WIT_T_STREAM, WIT_T_U8 }, { WIT_T_FUTURE, 0 }, { WIT_T_FUTURE, WIT_T_U32 },
		{ WIT_T_STREAM, WIT_T_STRING }, { WIT_T_FUTURE, WIT_T_U8 },
		{ WIT_T_STREAM, WIT_T_U8 }, { WIT_T_STREAM, WIT_T_CHAR },
		{ WIT_T_FUTURE, WIT_T_S8 }, { WIT_T_FUTURE, WIT_T_BOOL },
	};
	for (uint32_t i = 0; i < 9; i++) {
		FT_EQ(out[i]->kind, want[i].kind);
		FT_EQ(out[i]->elem != NULL ? out[i]->elem->kind : 0, want[i].elem);
	}
	FT_TRUE(out[0] == wt_type(t, "rs")->fields[0].type);
	FT_TRUE(out[6] == wt_type(t, "alias-stream")->elem);
	const struct wit_type *few[2] = { NULL, NULL };
	FT_EQ(wit_func_streams(f, few, 2), 9);
	FT_TRUE(few[1] == out[1]);
	FT_EQ(wit_func_streams(wt_func(t, "none"), out, 16), 0);
	wit_free(&res);
}

FT_SUITE(wit_abi,
	 FT_CASE(test_records_variants),
	 FT_CASE(test_flags),
	 FT_CASE(test_scalars_lists_handles),
	 FT_CASE(test_flatten_truncated),
	 FT_CASE(test_sig_no_params),
	 FT_CASE(test_sig_scalars),
	 FT_CASE(test_sig_many_params),
	 FT_CASE(test_sig_retptr),
	 FT_CASE(test_sig_async),
	 FT_CASE(test_streams_order),
	 FT_CASE(test_streams_nested))
