/*
 * writer (tests/build/elements): `run` (callback-lifted, but it waits in
 * waitable-set.wait, so its steps read in order) makes a stream<string>
 * and a future<result<list<u8>, string>>, calls the reader's consume with
 * their readable ends and writes them, twice:
 *   1. the words of words.h, then ok([1, 2, 3, 250]): everything arrives;
 *   2. "ok", a word of MAGIC_LEN bytes, "late": the reader's cabi_realloc
 *      traps on the second, inside this instance's stream.write. The write
 *      completes with the one element moved whole before it; the reader is
 *      trapped, its ends dropped; this instance goes on.
 * Returns what it checked (bits, words.h).
 */
#include "words.h"

P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t bits);
P3_IMPORT(SINK, "[async-lower]consume") uint32_t consume_async(uint32_t w, uint32_t b, uint32_t *ret);
P3_IMPORT(SINK, "[stream-new-0]consume") uint64_t words_new(void);
P3_IMPORT(SINK, "[async-lower][stream-write-0]consume")
uint32_t words_write(uint32_t end, const struct str *buf, uint32_t n);
P3_IMPORT(SINK, "[stream-drop-writable-0]consume") void words_drop(uint32_t end);
P3_IMPORT(SINK, "[future-new-1]consume") uint64_t blob_new(void);
P3_IMPORT(SINK, "[async-lower][future-write-1]consume")
uint32_t blob_write(uint32_t end, const struct blob *value);
P3_IMPORT(SINK, "[future-drop-writable-1]consume") void blob_drop(uint32_t end);

static uint32_t consumed;
static struct str out[NWORDS];
static char magic[MAGIC_LEN];
static struct blob value;

static struct str str_of(const char *s)
{
	uint32_t n = 0;
	while (s[n] != '\0')
		n++;
	return (struct str){ (uint32_t)(uintptr_t)s, n };
}

/* Wait in `set` for the next event; its code, with (handle, payload) in ev. */
static uint32_t next_event(uint32_t set, uint32_t ev[2])
{
	return p3_waitable_set_wait(set, ev);
}

static uint32_t round_ok(void)
{
	uint64_t w = words_new(), b = blob_new();
	uint32_t bits = 0, set = p3_waitable_set_new(), ev[2];
	uint32_t st = consume_async(p3_readable(w), p3_readable(b), &consumed);
	bits |= (st & 0xFu) == P3_SUBTASK_STARTED ? W_STARTED : 0u;
	for (uint32_t i = 0; i < NWORDS; i++)
		out[i] = str_of(words[i]);
	uint32_t r = words_write(p3_writable(w), out, NWORDS);
	bits |= r == (P3_COMPLETED | NWORDS << 4) ? W_WORDS : 0u;
	words_drop(p3_writable(w));
	value = (struct blob){ .tag = 0, .ptr = (uint32_t)(uintptr_t)blob_bytes, .len = NBYTES };
	/* The reader has not run since: this write parks, and the reader's own
	 * future.read will meet it. */
	r = blob_write(p3_writable(b), &value);
	bool blob_done = r != P3_BLOCKED, returned = false;
	if (!blob_done)
		p3_waitable_join(p3_writable(b), set);
	p3_waitable_join(st >> 4, set);
	while (!blob_done || !returned) {
		uint32_t code = next_event(set, ev);
		if (code == P3_EVENT_FUTURE_WRITE) {
			blob_done = true;
			bits |= p3_result(ev[1]) == P3_COMPLETED ? W_BLOB : 0u;
			p3_waitable_join(p3_writable(b), 0);
		} else if (code == P3_EVENT_SUBTASK) { /* after STARTED: it ended */
			returned = true;
			bits |= ev[1] == P3_SUBTASK_RETURNED && consumed == R_ALL ? W_READER : 0u;
			p3_waitable_join(st >> 4, 0);
		} else {
			break; /* nothing else was joined */
		}
	}
	blob_drop(p3_writable(b));
	p3_subtask_drop(st >> 4);
	p3_waitable_set_drop(set);
	return bits;
}

static uint32_t round_trap(void)
{
	uint64_t w = words_new(), b = blob_new();
	uint32_t bits = 0, set = p3_waitable_set_new(), ev[2];
	uint32_t st = consume_async(p3_readable(w), p3_readable(b), &consumed);
	bits |= (st & 0xFu) == P3_SUBTASK_STARTED ? W_STARTED2 : 0u;
	memset(magic, 'x', sizeof magic);
	out[0] = str_of("ok");
	out[1] = (struct str){ (uint32_t)(uintptr_t)magic, MAGIC_LEN };
	out[2] = str_of("late");
	uint32_t r = words_write(p3_writable(w), out, 3);
	/* Policy (flue/abi.h): the word moved whole counts, the trapped
	 * reader's ends are dropped, and this write completes with it. */
	bits |= r == (P3_COMPLETED | 1u << 4) ? W_ONE : 0u;
	/* The reader's task ended with it: no return, no value. */
	p3_waitable_join(st >> 4, set);
	uint32_t code = next_event(set, ev);
	bits |= code == P3_EVENT_SUBTASK && ev[1] == P3_SUBTASK_CANCELLED_BEFORE_RETURNED ? W_GONE : 0u;
	p3_waitable_join(st >> 4, 0);
	p3_subtask_drop(st >> 4);
	r = words_write(p3_writable(w), &out[2], 1);
	uint32_t f = blob_write(p3_writable(b), &value);
	bits |= r == P3_DROPPED && f == P3_DROPPED ? W_DROPPED : 0u;
	words_drop(p3_writable(w));
	blob_drop(p3_writable(b));
	p3_waitable_set_drop(set);
	return bits;
}

P3_EXPORT("[async-lift]run") uint32_t run(void)
{
	uint32_t bits = round_ok();
	bits |= round_trap();
	task_return_run(bits | consumed << 16); /* the reader's bits of round 1, for the report */
	return P3_EXIT;
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_callback(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	__builtin_trap(); /* run never returns WAIT or YIELD */
}
