/*
 * Generator helpers: names wasm2c will see and give, the renamed module,
 * flue function types and the C spelling of values at the host interface.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_internal.h"

uint32_t gen_module_index(const struct fb_plan *p, const struct fb_module *m)
{
	return (uint32_t)(m - p->modules);
}

char *fb_gen_module_id(const struct fb_plan *p, const struct fb_module *m)
{
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "m%u_", (unsigned)gen_module_index(p, m));
	for (const char *s = m->id; *s != '\0'; s++) {
		char c = isalnum((unsigned char)*s) ? (char)tolower((unsigned char)*s) : '_';
		fb_buf_put(&b, &c, 1);
	}
	return b.data;
}

char *gen_mod(const struct gen *g, const struct fb_module *m)
{
	return fb_gen_module_id(g->p, m);
}

uint32_t gen_inst_slot(const struct fb_plan *p, uint32_t n)
{
	uint32_t slot = 0;
	for (uint32_t i = 0; i < n; i++)
		slot += p->insts[i].mod == p->insts[n].mod;
	return slot;
}

/* Lower case, every character but [a-z0-9_] replaced by '_': names that
 * wasm2c passes through unmangled. */
static void plain(struct fb_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		char c = isalnum((unsigned char)*s) ? (char)tolower((unsigned char)*s) : '_';
		fb_buf_put(b, &c, 1);
	}
}

static char *import_field(const struct fb_module *m, uint32_t i)
{
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "i%u_", (unsigned)i);
	plain(&b, m->wasm.imports[i].field);
	return b.data;
}

static char *export_name(const struct fb_module *m, uint32_t j)
{
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "e%u_", (unsigned)j);
	plain(&b, m->wasm.exports[j].name);
	return b.data;
}

int fb_gen_renamed_wasm(const struct fb_plan *p, const struct fb_module *m, uint8_t **out,
			size_t *len, struct fb_error *err)
{
	uint32_t ni = m->wasm.nimports, ne = m->wasm.nexports;
	char *id = fb_gen_module_id(p, m);
	struct fb_buf mod = { 0 };
	fb_buf_printf(&mod, "%s_imports", id);
	const char **mods = fb_calloc(ni, sizeof *mods);
	char **fields = fb_calloc(ni, sizeof *fields);
	char **exports = fb_calloc(ne, sizeof *exports);
	for (uint32_t i = 0; i < ni; i++) {
		mods[i] = mod.data;
		fields[i] = import_field(m, i);
	}
	for (uint32_t j = 0; j < ne; j++)
		exports[j] = export_name(m, j);
	struct wasm_error we;
	int rc = wasm_rewrite_names(&m->wasm, mods, (const char *const *)fields,
				    (const char *const *)exports, out, len, &we);
	if (rc != 0)
		snprintf(err->msg, sizeof err->msg, "%s: %s", m->wasm_path, we.msg);
	for (uint32_t i = 0; i < ni; i++)
		free(fields[i]);
	for (uint32_t j = 0; j < ne; j++)
		free(exports[j]);
	free(mods);
	free(fields);
	free(exports);
	fb_buf_free(&mod);
	free(id);
	return rc;
}

char *fb_gen_import_symbol(const struct fb_plan *p, const struct fb_module *m, uint32_t i)
{
	char *id = fb_gen_module_id(p, m), *f = import_field(m, i);
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "Z_%s_importsZ_%s", id, f);
	free(id);
	free(f);
	return b.data;
}

char *fb_gen_export_symbol(const struct fb_plan *p, const struct fb_module *m, uint32_t j)
{
	char *id = fb_gen_module_id(p, m), *e = export_name(m, j);
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "Z_%sZ_%s", id, e);
	free(id);
	free(e);
	return b.data;
}

const char *gen_core_c(uint8_t valtype)
{
	switch (valtype) {
	case WASM_I32: return "u32";
	case WASM_I64: return "u64";
	case WASM_F32: return "f32";
	default: return "f64";
	}
}

/* ------------------------------------------------------- function types */

static const char *val_kind(uint8_t k)
{
	static const char *const names[] = {
		"0", "FLUE_VAL_BOOL", "FLUE_VAL_S8", "FLUE_VAL_U8", "FLUE_VAL_S16",
		"FLUE_VAL_U16", "FLUE_VAL_S32", "FLUE_VAL_U32", "FLUE_VAL_S64", "FLUE_VAL_U64",
		"FLUE_VAL_F32", "FLUE_VAL_F64", "FLUE_VAL_STREAM", "FLUE_VAL_FUTURE",
		"FLUE_VAL_RECORD",
	};
	return k < sizeof names / sizeof names[0] ? names[k] : "0";
}

static void valtype_init(const struct gen *g, const struct wit_type *t, struct fb_buf *b)
{
	struct fb_valtype v;
	char why[256];
	(void)fb_valtype_of(t, &v, why, sizeof why); /* the plan checked it */
	uint32_t pk = 0;
	if (v.vt.kind != FLUE_VAL_RECORD) {
		uint32_t elem = v.npayload > 0 ? fb_plan_elem_id(g->p, v.payload[0]) : 0u;
		fb_buf_printf(b, "{ .kind = %s", val_kind(v.vt.kind));
		if (elem != 0) {
			char m[128];
			gen_elem_macro(g, elem, m, sizeof m);
			fb_buf_printf(b, ", .elem = %s", m);
		}
		fb_buf_puts(b, " }");
		return;
	}
	fb_buf_printf(b, "{ .kind = FLUE_VAL_RECORD, .nfields = %u, .fields = {",
		      (unsigned)v.vt.nfields);
	for (uint32_t i = 0; i < v.vt.nfields; i++) {
		uint8_t k = v.vt.fields[i].kind;
		char m[128] = "0";
		if (k == FLUE_VAL_STREAM || k == FLUE_VAL_FUTURE)
			gen_elem_macro(g, fb_plan_elem_id(g->p, v.payload[pk++]), m, sizeof m);
		fb_buf_printf(b, "%s { %s, %s }", i ? "," : "", val_kind(k), m);
	}
	fb_buf_puts(b, " } }");
}

void gen_result_valtype(const struct gen *g, const struct wit_func *f, const char *name)
{
	if (f->result == NULL)
		return;
	fb_buf_printf(g->c, "static const struct flue_valtype %s = ", name);
	valtype_init(g, f->result, g->c);
	fb_buf_puts(g->c, ";\n");
}

void gen_functype(const struct gen *g, const struct wit_func *f, const char *name)
{
	if (fb_func_is_graph(f)) {
		gen_graph_functype(g, f, name);
		return;
	}
	if (f->nparams > 0) {
		fb_buf_printf(g->c, "static const struct flue_valtype %s_params[%u] = {\n", name,
			      (unsigned)f->nparams);
		for (uint32_t i = 0; i < f->nparams; i++) {
			fb_buf_printf(g->c, "\t/* %s */ ", f->params[i].name);
			valtype_init(g, f->params[i].type, g->c);
			fb_buf_puts(g->c, ",\n");
		}
		fb_buf_puts(g->c, "};\n");
	}
	struct fb_buf rn = { 0 };
	fb_buf_printf(&rn, "%s_result", name);
	gen_result_valtype(g, f, rn.data);
	fb_buf_printf(g->c, "static const struct flue_functype %s = {\n\t.async = %s,\n"
		      "\t.nparams = %u,\n\t.params = %s%s,\n\t.result = %s%s,\n};\n", name,
		      f->async ? "true" : "false", (unsigned)f->nparams,
		      f->nparams > 0 ? name : "0", f->nparams > 0 ? "_params" : "",
		      f->result != NULL ? "&" : "0", f->result != NULL ? rn.data : "");
	fb_buf_free(&rn);
}

/* --------------------------------------------------- values at the host */

static const char *leaf_c(enum wit_type_kind k)
{
	switch (k) {
	case WIT_T_BOOL: return "bool";
	case WIT_T_S8: return "int8_t";
	case WIT_T_U8: return "uint8_t";
	case WIT_T_S16: return "int16_t";
	case WIT_T_U16: return "uint16_t";
	case WIT_T_S32: return "int32_t";
	case WIT_T_U32: return "uint32_t";
	case WIT_T_S64: return "int64_t";
	case WIT_T_U64: return "uint64_t";
	case WIT_T_F32: return "float";
	case WIT_T_F64: return "double";
	default: return NULL;
	}
}

static bool is_signed(enum wit_type_kind k)
{
	return k == WIT_T_S8 || k == WIT_T_S16 || k == WIT_T_S32 || k == WIT_T_S64;
}

static void leaf_to(const struct wit_type *u, const char *expr, const char *v, uint32_t k,
		    struct fb_buf *b)
{
	if (u->kind == WIT_T_STREAM || u->kind == WIT_T_FUTURE)
		fb_buf_printf(b, "\t%s[%u] = (%s).handle;\n", v, (unsigned)k, expr);
	else if (u->kind == WIT_T_BOOL)
		fb_buf_printf(b, "\t%s[%u] = (%s) ? 1u : 0u;\n", v, (unsigned)k, expr);
	else if (u->kind == WIT_T_F32)
		fb_buf_printf(b, "\t%s[%u] = glue_f32_bits(%s);\n", v, (unsigned)k, expr);
	else if (u->kind == WIT_T_F64)
		fb_buf_printf(b, "\t%s[%u] = glue_f64_bits(%s);\n", v, (unsigned)k, expr);
	else if (is_signed(u->kind))
		fb_buf_printf(b, "\t%s[%u] = (uint64_t)(int64_t)(%s);\n", v, (unsigned)k, expr);
	else
		fb_buf_printf(b, "\t%s[%u] = (uint64_t)(%s);\n", v, (unsigned)k, expr);
}

static void leaf_from(const struct wit_type *u, const char *lv, const char *v, uint32_t k,
		      struct fb_buf *b)
{
	if (u->kind == WIT_T_STREAM || u->kind == WIT_T_FUTURE)
		fb_buf_printf(b, "\t%s.handle = (uint32_t)%s[%u];\n", lv, v, (unsigned)k);
	else if (u->kind == WIT_T_BOOL)
		fb_buf_printf(b, "\t%s = %s[%u] != 0u;\n", lv, v, (unsigned)k);
	else if (u->kind == WIT_T_F32)
		fb_buf_printf(b, "\t%s = glue_bits_f32((uint32_t)%s[%u]);\n", lv, v, (unsigned)k);
	else if (u->kind == WIT_T_F64)
		fb_buf_printf(b, "\t%s = glue_bits_f64(%s[%u]);\n", lv, v, (unsigned)k);
	else if (is_signed(u->kind))
		fb_buf_printf(b, "\t%s = (%s)(int64_t)%s[%u];\n", lv, leaf_c(u->kind), v,
			      (unsigned)k);
	else
		fb_buf_printf(b, "\t%s = (%s)%s[%u];\n", lv, leaf_c(u->kind), v, (unsigned)k);
}

static char *field_expr(const char *base, const struct wit_field *f, uint32_t i)
{
	struct fb_buf b = { 0 };
	if (f->name != NULL) {
		char *s = fb_snake(f->name);
		fb_buf_printf(&b, "(%s).%s", base, s);
		free(s);
	} else {
		fb_buf_printf(&b, "(%s).f%u", base, (unsigned)i);
	}
	return b.data;
}

void gen_to_values(const struct gen *g, const struct wit_type *t, const char *expr,
		   const char *v, uint32_t *k, struct fb_buf *b)
{
	(void)g;
	const struct wit_type *u = wit_unalias(t);
	if (u->kind != WIT_T_RECORD && u->kind != WIT_T_TUPLE) {
		leaf_to(u, expr, v, (*k)++, b);
		return;
	}
	for (uint32_t i = 0; i < u->nfields; i++) {
		char *e = field_expr(expr, &u->fields[i], i);
		leaf_to(wit_unalias(u->fields[i].type), e, v, (*k)++, b);
		free(e);
	}
}

void gen_from_values(const struct gen *g, const struct wit_type *t, const char *lv,
		     const char *v, uint32_t *k, struct fb_buf *b)
{
	(void)g;
	const struct wit_type *u = wit_unalias(t);
	if (u->kind != WIT_T_RECORD && u->kind != WIT_T_TUPLE) {
		leaf_from(u, lv, v, (*k)++, b);
		return;
	}
	for (uint32_t i = 0; i < u->nfields; i++) {
		char *e = field_expr(lv, &u->fields[i], i);
		leaf_from(wit_unalias(u->fields[i].type), e, v, (*k)++, b);
		free(e);
	}
}

/* The C type of a leaf at the host interface. */
void gen_leaf_ctype(const struct gen *g, const struct wit_type *u, struct fb_buf *b);
void gen_leaf_ctype(const struct gen *g, const struct wit_type *u, struct fb_buf *b)
{
	const char *c = leaf_c(u->kind);
	if (c == NULL && (u->kind == WIT_T_OWN || u->kind == WIT_T_BORROW ||
			  u->kind == WIT_T_ERROR_CONTEXT))
		c = "uint32_t"; /* an index in the host's table (a borrow of the host's own: the rep) */
	if (c != NULL) {
		fb_buf_puts(b, c);
		return;
	}
	uint32_t id = fb_plan_elem_id(g->p, u->elem);
	fb_buf_printf(b, "%s_%s_%s_t", g->p->name, u->kind == WIT_T_STREAM ? "stream" : "future",
		      fb_plan_elem_name(g->p, id));
}

void gen_elem_macro(const struct gen *g, uint32_t id, char *buf, size_t len)
{
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "%s_ELEM_%s", g->p->name, fb_plan_elem_name(g->p, id));
	for (char *s = b.data; *s != '\0'; s++)
		*s = (char)toupper((unsigned char)*s);
	snprintf(buf, len, "%s", b.data);
	fb_buf_free(&b);
}

/* -------------------------------------------------------- flat conversions */

/* wasm2c value `expr` of core type vt as a flue_flat_t. */
void gen_to_flat(uint8_t vt, const char *expr, struct fb_buf *b)
{
	switch (vt) {
	case WASM_F32: fb_buf_printf(b, "glue_f32_bits(%s)", expr); break;
	case WASM_F64: fb_buf_printf(b, "glue_f64_bits(%s)", expr); break;
	default: fb_buf_printf(b, "(flue_flat_t)%s", expr); break;
	}
}

/* flue_flat_t `expr` as a wasm2c value of core type vt. */
void gen_from_flat(uint8_t vt, const char *expr, struct fb_buf *b)
{
	switch (vt) {
	case WASM_I32: fb_buf_printf(b, "(u32)%s", expr); break;
	case WASM_F32: fb_buf_printf(b, "glue_bits_f32((uint32_t)%s)", expr); break;
	case WASM_F64: fb_buf_printf(b, "glue_bits_f64(%s)", expr); break;
	default: fb_buf_printf(b, "%s", expr); break;
	}
}

uint32_t gen_pow2_at_least(uint32_t v)
{
	uint32_t p = 32u;
	while (p < v)
		p <<= 1;
	return p;
}

uint32_t gen_table_capacity(const struct fb_module *m)
{
	if (m->wasm.ntables == 0)
		return 0;
	const struct wasm_limits *l = &m->wasm.tables[0];
	return (uint32_t)(l->has_max ? l->max : l->min);
}

void gen_from_flat_args(const struct wasm_functype *ft, const char *src, struct fb_buf *b)
{
	for (uint32_t k = 0; k < ft->nparams; k++) {
		char a[64];
		snprintf(a, sizeof a, "%s[%u]", src, (unsigned)k);
		fb_buf_puts(b, ", ");
		gen_from_flat(ft->params[k], a, b);
	}
}

uint32_t gen_fiber_stacks(const struct gen *g)
{
	return fb_plan_fiber_stacks(g->p, g->o->stacks);
}

/* A call of export j of m with flat args `src` (the glue's and the
 * resource destructors' bodies; through the gate when isolated). */
void gen_export_call(const struct gen *g, const struct fb_module *m, int j, const char *src,
		     struct fb_buf *b)
{
	const struct wasm_export *ex = &m->wasm.exports[j];
	const struct wasm_functype *ft = wasm_func_type(&m->wasm, ex->index);
	char *sym = fb_gen_export_symbol(g->p, m, (uint32_t)j);
	if (g->o->isolate) { /* through the gate: gen_isolate.c's wrapper */
		char *id = gen_mod(g, m);
		fb_buf_printf(b, "%s_x%u(c->self", id, (unsigned)j);
		free(id);
	} else
		fb_buf_printf(b, "%s(&c->self->w", sym);
	gen_from_flat_args(ft, src, b);
	fb_buf_puts(b, ")");
	free(sym);
}
