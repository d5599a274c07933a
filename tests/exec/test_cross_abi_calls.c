/*
 * component-model test/async/cross-abi-calls.wast (@ 6d28164): flat and
 * in-memory params and results of 4, 5 and 17 params and one result,
 * across sync and async lowers and sync and callback lifts, ported as in
 * test_wast.c (each WAST component with core code is one flue instance,
 * its core functions C functions calling the built-ins; the same values
 * and bytes asserted; `unreachable` is EX_TRUE(false)). 16- and
 * 17-element tuple results: a record has at most FLUE_CONFIG_MAX_TYPE_FIELDS
 * (8) fields in the test build, so an 8-field tuple stands in for the
 * 16-result case (the same paths) and the 17-result case (task.return
 * through memory) is not ported.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static void st32(struct flue_instance *i, uint32_t o, uint32_t v)
{
	for (uint32_t k = 0; k < 4; k++)
		ex_mem(i)[o + k] = (uint8_t)(v >> 8 * k);
}

static void st64(struct flue_instance *i, uint32_t o, uint64_t v)
{
	for (uint32_t k = 0; k < 8; k++)
		ex_mem(i)[o + k] = (uint8_t)(v >> 8 * k);
}

static uint64_t ld64(struct flue_instance *i, uint32_t o)
{
	return (uint64_t)ld32(i, o) | (uint64_t)ld32(i, o + 4) << 32;
}

static uint64_t f32b(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static uint64_t f64b(double d)
{
	uint64_t b;
	memcpy(&b, &d, 8);
	return b;
}

CB(unreachable_cb) { EX_TRUE(false); return EXIT; }

/* ---------------------------------------------------- cross-abi-calls */

/*
 * $Top lifts each function type twice: sync (no `async` option) and async
 * with a callback that must not run; $Bottom lowers it sync or async. As
 * in the WAST, $Top's realloc "cheats" and always returns 0. The 16- and
 * 17-element tuple results are not portable: a record has at most
 * FLUE_CONFIG_MAX_TYPE_FIELDS (8) fields in the test build. An 8-field
 * tuple (the first half of the 16) stands in, through the same paths as
 * the 16-result case (sync lift returns a pointer, task.return takes the
 * flat values, the lowers pass an out pointer); the 17-result path
 * (task.return through memory) is left out.
 */
enum { XA_4P, XA_5P, XA_17P, XA_1R, XA_8R, XA_NF };
static struct flue_valtype xa_p4[4], xa_p5[5], xa_p17[17], xa_f64, xa_tup8;
static struct flue_functype xa_ft[XA_NF];
static struct flue_func xa_top, xa_call;
static struct flue_lowered xa_l;
static uint32_t xa_fn;
static bool xa_lower_async, xa_last;

static const uint8_t xa_kinds[4] = { FLUE_VAL_U32, FLUE_VAL_U64, FLUE_VAL_F32, FLUE_VAL_F64 };
static const float xa_f32v[4] = { -3.3f, -7.7f, -11.11f, -15.15f };
static const double xa_f64v[4] = { -4.4, -8.8, -12.12, -16.16 };

static uint32_t xa_realloc0(void *user, struct flue_instance *inst, uint32_t old_ptr,
			    uint32_t old_size, uint32_t align, uint32_t new_size)
{
	return 0; /* cheat -- there's never more than 1 allocation alive */
}
/* $setup-16 / $setup-17 (n fields) and the $check-* counterparts */
static void xa_setup(struct flue_instance *inst, uint32_t ptr, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t o = ptr + 8 * i, g = i / 4;
		switch (i % 4) {
		case 0: st32(inst, o, (uint32_t)-(int32_t)(i + 1)); break;
		case 1: st64(inst, o, (uint64_t)-(int64_t)(i + 1)); break;
		case 2: st32(inst, o, (uint32_t)f32b(xa_f32v[g])); break;
		default: st64(inst, o, f64b(xa_f64v[g])); break;
		}
	}
}
static void xa_check(struct flue_instance *inst, uint32_t ptr, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t o = ptr + 8 * i, g = i / 4;
		switch (i % 4) {
		case 0: EX_EQ(ld32(inst, o), (uint32_t)-(int32_t)(i + 1)); break;
		case 1: EX_EQ(ld64(inst, o), (uint64_t)-(int64_t)(i + 1)); break;
		case 2: EX_EQ(ld32(inst, o), f32b(xa_f32v[g])); break;
		default: EX_EQ(ld64(inst, o), f64b(xa_f64v[g])); break;
		}
	}
}
/* the flat values of the first n fields */
static void xa_flat(flue_flat_t *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t g = i / 4;
		switch (i % 4) {
		case 0: v[i] = (uint32_t)-(int32_t)(i + 1); break;
		case 1: v[i] = (uint64_t)-(int64_t)(i + 1); break;
		case 2: v[i] = f32b(xa_f32v[g]); break;
		default: v[i] = f64b(xa_f64v[g]); break;
		}
	}
}
static void xa_check_params(struct flue_instance *inst, const flue_flat_t *args, uint32_t nargs)
{
	if (xa_fn == XA_4P) {
		EX_EQ(nargs, 4);
		EX_EQ(args[0], 42);
		EX_EQ(args[1], 43);
		EX_EQ(args[2], f32b(44.4f));
		EX_EQ(args[3], f64b(45.5));
	} else if (xa_fn == XA_5P) {
		flue_flat_t v[5];
		xa_flat(v, 5);
		EX_EQ(nargs, 5);
		for (uint32_t i = 0; i < 5; i++)
			EX_EQ(args[i], v[i]);
	} else if (xa_fn == XA_17P) {
		EX_EQ(nargs, 1);
		xa_check(inst, (uint32_t)args[0], 17);
	} else {
		EX_EQ(nargs, 0);
	}
}
CORE(xa_top_sync) {
	xa_check_params(inst, args, nargs);
	if (xa_fn == XA_1R) {
		res[0] = f64b(-1.1);
	} else if (xa_fn == XA_8R) {
		uint32_t ptr = 0;
		xa_setup(inst, ptr, 8);
		res[0] = ptr;
	}
}
CORE(xa_top_async) {
	xa_check_params(inst, args, nargs);
	if (xa_fn == XA_1R) {
		flue_flat_t v = f64b(-1.1);
		flue_canon_task_return(inst, &xa_f64, &v, 1);
	} else if (xa_fn == XA_8R) {
		flue_flat_t v[8];
		xa_flat(v, 8);
		flue_canon_task_return(inst, &xa_tup8, v, 8);
	} else {
		flue_canon_task_return(inst, 0, 0, 0);
	}
	res[0] = EXIT;
}
/* $Bottom's call-{sync,async}-* */
CORE(xa_call_core) {
	bool a = xa_lower_async;
	uint32_t ptr = 0;
	flue_flat_t v[5];
	switch (xa_fn) {
	case XA_4P:
		v[0] = 42;
		v[1] = 43;
		v[2] = f32b(44.4f);
		v[3] = f64b(45.5);
		if (a)
			EX_EQ(flue_call_lowered(&xa_l, v, 4), FLUE_SUBTASK_RETURNED);
		else
			(void)flue_call_lowered(&xa_l, v, 4);
		res[0] = a ? 84 : 83;
		break;
	case XA_5P:
		if (a) {
			xa_setup(inst, ptr, 5);
			EX_EQ(c1(&xa_l, ptr), FLUE_SUBTASK_RETURNED);
		} else {
			xa_flat(v, 5);
			(void)flue_call_lowered(&xa_l, v, 5);
		}
		res[0] = a ? 86 : 85;
		break;
	case XA_17P:
		xa_setup(inst, 0, 17);
		if (a)
			EX_EQ(c1(&xa_l, 0), FLUE_SUBTASK_RETURNED);
		else
			(void)c1(&xa_l, 0);
		res[0] = a ? 88 : 87;
		break;
	case XA_1R:
		if (a) {
			EX_EQ(c1(&xa_l, ptr), FLUE_SUBTASK_RETURNED);
			EX_EQ(ld64(inst, ptr), f64b(-1.1));
		} else {
			EX_EQ(flue_call_lowered(&xa_l, 0, 0), f64b(-1.1));
		}
		res[0] = a ? 90 : 89;
		break;
	default: /* XA_8R, in place of 16-result */
		if (a)
			EX_EQ(c1(&xa_l, ptr), FLUE_SUBTASK_RETURNED);
		else
			(void)c1(&xa_l, ptr);
		xa_check(inst, ptr, 8);
		res[0] = a ? 92 : 91;
		break;
	}
	xa_last = true;
}

static void xa_types(void)
{
	for (uint32_t i = 0; i < 17; i++)
		xa_p17[i] = VT(xa_kinds[i % 4]);
	for (uint32_t i = 0; i < 4; i++)
		xa_p4[i] = VT(xa_kinds[i]);
	for (uint32_t i = 0; i < 5; i++)
		xa_p5[i] = VT(xa_kinds[i % 4]);
	xa_f64 = VT(FLUE_VAL_F64);
	xa_tup8 = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 8 };
	for (uint32_t i = 0; i < 8; i++)
		xa_tup8.fields[i] = (struct flue_leaf){ .kind = xa_kinds[i % 4] };
	xa_ft[XA_4P] = (struct flue_functype){ .async = true, .nparams = 4, .params = xa_p4 };
	xa_ft[XA_5P] = (struct flue_functype){ .async = true, .nparams = 5, .params = xa_p5 };
	xa_ft[XA_17P] = (struct flue_functype){ .async = true, .nparams = 17, .params = xa_p17 };
	xa_ft[XA_1R] = (struct flue_functype){ .async = true, .result = &xa_f64 };
	xa_ft[XA_8R] = (struct flue_functype){ .async = true, .result = &xa_tup8 };
}

FT_TEST(cross_abi_calls)
{
	/* {sync,async}-calls-{sync,async}-{4-param,5-param,17-param,1-result}
	 * and the 8-result stand-in for 16-result */
	xa_types();
	for (uint32_t fn = 0; fn < XA_NF; fn++)
		for (uint32_t k = 0; k < 4; k++) {
			bool top_async = k & 1u, low_async = k & 2u;
			ex_setup();
			xa_fn = fn;
			xa_lower_async = low_async;
			xa_last = false;
			struct flue_instance *top = ex_new(), *bottom = ex_new();
			struct flue_lift_opts o = {
				.kind = top_async ? FLUE_LIFT_CALLBACK : FLUE_LIFT_SYNC,
				.core = top_async ? xa_top_async : xa_top_sync,
				.callback = top_async ? unreachable_cb : 0,
				.realloc = xa_realloc0,
			};
			FT_EQ(flue_lift(&xa_top, top, &xa_ft[fn], &o), 0);
			lower(&xa_l, &xa_top, bottom, low_async);
			ex_lift(&xa_call, bottom, &ft_async_u32, FLUE_LIFT_SYNC, xa_call_core, 0);
			struct res r;
			invoke(&xa_call, &r);
			FT_EQ(ex_run(), 0);
			FT_EQ(ex.ntraps, 0);
			FT_TRUE(xa_last);
			FT_TRUE(r.done && r.has);
			FT_EQ(r.v, 83 + 2 * fn + (low_async ? 1 : 0));
			ex_done();
		}
}

FT_SUITE(cross_abi_calls, FT_CASE(cross_abi_calls))
