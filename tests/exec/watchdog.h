/*
 * A watchdog for host tests of a hang (tests of the executor's edges): a
 * test that used to sleep for good fails with a message after `seconds`.
 * Host only (POSIX signals); include it in one test file.
 */
#ifndef FLUE_TEST_WATCHDOG_H
#define FLUE_TEST_WATCHDOG_H

#include <signal.h>
#include <string.h>
#include <unistd.h>

static const char *watchdog_msg;

static void watchdog_fire(int sig)
{
	(void)sig;
	/* write, strlen and _exit are async-signal-safe. */
	(void)!write(2, watchdog_msg, strlen(watchdog_msg));
	_exit(1);
}

/* Fail the test with `msg` unless it ends within `seconds`. */
static inline void watchdog(unsigned seconds, const char *msg)
{
	watchdog_msg = msg;
	signal(SIGALRM, watchdog_fire);
	alarm(seconds);
}

/* The test ended in time. */
static inline void watchdog_stop(void)
{
	alarm(0);
}

#endif
