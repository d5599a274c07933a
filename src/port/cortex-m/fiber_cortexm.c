/*
 * Bare-metal Cortex-M port, part 2: the stacks flue code runs on.
 *
 * Trap unwinding: newlib's setjmp/longjmp along one chain of try frames per
 * stack (the executor's main stack and each fiber's own).
 *
 * Fibers: a cooperative switch in thread mode. The executor runs on MSP;
 * a fiber runs on PSP (CONTROL.SPSEL = 1) over a stack from the pool the
 * embedder gave (flue/port_cortexm.h). A switch saves the callee-saved
 * registers (r4-r11, lr; s16-s31 with an FPU) on the stack it leaves and
 * that stack's pointer and CONTROL in the leaving context, then loads the
 * other's: no PendSV, since flue switches only at calls it makes itself
 * (resume, suspend, finish), never preemptively. Interrupts stay enabled:
 * one taken during a fiber stacks its frame on the fiber's stack and runs
 * its handler on MSP, as any RTOS thread's would.
 *
 * A fiber's record lives at the top of its own stack, so the port's own
 * RAM is a few words whatever the pool size. Each operation is O(1) except
 * giving the pool (it paints the stacks, for the high-water mark).
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/port.h>
#include <flue/port_cortexm.h>

#include "../try_chain.h"
#include "cm_internal.h"

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define CM_PSPLIM 1 /* ARMv8-M: a stack limit register per stack pointer */
#endif
#if defined(__ARM_FP)
#define CM_FPU 1 /* s16-s31 are callee-saved (AAPCS), so a switch saves them */
#endif

#define CM_CONTROL_SPSEL 0x2u
#define CM_CONTROL_FPCA 0x4u
#define CM_GUARD 0xF1BEF1BEu /* the two words at a stack's bottom */
#define CM_PAINT 0xA5A5A5A5u /* never-written stack words */


/* What a switch saves of a stack; offsets 0, 4, 8 are used by cm_switch. */
struct cm_ctx {
	uint32_t sp;
	uint32_t control;
	uint32_t limit; /* PSPLIM while it runs (0: none; the main stack) */
};

/* A fiber's life: made by create, RUNNING while its stack is the current
 * one (or below the current one in the resume chain), SUSPENDED when it
 * handed control back; FREE again when its entry returned. */
enum cm_state { CM_FREE = 0, CM_READY, CM_RUNNING, CM_SUSPENDED };

struct cm_fiber {
	struct cm_ctx ctx;
	struct cm_fiber *back;      /* the context that resumed it */
	struct try_frame *try_top;  /* its chain while another stack runs */
	flue_port_fiber_t *owner;
	flue_port_body_t entry;
	void *arg;
	uint32_t *bottom;           /* the guard words */
	uint32_t slot;
	enum cm_state state;
};

_Static_assert(sizeof(struct cm_fiber) == 44u, "docs/PORTING.md states a 44-byte record");

static struct cm_fiber main_ctx = {.state = CM_RUNNING}; /* the MSP stack */
static struct cm_fiber *current = &main_ctx;
/* The running stack's chain of try frames, kept in one static (not behind
 * `current`) because every entry into guest code tries: a switch moves the
 * chain head into the leaving stack's record and out of the entering's. */
static struct try_frame *try_top;

static struct {
	uint8_t *base;
	uint32_t count;
	uint32_t bytes_each;
	uint32_t used; /* bit i: slot i holds a fiber */
} pool;

const void *flue_cm_current_stack(void)
{
	return current;
}

/* ------------------------------------------------------ trap unwinding */

FLUE_TRY_CHAIN_FUNCTIONS(try_top)

/* ------------------------------------------------------ the switch */

/* Save the running stack into `save`, continue the one `load` describes.
 * Returns (on the saved stack) when something switches back to it. On
 * ARMv8-M, PSPLIM is cleared before SP moves and set after, so that no
 * moment has a limit above the stack pointer. */
__attribute__((naked, noinline)) static void cm_switch(struct cm_ctx *save,
						       const struct cm_ctx *load)
{
	(void)save;
	(void)load;
	__asm volatile("push {r4-r11, lr}\n\t"
#ifdef CM_FPU
		       "vpush {s16-s31}\n\t"
#endif
		       "mov r2, sp\n\t"
		       "str r2, [r0, #0]\n\t"
		       "mrs r3, control\n\t"
		       "str r3, [r0, #4]\n\t"
#ifdef CM_PSPLIM
		       "movs r3, #0\n\t"
		       "msr psplim, r3\n\t"
#endif
		       "ldr r3, [r1, #4]\n\t"
		       "msr control, r3\n\t"
		       "isb\n\t"
		       "ldr r2, [r1, #0]\n\t"
		       "mov sp, r2\n\t"
#ifdef CM_PSPLIM
		       "ldr r3, [r1, #8]\n\t"
		       "msr psplim, r3\n\t"
#endif
#ifdef CM_FPU
		       "vpop {s16-s31}\n\t"
#endif
		       "pop {r4-r11, pc}\n\t");
}

/* Leave stack `from` for stack `to`, carrying the try chains along;
 * returns when something switches back to `from`. */
static void switch_to(struct cm_fiber *from, struct cm_fiber *to)
{
	from->try_top = try_top;
	try_top = to->try_top;
	current = to;
	cm_switch(&from->ctx, &to->ctx);
}

_Noreturn void flue_cm_fiber_main(struct cm_fiber *f);

/* A new fiber's first switch "returns" here with its record in r4. */
__attribute__((naked, noreturn)) static void cm_fiber_start(void)
{
	__asm volatile("mov r0, r4\n\t"
		       "bl flue_cm_fiber_main\n\t"
		       "udf #0\n\t");
}

/* Overwritten guard words mean the fiber wrote below its stack: whatever
 * lies there is lost, so no trap could leave the program sound. */
static void check_guard(const struct cm_fiber *f)
{
	if (f->bottom[0] != CM_GUARD || f->bottom[1] != CM_GUARD)
		flue_port_halt();
}

_Noreturn void flue_cm_fiber_main(struct cm_fiber *f)
{
	f->entry(f->arg);
	check_guard(f);
	/* Free the slot before leaving the stack: nothing can take it
	 * between here and the switch (fibers are made by flue code only). */
	f->owner->impl = NULL;
	f->state = CM_FREE;
	pool.used &= ~(1u << f->slot);
	switch_to(f, f->back); /* saves into a free record: never loaded */
	flue_port_halt();      /* not reached */
}

/* ------------------------------------------------------ the pool */

static bool pool_args_ok(const void *mem, uint32_t count, uint32_t bytes_each)
{
	uintptr_t base = (uintptr_t)mem;
	if (mem == NULL || base % FLUE_PORT_CORTEXM_STACK_ALIGN != 0u)
		return false;
	if (count == 0u || count > FLUE_PORT_CORTEXM_STACKS_MAX)
		return false;
	if (bytes_each < FLUE_PORT_CORTEXM_STACK_MIN ||
	    bytes_each % FLUE_PORT_CORTEXM_STACK_ALIGN != 0u)
		return false;
	return (uint64_t)base + (uint64_t)count * bytes_each <= UINT32_MAX + 1ull;
}

int flue_port_cortexm_give_stacks(void *mem, uint32_t count, uint32_t bytes_each)
{
	if (!pool_args_ok(mem, count, bytes_each))
		return FLUE_EINVAL;
	if (pool.used != 0u)
		return FLUE_EBUSY;
	uint32_t *w = mem;
	for (uint32_t i = 0; i < count * (bytes_each / 4u); i++)
		w[i] = CM_PAINT;
	pool.base = mem;
	pool.count = count;
	pool.bytes_each = bytes_each;
	return FLUE_OK;
}

int32_t flue_port_cortexm_stack_used(uint32_t index)
{
	if (index >= pool.count)
		return FLUE_EINVAL;
	const uint32_t *w = (const uint32_t *)(pool.base + index * pool.bytes_each);
	uint32_t words = pool.bytes_each / 4u, i = 2u; /* past the guard */
	while (i < words && w[i] == CM_PAINT)
		i++;
	return (int32_t)((words - i) * 4u);
}

/* The lowest free slot, or count if none: O(1) (count leading zeros). */
static uint32_t pool_take(void)
{
	uint32_t free_map = ~pool.used;
	if (pool.count < 32u)
		free_map &= (1u << pool.count) - 1u;
	if (free_map == 0u)
		return pool.count;
	uint32_t slot = (uint32_t)__builtin_ctz(free_map);
	pool.used |= 1u << slot;
	return slot;
}

/* ------------------------------------------------------ stack switching */

bool flue_port_fiber_supported(void)
{
	return pool.count != 0u;
}

static uint32_t read_control(void)
{
	uint32_t c;
	__asm volatile("mrs %0, control" : "=r"(c));
	return c;
}

/* The record at the top of slot `slot`, and below it the first switch's
 * frame: (s16-s31,) r4 = the record, r5-r11, pc = cm_fiber_start. */
static struct cm_fiber *fiber_at(uint32_t slot)
{
	uint8_t *lo = pool.base + slot * pool.bytes_each;
	uintptr_t top = (uintptr_t)(lo + pool.bytes_each - sizeof(struct cm_fiber));
	top &= ~(uintptr_t)7u; /* AAPCS: 8-byte aligned stack at calls */
	struct cm_fiber *f = (struct cm_fiber *)top;
	f->bottom = (uint32_t *)lo;
	f->bottom[0] = CM_GUARD;
	f->bottom[1] = CM_GUARD;
	f->slot = slot;
	return f;
}

static void fiber_frame(struct cm_fiber *f)
{
#ifdef CM_FPU
	enum { FRAME_WORDS = 16 + 9 };
#else
	enum { FRAME_WORDS = 9 };
#endif
	uint32_t *sp = (uint32_t *)f - FRAME_WORDS;
	for (uint32_t i = 0; i < FRAME_WORDS; i++)
		sp[i] = 0u;
	sp[FRAME_WORDS - 9] = (uint32_t)(uintptr_t)f;               /* r4 */
	sp[FRAME_WORDS - 1] = (uint32_t)(uintptr_t)cm_fiber_start; /* pc */
	f->ctx.sp = (uint32_t)(uintptr_t)sp;
	f->ctx.control = (read_control() | CM_CONTROL_SPSEL) & ~CM_CONTROL_FPCA;
	f->ctx.limit = (uint32_t)(uintptr_t)(f->bottom + 2);
}

int flue_port_fiber_create(flue_port_fiber_t *owner, flue_port_body_t entry, void *arg)
{
	if (owner == NULL || entry == NULL || owner->impl != NULL)
		return FLUE_EINVAL;
	if (pool.count == 0u)
		return FLUE_ENOTSUP;
	uint32_t slot = pool_take();
	if (slot == pool.count)
		return FLUE_ENOMEM;
	struct cm_fiber *f = fiber_at(slot);
	f->back = NULL;
	f->try_top = NULL;
	f->owner = owner;
	f->entry = entry;
	f->arg = arg;
	f->state = CM_READY;
	fiber_frame(f);
	owner->impl = f;
	return FLUE_OK;
}

void flue_port_fiber_resume(flue_port_fiber_t *owner)
{
	struct cm_fiber *f = owner->impl;
	if (f == NULL || (f->state != CM_READY && f->state != CM_SUSPENDED))
		flue_port_halt(); /* no fiber, or one already running: a flue bug */
	f->back = current;
	f->state = CM_RUNNING;
	switch_to(current, f);
}

void flue_port_fiber_suspend(flue_port_fiber_t *owner)
{
	struct cm_fiber *f = owner->impl;
	if (f == NULL || f != current)
		flue_port_halt(); /* only the running fiber can suspend itself */
	check_guard(f);
	f->state = CM_SUSPENDED;
	switch_to(f, f->back);
}
