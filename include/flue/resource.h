/**
 * @file flue/resource.h
 * @brief Resources: resource types, and the canonical built-ins
 *        `resource.new`, `resource.drop` and `resource.rep`
 *        (definitions.py @ 6d28164, with #705's re-entrant destructors).
 *
 * A resource type is implemented by one instance, which creates its
 * resources (`resource.new`, a handle to a representation `rep`) and reads
 * them (`resource.rep`). Own handles move between instances inside values
 * (`own<R>`: the sender's handle is gone, the receiver gets a new one);
 * borrow handles are lent for the duration of a call (`borrow<R>` params:
 * the lender cannot drop or pass the handle on as own until the call's
 * resolution reaches it, and the callee must drop every borrow before it
 * returns). Dropping an own handle runs the type's destructor, if any, in
 * the implementing instance. Handles share the instance's one table with
 * streams, futures, waitable sets and subtasks (flue/store.h).
 */
#ifndef FLUE_RESOURCE_H
#define FLUE_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/store.h>

/**
 * @brief Register a resource type implemented by `impl`.
 * @param dtor NULL (no destructor), or a lifted export of `impl`
 *        (flue_lift, FLUE_LIFT_SYNC) of the non-async type (u32) -> ()
 *        (the first form of flue/functype.h, or a graph with one u32 param
 *        and no result), as the reference lifts a destructor:
 *        called with the rep when an own handle is dropped.
 * @retval 0 and `*out` (1..FLUE_CONFIG_MAX_RESOURCE_TYPES)
 * @retval FLUE_EINVAL `s`, `impl` or `out` NULL, `impl` not a live instance
 *         of `s`, or `dtor` not such a function of `impl`
 * @retval FLUE_ENOMEM FLUE_CONFIG_MAX_RESOURCE_TYPES types registered
 * Context: thread, before guest code uses the type. Not blocking.
 */
int flue_resource_type_register(struct flue_store *s, struct flue_instance *impl,
				struct flue_func *dtor, flue_rtype_t *out);

/**
 * `resource.new rt`: `[rep:i32] -> [i:i32]`, an own handle to `rep` in
 * `inst`'s table (the reference's index: last freed slot first).
 * Traps: `inst` poisoned or destroyed, may_leave clear (MAY_NOT_LEAVE),
 * `inst` not the implementation of `rt` (NOT_IMPLEMENTER: a validation
 * rule the reference checks statically), table full (TABLE_FULL).
 * Context: guest code of `inst`. Not blocking.
 */
uint32_t flue_canon_resource_new(struct flue_instance *inst, flue_rtype_t rt, uint32_t rep);

/**
 * `resource.drop rt`: `[i:i32] -> []`. An own handle: removed, then the
 * destructor (if any) runs synchronously in the implementing instance
 * with its rep (a call from `inst`: it blocks, and needs the executor,
 * flue/exec.h). A borrow handle: removed, its borrow scope's count goes
 * down. Traps, in the reference's order: poisoned, may_leave clear, no
 * handle at `i` (BAD_HANDLE), not a resource (WRONG_KIND), another
 * resource type (TYPE_MISMATCH), lent to a call in progress
 * (RESOURCE_LENT); a destructor without an executor (WOULD_BLOCK); the
 * destructor's call traps as a sync call does (CALLEE_TRAPPED).
 * Context: guest code of `inst`, inside a task. Blocking: the destructor.
 */
void flue_canon_resource_drop(struct flue_instance *inst, flue_rtype_t rt, uint32_t i);

/**
 * `resource.rep rt`: `[i:i32] -> [rep:i32]`. Traps: poisoned, `inst` not
 * the implementation of `rt` (NOT_IMPLEMENTER), no handle at `i`
 * (BAD_HANDLE), not a resource (WRONG_KIND), another type (TYPE_MISMATCH).
 * Context: guest code of `inst`. Not blocking.
 */
uint32_t flue_canon_resource_rep(struct flue_instance *inst, flue_rtype_t rt, uint32_t i);

/* --------------------------------------------------- a host's handles */

/**
 * @brief `resource.new` for a host that implements `rt` (registered with
 *        the host instance as `impl`; its destructor, if any, a host
 *        function of type (u32) -> (), flue_host_func()): an own handle to
 *        `rep` in the host's table, which the host gives to guests inside
 *        values (flue/hval.h). A guest that drops it runs the destructor.
 * @retval 0 and `*out` its index
 * @retval FLUE_EINVAL `host` not a live host instance, `out` NULL, or the
 *         host not `rt`'s implementation
 * @retval FLUE_ENOSPC the host's table is full
 * Context: executor thread. Not blocking. Nothing changes on an error.
 */
int flue_host_resource_new(struct flue_instance *host, flue_rtype_t rt, uint32_t rep,
			   uint32_t *out);

/**
 * @brief `resource.rep` for a host that implements `rt`: the rep of its
 *        handle `i` (an own it holds). A borrow of such a resource reaches
 *        the host as the rep itself (lower_borrow).
 * @retval 0 and `*rep` @retval FLUE_EINVAL `host` not a live host, `rep`
 *         NULL, or the host not `rt`'s implementation
 * @retval FLUE_EBADF no handle of type `rt` at `i`
 * Context: executor thread. Not blocking.
 */
int flue_host_resource_rep(struct flue_instance *host, flue_rtype_t rt, uint32_t i,
			   uint32_t *rep);

/**
 * @brief `resource.drop` for a host: removes handle `i` of type `rt`. A
 *        borrow it got ends (they also end when the host call they came
 *        with resolves). An own of a resource the host implements: `*rep`
 *        is its rep, and the clean-up is the host's own code (flue calls no
 *        host destructor for the host's own drop); another own: `*rep` 0.
 * @retval 0 @retval FLUE_EINVAL `host` not a live host, `rep` NULL
 * @retval FLUE_EBADF no handle of type `rt` at `i`
 * @retval FLUE_EBUSY the handle is lent to a call in progress
 * @retval FLUE_ENOTSUP an own whose destructor is a guest's (it would run
 *         guest code outside any task): pass it to a guest to drop it
 * Context: executor thread. Not blocking. Nothing changes on an error.
 */
int flue_host_resource_drop(struct flue_instance *host, flue_rtype_t rt, uint32_t i,
			    uint32_t *rep);

#endif /* FLUE_RESOURCE_H */
