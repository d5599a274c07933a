/*
 * The composition file (compose.h): a line-oriented reader. Every check
 * that needs only the file itself is made here; checks against modules
 * and WIT worlds are the resolver's (plan.c).
 */
#include "compose.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_WORDS 8

struct word {
	const char *s;
	size_t n;
	uint32_t col;
};

struct line {
	struct word w[MAX_WORDS];
	uint32_t nw;
	struct fb_loc loc; /* of the first word */
};

int fb_fail(struct fb_error *err, const struct fb_loc *loc, const char *fmt, ...)
{
	int n = snprintf(err->msg, sizeof err->msg, "%s:%u:%u: ", loc->file, (unsigned)loc->line,
			 (unsigned)loc->col);
	if (n < 0 || (size_t)n >= sizeof err->msg)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static struct fb_loc at(const struct line *l, uint32_t i)
{
	struct fb_loc loc = l->loc;
	loc.col = l->w[i].col;
	return loc;
}

static bool is_word(const struct word *w, const char *s)
{
	return strlen(s) == w->n && memcmp(w->s, s, w->n) == 0;
}

static char *dup_word(const struct word *w)
{
	return fb_strndup(w->s, w->n);
}

static bool c_identifier(const struct word *w)
{
	if (w->n == 0 || !(isalpha((unsigned char)w->s[0]) || w->s[0] == '_'))
		return false;
	for (size_t i = 1; i < w->n; i++)
		if (!(isalnum((unsigned char)w->s[i]) || w->s[i] == '_'))
			return false;
	return true;
}

/* Split one line into words; a '#' outside a word ends it. */
static int split(struct line *l, const char *text, size_t len, struct fb_error *err)
{
	l->nw = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
			i++;
		if (i >= len || text[i] == '#')
			break;
		size_t s = i;
		while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			i++;
		if (l->nw == MAX_WORDS) {
			struct fb_loc loc = l->loc;
			loc.col = (uint32_t)s + 1u;
			return fb_fail(err, &loc, "too many words on one line");
		}
		l->w[l->nw++] = (struct word){ text + s, i - s, (uint32_t)s + 1u };
	}
	if (l->nw > 0)
		l->loc.col = l->w[0].col;
	return 0;
}

static int parse_u64(const struct line *l, uint32_t i, uint64_t *out, struct fb_error *err)
{
	const struct word *w = &l->w[i];
	struct fb_loc loc = at(l, i);
	uint64_t v = 0;
	if (w->n == 0 || w->n > 19)
		return fb_fail(err, &loc, "expected a number, found '%.*s'", (int)w->n, w->s);
	for (size_t k = 0; k < w->n; k++) {
		if (!isdigit((unsigned char)w->s[k]))
			return fb_fail(err, &loc, "expected a number, found '%.*s'", (int)w->n,
				       w->s);
		v = v * 10u + (uint64_t)(w->s[k] - '0');
	}
	*out = v;
	return 0;
}

static char *join_path(const char *dir, const struct word *w)
{
	struct fb_buf b = { 0 };
	if (w->n > 0 && w->s[0] == '/') {
		fb_buf_put(&b, w->s, w->n);
	} else {
		fb_buf_puts(&b, dir);
		fb_buf_puts(&b, "/");
		fb_buf_put(&b, w->s, w->n);
	}
	return b.data;
}

static struct fb_instance_decl *find_decl(struct fb_composition *c, const struct word *w)
{
	for (uint32_t i = 0; i < c->ninstances; i++)
		if (strlen(c->instances[i].name) == w->n &&
		    memcmp(c->instances[i].name, w->s, w->n) == 0)
			return &c->instances[i];
	return NULL;
}

static int st_instance(struct fb_composition *c, const struct line *l, struct fb_error *err)
{
	if (l->nw != 4 && !(l->nw == 6 && is_word(&l->w[4], "world")))
		return fb_fail(err, &l->loc,
			       "expected: instance <name> <module.wasm> <wit> [world <world>]");
	if (!c_identifier(&l->w[1])) {
		struct fb_loc loc = at(l, 1);
		return fb_fail(err, &loc, "instance name '%.*s' is not a C identifier",
			       (int)l->w[1].n, l->w[1].s);
	}
	if (find_decl(c, &l->w[1]) != NULL) {
		struct fb_loc loc = at(l, 1);
		return fb_fail(err, &loc, "instance '%.*s' is declared twice", (int)l->w[1].n,
			       l->w[1].s);
	}
	c->instances = fb_realloc(c->instances, (c->ninstances + 1u) * sizeof *c->instances);
	struct fb_instance_decl *d = &c->instances[c->ninstances++];
	memset(d, 0, sizeof *d);
	d->name = dup_word(&l->w[1]);
	d->module_path = join_path(c->module_dir, &l->w[2]);
	d->wit_path = join_path(c->dir, &l->w[3]);
	d->world = l->nw == 6 ? dup_word(&l->w[5]) : NULL;
	d->loc = l->loc;
	return 0;
}

/* `inst.key`: the instance must be declared already. */
static int parse_ref(struct fb_composition *c, const struct line *l, uint32_t i,
		     struct fb_ref *r, struct fb_error *err)
{
	const struct word *w = &l->w[i];
	struct fb_loc loc = at(l, i);
	const char *dot = memchr(w->s, '.', w->n);
	if (dot == NULL || dot == w->s || dot == w->s + w->n - 1)
		return fb_fail(err, &loc, "expected <instance>.<name>, found '%.*s'", (int)w->n,
			       w->s);
	struct word iw = { w->s, (size_t)(dot - w->s), w->col };
	if (find_decl(c, &iw) == NULL)
		return fb_fail(err, &loc, "unknown instance '%.*s' (declare it with 'instance' first)",
			       (int)iw.n, iw.s);
	r->inst = dup_word(&iw);
	r->key = fb_strndup(dot + 1, w->n - iw.n - 1u);
	r->loc = loc;
	return 0;
}

static const struct fb_link *wired(const struct fb_composition *c, const struct fb_ref *r,
				   enum fb_link_kind kind)
{
	for (uint32_t i = 0; i < c->nlinks; i++) {
		const struct fb_link *k = &c->links[i];
		bool import_side = kind != FB_LINK_EXPORT && k->kind != FB_LINK_EXPORT;
		if ((import_side || (kind == FB_LINK_EXPORT && k->kind == FB_LINK_EXPORT)) &&
		    strcmp(k->from.inst, r->inst) == 0 && strcmp(k->from.key, r->key) == 0)
			return k;
	}
	return NULL;
}

static int st_link(struct fb_composition *c, const struct line *l, enum fb_link_kind kind,
		   struct fb_error *err)
{
	struct fb_link k;
	memset(&k, 0, sizeof k);
	k.kind = kind;
	k.loc = l->loc;
	bool ok = kind == FB_LINK_CONNECT ? l->nw == 3 : (l->nw == 2 || l->nw == 3);
	if (!ok)
		return fb_fail(err, &l->loc, kind == FB_LINK_CONNECT ?
			       "expected: connect <inst>.<import> <inst>.<export>" :
			       kind == FB_LINK_HOST ? "expected: host <inst>.<import> [<c-name>]" :
			       "expected: export <inst>.<export> [<c-name>]");
	if (parse_ref(c, l, 1, &k.from, err) != 0)
		return -1;
	const struct fb_link *prev = wired(c, &k.from, kind);
	if (prev != NULL) {
		fb_fail(err, &k.from.loc, "'%s.%s' is already %s at line %u", k.from.inst,
			k.from.key, kind == FB_LINK_EXPORT ? "exported" : "wired",
			(unsigned)prev->loc.line);
		free(k.from.inst);
		free(k.from.key);
		return -1;
	}
	if (kind == FB_LINK_CONNECT && parse_ref(c, l, 2, &k.to, err) != 0) {
		free(k.from.inst);
		free(k.from.key);
		return -1;
	}
	if (kind != FB_LINK_CONNECT && l->nw == 3) {
		if (!c_identifier(&l->w[2])) {
			struct fb_loc loc = at(l, 2);
			free(k.from.inst);
			free(k.from.key);
			return fb_fail(err, &loc, "'%.*s' is not a C identifier", (int)l->w[2].n,
				       l->w[2].s);
		}
		k.c_name = dup_word(&l->w[2]);
	}
	c->links = fb_realloc(c->links, (c->nlinks + 1u) * sizeof *c->links);
	c->links[c->nlinks++] = k;
	return 0;
}

static int st_memory(struct fb_composition *c, const struct line *l, struct fb_error *err)
{
	if (l->nw != 3)
		return fb_fail(err, &l->loc, "expected: memory <inst> <pages>");
	struct fb_instance_decl *d = find_decl(c, &l->w[1]);
	if (d == NULL) {
		struct fb_loc loc = at(l, 1);
		return fb_fail(err, &loc, "unknown instance '%.*s'", (int)l->w[1].n, l->w[1].s);
	}
	if (d->memory_loc.line != 0)
		return fb_fail(err, &l->loc, "the memory of '%s' is already set at line %u", d->name,
			       (unsigned)d->memory_loc.line);
	uint64_t pages;
	if (parse_u64(l, 2, &pages, err) != 0)
		return -1;
	if (pages == 0 || pages > 65536u) {
		struct fb_loc loc = at(l, 2);
		return fb_fail(err, &loc, "memory pages must be 1..65536");
	}
	d->memory_pages = (uint32_t)pages;
	d->memory_loc = at(l, 2);
	return 0;
}

static int st_budget(struct fb_composition *c, const struct line *l, struct fb_error *err)
{
	if (l->nw != 4 && l->nw != 6)
		return fb_fail(err, &l->loc, "expected: budget <inst> ram <bytes> flash <bytes>");
	struct fb_instance_decl *d = find_decl(c, &l->w[1]);
	if (d == NULL) {
		struct fb_loc loc = at(l, 1);
		return fb_fail(err, &loc, "unknown instance '%.*s'", (int)l->w[1].n, l->w[1].s);
	}
	if (d->budget_loc.line != 0)
		return fb_fail(err, &l->loc, "the budget of '%s' is already set at line %u", d->name,
			       (unsigned)d->budget_loc.line);
	if (l->nw == 6 && l->w[2].n == l->w[4].n && memcmp(l->w[2].s, l->w[4].s, l->w[2].n) == 0) {
		struct fb_loc loc = at(l, 4);
		return fb_fail(err, &loc, "'%.*s' is given twice", (int)l->w[4].n, l->w[4].s);
	}
	d->budget_loc = l->loc;
	for (uint32_t i = 2; i + 1 < l->nw; i += 2) {
		uint64_t *slot = is_word(&l->w[i], "ram") ? &d->budget_ram :
				 is_word(&l->w[i], "flash") ? &d->budget_flash : NULL;
		if (slot == NULL) {
			struct fb_loc loc = at(l, i);
			return fb_fail(err, &loc, "expected 'ram' or 'flash', found '%.*s'",
				       (int)l->w[i].n, l->w[i].s);
		}
		if (parse_u64(l, i + 1, slot, err) != 0)
			return -1;
	}
	return 0;
}

static bool pow2(uint64_t v)
{
	return v != 0u && (v & (v - 1u)) == 0u;
}

/* A ring end: `host` (NULL: a driver) or a declared instance. */
static int ring_end(struct fb_composition *c, const struct line *l, uint32_t i, char **out,
		    struct fb_error *err)
{
	*out = NULL;
	if (is_word(&l->w[i], "host")) {
		if (find_decl(c, &l->w[i]) != NULL) {
			/* Else the instance would never be connected: every
			 * use of its name here means the driver. */
			struct fb_loc loc = at(l, i);
			return fb_fail(err, &loc, "'host' in a ring line is the driver, so instance "
				       "'host' cannot be a ring end: rename the instance");
		}
		return 0;
	}
	if (find_decl(c, &l->w[i]) == NULL) {
		struct fb_loc loc = at(l, i);
		return fb_fail(err, &loc, "unknown instance '%.*s' (declare it with 'instance' "
			       "first, or write 'host' for a driver)", (int)l->w[i].n, l->w[i].s);
	}
	*out = dup_word(&l->w[i]);
	return 0;
}

static const struct fb_ring_decl *find_ring(const struct fb_composition *c, const struct word *w)
{
	for (uint32_t i = 0; i < c->nrings; i++)
		if (strlen(c->rings[i].name) == w->n && memcmp(c->rings[i].name, w->s, w->n) == 0)
			return &c->rings[i];
	return NULL;
}

/* The numbers of a ring line: flue_ring_init()'s rules, checked here so
 * that the build fails on the line instead of the program at init. */
static int ring_sizes(const struct line *l, struct fb_ring_decl *r, struct fb_error *err)
{
	uint64_t elem, cap;
	struct fb_loc le = at(l, 2), lc = at(l, 3);
	if (parse_u64(l, 2, &elem, err) != 0)
		return -1;
	if (elem == 0 || elem > UINT32_MAX)
		return fb_fail(err, &le, "element size must be 1..4294967295 bytes");
	if (parse_u64(l, 3, &cap, err) != 0)
		return -1;
	if (!pow2(cap))
		return fb_fail(err, &lc, "capacity %llu is not a power of two",
			       (unsigned long long)cap);
	if (cap > (1ull << 31) || elem * cap > (1ull << 31))
		return fb_fail(err, &le, "ring '%s' of %llu elements of %llu bytes exceeds 2^31 bytes",
			       r->name, (unsigned long long)cap, (unsigned long long)elem);
	r->elem_size = (uint32_t)elem;
	r->capacity = (uint32_t)cap;
	return 0;
}

static int st_ring(struct fb_composition *c, const struct line *l, struct fb_error *err)
{
	if (l->nw != 6)
		return fb_fail(err, &l->loc, "expected: ring <name> <element-bytes> <capacity> "
			       "<writer> <reader> (each end an instance or 'host')");
	struct fb_loc ln = at(l, 1);
	if (!c_identifier(&l->w[1]))
		return fb_fail(err, &ln, "ring name '%.*s' is not a C identifier", (int)l->w[1].n,
			       l->w[1].s);
	const struct fb_ring_decl *prev = find_ring(c, &l->w[1]);
	if (prev != NULL)
		return fb_fail(err, &ln, "ring '%s' is declared twice (first at line %u)", prev->name,
			       (unsigned)prev->loc.line);
	struct fb_ring_decl r = { .name = dup_word(&l->w[1]), .loc = l->loc };
	int rc = ring_sizes(l, &r, err);
	if (rc == 0 && l->w[4].n == l->w[5].n && memcmp(l->w[4].s, l->w[5].s, l->w[4].n) == 0) {
		struct fb_loc loc = at(l, 5);
		rc = fb_fail(err, &loc, "the writer and the reader of ring '%s' are both '%.*s'",
			     r.name, (int)l->w[5].n, l->w[5].s);
	}
	if (rc == 0)
		rc = ring_end(c, l, 4, &r.end[0], err);
	if (rc == 0)
		rc = ring_end(c, l, 5, &r.end[1], err);
	if (rc != 0) {
		free(r.name);
		free(r.end[0]);
		free(r.end[1]);
		return -1;
	}
	c->rings = fb_realloc(c->rings, (c->nrings + 1u) * sizeof *c->rings);
	c->rings[c->nrings++] = r;
	return 0;
}

static int statement(struct fb_composition *c, const struct line *l, struct fb_error *err)
{
	const struct word *k = &l->w[0];
	if (is_word(k, "instance"))
		return st_instance(c, l, err);
	if (is_word(k, "connect"))
		return st_link(c, l, FB_LINK_CONNECT, err);
	if (is_word(k, "host"))
		return st_link(c, l, FB_LINK_HOST, err);
	if (is_word(k, "export"))
		return st_link(c, l, FB_LINK_EXPORT, err);
	if (is_word(k, "memory"))
		return st_memory(c, l, err);
	if (is_word(k, "budget"))
		return st_budget(c, l, err);
	if (is_word(k, "ring"))
		return st_ring(c, l, err);
	return fb_fail(err, &l->loc,
		       "unknown statement '%.*s' (expected instance, connect, host, export, "
		       "memory, budget or ring)", (int)k->n, k->s);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return fb_strdup(".");
	if (slash == path)
		return fb_strdup("/");
	return fb_strndup(path, (size_t)(slash - path));
}

int fb_compose_read(struct fb_composition *c, const char *path, const char *module_dir,
		    struct fb_error *err)
{
	memset(c, 0, sizeof *c);
	uint8_t *data;
	size_t len;
	if (fb_read_file(path, &data, &len) != 0) {
		snprintf(err->msg, sizeof err->msg, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	c->path = fb_strdup(path);
	c->dir = dir_of(path);
	c->module_dir = fb_strdup(module_dir != NULL ? module_dir : c->dir);
	const char *text = (const char *)data;
	size_t pos = 0;
	uint32_t lineno = 0;
	int rc = 0;
	while (rc == 0 && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		struct line l = { .loc = { c->path, ++lineno, 1 } };
		rc = split(&l, text + pos, end - pos, err);
		if (rc == 0 && l.nw > 0)
			rc = statement(c, &l, err);
		pos = end + 1;
	}
	free(data);
	if (rc == 0 && c->ninstances == 0) {
		struct fb_loc loc = { c->path, 1, 1 };
		rc = fb_fail(err, &loc, "no instance declared");
	}
	return rc;
}

const struct fb_instance_decl *fb_compose_find(const struct fb_composition *c, const char *name)
{
	for (uint32_t i = 0; i < c->ninstances; i++)
		if (strcmp(c->instances[i].name, name) == 0)
			return &c->instances[i];
	return NULL;
}

const struct fb_ring_decl *fb_compose_find_ring(const struct fb_composition *c, const char *name)
{
	for (uint32_t i = 0; i < c->nrings; i++)
		if (strcmp(c->rings[i].name, name) == 0)
			return &c->rings[i];
	return NULL;
}

uint32_t fb_ring_bytes(const struct fb_ring_decl *r)
{
	return r->elem_size * r->capacity; /* ≤ 2^31: ring_sizes() */
}

const char *fb_ring_end_name(const struct fb_ring_decl *r, int role)
{
	return r->end[role] != NULL ? r->end[role] : "host";
}

bool fb_ring_has_driver(const struct fb_ring_decl *r)
{
	return r->end[0] == NULL || r->end[1] == NULL;
}

/* At most one role: st_ring() refuses a ring whose two ends are the same. */
int fb_ring_role(const struct fb_ring_decl *r, const char *inst)
{
	for (int role = 0; role < 2; role++)
		if (r->end[role] != NULL && strcmp(r->end[role], inst) == 0)
			return role;
	return -1;
}

void fb_compose_free(struct fb_composition *c)
{
	for (uint32_t i = 0; i < c->nrings; i++) {
		free(c->rings[i].name);
		free(c->rings[i].end[0]);
		free(c->rings[i].end[1]);
	}
	free(c->rings);
	for (uint32_t i = 0; i < c->ninstances; i++) {
		free(c->instances[i].name);
		free(c->instances[i].module_path);
		free(c->instances[i].wit_path);
		free(c->instances[i].world);
	}
	for (uint32_t i = 0; i < c->nlinks; i++) {
		free(c->links[i].from.inst);
		free(c->links[i].from.key);
		free(c->links[i].to.inst);
		free(c->links[i].to.key);
		free(c->links[i].c_name);
	}
	free(c->instances);
	free(c->links);
	free(c->path);
	free(c->dir);
	free(c->module_dir);
	memset(c, 0, sizeof *c);
}
