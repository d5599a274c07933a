/**
 * @file gale/gale_event.h
 * @brief Gale-compatible event-bitmask decisions (pure; flue's own code).
 *
 * Same names, argument order, layouts and constants as Gale's `gale_event.h`.
 * All functions: pure, any context (thread or ISR), never block, no traps,
 * total over all inputs.
 */
#ifndef GALE_EVENT_H
#define GALE_EVENT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief `*result = events | new_events` (EV1). @retval 0 @retval -EINVAL(-22) NULL result */
int32_t gale_event_post(uint32_t events, uint32_t new_events, uint32_t *result);

/**
 * @brief Report the value a set replaces: `*old_events = current` (EV2; the
 *        caller stores `new_events` itself — Gale passes it for symmetry).
 * @retval 0 @retval -EINVAL(-22) NULL old_events
 */
int32_t gale_event_set(uint32_t new_events, uint32_t *old_events, uint32_t current);

/** @brief `*result = events & ~clear_bits` (EV3). @retval 0 @retval -EINVAL(-22) NULL result */
int32_t gale_event_clear(uint32_t events, uint32_t clear_bits, uint32_t *result);

/**
 * @brief `*result = (events & ~mask) | (new_bits & mask)` (EV4).
 * @retval 0 @retval -EINVAL(-22) NULL result
 */
int32_t gale_event_set_masked(uint32_t events, uint32_t new_bits, uint32_t mask,
			      uint32_t *result);

/** @brief 1 if `(events & desired) != 0`, else 0 (EV5). */
int32_t gale_event_wait_check_any(uint32_t events, uint32_t desired);

/** @brief 1 if `(events & desired) == desired`, else 0 (EV6; desired 0 matches). */
int32_t gale_event_wait_check_all(uint32_t events, uint32_t desired);

/** Post decision (Phase 2). */
struct gale_event_post_decision {
	uint32_t new_events; /**< `(current & ~mask) | (new & mask)` */
};

/** @brief Decide a masked post (EV4): `(current & ~mask) | (new_events & mask)`. */
struct gale_event_post_decision gale_k_event_post_decide(uint32_t current_events,
							 uint32_t new_events,
							 uint32_t mask);

/** Wait decision (Phase 2). */
struct gale_event_wait_decision {
	int32_t ret;             /**< always 0 (Gale quirk, kept) */
	uint32_t matched_events; /**< `current & desired` when MATCHED, else 0 */
	uint8_t action;          /**< GALE_EVENT_ACTION_* */
};

#define GALE_EVENT_WAIT_ANY 0 /**< any desired bit */
#define GALE_EVENT_WAIT_ALL 1 /**< all desired bits; any other type means ANY */

#define GALE_EVENT_ACTION_MATCHED 0 /**< condition holds */
#define GALE_EVENT_ACTION_PEND    1 /**< block the waiter */
#define GALE_EVENT_ACTION_TIMEOUT 2 /**< no-wait: return without match */

/**
 * @brief Decide a wait: MATCHED iff the condition of `wait_type` holds
 *        (ALL: `(current & desired) == desired`; otherwise ANY:
 *        `(current & desired) != 0`), else TIMEOUT if no-wait, else PEND.
 *        flue proves the "iff", which Gale's FFI contract leaves out.
 */
struct gale_event_wait_decision gale_k_event_wait_decide(uint32_t current_events,
							 uint32_t desired,
							 uint8_t wait_type,
							 uint32_t is_no_wait);

#ifdef __cplusplus
}
#endif

#endif /* GALE_EVENT_H */
