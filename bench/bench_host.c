/*
 * `make bench` on the host: wall-clock time (CLOCK_MONOTONIC), each figure
 * the best of BENCH_RUNS runs of n iterations, n at least 10^5 and enough
 * for a run of ~0.25 s by a calibration run of 1000. Prints one line per
 * benchmark for bench/report.sh:
 *     bench <key> <nanoseconds of the best run> <iterations>
 *
 * Options (for scripts/bench_profile.sh): --only <key> --iters <n> --runs <k>.
 * Exit status: 0, or 1 if any benchmark's result was wrong.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <flue/board.h>
#include <flue/channel.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/port.h>

#include "bench.h"

#define BENCH_RUNS 5
#define BENCH_TARGET_NS 250000000ull /* per run */
#define BENCH_MIN_ITERS 100000u /* and at least BENCH_TARGET_NS per run */
#define BENCH_CALIBRATE_ITERS 1000u
#define BENCH_MAX_ITERS 20000000u

uint64_t bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------- queue baseline on the port's fibers */

/* The two fibers (zero: no fiber; free again once their entry returned). */
static flue_port_fiber_t fib_producer, fib_consumer;

static void to_consumer(void)
{
	flue_port_fiber_resume(&fib_consumer); /* the first resume starts it */
}

static void to_producer(void)
{
	flue_port_fiber_suspend(&fib_consumer); /* back to the producer */
}

static void producer_entry(void *arg)
{
	(void)arg;
	bench_queue_producer();
}

static void consumer_entry(void *arg)
{
	(void)arg;
	bench_queue_consumer();
}

int bench_queue_switch(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	bench_queue_init(n, to_consumer, to_producer);
	if (flue_port_fiber_create(&fib_producer, producer_entry, 0) != 0 ||
	    flue_port_fiber_create(&fib_consumer, consumer_entry, 0) != 0) {
		BCHECK(false);
		return -1;
	}
	uint64_t t0 = bench_now();
	flue_port_fiber_resume(&fib_producer); /* returns when the producer ends */
	*elapsed = bench_now() - t0;
	bench_queue_check();
	return bench_failures() == 0 ? 0 : -1;
}

/* --------------------------------- hand-off through a channel, other thread */

static struct flue_channel ch;
static uint8_t ch_ring[1];
static uint32_t ch_n;
static int32_t ch_error; /* the producer's first unexpected send result */

static void *channel_producer(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < ch_n && ch_error == 0; i++) {
		uint8_t v = bench_stamp(i);
		int32_t r;
		while ((r = flue_channel_send(&ch, &v, 1)) == FLUE_EAGAIN)
			sched_yield();
		if (r != 1)
			ch_error = r;
	}
	flue_channel_close(&ch);
	return NULL;
}

int bench_handoff_channel(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	uint32_t end;
	if (bench_fixture_setup() != 0 || flue_channel_init(&ch, ch_ring, 1, 1) != 0 ||
	    flue_channel_attach(&ch, bf.b, bf.u8, true, false, &end) != 0) {
		BCHECK(false);
		return -1;
	}
	ch_n = n;
	ch_error = 0;
	pthread_t t;
	uint64_t t0 = bench_now();
	if (bench_reader_start(end, 1) != 0 || pthread_create(&t, NULL, channel_producer, NULL) != 0)
		return -1;
	int rc = flue_run_until_idle(&bf.store);
	pthread_join(t, NULL);
	*elapsed = bench_now() - t0;
	BCHECK_EQ(rc, 0);
	BCHECK_EQ(ch_error, 0);
	bench_reader_check(n);
	BCHECK_EQ(bench_resolved(), 1);
	return bench_failures() == 0 ? 0 : -1;
}

/* ------------------------------------ a driver's call (shared-ring rows) */

/* No interrupts on the host: the driver's code runs on the executor's
 * thread, between two flue_run() calls (both variants alike). */
void bench_kick(void (*fn)(void))
{
	fn();
}

/* ------------------------------------------------------------- the runner */

static uint32_t iterations_for(const struct bench *b)
{
	uint64_t el = 0;
	uint32_t n = BENCH_CALIBRATE_ITERS;
	if (b->fn(b->arg, n, &el) != 0)
		return 0;
	if (el == 0)
		el = 1;
	uint64_t want = BENCH_TARGET_NS * n / el + 1u;
	if (want < BENCH_MIN_ITERS)
		want = BENCH_MIN_ITERS;
	if (want > BENCH_MAX_ITERS)
		want = BENCH_MAX_ITERS;
	return (uint32_t)want;
}

/* Best of `runs`; 0 if the benchmark's result was wrong. */
static int run_one(const struct bench *b, uint32_t iters, uint32_t runs)
{
	bench_failures_reset();
	uint32_t n = iters != 0 ? iters : iterations_for(b);
	uint64_t best = UINT64_MAX;
	for (uint32_t r = 0; r < runs && n != 0; r++) {
		uint64_t el = 0;
		if (b->fn(b->arg, n, &el) != 0)
			break;
		if (el < best)
			best = el;
	}
	if (n == 0 || bench_failures() != 0) {
		bench_report_failure(b->key);
		return -1;
	}
	flue_board_printf("bench %s %llu %u\n", b->key, (unsigned long long)best, (unsigned)n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	uint32_t iters = 0, runs = BENCH_RUNS;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--only") == 0)
			only = argv[i + 1];
		else if (strcmp(argv[i], "--iters") == 0)
			iters = (uint32_t)strtoul(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "--runs") == 0)
			runs = (uint32_t)strtoul(argv[i + 1], NULL, 0);
	}
	flue_board_printf("bench-info host clock=CLOCK_MONOTONIC unit=ns runs=%u "
			  "target_run_ns=%llu cc=gcc-%d.%d.%d\n", (unsigned)runs,
			  (unsigned long long)BENCH_TARGET_NS, __GNUC__, __GNUC_MINOR__,
			  __GNUC_PATCHLEVEL__);
	int status = 0, ran = 0;
	for (uint32_t i = 0; i < bench_common_count; i++) {
		if (only != NULL && strcmp(only, bench_common[i].key) != 0)
			continue;
		ran++;
		if (run_one(&bench_common[i], iters, runs) != 0)
			status = 1;
	}
	if (ran == 0) {
		flue_board_printf("bench: no benchmark named %s\n", only != NULL ? only : "");
		status = 1;
	}
	return status;
}
