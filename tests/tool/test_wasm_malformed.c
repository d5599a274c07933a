/*
 * The wasm reader (tools/flue-build/wasm.h) on malformed binaries made by
 * hand: one input per rule, with the offset and the words the message must
 * have, and the UTF-8 rules. (Valid encodings at their limits, every prefix
 * and one-byte mutations: test_wasm_encodings.c.)
 *
 * Offsets in the comments are file offsets: the header takes 0x0..0x7, so
 * the first section's id is at 0x8, its length at 0x9, its contents at 0xa.
 */
#include "ftest.h"
#include "wasm.h"
#include "wasm_test.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ preamble */

FT_TEST(empty_file)
{
	static const uint8_t none[1] = { 0 };
	expect_error_at(none, 0, 0, "empty file", NULL);
}

FT_TEST(bad_magic)
{
	static const uint8_t b[] = { 0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00 }; /* "\0asn" */
	EXPECT_ERROR(b, 0, "does not start with \\0asm");
	static const uint8_t elf[] = { 0x7F, 0x45, 0x4C }; /* shorter than the magic */
	EXPECT_ERROR(elf, 0, "not a WebAssembly binary");
}

FT_TEST(bad_version)
{
	static const uint8_t b[] = { 0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00 }; /* version 2 */
	EXPECT_ERROR(b, 4, "unsupported binary version 0x00000002");
	static const uint8_t shorter[] = { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00 }; /* version cut */
	EXPECT_ERROR(shorter, 6, "truncated header");
}

FT_TEST(component_refused)
{
	/* \0asm, version 0x000d, layer 1: a component binary */
	static const uint8_t b[] = { 0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00,
				     0x01, 0x00 }; /* (a first section id / length) */
	EXPECT_ERROR2(b, 4, "WebAssembly component", "not a core module");
	EXPECT_ERROR2(b, 4, "flue-build needs the core module", "wasm-tools component new");
}

/* ------------------------------------------------------------ sections */

FT_TEST(truncated_section)
{
	static const uint8_t b[] = { HDR,
		0x01, 0x04,       /* type section, 4 bytes */
		0x01,             /* 1 type */
		0x60, 0x01, 0x7F, /* func, 1 param: i32; the result count is cut off (0xe) */
	};
	EXPECT_ERROR2(b, 0xe, "type section: result type", "unexpected end of the section");
}

FT_TEST(section_length_past_end)
{
	static const uint8_t b[] = { HDR,
		0x01, 0x0A,             /* type section, 10 bytes ... */
		0x01, 0x60, 0x00, 0x00, /* ... but only 4 follow */
	};
	EXPECT_ERROR(b, 0x8, "type section: length 10 runs past the end of the file (4 bytes left)");
	static const uint8_t cut_len[] = { HDR, 0x01, 0x80 }; /* the length's LEB128 is cut */
	EXPECT_ERROR2(cut_len, 0xa, "section length", "unexpected end of the file");
}

FT_TEST(leb_too_long)
{
	static const uint8_t b[] = { HDR,
		0x01, 0x06,                         /* type section, 6 bytes */
		0x80, 0x80, 0x80, 0x80, 0x80, 0x00, /* type count 0 in 6 bytes: the 5th (0xe) continues */
	};
	EXPECT_ERROR2(b, 0xe, "type count", "LEB128 longer than 5 bytes");
}

FT_TEST(leb_stray_high_bits)
{
	static const uint8_t b[] = { HDR,
		0x01, 0x05,                   /* type section, 5 bytes */
		0x80, 0x80, 0x80, 0x80, 0x10, /* type count: bit 32 set in the 5th byte (0xe) */
	};
	EXPECT_ERROR2(b, 0xe, "type count", "32-bit LEB128 has unused bits set");
	static const uint8_t len[] = { HDR,
		0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, /* section length with bits 32..34 set (0xd) */
	};
	EXPECT_ERROR(len, 0xd, "section length: 32-bit LEB128 has unused bits set");
}

FT_TEST(sections_out_of_order)
{
	static const uint8_t b[] = { HDR,
		0x03, 0x01, 0x00, /* function section: 0 functions */
		0x01, 0x01, 0x00, /* type section (0xb): must come first */
	};
	EXPECT_ERROR(b, 0xb, "type section out of order: it must come before the function section");
	static const uint8_t tag[] = { HDR,
		0x06, 0x01, 0x00, /* global section: 0 globals */
		0x0D, 0x01, 0x00, /* tag section (0xb): belongs between memory and global */
	};
	EXPECT_ERROR(tag, 0xb, "tag section out of order: it must come before the global section");
	static const uint8_t count[] = { HDR,
		0x0A, 0x01, 0x00, /* code section: 0 bodies */
		0x0C, 0x01, 0x00, /* data count section (0xb): belongs before the code */
	};
	EXPECT_ERROR(count, 0xb, "data count section out of order");
}

FT_TEST(duplicate_section)
{
	static const uint8_t b[] = { HDR,
		0x01, 0x01, 0x00, /* type section: 0 types */
		0x01, 0x01, 0x00, /* type section again (0xb) */
	};
	EXPECT_ERROR(b, 0xb, "duplicate type section");
	static const uint8_t customs[] = { HDR,
		0x00, 0x02, 0x01, 0x61, /* custom section "a" */
		0x01, 0x01, 0x00,       /* type section: 0 types */
		0x00, 0x02, 0x01, 0x61, /* custom section "a" again: fine */
	};
	struct wasm_module m;
	read_ok(&m, customs, sizeof customs);
	wasm_free(&m);
}

FT_TEST(unknown_section_id)
{
	static const uint8_t b[] = { HDR, 0x0E, 0x00 }; /* section id 14, empty */
	EXPECT_ERROR(b, 0x8, "unknown section id 14");
}

FT_TEST(section_size_mismatch)
{
	static const uint8_t b[] = { HDR,
		0x01, 0x03,       /* type section, 3 bytes */
		0x00,             /* 0 types */
		0x00, 0x00,       /* 2 bytes the contents do not account for (0xb) */
	};
	EXPECT_ERROR(b, 0xb, "type section: 2 bytes left over");
}

/* ---------------------------------------------------------------- names */

FT_TEST(invalid_utf8_name)
{
	static const uint8_t b[] = { HDR,
		0x02, 0x09,             /* import section, 9 bytes */
		0x01,                   /* 1 import */
		0x02, 0xC3, 0x28,       /* module name (0xb): 0xC3 then a non-continuation byte */
		0x01, 0x66,             /* field name "f" */
		0x03, 0x7F, 0x00,       /* global i32, immutable */
	};
	EXPECT_ERROR(b, 0xb, "import module name: not valid UTF-8");
	static const uint8_t custom[] = { HDR,
		0x00, 0x03,             /* custom section, 3 bytes */
		0x02, 0xC0, 0x80,       /* name (0xa): overlong encoding of U+0000 */
	};
	EXPECT_ERROR(custom, 0xa, "custom section name: not valid UTF-8");
	static const uint8_t nul[] = { HDR,
		0x00, 0x03,             /* custom section, 3 bytes */
		0x02, 0x61, 0x00,       /* name (0xa): "a", U+0000 */
	};
	EXPECT_ERROR(nul, 0xa, "contains U+0000");
	static const uint8_t past[] = { HDR,
		0x02, 0x03,             /* import section, 3 bytes */
		0x01,                   /* 1 import */
		0x05, 0x61,             /* module name (0xb): 5 bytes, 1 left */
	};
	EXPECT_ERROR(past, 0xb, "import module name: length 5 runs past the end of the section");
}

FT_TEST(utf8_rules)
{
	static const char *const good[] = { "", "a", "\xc3\xa9", "\xe2\x82\xac", "\xef\xbf\xbf",
					    "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf" };
	static const char *const bad[] = {
		"\x80",             /* lone continuation byte */
		"\xc3",             /* cut two-byte sequence */
		"\xe2\x82",         /* cut three-byte sequence */
		"\xc0\x80",         /* overlong U+0000 */
		"\xc1\xbf",         /* overlong U+007F */
		"\xe0\x80\x80",     /* overlong three-byte */
		"\xf0\x80\x80\x80", /* overlong four-byte */
		"\xed\xa0\x80",     /* surrogate U+D800 */
		"\xed\xbf\xbf",     /* surrogate U+DFFF */
		"\xf4\x90\x80\x80", /* U+110000 */
		"\xf5\x80\x80\x80", /* lead byte past U+10FFFF */
		"\xff",
		"a\xe2\x28\xa1",    /* bad continuation in the middle */
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		FT_TRUE(wasm_utf8_valid((const uint8_t *)good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		FT_FALSE(wasm_utf8_valid((const uint8_t *)bad[i], strlen(bad[i])));
}

/* -------------------------------------------------------------- entries */

FT_TEST(unknown_import_kind)
{
	static const uint8_t b[] = { HDR,
		0x02, 0x06,             /* import section, 6 bytes */
		0x01,                   /* 1 import */
		0x01, 0x6D,             /* module "m" */
		0x01, 0x66,             /* field "f" */
		0x05,                   /* kind 5 (0xf): no such kind */
	};
	EXPECT_ERROR(b, 0xf, "import 0: unknown import kind 0x05");
}

FT_TEST(import_type_index_out_of_range)
{
	static const uint8_t b[] = { HDR, ONE_TYPE,
		0x02, 0x07,             /* import section (0xe), 7 bytes */
		0x01,                   /* 1 import */
		0x01, 0x6D, 0x01, 0x66, /* "m" "f" */
		0x00, 0x01,             /* func (0x15) of type 1 (0x16): there is only type 0 */
	};
	EXPECT_ERROR(b, 0x16, "imported function: type index 1 out of range (1 types)");
	static const uint8_t tag[] = { HDR,
		0x02, 0x08, 0x01,       /* import section, 8 bytes, 1 import */
		0x01, 0x6D, 0x01, 0x66, /* "m" "f" */
		0x04, 0x00, 0x00,       /* tag, attribute 0, type 0 (0x11): no types at all */
	};
	EXPECT_ERROR(tag, 0x11, "imported tag: type index 0 out of range (0 types)");
}

FT_TEST(function_type_index_out_of_range)
{
	static const uint8_t b[] = { HDR, ONE_TYPE,
		0x03, 0x02,             /* function section (0xe), 2 bytes */
		0x01, 0x05,             /* 1 function of type 5 (0x11) */
	};
	EXPECT_ERROR(b, 0x11, "function section: function: type index 5 out of range (1 types)");
}

FT_TEST(function_code_count_mismatch)
{
	static const uint8_t b[] = { HDR, ONE_TYPE,
		0x03, 0x02, 0x01, 0x00, /* function section: 1 function of type 0 */
		0x0A, 0x01, 0x00,       /* code section (0x12): 0 bodies (count at 0x14) */
	};
	EXPECT_ERROR(b, 0x14, "0 function bodies, but the function section declares 1 functions");
	static const uint8_t no_code[] = { HDR, ONE_TYPE,
		0x03, 0x02, 0x01, 0x00, /* function section: 1 function; the file ends (0x12) */
	};
	EXPECT_ERROR(no_code, 0x12, "declares 1 functions but there is no code section");
	static const uint8_t body_past[] = { HDR, ONE_TYPE,
		0x03, 0x02, 0x01, 0x00, /* function section: 1 function */
		0x0A, 0x04, 0x01,       /* code section, 4 bytes, 1 body */
		0x05, 0x00, 0x0B,       /* body size 5 (0x15), 2 bytes left */
	};
	EXPECT_ERROR(body_past, 0x15, "function body 0: size 5 runs past the end of the section");
}

FT_TEST(bad_types)
{
	static const uint8_t array[] = { HDR,
		0x01, 0x03, 0x01,       /* type section, 3 bytes, 1 type */
		0x5E, 0x7F, 0x01,       /* form 0x5E (0xb): a GC array type */
	};
	EXPECT_ERROR(array, 0xb, "form 0x5e is not a function type");
	static const uint8_t valtype[] = { HDR,
		0x01, 0x05, 0x01, 0x60, /* type section, 5 bytes, 1 function type */
		0x01, 0x40, 0x00,       /* 1 param of type 0x40 (0xd) */
	};
	EXPECT_ERROR(valtype, 0xd, "unknown or unsupported value type 0x40");
	static const uint8_t count[] = { HDR,
		0x01, 0x02, 0x05, 0x60, /* type section, 2 bytes: 5 types in 1 byte (count at 0xa) */
	};
	EXPECT_ERROR(count, 0xa, "type count: 5 entries cannot fit in the 1 bytes left");
}

FT_TEST(bad_limits_and_globals)
{
	static const uint8_t mem[] = { HDR, 0x05, 0x03, 0x01, 0x08, 0x00 }; /* memory, flags 8 (0xb) */
	EXPECT_ERROR(mem, 0xb, "memory section: memory: unknown limits flags 0x08");
	static const uint8_t table[] = { HDR,
		0x04, 0x05, 0x01,       /* table section, 5 bytes, 1 table */
		0x70, 0x03, 0x01, 0x02, /* funcref, flags 3 (0xc): tables cannot be shared */
	};
	EXPECT_ERROR(table, 0xc, "unknown limits flags 0x03");
	static const uint8_t reftype[] = { HDR, 0x04, 0x04, 0x01, 0x7F, 0x00, 0x01 }; /* i32 table */
	EXPECT_ERROR(reftype, 0xb, "unknown or unsupported reference type 0x7f");
	static const uint8_t reserved[] = { HDR,
		0x04, 0x08, 0x01,       /* table section, 8 bytes, 1 table */
		0x40, 0x01,             /* table with initialiser; reserved byte 1 (0xc) */
		0x70, 0x00, 0x01, 0xD0, 0x70, 0x0B,
	};
	EXPECT_ERROR(reserved, 0xc, "reserved byte 0x01 is not 0");
	static const uint8_t mut[] = { HDR,
		0x06, 0x06, 0x01,       /* global section, 6 bytes, 1 global */
		0x7F, 0x02,             /* i32, mutability 2 (0xc) */
		0x41, 0x00, 0x0B,
	};
	EXPECT_ERROR(mut, 0xc, "invalid mutability 0x02");
	static const uint8_t nonconst[] = { HDR,
		0x06, 0x06, 0x01, 0x7F, 0x00, /* global section, 1 global: i32, immutable */
		0x20, 0x00, 0x0B,             /* local.get 0 (0xd): not a constant instruction */
	};
	EXPECT_ERROR(nonconst, 0xd, "opcode 0x20 is not allowed in a constant expression");
	static const uint8_t noend[] = { HDR,
		0x06, 0x05, 0x01, 0x7F, 0x00, /* global section, 1 global: i32, immutable */
		0x41, 0x00,                   /* i32.const 0 without its end (0x0B) at 0xf */
	};
	EXPECT_ERROR(noend, 0xf, "unexpected end of the section");
	static const uint8_t tag[] = { HDR, ONE_TYPE,
		0x0D, 0x03, 0x01,       /* tag section (0xe), 3 bytes, 1 tag */
		0x01, 0x00,             /* attribute 1 (0x11) */
	};
	EXPECT_ERROR(tag, 0x11, "unknown tag attribute 0x01");
}

FT_TEST(bad_exports_and_start)
{
	static const uint8_t range[] = { HDR,
		0x07, 0x05, 0x01,       /* export section, 5 bytes, 1 export */
		0x01, 0x66, 0x00, 0x00, /* "f": function 0 (index at 0xe); there are none */
	};
	EXPECT_ERROR(range, 0xe, "export: function index 0 out of range (0 functions)");
	static const uint8_t kind[] = { HDR, 0x07, 0x05, 0x01, 0x01, 0x66, 0x05, 0x00 }; /* kind 5 */
	EXPECT_ERROR(kind, 0xd, "export 0: unknown export kind 0x05");
	static const uint8_t dup[] = { HDR,
		0x05, 0x03, 0x01, 0x00, 0x01, /* memory section: 1 memory, min 1 */
		0x07, 0x09, 0x02,             /* export section (0xd), 9 bytes, 2 exports */
		0x01, 0x61, 0x02, 0x00,       /* "a": memory 0 */
		0x01, 0x61, 0x02, 0x00,       /* "a" again (0x14) */
	};
	EXPECT_ERROR(dup, 0x14, "exports 0 and 1 are both named \"a\"");
	static const uint8_t start[] = { HDR, 0x08, 0x01, 0x00 }; /* start: function 0 (0xa) */
	EXPECT_ERROR(start, 0xa, "start section: start: function index 0 out of range");
}

FT_TEST(bad_segments)
{
	static const uint8_t elem[] = { HDR, 0x09, 0x02, 0x01, 0x08 }; /* element flags 8 (0xb) */
	EXPECT_ERROR(elem, 0xb, "element segment 0: unknown flags 8");
	static const uint8_t kind[] = { HDR,
		0x09, 0x04, 0x01,       /* element section, 4 bytes, 1 segment */
		0x01, 0x01, 0x00,       /* passive, element kind 1 (0xc), 0 elements */
	};
	EXPECT_ERROR(kind, 0xc, "element segment 0: unknown element kind 0x01");
	static const uint8_t data[] = { HDR, 0x0B, 0x02, 0x01, 0x03 }; /* data flags 3 (0xb) */
	EXPECT_ERROR(data, 0xb, "data segment 0: unknown flags 3");
	static const uint8_t big[] = { HDR,
		0x0B, 0x04, 0x01,       /* data section, 4 bytes, 1 segment */
		0x01, 0x09, 0x61,       /* passive, 9 bytes (size at 0xc), 1 follows */
	};
	EXPECT_ERROR(big, 0xc, "data segment 0: size 9 runs past the end of the section");
	static const uint8_t count[] = { HDR,
		0x0C, 0x01, 0x02,       /* data count section: 2 segments */
		0x0B, 0x01, 0x00,       /* data section: 0 segments (count at 0xd) */
	};
	EXPECT_ERROR(count, 0xd, "0 data segments, but the data count section says 2");
	static const uint8_t missing[] = { HDR, 0x0C, 0x01, 0x02 }; /* data count 2, no data (0xb) */
	EXPECT_ERROR(missing, 0xb, "no data section");
}

FT_SUITE(wasm_malformed, FT_CASE(empty_file), FT_CASE(bad_magic), FT_CASE(bad_version),
	 FT_CASE(component_refused), FT_CASE(truncated_section), FT_CASE(section_length_past_end),
	 FT_CASE(leb_too_long), FT_CASE(leb_stray_high_bits), FT_CASE(sections_out_of_order),
	 FT_CASE(duplicate_section), FT_CASE(unknown_section_id), FT_CASE(section_size_mismatch),
	 FT_CASE(invalid_utf8_name), FT_CASE(utf8_rules), FT_CASE(unknown_import_kind),
	 FT_CASE(import_type_index_out_of_range), FT_CASE(function_type_index_out_of_range),
	 FT_CASE(function_code_count_mismatch), FT_CASE(bad_types), FT_CASE(bad_limits_and_globals),
	 FT_CASE(bad_exports_and_start), FT_CASE(bad_segments))
