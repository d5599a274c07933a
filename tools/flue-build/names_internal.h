/* Shared by names.c (scoped names, exports) and names_builtin.c ($root
 * built-ins, signatures). */
#ifndef FLUE_BUILD_NAMES_INTERNAL_H
#define FLUE_BUILD_NAMES_INTERNAL_H

#include "names.h"

/* vsnprintf into err; returns -1. */
int fb_names_fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Advance *s past `prefix` if it starts with it. */
bool fb_names_strip(const char **s, const char *prefix);
/* A core signature from "ii>i" = (i32, i32) -> i32 ("I" i64, "f" f32, "F" f64). */
struct wit_core_sig fb_names_sig(const char *spec);
/* 0 if `ft` is `want`, else -1 with both printed ("what" requires). */
int fb_names_check_sig(const struct wit_core_sig *want, const struct wasm_functype *ft,
		       const char *what, char *err, size_t len);
/* The names flue refuses with a reason of their own (threads, removed
 * names): -1 with err, else 0. */
int fb_names_unsupported(const char *name, char *err, size_t len);
/* A built-in reached by one import name, with the core type it requires
 * (an fb_names_sig() spec): a row of a name table. */
struct fb_named_builtin {
	const char *name;
	enum fb_builtin b;
	const char *sig;
};
/* The row of t[0..n) named `name`, or NULL. */
const struct fb_named_builtin *fb_names_find_builtin(const struct fb_named_builtin *t, size_t n,
						     const char *name);
/* A `$root` built-in: 1 matched (out set), 0 not one, -1 error. */
int fb_names_root_builtin(const char *field, struct fb_import *out, char *err, size_t len);

#endif /* FLUE_BUILD_NAMES_INTERNAL_H */
