/*
 * Streams of value types with an executor: the trap policy of
 * flue_canon_stream_read_opts() (flue/abi.h). The op that meets a parked
 * op runs the other instance's code (the reader's realloc) or checks the
 * other instance's data (the writer's) inside its own built-in; the
 * reference would trap the whole store there, flue traps only the
 * instance at fault: the elements moved whole count as copied for both
 * ends, the own handles of the elements that did not move stay the
 * writer's, and the op goes on against a dropped peer.
 *
 * A writes, B reads; each side's op runs as guest code of a sync-lifted
 * function the host invokes (an executor frame), the other side's op is
 * parked beforehand. B's realloc traps (as a guest's `unreachable` would)
 * on its `trap_at`-th call.
 */
#include "wast_common.h"
#include <flue/resource.h>
#include <flue/valtype.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

#define WBUF 0x100u
#define RBUF 0x40u
#define PACK(result, progress) ((uint32_t)(result) | (uint32_t)(progress) << 4)

static struct flue_instance *A, *B;
static flue_type_t t;
static flue_rtype_t rt;
static uint32_t r_end, w_end, trap_at, ncalls, got[2];
static struct flue_func f_write, f_read;

/* 0 string, 1 own<rt>, 2 tuple<own<rt>, string> */
static struct flue_tnode vs_nodes[3] = {
	{ .kind = FLUE_VT_STRING }, { .kind = FLUE_VT_OWN },
	{ .kind = FLUE_VT_TUPLE, .nkids = 2, .kids = 0 },
};
static const uint16_t vs_kids[2] = { 1, 0 };
static const struct flue_tgraph vs_g = { vs_nodes, vs_kids, 3, 2 };

static void stw(uint8_t *m, uint32_t off, uint32_t v)
{
	for (uint32_t i = 0; i < 4u; i++, v >>= 8)
		m[off + i] = (uint8_t)v;
}

/* B's realloc: the fixture's bump allocator, or a trap of B. */
static uint32_t b_realloc(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
			  uint32_t al, uint32_t ns)
{
	if (++ncalls == trap_at)
		flue_trap_raise(inst, FLUE_TRAP_WASM_UNREACHABLE);
	return ex_realloc(user, inst, o, os, al, ns);
}

static const struct flue_string_opts b_opts = { b_realloc, NULL, FLUE_STRING_UTF8 };

CORE(write_core)
{
	got[0] = flue_canon_stream_write_opts(inst, t, ASYNC, NULL, w_end, WBUF, 3);
	got[1] = flue_canon_stream_write_opts(inst, t, ASYNC, NULL, w_end, WBUF, 3);
}

CORE(read_core)
{
	got[0] = flue_canon_stream_read_opts(inst, t, ASYNC, &b_opts, r_end, RBUF, 3);
}

/* A's three elements at WBUF: tuple<own<rt>?, string> or string, the
 * strings "one", "two", "six" at 0x200, 0x210, 0x220. */
static void put_elems(bool with_own, const uint32_t *owns)
{
	uint8_t *m = ex_mem(A);
	uint32_t es = with_own ? 12u : 8u, so = with_own ? 4u : 0u;
	static const char *const s[3] = { "one", "two", "six" };
	for (uint32_t i = 0; i < 3u; i++) {
		memcpy(m + 0x200u + 0x10u * i, s[i], 3);
		stw(m, WBUF + es * i + so, 0x200u + 0x10u * i);
		stw(m, WBUF + es * i + so + 4u, 3);
		if (with_own)
			stw(m, WBUF + es * i, owns[i]);
	}
}

static void setup(bool with_own)
{
	ex_setup();
	A = ex_new(), B = ex_new();
	FT_EQ(flue_resource_type_register(&ex.store, A, NULL, &rt), 0);
	vs_nodes[1].arg = rt;
	FT_EQ(flue_types_layout(vs_nodes, 3, vs_kids, 2), 0);
	FT_EQ(flue_type_register_value(&ex.store, &vs_g, with_own ? 2u : 0u, &t), 0);
	uint64_t s = flue_canon_stream_new(A, t);
	w_end = (uint32_t)(s >> 32);
	FT_EQ(flue_end_transfer(A, (uint32_t)s, t, B, &r_end), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = write_core };
	FT_EQ(flue_lift(&f_write, A, &ft_sync, &o), 0);
	o.core = read_core;
	FT_EQ(flue_lift(&f_read, B, &ft_sync, &o), 0);
	trap_at = ncalls = got[0] = got[1] = 0;
}

static void run(struct flue_func *f, bool ok)
{
	struct res r;
	invoke(f, &r);
	(void)ex_run();
	FT_TRUE(r.done);
	FT_EQ(r.has, ok);
}

/* B parked; A's write meets it and B's realloc traps on the second
 * string: A's write completes with the one string moved, B alone traps,
 * and A's next write finds the reader gone. */
FT_TEST(reader_realloc_trap_inside_the_writers_op)
{
	setup(false);
	put_elems(false, NULL);
	trap_at = 2;
	FT_EQ(flue_canon_stream_read_opts(B, t, ASYNC, &b_opts, r_end, RBUF, 3), FLUE_BLOCKED);
	run(&f_write, true);
	FT_EQ(got[0], PACK(FLUE_COMPLETED, 1));
	FT_EQ(got[1], PACK(FLUE_DROPPED, 0));
	trapped(B, FLUE_TRAP_WASM_UNREACHABLE);
	FT_FALSE(A->poisoned);
	FT_EQ(ex.ntraps, 1);
	FT_TRUE(ex.trap_inst == B);
	/* The one string moved into B (the bump allocator's first block). */
	FT_EQ(ex_ld32(B, RBUF + 4u), 3);
	FT_EQ(memcmp(ex_mem(B) + ex_ld32(B, RBUF), "one", 3), 0);
}

/* A parked; B's read meets it and B's own realloc traps on the second
 * string: B's call ends in the trap, and A's parked write is told the
 * reader dropped after one element (the reference's pending DROPPED with
 * the buffer's progress). */
FT_TEST(reader_realloc_trap_inside_its_own_op)
{
	setup(false);
	put_elems(false, NULL);
	trap_at = 2;
	uint32_t ws = flue_canon_waitable_set_new(A);
	flue_canon_waitable_join(A, w_end, ws);
	FT_EQ(flue_canon_stream_write_opts(A, t, ASYNC, NULL, w_end, WBUF, 3), FLUE_BLOCKED);
	run(&f_read, false);
	trapped(B, FLUE_TRAP_WASM_UNREACHABLE);
	FT_FALSE(A->poisoned);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(flue_canon_waitable_set_poll(A, ws, 0xF00), FLUE_EVENT_CODE_STREAM_WRITE);
	FT_EQ(ex_ld32(A, 0xF00), w_end);
	FT_EQ(ex_ld32(A, 0xF04), PACK(FLUE_DROPPED, 1));
}

/* A parked with a bad string; B's read checks it: A traps, B's read
 * finds the writer gone (DROPPED, nothing moved, no realloc ran). */
FT_TEST(writer_data_trap_inside_the_readers_op)
{
	setup(false);
	put_elems(false, NULL);
	ex_mem(A)[0x210] = 0xC0; /* "two" no longer UTF-8 */
	FT_EQ(flue_canon_stream_write_opts(A, t, ASYNC, NULL, w_end, WBUF, 3), FLUE_BLOCKED);
	run(&f_read, true);
	FT_EQ(got[0], PACK(FLUE_DROPPED, 0));
	trapped(A, FLUE_TRAP_BAD_ENCODING);
	FT_FALSE(B->poisoned);
	FT_EQ(ncalls, 0);
	FT_TRUE(ex.trap_inst == A);
}

/* tuple<own<rt>, string>: B's realloc traps in the second element, after
 * its own was lowered. The first element is B's, the second is lost
 * (its own dropped without a destructor, as a lifted value never
 * lowered), the third's own is A's again: A can pass it on or drop it. */
FT_TEST(owns_of_elements_that_did_not_move_stay_the_writers)
{
	setup(true);
	uint32_t h[3];
	for (uint32_t i = 0; i < 3u; i++)
		h[i] = flue_canon_resource_new(A, rt, 100u + i);
	put_elems(true, h);
	trap_at = 2;
	FT_EQ(flue_canon_stream_read_opts(B, t, ASYNC, &b_opts, r_end, RBUF, 3), FLUE_BLOCKED);
	run(&f_write, true);
	FT_EQ(got[0], PACK(FLUE_COMPLETED, 1));
	trapped(B, FLUE_TRAP_WASM_UNREACHABLE);
	FT_FALSE(A->poisoned);
	FT_EQ(flue_canon_resource_rep(A, rt, h[2]), 102);
	flue_canon_resource_drop(A, rt, h[2]);
	/* h[0] and h[1] left A's table: their slots are free (the drop of
	 * h[2] above reused nothing). */
	FT_EQ(A->handles[h[0]].kind, FLUE_H_FREE);
	FT_EQ(A->handles[h[1]].kind, FLUE_H_FREE);
}

FT_SUITE(vals_streams_x,
	 FT_CASE(reader_realloc_trap_inside_the_writers_op),
	 FT_CASE(reader_realloc_trap_inside_its_own_op),
	 FT_CASE(writer_data_trap_inside_the_readers_op),
	 FT_CASE(owns_of_elements_that_did_not_move_stay_the_writers))
