/*
 * flue-build: renaming a module's imports and exports (wasm_rewrite_names
 * in wasm.h).
 *
 * The output is the input with its import and export sections re-encoded:
 * each entry gets its new name(s) and keeps its descriptor bytes (kind and
 * type, limits, mutability, index) exactly as read. Everything before,
 * between and after the two sections, custom sections included, is copied
 * as is.
 */
#include "wasm.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_u32(struct fb_buf *b, uint32_t v)
{
	uint8_t out[5];
	size_t n = 0;
	do {
		uint8_t byte = v & 0x7Fu;
		v >>= 7;
		out[n++] = (uint8_t)(byte | (v != 0 ? 0x80u : 0u));
	} while (v != 0);
	fb_buf_put(b, out, n);
}

static void put_name(struct fb_buf *b, const char *name)
{
	size_t n = strlen(name);
	put_u32(b, (uint32_t)n);
	fb_buf_put(b, name, n);
}

/* Appends section `id` holding `payload`. */
static int put_section(struct fb_buf *b, uint8_t id, const struct fb_buf *payload, size_t at,
		       struct wasm_error *err)
{
	if (payload->len > UINT32_MAX) {
		snprintf(err->msg, sizeof err->msg, "offset 0x%zx: the renamed section would be "
			 "larger than 4 GiB", at);
		return -1;
	}
	fb_buf_put(b, &id, 1);
	put_u32(b, (uint32_t)payload->len);
	fb_buf_put(b, payload->data, payload->len);
	return 0;
}

/* names[i] if there is one, else `keep`; checks that it is usable. */
static const char *pick(const char *const *names, uint32_t i, const char *keep, size_t at,
			struct wasm_error *err)
{
	const char *s = names != NULL && names[i] != NULL ? names[i] : keep;
	size_t n = strlen(s);
	if (n > UINT32_MAX || !wasm_utf8_valid((const uint8_t *)s, n)) {
		snprintf(err->msg, sizeof err->msg, "offset 0x%zx: new name \"%.80s\" is not "
			 "valid UTF-8", at, s);
		return NULL;
	}
	return s;
}

static int put_imports(struct fb_buf *out, const struct wasm_module *m, const char *const *mods,
		       const char *const *fields, struct wasm_error *err)
{
	struct fb_buf p = { 0 };
	put_u32(&p, m->nimports);
	for (uint32_t i = 0; i < m->nimports; i++) {
		const struct wasm_import *im = &m->imports[i];
		const char *mod = pick(mods, i, im->module, im->offset, err);
		const char *field = mod != NULL ? pick(fields, i, im->field, im->offset, err) : NULL;
		if (field == NULL) {
			fb_buf_free(&p);
			return -1;
		}
		put_name(&p, mod);
		put_name(&p, field);
		fb_buf_put(&p, m->bytes + im->desc_start, im->desc_end - im->desc_start);
	}
	int rc = put_section(out, 2, &p, m->import_sec_start, err);
	fb_buf_free(&p);
	return rc;
}

static int put_exports(struct fb_buf *out, const struct wasm_module *m, const char *const *names,
		       struct wasm_error *err)
{
	const char **final = fb_calloc(m->nexports, sizeof *final);
	struct fb_buf p = { 0 };
	int rc = -1;
	uint32_t a, b;
	for (uint32_t i = 0; i < m->nexports; i++)
		if ((final[i] = pick(names, i, m->exports[i].name, m->exports[i].offset, err)) == NULL)
			goto done;
	if (wasm_names_duplicate(final, m->nexports, &a, &b)) {
		snprintf(err->msg, sizeof err->msg, "offset 0x%zx: exports %u and %u would both be "
			 "named \"%.80s\"", m->exports[b].offset, a, b, final[b]);
		goto done;
	}
	put_u32(&p, m->nexports);
	for (uint32_t i = 0; i < m->nexports; i++) {
		const struct wasm_export *e = &m->exports[i];
		put_name(&p, final[i]);
		fb_buf_put(&p, m->bytes + e->desc_start, e->desc_end - e->desc_start);
	}
	rc = put_section(out, 7, &p, m->export_sec_start, err);
done:
	free(final);
	fb_buf_free(&p);
	return rc;
}

int wasm_rewrite_names(const struct wasm_module *m, const char *const *import_modules,
		       const char *const *import_fields, const char *const *export_names,
		       uint8_t **out, size_t *out_len, struct wasm_error *err)
{
	struct fb_buf b = { 0 };
	size_t done = 0; /* bytes of the input accounted for */
	fb_buf_put(&b, "", 0);
	if (m->import_sec_start != 0) {
		fb_buf_put(&b, m->bytes, m->import_sec_start);
		if (put_imports(&b, m, import_modules, import_fields, err) != 0)
			goto fail;
		done = m->import_sec_end;
	}
	if (m->export_sec_start != 0) {
		fb_buf_put(&b, m->bytes + done, m->export_sec_start - done);
		if (put_exports(&b, m, export_names, err) != 0)
			goto fail;
		done = m->export_sec_end;
	}
	fb_buf_put(&b, m->bytes + done, m->size - done);
	*out = (uint8_t *)b.data;
	*out_len = b.len;
	return 0;
fail:
	fb_buf_free(&b);
	return -1;
}
