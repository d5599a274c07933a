/*
 * callee (tests/build/values): lifts test:values/text#greet (sync: the
 * name arrives in this memory through our cabi_realloc; the greeting goes
 * back as a pointer to (pointer, length)) and #reverse (callback lift: the
 * list arrives likewise, the reversed one leaves through task.return).
 */
#include "heap.h"

#define TEXT "test:values/text"

P3_IMPORT("[export]" TEXT, "[task-return]reverse") void task_return_reverse(uint32_t p, uint32_t n);

static char greeting[64];
static uint32_t ret_area[2];
static uint32_t reversed[16];

P3_EXPORT(TEXT "#greet") uint32_t *greet(const char *name, uint32_t len)
{
	static const char hello[] = "hello, ";
	uint32_t k = sizeof hello - 1u;
	/* the name must be where our realloc put it */
	if (!in_heap((uint32_t)(uintptr_t)name, len) || k + len > sizeof greeting)
		__builtin_trap();
	memcpy(greeting, hello, k);
	memcpy(greeting + k, name, len);
	ret_area[0] = (uint32_t)(uintptr_t)greeting;
	ret_area[1] = k + len;
	return ret_area;
}

P3_EXPORT("[async-lift]" TEXT "#reverse") uint32_t reverse(const uint32_t *xs, uint32_t n)
{
	if (n > 16u || (n > 0u && !in_heap((uint32_t)(uintptr_t)xs, n * 4u)))
		__builtin_trap();
	for (uint32_t i = 0; i < n; i++)
		reversed[i] = xs[n - 1u - i];
	task_return_reverse((uint32_t)(uintptr_t)reversed, n);
	return P3_EXIT;
}

P3_EXPORT("[callback][async-lift]" TEXT "#reverse")
uint32_t reverse_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	(void)event;
	(void)p1;
	(void)p2;
	__builtin_trap(); /* reverse returns before anything can happen */
}
