/*
 * The value fuzzer's structural comparator and value printing
 * (fuzz_vals.h). Both values were checked valid first (fuzz_vals_read.c).
 * Equal means: the same leaves as the reference lifts them (bools 0/1,
 * integers at their width, floats by bits after NaN canonicalisation,
 * flags masked to their labels), the same case and payload of every
 * variant, lists of the same length with equal elements, strings of the
 * same Unicode scalar values whatever their encodings; padding, pointers
 * and the places of blocks do not count.
 */
#include <stdio.h>

#include "fuzz_vals_rd.h"

struct cmp {
	struct rd a, b;
};

static _Noreturn void differ(const struct cmp *k, uint16_t t, const char *what, uint64_t x,
			     uint64_t y)
{
	VDIE("%s's value and %s's differ at node %u (kind %u): %s %#llx vs %#llx", k->a.p->name,
	     k->b.p->name, t, k->a.T->nodes[t].kind, what, (unsigned long long)x,
	     (unsigned long long)y);
}

static void cmp_value(struct cmp *k, uint16_t t, struct at x, struct at y);

static void cmp_string(struct cmp *k, uint16_t t, struct at x, struct at y)
{
	uint32_t pa, la, pb, lb;
	vr_read_pair(&k->a, x, &pa, &la);
	vr_read_pair(&k->b, y, &pb, &lb);
	struct sview va = vr_str_view(k->a.p->enc, la), vb = vr_str_view(k->b.p->enc, lb);
	const uint8_t *ba = vm_read(k->a.p, pa, va.bytes, "a string");
	const uint8_t *bb = vm_read(k->b.p, pb, vb.bytes, "a string");
	uint64_t i = 0, j = 0, n = 0;
	for (; i < va.bytes && j < vb.bytes; n++) {
		uint32_t ca = vr_next_cp(ba, va, &i), cb = vr_next_cp(bb, vb, &j);
		if (ca != cb)
			differ(k, t, "a string's character", ca, cb);
	}
	if (i < va.bytes || j < vb.bytes)
		differ(k, t, "a string's length (tagged code units)", la, lb);
}

static void cmp_list(struct cmp *k, uint16_t t, struct at x, struct at y)
{
	uint32_t pa, la, pb, lb;
	vr_read_pair(&k->a, x, &pa, &la);
	vr_read_pair(&k->b, y, &pb, &lb);
	if (la != lb)
		differ(k, t, "a list's length", la, lb);
	struct velem e = vt_elem(k->a.T, t);
	const struct flue_tnode *n = &k->a.T->nodes[t];
	for (uint32_t i = 0; i < la; i++) {
		uint32_t oa = pa + i * e.size, ob = pb + i * e.size;
		cmp_value(k, k->a.T->kids[n->kids], vr_at_mem(oa), vr_at_mem(ob));
		if (n->kind == FLUE_VT_MAP)
			cmp_value(k, k->a.T->kids[n->kids + 1], vr_at_mem(oa + e.voff),
				  vr_at_mem(ob + e.voff));
	}
}

static void cmp_variant(struct cmp *k, uint16_t t, struct at x, struct at y)
{
	uint32_t fa = k->a.fi, fb = k->b.fi;
	uint64_t ca = vr_read_disc(&k->a, t, x), cb = vr_read_disc(&k->b, t, y);
	if (ca != cb)
		differ(k, t, "a variant's case", ca, cb);
	uint16_t p = vt_case(k->a.T, t, (uint32_t)ca);
	uint32_t off = vt_payload_off(k->a.T, t);
	if (p != FLUE_TYPE_NONE)
		cmp_value(k, p, vr_sub(x, off), vr_sub(y, off));
	if (!x.mem)
		k->a.fi = fa + k->a.T->lay[t].flat;
	if (!y.mem)
		k->b.fi = fb + k->a.T->lay[t].flat;
}

static void cmp_fields(struct cmp *k, uint16_t t, struct at x, struct at y)
{
	const struct flue_tnode *n = &k->a.T->nodes[t];
	bool fixed = n->kind == FLUE_VT_LIST;
	uint32_t count = fixed ? n->arg : n->nkids, off = 0;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t c = k->a.T->kids[n->kids + (fixed ? 0u : i)];
		off = vt_align_to(off, k->a.T->lay[c].align);
		cmp_value(k, c, vr_sub(x, off), vr_sub(y, off));
		off += k->a.T->lay[c].size;
	}
}

static void cmp_value(struct cmp *k, uint16_t t, struct at x, struct at y)
{
	const struct flue_tnode *n = &k->a.T->nodes[t];
	switch (n->kind) {
	case FLUE_VT_STRING: cmp_string(k, t, x, y); return;
	case FLUE_VT_MAP: cmp_list(k, t, x, y); return;
	case FLUE_VT_LIST:
		if (n->arg == 0)
			cmp_list(k, t, x, y);
		else
			cmp_fields(k, t, x, y);
		return;
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE: cmp_fields(k, t, x, y); return;
	case FLUE_VT_VARIANT: case FLUE_VT_ENUM: case FLUE_VT_OPTION: case FLUE_VT_RESULT:
		cmp_variant(k, t, x, y);
		return;
	default: {
		uint64_t va = vr_read_leaf(&k->a, n, x), vb = vr_read_leaf(&k->b, n, y);
		bool handle = n->kind == FLUE_VT_OWN || n->kind == FLUE_VT_BORROW ||
			      n->kind == FLUE_VT_ERROR_CONTEXT || n->kind == FLUE_VT_STREAM ||
			      n->kind == FLUE_VT_FUTURE;
		if (va != vb && !handle) /* handles: indices differ (fuzz_vals.c checks them) */
			differ(k, t, "a leaf", va, vb);
	}
	}
}

void vr_compare(const struct vtypes *T, const struct party *a, const struct party *b)
{
	struct cmp k = { { T, a, false, a->in_mem ? 1u : 0u, 0, 0 },
			 { T, b, false, b->in_mem ? 1u : 0u, 0, 0 } };
	struct at x, y;
	if (vr_tuple_at(T, a, &x) != 0 || vr_tuple_at(T, b, &y) != 0)
		VDIE("comparing %s and %s: a tuple that is not valid", a->name, b->name);
	for (uint32_t i = 0, off = 0; i < T->nts; i++) {
		const struct vlay *l = &T->lay[T->ts[i]];
		off = vt_align_to(off, l->align);
		cmp_value(&k, T->ts[i], vr_sub(x, off), vr_sub(y, off));
		off += l->size;
	}
}

/* ------------------------------------------------------------- printing */

static void pr_value(struct rd *r, uint16_t t, struct at a);

static void pr_string(struct rd *r, struct at a)
{
	uint32_t ptr, tagged;
	vr_read_pair(r, a, &ptr, &tagged);
	struct sview v = vr_str_view(r->p->enc, tagged);
	const uint8_t *b = vm_read(r->p, ptr, v.bytes, "a string");
	static const char *const FORM[] = { "utf8", "utf16", "latin1" };
	vz_trace("%s@%u:\"", FORM[v.form], ptr);
	uint32_t n = 0;
	for (uint64_t i = 0; i < v.bytes; n++) {
		uint32_t cp = vr_next_cp(b, v, &i);
		if (n == 48u || cp == BAD_CP) {
			vz_trace("...");
			break;
		}
		if (cp >= 0x20u && cp < 0x7Fu && cp != '"' && cp != '\\')
			vz_trace("%c", (char)cp);
		else
			vz_trace("\\u{%x}", cp);
	}
	vz_trace("\"");
}

static void pr_list(struct rd *r, uint16_t t, struct at a)
{
	uint32_t ptr, len;
	vr_read_pair(r, a, &ptr, &len);
	struct velem e = vt_elem(r->T, t);
	const struct flue_tnode *n = &r->T->nodes[t];
	vz_trace("@%u[", ptr);
	for (uint32_t i = 0; i < len; i++) {
		if (i == 16u) {
			vz_trace(", ...%u", len);
			break;
		}
		vz_trace(i > 0 ? ", " : "");
		pr_value(r, r->T->kids[n->kids], vr_at_mem(ptr + i * e.size));
		if (n->kind == FLUE_VT_MAP) {
			vz_trace(" => ");
			pr_value(r, r->T->kids[n->kids + 1], vr_at_mem(ptr + i * e.size + e.voff));
		}
	}
	vz_trace("]");
}

static void pr_variant(struct rd *r, uint16_t t, struct at a)
{
	uint32_t first = r->fi;
	uint64_t c = vr_read_disc(r, t, a);
	uint16_t p = vt_case(r->T, t, (uint32_t)c);
	vz_trace("#%llu", (unsigned long long)c);
	if (p != FLUE_TYPE_NONE) {
		vz_trace("(");
		pr_value(r, p, vr_sub(a, vt_payload_off(r->T, t)));
		vz_trace(")");
	}
	if (!a.mem)
		r->fi = first + r->T->lay[t].flat;
}

static void pr_fields(struct rd *r, uint16_t t, struct at a)
{
	const struct flue_tnode *n = &r->T->nodes[t];
	bool fixed = n->kind == FLUE_VT_LIST;
	uint32_t count = fixed ? n->arg : n->nkids, off = 0;
	vz_trace(fixed ? "[" : "{");
	for (uint32_t i = 0; i < count; i++) {
		uint16_t c = r->T->kids[n->kids + (fixed ? 0u : i)];
		off = vt_align_to(off, r->T->lay[c].align);
		vz_trace(i > 0 ? ", " : "");
		pr_value(r, c, vr_sub(a, off));
		off += r->T->lay[c].size;
	}
	vz_trace(fixed ? "]" : "}");
}

static void pr_leaf(const struct flue_tnode *n, uint64_t v)
{
	switch (n->kind) {
	case FLUE_VT_BOOL: vz_trace(v != 0 ? "true" : "false"); return;
	case FLUE_VT_S8: case FLUE_VT_S16: case FLUE_VT_S32: case FLUE_VT_S64:
		vz_trace("%lld", (long long)v);
		return;
	case FLUE_VT_F32: vz_trace("f32:%#llx", (unsigned long long)v); return;
	case FLUE_VT_F64: vz_trace("f64:%#llx", (unsigned long long)v); return;
	case FLUE_VT_CHAR: vz_trace("U+%04llX", (unsigned long long)v); return;
	case FLUE_VT_FLAGS: vz_trace("flags:%#llx", (unsigned long long)v); return;
	case FLUE_VT_OWN: vz_trace("own<%u>:%llu", n->arg, (unsigned long long)v); return;
	case FLUE_VT_BORROW: vz_trace("borrow<%u>:%llu", n->arg, (unsigned long long)v); return;
	case FLUE_VT_ERROR_CONTEXT: vz_trace("errctx:%llu", (unsigned long long)v); return;
	case FLUE_VT_STREAM: vz_trace("stream<%u>:%llu", n->arg, (unsigned long long)v); return;
	case FLUE_VT_FUTURE: vz_trace("future<%u>:%llu", n->arg, (unsigned long long)v); return;
	default: vz_trace("%llu", (unsigned long long)v); return;
	}
}

static void pr_value(struct rd *r, uint16_t t, struct at a)
{
	const struct flue_tnode *n = &r->T->nodes[t];
	switch (n->kind) {
	case FLUE_VT_STRING: pr_string(r, a); return;
	case FLUE_VT_MAP: pr_list(r, t, a); return;
	case FLUE_VT_LIST:
		if (n->arg == 0)
			pr_list(r, t, a);
		else
			pr_fields(r, t, a);
		return;
	case FLUE_VT_RECORD: case FLUE_VT_TUPLE: pr_fields(r, t, a); return;
	case FLUE_VT_VARIANT: case FLUE_VT_ENUM: case FLUE_VT_OPTION: case FLUE_VT_RESULT:
		pr_variant(r, t, a);
		return;
	default: pr_leaf(n, vr_read_leaf(r, n, a)); return;
	}
}

void vr_print(const struct vtypes *T, const struct party *p)
{
	if (!vz_tracing)
		return;
	struct rd r = { T, p, false, p->in_mem ? 1u : 0u, 0, 0 };
	struct at a;
	if (vr_tuple_at(T, p, &a) != 0) {
		vz_trace("  %s: (the tuple's pointer is not valid)\n", p->name);
		return;
	}
	vz_trace("  %s %s: ", p->name, p->in_mem ? "memory" : "flat");
	if (p->in_mem)
		vz_trace("@%u ", a.ptr);
	for (uint32_t i = 0, off = 0; i < T->nts; i++) {
		const struct vlay *l = &T->lay[T->ts[i]];
		off = vt_align_to(off, l->align);
		vz_trace(i > 0 ? "; " : "");
		pr_value(&r, T->ts[i], vr_sub(a, off));
		off += l->size;
	}
	vz_trace("\n");
}
