/*
 * user (tests/build/resources): `run` constructs four counters in impl
 * (5, 7, 100, 1000), adds 3 to the first through a method (borrowed self)
 * and reads it back, passes the second in a record and the other two in a
 * list to consume (owns: they move to impl, which drops them), drops the
 * first itself (impl's destructor runs with its rep), and gets an
 * error-context from check (and drops it; impl drops its own at its next
 * call). Returns the checks that passed (bits, main.c).
 */
#include "p3.h"

#define STORE "test:res/store"

P3_IMPORT(STORE, "[constructor]counter") uint32_t counter_new(uint32_t start);
P3_IMPORT(STORE, "[method]counter.add") uint32_t counter_add(uint32_t self, uint32_t n);
P3_IMPORT(STORE, "[method]counter.value") uint32_t counter_value(uint32_t self);
P3_IMPORT(STORE, "[resource-drop]counter") void counter_drop(uint32_t h);
P3_IMPORT(STORE, "consume")
uint32_t consume(uint32_t tag, uint32_t c, const uint32_t *more, uint32_t n);
P3_IMPORT(STORE, "check") void check(uint32_t n, uint32_t *ret);
P3_IMPORT(STORE, "dropped") uint32_t dropped(void);
P3_IMPORT("$root", "[error-context-drop]") void ec_drop(uint32_t ec);

static uint32_t list[2], ret[2];

P3_EXPORT("run") uint32_t run(void)
{
	uint32_t bits = 0;
	uint32_t h[4] = { counter_new(5), counter_new(7), counter_new(100), counter_new(1000) };
	bool distinct = h[0] != 0u;
	for (uint32_t i = 1; i < 4; i++)
		for (uint32_t k = 0; k < i; k++)
			distinct = distinct && h[i] != 0u && h[i] != h[k];
	bits |= distinct ? 0x01u : 0u;
	bits |= counter_add(h[0], 3) == 8u ? 0x02u : 0u;
	bits |= counter_value(h[0]) == 8u ? 0x04u : 0u;
	list[0] = h[2];
	list[1] = h[3];
	/* tag 9 + 7 + 100 + 1000 */
	bits |= consume(9, h[1], list, 2) == 1116u ? 0x08u : 0u;
	/* slots 1..3 destroyed, three destructor calls, no bad rep */
	bits |= dropped() == (0x0Eu | 3u << 8) ? 0x10u : 0u;
	counter_drop(h[0]);
	bits |= dropped() == (0x0Fu | 4u << 8) ? 0x20u : 0u;
	check(4, ret);
	bits |= (ret[0] & 0xFFu) == 0u && ret[1] == 8u ? 0x40u : 0u;
	check(0, ret);
	bool err = (ret[0] & 0xFFu) == 1u && ret[1] != 0u; /* the case: a u8 */
	if (err)
		ec_drop(ret[1]);
	bits |= err ? 0x80u : 0u;
	/* impl drops its handle to the error-context now; nothing else changed */
	bits |= dropped() == (0x0Fu | 4u << 8) ? 0x100u : 0u;
	return bits;
}
