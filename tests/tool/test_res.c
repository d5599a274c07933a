/*
 * Resources in compositions (tools/flue-build/plan_res.c, gen_res.c; the
 * fixtures tests/tool/plan/res*.flue, res.wit, r_*.wat): who implements a
 * resource type, its id in the type graph and in the built-ins, the order
 * of <prog>_init (instances and destructors, registration, then the other
 * lifts), and the refusals: a resource nobody implements, two
 * implementations of one, borrows in stream elements. (Handles at the
 * host edge: test_hostres.c.)
 * Also the graph nodes of handles (graph/graph.wit's `handles`).
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

/* graph/graph.wit's world (test_handles): its functions by name. */
static struct wit_resolve res;
static const struct wit_world *world;

static void load(void)
{
	struct wit_error err;
	if (wit_load(&res, "graph/graph.wit", &err) != 0) {
		fprintf(stderr, "  %s\n", err.msg);
		FT_FAIL("graph/graph.wit does not load");
	}
	world = wit_find_world(&res, "graph", &err);
	FT_TRUE(world != NULL);
}

static const struct wit_func *func(const char *name)
{
	for (uint32_t i = 0; i < world->nimports; i++)
		if (world->imports[i].kind == WIT_ITEM_FUNC &&
		    strcmp(world->imports[i].func->name, name) == 0)
			return world->imports[i].func;
	fprintf(stderr, "  no function '%s'\n", name);
	FT_FAIL("function missing from graph.wit");
	return NULL;
}

static uint16_t add(struct fb_tgraph *g, const struct wit_type *t)
{
	char err[512];
	uint16_t n = 0xFFFF;
	int rc = fb_tgraph_add(g, t, &n, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err);
	FT_EQ(rc, 0);
	return n;
}

/* Resource handles and error-context: the graph form; an OWN/BORROW leaf
 * whose arg, in a graph built only to check types, is 1 + the index of
 * its resource among those met (the glue's has the ids: test_glue),
 * layout i32 (CanonicalABI.md: own, borrow and error-context are i32
 * handles); element types holding owns told apart by resource. */
FT_TEST(test_handles)
{
	load();
	char err[512];
	const struct wit_func *f = func("handles");
	FT_EQ(fb_func_form(f, err, sizeof err), FB_FORM_GRAPH);
	struct fb_tgraph g = { 0 };
	uint16_t a = add(&g, f->params[0].type), b = add(&g, f->params[1].type);
	uint16_t c = add(&g, f->params[2].type), e = add(&g, f->params[3].type);
	uint16_t r = add(&g, f->result);
	FT_EQ(g.nodes[a].kind, FLUE_VT_BORROW);
	FT_EQ(g.nodes[a].arg, 1); /* thing: the first resource met */
	FT_EQ(g.nodes[a].contains, FLUE_TC_HANDLE | FLUE_TC_BORROW);
	FT_EQ(g.nodes[b].kind, FLUE_VT_OWN);
	FT_EQ(g.nodes[b].arg, 2); /* other */
	FT_EQ(g.nodes[c].kind, FLUE_VT_OWN); /* a bare resource name: own */
	FT_EQ(g.nodes[c].arg, 1);
	FT_EQ(r, c); /* own<thing> again: the same node */
	FT_EQ(g.nodes[c].size, 4);
	FT_EQ(g.nodes[c].align, 4);
	FT_EQ(g.nodes[c].flat, 1);
	FT_EQ(g.nodes[c].contains, FLUE_TC_HANDLE);
	FT_EQ(g.nodes[e].kind, FLUE_VT_RESULT); /* result<u32, error-context>: 8 bytes, 2 flat */
	uint16_t ec = g.kids[g.nodes[e].kids + 1u];
	FT_EQ(g.nodes[ec].kind, FLUE_VT_ERROR_CONTEXT);
	FT_EQ(g.nodes[ec].size, 4);
	FT_EQ(g.nodes[e].size, 8);
	FT_EQ(g.nodes[e].flat, 2);
	FT_EQ(g.nodes[e].contains, FLUE_TC_HANDLE);
	fb_tgraph_free(&g);
	FT_TRUE(fb_type_first_handle(f->params[3].type) ==
		wit_unalias(f->params[3].type)->err);
	FT_TRUE(fb_type_first_handle(func("greet")->params[0].type) == NULL);
	FT_TRUE(fb_type_first_handle(func("things")->params[0].type) != NULL); /* in an element */
	/* stream<own<thing>>, stream<own<other>>, stream<thing>: two element types */
	const struct wit_func *o = func("own-elems");
	FT_EQ(fb_func_form(o, err, sizeof err), FB_FORM_FLAT);
	const struct wit_type *x = wit_unalias(o->params[0].type)->elem;
	FT_FALSE(fb_type_same_shape(x, wit_unalias(o->params[1].type)->elem));
	FT_TRUE(fb_type_same_shape(x, wit_unalias(o->params[2].type)->elem));
	wit_free(&res);
}

/* The glue of plan/res_ok.flue: impl implements counter (id 1, its
 * destructor lifted in instantiate_impl), user imports it. */
FT_TEST(test_glue)
{
	struct fb_plan p;
	build_ok(&p, "res_ok", NULL, HOST);
	FT_EQ(p.nrtypes, 1);
	FT_EQ(p.rtypes[0].inst, 0);
	FT_TRUE(p.rtypes[0].dtor >= 0);
	FT_EQ(fb_plan_inst_rtypes(&p, 0), 1);
	FT_EQ(fb_plan_inst_rtypes(&p, 1), 0);
	struct fb_gen_opts o = { 4096, 500, 0, FB_DEFAULT_STACK_BYTES, false };
	struct fb_buf c = { 0 }, h = { 0 };
	fb_gen_program(&p, &o, &c, &h);
	FT_TRUE(has(c.data, "#include <flue/resource.h>\n"));
	FT_TRUE(has(c.data, "{ .kind = FLUE_VT_OWN, .arg = 1u,\n"));
	FT_TRUE(has(c.data, "{ .kind = FLUE_VT_BORROW, .arg = 1u,\n"));
	FT_TRUE(has(c.data, "u32 r = flue_canon_resource_new(inst, 1u, p0);"));
	FT_TRUE(has(c.data, "u32 r = flue_canon_resource_rep(inst, 1u, p0);"));
	/* the user's drop may run impl's destructor: the glue's state saved */
	FT_TRUE(has(c.data, "\tflue_w2c_save(&frame);\n\tflue_canon_resource_drop(inst, 1u, p0);\n"
			    "\tflue_w2c_restore(&frame);\n"));
	FT_TRUE(has(c.data, "static const struct flue_functype glue_dtor_type = { .async = false, "
			    ".nparams = 1, .params = &glue_dtor_param };\n"));
	FT_TRUE(has(h.data, "FLUE_ENOTSUP it implements resource types"));
	/* stream<own<counter>>: a graph element type holding the own (id 1),
	 * registered before the instances (the library checks resource ids
	 * at lifts, not at element registration) */
	FT_EQ(p.nelems, 1);
	FT_TRUE(p.elems[0].graph);
	FT_TRUE(has(c.data, "static const uint16_t nodes[1] = { 1u /* own<counter> */ };"));
	FT_TRUE(has(c.data, "u64 r = flue_canon_stream_new(inst, RES_OK_ELEM_OWN_COUNTER);"));
	const char *dtor = strstr(c.data, "rc = flue_lift(&glue_dtors[0], self->g.inst, "
				  "&glue_dtor_type, &o);");
	const char *inst = strstr(c.data, "\tif ((rc = instantiate_user()) != 0)");
	const char *reg = strstr(c.data, "rc = flue_resource_type_register(&store, "
				 "m0_impl_insts[0].g.inst, &glue_dtors[0], &rt);\n\t\tif (rc != 0 || "
				 "rt != 1u)");
	const char *lift = strstr(c.data, "\tif ((rc = lift_impl()) != 0)");
	const char *lift2 = strstr(c.data, "\tif ((rc = lift_user()) != 0)");
	const char *wire = strstr(c.data, "\tif ((rc = wire_user()) != 0)");
	FT_TRUE(dtor != NULL && inst != NULL && reg != NULL && lift != NULL && lift2 != NULL &&
		wire != NULL);
	FT_TRUE(dtor < inst && inst < reg && reg < lift && lift < lift2 && lift2 < wire);
	/* restarting impl is refused before anything is torn down */
	FT_TRUE(has(c.data, "\tif (inst == m0_impl_insts[0].g.inst) {\n\t\treturn FLUE_ENOTSUP;"));
	fb_buf_free(&c);
	fb_buf_free(&h);
	fb_plan_free(&p);
}

/* A resource function without handles crosses the host edge like any
 * function: `[static]counter.count` exported to the host, its default C
 * name made an identifier. */
FT_TEST(test_static_at_the_host_edge)
{
	struct fb_plan p;
	build_ok(&p, "res_static", NULL, HOST);
	FT_EQ(p.nbindings, 1);
	FT_TRUE(p.nbindings == 1 &&
		strcmp(p.bindings[0].c_name, "res_static_impl_store__static_counter_count") == 0);
	fb_plan_free(&p);
}

static const struct err_case errors[] = {
	/* a resource no instance implements; two instances implementing one */
	MOD("res_noimpl", HOST, "r_drop", "import 'test:res/store@1.0.0' '[resource-drop]counter': "
	    "resource 'counter' (plan/res.wit:7:12) is implemented by no instance"),
	LOC("res_twice", 2, 1, "instances 'a' and 'b' both implement resource 'counter' of "
	    "interface 'test:res/store@1.0.0'", "one implementation per program"),
	/* a borrow in a stream element: the component model refuses it */
	MOD("res_lends", HOST, "r_lends", "import 'test:res/store@1.0.0' '[stream-new-0]lends': "
	    "'stream<borrow<counter>>' (plan/res.wit:21:"),
};

FT_TEST(test_errors)
{
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		bad += !plan_error_ok(&errors[i]);
	FT_EQ(bad, 0);
}

FT_SUITE(res,
	 FT_CASE(test_handles),
	 FT_CASE(test_glue),
	 FT_CASE(test_static_at_the_host_edge),
	 FT_CASE(test_errors))
