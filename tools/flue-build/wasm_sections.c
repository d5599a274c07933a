/*
 * flue-build: the sections of a core WebAssembly binary (wasm.h), one
 * reader per section id, on the primitives of wasm.c (wasm_internal.h).
 */
#include "wasm.h"
#include "wasm_internal.h"
#include "util.h"

#include <stdlib.h>

int wr_sec_type(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->ntypes, "type count") != 0)
		return -1;
	m->types = fb_calloc(m->ntypes, sizeof *m->types);
	for (uint32_t i = 0; i < m->ntypes; i++) {
		struct wasm_functype *t = &m->types[i];
		uint8_t form;
		if (wr_byte(r, &form, "type form") != 0)
			return -1;
		if (form != 0x60)
			return wr_fail(r, r->pos - 1,
				       "type %u: form 0x%02x is not a function type (0x60); "
				       "GC, recursive and sub types are not supported", i, form);
		if (wr_valtypes(r, &t->nparams, &t->params, "parameter type") != 0 ||
		    wr_valtypes(r, &t->nresults, &t->results, "result type") != 0)
			return -1;
	}
	return 0;
}

static int rd_import_desc(struct wasm_rd *r, struct wasm_module *m, struct wasm_import *im, uint32_t i)
{
	size_t at = r->pos;
	if (wr_byte(r, &im->kind, "import kind") != 0)
		return -1;
	switch (im->kind) {
	case WASM_EXTERN_FUNC:
		m->nimported_funcs++;
		return wr_typeidx(r, m, &im->type, "imported function");
	case WASM_EXTERN_TABLE:
		m->nimported_tables++;
		if (wr_valtype(r, &im->valtype, true, "imported table") != 0)
			return -1;
		return wr_limits(r, &im->limits, false, "imported table");
	case WASM_EXTERN_MEMORY:
		m->nimported_memories++;
		return wr_limits(r, &im->limits, true, "imported memory");
	case WASM_EXTERN_GLOBAL:
		m->nimported_globals++;
		return wr_globaltype(r, &im->valtype, &im->mut, "imported global");
	case WASM_EXTERN_TAG:
		m->nimported_tags++;
		return wr_tagtype(r, m, &im->type, "imported tag");
	default:
		return wr_fail(r, at, "import %u: unknown import kind 0x%02x", i, im->kind);
	}
}

int wr_sec_import(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->nimports, "import count") != 0)
		return -1;
	m->imports = fb_calloc(m->nimports, sizeof *m->imports);
	for (uint32_t i = 0; i < m->nimports; i++) {
		struct wasm_import *im = &m->imports[i];
		im->offset = r->pos;
		if (wr_name(r, &im->module, "import module name") != 0 ||
		    wr_name(r, &im->field, "import field name") != 0)
			return -1;
		im->desc_start = r->pos;
		if (rd_import_desc(r, m, im, i) != 0)
			return -1;
		im->desc_end = r->pos;
	}
	return 0;
}

int wr_sec_function(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->nfuncs, "function count") != 0)
		return -1;
	m->func_types = fb_calloc(m->nfuncs, sizeof *m->func_types);
	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (wr_typeidx(r, m, &m->func_types[i], "function") != 0)
			return -1;
	return 0;
}

int wr_sec_table(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->ntables, "table count") != 0)
		return -1;
	m->tables = fb_calloc(m->ntables, sizeof *m->tables);
	m->table_elem = fb_calloc(m->ntables, 1);
	for (uint32_t i = 0; i < m->ntables; i++) {
		uint8_t b0 = r->pos < r->end ? r->b[r->pos] : 0;
		struct cexpr init;
		if (b0 == 0x40) { /* 0x40 0x00 tabletype expr: a table with an initialiser */
			uint8_t zero;
			if (wr_skip(r, 1, "table") != 0 || wr_byte(r, &zero, "table") != 0)
				return -1;
			if (zero != 0)
				return wr_fail(r, r->pos - 1, "table %u: reserved byte 0x%02x is not 0",
					       i, zero);
		}
		if (wr_valtype(r, &m->table_elem[i], true, "table") != 0 ||
		    wr_limits(r, &m->tables[i], false, "table") != 0)
			return -1;
		if (b0 == 0x40 && wr_const_expr(r, &init, "table initialiser") != 0)
			return -1;
	}
	return 0;
}

int wr_sec_memory(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->nmemories, "memory count") != 0)
		return -1;
	m->memories = fb_calloc(m->nmemories, sizeof *m->memories);
	for (uint32_t i = 0; i < m->nmemories; i++)
		if (wr_limits(r, &m->memories[i], true, "memory") != 0)
			return -1;
	return 0;
}

int wr_sec_tag(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->ntags, "tag count") != 0)
		return -1;
	m->tag_types = fb_calloc(m->ntags, sizeof *m->tag_types);
	for (uint32_t i = 0; i < m->ntags; i++)
		if (wr_tagtype(r, m, &m->tag_types[i], "tag") != 0)
			return -1;
	return 0;
}

int wr_sec_global(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->nglobals, "global count") != 0)
		return -1;
	m->globals = fb_calloc(m->nglobals, sizeof *m->globals);
	for (uint32_t i = 0; i < m->nglobals; i++) {
		struct wasm_global *g = &m->globals[i];
		struct cexpr ce;
		if (wr_globaltype(r, &g->valtype, &g->mut, "global") != 0 ||
		    wr_const_expr(r, &ce, "global initialiser") != 0)
			return -1;
		g->const_init = ce.op != 0;
		g->init = g->const_init ? ce.value : 0;
	}
	return 0;
}

/* Number of entries in the index space of an extern kind. */
static uint32_t space_size(const struct wasm_module *m, uint8_t kind)
{
	switch (kind) {
	case WASM_EXTERN_FUNC: return m->nimported_funcs + m->nfuncs;
	case WASM_EXTERN_TABLE: return m->nimported_tables + m->ntables;
	case WASM_EXTERN_MEMORY: return m->nimported_memories + m->nmemories;
	case WASM_EXTERN_GLOBAL: return m->nimported_globals + m->nglobals;
	default: return m->nimported_tags + m->ntags;
	}
}

int wr_sec_export(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->nexports, "export count") != 0)
		return -1;
	m->exports = fb_calloc(m->nexports, sizeof *m->exports);
	for (uint32_t i = 0; i < m->nexports; i++) {
		struct wasm_export *e = &m->exports[i];
		e->offset = r->pos;
		if (wr_name(r, &e->name, "export name") != 0)
			return -1;
		e->desc_start = r->pos;
		if (wr_byte(r, &e->kind, "export kind") != 0)
			return -1;
		if (e->kind > WASM_EXTERN_TAG)
			return wr_fail(r, r->pos - 1, "export %u: unknown export kind 0x%02x", i, e->kind);
		static const char *const spaces[] = { "function", "table", "memory", "global", "tag" };
		if (wr_index(r, space_size(m, e->kind), &e->index, spaces[e->kind], "export") != 0)
			return -1;
		e->desc_end = r->pos;
	}
	const char **names = fb_calloc(m->nexports, sizeof *names);
	for (uint32_t i = 0; i < m->nexports; i++)
		names[i] = m->exports[i].name;
	uint32_t a, b;
	bool dup = wasm_names_duplicate(names, m->nexports, &a, &b);
	free(names);
	if (dup)
		return wr_fail(r, m->exports[b].offset, "exports %u and %u are both named \"%.80s\"", a,
			       b, m->exports[b].name);
	return 0;
}

int wr_sec_start(struct wasm_rd *r, struct wasm_module *m)
{
	m->has_start = true;
	return wr_index(r, space_size(m, WASM_EXTERN_FUNC), &m->start, "function", "start");
}

static int rd_elem(struct wasm_rd *r, struct wasm_module *m, struct wasm_elem *e, uint32_t i)
{
	size_t at = r->pos;
	uint32_t flags, x;
	struct cexpr ce;
	if (wr_u32(r, &flags, "element segment flags") != 0)
		return -1;
	if (flags > 7)
		return wr_fail(r, at, "element segment %u: unknown flags %u", i, flags);
	e->flags = (uint8_t)flags;
	e->exprs = (flags & 4u) != 0;
	e->mode = (flags & 1u) == 0 ? WASM_SEG_ACTIVE
		: (flags & 2u) != 0 ? WASM_SEG_DECLARATIVE : WASM_SEG_PASSIVE;
	e->reftype = WASM_FUNCREF;
	if (e->mode == WASM_SEG_ACTIVE) {
		if ((flags & 2u) != 0 &&
		    wr_index(r, space_size(m, WASM_EXTERN_TABLE), &e->table, "table",
			     "element segment") != 0)
			return -1;
		if (wr_const_expr(r, &ce, "element segment offset") != 0)
			return -1;
		e->const_offset = wr_const_offset(&ce, &e->offset);
	}
	if ((flags & 3u) != 0 && e->exprs) {
		if (wr_valtype(r, &e->reftype, true, "element segment") != 0)
			return -1;
	} else if ((flags & 3u) != 0) {
		uint8_t kind;
		if (wr_byte(r, &kind, "element kind") != 0)
			return -1;
		if (kind != 0)
			return wr_fail(r, r->pos - 1, "element segment %u: unknown element kind 0x%02x",
				       i, kind);
	}
	if (wr_count(r, &e->count, "element count") != 0)
		return -1;
	for (uint32_t k = 0; k < e->count; k++) {
		int rc = e->exprs ? wr_const_expr(r, &ce, "element expression")
				  : wr_index(r, space_size(m, WASM_EXTERN_FUNC), &x, "function",
					     "element");
		if (rc != 0)
			return -1;
	}
	return 0;
}

int wr_sec_element(struct wasm_rd *r, struct wasm_module *m)
{
	if (wr_count(r, &m->nelem, "element segment count") != 0)
		return -1;
	m->elems = fb_calloc(m->nelem, sizeof *m->elems);
	for (uint32_t i = 0; i < m->nelem; i++)
		if (rd_elem(r, m, &m->elems[i], i) != 0)
			return -1;
	return 0;
}

int wr_sec_datacount(struct wasm_rd *r, struct wasm_module *m)
{
	m->has_datacount = true;
	return wr_u32(r, &r->datacount, "data count");
}

int wr_sec_code(struct wasm_rd *r, struct wasm_module *m)
{
	size_t at = r->pos;
	uint32_t n;
	if (wr_count(r, &n, "function body count") != 0)
		return -1;
	if (n != m->nfuncs)
		return wr_fail(r, at, "%u function bodies, but the function section declares %u functions",
			       n, m->nfuncs);
	for (uint32_t i = 0; i < n; i++) {
		size_t body = r->pos;
		uint32_t len;
		if (wr_u32(r, &len, "function body size") != 0)
			return -1;
		if (len > r->end - r->pos)
			return wr_fail(r, body, "function body %u: size %u runs past the end of the section",
				       i, len);
		r->pos += len;
	}
	m->code_bytes = r->end - at;
	m->code_sec_start = at;
	m->code_sec_end = r->end;
	return 0;
}

static int rd_data(struct wasm_rd *r, struct wasm_module *m, struct wasm_data *d, uint32_t i)
{
	size_t at = r->pos;
	uint32_t flags;
	struct cexpr ce;
	if (wr_u32(r, &flags, "data segment flags") != 0)
		return -1;
	if (flags > 2)
		return wr_fail(r, at, "data segment %u: unknown flags %u", i, flags);
	d->mode = flags == 1 ? WASM_SEG_PASSIVE : WASM_SEG_ACTIVE;
	if (flags == 2 && wr_index(r, space_size(m, WASM_EXTERN_MEMORY), &d->memory, "memory",
				   "data segment") != 0)
		return -1;
	if (d->mode == WASM_SEG_ACTIVE) {
		if (wr_const_expr(r, &ce, "data segment offset") != 0)
			return -1;
		d->const_offset = wr_const_offset(&ce, &d->offset);
	}
	size_t len_at = r->pos;
	if (wr_u32(r, &d->size, "data segment size") != 0)
		return -1;
	if (d->size > r->end - r->pos)
		return wr_fail(r, len_at, "data segment %u: size %u runs past the end of the section", i,
			       d->size);
	d->file_offset = r->pos;
	r->pos += d->size;
	m->data_bytes += d->size;
	if (d->mode == WASM_SEG_ACTIVE && d->memory == 0 && d->const_offset) {
		uint64_t end = d->offset + d->size;
		end = end < d->offset ? UINT64_MAX : end;
		m->data_end = end > m->data_end ? end : m->data_end;
	}
	return 0;
}

int wr_sec_data(struct wasm_rd *r, struct wasm_module *m)
{
	size_t at = r->pos;
	if (wr_count(r, &m->ndata, "data segment count") != 0)
		return -1;
	if (m->has_datacount && m->ndata != r->datacount)
		return wr_fail(r, at, "%u data segments, but the data count section says %u", m->ndata,
			       r->datacount);
	m->data = fb_calloc(m->ndata, sizeof *m->data);
	for (uint32_t i = 0; i < m->ndata; i++)
		if (rd_data(r, m, &m->data[i], i) != 0)
			return -1;
	return 0;
}

int wr_sec_custom(struct wasm_rd *r, struct wasm_module *m)
{
	(void)m;
	if (wr_name(r, NULL, "custom section name") != 0)
		return -1;
	r->pos = r->end; /* the payload is not ours to read */
	return 0;
}
