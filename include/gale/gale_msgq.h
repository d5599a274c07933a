/**
 * @file gale/gale_msgq.h
 * @brief Gale-compatible message-queue index decisions (pure; flue's own code).
 *
 * Same names, argument order, layouts and constants as Gale's `gale_msgq.h`.
 * The queue is a ring of `max_msgs` slots; the caller converts a slot to an
 * address as `buffer + slot * msg_size` and does the copy.
 *
 * All functions: pure, any context (thread or ISR), never block, no traps.
 * Preconditions (Gale's `requires`, the caller's obligation; proved, not
 * checked): `max_msgs > 0`, index `< max_msgs`, `used_msgs <= max_msgs`.
 * The Phase-1 helpers still return -EINVAL for `max_msgs == 0` or a NULL
 * output, as Gale's do.
 */
#ifndef GALE_MSGQ_H
#define GALE_MSGQ_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Validate init parameters and compute the buffer size.
 * @retval 0            `*buffer_size = msg_size * max_msgs`
 * @retval -EINVAL(-22) NULL output, zero size or count, or product overflow
 */
int32_t gale_msgq_init_validate(uint32_t msg_size, uint32_t max_msgs,
				uint32_t *buffer_size);

/**
 * @brief Put at the back: the slot to fill is the current `write_idx`.
 * @retval 0            outputs = (write_idx + 1) mod max, used + 1
 * @retval -ENOMSG(-35) full; outputs untouched
 * @retval -EINVAL(-22) NULL output or `max_msgs == 0`
 */
int32_t gale_msgq_put(uint32_t write_idx, uint32_t used_msgs, uint32_t max_msgs,
		      uint32_t *new_write_idx, uint32_t *new_used);

/**
 * @brief Put at the front: the slot to fill is the returned `*new_read_idx`.
 * @retval 0            outputs = (read_idx - 1) mod max, used + 1
 * @retval -ENOMSG(-35) full; outputs untouched
 * @retval -EINVAL(-22) NULL output or `max_msgs == 0`
 */
int32_t gale_msgq_put_front(uint32_t read_idx, uint32_t used_msgs,
			    uint32_t max_msgs, uint32_t *new_read_idx,
			    uint32_t *new_used);

/**
 * @brief Get from the front: the slot to read is the current `read_idx`.
 * @retval 0            outputs = (read_idx + 1) mod max, used - 1
 * @retval -ENOMSG(-35) empty; outputs untouched
 * @retval -EINVAL(-22) NULL output or `max_msgs == 0`
 */
int32_t gale_msgq_get(uint32_t read_idx, uint32_t used_msgs, uint32_t max_msgs,
		      uint32_t *new_read_idx, uint32_t *new_used);

/**
 * @brief Slot of the `idx`-th oldest message.
 * @retval 0            `*slot_idx = (read_idx + idx) mod max`
 * @retval -ENOMSG(-35) `idx >= used_msgs`; output untouched
 * @retval -EINVAL(-22) NULL output or `max_msgs == 0`
 */
int32_t gale_msgq_peek_at(uint32_t read_idx, uint32_t used_msgs,
			  uint32_t max_msgs, uint32_t idx, uint32_t *slot_idx);

/** Put decision (Phase 2), returned by value (16 bytes). */
struct gale_msgq_put_decision {
	int32_t ret;            /**< 0, or -ENOMSG(-35) with RETURN_FULL */
	uint8_t action;         /**< GALE_MSGQ_ACTION_* (put) */
	uint32_t new_write_idx; /**< index to store */
	uint32_t new_used;      /**< count to store */
};

#define GALE_MSGQ_ACTION_PUT_OK      0 /**< copy to write slot, store indices */
#define GALE_MSGQ_ACTION_WAKE_READER 1 /**< hand the message to the waiting reader */
#define GALE_MSGQ_ACTION_PUT_PEND    2 /**< full: block the writer */
#define GALE_MSGQ_ACTION_RETURN_FULL 3 /**< full, no-wait: return -ENOMSG */

/**
 * @brief Decide a put (MQ5, MQ6, MQ12): not full → WAKE_READER (indices
 *        unchanged) if a reader waits, else PUT_OK (advance, used + 1);
 *        full → RETURN_FULL if no-wait, else PUT_PEND (state unchanged).
 */
struct gale_msgq_put_decision gale_k_msgq_put_decide(uint32_t write_idx,
						     uint32_t used_msgs,
						     uint32_t max_msgs,
						     uint32_t has_waiter,
						     uint32_t is_no_wait);

/** Get decision (Phase 2), returned by value (16 bytes). */
struct gale_msgq_get_decision {
	int32_t ret;           /**< 0, or -ENOMSG(-35) with RETURN_EMPTY */
	uint8_t action;        /**< GALE_MSGQ_ACTION_* (get) */
	uint32_t new_read_idx; /**< index to store */
	uint32_t new_used;     /**< count to store */
};

#define GALE_MSGQ_ACTION_GET_OK       0 /**< copy from read slot, store indices */
#define GALE_MSGQ_ACTION_WAKE_WRITER  1 /**< as GET_OK, then admit the waiting writer */
#define GALE_MSGQ_ACTION_GET_PEND     2 /**< empty: block the reader */
#define GALE_MSGQ_ACTION_RETURN_EMPTY 3 /**< empty, no-wait: return -ENOMSG */

/**
 * @brief Decide a get (MQ8, MQ9, MQ12): not empty → advance, used − 1,
 *        WAKE_WRITER if a writer waits else GET_OK; empty → RETURN_EMPTY if
 *        no-wait, else GET_PEND (state unchanged, new_used 0).
 */
struct gale_msgq_get_decision gale_k_msgq_get_decide(uint32_t read_idx,
						     uint32_t used_msgs,
						     uint32_t max_msgs,
						     uint32_t has_waiter,
						     uint32_t is_no_wait);

#ifdef __cplusplus
}
#endif

#endif /* GALE_MSGQ_H */
