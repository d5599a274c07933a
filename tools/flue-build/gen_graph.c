/*
 * Graph-typed functions in the glue (tgraph.h): the program's one type
 * graph (`glue_types`, every graph-typed function's param and result
 * types, shared by shape, layout precomputed), their function types
 * (`.graph`, `.param_types`, `.result_type`), their typed task.return,
 * and the canonical options of the lowered imports that call them.
 *
 * Stream/future elements of graph types are nodes of the same graph
 * (registered with flue_type_register_value()); their reads and writes
 * call the `_opts` built-ins with the instance's value options.
 *
 * Encodings: a core module does not say which string encoding it was
 * built for (wit-component reads that from the component-type custom
 * section, which flue-build does not read), so both ends are UTF-8,
 * wit-bindgen's default for C and Rust guests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

static void add_func(struct fb_tgraph *tg, const struct wit_func *f)
{
	char why[512];
	uint16_t n;
	if (!fb_func_is_graph(f))
		return;
	for (uint32_t i = 0; i < f->nparams; i++)
		(void)fb_tgraph_add(tg, f->params[i].type, &n, why, sizeof why); /* checked */
	if (f->result != NULL)
		(void)fb_tgraph_add(tg, f->result, &n, why, sizeof why);
}

/* The arg of an end's node: its element type's id (every element type of
 * the program was collected by the plan, nested ones included). */
static uint32_t elem_id(const void *user, const struct wit_type *payload)
{
	uint32_t id = fb_plan_elem_id(user, payload);
	if (id == 0) {
		fprintf(stderr, "flue-build: internal error: an end's element type has no id\n");
		exit(1);
	}
	return id;
}

/* The arg of an own/borrow node: its resource type's id (the plan found
 * an implementation for every resource a function or element names). */
static uint32_t res_id(const void *user, const struct wit_type *r)
{
	uint32_t id = fb_plan_rtype_id(user, r);
	if (id == 0) {
		fprintf(stderr, "flue-build: internal error: a resource has no type id\n");
		exit(1);
	}
	return id;
}

void gen_graph_collect(const struct fb_plan *p, struct fb_tgraph *tg)
{
	tg->elem_id = elem_id;
	tg->elem_user = p;
	tg->res_id = res_id;
	tg->res_user = p;
	for (uint32_t k = 0; k < p->nmodules; k++) {
		const struct fb_module *m = &p->modules[k];
		for (uint32_t i = 0; i < m->nlifts; i++)
			add_func(tg, m->lifts[i].func);
		for (uint32_t i = 0; i < m->wasm.nimports; i++)
			if (m->imports[i].builtin == FB_B_TASK_RETURN)
				add_func(tg, m->imports[i].func);
	}
	/* after the functions' types: a program without graph-typed elements
	 * keeps the graph (and glue) it had */
	for (uint32_t i = p->nflat_elems; i < p->nelems; i++) {
		char why[512];
		uint16_t n;
		(void)fb_tgraph_add(tg, p->elems[i].wit, &n, why, sizeof why); /* checked */
	}
	/* last: host functions (their types are not lifted anywhere) */
	for (uint32_t i = 0; i < p->nhostfns; i++)
		add_func(tg, p->hostfns[i].func);
}

uint16_t gen_graph_node(const struct gen *g, const struct wit_type *t)
{
	char why[512];
	uint16_t n = 0;
	uint32_t before = g->tg->nnodes;
	(void)fb_tgraph_add(g->tg, t, &n, why, sizeof why);
	if (g->tg->nnodes != before) { /* every type was collected first */
		fprintf(stderr, "flue-build: internal error: type graph changed while emitting\n");
		exit(1);
	}
	return n;
}

static void node_line(const struct gen *g, uint32_t i)
{
	const struct flue_tnode *n = &g->tg->nodes[i];
	fb_buf_printf(g->c, "\t/* %u: %s */ { .kind = %s", (unsigned)i, g->tg->text[i],
		      fb_tgraph_kind_name(n->kind));
	if (n->arg != 0)
		fb_buf_printf(g->c, ", .arg = %uu", (unsigned)n->arg);
	if (n->nkids != 0)
		fb_buf_printf(g->c, ", .nkids = %uu, .kids = %uu", (unsigned)n->nkids,
			      (unsigned)n->kids);
	fb_buf_printf(g->c, ",\n\t\t.size = %uu, .size64 = %uu, .flat = %uu, .align = %uu, "
		      ".align64 = %uu, .depth = %uu, .contains = 0x%xu },\n", (unsigned)n->size,
		      (unsigned)n->size64, (unsigned)n->flat, (unsigned)n->align,
		      (unsigned)n->align64, (unsigned)n->depth, (unsigned)n->contains);
}

void gen_graph_table(const struct gen *g)
{
	const struct fb_tgraph *tg = g->tg;
	struct fb_buf *c = g->c;
	if (tg->nnodes == 0)
		return;
	fb_buf_printf(c, "/* Value types of the graph-typed functions%s (flue/valtype.h): children\n"
		      " * before parents, one node per shape; the layout is precomputed and\n"
		      " * flue_types_check() verifies it when a function is lifted%s. */\n"
		      "static const struct flue_tnode glue_tnodes[%u] = {\n",
		      g->p->nelems > g->p->nflat_elems ? " and stream/future elements" : "",
		      g->p->nelems > g->p->nflat_elems ? " or an element\n * type registered" : "",
		      (unsigned)tg->nnodes);
	for (uint32_t i = 0; i < tg->nnodes; i++)
		node_line(g, i);
	fb_buf_printf(c, "};\nstatic const uint16_t glue_tkids[%u] = {",
		      (unsigned)(tg->nkids > 0 ? tg->nkids : 1u));
	for (uint32_t i = 0; i < tg->nkids; i++)
		fb_buf_printf(c, "%s%s%u", i ? "," : "", i % 12u == 0 ? "\n\t" : " ",
			      (unsigned)tg->kids[i]);
	fb_buf_printf(c, "%s\n};\nstatic const struct flue_tgraph glue_types = { glue_tnodes, "
		      "glue_tkids, %uu, %uu };\n\n", tg->nkids > 0 ? "," : "\n\t0",
		      (unsigned)tg->nnodes, (unsigned)tg->nkids);
}

/* `static const uint16_t <name> = <node>;` of f's result (none: nothing). */
void gen_graph_result(const struct gen *g, const struct wit_func *f, const char *name)
{
	if (f->result == NULL)
		return;
	uint16_t n = gen_graph_node(g, f->result);
	fb_buf_printf(g->c, "static const uint16_t %s = %uu; /* %s */\n", name, (unsigned)n,
		      g->tg->text[n]);
}

void gen_graph_functype(const struct gen *g, const struct wit_func *f, const char *name)
{
	struct fb_buf *c = g->c;
	if (f->nparams > 0) {
		fb_buf_printf(c, "static const uint16_t %s_params[%u] = {", name, (unsigned)f->nparams);
		for (uint32_t i = 0; i < f->nparams; i++)
			fb_buf_printf(c, "%s%uu /* %s */", i ? ", " : " ",
				      (unsigned)gen_graph_node(g, f->params[i].type), f->params[i].name);
		fb_buf_puts(c, " };\n");
	}
	struct fb_buf rn = { 0 };
	fb_buf_printf(&rn, "%s_result", name);
	gen_graph_result(g, f, rn.data);
	fb_buf_printf(c, "static const struct flue_functype %s = {\n\t.async = %s,\n"
		      "\t.nparams = %u,\n\t.graph = &glue_types,\n\t.param_types = %s%s,\n"
		      "\t.result_type = %s%s,\n};\n", name, f->async ? "true" : "false",
		      (unsigned)f->nparams, f->nparams > 0 ? name : "0",
		      f->nparams > 0 ? "_params" : "", f->result != NULL ? "&" : "0",
		      f->result != NULL ? rn.data : "");
	fb_buf_free(&rn);
}

/* In wire_<inst>(), after flue_lower() of import i (which clears them):
 * the caller's canonical options, for strings and lists of the result. */
void gen_graph_lowered(const struct gen *g, const struct fb_module *m, uint32_t i,
		       const char *id)
{
	if (!fb_func_is_graph(m->imports[i].func))
		return;
	fb_buf_printf(g->c, "\tself->low[%u].string_encoding = FLUE_STRING_UTF8;\n", (unsigned)i);
	if (m->realloc >= 0) /* the caller's cabi_realloc, entered as guest code */
		fb_buf_printf(g->c, "\tself->low[%u].realloc = %s_realloc;\n"
			      "\tself->low[%u].user = self;\n", (unsigned)i, id, (unsigned)i);
}

/* ------------------------------------------------ graph-typed elements */

/* Does import i of m read or write a stream/future of a graph-typed element
 * (and so call the `_opts` form with the module's value options)? */
bool gen_graph_import_vopts(const struct gen *g, const struct fb_module *m, uint32_t i)
{
	enum fb_builtin b = m->imports[i].builtin;
	uint32_t id = m->import_elem[i];
	if (b != FB_B_STREAM_READ && b != FB_B_STREAM_WRITE && b != FB_B_FUTURE_READ &&
	    b != FB_B_FUTURE_WRITE)
		return false;
	return id >= 1u && id <= g->p->nelems && g->p->elems[id - 1u].graph;
}

bool gen_graph_module_vopts(const struct gen *g, const struct fb_module *m)
{
	for (uint32_t i = 0; i < m->wasm.nimports; i++)
		if (gen_graph_import_vopts(g, m, i))
			return true;
	return false;
}

/* The value options of m's reads and writes of graph-typed elements, one
 * per instance (static: a parked op keeps a pointer to its options until
 * the op that meets it has lowered the elements). Its realloc is the
 * instance's cabi_realloc entered as guest code (flue_w2c_enter; isolated:
 * through the gate into its own domain, whichever instance's built-in
 * calls it). */
void gen_graph_vopts(const struct gen *g, const struct fb_module *m, const char *id)
{
	struct fb_buf *c = g->c;
	if (!gen_graph_module_vopts(g, m))
		return;
	if (m->realloc >= 0)
		fb_buf_printf(c, "static uint32_t %s_realloc(void *user, struct flue_instance *inst, "
			      "uint32_t old_ptr,\n\t\t\t\tuint32_t old_size, uint32_t align, "
			      "uint32_t new_size);\n", id);
	fb_buf_printf(c, "/* Options of its stream/future ops on graph-typed elements: its "
		      "realloc, UTF-8. */\nstatic const struct flue_string_opts %s_vopts[%u] = {\n",
		      id, (unsigned)m->ninstances);
	for (uint32_t k = 0; k < m->ninstances; k++)
		if (m->realloc >= 0)
			fb_buf_printf(c, "\t{ %s_realloc, &%s_insts[%u], FLUE_STRING_UTF8 },\n", id, id,
				      (unsigned)k);
		else /* it only writes, or reads what needs no memory */
			fb_buf_puts(c, "\t{ 0, 0, FLUE_STRING_UTF8 },\n");
	fb_buf_puts(c, "};\n\n");
}

/* In <prog>_init(), after the flat element types: each graph-typed one,
 * a node of glue_types, with the id the header's macro promised. */
void gen_graph_register_elems(const struct gen *g)
{
	const struct fb_plan *p = g->p;
	uint32_t n = p->nelems - p->nflat_elems;
	if (n == 0)
		return;
	fb_buf_printf(g->c, "\t{\n\t\t/* graph-typed element types: ids %u.. */\n"
		      "\t\tstatic const uint16_t nodes[%u] = {", (unsigned)p->nflat_elems + 1u,
		      (unsigned)n);
	for (uint32_t i = p->nflat_elems; i < p->nelems; i++) {
		uint16_t node = gen_graph_node(g, p->elems[i].wit);
		fb_buf_printf(g->c, "%s%uu /* %s */", i > p->nflat_elems ? ", " : " ",
			      (unsigned)node, g->tg->text[node]);
	}
	fb_buf_printf(g->c, " };\n\t\tfor (uint32_t i = 0; i < %uu; i++) {\n"
		      "\t\t\tflue_type_t t = 0;\n\t\t\trc = flue_type_register_value(&store, "
		      "&glue_types, nodes[i], &t);\n\t\t\tif (rc != 0 || t != i + %uu)\n"
		      "\t\t\t\treturn glue_fail(rc != 0 ? rc : FLUE_EINVAL, \"registering element "
		      "types for\", \"%s\");\n\t\t}\n\t}\n", (unsigned)n,
		      (unsigned)p->nflat_elems + 1u, p->name);
}
