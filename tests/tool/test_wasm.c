/*
 * The wasm reader on real modules (tools/flue-build/wasm.h): hand-written
 * .wat fixtures (tests/tool/wasm/NAME.wat, built by wat2wasm) and a clang-built
 * C guest (tests/tool/wasm/guest.c), checked field by field against what
 * their sources say; every truncated prefix of them fails cleanly.
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

static bool functype_is(const struct wasm_functype *t, const char *params, const char *results)
{
	/* params/results spelled as letters: i=i32 I=i64 f=f32 F=f64 r=funcref */
	static const char letters[] = "iIfFr";
	static const uint8_t codes[] = { WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_FUNCREF };
	if (t == NULL || t->nparams != strlen(params) || t->nresults != strlen(results))
		return false;
	for (uint32_t i = 0; i < t->nparams; i++)
		if (t->params[i] != codes[strchr(letters, params[i]) - letters])
			return false;
	for (uint32_t i = 0; i < t->nresults; i++)
		if (t->results[i] != codes[strchr(letters, results[i]) - letters])
			return false;
	return true;
}

static void expect_import(const struct wasm_module *m, uint32_t i, const char *mod,
			  const char *field, uint8_t kind)
{
	FT_TRUE(i < m->nimports);
	FT_EQ(strcmp(m->imports[i].module, mod), 0);
	FT_EQ(strcmp(m->imports[i].field, field), 0);
	FT_EQ(m->imports[i].kind, kind);
}

static void expect_export(const struct wasm_module *m, const char *name, uint8_t kind,
			  uint32_t index)
{
	const struct wasm_export *e = wasm_find_export(m, name);
	FT_TRUE(e != NULL);
	FT_EQ(e->kind, kind);
	FT_EQ(e->index, index);
}

static void expect_limits(const struct wasm_limits *l, uint64_t min, bool has_max, uint64_t max)
{
	FT_EQ(l->min, min);
	FT_EQ(l->has_max, has_max);
	if (has_max)
		FT_EQ(l->max, max);
}

/* imports.wat: imports of every kind, start, data in the imported memory. */
FT_TEST(imports_fixture)
{
	struct wasm_module m;
	load(&m, "imports.wasm");
	FT_TRUE(m.ntypes >= 3);
	FT_TRUE(functype_is(&m.types[0], "", ""));
	FT_TRUE(functype_is(&m.types[1], "ii", "i"));
	FT_TRUE(functype_is(&m.types[2], "I", "F"));

	FT_EQ(m.nimports, 7);
	expect_import(&m, 0, "env", "add", WASM_EXTERN_FUNC);
	FT_EQ(m.imports[0].type, 1);
	expect_import(&m, 1, "env", "tab", WASM_EXTERN_TABLE);
	FT_EQ(m.imports[1].valtype, WASM_FUNCREF);
	expect_limits(&m.imports[1].limits, 2, true, 8);
	expect_import(&m, 2, "env", "mem", WASM_EXTERN_MEMORY);
	expect_limits(&m.imports[2].limits, 1, true, 4);
	FT_FALSE(m.imports[2].limits.shared);
	FT_FALSE(m.imports[2].limits.is64);
	expect_import(&m, 3, "env", "counter", WASM_EXTERN_GLOBAL);
	FT_EQ(m.imports[3].valtype, WASM_I32);
	FT_TRUE(m.imports[3].mut);
	expect_import(&m, 4, "env", "limit", WASM_EXTERN_GLOBAL);
	FT_EQ(m.imports[4].valtype, WASM_I64);
	FT_FALSE(m.imports[4].mut);
	expect_import(&m, 5, "wasi:io/poll@0.2.0", "[method]pollable.block", WASM_EXTERN_FUNC);
	FT_TRUE(functype_is(&m.types[m.imports[5].type], "i", ""));
	expect_import(&m, 6, "env", "conv", WASM_EXTERN_FUNC);
	FT_EQ(m.imports[6].type, 2);
	for (uint32_t i = 1; i < m.nimports; i++)
		FT_TRUE(m.imports[i].offset > m.imports[i - 1].offset);
	FT_EQ(m.nimported_funcs, 3);
	FT_EQ(m.nimported_tables, 1);
	FT_EQ(m.nimported_memories, 1);
	FT_EQ(m.nimported_globals, 2);
	FT_EQ(m.nimported_tags, 0);

	/* Function index space: add, block, conv (imports), then init, run. */
	FT_EQ(m.nfuncs, 2);
	FT_EQ(m.func_types[0], 0);
	FT_TRUE(wasm_func_type(&m, 0) == &m.types[1]);
	FT_TRUE(functype_is(wasm_func_type(&m, 1), "i", ""));
	FT_TRUE(wasm_func_type(&m, 2) == &m.types[2]);
	FT_TRUE(wasm_func_type(&m, 3) == &m.types[0]);
	FT_TRUE(functype_is(wasm_func_type(&m, 4), "i", "i"));
	FT_TRUE(wasm_func_type(&m, 5) == NULL);
	FT_EQ(m.ntables + m.nmemories + m.nglobals + m.ntags + m.nelem, 0);

	FT_EQ(m.nexports, 5);
	expect_export(&m, "run", WASM_EXTERN_FUNC, 4);
	expect_export(&m, "add_again", WASM_EXTERN_FUNC, 0);
	expect_export(&m, "table", WASM_EXTERN_TABLE, 0);
	expect_export(&m, "memory", WASM_EXTERN_MEMORY, 0);
	expect_export(&m, "counter", WASM_EXTERN_GLOBAL, 0);
	FT_TRUE(wasm_find_export(&m, "missing") == NULL);
	FT_TRUE(m.has_start);
	FT_EQ(m.start, 3);

	FT_EQ(m.ndata, 3);
	FT_EQ(m.data_bytes, 5 + 3 + 2);
	FT_EQ(m.data_end, 1024 + 3);
	FT_EQ(m.data[0].mode, WASM_SEG_ACTIVE);
	FT_EQ(m.data[0].memory, 0);
	FT_TRUE(m.data[0].const_offset);
	FT_EQ(m.data[0].offset, 16);
	FT_EQ(m.data[0].size, 5);
	FT_EQ(memcmp(m.bytes + m.data[0].file_offset, "hello", 5), 0);
	FT_EQ(m.data[2].offset, 100);
	FT_FALSE(m.has_datacount);
	FT_TRUE(m.code_bytes > 0 && m.code_bytes < m.size);
	wasm_free(&m);
	wasm_free(&m); /* a freed module is zeroed: freeing again is harmless */
}

static void expect_global(const struct wasm_global *g, uint8_t t, bool mut, bool ci, uint64_t v)
{
	FT_EQ(g->valtype, t);
	FT_EQ(g->mut, mut);
	FT_EQ(g->const_init, ci);
	if (ci)
		FT_EQ(g->init, v);
}

static void expect_elem(const struct wasm_elem *e, uint8_t flags, uint8_t mode, uint32_t table,
			uint64_t offset, uint8_t reftype, uint32_t count)
{
	FT_EQ(e->flags, flags);
	FT_EQ(e->mode, mode);
	FT_EQ(e->exprs, flags >= 4);
	FT_EQ(e->reftype, reftype);
	FT_EQ(e->count, count);
	if (mode == WASM_SEG_ACTIVE) {
		FT_EQ(e->table, table);
		FT_TRUE(e->const_offset);
		FT_EQ(e->offset, offset);
	}
}

/* defs.wat: definitions of every kind, all element encodings, data count. */
FT_TEST(defs_fixture)
{
	struct wasm_module m;
	load(&m, "defs.wasm");
	FT_EQ(m.nimports, 0);
	FT_TRUE(functype_is(&m.types[0], "i", "i"));
	FT_TRUE(functype_is(&m.types[1], "", "ifF")); /* multi-value */
	FT_EQ(m.nfuncs, 3);
	FT_EQ(m.func_types[0], 0);
	FT_EQ(m.func_types[1], 1);
	FT_TRUE(functype_is(wasm_func_type(&m, 2), "", ""));

	FT_EQ(m.ntables, 3);
	FT_EQ(m.table_elem[0], WASM_FUNCREF);
	expect_limits(&m.tables[0], 4, false, 0);
	FT_EQ(m.table_elem[1], WASM_EXTERNREF);
	expect_limits(&m.tables[1], 2, true, 10);
	FT_EQ(m.table_elem[2], WASM_FUNCREF);
	expect_limits(&m.tables[2], 3, false, 0);
	FT_EQ(m.nmemories, 1);
	expect_limits(&m.memories[0], 2, true, 16);

	FT_EQ(m.nglobals, 6);
	expect_global(&m.globals[0], WASM_I32, false, true, (uint64_t)INT64_C(-5));
	expect_global(&m.globals[1], WASM_I64, true, true, UINT64_C(0x123456789abcdef0));
	expect_global(&m.globals[2], WASM_F32, false, false, 0);
	expect_global(&m.globals[3], WASM_F64, true, false, 0);
	expect_global(&m.globals[4], WASM_FUNCREF, false, false, 0);
	expect_global(&m.globals[5], WASM_I64, false, true, UINT64_MAX);

	FT_EQ(m.nexports, 6);
	expect_export(&m, "id", WASM_EXTERN_FUNC, 0);
	expect_export(&m, "three", WASM_EXTERN_FUNC, 1);
	expect_export(&m, "t1", WASM_EXTERN_TABLE, 1);
	expect_export(&m, "mem", WASM_EXTERN_MEMORY, 0);
	expect_export(&m, "big", WASM_EXTERN_GLOBAL, 1);
	expect_export(&m, "neg", WASM_EXTERN_GLOBAL, 0);
	FT_FALSE(m.has_start);

	FT_EQ(m.nelem, 8);
	expect_elem(&m.elems[0], 0, WASM_SEG_ACTIVE, 0, 1, WASM_FUNCREF, 2);
	expect_elem(&m.elems[1], 1, WASM_SEG_PASSIVE, 0, 0, WASM_FUNCREF, 1);
	expect_elem(&m.elems[2], 2, WASM_SEG_ACTIVE, 2, 0, WASM_FUNCREF, 1);
	expect_elem(&m.elems[3], 3, WASM_SEG_DECLARATIVE, 0, 0, WASM_FUNCREF, 1);
	expect_elem(&m.elems[4], 4, WASM_SEG_ACTIVE, 0, 2, WASM_FUNCREF, 2);
	expect_elem(&m.elems[5], 5, WASM_SEG_PASSIVE, 0, 0, WASM_EXTERNREF, 1);
	expect_elem(&m.elems[6], 6, WASM_SEG_ACTIVE, 2, 1, WASM_FUNCREF, 1);
	expect_elem(&m.elems[7], 7, WASM_SEG_DECLARATIVE, 0, 0, WASM_FUNCREF, 2);

	FT_TRUE(m.has_datacount);
	FT_EQ(m.ndata, 3);
	FT_EQ(m.data[0].offset, 0x10000);
	FT_EQ(m.data[0].size, 8);
	FT_EQ(m.data[1].mode, WASM_SEG_PASSIVE);
	FT_EQ(m.data[1].size, 12);
	FT_EQ(memcmp(m.bytes + m.data[1].file_offset, "passive data", 12), 0);
	FT_EQ(m.data[2].offset, 8);
	FT_EQ(m.data_bytes, 8 + 12 + 1);
	FT_EQ(m.data_end, 0x10000 + 8); /* the passive segment does not count */
	wasm_free(&m);
}

/* features.wat: shared memory, tags (section 13 between memory and global). */
FT_TEST(features_fixture)
{
	struct wasm_module m;
	load(&m, "features.wasm");
	FT_EQ(m.nimports, 2);
	expect_import(&m, 0, "env", "ex", WASM_EXTERN_TAG);
	FT_EQ(m.imports[0].type, 0);
	FT_TRUE(functype_is(&m.types[0], "i", ""));
	expect_import(&m, 1, "env", "base", WASM_EXTERN_GLOBAL);
	FT_EQ(m.nimported_tags, 1);
	FT_EQ(m.nimported_globals, 1);
	FT_EQ(m.nmemories, 1);
	expect_limits(&m.memories[0], 1, true, 2);
	FT_TRUE(m.memories[0].shared);
	FT_FALSE(m.memories[0].is64);
	FT_EQ(m.ntags, 1);
	FT_EQ(m.tag_types[0], 0);
	FT_EQ(m.nglobals, 1);
	expect_global(&m.globals[0], WASM_I32, false, false, 0); /* global.get: not a constant */
	expect_export(&m, "mine", WASM_EXTERN_TAG, 1);
	expect_export(&m, "ex_again", WASM_EXTERN_TAG, 0);
	expect_export(&m, "copy", WASM_EXTERN_GLOBAL, 1);
	expect_export(&m, "m", WASM_EXTERN_MEMORY, 0);
	wasm_free(&m);
}

/* mem64.wat: 64-bit limits and an i64.const data offset. */
FT_TEST(memory64_fixture)
{
	struct wasm_module m;
	load(&m, "mem64.wasm");
	FT_EQ(m.nmemories, 1);
	FT_TRUE(m.memories[0].is64);
	FT_FALSE(m.memories[0].shared);
	expect_limits(&m.memories[0], 3, true, 0x10000);
	FT_EQ(m.ndata, 1);
	FT_EQ(m.data[0].offset, 0x20000);
	FT_EQ(m.data_end, 0x20000 + 10);
	wasm_free(&m);
}

static bool contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

/* guest.c, as clang and wasm-ld lay it out. */
FT_TEST(clang_guest)
{
	struct wasm_module m;
	load(&m, "guest.wasm");
	FT_EQ(m.nimports, 2);
	expect_import(&m, 0, "host", "log", WASM_EXTERN_FUNC);
	FT_TRUE(functype_is(wasm_func_type(&m, 0), "ii", ""));
	expect_import(&m, 1, "host", "add64", WASM_EXTERN_FUNC);
	FT_TRUE(functype_is(wasm_func_type(&m, 1), "II", "I"));
	FT_EQ(m.nimported_funcs, 2);

	const struct wasm_export *e = wasm_find_export(&m, "greet");
	FT_TRUE(e != NULL && e->kind == WASM_EXTERN_FUNC);
	FT_TRUE(functype_is(wasm_func_type(&m, e->index), "i", "i"));
	e = wasm_find_export(&m, "sum64");
	FT_TRUE(e != NULL && functype_is(wasm_func_type(&m, e->index), "II", "I"));
	e = wasm_find_export(&m, "ratio");
	FT_TRUE(e != NULL && functype_is(wasm_func_type(&m, e->index), "fF", "F"));
	expect_export(&m, "memory", WASM_EXTERN_MEMORY, 0);
	FT_EQ(m.nmemories, 1);
	FT_TRUE(m.memories[0].min >= 1);

	/* wasm-ld's stack pointer: the first global, a mutable i32 whose
	 * constant start is 16-aligned, above or below the static data. */
	FT_TRUE(m.nglobals >= 1);
	uint64_t sp = m.globals[0].init;
	expect_global(&m.globals[0], WASM_I32, true, true, sp);
	FT_TRUE(sp != 0 && sp % 16 == 0);

	/* .rodata holds the greeting, .data the counter and numbers. */
	FT_TRUE(m.ndata >= 1);
	FT_TRUE(m.data_bytes >= sizeof "hello from the guest" + 4 + 16 * 4);
	bool found = false;
	uint64_t end = 0;
	for (uint32_t i = 0; i < m.ndata; i++) {
		const struct wasm_data *d = &m.data[i];
		FT_EQ(d->mode, WASM_SEG_ACTIVE);
		FT_TRUE(d->const_offset);
		end = d->offset + d->size > end ? d->offset + d->size : end;
		found = found || contains(m.bytes + d->file_offset, d->size, "hello from the guest");
	}
	FT_TRUE(found);
	FT_EQ(m.data_end, end);
	FT_TRUE(sp >= m.data_end || sp <= m.data_end - m.data_bytes);
	FT_TRUE(m.code_bytes > 0);
	wasm_free(&m);
}

/* Every strict prefix of every fixture is refused with an offset, or (cut
 * between two sections) read; nothing leaks either way (ASan). */
FT_TEST(truncated_prefixes)
{
	static const char *const names[] = { "imports.wasm", "defs.wasm", "features.wasm",
					     "mem64.wasm", "guest.wasm" };
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		struct wasm_module full, m;
		struct wasm_error err;
		load(&full, names[f]);
		for (size_t cut = 0; cut < full.size; cut++) {
			if (wasm_read(&m, full.bytes, cut, &err) == 0) {
				FT_TRUE(cut >= 8 && at_boundary(full.bytes, full.size, cut));
				wasm_free(&m);
				continue;
			}
			FT_EQ(strncmp(err.msg, "offset 0x", 9), 0);
			FT_TRUE(m.bytes == NULL && m.types == NULL && m.nimports == 0);
		}
		wasm_free(&full);
	}
}

FT_TEST(unreadable_file)
{
	struct wasm_module m;
	struct wasm_error err;
	FT_EQ(wasm_read_file(&m, FLUE_WASM_FIXTURES "/no-such-file.wasm", &err), -1);
	FT_TRUE(strstr(err.msg, "no-such-file.wasm: ") != NULL);
	FT_TRUE(m.bytes == NULL);
	wasm_free(&m);
}

FT_TEST(names_of_codes)
{
	FT_EQ(strcmp(wasm_valtype_name(WASM_I64), "i64"), 0);
	FT_EQ(strcmp(wasm_valtype_name(WASM_EXTERNREF), "externref"), 0);
	FT_EQ(strcmp(wasm_valtype_name(0x40), "?"), 0);
	FT_EQ(strcmp(wasm_extern_kind_name(WASM_EXTERN_TAG), "tag"), 0);
	FT_EQ(strcmp(wasm_extern_kind_name(5), "?"), 0);
}

FT_SUITE(wasm, FT_CASE(imports_fixture), FT_CASE(defs_fixture), FT_CASE(features_fixture),
	 FT_CASE(memory64_fixture), FT_CASE(clang_guest), FT_CASE(truncated_prefixes),
	 FT_CASE(unreadable_file), FT_CASE(names_of_codes))
