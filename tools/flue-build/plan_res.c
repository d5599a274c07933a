/*
 * The program model (plan.h), part 3: resources. A resource type is
 * implemented by the instance whose world exports the interface that
 * defines it (it creates the resources with `[resource-new]R` and reads
 * them with `[resource-rep]R`, imported from `[export]<iface>`, and may
 * export a destructor `<iface>#[dtor]R`); every other instance that names
 * the resource (its `own<R>` / `borrow<R>` values, `[resource-drop]R`
 * from `<iface>`) names that one type. Resources are matched by WIT
 * identity (fb_resource_same()), so the type graph's OWN/BORROW nodes
 * carry one id per resource whichever module they come from, and each
 * resource has one implementing instance per program.
 *
 * A resource no instance implements is the host's when a `host` line
 * serves a function of the interface that defines it, or a function whose
 * type names it (add_host()): <prog>_init registers it with the host
 * instance and a host destructor that calls the program's
 * `<prog>_<iface>_<resource>_dtor(rep)` (gen_res.c). Handles cross the
 * host edge as indices in the host's table (flue/hval.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flue/config.h>

#include "plan_internal.h"
#include "tgraph.h"
#include "util.h"

uint32_t fb_plan_rtype_id(const struct fb_plan *p, const struct wit_type *r)
{
	for (uint32_t i = 0; r != NULL && i < p->nrtypes; i++)
		if (fb_resource_same(p->rtypes[i].res, r))
			return i + 1u;
	return 0;
}

uint32_t fb_plan_inst_rtypes(const struct fb_plan *p, uint32_t n)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < p->nrtypes; i++)
		k += p->rtypes[i].inst == n;
	return k;
}

static int dtor_of(const struct fb_module *m, const struct wit_type *r)
{
	for (uint32_t j = 0; j < m->wasm.nexports; j++)
		if (m->exports[j].kind == FB_EXP_DTOR && m->exports[j].resource == r)
			return (int)j;
	return -1;
}

/* The resources instance n implements: those its world's exported
 * interfaces define. A second implementation of one is refused. */
static int add_inst(struct fb_plan *p, uint32_t n, struct fb_error *err)
{
	const struct fb_inst *in = &p->insts[n];
	const struct wit_world *w = in->mod->world;
	for (uint32_t e = 0; e < w->nexports; e++) {
		const struct wit_item *it = &w->exports[e];
		for (uint32_t t = 0; it->kind == WIT_ITEM_INTERFACE && t < it->iface->ntypes; t++) {
			const struct wit_type *r = it->iface->types[t];
			if (r->kind != WIT_T_RESOURCE || r->iface != it->iface)
				continue;
			uint32_t id = fb_plan_rtype_id(p, r);
			if (id != 0)
				return fb_fail(err, &in->decl->loc, "instances '%s' and '%s' both "
					       "implement resource '%s' of interface '%s': flue-build "
					       "gives each resource type one implementation per program",
					       p->insts[p->rtypes[id - 1u].inst].name, in->name, r->name,
					       it->key);
			p->rtypes = fb_realloc(p->rtypes, (p->nrtypes + 1u) * sizeof *p->rtypes);
			p->rtypes[p->nrtypes++] = (struct fb_rtype){ r, it->key, n,
								     dtor_of(in->mod, r), NULL };
		}
	}
	return 0;
}

/* ------------------------------------------------ resources of the host */

/* "<prog>_<iface>_<resource>": the C prefix of a host resource's functions. */
static char *host_c_name(const struct fb_plan *p, const struct wit_type *r)
{
	char *i = fb_snake(r->iface->name != NULL ? r->iface->name : "_");
	char *n = fb_snake(r->name);
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "%s_%s_%s", p->name, i, n);
	free(i);
	free(n);
	return b.data;
}

static void add_host_res(struct fb_plan *p, const struct wit_type *r)
{
	if (r == NULL || r->kind != WIT_T_RESOURCE || r->iface == NULL ||
	    fb_plan_rtype_id(p, r) != 0)
		return; /* a world's resource stays unimplemented (refused below) */
	p->rtypes = fb_realloc(p->rtypes, (p->nrtypes + 1u) * sizeof *p->rtypes);
	p->rtypes[p->nrtypes++] = (struct fb_rtype){ r, r->iface->name != NULL ? r->iface->name :
						     r->name, FB_RTYPE_HOST, -1,
						     host_c_name(p, r) };
}

/* Every resource an own/borrow of t names (not into stream elements: an
 * end's element never reaches the host, flue-build refuses graph ones). */
static void host_type(struct fb_plan *p, const struct wit_type *t)
{
	const struct wit_type *x = t != NULL ? wit_unalias(t) : NULL;
	if (x == NULL)
		return;
	switch (x->kind) {
	case WIT_T_OWN: case WIT_T_BORROW:
		add_host_res(p, wit_unalias(x->elem));
		return;
	case WIT_T_RESULT:
		host_type(p, x->ok);
		host_type(p, x->err);
		return;
	case WIT_T_MAP:
		host_type(p, x->key);
		host_type(p, x->elem);
		return;
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < x->nfields; i++)
			host_type(p, x->fields[i].type);
		return;
	case WIT_T_LIST: case WIT_T_OPTION:
		host_type(p, x->elem);
		return;
	default:
		return;
	}
}

/* The resources of the interface import key `key` ("<iface>#<func>") of
 * world w names. */
static void host_iface(struct fb_plan *p, const struct wit_world *w, const char *key)
{
	const char *hash = strchr(key, '#');
	for (uint32_t k = 0; hash != NULL && k < w->nimports; k++) {
		const struct wit_item *it = &w->imports[k];
		if (it->kind != WIT_ITEM_INTERFACE || strlen(it->key) != (size_t)(hash - key) ||
		    strncmp(it->key, key, (size_t)(hash - key)) != 0)
			continue;
		for (uint32_t t = 0; t < it->iface->ntypes; t++)
			if (it->iface->types[t]->iface == it->iface)
				add_host_res(p, it->iface->types[t]);
	}
}

/* Resources no instance implements, met at a `host` line: the host's. */
static void add_host(struct fb_plan *p)
{
	for (uint32_t n = 0; n < p->ninsts; n++) {
		const struct fb_inst *in = &p->insts[n];
		for (uint32_t i = 0; i < in->mod->wasm.nimports; i++) {
			const struct fb_import *imp = &in->mod->imports[i];
			if (in->wires[i].kind != FB_WIRE_HOST || imp->func == NULL)
				continue;
			host_iface(p, in->mod->world, imp->key);
			for (uint32_t k = 0; k < imp->func->nparams; k++)
				host_type(p, imp->func->params[k].type);
			host_type(p, imp->func->result);
		}
	}
}

/* ------------------------------------------------------------ every use */

/* Where a handle is met, for the message. */
struct use_cx {
	const struct fb_plan *p;
	const struct fb_module *m;
	const char *what;  /* "import 'M' 'F'" or "export 'K'" */
	struct fb_error *err;
};

static int unimplemented(const struct use_cx *u, const struct wit_type *r)
{
	const char *key = r->iface != NULL && r->iface->name != NULL ? r->iface->name : "(a world)";
	return fb_plan_fail(u->err, "%s: %s: resource '%s' (%s:%u:%u) is implemented by no "
			    "instance: the world of the instance implementing it must export "
			    "its interface '%s', or a 'host' line serve a function of that "
			    "interface (the host then implements it; resources of a world are "
			    "not supported by flue-build)", u->m->wasm_path, u->what, r->name,
			    r->loc.file, (unsigned)r->loc.line, (unsigned)r->loc.col, key);
}

/* Every own/borrow in t (stream/future elements included) names a
 * resource the program implements. */
static int check_type(const struct use_cx *u, const struct wit_type *t)
{
	const struct wit_type *x = t != NULL ? wit_unalias(t) : NULL;
	if (x == NULL)
		return 0;
	switch (x->kind) {
	case WIT_T_OWN: case WIT_T_BORROW:
		return fb_plan_rtype_id(u->p, wit_unalias(x->elem)) != 0 ? 0 :
		       unimplemented(u, wit_unalias(x->elem));
	case WIT_T_RESULT:
		return check_type(u, x->ok) != 0 ? -1 : check_type(u, x->err);
	case WIT_T_MAP:
		return check_type(u, x->key) != 0 ? -1 : check_type(u, x->elem);
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < x->nfields; i++)
			if (check_type(u, x->fields[i].type) != 0)
				return -1;
		return 0;
	case WIT_T_LIST: case WIT_T_OPTION: case WIT_T_STREAM: case WIT_T_FUTURE:
		return check_type(u, x->elem);
	default:
		return 0;
	}
}

static int check_func(const struct use_cx *u, const struct wit_func *f)
{
	for (uint32_t i = 0; f != NULL && i < f->nparams; i++)
		if (check_type(u, f->params[i].type) != 0)
			return -1;
	return f != NULL ? check_type(u, f->result) : 0;
}

static int check_module(const struct fb_plan *p, const struct fb_module *m, struct fb_error *err)
{
	char what[512];
	struct use_cx u = { p, m, what, err };
	for (uint32_t i = 0; i < m->wasm.nimports; i++) {
		const struct fb_import *c = &m->imports[i];
		snprintf(what, sizeof what, "import '%s' '%s'", m->wasm.imports[i].module,
			 m->wasm.imports[i].field);
		if (c->resource != NULL && fb_plan_rtype_id(p, c->resource) == 0)
			return unimplemented(&u, c->resource);
		if (check_func(&u, c->func) != 0 || check_type(&u, c->stream))
			return -1;
	}
	for (uint32_t i = 0; i < m->nlifts; i++) {
		snprintf(what, sizeof what, "export '%s'", m->lifts[i].key);
		if (check_func(&u, m->lifts[i].func) != 0)
			return -1;
	}
	return 0;
}

int fb_plan_resources(struct fb_plan *p, struct fb_error *err)
{
	for (uint32_t n = 0; n < p->ninsts; n++)
		if (add_inst(p, n, err) != 0)
			return -1;
	add_host(p); /* after the guests': their ids stay as they were */
	if (p->nrtypes > FLUE_CONFIG_MAX_RESOURCE_TYPES)
		return fb_plan_fail(err, "%s: %u resource types; the flue library was built with "
				    "FLUE_CONFIG_MAX_RESOURCE_TYPES=%u", p->comp.path,
				    (unsigned)p->nrtypes, (unsigned)FLUE_CONFIG_MAX_RESOURCE_TYPES);
	for (uint32_t k = 0; k < p->nmodules; k++)
		if (check_module(p, &p->modules[k], err) != 0)
			return -1;
	return 0;
}
