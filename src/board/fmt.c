/*
 * The printf subset of flue/board.h (fmt.h). Freestanding: no libc call at
 * all, so it links into the Cortex-M board without pulling newlib's stdio
 * (whose vfprintf allocates its buffers on the heap).
 *
 * One conversion is parsed into a `struct spec`, its argument fetched with
 * the type the length modifier names, and the text emitted with padding.
 * A conversion outside the subset is copied out literally and consumes no
 * argument, so the caller sees what was not understood.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"

/* Widths beyond this are clamped: nothing sensible prints wider. */
#define FMT_MAX_WIDTH 4096u

enum fmt_len { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

struct spec {
	bool left;    /* '-': pad on the right */
	bool zero;    /* '0': pad numbers with zeros after the sign */
	uint32_t width;
	enum fmt_len len;
	char conv;    /* conversion character, '\0' if the string ended */
};

struct out {
	flue_fmt_sink_t sink;
	void *ctx;
	size_t count;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	o->sink(o->ctx, s, n);
	o->count += n;
}

static void emit_fill(struct out *o, char c, size_t n)
{
	static const char spaces[16] = "                ";
	static const char zeros[16] = "0000000000000000";
	const char *chunk = c == '0' ? zeros : spaces;
	while (n > 0) {
		size_t k = n < sizeof spaces ? n : sizeof spaces;
		emit(o, chunk, k);
		n -= k;
	}
}

/* Parses flags, width and length after a '%'; returns the character after
 * the conversion character (or the terminating NUL). */
static const char *parse_spec(const char *p, struct spec *sp)
{
	*sp = (struct spec){ .left = false, .zero = false, .width = 0, .len = LEN_INT };
	for (;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '0')
			sp->zero = true;
		else
			break;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		uint32_t w = sp->width * 10u + (uint32_t)(*p - '0');
		sp->width = w > FMT_MAX_WIDTH ? FMT_MAX_WIDTH : w;
	}
	if (*p == 'l') {
		p++;
		sp->len = LEN_LONG;
		if (*p == 'l') {
			p++;
			sp->len = LEN_LLONG;
		}
	} else if (*p == 'z') {
		p++;
		sp->len = LEN_SIZE;
	}
	sp->conv = *p;
	return *p != '\0' ? p + 1 : p;
}

/* Padding around `body` (already with its sign, if any, in `sign`). */
static void emit_padded(struct out *o, const struct spec *sp, const char *sign,
			const char *body, size_t n, bool numeric)
{
	size_t nsign = sign != NULL ? 1u : 0u;
	size_t pad = sp->width > n + nsign ? sp->width - n - nsign : 0u;
	if (sp->left) {
		emit(o, sign, nsign);
		emit(o, body, n);
		emit_fill(o, ' ', pad);
	} else if (sp->zero && numeric) {
		emit(o, sign, nsign);
		emit_fill(o, '0', pad);
		emit(o, body, n);
	} else {
		emit_fill(o, ' ', pad);
		emit(o, sign, nsign);
		emit(o, body, n);
	}
}

/* Digits of `v` in `base` at the end of buf[24]; returns the first. */
static char *format_digits(char buf[24], unsigned long long v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = buf + 24;
	do {
		*--p = digits[v % base];
		v /= base;
	} while (v != 0u);
	return p;
}

static long long fetch_signed(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return va_arg(*ap, ptrdiff_t); /* the signed type of size_t's width */
	case LEN_INT:
		break;
	}
	return va_arg(*ap, int);
}

static unsigned long long fetch_unsigned(enum fmt_len len, va_list *ap)
{
	switch (len) {
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	case LEN_INT:
		break;
	}
	return va_arg(*ap, unsigned int);
}

static void emit_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	long long v = fetch_signed(sp->len, ap);
	/* Magnitude without overflow for the most negative value. */
	unsigned long long mag = v < 0 ? 0u - (unsigned long long)v : (unsigned long long)v;
	char buf[24];
	char *p = format_digits(buf, mag, 10u, false);
	emit_padded(o, sp, v < 0 ? "-" : NULL, p, (size_t)(buf + 24 - p), true);
}

static void emit_unsigned(struct out *o, const struct spec *sp, va_list *ap)
{
	unsigned base = sp->conv == 'u' ? 10u : 16u;
	char buf[24];
	char *p = format_digits(buf, fetch_unsigned(sp->len, ap), base, sp->conv == 'X');
	emit_padded(o, sp, NULL, p, (size_t)(buf + 24 - p), true);
}

static void emit_string(struct out *o, const struct spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);
	if (s == NULL)
		s = "(null)";
	size_t n = 0;
	while (s[n] != '\0')
		n++;
	emit_padded(o, sp, NULL, s, n, false);
}

static void emit_char(struct out *o, const struct spec *sp, va_list *ap)
{
	char c = (char)va_arg(*ap, int);
	emit_padded(o, sp, NULL, &c, 1u, false);
}

/* One conversion starting at `pct` (the '%'); returns where text resumes. */
static const char *emit_conversion(struct out *o, const char *pct, va_list *ap)
{
	struct spec sp;
	const char *next = parse_spec(pct + 1, &sp);
	switch (sp.conv) {
	case 'd':
	case 'i':
		emit_signed(o, &sp, ap);
		break;
	case 'u':
	case 'x':
	case 'X':
		emit_unsigned(o, &sp, ap);
		break;
	case 's':
		emit_string(o, &sp, ap);
		break;
	case 'c':
		emit_char(o, &sp, ap);
		break;
	case '%':
		emit(o, "%", 1u);
		break;
	default: /* not in the subset: as written, no argument consumed */
		emit(o, pct, (size_t)(next - pct));
		break;
	}
	return next;
}

int flue_fmt(flue_fmt_sink_t sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	va_list cur;
	va_copy(cur, ap);
	const char *p = fmt;
	while (*p != '\0') {
		const char *start = p;
		while (*p != '\0' && *p != '%')
			p++;
		emit(&o, start, (size_t)(p - start));
		if (*p == '%')
			p = emit_conversion(&o, p, &cur);
	}
	va_end(cur);
	return o.count > (size_t)INT_MAX ? INT_MAX : (int)o.count;
}

/* ------------------------------------------------------- buffered output */

struct buffered {
	void (*out)(const char *s, size_t n);
	size_t n;
	char buf[128];
};

static void buffered_put(void *ctx, const char *s, size_t n)
{
	struct buffered *b = ctx;
	while (n > 0) {
		if (b->n == sizeof b->buf) {
			b->out(b->buf, b->n);
			b->n = 0;
		}
		size_t k = sizeof b->buf - b->n;
		if (k > n)
			k = n;
		for (size_t i = 0; i < k; i++)
			b->buf[b->n + i] = s[i];
		b->n += k;
		s += k;
		n -= k;
	}
}

int flue_fmt_write(void (*out)(const char *s, size_t n), const char *fmt, va_list ap)
{
	struct buffered b;
	b.out = out;
	b.n = 0;
	int n = flue_fmt(buffered_put, &b, fmt, ap);
	if (b.n > 0)
		out(b.buf, b.n);
	return n;
}
