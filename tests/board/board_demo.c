/*
 * The MPS2 board (libflue_board_mps2.a) on QEMU, as a program flue-build
 * would make: its own startup and linker script, no newlib stdio, no heap.
 * Run with -icount shift=0 (tests/board/board.cmake); CTest checks the
 * printed lines and the exit status.
 *
 * Checks, each printed: start-up (.data, .bss, constructors), the printf
 * subset, the processor clock the board assumes (SysTick against the time
 * base), instruction counting against loops of known length, the time
 * base's 32-bit wrap (with interrupts on and masked), and the periodic
 * timer (period, long periods, stop, errors, and that it is CMSDK timer 0
 * with its interrupt). Any failed check makes the program return 1.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "mps2.h" /* the board's registers, for the clock and wrap checks */

static unsigned failures;

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			failures++;                                          \
			flue_board_printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                            \
	} while (0)

/* ---------------------------------------------------------------- start-up */

static volatile uint32_t data_word = 0x12345678u;
static volatile uint32_t bss_word;
static volatile bool constructed;

__attribute__((constructor)) static void construct(void)
{
	constructed = true;
}

static void check_startup(void)
{
	flue_board_printf("startup: data=0x%x bss=%u constructor=%s\n", (unsigned)data_word,
			  (unsigned)bss_word, constructed ? "ran" : "missing");
	CHECK(data_word == 0x12345678u && bss_word == 0u && constructed);
}

/* ------------------------------------------------------------------ format */

static void check_format(void)
{
	int n = flue_board_printf("format: [%5d|%-4d|%05d|%08x|%X|%-3c|%s|%llu|%lld|%zu|%%]\n", -42,
				  7, -42, 0xbeefu, 0xabcu, 'x', "str",
				  (unsigned long long)UINT64_MAX, (long long)INT64_MIN,
				  (size_t)4096);
	CHECK(n == 97);
}

/* ------------------------------------------------------------------- clock */

#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u

/* 2n instructions: n × (subs, bne); n > 0. */
__attribute__((noinline)) static void loop(uint32_t n)
{
	__asm__ volatile("1: subs %0, #1\n\tbne 1b" : "+r"(n)::"cc");
}

/* SysTick on the processor clock counts down; against the time base over
 * the same loop it gives the processor clock in Hz. */
static void check_clock(void)
{
	FLUE_MPS2_REG(SYST_CSR) = 0;
	FLUE_MPS2_REG(SYST_RVR) = 0xFFFFFFu;
	FLUE_MPS2_REG(SYST_CVR) = 0;
	FLUE_MPS2_REG(SYST_CSR) = 0x5u; /* enable, processor clock, no interrupt */
	uint64_t t0 = flue_board_time_ns();
	uint32_t s0 = FLUE_MPS2_REG(SYST_CVR);
	loop(2000000u); /* 4 ms: fewer than 2^24 SysTick ticks */
	uint32_t s1 = FLUE_MPS2_REG(SYST_CVR);
	uint64_t t1 = flue_board_time_ns();
	FLUE_MPS2_REG(SYST_CSR) = 0;
	uint64_t ticks = (s0 - s1) & 0xFFFFFFu;
	uint64_t hz = ticks * 1000000000u / (t1 - t0);
	flue_board_printf("clock: SysTick %llu Hz, board assumes %u Hz\n", (unsigned long long)hz,
			  (unsigned)FLUE_MPS2_CLOCK_HZ);
	/* Within 0.1% (the two readings are a few instructions apart). */
	CHECK(hz * 1000u >= (uint64_t)FLUE_MPS2_CLOCK_HZ * 999u);
	CHECK(hz * 1000u <= (uint64_t)FLUE_MPS2_CLOCK_HZ * 1001u);
}

/* ------------------------------------------------------------ instructions */

static uint64_t measure(uint32_t n)
{
	uint64_t i0 = flue_board_instructions();
	loop(n);
	return flue_board_instructions() - i0;
}

/* A loop of 2n instructions, measured, less the measurement's own cost
 * (measured with n = 1): each reading is within one tick of the truth, so
 * the difference is within two ticks of 2(n - 1). */
static void check_instructions(void)
{
	static const uint32_t lengths[] = { 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u };
	uint32_t res = flue_board_instruction_resolution();
	uint64_t base = measure(1u);
	int64_t worst = 0;
	flue_board_printf("instructions: resolution %u, overhead %llu\n", (unsigned)res,
			  (unsigned long long)base);
	for (unsigned i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		uint32_t n = lengths[i];
		uint64_t expected = 2u * (uint64_t)(n - 1u);
		uint64_t got = measure(n) - base;
		int64_t err = (int64_t)(got - expected);
		flue_board_printf("instructions: loop of %llu measured %llu error %lld\n",
				  (unsigned long long)expected, (unsigned long long)got,
				  (long long)err);
		int64_t mag = err < 0 ? -err : err;
		if (mag > worst)
			worst = mag;
	}
	flue_board_printf("instructions: worst error %lld (%s 2 x resolution)\n", (long long)worst,
			  worst < 2 * (int64_t)res ? "within" : "NOT within");
	CHECK(res > 0u && worst < 2 * (int64_t)res);
	CHECK(flue_board_time_ns() <= flue_board_instructions());
}

/* ------------------------------------------------------------------- wrap */

#define TIMER_VALUE (FLUE_MPS2_TIMER1 + FLUE_CMSDK_TIMER_VALUE) /* the time base */

/* Moves the time base to `ticks` before its wrap (time jumps forward),
 * then reads the time across the wrap: every step must be small and
 * forward, and the time must end past a whole wrap period. */
static bool cross_wrap(uint32_t ticks_before)
{
	const uint64_t period_ns = (uint64_t)FLUE_MPS2_NS_PER_TICK << 32;
	FLUE_MPS2_REG(TIMER_VALUE) = ticks_before;
	uint64_t prev = flue_board_time_ns();
	uint64_t first = prev;
	bool ok = true;
	for (int i = 0; i < 2000; i++) { /* ~100k instructions: past the wrap */
		uint64_t now = flue_board_time_ns();
		ok = ok && now >= prev && now - prev < 100000u;
		prev = now;
	}
	uint64_t wraps_before = first / period_ns, wraps_after = prev / period_ns;
	return ok && wraps_after == wraps_before + 1u;
}

static void check_wrap(void)
{
	bool with_irq = cross_wrap(500u);
	uint32_t primask;
	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
	bool masked = cross_wrap(500u); /* counted from the pending flag */
	__asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
	uint64_t t0 = flue_board_time_ns(); /* the handler ran now: no recount */
	uint64_t t1 = flue_board_time_ns();
	bool after = t1 >= t0 && t1 - t0 < 100000u;
	flue_board_printf("time wrap: interrupts on %s, masked %s, after %s (now %llu s)\n",
			  with_irq ? "ok" : "BAD", masked ? "ok" : "BAD", after ? "ok" : "BAD",
			  (unsigned long long)(t1 / 1000000000u));
	CHECK(with_irq && masked && after);
}

/* ------------------------------------------------------------------ timer */

static volatile uint32_t ticks;
static volatile uint64_t first_tick_ns;

static void on_tick(void)
{
	if (ticks == 0u)
		first_tick_ns = flue_board_time_ns();
	ticks = ticks + 1u;
}

/* `count` calls of the timer's isr, busy-waiting: under -icount every
 * instruction is 1 ns, so the timing is exact and the same on every run. */
static void check_timer(uint32_t period_us, uint32_t count)
{
	ticks = 0;
	uint64_t t0 = flue_board_time_ns();
	CHECK(flue_board_timer_start(period_us, on_tick) == 0);
	CHECK(flue_board_timer_start(period_us, on_tick) == FLUE_EBUSY);
	while (ticks < count) {
	}
	flue_board_timer_stop();
	uint64_t first_us = (first_tick_ns - t0) / 1000u;
	uint64_t last_us = (flue_board_time_ns() - t0) / 1000u;
	flue_board_printf("timer: period %u us, first call after %llu us, call %u by %llu us\n",
			  (unsigned)period_us, (unsigned long long)first_us, (unsigned)count,
			  (unsigned long long)last_us);
	/* The first call one period after the start (plus the few
	 * instructions of start and the handler's entry), the last `count`
	 * periods after. */
	uint64_t end_us = (uint64_t)count * period_us;
	CHECK(first_us >= period_us && first_us <= period_us + 5u);
	CHECK(last_us >= end_us && last_us <= end_us + 5u);
	/* Stopped: no call for 3 periods (at most 10 ms). */
	uint32_t n = ticks;
	uint64_t wait_ns = 3u * (uint64_t)period_us * 1000u;
	uint64_t until = flue_board_time_ns() + (wait_ns < 10000000u ? wait_ns : 10000000u);
	while (flue_board_time_ns() < until) {
	}
	CHECK(ticks == n);
}

/* The same, sleeping in WFI: the timer's interrupt wakes the core. Under
 * -icount with QEMU's default sleep=on an idle core's virtual time follows
 * the host's clock, so only a lower bound is checked. */
static void check_timer_sleeping(uint32_t period_us, uint32_t count)
{
	ticks = 0;
	uint64_t t0 = flue_board_time_ns();
	CHECK(flue_board_timer_start(period_us, on_tick) == 0);
	while (ticks < count)
		__asm__ volatile("wfi");
	flue_board_timer_stop();
	uint64_t last_us = (flue_board_time_ns() - t0) / 1000u;
	flue_board_printf("timer: sleeping, %u calls\n", (unsigned)ticks);
	CHECK(last_us >= (uint64_t)count * period_us);
}

#define NVIC_ISER(irq) FLUE_MPS2_REG(0xE000E100u + 4u * ((irq) / 32u))
#define TIMER0_REG(off) FLUE_MPS2_REG(FLUE_MPS2_TIMER0 + (off))

/* The periodic timer is CMSDK timer 0 with its interrupt enabled while it
 * runs (the IRQ 8 on an385, 3 on an505), and a period beyond its 32
 * bits is programmed as period_us ticks, counted FLUE_MPS2_TICKS_PER_US
 * times: registers read back, as a long period cannot be waited out. */
static void check_timer_hardware(void)
{
	const uint32_t irq_bit = 1u << (FLUE_MPS2_TIMER0_IRQ % 32u);
	CHECK(flue_board_timer_start(1000u, on_tick) == 0);
	uint32_t reload = TIMER0_REG(FLUE_CMSDK_TIMER_RELOAD);
	bool running = (TIMER0_REG(FLUE_CMSDK_TIMER_CTRL) & 0x9u) == 0x9u &&
		       (NVIC_ISER(FLUE_MPS2_TIMER0_IRQ) & irq_bit) != 0u;
	flue_board_timer_stop();
	bool stopped = TIMER0_REG(FLUE_CMSDK_TIMER_CTRL) == 0u &&
		       (NVIC_ISER(FLUE_MPS2_TIMER0_IRQ) & irq_bit) == 0u;
	const uint32_t long_us = 250000000u; /* 250 s: beyond 2^32 ticks on both */
	CHECK(flue_board_timer_start(long_us, on_tick) == 0);
	uint32_t long_reload = TIMER0_REG(FLUE_CMSDK_TIMER_RELOAD);
	flue_board_timer_stop();
	flue_board_printf("timer: CMSDK timer 0 irq %u: running %s, stopped %s, reload %u, "
			  "long reload %u\n", (unsigned)FLUE_MPS2_TIMER0_IRQ,
			  running ? "ok" : "BAD", stopped ? "ok" : "BAD", (unsigned)reload,
			  (unsigned)long_reload);
	CHECK(running && stopped);
	CHECK(reload == 1000u * FLUE_MPS2_TICKS_PER_US - 1u);
	CHECK(long_reload == long_us - 1u);
}

static void check_timer_errors(void)
{
	CHECK(flue_board_timer_start(0, on_tick) == FLUE_EINVAL);
	CHECK(flue_board_timer_start(1000, NULL) == FLUE_EINVAL);
	flue_board_timer_stop(); /* not running: harmless */
}

int main(void)
{
	flue_board_printf("flue board test: %s\n", FLUE_MPS2_MACHINE);
	check_startup();
	check_format();
	check_clock();
	check_instructions();
	check_wrap();
	check_timer(1000u, 5u);
	check_timer_sleeping(1000u, 3u);
	/* A long period: 21 (an385) / 17 (an505) million ticks. */
	check_timer(850000u, 1u);
	check_timer_hardware();
	check_timer_errors();
	flue_board_printf("board test: %s\n", failures == 0u ? "passed" : "FAILED");
	return failures == 0u ? 0 : 1;
}
