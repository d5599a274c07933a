/*
 * driver, the host side: a "UART driver" feeds bytes into a typed channel
 * from outside the executor (flue_board_timer_start: a POSIX thread on the
 * host, the CMSDK timer 0 interrupt on the boards, IRQ 8 on mps2-an385 and
 * IRQ 3 on mps2-an505), a few bytes per tick. The channel's readable end is
 * the component's `rx`; its answer comes back on a stream the host drains
 * with flue/host.h. The same interrupt also produces samples (a counter
 * 1, 2, ...) into the shared ring `samples` (flue/ring.h), in place in a
 * window of the component's memory, and closes it after the last one; the
 * component drains it while it serves and reports count, sum and order
 * through its import `samples-seen`. The run loop sleeps in
 * flue_port_idle() between ticks and is woken by the channel and the ring;
 * it must go round at most once per interrupt (plus its first pass), which
 * the program checks.
 */
#include <string.h>

#include <flue/board.h>
#include <flue/channel.h>
#include <flue/errno.h>
#include <flue/port.h>
#include <flue/ring.h>

#include "driver.h"

static const char message[] = "hello flue\nstreams from an interrupt\nbye\n";
static const char expected[] = "HELLO FLUE\nSTREAMS FROM AN INTERRUPT\nBYE\n";

#define SAMPLES 40u    /* samples the interrupt produces, 2 a tick at most */

static uint8_t ring[16];
static struct flue_channel uart;
/* touched by the "interrupt" */
static volatile uint32_t sent, ticks, produced, produced_sum;
static volatile bool samples_closed;

/* The UART's part of a tick: up to 3 bytes, then the end of input. */
static void uart_tick(void)
{
	uint32_t at = sent;
	if (at >= sizeof message - 1u) {
		if (at == sizeof message - 1u) {
			flue_channel_close(&uart);
			sent = at + 1u;
		}
		return;
	}
	uint32_t n = sizeof message - 1u - at < 3u ? sizeof message - 1u - at : 3u;
	int32_t took = flue_channel_send(&uart, &message[at], n);
	if (took > 0)
		sent = at + (uint32_t)took;
}

/* The sampler's part: the next 1 or 2 samples straight into the ring (in
 * the component's memory: claim, write in place, commit, which wakes the
 * loop), then the close after the last. A full ring (the component has
 * not released yet) just waits for the next tick: nothing is lost, the
 * counter goes on from where it was. */
static void sample_tick(void)
{
	struct flue_ring *r = driver_ring_samples();
	uint32_t at = produced;
	if (at == SAMPLES) {
		if (!samples_closed)
			flue_ring_close(r);
		samples_closed = true;
		return;
	}
	void *slot;
	int32_t k = flue_ring_put_claim(r, 2u, &slot); /* contiguous: 1 at the ring's end */
	if (k <= 0)
		return;
	uint32_t n = (uint32_t)k < SAMPLES - at ? (uint32_t)k : SAMPLES - at, sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		((uint32_t *)slot)[i] = at + 1u + i;
		sum += at + 1u + i;
	}
	if (flue_ring_put_commit(r, n) == 0) {
		produced = at + n;
		produced_sum += sum;
	}
}

/* The driver's interrupt: one tick of each device. */
static void driver_isr(void)
{
	ticks++;
	uart_tick();
	sample_tick();
}

/* What the component reported through `samples-seen`. */
static struct {
	bool seen, in_order;
	uint32_t count, sum;
} got;

void driver_samples_seen(uint32_t count, uint32_t sum, bool in_order)
{
	got.seen = true;
	got.count = count;
	got.sum = sum;
	got.in_order = in_order;
}

static struct {
	bool started, reading, done;
	uint32_t handle;
	char text[128];
	uint32_t len;
} reply;

static void on_serve(void *user, const driver_stream_u8_t *out)
{
	(void)user;
	reply.started = out != 0;
	reply.handle = out != 0 ? out->handle : 0;
}

/* Take what the component wrote; true if anything changed. */
static bool drain(uint8_t *buf, uint32_t cap)
{
	struct flue_host_outcome o;
	bool changed = false;
	for (;;) {
		int rc = reply.reading ? flue_host_poll(driver_host(), reply.handle, &o)
				       : flue_host_read(driver_host(), reply.handle, buf, cap, &o);
		if (rc != 0 || !o.done) {
			reply.reading = rc == 0;
			return changed;
		}
		reply.reading = false;
		changed = true;
		for (uint32_t i = 0; i < o.progress && reply.len < sizeof reply.text - 1u; i++)
			reply.text[reply.len++] = (char)buf[i];
		if (o.result == FLUE_RESULT_DROPPED) {
			reply.done = true;
			(void)flue_host_drop(driver_host(), reply.handle);
			return true;
		}
	}
}

/* Runs the executor and drains the reply until neither makes progress:
 * everything one wake-up made possible (the component's writes finish as
 * the host reads them, which lets it run again). driver_run()'s result. */
static int settle(uint8_t *buf, uint32_t cap)
{
	int rc;
	do {
		rc = driver_run();
	} while (reply.started && drain(buf, cap) && !reply.done);
	return rc;
}

/* The run loop: one iteration per wake-up, sleeping in between; returns
 * how many iterations it made.
 *
 * No lost wake: the interrupt publishes its bytes and samples
 * (flue_channel_send, flue_ring_put_commit: under flue_port_lock) and only
 * then calls flue_port_wake(), which sets the port's wake flag;
 * flue_port_idle() tests that flag before it sleeps and clears it as it
 * returns. On Cortex-M (src/port/cortex-m) the handler sets the flag, and
 * the idle loop tests it with interrupts masked and sleeps in WFI: an
 * interrupt that becomes pending after the test still ends the WFI (the
 * mask only holds its handler back until the unmask), so a wake between
 * the test and the sleep is never lost. On POSIX (src/port/posix) flag
 * and test share one mutex, and the condition variable is signalled under
 * it. So an interrupt that arrives while settle() runs leaves the flag
 * set, the next idle returns at once and the loop looks again: nothing
 * waits in the channel or the ring while the loop sleeps.
 *
 * Bound: each idle returns only by consuming a wake, and every wake must
 * come from one interrupt (the channel's send with progress or close, the
 * ring's commit or close), and the wakes of one handler, and of several
 * handlers between two looks, must merge into one. So iterations <=
 * interrupts + 1 (the first pass needs no wake). On the boards a handler
 * runs to its end before the loop goes on, so its wakes merge; on the
 * host the "interrupt" is a thread beside the loop, which runs each tick
 * through flue_port_posix_interrupt() so that its wakes (a byte, then a
 * sample) land together at its end, as a handler's do. A wake from the
 * executor's own thread would break the bound (the next idle returns at
 * once for nothing): the runtime makes none (a guest's release of ring
 * slots does not wake; the loop pumps before it idles). */
static uint32_t run_loop(uint8_t *arena)
{
	uint32_t iterations = 0;
	for (;;) {
		iterations++;
		int rc = settle(arena, 32);
		if (reply.done || rc == FLUE_EDEADLK || rc == FLUE_OK)
			return iterations; /* finished, or nothing can come any more */
#ifdef DRIVER_BUSY_GUARD
		flue_port_wake(); /* test build: an idle that never sleeps must fail */
#endif
		flue_port_idle(); /* until the driver's interrupt wakes us */
	}
}

/* The results: the reply, the samples as the interrupt produced them, and
 * the loop's bound. True if all hold. */
static bool check(uint32_t iterations)
{
	reply.text[reply.len] = '\0';
	flue_board_printf("driver: %u bytes and %u samples in from the driver's interrupt over "
			  "%u interrupts (%u loop iterations)\n", (unsigned)(sizeof message - 1u),
			  (unsigned)produced, (unsigned)ticks, (unsigned)iterations);
	flue_board_printf("driver: reply (%u bytes):\n%s", (unsigned)reply.len, reply.text);
	bool ok = reply.done && strcmp(reply.text, expected) == 0;
	flue_board_printf("driver: the component saw %u samples, sum %u, %s\n",
			  (unsigned)got.count, (unsigned)got.sum,
			  got.in_order ? "in order" : "OUT OF ORDER");
	if (!got.seen || !got.in_order || got.count != SAMPLES || got.count != produced ||
	    got.sum != produced_sum || !samples_closed) {
		flue_board_printf("driver: FAIL: the interrupt produced %u samples, sum %u\n",
				  (unsigned)produced, (unsigned)produced_sum);
		ok = false;
	}
	/* No busy loop: the loop went round at most once per interrupt, plus
	 * its first pass (run_loop's bound). */
	if (iterations > ticks + 1u) {
		flue_board_printf("driver: FAIL: %u loop iterations for %u interrupts\n",
				  (unsigned)iterations, (unsigned)ticks);
		ok = false;
	}
	return ok;
}

int main(void)
{
	if (driver_init(flue_board_printf) != 0)
		return 1;
	uint32_t rx, size;
	uint8_t *arena = driver_host_arena(&size);
	if (flue_channel_init(&uart, ring, 1, sizeof ring) != 0 ||
	    flue_channel_attach(&uart, driver_host(), DRIVER_ELEM_U8, true, false, &rx) != 0)
		return 1;
	if (driver_echo_serve((driver_stream_u8_t){ rx }, on_serve, 0, 0) != 0)
		return 1;
	if (flue_board_timer_start(500, driver_isr) != 0)
		return 1;
	uint32_t iterations = run_loop(arena);
	flue_board_timer_stop(); /* the interrupt is over: `ticks` is final */
	bool ok = check(iterations);
	flue_board_printf("driver: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
