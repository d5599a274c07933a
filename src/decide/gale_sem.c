/*
 * Gale-compatible semaphore decisions. Pure: no globals, no effects.
 * Contracts restate Gale's Verus `ensures` (sem.rs P3, P5, P6, P9) and add
 * "state unchanged" on every reject path; `make test` proves them with WP.
 */
#include <gale/gale_sem.h>
#include <flue/errno.h>
#include "acsl.h"

/* Packing is arithmetic, not a union or shift, so that the provers see
 * `value * 2^32 + action` directly (see acsl.h). */
#define PACK(value, action) \
	((uint64_t)(value) * UINT64_C(4294967296) + (uint64_t)(action))

/*@ assigns \nothing;
    behavior invalid:
      assumes limit == 0 || initial_count > limit;
      ensures \result == FLUE_EINVAL;
    behavior valid:
      assumes limit > 0 && initial_count <= limit;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_sem_count_init(uint32_t initial_count, uint32_t limit)
{
	if (limit == 0u || initial_count > limit) {
		return FLUE_EINVAL;
	}
	return FLUE_OK;
}

/*@ requires P2: limit > 0;
    requires P1: count <= limit;
    assigns \nothing;
    ensures P1: \result <= limit;
    ensures P3: count < limit ==> \result == count + 1;
    ensures P3_saturate: count == limit ==> \result == count;
*/
uint32_t gale_sem_count_give(uint32_t count, uint32_t limit)
{
	return (count < limit) ? count + 1u : count;
}

/*@ requires \valid(count) || count == \null;
    assigns *count;
    behavior null:
      assumes count == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior P5_acquire:
      assumes count != \null && *count > 0;
      assigns *count;
      ensures *count == \old(*count) - 1;
      ensures \result == FLUE_OK;
    behavior P6_busy:
      assumes count != \null && *count == 0;
      assigns \nothing;
      ensures *count == 0;
      ensures \result == FLUE_EBUSY;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_sem_count_take(uint32_t *count)
{
	if (count == 0) {
		return FLUE_EINVAL;
	}
	if (*count == 0u) {
		return FLUE_EBUSY;
	}
	*count = *count - 1u;
	return FLUE_OK;
}

/*@ requires P2: limit > 0;
    requires P1: count <= limit;
    assigns \nothing;
    ensures P9: flue_pack_value(\result) <= limit;
    behavior P4_wake:
      assumes has_waiter != 0;
      ensures flue_pack_action(\result) == GALE_SEM_ACTION_WAKE;
      ensures flue_pack_value(\result) == count;
    behavior P3_increment:
      assumes has_waiter == 0 && count < limit;
      ensures flue_pack_action(\result) == GALE_SEM_ACTION_INCREMENT;
      ensures flue_pack_value(\result) == count + 1;
    behavior P3_saturated:
      assumes has_waiter == 0 && count == limit;
      ensures flue_pack_action(\result) == GALE_SEM_ACTION_INCREMENT;
      ensures flue_pack_value(\result) == count;
    complete behaviors;
    disjoint behaviors;
*/
uint64_t gale_k_sem_give_decide(uint32_t count, uint32_t limit,
				uint32_t has_waiter)
{
	if (has_waiter != 0u) {
		return PACK(count, GALE_SEM_ACTION_WAKE);
	}
	if (count < limit) {
		return PACK(count + 1u, GALE_SEM_ACTION_INCREMENT);
	}
	return PACK(count, GALE_SEM_ACTION_INCREMENT);
}

/*@ assigns \nothing;
    behavior P5_acquired:
      assumes count > 0;
      ensures flue_pack_action(\result) == GALE_SEM_TAKE_ACQUIRED;
      ensures flue_pack_value(\result) == count - 1;
    behavior P6_would_block:
      assumes count == 0 && is_no_wait != 0;
      ensures flue_pack_action(\result) == GALE_SEM_TAKE_WOULD_BLOCK;
      ensures flue_pack_value(\result) == 0;
    behavior P7_pend:
      assumes count == 0 && is_no_wait == 0;
      ensures flue_pack_action(\result) == GALE_SEM_TAKE_PEND;
      ensures flue_pack_value(\result) == 0;
    complete behaviors;
    disjoint behaviors;
*/
uint64_t gale_k_sem_take_decide(uint32_t count, uint32_t is_no_wait)
{
	if (count > 0u) {
		return PACK(count - 1u, GALE_SEM_TAKE_ACQUIRED);
	}
	if (is_no_wait != 0u) {
		return PACK(0u, GALE_SEM_TAKE_WOULD_BLOCK);
	}
	return PACK(0u, GALE_SEM_TAKE_PEND);
}
