/*
 * Graph-typed values in flue-build (tools/flue-build/tgraph.h, gen_graph.c)
 * on tests/tool/graph/graph.wit: the node of every kind, layouts worked out
 * by hand from CanonicalABI.md (and equal to both the flue library's
 * flue_types_layout() and flue-build's own wit_size/wit_align/wit_flatten),
 * shapes sharing nodes, which form each function takes and every refusal,
 * the resolver's core-signature checks for strings, lists and variants
 * (right and wrong), the glue generated for two guests passing such
 * values (plan/gpair.flue), and streams and futures of such values:
 * element forms and refusals, and their glue (plan/elems.flue); and
 * stream/future ends inside values and elements (plan/vends.flue).
 */
#include "ftest.h"
#include "gen.h"
#include "names.h"
#include "plan.h"
#include "tgraph.h"

#include <flue/valtype.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FLUE_PLAN_FIXTURES
#error "FLUE_PLAN_FIXTURES (the built tests/tool/plan modules) must be defined"
#endif

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
	for (int e = 0; e < 2; e++) {
		const struct wit_item *it = e ? world->exports : world->imports;
		uint32_t n = e ? world->nexports : world->nimports;
		for (uint32_t i = 0; i < n; i++)
			if (it[i].kind == WIT_ITEM_FUNC && strcmp(it[i].func->name, name) == 0)
				return it[i].func;
	}
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

/* ------------------------------------------------------------ kinds */

struct kind_row {
	uint8_t kind;
	uint32_t arg, nkids;
};

/* kinds(a..w) -> result: one row per parameter, then the result. */
static const struct kind_row kind_rows[] = {
	{ FLUE_VT_BOOL, 0, 0 }, { FLUE_VT_S8, 0, 0 }, { FLUE_VT_U8, 0, 0 },
	{ FLUE_VT_S16, 0, 0 }, { FLUE_VT_U16, 0, 0 }, { FLUE_VT_S32, 0, 0 },
	{ FLUE_VT_U32, 0, 0 }, { FLUE_VT_S64, 0, 0 }, { FLUE_VT_U64, 0, 0 },
	{ FLUE_VT_F32, 0, 0 }, { FLUE_VT_F64, 0, 0 }, { FLUE_VT_CHAR, 0, 0 },
	{ FLUE_VT_STRING, 0, 0 },  /* m: text, an alias of string */
	{ FLUE_VT_LIST, 0, 1 },    /* n: list<u8> */
	{ FLUE_VT_LIST, 4, 1 },    /* o: list<u32, 4> */
	{ FLUE_VT_OPTION, 0, 1 }, { FLUE_VT_RESULT, 0, 2 },
	{ FLUE_VT_VARIANT, 0, 3 }, /* r: shape */
	{ FLUE_VT_ENUM, 3, 0 }, { FLUE_VT_FLAGS, 3, 0 }, { FLUE_VT_TUPLE, 0, 2 },
	{ FLUE_VT_RECORD, 0, 3 },  /* v: outer */
	{ FLUE_VT_MAP, 0, 2 },
	{ FLUE_VT_RESULT, 0, 2 },  /* the bare `result` */
};

FT_TEST(test_every_kind)
{
	load();
	const struct wit_func *f = func("kinds");
	FT_EQ(f->nparams + 1u, sizeof kind_rows / sizeof kind_rows[0]);
	struct fb_tgraph g = { 0 };
	for (uint32_t i = 0; i <= f->nparams; i++) {
		uint16_t n = add(&g, i < f->nparams ? f->params[i].type : f->result);
		const struct flue_tnode *x = &g.nodes[n];
		if (x->kind != kind_rows[i].kind || x->arg != kind_rows[i].arg ||
		    x->nkids != kind_rows[i].nkids)
			fprintf(stderr, "  value %u: kind %u arg %u nkids %u\n", (unsigned)i,
				(unsigned)x->kind, (unsigned)x->arg, (unsigned)x->nkids);
		FT_EQ(x->kind, kind_rows[i].kind);
		FT_EQ(x->arg, kind_rows[i].arg);
		FT_EQ(x->nkids, kind_rows[i].nkids);
	}
	/* shape: none (no payload), circle(f32), poly(list<point>) */
	const struct flue_tnode *shape = &g.nodes[add(&g, f->params[17].type)];
	FT_EQ(g.kids[shape->kids], FLUE_TYPE_NONE);
	FT_EQ(g.nodes[g.kids[shape->kids + 1]].kind, FLUE_VT_F32);
	FT_EQ(g.nodes[g.kids[shape->kids + 2]].kind, FLUE_VT_LIST);
	/* the bare result: neither side has a payload */
	const struct flue_tnode *r = &g.nodes[add(&g, f->result)];
	FT_EQ(g.kids[r->kids], FLUE_TYPE_NONE);
	FT_EQ(g.kids[r->kids + 1], FLUE_TYPE_NONE);
	FT_TRUE(strcmp(g.text[add(&g, f->params[12].type)], "string") == 0);
	fb_tgraph_free(&g);
	wit_free(&res);
}

/* ----------------------------------------------------------- layout */

/* Every node's layout is what the library computes from scratch. */
static void layout_is_the_runtimes(const struct fb_tgraph *g)
{
	struct flue_tnode *fresh = calloc(g->nnodes, sizeof *fresh);
	FT_TRUE(fresh != NULL);
	for (uint32_t i = 0; i < g->nnodes; i++)
		fresh[i] = (struct flue_tnode){ .kind = g->nodes[i].kind, .arg = g->nodes[i].arg,
						.nkids = g->nodes[i].nkids,
						.kids = g->nodes[i].kids };
	FT_EQ(flue_types_layout(fresh, (uint16_t)g->nnodes, g->kids, (uint16_t)g->nkids), 0);
	for (uint32_t i = 0; i < g->nnodes; i++) { /* field by field: not the padding */
		const struct flue_tnode *a = &fresh[i], *b = &g->nodes[i];
		FT_EQ(a->size, b->size);
		FT_EQ(a->size64, b->size64);
		FT_EQ(a->align, b->align);
		FT_EQ(a->align64, b->align64);
		FT_EQ(a->flat, b->flat);
		FT_EQ(a->depth, b->depth);
		FT_EQ(a->contains, b->contains);
	}
	free(fresh);
	struct flue_tgraph v = fb_tgraph_view(g);
	FT_EQ(flue_types_check(&v), 0);
}

/* ... and what flue-build's own canonical ABI (wit_abi.c) says. */
static void layout_is_wit_abis(const struct fb_tgraph *g, uint16_t n, const struct wit_type *t)
{
	enum wit_core flat[20];
	int nf = wit_flatten(t, flat, 20);
	FT_EQ(g->nodes[n].size, wit_size(t));
	FT_EQ(g->nodes[n].align, wit_align(t));
	FT_EQ(g->nodes[n].flat, (uint32_t)nf);
	uint8_t got[20];
	struct flue_tgraph v = fb_tgraph_view(g);
	FT_EQ(flue_types_flatten(&v, n, got, 20), (uint32_t)nf);
	for (int i = 0; i < nf && i < 20; i++)
		FT_EQ(got[i], flat[i]); /* enum flue_core_type and enum wit_core agree */
}

static void layout_is(const struct flue_tnode *x, uint32_t size, uint32_t align,
		      uint32_t size64, uint32_t align64, uint32_t flat, uint32_t depth,
		      uint32_t contains)
{
	FT_EQ(x->size, size);
	FT_EQ(x->align, align);
	FT_EQ(x->size64, size64);
	FT_EQ(x->align64, align64);
	FT_EQ(x->flat, flat);
	FT_EQ(x->depth, depth);
	FT_EQ(x->contains, contains);
}

FT_TEST(test_nested_layout)
{
	load();
	struct fb_tgraph g = { 0 };
	const char *fns[] = { "kinds", "shapes", "greet", "sum", "pick", "num-of", "fetch" };
	for (size_t k = 0; k < sizeof fns / sizeof fns[0]; k++) {
		const struct wit_func *f = func(fns[k]);
		for (uint32_t i = 0; i <= f->nparams; i++) {
			const struct wit_type *t = i < f->nparams ? f->params[i].type : f->result;
			if (t != NULL)
				layout_is_wit_abis(&g, add(&g, t), t);
		}
	}
	layout_is_the_runtimes(&g);
	const struct wit_func *kinds = func("kinds");
	/* outer { i: inner { a: u32, tag: option<string> }, b: u8, pts: list<point> }:
	 * option<string> 12 (case, string at 4), inner 16, b at 16, pts at 20: 28;
	 * 64-bit pointers: string 16/8, option 24, inner 32, b at 32, pts at 40: 56;
	 * flat: inner 1 + (1 + 2), b 1, pts 2: 7; depth outer > inner > option >
	 * string: 4; holds strings and lists. */
	layout_is(&g.nodes[add(&g, kinds->params[21].type)], 28, 4, 56, 8, 7, 4, FLUE_TC_ALLOC);
	/* shape: u8 case, payload at 4 (f32 | list 8): 12; flat (i32, join(f32, i32),
	 * i32); 64-bit: list 16/8: 24; depth shape > list > point > f64: 4 */
	layout_is(&g.nodes[add(&g, kinds->params[17].type)], 12, 4, 24, 8, 3, 4, FLUE_TC_ALLOC);
	/* result<string, color> (fetch): 12, flat 3 (case, then string | color joined) */
	layout_is(&g.nodes[add(&g, func("fetch")->result)], 12, 4, 24, 8, 3, 2, FLUE_TC_ALLOC);
	/* list<u32, 4>: 16 bytes, 4 flat, no allocation; perms: 1 byte */
	layout_is(&g.nodes[add(&g, kinds->params[14].type)], 16, 4, 16, 4, 4, 2, 0);
	layout_is(&g.nodes[add(&g, kinds->params[19].type)], 1, 1, 1, 1, 1, 1, 0);
	/* num { i(u32), f(f64) }: case, f64 at 8: 16; flat (i32, join(i32, f64) = i64) */
	layout_is(&g.nodes[add(&g, func("num-of")->params[0].type)], 16, 8, 16, 8, 2, 2, 0);
	fb_tgraph_free(&g);
	wit_free(&res);
}

/* Children come first; one node per shape, whatever the names. */
FT_TEST(test_shared_shapes)
{
	load();
	struct fb_tgraph g = { 0 };
	const struct wit_func *f = func("shapes");
	uint16_t a = add(&g, f->params[0].type), b = add(&g, f->params[1].type);
	uint16_t l = add(&g, f->params[2].type), r = add(&g, f->result);
	FT_EQ(a, b); /* point and spot */
	FT_EQ(r, a);
	FT_EQ(g.kids[g.nodes[l].kids], a);
	uint32_t n = g.nnodes;
	FT_EQ(add(&g, func("kinds")->params[21].type), add(&g, func("kinds")->params[21].type));
	FT_TRUE(g.nnodes > n);
	n = g.nnodes;
	(void)add(&g, func("kinds")->params[21].type);
	FT_EQ(g.nnodes, n); /* again: nothing new */
	for (uint32_t i = 0; i < g.nnodes; i++)
		for (uint32_t k = 0; k < g.nodes[i].nkids; k++) {
			uint16_t c = g.kids[g.nodes[i].kids + k];
			FT_TRUE(c == FLUE_TYPE_NONE || c < i);
		}
	fb_tgraph_free(&g);
	wit_free(&res);
}

/* ------------------------------------------------------------ forms */

static void form_fails(const char *name, const char *phrase)
{
	char err[512] = "";
	int rc = fb_func_form(func(name), err, sizeof err);
	bool ok = rc == -1 && strstr(err, phrase) != NULL;
	if (!ok)
		fprintf(stderr, "  %s: rc %d \"%s\"\n  wanted \"%s\"\n", name, rc, err, phrase);
	FT_TRUE(ok);
}

FT_TEST(test_forms)
{
	load();
	char err[512];
	/* the flat form wherever it suffices: ends, a flat record, numbers */
	FT_EQ(fb_func_form(func("flat"), err, sizeof err), FB_FORM_FLAT);
	const char *graph[] = { "kinds", "shapes", "greet", "sum", "pick", "num-of", "fetch",
				"serve", "opt", "mixed", "take", "takes" };
	for (size_t i = 0; i < sizeof graph / sizeof graph[0]; i++) {
		int rc = fb_func_form(func(graph[i]), err, sizeof err);
		if (rc != FB_FORM_GRAPH)
			fprintf(stderr, "  %s: %d %s\n", graph[i], rc, err);
		FT_EQ(rc, FB_FORM_GRAPH);
		FT_TRUE(fb_func_is_graph(func(graph[i])));
	}
	FT_FALSE(fb_func_is_graph(func("flat")));
	FT_EQ(fb_func_form(func("owned"), err, sizeof err), FB_FORM_GRAPH); /* option<own<thing>> */
	form_fails("deep", "is nested deeper than 16 levels or takes 2^28 bytes or more");
	form_fails("wide", "type 'many' has 33 flags: flue needs 1..32 flags");
	form_fails("wides", "type 'many' (in 'list<many>') has 33 flags");
	wit_free(&res);
}

/* Stream/future element types: graph-typed ones keep the function flat
 * (the ends are handles); an end inside is carried; a borrow or a resource
 * inside, or a type the graph refuses, is refused with the end's text and
 * where it is. */
FT_TEST(test_elem_forms)
{
	load();
	char err[512];
	const struct wit_func *w = func("words");
	FT_EQ(fb_func_form(w, err, sizeof err), FB_FORM_FLAT);
	/* string, result<list<u8>, string>, bool: graph; a record of numbers, a
	 * number and the unit future: flat (flue_type_register's) */
	static const int want[] = { FB_ELEM_GRAPH, FB_ELEM_GRAPH, FB_ELEM_GRAPH, FB_ELEM_FLAT,
				    FB_ELEM_FLAT, FB_ELEM_FLAT };
	FT_EQ(w->nparams, 6);
	for (uint32_t i = 0; i < 6; i++)
		FT_EQ(fb_elem_form(wit_unalias(w->params[i].type), err, sizeof err), want[i]);
	FT_EQ(fb_elem_form(NULL, err, sizeof err), FB_ELEM_FLAT);
	FT_TRUE(fb_type_same_shape(wit_unalias(w->params[0].type)->elem, func("greet")->result));
	FT_FALSE(fb_type_same_shape(wit_unalias(w->params[0].type)->elem,
				    wit_unalias(w->params[2].type)->elem));
	form_fails("lends", "'stream<borrow<thing>>' (graph/graph.wit:58:25): its element type "
		   "'borrow<thing>' is a handle: the component model does not allow borrowed "
		   "handles in stream/future elements");
	/* an end inside an element: carried (its own element type checked) */
	FT_EQ(fb_elem_form(wit_unalias(func("nested-ends")->params[0].type), err, sizeof err),
	      FB_ELEM_GRAPH);
	FT_EQ(fb_func_form(func("nested-ends"), err, sizeof err), FB_FORM_FLAT);
	/* an own inside an element: carried (the resource's id in its node) */
	FT_EQ(fb_elem_form(wit_unalias(func("things")->params[0].type), err, sizeof err),
	      FB_ELEM_GRAPH);
	form_fails("many-flags", "'stream<list<many>>' (graph/graph.wit:61:30): its element "
		   "type: type 'many' (in 'list<many>') has 33 flags: flue needs 1..32 flags");
	wit_free(&res);
}

/* Stream/future ends inside values (the graph form) and inside elements:
 * a FLUE_VT_STREAM/FUTURE leaf whose arg, in a graph built only to check
 * types, is 1 + the node of its element type (a record and a tuple of the
 * same numbers: one key, as the library gives them one element id; the
 * glue's graph has the ids: test_value_ends_glue); the refusals left. */
FT_TEST(test_value_ends)
{
	load();
	char err[512];
	struct fb_tgraph g = { 0 };
	uint16_t r = add(&g, func("take")->params[0].type); /* named { name, s: stream<u8> } */
	FT_EQ(g.nodes[r].kind, FLUE_VT_RECORD);
	uint16_t s = g.kids[g.nodes[r].kids + 1u];
	FT_EQ(g.nodes[s].kind, FLUE_VT_STREAM);
	FT_EQ(g.nodes[s].nkids, 0);
	FT_EQ(g.nodes[g.nodes[s].arg - 1u].kind, FLUE_VT_U8);
	FT_EQ(g.nodes[s].size, 4);
	FT_EQ(g.nodes[s].flat, 1);
	FT_EQ(g.nodes[s].contains, FLUE_TC_HANDLE | FLUE_TC_ASYNC);
	FT_EQ(g.nodes[r].contains, FLUE_TC_ALLOC | FLUE_TC_HANDLE | FLUE_TC_ASYNC);
	uint16_t o = add(&g, func("takes")->params[1].type); /* option<future<u32>> */
	uint16_t f = g.kids[g.nodes[o].kids];
	FT_EQ(g.nodes[f].kind, FLUE_VT_FUTURE);
	FT_EQ(g.nodes[g.nodes[f].arg - 1u].kind, FLUE_VT_U32);
	uint16_t fp = add(&g, func("takes")->result); /* future<point>: a tuple key */
	FT_EQ(g.nodes[g.nodes[fp].arg - 1u].kind, FLUE_VT_TUPLE);
	FT_EQ(g.nodes[g.nodes[fp].arg - 1u].nkids, 2);
	fb_tgraph_free(&g);
	FT_TRUE(fb_type_first_end(func("take")->params[0].type) ==
		wit_unalias(func("take")->params[0].type)->fields[1].type);
	FT_TRUE(fb_type_first_end(func("greet")->params[0].type) == NULL);
	/* ends in elements: stream<point> and stream<tuple<f64, f32>> are one
	 * element type, stream<u32> another */
	const struct wit_func *pts = func("pts");
	FT_EQ(fb_func_form(pts, err, sizeof err), FB_FORM_FLAT);
	const struct wit_type *a = wit_unalias(pts->params[0].type)->elem;
	FT_TRUE(fb_type_same_shape(a, wit_unalias(pts->params[1].type)->elem));
	FT_FALSE(fb_type_same_shape(a, wit_unalias(pts->params[2].type)->elem));
	form_fails("deep-lends", "its element type 'list<stream<borrow<thing>>>' holds the handle "
		   "'borrow<thing>': the component model does not allow borrowed handles in "
		   "stream/future elements");
	FT_EQ(fb_func_form(func("owned-end"), err, sizeof err), FB_FORM_GRAPH);
	wit_free(&res);
}

/* ---------------------------------------------------- core signatures */

struct fty {
	struct wasm_functype ft;
	uint8_t p[24], r[8];
};

/* params '>' results: i i32, I i64, f f32, F f64 */
static const struct wasm_functype *fty(struct fty *s, const char *spec)
{
	memset(s, 0, sizeof *s);
	s->ft.params = s->p;
	s->ft.results = s->r;
	bool results = false;
	for (const char *c = spec; *c != '\0'; c++) {
		uint8_t v = *c == 'i' ? WASM_I32 : *c == 'I' ? WASM_I64 : *c == 'f' ? WASM_F32
										  : WASM_F64;
		if (*c == '>')
			results = true;
		else if (results)
			s->r[s->ft.nresults++] = v;
		else
			s->p[s->ft.nparams++] = v;
	}
	return &s->ft;
}

struct sig_row {
	const char *module, *field, *right, *wrong;
};

static const struct sig_row sig_rows[] = {
	{ "$root", "greet", "iii>", "ii>i" },           /* string in, string out */
	{ "$root", "sum", "ii>i", "i>i" },              /* list<u32> */
	{ "$root", "pick", "iiii>", "iii>i" },          /* variant in, option<enum> out */
	{ "$root", "num-of", "iI>", "ii>" },            /* join(i32, f64) = i64 */
	{ "$root", "[async-lower]fetch", "ii>i", "i>i" },
	{ "[export]$root", "[task-return]serve", "iii>", "ii>" },
};

FT_TEST(test_core_signatures)
{
	load();
	for (size_t i = 0; i < sizeof sig_rows / sizeof sig_rows[0]; i++) {
		const struct sig_row *r = &sig_rows[i];
		struct fty t;
		struct fb_import imp;
		char err[512] = "";
		int rc = fb_classify_import(world, r->module, r->field, fty(&t, r->right), &imp, err,
					    sizeof err);
		if (rc != 0)
			fprintf(stderr, "  '%s' '%s' %s: %s\n", r->module, r->field, r->right, err);
		FT_EQ(rc, 0);
		fb_import_free(&imp);
		rc = fb_classify_import(world, r->module, r->field, fty(&t, r->wrong), &imp, err,
					sizeof err);
		if (rc == 0 || strstr(err, "does not match") == NULL)
			fprintf(stderr, "  '%s' '%s' %s: rc %d \"%s\"\n", r->module, r->field,
				r->wrong, rc, err);
		FT_TRUE(rc != 0 && strstr(err, "does not match") != NULL);
	}
	/* kinds: 23 params, more than 16 flat: one pointer; `result` flat: i32 */
	struct fty t;
	struct fb_export ex;
	char err[512] = "";
	FT_EQ(fb_classify_export(world, "kinds", WASM_EXTERN_FUNC, fty(&t, "i>i"), &ex, err,
				 sizeof err), 0);
	fb_export_free(&ex);
	FT_TRUE(fb_classify_export(world, "kinds", WASM_EXTERN_FUNC, fty(&t, "ii>i"), &ex, err,
				   sizeof err) != 0);
	FT_TRUE(strstr(err, "does not match") != NULL);
	wit_free(&res);
}

/* ------------------------------------------------------ generated glue */

static bool has(const char *text, const char *what)
{
	bool ok = strstr(text, what) != NULL;
	if (!ok)
		fprintf(stderr, "  glue lacks: %s\n", what);
	return ok;
}

static char *gpair_glue(enum fb_target target, bool isolate)
{
	struct fb_plan p;
	struct fb_error err;
	int rc = fb_plan_build(&p, "plan/gpair.flue", FLUE_PLAN_FIXTURES, NULL, target, &err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
	struct fb_gen_opts o = { 4096, 500, 0, FB_DEFAULT_STACK_BYTES, isolate };
	struct fb_buf c = { 0 }, h = { 0 };
	fb_gen_program(&p, &o, &c, &h);
	fb_buf_free(&h);
	fb_plan_free(&p);
	return c.data;
}

FT_TEST(test_glue)
{
	char *c = gpair_glue(FB_TARGET_HOST, false);
	/* the graph: children first, layout precomputed */
	FT_TRUE(has(c, "static const struct flue_tnode glue_tnodes[4] = {\n"
		       "\t/* 0: string */ { .kind = FLUE_VT_STRING,\n"
		       "\t\t.size = 8u, .size64 = 16u, .flat = 2u, .align = 4u, .align64 = 8u, "
		       ".depth = 1u, .contains = 0x1u },\n"));
	FT_TRUE(has(c, "\t/* 3: result<string, color> */ { .kind = FLUE_VT_RESULT, .nkids = 2u, "
		       ".kids = 0u,\n\t\t.size = 12u, .size64 = 24u, .flat = 3u"));
	FT_TRUE(has(c, "static const struct flue_tgraph glue_types = { glue_tnodes, glue_tkids, "
		       "4u, 2u };\n"));
	/* graph function types for the lifts, the flat form for `run` */
	FT_TRUE(has(c, "static const uint16_t m0_callee_lift0_type_params[1] = { 0u /* name */ };\n"
		       "static const uint16_t m0_callee_lift0_type_result = 0u; /* string */\n"
		       "static const struct flue_functype m0_callee_lift0_type = {\n\t.async = false,\n"
		       "\t.nparams = 1,\n\t.graph = &glue_types,\n"
		       "\t.param_types = m0_callee_lift0_type_params,\n"
		       "\t.result_type = &m0_callee_lift0_type_result,\n};\n"));
	FT_TRUE(has(c, "static const struct flue_functype m1_caller_lift0_type = {\n"
		       "\t.async = false,\n\t.nparams = 0,\n\t.params = 0,\n"));
	FT_TRUE(has(c, "\tflue_canon_task_return_typed(inst, &glue_types, &m0_callee_i0_result, "
		       "a, 3);\n"));
	FT_TRUE(has(c, "\t\t\t.realloc = m0_callee_realloc,\n"
		       "\t\t\t.string_encoding = FLUE_STRING_UTF8,\n"));
	/* the caller's options after each flue_lower(): its realloc, UTF-8 */
	for (int i = 0; i < 2; i++) {
		char want[256];
		snprintf(want, sizeof want, "\tself->low[%d].string_encoding = FLUE_STRING_UTF8;\n"
			 "\tself->low[%d].realloc = m1_caller_realloc;\n"
			 "\tself->low[%d].user = self;\n", i, i, i);
		FT_TRUE(has(c, want));
	}
	free(c);
	/* isolated: the caller's realloc is entered through the gate, as a
	 * lift's realloc is (its export wrapper m1_caller_x1) */
	c = gpair_glue(FB_TARGET_CORTEX_M3, true);
	FT_TRUE(has(c, "static void m1_caller_realloc_body(void *arg)\n{\n"
		       "\tstruct m1_caller_call *c = arg;\n\tc->e = (uint32_t)m1_caller_x1(c->self"));
	FT_TRUE(has(c, "\tself->low[1].realloc = m1_caller_realloc;\n"));
	free(c);
}

/* Graph-typed values at the host edge (plan/hpair.flue): C types in the
 * header, host functions reading views and resolving through _return(),
 * bindings writing their params into the value area; the flat binding of
 * `run` and the graph itself are as between guests. */
FT_TEST(test_host_edge_glue)
{
	struct fb_plan p;
	struct fb_error err;
	int rc = fb_plan_build(&p, "plan/hpair.flue", FLUE_PLAN_FIXTURES, NULL, FB_TARGET_HOST, &err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
	struct fb_gen_opts o = { 1024, 500, 0, FB_DEFAULT_STACK_BYTES, false };
	struct fb_buf c = { 0 }, h = { 0 };
	fb_gen_program(&p, &o, &c, &h);
	FT_TRUE(has(h.data, "#include <flue/hval.h>\n"));
	FT_TRUE(has(h.data, "typedef struct {\n\tconst uint8_t *ptr;\n\tuint32_t len;\n"
			    "} hpair_string_t;\n"));
	FT_TRUE(has(h.data, "typedef uint32_t hpair_color_t;\n#define HPAIR_COLOR_RED 0u\n"
			    "#define HPAIR_COLOR_GREEN 1u\n"));
	FT_TRUE(has(h.data, "typedef struct {\n\tuint32_t tag;\n\tunion {\n"
			    "\t\thpair_string_t ok;\n\t\thpair_color_t err;\n\t} u;\n} hpair_result"));
	FT_TRUE(has(h.data, "void host_greet(flue_call_t call, hpair_string_t name);\n"));
	FT_TRUE(has(h.data, "int host_greet_return(flue_call_t call, const hpair_string_t *result);"));
	FT_TRUE(has(h.data, "int call_greet(hpair_string_t name, call_greet_done_t done, void *user, "
			    "flue_call_t *call);\n"));
	FT_TRUE(has(h.data, "typedef void (*hpair_caller_run_done_t)(void *user, const uint32_t "
			    "*result);\n"));
	/* the value area after the program's 1024 bytes */
	FT_TRUE(has(c.data, "static uint8_t host_arena[2048] __attribute__((aligned(8)));\n"));
	FT_TRUE(has(c.data, "#define GLUE_VBASE 1024u\n"));
	FT_TRUE(has(c.data, "\t\t*size = GLUE_VBASE /* then the value area */;\n"));
	/* views in, canonical layout out */
	FT_TRUE(has(c.data, "\tout->ptr = flue_hval_bytes(v, &out->len, 0);\n"));
	FT_TRUE(has(c.data, "\tif (flue_host_params(&store, call, &glue_v) != 0)\n\t\treturn;\n"
			    "\thpair_string_t arg_name;\n\tglue_get0(flue_hvals_get(&glue_v, 0u), "
			    "&arg_name);\n\thost_greet(call, arg_name);\n"));
	FT_TRUE(has(c.data, "\tint rc = glue_reserve(&w, 12u, 4u, &at);\n"));
	FT_TRUE(has(c.data, "\tdefault:\n\t\treturn FLUE_EINVAL;\n\t}\n\tglue_st(w, at, x->tag, 1u);\n"));
	FT_TRUE(has(c.data, "\tglue_rc = flue_invoke_vals(&m0_callee_insts[0].lift[0], host, glue_at, "
			    "call_greet_resolve, glue_p,\n"));
	/* the caller's realloc for the host's results */
	FT_TRUE(has(c.data, "&host_funcs[0], self->g.inst, false);\n"
			    "\tself->low[0].string_encoding = FLUE_STRING_UTF8;\n"
			    "\tself->low[0].realloc = m1_caller_realloc;\n"));
	fb_buf_free(&c);
	fb_buf_free(&h);
	fb_plan_free(&p);
}

/* Streams and futures of graph-typed elements (plan/elems.flue): their
 * nodes in the one graph, registered after the flat element types, and
 * the `_opts` built-ins with each instance's value options. */
static char *elems_glue(enum fb_target target, bool isolate)
{
	struct fb_plan p;
	struct fb_error err;
	int rc = fb_plan_build(&p, "plan/elems.flue", FLUE_PLAN_FIXTURES, NULL, target, &err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
	FT_EQ(p.nelems, 2);
	FT_EQ(p.nflat_elems, 0);
	FT_TRUE(p.elems[0].graph && strcmp(p.elems[0].c_name, "string") == 0);
	FT_TRUE(p.elems[1].graph && strcmp(p.elems[1].c_name, "result_list_u8_string") == 0);
	struct fb_gen_opts o = { 4096, 500, 0, FB_DEFAULT_STACK_BYTES, isolate };
	struct fb_buf c = { 0 }, h = { 0 };
	fb_gen_program(&p, &o, &c, &h);
	FT_TRUE(has(h.data, "#define ELEMS_ELEM_STRING 1u\n#define ELEMS_ELEM_RESULT_LIST_U8_STRING 2u\n"));
	FT_FALSE(strstr(h.data, "elems_stream_string_t") != NULL); /* no host ends of them */
	fb_buf_free(&h);
	fb_plan_free(&p);
	return c.data;
}

FT_TEST(test_elem_glue)
{
	char *c = elems_glue(FB_TARGET_HOST, false);
	FT_TRUE(has(c, "\t/* 3: result<list<u8>, string> */ { .kind = FLUE_VT_RESULT, .nkids = 2u"));
	FT_FALSE(strstr(c, "elem_types[") != NULL); /* no flat element types */
	FT_TRUE(has(c, "\t\tstatic const uint16_t nodes[2] = { 0u /* string */, 3u /* result<list<u8>, "
		       "string> */ };\n\t\tfor (uint32_t i = 0; i < 2u; i++) {\n"
		       "\t\t\tflue_type_t t = 0;\n\t\t\trc = flue_type_register_value(&store, "
		       "&glue_types, nodes[i], &t);\n\t\t\tif (rc != 0 || t != i + 1u)\n"));
	/* per instance: the reader's realloc; the writer has none (it allocates nothing) */
	FT_TRUE(has(c, "static const struct flue_string_opts m0_reader_vopts[1] = {\n"
		       "\t{ m0_reader_realloc, &m0_reader_insts[0], FLUE_STRING_UTF8 },\n};\n"));
	FT_TRUE(has(c, "static const struct flue_string_opts m1_writer_vopts[1] = {\n"
		       "\t{ 0, 0, FLUE_STRING_UTF8 },\n};\n"));
	FT_TRUE(has(c, "\tstruct m0_reader_inst *self = m0_reader_self(env);\n"
		       "\tstruct flue_instance *inst = self->g.inst;\n"
		       "\tu32 r = flue_canon_stream_read_opts(inst, ELEMS_ELEM_STRING, FLUE_OPT_ASYNC, "
		       "&m0_reader_vopts[self - m0_reader_insts], p0, p1, p2);\n"));
	/* the blocking form saves the glue's state as every blocking built-in does */
	FT_TRUE(has(c, "\tflue_w2c_save(&frame);\n\tu32 r = flue_canon_future_read_opts(inst, "
		       "ELEMS_ELEM_RESULT_LIST_U8_STRING, 0, &m0_reader_vopts[self - m0_reader_insts], "
		       "p0, p1);\n\tflue_w2c_restore(&frame);\n"));
	FT_TRUE(has(c, "flue_canon_stream_write_opts(inst, ELEMS_ELEM_STRING, FLUE_OPT_ASYNC, "
		       "&m1_writer_vopts[self - m1_writer_insts], p0, p1, p2);\n"));
	FT_TRUE(has(c, "flue_canon_future_write_opts(inst, ELEMS_ELEM_RESULT_LIST_U8_STRING, "
		       "FLUE_OPT_ASYNC, &m1_writer_vopts[self - m1_writer_insts], p0, p1);\n"));
	/* the other built-ins and the ends in the function type stay as they were */
	FT_TRUE(has(c, "flue_canon_stream_drop_readable(inst, ELEMS_ELEM_STRING, p0);\n"));
	FT_TRUE(has(c, "/* blob */ { .kind = FLUE_VAL_FUTURE, .elem = ELEMS_ELEM_RESULT_LIST_U8_STRING }"));
	free(c);
	/* isolated: the reader's realloc, run inside whichever instance's
	 * built-in meets its parked read, enters its guest code through the
	 * gate (its export wrapper) */
	c = elems_glue(FB_TARGET_CORTEX_M33, true);
	FT_TRUE(has(c, "static void m0_reader_realloc_body(void *arg)\n{\n"
		       "\tstruct m0_reader_call *c = arg;\n\tc->e = (uint32_t)m0_reader_x1(c->self"));
	FT_TRUE(has(c, "static u32 m0_reader_i1_priv("));
	FT_TRUE(has(c, "&m0_reader_vopts[self - m0_reader_insts]"));
	free(c);
}

/* Ends inside values and elements between two guests (plan/vends.flue):
 * the end's node has its element type's id as arg; that element type (u8,
 * flat) is registered before the graph element type holding an end
 * (stream<u8>, the element of nest's stream<stream<u8>>), which shares the
 * functions' node; take and takes are graph-typed, nest stays flat. */
FT_TEST(test_value_ends_glue)
{
	struct fb_plan p;
	struct fb_error err;
	int rc = fb_plan_build(&p, "plan/vends.flue", FLUE_PLAN_FIXTURES, NULL, FB_TARGET_HOST, &err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
	FT_EQ(p.nflat_elems, 1);
	FT_EQ(p.nelems, 2);
	struct fb_gen_opts o = { 4096, 500, 0, FB_DEFAULT_STACK_BYTES, false };
	struct fb_buf c = { 0 }, h = { 0 };
	fb_gen_program(&p, &o, &c, &h);
	FT_TRUE(has(h.data, "#define VENDS_ELEM_U8 1u\n#define VENDS_ELEM_STREAM_U8 2u\n"));
	FT_TRUE(has(c.data, "\t/* 1: stream<u8> */ { .kind = FLUE_VT_STREAM, .arg = 1u,\n"
			    "\t\t.size = 4u, .size64 = 4u, .flat = 1u, .align = 4u, .align64 = 4u, "
			    ".depth = 1u, .contains = 0xau },\n"
			    "\t/* 2: named */ { .kind = FLUE_VT_RECORD, .nkids = 2u, .kids = 0u,\n"));
	FT_TRUE(has(c.data, "\t/* 4: list<stream<u8>> */ { .kind = FLUE_VT_LIST, .nkids = 1u, "
			    ".kids = 2u,\n"));
	FT_TRUE(has(c.data, "static const uint16_t m0_callee_lift0_type_params[1] = { 2u /* x */ };\n"));
	FT_TRUE(has(c.data, "static const uint16_t m0_callee_lift1_type_params[1] = { 4u /* xs */ };\n"));
	FT_TRUE(has(c.data, "/* s */ { .kind = FLUE_VAL_STREAM, .elem = VENDS_ELEM_STREAM_U8 },\n"));
	/* the order: u8 by flue_type_register(), then stream<u8> by value */
	const char *flat = strstr(c.data, "rc = flue_type_register(&store, &elem_types[i], &t);");
	const char *graph = strstr(c.data, "static const uint16_t nodes[1] = { 1u /* stream<u8> */ };\n"
				   "\t\tfor (uint32_t i = 0; i < 1u; i++) {\n\t\t\tflue_type_t t = 0;\n"
				   "\t\t\trc = flue_type_register_value(&store, &glue_types, nodes[i], &t);\n"
				   "\t\t\tif (rc != 0 || t != i + 2u)");
	const char *lift = strstr(c.data, "rc = flue_lift(&self->lift[0], self->g.inst, "
				  "&m0_callee_lift0_type, &o);");
	const char *inst = strstr(c.data, "\tif ((rc = instantiate_callee()) != 0)");
	FT_TRUE(flat != NULL && graph != NULL && lift != NULL && inst != NULL);
	FT_TRUE(flat < graph && graph < inst && lift < graph); /* lift: in instantiate_, run later */
	fb_buf_free(&c);
	fb_buf_free(&h);
	fb_plan_free(&p);
}

FT_SUITE(graph,
	 FT_CASE(test_every_kind),
	 FT_CASE(test_nested_layout),
	 FT_CASE(test_shared_shapes),
	 FT_CASE(test_forms),
	 FT_CASE(test_core_signatures),
	 FT_CASE(test_glue),
	 FT_CASE(test_host_edge_glue),
	 FT_CASE(test_elem_forms),
	 FT_CASE(test_elem_glue),
	 FT_CASE(test_value_ends),
	 FT_CASE(test_value_ends_glue))
