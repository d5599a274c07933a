/*
 * WIT reader, below the parser and the resolver: package names, interface
 * keys, the package registry and wit_unalias(), which every part uses.
 */
#include <string.h>

#include "wit_internal.h"

const char *wi_pkg_name(struct wi_ctx *c, const char *ns, const char *name, const char *version)
{
	if (version != NULL)
		return wi_printf(c->arena, "%s:%s@%s", ns, name, version);
	return wi_printf(c->arena, "%s:%s", ns, name);
}

const char *wi_iface_key(struct wi_ctx *c, const struct wit_interface *i)
{
	const struct wit_package *p = i->pkg;
	if (p->version != NULL)
		return wi_printf(c->arena, "%s:%s/%s@%s", p->ns, p->name, i->name, p->version);
	return wi_printf(c->arena, "%s:%s/%s", p->ns, p->name, i->name);
}

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

struct wi_pkg *wi_find_pkg(struct wi_ctx *c, const char *ns, const char *name,
			   const char *version)
{
	for (uint32_t i = 0; i < c->npkgs; i++) {
		struct wi_pkg *p = c->pkgs[i];
		if (same_str(p->ns, ns) && same_str(p->name, name) && same_str(p->version, version))
			return p;
	}
	return NULL;
}

const struct wit_type *wit_unalias(const struct wit_type *t)
{
	while (t != NULL && t->kind == WIT_T_ALIAS)
		t = t->elem;
	return t;
}
