/* alpha: `[export]$root` `[task-return]run` with core type (i32) -> (). */
#include "p3.h"

P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t v);

static uint32_t calls; /* per instance: each has its own linear memory */

P3_EXPORT("[async-lift]run") uint32_t run(uint32_t x)
{
	calls++;
	task_return_run(calls * 1000u + x);
	return P3_EXIT;
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_cb(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	return P3_EXIT;
}
