/*
 * MPU decisions shared by PMSAv7 and PMSAv8: range overlap. Pure: no
 * globals, no effects. The contract states overlap on exact integers
 * (acsl_mpu.h); the code compares differences so nothing can wrap.
 */
#include <flue/mpu.h>
#include "acsl_mpu.h"

/*@ assigns \nothing;
    behavior overlap:
      assumes flue_mpu_overlap(base_a, size_a, base_b, size_b);
      ensures \result == \true;
    behavior disjoint:
      assumes !flue_mpu_overlap(base_a, size_a, base_b, size_b);
      ensures \result == \false;
    complete behaviors;
    disjoint behaviors;
*/
bool flue_mpu_detect_overlap(uint32_t base_a, uint64_t size_a,
			     uint32_t base_b, uint64_t size_b)
{
	if (size_a == 0u || size_b == 0u) {
		return false;
	}
	/* The lower range must reach the higher base: base_hi - base_lo is a
	 * non-negative 32-bit difference, compared with a 64-bit size. */
	if (base_a <= base_b) {
		return (uint64_t)(base_b - base_a) < size_a;
	}
	return (uint64_t)(base_a - base_b) < size_b;
}
