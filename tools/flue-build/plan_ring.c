/*
 * The program model (plan.h), part 3: shared rings (flue/ring.h). A guest
 * reaches ring NAME of the composition through import module
 * `flue:ring/NAME`: the built-ins attach, claim, finish and ready, and
 * (component to component) the ring's storage as an imported memory.
 * Everything about them that can be wrong is refused here, naming the
 * module and import or the composition line: an undeclared ring, a name
 * or core type flue does not have, an instance that is not one of the
 * ring's ends, an import of the other placement, a ring memory that
 * cannot hold the ring, and what wasm2c 1.0.32 gets wrong with two
 * memories (a cross-memory memory.copy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flue/ring.h>
#include <flue/w2c.h>

#include "names_internal.h"
#include "plan_internal.h"

#define RING_MODULE "flue:ring/"
#define PAGE 65536ull

static const struct fb_named_builtin ring_builtins[] = {
	{ "attach", FB_B_RING_ATTACH, "ii>" },
	{ "claim", FB_B_RING_CLAIM, "i>I" },
	{ "finish", FB_B_RING_FINISH, "i>" },
	{ "ready", FB_B_RING_READY, ">i" },
};

/* The ring memory's declared limits must let it hold the ring (its static
 * storage is the ring's bytes; the boards' glue reports the module's
 * minimum pages, the host's 0: docs/FLUE-BUILD.md). */
static int ring_memory(const struct fb_module *m, const struct wasm_import *im,
		       const struct fb_ring_decl *r, struct fb_error *err)
{
	const struct wasm_limits *l = &im->limits;
	if (l->is64 || l->shared)
		return fb_plan_fail(err, "%s: import '%s' '%s': a ring memory is a 32-bit memory, "
				    "not shared", m->wasm_path, im->module, im->field);
	uint64_t bytes = fb_ring_bytes(r);
	if (l->min * PAGE < bytes)
		return fb_plan_fail(err, "%s: import '%s' '%s': ring '%s' needs %llu bytes; the "
				    "module's ring memory has at least %llu pages (declare at least "
				    "%llu)", m->wasm_path, im->module, im->field, r->name,
				    (unsigned long long)bytes, (unsigned long long)l->min,
				    (unsigned long long)((bytes + PAGE - 1u) / PAGE));
	return 0;
}

static int ring_func(const struct fb_module *m, const struct wasm_import *im,
		     struct fb_import *out, struct fb_error *err)
{
	const struct fb_named_builtin *rb =
		fb_names_find_builtin(ring_builtins, sizeof ring_builtins / sizeof ring_builtins[0],
				      im->field);
	if (rb == NULL)
		return fb_plan_fail(err, "%s: import '%s' '%s': unknown ring import (flue:ring/NAME "
				    "has attach, claim, finish, ready and memory)", m->wasm_path,
				    im->module, im->field);
	if (im->kind != WASM_EXTERN_FUNC)
		return fb_plan_fail(err, "%s: import '%s' '%s' is a %s: %s is a function",
				    m->wasm_path, im->module, im->field,
				    wasm_extern_kind_name(im->kind), fb_builtin_name(rb->b));
	out->kind = FB_IMP_BUILTIN;
	out->builtin = rb->b;
	out->sig = fb_names_sig(rb->sig);
	char why[512];
	if (fb_names_check_sig(&out->sig, &m->wasm.types[im->type], fb_builtin_name(rb->b), why,
			       sizeof why) != 0)
		return fb_plan_fail(err, "%s: import '%s' '%s': %s", m->wasm_path, im->module,
				    im->field, why);
	return 0;
}

int fb_plan_ring_import(const struct fb_composition *c, struct fb_module *m, uint32_t i,
			struct fb_error *err)
{
	const struct wasm_import *im = &m->wasm.imports[i];
	if (strncmp(im->module, RING_MODULE, strlen(RING_MODULE)) != 0)
		return 0;
	const char *name = im->module + strlen(RING_MODULE);
	const struct fb_ring_decl *r = fb_compose_find_ring(c, name);
	if (r == NULL)
		return fb_plan_fail(err, "%s: import '%s' '%s': no ring '%s' is declared (add "
				    "'ring %s <element-bytes> <capacity> <writer> <reader>' to %s)",
				    m->wasm_path, im->module, im->field, name, name, c->path);
	struct fb_import *out = &m->imports[i];
	memset(out, 0, sizeof *out);
	out->ring = (uint32_t)(r - c->rings);
	if (strcmp(im->field, "memory") != 0)
		return ring_func(m, im, out, err) != 0 ? -1 : 1;
	if (im->kind != WASM_EXTERN_MEMORY)
		return fb_plan_fail(err, "%s: import '%s' '%s' is a %s: a ring's storage is "
				    "imported as a memory", m->wasm_path, im->module, im->field,
				    wasm_extern_kind_name(im->kind));
	out->kind = FB_IMP_RING_MEMORY;
	return ring_memory(m, im, r, err) != 0 ? -1 : 1;
}

/* ------------------------------------------------------------- modules */

/* The memory index of import i (a memory): imported memories come first,
 * in import order. */
static uint32_t memory_index(const struct fb_module *m, uint32_t i)
{
	uint32_t k = 0;
	for (uint32_t j = 0; j < i; j++)
		k += m->wasm.imports[j].kind == WASM_EXTERN_MEMORY;
	return k;
}

/* The ring memory import that memory index `mem` is, or -1. */
static int ring_memory_import(const struct fb_module *m, uint32_t mem)
{
	for (uint32_t i = 0; i < m->wasm.nimports; i++)
		if (m->imports[i].kind == FB_IMP_RING_MEMORY && memory_index(m, i) == mem)
			return (int)i;
	return -1;
}

/* The ring memory starts zeroed and belongs to both ends: no data segment
 * writes it at instantiation, and no export hands it out as the module's
 * own memory (the canonical ABI's `memory`). */
static int ring_memory_uses(const struct fb_module *m, struct fb_error *err)
{
	for (uint32_t k = 0; k < m->wasm.ndata; k++) {
		const struct wasm_data *d = &m->wasm.data[k];
		int i = d->mode == WASM_SEG_ACTIVE ? ring_memory_import(m, d->memory) : -1;
		if (i >= 0)
			return fb_plan_fail(err, "%s: data segment %u initialises the ring memory "
					    "('%s' '%s'): ring storage starts zeroed", m->wasm_path,
					    (unsigned)k, m->wasm.imports[i].module,
					    m->wasm.imports[i].field);
	}
	for (uint32_t j = 0; j < m->wasm.nexports; j++) {
		const struct wasm_export *ex = &m->wasm.exports[j];
		int i = ex->kind == WASM_EXTERN_MEMORY ? ring_memory_import(m, ex->index) : -1;
		if (i >= 0)
			return fb_plan_fail(err, "%s: export '%s' is the ring memory ('%s' '%s'): "
					    "a module exports only a memory of its own", m->wasm_path,
					    ex->name, m->wasm.imports[i].module,
					    m->wasm.imports[i].field);
	}
	return 0;
}

static const char *export_name_of(const struct fb_module *m, uint32_t func)
{
	for (uint32_t j = 0; j < m->wasm.nexports; j++)
		if (m->wasm.exports[j].kind == WASM_EXTERN_FUNC && m->wasm.exports[j].index == func)
			return m->wasm.exports[j].name;
	return NULL;
}

/* Only a module with two memories can copy between two (validation
 * refuses any other memory index, and so does wasm2c). */
static int cross_copy(const struct fb_module *m, struct fb_error *err)
{
	if (m->wasm.nimported_memories + m->wasm.nmemories < 2u)
		return 0;
	uint32_t f = 0;
	struct wasm_error we;
	int rc = wasm_find_cross_copy(&m->wasm, &f, &we);
	if (rc == 0)
		return 0;
	const char *ex = export_name_of(m, f);
	char where[160];
	snprintf(where, sizeof where, "function %u%s%s%s", (unsigned)f, ex ? " (export '" : "",
		 ex ? ex : "", ex ? "')" : "");
	if (rc < 0)
		return fb_plan_fail(err, "%s: %s: %s (flue-build reads the bodies of modules with "
				    "two memories to refuse a cross-memory memory.copy)",
				    m->wasm_path, where, we.msg);
	return fb_plan_fail(err, "%s: %s: memory.copy between two memories is not supported: "
			    "wasm2c 1.0.32 swaps its source and destination", m->wasm_path, where);
}

int fb_plan_ring_module(const struct fb_module *m, struct fb_error *err)
{
	if (ring_memory_uses(m, err) != 0)
		return -1;
	return cross_copy(m, err);
}

/* ----------------------------------------------------------- instances */

static int check_end(const struct fb_plan *p, const struct fb_inst *in, uint32_t i,
		     struct fb_error *err)
{
	const struct fb_import *c = &in->mod->imports[i];
	const struct wasm_import *im = &in->mod->wasm.imports[i];
	const struct fb_ring_decl *r = &p->comp.rings[c->ring];
	bool driver = fb_ring_has_driver(r);
	if (fb_ring_role(r, in->name) < 0)
		return fb_fail(err, &in->decl->loc, "instance '%s' imports '%s' '%s', but ring '%s' "
			       "(line %u) has the writer '%s' and the reader '%s'", in->name,
			       im->module, im->field, r->name, (unsigned)r->loc.line,
			       fb_ring_end_name(r, 0), fb_ring_end_name(r, 1));
	if (c->builtin == FB_B_RING_ATTACH && !driver)
		return fb_fail(err, &in->decl->loc, "instance '%s' imports '%s' '%s', but ring '%s' "
			       "(line %u) connects two instances: its storage is the memory both "
			       "import ('%s' 'memory'), not a window one of them attaches",
			       in->name, im->module, im->field, r->name, (unsigned)r->loc.line,
			       im->module);
	if (c->kind == FB_IMP_RING_MEMORY && driver)
		return fb_fail(err, &in->decl->loc, "instance '%s' imports '%s' '%s', but ring '%s' "
			       "(line %u) has a driver end ('host'): its storage is a window the "
			       "guest attaches ('%s' 'attach'), not a memory", in->name,
			       im->module, im->field, r->name, (unsigned)r->loc.line, im->module);
	return 0;
}

int fb_plan_rings(const struct fb_plan *p, struct fb_error *err)
{
	for (uint32_t n = 0; n < p->ninsts; n++) {
		const struct fb_inst *in = &p->insts[n];
		for (uint32_t i = 0; i < in->mod->wasm.nimports; i++) {
			const struct fb_import *c = &in->mod->imports[i];
			bool ring = c->kind == FB_IMP_RING_MEMORY || fb_builtin_is_ring(c->builtin);
			if (ring && check_end(p, in, i, err) != 0)
				return -1;
		}
	}
	return 0;
}

/* The extra regions instance `name` needs: ring memories (its rings
 * between two guests) and read windows (rings a driver writes into its
 * memory). */
static void isolate_regions(const struct fb_composition *c, const char *name, uint32_t *mem,
			    uint32_t *win)
{
	*mem = *win = 0;
	for (uint32_t i = 0; i < c->nrings; i++) {
		const struct fb_ring_decl *r = &c->rings[i];
		int role = fb_ring_role(r, name);
		if (!fb_ring_has_driver(r))
			*mem += role >= 0;
		else
			*win += role == FLUE_RING_READER;
	}
}

/* --isolate: a ring memory is one more region of each guest end's domain,
 * and so is the window a guest reader of a driver's ring attaches (made
 * read-only to it on PMSAv7, docs/MPU.md): at most FLUE_W2C_MAX_RINGS in
 * all (one fewer with a stack guard), and one such window (the glue keeps
 * one per instance). */
int fb_plan_ring_isolate_check(const struct fb_plan *p, bool guard, struct fb_error *err)
{
	const struct fb_composition *c = &p->comp;
	uint32_t room = FLUE_W2C_MAX_RINGS - (guard ? 1u : 0u);
	for (uint32_t n = 0; n < p->ninsts; n++) {
		const char *name = p->insts[n].name;
		uint32_t mem, win;
		isolate_regions(c, name, &mem, &win);
		if (win > 1u)
			return fb_fail(err, &p->insts[n].decl->loc, "--isolate: instance '%s' reads "
				       "%u rings written by drivers; an isolated instance may read one "
				       "(its read-only window is one MPU region)", name, (unsigned)win);
		if (mem + win > room)
			return fb_fail(err, &p->insts[n].decl->loc, "--isolate: instance '%s' shares "
				       "%u ring memories%s; its MPU domain has room for %u (%u of its 8 "
				       "regions are its own%s)", name, (unsigned)(mem + win),
				       win > 0u ? " and windows" : "", (unsigned)room,
				       guard ? 6u : 5u, guard ? ": a stack guard with fiber stacks" : "");
	}
	return 0;
}
