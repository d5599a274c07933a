/*
 * Type graphs (flue/valtype.h): validation and layout, after the
 * reference's Despecialization, Alignment, Element Size and Flattening
 * (definitions.py @ 6d28164), and #688's size limit.
 *
 * Children precede parents, so layout is one pass in index order: every
 * child's layout is known when its parent is reached (O(nnodes + nkids)).
 * The pass works each node out twice, with 4-byte and with 8-byte
 * pointers: flue runs 32-bit memories only, but #688 bounds the 64-bit
 * size of every type.
 */
#include <flue/errno.h>
#include <flue/valtype.h>

#include "val.h"

#define MAX_BYTES ((1u << 28) - 1u) /* #688: elem_size(t, 'i64') < 2^28 */

struct lay {
	uint64_t size;
	uint32_t align;
};

/* a is 1, 2, 4 or 8: a mask, no 64-bit division (freestanding cores) */
static uint64_t align_up(uint64_t v, uint32_t a)
{
	return (v + a - 1u) & ~(uint64_t)(a - 1u);
}

/* discriminant_type(cases) of n cases, as its size (= its alignment). */
static uint32_t disc_size(uint64_t n)
{
	return n <= 0x100u ? 1u : n <= 0x10000u ? 2u : 4u;
}

static uint32_t flags_size(uint32_t n)
{
	return n <= 8u ? 1u : n <= 16u ? 2u : 4u;
}

/* Size (= alignment) of a kind without children and without pointers. */
static uint32_t leaf_size(uint8_t kind, uint32_t arg)
{
	switch (kind) {
	case FLUE_VT_BOOL: case FLUE_VT_S8: case FLUE_VT_U8: return 1;
	case FLUE_VT_S16: case FLUE_VT_U16: return 2;
	case FLUE_VT_S64: case FLUE_VT_U64: case FLUE_VT_F64: return 8;
	case FLUE_VT_FLAGS: return flags_size(arg);
	case FLUE_VT_ENUM: return disc_size(arg); /* a variant without payloads */
	default: return 4; /* s32 u32 f32 char error-context own borrow stream future */
	}
}

/* The children count a kind needs; -1: at least one. */
static int kids_needed(uint8_t k)
{
	switch (k) {
	case FLUE_VT_LIST: case FLUE_VT_OPTION: return 1;
	case FLUE_VT_RESULT: case FLUE_VT_MAP: return 2;
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE: case FLUE_VT_VARIANT: return -1;
	default: return 0;
	}
}

/* Kinds whose `arg` means something (LIST, ENUM, FLAGS, handles). */
static bool arg_used(uint8_t k)
{
	return k == FLUE_VT_LIST || k == FLUE_VT_ENUM || k == FLUE_VT_FLAGS || k >= FLUE_VT_OWN;
}

/* Structure of node i: kind, children count and indices, args. */
static bool node_ok(const struct flue_tnode *n, uint16_t i, const uint16_t *kids,
		    uint16_t nkids)
{
	if (n->kind < FLUE_VT_BOOL || n->kind >= FLUE_VT_KIND_COUNT)
		return false;
	int need = kids_needed(n->kind);
	if (need >= 0 ? n->nkids != (uint32_t)need : n->nkids == 0)
		return false;
	if ((uint32_t)n->kids + n->nkids > nkids)
		return false;
	bool none_ok = n->kind == FLUE_VT_VARIANT || n->kind == FLUE_VT_RESULT;
	for (uint32_t k = 0; k < n->nkids; k++) {
		uint16_t c = kids[n->kids + k];
		if (c == FLUE_TYPE_NONE ? !none_ok : c >= i)
			return false;
	}
	if (n->kind == FLUE_VT_FLAGS && (n->arg == 0 || n->arg > 32u))
		return false;
	if (n->kind == FLUE_VT_ENUM && n->arg == 0)
		return false;
	return arg_used(n->kind) || n->arg == 0;
}

/* A child's layout for pointers of `ptr` (a NONE payload: size 0, align 1). */
static struct lay kid_lay(const struct flue_tnode *nodes, uint16_t c, uint32_t ptr)
{
	if (c == FLUE_TYPE_NONE)
		return (struct lay){ 0, 1 };
	const struct flue_tnode *k = &nodes[c];
	return ptr == 4u ? (struct lay){ k->size, k->align } : (struct lay){ k->size64, k->align64 };
}

/* The cases of a VARIANT, OPTION or RESULT node: case i's payload. */
static uint16_t case_type(const struct flue_tnode *n, const uint16_t *kids, uint32_t i)
{
	if (n->kind == FLUE_VT_OPTION)
		return i == 0 ? FLUE_TYPE_NONE : kids[n->kids];
	return kids[n->kids + i];
}

static uint32_t case_count(const struct flue_tnode *n)
{
	return n->kind == FLUE_VT_OPTION ? 2u : n->nkids;
}

static struct lay variant_lay(const struct flue_tnode *nodes, const struct flue_tnode *n,
			      const uint16_t *kids, uint32_t ptr)
{
	uint32_t ncases = case_count(n), d = disc_size(ncases), ca = 1;
	uint64_t cs = 0;
	for (uint32_t i = 0; i < ncases; i++) {
		struct lay c = kid_lay(nodes, case_type(n, kids, i), ptr);
		ca = c.align > ca ? c.align : ca;
		cs = c.size > cs ? c.size : cs;
	}
	uint32_t a = d > ca ? d : ca;
	return (struct lay){ align_up(align_up(d, ca) + cs, a), a };
}

static struct lay record_lay(const struct flue_tnode *nodes, const struct flue_tnode *n,
			     const uint16_t *kids, uint32_t ptr)
{
	uint64_t s = 0;
	uint32_t a = 1;
	for (uint32_t i = 0; i < n->nkids; i++) {
		struct lay f = kid_lay(nodes, kids[n->kids + i], ptr);
		s = align_up(s, f.align) + f.size;
		a = f.align > a ? f.align : a;
	}
	return (struct lay){ align_up(s, a), a };
}

/* elem_size / alignment of node n (its children laid out already). */
static struct lay node_lay(const struct flue_tnode *nodes, const struct flue_tnode *n,
			   const uint16_t *kids, uint32_t ptr)
{
	switch (n->kind) {
	case FLUE_VT_STRING: case FLUE_VT_MAP:
		return (struct lay){ 2u * ptr, ptr };
	case FLUE_VT_LIST:
		if (n->arg == 0)
			return (struct lay){ 2u * ptr, ptr };
		struct lay e = kid_lay(nodes, kids[n->kids], ptr);
		return (struct lay){ e.size * n->arg, e.align };
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE:
		return record_lay(nodes, n, kids, ptr);
	case FLUE_VT_VARIANT: case FLUE_VT_OPTION: case FLUE_VT_RESULT:
		return variant_lay(nodes, n, kids, ptr);
	default: {
		uint32_t s = leaf_size(n->kind, n->arg);
		return (struct lay){ s, s };
	}
	}
}

/* What node n contains (FLUE_TC_*), itself and its children. */
static uint8_t node_contains(const struct flue_tnode *nodes, const struct flue_tnode *n,
			     const uint16_t *kids)
{
	uint8_t c = 0;
	for (uint32_t i = 0; i < n->nkids; i++)
		if (kids[n->kids + i] != FLUE_TYPE_NONE)
			c |= nodes[kids[n->kids + i]].contains;
	switch (n->kind) {
	case FLUE_VT_STRING: case FLUE_VT_MAP: return c | FLUE_TC_ALLOC;
	case FLUE_VT_LIST: return n->arg == 0 ? c | FLUE_TC_ALLOC : c;
	case FLUE_VT_ERROR_CONTEXT: case FLUE_VT_OWN: return FLUE_TC_HANDLE;
	case FLUE_VT_BORROW: return FLUE_TC_HANDLE | FLUE_TC_BORROW;
	case FLUE_VT_STREAM: case FLUE_VT_FUTURE: return FLUE_TC_HANDLE | FLUE_TC_ASYNC;
	default: return c;
	}
}

/* Flat count (saturated) and depth of node n. */
static void node_flat_depth(const struct flue_tnode *nodes, const struct flue_tnode *n,
			    const uint16_t *kids, uint32_t *flat, uint32_t *depth)
{
	uint64_t f = 0, fmax = 0;
	uint32_t d = 0;
	for (uint32_t i = 0; i < n->nkids; i++) {
		uint16_t c = kids[n->kids + i];
		if (c == FLUE_TYPE_NONE)
			continue;
		f += nodes[c].flat;
		fmax = nodes[c].flat > fmax ? nodes[c].flat : fmax;
		d = nodes[c].depth > d ? nodes[c].depth : d;
	}
	switch (n->kind) {
	case FLUE_VT_STRING: case FLUE_VT_MAP: f = 2; break;
	case FLUE_VT_LIST: f = n->arg == 0 ? 2u : (uint64_t)nodes[kids[n->kids]].flat * n->arg; break;
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE: break;
	case FLUE_VT_VARIANT: case FLUE_VT_OPTION: case FLUE_VT_RESULT: f = 1u + fmax; break;
	default: f = 1; break;
	}
	*flat = f > FLUE_FLAT_MANY ? FLUE_FLAT_MANY : (uint32_t)f;
	*depth = d + 1u;
}

/* Node i's layout, or FLUE_EINVAL if it breaks a rule. */
static int compute(const struct flue_tnode *nodes, uint16_t i, const uint16_t *kids,
		   uint16_t nkids, struct flue_tnode *out)
{
	const struct flue_tnode *n = &nodes[i];
	if (!node_ok(n, i, kids, nkids))
		return FLUE_EINVAL;
	uint32_t flat, depth;
	node_flat_depth(nodes, n, kids, &flat, &depth);
	struct lay l4 = node_lay(nodes, n, kids, 4), l8 = node_lay(nodes, n, kids, 8);
	if (depth > FLUE_CONFIG_MAX_TYPE_DEPTH || l8.size > MAX_BYTES || l4.size > l8.size)
		return FLUE_EINVAL;
	*out = *n;
	out->size = (uint32_t)l4.size;
	out->size64 = (uint32_t)l8.size;
	out->align = (uint8_t)l4.align;
	out->align64 = (uint8_t)l8.align;
	out->flat = (uint16_t)flat;
	out->depth = (uint8_t)depth;
	out->contains = node_contains(nodes, n, kids);
	return 0;
}

int flue_types_layout(struct flue_tnode *nodes, uint16_t nnodes, const uint16_t *kids,
		      uint16_t nkids)
{
	if (nodes == 0 || (kids == 0 && nkids != 0))
		return FLUE_EINVAL;
	for (uint16_t i = 0; i < nnodes; i++) {
		struct flue_tnode t;
		if (compute(nodes, i, kids, nkids, &t) != 0)
			return FLUE_EINVAL;
		nodes[i] = t;
	}
	return 0;
}

static bool same_layout(const struct flue_tnode *a, const struct flue_tnode *b)
{
	return a->size == b->size && a->size64 == b->size64 && a->align == b->align &&
	       a->align64 == b->align64 && a->flat == b->flat && a->depth == b->depth &&
	       a->contains == b->contains;
}

int flue_types_check(const struct flue_tgraph *g)
{
	if (g == 0 || g->nodes == 0 || (g->kids == 0 && g->nkids != 0))
		return FLUE_EINVAL;
	for (uint16_t i = 0; i < g->nnodes; i++) {
		struct flue_tnode t;
		if (compute(g->nodes, i, g->kids, g->nkids, &t) != 0 || !same_layout(&t, &g->nodes[i]))
			return FLUE_EINVAL;
	}
	return 0;
}

/* ----------------------------------------------------------- flattening */

static uint8_t join(uint8_t a, uint8_t b)
{
	if (a == b)
		return a;
	if ((a == FLUE_CORE_I32 && b == FLUE_CORE_F32) || (a == FLUE_CORE_F32 && b == FLUE_CORE_I32))
		return FLUE_CORE_I32;
	return FLUE_CORE_I64;
}

static uint8_t leaf_core(uint8_t kind)
{
	switch (kind) {
	case FLUE_VT_S64: case FLUE_VT_U64: return FLUE_CORE_I64;
	case FLUE_VT_F32: return FLUE_CORE_F32;
	case FLUE_VT_F64: return FLUE_CORE_F64;
	default: return FLUE_CORE_I32; /* pointers and lengths too: 32-bit memories */
	}
}

/* The j-th core type of node t's flattening (j < its flat count). */
static uint8_t flat_type_at(const struct flue_tgraph *g, uint16_t t, uint32_t j)
{
	const struct flue_tnode *n = &g->nodes[t];
	switch (n->kind) {
	case FLUE_VT_LIST:
		if (n->arg == 0)
			return FLUE_CORE_I32;
		return flat_type_at(g, flue_tnode_kid(g, n, 0), j % g->nodes[flue_tnode_kid(g, n, 0)].flat);
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE:
		for (uint32_t i = 0; i < n->nkids; i++) {
			uint16_t c = flue_tnode_kid(g, n, i);
			if (j < g->nodes[c].flat)
				return flat_type_at(g, c, j);
			j -= g->nodes[c].flat;
		}
		return FLUE_CORE_I32; /* not reached: j < n->flat */
	case FLUE_VT_VARIANT: case FLUE_VT_OPTION: case FLUE_VT_RESULT: {
		if (j == 0)
			return FLUE_CORE_I32;
		uint8_t have = 0;
		for (uint32_t i = 0; i < case_count(n); i++) {
			uint16_t c = case_type(n, g->kids, i);
			if (c != FLUE_TYPE_NONE && j - 1u < g->nodes[c].flat) {
				uint8_t ft = flat_type_at(g, c, j - 1u);
				have = have == 0 ? ft : join(have, ft);
			}
		}
		return have;
	}
	default:
		return leaf_core(n->kind);
	}
}

uint32_t flue_types_flatten(const struct flue_tgraph *g, uint16_t t, uint8_t *out, uint32_t cap)
{
	const struct flue_tnode *n = flue_tnode_get(g, t);
	if (n == 0)
		return 0;
	for (uint32_t j = 0; j < n->flat && j < cap; j++)
		out[j] = flat_type_at(g, t, j);
	return n->flat;
}

uint32_t flue_vals_flat_count(const struct flue_tgraph *g, const uint16_t *ts, uint32_t nts)
{
	uint32_t f = 0;
	for (uint32_t i = 0; i < nts; i++)
		f += g->nodes[ts[i]].flat;
	return f > FLUE_FLAT_MANY ? FLUE_FLAT_MANY : f;
}

/* ----------------------------------------------------------- equality */

/* Node a of ga and node b of gb are the same type (kinds, args and
 * children, FLUE_TYPE_NONE matching only itself). Recursion bounded by
 * the depth; the same node of the same graph answers at once. */
static bool equal_at(const struct flue_tgraph *ga, uint16_t a, const struct flue_tgraph *gb,
		     uint16_t b)
{
	if (a == FLUE_TYPE_NONE || b == FLUE_TYPE_NONE)
		return a == b;
	if (ga == gb && a == b)
		return true;
	const struct flue_tnode *x = &ga->nodes[a], *y = &gb->nodes[b];
	if (x->kind != y->kind || x->arg != y->arg || x->nkids != y->nkids)
		return false;
	for (uint32_t i = 0; i < x->nkids; i++)
		if (!equal_at(ga, flue_tnode_kid(ga, x, i), gb, flue_tnode_kid(gb, y, i)))
			return false;
	return true;
}

bool flue_types_equal(const struct flue_tgraph *ga, const uint16_t *a, const struct flue_tgraph *gb,
		      const uint16_t *b)
{
	if (a == 0 || b == 0)
		return a == b;
	if (ga == 0 || gb == 0 || *a >= ga->nnodes || *b >= gb->nnodes)
		return false;
	return equal_at(ga, *a, gb, *b);
}

uint64_t flue_types_tuple_size(const struct flue_tgraph *g, const uint16_t *ts, uint32_t nts)
{
	uint64_t off = 0;
	uint32_t a = 1;
	for (uint32_t i = 0; i < nts; i++) {
		const struct flue_tnode *n = &g->nodes[ts[i]];
		off = align_up(off, n->align) + n->size;
		a = n->align > a ? n->align : a;
	}
	return align_up(off, a);
}
