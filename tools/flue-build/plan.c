/*
 * The program model (plan.h), part 1: modules. Each distinct (.wasm, WIT
 * world) is read once; every core import and export is classified
 * (names.c) and the exports are paired into lifts. Wiring, element types
 * and limits are part 2 (plan_wire.c).
 */
#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"
#include "tgraph.h"
#include "util.h"

static const char *extern_kind_text(uint8_t k)
{
	switch (k) {
	case WASM_EXTERN_TABLE: return "a table";
	case WASM_EXTERN_MEMORY: return "a memory";
	case WASM_EXTERN_GLOBAL: return "a global";
	default: return "a tag";
	}
}

/* The element type of stream/future built-in `c` (fb_elem_form()). The
 * library's forward re-attaches ends without moving values, and refuses
 * graph-typed elements (it traps NOT_SUPPORTED): refused here first. */
static int check_elem(const struct fb_import *c, char *why, size_t len)
{
	int form = fb_elem_form(c->stream, why, len);
	if (form < 0)
		return -1;
	if (form == FB_ELEM_GRAPH &&
	    (c->builtin == FB_B_STREAM_FORWARD || c->builtin == FB_B_FUTURE_FORWARD)) {
		struct fb_buf t = { 0 };
		fb_type_text(c->stream, &t);
		fb_failf(why, len, "'%s' (%s:%u:%u): %s of graph-typed elements is not supported by "
			 "the flue library yet", t.data, c->stream->loc.file,
			 (unsigned)c->stream->loc.line, (unsigned)c->stream->loc.col,
			 fb_builtin_name(c->builtin));
		fb_buf_free(&t);
		return -1;
	}
	return 0;
}

static int classify_imports(struct fb_module *m, const struct fb_composition *comp,
			    struct fb_error *err)
{
	m->imports = fb_calloc(m->wasm.nimports, sizeof *m->imports);
	m->import_elem = fb_calloc(m->wasm.nimports, sizeof *m->import_elem);
	for (uint32_t i = 0; i < m->wasm.nimports; i++) {
		const struct wasm_import *im = &m->wasm.imports[i];
		char why[512];
		int ring = fb_plan_ring_import(comp, m, i, err);
		if (ring != 0) {
			if (ring < 0)
				return -1;
			continue;
		}
		if (im->kind != WASM_EXTERN_FUNC)
			return fb_plan_fail(err, "%s: import '%s' '%s' is %s: flue-build needs "
					    "modules that define and export their memory and "
					    "import only functions (and ring memories, "
					    "'flue:ring/NAME' 'memory')", m->wasm_path, im->module,
					    im->field, extern_kind_text(im->kind));
		if (fb_classify_import(m->world, im->module, im->field,
				       &m->wasm.types[im->type], &m->imports[i], why,
				       sizeof why) != 0)
			return fb_plan_fail(err, "%s: import '%s' '%s': %s", m->wasm_path,
					    im->module, im->field, why);
		const struct fb_import *c = &m->imports[i];
		if (c->kind == FB_IMP_FUNC || c->builtin == FB_B_TASK_RETURN) {
			if (fb_func_form(c->func, why, sizeof why) < 0)
				return fb_plan_fail(err, "%s: import '%s' '%s': %s", m->wasm_path,
						    im->module, im->field, why);
		}
		if ((fb_builtin_is_stream(c->builtin) || fb_builtin_is_future(c->builtin)) &&
		    check_elem(c, why, sizeof why) != 0)
			return fb_plan_fail(err, "%s: import '%s' '%s': %s", m->wasm_path,
					    im->module, im->field, why);
	}
	return 0;
}

static struct fb_lift *lift_for(struct fb_module *m, const char *key)
{
	for (uint32_t i = 0; i < m->nlifts; i++)
		if (strcmp(m->lifts[i].key, key) == 0)
			return &m->lifts[i];
	return NULL;
}

static struct fb_lift *add_lift(struct fb_module *m, const struct fb_export *e)
{
	struct fb_lift *l = lift_for(m, e->key);
	if (l != NULL)
		return l;
	m->lifts = fb_realloc(m->lifts, (m->nlifts + 1u) * sizeof *m->lifts);
	l = &m->lifts[m->nlifts++];
	*l = (struct fb_lift){ .key = e->key, .func = e->func, .kind = 0xFF, .core = -1,
			       .callback = -1, .post_return = -1 };
	return l;
}

/* Record export `i` on its lift; two core functions for one role fail. */
static int place_export(struct fb_module *m, uint32_t i, struct fb_error *err)
{
	const struct fb_export *e = &m->exports[i];
	const char *name = m->wasm.exports[i].name;
	struct fb_lift *l = add_lift(m, e);
	int *slot = e->kind == FB_EXP_CALLBACK ? &l->callback :
		    e->kind == FB_EXP_POST_RETURN ? &l->post_return : &l->core;
	if (*slot >= 0)
		return fb_plan_fail(err, "%s: exports '%s' and '%s' both lift '%s'", m->wasm_path,
				    m->wasm.exports[*slot].name, name, e->key);
	*slot = (int)i;
	if (e->kind == FB_EXP_LIFT_SYNC)
		l->kind = FLUE_LIFT_SYNC;
	else if (e->kind == FB_EXP_LIFT_ASYNC)
		l->kind = FLUE_LIFT_CALLBACK;
	else if (e->kind == FB_EXP_LIFT_STACKFUL)
		l->kind = FLUE_LIFT_STACKFUL;
	return 0;
}

static int check_lift(struct fb_module *m, const struct fb_lift *l,
		      struct fb_error *err)
{
	char why[512];
	if (l->core < 0)
		return fb_plan_fail(err, "%s: '%s' exports only a %s for '%s', not the function "
				    "itself", m->wasm_path,
				    m->wasm.exports[l->callback >= 0 ? l->callback : l->post_return].name,
				    l->callback >= 0 ? "callback" : "post-return", l->key);
	if (l->kind == FLUE_LIFT_CALLBACK && l->callback < 0)
		return fb_plan_fail(err, "%s: '[async-lift]%s' has no '[callback][async-lift]%s': "
				    "flue lifts async exports with a callback, or stackful as "
				    "'[async-lift-stackful]%s'", m->wasm_path, l->key, l->key, l->key);
	if (l->kind != FLUE_LIFT_CALLBACK && l->callback >= 0)
		return fb_plan_fail(err, "%s: '%s' is a callback of '%s', which is not lifted as "
				    "'[async-lift]%s'", m->wasm_path, m->wasm.exports[l->callback].name,
				    l->key, l->key);
	if (l->kind != FLUE_LIFT_SYNC && l->post_return >= 0)
		return fb_plan_fail(err, "%s: '%s': post-return is only allowed for "
				    "synchronously lifted exports", m->wasm_path,
				    m->wasm.exports[l->post_return].name);
	if (fb_func_form(l->func, why, sizeof why) < 0)
		return fb_plan_fail(err, "%s: export '%s': %s", m->wasm_path, l->key, why);
	return 0;
}

static int classify_exports(struct fb_module *m, struct fb_error *err)
{
	m->exports = fb_calloc(m->wasm.nexports, sizeof *m->exports);
	m->memory = m->realloc = m->initialize = -1;
	for (uint32_t i = 0; i < m->wasm.nexports; i++) {
		const struct wasm_export *ex = &m->wasm.exports[i];
		const struct wasm_functype *ft = ex->kind == WASM_EXTERN_FUNC ?
						 wasm_func_type(&m->wasm, ex->index) : NULL;
		char why[512];
		if (fb_classify_export(m->world, ex->name, ex->kind, ft, &m->exports[i], why,
				       sizeof why) != 0)
			return fb_plan_fail(err, "%s: export '%s': %s", m->wasm_path, ex->name, why);
		switch (m->exports[i].kind) {
		case FB_EXP_MEMORY: m->memory = (int)i; break;
		case FB_EXP_REALLOC: m->realloc = (int)i; break;
		case FB_EXP_INITIALIZE: m->initialize = (int)i; break;
		case FB_EXP_IGNORED: case FB_EXP_DTOR: break; /* destructors: plan_res.c */
		default:
			if (place_export(m, i, err) != 0)
				return -1;
		}
	}
	for (uint32_t i = 0; i < m->nlifts; i++)
		if (check_lift(m, &m->lifts[i], err) != 0)
			return -1;
	return 0;
}

/* Does a param (or, with `result`, the result) of f hold strings or
 * lists? (Only graph-typed functions can.) */
static bool func_allocates(const struct wit_func *f, bool result)
{
	for (uint32_t i = 0; i < f->nparams; i++)
		if (fb_type_allocates(f->params[i].type))
			return true;
	return result && fb_type_allocates(f->result);
}

/* Does anything the module does need its linear memory, or its realloc? */
/* An import that reads or writes guest memory: a built-in with a pointer
 * (the canonical options' `memory`), or a call whose values go through
 * memory (params through a pointer, results through a pointer; an async
 * lower always takes its result through one). A unit stream/future op
 * ignores its pointer. */
static bool import_needs_memory(const struct fb_import *c)
{
	switch (c->builtin) {
	case FB_B_WAITABLE_SET_WAIT: case FB_B_WAITABLE_SET_POLL:
	case FB_B_ERROR_CONTEXT_NEW: case FB_B_ERROR_CONTEXT_DEBUG_MESSAGE:
		return true;
	case FB_B_STREAM_READ: case FB_B_STREAM_WRITE:
	case FB_B_FUTURE_READ: case FB_B_FUTURE_WRITE:
		return c->stream != NULL && c->stream->elem != NULL;
	case FB_B_TASK_RETURN:
		return c->sig.indirect_params || fb_type_allocates(c->func->result);
	case FB_B_RING_ATTACH: /* a window of the caller's own memory */
		return true;
	default:
		return c->kind == FB_IMP_FUNC &&
		       (c->sig.indirect_params || c->sig.retptr || func_allocates(c->func, true));
	}
}

static bool needs_memory(const struct fb_module *m)
{
	for (uint32_t i = 0; i < m->wasm.nimports; i++)
		if (import_needs_memory(&m->imports[i]))
			return true;
	for (uint32_t i = 0; i < m->nlifts; i++) {
		const struct fb_lift *l = &m->lifts[i];
		enum wit_abi abi = l->kind == FLUE_LIFT_SYNC ? WIT_ABI_EXPORT :
				   l->kind == FLUE_LIFT_CALLBACK ? WIT_ABI_EXPORT_ASYNC :
				   WIT_ABI_EXPORT_STACKFUL;
		struct wit_core_sig s;
		if (wit_core_signature(l->func, abi, &s) == 0 && (s.indirect_params || s.retptr))
			return true;
		if (func_allocates(l->func, true))
			return true;
	}
	return false;
}

/* What flue-build can instantiate: one 32-bit memory; on targets with the
 * freestanding runtime, at most one table, of funcref. */
static int check_storage(const struct fb_module *m, enum fb_target target, struct fb_error *err)
{
	if (m->wasm.nmemories > 1)
		return fb_plan_fail(err, "%s: the module defines %u memories; flue-build supports one",
				    m->wasm_path, (unsigned)m->wasm.nmemories);
	if (m->wasm.nmemories == 1 && (m->wasm.memories[0].is64 || m->wasm.memories[0].shared))
		return fb_plan_fail(err, "%s: 64-bit or shared memories are not supported by flue",
				    m->wasm_path);
	if (target == FB_TARGET_HOST)
		return 0;
	if (m->wasm.ntables > 1 || (m->wasm.ntables == 1 && m->wasm.table_elem[0] != WASM_FUNCREF))
		return fb_plan_fail(err, "%s: on Cortex-M flue-build supports one table, of funcref",
				    m->wasm_path);
	if (m->wasm.ntables == 1 && (m->wasm.tables[0].has_max ? m->wasm.tables[0].max :
				     m->wasm.tables[0].min) > 65536u)
		return fb_plan_fail(err, "%s: the table's static size would exceed 65536 entries",
				    m->wasm_path);
	return 0;
}

/* A lowered call whose result holds strings or lists allocates them in the
 * caller with its realloc (flue_lowered.realloc); so does a stream or
 * future read of elements holding them, in the reader (the built-in's
 * options). */
static int check_import_realloc(const struct fb_module *m, struct fb_error *err)
{
	for (uint32_t i = 0; i < m->wasm.nimports && m->realloc < 0; i++) {
		const struct fb_import *c = &m->imports[i];
		const char *what = NULL;
		if (c->kind == FB_IMP_FUNC && fb_type_allocates(c->func->result))
			what = "returns strings or lists";
		else if ((c->builtin == FB_B_STREAM_READ || c->builtin == FB_B_FUTURE_READ) &&
			 c->stream != NULL && fb_type_allocates(c->stream->elem))
			what = "reads elements holding strings or lists";
		if (what != NULL)
			return fb_plan_fail(err, "%s: import '%s' '%s' %s, which are stored into "
					    "the module's memory with 'cabi_realloc', which the "
					    "module does not export", m->wasm_path,
					    m->wasm.imports[i].module, m->wasm.imports[i].field, what);
	}
	return 0;
}

static int check_module(struct fb_module *m, enum fb_target target, struct fb_error *err)
{
	if (check_storage(m, target, err) != 0 || fb_plan_ring_module(m, err) != 0)
		return -1;
	if (m->memory < 0 && needs_memory(m))
		return fb_plan_fail(err, "%s: the module exports no 'memory', which its imports "
				    "and exports need", m->wasm_path);
	for (uint32_t i = 0; i < m->nlifts; i++) {
		struct wit_core_sig s;
		const struct fb_lift *l = &m->lifts[i];
		enum wit_abi abi = l->kind == FLUE_LIFT_SYNC ? WIT_ABI_EXPORT :
				   l->kind == FLUE_LIFT_CALLBACK ? WIT_ABI_EXPORT_ASYNC :
				   WIT_ABI_EXPORT_STACKFUL;
		if (wit_core_signature(l->func, abi, &s) == 0 && s.indirect_params &&
		    m->realloc < 0)
			return fb_plan_fail(err, "%s: export '%s' takes its parameters through memory "
					    "and needs 'cabi_realloc', which the module does not "
					    "export", m->wasm_path, l->key);
		if (func_allocates(l->func, false) && m->realloc < 0)
			return fb_plan_fail(err, "%s: export '%s' takes strings or lists, which are "
					    "stored into its memory with 'cabi_realloc', which the "
					    "module does not export", m->wasm_path, l->key);
	}
	return check_import_realloc(m, err);
}

static int load_module(struct fb_module *m, const struct fb_instance_decl *d,
		       const struct fb_plan *p, struct fb_error *err)
{
	struct wasm_error we;
	struct wit_error ye;
	m->id = fb_strdup(d->name);
	m->wasm_path = d->module_path;
	m->wit_path = d->wit_path;
	m->world_name = d->world;
	if (wasm_read_file(&m->wasm, d->module_path, &we) != 0) {
		if (strncmp(we.msg, "offset ", 7) != 0) /* unreadable: "<path>: <strerror>" */
			return fb_plan_fail(err, "%s", we.msg);
		return fb_plan_fail(err, "%s: %s", d->module_path, we.msg);
	}
	if (wit_load(&m->wit, d->wit_path, &ye) != 0)
		return fb_plan_fail(err, "%s", ye.msg);
	if ((m->world = wit_find_world(&m->wit, d->world, &ye)) == NULL)
		return fb_plan_fail(err, "%s: %s", d->wit_path, ye.msg);
	if (classify_imports(m, &p->comp, err) != 0 || classify_exports(m, err) != 0)
		return -1;
	return check_module(m, p->target, err);
}

static bool same_source(const struct fb_module *m, const struct fb_instance_decl *d)
{
	return strcmp(m->wasm_path, d->module_path) == 0 && strcmp(m->wit_path, d->wit_path) == 0 &&
	       ((m->world_name == NULL && d->world == NULL) ||
		(m->world_name != NULL && d->world != NULL && strcmp(m->world_name, d->world) == 0));
}

/* The static capacity of an instance's memory: `memory` of the
 * composition, else the module's initial pages; never above its maximum. */
static int memory_pages(struct fb_inst *in, struct fb_error *err)
{
	const struct wasm_module *w = &in->mod->wasm;
	if (w->nmemories == 0)
		return 0;
	const struct wasm_limits *l = &w->memories[0];
	uint64_t pages = in->decl->memory_pages != 0 ? in->decl->memory_pages : l->min;
	if (pages < l->min)
		return fb_fail(err, in->decl->memory_loc.line != 0 ? &in->decl->memory_loc :
			       &in->decl->loc, "instance '%s': memory of %llu pages is less "
			       "than the module's initial %llu pages", in->name,
			       (unsigned long long)pages, (unsigned long long)l->min);
	if (l->has_max && l->max < pages)
		pages = l->max;
	if (pages > 65536u)
		return fb_fail(err, &in->decl->loc, "instance '%s': more than 65536 pages", in->name);
	in->memory_pages = (uint32_t)pages;
	return 0;
}

int fb_plan_modules(struct fb_plan *p, struct fb_error *err)
{
	p->insts = fb_calloc(p->comp.ninstances, sizeof *p->insts);
	p->modules = fb_calloc(p->comp.ninstances, sizeof *p->modules);
	for (uint32_t i = 0; i < p->comp.ninstances; i++) {
		const struct fb_instance_decl *d = &p->comp.instances[i];
		struct fb_module *m = NULL;
		for (uint32_t k = 0; k < p->nmodules && m == NULL; k++)
			if (same_source(&p->modules[k], d))
				m = &p->modules[k];
		if (m == NULL) {
			m = &p->modules[p->nmodules++];
			if (load_module(m, d, p, err) != 0)
				return -1;
		}
		m->ninstances++;
		struct fb_inst *in = &p->insts[p->ninsts++];
		in->decl = d;
		in->name = d->name;
		in->mod = m;
		in->wires = fb_calloc(m->wasm.nimports, sizeof *in->wires);
		if (memory_pages(in, err) != 0)
			return -1;
	}
	return 0;
}

static void free_module(struct fb_module *m)
{
	for (uint32_t i = 0; m->imports != NULL && i < m->wasm.nimports; i++)
		fb_import_free(&m->imports[i]);
	for (uint32_t i = 0; m->exports != NULL && i < m->wasm.nexports; i++)
		fb_export_free(&m->exports[i]);
	free(m->imports);
	free(m->exports);
	free(m->import_elem);
	free(m->lifts);
	free(m->id);
	wasm_free(&m->wasm);
	wit_free(&m->wit);
}

const struct fb_lift *fb_module_stackful_lift(const struct fb_module *m)
{
	for (uint32_t k = 0; k < m->nlifts; k++)
		if (m->lifts[k].kind == FLUE_LIFT_STACKFUL)
			return &m->lifts[k];
	return NULL;
}

uint32_t fb_plan_fiber_stacks(const struct fb_plan *p, uint32_t asked)
{
	if (p->target == FB_TARGET_HOST)
		return 0;
	if (asked != 0)
		return asked;
	for (uint32_t i = 0; i < p->nmodules; i++)
		if (fb_module_stackful_lift(&p->modules[i]) != NULL)
			return FB_DEFAULT_STACKS;
	return 0;
}

void fb_plan_free(struct fb_plan *p)
{
	for (uint32_t i = 0; i < p->nmodules; i++)
		free_module(&p->modules[i]);
	for (uint32_t i = 0; i < p->ninsts; i++)
		free(p->insts[i].wires);
	for (uint32_t i = 0; i < p->nhostfns; i++)
		free(p->hostfns[i].c_name);
	for (uint32_t i = 0; i < p->nbindings; i++)
		free(p->bindings[i].c_name);
	for (uint32_t i = 0; i < p->nelems; i++)
		free(p->elems[i].c_name);
	free(p->modules);
	free(p->insts);
	free(p->hostfns);
	free(p->bindings);
	free(p->elems);
	for (uint32_t i = 0; i < p->nrtypes; i++)
		free(p->rtypes[i].c_name);
	free(p->rtypes);
	free(p->name);
	fb_compose_free(&p->comp);
	memset(p, 0, sizeof *p);
}
