/*
 * `make bench` on the Cortex-M3 (QEMU mps2-an385, -icount shift=0,sleep=off):
 * figures are executed instructions, read from the board's CMSDK timer
 * (flue_board_instructions(): 25 MHz under icount shift=0, so one tick is
 * 40 instructions; QEMU 7.2 emulates no DWT cycle counter, and SysTick
 * would count the same 25 MHz clock). Each figure covers BENCH_M3_ITERS
 * iterations in one timed window, which contains no WFI: the executor is
 * driven with flue_run(), which never sleeps, and the interrupt of the
 * channel benchmark is pended by software inside the window.
 *
 * Prints, like the host program: bench <key> <instructions> <iterations>.
 * BENCH_PROFILE (scripts/bench_profile.sh): only the guest<->guest
 * hand-off, BENCH_PROFILE_ITERS iterations; the QEMU trace is attributed
 * between the first and the last call of bench_now().
 */
#include <stdint.h>
#include <string.h>

#include <flue/board.h>
#include <flue/channel.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/port_cortexm.h>

#include "bench.h"

#define BENCH_M3_ITERS 10000u
#ifndef BENCH_PROFILE_KEY
#define BENCH_PROFILE_KEY "handoff_gg" /* the row bench_m3_profile.elf runs */
#endif
#ifndef BENCH_PROFILE_ITERS
#define BENCH_PROFILE_ITERS 2000u
#endif

__attribute__((noinline)) uint64_t bench_now(void)
{
	return flue_board_instructions();
}

/* ------------------------------------- a minimal cooperative context switch */

/* Saves the callee-saved registers and lr on the current stack, stores sp
 * in *save, loads sp from `load` and returns into the thread saved there.
 * AAPCS: r0-r3, r12 and the flags are the caller's to lose; no FPU here. */
__attribute__((naked)) static void ctx_swap(uint32_t **save __attribute__((unused)),
					    uint32_t *load __attribute__((unused)))
{
	__asm__ volatile("push {r4-r11, lr}\n\t"
			 "mov  r2, sp\n\t"
			 "str  r2, [r0]\n\t"
			 "mov  sp, r1\n\t"
			 "pop  {r4-r11, pc}\n\t");
}

#define THREAD_STACK_WORDS 512u
static uint64_t producer_stack[THREAD_STACK_WORDS / 2u];
static uint64_t consumer_stack[THREAD_STACK_WORDS / 2u];
static uint32_t *main_sp, *producer_sp, *consumer_sp;

/* A new thread's stack: the frame ctx_swap pops (r4-r11 = 0, then the
 * entry as the return address; its Thumb bit is set by the toolchain). */
static uint32_t *thread_stack(uint64_t *stack, uint32_t words, void (*entry)(void))
{
	uint32_t *sp = (uint32_t *)(void *)(stack + words / 2u) - 9;
	for (uint32_t i = 0; i < 8u; i++)
		sp[i] = 0;
	sp[8] = (uint32_t)(uintptr_t)entry;
	return sp;
}

static void to_consumer(void)
{
	ctx_swap(&producer_sp, consumer_sp);
}

static void to_producer(void)
{
	ctx_swap(&consumer_sp, producer_sp);
}

/* Thread bodies never return: at their end they switch away for good. */
static void producer_entry(void)
{
	bench_queue_producer();
	ctx_swap(&producer_sp, main_sp);
	for (;;)
		;
}

static void consumer_entry(void)
{
	bench_queue_consumer();
	for (;;)
		to_producer(); /* the producer only resumes it while it is not done */
}

int bench_queue_switch(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	bench_queue_init(n, to_consumer, to_producer);
	producer_sp = thread_stack(producer_stack, THREAD_STACK_WORDS, producer_entry);
	consumer_sp = thread_stack(consumer_stack, THREAD_STACK_WORDS, consumer_entry);
	uint64_t t0 = bench_now();
	ctx_swap(&main_sp, producer_sp); /* back when the producer ends */
	*elapsed = bench_now() - t0;
	bench_queue_check();
	return bench_failures() == 0 ? 0 : -1;
}

/* ---------------------------------- hand-off through a channel, from an ISR */

/* External interrupt 31 is not wired to a device on mps2-an385: the
 * benchmark pends it by software (NVIC ISPR), so the handler runs at once,
 * inside the timed window, without waiting for a timer (no WFI). */
#define BENCH_IRQ 31u
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define NVIC_ICER0 (*(volatile uint32_t *)0xE000E180u)
#define NVIC_ISPR0 (*(volatile uint32_t *)0xE000E200u)

static struct flue_channel ch;
static uint8_t ch_ring[1];
static volatile uint32_t ch_sent;
static volatile int32_t ch_error;

void IRQ31_Handler(void);
void IRQ31_Handler(void)
{
	uint8_t v = bench_stamp(ch_sent);
	int32_t r = flue_channel_send(&ch, &v, 1);
	if (r == 1)
		ch_sent = ch_sent + 1u;
	else if (ch_error == 0)
		ch_error = r;
}

static void pend_irq(void)
{
	NVIC_ISPR0 = 1u << BENCH_IRQ;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* The ISR sends element i, flue_run() pumps it into the parked read,
 * delivers the event and runs the reader's callback, which reads again. */
static void channel_loop(uint32_t n)
{
	for (uint32_t i = 0; i < n && bench_failures() == 0; i++) {
		pend_irq();
		BCHECK_EQ(ch_sent, i + 1u);
		BCHECK_EQ(flue_run(&bf.store), FLUE_EAGAIN);
	}
}

int bench_handoff_channel(uint32_t arg, uint32_t n, uint64_t *elapsed)
{
	(void)arg;
	uint32_t end;
	if (bench_fixture_setup() != 0 || flue_channel_init(&ch, ch_ring, 1, 1) != 0 ||
	    flue_channel_attach(&ch, bf.b, bf.u8, true, false, &end) != 0) {
		BCHECK(false);
		return -1;
	}
	ch_sent = 0;
	ch_error = 0;
	NVIC_ISER0 = 1u << BENCH_IRQ;
	uint64_t t0 = bench_now();
	if (bench_reader_start(end, 1) != 0)
		return -1;
	channel_loop(n);
	flue_channel_close(&ch);
	BCHECK_EQ(flue_run(&bf.store), 0);
	*elapsed = bench_now() - t0;
	NVIC_ICER0 = 1u << BENCH_IRQ;
	BCHECK_EQ(ch_error, 0);
	bench_reader_check(n);
	BCHECK_EQ(bench_resolved(), 1);
	return bench_failures() == 0 ? 0 : -1;
}

/* ------------------------------------ a driver's call (shared-ring rows) */

/* External interrupt 30, like 31 not wired to a device on mps2-an385:
 * bench_kick() pends it by software and its handler runs `fn` at once.
 * The channel and the ring variant of bench_ring.c both go through it. */
#define KICK_IRQ 30u
static void (*volatile kick_fn)(void);

void IRQ30_Handler(void);
void IRQ30_Handler(void)
{
	kick_fn();
}

void bench_kick(void (*fn)(void))
{
	kick_fn = fn;
	NVIC_ISER0 = 1u << KICK_IRQ;
	NVIC_ISPR0 = 1u << KICK_IRQ;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

/* ------------------------------------------------------------- the runner */

static int run_one(const struct bench *b, uint32_t n)
{
	bench_failures_reset();
	uint64_t el = 0;
	if (b->fn(b->arg, n, &el) != 0 || bench_failures() != 0) {
		bench_report_failure(b->key);
		return -1;
	}
	flue_board_printf("bench %s %llu %u\n", b->key, (unsigned long long)el, (unsigned)n);
	return 0;
}

#ifdef BENCH_MASKED
/* The port's lock reports here (FLUE_PORT_CM_MEASURE): the longest time
 * between taking and giving back the mask, in instructions (resolution
 * flue_board_instruction_resolution(); the two clock reads included). */
static uint64_t masked_at, masked_max;

void flue_port_cortexm_masked(bool taken);
void flue_port_cortexm_masked(bool taken)
{
	uint64_t now = flue_board_instructions();
	if (taken)
		masked_at = now;
	else if (now - masked_at > masked_max)
		masked_max = now - masked_at;
}
#endif

int main(void)
{
	flue_board_printf("bench-info m3 unit=instructions resolution=%u cc=gcc-%d.%d.%d\n",
			  (unsigned)flue_board_instruction_resolution(), __GNUC__,
			  __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
	if (flue_board_instruction_resolution() == 0 || flue_board_instructions() == 0) {
		flue_board_printf("bench: no instruction count (run QEMU with -icount shift=0)\n");
		return 1;
	}
	/* Fiber stacks for the stack-per-task row (no other row uses fibers:
	 * no stackful lifts, no host functions). */
	static uint64_t stacks[4][2048u / 8u]
		__attribute__((aligned(FLUE_PORT_CORTEXM_STACK_ALIGN)));
	if (flue_port_cortexm_give_stacks(stacks, 4u, 2048u) != 0)
		return 1;
	int status = 0;
	for (uint32_t i = 0; i < bench_common_count; i++) {
#ifdef BENCH_PROFILE
		if (strcmp(bench_common[i].key, BENCH_PROFILE_KEY) != 0)
			continue;
		if (run_one(&bench_common[i], BENCH_PROFILE_ITERS) != 0)
			status = 1;
#else
		if (run_one(&bench_common[i], BENCH_M3_ITERS) != 0)
			status = 1;
#endif
	}
#ifdef BENCH_MASKED
	flue_board_printf("bench masked_max %llu 1\n", (unsigned long long)masked_max);
#endif
	return status;
}
