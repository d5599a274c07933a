/*
 * driver, the host side: a "UART driver" feeds bytes into a typed channel
 * from outside the executor (a POSIX thread on the host, the SysTick
 * interrupt on Cortex-M: flue_board_timer_start), a few bytes per tick.
 * The channel's readable end is the component's `rx`; its answer comes back
 * on a stream the host drains with flue/host.h. The executor sleeps in
 * flue_port_idle() between ticks and is woken by the channel.
 */
#include <string.h>

#include <flue/board.h>
#include <flue/channel.h>
#include <flue/errno.h>
#include <flue/port.h>

#include "driver.h"

static const char message[] = "hello flue\nstreams from an interrupt\nbye\n";
static const char expected[] = "HELLO FLUE\nSTREAMS FROM AN INTERRUPT\nBYE\n";

static uint8_t ring[16];
static struct flue_channel uart;
static volatile uint32_t sent, ticks; /* touched by the "interrupt" */

/* The driver's interrupt: up to 3 bytes a tick, then the end of input. */
static void uart_isr(void)
{
	ticks++;
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
	if (flue_board_timer_start(500, uart_isr) != 0)
		return 1;
	int rc = 0;
	uint32_t wakes = 0;
	while (!reply.done) {
		rc = driver_run();
		bool changed = reply.started && drain(arena, 32);
		if (reply.done || changed)
			continue;
		if (rc == FLUE_EDEADLK || rc == FLUE_OK)
			break; /* nothing can come any more */
		flue_port_idle(); /* until the driver's interrupt wakes us */
		wakes++;
	}
	flue_board_timer_stop();
	reply.text[reply.len] = '\0';
	flue_board_printf("driver: %u bytes in from the driver's interrupt over %u ticks "
			  "(%u wake-ups)\n", (unsigned)(sizeof message - 1u), ticks, wakes);
	flue_board_printf("driver: reply (%u bytes):\n%s", reply.len, reply.text);
	bool ok = reply.done && strcmp(reply.text, expected) == 0;
	/* No busy loop and no lost wake: the loop went round once per wake-up
	 * and at most once per interrupt (plus the first pass). */
	if (wakes > ticks) {
		flue_board_printf("driver: FAIL: %u wake-ups for %u interrupts\n", wakes, ticks);
		ok = false;
	}
	flue_board_printf("driver: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
