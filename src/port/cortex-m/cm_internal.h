/*
 * What the Cortex-M port's files tell each other (not a public interface):
 * fiber_cortexm.c (stacks), fault_cortexm.c (fault -> trap) and
 * gate_cortexm.c (the privilege gate).
 */
#ifndef FLUE_CM_INTERNAL_H
#define FLUE_CM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/port_mpu.h>

/* fiber_cortexm.c: the runtime stack running now (a fiber's record, or the
 * main stack's), as an identity only. */
const void *flue_cm_current_stack(void);

/* guest_cortexm.c: the guest marker (on while guest code runs: a fault
 * then is the guest's; `sp`, `control`: the runtime stack the trap
 * trampoline runs on) and the port's one fault record (also for gate
 * faults). The gate sets the marker from its own entry record, not with
 * flue_port_guest_enter(), whose saved state is LIFO per stack. */
struct flue_cm_guest {
	volatile uint32_t sp;
	volatile uint32_t control;
	volatile uint32_t on;
};
extern struct flue_cm_guest flue_cm_guest;
extern struct flue_port_fault flue_cm_record;
void flue_cm_guest_marker_on(uint32_t sp, uint32_t control);
void flue_cm_guest_marker_off(void);

/* gate_cortexm.c, referenced weakly by fault_cortexm.c (a program without
 * the gate has no gated guests). Handler mode: is the fault just taken
 * (from thread mode, the marker on) a gated guest's? If so the gate has
 * taken it over and the trap frame goes on the runtime stack. */
bool flue_cm_gate_claim_fault(bool on_psp) __attribute__((weak));
/* Thread mode, privileged, on the runtime stack: end the gated guest's
 * entry as FAULTED. */
_Noreturn void flue_cm_gate_trap(const struct flue_port_fault *fault) __attribute__((weak));
/* budget_cortexm.c -> gate: note that the running guest's budget ran out
 * (false: no guest code runs); then, in PendSV (handler mode, io as the
 * SVC handler's), end its entry if PendSV interrupted its code. */
bool flue_cm_gate_expire(void);
void flue_cm_gate_expire_now(uint32_t *io);
/* mpu_cortexm.c: counts every write of the MPU (apply, disable), so that
 * the gate knows whether the program it applied is still there. */
uint32_t flue_cm_mpu_generation(void);

/* The SVC and PendSV handlers' hand-over to C (gate_cortexm.c,
 * budget_cortexm.c): io[0..3] = EXC_RETURN, PSP, MSP (as at entry), PSPLIM
 * (ARMv8-M; 0 on ARMv7-M) on the main stack; `fn(io)` may change them; then
 * PSP, PSPLIM and MSP are set from io and the exception returns through
 * io[0]. MSP last: nothing is pushed after it. */
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define FLUE_CM_IO_PSPLIM_IN "mrs   r0, psplim\n\t"
#define FLUE_CM_IO_PSPLIM_OUT "ldr   r1, [sp, #12]\n\tmsr   psplim, r1\n\t"
#else
#define FLUE_CM_IO_PSPLIM_IN "mov   r0, #0\n\t"
#define FLUE_CM_IO_PSPLIM_OUT ""
#endif
#define FLUE_CM_HANDOVER_ASM(fn)                                              \
	"mrs   r1, psp\n\t"                                                   \
	"mrs   r2, msp\n\t"                                                   \
	"mov   r0, lr\n\t"                                                    \
	"sub   sp, sp, #16\n\t"                                               \
	"str   r0, [sp, #0]\n\t"                                              \
	"str   r1, [sp, #4]\n\t"                                              \
	"str   r2, [sp, #8]\n\t" FLUE_CM_IO_PSPLIM_IN                         \
	"str   r0, [sp, #12]\n\t"                                             \
	"mov   r0, sp\n\t"                                                    \
	"bl    " #fn "\n\t"                                                   \
	"ldr   r1, [sp, #4]\n\t"                                              \
	"msr   psp, r1\n\t" FLUE_CM_IO_PSPLIM_OUT                             \
	"ldr   lr, [sp, #0]\n\t"                                              \
	"ldr   r2, [sp, #8]\n\t"                                              \
	"msr   msp, r2\n\t"                                                   \
	"isb\n\t"                                                             \
	"bx    lr\n\t"

#endif /* FLUE_CM_INTERNAL_H */
