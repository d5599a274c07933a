/*
 * pipeline, the host side: runs sensor -> filter -> sink twice, with a
 * fast sink and with a slow one, and prints an account of each run. Exits
 * non-zero unless every sample arrived, the CRC at the sink equals the
 * CRC at the sensor, and backpressure showed exactly where it should: the
 * filter's writes to a slow sink had to wait (BLOCKED), to a fast one never.
 *
 * The same source runs on the host and on Cortex-M under QEMU.
 */
#include <flue/board.h>
#include <flue/errno.h>

#include "pipeline.h"

#ifndef PIPELINE_COUNT
#define PIPELINE_COUNT 2000u
#endif

enum { SENSOR = 1, FILTER = 2, SINK = 3 };
static const char *const names[] = { "", "sensor", "filter", "sink" };

struct report {
	bool seen;
	uint32_t elements, blocked, events, crc;
};

static struct report reports[4];
static bool resolved;
static uint32_t received;

void pipeline_stats_report(uint32_t component, uint32_t elements, uint32_t blocked,
			   uint32_t events, uint32_t crc)
{
	if (component >= 1 && component <= 3)
		reports[component] = (struct report){ true, elements, blocked, events, crc };
}

static void on_done(void *user, const uint32_t *result)
{
	(void)user;
	resolved = true;
	received = result != 0 ? *result : 0xFFFFFFFFu;
}

static int run(const char *label, bool slow)
{
	for (int i = 0; i < 4; i++)
		reports[i] = (struct report){ 0 };
	resolved = false;
	uint64_t t0 = flue_board_time_ns(), i0 = flue_board_instructions();
	int rc = pipeline_sink_run(PIPELINE_COUNT, slow, on_done, 0, 0);
	if (rc == 0)
		rc = pipeline_run();
	uint64_t ns = flue_board_time_ns() - t0, insns = flue_board_instructions() - i0;
	if (rc != 0 || !resolved) {
		flue_board_printf("pipeline: %s sink: the run did not finish (%d)\n", label, rc);
		return 1;
	}
	const struct report *se = &reports[SENSOR], *fi = &reports[FILTER], *si = &reports[SINK];
	uint32_t events = se->events + fi->events + si->events;
	flue_board_printf("  %s sink: %u elements moved, %u backpressure episodes (BLOCKED writes: "
			  "sensor %u, filter %u), %u events delivered\n", label, si->elements,
			  se->blocked + fi->blocked, se->blocked, fi->blocked, events);
	flue_board_printf("    CRC-32 at the sensor 0x%08x, at the sink 0x%08x\n", se->crc, si->crc);
	if (insns > 0 && si->elements > 0) /* QEMU: virtual time is instructions */
		flue_board_printf("    %llu instructions per element (QEMU -icount, resolution %u)\n",
				  (unsigned long long)(insns / si->elements),
				  flue_board_instruction_resolution());
	else if (ns > 0)
		flue_board_printf("    %llu elements per second\n",
				  (unsigned long long)((uint64_t)si->elements * 1000000000ull / ns));
	int bad = 0;
	for (int c = SENSOR; c <= SINK; c++)
		if (!reports[c].seen) {
			flue_board_printf("    FAIL: no report from the %s\n", names[c]);
			bad = 1;
		}
	if (received != PIPELINE_COUNT || si->elements != PIPELINE_COUNT) {
		flue_board_printf("    FAIL: the sink returned %u of %u samples\n", received,
				  PIPELINE_COUNT);
		bad = 1;
	}
	if (se->crc != si->crc) {
		flue_board_printf("    FAIL: the CRCs differ\n");
		bad = 1;
	}
	if (slow ? fi->blocked == 0 : fi->blocked != 0) {
		flue_board_printf("    FAIL: %s sink, but the filter's writes were BLOCKED %u times\n",
				  label, fi->blocked);
		bad = 1;
	}
	return bad;
}

int main(void)
{
	if (pipeline_init(flue_board_printf) != 0)
		return 1;
	flue_board_printf("pipeline: sensor -> filter -> sink, %u samples of 16 bytes, "
			  "all callback-lifted\n", PIPELINE_COUNT);
	int bad = run("fast", false);
	bad |= run("slow", true);
	flue_board_printf("pipeline: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
