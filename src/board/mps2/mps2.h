/*
 * What startup.c and board_mps2.c share: the machine's constants and the
 * semihosting call. Internal to libflue_board_mps2.a.
 *
 * The library is built per core and each core has one QEMU machine:
 *   Cortex-M3  -> mps2-an385 (CMSDK peripherals at 0x4000_0000)
 *   Cortex-M33 -> mps2-an505 (SSE-200; the program runs Secure, so the
 *                 peripherals are used through their Secure aliases at
 *                 0x5000_0000; a Non-secure alias access would be blocked)
 *
 * Clocks, measured under QEMU 7.2 (SysTick with the processor clock and the
 * CMSDK timers count the same; see tests/board/): an385 25 MHz, an505 20 MHz.
 *
 * The board owns two CMSDK APB timers, the same two on both machines
 * (QEMU hw/arm/mps2.c, hw/arm/armsse.c):
 *   timer 0  flue_board_timer_start()'s periodic interrupt
 *   timer 1  the free-running time base (flue_board_time_ns())
 * SysTick is left to the program.
 */
#ifndef FLUE_BOARD_MPS2_H
#define FLUE_BOARD_MPS2_H

#include <stdint.h>

#if defined(__ARM_ARCH_8M_MAIN__)
#define FLUE_MPS2_MACHINE "mps2-an505"
#define FLUE_MPS2_CLOCK_HZ 20000000u
#define FLUE_MPS2_TIMER0 0x50000000u /* CMSDK APB timer 0, Secure alias */
#define FLUE_MPS2_TIMER0_IRQ 3u
#define FLUE_MPS2_TIMER1 0x50001000u /* CMSDK APB timer 1, Secure alias */
#define FLUE_MPS2_TIMER1_IRQ 4u
#define FLUE_MPS2_NUM_IRQ 96u
#else
#define FLUE_MPS2_MACHINE "mps2-an385"
#define FLUE_MPS2_CLOCK_HZ 25000000u
#define FLUE_MPS2_TIMER0 0x40000000u /* CMSDK APB timer 0 */
#define FLUE_MPS2_TIMER0_IRQ 8u
#define FLUE_MPS2_TIMER1 0x40001000u /* CMSDK APB timer 1 */
#define FLUE_MPS2_TIMER1_IRQ 9u
#define FLUE_MPS2_NUM_IRQ 32u
#endif

/* Nanoseconds (= instructions under -icount shift=0) per clock tick. */
#define FLUE_MPS2_NS_PER_TICK (1000000000u / FLUE_MPS2_CLOCK_HZ)
_Static_assert(FLUE_MPS2_NS_PER_TICK * FLUE_MPS2_CLOCK_HZ == 1000000000u,
	       "the clock must divide 1 GHz for exact nanoseconds");

/* Clock ticks per microsecond (the clock is a whole number of MHz). */
#define FLUE_MPS2_TICKS_PER_US (FLUE_MPS2_CLOCK_HZ / 1000000u)
_Static_assert(FLUE_MPS2_TICKS_PER_US * 1000000u == FLUE_MPS2_CLOCK_HZ,
	       "the clock must be a whole number of MHz");

/* CMSDK APB timer registers: offsets from a timer's base. */
#define FLUE_CMSDK_TIMER_CTRL 0x0u
#define FLUE_CMSDK_TIMER_VALUE 0x4u
#define FLUE_CMSDK_TIMER_RELOAD 0x8u
#define FLUE_CMSDK_TIMER_INT 0xCu /* read: status; write 1: clear */

/* Memory-mapped register. */
#define FLUE_MPS2_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* Semihosting operations (Arm "Semihosting for AArch32 and AArch64"). */
#define FLUE_SH_SYS_OPEN 0x01u
#define FLUE_SH_SYS_WRITEC 0x03u
#define FLUE_SH_SYS_WRITE 0x05u
#define FLUE_SH_SYS_EXIT 0x18u
#define FLUE_SH_SYS_EXIT_EXTENDED 0x20u
#define FLUE_SH_ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define FLUE_SH_ADP_STOPPED_RUNTIME_ERROR_UNKNOWN 0x20023u

/* One semihosting call: operation in r0, parameter in r1, result in r0. */
uint32_t flue_mps2_semihost(uint32_t op, const void *arg);

/* Called by Reset_Handler after .data/.bss are set up, before the
 * constructors and main(): opens the console, starts the time base. */
void flue_mps2_board_init(void);

/* Interrupt mask (PRIMASK) save-and-disable / restore, for thread or ISR. */
static inline uint32_t flue_mps2_irq_save(void)
{
	uint32_t primask;
	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
	return primask;
}

static inline void flue_mps2_irq_restore(uint32_t primask)
{
	__asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

#endif /* FLUE_BOARD_MPS2_H */
