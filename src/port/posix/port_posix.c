/*
 * POSIX port: a process-wide mutex for the critical section, a condition
 * variable for idle/wake. Host threads only lock, update host-end state and
 * wake; guest code runs on the executor's thread alone.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <flue/port.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static bool woken;

flue_port_key_t flue_port_lock(void)
{
	pthread_mutex_lock(&lock);
	return 0;
}

void flue_port_unlock(flue_port_key_t key)
{
	(void)key;
	pthread_mutex_unlock(&lock);
}

void flue_port_wake(void)
{
	pthread_mutex_lock(&idle_lock);
	woken = true;
	pthread_cond_signal(&idle_cond);
	pthread_mutex_unlock(&idle_lock);
}

void flue_port_idle(void)
{
	pthread_mutex_lock(&idle_lock);
	while (!woken)
		pthread_cond_wait(&idle_cond, &idle_lock);
	woken = false; /* consume the wake: the next idle sleeps again */
	pthread_mutex_unlock(&idle_lock);
}

_Noreturn void flue_port_halt(void)
{
	fputs("flue: trap hook returned; halting\n", stderr);
	abort();
}
