/*
 * Graph-typed functions at the host edge: the typed binding of an export
 * the host calls (flue_invoke_vals) and the glue of a host function
 * (flue_host_params, flue_host_return_vals), over the conversions of
 * gen_hval.c.
 *
 * A graph-typed host function always resolves through `<c-name>_return()`
 * (for a WIT `func` too, which may resolve at once): writing its result
 * can fail (FLUE_ENOMEM when it does not fit the value area, FLUE_EINVAL
 * for a tag or a length out of range), and a return code is the only way
 * to tell the program so that it can resolve with something else; the
 * call waits meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_hval.h"

/* ------------------------------------------------------------- bindings */

static void binding_resolve(const struct gen *g, const char *name, const struct wit_func *f,
			    const char *rt)
{
	struct fb_buf *c = g->c;
	if (fb_func_host_moves(f, false)) { /* moved into the arrival area for this call */
		fb_buf_printf(c, "static void %s_resolve(void *user, const struct flue_hvals *r)\n{\n"
			      "\tuint32_t glue_mark = glue_ienter();\n\tstruct pending *p = user;\n"
			      "\t%s_done_t done = (%s_done_t)p->done;\n\tvoid *u = p->user;\n"
			      "\tp->used = false;\n\tglue_vdone();\n\tif (done != 0 && r == 0)\n"
			      "\t\tdone(u, 0);\n\tif (done != 0 && r != 0) {\n\t\t%s v;\n", name,
			      name, name, rt);
		gen_hval_get(g, f->result, "flue_hvals_get(r, 0)", "v", "\t\t", c);
		fb_buf_puts(c, "\t\tdone(u, &v);\n\t}\n\tglue_ileave(glue_mark);\n}\n\n");
		return;
	}
	fb_buf_printf(c, "static void %s_resolve(void *user, const struct flue_hvals *r)\n{\n"
		      "\tstruct pending *p = user;\n\t%s_done_t done = (%s_done_t)p->done;\n"
		      "\tvoid *u = p->user;\n\tp->used = false;\n\tglue_vdone();\n"
		      "\tif (done == 0)\n\t\treturn;\n", name, name, name);
	if (f->result == NULL) {
		fb_buf_puts(c, "\tdone(u, r == 0 ? 0 : (const void *)r);\n}\n\n");
		return;
	}
	fb_buf_printf(c, "\tif (r == 0) {\n\t\tdone(u, 0);\n\t\treturn;\n\t}\n\t%s v;\n", rt);
	gen_hval_get(g, f->result, "flue_hvals_get(r, 0)", "v", "\t", c);
	fb_buf_puts(c, "\tdone(u, &v);\n}\n\n");
}

/* `static int <name>_args(w, at, params...)`: the params' tuple at `at`. */
static uint32_t binding_args(const struct gen *g, const char *name, const struct wit_func *f)
{
	struct fb_buf *c = g->c;
	uint32_t off = 0, align = 1;
	fb_buf_printf(c, "static int %s_args(struct glue_w *w, uint32_t at", name);
	if (f->nparams > 0) {
		fb_buf_puts(c, ", ");
		gen_c_params(g, f, c, true);
	}
	fb_buf_puts(c, ")\n{\n\tint rc = 0;\n");
	for (uint32_t i = 0; i < f->nparams; i++) {
		const struct wit_type *t = f->params[i].type;
		uint32_t a = gen_hval_align(g, t);
		off = (off + a - 1u) & ~(a - 1u);
		align = a > align ? a : align;
		char *s = gen_param_name(f->params[i].name), at[32];
		snprintf(at, sizeof at, "at + %uu", (unsigned)off);
		gen_hval_put(g, t, s, at, "\t", c);
		off += gen_hval_size(g, t);
		free(s);
	}
	fb_buf_puts(c, "\t(void)w;\n\t(void)at;\n\treturn rc;\n}\n\n");
	return ((off + align - 1u) & ~(align - 1u)) | (align << 28); /* size | align */
}

static void binding_decl(const struct gen *g, const struct fb_binding *bd, const char *rt,
			 const char *proto)
{
	const struct fb_inst *in = &g->p->insts[bd->inst];
	const struct fb_lift *l = &in->mod->lifts[bd->lift];
	struct fb_buf sig = { 0 };
	gen_wit_signature(l->func, &sig);
	bool moves = fb_func_host_moves(l->func, false);
	fb_buf_printf(g->h, "\n/**\n * Result of %s(): runs on the executor thread when the call "
		      "resolves;\n * `result` is NULL when it ended without a value (cancelled, or "
		      "the\n * instance trapped, or the params did not fit their types%s%s). Its strings "
		      "and\n * lists are %s, valid only inside this call.%s\n"
		      " */\ntypedef void (*%s_done_t)(void *user, const %s *result);\n\n/**\n"
		      " * @brief Call export '%s' of instance '%s': %s.\n"
		      " *        The params (strings and lists too) are copied into the host's value\n"
		      " *        area now; they may be freed when this returns. Runs the guest code\n"
		      " *        until it first blocks, then returns; the rest runs in %s_run().\n"
		      " * @retval 0 and `*call` (may be NULL) for flue_invoke_cancel()\n"
		      " * @retval FLUE_ENOMEM no free call record, or the params do not fit the\n"
		      " *         value area (--host-arena bytes; nothing started)\n"
		      " * @retval FLUE_EINVAL not initialised, or a tag, flag or fixed length out of\n"
		      " *         range (nothing started)\n * Context: executor thread.\n */\n%s;\n",
		      bd->c_name, fb_func_host_moves(l->func, true) ? ", a handle\n * among them "
		      "not the host's" : "", moves ? ", or it holds handles\n * and did not fit the arrival "
		      "area or the host's table: it was dropped" : "", moves ? "in the host's "
		      "arrival area" : "views of the callee's memory", moves ? "\n * Its handles are "
		      "indices in the host's table, now the program's." : "", bd->c_name, rt, l->key,
		      in->name, sig.data, g->p->name, proto);
	fb_buf_free(&sig);
}

void gen_hbind_binding(const struct gen *g, uint32_t n)
{
	const struct fb_binding *bd = &g->p->bindings[n];
	const struct wit_func *f = g->p->insts[bd->inst].mod->lifts[bd->lift].func;
	struct fb_buf *c = g->c, rt = { 0 }, proto = { 0 }, call = { 0 };
	if (f->result != NULL)
		gen_ctype(g, f->result, &rt);
	else
		fb_buf_puts(&rt, "void");
	fb_buf_printf(&proto, "int %s(", bd->c_name);
	fb_buf_printf(&call, "%s_args(w, glue_at", bd->c_name);
	for (uint32_t i = 0; i < f->nparams; i++) {
		char *s = gen_param_name(f->params[i].name);
		fb_buf_printf(&call, ", %s", s);
		free(s);
	}
	if (f->nparams > 0) {
		gen_c_params(g, f, &proto, true);
		fb_buf_puts(&proto, ", ");
	}
	fb_buf_printf(&proto, "%s_done_t done, void *user, flue_call_t *call)", bd->c_name);
	binding_decl(g, bd, rt.data, proto.data);
	binding_resolve(g, bd->c_name, f, rt.data);
	uint32_t sa = binding_args(g, bd->c_name, f);
	char *id = gen_mod(g, g->p->insts[bd->inst].mod);
	fb_buf_printf(c, "%s\n{\n\tstruct pending *glue_p = pending_alloc();\n\tif (glue_p == 0)\n"
		      "\t\treturn host == 0 ? FLUE_EINVAL : FLUE_ENOMEM;\n\tstruct glue_w glue_w, "
		      "*w = &glue_w;\n\tuint32_t glue_at = GLUE_VBASE;\n\tglue_w_open(w);\n"
		      "\tint glue_rc = glue_reserve(w, %uu, %uu, &glue_at);\n\tif (glue_rc == 0)\n"
		      "\t\tglue_rc = %s);\n\tif (glue_rc != 0) {\n\t\tglue_p->used = false;\n"
		      "\t\treturn glue_rc;\n\t}\n\tglue_p->done = (void (*)(void))done;\n"
		      "\tglue_p->user = user;\n\tglue_vtop = w->top; /* until the call resolves */\n"
		      "\tglue_vlive++;\n\tflue_call_t glue_id;\n\tglue_rc = flue_invoke_vals(&%s_insts"
		      "[%u].lift[%u], host, glue_at, %s_resolve, glue_p,\n\t\t\t\t   &glue_id);\n"
		      "\tif (glue_rc != 0) {\n\t\tglue_p->used = false;\n\t\tglue_vdone();\n"
		      "\t\treturn glue_rc;\n\t}\n\tif (call != 0)\n\t\t*call = glue_id;\n\treturn 0;\n}\n\n",
		      proto.data, (unsigned)(sa & 0x0FFFFFFFu), (unsigned)(sa >> 28), call.data, id,
		      (unsigned)gen_inst_slot(g->p, bd->inst), (unsigned)bd->lift, bd->c_name);
	free(id);
	fb_buf_free(&rt);
	fb_buf_free(&proto);
	fb_buf_free(&call);
}

/* --------------------------------------------------------- host functions */

static void hostfn_decl(const struct gen *g, const struct fb_hostfn *hf, const char *rt)
{
	const struct wit_func *f = hf->func;
	struct fb_buf *h = g->h, sig = { 0 };
	gen_wit_signature(f, &sig);
	fb_buf_printf(h, "\n/**\n * @brief Host function for '%s': %s.\n * Implemented by the "
		      "program; called on the executor thread when a guest\n * calls it. Its "
		      "strings and lists are views of the caller's memory,\n * valid only until "
		      "this returns: copy what you keep. Resolve `call`\n * then or later with "
		      "%s_return().%s\n */\nvoid %s(flue_call_t call", hf->key, sig.data, hf->c_name,
		      fb_func_host_moves(f, true) ? "\n * Its params hold handles: they were moved "
		      "into the host's arrival\n * area (valid until this returns), and each own, "
		      "error-context and\n * stream/future end is an index in the host's table, now "
		      "the\n * program's. A borrow is a borrow handle there that ends when the\n"
		      " * call resolves, or the rep itself for a resource the host implements." : "",
		      hf->c_name);
	gen_c_params(g, f, h, false);
	fb_buf_printf(h, ");\n\n/**\n * @brief Resolve host call `call` of %s()%s (executor "
		      "thread).\n * @retval 0\n", hf->c_name, f->result != NULL ? " with `*result`, "
		      "copied\n *        into the caller (it may be freed when this returns)" : "");
	if (f->result != NULL)
		fb_buf_puts(h, " * @retval FLUE_ENOMEM it does not fit the value area (--host-arena "
			    "bytes):\n *         the call still waits; resolve it with something "
			    "smaller\n * @retval FLUE_EINVAL `result` NULL, a tag, flag or fixed length "
			    "out of range,\n *         a string that is not UTF-8, or a handle the "
			    "host's table\n *         does not hold: the call still waits\n");
	fb_buf_printf(h, " * @retval FLUE_EBADF not a pending call\n */\nint %s_return(flue_call_t "
		      "call%s%s%s);\n", hf->c_name, f->result != NULL ? ", const " : "",
		      f->result != NULL ? rt : "", f->result != NULL ? " *result" : "");
	if (fb_func_host_moves(f, true))
		fb_buf_printf(h, "\n/**\n * @brief Implemented by the program: called instead of %s()"
			      "\n *        when its params, which hold handles, could not be moved into"
			      "\n *        the host's arrival area (`rc` FLUE_ENOMEM: --host-arena "
			      "bytes)\n *        or their handles into the host's table (FLUE_ENOSPC)."
			      "\n *        The value was dropped; the call waits: resolve it with\n"
			      " *        %s_return().\n */\nvoid %s_failed(flue_call_t call, int rc);\n",
			      hf->c_name, hf->c_name, hf->c_name);
	fb_buf_free(&sig);
}

static void hostfn_start(const struct gen *g, uint32_t n)
{
	const struct fb_hostfn *hf = &g->p->hostfns[n];
	const struct wit_func *f = hf->func;
	struct fb_buf *c = g->c, args = { 0 };
	bool moves = fb_func_host_moves(f, true);
	fb_buf_printf(c, "static void hostfn%u_start(void *user, flue_call_t call, "
		      "const struct flue_values *a)\n{\n\tstruct flue_hvals glue_v;\n\t(void)user;\n"
		      "\t(void)a;\n", (unsigned)n);
	if (moves) /* moved into the arrival area for this call */
		fb_buf_printf(c, "\tuint32_t glue_mark = glue_ienter();\n\tint glue_rc = "
			      "flue_host_params(&store, call, &glue_v);\n\tif (glue_rc != 0) {\n"
			      "\t\t%s_failed(call, glue_rc);\n\t\tglue_ileave(glue_mark);\n"
			      "\t\treturn;\n\t}\n", hf->c_name);
	else
		fb_buf_puts(c, "\tif (flue_host_params(&store, call, &glue_v) != 0)\n\t\treturn;\n");
	for (uint32_t i = 0; i < f->nparams; i++) {
		char *s = fb_snake(f->params[i].name), hv[48];
		struct fb_buf lv = { 0 };
		fb_buf_printf(&lv, "arg_%s", s);
		fb_buf_puts(c, "\t");
		gen_ctype(g, f->params[i].type, c);
		fb_buf_printf(c, " %s;\n", lv.data);
		snprintf(hv, sizeof hv, "flue_hvals_get(&glue_v, %uu)", (unsigned)i);
		gen_hval_get(g, f->params[i].type, hv, lv.data, "\t", c);
		fb_buf_printf(&args, ", %s", lv.data);
		fb_buf_free(&lv);
		free(s);
	}
	fb_buf_printf(c, "\t%s(call%s);\n%s}\n\n", hf->c_name, args.data != NULL ? args.data : "",
		      moves ? "\tglue_ileave(glue_mark);\n" : "");
	fb_buf_free(&args);
}

static void hostfn_return(const struct gen *g, uint32_t n, const char *rt)
{
	const struct fb_hostfn *hf = &g->p->hostfns[n];
	const struct wit_type *r = hf->func->result;
	struct fb_buf *c = g->c;
	if (r == NULL) {
		fb_buf_printf(c, "int %s_return(flue_call_t call)\n{\n\treturn flue_host_return_vals("
			      "&store, call, GLUE_VBASE);\n}\n\n", hf->c_name);
		return;
	}
	fb_buf_printf(c, "static int hostfn%u_put(struct glue_w *w, const %s *x, uint32_t at)\n{\n"
		      "\tint rc = 0;\n", (unsigned)n, rt);
	gen_hval_put(g, r, "(*x)", "at", "\t", c);
	fb_buf_printf(c, "\t(void)w;\n\treturn rc;\n}\n\nint %s_return(flue_call_t call, const %s "
		      "*result)\n{\n\tstruct glue_w w;\n\tuint32_t at = GLUE_VBASE;\n"
		      "\tif (result == 0)\n\t\treturn FLUE_EINVAL;\n\tglue_w_open(&w);\n"
		      "\tint rc = glue_reserve(&w, %uu, %uu, &at);\n\tif (rc == 0)\n"
		      "\t\trc = hostfn%u_put(&w, result, at);\n"
		      "\t/* moved into the caller now: the area is free again */\n"
		      "\treturn rc != 0 ? rc : flue_host_return_vals(&store, call, at);\n}\n\n",
		      hf->c_name, rt, (unsigned)gen_hval_size(g, r), (unsigned)gen_hval_align(g, r),
		      (unsigned)n);
}

void gen_hbind_hostfn(const struct gen *g, uint32_t n)
{
	const struct fb_hostfn *hf = &g->p->hostfns[n];
	struct fb_buf rt = { 0 }, tn = { 0 };
	if (hf->func->result != NULL)
		gen_ctype(g, hf->func->result, &rt);
	fb_buf_printf(&tn, "hostfn%u_type", (unsigned)n);
	gen_functype(g, hf->func, tn.data);
	hostfn_decl(g, hf, rt.data != NULL ? rt.data : "");
	hostfn_start(g, n);
	hostfn_return(g, n, rt.data != NULL ? rt.data : "");
	fb_buf_free(&rt);
	fb_buf_free(&tn);
}
