/*
 * trapper: one wasm trap per `kind`, each the way translated C code meets
 * it; kind 8 calls the helper, which traps while this instance waits for
 * it in a nested scheduling loop, and then returns 42 as if nothing
 * happened to it.
 */
#include "p3.h"

P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t v);
P3_IMPORT("test:traps/boom", "[async-lower]boom") uint32_t boom_async(uint32_t kind, uint32_t *ret);

static volatile int zero;
static volatile int int_min = -2147483647 - 1;
static volatile int minus_one = -1;
static volatile float nan_source;
static int recurse(int n);
static int (*volatile self_call)(int) = recurse;
static int (*volatile bad_pointer)(int);

/* Recursion through a table: no shadow-stack frame, so it is wasm2c's
 * call-depth limit that stops it, not memory. */
static int recurse(int n)
{
	return self_call(n + 1) + 1;
}

static uint32_t boom_value;

static uint32_t nested(void)
{
	uint32_t st = boom_async(1, &boom_value);
	uint32_t set = p3_waitable_set_new(), ev[2];
	p3_waitable_join(st >> 4, set);
	uint32_t code = p3_waitable_set_wait(set, ev); /* blocks: a nested loop runs the helper */
	p3_waitable_join(st >> 4, 0);
	p3_subtask_drop(st >> 4);
	p3_waitable_set_drop(set);
	return code == P3_EVENT_SUBTASK && ev[1] == P3_SUBTASK_CANCELLED_BEFORE_RETURNED ? 42u : 0u;
}

P3_EXPORT("[async-lift]run") uint32_t run(uint32_t kind)
{
	uint32_t r = 0;
	switch (kind) {
	case 1: __builtin_trap();
	case 2: *(volatile uint32_t *)0xFFFFFFF0u = 1u; break;
	case 3: r = 12345u / (uint32_t)zero; break;
	case 4: r = (uint32_t)(int_min / minus_one); break;
	case 5: /* the trapping conversion itself (clang guards a C cast instead) */
		nan_source = 0.0f;
		r = (uint32_t)__builtin_wasm_trunc_s_i32_f32(nan_source / nan_source);
		break;
	case 6: bad_pointer = (int (*)(int))(uintptr_t)12345u; r = (uint32_t)bad_pointer(1); break;
	case 7: r = (uint32_t)recurse(0); break;
	case 8: r = nested(); break;
	default: break;
	}
	task_return_run(r);
	return P3_EXIT;
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_cb(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	return P3_EXIT;
}
