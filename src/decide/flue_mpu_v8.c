/*
 * ARMv8-M PMSAv8 MPU decisions: region validity, RBAR/RLAR encoding, the
 * region-set check and the deny-by-default programming sequence. Pure: no
 * globals, no effects. Register values are built by arithmetic (field *
 * 2^lo), not shifts, so that the provers see the sums the contracts state
 * (acsl_mpu.h). Property labels P1..P4 follow Gale's mpu_switch.rs.
 */
#include <stddef.h>
#include <flue/mpu.h>
#include <flue/errno.h>
#include "acsl_mpu.h"

/*@ assigns \nothing;
    behavior valid:
      assumes flue_mpu_v8_geom_ok(base, size);
      ensures \result == FLUE_OK;
    behavior invalid:
      assumes !flue_mpu_v8_geom_ok(base, size);
      ensures \result == FLUE_EINVAL;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v8_validate_region(uint32_t base, uint64_t size)
{
	if (base % FLUE_MPU_V8_GRANULE != 0u || size % FLUE_MPU_V8_GRANULE != 0u ||
	    size < FLUE_MPU_MIN_SIZE) {
		return FLUE_EINVAL;
	}
	/* Compare without adding: base + size could wrap a u64 for huge size. */
	if (size > UINT64_C(4294967296) - base) {
		return FLUE_EINVAL;
	}
	return FLUE_OK;
}

/* 0 iff the whole region (geometry and fields) is encodable. */
/*@ assigns \nothing;
    ensures valid: \result == FLUE_OK <==> flue_mpu_v8_region_ok(r);
    ensures invalid: \result != FLUE_OK ==> \result == FLUE_EINVAL;
*/
static int32_t check_region(struct flue_mpu_v8_region r)
{
	if (flue_mpu_v8_validate_region(r.base, r.size) != FLUE_OK) {
		return FLUE_EINVAL;
	}
	if (r.sh > 3u || r.sh == FLUE_MPU_V8_SH_RESERVED || r.ap > 3u ||
	    r.xn > 1u || r.attr_indx > 7u) {
		return FLUE_EINVAL;
	}
	return FLUE_OK;
}

/* RBAR of a valid region: base[31:5] | SH | AP | XN. */
/*@ requires flue_mpu_v8_region_ok(r);
    assigns \nothing;
    ensures \result == flue_mpu_v8_rbar(r);
*/
static uint32_t rbar_of(struct flue_mpu_v8_region r)
{
	return r.base + (uint32_t)r.sh * 8u + (uint32_t)r.ap * 2u +
	       (uint32_t)r.xn;
}

/* RLAR of a valid region: limit[31:5] | AttrIndx | EN. */
/*@ requires flue_mpu_v8_region_ok(r);
    assigns \nothing;
    ensures \result == flue_mpu_v8_rlar(r);
*/
static uint32_t rlar_of(struct flue_mpu_v8_region r)
{
	/* base + size <= 2^32 and both are multiples of 32, so the last
	 * granule starts at base + size - 32 < 2^32. */
	uint32_t limit_granule = (uint32_t)((uint64_t)r.base + r.size - 32u);

	/*@ assert (r.base + r.size - 1) / 32 * 32 == limit_granule; */
	return limit_granule + (uint32_t)r.attr_indx * 2u + 1u;
}

/*@ requires r == \null || \valid_read(r);
    requires rbar == \null || \valid(rbar);
    requires rlar == \null || \valid(rlar);
    requires \separated(r, rbar, rlar);
    assigns *rbar, *rlar;
    behavior reject:
      assumes r == \null || rbar == \null || rlar == \null ||
              !flue_mpu_v8_region_ok(*r);
      assigns \nothing;
      ensures einval: \result == FLUE_EINVAL;
      ensures unchanged: (rbar != \null ==> *rbar == \old(*rbar)) &&
                         (rlar != \null ==> *rlar == \old(*rlar));
    behavior encode:
      assumes r != \null && rbar != \null && rlar != \null &&
              flue_mpu_v8_region_ok(*r);
      ensures \result == FLUE_OK;
      ensures rbar: *rbar == flue_mpu_v8_rbar(*r);
      ensures rlar: *rlar == flue_mpu_v8_rlar(*r);
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v8_encode_region(const struct flue_mpu_v8_region *r,
				  uint32_t *rbar, uint32_t *rlar)
{
	struct flue_mpu_v8_region reg;

	if (r == NULL || rbar == NULL || rlar == NULL) {
		return FLUE_EINVAL;
	}
	reg = *r;
	if (check_region(reg) != FLUE_OK) {
		return FLUE_EINVAL;
	}
	*rbar = rbar_of(reg);
	*rlar = rlar_of(reg);
	return FLUE_OK;
}

/*@ requires regions_valid:
      count <= slots <= FLUE_MPU_V8_MAX_SLOTS && regions != \null ==>
               \valid_read(regions + (0 .. count - 1));
    assigns \nothing;
    behavior valid:
      assumes flue_mpu_v8_set_ok(regions, count, slots);
      ensures \result == FLUE_OK;
    behavior invalid:
      assumes !flue_mpu_v8_set_ok(regions, count, slots);
      ensures \result == FLUE_EINVAL;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v8_check_set(const struct flue_mpu_v8_region *regions,
			      uint32_t count, uint32_t slots)
{
	uint32_t i;
	uint32_t j;

	if (slots == 0u || slots > FLUE_MPU_V8_MAX_SLOTS || count > slots ||
	    (count > 0u && regions == NULL)) {
		return FLUE_EINVAL;
	}
	/* Region i is checked on its own, then against every earlier one. */
	/*@ loop invariant 0 <= i <= count;
	    loop invariant valid: \forall integer a; 0 <= a < i ==>
	      flue_mpu_v8_region_ok(regions[a]);
	    loop invariant disjoint: \forall integer a, b; 0 <= a < b < i ==>
	      !flue_mpu_overlap(regions[a].base, regions[a].size,
	                        regions[b].base, regions[b].size);
	    loop assigns i, j;
	    loop variant count - i;
	*/
	for (i = 0u; i < count; i++) {
		const struct flue_mpu_v8_region r = regions[i];

		if (check_region(r) != FLUE_OK) {
			return FLUE_EINVAL;
		}
		/*@ loop invariant 0 <= j <= i;
		    loop invariant \forall integer a; 0 <= a < j ==>
		      !flue_mpu_overlap(regions[a].base, regions[a].size,
		                        regions[i].base, regions[i].size);
		    loop assigns j;
		    loop variant i - j;
		*/
		for (j = 0u; j < i; j++) {
			const struct flue_mpu_v8_region q = regions[j];

			if (flue_mpu_detect_overlap(q.base, q.size, r.base, r.size)) {
				return FLUE_EINVAL;
			}
		}
	}
	return FLUE_OK;
}

/* Writes the whole sequence for a validated set, one entry per step:
 * out[0] disables, out[k] programs slot k - 1, out[slots + 1] enables. */
/*@ requires 1 <= slots <= FLUE_MPU_V8_MAX_SLOTS && count <= slots &&
      \valid_read(regions + (0 .. count - 1)) &&
      \valid(out + (0 .. slots + 1)) &&
      \separated(regions + (0 .. count - 1), out + (0 .. slots + 1)) &&
      (\forall integer a; 0 <= a < count ==> flue_mpu_v8_region_ok(regions[a]));
    assigns out[0 .. slots + 1];
    ensures P4_first: out[0].rnr == FLUE_MPU_RNR_CTRL && out[0].rbar == 0 &&
      out[0].rasr_or_rlar == FLUE_MPU_CTRL_DISABLE;
    ensures P4_last: out[slots + 1].rnr == FLUE_MPU_RNR_CTRL &&
      out[slots + 1].rbar == 0 &&
      out[slots + 1].rasr_or_rlar == FLUE_MPU_CTRL_ENABLE;
    ensures P3: \forall integer a; 1 <= a <= slots ==> out[a].rnr == a - 1;
    ensures P1: \forall integer a; 1 <= a <= count ==>
      out[a].rbar == flue_mpu_v8_rbar(\old(regions[a - 1])) &&
      out[a].rasr_or_rlar == flue_mpu_v8_rlar(\old(regions[a - 1]));
    ensures P2: \forall integer a; count < a <= slots ==>
      out[a].rbar == 0 && out[a].rasr_or_rlar == 0;
*/
static void emit_sequence(const struct flue_mpu_v8_region *regions,
			  uint32_t count, uint32_t slots,
			  struct flue_mpu_write *out)
{
	uint32_t k;

	/*@ loop invariant 0 <= k <= slots + 2;
	    loop invariant P4_first: 0 < k ==> out[0].rnr == FLUE_MPU_RNR_CTRL &&
	      out[0].rbar == 0 && out[0].rasr_or_rlar == FLUE_MPU_CTRL_DISABLE;
	    loop invariant P4_last: k == slots + 2 ==>
	      out[slots + 1].rnr == FLUE_MPU_RNR_CTRL && out[slots + 1].rbar == 0 &&
	      out[slots + 1].rasr_or_rlar == FLUE_MPU_CTRL_ENABLE;
	    loop invariant P3: \forall integer a; 1 <= a < k && a <= slots ==>
	      out[a].rnr == a - 1;
	    loop invariant P1: \forall integer a; 1 <= a < k && a <= count ==>
	      out[a].rbar == flue_mpu_v8_rbar(\at(regions[a - 1], Pre)) &&
	      out[a].rasr_or_rlar == flue_mpu_v8_rlar(\at(regions[a - 1], Pre));
	    loop invariant P2: \forall integer a; count < a < k && a <= slots ==>
	      out[a].rbar == 0 && out[a].rasr_or_rlar == 0;
	    loop assigns k, out[0 .. slots + 1];
	    loop variant slots + 2 - k;
	*/
	for (k = 0u; k < slots + 2u; k++) {
		uint32_t rnr = FLUE_MPU_RNR_CTRL;
		uint32_t rbar = 0u;
		uint32_t val = FLUE_MPU_CTRL_DISABLE;

		if (k == slots + 1u) {
			val = FLUE_MPU_CTRL_ENABLE; /* PRIVDEFENA = 0 */
		} else if (k > 0u) {
			rnr = k - 1u;
			val = 0u; /* unused slot: RBAR = 0, RLAR.EN = 0 */
			if (k <= count) {
				const struct flue_mpu_v8_region reg = regions[k - 1u];

				rbar = rbar_of(reg);
				val = rlar_of(reg);
			}
		}
		out[k].rnr = rnr;
		out[k].rbar = rbar;
		out[k].rasr_or_rlar = val;
	}
}

/*@ requires regions_valid:
      count <= slots <= FLUE_MPU_V8_MAX_SLOTS && regions != \null ==>
               \valid_read(regions + (0 .. count - 1));
    requires out_valid: out == \null || \valid(out + (0 .. out_len - 1));
    requires separated: count <= slots <= FLUE_MPU_V8_MAX_SLOTS &&
               regions != \null && out != \null ==>
               \separated(regions + (0 .. count - 1), out + (0 .. out_len - 1));
    assigns out[0 .. slots + 1];
    behavior reject:
      assumes out == \null || out_len < slots + 2 ||
              !flue_mpu_v8_set_ok(regions, count, slots);
      assigns \nothing;
      ensures einval: \result == FLUE_EINVAL;
      ensures unchanged: out != \null ==> \forall integer i; 0 <= i < out_len ==>
        out[i].rnr == \old(out[i].rnr) && out[i].rbar == \old(out[i].rbar) &&
        out[i].rasr_or_rlar == \old(out[i].rasr_or_rlar);
    behavior program:
      assumes out != \null && out_len >= slots + 2 &&
              flue_mpu_v8_set_ok(regions, count, slots);
      ensures \result == slots + 2;
      ensures P4_disable_first: out[0].rnr == FLUE_MPU_RNR_CTRL &&
        out[0].rbar == 0 && out[0].rasr_or_rlar == FLUE_MPU_CTRL_DISABLE;
      ensures P4_enable_last: out[slots + 1].rnr == FLUE_MPU_RNR_CTRL &&
        out[slots + 1].rbar == 0 &&
        out[slots + 1].rasr_or_rlar == FLUE_MPU_CTRL_ENABLE;
      ensures P3_in_order: \forall integer k; 1 <= k <= slots ==>
        out[k].rnr == k - 1;
      ensures P3_once: \forall integer s, k;
        0 <= s < slots && 0 <= k < slots + 2 && out[k].rnr == s ==>
        k == s + 1;
      ensures P1_match: \forall integer i; 0 <= i < count ==>
        out[i + 1].rbar == flue_mpu_v8_rbar(\old(regions[i])) &&
        out[i + 1].rasr_or_rlar == flue_mpu_v8_rlar(\old(regions[i]));
      ensures P2_deny: \forall integer i; count <= i < slots ==>
        out[i + 1].rbar == 0 && out[i + 1].rasr_or_rlar == 0;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v8_build_program(const struct flue_mpu_v8_region *regions,
				  uint32_t count, uint32_t slots,
				  struct flue_mpu_write *out, uint32_t out_len)
{
	if (out == NULL || slots > FLUE_MPU_V8_MAX_SLOTS ||
	    out_len < slots + 2u) {
		return FLUE_EINVAL;
	}
	if (flue_mpu_v8_check_set(regions, count, slots) != FLUE_OK) {
		return FLUE_EINVAL;
	}
	/* Everything is validated: commit. */
	emit_sequence(regions, count, slots, out);
	return (int32_t)(slots + 2u);
}
