/**
 * @file gale/gale_poll.h
 * @brief Gale-compatible poll-event and poll-signal decisions (pure).
 *
 * Same names, argument order, layouts and constants as Gale's `gale_poll.h`.
 * Event types and states (Gale's Rust-side model constants) are in
 * flue/gale_ext.h as FLUE_POLL_TYPE_* / FLUE_POLL_STATE_*.
 * All functions: pure, any context (thread or ISR), never block, no traps.
 */
#ifndef GALE_POLL_H
#define GALE_POLL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief `*state = NOT_READY (0)` whatever the type (PL1). @retval 0 @retval -EINVAL(-22) NULL */
int32_t gale_poll_event_init(uint32_t event_type, uint32_t *state);

/** @brief 1 iff `event_type == SEM_AVAILABLE (1)` and `sem_count > 0` (PL3), else 0. */
int32_t gale_poll_check_sem(uint32_t event_type, uint32_t sem_count);

/**
 * @brief Raise a signal: `*signaled = 1`, `*result = result_val` (PL4, PL7).
 * @retval 0 @retval -EINVAL(-22) a NULL pointer; nothing written
 */
int32_t gale_poll_signal_raise(uint32_t *signaled, int32_t *result, int32_t result_val);

/** @brief Reset a signal: `*signaled = 0` (PL8). @retval 0 @retval -EINVAL(-22) NULL */
int32_t gale_poll_signal_reset(uint32_t *signaled);

/** Raise decision (Phase 2). */
struct gale_poll_signal_raise_decision {
	uint32_t new_signaled; /**< always 1 */
	int32_t new_result;    /**< result_val */
	uint8_t action;        /**< GALE_POLL_ACTION_* */
};

#define GALE_POLL_ACTION_NO_EVENT     0 /**< nobody polls the signal */
#define GALE_POLL_ACTION_SIGNAL_EVENT 1 /**< signal the registered poll event */

/**
 * @brief Decide a raise: always `{1, result_val}`, SIGNAL_EVENT iff
 *        `has_poll_event != 0`. `signaled` is ignored (Gale quirk, kept).
 */
struct gale_poll_signal_raise_decision gale_k_poll_signal_raise_decide(uint32_t signaled,
								       int32_t result_val,
								       uint32_t has_poll_event);

#ifdef __cplusplus
}
#endif

#endif /* GALE_POLL_H */
