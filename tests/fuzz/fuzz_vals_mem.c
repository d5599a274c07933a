/*
 * The value fuzzer's memories (fuzz_vals.h). Each party's memory is a
 * 64 KiB buffer kept ASan-poisoned except the blocks its allocator handed
 * out, so that flue touching a byte outside them is an ASan report, and
 * the harness's reader refuses a lowered value that points outside them.
 *
 * The allocator is run_tests.py's Heap: a bump allocator whose realloc
 * with old_ptr != 0 and a smaller new_size keeps the pointer (the cut-off
 * tail is poisoned), and otherwise takes a new block after the last one,
 * copies old_size bytes from the old block and poisons the old one. Apart
 * from "tight" parties (the Heap's exact placement), blocks start 8-aligned
 * behind an 8-byte red zone, so ASan's 8-byte granules track every block
 * end exactly. Running out of memory traps the party (the Heap's trap()).
 *
 * The parties' handle tables (the second half): the harness's model of
 * each table, the reference's Table (definitions.py @ 6d28164: add pops
 * the last freed slot, else appends; remove pushes), and of lift_own,
 * lift_borrow, lift_error_context, lower_own, lower_borrow and
 * lower_error_context on it, with flue's documented limits (a table of
 * FLUE_CONFIG_MAX_HANDLES - 1 slots: TABLE_FULL; FLUE_CONFIG_MAX_LENDS
 * lend records: POOL_FULL); the set-up of H's table through flue's public
 * built-ins (resource.new in the implementation, the handle then moved as
 * an own<R> value, error-context.new, error-context.drop); and the
 * read-only comparison of flue's tables with the model.
 */
#include <string.h>

#include <sanitizer/asan_interface.h>

#include <flue/abi.h>
#include <flue/resource.h>

#include "../../src/obj/obj.h"
#include "fuzz_vals.h"

void vm_reset(struct party *p, const char *name, uint8_t *mem, uint8_t enc, bool tight)
{
	struct flue_instance *inst = p->inst;
	memset(p, 0, sizeof *p);
	p->inst = inst;
	p->name = name;
	p->mem = mem;
	p->data = mem;
	p->size = VMEM;
	p->enc = enc;
	p->tight = tight;
	p->last = 8; /* 0 stays unused: a realloc with old_ptr 0 allocates */
	p->tab.len = 1; /* the reference's array = [None] */
	ASAN_POISON_MEMORY_REGION(mem, VMEM);
}

static bool pow2_align(uint32_t a)
{
	return a == 1u || a == 2u || a == 4u || a == 8u;
}

/* A new block of `size` bytes aligned to `align`, or UINT32_MAX. */
static uint32_t bump(struct party *p, uint32_t align, uint32_t size)
{
	uint32_t ret = p->tight ? vt_align_to(p->last, align) : vt_align_to(p->last, 8) + 8u;
	if ((uint64_t)ret + size > p->size)
		return UINT32_MAX;
	p->last = ret + size;
	ASAN_UNPOISON_MEMORY_REGION(p->mem + ret, size);
	return ret;
}

uint32_t vm_alloc(struct party *p, uint32_t align, uint32_t size)
{
	uint32_t ret = bump(p, align, size);
	if (ret == UINT32_MAX)
		VDIE("%s: the harness's own allocation of %u bytes does not fit", p->name, size);
	return ret;
}

uint32_t vm_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
		    uint32_t new_size)
{
	struct party *p = ctx;
	p->ncalls++;
	if (!pow2_align(align))
		VDIE("%s: realloc with alignment %u", p->name, align);
	if (old_ptr == 0 && old_size != 0)
		VDIE("%s: realloc(0, %u, ...)", p->name, old_size);
	if (old_size != 0 && __asan_region_is_poisoned(p->mem + old_ptr, old_size) != 0)
		VDIE("%s: realloc(%u, %u): not a block this realloc handed out", p->name, old_ptr,
		     old_size);
	if (old_ptr != 0 && new_size < old_size) {
		if (old_ptr % align != 0)
			VDIE("%s: shrinking realloc(%u) to a stricter alignment %u", p->name,
			     old_ptr, align);
		ASAN_POISON_MEMORY_REGION(p->mem + old_ptr + new_size, old_size - new_size);
		return old_ptr;
	}
	uint32_t ret = bump(p, align, new_size);
	if (ret == UINT32_MAX) {
		p->oom = true;
		flue_trap_raise(p->inst, FLUE_TRAP_WASM_UNREACHABLE);
	}
	memmove(p->mem + ret, p->mem + old_ptr, old_size);
	if (old_size != 0)
		ASAN_POISON_MEMORY_REGION(p->mem + old_ptr, old_size);
	return ret;
}

void vm_open(struct party *p)
{
	p->open = true;
	ASAN_UNPOISON_MEMORY_REGION(p->mem, p->size);
}

/* FNV-1a over the allocated part of the memory (an open party: all of
 * it), read past ASan; the rest is poisoned, so ASan watches it. */
uint64_t vm_hash(const struct party *p)
{
	return vm_hash_n(p, p->open ? p->size : p->last);
}

__attribute__((no_sanitize("address"))) uint64_t vm_hash_n(const struct party *p, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (uint64_t i = 0; i < n; i += 8u) {
		uint64_t w = 0;
		for (uint32_t k = 0; k < 8u && i + k < n && i + k < VMEM; k++)
			w |= (uint64_t)p->mem[i + k] << (8u * k);
		h = (h ^ w) * 0x100000001b3u;
	}
	return h;
}

const uint8_t *vm_read(const struct party *p, uint32_t ptr, uint64_t n, const char *what)
{
	if ((uint64_t)ptr + n > p->size)
		VDIE("%s: %s at %u..+%llu is outside its memory (%llu bytes)", p->name, what, ptr,
		     (unsigned long long)n, (unsigned long long)p->size);
	if (n != 0 && !p->open) {
		const void *bad = __asan_region_is_poisoned(p->mem + ptr, (size_t)n);
		if (bad != 0)
			VDIE("%s: %s at %u..+%llu: byte %ld is not in a block realloc handed out",
			     p->name, what, ptr, (unsigned long long)n,
			     (long)((const uint8_t *)bad - p->mem));
	}
	return p->mem + ptr;
}

uint64_t vm_load(const struct party *p, uint32_t ptr, uint32_t n)
{
	const uint8_t *b = vm_read(p, ptr, n, "a load");
	uint64_t v = 0;
	for (uint32_t i = n; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

void vm_store(struct party *p, uint32_t ptr, uint32_t n, uint64_t v)
{
	uint8_t *b = p->mem + (vm_read(p, ptr, n, "a store") - p->mem);
	for (uint32_t i = 0; i < n; i++, v >>= 8)
		b[i] = (uint8_t)v;
}

/* ------------------------------------------------------- the table model */

struct hworld HW;
static struct flue_store *S;
static struct party *PP;

uint32_t ht_add(struct htab *t, struct hent e)
{
	uint32_t i;
	if (t->nfree != 0) {
		i = t->free[--t->nfree];
	} else {
		if (t->len >= FLUE_CONFIG_MAX_HANDLES)
			return 0;
		i = t->len++;
	}
	t->e[i] = e;
	return i;
}

struct hent *ht_get(struct htab *t, uint32_t i)
{
	return i < t->len && t->e[i].kind != HK_FREE ? &t->e[i] : 0;
}

void ht_remove(struct htab *t, uint32_t i)
{
	t->e[i].kind = HK_FREE;
	t->free[t->nfree++] = (uint16_t)i;
}

int vh_lift(struct vhw *hw, const struct flue_tnode *n, uint32_t idx)
{
	static struct vhslot spare;
	struct vhslot *sl = hw->n < VMAX_HSLOTS ? &hw->s[hw->n] : &spare;
	hw->n++;
	*sl = (struct vhslot){ n->kind, (uint8_t)n->arg, false, idx, 0, 0 };
	if (hw->tab == 0)
		return 0;
	if (n->kind == FLUE_VT_STREAM || n->kind == FLUE_VT_FUTURE)
		return ve_lift(hw, sl, n, idx);
	struct hent *e = ht_get(hw->tab, idx); /* Table.get / remove: trap_if */
	if (e == 0)
		return FLUE_TRAP_BAD_HANDLE;
	if (n->kind == FLUE_VT_ERROR_CONTEXT)
		return e->kind != HK_ERR ? FLUE_TRAP_WRONG_KIND : 0;
	if (e->kind != HK_RES)
		return FLUE_TRAP_WRONG_KIND;
	if (e->rt != n->arg)
		return FLUE_TRAP_TYPE_MISMATCH;
	sl->rep = e->rep;
	if (n->kind == FLUE_VT_OWN) {
		if (e->lends != 0)
			return FLUE_TRAP_RESOURCE_LENT;
		if (!e->own)
			return FLUE_TRAP_NOT_OWN;
		ht_remove(hw->tab, idx);
		hw->nown++;
		return 0;
	}
	if (hw->nlends >= FLUE_CONFIG_MAX_LENDS) {
		hw->limit = true;
		return FLUE_TRAP_POOL_FULL;
	}
	e->lends++; /* add_lender */
	hw->nlends++;
	hw->nborrow++;
	return 0;
}

int vh_lower(struct vhw *hw, struct htab *dt, uint8_t dparty, uint16_t *nb)
{
	uint32_t n = hw->n < VMAX_HSLOTS ? hw->n : VMAX_HSLOTS;
	for (uint32_t i = 0; i < n; i++) {
		struct vhslot *sl = &hw->s[i];
		bool own = sl->kind == FLUE_VT_OWN;
		if (sl->kind == FLUE_VT_STREAM || sl->kind == FLUE_VT_FUTURE) {
			sl->out = ve_lower(dt, sl);
		} else if (sl->kind == FLUE_VT_ERROR_CONTEXT) {
			sl->out = ht_add(dt, (struct hent){ .kind = HK_ERR });
		} else if (!own && HW.impl[sl->rt] == dparty) {
			sl->out = sl->rep; /* lower_borrow into the implementation */
			sl->rep_given = true;
			continue;
		} else {
			sl->out = ht_add(dt, (struct hent){ HK_RES, own, sl->rt, 0,
							    own ? 0u : hw->task, sl->rep, false, false });
			if (!own && sl->out != 0)
				nb[hw->task]++;
		}
		if (sl->out == 0)
			return FLUE_TRAP_TABLE_FULL;
	}
	if (hw->n > VMAX_HSLOTS)
		VDIE("%u handles in one value fit the destination's table", hw->n);
	return 0;
}

/* ---------------------------------------------------------- comparison */

static void check_slot(const struct party *p, uint32_t i)
{
	const struct flue_handle *h = &p->inst->handles[i];
	const struct hent *e = &p->tab.e[i];
	static const uint8_t KIND[HK_KINDS] = {
		FLUE_H_FREE, FLUE_H_RESOURCE, FLUE_H_ERROR_CONTEXT, FLUE_H_STREAM_READABLE,
		FLUE_H_STREAM_WRITABLE, FLUE_H_FUTURE_READABLE, FLUE_H_FUTURE_WRITABLE,
		FLUE_H_WAITABLE_SET,
	};
	if (h->kind != KIND[e->kind])
		VDIE("%s's handle %u: kind %u, the reference's %u", p->name, i, h->kind,
		     KIND[e->kind]);
	if (e->kind >= HK_SR)
		ve_check_slot(p, i);
	if (e->kind != HK_RES)
		return;
	const struct flue_res *r = &h->u.res;
	if (r->rep != e->rep || r->rt != e->rt || r->own != e->own || r->lends != e->lends ||
	    r->lifted || (!e->own && r->scope != e->scope))
		VDIE("%s's handle %u: rep %#x rt %u own %d lends %u scope %u lifted %d; the "
		     "reference's rep %#x rt %u own %d lends %u scope %u", p->name, i, r->rep, r->rt,
		     r->own, r->lends, r->scope, r->lifted, e->rep, e->rt, e->own, e->lends, e->scope);
}

void vh_check_table(const struct party *p)
{
	const struct flue_instance *in = p->inst;
	const struct htab *t = &p->tab;
	if (in->len != t->len || in->nfree != t->nfree)
		VDIE("%s's table: %u slots, %u free; the reference's %u, %u", p->name, in->len,
		     in->nfree, t->len, t->nfree);
	for (uint32_t i = 1; i < t->len; i++)
		check_slot(p, i);
	uint32_t f = in->free_head;
	for (uint32_t k = t->nfree; k-- > 0;) {
		if (f != t->free[k])
			VDIE("%s's free list: %u where the reference's next add takes %u", p->name, f,
			     t->free[k]);
		f = in->handles[f].u.free.next;
	}
}

void vh_check_world(void)
{
	for (uint32_t k = 0; k < 4u; k++)
		vh_check_table(&PP[k]);
	vh_check_calls();
	if (S->nlends != HW.nlends)
		VDIE("%u lend records, the reference's lenders %u", S->nlends, HW.nlends);
}

void vh_check_calls(void)
{
	for (uint32_t t = 0; t < FLUE_CONFIG_MAX_TASKS; t++)
		if (HW.task_used[t] && S->tasks[t].num_borrows != HW.nb[t])
			VDIE("task %u: num_borrows %u, the reference's %u", t, S->tasks[t].num_borrows,
			     HW.nb[t]);
}

uint16_t vh_task(void)
{
	uint16_t t = flue_task_alloc(S);
	if (t == FLUE_TASK_NONE)
		VDIE("flue_task_alloc: no task record left");
	HW.task_used[t] = true;
	HW.nb[t] = 0;
	return t;
}

/* --------------------------------------------------------------- set-up */

/* A value of one handle moved from party sp to party dp as a component
 * would pass it (flat, one i32), the model following; the new index. */
static uint32_t move_one(uint8_t sp, uint8_t dp, uint8_t kind, uint8_t rt, uint32_t idx,
			 uint16_t task)
{
	struct flue_tnode node;
	memset(&node, 0, sizeof node);
	node.kind = kind;
	node.arg = rt;
	uint16_t kid = 0, ts = 0;
	if (flue_types_layout(&node, 1, &kid, 0) != 0)
		VDIE("flue_types_layout refused a %u<%u>", kind, rt);
	struct flue_tgraph g = { &node, &kid, 1, 0 };
	flue_flat_t in = idx, out[2] = { 0, 0 };
	uint32_t nout = 0;
	struct flue_vmove m = {
		.g = &g, .ts = &ts, .nts = 1, .src = { PP[sp].inst, 0, 0, 0 }, .src_max_flat = 16,
		.flat = &in, .nflat = 1, .dst = { PP[dp].inst, 0, 0, 0 }, .dst_max_flat = 16,
		.flat_out = out, .nflat_out = &nout, .task = task,
	};
	static struct vhw hw;
	memset(&hw, 0, sizeof hw);
	hw = (struct vhw){ .tab = &PP[sp].tab, .task = task, .nlends = HW.nlends };
	if (vh_lift(&hw, &node, idx) != 0 || vh_lower(&hw, &PP[dp].tab, dp, HW.nb) != 0)
		VDIE("set-up: the model refuses to move %s's handle %u", PP[sp].name, idx);
	HW.nlends = hw.nlends;
	flue_vals_move(&m);
	if (nout != 1 || out[0] != hw.s[0].out)
		VDIE("set-up: %s's handle %u moved to %s as %llu, the reference's %u", PP[sp].name,
		     idx, PP[dp].name, (unsigned long long)out[0], hw.s[0].out);
	return hw.s[0].out;
}

/* A new resource of type rt (resource.new in its implementation), given
 * to party dp as an own handle. */
static uint32_t new_own(uint8_t dp, uint8_t rt)
{
	uint8_t ip = HW.impl[rt];
	uint32_t rep = 0x5000u + 0x10u * ++HW.serial + rt;
	uint32_t j = flue_canon_resource_new(PP[ip].inst, rt, rep);
	uint32_t jm = ht_add(&PP[ip].tab, (struct hent){ HK_RES, true, rt, 0, 0, rep, false, false });
	if (j != jm)
		VDIE("resource.new in %s: index %u, the reference's %u", PP[ip].name, j, jm);
	HW.created++;
	if (ip == dp)
		return j;
	HW.moved_in++;
	return move_one(ip, dp, FLUE_VT_OWN, rt, j, FLUE_TASK_NONE);
}

static uint32_t new_errctx(uint8_t p)
{
	uint32_t i = flue_canon_error_context_new(PP[p].inst, 0, 0);
	uint32_t im = ht_add(&PP[p].tab, (struct hent){ .kind = HK_ERR });
	if (i != im)
		VDIE("error-context.new in %s: index %u, the reference's %u", PP[p].name, i, im);
	return i;
}

/* A borrow handle in H (a decoy an own<R> may not name: NOT_OWN), lent by
 * an implementation other than H to a call of the set-up. */
static void borrow_decoy(void)
{
	for (uint8_t rt = 1; rt <= 2u; rt++) {
		uint8_t ip = HW.impl[rt];
		if (ip == 0)
			continue;
		uint16_t t0 = vh_task();
		uint32_t j = new_own(ip, rt);
		HW.btarget[rt][HW.nbt[rt]++] = move_one(ip, 0, FLUE_VT_BORROW, rt, j, t0);
		HW.decoys++;
		return;
	}
}

/* ends: the tuple holds ends (H's decoys first, fuzz_vals_ends.c).
 * cfg: bits 0-1, 2-3 the implementations of rt 1, 2 (H, A, B, H2); bit 4
 * two handles of each type to borrow (else one); bit 5 two error contexts
 * (else one); bit 6 a borrow handle in H; bit 7 an error context freed
 * after the write (a free slot). */
void vh_setup(struct flue_store *s, struct party *parties, uint8_t cfg, bool ends)
{
	S = s;
	PP = parties;
	memset(&HW, 0, sizeof HW);
	ve_setup(s, parties, ends);
	for (uint8_t rt = 1; rt <= 2u; rt++) {
		flue_rtype_t got = 0;
		HW.impl[rt] = (uint8_t)(cfg >> (2u * (rt - 1u)) & 3u);
		if (flue_resource_type_register(s, PP[HW.impl[rt]].inst, NULL, &got) != 0 || got != rt)
			VDIE("flue_resource_type_register: type %u, expected %u", got, rt);
	}
	for (uint8_t rt = 1; rt <= 2u; rt++)
		for (uint32_t k = 0; k < 1u + (cfg >> 4 & 1u); k++)
			HW.btarget[rt][HW.nbt[rt]++] = new_own(0, rt);
	for (uint32_t k = 0; k < 1u + (cfg >> 5 & 1u); k++)
		HW.errs[HW.nerr++] = new_errctx(0);
	if ((cfg & 0x40u) != 0)
		borrow_decoy();
	HW.drop = (cfg & 0x80u) != 0 ? new_errctx(0) : 0u;
	vh_check_world();
}

uint32_t vh_value(struct vgen *w, const struct flue_tnode *n)
{
	uint8_t b = vin_u8(w->in);
	uint8_t rt = (uint8_t)n->arg;
	switch (n->kind) {
	case FLUE_VT_OWN: return new_own(0, rt);
	case FLUE_VT_BORROW: return HW.btarget[rt][b % HW.nbt[rt]];
	case FLUE_VT_STREAM: case FLUE_VT_FUTURE: return ve_new(n);
	default: return HW.errs[b % HW.nerr];
	}
}

void vh_after_write(void)
{
	if (HW.drop == 0)
		return;
	flue_canon_error_context_drop(PP[0].inst, HW.drop);
	ht_remove(&PP[0].tab, HW.drop);
	vh_check_world();
}
