/*
 * Waitable-set bookkeeping decisions: the queue action for every op and
 * state, and serial-number stamp order across the 32-bit wrap.
 */
#include "ftest.h"
#include <flue/wset_decide.h>

FT_TEST(queue_action_for_every_op)
{
	/* First raise takes a stamp; an update keeps its place. */
	FT_EQ(flue_wq_decide(FLUE_WQ_RAISE, false), FLUE_WQ_STAMP_APPEND);
	FT_EQ(flue_wq_decide(FLUE_WQ_RAISE, true), FLUE_WQ_KEEP);
	/* Delivery leaves the queue; nothing to deliver changes nothing. */
	FT_EQ(flue_wq_decide(FLUE_WQ_DELIVER, true), FLUE_WQ_UNLINK);
	FT_EQ(flue_wq_decide(FLUE_WQ_DELIVER, false), FLUE_WQ_NOTHING);
	/* A join carries a pending event (with its stamp) to the new set. */
	FT_EQ(flue_wq_decide(FLUE_WQ_JOIN, true), FLUE_WQ_MOVE);
	FT_EQ(flue_wq_decide(FLUE_WQ_JOIN, false), FLUE_WQ_NOTHING);
	for (uint32_t op = 3; op < 256u; op++) {
		FT_EQ(flue_wq_decide((uint8_t)op, true), FLUE_WQ_NOTHING);
		FT_EQ(flue_wq_decide((uint8_t)op, false), FLUE_WQ_NOTHING);
	}
}

FT_TEST(stamp_order_is_serial_number_order)
{
	uint32_t s = 0x51A3Bu;
	for (int i = 0; i < 3000; i++) {
		uint32_t a = ft_rand(&s);
		uint32_t gap = ft_rand(&s) % 0x7FFFFFFFu + 1u; /* 1 .. 2^31 - 1 */
		uint32_t b = a + gap; /* later, possibly across the wrap */
		FT_TRUE(flue_stamp_before(a, b));
		FT_FALSE(flue_stamp_before(b, a));
		FT_FALSE(flue_stamp_before(a, a));
	}
	FT_TRUE(flue_stamp_before(UINT32_MAX, 0));
	FT_TRUE(flue_stamp_before(UINT32_MAX - 5u, 10));
	FT_FALSE(flue_stamp_before(10, UINT32_MAX - 5u));
	FT_FALSE(flue_stamp_before(0, 0x80000000u)); /* exactly 2^31 apart: not ordered */
	FT_FALSE(flue_stamp_before(0x80000000u, 0));
}

FT_SUITE(wset,
	 FT_CASE(queue_action_for_every_op),
	 FT_CASE(stamp_order_is_serial_number_order))
