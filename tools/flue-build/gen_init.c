/*
 * The program's init function (`<prog>_init`): the store, element types,
 * the host instance, every instance (instantiated as guest code, so a trap
 * in a start function is reported, not fatal), lifts, host functions,
 * lowers, `_initialize`. On Cortex-M targets also the static storage the
 * freestanding wasm2c runtime hands out: linear memories, tables and the
 * function-type list, sized here from the modules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_hval.h"

void gen_init(const struct gen *g);

static bool on_target(const struct gen *g)
{
	return g->p->target != FB_TARGET_HOST;
}

/* Static storage of the freestanding runtime (targets). */
static void target_storage(const struct gen *g)
{
	struct fb_buf *c = g->c;
	uint32_t types = 0, words = 0;
	for (uint32_t i = 0; i < g->p->nmodules; i++) {
		const struct wasm_module *w = &g->p->modules[i].wasm;
		types += w->ntypes;
		for (uint32_t k = 0; k < w->ntypes; k++)
			words += w->types[k].nparams + w->types[k].nresults;
	}
	fb_buf_printf(c, "/* ======================================================== static "
		      "storage\n * What the freestanding wasm2c runtime hands out (sized from the "
		      "modules). */\nstatic struct flue_wasm_rt_functype rt_types[%u];\n"
		      "static wasm_rt_type_t rt_words[%u];\n", (unsigned)(types > 0 ? types : 1u),
		      (unsigned)(words > 0 ? words : 1u));
	for (uint32_t n = 0; n < g->p->ninsts; n++) {
		const struct fb_inst *in = &g->p->insts[n];
		if (in->mod->wasm.nmemories > 0 && g->o->isolate) /* one region: a power of two */
			fb_buf_printf(c, "static uint8_t %s_memory[%uu]\n\t__attribute__((aligned(%u), "
				      "section(\".bss.flue_memory.%s\")));\n", in->name,
				      (unsigned)gen_iso_memory_bytes(in->memory_pages),
				      (unsigned)gen_iso_memory_bytes(in->memory_pages), in->name);
		else if (in->mod->wasm.nmemories > 0)
			fb_buf_printf(c, "static uint8_t %s_memory[%uu * 65536u]\n\t__attribute__((aligned(16), "
				      "section(\".bss.flue_memory.%s\")));\n", in->name,
				      (unsigned)in->memory_pages, in->name);
		uint32_t t = gen_table_capacity(in->mod);
		if (t > 0 && !g->o->isolate) /* isolated: in its guest block */
			fb_buf_printf(c, "static wasm_rt_funcref_t %s_table[%u];\n", in->name,
				      (unsigned)t);
	}
	if (gen_fiber_stacks(g) > 0)
		fb_buf_printf(c, "/* Fiber stacks (stackful lifts, host functions): flue-build "
			      "--stacks, --stack-bytes. */\nstatic uint64_t fiber_stacks[%uu][%uu]\n"
			      "\t__attribute__((aligned(FLUE_PORT_CORTEXM_STACK_ALIGN)));\n",
			      (unsigned)gen_fiber_stacks(g), (unsigned)(g->o->stack_bytes / 8u));
	fb_buf_puts(c, "\n");
	if (g->o->isolate)
		gen_iso_storage(g);
}

static void lift_call(const struct gen *g, const struct fb_module *m, uint32_t k, const char *id)
{
	const struct fb_lift *l = &m->lifts[k];
	static const char *const kinds[] = { "FLUE_LIFT_SYNC", "FLUE_LIFT_CALLBACK",
					     "FLUE_LIFT_STACKFUL" };
	fb_buf_printf(g->c, "\t{\n\t\tstruct flue_lift_opts o = {\n\t\t\t.kind = %s,\n"
		      "\t\t\t.core = %s_lift%u_core,\n", kinds[l->kind], id, (unsigned)k);
	if (l->callback >= 0)
		fb_buf_printf(g->c, "\t\t\t.callback = %s_lift%u_callback,\n", id, (unsigned)k);
	if (m->realloc >= 0)
		fb_buf_printf(g->c, "\t\t\t.realloc = %s_realloc,\n", id);
	if (l->post_return >= 0)
		fb_buf_printf(g->c, "\t\t\t.post_return = %s_lift%u_post,\n", id, (unsigned)k);
	if (fb_func_is_graph(l->func)) /* gen_graph.c: UTF-8 at both ends */
		fb_buf_puts(g->c, "\t\t\t.string_encoding = FLUE_STRING_UTF8,\n");
	fb_buf_printf(g->c, "\t\t\t.user = self,\n\t\t};\n\t\trc = flue_lift(&self->lift[%u], "
		      "self->g.inst, &%s_lift%u_type, &o);\n\t\tif (rc != 0)\n\t\t\treturn "
		      "glue_fail(rc, \"lifting '%s' of\", self->g.name);\n\t}\n", (unsigned)k, id,
		      (unsigned)k, l->key);
}

static void instantiate_fn(const struct gen *g, uint32_t n)
{
	const struct fb_inst *in = &g->p->insts[n];
	const struct fb_module *m = in->mod;
	char *id = gen_mod(g, m);
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "static int instantiate_%s(void)\n{\n\tstruct %s_inst *self = &%s_insts[%u];\n"
		      "\tint rc = flue_instance_create(&store, &self->g.inst);\n\tif (rc != 0)\n"
		      "\t\treturn glue_fail(rc, \"creating\", \"%s\");\n\tself->g.name = \"%s\";\n",
		      in->name, id, id, (unsigned)gen_inst_slot(g->p, n), in->name, in->name);
	if (g->o->isolate)
		fb_buf_printf(c, "\tself->gd = &%s_blocks[%u].g;\n", id, (unsigned)gen_inst_slot(g->p, n));
	if (m->wasm.nimports > 0)
		fb_buf_printf(c, "\tself->g.env = &self->%s;\n", g->o->isolate ? "gd->env" : "env");
	fb_buf_puts(c, "\t(void)flue_w2c_register(&self->g);\n");
	if (on_target(g)) {
		if (m->wasm.nmemories > 0)
			fb_buf_printf(c, "\tflue_wasm_rt_static_provide_memory(%s_memory, %uu);\n",
				      in->name, (unsigned)in->memory_pages);
		if (gen_table_capacity(m) > 0 && g->o->isolate)
			fb_buf_printf(c, "\tflue_wasm_rt_static_provide_table(self->gd->table, %uu);\n",
				      (unsigned)gen_table_capacity(m));
		else if (gen_table_capacity(m) > 0)
			fb_buf_printf(c, "\tflue_wasm_rt_static_provide_table(%s_table, %uu);\n",
				      in->name, (unsigned)gen_table_capacity(m));
	}
	fb_buf_printf(c, "\tif (flue_port_try(%s_instantiate_entry, self) != 0)\n"
		      "\t\treturn glue_fail(FLUE_ECANCELED, \"instantiating (it trapped)\", "
		      "\"%s\");\n", id, in->name);
	if (on_target(g))
		fb_buf_printf(c, "\tif (flue_wasm_rt_static_failed())\n\t\treturn glue_fail(FLUE_ENOMEM, "
			      "\"finding static storage for\", \"%s\");\n", in->name);
	if (m->memory >= 0) {
		char *sym = fb_gen_export_symbol(g->p, m, (uint32_t)m->memory);
		if (g->o->isolate)
			fb_buf_printf(c, "\twasm_rt_memory_t *mem = %s(&self->gd->w);\n", sym);
		else
			fb_buf_printf(c, "\twasm_rt_memory_t *mem = %s(&self->w);\n"
				      "\tflue_instance_set_memory32(self->g.inst, &mem->data, "
				      "&mem->size);\n", sym);
		free(sym);
	}
	if (g->o->isolate)
		gen_iso_instantiate(g, m, id, in->name, m->memory >= 0);
	if (g->p->nrtypes > 0) { /* the other lifts after the resource types (gen_res.c) */
		gen_res_lift_dtors(g, n, id);
		fb_buf_printf(c, "\treturn 0;\n}\n\nstatic int lift_%s(void)\n{\n"
			      "\tstruct %s_inst *self = &%s_insts[%u];\n\tint rc = 0;\n", in->name,
			      id, id, (unsigned)gen_inst_slot(g->p, n));
	}
	for (uint32_t k = 0; k < m->nlifts; k++)
		lift_call(g, m, k, id);
	fb_buf_puts(c, g->p->nrtypes > 0 ? "\t(void)self;\n\treturn rc;\n}\n\n" :
		    "\treturn 0;\n}\n\n");
	free(id);
}

static void wire_fn(const struct gen *g, uint32_t n)
{
	const struct fb_inst *in = &g->p->insts[n];
	const struct fb_module *m = in->mod;
	char *id = gen_mod(g, m);
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "static int wire_%s(void)\n{\n\tstruct %s_inst *self = &%s_insts[%u];\n"
		      "\tint rc = 0;\n", in->name, id, id, (unsigned)gen_inst_slot(g->p, n));
	for (uint32_t i = 0; i < m->wasm.nimports; i++) {
		const struct fb_wire *w = &in->wires[i];
		if (m->imports[i].kind != FB_IMP_FUNC)
			continue;
		fb_buf_printf(c, "\t/* '%s' %s */\n", m->imports[i].key,
			      m->imports[i].async ? "(async)" : "(sync)");
		if (w->kind == FB_WIRE_HOST) {
			fb_buf_printf(c, "\trc = rc != 0 ? rc : flue_lower(&self->low[%u], "
				      "&host_funcs[%u], self->g.inst, %s);\n", (unsigned)i,
				      (unsigned)w->hostfn, m->imports[i].async ? "true" : "false");
			gen_graph_lowered(g, m, i, id); /* its results' realloc */
		} else {
			char *tid = gen_mod(g, g->p->insts[w->inst].mod);
			fb_buf_printf(c, "\trc = rc != 0 ? rc : flue_lower(&self->low[%u], "
				      "&%s_insts[%u].lift[%u], self->g.inst, %s); /* %s */\n",
				      (unsigned)i, tid, (unsigned)gen_inst_slot(g->p, w->inst),
				      (unsigned)w->lift, m->imports[i].async ? "true" : "false",
				      g->p->insts[w->inst].name);
			free(tid);
			gen_graph_lowered(g, m, i, id);
		}
	}
	fb_buf_printf(c, "\tif (rc != 0)\n\t\treturn glue_fail(rc, \"wiring\", \"%s\");\n", in->name);
	if (m->initialize >= 0)
		fb_buf_printf(c, "\tif (flue_port_try(%s_initialize_entry, self) != 0)\n"
			      "\t\treturn glue_fail(FLUE_ECANCELED, \"running _initialize (it "
			      "trapped) of\", \"%s\");\n", id, in->name);
	fb_buf_puts(c, "\t(void)self;\n\treturn 0;\n}\n\n");
	free(id);
}

static void init_fn(const struct gen *g)
{
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "int %s_init(int (*print)(const char *fmt, ...))\n{\n\tint rc;\n"
		      "\tglue_print = print;\n\tflue_store_init(&store, 0, 0);\n"
		      "\tflue_exec_init(&store);\n\tflue_w2c_report_traps(&store, print);\n"
		      "\tflue_wasm_rt_set_trap_handler(flue_w2c_trap);\n"
		      "\twasm_rt_init();\n", g->p->name);
	if (g->o->isolate)
		fb_buf_puts(c, "\tif ((rc = flue_w2c_gate_install()) != 0)\n\t\treturn rc;\n"
			    "#if defined(__ARM_ARCH_8M_MAIN__)\n"
			    "\t(void)flue_port_mpu_set_mair(0xFFu, 0u); /* AttrIndx 0: normal memory */\n"
			    "#endif\n");
	if (on_target(g))
		fb_buf_puts(c, "\tflue_wasm_rt_static_init(rt_types, (uint32_t)(sizeof rt_types / "
			    "sizeof rt_types[0]), rt_words,\n\t\t\t\t (uint32_t)(sizeof rt_words / "
			    "sizeof rt_words[0]));\n");
	if (gen_fiber_stacks(g) > 0)
		fb_buf_printf(c, "\trc = flue_port_cortexm_give_stacks(fiber_stacks, %uu, %uu);\n"
			      "\tif (rc != 0)\n\t\treturn glue_fail(rc, \"giving fiber stacks to\", "
			      "\"%s\");\n", (unsigned)gen_fiber_stacks(g), (unsigned)g->o->stack_bytes,
			      g->p->name);
	if (g->p->nflat_elems > 0)
		fb_buf_printf(c, "\tfor (uint32_t i = 0; i < %uu; i++) {\n\t\tflue_type_t t = 0;\n"
			      "\t\trc = flue_type_register(&store, &elem_types[i], &t);\n"
			      "\t\tif (rc != 0 || t != i + 1u)\n\t\t\treturn glue_fail(rc != 0 ? rc : "
			      "FLUE_EINVAL, \"registering element types for\", \"%s\");\n\t}\n",
			      (unsigned)g->p->nflat_elems, g->p->name);
	gen_graph_register_elems(g);
	fb_buf_printf(c, "\trc = flue_host_create(&store, host_arena, sizeof host_arena, &host);\n"
		      "\tif (rc != 0)\n\t\treturn glue_fail(rc, \"creating the host instance of\", "
		      "\"%s\");\n", g->p->name);
	if (gen_hval_moves(g->p) || gen_hend_any(g->p)) /* moved values; typed reads */
		fb_buf_printf(c, "\trc = flue_host_set_realloc(host, %s, 0);\n\tif (rc != 0)\n"
			      "\t\treturn glue_fail(rc, \"giving an allocator to the host of\", "
			      "\"%s\");\n", gen_hend_any(g->p) ? "glue_ralloc" : "glue_ialloc",
			      g->p->name);
	for (uint32_t i = 0; i < g->p->nmodules; i++) {
		char *id = gen_mod(g, &g->p->modules[i]);
		fb_buf_printf(c, "\tZ_%s_init_module();\n", id);
		free(id);
	}
	if (g->p->comp.nrings > 0) /* before guest code: a start function may attach */
		fb_buf_puts(c, "\tif ((rc = rings_init()) != 0)\n\t\treturn rc;\n");
	for (uint32_t n = 0; n < g->p->ninsts; n++)
		fb_buf_printf(c, "\tif ((rc = instantiate_%s()) != 0)\n\t\treturn rc;\n",
			      g->p->insts[n].name);
	gen_res_register(g); /* then the lifts whose types name them */
	for (uint32_t n = 0; n < g->p->ninsts && g->p->nrtypes > 0; n++)
		fb_buf_printf(c, "\tif ((rc = lift_%s()) != 0)\n\t\treturn rc;\n",
			      g->p->insts[n].name);
	for (uint32_t n = 0; n < g->p->ninsts; n++) /* before `_initialize` (wire_*) */
		if (gen_ring_is_end(g, n))
			fb_buf_printf(c, "\tif ((rc = rings_connect_%s()) != 0)\n\t\treturn rc;\n",
				      g->p->insts[n].name);
	for (uint32_t h = 0; h < g->p->nhostfns; h++)
		fb_buf_printf(c, "\trc = flue_host_func(&host_funcs[%u], host, &hostfn%u_type, "
			      "hostfn%u_start, 0, 0);\n\tif (rc != 0)\n\t\treturn glue_fail(rc, "
			      "\"creating host function\", \"%s\");\n", (unsigned)h, (unsigned)h,
			      (unsigned)h, g->p->hostfns[h].c_name);
	for (uint32_t n = 0; n < g->p->ninsts; n++)
		fb_buf_printf(c, "\tif ((rc = wire_%s()) != 0)\n\t\treturn rc;\n", g->p->insts[n].name);
	fb_buf_puts(c, "\treturn 0;\n}\n");
}

/* <prog>_restart(): tear down, let the store unwind the old threads,
 * then the instance's own instantiate_ and wire_ again. */
static void restart_fn(const struct gen *g)
{
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "int %s_restart(struct flue_instance *inst)\n{\n\tint rc;\n"
		      "\tif (inst == 0)\n\t\treturn FLUE_EINVAL;\n", g->p->name);
	for (uint32_t n = 0; n < g->p->ninsts; n++) {
		const struct fb_inst *in = &g->p->insts[n];
		char *id = gen_mod(g, in->mod);
		/* Only on a fiber can code of the instance still sit (a stackful
		 * task of its own, or a call into it from another's stackful task
		 * or a host function on a fiber): then the store runs once so that
		 * it unwinds before the slot and its guest stacks are reused.
		 * Otherwise nothing runs: callers of the instance must not meet it
		 * half gone. */
		bool stackful = fb_module_stackful_lift(in->mod) != NULL || gen_fiber_stacks(g) > 0;
		fb_buf_printf(c, "\tif (inst == %s_insts[%u].g.inst) {\n", id,
			      (unsigned)gen_inst_slot(g->p, n));
		if (fb_plan_inst_rtypes(g->p, n) > 0) { /* its types would stay bound to the old one */
			fb_buf_puts(c, "\t\treturn FLUE_ENOTSUP; /* it implements resource types */\n\t}\n");
			free(id);
			continue;
		}
		fb_buf_printf(c, "\t\tflue_instance_destroy(inst);\n%s",
			      stackful ? "\t\t(void)flue_run(&store); /* its fibers unwind */\n" : "");
		/* The host's wasm2c runtime allocates memories and tables: give
		 * the old ones back (on the target they are static, reused). */
		if (!on_target(g))
			fb_buf_printf(c, "\t\tZ_%s_free(&%s_insts[%u].w);\n", id, id,
				      (unsigned)gen_inst_slot(g->p, n));
		fb_buf_printf(c, "\t\tif ((rc = instantiate_%s()) != 0)\n\t\t\treturn rc;\n",
			      in->name);
		if (g->p->nrtypes > 0)
			fb_buf_printf(c, "\t\tif ((rc = lift_%s()) != 0)\n\t\t\treturn rc;\n",
				      in->name);
		if (gen_ring_is_end(g, n)) /* its roles afresh, before its `_initialize` */
			fb_buf_printf(c, "\t\tif ((rc = rings_connect_%s()) != 0)\n\t\t\treturn rc;\n",
				      in->name);
		fb_buf_printf(c, "\t\treturn wire_%s();\n\t}\n", in->name);
		free(id);
	}
	fb_buf_puts(c, "\treturn FLUE_EINVAL;\n}\n\n");
}

void gen_init(const struct gen *g)
{
	struct fb_buf *c = g->c;
	fb_buf_puts(c, "/* ======================================================== init */\n\n"
		    "static int glue_fail(int rc, const char *what, const char *name)\n{\n"
		    "\tif (glue_print != 0)\n\t\tglue_print(\"flue: %s '%s' failed (%d)\\n\", what, "
		    "name, rc);\n\treturn rc;\n}\n\n");
	if (on_target(g))
		target_storage(g);
	gen_ring_init_fns(g);
	for (uint32_t n = 0; n < g->p->ninsts; n++)
		instantiate_fn(g, n);
	for (uint32_t n = 0; n < g->p->ninsts; n++)
		wire_fn(g, n);
	init_fn(g);
	restart_fn(g);
}
