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
 *
 * A resource type the host implements (plan_res.c: a `host` line serves
 * a function of its interface) is registered with the host instance and a
 * host function as its destructor, (u32) -> (), which calls the program's
 * `<prog>_<iface>_<resource>_dtor(rep)` when a guest drops an own of it.
 * The program creates, reads and drops its handles with
 * `<prog>_<iface>_<resource>_new/_rep/_drop()`, flue_host_resource_*()
 * on the host instance and the type's id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

/* The destructor's export in m, if some resource of the program has it. */
static bool is_dtor_export(const struct gen *g, const struct fb_module *m, uint32_t j)
{
	for (uint32_t i = 0; i < g->p->nrtypes; i++)
		if (g->p->rtypes[i].inst != FB_RTYPE_HOST && g->p->rtypes[i].dtor == (int)j &&
		    g->p->insts[g->p->rtypes[i].inst].mod == m)
			return true;
	return false;
}

void gen_res_statics(const struct gen *g)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->p->nrtypes; i++)
		n += g->p->rtypes[i].dtor >= 0 || g->p->rtypes[i].inst == FB_RTYPE_HOST;
	if (g->p->nrtypes == 0)
		return;
	fb_buf_printf(g->c, "/* Resource types, registered in this order: id = index + 1. */\n");
	for (uint32_t i = 0; i < g->p->nrtypes; i++) {
		const struct fb_rtype *r = &g->p->rtypes[i];
		fb_buf_printf(g->c, "/* %u: '%s' of '%s', implemented by %s%s%s */\n", (unsigned)i + 1u,
			      r->res->name, r->iface_key, r->inst == FB_RTYPE_HOST ? "the host" : "'",
			      r->inst == FB_RTYPE_HOST ? "" : g->p->insts[r->inst].name,
			      r->inst == FB_RTYPE_HOST ? "" : "'");
	}
	if (n == 0) {
		fb_buf_puts(g->c, "\n");
		return;
	}
	fb_buf_printf(g->c, "/* Their destructors, lifted synchronously as (u32) -> () (by id - 1). */\n"
		      "static struct flue_func glue_dtors[%u];\n"
		      "static const struct flue_valtype glue_dtor_param = { .kind = FLUE_VAL_U32 };\n"
		      "static const struct flue_functype glue_dtor_type = { .async = false, "
		      ".nparams = 1, .params = &glue_dtor_param };\n\n", (unsigned)g->p->nrtypes);
	for (uint32_t i = 0; i < g->p->nrtypes; i++)
		if (g->p->rtypes[i].inst == FB_RTYPE_HOST)
			fb_buf_printf(g->c, "/* The host's destructor of '%s': the program's. */\n"
				      "static void glue_hdtor%u_start(void *user, flue_call_t call, "
				      "const struct flue_values *a)\n{\n\tstatic const struct "
				      "flue_values none = { 0, { 0 } };\n\t(void)user;\n"
				      "\t%s_dtor((uint32_t)a->v[0]);\n\t(void)flue_host_return(&store, "
				      "call, &none);\n}\n\n", g->p->rtypes[i].res->name, (unsigned)i,
				      g->p->rtypes[i].c_name);
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

/* A type the host implements: its destructor, a host function, then the
 * type with the host instance as its implementation. */
static void register_host(const struct gen *g, uint32_t i)
{
	const struct fb_rtype *r = &g->p->rtypes[i];
	fb_buf_printf(g->c, "\t{\n\t\tflue_rtype_t rt = 0;\n\t\trc = flue_host_func(&glue_dtors[%u], "
		      "host, &glue_dtor_type, glue_hdtor%u_start, 0, 0);\n\t\tif (rc == 0)\n"
		      "\t\t\trc = flue_resource_type_register(&store, host, &glue_dtors[%u], &rt);\n"
		      "\t\tif (rc != 0 || rt != %uu)\n\t\t\treturn glue_fail(rc != 0 ? rc : "
		      "FLUE_EINVAL, \"registering resource type '%s' of\", \"the host\");\n\t}\n",
		      (unsigned)i, (unsigned)i, (unsigned)i, (unsigned)i + 1u, r->res->name);
}

/* In <prog>_init(), after every instance exists: the resource types. */
void gen_res_register(const struct gen *g)
{
	for (uint32_t i = 0; i < g->p->nrtypes; i++) {
		const struct fb_rtype *r = &g->p->rtypes[i];
		if (r->inst == FB_RTYPE_HOST) {
			register_host(g, i);
			continue;
		}
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

/* The host interface of the resource types the host implements: the
 * program's destructor (declared) and the wrappers over its handles. */
void gen_res_api(const struct gen *g)
{
	for (uint32_t i = 0; i < g->p->nrtypes; i++) {
		const struct fb_rtype *r = &g->p->rtypes[i];
		const char *n = r->c_name;
		if (r->inst != FB_RTYPE_HOST)
			continue;
		fb_buf_printf(g->h, "\n/* Resource '%s' of interface '%s', implemented by the host "
			      "(id %u).\n * Its handles are indices in the host's table; `rep` is the "
			      "program's own\n * number for one (a borrow<%s> reaches a host function "
			      "as the rep). */\n\n/**\n * @brief Implemented by the program: the "
			      "destructor, called with the rep\n *        when a guest drops an own of "
			      "it (not for the program's own\n *        %s_drop()).\n */\nvoid "
			      "%s_dtor(uint32_t rep);\n\n/** @brief A new own handle to `rep` in the "
			      "host's table, for a value the\n *         program gives. @retval 0 "
			      "@retval FLUE_ENOSPC the table is full\n *         @retval FLUE_EINVAL "
			      "not initialised */\nint %s_new(uint32_t rep, uint32_t *handle);\n\n"
			      "/** @brief The rep of own handle `handle` the host holds. @retval 0\n"
			      " *         @retval FLUE_EBADF no handle of this type there */\n"
			      "int %s_rep(uint32_t handle, uint32_t *rep);\n\n/** @brief Drop handle "
			      "`handle` (`*rep`: its rep; no destructor runs: the\n *         clean-up "
			      "is the program's). @retval 0 @retval FLUE_EBADF\n *         @retval "
			      "FLUE_EBUSY lent to a call in progress */\nint %s_drop(uint32_t handle, "
			      "uint32_t *rep);\n", r->res->name, r->iface_key, (unsigned)i + 1u,
			      r->res->name, n, n, n, n, n);
		fb_buf_printf(g->c, "int %s_new(uint32_t rep, uint32_t *handle)\n{\n\treturn "
			      "flue_host_resource_new(host, %uu, rep, handle);\n}\n\n"
			      "int %s_rep(uint32_t handle, uint32_t *rep)\n{\n\treturn "
			      "flue_host_resource_rep(host, %uu, handle, rep);\n}\n\n"
			      "int %s_drop(uint32_t handle, uint32_t *rep)\n{\n\treturn "
			      "flue_host_resource_drop(host, %uu, handle, rep);\n}\n\n", n,
			      (unsigned)i + 1u, n, (unsigned)i + 1u, n, (unsigned)i + 1u);
	}
}
