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
 * Operations (opcode mod 22; arguments in order, see the op_* functions in
 * fuzz_ops.c):
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
 * corruption of a known state (fz_checker_selftest), so it cannot pass
 * vacuously.
 *
 * Files: this one holds the harness state, set-up, trap hook, the call
 * runner with its result checks and the libFuzzer entry points;
 * fuzz_ops.c the input decoding, argument pickers and operations;
 * fuzz_selftest.c the checker self-test; fuzz_internal.h what they share.
 *
 * Set FLUE_FUZZ_TRACE=1 to print the decoded operations of an input.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flue/abi.h>
#include <flue/errno.h>
#include <flue/host.h>
#include <flue/store.h>

#include "fuzz_internal.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* --------------------------------------------------------------- harness */

struct harness fz_g;
/* Each instance's memory lives in one of two places (op_move_memory). */
uint8_t fz_mem[NINST][2][MEM] __attribute__((aligned(8)));
static uint8_t mem_init[NINST][MEM]; /* contents at the start of every input */
static bool tracing;
volatile uint32_t fz_bulk_count; /* C_BP_BULK: incs that returned */

void fz_trace(const char *fmt, ...)
{
	if (!tracing)
		return;
	va_list ap;
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void fz_die(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\nfuzz_builtins: check failed (%s:%d, step %u): ", file, line, fz_g.step);
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
	if (!fz_g.armed)
		DIE("trap (%d) outside a guarded built-in call", (int)r);
	fz_g.armed = false;
	fz_g.ntraps++;
	fz_g.trap_inst = inst;
	fz_g.trap_reason = r;
	fz_g.trap_handle = handle;
	longjmp(fz_g.jb, 1);
}

static flue_type_t reg(struct flue_type_desc d)
{
	flue_type_t t = 0;
	if (flue_type_register(&fz_g.store, &d, &t) != FLUE_OK)
		DIE("type registration failed");
	return t;
}

void fz_attach(int k, struct flue_instance *in)
{
	fz_g.inst[k] = in;
	fz_g.poisoned[k] = false;
	fz_g.bp[k] = 0;
	fz_g.mem_size[k] = MEM; /* mem_data: the memory stays where it is */
	flue_instance_set_memory(in, &fz_g.mem_data[k], &fz_g.mem_size[k]);
}

void fz_setup(void)
{
	flue_store_init(&fz_g.store, trap_hook, NULL);
	fz_g.armed = false;
	fz_g.step = 0;
	for (int k = 0; k < NINST; k++) {
		struct flue_instance *in;
		if (flue_instance_create(&fz_g.store, &in) != FLUE_OK)
			DIE("instance_create");
		fz_g.mem_data[k] = fz_mem[k][0];
		fz_attach(k, in);
	}
	for (int k = 0; k < NINST; k++) {
		MEM_UNPOISON(fz_mem[k][0], MEM);
		memcpy(fz_mem[k][0], mem_init[k], MEM);
		MEM_POISON(fz_mem[k][1], MEM);
	}
	fz_g.types[0] = reg((struct flue_type_desc){ .kind = FLUE_TYPE_UNIT });
	fz_g.types[1] =
		reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 });
	fz_g.types[2] =
		reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U32 });
	fz_g.types[3] =
		reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_F64 });
	fz_g.types[4] = reg((struct flue_type_desc){
		.kind = FLUE_TYPE_RECORD, .nfields = 3,
		.fields = { FLUE_NUM_U8, FLUE_NUM_U32, FLUE_NUM_F32 } });
}

/* -------------------------------------------------------------- calls */

static const char *const call_names[] = {
	"stream.new", "future.new", "copy", "cancel", "drop",
	"waitable-set.new", "waitable-set.poll", "waitable-set.wait", "waitable-set.drop",
	"waitable.join", "backpressure.inc", "backpressure.dec", "error-context.new",
	"error-context.debug-message", "error-context.drop", "backpressure.inc (bulk)",
};

static void exec(struct call *c)
{
	struct flue_instance *in = fz_g.inst[c->k];
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
	case C_WSET_POLL: c->ret = flue_canon_waitable_set_poll(in, c->idx, c->ptr); break;
	case C_WSET_WAIT: c->ret = flue_canon_waitable_set_wait(in, c->idx, c->ptr); break;
	case C_WSET_DROP: flue_canon_waitable_set_drop(in, c->idx); break;
	case C_JOIN: flue_canon_waitable_join(in, c->idx, c->n); break;
	case C_BP_INC: flue_canon_backpressure_inc(in); break;
	case C_BP_DEC: flue_canon_backpressure_dec(in); break;
	case C_EC_NEW: c->ret = flue_canon_error_context_new(in, c->ptr, c->n); break;
	case C_EC_DEBUG: flue_canon_error_context_debug_message(in, c->idx, c->ptr); break;
	case C_EC_DROP: flue_canon_error_context_drop(in, c->idx); break;
	case C_BP_BULK:
		/* Until it traps (or clearly never will). */
		for (fz_bulk_count = 0; fz_bulk_count <= 0x10000u; fz_bulk_count++)
			flue_canon_backpressure_inc(in);
		break;
	default: DIE("bad call kind %u", c->kind);
	}
}

static uint32_t ld32(int k, uint32_t off)
{
	const uint8_t *m = fz_g.mem_data[k];
	return (uint32_t)m[off] | (uint32_t)m[off + 1u] << 8 | (uint32_t)m[off + 2u] << 16 |
	       (uint32_t)m[off + 3u] << 24;
}

/* Checks after a trap. */
static void after_trap(const struct call *c)
{
	struct flue_instance *in = fz_g.inst[c->k];
	enum flue_trap_reason r = fz_g.trap_reason;
	fz_trace("  -> trap %d (%s) handle %u\n", (int)r, flue_trap_message(r), fz_g.trap_handle);
	CHECK(fz_g.ntraps == 1);
	CHECK(fz_g.trap_inst == in);
	CHECK(r > FLUE_TRAP_NONE && r < FLUE_TRAP_REASON_COUNT);
	CHECK(in->poisoned);
	if (fz_g.poisoned[c->k]) {
		if (r != FLUE_TRAP_POISONED)
			DIE("call into a poisoned instance trapped %d, not POISONED",
			    (int)r);
	} else {
		CHECK(r != FLUE_TRAP_POISONED);
		CHECK(in->trap_reason == (uint8_t)r);
		CHECK(in->trap_handle == fz_g.trap_handle);
		/* Never reachable here: may_leave is always set, every instance
		 * has memory, and no op is left waiting in a live instance. */
		CHECK(r != FLUE_TRAP_MAY_NOT_LEAVE && r != FLUE_TRAP_NO_MEMORY &&
		      r != FLUE_TRAP_SYNC_WAITER && r != FLUE_TRAP_SET_HAS_WAITERS);
		/* The poisoning is the only change a validating trap may make. */
		struct flue_instance *si = &fz_g.snap.instances[in->id];
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
			const struct flue_shared *sh = &fz_g.store.shared[e->shared];
			CHECK(!c->async);
			CHECK(e->state == FLUE_END_COPYING && e->w.sync_waiter && !e->w.has_event);
			CHECK(sh->pending == (c->readable ? FLUE_SIDE_READER : FLUE_SIDE_WRITER));
		} else if (c->kind == C_WSET_WAIT) {
			const struct flue_wset *ws = &in->handles[c->idx].u.wset;
			CHECK(ws->waiting == 1u && ws->head == 0u);
		} else if (c->kind == C_CANCEL) {
			CHECK(!c->async);
		} else {
			DIE("WOULD_BLOCK from %s", call_names[c->kind]);
		}
	} else if (fz_g.snapped && memcmp(&fz_g.snap, &fz_g.store, sizeof fz_g.store) != 0) {
		DIE("trap %d from %s changed state beyond poisoning", (int)r,
		    call_names[c->kind]);
	}
	fz_g.poisoned[c->k] = true;
}

/* Run one built-in call; true if it trapped (checked by after_trap).
 * `snap`: take the "before" snapshot (always, except inside bulk loops). */
bool fz_guarded(struct call *c, bool snap)
{
	fz_g.snapped = snap;
	if (snap)
		memcpy(&fz_g.snap, &fz_g.store, sizeof fz_g.store);
	fz_g.ntraps = 0;
	if (setjmp(fz_g.jb) != 0) {
		after_trap(c);
		return true;
	}
	fz_g.armed = true;
	exec(c);
	fz_g.armed = false;
	if (fz_g.poisoned[c->k])
		DIE("%s returned from a poisoned instance", call_names[c->kind]);
	CHECK(!fz_g.inst[c->k]->poisoned);
	return false;
}

/* A copy result (stream: result | progress << 4; future: result) and the
 * end's state afterwards. `nmax` bounds the progress. */
static void check_result(int k, uint32_t idx, bool future, uint32_t r, uint32_t nmax,
			 bool fresh_copy)
{
	const struct flue_instance *in = fz_g.inst[k];
	const struct flue_end *e = &in->handles[idx].u.end;
	uint32_t res = future ? r : (r & 0xFu);
	uint32_t progress = future ? 0u : r >> 4;
	CHECK(res <= FLUE_CANCELLED);
	CHECK(progress <= nmax);
	CHECK(!(fresh_copy && res == FLUE_CANCELLED));
	CHECK(!e->w.has_event);
	bool done = res == FLUE_DROPPED || (future && res == FLUE_COMPLETED);
	if (done != (e->state == FLUE_END_DONE) || (!done && e->state != FLUE_END_IDLE))
		DIE("result %u left the end in state %u", res, e->state);
	if (!future)
		fz_g.moved[e->shared][in->handles[idx].kind == FLUE_H_STREAM_READABLE ? 0 : 1] +=
			progress;
}

static void check_blocked(int k, uint32_t idx, bool readable)
{
	const struct flue_end *e = &fz_g.inst[k]->handles[idx].u.end;
	CHECK(e->state == FLUE_END_COPYING && !e->w.has_event);
	CHECK(fz_g.store.shared[e->shared].pending ==
	      (readable ? FLUE_SIDE_READER : FLUE_SIDE_WRITER));
}

/* Post-conditions of a call that returned. */
static void after_return(const struct call *c)
{
	const struct flue_instance *in = fz_g.inst[c->k];
	const struct flue_instance *before = &fz_g.snap.instances[in->id];
	switch (c->kind) {
	case C_STREAM_NEW:
	case C_FUTURE_NEW: {
		uint32_t r = (uint32_t)c->ret64, w = (uint32_t)(c->ret64 >> 32);
		bool fut = c->kind == C_FUTURE_NEW;
		fz_trace("  -> %u, %u\n", r, w);
		CHECK(r != 0u && w != 0u && r != w && r < in->len && w < in->len);
		CHECK(in->handles[r].kind == end_kind(fut, true));
		CHECK(in->handles[w].kind == end_kind(fut, false));
		CHECK(before->handles[r].kind == FLUE_H_FREE || r >= before->len);
		CHECK(before->handles[w].kind == FLUE_H_FREE || w >= before->len);
		const struct flue_end *er = &in->handles[r].u.end, *ew = &in->handles[w].u.end;
		CHECK(er->shared == ew->shared);
		CHECK(fz_g.snap.shared[er->shared].kind == 0u);
		const struct flue_shared *sh = &fz_g.store.shared[er->shared];
		CHECK(sh->type == c->t && !sh->dropped && sh->pending == FLUE_SIDE_NONE);
		CHECK(er->state == FLUE_END_IDLE && ew->state == FLUE_END_IDLE);
		fz_g.moved[er->shared][0] = fz_g.moved[er->shared][1] = 0;
		CHECK(!er->w.has_event && !ew->w.has_event && er->w.wset == 0u && ew->w.wset == 0u);
		break;
	}
	case C_COPY:
		fz_trace("  -> 0x%x\n", c->ret);
		fz_g.op_len[c->k][c->idx] = c->future ? 1u : c->n; /* it started */
		if (c->ret == FLUE_BLOCKED) {
			CHECK(c->async);
			check_blocked(c->k, c->idx, c->readable);
		} else {
			check_result(c->k, c->idx, c->future, c->ret, c->future ? 1u : c->n, true);
		}
		break;
	case C_CANCEL:
		fz_trace("  -> 0x%x\n", c->ret);
		CHECK(before->handles[c->idx].u.end.state == FLUE_END_COPYING);
		if (c->ret == FLUE_BLOCKED) {
			CHECK(c->async);
			CHECK(in->handles[c->idx].u.end.state == FLUE_END_CANCELLING);
		} else {
			check_result(c->k, c->idx, c->future, c->ret, fz_g.op_len[c->k][c->idx],
				     false);
		}
		break;
	case C_DROP:
	case C_WSET_DROP:
	case C_EC_DROP:
		fz_trace("  -> ok\n");
		CHECK(in->handles[c->idx].kind == FLUE_H_FREE);
		break;
	case C_WSET_NEW:
		fz_trace("  -> %u\n", c->ret);
		CHECK(c->ret != 0u && c->ret < in->len);
		CHECK(in->handles[c->ret].kind == FLUE_H_WAITABLE_SET);
		CHECK(in->handles[c->ret].u.wset.members == 0u &&
		      in->handles[c->ret].u.wset.head == 0u);
		break;
	case C_WSET_POLL:
	case C_WSET_WAIT: {
		uint32_t head = before->handles[c->idx].u.wset.head;
		uint32_t p1 = ld32(c->k, c->ptr), p2 = ld32(c->k, c->ptr + 4u);
		fz_trace("  -> code %u (%u, 0x%x)\n", c->ret, p1, p2);
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
		default: DIE("event for handle %u of kind %u", p1, kind);
		}
		CHECK(c->ret == want);
		bool fut = kind == FLUE_H_FUTURE_READABLE || kind == FLUE_H_FUTURE_WRITABLE;
		check_result(c->k, p1, fut, p2, fz_g.op_len[c->k][p1], false);
		break;
	}
	case C_JOIN:
		fz_trace("  -> ok\n");
		CHECK(in->handles[c->idx].u.end.w.wset == c->n);
		break;
	case C_BP_INC:
	case C_BP_DEC:
		break;
	case C_EC_NEW:
		fz_trace("  -> %u\n", c->ret);
		CHECK(c->ret != 0u && c->ret < in->len &&
		      in->handles[c->ret].kind == FLUE_H_ERROR_CONTEXT);
		break;
	case C_EC_DEBUG:
		fz_trace("  -> ok\n");
		CHECK(ld32(c->k, c->ptr) == 0u && ld32(c->k, c->ptr + 4u) == 0u);
		break;
	default:
		break;
	}
}

void fz_run(struct call *c)
{
	fz_trace("[%u] inst %d: %s", fz_g.step, c->k, call_names[c->kind]);
	if (c->kind == C_COPY || c->kind == C_CANCEL || c->kind == C_DROP)
		fz_trace(" %s %s%s", c->future ? "future" : "stream", c->readable ? "r" : "w",
		         c->async ? " async" : "");
	fz_trace(" t=%u idx=%u ptr=%u n=%u\n", c->t, c->idx, c->ptr, c->n);
	if (!fz_guarded(c, true))
		after_return(c);
}

/* ---------------------------------------------------------- entry points */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *t = getenv("FLUE_FUZZ_TRACE");
	tracing = t != NULL && t[0] != '\0' && t[0] != '0';
	fz_checker_selftest();
	/* Known memory contents, with f64 NaNs at every 16-byte boundary. */
	for (uint32_t k = 0; k < NINST; k++)
		for (uint32_t i = 0; i < MEM; i++)
			mem_init[k][i] = (i % 16u) < 8u ? 0xFFu : (uint8_t)(i * 7u + k);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	fz_setup();
	fz_check_all();
	while (in.pos < in.n) {
		fz_step(&in, 0);
		fz_g.step++;
		fz_check_all();
	}
	/* Tear everything down: no shared object may survive its ends. */
	for (int k = 0; k < NINST; k++)
		flue_instance_destroy(fz_g.inst[k]);
	char msg[256];
	if (!flue_invariants_check(&fz_g.store, msg, sizeof msg))
		DIE("invariant after teardown: %s", msg);
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++)
		if (fz_g.store.shared[si].kind != 0u)
			DIE("shared object %u leaked after all instances died", si);
	return 0;
}
