/*
 * flue-build --isolate, on wasm2c's output: a module's one piece of
 * mutable static data that guest code reads, `static u32 func_types[N];`
 * (call_indirect compares a table entry's type with it), moves into the
 * program's guest-readable block `flue_guest_ro[]` (one MPU region shared
 * read-only by every domain; the runtime fills it at init, privileged).
 * `s_module_initialized` stays (only init reads it). Any other mutable
 * static is something flue-build does not know how to place, and the
 * build stops saying so: silently leaving it in runtime RAM would make
 * the guest fault on first use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver_internal.h"
#include "gen.h"

#define FUNC_TYPES "static u32 func_types["

/* The first `needle` in text[0 .. n) (memmem is not POSIX). */
static const char *find(const char *text, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(text + i, needle, k) == 0)
			return text + i;
	return NULL;
}

/* A line `static ...;` that is data, mutable and not one of the known two. */
static bool unknown_static(const char *line, size_t n)
{
	if (n < 7 || strncmp(line, "static ", 7) != 0 || memchr(line, '(', n) != NULL ||
	    line[n - 1] != ';')
		return false;
	if (find(line, n, "const ") != NULL)
		return false;
	return strncmp(line, FUNC_TYPES, strlen(FUNC_TYPES)) != 0 &&
	       strncmp(line, "static bool s_module_initialized", 32) != 0;
}

static int scan(const char *text, size_t len, const char *path, struct fb_error *err)
{
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = (nl != NULL ? (size_t)(nl - text) : len) - at;
		if (unknown_static(text + at, n)) {
			snprintf(err->msg, sizeof err->msg, "%s: --isolate cannot place this static "
				 "data of wasm2c's output in a guest domain: %.*s", path,
				 (int)(n > 200 ? 200 : n), text + at);
			return -1;
		}
		at += n + 1;
	}
	return 0;
}

int fb_isolate_statics(struct fb_ctx *x, struct fb_module *m, uint32_t *ro_words,
		       struct fb_error *err)
{
	char *id = fb_gen_module_id(&x->plan, m);
	struct fb_buf path = { 0 }, out = { 0 };
	fb_buf_printf(&path, "%s/%s.c", x->gen_dir, id);
	free(id);
	uint8_t *data;
	size_t len;
	int rc = -1;
	if (fb_read_file(path.data, &data, &len) != 0) {
		snprintf(err->msg, sizeof err->msg, "%s: cannot read wasm2c's output", path.data);
		goto out;
	}
	const char *text = (const char *)data;
	if (scan(text, len, path.data, err) != 0)
		goto out_data;
	const char *at = find(text, len, FUNC_TYPES);
	m->guest_ro_off = *ro_words;
	m->guest_ro_words = 0;
	if (at == NULL) {
		rc = 0; /* no types: nothing to move */
		goto out_data;
	}
	unsigned long words = strtoul(at + strlen(FUNC_TYPES), NULL, 10);
	const char *end = memchr(at, '\n', len - (size_t)(at - text));
	if (words == 0 || words > 65536 || end == NULL) {
		snprintf(err->msg, sizeof err->msg, "%s: unexpected func_types in wasm2c's output",
			 path.data);
		goto out_data;
	}
	m->guest_ro_words = (uint32_t)words;
	*ro_words += (uint32_t)words;
	fb_buf_put(&out, text, (size_t)(at - text));
	fb_buf_printf(&out, "/* flue-build --isolate: in the guests' read-only block. */\n"
		      "extern u32 flue_guest_ro[];\n#define func_types (flue_guest_ro + %uu)",
		      (unsigned)m->guest_ro_off);
	fb_buf_put(&out, end, len - (size_t)(end - text));
	rc = fb_write(path.data, out.data, out.len, err);
out_data:
	free(data);
out:
	fb_buf_free(&path);
	fb_buf_free(&out);
	return rc;
}
