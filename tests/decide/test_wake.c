/*
 * Wakes (flue/wake_decide.h): every condition's wake class, a value past
 * the enum polled; the order of two waiting threads by wait sequence
 * number, with "no candidate" (0) on either side, across the whole 64-bit
 * range.
 */
#include "ftest.h"
#include <flue/wake_decide.h>

FT_TEST(each_condition_has_its_wake_class)
{
	FT_EQ(flue_wake_class_decide(FLUE_COND_NONE), FLUE_WAKE_NONE);
	FT_EQ(flue_wake_class_decide(FLUE_COND_HOST), FLUE_WAKE_HOST);
	FT_EQ(flue_wake_class_decide(FLUE_COND_WAIT), FLUE_WAKE_SET);
	FT_EQ(flue_wake_class_decide(FLUE_COND_YIELD), FLUE_WAKE_WOKEN);
	FT_EQ(flue_wake_class_decide(FLUE_COND_SUBTASK), FLUE_WAKE_WOKEN);
	FT_EQ(flue_wake_class_decide(FLUE_COND_READY), FLUE_WAKE_WOKEN);
	FT_EQ(flue_wake_class_decide(FLUE_COND_GATE), FLUE_WAKE_POLLED);
	FT_EQ(flue_wake_class_decide(FLUE_COND_SET), FLUE_WAKE_POLLED);
	FT_EQ(flue_wake_class_decide(FLUE_COND_EVENT), FLUE_WAKE_POLLED);
	FT_EQ(flue_wake_class_decide(FLUE_COND_FN), FLUE_WAKE_POLLED);
	FT_EQ(flue_wake_class_decide(FLUE_COND_PRED), FLUE_WAKE_POLLED);
	/* Unknown values are checked at every step: the safe side. */
	for (uint32_t c = FLUE_COND_HOST + 1u; c <= 255u; c++)
		FT_EQ(flue_wake_class_decide((uint8_t)c), FLUE_WAKE_POLLED);
}

FT_TEST(the_older_waiter_comes_first)
{
	FT_EQ(flue_wait_first_decide(0, 0), FLUE_WAIT_FIRST_NONE);
	FT_EQ(flue_wait_first_decide(7, 0), FLUE_WAIT_FIRST_A);
	FT_EQ(flue_wait_first_decide(0, 7), FLUE_WAIT_FIRST_B);
	FT_EQ(flue_wait_first_decide(3, 7), FLUE_WAIT_FIRST_A);
	FT_EQ(flue_wait_first_decide(7, 3), FLUE_WAIT_FIRST_B);
	FT_EQ(flue_wait_first_decide(5, 5), FLUE_WAIT_FIRST_A);
	/* 64 bits: no wrap to think of, also past 2^32 and 2^63. */
	FT_EQ(flue_wait_first_decide(0xFFFFFFFFull, 0x100000000ull), FLUE_WAIT_FIRST_A);
	FT_EQ(flue_wait_first_decide(0x100000000ull, 0xFFFFFFFFull), FLUE_WAIT_FIRST_B);
	FT_EQ(flue_wait_first_decide(UINT64_MAX, 1), FLUE_WAIT_FIRST_B);
	FT_EQ(flue_wait_first_decide(1ull << 63, (1ull << 63) + 1u), FLUE_WAIT_FIRST_A);
}

FT_TEST(a_merge_by_the_decision_is_sorted)
{
	/* Two sorted runs merged by repeated decisions give one sorted run. */
	static const uint64_t a[] = { 2, 3, 9, 40, 41 };
	static const uint64_t b[] = { 1, 4, 5, 6, 50, 51, 52 };
	uint32_t i = 0, j = 0, n = 0;
	uint64_t last = 0;
	for (;;) {
		uint64_t x = i < 5u ? a[i] : 0u, y = j < 7u ? b[j] : 0u;
		uint8_t d = flue_wait_first_decide(x, y);
		if (d == FLUE_WAIT_FIRST_NONE)
			break;
		uint64_t v = d == FLUE_WAIT_FIRST_A ? a[i++] : b[j++];
		FT_TRUE(v > last);
		last = v;
		n++;
	}
	FT_EQ(n, 12u);
}

FT_SUITE(wake,
	 FT_CASE(each_condition_has_its_wake_class),
	 FT_CASE(the_older_waiter_comes_first),
	 FT_CASE(a_merge_by_the_decision_is_sorted))
