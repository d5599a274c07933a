/**
 * @file flue/port_mpu.h
 * @brief The Cortex-M port's memory protection: writing an MPU program the
 *        proved builders made (flue/mpu.h) to the hardware and reading it
 *        back.
 *
 * Declared low, beside flue/port.h, so that the executor can call it; only
 * the bare-metal Cortex-M port implements it (src/port/cortex-m/
 * mpu_cortexm.c, in libflue_port_cortexm.a). See
 * docs/MPU.md for the model: what a domain holds, who applies it and what it
 * costs.
 *
 * **Privilege.** Every function here touches the System Control Space, so
 * it must run privileged (thread mode with CONTROL.nPRIV = 0, or handler
 * mode). None of them blocks or allocates.
 *
 * **Background map (PRIVDEFENA).** The proved builders end their sequence
 * with `MPU_CTRL = ENABLE` (FLUE_MPU_CTRL_ENABLE): no background map, so
 * every access that hits no region faults, privileged or not. Passing
 * FLUE_PORT_MPU_PRIVDEFENA to flue_port_mpu_apply() ORs PRIVDEFENA (bit 2)
 * into that last write only: privileged code (the runtime) then keeps the
 * default memory map where no region matches, while unprivileged code (a
 * guest) still gets nothing but its regions. The sequence's proved
 * properties are about the slots and the order of the writes (P1 regions
 * as encoded, P2 unused slots disabled, P3 each slot once, P4 disable
 * first, enable last); the flag changes none of them.
 */
#ifndef FLUE_PORT_MPU_H
#define FLUE_PORT_MPU_H

#include <stdint.h>

#include <flue/mpu.h>

/* --------------------------------------------------------------- the MPU */

/** flue_port_mpu_apply() flag: enable the privileged background map
 *  (MPU_CTRL.PRIVDEFENA) in the sequence's final CTRL write. */
#define FLUE_PORT_MPU_PRIVDEFENA 0x1u

/** MPU_CTRL.PRIVDEFENA, as flue_port_mpu_ctrl() reports it. */
#define FLUE_PORT_MPU_CTRL_PRIVDEFENA 0x4u

/**
 * @brief How many region slots this MPU has (MPU_TYPE.DREGION).
 *
 * 8 on the Cortex-M3 of mps2-an385, 16 on QEMU's Cortex-M33 of mps2-an505
 * (8 on most silicon M33s); flue designs its domains for 8.
 * Context: privileged thread or handler mode; non-blocking; one load.
 * @return the slot count; 0 means the core has no MPU.
 */
uint32_t flue_port_mpu_slots(void);

/**
 * @brief Write a programming sequence built by flue_mpu_v7_build_program()
 *        (ARMv7-M) or flue_mpu_v8_build_program() (ARMv8-M) to the MPU.
 *
 * Validates everything before writing anything: the sequence must have the
 * builders' shape, `{CTRL, 0, DISABLE}`, then `{i, RBAR, RASR/RLAR}` for
 * slot i = 0, 1, ... in order (on ARMv7-M each RBAR carrying VALID and its
 * own slot number), then `{CTRL, 0, ENABLE}`; and it may name no more slots
 * than the hardware has. Then, with interrupts masked (PRIMASK) so that the
 * sequence is never interleaved: DSB; each write in order (MPU_RNR, MPU_RBAR,
 * MPU_RASR or MPU_RLAR); every hardware slot the sequence does not name
 * (a sequence for 8 slots on a 16-slot MPU) disabled too, before the final
 * CTRL write, so no stale region survives; the final CTRL value ORed with
 * PRIVDEFENA if @p flags asks; DSB and ISB after that CTRL write, so the
 * next instruction runs under the new map.
 *
 * On ARMv8-M the region attributes index MPU_MAIR0/1: program them first
 * (flue_port_mpu_set_mair()).
 *
 * Context: privileged thread or handler mode; non-blocking; bounded time
 * (about 10 + 5 per slot register writes). Safe against interrupts; not to
 * be called concurrently from two contexts that both apply.
 *
 * @param seq   the sequence (`FLUE_MPU_V7_SEQ_LEN` or
 *              `FLUE_MPU_V8_SEQ_LEN(slots)` entries)
 * @param n     its length, 3 .. hardware slots + 2
 * @param flags 0 or FLUE_PORT_MPU_PRIVDEFENA
 * @retval 0 the MPU runs the program
 * @retval FLUE_EINVAL @p seq NULL, @p n < 3, an unknown flag, or the
 *         sequence does not have the shape above; nothing written
 * @retval FLUE_ENOSPC the sequence names more slots than the MPU has;
 *         nothing written
 * @retval FLUE_ENOTSUP the core has no MPU (DREGION = 0); nothing written
 */
int flue_port_mpu_apply(const struct flue_mpu_write *seq, uint32_t n, uint32_t flags);

/**
 * @brief Read one slot back: MPU_RBAR and MPU_RASR (ARMv7-M) or MPU_RLAR
 *        (ARMv8-M) after selecting it in MPU_RNR.
 *
 * On ARMv7-M, RBAR reads back as base | slot: VALID (bit 4) reads as 0 and
 * REGION (bits 3:0) as the selected slot, so a builder's value compares
 * equal once VALID is masked off.
 *
 * Context: privileged thread or handler mode; non-blocking. It changes
 * MPU_RNR (not the regions), so it must not interleave with an apply.
 *
 * @retval 0 @p *rbar and @p *rasr_or_rlar hold the slot's registers
 * @retval FLUE_EINVAL a pointer is NULL or @p slot >= flue_port_mpu_slots();
 *         nothing written
 */
int flue_port_mpu_read(uint32_t slot, uint32_t *rbar, uint32_t *rasr_or_rlar);

/**
 * @brief MPU_CTRL as it is now (ENABLE bit 0, HFNMIENA bit 1, PRIVDEFENA
 *        bit 2). Context: privileged; non-blocking.
 */
uint32_t flue_port_mpu_ctrl(void);

/**
 * @brief Set MPU_MAIR0 and MPU_MAIR1, the memory types the ARMv8-M region
 *        attribute indices name (AttrIndx 0..3 in MAIR0, 4..7 in MAIR1).
 *        Do it while the MPU is off or before the apply whose regions use
 *        the new types (it is not part of the proved sequence).
 * Context: privileged; non-blocking.
 * @retval 0 written
 * @retval FLUE_ENOTSUP ARMv7-M (no MAIR: memory types live in RASR)
 */
int flue_port_mpu_set_mair(uint32_t mair0, uint32_t mair1);

/**
 * @brief Turn the MPU off (MPU_CTRL = 0, then DSB and ISB): every access
 *        uses the default memory map again. The regions stay programmed.
 * Context: privileged; non-blocking.
 */
void flue_port_mpu_disable(void);

#endif /* FLUE_PORT_MPU_H */
