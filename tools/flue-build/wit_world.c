/*
 * WIT reader, worlds: the world's own namespace (`use`, type definitions),
 * its imports and exports with their keys (Resolve::name_world_key),
 * `include` merging, and wit-parser's elaboration: every interface an
 * imported or exported item depends on through `use` is imported too
 * (marked `implicit`), dependencies listed before what needs them.
 */
#include "wit_internal.h"

struct list {
	struct wit_item *items;
	uint32_t n, cap;
};

static struct wit_item *find_key(const struct list *l, const char *key)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].key, key) == 0)
			return &l->items[i];
	}
	return NULL;
}

static void push(struct wi_ctx *c, struct list *l, const struct wit_item *it)
{
	*WI_PUSH(c->arena, l->items, l->n, l->cap) = *it;
}

/* An item whose key equals `key` but for case (kebab names are
 * case-insensitive in the component model). */
static const struct wit_item *find_case(const struct list *l, const char *key)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].key, key) != 0 && wi_same_name(l->items[i].key, key))
			return &l->items[i];
	}
	return NULL;
}

static int case_clash(struct wi_ctx *c, const struct list *l, const struct wit_item *it,
		      const char *what, struct wit_loc at)
{
	const struct wit_item *prev = find_case(l, it->key);
	if (prev == NULL)
		return 0;
	return wi_err(c, at, "%s `%s` conflicts with %s `%s` (names are case-insensitive)",
		      what, it->key, what, prev->key);
}

/* An item written in the world itself: its key must be new. */
static int add_explicit(struct wi_ctx *c, struct list *l, const struct wit_item *it,
			const char *what)
{
	if (find_key(l, it->key) != NULL) {
		if (it->kind == WIT_ITEM_INTERFACE && strchr(it->key, '/') != NULL)
			return wi_err(c, it->loc, "interface `%s` cannot be %sed more than once",
				      it->key, what);
		return wi_err(c, it->loc, "%s `%s` conflicts with an earlier %s of the same name",
			      what, it->key, what);
	}
	if (case_clash(c, l, it, what, it->loc) < 0)
		return -1;
	push(c, l, it);
	return 0;
}

/* An item of an included world: interfaces merge, the very same item (a
 * world included twice) too, anything else must not collide. */
static int add_included(struct wi_ctx *c, struct list *l, const struct wit_item *it,
			const char *what, struct wit_loc at)
{
	const struct wit_item *prev = find_key(l, it->key);
	if (prev == NULL) {
		if (case_clash(c, l, it, what, at) < 0)
			return -1;
		push(c, l, it);
		return 0;
	}
	if (prev->kind == it->kind && prev->iface == it->iface && prev->func == it->func &&
	    prev->type == it->type)
		return 0;
	if (prev->kind == WIT_ITEM_INTERFACE && it->kind == WIT_ITEM_INTERFACE &&
	    strchr(it->key, '/') != NULL)
		return 0;
	return wi_err(c, at, "included %s `%s` conflicts with an earlier %s of the same name",
		      what, it->key, what);
}

static struct wi_iface *path_iface(struct wi_ctx *c, struct wi_world *w, const struct wi_path *path)
{
	struct wi_iface *i;
	struct wi_world *other;
	if (wi_lookup_path(c, w->pkg, w->file, path, &i, &other) < 0)
		return NULL;
	if (i == NULL) {
		wi_err(c, path->name.loc, "name `%s` is defined as a world, not an interface",
		       path->name.name);
		return NULL;
	}
	return wi_resolve_iface(c, i, path->loc) < 0 ? NULL : i;
}

/* The item of `import ...;` / `export ...;`. */
static int extern_item(struct wi_ctx *c, struct wi_world *w, struct wi_witem *it,
		       struct wit_item *out)
{
	out->loc = it->loc;
	out->kind = WIT_ITEM_INTERFACE;
	out->key = it->name.name;
	switch (it->ext) {
	case WI_EXT_FUNC:
		out->kind = WIT_ITEM_FUNC;
		out->func = it->func;
		return wi_resolve_func(c, &w->scope, it->func);
	case WI_EXT_INLINE:
		out->iface = it->inl->out;
		return wi_resolve_iface(c, it->inl, it->loc);
	default: {
		struct wi_iface *i = path_iface(c, w, &it->path);
		if (i == NULL)
			return -1;
		out->iface = i->out;
		if (it->ext == WI_EXT_PATH)
			out->key = wi_iface_key(c, i->out);
		return 0;
	}
	}
}

/* `use` names and type definitions become TYPE imports. */
static int type_items(struct wi_ctx *c, struct wi_world *w, struct wi_witem *it, struct list *imp)
{
	struct wit_item item = { .kind = WIT_ITEM_TYPE, .loc = it->loc };
	if (it->kind == WI_W_TYPE) {
		item.key = it->def->name;
		item.type = it->def;
		item.loc = it->def->loc;
		return add_explicit(c, imp, &item, "import");
	}
	for (uint32_t k = 0; k < it->use->n; k++) {
		const struct wi_id *name = it->use->as[k].name != NULL ? &it->use->as[k]
								       : &it->use->names[k];
		item.key = name->name;
		item.loc = name->loc;
		item.type = wi_scope_find(&w->scope, name->name)->type;
		item.iface = it->use->target->out;
		if (add_explicit(c, imp, &item, "import") < 0)
			return -1;
	}
	return 0;
}

static int include_world(struct wi_ctx *c, struct wi_world *w, struct wi_witem *it,
			 struct list *imp, struct list *exp)
{
	struct wi_iface *i;
	struct wi_world *inc;
	if (wi_lookup_path(c, w->pkg, w->file, &it->path, &i, &inc) < 0)
		return -1;
	if (inc == NULL)
		return wi_err(c, it->path.name.loc, "name `%s` is defined as an interface, "
			      "not a world", it->path.name.name);
	if (wi_resolve_world(c, inc, it->path.loc) < 0)
		return -1;
	const struct wit_world *o = inc->out;
	for (uint32_t k = 0; k < o->nimports; k++) {
		if (!o->imports[k].implicit &&
		    add_included(c, imp, &o->imports[k], "import", it->loc) < 0)
			return -1;
	}
	for (uint32_t k = 0; k < o->nexports; k++) {
		if (add_included(c, exp, &o->exports[k], "export", it->loc) < 0)
			return -1;
	}
	return 0;
}

static int declared_items(struct wi_ctx *c, struct wi_world *w, struct list *imp,
			  struct list *exp)
{
	for (uint32_t k = 0; k < w->nitems; k++) {
		struct wi_witem *it = &w->items[k];
		struct wit_item item = { 0 };
		if (it->kind == WI_W_USE || it->kind == WI_W_TYPE) {
			if (type_items(c, w, it, imp) < 0)
				return -1;
		} else if (it->kind == WI_W_IMPORT || it->kind == WI_W_EXPORT) {
			bool is_imp = it->kind == WI_W_IMPORT;
			if (extern_item(c, w, it, &item) < 0 ||
			    add_explicit(c, is_imp ? imp : exp, &item, is_imp ? "import" : "export") < 0)
				return -1;
		}
	}
	for (uint32_t k = 0; k < w->nitems; k++) {
		if (w->items[k].kind == WI_W_INCLUDE &&
		    include_world(c, w, &w->items[k], imp, exp) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ elaboration */

struct elab {
	struct wi_ctx *c;
	struct list imports, exports;
	const struct list *declared_imports, *declared_exports;
	uint32_t nreq, capreq;
	struct wit_interface **required; /* imported because an export needs them */
};

static void implicit_item(struct wi_ctx *c, struct wit_item *it, struct wit_interface *iface,
			  struct wit_loc loc)
{
	memset(it, 0, sizeof *it);
	it->kind = WIT_ITEM_INTERFACE;
	it->key = wi_iface_key(c, iface);
	it->iface = iface;
	it->loc = loc;
	it->implicit = true;
}

/* An interface import and, first, what it depends on. A dependency that the
 * world imports itself anyway keeps its declared item (and its place). */
static void elab_import(struct elab *e, struct wit_interface *iface, const struct wit_item *orig,
			struct wit_loc loc)
{
	struct wit_item it;
	if (orig != NULL)
		it = *orig;
	else
		implicit_item(e->c, &it, iface, loc);
	if (find_key(&e->imports, it.key) != NULL)
		return;
	const struct wit_item *declared = find_key(e->declared_imports, it.key);
	if (orig == NULL && declared != NULL && declared->kind == WIT_ITEM_INTERFACE)
		it = *declared;
	for (uint32_t k = 0; k < iface->nuses; k++)
		elab_import(e, iface->uses[k], NULL, loc);
	push(e->c, &e->imports, &it);
}

static bool required(const struct elab *e, const struct wit_interface *iface)
{
	for (uint32_t k = 0; k < e->nreq; k++) {
		if (e->required[k] == iface)
			return true;
	}
	return false;
}

/* wit-parser's add_world_export: false when an interface would have to be
 * both exported and imported. */
static bool elab_export(struct elab *e, struct wit_interface *iface, const struct wit_item *orig,
			bool add, struct wit_loc loc)
{
	struct wit_item it;
	if (orig != NULL)
		it = *orig;
	else
		implicit_item(e->c, &it, iface, loc);
	if (find_key(&e->exports, it.key) != NULL)
		return add;
	if (!add && required(e, iface))
		return true;
	for (uint32_t k = 0; k < iface->nuses; k++) {
		struct wit_interface *dep = iface->uses[k];
		const struct wit_item *d = find_key(e->declared_exports, wi_iface_key(e->c, dep));
		bool dep_add = add && d != NULL && d->kind == WIT_ITEM_INTERFACE;
		if (!elab_export(e, dep, dep_add ? d : NULL, dep_add, loc))
			return false;
	}
	if (add) {
		if (required(e, iface))
			return false;
		push(e->c, &e->exports, &it);
		return true;
	}
	*WI_PUSH(e->c->arena, e->required, e->nreq, e->capreq) = iface;
	if (find_key(&e->imports, it.key) == NULL) {
		it.implicit = true;
		push(e->c, &e->imports, &it);
	}
	return true;
}

static int elaborate(struct wi_ctx *c, struct wi_world *w, const struct list *imp,
		     const struct list *exp)
{
	struct elab e = { .c = c, .declared_imports = imp, .declared_exports = exp };
	for (uint32_t k = 0; k < imp->n; k++) {
		const struct wit_item *it = &imp->items[k];
		if (it->kind == WIT_ITEM_INTERFACE)
			elab_import(&e, it->iface, it, it->loc);
		else if (it->kind == WIT_ITEM_TYPE && it->iface != NULL)
			elab_import(&e, it->iface, NULL, it->loc);
		if (it->kind != WIT_ITEM_INTERFACE)
			push(c, &e.imports, it);
	}
	for (uint32_t k = 0; k < exp->n; k++) {
		const struct wit_item *it = &exp->items[k];
		if (it->kind != WIT_ITEM_INTERFACE)
			push(c, &e.exports, it);
		else if (!elab_export(&e, it->iface, it, true, it->loc))
			return wi_err(c, it->loc, "export `%s` of world `%s` depends through `use` on "
				      "an interface that would be both imported and exported",
				      it->key, w->name.name);
	}
	w->out->imports = e.imports.items;
	w->out->nimports = e.imports.n;
	w->out->exports = e.exports.items;
	w->out->nexports = e.exports.n;
	return 0;
}

/* ------------------------------------------------------------ worlds */

static int world_scope(struct wi_ctx *c, struct wi_world *w)
{
	struct wi_titem *items = NULL;
	uint32_t n = 0, cap = 0;
	for (uint32_t k = 0; k < w->nitems; k++) {
		struct wi_witem *it = &w->items[k];
		if (it->kind == WI_W_TYPE)
			WI_PUSH(c->arena, items, n, cap)->def = it->def;
		if (it->kind == WI_W_USE && wi_use_target(c, w->pkg, w->file, it->use) < 0)
			return -1;
		for (uint32_t j = 0; it->kind == WI_W_USE && j < it->use->n; j++) {
			struct wi_titem *t = WI_PUSH(c->arena, items, n, cap);
			t->use = it->use;
			t->idx = j;
		}
	}
	return wi_resolve_scope(c, &w->scope, w->pkg, w->file, items, n);
}

int wi_resolve_world(struct wi_ctx *c, struct wi_world *w, struct wit_loc ref)
{
	struct list imp = { 0 }, exp = { 0 };
	if (w->state == 2)
		return 0;
	if (w->state == 1)
		return wi_err(c, ref, "world `%s` includes itself (cycle through `include`)",
			      w->name.name);
	w->state = 1;
	if (world_scope(c, w) < 0 || declared_items(c, w, &imp, &exp) < 0 ||
	    elaborate(c, w, &imp, &exp) < 0)
		return -1;
	w->state = 2;
	return 0;
}

int wi_resolve_pkg_worlds(struct wi_ctx *c, struct wi_pkg *p)
{
	struct wit_package *out = p->out;
	for (uint32_t i = 0; i < p->nworlds; i++) {
		if (wi_resolve_world(c, p->worlds[i], p->worlds[i]->name.loc) < 0)
			return -1;
	}
	out->nworlds = p->nworlds;
	out->worlds = wi_alloc(c->arena, sizeof *out->worlds * (p->nworlds + 1));
	for (uint32_t i = 0; i < p->nworlds; i++)
		out->worlds[i] = p->worlds[i]->out;
	return 0;
}
