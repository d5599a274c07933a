/* peer: sums 1..n one step at a time (its state in its linear memory),
 * while its neighbours misbehave. */
#include "p3.h"

P3_IMPORT("[export]test:isolate/work", "[task-return]count") void task_return_count(uint32_t v);

static uint32_t sum, next, last;

P3_EXPORT("[async-lift]test:isolate/work#count") uint32_t count(uint32_t n)
{
	sum = 0;
	next = 1;
	last = n;
	return P3_YIELD;
}

P3_EXPORT("[callback][async-lift]test:isolate/work#count")
uint32_t count_cb(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	if (next <= last) {
		sum += next++;
		return P3_YIELD;
	}
	task_return_count(sum);
	return P3_EXIT;
}
