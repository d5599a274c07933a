/**
 * @file gale/gale_sem.h
 * @brief Gale-compatible semaphore decisions (pure; flue's own implementation).
 *
 * Same names, argument order, layouts and constants as Gale's `gale_sem.h`,
 * so either flue's `flue_gale` library or Gale's `libgale_ffi.a` can be
 * linked. Properties P3, P5, P6, P9 are proved with Frama-C WP on flue's
 * implementation (docs/PROOFS.md).
 *
 * All functions: pure, any context (thread or ISR), never block, no traps.
 * Preconditions are the caller's obligation, exactly as in Gale: they are
 * stated per function and checked only by the proofs, not at run time.
 */
#ifndef GALE_SEM_H_
#define GALE_SEM_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Validate semaphore init parameters.
 * @retval 0            valid
 * @retval -EINVAL(-22) `limit == 0` or `initial_count > limit`
 */
int32_t gale_sem_count_init(uint32_t initial_count, uint32_t limit);

/**
 * @brief Count after a give with no waiter: `count + 1`, saturating at `limit`.
 * @pre `0 < limit`, `count <= limit`.
 */
uint32_t gale_sem_count_give(uint32_t count, uint32_t limit);

/**
 * @brief Non-blocking take on `*count`.
 * @retval 0            `*count` was > 0 and was decremented by one
 * @retval -EBUSY(-16)  `*count` was 0; unchanged
 * @retval -EINVAL(-22) `count` is NULL
 */
int32_t gale_sem_count_take(uint32_t *count);

/** Give decision (Phase 2). Returned bit-cast to `uint64_t`. */
struct gale_sem_give_decision {
	uint8_t action;     /**< GALE_SEM_ACTION_* */
	uint32_t new_count; /**< count to store (unchanged on WAKE or saturation) */
};

#define GALE_SEM_ACTION_INCREMENT 0 /**< store new_count (maybe saturated) */
#define GALE_SEM_ACTION_WAKE      1 /**< hand the unit to the first waiter */

/**
 * @brief Decide a give: wake the first waiter, else increment (saturating).
 * @param has_waiter non-zero when a thread is pending on the semaphore
 * @return the decision packed as `new_count << 32 | action`; decode it with
 *         flue_gale_sem_give_unpack() (flue/gale_ext.h), never compare raw.
 * @pre `0 < limit`, `count <= limit`.
 */
uint64_t gale_k_sem_give_decide(uint32_t count, uint32_t limit,
				uint32_t has_waiter);

/** Cast helper for the packed give decision (Gale's union). */
union gale_sem_give_decision_u {
	uint64_t raw;
	struct gale_sem_give_decision dec;
};

/** Take decision (Phase 2). Returned bit-cast to `uint64_t`. */
struct gale_sem_take_decision {
	uint8_t action;     /**< GALE_SEM_TAKE_* */
	uint32_t new_count; /**< only meaningful when action == ACQUIRED (else 0) */
};

#define GALE_SEM_TAKE_ACQUIRED    0 /**< store new_count = count - 1 */
#define GALE_SEM_TAKE_WOULD_BLOCK 1 /**< return -EBUSY (no-wait) */
#define GALE_SEM_TAKE_PEND        2 /**< block the caller */

/**
 * @brief Decide a take: acquire if count > 0, else would-block or pend.
 * @return the decision packed as `new_count << 32 | action`.
 * @pre none (total over all inputs).
 */
uint64_t gale_k_sem_take_decide(uint32_t count, uint32_t is_no_wait);

/** Cast helper for the packed take decision (Gale's union). */
union gale_sem_take_decision_u {
	uint64_t raw;
	struct gale_sem_take_decision dec;
};

#ifdef __cplusplus
}
#endif

#endif /* GALE_SEM_H_ */
