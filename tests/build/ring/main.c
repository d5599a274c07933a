/*
 * build.ring: a writer and a reader instance share ring 'samples' (16
 * slots of 4 bytes, their second memory). The writer writes 1..N, the
 * reader checks the order and sums them, waiting on its companion when
 * the ring is empty while the writer waits on its own when it is full.
 * Then both ends restart in place: the ring has ended for good (between
 * two guests it does once one leaves), which both are told.
 * A C guest writes to the driver through a window of its own memory.
 * Isolated (RING_ISOLATED), the reader's store into the ring faults.
 */
#include <flue/board.h>
#include <flue/w2c.h>

#include "ring.h"

#define N 100u

static uint32_t written = 0xDEADu, sum = 0xDEADu;
static unsigned resolved;

static void on_written(void *user, const uint32_t *r)
{
	(void)user;
	written = r != 0 ? *r : 0xDEADu;
	resolved++;
}

static void on_sum(void *user, const uint32_t *r)
{
	(void)user;
	sum = r != 0 ? *r : 0xDEADu;
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
	if (ring_writer_run(N, on_written, 0, 0) != 0 || ring_reader_run(N, on_sum, 0, 0) != 0)
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

static void on_wrote(void *user, const uint32_t *r)
{
	(void)user;
	wrote = r != 0 ? *r : 0xDEADu;
}

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
	int bad = ring_source_run(10, on_wrote, 0, 0) != 0 || ring_run() != 0 || wrote != 10u;
	bad |= drain(10, &expect);
	bad |= ring_source_run(20, on_wrote, 0, 0) != 0 || ring_run() != 0 || wrote != 16u;
	bad |= drain(16, &expect);
	bad |= flue_ring_get_copy(ring_ring_out(), &expect, 1u) != FLUE_EAGAIN;
	flue_board_printf("driver: %s (last %u)\n", bad ? "FAILED" : "ok", (unsigned)expect - 1u);
	return bad;
}

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
#if defined(RING_ISOLATED)
	bad |= poke_faults();
	bad |= ring_restart(ring_instance_reader()) != 0; /* after its trap */
#endif
	flue_board_printf("ring: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
