/*
 * Copy results and drop notifications of the current spec:
 *
 * - #720, an idle end is told once that its peer dropped: the $Tester part
 *   of component-model test/async/idle-drop.wast @ 107f204c, ported (one
 *   instance, A; its start function's waitable set is made first, so it
 *   is index 1, then stream/future.new gives rx = 2, tx = 3). The
 *   $TransferTester part needs calls between components:
 *   tests/exec/test_idle_drop_x.c.
 * - future-completion-order.wast @ 531ee4b2: a future's COMPLETED is never
 *   overridden by a later drop, and no second event follows.
 * - #719: a stream's DROPPED is prompt (reported at delivery once the peer
 *   is gone) and CANCELLED beats COMPLETED after a stream cancel; futures
 *   keep their COMPLETED (flue's reading, docs/CONFORMANCE.md).
 * - flue's own ends: transfer and teardown here; host ends and driver
 *   channels: test_idle_drop_host.c.
 *
 * A wast `unreachable` is a failed FT_ check; a wast trap is FT_TRAPS.
 */
#include "abi_test.h"
#include <flue/channel.h>
#include <flue/functype.h>
#include <flue/host.h>

#include "../../src/abi/values.h"

#define SR FLUE_EVENT_CODE_STREAM_READ
#define SW FLUE_EVENT_CODE_STREAM_WRITE
#define FR FLUE_EVENT_CODE_FUTURE_READ
#define FW FLUE_EVENT_CODE_FUTURE_WRITE

/* The $Tester's globals. */
static uint32_t ws, rx, tx;

/* A fresh fixture and the $Tester's start function: ws = 1 in A. */
static void tester(void)
{
	fx_setup();
	ws = flue_canon_waitable_set_new(fx.a);
	FT_EQ(ws, 1);
}

static void new_stream(void)
{
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	rx = lo32(s);
	tx = hi32(s);
}

static void new_future(void)
{
	uint64_t f = flue_canon_future_new(fx.a, fx.u8);
	rx = lo32(f);
	tx = hi32(f);
}

/* $check-event after $poll / $wait: the code is returned, (index,
 * payload) stored at EVP. */
#define POLL_EXPECT(code, index, payload) EXPECT_EVENT(fx.a, fx.a_mem, ws, code, index, payload)
#define ASSERT_NO_EVENT() EXPECT_NONE(fx.a, fx.a_mem, ws)

/* $notify-reader: park rx in the set, drop tx, consume the notification. */
static void notify_reader(bool unjoin)
{
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	POLL_EXPECT(SR, rx, PACK(FLUE_DROPPED, 0));
	if (unjoin)
		flue_canon_waitable_join(fx.a, rx, 0);
}

/* $notify-writer: the mirror. */
static void notify_writer(void)
{
	new_stream();
	flue_canon_waitable_join(fx.a, tx, ws);
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	POLL_EXPECT(SW, tx, PACK(FLUE_DROPPED, 0));
}

/* $notify-future-writer: a future's writable end, left out of the set. */
static void notify_future_writer(void)
{
	new_future();
	flue_canon_waitable_join(fx.a, tx, ws);
	flue_canon_future_drop_readable(fx.a, fx.u8, rx);
	POLL_EXPECT(FW, tx, FLUE_DROPPED);
	flue_canon_waitable_join(fx.a, tx, 0);
}

/* ------------------------------------------------ idle-drop.wast $Tester */

FT_TEST(reader_parked_poll)
{
	tester();
	notify_reader(false);
	ASSERT_NO_EVENT();
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	flue_canon_waitable_set_drop(fx.a, ws);
}

/* wait returns at once instead of blocking forever (the motivating case;
 * without the notification a blocking wait traps WOULD_BLOCK here, with
 * no executor installed). */
FT_TEST(reader_parked_wait)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	memset(fx.a_mem, 0xA5, 8);
	FT_EQ(flue_canon_waitable_set_wait(fx.a, ws, 0), SR);
	FT_EQ(ld32(fx.a_mem, 0), rx);
	FT_EQ(ld32(fx.a_mem, 4), PACK(FLUE_DROPPED, 0));
	ASSERT_NO_EVENT();
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	flue_canon_waitable_set_drop(fx.a, ws);
}

FT_TEST(writer_parked)
{
	tester();
	notify_writer();
	ASSERT_NO_EVENT();
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	flue_canon_waitable_set_drop(fx.a, ws);
}

FT_TEST(future_writer_parked)
{
	tester();
	notify_future_writer();
	ASSERT_NO_EVENT();
	flue_canon_waitable_set_drop(fx.a, ws);
}

/* Both ends in the set: dropping one gives exactly one event. */
FT_TEST(both_ends_in_set)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	flue_canon_waitable_join(fx.a, tx, ws);
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	POLL_EXPECT(SR, rx, PACK(FLUE_DROPPED, 0));
	ASSERT_NO_EVENT();
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	flue_canon_waitable_set_drop(fx.a, ws);
}

/* The notification is pending from the drop on, set or no set. */
FT_TEST(drop_before_join)
{
	tester();
	new_stream();
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	flue_canon_waitable_join(fx.a, rx, ws);
	POLL_EXPECT(SR, rx, PACK(FLUE_DROPPED, 0));
	ASSERT_NO_EVENT();
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	flue_canon_waitable_set_drop(fx.a, ws);
}

/* A synchronous read reports the pending notification without blocking. */
FT_TEST(sync_read_consumes_notification)
{
	tester();
	new_stream();
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u8, 0, rx, 16, 4), PACK(FLUE_DROPPED, 0));
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
}

/* An async read consumes it inline: nothing is left for the set. */
FT_TEST(read_consumes_notification)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	FT_EQ(rd(fx.a, fx.u8, rx, 16, 4), PACK(FLUE_DROPPED, 0));
	ASSERT_NO_EVENT();
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	flue_canon_waitable_set_drop(fx.a, ws);
}

/* A notified future writer is DONE: it may drop without having written. */
FT_TEST(future_drop_writable_after_notification)
{
	tester();
	notify_future_writer();
	flue_canon_future_drop_writable(fx.a, fx.u8, tx);
	flue_canon_waitable_set_drop(fx.a, ws);
}

/* After delivery the end is DONE: read, write and lift trap (flue's reason
 * for an op on a DONE end is NOT_IDLE, as for any end that is not idle). */
FT_TEST(trap_read_after_notification)
{
	tester();
	notify_reader(false);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, rd(fx.a, fx.u8, rx, 16, 4));
	FT_EQ(fx.handle, rx);
}

FT_TEST(trap_write_after_notification)
{
	tester();
	notify_writer();
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, wr(fx.a, fx.u8, tx, 16, 4));
	FT_EQ(fx.handle, tx);
}

FT_TEST(trap_future_write_after_notification)
{
	tester();
	notify_future_writer();
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, fwr(fx.a, fx.u8, tx, 16));
}

/* Lifting the notified readable end (as the $Tester's export returning
 * it does): lift_async_value traps on a DONE end. */
FT_TEST(trap_lift_after_notification)
{
	tester();
	notify_reader(true);
	struct flue_valtype t = { .kind = FLUE_VAL_STREAM, .elem = fx.u8 };
	flue_flat_t in = rx;
	struct flue_values v;
	FT_TRAPS(FLUE_TRAP_NOT_IDLE,
		 flue_values_lift(fx.a, &t, 1, FLUE_MAX_FLAT_PARAMS, &in, 1, &v));
}

/* ------------------------------------------ future-completion-order.wast */

/* The reader blocks first: future.write completes inline, the writer
 * drops before the reader looked. The reader still sees COMPLETED (the
 * copy happened before the drop), and no second event follows. */
FT_TEST(writer_completes_inline)
{
	tester();
	fx.a_mem[64] = 1;
	new_future();
	flue_canon_waitable_join(fx.a, rx, ws);
	FT_EQ(frd(fx.a, fx.u8, rx, 128), FLUE_BLOCKED);
	FT_EQ(fwr(fx.a, fx.u8, tx, 64), FLUE_COMPLETED);
	flue_canon_future_drop_writable(fx.a, fx.u8, tx);
	POLL_EXPECT(FR, rx, FLUE_COMPLETED);
	ASSERT_NO_EVENT();
	FT_EQ(fx.a_mem[128], 1);
}

/* The mirror: the writer blocks first, the reader completes inline and
 * drops; the writer's event is COMPLETED, alone. */
FT_TEST(reader_completes_inline)
{
	tester();
	fx.a_mem[64] = 1;
	new_future();
	flue_canon_waitable_join(fx.a, tx, ws);
	FT_EQ(fwr(fx.a, fx.u8, tx, 64), FLUE_BLOCKED);
	FT_EQ(frd(fx.a, fx.u8, rx, 128), FLUE_COMPLETED);
	flue_canon_future_drop_readable(fx.a, fx.u8, rx);
	POLL_EXPECT(FW, tx, FLUE_COMPLETED);
	ASSERT_NO_EVENT();
	flue_canon_waitable_join(fx.a, tx, 0);
	flue_canon_future_drop_writable(fx.a, fx.u8, tx);
	FT_EQ(fx.a_mem[128], 1);
}

/* --------------------------------------------- #719: DROPPED is prompt */

/* A read filled in full, then un-parked by the writer's next write (its
 * event COMPLETED|2 pending, not delivered yet); the writer cancels that
 * write and drops: the event reports DROPPED|2 and the end is DONE
 * (6d28164: COMPLETED|2, idle, DROPPED only at the next read). The
 * mirror for a writer whose buffer was taken. */
FT_TEST(stream_dropped_is_prompt_at_delivery)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	memcpy(fx.a_mem + 64, "abcd", 4);
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 2), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(wr(fx.a, fx.u8, tx, 66, 2), FLUE_BLOCKED); /* un-parks the full read */
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, tx), PACK(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	POLL_EXPECT(SR, rx, PACK(FLUE_DROPPED, 2));
	ASSERT_NO_EVENT();
	FT_TRUE(memcmp(fx.a_mem + 128, "ab", 2) == 0);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, rd(fx.a, fx.u8, rx, 128, 4));

	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, tx, ws);
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 2), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(rd(fx.a, fx.u8, rx, 130, 2), FLUE_BLOCKED); /* un-parks the drained write */
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, 0, rx), PACK(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	POLL_EXPECT(SW, tx, PACK(FLUE_DROPPED, 2));
	ASSERT_NO_EVENT();
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
}

/* The same while the filled read is still parked (flue keeps a stream op
 * parked until its event is delivered): DROPPED|4. */
FT_TEST(stream_dropped_is_prompt_while_parked)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 4), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 4), PACK(FLUE_COMPLETED, 4));
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	POLL_EXPECT(SR, rx, PACK(FLUE_DROPPED, 4));
	ASSERT_NO_EVENT();
}

/* Returned inline: a cancel that finds the un-parked read's COMPLETED|2
 * after the writer dropped reports DROPPED|2 (sync and async form). */
static void prompt_inline_round(uint32_t opts)
{
	tester();
	new_stream();
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 2), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(wr(fx.a, fx.u8, tx, 66, 2), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, 0, tx), PACK(FLUE_CANCELLED, 0));
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, opts, rx), PACK(FLUE_DROPPED, 2));
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, rd(fx.a, fx.u8, rx, 128, 4));
}

FT_TEST(stream_dropped_is_prompt_inline)
{
	prompt_inline_round(0);
	prompt_inline_round(ASYNC);
}

/* ---------------------------------------- #719: CANCELLED beats COMPLETED */

/* A stream cancel that finds a COMPLETED event (partial or full) reports
 * CANCELLED with the progress made, sync and async; the end is idle again
 * and the rest of a partly taken write is never sent. */
static void cancel_round(uint32_t opts)
{
	tester();
	new_stream();
	memcpy(fx.a_mem + 64, "wxyz", 4);
	/* writer, partly taken */
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 4), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(flue_canon_stream_cancel_write(fx.a, fx.u8, opts, tx), PACK(FLUE_CANCELLED, 2));
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 4), FLUE_BLOCKED); /* "yz" is not sent */
	/* reader, partly filled */
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 3), PACK(FLUE_COMPLETED, 3));
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, opts, rx), PACK(FLUE_CANCELLED, 3));
	FT_TRUE(memcmp(fx.a_mem + 128, "wxy", 3) == 0);
	/* reader, filled in full (flue reads #719 as covering any COMPLETED) */
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 2), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, tx, 66, 2), PACK(FLUE_COMPLETED, 2));
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, opts, rx), PACK(FLUE_CANCELLED, 2));
	FT_TRUE(memcmp(fx.a_mem + 128, "yz", 2) == 0);
	/* both ends idle again */
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 1), FLUE_BLOCKED);
	FT_EQ(rd(fx.a, fx.u8, rx, 200, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(fx.a_mem[200], 'w');
}

FT_TEST(stream_cancel_beats_completed)
{
	cancel_round(0);
	cancel_round(ASYNC);
}

/* In a set, the cancelled result is returned, not queued. */
FT_TEST(stream_cancel_beats_completed_in_set)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 4), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 1), PACK(FLUE_COMPLETED, 1));
	FT_EQ(flue_canon_stream_cancel_read(fx.a, fx.u8, ASYNC, rx), PACK(FLUE_CANCELLED, 1));
	ASSERT_NO_EVENT();
}

/* Futures (flue's reading of #719, which names streams only): a cancel
 * that finds a completed future reports COMPLETED — the value moved, and
 * the other end is already DONE — even after the peer dropped; a pending
 * DROPPED stays DROPPED. No further event follows. */
FT_TEST(future_cancel_keeps_completed)
{
	tester();
	new_future();
	fx.a_mem[64] = 9;
	FT_EQ(frd(fx.a, fx.u8, rx, 128), FLUE_BLOCKED);
	FT_EQ(fwr(fx.a, fx.u8, tx, 64), FLUE_COMPLETED);
	flue_canon_future_drop_writable(fx.a, fx.u8, tx);
	FT_EQ(flue_canon_future_cancel_read(fx.a, fx.u8, 0, rx), FLUE_COMPLETED);
	FT_EQ(fx.a_mem[128], 9);
	FT_TRAPS(FLUE_TRAP_NOT_IDLE, frd(fx.a, fx.u8, rx, 128));

	/* wasmtime future-cancel-write-completed.wast: write completes, the
	 * reader drops, cancel-write reports COMPLETED */
	tester();
	new_future();
	flue_canon_waitable_join(fx.a, tx, ws);
	FT_EQ(fwr(fx.a, fx.u8, tx, 64), FLUE_BLOCKED);
	FT_EQ(frd(fx.a, fx.u8, rx, 128), FLUE_COMPLETED);
	flue_canon_future_drop_readable(fx.a, fx.u8, rx);
	FT_EQ(flue_canon_future_cancel_write(fx.a, fx.u8, ASYNC, tx), FLUE_COMPLETED);
	ASSERT_NO_EVENT();
	flue_canon_waitable_join(fx.a, tx, 0);
	flue_canon_future_drop_writable(fx.a, fx.u8, tx);

	/* a parked write whose reader dropped: DROPPED stays */
	tester();
	new_future();
	FT_EQ(fwr(fx.a, fx.u8, tx, 64), FLUE_BLOCKED);
	flue_canon_future_drop_readable(fx.a, fx.u8, rx);
	FT_EQ(flue_canon_future_cancel_write(fx.a, fx.u8, 0, tx), FLUE_DROPPED);
	flue_canon_future_drop_writable(fx.a, fx.u8, tx);
}

/* ------------------------------------------------ details of the notice */

/* The notification carries progress 0, not the count of the end's last
 * (delivered) op, and is delivered once. */
FT_TEST(notification_has_no_progress)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 4), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 4), PACK(FLUE_COMPLETED, 4));
	POLL_EXPECT(SR, rx, PACK(FLUE_COMPLETED, 4));
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	POLL_EXPECT(SR, rx, PACK(FLUE_DROPPED, 0));
	ASSERT_NO_EVENT();
}

/* An end with its notification still pending may be dropped (a stream
 * end: its event leaves the set with it); a future writer may not, since
 * it is not DONE until the notification is delivered (inferred from the
 * reference's "drop-writable before DONE traps"). */
FT_TEST(drop_with_notification_pending)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, tx, ws);
	flue_canon_stream_drop_readable(fx.a, fx.u8, rx);
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	ASSERT_NO_EVENT();
	flue_canon_waitable_set_drop(fx.a, ws);

	tester();
	new_future();
	flue_canon_future_drop_readable(fx.a, fx.u8, rx);
	FT_TRAPS(FLUE_TRAP_FUTURE_NOT_DONE, flue_canon_future_drop_writable(fx.a, fx.u8, tx));
}

/* A drop while the other end's op is parked is unchanged: DROPPED with
 * its progress, one event (not a second, idle one). */
FT_TEST(drop_with_op_parked_is_one_event)
{
	tester();
	new_stream();
	flue_canon_waitable_join(fx.a, rx, ws);
	FT_EQ(rd(fx.a, fx.u8, rx, 128, 8), FLUE_BLOCKED);
	FT_EQ(wr(fx.a, fx.u8, tx, 64, 3), PACK(FLUE_COMPLETED, 3));
	flue_canon_stream_drop_writable(fx.a, fx.u8, tx);
	POLL_EXPECT(SR, rx, PACK(FLUE_DROPPED, 3));
	ASSERT_NO_EVENT();
}

/* A notification moves with a transferred end (call lift + lower) and
 * reports the receiver's index; the end is idle until then, so it may
 * move. Also through flue_end_transfer (host API) back to A. */
FT_TEST(notification_moves_with_the_end)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	flue_canon_stream_drop_writable(fx.a, fx.u8, hi32(s));
	FT_EQ(flue_canon_error_context_new(fx.b, 0, 0), 1); /* B's index 2 is next */
	struct flue_valtype t = { .kind = FLUE_VAL_STREAM, .elem = fx.u8 };
	flue_flat_t in = lo32(s), out[1];
	struct flue_values v;
	uint32_t nflat = 0;
	flue_values_lift(fx.a, &t, 1, FLUE_MAX_FLAT_PARAMS, &in, 1, &v);
	flue_values_lower(fx.b, &t, 1, FLUE_MAX_FLAT_PARAMS, &v, out, &nflat, 0, 0, 0);
	FT_EQ(nflat, 1);
	FT_EQ(out[0], 2);
	uint32_t wsb = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, 2, wsb);
	EXPECT_EVENT(fx.b, fx.b_mem, wsb, SR, 2, PACK(FLUE_DROPPED, 0));
	EXPECT_NONE(fx.b, fx.b_mem, wsb);
	flue_canon_stream_drop_readable(fx.b, fx.u8, 2);

	s = flue_canon_stream_new(fx.b, fx.u8);
	uint32_t r = lo32(s);
	flue_canon_stream_drop_writable(fx.b, fx.u8, hi32(s));
	r = pass(fx.b, r, fx.u8, fx.a);
	FT_EQ(rd(fx.a, fx.u8, r, 0, 4), PACK(FLUE_DROPPED, 0));
	FT_EQ(flue_end_transfer(fx.a, r, fx.u8, fx.b, &r), FLUE_EBUSY); /* DONE */
}

/* An instance's teardown drops its ends: an idle peer elsewhere is told
 * (a future reader too, which no guest drop could cause: inferred). */
FT_TEST(teardown_notifies_idle_peers)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint64_t f = flue_canon_future_new(fx.a, fx.u8);
	uint32_t rs = to_b(lo32(s), fx.u8), rf = to_b(lo32(f), fx.u8);
	uint32_t wsb = flue_canon_waitable_set_new(fx.b);
	flue_canon_waitable_join(fx.b, rs, wsb);
	flue_canon_waitable_join(fx.b, rf, wsb);
	flue_instance_destroy(fx.a);
	EXPECT_EVENT(fx.b, fx.b_mem, wsb, SR, rs, PACK(FLUE_DROPPED, 0));
	EXPECT_EVENT(fx.b, fx.b_mem, wsb, FR, rf, FLUE_DROPPED);
	EXPECT_NONE(fx.b, fx.b_mem, wsb);
}

FT_SUITE(idle_drop,
	 FT_CASE(reader_parked_poll),
	 FT_CASE(reader_parked_wait),
	 FT_CASE(writer_parked),
	 FT_CASE(future_writer_parked),
	 FT_CASE(both_ends_in_set),
	 FT_CASE(drop_before_join),
	 FT_CASE(sync_read_consumes_notification),
	 FT_CASE(read_consumes_notification),
	 FT_CASE(future_drop_writable_after_notification),
	 FT_CASE(trap_read_after_notification),
	 FT_CASE(trap_write_after_notification),
	 FT_CASE(trap_future_write_after_notification),
	 FT_CASE(trap_lift_after_notification),
	 FT_CASE(writer_completes_inline),
	 FT_CASE(reader_completes_inline),
	 FT_CASE(stream_dropped_is_prompt_at_delivery),
	 FT_CASE(stream_dropped_is_prompt_while_parked),
	 FT_CASE(stream_dropped_is_prompt_inline),
	 FT_CASE(stream_cancel_beats_completed),
	 FT_CASE(stream_cancel_beats_completed_in_set),
	 FT_CASE(future_cancel_keeps_completed),
	 FT_CASE(notification_has_no_progress),
	 FT_CASE(drop_with_notification_pending),
	 FT_CASE(drop_with_op_parked_is_one_event),
	 FT_CASE(notification_moves_with_the_end),
	 FT_CASE(teardown_notifies_idle_peers))
