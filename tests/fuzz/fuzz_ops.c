/*
 * The built-ins fuzzer's operations (see fuzz_harness.c): input decoding,
 * argument pickers, the op_* functions, fz_step() and fz_check_all().
 */
#include <stdint.h>
#include <string.h>

#include <flue/abi.h>
#include <flue/errno.h>
#include <flue/host.h>
#include <flue/store.h>

#include "fuzz_internal.h"
#include "invariants.h"

/* ------------------------------------------------------------------ input */

static uint8_t u8(struct input *in)
{
	return in->pos < in->n ? in->d[in->pos++] : 0u;
}

/* ------------------------------------------------------------ arguments */

static bool is_end_kind(uint8_t kind)
{
	return kind >= FLUE_H_STREAM_READABLE && kind <= FLUE_H_FUTURE_WRITABLE;
}

#define KMASK(k) (1u << (k))
#define ANY_END \
	(KMASK(FLUE_H_STREAM_READABLE) | KMASK(FLUE_H_STREAM_WRITABLE) | \
	 KMASK(FLUE_H_FUTURE_READABLE) | KMASK(FLUE_H_FUTURE_WRITABLE))

/* A handle index: mostly a live slot of one of the kinds in `mask`. */
static uint32_t pick_handle(int k, uint32_t mask, uint8_t b)
{
	const struct flue_instance *in = fz_g.inst[k];
	uint32_t cand[FLUE_CONFIG_MAX_HANDLES];
	uint32_t n = 0;
	for (uint32_t i = 1; i < in->len; i++)
		if ((KMASK(in->handles[i].kind) & mask) != 0u && in->handles[i].kind != FLUE_H_FREE)
			cand[n++] = i;
	if (b < 0xE0u && n > 0u)
		return cand[b % n];
	static const uint32_t special[8] = {
		0u, 1u, 2u, FLUE_CONFIG_MAX_HANDLES - 1u, FLUE_CONFIG_MAX_HANDLES,
		0xFFFFFFFFu, 1u << 28, 3u,
	};
	if ((b & 8u) != 0u)
		return in->len; /* just past the last used slot */
	return special[b & 7u];
}

static flue_type_t pick_new_type(uint8_t b)
{
	if (b < 0xF8u)
		return fz_g.types[b % NTYPES];
	return (b & 1u) != 0u ? (flue_type_t)0 : (flue_type_t)(NTYPES + 1 + (b & 6u));
}

/* The end's own type mostly; else any type, or an unregistered one. */
static flue_type_t pick_type_for(int k, uint32_t idx, uint8_t b)
{
	const struct flue_instance *in = fz_g.inst[k];
	if (b < 0xE8u && idx != 0u && idx < in->len && is_end_kind(in->handles[idx].kind))
		return fz_g.store.shared[in->handles[idx].u.end.shared].type;
	if (b < 0xF8u)
		return fz_g.types[b % NTYPES];
	return (b & 1u) != 0u ? (flue_type_t)0 : (flue_type_t)(NTYPES + 1);
}

static uint32_t pick_n(uint8_t b)
{
	static const uint32_t special[16] = {
		16u, 31u, 64u, 255u, 512u, MEM, MEM + 1u, MAX_LENGTH,
		MAX_LENGTH + 1u, 0xFFFFFFFFu, 1u << 20, 1000u, 1u, 0u, 2u, 100u,
	};
	if (b < 0xF0u)
		return b & 0x0Fu;
	return special[b & 0x0Fu];
}

/* A buffer for n elements of type t: mostly aligned and inside memory. */
static uint32_t pick_buf(flue_type_t t, uint32_t n, uint8_t b1, uint8_t b2)
{
	const struct flue_type_info *ti = flue_type_get(&fz_g.store, t);
	uint64_t size = ti != NULL ? ti->size : 4u;
	uint32_t align = ti != NULL ? ti->align : 4u;
	uint64_t bytes = size * n;
	if (b1 < 0xE0u) {
		if (size == 0u)
			return (uint32_t)b1 << 8 | b2; /* ignored for unit */
		if (bytes > MEM)
			return (uint32_t)b2 * align;
		uint32_t slots = (uint32_t)((MEM - bytes) / align) + 1u;
		return (((uint32_t)(b1 & 0x1Fu) << 8 | b2) % slots) * align;
	}
	switch (b2 & 7u) {
	case 0: return (uint32_t)b1 * align + 1u; /* misaligned unless align 1 */
	case 1: return (uint32_t)(MEM - (bytes < MEM ? bytes : MEM)) + align;
	case 2: return MEM;
	case 3: return 0xFFFFFFFFu;
	case 4: return 0xFFFFFFF8u;
	case 5: return MEM - 1u;
	case 6: return 2u;
	default: return 0u;
	}
}

/* A wait/poll/debug-message payload pointer (8 bytes, 4-aligned). */
static uint32_t pick_payload(uint8_t b)
{
	static const uint32_t special[16] = {
		1u, 2u, 3u, MEM - 4u, MEM, MEM - 8u, 0xFFFFFFFCu, 0xFFFFFFFFu,
		MEM - 6u, 4094u, 0u, 8u, 12u, MEM - 12u, 0x80000000u, 6u,
	};
	if (b < 0xF0u)
		return (uint32_t)(b % 255u) * 16u + ((b & 1u) != 0u ? 4u : 0u);
	return special[b & 0x0Fu];
}

/* ----------------------------------------------------------- operations */

static void op_new(struct input *in, bool future)
{
	struct call c = { .kind = future ? C_FUTURE_NEW : C_STREAM_NEW };
	c.k = u8(in) % NINST;
	c.t = pick_new_type(u8(in));
	fz_run(&c);
}

/* A read or write on end `idx` of harness instance `k`. */
static void op_copy_at(struct input *in, bool future, bool readable, bool async, int k,
		       uint32_t idx)
{
	struct call c = { .kind = C_COPY, .future = future, .readable = readable, .async = async };
	c.k = k;
	c.opts = async ? FLUE_OPT_ASYNC : 0u;
	c.idx = idx;
	c.t = pick_type_for(c.k, c.idx, u8(in));
	c.n = future ? 1u : pick_n(u8(in));
	uint8_t b1 = u8(in), b2 = u8(in);
	c.ptr = pick_buf(c.t, c.n, b1, b2);
	fz_run(&c);
}

static void op_copy(struct input *in, bool future, bool readable, bool async)
{
	int k = u8(in) % NINST;
	uint32_t idx = pick_handle(k, KMASK(end_kind(future, readable)), u8(in));
	op_copy_at(in, future, readable, async, k, idx);
}

/* An async op on an end, then one on its peer end wherever that lives:
 * reaches every rendezvous row without two lucky handle picks. */
static void op_pair(struct input *in)
{
	uint8_t sel = u8(in);
	bool future = (sel & 1u) != 0u, readable = (sel & 2u) != 0u;
	int k = u8(in) % NINST;
	uint32_t idx = pick_handle(k, KMASK(end_kind(future, readable)), u8(in));
	op_copy_at(in, future, readable, (sel & 4u) == 0u, k, idx);
	const struct flue_instance *in0 = fz_g.inst[k];
	if (idx == 0u || idx >= in0->len || in0->handles[idx].kind != end_kind(future, readable))
		return; /* the first end is gone (or never was) */
	const struct flue_shared *sh = &fz_g.store.shared[in0->handles[idx].u.end.shared];
	struct flue_end_ref peer = inv_ref(sh, !readable);
	for (int k2 = 0; k2 < NINST; k2++)
		if (peer.inst != FLUE_REF_NONE && fz_g.inst[k2]->id == peer.inst)
			op_copy_at(in, future, !readable, (sel & 8u) == 0u, k2, peer.handle);
}

/* Poll every waitable set of one instance once. */
static void op_poll_all(struct input *in)
{
	int k = u8(in) % NINST;
	uint32_t ptr = pick_payload(u8(in));
	for (uint32_t i = 1; i < fz_g.inst[k]->len; i++) {
		if (fz_g.inst[k]->handles[i].kind != FLUE_H_WAITABLE_SET)
			continue;
		struct call c = { .kind = C_WSET_POLL, .k = k, .idx = i, .ptr = ptr };
		fz_run(&c);
		if (fz_g.poisoned[k])
			break;
	}
}

static void op_cancel(struct input *in)
{
	uint8_t sel = u8(in);
	struct call c = { .kind = C_CANCEL, .future = (sel & 1u) != 0u,
			  .readable = (sel & 2u) != 0u, .async = (sel & 4u) == 0u };
	c.k = u8(in) % NINST;
	c.opts = c.async ? FLUE_OPT_ASYNC : 0u;
	c.idx = pick_handle(c.k, KMASK(end_kind(c.future, c.readable)), u8(in));
	c.t = pick_type_for(c.k, c.idx, u8(in));
	fz_run(&c);
}

static void op_drop(struct input *in)
{
	uint8_t sel = u8(in);
	struct call c = { .kind = C_DROP, .future = (sel & 1u) != 0u,
			  .readable = (sel & 2u) != 0u };
	c.k = u8(in) % NINST;
	c.idx = pick_handle(c.k, KMASK(end_kind(c.future, c.readable)), u8(in));
	c.t = pick_type_for(c.k, c.idx, u8(in));
	fz_run(&c);
}

static void op_wset(struct input *in, uint8_t kind)
{
	struct call c = { .kind = kind };
	c.k = u8(in) % NINST;
	if (kind != C_WSET_NEW)
		c.idx = pick_handle(c.k, KMASK(FLUE_H_WAITABLE_SET), u8(in));
	if (kind == C_WSET_POLL || kind == C_WSET_WAIT) {
		uint8_t b = u8(in);
		c.ptr = pick_payload(b);
	}
	fz_run(&c);
}

static void op_join(struct input *in)
{
	struct call c = { .kind = C_JOIN };
	c.k = u8(in) % NINST;
	c.idx = pick_handle(c.k, ANY_END, u8(in));
	uint8_t b = u8(in);
	c.n = (b & 3u) == 0u ? 0u : pick_handle(c.k, KMASK(FLUE_H_WAITABLE_SET), (uint8_t)(b >> 2));
	fz_run(&c);
}

static void op_backpressure(struct input *in)
{
	uint8_t sel = u8(in);
	int k = u8(in) % NINST;
	bool inc = (sel & 1u) != 0u;
	enum flue_trap_reason want = FLUE_TRAP_NONE;
	if (sel == 0xFFu) {
		/* Run the counter up to its limit in one call: the inc after
		 * 2^16 - 1 must trap OVERFLOW (POISONED at once if poisoned). */
		struct call c = { .kind = C_BP_BULK, .k = k };
		uint32_t expect = fz_g.poisoned[k] ? 0u : 0xFFFFu - fz_g.bp[k];
		want = fz_g.poisoned[k] ? FLUE_TRAP_POISONED : FLUE_TRAP_BACKPRESSURE_OVERFLOW;
		fz_trace("[%u] inst %d: backpressure.inc until it traps\n", fz_g.step, k);
		if (!fz_guarded(&c, true))
			DIE("backpressure.inc never trapped");
		if (fz_g.trap_reason != want || fz_bulk_count != expect)
			DIE("backpressure: trap %d after %u incs, expected %d after %u",
			    (int)fz_g.trap_reason, fz_bulk_count, (int)want, expect);
		fz_g.bp[k] += expect;
		CHECK(fz_g.inst[k]->backpressure == fz_g.bp[k]);
		return;
	}
	struct call c = { .kind = inc ? C_BP_INC : C_BP_DEC, .k = k };
	fz_trace("[%u] inst %d: backpressure.%s\n", fz_g.step, k, inc ? "inc" : "dec");
	if (fz_g.poisoned[k])
		want = FLUE_TRAP_POISONED;
	else if (inc && fz_g.bp[k] == 0xFFFFu)
		want = FLUE_TRAP_BACKPRESSURE_OVERFLOW;
	else if (!inc && fz_g.bp[k] == 0u)
		want = FLUE_TRAP_BACKPRESSURE_UNDERFLOW;
	bool trapped = fz_guarded(&c, true);
	if (trapped != (want != FLUE_TRAP_NONE) || (trapped && fz_g.trap_reason != want))
		DIE("backpressure at %u: trap %d, expected %d", fz_g.bp[k],
		    trapped ? (int)fz_g.trap_reason : 0, (int)want);
	if (!trapped)
		fz_g.bp[k] = inc ? fz_g.bp[k] + 1u : fz_g.bp[k] - 1u;
	CHECK(fz_g.inst[k]->backpressure == fz_g.bp[k]);
}

static void op_errctx(struct input *in)
{
	uint8_t sel = u8(in);
	struct call c = { .k = u8(in) % NINST };
	switch (sel % 3u) {
	case 0:
		c.kind = C_EC_NEW;
		c.ptr = (uint32_t)u8(in) * 16u;
		c.n = u8(in);
		break;
	case 1:
		c.kind = C_EC_DEBUG;
		c.idx = pick_handle(c.k, KMASK(FLUE_H_ERROR_CONTEXT), u8(in));
		c.ptr = pick_payload(u8(in));
		break;
	default:
		c.kind = C_EC_DROP;
		c.idx = pick_handle(c.k, KMASK(FLUE_H_ERROR_CONTEXT), u8(in));
		break;
	}
	fz_run(&c);
}

static uint32_t table_room(const struct flue_instance *in)
{
	uint32_t room = FLUE_CONFIG_MAX_HANDLES - in->len;
	for (uint32_t i = 1; i < in->len; i++)
		if (in->handles[i].kind == FLUE_H_FREE)
			room++;
	return room;
}

static void op_transfer(struct input *in)
{
	int kf = u8(in) % NINST, kt = u8(in) % NINST;
	struct flue_instance *from = fz_g.inst[kf], *to = fz_g.inst[kt];
	uint32_t e = pick_handle(kf, KMASK(FLUE_H_STREAM_READABLE) | KMASK(FLUE_H_FUTURE_READABLE),
				 u8(in));
	flue_type_t t = pick_type_for(kf, e, u8(in));
	uint32_t out = 0;
	fz_trace("[%u] transfer inst %d end %u t=%u -> inst %d\n", fz_g.step, kf, e, t, kt);

	/* The documented outcome. */
	bool readable = e != 0u && e < from->len &&
			(from->handles[e].kind == FLUE_H_STREAM_READABLE ||
			 from->handles[e].kind == FLUE_H_FUTURE_READABLE);
	const struct flue_end *end = readable ? &from->handles[e].u.end : NULL;
	bool badf = !readable || fz_g.store.shared[end->shared].type != t;
	bool busy = !badf && (end->state != FLUE_END_IDLE || end->w.wset != 0u);
	bool full = from != to && table_room(to) == 0u;
	uint8_t kind = readable ? from->handles[e].kind : 0u;
	uint16_t si = readable ? end->shared : 0u;

	memcpy(&fz_g.snap, &fz_g.store, sizeof fz_g.store);
	int rc = flue_end_transfer(from, e, t, to, &out);
	fz_trace("  -> rc %d out %u\n", rc, out);
	if (badf)
		CHECK(rc == FLUE_EBADF);
	else if (busy || full)
		CHECK((busy && rc == FLUE_EBUSY) || (full && rc == FLUE_ENOSPC));
	else
		CHECK(rc == FLUE_OK);
	if (rc != FLUE_OK) {
		if (memcmp(&fz_g.snap, &fz_g.store, sizeof fz_g.store) != 0)
			DIE("failed transfer (%d) changed state", rc);
		return;
	}
	CHECK(out != 0u && out < to->len && to->handles[out].kind == kind);
	CHECK(from->handles[e].kind == FLUE_H_FREE || (from == to && out == e));
	const struct flue_end *ne = &to->handles[out].u.end;
	/* #720: an undelivered drop notice moves with the end. */
	CHECK(ne->shared == si && ne->state == FLUE_END_IDLE &&
	      ne->w.has_event == fz_g.store.shared[si].dropped && ne->w.wset == 0u);
	CHECK(fz_g.store.shared[si].reader_inst == to->id &&
	      fz_g.store.shared[si].reader_handle == out);
}

struct parked_peer {
	struct flue_instance *inst;
	uint32_t idx;
};

static void op_recreate(struct input *in)
{
	uint8_t sel = u8(in);
	int k = (int)(sel % NINST);
	bool create_first = (sel & 0x10u) != 0u;
	struct flue_instance *old = fz_g.inst[k], *fresh = NULL;
	struct parked_peer peers[FLUE_CONFIG_MAX_SHARED];
	uint32_t npeers = 0;
	fz_trace("[%u] destroy inst %d (id %u)%s\n", fz_g.step, k, old->id,
	         create_first ? ", created first" : "");

	/* Ops of other instances parked on objects shared with `old`. */
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++) {
		const struct flue_shared *sh = &fz_g.store.shared[si];
		if (sh->kind == 0u || sh->pending == FLUE_SIDE_NONE)
			continue;
		struct flue_end_ref parked = inv_ref(sh, sh->pending == FLUE_SIDE_READER);
		struct flue_end_ref other = inv_ref(sh, sh->pending != FLUE_SIDE_READER);
		if (parked.inst != old->id && other.inst == old->id)
			peers[npeers++] = (struct parked_peer){ &fz_g.store.instances[parked.inst],
								   parked.handle };
	}
	/* Ops in progress are forgotten: count what they moved. */
	for (uint32_t i = 1; i < old->len; i++) {
		const struct flue_handle *h = &old->handles[i];
		bool busy = h->u.end.state == FLUE_END_COPYING ||
			    h->u.end.state == FLUE_END_CANCELLING;
		if ((h->kind == FLUE_H_STREAM_READABLE || h->kind == FLUE_H_STREAM_WRITABLE) && busy)
			fz_g.moved[h->u.end.shared][h->kind == FLUE_H_STREAM_READABLE ? 0 : 1] +=
				h->u.end.progress;
	}
	if (create_first && flue_instance_create(&fz_g.store, &fresh) != FLUE_OK)
		DIE("instance_create");
	flue_instance_destroy(old);
	CHECK(!old->live);
	for (uint32_t i = 0; i < npeers; i++) {
		const struct flue_end *e = &peers[i].inst->handles[peers[i].idx].u.end;
		if (!e->w.has_event || e->ev_result != FLUE_RESULT_DROPPED)
			DIE("parked peer (%u, %u) did not get DROPPED", peers[i].inst->id,
			    peers[i].idx);
	}
	if (!create_first && flue_instance_create(&fz_g.store, &fresh) != FLUE_OK)
		DIE("instance_create");
	CHECK(fresh->live && !fresh->poisoned && fresh->len == 1u && fresh->free_head == 0u &&
	      fresh->backpressure == 0u);
	fz_attach(k, fresh);
	fz_trace("  -> new id %u\n", fresh->id);
}

/* The embedder moves an instance's linear memory between calls (flue
 * re-reads the base at every access): copy it to its other place and
 * poison the old one. */
static void op_move_memory(struct input *in)
{
	int k = u8(in) % NINST;
	uint8_t *from = fz_g.mem_data[k];
	uint8_t *to = from == fz_mem[k][0] ? fz_mem[k][1] : fz_mem[k][0];
	fz_trace("[%u] move memory of inst %d\n", fz_g.step, k);
	MEM_UNPOISON(to, MEM);
	memcpy(to, from, MEM);
	MEM_POISON(from, MEM);
	fz_g.mem_data[k] = to;
}

void fz_step(struct input *in, uint32_t depth)
{
	uint8_t op = u8(in);
	switch (op % 22u) {
	case 0: op_new(in, false); break;
	case 1: op_new(in, true); break;
	case 2: op_copy(in, false, true, true); break;
	case 3: op_copy(in, false, false, true); break;
	case 4: op_copy(in, true, true, true); break;
	case 5: op_copy(in, true, false, true); break;
	case 6: {
		uint8_t sel = u8(in);
		op_copy(in, (sel & 1u) != 0u, (sel & 2u) != 0u, false);
		break;
	}
	case 7: op_cancel(in); break;
	case 8: op_drop(in); break;
	case 9: op_wset(in, C_WSET_NEW); break;
	case 10: op_wset(in, C_WSET_POLL); break;
	case 11: op_wset(in, C_WSET_WAIT); break;
	case 12: op_wset(in, C_WSET_DROP); break;
	case 13: op_join(in); break;
	case 14: op_backpressure(in); break;
	case 15: op_errctx(in); break;
	case 16: op_transfer(in); break;
	case 17: op_recreate(in); break;
	case 18: op_pair(in); break;
	case 19: op_poll_all(in); break;
	case 20: op_move_memory(in); break;
	default: {
		/* Repeat the next operation (same bytes) 2..65 times: fills
		 * tables and pools, drains sets. */
		uint32_t times = 2u + u8(in) % 64u;
		size_t at = in->pos;
		if (depth > 0u)
			break;
		for (uint32_t i = 0; i < times; i++) {
			in->pos = at;
			fz_step(in, depth + 1u);
			if (i + 1u < times)
				fz_check_all();
		}
		break;
	}
	}
}

/* Elements moved by op `e` of a stream so far, if it is in progress. */
static uint64_t in_flight(struct flue_end_ref r)
{
	if (r.inst == FLUE_REF_NONE)
		return 0;
	const struct flue_end *e = &fz_g.store.instances[r.inst].handles[r.handle].u.end;
	bool busy = e->state == FLUE_END_COPYING || e->state == FLUE_END_CANCELLING;
	return busy ? e->progress : 0u;
}

/* Checks after every step. */
void fz_check_all(void)
{
	char msg[256];
	if (!flue_invariants_check(&fz_g.store, msg, sizeof msg))
		DIE("invariant: %s", msg);
	/* Conservation: every element a stream's writer gave up was taken by
	 * its reader (delivered results plus ops still in progress). */
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++) {
		const struct flue_shared *sh = &fz_g.store.shared[si];
		if (sh->kind != 1u || sh->has_channel)
			continue;
		uint64_t r = fz_g.moved[si][0] + in_flight(inv_ref(sh, true));
		uint64_t w = fz_g.moved[si][1] + in_flight(inv_ref(sh, false));
		if (r != w)
			DIE("stream %u: reader got %llu elements, writer gave %llu", si,
			    (unsigned long long)r, (unsigned long long)w);
	}
	for (int k = 0; k < NINST; k++) {
		const struct flue_instance *in = fz_g.inst[k];
		CHECK(in->live);
		if (in->poisoned != fz_g.poisoned[k])
			DIE("inst %d poisoned %d, harness saw %d", k, in->poisoned,
			    fz_g.poisoned[k]);
		if (in->poisoned)
			continue;
		/* Without an executor nothing waits in a live instance. */
		for (uint32_t i = 1; i < in->len; i++) {
			const struct flue_handle *h = &in->handles[i];
			if (h->kind == FLUE_H_WAITABLE_SET)
				CHECK(h->u.wset.waiting == 0u);
			else if (is_end_kind(h->kind))
				CHECK(!h->u.end.w.sync_waiter);
		}
	}
}
