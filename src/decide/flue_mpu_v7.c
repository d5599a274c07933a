/*
 * ARMv7-M PMSAv7 MPU decisions: region validity, RASR/RBAR encoding, the
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
    behavior legal:
      assumes 32 <= size <= 4294967296 && flue_mpu_v7_size_ok(size);
      ensures range: 4 <= \result <= 31;
      ensures log2: flue_pow2(\result + 1) == size;
    behavior illegal:
      assumes !(32 <= size <= 4294967296 && flue_mpu_v7_size_ok(size));
      ensures \result == FLUE_EINVAL;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v7_encode_size(uint64_t size)
{
	uint64_t p = UINT64_C(4294967296);
	int32_t f;

	if (size < FLUE_MPU_MIN_SIZE || size > UINT64_C(4294967296)) {
		return FLUE_EINVAL;
	}
	/* Compare with 2^32, 2^31, ... 2^5: a fixed 28 steps, p = 2^(f+1);
	 * halving never wraps. */
	/*@ assert flue_pow2(32) == 4294967296; */
	/*@ loop invariant 3 <= f <= 31;
	    loop invariant p == flue_pow2(f + 1);
	    loop invariant not_above: \forall integer j; f + 1 < j <= 32 ==>
	                     flue_pow2(j) != size;
	    loop assigns f, p;
	    loop variant f;
	*/
	for (f = 31; f >= 4; f--) {
		if (p == size) {
			return f;
		}
		p = p / 2u;
	}
	return FLUE_EINVAL;
}

/*@ assigns \nothing;
    behavior valid:
      assumes flue_mpu_v7_geom_ok(base, size);
      ensures \result == FLUE_OK;
    behavior invalid:
      assumes !flue_mpu_v7_geom_ok(base, size);
      ensures \result == FLUE_EINVAL;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v7_validate_region(uint32_t base, uint64_t size)
{
	if (flue_mpu_v7_encode_size(size) < 0) {
		return FLUE_EINVAL;
	}
	/* Alignment in 32-bit arithmetic: Cortex-M has no 64-bit divide, and
	 * a u64 modulo would pull in the runtime's __aeabi_uldivmod. A 4 GiB
	 * region (size 2^32) is aligned only at base 0; every smaller legal
	 * size fits in 32 bits. */
	if (size == UINT64_C(4294967296) ? base != 0u : base % (uint32_t)size != 0u) {
		return FLUE_EINVAL;
	}
	/* base < 2^32 and size <= 2^32: the u64 sum cannot wrap. */
	if ((uint64_t)base + size > UINT64_C(4294967296)) {
		return FLUE_EINVAL;
	}
	return FLUE_OK;
}

/* 0 iff the whole region (geometry and attributes) is encodable. */
/*@ assigns \nothing;
    ensures valid: \result == FLUE_OK <==> flue_mpu_v7_region_ok(r);
    ensures invalid: \result != FLUE_OK ==> \result == FLUE_EINVAL;
*/
static int32_t check_region(struct flue_mpu_v7_region r)
{
	if (flue_mpu_v7_validate_region(r.base, r.size) != FLUE_OK) {
		return FLUE_EINVAL;
	}
	if (r.tex > 7u || r.ap > 7u || r.ap == FLUE_MPU_V7_AP_RESERVED ||
	    r.xn > 1u || r.s > 1u || r.c > 1u || r.b > 1u) {
		return FLUE_EINVAL;
	}
	if (r.srd != 0u && r.size < 256u) {
		return FLUE_EINVAL;
	}
	return FLUE_OK;
}

/* RASR of a region already known to be valid. */
/*@ requires flue_mpu_v7_region_ok(r);
    assigns \nothing;
    ensures flue_mpu_v7_rasr_is(\result, r);
*/
static uint32_t rasr_of(struct flue_mpu_v7_region r)
{
	/* SIZE = log2(size) - 1, 4..31, as the region is valid. */
	uint32_t field = (uint32_t)flue_mpu_v7_encode_size(r.size);
	/* Fields from bit 8 up, in units of 2^8 (SRD at 0, B at 8, ...). */
	uint32_t high = (uint32_t)r.srd + (uint32_t)r.b * 256u +
			(uint32_t)r.c * 512u + (uint32_t)r.s * 1024u +
			(uint32_t)r.tex * 2048u + (uint32_t)r.ap * 65536u +
			(uint32_t)r.xn * 1048576u;
	uint32_t rasr = 1u + field * 2u + high * 256u;

	/*@ assert half: rasr / 2 == field + high * 128; */
	/*@ assert size: (field + high * 128) % 32 == field; */
	return rasr;
}

/*@ requires r == \null || \valid_read(r);
    requires rbar == \null || \valid(rbar);
    requires rasr == \null || \valid(rasr);
    requires \separated(r, rbar, rasr);
    assigns *rbar, *rasr;
    behavior reject:
      assumes r == \null || rbar == \null || rasr == \null || slot > 15 ||
              !flue_mpu_v7_region_ok(*r);
      assigns \nothing;
      ensures einval: \result == FLUE_EINVAL;
      ensures unchanged: (rbar != \null ==> *rbar == \old(*rbar)) &&
                         (rasr != \null ==> *rasr == \old(*rasr));
    behavior encode:
      assumes r != \null && rbar != \null && rasr != \null && slot <= 15 &&
              flue_mpu_v7_region_ok(*r);
      ensures \result == FLUE_OK;
      ensures rbar: *rbar == flue_mpu_v7_rbar(r->base, slot);
      ensures rasr: flue_mpu_v7_rasr_is(*rasr, *r);
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v7_encode_region(const struct flue_mpu_v7_region *r,
				  uint32_t slot, uint32_t *rbar,
				  uint32_t *rasr)
{
	uint32_t b;
	uint32_t a;

	if (r == NULL || rbar == NULL || rasr == NULL || slot > 15u) {
		return FLUE_EINVAL;
	}
	if (check_region(*r) != FLUE_OK) {
		return FLUE_EINVAL;
	}
	/* base is a multiple of size >= 32: bits 4:0 are free for VALID|slot. */
	b = r->base + FLUE_MPU_V7_RBAR_VALID + slot;
	a = rasr_of(*r);
	*rbar = b;
	*rasr = a;
	return FLUE_OK;
}

/* Region r (later) against q (earlier): apart, or (windows != 0) inside q. */
/*@ requires flue_mpu_v7_region_ok(q) && flue_mpu_v7_region_ok(r);
    assigns \nothing;
    ensures \result == 1 <==> flue_mpu_v7_pair_ok(q, r, windows);
    ensures \result == 0 || \result == 1;
*/
static int pair_ok(struct flue_mpu_v7_region q, struct flue_mpu_v7_region r, int windows)
{
	if (!flue_mpu_detect_overlap(q.base, q.size, r.base, r.size)) {
		return 1;
	}
	/* Sizes are at most 2^32 and bases below 2^32: the sums fit 64 bits. */
	return (windows != 0 && q.base <= r.base &&
		(uint64_t)r.base + r.size <= (uint64_t)q.base + q.size) ? 1 : 0;
}

/* Both set checks: each region on its own, then against every earlier one. */
/*@ requires regions_valid: count <= FLUE_MPU_V7_SLOTS && regions != \null ==>
               \valid_read(regions + (0 .. count - 1));
    assigns \nothing;
    behavior valid:
      assumes flue_mpu_v7_set_as_ok(regions, count, windows);
      ensures \result == FLUE_OK;
    behavior invalid:
      assumes !flue_mpu_v7_set_as_ok(regions, count, windows);
      ensures \result == FLUE_EINVAL;
    complete behaviors;
    disjoint behaviors;
*/
static int32_t check_pairs(const struct flue_mpu_v7_region *regions, uint32_t count,
			   int windows)
{
	uint32_t i;
	uint32_t j;

	if (count > FLUE_MPU_V7_SLOTS || (count > 0u && regions == NULL)) {
		return FLUE_EINVAL;
	}
	/*@ loop invariant 0 <= i <= count;
	    loop invariant valid: \forall integer a; 0 <= a < i ==>
	      flue_mpu_v7_region_ok(regions[a]);
	    loop invariant pairs: \forall integer a, b; 0 <= a < b < i ==>
	      flue_mpu_v7_pair_ok(regions[a], regions[b], windows);
	    loop assigns i, j;
	    loop variant count - i;
	*/
	for (i = 0u; i < count; i++) {
		const struct flue_mpu_v7_region r = regions[i];

		if (check_region(r) != FLUE_OK) {
			return FLUE_EINVAL;
		}
		/*@ loop invariant 0 <= j <= i;
		    loop invariant \forall integer a; 0 <= a < j ==>
		      flue_mpu_v7_pair_ok(regions[a], regions[i], windows);
		    loop assigns j;
		    loop variant i - j;
		*/
		for (j = 0u; j < i; j++) {
			if (pair_ok(regions[j], r, windows) == 0) {
				return FLUE_EINVAL;
			}
		}
	}
	return FLUE_OK;
}

/*@ requires regions_valid: count <= FLUE_MPU_V7_SLOTS && regions != \null ==>
               \valid_read(regions + (0 .. count - 1));
    assigns \nothing;
    behavior valid:
      assumes flue_mpu_v7_set_ok(regions, count);
      ensures \result == FLUE_OK;
    behavior invalid:
      assumes !flue_mpu_v7_set_ok(regions, count);
      ensures \result == FLUE_EINVAL;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v7_check_set(const struct flue_mpu_v7_region *regions,
			      uint32_t count)
{
	return check_pairs(regions, count, 0);
}

/*@ requires regions_valid: count <= FLUE_MPU_V7_SLOTS && regions != \null ==>
               \valid_read(regions + (0 .. count - 1));
    assigns \nothing;
    behavior valid:
      assumes flue_mpu_v7_windowed_set_ok(regions, count);
      ensures \result == FLUE_OK;
    behavior invalid:
      assumes !flue_mpu_v7_windowed_set_ok(regions, count);
      ensures \result == FLUE_EINVAL;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v7_check_windowed_set(const struct flue_mpu_v7_region *regions,
				       uint32_t count)
{
	return check_pairs(regions, count, 1);
}

/*@ requires regions_valid: count <= FLUE_MPU_V7_SLOTS && regions != \null ==>
               \valid_read(regions + (0 .. count - 1));
    requires out_valid: out == \null || \valid(out + (0 .. out_len - 1));
    requires separated: count <= FLUE_MPU_V7_SLOTS && regions != \null &&
               out != \null ==>
               \separated(regions + (0 .. count - 1), out + (0 .. out_len - 1));
    assigns out[0 .. FLUE_MPU_V7_SEQ_LEN - 1];
    behavior reject:
      assumes out == \null || out_len < FLUE_MPU_V7_SEQ_LEN ||
              !flue_mpu_v7_windowed_set_ok(regions, count);
      assigns \nothing;
      ensures einval: \result == FLUE_EINVAL;
      ensures unchanged: out != \null ==> \forall integer i; 0 <= i < out_len ==>
        out[i].rnr == \old(out[i].rnr) && out[i].rbar == \old(out[i].rbar) &&
        out[i].rasr_or_rlar == \old(out[i].rasr_or_rlar);
    behavior program:
      assumes out != \null && out_len >= FLUE_MPU_V7_SEQ_LEN &&
              flue_mpu_v7_windowed_set_ok(regions, count);
      ensures \result == FLUE_MPU_V7_SEQ_LEN;
      ensures P4_disable_first: out[0].rnr == FLUE_MPU_RNR_CTRL &&
        out[0].rbar == 0 && out[0].rasr_or_rlar == FLUE_MPU_CTRL_DISABLE;
      ensures P4_enable_last: out[9].rnr == FLUE_MPU_RNR_CTRL &&
        out[9].rbar == 0 && out[9].rasr_or_rlar == FLUE_MPU_CTRL_ENABLE;
      ensures P3_in_order: \forall integer k; 1 <= k <= FLUE_MPU_V7_SLOTS ==>
        out[k].rnr == k - 1;
      ensures P3_once: \forall integer s, k;
        0 <= s < FLUE_MPU_V7_SLOTS && 0 <= k < FLUE_MPU_V7_SEQ_LEN &&
        out[k].rnr == s ==> k == s + 1;
      ensures P1_match: \forall integer i; 0 <= i < count ==>
        out[i + 1].rbar == flue_mpu_v7_rbar(\old(regions[i].base), i) &&
        flue_mpu_v7_rasr_is(out[i + 1].rasr_or_rlar, \old(regions[i]));
      ensures P2_deny: \forall integer i; count <= i < FLUE_MPU_V7_SLOTS ==>
        out[i + 1].rbar == flue_mpu_v7_rbar(0, i) &&
        out[i + 1].rasr_or_rlar == 0;
    complete behaviors;
    disjoint behaviors;
*/
int32_t flue_mpu_v7_build_program(const struct flue_mpu_v7_region *regions,
				  uint32_t count, struct flue_mpu_write *out,
				  uint32_t out_len)
{
	uint32_t k;

	if (out == NULL || out_len < FLUE_MPU_V7_SEQ_LEN) {
		return FLUE_EINVAL;
	}
	if (flue_mpu_v7_check_windowed_set(regions, count) != FLUE_OK) {
		return FLUE_EINVAL;
	}
	/* Everything is validated: commit. */
	out[0].rnr = FLUE_MPU_RNR_CTRL;
	out[0].rbar = 0u;
	out[0].rasr_or_rlar = FLUE_MPU_CTRL_DISABLE;
	/* out[k] programs slot k - 1. */
	/*@ loop invariant 1 <= k <= FLUE_MPU_V7_SLOTS + 1;
	    loop invariant out[0].rnr == FLUE_MPU_RNR_CTRL && out[0].rbar == 0 &&
	                   out[0].rasr_or_rlar == FLUE_MPU_CTRL_DISABLE;
	    loop invariant P3: \forall integer a; 1 <= a < k ==> out[a].rnr == a - 1;
	    loop invariant P1_rbar: \forall integer a; 1 <= a < k && a <= count ==>
	      out[a].rbar == flue_mpu_v7_rbar(\at(regions[a - 1].base, Pre), a - 1);
	    loop invariant P1_rasr: \forall integer a; 1 <= a < k && a <= count ==>
	      flue_mpu_v7_rasr_is(out[a].rasr_or_rlar, \at(regions[a - 1], Pre));
	    loop invariant P2: \forall integer a; count < a < k ==>
	      out[a].rbar == flue_mpu_v7_rbar(0, a - 1) && out[a].rasr_or_rlar == 0;
	    loop assigns k, out[1 .. FLUE_MPU_V7_SLOTS];
	    loop variant FLUE_MPU_V7_SLOTS + 1 - k;
	*/
	for (k = 1u; k <= FLUE_MPU_V7_SLOTS; k++) {
		uint32_t slot = k - 1u;

		out[k].rnr = slot;
		if (slot < count) {
			out[k].rbar = regions[slot].base + FLUE_MPU_V7_RBAR_VALID + slot;
			out[k].rasr_or_rlar = rasr_of(regions[slot]);
		} else {
			/* Deny by default: slot selected, region disabled. */
			out[k].rbar = FLUE_MPU_V7_RBAR_VALID + slot;
			out[k].rasr_or_rlar = 0u;
		}
	}
	/* Enable last, PRIVDEFENA = 0: no background map. */
	out[FLUE_MPU_V7_SLOTS + 1u].rnr = FLUE_MPU_RNR_CTRL;
	out[FLUE_MPU_V7_SLOTS + 1u].rbar = 0u;
	out[FLUE_MPU_V7_SLOTS + 1u].rasr_or_rlar = FLUE_MPU_CTRL_ENABLE;
	return (int32_t)FLUE_MPU_V7_SEQ_LEN;
}
