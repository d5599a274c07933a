/*
 * Bare-metal Cortex-M port, part 3b: the guest marker and the fault record
 * (flue/port_mpu.h), shared by the fault path (fault_cortexm.c) and the
 * privilege gate (gate_cortexm.c), which both sit above this file.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/port.h>
#include <flue/port_mpu.h>

#include "cm_internal.h"

struct flue_cm_guest flue_cm_guest;
struct flue_port_fault flue_cm_record;

void flue_port_guest_enter(struct flue_port_guest_mark *saved)
{
	uint32_t sp, control;
	__asm volatile("mov %0, sp\n\tmrs %1, control" : "=r"(sp), "=r"(control));
	saved->sp = flue_cm_guest.sp;
	saved->control = flue_cm_guest.control;
	saved->on = flue_cm_guest.on;
	flue_cm_guest.sp = sp;
	flue_cm_guest.control = control;
	/* Marker last: a fault between these writes sees it still off (or
	 * the outer guest's, whose stack point lies above ours). */
	__asm volatile("" ::: "memory");
	flue_cm_guest.on = 1u;
}

void flue_port_guest_leave(const struct flue_port_guest_mark *saved)
{
	flue_cm_guest.on = 0u;
	__asm volatile("" ::: "memory");
	flue_cm_guest.sp = saved->sp;
	flue_cm_guest.control = saved->control;
	__asm volatile("" ::: "memory");
	flue_cm_guest.on = saved->on;
}

bool flue_port_guest_running(void)
{
	return flue_cm_guest.on != 0u;
}

void flue_cm_guest_marker_on(uint32_t sp, uint32_t control)
{
	flue_cm_guest.on = 0u;
	__asm volatile("" ::: "memory");
	flue_cm_guest.sp = sp;
	flue_cm_guest.control = control;
	__asm volatile("" ::: "memory");
	flue_cm_guest.on = 1u;
}

void flue_cm_guest_marker_off(void)
{
	flue_cm_guest.on = 0u;
}

const struct flue_port_fault *flue_port_guest_fault(void)
{
	return &flue_cm_record;
}
