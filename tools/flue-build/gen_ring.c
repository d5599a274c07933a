/*
 * The glue of shared rings (flue/ring.h; plan_ring.c checked them): one
 * `struct flue_ring` per `ring` line, the storage of a ring between two
 * instances, the `flue:ring/NAME` imports (built-in calls bound to the
 * ring; the ring memory as wasm2c's imported memory), initialisation at
 * init, each end's connection at init and after its restart, the host's
 * accessor, and an isolated end's MPU regions.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gen_internal.h"

/* Storage of a ring between two instances: a power of two (at least 32
 * bytes) aligned to its size, so that one MPU region holds exactly it on
 * either architecture (docs/FLUE-BUILD.md, "Shared rings"). */
static uint32_t storage_bytes(const struct fb_ring_decl *r)
{
	return gen_pow2_at_least(fb_ring_bytes(r));
}

void gen_ring_statics(const struct gen *g)
{
	const struct fb_composition *c = &g->p->comp;
	for (uint32_t i = 0; i < c->nrings; i++) {
		const struct fb_ring_decl *r = &c->rings[i];
		fb_buf_printf(g->c, "/* ring '%s' (line %u): %u elements of %u bytes, writer '%s', "
			      "reader '%s' */\nstatic struct flue_ring ring_%s;\n", r->name,
			      (unsigned)r->loc.line, (unsigned)r->capacity, (unsigned)r->elem_size,
			      fb_ring_end_name(r, 0), fb_ring_end_name(r, 1), r->name);
		if (!fb_ring_has_driver(r))
			fb_buf_printf(g->c, "static uint8_t ring_%s_storage[%uu] __attribute__((aligned("
				      "%u)));\n", r->name, (unsigned)storage_bytes(r),
				      (unsigned)storage_bytes(r));
	}
	if (c->nrings > 0)
		fb_buf_puts(g->c, "\n");
}

/* The call expression of ring built-in import `c`. */
void gen_ring_call(const struct gen *g, const struct fb_module *m, const struct fb_import *c,
		   struct fb_buf *b)
{
	const char *name = g->p->comp.rings[c->ring].name;
	switch (c->builtin) {
	case FB_B_RING_ATTACH:
		if (!g->o->isolate) {
			fb_buf_printf(b, "flue_abi_ring_attach(inst, &ring_%s, p0, p1)", name);
			break;
		}
		/* Isolated: a reader's window becomes read-only to it (PMSAv7). */
		char *id = gen_mod(g, m);
		fb_buf_printf(b, "(flue_abi_ring_attach(inst, &ring_%s, p0, p1), "
			      "flue_w2c_ring_window(&%s_self(env)->g, &ring_%s))", name, id, name);
		free(id);
		break;
	case FB_B_RING_CLAIM: fb_buf_printf(b, "flue_abi_ring_claim(inst, &ring_%s, p0)", name); break;
	case FB_B_RING_FINISH: fb_buf_printf(b, "flue_abi_ring_finish(inst, &ring_%s, p0)", name); break;
	default: fb_buf_printf(b, "flue_abi_ring_ready(inst, &ring_%s)", name); break;
	}
}

bool gen_ring_has_memory(const struct fb_module *m)
{
	for (uint32_t i = 0; i < m->wasm.nimports; i++)
		if (m->imports[i].kind == FB_IMP_RING_MEMORY)
			return true;
	return false;
}

/* Per ring memory import: the wasm_rt_memory_t wasm2c's code reads (in
 * the guest block when isolated: guest code reads it). */
void gen_ring_members(const struct gen *g, const struct fb_module *m)
{
	for (uint32_t i = 0; i < m->wasm.nimports; i++)
		if (m->imports[i].kind == FB_IMP_RING_MEMORY)
			fb_buf_printf(g->c, "\twasm_rt_memory_t rmem%u; /* import '%s' 'memory' */\n",
				      (unsigned)i, m->wasm.imports[i].module);
}

/* The ring memory wasm2c asks for at instantiation. Its size is the
 * ring's (a bounds-checked build traps beyond it, an isolated one faults
 * beyond the MPU region), its pages the module's declared minimum, never
 * more: memory.grow of it fails and growing it by 0 gives its pages
 * (isolated: the gate's grow service answers for it). On the host it has
 * 0 pages: wabt's runtime reallocates the storage on any grow but one to
 * 0 pages, and the storage is static and shared. */
void gen_ring_memory_import(const struct gen *g, const struct fb_module *m, uint32_t i,
			    const char *id)
{
	const struct fb_ring_decl *r = &g->p->comp.rings[m->imports[i].ring];
	char *sym = fb_gen_import_symbol(g->p, m, i);
	unsigned pages = g->p->target == FB_TARGET_HOST ? 0u : (unsigned)m->wasm.imports[i].limits.min;
	fb_buf_printf(g->c, "/* import '%s' 'memory': the storage of ring '%s' */\n"
		      "wasm_rt_memory_t *%s(struct Z_%s_imports_instance_t *env)\n{\n"
		      "\tstruct %s_inst *self = %s_self(env);\n\twasm_rt_memory_t *m = &self->%srmem%u;\n"
		      "\tm->data = ring_%s_storage;\n\tm->size = %uu;\n\tm->pages = %uu;\n"
		      "\tm->max_pages = %uu;\n\treturn m;\n}\n\n", m->wasm.imports[i].module, r->name,
		      sym, id, id, id, g->o->isolate ? "gd->" : "", (unsigned)i, r->name,
		      (unsigned)fb_ring_bytes(r), pages, pages);
	free(sym);
}

bool gen_ring_is_end(const struct gen *g, uint32_t n)
{
	const struct fb_composition *c = &g->p->comp;
	for (uint32_t i = 0; i < c->nrings; i++)
		if (fb_ring_role(&c->rings[i], g->p->insts[n].name) >= 0)
			return true;
	return false;
}

/* rings_connect_<inst>(): the ring roles of instance `n`, each with a
 * fresh companion (at init, and after a restart: flue_ring_connect()
 * starts the ring afresh once the previous guest is gone). */
static void connect_fn(const struct gen *g, uint32_t n, const char *unit)
{
	const struct fb_composition *c = &g->p->comp;
	const struct fb_inst *in = &g->p->insts[n];
	char *id = gen_mod(g, in->mod);
	fb_buf_printf(g->c, "static int rings_connect_%s(void)\n{\n\tstruct flue_instance *inst = "
		      "%s_insts[%u].g.inst;\n\tuint32_t end;\n\tint rc;\n", in->name, id,
		      (unsigned)gen_inst_slot(g->p, n));
	for (uint32_t i = 0; i < c->nrings; i++) {
		const struct fb_ring_decl *r = &c->rings[i];
		int role = fb_ring_role(r, in->name);
		if (role < 0)
			continue;
		fb_buf_printf(g->c, "\trc = flue_ring_connect(&ring_%s, %s, inst, %s, &end);\n"
			      "\tif (rc != 0)\n\t\treturn glue_fail(rc, \"connecting the %s "
			      "of ring '%s' to\", \"%s\");\n", r->name, role == 0 ?
			      "FLUE_RING_WRITER" : "FLUE_RING_READER", unit,
			      role == 0 ? "writer" : "reader", r->name, in->name);
	}
	fb_buf_puts(g->c, "\t(void)end;\n\treturn 0;\n}\n\n");
	free(id);
}

/* rings_init() (before instantiation: a start function may attach) and
 * rings_connect_<inst>() per ring end (once it exists, before its
 * `_initialize`). */
void gen_ring_init_fns(const struct gen *g)
{
	const struct fb_composition *c = &g->p->comp;
	struct fb_buf *b = g->c;
	if (c->nrings == 0)
		return;
	fb_buf_puts(b, "static int rings_init(void)\n{\n\tint rc;\n");
	for (uint32_t i = 0; i < c->nrings; i++) {
		const struct fb_ring_decl *r = &c->rings[i];
		fb_buf_printf(b, "\tif ((rc = flue_ring_init(&ring_%s, %uu, %uu)) != 0)\n\t\treturn "
			      "glue_fail(rc, \"initialising ring\", \"%s\");\n", r->name,
			      (unsigned)r->elem_size, (unsigned)r->capacity, r->name);
		if (!fb_ring_has_driver(r))
			fb_buf_printf(b, "\tif ((rc = flue_ring_place(&ring_%s, ring_%s_storage)) != 0)\n"
				      "\t\treturn glue_fail(rc, \"placing ring\", \"%s\");\n", r->name,
				      r->name, r->name);
	}
	fb_buf_puts(b, "\treturn 0;\n}\n\n");
	char unit[128];
	gen_elem_macro(g, fb_plan_elem_id(g->p, NULL), unit, sizeof unit);
	for (uint32_t n = 0; n < g->p->ninsts; n++)
		if (gen_ring_is_end(g, n))
			connect_fn(g, n, unit);
}

void gen_ring_api(const struct gen *g)
{
	const struct fb_composition *c = &g->p->comp;
	for (uint32_t i = 0; i < c->nrings; i++) {
		const struct fb_ring_decl *r = &c->rings[i];
		fb_buf_printf(g->h, "\n/**\n * @brief Ring '%s' (%u elements of %u bytes; writer "
			      "'%s', reader '%s'):\n *        the driver's end for flue/ring.h "
			      "(flue_ring_put_claim(), ...).\n */\nstruct flue_ring *%s_ring_%s(void);\n",
			      r->name, (unsigned)r->capacity, (unsigned)r->elem_size,
			      fb_ring_end_name(r, 0), fb_ring_end_name(r, 1), g->p->name, r->name);
		fb_buf_printf(g->c, "struct flue_ring *%s_ring_%s(void)\n{\n\treturn &ring_%s;\n}\n\n",
			      g->p->name, r->name, r->name);
	}
}

/* --isolate: the ring memories instance `inst` shares, as its domain's
 * extra regions (struct flue_w2c_layout; at most FLUE_W2C_MAX_RINGS,
 * checked by fb_plan_ring_isolate_check()): read-write for the writer,
 * read-only for the reader. */
void gen_ring_layout(const struct gen *g, const char *inst, struct fb_buf *b)
{
	const struct fb_composition *c = &g->p->comp;
	uint32_t k = 0;
	for (uint32_t i = 0; i < c->nrings; i++) {
		const struct fb_ring_decl *r = &c->rings[i];
		int role = fb_ring_role(r, inst);
		if (role < 0 || fb_ring_has_driver(r))
			continue;
		fb_buf_printf(b, "\t\t\t.rings[%u] = { (uintptr_t)ring_%s_storage, %uu, %s },\n",
			      (unsigned)k++, r->name, (unsigned)storage_bytes(r),
			      role == 0 ? "false" : "true");
	}
	if (k > 0)
		fb_buf_printf(b, "\t\t\t.nrings = %uu,\n", (unsigned)k);
}
