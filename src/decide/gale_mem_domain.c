/*
 * Gale-compatible memory-domain partition decisions. Pure: no globals, no
 * effects. Contracts restate Gale's mem_domain.rs properties (MD1-MD6).
 * Like Gale, every scan reads all 16 entries of both arrays; that is a
 * stated precondition here, not a silent difference.
 */
#include <stdbool.h>
#include <gale/gale_mem_domain.h>
#include <flue/errno.h>
#include <flue/gale_ext.h>
#include "acsl.h"

#define NPART FLUE_MEM_DOMAIN_MAX_PARTITIONS

/*@
  predicate flue_part_valid(integer start, integer size) =
    size > 0 && start + size <= 4294967295;
  predicate flue_overlaps(integer s1, integer z1, integer s2, integer z2) =
    s1 + z1 > s2 && s2 + z2 > s1;
  predicate flue_hits(uint32_t *starts, uint32_t *sizes, integer i,
                      integer start, integer size) =
    sizes[i] > 0 && flue_overlaps(start, size, starts[i], sizes[i]);
  predicate flue_no_overlap(uint32_t *starts, uint32_t *sizes,
                            integer start, integer size) =
    \forall integer i; 0 <= i < 16 ==> !flue_hits(starts, sizes, i, start, size);
  // What the check accepts: a valid partition overlapping no active one.
  predicate flue_part_accepted(uint32_t *starts, uint32_t *sizes,
                               integer start, integer size) =
    flue_part_valid(start, size) && starts != \null && sizes != \null &&
    flue_no_overlap(starts, sizes, start, size);
*/

/*@ requires \valid_read(starts + (0 .. 15)) && \valid_read(sizes + (0 .. 15));
    assigns \nothing;
    ensures hit: \result == \true ==>
      \exists integer i; 0 <= i < 16 &&
        flue_hits((uint32_t *)starts, (uint32_t *)sizes, i, start, size);
    ensures none: \result == \false ==>
      flue_no_overlap((uint32_t *)starts, (uint32_t *)sizes, start, size);
*/
static bool overlaps_any(uint32_t start, uint32_t size, const uint32_t *starts,
			 const uint32_t *sizes)
{
	/*@ loop invariant 0 <= i <= 16;
	    loop invariant \forall integer j; 0 <= j < i ==>
	        !flue_hits((uint32_t *)starts, (uint32_t *)sizes, j, start, size);
	    loop assigns i;
	    loop variant 16 - i;
	*/
	for (uint32_t i = 0; i < NPART; i++) {
		/* 64-bit ends: start + size cannot wrap (MD6). */
		if (sizes[i] > 0u &&
		    (uint64_t)start + size > starts[i] &&
		    (uint64_t)starts[i] + sizes[i] > start) {
			return true;
		}
	}
	return false;
}

/*@ requires starts == \null || \valid_read(starts + (0 .. 15));
    requires sizes == \null || \valid_read(sizes + (0 .. 15));
    assigns \nothing;
    behavior MD2_invalid:
      assumes !flue_part_valid(part_start, part_size);
      ensures \result == FLUE_EINVAL;
    behavior null:
      assumes flue_part_valid(part_start, part_size);
      assumes starts == \null || sizes == \null;
      ensures \result == FLUE_EINVAL;
    behavior MD1_overlap:
      assumes flue_part_valid(part_start, part_size);
      assumes starts != \null && sizes != \null;
      assumes !flue_no_overlap((uint32_t *)starts, (uint32_t *)sizes, part_start, part_size);
      ensures \result == FLUE_EINVAL;
    behavior MD5_ok:
      assumes flue_part_valid(part_start, part_size);
      assumes starts != \null && sizes != \null;
      assumes flue_no_overlap((uint32_t *)starts, (uint32_t *)sizes, part_start, part_size);
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
static int32_t check_partition(uint32_t part_start, uint32_t part_size,
			       const uint32_t *starts, const uint32_t *sizes)
{
	if (part_size == 0u || (uint64_t)part_start + part_size > UINT32_MAX) {
		return FLUE_EINVAL;
	}
	if (starts == 0 || sizes == 0) {
		return FLUE_EINVAL;
	}
	return overlaps_any(part_start, part_size, starts, sizes) ? FLUE_EINVAL : FLUE_OK;
}

/*@ requires domain_starts == \null || \valid_read(domain_starts + (0 .. 15));
    requires domain_sizes == \null || \valid_read(domain_sizes + (0 .. 15));
    assigns \nothing;
    ensures MD1_MD2: \result.ret == FLUE_OK <==>
      flue_part_accepted((uint32_t *)domain_starts, (uint32_t *)domain_sizes,
                         part_start, part_size);
    ensures \result.ret == FLUE_OK || \result.ret == FLUE_EINVAL;
*/
struct gale_mem_domain_check_partition_decision
gale_mem_domain_check_partition(uint32_t part_start, uint32_t part_size,
				const uint32_t *domain_starts,
				const uint32_t *domain_sizes,
				uint32_t num_partitions)
{
	struct gale_mem_domain_check_partition_decision d;
	(void)num_partitions; /* Gale scans all 16 slots regardless */
	d.ret = check_partition(part_start, part_size, domain_starts, domain_sizes);
	return d;
}

/*@ requires domain_starts == \null || \valid_read(domain_starts + (0 .. 15));
    requires domain_sizes == \null || \valid_read(domain_sizes + (0 .. 15));
    requires MD4: num_partitions <= 16;
    assigns \nothing;
    behavior rejected:
      assumes !flue_part_accepted((uint32_t *)domain_starts, (uint32_t *)domain_sizes,
                                  part_start, part_size);
      ensures \result.ret == FLUE_EINVAL;
      ensures \result.action == GALE_MEM_DOMAIN_ACTION_ADD_ERROR;
      ensures \result.slot == 0 && \result.new_num_partitions == num_partitions;
    behavior full:
      assumes flue_part_accepted((uint32_t *)domain_starts, (uint32_t *)domain_sizes,
                                 part_start, part_size);
      assumes \forall integer i; 0 <= i < 16 ==> domain_sizes[i] != 0;
      ensures \result.ret == FLUE_ENOSPC;
      ensures \result.action == GALE_MEM_DOMAIN_ACTION_ADD_ERROR;
      ensures \result.slot == 0 && \result.new_num_partitions == num_partitions;
    behavior MD5_add:
      assumes flue_part_accepted((uint32_t *)domain_starts, (uint32_t *)domain_sizes,
                                 part_start, part_size);
      assumes \exists integer i; 0 <= i < 16 && domain_sizes[i] == 0;
      ensures \result.ret == FLUE_OK;
      ensures \result.action == GALE_MEM_DOMAIN_ACTION_ADD_OK;
      ensures \result.slot < 16 && domain_sizes[\result.slot] == 0;
      ensures first_free: \forall integer j; 0 <= j < \result.slot ==> domain_sizes[j] != 0;
      ensures \result.new_num_partitions == num_partitions + 1;
    complete behaviors;
    disjoint behaviors;
*/
struct gale_mem_domain_add_decision
gale_k_mem_domain_add_partition_decide(uint32_t part_start, uint32_t part_size,
				       uint32_t part_attr,
				       const uint32_t *domain_starts,
				       const uint32_t *domain_sizes,
				       uint32_t num_partitions)
{
	struct gale_mem_domain_add_decision d;
	(void)part_attr; /* Gale ignores the attributes in this decision */
	d.slot = 0u;
	d.new_num_partitions = num_partitions;
	d.action = GALE_MEM_DOMAIN_ACTION_ADD_ERROR;
	d.ret = check_partition(part_start, part_size, domain_starts, domain_sizes);
	if (d.ret != FLUE_OK) {
		return d;
	}
	/*@ loop invariant 0 <= i <= 16;
	    loop invariant \forall integer j; 0 <= j < i ==> domain_sizes[j] != 0;
	    loop assigns i;
	    loop variant 16 - i;
	*/
	for (uint32_t i = 0; i < NPART; i++) {
		if (domain_sizes[i] == 0u) {
			d.slot = i;
			d.new_num_partitions = num_partitions + 1u;
			d.action = GALE_MEM_DOMAIN_ACTION_ADD_OK;
			return d;
		}
	}
	d.ret = FLUE_ENOSPC;
	return d;
}

/*@ requires domain_starts == \null || \valid_read(domain_starts + (0 .. 15));
    requires domain_sizes == \null || \valid_read(domain_sizes + (0 .. 15));
    assigns \nothing;
    behavior null:
      assumes domain_starts == \null || domain_sizes == \null;
      ensures \result.ret == FLUE_EINVAL;
      ensures \result.action == GALE_MEM_DOMAIN_ACTION_REMOVE_ERROR;
      ensures \result.slot == 0 && \result.new_num_partitions == num_partitions;
    behavior not_found:
      assumes domain_starts != \null && domain_sizes != \null;
      assumes \forall integer i; 0 <= i < 16 ==>
              !(domain_starts[i] == part_start && domain_sizes[i] == part_size);
      ensures \result.ret == FLUE_ENOENT;
      ensures \result.action == GALE_MEM_DOMAIN_ACTION_REMOVE_ERROR;
      ensures \result.slot == 0 && \result.new_num_partitions == num_partitions;
    behavior MD5_remove:
      assumes domain_starts != \null && domain_sizes != \null;
      assumes \exists integer i; 0 <= i < 16 &&
              domain_starts[i] == part_start && domain_sizes[i] == part_size;
      ensures \result.ret == FLUE_OK;
      ensures \result.action == GALE_MEM_DOMAIN_ACTION_REMOVE_OK;
      ensures \result.slot < 16;
      ensures domain_starts[\result.slot] == part_start;
      ensures domain_sizes[\result.slot] == part_size;
      ensures first_match: \forall integer j; 0 <= j < \result.slot ==>
              !(domain_starts[j] == part_start && domain_sizes[j] == part_size);
      ensures \result.new_num_partitions ==
              (num_partitions > 0 ? num_partitions - 1 : 0);
    complete behaviors;
    disjoint behaviors;
*/
struct gale_mem_domain_remove_decision
gale_k_mem_domain_remove_partition_decide(uint32_t part_start, uint32_t part_size,
					  const uint32_t *domain_starts,
					  const uint32_t *domain_sizes,
					  uint32_t num_partitions)
{
	struct gale_mem_domain_remove_decision d;
	d.slot = 0u;
	d.new_num_partitions = num_partitions;
	d.action = GALE_MEM_DOMAIN_ACTION_REMOVE_ERROR;
	if (domain_starts == 0 || domain_sizes == 0) {
		d.ret = FLUE_EINVAL;
		return d;
	}
	/*@ loop invariant 0 <= i <= 16;
	    loop invariant \forall integer j; 0 <= j < i ==>
	        !(domain_starts[j] == part_start && domain_sizes[j] == part_size);
	    loop assigns i;
	    loop variant 16 - i;
	*/
	for (uint32_t i = 0; i < NPART; i++) {
		if (domain_starts[i] == part_start && domain_sizes[i] == part_size) {
			d.ret = FLUE_OK;
			d.slot = i;
			d.new_num_partitions = num_partitions > 0u ? num_partitions - 1u : 0u;
			d.action = GALE_MEM_DOMAIN_ACTION_REMOVE_OK;
			return d;
		}
	}
	d.ret = FLUE_ENOENT;
	return d;
}

/*@ requires domain_starts == \null || \valid_read(domain_starts + (0 .. 15));
    requires domain_sizes == \null || \valid_read(domain_sizes + (0 .. 15));
    assigns \nothing;
    ensures MD1_MD2: \result.ret == FLUE_OK <==>
      flue_part_accepted((uint32_t *)domain_starts, (uint32_t *)domain_sizes,
                         part_start, part_size);
    ensures \result.ret == FLUE_OK || \result.ret == FLUE_EINVAL;
*/
struct gale_mem_domain_init_part_decision
gale_mem_domain_init_validate_partition(uint32_t part_start, uint32_t part_size,
					const uint32_t *domain_starts,
					const uint32_t *domain_sizes,
					uint32_t num_partitions)
{
	struct gale_mem_domain_init_part_decision d;
	(void)num_partitions;
	d.ret = check_partition(part_start, part_size, domain_starts, domain_sizes);
	return d;
}
