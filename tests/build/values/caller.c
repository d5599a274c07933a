/*
 * caller (tests/build/values): calls greet (sync lower: the greeting lands
 * in this memory through our cabi_realloc, its (pointer, length) at the
 * return pointer) and reverse (async lower: the callee returns at once, so
 * the call reports RETURNED with the reversed list already at the out
 * pointer), and returns one bit per check that passed.
 */
#include "heap.h"

#define TEXT "test:values/text"

P3_IMPORT(TEXT, "greet") void greet(const char *name, uint32_t len, uint32_t *ret);
P3_IMPORT(TEXT, "[async-lower]reverse")
uint32_t reverse_async(const uint32_t *xs, uint32_t n, uint32_t *ret);

static uint32_t ret[2];

static bool bytes_are(uint32_t p, uint32_t n, const char *want, uint32_t wn)
{
	const char *s = (const char *)(uintptr_t)p;
	if (n != wn)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (s[i] != want[i])
			return false;
	return true;
}

P3_EXPORT("run") uint32_t run(void)
{
	uint32_t ok = 0;
	static const char name[] = "flue";
	static const char want[] = "hello, flue";
	/* Through a function pointer: call_indirect of an import, whose
	 * table entry wasm2c 1.0.32 gives the address of the instance's
	 * import-module field (src/glue/w2c.c, flue_w2c_env_ok). */
	void (*volatile via_table)(const char *, uint32_t, uint32_t *) = greet;
	via_table(name, sizeof name - 1u, ret);
	ok |= bytes_are(ret[0], ret[1], want, sizeof want - 1u) ? 0x1u : 0u;
	ok |= in_heap(ret[0], ret[1]) ? 0x2u : 0u;
	static const uint32_t xs[5] = { 1, 2, 3, 4, 5 };
	ret[0] = ret[1] = 0;
	uint32_t status = reverse_async(xs, 5, ret);
	ok |= status == P3_SUBTASK_RETURNED ? 0x4u : 0u;
	const uint32_t *r = (const uint32_t *)(uintptr_t)ret[0];
	bool reversed = ret[1] == 5u && in_heap(ret[0], 20u);
	for (uint32_t i = 0; reversed && i < 5u; i++)
		reversed = r[i] == 5u - i;
	ok |= reversed ? 0x8u : 0u;
	ok |= heap_calls >= 2u ? 0x10u : 0u; /* the greeting and the list */
	return ok;
}
