/*
 * Defects of ends inside values found by the value fuzzer
 * (tests/fuzz/fuzz_vals_ends.c), each reduced to one call: A passes a
 * value holding a stream<u8> end to B. Both failed before the fix
 * (val_handle.c: flue_handle_at treats a lifted end as gone; retag and
 * discard name only ends); the fuzzer no longer works around them.
 *
 * 1. (stream<u8>, error-context) naming one handle: lift_async_value
 *    removed the end from A's table (definitions.py @ 6d28164), so the
 *    error context's Table.get finds the slot empty: BAD_HANDLE. flue's
 *    flue_handle_at (val_handle.c) treats only lifted owns as gone, finds
 *    the lifted end and traps WRONG_KIND. Owns and borrows alike.
 * 2. (own<R>, stream<u8>): the move's MV_RETAG pass calls flue_vh_retag
 *    for every taken handle, owns included; taken_end reads
 *    store->shared[rep_kept] with the own's rep (here 0x5000), far past
 *    FLUE_CONFIG_MAX_SHARED: out of bounds (UBSan in the sanitizer build:
 *    val_handle.c:114 "index 20480 out of bounds for type 'struct
 *    flue_shared[32]'"), a write too if that byte reads as
 *    FLUE_REF_TRANSIT; MV_DISCARD (flue_vh_discard) likewise.
 */
#include <flue/resource.h>

#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* 0 stream<u8>, 1 error-context, 2 own<1> */
static struct flue_tnode vf_nodes[3] = {
	{ .kind = FLUE_VT_STREAM }, { .kind = FLUE_VT_ERROR_CONTEXT }, { .kind = FLUE_VT_OWN, .arg = 1 },
};
static const uint16_t vf_kids[1] = { 0 };
static const struct flue_tgraph vf_g = { vf_nodes, vf_kids, 3, 1 };
static const uint16_t P_SE[2] = { 0, 1 }, P_OS[2] = { 2, 0 };
static const struct flue_functype ft_se = { .graph = &vf_g, .nparams = 2, .param_types = P_SE };
static const struct flue_functype ft_os = { .graph = &vf_g, .nparams = 2, .param_types = P_OS };

static struct flue_instance *A, *B;
static struct flue_func f_run, f_callee;
static struct flue_lowered l_callee;
static uint32_t got[2], r1, w1;

CORE(keep_core)
{
	got[0] = (uint32_t)args[0];
	got[1] = (uint32_t)args[1];
}

static void setup(const struct flue_functype *ft, flue_core_fn run)
{
	ex_setup();
	A = ex_new(), B = ex_new();
	vf_nodes[0].arg = ex.u8;
	flue_rtype_t rt = 0; /* own<1>: implemented by A */
	FT_EQ(flue_resource_type_register(&ex.store, A, NULL, &rt), 0);
	FT_EQ(rt, 1);
	FT_EQ(flue_types_layout(vf_nodes, 3, vf_kids, 1), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = keep_core };
	FT_EQ(flue_lift(&f_callee, B, ft, &o), 0);
	FT_EQ(flue_lower(&l_callee, &f_callee, A, false), 0);
	struct flue_lift_opts r = { .kind = FLUE_LIFT_SYNC, .core = run };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &r), 0);
	got[0] = got[1] = 0;
}

static void run(bool ok)
{
	struct res r;
	invoke(&f_run, &r);
	(void)ex_run();
	FT_TRUE(r.done);
	FT_EQ(r.has, ok);
}

static void new_stream(struct flue_instance *inst)
{
	uint64_t s = flue_canon_stream_new(inst, ex.u8);
	r1 = (uint32_t)s, w1 = (uint32_t)(s >> 32);
}

/* (r1, r1): the error context names the end lifted just before it. */
CORE(run_end_then_errctx)
{
	new_stream(inst);
	(void)flue_canon_error_context_new(inst, 0, 0);
	flue_flat_t a[2] = { r1, r1 };
	(void)flue_call_lowered(&l_callee, a, 2);
}

FT_TEST(a_handle_naming_an_end_the_value_lifted_is_a_bad_handle)
{
	setup(&ft_se, run_end_then_errctx);
	run(false);
	trapped(A, FLUE_TRAP_BAD_HANDLE); /* flue: WRONG_KIND */
	FT_FALSE(B->poisoned);
}

/* (own of rep 0x5000, r1): both taken by one value. */
CORE(run_own_and_end)
{
	uint32_t own = flue_canon_resource_new(inst, 1, 0x5000u);
	new_stream(inst);
	flue_flat_t a[2] = { own, r1 };
	(void)flue_call_lowered(&l_callee, a, 2);
}

FT_TEST(a_value_with_an_own_and_an_end_moves_both)
{
	setup(&ft_os, run_own_and_end);
	run(true);
	ex_done();
	FT_EQ(got[0], 1);
	FT_EQ(got[1], 2);
	FT_EQ(B->handles[1].u.res.rep, 0x5000u);
	/* B's end reads what A's writer writes */
	ex_mem(A)[0x100] = 7;
	FT_EQ(flue_canon_stream_write(A, ex.u8, ASYNC, w1, 0x100, 1), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(B, ex.u8, ASYNC, 2, 0x100, 1), 1u << 4);
	FT_EQ(ex_mem(B)[0x100], 7);
}

FT_SUITE(vals_ends_fuzz,
	 FT_CASE(a_handle_naming_an_end_the_value_lifted_is_a_bad_handle),
	 FT_CASE(a_value_with_an_own_and_an_end_moves_both))
