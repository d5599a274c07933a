/*
 * attacker: an isolated guest (flue-build --isolate) that misbehaves in the
 * ways AOT-compiled code can, built without wasm2c's bounds checks:
 *   1 store to linear address `arg` (the host picks it so that it lands on
 *     the runtime's memory: the address wraps on a 32-bit core)
 *   2 load from linear address `arg` (a peer's linear memory)
 *   3 recurse through a function pointer until its stack runs out
 *   4 `unreachable` (a wasm trap: the runtime's trap service)
 *   5 call_indirect through a bad table index (reads func_types)
 *   6 memory.grow by one page, write the new page's last byte, return the
 *     old size in pages (the runtime's grow service)
 *   7 loop forever (the host's timer ends it: a step budget)
 *   8 count its calls (in its linear memory: a restart starts again at 1)
 *   0 nothing: returns arg + 1
 */
#include "p3.h"

P3_IMPORT("[export]$root", "[task-return]attack") void task_return_attack(uint32_t v);

static uint32_t calls;
static uint32_t recurse(uint32_t n);
static uint32_t (*volatile self_call)(uint32_t) = recurse;
static uint32_t (*volatile bad_pointer)(uint32_t);

static uint32_t recurse(uint32_t n)
{
	volatile uint32_t pad[16];
	pad[0] = n;
	return self_call(n + 1u) + pad[0];
}

static uint32_t misbehave(uint32_t kind, uint32_t arg)
{
	switch (kind) {
	case 1: *(volatile uint32_t *)(uintptr_t)arg = 0xBADu; return 0;
	case 2: return *(volatile uint32_t *)(uintptr_t)arg;
	case 3: return recurse(0);
	case 4: __builtin_trap();
	case 5: bad_pointer = (uint32_t (*)(uint32_t))(uintptr_t)54321u; return bad_pointer(1);
	case 6: {
		uint32_t old = (uint32_t)__builtin_wasm_memory_grow(0, 1);
		*(volatile uint8_t *)(uintptr_t)((old + 1u) * 65536u - 1u) = 7u;
		return old;
	}
	case 7:
		for (volatile uint32_t x = arg;; x = x * 4u + 1u) {
		}
	case 8: return ++calls;
	default: return arg + 1u;
	}
}

P3_EXPORT("[async-lift]attack") uint32_t attack(uint32_t kind, uint32_t arg)
{
	task_return_attack(misbehave(kind, arg));
	return P3_EXIT;
}

/* Never called: attack returns EXIT (or traps) in its first step. */
P3_EXPORT("[callback][async-lift]attack") uint32_t attack_cb(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	return P3_EXIT;
}
