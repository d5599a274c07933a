/**
 * @file flue/port.h
 * @brief The port interface: the few services flue needs from the platform.
 *
 * Declared here, low in the layering, so that the object layer and the
 * executor can call it; implemented in src/port/ (POSIX threads, Cortex-M).
 * Exactly one port is linked into a program.
 */
#ifndef FLUE_PORT_H
#define FLUE_PORT_H

#include <stdint.h>

/** Opaque state saved by flue_port_lock() (e.g. PRIMASK). */
typedef uint32_t flue_port_key_t;

/**
 * @brief Enter the critical section that guards state shared with host
 *        threads and interrupt handlers (host channel ends, wake flags).
 * Context: thread or ISR. Non-blocking on a single core (masks interrupts);
 * may briefly block on a mutex on POSIX. Not recursive.
 */
flue_port_key_t flue_port_lock(void);

/** @brief Leave the critical section entered by flue_port_lock(). Thread or ISR. */
void flue_port_unlock(flue_port_key_t key);

/**
 * @brief Tell the executor that something outside it made progress possible
 *        (data in a host channel, a host future completed, ...).
 * Context: thread or ISR; never blocks.
 */
void flue_port_wake(void);

/**
 * @brief Sleep until flue_port_wake() is called (returns at once if it was
 *        called since the last idle). Context: the executor's thread only.
 */
void flue_port_idle(void);

/**
 * @brief Stop for good: called only if an embedder's trap hook returned,
 *        which it must not do. Never returns.
 */
_Noreturn void flue_port_halt(void);

#endif /* FLUE_PORT_H */
