/*
 * reader (tests/build/ends): lifts sink#take and sink#takes (callback).
 * Each reads the streams whose readable ends arrived inside its param —
 * a record's field, a list's elements — one after the other until each
 * ends, then returns what it checked (bits, bits.h). The name and the list
 * land where our cabi_realloc puts them; the ends are ours (flue moved
 * them from the writer's table into this instance's with the value).
 */
#include "bits.h"

P3_IMPORT("[export]" SINK, "[task-return]take") void task_return_take(uint32_t bits);
P3_IMPORT("[export]" SINK, "[async-lower][stream-read-0]take")
uint32_t take_read(uint32_t end, uint8_t *buf, uint32_t n);
P3_IMPORT("[export]" SINK, "[stream-drop-readable-0]take") void take_drop(uint32_t end);
P3_IMPORT("[export]" SINK, "[task-return]takes") void task_return_takes(uint32_t bits);
P3_IMPORT("[export]" SINK, "[async-lower][stream-read-0]takes")
uint32_t takes_read(uint32_t end, uint8_t *buf, uint32_t n);
P3_IMPORT("[export]" SINK, "[stream-drop-readable-0]takes") void takes_drop(uint32_t end);

/* A bump heap: nothing is freed (the name and the list arrive before the
 * call's core function runs, so it is never reset). */
static uint8_t heap[256] __attribute__((aligned(8)));
static uint32_t heap_used;

P3_EXPORT("cabi_realloc")
void *cabi_realloc(void *old, uint32_t old_size, uint32_t align, uint32_t new_size)
{
	uint32_t at = (heap_used + align - 1u) & ~(align - 1u);
	if (old != 0 || old_size != 0 || align == 0u || at + new_size > sizeof heap)
		__builtin_trap(); /* flue never grows these */
	heap_used = at + new_size;
	return &heap[at];
}

static bool in_heap(uint32_t p, uint32_t n)
{
	uint32_t lo = (uint32_t)(uintptr_t)heap;
	return p >= lo && p + n <= lo + heap_used;
}

/* One call's streams, read in order. */
static struct {
	uint32_t set, n, cur, bits, first; /* first: stream number of ends[0] (bits.h) */
	uint32_t ends[2], got[2];
	bool ended[2];
	uint8_t data[2][32];
	bool takes; /* takes' task, else take's: whose built-ins (direct calls) */
} s;

static uint32_t read_end(uint32_t end, uint8_t *buf, uint32_t n)
{
	return s.takes ? takes_read(end, buf, n) : take_read(end, buf, n);
}

static void drop_end(uint32_t end)
{
	if (s.takes)
		takes_drop(end);
	else
		take_drop(end);
}

static uint32_t finish(void)
{
	for (uint32_t i = 0; i < s.n; i++) {
		bool ok = s.ended[i] && s.got[i] == NBYTES;
		for (uint32_t k = 0; k < s.got[i] && ok; k++)
			ok = s.data[i][k] == byte_of(s.first + i, k);
		if (s.first == 0u)
			s.bits |= (ok ? R_BYTES : 0u) | (s.ended[i] ? R_END : 0u);
		else
			s.bits |= ok ? (uint32_t)R_BYTES0 << i : 0u;
	}
	p3_waitable_set_drop(s.set);
	if (s.takes)
		task_return_takes(s.bits);
	else
		task_return_take(s.bits);
	return P3_EXIT;
}

/* A read's outcome: its bytes kept; DROPPED: this stream ended, the next. */
static void arrived(uint32_t packed)
{
	s.got[s.cur] += p3_progress(packed);
	if (p3_result(packed) == P3_DROPPED) {
		s.ended[s.cur] = true;
		p3_waitable_join(s.ends[s.cur], 0);
		drop_end(s.ends[s.cur]);
		s.cur++;
	}
}

static uint32_t read_more(void)
{
	while (s.cur < s.n) {
		uint32_t room = (uint32_t)sizeof s.data[0] - s.got[s.cur];
		uint32_t r = read_end(s.ends[s.cur], &s.data[s.cur][s.got[s.cur]], room);
		if (r == P3_BLOCKED) {
			p3_waitable_join(s.ends[s.cur], s.set);
			return P3_WAIT(s.set);
		}
		arrived(r);
	}
	return finish();
}

static void start(uint32_t n, uint32_t first, uint32_t bits)
{
	s.n = n;
	s.first = first;
	s.bits = bits;
	s.set = p3_waitable_set_new();
}

P3_EXPORT("[async-lift]" SINK "#take") uint32_t take(uint32_t name, uint32_t len, uint32_t end)
{
	memset(&s, 0, sizeof s);
	s.ends[0] = end;
	bool named = len == NAME_LEN && in_heap(name, len);
	for (uint32_t i = 0; i < NAME_LEN && named; i++)
		named = ((const char *)(uintptr_t)name)[i] == NAME[i];
	start(1u, 0u, named ? R_NAME : 0u);
	return read_more();
}

P3_EXPORT("[async-lift]" SINK "#takes") uint32_t takes(uint32_t list, uint32_t len)
{
	memset(&s, 0, sizeof s);
	s.takes = true;
	bool listed = len == 2u && in_heap(list, 2u * 4u);
	for (uint32_t i = 0; i < len && i < 2u; i++)
		s.ends[i] = ((const uint32_t *)(uintptr_t)list)[i];
	start(len < 2u ? len : 2u, 1u, listed ? R_LIST : 0u);
	return read_more();
}

static uint32_t callback(uint32_t event, uint32_t p2)
{
	if (event != P3_EVENT_STREAM_READ)
		__builtin_trap(); /* nothing else is joined */
	arrived(p2);
	return read_more();
}

P3_EXPORT("[callback][async-lift]" SINK "#take")
uint32_t take_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	(void)p1;
	return callback(event, p2);
}

P3_EXPORT("[callback][async-lift]" SINK "#takes")
uint32_t takes_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	(void)p1;
	return callback(event, p2);
}
