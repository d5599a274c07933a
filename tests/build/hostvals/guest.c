/*
 * guest (tests/build/hostvals): calls the host's note twice (a result
 * string lands in this memory through our cabi_realloc; then an err) and
 * its table (a list of records with strings), returning one bit per check
 * that passed; lifts split (a string in, a list of strings out).
 */
#include "p3.h"

#define HOST "test:hostvals/host"

/* note: 12 flat params (string, list, option<u8>, entry, reply), then the
 * return pointer of result<string, u32> (disc u8 at 0, payload at 4). */
P3_IMPORT(HOST, "note")
void note(const char *m, uint32_t mn, const uint32_t *xs, uint32_t nxs, uint32_t tag_case,
	  uint32_t tag, const char *en, uint32_t enn, uint32_t score, uint32_t r_case,
	  uint32_t r0, uint32_t r1, uint32_t *ret);
P3_IMPORT(HOST, "table") void table(uint32_t n, uint32_t *ret);

/* cabi_realloc: the bump heap of tests/build/values. */
#include "../values/heap.h"

static bool same(uint32_t p, uint32_t n, const char *want)
{
	const char *s = (const char *)(uintptr_t)p;
	uint32_t k = 0;
	while (want[k] != '\0')
		k++;
	if (n != k)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (s[i] != want[i])
			return false;
	return true;
}

static uint32_t ret[3];

static uint32_t check_table(void)
{
	table(3, ret);
	const uint32_t *e = (const uint32_t *)(uintptr_t)ret[0];
	bool ok = ret[1] == 3u;
	static const char *const names[3] = { "e0", "e1", "e2" };
	for (uint32_t i = 0; ok && i < 3u; i++)
		ok = same(e[3 * i], e[3 * i + 1], names[i]) && e[3 * i + 2] == 10u * i;
	return ok ? 0x10u : 0u;
}

P3_EXPORT("run") uint32_t run(void)
{
	static const char msg[] = "h\xC3\xA9llo", name[] = "ab", zz[] = "zz", big[] = "big";
	static const uint32_t xs[4] = { 1, 2, 3, 0xFFFFFFFFu };
	uint32_t ok = 0;
	/* tag some(7), entry { "ab", 42 }, reply text("zz") */
	note(msg, sizeof msg - 1u, xs, 4, 1, 7, name, 2, 42, 0, (uint32_t)(uintptr_t)zz, 2, ret);
	const uint8_t *r = (const uint8_t *)ret;
	ok |= r[0] == 0u ? 0x1u : 0u;
	ok |= r[0] == 0u && same(ret[1], ret[2], "noted: h\xC3\xA9llo") ? 0x2u : 0u;
	/* tag none, entry { "", 0 }, reply none: the host's too-big ok, then err(7) */
	note(big, 3, xs, 0, 0, 0, name, 0, 0, 2, 0, 0, ret);
	ok |= r[0] == 1u ? 0x4u : 0u;
	ok |= r[0] == 1u && ret[1] == 7u ? 0x8u : 0u;
	return ok | check_table();
}

/* split: a pointer to (pointer, length) of the list of (pointer, length). */
static uint32_t parts[16][2], split_ret[2];

P3_EXPORT("split") uint32_t *split(const char *s, uint32_t n)
{
	uint32_t k = 0, from = 0;
	for (uint32_t i = 0; i <= n && k < 16u; i++) {
		if (i == n || s[i] == ',') {
			parts[k][0] = (uint32_t)(uintptr_t)(s + from);
			parts[k][1] = i - from;
			k++;
			from = i + 1u;
		}
	}
	split_ret[0] = (uint32_t)(uintptr_t)parts;
	split_ret[1] = k;
	return split_ret;
}
