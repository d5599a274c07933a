/*
 * flue-build helpers: checked allocation, whole-file I/O, growable buffers.
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void *check(void *p)
{
	if (p == NULL) {
		fputs("flue-build: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

void *fb_malloc(size_t n)
{
	return check(malloc(n != 0 ? n : 1));
}

void *fb_calloc(size_t n, size_t size)
{
	return check(calloc(n != 0 ? n : 1, size != 0 ? size : 1));
}

void *fb_realloc(void *p, size_t n)
{
	return check(realloc(p, n != 0 ? n : 1));
}

char *fb_strdup(const char *s)
{
	return fb_strndup(s, strlen(s));
}

char *fb_strndup(const char *s, size_t n)
{
	char *d = fb_malloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int fb_read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	struct fb_buf b = { 0 };
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fb_buf_put(&b, chunk, n);
	int failed = ferror(f);
	int saved = errno;
	fclose(f);
	if (failed) {
		fb_buf_free(&b);
		errno = saved;
		return -1;
	}
	if (b.data == NULL)
		fb_buf_put(&b, "", 0);
	*data = (uint8_t *)b.data;
	*len = b.len;
	return 0;
}

void fb_buf_put(struct fb_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap != 0 ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = fb_realloc(b->data, cap);
		b->cap = cap;
	}
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void fb_buf_puts(struct fb_buf *b, const char *s)
{
	fb_buf_put(b, s, strlen(s));
}

void fb_buf_vprintf(struct fb_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	fb_buf_put(b, "", 0); /* make room for the terminator */
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap;
		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		b->data = fb_realloc(b->data, cap);
		b->cap = cap;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void fb_buf_printf(struct fb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void fb_buf_free(struct fb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int fb_write_file(const char *path, const void *data, size_t n)
{
	uint8_t *old;
	size_t oldlen;
	if (fb_read_file(path, &old, &oldlen) == 0) {
		int same = oldlen == n && memcmp(old, data, n) == 0;
		free(old);
		if (same)
			return 0;
	}
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	size_t w = fwrite(data, 1, n, f);
	int rc = fclose(f);
	return w == n && rc == 0 ? 0 : -1;
}

void fb_strs_add(struct fb_strs *s, const char *str)
{
	s->v = fb_realloc(s->v, (s->n + 2u) * sizeof *s->v);
	s->v[s->n++] = fb_strdup(str);
	s->v[s->n] = NULL;
}

void fb_strs_add_words(struct fb_strs *s, const char *text)
{
	const char *p = text;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		const char *start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (p > start) {
			char *w = fb_strndup(start, (size_t)(p - start));
			fb_strs_add(s, w);
			free(w);
		}
	}
}

void fb_strs_free(struct fb_strs *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

char *fb_path(const char *a, const char *b)
{
	struct fb_buf p = { 0 };
	fb_buf_printf(&p, "%s/%s", a, b);
	return p.data;
}

int fb_mkdirs(const char *path)
{
	char *p = fb_strdup(path);
	int rc = 0;
	for (char *s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = saved;
		if (saved == '\0')
			break;
	}
	free(p);
	return rc;
}

int fb_failf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}
