/*
 * Streams and futures of any value type (flue/abi.h:
 * flue_type_register_value and the _opts forms), without an executor:
 * registration, the elements moved between A's and B's memories in both
 * orders of meeting, the traps of the writer's data (before the reader's
 * first realloc) and of the reader's options, the same-instance rule,
 * own handles in elements, and what refuses graph types.
 *
 * Expected bytes and realloc calls come from running the reference
 * (definitions.py @ 6d28164: ReadableBufferGuestImpl.read, then
 * WritableBufferGuestImpl.write, with run_tests.py's Heap starting at
 * 0x1000), never from flue. The trap policy with an executor is
 * tests/exec/test_vals_streams_x.c's.
 */
#include <flue/channel.h>
#include <flue/resource.h>

#include "vals_test.h"

#define WBUF 0x100u /* A's elements */
#define RBUF 0x40u  /* B's elements */
#define HEAP0 0x1000u

static struct heap hb;

/* The reader's realloc: run_tests.py's Heap over B, called with
 * may_leave cleared (#705). */
static uint32_t b_realloc(void *user, struct flue_instance *inst, uint32_t o, uint32_t os,
			  uint32_t al, uint32_t ns)
{
	FT_FALSE(FX_READ(inst->may_leave));
	return heap_realloc(user, o, os, al, ns);
}

static flue_type_t reg_value(struct tb *b, uint16_t node)
{
	flue_type_t t = 0;
	FT_EQ(flue_type_register_value(&fx.store, tb_done(b), node, &t), 0);
	return t;
}

/* A's three strings of the reference run: "héllo", "", "ab" (UTF-8). */
static void put_strings(void)
{
	static const char *const s[3] = { "h\xc3\xa9llo", "", "ab" };
	static const uint32_t at[3] = { 0x200, 0x210, 0x220 };
	for (uint32_t i = 0; i < 3u; i++) {
		uint32_t n = (uint32_t)strlen(s[i]);
		memcpy(fx.a_mem + at[i], s[i], n);
		stw(fx.a_mem, WBUF + 8u * i, at[i]);
		stw(fx.a_mem, WBUF + 8u * i + 4u, n);
	}
}

/* Write n elements from A (write first: it parks) and read them into B,
 * or the other way round; both ops complete with n. */
static void meet(flue_type_t t, uint32_t n, bool reader_first, const struct flue_string_opts *ro)
{
	uint64_t s = flue_canon_stream_new(fx.a, t);
	uint32_t r = to_b(lo32(s), t), w = hi32(s);
	uint32_t ws = flue_canon_waitable_set_new(reader_first ? fx.b : fx.a);
	if (reader_first) {
		flue_canon_waitable_join(fx.b, r, ws);
		FT_EQ(flue_canon_stream_read_opts(fx.b, t, ASYNC, ro, r, RBUF, n), FLUE_BLOCKED);
		FT_EQ(flue_canon_stream_write_opts(fx.a, t, ASYNC, NULL, w, WBUF, n),
		      PACK(FLUE_COMPLETED, n));
		EXPECT_EVENT(fx.b, fx.b_mem, ws, FLUE_EVENT_CODE_STREAM_READ, r,
			     PACK(FLUE_COMPLETED, n));
	} else {
		flue_canon_waitable_join(fx.a, w, ws);
		FT_EQ(flue_canon_stream_write_opts(fx.a, t, ASYNC, NULL, w, WBUF, n), FLUE_BLOCKED);
		FT_EQ(flue_canon_stream_read_opts(fx.b, t, ASYNC, ro, r, RBUF, n),
		      PACK(FLUE_COMPLETED, n));
		EXPECT_EVENT(fx.a, fx.a_mem, ws, FLUE_EVENT_CODE_STREAM_WRITE, w,
			     PACK(FLUE_COMPLETED, n));
	}
}

FT_TEST(register_value_types)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t u8 = tb_prim(&b, FLUE_VT_U8), u32 = tb_prim(&b, FLUE_VT_U32);
	uint16_t rec = tb_rec(&b, FLUE_VT_RECORD, u8, u32), tup = tb_rec(&b, FLUE_VT_TUPLE, u8, u32);
	uint16_t str = tb_prim(&b, FLUE_VT_STRING), opt = tb_node(&b, FLUE_VT_OPTION, 0, 1, &str);
	uint16_t bor = tb_node(&b, FLUE_VT_BORROW, 1, 0, 0), lb = tb_list(&b, bor, 0);
	uint16_t st = tb_node(&b, FLUE_VT_STREAM, fx.u8, 0, 0), ost = tb_node(&b, FLUE_VT_OPTION, 0, 1, &st);
	const struct flue_tgraph *g = tb_done(&b);
	flue_type_t t = 0;
	/* Numbers and records of numbers are the types flue_type_register gives. */
	FT_EQ(flue_type_register_value(&fx.store, g, u32, &t), 0);
	FT_EQ(t, fx.u32);
	FT_EQ(flue_type_register_value(&fx.store, g, rec, &t), 0);
	FT_EQ(t, fx.rec);
	FT_EQ(flue_type_register_value(&fx.store, g, tup, &t), 0);
	FT_EQ(t, fx.rec);
	/* Graph types: one id per structure, in any graph. */
	flue_type_t ts = 0, to = 0;
	FT_EQ(flue_type_register_value(&fx.store, g, str, &ts), 0);
	FT_EQ(FX_READ(flue_type_get(&fx.store, ts)->desc.kind), FLUE_TYPE_GRAPH);
	FT_EQ(FX_READ(flue_type_get(&fx.store, ts)->size), 8);
	FT_EQ(flue_type_register_value(&fx.store, g, opt, &to), 0);
	FT_NE(to, ts);
	struct tb b2;
	tb_init(&b2);
	uint16_t str2 = tb_prim(&b2, FLUE_VT_STRING);
	FT_EQ(flue_type_register_value(&fx.store, tb_done(&b2), str2, &t), 0);
	FT_EQ(t, ts);
	/* Refusals. */
	FT_EQ(flue_type_register_value(&fx.store, g, bor, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register_value(&fx.store, g, lb, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register_value(&fx.store, g, ost, &t), 0); /* ends inside move too */
	FT_EQ(flue_type_register_value(&fx.store, g, b.nnodes, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register_value(NULL, g, str, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register_value(&fx.store, NULL, str, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register_value(&fx.store, g, str, NULL), FLUE_EINVAL);
}

FT_TEST(register_value_types_until_full)
{
	fx_setup();
	static struct tb b; /* static: its graph must outlive the registration */
	tb_init(&b);
	uint16_t u8 = tb_prim(&b, FLUE_VT_U8);
	uint32_t have = FX_READ(fx.store.ntypes);
	flue_type_t t = 0;
	uint16_t lists[FLUE_CONFIG_MAX_TYPES + 1u];
	for (uint32_t k = 0; have + k <= FLUE_CONFIG_MAX_TYPES; k++)
		lists[k] = tb_list(&b, u8, k + 1u); /* list<u8, k+1>: distinct graph types */
	const struct flue_tgraph *g = tb_done(&b);
	for (uint32_t k = 0; have + k < FLUE_CONFIG_MAX_TYPES; k++)
		FT_EQ(flue_type_register_value(&fx.store, g, lists[k], &t), 0);
	FT_EQ(flue_type_register_value(&fx.store, g, lists[FLUE_CONFIG_MAX_TYPES - have], &t),
	      FLUE_ENOMEM);
	FT_EQ(flue_type_register_value(&fx.store, g, lists[0], &t), 0); /* found, not added */
}

/* The reference run (sref.py, c1.py) per reader encoding. */
struct enc_case {
	uint8_t enc;
	const char *elems, *heap;
	uint32_t ncalls;
	struct { uint32_t old_ptr, old_size, align, new_size; } calls[4];
};

FT_TEST(string_stream_transcoded_in_both_orders)
{
	static const struct enc_case cases[] = {
		{ FLUE_STRING_UTF8, "001000000600000006100000000000000610000002000000",
		  "68c3a96c6c6f6162", 3, { { 0, 0, 1, 6 }, { 0, 0, 1, 0 }, { 0, 0, 1, 2 } } },
		{ FLUE_STRING_UTF16, "00100000050000000c100000000000000c10000002000000",
		  "6800e9006c006c006f00000061006200", 4,
		  { { 0, 0, 2, 12 }, { 0x1000, 12, 2, 10 }, { 0, 0, 2, 0 }, { 0, 0, 2, 4 } } },
		{ FLUE_STRING_LATIN1_UTF16, "001000000500000006100000000000000610000002000000",
		  "68e96c6c6f006162", 4,
		  { { 0, 0, 2, 6 }, { 0x1000, 6, 2, 5 }, { 0, 0, 2, 0 }, { 0, 0, 2, 2 } } },
	};
	for (uint32_t k = 0; k < 6u; k++) {
		const struct enc_case *c = &cases[k / 2u];
		fx_setup();
		struct tb b;
		tb_init(&b);
		flue_type_t t = reg_value(&b, tb_prim(&b, FLUE_VT_STRING));
		put_strings();
		heap_init(&hb, fx.b, fx.b_mem, HEAP0, MEM_SIZE);
		struct flue_string_opts ro = { b_realloc, &hb, c->enc };
		meet(t, 3, (k & 1u) != 0u, &ro);
		FT_EQ(hb.ncalls, c->ncalls);
		for (uint32_t i = 0; i < c->ncalls; i++)
			EXPECT_CALL(&hb, i, c->calls[i].old_ptr, c->calls[i].old_size,
				    c->calls[i].align, c->calls[i].new_size);
		expect_bytes(fx.b_mem + RBUF, c->elems);
		expect_bytes(fx.b_mem + HEAP0, c->heap);
	}
}

FT_TEST(future_of_a_result_with_a_string)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t str = tb_prim(&b, FLUE_VT_STRING), u32 = tb_prim(&b, FLUE_VT_U32);
	flue_type_t t = reg_value(&b, tb_rec(&b, FLUE_VT_RESULT, str, u32));
	stw(fx.a_mem, WBUF, 0); /* ok("hi") */
	stw(fx.a_mem, WBUF + 4u, 0x200);
	stw(fx.a_mem, WBUF + 8u, 2);
	memcpy(fx.a_mem + 0x200, "hi", 2);
	heap_init(&hb, fx.b, fx.b_mem, HEAP0, MEM_SIZE);
	struct flue_string_opts ro = { b_realloc, &hb, FLUE_STRING_UTF16 };
	uint64_t f = flue_canon_future_new(fx.a, t);
	uint32_t r = to_b(lo32(f), t), w = hi32(f);
	uint32_t ws = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, r, ws);
	FT_EQ(flue_canon_future_read_opts(fx.b, t, ASYNC, &ro, r, RBUF), FLUE_BLOCKED);
	FT_EQ(flue_canon_future_write_opts(fx.a, t, ASYNC, NULL, w, WBUF), FLUE_COMPLETED);
	EXPECT_EVENT(fx.b, fx.b_mem, ws, FLUE_EVENT_CODE_FUTURE_READ, r, FLUE_COMPLETED);
	FT_EQ(hb.ncalls, 1);
	EXPECT_CALL(&hb, 0, 0, 0, 2, 4);
	expect_bytes(fx.b_mem + RBUF, "000000000010000002000000");
	expect_bytes(fx.b_mem + HEAP0, "68006900");
}

FT_TEST(option_list_elements)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t l = tb_list(&b, tb_prim(&b, FLUE_VT_U16), 0);
	flue_type_t t = reg_value(&b, tb_node(&b, FLUE_VT_OPTION, 0, 1, &l));
	hex_store(fx.a_mem + WBUF, "01000000000400000300000000aaaaaaaaaaaaaaaaaaaaaa");
	hex_store(fx.a_mem + 0x400, "010002000300");
	heap_init(&hb, fx.b, fx.b_mem, HEAP0, MEM_SIZE);
	struct flue_string_opts ro = { b_realloc, &hb, FLUE_STRING_UTF8 };
	meet(t, 2, true, &ro);
	FT_EQ(hb.ncalls, 1);
	EXPECT_CALL(&hb, 0, 0, 0, 2, 6);
	expect_bytes(fx.b_mem + RBUF, "010000000010000003000000000000000000000000000000");
	expect_bytes(fx.b_mem + HEAP0, "010002000300");
}

/* The writer's bad data traps the writer, arriving or parked, before the
 * reader's first realloc; nothing moves (without an executor a trap is
 * the store hook's, whichever op raised it). */
FT_TEST(writer_data_traps_the_writer_before_any_realloc)
{
	for (volatile uint32_t k = 0; k < 6u; k++) { /* volatile: setjmp inside */
		fx_setup();
		struct tb b;
		tb_init(&b);
		uint16_t node;
		volatile enum flue_trap_reason why;
		put_strings();
		if (k / 2u == 0u) { /* stream<string>: the last string is not UTF-8 */
			node = tb_prim(&b, FLUE_VT_STRING);
			fx.a_mem[0x220] = 0xFF;
			why = FLUE_TRAP_BAD_ENCODING;
		} else if (k / 2u == 1u) { /* stream<tuple<string, char>>: a surrogate */
			uint16_t s = tb_prim(&b, FLUE_VT_STRING), ch = tb_prim(&b, FLUE_VT_CHAR);
			node = tb_rec(&b, FLUE_VT_TUPLE, s, ch);
			hex_store(fx.a_mem + WBUF, "0002000006000000410000001002000000000000"
						   "420000002002000002000000" "00d80000");
			why = FLUE_TRAP_BAD_CHAR;
		} else { /* stream<option<string>>: discriminant 2 */
			uint16_t s = tb_prim(&b, FLUE_VT_STRING);
			node = tb_node(&b, FLUE_VT_OPTION, 0, 1, &s);
			hex_store(fx.a_mem + WBUF, "01000000000200000100000002");
			why = FLUE_TRAP_BAD_DISCRIMINANT;
		}
		flue_type_t t = reg_value(&b, node);
		heap_init(&hb, fx.b, fx.b_mem, HEAP0, MEM_SIZE);
		struct flue_string_opts ro = { b_realloc, &hb, FLUE_STRING_UTF8 };
		uint64_t s = flue_canon_stream_new(fx.a, t);
		uint32_t r = to_b(lo32(s), t), w = hi32(s);
		if ((k & 1u) == 0u) {
			FT_EQ(flue_canon_stream_read_opts(fx.b, t, ASYNC, &ro, r, RBUF, 3), FLUE_BLOCKED);
			FT_TRAPS(why, flue_canon_stream_write_opts(fx.a, t, ASYNC, NULL, w, WBUF, 3));
		} else {
			FT_EQ(flue_canon_stream_write_opts(fx.a, t, ASYNC, NULL, w, WBUF, 3), FLUE_BLOCKED);
			FT_TRAPS(why, flue_canon_stream_read_opts(fx.b, t, ASYNC, &ro, r, RBUF, 3));
		}
		FT_TRUE(FX_READ(fx.a->poisoned));
		FT_FALSE(FX_READ(fx.b->poisoned));
		FT_EQ(hb.ncalls, 0);
	}
}

FT_TEST(reader_options_are_checked_when_the_op_starts)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t str = tb_prim(&b, FLUE_VT_STRING), u8 = tb_prim(&b, FLUE_VT_U8);
	uint16_t opt = tb_node(&b, FLUE_VT_OPTION, 0, 1, &u8);
	const struct flue_tgraph *g = tb_done(&b);
	flue_type_t ts = 0, to = 0;
	FT_EQ(flue_type_register_value(&fx.store, g, str, &ts), 0);
	FT_EQ(flue_type_register_value(&fx.store, g, opt, &to), 0);
	uint64_t s = flue_canon_stream_new(fx.a, ts);
	uint32_t r = to_b(lo32(s), ts);
	struct flue_string_opts none = { NULL, NULL, FLUE_STRING_UTF8 };
	struct flue_string_opts bad = { b_realloc, &hb, 3 };
	FT_TRAPS(FLUE_TRAP_NO_REALLOC, flue_canon_stream_read_opts(fx.b, ts, ASYNC, NULL, r, RBUF, 1));
	fx_setup();
	FT_EQ(flue_type_register_value(&fx.store, g, str, &ts), 0);
	s = flue_canon_stream_new(fx.a, ts);
	r = to_b(lo32(s), ts);
	FT_TRAPS(FLUE_TRAP_NO_REALLOC, flue_canon_stream_read_opts(fx.b, ts, ASYNC, &none, r, RBUF, 1));
	fx_setup();
	FT_EQ(flue_type_register_value(&fx.store, g, str, &ts), 0);
	s = flue_canon_stream_new(fx.a, ts);
	r = to_b(lo32(s), ts);
	FT_TRAPS(FLUE_TRAP_BAD_VALUE, flue_canon_stream_read_opts(fx.b, ts, ASYNC, &bad, r, RBUF, 1));
	/* Nothing to allocate: no realloc needed, and the writer needs none. */
	fx_setup();
	FT_EQ(flue_type_register_value(&fx.store, g, opt, &to), 0);
	hex_store(fx.a_mem + WBUF, "0107");
	meet(to, 1, false, NULL);
	expect_bytes(fx.b_mem + RBUF, "0107");
}

FT_TEST(same_instance_graph_rendezvous_traps)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	flue_type_t t = reg_value(&b, tb_prim(&b, FLUE_VT_STRING));
	heap_init(&hb, fx.a, fx.a_mem, HEAP0, MEM_SIZE);
	struct flue_string_opts ro = { b_realloc, &hb, FLUE_STRING_UTF8 };
	uint64_t s = flue_canon_stream_new(fx.a, t);
	FT_EQ(flue_canon_stream_read_opts(fx.a, t, ASYNC, &ro, lo32(s), RBUF, 1), FLUE_BLOCKED);
	FT_TRAPS(FLUE_TRAP_SAME_INSTANCE,
		 flue_canon_stream_write_opts(fx.a, t, ASYNC, NULL, hi32(s), WBUF, 1));
	FT_EQ(hb.ncalls, 0);
}

/* stream<own<R>>: lift_own removes A's handles, lower_own adds B's
 * (Table.add: the next free index after B's readable end, 2 then 3). */
FT_TEST(own_handles_move_through_a_stream)
{
	fx_setup();
	flue_rtype_t rt = 0;
	FT_EQ(flue_resource_type_register(&fx.store, fx.a, NULL, &rt), 0);
	struct tb b;
	tb_init(&b);
	flue_type_t t = reg_value(&b, tb_node(&b, FLUE_VT_OWN, rt, 0, 0));
	uint64_t s = flue_canon_stream_new(fx.a, t);
	uint32_t r = to_b(lo32(s), t), w = hi32(s);
	uint32_t h1 = flue_canon_resource_new(fx.a, rt, 11), h2 = flue_canon_resource_new(fx.a, rt, 22);
	stw(fx.a_mem, WBUF, h1);
	stw(fx.a_mem, WBUF + 4u, h2);
	FT_EQ(r, 1);
	FT_EQ(flue_canon_stream_read_opts(fx.b, t, ASYNC, NULL, r, RBUF, 2), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_write_opts(fx.a, t, ASYNC, NULL, w, WBUF, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(ld32(fx.b_mem, RBUF), 2);
	FT_EQ(ld32(fx.b_mem, RBUF + 4u), 3);
	/* Gone from A: a drop of either traps there. */
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, flue_canon_resource_drop(fx.a, rt, h1));
	/* B owns them: it may drop each once (no destructor). */
	flue_canon_resource_drop(fx.b, rt, 2);
	flue_canon_resource_drop(fx.b, rt, 3);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, flue_canon_resource_drop(fx.b, rt, 3));
}

/* stream<stream<u8>>: lift_async_value out of A's table, lower_stream
 * into B's (Table.add: after B's readable end 1, then 2 and 3); each
 * inner stream then connects A's writer to B's new end. An inner stream
 * of an unregistered element type is refused. */
FT_TEST(stream_of_streams_moves_the_ends)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t inner = tb_node(&b, FLUE_VT_STREAM, fx.u8, 0, 0);
	uint16_t bad = tb_node(&b, FLUE_VT_STREAM, 200, 0, 0);
	const struct flue_tgraph *g = tb_done(&b);
	flue_type_t t = 0;
	FT_EQ(flue_type_register_value(&fx.store, g, bad, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register_value(&fx.store, g, inner, &t), 0);
	uint64_t s = flue_canon_stream_new(fx.a, t);
	uint32_t r = to_b(lo32(s), t), w = hi32(s);
	uint64_t i1 = flue_canon_stream_new(fx.a, fx.u8), i2 = flue_canon_stream_new(fx.a, fx.u8);
	stw(fx.a_mem, WBUF, lo32(i1));
	stw(fx.a_mem, WBUF + 4u, lo32(i2));
	FT_EQ(flue_canon_stream_read_opts(fx.b, t, ASYNC, NULL, r, RBUF, 2), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_write_opts(fx.a, t, ASYNC, NULL, w, WBUF, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(ld32(fx.b_mem, RBUF), 2);
	FT_EQ(ld32(fx.b_mem, RBUF + 4u), 3);
	fx.a_mem[0x300] = 0x5A;
	FT_EQ(wr(fx.a, fx.u8, hi32(i2), 0x300, 1), FLUE_BLOCKED);
	FT_EQ(rd(fx.b, fx.u8, 3, 0x300, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.b_mem[0x300], 0x5A);
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, rd(fx.a, fx.u8, lo32(i1), 0x300, 1));
}

FT_TEST(host_ends_need_an_executor_and_channels_refuse_graph_types)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	flue_type_t t = reg_value(&b, tb_prim(&b, FLUE_VT_STRING));
	static uint8_t arena[256] __attribute__((aligned(8)));
	static uint8_t ring[64] __attribute__((aligned(8)));
	static struct flue_channel ch;
	struct flue_instance *h = NULL;
	uint32_t rr = 0, ww = 0, end = 0;
	FT_EQ(flue_host_create(&fx.store, arena, sizeof arena, &h), 0);
	/* host ends of strings (exec/host_elems) move values only where an
	 * executor catches the guests' traps: this store has none */
	FT_EQ(flue_host_stream_new(h, t, &rr, &ww), 0);
	struct flue_host_outcome out;
	FT_EQ(flue_host_write(h, ww, arena, 0, &out), FLUE_ENOTSUP);
	FT_EQ(flue_host_read(h, rr, arena, 1, &out), FLUE_ENOTSUP);
	FT_EQ(flue_channel_init(&ch, ring, 8, 4), 0);
	FT_EQ(flue_channel_attach(&ch, fx.a, t, true, false, &end), FLUE_EINVAL);
}

FT_SUITE(vals_streams,
	 FT_CASE(register_value_types),
	 FT_CASE(register_value_types_until_full),
	 FT_CASE(string_stream_transcoded_in_both_orders),
	 FT_CASE(future_of_a_result_with_a_string),
	 FT_CASE(option_list_elements),
	 FT_CASE(writer_data_traps_the_writer_before_any_realloc),
	 FT_CASE(reader_options_are_checked_when_the_op_starts),
	 FT_CASE(same_instance_graph_rendezvous_traps),
	 FT_CASE(own_handles_move_through_a_stream),
	 FT_CASE(stream_of_streams_moves_the_ends),
	 FT_CASE(host_ends_need_an_executor_and_channels_refuse_graph_types))
