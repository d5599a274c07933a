/*
 * WIT reader, parser part 1: token helpers, identifiers, versions, feature
 * gates, types, functions and type definitions (record, variant, enum,
 * flags, resource, `type` aliases). Names of types stay unresolved
 * (WI_T_NAME) until wit_resolve.c.
 */
#include "wit_internal.h"

#include <stdio.h>

#define WI_MAX_TYPE_DEPTH 100u

struct wi_token *wi_peek(struct wi_parser *p, uint32_t ahead)
{
	uint32_t i = p->i + ahead;
	return &p->t[i < p->n ? i : p->n - 1];
}

bool wi_eat(struct wi_parser *p, enum wi_tok k)
{
	if (wi_peek(p, 0)->kind != k)
		return false;
	if (p->i < p->n - 1)
		p->i++;
	return true;
}

int wi_expected(struct wi_parser *p, const char *what)
{
	const struct wi_token *t = wi_peek(p, 0);
	if (t->kind == WI_TOK_ID)
		return wi_err(p->c, t->loc, "expected %s, found identifier `%s`", what, t->text);
	return wi_err(p->c, t->loc, "expected %s, found %s", what, wi_tok_describe(t->kind));
}

struct wi_token *wi_expect(struct wi_parser *p, enum wi_tok k)
{
	struct wi_token *t = wi_peek(p, 0);
	if (wi_eat(p, k))
		return t;
	wi_expected(p, wi_tok_describe(k));
	return NULL;
}

int wi_parse_id(struct wi_parser *p, struct wi_id *out)
{
	struct wi_token *t = wi_peek(p, 0);
	out->name = t->kind == WI_TOK_ID ? t->text : NULL;
	out->loc = t->loc;
	if (t->kind != WI_TOK_ID)
		return wi_expected(p, "an identifier");
	p->i++;
	return 0;
}

static bool version_word(enum wi_tok k)
{
	return k == WI_TOK_ID || k == WI_TOK_INT || k == WI_TOK_MINUS;
}

/* Semver pre-release / build parts after `-` / `+` (as wit-parser: words,
 * integers and `-`, separated by `.`; a `.` not followed by one of those is
 * WIT syntax, as in `use a:b/c@1.0.0-rc.{x}`). */
static void version_tail(struct wi_parser *p, enum wi_tok prefix, const struct wi_token **end)
{
	if (wi_peek(p, 0)->kind != prefix)
		return;
	*end = wi_peek(p, 0);
	p->i++;
	for (;;) {
		if (version_word(wi_peek(p, 0)->kind)) {
			*end = wi_peek(p, 0);
			p->i++;
		} else if (wi_peek(p, 0)->kind == WI_TOK_PERIOD && version_word(wi_peek(p, 1)->kind)) {
			*end = wi_peek(p, 1);
			p->i += 2;
		} else {
			return;
		}
	}
}

int wi_parse_version(struct wi_parser *p, const char **out)
{
	const struct wi_token *first = wi_peek(p, 0), *end = NULL;
	*out = NULL;
	for (int part = 0; part < 3; part++) {
		if (part > 0 && wi_expect(p, WI_TOK_PERIOD) == NULL)
			return -1;
		const struct wi_token *t = wi_expect(p, WI_TOK_INT);
		if (t == NULL)
			return -1;
		if (t->len > 1 && p->src[t->off] == '0')
			return wi_err(p->c, t->loc, "invalid version: leading zero in `%.*s`",
				      (int)t->len, p->src + t->off);
		end = t;
	}
	version_tail(p, WI_TOK_MINUS, &end);
	version_tail(p, WI_TOK_PLUS, &end);
	*out = wi_strndup(p->c->arena, p->src + first->off, end->off + end->len - first->off);
	return 0;
}

static int expect_word(struct wi_parser *p, const char *word)
{
	struct wi_id id;
	if (wi_parse_id(p, &id) < 0)
		return -1;
	if (strcmp(id.name, word) != 0)
		return wi_err(p->c, id.loc, "expected `%s`, found `%s`", word, id.name);
	return wi_expect(p, WI_TOK_EQ) != NULL ? 0 : -1;
}

/* `@since(version = v)`, `@deprecated(version = v)`, `@unstable(feature = f)`,
 * `@external-id("...")`: read and ignored. */
static int parse_attr(struct wi_parser *p)
{
	struct wi_id id, feature;
	const char *version;
	if (wi_parse_id(p, &id) < 0 || wi_expect(p, WI_TOK_LPAREN) == NULL)
		return -1;
	if (strcmp(id.name, "since") == 0 || strcmp(id.name, "deprecated") == 0) {
		if (expect_word(p, "version") < 0 || wi_parse_version(p, &version) < 0)
			return -1;
		if (wi_eat(p, WI_TOK_COMMA) &&
		    (expect_word(p, "feature") < 0 || wi_parse_id(p, &feature) < 0))
			return -1;
	} else if (strcmp(id.name, "unstable") == 0) {
		if (expect_word(p, "feature") < 0 || wi_parse_id(p, &feature) < 0)
			return -1;
	} else if (strcmp(id.name, "external-id") == 0) {
		if (wi_expect(p, WI_TOK_STRING) == NULL)
			return -1;
	} else {
		return wi_err(p->c, id.loc, "unknown attribute `%s`", id.name);
	}
	return wi_expect(p, WI_TOK_RPAREN) != NULL ? 0 : -1;
}

int wi_parse_attrs(struct wi_parser *p)
{
	while (wi_eat(p, WI_TOK_AT)) {
		if (parse_attr(p) < 0)
			return -1;
	}
	return 0;
}

struct wit_type *wi_new_type(struct wi_parser *p, enum wit_type_kind k, struct wit_loc loc)
{
	struct wit_type *t = wi_alloc(p->c->arena, sizeof *t);
	t->kind = k;
	t->loc = loc;
	return t;
}

static enum wit_type_kind prim_kind(enum wi_tok k)
{
	switch (k) {
	case WI_KW_BOOL: return WIT_T_BOOL;
	case WI_KW_S8: return WIT_T_S8;
	case WI_KW_U8: return WIT_T_U8;
	case WI_KW_S16: return WIT_T_S16;
	case WI_KW_U16: return WIT_T_U16;
	case WI_KW_S32: return WIT_T_S32;
	case WI_KW_U32: return WIT_T_U32;
	case WI_KW_S64: return WIT_T_S64;
	case WI_KW_U64: return WIT_T_U64;
	case WI_KW_F32: return WIT_T_F32;
	case WI_KW_F64: return WIT_T_F64;
	case WI_KW_CHAR: return WIT_T_CHAR;
	case WI_KW_STRING: return WIT_T_STRING;
	default: return (enum wit_type_kind)0;
	}
}

/* `<` T (`,` T)* `,`? `>` into t->fields (tuple elements). */
static int parse_tuple(struct wi_parser *p, struct wit_type *t)
{
	uint32_t cap = 0;
	if (wi_expect(p, WI_TOK_LT) == NULL)
		return -1;
	while (!wi_eat(p, WI_TOK_GT)) {
		struct wit_field *f = WI_PUSH(p->c->arena, t->fields, t->nfields, cap);
		f->loc = wi_peek(p, 0)->loc;
		if ((f->type = wi_parse_type(p)) == NULL)
			return -1;
		if (!wi_eat(p, WI_TOK_COMMA))
			return wi_expect(p, WI_TOK_GT) != NULL ? 0 : -1;
	}
	return 0;
}

static int parse_list(struct wi_parser *p, struct wit_type *t)
{
	if (wi_expect(p, WI_TOK_LT) == NULL || (t->elem = wi_parse_type(p)) == NULL)
		return -1;
	if (wi_eat(p, WI_TOK_COMMA)) {
		const struct wi_token *n = wi_peek(p, 0);
		if (n->kind != WI_TOK_INT)
			return wi_expected(p, "a fixed-length list size");
		p->i++;
		if (n->value > UINT32_MAX)
			return wi_err(p->c, n->loc, "invalid list size: number too large");
		if (n->value == 0)
			return wi_err(p->c, n->loc, "invalid list size: a fixed-length list "
				      "must have at least one element");
		t->length = (uint32_t)n->value;
	}
	return wi_expect(p, WI_TOK_GT) != NULL ? 0 : -1;
}

static int parse_result(struct wi_parser *p, struct wit_type *t)
{
	if (!wi_eat(p, WI_TOK_LT))
		return 0;
	if (wi_eat(p, WI_KW_UNDERSCORE)) {
		if (wi_expect(p, WI_TOK_COMMA) == NULL || (t->err = wi_parse_type(p)) == NULL)
			return -1;
	} else {
		if ((t->ok = wi_parse_type(p)) == NULL)
			return -1;
		if (wi_eat(p, WI_TOK_COMMA) && (t->err = wi_parse_type(p)) == NULL)
			return -1;
	}
	return wi_expect(p, WI_TOK_GT) != NULL ? 0 : -1;
}

static int parse_handle(struct wi_parser *p, struct wit_type *t)
{
	struct wi_id id;
	if (wi_expect(p, WI_TOK_LT) == NULL || wi_parse_id(p, &id) < 0)
		return -1;
	t->elem = wi_new_type(p, (enum wit_type_kind)WI_T_NAME, id.loc);
	t->elem->name = id.name;
	return wi_expect(p, WI_TOK_GT) != NULL ? 0 : -1;
}

/* After the type keyword: the rest of a compound type. */
static int parse_compound(struct wi_parser *p, enum wi_tok k, struct wit_type *t)
{
	switch (k) {
	case WI_KW_TUPLE:
		return parse_tuple(p, t);
	case WI_KW_LIST:
		return parse_list(p, t);
	case WI_KW_MAP:
		if (wi_expect(p, WI_TOK_LT) == NULL || (t->key = wi_parse_type(p)) == NULL ||
		    wi_expect(p, WI_TOK_COMMA) == NULL || (t->elem = wi_parse_type(p)) == NULL)
			return -1;
		return wi_expect(p, WI_TOK_GT) != NULL ? 0 : -1;
	case WI_KW_OPTION:
		if (wi_expect(p, WI_TOK_LT) == NULL || (t->elem = wi_parse_type(p)) == NULL)
			return -1;
		return wi_expect(p, WI_TOK_GT) != NULL ? 0 : -1;
	case WI_KW_RESULT:
		return parse_result(p, t);
	case WI_KW_STREAM:
	case WI_KW_FUTURE:
		if (!wi_eat(p, WI_TOK_LT))
			return 0;
		if ((t->elem = wi_parse_type(p)) == NULL)
			return -1;
		return wi_expect(p, WI_TOK_GT) != NULL ? 0 : -1;
	default:
		return parse_handle(p, t);
	}
}

static enum wit_type_kind compound_kind(enum wi_tok k)
{
	switch (k) {
	case WI_KW_TUPLE: return WIT_T_TUPLE;
	case WI_KW_LIST: return WIT_T_LIST;
	case WI_KW_MAP: return WIT_T_MAP;
	case WI_KW_OPTION: return WIT_T_OPTION;
	case WI_KW_RESULT: return WIT_T_RESULT;
	case WI_KW_STREAM: return WIT_T_STREAM;
	case WI_KW_FUTURE: return WIT_T_FUTURE;
	case WI_KW_OWN: return WIT_T_OWN;
	case WI_KW_BORROW: return WIT_T_BORROW;
	default: return (enum wit_type_kind)0;
	}
}

struct wit_type *wi_parse_type(struct wi_parser *p)
{
	const struct wi_token *t = wi_peek(p, 0);
	if (p->depth >= WI_MAX_TYPE_DEPTH) {
		wi_err(p->c, t->loc, "type nesting too deep");
		return NULL;
	}
	enum wit_type_kind k = prim_kind(t->kind);
	if (k != 0) {
		p->i++;
		return wi_new_type(p, k, t->loc);
	}
	if (t->kind == WI_TOK_ID) {
		p->i++;
		struct wit_type *n = wi_new_type(p, (enum wit_type_kind)WI_T_NAME, t->loc);
		n->name = t->text;
		return n;
	}
	if (t->kind == WI_KW_ERROR_CONTEXT) { /* a handle: i32, like own and borrow */
		p->i++;
		return wi_new_type(p, WIT_T_ERROR_CONTEXT, t->loc);
	}
	k = compound_kind(t->kind);
	if (k == 0) {
		wi_expected(p, "a type");
		return NULL;
	}
	p->i++;
	struct wit_type *ty = wi_new_type(p, k, t->loc);
	p->depth++;
	int rc = parse_compound(p, t->kind, ty);
	p->depth--;
	return rc < 0 ? NULL : ty;
}

/* `(` (name `:` type),* `)` appended to f->params. */
static int parse_params(struct wi_parser *p, struct wit_func *f)
{
	uint32_t cap = f->nparams;
	if (wi_expect(p, WI_TOK_LPAREN) == NULL)
		return -1;
	while (!wi_eat(p, WI_TOK_RPAREN)) {
		struct wi_id id;
		if (wi_parse_id(p, &id) < 0 || wi_expect(p, WI_TOK_COLON) == NULL)
			return -1;
		struct wit_param *prm = WI_PUSH(p->c->arena, f->params, f->nparams, cap);
		prm->name = id.name;
		prm->loc = id.loc;
		if ((prm->type = wi_parse_type(p)) == NULL)
			return -1;
		if (!wi_eat(p, WI_TOK_COMMA))
			return wi_expect(p, WI_TOK_RPAREN) != NULL ? 0 : -1;
	}
	return 0;
}

static int parse_sig(struct wi_parser *p, struct wit_func *f)
{
	if (parse_params(p, f) < 0)
		return -1;
	if (wi_eat(p, WI_TOK_ARROW) && (f->result = wi_parse_type(p)) == NULL)
		return -1;
	return 0;
}

struct wit_func *wi_parse_func(struct wi_parser *p, const struct wi_id *name)
{
	struct wit_func *f = wi_alloc(p->c->arena, sizeof *f);
	f->name = name->name;
	f->loc = name->loc;
	f->async = wi_eat(p, WI_KW_ASYNC);
	if (wi_expect(p, WI_KW_FUNC) == NULL || parse_sig(p, f) < 0)
		return NULL;
	return f;
}

bool wi_at_typedef(struct wi_parser *p)
{
	switch (wi_peek(p, 0)->kind) {
	case WI_KW_TYPE:
	case WI_KW_RECORD:
	case WI_KW_VARIANT:
	case WI_KW_ENUM:
	case WI_KW_FLAGS:
	case WI_KW_RESOURCE:
		return true;
	default:
		return false;
	}
}

/* `{` case (`,` case)* `,`? `}` for record fields, variant cases, enum cases
 * and flags. */
static int parse_cases(struct wi_parser *p, struct wit_type *t)
{
	uint32_t cap = 0;
	if (wi_expect(p, WI_TOK_LBRACE) == NULL)
		return -1;
	while (!wi_eat(p, WI_TOK_RBRACE)) {
		struct wi_id id;
		if (wi_parse_id(p, &id) < 0)
			return -1;
		struct wit_field *f = WI_PUSH(p->c->arena, t->fields, t->nfields, cap);
		f->name = id.name;
		f->loc = id.loc;
		if (t->kind == WIT_T_RECORD) {
			if (wi_expect(p, WI_TOK_COLON) == NULL || (f->type = wi_parse_type(p)) == NULL)
				return -1;
		} else if (t->kind == WIT_T_VARIANT && wi_eat(p, WI_TOK_LPAREN)) {
			if ((f->type = wi_parse_type(p)) == NULL || wi_expect(p, WI_TOK_RPAREN) == NULL)
				return -1;
		}
		if (!wi_eat(p, WI_TOK_COMMA))
			return wi_expect(p, WI_TOK_RBRACE) != NULL ? 0 : -1;
	}
	return 0;
}

/* Methods take `self: borrow<R>` first. */
static void add_self(struct wi_parser *p, struct wit_func *f, struct wit_type *res)
{
	struct wit_param *params = wi_alloc(p->c->arena, sizeof *params * (f->nparams + 1));
	params[0].name = "self";
	params[0].loc = f->loc;
	params[0].type = wi_new_type(p, WIT_T_BORROW, f->loc);
	params[0].type->elem = res;
	if (f->nparams != 0)
		memcpy(params + 1, f->params, sizeof *params * f->nparams);
	f->params = params;
	f->nparams++;
}

static struct wit_func *parse_resource_func(struct wi_parser *p, struct wit_type *res)
{
	struct wi_id name;
	struct wit_func *f;
	if (wi_parse_attrs(p) < 0)
		return NULL;
	if (wi_peek(p, 0)->kind == WI_KW_CONSTRUCTOR) {
		name = (struct wi_id){ "constructor", wi_peek(p, 0)->loc };
		p->i++;
		f = wi_alloc(p->c->arena, sizeof *f);
		f->name = name.name;
		f->loc = name.loc;
		f->kind = WIT_FUNC_CONSTRUCTOR;
		if (parse_sig(p, f) < 0)
			return NULL;
		if (f->result == NULL) {
			f->result = wi_new_type(p, WIT_T_OWN, f->loc);
			f->result->elem = res;
		}
	} else if (wi_peek(p, 0)->kind == WI_TOK_ID) {
		if (wi_parse_id(p, &name) < 0 || wi_expect(p, WI_TOK_COLON) == NULL)
			return NULL;
		bool is_static = wi_eat(p, WI_KW_STATIC);
		if ((f = wi_parse_func(p, &name)) == NULL)
			return NULL;
		f->kind = is_static ? WIT_FUNC_STATIC : WIT_FUNC_METHOD;
		if (!is_static)
			add_self(p, f, res);
	} else {
		wi_expected(p, "`constructor` or an identifier");
		return NULL;
	}
	f->resource = res;
	return wi_expect(p, WI_TOK_SEMI) != NULL ? f : NULL;
}

static int parse_resource(struct wi_parser *p, struct wit_type *t)
{
	uint32_t cap = 0;
	if (!wi_eat(p, WI_TOK_LBRACE))
		return wi_expect(p, WI_TOK_SEMI) != NULL ? 0 : -1;
	while (!wi_eat(p, WI_TOK_RBRACE)) {
		if (wi_peek(p, 0)->kind == WI_TOK_EOF)
			return wi_expected(p, "'}'");
		struct wit_func *f = parse_resource_func(p, t);
		if (f == NULL)
			return -1;
		*WI_PUSH(p->c->arena, t->funcs, t->nfuncs, cap) = *f;
	}
	return 0;
}

static int parse_typedef_body(struct wi_parser *p, enum wi_tok kw, struct wit_type *t)
{
	switch (kw) {
	case WI_KW_TYPE:
		if (wi_expect(p, WI_TOK_EQ) == NULL || (t->elem = wi_parse_type(p)) == NULL)
			return -1;
		return wi_expect(p, WI_TOK_SEMI) != NULL ? 0 : -1;
	case WI_KW_RESOURCE:
		return parse_resource(p, t);
	default:
		if (parse_cases(p, t) < 0)
			return -1;
		if (t->nfields == 0 && (kw == WI_KW_VARIANT || kw == WI_KW_ENUM))
			return wi_err(p->c, t->loc, "empty %s `%s`",
				      kw == WI_KW_ENUM ? "enum" : "variant", t->name);
		return 0;
	}
}

struct wit_type *wi_parse_typedef(struct wi_parser *p, struct wit_interface *iface,
				  struct wit_world *world)
{
	static const enum wit_type_kind kinds[] = {
		[WI_KW_TYPE] = WIT_T_ALIAS, [WI_KW_RECORD] = WIT_T_RECORD,
		[WI_KW_VARIANT] = WIT_T_VARIANT, [WI_KW_ENUM] = WIT_T_ENUM,
		[WI_KW_FLAGS] = WIT_T_FLAGS, [WI_KW_RESOURCE] = WIT_T_RESOURCE,
	};
	enum wi_tok kw = wi_peek(p, 0)->kind;
	struct wi_id name;
	p->i++;
	if (wi_parse_id(p, &name) < 0)
		return NULL;
	struct wit_type *t = wi_new_type(p, kinds[kw], name.loc);
	t->name = name.name;
	t->iface = iface;
	t->world = world;
	return parse_typedef_body(p, kw, t) < 0 ? NULL : t;
}
