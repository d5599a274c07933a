/*
 * hostkinds (tests/build/build.cmake): the value kinds build.hostvals
 * leaves out, across the host edge each way. The host calls mix (params
 * through memory) and pick (flat) and reads their results; then run, in
 * which the guest calls classify (flat params), measure (params through
 * memory) and hue (flat). The host checks every param it is shown and
 * every result it reads, bit for bit: NaNs the guest sends with payloads
 * and signs arrive canonical (f32 0x7FC00000, f64 0x7FF8000000000000),
 * whether read one by one or through a list's `elems`. It also gives
 * values out of range (an enum case, flag bits, a fixed length, a char)
 * and checks each is refused. Each check is a bit, so a failure says
 * which; the guest reports its own checks of what arrived as bits too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "hostkinds.h"

#define WANT 0xFFFFFFFu
#define GUEST_WANT 0x3FFFFu
#define NAN32 0x7FC00000u
#define NAN64 0x7FF8000000000000ull

static uint32_t bits, guest_bits = 0xDEADu;

static uint32_t b32(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

static uint64_t b64(double d)
{
	uint64_t b;
	memcpy(&b, &d, sizeof b);
	return b;
}

static float f32(uint32_t b)
{
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

static double f64(uint64_t b)
{
	double d;
	memcpy(&d, &b, sizeof d);
	return d;
}

static bool is(hostkinds_string_t s, const char *want)
{
	uint32_t n = (uint32_t)strlen(want);
	return s.len == n && (n == 0 || (s.ptr != 0 && memcmp(s.ptr, want, n) == 0));
}

/* --------------------------------------------------------- classify */

/* l: list<f64, 3> (inline, flat: no `elems`); m: map<string, u32>. */
static uint32_t classify_lists(hostkinds_list16_t l, hostkinds_map17_t m)
{
	static const uint64_t want[3] = { 0x3FF8000000000000ull, NAN64, 0x8000000000000000ull };
	bool ok = l.len == 3u && l.elems == 0;
	for (uint32_t i = 0; ok && i < 3u; i++) {
		double d = 0;
		ok = hostkinds_list16_get(&l, i, &d) == 0 && b64(d) == want[i];
	}
	uint32_t r = ok ? 0x4u : 0u;
	hostkinds_map17_entry_t e0, e1, e2;
	ok = m.len == 2u && m.elems == 0 && hostkinds_map17_get(&m, 0, &e0) == 0 &&
	     hostkinds_map17_get(&m, 1, &e1) == 0 && hostkinds_map17_get(&m, 2, &e2) == FLUE_EINVAL;
	ok = ok && is(e0.key, "\xCE\xB1") && e0.value == 1u && is(e1.key, "b") &&
	     e1.value == 0xFFFFFFFFu;
	return r | (ok ? 0x8u : 0u);
}

void host_classify(flue_call_t call, hostkinds_tuple15_t t, hostkinds_perms_t f,
		   hostkinds_list16_t l, hostkinds_map17_t m, hostkinds_color_t e)
{
	bits |= t.f0 == 200u && b32(t.f1) == NAN32 && t.f2 == 0x1F600u ? 0x1u : 0u;
	bits |= f == (HOSTKINDS_PERMS_READ | HOSTKINDS_PERMS_EXEC) ? 0x2u : 0u;
	bits |= classify_lists(l, m);
	bits |= e == HOSTKINDS_COLOR_BLUE ? 0x10u : 0u;
	static const int16_t s16s[2] = { -32768, 12345 }, one[1] = { 1 };
	hostkinds_tuple19_t r = { HOSTKINDS_COLOR_GREEN,
				  HOSTKINDS_PERMS_WRITE | HOSTKINDS_PERMS_EXEC,
				  { s16s, 2, { 0 } }, f32(0x7FA00000u) /* signalling */ };
	/* out of range: no such case, a fourth flag, a fixed length of 1 */
	hostkinds_tuple19_t bad = r;
	bad.f0 = 3;
	bool ok = host_classify_return(call, &bad) == FLUE_EINVAL;
	bad = r, bad.f1 = 8;
	ok = ok && host_classify_return(call, &bad) == FLUE_EINVAL;
	bad = r, bad.f2 = (hostkinds_list18_t){ one, 1, { 0 } };
	ok = ok && host_classify_return(call, &bad) == FLUE_EINVAL;
	bits |= ok ? 0x20u : 0u;
	bits |= host_classify_return(call, &r) == 0 ? 0x40u : 0u;
	bits |= host_classify_return(call, &r) == FLUE_EBADF ? 0x80u : 0u;
}

/* ---------------------------------------------------------- measure */

/* A list of floats given to the host (by bits): no `elems` (in guest
 * memory a NaN keeps its payload: only _get shows it canonical). */
static bool f32s(hostkinds_list8_t l, const uint32_t *want, uint32_t n)
{
	bool ok = l.len == n && l.elems == 0;
	for (uint32_t i = 0; ok && i < n; i++) {
		float f = 0;
		ok = hostkinds_list8_get(&l, i, &f) == 0 && b32(f) == want[i];
	}
	return ok;
}

static bool f64s(hostkinds_list13_t l, const uint64_t *want, uint32_t n)
{
	bool ok = l.len == n && l.elems == 0;
	for (uint32_t i = 0; ok && i < n; i++) {
		double d = 0;
		ok = hostkinds_list13_get(&l, i, &d) == 0 && b64(d) == want[i];
	}
	return ok;
}

static uint32_t measure_params(hostkinds_sample_t s, hostkinds_list8_t xs, hostkinds_list13_t ds,
			       hostkinds_list20_t cs, hostkinds_list21_t q)
{
	static const uint32_t wxs[3] = { 0x3F800000u, NAN32, 0xFF800000u };
	static const uint64_t wds[2] = { NAN64, 0x400A000000000000ull };
	static const uint32_t wcs[3] = { 0x1F600u, 0x41u, 0x10FFFFu };
	static const uint32_t wq[4] = { 0x3F000000u, NAN32, 0, 0xBF800000u };
	uint32_t r = b32(s.x) == NAN32 && b64(s.y) == 0x4004000000000000ull && s.c == 0xE9u &&
			     s.w == 0x201u && s.h == 0x80001u ? 0x100u : 0u;
	r |= f32s(xs, wxs, 3) ? 0x200u : 0u;
	r |= f64s(ds, wds, 2) ? 0x400u : 0u;
	bool ok = cs.len == 3u && cs.elems != 0;
	for (uint32_t i = 0; ok && i < 3u; i++) {
		uint32_t c = 0;
		ok = cs.elems[i] == wcs[i] && hostkinds_list20_get(&cs, i, &c) == 0 && c == wcs[i];
	}
	r |= ok ? 0x800u : 0u;
	ok = q.len == 4u && q.elems == 0; /* inline in the params: read through the view */
	for (uint32_t i = 0; ok && i < 4u; i++) {
		float f = 0;
		ok = hostkinds_list21_get(&q, i, &f) == 0 && b32(f) == wq[i];
	}
	return r | (ok ? 0x1000u : 0u);
}

void host_measure(flue_call_t call, hostkinds_sample_t s, hostkinds_list8_t xs,
		  hostkinds_list13_t ds, hostkinds_list20_t cs, hostkinds_list21_t q,
		  hostkinds_color_t e, hostkinds_wide_t w)
{
	static const float rxs[2] = { 0, 3.5f };
	static double rds[1];
	static const hostkinds_map22_entry_t rm[2] = { { 7, 0.125 }, { 255, 0 } };
	static hostkinds_map22_entry_t rmv[2];
	bits |= measure_params(s, xs, ds, cs, q);
	bits |= e == HOSTKINDS_COLOR_GREEN && w == 0x3FFu ? 0x2000u : 0u;
	float xs0 = f32(0x7F800001u);
	memcpy(rmv, rm, sizeof rm);
	rmv[1].value = f64(0x7FF0000000000002ull);
	rds[0] = f64(0xFFFFFFFFFFFFFFFFull);
	float rx[2] = { xs0, rxs[1] };
	/* cs echoes the view we were given */
	hostkinds_tuple23_t r = { { f32(0xFFC00000u), f64(0x7FF4000000000000ull), 0x1F600u, 0x155u,
				    0xFFFFFu },
				  { rx, 2, { 0 } }, { rds, 1, { 0 } }, cs, { rmv, 2, { 0 } }, 0x80000u };
	hostkinds_tuple23_t bad = r;
	bad.f0.c = 0xD800u; /* a surrogate: not a char */
	bool ok = host_measure_return(call, &bad) == FLUE_EINVAL;
	bad = r, bad.f5 = 1u << 20; /* a 21st flag */
	ok = ok && host_measure_return(call, &bad) == FLUE_EINVAL;
	bad = r, bad.f0.w = 0x400u; /* an 11th flag */
	ok = ok && host_measure_return(call, &bad) == FLUE_EINVAL;
	bits |= ok ? 0x4000u : 0u;
	bits |= host_measure_return(call, &r) == 0 ? 0x8000u : 0u;
}

void host_hue(flue_call_t call, uint32_t c)
{
	hostkinds_color_t bad = 3, blue = HOSTKINDS_COLOR_BLUE;
	bits |= c == 0x1F600u && host_hue_return(call, &bad) == FLUE_EINVAL &&
		host_hue_return(call, &blue) == 0 ? 0x10000u : 0u;
}

/* ------------------------------------------------------ mix and pick */

static void on_mix(void *user, const hostkinds_tuple14_t *r)
{
	static const uint64_t wys[3] = { NAN64, 0x4018000000000000ull, NAN64 };
	(void)user;
	if (r == 0)
		return;
	hostkinds_sample_t s = r->f0;
	bits |= b32(s.x) == NAN32 && b64(s.y) == NAN64 && s.c == 0x1F600u && s.w == 0x3FFu &&
		s.h == 0x80001u ? 0x40000u : 0u;
	hostkinds_map11_entry_t e0, e1;
	bits |= r->f1.len == 2u && r->f1.elems == 0 && hostkinds_map11_get(&r->f1, 0, &e0) == 0 &&
		is(e0.key, "\xC3\xA9") && e0.value == HOSTKINDS_COLOR_BLUE &&
		hostkinds_map11_get(&r->f1, 1, &e1) == 0 && is(e1.key, "") &&
		e1.value == HOSTKINDS_COLOR_RED ? 0x80000u : 0u;
	float a = 0, b = 0;
	bits |= r->f2.len == 2u && r->f2.elems == 0 && hostkinds_list12_get(&r->f2, 0, &a) == 0 &&
		hostkinds_list12_get(&r->f2, 1, &b) == 0 && b32(a) == NAN32 &&
		b32(b) == 0xBFC00000u ? 0x100000u : 0u;
	bits |= r->f3 == 0x200u ? 0x200000u : 0u;
	bits |= f64s(r->f4, wys, 3) ? 0x400000u : 0u;
}

static int call_mix(void)
{
	static const hostkinds_map4_entry_t m[2] = { { 1, 0 }, { 0xFFFFFFFFu, 2.5 } };
	static const uint32_t l[2] = { 0xE9u, 0x10FFFFu };
	hostkinds_map4_entry_t mv[2] = { m[0], m[1] };
	mv[0].value = f64(0x7FF0000000000001ull);
	float xs[2] = { f32(0xFFFFFFFFu), f32(0x00000001u) };
	double ys[2] = { f64(0xFFF0000000000001ull), 1.0 };
	hostkinds_sample_t s = { f32(0xFFC00001u), -0.0, 0x1F600u, 0x201u, 0xFFFFFu };
	hostkinds_map4_t mm = { mv, 2, { 0 } };
	hostkinds_list5_t ll = { l, 2, { 0 } }, l3 = { l, 1, { 0 } };
	hostkinds_tuple7_t t = { f32(0x7F800001u), 'z', HOSTKINDS_PERMS_READ | HOSTKINDS_PERMS_WRITE };
	hostkinds_tuple7_t t8 = t;
	t8.f2 = 8;
	hostkinds_list8_t xl = { xs, 2, { 0 } };
	hostkinds_list9_t yl = { ys, 2, { 0 } };
	/* out of range: no such case, a fixed length of 1, a fourth flag */
	bool ok = hostkinds_g_mix(s, 3, mm, ll, t, xl, yl, on_mix, 0, 0) == FLUE_EINVAL &&
		  hostkinds_g_mix(s, 1, mm, l3, t, xl, yl, on_mix, 0, 0) == FLUE_EINVAL &&
		  hostkinds_g_mix(s, 1, mm, ll, t8, xl, yl, on_mix, 0, 0) == FLUE_EINVAL;
	bits |= ok ? 0x20000u : 0u;
	return hostkinds_g_mix(s, HOSTKINDS_COLOR_GREEN, mm, ll, t, xl, yl, on_mix, 0, 0);
}

static void on_pick(void *user, const hostkinds_huge_t *r)
{
	(void)user;
	bits |= r != 0 && *r == 0x80FFEu ? 0x800000u : 0u; /* blue | 0x3FF << 2 | 1 << 19 */
}

/* a char that is not one: the host's mistake, no value, no guest code */
static void on_bad_pick(void *user, const hostkinds_huge_t *r)
{
	(void)user;
	bits |= r == 0 ? 0x1000000u : 0u;
}

static void on_run(void *user, const uint32_t *r)
{
	(void)user;
	guest_bits = r != 0 ? *r : 0xDEADu;
}

int main(void)
{
	if (hostkinds_init(flue_board_printf) != 0)
		return 1;
	int rc = call_mix();
	rc |= hostkinds_run();
	rc |= hostkinds_g_pick(HOSTKINDS_COLOR_BLUE, 0x3FFu, 0x1F600u, on_pick, 0, 0);
	rc |= hostkinds_g_pick(HOSTKINDS_COLOR_BLUE, 0x3FFu, 0xD800u, on_bad_pick, 0, 0);
	bits |= hostkinds_g_pick(HOSTKINDS_COLOR_BLUE, 0x400u, 'a', on_pick, 0, 0) == FLUE_EINVAL
			? 0x2000000u : 0u;
	rc |= hostkinds_run();
	rc |= hostkinds_g_run(on_run, 0, 0);
	rc |= hostkinds_run();
	bits |= rc == 0 ? 0x4000000u : 0u;
	bits |= guest_bits == GUEST_WANT ? 0x8000000u : 0u;
	flue_board_printf("hostkinds: host checks 0x%x (want 0x%x), guest checks 0x%x (want 0x%x)\n",
			  (unsigned)bits, (unsigned)WANT, (unsigned)guest_bits,
			  (unsigned)GUEST_WANT);
	int fail = bits != WANT || guest_bits != GUEST_WANT;
	flue_board_printf("hostkinds: %s\n", fail ? "FAILED" : "ok");
	return fail;
}
