/*
 * Resources in the glue (plan_res.c): each resource type registered in
 * `<prog>_init` with the instance that implements it and its destructor
 * (`<iface>#[dtor]R`, lifted synchronously as `(u32) -> ()`), in the
 * plan's order, so that its id is the one the type graph's OWN/BORROW
 * nodes and the resource built-ins carry.
 *
 * Order: the library checks, when a function is lifted or lowered, that
 * every OWN/BORROW node of its graph names a registered resource type, and
 * registering one needs its implementing instance and the destructor
 * lifted for it. So a program with resources instantiates every instance
 * first (lifting only destructors), then registers the resource types,
 * then lifts the other exports (`lift_<inst>()`). A program without
 * resources keeps the glue it had.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

/* The destructor's export in m, if some resource of the program has it. */
static bool is_dtor_export(const struct gen *g, const struct fb_module *m, uint32_t j)
{
	for (uint32_t i = 0; i < g->p->nrtypes; i++)
		if (g->p->rtypes[i].dtor == (int)j && g->p->insts[g->p->rtypes[i].inst].mod == m)
			return true;
	return false;
}

void gen_res_statics(const struct gen *g)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->p->nrtypes; i++)
		n += g->p->rtypes[i].dtor >= 0;
	if (g->p->nrtypes == 0)
		return;
	fb_buf_printf(g->c, "/* Resource types, registered in this order: id = index + 1. */\n");
	for (uint32_t i = 0; i < g->p->nrtypes; i++)
		fb_buf_printf(g->c, "/* %u: '%s' of '%s', implemented by '%s' */\n", (unsigned)i + 1u,
			      g->p->rtypes[i].res->name, g->p->rtypes[i].iface_key,
			      g->p->insts[g->p->rtypes[i].inst].name);
	if (n == 0) {
		fb_buf_puts(g->c, "\n");
		return;
	}
	fb_buf_printf(g->c, "/* Their destructors, lifted synchronously as (u32) -> () (by id - 1). */\n"
		      "static struct flue_func glue_dtors[%u];\n"
		      "static const struct flue_valtype glue_dtor_param = { .kind = FLUE_VAL_U32 };\n"
		      "static const struct flue_functype glue_dtor_type = { .async = false, "
		      ".nparams = 1, .params = &glue_dtor_param };\n\n", (unsigned)g->p->nrtypes);
}

/* The entries of m's destructors: like a sync lift's core. */
void gen_res_entries(const struct gen *g, const struct fb_module *m, const char *id)
{
	struct fb_buf *b = g->c;
	for (uint32_t j = 0; j < m->wasm.nexports; j++) {
		if (!is_dtor_export(g, m, j))
			continue;
		const char *name = m->wasm.exports[j].name;
		fb_buf_printf(b, "/* destructor '%s' */\nstatic void %s_dtor%u_body(void *arg)\n{\n"
			      "\tstruct %s_call *c = arg;\n\t", name, id, (unsigned)j, id);
		gen_export_call(g, m, (int)j, "c->args", b);
		fb_buf_printf(b, ";\n}\n\nstatic void %s_dtor%u_core(void *user, struct flue_instance "
			      "*inst, const flue_flat_t *args,\n\t\t\t\tuint32_t nargs, flue_flat_t *res)"
			      "\n{\n\tstruct %s_call c = { user, args, res, 0, 0, 0 };\n\t(void)inst;\n"
			      "\t(void)nargs;\n\tflue_w2c_enter(&c.self->g, \"%s\", %s_dtor%u_body, &c);\n"
			      "}\n\n", id, (unsigned)j, id, name, id, (unsigned)j);
	}
}

/* In instantiate_<inst>(): the destructors of the resources instance n
 * implements, lifted before anything else (registration needs them). */
void gen_res_lift_dtors(const struct gen *g, uint32_t n, const char *id)
{
	for (uint32_t i = 0; i < g->p->nrtypes; i++) {
		const struct fb_rtype *r = &g->p->rtypes[i];
		if (r->inst != n || r->dtor < 0)
			continue;
		fb_buf_printf(g->c, "\t{\n\t\tstruct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, "
			      ".core = %s_dtor%u_core, .user = self };\n"
			      "\t\trc = flue_lift(&glue_dtors[%u], self->g.inst, &glue_dtor_type, &o);\n"
			      "\t\tif (rc != 0)\n\t\t\treturn glue_fail(rc, \"lifting the destructor of "
			      "'%s' of\", self->g.name);\n\t}\n", id, (unsigned)r->dtor, (unsigned)i,
			      r->res->name);
	}
}

/* In <prog>_init(), after every instance exists: the resource types. */
void gen_res_register(const struct gen *g)
{
	for (uint32_t i = 0; i < g->p->nrtypes; i++) {
		const struct fb_rtype *r = &g->p->rtypes[i];
		char *id = gen_mod(g, g->p->insts[r->inst].mod);
		struct fb_buf d = { 0 };
		if (r->dtor >= 0)
			fb_buf_printf(&d, "&glue_dtors[%u]", (unsigned)i);
		else
			fb_buf_puts(&d, "0");
		fb_buf_printf(g->c, "\t{\n\t\tflue_rtype_t rt = 0;\n\t\trc = flue_resource_type_register("
			      "&store, %s_insts[%u].g.inst, %s, &rt);\n\t\tif (rc != 0 || rt != %uu)\n"
			      "\t\t\treturn glue_fail(rc != 0 ? rc : FLUE_EINVAL, \"registering resource "
			      "type '%s' of\", \"%s\");\n\t}\n", id,
			      (unsigned)gen_inst_slot(g->p, r->inst), d.data, (unsigned)i + 1u,
			      r->res->name, g->p->insts[r->inst].name);
		fb_buf_free(&d);
		free(id);
	}
}

/* The resource type of a built-in's import, as a C constant. */
void gen_res_call(const struct gen *g, const struct fb_import *c, struct fb_buf *b)
{
	const char *fn = c->builtin == FB_B_RESOURCE_NEW ? "new" :
			 c->builtin == FB_B_RESOURCE_REP ? "rep" : "drop";
	fb_buf_printf(b, "flue_canon_resource_%s(inst, %uu, p0)", fn,
		      (unsigned)fb_plan_rtype_id(g->p, c->resource));
}
