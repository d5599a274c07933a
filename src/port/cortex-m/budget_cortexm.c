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

/* The gate's decision, with the SVC handler's hand-over. */
__attribute__((naked)) void PendSV_Handler(void)
{
	__asm volatile(FLUE_CM_HANDOVER_ASM(flue_cm_gate_expire_now));
}
