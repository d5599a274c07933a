/*
 * guest (tests/build/hostres): `run` constructs two counters the host
 * implements (5, 7), adds to each through a method (borrowed self: the
 * host sees the rep), drops the first, adds to the second, loads a list
 * of 3 into it and one too big for the host's arrival area (the host
 * answers 0xfa11), drops it (the host's destructor runs with each rep), then opens a stream of 3 bytes
 * the host writes (ok: a readable end inside a result) and reads them, and
 * opens one of 0 bytes (err: "none"). Returns the checks that passed
 * (bits, main.c).
 */
#include "p3.h"

#define STORE "test:hostres/store"

P3_IMPORT(STORE, "[constructor]counter") uint32_t counter_new(uint32_t start);
P3_IMPORT(STORE, "[method]counter.add") uint32_t counter_add(uint32_t self, uint32_t n);
P3_IMPORT(STORE, "[method]counter.load")
uint32_t counter_load(uint32_t self, const uint32_t *xs, uint32_t n);
P3_IMPORT(STORE, "[resource-drop]counter") void counter_drop(uint32_t h);
P3_IMPORT(STORE, "open") void store_open(uint32_t n, uint32_t *ret);
P3_IMPORT(STORE, "[async-lower][stream-read-0]open")
uint32_t open_read(uint32_t end, uint8_t *buf, uint32_t n);
P3_IMPORT(STORE, "[stream-drop-readable-0]open") void open_drop(uint32_t end);

/* A bump heap for the err string (never freed: one call). */
static uint8_t heap[64] __attribute__((aligned(8)));
static uint32_t heap_used;

P3_EXPORT("cabi_realloc")
void *cabi_realloc(void *old, uint32_t old_size, uint32_t align, uint32_t new_size)
{
	uint32_t at = (heap_used + align - 1u) & ~(align - 1u);
	if (old != 0 || old_size != 0 || align == 0u || at + new_size > sizeof heap)
		__builtin_trap();
	heap_used = at + new_size;
	return &heap[at];
}

/* result<stream<u8>, string>: the case (u8) at 0, the payload at 4. */
static uint32_t ret[3];
#define NXS 2000u
static uint32_t xs[NXS];
static uint8_t buf[8];

static uint32_t streams(void)
{
	uint32_t bits = 0;
	store_open(3, ret);
	if ((ret[0] & 0xFFu) == 0u && ret[1] != 0u) {
		uint32_t r = open_read(ret[1], buf, sizeof buf); /* the host's write is parked */
		bool ok = r != P3_BLOCKED && p3_result(r) == P3_COMPLETED && p3_progress(r) == 3u;
		bits |= ok && buf[0] == 1u && buf[1] == 2u && buf[2] == 3u ? 0x10u : 0u;
		open_drop(ret[1]);
	}
	store_open(0, ret);
	const uint8_t *s = (const uint8_t *)(uintptr_t)ret[1];
	bool err = (ret[0] & 0xFFu) == 1u && ret[2] == 4u;
	bits |= err && s[0] == 'n' && s[1] == 'o' && s[2] == 'n' && s[3] == 'e' ? 0x20u : 0u;
	return bits;
}

P3_EXPORT("run") uint32_t run(void)
{
	uint32_t bits = 0;
	uint32_t a = counter_new(5), b = counter_new(7);
	bits |= a != 0u && b != 0u && a != b ? 0x01u : 0u;
	bits |= counter_add(a, 3) == 8u ? 0x02u : 0u;
	bits |= counter_add(b, 10) == 17u ? 0x04u : 0u;
	counter_drop(a); /* the host's destructor: rep 0x40 */
	bits |= counter_add(b, 1) == 18u ? 0x08u : 0u;
	/* 8000 bytes of list: more than the host's 4096-byte arrival area */
	for (uint32_t i = 0; i < NXS; i++)
		xs[i] = i + 1u;
	bits |= counter_load(b, xs, 3) == 24u ? 0x40u : 0u; /* 18 + 1 + 2 + 3 */
	bits |= counter_load(b, xs, NXS) == 0xFA11u ? 0x80u : 0u;
	bits |= counter_add(b, 0) == 24u ? 0x100u : 0u; /* unchanged */
	counter_drop(b); /* rep 0x41 */
	return bits | streams();
}
