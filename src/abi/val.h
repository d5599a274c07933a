/*
 * Component values of any type (flue/valtype.h) moving between two
 * instances (internal): the reference's lift_flat_values, then
 * lower_flat_values, with load/store, strings (transcoded), lists,
 * records, variants and flags (definitions.py @ 6d28164, Loading to
 * Lifting and Lowering Values), without a value in between.
 *
 * A move runs in two passes. The first walks the source value and makes
 * every check lifting makes (pointers, lengths, chars, discriminants,
 * encodings, handles), trapping the source instance as the reference
 * would, and changes nothing. The second moves the value and lowers it
 * into the destination, calling the destination's realloc with the
 * reference's arguments in the reference's order and trapping the
 * destination where lowering traps. So every source trap comes before the
 * first realloc, as in the reference, where the whole value is lifted
 * before any of it is lowered.
 *
 * Guest memory is resolved at every access (realloc may grow or move a
 * memory); every range is checked before a byte moves.
 */
#ifndef FLUE_ABI_VAL_H
#define FLUE_ABI_VAL_H

#include <stdint.h>

#include <flue/functype.h>
#include <flue/store.h>
#include <flue/valtype.h>

/* The destination's realloc (cabi_realloc(old_ptr, old_size, align,
 * new_size)); it runs guest code and may trap that instance (then it does
 * not return). The caller clears may_leave around it. */
typedef uint32_t (*flue_cx_realloc_t)(void *ctx, uint32_t old_ptr, uint32_t old_size,
				      uint32_t align, uint32_t new_size);

/* A lift/lower context (the reference's LiftLowerContext): the instance,
 * its string encoding and, for lowering into memory, its realloc. */
struct flue_cx {
	struct flue_instance *inst;
	flue_cx_realloc_t realloc; /* NULL: lowering that allocates traps NO_REALLOC */
	void *realloc_ctx;
	uint8_t encoding;          /* enum flue_string_encoding */
};

/* One move of a tuple of values. */
struct flue_vmove {
	const struct flue_tgraph *g;
	const uint16_t *ts;        /* the tuple's types: node indices of g */
	uint32_t nts;
	/* source: more than src_max_flat flat values means flat[0] points to
	 * the tuple in src's memory (lift_flat_values) */
	struct flue_cx src;
	uint32_t src_max_flat;
	const flue_flat_t *flat;
	uint32_t nflat;            /* must be the count the types need */
	/* destination (lower_flat_values): up to dst_max_flat flat values go
	 * to flat_out; more go to dst's memory at *out_ptr if out_ptr is set
	 * (no flat values), else at realloc(0, 0, align, size) (the pointer is
	 * the one flat value) */
	struct flue_cx dst;
	uint32_t dst_max_flat;
	const uint32_t *out_ptr;
	flue_flat_t *flat_out;     /* room for min(flat count, dst_max_flat) or 1 */
	uint32_t *nflat_out;
	/* the call whose params these are (FLUE_TASK_NONE: none, e.g.
	 * results): borrows lifted from src are lent to it, borrows lowered
	 * into dst count in its num_borrows */
	uint16_t task;
	bool checked;              /* flue_vals_check() ran: move only */
};

/* Move m's values from src into dst: lift (flue_vals_check(), unless
 * m->checked), then lower (traps dst). Returns only if both succeed.
 * m->nflat must equal the flat count the types need (or 1 when they
 * spill): the caller checks the core signature (a mismatch is the
 * caller's SIGNATURE trap). */
void flue_vals_move(const struct flue_vmove *m);

/* The first pass alone: every check of lifting m's values from src, with
 * src's traps, and what lifting takes: own handles leave src's table
 * (freed in the reference's order once every check passed, each rep kept
 * for the lowering), borrows are lent to m->task. Nothing else changes; a
 * value lifted and never lowered is simply dropped (no destructor runs,
 * as in the reference). */
void flue_vals_check(const struct flue_vmove *m);

/* n stream/future elements of node t (load_list_from_valid_range, then
 * store_list_into_valid_range): at sptr in src's memory and dptr in
 * dst's, both ranges checked by the caller; src and dst are different
 * instances (the same-instance rule refuses the rest). */
struct flue_elems {
	const struct flue_tgraph *g;
	uint16_t t;
	const struct flue_cx *src, *dst;
	uint32_t sptr, dptr, n;
};
/* Move them: every element checked first (src's traps, nothing changed
 * but the owns marked lifted), then each element's owns freed and the
 * element lowered (dst's traps), *done counting the elements moved whole.
 * Returns only if all moved. Into a host (its allocator): all or none,
 * the data first, then the handles once its table has room for them;
 * a failure unwinds with every own still the source's but marked. */
void flue_vals_move_elems(const struct flue_elems *e, uint32_t *done);
/* The check pass alone over e's n source elements (dst unused): the
 * source's traps (for a host: an unwind, flue_val_fail). For elements
 * without handles (nothing is taken). */
void flue_vals_check_elems(const struct flue_elems *e);
/* After a dst trap stopped flue_vals_move_elems: the owns of elements
 * from..n-1 (checked, not freed) are src's again. */
void flue_vals_unmark_elems(const struct flue_elems *e, uint32_t from);

/* A value flue_vals_check() lifted that will not be lowered (its
 * receiver is gone): the stream/future ends it took are dropped, as
 * drop-readable would (owns are simply gone, as in the reference). Call
 * it right after the check, before src's table changes. */
void flue_vals_discard(const struct flue_vmove *m);

/* The move of a checked value (flue_vals_check ran; its destination
 * fields unused) into a host's arena with the host's realloc
 * (flue_host_set_realloc()), in UTF-8: the tuple goes to memory at *ptr
 * (0 when it has no flat values). Everything but
 * the handles moves first; then, if every allocation fit and the host's
 * table has room for all of them, the handles are lowered into its
 * table. Returns 0, or FLUE_ENOMEM (no realloc, or it gave no room) /
 * FLUE_ENOSPC (table full), and then the value is dropped as one nobody
 * lowers (flue_vals_discard: its ends are dropped, its owns gone). */
int flue_vals_move_host(const struct flue_vmove *m, struct flue_instance *host, uint32_t *ptr);

/* After flue_vals_check() failed on a host's value (it unwound to the
 * host edge): the handles its first pass marked are the host's again. */
void flue_vals_unmark(const struct flue_vmove *m);

/* Handles in values (val_handle.c), each at index i of src / for dst. */
/* The table's get as lifting and the resource built-ins see it: an own a
 * value being moved has lifted is gone (BAD_HANDLE). */
struct flue_handle *flue_handle_at(struct flue_instance *inst, uint32_t i);
/* ... and a resource handle of type rt there (WRONG_KIND, TYPE_MISMATCH). */
struct flue_res *flue_res_at(struct flue_instance *inst, flue_rtype_t rt, uint32_t i);
/* lift_own / lift_borrow / lift_error_context's checks, then: an own is
 * marked lifted, a borrow lent to `task`. */
void flue_vh_take(struct flue_instance *src, uint16_t task, const struct flue_tnode *n, uint32_t i);
/* A lifted own's or end's slot freed (its rep, or the end's shared
 * object, kept in the free slot); an end goes in transit to `to`, which
 * drops it if it goes away (NULL: to nobody yet, FLUE_TRANSIT_PENDING). */
void flue_vh_release(struct flue_instance *src, uint32_t i, struct flue_instance *to);
/* An end flue_vh_release took at i: now in transit to `to` (before the
 * lowering starts), or dropped (no lowering follows). Other slots: no-op. */
void flue_vh_retag(struct flue_instance *src, uint32_t i, struct flue_instance *to);
void flue_vh_discard(struct flue_instance *src, uint32_t i);
/* A lifted own that was not freed is src's again (not lifted). */
void flue_vh_unmark(struct flue_instance *src, uint32_t i);
/* The rep (own: kept by flue_vh_release; borrow: the handle's), an end's
 * shared object (kept likewise) or, for an error context, i; checked again (BAD_HANDLE, WRONG_KIND, TYPE_MISMATCH
 * of src) since the value is read again. */
uint32_t flue_vh_rep(struct flue_instance *src, uint16_t task, const struct flue_tnode *n,
		     uint32_t i);
/* lower_own / lower_borrow / lower_error_context into dst: the index (or
 * a borrow's rep in the resource's implementation). */
uint32_t flue_vh_lower(struct flue_instance *dst, uint16_t task, const struct flue_tnode *n,
		       uint32_t rep);

/* ------------------------------------------- parts shared by val_*.c */

/* align_to for the powers of two alignments are. */
static inline uint32_t flue_val_align(uint32_t v, uint32_t a)
{
	return (v + a - 1u) & ~(a - 1u);
}

/* Cases of a variant-like node (VARIANT, OPTION, RESULT, ENUM). */
static inline uint32_t flue_val_ncases(const struct flue_tnode *n)
{
	switch (n->kind) {
	case FLUE_VT_ENUM: return n->arg;
	case FLUE_VT_OPTION: case FLUE_VT_RESULT: return 2;
	default: return n->nkids;
	}
}

/* Case c's payload node, FLUE_TYPE_NONE for none. */
static inline uint16_t flue_val_case_payload(const struct flue_tgraph *g,
					     const struct flue_tnode *n, uint32_t c)
{
	if (n->kind == FLUE_VT_ENUM || (n->kind == FLUE_VT_OPTION && c == 0))
		return FLUE_TYPE_NONE;
	return flue_tnode_kid(g, n, n->kind == FLUE_VT_OPTION ? 0u : c);
}

/* discriminant_type's size for `cases` cases. The payload starts at the
 * node's alignment (align_to(disc size, max case alignment), two powers
 * of two). */
static inline uint32_t flue_val_disc_bytes(uint32_t cases)
{
	return cases <= 0x100u ? 1u : cases <= 0x10000u ? 2u : 4u;
}

/* The value of a leaf from its raw bits (a flat value or the bytes
 * loaded): wrapped to its width, sign-extended, NaNs canonical, a bool
 * 0/1, flags masked to their labels, chars as they are (checked by the
 * caller). */
static inline uint64_t flue_val_sext(uint64_t x, uint32_t bits)
{
	uint64_t top = (uint64_t)1 << (bits - 1u);
	x &= (top << 1) - 1u;
	return (x ^ top) - top;
}

static inline uint64_t flue_val_leaf(const struct flue_tnode *n, uint64_t x)
{
	uint32_t b = (uint32_t)x;
	switch (n->kind) {
	case FLUE_VT_BOOL: return b != 0;
	case FLUE_VT_S8: return flue_val_sext(x, 8);
	case FLUE_VT_U8: return x & 0xFFu;
	case FLUE_VT_S16: return flue_val_sext(x, 16);
	case FLUE_VT_U16: return x & 0xFFFFu;
	case FLUE_VT_S32: return flue_val_sext(x, 32);
	case FLUE_VT_S64: case FLUE_VT_U64: return x;
	case FLUE_VT_F32:
		return (b & 0x7F800000u) == 0x7F800000u && (b & 0x7FFFFFu) != 0 ? 0x7FC00000u : b;
	case FLUE_VT_F64:
		return (x & 0x7FF0000000000000u) == 0x7FF0000000000000u &&
				       (x & 0xFFFFFFFFFFFFFu) != 0
			       ? 0x7FF8000000000000u
			       : x;
	case FLUE_VT_FLAGS: return x & (n->arg == 32u ? 0xFFFFFFFFu : (1u << n->arg) - 1u);
	default: return b; /* u32, char */
	}
}

/* Little-endian bytes at p. */
static inline uint64_t flue_val_le(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;
	for (uint32_t i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* A variable list's element layout: its node's, or a map's tuple<K, V>
 * (the value at voff). */
struct flue_val_elem {
	uint32_t size, align, voff;
};

static inline struct flue_val_elem flue_val_list_elem(const struct flue_tgraph *g,
						      const struct flue_tnode *n)
{
	const struct flue_tnode *k = &g->nodes[flue_tnode_kid(g, n, 0)];
	if (n->kind == FLUE_VT_LIST)
		return (struct flue_val_elem){ k->size, k->align, 0 };
	const struct flue_tnode *v = &g->nodes[flue_tnode_kid(g, n, 1)];
	uint32_t a = k->align > v->align ? k->align : v->align;
	uint32_t voff = flue_val_align(k->size, v->align);
	return (struct flue_val_elem){ flue_val_align(voff + v->size, a), a, voff };
}

/* A check of lifting failed in `inst`: it traps, unless `inst` is a host
 * instance, whose values are checked inside a flue_port_try() of the
 * host edge: then that is unwound to (the host gets an error). */
_Noreturn void flue_val_fail(struct flue_instance *inst, enum flue_trap_reason r, uint32_t arg);

/* Host address of [ptr, ptr + bytes) in inst's memory, or a trap of inst
 * (OUT_OF_BOUNDS, NO_MEMORY without a memory). */
uint8_t *flue_cx_range(struct flue_instance *inst, uint32_t ptr, uint64_t bytes);
/* cx's realloc (traps NO_REALLOC without one). */
uint32_t flue_cx_realloc(const struct flue_cx *cx, uint32_t old_ptr, uint32_t old_size,
			 uint32_t align, uint32_t new_size);
/* Guest realloc `fn` of instance x, called as the reference calls it
 * (#705: store.lift + invoke, a task of its own): may_leave cleared
 * around it (no built-in may run inside), and context.get/set inside it
 * see a context of its own, zeroed (val_cx.c). */
uint32_t flue_realloc_guest(flue_realloc_fn fn, void *user, struct flue_instance *x,
			    uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size);

struct flue_string_opts;
/* A built-in's value options (flue/abi.h) as a context of inst: its
 * realloc called through flue_realloc_guest(), its encoding (o NULL: no
 * realloc, UTF-8). `r` is the storage the context points to. */
struct flue_cx_opts {
	const struct flue_string_opts *o;
	struct flue_instance *inst;
};
struct flue_cx flue_cx_of(struct flue_instance *inst, const struct flue_string_opts *o,
			  struct flue_cx_opts *r);

/* A host instance as a lowering context (its store's host_opts: the
 * allocator of flue_host_set_realloc(), none: NULL; UTF-8). */
struct flue_cx flue_cx_host(struct flue_instance *host, struct flue_cx_opts *r);

/* A pointer realloc returned: aligned to `align` and [ptr, ptr + bytes)
 * inside memory, else a trap of cx's instance (REALLOC_MISALIGNED,
 * REALLOC_OUT_OF_BOUNDS). Pass align 1 where the reference checks bounds only. */
void flue_cx_need(const struct flue_cx *cx, uint32_t ptr, uint32_t align, uint64_t bytes);

/* load_string_from_range's checks of (ptr, tagged_code_units) in src:
 * length, alignment, bounds, encoding, each its own trap of src. */
void flue_str_check(const struct flue_cx *src, uint32_t ptr, uint32_t tagged);
/* store_string_into_range: the (checked) string at (ptr, tagged) of src
 * into dst, transcoded, with the reference's realloc calls; the result's
 * (pointer, tagged code units) in *dptr, *dtagged. src and dst are
 * different instances (a realloc could otherwise overwrite the source). */
void flue_str_store(const struct flue_cx *src, uint32_t ptr, uint32_t tagged,
		    const struct flue_cx *dst, uint32_t *dptr, uint32_t *dtagged);

struct flue_hvals;
/* A view (flue/hval.h) of m's source values, as lifting finds them: flat,
 * or the tuple at flat[0]. Checked first (flue_vals_check). */
void flue_vals_view(const struct flue_vmove *m, struct flue_hvals *out);
/* A view of the tuple ts that flue_vals_move_host() put at ptr in host's
 * arena. */
void flue_vals_host_view(const struct flue_tgraph *g, const uint16_t *ts, uint32_t nts,
			 const struct flue_instance *host, uint32_t ptr, struct flue_hvals *out);

/* Whether *a of ga and *b of gb are the same type (a, b NULL: no type;
 * equal only to each other). Both graphs checked already. */
bool flue_types_equal(const struct flue_tgraph *ga, const uint16_t *a, const struct flue_tgraph *gb,
		      const uint16_t *b);

/* The element size of the tuple ts (64-bit: many large params may pass
 * 2^32, which function types refuse). */
uint64_t flue_types_tuple_size(const struct flue_tgraph *g, const uint16_t *ts, uint32_t nts);

/* The flat count of the tuple m->ts (saturated at FLUE_FLAT_MANY). */
uint32_t flue_vals_flat_count(const struct flue_tgraph *g, const uint16_t *ts, uint32_t nts);

#endif /* FLUE_ABI_VAL_H */
