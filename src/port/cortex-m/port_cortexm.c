/*
 * Bare-metal Cortex-M port (single core): PRIMASK masks interrupts for the
 * critical section; wake sets a flag and SEV, idle waits with WFE.
 * Host threads do not exist here; interrupt handlers use the host-end API.
 *
 * Trap unwinding and stack switching (fibers on PSP stacks): fiber_cortexm.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/port.h>

static volatile bool woken;

flue_port_key_t flue_port_lock(void)
{
	flue_port_key_t primask;
	__asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
	return primask;
}

void flue_port_unlock(flue_port_key_t key)
{
	__asm volatile("msr primask, %0" ::"r"(key) : "memory");
}

void flue_port_wake(void)
{
	woken = true;
	__asm volatile("dsb\n\tsev" ::: "memory");
}

void flue_port_idle(void)
{
	/* A wake between the test and WFE leaves the event register set, so
	 * WFE returns at once: no lost wake-up. */
	while (!woken)
		__asm volatile("wfe" ::: "memory");
	woken = false;
}

/* One core: an aligned word access is atomic. An ISR raising between the
 * read and the clear has finished its post before it raised, so the
 * executor's look under the lock, which follows the clear, sees it. */
void flue_port_flag_raise(flue_port_flag_t *f)
{
	*(volatile uint32_t *)&f->word = 1u;
}

bool flue_port_flag_take(flue_port_flag_t *f)
{
	volatile uint32_t *w = &f->word;
	if (*w == 0u)
		return false;
	*w = 0u;
	__asm volatile("" ::: "memory");
	return true;
}

_Noreturn void flue_port_halt(void)
{
	for (;;)
		__asm volatile("bkpt #0\n\twfi");
}

/* ------------------------------------------------- blocking host threads */

/* Bare metal has no host threads: a taker (code outside the executor, e.g.
 * a main loop that hands the executor to an interrupt) waits with WFE for
 * an interrupt handler to give the semaphore. The flag lives in the first
 * word; a give between the test and WFE leaves the event register set. */
void flue_port_sem_init(flue_port_sem_t *sem)
{
	sem->opaque[0] = 0;
}

void flue_port_sem_give(flue_port_sem_t *sem)
{
	*(volatile uint64_t *)&sem->opaque[0] = 1;
	__asm volatile("dsb\n\tsev" ::: "memory");
}

void flue_port_sem_take(flue_port_sem_t *sem)
{
	while (*(volatile uint64_t *)&sem->opaque[0] == 0)
		__asm volatile("wfe" ::: "memory");
	sem->opaque[0] = 0;
}

void flue_port_sem_destroy(flue_port_sem_t *sem)
{
	(void)sem;
}
