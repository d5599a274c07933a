/*
 * A suite that must fail: built into its own image so that CTest can check
 * that a failed assertion reaches QEMU's exit status (target.exit_status,
 * WILL_FAIL) and is reported with file, line, expression and both values
 * (target.failure_report). The cases around the failing one must still run.
 */
#include "ftest.h"

static volatile uint32_t answer = 42u;

FT_TEST(passes_before)
{
	FT_EQ(answer, 42u);
}

FT_TEST(deliberate_failure)
{
	FT_EQ(answer, 43u); /* the one failure */
	FT_TRUE(false);     /* not reached: the failure above unwound the case */
}

FT_TEST(passes_after)
{
	FT_NE(answer, 0u);
}

FT_SUITE(must_fail,
	 FT_CASE(passes_before),
	 FT_CASE(deliberate_failure),
	 FT_CASE(passes_after))
