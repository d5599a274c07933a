/*
 * WIT reader, top: wit_load() reads a `.wit` file or a folder (its `*.wit`
 * files form the main package, `deps/` supplies one package per sub-folder
 * or per `.wit` file), names the packages, orders them by dependency
 * (rejecting unknown packages and cycles) and resolves each; plus
 * wit_free(), wit_find_world() and wit_unalias().
 */
#include "wit_internal.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static struct wi_pkg *new_pkg(struct wi_ctx *c)
{
	struct wi_pkg *p = wi_alloc(c->arena, sizeof *p);
	p->out = wi_alloc(c->arena, sizeof *p->out);
	*WI_PUSH(c->arena, c->pkgs, c->npkgs, c->cappkgs) = p;
	return p;
}

static struct wit_loc file_loc(const char *path)
{
	return (struct wit_loc){ path, 1, 1 };
}

static int load_file(struct wi_ctx *c, struct wi_pkg *pkg, const char *path)
{
	uint8_t *data;
	size_t len;
	path = wi_strdup(c->arena, path);
	if (fb_read_file(path, &data, &len) != 0)
		return wi_err(c, file_loc(path), "cannot read file: %s", strerror(errno));
	int rc = wi_parse_file(c, pkg, path, (const char *)data, len);
	free(data);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *join(struct wi_ctx *c, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	return wi_printf(c->arena, n > 0 && dir[n - 1] == '/' ? "%s%s" : "%s/%s", dir, name);
}

/* The entries of `dir` (no "." or ".."), sorted, in the arena. */
static int list_dir(struct wi_ctx *c, const char *dir, char ***names, uint32_t *n)
{
	uint32_t cap = 0;
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return wi_err(c, file_loc(dir), "cannot read folder: %s", strerror(errno));
	const struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			*WI_PUSH(c->arena, *names, *n, cap) = wi_strdup(c->arena, e->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof **names, cmp_names);
	return 0;
}

static bool is_wit(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".wit") == 0;
}

static int kind_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	return S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : 0;
}

/* Every `*.wit` directly in `dir` into `pkg`. */
static int load_folder(struct wi_ctx *c, struct wi_pkg *pkg, const char *dir)
{
	char **names;
	uint32_t n, found = 0;
	if (list_dir(c, dir, &names, &n) < 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const char *path = join(c, dir, names[i]);
		if (!is_wit(names[i]) || kind_of(path) != 'f')
			continue;
		found++;
		if (load_file(c, pkg, path) < 0)
			return -1;
	}
	if (found == 0)
		return wi_err(c, file_loc(dir), "no `*.wit` files in this folder");
	return 0;
}

static int load_deps(struct wi_ctx *c, const char *dir)
{
	const char *deps = join(c, dir, "deps");
	char **names;
	uint32_t n;
	if (kind_of(deps) != 'd')
		return 0;
	if (list_dir(c, deps, &names, &n) < 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const char *path = join(c, deps, names[i]);
		int k = kind_of(path);
		if (k == 'd' && load_folder(c, new_pkg(c), path) < 0)
			return -1;
		if (k == 'f' && is_wit(names[i]) && load_file(c, new_pkg(c), path) < 0)
			return -1;
	}
	return 0;
}

static int no_header(struct wi_ctx *c, const struct wi_pkg *p)
{
	return wi_err(c, file_loc(p->first_file),
		      "no `package` header was found in any WIT file for this package");
}

/* Drop packages without a name and without items (files holding only
 * nested packages) and copies of a package found twice in different files
 * of the deps (WIT.md: they must have the same contents; the first one
 * read is kept); pick the main package. */
static int name_packages(struct wi_ctx *c, struct wi_pkg **main, uint32_t main_end)
{
	uint32_t n = 0, total = c->npkgs;
	struct wi_pkg *m = *main;
	if (m->ns == NULL && !m->has_items && main_end > 1)
		*main = c->pkgs[main_end - 1];
	c->npkgs = 0;
	for (uint32_t i = 0; i < total; i++) {
		struct wi_pkg *p = c->pkgs[i];
		if (p->ns == NULL) {
			if (p->has_items || (p == m && *main == m))
				return no_header(c, p);
			continue;
		}
		struct wi_pkg *prev = wi_find_pkg(c, p->ns, p->name, p->version);
		if (prev != NULL && (prev == *main || p == *main ||
				     strcmp(prev->first_file, p->first_file) == 0))
			return wi_err(c, p->loc, "package `%s` is defined more than once",
				      wi_pkg_name(c, p->ns, p->name, p->version));
		if (prev == NULL)
			c->pkgs[n++] = p;
		c->npkgs = n;
	}
	return 0;
}

static int unknown_pkg(struct wi_ctx *c, const struct wi_path *fp)
{
	const char *want = wi_pkg_name(c, fp->ns, fp->pkg, fp->version);
	for (uint32_t i = 0; i < c->npkgs; i++) {
		const struct wi_pkg *p = c->pkgs[i];
		if (strcmp(p->ns, fp->ns) == 0 && strcmp(p->name, fp->pkg) == 0)
			return wi_err(c, fp->loc, "package `%s` not found (there is `%s`)", want,
				      wi_pkg_name(c, p->ns, p->name, p->version));
	}
	return wi_err(c, fp->loc, "package `%s` not found", want);
}

/* Depth-first over package references: dependencies are resolved first. */
static int visit_pkg(struct wi_ctx *c, struct wi_pkg *p, const struct wit_loc *ref)
{
	if (p->state == 2)
		return 0;
	if (p->state == 1)
		return wi_err(c, *ref, "package `%s` depends on itself (cycle among packages)",
			      wi_pkg_name(c, p->ns, p->name, p->version));
	p->state = 1;
	for (uint32_t i = 0; i < p->nfpaths; i++) {
		const struct wi_path *fp = p->fpaths[i];
		struct wi_pkg *q = wi_find_pkg(c, fp->ns, fp->pkg, fp->version);
		if (q == NULL)
			return unknown_pkg(c, fp);
		if (q == p) /* wit-parser: naming one's own package is a cycle too */
			return wi_err(c, fp->loc, "package `%s` depends on itself (cycle among "
				      "packages)", wi_pkg_name(c, p->ns, p->name, p->version));
		if (visit_pkg(c, q, &fp->loc) < 0)
			return -1;
	}
	if (wi_resolve_pkg(c, p) < 0 || wi_resolve_pkg_worlds(c, p) < 0)
		return -1;
	p->state = 2;
	*WI_PUSH(c->arena, c->order, c->norder, c->caporder) = p;
	return 0;
}

static int load(struct wi_ctx *c, struct wit_resolve *r, const char *path)
{
	struct wi_pkg *main = new_pkg(c);
	int k = kind_of(path);
	if (k == 0)
		return wi_err(c, file_loc(path), "cannot read: %s",
			      errno != 0 ? strerror(errno) : "not a file or folder");
	if (k == 'd' ? load_folder(c, main, path) < 0 : load_file(c, main, path) < 0)
		return -1;
	uint32_t main_end = c->npkgs;
	if (k == 'd' && load_deps(c, path) < 0)
		return -1;
	if (name_packages(c, &main, main_end) < 0)
		return -1;
	for (uint32_t i = 0; i < c->npkgs; i++) {
		if (visit_pkg(c, c->pkgs[i], NULL) < 0)
			return -1;
	}
	r->npackages = c->norder;
	r->packages = wi_alloc(c->arena, sizeof *r->packages * (c->norder + 1));
	for (uint32_t i = 0; i < c->norder; i++)
		r->packages[i] = c->order[i]->out;
	r->main = main->out;
	return 0;
}

int wit_load(struct wit_resolve *r, const char *path, struct wit_error *err)
{
	memset(r, 0, sizeof *r);
	err->msg[0] = '\0';
	struct wi_arena *A = wi_arena_new();
	r->arena = A;
	struct wi_ctx *c = wi_alloc(A, sizeof *c);
	c->arena = A;
	c->err = err;
	errno = 0;
	if (load(c, r, path) < 0) {
		r->npackages = 0;
		r->packages = NULL;
		r->main = NULL;
		return -1;
	}
	return 0;
}

void wit_free(struct wit_resolve *r)
{
	if (r == NULL)
		return;
	wi_arena_free(r->arena);
	memset(r, 0, sizeof *r);
}


/* ------------------------------------------------------------ worlds */

static void set_err(struct wit_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct wit_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

static struct wit_world *world_in(const struct wit_package *p, const char *name, size_t n)
{
	for (uint32_t i = 0; i < p->nworlds; i++) {
		if (strlen(p->worlds[i]->name) == n && memcmp(p->worlds[i]->name, name, n) == 0)
			return p->worlds[i];
	}
	return NULL;
}

static struct wit_world *only_world(const struct wit_package *m, struct wit_error *err)
{
	if (m->nworlds == 1)
		return m->worlds[0];
	if (m->nworlds == 0) {
		set_err(err, "package `%s:%s` has no world", m->ns, m->name);
		return NULL;
	}
	set_err(err, "package `%s:%s` has %u worlds (`%s`, `%s`, ...): name the one to use",
		m->ns, m->name, m->nworlds, m->worlds[0]->name, m->worlds[1]->name);
	return NULL;
}

/* "ns:pkg/w", "ns:pkg/w@1.0.0" or "ns:pkg@1.0.0/w". */
static struct wit_world *qualified_world(const struct wit_resolve *r, const char *spec,
					 struct wit_error *err)
{
	const char *slash = strchr(spec, '/'), *colon = strchr(spec, ':');
	if (colon == NULL || colon > slash) {
		set_err(err, "invalid world name `%s` (expected `ns:pkg/world`)", spec);
		return NULL;
	}
	const char *wname = slash + 1, *at = strchr(wname, '@');
	size_t wlen = at != NULL ? (size_t)(at - wname) : strlen(wname);
	const char *pend = memchr(colon, '@', (size_t)(slash - colon));
	const char *version = at != NULL ? at + 1 : pend != NULL ? pend + 1 : NULL;
	size_t vlen = at != NULL ? strlen(version) : pend != NULL ? (size_t)(slash - version) : 0;
	size_t nslen = (size_t)(colon - spec);
	size_t plen = (size_t)((pend != NULL ? pend : slash) - colon - 1);
	const struct wit_package *found = NULL;
	for (uint32_t i = 0; i < r->npackages; i++) {
		const struct wit_package *p = r->packages[i];
		if (strlen(p->ns) != nslen || strncmp(p->ns, spec, nslen) != 0 ||
		    strlen(p->name) != plen || strncmp(p->name, colon + 1, plen) != 0)
			continue;
		if (version != NULL && (p->version == NULL || strlen(p->version) != vlen ||
					strncmp(p->version, version, vlen) != 0))
			continue;
		if (found != NULL) {
			set_err(err, "world `%s`: several versions of the package are loaded; "
				"add `@version`", spec);
			return NULL;
		}
		found = p;
	}
	struct wit_world *w = found != NULL ? world_in(found, wname, wlen) : NULL;
	if (w == NULL)
		set_err(err, found == NULL ? "world `%s` not found: no such package is loaded"
					   : "world `%s` not found in its package", spec);
	return w;
}

struct wit_world *wit_find_world(const struct wit_resolve *r, const char *name,
				 struct wit_error *err)
{
	err->msg[0] = '\0';
	if (r->main == NULL) {
		set_err(err, "no WIT package is loaded");
		return NULL;
	}
	if (name == NULL)
		return only_world(r->main, err);
	if (strchr(name, '/') != NULL)
		return qualified_world(r, name, err);
	struct wit_world *w = world_in(r->main, name, strlen(name));
	if (w == NULL)
		set_err(err, "world `%s` not found in package `%s:%s`", name, r->main->ns,
			r->main->name);
	return w;
}
