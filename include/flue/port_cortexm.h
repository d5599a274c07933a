/**
 * @file flue/port_cortexm.h
 * @brief What only the bare-metal Cortex-M port offers: the stacks its
 *        fibers run on.
 *
 * The port switches stacks itself (no RTOS): the executor runs on the main
 * stack (MSP); each fiber runs in thread mode on a process stack (PSP) of
 * its own, taken from a pool the embedder gives once. Interrupts taken
 * while a fiber runs stack their frame on that fiber's stack, so every
 * stack must keep room for one exception frame (32 B, 104 B with the FPU
 * context) on top of what its code uses. On the Cortex-M33 each fiber's
 * PSPLIM is its stack's bottom, so an overflow is a UsageFault (STKOF)
 * instead of silent corruption; on the Cortex-M3 a guard word at the bottom
 * is checked each time the fiber switches out (the port halts if it was
 * overwritten: memory below the stack is already lost).
 *
 * Without a pool the port has no fibers: flue_port_fiber_supported() says
 * no, stackful lifts and flue_exec_set_stack_per_task() are refused with
 * FLUE_ENOTSUP, and host functions run on the caller's stack.
 */
#ifndef FLUE_PORT_CORTEXM_H
#define FLUE_PORT_CORTEXM_H

#include <stdint.h>

/** Smallest stack a fiber may get, in bytes. */
#define FLUE_PORT_CORTEXM_STACK_MIN 512u
/** Most fibers that can exist at once (one bit each in the pool's map). */
#define FLUE_PORT_CORTEXM_STACKS_MAX 32u
/** Alignment of the pool and of every stack in it (an MPU region granule). */
#define FLUE_PORT_CORTEXM_STACK_ALIGN 32u

/**
 * @brief Give the port `count` stacks of `bytes_each` bytes, laid out one
 *        after the other from `mem` (caller-owned; it must stay valid and
 *        untouched by anything else for as long as fibers may run).
 *
 * Call it before the first store lifts a function (the executor asks
 * flue_port_fiber_supported() when it lifts). A second call replaces the
 * pool only while no fiber exists.
 *
 * Context: the executor's thread, no fiber running; non-blocking.
 * @retval 0 ok: up to `count` fibers can exist at once
 * @retval FLUE_EINVAL `mem` NULL or not aligned to
 *         FLUE_PORT_CORTEXM_STACK_ALIGN, `count` 0 or over
 *         FLUE_PORT_CORTEXM_STACKS_MAX, `bytes_each` under
 *         FLUE_PORT_CORTEXM_STACK_MIN or not a multiple of the alignment,
 *         or the pool would wrap around the address space; nothing changed
 * @retval FLUE_EBUSY a fiber exists; nothing changed
 */
int flue_port_cortexm_give_stacks(void *mem, uint32_t count, uint32_t bytes_each);

/**
 * @brief Bytes of the fiber's stack (slot `index` of the pool) that were
 *        ever written, measured from the guard word up (a high-water mark:
 *        a stack is filled with a pattern when the pool is given).
 * Context: executor's thread; non-blocking; O(stack size).
 * @retval >=0 the bytes used; FLUE_EINVAL no such slot.
 */
int32_t flue_port_cortexm_stack_used(uint32_t index);

/**
 * @brief Choose the critical section's mask (flue_port_lock()).
 *
 * `level` 0 (the default): PRIMASK, every interrupt masked while flue holds
 * the lock. `level` 1..255: BASEPRI = level, so only interrupts whose
 * priority value is `level` or more (less urgent) are masked; more urgent
 * ones stay live during flue's critical sections and **must not call flue**
 * (no host API, no channel, no wake). Use the core's implemented priority
 * bits (the upper bits of the byte: 3 on the MPS2 boards).
 *
 * Context: thread, while no flue lock is held (the choice applies from the
 * next flue_port_lock()); non-blocking.
 * @retval 0 @retval FLUE_EINVAL level over 255; nothing changed
 */
int flue_port_cortexm_lock_basepri(uint32_t level);

#endif /* FLUE_PORT_CORTEXM_H */
