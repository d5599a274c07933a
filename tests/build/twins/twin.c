/*
 * twin: a stackful export whose calls take turns. Each yields `rounds`
 * times and counts the turns on which another call ran since its last one
 * (`last` names the call that ran last). Its loop state is in wasm locals,
 * which wasm2c keeps in C frames on the guest stack of the runtime stack
 * running the call: two calls suspended at once need two guest stacks
 * (flue-build --isolate gives each instance one per fiber and the
 * executor's), or one call's frames would be under the other's.
 *
 * deep: recurses through a function pointer until its guest stack runs
 * out (wasm locals only: C frames on the guest stack, nothing in linear
 * memory), to show where that stack ends.
 */
#include "p3.h"

P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t crossed);
P3_IMPORT("[export]$root", "[task-return]deep") void task_return_deep(uint32_t depth);
P3_IMPORT("$root", "[thread-yield]") uint32_t p3_thread_yield(void);

static volatile uint32_t last;

P3_EXPORT("[async-lift-stackful]run") void run(uint32_t id, uint32_t rounds)
{
	uint32_t crossed = 0;
	for (uint32_t i = 0; i < rounds; i++) {
		last = id;
		(void)p3_thread_yield();
		if (last != id)
			crossed++;
	}
	task_return_run(crossed);
}

static uint32_t recurse(uint32_t n);
static uint32_t (*volatile self_call)(uint32_t) = recurse;

static uint32_t recurse(uint32_t n)
{
	return self_call(n + 1u) + 1u;
}

P3_EXPORT("[async-lift-stackful]deep") void deep(void)
{
	task_return_deep(recurse(0));
}
