/* Shared between plan.c (modules) and plan_wire.c (wiring, types). */
#ifndef FLUE_BUILD_PLAN_INTERNAL_H
#define FLUE_BUILD_PLAN_INTERNAL_H

#include "plan.h"

/* printf into err->msg; returns -1. */
int fb_plan_fail(struct fb_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read every module the composition names and classify its imports and
 * exports; create the instances. */
int fb_plan_modules(struct fb_plan *p, struct fb_error *err);

/* plan_ring.c: import i of m if its module is `flue:ring/NAME`: 1
 * classified, 0 not a ring import, -1 error. */
int fb_plan_ring_import(const struct fb_composition *c, struct fb_module *m, uint32_t i,
			struct fb_error *err);
/* A module's ring memory is neither initialised nor exported by it, and
 * a module with two memories copies only within one. */
int fb_plan_ring_module(const struct fb_module *m, struct fb_error *err);
/* Every instance importing from `flue:ring/NAME` is an end of ring NAME,
 * and imports only what that ring's placement has. */
int fb_plan_rings(const struct fb_plan *p, struct fb_error *err);

/* plan_res.c: the program's resource types (who implements each, its
 * destructor), every handle of every module resolved to one, and the
 * limit of the library's configuration. */
int fb_plan_resources(struct fb_plan *p, struct fb_error *err);
#endif /* FLUE_BUILD_PLAN_INTERNAL_H */
