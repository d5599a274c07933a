/*
 * The pipeline example's sink lifted stackful: the same behaviour as
 * examples/pipeline/sink.c (read every sample, 64 at a time or one per
 * step when `slow`, check the sensor's CRC, return the count), written as
 * one straight-line function that blocks in waitable-set.wait on its own
 * stack (a fiber) where the callback-lifted sink returns WAIT.
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

static struct sample buf[FAST_READ];
static uint32_t events;

/* Block until the one waitable in `set` has its event; its payload. */
static uint32_t wait_for(uint32_t set, uint32_t expect)
{
	uint32_t ev[2];
	if (p3_waitable_set_wait(set, ev) != expect)
		__builtin_trap(); /* nothing else is in the set */
	events++;
	return ev[1];
}

P3_EXPORT("[async-lift-stackful]run") void run(uint32_t count, uint32_t slow)
{
	(void)count;
	uint32_t upstream[2], received = 0, crc = 0, source_crc = 0;
	events = 0;
	source_open(count, upstream);
	uint32_t in = upstream[0], crc_in = upstream[1], set = p3_waitable_set_new();
	p3_waitable_join(in, set);
	for (;;) {
		uint32_t r = in_read(in, buf, slow ? 1u : FAST_READ);
		if (r == P3_BLOCKED)
			r = wait_for(set, P3_EVENT_STREAM_READ);
		uint32_t k = p3_progress(r);
		crc = p3_crc32(crc, buf, k * sizeof(struct sample));
		received += k;
		if (p3_result(r) == P3_DROPPED)
			break;
		if (slow)
			(void)p3_thread_yield(); /* the next read waits a step */
	}
	p3_waitable_join(in, 0);
	in_drop(in);
	if (crc_read(crc_in, &source_crc) == P3_BLOCKED) {
		p3_waitable_join(crc_in, set);
		(void)wait_for(set, P3_EVENT_FUTURE_READ);
		p3_waitable_join(crc_in, 0);
	}
	crc_drop(crc_in);
	p3_waitable_set_drop(set);
	stats_report(COMPONENT_SINK, received, 0, events, crc);
	task_return_run(crc == source_crc ? received : 0u);
}
