/*
 * The C types of the host interface (`<prog>.h`): one typedef per WIT
 * record or tuple a flat-form function passes, and, for the functions
 * that take the graph form at the host edge (gen_hval.c), one per
 * compound type they hold at any depth: records and tuples as structs,
 * variants, options and results as a tag plus a union of payloads, enums
 * and flags as unsigned integers with #defined cases and bits, strings and
 * lists as views.
 *
 * Types are registered children first, so the header defines each before
 * it is used; a flat program registers only its top-level records and
 * tuples, in the order it always did, so its header does not change.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_hval.h"

void gen_leaf_ctype(const struct gen *g, const struct wit_type *u, struct fb_buf *b);

static struct gen_named *named;
static uint32_t nnamed;

const struct gen_named *gen_named_at(uint32_t k)
{
	return &named[k];
}

uint32_t gen_named_count(void)
{
	return nnamed;
}

int gen_named_index(const struct wit_type *t)
{
	for (uint32_t i = 0; i < nnamed; i++)
		if (fb_type_equal(named[i].t, t))
			return (int)i;
	return -1;
}

/* An anonymous type's name part: "tuple", "option", "list", ... */
static const char *anon_word(enum wit_type_kind k)
{
	switch (k) {
	case WIT_T_OPTION: return "option";
	case WIT_T_RESULT: return "result";
	case WIT_T_LIST: return "list";
	case WIT_T_MAP: return "map";
	default: return "tuple";
	}
}

static void add(const struct gen *g, const struct wit_type *u)
{
	struct fb_buf b = { 0 };
	if (u->kind == WIT_T_STRING) {
		fb_buf_printf(&b, "%s_string", g->p->name);
	} else if (u->name != NULL) {
		char *s = fb_snake(u->name);
		fb_buf_printf(&b, "%s_%s", g->p->name, s);
		free(s);
	} else {
		fb_buf_printf(&b, "%s_%s%u", g->p->name, anon_word(u->kind), (unsigned)nnamed);
	}
	for (uint32_t i = 0; i < nnamed; i++)
		if (strncmp(named[i].name, b.data, b.len) == 0 && named[i].name[b.len] == '_')
			fb_buf_printf(&b, "%u", (unsigned)nnamed); /* same name, other type */
	fb_buf_puts(&b, "_t");
	named = fb_realloc(named, (nnamed + 1u) * sizeof *named);
	named[nnamed++] = (struct gen_named){ u, b.data, false };
}

/* A flat-form function's top-level record or tuple. */
void gen_named_flat(const struct gen *g, const struct wit_type *t)
{
	const struct wit_type *u = wit_unalias(t);
	if ((u->kind != WIT_T_RECORD && u->kind != WIT_T_TUPLE) || gen_named_index(u) >= 0)
		return;
	add(g, u);
}

/* A graph-form function's type: every compound part, children first. */
void gen_named_deep(const struct gen *g, const struct wit_type *t)
{
	const struct wit_type *u = wit_unalias(t);
	switch (u->kind) {
	case WIT_T_LIST: case WIT_T_OPTION:
		gen_named_deep(g, u->elem);
		break;
	case WIT_T_MAP:
		gen_named_deep(g, u->key);
		gen_named_deep(g, u->elem);
		break;
	case WIT_T_RESULT:
		if (u->ok != NULL)
			gen_named_deep(g, u->ok);
		if (u->err != NULL)
			gen_named_deep(g, u->err);
		break;
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < u->nfields; i++)
			if (u->fields[i].type != NULL)
				gen_named_deep(g, u->fields[i].type);
		break;
	case WIT_T_STRING: case WIT_T_ENUM: case WIT_T_FLAGS:
		break;
	default:
		return; /* numbers, bool, char: C leaves */
	}
	int k = gen_named_index(u);
	if (k < 0) {
		add(g, u);
		k = (int)nnamed - 1;
	}
	named[k].graph = true; /* conversions (gen_hval.c) */
}

void gen_ctype(const struct gen *g, const struct wit_type *t, struct fb_buf *b)
{
	const struct wit_type *u = wit_unalias(t);
	int k = gen_named_index(u);
	if (k >= 0)
		fb_buf_puts(b, named[k].name);
	else if (u->kind == WIT_T_CHAR) /* a code point */
		fb_buf_puts(b, "uint32_t");
	else
		gen_leaf_ctype(g, u, b);
}

void gen_named_free(void)
{
	for (uint32_t i = 0; i < nnamed; i++)
		free(named[i].name);
	free(named);
	named = NULL;
	nnamed = 0;
}

/* "<PROG>_<TYPE>" for a named type's #defines (its C name without _t). */
void gen_named_macro(uint32_t k, struct fb_buf *b)
{
	const char *n = named[k].name;
	size_t len = strlen(n) - 2u;
	for (size_t i = 0; i < len; i++)
		fb_buf_printf(b, "%c", toupper((unsigned char)n[i]));
}

/* Case i of a variant, option or result: its name and payload (NULL: none). */
struct gen_case gen_case(const struct wit_type *u, uint32_t i)
{
	if (u->kind == WIT_T_OPTION)
		return i == 0 ? (struct gen_case){ "none", NULL } : (struct gen_case){ "some", u->elem };
	if (u->kind == WIT_T_RESULT)
		return i == 0 ? (struct gen_case){ "ok", u->ok } : (struct gen_case){ "err", u->err };
	return (struct gen_case){ u->fields[i].name, u->fields[i].type };
}

uint32_t gen_ncases(const struct wit_type *u)
{
	return u->kind == WIT_T_VARIANT || u->kind == WIT_T_ENUM ? u->nfields : 2u;
}

/* ------------------------------------------------------ parameter lists */

/* A WIT parameter's C name: snake case, with a '_' appended when it would
 * be a C keyword or one of the names the generated functions use
 * themselves: done, user, call; w, at and rc, the writer, offset and
 * return code of a graph-typed binding's `<c-name>_args()`, which takes
 * the params next to them (a param `w` failed to compile there). */
char *gen_param_name(const char *wit)
{
	static const char *const reserved[] = {
		"auto", "break", "case", "char", "const", "continue", "default", "do", "double",
		"else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
		"register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
		"switch", "typedef", "union", "unsigned", "void", "volatile", "while", "bool",
		"true", "false", "done", "user", "call", "w", "at", "rc",
	};
	char *s = fb_snake(wit);
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
		if (strcmp(s, reserved[i]) == 0) {
			struct fb_buf b = { 0 };
			fb_buf_printf(&b, "%s_", s);
			free(s);
			return b.data;
		}
	}
	return s;
}

void gen_c_params(const struct gen *g, const struct wit_func *f, struct fb_buf *b, bool first)
{
	for (uint32_t i = 0; i < f->nparams; i++) {
		char *s = gen_param_name(f->params[i].name);
		fb_buf_puts(b, first && i == 0 ? "" : ", ");
		gen_ctype(g, f->params[i].type, b);
		fb_buf_printf(b, " %s", s);
		free(s);
	}
	if (first && f->nparams == 0)
		fb_buf_puts(b, "void");
}

void gen_wit_signature(const struct wit_func *f, struct fb_buf *b)
{
	fb_buf_printf(b, "%sfunc(", f->async ? "async " : "");
	for (uint32_t i = 0; i < f->nparams; i++) {
		fb_buf_printf(b, "%s%s: ", i ? ", " : "", f->params[i].name);
		fb_type_text(f->params[i].type, b);
	}
	fb_buf_puts(b, ")");
	if (f->result != NULL) {
		fb_buf_puts(b, " -> ");
		fb_type_text(f->result, b);
	}
}

/* ----------------------------------------------------------- typedefs */

static void field_name(const struct wit_field *f, uint32_t k, struct fb_buf *b)
{
	if (f->name != NULL) {
		char *s = fb_snake(f->name);
		fb_buf_puts(b, s);
		free(s);
	} else {
		fb_buf_printf(b, "f%u", (unsigned)k);
	}
}

static void struct_type(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = named[k].t;
	struct fb_buf *h = g->h;
	fb_buf_printf(h, "\n/* WIT %s%s */\ntypedef struct {\n",
		      u->kind == WIT_T_RECORD ? "record " : "tuple", u->name != NULL ? u->name : "");
	for (uint32_t i = 0; i < u->nfields; i++) {
		fb_buf_puts(h, "\t");
		gen_ctype(g, u->fields[i].type, h);
		fb_buf_puts(h, " ");
		field_name(&u->fields[i], i, h);
		fb_buf_puts(h, ";\n");
	}
	fb_buf_printf(h, "} %s;\n", named[k].name);
}

/* enum: its case number; flags: a bit per flag (the narrowest width). */
static void int_type(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = named[k].t;
	bool flags = u->kind == WIT_T_FLAGS;
	fb_buf_printf(g->h, "\n/* WIT %s %s: %s */\ntypedef %s %s;\n", flags ? "flags" : "enum",
		      u->name, flags ? "a bit per flag" : "its case",
		      !flags || u->nfields > 16u ? "uint32_t" : u->nfields > 8u ? "uint16_t" :
		      "uint8_t", named[k].name);
	for (uint32_t i = 0; i < u->nfields; i++) {
		fb_buf_puts(g->h, "#define ");
		gen_named_macro(k, g->h);
		char *s = fb_snake(u->fields[i].name);
		for (char *c = s; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		if (flags)
			fb_buf_printf(g->h, "_%s (1u << %u)\n", s, (unsigned)i);
		else
			fb_buf_printf(g->h, "_%s %uu\n", s, (unsigned)i);
		free(s);
	}
}

/* A variant, option or result: its tag, a union of the payloads. */
static void variant_type(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = named[k].t;
	struct fb_buf *h = g->h;
	uint32_t n = gen_ncases(u), payloads = 0;
	fb_buf_puts(h, "\n/* WIT ");
	if (u->name != NULL)
		fb_buf_printf(h, "variant %s", u->name);
	else
		fb_type_text(u, h);
	fb_buf_printf(h, ": `tag` is the case (%s), `u` its payload */\ntypedef struct {\n"
		      "\tuint32_t tag;\n", u->kind == WIT_T_OPTION ? "0 none, 1 some" :
		      u->kind == WIT_T_RESULT ? "0 ok, 1 err" : "below");
	for (uint32_t i = 0; i < n; i++) {
		struct gen_case c = gen_case(u, i);
		if (c.type == NULL)
			continue;
		fb_buf_puts(h, payloads++ == 0 ? "\tunion {\n" : "");
		fb_buf_puts(h, "\t\t");
		gen_ctype(g, c.type, h);
		char *s = fb_snake(c.name);
		fb_buf_printf(h, " %s;\n", s);
		free(s);
	}
	fb_buf_printf(h, "%s} %s;\n", payloads > 0 ? "\t} u;\n" : "", named[k].name);
	for (uint32_t i = 0; u->kind == WIT_T_VARIANT && i < n; i++) {
		fb_buf_puts(h, "#define ");
		gen_named_macro(k, h);
		char *s = fb_snake(u->fields[i].name);
		for (char *c = s; *c != '\0'; c++)
			*c = (char)toupper((unsigned char)*c);
		fb_buf_printf(h, "_%s %uu\n", s, (unsigned)i);
		free(s);
	}
}

/* A string, list or map: a view (and a list's or map's element accessor). */
static void view_type(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = named[k].t;
	const char *n = named[k].name;
	struct fb_buf *h = g->h, e = { 0 };
	if (u->kind == WIT_T_STRING) {
		fb_buf_printf(h, "\n/* WIT string: UTF-8 bytes. Given to the program (a host function's\n"
			      " * params, an export's result), it points into guest memory and is\n"
			      " * valid only inside that call: copy what you keep. */\ntypedef struct "
			      "{\n\tconst uint8_t *ptr;\n\tuint32_t len;\n} %s;\n", n);
		return;
	}
	if (u->kind == WIT_T_MAP) {
		fb_buf_printf(&e, "%.*s_entry_t", (int)(strlen(n) - 2u), n);
		fb_buf_puts(h, "\n/* An entry of WIT ");
		fb_type_text(u, h);
		fb_buf_puts(h, " */\ntypedef struct {\n\t");
		gen_ctype(g, u->key, h);
		fb_buf_puts(h, " key;\n\t");
		gen_ctype(g, u->elem, h);
		fb_buf_printf(h, " value;\n} %s;\n", e.data);
	} else {
		gen_ctype(g, u->elem, &e);
	}
	fb_buf_puts(h, "\n/* WIT ");
	fb_type_text(u, h);
	fb_buf_printf(h, ": `len` elements. The program gives them in `elems` (a C array;\n"
		      " * `view` zeroed). Given to the program, `view` shows them in guest memory\n"
		      " * (valid only inside that call) and `elems` points at them there only\n"
		      " * when their layout is C's (integers, chars; not floats, whose NaNs\n"
		      " * only _get() shows canonical), else NULL: read element i\n"
		      " * with %.*s_get(), which works for both. */\ntypedef struct {\n"
		      "\tconst %s *elems;\n\tuint32_t len;\n\tstruct flue_hval view;\n} %s;\n"
		      "/** @brief Element i of `l` into `*out`. @retval 0, FLUE_EINVAL (i >= len) */\n"
		      "int %.*s_get(const %s *l, uint32_t i, %s *out);\n", (int)(strlen(n) - 2u), n,
		      e.data, n, (int)(strlen(n) - 2u), n, n, e.data);
	fb_buf_free(&e);
}

void gen_ctype_typedefs(const struct gen *g)
{
	for (uint32_t k = 0; k < nnamed; k++) {
		switch (named[k].t->kind) {
		case WIT_T_RECORD: case WIT_T_TUPLE:
			struct_type(g, k);
			break;
		case WIT_T_ENUM: case WIT_T_FLAGS:
			int_type(g, k);
			break;
		case WIT_T_VARIANT: case WIT_T_OPTION: case WIT_T_RESULT:
			variant_type(g, k);
			break;
		default: /* string, list, map */
			view_type(g, k);
			break;
		}
	}
}
