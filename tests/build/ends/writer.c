/*
 * writer (tests/build/ends): `run` (callback-lifted, but it waits in
 * waitable-set.wait, so its steps read in order) makes streams of u8,
 * passes their readable ends inside values — take's record { name, s },
 * takes' list<stream<u8>> — and writes NBYTES bytes to each writable end
 * it kept, then drops it so the reader sees the stream end. Returns its
 * checks and the reader's (bits, bits.h).
 */
#include "bits.h"

P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t bits);
P3_IMPORT(SINK, "[async-lower]take")
uint32_t take_async(uint32_t name, uint32_t len, uint32_t end, uint32_t *ret);
P3_IMPORT(SINK, "[stream-new-0]take") uint64_t take_new(void);
P3_IMPORT(SINK, "[async-lower][stream-write-0]take")
uint32_t take_write(uint32_t end, const uint8_t *buf, uint32_t n);
P3_IMPORT(SINK, "[stream-drop-writable-0]take") void take_drop(uint32_t end);
P3_IMPORT(SINK, "[async-lower]takes")
uint32_t takes_async(const uint32_t *list, uint32_t len, uint32_t *ret);
P3_IMPORT(SINK, "[stream-new-0]takes") uint64_t takes_new(void);
P3_IMPORT(SINK, "[async-lower][stream-write-0]takes")
uint32_t takes_write(uint32_t end, const uint8_t *buf, uint32_t n);
P3_IMPORT(SINK, "[stream-drop-writable-0]takes") void takes_drop(uint32_t end);

static uint32_t ret_take, ret_takes, list[2];
static uint8_t bytes[NSTREAMS][NBYTES];

/* Write stream i's bytes to `w` (waiting if the write parks), then drop
 * it: was the write COMPLETED with every byte? */
static bool write_all(uint32_t w, uint32_t i)
{
	for (uint32_t k = 0; k < NBYTES; k++)
		bytes[i][k] = byte_of(i, k);
	/* stream 0 is take's; direct calls (imports are not called through
	 * function pointers here) */
	uint32_t r = i == 0u ? take_write(w, bytes[i], NBYTES) : takes_write(w, bytes[i], NBYTES);
	uint32_t ev[2] = { 0, 0 };
	if (r == P3_BLOCKED) { /* the reader has not read it yet */
		uint32_t set = p3_waitable_set_new();
		p3_waitable_join(w, set);
		r = p3_waitable_set_wait(set, ev) == P3_EVENT_STREAM_WRITE ? ev[1] : P3_BLOCKED;
		p3_waitable_join(w, 0);
		p3_waitable_set_drop(set);
	}
	if (i == 0u)
		take_drop(w);
	else
		takes_drop(w);
	return r == (P3_COMPLETED | NBYTES << 4);
}

/* Wait for subtask st to return: did it, with `want` in *ret? */
static bool returned(uint32_t st, const uint32_t *ret, uint32_t want)
{
	uint32_t set = p3_waitable_set_new(), ev[2] = { 0, 0 };
	p3_waitable_join(st, set);
	uint32_t code = p3_waitable_set_wait(set, ev);
	p3_waitable_join(st, 0);
	p3_subtask_drop(st);
	p3_waitable_set_drop(set);
	return code == P3_EVENT_SUBTASK && ev[1] == P3_SUBTASK_RETURNED && *ret == want;
}

static uint32_t round_take(void)
{
	uint64_t e = take_new();
	uint32_t bits = 0;
	uint32_t st = take_async((uint32_t)(uintptr_t)NAME, NAME_LEN, p3_readable(e), &ret_take);
	bits |= (st & 0xFu) == P3_SUBTASK_STARTED ? W_TAKE_STARTED : 0u;
	bits |= write_all(p3_writable(e), 0u) ? W_TAKE_WRITE : 0u;
	bits |= returned(st >> 4, &ret_take, R_TAKE_ALL) ? W_TAKE_RET : 0u;
	return bits;
}

static uint32_t round_takes(void)
{
	uint64_t e0 = takes_new(), e1 = takes_new();
	uint32_t bits = 0;
	list[0] = p3_readable(e0);
	list[1] = p3_readable(e1);
	uint32_t st = takes_async(list, 2u, &ret_takes);
	bits |= (st & 0xFu) == P3_SUBTASK_STARTED ? W_TAKES_STARTED : 0u;
	bits |= write_all(p3_writable(e0), 1u) ? W_TAKES_WRITE0 : 0u;
	bits |= write_all(p3_writable(e1), 2u) ? W_TAKES_WRITE1 : 0u;
	bits |= returned(st >> 4, &ret_takes, R_TAKES_ALL) ? W_TAKES_RET : 0u;
	return bits;
}

P3_EXPORT("[async-lift]run") uint32_t run(void)
{
	uint32_t bits = round_take();
	bits |= round_takes();
	task_return_run(bits | ret_take << 8 | ret_takes << 16); /* the reader's, for the report */
	return P3_EXIT;
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_callback(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	__builtin_trap(); /* run never returns WAIT or YIELD */
}
