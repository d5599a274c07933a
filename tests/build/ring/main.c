/*
 * build.ring: a writer and a reader instance share ring 'samples' (16
 * slots of 4 bytes, their second memory). The writer writes 1..N, the
 * reader checks the order and sums them, waiting on its companion when
 * the ring is empty while the writer waits on its own when it is full.
 * Then both ends restart in place: the ring has ended for good (between
 * two guests it does once one leaves), which both are told.
 * A C guest writes to the driver through a window of its own memory;
 * another reads what a timer interrupt writes into its window.
 * Isolated (RING_ISOLATED), the reader's store into the ring faults, and
 * so does the source's into its 'in' window on PMSAv7.
 */
#include <flue/board.h>
#include <flue/w2c.h>

#include "ring.h"

#define N 100u

static uint32_t written = 0xDEADu, sum = 0xDEADu;
static unsigned resolved;

/* The result callback of every call but the reader's poke: the u32 result
 * into *user (0xDEAD without one: cancelled or trapped), counted. */
static void on_result(void *user, const uint32_t *r)
{
	*(uint32_t *)user = r != 0 ? *r : 0xDEADu;
	resolved++;
}

#if defined(RING_ISOLATED)
static bool poked;

static void on_poke(void *user, const uint32_t *r)
{
	(void)user;
	poked = r != 0;
}

/* The reader's store into the ring memory: a memory protection fault at
 * the ring's first byte, and the ring unchanged. */
static int poke_faults(void)
{
	const struct flue_ring *ring = ring_ring_samples();
	uint32_t first = ring->buf[0] | (uint32_t)ring->buf[1] << 8;
	if (ring_reader_poke(0xBADu, on_poke, 0, 0) != 0 || ring_run() != 0)
		return 1;
	struct flue_w2c_trap_info t = flue_w2c_last_trap();
	int bad = poked || !t.trapped || t.reason != FLUE_TRAP_MEMORY_FAULT || !t.has_addr ||
		  t.addr != (uint32_t)(uintptr_t)ring->buf ||
		  (ring->buf[0] | (uint32_t)ring->buf[1] << 8) != first;
	flue_board_printf("poke: %s\n", bad ? "FAILED" : "faulted");
	return bad;
}
#endif

/* One round: both calls, run to the end, check that `want` values came
 * through. */
static int round_trip(unsigned round, uint32_t want)
{
	written = sum = 0xDEADu;
	resolved = 0;
	/* A call starts at once: the writer first, so that the reader, which
	 * blocks in waitable-set.wait on this one stack, has someone to wait
	 * for (a reader alone would be a deadlock). */
	if (ring_writer_run(N, on_result, &written, 0) != 0 ||
	    ring_reader_run(N, on_result, &sum, 0) != 0)
		return 1;
	int rc = ring_run();
	uint32_t left = flue_ring_used(ring_ring_samples());
	flue_board_printf("round %u: run %d, resolved %u, written %u, sum %u (want %u), left %u\n",
			  round, rc, resolved, (unsigned)written, (unsigned)sum,
			  want * (want + 1u) / 2u, (unsigned)left);
	return rc != 0 || resolved != 2u || written != want || sum != want * (want + 1u) / 2u ||
	       left != 0u;
}

static uint32_t wrote;

/* The driver's end of ring 'out': `count` values from the guest, the next
 * of 1, 2, ... (`*expect`), copied out in at most two parts. */
static int drain(uint32_t count, uint32_t *expect)
{
	uint32_t got[16];
	int32_t n = flue_ring_get_copy(ring_ring_out(), got, 16u);
	int bad = n != (int32_t)count;
	for (int32_t i = 0; i < n; i++)
		bad |= got[i] != (*expect)++;
	return bad;
}

/* source.run(10), then 12 more: the second crosses the ring's end; the
 * driver reads them with flue_ring_get_copy() in between. */
static int driver_round(void)
{
	uint32_t expect = 1;
	int bad = ring_source_run(10, on_result, &wrote, 0) != 0 || ring_run() != 0 ||
		  wrote != 10u;
	bad |= drain(10, &expect);
	bad |= ring_source_run(20, on_result, &wrote, 0) != 0 || ring_run() != 0 ||
	       wrote != 16u;
	bad |= drain(16, &expect);
	bad |= flue_ring_get_copy(ring_ring_out(), &expect, 1u) != FLUE_EAGAIN;
	flue_board_printf("driver: %s (last %u)\n", bad ? "FAILED" : "ok", (unsigned)expect - 1u);
	return bad;
}

/* ----------------------------------------- ring 'in': an interrupt writes */

#define IN_N 40u

static volatile uint32_t isr_next = 1, isr_ticks;

/* The driver: up to 3 values a tick into the source's 'in' window, in place
 * (a claim stops at the ring's end: the next tick goes on at its start),
 * then it closes the ring. Runs in the timer's interrupt. */
static void in_isr(void)
{
	isr_ticks++;
	uint32_t at = isr_next;
	if (at > IN_N) {
		if (at == IN_N + 1u) {
			flue_ring_close(ring_ring_in());
			isr_next = at + 1u;
		}
		return;
	}
	void *slot;
	int32_t k = flue_ring_put_claim(ring_ring_in(), 3u, &slot);
	if (k <= 0)
		return; /* full: the guest has not taken them yet */
	uint32_t n = (uint32_t)k < IN_N + 1u - at ? (uint32_t)k : IN_N + 1u - at;
	for (uint32_t i = 0; i < n; i++)
		((uint32_t *)slot)[i] = at + i;
	(void)flue_ring_put_commit(ring_ring_in(), n);
	isr_next = at + n;
}

static uint32_t took;

/* The source takes what the interrupt wrote, sleeping in between (a commit
 * or the close wakes it): all 40 in order, then the end. */
static int isr_round(void)
{
	uint32_t total = 0, rounds = 0;
	if (flue_board_timer_start(300, in_isr) != 0)
		return 1;
	for (;;) {
		took = 0xDEADu;
		if (ring_source_take(on_result, &took, 0) != 0 || ring_run() != 0 ||
		    took == 0xBADu || took == 0xDEADu)
			break;
		rounds++;
		if (took == 0xFFFFFFFFu)
			break;
		total += took;
		if (took == 0u)
			flue_port_idle();
	}
	flue_board_timer_stop();
	int bad = took != 0xFFFFFFFFu || total != IN_N;
	flue_board_printf("interrupt writer: %s (%u values, %u interrupts, %u takes)\n",
			  bad ? "FAILED" : "ok", (unsigned)total, (unsigned)isr_ticks,
			  (unsigned)rounds);
	return bad;
}

#if defined(RING_ISOLATED)
static uint32_t poked_back;

/* The source's store into its 'in' window: PMSAv7 a memory protection fault at
 * the window (read-only to it, the driver still wrote it above); PMSAv8
 * cannot make it read-only while the privileged driver writes (docs/MPU.md):
 * the store goes through there. */
static int in_poke(void)
{
	const struct flue_ring *ring = ring_ring_in();
	uint32_t addr = (uint32_t)(uintptr_t)(*ring->window_inst->mem_data + ring->window);
	poked_back = 0;
	if (ring_source_poke(0x5EEu, on_result, &poked_back, 0) != 0 || ring_run() != 0)
		return 1;
#if defined(__ARM_ARCH_8M_MAIN__)
	(void)addr;
	int bad = poked_back != 0x5EEu; /* it returned what it stored */
	const char *what = "went through (PMSAv8)";
#else
	struct flue_w2c_trap_info t = flue_w2c_last_trap();
	int bad = poked_back != 0xDEADu || !t.trapped || t.reason != FLUE_TRAP_MEMORY_FAULT ||
		  !t.has_addr || t.addr != addr; /* trapped: no result */
	const char *what = "faulted";
#endif
	flue_board_printf("poke into the window: %s\n", bad ? "FAILED" : what);
	return bad | (ring_restart(ring_instance_source()) != 0);
}
#endif

int main(void)
{
	if (ring_init(flue_board_printf) != 0)
		return 1;
	int bad = round_trip(1, N);
	/* Both ends restart in place and take their roles again; between two
	 * guests a ring ends for good once a guest left (flue/ring.h), so
	 * the new guests are told at once: nothing goes through, nobody
	 * traps. */
	bad |= ring_restart(ring_instance_writer()) != 0;
	bad |= ring_restart(ring_instance_reader()) != 0;
	bad |= round_trip(2, 0);
	bad |= driver_round();
	bad |= isr_round();
#if defined(RING_ISOLATED)
	bad |= poke_faults();
	bad |= ring_restart(ring_instance_reader()) != 0; /* after its trap */
	bad |= in_poke();
#endif
	flue_board_printf("ring: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
