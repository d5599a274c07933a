/* A bump heap behind cabi_realloc, shared by both guests of
 * tests/build/values: flue stores the strings and lists it lowers into an
 * instance with it (a grown block is copied; nothing is freed). */
#ifndef VALUES_HEAP_H
#define VALUES_HEAP_H

#include "p3.h"

static uint8_t heap[2048] __attribute__((aligned(8)));
static uint32_t heap_used, heap_calls;

P3_EXPORT("cabi_realloc")
void *cabi_realloc(void *old, uint32_t old_size, uint32_t align, uint32_t new_size)
{
	heap_calls++;
	if (old != 0 && new_size <= old_size)
		return old;
	uint32_t at = (heap_used + align - 1u) & ~(align - 1u);
	if (align == 0u || at + new_size > sizeof heap)
		__builtin_trap();
	heap_used = at + new_size;
	if (old != 0)
		memcpy(&heap[at], old, old_size);
	return &heap[at];
}

/* [p, p + n) lies in the heap: flue put it there with cabi_realloc. */
static inline bool in_heap(uint32_t p, uint32_t n)
{
	uint32_t lo = (uint32_t)(uintptr_t)heap;
	return p >= lo && p + n <= lo + heap_used;
}

#endif
