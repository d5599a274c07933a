/*
 * libFuzzer target for the value mover (src/abi/val.h, flue_vals_move):
 * random type graphs and random values, round-tripped host H -> guest A
 * -> guest B -> host H2, each party an instance with its own 64 KiB
 * memory, its own string encoding and its own realloc.
 *
 * Input layout (missing bytes read as 0):
 *   byte 0  bit 0: mutate the source; bit 1: junk bits where the
 *           reference ignores them; bit 2: H's tuple in memory (else flat
 *           when it fits 16 values); bits 3-6: tight allocators of H, A,
 *           B, H2 (run_tests.py Heap placement, no red zones); bit 7: H's
 *           memory ends right after the value
 *   byte 1  encodings: (b % 81) in base 3, H first (utf8, utf16,
 *           latin1+utf16)
 *   byte 2  each hop's destination form, 2 bits each (hop 1 lowest):
 *           0/3 flat values (if the tuple has at most 16), 1 memory from
 *           realloc, 2 memory at an out pointer; bit 6 (hop 1), bit 7
 *           (hops 2, 3): flue_vals_check first, then the move with
 *           `checked` set
 *   byte 3  each hop's src_max_flat, byte 4 each hop's dst_max_flat, 2
 *           bits each: 16, 4, 1, 0, moved to the nearest value that gives
 *           the form wanted (the flat count, or one below it); byte 3 bit
 *           6: a fourth hop A -> A after the first (two parts of one
 *           instance; its src_max_flat 16 or, bit 7, 1; its form byte 4
 *           bits 6-7, its dst_max_flat hop 2's; its check byte 2 bit 7)
 *   then    the type graph (fuzz_vals_type.c); if the tuple holds handles,
 *           the set-up byte (fuzz_vals_mem.c, vh_setup: which party
 *           implements each of the two resource types, what H's table
 *           holds) and the calls byte (bit 0: every move a call's params
 *           with a task; always so when the tuple holds a borrow); the
 *           value (fuzz_vals_gen.c) and, when mutating, the mutations.
 *
 * What is checked:
 *  - flue_types_layout / flue_types_check / flue_types_flatten agree
 *    with the harness's own layout and flattening;
 *  - every move of a valid value returns; the lowered value is valid in
 *    the destination's encoding and in the canonical form lowering
 *    writes (fuzz_vals_read.c); it equals H's value (fuzz_vals_cmp.c);
 *    the flat results are exactly as many as the form needs, nothing
 *    written past them; the source's memory is unchanged and its realloc
 *    never called;
 *  - a mutated source the reference's rules find invalid makes the move
 *    trap the source instance with the reason of the first failing check
 *    (the reference's order), with the destination's realloc never
 *    called, its memory unchanged and the destination not poisoned; a
 *    mutated source that is still valid moves and round-trips;
 *  - ASan: every memory is poisoned except the blocks its allocator
 *    handed out (a mutated source: all of its memory), so flue reading or
 *    writing any other byte is an ASan report (fuzz_vals_mem.c);
 *  - handles (own<R>, borrow<R>, error-context): the harness models every
 *    party's table as the reference's Table and lifts and lowers a
 *    value's handles on it in the reference's order (all lifted, then
 *    lowered: with one instance on both sides, the owns' slots are reused
 *    last freed first). A source handle the reference refuses (a free or
 *    out-of-range index, a second own of one handle, an own of a lent or
 *    a borrow handle, another kind or resource type) must trap the source
 *    with its reason, in its place among the other checks; after a move
 *    that returned, the destination's value must hold exactly the indices
 *    (or, for a borrow into its implementation, the reps) the reference's
 *    lowering gives, and every table (slots, reps, types, own, lends,
 *    borrow scopes, the free list's order), every call's num_borrows and
 *    the lend records must be as the model has them; after a source's
 *    trap, the destination's table and the calls' num_borrows unchanged.
 *    A borrow lowered into its implementation (a rep) ends the round trip.
 *    Stream and future ends likewise (fuzz_vals_ends.c), each end's slot
 *    also against its shared object; a round trip ends reading at H2 an
 *    element written on the writable end H kept.
 * A destination running out of memory (a mutated value may be large)
 * ends the input, counted; so does a value too big to walk (VMAX_WORK),
 * and one of flue's limits the model predicts (a full table:
 * TABLE_FULL; more than FLUE_CONFIG_MAX_LENDS lends or, within one
 * instance, FLUE_CONFIG_MAX_VALUES owns: POOL_FULL).
 *
 * FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_vals FILE prints the decoded input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include <flue/store.h>

#include "fuzz_vals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

enum { PH, PA, PB, PH2, NPARTY };
enum { D_FLAT, D_REALLOC, D_OUTPTR };

static struct flue_store store;
static uint8_t mems[NPARTY][VMEM] __attribute__((aligned(8)));
static struct party P[NPARTY];
static struct vtypes T;
static struct vgen W;
static jmp_buf jb;
static volatile bool armed;
static struct flue_instance *volatile trap_inst;
static volatile int trap_reason;
bool vz_tracing;

static struct {
	uint64_t inputs, round_trips, hops, dform[3], hsrc[2], mutated, still_valid, traps;
	uint64_t by_reason[FLUE_TRAP_REASON_COUNT], oom, oom_mutated, skipped, strings, wide, latin1;
	uint64_t pairs[3][3];
	uint64_t hinputs, hkinds[4], rep_given, same, limits, impl_end, einputs;
	bool cur_mutated, cur_params; /* this input's */
} st;

void vz_trace(const char *fmt, ...)
{
	if (!vz_tracing)
		return;
	va_list ap;
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void vz_die(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\nfuzz_vals: check failed (%s:%d): ", file, line);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void trap_hook(void *ctx, struct flue_instance *inst, enum flue_trap_reason r,
		      uint32_t handle)
{
	(void)ctx;
	(void)handle;
	if (!armed)
		VDIE("trap (%s) outside a move", flue_trap_message(r));
	armed = false;
	trap_inst = inst;
	trap_reason = (int)r;
	longjmp(jb, 1);
}

/* flue_vals_move (precheck: flue_vals_check first, then the move told
 * so); false if it trapped. */
static bool guarded_move(struct flue_vmove *m, bool precheck)
{
	trap_inst = 0;
	trap_reason = 0;
	armed = true;
	if (setjmp(jb) != 0)
		return false;
	if (precheck) {
		flue_vals_check(m);
		m->checked = true;
	}
	flue_vals_move(m);
	armed = false;
	return true;
}

/* ------------------------------------------------------------------ set-up */

struct hdr {
	uint8_t mode, enc, dform, ssel, dsel;
};

static const char *const NAME[NPARTY] = { "H", "A", "B", "H2" };
static const char *const ENC[3] = { "utf8", "utf16", "latin1+utf16" };

static void setup(const struct hdr *h)
{
	flue_store_init(&store, trap_hook, NULL);
	/* the element types of stream<T> and future<T> nodes (u8, u32) */
	static const uint8_t NUM[2] = { FLUE_NUM_U8, FLUE_NUM_U32 };
	for (uint32_t k = 0; k < 2u; k++) {
		struct flue_type_desc td = { .kind = FLUE_TYPE_NUMBER, .num = NUM[k] };
		if (flue_type_register(&store, &td, &VZ_ELEM[k]) != 0)
			VDIE("flue_type_register failed");
	}
	uint32_t e = h->enc % 81u;
	for (uint32_t k = 0; k < NPARTY; k++, e /= 3u) {
		if (flue_instance_create(&store, &P[k].inst) != 0)
			VDIE("flue_instance_create failed");
		vm_reset(&P[k], NAME[k], mems[k], (uint8_t)(e % 3u), (h->mode >> (3u + k) & 1u) != 0);
		P[k].idx = (uint8_t)k;
		flue_instance_set_memory(P[k].inst, &P[k].data, &P[k].size);
	}
}

static uint32_t seed(const uint8_t *d, size_t n)
{
	uint32_t x = 2166136261u;
	for (size_t i = 0; i < n; i++)
		x = (x ^ d[i]) * 16777619u;
	return x | 1u;
}

/* ------------------------------------------------------------------- hops */

/* max_flat for a tuple of `count` flat values: from 16, 4, 1, 0 by sel,
 * moved to give flat values (count <= max) or memory (count > max). */
static uint32_t pick_max(uint32_t count, bool flat, uint32_t sel)
{
	static const uint32_t C[4] = { 16, 4, 1, 0 };
	uint32_t m = C[sel % 4u];
	if (flat)
		return m >= count ? m : count;
	return m < count ? m : count - 1u;
}

/* Where the destination's value is after a returned move. */
static void take_result(struct party *d, uint8_t form, const flue_flat_t *out, uint32_t nout,
			uint32_t outp)
{
	uint32_t want = form == D_FLAT ? T.nflat : form == D_REALLOC ? 1u : 0u;
	if (nout != want)
		VDIE("%s: %u flat results, the form needs %u", d->name, nout, want);
	for (uint32_t i = nout; i < VMAX_FLAT + 2u; i++)
		if (out[i] != 0xA5A5A5A5A5A5A5A5u)
			VDIE("%s: flat result %u written past the %u results", d->name, i, nout);
	d->in_mem = form != D_FLAT;
	d->nflat = form == D_FLAT ? nout : 1u;
	if (form == D_FLAT)
		memcpy(d->flat, out, nout * sizeof out[0]);
	else
		d->flat[0] = form == D_OUTPTR ? outp : out[0];
	if (d->flat[0] >> 32 != 0 && form == D_REALLOC)
		VDIE("%s: the tuple's pointer %#llx is wider than 32 bits", d->name,
		     (unsigned long long)d->flat[0]);
}

static struct vhw MD;

/* A move of a valid value returned: check what it wrote. */
static void after_move(struct party *s, struct party *d)
{
	uint64_t work;
	memset(&MD, 0, sizeof MD);
	int rc = vr_check(&T, d, true, &work, &MD);
	if (rc != 0)
		VDIE("%s: the lowered value is not valid (%d: %s)", d->name, rc,
		     rc > 0 ? flue_trap_message((enum flue_trap_reason)rc) : "too big");
	vr_print(&T, d);
	vr_compare(&T, &P[PH], d);
	st.pairs[s->enc][d->enc] += W.nstrings != 0;
}

static struct vhw MS; /* the source's handles lifted (MD: the destination's, read) */

/* The move of an invalid source trapped: as the reference's first check,
 * the destination untouched (hd, dc: its memory's hash and its realloc
 * calls before; its table as the model has it). */
static void after_trap(struct party *s, struct party *d, int expect, uint64_t hd, uint32_t dc)
{
	if (trap_inst != s->inst || trap_reason != expect)
		VDIE("the invalid source trapped %s with %s; the reference traps %s with %s",
		     trap_inst == s->inst ? s->name : trap_inst == d->inst ? d->name : "?",
		     flue_trap_message((enum flue_trap_reason)trap_reason), s->name,
		     flue_trap_message((enum flue_trap_reason)expect));
	if (d->ncalls != dc)
		VDIE("%s's realloc was called %u times before the source trapped", d->name,
		     d->ncalls - dc);
	if (s != d && vm_hash(d) != hd)
		VDIE("%s's memory changed before the source trapped", d->name);
	if ((s != d && d->inst->poisoned) || !s->inst->poisoned)
		VDIE("after the source's trap: %s poisoned %d, %s poisoned %d", s->name,
		     s->inst->poisoned, d->name, d->inst->poisoned);
	if (T.handles && s != d)
		vh_check_table(d);
	if (T.handles)
		vh_check_calls();
	st.traps++;
	st.by_reason[expect]++;
}

/* ------------------------------------------------------- the handles' model */

static struct htab TS, TD; /* the tables after lifting, after lowering */
static uint16_t NB[FLUE_CONFIG_MAX_TASKS];

/* The reference's first failing check lifting s's value, its handles
 * lifted on a copy of s's table (TS); -1: too big. */
static int lift_model(const struct party *s, uint16_t task)
{
	TS = s->tab;
	memset(&MS, 0, sizeof MS);
	MS.tab = &TS;
	MS.task = task;
	MS.nlends = HW.nlends;
	uint64_t work;
	return vr_check(&T, s, false, &work, &MS);
}

/* The reference's outcome of moving s's value into d: the source's trap
 * (0: none), and *dexp the destination's (a limit of flue's: TABLE_FULL). */
static int predict(const struct party *s, const struct party *d, uint16_t task, int *dexp)
{
	*dexp = 0;
	int rc = lift_model(s, task);
	if (rc != 0)
		return rc;
	if (s == d && MS.nown > FLUE_CONFIG_MAX_VALUES) {
		MS.limit = true; /* flue reads at most that many reps out first */
		return FLUE_TRAP_POOL_FULL;
	}
	TD = s == d ? TS : d->tab;
	memcpy(NB, HW.nb, sizeof NB);
	*dexp = vh_lower(&MS, &TD, d->idx, NB);
	return 0;
}

/* After a move that returned: the destination's handles are the ones the
 * reference lowers (its indices in its table, or the reps), every table as
 * the model has it. Returns whether a borrow reached its implementation
 * (its rep is no handle to pass on: the round trip ends there). */
static bool after_handles(struct party *s, struct party *d)
{
	if (MD.n != MS.n)
		VDIE("%s's value holds %u handles, %s's %u", d->name, MD.n, s->name, MS.n);
	bool given = false;
	for (uint32_t i = 0; i < MS.n && i < VMAX_HSLOTS; i++) {
		const struct vhslot *x = &MS.s[i];
		if (MD.s[i].idx != x->out)
			VDIE("%s's handle %u (kind %u, %s's %u, rep %#x): %u, the reference's %s %u",
			     d->name, i, x->kind, s->name, x->idx, x->rep, MD.s[i].idx,
			     x->rep_given ? "rep" : "index", x->out);
		given = given || x->rep_given;
		st.hkinds[x->kind == FLUE_VT_OWN ? 0 : x->kind == FLUE_VT_BORROW ? 1
			  : x->kind == FLUE_VT_ERROR_CONTEXT ? 2 : 3]++;
		st.rep_given += x->rep_given;
	}
	if (s != d)
		s->tab = TS;
	d->tab = TD;
	memcpy(HW.nb, NB, sizeof NB);
	HW.nlends = MS.nlends;
	vh_check_world();
	return given;
}

/* ------------------------------------------------------------------- hops */

struct hopd {
	uint8_t s, d, form;  /* the parties, the destination's form (D_*) */
	uint32_t ssel, dsel; /* max_flat selectors */
	bool precheck;
};

/* The move of hop hd went wrong or as the model says; whether it goes on. */
static bool outcome(struct party *s, struct party *d, bool ok, int expect, int dexp)
{
	if (!ok && d->oom && trap_inst == d->inst) {
		vz_trace("  %s's realloc ran out of memory\n", d->name);
		st.oom++;
		st.oom_mutated += st.cur_mutated;
		return false;
	}
	if (dexp != 0 && expect == 0) {
		if (ok || trap_inst != d->inst || trap_reason != dexp)
			VDIE("the model's %s's table is full; the move %s", d->name,
			     ok ? "returned" : flue_trap_message((enum flue_trap_reason)trap_reason));
		vz_trace("  %s's table full (flue's limit)\n", d->name);
		st.limits++;
		return false;
	}
	if (expect != 0 && ok)
		VDIE("the move of an invalid source returned; the reference traps %s (%s)", s->name,
		     flue_trap_message((enum flue_trap_reason)expect));
	if (expect == 0 && !ok)
		VDIE("the move of a valid value trapped %s: %s",
		     trap_inst == s->inst ? s->name : trap_inst == d->inst ? d->name : "?",
		     flue_trap_message((enum flue_trap_reason)trap_reason));
	return true;
}

static void trace_model(int expect, int dexp)
{
	if (!vz_tracing || MS.n == 0)
		return;
	vz_trace("  handles:");
	for (uint32_t i = 0; i < MS.n && i < VMAX_HSLOTS; i++)
		vz_trace(" %s%u%s%u", MS.s[i].kind == FLUE_VT_OWN ? "own" : MS.s[i].kind ==
			 FLUE_VT_BORROW ? "borrow" : MS.s[i].kind == FLUE_VT_ERROR_CONTEXT ?
			 "errctx" : "end", MS.s[i].idx,
			 MS.s[i].rep_given ? "=>rep " : "=>", MS.s[i].out);
	vz_trace("; the reference: %s%s\n", expect != 0 ? flue_trap_message(
			 (enum flue_trap_reason)expect) : dexp != 0 ? "destination full" : "moves",
		 MS.limit ? " (flue's limit)" : "");
}

/* One move s -> d; returns whether the round trip goes on. */
static bool hop(const struct hopd *hd)
{
	struct party *s = &P[hd->s], *d = &P[hd->d];
	uint32_t count = T.nflat;
	uint8_t form = hd->form == D_FLAT && count > VMAX_FLAT ? D_REALLOC : hd->form;
	uint32_t smax = pick_max(count, !s->in_mem, hd->ssel);
	uint32_t dmax = pick_max(count, form == D_FLAT, hd->dsel);
	uint16_t task = T.borrows || st.cur_params ? vh_task() : FLUE_TASK_NONE;
	int dexp, expect = predict(s, d, task, &dexp);
	uint64_t sn = s->last, hs = vm_hash(s);
	uint32_t outp = form == D_OUTPTR ? vm_alloc(d, T.talign, T.tsize) : 0u;
	flue_flat_t out[VMAX_FLAT + 2u];
	for (uint32_t i = 0; i < VMAX_FLAT + 2u; i++)
		out[i] = 0xA5A5A5A5A5A5A5A5u;
	uint32_t nout = 0xEEEEu, sc = s->ncalls, dc = d->ncalls;
	struct flue_vmove m = {
		.g = &T.g, .ts = T.ts, .nts = T.nts,
		.src = { s->inst, vm_realloc, s, s->enc }, .src_max_flat = smax,
		.flat = s->flat, .nflat = s->nflat,
		.dst = { d->inst, vm_realloc, d, d->enc }, .dst_max_flat = dmax,
		.out_ptr = form == D_OUTPTR ? &outp : NULL, .flat_out = out, .nflat_out = &nout,
		.task = task,
	};
	vz_trace("hop %s (%s) -> %s (%s): src_max_flat %u, dst_max_flat %u%s, task %d\n", s->name,
		 ENC[s->enc], d->name, ENC[d->enc], smax, dmax, form == D_OUTPTR ? ", out_ptr" : "",
		 task == FLUE_TASK_NONE ? -1 : (int)task);
	trace_model(expect, dexp);
	uint64_t hd0 = vm_hash(d);
	bool ok = guarded_move(&m, hd->precheck);
	if ((s == d ? vm_hash_n(s, sn) : vm_hash(s)) != hs || (s != d && s->ncalls != sc))
		VDIE("the move changed %s's memory or called its realloc", s->name);
	st.hops++;
	st.same += s == d;
	if (!outcome(s, d, ok, expect, dexp))
		return false;
	if (expect != 0) {
		after_trap(s, d, expect, hd0, dc);
		st.limits += MS.limit;
		vz_trace("  trapped %s: %s, as the reference\n", s->name,
			 flue_trap_message((enum flue_trap_reason)expect));
		return false;
	}
	st.dform[form]++;
	take_result(d, form, out, nout, outp);
	after_move(s, d);
	if (T.handles && after_handles(s, d)) {
		vz_trace("  a borrow reached its implementation: the round trip ends\n");
		st.impl_end++;
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ input */

static void trace_head(const struct hdr *h)
{
	if (!vz_tracing)
		return;
	vz_trace("mode %#x: %s%s, H %s; encodings H %s, A %s, B %s, H2 %s\n", h->mode,
		 (h->mode & 1u) != 0 ? "mutate" : "valid", (h->mode & 2u) != 0 ? ", junk" : "",
		 P[PH].in_mem ? "memory" : "flat", ENC[P[PH].enc], ENC[P[PA].enc], ENC[P[PB].enc],
		 ENC[P[PH2].enc]);
	vz_trace("types (%u nodes, tuple: %u flat values, size %u, align %u):", T.nnodes,
		 T.nflat, T.tsize, T.talign);
	for (uint32_t i = 0; i < T.nts; i++) {
		vz_trace(" ");
		vt_print(&T, T.ts[i]);
	}
	vz_trace("\n");
}

/* H's value: written, sized, checked valid; then mutated if asked.
 * Returns the reference's trap of H (0: valid), -1 to skip the input. */
static int source(const struct hdr *h, struct vin *in, uint32_t rng)
{
	struct party *H = &P[PH];
	memset(&W, 0, sizeof W);
	W = (struct vgen){ .T = &T, .h = H, .in = in, .budget = VBUDGET, .junk = (h->mode & 2u) != 0,
			   .rng = rng };
	bool in_mem = (h->mode & 4u) != 0 || T.nflat > VMAX_FLAT;
	vg_write(&W, in_mem);
	if (T.handles)
		vh_after_write();
	st.hsrc[in_mem]++;
	st.strings += W.nstrings, st.wide += W.nwide, st.latin1 += W.nlatin1;
	uint64_t end = (h->mode & 0x80u) != 0 ? H->last : H->last + rng % (VMEM - H->last + 1u);
	ASAN_POISON_MEMORY_REGION(H->mem + end, VMEM - end);
	H->size = end;
	trace_head(h);
	int rc = lift_model(H, 0);
	if (rc != 0)
		VDIE("the writer's value is not valid (%d): a harness defect", rc);
	vr_print(&T, H);
	if ((h->mode & 1u) == 0)
		return 0;
	st.mutated++;
	vm_open(H);
	vg_mutate(&W);
	rc = lift_model(H, 0);
	if (rc == 0) {
		st.still_valid++;
		vr_print(&T, H);
	}
	vz_trace("  the reference: %s\n", rc == 0 ? "still valid" : rc < 0 ? "too big, skipped"
			: flue_trap_message((enum flue_trap_reason)rc));
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vin in = { data, size, 0 };
	struct hdr h = { vin_u8(&in), vin_u8(&in), vin_u8(&in), vin_u8(&in), vin_u8(&in) };
	st.inputs++;
	setup(&h);
	vt_generate(&T, &in);
	st.cur_mutated = (h.mode & 1u) != 0;
	st.cur_params = false;
	if (T.handles) {
		uint8_t cfg = vin_u8(&in);
		st.cur_params = (vin_u8(&in) & 1u) != 0;
		st.hinputs++;
		vz_trace("handles: rt 1 in %s, rt 2 in %s, set-up %#x%s\n", NAME[cfg & 3u],
			 NAME[cfg >> 2 & 3u], cfg, st.cur_params ? ", every move a call's params" : "");
		st.einputs += T.ends;
		vh_setup(&store, P, cfg, T.ends);
	}
	if (source(&h, &in, seed(data, size)) < 0) {
		st.skipped++;
		return 0;
	}
	struct hopd hops[4];
	uint32_t n = 0;
	for (uint32_t k = 0; k < 3u; k++) {
		hops[n++] = (struct hopd){ (uint8_t)k, (uint8_t)(k + 1u),
					   (uint8_t)((h.dform >> (2u * k) & 3u) % 3u), h.ssel >> (2u * k),
					   h.dsel >> (2u * k),
					   (h.dform >> (6u + (k == 0 ? 0u : 1u)) & 1u) != 0 };
		if (k == 0 && (h.ssel & 0x40u) != 0) /* A -> A: two parts of one instance */
			hops[n++] = (struct hopd){ PA, PA, (uint8_t)((h.dsel >> 6) % 3u),
						   (h.ssel >> 7) * 2u, h.dsel >> 2,
						   (h.dform & 0x80u) != 0 };
	}
	uint32_t k = 0;
	while (k < n && hop(&hops[k]))
		k++;
	st.round_trips += k == n;
	if (k == n && T.ends)
		vh_ends_connected(&MS); /* MS: the last hop's, B -> H2 */
	return 0;
}

/* ---------------------------------------------------------------- report */

static void report(void)
{
	fprintf(stderr,
		"fuzz_vals: %llu inputs, %llu round trips H -> A -> B -> H2 equal, %llu moves "
		"(results: %llu flat, %llu realloc'd memory, %llu out-pointer memory), H's "
		"tuple %llu flat / %llu in memory\n",
		(unsigned long long)st.inputs, (unsigned long long)st.round_trips,
		(unsigned long long)st.hops, (unsigned long long)st.dform[D_FLAT],
		(unsigned long long)st.dform[D_REALLOC], (unsigned long long)st.dform[D_OUTPTR],
		(unsigned long long)st.hsrc[0], (unsigned long long)st.hsrc[1]);
	fprintf(stderr,
		"fuzz_vals: %llu mutated sources: %llu still valid, %llu trapped the source as the "
		"reference; %llu destinations out of memory (%llu of them with a mutated source), "
		"%llu inputs too big, skipped\n",
		(unsigned long long)st.mutated, (unsigned long long)st.still_valid,
		(unsigned long long)st.traps, (unsigned long long)st.oom,
		(unsigned long long)st.oom_mutated, (unsigned long long)st.skipped);
	fprintf(stderr, "fuzz_vals: traps by reason:");
	for (int r = 1; r < FLUE_TRAP_REASON_COUNT; r++)
		if (st.by_reason[r] != 0)
			fprintf(stderr, " %s=%llu", flue_trap_message((enum flue_trap_reason)r),
				(unsigned long long)st.by_reason[r]);
	fprintf(stderr, "\nfuzz_vals: %llu strings written (%llu non-BMP characters, %llu "
		"untagged latin-1); moves with strings by encodings (src>dst):",
		(unsigned long long)st.strings, (unsigned long long)st.wide,
		(unsigned long long)st.latin1);
	static const char *const E[3] = { "u8", "u16", "l1" };
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			fprintf(stderr, " %s>%s=%llu", E[a], E[b], (unsigned long long)st.pairs[a][b]);
	fputc('\n', stderr);
	fprintf(stderr, "fuzz_vals: %llu inputs with handles; handles moved as the reference: "
		"own=%llu borrow=%llu error-context=%llu (%llu borrows given as the rep to their "
		"implementation, %llu round trips ending there); %llu moves within one instance; "
		"%llu traps at flue's limits (table, lend records)\n",
		(unsigned long long)st.hinputs, (unsigned long long)st.hkinds[0],
		(unsigned long long)st.hkinds[1], (unsigned long long)st.hkinds[2],
		(unsigned long long)st.rep_given, (unsigned long long)st.impl_end,
		(unsigned long long)st.same, (unsigned long long)st.limits);
	fprintf(stderr, "fuzz_vals: %llu inputs with stream/future ends (%llu ends made in H, "
		"%llu decoys); ends moved as the reference %llu; %llu ends read at H2 what H's "
		"writer wrote\n", (unsigned long long)st.einputs, (unsigned long long)VE.made,
		(unsigned long long)VE.decoys, (unsigned long long)st.hkinds[3],
		(unsigned long long)VE.read);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *t = getenv("FLUE_FUZZ_TRACE");
	vz_tracing = t != NULL && t[0] != '\0' && t[0] != '0';
	atexit(report);
	return 0;
}
