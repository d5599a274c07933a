/*
 * Bare-metal Cortex-M port, part 3: the thin shim that writes an MPU
 * program (flue/port_mpu.h). The region math and the sequence's order are
 * the proved builders' (src/decide/flue_mpu_v7.c, flue_mpu_v8.c); this file
 * owns only what flue/mpu.h leaves to "the platform shim": the register
 * writes, the barriers, and the check of the slot count against
 * MPU_TYPE.DREGION.
 *
 * The same register offsets serve ARMv7-M (RBAR/RASR) and ARMv8-M
 * (RBAR/RLAR): RASR and RLAR sit at the same address, 0xE000EDA0.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/mpu.h>
#include <flue/port_mpu.h>

#include "cm_internal.h"

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define MPU_V8 1
#endif

#define MPU_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define MPU_TYPE MPU_REG(0xE000ED90u)
#define MPU_CTRL MPU_REG(0xE000ED94u)
#define MPU_RNR MPU_REG(0xE000ED98u)
#define MPU_RBAR MPU_REG(0xE000ED9Cu)
#define MPU_RASR_RLAR MPU_REG(0xE000EDA0u)
#define MPU_MAIR0 MPU_REG(0xE000EDC0u)
#define MPU_MAIR1 MPU_REG(0xE000EDC4u)

#define MPU_V7_RBAR_REGION 0xFu

uint32_t flue_port_mpu_slots(void)
{
	return (MPU_TYPE >> 8) & 0xFFu;
}

/* One slot write of the sequence at position 1 + i must name slot i (P3,
 * as the builders emit it). On ARMv7-M the builder also puts VALID and the
 * slot into RBAR; VALID makes the RBAR write select RBAR.REGION, so a
 * mismatch would silently program another slot: rejected. */
static bool slot_write_ok(const struct flue_mpu_write *w, uint32_t i)
{
	if (w->rnr != i)
		return false;
#ifndef MPU_V8
	if ((w->rbar & (FLUE_MPU_V7_RBAR_VALID | MPU_V7_RBAR_REGION)) !=
	    (FLUE_MPU_V7_RBAR_VALID | i))
		return false;
#endif
	return true;
}

/* Validate everything before anything is written (the reject contract of
 * flue/mpu.h, kept by the shim too). */
static int check_sequence(const struct flue_mpu_write *seq, uint32_t n,
			  uint32_t flags, uint32_t hw_slots)
{
	if (seq == NULL || n < 3u || (flags & ~FLUE_PORT_MPU_PRIVDEFENA) != 0u)
		return FLUE_EINVAL;
	const struct flue_mpu_write *first = &seq[0], *last = &seq[n - 1u];
	if (first->rnr != FLUE_MPU_RNR_CTRL || first->rbar != 0u ||
	    first->rasr_or_rlar != FLUE_MPU_CTRL_DISABLE)
		return FLUE_EINVAL;
	if (last->rnr != FLUE_MPU_RNR_CTRL || last->rbar != 0u ||
	    last->rasr_or_rlar != FLUE_MPU_CTRL_ENABLE)
		return FLUE_EINVAL;
	for (uint32_t i = 0; i + 2u < n; i++)
		if (!slot_write_ok(&seq[1u + i], i))
			return FLUE_EINVAL;
	if (hw_slots == 0u)
		return FLUE_ENOTSUP;
	if (n - 2u > hw_slots)
		return FLUE_ENOSPC;
	return FLUE_OK;
}

static void write_slot(uint32_t slot, uint32_t rbar, uint32_t rasr_or_rlar)
{
	MPU_RNR = slot;
	MPU_RBAR = rbar;
	MPU_RASR_RLAR = rasr_or_rlar;
}

/* A slot the sequence does not name, disabled as the builders disable one
 * (P2): ARMv7-M {VALID | slot, 0}, ARMv8-M {0, 0}. */
static void disable_slot(uint32_t slot)
{
#ifdef MPU_V8
	write_slot(slot, 0u, 0u);
#else
	write_slot(slot, FLUE_MPU_V7_RBAR_VALID | slot, 0u);
#endif
}

static uint32_t generation;

uint32_t flue_cm_mpu_generation(void)
{
	return generation;
}

int flue_port_mpu_apply(const struct flue_mpu_write *seq, uint32_t n, uint32_t flags)
{
	uint32_t hw_slots = flue_port_mpu_slots();
	int rc = check_sequence(seq, n, flags, hw_slots);
	if (rc != FLUE_OK)
		return rc;
	uint32_t ctrl = FLUE_MPU_CTRL_ENABLE;
	if ((flags & FLUE_PORT_MPU_PRIVDEFENA) != 0u)
		ctrl |= FLUE_PORT_MPU_CTRL_PRIVDEFENA;

	/* PRIMASK: no interrupt runs between "off" and "on" and no other
	 * apply interleaves its RNR writes with ours. The DSB first lets
	 * every access of the old map finish under the old map. */
	generation++; /* the gate's cached domain is gone */
	uint32_t primask;
	__asm volatile("mrs %0, primask\n\tcpsid i\n\tdsb" : "=r"(primask)::"memory");
	MPU_CTRL = seq[0].rasr_or_rlar;
	for (uint32_t i = 1u; i + 1u < n; i++)
		write_slot(seq[i].rnr, seq[i].rbar, seq[i].rasr_or_rlar);
	for (uint32_t s = n - 2u; s < hw_slots; s++)
		disable_slot(s);
	MPU_CTRL = ctrl;
	/* The architecture's rule after an MPU_CTRL write: DSB so the write
	 * has completed, ISB so the next instruction is fetched under it. */
	__asm volatile("dsb\n\tisb\n\tmsr primask, %0" ::"r"(primask) : "memory");
	return FLUE_OK;
}

int flue_port_mpu_read(uint32_t slot, uint32_t *rbar, uint32_t *rasr_or_rlar)
{
	if (rbar == NULL || rasr_or_rlar == NULL || slot >= flue_port_mpu_slots())
		return FLUE_EINVAL;
	uint32_t primask;
	__asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
	MPU_RNR = slot;
	*rbar = MPU_RBAR;
	*rasr_or_rlar = MPU_RASR_RLAR;
	__asm volatile("msr primask, %0" ::"r"(primask) : "memory");
	return FLUE_OK;
}

uint32_t flue_port_mpu_ctrl(void)
{
	return MPU_CTRL;
}

int flue_port_mpu_set_mair(uint32_t mair0, uint32_t mair1)
{
#ifdef MPU_V8
	MPU_MAIR0 = mair0;
	MPU_MAIR1 = mair1;
	__asm volatile("dsb" ::: "memory");
	return FLUE_OK;
#else
	(void)mair0;
	(void)mair1;
	return FLUE_ENOTSUP;
#endif
}

void flue_port_mpu_disable(void)
{
	generation++;
	__asm volatile("dsb" ::: "memory");
	MPU_CTRL = 0u;
	__asm volatile("dsb\n\tisb" ::: "memory");
}
