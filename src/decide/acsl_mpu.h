/**
 * @file acsl_mpu.h
 * @brief ACSL logic for the MPU contracts (flue_mpu*.c); no C code.
 *
 * Everything is plain integer arithmetic, as the provers prefer: a register
 * value is stated as the sum of its fields times powers of two (the ARM
 * ARM field tables, bit positions written as 2^lo), and a field is read
 * back as `(reg / 2^lo) % 2^width`. The only recursive definition is
 * flue_pow2; the proofs unfold it one step at a time (and once, in
 * flue_mpu_v7_encode_size, down from the constant 2^32).
 *
 * Predicates named *_ok are exactly the conditions under which the
 * corresponding C function accepts its input; the C functions return
 * FLUE_EINVAL, with outputs untouched, whenever they do not hold.
 */
#ifndef FLUE_DECIDE_ACSL_MPU_H
#define FLUE_DECIDE_ACSL_MPU_H

#include <flue/mpu.h>

/*@
  // 2^n for n >= 0.
  logic integer flue_pow2(integer n) = n <= 0 ? 1 : 2 * flue_pow2(n - 1);

  // ---------------------------------------------------------------- overlap
  // [ba, ba + sa) and [bb, bb + sb) share a byte (exact integers, no wrap).
  predicate flue_mpu_overlap(integer ba, integer sa, integer bb, integer sb) =
    sa > 0 && sb > 0 && ba < bb + sb && bb < ba + sa;

  // -------------------------------------------------------------- PMSAv7
  // A legal PMSAv7 size: a power of two 2^k, 5 <= k <= 32.
  predicate flue_mpu_v7_size_ok(integer size) =
    \exists integer k; 5 <= k <= 32 && size == flue_pow2(k);

  // Geometry: power of two, 32 <= size <= 2^32, base aligned to size,
  // region ends by 2^32.
  predicate flue_mpu_v7_geom_ok(integer base, integer size) =
    32 <= size <= 4294967296 && flue_mpu_v7_size_ok(size) &&
    base % size == 0 && base + size <= 4294967296;

  // Attribute ranges; SRD only on regions of 256 bytes or more.
  predicate flue_mpu_v7_attrs_ok(struct flue_mpu_v7_region r) =
    r.tex <= 7 && r.ap <= 7 && r.ap != FLUE_MPU_V7_AP_RESERVED &&
    r.xn <= 1 && r.s <= 1 && r.c <= 1 && r.b <= 1 &&
    (r.srd != 0 ==> r.size >= 256);

  predicate flue_mpu_v7_region_ok(struct flue_mpu_v7_region r) =
    flue_mpu_v7_geom_ok(r.base, r.size) && flue_mpu_v7_attrs_ok(r);

  // RBAR = base | VALID (bit 4) | REGION (bits 3:0).
  logic integer flue_mpu_v7_rbar(integer base, integer slot) =
    base + 16 + slot;

  // RASR with SIZE field f: ENABLE bit 0 = 1, SIZE bits 5:1, SRD 15:8,
  // B 16, C 17, S 18, TEX 21:19, AP 26:24, XN 28, every other bit 0.
  logic integer flue_mpu_v7_rasr_pack(integer f, struct flue_mpu_v7_region r) =
    1 + f * 2 + r.srd * 256 + r.b * 65536 + r.c * 131072 + r.s * 262144 +
    r.tex * 524288 + r.ap * 16777216 + r.xn * 268435456;

  // The SIZE field of a RASR value (bits 5:1).
  logic integer flue_mpu_v7_rasr_size(integer rasr) = (rasr / 2) % 32;

  // rasr is the RASR of region r: its SIZE field f says 2^(f+1) == size
  // (f = log2(size) - 1) and the whole word is the packing above.
  predicate flue_mpu_v7_rasr_is(integer rasr, struct flue_mpu_v7_region r) =
    4 <= flue_mpu_v7_rasr_size(rasr) <= 31 &&
    flue_pow2(flue_mpu_v7_rasr_size(rasr) + 1) == r.size &&
    rasr == flue_mpu_v7_rasr_pack(flue_mpu_v7_rasr_size(rasr), r);

  // Region [bi, bi + si) lies within [bo, bo + so).
  predicate flue_mpu_inside(integer bi, integer si, integer bo, integer so) =
    bo <= bi && bi + si <= bo + so;

  // Regions q (earlier) and r (later) may share a set: apart, or, when
  // windows are allowed (w != 0), r inside q. PMSAv7 gives an address in
  // two regions the attributes of the higher-numbered one: such an r is a
  // window with rights of its own (e.g. read-only inside read-write memory).
  predicate flue_mpu_v7_pair_ok(struct flue_mpu_v7_region q, struct flue_mpu_v7_region r,
                                integer w) =
    !flue_mpu_overlap(q.base, q.size, r.base, r.size) ||
    (w != 0 && flue_mpu_inside(r.base, r.size, q.base, q.size));

  // A set: fits the slots, every region valid, every pair as above.
  predicate flue_mpu_v7_set_as_ok{L}(struct flue_mpu_v7_region *regions,
                                     integer count, integer w) =
    count <= FLUE_MPU_V7_SLOTS && (count == 0 || regions != \null) &&
    (\forall integer i; 0 <= i < count ==> flue_mpu_v7_region_ok(regions[i])) &&
    (\forall integer i, j; 0 <= i < j < count ==>
       flue_mpu_v7_pair_ok(regions[i], regions[j], w));

  // A valid set: pairwise disjoint.
  predicate flue_mpu_v7_set_ok{L}(struct flue_mpu_v7_region *regions, integer count) =
    flue_mpu_v7_set_as_ok(regions, count, 0);

  // A windowed set: a region may also lie inside an earlier one.
  predicate flue_mpu_v7_windowed_set_ok{L}(struct flue_mpu_v7_region *regions,
                                           integer count) =
    flue_mpu_v7_set_as_ok(regions, count, 1);

  // -------------------------------------------------------------- PMSAv8
  // Geometry: 32-byte granules, at least one, region ends by 2^32.
  predicate flue_mpu_v8_geom_ok(integer base, integer size) =
    base % 32 == 0 && size % 32 == 0 && size >= 32 &&
    base + size <= 4294967296;

  // Field ranges; SH 0b01 is reserved.
  predicate flue_mpu_v8_attrs_ok(struct flue_mpu_v8_region r) =
    r.sh <= 3 && r.sh != FLUE_MPU_V8_SH_RESERVED && r.ap <= 3 &&
    r.xn <= 1 && r.attr_indx <= 7;

  predicate flue_mpu_v8_region_ok(struct flue_mpu_v8_region r) =
    flue_mpu_v8_geom_ok(r.base, r.size) && flue_mpu_v8_attrs_ok(r);

  // RBAR = base[31:5] | SH 4:3 | AP 2:1 | XN 0.
  logic integer flue_mpu_v8_rbar(struct flue_mpu_v8_region r) =
    (r.base / 32) * 32 + r.sh * 8 + r.ap * 2 + r.xn;

  // RLAR = limit[31:5] | AttrIndx 3:1 | EN 0, limit = base + size - 1.
  logic integer flue_mpu_v8_rlar(struct flue_mpu_v8_region r) =
    ((r.base + r.size - 1) / 32) * 32 + r.attr_indx * 2 + 1;

  // A valid set for an MPU with `slots` slots (1..16).
  predicate flue_mpu_v8_set_ok{L}(struct flue_mpu_v8_region *regions,
                                  integer count, integer slots) =
    1 <= slots <= FLUE_MPU_V8_MAX_SLOTS && count <= slots &&
    (count == 0 || regions != \null) &&
    (\forall integer i; 0 <= i < count ==> flue_mpu_v8_region_ok(regions[i])) &&
    (\forall integer i, j; 0 <= i < j < count ==>
       !flue_mpu_overlap(regions[i].base, regions[i].size,
                         regions[j].base, regions[j].size));
*/

#endif /* FLUE_DECIDE_ACSL_MPU_H */
