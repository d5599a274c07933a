/*
 * The wasm reader (tools/flue-build/wasm.h) on hand-made binaries at the
 * edges of the encoding: LEB128 at its limits (accepted and one step
 * beyond), a hand-encoded module using the encodings wat2wasm and clang do
 * not produce here, and every prefix and many one-byte mutations of valid
 * modules, which must fail cleanly (ASan and UBSan watch).
 *
 * Offsets in the comments are file offsets: the header takes 0x0..0x7, so
 * the first section's id is at 0x8, its length at 0x9, its contents at 0xa.
 */
#include "ftest.h"
#include "wasm.h"
#include "wasm_test.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------- LEB128 */

/* A module whose only section is a global section holding one immutable
 * global of type `t` initialised by `expr` (its instructions, without the
 * final 0x0B). The expression starts at 0xd, its first immediate at 0xe. */
static size_t global_module(uint8_t *out, uint8_t t, const uint8_t *expr, size_t n)
{
	static const uint8_t hdr[] = { HDR };
	memcpy(out, hdr, 8);
	out[8] = 0x06;                  /* global section */
	out[9] = (uint8_t)(n + 4);      /* length: count, type, mutability, expr, end */
	out[10] = 0x01;                 /* 1 global */
	out[11] = t;                    /* its type */
	out[12] = 0x00;                 /* immutable */
	memcpy(out + 13, expr, n);      /* the initialiser ... */
	out[13 + n] = 0x0B;             /* ... and its end */
	return 14 + n;
}

static void expect_init(uint8_t t, const uint8_t *expr, size_t n, uint64_t value)
{
	uint8_t b[64];
	struct wasm_module m;
	read_ok(&m, b, global_module(b, t, expr, n));
	FT_TRUE(m.globals[0].const_init);
	FT_EQ(m.globals[0].init, value);
	wasm_free(&m);
}

static void expect_init_error(uint8_t t, const uint8_t *expr, size_t n, size_t off,
			      const char *needle)
{
	uint8_t b[64];
	expect_error_at(b, global_module(b, t, expr, n), off, needle, NULL);
}

FT_TEST(leb_signed_edges)
{
	/* i32.const (0x41) and i64.const (0x42) at their limits: the value is
	 * kept sign-extended to 64 bits. */
	static const uint8_t min32[] = { 0x41, 0x80, 0x80, 0x80, 0x80, 0x78 }; /* -2^31 */
	static const uint8_t max32[] = { 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x07 }; /* 2^31 - 1 */
	static const uint8_t m1[] = { 0x41, 0x7F };                             /* -1 */
	static const uint8_t p64[] = { 0x41, 0xC0, 0x00 };                      /* 64 */
	static const uint8_t n64[] = { 0x41, 0x40 };                            /* -64 */
	static const uint8_t pad[] = { 0x41, 0x81, 0x80, 0x80, 0x80, 0x00 };   /* 1, padded */
	static const uint8_t min64[] = { 0x42, 0x80, 0x80, 0x80, 0x80, 0x80,
					 0x80, 0x80, 0x80, 0x80, 0x7F };       /* -2^63 */
	static const uint8_t max64[] = { 0x42, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					 0xFF, 0xFF, 0xFF, 0xFF, 0x00 };       /* 2^63 - 1 */
	expect_init(0x7F, min32, sizeof min32, (uint64_t)INT64_C(-2147483648));
	expect_init(0x7F, max32, sizeof max32, 2147483647);
	expect_init(0x7F, m1, sizeof m1, UINT64_MAX);
	expect_init(0x7F, p64, sizeof p64, 64);
	expect_init(0x7F, n64, sizeof n64, (uint64_t)INT64_C(-64));
	expect_init(0x7F, pad, sizeof pad, 1);
	expect_init(0x7E, min64, sizeof min64, UINT64_C(0x8000000000000000));
	expect_init(0x7E, max64, sizeof max64, INT64_MAX);

	/* The same at one step beyond: stray bits, or one byte too many. */
	static const uint8_t big32[] = { 0x41, 0x80, 0x80, 0x80, 0x80, 0x08 };  /* 2^31 */
	static const uint8_t mix32[] = { 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x77 };  /* bits 4..6 != bit 3 */
	static const uint8_t long32[] = { 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
	static const uint8_t big64[] = { 0x42, 0x80, 0x80, 0x80, 0x80, 0x80,
					 0x80, 0x80, 0x80, 0x80, 0x01 };        /* 2^63 */
	static const uint8_t long64[] = { 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					  0x80, 0x80, 0x80, 0x80, 0x00 };       /* 11 bytes */
	expect_init_error(0x7F, big32, sizeof big32, 0x12, "32-bit LEB128 has unused bits");
	expect_init_error(0x7F, mix32, sizeof mix32, 0x12, "32-bit LEB128 has unused bits");
	expect_init_error(0x7F, long32, sizeof long32, 0x12, "LEB128 longer than 5 bytes");
	expect_init_error(0x7E, big64, sizeof big64, 0x17, "64-bit LEB128 has unused bits");
	expect_init_error(0x7E, long64, sizeof long64, 0x17, "LEB128 longer than 10 bytes");
}

FT_TEST(leb_unsigned_edges)
{
	static const uint8_t max[] = { HDR,
		0x05, 0x07, 0x01,             /* memory section, 7 bytes, 1 memory */
		0x00,                         /* flags 0: no maximum */
		0xFF, 0xFF, 0xFF, 0xFF, 0x0F, /* min 2^32 - 1, the largest u32 */
	};
	struct wasm_module m;
	read_ok(&m, max, sizeof max);
	FT_EQ(m.memories[0].min, UINT32_MAX);
	wasm_free(&m);
	static const uint8_t over[] = { HDR,
		0x05, 0x07, 0x01, 0x00,
		0xFF, 0xFF, 0xFF, 0xFF, 0x1F, /* bit 32 set in the 5th byte (0x10) */
	};
	EXPECT_ERROR(over, 0x10, "memory: 32-bit LEB128 has unused bits");
	static const uint8_t u64[] = { HDR,
		0x05, 0x0C, 0x01,             /* memory section, 12 bytes, 1 memory */
		0x04,                         /* flags 4: 64-bit, no maximum */
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, /* min 2^64 - 1 */
	};
	read_ok(&m, u64, sizeof u64);
	FT_TRUE(m.memories[0].is64);
	FT_EQ(m.memories[0].min, UINT64_MAX);
	wasm_free(&m);
	static const uint8_t over64[] = { HDR,
		0x05, 0x0C, 0x01, 0x04,
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, /* bit 64 (0x15) */
	};
	EXPECT_ERROR(over64, 0x15, "64-bit LEB128 has unused bits");
}

/* ---------------------------------------------- a hand-encoded module */

/* Encodings wat2wasm and clang do not produce here: custom sections at
 * both ends, a memory64 import with limits above 2^32, a tag import, a
 * table with an initialiser (0x40 0x00), a table64, a shared memory,
 * v128.const / extended-const / ref.null / ref.func initialisers, element
 * encodings 2, 5 and 7, data encodings 0, 1 and 2 (memory 0 and 1), an
 * i32.const -1 offset (address 0xFFFFFFFF), and padded LEB128 lengths. */
static const uint8_t kitchen_sink[] = {
	HDR,
	0x00, 0x07, 0x04, 'n', 'o', 't', 'e', 0xFF, 0x00,  /* custom "note", payload FF 00 */
	0x01, 0x0A, 0x02,                                  /* type section, 10 bytes, 2 types */
	0x60, 0x00, 0x00,                                  /*   0: () -> () */
	0x60, 0x02, 0x7F, 0x7B, 0x01, 0x6F,                /*   1: (i32 v128) -> externref */
	0x02, 0x1C, 0x02,                                  /* import section, 28 bytes, 2 imports */
	0x01, 'm', 0x05, 'm', 'e', 'm', '6', '4',          /*   "m" "mem64" */
	0x02, 0x05,                                        /*   memory, flags 5: 64-bit, max */
	0x80, 0x80, 0x80, 0x80, 0x20,                      /*   min 2^33 */
	0x80, 0x80, 0x80, 0x80, 0x40,                      /*   max 2^34 */
	0x01, 'm', 0x01, 't', 0x04, 0x00, 0x00,            /*   "m" "t": tag, attribute 0, type 0 */
	0x03, 0x02, 0x01, 0x00,                            /* function section: 1 function, type 0 */
	0x04, 0x0D, 0x02,                                  /* table section, 13 bytes, 2 tables */
	0x40, 0x00, 0x70, 0x00, 0x01,                      /*   initialised funcref table, min 1 */
	0xD0, 0x70, 0x0B,                                  /*   init: ref.null func, end */
	0x6F, 0x05, 0x02, 0x03,                            /*   externref table64, min 2, max 3 */
	0x05, 0x04, 0x01, 0x03, 0x01, 0x02,                /* memory section: shared, min 1, max 2 */
	0x0D, 0x03, 0x01, 0x00, 0x00,                      /* tag section: 1 tag, type 0 */
	0x06, 0x36, 0x05,                                  /* global section, 54 bytes, 5 globals */
	0x7B, 0x00, 0xFD, 0x0C,                            /*   v128: v128.const */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x0B,
	0x7F, 0x01, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B,    /*   mut i32: i32.const 1 2, i32.add */
	0x6F, 0x00, 0xD0, 0x6F, 0x0B,                      /*   externref: ref.null extern */
	0x70, 0x00, 0xD2, 0x00, 0x0B,                      /*   funcref: ref.func 0 */
	0x7E, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80,    /*   i64: i64.const -2^63 */
	0x80, 0x80, 0x80, 0x80, 0x7F, 0x0B,
	0x07, 0x0E, 0x03,                                  /* export section, 14 bytes, 3 exports */
	0x01, 'f', 0x00, 0x00,                             /*   "f": function 0 */
	0x02, 0xC3, 0xA9, 0x03, 0x04,                      /*   "é": global 4 */
	0x01, 't', 0x04, 0x01,                             /*   "t": tag 1 (the defined one) */
	0x08, 0x01, 0x00,                                  /* start section: function 0 */
	0x09, 0x18, 0x03,                                  /* element section, 24 bytes, 3 segments */
	0x02, 0x01, 0x41, 0x05, 0x0B, 0x00, 0x01, 0x00,    /*   2: table 1, at 5, funcref: [0] */
	0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,                /*   5: passive externref [null] */
	0x07, 0x70, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B, /* 7: declarative funcref, 2 exprs */
	0x0C, 0x01, 0x04,                                  /* data count section: 4 */
	0x0A, 0x84, 0x80, 0x80, 0x80, 0x00,                /* code section, 4 bytes (padded LEB) */
	0x01, 0x02, 0x00, 0x0B,                            /*   1 body: 2 bytes, no locals, end */
	0x0B, 0x21, 0x04,                                  /* data section, 33 bytes, 4 segments */
	0x02, 0x00, 0x41, 0x80, 0x20, 0x0B, 0x03, 'a', 'b', 'c', /* memory 0 at 4096: "abc" */
	0x02, 0x01, 0x41, 0x80, 0x80, 0x04, 0x0B, 0x02, 'x', 'y', /* memory 1 at 65536: "xy" */
	0x01, 0x04, 'p', 'a', 's', 's',                    /*   passive "pass" */
	0x00, 0x41, 0x7F, 0x0B, 0x01, 'z',                 /*   memory 0 at i32.const -1: "z" */
	0x00, 0x04, 0x03, 'e', 'n', 'd',                   /* custom "end" */
};

FT_TEST(hand_encoded_module)
{
	struct wasm_module m;
	read_ok(&m, kitchen_sink, sizeof kitchen_sink);
	FT_EQ(m.ntypes, 2);
	FT_EQ(m.types[1].nparams, 2);
	FT_EQ(m.types[1].params[1], WASM_V128);
	FT_EQ(m.types[1].results[0], WASM_EXTERNREF);
	FT_EQ(m.nimports, 2);
	FT_EQ(strcmp(m.imports[0].field, "mem64"), 0);
	FT_EQ(m.imports[0].kind, WASM_EXTERN_MEMORY);
	FT_TRUE(m.imports[0].limits.is64 && m.imports[0].limits.has_max);
	FT_FALSE(m.imports[0].limits.shared);
	FT_EQ(m.imports[0].limits.min, UINT64_C(1) << 33);
	FT_EQ(m.imports[0].limits.max, UINT64_C(1) << 34);
	FT_EQ(m.imports[1].kind, WASM_EXTERN_TAG);
	FT_EQ(m.nimported_memories, 1);
	FT_EQ(m.nimported_tags, 1);
	FT_EQ(m.nfuncs, 1);
	FT_EQ(m.ntables, 2);
	FT_EQ(m.table_elem[0], WASM_FUNCREF);
	FT_EQ(m.tables[0].min, 1);
	FT_FALSE(m.tables[0].has_max);
	FT_EQ(m.table_elem[1], WASM_EXTERNREF);
	FT_TRUE(m.tables[1].is64 && m.tables[1].has_max);
	FT_EQ(m.tables[1].max, 3);
	FT_EQ(m.nmemories, 1);
	FT_TRUE(m.memories[0].shared && m.memories[0].has_max);
	FT_EQ(m.memories[0].max, 2);
	FT_EQ(m.ntags, 1);
	FT_EQ(m.nglobals, 5);
	FT_EQ(m.globals[0].valtype, WASM_V128);
	FT_FALSE(m.globals[0].const_init);
	FT_TRUE(m.globals[1].mut);
	FT_FALSE(m.globals[1].const_init); /* extended-const: more than one instruction */
	FT_FALSE(m.globals[2].const_init);
	FT_FALSE(m.globals[3].const_init);
	FT_TRUE(m.globals[4].const_init);
	FT_EQ(m.globals[4].init, UINT64_C(0x8000000000000000));
	FT_EQ(m.nexports, 3);
	FT_EQ(wasm_find_export(&m, "\xc3\xa9")->index, 4);
	FT_EQ(wasm_find_export(&m, "t")->kind, WASM_EXTERN_TAG);
	FT_TRUE(m.has_start);
	FT_EQ(m.nelem, 3);
	FT_EQ(m.elems[0].mode, WASM_SEG_ACTIVE);
	FT_EQ(m.elems[0].table, 1);
	FT_EQ(m.elems[0].offset, 5);
	FT_EQ(m.elems[1].mode, WASM_SEG_PASSIVE);
	FT_EQ(m.elems[1].reftype, WASM_EXTERNREF);
	FT_EQ(m.elems[2].mode, WASM_SEG_DECLARATIVE);
	FT_EQ(m.elems[2].count, 2);
	FT_TRUE(m.has_datacount);
	FT_EQ(m.code_bytes, 4);
	FT_EQ(m.ndata, 4);
	FT_EQ(m.data[1].memory, 1);
	FT_EQ(m.data[3].offset, UINT32_MAX);
	FT_EQ(m.data_bytes, 3 + 2 + 4 + 1);
	FT_EQ(m.data_end, UINT64_C(0x100000000)); /* memory 1's segment does not count */
	wasm_free(&m);
}

/* --------------------------------------------- prefixes and mutations */

static const uint8_t small_module[] = {
	HDR, ONE_TYPE,
	0x02, 0x0E, 0x02,                         /* import section, 14 bytes, 2 imports */
	0x01, 'e', 0x01, 'f', 0x00, 0x00,         /*   "e" "f": function of type 0 */
	0x01, 'e', 0x01, 'g', 0x03, 0x7F, 0x01,   /*   "e" "g": mutable i32 global (mistyped) */
	0x03, 0x02, 0x01, 0x00,                   /* function section: 1 function, type 0 */
	0x07, 0x05, 0x01, 0x01, 'r', 0x00, 0x01,  /* export section: "r" = function 1 */
	0x0A, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0B, /* code: call 0 */
};

static const struct { const uint8_t *b; size_t n; } valid[] = {
	{ kitchen_sink, sizeof kitchen_sink },
	{ small_module, sizeof small_module },
};

FT_TEST(truncated_prefixes)
{
	for (size_t v = 0; v < sizeof valid / sizeof valid[0]; v++) {
		struct wasm_module m;
		struct wasm_error err;
		read_ok(&m, valid[v].b, valid[v].n);
		wasm_free(&m);
		for (size_t cut = 0; cut < valid[v].n; cut++) {
			if (wasm_read(&m, valid[v].b, cut, &err) == 0) {
				FT_TRUE(cut >= 8 && at_boundary(valid[v].b, valid[v].n, cut));
				wasm_free(&m);
				continue;
			}
			FT_EQ(strncmp(err.msg, "offset 0x", 9), 0);
			FT_TRUE(m.bytes == NULL);
		}
	}
}

/* Every byte replaced by a few troublesome values: the reader accepts or
 * refuses, without reading out of bounds, leaking, or overflowing. */
FT_TEST(one_byte_mutations)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x0B, 0x40, 0x60, 0x7F, 0x80, 0xC3, 0xFF };
	uint8_t b[sizeof kitchen_sink];
	for (size_t v = 0; v < sizeof valid / sizeof valid[0]; v++) {
		for (size_t i = 0; i < valid[v].n; i++) {
			for (size_t k = 0; k < sizeof values; k++) {
				struct wasm_module m;
				struct wasm_error err;
				memcpy(b, valid[v].b, valid[v].n);
				b[i] = values[k];
				if (wasm_read(&m, b, valid[v].n, &err) == 0)
					wasm_free(&m);
				else
					FT_EQ(strncmp(err.msg, "offset 0x", 9), 0);
			}
		}
	}
}

FT_SUITE(wasm_encodings, FT_CASE(leb_signed_edges), FT_CASE(leb_unsigned_edges),
	 FT_CASE(hand_encoded_module), FT_CASE(truncated_prefixes), FT_CASE(one_byte_mutations))
