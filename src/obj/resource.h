/*
 * Resource types and the lends of borrowed handles (src/obj/resource.c),
 * internal: included by the files that use them rather than by obj.h,
 * since the inline below calls into resource.c, which obj.h's other
 * users do not need.
 */
#ifndef FLUE_OBJ_RESOURCE_H
#define FLUE_OBJ_RESOURCE_H

#include "obj.h"


/* Registered resource type rt, or NULL. */
const struct flue_rtype *flue_rtype_get(const struct flue_store *s, flue_rtype_t rt);
/* Whether inst is r's implementation (the same instance, not a later one
 * in its slot). */
bool flue_rtype_impl_is(const struct flue_rtype *r, const struct flue_instance *inst);
/* Lend handle `handle` of instance `inst` to task `task`'s call
 * (num_lends + 1); FLUE_ENOSPC if FLUE_CONFIG_MAX_LENDS are in use. */
int flue_lend_add(struct flue_store *s, uint16_t task, uint8_t inst, uint32_t handle);
/* Task `task`'s resolution reached its caller: its lends end. Inline
 * for the common case, no lend at all (task starts and ends stay as
 * cheap as before resources). */
void flue_lends_release_all(struct flue_store *s, uint16_t task);
static inline void flue_lends_release(struct flue_store *s, uint16_t task)
{
	if (s->nlends != 0)
		flue_lends_release_all(s, task);
}
/* A host's call `task` resolved: the borrow handles it got for it (scope
 * `task`, in the host's table) end with it, as a host function's borrows
 * end when it returns in the reference. O(table), only when it has some. */
void flue_borrows_end(struct flue_instance *inst, uint16_t task);
/* Instance `inst` is torn down: its lend records go (its table with it). */
void flue_lends_forget(struct flue_store *s, uint8_t inst);

#endif /* FLUE_OBJ_RESOURCE_H */
