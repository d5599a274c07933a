/*
 * source (build.ring): a C guest of two driver rings (driver placement),
 * each in a window of its own memory that it attaches at `_initialize`:
 * it writes to the driver through ring 'out' — run(n) writes the next
 * values 1, 2, ... while there is room and returns how many — and reads
 * through ring 'in' what a timer interrupt (main.c) writes in place:
 * take() reads what is there now, checking the order 1, 2, ...; poke()
 * stores into that window, which an isolated reader may not (PMSAv7:
 * read-only to it).
 */
#include "p3.h"

P3_IMPORT("flue:ring/out", "attach") void ring_attach(uint32_t ptr, uint32_t bytes);
P3_IMPORT("flue:ring/out", "claim") uint64_t ring_claim(uint32_t max);
P3_IMPORT("flue:ring/out", "finish") void ring_finish(uint32_t n);
P3_IMPORT("flue:ring/in", "attach") void in_attach(uint32_t ptr, uint32_t bytes);
P3_IMPORT("flue:ring/in", "claim") uint64_t in_claim(uint32_t max);
P3_IMPORT("flue:ring/in", "finish") void in_finish(uint32_t n);

/* 16 slots of 4 bytes: a window is a power of two aligned to its size. */
static uint32_t window[16] __attribute__((aligned(64)));
static uint32_t next = 1;
/* 8 slots of 4 bytes: the smallest window, 32 bytes aligned to 32. */
static uint32_t in_window[8] __attribute__((aligned(32)));
static uint32_t in_next = 1;

P3_EXPORT("_initialize") void initialize(void)
{
	ring_attach((uint32_t)(uintptr_t)window, (uint32_t)sizeof window);
	in_next = 1;
	in_attach((uint32_t)(uintptr_t)in_window, (uint32_t)sizeof in_window);
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

/* How many values it took now (0: none yet), 0xFFFFFFFF once the driver
 * closed and everything was read, 0xBAD if one came out of order. */
P3_EXPORT("take") uint32_t take(void)
{
	uint32_t took = 0;
	for (;;) {
		uint64_t c = in_claim(8);
		if (c == UINT64_MAX)
			return took > 0u ? took : 0xFFFFFFFFu;
		uint32_t at = (uint32_t)c, count = (uint32_t)(c >> 32);
		if (count == 0u)
			return took;
		const uint32_t *slot = (const uint32_t *)(uintptr_t)at;
		for (uint32_t i = 0; i < count; i++)
			if (slot[i] != in_next++)
				return 0xBADu;
		in_finish(count);
		took += count;
	}
}

P3_EXPORT("poke") uint32_t poke(uint32_t v)
{
	*(volatile uint32_t *)&in_window[0] = v;
	return *(volatile uint32_t *)&in_window[0];
}
