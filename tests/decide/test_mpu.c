/*
 * MPU range overlap against a brute-force definition: two ranges overlap
 * iff some address lies in both. Checked exhaustively on a small domain,
 * then on the same domain scaled up to the top of the 4 GiB space (overlap
 * is invariant under scaling), plus 64-bit ends that must not wrap.
 */
#include "ftest.h"
#include <flue/mpu.h>

#define DOM_BASES 12u /* bases 0..11 */
#define DOM_SIZES 9u  /* sizes 0..8 */
#define DOM_ADDRS (DOM_BASES + DOM_SIZES)

/* Some address in both [ba, ba + sa) and [bb, bb + sb): enumerate them. */
static bool brute_overlap(uint32_t ba, uint32_t sa, uint32_t bb, uint32_t sb)
{
	for (uint32_t x = 0; x < DOM_ADDRS; x++) {
		bool in_a = x >= ba && x < ba + sa;
		bool in_b = x >= bb && x < bb + sb;
		if (in_a && in_b) {
			return true;
		}
	}
	return false;
}

FT_TEST(overlap_matches_brute_force_small_domain)
{
	for (uint32_t ba = 0; ba < DOM_BASES; ba++) {
		for (uint32_t sa = 0; sa < DOM_SIZES; sa++) {
			for (uint32_t bb = 0; bb < DOM_BASES; bb++) {
				for (uint32_t sb = 0; sb < DOM_SIZES; sb++) {
					FT_EQ(flue_mpu_detect_overlap(ba, sa, bb, sb),
					      brute_overlap(ba, sa, bb, sb));
				}
			}
		}
	}
}

FT_TEST(overlap_scaled_to_top_of_address_space)
{
	/* Unit 2^28: bases 0..11 units reach 0xB0000000 and the largest ends
	 * reach 19 units (beyond 2^32, which 64-bit ends must handle). */
	const uint64_t unit = UINT64_C(1) << 28;
	for (uint32_t ba = 0; ba < DOM_BASES; ba++) {
		for (uint32_t sa = 0; sa < DOM_SIZES; sa++) {
			for (uint32_t bb = 0; bb < DOM_BASES; bb++) {
				for (uint32_t sb = 0; sb < DOM_SIZES; sb++) {
					FT_EQ(flue_mpu_detect_overlap(
						      (uint32_t)(ba * unit), sa * unit,
						      (uint32_t)(bb * unit), sb * unit),
					      brute_overlap(ba, sa, bb, sb));
				}
			}
		}
	}
	/* The whole 4 GiB space overlaps every non-empty range. */
	FT_TRUE(flue_mpu_detect_overlap(0, UINT64_C(1) << 32, 0xFFFFFFE0u, 32));
	FT_TRUE(flue_mpu_detect_overlap(0xFFFFFFFFu, 1, 0, UINT64_C(1) << 32));
	FT_FALSE(flue_mpu_detect_overlap(0, UINT64_C(1) << 32, 0x1000u, 0));
}

FT_TEST(overlap_is_symmetric_and_exact_at_edges_random)
{
	uint32_t s = 0x0f1a2b3cu;
	for (int i = 0; i < 3000; i++) {
		uint32_t ba = ft_rand(&s);
		uint32_t bb = ft_rand(&s);
		uint64_t sa = ft_rand(&s) % 4096u;
		uint64_t sb = ft_rand(&s) % 4096u;
		if (i & 1) {
			bb = ba + (uint32_t)(ft_rand(&s) % 8192u) - 4096u;
		}
		bool expect = sa > 0 && sb > 0 &&
			      (uint64_t)ba < (uint64_t)bb + sb &&
			      (uint64_t)bb < (uint64_t)ba + sa;
		FT_EQ(flue_mpu_detect_overlap(ba, sa, bb, sb), expect);
		FT_EQ(flue_mpu_detect_overlap(bb, sb, ba, sa), expect);
	}
	/* Touching ranges do not overlap; one shared byte does. */
	FT_FALSE(flue_mpu_detect_overlap(0x1000u, 0x100u, 0x1100u, 0x100u));
	FT_TRUE(flue_mpu_detect_overlap(0x1000u, 0x101u, 0x1100u, 0x100u));
	FT_FALSE(flue_mpu_detect_overlap(0x1100u, 0x100u, 0x1000u, 0x100u));
}

FT_TEST(overlap_huge_sizes_do_not_wrap)
{
	/* base + size exceeds 2^64 here: a wrapping sum would say "no". */
	FT_TRUE(flue_mpu_detect_overlap(0x10u, UINT64_MAX, 0xFFFFFFF0u, 1));
	FT_FALSE(flue_mpu_detect_overlap(0xFFFFFFFFu, UINT64_MAX, 0, 0xFFFFFFFFu));
	FT_TRUE(flue_mpu_detect_overlap(0xFFFFFFFFu, UINT64_MAX, 0, UINT64_MAX));
	FT_TRUE(flue_mpu_detect_overlap(0xFFFFFFFFu, 1, 0xFFFFFFFFu, UINT64_MAX));
}

FT_SUITE(mpu,
	 FT_CASE(overlap_matches_brute_force_small_domain),
	 FT_CASE(overlap_scaled_to_top_of_address_space),
	 FT_CASE(overlap_is_symmetric_and_exact_at_edges_random),
	 FT_CASE(overlap_huge_sizes_do_not_wrap))
