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
 *  - Time: CMSDK APB timer 0, free running from 0xFFFFFFFF at the board
 *    clock; its wrap interrupt extends it to 64 bits. QEMU derives every
 *    device clock from its virtual clock, which under `-icount shift=0`
 *    advances exactly 1 ns per executed instruction: so the same count is
 *    the instruction count, to one tick (40 instructions at an385's 25 MHz,
 *    50 at an505's 20 MHz). The DWT cycle counter would be exact, but QEMU
 *    7.2 does not emulate it (CYCCNT reads 0), and semihosting SYS_ELAPSED
 *    is the host's wall clock.
 *  - Periodic timer: SysTick with the processor clock; periods beyond its
 *    24 bits are divided in software.
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

/* -------------------------------------------------------------- time base */

/* CMSDK APB timer registers (offsets). */
#define TIMER_CTRL (FLUE_MPS2_TIMER0 + 0x0u)
#define TIMER_VALUE (FLUE_MPS2_TIMER0 + 0x4u)
#define TIMER_RELOAD (FLUE_MPS2_TIMER0 + 0x8u)
#define TIMER_INT (FLUE_MPS2_TIMER0 + 0xCu) /* read: status; write 1: clear */
#define TIMER_CTRL_ENABLE 0x1u
#define TIMER_CTRL_IRQEN 0x8u

#define NVIC_ISER(n) (0xE000E100u + 4u * (n))

/* Times the down-counter reached 0 (each 2^32 ticks). */
static volatile uint32_t time_wraps;

static void time_start(void)
{
	FLUE_MPS2_REG(TIMER_CTRL) = 0;
	FLUE_MPS2_REG(TIMER_RELOAD) = UINT32_MAX;
	FLUE_MPS2_REG(TIMER_VALUE) = UINT32_MAX;
	FLUE_MPS2_REG(TIMER_INT) = 1u;
	FLUE_MPS2_REG(NVIC_ISER(FLUE_MPS2_TIMER0_IRQ / 32u)) = 1u << (FLUE_MPS2_TIMER0_IRQ % 32u);
	FLUE_MPS2_REG(TIMER_CTRL) = TIMER_CTRL_ENABLE | TIMER_CTRL_IRQEN;
}

/* The wrap interrupt; masked so that a reader in a higher-priority handler
 * never sees the status cleared without the count advanced. */
static void time_wrap_isr(void)
{
	uint32_t key = flue_mps2_irq_save();
	FLUE_MPS2_REG(TIMER_INT) = 1u;
	time_wraps = time_wraps + 1u;
	flue_mps2_irq_restore(key);
}

/* The vector table (startup.c) names external interrupt n IRQ<n>_Handler;
 * this one is timer 0's (FLUE_MPS2_TIMER0_IRQ). */
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
	uint32_t value = FLUE_MPS2_REG(TIMER_VALUE);
	if ((FLUE_MPS2_REG(TIMER_INT) & 1u) != 0u) {
		value = FLUE_MPS2_REG(TIMER_VALUE);
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

/* ------------------------------------------------------------------ SysTick */

#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_TICKINT 0x2u
#define SYST_CSR_CLKSOURCE 0x4u /* processor clock */
#define SYST_MAX_TICKS (1u << 24) /* RVR is 24 bits: period = RVR + 1 */
#define SCB_ICSR 0xE000ED04u
#define SCB_ICSR_PENDSTCLR (1u << 25)

static void (*volatile systick_isr)(void);
static volatile uint32_t systick_div;   /* SysTick interrupts per period */
static volatile uint32_t systick_count; /* since the last call of isr */

/* Splits `ticks` into `div` equal SysTick periods of at most 2^24 ticks.
 * The smallest exact divisor is searched among the first few candidates;
 * a period with none (a huge prime number of microseconds) is refused. */
static bool systick_split(uint64_t ticks, uint32_t *reload, uint32_t *div)
{
	uint64_t k = (ticks + SYST_MAX_TICKS - 1u) / SYST_MAX_TICKS;
	for (uint64_t last = k * 64u; k <= last; k++) {
		if (ticks % k == 0u) {
			*reload = (uint32_t)(ticks / k - 1u);
			*div = (uint32_t)k;
			return true;
		}
	}
	return false;
}

int flue_board_timer_start(uint32_t period_us, void (*isr)(void))
{
	if (period_us == 0u || isr == NULL)
		return FLUE_EINVAL;
	if (systick_isr != NULL)
		return FLUE_EBUSY;
	uint32_t reload, div;
	uint64_t ticks = (uint64_t)period_us * (FLUE_MPS2_CLOCK_HZ / 1000000u);
	if (!systick_split(ticks, &reload, &div))
		return FLUE_EINVAL;
	FLUE_MPS2_REG(SYST_CSR) = 0;
	FLUE_MPS2_REG(SYST_RVR) = reload;
	FLUE_MPS2_REG(SYST_CVR) = 0; /* any write clears it: reload at once */
	systick_div = div;
	systick_count = 0;
	systick_isr = isr;
	FLUE_MPS2_REG(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
	return 0;
}

void flue_board_timer_stop(void)
{
	/* Thread context on one core: the handler is not running now; after
	 * the counter stops and a pending request is dropped, it will not. */
	FLUE_MPS2_REG(SYST_CSR) = 0;
	FLUE_MPS2_REG(SCB_ICSR) = SCB_ICSR_PENDSTCLR;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	systick_isr = NULL;
}

void SysTick_Handler(void);
void SysTick_Handler(void)
{
	void (*isr)(void) = systick_isr;
	if (isr == NULL)
		return;
	uint32_t count = systick_count + 1u;
	if (count < systick_div) {
		systick_count = count;
		return;
	}
	systick_count = 0;
	isr();
}

/* -------------------------------------------------------------------- init */

void flue_mps2_board_init(void)
{
	console_open();
	time_start();
}
