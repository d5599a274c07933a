/**
 * @file gale/gale_pipe.h
 * @brief Gale-compatible pipe decisions (pure; flue's own implementation).
 *
 * Same names, argument order, layouts and constants as Gale's `gale_pipe.h`.
 * Byte counts only: the ring indices and the copy belong to the caller.
 * Flags: bit 0 OPEN, bit 1 RESET (Zephyr's PIPE_FLAG_*; FLUE_PIPE_FLAG_* in
 * flue/gale_ext.h).
 *
 * All functions: pure, any context (thread or ISR), never block, no traps.
 * Invariant expected by the callers (PP1): `used <= size`.
 */
#ifndef GALE_PIPE_H
#define GALE_PIPE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Validate a non-blocking write of `request_len` bytes (no reader).
 * @param[out] actual_len bytes to copy: min(request_len, size - used)
 * @param[out] new_used   used + actual_len
 * @retval 0                ok; outputs written
 * @retval -EINVAL(-22)     an output is NULL or `size == 0`
 * @retval -ENOMSG(-35)     `request_len == 0`
 * @retval -ECANCELED(-140) RESET set
 * @retval -EPIPE(-32)      not OPEN
 * @retval -EAGAIN(-11)     full
 * Outputs are untouched on every error.
 */
int32_t gale_pipe_write_check(uint32_t used, uint32_t size, uint8_t flags,
			      uint32_t request_len, uint32_t *actual_len,
			      uint32_t *new_used);

/**
 * @brief Validate a non-blocking read of `request_len` bytes (no writer).
 * @param[out] actual_len bytes to copy: min(request_len, used)
 * @param[out] new_used   used - actual_len
 * @retval 0                ok; outputs written
 * @retval -EINVAL(-22)     an output is NULL
 * @retval -ENOMSG(-35)     `request_len == 0`
 * @retval -ECANCELED(-140) RESET set
 * @retval -EPIPE(-32)      empty and not OPEN (EOF after draining)
 * @retval -EAGAIN(-11)     empty and OPEN
 * Outputs are untouched on every error.
 */
int32_t gale_pipe_read_check(uint32_t used, uint8_t flags,
			     uint32_t request_len, uint32_t *actual_len,
			     uint32_t *new_used);

/** Write decision (Phase 2). Returned bit-cast to `uint64_t`. */
struct gale_pipe_write_decision {
	uint8_t action;        /**< GALE_PIPE_ACTION_WRITE_* / WAKE_READER */
	uint32_t actual_bytes; /**< bytes to move (0 on PEND and errors) */
};

#define GALE_PIPE_ACTION_WRITE_OK              0
#define GALE_PIPE_ACTION_WAKE_READER           1
#define GALE_PIPE_ACTION_WRITE_PEND            2
#define GALE_PIPE_ACTION_WRITE_ERROR_ECANCELED 3
#define GALE_PIPE_ACTION_WRITE_ERROR_EPIPE     4

/**
 * @brief Decide a write: RESET → ECANCELED; closed → EPIPE; empty with a
 *        reader → WAKE_READER with min(req, size); full or size 0 → PEND;
 *        else WRITE_OK with min(req, size - used).
 * @return packed `actual_bytes << 32 | action`; decode with
 *         flue_gale_pipe_write_unpack().
 * @pre `used <= size` for the byte-count properties (total otherwise).
 */
uint64_t gale_k_pipe_write_decide(uint32_t used, uint32_t size, uint8_t flags,
				  uint32_t request_len, uint32_t has_reader);

/** Cast helper for the packed write decision (Gale's union). */
union gale_pipe_write_decision_u {
	uint64_t raw;
	struct gale_pipe_write_decision dec;
};

/** Read decision (Phase 2). Returned bit-cast to `uint64_t`. */
struct gale_pipe_read_decision {
	uint8_t action;        /**< GALE_PIPE_ACTION_READ_* / WAKE_WRITER */
	uint32_t actual_bytes; /**< bytes to move (0 on PEND and errors) */
};

#define GALE_PIPE_ACTION_READ_OK              0
#define GALE_PIPE_ACTION_WAKE_WRITER          1
#define GALE_PIPE_ACTION_READ_PEND            2
#define GALE_PIPE_ACTION_READ_ERROR_ECANCELED 3
#define GALE_PIPE_ACTION_READ_ERROR_EPIPE     4

/**
 * @brief Decide a read: RESET → ECANCELED; full with a writer → WAKE_WRITER
 *        with min(req, used); data → READ_OK with min(req, used); empty and
 *        closed → EPIPE; else PEND.
 * @return packed `actual_bytes << 32 | action`; decode with
 *         flue_gale_pipe_read_unpack().
 * @pre none (total over all inputs).
 */
uint64_t gale_k_pipe_read_decide(uint32_t used, uint32_t size, uint8_t flags,
				 uint32_t request_len, uint32_t has_writer);

/** Cast helper for the packed read decision (Gale's union). */
union gale_pipe_read_decision_u {
	uint64_t raw;
	struct gale_pipe_read_decision dec;
};

#ifdef __cplusplus
}
#endif

#endif /* GALE_PIPE_H */
