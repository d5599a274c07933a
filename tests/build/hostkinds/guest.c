/*
 * guest (tests/build/hostkinds): calls the host's classify (flat params),
 * measure (17 flat params: through memory) and hue (flat both ways) and
 * checks every byte the host's results leave here; lifts mix (params
 * through memory, result through memory) and pick (flat), checking what
 * the host passed. NaNs go out with payloads and signs the deterministic
 * profile must erase, so every float is compared by its bits.
 */
#include "p3.h"

#define HOST "test:hostkinds/host"

#define NAN32 0x7FC00000u
#define NAN64 0x7FF8000000000000ull

/* classify: tuple<u8, f32, char> (3 flat), perms, list<f64, 3> (3 flat),
 * map<string, u32> (pointer, length), color, then the return pointer of
 * tuple<color, perms, list<s16, 2>, f32> (offsets 0, 1, 2, 8). */
P3_IMPORT(HOST, "classify")
void classify(uint32_t t0, float t1, uint32_t t2, uint32_t f, double l0, double l1, double l2,
	      const void *m, uint32_t mn, uint32_t e, uint8_t *ret);
/* measure: its 17 flat params through one pointer, then the return pointer. */
P3_IMPORT(HOST, "measure") void measure(const uint8_t *args, uint8_t *ret);
P3_IMPORT(HOST, "hue") uint32_t hue(uint32_t c);

/* cabi_realloc: the bump heap of tests/build/values. */
#include "../values/heap.h"

/* Little-endian loads and stores: the canonical layout, by hand. */
static uint64_t ld(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	for (uint32_t k = 0; k < n; k++)
		v |= (uint64_t)p[k] << (8u * k);
	return v;
}

static void st(uint8_t *p, uint64_t v, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		p[k] = (uint8_t)(v >> (8u * k));
}

static float f32_of(uint32_t b)
{
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static double f64_of(uint64_t b)
{
	double d;
	memcpy(&d, &b, 8);
	return d;
}

static const uint8_t *at(const uint8_t *p, uint32_t off)
{
	return (const uint8_t *)(uintptr_t)ld(p + off, 4);
}

/* tuple<color, perms, list<s16, 2>, f32>: green, write|exec, [-32768,
 * 12345], the host's 0x7FA00000 (a signalling NaN) made canonical. */
static uint32_t check_classify(void)
{
	static const struct { const char *k; uint32_t len, v; } m[2] = {
		{ "\xCE\xB1", 2, 1 }, /* U+03B1 */
		{ "b", 1, 0xFFFFFFFFu },
	};
	static uint8_t ret[12] __attribute__((aligned(4)));
	classify(200, f32_of(0xFFC00001u), 0x1F600u, 5u, 1.5, f64_of(0x7FF0000000000001ull),
		 f64_of(0x8000000000000000ull), m, 2, 2, ret);
	uint32_t ok = ret[0] == 1u ? 0x1u : 0u;
	ok |= ret[1] == 6u ? 0x2u : 0u;
	ok |= ld(ret + 2, 2) == 0x8000u && ld(ret + 4, 2) == 12345u ? 0x4u : 0u;
	ok |= ld(ret + 8, 4) == NAN32 ? 0x8u : 0u;
	return ok;
}

/* sample { x, y, c, w, h } at offsets 0, 8, 16, 20, 24 (32 bytes). */
static void put_sample(uint8_t *p, uint32_t x, uint64_t y, uint32_t c, uint32_t w, uint32_t h)
{
	st(p, x, 4), st(p + 8, y, 8), st(p + 16, c, 4), st(p + 20, w, 2), st(p + 24, h, 4);
}

static uint32_t measure_lists(const uint8_t *r)
{
	const uint8_t *xs = at(r, 32), *ds = at(r, 40), *cs = at(r, 48), *m = at(r, 56);
	uint32_t ok = ld(r + 36, 4) == 2u && ld(xs, 4) == NAN32 && ld(xs + 4, 4) == 0x40600000u
			      ? 0x80u : 0u;                           /* [NaN, 3.5] */
	ok |= ld(r + 44, 4) == 1u && ld(ds, 8) == NAN64 ? 0x100u : 0u; /* [NaN] */
	/* the host echoed the view of our cs */
	ok |= ld(r + 52, 4) == 3u && ld(cs, 4) == 0x1F600u && ld(cs + 4, 4) == 0x41u &&
		      ld(cs + 8, 4) == 0x10FFFFu ? 0x200u : 0u;
	/* map<u8, f64>: entries of 16 bytes, the value at 8: {7: 0.125, 255: NaN} */
	ok |= ld(r + 60, 4) == 2u && m[0] == 7u && ld(m + 8, 8) == 0x3FC0000000000000ull &&
		      m[16] == 255u && ld(m + 24, 8) == NAN64 ? 0x400u : 0u;
	return ok;
}

/* measure's params: sample@0, xs@32, ds@40, cs@48, q@56 (4 f32), e@72,
 * w@74 (80 bytes); its result: sample@0, xs@32, ds@40, cs@48, map@56,
 * huge@64 (72 bytes). */
static uint32_t check_measure(void)
{
	static const uint32_t xs[3] = { 0x3F800000u, 0xFFFFFFFFu, 0xFF800000u };
	static const uint64_t ds[2] = { 0xFFF8000000000001ull, 0x400A000000000000ull };
	static const uint32_t cs[3] = { 0x1F600u, 0x41u, 0x10FFFFu };
	static uint8_t a[80] __attribute__((aligned(8))), r[72] __attribute__((aligned(8)));
	put_sample(a, 0x7F800001u, 0x4004000000000000ull, 0xE9u, 0x201u, 0x80001u);
	st(a + 32, (uintptr_t)xs, 4), st(a + 36, 3, 4);
	st(a + 40, (uintptr_t)ds, 4), st(a + 44, 2, 4);
	st(a + 48, (uintptr_t)cs, 4), st(a + 52, 3, 4);
	st(a + 56, 0x3F000000u, 4), st(a + 60, 0x7F800002u, 4);
	st(a + 64, 0, 4), st(a + 68, 0xBF800000u, 4);
	a[72] = 1, st(a + 74, 0x3FFu, 2);
	measure(a, r);
	uint32_t ok = ld(r, 4) == NAN32 ? 0x10u : 0u;
	ok |= ld(r + 8, 8) == NAN64 ? 0x20u : 0u;
	ok |= ld(r + 16, 4) == 0x1F600u && ld(r + 20, 2) == 0x155u && ld(r + 24, 4) == 0xFFFFFu
		      ? 0x40u : 0u;
	ok |= ld(r + 64, 4) == 0x80000u ? 0x800u : 0u;
	return ok | measure_lists(r);
}

/* What mix and pick were given (checked when they ran), for run. */
static uint32_t mix_ok, mix_calls, pick_ok, pick_calls;

P3_EXPORT("run") uint32_t run(void)
{
	uint32_t ok = check_classify() | check_measure();
	ok |= hue(0x1F600u) == 2u ? 0x1000u : 0u;
	ok |= mix_calls == 1u ? mix_ok : 0u;
	ok |= pick_calls == 1u ? pick_ok : 0u;
	return ok;
}

/* mix's params at p: sample@0, e@32, m@36, l@44 (2 chars), t@52 (f32@0,
 * char@4, perms@8), xs@64, ys@72 (2 f64); 88 bytes. */
static uint32_t check_mix(const uint8_t *p)
{
	const uint8_t *m = at(p, 36), *xs = at(p, 64);
	uint32_t ok = ld(p, 4) == NAN32 && ld(p + 8, 8) == 0x8000000000000000ull &&
			      ld(p + 16, 4) == 0x1F600u && ld(p + 20, 2) == 0x201u &&
			      ld(p + 24, 4) == 0xFFFFFu ? 0x2000u : 0u;
	/* map<u32, f64>: entries of 16 bytes {1: NaN, 0xFFFFFFFF: 2.5} */
	ok |= p[32] == 1u && ld(p + 40, 4) == 2u && ld(m, 4) == 1u && ld(m + 8, 8) == NAN64 &&
		      ld(m + 16, 4) == 0xFFFFFFFFu && ld(m + 24, 8) == 0x4004000000000000ull
		      ? 0x4000u : 0u;
	ok |= ld(p + 44, 4) == 0xE9u && ld(p + 48, 4) == 0x10FFFFu && ld(p + 52, 4) == NAN32 &&
		      ld(p + 56, 4) == 'z' && p[60] == 3u ? 0x8000u : 0u;
	ok |= ld(p + 68, 4) == 2u && ld(xs, 4) == NAN32 && ld(xs + 4, 4) == 1u &&
		      ld(p + 72, 8) == NAN64 && ld(p + 80, 8) == 0x3FF0000000000000ull
		      ? 0x10000u : 0u;
	return ok;
}

/* mix's result: sample@0, map<string, color>@32 (entries of 12: string,
 * color@8), list<f32, 2>@40, wide@48, list<f64>@52; 64 bytes. */
P3_EXPORT("mix") uint8_t *mix(const uint8_t *p)
{
	static const uint8_t e_acute[2] = { 0xC3, 0xA9 };
	static uint8_t r[64] __attribute__((aligned(8))), m[24] __attribute__((aligned(4)));
	static const uint64_t ys[3] = { 0xFFF8000000000001ull, 0x4018000000000000ull, NAN64 };
	mix_calls++;
	mix_ok = check_mix(p);
	put_sample(r, 0xFF800001u, 0x7FF0000000000001ull, 0x1F600u, 0x3FFu, 0x80001u);
	st(m, (uintptr_t)e_acute, 4), st(m + 4, 2, 4), m[8] = 2;
	st(m + 12, (uintptr_t)e_acute, 4), st(m + 16, 0, 4), m[20] = 0;
	st(r + 32, (uintptr_t)m, 4), st(r + 36, 2, 4);
	st(r + 40, 0x7FBFFFFFu, 4), st(r + 44, 0xBFC00000u, 4);
	st(r + 48, 0x200u, 2);
	st(r + 52, (uintptr_t)ys, 4), st(r + 56, 3, 4);
	return r;
}

/* pick(blue, 0x3FF, U+1F600): c | w << 2 | 1 << 19 if ch is U+1F600. */
P3_EXPORT("pick") uint32_t pick(uint32_t c, uint32_t w, uint32_t ch)
{
	pick_calls++;
	pick_ok = c == 2u && w == 0x3FFu && ch == 0x1F600u ? 0x20000u : 0u;
	return c | w << 2 | (ch == 0x1F600u ? 1u << 19 : 0u);
}
