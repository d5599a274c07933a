/*
 * Bare-metal Cortex-M port (single core): PRIMASK masks interrupts for the
 * critical section; wake sets a flag and SEV, idle waits with WFE.
 * Host threads do not exist here; interrupt handlers use the host-end API.
 */
#include <stdbool.h>

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

_Noreturn void flue_port_halt(void)
{
	for (;;)
		__asm volatile("bkpt #0\n\twfi");
}
