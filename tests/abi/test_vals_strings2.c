/*
 * Strings moving between two instances (src/abi/val.h), continued: the
 * destination's realloc results (definitions.py @ 6d28164: every
 * allocation of store_string_copy, store_string_to_utf8,
 * store_utf8_to_utf16, store_string_to_latin1_or_utf16 and
 * store_probably_utf16_to_latin1_or_utf16, and realloc.wast's "even for a
 * zero-size allocation"), a destination without realloc, and strings
 * nested in lists (run_tests.py test_heap, transcode.wast), tuples and
 * records through memory, options and variants.
 *
 * Expected values come from running the reference (lift_flat_values /
 * lower_flat_values with run_tests.py's Heap, a bump allocator from 0),
 * never from flue.
 */
#include "vals_test.h"

enum { U8 = FLUE_STRING_UTF8, U16 = FLUE_STRING_UTF16, LU = FLUE_STRING_LATIN1_UTF16 };

static void ck(uint32_t row, uint32_t field, uint32_t got, uint32_t want)
{
	FT_EQ((uint64_t)row << 40 | (uint64_t)field << 32 | got,
	      (uint64_t)row << 40 | (uint64_t)field << 32 | want);
}

/* FT_TRAPS naming row i on failure (field 0xFF: no trap; 0xFE: reason). */
#define ROW_TRAPS(i, why, stmt)                                         \
	do {                                                            \
		if (setjmp(fx.jmp) == 0) {                              \
			fx.armed = true;                                \
			stmt;                                           \
			fx.armed = false;                               \
			ck((i), 0xFF, 0, 1);                            \
		} else {                                                \
			fx.armed = false;                               \
			ck((i), 0xFE, fx.reason, (why));                \
		}                                                       \
	} while (0)

/* ------------------------------------------- the destination's realloc */

/* run_tests.py's Heap over B's 64 KiB, whose call `at` returns a chosen
 * pointer instead (the Heap itself allocated as usual). */
enum { R_MIS = 1, R_END, R_WRAP, R_FIT, R_PAST, R_NEG1 };

struct oheap {
	struct heap h;
	uint32_t at;
	uint8_t how;
};

static uint32_t oheap_realloc(void *ctx, uint32_t o, uint32_t os, uint32_t al, uint32_t ns)
{
	struct oheap *w = ctx;
	uint32_t k = w->h.ncalls;
	uint32_t r = heap_realloc(&w->h, o, os, al, ns);
	if (k != w->at)
		return r;
	switch (w->how) {
	case R_MIS: return r + 1u;               /* pointer + 1 */
	case R_END: return MEM_SIZE;             /* 65536 */
	case R_WRAP: return 0xFFFFFFFEu;
	case R_FIT: return MEM_SIZE - ns;        /* ends at the end */
	case R_PAST: return MEM_SIZE - ns + 1u;  /* one byte past */
	default: return 0xFFFFFFFFu;             /* R_NEG1 */
	}
}

#define RMIS FLUE_TRAP_REALLOC_MISALIGNED
#define ROOB FLUE_TRAP_REALLOC_OUT_OF_BOUNDS

/* Source (encoding, bytes at 0, tagged length), destination encoding, the
 * realloc call to replace and how; the reference's trap (0: none, then its
 * result (optr, otagged)) and the calls it made. */
struct drow {
	uint8_t senc;
	const char *b;
	uint32_t n, tagged;
	uint8_t denc;
	uint32_t at;
	uint8_t how, reason;
	uint32_t optr, otagged, ncalls;
	uint32_t calls[3][4];
};

static const struct drow DST_ROWS[] = {
	/* store_string_copy: realloc 0 returns 65536: bounds */
	{ U8, "\x68\x69", 2, 0x2u, U8, 0, R_END, ROOB, 0x0u, 0x0u, 1, { { 0, 0, 1, 2 } } },
	/* store_string_copy: realloc 0 returns 65536 - size + 1: bounds */
	{ U8, "\x68\x69", 2, 0x2u, U8, 0, R_PAST, ROOB, 0x0u, 0x0u, 1, { { 0, 0, 1, 2 } } },
	/* utf8 -> utf8 b'hi': realloc 0 returns 65536 - size: no trap */
	{ U8, "\x68\x69", 2, 0x2u, U8, 0, R_FIT, 0, 0xfffeu, 0x2u, 1, { { 0, 0, 1, 2 } } },
	/* utf8 -> utf8 b'hi': realloc 0 returns pointer + 1: no trap */
	{ U8, "\x68\x69", 2, 0x2u, U8, 0, R_MIS, 0, 0x1u, 0x2u, 1, { { 0, 0, 1, 2 } } },
	/* store_string_copy: realloc 0 returns 0xFFFFFFFE: bounds */
	{ U8, "\x68\x69", 2, 0x2u, U8, 0, R_WRAP, ROOB, 0x0u, 0x0u, 1, { { 0, 0, 1, 2 } } },
	/* store_string_copy: realloc 0 returns 0xFFFFFFFF: bounds */
	{ U8, "", 0, 0x0u, U8, 0, R_NEG1, ROOB, 0x0u, 0x0u, 1, { { 0, 0, 1, 0 } } },
	/* store_utf8_to_utf16: realloc 0 returns 0xFFFFFFFF: alignment */
	{ U8, "", 0, 0x0u, U16, 0, R_NEG1, RMIS, 0x0u, 0x0u, 1, { { 0, 0, 2, 0 } } },
	/* utf8 -> utf8 b'': realloc 0 returns 65536: no trap */
	{ U8, "", 0, 0x0u, U8, 0, R_END, 0, 0x10000u, 0x0u, 1, { { 0, 0, 1, 0 } } },
	/* store_string_copy: realloc 0 returns pointer + 1: alignment */
	{ U16, "\x68\x00\x69\x00", 4, 0x2u, U16, 0, R_MIS, RMIS, 0x0u, 0x0u, 1,
	  { { 0, 0, 2, 4 } } },
	/* store_string_copy: realloc 0 returns 65536: bounds */
	{ U16, "\x68\x00\x69\x00", 4, 0x2u, U16, 0, R_END, ROOB, 0x0u, 0x0u, 1,
	  { { 0, 0, 2, 4 } } },
	/* store_string_copy: realloc 0 returns 0xFFFFFFFE: bounds */
	{ U16, "\x68\x00\x69\x00", 4, 0x2u, U16, 0, R_WRAP, ROOB, 0x0u, 0x0u, 1,
	  { { 0, 0, 2, 4 } } },
	/* store_string_copy: realloc 0 returns pointer + 1: alignment */
	{ LU, "\x68\x69", 2, 0x2u, LU, 0, R_MIS, RMIS, 0x0u, 0x0u, 1, { { 0, 0, 2, 2 } } },
	/* store_string_copy: realloc 0 returns pointer + 1: alignment */
	{ LU, "\x68\x69", 2, 0x2u, U16, 0, R_MIS, RMIS, 0x0u, 0x0u, 1, { { 0, 0, 2, 4 } } },
	/* store_utf8_to_utf16: realloc 0 returns pointer + 1: alignment */
	{ U8, "\xc2\x80\x62", 3, 0x3u, U16, 0, R_MIS, RMIS, 0x0u, 0x0u, 1, { { 0, 0, 2, 6 } } },
	/* store_utf8_to_utf16: realloc 1 returns pointer + 1: alignment */
	{ U8, "\xc2\x80\x62", 3, 0x3u, U16, 1, R_MIS, RMIS, 0x0u, 0x0u, 2,
	  { { 0, 0, 2, 6 }, { 0, 6, 2, 4 } } },
	/* store_utf8_to_utf16: realloc 1 returns 65536: bounds */
	{ U8, "\xc2\x80\x62", 3, 0x3u, U16, 1, R_END, ROOB, 0x0u, 0x0u, 2,
	  { { 0, 0, 2, 6 }, { 0, 6, 2, 4 } } },
	/* utf16 -> utf8 b'\x80\x00': realloc 0 returns pointer + 1: no trap */
	{ U16, "\x80\x00", 2, 0x1u, U8, 0, R_MIS, 0, 0x1u, 0x2u, 3,
	  { { 0, 0, 1, 1 }, { 1, 1, 1, 3 }, { 1, 3, 1, 2 } } },
	/* store_string_to_utf8: realloc 0 returns 65536: bounds */
	{ U16, "\x80\x00", 2, 0x1u, U8, 0, R_END, ROOB, 0x0u, 0x0u, 1, { { 0, 0, 1, 1 } } },
	/* store_string_to_utf8: realloc 1 returns 65536: bounds */
	{ U16, "\x80\x00", 2, 0x1u, U8, 1, R_END, ROOB, 0x0u, 0x0u, 2,
	  { { 0, 0, 1, 1 }, { 0, 1, 1, 3 } } },
	/* store_string_to_utf8: realloc 2 returns 65536: bounds */
	{ U16, "\x80\x00", 2, 0x1u, U8, 2, R_END, ROOB, 0x0u, 0x0u, 3,
	  { { 0, 0, 1, 1 }, { 0, 1, 1, 3 }, { 1, 3, 1, 2 } } },
	/* utf16 -> utf8 b'\x80\x00': realloc 1 returns pointer + 1: no trap */
	{ U16, "\x80\x00", 2, 0x1u, U8, 1, R_MIS, 0, 0x2u, 0x2u, 3,
	  { { 0, 0, 1, 1 }, { 0, 1, 1, 3 }, { 2, 3, 1, 2 } } },
	/* utf16 -> utf8 b'\x80\x00': realloc 2 returns pointer + 1: no trap */
	{ U16, "\x80\x00", 2, 0x1u, U8, 2, R_MIS, 0, 0x2u, 0x2u, 3,
	  { { 0, 0, 1, 1 }, { 0, 1, 1, 3 }, { 1, 3, 1, 2 } } },
	/* store_string_to_utf8: realloc 1 returns 65536: bounds */
	{ LU, "\x80", 1, 0x1u, U8, 1, R_END, ROOB, 0x0u, 0x0u, 2,
	  { { 0, 0, 1, 1 }, { 0, 1, 1, 2 } } },
	/* store_string_to_latin1_or_utf16: realloc 0 returns pointer + 1: alignment */
	{ U8, "\x61\x62\xc3\xaf\x63", 5, 0x5u, LU, 0, R_MIS, RMIS, 0x0u, 0x0u, 1,
	  { { 0, 0, 2, 5 } } },
	/* store_string_to_latin1_or_utf16: realloc 1 returns pointer + 1: alignment */
	{ U8, "\x61\x62\xc3\xaf\x63", 5, 0x5u, LU, 1, R_MIS, RMIS, 0x0u, 0x0u, 2,
	  { { 0, 0, 2, 5 }, { 0, 5, 2, 4 } } },
	/* store_string_to_latin1_or_utf16: realloc 1 returns 65536: bounds */
	{ U8, "\x61\x62\xc3\xaf\x63", 5, 0x5u, LU, 1, R_END, ROOB, 0x0u, 0x0u, 2,
	  { { 0, 0, 2, 5 }, { 0, 5, 2, 4 } } },
	/* store_string_to_latin1_or_utf16: realloc 1 returns pointer + 1: alignment */
	{ U8, "\x78\x79\xc7\xbf", 4, 0x4u, LU, 1, R_MIS, RMIS, 0x0u, 0x0u, 2,
	  { { 0, 0, 2, 4 }, { 0, 4, 2, 8 } } },
	/* store_string_to_latin1_or_utf16: realloc 1 returns 65536: bounds */
	{ U8, "\x78\x79\xc7\xbf", 4, 0x4u, LU, 1, R_END, ROOB, 0x0u, 0x0u, 2,
	  { { 0, 0, 2, 4 }, { 0, 4, 2, 8 } } },
	/* store_string_to_latin1_or_utf16: realloc 2 returns pointer + 1: alignment */
	{ U8, "\x78\x79\xc7\xbf", 4, 0x4u, LU, 2, R_MIS, RMIS, 0x0u, 0x0u, 3,
	  { { 0, 0, 2, 4 }, { 0, 4, 2, 8 }, { 4, 8, 2, 6 } } },
	/* store_string_to_latin1_or_utf16: realloc 2 returns 65536: bounds */
	{ U8, "\x78\x79\xc7\xbf", 4, 0x4u, LU, 2, R_END, ROOB, 0x0u, 0x0u, 3,
	  { { 0, 0, 2, 4 }, { 0, 4, 2, 8 }, { 4, 8, 2, 6 } } },
	/* store_probably_utf16_to_latin1_or_utf16: realloc 0 returns pointer + 1: alignment */
	{ LU, "\x61\x00", 2, 0x80000001u, LU, 0, R_MIS, RMIS, 0x0u, 0x0u, 1, { { 0, 0, 2, 2 } } },
	/* store_probably_utf16_to_latin1_or_utf16: realloc 0 returns 65536: bounds */
	{ LU, "\x61\x00", 2, 0x80000001u, LU, 0, R_END, ROOB, 0x0u, 0x0u, 1, { { 0, 0, 2, 2 } } },
	/* latin1+utf16 -> latin1+utf16 b'a\x00': realloc 1 returns pointer + 1: no trap */
	{ LU, "\x61\x00", 2, 0x80000001u, LU, 1, R_MIS, 0, 0x3u, 0x1u, 2,
	  { { 0, 0, 2, 2 }, { 0, 2, 1, 1 } } },
	/* store_probably_utf16_to_latin1_or_utf16: realloc 1 returns 65536: bounds */
	{ LU, "\x61\x00", 2, 0x80000001u, LU, 1, R_END, ROOB, 0x0u, 0x0u, 2,
	  { { 0, 0, 2, 2 }, { 0, 2, 1, 1 } } },
};

#define NDST (sizeof DST_ROWS / sizeof DST_ROWS[0])

static struct tb g_b;
static struct oheap g_oh;
static flue_flat_t g_in[4], g_out[4];
static uint32_t g_nout;
static struct flue_vmove g_m;
static uint16_t g_ts[3];

/* One move of types ts (in g_b) from A's flat values (or memory) to B. */
static void mv_setup(uint32_t nts, uint8_t senc, uint32_t src_max, uint32_t nflat,
		     struct flue_cx dst, uint32_t dst_max)
{
	g_nout = 0;
	memset(g_out, 0xEE, sizeof g_out);
	g_m = (struct flue_vmove){
		.g = tb_done(&g_b), .ts = g_ts, .nts = nts,
		.src = { fx.a, NULL, NULL, senc }, .src_max_flat = src_max,
		.flat = g_in, .nflat = nflat,
		.dst = dst, .dst_max_flat = dst_max, .flat_out = g_out, .nflat_out = &g_nout,
	};
}

static void dst_row(uint32_t i, const struct drow *r)
{
	fx_setup();
	tb_init(&g_b);
	g_ts[0] = tb_prim(&g_b, FLUE_VT_STRING);
	memcpy(fx.a_mem, r->b, r->n);
	heap_init(&g_oh.h, fx.b, fx.b_mem, 0, MEM_SIZE);
	g_oh.at = r->at;
	g_oh.how = r->how;
	g_in[0] = 0;
	g_in[1] = r->tagged;
	mv_setup(1, r->senc, 16, 2, (struct flue_cx){ fx.b, oheap_realloc, &g_oh, r->denc }, 16);
	if (r->reason != 0) {
		ROW_TRAPS(i, r->reason, flue_vals_move(&g_m));
		ck(i, 0x21, FX_READ(fx.b->poisoned), 1); /* the destination trapped */
	} else {
		flue_vals_move(&g_m);
		ck(i, 1, g_nout, 2);
		ck(i, 3, (uint32_t)g_out[0], r->optr);
		ck(i, 4, (uint32_t)g_out[1], r->otagged);
	}
	ck(i, 0x20, g_oh.h.ncalls, r->ncalls);
	for (uint32_t k = 0; k < r->ncalls; k++) {
		ck(i, 0x30 + k, g_oh.h.log[k].old_ptr, r->calls[k][0]);
		ck(i, 0x40 + k, g_oh.h.log[k].old_size, r->calls[k][1]);
		ck(i, 0x50 + k, g_oh.h.log[k].align, r->calls[k][2]);
		ck(i, 0x60 + k, g_oh.h.log[k].new_size, r->calls[k][3]);
	}
}

/* Each realloc of each store_* function returning a misaligned pointer
 * (trapping where the reference checks alignment: every align-2
 * allocation; an align-1 one, as in store_string_to_utf8 and the latin-1
 * shrink of store_probably_utf16_to_latin1_or_utf16, takes any pointer)
 * or a range beyond memory (including a 32-bit wrap, and 0xFFFFFFFF for
 * an empty string, as realloc.wast). */
FT_TEST(string_dst_realloc_results)
{
	for (uint32_t i = 0; i < NDST; i++)
		dst_row(i, &DST_ROWS[i]);
}

/* ------------------------------------------------------------ no realloc */

/* One string (bytes at 0 in A) to B, whose cx has no realloc. */
static void no_realloc_setup(uint8_t senc, const char *b, uint32_t n, uint32_t tagged,
			     uint8_t denc)
{
	fx_setup();
	tb_init(&g_b);
	g_ts[0] = tb_prim(&g_b, FLUE_VT_STRING);
	memcpy(fx.a_mem, b, n);
	g_in[0] = 0;
	g_in[1] = tagged;
	mv_setup(1, senc, 16, 2, (struct flue_cx){ fx.b, NULL, NULL, denc }, 16);
}

/* The reference lowers every string through cx.allocate (also the empty
 * one: realloc(0, 0, 1, 0)), so a destination without realloc cannot take
 * one (in the reference a validation error: flue traps NO_REALLOC, after
 * every source check). */
FT_TEST(string_dst_without_realloc)
{
	no_realloc_setup(U8, "a", 1, 1, U8);
	FT_TRAPS(FLUE_TRAP_NO_REALLOC, flue_vals_move(&g_m));
	FT_TRUE(FX_READ(fx.b->poisoned));
	FT_FALSE(FX_READ(fx.a->poisoned));
	no_realloc_setup(U8, "", 0, 0, U8);
	FT_TRAPS(FLUE_TRAP_NO_REALLOC, flue_vals_move(&g_m));
	no_realloc_setup(U16, "a\0", 2, 1, LU);
	FT_TRAPS(FLUE_TRAP_NO_REALLOC, flue_vals_move(&g_m));
	/* the source is checked first: invalid UTF-8 traps A */
	no_realloc_setup(U8, "\xc0\x80", 2, 2, U8);
	FT_TRAPS(FLUE_TRAP_BAD_ENCODING, flue_vals_move(&g_m));
	FT_TRUE(FX_READ(fx.a->poisoned));
	FT_FALSE(FX_READ(fx.b->poisoned));
}

/* option<string> none allocates nothing (lower_flat of the none case):
 * no realloc needed. */
FT_TEST(string_option_none_without_realloc)
{
	fx_setup();
	tb_init(&g_b);
	uint16_t s = tb_prim(&g_b, FLUE_VT_STRING);
	g_ts[0] = tb_node(&g_b, FLUE_VT_OPTION, 0, 1, &s);
	g_in[0] = 0;
	g_in[1] = 0xFFFFFFFFu;
	g_in[2] = 0xFFFFFFFFu;
	mv_setup(1, U8, 16, 3, (struct flue_cx){ fx.b, NULL, NULL, U8 }, 16);
	flue_vals_move(&g_m);
	FT_EQ(g_nout, 3);
	FT_EQ(g_out[0], 0);
	FT_EQ(g_out[1], 0);
	FT_EQ(g_out[2], 0);
}

/* ------------------------------------------------------ nested strings */

typedef uint32_t call4[4];

/* Source bytes at 0 in A (whose size becomes a_size), a Heap over B up
 * to `limit` (B's size too); types are built in g_b by the test. */
static void nest_setup(const void *src, uint32_t n, uint32_t a_size, uint32_t limit)
{
	fx_setup();
	tb_init(&g_b);
	memcpy(fx.a_mem, src, n);
	fx.a_size = a_size;
	fx.b_size = limit;
	heap_init(&g_oh.h, fx.b, fx.b_mem, 0, limit);
}

static void expect_calls(const call4 *c, uint32_t n)
{
	FT_EQ(g_oh.h.ncalls, n);
	for (uint32_t k = 0; k < n; k++)
		EXPECT_CALL(&g_oh.h, k, c[k][0], c[k][1], c[k][2], c[k][3]);
}

static void expect_out(const uint32_t *want, uint32_t n)
{
	FT_EQ(g_nout, n);
	for (uint32_t k = 0; k < n; k++)
		FT_EQ(g_out[k], want[k]);
}

/* B's memory at off holds the bytes b[0..n) */
static void expect_at(uint32_t off, const char *b, uint32_t n)
{
	for (uint32_t j = 0; j < n; j++)
		FT_EQ(fx.b_mem[off + j], (uint8_t)b[j]);
}

/* B's memory at off holds the (ptr, tagged length) pair */
static void expect_pair(uint32_t off, uint32_t ptr, uint32_t len)
{
	FT_EQ(ld32(fx.b_mem, off), ptr);
	FT_EQ(ld32(fx.b_mem, off + 4), len);
}

/* A list<string> at flat (ptr, n) in A, moved to B. */
static void list_move(uint32_t ptr, uint32_t n, uint8_t senc, uint8_t denc)
{
	uint16_t s = tb_prim(&g_b, FLUE_VT_STRING);
	g_ts[0] = tb_list(&g_b, s, 0);
	g_in[0] = ptr;
	g_in[1] = n;
	mv_setup(1, senc, 16, 2, heap_cx(&g_oh.h, denc), 16);
	flue_vals_move(&g_m);
}

/* run_tests.py: test_heap(ListType(StringType()), [mk_str("hi"),
 * mk_str("wat")], [0,2], [16,0,0,0, 2,0,0,0, 21,0,0,0, 3,0,0,0, ...]):
 * utf8 both sides, a 24-byte source and test()'s 5 * 24-byte Heap. */
FT_TEST(string_list_test_heap)
{
	static const uint8_t src[24] = { 16, 0, 0, 0, 2, 0, 0, 0, 21, 0, 0, 0, 3, 0, 0, 0,
					 'h', 'i', 0xf, 0xf, 0xf, 'w', 'a', 't' };
	static const call4 calls[] = { { 0, 0, 4, 16 }, { 0, 0, 1, 2 }, { 0, 0, 1, 3 } };
	nest_setup(src, sizeof src, sizeof src, 5u * sizeof src);
	list_move(0, 2, U8, U8);
	expect_out((const uint32_t[]){ 0, 2 }, 2);
	expect_calls(calls, 3);
	expect_pair(0, 16, 2);
	expect_pair(8, 18, 3);
	expect_at(16, "hiwat", 5);
}

/* list<string> ["a\x80", "\uf123", ""] utf8 -> latin1+utf16: each element
 * transcoded on its own (latin-1 shrink, utf-16 growth and shrink, empty). */
FT_TEST(string_list_to_latin1_utf16)
{
	static const uint8_t src[30] = { 24, 0, 0, 0, 3, 0, 0, 0, 27, 0, 0, 0, 3, 0, 0, 0,
					 30, 0, 0, 0, 0, 0, 0, 0, 'a', 0xc2, 0x80, 0xef, 0x84, 0xa3 };
	static const call4 calls[] = { { 0, 0, 4, 24 }, { 0, 0, 2, 3 }, { 24, 3, 2, 2 },
				       { 0, 0, 2, 3 }, { 28, 3, 2, 6 }, { 32, 6, 2, 2 },
				       { 0, 0, 2, 0 } };
	nest_setup(src, sizeof src, MEM_SIZE, MEM_SIZE);
	list_move(0, 3, U8, LU);
	expect_out((const uint32_t[]){ 0, 3 }, 2);
	expect_calls(calls, 7);
	expect_pair(0, 24, 2);
	expect_pair(8, 32, 0x80000001u);
	expect_pair(16, 38, 0);
	expect_at(24, "a\x80", 2);
	expect_at(32, "\x23\xf1", 2);
}

/* transcode.wast's list<string> ["hi", "", "☃🍰"], utf16 -> utf8, at its
 * addresses (strings at 32 and 40, pairs at 64), with run_tests.py's Heap. */
FT_TEST(string_list_transcode_wast)
{
	static const uint8_t src[88] = {
		[32] = 'h', 0, 'i', 0, [40] = 0x03, 0x26, 0x3c, 0xd8, 0x70, 0xdf,
		[64] = 32, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 3, 0, 0, 0,
	};
	static const call4 calls[] = { { 0, 0, 4, 24 }, { 0, 0, 1, 2 }, { 0, 0, 1, 0 },
				       { 0, 0, 1, 3 }, { 26, 3, 1, 9 }, { 29, 9, 1, 7 } };
	nest_setup(src, sizeof src, MEM_SIZE, MEM_SIZE);
	list_move(64, 3, U16, U8);
	expect_out((const uint32_t[]){ 0, 3 }, 2);
	expect_calls(calls, 6);
	expect_pair(0, 24, 2);
	expect_pair(8, 26, 0);
	expect_pair(16, 29, 7);
	expect_at(24, "hi", 2);
	expect_at(29, "\xe2\x98\x83\xf0\x9f\x8d\xb0", 7);
}

/* The whole value is lifted before any of it is lowered: a bad second
 * element traps A before the list's buffer is allocated. */
FT_TEST(string_list_bad_element_lowers_nothing)
{
	static const uint8_t src[19] = { 16, 0, 0, 0, 1, 0, 0, 0, 17, 0, 0, 0, 2, 0, 0, 0,
					 'a', 0xc0, 0x80 };
	nest_setup(src, sizeof src, MEM_SIZE, MEM_SIZE);
	FT_TRAPS(FLUE_TRAP_BAD_ENCODING, list_move(0, 2, U8, U8));
	FT_EQ(g_oh.h.ncalls, 0);
	FT_FALSE(FX_READ(fx.b->poisoned));
}

/* (string, u8, string) at 8 in A: "hé" and "z" in utf16, 7. */
static const uint8_t TUPLE_SRC[38] = { [8] = 32, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 36, 0, 0, 0,
				       1, 0, 0, 0, [32] = 'h', 0, 0xe9, 0, 'z', 0 };

/* lift_flat_values / lower_flat_values with max_flat 1 on both sides:
 * the tuple (string, u8, string) is read from A's memory and written to
 * B's at realloc(0, 0, 4, 20), then each string utf16 -> utf8. */
FT_TEST(string_tuple_through_memory)
{
	static const call4 calls[] = { { 0, 0, 4, 20 }, { 0, 0, 1, 2 }, { 20, 2, 1, 6 },
				       { 22, 6, 1, 3 }, { 0, 0, 1, 1 } };
	nest_setup(TUPLE_SRC, sizeof TUPLE_SRC, MEM_SIZE, MEM_SIZE);
	g_ts[0] = tb_prim(&g_b, FLUE_VT_STRING);
	g_ts[1] = tb_prim(&g_b, FLUE_VT_U8);
	g_ts[2] = g_ts[0];
	g_in[0] = 8;
	mv_setup(3, U16, 1, 1, heap_cx(&g_oh.h, U8), 1);
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 0 }, 1);
	expect_calls(calls, 5);
	expect_pair(0, 22, 3);
	FT_EQ(fx.b_mem[8], 7);
	expect_pair(12, 28, 1);
	expect_at(22, "h\xc3\xa9", 3);
	expect_at(28, "z", 1);
}

/* record { string, u8, string } (same layout) lowered at an out pointer
 * (0x100): no allocation for the record, the strings as above. */
FT_TEST(string_record_to_out_ptr)
{
	static const call4 calls[] = { { 0, 0, 1, 2 }, { 0, 2, 1, 6 }, { 2, 6, 1, 3 },
				       { 0, 0, 1, 1 } };
	static const uint32_t out_ptr = 0x100;
	nest_setup(TUPLE_SRC, sizeof TUPLE_SRC, MEM_SIZE, MEM_SIZE);
	uint16_t s = tb_prim(&g_b, FLUE_VT_STRING), u = tb_prim(&g_b, FLUE_VT_U8);
	g_ts[0] = tb_rec(&g_b, FLUE_VT_RECORD, s, u, s);
	g_in[0] = 8;
	mv_setup(1, U16, 1, 1, heap_cx(&g_oh.h, U8), 1);
	g_m.out_ptr = &out_ptr;
	flue_vals_move(&g_m);
	FT_EQ(g_nout, 0);
	expect_calls(calls, 4);
	expect_pair(0x100, 2, 3);
	FT_EQ(fx.b_mem[0x108], 7);
	expect_pair(0x10c, 8, 1);
	expect_at(2, "h\xc3\xa9", 3);
	expect_at(8, "z", 1);
}

/* One string result with max_flat 1: realloc(0, 0, 4, 8) for the pair,
 * then the string (utf8 "hi" -> utf16). */
FT_TEST(string_result_through_memory)
{
	static const call4 calls[] = { { 0, 0, 4, 8 }, { 0, 0, 2, 4 } };
	nest_setup("hi", 2, MEM_SIZE, MEM_SIZE);
	g_ts[0] = tb_prim(&g_b, FLUE_VT_STRING);
	g_in[0] = 0;
	g_in[1] = 2;
	mv_setup(1, U8, 16, 2, heap_cx(&g_oh.h, U16), 1);
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 0 }, 1);
	expect_calls(calls, 2);
	expect_pair(0, 8, 2);
	expect_at(8, "h\0i\0", 4);
}

/* option<string> flat (1, 4, 3) -> utf16, and none (0, junk, junk): the
 * payload's flat values are not looked at, nothing allocated. */
FT_TEST(string_in_option)
{
	static const call4 calls[] = { { 0, 0, 2, 6 } };
	nest_setup("\0\0\0\0abc", 7, MEM_SIZE, MEM_SIZE);
	uint16_t s = tb_prim(&g_b, FLUE_VT_STRING);
	g_ts[0] = tb_node(&g_b, FLUE_VT_OPTION, 0, 1, &s);
	g_in[0] = 1;
	g_in[1] = 4;
	g_in[2] = 3;
	mv_setup(1, U8, 16, 3, heap_cx(&g_oh.h, U16), 16);
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 1, 0, 3 }, 3);
	expect_calls(calls, 1);
	expect_at(0, "a\0b\0c\0", 6);

	g_oh.h.ncalls = 0;
	g_in[0] = 0;
	g_in[1] = g_in[2] = 0xFFFFFFFFu;
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 0, 0, 0 }, 3);
	FT_EQ(g_oh.h.ncalls, 0);
}

/* option<string> read from A's memory (max_flat 1): (1 at 4, ptr 16 at 8,
 * len 2 at 12), utf16 "hi" -> utf8 flat. */
FT_TEST(string_in_option_from_memory)
{
	static const uint8_t src[20] = { [4] = 1, [8] = 16, [12] = 2, [16] = 'h', 0, 'i', 0 };
	static const call4 calls[] = { { 0, 0, 1, 2 } };
	nest_setup(src, sizeof src, MEM_SIZE, MEM_SIZE);
	uint16_t s = tb_prim(&g_b, FLUE_VT_STRING);
	g_ts[0] = tb_node(&g_b, FLUE_VT_OPTION, 0, 1, &s);
	g_in[0] = 4;
	mv_setup(1, U16, 1, 1, heap_cx(&g_oh.h, U8), 16);
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 1, 0, 2 }, 3);
	expect_calls(calls, 1);
	expect_at(0, "hi", 2);
}

/* variant { u32, string, none } (flat i32 i32 i32) utf8 -> latin1+utf16:
 * the string case, the u32 case (padding lowered as 0), the empty case. */
FT_TEST(string_in_variant)
{
	static const call4 calls[] = { { 0, 0, 2, 3 } };
	nest_setup("\0\0\0\0abc", 7, MEM_SIZE, MEM_SIZE);
	uint16_t u = tb_prim(&g_b, FLUE_VT_U32), s = tb_prim(&g_b, FLUE_VT_STRING);
	g_ts[0] = tb_rec(&g_b, FLUE_VT_VARIANT, u, s, FLUE_TYPE_NONE);
	g_in[0] = 1;
	g_in[1] = 4;
	g_in[2] = 3;
	mv_setup(1, U8, 16, 3, heap_cx(&g_oh.h, LU), 16);
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 1, 0, 3 }, 3);
	expect_calls(calls, 1);
	expect_at(0, "abc", 3);

	g_oh.h.ncalls = 0;
	g_in[0] = 0;
	g_in[1] = g_in[2] = 0xFFFFFFFFu;
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 0, 0xFFFFFFFFu, 0 }, 3);
	g_in[0] = 2;
	flue_vals_move(&g_m);
	expect_out((const uint32_t[]){ 2, 0, 0 }, 3);
	FT_EQ(g_oh.h.ncalls, 0);
}

FT_SUITE(vals_strings2,
	 FT_CASE(string_dst_realloc_results),
	 FT_CASE(string_dst_without_realloc),
	 FT_CASE(string_option_none_without_realloc),
	 FT_CASE(string_list_test_heap),
	 FT_CASE(string_list_to_latin1_utf16),
	 FT_CASE(string_list_transcode_wast),
	 FT_CASE(string_list_bad_element_lowers_nothing),
	 FT_CASE(string_tuple_through_memory),
	 FT_CASE(string_record_to_out_ptr),
	 FT_CASE(string_result_through_memory),
	 FT_CASE(string_in_option),
	 FT_CASE(string_in_option_from_memory),
	 FT_CASE(string_in_variant))
