/*
 * Moving component values between two instances (val.h): the walk over a
 * type graph that lifts each part out of the source (flat values or
 * memory) and lowers it into the destination (flat values or memory),
 * after definitions.py @ 6d28164 (load, store, lift_flat, lower_flat and
 * their helpers). Strings are val_string.c's.
 *
 * One walker serves both passes: with `dst` NULL it only reads and checks
 * (the check pass), so the two passes cannot disagree about what the
 * source holds. Recursion goes one level per type level: bounded by
 * FLUE_CONFIG_MAX_TYPE_DEPTH (flue_types_layout refuses deeper types).
 *
 * Trap order within a value is the reference's: depth first, left to
 * right, each part's checks in the order load_* / lift_flat_* make them.
 */
#include <flue/errno.h>
#include <flue/port.h>
#include "abi.h"
#include "val.h"

#define MAX_LIST_BYTES ((1u << 28) - 1u) /* MAX_LIST_BYTE_LENGTH */

/* Where a part of a value is: the flat values in order, or memory. */
struct at {
	bool mem;
	uint32_t ptr;
};

/* What a walk does: the first pass's checks (and takes), freeing the own
 * handles it took, reading their reps out (source and destination one
 * instance), or the move itself (dst set only then); or giving back the
 * owns the first pass took of stream elements that did not move; or, for
 * the stream/future ends it took, naming their destination (before the
 * move) or dropping them (no move follows). A move into a host's arena
 * runs in two walks: everything but the handles (MV_DATA: each handle
 * left 0 and counted), then, once every allocation fit, the handles
 * (MV_LOWER: dst unset, so nothing else is written again). */
enum mv_mode { MV_CHECK, MV_RELEASE, MV_COLLECT, MV_MOVE, MV_UNMARK, MV_RETAG, MV_DISCARD,
	       MV_DATA, MV_LOWER };

/* Own handles a move between two parts of one instance can carry (their
 * reps are read out before the lowering reuses their slots). */
#define MV_SAME_INSTANCE_OWNS FLUE_CONFIG_MAX_VALUES

struct mv {
	const struct flue_tgraph *g;
	const struct flue_cx *src;
	const struct flue_cx *dst; /* MV_MOVE only */
	const flue_flat_t *in;
	uint32_t nin, iin;
	flue_flat_t *out;
	uint32_t nout;
	uint8_t mode;              /* enum mv_mode */
	uint16_t task;
	uint32_t *reps;            /* MV_COLLECT fills, MV_MOVE reads; NULL: none */
	uint32_t nreps, irep;
	struct flue_instance *to;  /* MV_RELEASE, MV_RETAG: where the ends taken go
				      (NULL: not named yet); MV_LOWER: the host */
	uint32_t nhandles;         /* MV_DATA: the handles left for MV_LOWER */
};

static const struct at FLAT = { false, 0 };

static struct at mem_at(uint32_t ptr)
{
	return (struct at){ true, ptr };
}

/* ------------------------------------------------------------- memory */

static uint64_t load_le(struct flue_instance *inst, uint32_t ptr, uint32_t size)
{
	return flue_val_le(flue_cx_range(inst, ptr, size), size);
}

static void store_le(struct flue_instance *inst, uint32_t ptr, uint32_t size, uint64_t v)
{
	uint8_t *p = flue_cx_range(inst, ptr, size);
	for (uint32_t i = 0; i < size; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* --------------------------------------------------------------- leaves */

static uint64_t next_in(struct mv *m)
{
	/* flue_vals_move checked nflat against the types: never past the end */
	return m->iin < m->nin ? m->in[m->iin++] : 0u;
}

static void put_out(struct mv *m, uint64_t v)
{
	m->out[m->nout++] = v;
}

/* The value of a leaf from its raw bits (flue_val_leaf); a bad char traps
 * the source (convert_i32_to_char). */
static uint64_t leaf_value(const struct mv *m, const struct flue_tnode *n, uint64_t x)
{
	if (n->kind == FLUE_VT_CHAR) {
		uint32_t c = (uint32_t)x;
		if (c >= 0x110000u || (c >= 0xD800u && c <= 0xDFFFu))
			flue_val_fail(m->src->inst, FLUE_TRAP_BAD_CHAR, c);
	}
	return flue_val_leaf(n, x);
}

static bool core64(uint8_t kind)
{
	return kind == FLUE_VT_S64 || kind == FLUE_VT_U64 || kind == FLUE_VT_F64;
}

static uint64_t read_leaf(struct mv *m, const struct flue_tnode *n, struct at a)
{
	uint64_t x = a.mem ? load_le(m->src->inst, a.ptr, n->size) : next_in(m);
	return leaf_value(m, n, x);
}

static void write_leaf(struct mv *m, const struct flue_tnode *n, uint64_t v, struct at a)
{
	if (a.mem)
		store_le(m->dst->inst, a.ptr, n->size, v);
	else
		put_out(m, core64(n->kind) ? v : (uint32_t)v);
}

/* ------------------------------------------------------------ compounds */

static void mv_value(struct mv *m, uint16_t t, struct at s, struct at d);

static void mv_fields(struct mv *m, const struct flue_tnode *n, struct at s, struct at d)
{
	uint32_t off = 0;
	for (uint32_t i = 0; i < n->nkids; i++) {
		uint16_t c = flue_tnode_kid(m->g, n, i);
		off = flue_val_align(off, m->g->nodes[c].align);
		mv_value(m, c, s.mem ? mem_at(s.ptr + off) : FLAT, d.mem ? mem_at(d.ptr + off) : FLAT);
		off += m->g->nodes[c].size;
	}
}

static void mv_fixed_list(struct mv *m, const struct flue_tnode *n, struct at s, struct at d)
{
	uint16_t e = flue_tnode_kid(m->g, n, 0);
	uint32_t es = m->g->nodes[e].size;
	for (uint32_t i = 0; i < n->arg; i++)
		mv_value(m, e, s.mem ? mem_at(s.ptr + i * es) : FLAT, d.mem ? mem_at(d.ptr + i * es) : FLAT);
}

/* load_variant / lift_flat_variant, then store_variant / lower_flat_variant.
 * The payload starts at the variant's alignment (align_to(disc size, max
 * case alignment) of two powers of two). Flat payloads are read and
 * written as the joined flat types say: a leaf takes the low 32 bits of a
 * 64-bit slot and 32-bit values are zero-extended, which is every
 * coercion of the reference; unused slots are skipped / written as 0. */
static void mv_variant(struct mv *m, const struct flue_tnode *n, struct at s, struct at d)
{
	uint32_t db = flue_val_disc_bytes(flue_val_ncases(n));
	uint32_t first = m->iin, firstout = m->nout;
	uint64_t c = s.mem ? load_le(m->src->inst, s.ptr, db) : (uint32_t)next_in(m);
	if (c >= flue_val_ncases(n))
		flue_val_fail(m->src->inst, FLUE_TRAP_BAD_DISCRIMINANT, (uint32_t)c);
	if (m->dst != 0) {
		if (d.mem)
			store_le(m->dst->inst, d.ptr, db, c);
		else
			put_out(m, c);
	}
	uint16_t p = flue_val_case_payload(m->g, n, (uint32_t)c);
	if (p != FLUE_TYPE_NONE)
		mv_value(m, p, s.mem ? mem_at(s.ptr + n->align) : FLAT,
			 d.mem ? mem_at(d.ptr + n->align) : FLAT);
	if (!s.mem)
		m->iin = first + n->flat;
	if (m->dst != 0 && !d.mem)
		while (m->nout < firstout + n->flat)
			put_out(m, 0);
}

/* A list's element layout: a node's, or a map's tuple<K, V>. */
static void mv_elem(struct mv *m, const struct flue_tnode *n, struct flue_val_elem e, uint32_t sp,
		    uint32_t dp)
{
	mv_value(m, flue_tnode_kid(m->g, n, 0), mem_at(sp), mem_at(dp));
	if (n->kind == FLUE_VT_MAP)
		mv_value(m, flue_tnode_kid(m->g, n, 1), mem_at(sp + e.voff), mem_at(dp + e.voff));
}

/* Read a (ptr, length) pair of a string or list. */
static void read_pair(struct mv *m, struct at s, uint32_t *ptr, uint32_t *len)
{
	*ptr = (uint32_t)(s.mem ? load_le(m->src->inst, s.ptr, 4) : next_in(m));
	*len = (uint32_t)(s.mem ? load_le(m->src->inst, s.ptr + 4u, 4) : next_in(m));
}

static void write_pair(struct mv *m, struct at d, uint32_t ptr, uint32_t len)
{
	if (d.mem) {
		store_le(m->dst->inst, d.ptr, 4, ptr);
		store_le(m->dst->inst, d.ptr + 4u, 4, len);
	} else {
		put_out(m, ptr);
		put_out(m, len);
	}
}

/* load_list_from_range's checks, then store_list_into_range. */
static void mv_list(struct mv *m, const struct flue_tnode *n, struct at s, struct at d)
{
	uint32_t ptr, len;
	read_pair(m, s, &ptr, &len);
	struct flue_val_elem e = flue_val_list_elem(m->g, n);
	uint64_t bytes = (uint64_t)len * e.size;
	struct flue_instance *si = m->src->inst;
	if (bytes > MAX_LIST_BYTES)
		flue_val_fail(si, FLUE_TRAP_LIST_TOO_LONG, len);
	if (ptr % e.align != 0)
		flue_val_fail(si, FLUE_TRAP_MISALIGNED, ptr);
	(void)flue_cx_range(si, ptr, bytes);
	uint32_t dp = 0;
	if (m->dst != 0) {
		dp = flue_cx_realloc(m->dst, 0, 0, e.align, (uint32_t)bytes);
		flue_cx_need(m->dst, dp, e.align, bytes);
	}
	if (m->mode == MV_LOWER) /* where MV_DATA put the elements */
		dp = (uint32_t)load_le(m->to, d.ptr, 4);
	/* Freeing or reading out handles: only elements that have some. */
	bool walk = m->mode == MV_CHECK || m->mode == MV_MOVE || m->mode == MV_DATA ||
		    (n->contains & FLUE_TC_HANDLE) != 0;
	for (uint32_t i = 0; walk && i < len; i++)
		mv_elem(m, n, e, ptr + i * e.size, dp + i * e.size);
	if (m->dst != 0)
		write_pair(m, d, dp, len);
}

static void mv_string(struct mv *m, struct at s, struct at d)
{
	uint32_t ptr, tagged;
	read_pair(m, s, &ptr, &tagged);
	/* The move checks again: the source's own realloc (one instance on
	 * both sides) may have rewritten it since the first pass. */
	if (m->mode == MV_CHECK || m->mode == MV_MOVE || m->mode == MV_DATA)
		flue_str_check(m->src, ptr, tagged);
	if (m->dst == 0)
		return;
	uint32_t dp, dt;
	flue_str_store(m->src, ptr, tagged, m->dst, &dp, &dt);
	write_pair(m, d, dp, dt);
}

/* An own, borrow or error-context handle, by mode (val_handle.c). */
static void mv_handle(struct mv *m, const struct flue_tnode *n, struct at s, struct at d)
{
	struct flue_instance *si = m->src->inst;
	uint32_t i = (uint32_t)(s.mem ? load_le(si, s.ptr, 4) : next_in(m));
	/* Owns and stream/future ends leave the source's table (taken);
	 * borrows and error contexts stay. */
	bool own = n->kind == FLUE_VT_OWN;
	bool taken = own || n->kind == FLUE_VT_STREAM || n->kind == FLUE_VT_FUTURE;
	switch (m->mode) {
	case MV_CHECK:
		flue_vh_take(si, m->task, n, i);
		return;
	case MV_RELEASE:
		if (taken)
			flue_vh_release(si, i, m->to);
		return;
	case MV_UNMARK:
		if (taken)
			flue_vh_unmark(si, i);
		return;
	case MV_RETAG: /* ends only: an own's free slot keeps its rep */
		if (taken && !own)
			flue_vh_retag(si, i, m->to);
		return;
	case MV_DISCARD:
		if (taken && !own)
			flue_vh_discard(si, i);
		return;
	case MV_DATA: /* the handle comes in MV_LOWER */
		m->nhandles++;
		if (d.mem)
			store_le(m->dst->inst, d.ptr, 4, 0);
		else
			put_out(m, 0);
		return;
	case MV_LOWER:
		store_le(m->to, d.ptr, 4,
			 flue_vh_lower(m->to, m->task, n, flue_vh_rep(si, m->task, n, i)));
		return;
	case MV_COLLECT:
		if (taken && m->nreps == MV_SAME_INSTANCE_OWNS)
			flue_val_fail(si, FLUE_TRAP_POOL_FULL, i);
		if (taken)
			m->reps[m->nreps++] = flue_vh_rep(si, m->task, n, i);
		return;
	default: {
		/* One instance on both sides: the reps read out before any
		 * realloc ran, in order; a value its realloc rewrote to hold
		 * more owns or ends than were taken traps. */
		if (taken && m->reps != 0 && m->irep == m->nreps)
			flue_val_fail(si, FLUE_TRAP_BAD_HANDLE, i);
		uint32_t rep = taken && m->reps != 0 ? m->reps[m->irep++]
						     : flue_vh_rep(si, m->task, n, i);
		uint32_t v = flue_vh_lower(m->dst->inst, m->task, n, rep);
		if (d.mem)
			store_le(m->dst->inst, d.ptr, 4, v);
		else
			put_out(m, v);
	}
	}
}

static void mv_value(struct mv *m, uint16_t t, struct at s, struct at d)
{
	const struct flue_tnode *n = &m->g->nodes[t];
	switch (n->kind) {
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE: mv_fields(m, n, s, d); return;
	case FLUE_VT_VARIANT: case FLUE_VT_ENUM: case FLUE_VT_OPTION: case FLUE_VT_RESULT:
		mv_variant(m, n, s, d);
		return;
	case FLUE_VT_LIST:
		if (n->arg != 0) {
			mv_fixed_list(m, n, s, d);
			return;
		}
		/* fall through */
	case FLUE_VT_MAP: mv_list(m, n, s, d); return;
	case FLUE_VT_STRING: mv_string(m, s, d); return;
	case FLUE_VT_ERROR_CONTEXT: case FLUE_VT_OWN: case FLUE_VT_BORROW:
	case FLUE_VT_STREAM: case FLUE_VT_FUTURE:
		mv_handle(m, n, s, d);
		return;
	default: {
		uint64_t v = read_leaf(m, n, s);
		if (m->dst != 0)
			write_leaf(m, n, v, d);
	}
	}
}

/* ---------------------------------------------------------------- tuple */

/* The tuple of ts as a record: its alignment and size. */
static void tuple_layout(const struct flue_tgraph *g, const uint16_t *ts, uint32_t nts,
			 uint32_t *align, uint32_t *size)
{
	uint32_t off = 0, a = 1;
	for (uint32_t i = 0; i < nts; i++) {
		const struct flue_tnode *n = &g->nodes[ts[i]];
		off = flue_val_align(off, n->align) + n->size;
		a = n->align > a ? n->align : a;
	}
	*align = a;
	*size = flue_val_align(off, a);
}

static void mv_tuple(struct mv *m, const uint16_t *ts, uint32_t nts, struct at s, struct at d)
{
	uint32_t off = 0;
	for (uint32_t i = 0; i < nts; i++) {
		const struct flue_tnode *n = &m->g->nodes[ts[i]];
		off = flue_val_align(off, n->align);
		mv_value(m, ts[i], s.mem ? mem_at(s.ptr + off) : FLAT, d.mem ? mem_at(d.ptr + off) : FLAT);
		off += n->size;
	}
}

/* lift_flat_values' source: the flat values, or the tuple in memory at
 * flat[0] (checked for alignment and bounds, trapping the source). */
static struct at src_place(struct mv *m, const struct flue_vmove *v)
{
	if (flue_vals_flat_count(v->g, v->ts, v->nts) <= v->src_max_flat)
		return FLAT;
	uint32_t align, size, ptr = (uint32_t)next_in(m);
	tuple_layout(v->g, v->ts, v->nts, &align, &size);
	if (ptr % align != 0)
		flue_val_fail(v->src.inst, FLUE_TRAP_MISALIGNED, ptr);
	(void)flue_cx_range(v->src.inst, ptr, size);
	return mem_at(ptr);
}

/* lower_flat_values' destination: flat values, or memory at *out_ptr,
 * or memory from realloc (its pointer the one flat value). */
static struct at dst_place(struct mv *m, const struct flue_vmove *v)
{
	if (flue_vals_flat_count(v->g, v->ts, v->nts) <= v->dst_max_flat)
		return FLAT;
	uint32_t align, size, ptr;
	tuple_layout(v->g, v->ts, v->nts, &align, &size);
	if (v->out_ptr != 0) {
		ptr = *v->out_ptr;
		if (ptr % align != 0)
			flue_trap(v->dst.inst, FLUE_TRAP_MISALIGNED, ptr);
		(void)flue_cx_range(v->dst.inst, ptr, size);
	} else {
		ptr = flue_cx_realloc(&v->dst, 0, 0, align, size);
		flue_cx_need(&v->dst, ptr, align, size);
		put_out(m, ptr);
	}
	return mem_at(ptr);
}

static bool has_handles(const struct flue_vmove *v)
{
	for (uint32_t i = 0; i < v->nts; i++)
		if ((v->g->nodes[v->ts[i]].contains & FLUE_TC_HANDLE) != 0)
			return true;
	return false;
}

static void run(const struct flue_vmove *v, uint8_t mode, uint32_t *reps, uint32_t *nreps)
{
	/* MV_MOVE with reps: *nreps is how many MV_COLLECT read out */
	uint32_t have = mode == MV_MOVE && nreps != 0 ? *nreps : 0u;
	struct mv m = { v->g, &v->src, mode == MV_MOVE ? &v->dst : 0, v->flat, v->nflat, 0,
			v->flat_out, 0, mode, v->task, reps, have, 0,
			mode == MV_RETAG ? v->dst.inst : 0, 0 };
	struct at s = src_place(&m, v);
	struct at d = mode == MV_MOVE ? dst_place(&m, v) : FLAT;
	mv_tuple(&m, v->ts, v->nts, s, d);
	if (mode == MV_MOVE && v->nflat_out != 0)
		*v->nflat_out = m.nout;
	if (mode == MV_COLLECT && nreps != 0)
		*nreps = m.nreps;
}

void flue_vals_check(const struct flue_vmove *m)
{
	run(m, MV_CHECK, 0, 0);
	if (has_handles(m))
		run(m, MV_RELEASE, 0, 0); /* every check passed: the owns leave now */
}

static bool has_ends(const struct flue_vmove *v)
{
	for (uint32_t i = 0; i < v->nts; i++)
		if ((v->g->nodes[v->ts[i]].contains & FLUE_TC_ASYNC) != 0)
			return true;
	return false;
}

void flue_vals_discard(const struct flue_vmove *m)
{
	if (has_ends(m))
		run(m, MV_DISCARD, 0, 0);
}

void flue_vals_move(const struct flue_vmove *m)
{
	if (!m->checked)
		flue_vals_check(m);
	/* The ends taken go to dst now: if it goes away before lowering
	 * them (its realloc traps), it drops them (flue_instance_drop_ends). */
	if (has_ends(m))
		run(m, MV_RETAG, 0, 0);
	if (m->src.inst != m->dst.inst || !has_handles(m)) {
		run(m, MV_MOVE, 0, 0);
		return;
	}
	/* One instance on both sides: lowering adds to the table the owns
	 * left, reusing their slots, so their reps are read out first. */
	uint32_t reps[MV_SAME_INSTANCE_OWNS], n = 0;
	run(m, MV_COLLECT, reps, &n);
	run(m, MV_MOVE, reps, &n);
}

/* ------------------------------------------------------ into a host */

struct host_move {
	const struct flue_vmove *v;
	uint32_t ptr, nhandles;
};

/* MV_DATA (its tuple where dst_place puts it) or MV_LOWER (at h->ptr). */
static void run_host(struct host_move *h, uint8_t mode)
{
	const struct flue_vmove *v = h->v;
	struct mv m = { v->g, &v->src, mode == MV_DATA ? &v->dst : 0, v->flat, v->nflat, 0,
			v->flat_out, 0, mode, v->task, 0, 0, 0, v->dst.inst, 0 };
	struct at s = src_place(&m, v);
	struct at d = mode == MV_DATA ? dst_place(&m, v) : mem_at(h->ptr);
	mv_tuple(&m, v->ts, v->nts, s, d);
	h->ptr = d.ptr;
	h->nhandles = m.nhandles;
}

static void data_body(void *arg)
{
	run_host(arg, MV_DATA);
}

int flue_vals_move_host(const struct flue_vmove *value, struct flue_instance *host, uint32_t *ptr)
{
	flue_flat_t out = 0;
	uint32_t nout = 0;
	struct flue_vmove mv = *value, *m = &mv;
	struct flue_cx_opts r;
	m->dst = flue_cx_host(host, &r);
	m->dst_max_flat = 0;
	m->out_ptr = 0;
	m->flat_out = &out;
	m->nflat_out = &nout;
	if (has_ends(m))
		run(m, MV_RETAG, 0, 0);
	/* Everything but the handles first: the host's realloc may run out
	 * of room anywhere, and nothing has entered its table then. */
	struct host_move h = { m, 0, 0 };
	if (flue_port_try(data_body, &h) != 0) {
		flue_vals_discard(m);
		return FLUE_ENOMEM;
	}
	if (flue_table_room(m->dst.inst) < h.nhandles) {
		flue_vals_discard(m);
		return FLUE_ENOSPC;
	}
	run_host(&h, MV_LOWER); /* cannot fail: room checked, sources checked */
	*ptr = h.ptr;
	return FLUE_OK;
}

static void unmark_body(void *arg)
{
	run(arg, MV_UNMARK, 0, 0);
}

void flue_vals_unmark(const struct flue_vmove *m)
{
	/* The walk stops where the check did (the same data fails again);
	 * every handle marked lies before that point. */
	if (has_handles(m))
		(void)flue_port_try(unmark_body, (void *)(uintptr_t)m);
}

/* ------------------------------------------------------ stream elements */

static void run_elems(struct mv *m, const struct flue_elems *e, uint32_t from, uint32_t to)
{
	uint32_t es = e->g->nodes[e->t].size;
	for (uint32_t i = from; i < to; i++)
		mv_value(m, e->t, mem_at(e->sptr + i * es), mem_at(e->dptr + i * es));
}

/* Into a host's arena, all or nothing (as flue_vals_move_host): the
 * data of every element, then, if the host's table has room, every
 * handle. A failure unwinds with nothing in the host's table and no own
 * freed (the caller unmarks them all). */
static void move_elems_host(struct mv *m, const struct flue_elems *e, uint32_t *done)
{
	struct flue_instance *host = e->dst->inst;
	m->mode = MV_DATA, m->dst = e->dst;
	run_elems(m, e, 0, e->n);
	if (flue_table_room(host) < m->nhandles)
		flue_val_fail(host, FLUE_TRAP_TABLE_FULL, 0);
	m->mode = MV_RELEASE, m->dst = 0;
	run_elems(m, e, 0, e->n);
	m->mode = MV_LOWER;
	run_elems(m, e, 0, e->n);
	*done = e->n;
}

void flue_vals_move_elems(const struct flue_elems *e, uint32_t *done)
{
	struct mv m = { e->g, e->src, 0, 0, 0, 0, 0, 0, MV_CHECK, FLUE_TASK_NONE, 0, 0, 0,
			e->dst->inst, 0 };
	bool handles = (e->g->nodes[e->t].contains & FLUE_TC_HANDLE) != 0;
	run_elems(&m, e, 0, e->n); /* every element lifted (checked) first */
	if (e->dst->inst->host_data != 0) {
		move_elems_host(&m, e, done);
		return;
	}
	for (uint32_t i = 0; i < e->n; i++) {
		/* An element's owns leave the source only as it moves, so a
		 * destination trap leaves the later elements' owns where they
		 * were (flue_vals_unmark_elems). */
		if (handles) {
			m.mode = MV_RELEASE;
			m.dst = 0;
			run_elems(&m, e, i, i + 1u);
		}
		m.mode = MV_MOVE;
		m.dst = e->dst;
		run_elems(&m, e, i, i + 1u);
		*done = i + 1u;
	}
}

void flue_vals_check_elems(const struct flue_elems *e)
{
	struct mv m = { e->g, e->src, 0, 0, 0, 0, 0, 0, MV_CHECK, FLUE_TASK_NONE, 0, 0, 0, 0, 0 };
	run_elems(&m, e, 0, e->n);
}

void flue_vals_unmark_elems(const struct flue_elems *e, uint32_t from)
{
	if ((e->g->nodes[e->t].contains & FLUE_TC_HANDLE) == 0)
		return;
	struct mv m = { e->g, e->src, 0, 0, 0, 0, 0, 0, MV_UNMARK, FLUE_TASK_NONE, 0, 0, 0, 0, 0 };
	run_elems(&m, e, from, e->n);
}
