/*
 * ARMv7-M PMSAv7 region math, checked against the architecture's register
 * layouts (MPU_RBAR: ADDR | VALID bit 4 | REGION 3:0; MPU_RASR: ENABLE 0,
 * SIZE 5:1 with size = 2^(SIZE+1), SRD 15:8, B 16, C 17, S 18, TEX 21:19,
 * AP 26:24, XN 28) by decoding every field back, and the programming
 * sequence against Gale's mpu_switch.rs properties P1-P4 and a small model
 * of the MPU that answers "which addresses are mapped" after the sequence.
 */
#include "ftest.h"
#include <flue/mpu.h>
#include <flue/errno.h>

#define SENTINEL 0xA5A5A5A5u
#define RASR_DEFINED 0x173FFF3Fu /* every RASR bit that has a field */

static bool is_pow2(uint64_t x)
{
	unsigned ones = 0;
	for (unsigned i = 0; i < 64u; i++) {
		ones += (unsigned)((x >> i) & 1u);
	}
	return ones == 1u;
}

static struct flue_mpu_v7_region region(uint32_t base, uint64_t size)
{
	struct flue_mpu_v7_region r = { base, size, 0, 0, 3, 0, 0, 0, 0 };
	return r;
}

/* Legal attributes drawn at random (AP 4 is reserved). */
static void random_attrs(struct flue_mpu_v7_region *r, uint32_t *s)
{
	uint32_t x = ft_rand(s);
	r->tex = (uint8_t)(x & 7u);
	r->ap = (uint8_t)((x >> 3) & 7u);
	if (r->ap == 4u) {
		r->ap = 6u;
	}
	r->xn = (uint8_t)((x >> 6) & 1u);
	r->s = (uint8_t)((x >> 7) & 1u);
	r->c = (uint8_t)((x >> 8) & 1u);
	r->b = (uint8_t)((x >> 9) & 1u);
	r->srd = (uint8_t)(r->size >= 256u ? (x >> 10) & 0xFFu : 0u);
}

/* Decode RBAR and RASR field by field and compare with the region. */
static void check_encoding(const struct flue_mpu_v7_region *r, uint32_t slot,
			   uint32_t rbar, uint32_t rasr)
{
	FT_EQ(rbar & 0xFFFFFFE0u, r->base);  /* ADDR */
	FT_EQ((rbar >> 4) & 1u, 1u);          /* VALID */
	FT_EQ(rbar & 0xFu, slot);             /* REGION */
	FT_EQ(rasr & 1u, 1u);                 /* ENABLE */
	FT_EQ(UINT64_C(1) << (((rasr >> 1) & 0x1Fu) + 1u), r->size); /* SIZE */
	FT_EQ((rasr >> 8) & 0xFFu, r->srd);
	FT_EQ((rasr >> 16) & 1u, r->b);
	FT_EQ((rasr >> 17) & 1u, r->c);
	FT_EQ((rasr >> 18) & 1u, r->s);
	FT_EQ((rasr >> 19) & 7u, r->tex);
	FT_EQ((rasr >> 24) & 7u, r->ap);
	FT_EQ((rasr >> 28) & 1u, r->xn);
	FT_EQ(rasr & ~RASR_DEFINED, 0u);      /* reserved bits clear */
}

FT_TEST(size_field_every_legal_size)
{
	for (unsigned k = 5; k <= 32u; k++) {
		FT_EQ(flue_mpu_v7_encode_size(UINT64_C(1) << k), (int32_t)k - 1);
	}
	FT_EQ(flue_mpu_v7_encode_size(UINT64_C(1) << 32), 31); /* 4 GiB */
}

FT_TEST(size_field_rejects_everything_else)
{
	static const uint64_t bad[] = { 0, 1, 2, 16, 31, 33, 48, 96, 100,
					UINT64_C(1) << 33, UINT64_C(3) << 31,
					UINT64_MAX, UINT64_C(0xFFFFFFFF) };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		FT_EQ(flue_mpu_v7_encode_size(bad[i]), FLUE_EINVAL);
	}
	for (unsigned k = 5; k <= 32u; k++) {
		FT_EQ(flue_mpu_v7_encode_size((UINT64_C(1) << k) + 1u), FLUE_EINVAL);
		FT_EQ(flue_mpu_v7_encode_size((UINT64_C(1) << k) - 1u), FLUE_EINVAL);
	}
	uint32_t s = 0x51e7f1e1u;
	for (int i = 0; i < 2000; i++) {
		uint64_t size = (uint64_t)ft_rand(&s) << (ft_rand(&s) % 8u);
		bool legal = is_pow2(size) && size >= 32u &&
			     size <= (UINT64_C(1) << 32);
		int32_t f = flue_mpu_v7_encode_size(size);
		FT_EQ(f >= 0, legal);
		if (legal) {
			FT_EQ(UINT64_C(1) << (f + 1), size);
		}
	}
}

FT_TEST(validity_geometry)
{
	for (unsigned k = 5; k <= 32u; k++) {
		uint64_t size = UINT64_C(1) << k;
		uint32_t top = (uint32_t)((UINT64_C(1) << 32) - size);
		FT_EQ(flue_mpu_v7_validate_region(0, size), FLUE_OK);
		FT_EQ(flue_mpu_v7_validate_region(top, size), FLUE_OK);
		if (k < 32u) {
			FT_EQ(flue_mpu_v7_validate_region((uint32_t)size, size), FLUE_OK);
			/* misaligned: half a region, one granule, one byte off */
			FT_EQ(flue_mpu_v7_validate_region((uint32_t)(size / 2u), size),
			      FLUE_EINVAL);
			FT_EQ(flue_mpu_v7_validate_region((uint32_t)size + 32u, size),
			      k == 5u ? FLUE_OK : FLUE_EINVAL);
			FT_EQ(flue_mpu_v7_validate_region(top + 1u, size), FLUE_EINVAL);
		}
		FT_EQ(flue_mpu_v7_validate_region(0, size + size / 2u), FLUE_EINVAL);
	}
	/* 4 GiB only at base 0; nothing bigger; nothing below 32 bytes. */
	FT_EQ(flue_mpu_v7_validate_region(0x80000000u, UINT64_C(1) << 32),
	      FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_validate_region(0, UINT64_C(1) << 33), FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_validate_region(0, 16), FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_validate_region(0, 0), FLUE_EINVAL);
	/* Random points against the definition. */
	uint32_t s = 0xba5eba11u;
	for (int i = 0; i < 2000; i++) {
		uint32_t base = ft_rand(&s) & ~(uint32_t)(ft_rand(&s) & 0xFFFFu);
		uint64_t size = UINT64_C(1) << (ft_rand(&s) % 34u);
		bool ok = size >= 32u && size <= (UINT64_C(1) << 32) &&
			  base % size == 0u && base + size <= (UINT64_C(1) << 32);
		FT_EQ(flue_mpu_v7_validate_region(base, size),
		      ok ? FLUE_OK : FLUE_EINVAL);
	}
}

FT_TEST(encoding_decodes_back_every_size)
{
	uint32_t s = 0xdec0de07u;
	for (unsigned k = 5; k <= 32u; k++) {
		uint64_t size = UINT64_C(1) << k;
		uint32_t bases[3] = { 0, (uint32_t)((UINT64_C(1) << 32) - size),
				      ft_rand(&s) & ~(uint32_t)(size - 1u) };
		for (unsigned b = 0; b < 3u; b++) {
			for (unsigned rep = 0; rep < 4u; rep++) {
				struct flue_mpu_v7_region r = region(bases[b], size);
				uint32_t slot = ft_rand(&s) & 0xFu;
				uint32_t rbar = SENTINEL, rasr = SENTINEL;
				random_attrs(&r, &s);
				FT_EQ(flue_mpu_v7_encode_region(&r, slot, &rbar, &rasr),
				      FLUE_OK);
				check_encoding(&r, slot, rbar, rasr);
			}
		}
	}
	/* Every field at its maximum, on the 4 GiB region. */
	struct flue_mpu_v7_region all = { 0, UINT64_C(1) << 32, 0xFF, 7, 7, 1, 1, 1, 1 };
	uint32_t rbar = 0, rasr = 0;
	FT_EQ(flue_mpu_v7_encode_region(&all, 15, &rbar, &rasr), FLUE_OK);
	FT_EQ(rbar, 0x1Fu);
	FT_EQ(rasr, RASR_DEFINED);
}

static void expect_reject(const struct flue_mpu_v7_region *r, uint32_t slot)
{
	uint32_t rbar = SENTINEL, rasr = SENTINEL;
	FT_EQ(flue_mpu_v7_encode_region(r, slot, &rbar, &rasr), FLUE_EINVAL);
	FT_EQ(rbar, SENTINEL);
	FT_EQ(rasr, SENTINEL);
}

FT_TEST(encoding_rejects_and_leaves_outputs)
{
	struct flue_mpu_v7_region r;
	/* SRD only from 256 bytes on. */
	for (unsigned k = 5; k <= 8u; k++) {
		for (unsigned bit = 0; bit < 8u; bit++) {
			r = region(0x20000000u, UINT64_C(1) << k);
			r.srd = (uint8_t)(1u << bit);
			if (k < 8u) {
				expect_reject(&r, 0);
			} else {
				uint32_t rbar, rasr;
				FT_EQ(flue_mpu_v7_encode_region(&r, 0, &rbar, &rasr), FLUE_OK);
				FT_EQ((rasr >> 8) & 0xFFu, 1u << bit);
			}
		}
	}
	/* Attribute ranges and the reserved AP encoding. */
	r = region(0x20000000u, 1024); r.tex = 8; expect_reject(&r, 0);
	r = region(0x20000000u, 1024); r.ap = 4; expect_reject(&r, 0);
	r = region(0x20000000u, 1024); r.ap = 8; expect_reject(&r, 0);
	r = region(0x20000000u, 1024); r.xn = 2; expect_reject(&r, 0);
	r = region(0x20000000u, 1024); r.s = 2; expect_reject(&r, 0);
	r = region(0x20000000u, 1024); r.c = 2; expect_reject(&r, 0);
	r = region(0x20000000u, 1024); r.b = 0xFF; expect_reject(&r, 0);
	/* Geometry, slot number, NULL pointers. */
	r = region(0x20000200u, 1024); expect_reject(&r, 0);     /* misaligned */
	r = region(0x20000000u, 1000); expect_reject(&r, 0);     /* not 2^k */
	r = region(0x20000000u, 16); expect_reject(&r, 0);       /* < 32 */
	r = region(0, UINT64_C(1) << 33); expect_reject(&r, 0);  /* > 4 GiB */
	r = region(0x20000000u, 1024); expect_reject(&r, 16);    /* REGION 4 bits */
	expect_reject(NULL, 0);
	uint32_t word = SENTINEL;
	FT_EQ(flue_mpu_v7_encode_region(&r, 0, NULL, &word), FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_encode_region(&r, 0, &word, NULL), FLUE_EINVAL);
	FT_EQ(word, SENTINEL);
}

/* A random valid set: region i lives in its own 512 MiB eighth of the
 * address space (so no two overlap), the eighths in random order. */
static uint32_t random_set(struct flue_mpu_v7_region *set, uint32_t *s)
{
	uint32_t count = ft_rand(s) % (FLUE_MPU_V7_SLOTS + 1u);
	uint32_t order[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	for (uint32_t i = 7; i > 0; i--) {
		uint32_t j = ft_rand(s) % (i + 1u), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint64_t size = UINT64_C(1) << (5u + ft_rand(s) % 25u); /* <= 2^29 */
		uint32_t off = (ft_rand(s) % 0x20000000u) & ~(uint32_t)(size - 1u);
		set[i] = region(order[i] * 0x20000000u + off, size);
		random_attrs(&set[i], s);
	}
	return count;
}

static bool pairwise_disjoint(const struct flue_mpu_v7_region *set, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = i + 1u; j < n; j++) {
			if (set[i].base < set[j].base + set[j].size &&
			    set[j].base < set[i].base + set[i].size) {
				return false;
			}
		}
	}
	return true;
}

FT_TEST(set_check_counts_validity_and_overlap)
{
	struct flue_mpu_v7_region set[FLUE_MPU_V7_SLOTS + 1u];
	uint32_t s = 0x5e75e75eu;
	FT_EQ(flue_mpu_v7_check_set(NULL, 0), FLUE_OK);
	FT_EQ(flue_mpu_v7_check_set(NULL, 1), FLUE_EINVAL);
	for (int round = 0; round < 300; round++) {
		uint32_t n = random_set(set, &s);
		FT_EQ(flue_mpu_v7_check_set(set, n), FLUE_OK);
		if (n < 2u) {
			continue;
		}
		/* Move one region onto (part of) another: overlap. */
		uint32_t i = ft_rand(&s) % n, j = (i + 1u + ft_rand(&s) % (n - 1u)) % n;
		set[j].base = set[i].base;
		set[j].size = set[i].size;
		set[j].srd = set[i].srd;
		FT_EQ(flue_mpu_v7_check_set(set, n), FLUE_EINVAL);
		/* A region made invalid. */
		n = random_set(set, &s);
		if (n > 0u) {
			set[ft_rand(&s) % n].ap = 4;
			FT_EQ(flue_mpu_v7_check_set(set, n), FLUE_EINVAL);
		}
	}
	/* Random geometry against the pairwise definition. */
	for (int round = 0; round < 300; round++) {
		uint32_t n = 1u + ft_rand(&s) % FLUE_MPU_V7_SLOTS;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t size = UINT64_C(32) << (ft_rand(&s) % 4u);
			set[i] = region((ft_rand(&s) % 16u) * 64u, size);
			set[i].base &= ~(uint32_t)(size - 1u);
		}
		FT_EQ(flue_mpu_v7_check_set(set, n),
		      pairwise_disjoint(set, n) ? FLUE_OK : FLUE_EINVAL);
	}
	/* Touching regions are fine; nine regions are too many. */
	for (uint32_t i = 0; i < FLUE_MPU_V7_SLOTS + 1u; i++) {
		set[i] = region(0x1000u + i * 0x100u, 0x100u);
	}
	FT_EQ(flue_mpu_v7_check_set(set, FLUE_MPU_V7_SLOTS), FLUE_OK);
	FT_EQ(flue_mpu_v7_check_set(set, FLUE_MPU_V7_SLOTS + 1u), FLUE_EINVAL);
}

/* The MPU after a sequence, as the architecture defines it. */
struct mpu_model {
	uint32_t ctrl;
	uint32_t rbar[FLUE_MPU_V7_SLOTS];
	uint32_t rasr[FLUE_MPU_V7_SLOTS];
	unsigned writes[FLUE_MPU_V7_SLOTS];
};

static void apply(struct mpu_model *m, const struct flue_mpu_write *seq, int n)
{
	for (int i = 0; i < n; i++) {
		if (seq[i].rnr == FLUE_MPU_RNR_CTRL) {
			m->ctrl = seq[i].rasr_or_rlar;
		} else {
			FT_TRUE(seq[i].rnr < FLUE_MPU_V7_SLOTS);
			FT_EQ(m->ctrl & 1u, 0u); /* P4: never reprogrammed while on */
			m->rbar[seq[i].rnr] = seq[i].rbar;
			m->rasr[seq[i].rnr] = seq[i].rasr_or_rlar;
			m->writes[seq[i].rnr]++;
		}
	}
}

/* Mapped = hits an enabled region and its subregion is not disabled; with
 * PRIVDEFENA = 0 there is no background region. */
static bool model_maps(const struct mpu_model *m, uint32_t addr)
{
	if ((m->ctrl & 1u) == 0u || (m->ctrl & 4u) != 0u) {
		return true; /* MPU off or background map on: nothing denied */
	}
	for (unsigned i = 0; i < FLUE_MPU_V7_SLOTS; i++) {
		if ((m->rasr[i] & 1u) == 0u) {
			continue;
		}
		uint64_t size = UINT64_C(1) << (((m->rasr[i] >> 1) & 0x1Fu) + 1u);
		uint64_t base = m->rbar[i] & ~(uint32_t)(size - 1u) & 0xFFFFFFE0u;
		if (addr < base || addr >= base + size) {
			continue;
		}
		unsigned sub = (unsigned)((addr - base) / (size / 8u));
		if (size >= 256u && ((m->rasr[i] >> (8u + sub)) & 1u) != 0u) {
			continue;
		}
		return true;
	}
	return false;
}

static bool set_maps(const struct flue_mpu_v7_region *set, uint32_t n,
		     uint32_t addr)
{
	for (uint32_t i = 0; i < n; i++) {
		if (addr >= set[i].base && addr < set[i].base + set[i].size) {
			uint64_t sub = (addr - set[i].base) / (set[i].size / 8u);
			return set[i].size < 256u || ((set[i].srd >> sub) & 1u) == 0u;
		}
	}
	return false;
}

FT_TEST(program_sequence_p1_to_p4)
{
	struct flue_mpu_v7_region set[FLUE_MPU_V7_SLOTS];
	struct flue_mpu_write out[FLUE_MPU_V7_SEQ_LEN + 2u];
	uint32_t s = 0x90a90a11u;
	for (int round = 0; round < 200; round++) {
		uint32_t n = random_set(set, &s);
		for (unsigned i = 0; i < FLUE_MPU_V7_SEQ_LEN + 2u; i++) {
			out[i].rnr = out[i].rbar = out[i].rasr_or_rlar = SENTINEL;
		}
		FT_EQ(flue_mpu_v7_build_program(set, n, out, FLUE_MPU_V7_SEQ_LEN + 2u),
		      (int32_t)FLUE_MPU_V7_SEQ_LEN);
		/* P4: disable first, enable (PRIVDEFENA = 0) last. */
		FT_EQ(out[0].rnr, FLUE_MPU_RNR_CTRL);
		FT_EQ(out[0].rbar, 0u);
		FT_EQ(out[0].rasr_or_rlar, 0u);
		FT_EQ(out[9].rnr, FLUE_MPU_RNR_CTRL);
		FT_EQ(out[9].rbar, 0u);
		FT_EQ(out[9].rasr_or_rlar, 1u);
		for (unsigned i = 0; i < FLUE_MPU_V7_SLOTS; i++) {
			FT_EQ(out[1 + i].rnr, i); /* P3: every slot, in order */
			if (i < n) {              /* P1: matches the set */
				check_encoding(&set[i], i, out[1 + i].rbar,
					       out[1 + i].rasr_or_rlar);
			} else {                  /* P2: disabled */
				FT_EQ(out[1 + i].rasr_or_rlar & 1u, 0u);
				FT_EQ(out[1 + i].rasr_or_rlar, 0u);
				FT_EQ(out[1 + i].rbar, 0x10u | i);
			}
		}
		FT_EQ(out[10].rnr, SENTINEL); /* nothing past the sequence */
		FT_EQ(out[11].rasr_or_rlar, SENTINEL);
		/* The resulting MPU maps exactly the set. */
		struct mpu_model m = { 0xFFFFFFFFu, { 0 }, { 0 }, { 0 } };
		apply(&m, out, (int)FLUE_MPU_V7_SEQ_LEN);
		for (unsigned i = 0; i < FLUE_MPU_V7_SLOTS; i++) {
			FT_EQ(m.writes[i], 1u); /* P3: exactly once */
		}
		for (int probe = 0; probe < 64; probe++) {
			uint32_t addr = ft_rand(&s);
			if ((probe & 1) && n > 0u) {
				const struct flue_mpu_v7_region *r = &set[ft_rand(&s) % n];
				addr = r->base + (uint32_t)(ft_rand(&s) % (r->size + 64u)) - 32u;
			}
			FT_EQ(model_maps(&m, addr), set_maps(set, n, addr));
		}
	}
}

static void expect_program_reject(const struct flue_mpu_v7_region *set,
				  uint32_t n, uint32_t out_len)
{
	struct flue_mpu_write out[FLUE_MPU_V7_SEQ_LEN];
	for (unsigned i = 0; i < FLUE_MPU_V7_SEQ_LEN; i++) {
		out[i].rnr = out[i].rbar = out[i].rasr_or_rlar = SENTINEL;
	}
	FT_EQ(flue_mpu_v7_build_program(set, n, out, out_len), FLUE_EINVAL);
	for (unsigned i = 0; i < FLUE_MPU_V7_SEQ_LEN; i++) {
		FT_EQ(out[i].rnr, SENTINEL);
		FT_EQ(out[i].rbar, SENTINEL);
		FT_EQ(out[i].rasr_or_rlar, SENTINEL);
	}
}

FT_TEST(program_rejects_and_leaves_output)
{
	struct flue_mpu_v7_region set[FLUE_MPU_V7_SLOTS + 1u];
	for (uint32_t i = 0; i < FLUE_MPU_V7_SLOTS + 1u; i++) {
		set[i] = region(0x20000000u + i * 0x1000u, 0x1000u);
	}
	expect_program_reject(set, 2, FLUE_MPU_V7_SEQ_LEN - 1u); /* too short */
	expect_program_reject(set, FLUE_MPU_V7_SLOTS + 1u,       /* too many */
			      FLUE_MPU_V7_SEQ_LEN);
	expect_program_reject(NULL, 1, FLUE_MPU_V7_SEQ_LEN);
	/* Overlap the other way round: a later region holding an earlier one
	 * (aligned powers of two either nest or are apart, so this is the
	 * only overlap PMSAv7 geometry allows besides a window). */
	set[3].base = set[2].base; set[3].size = 0x2000u;
	expect_program_reject(set, 4, FLUE_MPU_V7_SEQ_LEN);
	set[3] = region(0x20003000u, 0x1000u);
	set[5].size = 0x1800u;                                    /* invalid */
	expect_program_reject(set, 6, FLUE_MPU_V7_SEQ_LEN);
	set[5].size = 0x1000u;
	set[1].srd = 1; set[1].size = 128; set[1].base = 0x20001000u; /* SRD */
	expect_program_reject(set, 2, FLUE_MPU_V7_SEQ_LEN);
	FT_EQ(flue_mpu_v7_build_program(set, 2, NULL, FLUE_MPU_V7_SEQ_LEN),
	      FLUE_EINVAL);
	/* The empty set is valid: every slot disabled, MPU on: deny all. */
	struct flue_mpu_write out[FLUE_MPU_V7_SEQ_LEN];
	FT_EQ(flue_mpu_v7_build_program(NULL, 0, out, FLUE_MPU_V7_SEQ_LEN),
	      (int32_t)FLUE_MPU_V7_SEQ_LEN);
	for (unsigned i = 1; i <= FLUE_MPU_V7_SLOTS; i++) {
		FT_EQ(out[i].rasr_or_rlar, 0u);
	}
	FT_EQ(out[FLUE_MPU_V7_SEQ_LEN - 1u].rasr_or_rlar, FLUE_MPU_CTRL_ENABLE);
}

/* Windows (a later region inside an earlier one, PMSAv7's rule: the
 * higher-numbered region's rights win there): check_set refuses them,
 * check_windowed_set and build_program take them, in that order only. */
FT_TEST(windowed_sets)
{
	struct flue_mpu_v7_region set[4] = {
		region(0x20000000u, 0x10000u),  /* guest memory, RW */
		region(0x20004000u, 0x100u),    /* ring window inside it */
		region(0x20008000u, 0x1000u),   /* a second window */
		region(0x20010000u, 0x1000u),   /* apart */
	};
	set[1].ap = 6; /* read-only */
	FT_EQ(flue_mpu_v7_check_set(set, 4), FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_check_windowed_set(set, 4), FLUE_OK);
	struct flue_mpu_write out[FLUE_MPU_V7_SEQ_LEN];
	FT_EQ(flue_mpu_v7_build_program(set, 4, out, FLUE_MPU_V7_SEQ_LEN),
	      (int32_t)FLUE_MPU_V7_SEQ_LEN);
	for (uint32_t i = 0; i < 4u; i++)
		check_encoding(&set[i], i, out[1 + i].rbar, out[1 + i].rasr_or_rlar);
	/* A window inside a window: still nested. */
	set[2] = region(0x20004000u, 0x20u);
	FT_EQ(flue_mpu_v7_check_windowed_set(set, 4), FLUE_OK);
	/* The window first, the memory after it: the memory would win. */
	struct flue_mpu_v7_region swapped[2] = { set[1], set[0] };
	FT_EQ(flue_mpu_v7_check_windowed_set(swapped, 2), FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_build_program(swapped, 2, out, FLUE_MPU_V7_SEQ_LEN), FLUE_EINVAL);
	/* Invalid regions and counts are refused as by check_set. */
	set[3].size = 0x1800u;
	FT_EQ(flue_mpu_v7_check_windowed_set(set, 4), FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_check_windowed_set(NULL, 1), FLUE_EINVAL);
	FT_EQ(flue_mpu_v7_check_windowed_set(NULL, 0), FLUE_OK);
	FT_EQ(flue_mpu_v7_check_windowed_set(set, FLUE_MPU_V7_SLOTS + 1u), FLUE_EINVAL);
}

FT_SUITE(mpu_v7,
	 FT_CASE(windowed_sets),
	 FT_CASE(size_field_every_legal_size),
	 FT_CASE(size_field_rejects_everything_else),
	 FT_CASE(validity_geometry),
	 FT_CASE(encoding_decodes_back_every_size),
	 FT_CASE(encoding_rejects_and_leaves_outputs),
	 FT_CASE(set_check_counts_validity_and_overlap),
	 FT_CASE(program_sequence_p1_to_p4),
	 FT_CASE(program_rejects_and_leaves_output))
