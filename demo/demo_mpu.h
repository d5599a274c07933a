/* MPU part of the demo: deny-by-default programming for two components. */
#ifndef FLUE_DEMO_MPU_H
#define FLUE_DEMO_MPU_H

#include <stdio.h>
#include <flue/mpu.h>

static void demo_mpu(void)
{
	/* Component A: 64 KiB of code (read-only, executable) and 16 KiB of
	 * RAM (read-write, never executable). AP 6 = read-only, 3 = full access. */
	const struct flue_mpu_v7_region a[2] = {
		{ .base = 0x00010000u, .size = 0x10000u, .ap = 6, .c = 1 },
		{ .base = 0x20004000u, .size = 0x4000u, .ap = 3, .xn = 1, .s = 1, .c = 1 },
	};
	struct flue_mpu_write seq[FLUE_MPU_V7_SEQ_LEN];
	int32_t n = flue_mpu_v7_build_program(a, 2, seq, FLUE_MPU_V7_SEQ_LEN);

	printf("mpu (ARMv7-M): program component A, deny by default -> %d writes\n", (int)n);
	for (int32_t i = 0; i < n; i++) {
		if (seq[i].rnr == FLUE_MPU_RNR_CTRL)
			printf("  MPU_CTRL = 0x%08x\n", (unsigned)seq[i].rasr_or_rlar);
		else
			printf("  region %u: RBAR 0x%08x RASR 0x%08x%s\n", (unsigned)seq[i].rnr,
			       (unsigned)seq[i].rbar, (unsigned)seq[i].rasr_or_rlar,
			       seq[i].rasr_or_rlar == 0u ? " (disabled)" : "");
	}
	/* An overlapping set is refused, and the output is left untouched. */
	const struct flue_mpu_v7_region bad[2] = {
		{ .base = 0x20000000u, .size = 0x8000u, .ap = 3 },
		{ .base = 0x20004000u, .size = 0x4000u, .ap = 3 },
	};
	printf("  overlapping set -> %d (-EINVAL)\n",
	       (int)flue_mpu_v7_build_program(bad, 2, seq, FLUE_MPU_V7_SEQ_LEN));
}

#endif
