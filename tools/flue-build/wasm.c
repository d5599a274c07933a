/*
 * flue-build: reader of core WebAssembly binaries (wasm.h).
 *
 * A cursor walks the file. Every read is checked against `end`, the end of
 * the section being read (the end of the file between sections); the first
 * error is formatted into err->msg and every caller returns -1 at once.
 * Lists are allocated zeroed and their counts set before the entries are
 * read, so wasm_free() can release a half-read module.
 */
#include "wasm.h"
#include "wasm_internal.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int wr_fail(struct wasm_rd *r, size_t off, const char *fmt, ...)
{
	char *msg = r->err->msg;
	size_t cap = sizeof r->err->msg;
	int n = snprintf(msg, cap, "offset 0x%zx: ", off);
	if (r->sec != NULL)
		n += snprintf(msg + n, cap - (size_t)n, "%s section: ", r->sec);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------ primitives */

static int need(struct wasm_rd *r, size_t n, const char *what)
{
	if (r->end - r->pos >= n)
		return 0;
	return wr_fail(r, r->pos, "%s: unexpected end of the %s (%zu bytes needed, %zu left)", what,
		       r->sec != NULL ? "section" : "file", n, r->end - r->pos);
}

int wr_byte(struct wasm_rd *r, uint8_t *v, const char *what)
{
	if (need(r, 1, what) != 0)
		return -1;
	*v = r->b[r->pos++];
	return 0;
}

/* An unsigned or signed LEB128 of at most `bits` bits: at most
 * ceil(bits / 7) bytes, and the bits of the last byte beyond `bits` must
 * be zero (unsigned) or copies of the sign bit (signed). */
int wr_leb(struct wasm_rd *r, unsigned bits, bool sign, uint64_t *out, const char *what)
{
	unsigned maxbytes = (bits + 6) / 7;
	uint64_t v = 0;
	for (unsigned i = 1, shift = 0;; i++, shift += 7) {
		uint8_t byte;
		if (wr_byte(r, &byte, what) != 0)
			return -1;
		v |= (uint64_t)(byte & 0x7Fu) << shift;
		if (i == maxbytes) {
			if ((byte & 0x80u) != 0)
				return wr_fail(r, r->pos - 1, "%s: LEB128 longer than %u bytes", what,
					       maxbytes);
			unsigned keep = sign ? bits - shift - 1 : bits - shift;
			unsigned rest = (byte & 0x7Fu) >> keep, ones = 0x7Fu >> keep;
			if (rest != 0 && !(sign && rest == ones))
				return wr_fail(r, r->pos - 1,
					       "%s: %u-bit LEB128 has unused bits set in its last byte",
					       what, bits);
		}
		if ((byte & 0x80u) == 0) {
			if (sign && shift + 7 < 64 && (byte & 0x40u) != 0)
				v |= ~(uint64_t)0 << (shift + 7);
			break;
		}
	}
	*out = v;
	return 0;
}

int wr_u32(struct wasm_rd *r, uint32_t *v, const char *what)
{
	uint64_t x;
	if (wr_leb(r, 32, false, &x, what) != 0)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A list length: each entry takes at least one byte, so a count larger than
 * what is left is malformed (and never drives a huge allocation). */
int wr_count(struct wasm_rd *r, uint32_t *n, const char *what)
{
	size_t at = r->pos;
	if (wr_u32(r, n, what) != 0)
		return -1;
	if (*n > r->end - r->pos)
		return wr_fail(r, at, "%s: %u entries cannot fit in the %zu bytes left", what, *n,
			       r->end - r->pos);
	return 0;
}

int wr_skip(struct wasm_rd *r, size_t n, const char *what)
{
	if (need(r, n, what) != 0)
		return -1;
	r->pos += n;
	return 0;
}

bool wasm_utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		size_t len;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			len = 2, cp = c & 0x1Fu, min = 0x80;
		} else if ((c & 0xF0u) == 0xE0) {
			len = 3, cp = c & 0x0Fu, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4, cp = c & 0x07u, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0u) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3Fu);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

/* A name: valid UTF-8 without U+0000. `out` NULL skips it. */
int wr_name(struct wasm_rd *r, char **out, const char *what)
{
	size_t at = r->pos;
	uint32_t len;
	if (wr_u32(r, &len, what) != 0)
		return -1;
	if (r->end - r->pos < len)
		return wr_fail(r, at, "%s: length %u runs past the end of the %s", what, len,
			       r->sec != NULL ? "section" : "file");
	const uint8_t *s = r->b + r->pos;
	if (!wasm_utf8_valid(s, len))
		return wr_fail(r, at, "%s: not valid UTF-8", what);
	if (memchr(s, 0, len) != NULL)
		return wr_fail(r, at, "%s: contains U+0000, which flue-build does not support", what);
	if (out != NULL)
		*out = fb_strndup((const char *)s, len);
	r->pos += len;
	return 0;
}

/* ----------------------------------------------------------------- types */

const char *wasm_valtype_name(uint8_t t)
{
	switch (t) {
	case WASM_I32: return "i32";
	case WASM_I64: return "i64";
	case WASM_F32: return "f32";
	case WASM_F64: return "f64";
	case WASM_V128: return "v128";
	case WASM_FUNCREF: return "funcref";
	case WASM_EXTERNREF: return "externref";
	default: return "?";
	}
}

const char *wasm_extern_kind_name(uint8_t kind)
{
	static const char *const names[] = { "func", "table", "memory", "global", "tag" };
	return kind < 5 ? names[kind] : "?";
}

int wr_valtype(struct wasm_rd *r, uint8_t *t, bool ref_only, const char *what)
{
	size_t at = r->pos;
	if (wr_byte(r, t, what) != 0)
		return -1;
	bool ref = *t == WASM_FUNCREF || *t == WASM_EXTERNREF;
	if (ref || (!ref_only && *wasm_valtype_name(*t) != '?'))
		return 0;
	return wr_fail(r, at, "%s: unknown or unsupported %s type 0x%02x", what,
		       ref_only ? "reference" : "value", *t);
}

int wr_valtypes(struct wasm_rd *r, uint32_t *n, uint8_t **out, const char *what)
{
	if (wr_count(r, n, what) != 0)
		return -1;
	*out = fb_malloc(*n);
	for (uint32_t i = 0; i < *n; i++)
		if (wr_valtype(r, &(*out)[i], false, what) != 0)
			return -1;
	return 0;
}

/* Limits: bit 0 a maximum, bit 1 shared (threads), bit 2 64-bit (memory64;
 * for tables, table64). */
int wr_limits(struct wasm_rd *r, struct wasm_limits *l, bool memory, const char *what)
{
	size_t at = r->pos;
	uint8_t flags;
	if (wr_byte(r, &flags, what) != 0)
		return -1;
	if ((flags & ~(memory ? 0x07u : 0x05u)) != 0)
		return wr_fail(r, at, "%s: unknown limits flags 0x%02x", what, flags);
	l->has_max = (flags & 1u) != 0;
	l->shared = (flags & 2u) != 0;
	l->is64 = (flags & 4u) != 0;
	unsigned bits = l->is64 ? 64 : 32;
	if (wr_leb(r, bits, false, &l->min, what) != 0)
		return -1;
	if (l->has_max && wr_leb(r, bits, false, &l->max, what) != 0)
		return -1;
	return 0;
}

int wr_typeidx(struct wasm_rd *r, const struct wasm_module *m, uint32_t *x, const char *what)
{
	size_t at = r->pos;
	if (wr_u32(r, x, what) != 0)
		return -1;
	if (*x >= m->ntypes)
		return wr_fail(r, at, "%s: type index %u out of range (%u types)", what, *x, m->ntypes);
	return 0;
}

/* An index into a space of `n` entries ("function", "table", ...). */
int wr_index(struct wasm_rd *r, uint32_t n, uint32_t *x, const char *space, const char *what)
{
	size_t at = r->pos;
	if (wr_u32(r, x, what) != 0)
		return -1;
	if (*x >= n)
		return wr_fail(r, at, "%s: %s index %u out of range (%u %ss)", what, space, *x, n, space);
	return 0;
}

int wr_globaltype(struct wasm_rd *r, uint8_t *t, bool *mut, const char *what)
{
	uint8_t b;
	if (wr_valtype(r, t, false, what) != 0 || wr_byte(r, &b, what) != 0)
		return -1;
	if (b > 1)
		return wr_fail(r, r->pos - 1, "%s: invalid mutability 0x%02x", what, b);
	*mut = b == 1;
	return 0;
}

int wr_tagtype(struct wasm_rd *r, const struct wasm_module *m, uint32_t *type, const char *what)
{
	uint8_t attr;
	if (wr_byte(r, &attr, what) != 0)
		return -1;
	if (attr != 0)
		return wr_fail(r, r->pos - 1, "%s: unknown tag attribute 0x%02x", what, attr);
	return wr_typeidx(r, m, type, what);
}

/* A constant expression up to its 0x0B: the MVP constants, global.get,
 * ref.null/ref.func, v128.const and the extended-const arithmetic. */
int wr_const_expr(struct wasm_rd *r, struct cexpr *ce, const char *what)
{
	unsigned ninstr = 0;
	uint8_t first = 0;
	uint64_t x = 0, v = 0;
	for (;;) {
		size_t at = r->pos;
		uint8_t op;
		uint32_t sub;
		int rc = 0;
		if (wr_byte(r, &op, what) != 0)
			return -1;
		if (op == 0x0B)
			break;
		switch (op) {
		case 0x41: rc = wr_leb(r, 32, true, &v, what); break;        /* i32.const */
		case 0x42: rc = wr_leb(r, 64, true, &v, what); break;        /* i64.const */
		case 0x43: rc = wr_skip(r, 4, what); break;                     /* f32.const */
		case 0x44: rc = wr_skip(r, 8, what); break;                     /* f64.const */
		case 0x23: case 0xD2: rc = wr_leb(r, 32, false, &x, what); break; /* global.get, ref.func */
		case 0xD0: rc = wr_leb(r, 33, true, &x, what); break;        /* ref.null heaptype */
		case 0x6A: case 0x6B: case 0x6C: case 0x7C: case 0x7D: case 0x7E:
			break;                                               /* i32/i64 add sub mul */
		case 0xFD:                                                   /* v128.const */
			rc = wr_u32(r, &sub, what);
			if (rc == 0 && sub != 12)
				return wr_fail(r, at, "%s: SIMD opcode %u is not a constant instruction",
					       what, sub);
			rc = rc != 0 ? rc : wr_skip(r, 16, what);
			break;
		default:
			return wr_fail(r, at, "%s: opcode 0x%02x is not allowed in a constant expression",
				       what, op);
		}
		if (rc != 0)
			return -1;
		if (ninstr++ == 0)
			first = op;
	}
	ce->op = ninstr == 1 && (first == 0x41 || first == 0x42) ? first : 0;
	ce->value = v;
	return 0;
}

/* A segment offset: the address of a lone i32.const (unsigned) or i64.const. */
bool wr_const_offset(const struct cexpr *ce, uint64_t *offset)
{
	*offset = ce->op == 0x41 ? (uint32_t)ce->value : ce->value;
	return ce->op != 0;
}

/* -------------------------------------------------------------- module */


static const struct section {
	const char *name;
	uint8_t rank; /* position in the prescribed order; custom sections have none */
	int (*read)(struct wasm_rd *, struct wasm_module *);
} sections[14] = {
	[0] = { "custom", 0, wr_sec_custom },     [1] = { "type", 1, wr_sec_type },
	[2] = { "import", 2, wr_sec_import },     [3] = { "function", 3, wr_sec_function },
	[4] = { "table", 4, wr_sec_table },       [5] = { "memory", 5, wr_sec_memory },
	[13] = { "tag", 6, wr_sec_tag },          [6] = { "global", 7, wr_sec_global },
	[7] = { "export", 8, wr_sec_export },     [8] = { "start", 9, wr_sec_start },
	[9] = { "element", 10, wr_sec_element },  [12] = { "data count", 11, wr_sec_datacount },
	[10] = { "code", 12, wr_sec_code },       [11] = { "data", 13, wr_sec_data },
};

/* The section header at r->pos: id, order, length. Leaves r on its
 * contents, with r->end at the section's end. */
static int rd_section_header(struct wasm_rd *r, uint8_t *id, unsigned *last_rank, const char **last)
{
	size_t at = r->pos;
	uint32_t len;
	if (wr_byte(r, id, "section id") != 0)
		return -1;
	if (*id >= 14)
		return wr_fail(r, at, "unknown section id %u", *id);
	const struct section *s = &sections[*id];
	if (*id != 0 && (r->seen & (1u << *id)) != 0)
		return wr_fail(r, at, "duplicate %s section", s->name);
	if (*id != 0 && s->rank < *last_rank)
		return wr_fail(r, at, "%s section out of order: it must come before the %s section",
			       s->name, *last);
	if (*id != 0)
		*last_rank = s->rank, *last = s->name;
	r->seen |= 1u << *id;
	if (wr_u32(r, &len, "section length") != 0)
		return -1;
	if (len > r->end - r->pos)
		return wr_fail(r, at, "%s section: length %u runs past the end of the file (%zu bytes left)",
			       s->name, len, r->end - r->pos);
	r->end = r->pos + len;
	r->sec = s->name;
	return 0;
}

static int rd_sections(struct wasm_rd *r, struct wasm_module *m)
{
	unsigned last_rank = 0;
	const char *last = "";
	while (r->pos < r->size) {
		size_t at = r->pos;
		uint8_t id;
		r->sec = NULL;
		r->end = r->size;
		if (rd_section_header(r, &id, &last_rank, &last) != 0 ||
		    sections[id].read(r, m) != 0)
			return -1;
		if (r->pos != r->end)
			return wr_fail(r, r->pos, "%zu bytes left over at the end of the section",
				       r->end - r->pos);
		if (id == 2)
			m->import_sec_start = at, m->import_sec_end = r->end;
		else if (id == 7)
			m->export_sec_start = at, m->export_sec_end = r->end;
	}
	r->sec = NULL;
	if (m->nfuncs != 0 && (r->seen & (1u << 10)) == 0)
		return wr_fail(r, r->size, "the function section declares %u functions but there is "
			       "no code section", m->nfuncs);
	if (m->has_datacount && r->datacount != 0 && (r->seen & (1u << 11)) == 0)
		return wr_fail(r, r->size, "the data count section says %u data segments but there "
			       "is no data section", r->datacount);
	return 0;
}

/* The preamble: magic and version; a component is recognised and refused. */
static int rd_preamble(struct wasm_rd *r)
{
	static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6D };
	static const uint8_t version[4] = { 0x01, 0x00, 0x00, 0x00 };
	const uint8_t *b = r->b;
	if (r->size == 0)
		return wr_fail(r, 0, "empty file (not a WebAssembly module)");
	if (r->size < 4 || memcmp(b, magic, 4) != 0)
		return wr_fail(r, 0, "not a WebAssembly binary (the file does not start with \\0asm)");
	if (r->size < 8)
		return wr_fail(r, r->size, "truncated header: the version field needs 4 bytes");
	if (b[6] == 0x01 && b[7] == 0x00)
		return wr_fail(r, 4, "this is a WebAssembly component (version 0x%02x%02x, layer 1), "
			       "not a core module: flue-build needs the core module (the one given "
			       "to `wasm-tools component new`)", b[5], b[4]);
	if (memcmp(b + 4, version, 4) != 0)
		return wr_fail(r, 4, "unsupported binary version 0x%02x%02x%02x%02x (expected 1)",
			       b[7], b[6], b[5], b[4]);
	r->pos = 8;
	return 0;
}

/* Reads the module from `bytes`, which it takes ownership of. */
static int read_owned(struct wasm_module *m, uint8_t *bytes, size_t n, struct wasm_error *err)
{
	memset(m, 0, sizeof *m);
	m->bytes = bytes;
	m->size = n;
	struct wasm_rd r = { .b = bytes, .pos = 0, .end = n, .size = n, .err = err };
	if (rd_preamble(&r) != 0 || rd_sections(&r, m) != 0) {
		wasm_free(m);
		return -1;
	}
	return 0;
}

int wasm_read(struct wasm_module *m, const uint8_t *bytes, size_t n, struct wasm_error *err)
{
	uint8_t *copy = fb_malloc(n);
	if (n != 0)
		memcpy(copy, bytes, n);
	return read_owned(m, copy, n, err);
}

int wasm_read_file(struct wasm_module *m, const char *path, struct wasm_error *err)
{
	uint8_t *data;
	size_t n;
	memset(m, 0, sizeof *m);
	if (fb_read_file(path, &data, &n) != 0) {
		snprintf(err->msg, sizeof err->msg, "%s: %s", path, strerror(errno));
		return -1;
	}
	return read_owned(m, data, n, err);
}

/* ------------------------------------------------------------- queries */

const struct wasm_functype *wasm_func_type(const struct wasm_module *m, uint32_t funcidx)
{
	if (funcidx >= m->nimported_funcs) {
		uint32_t i = funcidx - m->nimported_funcs;
		return i < m->nfuncs ? &m->types[m->func_types[i]] : NULL;
	}
	for (uint32_t i = 0, k = 0; i < m->nimports; i++) {
		if (m->imports[i].kind != WASM_EXTERN_FUNC)
			continue;
		if (k++ == funcidx)
			return &m->types[m->imports[i].type];
	}
	return NULL;
}

const struct wasm_export *wasm_find_export(const struct wasm_module *m, const char *name)
{
	for (uint32_t i = 0; i < m->nexports; i++)
		if (strcmp(m->exports[i].name, name) == 0)
			return &m->exports[i];
	return NULL;
}

struct named {
	const char *name;
	uint32_t index;
};

static int cmp_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	return c != 0 ? c : (a->index > b->index) - (a->index < b->index);
}

bool wasm_names_duplicate(const char *const *names, uint32_t n, uint32_t *first, uint32_t *second)
{
	struct named *v = fb_calloc(n, sizeof *v);
	for (uint32_t i = 0; i < n; i++)
		v[i] = (struct named){ names[i], i };
	qsort(v, n, sizeof *v, cmp_named);
	bool dup = false;
	for (uint32_t i = 1; i < n && !dup; i++) {
		if (strcmp(v[i - 1].name, v[i].name) == 0) {
			*first = v[i - 1].index, *second = v[i].index;
			dup = true;
		}
	}
	free(v);
	return dup;
}

void wasm_free(struct wasm_module *m)
{
	for (uint32_t i = 0; m->types != NULL && i < m->ntypes; i++) {
		free(m->types[i].params);
		free(m->types[i].results);
	}
	for (uint32_t i = 0; m->imports != NULL && i < m->nimports; i++) {
		free(m->imports[i].module);
		free(m->imports[i].field);
	}
	for (uint32_t i = 0; m->exports != NULL && i < m->nexports; i++)
		free(m->exports[i].name);
	free(m->types);
	free(m->imports);
	free(m->exports);
	free(m->func_types);
	free(m->tables);
	free(m->table_elem);
	free(m->memories);
	free(m->globals);
	free(m->tag_types);
	free(m->elems);
	free(m->data);
	free(m->bytes);
	memset(m, 0, sizeof *m);
}
