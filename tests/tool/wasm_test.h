/*
 * Shared by the wasm reader's suites (test_wasm*.c): the module preamble,
 * reading fixtures and byte arrays, the expected-error check and an
 * independent walk over section boundaries.
 */
#ifndef FLUE_TOOL_WASM_TEST_H
#define FLUE_TOOL_WASM_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ftest.h"
#include "wasm.h"

/* \0asm, then version 1 (little-endian u32) */
#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00
/* type section (id 1, 4 bytes): 1 type, 0x60 () -> (); at 0x8..0xd */
#define ONE_TYPE 0x01, 0x04, 0x01, 0x60, 0x00, 0x00

/* wasm_read must fail with "offset 0x<off>: " and a message containing
 * each of the needles; the module must be left empty. */
static inline void expect_error_at(const uint8_t *b, size_t n, size_t off, const char *needle,
				   const char *needle2)
{
	struct wasm_module m;
	struct wasm_error err;
	char prefix[32];
	memset(&m, 0x5A, sizeof m);
	snprintf(prefix, sizeof prefix, "offset 0x%zx: ", off);
	int rc = wasm_read(&m, b, n, &err);
	if (rc == 0) {
		wasm_free(&m);
		FT_FAIL("malformed module accepted");
	}
	bool ok = strncmp(err.msg, prefix, strlen(prefix)) == 0 && strstr(err.msg, needle) != NULL &&
		  (needle2 == NULL || strstr(err.msg, needle2) != NULL);
	if (!ok) {
		printf("  message:  %s\n  expected: %s... %s %s\n", err.msg, prefix, needle,
		       needle2 != NULL ? needle2 : "");
		FT_FAIL("wrong error");
	}
	FT_TRUE(m.bytes == NULL && m.types == NULL && m.imports == NULL && m.nimports == 0);
}

#define EXPECT_ERROR(arr, off, needle) expect_error_at(arr, sizeof arr, off, needle, NULL)
#define EXPECT_ERROR2(arr, off, n1, n2) expect_error_at(arr, sizeof arr, off, n1, n2)

static inline void read_ok(struct wasm_module *m, const uint8_t *b, size_t n)
{
	struct wasm_error err;
	if (wasm_read(m, b, n, &err) != 0) {
		printf("  %s\n", err.msg);
		FT_FAIL("valid module refused");
	}
}

#ifdef FLUE_WASM_FIXTURES
/* Reads fixture `name` (e.g. "defs.wasm"); fails the test if it cannot. */
static inline void load(struct wasm_module *m, const char *name)
{
	char path[512];
	struct wasm_error err;
	snprintf(path, sizeof path, "%s/%s", FLUE_WASM_FIXTURES, name);
	if (wasm_read_file(m, path, &err) != 0) {
		printf("  %s\n", err.msg);
		FT_FAIL("fixture not readable (were wat2wasm/clang found at configure time?)");
	}
}
#endif

/* Whether `cut` falls on a section boundary of the well-formed module b
 * (walked here independently of the reader). */
static inline bool at_boundary(const uint8_t *b, size_t n, size_t cut)
{
	size_t pos = 8;
	while (pos < n && pos < cut) {
		uint32_t len = 0;
		unsigned shift = 0;
		pos++;
		do
			len |= (uint32_t)(b[pos] & 0x7F) << shift, shift += 7;
		while (b[pos++] & 0x80);
		pos += len;
	}
	return pos == cut;
}

#endif /* FLUE_TOOL_WASM_TEST_H */
