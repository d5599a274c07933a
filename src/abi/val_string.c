/*
 * Strings between instances (val.h): load_string_from_range's checks and
 * store_string_into_range with every transcoding of definitions.py @
 * 6d28164 — the same realloc calls (arguments and order: the worst-case
 * allocation, the growing and the shrinking realloc), the same bytes, the
 * same traps.
 *
 * The source was checked by flue_str_check() before the first realloc,
 * so decoding here cannot fail. Memory is resolved again after every
 * realloc (it runs guest code that may grow the destination's memory).
 * The widening of a latin-1 prefix to UTF-16 happens in the destination's
 * memory, as the reference does it, so a realloc that moved the bytes is
 * observed exactly.
 */
#include "abi.h"
#include "val.h"

#define MAX_STRING_BYTES ((1u << 28) - 1u) /* MAX_STRING_BYTE_LENGTH */
#define UTF16_TAG 0x80000000u               /* utf16_tag('i32') */

enum simple { S_UTF8, S_UTF16, S_LATIN1 };

/* A source string: its simple encoding, place and size. */
struct sstr {
	struct flue_instance *inst;
	uint8_t enc;    /* enum simple */
	uint32_t ptr;
	uint32_t units; /* code units (bytes for UTF-8 and latin-1) */
	uint64_t bytes;
};

static struct sstr source(const struct flue_cx *cx, uint32_t ptr, uint32_t tagged)
{
	struct sstr s = { cx->inst, S_UTF8, ptr, tagged, tagged };
	if (cx->encoding == FLUE_STRING_UTF16 ||
	    (cx->encoding == FLUE_STRING_LATIN1_UTF16 && (tagged & UTF16_TAG) != 0)) {
		s.enc = S_UTF16;
		s.units = cx->encoding == FLUE_STRING_UTF16 ? tagged : tagged ^ UTF16_TAG;
		s.bytes = 2u * (uint64_t)s.units;
	} else if (cx->encoding == FLUE_STRING_LATIN1_UTF16) {
		s.enc = S_LATIN1;
	}
	return s;
}

/* ------------------------------------------------------------ decoding */

static bool cont(uint8_t b)
{
	return (b & 0xC0u) == 0x80u;
}

/* One UTF-8 scalar at p[*i] (n bytes left from p); 0xFFFFFFFF if invalid
 * (as Python's strict decoder: no overlongs, surrogates or > U+10FFFF). */
static uint32_t utf8_next(const uint8_t *p, uint64_t n, uint64_t *i)
{
	uint8_t b = p[*i];
	uint32_t len = b < 0x80u ? 1u : b >= 0xC2u && b <= 0xDFu ? 2u : b >= 0xE0u && b <= 0xEFu ? 3u
		       : b >= 0xF0u && b <= 0xF4u ? 4u : 0u;
	if (len == 0 || n - *i < len)
		return 0xFFFFFFFFu;
	uint32_t cp = len == 1u ? b : b & (0xFFu >> (len + 1u));
	for (uint32_t k = 1; k < len; k++) {
		if (!cont(p[*i + k]))
			return 0xFFFFFFFFu;
		cp = cp << 6 | (p[*i + k] & 0x3Fu);
	}
	static const uint32_t least[5] = { 0, 0, 0x80u, 0x800u, 0x10000u };
	if (cp < least[len] || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
		return 0xFFFFFFFFu;
	*i += len;
	return cp;
}

static uint32_t utf16_next(const uint8_t *p, uint64_t n, uint64_t *i)
{
	uint32_t u = (uint32_t)(p[*i] | p[*i + 1] << 8);
	if (u >= 0xDC00u && u <= 0xDFFFu)
		return 0xFFFFFFFFu;
	if (u < 0xD800u || u > 0xDBFFu) {
		*i += 2;
		return u;
	}
	if (n - *i < 4u)
		return 0xFFFFFFFFu;
	uint32_t l = (uint32_t)(p[*i + 2] | p[*i + 3] << 8);
	if (l < 0xDC00u || l > 0xDFFFu)
		return 0xFFFFFFFFu;
	*i += 4;
	return 0x10000u + ((u - 0xD800u) << 10) + (l - 0xDC00u);
}

/* The scalar at byte *i of s (its memory resolved now). */
static uint32_t next_cp(const struct sstr *s, uint64_t *i)
{
	const uint8_t *p = flue_cx_range(s->inst, s->ptr, s->bytes);
	switch (s->enc) {
	case S_LATIN1: return p[(*i)++];
	case S_UTF16: return utf16_next(p, s->bytes, i);
	default: return utf8_next(p, s->bytes, i);
	}
}

void flue_str_check(const struct flue_cx *src, uint32_t ptr, uint32_t tagged)
{
	struct sstr s = source(src, ptr, tagged);
	if (s.bytes > MAX_STRING_BYTES)
		flue_val_fail(s.inst, FLUE_TRAP_STRING_TOO_LONG, tagged);
	if (src->encoding != FLUE_STRING_UTF8 && ptr % 2u != 0)
		flue_val_fail(s.inst, FLUE_TRAP_MISALIGNED, ptr);
	(void)flue_cx_range(s.inst, ptr, s.bytes);
	if (s.enc == S_LATIN1)
		return;
	for (uint64_t i = 0; i < s.bytes;)
		if (next_cp(&s, &i) == 0xFFFFFFFFu)
			flue_val_fail(s.inst, FLUE_TRAP_BAD_ENCODING, (uint32_t)i);
}

/* ------------------------------------------------------------ encoding */

static uint32_t utf8_len(uint32_t cp)
{
	return cp < 0x80u ? 1u : cp < 0x800u ? 2u : cp < 0x10000u ? 3u : 4u;
}

static uint32_t put_utf8(uint8_t *p, uint32_t cp)
{
	uint32_t n = utf8_len(cp);
	if (n == 1u) {
		p[0] = (uint8_t)cp;
		return 1;
	}
	for (uint32_t k = n; k-- > 1;) {
		p[k] = (uint8_t)(0x80u | (cp & 0x3Fu));
		cp >>= 6;
	}
	p[0] = (uint8_t)((0xF00u >> n) | cp); /* 0xC0, 0xE0, 0xF0 lead bytes */
	return n;
}

/* UTF-16LE of cp at p; returns the bytes written (2 or 4). */
static uint32_t put_utf16(uint8_t *p, uint32_t cp)
{
	if (cp < 0x10000u) {
		p[0] = (uint8_t)cp;
		p[1] = (uint8_t)(cp >> 8);
		return 2;
	}
	cp -= 0x10000u;
	uint32_t h = 0xD800u + (cp >> 10), l = 0xDC00u + (cp & 0x3FFu);
	p[0] = (uint8_t)h, p[1] = (uint8_t)(h >> 8), p[2] = (uint8_t)l, p[3] = (uint8_t)(l >> 8);
	return 4;
}

enum dst_form { D_UTF8, D_UTF16, D_LATIN1 };

/* The rest of s from byte *i, encoded into dst at `at` (room for the
 * worst case checked by the caller); returns the bytes written. */
static uint32_t put_rest(const struct sstr *s, uint64_t *i, struct flue_instance *dst,
			 uint32_t at, uint32_t room, enum dst_form f)
{
	uint32_t w = 0;
	while (*i < s->bytes) {
		uint32_t cp = next_cp(s, i);
		uint32_t need = f == D_LATIN1 ? 1u : f == D_UTF16 ? (cp < 0x10000u ? 2u : 4u) : utf8_len(cp);
		/* Checked before the first realloc; still, a realloc of the
		 * source's own instance (one instance on both sides) may have
		 * rewritten it since: never write past the room allocated. */
		if (cp == 0xFFFFFFFFu || need > room - w)
			flue_val_fail(s->inst, FLUE_TRAP_BAD_ENCODING, (uint32_t)*i);
		uint8_t *p = flue_cx_range(dst, at + w, need);
		if (f == D_LATIN1)
			p[0] = (uint8_t)cp, w++; /* a latin-1 source: cp < 256 */
		else
			w += f == D_UTF16 ? put_utf16(p, cp) : put_utf8(p, cp);
	}
	return w;
}

/* store_string_copy: the same characters, each code unit `unit` bytes
 * (a latin-1 source into UTF-16 widens, into latin1+utf16 stays latin-1). */
static void copy_str(const struct sstr *s, const struct flue_cx *d, uint32_t unit, uint32_t align,
		     uint32_t *dp, uint32_t *dn)
{
	uint32_t bytes = unit * s->units; /* < 2^29: the source was checked */
	*dp = flue_cx_realloc(d, 0, 0, align, bytes);
	flue_cx_need(d, *dp, align, bytes);
	enum dst_form f = unit == 2u ? D_UTF16 : s->enc == S_LATIN1 ? D_LATIN1 : D_UTF8;
	uint64_t i = 0;
	(void)put_rest(s, &i, d->inst, *dp, bytes, f);
	*dn = s->units;
}

/* store_string_to_utf8: ASCII first, then the worst case, then shrink. */
static void to_utf8(const struct sstr *s, const struct flue_cx *d, uint32_t worst, uint32_t *dp,
		    uint32_t *dn)
{
	uint32_t ptr = flue_cx_realloc(d, 0, 0, 1, s->units);
	flue_cx_need(d, ptr, 1, s->units);
	uint64_t i = 0;
	for (uint32_t k = 0; i < s->bytes; k++) {
		uint64_t at = i;
		uint32_t cp = next_cp(s, &i);
		if (cp < 0x80u) {
			*flue_cx_range(d->inst, ptr + k, 1) = (uint8_t)cp;
			continue;
		}
		ptr = flue_cx_realloc(d, ptr, s->units, 1, worst);
		flue_cx_need(d, ptr, 1, worst);
		i = at;
		uint32_t len = k + put_rest(s, &i, d->inst, ptr + k, worst - k, D_UTF8);
		if (worst > len) {
			ptr = flue_cx_realloc(d, ptr, worst, 1, len);
			flue_cx_need(d, ptr, 1, len);
		}
		*dp = ptr, *dn = len;
		return;
	}
	*dp = ptr, *dn = s->units;
}

/* store_utf8_to_utf16: the worst case, then shrink. */
static void utf8_to_utf16(const struct sstr *s, const struct flue_cx *d, uint32_t *dp, uint32_t *dn)
{
	uint32_t worst = 2u * s->units;
	uint32_t ptr = flue_cx_realloc(d, 0, 0, 2, worst);
	flue_cx_need(d, ptr, 2, worst);
	uint64_t i = 0;
	uint32_t len = put_rest(s, &i, d->inst, ptr, worst, D_UTF16);
	if (len < worst) {
		ptr = flue_cx_realloc(d, ptr, worst, 2, len);
		flue_cx_need(d, ptr, 2, len);
	}
	*dp = ptr, *dn = len / 2u;
}

/* store_string_to_latin1_or_utf16: latin-1 while it fits, else widen the
 * prefix in place and continue in UTF-16; shrink to what was written. */
static void to_latin1_or_utf16(const struct sstr *s, const struct flue_cx *d, uint32_t *dp,
			       uint32_t *dn)
{
	uint32_t ptr = flue_cx_realloc(d, 0, 0, 2, s->units);
	flue_cx_need(d, ptr, 2, s->units);
	uint32_t n = 0; /* dst_byte_length */
	for (uint64_t i = 0; i < s->bytes;) {
		uint64_t at = i;
		uint32_t cp = next_cp(s, &i);
		if (cp < 0x100u) {
			*flue_cx_range(d->inst, ptr + n++, 1) = (uint8_t)cp;
			continue;
		}
		uint32_t worst = 2u * s->units;
		ptr = flue_cx_realloc(d, ptr, s->units, 2, worst);
		flue_cx_need(d, ptr, 2, worst);
		uint8_t *p = flue_cx_range(d->inst, ptr, worst);
		for (uint32_t j = n; j-- > 0;)
			p[2u * j] = p[j], p[2u * j + 1u] = 0;
		i = at;
		uint32_t len = 2u * n + put_rest(s, &i, d->inst, ptr + 2u * n, worst - 2u * n, D_UTF16);
		if (worst > len) {
			ptr = flue_cx_realloc(d, ptr, worst, 2, len);
			flue_cx_need(d, ptr, 2, len);
		}
		*dp = ptr, *dn = len / 2u | UTF16_TAG;
		return;
	}
	if (n < s->units) {
		ptr = flue_cx_realloc(d, ptr, s->units, 2, n);
		flue_cx_need(d, ptr, 2, n);
	}
	*dp = ptr, *dn = n;
}

/* store_probably_utf16_to_latin1_or_utf16: copy the UTF-16, and if every
 * character fits latin-1, narrow in place and shrink (bounds checked, not
 * alignment, as the reference). */
static void probably_utf16(const struct sstr *s, const struct flue_cx *d, uint32_t *dp,
			   uint32_t *dn)
{
	uint32_t bytes = 2u * s->units;
	uint32_t ptr = flue_cx_realloc(d, 0, 0, 2, bytes);
	flue_cx_need(d, ptr, 2, bytes);
	uint64_t i = 0;
	(void)put_rest(s, &i, d->inst, ptr, bytes, D_UTF16);
	bool wide = false;
	for (i = 0; i < s->bytes && !wide;)
		wide = next_cp(s, &i) >= 0x100u;
	if (wide) {
		*dp = ptr, *dn = s->units | UTF16_TAG;
		return;
	}
	uint8_t *p = flue_cx_range(d->inst, ptr, bytes);
	for (uint32_t k = 0; k < s->units; k++)
		p[k] = p[2u * k];
	ptr = flue_cx_realloc(d, ptr, bytes, 1, s->units);
	flue_cx_need(d, ptr, 1, s->units);
	*dp = ptr, *dn = s->units;
}

void flue_str_store(const struct flue_cx *src, uint32_t ptr, uint32_t tagged,
		    const struct flue_cx *dst, uint32_t *dptr, uint32_t *dtagged)
{
	struct sstr s = source(src, ptr, tagged);
	switch (dst->encoding) {
	case FLUE_STRING_UTF8:
		if (s.enc == S_UTF8)
			copy_str(&s, dst, 1, 1, dptr, dtagged);
		else
			to_utf8(&s, dst, s.units * (s.enc == S_UTF16 ? 3u : 2u), dptr, dtagged);
		return;
	case FLUE_STRING_UTF16:
		if (s.enc == S_UTF8)
			utf8_to_utf16(&s, dst, dptr, dtagged);
		else
			copy_str(&s, dst, 2, 2, dptr, dtagged);
		return;
	default:
		if (src->encoding != FLUE_STRING_LATIN1_UTF16)
			to_latin1_or_utf16(&s, dst, dptr, dtagged);
		else if (s.enc == S_LATIN1)
			copy_str(&s, dst, 1, 2, dptr, dtagged);
		else
			probably_utf16(&s, dst, dptr, dtagged);
		return;
	}
}
