/*
 * Memory-domain decisions against Gale's mem_domain.rs (MD1-MD6): random
 * domains built only through the add/remove decisions stay pairwise
 * non-overlapping (MD1, MD5), checked by a brute-force definition of
 * overlap; plus every rejection and Gale's quirks (16 entries always read,
 * end at 4 GiB rejected, exact-match remove).
 */
#include "ftest.h"
#include <gale/gale_mem_domain.h>
#include <flue/gale_ext.h>
#include <flue/errno.h>

#define N FLUE_MEM_DOMAIN_MAX_PARTITIONS

/* Overlap by definition: some address lies in both ranges. */
static bool share_address(uint32_t s1, uint32_t z1, uint32_t s2, uint32_t z2)
{
	uint64_t lo = s1 > s2 ? s1 : s2;
	uint64_t e1 = (uint64_t)s1 + z1, e2 = (uint64_t)s2 + z2;
	uint64_t hi = e1 < e2 ? e1 : e2;
	return z1 > 0u && z2 > 0u && lo < hi;
}

static bool overlaps_domain(const uint32_t *st, const uint32_t *sz, uint32_t s, uint32_t z)
{
	for (uint32_t i = 0; i < N; i++)
		if (share_address(st[i], sz[i], s, z))
			return true;
	return false;
}

FT_TEST(random_domains_stay_disjoint)
{
	uint32_t s = 0xD0D0u;
	for (int round = 0; round < 40; round++) {
		uint32_t st[N] = { 0 }, sz[N] = { 0 }, num = 0;
		for (int op = 0; op < 60; op++) {
			uint32_t start = (ft_rand(&s) % 64u) * 16u;
			uint32_t size = (ft_rand(&s) % 8u) * 16u;
			if (ft_rand(&s) % 3u != 0u) {
				bool valid = size > 0u;
				bool ovl = overlaps_domain(st, sz, start, size);
				uint32_t used = 0;
				for (uint32_t i = 0; i < N; i++)
					used += sz[i] != 0u;
				struct gale_mem_domain_add_decision d =
					gale_k_mem_domain_add_partition_decide(start, size, 0x7u, st, sz, num);
				struct gale_mem_domain_check_partition_decision c =
					gale_mem_domain_check_partition(start, size, st, sz, num);
				FT_EQ(c.ret, (valid && !ovl) ? 0 : FLUE_EINVAL);
				if (!valid || ovl) {
					FT_EQ(d.ret, FLUE_EINVAL);
					FT_EQ(d.action, GALE_MEM_DOMAIN_ACTION_ADD_ERROR);
					FT_EQ(d.new_num_partitions, num);
				} else if (used == N) {
					FT_EQ(d.ret, FLUE_ENOSPC);
					FT_EQ(d.new_num_partitions, num);
				} else {
					FT_EQ(d.ret, 0);
					FT_EQ(d.action, GALE_MEM_DOMAIN_ACTION_ADD_OK);
					FT_EQ(sz[d.slot], 0); /* a free slot ... */
					for (uint32_t j = 0; j < d.slot; j++)
						FT_NE(sz[j], 0); /* ... the first one */
					FT_EQ(d.new_num_partitions, num + 1u);
					st[d.slot] = start;
					sz[d.slot] = size;
					num = d.new_num_partitions;
				}
			} else if (num > 0u) {
				uint32_t pick = ft_rand(&s) % N;
				struct gale_mem_domain_remove_decision d =
					gale_k_mem_domain_remove_partition_decide(st[pick], sz[pick], st, sz, num);
				if (sz[pick] == 0u)
					continue; /* quirk covered in its own test */
				FT_EQ(d.ret, 0);
				FT_EQ(d.action, GALE_MEM_DOMAIN_ACTION_REMOVE_OK);
				FT_EQ(st[d.slot], st[pick]);
				FT_EQ(sz[d.slot], sz[pick]);
				FT_EQ(d.new_num_partitions, num - 1u);
				st[d.slot] = 0;
				sz[d.slot] = 0;
				num = d.new_num_partitions;
			}
			/* MD1: every pair of active partitions is disjoint. */
			for (uint32_t i = 0; i < N; i++)
				for (uint32_t j = i + 1u; j < N; j++)
					FT_FALSE(share_address(st[i], sz[i], st[j], sz[j]));
		}
	}
}

FT_TEST(validity_and_gale_quirks)
{
	uint32_t st[N] = { 0 }, sz[N] = { 0 };
	/* MD2: size 0 is invalid; MD6: start + size must stay <= 0xFFFFFFFF. */
	FT_EQ(gale_mem_domain_check_partition(0x1000, 0, st, sz, 0).ret, FLUE_EINVAL);
	FT_EQ(gale_mem_domain_check_partition(0xFFFFFF00u, 0xFFu, st, sz, 0).ret, 0);
	FT_EQ(gale_mem_domain_check_partition(0xFFFFFF00u, 0x100u, st, sz, 0).ret, FLUE_EINVAL);
	FT_EQ(gale_mem_domain_init_validate_partition(0xFFFFFF00u, 0x100u, st, sz, 0).ret, FLUE_EINVAL);
	FT_EQ(gale_mem_domain_init_validate_partition(0x100u, 0x100u, st, sz, 0).ret, 0);
	/* NULL arrays */
	FT_EQ(gale_mem_domain_check_partition(0x1000, 16, NULL, sz, 0).ret, FLUE_EINVAL);
	FT_EQ(gale_k_mem_domain_add_partition_decide(0x1000, 16, 0, st, NULL, 0).ret, FLUE_EINVAL);
	FT_EQ(gale_k_mem_domain_remove_partition_decide(0x1000, 16, NULL, sz, 1).ret, FLUE_EINVAL);
	/* Entries beyond num_partitions are still scanned (all 16 are read). */
	st[15] = 0x2000;
	sz[15] = 0x100;
	FT_EQ(gale_mem_domain_check_partition(0x20F0, 0x20, st, sz, 0).ret, FLUE_EINVAL);
	/* Touching ranges do not overlap. */
	FT_EQ(gale_mem_domain_check_partition(0x2100, 0x20, st, sz, 0).ret, 0);
	FT_EQ(gale_mem_domain_check_partition(0x1F00, 0x100, st, sz, 0).ret, 0);
	/* Remove: exact start and size; num floors at 0; size 0 matches a free slot. */
	FT_EQ(gale_k_mem_domain_remove_partition_decide(0x2000, 0x80, st, sz, 1).ret, FLUE_ENOENT);
	struct gale_mem_domain_remove_decision r =
		gale_k_mem_domain_remove_partition_decide(0x2000, 0x100, st, sz, 0);
	FT_EQ(r.ret, 0);
	FT_EQ(r.slot, 15);
	FT_EQ(r.new_num_partitions, 0);
	r = gale_k_mem_domain_remove_partition_decide(0, 0, st, sz, 3);
	FT_EQ(r.ret, 0);
	FT_EQ(r.slot, 0);
	/* Full domain: ENOSPC after a successful check. */
	for (uint32_t i = 0; i < N; i++) {
		st[i] = i * 0x100u;
		sz[i] = 0x10u;
	}
	struct gale_mem_domain_add_decision a =
		gale_k_mem_domain_add_partition_decide(0x8000, 0x10, 0, st, sz, 16);
	FT_EQ(a.ret, FLUE_ENOSPC);
	FT_EQ(a.action, GALE_MEM_DOMAIN_ACTION_ADD_ERROR);
	FT_EQ(a.new_num_partitions, 16);
}

_Static_assert(sizeof(struct gale_mem_domain_add_decision) == 16, "Gale layout");
_Static_assert(offsetof(struct gale_mem_domain_add_decision, slot) == 4, "Gale layout");
_Static_assert(offsetof(struct gale_mem_domain_add_decision, new_num_partitions) == 8, "Gale layout");
_Static_assert(offsetof(struct gale_mem_domain_add_decision, action) == 12, "Gale layout");
_Static_assert(sizeof(struct gale_mem_domain_remove_decision) == 16, "Gale layout");
_Static_assert(sizeof(struct gale_mem_domain_check_partition_decision) == 4, "Gale layout");
_Static_assert(sizeof(struct gale_mem_domain_init_part_decision) == 4, "Gale layout");

FT_SUITE(mem_domain,
	 FT_CASE(random_domains_stay_disjoint),
	 FT_CASE(validity_and_gale_quirks))
