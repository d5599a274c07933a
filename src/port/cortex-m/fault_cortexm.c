/*
 * Bare-metal Cortex-M port, part 4: a fault in guest code becomes a trap
 * (flue/port_mpu.h).
 *
 * The four fault handlers below are strong definitions of the CMSIS names,
 * so they replace the MPS2 board's weak ones whenever this file is linked
 * (flue_port_fault_set_handler() and the privilege gate pull it in). Their path:
 *
 *   1. Entered from handler mode (a fault in an ISR, or a fault handler
 *      faulting): never a guest's. Chain to the fatal report untouched.
 *   2. Otherwise move MSP to a private stack first: a stacking fault leaves
 *      the interrupted stack pointer in a denied region or at its limit,
 *      and nothing may be pushed there. Save MSP, PSP, EXC_RETURN (and
 *      MSPLIM on ARMv8-M, lifted meanwhile) on that stack.
 *   3. fault_dispatch() (C) decides. Fatal (marker off, no handler, the
 *      wrong stack, no room): restore everything and chain to the report,
 *      which then sees exactly what it would have seen without us.
 *   4. A guest fault: record it, clear CFSR/HFSR (write-1-to-clear), turn
 *      the marker off, and build a fresh exception frame just below the
 *      stack pointer flue_port_guest_enter() recorded, whose pc is the
 *      trampoline (Thumb bit in xPSR, IT/ICI bits clear). The exception
 *      returns into it in thread mode; it calls the embedder's handler.
 *
 * The frame is built fresh for every guest fault, not only for stacking
 * faults (which leave no valid frame): rewriting the stacked pc would run
 * the handler at the guest's depth, possibly a few bytes above its stack's
 * limit, while everything below the entry point is the guest's and is
 * abandoned by the unwind anyway.
 *
 * The fatal report is the MPS2 board's (flue_mps2_unhandled, referenced
 * weakly so that the port needs no board); without the board, halt.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/port.h>
#include <flue/port_mpu.h>

#include "cm_internal.h"

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define FAULT_V8 1
#endif

#define SCB_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define SCB_CFSR SCB_REG(0xE000ED28u)
#define SCB_HFSR SCB_REG(0xE000ED2Cu)
#define SCB_MMFAR SCB_REG(0xE000ED34u)
#define SCB_BFAR SCB_REG(0xE000ED38u)
#define FPU_FPCCR SCB_REG(0xE000EF34u)

#define CFSR_MSTKERR (1u << 4)
#define CFSR_MMARVALID (1u << 7)
#define CFSR_STKERR (1u << 12)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_STKOF (1u << 20) /* ARMv8-M only; reserved (0) on ARMv7-M */
#define CFSR_STACKING (CFSR_MSTKERR | CFSR_STKERR | CFSR_STKOF)

#define EXC_RETURN_SPSEL (1u << 2) /* 1: the frame is on PSP */
#define EXC_RETURN_FTYPE (1u << 4) /* 1: standard frame, no FP state */
#define CONTROL_NPRIV 0x1u
#define CONTROL_SPSEL 0x2u
#define XPSR_T (1u << 24)
#define FPCCR_LSPACT 0x1u
#define FRAME_WORDS 8u /* r0 r1 r2 r3 r12 lr pc xPSR */

/* What fault_entry saved on the fault stack, in push order. */
enum { SAVED_MSP, SAVED_PSP, SAVED_EXC_RETURN, SAVED_MSPLIM };

void flue_port_fault_entry(void);
void flue_port_fault_fatal(void);
uint32_t flue_port_fault_dispatch(uint32_t *saved);
extern void flue_mps2_unhandled(void) __attribute__((weak));

static flue_port_fault_handler_t volatile fault_handler;
static bool gate_owned; /* the fault being handled is a gated guest's */

/* The handlers' own stack (see 2. above): the dispatch needs well under
 * 256 bytes; 8-aligned for AAPCS. */
#define FAULT_STACK_BYTES 512
__attribute__((used)) static uint64_t fault_stack[FAULT_STACK_BYTES / 8];
_Static_assert(FAULT_STACK_BYTES == 512, "fault_entry's assembly uses 512");

void flue_port_fault_set_handler(flue_port_fault_handler_t fn)
{
	fault_handler = fn;
}

/* ------------------------------------------------------- the record */

static uint32_t fault_kind(uint32_t exception, uint32_t cfsr)
{
	if ((cfsr & CFSR_STACKING) != 0u)
		return FLUE_PORT_FAULT_STACKING;
	switch (exception) {
	case 4u:
		return FLUE_PORT_FAULT_MEMMANAGE;
	case 5u:
		return FLUE_PORT_FAULT_BUSFAULT;
	case 6u:
		return FLUE_PORT_FAULT_USAGEFAULT;
	default:
		return FLUE_PORT_FAULT_HARDFAULT;
	}
}

/* MMFAR/BFAR only when their VALID bit says they hold this fault's
 * address; a HardFault escalated from either reports what is valid. */
static void fault_address(struct flue_port_fault *r)
{
	bool mm = (r->cfsr & CFSR_MMARVALID) != 0u && r->exception != 5u;
	bool bus = (r->cfsr & CFSR_BFARVALID) != 0u && r->exception != 4u;
	r->has_addr = mm || bus;
	r->addr = mm ? SCB_MMFAR : bus ? SCB_BFAR : 0u;
}

static void fault_record(uint32_t exception, const uint32_t *frame)
{
	struct flue_port_fault *r = &flue_cm_record;
	r->exception = exception;
	r->cfsr = SCB_CFSR;
	r->hfsr = exception == 3u ? SCB_HFSR : 0u;
	r->kind = fault_kind(exception, r->cfsr);
	fault_address(r);
	/* A stacking fault pushed no (or part of a) frame: no pc to trust. */
	r->has_pc = r->kind != FLUE_PORT_FAULT_STACKING;
	r->pc = r->has_pc ? frame[6] : 0u;
	/* Write-1-to-clear, the bits just read: the next fault starts clean. */
	SCB_CFSR = r->cfsr;
	if (exception == 3u)
		SCB_HFSR = r->hfsr;
}

/* ------------------------------------------------------ the trampoline */

/* Thread mode, on the guest's entry stack. The handler must not return.
 * A gated guest's fault ends its gate entry instead. */
static _Noreturn void fault_trampoline(const struct flue_port_fault *fault)
{
	if (gate_owned)
		flue_cm_gate_trap(fault);
	flue_port_fault_handler_t fn = fault_handler;
	if (fn != NULL)
		fn(fault);
	flue_port_halt();
}

/* The stack limit of the stack the frame goes on (ARMv8-M), else 0. */
static uint32_t frame_limit(const uint32_t *saved, bool on_psp)
{
#ifdef FAULT_V8
	uint32_t psplim;
	__asm volatile("mrs %0, psplim" : "=r"(psplim));
	return on_psp ? psplim : saved[SAVED_MSPLIM];
#else
	(void)saved;
	(void)on_psp;
	return 0u;
#endif
}

/* Is this fault the guest's? Thread mode is given (fault_entry checked
 * EXC_RETURN); the marker must be on, a handler registered, and the
 * exception taken on the stack the guest was entered on. */
static bool guest_fault(uint32_t exc_return)
{
	if (flue_cm_guest.on == 0u)
		return false;
	bool on_psp = (exc_return & EXC_RETURN_SPSEL) != 0u;
	gate_owned = flue_cm_gate_claim_fault != NULL && flue_cm_gate_claim_fault(on_psp);
	if (gate_owned)
		return true; /* its guest stack is not the runtime's: see dispatch */
	if (fault_handler == NULL)
		return false;
	return on_psp == ((flue_cm_guest.control & CONTROL_SPSEL) != 0u);
}

/* Where the trampoline's frame goes: 8-aligned, just below the recorded
 * stack pointer, above the stack's limit. 0: no room (fatal). Nothing is
 * written yet: the old frame may lie right there and its pc is still to
 * be read. */
static uint32_t trap_frame_at(const uint32_t *saved, bool on_psp)
{
	uint32_t top = flue_cm_guest.sp & ~7u;
	if (top < FRAME_WORDS * 4u + frame_limit(saved, on_psp))
		return 0u;
	return top - FRAME_WORDS * 4u;
}

static void trap_frame_fill(uint32_t at)
{
	uint32_t *frame = (uint32_t *)(uintptr_t)at;
	for (uint32_t i = 0; i < FRAME_WORDS; i++)
		frame[i] = 0u;
	frame[0] = (uint32_t)(uintptr_t)&flue_cm_record;                /* r0 */
	frame[6] = (uint32_t)(uintptr_t)fault_trampoline & ~1u; /* pc */
	frame[7] = XPSR_T; /* Thumb; IT/ICI, exception number, align bit 0 */
}

/* The trampoline runs with the privilege the runtime had at enter, and
 * no lazily stacked FP state of the guest is written out later into the
 * abandoned stack. */
static void thread_state_for_trap(uint32_t exc_return)
{
	uint32_t control;
	__asm volatile("mrs %0, control" : "=r"(control));
	control = (control & ~CONTROL_NPRIV) | (flue_cm_guest.control & CONTROL_NPRIV);
	__asm volatile("msr control, %0\n\tisb" ::"r"(control) : "memory");
	if ((exc_return & EXC_RETURN_FTYPE) == 0u)
		FPU_FPCCR &= ~FPCCR_LSPACT;
}

/* Called by flue_port_fault_entry on the fault stack. Returns the frame to
 * return into (and updates saved[SAVED_EXC_RETURN]), or 0: fatal. */
uint32_t flue_port_fault_dispatch(uint32_t *saved)
{
	uint32_t exc_return = saved[SAVED_EXC_RETURN];
	bool on_psp = (exc_return & EXC_RETURN_SPSEL) != 0u;
	if (!guest_fault(exc_return))
		return 0u;
	/* The trap frame goes on the runtime stack recorded at entry: the
	 * faulting stack itself, except for a gated guest (its own stack). */
	bool rt_psp = (flue_cm_guest.control & CONTROL_SPSEL) != 0u;
	uint32_t at = trap_frame_at(saved, rt_psp);
	if (at == 0u)
		return 0u;
	uint32_t ipsr;
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	const uint32_t *old = (const uint32_t *)(uintptr_t)saved[on_psp ? SAVED_PSP : SAVED_MSP];
	fault_record(ipsr & 0x1FFu, old);
	trap_frame_fill(at);
	flue_cm_guest.on = 0u;
	thread_state_for_trap(exc_return);
	exc_return = (exc_return & ~EXC_RETURN_SPSEL) | (rt_psp ? EXC_RETURN_SPSEL : 0u);
	saved[SAVED_EXC_RETURN] = exc_return | EXC_RETURN_FTYPE;
	return at;
}

/* ------------------------------------------------------- the handlers */

/* See the file comment: 1. handler mode -> fatal; 2. private stack; 3./4.
 * dispatch, then return into the frame it built (on the stack the guest
 * ran on), or restore and report. */
__attribute__((naked)) void flue_port_fault_entry(void)
{
	__asm volatile(
		"tst   lr, #8\n\t"
		"beq   flue_port_fault_fatal\n\t"
		"mrs   r0, msp\n\t"
		"mrs   r1, psp\n\t"
		"mov   r2, lr\n\t"
#ifdef FAULT_V8
		"mrs   r3, msplim\n\t"
		"mov   r12, #0\n\t"
		"msr   msplim, r12\n\t"
#else
		"movs  r3, #0\n\t"
#endif
		"movw  r12, #:lower16:(fault_stack + 512)\n\t"
		"movt  r12, #:upper16:(fault_stack + 512)\n\t"
		"msr   msp, r12\n\t"
		"isb\n\t"
		"push  {r0-r3}\n\t"
		"mov   r0, sp\n\t"
		"bl    flue_port_fault_dispatch\n\t"
		"ldr   r1, [sp, #0]\n\t"
		"ldr   r2, [sp, #8]\n\t"
		"ldr   r3, [sp, #12]\n\t"
		"mov   lr, r2\n\t"
		"cbz   r0, 1f\n\t"
		"tst   lr, #4\n\t"
		"itt   ne\n\t"
		"msrne psp, r0\n\t"
		"movne r0, r1\n\t"
		"msr   msp, r0\n\t"
#ifdef FAULT_V8
		"msr   msplim, r3\n\t"
#endif
		"isb\n\t"
		"bx    lr\n"
		"1:\n\t"
		"msr   msp, r1\n\t"
#ifdef FAULT_V8
		"msr   msplim, r3\n\t"
#endif
		"isb\n\t"
		"b     flue_port_fault_fatal\n\t");
}

/* Fatal: the board's report (it reads the frame through EXC_RETURN in lr
 * and the stack pointers, all as they were at entry), or halt. */
__attribute__((naked)) void flue_port_fault_fatal(void)
{
	__asm volatile("movw  r0, #:lower16:flue_mps2_unhandled\n\t"
		       "movt  r0, #:upper16:flue_mps2_unhandled\n\t"
		       "cbz   r0, 1f\n\t"
		       "bx    r0\n"
		       "1:\n\t"
		       "b     flue_port_halt\n\t");
}

void MemManage_Handler(void) __attribute__((alias("flue_port_fault_entry")));
void BusFault_Handler(void) __attribute__((alias("flue_port_fault_entry")));
void UsageFault_Handler(void) __attribute__((alias("flue_port_fault_entry")));
void HardFault_Handler(void) __attribute__((alias("flue_port_fault_entry")));
