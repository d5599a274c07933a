/*
 * The program model (plan.h), part 2: who serves every imported function,
 * the host functions and exported bindings, the stream/future element
 * types in registration order, and the flue library's limits.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"
#include "tgraph.h"
#include "util.h"

struct fb_strs_local {
	char **v;
	uint32_t n;
};

static const char *num_name(uint8_t n)
{
	static const char *const names[] = { "", "u8", "s8", "u16", "s16", "u32",
					     "s32", "u64", "s64", "f32", "f64" };
	return n < sizeof names / sizeof names[0] ? names[n] : "num";
}

/* "example:pipeline/stats@1.0#report" -> "stats_report" */
static char *key_snake(const char *key)
{
	const char *slash = strrchr(key, '/');
	const char *start = slash != NULL ? slash + 1 : key;
	struct fb_buf b = { 0 };
	for (const char *s = start; *s != '\0'; s++) {
		if (*s == '@') { /* skip a version up to '#' */
			while (*s != '\0' && *s != '#')
				s++;
			if (*s == '\0')
				break;
		}
		fb_buf_put(&b, s, 1);
	}
	char *snake = fb_snake(b.data != NULL ? b.data : "_");
	fb_buf_free(&b);
	return snake;
}

static char *c_name_of(const char *prog, const char *inst, const char *key)
{
	char *k = key_snake(key);
	struct fb_buf b = { 0 };
	fb_buf_printf(&b, "%s_", prog);
	if (inst != NULL)
		fb_buf_printf(&b, "%s_", inst);
	fb_buf_puts(&b, k);
	free(k);
	return b.data;
}

static int inst_index(const struct fb_plan *p, const char *name)
{
	for (uint32_t i = 0; i < p->ninsts; i++)
		if (strcmp(p->insts[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int lift_index(const struct fb_module *m, const char *key)
{
	for (uint32_t i = 0; i < m->nlifts; i++)
		if (strcmp(m->lifts[i].key, key) == 0)
			return (int)i;
	return -1;
}

static void list_lifts(const struct fb_module *m, struct fb_buf *b)
{
	if (m->nlifts == 0)
		fb_buf_puts(b, "(none)");
	for (uint32_t i = 0; i < m->nlifts; i++)
		fb_buf_printf(b, "%s'%s'", i ? ", " : "", m->lifts[i].key);
}

/* "(async, 2 params, result u32)" */
static void func_text(const struct wit_func *f, struct fb_buf *b)
{
	fb_buf_printf(b, "(%s%u params", f->async ? "async, " : "", (unsigned)f->nparams);
	if (f->result != NULL) {
		fb_buf_puts(b, ", result ");
		fb_type_text(f->result, b);
	}
	fb_buf_puts(b, ")");
}

/* `a`, the function link `k` wires, differs from `b`, what serves it:
 * export `key` of instance `inst`, or (inst NULL) host function `key`. */
static int type_mismatch(struct fb_error *err, const struct fb_link *k, const char *inst,
			 const char *key, const struct wit_func *a, const struct wit_func *b)
{
	struct fb_buf x = { 0 }, y = { 0 };
	func_text(a, &x);
	func_text(b, &y);
	if (inst != NULL)
		fb_fail(err, &k->loc, "'%s.%s' %s and '%s.%s' %s have different function types",
			k->from.inst, k->from.key, x.data, inst, key, y.data);
	else
		fb_fail(err, &k->loc, "'%s.%s' %s and host function '%s' %s have different "
			"function types", k->from.inst, k->from.key, x.data, key, y.data);
	fb_buf_free(&x);
	fb_buf_free(&y);
	return -1;
}

static const struct fb_link *link_for(const struct fb_plan *p, const char *inst, const char *key)
{
	for (uint32_t i = 0; i < p->comp.nlinks; i++) {
		const struct fb_link *k = &p->comp.links[i];
		if (k->kind != FB_LINK_EXPORT && strcmp(k->from.inst, inst) == 0 &&
		    strcmp(k->from.key, key) == 0)
			return k;
	}
	return NULL;
}

static int host_fn(struct fb_plan *p, const struct fb_link *k, const struct fb_import *imp,
		   struct fb_error *err)
{
	char *name = k->c_name != NULL ? fb_strdup(k->c_name) : c_name_of(p->name, NULL, imp->key);
	for (uint32_t i = 0; i < p->nhostfns; i++) {
		if (strcmp(p->hostfns[i].c_name, name) == 0) {
			free(name);
			if (!fb_func_equal(p->hostfns[i].func, imp->func))
				return type_mismatch(err, k, NULL, p->hostfns[i].c_name, imp->func,
						     p->hostfns[i].func);
			return (int)i;
		}
	}
	p->hostfns = fb_realloc(p->hostfns, (p->nhostfns + 1u) * sizeof *p->hostfns);
	p->hostfns[p->nhostfns] = (struct fb_hostfn){ name, imp->key, imp->func };
	return (int)p->nhostfns++;
}

static int wire_import(struct fb_plan *p, struct fb_inst *in, uint32_t i, struct fb_error *err)
{
	const struct fb_import *imp = &in->mod->imports[i];
	const struct wasm_import *w = &in->mod->wasm.imports[i];
	const struct fb_link *k = link_for(p, in->name, imp->key);
	if (k == NULL)
		return fb_plan_fail(err, "%s: instance '%s' imports '%s' (core import '%s' '%s'), "
				    "and nothing serves it: add 'connect %s.%s <instance>.<export>' "
				    "or 'host %s.%s'", p->comp.path, in->name, imp->key, w->module,
				    w->field, in->name, imp->key, in->name, imp->key);
	if (k->kind == FB_LINK_HOST) {
		int h = host_fn(p, k, imp, err);
		if (h < 0)
			return -1;
		in->wires[i] = (struct fb_wire){ .kind = FB_WIRE_HOST, .hostfn = (uint32_t)h };
		return 0;
	}
	int t = inst_index(p, k->to.inst);
	const struct fb_module *tm = p->insts[t].mod;
	int l = lift_index(tm, k->to.key);
	if (l < 0) {
		struct fb_buf b = { 0 };
		list_lifts(tm, &b);
		fb_fail(err, &k->to.loc, "instance '%s' exports no function '%s' (its module '%s' "
			"lifts %s)", k->to.inst, k->to.key, tm->wasm_path, b.data);
		fb_buf_free(&b);
		return -1;
	}
	if (!fb_func_equal(imp->func, tm->lifts[l].func))
		return type_mismatch(err, k, k->to.inst, k->to.key, imp->func, tm->lifts[l].func);
	in->wires[i] = (struct fb_wire){ .kind = FB_WIRE_LIFT, .inst = (uint32_t)t,
					 .lift = (uint32_t)l };
	return 0;
}

/* Every wiring statement must name something the instance imports. */
static int check_links(const struct fb_plan *p, struct fb_error *err)
{
	for (uint32_t i = 0; i < p->comp.nlinks; i++) {
		const struct fb_link *k = &p->comp.links[i];
		if (k->kind == FB_LINK_EXPORT)
			continue;
		const struct fb_inst *in = &p->insts[inst_index(p, k->from.inst)];
		bool found = false;
		for (uint32_t j = 0; j < in->mod->wasm.nimports && !found; j++)
			found = in->mod->imports[j].kind == FB_IMP_FUNC &&
				strcmp(in->mod->imports[j].key, k->from.key) == 0;
		if (!found)
			return fb_fail(err, &k->from.loc, "instance '%s' (module '%s') does not "
				       "import a function '%s'", k->from.inst, in->mod->wasm_path,
				       k->from.key);
	}
	return 0;
}

static int add_binding(struct fb_plan *p, const struct fb_link *k, struct fb_error *err)
{
	uint32_t i = (uint32_t)inst_index(p, k->from.inst);
	const struct fb_module *m = p->insts[i].mod;
	int l = lift_index(m, k->from.key);
	if (l < 0) {
		struct fb_buf b = { 0 };
		list_lifts(m, &b);
		fb_fail(err, &k->from.loc, "instance '%s' exports no function '%s' (its module "
			"'%s' lifts %s)", k->from.inst, k->from.key, m->wasm_path, b.data);
		fb_buf_free(&b);
		return -1;
	}
	char *name = k->c_name != NULL ? fb_strdup(k->c_name) :
		     c_name_of(p->name, k->from.inst, k->from.key);
	p->bindings = fb_realloc(p->bindings, (p->nbindings + 1u) * sizeof *p->bindings);
	p->bindings[p->nbindings++] = (struct fb_binding){ name, i, (uint32_t)l };
	return 0;
}

static int wire(struct fb_plan *p, struct fb_error *err)
{
	for (uint32_t n = 0; n < p->ninsts; n++) {
		struct fb_inst *in = &p->insts[n];
		for (uint32_t i = 0; i < in->mod->wasm.nimports; i++)
			if (in->mod->imports[i].kind == FB_IMP_FUNC && wire_import(p, in, i, err) != 0)
				return -1;
	}
	if (check_links(p, err) != 0)
		return -1;
	for (uint32_t i = 0; i < p->comp.nlinks; i++)
		if (p->comp.links[i].kind == FB_LINK_EXPORT &&
		    add_binding(p, &p->comp.links[i], err) != 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------------ element types */

static bool same_desc(const struct flue_type_desc *a, const struct flue_type_desc *b)
{
	if (a->kind != b->kind || a->num != b->num || a->nfields != b->nfields)
		return false;
	return memcmp(a->fields, b->fields, a->nfields) == 0;
}

/* A C name for the element type of `payload`, unique among the program's:
 * the number's or the named type's, else its WIT text made an identifier
 * ("result<list<u8>, string>" -> "result_list_u8_string"). */
static char *elem_c_name(const struct fb_plan *p, const struct flue_type_desc *d,
			 const struct wit_type *payload, bool graph)
{
	char *name;
	if (!graph && d->kind == FLUE_TYPE_UNIT)
		name = fb_strdup("unit");
	else if (!graph && d->kind == FLUE_TYPE_NUMBER)
		name = fb_strdup(num_name(d->num));
	else if (wit_unalias(payload)->name != NULL)
		name = fb_snake(wit_unalias(payload)->name);
	else if (!graph)
		name = fb_strdup("tuple");
	else {
		struct fb_buf t = { 0 }, b = { 0 };
		fb_type_text(wit_unalias(payload), &t);
		for (const char *c = t.data; *c != '\0'; c++) {
			bool word = isalnum((unsigned char)*c) != 0;
			char ch = word ? (char)tolower((unsigned char)*c) : '_';
			if (word || (b.len > 0 && b.data[b.len - 1] != '_'))
				fb_buf_put(&b, &ch, 1);
		}
		while (b.len > 0 && b.data[b.len - 1] == '_')
			b.data[--b.len] = '\0';
		name = b.len > 0 ? fb_strdup(b.data) : fb_strdup("value");
		fb_buf_free(&t);
		fb_buf_free(&b);
	}
	for (uint32_t i = 0; i < p->nelems; i++) {
		if (strcmp(p->elems[i].c_name, name) == 0) { /* a different type, same name */
			struct fb_buf b = { 0 };
			fb_buf_printf(&b, "%s%u", name, (unsigned)p->nelems + 1u);
			free(name);
			return b.data;
		}
	}
	return name;
}

/* The id of `payload` among the elements registered so far (0: none). */
static uint32_t find_elem(const struct fb_plan *p, const struct wit_type *payload)
{
	struct flue_type_desc d;
	char why[256];
	bool graph = fb_elem_is_graph(payload);
	if (!graph && fb_elem_desc(payload, &d, why, sizeof why) != 0)
		return 0;
	for (uint32_t i = 0; i < p->nelems; i++)
		if (p->elems[i].graph == graph &&
		    (graph ? fb_type_same_shape(p->elems[i].wit, payload) :
		     same_desc(&p->elems[i].desc, &d)))
			return i + 1u;
	return 0;
}

/* `payload` as an element type, if it is of the pass's kind (`graph`) and
 * new. Every payload was checked with fb_elem_form() before. */
static void add_elem(struct fb_plan *p, const struct wit_type *payload, bool graph)
{
	struct flue_type_desc d = { 0 };
	char why[256];
	if (fb_elem_is_graph(payload) != graph || find_elem(p, payload) != 0)
		return;
	if (!graph && fb_elem_desc(payload, &d, why, sizeof why) != 0)
		return;
	p->elems = fb_realloc(p->elems, (p->nelems + 1u) * sizeof *p->elems);
	struct fb_elem e = { d, payload, elem_c_name(p, &d, payload, graph), graph };
	p->elems[p->nelems++] = e;
}

/* The element types of the ends in `t` (t itself included), each after the
 * element types of the ends inside it: registered in this order, an element
 * type holding an end comes after that end's element type (the library
 * needs it registered first). */
static void add_ends(struct fb_plan *p, const struct wit_type *t, bool graph)
{
	const struct wit_type *u = t != NULL ? wit_unalias(t) : NULL;
	if (u == NULL)
		return;
	switch (u->kind) {
	case WIT_T_STREAM: case WIT_T_FUTURE:
		add_ends(p, u->elem, graph);
		add_elem(p, u->elem, graph);
		return;
	case WIT_T_LIST: case WIT_T_OPTION:
		add_ends(p, u->elem, graph);
		return;
	case WIT_T_RESULT:
		add_ends(p, u->ok, graph);
		add_ends(p, u->err, graph);
		return;
	case WIT_T_MAP:
		add_ends(p, u->key, graph);
		add_ends(p, u->elem, graph);
		return;
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < u->nfields; i++)
			add_ends(p, u->fields[i].type, graph);
		return;
	default:
		return;
	}
}

static void add_func_elems(struct fb_plan *p, const struct wit_func *f, bool graph)
{
	for (uint32_t i = 0; i <= f->nparams; i++)
		add_ends(p, i < f->nparams ? f->params[i].type : f->result, graph);
}

/* Every stream/future payload of the program, in a fixed order: the
 * built-ins' and the functions' of each module. */
static void walk_elems(struct fb_plan *p, bool graph)
{
	for (uint32_t n = 0; n < p->nmodules; n++) {
		struct fb_module *m = &p->modules[n];
		for (uint32_t i = 0; i < m->wasm.nimports; i++) {
			const struct fb_import *c = &m->imports[i];
			if (fb_builtin_is_stream(c->builtin) || fb_builtin_is_future(c->builtin)) {
				const struct wit_type *e = c->stream != NULL ? c->stream->elem : NULL;
				add_ends(p, e, graph);
				add_elem(p, e, graph);
			} else if (c->func != NULL) {
				add_func_elems(p, c->func, graph);
			}
		}
		for (uint32_t i = 0; i < m->nlifts; i++)
			add_func_elems(p, m->lifts[i].func, graph);
	}
}

static void collect_elems(struct fb_plan *p)
{
	walk_elems(p, false);
	if (p->comp.nrings > 0) /* the rings' companion streams (every ring has a guest end) */
		add_elem(p, NULL, false);
	p->nflat_elems = p->nelems;
	walk_elems(p, true);
	for (uint32_t n = 0; n < p->nmodules; n++) {
		struct fb_module *m = &p->modules[n];
		for (uint32_t i = 0; i < m->wasm.nimports; i++) {
			const struct fb_import *c = &m->imports[i];
			if (fb_builtin_is_stream(c->builtin) || fb_builtin_is_future(c->builtin))
				m->import_elem[i] = fb_plan_elem_id(p, c->stream != NULL ?
								    c->stream->elem : NULL);
		}
	}
}

uint32_t fb_plan_elem_id(const struct fb_plan *p, const struct wit_type *payload)
{
	return find_elem(p, payload);
}

const char *fb_plan_elem_name(const struct fb_plan *p, uint32_t id)
{
	return id >= 1 && id <= p->nelems ? p->elems[id - 1u].c_name : "unknown";
}

/* ---------------------------------------------------------------- C names */

/* The C functions the generated interface defines must not collide: the
 * bindings, the host functions (and `<name>_return` of async ones), and
 * the program's own `<prog>_init`, `_store`, `_host`, `_host_arena`,
 * `_run`, `_restart`, `_instance_<inst>`, `_ring_<ring>`. */
static void add_name(struct fb_strs_local *names, const char *name)
{
	names->v = fb_realloc(names->v, (names->n + 1u) * sizeof *names->v);
	names->v[names->n++] = fb_strdup(name);
}

static int check_c_names(const struct fb_plan *p, struct fb_error *err)
{
	struct fb_strs_local names = { 0 };
	static const char *const fixed[] = { "init", "store", "host", "host_arena", "run",
					     "restart" };
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		char b[256];
		snprintf(b, sizeof b, "%s_%s", p->name, fixed[i]);
		add_name(&names, b);
	}
	for (uint32_t i = 0; i < p->ninsts; i++) {
		char b[256];
		snprintf(b, sizeof b, "%s_instance_%s", p->name, p->insts[i].name);
		add_name(&names, b);
	}
	for (uint32_t i = 0; i < p->comp.nrings; i++) {
		char b[256];
		snprintf(b, sizeof b, "%s_ring_%s", p->name, p->comp.rings[i].name);
		add_name(&names, b);
	}
	uint32_t reserved = names.n;
	for (uint32_t i = 0; i < p->nbindings; i++)
		add_name(&names, p->bindings[i].c_name);
	for (uint32_t i = 0; i < p->nhostfns; i++) {
		add_name(&names, p->hostfns[i].c_name);
		char b[256];
		if (p->hostfns[i].func->async) {
			snprintf(b, sizeof b, "%s_return", p->hostfns[i].c_name);
			add_name(&names, b);
		}
		if (fb_func_host_moves(p->hostfns[i].func, true)) {
			snprintf(b, sizeof b, "%s_failed", p->hostfns[i].c_name);
			add_name(&names, b);
		}
	}
	for (uint32_t i = 0; i < p->nrtypes; i++) {
		static const char *const fns[] = { "new", "rep", "drop", "dtor" };
		for (size_t k = 0; p->rtypes[i].c_name != NULL && k < 4u; k++) {
			char b[256];
			snprintf(b, sizeof b, "%s_%s", p->rtypes[i].c_name, fns[k]);
			add_name(&names, b);
		}
	}
	int rc = 0;
	for (uint32_t i = reserved; i < names.n && rc == 0; i++)
		for (uint32_t k = 0; k < i && rc == 0; k++)
			if (strcmp(names.v[i], names.v[k]) == 0)
				rc = fb_plan_fail(err, "%s: the generated C function '%s' would be "
						  "defined twice: give one of its 'export' or 'host' "
						  "lines a C name of its own", p->comp.path, names.v[i]);
	for (uint32_t i = 0; i < names.n; i++)
		free(names.v[i]);
	free(names.v);
	return rc;
}

/* -------------------------------------------------------------------- build */

static int check_limits(const struct fb_plan *p, struct fb_error *err)
{
	if (p->ninsts + 1u > FLUE_CONFIG_MAX_INSTANCES)
		return fb_plan_fail(err, "%s: %u instances and the host need %u instance slots; "
				    "the flue library was built with FLUE_CONFIG_MAX_INSTANCES=%u",
				    p->comp.path, (unsigned)p->ninsts, (unsigned)p->ninsts + 1u,
				    (unsigned)FLUE_CONFIG_MAX_INSTANCES);
	if (p->nelems > FLUE_CONFIG_MAX_TYPES)
		return fb_plan_fail(err, "%s: %u stream/future element types; the flue library "
				    "was built with FLUE_CONFIG_MAX_TYPES=%u", p->comp.path,
				    (unsigned)p->nelems, (unsigned)FLUE_CONFIG_MAX_TYPES);
	return 0;
}

static char *name_from_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	const char *dot = strchr(base, '.');
	char *stem = fb_strndup(base, dot != NULL ? (size_t)(dot - base) : strlen(base));
	char *name = fb_snake(stem);
	free(stem);
	return name;
}

static bool c_identifier(const char *s)
{
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

int fb_plan_build(struct fb_plan *p, const char *composition, const char *module_dir,
		  const char *name, enum fb_target target, struct fb_error *err)
{
	memset(p, 0, sizeof *p);
	p->target = target;
	if (fb_compose_read(&p->comp, composition, module_dir, err) != 0)
		return -1;
	p->name = name != NULL ? fb_strdup(name) : name_from_path(composition);
	if (!c_identifier(p->name))
		return fb_plan_fail(err, "program name '%s' is not a C identifier", p->name);
	if (fb_plan_modules(p, err) != 0 || fb_plan_rings(p, err) != 0 || wire(p, err) != 0)
		return -1;
	collect_elems(p);
	if (fb_plan_resources(p, err) != 0 || check_c_names(p, err) != 0)
		return -1;
	return check_limits(p, err);
}
