/*
 * Component values at a call boundary: the reference's flatten_type,
 * lift_flat_values and lower_flat_values (with load/store of a tuple) for
 * the leaf types of flue/functype.h. Every leaf flattens to exactly one
 * core value and has size == alignment, which keeps the layout a single
 * pass over the leaves.
 */
#include "abi.h"
#include "../obj/resource.h"
#include "val.h"
#include "values.h"

/* ------------------------------------------------------------- types */

static bool is_leaf(uint8_t k)
{
	return k >= FLUE_VAL_BOOL && k <= FLUE_VAL_FUTURE;
}

static bool is_end(uint8_t k)
{
	return k == FLUE_VAL_STREAM || k == FLUE_VAL_FUTURE;
}

/* Size and alignment in linear memory (equal for every leaf). */
static uint32_t leaf_size(uint8_t k)
{
	switch (k) {
	case FLUE_VAL_BOOL: case FLUE_VAL_S8: case FLUE_VAL_U8: return 1;
	case FLUE_VAL_S16: case FLUE_VAL_U16: return 2;
	case FLUE_VAL_S64: case FLUE_VAL_U64: case FLUE_VAL_F64: return 8;
	default: return 4;
	}
}

static uint32_t leaf_count(const struct flue_valtype *t)
{
	return t->kind == FLUE_VAL_RECORD ? t->nfields : 1u;
}

static int check_leaf(const struct flue_store *s, uint8_t kind, flue_type_t elem)
{
	if (!is_leaf(kind))
		return FLUE_EINVAL;
	if (is_end(kind) && flue_type_get(s, elem) == 0)
		return FLUE_EINVAL;
	return 0;
}

static int check_type(const struct flue_store *s, const struct flue_valtype *t)
{
	if (t->kind != FLUE_VAL_RECORD)
		return check_leaf(s, t->kind, t->elem);
	if (t->nfields == 0 || t->nfields > FLUE_CONFIG_MAX_TYPE_FIELDS)
		return FLUE_EINVAL;
	for (uint32_t i = 0; i < t->nfields; i++)
		if (check_leaf(s, t->fields[i].kind, t->fields[i].elem) != 0)
			return FLUE_EINVAL;
	return 0;
}

/* A graph function type: the graph valid, its nodes named, resource and
 * element types registered, and no borrow in the result (the reference's
 * validation). */
static int check_graph_type(const struct flue_store *s, const struct flue_functype *ft)
{
	const struct flue_tgraph *g = ft->graph;
	if (flue_types_check(g) != 0 || (ft->nparams != 0 && ft->param_types == 0))
		return FLUE_EINVAL;
	for (uint32_t i = 0; i < ft->nparams; i++)
		if (ft->param_types[i] >= g->nnodes)
			return FLUE_EINVAL;
	if (ft->result_type != 0 && (*ft->result_type >= g->nnodes ||
				     (g->nodes[*ft->result_type].contains & FLUE_TC_BORROW) != 0))
		return FLUE_EINVAL;
	/* The params' tuple in memory: its size fits an i32 (32-bit layout). */
	if (flue_types_tuple_size(g, ft->param_types, ft->nparams) > UINT32_MAX)
		return FLUE_EINVAL;
	for (uint32_t i = 0; i < g->nnodes; i++) {
		const struct flue_tnode *n = &g->nodes[i];
		if ((n->kind == FLUE_VT_STREAM || n->kind == FLUE_VT_FUTURE) &&
		    (n->arg > 0xFFu || flue_type_get(s, (flue_type_t)n->arg) == 0))
			return FLUE_EINVAL;
		if ((n->kind == FLUE_VT_OWN || n->kind == FLUE_VT_BORROW) &&
		    (n->arg > 0xFFu || flue_rtype_get(s, (flue_rtype_t)n->arg) == 0))
			return FLUE_EINVAL;
	}
	return 0;
}

int flue_functype_check(const struct flue_store *s, const struct flue_functype *ft)
{
	if (s == 0 || ft == 0)
		return FLUE_EINVAL;
	if (ft->graph != 0)
		return check_graph_type(s, ft);
	if (ft->nparams != 0 && ft->params == 0)
		return FLUE_EINVAL;
	for (uint32_t i = 0; i < ft->nparams; i++)
		if (check_type(s, &ft->params[i]) != 0)
			return FLUE_EINVAL;
	if (ft->result != 0 && check_type(s, ft->result) != 0)
		return FLUE_EINVAL;
	/* Checked after the types so that nfields is known to be sane. */
	if (flue_functype_leaves(ft, false) > FLUE_CONFIG_MAX_VALUES ||
	    flue_functype_leaves(ft, true) > FLUE_CONFIG_MAX_VALUES)
		return FLUE_EINVAL;
	return 0;
}

uint32_t flue_values_leaves(const struct flue_valtype *ts, uint32_t nts, struct flue_leaf *out)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < nts; i++) {
		for (uint32_t j = 0; j < leaf_count(&ts[i]) && k < FLUE_CONFIG_MAX_VALUES; j++, k++) {
			if (ts[i].kind == FLUE_VAL_RECORD)
				out[k] = ts[i].fields[j];
			else
				out[k] = (struct flue_leaf){ ts[i].kind, ts[i].elem };
		}
	}
	return k;
}

bool flue_values_is_end(uint8_t val_kind)
{
	return is_end(val_kind);
}

uint32_t flue_functype_leaves(const struct flue_functype *ft, bool result)
{
	if (ft->graph != 0)
		return 0; /* graph values are not struct flue_values leaves */
	if (result)
		return ft->result != 0 ? leaf_count(ft->result) : 0u;
	uint32_t n = 0;
	for (uint32_t i = 0; i < ft->nparams; i++)
		n += leaf_count(&ft->params[i]);
	return n;
}

uint32_t flue_functype_flat(const struct flue_functype *ft, bool result)
{
	if (ft->graph != 0) {
		if (result)
			return ft->result_type != 0 ? ft->graph->nodes[*ft->result_type].flat : 0u;
		return flue_vals_flat_count(ft->graph, ft->param_types, ft->nparams);
	}
	if (result)
		return flue_flat_count(ft->result, ft->result != 0 ? 1u : 0u);
	return flue_flat_count(ft->params, ft->nparams);
}

bool flue_functype_contains(const struct flue_functype *ft, bool result, uint8_t bits)
{
	if (ft->graph == 0)
		return false; /* the first form has no strings or lists */
	const struct flue_tnode *n = ft->graph->nodes;
	if (result)
		return ft->result_type != 0 && (n[*ft->result_type].contains & bits) != 0;
	for (uint32_t i = 0; i < ft->nparams; i++)
		if ((n[ft->param_types[i]].contains & bits) != 0)
			return true;
	return false;
}

uint32_t flue_flat_count(const struct flue_valtype *ts, uint32_t nts)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < nts; i++)
		n += ts[i].kind == FLUE_VAL_STRING || ts[i].kind == FLUE_VAL_LIST
			     ? 2u /* (ptr, len), as the reference flattens them */
			     : leaf_count(&ts[i]);
	return n;
}

/* ------------------------------------------------------------ layout */

struct leaf_at {
	uint8_t kind;
	flue_type_t elem;
	uint32_t off; /* offset in the memory tuple */
};

static uint32_t align_to(uint32_t x, uint32_t a)
{
	return (x + a - 1u) & ~(a - 1u);
}

/* The leaves of tuple ts in order, with their canonical offsets; a record
 * param is a nested record of the tuple, so it is aligned as a whole and
 * its size rounded up before the next param. Returns the leaf count
 * (capped at FLUE_CONFIG_MAX_VALUES: flue_functype_check bounds it). */
static uint32_t layout(const struct flue_valtype *ts, uint32_t nts, struct leaf_at *out,
		       uint32_t *size, uint32_t *align)
{
	uint32_t n = 0, off = 0, al = 1;
	for (uint32_t i = 0; i < nts; i++) {
		const struct flue_valtype *t = &ts[i];
		bool rec = t->kind == FLUE_VAL_RECORD;
		uint32_t nf = rec ? t->nfields : 1u, ra = 1;
		for (uint32_t f = 0; f < nf; f++) {
			uint32_t fs = leaf_size(rec ? t->fields[f].kind : t->kind);
			ra = fs > ra ? fs : ra;
		}
		off = align_to(off, ra);
		al = ra > al ? ra : al;
		for (uint32_t f = 0; f < nf; f++) {
			uint8_t k = rec ? t->fields[f].kind : t->kind;
			off = align_to(off, leaf_size(k));
			if (n < FLUE_CONFIG_MAX_VALUES)
				out[n++] = (struct leaf_at){ k, rec ? t->fields[f].elem : t->elem, off };
			off += leaf_size(k);
		}
		off = align_to(off, ra);
	}
	*size = align_to(off, al);
	*align = al;
	return n;
}

/* ------------------------------------------------------ leaf values */

/* Deterministic profile: any NaN becomes the canonical NaN, both ways. */
static uint64_t canon32(uint32_t b)
{
	return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0 ? 0x7fc00000u : b;
}

static uint64_t canon64(uint64_t b)
{
	return (b & 0x7ff0000000000000u) == 0x7ff0000000000000u &&
			       (b & 0x000fffffffffffffu) != 0
		       ? 0x7ff8000000000000u
		       : b;
}

/* Wrap to `bits` and sign-extend, in unsigned arithmetic (no
 * implementation-defined conversions). */
static uint64_t sext(uint64_t x, uint32_t bits)
{
	uint64_t sign = (uint64_t)1 << (bits - 1u);
	return ((x & ((sign << 1) - 1u)) ^ sign) - sign;
}

/* Core value (flat, or loaded little-endian from memory) → component
 * value of a non-end leaf: lift_flat_unsigned/signed, convert_int_to_bool,
 * canonicalize_nan32/64. */
static uint64_t lift_num(uint8_t k, uint64_t x)
{
	switch (k) {
	case FLUE_VAL_BOOL: return (x & 0xffffffffu) != 0;
	case FLUE_VAL_U8: return x & 0xffu;
	case FLUE_VAL_U16: return x & 0xffffu;
	case FLUE_VAL_U32: return x & 0xffffffffu;
	case FLUE_VAL_S8: return sext(x, 8);
	case FLUE_VAL_S16: return sext(x, 16);
	case FLUE_VAL_S32: return sext(x, 32);
	case FLUE_VAL_F32: return canon32((uint32_t)x);
	case FLUE_VAL_F64: return canon64(x);
	default: return x;
	}
}

/* Component value → core value (two's complement in the leaf's core
 * width; an i32 is kept zero-extended in flue_flat_t). */
static uint64_t lower_num(uint8_t k, uint64_t x)
{
	switch (k) {
	case FLUE_VAL_BOOL: return x != 0;
	case FLUE_VAL_S64: case FLUE_VAL_U64: return x;
	case FLUE_VAL_F32: return canon32((uint32_t)x);
	case FLUE_VAL_F64: return canon64(x);
	default: return x & 0xffffffffu;
	}
}

static uint64_t load_le(const uint8_t *p, uint32_t n)
{
	uint64_t x = 0;
	for (uint32_t i = n; i-- > 0;)
		x = x << 8 | p[i];
	return x;
}

static void store_le(uint8_t *p, uint32_t n, uint64_t x)
{
	for (uint32_t i = 0; i < n; i++, x >>= 8)
		p[i] = (uint8_t)x;
}

/* ------------------------------------------------------------- ends */

static uint8_t readable_kind(uint8_t val_kind)
{
	return val_kind == FLUE_VAL_STREAM ? FLUE_H_STREAM_READABLE
	       : val_kind == FLUE_VAL_FUTURE ? FLUE_H_FUTURE_READABLE
					     : FLUE_H_FREE;
}

/* lift_async_value's checks, in its order, without removing anything. */
static int check_end(struct flue_instance *from, uint8_t val_kind, flue_type_t elem,
		     uint32_t handle)
{
	struct flue_handle *h = flue_table_get(from, handle);
	if (h == 0)
		return FLUE_TRAP_BAD_HANDLE;
	if (h->kind != readable_kind(val_kind))
		return FLUE_TRAP_WRONG_KIND;
	if (from->store->shared[h->u.end.shared].type != elem)
		return FLUE_TRAP_TYPE_MISMATCH;
	/* `state != IDLE`: a DONE end (e.g. notified that its writer
	 * dropped) traps too; an idle end whose notification is still
	 * pending moves with it (#720). */
	if (h->u.end.state != FLUE_END_IDLE)
		return FLUE_TRAP_NOT_IDLE;
	/* The reference's last check, in_waitable_set(), after idleness: a
	 * busy end in a set is NOT_IDLE. */
	if (h->u.end.w.wset != 0)
		return FLUE_TRAP_END_IN_SET;
	return 0;
}

int flue_values_check_end(struct flue_instance *from, uint8_t val_kind, flue_type_t elem,
			  uint32_t handle)
{
	return check_end(from, val_kind, elem, handle);
}

int flue_values_take_end(struct flue_instance *from, uint8_t val_kind, flue_type_t elem,
			 uint32_t handle, uint16_t *shared)
{
	int r = check_end(from, val_kind, elem, handle);
	if (r != 0)
		return r;
	uint16_t si = from->handles[handle].u.end.shared;
	/* In transit until lowered: no instance holds the readable end. */
	flue_shared_set_ref(&from->store->shared[si], FLUE_SIDE_READER, FLUE_REF_TRANSIT, 0);
	flue_table_remove(from, handle);
	*shared = si;
	return 0;
}

uint32_t flue_values_put_end(struct flue_instance *to, uint8_t val_kind, uint16_t shared)
{
	uint32_t idx = flue_table_add(to, readable_kind(val_kind));
	if (idx == 0)
		return 0;
	to->handles[idx].u.end.shared = shared;
	flue_shared_set_ref(&to->store->shared[shared], FLUE_SIDE_READER, to->id, idx);
	/* An undelivered drop notification travels with the end (#720). */
	flue_end_arrived(to, idx);
	return idx;
}

/* ------------------------------------------------------ lift, lower */

/* Address of the memory tuple at ptr, or a trap of `inst`. */
static uint8_t *tuple_at(struct flue_instance *inst, uint32_t ptr, uint32_t size, uint32_t align)
{
	if (ptr % align != 0)
		flue_trap(inst, FLUE_TRAP_MISALIGNED, 0);
	uint8_t *p = flue_mem_range(inst, ptr, size);
	if (p == 0)
		flue_trap(inst, FLUE_TRAP_OUT_OF_BOUNDS, 0);
	return p;
}

/* lift_flat_values' checks, in its order, changing nothing: the tuple's
 * pointer, then every end (lift_async_value's checks, leaf by leaf). The
 * core values go to raw[]; returns the leaf count. A handle named twice
 * is gone by its second use in the reference, hence BAD_HANDLE. Traps
 * src. */
static uint32_t lift_validate(struct flue_instance *src, const struct flue_valtype *ts,
			      uint32_t nts, uint32_t max_flat, const flue_flat_t *flat,
			      uint32_t nflat, struct leaf_at *lv, uint64_t *raw)
{
	uint32_t size, align;
	uint32_t n = layout(ts, nts, lv, &size, &align);
	if (n > max_flat) {
		abi_need_memory(src, 0);
		if (nflat < 1u)
			flue_trap(src, FLUE_TRAP_SIGNATURE, 0);
		const uint8_t *p = tuple_at(src, (uint32_t)flat[0], size, align);
		for (uint32_t i = 0; i < n; i++)
			raw[i] = load_le(p + lv[i].off, leaf_size(lv[i].kind));
	} else {
		if (nflat < n)
			flue_trap(src, FLUE_TRAP_SIGNATURE, 0);
		for (uint32_t i = 0; i < n; i++)
			raw[i] = lv[i].kind == FLUE_VAL_S64 || lv[i].kind == FLUE_VAL_U64 ||
					 lv[i].kind == FLUE_VAL_F64
					 ? flat[i]
					 : flat[i] & 0xffffffffu;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!is_end(lv[i].kind))
			continue;
		uint32_t h = (uint32_t)raw[i];
		for (uint32_t j = 0; j < i; j++)
			if (is_end(lv[j].kind) && (uint32_t)raw[j] == h)
				flue_trap(src, FLUE_TRAP_BAD_HANDLE, h);
		int r = check_end(src, lv[i].kind, lv[i].elem, h);
		if (r != 0)
			flue_trap(src, (enum flue_trap_reason)r, h);
	}
	return n;
}

void flue_values_lift_check(struct flue_instance *src, const struct flue_valtype *ts,
			    uint32_t nts, uint32_t max_flat, const flue_flat_t *flat,
			    uint32_t nflat)
{
	struct leaf_at lv[FLUE_CONFIG_MAX_VALUES];
	uint64_t raw[FLUE_CONFIG_MAX_VALUES];
	(void)lift_validate(src, ts, nts, max_flat, flat, nflat, lv, raw);
}

void flue_values_lift(struct flue_instance *src, const struct flue_valtype *ts, uint32_t nts,
		      uint32_t max_flat, const flue_flat_t *flat, uint32_t nflat,
		      struct flue_values *out)
{
	struct leaf_at lv[FLUE_CONFIG_MAX_VALUES];
	uint64_t *raw = out->v; /* core values first, converted in place below */
	/* Every end is validated before any is taken, so a trap leaves src's
	 * table as it was. */
	uint32_t n = lift_validate(src, ts, nts, max_flat, flat, nflat, lv, raw);
	for (uint32_t i = 0; i < n; i++) {
		if (is_end(lv[i].kind)) {
			uint16_t si = 0;
			(void)flue_values_take_end(src, lv[i].kind, lv[i].elem, (uint32_t)raw[i], &si);
			raw[i] = si;
		} else {
			raw[i] = lift_num(lv[i].kind, raw[i]);
		}
	}
	out->n = n;
}

/* Core value of leaf i, adding its end to dst (room checked by the caller). */
static uint64_t lower_leaf(struct flue_instance *dst, const struct leaf_at *l, uint64_t x)
{
	if (!is_end(l->kind))
		return lower_num(l->kind, x);
	uint32_t idx = flue_values_put_end(dst, l->kind, (uint16_t)x);
	if (idx == 0)
		flue_trap(dst, FLUE_TRAP_TABLE_FULL, 0);
	return idx;
}

void flue_values_lower(struct flue_instance *dst, const struct flue_valtype *ts, uint32_t nts,
		       uint32_t max_flat, const struct flue_values *v, flue_flat_t *flat_out,
		       uint32_t *nflat, const uint32_t *out_ptr,
		       uint32_t (*alloc)(void *ctx, uint32_t align, uint32_t size),
		       void *alloc_ctx)
{
	struct leaf_at lv[FLUE_CONFIG_MAX_VALUES];
	uint32_t size, align, nends = 0;
	uint32_t n = layout(ts, nts, lv, &size, &align);
	if (v->n != n)
		flue_trap(dst, FLUE_TRAP_BAD_VALUE, 0);
	for (uint32_t i = 0; i < n; i++)
		nends += is_end(lv[i].kind);

	uint8_t *p = 0;
	if (n > max_flat) {
		abi_need_memory(dst, 0);
		uint32_t ptr;
		if (out_ptr != 0) {
			ptr = *out_ptr;
			*nflat = 0;
		} else {
			if (alloc == 0)
				flue_trap(dst, FLUE_TRAP_BAD_VALUE, 0);
			ptr = alloc(alloc_ctx, align, size);
			flat_out[0] = ptr;
			*nflat = 1;
		}
		/* After alloc: a realloc may have moved or grown memory. */
		p = tuple_at(dst, ptr, size, align);
	}
	/* All ends fit or none is added (the reference would trap midway,
	 * with the same reason). */
	if (flue_table_room(dst) < nends)
		flue_trap(dst, FLUE_TRAP_TABLE_FULL, 0);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t x = lower_leaf(dst, &lv[i], v->v[i]);
		if (p != 0)
			store_le(p + lv[i].off, leaf_size(lv[i].kind), x);
		else
			flat_out[i] = x;
	}
	if (p == 0)
		*nflat = n;
}
