/*
 * filter: exports example:pipeline/source#open like the sensor, and serves
 * it by opening the sensor's source (a synchronous call) and passing every
 * sample on unchanged, in the sensor's batches, one write per step. The
 * sensor's CRC future is handed through to the caller as it is. Counts the
 * writes that had to wait (BLOCKED): they happen when the reader is slow.
 */
#include "guest.h"

#define BATCH 8u
#define IMPORT_MODULE "example:pipeline/source"
#define EXPORT_MODULE "[export]example:pipeline/source"

/* The sensor's source: open (sync lowered; the tuple comes back through a pointer). */
P3_IMPORT(IMPORT_MODULE, "open") void source_open(uint32_t count, uint32_t *ret);
P3_IMPORT(IMPORT_MODULE, "[async-lower][stream-read-0]open")
uint32_t in_read(uint32_t end, struct sample *buf, uint32_t n);
P3_IMPORT(IMPORT_MODULE, "[stream-drop-readable-0]open") void in_drop(uint32_t end);

/* Our own source. */
P3_IMPORT(EXPORT_MODULE, "[task-return]open") void task_return_open(uint32_t stream, uint32_t future);
P3_IMPORT(EXPORT_MODULE, "[stream-new-0]open") uint64_t out_new(void);
P3_IMPORT(EXPORT_MODULE, "[async-lower][stream-write-0]open")
uint32_t out_write(uint32_t end, const struct sample *buf, uint32_t n);
P3_IMPORT(EXPORT_MODULE, "[stream-drop-writable-0]open") void out_drop(uint32_t end);

static struct {
	uint32_t set, in, out, moved, blocked, events;
	uint32_t have, offset;
	bool reading, writing, in_done, out_gone;
	struct sample buf[BATCH];
} s;

static void got(uint32_t packed)
{
	s.reading = false;
	s.have = p3_progress(packed);
	s.offset = 0;
	if (p3_result(packed) == P3_DROPPED)
		s.in_done = true;
}

static void put(uint32_t packed)
{
	s.writing = false;
	uint32_t k = p3_progress(packed);
	s.offset += k;
	s.have -= k;
	s.moved += k;
	if (p3_result(packed) == P3_DROPPED)
		s.out_gone = true;
}

static uint32_t finish(void)
{
	p3_waitable_join(s.in, 0);
	p3_waitable_join(s.out, 0);
	in_drop(s.in);
	out_drop(s.out);
	p3_waitable_set_drop(s.set);
	stats_report(COMPONENT_FILTER, s.moved, s.blocked, s.events, 0);
	return P3_EXIT;
}

static uint32_t step(uint32_t event, uint32_t p1, uint32_t p2)
{
	if (event != P3_EVENT_NONE)
		s.events++;
	/* An event on an end with no op in flight is the one-shot notice that
	 * the other side dropped while ours was idle (DROPPED, no progress). */
	if (event == P3_EVENT_STREAM_READ && p1 == s.in) {
		if (s.reading)
			got(p2);
		else
			s.in_done = true;
	} else if (event == P3_EVENT_STREAM_WRITE && p1 == s.out) {
		if (s.writing)
			put(p2);
		else
			s.out_gone = true;
	}
	if (s.have > 0 && !s.writing && !s.out_gone) {
		uint32_t r = out_write(s.out, &s.buf[s.offset], s.have);
		if (r == P3_BLOCKED) {
			s.blocked++;
			s.writing = true;
		} else {
			put(r);
			return P3_YIELD; /* one write per step */
		}
	}
	if (s.out_gone)
		s.have = 0;
	if (s.have == 0 && !s.reading && !s.writing && !s.in_done && !s.out_gone) {
		uint32_t r = in_read(s.in, s.buf, BATCH);
		if (r == P3_BLOCKED)
			s.reading = true;
		else
			got(r);
		if (!s.reading)
			return P3_YIELD;
	}
	if ((s.in_done || s.out_gone) && s.have == 0 && !s.reading && !s.writing)
		return finish();
	return s.reading || s.writing ? P3_WAIT(s.set) : P3_YIELD;
}

P3_EXPORT("[async-lift]example:pipeline/source#open") uint32_t open_start(uint32_t count)
{
	memset(&s, 0, sizeof s);
	uint32_t upstream[2];
	source_open(count, upstream);
	s.in = upstream[0];
	uint64_t stream = out_new();
	s.out = p3_writable(stream);
	task_return_open(p3_readable(stream), upstream[1]); /* the sensor's CRC, passed on */
	s.set = p3_waitable_set_new();
	p3_waitable_join(s.in, s.set);
	p3_waitable_join(s.out, s.set);
	return P3_YIELD; /* the caller starts reading before the first write */
}

P3_EXPORT("[callback][async-lift]example:pipeline/source#open")
uint32_t open_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	return step(event, p1, p2);
}
