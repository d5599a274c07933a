/*
 * The composition file reader (tools/flue-build/compose.h) on the fixtures
 * of tests/tool/compose: every statement form read field by field (paths
 * resolved against the file's folder or --modules, lines and columns of
 * every word), and every error the reader reports, each with its
 * "file:line:col: " prefix.
 */
#include "ftest.h"
#include "compose.h"

#include <stdio.h>
#include <string.h>

static bool streq(const char *a, const char *b)
{
	bool eq = (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
	if (!eq)
		fprintf(stderr, "  strings differ: \"%s\" vs \"%s\"\n", a != NULL ? a : "(null)",
			b != NULL ? b : "(null)");
	return eq;
}

#define STR(a, b) FT_TRUE(streq((a), (b)))

static void read_ok(struct fb_composition *c, const char *path, const char *module_dir)
{
	struct fb_error err;
	int rc = fb_compose_read(c, path, module_dir, &err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
}

static void loc_is(const struct fb_loc *l, const char *file, uint32_t line, uint32_t col)
{
	if (l->line != line || l->col != col)
		fprintf(stderr, "  at %u:%u, wanted %u:%u\n", (unsigned)l->line, (unsigned)l->col,
			(unsigned)line, (unsigned)col);
	STR(l->file, file);
	FT_EQ(l->line, line);
	FT_EQ(l->col, col);
}

static void instance_is(const struct fb_instance_decl *d, const char *name, const char *module,
			const char *wit, const char *world, uint32_t pages, uint64_t ram,
			uint64_t flash)
{
	STR(d->name, name);
	STR(d->module_path, module);
	STR(d->wit_path, wit);
	STR(d->world, world);
	FT_EQ(d->memory_pages, pages);
	FT_EQ(d->budget_ram, ram);
	FT_EQ(d->budget_flash, flash);
}

static void ref_is(const struct fb_ref *r, const char *inst, const char *key, uint32_t line,
		   uint32_t col)
{
	STR(r->inst, inst);
	STR(r->key, key);
	loc_is(&r->loc, "compose/full.flue", line, col);
}

#define FULL "compose/full.flue"

FT_TEST(test_every_statement)
{
	struct fb_composition c;
	read_ok(&c, FULL, NULL);
	STR(c.path, FULL);
	STR(c.dir, "compose");
	STR(c.module_dir, "compose");

	FT_EQ(c.ninstances, 3);
	instance_is(&c.instances[0], "a", "compose/a.wasm", "compose/wit/a.wit", NULL, 2, 70000,
		    32768);
	loc_is(&c.instances[0].loc, FULL, 4, 1);
	instance_is(&c.instances[1], "b", "/abs/b.wasm", "compose/../wit", "w-b", 65536, 0, 4096);
	loc_is(&c.instances[1].loc, FULL, 5, 2); /* after a tab */
	instance_is(&c.instances[2], "_c3", "compose/c.wasm", "compose/c.wit", "example:p/w", 0,
		    9999999999999999999u, 1);
	loc_is(&c.instances[2].loc, FULL, 6, 1);

	FT_EQ(c.nlinks, 8);
	const struct fb_link *k = c.links;
	FT_EQ(k[0].kind, FB_LINK_CONNECT);
	ref_is(&k[0].from, "b", "example:p/src@1.0.0#open", 8, 9);
	ref_is(&k[0].to, "a", "example:p/src@1.0.0#open", 8, 36);
	FT_TRUE(k[0].c_name == NULL);
	loc_is(&k[0].loc, FULL, 8, 1);

	FT_EQ(k[1].kind, FB_LINK_CONNECT);
	ref_is(&k[1].from, "_c3", "pull", 9, 11);
	ref_is(&k[1].to, "b", "push", 9, 20);
	loc_is(&k[1].loc, FULL, 9, 1);

	FT_EQ(k[2].kind, FB_LINK_HOST);
	ref_is(&k[2].from, "a", "log#note", 10, 6);
	FT_TRUE(k[2].to.inst == NULL && k[2].to.key == NULL);
	FT_TRUE(k[2].c_name == NULL);

	FT_EQ(k[3].kind, FB_LINK_HOST);
	ref_is(&k[3].from, "b", "example:p/log@1.0.0#note", 11, 6);
	STR(k[3].c_name, "b_note");

	FT_EQ(k[4].kind, FB_LINK_EXPORT);
	ref_is(&k[4].from, "a", "run", 12, 8);
	FT_TRUE(k[4].to.inst == NULL && k[4].c_name == NULL);
	loc_is(&k[4].loc, FULL, 12, 1);

	FT_EQ(k[5].kind, FB_LINK_EXPORT);
	ref_is(&k[5].from, "b", "example:p/src@1.0.0#open", 13, 8);
	STR(k[5].c_name, "open_b");

	/* CRLF line ends; an import may be host-served and exported under one key */
	FT_EQ(k[6].kind, FB_LINK_HOST);
	ref_is(&k[6].from, "_c3", "crlf", 19, 6);
	FT_TRUE(k[6].c_name == NULL);
	FT_EQ(k[7].kind, FB_LINK_EXPORT);
	ref_is(&k[7].from, "_c3", "crlf", 20, 8);

	FT_EQ(c.nrings, 2);
	STR(c.rings[0].name, "rx");
	FT_EQ(c.rings[0].elem_size, 4);
	FT_EQ(c.rings[0].capacity, 256);
	STR(c.rings[0].end[0], "a");
	STR(c.rings[0].end[1], "b");
	loc_is(&c.rings[0].loc, FULL, 21, 1);
	STR(c.rings[1].name, "adc_in");
	FT_EQ(c.rings[1].elem_size, 2);
	FT_EQ(c.rings[1].capacity, 64);
	FT_TRUE(c.rings[1].end[0] == NULL); /* the host: a driver */
	STR(c.rings[1].end[1], "_c3");
	FT_TRUE(fb_compose_find_ring(&c, "adc_in") == &c.rings[1]);
	FT_TRUE(fb_compose_find_ring(&c, "r") == NULL);

	FT_TRUE(fb_compose_find(&c, "b") == &c.instances[1]);
	FT_TRUE(fb_compose_find(&c, "_c3") == &c.instances[2]);
	FT_TRUE(fb_compose_find(&c, "c3") == NULL);
	FT_TRUE(fb_compose_find(&c, "") == NULL);
	fb_compose_free(&c);
	FT_EQ(c.ninstances, 0);
	FT_TRUE(c.instances == NULL && c.links == NULL && c.path == NULL && c.rings == NULL);
}

/* Module paths against --modules; WIT paths stay against the file's folder. */
FT_TEST(test_module_dir)
{
	struct fb_composition c;
	read_ok(&c, FULL, "/mods");
	STR(c.module_dir, "/mods");
	STR(c.instances[0].module_path, "/mods/a.wasm");
	STR(c.instances[1].module_path, "/abs/b.wasm");
	STR(c.instances[2].module_path, "/mods/c.wasm");
	STR(c.instances[0].wit_path, "compose/wit/a.wit");
	STR(c.instances[1].wit_path, "compose/../wit");
	fb_compose_free(&c);
}

FT_TEST(test_fail_prefix)
{
	struct fb_error err;
	struct fb_loc loc = { "x.flue", 3, 14 };
	FT_EQ(fb_fail(&err, &loc, "bad %s %d", "thing", 5), -1);
	STR(err.msg, "x.flue:3:14: bad thing 5");
}

/* ------------------------------------------------------------ errors */

struct err_case {
	const char *file;   /* in tests/tool/compose, without ".flue" */
	uint32_t line, col;
	const char *phrase;
};

static const struct err_case errors[] = {
	{ "err_words", 2, 24, "too many words on one line" },
	{ "err_statement", 3, 3, "unknown statement 'link' (expected instance, connect, host, "
				 "export, memory, budget or ring)" },
	{ "err_instance_words", 1, 1, "expected: instance <name> <module.wasm> <wit> [world <world>]" },
	{ "err_instance_world", 1, 1, "expected: instance <name>" },
	{ "err_instance_world_name", 1, 3, "expected: instance <name>" },
	{ "err_instance_name", 1, 10, "instance name '9a' is not a C identifier" },
	{ "err_instance_name_dash", 1, 10, "instance name 'my-inst' is not a C identifier" },
	{ "err_instance_twice", 3, 11, "instance 'a' is declared twice" },
	{ "err_ref_nodot", 2, 6, "expected <instance>.<name>, found 'a'" },
	{ "err_ref_dot_first", 2, 6, "expected <instance>.<name>, found '.f'" },
	{ "err_ref_dot_last", 3, 13, "expected <instance>.<name>, found 'b.'" },
	{ "err_ref_unknown_from", 2, 9, "unknown instance 'x' (declare it with 'instance' first)" },
	{ "err_ref_unknown_to", 2, 14, "unknown instance 'x'" },
	{ "err_ref_unknown_export", 2, 8, "unknown instance 'z'" },
	{ "err_ref_declared_later", 2, 6, "unknown instance 'b'" },
	{ "err_wired_connect_host", 5, 6, "'b.f' is already wired at line 4" },
	{ "err_wired_host_host", 4, 6, "'a.f' is already wired at line 2" },
	{ "err_exported_twice", 4, 8, "'a.run' is already exported at line 2" },
	{ "err_connect_words", 2, 1, "expected: connect <inst>.<import> <inst>.<export>" },
	{ "err_connect_words_long", 2, 1, "expected: connect <inst>.<import> <inst>.<export>" },
	{ "err_host_words", 2, 1, "expected: host <inst>.<import> [<c-name>]" },
	{ "err_host_words_long", 2, 1, "expected: host <inst>.<import> [<c-name>]" },
	{ "err_export_words", 2, 1, "expected: export <inst>.<export> [<c-name>]" },
	{ "err_host_cname", 2, 10, "'1abc' is not a C identifier" },
	{ "err_export_cname", 2, 14, "'my-run' is not a C identifier" },
	{ "err_memory_words", 2, 1, "expected: memory <inst> <pages>" },
	{ "err_memory_unknown", 2, 8, "unknown instance 'z'" },
	{ "err_memory_nan", 2, 10, "expected a number, found '1k'" },
	{ "err_memory_zero", 2, 10, "memory pages must be 1..65536" },
	{ "err_memory_big", 2, 10, "memory pages must be 1..65536" },
	{ "err_budget_words", 2, 1, "expected: budget <inst> ram <bytes> flash <bytes>" },
	{ "err_budget_words_odd", 2, 1, "expected: budget <inst> ram <bytes> flash <bytes>" },
	{ "err_budget_unknown", 2, 8, "unknown instance 'z'" },
	{ "err_budget_key", 2, 10, "expected 'ram' or 'flash', found 'rom'" },
	{ "err_budget_second_key", 2, 16, "expected 'ram' or 'flash', found 'disk'" },
	{ "err_budget_nan", 2, 14, "expected a number, found '-1'" },
	{ "err_budget_long", 2, 16, "expected a number, found '12345678901234567890'" },
	{ "err_memory_twice", 3, 1, "the memory of 'a' is already set at line 2" },
	{ "err_budget_twice", 3, 1, "the budget of 'a' is already set at line 2" },
	{ "err_budget_same_key", 2, 18, "'ram' is given twice" },
	{ "err_empty", 1, 1, "no instance declared" },
	{ "err_ring_words", 3, 1, "expected: ring <name> <element-bytes> <capacity> <writer> <reader>" },
	{ "err_ring_name", 3, 6, "ring name '9r' is not a C identifier" },
	{ "err_ring_twice", 4, 6, "ring 'r' is declared twice (first at line 3)" },
	{ "err_ring_elem_zero", 3, 8, "element size must be 1..4294967295 bytes" },
	{ "err_ring_elem_big", 3, 8, "element size must be 1..4294967295 bytes" },
	{ "err_ring_elem_nan", 3, 8, "expected a number, found 'x4'" },
	{ "err_ring_cap_pow2", 3, 10, "capacity 12 is not a power of two" },
	{ "err_ring_cap_zero", 3, 10, "capacity 0 is not a power of two" },
	{ "err_ring_bytes", 3, 8, "ring 'r' of 1048576 elements of 4096 bytes exceeds 2^31 bytes" },
	{ "err_ring_same", 3, 15, "the writer and the reader of ring 'r' are both 'a'" },
	{ "err_ring_hosts", 3, 18, "the writer and the reader of ring 'r' are both 'host'" },
	{ "err_ring_host_instance", 3, 13, "'host' in a ring line is the driver, so instance 'host' "
	  "cannot be a ring end: rename the instance" },
	{ "err_ring_unknown", 3, 15, "unknown instance 'z' (declare it with 'instance' first, or "
				     "write 'host' for a driver)" },
};

static bool error_ok(const struct err_case *e)
{
	char path[128], prefix[192];
	snprintf(path, sizeof path, "compose/%s.flue", e->file);
	snprintf(prefix, sizeof prefix, "%s:%u:%u: ", path, (unsigned)e->line, (unsigned)e->col);
	struct fb_composition c;
	struct fb_error err;
	memset(&err, 0, sizeof err);
	int rc = fb_compose_read(&c, path, NULL, &err);
	fb_compose_free(&c);
	bool ok = rc == -1 && strncmp(err.msg, prefix, strlen(prefix)) == 0 &&
		  strstr(err.msg, e->phrase) != NULL;
	if (!ok)
		fprintf(stderr, "  %s: rc %d \"%s\"\n  wanted \"%s...%s\"\n", path, rc, err.msg,
			prefix, e->phrase);
	return ok;
}

FT_TEST(test_errors)
{
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		bad += !error_ok(&errors[i]);
	FT_EQ(bad, 0);
}

FT_TEST(test_unreadable)
{
	struct fb_composition c;
	struct fb_error err;
	FT_EQ(fb_compose_read(&c, "compose/missing.flue", NULL, &err), -1);
	FT_TRUE(strncmp(err.msg, "compose/missing.flue: cannot read: ", 35) == 0);
	FT_TRUE(strstr(err.msg, "No such file") != NULL);
	fb_compose_free(&c);
	/* a folder is not a composition either */
	FT_EQ(fb_compose_read(&c, "compose", NULL, &err), -1);
	FT_TRUE(strncmp(err.msg, "compose: cannot read: ", 22) == 0);
	fb_compose_free(&c);
}

FT_SUITE(compose,
	 FT_CASE(test_every_statement),
	 FT_CASE(test_module_dir),
	 FT_CASE(test_fail_prefix),
	 FT_CASE(test_errors),
	 FT_CASE(test_unreadable))
