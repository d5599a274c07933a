/*
 * flue-build's build steps (driver.h): generate, translate, compile, link,
 * report sizes and check budgets. Tool invocations are in run.c.
 */
#include "driver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "driver_internal.h"
#include "gen.h"
#include "util.h"

/* ------------------------------------------------------------- generation */

static int translate(struct fb_ctx *x, const struct fb_module *m, struct fb_error *err)
{
	uint8_t *bytes;
	size_t len;
	if (fb_gen_renamed_wasm(&x->plan, m, &bytes, &len, err) != 0)
		return -1;
	char *id = fb_gen_module_id(&x->plan, m);
	struct fb_buf wasm = { 0 }, c = { 0 };
	fb_buf_printf(&wasm, "%s/%s.wasm", x->gen_dir, id);
	fb_buf_printf(&c, "%s/%s.c", x->gen_dir, id);
	int rc = fb_write(wasm.data, bytes, len, err);
	free(bytes);
	if (rc == 0) {
		struct fb_strs argv = { 0 };
		fb_strs_add(&argv, x->o->wasm2c != NULL ? x->o->wasm2c : "wasm2c");
		/* A ring memory next to the module's own (plan_ring.c). */
		if (m->wasm.nimported_memories + m->wasm.nmemories > 1u)
			fb_strs_add(&argv, "--enable-multi-memory");
		fb_strs_add(&argv, "-n");
		fb_strs_add(&argv, id);
		fb_strs_add(&argv, wasm.data);
		fb_strs_add(&argv, "-o");
		fb_strs_add(&argv, c.data);
		rc = fb_run(&argv, NULL, err);
		fb_strs_free(&argv);
		if (rc != 0)
			snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
				 "\n(translating %s)", m->wasm_path);
	}
	fb_buf_free(&wasm);
	fb_buf_free(&c);
	free(id);
	return rc;
}

static int generate(struct fb_ctx *x, struct fb_error *err)
{
	x->gen_dir = fb_path(x->o->out_dir, "gen");
	x->obj_dir = fb_path(x->o->out_dir, "obj");
	if (fb_mkdirs_or_fail(x->gen_dir, err) != 0 || fb_mkdirs_or_fail(x->obj_dir, err) != 0)
		return -1;
	uint32_t ro_words = 0;
	for (uint32_t i = 0; i < x->plan.nmodules; i++) {
		if (translate(x, &x->plan.modules[i], err) != 0)
			return -1;
		if (x->o->isolate && fb_isolate_statics(x, &x->plan.modules[i], &ro_words, err) != 0)
			return -1;
	}
	struct fb_gen_opts go = { x->o->host_arena, x->call_depth, x->o->stacks,
				  x->o->stack_bytes != 0 ? x->o->stack_bytes : FB_DEFAULT_STACK_BYTES,
				  x->o->isolate };
	struct fb_buf c = { 0 }, h = { 0 }, cp = { 0 }, hp = { 0 };
	fb_gen_program(&x->plan, &go, &c, &h);
	fb_buf_printf(&cp, "%s/%s_glue.c", x->gen_dir, x->plan.name);
	fb_buf_printf(&hp, "%s/%s.h", x->gen_dir, x->plan.name);
	int rc = fb_write(cp.data, c.data, c.len, err);
	if (rc == 0)
		rc = fb_write(hp.data, h.data, h.len, err);
	fb_buf_free(&c);
	fb_buf_free(&h);
	fb_buf_free(&cp);
	fb_buf_free(&hp);
	return rc;
}

/* ---------------------------------------------------------------- build */

static int library(struct fb_ctx *x, struct fb_error *err)
{
	struct fb_buf a = { 0 }, hsrc = { 0 }, hdst = { 0 };
	fb_buf_printf(&a, "%s/lib%s.a", x->o->out_dir, x->plan.name);
	(void)remove(a.data);
	struct fb_strs argv = { 0 };
	fb_strs_add(&argv, x->ar);
	fb_strs_add(&argv, "rcs");
	fb_strs_add(&argv, a.data);
	for (uint32_t i = 0; i < x->objs.n; i++)
		fb_strs_add(&argv, x->objs.v[i]);
	int rc = fb_run(&argv, NULL, err);
	fb_strs_free(&argv);
	fb_buf_printf(&hsrc, "%s/%s.h", x->gen_dir, x->plan.name);
	fb_buf_printf(&hdst, "%s/%s.h", x->o->out_dir, x->plan.name);
	uint8_t *data;
	size_t len;
	if (rc == 0 && fb_read_file(hsrc.data, &data, &len) == 0) {
		rc = fb_write(hdst.data, data, len, err);
		free(data);
	}
	if (rc == 0)
		rc = fb_linker_fragment(x, err);
	fb_buf_free(&a);
	fb_buf_free(&hsrc);
	fb_buf_free(&hdst);
	return rc;
}

static void ctx_free(struct fb_ctx *x)
{
	fb_plan_free(&x->plan);
	fb_strs_free(&x->objs);
	free(x->gen_dir);
	free(x->obj_dir);
	free(x->sizes);
	free(x->output);
}

/* What --isolate cannot do (yet), refused before anything is written. */
static int isolate_check(const struct fb_ctx *x, struct fb_error *err)
{
	if (x->o->target == FB_TARGET_HOST || x->o->lib) {
		snprintf(err->msg, sizeof err->msg, "--isolate needs a Cortex-M program "
			 "(--target cortex-m3|cortex-m33, not --lib)");
		return -1;
	}
	for (uint32_t i = 0; i < x->plan.nmodules; i++) {
		const struct fb_module *m = &x->plan.modules[i];
		if (m->wasm.has_start) {
			snprintf(err->msg, sizeof err->msg, "%s: --isolate: a start function would run "
				 "privileged at instantiation; export '_initialize' instead",
				 m->wasm_path);
			return -1;
		}
	}
	/* PMSAv7 domains of instances with more than one guest stack (one per
	 * fiber stack and the executor's) have a stack guard region each
	 * (flue/w2c.h, FLUE_W2C_STACK_GUARD). */
	bool guard = x->o->target == FB_TARGET_CORTEX_M3 &&
		     fb_plan_fiber_stacks(&x->plan, x->o->stacks) > 0;
	return fb_plan_ring_isolate_check(&x->plan, guard, err);
}

int fb_build(const struct fb_build_opts *o, struct fb_error *err)
{
	struct fb_ctx x;
	memset(&x, 0, sizeof x);
	x.o = o;
	fb_tools_init(&x);
	if (fb_plan_build(&x.plan, o->composition, o->module_dir, o->name, o->target, err) != 0 ||
	    (o->isolate && isolate_check(&x, err) != 0) || generate(&x, err) != 0) {
		ctx_free(&x);
		return -1;
	}
	int rc = 0;
	if (!o->generate_only) {
		rc = fb_compile_all(&x, err);
		if (rc == 0)
			rc = o->lib ? library(&x, err) : fb_link(&x, err);
		if (rc == 0)
			rc = fb_report(&x, err);
	}
	ctx_free(&x);
	return rc;
}
