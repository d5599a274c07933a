/*
 * Host stream/future ends of graph-typed elements (tools/flue-build/
 * gen_hend.c): a host function given a stream<string>, also inside an
 * option, and an export returning a stream<bool> build, and the glue has
 * their typed reads and writes, the read area after the value area, and
 * the allocator serving it. Fixtures: tests/tool/plan/types_*.flue.
 */
#include "plan_test.h"

#include "gen.h"
#include "tgraph.h"

static bool has(const char *text, const char *part)
{
	bool ok = text != NULL && strstr(text, part) != NULL;
	if (!ok)
		fprintf(stderr, "  missing: \"%s\"\n", part);
	return ok;
}

/* The glue and header of plan/<name>.flue, --host-arena 1024. */
static void gen(struct fb_plan *p, const char *name, struct fb_buf *c, struct fb_buf *h)
{
	build_ok(p, name, NULL, HOST);
	struct fb_gen_opts o = { 1024, 500, 0, FB_DEFAULT_STACK_BYTES, false };
	fb_gen_program(p, &o, c, h);
}

static void done(struct fb_plan *p, struct fb_buf *c, struct fb_buf *h)
{
	fb_buf_free(c);
	fb_buf_free(h);
	fb_plan_free(p);
}

/* A host function given a stream<string>: its typedef, the typed write
 * (value area, above the params in flight; cancelled when no reader
 * waits), the typed read (read area, the allocator serving it while the
 * read is in the library; views made with the graph's node), the arena
 * grown by the read area, and glue_ralloc given to the host. */
FT_TEST(test_stream_of_strings)
{
	struct fb_plan p;
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&p, "types_stream_string", &c, &h);
	FT_TRUE(has(h.data, "typedef struct { uint32_t handle; } types_stream_string_stream_string_t;\n"));
	FT_TRUE(has(h.data, "int types_stream_string_stream_string_write(types_stream_string_stream_"
			    "string_t end, const types_stream_string_string_t *elems, uint32_t n, "
			    "struct flue_host_outcome *out);\n"));
	FT_TRUE(has(h.data, "int types_stream_string_future_string_read(types_stream_string_future_"
			    "string_t end, types_stream_string_string_t *value, struct "
			    "flue_host_outcome *out);\n"));
	FT_TRUE(has(c.data, "static uint8_t host_arena[3072] __attribute__((aligned(8)));\n"));
	FT_TRUE(has(c.data, "#define GLUE_RBASE 2048u\n"));
	FT_TRUE(has(c.data, "\tw->end = GLUE_RBASE;\n"));
	FT_TRUE(has(c.data, "\tif (glue_rtop == 0)\n\t\treturn UINT32_MAX;\n"));
	FT_TRUE(has(c.data, "\tif ((rc = glue_reserve(w, (uint64_t)n * 8u, 4u, &at)) != 0)\n"
			    "\t\treturn rc;\n\tfor (uint32_t i = 0; i < n; i++) {\n"
			    "\t\tuint32_t ea = at + i * 8u;\n\t\tif ((rc = glue_put0(w, &elems[i], "
			    "ea)) != 0)\n\t\t\treturn rc;\n\t}\n\trc = flue_host_write(host, "
			    "end.handle, host_arena + at, n, out);\n\tif (rc == 0 && !out->done)"));
	FT_TRUE(has(c.data, "\tglue_rtop = (uint32_t)(at + (uint64_t)n * 8u);\n\tint rc = "
			    "flue_host_read(host, end.handle, host_arena + at, n, out);\n"
			    "\tif (rc == 0 && !out->done) /* no writer waiting */\n"
			    "\t\trc = flue_host_cancel(host, end.handle, out);\n\tglue_rtop = 0;\n"));
	FT_TRUE(has(c.data, "\t\tstruct flue_hval v = { &glue_types, host, 0, (uint32_t)at + i * "
			    "8u, 0u, FLUE_STRING_UTF8 };\n\t\tglue_get0(v, &elems[i]);\n"));
	FT_TRUE(has(c.data, "\trc = flue_host_set_realloc(host, glue_ralloc, 0);\n"));
	done(&p, &c, &h);
}

/* An end inside a value (option<stream<string>>: the params arrive in the
 * arrival area, so glue_ralloc hands other requests to glue_ialloc, which
 * sits after the read area) and an export's stream<bool> (bools are
 * graph elements: one byte each). */
FT_TEST(test_inside_values_and_bools)
{
	struct fb_plan p;
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&p, "types_im_ostrs", &c, &h);
	FT_TRUE(has(c.data, "#define GLUE_IBASE 3072u\n"));
	FT_TRUE(has(c.data, "static uint8_t host_arena[4096]"));
	FT_TRUE(has(c.data, "\t\treturn glue_ialloc(user, inst, old, old_size, align, size); "));
	FT_TRUE(has(h.data, "int types_im_ostrs_stream_string_read("));
	done(&p, &c, &h);
	gen(&p, "types_stream_bool", &c, &h);
	FT_TRUE(has(h.data, "int types_stream_bool_stream_bool_write(types_stream_bool_stream_bool_t "
			    "end, const bool *elems, uint32_t n, struct flue_host_outcome *out);\n"));
	FT_TRUE(has(c.data, "\tif (at + (uint64_t)n * 1u > GLUE_REND)\n\t\treturn FLUE_ENOMEM;\n"));
	done(&p, &c, &h);
}

/* Graph elements only between guests: no host typedefs, no read area. */
FT_TEST(test_between_guests_unchanged)
{
	struct fb_plan p;
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&p, "elems", &c, &h);
	FT_TRUE(strstr(h.data, "elems_stream_string_t") == NULL);
	FT_TRUE(strstr(c.data, "GLUE_RBASE") == NULL);
	FT_TRUE(strstr(c.data, "glue_ralloc") == NULL);
	done(&p, &c, &h);
}

FT_SUITE(hostelems,
	 FT_CASE(test_stream_of_strings),
	 FT_CASE(test_inside_values_and_bools),
	 FT_CASE(test_between_guests_unchanged))
