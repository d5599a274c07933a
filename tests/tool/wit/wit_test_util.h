/*
 * Helpers shared by the WIT reader's test suites (test_wit*.c): load a
 * fixture, find packages, interfaces, types, functions and world items by
 * name, compare strings.
 */
#ifndef FLUE_TEST_WIT_UTIL_H
#define FLUE_TEST_WIT_UTIL_H

#include "ftest.h"
#include "wit.h"

#include <stdio.h>
#include <string.h>

static inline bool wt_streq(const char *a, const char *b)
{
	bool eq = a != NULL && b != NULL && strcmp(a, b) == 0;
	if (!eq)
		fprintf(stderr, "  strings differ: \"%s\" vs \"%s\"\n", a != NULL ? a : "(null)",
			b != NULL ? b : "(null)");
	return eq;
}

#define WT_STR(a, b) FT_TRUE(wt_streq((a), (b)))

/* wit_load() that must succeed. */
static inline void wt_load(struct wit_resolve *r, const char *path)
{
	struct wit_error err;
	int rc = wit_load(r, path, &err);
	if (rc != 0)
		fprintf(stderr, "  wit_load(%s): %s\n", path, err.msg);
	FT_EQ(rc, 0);
}

/* wit_load() that must fail with `prefix` ("file:line:col: ") and `phrase`. */
static inline void wt_load_error(const char *path, const char *prefix, const char *phrase)
{
	struct wit_resolve r;
	struct wit_error err;
	int rc = wit_load(&r, path, &err);
	wit_free(&r);
	bool ok = rc == -1 && strncmp(err.msg, prefix, strlen(prefix)) == 0 &&
		  strstr(err.msg, phrase) != NULL;
	if (!ok)
		fprintf(stderr, "  wit_load(%s) = %d: \"%s\"\n  wanted \"%s...%s...\"\n", path, rc,
			err.msg, prefix, phrase);
	FT_TRUE(ok);
}

static inline struct wit_package *wt_pkg(const struct wit_resolve *r, const char *ns,
					 const char *name)
{
	for (uint32_t i = 0; i < r->npackages; i++) {
		if (strcmp(r->packages[i]->ns, ns) == 0 && strcmp(r->packages[i]->name, name) == 0)
			return r->packages[i];
	}
	fprintf(stderr, "  no package %s:%s\n", ns, name);
	FT_FAIL("package not found");
	return NULL;
}

static inline struct wit_interface *wt_iface(const struct wit_package *p, const char *name)
{
	for (uint32_t i = 0; i < p->ninterfaces; i++) {
		if (strcmp(p->interfaces[i]->name, name) == 0)
			return p->interfaces[i];
	}
	fprintf(stderr, "  no interface %s\n", name);
	FT_FAIL("interface not found");
	return NULL;
}

static inline struct wit_world *wt_world(const struct wit_package *p, const char *name)
{
	for (uint32_t i = 0; i < p->nworlds; i++) {
		if (strcmp(p->worlds[i]->name, name) == 0)
			return p->worlds[i];
	}
	fprintf(stderr, "  no world %s\n", name);
	FT_FAIL("world not found");
	return NULL;
}

/* A type by the name it has in the interface. */
static inline struct wit_type *wt_type(const struct wit_interface *i, const char *name)
{
	for (uint32_t k = 0; k < i->ntypes; k++) {
		if (strcmp(i->type_names[k], name) == 0)
			return i->types[k];
	}
	fprintf(stderr, "  no type %s\n", name);
	FT_FAIL("type not found");
	return NULL;
}

static inline struct wit_func *wt_func(const struct wit_interface *i, const char *name)
{
	for (uint32_t k = 0; k < i->nfuncs; k++) {
		if (strcmp(i->funcs[k].name, name) == 0)
			return &i->funcs[k];
	}
	fprintf(stderr, "  no function %s\n", name);
	FT_FAIL("function not found");
	return NULL;
}

/* The function of a resource by name. */
static inline struct wit_func *wt_rfunc(const struct wit_type *r, const char *name)
{
	for (uint32_t k = 0; k < r->nfuncs; k++) {
		if (strcmp(r->funcs[k].name, name) == 0)
			return &r->funcs[k];
	}
	fprintf(stderr, "  no resource function %s\n", name);
	FT_FAIL("resource function not found");
	return NULL;
}

#endif /* FLUE_TEST_WIT_UTIL_H */
