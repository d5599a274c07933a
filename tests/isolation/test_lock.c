/*
 * The Cortex-M port's critical section: PRIMASK by default (every
 * interrupt waits), or BASEPRI (flue_port_cortexm_lock_basepri): more
 * urgent interrupts than the level stay live while flue holds the lock.
 * Two external interrupts pended from software (NVIC ISPR) show which.
 */
#include <stdint.h>

#include <flue/errno.h>
#include <flue/port.h>
#include <flue/port_cortexm.h>

#include "ftest.h"

#define NVIC_ISER(n) (*(volatile uint32_t *)(0xE000E100u + 4u * (n)))
#define NVIC_ICER(n) (*(volatile uint32_t *)(0xE000E180u + 4u * (n)))
#define NVIC_ISPR(n) (*(volatile uint32_t *)(0xE000E200u + 4u * (n)))
#define NVIC_IPR(irq) (*(volatile uint8_t *)(0xE000E400u + (irq)))
#define URGENT 20u /* priority 0x00 */
#define CALM 21u   /* priority 0xC0 */

static volatile uint32_t urgent_runs, calm_runs;

void IRQ20_Handler(void);
void IRQ20_Handler(void)
{
	urgent_runs++;
}

void IRQ21_Handler(void);
void IRQ21_Handler(void)
{
	calm_runs++;
}

static void enable(void)
{
	NVIC_IPR(URGENT) = 0x00u;
	NVIC_IPR(CALM) = 0xC0u;
	NVIC_ISER(0) = (1u << URGENT) | (1u << CALM);
	urgent_runs = calm_runs = 0u;
}

static void pend_both(void)
{
	NVIC_ISPR(0) = (1u << URGENT) | (1u << CALM);
	__asm volatile("dsb\n\tisb" ::: "memory");
}

FT_TEST(primask_lock_holds_every_interrupt)
{
	enable();
	FT_EQ(flue_port_cortexm_lock_basepri(0u), 0);
	flue_port_key_t k = flue_port_lock();
	pend_both();
	uint32_t urgent_inside = urgent_runs, calm_inside = calm_runs;
	flue_port_unlock(k);
	__asm volatile("isb" ::: "memory");
	FT_EQ(urgent_inside, 0u);
	FT_EQ(calm_inside, 0u);
	FT_EQ(urgent_runs, 1u);
	FT_EQ(calm_runs, 1u);
}

FT_TEST(basepri_lock_leaves_urgent_interrupts_live)
{
	enable();
	FT_EQ(flue_port_cortexm_lock_basepri(0x40u), 0);
	flue_port_key_t k = flue_port_lock();
	pend_both();
	uint32_t urgent_inside = urgent_runs, calm_inside = calm_runs;
	flue_port_unlock(k);
	__asm volatile("isb" ::: "memory");
	FT_EQ(flue_port_cortexm_lock_basepri(0u), 0);
	FT_EQ(urgent_inside, 1u); /* ran inside flue's critical section */
	FT_EQ(calm_inside, 0u);   /* waited for the unlock */
	FT_EQ(calm_runs, 1u);
	FT_EQ(flue_port_cortexm_lock_basepri(256u), FLUE_EINVAL);
	NVIC_ICER(0) = (1u << URGENT) | (1u << CALM);
}

FT_SUITE(lock,
	 FT_CASE(primask_lock_holds_every_interrupt),
	 FT_CASE(basepri_lock_leaves_urgent_interrupts_live))
