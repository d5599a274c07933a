/*
 * libFuzzer target for the canonical built-ins (flue/abi.h) and end transfer
 * (flue/host.h).
 *
 * The input is a sequence of operations over three component instances
 * (4 KiB of linear memory each) and five element types (unit, u8, u32, f64,
 * record {u8, u32, f32}). Every operation is one opcode byte followed by the
 * argument bytes it needs (missing bytes read as 0). Handle indices, types,
 * lengths and pointers come from the input, biased toward live handles of
 * the right kind, the end's own type and aligned in-range buffers, with a
 * tail of invalid values so that every trap path is reached too.
 *
 * Operations (opcode mod 22; arguments in order, see the op_* functions):
 *   0 stream.new  1 future.new  2..5 async stream/future read/write
 *   6 synchronous read/write  7 cancel (async or sync)  8 drop
 *   9 waitable-set.new  10 poll  11 wait  12 waitable-set.drop  13 join
 *   14 backpressure.inc/dec (0xFF: inc until it traps)  15 error-context
 *   16 flue_end_transfer  17 destroy an instance and create a fresh one
 *   18 an async op on an end, then one on its peer (rendezvous)
 *   19 poll every set of an instance  20 the embedder moves an instance's
 *   memory (the old place is ASan-poisoned)  21 repeat the next op 2..65x
 *
 * A trap is a valid outcome: the trap hook longjmps back here. What is
 * checked:
 *  - after every operation, the structural invariants (invariants.h), that
 *    harness instances stay live, that a poisoned instance stays poisoned
 *    and that no instance is poisoned without a trap; and conservation:
 *    per stream, the elements its writer's results report equal those
 *    its reader's report (counting ops still in progress);
 *  - a trap: exactly one hook call, for the instance called, with a real
 *    reason; a call into a poisoned instance traps POISONED; the first
 *    trap's reason and handle are recorded; nothing but the poisoning
 *    changed (validate, then commit) — except WOULD_BLOCK, which happens
 *    after a synchronous op committed (the op stays parked with its
 *    synchronous waiter, or the waiter count stays raised);
 *  - results: BLOCKED only from async ops, then the end is COPYING, parked
 *    and without an event; otherwise result in COMPLETED/DROPPED/CANCELLED,
 *    progress <= n, a fresh copy never CANCELLED, and the end afterwards
 *    DONE iff DROPPED (or a future COMPLETED), else IDLE; *.new gives two
 *    fresh idle ends of one new object; poll/wait deliver the set's oldest
 *    pending event, with a code matching the end's kind, and store it (or
 *    NONE as 0, 0) at ptr; debug-message stores (0, 0); drops free the slot;
 *  - backpressure against an exact counter model;
 *  - flue_end_transfer against its documented error cases; a failed
 *    transfer changes nothing; a successful one moves the end;
 *  - instance destroy: every op of another instance that was parked on an
 *    object shared with it gets a DROPPED event; after all instances are
 *    destroyed at the end of the input, no shared object remains.
 *
 * At start-up the invariant checker is shown to catch 19 kinds of
 * corruption of a known state (checker_selftest), so it cannot pass
 * vacuously.
 *
 * Set FLUE_FUZZ_TRACE=1 to print the decoded operations of an input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flue/abi.h>
#include <flue/errno.h>
#include <flue/host.h>
#include <flue/store.h>

#include "invariants.h"

/* Guest memory that moves is poisoned for ASan where it was, so that a
 * stale host pointer kept across calls is reported. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define MEM_POISON(p, n) __asan_poison_memory_region((p), (n))
#define MEM_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#endif
#endif
#ifndef MEM_POISON
#define MEM_POISON(p, n) ((void)(p), (void)(n))
#define MEM_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define NINST 3
#define NTYPES 5
#define MEM 4096u
#define MAX_LENGTH ((1u << 28) - 1u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* ------------------------------------------------------------------ input */

struct input {
	const uint8_t *d;
	size_t n, pos;
};

static uint8_t u8(struct input *in)
{
	return in->pos < in->n ? in->d[in->pos++] : 0u;
}

/* --------------------------------------------------------------- harness */

struct harness {
	struct flue_store store;
	struct flue_store snap; /* the store before the current call */
	struct flue_instance *inst[NINST];
	bool poisoned[NINST]; /* the harness saw this instance trap */
	uint32_t bp[NINST];   /* backpressure model */
	uint8_t *mem_data[NINST];
	uint64_t mem_size[NINST];
	flue_type_t types[NTYPES];
	jmp_buf jb;
	bool armed;
	int ntraps;
	struct flue_instance *trap_inst;
	enum flue_trap_reason trap_reason;
	uint32_t trap_handle;
	uint32_t step;
	bool snapped; /* snap holds the store before the current call */
	/* Per stream: elements reported moved by delivered reads [0] and
	 * writes [1] (plus ops forgotten by an instance's destruction). */
	uint64_t moved[FLUE_CONFIG_MAX_SHARED][2];
};

static struct harness g;
/* Each instance's memory lives in one of two places (op_move_memory). */
static uint8_t mem[NINST][2][MEM] __attribute__((aligned(8)));
static uint8_t mem_init[NINST][MEM]; /* contents at the start of every input */
static bool tracing;
static volatile uint32_t bulk_count; /* C_BP_BULK: incs that returned */

__attribute__((format(printf, 1, 2))) static void trace(const char *fmt, ...)
{
	if (!tracing)
		return;
	va_list ap;
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3), noreturn)) static void die(int line, const char *fmt,
								 ...)
{
	va_list ap;
	fprintf(stderr, "\nfuzz_builtins: check failed (line %d, step %u): ", line, g.step);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define CHECK(cond) \
	do { \
		if (!(cond)) \
			die(__LINE__, "%s", #cond); \
	} while (0)

static void trap_hook(void *ctx, struct flue_instance *inst, enum flue_trap_reason r,
		      uint32_t handle)
{
	(void)ctx;
	if (!g.armed)
		die(__LINE__, "trap (%d) outside a guarded built-in call", (int)r);
	g.armed = false;
	g.ntraps++;
	g.trap_inst = inst;
	g.trap_reason = r;
	g.trap_handle = handle;
	longjmp(g.jb, 1);
}

static flue_type_t reg(struct flue_type_desc d)
{
	flue_type_t t = 0;
	if (flue_type_register(&g.store, &d, &t) != FLUE_OK)
		die(__LINE__, "type registration failed");
	return t;
}

static void attach(int k, struct flue_instance *in)
{
	g.inst[k] = in;
	g.poisoned[k] = false;
	g.bp[k] = 0;
	g.mem_size[k] = MEM; /* mem_data: the memory stays where it is */
	flue_instance_set_memory(in, &g.mem_data[k], &g.mem_size[k]);
}

static void setup(void)
{
	flue_store_init(&g.store, trap_hook, NULL);
	g.armed = false;
	g.step = 0;
	for (int k = 0; k < NINST; k++) {
		struct flue_instance *in;
		if (flue_instance_create(&g.store, &in) != FLUE_OK)
			die(__LINE__, "instance_create");
		g.mem_data[k] = mem[k][0];
		attach(k, in);
	}
	for (int k = 0; k < NINST; k++) {
		MEM_UNPOISON(mem[k][0], MEM);
		memcpy(mem[k][0], mem_init[k], MEM);
		MEM_POISON(mem[k][1], MEM);
	}
	g.types[0] = reg((struct flue_type_desc){ .kind = FLUE_TYPE_UNIT });
	g.types[1] = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 });
	g.types[2] = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U32 });
	g.types[3] = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_F64 });
	g.types[4] = reg((struct flue_type_desc){
		.kind = FLUE_TYPE_RECORD, .nfields = 3,
		.fields = { FLUE_NUM_U8, FLUE_NUM_U32, FLUE_NUM_F32 } });
}

/* ------------------------------------------------------------ arguments */

static bool is_end_kind(uint8_t kind)
{
	return kind >= FLUE_H_STREAM_READABLE && kind <= FLUE_H_FUTURE_WRITABLE;
}

static uint8_t end_kind(bool future, bool readable)
{
	if (future)
		return readable ? FLUE_H_FUTURE_READABLE : FLUE_H_FUTURE_WRITABLE;
	return readable ? FLUE_H_STREAM_READABLE : FLUE_H_STREAM_WRITABLE;
}

#define KMASK(k) (1u << (k))
#define ANY_END \
	(KMASK(FLUE_H_STREAM_READABLE) | KMASK(FLUE_H_STREAM_WRITABLE) | \
	 KMASK(FLUE_H_FUTURE_READABLE) | KMASK(FLUE_H_FUTURE_WRITABLE))

/* A handle index: mostly a live slot of one of the kinds in `mask`. */
static uint32_t pick_handle(int k, uint32_t mask, uint8_t b)
{
	const struct flue_instance *in = g.inst[k];
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
		return g.types[b % NTYPES];
	return (b & 1u) != 0u ? (flue_type_t)0 : (flue_type_t)(NTYPES + 1 + (b & 6u));
}

/* The end's own type mostly; else any type, or an unregistered one. */
static flue_type_t pick_type_for(int k, uint32_t idx, uint8_t b)
{
	const struct flue_instance *in = g.inst[k];
	if (b < 0xE8u && idx != 0u && idx < in->len && is_end_kind(in->handles[idx].kind))
		return g.store.shared[in->handles[idx].u.end.shared].type;
	if (b < 0xF8u)
		return g.types[b % NTYPES];
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
	const struct flue_type_info *ti = flue_type_get(&g.store, t);
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

/* -------------------------------------------------------------- calls */

enum call_kind {
	C_STREAM_NEW, C_FUTURE_NEW, C_COPY, C_CANCEL, C_DROP,
	C_WSET_NEW, C_WSET_POLL, C_WSET_WAIT, C_WSET_DROP, C_JOIN,
	C_BP_INC, C_BP_DEC, C_EC_NEW, C_EC_DEBUG, C_EC_DROP, C_BP_BULK,
};

static const char *const call_names[] = {
	"stream.new", "future.new", "copy", "cancel", "drop",
	"waitable-set.new", "waitable-set.poll", "waitable-set.wait", "waitable-set.drop",
	"waitable.join", "backpressure.inc", "backpressure.dec", "error-context.new",
	"error-context.debug-message", "error-context.drop", "backpressure.inc (bulk)",
};

struct call {
	uint8_t kind;
	int k;          /* harness instance */
	bool future, readable, async;
	flue_type_t t;
	uint32_t idx;   /* handle (end, set, error context, waitable) */
	uint32_t ptr;
	uint32_t n;     /* elements (copy), set (join), units (error-context.new) */
	uint32_t opts;
	uint64_t ret64;
	uint32_t ret;
};

static void exec(struct call *c)
{
	struct flue_instance *in = g.inst[c->k];
	switch (c->kind) {
	case C_STREAM_NEW: c->ret64 = flue_canon_stream_new(in, c->t); break;
	case C_FUTURE_NEW: c->ret64 = flue_canon_future_new(in, c->t); break;
	case C_COPY:
		if (c->future)
			c->ret = c->readable ? flue_canon_future_read(in, c->t, c->opts, c->idx, c->ptr)
					     : flue_canon_future_write(in, c->t, c->opts, c->idx, c->ptr);
		else
			c->ret = c->readable
				 ? flue_canon_stream_read(in, c->t, c->opts, c->idx, c->ptr, c->n)
				 : flue_canon_stream_write(in, c->t, c->opts, c->idx, c->ptr, c->n);
		break;
	case C_CANCEL:
		if (c->future)
			c->ret = c->readable ? flue_canon_future_cancel_read(in, c->t, c->opts, c->idx)
					     : flue_canon_future_cancel_write(in, c->t, c->opts, c->idx);
		else
			c->ret = c->readable ? flue_canon_stream_cancel_read(in, c->t, c->opts, c->idx)
					     : flue_canon_stream_cancel_write(in, c->t, c->opts, c->idx);
		break;
	case C_DROP:
		if (c->future && c->readable)
			flue_canon_future_drop_readable(in, c->t, c->idx);
		else if (c->future)
			flue_canon_future_drop_writable(in, c->t, c->idx);
		else if (c->readable)
			flue_canon_stream_drop_readable(in, c->t, c->idx);
		else
			flue_canon_stream_drop_writable(in, c->t, c->idx);
		break;
	case C_WSET_NEW: c->ret = flue_canon_waitable_set_new(in); break;
	case C_WSET_POLL: c->ret = flue_canon_waitable_set_poll(in, c->opts, c->idx, c->ptr); break;
	case C_WSET_WAIT: c->ret = flue_canon_waitable_set_wait(in, c->opts, c->idx, c->ptr); break;
	case C_WSET_DROP: flue_canon_waitable_set_drop(in, c->idx); break;
	case C_JOIN: flue_canon_waitable_join(in, c->idx, c->n); break;
	case C_BP_INC: flue_canon_backpressure_inc(in); break;
	case C_BP_DEC: flue_canon_backpressure_dec(in); break;
	case C_EC_NEW: c->ret = flue_canon_error_context_new(in, c->ptr, c->n); break;
	case C_EC_DEBUG: flue_canon_error_context_debug_message(in, c->idx, c->ptr); break;
	case C_EC_DROP: flue_canon_error_context_drop(in, c->idx); break;
	case C_BP_BULK:
		/* Until it traps (or clearly never will). */
		for (bulk_count = 0; bulk_count <= 0x10000u; bulk_count++)
			flue_canon_backpressure_inc(in);
		break;
	default: die(__LINE__, "bad call kind %u", c->kind);
	}
}

static uint32_t ld32(int k, uint32_t off)
{
	const uint8_t *m = g.mem_data[k];
	return (uint32_t)m[off] | (uint32_t)m[off + 1u] << 8 | (uint32_t)m[off + 2u] << 16 |
	       (uint32_t)m[off + 3u] << 24;
}

/* Checks after a trap. */
static void after_trap(const struct call *c)
{
	struct flue_instance *in = g.inst[c->k];
	enum flue_trap_reason r = g.trap_reason;
	trace("  -> trap %d (%s) handle %u\n", (int)r, flue_trap_message(r), g.trap_handle);
	CHECK(g.ntraps == 1);
	CHECK(g.trap_inst == in);
	CHECK(r > FLUE_TRAP_NONE && r < FLUE_TRAP_REASON_COUNT);
	CHECK(in->poisoned);
	if (g.poisoned[c->k]) {
		if (r != FLUE_TRAP_POISONED)
			die(__LINE__, "call into a poisoned instance trapped %d, not POISONED",
			    (int)r);
	} else {
		CHECK(r != FLUE_TRAP_POISONED);
		CHECK(in->trap_reason == (uint8_t)r);
		CHECK(in->trap_handle == g.trap_handle);
		/* Never reachable here: may_leave is always set, every instance
		 * has memory, and no op is left waiting in a live instance. */
		CHECK(r != FLUE_TRAP_MAY_NOT_LEAVE && r != FLUE_TRAP_NO_MEMORY &&
		      r != FLUE_TRAP_SYNC_WAITER && r != FLUE_TRAP_SET_HAS_WAITERS);
		/* The poisoning is the only change a validating trap may make. */
		struct flue_instance *si = &g.snap.instances[in->id];
		si->poisoned = in->poisoned;
		si->trap_reason = in->trap_reason;
		si->trap_handle = in->trap_handle;
		if (c->kind == C_BP_BULK)
			si->backpressure = in->backpressure; /* the incs that returned */
	}
	if (r == FLUE_TRAP_WOULD_BLOCK) {
		/* Only synchronous forms block, after committing their op. */
		if (c->kind == C_COPY) {
			const struct flue_end *e = &in->handles[c->idx].u.end;
			const struct flue_shared *sh = &g.store.shared[e->shared];
			CHECK(!c->async);
			CHECK(e->state == FLUE_END_COPYING && e->w.sync_waiter && !e->w.has_event);
			CHECK(sh->pending == (c->readable ? FLUE_SIDE_READER : FLUE_SIDE_WRITER));
		} else if (c->kind == C_WSET_WAIT) {
			const struct flue_wset *ws = &in->handles[c->idx].u.wset;
			CHECK(ws->waiting == 1u && ws->head == 0u);
		} else if (c->kind == C_CANCEL) {
			CHECK(!c->async);
		} else {
			die(__LINE__, "WOULD_BLOCK from %s", call_names[c->kind]);
		}
	} else if (g.snapped && memcmp(&g.snap, &g.store, sizeof g.store) != 0) {
		die(__LINE__, "trap %d from %s changed state beyond poisoning", (int)r,
		    call_names[c->kind]);
	}
	g.poisoned[c->k] = true;
}

/* Run one built-in call; true if it trapped (checked by after_trap).
 * `snap`: take the "before" snapshot (always, except inside bulk loops). */
static bool guarded(struct call *c, bool snap)
{
	g.snapped = snap;
	if (snap)
		memcpy(&g.snap, &g.store, sizeof g.store);
	g.ntraps = 0;
	if (setjmp(g.jb) != 0) {
		after_trap(c);
		return true;
	}
	g.armed = true;
	exec(c);
	g.armed = false;
	if (g.poisoned[c->k])
		die(__LINE__, "%s returned from a poisoned instance", call_names[c->kind]);
	CHECK(!g.inst[c->k]->poisoned);
	return false;
}

/* A copy result (stream: result | progress << 4; future: result) and the
 * end's state afterwards. `nmax` bounds the progress. */
static void check_result(int k, uint32_t idx, bool future, uint32_t r, uint32_t nmax,
			 bool fresh_copy)
{
	const struct flue_instance *in = g.inst[k];
	const struct flue_end *e = &in->handles[idx].u.end;
	uint32_t res = future ? r : (r & 0xFu);
	uint32_t progress = future ? 0u : r >> 4;
	CHECK(res <= FLUE_CANCELLED);
	CHECK(progress <= nmax);
	CHECK(!(fresh_copy && res == FLUE_CANCELLED));
	CHECK(!e->w.has_event);
	bool done = res == FLUE_DROPPED || (future && res == FLUE_COMPLETED);
	if (done != (e->state == FLUE_END_DONE) || (!done && e->state != FLUE_END_IDLE))
		die(__LINE__, "result %u left the end in state %u", res, e->state);
	if (!future)
		g.moved[e->shared][in->handles[idx].kind == FLUE_H_STREAM_READABLE ? 0 : 1] +=
			progress;
}

static void check_blocked(int k, uint32_t idx, bool readable)
{
	const struct flue_end *e = &g.inst[k]->handles[idx].u.end;
	CHECK(e->state == FLUE_END_COPYING && !e->w.has_event);
	CHECK(g.store.shared[e->shared].pending ==
	      (readable ? FLUE_SIDE_READER : FLUE_SIDE_WRITER));
}

/* Post-conditions of a call that returned. */
static void after_return(const struct call *c)
{
	const struct flue_instance *in = g.inst[c->k];
	const struct flue_instance *before = &g.snap.instances[in->id];
	switch (c->kind) {
	case C_STREAM_NEW:
	case C_FUTURE_NEW: {
		uint32_t r = (uint32_t)c->ret64, w = (uint32_t)(c->ret64 >> 32);
		bool fut = c->kind == C_FUTURE_NEW;
		trace("  -> %u, %u\n", r, w);
		CHECK(r != 0u && w != 0u && r != w && r < in->len && w < in->len);
		CHECK(in->handles[r].kind == end_kind(fut, true));
		CHECK(in->handles[w].kind == end_kind(fut, false));
		CHECK(before->handles[r].kind == FLUE_H_FREE || r >= before->len);
		CHECK(before->handles[w].kind == FLUE_H_FREE || w >= before->len);
		const struct flue_end *er = &in->handles[r].u.end, *ew = &in->handles[w].u.end;
		CHECK(er->shared == ew->shared);
		CHECK(g.snap.shared[er->shared].kind == 0u);
		const struct flue_shared *sh = &g.store.shared[er->shared];
		CHECK(sh->type == c->t && !sh->dropped && sh->pending == FLUE_SIDE_NONE);
		CHECK(er->state == FLUE_END_IDLE && ew->state == FLUE_END_IDLE);
		g.moved[er->shared][0] = g.moved[er->shared][1] = 0;
		CHECK(!er->w.has_event && !ew->w.has_event && er->w.wset == 0u && ew->w.wset == 0u);
		break;
	}
	case C_COPY:
		trace("  -> 0x%x\n", c->ret);
		if (c->ret == FLUE_BLOCKED) {
			CHECK(c->async);
			check_blocked(c->k, c->idx, c->readable);
		} else {
			check_result(c->k, c->idx, c->future, c->ret, c->future ? 1u : c->n, true);
		}
		break;
	case C_CANCEL:
		trace("  -> 0x%x\n", c->ret);
		CHECK(before->handles[c->idx].u.end.state == FLUE_END_COPYING);
		if (c->ret == FLUE_BLOCKED) {
			CHECK(c->async);
			CHECK(in->handles[c->idx].u.end.state == FLUE_END_CANCELLING);
		} else {
			check_result(c->k, c->idx, c->future, c->ret,
				     before->handles[c->idx].u.end.len, false);
		}
		break;
	case C_DROP:
	case C_WSET_DROP:
	case C_EC_DROP:
		trace("  -> ok\n");
		CHECK(in->handles[c->idx].kind == FLUE_H_FREE);
		break;
	case C_WSET_NEW:
		trace("  -> %u\n", c->ret);
		CHECK(c->ret != 0u && c->ret < in->len);
		CHECK(in->handles[c->ret].kind == FLUE_H_WAITABLE_SET);
		CHECK(in->handles[c->ret].u.wset.members == 0u &&
		      in->handles[c->ret].u.wset.head == 0u);
		break;
	case C_WSET_POLL:
	case C_WSET_WAIT: {
		uint32_t head = before->handles[c->idx].u.wset.head;
		uint32_t p1 = ld32(c->k, c->ptr), p2 = ld32(c->k, c->ptr + 4u);
		trace("  -> code %u (%u, 0x%x)\n", c->ret, p1, p2);
		if (c->ret == FLUE_EVENT_CODE_NONE) {
			CHECK(c->kind == C_WSET_POLL);
			CHECK(head == 0u && p1 == 0u && p2 == 0u);
			break;
		}
		CHECK(head != 0u && p1 == head);
		uint8_t kind = in->handles[p1].kind;
		uint32_t want;
		switch (kind) {
		case FLUE_H_STREAM_READABLE: want = FLUE_EVENT_CODE_STREAM_READ; break;
		case FLUE_H_STREAM_WRITABLE: want = FLUE_EVENT_CODE_STREAM_WRITE; break;
		case FLUE_H_FUTURE_READABLE: want = FLUE_EVENT_CODE_FUTURE_READ; break;
		case FLUE_H_FUTURE_WRITABLE: want = FLUE_EVENT_CODE_FUTURE_WRITE; break;
		default: die(__LINE__, "event for handle %u of kind %u", p1, kind);
		}
		CHECK(c->ret == want);
		bool fut = kind == FLUE_H_FUTURE_READABLE || kind == FLUE_H_FUTURE_WRITABLE;
		check_result(c->k, p1, fut, p2, before->handles[p1].u.end.len, false);
		break;
	}
	case C_JOIN:
		trace("  -> ok\n");
		CHECK(in->handles[c->idx].u.end.w.wset == c->n);
		break;
	case C_BP_INC:
	case C_BP_DEC:
		break;
	case C_EC_NEW:
		trace("  -> %u\n", c->ret);
		CHECK(c->ret != 0u && c->ret < in->len &&
		      in->handles[c->ret].kind == FLUE_H_ERROR_CONTEXT);
		break;
	case C_EC_DEBUG:
		trace("  -> ok\n");
		CHECK(ld32(c->k, c->ptr) == 0u && ld32(c->k, c->ptr + 4u) == 0u);
		break;
	default:
		break;
	}
}

static void run(struct call *c)
{
	trace("[%u] inst %d: %s", g.step, c->k, call_names[c->kind]);
	if (c->kind == C_COPY || c->kind == C_CANCEL || c->kind == C_DROP)
		trace(" %s %s%s", c->future ? "future" : "stream", c->readable ? "r" : "w",
		      c->async ? " async" : "");
	trace(" t=%u idx=%u ptr=%u n=%u\n", c->t, c->idx, c->ptr, c->n);
	if (!guarded(c, true))
		after_return(c);
}

/* ----------------------------------------------------------- operations */

static void op_new(struct input *in, bool future)
{
	struct call c = { .kind = future ? C_FUTURE_NEW : C_STREAM_NEW };
	c.k = u8(in) % NINST;
	c.t = pick_new_type(u8(in));
	run(&c);
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
	run(&c);
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
	const struct flue_instance *in0 = g.inst[k];
	if (idx == 0u || idx >= in0->len || in0->handles[idx].kind != end_kind(future, readable))
		return; /* the first end is gone (or never was) */
	const struct flue_shared *sh = &g.store.shared[in0->handles[idx].u.end.shared];
	const struct flue_end_ref *peer = readable ? &sh->writer : &sh->reader;
	for (int k2 = 0; k2 < NINST; k2++)
		if (peer->inst != FLUE_REF_NONE && g.inst[k2]->id == peer->inst)
			op_copy_at(in, future, !readable, (sel & 8u) == 0u, k2, peer->handle);
}

/* Poll every waitable set of one instance once. */
static void op_poll_all(struct input *in)
{
	int k = u8(in) % NINST;
	uint32_t ptr = pick_payload(u8(in));
	for (uint32_t i = 1; i < g.inst[k]->len; i++) {
		if (g.inst[k]->handles[i].kind != FLUE_H_WAITABLE_SET)
			continue;
		struct call c = { .kind = C_WSET_POLL, .k = k, .idx = i, .ptr = ptr };
		run(&c);
		if (g.poisoned[k])
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
	run(&c);
}

static void op_drop(struct input *in)
{
	uint8_t sel = u8(in);
	struct call c = { .kind = C_DROP, .future = (sel & 1u) != 0u,
			  .readable = (sel & 2u) != 0u };
	c.k = u8(in) % NINST;
	c.idx = pick_handle(c.k, KMASK(end_kind(c.future, c.readable)), u8(in));
	c.t = pick_type_for(c.k, c.idx, u8(in));
	run(&c);
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
		c.opts = (b & 2u) != 0u ? FLUE_OPT_CANCELLABLE : 0u;
	}
	run(&c);
}

static void op_join(struct input *in)
{
	struct call c = { .kind = C_JOIN };
	c.k = u8(in) % NINST;
	c.idx = pick_handle(c.k, ANY_END, u8(in));
	uint8_t b = u8(in);
	c.n = (b & 3u) == 0u ? 0u : pick_handle(c.k, KMASK(FLUE_H_WAITABLE_SET), (uint8_t)(b >> 2));
	run(&c);
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
		uint32_t expect = g.poisoned[k] ? 0u : 0xFFFFu - g.bp[k];
		want = g.poisoned[k] ? FLUE_TRAP_POISONED : FLUE_TRAP_BACKPRESSURE_OVERFLOW;
		trace("[%u] inst %d: backpressure.inc until it traps\n", g.step, k);
		if (!guarded(&c, true))
			die(__LINE__, "backpressure.inc never trapped");
		if (g.trap_reason != want || bulk_count != expect)
			die(__LINE__, "backpressure: trap %d after %u incs, expected %d after %u",
			    (int)g.trap_reason, bulk_count, (int)want, expect);
		g.bp[k] += expect;
		CHECK(g.inst[k]->backpressure == g.bp[k]);
		return;
	}
	struct call c = { .kind = inc ? C_BP_INC : C_BP_DEC, .k = k };
	trace("[%u] inst %d: backpressure.%s\n", g.step, k, inc ? "inc" : "dec");
	if (g.poisoned[k])
		want = FLUE_TRAP_POISONED;
	else if (inc && g.bp[k] == 0xFFFFu)
		want = FLUE_TRAP_BACKPRESSURE_OVERFLOW;
	else if (!inc && g.bp[k] == 0u)
		want = FLUE_TRAP_BACKPRESSURE_UNDERFLOW;
	bool trapped = guarded(&c, true);
	if (trapped != (want != FLUE_TRAP_NONE) || (trapped && g.trap_reason != want))
		die(__LINE__, "backpressure at %u: trap %d, expected %d", g.bp[k],
		    trapped ? (int)g.trap_reason : 0, (int)want);
	if (!trapped)
		g.bp[k] = inc ? g.bp[k] + 1u : g.bp[k] - 1u;
	CHECK(g.inst[k]->backpressure == g.bp[k]);
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
	run(&c);
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
	struct flue_instance *from = g.inst[kf], *to = g.inst[kt];
	uint32_t e = pick_handle(kf, KMASK(FLUE_H_STREAM_READABLE) | KMASK(FLUE_H_FUTURE_READABLE),
				 u8(in));
	flue_type_t t = pick_type_for(kf, e, u8(in));
	uint32_t out = 0;
	trace("[%u] transfer inst %d end %u t=%u -> inst %d\n", g.step, kf, e, t, kt);

	/* The documented outcome. */
	bool readable = e != 0u && e < from->len &&
			(from->handles[e].kind == FLUE_H_STREAM_READABLE ||
			 from->handles[e].kind == FLUE_H_FUTURE_READABLE);
	const struct flue_end *end = readable ? &from->handles[e].u.end : NULL;
	bool badf = !readable || g.store.shared[end->shared].type != t;
	bool busy = !badf && (end->state != FLUE_END_IDLE || end->w.wset != 0u);
	bool full = from != to && table_room(to) == 0u;
	uint8_t kind = readable ? from->handles[e].kind : 0u;
	uint16_t si = readable ? end->shared : 0u;

	memcpy(&g.snap, &g.store, sizeof g.store);
	int rc = flue_end_transfer(from, e, t, to, &out);
	trace("  -> rc %d out %u\n", rc, out);
	if (badf)
		CHECK(rc == FLUE_EBADF);
	else if (busy || full)
		CHECK((busy && rc == FLUE_EBUSY) || (full && rc == FLUE_ENOSPC));
	else
		CHECK(rc == FLUE_OK);
	if (rc != FLUE_OK) {
		if (memcmp(&g.snap, &g.store, sizeof g.store) != 0)
			die(__LINE__, "failed transfer (%d) changed state", rc);
		return;
	}
	CHECK(out != 0u && out < to->len && to->handles[out].kind == kind);
	CHECK(from->handles[e].kind == FLUE_H_FREE || (from == to && out == e));
	const struct flue_end *ne = &to->handles[out].u.end;
	CHECK(ne->shared == si && ne->state == FLUE_END_IDLE && !ne->w.has_event &&
	      ne->w.wset == 0u);
	CHECK(g.store.shared[si].reader.inst == to->id && g.store.shared[si].reader.handle == out);
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
	struct flue_instance *old = g.inst[k], *fresh = NULL;
	struct parked_peer peers[FLUE_CONFIG_MAX_SHARED];
	uint32_t npeers = 0;
	trace("[%u] destroy inst %d (id %u)%s\n", g.step, k, old->id,
	      create_first ? ", created first" : "");

	/* Ops of other instances parked on objects shared with `old`. */
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++) {
		const struct flue_shared *sh = &g.store.shared[si];
		if (sh->kind == 0u || sh->pending == FLUE_SIDE_NONE)
			continue;
		const struct flue_end_ref *parked =
			sh->pending == FLUE_SIDE_READER ? &sh->reader : &sh->writer;
		const struct flue_end_ref *other =
			sh->pending == FLUE_SIDE_READER ? &sh->writer : &sh->reader;
		if (parked->inst != old->id && other->inst == old->id)
			peers[npeers++] = (struct parked_peer){ &g.store.instances[parked->inst],
								parked->handle };
	}
	/* Ops in progress are forgotten: count what they moved. */
	for (uint32_t i = 1; i < old->len; i++) {
		const struct flue_handle *h = &old->handles[i];
		bool busy = h->u.end.state == FLUE_END_COPYING ||
			    h->u.end.state == FLUE_END_CANCELLING;
		if ((h->kind == FLUE_H_STREAM_READABLE || h->kind == FLUE_H_STREAM_WRITABLE) && busy)
			g.moved[h->u.end.shared][h->kind == FLUE_H_STREAM_READABLE ? 0 : 1] +=
				h->u.end.progress;
	}
	if (create_first && flue_instance_create(&g.store, &fresh) != FLUE_OK)
		die(__LINE__, "instance_create");
	flue_instance_destroy(old);
	CHECK(!old->live);
	for (uint32_t i = 0; i < npeers; i++) {
		const struct flue_end *e = &peers[i].inst->handles[peers[i].idx].u.end;
		if (!e->w.has_event || e->ev_result != FLUE_RESULT_DROPPED)
			die(__LINE__, "parked peer (%u, %u) did not get DROPPED", peers[i].inst->id,
			    peers[i].idx);
	}
	if (!create_first && flue_instance_create(&g.store, &fresh) != FLUE_OK)
		die(__LINE__, "instance_create");
	CHECK(fresh->live && !fresh->poisoned && fresh->len == 1u && fresh->free_head == 0u &&
	      fresh->backpressure == 0u);
	attach(k, fresh);
	trace("  -> new id %u\n", fresh->id);
}

/* The embedder moves an instance's linear memory between calls (flue
 * re-reads the base at every access): copy it to its other place and
 * poison the old one. */
static void op_move_memory(struct input *in)
{
	int k = u8(in) % NINST;
	uint8_t *from = g.mem_data[k];
	uint8_t *to = from == mem[k][0] ? mem[k][1] : mem[k][0];
	trace("[%u] move memory of inst %d\n", g.step, k);
	MEM_UNPOISON(to, MEM);
	memcpy(to, from, MEM);
	MEM_POISON(from, MEM);
	g.mem_data[k] = to;
}

static void check_all(void);

static void step(struct input *in, uint32_t depth)
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
			step(in, depth + 1u);
			if (i + 1u < times)
				check_all();
		}
		break;
	}
	}
}

/* Elements moved by op `e` of a stream so far, if it is in progress. */
static uint64_t in_flight(const struct flue_end_ref *r)
{
	if (r->inst == FLUE_REF_NONE)
		return 0;
	const struct flue_end *e = &g.store.instances[r->inst].handles[r->handle].u.end;
	bool busy = e->state == FLUE_END_COPYING || e->state == FLUE_END_CANCELLING;
	return busy ? e->progress : 0u;
}

/* Checks after every step. */
static void check_all(void)
{
	char msg[256];
	if (!flue_invariants_check(&g.store, msg, sizeof msg))
		die(__LINE__, "invariant: %s", msg);
	/* Conservation: every element a stream's writer gave up was taken by
	 * its reader (delivered results plus ops still in progress). */
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++) {
		const struct flue_shared *sh = &g.store.shared[si];
		if (sh->kind != 1u || sh->channel != NULL)
			continue;
		uint64_t r = g.moved[si][0] + in_flight(&sh->reader);
		uint64_t w = g.moved[si][1] + in_flight(&sh->writer);
		if (r != w)
			die(__LINE__, "stream %u: reader got %llu elements, writer gave %llu", si,
			    (unsigned long long)r, (unsigned long long)w);
	}
	for (int k = 0; k < NINST; k++) {
		const struct flue_instance *in = g.inst[k];
		CHECK(in->live);
		if (in->poisoned != g.poisoned[k])
			die(__LINE__, "inst %d poisoned %d, harness saw %d", k, in->poisoned,
			    g.poisoned[k]);
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

/* ------------------------------------------------- checker self-test */

static struct flue_store scratch;

/* The pristine state passes; the state with one corruption must not. */
static void expect_caught(const char *what, void (*corrupt)(struct flue_store *s))
{
	char msg[256];
	memcpy(&scratch, &g.store, sizeof scratch);
	for (uint32_t k = 0; k < FLUE_CONFIG_MAX_INSTANCES; k++)
		scratch.instances[k].store = &scratch;
	if (!flue_invariants_check(&scratch, msg, sizeof msg))
		die(__LINE__, "self-test copy: %s", msg);
	corrupt(&scratch);
	if (flue_invariants_check(&scratch, msg, sizeof msg))
		die(__LINE__, "invariant checker missed: %s", what);
}

/* Inst 0 of the self-test: set 1 with members 3 (parked writer, no event),
 * 4 and 7 (parked readers with events, queued in that order); 6 is free. */
#define H(s, i) ((s)->instances[0].handles[i])
static void c_index0(struct flue_store *s) { H(s, 0).kind = FLUE_H_ERROR_CONTEXT; }
static void c_free_cycle(struct flue_store *s) { H(s, 6).u.next_free = 6; }
static void c_free_leak(struct flue_store *s) { s->instances[0].free_head = 0; }
static void c_free_live(struct flue_store *s) { s->instances[0].free_head = 5; }
static void c_nfree(struct flue_store *s) { s->instances[0].nfree++; }
static void c_beyond_len(struct flue_store *s) { s->instances[0].len = 7; }
static void c_wset_kind(struct flue_store *s) { H(s, 3).u.end.w.wset = 2; }
static void c_members(struct flue_store *s) { H(s, 1).u.wset.members = 2; }
static void c_unqueued(struct flue_store *s) { H(s, 1).u.wset.tail = 4; H(s, 4).u.end.w.next = 0; }
static void c_queued_no_event(struct flue_store *s) { H(s, 7).u.end.w.has_event = false; }
static void c_prev(struct flue_store *s) { H(s, 7).u.end.w.prev = 0; }
static void c_stamps(struct flue_store *s)
{
	uint32_t t = H(s, 4).u.end.w.stamp;
	H(s, 4).u.end.w.stamp = H(s, 7).u.end.w.stamp;
	H(s, 7).u.end.w.stamp = t;
}
static void c_ref(struct flue_store *s) { s->shared[H(s, 3).u.end.shared].writer.handle = 5; }
static void c_shared_free(struct flue_store *s) { s->shared[H(s, 3).u.end.shared].kind = 0; }
static void c_shared_leak(struct flue_store *s)
{
	/* A free object below shared_unused that is not on the free list. */
	s->shared[s->shared_unused].reader.inst = FLUE_REF_NONE;
	s->shared[s->shared_unused].writer.inst = FLUE_REF_NONE;
	s->shared_unused++;
}
static void c_lost_event(struct flue_store *s)
{
	s->shared[H(s, 3).u.end.shared].pending = FLUE_SIDE_NONE;
}
static void c_pending_idle(struct flue_store *s) { H(s, 3).u.end.state = FLUE_END_IDLE; }
static void c_progress(struct flue_store *s) { H(s, 3).u.end.progress = 5; }
static void c_done_event(struct flue_store *s) { H(s, 4).u.end.state = FLUE_END_DONE; }
#undef H

static void checker_selftest(void)
{
	char msg[256];
	setup();
	struct flue_instance *a = g.inst[0];
	flue_type_t t = g.types[1]; /* u8 */
	const uint32_t async = FLUE_OPT_ASYNC;
	CHECK(flue_canon_waitable_set_new(a) == 1u);
	CHECK(flue_canon_stream_new(a, t) == (2u | 3ull << 32));
	CHECK(flue_canon_stream_new(a, t) == (4u | 5ull << 32));
	CHECK(flue_canon_error_context_new(a, 0, 0) == 6u);
	CHECK(flue_canon_stream_new(a, t) == (7u | 8ull << 32));
	flue_canon_error_context_drop(a, 6);
	flue_canon_waitable_join(a, 3, 1);
	flue_canon_waitable_join(a, 4, 1);
	flue_canon_waitable_join(a, 7, 1);
	CHECK(flue_canon_stream_write(a, t, async, 3, 0, 4) == FLUE_BLOCKED);
	CHECK(flue_canon_stream_read(a, t, async, 4, 0, 4) == FLUE_BLOCKED);
	CHECK(flue_canon_stream_write(a, t, async, 5, 0, 2) == 0x20u);
	CHECK(flue_canon_stream_read(a, t, async, 7, 0, 4) == FLUE_BLOCKED);
	CHECK(flue_canon_stream_write(a, t, async, 8, 0, 1) == 0x10u);
	if (!flue_invariants_check(&g.store, msg, sizeof msg))
		die(__LINE__, "self-test state: %s", msg);
	expect_caught("index 0 in use", c_index0);
	expect_caught("free-list cycle", c_free_cycle);
	expect_caught("free slot off the free list", c_free_leak);
	expect_caught("live slot on the free list", c_free_live);
	expect_caught("free-slot count", c_nfree);
	expect_caught("slot in use beyond len", c_beyond_len);
	expect_caught("wset naming a non-set", c_wset_kind);
	expect_caught("wrong member count", c_members);
	expect_caught("pending member not queued", c_unqueued);
	expect_caught("queued member without event", c_queued_no_event);
	expect_caught("broken prev link", c_prev);
	expect_caught("queue out of stamp order", c_stamps);
	expect_caught("ref not pointing back", c_ref);
	expect_caught("end of a free shared object", c_shared_free);
	expect_caught("shared object off the pool free list", c_shared_leak);
	expect_caught("lost event", c_lost_event);
	expect_caught("parked end idle", c_pending_idle);
	expect_caught("progress > len", c_progress);
	expect_caught("DONE end with an event", c_done_event);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *t = getenv("FLUE_FUZZ_TRACE");
	tracing = t != NULL && t[0] != '\0' && t[0] != '0';
	checker_selftest();
	/* Known memory contents, with f64 NaNs at every 16-byte boundary. */
	for (uint32_t k = 0; k < NINST; k++)
		for (uint32_t i = 0; i < MEM; i++)
			mem_init[k][i] = (i % 16u) < 8u ? 0xFFu : (uint8_t)(i * 7u + k);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	setup();
	check_all();
	while (in.pos < in.n) {
		step(&in, 0);
		g.step++;
		check_all();
	}
	/* Tear everything down: no shared object may survive its ends. */
	for (int k = 0; k < NINST; k++)
		flue_instance_destroy(g.inst[k]);
	char msg[256];
	if (!flue_invariants_check(&g.store, msg, sizeof msg))
		die(__LINE__, "invariant after teardown: %s", msg);
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++)
		if (g.store.shared[si].kind != 0u)
			die(__LINE__, "shared object %u leaked after all instances died", si);
	return 0;
}
