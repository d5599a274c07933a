/*
 * The value fuzzer's reader (fuzz_vals.h), the oracle: the reference's
 * validity rules of lifting (definitions.py @ 6d28164: lift_flat_values,
 * load / lift_flat, convert_i32_to_char, load_variant / lift_flat_variant,
 * load_string_from_range, load_list_from_range), the structural
 * comparator, and value printing. Written from the reference, not from
 * src/abi.
 *
 * Flat values are read as the reference's coercions amount to: a 32-bit
 * leaf (i32 or f32) reads the low 32 bits of its slot, whatever the slot's
 * joined type (wrap_i64_to_i32, and the f32's bits); a 64-bit leaf the
 * whole slot. A variant's payload starts at the slot after its
 * discriminant, and the variant always takes its whole flat count.
 *
 * A value a party got from flue ("lowered") must also be in the form
 * lowering writes: bools 0/1, flags without bits past their labels, flat
 * integers zero- or sign-extended to 32 bits as lower_flat does, unused
 * variant slots 0, every pointer into blocks that party's realloc handed
 * out, and in latin1+utf16 the latin-1 form exactly when every character
 * fits latin-1 (store_string_to_latin1_or_utf16,
 * store_probably_utf16_to_latin1_or_utf16, store_string_copy all agree).
 *
 * Handles (own, borrow, error-context) are i32 leaves whose checks are
 * the table's: the reader hands each to vh_lift (fuzz_vals_mem.c), in
 * the order lifting meets them, so that their traps come in the
 * reference's order among the other checks.
 */
#include <string.h>

#include "fuzz_vals_rd.h"

/* ------------------------------------------------------------- strings */

struct sview vr_str_view(uint8_t enc, uint32_t tagged)
{
	if (enc == FLUE_STRING_UTF8)
		return (struct sview){ F_UTF8, 1, tagged };
	if (enc == FLUE_STRING_UTF16)
		return (struct sview){ F_UTF16, 2, 2u * (uint64_t)tagged };
	if ((tagged & UTF16_TAG) != 0)
		return (struct sview){ F_UTF16, 2, 2u * (uint64_t)(tagged ^ UTF16_TAG) };
	return (struct sview){ F_LATIN1, 2, tagged };
}

/* Unicode's well-formed UTF-8 (Table 3-7), as Python's strict decoder. */
static uint32_t utf8_cp(const uint8_t *b, uint64_t n, uint64_t *i)
{
	uint8_t c = b[*i];
	if (c < 0x80u) {
		(*i)++;
		return c;
	}
	uint32_t len, cp;
	uint8_t lo = 0x80u, hi = 0xBFu;
	if (c >= 0xC2u && c <= 0xDFu) {
		len = 2, cp = c & 0x1Fu;
	} else if (c >= 0xE0u && c <= 0xEFu) {
		len = 3, cp = c & 0x0Fu;
		lo = c == 0xE0u ? 0xA0u : lo;
		hi = c == 0xEDu ? 0x9Fu : hi;
	} else if (c >= 0xF0u && c <= 0xF4u) {
		len = 4, cp = c & 0x07u;
		lo = c == 0xF0u ? 0x90u : lo;
		hi = c == 0xF4u ? 0x8Fu : hi;
	} else {
		return BAD_CP;
	}
	if (n - *i < len)
		return BAD_CP;
	for (uint32_t k = 1; k < len; k++) {
		uint8_t x = b[*i + k];
		if (x < (k == 1u ? lo : 0x80u) || x > (k == 1u ? hi : 0xBFu))
			return BAD_CP;
		cp = cp << 6 | (x & 0x3Fu);
	}
	*i += len;
	return cp;
}

static uint32_t utf16_cp(const uint8_t *b, uint64_t n, uint64_t *i)
{
	uint32_t u = (uint32_t)b[*i] | (uint32_t)b[*i + 1] << 8;
	if (u < 0xD800u || u > 0xDFFFu) {
		*i += 2;
		return u;
	}
	if (u >= 0xDC00u || n - *i < 4u)
		return BAD_CP;
	uint32_t l = (uint32_t)b[*i + 2] | (uint32_t)b[*i + 3] << 8;
	if (l < 0xDC00u || l > 0xDFFFu)
		return BAD_CP;
	*i += 4;
	return 0x10000u + ((u - 0xD800u) << 10) + (l - 0xDC00u);
}

uint32_t vr_next_cp(const uint8_t *b, struct sview v, uint64_t *i)
{
	if (v.form == F_LATIN1)
		return b[(*i)++];
	return v.form == F_UTF16 ? utf16_cp(b, v.bytes, i) : utf8_cp(b, v.bytes, i);
}

/* ---------------------------------------------------------------- leaves */

static uint64_t sext(uint64_t x, uint32_t bits)
{
	uint64_t top = (uint64_t)1 << (bits - 1u);
	x &= (top << 1) - 1u;
	return (x ^ top) - top;
}

static uint64_t canon_f32(uint32_t b)
{
	return (b & 0x7F800000u) == 0x7F800000u && (b & 0x7FFFFFu) != 0 ? 0x7FC00000u : b;
}

static uint64_t canon_f64(uint64_t b)
{
	bool nan = (b & 0x7FF0000000000000u) == 0x7FF0000000000000u && (b & 0xFFFFFFFFFFFFFu) != 0;
	return nan ? 0x7FF8000000000000u : b;
}

static uint32_t flags_mask(uint32_t labels)
{
	return labels == 32u ? 0xFFFFFFFFu : (1u << labels) - 1u;
}

static bool wide(uint8_t kind)
{
	return kind == FLUE_VT_S64 || kind == FLUE_VT_U64 || kind == FLUE_VT_F64;
}

/* A leaf's value (as the reference lifts it) from its raw bits. */
uint64_t vr_leaf_value(const struct flue_tnode *n, uint64_t raw)
{
	switch (n->kind) {
	case FLUE_VT_BOOL: return (uint32_t)raw != 0;
	case FLUE_VT_S8: return sext(raw, 8);
	case FLUE_VT_U8: return raw & 0xFFu;
	case FLUE_VT_S16: return sext(raw, 16);
	case FLUE_VT_U16: return raw & 0xFFFFu;
	case FLUE_VT_S32: return sext(raw, 32);
	case FLUE_VT_S64: case FLUE_VT_U64: return raw;
	case FLUE_VT_F32: return canon_f32((uint32_t)raw);
	case FLUE_VT_F64: return canon_f64(raw);
	case FLUE_VT_FLAGS: return raw & flags_mask(n->arg);
	default: return (uint32_t)raw; /* u32, char */
	}
}

/* The flat value lower_flat writes for a leaf's value (floats: NaN bits
 * are free, only checked to be 32-bit for f32). */
static bool canonical_flat(const struct flue_tnode *n, uint64_t value, uint64_t slot)
{
	if (n->kind == FLUE_VT_F64)
		return true;
	if (slot >> 32 != 0 && !wide(n->kind))
		return false;
	switch (n->kind) {
	case FLUE_VT_F32: return true;
	case FLUE_VT_S8: case FLUE_VT_S16: case FLUE_VT_S32: return slot == (uint32_t)value;
	default: return slot == value;
	}
}

static uint64_t take_flat(struct rd *r)
{
	if (r->fi >= r->p->nflat)
		VDIE("%s: the flat values ran out", r->p->name);
	return r->p->flat[r->fi++];
}

static uint64_t read_raw(struct rd *r, const struct flue_tnode *n, struct at a)
{
	if (a.mem)
		return vm_load(r->p, a.ptr, r->T->lay[n - r->T->nodes].size);
	uint64_t slot = take_flat(r);
	return wide(n->kind) ? slot : (uint32_t)slot;
}

/* A leaf's value; for a lowered party, its form checked too. */
uint64_t vr_read_leaf(struct rd *r, const struct flue_tnode *n, struct at a)
{
	uint64_t raw = read_raw(r, n, a), v = vr_leaf_value(n, raw);
	r->work++;
	if (!r->lowered)
		return v;
	if (a.mem ? (n->kind == FLUE_VT_BOOL || n->kind == FLUE_VT_FLAGS) && raw != v
		  : !canonical_flat(n, v, r->p->flat[r->fi - 1u]))
		VDIE("%s: a lowered %s leaf (kind %u) is not in canonical form: %#llx (value %#llx)",
		     r->p->name, a.mem ? "memory" : "flat", n->kind,
		     (unsigned long long)(a.mem ? raw : r->p->flat[r->fi - 1u]),
		     (unsigned long long)v);
	return v;
}

/* (ptr, length) of a string or list. */
void vr_read_pair(struct rd *r, struct at a, uint32_t *ptr, uint32_t *len)
{
	if (a.mem) {
		*ptr = (uint32_t)vm_load(r->p, a.ptr, 4);
		*len = (uint32_t)vm_load(r->p, a.ptr + 4u, 4);
		return;
	}
	uint64_t p = take_flat(r), l = take_flat(r);
	if (r->lowered && (p >> 32 != 0 || l >> 32 != 0))
		VDIE("%s: a lowered pointer or length is wider than 32 bits", r->p->name);
	*ptr = (uint32_t)p, *len = (uint32_t)l;
}

uint64_t vr_read_disc(struct rd *r, uint16_t t, struct at a)
{
	if (a.mem)
		return vm_load(r->p, a.ptr, vt_disc_size(r->T, t));
	uint64_t slot = take_flat(r);
	if (r->lowered && slot >> 32 != 0)
		VDIE("%s: a lowered discriminant wider than 32 bits", r->p->name);
	return (uint32_t)slot;
}

struct at vr_at_mem(uint32_t ptr)
{
	return (struct at){ true, ptr };
}

struct at vr_sub(struct at a, uint32_t off)
{
	return a.mem ? vr_at_mem(a.ptr + off) : a;
}

/* --------------------------------------------------------------- checks */

static int chk_value(struct rd *r, uint16_t t, struct at a);

static int chk_string(struct rd *r, struct at a)
{
	uint32_t ptr, tagged;
	vr_read_pair(r, a, &ptr, &tagged);
	struct sview v = vr_str_view(r->p->enc, tagged);
	if (v.bytes > MAX_BYTES)
		return FLUE_TRAP_STRING_TOO_LONG;
	if (ptr % v.align != 0)
		return FLUE_TRAP_MISALIGNED;
	if (ptr + v.bytes > r->p->size)
		return FLUE_TRAP_OUT_OF_BOUNDS;
	const uint8_t *b = vm_read(r->p, ptr, v.bytes, "a string");
	bool all_latin1 = true;
	for (uint64_t i = 0; i < v.bytes;) {
		uint32_t cp = vr_next_cp(b, v, &i);
		if (cp == BAD_CP)
			return FLUE_TRAP_BAD_ENCODING;
		all_latin1 = all_latin1 && cp < 0x100u;
	}
	r->work += v.bytes;
	if (r->lowered && r->p->enc == FLUE_STRING_LATIN1_UTF16 && (v.form == F_LATIN1) != all_latin1)
		VDIE("%s: a lowered latin1+utf16 string of %llu bytes in the %s form", r->p->name,
		     (unsigned long long)v.bytes, v.form == F_LATIN1 ? "latin-1" : "utf-16");
	return 0;
}

static int chk_list(struct rd *r, uint16_t t, struct at a)
{
	uint32_t ptr, len;
	vr_read_pair(r, a, &ptr, &len);
	struct velem e = vt_elem(r->T, t);
	uint64_t bytes = (uint64_t)len * e.size;
	if (bytes > MAX_BYTES)
		return FLUE_TRAP_LIST_TOO_LONG;
	if (ptr % e.align != 0)
		return FLUE_TRAP_MISALIGNED;
	if (ptr + bytes > r->p->size)
		return FLUE_TRAP_OUT_OF_BOUNDS;
	(void)vm_read(r->p, ptr, bytes, "a list");
	const struct flue_tnode *n = &r->T->nodes[t];
	for (uint32_t i = 0; i < len; i++) {
		int rc = chk_value(r, r->T->kids[n->kids], vr_at_mem(ptr + i * e.size));
		if (rc == 0 && n->kind == FLUE_VT_MAP)
			rc = chk_value(r, r->T->kids[n->kids + 1], vr_at_mem(ptr + i * e.size + e.voff));
		if (rc != 0)
			return rc;
		if (r->work > VMAX_WORK)
			return -1;
	}
	return 0;
}

static int chk_variant(struct rd *r, uint16_t t, struct at a)
{
	uint32_t first = r->fi;
	uint64_t c = vr_read_disc(r, t, a);
	if (c >= vt_ncases(r->T, t))
		return FLUE_TRAP_BAD_DISCRIMINANT;
	uint16_t p = vt_case(r->T, t, (uint32_t)c);
	if (p != FLUE_TYPE_NONE) {
		int rc = chk_value(r, p, vr_sub(a, vt_payload_off(r->T, t)));
		if (rc != 0)
			return rc;
	}
	if (a.mem)
		return 0;
	for (; r->fi < first + r->T->lay[t].flat; r->fi++)
		if (r->lowered && r->p->flat[r->fi] != 0)
			VDIE("%s: lowered variant (node %u) slot %u unused by case %llu is %#llx, "
			     "not 0", r->p->name, t, r->fi, (unsigned long long)c,
			     (unsigned long long)r->p->flat[r->fi]);
	return 0;
}

static int chk_fields(struct rd *r, uint16_t t, struct at a)
{
	const struct flue_tnode *n = &r->T->nodes[t];
	bool fixed = n->kind == FLUE_VT_LIST;
	uint32_t count = fixed ? n->arg : n->nkids, off = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t c = r->T->kids[n->kids + (fixed ? 0u : i)];
		off = vt_align_to(off, r->T->lay[c].align);
		int rc = chk_value(r, c, vr_sub(a, off));
		if (rc != 0)
			return rc;
		off += r->T->lay[c].size;
	}
	return 0;
}

static int chk_value(struct rd *r, uint16_t t, struct at a)
{
	const struct flue_tnode *n = &r->T->nodes[t];
	switch (n->kind) {
	case FLUE_VT_STRING: return chk_string(r, a);
	case FLUE_VT_MAP: return chk_list(r, t, a);
	case FLUE_VT_LIST: return n->arg == 0 ? chk_list(r, t, a) : chk_fields(r, t, a);
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE: return chk_fields(r, t, a);
	case FLUE_VT_VARIANT: case FLUE_VT_ENUM: case FLUE_VT_OPTION: case FLUE_VT_RESULT:
		return chk_variant(r, t, a);
	case FLUE_VT_CHAR: {
		uint64_t c = vr_read_leaf(r, n, a);
		return c >= 0x110000u || (c >= 0xD800u && c <= 0xDFFFu) ? FLUE_TRAP_BAD_CHAR : 0;
	}
	case FLUE_VT_OWN: case FLUE_VT_BORROW: case FLUE_VT_ERROR_CONTEXT:
	case FLUE_VT_STREAM: case FLUE_VT_FUTURE: {
		uint32_t i = (uint32_t)vr_read_leaf(r, n, a);
		return r->hw != 0 ? vh_lift(r->hw, n, i) : 0;
	}
	default: (void)vr_read_leaf(r, n, a); return 0;
	}
}

/* The tuple's place: flat values, or memory at flat[0] (lift_flat_values). */
int vr_tuple_at(const struct vtypes *T, const struct party *p, struct at *a)
{
	*a = (struct at){ false, 0 };
	if (!p->in_mem)
		return 0;
	if (p->nflat != 1u)
		VDIE("%s: a tuple in memory with %u flat values", p->name, p->nflat);
	uint32_t ptr = (uint32_t)p->flat[0];
	if (ptr % T->talign != 0)
		return FLUE_TRAP_MISALIGNED;
	if ((uint64_t)ptr + T->tsize > p->size)
		return FLUE_TRAP_OUT_OF_BOUNDS;
	(void)vm_read(p, ptr, T->tsize, "the tuple");
	*a = vr_at_mem(ptr);
	return 0;
}

int vr_check(const struct vtypes *T, const struct party *p, bool lowered, uint64_t *work,
	     struct vhw *hw)
{
	struct rd r = { T, p, lowered, p->in_mem ? 1u : 0u, 0, hw };
	struct at a;
	int rc = vr_tuple_at(T, p, &a);
	for (uint32_t i = 0, off = 0; rc == 0 && i < T->nts; i++) {
		const struct vlay *l = &T->lay[T->ts[i]];
		off = vt_align_to(off, l->align);
		rc = chk_value(&r, T->ts[i], vr_sub(a, off));
		off += l->size;
	}
	*work = r.work;
	if (r.work > VMAX_WORK)
		return -1;
	if (rc == 0 && r.fi != p->nflat)
		VDIE("%s: %u flat values, the tuple takes %u", p->name, p->nflat, r.fi);
	return rc;
}
