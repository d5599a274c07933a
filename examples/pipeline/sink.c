/*
 * sink: exports `run` (callback-lifted). Opens the filter's source, reads
 * every sample (64 at a time, or one per step when `slow`), computes the
 * CRC-32 of what arrived, then reads the sensor's CRC from the future and
 * returns the number of samples if the two agree (0 if not).
 */
#include "guest.h"

#define FAST_READ 64u
#define IMPORT_MODULE "example:pipeline/source"

P3_IMPORT(IMPORT_MODULE, "open") void source_open(uint32_t count, uint32_t *ret);
P3_IMPORT(IMPORT_MODULE, "[async-lower][stream-read-0]open")
uint32_t in_read(uint32_t end, struct sample *buf, uint32_t n);
P3_IMPORT(IMPORT_MODULE, "[stream-drop-readable-0]open") void in_drop(uint32_t end);
P3_IMPORT(IMPORT_MODULE, "[async-lower][future-read-1]open")
uint32_t crc_read(uint32_t end, uint32_t *value);
P3_IMPORT(IMPORT_MODULE, "[future-drop-readable-1]open") void crc_drop(uint32_t end);
P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t received);

static struct {
	uint32_t set, in, crc_in, received, crc, events, want;
	bool slow;
	struct sample buf[FAST_READ];
} s;

static uint32_t source_crc;

static uint32_t finish(void)
{
	p3_waitable_join(s.crc_in, 0);
	crc_drop(s.crc_in);
	p3_waitable_set_drop(s.set);
	stats_report(COMPONENT_SINK, s.received, 0, s.events, s.crc);
	task_return_run(s.crc == source_crc ? s.received : 0u);
	return P3_EXIT;
}

/* The stream ended: ask for the sensor's CRC. */
static uint32_t end_of_stream(void)
{
	p3_waitable_join(s.in, 0);
	in_drop(s.in);
	uint32_t r = crc_read(s.crc_in, &source_crc);
	if (r == P3_BLOCKED) {
		p3_waitable_join(s.crc_in, s.set);
		return P3_WAIT(s.set);
	}
	return finish();
}

/* Issue the next read; handle it at once if it completes at once. */
static uint32_t read_more(void);

static uint32_t arrived(uint32_t packed)
{
	uint32_t k = p3_progress(packed);
	s.crc = p3_crc32(s.crc, s.buf, k * sizeof(struct sample));
	s.received += k;
	if (p3_result(packed) == P3_DROPPED)
		return end_of_stream();
	return s.slow ? P3_YIELD : read_more(); /* slow: the next read waits a step */
}

static uint32_t read_more(void)
{
	uint32_t r = in_read(s.in, s.buf, s.slow ? 1u : FAST_READ);
	if (r == P3_BLOCKED)
		return P3_WAIT(s.set);
	return arrived(r);
}

P3_EXPORT("[async-lift]run") uint32_t run_start(uint32_t count, uint32_t slow)
{
	memset(&s, 0, sizeof s);
	s.want = count;
	s.slow = slow != 0;
	uint32_t upstream[2];
	source_open(count, upstream);
	s.in = upstream[0];
	s.crc_in = upstream[1];
	s.set = p3_waitable_set_new();
	p3_waitable_join(s.in, s.set);
	return read_more();
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	(void)p1;
	if (event != P3_EVENT_NONE)
		s.events++;
	if (event == P3_EVENT_STREAM_READ)
		return arrived(p2);
	if (event == P3_EVENT_FUTURE_READ)
		return finish();
	return read_more(); /* after a YIELD */
}
