/*
 * Bare-metal Cortex-M port (single core): PRIMASK (or, if the embedder
 * chose a level, BASEPRI) masks interrupts for the critical section; wake
 * sets a flag and SEV, idle sleeps in WFI (interrupts masked around the test).
 * Host threads do not exist here; interrupt handlers use the host-end API.
 *
 * Trap unwinding and stack switching (fibers on PSP stacks): fiber_cortexm.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/port.h>
#include <flue/port_cortexm.h>

static volatile bool woken;

/* The critical section's mask: 0, PRIMASK (every interrupt); else a
 * BASEPRI level (flue_port_cortexm_lock_basepri): interrupts more urgent
 * than it stay live. */
static uint8_t lock_level;

#ifdef FLUE_PORT_CM_MEASURE
/* Bench builds: called with the mask just taken (true) and about to be
 * given back (false), to time the longest critical section. */
void flue_port_cortexm_masked(bool taken);
#define MEASURE(taken) flue_port_cortexm_masked(taken)
#else
#define MEASURE(taken) ((void)0)
#endif

int flue_port_cortexm_lock_basepri(uint32_t level)
{
	if (level > 255u)
		return FLUE_EINVAL;
	lock_level = (uint8_t)level;
	return FLUE_OK;
}

flue_port_key_t flue_port_lock(void)
{
	flue_port_key_t key;
	if (lock_level == 0u) {
		__asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(key)::"memory");
	} else {
		/* BASEPRI_MAX only ever raises the mask: nesting inside a more
		 * urgent handler keeps that handler's level. */
		uint32_t level = lock_level;
		__asm volatile("mrs %0, basepri\n\tmsr basepri_max, %1\n\tisb"
			       : "=&r"(key) : "r"(level) : "memory");
		key |= 0x100u; /* which mask to give back */
	}
	MEASURE(true);
	return key;
}

void flue_port_unlock(flue_port_key_t key)
{
	MEASURE(false);
	if ((key & 0x100u) == 0u)
		__asm volatile("msr primask, %0" ::"r"(key) : "memory");
	else
		__asm volatile("msr basepri, %0\n\tisb" ::"r"(key & 0xFFu) : "memory");
}

void flue_port_wake(void)
{
	woken = true;
	__asm volatile("dsb\n\tsev" ::: "memory");
}

void flue_port_idle(void)
{
	/* Sleep in WFI with interrupts masked (PRIMASK): a wake-up interrupt
	 * that becomes pending after the test still ends WFI (masking only
	 * holds its handler back), and the handler runs at the unmask, so a
	 * wake between the test and the sleep is never lost. WFE would do
	 * that too, but QEMU (7.2) treats WFE as a yield, not a sleep. The
	 * flag is cleared while masked: no wake can fall between the last
	 * test and the clear. Privileged thread mode only (unprivileged,
	 * CPSID is ignored): the executor's thread always is. */
	uint32_t primask;
	__asm volatile("mrs %0, primask" : "=r"(primask));
	__asm volatile("cpsid i" ::: "memory");
	while (!woken)
		__asm volatile("dsb\n\twfi\n\tcpsie i\n\tisb\n\tcpsid i" ::: "memory");
	woken = false;
	if ((primask & 1u) == 0u)
		__asm volatile("cpsie i" ::: "memory");
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
