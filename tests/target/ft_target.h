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

/* Prints the image banner and makes stdout unbuffered, so that nothing is
 * lost if the image faults or hangs. */
void ft_begin(const char *image);

/* Prints the totals as the last line, exactly "N passed, N failed", and
 * returns the exit status: 0 only if at least one test ran and none failed. */
int ft_end(void);

#endif /* FLUE_FT_TARGET_H */
