/*
 * ARMv8-M PMSAv8 region math, checked against the architecture's register
 * layouts (MPU_RBAR: BASE 31:5 | SH 4:3 | AP 2:1 | XN 0; MPU_RLAR: LIMIT
 * 31:5 | AttrIndx 3:1 | EN 0, LIMIT being the last byte with bits 4:0 = 1)
 * by decoding every field back, and the programming sequence against
 * Gale's mpu_switch.rs properties P1-P4 for every slot count 1..16, plus a
 * small model of the MPU that answers "which addresses are mapped".
 */
#include "ftest.h"
#include <flue/mpu.h>
#include <flue/errno.h>

#define SENTINEL 0x5A5A5A5Au
#define GiB4 (UINT64_C(1) << 32)

static struct flue_mpu_v8_region region(uint32_t base, uint64_t size)
{
	struct flue_mpu_v8_region r = { base, size, 0, 1, 0, 0 };
	return r;
}

/* Legal fields at random (SH 0b01 is reserved). */
static void random_attrs(struct flue_mpu_v8_region *r, uint32_t *s)
{
	uint32_t x = ft_rand(s);
	r->sh = (uint8_t)(x & 3u);
	if (r->sh == 1u) {
		r->sh = 3u;
	}
	r->ap = (uint8_t)((x >> 2) & 3u);
	r->xn = (uint8_t)((x >> 4) & 1u);
	r->attr_indx = (uint8_t)((x >> 5) & 7u);
}

static void check_encoding(const struct flue_mpu_v8_region *r, uint32_t rbar,
			   uint32_t rlar)
{
	FT_EQ(rbar & 0xFFFFFFE0u, r->base);                   /* BASE */
	FT_EQ((rbar >> 3) & 3u, r->sh);
	FT_EQ((rbar >> 1) & 3u, r->ap);
	FT_EQ(rbar & 1u, r->xn);
	FT_EQ((uint64_t)(rlar | 0x1Fu), r->base + r->size - 1u); /* LIMIT */
	FT_EQ((rlar >> 4) & 1u, 0u);                           /* reserved */
	FT_EQ((rlar >> 1) & 7u, r->attr_indx);
	FT_EQ(rlar & 1u, 1u);                                  /* EN */
}

FT_TEST(validity_geometry)
{
	uint32_t s = 0x0ddba11u;
	FT_EQ(flue_mpu_v8_validate_region(0, 32), FLUE_OK);
	FT_EQ(flue_mpu_v8_validate_region(0, GiB4), FLUE_OK);
	FT_EQ(flue_mpu_v8_validate_region(0xFFFFFFE0u, 32), FLUE_OK);
	FT_EQ(flue_mpu_v8_validate_region(0x20000020u, 96), FLUE_OK); /* not 2^k */
	FT_EQ(flue_mpu_v8_validate_region(0, 0), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_validate_region(0, 16), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_validate_region(0x20000000u, 33), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_validate_region(0x20000010u, 32), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_validate_region(0xFFFFFFE0u, 64), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_validate_region(32, GiB4), FLUE_EINVAL);
	/* Sizes near 2^64 must not wrap into "fits". */
	FT_EQ(flue_mpu_v8_validate_region(32, UINT64_MAX - 31u), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_validate_region(0xFFFFFFE0u, UINT64_C(0) - 0xFFFFFFE0u),
	      FLUE_EINVAL);
	for (int i = 0; i < 3000; i++) {
		uint32_t base = ft_rand(&s);
		uint64_t size = ft_rand(&s) >> (ft_rand(&s) % 32u);
		if (i & 1) {
			base &= ~0x1Fu;
			size &= ~(uint64_t)0x1Fu;
		}
		if (i % 7 == 0) {
			size += GiB4 - 64u;
		}
		bool ok = base % 32u == 0u && size % 32u == 0u && size >= 32u &&
			  base + size <= GiB4;
		FT_EQ(flue_mpu_v8_validate_region(base, size),
		      ok ? FLUE_OK : FLUE_EINVAL);
	}
}

FT_TEST(encoding_decodes_back)
{
	uint32_t s = 0xc0ffee08u;
	for (unsigned k = 5; k <= 32u; k++) {
		for (int rep = 0; rep < 6; rep++) {
			/* Any multiple of 32 up to 2^k, placed anywhere it fits. */
			uint64_t size = ((uint64_t)ft_rand(&s) % (UINT64_C(1) << k) &
					 ~(uint64_t)31u) + 32u;
			uint64_t room = GiB4 - size;
			uint32_t base = (uint32_t)(((uint64_t)ft_rand(&s) % (room + 1u)) &
						   ~(uint64_t)31u);
			if (rep == 0) {
				base = (uint32_t)room; /* ends exactly at 4 GiB */
			}
			struct flue_mpu_v8_region r = region(base, size);
			uint32_t rbar = SENTINEL, rlar = SENTINEL;
			random_attrs(&r, &s);
			FT_EQ(flue_mpu_v8_encode_region(&r, &rbar, &rlar), FLUE_OK);
			check_encoding(&r, rbar, rlar);
		}
	}
	struct flue_mpu_v8_region all = { 0, GiB4, 3, 3, 1, 7 };
	uint32_t rbar = 0, rlar = 0;
	FT_EQ(flue_mpu_v8_encode_region(&all, &rbar, &rlar), FLUE_OK);
	FT_EQ(rbar, 0x1Fu);
	FT_EQ(rlar, 0xFFFFFFEFu);
}

static void expect_reject(const struct flue_mpu_v8_region *r)
{
	uint32_t rbar = SENTINEL, rlar = SENTINEL;
	FT_EQ(flue_mpu_v8_encode_region(r, &rbar, &rlar), FLUE_EINVAL);
	FT_EQ(rbar, SENTINEL);
	FT_EQ(rlar, SENTINEL);
}

FT_TEST(encoding_rejects_and_leaves_outputs)
{
	struct flue_mpu_v8_region r;
	r = region(0x20000000u, 64); r.sh = 1; expect_reject(&r);
	r = region(0x20000000u, 64); r.sh = 4; expect_reject(&r);
	r = region(0x20000000u, 64); r.ap = 4; expect_reject(&r);
	r = region(0x20000000u, 64); r.xn = 2; expect_reject(&r);
	r = region(0x20000000u, 64); r.attr_indx = 8; expect_reject(&r);
	r = region(0x20000008u, 64); expect_reject(&r);   /* base misaligned */
	r = region(0x20000000u, 72); expect_reject(&r);   /* size not 32k */
	r = region(0x20000000u, 0); expect_reject(&r);
	r = region(0xFFFFFFC0u, 96); expect_reject(&r);   /* past 4 GiB */
	r = region(0, GiB4 + 32u); expect_reject(&r);
	expect_reject(NULL);
	r = region(0x20000000u, 64);
	uint32_t word = SENTINEL;
	FT_EQ(flue_mpu_v8_encode_region(&r, NULL, &word), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_encode_region(&r, &word, NULL), FLUE_EINVAL);
	FT_EQ(word, SENTINEL);
}

/* A random valid set for `slots` slots: region i lives in its own 1/16 of
 * the address space, the sixteenths in random order. */
static uint32_t random_set(struct flue_mpu_v8_region *set, uint32_t slots,
			   uint32_t *s)
{
	uint32_t count = ft_rand(s) % (slots + 1u);
	uint32_t order[16];
	for (uint32_t i = 0; i < 16u; i++) {
		order[i] = i;
	}
	for (uint32_t i = 15; i > 0; i--) {
		uint32_t j = ft_rand(s) % (i + 1u), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint64_t size = ((uint64_t)ft_rand(s) % 0x8000000u & ~(uint64_t)31u) + 32u;
		uint32_t off = (ft_rand(s) % 0x8000000u) & ~31u;
		set[i] = region(order[i] * 0x10000000u + off, size);
		random_attrs(&set[i], s);
	}
	return count;
}

FT_TEST(set_check_slots_validity_and_overlap)
{
	struct flue_mpu_v8_region set[FLUE_MPU_V8_MAX_SLOTS + 1u];
	uint32_t s = 0x5e7c0de8u;
	FT_EQ(flue_mpu_v8_check_set(NULL, 0, 8), FLUE_OK);
	FT_EQ(flue_mpu_v8_check_set(NULL, 1, 8), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_check_set(NULL, 0, 0), FLUE_EINVAL);
	FT_EQ(flue_mpu_v8_check_set(NULL, 0, FLUE_MPU_V8_MAX_SLOTS + 1u),
	      FLUE_EINVAL);
	for (int round = 0; round < 300; round++) {
		uint32_t slots = 1u + ft_rand(&s) % FLUE_MPU_V8_MAX_SLOTS;
		uint32_t n = random_set(set, slots, &s);
		FT_EQ(flue_mpu_v8_check_set(set, n, slots), FLUE_OK);
		if (n < slots) {
			FT_EQ(flue_mpu_v8_check_set(set, n, n == 0u ? 1u : n), FLUE_OK);
		}
		if (n > 0u) {
			FT_EQ(flue_mpu_v8_check_set(set, n, n - 1u), FLUE_EINVAL);
		}
		if (n >= 2u) {
			/* Shift one region so its first granule hits another's last. */
			uint32_t i = ft_rand(&s) % n;
			uint32_t j = (i + 1u + ft_rand(&s) % (n - 1u)) % n;
			uint32_t old = set[j].base;
			set[j].base = (uint32_t)(set[i].base + set[i].size - 32u);
			FT_EQ(flue_mpu_v8_check_set(set, n, slots), FLUE_EINVAL);
			set[j].base = (uint32_t)(set[i].base + set[i].size);
			bool touches_other = false;
			for (uint32_t q = 0; q < n; q++) {
				if (q != j && set[q].base < set[j].base + set[j].size &&
				    set[j].base < set[q].base + set[q].size) {
					touches_other = true;
				}
			}
			if (!touches_other && set[j].base + set[j].size <= GiB4) {
				FT_EQ(flue_mpu_v8_check_set(set, n, slots), FLUE_OK);
			}
			set[j].base = old;
			set[ft_rand(&s) % n].sh = 1; /* reserved encoding */
			FT_EQ(flue_mpu_v8_check_set(set, n, slots), FLUE_EINVAL);
		}
	}
}

/* The MPU after a sequence (PMSAv8): an address is mapped iff it lies in
 * [RBAR.BASE, RLAR.LIMIT | 0x1F] of exactly one enabled region (two hits
 * fault); PRIVDEFENA = 0 means no background map. */
struct mpu_model {
	uint32_t ctrl;
	uint32_t rbar[FLUE_MPU_V8_MAX_SLOTS];
	uint32_t rlar[FLUE_MPU_V8_MAX_SLOTS];
	unsigned writes[FLUE_MPU_V8_MAX_SLOTS];
};

static void apply(struct mpu_model *m, const struct flue_mpu_write *seq,
		  uint32_t n, uint32_t slots)
{
	for (uint32_t i = 0; i < n; i++) {
		if (seq[i].rnr == FLUE_MPU_RNR_CTRL) {
			m->ctrl = seq[i].rasr_or_rlar;
		} else {
			FT_TRUE(seq[i].rnr < slots);
			FT_EQ(m->ctrl & 1u, 0u); /* P4: never reprogrammed while on */
			m->rbar[seq[i].rnr] = seq[i].rbar;
			m->rlar[seq[i].rnr] = seq[i].rasr_or_rlar;
			m->writes[seq[i].rnr]++;
		}
	}
}

static bool model_maps(const struct mpu_model *m, uint32_t slots, uint32_t addr)
{
	unsigned hits = 0;
	if ((m->ctrl & 1u) == 0u || (m->ctrl & 4u) != 0u) {
		return true;
	}
	for (uint32_t i = 0; i < slots; i++) {
		if ((m->rlar[i] & 1u) != 0u && addr >= (m->rbar[i] & ~0x1Fu) &&
		    addr <= (m->rlar[i] | 0x1Fu)) {
			hits++;
		}
	}
	return hits == 1u;
}

static bool set_maps(const struct flue_mpu_v8_region *set, uint32_t n,
		     uint32_t addr)
{
	for (uint32_t i = 0; i < n; i++) {
		if (addr >= set[i].base && addr < set[i].base + set[i].size) {
			return true;
		}
	}
	return false;
}

FT_TEST(program_sequence_p1_to_p4_every_slot_count)
{
	struct flue_mpu_v8_region set[FLUE_MPU_V8_MAX_SLOTS];
	struct flue_mpu_write out[FLUE_MPU_SEQ_MAX + 2u];
	uint32_t s = 0x90a90a18u;
	for (int round = 0; round < 320; round++) {
		uint32_t slots = 1u + (uint32_t)round % FLUE_MPU_V8_MAX_SLOTS;
		uint32_t n = random_set(set, slots, &s);
		uint32_t len = FLUE_MPU_V8_SEQ_LEN(slots);
		for (unsigned i = 0; i < FLUE_MPU_SEQ_MAX + 2u; i++) {
			out[i].rnr = out[i].rbar = out[i].rasr_or_rlar = SENTINEL;
		}
		FT_EQ(flue_mpu_v8_build_program(set, n, slots, out, len + ((uint32_t)round & 1u)),
		      (int32_t)len);
		/* P4: disable first, enable (PRIVDEFENA = 0) last. */
		FT_EQ(out[0].rnr, FLUE_MPU_RNR_CTRL);
		FT_EQ(out[0].rbar, 0u);
		FT_EQ(out[0].rasr_or_rlar, 0u);
		FT_EQ(out[len - 1u].rnr, FLUE_MPU_RNR_CTRL);
		FT_EQ(out[len - 1u].rbar, 0u);
		FT_EQ(out[len - 1u].rasr_or_rlar, 1u);
		for (uint32_t i = 0; i < slots; i++) {
			FT_EQ(out[1 + i].rnr, i); /* P3: every slot, in order */
			if (i < n) {              /* P1 */
				check_encoding(&set[i], out[1 + i].rbar,
					       out[1 + i].rasr_or_rlar);
			} else {                  /* P2: EN = 0 */
				FT_EQ(out[1 + i].rbar, 0u);
				FT_EQ(out[1 + i].rasr_or_rlar, 0u);
			}
		}
		FT_EQ(out[len].rnr, SENTINEL); /* nothing past the sequence */
		FT_EQ(out[len + 1u].rbar, SENTINEL);
		struct mpu_model m = { 0xFFFFFFFFu, { 0 }, { 0 }, { 0 } };
		apply(&m, out, len, slots);
		for (uint32_t i = 0; i < slots; i++) {
			FT_EQ(m.writes[i], 1u); /* P3: exactly once */
		}
		for (int probe = 0; probe < 48; probe++) {
			uint32_t addr = ft_rand(&s);
			if ((probe & 1) && n > 0u) {
				const struct flue_mpu_v8_region *r = &set[ft_rand(&s) % n];
				addr = r->base + (uint32_t)(ft_rand(&s) % (r->size + 64u)) - 32u;
			}
			FT_EQ(model_maps(&m, slots, addr), set_maps(set, n, addr));
		}
	}
}

static void expect_program_reject(const struct flue_mpu_v8_region *set,
				  uint32_t n, uint32_t slots, uint32_t out_len)
{
	struct flue_mpu_write out[FLUE_MPU_SEQ_MAX];
	for (unsigned i = 0; i < FLUE_MPU_SEQ_MAX; i++) {
		out[i].rnr = out[i].rbar = out[i].rasr_or_rlar = SENTINEL;
	}
	FT_EQ(flue_mpu_v8_build_program(set, n, slots, out, out_len), FLUE_EINVAL);
	for (unsigned i = 0; i < FLUE_MPU_SEQ_MAX; i++) {
		FT_EQ(out[i].rnr, SENTINEL);
		FT_EQ(out[i].rbar, SENTINEL);
		FT_EQ(out[i].rasr_or_rlar, SENTINEL);
	}
}

FT_TEST(program_rejects_and_leaves_output)
{
	struct flue_mpu_v8_region set[FLUE_MPU_V8_MAX_SLOTS + 1u];
	for (uint32_t i = 0; i < FLUE_MPU_V8_MAX_SLOTS + 1u; i++) {
		set[i] = region(0x20000000u + i * 0x60u, 0x60u);
	}
	expect_program_reject(set, 2, 8, FLUE_MPU_V8_SEQ_LEN(8) - 1u);
	expect_program_reject(set, 9, 8, FLUE_MPU_SEQ_MAX);      /* count > slots */
	expect_program_reject(set, 0, 0, FLUE_MPU_SEQ_MAX);      /* no slots */
	expect_program_reject(set, 2, FLUE_MPU_V8_MAX_SLOTS + 1u, FLUE_MPU_SEQ_MAX);
	expect_program_reject(NULL, 1, 8, FLUE_MPU_SEQ_MAX);
	set[3].base = set[2].base + 0x40u;                        /* overlap */
	expect_program_reject(set, 4, 8, FLUE_MPU_SEQ_MAX);
	set[3].base = set[2].base + 0x60u;
	set[5].size = 0x50u;                                      /* invalid */
	expect_program_reject(set, 6, 8, FLUE_MPU_SEQ_MAX);
	set[5].size = 0x60u;
	FT_EQ(flue_mpu_v8_build_program(set, 2, 8, NULL, FLUE_MPU_SEQ_MAX),
	      FLUE_EINVAL);
	/* Sixteen regions on a sixteen-slot MPU; the empty set denies all. */
	struct flue_mpu_write out[FLUE_MPU_SEQ_MAX];
	FT_EQ(flue_mpu_v8_build_program(set, 16, 16, out, FLUE_MPU_SEQ_MAX),
	      (int32_t)FLUE_MPU_SEQ_MAX);
	FT_EQ(out[16].rnr, 15u);
	FT_EQ(out[16].rbar & ~0x1Fu, set[15].base);
	FT_EQ(flue_mpu_v8_build_program(NULL, 0, FLUE_MPU_V8_SLOTS, out,
					FLUE_MPU_SEQ_MAX),
	      (int32_t)FLUE_MPU_V8_SEQ_LEN(FLUE_MPU_V8_SLOTS));
	for (unsigned i = 1; i <= FLUE_MPU_V8_SLOTS; i++) {
		FT_EQ(out[i].rasr_or_rlar, 0u);
	}
	FT_EQ(out[FLUE_MPU_V8_SLOTS + 1u].rasr_or_rlar, FLUE_MPU_CTRL_ENABLE);
}

FT_SUITE(mpu_v8,
	 FT_CASE(validity_geometry),
	 FT_CASE(encoding_decodes_back),
	 FT_CASE(encoding_rejects_and_leaves_outputs),
	 FT_CASE(set_check_slots_validity_and_overlap),
	 FT_CASE(program_sequence_p1_to_p4_every_slot_count),
	 FT_CASE(program_rejects_and_leaves_output))
