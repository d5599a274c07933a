/*
 * The value fuzzer's types (fuzz_vals.h): the input reader, a random type
 * graph decoded from input bytes, and the harness's own layout and
 * flattening of it, written from definitions.py @ 6d28164 (alignment,
 * elem_size, flatten_type, flatten_variant, join, discriminant_type), so
 * that flue_types_layout() and flue_types_flatten() are checked against
 * it rather than trusted.
 *
 * Type bytes (one per node, recursively, children first): kind = byte %
 * 32: 0..10 bool s8 u8 s16 u16 s32 u32 s64 u64 f32 f64, 11 char, 12-13
 * string, 14-15 list<T>, 16 list<T, N>, 17 record, 18 tuple, 19-20
 * variant, 21 enum, 22 option, 23 result, 24 flags, 25 map, 26-28 an
 * existing node again (a graph, not a tree), 29 error-context, 30
 * borrow<R>, 31 own<R> (R: 1 + next byte % 2) or, where the next byte has
 * bit 7 set, an end: stream<T> (bit 6 clear) or future<T>, T VZ_ELEM[bit
 * 0] (lift_async_value's rules: ends go wherever an own may). Compounds read their
 * argument bytes next (see gen_compound); a compound too deep or too big
 * for the tables becomes a leaf of kind 1 + byte % 13.
 *
 * Handles are kept to a weight of VH_BUDGET per tuple (own and
 * error-context 1, borrow VH_BORROW_W; a list's element counts
 * VH_LIST_CAP times, the writer's cap; a variant its heaviest case): a
 * handle past it becomes a u32, a node reused past it a string.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_vals.h"

uint8_t vin_u8(struct vin *in)
{
	return in->i < in->n ? in->d[in->i++] : 0u;
}

uint32_t vin_u32(struct vin *in)
{
	uint32_t v = 0;
	for (uint32_t k = 0; k < 4u; k++)
		v |= (uint32_t)vin_u8(in) << (8u * k);
	return v;
}

uint64_t vin_u64(struct vin *in)
{
	uint64_t lo = vin_u32(in);
	return lo | (uint64_t)vin_u32(in) << 32;
}

uint32_t vt_align_to(uint32_t v, uint32_t a)
{
	return (v + a - 1u) / a * a;
}

/* ------------------------------------------------------------- layout */

bool vt_is_list(const struct flue_tnode *n)
{
	return (n->kind == FLUE_VT_LIST && n->arg == 0) || n->kind == FLUE_VT_MAP;
}

static bool variant_like(uint8_t k)
{
	return k == FLUE_VT_VARIANT || k == FLUE_VT_ENUM || k == FLUE_VT_OPTION ||
	       k == FLUE_VT_RESULT;
}

uint32_t vt_ncases(const struct vtypes *T, uint16_t t)
{
	const struct flue_tnode *n = &T->nodes[t];
	switch (n->kind) {
	case FLUE_VT_ENUM: return n->arg;
	case FLUE_VT_OPTION: case FLUE_VT_RESULT: return 2;
	default: return n->nkids;
	}
}

uint16_t vt_case(const struct vtypes *T, uint16_t t, uint32_t c)
{
	const struct flue_tnode *n = &T->nodes[t];
	if (n->kind == FLUE_VT_ENUM)
		return FLUE_TYPE_NONE;
	if (n->kind == FLUE_VT_OPTION)
		return c == 0 ? FLUE_TYPE_NONE : T->kids[n->kids];
	return T->kids[n->kids + c];
}

/* discriminant_type: u8, u16 or u32 by the number of cases. */
uint32_t vt_disc_size(const struct vtypes *T, uint16_t t)
{
	uint32_t n = vt_ncases(T, t);
	return n <= 256u ? 1u : n <= 65536u ? 2u : 4u;
}

static uint32_t max_case_align(const struct vtypes *T, uint16_t t)
{
	uint32_t a = 1;
	uint32_t nc = T->nodes[t].kind == FLUE_VT_ENUM ? 0u : vt_ncases(T, t);
	for (uint32_t c = 0; c < nc; c++) {
		uint16_t p = vt_case(T, t, c);
		if (p != FLUE_TYPE_NONE && T->lay[p].align > a)
			a = T->lay[p].align;
	}
	return a;
}

uint32_t vt_payload_off(const struct vtypes *T, uint16_t t)
{
	return vt_align_to(vt_disc_size(T, t), max_case_align(T, t));
}

struct velem vt_elem(const struct vtypes *T, uint16_t t)
{
	const struct flue_tnode *n = &T->nodes[t];
	const struct vlay *k = &T->lay[T->kids[n->kids]];
	if (n->kind == FLUE_VT_LIST)
		return (struct velem){ k->size, k->align, 0 };
	const struct vlay *v = &T->lay[T->kids[n->kids + 1]];
	uint32_t a = k->align > v->align ? k->align : v->align;
	uint32_t voff = vt_align_to(k->size, v->align);
	return (struct velem){ vt_align_to(voff + v->size, a), a, voff };
}

static uint32_t prim_size(uint8_t kind, uint32_t arg)
{
	switch (kind) {
	case FLUE_VT_BOOL: case FLUE_VT_S8: case FLUE_VT_U8: return 1;
	case FLUE_VT_S16: case FLUE_VT_U16: return 2;
	case FLUE_VT_S64: case FLUE_VT_U64: case FLUE_VT_F64: return 8;
	case FLUE_VT_FLAGS: return arg <= 8u ? 1u : arg <= 16u ? 2u : 4u;
	default: return 4;
	}
}

static struct vlay variant_lay(const struct vtypes *T, uint16_t t)
{
	uint32_t d = vt_disc_size(T, t), mca = max_case_align(T, t), cs = 0, cf = 0;
	uint32_t nc = T->nodes[t].kind == FLUE_VT_ENUM ? 0u : vt_ncases(T, t);
	for (uint32_t c = 0; c < nc; c++) {
		uint16_t p = vt_case(T, t, c);
		if (p == FLUE_TYPE_NONE)
			continue;
		cs = T->lay[p].size > cs ? T->lay[p].size : cs;
		cf = T->lay[p].flat > cf ? T->lay[p].flat : cf;
	}
	uint32_t a = d > mca ? d : mca;
	return (struct vlay){ vt_align_to(vt_align_to(d, mca) + cs, a), a, 1u + cf, 0, 0, false, false };
}

static struct vlay record_lay(const struct vtypes *T, const struct flue_tnode *n)
{
	struct vlay l = { 0, 1, 0, 0, 0, false, false };
	for (uint32_t i = 0; i < n->nkids; i++) {
		const struct vlay *f = &T->lay[T->kids[n->kids + i]];
		l.size = vt_align_to(l.size, f->align) + f->size;
		l.align = f->align > l.align ? f->align : l.align;
		l.flat += f->flat;
	}
	l.size = vt_align_to(l.size, l.align);
	return l;
}

flue_type_t VZ_ELEM[2];

static bool is_handle(uint8_t k)
{
	return k == FLUE_VT_OWN || k == FLUE_VT_BORROW || k == FLUE_VT_ERROR_CONTEXT ||
	       k == FLUE_VT_STREAM || k == FLUE_VT_FUTURE;
}

/* The handle weight a value of node t may hold, and whether it may hold
 * a borrow. */
static void node_handles(const struct vtypes *T, uint16_t t, struct vlay *l)
{
	const struct flue_tnode *n = &T->nodes[t];
	uint32_t h = 0;
	bool b = false, e = n->kind == FLUE_VT_STREAM || n->kind == FLUE_VT_FUTURE;
	for (uint32_t i = 0; i < n->nkids; i++) {
		uint16_t c = T->kids[n->kids + i];
		if (c == FLUE_TYPE_NONE)
			continue;
		b = b || T->lay[c].borrow;
		e = e || T->lay[c].ends;
		if (variant_like(n->kind))
			h = T->lay[c].hmax > h ? T->lay[c].hmax : h;
		else
			h += T->lay[c].hmax;
	}
	if (n->kind == FLUE_VT_LIST && n->arg != 0)
		h *= n->arg;
	else if (vt_is_list(n))
		h *= VH_LIST_CAP;
	if (is_handle(n->kind))
		h = n->kind == FLUE_VT_BORROW ? VH_BORROW_W : 1u;
	l->hmax = h;
	l->borrow = b || n->kind == FLUE_VT_BORROW;
	l->ends = e;
}

static struct vlay node_lay(const struct vtypes *T, uint16_t t)
{
	const struct flue_tnode *n = &T->nodes[t];
	struct vlay l;
	if (vt_is_list(n) || n->kind == FLUE_VT_STRING) {
		l = (struct vlay){ 8, 4, 2, 0, 0, false, false };
	} else if (n->kind == FLUE_VT_LIST) {
		const struct vlay *e = &T->lay[T->kids[n->kids]];
		l = (struct vlay){ e->size * n->arg, e->align, e->flat * n->arg, 0, 0, false, false };
	} else if (n->kind == FLUE_VT_RECORD || n->kind == FLUE_VT_TUPLE) {
		l = record_lay(T, n);
	} else if (variant_like(n->kind)) {
		l = variant_lay(T, t);
	} else {
		uint32_t s = prim_size(n->kind, n->arg);
		l = (struct vlay){ s, s, 1, 0, 0, false, false };
	}
	for (uint32_t i = 0; i < n->nkids; i++) {
		uint16_t c = T->kids[n->kids + i];
		if (c != FLUE_TYPE_NONE && T->lay[c].depth > l.depth)
			l.depth = T->lay[c].depth;
	}
	l.depth++;
	node_handles(T, t, &l);
	return l;
}

/* ---------------------------------------------------------- flattening */

static void push(uint8_t *out, uint32_t *n, uint8_t ct)
{
	if (*n < VFLAT_CAP)
		out[*n] = ct;
	(*n)++;
}

static uint8_t join(uint8_t a, uint8_t b)
{
	if (a == b)
		return a;
	if ((a == FLUE_CORE_I32 && b == FLUE_CORE_F32) || (a == FLUE_CORE_F32 && b == FLUE_CORE_I32))
		return FLUE_CORE_I32;
	return FLUE_CORE_I64;
}

static void flatten_variant(const struct vtypes *T, uint16_t t, uint8_t *out, uint32_t *n)
{
	uint8_t j[VFLAT_CAP];
	uint32_t nj = 0;
	push(out, n, FLUE_CORE_I32);
	uint32_t nc = T->nodes[t].kind == FLUE_VT_ENUM ? 0u : vt_ncases(T, t);
	for (uint32_t c = 0; c < nc; c++) {
		uint16_t p = vt_case(T, t, c);
		if (p == FLUE_TYPE_NONE)
			continue;
		uint8_t f[VFLAT_CAP];
		uint32_t nf = 0;
		vt_flatten(T, p, f, &nf);
		for (uint32_t i = 0; i < nf && i < VFLAT_CAP; i++)
			j[i] = i < nj ? join(j[i], f[i]) : f[i];
		nj = nf > nj ? nf : nj;
	}
	for (uint32_t i = 0; i < nj; i++)
		push(out, n, i < VFLAT_CAP ? j[i] : FLUE_CORE_I64);
}

void vt_flatten(const struct vtypes *T, uint16_t t, uint8_t *out, uint32_t *n)
{
	const struct flue_tnode *nd = &T->nodes[t];
	if (vt_is_list(nd) || nd->kind == FLUE_VT_STRING) {
		push(out, n, FLUE_CORE_I32);
		push(out, n, FLUE_CORE_I32);
	} else if (nd->kind == FLUE_VT_LIST) {
		for (uint32_t i = 0; i < nd->arg; i++)
			vt_flatten(T, T->kids[nd->kids], out, n);
	} else if (nd->kind == FLUE_VT_RECORD || nd->kind == FLUE_VT_TUPLE) {
		for (uint32_t i = 0; i < nd->nkids; i++)
			vt_flatten(T, T->kids[nd->kids + i], out, n);
	} else if (variant_like(nd->kind)) {
		flatten_variant(T, t, out, n);
	} else {
		uint8_t k = nd->kind;
		push(out, n, k == FLUE_VT_S64 || k == FLUE_VT_U64 ? FLUE_CORE_I64
			     : k == FLUE_VT_F32 ? FLUE_CORE_F32
			     : k == FLUE_VT_F64 ? FLUE_CORE_F64 : FLUE_CORE_I32);
	}
}

/* ---------------------------------------------------------- generation */

struct tgen {
	struct vtypes *T;
	struct vin *in;
	uint32_t rnodes, rkids; /* reserved for nodes being built */
	uint32_t hleft;         /* handle weight left (VH_BUDGET) */
};

static uint16_t add_node(struct vtypes *T, uint8_t kind, uint32_t arg, const uint16_t *kids,
			 uint32_t n)
{
	uint16_t i = T->nnodes++;
	struct flue_tnode *t = &T->nodes[i];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->arg = arg;
	t->nkids = (uint16_t)n;
	t->kids = T->nkids;
	for (uint32_t k = 0; k < n; k++)
		T->kids[T->nkids++] = kids[k];
	T->lay[i] = node_lay(T, i);
	return i;
}

static uint16_t gen_type(struct tgen *g, uint32_t maxd);

static uint32_t enum_labels(uint8_t b)
{
	static const uint32_t big[6] = { 255, 256, 257, 65536, 65537, 1000 };
	return b % 16u < 10u ? 1u + b % 16u : big[b % 16u - 10u];
}

/* Children of a compound of `kind`: how many, and each (NONE allowed for
 * variant cases and result sides). */
static uint32_t gen_kids(struct tgen *g, uint8_t kind, uint32_t arg, uint32_t maxd,
			 uint16_t *kids)
{
	uint32_t n = kind == FLUE_VT_RECORD || kind == FLUE_VT_TUPLE ? 1u + vin_u8(g->in) % 4u
		     : kind == FLUE_VT_VARIANT ? 1u + vin_u8(g->in) % 5u
		     : kind == FLUE_VT_RESULT || kind == FLUE_VT_MAP ? 2u : 1u;
	uint32_t avail = VMAX_NODES - g->T->nnodes - g->rnodes;
	if (avail < 1u + n || g->T->nkids + g->rkids + n > VMAX_KIDS)
		return 0;
	g->rnodes += 1u + n;
	g->rkids += n;
	/* handle weight: cases are alternatives; a list's element repeats */
	bool alt = variant_like(kind);
	uint32_t save = g->hleft, mult = kind == FLUE_VT_LIST && arg != 0 ? arg
					 : kind == FLUE_VT_LIST || kind == FLUE_VT_MAP ? VH_LIST_CAP : 1u;
	uint32_t base = save / mult, least = base;
	g->hleft = base;
	for (uint32_t i = 0; i < n; i++) {
		bool may_none = kind == FLUE_VT_VARIANT || kind == FLUE_VT_RESULT;
		g->hleft = alt ? base : g->hleft;
		if (may_none && vin_u8(g->in) % 3u == 0) {
			g->rnodes--;
			kids[i] = FLUE_TYPE_NONE;
		} else {
			kids[i] = gen_type(g, maxd - 1u);
		}
		least = g->hleft < least ? g->hleft : least;
	}
	g->hleft = save - (base - (alt ? least : g->hleft)) * mult;
	g->rnodes--;
	g->rkids -= n;
	return n;
}

static uint32_t kid_size(const struct vtypes *T, uint16_t k)
{
	return k == FLUE_TYPE_NONE ? 0u : T->lay[k].size;
}

/* Keep a compound under VMAX_NODE_SIZE: fewer fields, shorter fixed
 * lists, oversized cases without a payload. */
static uint32_t fit(const struct vtypes *T, uint8_t kind, uint16_t *kids, uint32_t n,
		    uint32_t *arg)
{
	if (kind == FLUE_VT_LIST && *arg != 0) {
		uint32_t most = VMAX_NODE_SIZE / kid_size(T, kids[0]);
		*arg = *arg > most ? most : *arg;
	} else if (kind == FLUE_VT_RECORD || kind == FLUE_VT_TUPLE) {
		uint32_t s = 0, k = 0;
		for (; k < n; k++) {
			s = vt_align_to(s, T->lay[kids[k]].align) + T->lay[kids[k]].size;
			if (s > VMAX_NODE_SIZE - 8u && k > 0)
				break;
		}
		n = k;
	} else if (kind == FLUE_VT_VARIANT || kind == FLUE_VT_RESULT || kind == FLUE_VT_OPTION) {
		for (uint32_t k = 0; k < n; k++)
			if (kind != FLUE_VT_OPTION && kid_size(T, kids[k]) > VMAX_NODE_SIZE - 8u)
				kids[k] = FLUE_TYPE_NONE;
	}
	return n;
}

static uint16_t gen_compound(struct tgen *g, uint8_t kind, bool fixed, uint32_t maxd)
{
	uint32_t arg = 0;
	if (fixed) {
		uint8_t b = vin_u8(g->in);
		arg = (b & 0x80u) != 0 ? 1u + b % 40u : 1u + b % 4u;
	}
	uint16_t kids[5];
	uint32_t n = gen_kids(g, kind, arg, maxd, kids);
	if (n == 0)
		return add_node(g->T, FLUE_VT_U32, 0, 0, 0);
	n = fit(g->T, kind, kids, n, &arg);
	if (kind == FLUE_VT_OPTION && kid_size(g->T, kids[0]) > VMAX_NODE_SIZE - 8u)
		return kids[0];
	return add_node(g->T, kind, arg, kids, n);
}

static uint16_t reuse(struct tgen *g, uint32_t maxd)
{
	uint32_t start = vin_u8(g->in);
	for (uint32_t k = 0; k < g->T->nnodes; k++) {
		uint16_t j = (uint16_t)((start + k) % g->T->nnodes);
		if (g->T->lay[j].depth <= maxd && g->T->lay[j].hmax <= g->hleft) {
			g->hleft -= g->T->lay[j].hmax;
			return j;
		}
	}
	return add_node(g->T, FLUE_VT_STRING, 0, 0, 0);
}

/* own<R>, borrow<R>, error-context, stream<T> or future<T>, within the
 * handle weight left. */
static uint16_t gen_handle(struct tgen *g, uint8_t b)
{
	uint8_t kind = b == 31u ? FLUE_VT_OWN : b == 30u ? FLUE_VT_BORROW : FLUE_VT_ERROR_CONTEXT;
	uint8_t a = kind == FLUE_VT_ERROR_CONTEXT ? 0u : vin_u8(g->in);
	uint32_t rt = kind == FLUE_VT_ERROR_CONTEXT ? 0u : 1u + a % 2u;
	if (kind == FLUE_VT_OWN && (a & 0x80u) != 0) {
		kind = (a & 0x40u) != 0 ? FLUE_VT_FUTURE : FLUE_VT_STREAM;
		rt = VZ_ELEM[a & 1u];
	}
	uint32_t w = kind == FLUE_VT_BORROW ? VH_BORROW_W : 1u;
	bool end = kind == FLUE_VT_STREAM || kind == FLUE_VT_FUTURE;
	(void)end;
	if (w > g->hleft)
		return add_node(g->T, FLUE_VT_U32, 0, 0, 0);
	g->hleft -= w;
	return add_node(g->T, kind, rt, 0, 0);
}

/* A node of depth at most maxd (one node reserved for it by the caller). */
static uint16_t gen_type(struct tgen *g, uint32_t maxd)
{
	static const uint8_t compound[12] = {
		FLUE_VT_LIST, FLUE_VT_LIST, FLUE_VT_LIST, FLUE_VT_RECORD, FLUE_VT_TUPLE,
		FLUE_VT_VARIANT, FLUE_VT_VARIANT, FLUE_VT_ENUM, FLUE_VT_OPTION, FLUE_VT_RESULT,
		FLUE_VT_FLAGS, FLUE_VT_MAP,
	};
	uint8_t b = vin_u8(g->in) % 32u;
	g->rnodes--;
	if (b >= 29u)
		return gen_handle(g, b);
	if (b >= 26u)
		return g->T->nnodes > 0 ? reuse(g, maxd) : add_node(g->T, FLUE_VT_CHAR, 0, 0, 0);
	if (b <= 13u)
		return add_node(g->T, (uint8_t)(b <= 11u ? FLUE_VT_BOOL + b : FLUE_VT_STRING), 0, 0, 0);
	uint8_t kind = compound[b - 14u];
	if (kind == FLUE_VT_ENUM)
		return add_node(g->T, kind, enum_labels(vin_u8(g->in)), 0, 0);
	if (kind == FLUE_VT_FLAGS)
		return add_node(g->T, kind, 1u + vin_u8(g->in) % 32u, 0, 0);
	if (maxd <= 1u)
		return add_node(g->T, (uint8_t)(FLUE_VT_BOOL + b % 13u), 0, 0, 0);
	return gen_compound(g, kind, b == 16u, maxd);
}

static void check_layout(const struct vtypes *T)
{
	for (uint16_t i = 0; i < T->nnodes; i++) {
		const struct flue_tnode *n = &T->nodes[i];
		const struct vlay *l = &T->lay[i];
		if (n->size != l->size || n->align != l->align || n->flat != l->flat ||
		    n->depth != l->depth)
			VDIE("flue_types_layout: node %u (kind %u): size %u align %u flat %u depth %u, "
			     "the reference's %u %u %u %u", i, n->kind, n->size, n->align, n->flat,
			     n->depth, l->size, l->align, l->flat, l->depth);
	}
	for (uint32_t p = 0; p < T->nts; p++) {
		uint8_t mine[VFLAT_CAP], theirs[VFLAT_CAP];
		uint32_t nm = 0;
		vt_flatten(T, T->ts[p], mine, &nm);
		uint32_t nt = flue_types_flatten(&T->g, T->ts[p], theirs, VFLAT_CAP);
		if (nt != nm)
			VDIE("flue_types_flatten: node %u: %u flat values, the reference's %u",
			     T->ts[p], nt, nm);
		for (uint32_t k = 0; k < nm && k < VFLAT_CAP; k++)
			if (mine[k] != theirs[k])
				VDIE("flue_types_flatten: node %u value %u: core type %u, the "
				     "reference's %u", T->ts[p], k, theirs[k], mine[k]);
	}
}

/* The tuple of the parameters: its flat types and its layout (a record). */
static void tuple_layout(struct vtypes *T)
{
	uint32_t n = 0, off = 0, a = 1;
	for (uint32_t p = 0; p < T->nts; p++) {
		vt_flatten(T, T->ts[p], T->flat, &n);
		const struct vlay *l = &T->lay[T->ts[p]];
		off = vt_align_to(off, l->align) + l->size;
		a = l->align > a ? l->align : a;
	}
	T->nflat = n > VFLAT_CAP ? VFLAT_MANY : n;
	uint32_t h = 0;
	for (uint32_t p = 0; p < T->nts; p++) {
		h += T->lay[T->ts[p]].hmax;
		T->borrows = T->borrows || T->lay[T->ts[p]].borrow;
		T->ends = T->ends || T->lay[T->ts[p]].ends;
	}
	T->handles = h != 0;
	if (h > VH_BUDGET)
		VDIE("a tuple of handle weight %u, over %u", h, VH_BUDGET);
	T->talign = a;
	T->tsize = vt_align_to(off, a);
}

void vt_generate(struct vtypes *T, struct vin *in)
{
	memset(T, 0, sizeof *T);
	struct tgen g = { T, in, 0, 0, VH_BUDGET };
	uint8_t b = vin_u8(in);
	T->nts = 1u + b % VMAX_PARAMS;
	/* depth: mostly shallow; one input in eight up to the limit */
	uint32_t maxd = (b >> 2) % 8u == 0 ? FLUE_CONFIG_MAX_TYPE_DEPTH : 2u + (b >> 5);
	g.rnodes = T->nts;
	for (uint32_t p = 0; p < T->nts; p++)
		T->ts[p] = gen_type(&g, maxd);
	if (flue_types_layout(T->nodes, T->nnodes, T->kids, T->nkids) != 0)
		VDIE("flue_types_layout refused a valid graph of %u nodes", T->nnodes);
	T->g = (struct flue_tgraph){ T->nodes, T->kids, T->nnodes, T->nkids };
	if (flue_types_check(&T->g) != 0)
		VDIE("flue_types_check refused the layout flue_types_layout wrote");
	check_layout(T);
	tuple_layout(T);
}

/* ------------------------------------------------------------- printing */

static const char *const KIND_NAME[] = {
	"?", "bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64",
	"char", "string", "errctx", "list", "record", "tuple", "variant", "enum", "option",
	"result", "flags", "map", "own", "borrow", "stream", "future",
};

void vt_print(const struct vtypes *T, uint16_t t)
{
	if (t == FLUE_TYPE_NONE) {
		vz_trace("_");
		return;
	}
	const struct flue_tnode *n = &T->nodes[t];
	vz_trace("%s", n->kind < sizeof KIND_NAME / sizeof KIND_NAME[0] ? KIND_NAME[n->kind] : "?");
	if (n->nkids == 0 && n->arg == 0)
		return;
	vz_trace("(");
	for (uint32_t i = 0; i < n->nkids; i++) {
		vz_trace(i > 0 ? "," : "");
		vt_print(T, T->kids[n->kids + i]);
	}
	if (n->arg != 0)
		vz_trace("%s%u", n->nkids > 0 ? "," : "", n->arg);
	vz_trace(")");
}
