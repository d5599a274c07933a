/*
 * flue-build --isolate: the parts of the glue that put each instance in an
 * MPU domain of its own, behind the privilege gate (docs/MPU.md).
 *
 *   - Each instance's guest block: its wasm2c instance struct, its import
 *     struct, a call area, its function table and its guest stacks, in one
 *     power-of-two block aligned to its size (one PMSAv7 region). One
 *     guest stack per runtime stack that may run its code at once (the
 *     executor's and each fiber's: stackful tasks of one instance are
 *     suspended inside its guest code at once, each on a stack of its own).
 *   - Export calls: a privileged wrapper writes the flat arguments into the
 *     call area and enters an unprivileged thunk through flue_w2c_guest();
 *     the thunk calls the wasm2c export and leaves the result there.
 *   - Imports: wasm2c's import symbol becomes a guest-side stub that passes
 *     its arguments as flat words on its own stack through the gate
 *     (FLUE_W2C_SVC_IMPORT); the privileged import (the normal glue, renamed
 *     `<id>_i<k>_priv`) runs in the service, reached through a per-module
 *     table the runtime indexes with the calling instance's own pointer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

/* Bytes of a guest's stack (its C frames: wasm2c functions; the wasm
 * shadow stack is in linear memory). */
#define GUEST_STACK 4096u

/* Guest stacks per instance: the executor's, and one per fiber stack. */
static uint32_t guest_stacks(const struct gen *g)
{
	return 1u + gen_fiber_stacks(g);
}

uint32_t gen_iso_memory_bytes(uint32_t pages)
{
	return gen_pow2_at_least(pages * 65536u);
}

/* A guest block: the stacks, the table (12 B per entry on 32 bits), the
 * call area and room for wasm2c's instance struct (its globals, memory
 * and table descriptors; checked by a _Static_assert in the glue). */
static uint32_t block_bytes(const struct gen *g, const struct fb_module *m)
{
	return gen_pow2_at_least(GUEST_STACK * guest_stacks(g) + 12u * gen_table_capacity(m) +
				 8u * 17u + 1024u);
}

void gen_iso_guest_types(const struct gen *g, const struct fb_module *m, const char *id)
{
	struct fb_buf *c = g->c;
	uint32_t block = block_bytes(g, m), t = gen_table_capacity(m);
	fb_buf_printf(c, "/* Its guest block (--isolate): everything its guest code may touch\n"
		      " * besides its linear memory, in one MPU region; the stacks first\n"
		      " * (%u of %u bytes: the executor's and one per fiber), so that an\n"
		      " * overflow of the first leaves the region (a fault) instead of\n"
		      " * overwriting the rest; the others' are stopped by their guard\n"
		      " * region (Cortex-M3) or PSPLIM (Cortex-M33). */\n"
		      "struct %s_guest {\n"
		      "\tuint8_t stack[%uu] __attribute__((aligned(8)));\n\tZ_%s_instance_t w;\n",
		      (unsigned)guest_stacks(g), (unsigned)GUEST_STACK, id,
		      (unsigned)(GUEST_STACK * guest_stacks(g)), id);
	if (m->wasm.nimports > 0)
		fb_buf_printf(c, "\tstruct Z_%s_imports_instance_t env;\n", id);
	gen_ring_members(g, m);
	fb_buf_puts(c, "\tflue_flat_t area[FLUE_W2C_MAX_WORDS];\n");
	if (t > 0)
		fb_buf_printf(c, "\twasm_rt_funcref_t table[%u];\n", (unsigned)t);
	fb_buf_printf(c, "};\n"
		      "_Static_assert(sizeof(struct %s_guest) <= %uu, \"%s's guest block\");\n"
		      "static union {\n\tstruct %s_guest g;\n\tuint8_t bytes[%uu];\n} %s_blocks[%u]\n"
		      "\t__attribute__((aligned(%u), section(\".bss.flue_guest.%s\")));\n\n",
		      id, (unsigned)block, id, id, (unsigned)block, id,
		      (unsigned)m->ninstances, (unsigned)block, id);
}

/* The members of an isolated instance's glue record. */
void gen_iso_inst_members(const struct gen *g, const char *id)
{
	fb_buf_printf(g->c, "\tstruct %s_guest *gd;\n\tstruct flue_port_domain dom[%uu];\n"
		      "\tstruct flue_mpu_write prog[%uu][FLUE_MPU_SEQ_MAX];\n", id,
		      (unsigned)guest_stacks(g), (unsigned)guest_stacks(g));
}

/* ------------------------------------------------------------- imports */

/* After the privileged import `<id>_i<k>_priv`: its service-side call and
 * the guest-side stub under wasm2c's name. */
void gen_iso_import(const struct gen *g, const struct fb_module *m, uint32_t i, const char *id)
{
	const struct wasm_functype *ft = &m->wasm.types[m->wasm.imports[i].type];
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "static void %s_i%u_call(const void *env, flue_flat_t *w)\n{\n\t",
		      id, (unsigned)i);
	struct fb_buf call = { 0 };
	fb_buf_printf(&call, "%s_i%u_priv((struct Z_%s_imports_instance_t *)(uintptr_t)env", id,
		      (unsigned)i, id);
	gen_from_flat_args(ft, "w", &call);
	fb_buf_puts(&call, ")");
	if (ft->nresults > 0) {
		fb_buf_puts(c, "w[0] = ");
		gen_to_flat(ft->results[0], call.data, c);
	} else {
		fb_buf_printf(c, "(void)w;\n\t%s", call.data);
	}
	fb_buf_puts(c, ";\n}\n\n");
	fb_buf_free(&call);
	char *sym = fb_gen_import_symbol(g->p, m, i);
	uint32_t n = ft->nparams > 0 ? ft->nparams : 1u;
	fb_buf_printf(c, "/* guest side (unprivileged): through the gate */\n%s %s(struct "
		      "Z_%s_imports_instance_t *env", ft->nresults ? gen_core_c(ft->results[0]) :
		      "void", sym, id);
	for (uint32_t k = 0; k < ft->nparams; k++)
		fb_buf_printf(c, ", %s p%u", gen_core_c(ft->params[k]), (unsigned)k);
	fb_buf_printf(c, ")\n{\n\tflue_flat_t w[%u] = {", (unsigned)n);
	for (uint32_t k = 0; k < ft->nparams; k++) {
		char p[16];
		snprintf(p, sizeof p, "p%u", (unsigned)k);
		fb_buf_puts(c, k ? ", " : " ");
		gen_to_flat(ft->params[k], p, c);
	}
	fb_buf_printf(c, "%s };\n\t(void)flue_port_gate(FLUE_W2C_SVC_IMPORT, %uu, "
		      "(uint32_t)(uintptr_t)w, (uint32_t)(uintptr_t)env);\n",
		      ft->nparams > 0 ? "" : " 0", (unsigned)i);
	if (ft->nresults > 0) {
		fb_buf_puts(c, "\treturn ");
		gen_from_flat(ft->results[0], "w[0]", c);
		fb_buf_puts(c, ";\n");
	}
	fb_buf_puts(c, "}\n\n");
	free(sym);
}

void gen_iso_import_table(const struct gen *g, const struct fb_module *m, const char *id)
{
	struct fb_buf *c = g->c;
	uint32_t ni = m->wasm.nimports;
	if (ni == 0)
		return;
	fb_buf_printf(c, "static const struct flue_w2c_import %s_imports[%u] = {\n", id,
		      (unsigned)ni);
	for (uint32_t i = 0; i < ni; i++) {
		if (m->wasm.imports[i].kind != WASM_EXTERN_FUNC) { /* a ring memory */
			fb_buf_puts(c, "\t{ 0, 0u }, /* not a function: the gate refuses it */\n");
			continue;
		}
		const struct wasm_functype *ft = &m->wasm.types[m->wasm.imports[i].type];
		fb_buf_printf(c, "\t{ %s_i%u_call, %uu },\n", id, (unsigned)i,
			      (unsigned)(ft->nparams > 0 ? ft->nparams : 1u));
	}
	fb_buf_puts(c, "};\n\n");
}

/* ------------------------------------------------------------- exports */

/* Thunk (unprivileged) and wrapper (privileged) of function export j. */
static void export_pair(const struct gen *g, const struct fb_module *m, uint32_t j,
			const char *id)
{
	const struct wasm_export *ex = &m->wasm.exports[j];
	const struct wasm_functype *ft = wasm_func_type(&m->wasm, ex->index);
	struct fb_buf *c = g->c;
	char *sym = fb_gen_export_symbol(g->p, m, j);
	struct fb_buf call = { 0 };
	fb_buf_printf(&call, "%s((Z_%s_instance_t *)(uintptr_t)w", sym, id);
	gen_from_flat_args(ft, "a", &call);
	fb_buf_puts(&call, ")");
	fb_buf_printf(c, "/* export '%s': guest thunk, privileged wrapper */\n"
		      "static uint32_t %s_t%u(uint32_t w, uint32_t area, uint32_t u2, uint32_t u3)\n{\n"
		      "\tflue_flat_t *a = (flue_flat_t *)(uintptr_t)area;\n\t(void)u2;\n\t(void)u3;\n\t%s",
		      ex->name, id, (unsigned)j,
		      ft->nparams == 0 && ft->nresults == 0 ? "(void)a; /* () -> () */\n\t" : "");
	if (ft->nresults > 0) {
		fb_buf_puts(c, "a[0] = ");
		gen_to_flat(ft->results[0], call.data, c);
	} else {
		fb_buf_puts(c, call.data);
	}
	fb_buf_printf(c, ";\n\treturn 0u;\n}\n\n__attribute__((unused)) static %s %s_x%u(struct %s_inst *self",
		      ft->nresults ? gen_core_c(ft->results[0]) : "void", id, (unsigned)j, id);
	for (uint32_t k = 0; k < ft->nparams; k++)
		fb_buf_printf(c, ", %s p%u", gen_core_c(ft->params[k]), (unsigned)k);
	fb_buf_puts(c, ")\n{\n\tflue_flat_t *a = self->gd->area;\n");
	for (uint32_t k = 0; k < ft->nparams; k++) {
		char p[16];
		snprintf(p, sizeof p, "p%u", (unsigned)k);
		fb_buf_printf(c, "\ta[%u] = ", (unsigned)k);
		gen_to_flat(ft->params[k], p, c);
		fb_buf_puts(c, ";\n");
	}
	fb_buf_printf(c, "\tflue_w2c_guest(&self->g, %s_t%u, (uint32_t)(uintptr_t)&self->gd->w, "
		      "(uint32_t)(uintptr_t)a);\n", id, (unsigned)j);
	if (ft->nresults > 0) {
		fb_buf_puts(c, "\treturn ");
		gen_from_flat(ft->results[0], "a[0]", c);
		fb_buf_puts(c, ";\n");
	}
	fb_buf_puts(c, "}\n\n");
	fb_buf_free(&call);
	free(sym);
}

void gen_iso_exports(const struct gen *g, const struct fb_module *m, const char *id)
{
	for (uint32_t j = 0; j < m->wasm.nexports; j++)
		if (m->wasm.exports[j].kind == WASM_EXTERN_FUNC)
			export_pair(g, m, j, id);
}

/* ------------------------------------------------------------ storage */

/* The guests' read-only block (wasm2c's func_types of every module) and
 * the code region (the board's linker script names it). */
void gen_iso_storage(const struct gen *g)
{
	uint32_t words = 0;
	for (uint32_t i = 0; i < g->p->nmodules; i++)
		words += g->p->modules[i].guest_ro_words;
	uint32_t bytes = gen_pow2_at_least(4u * (words > 0 ? words : 1u));
	fb_buf_printf(g->c, "/* --isolate: the modules' func_types, read-only to every guest. */\n"
		      "u32 flue_guest_ro[%uu] __attribute__((aligned(%u)));\n"
		      "/* The code memory, from the board's linker script. */\n"
		      "extern const uint8_t __flash_start__[], __flash_size__[];\n\n",
		      (unsigned)(bytes / 4u), (unsigned)bytes);
}

/* In instantiate_<inst>(), after instantiation: the runtime's own view of
 * its memory, its import table and its domain. */
void gen_iso_instantiate(const struct gen *g, const struct fb_module *m, const char *id,
			 const char *inst, bool memory)
{
	struct fb_buf *c = g->c;
	if (memory)
		fb_buf_printf(c, "\tself->g.memory = mem;\n\tself->g.mem_data = mem->data;\n"
			      "\tself->g.mem_pages = (uint32_t)mem->pages;\n"
			      "\tself->g.mem_size = (uint32_t)mem->size;\n"
			      "\tself->g.mem_max_pages = (uint32_t)mem->max_pages;\n"
			      "\tflue_instance_set_memory32(self->g.inst, &self->g.mem_data, "
			      "&self->g.mem_size);\n");
	if (m->wasm.nimports > 0)
		fb_buf_printf(c, "\tself->g.imports = %s_imports;\n\tself->g.nimports = %uu;\n", id,
			      (unsigned)m->wasm.nimports);
	struct fb_buf rings = { 0 };
	gen_ring_layout(g, inst, &rings);
	char mem[160], size[160];
	snprintf(mem, sizeof mem, "%s", memory ? "(uintptr_t)mem->data" : "0");
	snprintf(size, sizeof size, memory ? "(uint32_t)sizeof %s_memory" : "0", inst);
	/* Static: the glue keeps a pointer to it (a ring window rebuilds the
	 * domain later, flue_w2c_ring_window()). */
	fb_buf_printf(c, "\t{\n\t\tstatic struct flue_w2c_layout l;\n\t\tl = (struct flue_w2c_layout){\n"
		      "\t\t\t.code = (uintptr_t)__flash_start__,\n"
		      "\t\t\t.code_size = (uint32_t)(uintptr_t)__flash_size__,\n"
		      "\t\t\t.block = (uintptr_t)self->gd, .block_size = (uint32_t)sizeof %s_blocks[0],\n"
		      "\t\t\t.memory = %s, .memory_size = %s,\n"
		      "\t\t\t.ro = (uintptr_t)flue_guest_ro, .ro_size = (uint32_t)sizeof flue_guest_ro,\n"
		      "\t\t\t.stack_lo = (uintptr_t)self->gd->stack,\n"
		      "\t\t\t.stack_hi = (uintptr_t)self->gd->stack + sizeof self->gd->stack,\n"
		      "\t\t\t.nstacks = (uint32_t)(sizeof self->dom / sizeof self->dom[0]),\n"
		      "%s\t\t};\n\t\tflue_wasm_rt_static_guest_rw(&l.rw, &l.rw_size);\n"
		      "\t\trc = flue_w2c_isolate(&self->g, self->dom, self->prog, &l);\n"
		      "\t\tif (rc != 0)\n\t\t\treturn glue_fail(rc, \"building the MPU domain of\", "
		      "\"%s\");\n\t}\n", id, mem, size, rings.data != NULL ? rings.data : "", inst);
	fb_buf_free(&rings);
}
