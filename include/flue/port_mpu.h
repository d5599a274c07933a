/**
 * @file flue/port_mpu.h
 * @brief The Cortex-M port's memory protection: writing an MPU program the
 *        proved builders made (flue/mpu.h) to the hardware, reading it back,
 *        and turning a fault in guest code into a trap instead of a halt.
 *
 * Declared low, beside flue/port.h, so that the executor can call it; only
 * the bare-metal Cortex-M port implements it (src/port/cortex-m/
 * mpu_cortexm.c and fault_cortexm.c, in libflue_port_cortexm.a). See
 * docs/MPU.md for the model: what a domain holds, who applies it, the fault
 * path and what it costs.
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
 *
 * **Faults.** The port defines MemManage_Handler, BusFault_Handler,
 * UsageFault_Handler and HardFault_Handler (overriding the board's weak
 * ones as soon as fault_cortexm.c is linked: by
 * flue_port_fault_set_handler() or by the privilege gate). A fault taken from thread mode while the guest
 * marker is on (flue_port_guest_enter()) and a handler is registered
 * (flue_port_fault_set_handler()) becomes a trap: the port records it,
 * clears the fault status, and returns from the exception into a
 * thread-mode trampoline that calls the handler with the record. Any other
 * fault (handler mode, marker off, no handler) is fatal as before: the
 * MPS2 board's report and exit when that board is linked, else
 * flue_port_halt().
 */
#ifndef FLUE_PORT_MPU_H
#define FLUE_PORT_MPU_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/mpu.h>
#include <flue/port.h>

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

/* ------------------------------------------------------ fault -> trap */

/* struct flue_port_fault and its kinds: flue/port.h (the gate's record). */

/**
 * @brief What the embedder does with a guest fault: typically trap the
 *        running instance and flue_port_unwind() to the executor's
 *        flue_port_try() frame. It must not return (if it does, the port
 *        calls flue_port_halt()).
 *
 * Runs in thread mode, privileged (CONTROL.nPRIV as it was at
 * flue_port_guest_enter()), with the guest marker off, on the stack that
 * was current at flue_port_guest_enter(), just below the stack pointer
 * recorded there (the guest's part of that stack is abandoned). @p fault
 * points at the port's one record: valid until the next guest fault.
 * PRIMASK and BASEPRI are as they were when the fault was taken.
 */
typedef void (*flue_port_fault_handler_t)(const struct flue_port_fault *fault);

/**
 * @brief Register the guest fault handler (NULL: none, and a guest fault
 *        is fatal like any other).
 * Context: privileged thread; non-blocking; takes effect at the next fault.
 */
void flue_port_fault_set_handler(flue_port_fault_handler_t fn);

/**
 * @brief The guest marker as flue_port_guest_enter() found it, for
 *        flue_port_guest_leave() to put back (nesting: a guest calls an
 *        import, the runtime runs another guest, that one returns).
 */
struct flue_port_guest_mark {
	uint32_t sp;      /**< stack pointer recorded at enter */
	uint32_t control; /**< CONTROL at enter (SPSEL: which stack; nPRIV) */
	uint32_t on;      /**< marker on (1) or off (0) */
};

/**
 * @brief Turn the guest marker on: from now until flue_port_guest_leave(),
 *        a fault taken in thread mode is the guest's. Saves the previous
 *        marker in @p saved, then records the caller's stack pointer and
 *        CONTROL: a trap's trampoline runs on that stack just below that
 *        point, so call this on the stack that will run the guest code,
 *        right before entering it (inside the flue_port_try() body).
 * Context: privileged thread; non-blocking; not from an ISR (a fault in
 * handler mode is never a guest's).
 */
void flue_port_guest_enter(struct flue_port_guest_mark *saved);

/**
 * @brief Put back the marker @p saved holds (off, or an outer guest's):
 *        call it when the guest code returns, and on the trap path after
 *        flue_port_try() returned 1 (the fault handler turned the marker
 *        off; leaving restores the outer state).
 * Context: privileged thread; non-blocking.
 */
void flue_port_guest_leave(const struct flue_port_guest_mark *saved);

/** @brief Is the guest marker on? Context: any; non-blocking. */
bool flue_port_guest_running(void);

/* flue_port_guest_fault(): flue/port.h. */

/**
 * @brief A step budget's end, from the embedder's timer: if gated guest
 *        code (flue_port_guest_call()) is running right now, end its entry
 *        as FLUE_PORT_GUEST_FAULTED with kind FLUE_PORT_FAULT_BUDGET. The
 *        entry ends in PendSV (the lowest priority), which the port then
 *        owns: the program must not define PendSV_Handler.
 * A guest in a service (runtime code) is not charged: the call returns
 * false and the timer may try again at its next tick.
 * Context: an interrupt handler (or privileged thread); non-blocking.
 * @return whether a gated guest was running (and will be ended)
 */
bool flue_port_guest_expire(void);

#endif /* FLUE_PORT_MPU_H */
