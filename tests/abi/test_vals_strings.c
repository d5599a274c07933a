/*
 * Strings moving between two instances (src/abi/val.h, flue_vals_move):
 * run_tests.py's test_string matrix @ 6d28164 ported to the fused mover.
 * Every (source, destination) pair of the three encodings, for each of
 * run_tests.py's fun_strings (0..14), two non-BMP strings (15, 16) and the
 * strings of test/values/transcode.wast and strings.wast (17..19), laid
 * out as test_string_internal does: the encoded bytes at 0 in a source
 * memory of exactly their length, flat values (0, tagged_code_units), and
 * a destination memory of 5 times that length holding run_tests.py's Heap
 * (a bump allocator from 0; a realloc with old_ptr != 0 that shrinks keeps
 * the pointer). latin1+utf16 sources move twice when the string fits
 * latin-1: untagged latin-1, then tagged utf-16.
 *
 * Every expected value (the destination's bytes, the returned pointer and
 * tagged length, the realloc calls (old_ptr, old_size, align, new_size) in
 * order) was computed by running definitions.py's lift_flat / lower_flat
 * with that Heap, never from flue.
 */
#include "vals_test.h"

enum { U8 = FLUE_STRING_UTF8, U16 = FLUE_STRING_UTF16, LU = FLUE_STRING_LATIN1_UTF16 };
enum { F8, F16, FL1 }; /* a string's utf-8, utf-16le or latin-1 bytes */

/* One string in its three forms (latin-1: NULL if it does not fit). */
struct sform {
	const char *b[3];
	uint32_t n[3];
};

/* One move: source encoding and form, its tagged length; destination
 * encoding; the reference's result (ptr, tagged length, form of the
 * bytes at ptr) and realloc calls. */
struct mrow {
	uint8_t src, dst, s, sf;
	uint32_t tagged, ptr, out;
	uint8_t df, ncalls;
	uint32_t calls[3][4];
};

static const struct sform STR[] = {
	/* 0: '' */
	{ { "", "", "" }, { 0, 0, 0 } },
	/* 1: 'a' */
	{ { "\x61", "\x61\x00", "\x61" }, { 1, 2, 1 } },
	/* 2: 'hi' */
	{ { "\x68\x69", "\x68\x00\x69\x00", "\x68\x69" }, { 2, 4, 2 } },
	/* 3: '\x00' */
	{ { "\x00", "\x00\x00", "\x00" }, { 1, 2, 1 } },
	/* 4: 'a\x00b' */
	{ { "\x61\x00\x62", "\x61\x00\x00\x00\x62\x00", "\x61\x00\x62" }, { 3, 6, 3 } },
	/* 5: '\x80' */
	{ { "\xc2\x80", "\x80\x00", "\x80" }, { 2, 2, 1 } },
	/* 6: '\x80b' */
	{ { "\xc2\x80\x62", "\x80\x00\x62\x00", "\x80\x62" }, { 3, 4, 2 } },
	/* 7: 'ab\xefc' */
	{ { "\x61\x62\xc3\xaf\x63",
	    "\x61\x00\x62\x00\xef\x00\x63\x00",
	    "\x61\x62\xef\x63" },
	  { 5, 8, 4 } },
	/* 8: '\u01ffy' */
	{ { "\xc7\xbf\x79", "\xff\x01\x79\x00", NULL }, { 3, 4, 0 } },
	/* 9: 'xy\u01ff' */
	{ { "\x78\x79\xc7\xbf", "\x78\x00\x79\x00\xff\x01", NULL }, { 4, 6, 0 } },
	/* 10: 'a\ud7ffb' */
	{ { "\x61\xed\x9f\xbf\x62", "\x61\x00\xff\xd7\x62\x00", NULL }, { 5, 6, 0 } },
	/* 11: 'a\u02ff\u03ff\u04ffbc' */
	{ { "\x61\xcb\xbf\xcf\xbf\xd3\xbf\x62\x63",
	    "\x61\x00\xff\x02\xff\x03\xff\x04\x62\x00\x63\x00",
	    NULL },
	  { 9, 12, 0 } },
	/* 12: '\uf123' */
	{ { "\xef\x84\xa3", "\x23\xf1", NULL }, { 3, 2, 0 } },
	/* 13: '\uf123\uf123abc' */
	{ { "\xef\x84\xa3\xef\x84\xa3\x61\x62\x63",
	    "\x23\xf1\x23\xf1\x61\x00\x62\x00\x63\x00",
	    NULL },
	  { 9, 10, 0 } },
	/* 14: 'abcdef\uf123' */
	{ { "\x61\x62\x63\x64\x65\x66\xef\x84\xa3",
	    "\x61\x00\x62\x00\x63\x00\x64\x00\x65\x00\x66\x00\x23\xf1",
	    NULL },
	  { 9, 14, 0 } },
	/* 15: '\U0001f600' */
	{ { "\xf0\x9f\x98\x80", "\x3d\xd8\x00\xde", NULL }, { 4, 4, 0 } },
	/* 16: 'a\U0001f600b' */
	{ { "\x61\xf0\x9f\x98\x80\x62", "\x61\x00\x3d\xd8\x00\xde\x62\x00", NULL }, { 6, 8, 0 } },
	/* 17: 'h\xf6\u2603\U0001f370' */
	{ { "\x68\xc3\xb6\xe2\x98\x83\xf0\x9f\x8d\xb0",
	    "\x68\x00\xf6\x00\x03\x26\x3c\xd8\x70\xdf",
	    NULL },
	  { 10, 10, 0 } },
	/* 18: 'h\xf6la' */
	{ { "\x68\xc3\xb6\x6c\x61",
	    "\x68\x00\xf6\x00\x6c\x00\x61\x00",
	    "\x68\xf6\x6c\x61" },
	  { 5, 8, 4 } },
	/* 19: '\u2603\u263a\ufe0f\xf6\u30c4' */
	{ { "\xe2\x98\x83\xe2\x98\xba\xef\xb8\x8f\xc3\xb6\xe3\x83\x84",
	    "\x03\x26\x3a\x26\x0f\xfe\xf6\x00\xc4\x30",
	    NULL },
	  { 14, 10, 0 } },
};

static const struct mrow MATRIX[] = {
	{ U8, U8, 0, F8, 0x0u, 0, 0x0u, F8, 1, { { 0, 0, 1, 0 } } },
	{ U8, U8, 1, F8, 0x1u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ U8, U8, 2, F8, 0x2u, 0, 0x2u, F8, 1, { { 0, 0, 1, 2 } } },
	{ U8, U8, 3, F8, 0x1u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ U8, U8, 4, F8, 0x3u, 0, 0x3u, F8, 1, { { 0, 0, 1, 3 } } },
	{ U8, U8, 5, F8, 0x2u, 0, 0x2u, F8, 1, { { 0, 0, 1, 2 } } },
	{ U8, U8, 6, F8, 0x3u, 0, 0x3u, F8, 1, { { 0, 0, 1, 3 } } },
	{ U8, U8, 7, F8, 0x5u, 0, 0x5u, F8, 1, { { 0, 0, 1, 5 } } },
	{ U8, U8, 8, F8, 0x3u, 0, 0x3u, F8, 1, { { 0, 0, 1, 3 } } },
	{ U8, U8, 9, F8, 0x4u, 0, 0x4u, F8, 1, { { 0, 0, 1, 4 } } },
	{ U8, U8, 10, F8, 0x5u, 0, 0x5u, F8, 1, { { 0, 0, 1, 5 } } },
	{ U8, U8, 11, F8, 0x9u, 0, 0x9u, F8, 1, { { 0, 0, 1, 9 } } },
	{ U8, U8, 12, F8, 0x3u, 0, 0x3u, F8, 1, { { 0, 0, 1, 3 } } },
	{ U8, U8, 13, F8, 0x9u, 0, 0x9u, F8, 1, { { 0, 0, 1, 9 } } },
	{ U8, U8, 14, F8, 0x9u, 0, 0x9u, F8, 1, { { 0, 0, 1, 9 } } },
	{ U8, U8, 15, F8, 0x4u, 0, 0x4u, F8, 1, { { 0, 0, 1, 4 } } },
	{ U8, U8, 16, F8, 0x6u, 0, 0x6u, F8, 1, { { 0, 0, 1, 6 } } },
	{ U8, U8, 17, F8, 0xau, 0, 0xau, F8, 1, { { 0, 0, 1, 10 } } },
	{ U8, U8, 18, F8, 0x5u, 0, 0x5u, F8, 1, { { 0, 0, 1, 5 } } },
	{ U8, U8, 19, F8, 0xeu, 0, 0xeu, F8, 1, { { 0, 0, 1, 14 } } },
	{ U8, U16, 0, F8, 0x0u, 0, 0x0u, F16, 1, { { 0, 0, 2, 0 } } },
	{ U8, U16, 1, F8, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ U8, U16, 2, F8, 0x2u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ U8, U16, 3, F8, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ U8, U16, 4, F8, 0x3u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ U8, U16, 5, F8, 0x2u, 4, 0x1u, F16, 2, { { 0, 0, 2, 4 }, { 0, 4, 2, 2 } } },
	{ U8, U16, 6, F8, 0x3u, 6, 0x2u, F16, 2, { { 0, 0, 2, 6 }, { 0, 6, 2, 4 } } },
	{ U8, U16, 7, F8, 0x5u, 10, 0x4u, F16, 2, { { 0, 0, 2, 10 }, { 0, 10, 2, 8 } } },
	{ U8, U16, 8, F8, 0x3u, 6, 0x2u, F16, 2, { { 0, 0, 2, 6 }, { 0, 6, 2, 4 } } },
	{ U8, U16, 9, F8, 0x4u, 8, 0x3u, F16, 2, { { 0, 0, 2, 8 }, { 0, 8, 2, 6 } } },
	{ U8, U16, 10, F8, 0x5u, 10, 0x3u, F16, 2, { { 0, 0, 2, 10 }, { 0, 10, 2, 6 } } },
	{ U8, U16, 11, F8, 0x9u, 18, 0x6u, F16, 2, { { 0, 0, 2, 18 }, { 0, 18, 2, 12 } } },
	{ U8, U16, 12, F8, 0x3u, 6, 0x1u, F16, 2, { { 0, 0, 2, 6 }, { 0, 6, 2, 2 } } },
	{ U8, U16, 13, F8, 0x9u, 18, 0x5u, F16, 2, { { 0, 0, 2, 18 }, { 0, 18, 2, 10 } } },
	{ U8, U16, 14, F8, 0x9u, 18, 0x7u, F16, 2, { { 0, 0, 2, 18 }, { 0, 18, 2, 14 } } },
	{ U8, U16, 15, F8, 0x4u, 8, 0x2u, F16, 2, { { 0, 0, 2, 8 }, { 0, 8, 2, 4 } } },
	{ U8, U16, 16, F8, 0x6u, 12, 0x4u, F16, 2, { { 0, 0, 2, 12 }, { 0, 12, 2, 8 } } },
	{ U8, U16, 17, F8, 0xau, 20, 0x5u, F16, 2, { { 0, 0, 2, 20 }, { 0, 20, 2, 10 } } },
	{ U8, U16, 18, F8, 0x5u, 10, 0x4u, F16, 2, { { 0, 0, 2, 10 }, { 0, 10, 2, 8 } } },
	{ U8, U16, 19, F8, 0xeu, 28, 0x5u, F16, 2, { { 0, 0, 2, 28 }, { 0, 28, 2, 10 } } },
	{ U8, LU, 0, F8, 0x0u, 0, 0x0u, FL1, 1, { { 0, 0, 2, 0 } } },
	{ U8, LU, 1, F8, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ U8, LU, 2, F8, 0x2u, 0, 0x2u, FL1, 1, { { 0, 0, 2, 2 } } },
	{ U8, LU, 3, F8, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ U8, LU, 4, F8, 0x3u, 0, 0x3u, FL1, 1, { { 0, 0, 2, 3 } } },
	{ U8, LU, 5, F8, 0x2u, 2, 0x1u, FL1, 2, { { 0, 0, 2, 2 }, { 0, 2, 2, 1 } } },
	{ U8, LU, 6, F8, 0x3u, 4, 0x2u, FL1, 2, { { 0, 0, 2, 3 }, { 0, 3, 2, 2 } } },
	{ U8, LU, 7, F8, 0x5u, 6, 0x4u, FL1, 2, { { 0, 0, 2, 5 }, { 0, 5, 2, 4 } } },
	{ U8, LU, 8, F8, 0x3u, 4, 0x80000002u, F16, 3,
	  { { 0, 0, 2, 3 }, { 0, 3, 2, 6 }, { 4, 6, 2, 4 } } },
	{ U8, LU, 9, F8, 0x4u, 4, 0x80000003u, F16, 3,
	  { { 0, 0, 2, 4 }, { 0, 4, 2, 8 }, { 4, 8, 2, 6 } } },
	{ U8, LU, 10, F8, 0x5u, 6, 0x80000003u, F16, 3,
	  { { 0, 0, 2, 5 }, { 0, 5, 2, 10 }, { 6, 10, 2, 6 } } },
	{ U8, LU, 11, F8, 0x9u, 10, 0x80000006u, F16, 3,
	  { { 0, 0, 2, 9 }, { 0, 9, 2, 18 }, { 10, 18, 2, 12 } } },
	{ U8, LU, 12, F8, 0x3u, 4, 0x80000001u, F16, 3,
	  { { 0, 0, 2, 3 }, { 0, 3, 2, 6 }, { 4, 6, 2, 2 } } },
	{ U8, LU, 13, F8, 0x9u, 10, 0x80000005u, F16, 3,
	  { { 0, 0, 2, 9 }, { 0, 9, 2, 18 }, { 10, 18, 2, 10 } } },
	{ U8, LU, 14, F8, 0x9u, 10, 0x80000007u, F16, 3,
	  { { 0, 0, 2, 9 }, { 0, 9, 2, 18 }, { 10, 18, 2, 14 } } },
	{ U8, LU, 15, F8, 0x4u, 4, 0x80000002u, F16, 3,
	  { { 0, 0, 2, 4 }, { 0, 4, 2, 8 }, { 4, 8, 2, 4 } } },
	{ U8, LU, 16, F8, 0x6u, 6, 0x80000004u, F16, 3,
	  { { 0, 0, 2, 6 }, { 0, 6, 2, 12 }, { 6, 12, 2, 8 } } },
	{ U8, LU, 17, F8, 0xau, 10, 0x80000005u, F16, 3,
	  { { 0, 0, 2, 10 }, { 0, 10, 2, 20 }, { 10, 20, 2, 10 } } },
	{ U8, LU, 18, F8, 0x5u, 6, 0x4u, FL1, 2, { { 0, 0, 2, 5 }, { 0, 5, 2, 4 } } },
	{ U8, LU, 19, F8, 0xeu, 14, 0x80000005u, F16, 3,
	  { { 0, 0, 2, 14 }, { 0, 14, 2, 28 }, { 14, 28, 2, 10 } } },
	{ U16, U8, 0, F16, 0x0u, 0, 0x0u, F8, 1, { { 0, 0, 1, 0 } } },
	{ U16, U8, 1, F16, 0x1u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ U16, U8, 2, F16, 0x2u, 0, 0x2u, F8, 1, { { 0, 0, 1, 2 } } },
	{ U16, U8, 3, F16, 0x1u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ U16, U8, 4, F16, 0x3u, 0, 0x3u, F8, 1, { { 0, 0, 1, 3 } } },
	{ U16, U8, 5, F16, 0x1u, 1, 0x2u, F8, 3,
	  { { 0, 0, 1, 1 }, { 0, 1, 1, 3 }, { 1, 3, 1, 2 } } },
	{ U16, U8, 6, F16, 0x2u, 2, 0x3u, F8, 3,
	  { { 0, 0, 1, 2 }, { 0, 2, 1, 6 }, { 2, 6, 1, 3 } } },
	{ U16, U8, 7, F16, 0x4u, 4, 0x5u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 12 }, { 4, 12, 1, 5 } } },
	{ U16, U8, 8, F16, 0x2u, 2, 0x3u, F8, 3,
	  { { 0, 0, 1, 2 }, { 0, 2, 1, 6 }, { 2, 6, 1, 3 } } },
	{ U16, U8, 9, F16, 0x3u, 3, 0x4u, F8, 3,
	  { { 0, 0, 1, 3 }, { 0, 3, 1, 9 }, { 3, 9, 1, 4 } } },
	{ U16, U8, 10, F16, 0x3u, 3, 0x5u, F8, 3,
	  { { 0, 0, 1, 3 }, { 0, 3, 1, 9 }, { 3, 9, 1, 5 } } },
	{ U16, U8, 11, F16, 0x6u, 6, 0x9u, F8, 3,
	  { { 0, 0, 1, 6 }, { 0, 6, 1, 18 }, { 6, 18, 1, 9 } } },
	{ U16, U8, 12, F16, 0x1u, 1, 0x3u, F8, 2, { { 0, 0, 1, 1 }, { 0, 1, 1, 3 } } },
	{ U16, U8, 13, F16, 0x5u, 5, 0x9u, F8, 3,
	  { { 0, 0, 1, 5 }, { 0, 5, 1, 15 }, { 5, 15, 1, 9 } } },
	{ U16, U8, 14, F16, 0x7u, 7, 0x9u, F8, 3,
	  { { 0, 0, 1, 7 }, { 0, 7, 1, 21 }, { 7, 21, 1, 9 } } },
	{ U16, U8, 15, F16, 0x2u, 2, 0x4u, F8, 3,
	  { { 0, 0, 1, 2 }, { 0, 2, 1, 6 }, { 2, 6, 1, 4 } } },
	{ U16, U8, 16, F16, 0x4u, 4, 0x6u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 12 }, { 4, 12, 1, 6 } } },
	{ U16, U8, 17, F16, 0x5u, 5, 0xau, F8, 3,
	  { { 0, 0, 1, 5 }, { 0, 5, 1, 15 }, { 5, 15, 1, 10 } } },
	{ U16, U8, 18, F16, 0x4u, 4, 0x5u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 12 }, { 4, 12, 1, 5 } } },
	{ U16, U8, 19, F16, 0x5u, 5, 0xeu, F8, 3,
	  { { 0, 0, 1, 5 }, { 0, 5, 1, 15 }, { 5, 15, 1, 14 } } },
	{ U16, U16, 0, F16, 0x0u, 0, 0x0u, F16, 1, { { 0, 0, 2, 0 } } },
	{ U16, U16, 1, F16, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ U16, U16, 2, F16, 0x2u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ U16, U16, 3, F16, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ U16, U16, 4, F16, 0x3u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ U16, U16, 5, F16, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ U16, U16, 6, F16, 0x2u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ U16, U16, 7, F16, 0x4u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ U16, U16, 8, F16, 0x2u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ U16, U16, 9, F16, 0x3u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ U16, U16, 10, F16, 0x3u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ U16, U16, 11, F16, 0x6u, 0, 0x6u, F16, 1, { { 0, 0, 2, 12 } } },
	{ U16, U16, 12, F16, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ U16, U16, 13, F16, 0x5u, 0, 0x5u, F16, 1, { { 0, 0, 2, 10 } } },
	{ U16, U16, 14, F16, 0x7u, 0, 0x7u, F16, 1, { { 0, 0, 2, 14 } } },
	{ U16, U16, 15, F16, 0x2u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ U16, U16, 16, F16, 0x4u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ U16, U16, 17, F16, 0x5u, 0, 0x5u, F16, 1, { { 0, 0, 2, 10 } } },
	{ U16, U16, 18, F16, 0x4u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ U16, U16, 19, F16, 0x5u, 0, 0x5u, F16, 1, { { 0, 0, 2, 10 } } },
	{ U16, LU, 0, F16, 0x0u, 0, 0x0u, FL1, 1, { { 0, 0, 2, 0 } } },
	{ U16, LU, 1, F16, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ U16, LU, 2, F16, 0x2u, 0, 0x2u, FL1, 1, { { 0, 0, 2, 2 } } },
	{ U16, LU, 3, F16, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ U16, LU, 4, F16, 0x3u, 0, 0x3u, FL1, 1, { { 0, 0, 2, 3 } } },
	{ U16, LU, 5, F16, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ U16, LU, 6, F16, 0x2u, 0, 0x2u, FL1, 1, { { 0, 0, 2, 2 } } },
	{ U16, LU, 7, F16, 0x4u, 0, 0x4u, FL1, 1, { { 0, 0, 2, 4 } } },
	{ U16, LU, 8, F16, 0x2u, 2, 0x80000002u, F16, 2, { { 0, 0, 2, 2 }, { 0, 2, 2, 4 } } },
	{ U16, LU, 9, F16, 0x3u, 4, 0x80000003u, F16, 2, { { 0, 0, 2, 3 }, { 0, 3, 2, 6 } } },
	{ U16, LU, 10, F16, 0x3u, 4, 0x80000003u, F16, 2, { { 0, 0, 2, 3 }, { 0, 3, 2, 6 } } },
	{ U16, LU, 11, F16, 0x6u, 6, 0x80000006u, F16, 2, { { 0, 0, 2, 6 }, { 0, 6, 2, 12 } } },
	{ U16, LU, 12, F16, 0x1u, 2, 0x80000001u, F16, 2, { { 0, 0, 2, 1 }, { 0, 1, 2, 2 } } },
	{ U16, LU, 13, F16, 0x5u, 6, 0x80000005u, F16, 2, { { 0, 0, 2, 5 }, { 0, 5, 2, 10 } } },
	{ U16, LU, 14, F16, 0x7u, 8, 0x80000007u, F16, 2, { { 0, 0, 2, 7 }, { 0, 7, 2, 14 } } },
	{ U16, LU, 15, F16, 0x2u, 2, 0x80000002u, F16, 2, { { 0, 0, 2, 2 }, { 0, 2, 2, 4 } } },
	{ U16, LU, 16, F16, 0x4u, 4, 0x80000004u, F16, 2, { { 0, 0, 2, 4 }, { 0, 4, 2, 8 } } },
	{ U16, LU, 17, F16, 0x5u, 6, 0x80000005u, F16, 2, { { 0, 0, 2, 5 }, { 0, 5, 2, 10 } } },
	{ U16, LU, 18, F16, 0x4u, 0, 0x4u, FL1, 1, { { 0, 0, 2, 4 } } },
	{ U16, LU, 19, F16, 0x5u, 6, 0x80000005u, F16, 2, { { 0, 0, 2, 5 }, { 0, 5, 2, 10 } } },
	{ LU, U8, 0, FL1, 0x0u, 0, 0x0u, F8, 1, { { 0, 0, 1, 0 } } },
	{ LU, U8, 0, F16, 0x80000000u, 0, 0x0u, F8, 1, { { 0, 0, 1, 0 } } },
	{ LU, U8, 1, FL1, 0x1u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ LU, U8, 1, F16, 0x80000001u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ LU, U8, 2, FL1, 0x2u, 0, 0x2u, F8, 1, { { 0, 0, 1, 2 } } },
	{ LU, U8, 2, F16, 0x80000002u, 0, 0x2u, F8, 1, { { 0, 0, 1, 2 } } },
	{ LU, U8, 3, FL1, 0x1u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ LU, U8, 3, F16, 0x80000001u, 0, 0x1u, F8, 1, { { 0, 0, 1, 1 } } },
	{ LU, U8, 4, FL1, 0x3u, 0, 0x3u, F8, 1, { { 0, 0, 1, 3 } } },
	{ LU, U8, 4, F16, 0x80000003u, 0, 0x3u, F8, 1, { { 0, 0, 1, 3 } } },
	{ LU, U8, 5, FL1, 0x1u, 1, 0x2u, F8, 2, { { 0, 0, 1, 1 }, { 0, 1, 1, 2 } } },
	{ LU, U8, 5, F16, 0x80000001u, 1, 0x2u, F8, 3,
	  { { 0, 0, 1, 1 }, { 0, 1, 1, 3 }, { 1, 3, 1, 2 } } },
	{ LU, U8, 6, FL1, 0x2u, 2, 0x3u, F8, 3,
	  { { 0, 0, 1, 2 }, { 0, 2, 1, 4 }, { 2, 4, 1, 3 } } },
	{ LU, U8, 6, F16, 0x80000002u, 2, 0x3u, F8, 3,
	  { { 0, 0, 1, 2 }, { 0, 2, 1, 6 }, { 2, 6, 1, 3 } } },
	{ LU, U8, 7, FL1, 0x4u, 4, 0x5u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 8 }, { 4, 8, 1, 5 } } },
	{ LU, U8, 7, F16, 0x80000004u, 4, 0x5u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 12 }, { 4, 12, 1, 5 } } },
	{ LU, U8, 8, F16, 0x80000002u, 2, 0x3u, F8, 3,
	  { { 0, 0, 1, 2 }, { 0, 2, 1, 6 }, { 2, 6, 1, 3 } } },
	{ LU, U8, 9, F16, 0x80000003u, 3, 0x4u, F8, 3,
	  { { 0, 0, 1, 3 }, { 0, 3, 1, 9 }, { 3, 9, 1, 4 } } },
	{ LU, U8, 10, F16, 0x80000003u, 3, 0x5u, F8, 3,
	  { { 0, 0, 1, 3 }, { 0, 3, 1, 9 }, { 3, 9, 1, 5 } } },
	{ LU, U8, 11, F16, 0x80000006u, 6, 0x9u, F8, 3,
	  { { 0, 0, 1, 6 }, { 0, 6, 1, 18 }, { 6, 18, 1, 9 } } },
	{ LU, U8, 12, F16, 0x80000001u, 1, 0x3u, F8, 2, { { 0, 0, 1, 1 }, { 0, 1, 1, 3 } } },
	{ LU, U8, 13, F16, 0x80000005u, 5, 0x9u, F8, 3,
	  { { 0, 0, 1, 5 }, { 0, 5, 1, 15 }, { 5, 15, 1, 9 } } },
	{ LU, U8, 14, F16, 0x80000007u, 7, 0x9u, F8, 3,
	  { { 0, 0, 1, 7 }, { 0, 7, 1, 21 }, { 7, 21, 1, 9 } } },
	{ LU, U8, 15, F16, 0x80000002u, 2, 0x4u, F8, 3,
	  { { 0, 0, 1, 2 }, { 0, 2, 1, 6 }, { 2, 6, 1, 4 } } },
	{ LU, U8, 16, F16, 0x80000004u, 4, 0x6u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 12 }, { 4, 12, 1, 6 } } },
	{ LU, U8, 17, F16, 0x80000005u, 5, 0xau, F8, 3,
	  { { 0, 0, 1, 5 }, { 0, 5, 1, 15 }, { 5, 15, 1, 10 } } },
	{ LU, U8, 18, FL1, 0x4u, 4, 0x5u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 8 }, { 4, 8, 1, 5 } } },
	{ LU, U8, 18, F16, 0x80000004u, 4, 0x5u, F8, 3,
	  { { 0, 0, 1, 4 }, { 0, 4, 1, 12 }, { 4, 12, 1, 5 } } },
	{ LU, U8, 19, F16, 0x80000005u, 5, 0xeu, F8, 3,
	  { { 0, 0, 1, 5 }, { 0, 5, 1, 15 }, { 5, 15, 1, 14 } } },
	{ LU, U16, 0, FL1, 0x0u, 0, 0x0u, F16, 1, { { 0, 0, 2, 0 } } },
	{ LU, U16, 0, F16, 0x80000000u, 0, 0x0u, F16, 1, { { 0, 0, 2, 0 } } },
	{ LU, U16, 1, FL1, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, U16, 1, F16, 0x80000001u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, U16, 2, FL1, 0x2u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, U16, 2, F16, 0x80000002u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, U16, 3, FL1, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, U16, 3, F16, 0x80000001u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, U16, 4, FL1, 0x3u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ LU, U16, 4, F16, 0x80000003u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ LU, U16, 5, FL1, 0x1u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, U16, 5, F16, 0x80000001u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, U16, 6, FL1, 0x2u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, U16, 6, F16, 0x80000002u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, U16, 7, FL1, 0x4u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ LU, U16, 7, F16, 0x80000004u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ LU, U16, 8, F16, 0x80000002u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, U16, 9, F16, 0x80000003u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ LU, U16, 10, F16, 0x80000003u, 0, 0x3u, F16, 1, { { 0, 0, 2, 6 } } },
	{ LU, U16, 11, F16, 0x80000006u, 0, 0x6u, F16, 1, { { 0, 0, 2, 12 } } },
	{ LU, U16, 12, F16, 0x80000001u, 0, 0x1u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, U16, 13, F16, 0x80000005u, 0, 0x5u, F16, 1, { { 0, 0, 2, 10 } } },
	{ LU, U16, 14, F16, 0x80000007u, 0, 0x7u, F16, 1, { { 0, 0, 2, 14 } } },
	{ LU, U16, 15, F16, 0x80000002u, 0, 0x2u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, U16, 16, F16, 0x80000004u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ LU, U16, 17, F16, 0x80000005u, 0, 0x5u, F16, 1, { { 0, 0, 2, 10 } } },
	{ LU, U16, 18, FL1, 0x4u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ LU, U16, 18, F16, 0x80000004u, 0, 0x4u, F16, 1, { { 0, 0, 2, 8 } } },
	{ LU, U16, 19, F16, 0x80000005u, 0, 0x5u, F16, 1, { { 0, 0, 2, 10 } } },
	{ LU, LU, 0, FL1, 0x0u, 0, 0x0u, FL1, 1, { { 0, 0, 2, 0 } } },
	{ LU, LU, 0, F16, 0x80000000u, 0, 0x0u, FL1, 2, { { 0, 0, 2, 0 }, { 0, 0, 1, 0 } } },
	{ LU, LU, 1, FL1, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ LU, LU, 1, F16, 0x80000001u, 2, 0x1u, FL1, 2, { { 0, 0, 2, 2 }, { 0, 2, 1, 1 } } },
	{ LU, LU, 2, FL1, 0x2u, 0, 0x2u, FL1, 1, { { 0, 0, 2, 2 } } },
	{ LU, LU, 2, F16, 0x80000002u, 4, 0x2u, FL1, 2, { { 0, 0, 2, 4 }, { 0, 4, 1, 2 } } },
	{ LU, LU, 3, FL1, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ LU, LU, 3, F16, 0x80000001u, 2, 0x1u, FL1, 2, { { 0, 0, 2, 2 }, { 0, 2, 1, 1 } } },
	{ LU, LU, 4, FL1, 0x3u, 0, 0x3u, FL1, 1, { { 0, 0, 2, 3 } } },
	{ LU, LU, 4, F16, 0x80000003u, 6, 0x3u, FL1, 2, { { 0, 0, 2, 6 }, { 0, 6, 1, 3 } } },
	{ LU, LU, 5, FL1, 0x1u, 0, 0x1u, FL1, 1, { { 0, 0, 2, 1 } } },
	{ LU, LU, 5, F16, 0x80000001u, 2, 0x1u, FL1, 2, { { 0, 0, 2, 2 }, { 0, 2, 1, 1 } } },
	{ LU, LU, 6, FL1, 0x2u, 0, 0x2u, FL1, 1, { { 0, 0, 2, 2 } } },
	{ LU, LU, 6, F16, 0x80000002u, 4, 0x2u, FL1, 2, { { 0, 0, 2, 4 }, { 0, 4, 1, 2 } } },
	{ LU, LU, 7, FL1, 0x4u, 0, 0x4u, FL1, 1, { { 0, 0, 2, 4 } } },
	{ LU, LU, 7, F16, 0x80000004u, 8, 0x4u, FL1, 2, { { 0, 0, 2, 8 }, { 0, 8, 1, 4 } } },
	{ LU, LU, 8, F16, 0x80000002u, 0, 0x80000002u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, LU, 9, F16, 0x80000003u, 0, 0x80000003u, F16, 1, { { 0, 0, 2, 6 } } },
	{ LU, LU, 10, F16, 0x80000003u, 0, 0x80000003u, F16, 1, { { 0, 0, 2, 6 } } },
	{ LU, LU, 11, F16, 0x80000006u, 0, 0x80000006u, F16, 1, { { 0, 0, 2, 12 } } },
	{ LU, LU, 12, F16, 0x80000001u, 0, 0x80000001u, F16, 1, { { 0, 0, 2, 2 } } },
	{ LU, LU, 13, F16, 0x80000005u, 0, 0x80000005u, F16, 1, { { 0, 0, 2, 10 } } },
	{ LU, LU, 14, F16, 0x80000007u, 0, 0x80000007u, F16, 1, { { 0, 0, 2, 14 } } },
	{ LU, LU, 15, F16, 0x80000002u, 0, 0x80000002u, F16, 1, { { 0, 0, 2, 4 } } },
	{ LU, LU, 16, F16, 0x80000004u, 0, 0x80000004u, F16, 1, { { 0, 0, 2, 8 } } },
	{ LU, LU, 17, F16, 0x80000005u, 0, 0x80000005u, F16, 1, { { 0, 0, 2, 10 } } },
	{ LU, LU, 18, FL1, 0x4u, 0, 0x4u, FL1, 1, { { 0, 0, 2, 4 } } },
	{ LU, LU, 18, F16, 0x80000004u, 8, 0x4u, FL1, 2, { { 0, 0, 2, 8 }, { 0, 8, 1, 4 } } },
	{ LU, LU, 19, F16, 0x80000005u, 0, 0x80000005u, F16, 1, { { 0, 0, 2, 10 } } },
};

#define NROWS (sizeof MATRIX / sizeof MATRIX[0])

/* Compare with the row index and a field code in the upper bits, so a
 * failure names its row: 0xRRRRFF_VVVVVVVV (row, field, value). */
static void ck(uint32_t row, uint32_t field, uint32_t got, uint32_t want)
{
	FT_EQ((uint64_t)row << 40 | (uint64_t)field << 32 | got,
	      (uint64_t)row << 40 | (uint64_t)field << 32 | want);
}

static uint16_t string_type(struct tb *b, const struct flue_tgraph **g)
{
	tb_init(b);
	uint16_t t = tb_prim(b, FLUE_VT_STRING);
	*g = tb_done(b);
	return t;
}

/* Bytes at ptr in the destination, as the reference left them. */
static void check_bytes(uint32_t i, const struct mrow *r)
{
	const struct sform *s = &STR[r->s];
	FT_TRUE(s->b[r->df] != NULL);
	for (uint32_t j = 0; j < s->n[r->df]; j++)
		ck(i, 0x10, j << 8 | fx.b_mem[r->ptr + j],
		   j << 8 | (uint8_t)s->b[r->df][j]);
}

static void check_calls(uint32_t i, const struct heap *h, const struct mrow *r)
{
	ck(i, 0x20, h->ncalls, r->ncalls);
	for (uint32_t k = 0; k < r->ncalls; k++) {
		ck(i, 0x30 + k, h->log[k].old_ptr, r->calls[k][0]);
		ck(i, 0x40 + k, h->log[k].old_size, r->calls[k][1]);
		ck(i, 0x50 + k, h->log[k].align, r->calls[k][2]);
		ck(i, 0x60 + k, h->log[k].new_size, r->calls[k][3]);
	}
}

static void run_row(uint32_t i, const struct mrow *r)
{
	struct tb b;
	const struct flue_tgraph *g;
	struct heap h;
	const struct sform *s = &STR[r->s];
	uint32_t n = s->n[r->sf], nout = 0;

	fx_setup();
	uint16_t t = string_type(&b, &g);
	FT_TRUE(s->b[r->sf] != NULL);
	memcpy(fx.a_mem, s->b[r->sf], n);
	fx.a_size = n;
	fx.b_size = 5u * n;
	heap_init(&h, fx.b, fx.b_mem, 0, 5u * n);
	flue_flat_t in[2] = { 0, r->tagged };
	flue_flat_t out[2] = { 0xDEAD, 0xDEAD };
	struct flue_vmove m = {
		.g = g, .ts = &t, .nts = 1,
		.src = { fx.a, NULL, NULL, r->src }, .src_max_flat = 16, .flat = in, .nflat = 2,
		.dst = heap_cx(&h, r->dst), .dst_max_flat = 16, .flat_out = out, .nflat_out = &nout,
	};
	flue_vals_move(&m);
	ck(i, 1, nout, 2);
	ck(i, 2, (uint32_t)(out[0] >> 32 | out[1] >> 32), 0);
	ck(i, 3, (uint32_t)out[0], r->ptr);
	ck(i, 4, (uint32_t)out[1], r->out);
	check_calls(i, &h, r);
	check_bytes(i, r);
}

static void run_from(uint8_t src)
{
	uint32_t ran = 0;
	for (uint32_t i = 0; i < NROWS; i++) {
		if (MATRIX[i].src != src)
			continue;
		run_row(i, &MATRIX[i]);
		ran++;
	}
	FT_TRUE(ran > 0);
}

/* ------------------------------------------------------ source traps */

/* load_string_from_range's checks, in its order: byte length above
 * MAX_STRING_BYTE_LENGTH, pointer misaligned (2 for utf16 and for both
 * forms of latin1+utf16), ptr + byte_length beyond memory (no 32-bit
 * wrap), bytes that do not decode. The source is 64 KiB, the bytes at
 * ptr; the destination has the source's encoding. A row with reason 0
 * moves, and the reference's result is (optr, otagged). */
#define BAD FLUE_TRAP_BAD_ENCODING
#define LONG FLUE_TRAP_STRING_TOO_LONG
#define MIS FLUE_TRAP_MISALIGNED
#define OOB FLUE_TRAP_OUT_OF_BOUNDS

struct srow {
	uint8_t enc;
	uint32_t ptr;
	const char *b;
	uint32_t n, tagged;
	uint8_t reason;
	uint32_t optr, otagged;
};

static const struct srow SRC_ROWS[] = {
	{ U8, 0x0u, "\xc0\x80", 2, 0x2u, BAD, 0, 0 }, /* overlong 2-byte NUL */
	{ U8, 0x0u, "\xe0\x80\x80", 3, 0x3u, BAD, 0, 0 }, /* overlong 3-byte */
	{ U8, 0x0u, "\xed\xa0\x80", 3, 0x3u, BAD, 0, 0 }, /* surrogate U+D800 */
	{ U8, 0x0u, "\xf4\x90\x80\x80", 4, 0x4u, BAD, 0, 0 }, /* U+110000 */
	{ U8, 0x0u, "\xe2\x82", 2, 0x2u, BAD, 0, 0 }, /* truncated 3-byte */
	{ U8, 0x0u, "\xc3", 1, 0x1u, BAD, 0, 0 }, /* strings.wast: incomplete */
	{ U8, 0x0u, "\x61\x80", 2, 0x2u, BAD, 0, 0 }, /* lone continuation */
	{ U8, 0x0u, "\xf8\x88\x80\x80\x80", 5, 0x5u, BAD, 0, 0 }, /* 5-byte form */
	{ U8, 0x0u, "\xff", 1, 0x1u, BAD, 0, 0 }, /* strings.wast: 0xFF */
	{ U16, 0x0u, "\x00\xd8", 2, 0x1u, BAD, 0, 0 }, /* high surrogate alone */
	{ U16, 0x0u, "\x00\xdc", 2, 0x1u, BAD, 0, 0 }, /* low surrogate alone */
	{ U16, 0x0u, "\x00\xd8\x61\x00", 4, 0x2u, BAD, 0, 0 }, /* high then a */
	{ U16, 0x0u, "\x00\xdc\x00\xd8", 4, 0x2u, BAD, 0, 0 }, /* low then high */
	{ U16, 0x0u, "\x61\x00\x3d\xd8", 4, 0x2u, BAD, 0, 0 }, /* pair cut by the length */
	{ LU, 0x0u, "\x00\xd8", 2, 0x80000001u, BAD, 0, 0 }, /* tagged: high alone */
	{ LU, 0x0u, "\x00\xdc\x61\x00", 4, 0x80000002u, BAD, 0, 0 }, /* tagged: low then a */
	{ U16, 0x1u, "\x61\x00", 2, 0x1u, MIS, 0, 0 }, /* odd pointer */
	{ LU, 0x1u, "\x61", 1, 0x1u, MIS, 0, 0 }, /* latin-1 needs alignment 2 too */
	{ LU, 0x1u, "\x61\x00", 2, 0x80000001u, MIS, 0, 0 }, /* tagged, odd pointer */
	{ U8, 0x1u, "\x61", 1, 0x1u, 0, 0, 0x1u }, /* utf-8: any pointer */
	{ U8, 0xfffeu, "\x6f\x6b", 2, 0x2u, 0, 0, 0x2u }, /* strings.wast: at the end */
	{ U8, 0xffffu, "\x6f", 1, 0x2u, OOB, 0, 0 }, /* strings.wast: one past */
	{ U8, 0xdeadbeefu, "", 0, 0x0u, OOB, 0, 0 }, /* strings.wast: len 0 beyond */
	{ U8, 0x10000u, "", 0, 0x0u, 0, 0, 0x0u }, /* len 0 at the end */
	{ U8, 0x10001u, "", 0, 0x0u, OOB, 0, 0 }, /* len 0 one past */
	{ U8, 0xfffffffeu, "", 0, 0x4u, OOB, 0, 0 }, /* ptr + len wraps 32 bits */
	{ U16, 0xfffffffeu, "", 0, 0x2u, OOB, 0, 0 }, /* ptr + 2 * units wraps */
	{ U16, 0xfffeu, "", 0, 0x2u, OOB, 0, 0 }, /* utf-16 one unit past */
	{ U8, 0x0u, "", 0, 0x10000000u, LONG, 0, 0 }, /* 2^28 bytes */
	{ U8, 0x0u, "", 0, 0xfffffffu, OOB, 0, 0 }, /* 2^28 - 1: bounds */
	{ U16, 0x0u, "", 0, 0x8000000u, LONG, 0, 0 }, /* 2^27 units */
	{ U16, 0x0u, "", 0, 0x7ffffffu, OOB, 0, 0 }, /* 2^27 - 1 units: bounds */
	{ U16, 0x0u, "", 0, 0x80000000u, LONG, 0, 0 }, /* 2^31 units: 2 * units wraps 32 bits */
	{ U16, 0x0u, "", 0, 0xffffffffu, LONG, 0, 0 }, /* 2^32 - 1 units */
	{ LU, 0x0u, "", 0, 0x10000000u, LONG, 0, 0 }, /* latin-1 2^28 */
	{ LU, 0x0u, "", 0, 0xfffffffu, OOB, 0, 0 }, /* latin-1 2^28 - 1: bounds */
	{ LU, 0x0u, "", 0, 0x88000000u, LONG, 0, 0 }, /* tagged 2^27 units */
	{ LU, 0x0u, "", 0, 0x87ffffffu, OOB, 0, 0 }, /* tagged 2^27 - 1: bounds */
	{ LU, 0x0u, "", 0, 0xffffffffu, LONG, 0, 0 }, /* tagged 2^31 - 1 units */
	{ U16, 0x1u, "", 0, 0x8000000u, LONG, 0, 0 }, /* too long before misaligned */
	{ U16, 0x10001u, "", 0, 0x1u, MIS, 0, 0 }, /* misaligned before bounds */
};
#define NSRC (sizeof SRC_ROWS / sizeof SRC_ROWS[0])

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

static struct tb src_b;
static struct heap src_h;
static flue_flat_t src_in[2], src_out[2];
static uint32_t src_nout;
static struct flue_vmove src_m;

static void src_setup(const struct srow *r)
{
	const struct flue_tgraph *g;
	static uint16_t t;

	fx_setup();
	t = string_type(&src_b, &g);
	if (r->ptr < MEM_SIZE)
		memcpy(fx.a_mem + r->ptr, r->b, r->n);
	heap_init(&src_h, fx.b, fx.b_mem, 0, MEM_SIZE);
	src_in[0] = r->ptr;
	src_in[1] = r->tagged;
	src_nout = 0;
	src_m = (struct flue_vmove){
		.g = g, .ts = &t, .nts = 1,
		.src = { fx.a, NULL, NULL, r->enc }, .src_max_flat = 16, .flat = src_in, .nflat = 2,
		.dst = heap_cx(&src_h, r->enc), .dst_max_flat = 16,
		.flat_out = src_out, .nflat_out = &src_nout,
	};
}

static void src_row(uint32_t i, const struct srow *r)
{
	src_setup(r);
	if (r->reason == 0) {
		flue_vals_move(&src_m);
		ck(i, 1, src_nout, 2);
		ck(i, 3, (uint32_t)src_out[0], r->optr);
		ck(i, 4, (uint32_t)src_out[1], r->otagged);
		return;
	}
	ROW_TRAPS(i, r->reason, flue_vals_move(&src_m));
	ck(i, 0x20, src_h.ncalls, 0);           /* nothing lowered */
	ck(i, 0x21, FX_READ(fx.a->poisoned), 1); /* the source trapped */
	ck(i, 0x22, FX_READ(fx.b->poisoned), 0);
}

/* Invalid UTF-8 / UTF-16, misaligned, out-of-bounds and too-long source
 * strings (load_string_from_range; strings.wast's traps), each with its
 * reason and no realloc in the destination; and the edges that move. */
FT_TEST(string_source_traps)
{
	for (uint32_t i = 0; i < NSRC; i++)
		src_row(i, &SRC_ROWS[i]);
}

/* test_string('utf8', dst, s) for the three dst encodings */
FT_TEST(string_matrix_from_utf8)
{
	run_from(U8);
}

/* test_string('utf16', dst, s) for the three dst encodings */
FT_TEST(string_matrix_from_utf16)
{
	run_from(U16);
}

/* test_string('latin1+utf16', dst, s): latin-1 (untagged) where s fits,
 * and tagged utf-16, for the three dst encodings */
FT_TEST(string_matrix_from_latin1_utf16)
{
	run_from(LU);
}

FT_SUITE(vals_strings,
	 FT_CASE(string_matrix_from_utf8),
	 FT_CASE(string_matrix_from_utf16),
	 FT_CASE(string_matrix_from_latin1_utf16),
	 FT_CASE(string_source_traps))
