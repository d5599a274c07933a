/*
 * The RTOS baselines of the one-element hand-off: a one-slot message queue
 * whose every put and get is decided by Gale's gale_k_msgq_put_decide /
 * gale_k_msgq_get_decide (include/gale/gale_msgq.h), as a Gale/Zephyr
 * k_msgq does, then the copy and the index update.
 *
 *  - queue_path: the code path alone, producer and consumer steps joined
 *    by a direct function call instead of a context switch (what the
 *    FreeRTOS figure of 34.8 ns per send+receive measures: no switch).
 *  - queue_switch: the same queue between two cooperative threads on two
 *    stacks (bench_queue_producer/consumer, switched by the platform).
 */
#include <string.h>

#include <gale/gale_msgq.h>

#include "bench.h"

/* One slot of one byte. */
#define Q_MAX 1u

static struct {
	uint8_t slot[Q_MAX];
	uint32_t r, w, used;
	bool reader_waiting, writer_waiting;
	uint8_t *reader_dst;
} q;

/* ------------------------------------------------------------ code path */

static __attribute__((noinline)) void qp_put(uint8_t v)
{
	struct gale_msgq_put_decision d = gale_k_msgq_put_decide(q.w, q.used, Q_MAX, 0, 1);
	BCHECK_EQ(d.action, GALE_MSGQ_ACTION_PUT_OK);
	memcpy(&q.slot[q.w], &v, 1);
	q.w = d.new_write_idx;
	q.used = d.new_used;
}

static __attribute__((noinline)) uint8_t qp_get(void)
{
	uint8_t v;
	struct gale_msgq_get_decision d = gale_k_msgq_get_decide(q.r, q.used, Q_MAX, 0, 1);
	BCHECK_EQ(d.action, GALE_MSGQ_ACTION_GET_OK);
	memcpy(&v, &q.slot[q.r], 1);
	q.r = d.new_read_idx;
	q.used = d.new_used;
	return v;
}

static uint32_t qp_sum;

static void qp_consumer_step(void)
{
	qp_sum += qp_get();
}

/* The "context switch": a call the compiler cannot inline or elide. */
static void (*volatile qp_switch)(void) = qp_consumer_step;

int bench_queue_path(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	memset(&q, 0, sizeof q);
	qp_sum = 0;
	uint64_t t0 = bench_now();
	for (uint32_t i = 0; i < n; i++) {
		qp_put(bench_stamp(i));
		qp_switch();
	}
	*elapsed = bench_now() - t0;
	uint32_t want = 0;
	for (uint32_t i = 0; i < n; i++)
		want += bench_stamp(i);
	BCHECK_EQ(qp_sum, want);
	BCHECK_EQ(q.used, 0);
	return bench_failures() == 0 ? 0 : -1;
}

/* ------------------------------------------------ two cooperative threads */

static struct {
	uint32_t n, got;
	bool producer_done, consumer_done;
	void (*to_consumer)(void);
	void (*to_producer)(void);
} pp;

void bench_queue_init(uint32_t n, void (*to_consumer)(void), void (*to_producer)(void))
{
	memset(&q, 0, sizeof q);
	memset(&pp, 0, sizeof pp);
	pp.n = n;
	pp.to_consumer = to_consumer;
	pp.to_producer = to_producer;
}

/* One put of `v`, blocking (switching to the consumer) while full. */
static void queue_put(uint8_t v)
{
	for (;;) {
		struct gale_msgq_put_decision d =
			gale_k_msgq_put_decide(q.w, q.used, Q_MAX, q.reader_waiting, 0);
		switch (d.action) {
		case GALE_MSGQ_ACTION_PUT_PEND:
			q.writer_waiting = true;
			pp.to_consumer();
			continue;
		case GALE_MSGQ_ACTION_WAKE_READER:
			memcpy(q.reader_dst, &v, 1);
			q.reader_waiting = false;
			return;
		case GALE_MSGQ_ACTION_PUT_OK:
			memcpy(&q.slot[q.w], &v, 1);
			q.w = d.new_write_idx;
			q.used = d.new_used;
			return;
		default:
			BCHECK_EQ(d.action, GALE_MSGQ_ACTION_PUT_OK);
			return;
		}
	}
}

/* One get, blocking (switching to the producer) while empty. */
static uint8_t queue_get(void)
{
	uint8_t v = 0;
	for (;;) {
		struct gale_msgq_get_decision d =
			gale_k_msgq_get_decide(q.r, q.used, Q_MAX, q.writer_waiting, 0);
		if (d.action == GALE_MSGQ_ACTION_GET_PEND) {
			q.reader_waiting = true;
			q.reader_dst = &v;
			pp.to_producer();
			if (!q.reader_waiting)
				return v; /* handed over by WAKE_READER */
			continue;
		}
		BCHECK(d.action == GALE_MSGQ_ACTION_GET_OK ||
		       d.action == GALE_MSGQ_ACTION_WAKE_WRITER);
		memcpy(&v, &q.slot[q.r], 1);
		q.r = d.new_read_idx;
		q.used = d.new_used;
		if (d.action == GALE_MSGQ_ACTION_WAKE_WRITER)
			q.writer_waiting = false;
		return v;
	}
}

void bench_queue_producer(void)
{
	for (uint32_t i = 0; i < pp.n; i++)
		queue_put(bench_stamp(i));
	pp.producer_done = true;
	while (!pp.consumer_done)
		pp.to_consumer();
}

void bench_queue_consumer(void)
{
	for (uint32_t i = 0; i < pp.n; i++) {
		uint8_t v = queue_get();
		BCHECK_EQ(v, bench_stamp(i));
		pp.got++;
	}
	pp.consumer_done = true;
}

void bench_queue_check(void)
{
	BCHECK(pp.producer_done);
	BCHECK(pp.consumer_done);
	BCHECK_EQ(pp.got, pp.n);
	BCHECK_EQ(q.used, 0);
}
