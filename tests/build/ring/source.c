/*
 * source (build.ring): a C guest writing to a driver through ring 'out'
 * (driver placement): at `_initialize` it attaches a window of its own
 * memory; run(n) writes the next values 1, 2, ... while there is room and
 * returns how many it wrote.
 */
#include "p3.h"

P3_IMPORT("flue:ring/out", "attach") void ring_attach(uint32_t ptr, uint32_t bytes);
P3_IMPORT("flue:ring/out", "claim") uint64_t ring_claim(uint32_t max);
P3_IMPORT("flue:ring/out", "finish") void ring_finish(uint32_t n);

/* 16 slots of 4 bytes: a window is a power of two aligned to its size. */
static uint32_t window[16] __attribute__((aligned(64)));
static uint32_t next = 1;

P3_EXPORT("_initialize") void initialize(void)
{
	ring_attach((uint32_t)(uintptr_t)window, (uint32_t)sizeof window);
}

P3_EXPORT("run") uint32_t run(uint32_t n)
{
	uint32_t done = 0;
	while (done < n) {
		uint64_t c = ring_claim(n - done);
		uint32_t at = (uint32_t)c, count = (uint32_t)(c >> 32);
		if (c == UINT64_MAX || count == 0u)
			break; /* the driver left, or no room now */
		uint32_t *slot = (uint32_t *)(uintptr_t)at;
		for (uint32_t i = 0; i < count; i++)
			slot[i] = next++;
		ring_finish(count);
		done += count;
	}
	return done;
}
