/**
 * @file util.h
 * @brief Small helpers shared by flue-build's parts: reading files, a
 *        growable text/byte buffer, checked allocation.
 *
 * Host tool code. Allocation failure is fatal (the tool prints and exits 1):
 * a build tool has no better answer to an exhausted heap.
 */
#ifndef FLUE_BUILD_UTIL_H
#define FLUE_BUILD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** malloc/calloc/realloc/strdup that exit(1) with a message on failure. */
void *fb_malloc(size_t n);
void *fb_calloc(size_t n, size_t size);
void *fb_realloc(void *p, size_t n);
char *fb_strdup(const char *s);
char *fb_strndup(const char *s, size_t n);

/**
 * @brief Read a whole file. `*data` is malloc'd and NUL-terminated (not
 *        counted in `*len`).
 * @retval 0 @retval -1 (errno set; the caller reports)
 */
/* Format an error into err (len bytes) and return -1: the one way the
 * planning steps report a refusal. */
int fb_failf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int fb_read_file(const char *path, uint8_t **data, size_t *len);

/** A growable buffer of bytes (always NUL-terminated for text use). */
struct fb_buf {
	char *data;
	size_t len, cap;
};

void fb_buf_put(struct fb_buf *b, const void *p, size_t n);
void fb_buf_puts(struct fb_buf *b, const char *s);
void fb_buf_printf(struct fb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fb_buf_vprintf(struct fb_buf *b, const char *fmt, va_list ap);
void fb_buf_free(struct fb_buf *b);

/**
 * @brief Write `n` bytes to `path` unless the file already holds exactly
 *        them (so build systems see no change).
 * @retval 0 @retval -1 (errno set)
 */
int fb_write_file(const char *path, const void *data, size_t n);

/** A list of strings (argument words). */
struct fb_strs {
	char **v;
	uint32_t n;
};

void fb_strs_add(struct fb_strs *s, const char *str);
/** @brief Add the blank-separated words of `text`. */
void fb_strs_add_words(struct fb_strs *s, const char *text);
void fb_strs_free(struct fb_strs *s);

/** @brief "a/b" (allocated). */
char *fb_path(const char *a, const char *b);

/** @brief mkdir -p. @retval 0 @retval -1 (errno set) */
int fb_mkdirs(const char *path);

#endif /* FLUE_BUILD_UTIL_H */
