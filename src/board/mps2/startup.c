/*
 * Startup for programs on QEMU's MPS2 boards (libflue_board_mps2.a): the
 * vector table, Reset_Handler and the report of faults and unexpected
 * interrupts. Linked with -nostartfiles and the board's linker script
 * (mps2-an385.ld / mps2-an505.ld, which pull this file out of the archive
 * with EXTERN). It uses no newlib start-up code: no crt0, no
 * __libc_init_array, no stdio (so no heap).
 *
 * Every handler is a weak alias of one reporter, so a program (or the board,
 * for the interrupts of CMSDK timers 0 and 1) overrides exactly those it
 * handles:
 *   NMI_Handler HardFault_Handler MemManage_Handler BusFault_Handler
 *   UsageFault_Handler SecureFault_Handler SVC_Handler DebugMon_Handler
 *   PendSV_Handler SysTick_Handler, and IRQ<n>_Handler for external
 *   interrupt n (0..31 on mps2-an385, 0..95 on mps2-an505).
 * The reporter prints the exception, the stacked pc/lr/xPSR and the fault
 * status registers over semihosting and exits with status 128 + exception
 * number (HardFault: 131), so a crashed program fails its test.
 */
#include <stddef.h>
#include <stdint.h>

#include <flue/board.h>

#include "mps2.h"

extern uint32_t __stack_top__[], __stack_limit__[];
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);

int main(void);
_Noreturn void Reset_Handler(void);
void flue_mps2_unhandled(void);
extern uint64_t flue_mps2_fault_stack[];
_Noreturn void flue_mps2_fault_report(const uint32_t *frame, uint32_t exc_return);

/* ------------------------------------------------------------------ reset */

#define SCB_SHCSR 0xE000ED24u
#define SCB_CPACR 0xE000ED88u

static void copy_words(uint32_t *dst, const uint32_t *src, const uint32_t *end)
{
	while (dst < end)
		*dst++ = *src++;
}

static void zero_words(uint32_t *dst, const uint32_t *end)
{
	while (dst < end)
		*dst++ = 0u;
}

static void run_array(void (**f)(void), void (**end)(void))
{
	for (; f < end; f++)
		(*f)();
}

_Noreturn void Reset_Handler(void)
{
#if defined(__ARM_FP)
	/* -mfloat-abi=softfp/hard: code may use the FPU; enable CP10/CP11. */
	FLUE_MPS2_REG(SCB_CPACR) |= 0xfu << 20;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
#if defined(__ARM_ARCH_8M_MAIN__)
	/* ARMv8-M checks the stack limit in hardware: an overflow into the
	 * statics becomes a UsageFault (STKOF) instead of silent corruption. */
	__asm__ volatile("msr msplim, %0" ::"r"(__stack_limit__));
#endif
	copy_words(__data_start__, __data_load__, __data_end__);
	zero_words(__bss_start__, __bss_end__);

	/* MemManage, BusFault, UsageFault (and SecureFault) report under their
	 * own names instead of escalating to HardFault. */
	uint32_t shcsr = (1u << 16) | (1u << 17) | (1u << 18);
#if defined(__ARM_ARCH_8M_MAIN__)
	shcsr |= 1u << 19;
#endif
	FLUE_MPS2_REG(SCB_SHCSR) |= shcsr;

	flue_mps2_board_init();
	run_array(__preinit_array_start, __preinit_array_end);
	run_array(__init_array_start, __init_array_end);
	flue_board_exit(main());
}

/* ------------------------------------------------------------ exceptions */

static const char *exception_name(uint32_t exc)
{
	static const char *const names[16] = {
		"thread mode", "Reset", "NMI", "HardFault", "MemManage", "BusFault",
		"UsageFault", "SecureFault", "reserved", "reserved", "reserved", "SVCall",
		"DebugMonitor", "reserved", "PendSV", "SysTick",
	};
	return exc < 16u ? names[exc] : "IRQ";
}

/* Entered from flue_mps2_unhandled with the stacked frame (r0-r3, r12, lr,
 * pc, xPSR) and EXC_RETURN. */
_Noreturn void flue_mps2_fault_report(const uint32_t *frame, uint32_t exc_return)
{
	uint32_t ipsr;
	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	uint32_t exc = ipsr & 0x1ffu;
	const volatile uint32_t *scb = (const volatile uint32_t *)0xE000ED00u;

	flue_board_printf("\nflue: unexpected exception %s (%u", exception_name(exc),
			  (unsigned)exc);
	if (exc >= 16u)
		flue_board_printf(", IRQ%u", (unsigned)(exc - 16u));
	flue_board_printf(") pc=0x%08x lr=0x%08x xpsr=0x%08x exc_return=0x%08x\n",
			  (unsigned)frame[6], (unsigned)frame[5], (unsigned)frame[7],
			  (unsigned)exc_return);
	flue_board_printf("  CFSR=0x%08x HFSR=0x%08x MMFAR=0x%08x BFAR=0x%08x\n",
			  (unsigned)scb[0x28u / 4u], (unsigned)scb[0x2cu / 4u],
			  (unsigned)scb[0x34u / 4u], (unsigned)scb[0x38u / 4u]);
#if defined(__ARM_ARCH_8M_MAIN__)
	flue_board_printf("  SFSR=0x%08x SFAR=0x%08x\n", (unsigned)scb[0xe4u / 4u],
			  (unsigned)scb[0xe8u / 4u]);
#endif
	flue_board_exit(128 + (int)(exc < 127u ? exc : 127u));
}

/* The reporter's own stack: the fault may be a stack overflow, and the
 * report must not overwrite the frame it reads. In .bss, below the main
 * stack's limit. */
#define FLUE_MPS2_FAULT_STACK_BYTES 1024
uint64_t flue_mps2_fault_stack[FLUE_MPS2_FAULT_STACK_BYTES / 8];

/* Finds the exception frame on whichever stack was in use (EXC_RETURN bit 2),
 * moves MSP to the fault stack (on ARMv8-M lifting the stack limit first,
 * since that stack lies below it) and passes the frame and EXC_RETURN to
 * flue_mps2_fault_report. */
__attribute__((naked)) void flue_mps2_unhandled(void)
{
	__asm__("tst   lr, #4\n\t"
		"ite   eq\n\t"
		"mrseq r0, msp\n\t"
		"mrsne r0, psp\n\t"
		"mov   r1, lr\n\t"
#if defined(__ARM_ARCH_8M_MAIN__)
		"movs  r2, #0\n\t"
		"msr   msplim, r2\n\t"
#endif
		"movw  r2, #:lower16:(flue_mps2_fault_stack + 1024)\n\t"
		"movt  r2, #:upper16:(flue_mps2_fault_stack + 1024)\n\t"
		"msr   msp, r2\n\t"
		"isb\n\t"
		"b     flue_mps2_fault_report\n\t");
}

_Static_assert(FLUE_MPS2_FAULT_STACK_BYTES == 1024, "the assembly above uses 1024");

#define FLUE_WEAK_HANDLER(name) \
	void name(void) __attribute__((weak, alias("flue_mps2_unhandled")));

FLUE_WEAK_HANDLER(NMI_Handler)
FLUE_WEAK_HANDLER(HardFault_Handler)
FLUE_WEAK_HANDLER(MemManage_Handler)
FLUE_WEAK_HANDLER(BusFault_Handler)
FLUE_WEAK_HANDLER(UsageFault_Handler)
FLUE_WEAK_HANDLER(SecureFault_Handler)
FLUE_WEAK_HANDLER(SVC_Handler)
FLUE_WEAK_HANDLER(DebugMon_Handler)
FLUE_WEAK_HANDLER(PendSV_Handler)
FLUE_WEAK_HANDLER(SysTick_Handler)

/* External interrupts: X(n) for every n the machine has. */
#define FLUE_IRQS_32(X) \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
	X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) \
	X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) \
	X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31)
#if FLUE_MPS2_NUM_IRQ == 96u
#define FLUE_IRQS(X) FLUE_IRQS_32(X) \
	X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39) \
	X(40) X(41) X(42) X(43) X(44) X(45) X(46) X(47) \
	X(48) X(49) X(50) X(51) X(52) X(53) X(54) X(55) \
	X(56) X(57) X(58) X(59) X(60) X(61) X(62) X(63) \
	X(64) X(65) X(66) X(67) X(68) X(69) X(70) X(71) \
	X(72) X(73) X(74) X(75) X(76) X(77) X(78) X(79) \
	X(80) X(81) X(82) X(83) X(84) X(85) X(86) X(87) \
	X(88) X(89) X(90) X(91) X(92) X(93) X(94) X(95)
#elif FLUE_MPS2_NUM_IRQ == 32u
#define FLUE_IRQS(X) FLUE_IRQS_32(X)
#else
#error "FLUE_MPS2_NUM_IRQ: list the machine's interrupts"
#endif

#define FLUE_IRQ_DECL(n) FLUE_WEAK_HANDLER(IRQ##n##_Handler)
#define FLUE_IRQ_ENTRY(n) IRQ##n##_Handler,
FLUE_IRQS(FLUE_IRQ_DECL)

/* ----------------------------------------------------------- the table */

struct flue_mps2_vector_table {
	uint32_t *initial_sp;
	void (*exception[15])(void); /* 1..15 */
	void (*irq[FLUE_MPS2_NUM_IRQ])(void);
};

/* Read by the core at reset from the start of the code memory (VTOR's reset
 * value: 0x0000_0000 on an385, 0x1000_0000 on an505). */
__attribute__((section(".vectors"), used))
const struct flue_mps2_vector_table flue_mps2_vectors = {
	__stack_top__,
	{
		Reset_Handler,
		NMI_Handler,
		HardFault_Handler,
		MemManage_Handler,
		BusFault_Handler,
		UsageFault_Handler,
		SecureFault_Handler, /* ARMv8-M; reserved on ARMv7-M */
		NULL, NULL, NULL,
		SVC_Handler,
		DebugMon_Handler,
		NULL,
		PendSV_Handler,
		SysTick_Handler,
	},
	{ FLUE_IRQS(FLUE_IRQ_ENTRY) },
};
