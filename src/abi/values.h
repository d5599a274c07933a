/*
 * Component values at a call boundary (internal): flattening, lifting and
 * lowering of the types of flue/functype.h, after the reference's
 * lift_flat_values / lower_flat_values (definitions.py @ 6d28164).
 * Used by the executor's call paths (lift, lower, task.return, host calls).
 */
#ifndef FLUE_ABI_VALUES_H
#define FLUE_ABI_VALUES_H

#include <stdint.h>

#include <flue/functype.h>
#include <flue/store.h>

/* Flat core values of a function type's params (`result` false) or
 * result, before the spill to memory; either form of type. */
uint32_t flue_functype_flat(const struct flue_functype *ft, bool result);
/* Whether a graph function type's params or result contain one of the
 * FLUE_TC_* `bits` (false for the first form). */
bool flue_functype_contains(const struct flue_functype *ft, bool result, uint8_t bits);

/* Number of flat core values of the tuple `ts` (before the max_flat
 * spill to memory). */
uint32_t flue_flat_count(const struct flue_valtype *ts, uint32_t nts);

/*
 * Lift the tuple `ts` out of instance `src` into component values `out`
 * (out->n = leaves). If it flattens to more than max_flat values, flat[0]
 * is a pointer to the tuple in src's memory. Stream/future handles leave
 * src's table and become shared-object indices, in transit (reader ref
 * FLUE_REF_NONE) until lowered. Traps src (flue_trap) on a bad pointer or
 * end, before any end is taken.
 */
void flue_values_lift(struct flue_instance *src, const struct flue_valtype *ts, uint32_t nts,
		      uint32_t max_flat, const flue_flat_t *flat, uint32_t nflat,
		      struct flue_values *out);

/* flue_values_lift()'s checks only, in the same order and with the same
 * traps of `src`; returns only if the lift would succeed, with nothing
 * changed (task.return validates its values before Task.return_'s own
 * check). */
void flue_values_lift_check(struct flue_instance *src, const struct flue_valtype *ts,
			    uint32_t nts, uint32_t max_flat, const flue_flat_t *flat,
			    uint32_t nflat);

/*
 * Lower component values `v` of the tuple `ts` into instance `dst`: flat
 * values into flat_out (*nflat of them), or, beyond max_flat, the tuple in
 * dst's memory at *out_ptr (no flat values) or at alloc(alloc_ctx, align,
 * size) (the pointer is the one flat value). Shared-object indices become
 * readable ends in dst's table. Traps dst (flue_trap).
 */
void flue_values_lower(struct flue_instance *dst, const struct flue_valtype *ts, uint32_t nts,
		       uint32_t max_flat, const struct flue_values *v, flue_flat_t *flat_out,
		       uint32_t *nflat, const uint32_t *out_ptr,
		       uint32_t (*alloc)(void *ctx, uint32_t align, uint32_t size),
		       void *alloc_ctx);

/* The leaves of the tuple `ts` in order (record fields in place), at most
 * FLUE_CONFIG_MAX_VALUES of them (flue_functype_check bounds it); returns
 * how many. */
uint32_t flue_values_leaves(const struct flue_valtype *ts, uint32_t nts, struct flue_leaf *out);
/* STREAM or FUTURE. */
bool flue_values_is_end(uint8_t val_kind);

/*
 * One end (val_kind FLUE_VAL_STREAM / FLUE_VAL_FUTURE): take readable end
 * `handle` of element type `elem` out of `from` (the reference's
 * lift_async_value). Returns 0 and *shared, or the enum flue_trap_reason
 * that applies, with nothing changed (the caller decides whom to trap).
 */
int flue_values_take_end(struct flue_instance *from, uint8_t val_kind, flue_type_t elem,
			 uint32_t handle, uint16_t *shared);

/* flue_values_take_end()'s checks only: 0 if it would succeed, else the
 * enum flue_trap_reason; changes nothing. */
int flue_values_check_end(struct flue_instance *from, uint8_t val_kind, flue_type_t elem,
			  uint32_t handle);

/* Put shared object `shared` into `to` as a readable end of val_kind;
 * returns its index, or 0 if the table is full. */
uint32_t flue_values_put_end(struct flue_instance *to, uint8_t val_kind, uint16_t shared);

#endif /* FLUE_ABI_VALUES_H */
