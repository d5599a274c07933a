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
 *           the form wanted (the flat count, or one below it)
 *   then    the type graph (fuzz_vals_type.c), the value
 *           (fuzz_vals_gen.c) and, when mutating, the mutations.
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
 *    writing any other byte is an ASan report (fuzz_vals_mem.c).
 * A destination running out of memory (a mutated value may be large)
 * ends the input, counted; so does a value too big to walk (VMAX_WORK).
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
	uint32_t e = h->enc % 81u;
	for (uint32_t k = 0; k < NPARTY; k++, e /= 3u) {
		if (flue_instance_create(&store, &P[k].inst) != 0)
			VDIE("flue_instance_create failed");
		vm_reset(&P[k], NAME[k], mems[k], (uint8_t)(e % 3u), (h->mode >> (3u + k) & 1u) != 0);
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

/* A move of a valid value returned: check what it wrote. */
static void after_move(struct party *s, struct party *d)
{
	uint64_t work;
	int rc = vr_check(&T, d, true, &work);
	if (rc != 0)
		VDIE("%s: the lowered value is not valid (%d: %s)", d->name, rc,
		     rc > 0 ? flue_trap_message((enum flue_trap_reason)rc) : "too big");
	vr_print(&T, d);
	vr_compare(&T, &P[PH], d);
	st.pairs[s->enc][d->enc] += W.nstrings != 0;
}

/* The move of an invalid source trapped: as the reference's first check. */
static void after_trap(struct party *s, struct party *d, int expect, uint64_t hd)
{
	if (trap_inst != s->inst || trap_reason != expect)
		VDIE("the invalid source trapped %s with %s; the reference traps %s with %s",
		     trap_inst == s->inst ? s->name : trap_inst == d->inst ? d->name : "?",
		     flue_trap_message((enum flue_trap_reason)trap_reason), s->name,
		     flue_trap_message((enum flue_trap_reason)expect));
	if (d->ncalls != 0)
		VDIE("%s's realloc was called %u times before the source trapped", d->name,
		     d->ncalls);
	if (vm_hash(d) != hd)
		VDIE("%s's memory changed before the source trapped", d->name);
	if (d->inst->poisoned || !s->inst->poisoned)
		VDIE("after the source's trap: %s poisoned %d, %s poisoned %d", s->name,
		     s->inst->poisoned, d->name, d->inst->poisoned);
	st.traps++;
	st.by_reason[expect]++;
}

/* Hop k (P[k] -> P[k+1]); expect: the reference's trap of the source (0:
 * none). Returns whether the round trip goes on. */
static bool hop(uint32_t k, const struct hdr *h, int expect)
{
	struct party *s = &P[k], *d = &P[k + 1u];
	uint32_t count = T.nflat;
	uint8_t form = (uint8_t)(h->dform >> (2u * k) & 3u) % 3u;
	form = form == D_FLAT && count > VMAX_FLAT ? D_REALLOC : form;
	uint32_t smax = pick_max(count, !s->in_mem, h->ssel >> (2u * k));
	uint32_t dmax = pick_max(count, form == D_FLAT, h->dsel >> (2u * k));
	uint32_t outp = form == D_OUTPTR ? vm_alloc(d, T.talign, T.tsize) : 0u;
	flue_flat_t out[VMAX_FLAT + 2u];
	for (uint32_t i = 0; i < VMAX_FLAT + 2u; i++)
		out[i] = 0xA5A5A5A5A5A5A5A5u;
	uint32_t nout = 0xEEEEu, sc = s->ncalls;
	struct flue_vmove m = {
		.g = &T.g, .ts = T.ts, .nts = T.nts,
		.src = { s->inst, vm_realloc, s, s->enc }, .src_max_flat = smax,
		.flat = s->flat, .nflat = s->nflat,
		.dst = { d->inst, vm_realloc, d, d->enc }, .dst_max_flat = dmax,
		.out_ptr = form == D_OUTPTR ? &outp : NULL, .flat_out = out, .nflat_out = &nout,
		.task = FLUE_TASK_NONE, /* no call: no borrows (the types have no handles) */
	};
	vz_trace("hop %s (%s) -> %s (%s): src_max_flat %u, dst_max_flat %u%s\n", s->name,
		 ENC[s->enc], d->name, ENC[d->enc], smax, dmax, form == D_OUTPTR ? ", out_ptr" : "");
	uint64_t hs = vm_hash(s), hd = vm_hash(d);
	bool ok = guarded_move(&m, (h->dform >> (6u + (k == 0 ? 0u : 1u)) & 1u) != 0);
	if (vm_hash(s) != hs || s->ncalls != sc)
		VDIE("the move changed %s's memory or called its realloc", s->name);
	st.hops++;
	if (!ok && d->oom && trap_inst == d->inst) {
		vz_trace("  %s's realloc ran out of memory\n", d->name);
		st.oom++;
		st.oom_mutated += (h->mode & 1u) != 0;
		return false;
	}
	if (expect != 0) {
		if (ok)
			VDIE("the move of an invalid source returned; the reference traps %s (%s)",
			     s->name, flue_trap_message((enum flue_trap_reason)expect));
		after_trap(s, d, expect, hd);
		vz_trace("  trapped %s: %s, as the reference\n", s->name,
			 flue_trap_message((enum flue_trap_reason)expect));
		return false;
	}
	if (!ok)
		VDIE("the move of a valid value trapped %s: %s",
		     trap_inst == s->inst ? s->name : trap_inst == d->inst ? d->name : "?",
		     flue_trap_message((enum flue_trap_reason)trap_reason));
	st.dform[form]++;
	take_result(d, form, out, nout, outp);
	after_move(s, d);
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
	st.hsrc[in_mem]++;
	st.strings += W.nstrings, st.wide += W.nwide, st.latin1 += W.nlatin1;
	uint64_t end = (h->mode & 0x80u) != 0 ? H->last : H->last + rng % (VMEM - H->last + 1u);
	ASAN_POISON_MEMORY_REGION(H->mem + end, VMEM - end);
	H->size = end;
	trace_head(h);
	uint64_t work;
	int rc = vr_check(&T, H, false, &work);
	if (rc != 0)
		VDIE("the writer's value is not valid (%d): a harness defect", rc);
	vr_print(&T, H);
	if ((h->mode & 1u) == 0)
		return 0;
	st.mutated++;
	vm_open(H);
	vg_mutate(&W);
	rc = vr_check(&T, H, false, &work);
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
	int expect = source(&h, &in, seed(data, size));
	if (expect < 0) {
		st.skipped++;
		return 0;
	}
	uint32_t k = 0;
	while (k < 3u && hop(k, &h, k == 0 ? expect : 0))
		k++;
	st.round_trips += k == 3u;
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
