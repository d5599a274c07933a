/*
 * Host stream ends of graph-typed elements (flue/host.h, abi/hends.c):
 * stream<string> between a host and a guest, in both directions and both
 * orders. The host's strings are UTF-8 in its arena; a guest's are in its
 * own encoding; each element is lifted from the writer and lowered into
 * the reader (definitions.py @ 6d28164: load_list_from_valid_range, then
 * store_list_into_valid_range), what the host reads into its arena with
 * the allocator of flue_host_set_realloc(). Host mistakes are errors, and
 * a parked host op that fails when a guest meets it is cancelled.
 */
#include "wast_common.h"
#include <flue/resource.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* string; own<R> */
static struct flue_tnode he_nodes[1] = { { .kind = FLUE_VT_STRING } };
static const struct flue_tgraph he_g = { he_nodes, 0, 1, 0 };
static struct flue_tnode own_nodes[1] = { { .kind = FLUE_VT_OWN } };
static const struct flue_tgraph own_g = { own_nodes, 0, 1, 0 };

static struct flue_instance *A;
static flue_type_t ts;
static uint32_t hr, hw, ar, aw; /* the host's ends, and A's */
static uint32_t heap, ncalls;
static bool refuse;

/* Heap.realloc of the reference's tests: a shrink stays in place, a new
 * block gets the old bytes. The host's, from 0x200 of its arena (or no
 * room, `refuse`), and A's (ex_alloc). */
static uint32_t host_alloc(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
			   uint32_t al, uint32_t ns)
{
	ncalls++;
	if (refuse)
		return UINT32_MAX;
	if (o != 0 && ns < os)
		return o;
	uint32_t p = (heap + al - 1u) / al * al;
	heap = p + ns;
	memmove(ex.host_arena + p, ex.host_arena + o, os);
	return p;
}

static uint32_t a_realloc(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
			  uint32_t al, uint32_t ns)
{
	if (o != 0 && ns < os)
		return o;
	uint32_t p = ex_alloc(inst, al, ns);
	memmove(ex_mem(inst) + p, ex_mem(inst) + o, os);
	return p;
}

static const struct flue_string_opts utf16 = { a_realloc, 0, FLUE_STRING_UTF16 };

/* A stream of strings: from the host to A (to_a), or from A to the host. */
static void setup(bool to_a, bool alloc)
{
	ex_setup();
	flue_exec_init(&ex.store);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	A = ex_new();
	FT_EQ(flue_types_layout(he_nodes, 1, 0, 0), 0);
	FT_EQ(flue_type_register_value(&ex.store, &he_g, 0, &ts), 0);
	if (alloc)
		FT_EQ(flue_host_set_realloc(ex.host, host_alloc, 0), 0);
	heap = 0x200, ncalls = 0, refuse = false;
	if (to_a) {
		FT_EQ(flue_host_stream_new(ex.host, ts, &hr, &hw), 0);
		FT_EQ(flue_end_transfer(ex.host, hr, ts, A, &ar), 0);
	} else {
		uint64_t s = flue_canon_stream_new(A, ts);
		ar = (uint32_t)s, aw = (uint32_t)(s >> 32);
		FT_EQ(flue_end_transfer(A, ar, ts, ex.host, &hr), 0);
	}
}

static void host_st32(uint32_t at, uint32_t v)
{
	for (uint32_t k = 0; k < 4u; k++)
		ex.host_arena[at + k] = (uint8_t)(v >> (8u * k));
}

static uint32_t host_ld32(uint32_t at)
{
	uint32_t v = 0;
	for (uint32_t k = 4; k-- > 0;)
		v = v << 8 | ex.host_arena[at + k];
	return v;
}

/* The host's two strings at 0x40: "hi" and "héllo" (UTF-8, 6 bytes). */
static void host_strings(void)
{
	memcpy(ex.host_arena + 0x80, "hi", 2);
	memcpy(ex.host_arena + 0x90, "h\xC3\xA9llo", 6);
	host_st32(0x40, 0x80), host_st32(0x44, 2);
	host_st32(0x48, 0x90), host_st32(0x4C, 6);
}

/* A got them at 0x100 in UTF-16: 2 and 5 code units. */
static void a_got_them(void)
{
	static const uint8_t hello16[10] = { 'h', 0, 0xE9, 0, 'l', 0, 'l', 0, 'o', 0 };
	FT_EQ(ex_ld32(A, 0x104), 2);
	FT_EQ(memcmp(ex_mem(A) + ex_ld32(A, 0x100), "h\0i\0", 4), 0);
	FT_EQ(ex_ld32(A, 0x10C), 5);
	FT_EQ(memcmp(ex_mem(A) + ex_ld32(A, 0x108), hello16, 10), 0);
}

FT_TEST(the_host_writes_strings_a_guest_reads)
{
	for (int order = 0; order < 2; order++) {
		setup(true, false);
		host_strings();
		struct flue_host_outcome out;
		if (order == 0) {
			FT_EQ(flue_host_write(ex.host, hw, ex.host_arena + 0x40, 2, &out), 0);
			FT_FALSE(out.done);
			FT_EQ(flue_canon_stream_read_opts(A, ts, ASYNC, &utf16, ar, 0x100, 2),
			      2u << 4 | FLUE_COMPLETED);
			FT_EQ(flue_host_poll(ex.host, hw, &out), 0);
		} else {
			FT_EQ(flue_canon_stream_read_opts(A, ts, ASYNC, &utf16, ar, 0x100, 2),
			      FLUE_BLOCKED);
			FT_EQ(flue_host_write(ex.host, hw, ex.host_arena + 0x40, 2, &out), 0);
		}
		FT_TRUE(out.done);
		FT_EQ(out.result, FLUE_RESULT_COMPLETED);
		FT_EQ(out.progress, 2);
		a_got_them();
	}
}

/* A's strings, UTF-16 at 0x300 of its memory, as the host reads them:
 * UTF-8 in its arena, from its allocator. */
static void a_strings(void)
{
	static const uint8_t hello16[10] = { 'h', 0, 0xE9, 0, 'l', 0, 'l', 0, 'o', 0 };
	memcpy(ex_mem(A) + 0x320, "h\0i\0", 4);
	memcpy(ex_mem(A) + 0x340, hello16, 10);
	uint8_t *m = ex_mem(A);
	const uint32_t v[4] = { 0x320, 2, 0x340, 5 };
	for (uint32_t i = 0; i < 16u; i++)
		m[0x300 + i] = (uint8_t)(v[i / 4u] >> (8u * (i % 4u)));
}

static void host_got_them(void)
{
	FT_EQ(host_ld32(0x44), 2);
	FT_EQ(memcmp(ex.host_arena + host_ld32(0x40), "hi", 2), 0);
	FT_EQ(host_ld32(0x4C), 6);
	FT_EQ(memcmp(ex.host_arena + host_ld32(0x48), "h\xC3\xA9llo", 6), 0);
	FT_TRUE(host_ld32(0x40) >= 0x200u && host_ld32(0x48) >= 0x200u); /* its allocator's */
}

FT_TEST(a_guest_writes_strings_the_host_reads)
{
	for (int order = 0; order < 2; order++) {
		setup(false, true);
		a_strings();
		struct flue_host_outcome out;
		if (order == 0) {
			FT_EQ(flue_canon_stream_write_opts(A, ts, ASYNC, &utf16, aw, 0x300, 2),
			      FLUE_BLOCKED);
			FT_EQ(flue_host_read(ex.host, hr, ex.host_arena + 0x40, 2, &out), 0);
		} else {
			FT_EQ(flue_host_read(ex.host, hr, ex.host_arena + 0x40, 2, &out), 0);
			FT_FALSE(out.done);
			FT_EQ(flue_canon_stream_write_opts(A, ts, ASYNC, &utf16, aw, 0x300, 2),
			      2u << 4 | FLUE_COMPLETED);
			FT_EQ(flue_host_poll(ex.host, hr, &out), 0);
		}
		FT_TRUE(out.done);
		FT_EQ(out.progress, 2);
		host_got_them();
	}
}

/* A read of strings needs the host's allocator: without one, FLUE_ENOMEM
 * and nothing changed (A's write stays parked); with one, it completes. */
FT_TEST(a_host_read_without_an_allocator_changes_nothing)
{
	setup(false, false);
	a_strings();
	FT_EQ(flue_canon_stream_write_opts(A, ts, ASYNC, &utf16, aw, 0x300, 2), FLUE_BLOCKED);
	struct flue_host_outcome out;
	EX_EQ(flue_host_read(ex.host, hr, ex.host_arena + 0x40, 2, &out), FLUE_ENOMEM);
	FT_EQ(flue_host_set_realloc(ex.host, host_alloc, 0), 0);
	refuse = true; /* an allocator with no room: the same */
	EX_EQ(flue_host_read(ex.host, hr, ex.host_arena + 0x40, 2, &out), FLUE_ENOMEM);
	refuse = false;
	FT_EQ(flue_host_read(ex.host, hr, ex.host_arena + 0x40, 2, &out), 0);
	FT_TRUE(out.done);
	FT_EQ(out.progress, 2);
	host_got_them();
}

/* A host string that is not UTF-8 is the host's mistake: FLUE_EINVAL,
 * the end still idle. */
FT_TEST(a_host_write_of_bad_strings_is_refused)
{
	setup(true, false);
	host_strings();
	ex.host_arena[0x91] = 0xC3, ex.host_arena[0x92] = 0x28;
	struct flue_host_outcome out;
	EX_EQ(flue_host_write(ex.host, hw, ex.host_arena + 0x40, 2, &out), FLUE_EINVAL);
	host_strings();
	FT_EQ(flue_host_write(ex.host, hw, ex.host_arena + 0x40, 2, &out), 0);
	FT_FALSE(out.done);
}

/* A parked host op that fails when A meets it (a read whose allocator
 * has no room; a write whose buffer the host spoiled meanwhile) is
 * cancelled: the host sees CANCELLED, progress 0; A's op parks. */
FT_TEST(a_parked_host_op_that_fails_is_cancelled)
{
	struct flue_host_outcome out;
	setup(false, true);
	a_strings();
	FT_EQ(flue_host_read(ex.host, hr, ex.host_arena + 0x40, 2, &out), 0);
	refuse = true;
	FT_EQ(flue_canon_stream_write_opts(A, ts, ASYNC, &utf16, aw, 0x300, 2), FLUE_BLOCKED);
	FT_EQ(flue_host_poll(ex.host, hr, &out), 0);
	FT_TRUE(out.done);
	FT_EQ(out.result, FLUE_RESULT_CANCELLED);
	FT_EQ(out.progress, 0);

	setup(true, false);
	host_strings();
	FT_EQ(flue_host_write(ex.host, hw, ex.host_arena + 0x40, 2, &out), 0);
	ex.host_arena[0x80] = 0xFF; /* no longer UTF-8 */
	FT_EQ(flue_canon_stream_read_opts(A, ts, ASYNC, &utf16, ar, 0x100, 2), FLUE_BLOCKED);
	FT_EQ(flue_host_poll(ex.host, hw, &out), 0);
	FT_TRUE(out.done);
	FT_EQ(out.result, FLUE_RESULT_CANCELLED);
	FT_FALSE(A->poisoned);
}

/* stream<own<R>> (R is A's): A writes two owns, the host reads them
 * into its table (all or none: with its table full, FLUE_ENOMEM and A's
 * owns stay A's), then writes them back, and A reads their reps. */
static flue_rtype_t rt;
static flue_type_t to;

static void own_setup(void)
{
	setup(true, true);
	FT_EQ(flue_resource_type_register(&ex.store, A, 0, &rt), 0);
	own_nodes[0].arg = rt;
	FT_EQ(flue_types_layout(own_nodes, 1, 0, 0), 0);
	FT_EQ(flue_type_register_value(&ex.store, &own_g, 0, &to), 0);
}

FT_TEST(owns_move_through_host_streams)
{
	own_setup();
	uint64_t s = flue_canon_stream_new(A, to);
	uint32_t a_r = (uint32_t)s, a_w = (uint32_t)(s >> 32), h_r;
	FT_EQ(flue_end_transfer(A, a_r, to, ex.host, &h_r), 0);
	uint32_t i1 = flue_canon_resource_new(A, rt, 42), i2 = flue_canon_resource_new(A, rt, 43);
	ex_mem(A)[0x300] = (uint8_t)i1, ex_mem(A)[0x304] = (uint8_t)i2;
	FT_EQ(flue_canon_stream_write(A, to, ASYNC, a_w, 0x300, 2), FLUE_BLOCKED);
	/* the host's table full: nothing moves, the owns stay A's */
	static uint32_t fill[FLUE_CONFIG_MAX_HANDLES];
	uint32_t nfill = 0;
	while (FLUE_CONFIG_MAX_HANDLES - ex.host->len + ex.host->nfree > 0)
		fill[nfill++] = flue_canon_error_context_new(ex.host, 0, 0);
	struct flue_host_outcome out;
	EX_EQ(flue_host_read(ex.host, h_r, ex.host_arena + 0x40, 2, &out), FLUE_ENOMEM);
	FT_EQ(A->handles[i1].kind, FLUE_H_RESOURCE);
	FT_FALSE(A->handles[i1].u.res.lifted);
	FT_FALSE(A->handles[i2].u.res.lifted);
	while (nfill > 0)
		flue_canon_error_context_drop(ex.host, fill[--nfill]);
	FT_EQ(flue_host_read(ex.host, h_r, ex.host_arena + 0x40, 2, &out), 0);
	FT_TRUE(out.done);
	FT_EQ(out.progress, 2);
	uint32_t o1 = host_ld32(0x40), o2 = host_ld32(0x44);
	FT_EQ(ex.host->handles[o1].kind, FLUE_H_RESOURCE);
	FT_EQ(ex.host->handles[o2].kind, FLUE_H_RESOURCE);
	FT_EQ(A->handles[i1].kind, FLUE_H_FREE);
	FT_EQ(A->handles[i2].kind, FLUE_H_FREE);
	/* and back: the host writes them to A */
	uint32_t hr2, hw2, ar2;
	FT_EQ(flue_host_stream_new(ex.host, to, &hr2, &hw2), 0);
	FT_EQ(flue_end_transfer(ex.host, hr2, to, A, &ar2), 0);
	FT_EQ(flue_host_write(ex.host, hw2, ex.host_arena + 0x40, 2, &out), 0);
	FT_FALSE(out.done);
	FT_EQ(flue_canon_stream_read(A, to, ASYNC, ar2, 0x400, 2), 2u << 4 | FLUE_COMPLETED);
	FT_EQ(flue_canon_resource_rep(A, rt, ex_ld32(A, 0x400)), 42);
	FT_EQ(flue_canon_resource_rep(A, rt, ex_ld32(A, 0x404)), 43);
	FT_EQ(ex.host->handles[o1].kind, FLUE_H_FREE);
}

FT_SUITE(host_elems,
	 FT_CASE(the_host_writes_strings_a_guest_reads),
	 FT_CASE(a_guest_writes_strings_the_host_reads),
	 FT_CASE(a_host_read_without_an_allocator_changes_nothing),
	 FT_CASE(a_host_write_of_bad_strings_is_refused),
	 FT_CASE(a_parked_host_op_that_fails_is_cancelled),
	 FT_CASE(owns_move_through_host_streams))
