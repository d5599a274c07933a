/**
 * @file gale/gale_ring_buf.h
 * @brief Gale-compatible ring-buffer index decisions (pure; flue's own code).
 *
 * Same names, argument order, layouts and constants as Gale's
 * `gale_ring_buf.h`. Indices are free-running u32 counters (Zephyr's
 * ring_buf): differences are taken with wrap-around.
 *
 * The claim decision does **not** bound a claim by free space (put) or by
 * data (get): clamp `requested` with gale_ring_buf_space_get() /
 * gale_ring_buf_size_get() first, as Zephyr's ring_buf_put_claim does.
 *
 * All functions: pure, any context (thread or ISR), never block, no traps,
 * total over all inputs.
 */
#ifndef GALE_RING_BUF_H
#define GALE_RING_BUF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Claim decision: a contiguous area starting at a physical offset. */
struct gale_ring_buf_claim_decision {
	uint32_t claim_size;    /**< contiguous bytes before the physical wrap */
	uint32_t buffer_offset; /**< physical offset into the buffer array */
};

/**
 * @brief Contiguous claim: `offset = (head - base) mod buf_size`,
 *        `claim = min(requested, buf_size - offset)`; `{0, 0}` if
 *        `buf_size == 0` (RB1, RB8).
 */
struct gale_ring_buf_claim_decision gale_ring_buf_claim_decide(uint32_t head, uint32_t base,
							       uint32_t buf_size,
							       uint32_t requested);

/**
 * @brief Validate finishing `size` bytes of a claim.
 * @retval 0            `size <= head - tail` (wrapping)
 * @retval -EINVAL(-22) otherwise. `buf_size` is unused (Gale quirk, kept).
 */
int32_t gale_ring_buf_finish_validate(uint32_t head, uint32_t tail, uint32_t size,
				      uint32_t buf_size);

/** @brief Free space `buf_size - (put_head - get_tail)`; 0 if corrupt or `buf_size == 0`. */
uint32_t gale_ring_buf_space_get(uint32_t put_head, uint32_t get_tail, uint32_t buf_size);

/** @brief Stored bytes `put_tail - get_head` (wrapping). */
uint32_t gale_ring_buf_size_get(uint32_t put_tail, uint32_t get_head);

#ifdef __cplusplus
}
#endif

#endif /* GALE_RING_BUF_H */
