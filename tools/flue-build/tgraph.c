/*
 * Function forms and type graphs (tgraph.h).
 */
#include "tgraph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "util.h"


static char *text_of(const struct wit_type *t)
{
	struct fb_buf b = { 0 };
	fb_type_text(t, &b);
	return b.data;
}

/* ---------------------------------------------------------------- nodes */

const char *fb_tgraph_kind_name(uint8_t kind)
{
	static const char *const names[] = {
		[FLUE_VT_BOOL] = "FLUE_VT_BOOL", [FLUE_VT_S8] = "FLUE_VT_S8",
		[FLUE_VT_U8] = "FLUE_VT_U8", [FLUE_VT_S16] = "FLUE_VT_S16",
		[FLUE_VT_U16] = "FLUE_VT_U16", [FLUE_VT_S32] = "FLUE_VT_S32",
		[FLUE_VT_U32] = "FLUE_VT_U32", [FLUE_VT_S64] = "FLUE_VT_S64",
		[FLUE_VT_U64] = "FLUE_VT_U64", [FLUE_VT_F32] = "FLUE_VT_F32",
		[FLUE_VT_F64] = "FLUE_VT_F64", [FLUE_VT_CHAR] = "FLUE_VT_CHAR",
		[FLUE_VT_STRING] = "FLUE_VT_STRING", [FLUE_VT_LIST] = "FLUE_VT_LIST",
		[FLUE_VT_RECORD] = "FLUE_VT_RECORD", [FLUE_VT_TUPLE] = "FLUE_VT_TUPLE",
		[FLUE_VT_VARIANT] = "FLUE_VT_VARIANT", [FLUE_VT_ENUM] = "FLUE_VT_ENUM",
		[FLUE_VT_OPTION] = "FLUE_VT_OPTION", [FLUE_VT_RESULT] = "FLUE_VT_RESULT",
		[FLUE_VT_FLAGS] = "FLUE_VT_FLAGS", [FLUE_VT_MAP] = "FLUE_VT_MAP",
		[FLUE_VT_STREAM] = "FLUE_VT_STREAM", [FLUE_VT_FUTURE] = "FLUE_VT_FUTURE",
		[FLUE_VT_OWN] = "FLUE_VT_OWN", [FLUE_VT_BORROW] = "FLUE_VT_BORROW",
		[FLUE_VT_ERROR_CONTEXT] = "FLUE_VT_ERROR_CONTEXT",
	};
	return kind < sizeof names / sizeof names[0] && names[kind] != NULL ? names[kind] : "0";
}

/* The node kind of a WIT type without children (0: it has children). */
static uint8_t leaf_kind(enum wit_type_kind k)
{
	switch (k) {
	case WIT_T_BOOL: return FLUE_VT_BOOL;
	case WIT_T_S8: return FLUE_VT_S8;
	case WIT_T_U8: return FLUE_VT_U8;
	case WIT_T_S16: return FLUE_VT_S16;
	case WIT_T_U16: return FLUE_VT_U16;
	case WIT_T_S32: return FLUE_VT_S32;
	case WIT_T_U32: return FLUE_VT_U32;
	case WIT_T_S64: return FLUE_VT_S64;
	case WIT_T_U64: return FLUE_VT_U64;
	case WIT_T_F32: return FLUE_VT_F32;
	case WIT_T_F64: return FLUE_VT_F64;
	case WIT_T_CHAR: return FLUE_VT_CHAR;
	case WIT_T_STRING: return FLUE_VT_STRING;
	case WIT_T_ERROR_CONTEXT: return FLUE_VT_ERROR_CONTEXT;
	default: return 0;
	}
}

static bool same_node(const struct fb_tgraph *g, uint32_t i, uint8_t kind, uint32_t arg,
		      const uint16_t *kids, uint32_t n)
{
	const struct flue_tnode *x = &g->nodes[i];
	if (x->kind != kind || x->arg != arg || x->nkids != n)
		return false;
	return n == 0 || memcmp(&g->kids[x->kids], kids, n * sizeof kids[0]) == 0;
}

/* The node (kind, arg, kids): an existing one of that shape, or a new one. */
static int intern(struct fb_tgraph *g, const struct wit_type *t, uint8_t kind, uint32_t arg,
		  const uint16_t *kids, uint32_t n, uint16_t *out, char *err, size_t len)
{
	for (uint32_t i = 0; i < g->nnodes; i++)
		if (same_node(g, i, kind, arg, kids, n)) {
			*out = (uint16_t)i;
			return 0;
		}
	if (g->nnodes >= FLUE_TYPE_NONE || g->nkids + n > 0xFFFFu) {
		char *s = text_of(t);
		fb_failf(err, len, "type '%s': the program's value types need more than 65535 type "
		     "nodes", s);
		free(s);
		return -1;
	}
	if (g->nnodes == g->cap_nodes) {
		g->cap_nodes = g->cap_nodes ? g->cap_nodes * 2u : 16u;
		g->nodes = fb_realloc(g->nodes, g->cap_nodes * sizeof *g->nodes);
		g->text = fb_realloc(g->text, g->cap_nodes * sizeof *g->text);
	}
	while (g->nkids + n > g->cap_kids) {
		g->cap_kids = g->cap_kids ? g->cap_kids * 2u : 16u;
		g->kids = fb_realloc(g->kids, g->cap_kids * sizeof *g->kids);
	}
	if (n > 0)
		memcpy(&g->kids[g->nkids], kids, n * sizeof kids[0]);
	g->nodes[g->nnodes] = (struct flue_tnode){ .kind = kind, .arg = arg, .nkids = (uint16_t)n,
						   .kids = (uint16_t)(n > 0 ? g->nkids : 0u) };
	g->text[g->nnodes] = text_of(t);
	g->nkids += n;
	*out = (uint16_t)g->nnodes++;
	return 0;
}

/* ------------------------------------------------------------- building */

struct add_cx {
	struct fb_tgraph *g;
	const struct wit_type *top; /* the type being added (messages) */
	char *err;
	size_t len;
};

static int add_type(struct add_cx *cx, const struct wit_type *t, uint16_t *out);

/* A resource itself as a value type (WIT writes it as own<R>; not reached
 * from resolved WIT). */
static int refuse_resource(struct add_cx *cx, const struct wit_type *r)
{
	char *s = text_of(r);
	fb_failf(cx->err, cx->len, "type '%s' is a resource, not a value: pass own<%s> or "
		 "borrow<%s>", s, s, s);
	free(s);
	return -1;
}

/* own<R>, borrow<R>: a leaf whose arg is R's resource type id (the glue's
 * graph) or its key (1 + its index among the resources met so far). */
static int add_handle(struct add_cx *cx, const struct wit_type *u, uint16_t *out)
{
	struct fb_tgraph *g = cx->g;
	const struct wit_type *r = wit_unalias(u->elem);
	uint32_t arg = 0;
	if (g->res_id != NULL) {
		arg = g->res_id(g->res_user, r);
	} else {
		while (arg < g->nres && !fb_resource_same(g->res[arg], r))
			arg++;
		if (arg == g->nres) {
			g->res = fb_realloc(g->res, (g->nres + 1u) * sizeof *g->res);
			g->res[g->nres++] = r;
		}
		arg++;
	}
	return intern(g, u, u->kind == WIT_T_OWN ? FLUE_VT_OWN : FLUE_VT_BORROW, arg, NULL, 0,
		      out, cx->err, cx->len);
}

/* The arg of an end's node in a graph built only to check or compare types
 * (no element ids yet): 1 + the node of its element type, 0 for unit. A
 * number record and a number tuple share one element id in the library
 * (flue_type_register_value() takes them as the same descriptor), so their
 * key is one tuple node: ends compare equal here exactly when their element
 * ids will. */
static int end_key(struct add_cx *cx, const struct wit_type *payload, uint32_t *arg)
{
	struct flue_type_desc d;
	char why[256];
	uint16_t n = 0;
	*arg = 0;
	if (payload == NULL)
		return 0;
	if (fb_elem_desc(payload, &d, why, sizeof why) == 0 && d.kind == FLUE_TYPE_RECORD) {
		const struct wit_type *u = wit_unalias(payload);
		uint16_t kids[FLUE_CONFIG_MAX_TYPE_FIELDS];
		for (uint32_t i = 0; i < u->nfields; i++)
			if (add_type(cx, u->fields[i].type, &kids[i]) != 0)
				return -1;
		if (intern(cx->g, u, FLUE_VT_TUPLE, 0, kids, u->nfields, &n, cx->err, cx->len) != 0)
			return -1;
	} else if (add_type(cx, payload, &n) != 0) {
		return -1;
	}
	*arg = 1u + n;
	return 0;
}

/* A stream/future end: a leaf whose arg is its element type's id (the
 * glue's graph) or key (end_key()); its element type must be one flue
 * carries (fb_elem_form(), which says where and why not). */
static int add_end(struct add_cx *cx, const struct wit_type *u, uint16_t *out)
{
	uint32_t arg = 0;
	if (fb_elem_form(u, cx->err, cx->len) < 0)
		return -1;
	if (cx->g->elem_id != NULL)
		arg = cx->g->elem_id(cx->g->elem_user, u->elem);
	else if (end_key(cx, u->elem, &arg) != 0)
		return -1;
	return intern(cx->g, u, u->kind == WIT_T_STREAM ? FLUE_VT_STREAM : FLUE_VT_FUTURE, arg,
		      NULL, 0, out, cx->err, cx->len);
}

static int refuse_count(struct add_cx *cx, const struct wit_type *t, const char *what)
{
	char *s = text_of(t), *top = text_of(cx->top);
	fb_failf(cx->err, cx->len, "type '%s'%s%s%s has %u %s: flue needs %s", s,
	     t == wit_unalias(cx->top) ? "" : " (in '", t == wit_unalias(cx->top) ? "" : top,
	     t == wit_unalias(cx->top) ? "" : "')", (unsigned)t->nfields, what,
	     strcmp(what, "flags") == 0 ? "1..32 flags" : "at least one");
	free(s);
	free(top);
	return -1;
}

/* Children of a record, tuple or variant (a case without payload: NONE). */
static int add_fields(struct add_cx *cx, const struct wit_type *t, uint8_t kind, uint16_t *out)
{
	uint16_t *kids = fb_calloc(t->nfields, sizeof *kids);
	int rc = 0;
	for (uint32_t i = 0; i < t->nfields && rc == 0; i++) {
		kids[i] = FLUE_TYPE_NONE;
		if (t->fields[i].type != NULL)
			rc = add_type(cx, t->fields[i].type, &kids[i]);
	}
	if (rc == 0)
		rc = intern(cx->g, t, kind, 0, kids, t->nfields, out, cx->err, cx->len);
	free(kids);
	return rc;
}

/* option, result, map, list: one or two children (an absent one: NONE). */
static int add_pair(struct add_cx *cx, const struct wit_type *t, uint8_t kind,
		    const struct wit_type *a, const struct wit_type *b, uint32_t n, uint16_t *out)
{
	uint16_t kids[2] = { FLUE_TYPE_NONE, FLUE_TYPE_NONE };
	if (a != NULL && add_type(cx, a, &kids[0]) != 0)
		return -1;
	if (n > 1 && b != NULL && add_type(cx, b, &kids[1]) != 0)
		return -1;
	return intern(cx->g, t, kind, kind == FLUE_VT_LIST ? t->length : 0u, kids, n, out,
		      cx->err, cx->len);
}

static int add_type(struct add_cx *cx, const struct wit_type *t, uint16_t *out)
{
	const struct wit_type *u = wit_unalias(t);
	uint8_t leaf = leaf_kind(u->kind);
	if (leaf != 0)
		return intern(cx->g, u, leaf, 0, NULL, 0, out, cx->err, cx->len);
	switch (u->kind) {
	case WIT_T_LIST: return add_pair(cx, u, FLUE_VT_LIST, u->elem, NULL, 1, out);
	case WIT_T_OPTION: return add_pair(cx, u, FLUE_VT_OPTION, u->elem, NULL, 1, out);
	case WIT_T_RESULT: return add_pair(cx, u, FLUE_VT_RESULT, u->ok, u->err, 2, out);
	case WIT_T_MAP: return add_pair(cx, u, FLUE_VT_MAP, u->key, u->elem, 2, out);
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		if (u->nfields == 0)
			return refuse_count(cx, u, u->kind == WIT_T_VARIANT ? "cases" : "fields");
		return add_fields(cx, u, u->kind == WIT_T_RECORD ? FLUE_VT_RECORD :
				  u->kind == WIT_T_TUPLE ? FLUE_VT_TUPLE : FLUE_VT_VARIANT, out);
	case WIT_T_ENUM:
		if (u->nfields == 0)
			return refuse_count(cx, u, "cases");
		return intern(cx->g, u, FLUE_VT_ENUM, u->nfields, NULL, 0, out, cx->err, cx->len);
	case WIT_T_FLAGS:
		if (u->nfields == 0 || u->nfields > 32u)
			return refuse_count(cx, u, "flags");
		return intern(cx->g, u, FLUE_VT_FLAGS, u->nfields, NULL, 0, out, cx->err, cx->len);
	case WIT_T_STREAM: case WIT_T_FUTURE:
		return add_end(cx, u, out);
	case WIT_T_OWN: case WIT_T_BORROW:
		return add_handle(cx, u, out);
	default: /* a resource itself */
		return refuse_resource(cx, u);
	}
}

int fb_tgraph_add(struct fb_tgraph *g, const struct wit_type *t, uint16_t *out, char *err,
		  size_t len)
{
	uint32_t nn = g->nnodes, nk = g->nkids;
	struct add_cx cx = { g, t, err, len };
	int rc = add_type(&cx, t, out);
	if (rc == 0 && g->nnodes > nn &&
	    flue_types_layout(g->nodes, (uint16_t)g->nnodes, g->kids, (uint16_t)g->nkids) != 0) {
		char *s = text_of(t);
		rc = fb_failf(err, len, "type '%s' is nested deeper than %u levels or takes 2^28 bytes "
			  "or more: flue cannot carry it", s, (unsigned)FLUE_CONFIG_MAX_TYPE_DEPTH);
		free(s);
	}
	if (rc != 0) { /* roll back */
		for (uint32_t i = nn; i < g->nnodes; i++)
			free(g->text[i]);
		g->nnodes = nn;
		g->nkids = nk;
	}
	return rc;
}

struct flue_tgraph fb_tgraph_view(const struct fb_tgraph *g)
{
	return (struct flue_tgraph){ g->nodes, g->kids, (uint16_t)g->nnodes, (uint16_t)g->nkids };
}

void fb_tgraph_free(struct fb_tgraph *g)
{
	for (uint32_t i = 0; i < g->nnodes; i++)
		free(g->text[i]);
	free(g->nodes);
	free(g->text);
	free(g->kids);
	free(g->res);
	memset(g, 0, sizeof *g);
}

/* ------------------------------------------------------- element types */

/* The first handle in `t` (t itself included) that `want` selects; NULL
 * if it holds none. Stream/future ends are looked into: their element
 * types are `t`'s too (a borrow there is as refused). */
static const struct wit_type *first_of(const struct wit_type *t,
				       bool (*want)(const struct wit_type *))
{
	const struct wit_type *u = t != NULL ? wit_unalias(t) : NULL, *h = NULL;
	if (u == NULL)
		return NULL;
	if (want(u))
		return u;
	switch (u->kind) {
	case WIT_T_RESULT:
		return (h = first_of(u->ok, want)) != NULL ? h : first_of(u->err, want);
	case WIT_T_MAP:
		return (h = first_of(u->key, want)) != NULL ? h : first_of(u->elem, want);
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < u->nfields && h == NULL; i++)
			h = first_of(u->fields[i].type, want);
		return h;
	case WIT_T_OWN: case WIT_T_BORROW: case WIT_T_RESOURCE:
		return NULL; /* not into the resource's functions */
	default: /* list, option, stream, future; leaves (elem NULL) */
		return first_of(u->elem, want);
	}
}

static bool is_borrow(const struct wit_type *u)
{
	return u->kind == WIT_T_BORROW;
}

static bool is_handle(const struct wit_type *u)
{
	return u->kind == WIT_T_OWN || u->kind == WIT_T_BORROW || u->kind == WIT_T_ERROR_CONTEXT;
}

const struct wit_type *fb_type_first_handle(const struct wit_type *t)
{
	return first_of(t, is_handle);
}

/* "'stream<string>' (file.wit:3:14)": the end's text and where it is written. */
static char *end_text(const struct wit_type *end)
{
	struct fb_buf b = { 0 };
	char *s = text_of(end);
	fb_buf_printf(&b, "'%s'", s);
	if (end->loc.file != NULL)
		fb_buf_printf(&b, " (%s:%u:%u)", end->loc.file, (unsigned)end->loc.line,
			      (unsigned)end->loc.col);
	free(s);
	return b.data;
}

/* An element type holding borrow `h` is refused by the component model
 * itself (the reference's validation refuses such element types). */
static int refuse_elem_handle(const struct wit_type *end, const struct wit_type *h, char *err,
			      size_t len)
{
	char *e = end_text(end), *p = text_of(end->elem), *hs = text_of(h);
	const char *why =
		"the component model does not allow borrowed handles in stream/future elements";
	if (wit_unalias(end->elem) == h)
		fb_failf(err, len, "%s: its element type '%s' is a handle: %s", e, p, why);
	else
		fb_failf(err, len, "%s: its element type '%s' holds the handle '%s': %s", e, p, hs,
			 why);
	free(e);
	free(p);
	free(hs);
	return -1;
}

int fb_elem_form(const struct wit_type *end, char *err, size_t len)
{
	const struct wit_type *payload = end != NULL ? end->elem : NULL;
	if (!fb_elem_is_graph(payload))
		return FB_ELEM_FLAT;
	const struct wit_type *h = first_of(payload, is_borrow);
	if (h != NULL)
		return refuse_elem_handle(end, h, err, len);
	struct fb_tgraph g = { 0 };
	uint16_t n;
	char why[512];
	int rc = fb_tgraph_add(&g, payload, &n, why, sizeof why);
	fb_tgraph_free(&g);
	if (rc == 0)
		return FB_ELEM_GRAPH;
	char *e = end_text(end);
	fb_failf(err, len, "%s: its element type: %s", e, why);
	free(e);
	return -1;
}

bool fb_type_same_shape(const struct wit_type *a, const struct wit_type *b)
{
	struct fb_tgraph g = { 0 };
	uint16_t x = 0, y = 1;
	char why[512];
	bool same = fb_tgraph_add(&g, a, &x, why, sizeof why) == 0 &&
		    fb_tgraph_add(&g, b, &y, why, sizeof why) == 0 && x == y;
	fb_tgraph_free(&g);
	return same;
}

/* ---------------------------------------------------------------- forms */

bool fb_type_allocates(const struct wit_type *t)
{
	const struct wit_type *u = t != NULL ? wit_unalias(t) : NULL;
	if (u == NULL)
		return false;
	switch (u->kind) {
	case WIT_T_STRING: case WIT_T_MAP:
		return true;
	case WIT_T_LIST:
		return u->length == 0 || fb_type_allocates(u->elem);
	case WIT_T_OPTION:
		return fb_type_allocates(u->elem);
	case WIT_T_RESULT:
		return fb_type_allocates(u->ok) || fb_type_allocates(u->err);
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < u->nfields; i++)
			if (fb_type_allocates(u->fields[i].type))
				return true;
		return false;
	default:
		return false;
	}
}

/* The element types of f's stream/future ends (top level, or fields of a
 * flat record): each one fb_elem_form() accepts? */
static int check_ends(const struct wit_func *f, char *err, size_t len)
{
	for (uint32_t i = 0; i <= f->nparams; i++) {
		const struct wit_type *t = i < f->nparams ? f->params[i].type : f->result;
		const struct wit_type *u = t != NULL ? wit_unalias(t) : NULL;
		if (u == NULL)
			continue;
		bool fields = u->kind == WIT_T_RECORD || u->kind == WIT_T_TUPLE;
		for (uint32_t k = 0; k < (fields ? u->nfields : 1u); k++) {
			const struct wit_type *e = fields ? wit_unalias(u->fields[k].type) : u;
			if ((e->kind == WIT_T_STREAM || e->kind == WIT_T_FUTURE) &&
			    fb_elem_form(e, err, len) < 0)
				return -1;
		}
	}
	return 0;
}

int fb_func_form(const struct wit_func *f, char *err, size_t len)
{
	char why[512];
	if (fb_func_supported(f, why, sizeof why) == 0)
		return check_ends(f, err, len) == 0 ? FB_FORM_FLAT : -1;
	if (f->nparams > 255)
		return fb_failf(err, len, "'%s' has too many parameters", f->name);
	struct fb_tgraph g = { 0 };
	int rc = FB_FORM_GRAPH;
	for (uint32_t i = 0; i <= f->nparams && rc >= 0; i++) {
		const struct wit_type *t = i < f->nparams ? f->params[i].type : f->result;
		uint16_t n;
		if (t == NULL)
			continue;
		if (fb_tgraph_add(&g, t, &n, err, len) != 0)
			rc = -1;
	}
	fb_tgraph_free(&g);
	return rc;
}

const struct wit_type *fb_type_first_end(const struct wit_type *t)
{
	const struct wit_type *u = t != NULL ? wit_unalias(t) : NULL, *e = NULL;
	if (u == NULL)
		return NULL;
	switch (u->kind) {
	case WIT_T_STREAM: case WIT_T_FUTURE:
		return u;
	case WIT_T_LIST: case WIT_T_OPTION:
		return fb_type_first_end(u->elem);
	case WIT_T_RESULT:
		return (e = fb_type_first_end(u->ok)) != NULL ? e : fb_type_first_end(u->err);
	case WIT_T_MAP:
		return (e = fb_type_first_end(u->key)) != NULL ? e : fb_type_first_end(u->elem);
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < u->nfields && e == NULL; i++)
			e = fb_type_first_end(u->fields[i].type);
		return e;
	default:
		return NULL;
	}
}

bool fb_func_is_graph(const struct wit_func *f)
{
	char why[512];
	return fb_func_form(f, why, sizeof why) == FB_FORM_GRAPH;
}

static bool holds_handle(const struct wit_type *t)
{
	return t != NULL && (fb_type_first_handle(t) != NULL || fb_type_first_end(t) != NULL);
}

bool fb_func_host_moves(const struct wit_func *f, bool params)
{
	if (!fb_func_is_graph(f))
		return false;
	if (!params)
		return holds_handle(f->result);
	for (uint32_t i = 0; i < f->nparams; i++)
		if (holds_handle(f->params[i].type))
			return true;
	return false;
}
