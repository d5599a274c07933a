/* Shared between plan.c (modules) and plan_wire.c (wiring, types). */
#ifndef FLUE_BUILD_PLAN_INTERNAL_H
#define FLUE_BUILD_PLAN_INTERNAL_H

#include "plan.h"

/* printf into err->msg; returns -1. */
int fb_plan_fail(struct fb_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read every module the composition names and classify its imports and
 * exports; create the instances. */
int fb_plan_modules(struct fb_plan *p, struct fb_error *err);

#endif /* FLUE_BUILD_PLAN_INTERNAL_H */
