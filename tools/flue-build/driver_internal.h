/* Shared by the driver's files (driver.c, compile.c, run.c, report.c). */
#ifndef FLUE_BUILD_DRIVER_INTERNAL_H
#define FLUE_BUILD_DRIVER_INTERNAL_H

#include "driver.h"
#include "util.h"

/* Berkeley sizes of an object or image. */
struct fb_size {
	uint64_t text, data, bss;
};

struct fb_ctx {
	const struct fb_build_opts *o;
	struct fb_plan plan;
	char *gen_dir, *obj_dir;
	char *output;              /* the program or library written */
	char cc[256], ar[256], size[256];
	uint32_t call_depth;
	struct fb_strs objs;       /* every object of the program */
	struct fb_size *sizes;     /* per module object */
	struct fb_size glue;       /* the glue object */
};

int fb_mkdirs_or_fail(const char *path, struct fb_error *err);
int fb_write(const char *path, const void *data, size_t n, struct fb_error *err);

/* Run argv (no shell). `out` (may be NULL) receives stdout; on failure
 * err says what ran and what it printed. */
int fb_run(const struct fb_strs *argv, struct fb_buf *out, struct fb_error *err);

void fb_tools_init(struct fb_ctx *x);
int fb_compile_all(struct fb_ctx *x, struct fb_error *err);
/* --isolate: move module m's func_types into flue_guest_ro[] (isolate.c);
 * `ro_words` counts the words placed so far. */
int fb_isolate_statics(struct fb_ctx *x, struct fb_module *m, uint32_t *ro_words,
		       struct fb_error *err);
int fb_link(struct fb_ctx *x, struct fb_error *err);
int fb_linker_fragment(struct fb_ctx *x, struct fb_error *err);
/* Sizes of `path` (an object or an image). */
int fb_size_of(struct fb_ctx *x, const char *path, struct fb_size *s, struct fb_error *err);
/* Print the size report and check the budgets. */
int fb_report(struct fb_ctx *x, struct fb_error *err);

#endif /* FLUE_BUILD_DRIVER_INTERNAL_H */
