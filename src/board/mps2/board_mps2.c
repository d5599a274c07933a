/*
 * flue/board.h on QEMU's MPS2 boards (mps2-an385 Cortex-M3, mps2-an505
 * Cortex-M33), bare metal, without newlib's stdio and without a heap:
 *
 *  - Output: semihosting SYS_WRITE to the console handle from
 *    SYS_OPEN(":tt", "w"), which QEMU connects to its own stdout; if that
 *    open fails, SYS_WRITEC byte by byte (QEMU's stderr).
 *  - Exit: SYS_EXIT with ADP_Stopped_ApplicationExit for status 0 (QEMU
 *    exits 0); any other status through SYS_EXIT_EXTENDED, which QEMU turns
 *    into its own exit status.
 *  - Time: CMSDK APB timer 1, free running from 0xFFFFFFFF at the board
 *    clock; its wrap interrupt extends it to 64 bits. QEMU derives every
 *    device clock from its virtual clock, which under `-icount shift=0`
 *    advances exactly 1 ns per executed instruction: so the same count is
 *    the instruction count, to one tick (40 instructions at an385's 25 MHz,
 *    50 at an505's 20 MHz). The DWT cycle counter would be exact, but QEMU
 *    7.2 does not emulate it (CYCCNT reads 0), and semihosting SYS_ELAPSED
 *    is the host's wall clock.
 *  - Periodic timer: CMSDK APB timer 0 and its interrupt (IRQ 8 on an385,
 *    IRQ 3 on an505), at the board clock; periods beyond its 32 bits are
 *    divided in software. SysTick is not used: it is the program's.
 *  - assert() and abort(): newlib's versions print through stdio (heap) and
 *    raise signals; these report through semihosting instead.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "../fmt.h"
#include "mps2.h"

uint32_t flue_mps2_semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

/* ------------------------------------------------------------------ output */

/* Console handle from SYS_OPEN(":tt"), or -1: then SYS_WRITEC. */
static int32_t console = -1;

static void console_open(void)
{
	static const char tt[] = ":tt";
	/* mode 4 = "w"; length of the name without its NUL */
	const uint32_t args[3] = { (uint32_t)(uintptr_t)tt, 4u, sizeof tt - 1u };
	console = (int32_t)flue_mps2_semihost(FLUE_SH_SYS_OPEN, args);
}

static void write_bytewise(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		(void)flue_mps2_semihost(FLUE_SH_SYS_WRITEC, &s[i]);
}

void flue_board_write(const char *s, size_t n)
{
	while (n > 0 && console >= 0) {
		const uint32_t args[3] = { (uint32_t)console, (uint32_t)(uintptr_t)s, (uint32_t)n };
		/* SYS_WRITE returns the number of bytes it did NOT write. */
		uint32_t left = flue_mps2_semihost(FLUE_SH_SYS_WRITE, args);
		if (left >= n) {
			console = -1; /* the handle is unusable: fall back */
			break;
		}
		s += n - left;
		n = left;
	}
	write_bytewise(s, n);
}

int flue_board_vprintf(const char *fmt, va_list ap)
{
	return flue_fmt_write(flue_board_write, fmt, ap);
}

int flue_board_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = flue_board_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* -------------------------------------------------------------------- exit */

_Noreturn void flue_board_exit(int status)
{
	if (status == 0) {
		/* On AArch32 the parameter of SYS_EXIT is the reason itself. */
		(void)flue_mps2_semihost(FLUE_SH_SYS_EXIT,
					 (const void *)(uintptr_t)FLUE_SH_ADP_STOPPED_APPLICATION_EXIT);
	} else {
		/* A process status keeps the low 8 bits: keep it non-zero. */
		uint32_t code = (uint32_t)status;
		if ((code & 0xffu) == 0u)
			code = 1u;
		const uint32_t args[2] = { FLUE_SH_ADP_STOPPED_APPLICATION_EXIT, code };
		(void)flue_mps2_semihost(FLUE_SH_SYS_EXIT_EXTENDED, args);
		/* A host without the extension: any other reason is a failure. */
		(void)flue_mps2_semihost(FLUE_SH_SYS_EXIT,
					 (const void *)(uintptr_t)FLUE_SH_ADP_STOPPED_RUNTIME_ERROR_UNKNOWN);
	}
	for (;;)
		__asm__ volatile("wfi");
}

/* Heap-free replacements for newlib's (stdio + signals). */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
	flue_board_printf("assertion failed: %s (%s:%d%s%s)\n", expr, file, line,
			  func != NULL ? ", " : "", func != NULL ? func : "");
	flue_board_exit(134); /* 128 + SIGABRT, as a host shell reports abort() */
}

void abort(void)
{
	flue_board_printf("abort()\n");
	flue_board_exit(134);
}

/* -------------------------------------------------------- CMSDK APB timers */

#define TIMER_REG(base, off) FLUE_MPS2_REG((base) + (off))
#define TIMER_CTRL_ENABLE 0x1u
#define TIMER_CTRL_IRQEN 0x8u

#define NVIC_ISER(n) (0xE000E100u + 4u * (n))
#define NVIC_ICER(n) (0xE000E180u + 4u * (n))
#define NVIC_ICPR(n) (0xE000E280u + 4u * (n))
#define NVIC_BIT(irq) (1u << ((irq) % 32u))

/* Starts the timer at `base` with its interrupt: the first interrupt
 * `first` ticks from now, then one every `reload` + 1 ticks. QEMU's model
 * (hw/timer/cmsdk-apb-timer.c) raises the interrupt as the counter goes
 * from 1 to 0 and reloads one tick later; writing RELOAD also sets the
 * count, so VALUE is written after it. */
static void cmsdk_start(uint32_t base, uint32_t irq, uint32_t reload, uint32_t first)
{
	TIMER_REG(base, FLUE_CMSDK_TIMER_CTRL) = 0;
	TIMER_REG(base, FLUE_CMSDK_TIMER_RELOAD) = reload;
	TIMER_REG(base, FLUE_CMSDK_TIMER_VALUE) = first;
	TIMER_REG(base, FLUE_CMSDK_TIMER_INT) = 1u;
	FLUE_MPS2_REG(NVIC_ICPR(irq / 32u)) = NVIC_BIT(irq);
	FLUE_MPS2_REG(NVIC_ISER(irq / 32u)) = NVIC_BIT(irq);
	TIMER_REG(base, FLUE_CMSDK_TIMER_CTRL) = TIMER_CTRL_ENABLE | TIMER_CTRL_IRQEN;
}

/* -------------------------------------------------- time base (timer 1) */

#define TIME_BASE FLUE_MPS2_TIMER1

/* Times the down-counter reached 0 (each 2^32 ticks). */
static volatile uint32_t time_wraps;

static void time_start(void)
{
	cmsdk_start(TIME_BASE, FLUE_MPS2_TIMER1_IRQ, UINT32_MAX, UINT32_MAX);
}

/* The wrap interrupt; masked so that a reader in a higher-priority handler
 * never sees the status cleared without the count advanced. */
static void time_wrap_isr(void)
{
	uint32_t key = flue_mps2_irq_save();
	TIMER_REG(TIME_BASE, FLUE_CMSDK_TIMER_INT) = 1u;
	time_wraps = time_wraps + 1u;
	flue_mps2_irq_restore(key);
}

/* The vector table (startup.c) names external interrupt n IRQ<n>_Handler;
 * this one is timer 1's (FLUE_MPS2_TIMER1_IRQ). */
#if defined(__ARM_ARCH_8M_MAIN__)
_Static_assert(FLUE_MPS2_TIMER1_IRQ == 4u, "handler name must match the IRQ");
void IRQ4_Handler(void);
void IRQ4_Handler(void)
#else
_Static_assert(FLUE_MPS2_TIMER1_IRQ == 9u, "handler name must match the IRQ");
void IRQ9_Handler(void);
void IRQ9_Handler(void)
#endif
{
	time_wrap_isr();
}

/* Ticks since time_start(). The down-counter raises its interrupt when it
 * reaches 0 and reloads 0xFFFFFFFF one tick later (period 2^32 ticks), so a
 * period is counted from the tick at 0: the count within it is -value
 * (mod 2^32), which is 0 exactly when the wrap is signalled, whether the
 * handler has counted it yet or not. With interrupts masked the handler
 * cannot count a wrap, so a pending one (status set) is counted here and
 * the value re-read, which is then certainly at or after the 0. The
 * counter starts at 0xFFFFFFFF, one tick into its first period: minus 1. */
static uint64_t time_ticks(void)
{
	uint32_t key = flue_mps2_irq_save();
	uint32_t wraps = time_wraps;
	uint32_t value = TIMER_REG(TIME_BASE, FLUE_CMSDK_TIMER_VALUE);
	if ((TIMER_REG(TIME_BASE, FLUE_CMSDK_TIMER_INT) & 1u) != 0u) {
		value = TIMER_REG(TIME_BASE, FLUE_CMSDK_TIMER_VALUE);
		wraps++;
	}
	flue_mps2_irq_restore(key);
	return ((uint64_t)wraps << 32) + (uint32_t)(0u - value) - 1u;
}

uint64_t flue_board_time_ns(void)
{
	return time_ticks() * FLUE_MPS2_NS_PER_TICK;
}

uint64_t flue_board_instructions(void)
{
	return flue_board_time_ns();
}

uint32_t flue_board_instruction_resolution(void)
{
	return FLUE_MPS2_NS_PER_TICK;
}

/* --------------------------------------------- periodic timer (timer 0) */

#define TICK_TIMER FLUE_MPS2_TIMER0

static void (*volatile tick_isr)(void);
static volatile uint32_t tick_div;   /* timer interrupts per period */
static volatile uint32_t tick_count; /* since the last call of isr */

int flue_board_timer_start(uint32_t period_us, void (*isr)(void))
{
	if (period_us == 0u || isr == NULL)
		return FLUE_EINVAL;
	if (tick_isr != NULL)
		return FLUE_EBUSY;
	/* A period beyond the 32-bit counter (171 s at 25 MHz, 214 s at
	 * 20 MHz) becomes FLUE_MPS2_TICKS_PER_US interrupts of period_us
	 * ticks each: exact, since the clock is a whole number of MHz. */
	uint64_t ticks = (uint64_t)period_us * FLUE_MPS2_TICKS_PER_US;
	uint32_t div = 1u;
	if (ticks > UINT32_MAX) {
		ticks = period_us;
		div = FLUE_MPS2_TICKS_PER_US;
	}
	tick_div = div;
	tick_count = 0;
	tick_isr = isr;
	/* ticks >= 20 (period_us >= 1): reload ticks - 1 is never 0, which
	 * would stop the interrupts. The first comes `ticks` from now. */
	cmsdk_start(TICK_TIMER, FLUE_MPS2_TIMER0_IRQ, (uint32_t)ticks - 1u, (uint32_t)ticks);
	return 0;
}

void flue_board_timer_stop(void)
{
	/* Thread context on one core: the handler is not running now. Once
	 * the timer is stopped, its (level) request dropped and the interrupt
	 * disabled and unpended in the NVIC, it will not run again. */
	TIMER_REG(TICK_TIMER, FLUE_CMSDK_TIMER_CTRL) = 0;
	TIMER_REG(TICK_TIMER, FLUE_CMSDK_TIMER_INT) = 1u;
	FLUE_MPS2_REG(NVIC_ICER(FLUE_MPS2_TIMER0_IRQ / 32u)) = NVIC_BIT(FLUE_MPS2_TIMER0_IRQ);
	FLUE_MPS2_REG(NVIC_ICPR(FLUE_MPS2_TIMER0_IRQ / 32u)) = NVIC_BIT(FLUE_MPS2_TIMER0_IRQ);
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	tick_isr = NULL;
}

/* Timer 0's interrupt (FLUE_MPS2_TIMER0_IRQ). */
#if defined(__ARM_ARCH_8M_MAIN__)
_Static_assert(FLUE_MPS2_TIMER0_IRQ == 3u, "handler name must match the IRQ");
void IRQ3_Handler(void);
void IRQ3_Handler(void)
#else
_Static_assert(FLUE_MPS2_TIMER0_IRQ == 8u, "handler name must match the IRQ");
void IRQ8_Handler(void);
void IRQ8_Handler(void)
#endif
{
	/* The request is a level: cleared first (and the write completed)
	 * so that it does not pend the interrupt again on return. */
	TIMER_REG(TICK_TIMER, FLUE_CMSDK_TIMER_INT) = 1u;
	__asm__ volatile("dsb" ::: "memory");
	void (*isr)(void) = tick_isr;
	if (isr == NULL)
		return;
	uint32_t count = tick_count + 1u;
	if (count < tick_div) {
		tick_count = count;
		return;
	}
	tick_count = 0;
	isr();
}

/* -------------------------------------------------------------------- init */

void flue_mps2_board_init(void)
{
	console_open();
	time_start();
}
