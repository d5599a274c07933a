/*
 * Semaphore decisions against the properties of Gale's sem.rs (P1-P9),
 * exhaustively for limit <= 8 and on random points of the full u32 domain.
 * Expected values come from the property statements, not from flue's code.
 */
#include "ftest.h"
#include <gale/gale_sem.h>
#include <flue/gale_ext.h>
#include <flue/errno.h>

#define SMALL 8u

FT_TEST(init_validates_limit_and_initial)
{
	for (uint32_t limit = 0; limit <= SMALL; limit++) {
		for (uint32_t init = 0; init <= SMALL + 1u; init++) {
			bool ok = limit > 0u && init <= limit; /* P1, P2 */
			FT_EQ(gale_sem_count_init(init, limit), ok ? 0 : -22);
		}
	}
	FT_EQ(gale_sem_count_init(UINT32_MAX, UINT32_MAX), 0);
	FT_EQ(gale_sem_count_init(0, 0), FLUE_EINVAL);
}

static void check_give(uint32_t count, uint32_t limit)
{
	/* P3: +1 capped at limit; P9: never above limit, never wraps. */
	uint32_t expect = count < limit ? count + 1u : limit;
	FT_EQ(gale_sem_count_give(count, limit), expect);

	struct gale_sem_give_decision d =
		flue_gale_sem_give_unpack(gale_k_sem_give_decide(count, limit, 0));
	FT_EQ(d.action, GALE_SEM_ACTION_INCREMENT);
	FT_EQ(d.new_count, expect);

	/* P4: a waiter takes the unit; count unchanged. */
	for (uint32_t w = 1; w != 0 && w <= 4u; w = w * 2u) {
		d = flue_gale_sem_give_unpack(gale_k_sem_give_decide(count, limit, w));
		FT_EQ(d.action, GALE_SEM_ACTION_WAKE);
		FT_EQ(d.new_count, count);
	}
}

static void check_take(uint32_t count)
{
	uint32_t c = count;
	int32_t rc = gale_sem_count_take(&c);
	if (count > 0u) { /* P5 */
		FT_EQ(rc, 0);
		FT_EQ(c, count - 1u);
	} else { /* P6, state unchanged */
		FT_EQ(rc, FLUE_EBUSY);
		FT_EQ(c, 0);
	}
	struct gale_sem_take_decision d =
		flue_gale_sem_take_unpack(gale_k_sem_take_decide(count, 1));
	FT_EQ(d.action, count > 0u ? GALE_SEM_TAKE_ACQUIRED : GALE_SEM_TAKE_WOULD_BLOCK);
	FT_EQ(d.new_count, count > 0u ? count - 1u : 0u);
	d = flue_gale_sem_take_unpack(gale_k_sem_take_decide(count, 0));
	FT_EQ(d.action, count > 0u ? GALE_SEM_TAKE_ACQUIRED : GALE_SEM_TAKE_PEND); /* P7 */
	FT_EQ(d.new_count, count > 0u ? count - 1u : 0u);
}

FT_TEST(give_and_take_exhaustive_small)
{
	for (uint32_t limit = 1; limit <= SMALL; limit++) {
		for (uint32_t count = 0; count <= limit; count++) {
			check_give(count, limit);
			check_take(count);
		}
	}
}

FT_TEST(give_and_take_random_full_domain)
{
	uint32_t s = 0x5eed1234u;
	for (int i = 0; i < 2000; i++) {
		uint32_t limit = ft_rand(&s) | 1u;
		uint32_t count = ft_rand(&s) % limit + (i & 1 ? 1u : 0u);
		check_give(count, limit);
		check_take(count);
	}
	check_give(UINT32_MAX, UINT32_MAX); /* P9 at the top: no wrap */
	check_give(UINT32_MAX - 1u, UINT32_MAX);
	check_take(UINT32_MAX);
}

FT_TEST(take_null_is_einval)
{
	FT_EQ(gale_sem_count_take(NULL), FLUE_EINVAL);
}

FT_TEST(packed_layout_matches_gale_union)
{
	/* Gale callers decode through the union: byte 0 action, bytes 4..7 value. */
	union gale_sem_give_decision_u u;
	u.raw = gale_k_sem_give_decide(6, 7, 0);
	FT_EQ(u.dec.action, GALE_SEM_ACTION_INCREMENT);
	FT_EQ(u.dec.new_count, 7);
	union gale_sem_take_decision_u t;
	t.raw = gale_k_sem_take_decide(0, 0);
	FT_EQ(t.dec.action, GALE_SEM_TAKE_PEND);
	FT_EQ(t.dec.new_count, 0);
}

_Static_assert(sizeof(struct gale_sem_give_decision) == 8, "Gale layout");
_Static_assert(offsetof(struct gale_sem_give_decision, new_count) == 4, "Gale layout");
_Static_assert(sizeof(struct gale_sem_take_decision) == 8, "Gale layout");
_Static_assert(offsetof(struct gale_sem_take_decision, new_count) == 4, "Gale layout");
_Static_assert(sizeof(union gale_sem_give_decision_u) == 8, "Gale layout");

FT_SUITE(sem,
	 FT_CASE(init_validates_limit_and_initial),
	 FT_CASE(give_and_take_exhaustive_small),
	 FT_CASE(give_and_take_random_full_domain),
	 FT_CASE(take_null_is_einval),
	 FT_CASE(packed_layout_matches_gale_union))
