/*
 * Bare-metal Cortex-M port, part 6: step budgets for gated guests
 * (flue_port_guest_expire, flue/port_mpu.h). A timer's handler cannot
 * change where its own exception returns, so it notes the running entry
 * and pends PendSV; PendSV has the lowest priority, so it runs when every
 * other handler is done, and returns into the runtime instead of the
 * guest if the guest's code is what it interrupted (the gate decides).
 * This file holds the port's PendSV_Handler: it is linked only into
 * programs that call flue_port_guest_expire().
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/port_mpu.h>

#include "cm_internal.h"

#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSVSET (1u << 28)

bool flue_port_guest_expire(void)
{
	if (!flue_cm_gate_expire())
		return false;
	SCB_ICSR = ICSR_PENDSVSET;
	__asm volatile("dsb\n\tisb" ::: "memory");
	return true;
}

/* The SVC handler's hand-over (gate_cortexm.c), with the gate's PendSV
 * decision instead of its SVC one. */
__attribute__((naked)) void PendSV_Handler(void)
{
	__asm volatile("mrs   r1, psp\n\t"
		       "mrs   r2, msp\n\t"
		       "mov   r0, lr\n\t"
		       "sub   sp, sp, #16\n\t"
		       "str   r0, [sp, #0]\n\t"
		       "str   r1, [sp, #4]\n\t"
		       "str   r2, [sp, #8]\n\t"
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
		       "mrs   r0, psplim\n\t"
#else
		       "mov   r0, #0\n\t"
#endif
		       "str   r0, [sp, #12]\n\t"
		       "mov   r0, sp\n\t"
		       "bl    flue_cm_gate_expire_now\n\t"
		       "ldr   r1, [sp, #4]\n\t"
		       "msr   psp, r1\n\t"
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
		       "ldr   r1, [sp, #12]\n\t"
		       "msr   psplim, r1\n\t"
#endif
		       "ldr   lr, [sp, #0]\n\t"
		       "ldr   r2, [sp, #8]\n\t"
		       "msr   msp, r2\n\t"
		       "isb\n\t"
		       "bx    lr\n\t");
}
