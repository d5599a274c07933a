/*
 * Handles at the host edge (tools/flue-build/plan_res.c, plan_wire.c,
 * gen_res.c, gen_hval.c, gen_hbind.c): own, borrow and error-context
 * handles and stream/future ends inside values cross `host` and `export`
 * lines as indices in the host's table (flue/hval.h); a resource no
 * instance implements is the host's when a `host` line serves a function
 * of its interface; values shown to the program that hold handles arrive
 * in the arrival area through the host's allocator. What stays refused:
 * a resource nobody implements; a C name taken twice (host ends of
 * graph-typed elements cross now: test_hostelems.c). Fixtures:
 * tests/tool/plan/res*.flue, types*.flue,
 * vends_export.flue.
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

/* plan/res_host.flue: user imports test:res/store, whose `make`,
 * `[constructor]counter` and `[method]counter.value` the host serves and
 * no instance exports: the host implements `counter` (id 1). */
FT_TEST(test_host_implements_a_resource)
{
	struct fb_plan p;
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&p, "res_host", &c, &h);
	FT_EQ(p.nrtypes, 1);
	FT_EQ(p.rtypes[0].inst, FB_RTYPE_HOST);
	FT_EQ(p.rtypes[0].dtor, -1);
	FT_TRUE(strcmp(p.rtypes[0].c_name, "res_host_store_counter") == 0);
	FT_EQ(fb_plan_inst_rtypes(&p, 0), 0);
	/* the program's destructor and the wrappers over the host's handles */
	FT_TRUE(has(h.data, "void res_host_store_counter_dtor(uint32_t rep);\n"));
	FT_TRUE(has(h.data, "int res_host_store_counter_new(uint32_t rep, uint32_t *handle);\n"));
	FT_TRUE(has(h.data, "int res_host_store_counter_rep(uint32_t handle, uint32_t *rep);\n"));
	FT_TRUE(has(h.data, "int res_host_store_counter_drop(uint32_t handle, uint32_t *rep);\n"));
	FT_TRUE(has(c.data, "int res_host_store_counter_new(uint32_t rep, uint32_t *handle)\n{\n"
			    "\treturn flue_host_resource_new(host, 1u, rep, handle);\n}\n"));
	FT_TRUE(has(c.data, "\treturn flue_host_resource_drop(host, 1u, handle, rep);\n"));
	FT_TRUE(has(c.data, "/* 1: 'counter' of 'store', implemented by the host */\n"));
	FT_TRUE(has(c.data, "static void glue_hdtor0_start(void *user, flue_call_t call, const "
			    "struct flue_values *a)\n{\n\tstatic const struct flue_values none = "
			    "{ 0, { 0 } };\n\t(void)user;\n\tres_host_store_counter_dtor((uint32_t)"
			    "a->v[0]);\n\t(void)flue_host_return(&store, call, &none);\n}\n"));
	/* handles are uint32_t: the constructor's own<counter> result, the
	 * method's borrowed self (the rep: the host implements counter) */
	FT_TRUE(has(h.data, "void res_host_store__constructor_counter(flue_call_t call, "
			    "uint32_t start);\n"));
	FT_TRUE(has(h.data, "int res_host_store__constructor_counter_return(flue_call_t call, "
			    "const uint32_t *result);\n"));
	FT_TRUE(has(h.data, "void res_host_store__method_counter_value(flue_call_t call, "
			    "uint32_t self);\n"));
	FT_TRUE(has(h.data, "void res_host_store__method_counter_value_failed(flue_call_t call, "
			    "int rc);\n"));
	FT_FALSE(strstr(h.data, "res_host_store__constructor_counter_failed") != NULL);
	/* order: the destructor (a host function) and the type, before the
	 * host functions whose types name it */
	const char *dtor = strstr(c.data, "rc = flue_host_func(&glue_dtors[0], host, "
				  "&glue_dtor_type, glue_hdtor0_start, 0, 0);\n\t\tif (rc == 0)\n"
				  "\t\t\trc = flue_resource_type_register(&store, host, "
				  "&glue_dtors[0], &rt);\n\t\tif (rc != 0 || rt != 1u)");
	const char *fn = strstr(c.data, "rc = flue_host_func(&host_funcs[0], host,");
	FT_TRUE(dtor != NULL && fn != NULL && dtor < fn);
	/* the method's params hold a borrow: they arrive through the host's
	 * allocator, the arrival area after the value area */
	FT_TRUE(has(c.data, "static uint8_t host_arena[3072] __attribute__((aligned(8)));\n"));
	FT_TRUE(has(c.data, "#define GLUE_IBASE 2048u\n"));
	FT_TRUE(has(c.data, "\tw->end = GLUE_IBASE;\n"));
	FT_TRUE(has(c.data, "\trc = flue_host_set_realloc(host, glue_ialloc, 0);\n"));
	FT_TRUE(has(c.data, "\tuint32_t glue_mark = glue_ienter();\n\tint glue_rc = "
			    "flue_host_params(&store, call, &glue_v);\n\tif (glue_rc != 0) {\n"
			    "\t\tres_host_store__method_counter_value_failed(call, glue_rc);\n"
			    "\t\tglue_ileave(glue_mark);\n\t\treturn;\n\t}\n"));
	FT_TRUE(has(c.data, "\tres_host_store__method_counter_value(call, arg_self);\n"
			    "\tglue_ileave(glue_mark);\n}\n"));
	done(&p, &c, &h);
}

/* plan/res_export.flue: `oops` -> result<u32, error-context> exported to
 * the host: its result arrives in the arrival area, the error context an
 * index in the host's table; the resolve callback takes the area back. */
FT_TEST(test_export_result_holds_an_error_context)
{
	struct fb_plan p;
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&p, "res_export", &c, &h);
	FT_EQ(p.nrtypes, 1); /* impl implements counter */
	FT_TRUE(p.rtypes[0].c_name == NULL);
	FT_TRUE(has(h.data, "uint32_t err;"));
	FT_TRUE(has(h.data, "or it holds handles\n * and did not fit the arrival area or the "
			    "host's table: it was dropped"));
	FT_TRUE(has(c.data, "{\n\tuint32_t glue_mark = glue_ienter();\n\tstruct pending *p = "
			    "user;\n"));
	FT_TRUE(has(c.data, "\t\tdone(u, &v);\n\t}\n\tglue_ileave(glue_mark);\n}\n"));
	FT_TRUE(has(c.data, "\trc = flue_host_set_realloc(host, glue_ialloc, 0);\n"));
	done(&p, &c, &h);
}

/* Stream ends inside values (option<stream<u8>>, a record holding one)
 * and next to a string: their C form is the end's `{ uint32_t handle; }`. */
FT_TEST(test_ends_inside_values)
{
	static const char *const names[] = { "types_im_opt", "types_im_mixed" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct fb_plan p;
		struct fb_buf c = { 0 }, h = { 0 };
		gen(&p, names[i], &c, &h);
		FT_TRUE(has(c.data, ".handle = (uint32_t)flue_hval_num("));
		FT_TRUE(has(c.data, "\trc = flue_host_set_realloc(host, glue_ialloc, 0);\n"));
		FT_TRUE(has(h.data, "_failed(flue_call_t call, int rc);\n"));
		done(&p, &c, &h);
	}
	/* an export's param holding an end: the program gives it (the end
	 * written as its index), so nothing arrives and there is no arrival
	 * area: the arena is the program's part and the value area */
	struct fb_plan p;
	struct fb_buf c = { 0 }, h = { 0 };
	gen(&p, "vends_export", &c, &h);
	FT_TRUE(has(c.data, "\tglue_st(w, at + 8u, x->s.handle, 4u);\n"));
	FT_TRUE(has(c.data, "static uint8_t host_arena[2048] __attribute__((aligned(8)));\n"));
	FT_TRUE(strstr(c.data, "glue_ialloc") == NULL);
	done(&p, &c, &h);
}

static const struct err_case errors[] = {
	/* a host line's C name that a host resource's wrapper has */
	{ "res_hostc", HOST, AT_FILE, 0, 0, NULL, "the generated C function "
	  "'res_hostc_store_counter_new' would be defined twice", NULL },
	/* a resource no instance implements and no host line reaches */
	MOD("res_noimpl", HOST, "r_drop", "is implemented by no instance: the world of the "
	    "instance implementing it must export its interface 'store', or a 'host' line serve "
	    "a function of that interface (the host then implements it"),
};

FT_TEST(test_errors)
{
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		bad += !plan_error_ok(&errors[i]);
	FT_EQ(bad, 0);
}

FT_SUITE(hostres,
	 FT_CASE(test_host_implements_a_resource),
	 FT_CASE(test_export_result_holds_an_error_context),
	 FT_CASE(test_ends_inside_values),
	 FT_CASE(test_errors))
