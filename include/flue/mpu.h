/**
 * @file flue/mpu.h
 * @brief MPU region math for ARMv7-M (PMSAv7) and ARMv8-M (PMSAv8): region
 *        validity, register encodings, overlap, region-set checks and the
 *        deny-by-default programming sequence.
 *
 * These are flue's own decisions (not Gale's names). Every function is
 * pure: no globals, no I/O, no hardware access. They compute register
 * values; a thin platform shim writes them (for example through Gale's seam
 * `mpu_write(rnr, rbar, rasr)`, where `rnr == 0xFFFFFFFF` means MPU_CTRL),
 * and that shim owns the barriers (DSB+ISB after each CTRL write) and the
 * check that `MPU_TYPE.DREGION` matches the slot count used here.
 *
 * **Sizes.** A region size is a byte count in a `uint64_t`, so the whole
 * 4 GiB address space (2^32 bytes, only legal at base 0) is representable;
 * a region covers the half-open range `[base, base + size)`, computed in 64
 * bits so that no check can overflow.
 *
 * **Reject contract.** Functions that can fail validate every input first
 * and return `FLUE_EINVAL` (-22) with every output left untouched; only
 * then do they write their outputs ("validate everything, then commit").
 *
 * **Calling context** of every function here: any context (thread, ISR,
 * before the scheduler starts); pure, re-entrant, non-blocking, bounded
 * time (at most 28 loop steps per region, 8*7/2 or 16*15/2 overlap tests
 * per set). Contracts are proved with Frama-C WP (scripts/prove.sh); the
 * property labels (P1..P4) follow Gale's mpu_switch.rs.
 */
#ifndef FLUE_MPU_H
#define FLUE_MPU_H

#include <stdint.h>
#include <stdbool.h>

/** Smallest region, in bytes, on both PMSAv7 and PMSAv8. */
#define FLUE_MPU_MIN_SIZE 32u
/** Region granularity of PMSAv8 (base and size are multiples of this). */
#define FLUE_MPU_V8_GRANULE 32u
/** Hardware region slots flue programs on ARMv7-M (Cortex-M3/M4 have 8). */
#define FLUE_MPU_V7_SLOTS 8u
/** Writes in an ARMv7-M programming sequence: CTRL, 8 slots, CTRL. */
#define FLUE_MPU_V7_SEQ_LEN (FLUE_MPU_V7_SLOTS + 2u)
/** Default slot count on ARMv8-M (Cortex-M33 usually has 8). */
#define FLUE_MPU_V8_SLOTS 8u
/** Largest slot count flue_mpu_v8_build_program() accepts. */
#define FLUE_MPU_V8_MAX_SLOTS 16u
/** Writes in an ARMv8-M programming sequence for @p slots hardware slots. */
#define FLUE_MPU_V8_SEQ_LEN(slots) ((slots) + 2u)
/** Largest sequence any build function emits (ARMv8-M with 16 slots). */
#define FLUE_MPU_SEQ_MAX FLUE_MPU_V8_SEQ_LEN(FLUE_MPU_V8_MAX_SLOTS)

/** `rnr` value of a write that targets MPU_CTRL instead of a region slot
 *  (Gale's MPU_CTRL_ID). */
#define FLUE_MPU_RNR_CTRL 0xFFFFFFFFu
/** MPU_CTRL value written first: ENABLE = 0 (MPU off while reprogramming). */
#define FLUE_MPU_CTRL_DISABLE 0u
/** MPU_CTRL value written last: ENABLE (bit 0) = 1, HFNMIENA (bit 1) = 0,
 *  PRIVDEFENA (bit 2) = 0. With PRIVDEFENA clear there is no background
 *  map: every access, privileged or not, that hits no enabled region
 *  faults (deny by default). HFNMIENA clear: HardFault/NMI run without
 *  the MPU. */
#define FLUE_MPU_CTRL_ENABLE 1u

/** RBAR.VALID (bit 4, ARMv7-M): the write also selects the region in
 *  RBAR.REGION (bits 3:0). */
#define FLUE_MPU_V7_RBAR_VALID 0x10u

/** ARMv7-M AP encoding 0b100 is reserved by the architecture. */
#define FLUE_MPU_V7_AP_RESERVED 4u
/** ARMv8-M SH encoding 0b01 is reserved by the architecture. */
#define FLUE_MPU_V8_SH_RESERVED 1u

/**
 * One PMSAv7 region (ARMv7-M MPU_RBAR/MPU_RASR). Attribute fields hold the
 * raw architectural field values; flue checks their ranges but does not
 * interpret the TEX/C/B/S memory-type combination.
 */
struct flue_mpu_v7_region {
	uint32_t base; /**< start address, aligned to @ref size */
	uint64_t size; /**< bytes: a power of two, 32 .. 2^32 */
	uint8_t srd;   /**< subregion-disable mask (RASR bits 15:8); must be 0
			    when size < 256 */
	uint8_t tex;   /**< TEX, 0..7 (RASR bits 21:19) */
	uint8_t ap;    /**< AP, 0..7 except 4 (RASR bits 26:24) */
	uint8_t xn;    /**< execute never, 0/1 (RASR bit 28) */
	uint8_t s;     /**< shareable, 0/1 (RASR bit 18) */
	uint8_t c;     /**< cacheable, 0/1 (RASR bit 17) */
	uint8_t b;     /**< bufferable, 0/1 (RASR bit 16) */
};

/**
 * One PMSAv8 region (ARMv8-M MPU_RBAR/MPU_RLAR). The memory type lives in
 * MPU_MAIR0/1, which the caller programs; the region only names an index.
 */
struct flue_mpu_v8_region {
	uint32_t base;     /**< start address, multiple of 32 */
	uint64_t size;     /**< bytes: multiple of 32, >= 32, base + size <= 2^32 */
	uint8_t sh;        /**< shareability, 0, 2 or 3 (RBAR bits 4:3) */
	uint8_t ap;        /**< access permissions, 0..3 (RBAR bits 2:1) */
	uint8_t xn;        /**< execute never, 0/1 (RBAR bit 0) */
	uint8_t attr_indx; /**< MAIR attribute index, 0..7 (RLAR bits 3:1) */
};

/**
 * One register write of a programming sequence, in the shape of Gale's seam
 * `mpu_write(rnr, rbar, rasr)`: select slot @ref rnr, then write RBAR and
 * RASR (ARMv7-M) or RLAR (ARMv8-M). When @ref rnr is FLUE_MPU_RNR_CTRL the
 * write is `MPU_CTRL = rasr_or_rlar` and @ref rbar is 0.
 */
struct flue_mpu_write {
	uint32_t rnr;          /**< slot number, or FLUE_MPU_RNR_CTRL */
	uint32_t rbar;         /**< MPU_RBAR value (0 for CTRL writes) */
	uint32_t rasr_or_rlar; /**< MPU_RASR (v7), MPU_RLAR (v8) or MPU_CTRL */
};

/**
 * @brief Report whether two address ranges share at least one byte.
 *
 * Ranges are `[base, base + size)` with 64-bit ends; a zero-size range is
 * empty and overlaps nothing. Never overflows for any inputs.
 *
 * Any context; pure; non-blocking.
 *
 * @return true iff some address lies in both ranges; false otherwise.
 */
bool flue_mpu_detect_overlap(uint32_t base_a, uint64_t size_a,
			     uint32_t base_b, uint64_t size_b);

/**
 * @brief Validate PMSAv7 region geometry.
 *
 * Valid iff @p size is a power of two, 32 <= size <= 2^32, @p base is a
 * multiple of @p size, and base + size <= 2^32.
 *
 * Any context; pure; non-blocking.
 *
 * @retval FLUE_OK     the geometry is legal for an ARMv7-M MPU region.
 * @retval FLUE_EINVAL otherwise.
 */
int32_t flue_mpu_v7_validate_region(uint32_t base, uint64_t size);

/**
 * @brief Compute the PMSAv7 RASR.SIZE field, log2(size) - 1.
 *
 * Any context; pure; non-blocking.
 *
 * @return the SIZE field, 4..31, when @p size is a power of two with
 *         32 <= size <= 2^32 (2^32 gives 31);
 * @retval FLUE_EINVAL for any other size.
 */
int32_t flue_mpu_v7_encode_size(uint64_t size);

/**
 * @brief Encode one PMSAv7 region as MPU_RBAR and MPU_RASR values.
 *
 * RBAR = base | VALID (bit 4) | slot (bits 3:0).
 * RASR = ENABLE (bit 0, set) | SIZE (5:1) | SRD (15:8) | B (16) | C (17) |
 *        S (18) | TEX (21:19) | AP (26:24) | XN (28); all other bits 0.
 *
 * Any context; pure; non-blocking. @p rbar and @p rasr must not alias
 * each other or @p r.
 *
 * @retval FLUE_OK     @p *rbar and @p *rasr hold the encodings.
 * @retval FLUE_EINVAL a pointer is NULL, @p slot > 15, the geometry is
 *         invalid (see flue_mpu_v7_validate_region()), srd != 0 with
 *         size < 256, or an attribute is out of range (tex > 7, ap > 7,
 *         ap == 4, xn/s/c/b > 1); @p *rbar and @p *rasr are unchanged.
 */
int32_t flue_mpu_v7_encode_region(const struct flue_mpu_v7_region *r,
				  uint32_t slot, uint32_t *rbar,
				  uint32_t *rasr);

/**
 * @brief Check a PMSAv7 region set: at most FLUE_MPU_V7_SLOTS regions, each
 *        one encodable by flue_mpu_v7_encode_region(), no two overlapping.
 *
 * Overlap is judged on whole regions (subregion masks are ignored), so two
 * regions that only meet in disabled subregions are still rejected.
 * @p regions may be NULL when @p count is 0 (the empty set is valid).
 *
 * Any context; pure; non-blocking.
 *
 * @retval FLUE_OK     the set is valid.
 * @retval FLUE_EINVAL otherwise.
 */
int32_t flue_mpu_v7_check_set(const struct flue_mpu_v7_region *regions,
			      uint32_t count);

/**
 * @brief Build the deny-by-default ARMv7-M programming sequence for a set.
 *
 * On success writes exactly FLUE_MPU_V7_SEQ_LEN entries of @p out:
 * - out[0] = {FLUE_MPU_RNR_CTRL, 0, FLUE_MPU_CTRL_DISABLE} (P4: disable
 *   first);
 * - out[1 + i] for slot i = 0..7, each slot exactly once, in order (P3):
 *   {i, RBAR, RASR} of regions[i] for i < count (P1), and
 *   {i, VALID | i, 0} (region disabled, P2) for count <= i < 8;
 * - out[9] = {FLUE_MPU_RNR_CTRL, 0, FLUE_MPU_CTRL_ENABLE} (P4: enable
 *   last, background map off).
 * Entries past FLUE_MPU_V7_SEQ_LEN are never written.
 *
 * Any context; pure; non-blocking. @p out must not overlap @p regions.
 *
 * The set may be windowed (flue_mpu_v7_check_windowed_set()): a region
 * inside an earlier one overrides its rights there, as PMSAv7 does.
 *
 * @return FLUE_MPU_V7_SEQ_LEN, the number of entries written;
 * @retval FLUE_EINVAL @p out is NULL, @p out_len < FLUE_MPU_V7_SEQ_LEN, or
 *         flue_mpu_v7_check_windowed_set() rejects the set; @p out is
 *         unchanged.
 */
int32_t flue_mpu_v7_build_program(const struct flue_mpu_v7_region *regions,
				  uint32_t count, struct flue_mpu_write *out,
				  uint32_t out_len);

/**
 * @brief Check a PMSAv7 *windowed* set: as flue_mpu_v7_check_set(), except
 *        that a region may lie wholly inside an earlier (lower-numbered)
 *        one. PMSAv7 gives an address in two regions the attributes of the
 *        higher-numbered one, so such a region is a window with rights of
 *        its own (a read-only ring window in read-write guest memory).
 *        Partial overlaps, and a region containing a later one's outside,
 *        are still rejected.
 *
 * Any context; pure; non-blocking.
 *
 * @retval FLUE_OK     the set is valid.
 * @retval FLUE_EINVAL otherwise.
 */
int32_t flue_mpu_v7_check_windowed_set(const struct flue_mpu_v7_region *regions,
				       uint32_t count);

/**
 * @brief Validate PMSAv8 region geometry.
 *
 * Valid iff @p base and @p size are multiples of 32, size >= 32 and
 * base + size <= 2^32.
 *
 * Any context; pure; non-blocking.
 *
 * @retval FLUE_OK     the geometry is legal for an ARMv8-M MPU region.
 * @retval FLUE_EINVAL otherwise.
 */
int32_t flue_mpu_v8_validate_region(uint32_t base, uint64_t size);

/**
 * @brief Encode one PMSAv8 region as MPU_RBAR and MPU_RLAR values.
 *
 * RBAR = base[31:5] | SH (bits 4:3) | AP (2:1) | XN (0).
 * RLAR = limit[31:5] | AttrIndx (3:1) | EN (bit 0, set), where
 * limit = base + size - 1 is the last byte of the region; bit 4 is 0.
 * The slot is selected separately through MPU_RNR.
 *
 * Any context; pure; non-blocking. @p rbar and @p rlar must not alias
 * each other or @p r.
 *
 * @retval FLUE_OK     @p *rbar and @p *rlar hold the encodings.
 * @retval FLUE_EINVAL a pointer is NULL, the geometry is invalid (see
 *         flue_mpu_v8_validate_region()), or a field is out of range
 *         (sh == 1 or > 3, ap > 3, xn > 1, attr_indx > 7); @p *rbar and
 *         @p *rlar are unchanged.
 */
int32_t flue_mpu_v8_encode_region(const struct flue_mpu_v8_region *r,
				  uint32_t *rbar, uint32_t *rlar);

/**
 * @brief Check a PMSAv8 region set for an MPU with @p slots region slots:
 *        1 <= slots <= FLUE_MPU_V8_MAX_SLOTS, count <= slots, each region
 *        encodable by flue_mpu_v8_encode_region(), no two overlapping
 *        (PMSAv8 makes an access that hits two regions fault).
 *
 * @p regions may be NULL when @p count is 0 (the empty set is valid).
 *
 * Any context; pure; non-blocking.
 *
 * @retval FLUE_OK     the set is valid.
 * @retval FLUE_EINVAL otherwise.
 */
int32_t flue_mpu_v8_check_set(const struct flue_mpu_v8_region *regions,
			      uint32_t count, uint32_t slots);

/**
 * @brief Build the deny-by-default ARMv8-M programming sequence for a set.
 *
 * @p slots is the hardware slot count (MPU_TYPE.DREGION, usually
 * FLUE_MPU_V8_SLOTS = 8), 1..FLUE_MPU_V8_MAX_SLOTS. On success writes
 * exactly FLUE_MPU_V8_SEQ_LEN(slots) entries of @p out:
 * - out[0] = {FLUE_MPU_RNR_CTRL, 0, FLUE_MPU_CTRL_DISABLE} (P4);
 * - out[1 + i] for slot i = 0..slots-1, each exactly once, in order (P3):
 *   {i, RBAR, RLAR} of regions[i] for i < count (P1), and {i, 0, 0} (EN = 0,
 *   P2) for count <= i < slots;
 * - out[slots + 1] = {FLUE_MPU_RNR_CTRL, 0, FLUE_MPU_CTRL_ENABLE} (P4).
 * MPU_MAIR0/1 are not part of the sequence; program them before enabling.
 *
 * Any context; pure; non-blocking. @p out must not overlap @p regions.
 *
 * @return FLUE_MPU_V8_SEQ_LEN(slots), the number of entries written;
 * @retval FLUE_EINVAL @p out is NULL, @p out_len < slots + 2, or
 *         flue_mpu_v8_check_set() rejects (regions, count, slots); @p out is
 *         unchanged.
 */
int32_t flue_mpu_v8_build_program(const struct flue_mpu_v8_region *regions,
				  uint32_t count, uint32_t slots,
				  struct flue_mpu_write *out, uint32_t out_len);

#endif /* FLUE_MPU_H */
