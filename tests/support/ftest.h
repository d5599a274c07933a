/**
 * @file ftest.h
 * @brief One assertion vocabulary for tests that run on the host (cmocka) and
 *        on an emulated Cortex-M (a minimal semihosted runner).
 *
 * A suite file writes tests with FT_TEST(name) { ... } and ends with
 * FT_SUITE(suite, FT_CASE(a), FT_CASE(b), ...). On the host each suite is its
 * own cmocka executable; on the target all suites are linked into one image
 * whose runner prints every failure with file, line and both values.
 */
#ifndef FLUE_FTEST_H
#define FLUE_FTEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define FT_CAT_(a, b) a##b
#define FT_CAT(a, b) FT_CAT_(a, b)

#ifndef FLUE_TEST_TARGET /* ------------------------------ host: cmocka */
#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

#define FT_TEST(name)                                                   \
	static void name##_body(void);                                  \
	static void name(void **ft_state_)                              \
	{                                                               \
		(void)ft_state_;                                        \
		name##_body();                                          \
	}                                                               \
	static void name##_body(void)

#define FT_EQ(a, b) assert_int_equal((uintmax_t)(a), (uintmax_t)(b))
#define FT_NE(a, b) assert_int_not_equal((uintmax_t)(a), (uintmax_t)(b))
#define FT_TRUE(c) assert_true(c)
#define FT_FALSE(c) assert_false(c)
#define FT_FAIL(msg) fail_msg("%s", (msg))
#define FT_CASE(name) cmocka_unit_test(name)
#define FT_SUITE(suite, ...)                                            \
	int suite##_suite_run(void);                                    \
	int suite##_suite_run(void)                                     \
	{                                                               \
		const struct CMUnitTest ft_cases_[] = { __VA_ARGS__ };  \
		return cmocka_run_group_tests_name(#suite, ft_cases_,   \
						   NULL, NULL);         \
	}

#else /* ------------------------------------------- target: own runner */

struct ft_case {
	const char *name;
	void (*fn)(void);
};

/* Records a failure and unwinds to the runner (longjmp); never returns. */
_Noreturn void ft_fail(const char *file, int line, const char *expr,
		       uintmax_t a, uintmax_t b);
int ft_run_suite(const char *suite, const struct ft_case *cases, size_t n);

#define FT_TEST(name) static void name(void)
#define FT_EQ(a, b)                                                      \
	do {                                                             \
		uintmax_t ft_a_ = (uintmax_t)(a), ft_b_ = (uintmax_t)(b); \
		if (ft_a_ != ft_b_)                                      \
			ft_fail(__FILE__, __LINE__, #a " == " #b, ft_a_, ft_b_); \
	} while (0)
#define FT_NE(a, b)                                                      \
	do {                                                             \
		uintmax_t ft_a_ = (uintmax_t)(a), ft_b_ = (uintmax_t)(b); \
		if (ft_a_ == ft_b_)                                      \
			ft_fail(__FILE__, __LINE__, #a " != " #b, ft_a_, ft_b_); \
	} while (0)
#define FT_TRUE(c)                                                       \
	do {                                                             \
		if (!(c))                                                \
			ft_fail(__FILE__, __LINE__, #c, 0u, 1u);         \
	} while (0)
#define FT_FALSE(c) FT_TRUE(!(c))
#define FT_FAIL(msg) ft_fail(__FILE__, __LINE__, (msg), 0u, 1u)
#define FT_CASE(name) { #name, name }
#define FT_SUITE(suite, ...)                                             \
	int suite##_suite_run(void);                                     \
	int suite##_suite_run(void)                                      \
	{                                                                \
		static const struct ft_case ft_cases_[] = { __VA_ARGS__ }; \
		return ft_run_suite(#suite, ft_cases_,                   \
				    sizeof ft_cases_ / sizeof ft_cases_[0]); \
	}

#endif

/* Deterministic xorshift32 for property tests over the full u32 domain:
 * the same sequence on host and target, so a failure reproduces anywhere. */
static inline uint32_t ft_rand(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

#endif /* FLUE_FTEST_H */
