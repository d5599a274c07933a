/*
 * The import/export renamer (wasm_rewrite_names in tools/flue-build/wasm.h)
 * on the fixtures of tests/tool/wasm: the names change, the re-read module
 * has the same structure, every section other than the import and export
 * sections stays byte for byte (custom sections included), duplicate and
 * malformed names are refused, and wabt's wasm-validate and wasm2c accept
 * the output.
 */
#include "ftest.h"
#include "wasm.h"
#include "wasm_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FLUE_WASM_FIXTURES
#error "FLUE_WASM_FIXTURES (the built tests/tool/wasm fixtures) must be defined"
#endif

static void reread(struct wasm_module *m, const uint8_t *b, size_t n)
{
	struct wasm_error err;
	if (wasm_read(m, b, n, &err) != 0) {
		printf("  %s\n", err.msg);
		FT_FAIL("the rewritten module does not read back");
	}
}

/* ---------------------------------------------- independent section walk */

struct section {
	uint8_t id;
	size_t start, end; /* from the id byte to the end of the contents */
};

/* The sections of a well-formed module, in file order. */
static size_t sections_of(const uint8_t *b, size_t n, struct section *out, size_t max)
{
	size_t pos = 8, k = 0;
	while (pos < n && k < max) {
		out[k].id = b[pos];
		out[k].start = pos++;
		uint32_t len = 0;
		unsigned shift = 0;
		do
			len |= (uint32_t)(b[pos] & 0x7F) << shift, shift += 7;
		while (b[pos++] & 0x80);
		out[k++].end = pos + len;
		pos += len;
	}
	return k;
}

/* All sections but the import (2) and export (7) sections are the same
 * bytes in the same order. */
static void expect_other_sections_kept(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	struct section sa[64], sb[64];
	size_t ka = sections_of(a, na, sa, 64), kb = sections_of(b, nb, sb, 64);
	FT_EQ(memcmp(a, b, 8), 0);
	FT_EQ(ka, kb);
	for (size_t i = 0; i < ka; i++) {
		FT_EQ(sa[i].id, sb[i].id);
		if (sa[i].id == 2 || sa[i].id == 7)
			continue;
		FT_EQ(sa[i].end - sa[i].start, sb[i].end - sb[i].start);
		FT_EQ(memcmp(a + sa[i].start, b + sb[i].start, sa[i].end - sa[i].start), 0);
	}
}

/* ---------------------------------------------------- same structure */

/* memcmp() that allows the NULL of an absent (empty) list. */
static bool same_bytes(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

static void expect_limits_eq(const struct wasm_limits *a, const struct wasm_limits *b)
{
	FT_EQ(a->min, b->min);
	FT_EQ(a->has_max, b->has_max);
	FT_EQ(a->max, b->max);
	FT_EQ(a->shared, b->shared);
	FT_EQ(a->is64, b->is64);
}

static void expect_entities_eq(const struct wasm_module *a, const struct wasm_module *b)
{
	FT_EQ(a->ntypes, b->ntypes);
	for (uint32_t i = 0; i < a->ntypes; i++) {
		FT_EQ(a->types[i].nparams, b->types[i].nparams);
		FT_EQ(a->types[i].nresults, b->types[i].nresults);
		FT_TRUE(same_bytes(a->types[i].params, b->types[i].params, a->types[i].nparams));
		FT_TRUE(same_bytes(a->types[i].results, b->types[i].results, a->types[i].nresults));
	}
	FT_EQ(a->nimports, b->nimports);
	for (uint32_t i = 0; i < a->nimports; i++) {
		const struct wasm_import *x = &a->imports[i], *y = &b->imports[i];
		FT_EQ(x->kind, y->kind);
		FT_EQ(x->type, y->type);
		FT_EQ(x->valtype, y->valtype);
		FT_EQ(x->mut, y->mut);
		expect_limits_eq(&x->limits, &y->limits);
	}
	FT_EQ(a->nfuncs, b->nfuncs);
	FT_TRUE(same_bytes(a->func_types, b->func_types, a->nfuncs * sizeof *a->func_types));
	FT_EQ(a->ntables, b->ntables);
	for (uint32_t i = 0; i < a->ntables; i++) {
		expect_limits_eq(&a->tables[i], &b->tables[i]);
		FT_EQ(a->table_elem[i], b->table_elem[i]);
	}
	FT_EQ(a->nmemories, b->nmemories);
	for (uint32_t i = 0; i < a->nmemories; i++)
		expect_limits_eq(&a->memories[i], &b->memories[i]);
	FT_EQ(a->nglobals, b->nglobals);
	FT_TRUE(same_bytes(a->globals, b->globals, a->nglobals * sizeof *a->globals));
	FT_EQ(a->ntags, b->ntags);
	FT_TRUE(same_bytes(a->tag_types, b->tag_types, a->ntags * sizeof *a->tag_types));
}

static void expect_same_structure(const struct wasm_module *a, const struct wasm_module *b)
{
	expect_entities_eq(a, b);
	FT_EQ(a->nexports, b->nexports);
	for (uint32_t i = 0; i < a->nexports; i++) {
		FT_EQ(a->exports[i].kind, b->exports[i].kind);
		FT_EQ(a->exports[i].index, b->exports[i].index);
	}
	FT_EQ(a->has_start, b->has_start);
	FT_EQ(a->start, b->start);
	FT_EQ(a->nelem, b->nelem);
	FT_TRUE(same_bytes(a->elems, b->elems, a->nelem * sizeof *a->elems));
	FT_EQ(a->ndata, b->ndata);
	FT_EQ(a->data_bytes, b->data_bytes);
	FT_EQ(a->data_end, b->data_end);
	FT_EQ(a->has_datacount, b->has_datacount);
	for (uint32_t i = 0; i < a->ndata; i++) {
		const struct wasm_data *x = &a->data[i], *y = &b->data[i];
		FT_EQ(x->mode, y->mode);
		FT_EQ(x->offset, y->offset);
		FT_EQ(x->size, y->size);
		FT_TRUE(same_bytes(a->bytes + x->file_offset, b->bytes + y->file_offset, x->size));
	}
	FT_EQ(a->code_bytes, b->code_bytes);
}

/* ---------------------------------------------------------------- wabt */

/* Writes the module next to the fixtures and has wasm-validate (with the
 * given feature flags) and, if `w2c`, wasm2c accept it. */
static void expect_wabt_accepts(const uint8_t *b, size_t n, const char *stem, const char *features,
				bool w2c)
{
	char path[512], cmd[2048];
	snprintf(path, sizeof path, "%s/rewritten-%s.wasm", FLUE_WASM_FIXTURES, stem);
	FILE *f = fopen(path, "wb");
	FT_TRUE(f != NULL);
	FT_EQ(fwrite(b, 1, n, f), n);
	FT_EQ(fclose(f), 0);
#ifdef FLUE_WASM_VALIDATE
	snprintf(cmd, sizeof cmd, "'%s' %s '%s'", FLUE_WASM_VALIDATE, features, path);
	FT_EQ(system(cmd), 0);
#else
	printf("  (wasm-validate not found: %s not validated)\n", path);
#endif
#ifdef FLUE_WASM2C
	if (w2c) {
		snprintf(cmd, sizeof cmd, "'%s' %s '%s' -o '%s.c'", FLUE_WASM2C, features, path, path);
		FT_EQ(system(cmd), 0);
	}
#else
	(void)w2c;
	printf("  (wasm2c not found: %s not translated)\n", path);
#endif
	(void)cmd;
}

/* ------------------------------------------------------------- tests */

/* New names for every import and export of imports.wasm, one of them long
 * enough to need a two-byte length (and longer section lengths). */
FT_TEST(rename_all)
{
	struct wasm_module m, r;
	struct wasm_error err;
	load(&m, "imports.wasm");
	char mods[7][32], fields[7][32], exps[5][400];
	const char *mp[7], *fp[7], *ep[5];
	for (uint32_t i = 0; i < 7; i++) {
		snprintf(mods[i], sizeof mods[i], "flue.m%u", i);
		snprintf(fields[i], sizeof fields[i], "imp%u_\xc3\xa9", i); /* U+00E9 */
		mp[i] = mods[i], fp[i] = fields[i];
	}
	for (uint32_t i = 0; i < 5; i++) {
		snprintf(exps[i], sizeof exps[i], "exp%u", i);
		ep[i] = exps[i];
	}
	memset(exps[2], 'x', 300);
	exps[2][300] = '\0';
	uint8_t *out;
	size_t n;
	FT_EQ(wasm_rewrite_names(&m, mp, fp, ep, &out, &n, &err), 0);
	FT_TRUE(n > m.size);
	reread(&r, out, n);
	for (uint32_t i = 0; i < 7; i++) {
		FT_EQ(strcmp(r.imports[i].module, mods[i]), 0);
		FT_EQ(strcmp(r.imports[i].field, fields[i]), 0);
	}
	for (uint32_t i = 0; i < 5; i++)
		FT_EQ(strcmp(r.exports[i].name, exps[i]), 0);
	expect_same_structure(&m, &r);
	expect_other_sections_kept(m.bytes, m.size, out, n);
	expect_wabt_accepts(out, n, "imports", "", true);
	free(out);
	wasm_free(&r);
	wasm_free(&m);
}

/* NULL arrays keep every name: wat2wasm's output comes back unchanged. */
FT_TEST(keep_all_names)
{
	static const char *const names[] = { "imports.wasm", "defs.wasm", "features.wasm",
					     "mem64.wasm" };
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		struct wasm_module m;
		struct wasm_error err;
		uint8_t *out;
		size_t n;
		load(&m, names[f]);
		FT_EQ(wasm_rewrite_names(&m, NULL, NULL, NULL, &out, &n, &err), 0);
		FT_EQ(n, m.size);
		FT_EQ(memcmp(out, m.bytes, n), 0);
		free(out);
		wasm_free(&m);
	}
}

/* A NULL entry keeps that one name; the others change. */
FT_TEST(null_entries_keep_names)
{
	struct wasm_module m, r;
	struct wasm_error err;
	load(&m, "features.wasm");
	const char *mp[2] = { NULL, "flue" }, *fp[2] = { "ex2", NULL };
	const char *ep[4] = { "mine2", NULL, NULL, "m2" };
	uint8_t *out;
	size_t n;
	FT_EQ(wasm_rewrite_names(&m, mp, fp, ep, &out, &n, &err), 0);
	reread(&r, out, n);
	FT_EQ(strcmp(r.imports[0].module, "env"), 0);
	FT_EQ(strcmp(r.imports[0].field, "ex2"), 0);
	FT_EQ(strcmp(r.imports[1].module, "flue"), 0);
	FT_EQ(strcmp(r.imports[1].field, "base"), 0);
	FT_EQ(strcmp(r.exports[0].name, "mine2"), 0);
	FT_EQ(strcmp(r.exports[1].name, "ex_again"), 0);
	FT_EQ(strcmp(r.exports[2].name, "copy"), 0);
	FT_EQ(strcmp(r.exports[3].name, "m2"), 0);
	expect_same_structure(&m, &r);
	expect_other_sections_kept(m.bytes, m.size, out, n);
	expect_wabt_accepts(out, n, "features", "--enable-threads --enable-exceptions", false);
	free(out);
	wasm_free(&r);
	wasm_free(&m);
}

static void expect_refused(const struct wasm_module *m, const char *const *ep, const char *needle)
{
	struct wasm_error err;
	uint8_t *out = NULL;
	size_t n = 0;
	FT_EQ(wasm_rewrite_names(m, NULL, NULL, ep, &out, &n, &err), -1);
	if (strncmp(err.msg, "offset 0x", 9) != 0 || strstr(err.msg, needle) == NULL) {
		printf("  message: %s\n  expected: %s\n", err.msg, needle);
		FT_FAIL("unexpected message");
	}
	FT_TRUE(out == NULL);
}

/* Two exports may not end up with one name, whether both are renamed or
 * one takes the name the other keeps. */
FT_TEST(duplicate_exports_refused)
{
	struct wasm_module m;
	load(&m, "defs.wasm"); /* exports: id three t1 mem big neg */
	const char *both[6] = { "a", "b", "c", "b", "e", "f" };
	expect_refused(&m, both, "exports 1 and 3 would both be named \"b\"");
	const char *kept[6] = { NULL, NULL, NULL, NULL, NULL, "id" };
	expect_refused(&m, kept, "exports 0 and 5 would both be named \"id\"");
	const char *swap[6] = { "three", "id", NULL, NULL, NULL, NULL }; /* a swap is fine */
	struct wasm_error err;
	uint8_t *out;
	size_t n;
	FT_EQ(wasm_rewrite_names(&m, NULL, NULL, swap, &out, &n, &err), 0);
	expect_wabt_accepts(out, n, "defs", "", true);
	free(out);
	wasm_free(&m);
}

FT_TEST(invalid_utf8_refused)
{
	struct wasm_module m;
	struct wasm_error err;
	uint8_t *out = NULL;
	size_t n;
	load(&m, "imports.wasm");
	const char *bad_field[7] = { NULL, NULL, NULL, "\xc3\x28", NULL, NULL, NULL };
	FT_EQ(wasm_rewrite_names(&m, NULL, bad_field, NULL, &out, &n, &err), -1);
	FT_TRUE(strstr(err.msg, "not valid UTF-8") != NULL);
	const char *surrogate[7] = { "\xed\xa0\x80", NULL, NULL, NULL, NULL, NULL, NULL };
	FT_EQ(wasm_rewrite_names(&m, surrogate, NULL, NULL, &out, &n, &err), -1);
	const char *bad_export[5] = { NULL, NULL, NULL, NULL, "\xff" };
	FT_EQ(wasm_rewrite_names(&m, NULL, NULL, bad_export, &out, &n, &err), -1);
	FT_EQ(strncmp(err.msg, "offset 0x", 9), 0);
	FT_TRUE(out == NULL);
	wasm_free(&m);
}

/* Appends a custom section named `name` with a small payload. */
static size_t put_custom(uint8_t *b, const char *name)
{
	size_t k = strlen(name), n = 0;
	b[n++] = 0x00;                       /* custom section id */
	b[n++] = (uint8_t)(1 + k + 4);       /* length: name length byte, name, payload */
	b[n++] = (uint8_t)k;                 /* name length */
	memcpy(b + n, name, k);
	n += k;
	memcpy(b + n, "\x0b\x02\x07\x00", 4); /* payload that looks like section bytes */
	return n + 4;
}

/* Custom sections before, between and after the renamed sections come
 * through unchanged. */
FT_TEST(custom_sections_kept)
{
	struct wasm_module m, c, r;
	struct wasm_error err;
	load(&m, "imports.wasm");
	struct section s[64];
	size_t k = sections_of(m.bytes, m.size, s, 64);
	uint8_t *spliced = malloc(m.size + 64 * k + 64);
	size_t n = 0;
	memcpy(spliced, m.bytes, 8);
	n = 8 + put_custom(spliced + 8, "first");
	for (size_t i = 0; i < k; i++) {
		memcpy(spliced + n, m.bytes + s[i].start, s[i].end - s[i].start);
		n += s[i].end - s[i].start;
		n += put_custom(spliced + n, i % 2 ? "odd" : "even");
	}
	reread(&c, spliced, n);
	const char *ep[5] = { "r", "a", "t", "m", "c" };
	const char *mp[7] = { "x", "x", "x", "x", "x", "x", "x" };
	uint8_t *out;
	size_t outn;
	FT_EQ(wasm_rewrite_names(&c, mp, NULL, ep, &out, &outn, &err), 0);
	reread(&r, out, outn);
	expect_same_structure(&c, &r);
	expect_other_sections_kept(spliced, n, out, outn);
	FT_EQ(sections_of(out, outn, s, 64), 2 * k + 1);
	expect_wabt_accepts(out, outn, "custom", "", true);
	free(out);
	free(spliced);
	wasm_free(&r);
	wasm_free(&c);
	wasm_free(&m);
}

/* clang's guest, renamed as flue-build would (per-module import names). */
FT_TEST(rename_clang_guest)
{
	struct wasm_module m, r;
	struct wasm_error err;
	load(&m, "guest.wasm");
	const char *mp[2] = { "flue_guest", "flue_guest" }, *fp[2] = { "i0_log", "i1_add64" };
	const char **ep = calloc(m.nexports, sizeof *ep);
	char (*names)[16] = calloc(m.nexports, sizeof *names);
	for (uint32_t i = 0; i < m.nexports; i++) {
		snprintf(names[i], sizeof names[i], "e%u", i);
		ep[i] = names[i];
	}
	uint8_t *out;
	size_t n;
	FT_EQ(wasm_rewrite_names(&m, mp, fp, ep, &out, &n, &err), 0);
	reread(&r, out, n);
	expect_same_structure(&m, &r);
	expect_other_sections_kept(m.bytes, m.size, out, n);
	FT_EQ(strcmp(r.imports[1].field, "i1_add64"), 0);
	FT_TRUE(wasm_find_export(&r, "e0") != NULL);
	expect_wabt_accepts(out, n, "guest", "", true);
	free(out);
	free(ep);
	free(names);
	wasm_free(&r);
	wasm_free(&m);
}

/* A module without import or export sections is copied as is. */
FT_TEST(no_sections_to_rename)
{
	/* magic, version 1, type section: one type () -> () */
	static const uint8_t mod[] = { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
				       0x01, 0x04, 0x01, 0x60, 0x00, 0x00 };
	struct wasm_module m;
	struct wasm_error err;
	uint8_t *out;
	size_t n;
	FT_EQ(wasm_read(&m, mod, sizeof mod, &err), 0);
	FT_EQ(wasm_rewrite_names(&m, NULL, NULL, NULL, &out, &n, &err), 0);
	FT_EQ(n, sizeof mod);
	FT_EQ(memcmp(out, mod, n), 0);
	free(out);
	wasm_free(&m);
}

FT_SUITE(wasm_rewrite, FT_CASE(rename_all), FT_CASE(keep_all_names),
	 FT_CASE(null_entries_keep_names), FT_CASE(duplicate_exports_refused),
	 FT_CASE(invalid_utf8_refused), FT_CASE(custom_sections_kept), FT_CASE(rename_clang_guest),
	 FT_CASE(no_sections_to_rename))
