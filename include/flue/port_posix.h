/**
 * @file flue/port_posix.h
 * @brief What the POSIX port offers beyond flue/port.h.
 */
#ifndef FLUE_PORT_POSIX_H
#define FLUE_PORT_POSIX_H

/**
 * @brief Run `handler` as an interrupt handler would run: the
 *        flue_port_wake() calls it makes take effect together when it
 *        returns, as on a core where the handler runs to its end before the
 *        interrupted loop goes on (the host's stand-in for an interrupt is
 *        a thread beside the loop, which could otherwise take the first of
 *        a handler's wakes mid-handler and go round again for the next).
 *        No wake is lost: the last one is delivered at the return.
 * Context: any thread but the executor's; nests. Blocking: as `handler`.
 */
void flue_port_posix_interrupt(void (*handler)(void));

#endif /* FLUE_PORT_POSIX_H */
