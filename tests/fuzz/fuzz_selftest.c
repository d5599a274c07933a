/*
 * Self-test of the invariant checker (invariants.h), run once by
 * LLVMFuzzerInitialize (fuzz_harness.c): it must catch 20 kinds of
 * corruption of a known state, so that it cannot pass vacuously.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <flue/abi.h>
#include <flue/store.h>

#include "fuzz_internal.h"
#include "invariants.h"

/* ------------------------------------------------- checker self-test */

static struct flue_store scratch;

/* The pristine state passes; the state with one corruption must not. */
static void expect_caught(const char *what, void (*corrupt)(struct flue_store *s))
{
	char msg[256];
	memcpy(&scratch, &fz_g.store, sizeof scratch);
	for (uint32_t k = 0; k < FLUE_CONFIG_MAX_INSTANCES; k++)
		scratch.instances[k].store = &scratch;
	if (!flue_invariants_check(&scratch, msg, sizeof msg))
		DIE("self-test copy: %s", msg);
	corrupt(&scratch);
	if (flue_invariants_check(&scratch, msg, sizeof msg))
		DIE("invariant checker missed: %s", what);
}

/* Inst 0 of the self-test: set 1 with members 3 (parked writer, no event),
 * 4 and 7 (parked readers with events, queued in that order); 6 is free. */
#define H(s, i) ((s)->instances[0].handles[i])
static void c_index0(struct flue_store *s) { H(s, 0).kind = FLUE_H_ERROR_CONTEXT; }
static void c_free_cycle(struct flue_store *s) { H(s, 6).u.free.next = 6; }
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
static void c_ref(struct flue_store *s) { s->shared[H(s, 3).u.end.shared].writer_handle = 5; }
static void c_shared_free(struct flue_store *s) { s->shared[H(s, 3).u.end.shared].kind = 0; }
static void c_shared_leak(struct flue_store *s)
{
	/* A free object below shared_unused that is not on the free list. */
	s->shared[s->shared_unused].reader_inst = FLUE_REF_NONE;
	s->shared[s->shared_unused].writer_inst = FLUE_REF_NONE;
	s->shared_unused++;
}
static void c_lost_event(struct flue_store *s)
{
	s->shared[H(s, 3).u.end.shared].pending = FLUE_SIDE_NONE;
}
static void c_pending_idle(struct flue_store *s) { H(s, 3).u.end.state = FLUE_END_IDLE; }
static void c_progress(struct flue_store *s) { H(s, 3).u.end.progress = 5; }
static void c_done_event(struct flue_store *s) { H(s, 4).u.end.state = FLUE_END_DONE; }
static void c_channel(struct flue_store *s) { s->shared[H(s, 3).u.end.shared].has_channel = true; }
#undef H

void fz_checker_selftest(void)
{
	char msg[256];
	fz_setup();
	struct flue_instance *a = fz_g.inst[0];
	flue_type_t t = fz_g.types[1]; /* u8 */
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
	if (!flue_invariants_check(&fz_g.store, msg, sizeof msg))
		DIE("self-test state: %s", msg);
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
	expect_caught("channel bit without a listed channel", c_channel);
}
