/*
 * The size report and the budgets (driver.h). Per instance: its linear
 * memory (the static capacity), the guest's own stack inside it (from the
 * stack-pointer global and the end of its data, as wasm-ld lays them out),
 * its table, and the flash of its module's translated code and data
 * (shared by instances of one module). Totals come from the final image.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver_internal.h"

/* The guest's stack: wasm-ld's __stack_pointer (the first mutable i32
 * global) starts at the top of the stack. Linked with --stack-first the
 * stack is [0, sp) below all data: exact. Otherwise it sits above the data
 * and the zeroed statics, whose end the module does not record: sp minus
 * the end of the initialised data is only an upper bound. */
struct stack_size {
	uint64_t bytes;
	bool exact;
};

static struct stack_size guest_stack(const struct wasm_module *w)
{
	uint64_t lo = UINT64_MAX;
	for (uint32_t i = 0; i < w->ndata; i++)
		if (w->data[i].mode == WASM_SEG_ACTIVE && w->data[i].const_offset &&
		    w->data[i].memory == 0 && w->data[i].offset < lo)
			lo = w->data[i].offset;
	for (uint32_t i = 0; i < w->nglobals; i++) {
		const struct wasm_global *g = &w->globals[i];
		if (g->valtype != WASM_I32 || !g->mut || !g->const_init)
			continue;
		uint64_t sp = (uint32_t)g->init;
		if (sp <= lo)
			return (struct stack_size){ sp, true };
		uint64_t data = (w->data_end + 15u) / 16u * 16u;
		return (struct stack_size){ sp > data ? sp - data : sp, false };
	}
	return (struct stack_size){ 0, true };
}

static uint64_t table_bytes(const struct fb_ctx *x, const struct wasm_module *w)
{
	if (w->ntables == 0)
		return 0;
	uint64_t n = w->tables[0].has_max ? w->tables[0].max : w->tables[0].min;
	uint64_t entry = x->o->target == FB_TARGET_HOST ? 8u + 2u * sizeof(void *) : 12u;
	return n * entry;
}

static void kib(uint64_t bytes, char *buf, size_t len)
{
	if (bytes < 1024u)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, len, "%.1f KiB", (double)bytes / 1024.0);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s != NULL ? s + 1 : path;
}

struct inst_size {
	uint64_t memory, table, flash;
	struct stack_size stack;
};

static struct inst_size inst_size(const struct fb_ctx *x, uint32_t n)
{
	const struct fb_inst *in = &x->plan.insts[n];
	uint32_t m = (uint32_t)(in->mod - x->plan.modules);
	struct inst_size s = {
		.memory = (uint64_t)in->memory_pages * 65536u,
		.table = table_bytes(x, &in->mod->wasm),
		.flash = x->sizes[m].text + x->sizes[m].data,
		.stack = guest_stack(&in->mod->wasm),
	};
	return s;
}

static void print_report(const struct fb_ctx *x, const struct fb_size *image)
{
	static const char *const targets[] = { "host", "cortex-m3", "cortex-m33" };
	printf("flue-build: %s '%s' for %s\n", x->o->lib ? "library" : "program", x->plan.name,
	       targets[x->o->target]);
	printf("  %-12s %-18s %12s %10s %10s %12s\n", "instance", "module", "memory", "stack",
	       "table", "flash");
	for (uint32_t n = 0; n < x->plan.ninsts; n++) {
		const struct fb_inst *in = &x->plan.insts[n];
		struct inst_size s = inst_size(x, n);
		char mem[32], st[32], tb[32], fl[40];
		snprintf(mem, sizeof mem, "%u x 64 KiB", (unsigned)in->memory_pages);
		kib(s.stack.bytes, st + !s.stack.exact, sizeof st - 1u);
		if (!s.stack.exact)
			st[0] = '<'; /* an upper bound: link with --stack-first for the size */
		kib(s.table, tb, sizeof tb);
		kib(s.flash, fl, sizeof fl);
		bool shared = false;
		for (uint32_t k = 0; k < n; k++)
			shared = shared || x->plan.insts[k].mod == in->mod;
		if (shared)
			strncat(fl, " (shared)", sizeof fl - strlen(fl) - 1u);
		printf("  %-12s %-18s %12s %10s %10s %12s\n", in->name, base(in->mod->wasm_path),
		       mem, st, tb, fl);
	}
	bool bounds = false;
	for (uint32_t n = 0; n < x->plan.ninsts; n++)
		bounds = bounds || !inst_size(x, n).stack.exact;
	if (bounds)
		printf("  (<: stack above the data, size not recorded; wasm-ld --stack-first "
		       "makes it exact)\n");
	char a[32], b[32];
	kib(x->glue.text + x->glue.data, a, sizeof a);
	kib(x->glue.bss + x->glue.data, b, sizeof b);
	printf("  glue: flash %s, RAM %s (store, instance records, host arena)\n", a, b);
	if (image != NULL) {
		kib(image->text + image->data, a, sizeof a);
		kib(image->data + image->bss, b, sizeof b);
		printf("  %s: flash %s, RAM %s (all static: linear memories, flue, runtime)\n",
		       base(x->output), a, b);
	}
}

static int check_budgets(const struct fb_ctx *x, struct fb_error *err)
{
	for (uint32_t n = 0; n < x->plan.ninsts; n++) {
		const struct fb_instance_decl *d = x->plan.insts[n].decl;
		struct inst_size s = inst_size(x, n);
		uint64_t ram = s.memory + s.table;
		if (d->budget_ram != 0 && ram > d->budget_ram)
			return fb_fail(err, &d->loc, "instance '%s' needs %" PRIu64 " bytes of RAM "
				       "(linear memory %" PRIu64 ", table %" PRIu64 "), over its "
				       "budget of %" PRIu64, d->name, ram, s.memory, s.table,
				       d->budget_ram);
		if (d->budget_flash != 0 && s.flash > d->budget_flash)
			return fb_fail(err, &d->loc, "instance '%s' needs %" PRIu64 " bytes of flash "
				       "(its module's code and data), over its budget of %" PRIu64,
				       d->name, s.flash, d->budget_flash);
	}
	return 0;
}

int fb_report(struct fb_ctx *x, struct fb_error *err)
{
	struct fb_size image;
	bool have_image = !x->o->lib && x->output != NULL &&
			  fb_size_of(x, x->output, &image, err) == 0;
	int rc = check_budgets(x, err);
	if (!x->o->quiet || rc != 0)
		print_report(x, have_image ? &image : NULL);
	fflush(stdout);
	return rc;
}
