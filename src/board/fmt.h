/*
 * The printf subset of flue/board.h, separate from any output so that the
 * host tests can check it against expected strings and both boards share
 * it. Internal to the board libraries.
 */
#ifndef FLUE_BOARD_FMT_H
#define FLUE_BOARD_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the formatted text piecewise, in order. */
typedef void (*flue_fmt_sink_t)(void *ctx, const char *s, size_t n);

/*
 * Format `fmt` with `ap` into `sink`: `%d %i %u %x %X %c %s %%`, the length
 * modifiers `l`, `ll`, `z`, a decimal field width, the flags `0` and `-`.
 * Any other conversion is emitted literally (from its `%` to the offending
 * character) and consumes no argument. Returns the number of bytes emitted
 * (saturating at INT_MAX).
 */
int flue_fmt(flue_fmt_sink_t sink, void *ctx, const char *fmt, va_list ap);

/*
 * flue_fmt() through a 128-byte buffer on the stack, handed to `out` each
 * time it fills and once at the end: what both boards' flue_board_vprintf()
 * do with their flue_board_write().
 */
int flue_fmt_write(void (*out)(const char *s, size_t n), const char *fmt, va_list ap);

#endif /* FLUE_BOARD_FMT_H */
