/*
 * The value fuzzer's stream and future ends (fuzz_vals.h): the model's
 * lift_async_value and lower_stream / lower_future (definitions.py @
 * 6d28164), H's ends and decoys made through flue's public built-ins, the
 * comparison of an end's slot with flue's, and the round trip's last
 * check that every moved end still reads what its writer writes.
 *
 * Every end a value holds is a readable end H made (stream.new /
 * future.new) whose writable end H keeps. When the tuple holds ends, H
 * also holds decoys a mutated index may name: a stream<u8> and a
 * future<u32> readable end with an async read pending (NOT_IDLE), a
 * stream<u32> and a future<u8> readable end joined to a waitable set
 * (END_IN_SET); the writable ends, the set, the resources and the error
 * contexts are the WRONG_KIND cases, an end of the other element type
 * TYPE_MISMATCH, an end the value names twice BAD_HANDLE.
 */
#include <string.h>

#include <flue/abi.h>

#include "fuzz_vals.h"

struct vestat VE;
static struct flue_store *S;
static struct party *PH_, *PH2_; /* H (every end made there), H2 (the last reader) */

static bool is_stream(uint8_t vk)
{
	return vk == FLUE_VT_STREAM;
}

/* lift_async_value: Table.remove (a missing slot, or one the value took
 * already), then the kind, the element type, idle, not in a set; the end
 * leaves the table. flue's order of the checks (values.c check_end). */
int ve_lift(struct vhw *hw, struct vhslot *sl, const struct flue_tnode *n, uint32_t idx)
{
	struct hent *e = ht_get(hw->tab, idx);
	if (e == 0)
		return FLUE_TRAP_BAD_HANDLE;
	if (e->kind != (is_stream(n->kind) ? HK_SR : HK_FR))
		return FLUE_TRAP_WRONG_KIND;
	if (e->rt != n->arg)
		return FLUE_TRAP_TYPE_MISMATCH;
	if (e->busy)
		return FLUE_TRAP_NOT_IDLE;
	if (e->inset)
		return FLUE_TRAP_END_IN_SET;
	sl->rep = e->rep;
	ht_remove(hw->tab, idx);
	hw->nown++; /* taken, as an own: flue's limit within one instance */
	return 0;
}

/* lower_stream / lower_future: a new readable end of the same shared
 * object (0: the table is full). */
uint32_t ve_lower(struct htab *dt, const struct vhslot *sl)
{
	return ht_add(dt, (struct hent){ .kind = is_stream(sl->kind) ? HK_SR : HK_FR, .rt = sl->rt,
					 .rep = sl->rep });
}

/* An end's slot i of p against flue's: the shared object, its element
 * type, and the object's reference back to this slot (what connects the
 * end to the other one: a readable end moved keeps its writer in H). */
void ve_check_slot(const struct party *p, uint32_t i)
{
	const struct hent *e = &p->tab.e[i];
	if (e->kind == HK_SET)
		return;
	const struct flue_end *x = &p->inst->handles[i].u.end;
	bool rd = e->kind == HK_SR || e->kind == HK_FR;
	if (x->shared != e->rep || x->lifted || (x->state != FLUE_END_IDLE) != e->busy)
		VDIE("%s's end %u: shared %u lifted %d state %u; the model's shared %u busy %d",
		     p->name, i, x->shared, x->lifted, x->state, e->rep, e->busy);
	const struct flue_shared *sh = &S->shared[e->rep];
	uint32_t inst = rd ? sh->reader_inst : sh->writer_inst;
	uint32_t h = rd ? sh->reader_handle : sh->writer_handle;
	if (sh->type != e->rt || inst != p->inst->id || h != i)
		VDIE("%s's end %u: its shared object %u has type %u and the %s end at instance "
		     "%u handle %u; the model's type %u, instance %u", p->name, i, e->rep, sh->type,
		     rd ? "readable" : "writable", inst, h, e->rt, p->inst->id);
	if (rd && HW.writer[e->rep] == 0)
		VDIE("%s's end %u: shared object %u has no writer in H", p->name, i, e->rep);
}

/* stream.new / future.new in H: readable then writable (Table.add order),
 * both in the model; returns the readable end's index. */
static uint32_t new_end(uint8_t vk, flue_type_t t)
{
	struct party *H = PH_;
	uint64_t x = is_stream(vk) ? flue_canon_stream_new(H->inst, t)
				   : flue_canon_future_new(H->inst, t);
	uint32_t r = (uint32_t)x, w = (uint32_t)(x >> 32);
	uint16_t si = H->inst->handles[r].u.end.shared;
	uint8_t rk = is_stream(vk) ? HK_SR : HK_FR;
	uint32_t rm = ht_add(&H->tab, (struct hent){ .kind = rk, .rt = t, .rep = si });
	uint32_t wm = ht_add(&H->tab, (struct hent){ .kind = (uint8_t)(rk + 1u), .rt = t, .rep = si });
	if (r != rm || w != wm || si >= FLUE_CONFIG_MAX_SHARED)
		VDIE("%s.new in H: ends %u, %u (shared %u), the reference's %u, %u",
		     is_stream(vk) ? "stream" : "future", r, w, si, rm, wm);
	HW.writer[si] = (uint16_t)(w + 1u);
	return r;
}

uint32_t ve_new(const struct flue_tnode *n)
{
	VE.made++;
	return new_end(n->kind, (flue_type_t)n->arg);
}

/* A readable end with an async read pending: busy (NOT_IDLE). */
static void busy_decoy(uint8_t vk, flue_type_t t)
{
	struct party *H = PH_;
	uint32_t r = new_end(vk, t);
	uint32_t rc = is_stream(vk) ? flue_canon_stream_read(H->inst, t, FLUE_OPT_ASYNC, r, HW.rbuf, 1)
				    : flue_canon_future_read(H->inst, t, FLUE_OPT_ASYNC, r, HW.rbuf);
	if (rc != FLUE_BLOCKED)
		VDIE("the decoy's read of H's end %u: %#x, not BLOCKED", r, rc);
	H->tab.e[r].busy = true;
}

/* A readable end joined to waitable set ws (END_IN_SET). */
static void set_decoy(uint8_t vk, flue_type_t t, uint32_t ws)
{
	uint32_t r = new_end(vk, t);
	flue_canon_waitable_join(PH_->inst, r, ws);
	PH_->tab.e[r].inset = true;
}

void ve_setup(struct flue_store *s, struct party *parties, bool ends)
{
	S = s;
	PH_ = &parties[0];
	PH2_ = &parties[3];
	if (!ends)
		return;
	HW.rbuf = vm_alloc(PH_, 4, 8);
	HW.wbuf = vm_alloc(PH_, 4, 8);
	HW.dbuf = vm_alloc(PH2_, 4, 8);
	busy_decoy(FLUE_VT_STREAM, VZ_ELEM[0]);
	busy_decoy(FLUE_VT_FUTURE, VZ_ELEM[1]);
	uint32_t ws = flue_canon_waitable_set_new(PH_->inst);
	if (ht_add(&PH_->tab, (struct hent){ .kind = HK_SET }) != ws)
		VDIE("waitable-set.new in H: %u, not the model's next index", ws);
	set_decoy(FLUE_VT_STREAM, VZ_ELEM[1], ws);
	set_decoy(FLUE_VT_FUTURE, VZ_ELEM[0], ws);
	VE.decoys += 4;
}

/* One element written on H's writable end of shared object si is read
 * on H2's end r (stream: 1 element; future: its value). */
static void read_across(uint8_t vk, flue_type_t t, uint16_t si, uint32_t r, uint32_t k)
{
	struct party *H = PH_, *D = PH2_;
	uint32_t w = HW.writer[si] - 1u, v = 0xC0DE0000u + k;
	uint32_t size = t == VZ_ELEM[0] ? 1u : 4u;
	vm_store(H, HW.wbuf, size, v);
	vm_store(D, HW.dbuf, 4, 0);
	uint32_t a, b;
	if (is_stream(vk)) {
		a = flue_canon_stream_write(H->inst, t, FLUE_OPT_ASYNC, w, HW.wbuf, 1);
		b = flue_canon_stream_read(D->inst, t, FLUE_OPT_ASYNC, r, HW.dbuf, 1);
	} else {
		a = flue_canon_future_write(H->inst, t, FLUE_OPT_ASYNC, w, HW.wbuf);
		b = flue_canon_future_read(D->inst, t, FLUE_OPT_ASYNC, r, HW.dbuf);
	}
	uint32_t want = is_stream(vk) ? 1u << 4 | FLUE_COMPLETED : FLUE_COMPLETED;
	uint64_t got = vm_load(D, HW.dbuf, size);
	if (a != FLUE_BLOCKED || b != want || got != (v & (size == 1u ? 0xFFu : 0xFFFFFFFFu)))
		VDIE("H's writer %u -> H2's end %u (shared %u): write %#x, read %#x (want %#x), "
		     "read %#llx, written %#x", w, r, si, a, b, want, (unsigned long long)got, v);
}

void vh_ends_connected(const struct vhw *hw)
{
	if (HW.wbuf + 4u > PH_->size) /* a mutation shrank H's memory below the buffer */
		return;
	uint32_t n = hw->n < VMAX_HSLOTS ? hw->n : VMAX_HSLOTS;
	for (uint32_t i = 0; i < n; i++) {
		const struct vhslot *sl = &hw->s[i];
		if (sl->kind != FLUE_VT_STREAM && sl->kind != FLUE_VT_FUTURE)
			continue;
		read_across(sl->kind, sl->rt, (uint16_t)sl->rep, sl->out, i);
		VE.read++;
	}
}
