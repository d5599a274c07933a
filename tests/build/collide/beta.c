/* beta: the same import name `[export]$root` `[task-return]run`, but with
 * core type (i64) -> (): linked beside alpha, each must reach its own glue.
 * It also calls a host function that is an `async func`. */
#include "p3.h"

P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint64_t v);
P3_IMPORT("$root", "scale") uint64_t scale(uint64_t x); /* sync lowered, host-served */

P3_EXPORT("[async-lift]run") uint32_t run(uint64_t x)
{
	task_return_run(scale(x) + (1ull << 40));
	return P3_EXIT;
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_cb(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	return P3_EXIT;
}
