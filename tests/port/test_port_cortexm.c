/* What only the Cortex-M port has: the stack pool the embedder gives
 * (flue/port_cortexm.h) and fibers on PSP stacks, seen from the hardware's
 * side (the stack pointer in use, PSPLIM, an interrupt taken on a fiber).
 * The port contract itself is tests/port/test_port.c, run here too. */
#include <string.h>

#include <flue/errno.h>
#include <flue/port.h>
#include <flue/port_cortexm.h>

#include "cm_regs.h"
#include "ftest.h"

#define BYTES 1024u
#define SLOTS 2u
static uint64_t pool[SLOTS][BYTES / 8u] __attribute__((aligned(FLUE_PORT_CORTEXM_STACK_ALIGN)));
static flue_port_fiber_t fib[3];


static int in_slot(uint32_t addr, uint32_t slot)
{
	uint32_t lo = (uint32_t)(uintptr_t)pool[slot];
	return addr >= lo && addr < lo + BYTES;
}

static void give(void)
{
	FT_EQ(flue_port_cortexm_give_stacks(pool, SLOTS, BYTES), 0);
}

static void nothing(void *arg)
{
	(void)arg;
}

FT_TEST(give_stacks_rejects_bad_pools_and_changes_nothing)
{
	give();
	uint8_t *p = (uint8_t *)pool;
	FT_EQ(flue_port_cortexm_give_stacks(NULL, 1, BYTES), FLUE_EINVAL);
	FT_EQ(flue_port_cortexm_give_stacks(p + 8, 1, BYTES), FLUE_EINVAL);
	FT_EQ(flue_port_cortexm_give_stacks(p, 0, BYTES), FLUE_EINVAL);
	FT_EQ(flue_port_cortexm_give_stacks(p, FLUE_PORT_CORTEXM_STACKS_MAX + 1u, BYTES), FLUE_EINVAL);
	FT_EQ(flue_port_cortexm_give_stacks(p, 1, FLUE_PORT_CORTEXM_STACK_MIN - 32u), FLUE_EINVAL);
	FT_EQ(flue_port_cortexm_give_stacks(p, 1, BYTES + 8u), FLUE_EINVAL);
	FT_EQ(flue_port_cortexm_give_stacks((void *)(uintptr_t)0xFFFFF000u, 8, 1024), FLUE_EINVAL);
	/* The pool given before still holds: two fibers at once, no third. */
	FT_EQ(flue_port_cortexm_stack_used(SLOTS), FLUE_EINVAL);
	FT_EQ(flue_port_fiber_create(&fib[0], nothing, NULL), 0);
	FT_EQ(flue_port_fiber_create(&fib[1], nothing, NULL), 0);
	FT_EQ(flue_port_fiber_create(&fib[2], nothing, NULL), FLUE_ENOMEM);
	FT_TRUE(fib[2].impl == NULL);
	/* Not while fibers exist: their stacks are in the pool. */
	FT_EQ(flue_port_cortexm_give_stacks(pool, SLOTS, BYTES), FLUE_EBUSY);
	flue_port_fiber_resume(&fib[0]);
	FT_EQ(flue_port_fiber_create(&fib[2], nothing, NULL), 0); /* slot 0 again */
	flue_port_fiber_resume(&fib[1]);
	flue_port_fiber_resume(&fib[2]);
	give();
}

/* What a fiber sees of itself. */
static struct {
	uint32_t control, sp, psplim;
	uint32_t exc_return, frame; /* seen by the PendSV handler */
	uint32_t a, b, c, d;        /* locals across an interrupt and a suspend */
	int pendsv;
} seen;

void ft_pendsv(void);
__attribute__((naked)) void ft_pendsv(void)
{
	__asm volatile("mov r0, lr\n\t"
		       "mrs r1, psp\n\t"
		       "b pendsv_note\n\t");
}

void pendsv_note(uint32_t exc_return, uint32_t psp);
void pendsv_note(uint32_t exc_return, uint32_t psp)
{
	seen.exc_return = exc_return;
	seen.frame = psp;
	seen.pendsv++;
}

static void looks_at_itself(void *arg)
{
	volatile uint32_t a = 0x11111111u, b = 0x22222222u, c = 0x33333333u;
	uint32_t d = (uint32_t)(uintptr_t)arg;
	seen.control = read_control();
	seen.sp = read_sp();
#if defined(__ARM_ARCH_8M_MAIN__)
	__asm volatile("mrs %0, psplim" : "=r"(seen.psplim));
#endif
	/* PendSV now: its frame goes on this fiber's stack (PSP). */
	*(volatile uint32_t *)0xE000ED04u = 1u << 28; /* ICSR.PENDSVSET */
	__asm volatile("dsb\n\tisb" ::: "memory");
	flue_port_fiber_suspend(&fib[0]);
	seen.a = a;
	seen.b = b;
	seen.c = c;
	seen.d = d;
}

FT_TEST(a_fiber_runs_on_its_own_process_stack_and_takes_interrupts_there)
{
	give();
	memset(&seen, 0, sizeof seen);
	FT_EQ(read_control() & 2u, 0u); /* the test runs on MSP */
	FT_EQ(flue_port_fiber_create(&fib[0], looks_at_itself, (void *)0x44444444u), 0);
	flue_port_fiber_resume(&fib[0]);
	FT_EQ(seen.control & 2u, 2u); /* SPSEL: PSP */
	FT_TRUE(in_slot(seen.sp, 0));
	FT_EQ(seen.pendsv, 1);
	FT_EQ(seen.exc_return & 4u, 4u); /* frame stacked on PSP ... */
	FT_TRUE(in_slot(seen.frame, 0)); /* ... inside the fiber's stack */
#if defined(__ARM_ARCH_8M_MAIN__)
	FT_EQ(seen.psplim, (uint32_t)(uintptr_t)pool[0] + 8u); /* above the guard */
#endif
	FT_EQ(read_control() & 2u, 0u); /* back on MSP */
	flue_port_fiber_resume(&fib[0]);
	FT_EQ(seen.a, 0x11111111u);
	FT_EQ(seen.b, 0x22222222u);
	FT_EQ(seen.c, 0x33333333u);
	FT_EQ(seen.d, 0x44444444u);
	FT_TRUE(fib[0].impl == NULL);
}

static void uses_600_bytes(void *arg)
{
	volatile uint8_t buf[600];
	for (uint32_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)i;
	*(uint32_t *)arg = buf[599];
}

FT_TEST(stack_used_measures_the_deepest_use)
{
	give(); /* repaints both stacks */
	FT_TRUE(flue_port_cortexm_stack_used(0) == 0);
	uint32_t last = 0;
	FT_EQ(flue_port_fiber_create(&fib[0], uses_600_bytes, &last), 0);
	flue_port_fiber_resume(&fib[0]);
	FT_EQ(last, 599u % 256u);
	int32_t used = flue_port_cortexm_stack_used(0);
	FT_TRUE(used >= 600 && used < (int32_t)BYTES);
	FT_EQ(flue_port_cortexm_stack_used(1), 0);
}

#if defined(__ARM_FP)
/* With an FPU, s16-s31 are callee-saved: a fiber's values there survive
 * its suspend while the resumer uses the same registers. */
static uint32_t fp_seen[2];

static void keeps_s16_s31(void *arg)
{
	(void)arg;
	__asm volatile("vmov s16, %0\n\tvmov s31, %1" ::"r"(0x3fc00000u), "r"(0x40490fdbu)
		       : "s16", "s31");
	flue_port_fiber_suspend(&fib[0]);
	__asm volatile("vmov %0, s16\n\tvmov %1, s31" : "=r"(fp_seen[0]), "=r"(fp_seen[1]));
}

FT_TEST(a_fiber_keeps_its_callee_saved_fpu_registers)
{
	give();
	FT_EQ(flue_port_fiber_create(&fib[0], keeps_s16_s31, NULL), 0);
	flue_port_fiber_resume(&fib[0]);
	__asm volatile("vmov s16, %0\n\tvmov s31, %0" ::"r"(0u) : "s16", "s31");
	flue_port_fiber_resume(&fib[0]);
	FT_EQ(fp_seen[0], 0x3fc00000u);
	FT_EQ(fp_seen[1], 0x40490fdbu);
}
#define PORT_FPU_CASES , FT_CASE(a_fiber_keeps_its_callee_saved_fpu_registers)
#else
#define PORT_FPU_CASES
#endif

FT_SUITE(port_cortexm,
	 FT_CASE(give_stacks_rejects_bad_pools_and_changes_nothing),
	 FT_CASE(a_fiber_runs_on_its_own_process_stack_and_takes_interrupts_there),
	 FT_CASE(stack_used_measures_the_deepest_use)
	 PORT_FPU_CASES)
