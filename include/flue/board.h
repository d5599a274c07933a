/**
 * @file flue/board.h
 * @brief Program support for the programs flue-build makes: text output,
 *        exit, time and instruction counts, and one periodic "interrupt",
 *        the same on the host (POSIX) and on the QEMU boards flue's tests
 *        use (mps2-an385 Cortex-M3, mps2-an505 Cortex-M33).
 *
 * This is not part of flue's core (the core needs only flue/port.h); it is
 * what an example or a test program needs to run unchanged on both. The
 * Cortex-M implementation uses no heap and no newlib stdio: output goes
 * through semihosting (SYS_WRITE to the handle of SYS_OPEN(":tt"), which
 * QEMU connects to its stdout; SYS_WRITEC if that fails), exit through
 * SYS_EXIT / SYS_EXIT_EXTENDED, and it replaces newlib's assert() hook
 * (`__assert_func`) and abort() with heap-free reports (exit status 134),
 * so `nm` of an image shows no malloc, calloc, realloc, free or _sbrk
 * (scripts/check_no_heap.sh).
 *
 * Libraries: libflue_board_posix.a (host), libflue_board_mps2.a (Cortex-M:
 * startup code with the vector table, Reset_Handler and fault reports; the
 * linker scripts `mps2-an385.ld` / `mps2-an505.ld` and their shared
 * `sections.ld` live beside it: link with `-nostartfiles -L<folder>
 * -T<machine>.ld`). Programs run on QEMU as
 * `qemu-system-arm -M <machine> -cpu <core> -nographic -monitor none
 * -serial none -semihosting-config enable=on,target=native -icount shift=0
 * -kernel <image>`.
 *
 * Cortex-M machines and what the board owns there:
 *  - mps2-an385 (Cortex-M3): processor clock 25 MHz under QEMU 7.2.
 *  - mps2-an505 (Cortex-M33, Secure state): processor clock 20 MHz under
 *    QEMU 7.2; the stack limit register MSPLIM guards the statics, so a
 *    stack overflow is a UsageFault (STKOF) report.
 *  - Two CMSDK APB timers and their interrupts are the board's: timer 0
 *    (the periodic timer below; mps2-an385: 0x4000_0000, IRQ 8;
 *    mps2-an505: Secure alias 0x5000_0000, IRQ 3) and timer 1 (the time
 *    base; an385: 0x4000_1000, IRQ 9; an505: 0x5000_1000, IRQ 4). Every
 *    other handler, SysTick_Handler included, is a weak alias that a
 *    program may define (`IRQ<n>_Handler`, CMSIS names for the system
 *    exceptions); SysTick is free for the program. An unexpected exception or fault prints
 *    its name, the stacked pc/lr and the fault status registers and exits
 *    with status 128 + exception number (HardFault 131, BusFault 133).
 *  - main()'s return value is the exit status; constructors run before it.
 */
#ifndef FLUE_BOARD_H
#define FLUE_BOARD_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief Write `n` bytes of text to the program's output (host: stdout;
 *        QEMU: the semihosting console). Context: thread (not an ISR).
 *        Blocking until written.
 */
void flue_board_write(const char *s, size_t n);

/**
 * @brief printf-style output, a freestanding subset: `%d %i %u %x %X %c %s %%`
 *        with the length modifiers `l`, `ll`, `z`, a field width and the `0`
 *        and `-` flags. Anything else is printed literally.
 * @return the number of bytes written. Context: thread. Blocking.
 */
int flue_board_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int flue_board_vprintf(const char *fmt, va_list ap);

/**
 * @brief End the program with `status` (0 = success). Never returns.
 *        QEMU: QEMU's own exit status becomes `status` (its low 8 bits; a
 *        non-zero status whose low 8 bits are 0 becomes 1).
 */
_Noreturn void flue_board_exit(int status);

/**
 * @brief Monotonic time in nanoseconds since the program started.
 *        Host: CLOCK_MONOTONIC. QEMU: the CMSDK timer 1, free running at the
 *        processor clock and extended to 64 bits by its wrap interrupt, so
 *        in steps of 40 ns (an385, 25 MHz) or 50 ns (an505, 20 MHz); it is
 *        QEMU's virtual time, which under `-icount shift=0` advances exactly
 *        1 ns per instruction.
 * Context: thread or ISR; never blocks (masks interrupts for a few
 * instructions on QEMU).
 */
uint64_t flue_board_time_ns(void);

/**
 * @brief Instructions executed since the program started, where the board
 *        can count them: on QEMU run with `-icount shift=0` (as flue's tests
 *        do) this is flue_board_time_ns(), with the resolution of the
 *        timer it is read from (flue_board_instruction_resolution(): 40 on
 *        mps2-an385, 50 on mps2-an505). A reading is at most one resolution
 *        below the true count, so a difference of two is within one
 *        resolution either way (tests/board/board_demo.c measures loops of
 *        known length). QEMU 7.2 does not emulate the DWT cycle counter,
 *        and semihosting's SYS_ELAPSED is the host's clock, so nothing
 *        finer exists. Time the core spends asleep (WFI/WFE) counts too:
 *        with QEMU's default `sleep=on` it passes at the host's pace, with
 *        `-icount shift=0,sleep=off` it jumps to the next timer event.
 *        Without `-icount` the value is just time.
 * @return the count, or 0 where instructions cannot be counted (the host).
 */
uint64_t flue_board_instructions(void);

/** @brief Resolution of flue_board_instructions() in instructions (0: not counted). */
uint32_t flue_board_instruction_resolution(void);

/**
 * @brief Call `isr` every `period_us` microseconds until
 *        flue_board_timer_stop(): on QEMU from the interrupt of the CMSDK
 *        APB timer 0 (mps2-an385 IRQ 8, mps2-an505 IRQ 3), which counts the
 *        processor clock, so every period is exact to the tick (40 ns on
 *        an385, 50 ns on an505); periods beyond its 32 bits (171 s on
 *        an385, 214 s on an505) are split into 25 (an385) or 20 (an505)
 *        timer interrupts of `period_us` ticks, counted in software. On
 *        the host from a POSIX thread. Either way `isr` runs outside the
 *        executor, so it must only use ISR-safe calls: flue/channel.h's
 *        host side, flue_port_wake(), ... The first call comes one period
 *        after the start.
 * @retval 0 @retval FLUE_EBUSY a timer runs already @retval FLUE_EINVAL
 *         period 0 or isr NULL
 * @retval FLUE_ENOMEM (host) no thread could be created
 * Context: thread.
 */
int flue_board_timer_start(uint32_t period_us, void (*isr)(void));

/**
 * @brief Stop the timer; when it returns, `isr` is not running and will not
 *        run again (host: the thread is joined). Harmless if not running.
 * Context: thread, not `isr` itself on the host (it would join itself).
 */
void flue_board_timer_stop(void);

#endif /* FLUE_BOARD_H */
