/*
 * The isolation tests' two domains (iso.h), as region sets handed to the
 * proved builders. Attribute choices: code normal write-through (ARMv7-M
 * TEX=0 C=1 B=0) / MAIR index 0; RAM normal write-back (C=1 B=1) / index
 * 0; peripherals shareable device (TEX=0 C=0 B=1 S=1) / index 1 (Device-
 * nGnRE in ISO_MAIR0).
 */
#include <stddef.h>
#include <stdint.h>

#include <flue/mpu.h>

#include "iso.h"

#if defined(ISO_V8)
/* PMSAv8 AP: 0 RW privileged, 1 RW any, 2 RO privileged, 3 RO any. */
#define R(base_, size_, ap_, xn_, attr_) \
	{ .base = (base_), .size = (size_), .sh = 0, .ap = (ap_), .xn = (xn_), .attr_indx = (attr_) }
#define CODE(b, s) R(b, s, 3, 0, 0)
#define PRIV_RW(b, s) R(b, s, 0, 1, 0)
#define ALL_RW(b, s) R(b, s, 1, 1, 0)
#define ALL_RO(b, s) R(b, s, 3, 1, 0)
#define NO_ACCESS(b, s) R(b, s, 2, 1, 0) /* no such AP: privileged RO */
#define DEVICE(b, s) R(b, s, 0, 1, 1)
typedef struct flue_mpu_v8_region iso_region;
#else
/* PMSAv7 AP: 0 none, 1 RW privileged, 3 RW any, 5 RO privileged, 6 RO any. */
#define R(base_, size_, ap_, xn_, tex_, c_, b_, s_) \
	{ .base = (base_), .size = (size_), .srd = 0, .tex = (tex_), .ap = (ap_), \
	  .xn = (xn_), .s = (s_), .c = (c_), .b = (b_) }
#define CODE(b, s) R(b, s, 6, 0, 0, 1, 0, 0)
#define PRIV_RW(b, s) R(b, s, 1, 1, 0, 1, 1, 0)
#define ALL_RW(b, s) R(b, s, 3, 1, 0, 1, 1, 0)
#define ALL_RO(b, s) R(b, s, 6, 1, 0, 1, 1, 0)
#define NO_ACCESS(b, s) R(b, s, 0, 1, 0, 1, 1, 0)
#define DEVICE(b, s) R(b, s, 1, 1, 0, 0, 1, 1)
typedef struct flue_mpu_v7_region iso_region;
#endif

static int32_t build(const iso_region *set, uint32_t count, struct flue_mpu_write *seq)
{
#if defined(ISO_V8)
	return flue_mpu_v8_build_program(set, count, FLUE_MPU_V8_SLOTS, seq, FLUE_MPU_SEQ_MAX);
#else
	return flue_mpu_v7_build_program(set, count, seq, FLUE_MPU_SEQ_MAX);
#endif
}

int32_t iso_realistic_domain(struct flue_mpu_write *seq)
{
	const iso_region set[] = {
		CODE(ISO_FLASH, ISO_FLASH_SIZE),
		PRIV_RW(ISO_RAM, ISO_RAM_LOW),
		ALL_RW(ISO_GUEST_MEM, ISO_GUEST_MEM_SIZE),
		ALL_RW(ISO_GUEST_STACK, ISO_GUEST_STACK_SIZE),
		PRIV_RW(ISO_RAM_HIGH, ISO_RAM_HIGH_SIZE),
		DEVICE(ISO_PERIPH, ISO_PERIPH_SIZE),
	};
	return build(set, sizeof set / sizeof set[0], seq);
}

int32_t iso_trap_domain(struct flue_mpu_write *seq, const void *runtime,
			const void *peer, const void *guest)
{
	const iso_region set[] = {
		CODE(ISO_FLASH, ISO_FLASH_SIZE),
		NO_ACCESS((uint32_t)(uintptr_t)runtime, 256u),
		ALL_RO((uint32_t)(uintptr_t)peer, 256u),
		ALL_RW((uint32_t)(uintptr_t)guest, 1024u),
		DEVICE(ISO_PERIPH, ISO_PERIPH_SIZE),
	};
	return build(set, sizeof set / sizeof set[0], seq);
}

int32_t iso_gate_domain(struct flue_mpu_write *seq, const void *stack, uint32_t size)
{
	const iso_region set[] = {
		CODE(ISO_FLASH, ISO_FLASH_SIZE),
		ALL_RW((uint32_t)(uintptr_t)stack, size),
	};
	return build(set, sizeof set / sizeof set[0], seq);
}

int32_t iso_window_domain(struct flue_mpu_write *seq, const void *guest, uint32_t size,
			  uint32_t win_off, uint32_t win_size)
{
	uint32_t g = (uint32_t)(uintptr_t)guest, w = g + win_off;
#if defined(ISO_V8)
	/* PMSAv8 regions may not overlap: the memory is split around the
	 * window (below, window, above; the callers keep both sides non-empty). */
	const iso_region set[] = {
		CODE(ISO_FLASH, ISO_FLASH_SIZE),
		ALL_RW(g, win_off),
		ALL_RO(w, win_size),
		ALL_RW(w + win_size, size - win_off - win_size),
		DEVICE(ISO_PERIPH, ISO_PERIPH_SIZE),
	};
#else
	/* PMSAv7: the window is a later region inside the memory's (a
	 * windowed set): the higher-numbered region's rights win there. */
	const iso_region set[] = {
		CODE(ISO_FLASH, ISO_FLASH_SIZE),
		ALL_RW(g, size),
		ALL_RO(w, win_size),
		DEVICE(ISO_PERIPH, ISO_PERIPH_SIZE),
	};
#endif
	return build(set, sizeof set / sizeof set[0], seq);
}

int32_t iso_hole_domain(struct flue_mpu_write *seq, const void *hole, uint32_t size)
{
	uint32_t h = (uint32_t)(uintptr_t)hole;
#if defined(ISO_V8)
	const iso_region set[] = {
		CODE(ISO_FLASH, ISO_FLASH_SIZE),
		ALL_RW(ISO_RAM, h - ISO_RAM),
		ALL_RW(h + size, ISO_RAM + ISO_RAM_SIZE - h - size),
	};
#else
	const iso_region set[] = {
		CODE(ISO_FLASH, ISO_FLASH_SIZE),
		ALL_RW(ISO_RAM, ISO_RAM_SIZE),
		PRIV_RW(h, size),
	};
#endif
	return build(set, sizeof set / sizeof set[0], seq);
}
