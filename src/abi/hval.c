/*
 * Host values as views (flue/hval.h): navigation over a value that the
 * move's first pass has checked, in flat values or memory, with the
 * layout of val.h. Nothing here traps: a view that does not fit (a wrong
 * index, a kind the call does not have, memory gone) answers NONE/0/NULL.
 */
#include <flue/errno.h>
#include <flue/hval.h>
#include "abi.h"
#include "val.h"

static const struct flue_hval NONE = { 0, 0, 0, 0, FLUE_TYPE_NONE, 0 };

static const struct flue_tnode *node_of(struct flue_hval v)
{
	return v.t != FLUE_TYPE_NONE ? flue_tnode_get(v.g, v.t) : 0;
}

/* n bytes at offset `at` of the view's memory, or NULL. */
static const uint8_t *bytes_at(struct flue_hval v, uint32_t at, uint64_t n)
{
	return v.inst != 0 ? flue_mem_range(v.inst, at, n) : 0;
}

/* The raw 32/64 bits at the view: its flat value or its bytes. */
static uint64_t raw(struct flue_hval v, uint32_t size)
{
	if (v.flat != 0)
		return v.flat[v.at];
	const uint8_t *p = bytes_at(v, v.at, size);
	return p != 0 ? flue_val_le(p, size) : 0u;
}

/* A view of node c at flat index / memory offset `at` (relative moves). */
static struct flue_hval at(struct flue_hval v, uint16_t c, uint32_t flat_step, uint32_t mem_step)
{
	struct flue_hval w = v;
	w.t = c;
	w.at = v.at + (v.flat != 0 ? flat_step : mem_step);
	return w;
}

struct flue_hval flue_hvals_get(const struct flue_hvals *v, uint32_t i)
{
	if (v == 0 || i >= v->nts)
		return NONE;
	uint32_t flat = 0, off = 0;
	for (uint32_t k = 0; k <= i; k++) {
		const struct flue_tnode *n = &v->first.g->nodes[v->ts[k]];
		off = flue_val_align(off, n->align);
		if (k == i)
			break;
		flat += n->flat;
		off += n->size;
	}
	return at(v->first, v->ts[i], flat, off);
}

uint64_t flue_hval_num(struct flue_hval v)
{
	const struct flue_tnode *n = node_of(v);
	if (n == 0)
		return 0;
	switch (n->kind) {
	case FLUE_VT_ENUM:
		return (uint32_t)raw(v, flue_val_disc_bytes(n->arg));
	case FLUE_VT_STRING: case FLUE_VT_LIST: case FLUE_VT_RECORD: case FLUE_VT_TUPLE:
	case FLUE_VT_VARIANT: case FLUE_VT_OPTION: case FLUE_VT_RESULT: case FLUE_VT_MAP:
		return 0;
	case FLUE_VT_OWN: case FLUE_VT_BORROW: case FLUE_VT_ERROR_CONTEXT: case FLUE_VT_STREAM:
	case FLUE_VT_FUTURE:
		return (uint32_t)raw(v, 4); /* an index in the host's table */
	default:
		return n->kind <= FLUE_VT_CHAR || n->kind == FLUE_VT_FLAGS ? flue_val_leaf(n, raw(v, n->size))
									   : 0u;
	}
}

struct flue_hval flue_hval_field(struct flue_hval v, uint32_t i)
{
	const struct flue_tnode *n = node_of(v);
	if (n == 0 || (n->kind != FLUE_VT_RECORD && n->kind != FLUE_VT_TUPLE) || i >= n->nkids)
		return NONE;
	uint32_t flat = 0, off = 0;
	for (uint32_t k = 0;; k++) {
		const struct flue_tnode *c = &v.g->nodes[flue_tnode_kid(v.g, n, k)];
		off = flue_val_align(off, c->align);
		if (k == i)
			return at(v, flue_tnode_kid(v.g, n, k), flat, off);
		flat += c->flat;
		off += c->size;
	}
}

uint32_t flue_hval_case(struct flue_hval v, struct flue_hval *payload)
{
	const struct flue_tnode *n = node_of(v);
	bool variant = n != 0 && (n->kind == FLUE_VT_VARIANT || n->kind == FLUE_VT_OPTION ||
				  n->kind == FLUE_VT_RESULT || n->kind == FLUE_VT_ENUM);
	uint32_t c = variant ? (uint32_t)raw(v, flue_val_disc_bytes(flue_val_ncases(n))) : 0u;
	if (payload != 0) {
		uint16_t p = variant && c < flue_val_ncases(n) ? flue_val_case_payload(v.g, n, c)
							       : FLUE_TYPE_NONE;
		*payload = p != FLUE_TYPE_NONE ? at(v, p, 1, n->align) : NONE;
	}
	return c;
}

/* A string's or variable list's (ptr, length) pair. */
static void pair(struct flue_hval v, uint32_t *ptr, uint32_t *len)
{
	if (v.flat != 0) {
		*ptr = (uint32_t)v.flat[v.at];
		*len = (uint32_t)v.flat[v.at + 1u];
		return;
	}
	const uint8_t *p = bytes_at(v, v.at, 8);
	*ptr = p != 0 ? (uint32_t)flue_val_le(p, 4) : 0u;
	*len = p != 0 ? (uint32_t)flue_val_le(p + 4, 4) : 0u;
}

uint32_t flue_hval_count(struct flue_hval v)
{
	const struct flue_tnode *n = node_of(v);
	if (n == 0 || (n->kind != FLUE_VT_STRING && n->kind != FLUE_VT_LIST && n->kind != FLUE_VT_MAP))
		return 0;
	if (n->kind == FLUE_VT_LIST && n->arg != 0)
		return n->arg;
	uint32_t ptr, len;
	pair(v, &ptr, &len);
	return n->kind == FLUE_VT_STRING && v.encoding == FLUE_STRING_LATIN1_UTF16 ? len & 0x7FFFFFFFu
										   : len;
}

struct flue_hval flue_hval_elem(struct flue_hval v, uint32_t i)
{
	const struct flue_tnode *n = node_of(v);
	if (n == 0 || n->kind != FLUE_VT_LIST || i >= flue_hval_count(v))
		return NONE;
	uint16_t e = flue_tnode_kid(v.g, n, 0);
	if (n->arg != 0)
		return at(v, e, i * v.g->nodes[e].flat, i * v.g->nodes[e].size);
	uint32_t ptr, len;
	pair(v, &ptr, &len);
	struct flue_hval w = { v.g, v.inst, 0, ptr + i * v.g->nodes[e].size, e, v.encoding };
	return w;
}

int flue_hval_entry(struct flue_hval v, uint32_t i, struct flue_hval *key, struct flue_hval *val)
{
	const struct flue_tnode *n = node_of(v);
	if (n == 0 || n->kind != FLUE_VT_MAP || i >= flue_hval_count(v) || key == 0 || val == 0)
		return FLUE_EINVAL;
	struct flue_val_elem e = flue_val_list_elem(v.g, n);
	uint32_t ptr, len;
	pair(v, &ptr, &len);
	*key = (struct flue_hval){ v.g, v.inst, 0, ptr + i * e.size, flue_tnode_kid(v.g, n, 0),
				   v.encoding };
	*val = *key;
	val->t = flue_tnode_kid(v.g, n, 1);
	val->at += e.voff;
	return 0;
}

const uint8_t *flue_hval_bytes(struct flue_hval v, uint32_t *nbytes, uint8_t *encoding)
{
	const struct flue_tnode *n = node_of(v);
	if (n == 0 || nbytes == 0 || (n->kind != FLUE_VT_STRING && n->kind != FLUE_VT_LIST))
		return 0;
	uint32_t ptr, len;
	pair(v, &ptr, &len);
	if (n->kind == FLUE_VT_LIST) {
		if (n->arg != 0)
			return 0; /* a fixed list is part of its parent: no pair */
		*nbytes = len * v.g->nodes[flue_tnode_kid(v.g, n, 0)].size;
		return bytes_at(v, ptr, *nbytes);
	}
	uint8_t enc = v.encoding;
	if (enc == FLUE_STRING_LATIN1_UTF16 && (len & 0x80000000u) != 0)
		enc = FLUE_STRING_UTF16, len &= 0x7FFFFFFFu;
	*nbytes = enc == FLUE_STRING_UTF16 ? 2u * len : len;
	if (encoding != 0)
		*encoding = enc;
	return bytes_at(v, ptr, *nbytes);
}

void flue_vals_view(const struct flue_vmove *m, struct flue_hvals *out)
{
	bool mem = flue_vals_flat_count(m->g, m->ts, m->nts) > m->src_max_flat;
	out->first = (struct flue_hval){ m->g, m->src.inst, mem ? 0 : m->flat,
					 mem ? (uint32_t)m->flat[0] : 0u, FLUE_TYPE_NONE,
					 m->src.encoding };
	out->ts = m->ts;
	out->nts = m->nts;
}

void flue_vals_host_view(const struct flue_tgraph *g, const uint16_t *ts, uint32_t nts,
			 const struct flue_instance *host, uint32_t ptr, struct flue_hvals *out)
{
	out->first = (struct flue_hval){ g, host, 0, ptr, FLUE_TYPE_NONE, FLUE_STRING_UTF8 };
	out->ts = ts;
	out->nts = nts;
}
