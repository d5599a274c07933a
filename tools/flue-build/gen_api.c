/*
 * The typed host interface (`<prog>.h` and its code in the glue): C types
 * per WIT type that crosses, one C function per export the host calls
 * (arguments as C values, a typed result callback), one prototype per host
 * function the program implements, and the program's init function.
 *
 * Shapes are chosen so that later value kinds slot in unchanged: a record
 * is a struct, a stream/future end a struct holding the host's handle, a
 * result arrives by `const T *` (NULL: no value), so strings and lists
 * can become view structs the same way.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_hval.h"

static void func_named(const struct gen *g, const struct wit_func *f)
{
	bool graph = fb_func_is_graph(f);
	for (uint32_t i = 0; i < f->nparams; i++)
		(graph ? gen_named_deep : gen_named_flat)(g, f->params[i].type);
	if (f->result != NULL)
		(graph ? gen_named_deep : gen_named_flat)(g, f->result);
}

static const struct wit_func *binding_func(const struct fb_plan *p, const struct fb_binding *b)
{
	return p->insts[b->inst].mod->lifts[b->lift].func;
}

static char *upper(const char *s)
{
	char *u = fb_strdup(s);
	for (char *c = u; *c != '\0'; c++)
		*c = (char)toupper((unsigned char)*c);
	return u;
}

void gen_api_types(const struct gen *g)
{
	struct fb_buf *h = g->h;
	for (uint32_t i = 0; i < g->p->nbindings; i++)
		func_named(g, binding_func(g->p, &g->p->bindings[i]));
	for (uint32_t i = 0; i < g->p->nhostfns; i++)
		func_named(g, g->p->hostfns[i].func);
	char *up = upper(g->p->name);
	fb_buf_puts(h, "/* Stream/future element types: their ids in the program's store. */\n");
	for (uint32_t i = 0; i < g->p->nelems; i++) {
		char *e = upper(g->p->elems[i].c_name);
		fb_buf_printf(h, "#define %s_ELEM_%s %uu\n", up, e, (unsigned)i + 1u);
		free(e);
	}
	fb_buf_puts(h, "\n/* Stream and future ends held by the host: handles in the program's host\n"
		    " * instance (<prog>_host()), for flue/host.h's calls. */\n");
	for (uint32_t i = 0; i < g->p->nelems; i++) /* graph-typed: if at the host edge */
		if (i < g->p->nflat_elems || gen_hend_elem(g->p, i))
			fb_buf_printf(h, "typedef struct { uint32_t handle; } %s_stream_%s_t;\n"
			      "typedef struct { uint32_t handle; } %s_future_%s_t;\n", g->p->name,
			      g->p->elems[i].c_name, g->p->name, g->p->elems[i].c_name);
	gen_hend_named(g);
	gen_ctype_typedefs(g);
	free(up);
}

/* ------------------------------------------------------------- bindings */

/* `<c-name>_resolve`: the call's values as C, to the program's `done`. */
static void binding_resolve(const struct gen *g, const char *name, const struct wit_func *f,
			    const char *rt)
{
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "static void %s_resolve(void *user, const struct flue_values *r)\n{\n"
		      "\tstruct pending *p = user;\n\t%s_done_t done = (%s_done_t)p->done;\n"
		      "\tvoid *u = p->user;\n\tp->used = false;\n\tif (done == 0)\n\t\treturn;\n",
		      name, name, name);
	if (f->result != NULL) {
		uint32_t k = 0;
		fb_buf_printf(c, "\tif (r == 0) {\n\t\tdone(u, 0);\n\t\treturn;\n\t}\n\t%s v;\n", rt);
		gen_from_values(g, f->result, "v", "r->v", &k, c);
		fb_buf_puts(c, "\tdone(u, &v);\n}\n\n");
	} else {
		fb_buf_puts(c, "\tdone(u, r == 0 ? 0 : (const void *)r);\n}\n\n");
	}
}

static void binding(const struct gen *g, uint32_t n)
{
	const struct fb_binding *bd = &g->p->bindings[n];
	const struct fb_inst *in = &g->p->insts[bd->inst];
	const struct fb_lift *l = &in->mod->lifts[bd->lift];
	const struct wit_func *f = l->func;
	struct fb_buf *h = g->h, *c = g->c, sig = { 0 }, rt = { 0 };
	gen_wit_signature(f, &sig);
	if (f->result != NULL)
		gen_ctype(g, f->result, &rt);
	fb_buf_printf(h, "\n/**\n * Result of %s(): runs on the executor thread when the call "
		      "resolves;\n * `result` is NULL when it ended without a value (cancelled, or "
		      "the\n * instance trapped).\n */\ntypedef void (*%s_done_t)(void *user, const %s "
		      "*result);\n\n/**\n * @brief Call export '%s' of instance '%s': %s.\n"
		      " *        Runs its guest code until it first blocks, then returns; the rest\n"
		      " *        runs in %s_run(). Streams and futures are handles of the host instance.\n"
		      " * @retval 0 and `*call` (may be NULL) for flue_invoke_cancel()\n"
		      " * @retval FLUE_ENOMEM no free call record (FLUE_CONFIG_MAX_TASKS in flight)\n"
		      " * @retval FLUE_EINVAL not initialised\n * Context: executor thread.\n */\n",
		      bd->c_name, bd->c_name, f->result != NULL ? rt.data : "void", l->key, in->name,
		      sig.data, g->p->name);
	struct fb_buf proto = { 0 };
	fb_buf_printf(&proto, "int %s(", bd->c_name);
	if (f->nparams > 0) {
		gen_c_params(g, f, &proto, true);
		fb_buf_puts(&proto, ", ");
	}
	fb_buf_printf(&proto, "%s_done_t done, void *user, flue_call_t *call)", bd->c_name);
	fb_buf_printf(h, "%s;\n", proto.data);

	char *id = gen_mod(g, in->mod);
	binding_resolve(g, bd->c_name, f, rt.data);
	fb_buf_printf(c, "%s\n{\n\tstruct pending *glue_p = pending_alloc();\n\tif (glue_p == 0)\n"
		      "\t\treturn host == 0 ? FLUE_EINVAL : FLUE_ENOMEM;\n", proto.data);
	uint32_t k = 0;
	for (uint32_t i = 0; i < f->nparams; i++) {
		char *s = gen_param_name(f->params[i].name);
		gen_to_values(g, f->params[i].type, s, "glue_p->args.v", &k, c);
		free(s);
	}
	fb_buf_printf(c, "\tglue_p->args.n = %u;\n\tglue_p->done = (void (*)(void))done;\n"
		      "\tglue_p->user = user;\n\tflue_call_t glue_id;\n"
		      "\tint glue_rc = flue_invoke(&%s_insts[%u].lift[%u], host, pending_start, "
		      "%s_resolve, glue_p,\n\t\t\t\t  &glue_id);\n\tif (glue_rc != 0) {\n"
		      "\t\tglue_p->used = false;\n\t\treturn glue_rc;\n\t}\n\tif (call != 0)\n"
		      "\t\t*call = glue_id;\n\treturn 0;\n}\n\n",
		      (unsigned)k, id, (unsigned)gen_inst_slot(g->p, bd->inst), (unsigned)bd->lift,
		      bd->c_name);
	free(id);
	fb_buf_free(&proto);
	fb_buf_free(&sig);
	fb_buf_free(&rt);
}

/* --------------------------------------------------------- host functions */

/* The prototype the program implements (and, for an async func, the
 * _return function it calls). */
static void hostfn_decl(const struct gen *g, const struct fb_hostfn *hf, const char *sig,
			const char *rt)
{
	const struct wit_func *f = hf->func;
	struct fb_buf *h = g->h;
	if (!f->async) {
		fb_buf_printf(h, "\n/**\n * @brief Host function for '%s': %s.\n * Implemented by the "
			      "program; called on the executor thread when a guest\n * calls it, "
			      "its return value is the call's result at once.\n */\n%s %s(",
			      hf->key, sig, f->result != NULL ? rt : "void", hf->c_name);
		gen_c_params(g, f, h, true);
		fb_buf_puts(h, ");\n");
		return;
	}
	fb_buf_printf(h, "\n/**\n * @brief Host function for '%s': %s.\n * Implemented by the "
		      "program; called on the executor thread when a guest\n * calls it. "
		      "Resolve `call` then or later with %s_return().\n */\nvoid %s("
		      "flue_call_t call", hf->key, sig, hf->c_name, hf->c_name);
	gen_c_params(g, f, h, false);
	fb_buf_printf(h, ");\n\n/** @brief Resolve host call `call` of %s() (executor "
		      "thread).\n * @retval 0, FLUE_EBADF (not a pending call), FLUE_EINVAL "
		      "(bad end handle) */\nint %s_return(flue_call_t call%s%s%s);\n",
		      hf->c_name, hf->c_name, f->result != NULL ? ", " : "",
		      f->result != NULL ? rt : "", f->result != NULL ? " result" : "");
}

/* The host function's start: its arguments as C values (locals arg_<p>),
 * the comma-separated list of them into `args`. */
static void hostfn_args(const struct gen *g, const struct wit_func *f, struct fb_buf *args)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < f->nparams; i++) {
		char *s = fb_snake(f->params[i].name);
		struct fb_buf lv = { 0 };
		fb_buf_printf(&lv, "arg_%s", s);
		fb_buf_puts(g->c, "\t");
		gen_ctype(g, f->params[i].type, g->c);
		fb_buf_printf(g->c, " %s;\n", lv.data);
		gen_from_values(g, f->params[i].type, lv.data, "a->v", &k, g->c);
		fb_buf_printf(args, "%s%s", i ? ", " : "", lv.data);
		fb_buf_free(&lv);
		free(s);
	}
}

static void hostfn_code(const struct gen *g, uint32_t n, const char *rt)
{
	const struct fb_hostfn *hf = &g->p->hostfns[n];
	const struct wit_func *f = hf->func;
	struct fb_buf *c = g->c, args = { 0 };
	uint32_t kr = 0;
	fb_buf_printf(c, "static void hostfn%u_start(void *user, flue_call_t call, "
		      "const struct flue_values *a)\n{\n\t(void)user;\n", (unsigned)n);
	hostfn_args(g, f, &args);
	const char *list = args.data != NULL ? args.data : "";
	if (f->async) {
		fb_buf_printf(c, "\t%s(call%s%s);\n}\n\n", hf->c_name, f->nparams ? ", " : "", list);
		fb_buf_printf(c, "int %s_return(flue_call_t call%s%s%s)\n{\n"
			      "\tstruct flue_values v;\n", hf->c_name, f->result != NULL ? ", " : "",
			      f->result != NULL ? rt : "", f->result != NULL ? " result" : "");
		if (f->result != NULL)
			gen_to_values(g, f->result, "result", "v.v", &kr, c);
		fb_buf_printf(c, "\tv.n = %u;\n\treturn flue_host_return(&store, call, &v);\n}\n\n",
			      (unsigned)kr);
	} else {
		fb_buf_puts(c, "\tstruct flue_values v;\n\t");
		if (f->result != NULL)
			fb_buf_printf(c, "%s result = ", rt);
		fb_buf_printf(c, "%s(%s);\n", hf->c_name, list);
		if (f->result != NULL)
			gen_to_values(g, f->result, "result", "v.v", &kr, c);
		fb_buf_printf(c, "\tv.n = %u;\n\tif (flue_host_return(&store, call, &v) != 0 && "
			      "glue_print != 0)\n\t\tglue_print(\"flue: %s returned an end the "
			      "host does not hold\\n\");\n}\n\n", (unsigned)kr, hf->c_name);
	}
	fb_buf_free(&args);
}

static void hostfn(const struct gen *g, uint32_t n)
{
	const struct fb_hostfn *hf = &g->p->hostfns[n];
	struct fb_buf sig = { 0 }, rt = { 0 }, tn = { 0 };
	gen_wit_signature(hf->func, &sig);
	if (hf->func->result != NULL)
		gen_ctype(g, hf->func->result, &rt);
	fb_buf_printf(&tn, "hostfn%u_type", (unsigned)n);
	gen_functype(g, hf->func, tn.data);
	hostfn_decl(g, hf, sig.data, rt.data != NULL ? rt.data : "");
	hostfn_code(g, n, rt.data != NULL ? rt.data : "");
	fb_buf_free(&sig);
	fb_buf_free(&rt);
	fb_buf_free(&tn);
}

/* ------------------------------------------------------------ the header */

static void header_open(const struct gen *g)
{
	char *up = upper(g->p->name);
	fb_buf_printf(g->h, "/**\n * @file %s.h\n * @brief The host interface of program '%s', "
		      "generated by flue-build from\n *        %s. Do not edit.\n *\n"
		      " * Call %s_init() once, then the exports below, and drive the executor\n"
		      " * with %s_run() (or flue_run() / flue_run_until_idle() on %s_store()).\n"
		      " * Everything here runs on the executor thread.\n */\n#ifndef %s_H\n"
		      "#define %s_H\n\n#include <stdbool.h>\n#include <stdint.h>\n\n"
		      "#include <flue/exec.h>\n#include <flue/host.h>\n%s%s\n", g->p->name, g->p->name,
		      strrchr(g->p->comp.path, '/') != NULL ? strrchr(g->p->comp.path, '/') + 1 :
		      g->p->comp.path, g->p->name, g->p->name, g->p->name, up, up,
		      gen_hval_any(g->p) ? "#include <flue/hval.h>\n" : "",
		      g->p->comp.nrings > 0 ? "#include <flue/ring.h>\n" : "");
	gen_api_types(g);
	fb_buf_printf(g->h, "\n/**\n * @brief Create the store and every instance, run their "
		      "start functions and\n *        `_initialize`, lift, lower and wire them. "
		      "Traps are reported through\n *        `print` (NULL: not printed; "
		      "flue_w2c_last_trap() still tells).\n * @retval 0 @retval a FLUE_E* code "
		      "(also printed) if an instance could not be\n *         created or trapped "
		      "while starting\n */\nint %s_init(int (*print)(const char *fmt, ...));\n\n"
		      "/** @brief The program's store (for flue/exec.h and flue/host.h). */\n"
		      "struct flue_store *%s_store(void);\n\n/** @brief The host instance: "
		      "stream/future ends the host holds live here. */\nstruct flue_instance "
		      "*%s_host(void);\n\n/** @brief The host instance's arena (host-end buffers "
		      "must lie in it). */\nuint8_t *%s_host_arena(uint32_t *size);\n\n"
		      "/** @brief flue_run() on the program's store. */\nint %s_run(void);\n\n"
		      "/**\n * @brief Restart instance `inst` in place (after a trap, or any time):\n"
		      " *        tear it down (its tasks resolve without a value, its ends drop;\n"
		      " *        if it lifts stackful, the store runs once so that its fibers\n"
		      " *        unwind, and other tasks go on meanwhile),\n"
		      " *        instantiate it again in the same storage (memory, globals and\n"
		      " *        data segments as at the start), rerun `_initialize`, lift its\n"
		      " *        exports into the same records (callers' imports reach the new\n"
		      " *        instance) and wire its imports again.\n"
		      " * Context: executor thread, outside guest code.\n"
		      " * @retval 0 @retval FLUE_EINVAL not one of the program's instances\n%s"
		      " * @retval a FLUE_E* code (also printed) if it could not start again\n */\n"
		      "int %s_restart(struct flue_instance *inst);\n",
		      g->p->name, g->p->name, g->p->name, g->p->name, g->p->name,
		      g->p->nrtypes > 0 ? " * @retval FLUE_ENOTSUP it implements resource types "
		      "(left running: the\n *         library's registration of a type names "
		      "the instance it was\n *         registered with)\n" : "", g->p->name);
	for (uint32_t i = 0; i < g->p->ninsts; i++)
		fb_buf_printf(g->h, "\n/** @brief Instance '%s' (its flue instance). */\n"
			      "struct flue_instance *%s_instance_%s(void);\n", g->p->insts[i].name,
			      g->p->name, g->p->insts[i].name);
	free(up);
}

static void api_support(const struct gen *g)
{
	fb_buf_puts(g->c, "/* ======================================================== host "
		    "interface */\n\n");
	/* Only calls of exports need them (unused statics fail -Werror). */
	if (g->p->nbindings > 0)
		fb_buf_puts(g->c, "/* Calls in flight from the host: arguments wait here until "
			    "the call starts\n * (it may be held at the callee's entry gate). */\n"
			    "struct pending {\n\tbool used;\n\tstruct flue_values args;\n"
			    "\tvoid (*done)(void);\n\tvoid *user;\n};\n\nstatic struct pending "
			    "pendings[FLUE_CONFIG_MAX_TASKS];\n\nstatic struct pending *pending_alloc(void)\n"
			    "{\n\tfor (uint32_t i = 0; host != 0 && i < FLUE_CONFIG_MAX_TASKS; i++) {\n"
			    "\t\tif (!pendings[i].used) {\n\t\t\tpendings[i].used = true;\n"
			    "\t\t\treturn &pendings[i];\n\t\t}\n\t}\n\treturn 0;\n}\n\n"
			    "static void pending_start(void *user, struct flue_values *args)\n{\n"
			    "\tconst struct pending *p = user;\n\t*args = p->args;\n}\n\n");
	fb_buf_printf(g->c, "struct flue_store *%s_store(void)\n{\n\treturn &store;\n}\n\n"
		      "struct flue_instance *%s_host(void)\n{\n\treturn host;\n}\n\n"
		      "uint8_t *%s_host_arena(uint32_t *size)\n{\n\tif (size != 0)\n"
		      "\t\t*size = %s;\n\treturn host_arena;\n}\n\n"
		      "int %s_run(void)\n{\n\treturn flue_run(&store);\n}\n\n", g->p->name,
		      g->p->name, g->p->name, gen_hval_any(g->p) ? "GLUE_VBASE /* then the value "
		      "area */" : "(uint32_t)sizeof host_arena", g->p->name);
	for (uint32_t i = 0; i < g->p->ninsts; i++) {
		char *id = gen_mod(g, g->p->insts[i].mod);
		fb_buf_printf(g->c, "struct flue_instance *%s_instance_%s(void)\n{\n"
			      "\treturn %s_insts[%u].g.inst;\n}\n\n", g->p->name, g->p->insts[i].name,
			      id, (unsigned)gen_inst_slot(g->p, i));
		free(id);
	}
}

void gen_init(const struct gen *g);

void gen_api(const struct gen *g)
{
	header_open(g);
	if (gen_hval_any(g->p)) { /* GLUE_VBASE, before <prog>_host_arena() */
		gen_hval_support_areas(g);
		if (gen_hend_any(g->p))
			gen_hend_support(g);
		gen_hval_support(g);
	}
	api_support(g);
	gen_ring_api(g);
	if (gen_hval_any(g->p))
		gen_hval_convs(g);
	gen_hend_api(g);
	for (uint32_t i = 0; i < g->p->nbindings; i++) {
		const struct fb_binding *bd = &g->p->bindings[i];
		if (fb_func_is_graph(binding_func(g->p, bd)))
			gen_hbind_binding(g, i);
		else
			binding(g, i);
	}
	if (g->p->nhostfns > 0)
		fb_buf_printf(g->c, "static struct flue_func host_funcs[%u];\n\n",
			      (unsigned)g->p->nhostfns);
	for (uint32_t i = 0; i < g->p->nhostfns; i++) {
		if (fb_func_is_graph(g->p->hostfns[i].func))
			gen_hbind_hostfn(g, i);
		else
			hostfn(g, i);
	}
	gen_res_api(g);
	gen_init(g);
	char *up = upper(g->p->name);
	fb_buf_printf(g->h, "\n#endif /* %s_H */\n", up);
	free(up);
	gen_named_free();
}
