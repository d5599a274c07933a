/*
 * The host edge's typed bindings (tools/flue-build/gen_ctype.c,
 * gen_hval.c, gen_hbind.c) on tests/tool/plan/hkinds.flue: what
 * build.hostkinds found wrong when it first compiled and ran them, pinned
 * in the generated text.
 */
#include "ftest.h"
#include "gen.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FLUE_PLAN_FIXTURES
#error "FLUE_PLAN_FIXTURES (the built tests/tool/plan modules) must be defined"
#endif

static bool has(const char *text, const char *what)
{
	bool ok = strstr(text, what) != NULL;
	if (!ok)
		fprintf(stderr, "  glue lacks: %s\n", what);
	return ok;
}

static void gen(struct fb_buf *c, struct fb_buf *h)
{
	struct fb_plan p;
	struct fb_error err;
	int rc = fb_plan_build(&p, "plan/hkinds.flue", FLUE_PLAN_FIXTURES, NULL, FB_TARGET_HOST, &err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
	struct fb_gen_opts o = { 1024, 500, 0, FB_DEFAULT_STACK_BYTES, false };
	fb_gen_program(&p, &o, c, h);
	fb_plan_free(&p);
}

/* Params named w, at and rc sit next to the writer, offset and return code
 * of the binding's _args(): they are renamed (the glue did not compile). */
FT_TEST(test_param_names)
{
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&c, &h);
	FT_TRUE(has(h.data, "int call_put(hkinds_list0_t w_, uint32_t at_, hkinds_list1_t rc_, "
			    "call_put_done_t done, void *user, flue_call_t *call);\n"));
	FT_TRUE(has(c.data, "static int call_put_args(struct glue_w *w, uint32_t at, hkinds_list0_t "
			    "w_, uint32_t at_, hkinds_list1_t rc_)\n{\n\tint rc = 0;\n"
			    "\tif ((rc = glue_put0(w, &w_, at + 0u)) != 0)\n\t\treturn rc;\n"
			    "\tglue_st(w, at + 8u, (uint64_t)at_, 4u);\n"));
	FT_TRUE(has(c.data, "\t\tglue_rc = call_put_args(w, glue_at, w_, at_, rc_);\n"));
	fb_buf_free(&c);
	fb_buf_free(&h);
}

/* A list of floats given to the host has no `elems`: in guest memory a NaN
 * keeps its payload, and the host must see it canonical, which only the
 * accessor gives. A list of chars (checked) still points at guest memory. */
FT_TEST(test_float_lists_read_through_the_accessor)
{
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&c, &h);
	FT_TRUE(has(c.data, "static inline void glue_get0(struct flue_hval v, hkinds_list0_t *out)\n"
			    "{\n\tout->view = v;\n\tout->len = flue_hval_count(v);\n"
			    "\tout->elems = 0;\n}\n"));
	FT_TRUE(has(c.data, "\t(*out) = glue_bits_f32((uint32_t)flue_hval_num(flue_hval_elem("
			    "l->view, i)));\n"));
	FT_TRUE(has(c.data, "static inline void glue_get1(struct flue_hval v, hkinds_list1_t *out)\n"
			    "{\n\tout->view = v;\n\tout->len = flue_hval_count(v);\n"
			    "\tout->elems = (const uint32_t *)(const void *)flue_hval_bytes(v, "
			    "&(uint32_t){ 0 }, 0);\n}\n"));
	FT_TRUE(has(c.data, "static inline void glue_get2(struct flue_hval v, hkinds_list2_t *out)\n"
			    "{\n\tout->view = v;\n\tout->len = flue_hval_count(v);\n"
			    "\tout->elems = 0;\n}\n"));
	fb_buf_free(&c);
	fb_buf_free(&h);
}

FT_SUITE(hostedge,
	 FT_CASE(test_param_names),
	 FT_CASE(test_float_lists_read_through_the_accessor))
