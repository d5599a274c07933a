/**
 * @file ft_target.h
 * @brief The target runner's entry points for the generated main()
 *        (tests/target/main.c.in, filled in by cmake/target.cmake).
 *
 * The suites themselves only see tests/support/ftest.h: ft_fail() and
 * ft_run_suite() are implemented in ft_runner.c.
 */
#ifndef FLUE_FT_TARGET_H
#define FLUE_FT_TARGET_H

#include <stdbool.h>

/* Prints the image banner and makes stdout unbuffered, so that nothing is
 * lost if the image faults or hangs. */
void ft_begin(const char *image);

/* Prints the totals as the last line, exactly "N passed, N failed", and
 * returns the exit status: 0 only if at least one test ran and none failed. */
int ft_end(void);

/* How the runner enters a case: `fn()` (a weak definition in ft_runner.c).
 * The gated built-in image (tests/gated/gate_abi.c) replaces it: there a
 * case body runs as unprivileged guest code. */
void ft_enter_case(void (*fn)(void));

/* Set while a failed check cannot longjmp back to the runner (a case body
 * is guest code, and the check failed in a service it called): the image
 * stops at the failure instead. */
extern bool ft_stop_on_failure;

#endif /* FLUE_FT_TARGET_H */
