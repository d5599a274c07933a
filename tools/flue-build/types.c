/*
 * WIT types as flue sees them (types.h).
 */
#include "types.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


static uint8_t num_of(enum wit_type_kind k)
{
	switch (k) {
	case WIT_T_U8: return FLUE_NUM_U8;
	case WIT_T_S8: return FLUE_NUM_S8;
	case WIT_T_U16: return FLUE_NUM_U16;
	case WIT_T_S16: return FLUE_NUM_S16;
	case WIT_T_U32: return FLUE_NUM_U32;
	case WIT_T_S32: return FLUE_NUM_S32;
	case WIT_T_U64: return FLUE_NUM_U64;
	case WIT_T_S64: return FLUE_NUM_S64;
	case WIT_T_F32: return FLUE_NUM_F32;
	case WIT_T_F64: return FLUE_NUM_F64;
	default: return 0;
	}
}

static int unsupported(const struct wit_type *t, const char *where, char *err, size_t len)
{
	struct fb_buf b = { 0 };
	fb_type_text(t, &b);
	fb_failf(err, len, "type '%s' %s is not supported by flue yet (supported: bool, integers, "
	     "f32, f64, stream/future, and records or tuples of those)", b.data, where);
	fb_buf_free(&b);
	return -1;
}

bool fb_elem_is_graph(const struct wit_type *payload)
{
	struct flue_type_desc d;
	char why[256];
	return payload != NULL && fb_elem_desc(payload, &d, why, sizeof why) != 0;
}

int fb_elem_desc(const struct wit_type *payload, struct flue_type_desc *out, char *err,
		 size_t len)
{
	memset(out, 0, sizeof *out);
	if (payload == NULL) {
		out->kind = FLUE_TYPE_UNIT;
		return 0;
	}
	const struct wit_type *t = wit_unalias(payload);
	if (num_of(t->kind) != 0) {
		out->kind = FLUE_TYPE_NUMBER;
		out->num = num_of(t->kind);
		return 0;
	}
	if (t->kind != WIT_T_RECORD && t->kind != WIT_T_TUPLE)
		return unsupported(payload, "as a stream/future element", err, len);
	if (t->nfields == 0 || t->nfields > FLUE_CONFIG_MAX_TYPE_FIELDS)
		return fb_failf(err, len, "stream/future element '%s' has %u fields; flue carries "
			    "1..%u", t->name != NULL ? t->name : "tuple", (unsigned)t->nfields,
			    (unsigned)FLUE_CONFIG_MAX_TYPE_FIELDS);
	out->kind = FLUE_TYPE_RECORD;
	out->nfields = (uint8_t)t->nfields;
	for (uint32_t i = 0; i < t->nfields; i++) {
		uint8_t n = num_of(wit_unalias(t->fields[i].type)->kind);
		if (n == 0)
			return unsupported(t->fields[i].type,
					   "in a stream/future element record (only numbers)", err,
					   len);
		out->fields[i] = n;
	}
	return 0;
}

/* One leaf: a number, bool or stream/future end. */
static int leaf_of(const struct wit_type *t, struct flue_leaf *out,
		   const struct wit_type **payload, char *err, size_t len)
{
	const struct wit_type *u = wit_unalias(t);
	*payload = NULL;
	out->elem = 0;
	if (u->kind == WIT_T_BOOL) {
		out->kind = FLUE_VAL_BOOL;
		return 0;
	}
	switch (u->kind) {
	case WIT_T_S8: out->kind = FLUE_VAL_S8; return 0;
	case WIT_T_U8: out->kind = FLUE_VAL_U8; return 0;
	case WIT_T_S16: out->kind = FLUE_VAL_S16; return 0;
	case WIT_T_U16: out->kind = FLUE_VAL_U16; return 0;
	case WIT_T_S32: out->kind = FLUE_VAL_S32; return 0;
	case WIT_T_U32: out->kind = FLUE_VAL_U32; return 0;
	case WIT_T_S64: out->kind = FLUE_VAL_S64; return 0;
	case WIT_T_U64: out->kind = FLUE_VAL_U64; return 0;
	case WIT_T_F32: out->kind = FLUE_VAL_F32; return 0;
	case WIT_T_F64: out->kind = FLUE_VAL_F64; return 0;
	case WIT_T_STREAM:
	case WIT_T_FUTURE: /* the end is a handle whatever it carries: its element
			      type is checked by fb_elem_form() (tgraph.c) */
		out->kind = u->kind == WIT_T_STREAM ? FLUE_VAL_STREAM : FLUE_VAL_FUTURE;
		*payload = u->elem;
		return 0;
	default:
		return unsupported(t, "at a call boundary", err, len);
	}
}

int fb_valtype_of(const struct wit_type *t, struct fb_valtype *out, char *err, size_t len)
{
	memset(out, 0, sizeof *out);
	const struct wit_type *u = wit_unalias(t);
	if (u->kind != WIT_T_RECORD && u->kind != WIT_T_TUPLE) {
		struct flue_leaf l;
		if (leaf_of(t, &l, &out->payload[0], err, len) != 0)
			return -1;
		out->vt.kind = l.kind;
		out->vt.elem = l.elem;
		out->npayload = l.kind == FLUE_VAL_STREAM || l.kind == FLUE_VAL_FUTURE;
		return 0;
	}
	if (u->nfields == 0 || u->nfields > FLUE_CONFIG_MAX_TYPE_FIELDS)
		return fb_failf(err, len, "'%s' has %u fields; flue passes records of 1..%u fields",
			    u->name != NULL ? u->name : "tuple", (unsigned)u->nfields,
			    (unsigned)FLUE_CONFIG_MAX_TYPE_FIELDS);
	out->vt.kind = FLUE_VAL_RECORD;
	out->vt.nfields = (uint8_t)u->nfields;
	for (uint32_t i = 0; i < u->nfields; i++) {
		const struct wit_type *f = wit_unalias(u->fields[i].type);
		if (f->kind == WIT_T_RECORD || f->kind == WIT_T_TUPLE)
			return fb_failf(err, len, "record '%s' nests a record or tuple: flue passes one "
				    "level of fields for now", u->name != NULL ? u->name : "tuple");
		const struct wit_type *p;
		if (leaf_of(u->fields[i].type, &out->vt.fields[i], &p, err, len) != 0)
			return -1;
		if (out->vt.fields[i].kind == FLUE_VAL_STREAM ||
		    out->vt.fields[i].kind == FLUE_VAL_FUTURE)
			out->payload[out->npayload++] = p;
	}
	return 0;
}

int fb_func_supported(const struct wit_func *f, char *err, size_t len)
{
	struct fb_valtype v;
	uint32_t leaves = 0;
	for (uint32_t i = 0; i < f->nparams; i++) {
		if (fb_valtype_of(f->params[i].type, &v, err, len) != 0)
			return -1;
		leaves += v.vt.kind == FLUE_VAL_RECORD ? v.vt.nfields : 1u;
	}
	if (leaves > FLUE_CONFIG_MAX_VALUES)
		return fb_failf(err, len, "'%s' has %u parameter values; flue passes at most %u",
			    f->name, (unsigned)leaves, (unsigned)FLUE_CONFIG_MAX_VALUES);
	if (f->nparams > 255)
		return fb_failf(err, len, "'%s' has too many parameters", f->name);
	if (f->result != NULL && fb_valtype_of(f->result, &v, err, len) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------- equality */

static bool same_name(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool fields_equal(const struct wit_type *a, const struct wit_type *b)
{
	if (a->nfields != b->nfields)
		return false;
	for (uint32_t i = 0; i < a->nfields; i++) {
		const struct wit_field *x = &a->fields[i], *y = &b->fields[i];
		if (!same_name(x->name, y->name))
			return false;
		if ((x->type == NULL) != (y->type == NULL))
			return false;
		if (x->type != NULL && !fb_type_equal(x->type, y->type))
			return false;
	}
	return true;
}

static bool opt_equal(const struct wit_type *a, const struct wit_type *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return fb_type_equal(a, b);
}

bool fb_type_equal(const struct wit_type *a, const struct wit_type *b)
{
	a = wit_unalias(a);
	b = wit_unalias(b);
	if (a == b)
		return true;
	if (a->kind != b->kind || a->length != b->length)
		return false;
	switch (a->kind) {
	case WIT_T_RECORD: case WIT_T_VARIANT: case WIT_T_ENUM: case WIT_T_FLAGS:
		return same_name(a->name, b->name) && fields_equal(a, b);
	case WIT_T_TUPLE:
		return fields_equal(a, b);
	case WIT_T_RESOURCE:
		return fb_resource_same(a, b);
	case WIT_T_RESULT:
		return opt_equal(a->ok, b->ok) && opt_equal(a->err, b->err);
	case WIT_T_MAP:
		return opt_equal(a->key, b->key) && opt_equal(a->elem, b->elem);
	default:
		return opt_equal(a->elem, b->elem);
	}
}

bool fb_resource_same(const struct wit_type *a, const struct wit_type *b)
{
	a = wit_unalias(a);
	b = wit_unalias(b);
	if (a == b)
		return true;
	if (a->kind != WIT_T_RESOURCE || b->kind != WIT_T_RESOURCE || !same_name(a->name, b->name))
		return false;
	if (a->iface == NULL || b->iface == NULL)
		return a->iface == b->iface && a->world != NULL && b->world != NULL &&
		       same_name(a->world->name, b->world->name);
	const struct wit_package *x = a->iface->pkg, *y = b->iface->pkg;
	return same_name(a->iface->name, b->iface->name) && x != NULL && y != NULL &&
	       same_name(x->ns, y->ns) && same_name(x->name, y->name);
}

bool fb_func_equal(const struct wit_func *a, const struct wit_func *b)
{
	if (a->async != b->async || a->nparams != b->nparams || !opt_equal(a->result, b->result))
		return false;
	for (uint32_t i = 0; i < a->nparams; i++)
		if (strcmp(a->params[i].name, b->params[i].name) != 0 ||
		    !fb_type_equal(a->params[i].type, b->params[i].type))
			return false;
	return true;
}

/* ----------------------------------------------------------------- text */

static const char *prim_text(enum wit_type_kind k)
{
	static const char *const names[] = {
		[WIT_T_BOOL] = "bool", [WIT_T_S8] = "s8", [WIT_T_U8] = "u8", [WIT_T_S16] = "s16",
		[WIT_T_U16] = "u16", [WIT_T_S32] = "s32", [WIT_T_U32] = "u32", [WIT_T_S64] = "s64",
		[WIT_T_U64] = "u64", [WIT_T_F32] = "f32", [WIT_T_F64] = "f64", [WIT_T_CHAR] = "char",
		[WIT_T_STRING] = "string",
	};
	return k <= WIT_T_STRING ? names[k] : NULL;
}

static void text_list(const char *name, const struct wit_type *a, const struct wit_type *b,
		      struct fb_buf *out)
{
	fb_buf_printf(out, "%s", name);
	if (a == NULL && b == NULL)
		return;
	fb_buf_puts(out, "<");
	if (a != NULL)
		fb_type_text(a, out);
	else
		fb_buf_puts(out, "_");
	if (b != NULL) {
		fb_buf_puts(out, ", ");
		fb_type_text(b, out);
	}
	fb_buf_puts(out, ">");
}

void fb_type_text(const struct wit_type *t, struct fb_buf *out)
{
	if (t->name != NULL) {
		fb_buf_puts(out, t->name);
		return;
	}
	const char *p = prim_text(t->kind);
	if (p != NULL) {
		fb_buf_puts(out, p);
		return;
	}
	switch (t->kind) {
	case WIT_T_LIST:
		fb_buf_puts(out, "list<");
		fb_type_text(t->elem, out);
		if (t->length > 0)
			fb_buf_printf(out, ", %u", (unsigned)t->length);
		fb_buf_puts(out, ">");
		return;
	case WIT_T_MAP: text_list("map", t->key, t->elem, out); return;
	case WIT_T_OPTION: text_list("option", t->elem, NULL, out); return;
	case WIT_T_RESULT: text_list("result", t->ok, t->err, out); return;
	case WIT_T_STREAM: text_list("stream", t->elem, NULL, out); return;
	case WIT_T_FUTURE: text_list("future", t->elem, NULL, out); return;
	case WIT_T_OWN: text_list("own", t->elem, NULL, out); return;
	case WIT_T_BORROW: text_list("borrow", t->elem, NULL, out); return;
	case WIT_T_ERROR_CONTEXT: fb_buf_puts(out, "error-context"); return;
	case WIT_T_TUPLE:
		fb_buf_puts(out, "tuple<");
		for (uint32_t i = 0; i < t->nfields; i++) {
			if (i > 0)
				fb_buf_puts(out, ", ");
			fb_type_text(t->fields[i].type, out);
		}
		fb_buf_puts(out, ">");
		return;
	default:
		fb_buf_puts(out, "(anonymous type)");
		return;
	}
}

char *fb_snake(const char *kebab)
{
	struct fb_buf b = { 0 };
	if (isdigit((unsigned char)kebab[0]))
		fb_buf_puts(&b, "_");
	for (const char *p = kebab; *p != '\0'; p++) {
		char c = *p;
		if (isalnum((unsigned char)c))
			c = (char)tolower((unsigned char)c);
		else
			c = '_';
		fb_buf_put(&b, &c, 1);
	}
	if (b.data == NULL)
		fb_buf_puts(&b, "_");
	return b.data;
}
