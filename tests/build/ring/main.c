/*
 * build.ring: a writer and a reader instance share ring 'samples' (16
 * slots of 4 bytes, their second memory). The writer writes 1..N, the
 * reader checks the order and sums them, waiting on its companion when
 * the ring is empty while the writer waits on its own when it is full.
 */
#include <flue/board.h>

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

int main(void)
{
	if (ring_init(flue_board_printf) != 0)
		return 1;
	/* A call starts at once: the writer first, so that the reader, which
	 * blocks in waitable-set.wait on this one stack, has someone to wait
	 * for (a reader alone would be a deadlock). */
	if (ring_writer_run(N, on_written, 0, 0) != 0 || ring_reader_run(N, on_sum, 0, 0) != 0)
		return 1;
	int rc = ring_run();
	uint32_t left = flue_ring_used(ring_ring_samples());
	flue_board_printf("run %d, resolved %u, written %u, sum %u (want %u), left %u\n", rc,
			  resolved, (unsigned)written, (unsigned)sum, N * (N + 1u) / 2u,
			  (unsigned)left);
	int bad = rc != 0 || resolved != 2u || written != N || sum != N * (N + 1u) / 2u ||
		  left != 0u;
	flue_board_printf("ring: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
