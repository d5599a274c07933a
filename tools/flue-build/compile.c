/*
 * Compiling and linking what flue-build generated (driver.h): the wasm2c
 * output with its own warning flags (third-party style code), the glue
 * and the program's sources with stricter ones, against flue's libraries
 * from the SDK (host: lib/; Cortex-M: lib/flue/<core>/ with the MPS2 board's
 * start-up code and linker scripts from share/flue/mps2/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver_internal.h"
#include "gen.h"

/* wasm2c output: only warnings that flag real defects. */
static const char *const gen_warnings[] = {
	"-Wall", "-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-label",
	"-Wno-unused-but-set-variable", NULL,
};

/* The glue is flue-build's own output: it must stay clean at -Wall -Wextra. */
static const char *const glue_warnings[] = { "-Wall", "-Wextra", "-Wno-unused-parameter",
					     "-Werror", NULL };

static const char *const user_warnings[] = { "-Wall", "-Wextra", NULL };

static const char *core_name(enum fb_target t)
{
	return t == FB_TARGET_CORTEX_M3 ? "cortex-m3" : "cortex-m33";
}

/* "arm-none-eabi-gcc" -> "arm-none-eabi-<tool>"; anything else -> "<tool>". */
static void sibling(const char *cc, const char *tool, char *out, size_t len)
{
	size_t n = strlen(cc);
	if (n >= 4 && strcmp(cc + n - 4, "-gcc") == 0)
		snprintf(out, len, "%.*s-%s", (int)(n - 4), cc, tool);
	else
		snprintf(out, len, "%s", tool);
}

void fb_tools_init(struct fb_ctx *x)
{
	bool host = x->o->target == FB_TARGET_HOST;
	const char *cc = x->o->cc != NULL ? x->o->cc : host ? "cc" : "arm-none-eabi-gcc";
	snprintf(x->cc, sizeof x->cc, "%s", cc);
	sibling(cc, "ar", x->ar, sizeof x->ar);
	sibling(cc, "size", x->size, sizeof x->size);
	x->call_depth = x->o->call_depth != 0 ? x->o->call_depth : host ? 500u : 64u;
}

static const char *rt_dir(const struct fb_ctx *x)
{
	return x->o->wasm_rt_dir != NULL ? x->o->wasm_rt_dir : "/usr/src/wasm2c";
}

static void add_list(struct fb_strs *a, const char *const *list)
{
	for (; *list != NULL; list++)
		fb_strs_add(a, *list);
}

/* Flags every compile and the link share: the core, optimisation, extra. */
static void common_flags(const struct fb_ctx *x, struct fb_strs *a)
{
	if (x->o->target != FB_TARGET_HOST) {
		char cpu[64];
		snprintf(cpu, sizeof cpu, "-mcpu=%s", core_name(x->o->target));
		fb_strs_add(a, cpu);
		fb_strs_add(a, "-mthumb");
		fb_strs_add(a, "-mfloat-abi=soft");
		fb_strs_add(a, "-Os");
		fb_strs_add(a, "-ffunction-sections");
		fb_strs_add(a, "-fdata-sections");
	} else {
		fb_strs_add(a, "-O2");
	}
	fb_strs_add(a, "-g");
	for (uint32_t i = 0; i < x->o->cflags.n; i++)
		fb_strs_add(a, x->o->cflags.v[i]);
}

static int compile(struct fb_ctx *x, const char *src, const char *obj, const char *std,
		   const char *const *warnings, bool user, struct fb_error *err)
{
	struct fb_strs a = { 0 };
	char depth[64], *inc = fb_path(x->o->sdk, "include");
	snprintf(depth, sizeof depth, "-DWASM_RT_MAX_CALL_STACK_DEPTH=%u", (unsigned)x->call_depth);
	fb_strs_add(&a, x->cc);
	fb_strs_add(&a, std);
	add_list(&a, warnings);
	common_flags(x, &a);
	if (x->o->isolate) {
		/* No bounds checks: the MPU confines the guest (docs/MPU.md:
		 * an out-of-bounds address wraps on a 32-bit core and may land
		 * in the guest's own memory: isolation, not wasm's trap). */
		fb_strs_add(&a, "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1");
		fb_strs_add(&a, "-DWASM_RT_SKIP_SIGNAL_RECOVERY=1");
		fb_strs_add(&a, "-DWASM_RT_USE_STACK_DEPTH_COUNT=1");
		fb_strs_add(&a, "-DFLUE_W2C_ISOLATED=1");
	} else {
		fb_strs_add(&a, "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0");
	}
	fb_strs_add(&a, depth);
	fb_strs_add(&a, x->o->target == FB_TARGET_HOST ? "-DFLUE_BUILD_TARGET_HOST=1" :
		    "-DFLUE_BUILD_TARGET_CORTEX_M=1");
	fb_strs_add(&a, "-I");
	fb_strs_add(&a, x->gen_dir);
	for (uint32_t i = 0; user && i < x->o->includes.n; i++) {
		fb_strs_add(&a, "-I");
		fb_strs_add(&a, x->o->includes.v[i]);
	}
	fb_strs_add(&a, "-I");
	fb_strs_add(&a, inc);
	fb_strs_add(&a, "-isystem");
	fb_strs_add(&a, rt_dir(x));
	fb_strs_add(&a, "-c");
	fb_strs_add(&a, src);
	fb_strs_add(&a, "-o");
	fb_strs_add(&a, obj);
	int rc = fb_run(&a, NULL, err);
	fb_strs_free(&a);
	free(inc);
	if (rc == 0)
		fb_strs_add(&x->objs, obj);
	return rc;
}

static char *obj_for(const struct fb_ctx *x, const char *stem)
{
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "%s/%s.o", x->obj_dir, stem);
	return b.data;
}

static const char *base_stem(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	snprintf(buf, len, "u_%.*s", (int)(dot != NULL ? (size_t)(dot - base) : strlen(base)), base);
	return buf;
}

int fb_compile_all(struct fb_ctx *x, struct fb_error *err)
{
	x->sizes = fb_calloc(x->plan.nmodules, sizeof *x->sizes);
	for (uint32_t i = 0; i < x->plan.nmodules; i++) {
		char *id = fb_gen_module_id(&x->plan, &x->plan.modules[i]);
		char *src = fb_path(x->gen_dir, id), *obj = obj_for(x, id);
		struct fb_buf c = { 0 };
		fb_buf_printf(&c, "%s.c", src);
		int rc = compile(x, c.data, obj, "-std=gnu11", gen_warnings, false, err);
		if (rc == 0)
			rc = fb_size_of(x, obj, &x->sizes[i], err);
		fb_buf_free(&c);
		free(src);
		free(obj);
		free(id);
		if (rc != 0)
			return -1;
	}
	struct fb_buf glue = { 0 }, gstem = { 0 };
	fb_buf_printf(&glue, "%s/%s_glue.c", x->gen_dir, x->plan.name);
	fb_buf_printf(&gstem, "%s_glue", x->plan.name);
	char *gobj = obj_for(x, gstem.data);
	int rc = compile(x, glue.data, gobj, "-std=c11", glue_warnings, false, err);
	if (rc == 0)
		rc = fb_size_of(x, gobj, &x->glue, err);
	free(gobj);
	fb_buf_free(&glue);
	fb_buf_free(&gstem);
	for (uint32_t i = 0; rc == 0 && i < x->o->sources.n; i++) {
		char stem[256];
		char *obj = obj_for(x, base_stem(x->o->sources.v[i], stem, sizeof stem));
		rc = compile(x, x->o->sources.v[i], obj, "-std=c11", user_warnings, true, err);
		free(obj);
	}
	return rc;
}

static void add_lib(const struct fb_ctx *x, struct fb_strs *a, const char *dir, const char *lib)
{
	struct fb_buf p = { 0 };
	fb_buf_printf(&p, "%s/lib%s.a", dir, lib);
	fb_strs_add(a, p.data);
	fb_buf_free(&p);
	(void)x;
}

int fb_link(struct fb_ctx *x, struct fb_error *err)
{
	bool host = x->o->target == FB_TARGET_HOST;
	struct fb_strs a = { 0 };
	struct fb_buf libdir = { 0 }, board = { 0 }, out = { 0 };
	if (host)
		fb_buf_printf(&libdir, "%s/lib", x->o->sdk);
	else
		fb_buf_printf(&libdir, "%s/lib/flue/%s", x->o->sdk, core_name(x->o->target));
	fb_buf_printf(&board, "%s/share/flue/mps2", x->o->sdk);
	fb_buf_printf(&out, "%s/%s%s", x->o->out_dir, x->plan.name, host ? "" : ".elf");
	fb_strs_add(&a, x->cc);
	common_flags(x, &a);
	if (!host) {
		fb_strs_add(&a, "-nostartfiles");
		fb_strs_add(&a, "-Wl,--gc-sections");
		fb_strs_add(&a, "-L");
		fb_strs_add(&a, board.data);
		fb_strs_add(&a, x->o->target == FB_TARGET_CORTEX_M3 ? "-Tmps2-an385.ld" :
			    "-Tmps2-an505.ld");
	}
	fb_strs_add(&a, "-o");
	fb_strs_add(&a, out.data);
	for (uint32_t i = 0; i < x->objs.n; i++)
		fb_strs_add(&a, x->objs.v[i]);
	fb_strs_add(&a, "-Wl,--start-group");
	add_lib(x, &a, libdir.data, "flue_glue");
	add_lib(x, &a, libdir.data, host ? "flue_wasm_rt_wabt" : "flue_wasm_rt_static");
	add_lib(x, &a, libdir.data, host ? "flue_board_posix" : "flue_board_mps2");
	add_lib(x, &a, libdir.data, "flue");
	add_lib(x, &a, libdir.data, "flue_gale");
	add_lib(x, &a, libdir.data, host ? "flue_port_posix" : "flue_port_cortexm");
	fb_strs_add(&a, "-Wl,--end-group");
	if (host) {
		fb_strs_add(&a, "-lpthread");
		fb_strs_add(&a, "-lm");
	} else {
		fb_strs_add(&a, "-lm");
		fb_strs_add(&a, "-lc");
		fb_strs_add(&a, "-lgcc");
	}
	for (uint32_t i = 0; i < x->o->ldflags.n; i++)
		fb_strs_add(&a, x->o->ldflags.v[i]);
	int rc = fb_run(&a, NULL, err);
	fb_strs_free(&a);
	x->output = out.data;
	fb_buf_free(&libdir);
	fb_buf_free(&board);
	return rc;
}

int fb_linker_fragment(struct fb_ctx *x, struct fb_error *err)
{
	struct fb_buf ld = { 0 }, path = { 0 };
	fb_buf_printf(&ld, "/*\n * %s.ld: generated by flue-build. The linear memories of program "
		      "'%s'\n * (64 KiB pages, zero at start-up) are in sections "
		      ".bss.flue_memory.<instance>.\n * A linker script that collects `.bss.*` into "
		      ".bss places them already;\n * to give them a region of their own (e.g. for "
		      "MPU regions), INCLUDE this\n * fragment inside SECTIONS before .bss and "
		      "replace RAM with that region.\n */\n.flue_memory (NOLOAD) : ALIGN(16)\n{\n"
		      "\t__flue_memory_start = .;\n", x->plan.name, x->plan.name);
	for (uint32_t i = 0; i < x->plan.ninsts; i++)
		fb_buf_printf(&ld, "\tKEEP(*(.bss.flue_memory.%s))\n", x->plan.insts[i].name);
	fb_buf_puts(&ld, "\t__flue_memory_end = .;\n} > RAM\n");
	fb_buf_printf(&path, "%s/%s.ld", x->o->out_dir, x->plan.name);
	int rc = fb_write(path.data, ld.data, ld.len, err);
	struct fb_buf a = { 0 };
	fb_buf_printf(&a, "%s/lib%s.a", x->o->out_dir, x->plan.name);
	x->output = a.data;
	fb_buf_free(&ld);
	fb_buf_free(&path);
	return rc;
}
