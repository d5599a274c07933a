/*
 * WIT reader, resolver: packages, interfaces and type namespaces. Replaces
 * every WI_T_NAME by the named type it means (a bare resource name by
 * own<R>), brings `use`d types in with their identity, rejects unknown and
 * duplicate names and cycles (among type definitions, among interfaces
 * through `use`) and fills in the public wit_interface / wit_package.
 */
#include "wit_internal.h"

#include <strings.h>

struct rc {
	struct wi_ctx *c;
	struct wi_scope *s;
};

struct wi_entry *wi_scope_find(struct wi_scope *s, const char *name)
{
	for (uint32_t i = 0; i < s->n; i++) {
		if (strcmp(s->e[i].name, name) == 0)
			return &s->e[i];
	}
	return NULL;
}

bool wi_same_name(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

int wi_scope_add(struct wi_ctx *c, struct wi_scope *s, const char *name,
		 struct wit_loc loc, struct wit_type *type)
{
	for (uint32_t i = 0; i < s->n; i++) {
		if (wi_same_name(s->e[i].name, name))
			return wi_err(c, loc, "name `%s` is defined more than once%s", name,
				      strcmp(s->e[i].name, name) != 0
					      ? " (names are case-insensitive)" : "");
	}
	struct wi_entry *e = WI_PUSH(c->arena, s->e, s->n, s->cap);
	e->name = name;
	e->loc = loc;
	e->type = type;
	return 0;
}

/* ------------------------------------------------------------ paths */

static int find_item(struct wi_pkg *p, const char *name, struct wi_iface **iface,
		     struct wi_world **world)
{
	for (uint32_t i = 0; i < p->nifaces; i++) {
		if (strcmp(p->ifaces[i]->name.name, name) == 0) {
			*iface = p->ifaces[i];
			return 0;
		}
	}
	for (uint32_t i = 0; i < p->nworlds; i++) {
		if (strcmp(p->worlds[i]->name.name, name) == 0) {
			*world = p->worlds[i];
			return 0;
		}
	}
	return -1;
}

int wi_lookup_path(struct wi_ctx *c, struct wi_pkg *pkg, struct wi_file *file,
		   const struct wi_path *path, struct wi_iface **iface, struct wi_world **world)
{
	*iface = NULL;
	*world = NULL;
	if (path->foreign) {
		struct wi_pkg *q = wi_find_pkg(c, path->ns, path->pkg, path->version);
		const char *pname = wi_pkg_name(c, path->ns, path->pkg, path->version);
		if (q == NULL)
			return wi_err(c, path->loc, "package `%s` not found", pname);
		if (find_item(q, path->name.name, iface, world) < 0)
			return wi_err(c, path->name.loc, "interface or world `%s` not found in "
				      "package `%s`", path->name.name, pname);
		return 0;
	}
	for (uint32_t i = 0; file != NULL && i < file->nuses; i++) {
		if (strcmp(file->uses[i].as.name, path->name.name) == 0)
			return wi_lookup_path(c, pkg, NULL, &file->uses[i].path, iface, world);
	}
	if (find_item(pkg, path->name.name, iface, world) < 0)
		return wi_err(c, path->name.loc, "interface or world `%s` not found in package `%s`",
			      path->name.name, wi_pkg_name(c, pkg->ns, pkg->name, pkg->version));
	return 0;
}

/* ------------------------------------------------------------ types */

static int res_type(struct rc *r, struct wit_type **slot, bool alias_target);

static int visit_def(struct rc *r, struct wi_entry *e, struct wit_loc ref);

/* The entry a name refers to, resolved (definitions visited first). */
static struct wi_entry *lookup_type(struct rc *r, const char *name, struct wit_loc loc)
{
	struct wi_entry *e = wi_scope_find(r->s, name);
	if (e == NULL) {
		wi_err(r->c, loc, "name `%s` is not defined", name);
		return NULL;
	}
	if (e->type == NULL) {
		wi_err(r->c, loc, "cannot use function `%s` as a type", name);
		return NULL;
	}
	if (e->is_def && visit_def(r, e, loc) < 0)
		return NULL;
	return e;
}

static int res_name(struct rc *r, struct wit_type **slot, bool alias_target)
{
	struct wit_type *t = *slot;
	if (wi_scope_find(r->s, t->name) == NULL &&
	    (strcmp(t->name, "float32") == 0 || strcmp(t->name, "float64") == 0)) {
		t->kind = t->name[5] == '3' ? WIT_T_F32 : WIT_T_F64; /* legacy names */
		t->name = NULL;
		return 0;
	}
	struct wi_entry *e = lookup_type(r, t->name, t->loc);
	if (e == NULL)
		return -1;
	const struct wit_type *u = wit_unalias(e->type);
	if (!alias_target && u != NULL && u->kind == WIT_T_RESOURCE) {
		t->kind = WIT_T_OWN; /* a bare resource name: own<R> */
		t->name = NULL;
		t->elem = (struct wit_type *)u;
		return 0;
	}
	*slot = e->type;
	return 0;
}

static int res_handle(struct rc *r, struct wit_type *t)
{
	struct wit_type *n = t->elem;
	if (!WI_IS_NAME(n))
		return 0; /* `self` of a method: already the resource */
	struct wi_entry *e = lookup_type(r, n->name, n->loc);
	if (e == NULL)
		return -1;
	const struct wit_type *u = wit_unalias(e->type);
	if (u == NULL || u->kind != WIT_T_RESOURCE)
		return wi_err(r->c, n->loc, "type `%s` used in a handle must be a resource", n->name);
	t->elem = (struct wit_type *)u;
	return 0;
}

static int check_map_key(struct rc *r, struct wit_type *t)
{
	const struct wit_type *k = wit_unalias(t->key);
	switch (k->kind) {
	case WIT_T_BOOL: case WIT_T_S8: case WIT_T_U8: case WIT_T_S16: case WIT_T_U16:
	case WIT_T_S32: case WIT_T_U32: case WIT_T_S64: case WIT_T_U64:
	case WIT_T_CHAR: case WIT_T_STRING:
		return 0;
	default:
		return wi_err(r->c, t->loc, "invalid map key type: map keys must be bool, "
			      "an integer, char or string");
	}
}

static int res_fields(struct rc *r, struct wit_type *t, const char *what)
{
	for (uint32_t i = 0; i < t->nfields; i++) {
		struct wit_field *f = &t->fields[i];
		for (uint32_t j = 0; f->name != NULL && j < i; j++) {
			if (strcmp(t->fields[j].name, f->name) == 0)
				return wi_err(r->c, f->loc, "duplicate %s `%s`", what, f->name);
		}
		if (res_type(r, &f->type, false) < 0)
			return -1;
	}
	return 0;
}

static int res_type(struct rc *r, struct wit_type **slot, bool alias_target)
{
	struct wit_type *t = *slot;
	if (t == NULL)
		return 0;
	if (WI_IS_NAME(t))
		return res_name(r, slot, alias_target);
	switch (t->kind) {
	case WIT_T_LIST: case WIT_T_OPTION: case WIT_T_STREAM: case WIT_T_FUTURE:
		return res_type(r, &t->elem, false);
	case WIT_T_MAP:
		if (res_type(r, &t->key, false) < 0 || res_type(r, &t->elem, false) < 0)
			return -1;
		return check_map_key(r, t);
	case WIT_T_RESULT:
		return res_type(r, &t->ok, false) < 0 ? -1 : res_type(r, &t->err, false);
	case WIT_T_TUPLE:
		return res_fields(r, t, "element");
	case WIT_T_OWN: case WIT_T_BORROW:
		return res_handle(r, t);
	default:
		return 0;
	}
}

static int res_def(struct rc *r, struct wit_type *t)
{
	switch (t->kind) {
	case WIT_T_ALIAS:
		return res_type(r, &t->elem, true);
	case WIT_T_RECORD:
		return res_fields(r, t, "field");
	case WIT_T_VARIANT:
		return res_fields(r, t, "case");
	case WIT_T_ENUM:
		return res_fields(r, t, "case");
	case WIT_T_FLAGS:
		return res_fields(r, t, "flag");
	default:
		return 0;
	}
}

static int visit_def(struct rc *r, struct wi_entry *e, struct wit_loc ref)
{
	if (e->state == 2)
		return 0;
	if (e->state == 1)
		return wi_err(r->c, ref, "type `%s` depends on itself (cycle)", e->name);
	e->state = 1;
	if (res_def(r, e->type) < 0)
		return -1;
	e->state = 2;
	return 0;
}

/* ------------------------------------------------------------ functions */

/* CanonicalABI.md contains_borrow, through named types but not resources. */
static bool has_borrow(const struct wit_type *t)
{
	if (t == NULL)
		return false;
	switch (t->kind) {
	case WIT_T_BORROW:
		return true;
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < t->nfields; i++) {
			if (has_borrow(t->fields[i].type))
				return true;
		}
		return false;
	case WIT_T_LIST: case WIT_T_OPTION: case WIT_T_STREAM: case WIT_T_FUTURE: case WIT_T_ALIAS:
		return has_borrow(t->elem);
	case WIT_T_MAP:
		return has_borrow(t->key) || has_borrow(t->elem);
	case WIT_T_RESULT:
		return has_borrow(t->ok) || has_borrow(t->err);
	default:
		return false;
	}
}

int wi_resolve_func(struct wi_ctx *c, struct wi_scope *s, struct wit_func *f)
{
	struct rc r = { c, s };
	for (uint32_t i = 0; i < f->nparams; i++) {
		struct wit_param *p = &f->params[i];
		for (uint32_t j = 0; j < i; j++) {
			if (strcmp(f->params[j].name, p->name) == 0)
				return wi_err(c, p->loc, "param `%s` is defined more than once", p->name);
		}
		if (res_type(&r, &p->type, false) < 0)
			return -1;
	}
	if (res_type(&r, &f->result, false) < 0)
		return -1;
	if (has_borrow(f->result))
		return wi_err(c, f->loc, "function `%s` returns a type which contains a "
			      "`borrow<T>`, which is not supported", f->name);
	return 0;
}

static int check_ctor(struct wi_ctx *c, const struct wit_func *f, const struct wit_type *res)
{
	const struct wit_type *t = f->result;
	if (t->kind == WIT_T_OWN && t->elem == res)
		return 0;
	if (t->kind == WIT_T_RESULT && t->ok != NULL && t->ok->kind == WIT_T_OWN &&
	    t->ok->elem == res)
		return 0;
	return wi_err(c, t->loc, "a constructor's declared result must be "
		      "`result<%s, E>` or `result<%s>`", res->name, res->name);
}

static int resolve_resource(struct wi_ctx *c, struct wi_scope *s, struct wit_type *t)
{
	uint32_t ctors = 0;
	for (uint32_t k = 0; k < t->nfuncs; k++) {
		struct wit_func *f = &t->funcs[k];
		if (f->kind == WIT_FUNC_CONSTRUCTOR && ++ctors > 1)
			return wi_err(c, f->loc, "duplicate constructors of resource `%s`", t->name);
		for (uint32_t j = 0; f->kind != WIT_FUNC_CONSTRUCTOR && j < k; j++) {
			if (t->funcs[j].kind != WIT_FUNC_CONSTRUCTOR &&
			    strcmp(t->funcs[j].name, f->name) == 0)
				return wi_err(c, f->loc, "duplicate function name `%s`", f->name);
		}
		if (wi_resolve_func(c, s, f) < 0)
			return -1;
		if (f->kind == WIT_FUNC_CONSTRUCTOR && check_ctor(c, f, t) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ namespaces */

int wi_use_target(struct wi_ctx *c, struct wi_pkg *pkg, struct wi_file *file, struct wi_use *u)
{
	struct wi_iface *i;
	struct wi_world *w;
	if (u->target != NULL)
		return 0;
	if (wi_lookup_path(c, pkg, file, &u->from, &i, &w) < 0)
		return -1;
	if (i == NULL)
		return wi_err(c, u->from.name.loc, "name `%s` is defined as a world, "
			      "not an interface", u->from.name.name);
	if (wi_resolve_iface(c, i, u->from.loc) < 0)
		return -1;
	u->target = i;
	return 0;
}

static int add_used(struct wi_ctx *c, struct wi_scope *s, struct wi_pkg *pkg,
		    struct wi_file *file, struct wi_use *u, uint32_t idx)
{
	if (wi_use_target(c, pkg, file, u) < 0)
		return -1;
	const struct wi_id *name = &u->names[idx];
	struct wi_entry *e = wi_scope_find(&u->target->scope, name->name);
	const char *from = wi_iface_key(c, u->target->out);
	if (e == NULL)
		return wi_err(c, name->loc, "name `%s` is not defined in interface `%s`",
			      name->name, from);
	if (e->type == NULL)
		return wi_err(c, name->loc, "cannot `use` function `%s` of interface `%s`: "
			      "only types can be used", name->name, from);
	const struct wi_id *as = u->as[idx].name != NULL ? &u->as[idx] : name;
	if (wi_scope_add(c, s, as->name, as->loc, e->type) < 0)
		return -1;
	s->e[s->n - 1].from = u;
	return 0;
}

int wi_resolve_scope(struct wi_ctx *c, struct wi_scope *s, struct wi_pkg *pkg,
		     struct wi_file *file, struct wi_titem *items, uint32_t nitems)
{
	struct rc r = { c, s };
	for (uint32_t i = 0; i < nitems; i++) {
		struct wi_titem *it = &items[i];
		if (it->def == NULL) {
			if (add_used(c, s, pkg, file, it->use, it->idx) < 0)
				return -1;
			continue;
		}
		if (wi_scope_add(c, s, it->def->name, it->def->loc, it->def) < 0)
			return -1;
		s->e[s->n - 1].is_def = true;
	}
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->e[i].is_def && visit_def(&r, &s->e[i], s->e[i].loc) < 0)
			return -1;
	}
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->e[i].is_def && s->e[i].type->kind == WIT_T_RESOURCE &&
		    resolve_resource(c, s, s->e[i].type) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ interfaces */

static void fill_iface(struct wi_ctx *c, struct wi_iface *I)
{
	struct wit_interface *out = I->out;
	uint32_t ntypes = 0, cap = 0;
	while (ntypes < I->scope.n && I->scope.e[ntypes].type != NULL)
		ntypes++;
	out->ntypes = ntypes;
	out->types = wi_alloc(c->arena, sizeof *out->types * (ntypes + 1));
	out->type_names = wi_alloc(c->arena, sizeof *out->type_names * (ntypes + 1));
	for (uint32_t i = 0; i < ntypes; i++) {
		out->types[i] = I->scope.e[i].type;
		out->type_names[i] = I->scope.e[i].name;
	}
	out->nfuncs = I->nfuncs;
	out->funcs = wi_alloc(c->arena, sizeof *out->funcs * (I->nfuncs + 1));
	for (uint32_t i = 0; i < I->nfuncs; i++)
		out->funcs[i] = *I->funcs[i];
	for (uint32_t i = 0; i < I->nuses; i++) {
		struct wit_interface *dep = I->uses[i]->target != NULL ? I->uses[i]->target->out : NULL;
		bool seen = dep == NULL;
		for (uint32_t j = 0; !seen && j < out->nuses; j++)
			seen = out->uses[j] == dep;
		if (!seen)
			*WI_PUSH(c->arena, out->uses, out->nuses, cap) = dep;
	}
}

int wi_resolve_iface(struct wi_ctx *c, struct wi_iface *I, struct wit_loc ref)
{
	if (I->state == 2)
		return 0;
	if (I->state == 1)
		return wi_err(c, ref, "interface `%s` depends on itself (cycle through `use`)",
			      I->name.name);
	I->state = 1;
	for (uint32_t i = 0; i < I->nuses; i++) {
		if (wi_use_target(c, I->pkg, I->file, I->uses[i]) < 0)
			return -1;
	}
	if (wi_resolve_scope(c, &I->scope, I->pkg, I->file, I->items, I->nitems) < 0)
		return -1;
	for (uint32_t i = 0; i < I->nfuncs; i++) {
		struct wit_func *f = I->funcs[i];
		if (wi_scope_add(c, &I->scope, f->name, f->loc, NULL) < 0 ||
		    wi_resolve_func(c, &I->scope, f) < 0)
			return -1;
	}
	fill_iface(c, I);
	I->state = 2;
	return 0;
}

/* ------------------------------------------------------------ packages */

static int check_item_names(struct wi_ctx *c, struct wi_pkg *p)
{
	uint32_t n = p->nifaces + p->nworlds;
	for (uint32_t i = 1; i < n; i++) {
		const struct wi_id *a = i < p->nifaces ? &p->ifaces[i]->name
						       : &p->worlds[i - p->nifaces]->name;
		for (uint32_t j = 0; j < i; j++) {
			const struct wi_id *b = j < p->nifaces ? &p->ifaces[j]->name
							       : &p->worlds[j - p->nifaces]->name;
			if (wi_same_name(a->name, b->name))
				return wi_err(c, a->loc, "duplicate item named `%s` (also at %s:%u:%u)",
					      a->name, b->loc.file, b->loc.line, b->loc.col);
		}
	}
	return 0;
}

static bool later(struct wit_loc a, struct wit_loc b)
{
	return a.line > b.line || (a.line == b.line && a.col > b.col);
}

/* A top-level `use` must name an existing interface (or a world of this
 * package) and must not clash with an item of its file. */
static int check_toplevel_use(struct wi_ctx *c, struct wi_pkg *p, const struct wi_file *f,
			      const struct wi_tluse *u)
{
	struct wi_iface *i;
	struct wi_world *w;
	if (wi_lookup_path(c, p, NULL, &u->path, &i, &w) < 0)
		return -1;
	if (i == NULL && u->path.foreign)
		return wi_err(c, u->path.name.loc, "name `%s` is defined as a world, not an "
			      "interface", u->path.name.name);
	uint32_t n = p->nifaces + p->nworlds;
	for (uint32_t k = 0; k < n; k++) {
		const struct wi_id *name = k < p->nifaces ? &p->ifaces[k]->name
							  : &p->worlds[k - p->nifaces]->name;
		const struct wi_file *in = k < p->nifaces ? p->ifaces[k]->file
							 : p->worlds[k - p->nifaces]->file;
		if (in == f && wi_same_name(name->name, u->as.name))
			return wi_err(c, later(name->loc, u->as.loc) ? name->loc : u->as.loc,
				      "duplicate name `%s` in this file", u->as.name);
	}
	return 0;
}

int wi_resolve_pkg(struct wi_ctx *c, struct wi_pkg *p)
{
	struct wit_package *out = p->out;
	out->ns = p->ns;
	out->name = p->name;
	out->version = p->version;
	if (check_item_names(c, p) < 0)
		return -1;
	for (uint32_t f = 0; f < p->nfiles; f++) {
		for (uint32_t k = 0; k < p->files[f]->nuses; k++) {
			if (check_toplevel_use(c, p, p->files[f], &p->files[f]->uses[k]) < 0)
				return -1;
		}
	}
	for (uint32_t i = 0; i < p->nifaces; i++) {
		if (wi_resolve_iface(c, p->ifaces[i], p->ifaces[i]->name.loc) < 0)
			return -1;
	}
	out->ninterfaces = p->nifaces;
	out->interfaces = wi_alloc(c->arena, sizeof *out->interfaces * (p->nifaces + 1));
	for (uint32_t i = 0; i < p->nifaces; i++)
		out->interfaces[i] = p->ifaces[i]->out;
	return 0; /* its worlds next: wi_resolve_pkg_worlds() */
}
