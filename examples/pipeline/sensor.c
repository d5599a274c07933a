/*
 * sensor: exports example:pipeline/source#open (callback-lifted). Each call
 * streams `count` samples in batches, one write per step, then sends the
 * CRC-32 of everything it sent on the future, and reports to the host.
 * One `open` at a time (its state is static).
 */
#include "guest.h"

#define BATCH 8u
#define EXPORT_MODULE "[export]example:pipeline/source"

P3_IMPORT(EXPORT_MODULE, "[task-return]open") void task_return_open(uint32_t stream, uint32_t future);
P3_IMPORT(EXPORT_MODULE, "[stream-new-0]open") uint64_t sample_stream_new(void);
P3_IMPORT(EXPORT_MODULE, "[async-lower][stream-write-0]open")
uint32_t sample_stream_write(uint32_t end, const struct sample *buf, uint32_t n);
P3_IMPORT(EXPORT_MODULE, "[stream-drop-writable-0]open") void sample_stream_drop_writable(uint32_t end);
P3_IMPORT(EXPORT_MODULE, "[future-new-1]open") uint64_t crc_future_new(void);
P3_IMPORT(EXPORT_MODULE, "[async-lower][future-write-1]open")
uint32_t crc_future_write(uint32_t end, const uint32_t *value);
P3_IMPORT(EXPORT_MODULE, "[future-drop-writable-1]open") void crc_future_drop_writable(uint32_t end);

static struct {
	uint32_t count, produced, sent, crc, blocked, events;
	uint32_t set, out, crc_out;
	uint32_t offset, pending; /* the part of `batch` not yet taken */
	bool writing, reader_gone, crc_sent;
	struct sample batch[BATCH];
} s;

static uint32_t crc_value;

static void fill_batch(void)
{
	uint32_t n = s.count - s.produced < BATCH ? s.count - s.produced : BATCH;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = s.produced + i;
		s.batch[i] = (struct sample){ k, k % 4u, (float)k * 0.25f, 1000u + 10u * k };
	}
	s.crc = p3_crc32(s.crc, s.batch, n * sizeof(struct sample));
	s.produced += n;
	s.offset = 0;
	s.pending = n;
}

static void took(uint32_t packed)
{
	uint32_t k = p3_progress(packed);
	s.offset += k;
	s.pending -= k;
	s.sent += k;
	if (p3_result(packed) == P3_DROPPED)
		s.reader_gone = true;
}

static uint32_t finish(void)
{
	p3_waitable_join(s.crc_out, 0);
	crc_future_drop_writable(s.crc_out);
	p3_waitable_set_drop(s.set);
	stats_report(COMPONENT_SENSOR, s.sent, s.blocked, s.events, s.crc);
	return P3_EXIT;
}

/* The stream is done: drop it and send the CRC. */
static uint32_t send_crc(void)
{
	p3_waitable_join(s.out, 0);
	sample_stream_drop_writable(s.out);
	s.out = 0;
	crc_value = s.crc;
	uint32_t r = crc_future_write(s.crc_out, &crc_value);
	if (r == P3_BLOCKED)
		return P3_WAIT(s.set);
	return finish();
}

static uint32_t step(uint32_t event, uint32_t p2)
{
	if (event != P3_EVENT_NONE)
		s.events++;
	if (event == P3_EVENT_FUTURE_WRITE)
		return finish();
	if (event == P3_EVENT_STREAM_WRITE) {
		s.writing = false;
		took(p2);
	}
	if (s.out == 0)
		return P3_WAIT(s.set); /* waiting for the CRC's reader */
	if (s.pending == 0 && s.produced < s.count && !s.reader_gone)
		fill_batch();
	if (s.pending == 0 || s.reader_gone)
		return send_crc();
	uint32_t r = sample_stream_write(s.out, &s.batch[s.offset], s.pending);
	if (r == P3_BLOCKED) {
		s.blocked++;
		s.writing = true;
		return P3_WAIT(s.set);
	}
	took(r);
	return P3_YIELD; /* one write per step: let the reader run */
}

P3_EXPORT("[async-lift]example:pipeline/source#open") uint32_t open_start(uint32_t count)
{
	memset(&s, 0, sizeof s);
	s.count = count;
	uint64_t stream = sample_stream_new(), future = crc_future_new();
	s.out = p3_writable(stream);
	s.crc_out = p3_writable(future);
	task_return_open(p3_readable(stream), p3_readable(future));
	s.set = p3_waitable_set_new();
	p3_waitable_join(s.out, s.set);
	p3_waitable_join(s.crc_out, s.set);
	return step(P3_EVENT_NONE, 0);
}

P3_EXPORT("[callback][async-lift]example:pipeline/source#open")
uint32_t open_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	(void)p1;
	return step(event, p2);
}
