/*
 * WIT reader, parser part 2: files, `package` lines and nested `package x
 * { ... }` blocks, top-level `use`, interfaces, worlds (import/export,
 * `use`, type definitions, `include`) and `use` statements. Produces the
 * unresolved form of wit_internal.h.
 */
#include "wit_internal.h"

static int parse_decls(struct wi_parser *p, bool nested);

/* `iface` or `ns:pkg/iface[@version]`. */
static int parse_path(struct wi_parser *p, struct wi_path *out)
{
	struct wi_id first;
	memset(out, 0, sizeof *out);
	if (wi_parse_id(p, &first) < 0)
		return -1;
	out->loc = first.loc;
	if (!wi_eat(p, WI_TOK_COLON)) {
		out->name = first;
		return 0;
	}
	struct wi_id pkg;
	if (wi_parse_id(p, &pkg) < 0 || wi_expect(p, WI_TOK_SLASH) == NULL ||
	    wi_parse_id(p, &out->name) < 0)
		return -1;
	out->foreign = true;
	out->ns = first.name;
	out->pkg = pkg.name;
	if (wi_eat(p, WI_TOK_AT) && wi_parse_version(p, &out->version) < 0)
		return -1;
	struct wi_path *copy = wi_alloc(p->c->arena, sizeof *copy);
	*copy = *out;
	*WI_PUSH(p->c->arena, p->pkg->fpaths, p->pkg->nfpaths, p->pkg->capfpaths) = copy;
	return 0;
}

/* `use path.{a, b as c};` */
static struct wi_use *parse_use(struct wi_parser *p)
{
	struct wi_use *u = wi_alloc(p->c->arena, sizeof *u);
	uint32_t ncap = 0, acap = 0, nas = 0;
	if (wi_expect(p, WI_KW_USE) == NULL || parse_path(p, &u->from) < 0 ||
	    wi_expect(p, WI_TOK_PERIOD) == NULL || wi_expect(p, WI_TOK_LBRACE) == NULL)
		return NULL;
	while (!wi_eat(p, WI_TOK_RBRACE)) {
		struct wi_id *name = WI_PUSH(p->c->arena, u->names, u->n, ncap);
		struct wi_id *as = WI_PUSH(p->c->arena, u->as, nas, acap);
		if (wi_parse_id(p, name) < 0)
			return NULL;
		if (wi_eat(p, WI_KW_AS) && wi_parse_id(p, as) < 0)
			return NULL;
		if (!wi_eat(p, WI_TOK_COMMA)) {
			if (wi_expect(p, WI_TOK_RBRACE) == NULL)
				return NULL;
			break;
		}
	}
	return wi_expect(p, WI_TOK_SEMI) != NULL ? u : NULL;
}

static struct wi_iface *new_iface(struct wi_parser *p, const struct wi_id *name)
{
	struct wi_iface *i = wi_alloc(p->c->arena, sizeof *i);
	i->out = wi_alloc(p->c->arena, sizeof *i->out);
	i->pkg = p->pkg;
	i->file = p->file;
	if (name != NULL) {
		i->name = *name;
		i->out->name = name->name;
		i->out->loc = name->loc;
	}
	i->out->pkg = p->pkg->out;
	return i;
}

static int parse_iface_item(struct wi_parser *p, struct wi_iface *i)
{
	struct wi_arena *A = p->c->arena;
	if (wi_peek(p, 0)->kind == WI_KW_USE) {
		struct wi_use *u = parse_use(p);
		if (u == NULL)
			return -1;
		*WI_PUSH(A, i->uses, i->nuses, i->capuses) = u;
		for (uint32_t k = 0; k < u->n; k++) {
			struct wi_titem *it = WI_PUSH(A, i->items, i->nitems, i->capitems);
			it->use = u;
			it->idx = k;
		}
		return 0;
	}
	if (wi_at_typedef(p)) {
		struct wit_type *t = wi_parse_typedef(p, i->out, NULL);
		if (t == NULL)
			return -1;
		WI_PUSH(A, i->items, i->nitems, i->capitems)->def = t;
		return 0;
	}
	if (wi_peek(p, 0)->kind != WI_TOK_ID)
		return wi_expected(p, "`use`, a type definition or a function");
	struct wi_id name;
	struct wit_func *f;
	if (wi_parse_id(p, &name) < 0 || wi_expect(p, WI_TOK_COLON) == NULL ||
	    (f = wi_parse_func(p, &name)) == NULL || wi_expect(p, WI_TOK_SEMI) == NULL)
		return -1;
	*WI_PUSH(A, i->funcs, i->nfuncs, i->capfuncs) = f;
	return 0;
}

/* `{` items `}` of a named or inline interface. */
static int parse_iface_body(struct wi_parser *p, struct wi_iface *i)
{
	if (wi_expect(p, WI_TOK_LBRACE) == NULL)
		return -1;
	while (!wi_eat(p, WI_TOK_RBRACE)) {
		if (wi_peek(p, 0)->kind == WI_TOK_EOF)
			return wi_expected(p, "'}'");
		if (wi_parse_attrs(p) < 0 || parse_iface_item(p, i) < 0)
			return -1;
	}
	return 0;
}

static int parse_interface(struct wi_parser *p)
{
	struct wi_id name;
	p->i++; /* interface */
	if (wi_parse_id(p, &name) < 0)
		return -1;
	struct wi_iface *i = new_iface(p, &name);
	*WI_PUSH(p->c->arena, p->pkg->ifaces, p->pkg->nifaces, p->pkg->capifaces) = i;
	return parse_iface_body(p, i);
}

/* After `import`/`export`: `name: [async] func...;`, `name: interface {...}`,
 * `label: path;` or `path;`. */
static int parse_extern(struct wi_parser *p, struct wi_witem *it)
{
	enum wi_tok k2 = wi_peek(p, 2)->kind;
	if (wi_peek(p, 0)->kind == WI_TOK_ID && wi_peek(p, 1)->kind == WI_TOK_COLON &&
	    !(k2 == WI_TOK_ID && wi_peek(p, 3)->kind == WI_TOK_SLASH)) {
		if (wi_parse_id(p, &it->name) < 0)
			return -1;
		it->loc = it->name.loc;
		p->i++; /* : */
		if (k2 == WI_KW_FUNC || k2 == WI_KW_ASYNC) {
			it->ext = WI_EXT_FUNC;
			if ((it->func = wi_parse_func(p, &it->name)) == NULL)
				return -1;
		} else if (k2 == WI_KW_INTERFACE) {
			it->ext = WI_EXT_INLINE;
			p->i++;
			it->inl = new_iface(p, NULL);
			it->inl->out->loc = it->name.loc;
			return parse_iface_body(p, it->inl);
		} else {
			it->ext = WI_EXT_NAMED;
			if (parse_path(p, &it->path) < 0)
				return -1;
		}
	} else {
		it->ext = WI_EXT_PATH;
		if (parse_path(p, &it->path) < 0)
			return -1;
		it->loc = it->path.loc;
	}
	return wi_expect(p, WI_TOK_SEMI) != NULL ? 0 : -1;
}

static int parse_include(struct wi_parser *p, struct wi_witem *it)
{
	it->kind = WI_W_INCLUDE;
	p->i++;
	if (parse_path(p, &it->path) < 0)
		return -1;
	it->loc = it->path.loc;
	if (wi_peek(p, 0)->kind == WI_KW_WITH)
		return wi_err(p->c, wi_peek(p, 0)->loc,
			      "`include ... with { ... }` renames are not supported");
	return wi_expect(p, WI_TOK_SEMI) != NULL ? 0 : -1;
}

static int parse_world_item(struct wi_parser *p, struct wi_world *w)
{
	struct wi_witem *it = WI_PUSH(p->c->arena, w->items, w->nitems, w->capitems);
	const struct wi_token *t = wi_peek(p, 0);
	it->loc = t->loc;
	switch (t->kind) {
	case WI_KW_IMPORT:
	case WI_KW_EXPORT:
		it->kind = t->kind == WI_KW_IMPORT ? WI_W_IMPORT : WI_W_EXPORT;
		p->i++;
		return parse_extern(p, it);
	case WI_KW_USE:
		it->kind = WI_W_USE;
		return (it->use = parse_use(p)) != NULL ? 0 : -1;
	case WI_KW_INCLUDE:
		return parse_include(p, it);
	default:
		if (!wi_at_typedef(p))
			return wi_expected(p, "`import`, `export`, `include`, `use` or a type definition");
		it->kind = WI_W_TYPE;
		return (it->def = wi_parse_typedef(p, NULL, w->out)) != NULL ? 0 : -1;
	}
}

static int parse_world(struct wi_parser *p)
{
	struct wi_world *w = wi_alloc(p->c->arena, sizeof *w);
	p->i++; /* world */
	if (wi_parse_id(p, &w->name) < 0 || wi_expect(p, WI_TOK_LBRACE) == NULL)
		return -1;
	w->out = wi_alloc(p->c->arena, sizeof *w->out);
	w->out->name = w->name.name;
	w->out->loc = w->name.loc;
	w->out->pkg = p->pkg->out;
	w->pkg = p->pkg;
	w->file = p->file;
	*WI_PUSH(p->c->arena, p->pkg->worlds, p->pkg->nworlds, p->pkg->capworlds) = w;
	while (!wi_eat(p, WI_TOK_RBRACE)) {
		if (wi_peek(p, 0)->kind == WI_TOK_EOF)
			return wi_expected(p, "'}'");
		if (wi_parse_attrs(p) < 0 || parse_world_item(p, w) < 0)
			return -1;
	}
	return 0;
}

/* Top-level `use path [as name];`: a name for the rest of this file. */
static int parse_toplevel_use(struct wi_parser *p)
{
	struct wi_tluse *u = WI_PUSH(p->c->arena, p->file->uses, p->file->nuses, p->file->capuses);
	p->i++;
	if (parse_path(p, &u->path) < 0)
		return -1;
	u->as = u->path.name;
	if (wi_eat(p, WI_KW_AS) && wi_parse_id(p, &u->as) < 0)
		return -1;
	return wi_expect(p, WI_TOK_SEMI) != NULL ? 0 : -1;
}

/* `ns:name[@version]` */
static int parse_pkg_name(struct wi_parser *p, struct wi_pkg *out)
{
	struct wi_id ns, name;
	if (wi_parse_id(p, &ns) < 0 || wi_expect(p, WI_TOK_COLON) == NULL ||
	    wi_parse_id(p, &name) < 0)
		return -1;
	out->ns = ns.name;
	out->name = name.name;
	out->loc = ns.loc;
	out->version = NULL;
	return wi_eat(p, WI_TOK_AT) ? wi_parse_version(p, &out->version) : 0;
}

static int parse_nested(struct wi_parser *p)
{
	struct wi_ctx *c = p->c;
	struct wi_pkg *pkg = wi_alloc(c->arena, sizeof *pkg);
	pkg->out = wi_alloc(c->arena, sizeof *pkg->out);
	pkg->first_file = p->file->path;
	p->i++; /* package */
	if (parse_pkg_name(p, pkg) < 0 || wi_expect(p, WI_TOK_LBRACE) == NULL)
		return -1;
	*WI_PUSH(c->arena, c->pkgs, c->npkgs, c->cappkgs) = pkg;
	struct wi_file *file = wi_alloc(c->arena, sizeof *file);
	file->path = p->file->path;
	*WI_PUSH(c->arena, pkg->files, pkg->nfiles, pkg->capfiles) = file;
	struct wi_pkg *saved_pkg = p->pkg;
	struct wi_file *saved_file = p->file;
	p->pkg = pkg;
	p->file = file;
	int rc = parse_decls(p, true);
	p->pkg = saved_pkg;
	p->file = saved_file;
	return rc;
}

static int parse_decl(struct wi_parser *p, bool nested)
{
	if (wi_parse_attrs(p) < 0)
		return -1;
	switch (wi_peek(p, 0)->kind) {
	case WI_KW_INTERFACE:
		p->pkg->has_items = true;
		return parse_interface(p);
	case WI_KW_WORLD:
		p->pkg->has_items = true;
		return parse_world(p);
	case WI_KW_USE:
		return parse_toplevel_use(p);
	case WI_KW_PACKAGE:
		if (nested)
			return wi_err(p->c, wi_peek(p, 0)->loc,
				      "nested packages must be placed at the top level");
		return parse_nested(p);
	default:
		return wi_expected(p, "`world`, `interface`, `use` or `package`");
	}
}

static int parse_decls(struct wi_parser *p, bool nested)
{
	for (;;) {
		if (nested ? wi_eat(p, WI_TOK_RBRACE) : wi_peek(p, 0)->kind == WI_TOK_EOF)
			return 0;
		if (nested && wi_peek(p, 0)->kind == WI_TOK_EOF)
			return wi_expected(p, "'}'");
		if (parse_decl(p, nested) < 0)
			return -1;
	}
}

/* `package ns:name@v;` at the start of a file (not `package x { }`). */
static int parse_header(struct wi_parser *p)
{
	struct wi_pkg name = { 0 };
	uint32_t start = p->i;
	if (!wi_eat(p, WI_KW_PACKAGE))
		return 0;
	if (parse_pkg_name(p, &name) < 0)
		return -1;
	if (!wi_eat(p, WI_TOK_SEMI)) {
		p->i = start; /* a nested package block */
		return 0;
	}
	struct wi_pkg *pkg = p->pkg;
	if (pkg->ns == NULL) {
		pkg->ns = name.ns;
		pkg->name = name.name;
		pkg->version = name.version;
		pkg->loc = name.loc;
		return 0;
	}
	const char *cur = wi_pkg_name(p->c, name.ns, name.name, name.version);
	const char *prev = wi_pkg_name(p->c, pkg->ns, pkg->name, pkg->version);
	if (strcmp(cur, prev) != 0)
		return wi_err(p->c, name.loc, "package identifier `%s` does not match previous "
			      "package name of `%s`", cur, prev);
	return 0;
}

int wi_parse_file(struct wi_ctx *c, struct wi_pkg *pkg, const char *path,
		  const char *src, size_t len)
{
	struct wi_parser p = { .c = c, .src = src, .pkg = pkg };
	if (wi_lex(c, path, src, len, &p.t, &p.n) < 0)
		return -1;
	p.file = wi_alloc(c->arena, sizeof *p.file);
	p.file->path = path;
	*WI_PUSH(c->arena, pkg->files, pkg->nfiles, pkg->capfiles) = p.file;
	if (pkg->first_file == NULL)
		pkg->first_file = path;
	if (parse_header(&p) < 0)
		return -1;
	return parse_decls(&p, false);
}
