/*
 * Startup for the emulated test images (QEMU mps2-an385 / mps2-an505).
 *
 * Linked with -nostartfiles: this file replaces newlib's rdimon-crt0 and
 * crti/crtn. It provides the vector table, the reset handler (copy .data,
 * zero .bss, open the semihosting handles, run the constructors, main(),
 * exit()), empty _init/_fini for __libc_init_array, and one handler for
 * every fault or unexpected exception that reports it over semihosting and
 * stops QEMU with a failing exit status.
 *
 * The symbols come from tests/target/sections.ld.
 */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __stack_top__[];
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];

int main(void);
void initialise_monitor_handles(void); /* newlib libgloss (librdimon) */
void __libc_init_array(void);          /* newlib */

void _init(void);
void _fini(void);
_Noreturn void Reset_Handler(void);
void ft_exception(void);
_Noreturn void ft_exception_report(const uint32_t *frame, uint32_t exc_return);

/* ------------------------------------------------------------ semihosting */
#define SH_SYS_WRITE0 0x04u
#define SH_SYS_EXIT 0x18u
#define SH_ADP_STOPPED_RUNTIME_ERROR_UNKNOWN 0x20023u

static uint32_t ft_semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

/* Used only where newlib may not be usable (a fault): plain SYS_WRITE0, and
 * SYS_EXIT with a reason other than ApplicationExit, which every semihosting
 * host, QEMU included, reports as a failure (QEMU exits with status 1). */
_Noreturn static void ft_semihost_fail(const char *msg)
{
	(void)ft_semihost(SH_SYS_WRITE0, msg);
	/* On 32-bit Arm the SYS_EXIT parameter is the reason itself. */
	(void)ft_semihost(SH_SYS_EXIT, (const void *)SH_ADP_STOPPED_RUNTIME_ERROR_UNKNOWN);
	for (;;) {
	}
}

/* ----------------------------------------------------------------- reset */
void _init(void)
{
}

void _fini(void)
{
}

_Noreturn void Reset_Handler(void)
{
#if defined(__ARM_FP)
	/* -mfloat-abi=softfp/hard: newlib may use the FPU, enable CP10/CP11. */
	*(volatile uint32_t *)0xE000ED88u |= 0xfu << 20;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
	size_t n = ((uintptr_t)__data_end__ - (uintptr_t)__data_start__) / sizeof(uint32_t);
	for (size_t i = 0; i < n; i++)
		__data_start__[i] = __data_load__[i];
	n = ((uintptr_t)__bss_end__ - (uintptr_t)__bss_start__) / sizeof(uint32_t);
	for (size_t i = 0; i < n; i++)
		__bss_start__[i] = 0u;

	/* MemManage, BusFault and UsageFault are taken as their own exceptions
	 * (as on the board), not as HardFault: the port's handlers tell guest
	 * faults apart by them. */
	*(volatile uint32_t *)0xE000ED24u |= 7u << 16; /* SHCSR: MEM/BUS/USGFAULTENA */
	__asm__ volatile("dsb\n\tisb" ::: "memory");

	initialise_monitor_handles();
	__libc_init_array();
	/* newlib's exit() flushes stdio and ends with SYS_EXIT_EXTENDED when the
	 * host advertises it (QEMU does), so main()'s status becomes QEMU's. */
	exit(main());
}

/* ------------------------------------------------------------ exceptions */
static char *ft_append(char *p, const char *s)
{
	while (*s != '\0')
		*p++ = *s++;
	return p;
}

static char *ft_append_hex(char *p, uint32_t v)
{
	p = ft_append(p, "0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		*p++ = "0123456789abcdef"[(v >> shift) & 0xfu];
	return p;
}

/* Entered from ft_exception with the stacked frame (r0-r3, r12, lr, pc, xpsr). */
_Noreturn void ft_exception_report(const uint32_t *frame, uint32_t exc_return)
{
	static const char *const names[16] = {
		"?", "Reset", "NMI", "HardFault", "MemManage", "BusFault",
		"UsageFault", "SecureFault", "?", "?", "?", "SVCall",
		"DebugMonitor", "?", "PendSV", "SysTick",
	};
	const volatile uint32_t *scb = (const volatile uint32_t *)0xE000ED00u;
	uint32_t ipsr;
	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	uint32_t exc = ipsr & 0x1ffu;

	char msg[256];
	char *p = ft_append(msg, "\ntarget: unexpected exception ");
	p = ft_append(p, exc < 16u ? names[exc] : "IRQ");
	p = ft_append(p, " (");
	p = ft_append_hex(p, exc);
	p = ft_append(p, ") pc=");
	p = ft_append_hex(p, frame[6]);
	p = ft_append(p, " lr=");
	p = ft_append_hex(p, frame[5]);
	p = ft_append(p, " exc_return=");
	p = ft_append_hex(p, exc_return);
	p = ft_append(p, "\n  CFSR=");
	p = ft_append_hex(p, scb[0x28u / 4u]);
	p = ft_append(p, " HFSR=");
	p = ft_append_hex(p, scb[0x2cu / 4u]);
	p = ft_append(p, " MMFAR=");
	p = ft_append_hex(p, scb[0x34u / 4u]);
	p = ft_append(p, " BFAR=");
	p = ft_append_hex(p, scb[0x38u / 4u]);
	p = ft_append(p, "\n");
	*p = '\0';
	ft_semihost_fail(msg);
}

/* Finds the exception frame on whichever stack was in use (EXC_RETURN bit 2)
 * and passes it, with EXC_RETURN, to ft_exception_report. */
__attribute__((naked)) void ft_exception(void)
{
	__asm__("tst   lr, #4\n\t"
		"ite   eq\n\t"
		"mrseq r0, msp\n\t"
		"mrsne r0, psp\n\t"
		"mov   r1, lr\n\t"
		"b     ft_exception_report\n\t");
}

/* A suite may take PendSV itself (tests/port/test_port_cortexm.c: an
 * interrupt on a fiber's stack); by default it is unexpected. */
void ft_pendsv(void) __attribute__((weak, alias("ft_exception")));

/* The port's privilege gate and fault handlers (src/port/cortex-m/
 * gate_cortexm.c, fault_cortexm.c) replace these when an image links them
 * (the gated images, tests/gated/); elsewhere they stay unexpected. A
 * fault the port does not take for a guest goes to the board's report,
 * which in these images is ours (the port names it weakly; it reads the
 * frame through EXC_RETURN in lr, as ft_exception does). */
void SVC_Handler(void) __attribute__((weak, alias("ft_exception")));
void HardFault_Handler(void) __attribute__((weak, alias("ft_exception")));
void MemManage_Handler(void) __attribute__((weak, alias("ft_exception")));
void BusFault_Handler(void) __attribute__((weak, alias("ft_exception")));
void UsageFault_Handler(void) __attribute__((weak, alias("ft_exception")));
void flue_mps2_unhandled(void) __attribute__((alias("ft_exception")));

/* Exceptions 1-15; no interrupt is ever enabled by the tests. */
struct ft_vector_table {
	uint32_t *initial_sp;
	void (*handler[15])(void);
};

__attribute__((section(".vectors"), used))
const struct ft_vector_table ft_vectors = {
	__stack_top__,
	{
		Reset_Handler,
		ft_exception, /*  2 NMI */
		HardFault_Handler,  /*  3 */
		MemManage_Handler,  /*  4 */
		BusFault_Handler,   /*  5 */
		UsageFault_Handler, /*  6 */
		ft_exception, /*  7 SecureFault (ARMv8-M), reserved on ARMv7-M */
		NULL, NULL, NULL,
		SVC_Handler,  /* 11 SVCall */
		ft_exception, /* 12 DebugMonitor */
		NULL,
		ft_pendsv,    /* 14 PendSV */
		ft_exception, /* 15 SysTick */
	},
};
