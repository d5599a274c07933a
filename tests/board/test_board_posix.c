/*
 * flue/board.h on the host (libflue_board_posix.a): the printf subset
 * (src/board/fmt.c, shared with the MPS2 board) against expected strings,
 * time, and the timer thread (start, period, stop, restart, errors). Also
 * run under ThreadSanitizer (build with -DFLUE_TSAN=ON).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "fmt.h"
#include "ftest.h"

/* ----------------------------------------------------------- formatting */

struct strbuf {
	char text[512];
	size_t n;
	unsigned calls;
};

static void strbuf_put(void *ctx, const char *s, size_t n)
{
	struct strbuf *b = ctx;
	b->calls++;
	for (size_t i = 0; i < n && b->n + 1 < sizeof b->text; i++)
		b->text[b->n++] = s[i];
	b->text[b->n] = '\0';
}

static struct strbuf out;

static int fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	out.n = 0;
	out.calls = 0;
	out.text[0] = '\0';
	int n = flue_fmt(strbuf_put, &out, f, ap);
	va_end(ap);
	return n;
}

/* Formats, then compares text and returned length. The format is not a
 * literal, so -Wformat does not object to the deliberately bad ones. */
#define FMT_EQ(expected, ...)                                            \
	do {                                                             \
		int n_ = fmt(__VA_ARGS__);                               \
		if (strcmp(out.text, (expected)) != 0)                   \
			FT_FAIL(out.text);                               \
		FT_EQ(n_, strlen(expected));                             \
	} while (0)

FT_TEST(fmt_plain_text_and_percent)
{
	FMT_EQ("", "");
	FMT_EQ("hello", "hello");
	FMT_EQ("100%", "100%%");
	FMT_EQ("%%", "%%%%");
}

FT_TEST(fmt_signed)
{
	FMT_EQ("0 -1 42", "%d %i %d", 0, -1, 42);
	FMT_EQ("-2147483648 2147483647", "%d %d", INT32_MIN, INT32_MAX);
	FMT_EQ("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT_EQ("9223372036854775807", "%lli", (long long)INT64_MAX);
	FMT_EQ("-5 -6", "%ld %zd", -5L, (ptrdiff_t)-6);
}

FT_TEST(fmt_unsigned_and_hex)
{
	FMT_EQ("4294967295", "%u", UINT32_MAX);
	FMT_EQ("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	FMT_EQ("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	FMT_EQ("0 0", "%x %u", 0u, 0u);
	FMT_EQ("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	FMT_EQ("ffffffffffffffff", "%lx", (unsigned long)-1);
	FMT_EQ("12345 3039", "%zu %zx", (size_t)12345, (size_t)12345);
}

FT_TEST(fmt_width_and_flags)
{
	FMT_EQ("[   42]", "[%5d]", 42);
	FMT_EQ("[42   ]", "[%-5d]", 42);
	FMT_EQ("[00042]", "[%05d]", 42);
	FMT_EQ("[-0042]", "[%05d]", -42);
	FMT_EQ("[  -42]", "[%5d]", -42);
	FMT_EQ("[-42  ]", "[%-05d]", -42); /* '-' wins over '0' */
	FMT_EQ("[0000beef]", "[%08x]", 0xbeefu);
	FMT_EQ("[123456]", "[%3d]", 123456); /* never truncated */
	FMT_EQ("[   ab]", "[%5s]", "ab");
	FMT_EQ("[ab   ]", "[%-5s]", "ab");
	FMT_EQ("[   ab]", "[%05s]", "ab"); /* zeros only for numbers */
	FMT_EQ("[  x]", "[%3c]", 'x');
	FMT_EQ("[x  ]", "[%-3c]", 'x');
	FMT_EQ("[0000000000000000000000042]", "[%025d]", 42); /* > one fill chunk */
}

FT_TEST(fmt_strings_and_chars)
{
	FMT_EQ("a-b", "%c-%c", 'a', 'b');
	FMT_EQ("str and (null)", "%s and %s", "str", (const char *)NULL);
	FMT_EQ("", "%s", "");
}

FT_TEST(fmt_outside_the_subset_is_literal)
{
	/* Unknown conversions are printed as written and consume nothing: the
	 * argument still goes to the next valid conversion. */
	const char *f1 = "%f %d";
	FMT_EQ("%f 7", f1, 7);
	const char *f2 = "%.2d|%d";
	FMT_EQ("%.2d|3", f2, 3);
	const char *f3 = "%p";
	FMT_EQ("%p", f3);
	const char *f4 = "%5q";
	FMT_EQ("%5q", f4);
	const char *f5 = "end%";
	FMT_EQ("end%", f5);
	const char *f6 = "end%-0";
	FMT_EQ("end%-0", f6);
	const char *f7 = "%hd";
	FMT_EQ("%hd", f7);
}

FT_TEST(fmt_batches_text_between_conversions)
{
	fmt("abc%ddef", 1);
	FT_EQ(out.calls, 3u);
}

/* flue_fmt_write: buffered in 128-byte pieces for the boards' output. */
static char written[1024];
static size_t nwritten;
static unsigned nwrites;

static void capture(const char *s, size_t n)
{
	nwrites++;
	for (size_t i = 0; i < n && nwritten + 1 < sizeof written; i++)
		written[nwritten++] = s[i];
	written[nwritten] = '\0';
}

static int fmt_write(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	nwritten = 0;
	nwrites = 0;
	int n = flue_fmt_write(capture, f, ap);
	va_end(ap);
	return n;
}

FT_TEST(fmt_write_buffers_output)
{
	FT_EQ(fmt_write("x=%d y=%s\n", 5, "z"), 8);
	FT_EQ(strcmp(written, "x=5 y=z\n"), 0);
	FT_EQ(nwrites, 1u);

	FT_EQ(fmt_write("%300d|", 1), 301);
	FT_EQ(nwritten, 301u);
	FT_EQ(written[299], '1');
	FT_EQ(written[300], '|');
	FT_EQ(nwrites, 3u); /* 128 + 128 + 45 */

	FT_EQ(fmt_write(""), 0);
	FT_EQ(nwrites, 0u);
}

FT_TEST(printf_returns_bytes_written)
{
	FT_EQ(flue_board_printf("board_posix: printf %s %d\n", "ok", 1), 25);
	flue_board_write("board_posix: write\n", 19);
}

/* ------------------------------------------------------------------ time */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0) {
	}
}

FT_TEST(time_is_monotonic_nanoseconds)
{
	uint64_t t0 = flue_board_time_ns();
	sleep_ms(20);
	uint64_t t1 = flue_board_time_ns();
	FT_TRUE(t1 >= t0 + 20000000u);
	FT_TRUE(t1 < t0 + 5000000000u);
	FT_EQ(flue_board_instructions(), 0u);
	FT_EQ(flue_board_instruction_resolution(), 0u);
}

/* ----------------------------------------------------------------- timer */

static atomic_uint ticks;
static atomic_uint other_ticks;

static void tick(void)
{
	atomic_fetch_add(&ticks, 1u);
}

static void other_tick(void)
{
	atomic_fetch_add(&other_ticks, 1u);
}

FT_TEST(timer_calls_isr_periodically_until_stopped)
{
	atomic_store(&ticks, 0u);
	FT_EQ(flue_board_timer_start(2000, tick), 0);
	sleep_ms(100);
	flue_board_timer_stop();
	unsigned n = atomic_load(&ticks);
	/* About 50; generous bounds for a loaded machine or a sanitizer. */
	FT_TRUE(n >= 10u);
	FT_TRUE(n <= 60u);
	sleep_ms(20);
	FT_EQ(atomic_load(&ticks), n); /* not called after stop returned */
}

FT_TEST(timer_refuses_bad_arguments_and_a_second_start)
{
	FT_EQ(flue_board_timer_start(0, tick), FLUE_EINVAL);
	FT_EQ(flue_board_timer_start(1000, NULL), FLUE_EINVAL);
	FT_EQ(flue_board_timer_start(1000, tick), 0);
	FT_EQ(flue_board_timer_start(1000, other_tick), FLUE_EBUSY);
	flue_board_timer_stop();
	flue_board_timer_stop(); /* stopping a stopped timer is harmless */
}

FT_TEST(timer_restarts_with_another_isr)
{
	atomic_store(&other_ticks, 0u);
	atomic_store(&ticks, 0u);
	FT_EQ(flue_board_timer_start(1000, other_tick), 0);
	sleep_ms(30);
	flue_board_timer_stop();
	FT_TRUE(atomic_load(&other_ticks) > 0u);
	FT_EQ(atomic_load(&ticks), 0u);
}

FT_TEST(timer_stop_is_prompt_for_long_periods)
{
	/* A 10 s period: stop must not wait it out. */
	FT_EQ(flue_board_timer_start(10000000u, tick), 0);
	uint64_t t0 = flue_board_time_ns();
	flue_board_timer_stop();
	FT_TRUE(flue_board_time_ns() - t0 < 1000000000u);
}

FT_SUITE(board_posix,
	 FT_CASE(fmt_plain_text_and_percent),
	 FT_CASE(fmt_signed),
	 FT_CASE(fmt_unsigned_and_hex),
	 FT_CASE(fmt_width_and_flags),
	 FT_CASE(fmt_strings_and_chars),
	 FT_CASE(fmt_outside_the_subset_is_literal),
	 FT_CASE(fmt_batches_text_between_conversions),
	 FT_CASE(fmt_write_buffers_output),
	 FT_CASE(printf_returns_bytes_written),
	 FT_CASE(time_is_monotonic_nanoseconds),
	 FT_CASE(timer_calls_isr_periodically_until_stopped),
	 FT_CASE(timer_refuses_bad_arguments_and_a_second_start),
	 FT_CASE(timer_restarts_with_another_isr),
	 FT_CASE(timer_stop_is_prompt_for_long_periods))
