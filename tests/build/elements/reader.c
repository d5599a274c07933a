/*
 * reader (tests/build/elements): lifts sink#consume (callback). Reads the
 * stream<string> eight elements at a time until it ends, then the
 * future<result<list<u8>, string>>, and returns what it checked (bits,
 * words.h). Every string and the list land where our cabi_realloc puts
 * them: flue lowers them into this memory, inside the writer's
 * stream.write when that write meets our parked read, inside our own
 * future.read when we meet the writer's parked write. A request of
 * MAGIC_LEN bytes traps (the second round).
 */
#include "words.h"

P3_IMPORT("[export]" SINK, "[task-return]consume") void task_return_consume(uint32_t bits);
P3_IMPORT("[export]" SINK, "[async-lower][stream-read-0]consume")
uint32_t words_read(uint32_t end, struct str *buf, uint32_t n);
P3_IMPORT("[export]" SINK, "[stream-drop-readable-0]consume") void words_drop(uint32_t end);
P3_IMPORT("[export]" SINK, "[async-lower][future-read-1]consume")
uint32_t blob_read(uint32_t end, struct blob *value);
P3_IMPORT("[export]" SINK, "[future-drop-readable-1]consume") void blob_drop(uint32_t end);

/* A bump heap: nothing is freed (a consume's values stay for its checks). */
static uint8_t heap[1024] __attribute__((aligned(8)));
static uint32_t heap_used, heap_calls, heap_bytes;

P3_EXPORT("cabi_realloc")
void *cabi_realloc(void *old, uint32_t old_size, uint32_t align, uint32_t new_size)
{
	if (new_size == MAGIC_LEN || old != 0 || old_size != 0)
		__builtin_trap(); /* the second round's word; flue never grows these */
	uint32_t at = (heap_used + align - 1u) & ~(align - 1u);
	if (align == 0u || at + new_size > sizeof heap)
		__builtin_trap();
	heap_used = at + new_size;
	heap_calls++;
	heap_bytes += new_size;
	return &heap[at];
}

static bool in_heap(uint32_t p, uint32_t n)
{
	uint32_t lo = (uint32_t)(uintptr_t)heap;
	return p >= lo && p + n <= lo + heap_used;
}

static bool bytes_are(uint32_t p, uint32_t n, const void *want, uint32_t wn)
{
	const uint8_t *a = (const uint8_t *)(uintptr_t)p, *b = want;
	if (n != wn)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static uint32_t length(const char *s)
{
	uint32_t n = 0;
	while (s[n] != '\0')
		n++;
	return n;
}

#define MAXGOT 8u

static struct {
	uint32_t set, words, blob, n, blob_result;
	struct str got[MAXGOT]; /* every string that arrived */
	struct str buf[8];      /* one read's */
	struct blob value;
} s;

static uint32_t finish(void)
{
	uint32_t bits = s.n == NWORDS ? R_COUNT : 0u, want_bytes = NBYTES;
	bool in = true;
	for (uint32_t i = 0; i < s.n && i < NWORDS; i++) {
		uint32_t wn = length(words[i]);
		want_bytes += wn;
		bits |= bytes_are(s.got[i].ptr, s.got[i].len, words[i], wn) ? (uint32_t)R_WORD0 << i : 0u;
		in = in && in_heap(s.got[i].ptr, s.got[i].len);
	}
	bits |= in && s.n > 0 ? R_IN_HEAP : 0u;
	if (p3_result(s.blob_result) == P3_COMPLETED && s.value.tag == 0u &&
	    bytes_are(s.value.ptr, s.value.len, blob_bytes, NBYTES) && in_heap(s.value.ptr, NBYTES))
		bits |= R_BLOB;
	bits |= heap_calls == NWORDS + 1u && heap_bytes == want_bytes ? R_REALLOC : 0u;
	blob_drop(s.blob);
	p3_waitable_set_drop(s.set);
	task_return_consume(bits);
	return P3_EXIT;
}

/* The stream ended: the future's value next (the writer may have parked it). */
static uint32_t end_of_words(void)
{
	p3_waitable_join(s.words, 0);
	words_drop(s.words);
	uint32_t r = blob_read(s.blob, &s.value);
	if (r == P3_BLOCKED) {
		p3_waitable_join(s.blob, s.set);
		return P3_WAIT(s.set);
	}
	s.blob_result = r;
	return finish();
}

static uint32_t read_words(void);

static uint32_t words_arrived(uint32_t packed)
{
	for (uint32_t i = 0; i < p3_progress(packed) && s.n < MAXGOT; i++)
		s.got[s.n++] = s.buf[i];
	if (p3_result(packed) == P3_DROPPED)
		return end_of_words();
	return read_words();
}

static uint32_t read_words(void)
{
	uint32_t r = words_read(s.words, s.buf, 8u);
	if (r == P3_BLOCKED)
		return P3_WAIT(s.set);
	return words_arrived(r);
}

P3_EXPORT("[async-lift]" SINK "#consume") uint32_t consume(uint32_t w, uint32_t b)
{
	memset(&s, 0, sizeof s);
	heap_used = heap_calls = heap_bytes = 0;
	s.words = w;
	s.blob = b;
	s.set = p3_waitable_set_new();
	p3_waitable_join(s.words, s.set);
	return read_words();
}

P3_EXPORT("[callback][async-lift]" SINK "#consume")
uint32_t consume_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	(void)p1;
	if (event == P3_EVENT_STREAM_READ)
		return words_arrived(p2);
	if (event == P3_EVENT_FUTURE_READ) {
		p3_waitable_join(s.blob, 0);
		s.blob_result = p2;
		return finish();
	}
	__builtin_trap(); /* nothing else is joined */
}
