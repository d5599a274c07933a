/* Cortex-M registers the port's tests look at (target images only). */
#ifndef FLUE_TEST_CM_REGS_H
#define FLUE_TEST_CM_REGS_H

#include <stdint.h>

static inline uint32_t read_control(void)
{
	uint32_t c;
	__asm volatile("mrs %0, control" : "=r"(c));
	return c;
}

static inline uint32_t read_sp(void)
{
	uint32_t sp;
	__asm volatile("mov %0, sp" : "=r"(sp));
	return sp;
}

#endif /* FLUE_TEST_CM_REGS_H */
