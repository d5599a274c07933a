/*
 * Stream and future ends inside graph-typed values (definitions.py @
 * 6d28164: lift_stream / lift_future → lift_async_value, lower_stream /
 * lower_future): a record holding a stream end, a list of ends, the same
 * end twice, ends that may not move, a callee that traps while the ends
 * are on their way, and a call from an instance to itself (the reference's
 * indices: every lifted end's slot is freed, in lift order, before any is
 * added; Table.add takes the last freed slot first).
 *
 * A is the caller (its export `run_*`, invoked by the host), B the callee.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

#define HEAP0 0x800u

/* 0 string, 1 stream<u8>, 2 record { string, stream<u8> }, 3 list<stream<u8>>,
 * 4 future<u32> */
static struct flue_tnode ve_nodes[5] = {
	{ .kind = FLUE_VT_STRING }, { .kind = FLUE_VT_STREAM },
	{ .kind = FLUE_VT_RECORD, .nkids = 2, .kids = 0 },
	{ .kind = FLUE_VT_LIST, .nkids = 1, .kids = 2 }, { .kind = FLUE_VT_FUTURE },
};
static const uint16_t ve_kids[3] = { 0, 1, 1 };
static const struct flue_tgraph ve_g = { ve_nodes, ve_kids, 5, 3 };
static const uint16_t T_STREAM = 1, T_REC = 2, T_LIST = 3, T_FUT = 4;
static const uint16_t P_TWO[2] = { 1, 1 };

static const struct flue_functype ft_rec = { .graph = &ve_g, .nparams = 1, .param_types = &T_REC };
static const struct flue_functype ft_list = { .graph = &ve_g, .nparams = 1,
					      .param_types = &T_LIST };
static const struct flue_functype ft_fut = { .graph = &ve_g, .nparams = 1, .param_types = &T_FUT };
static const struct flue_functype ft_two = { .graph = &ve_g, .nparams = 2, .param_types = P_TWO };

static struct flue_instance *A, *B;
static struct flue_func f_run, f_callee;
static struct flue_lowered l_callee;
static uint32_t got[4], ngot, b_heap, b_trap_at, b_calls;

/* B's realloc: a bump allocator, or B's trap on call b_trap_at. */
static uint32_t b_realloc(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
			  uint32_t al, uint32_t ns)
{
	if (++b_calls == b_trap_at)
		flue_trap_raise(inst, FLUE_TRAP_WASM_UNREACHABLE);
	uint32_t p = (b_heap + al - 1u) / al * al;
	b_heap = p + ns;
	return p;
}

/* The callee keeps what it got: its flat params, or the list's elements. */
CORE(keep_core)
{
	for (uint32_t i = 0; i < nargs && i < 4u; i++)
		got[i] = (uint32_t)args[i];
	ngot = nargs;
}

CORE(keep_list_core)
{
	uint32_t p = (uint32_t)args[0];
	ngot = (uint32_t)args[1];
	for (uint32_t i = 0; i < ngot && i < 4u; i++)
		got[i] = ex_ld32(inst, p + 4u * i);
}

static void setup(const struct flue_functype *ft, flue_core_fn callee, flue_core_fn run,
		  struct flue_instance *callee_inst)
{
	ex_setup();
	A = ex_new(), B = ex_new();
	ve_nodes[1].arg = ex.u8;
	ve_nodes[4].arg = ex.u32;
	FT_EQ(flue_types_layout(ve_nodes, 5, ve_kids, 3), 0);
	struct flue_instance *ci = callee_inst != 0 ? callee_inst : B;
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = callee, .realloc = b_realloc };
	FT_EQ(flue_lift(&f_callee, ci, ft, &o), 0);
	FT_EQ(flue_lower(&l_callee, &f_callee, A, false), 0);
	struct flue_lift_opts r = { .kind = FLUE_LIFT_SYNC, .core = run };
	FT_EQ(flue_lift(&f_run, A, &ft_sync, &r), 0);
	b_heap = HEAP0, b_trap_at = 0, b_calls = 0, ngot = 0;
	memset(got, 0, sizeof got);
}

static void run(bool ok)
{
	struct res r;
	invoke(&f_run, &r);
	(void)ex_run();
	FT_TRUE(r.done);
	FT_EQ(r.has, ok);
}

static void stw(struct flue_instance *i, uint32_t at, uint32_t v)
{
	for (uint32_t k = 0; k < 4u; k++)
		ex_mem(i)[at + k] = (uint8_t)(v >> (8u * k));
}

/* A's two streams: readable 1 and 3, writable 2 and 4. */
static uint32_t r1, w1, r2, w2;

static void two_streams(struct flue_instance *inst)
{
	uint64_t s1 = flue_canon_stream_new(inst, ex.u8), s2 = flue_canon_stream_new(inst, ex.u8);
	r1 = (uint32_t)s1, w1 = (uint32_t)(s1 >> 32), r2 = (uint32_t)s2, w2 = (uint32_t)(s2 >> 32);
}

/* The end B got reads what A's writer `w` writes: they are one stream. */
static void connected(uint32_t w, uint32_t rb)
{
	ex_mem(A)[0x100] = 7;
	FT_EQ(flue_canon_stream_write(A, ex.u8, ASYNC, w, 0x100, 1), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(B, ex.u8, ASYNC, rb, 0x100, 1), 1u << 4);
	FT_EQ(ex_mem(B)[0x100], 7);
}

/* record { name: "ab", s: r1 }: flat (ptr, len, handle). */
CORE(run_rec)
{
	two_streams(inst);
	memcpy(ex_mem(inst) + 0x200, "ab", 2);
	flue_flat_t a[3] = { 0x200, 2, r1 };
	(void)flue_call_lowered(&l_callee, a, 3);
}

FT_TEST(record_with_a_stream_moves_the_end)
{
	setup(&ft_rec, keep_core, run_rec, 0);
	run(true);
	ex_done();
	FT_EQ(ngot, 3);
	FT_EQ(got[2], 1); /* B's first handle */
	FT_EQ(A->handles[r1].kind, FLUE_H_FREE);
	FT_EQ(B->handles[1].kind, FLUE_H_STREAM_READABLE);
	connected(w1, 1);
}

/* list<stream<u8>> [r2, r1]: B gets them in that order, 1 and 2. */
CORE(run_list)
{
	two_streams(inst);
	stw(inst, 0x200, r2);
	stw(inst, 0x204, r1);
	flue_flat_t a[2] = { 0x200, 2 };
	(void)flue_call_lowered(&l_callee, a, 2);
}

FT_TEST(list_of_ends_moves_in_order)
{
	setup(&ft_list, keep_list_core, run_list, 0);
	run(true);
	ex_done();
	FT_EQ(ngot, 2);
	FT_EQ(got[0], 1);
	FT_EQ(got[1], 2);
	connected(w2, 1);
	connected(w1, 2);
}

/* The same end twice in one value: the second lift finds it gone. */
CORE(run_twice)
{
	two_streams(inst);
	stw(inst, 0x200, r1);
	stw(inst, 0x204, r1);
	flue_flat_t a[2] = { 0x200, 2 };
	(void)flue_call_lowered(&l_callee, a, 2);
}

FT_TEST(same_end_twice_traps_the_caller)
{
	setup(&ft_list, keep_list_core, run_twice, 0);
	run(false);
	trapped(A, FLUE_TRAP_BAD_HANDLE);
	FT_FALSE(B->poisoned);
	FT_EQ(b_calls, 0); /* lifting traps before the callee's realloc */
}

/* Ends that may not move, each its own reason (lift_async_value's order). */
static uint32_t bad_case;

CORE(run_bad)
{
	two_streams(inst);
	uint32_t h = r1;
	if (bad_case == 1)
		h = w1; /* a writable end */
	if (bad_case == 2) {
		uint32_t ws = flue_canon_waitable_set_new(inst);
		flue_canon_waitable_join(inst, r1, ws);
	}
	if (bad_case == 3)
		(void)flue_canon_stream_read(inst, ex.u8, ASYNC, r1, 0x100, 1); /* busy */
	if (bad_case == 4)
		h = 99;
	flue_flat_t a[1] = { h };
	(void)flue_call_lowered(&l_callee, a, 1);
}

FT_TEST(ends_that_may_not_move_trap_the_caller)
{
	static const enum flue_trap_reason why[] = {
		FLUE_TRAP_WRONG_KIND, FLUE_TRAP_WRONG_KIND, FLUE_TRAP_END_IN_SET,
		FLUE_TRAP_NOT_IDLE, FLUE_TRAP_BAD_HANDLE,
	};
	for (bad_case = 0; bad_case < 5u; bad_case++) {
		/* case 0: a stream end where a future<u32> is expected */
		setup(bad_case == 0 ? &ft_fut : &ft_rec, keep_core, run_bad, 0);
		if (bad_case != 0) {
			static const struct flue_functype ft_one = { .graph = &ve_g, .nparams = 1,
								     .param_types = &T_STREAM };
			struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = keep_core };
			FT_EQ(flue_lift(&f_callee, B, &ft_one, &o), 0);
			FT_EQ(flue_lower(&l_callee, &f_callee, A, false), 0);
		}
		run(false);
		trapped(A, why[bad_case]);
		FT_FALSE(B->poisoned);
	}
}

/* B's realloc traps allocating the list: both ends were lifted (on their
 * way to B) and B is gone, so they are dropped: A's writers see DROPPED.
 * (The reference traps the whole store; flue traps B only: design note 5.) */
FT_TEST(callee_trapping_while_ends_travel_drops_them)
{
	setup(&ft_list, keep_list_core, run_list, 0);
	/* An async lower: a sync caller would trap with its callee. */
	FT_EQ(flue_lower(&l_callee, &f_callee, A, true), 0);
	b_trap_at = 1;
	run(true);
	trapped(B, FLUE_TRAP_WASM_UNREACHABLE);
	FT_FALSE(A->poisoned);
	/* Gone from A (the async call's subtask took one of the slots). */
	FT_NE(A->handles[r1].kind, FLUE_H_STREAM_READABLE);
	FT_NE(A->handles[r2].kind, FLUE_H_STREAM_READABLE);
	FT_EQ(flue_canon_stream_write(A, ex.u8, ASYNC, w1, 0x100, 1), FLUE_DROPPED);
	FT_EQ(flue_canon_stream_write(A, ex.u8, ASYNC, w2, 0x100, 1), FLUE_DROPPED);
}

/* A calls its own export with (r1, r2) = (1, 3): both slots are freed
 * (1, then 3 on top) before either is added, so the callee gets 3 and 1. */
CORE(self_core)
{
	EX_EQ(args[0], 3);
	EX_EQ(args[1], 1);
	got[0] = 1;
}

CORE(run_self)
{
	two_streams(inst);
	EX_EQ(r1, 1);
	EX_EQ(r2, 3);
	flue_flat_t a[2] = { r1, r2 };
	(void)flue_call_lowered(&l_callee, a, 2);
}

FT_TEST(ends_to_the_same_instance_get_the_reference_indices)
{
	setup(&ft_two, self_core, run_self, 0);
	FT_EQ(flue_lift(&f_callee, A, &ft_two,
			&(struct flue_lift_opts){ .kind = FLUE_LIFT_SYNC, .core = self_core }), 0);
	FT_EQ(flue_lower(&l_callee, &f_callee, A, false), 0);
	run(true);
	ex_done();
	FT_EQ(got[0], 1);
	FT_EQ(A->handles[3].kind, FLUE_H_STREAM_READABLE);
	FT_EQ(A->handles[1].kind, FLUE_H_STREAM_READABLE);
}

/* A result holding an end (record { "x", s }): lifted when the callee
 * returns (the end taken from B before the caller is named), lowered into
 * the caller: A's next index, connected to B's writer. */
static const struct flue_functype ft_ret = { .graph = &ve_g, .result_type = &T_REC };
static uint32_t ret_w;

CORE(ret_core)
{
	uint64_t st = flue_canon_stream_new(inst, ex.u8);
	ret_w = (uint32_t)(st >> 32);
	ex_mem(inst)[0x300] = 'x';
	stw(inst, 0x400, 0x300);
	stw(inst, 0x404, 1);
	stw(inst, 0x408, (uint32_t)st);
	res[0] = 0x400;
}

CORE(run_ret)
{
	flue_flat_t a[1] = { 0x500 }; /* the return pointer */
	(void)flue_call_lowered(&l_callee, a, 1);
	got[0] = ex_ld32(inst, 0x508);
}

FT_TEST(result_with_a_stream_moves_the_end_to_the_caller)
{
	setup(&ft_ret, ret_core, run_ret, 0);
	l_callee.realloc = b_realloc; /* the caller's, for the string */
	run(true);
	ex_done();
	FT_EQ(got[0], 1); /* A's first handle */
	FT_EQ(A->handles[1].kind, FLUE_H_STREAM_READABLE);
	FT_EQ(B->handles[1].kind, FLUE_H_FREE);
	/* B's writer reaches A's end. */
	ex_mem(B)[0x100] = 9;
	FT_EQ(flue_canon_stream_write(B, ex.u8, ASYNC, ret_w, 0x100, 1), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_read(A, ex.u8, ASYNC, 1, 0x100, 1), 1u << 4);
	FT_EQ(ex_mem(A)[0x100], 9);
}

FT_TEST(graph_types_with_ends_are_checked)
{
	ex_setup();
	ve_nodes[1].arg = ex.u8;
	ve_nodes[4].arg = ex.u32;
	FT_EQ(flue_types_layout(ve_nodes, 5, ve_kids, 3), 0);
	FT_EQ(flue_functype_check(&ex.store, &ft_rec), 0);
	FT_EQ(flue_functype_check(&ex.store, &ft_list), 0);
	ve_nodes[1].arg = 200; /* not a registered element type */
	FT_EQ(flue_functype_check(&ex.store, &ft_rec), FLUE_EINVAL);
	ve_nodes[1].arg = ex.u8;
}

FT_SUITE(vals_ends,
	 FT_CASE(record_with_a_stream_moves_the_end),
	 FT_CASE(list_of_ends_moves_in_order),
	 FT_CASE(same_end_twice_traps_the_caller),
	 FT_CASE(ends_that_may_not_move_trap_the_caller),
	 FT_CASE(callee_trapping_while_ends_travel_drops_them),
	 FT_CASE(ends_to_the_same_instance_get_the_reference_indices),
	 FT_CASE(result_with_a_stream_moves_the_end_to_the_caller),
	 FT_CASE(graph_types_with_ends_are_checked))
