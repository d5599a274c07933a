/*
 * guest (tests/build/hoststrs): `run` (callback-lifted: it returns to the
 * host while it waits, so that the host can act) gets the readable end of
 * the host's stream<string> (words) and reads 3 strings from it,
 * gives the host the readable end of a stream<string> of its own (take)
 * and writes 3 strings to it. Both ops park: the host meets them once
 * run waits (main.c). Returns the checks that passed (bits).
 */
#include "p3.h"

#define HOST "test:hoststrs/host"

P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t bits);
P3_IMPORT(HOST, "words") uint32_t words(void);
P3_IMPORT(HOST, "[async-lower][stream-read-0]words")
uint32_t words_read(uint32_t end, uint32_t *buf, uint32_t n);
P3_IMPORT(HOST, "[stream-drop-readable-0]words") void words_drop(uint32_t end);
P3_IMPORT(HOST, "take") void take(uint32_t end);
P3_IMPORT(HOST, "[stream-new-0]take") uint64_t mine_new(void);
P3_IMPORT(HOST, "[async-lower][stream-write-0]take")
uint32_t mine_write(uint32_t end, const uint32_t *buf, uint32_t n);
P3_IMPORT(HOST, "[stream-drop-writable-0]take") void mine_drop(uint32_t end);

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

static uint32_t got[6];   /* 3 (ptr, len) pairs */
static uint32_t sent[6];  /* 3 (ptr, len) pairs */
/* "from the guest", "", "αβγ 🎉" */
static const char s0[] = "from the guest", s1[] = "",
		  s2[] = "\xCE\xB1\xCE\xB2\xCE\xB3 \xF0\x9F\x8E\x89";

/* What the host wrote (main.c): "one", "", "gr\xC3\xBC\xC3\x9F" (grüß). */
static uint32_t check_got(uint32_t n)
{
	bool ok = n == 3u && same(got[0], got[1], "one") && got[3] == 0u &&
		  same(got[4], got[5], "gr\xC3\xBC\xC3\x9F") && in_heap(got[0], 3) && in_heap(got[4], 6);
	return ok ? 0x4u : 0u;
}

static struct {
	uint32_t bits, set, r, w, events, writes;
} st;

/* Both ops done: drop everything, return the bits. */
static uint32_t finish(void)
{
	st.bits |= st.writes == (P3_COMPLETED | 3u << 4) ? 0x8u : 0u;
	p3_waitable_join(st.r, 0);
	p3_waitable_join(st.w, 0);
	words_drop(st.r);
	mine_drop(st.w);
	p3_waitable_set_drop(st.set);
	task_return_run(st.bits);
	return P3_EXIT;
}

P3_EXPORT("[async-lift]run") uint32_t run(void)
{
	st.set = p3_waitable_set_new();
	st.r = words();
	st.bits |= words_read(st.r, got, 3) == P3_BLOCKED ? 0x1u : 0u;
	uint64_t ends = mine_new();
	st.w = p3_writable(ends);
	take(p3_readable(ends));
	sent[0] = (uint32_t)(uintptr_t)s0, sent[1] = sizeof s0 - 1u;
	sent[2] = (uint32_t)(uintptr_t)s1, sent[3] = 0;
	sent[4] = (uint32_t)(uintptr_t)s2, sent[5] = sizeof s2 - 1u;
	st.bits |= mine_write(st.w, sent, 3) == P3_BLOCKED ? 0x2u : 0u;
	p3_waitable_join(st.r, st.set);
	p3_waitable_join(st.w, st.set);
	return P3_WAIT(st.set); /* the host meets both ops (main.c) */
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_callback(uint32_t e, uint32_t p1, uint32_t p2)
{
	if (e == P3_EVENT_STREAM_READ && p1 == st.r && p3_result(p2) == P3_COMPLETED)
		st.bits |= check_got(p3_progress(p2));
	else if (e == P3_EVENT_STREAM_WRITE && p1 == st.w)
		st.writes = p2;
	return ++st.events < 2u ? P3_WAIT(st.set) : finish();
}
