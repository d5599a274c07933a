/**
 * @file gale/gale_mem_domain.h
 * @brief Gale-compatible memory-domain partition decisions (pure; flue's code).
 *
 * Same names, argument order, layouts and constants as Gale's
 * `gale_mem_domain.h`. A domain is two parallel arrays of partition starts
 * and sizes; a size of 0 marks a free slot.
 *
 * **Precondition kept from Gale:** every function reads exactly
 * FLUE_MEM_DOMAIN_MAX_PARTITIONS (16) entries of each non-NULL array,
 * whatever `num_partitions` says, so both arrays must hold at least 16
 * entries (proved contract: `\valid_read(a + (0 .. 15))`). `num_partitions`
 * is only counted, never used to bound the scan.
 *
 * Validity (MD2, MD6) is Gale's: `size > 0` and `start + size <= 0xFFFFFFFF`
 * (so a partition ending exactly at 4 GiB is rejected). ARMv7-M MPU rules
 * (power of two, alignment) are not checked here; see flue/mpu.h.
 *
 * All functions: pure, any context (thread or ISR), never block, no traps.
 */
#ifndef GALE_MEM_DOMAIN_H
#define GALE_MEM_DOMAIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Result of a partition check. */
struct gale_mem_domain_check_partition_decision {
	int32_t ret; /**< 0 or -EINVAL(-22) */
};

/**
 * @brief Check a new partition against a domain.
 * @return ret 0 when valid and overlapping no active partition; -EINVAL(-22)
 *         when invalid (checked first), when an array is NULL, or on overlap
 *         (MD1, MD5).
 */
struct gale_mem_domain_check_partition_decision
gale_mem_domain_check_partition(uint32_t part_start, uint32_t part_size,
				const uint32_t *domain_starts,
				const uint32_t *domain_sizes,
				uint32_t num_partitions);

/** Add decision (Phase 2), returned by value (16 bytes). */
struct gale_mem_domain_add_decision {
	int32_t ret;                 /**< 0, -EINVAL(-22) or -ENOSPC(-28) */
	uint32_t slot;               /**< first free slot (valid when ret == 0) */
	uint32_t new_num_partitions; /**< num + 1 on success, else unchanged */
	uint8_t action;              /**< GALE_MEM_DOMAIN_ACTION_ADD_* */
};

#define GALE_MEM_DOMAIN_ACTION_ADD_OK    0
#define GALE_MEM_DOMAIN_ACTION_ADD_ERROR 1

/**
 * @brief Decide adding a partition: the check above, then the first free
 *        slot; -ENOSPC when all 16 are used. `part_attr` is unused (Gale).
 * @pre `num_partitions <= 16` (MD4).
 */
struct gale_mem_domain_add_decision
gale_k_mem_domain_add_partition_decide(uint32_t part_start, uint32_t part_size,
				       uint32_t part_attr,
				       const uint32_t *domain_starts,
				       const uint32_t *domain_sizes,
				       uint32_t num_partitions);

/** Remove decision (Phase 2), returned by value (16 bytes). */
struct gale_mem_domain_remove_decision {
	int32_t ret;                 /**< 0, -EINVAL(-22) (NULL array) or -ENOENT(-2) */
	uint32_t slot;               /**< first exact match (valid when ret == 0) */
	uint32_t new_num_partitions; /**< num - 1 (floored at 0) on success */
	uint8_t action;              /**< GALE_MEM_DOMAIN_ACTION_REMOVE_* */
};

#define GALE_MEM_DOMAIN_ACTION_REMOVE_OK    0
#define GALE_MEM_DOMAIN_ACTION_REMOVE_ERROR 1

/**
 * @brief Decide removing a partition: the first slot whose start *and* size
 *        equal the arguments (Gale quirk: `part_size == 0` can match a free
 *        slot with that start), else -ENOENT.
 */
struct gale_mem_domain_remove_decision
gale_k_mem_domain_remove_partition_decide(uint32_t part_start, uint32_t part_size,
					  const uint32_t *domain_starts,
					  const uint32_t *domain_sizes,
					  uint32_t num_partitions);

/** Result of validating a partition at domain init. */
struct gale_mem_domain_init_part_decision {
	int32_t ret; /**< 0 or -EINVAL(-22) */
};

/** @brief Same check as gale_mem_domain_check_partition(), for domain init. */
struct gale_mem_domain_init_part_decision
gale_mem_domain_init_validate_partition(uint32_t part_start, uint32_t part_size,
					const uint32_t *domain_starts,
					const uint32_t *domain_sizes,
					uint32_t num_partitions);

#ifdef __cplusplus
}
#endif

#endif /* GALE_MEM_DOMAIN_H */
