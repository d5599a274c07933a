/*
 * The value fuzzer's writer and mutator (fuzz_vals.h): a random value of
 * the tuple written into the source party (H) in canonical layout — flat
 * values, or memory blocks from H's own allocator — with every string
 * valid in H's encoding (latin1+utf16: latin-1 when every character fits
 * and the input says so, else tagged UTF-16, also for strings that would
 * fit latin-1), and, in "junk" inputs, non-canonical bits wherever the
 * reference ignores them (high bits of small integers, bools other than
 * 1, flags bits past the labels, the high half of an i64 slot holding a
 * 32-bit value, unused variant slots, padding bytes).
 *
 * Value bytes, in the order the value is written (depth first): a leaf
 * takes its width in bytes (floats and chars a selector byte first), a
 * variant one byte for its case (four for more than 256 cases), a string
 * a length byte (>= 0xF0: 20 * (b - 0xEF) characters, else b % 9), a class
 * byte (bit 0-1: any, ASCII, latin-1, any; bit 2: latin-1 form) and per
 * character a class byte and its bits, a list a length byte (>= 0xE0:
 * 8 * (b - 0xDF), else b % 6); an empty list or string one pointer byte.
 * Lists and strings share VBUDGET bytes; past it they come out shorter.
 *
 * A handle takes one byte (fuzz_vals_mem.c, vh_value): an own<R> is a new
 * resource given to H, a borrow<R> names one of H's handles of R kept
 * for borrowing, an error-context one of H's error contexts. A list whose
 * element holds handles has at most VH_LIST_CAP elements.
 *
 * Every pointer, length, discriminant, char, handle and string block is
 * recorded as a site for the mutator.
 */
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "fuzz_vals.h"

struct at {
	bool mem;
	uint32_t ptr;
};

static uint32_t rnd(struct vgen *w)
{
	uint32_t x = w->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	w->rng = x;
	return x;
}

static void site(struct vgen *w, uint8_t kind, uint8_t bytes, struct at a, uint32_t arg)
{
	if (w->nsites < VMAX_SITES)
		w->sites[w->nsites++] = (struct vsite){ kind, bytes, a.mem, a.mem ? a.ptr : w->fi, arg };
}

/* Write `bytes` bytes of v at a, or the next flat value (a 32-bit value
 * in an i64 slot gets junk in its high half in junk inputs). */
static void put(struct vgen *w, struct at a, uint32_t bytes, uint64_t v, bool is64)
{
	if (a.mem) {
		vm_store(w->h, a.ptr, bytes, v);
		return;
	}
	if (w->fi >= w->T->nflat || w->fi >= VFLAT_CAP)
		VDIE("writer: flat values past the tuple's %u", w->T->nflat);
	if (!is64 && w->junk && w->T->flat[w->fi] == FLUE_CORE_I64)
		v |= (uint64_t)rnd(w) << 32;
	w->h->flat[w->fi++] = v;
}

static void fill(struct vgen *w, uint32_t ptr, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		w->h->mem[ptr + i] = w->junk ? (uint8_t)rnd(w) : 0u;
}

/* ---------------------------------------------------------------- leaves */

static uint32_t gen_char(struct vin *in)
{
	static const uint32_t EDGE[16] = { 0, 0x7F, 0x80, 0xFF, 0x100, 0x7FF, 0x800, 0xD7FF,
					   0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF, 0xFEFF,
					   0x1F600, 0x20 };
	uint8_t c = vin_u8(in);
	switch (c % 8u) {
	case 1: return 0x80u + vin_u8(in) % 0x80u;
	case 2: return 0x100u + (vin_u8(in) | (uint32_t)vin_u8(in) << 8) % 0x700u;
	case 3: return 0x800u + (vin_u8(in) | (uint32_t)vin_u8(in) << 8) % (0xD800u - 0x800u);
	case 4: return 0xE000u + (vin_u8(in) | (uint32_t)vin_u8(in) << 8) % 0x2000u;
	case 5: return 0x10000u + vin_u32(in) % 0x100000u;
	case 6: return EDGE[vin_u8(in) % 16u];
	default: return (uint32_t)(c >> 3) + 0x20u; /* ASCII */
	}
}

static uint64_t gen_float(struct vgen *w, bool f64)
{
	uint8_t s = vin_u8(w->in);
	uint64_t x = f64 ? vin_u64(w->in) : vin_u32(w->in);
	switch (s % 8u) {
	case 0: return f64 ? 0x7FF8000000000000u : 0x7FC00000u;          /* canonical NaN */
	case 1: return f64 ? 0x7FF0000000000001u | x : 0x7F800001u | x; /* NaN, payload, sign */
	case 2: return f64 ? 0x8000000000000000u : 0x80000000u;          /* -0 */
	case 3: return f64 ? 0xFFF0000000000000u : 0xFF800000u;          /* -inf */
	default: return f64 ? x : (uint32_t)x;
	}
}

/* A leaf's raw bits: its value, plus junk where the reference ignores it. */
static uint64_t gen_leaf(struct vgen *w, const struct flue_tnode *n, struct at a)
{
	uint32_t size = w->T->lay[n - w->T->nodes].size;
	uint64_t v, junk = w->junk ? (uint64_t)rnd(w) : 0u;
	switch (n->kind) {
	case FLUE_VT_BOOL:
		v = vin_u8(w->in) & 1u;
		return v != 0 && junk != 0 ? (a.mem ? junk % 255u + 1u : junk | 1u) : v;
	case FLUE_VT_F32: return gen_float(w, false);
	case FLUE_VT_F64: return gen_float(w, true);
	case FLUE_VT_CHAR: return gen_char(w->in);
	case FLUE_VT_S64: case FLUE_VT_U64: return vin_u64(w->in);
	case FLUE_VT_FLAGS: {
		uint64_t bits = vin_u32(w->in), mask = n->arg == 32u ? 0xFFFFFFFFu : (1u << n->arg) - 1u;
		return (bits & mask) | (junk & ~mask & 0xFFFFFFFFu);
	}
	default: {
		v = size == 4u ? vin_u32(w->in) : size == 2u ? (uint32_t)vin_u8(w->in) << 8 | vin_u8(w->in)
							    : vin_u8(w->in);
		if (a.mem || size == 4u)
			return v;
		if (junk != 0)
			return (v | junk << (8u * size)) & 0xFFFFFFFFu;
		if (n->kind == FLUE_VT_S8 || n->kind == FLUE_VT_S16) {
			uint64_t top = (uint64_t)1 << (8u * size - 1u);
			return (uint32_t)((v ^ top) - top); /* lower_flat_signed */
		}
		return v;
	}
	}
}

/* ---------------------------------------------------------------- blocks */

/* An empty list's or string's pointer: where the next block would go, or
 * any aligned place inside the memory so far. */
static uint32_t empty_ptr(struct vgen *w, uint32_t align)
{
	uint8_t b = vin_u8(w->in);
	uint32_t p = b == 0 ? w->h->last : rnd(w) % (w->h->last + 1u);
	return p / align * align;
}

static void put_pair(struct vgen *w, struct at a, uint32_t ptr, uint32_t len, uint32_t arg)
{
	struct at l = a.mem ? (struct at){ true, a.ptr + 4u } : a;
	site(w, VS_PTR, 4, a, 0);
	put(w, a, 4, ptr, false);
	site(w, VS_LEN, 4, l, arg);
	put(w, l, 4, len, false);
}

/* Encode cps in H's encoding into out; returns the byte count and the
 * tagged length (*tagged) and the alignment. */
static uint32_t encode(struct vgen *w, const uint32_t *cps, uint32_t n, bool latin1_form,
		       uint8_t *out, uint32_t *tagged, uint32_t *align)
{
	bool all_latin1 = true;
	for (uint32_t i = 0; i < n; i++)
		all_latin1 = all_latin1 && cps[i] < 0x100u;
	uint8_t enc = w->h->enc;
	uint32_t b = 0;
	*align = enc == FLUE_STRING_UTF8 ? 1u : 2u;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (enc == FLUE_STRING_UTF8) {
			if (c < 0x80u) {
				out[b++] = (uint8_t)c;
				continue;
			}
			uint32_t len = c < 0x800u ? 2u : c < 0x10000u ? 3u : 4u;
			for (uint32_t k = len; k-- > 1;)
				out[b + k] = (uint8_t)(0x80u | (c >> (6u * (len - 1u - k)) & 0x3Fu));
			out[b] = (uint8_t)((0xF00u >> len) | c >> (6u * (len - 1u)));
			b += len;
		} else if (enc == FLUE_STRING_LATIN1_UTF16 && all_latin1 && latin1_form) {
			out[b++] = (uint8_t)c;
		} else if (c < 0x10000u) {
			out[b++] = (uint8_t)c, out[b++] = (uint8_t)(c >> 8);
		} else {
			uint32_t h = 0xD800u + ((c - 0x10000u) >> 10), l = 0xDC00u + (c & 0x3FFu);
			out[b++] = (uint8_t)h, out[b++] = (uint8_t)(h >> 8);
			out[b++] = (uint8_t)l, out[b++] = (uint8_t)(l >> 8);
		}
	}
	bool l1 = enc == FLUE_STRING_LATIN1_UTF16 && all_latin1 && latin1_form;
	*tagged = enc == FLUE_STRING_UTF8 || l1 ? b : b / 2u;
	if (enc == FLUE_STRING_LATIN1_UTF16 && !l1)
		*tagged |= UTF16_TAG;
	return b;
}

static void w_string(struct vgen *w, struct at a)
{
	uint32_t cps[320];
	uint8_t out[320 * 4];
	uint8_t lb = vin_u8(w->in), cls = vin_u8(w->in);
	uint32_t n = lb >= 0xF0u ? 20u * (lb - 0xEFu) : lb % 9u;
	n = n * 4u > w->budget ? w->budget / 4u : n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = gen_char(w->in);
		cps[i] = cls % 4u == 1u ? c & 0x7Fu : cls % 4u == 2u ? c & 0xFFu : c;
		w->nwide += cps[i] >= 0x10000u;
	}
	uint32_t tagged, align, bytes = encode(w, cps, n, (cls & 4u) != 0, out, &tagged, &align);
	w->budget -= bytes;
	w->nstrings++;
	w->nlatin1 += w->h->enc == FLUE_STRING_LATIN1_UTF16 && (tagged & UTF16_TAG) == 0;
	uint32_t ptr = bytes == 0 ? empty_ptr(w, align) : vm_alloc(w->h, align, bytes);
	memcpy(w->h->mem + ptr, out, bytes);
	if (bytes != 0)
		site(w, VS_BYTES, 1, (struct at){ true, ptr }, bytes);
	put_pair(w, a, ptr, tagged, 0);
}

static void w_value(struct vgen *w, uint16_t t, struct at a);

static void w_list(struct vgen *w, uint16_t t, struct at a)
{
	struct velem e = vt_elem(w->T, t);
	const struct flue_tnode *n = &w->T->nodes[t];
	uint8_t b = vin_u8(w->in);
	uint32_t len = b >= 0xE0u ? 8u * (b - 0xDFu) : b % 6u;
	if (w->T->lay[t].hmax != 0)
		len = len > VH_LIST_CAP ? VH_LIST_CAP : len;
	len = len * e.size > w->budget || w->nalloc >= 400u ? w->budget / e.size : len;
	len = w->nalloc >= 400u ? 0u : len;
	w->budget -= len * e.size;
	uint32_t ptr = len == 0 ? empty_ptr(w, e.align) : vm_alloc(w->h, e.align, len * e.size);
	w->nalloc += len != 0;
	fill(w, ptr, len * e.size);
	for (uint32_t i = 0; i < len; i++) {
		w_value(w, w->T->kids[n->kids], (struct at){ true, ptr + i * e.size });
		if (n->kind == FLUE_VT_MAP)
			w_value(w, w->T->kids[n->kids + 1], (struct at){ true, ptr + i * e.size + e.voff });
	}
	put_pair(w, a, ptr, len, e.size);
}

static void w_variant(struct vgen *w, uint16_t t, struct at a)
{
	uint32_t nc = vt_ncases(w->T, t), first = w->fi;
	uint32_t c = (nc <= 256u ? vin_u8(w->in) : vin_u32(w->in)) % nc;
	site(w, VS_DISC, (uint8_t)vt_disc_size(w->T, t), a, nc);
	put(w, a, vt_disc_size(w->T, t), c, false);
	uint16_t p = vt_case(w->T, t, c);
	if (p != FLUE_TYPE_NONE)
		w_value(w, p, a.mem ? (struct at){ true, a.ptr + vt_payload_off(w->T, t) } : a);
	for (; !a.mem && w->fi < first + w->T->lay[t].flat;) {
		uint8_t ct = w->T->flat[w->fi];
		uint64_t j = w->junk ? (uint64_t)rnd(w) << 32 | rnd(w) : 0u;
		w->h->flat[w->fi++] = ct == FLUE_CORE_I32 || ct == FLUE_CORE_F32 ? (uint32_t)j : j;
	}
}

static void w_fields(struct vgen *w, uint16_t t, struct at a)
{
	const struct flue_tnode *n = &w->T->nodes[t];
	bool fixed = n->kind == FLUE_VT_LIST;
	uint32_t count = fixed ? n->arg : n->nkids, off = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t c = w->T->kids[n->kids + (fixed ? 0u : i)];
		off = vt_align_to(off, w->T->lay[c].align);
		w_value(w, c, a.mem ? (struct at){ true, a.ptr + off } : a);
		off += w->T->lay[c].size;
	}
}

static void w_value(struct vgen *w, uint16_t t, struct at a)
{
	const struct flue_tnode *n = &w->T->nodes[t];
	switch (n->kind) {
	case FLUE_VT_STRING: w_string(w, a); return;
	case FLUE_VT_MAP: w_list(w, t, a); return;
	case FLUE_VT_LIST:
		if (n->arg == 0)
			w_list(w, t, a);
		else
			w_fields(w, t, a);
		return;
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE: w_fields(w, t, a); return;
	case FLUE_VT_VARIANT: case FLUE_VT_ENUM: case FLUE_VT_OPTION: case FLUE_VT_RESULT:
		w_variant(w, t, a);
		return;
	case FLUE_VT_OWN: case FLUE_VT_BORROW: case FLUE_VT_ERROR_CONTEXT:
	case FLUE_VT_STREAM: case FLUE_VT_FUTURE:
		site(w, VS_HANDLE, 4, a, n->kind);
		put(w, a, 4, vh_value(w, n), false);
		return;
	default: {
		uint32_t size = w->T->lay[t].size;
		if (n->kind == FLUE_VT_CHAR)
			site(w, VS_CHAR, 4, a, 0);
		put(w, a, size, gen_leaf(w, n, a), size == 8u);
	}
	}
}

void vg_write(struct vgen *w, bool in_mem)
{
	const struct vtypes *T = w->T;
	struct at a = { false, 0 };
	w->h->in_mem = in_mem;
	if (in_mem) {
		a = (struct at){ true, vm_alloc(w->h, T->talign, T->tsize) };
		fill(w, a.ptr, T->tsize);
		site(w, VS_TPTR, 4, (struct at){ false, 0 }, 0);
		w->h->flat[0] = a.ptr;
		w->h->nflat = 1;
	} else {
		w->h->nflat = T->nflat;
	}
	for (uint32_t i = 0, off = 0; i < T->nts; i++) {
		const struct vlay *l = &T->lay[T->ts[i]];
		off = vt_align_to(off, l->align);
		w_value(w, T->ts[i], in_mem ? (struct at){ true, a.ptr + off } : a);
		off += l->size;
	}
}

/* -------------------------------------------------------------- mutation */

static uint8_t site_core(const struct vgen *w, const struct vsite *s)
{
	return s->kind == VS_TPTR ? FLUE_CORE_I32 : w->T->flat[s->at];
}

static uint64_t site_get(struct vgen *w, const struct vsite *s)
{
	return s->mem ? vm_load(w->h, s->at, s->bytes) : w->h->flat[s->at];
}

static void site_set(struct vgen *w, const struct vsite *s, uint64_t v)
{
	if (s->mem) {
		vm_store(w->h, s->at, s->bytes, v);
		return;
	}
	uint8_t ct = site_core(w, s);
	w->h->flat[s->at] = ct == FLUE_CORE_I32 || ct == FLUE_CORE_F32 ? (uint32_t)v : v;
}

/* A value at a limit the reference checks. */
static uint32_t boundary(const struct vsite *s, uint32_t x, uint32_t v)
{
	switch (s->kind) {
	case VS_LEN:
		if (s->arg != 0)
			return MAX_BYTES / s->arg + v % 2u;
		return (((v & 1u) != 0 ? MAX_BYTES + 1u : MAX_BYTES) >> (v >> 1 & 1u)) |
		       ((v & 4u) != 0 ? UTF16_TAG : 0u);
	case VS_DISC: return s->arg + v % 3u;
	case VS_CHAR: return 0xD800u + v % 0x800u;
	default: return x + 1u;
	}
}

static uint32_t mutate_word(const struct vgen *w, const struct vsite *s, uint32_t x, uint8_t op,
			    uint32_t v)
{
	uint32_t size = (uint32_t)w->h->size;
	switch (op % 12u) {
	case 0: return v;
	case 1: return x + 1u;
	case 2: return x - 1u;
	case 3: return x ^ 1u << (v % 32u);
	case 4: return 0xFFFFFFFFu;
	case 5: return size - v % 8u;
	case 6: return x + v % 64u;
	case 7: return x ^ UTF16_TAG;
	case 8: return boundary(s, x, v);
	case 9:
		return s->kind == VS_CHAR ? 0x110000u + v % 4u
		       : s->kind == VS_DISC ? s->arg - 1u + v % 2u : x | 1u;
	case 10: return x & ~(v % 8u);
	default: return v % (size + 16u);
	}
}

/* A handle index the reference's lift checks: another handle of the
 * value (an own twice, a borrow and an own of one handle, a kind or type
 * another slot expects), any slot of H's table (free, a borrow handle,
 * another resource type, an error context), or past the table. */
static uint32_t handle_word(const struct vgen *w, uint8_t op, uint32_t v)
{
	static const uint32_t FAR[4] = { 0, FLUE_CONFIG_MAX_HANDLES - 1u, FLUE_CONFIG_MAX_HANDLES,
					 0xFFFFFFFFu };
	switch (op / 2u % 4u) {
	case 0: case 1:
		for (uint32_t k = 0; k < w->nsites; k++) {
			const struct vsite *o = &w->sites[(v + k) % w->nsites];
			if (o->kind == VS_HANDLE)
				return (uint32_t)(o->mem ? vm_load(w->h, o->at, 4) : w->h->flat[o->at]);
		}
		return v;
	case 2: return v % (w->h->tab.len + 2u);
	default: return FAR[v % 4u];
	}
}

static void mutate_bytes(struct vgen *w, const struct vsite *s, uint8_t op, uint32_t v)
{
	static const uint8_t SPECIAL[15] = { 0x80, 0xBF, 0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4,
					     0xF5, 0xFF, 0x00, 0xD8, 0xDC, 0xDF, 0xA0 };
	uint32_t at = s->at + v % s->arg;
	uint8_t b = op % 16u == 15u ? (uint8_t)(v >> 8) : SPECIAL[op % 16u];
	vz_trace("  mutate: string byte at %u := %#x\n", at, b);
	vm_store(w->h, at, 1, b);
}

static void mutate_one(struct vgen *w)
{
	static const char *const KIND[VS_KINDS] = { "pointer", "length", "discriminant", "char",
						    "string bytes", "tuple pointer", "handle" };
	uint8_t sel = vin_u8(w->in), op = vin_u8(w->in);
	uint32_t v = vin_u32(w->in);
	if (w->nsites == 0 || sel >= 0xF0u) {
		if (w->h->last <= 8u)
			return; /* nothing in memory */
		uint32_t at = 8u + v % (w->h->last - 8u);
		vz_trace("  mutate: byte at %u := %#x\n", at, op);
		vm_store(w->h, at, 1, op);
		return;
	}
	const struct vsite *s = &w->sites[sel % w->nsites];
	if (s->kind == VS_BYTES) {
		mutate_bytes(w, s, op, v);
		return;
	}
	uint64_t x = site_get(w, s);
	uint32_t y = s->kind == VS_HANDLE && op % 2u == 0 ? handle_word(w, op, v)
							  : mutate_word(w, s, (uint32_t)x, op, v);
	vz_trace("  mutate: %s at %s %u: %#x := %#x\n", KIND[s->kind], s->mem ? "byte" : "flat value",
		 s->at, (uint32_t)x, y);
	site_set(w, s, (x >> 32 << 32) | y);
}

void vg_mutate(struct vgen *w)
{
	uint32_t k = 1u + vin_u8(w->in) % 4u;
	for (uint32_t i = 0; i < k; i++)
		mutate_one(w);
	if (vin_u8(w->in) % 8u == 7u) {
		uint32_t size = vin_u32(w->in) % ((uint32_t)w->h->size + 1u);
		vz_trace("  mutate: memory size %llu := %u\n", (unsigned long long)w->h->size, size);
		ASAN_POISON_MEMORY_REGION(w->h->mem + size, w->h->size - size);
		w->h->size = size;
	}
}
