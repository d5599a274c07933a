/*
 * Bare-metal Cortex-M port (single core): PRIMASK masks interrupts for the
 * critical section; wake sets a flag and SEV, idle waits with WFE.
 * Host threads do not exist here; interrupt handlers use the host-end API.
 *
 * Trap unwinding: newlib's setjmp/longjmp along one chain (one stack).
 * Stack switching: not yet; stackful lifts are refused with FLUE_ENOTSUP.
 */
#include <setjmp.h>
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

/* ------------------------------------------------------ trap unwinding */

struct try_frame {
	jmp_buf env;
	struct try_frame *prev;
};

/* Innermost flue_port_try() of the one stack that runs flue code. */
static struct try_frame *try_top;

int flue_port_try(flue_port_body_t body, void *arg)
{
	/* `frame` is in memory (its address is taken); body and arg are never
	 * assigned: nothing needs to be volatile across the longjmp. */
	struct try_frame frame;
	frame.prev = try_top;
	try_top = &frame;
	if (setjmp(frame.env) == 0) {
		body(arg);
		try_top = frame.prev;
		return 0;
	}
	try_top = frame.prev; /* unwind left try_top at &frame */
	return 1;
}

bool flue_port_in_try(void)
{
	return try_top != NULL;
}

_Noreturn void flue_port_unwind(void)
{
	struct try_frame *frame = try_top;
	if (frame == NULL)
		flue_port_halt();
	longjmp(frame->env, 1);
}

/* ------------------------------------------------------ stack switching */

bool flue_port_fiber_supported(void)
{
	return false;
}

int flue_port_fiber_create(flue_port_fiber_t *owner, flue_port_body_t entry, void *arg)
{
	(void)owner;
	(void)entry;
	(void)arg;
	return FLUE_ENOTSUP;
}

/* No fiber can exist, so these are never reached. */
void flue_port_fiber_resume(flue_port_fiber_t *owner)
{
	(void)owner;
	flue_port_halt();
}

void flue_port_fiber_suspend(flue_port_fiber_t *owner)
{
	(void)owner;
	flue_port_halt();
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
