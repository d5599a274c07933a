/*
 * flue/board.h on a POSIX host: output with write(2) on stdout (unbuffered,
 * so lines from the timer thread and the main thread never interleave
 * inside one call's buffer and nothing is lost at _exit), CLOCK_MONOTONIC
 * for time, no instruction count, and the periodic "interrupt" as a thread.
 *
 * The timer thread waits on a condition variable with an absolute
 * CLOCK_MONOTONIC deadline, so that flue_board_timer_stop() wakes it at
 * once instead of waiting out the period; the stop flag is guarded by the
 * same mutex, and stop joins the thread, which is what makes "isr is not
 * running and will not run again" true when it returns.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <flue/board.h>
#include <flue/errno.h>
#include <flue/port_posix.h>

#include "../fmt.h"

/* ------------------------------------------------------------------ output */

void flue_board_write(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* stdout closed: nothing sensible to do */
		}
		s += w;
		n -= (size_t)w;
	}
}

int flue_board_vprintf(const char *fmt, va_list ap)
{
	return flue_fmt_write(flue_board_write, fmt, ap);
}

int flue_board_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = flue_board_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

_Noreturn void flue_board_exit(int status)
{
	/* Flush anything the program wrote with stdio besides the board. */
	fflush(NULL);
	exit(status);
}

/* -------------------------------------------------------------------- time */

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* "Since the program started": taken before main() runs (written once, before
 * any thread exists, then only read). */
static uint64_t start_ns;

__attribute__((constructor)) static void board_posix_start(void)
{
	start_ns = monotonic_ns();
}

uint64_t flue_board_time_ns(void)
{
	return monotonic_ns() - start_ns;
}

uint64_t flue_board_instructions(void)
{
	return 0;
}

uint32_t flue_board_instruction_resolution(void)
{
	return 0;
}

/* ------------------------------------------------------------------- timer */

static struct {
	pthread_mutex_t mutex;
	pthread_cond_t cond; /* signalled by stop; timed waits use CLOCK_MONOTONIC */
	bool cond_ready;     /* cond initialised with the monotonic clock */
	bool running;        /* a thread exists (start..stop) */
	bool stop;           /* the thread must end */
	uint32_t period_us;
	void (*isr)(void);
	pthread_t thread;
} timer = { .mutex = PTHREAD_MUTEX_INITIALIZER };

static struct timespec ns_to_timespec(uint64_t ns)
{
	struct timespec ts;
	ts.tv_sec = (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	return ts;
}

/* The thread: sleep until the next deadline (or a stop), call isr outside
 * the mutex, repeat. Deadlines advance by the period; after a stall longer
 * than a period they restart from now instead of firing a burst. */
static void *timer_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&timer.mutex);
	uint64_t period_ns = (uint64_t)timer.period_us * 1000u;
	void (*isr)(void) = timer.isr;
	uint64_t next = monotonic_ns() + period_ns;
	while (!timer.stop) {
		struct timespec deadline = ns_to_timespec(next);
		int rc = pthread_cond_timedwait(&timer.cond, &timer.mutex, &deadline);
		if (timer.stop)
			break;
		if (rc != ETIMEDOUT && monotonic_ns() < next)
			continue; /* spurious wake-up */
		pthread_mutex_unlock(&timer.mutex);
		flue_port_posix_interrupt(isr); /* its wakes land together */
		pthread_mutex_lock(&timer.mutex);
		uint64_t now = monotonic_ns();
		next += period_ns;
		if (next <= now)
			next = now + period_ns;
	}
	pthread_mutex_unlock(&timer.mutex);
	return NULL;
}

static int init_cond_locked(void)
{
	if (timer.cond_ready)
		return 0;
	pthread_condattr_t attr;
	if (pthread_condattr_init(&attr) != 0)
		return FLUE_ENOMEM;
	int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (rc == 0)
		rc = pthread_cond_init(&timer.cond, &attr);
	pthread_condattr_destroy(&attr);
	if (rc != 0)
		return FLUE_ENOMEM;
	timer.cond_ready = true;
	return 0;
}

int flue_board_timer_start(uint32_t period_us, void (*isr)(void))
{
	if (period_us == 0 || isr == NULL)
		return FLUE_EINVAL;
	pthread_mutex_lock(&timer.mutex);
	int rc = timer.running ? FLUE_EBUSY : init_cond_locked();
	if (rc == 0) {
		timer.stop = false;
		timer.period_us = period_us;
		timer.isr = isr;
		if (pthread_create(&timer.thread, NULL, timer_thread, NULL) != 0)
			rc = FLUE_ENOMEM;
		else
			timer.running = true;
	}
	pthread_mutex_unlock(&timer.mutex);
	return rc;
}

void flue_board_timer_stop(void)
{
	pthread_mutex_lock(&timer.mutex);
	/* Not running, or another thread is stopping it already (then that
	 * caller joins; a second join would be undefined). */
	if (!timer.running || timer.stop) {
		pthread_mutex_unlock(&timer.mutex);
		return;
	}
	timer.stop = true;
	pthread_cond_signal(&timer.cond);
	pthread_t thread = timer.thread;
	pthread_mutex_unlock(&timer.mutex);

	pthread_join(thread, NULL);

	pthread_mutex_lock(&timer.mutex);
	timer.running = false;
	timer.isr = NULL;
	pthread_mutex_unlock(&timer.mutex);
}
