/*
 * Event-bitmask and poll decisions against Gale's event.rs (EV1-EV8) and
 * poll.rs (PL1, PL3, PL4, PL7, PL8) properties: every pair of 4-bit masks
 * exhaustively (the operations are bitwise, so each bit behaves alike), and
 * random full-width masks. Bits are checked one at a time, the way the
 * properties are stated, not by re-evaluating the implementation's formula.
 */
#include "ftest.h"
#include <gale/gale_event.h>
#include <gale/gale_poll.h>
#include <flue/gale_ext.h>
#include <flue/errno.h>

static bool bit(uint32_t v, unsigned i) { return ((v >> i) & 1u) != 0u; }

static void check_masks(uint32_t e, uint32_t n, uint32_t m)
{
	uint32_t post = 0, clr = 0, masked = 0, old = 0;
	FT_EQ(gale_event_post(e, n, &post), 0);
	FT_EQ(gale_event_clear(e, n, &clr), 0);
	FT_EQ(gale_event_set_masked(e, n, m, &masked), 0);
	FT_EQ(gale_event_set(n, &old, e), 0);
	FT_EQ(old, e); /* EV2: reports what a set replaces */
	struct gale_event_post_decision pd = gale_k_event_post_decide(e, n, m);
	bool any = false, all = true;
	for (unsigned i = 0; i < 32u; i++) {
		FT_EQ(bit(post, i), bit(e, i) || bit(n, i));             /* EV1 */
		FT_TRUE(!bit(e, i) || bit(post, i));                      /* EV8 */
		FT_EQ(bit(clr, i), bit(e, i) && !bit(n, i));              /* EV3 */
		FT_EQ(bit(masked, i), bit(m, i) ? bit(n, i) : bit(e, i)); /* EV4 */
		FT_EQ(bit(pd.new_events, i), bit(masked, i));
		if (bit(m, i) && bit(e, i))
			any = true;
		if (bit(m, i) && !bit(e, i))
			all = false;
	}
	/* EV5/EV6 with m as the desired set, both wait types, both wait modes. */
	FT_EQ(gale_event_wait_check_any(e, m), any ? 1 : 0);
	FT_EQ(gale_event_wait_check_all(e, m), all ? 1 : 0);
	for (uint32_t nw = 0; nw < 2u; nw++) {
		struct gale_event_wait_decision a = gale_k_event_wait_decide(e, m, GALE_EVENT_WAIT_ANY, nw);
		struct gale_event_wait_decision l = gale_k_event_wait_decide(e, m, GALE_EVENT_WAIT_ALL, nw);
		uint8_t miss = nw ? GALE_EVENT_ACTION_TIMEOUT : GALE_EVENT_ACTION_PEND;
		FT_EQ(a.action, any ? GALE_EVENT_ACTION_MATCHED : miss);
		FT_EQ(l.action, all ? GALE_EVENT_ACTION_MATCHED : miss);
		for (unsigned i = 0; i < 32u; i++) {
			FT_EQ(bit(a.matched_events, i), any && bit(e, i) && bit(m, i));
			FT_EQ(bit(l.matched_events, i), all && bit(e, i) && bit(m, i));
		}
		FT_EQ(a.ret, 0);
		FT_EQ(l.ret, 0);
	}
}

FT_TEST(every_4bit_mask_triple)
{
	for (uint32_t e = 0; e < 16u; e++)
		for (uint32_t n = 0; n < 16u; n++)
			for (uint32_t m = 0; m < 16u; m++)
				check_masks(e, n, m);
}

FT_TEST(random_full_width_masks)
{
	uint32_t s = 0xE7E7u;
	for (int i = 0; i < 300; i++) {
		uint32_t e = ft_rand(&s), n = ft_rand(&s), m = ft_rand(&s);
		check_masks(e, n, m);
	}
	check_masks(0xFFFFFFFFu, 0, 0xFFFFFFFFu);
	check_masks(0, 0xFFFFFFFFu, 0x80000001u);
}

FT_TEST(wait_edge_cases)
{
	/* desired == 0: ALL is vacuously true, ANY never matches. */
	FT_EQ(gale_k_event_wait_decide(0x5u, 0, GALE_EVENT_WAIT_ALL, 1).action, GALE_EVENT_ACTION_MATCHED);
	FT_EQ(gale_k_event_wait_decide(0x5u, 0, GALE_EVENT_WAIT_ANY, 1).action, GALE_EVENT_ACTION_TIMEOUT);
	/* Any wait type other than ALL behaves as ANY (Gale). */
	FT_EQ(gale_k_event_wait_decide(0x1u, 0x3u, 7, 0).action, GALE_EVENT_ACTION_MATCHED);
	FT_EQ(gale_k_event_wait_decide(0x4u, 0x3u, 7, 0).action, GALE_EVENT_ACTION_PEND);
}

FT_TEST(null_outputs_are_einval)
{
	FT_EQ(gale_event_post(1, 2, NULL), FLUE_EINVAL);
	FT_EQ(gale_event_set(1, NULL, 2), FLUE_EINVAL);
	FT_EQ(gale_event_clear(1, 2, NULL), FLUE_EINVAL);
	FT_EQ(gale_event_set_masked(1, 2, 3, NULL), FLUE_EINVAL);
}

FT_TEST(poll_decisions)
{
	uint32_t state = 77u, signaled = 5u;
	int32_t result = 9;
	for (uint32_t type = 0; type <= 32u; type++) {
		state = 77u;
		FT_EQ(gale_poll_event_init(type, &state), 0);
		FT_EQ(state, FLUE_POLL_STATE_NOT_READY); /* PL1 */
		for (uint32_t count = 0; count < 3u; count++) /* PL3 */
			FT_EQ(gale_poll_check_sem(type, count),
			      type == FLUE_POLL_TYPE_SEM_AVAILABLE && count > 0u);
	}
	FT_EQ(gale_poll_signal_raise(&signaled, &result, -140), 0);
	FT_EQ(signaled, 1); /* PL4 */
	FT_EQ(result, -140); /* PL7 */
	FT_EQ(gale_poll_signal_reset(&signaled), 0);
	FT_EQ(signaled, 0); /* PL8 */
	FT_EQ(gale_poll_event_init(1, NULL), FLUE_EINVAL);
	FT_EQ(gale_poll_signal_raise(NULL, &result, 1), FLUE_EINVAL);
	FT_EQ(gale_poll_signal_raise(&signaled, NULL, 1), FLUE_EINVAL);
	FT_EQ(signaled, 0);
	FT_EQ(result, -140);
	FT_EQ(gale_poll_signal_reset(NULL), FLUE_EINVAL);
	for (uint32_t old = 0; old < 2u; old++) {
		for (uint32_t has = 0; has < 3u; has++) {
			struct gale_poll_signal_raise_decision d =
				gale_k_poll_signal_raise_decide(old, 42, has);
			FT_EQ(d.new_signaled, 1);
			FT_EQ(d.new_result, 42);
			FT_EQ(d.action, has ? GALE_POLL_ACTION_SIGNAL_EVENT : GALE_POLL_ACTION_NO_EVENT);
		}
	}
}

_Static_assert(sizeof(struct gale_event_post_decision) == 4, "Gale layout");
_Static_assert(sizeof(struct gale_event_wait_decision) == 12, "Gale layout");
_Static_assert(offsetof(struct gale_event_wait_decision, matched_events) == 4, "Gale layout");
_Static_assert(offsetof(struct gale_event_wait_decision, action) == 8, "Gale layout");
_Static_assert(sizeof(struct gale_poll_signal_raise_decision) == 12, "Gale layout");
_Static_assert(offsetof(struct gale_poll_signal_raise_decision, new_result) == 4, "Gale layout");
_Static_assert(offsetof(struct gale_poll_signal_raise_decision, action) == 8, "Gale layout");

FT_SUITE(event,
	 FT_CASE(every_4bit_mask_triple),
	 FT_CASE(random_full_width_masks),
	 FT_CASE(wait_edge_cases),
	 FT_CASE(null_outputs_are_einval),
	 FT_CASE(poll_decisions))
