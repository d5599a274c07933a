/*
 * The planner's error (plan_internal.h), in a file of its own below
 * plan.c and the files plan.c calls (plan_ring.c, plan_wire.c), which all
 * report through it: no call runs back up to plan.c.
 */
#include <stdarg.h>
#include <stdio.h>

#include "plan_internal.h"

int fb_plan_fail(struct fb_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}
