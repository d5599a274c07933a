/*
 * Graph-typed values at the host edge (flue/hval.h): the glue's
 * conversions between the host interface's C types (gen_ctype.c) and the
 * canonical layout.
 *
 * What the program is given (a host function's params, an export's
 * result) is a view of the guest's values, checked by the library: each
 * is read into C with the flue_hval_* accessors, strings and lists stay
 * where they are (views into guest memory, valid only inside the call),
 * so nothing is allocated and nothing is copied twice.
 *
 * What the program gives (an export's params, a host function's result)
 * is written in canonical layout into the value area, the part of the host
 * instance's arena after the program's own `--host-arena` bytes: the
 * tuple, then its strings and lists, bump-allocated; what does not fit is
 * FLUE_ENOMEM before anything is handed to the library. Layouts are the
 * type graph's (flue_types_layout() at build time), stores little-endian
 * byte by byte, so the glue does not depend on the C compiler's struct
 * layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_hval.h"

static bool func_graph(const struct wit_func *f)
{
	return fb_func_is_graph(f);
}

bool gen_hval_any(const struct fb_plan *p)
{
	for (uint32_t i = 0; i < p->nbindings; i++)
		if (func_graph(p->insts[p->bindings[i].inst].mod->lifts[p->bindings[i].lift].func))
			return true;
	for (uint32_t i = 0; i < p->nhostfns; i++)
		if (func_graph(p->hostfns[i].func))
			return true;
	return gen_hend_any(p); /* their typed reads and writes need the value area */
}

bool gen_hval_moves(const struct fb_plan *p)
{
	for (uint32_t i = 0; i < p->nbindings; i++)
		if (fb_func_host_moves(p->insts[p->bindings[i].inst].mod->lifts[p->bindings[i].lift].func,
				       false))
			return true;
	for (uint32_t i = 0; i < p->nhostfns; i++)
		if (fb_func_host_moves(p->hostfns[i].func, true))
			return true;
	return false;
}

uint32_t gen_hval_arena(const struct gen *g)
{
	return g->o->host_arena * ((gen_hval_moves(g->p) ? 3u : gen_hval_any(g->p) ? 2u : 1u) +
				   (gen_hend_any(g->p) ? 1u : 0u)); /* + the read area */
}

uint32_t gen_hval_size(const struct gen *g, const struct wit_type *t)
{
	return g->tg->nodes[gen_graph_node(g, t)].size;
}

uint32_t gen_hval_align(const struct gen *g, const struct wit_type *t)
{
	return g->tg->nodes[gen_graph_node(g, t)].align;
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1u) & ~(a - 1u);
}

/* Bytes of a variant's discriminant (canonical: by its case count). */
static uint32_t disc_bytes(uint32_t ncases)
{
	return ncases <= 256u ? 1u : ncases <= 65536u ? 2u : 4u;
}

/* Offset of a variant's payload: after the discriminant, at the largest
 * alignment of its cases. */
static uint32_t payload_offset(const struct gen *g, const struct wit_type *u)
{
	uint32_t a = 1;
	for (uint32_t i = 0; i < gen_ncases(u); i++) {
		struct gen_case c = gen_case(u, i);
		if (c.type != NULL && gen_hval_align(g, c.type) > a)
			a = gen_hval_align(g, c.type);
	}
	return align_up(disc_bytes(gen_ncases(u)), a);
}

/* The element stride and alignment of a list (a map's: its entry tuple). */
static void elem_layout(const struct gen *g, const struct wit_type *u, uint32_t *size,
			uint32_t *align, uint32_t *voff)
{
	if (u->kind != WIT_T_MAP) {
		*size = gen_hval_size(g, u->elem), *align = gen_hval_align(g, u->elem), *voff = 0;
		return;
	}
	uint32_t ka = gen_hval_align(g, u->key), va = gen_hval_align(g, u->elem);
	*align = ka > va ? ka : va;
	*voff = align_up(gen_hval_size(g, u->key), va);
	*size = align_up(*voff + gen_hval_size(g, u->elem), *align);
}

/* ----------------------------------------------------------- leaves */

void gen_hval_get(const struct gen *g, const struct wit_type *t, const char *hv, const char *lv,
		  const char *ind, struct fb_buf *b)
{
	const struct wit_type *u = wit_unalias(t);
	int k = gen_named_index(u);
	if (k >= 0) {
		fb_buf_printf(b, "%sglue_get%d(%s, &%s);\n", ind, k, hv, lv);
		return;
	}
	struct fb_buf ct = { 0 };
	gen_ctype(g, u, &ct);
	if (u->kind == WIT_T_STREAM || u->kind == WIT_T_FUTURE) /* an index in the host's table */
		fb_buf_printf(b, "%s%s.handle = (uint32_t)flue_hval_num(%s);\n", ind, lv, hv);
	else if (u->kind == WIT_T_BOOL)
		fb_buf_printf(b, "%s%s = flue_hval_num(%s) != 0;\n", ind, lv, hv);
	else if (u->kind == WIT_T_F32)
		fb_buf_printf(b, "%s%s = glue_bits_f32((uint32_t)flue_hval_num(%s));\n", ind, lv, hv);
	else if (u->kind == WIT_T_F64)
		fb_buf_printf(b, "%s%s = glue_bits_f64(flue_hval_num(%s));\n", ind, lv, hv);
	else
		fb_buf_printf(b, "%s%s = (%s)flue_hval_num(%s);\n", ind, lv, ct.data, hv);
	fb_buf_free(&ct);
}

void gen_hval_put(const struct gen *g, const struct wit_type *t, const char *x, const char *at,
		  const char *ind, struct fb_buf *b)
{
	const struct wit_type *u = wit_unalias(t);
	int k = gen_named_index(u);
	if (k >= 0) {
		fb_buf_printf(b, "%sif ((rc = glue_put%d(w, &%s, %s)) != 0)\n%s\treturn rc;\n", ind, k,
			      x, at, ind);
		return;
	}
	uint32_t n = gen_hval_size(g, u);
	if (u->kind == WIT_T_STREAM || u->kind == WIT_T_FUTURE)
		fb_buf_printf(b, "%sglue_st(w, %s, %s.handle, 4u);\n", ind, at, x);
	else if (u->kind == WIT_T_BOOL)
		fb_buf_printf(b, "%sglue_st(w, %s, %s ? 1u : 0u, 1u);\n", ind, at, x);
	else if (u->kind == WIT_T_F32 || u->kind == WIT_T_F64)
		fb_buf_printf(b, "%sglue_st(w, %s, glue_f%s_bits(%s), %uu);\n", ind, at,
			      u->kind == WIT_T_F32 ? "32" : "64", x, (unsigned)n);
	else
		fb_buf_printf(b, "%sglue_st(w, %s, (uint64_t)%s, %uu);\n", ind, at, x, (unsigned)n);
}

/* --------------------------------------------------------- support */

/* The arrival area: values shown to the program that hold handles (a host
 * function's params, an export's result), which the library moves into
 * the host's arena with the host's allocator (flue_host_set_realloc())
 * instead of showing them where the guest has them. It is the last
 * `--host-arena` bytes, after the value area, and works as a stack: each
 * value lasts as long as the callback that is shown it (the glue takes
 * back what it took when the callback returns, so nested callbacks — a
 * host function that calls an export that calls a host function — keep
 * theirs). The library moves a value just before it calls the callback,
 * with no glue in between: the first allocation after a callback began
 * or ended (`glue_ifresh`) marks where the next value begins. */
static void arrivals(const struct gen *g)
{
	fb_buf_printf(g->c, "/* The arrival area: values the program is shown that hold handles "
		      "(moved\n * here by the library with glue_ialloc), the last %u bytes of the "
		      "host\n * arena; each lasts as long as the callback shown it (a stack). */\n"
		      "#define GLUE_IBASE %uu\nstatic uint32_t glue_itop = GLUE_IBASE, glue_ibegin "
		      "= GLUE_IBASE;\nstatic bool glue_ifresh = true;\n\n"
		      "static uint32_t glue_ialloc(void *user, struct flue_instance *inst, uint32_t "
		      "old, uint32_t old_size,\n\t\t\t    uint32_t align, uint32_t size)\n{\n"
		      "\t(void)user;\n\t(void)inst;\n\tif (glue_ifresh) {\n\t\tglue_ibegin = "
		      "glue_itop;\n\t\tglue_ifresh = false;\n\t}\n"
		      "\tif (old_size > 0 && old + old_size == glue_itop &&\n"
		      "\t    (uint64_t)old + size <= sizeof host_arena) { /* the last block */\n"
		      "\t\tglue_itop = old + size;\n\t\treturn old;\n\t}\n"
		      "\tuint64_t p = ((uint64_t)glue_itop + align - 1u) & ~(uint64_t)(align - 1u);\n"
		      "\tif (align == 0 || (align & (align - 1u)) != 0 || p + size > sizeof host_arena)"
		      "\n\t\treturn UINT32_MAX; /* no room: FLUE_ENOMEM */\n"
		      "\tif (old_size > 0)\n\t\tmemmove(host_arena + p, host_arena + old, "
		      "old_size < size ? old_size : size);\n\tglue_itop = (uint32_t)(p + size);\n"
		      "\treturn (uint32_t)p;\n}\n\n"
		      "/* Entering a callback shown a moved value: where that value began. */\n"
		      "static inline uint32_t glue_ienter(void)\n{\n\tuint32_t mark = glue_ifresh ? "
		      "glue_itop : glue_ibegin;\n\tglue_ifresh = true;\n\treturn mark;\n}\n\n"
		      "static inline void glue_ileave(uint32_t mark)\n{\n\tglue_itop = mark;\n"
		      "\tglue_ifresh = true;\n}\n\n", (unsigned)g->o->host_arena,
		      (unsigned)(gen_hval_arena(g) - g->o->host_arena));
}

void gen_hval_support_areas(const struct gen *g)
{
	if (gen_hval_moves(g->p)) /* GLUE_IBASE: the value area's end */
		arrivals(g);
	if (gen_hend_any(g->p)) /* the read area: after the value area */
		fb_buf_printf(g->c, "#define GLUE_RBASE %uu\n", (unsigned)(2u * g->o->host_arena));
}

void gen_hval_support(const struct gen *g)
{
	fb_buf_printf(g->c, "/* The value area: graph-typed values the program gives (an export's\n"
		      " * params, waiting until the callee starts; a host function's result,\n"
		      " * moved at once), in canonical layout after the program's %u bytes of\n"
		      " * the host arena. Params of calls in flight stay until the last of them\n"
		      " * resolves. */\n_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "
		      "\"canonical layout is little-endian\");\n#define GLUE_VBASE %uu\n"
		      "struct glue_w {\n\tuint8_t *a;\n\tuint32_t top, end;\n};\n\n"
		      "static uint32_t glue_vtop = GLUE_VBASE, glue_vlive;\n\n"
		      "static inline void glue_w_open(struct glue_w *w)\n{\n\tw->a = host_arena;\n"
		      "\tw->top = glue_vtop;\n\tw->end = %s;\n}\n\n"
		      "static inline int glue_reserve(struct glue_w *w, uint64_t n, uint32_t align, "
		      "uint32_t *at)\n{\n\tuint64_t p = ((uint64_t)w->top + align - 1u) & "
		      "~(uint64_t)(align - 1u);\n\tif (p + n > w->end)\n\t\treturn FLUE_ENOMEM;\n"
		      "\t*at = (uint32_t)p;\n\tw->top = (uint32_t)(p + n);\n\treturn 0;\n}\n\n"
		      "static inline void glue_st(struct glue_w *w, uint32_t at, uint64_t v, "
		      "uint32_t n)\n{\n\tfor (uint32_t k = 0; k < n; k++)\n"
		      "\t\tw->a[at + k] = (uint8_t)(v >> (8u * k));\n}\n\n"
		      "static inline void glue_vdone(void)\n{\n\tif (glue_vlive > 0 && --glue_vlive == 0)\n"
		      "\t\tglue_vtop = GLUE_VBASE;\n}\n\n", (unsigned)g->o->host_arena,
		      (unsigned)g->o->host_arena, gen_hend_any(g->p) ? "GLUE_RBASE" : gen_hval_moves(g->p) ? "GLUE_IBASE" :
		      "(uint32_t)sizeof host_arena");
}

/* ----------------------------------------------------- per type */

static void string_conv(const struct gen *g, uint32_t k)
{
	const char *n = gen_named_at(k)->name;
	fb_buf_printf(g->c, "static inline void glue_get%u(struct flue_hval v, %s *out)\n{\n"
		      "\tout->ptr = flue_hval_bytes(v, &out->len, 0);\n}\n\n"
		      "static inline int glue_put%u(struct glue_w *w, const %s *x, uint32_t at)\n{\n"
		      "\tuint32_t p;\n\tif (x->len > 0 && x->ptr == 0)\n\t\treturn FLUE_EINVAL;\n"
		      "\tint rc = glue_reserve(w, x->len, 1u, &p);\n\tif (rc != 0)\n\t\treturn rc;\n"
		      "\tif (x->len > 0)\n\t\tmemcpy(w->a + p, x->ptr, x->len);\n"
		      "\tglue_st(w, at, p, 4u);\n\tglue_st(w, at + 4u, x->len, 4u);\n\treturn 0;\n}\n\n",
		      (unsigned)k, n, (unsigned)k, n);
}

/* Integers and chars in guest memory have the C layout (little-endian,
 * aligned by the canonical ABI's checks) and the values the host must see
 * (the library has checked the chars): `elems` may point at them. Floats
 * may not: a NaN there keeps the guest's payload and sign, and the host
 * must see it canonical (the deterministic profile), which only the
 * accessor (flue_hval_num) gives. */
static bool direct(const struct wit_type *e)
{
	enum wit_type_kind k = wit_unalias(e)->kind;
	return (k >= WIT_T_S8 && k <= WIT_T_U64) || k == WIT_T_CHAR;
}

/* The public accessor <list>_get() and the list's own get. */
static void list_get(const struct gen *g, uint32_t k, const char *en)
{
	const struct wit_type *u = gen_named_at(k)->t;
	const char *n = gen_named_at(k)->name;
	int len = (int)strlen(n) - 2;
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "int %.*s_get(const %s *l, uint32_t i, %s *out)\n{\n"
		      "\tif (l == 0 || out == 0 || i >= l->len)\n\t\treturn FLUE_EINVAL;\n"
		      "\tif (l->elems != 0) {\n\t\t*out = l->elems[i];\n\t\treturn 0;\n\t}\n",
		      len, n, n, en);
	if (u->kind == WIT_T_MAP) {
		fb_buf_puts(c, "\tstruct flue_hval kv, vv;\n\t(void)flue_hval_entry(l->view, i, &kv, "
			    "&vv);\n");
		gen_hval_get(g, u->key, "kv", "out->key", "\t", c);
		gen_hval_get(g, u->elem, "vv", "out->value", "\t", c);
	} else {
		gen_hval_get(g, u->elem, "flue_hval_elem(l->view, i)", "(*out)", "\t", c);
	}
	fb_buf_printf(c, "\treturn 0;\n}\n\nstatic inline void glue_get%u(struct flue_hval v, %s *out)"
		      "\n{\n\tout->view = v;\n\tout->len = flue_hval_count(v);\n", (unsigned)k, n);
	if (u->kind != WIT_T_MAP && direct(u->elem))
		fb_buf_printf(c, "\tout->elems = (const %s *)(const void *)flue_hval_bytes(v, "
			      "&(uint32_t){ 0 }, 0);\n}\n\n", en);
	else
		fb_buf_puts(c, "\tout->elems = 0;\n}\n\n");
}

static void list_conv(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = gen_named_at(k)->t;
	struct fb_buf *c = g->c, en = { 0 };
	uint32_t size, align, voff;
	elem_layout(g, u, &size, &align, &voff);
	if (u->kind == WIT_T_MAP)
		fb_buf_printf(&en, "%.*s_entry_t", (int)strlen(gen_named_at(k)->name) - 2,
			      gen_named_at(k)->name);
	else
		gen_ctype(g, u->elem, &en);
	list_get(g, k, en.data);
	fb_buf_printf(c, "static inline int glue_put%u(struct glue_w *w, const %s *x, uint32_t at)\n"
		      "{\n\tuint32_t p = at;\n\tint rc = 0;\n", (unsigned)k, gen_named_at(k)->name);
	if (u->length > 0) /* fixed length: inline */
		fb_buf_printf(c, "\tif (x->len != %uu)\n\t\treturn FLUE_EINVAL;\n", (unsigned)u->length);
	else
		fb_buf_printf(c, "\tif ((rc = glue_reserve(w, (uint64_t)x->len * %uu, %uu, &p)) != 0)\n"
			      "\t\treturn rc;\n", (unsigned)size, (unsigned)align);
	fb_buf_printf(c, "\tfor (uint32_t i = 0; i < x->len; i++) {\n\t\t%s e;\n"
		      "\t\tif (%.*s_get(x, i, &e) != 0)\n\t\t\treturn FLUE_EINVAL;\n"
		      "\t\tuint32_t ea = p + i * %uu;\n", en.data, (int)strlen(gen_named_at(k)->name) - 2,
		      gen_named_at(k)->name, (unsigned)size);
	if (u->kind == WIT_T_MAP) {
		char va[32];
		snprintf(va, sizeof va, "ea + %uu", (unsigned)voff);
		gen_hval_put(g, u->key, "e.key", "ea", "\t\t", c);
		gen_hval_put(g, u->elem, "e.value", va, "\t\t", c);
	} else {
		gen_hval_put(g, u->elem, "e", "ea", "\t\t", c);
	}
	fb_buf_puts(c, "\t}\n");
	if (u->length == 0)
		fb_buf_puts(c, "\tglue_st(w, at, p, 4u);\n\tglue_st(w, at + 4u, x->len, 4u);\n");
	fb_buf_puts(c, "\t(void)w;\n\treturn rc;\n}\n\n");
	fb_buf_free(&en);
}

static char *member(const struct wit_field *f, uint32_t i, const char *prefix)
{
	struct fb_buf b = { 0 };
	char *s = f->name != NULL ? fb_snake(f->name) : NULL;
	if (s != NULL)
		fb_buf_printf(&b, "%s%s", prefix, s);
	else
		fb_buf_printf(&b, "%sf%u", prefix, (unsigned)i);
	free(s);
	return b.data;
}

static void record_conv(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = gen_named_at(k)->t;
	const char *n = gen_named_at(k)->name;
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "static inline void glue_get%u(struct flue_hval v, %s *out)\n{\n",
		      (unsigned)k, n);
	for (uint32_t i = 0; i < u->nfields; i++) {
		char *m = member(&u->fields[i], i, "out->"), hv[48];
		snprintf(hv, sizeof hv, "flue_hval_field(v, %uu)", (unsigned)i);
		gen_hval_get(g, u->fields[i].type, hv, m, "\t", c);
		free(m);
	}
	fb_buf_printf(c, "}\n\nstatic inline int glue_put%u(struct glue_w *w, const %s *x, "
		      "uint32_t at)\n{\n\tint rc = 0;\n", (unsigned)k, n);
	uint32_t off = 0;
	for (uint32_t i = 0; i < u->nfields; i++) {
		const struct wit_type *ft = u->fields[i].type;
		off = align_up(off, gen_hval_align(g, ft));
		char *m = member(&u->fields[i], i, "x->"), at[32];
		snprintf(at, sizeof at, "at + %uu", (unsigned)off);
		gen_hval_put(g, ft, m, at, "\t", c);
		off += gen_hval_size(g, ft);
		free(m);
	}
	fb_buf_puts(c, "\t(void)w;\n\treturn rc;\n}\n\n");
}

static void variant_conv(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = gen_named_at(k)->t;
	const char *n = gen_named_at(k)->name;
	struct fb_buf *c = g->c;
	uint32_t nc = gen_ncases(u), po = payload_offset(g, u);
	fb_buf_printf(c, "static inline void glue_get%u(struct flue_hval v, %s *out)\n{\n"
		      "\tstruct flue_hval p;\n\tmemset(out, 0, sizeof *out);\n"
		      "\tout->tag = flue_hval_case(v, &p);\n\tswitch (out->tag) {\n", (unsigned)k, n);
	for (uint32_t i = 0; i < nc; i++) {
		struct gen_case cs = gen_case(u, i);
		if (cs.type == NULL)
			continue;
		char *s = fb_snake(cs.name);
		struct fb_buf lv = { 0 };
		fb_buf_printf(&lv, "out->u.%s", s);
		fb_buf_printf(c, "\tcase %uu:\n", (unsigned)i);
		gen_hval_get(g, cs.type, "p", lv.data, "\t\t", c);
		fb_buf_puts(c, "\t\tbreak;\n");
		fb_buf_free(&lv);
		free(s);
	}
	fb_buf_printf(c, "\tdefault:\n\t\tbreak;\n\t}\n}\n\nstatic inline int glue_put%u(struct "
		      "glue_w *w, const %s *x, uint32_t at)\n{\n\tint rc = 0;\n\tswitch (x->tag) {\n",
		      (unsigned)k, n);
	for (uint32_t i = 0; i < nc; i++) {
		struct gen_case cs = gen_case(u, i);
		fb_buf_printf(c, "\tcase %uu:\n", (unsigned)i);
		if (cs.type != NULL) {
			char *s = fb_snake(cs.name), at[32];
			struct fb_buf x = { 0 };
			fb_buf_printf(&x, "x->u.%s", s);
			snprintf(at, sizeof at, "at + %uu", (unsigned)po);
			gen_hval_put(g, cs.type, x.data, at, "\t\t", c);
			fb_buf_free(&x);
			free(s);
		}
		fb_buf_puts(c, "\t\tbreak;\n");
	}
	fb_buf_printf(c, "\tdefault:\n\t\treturn FLUE_EINVAL;\n\t}\n\tglue_st(w, at, x->tag, %uu);\n"
		      "\treturn rc;\n}\n\n", (unsigned)disc_bytes(nc));
}

/* enum: its case; flags: its bits (unknown ones refused). */
static void int_conv(const struct gen *g, uint32_t k)
{
	const struct wit_type *u = gen_named_at(k)->t;
	const char *n = gen_named_at(k)->name;
	bool flags = u->kind == WIT_T_FLAGS;
	uint32_t size = gen_hval_size(g, u);
	uint64_t limit = flags ? (1ull << u->nfields) : u->nfields;
	fb_buf_printf(g->c, "static inline void glue_get%u(struct flue_hval v, %s *out)\n{\n"
		      "\t*out = (%s)flue_hval_num(v);\n}\n\n"
		      "static inline int glue_put%u(struct glue_w *w, const %s *x, uint32_t at)\n{\n"
		      "\tif ((uint64_t)*x >= %lluu)\n\t\treturn FLUE_EINVAL;\n"
		      "\tglue_st(w, at, *x, %uu);\n\treturn 0;\n}\n\n", (unsigned)k, n, n,
		      (unsigned)k, n, (unsigned long long)limit, (unsigned)size);
}

/* Every graph type's conversions, children before parents (the order
 * they were registered in). */
void gen_hval_convs(const struct gen *g)
{
	for (uint32_t k = 0; k < gen_named_count(); k++) {
		if (!gen_named_at(k)->graph)
			continue;
		switch (gen_named_at(k)->t->kind) {
		case WIT_T_STRING: string_conv(g, k); break;
		case WIT_T_LIST: case WIT_T_MAP: list_conv(g, k); break;
		case WIT_T_RECORD: case WIT_T_TUPLE: record_conv(g, k); break;
		case WIT_T_ENUM: case WIT_T_FLAGS: int_conv(g, k); break;
		default: variant_conv(g, k); break;
		}
	}
}
