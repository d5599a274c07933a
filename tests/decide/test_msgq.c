/*
 * Message-queue decisions against Gale's msgq.rs properties (MQ1-MQ13):
 * every state of every queue with capacity <= 8, plus a random walk that
 * stores real messages through the decided slots and compares them with a
 * FIFO model (MQ10, MQ13).
 */
#include "ftest.h"
#include <gale/gale_msgq.h>
#include <flue/errno.h>

#define MAXQ 8u
#define SENTINEL 0xA5A5A5A5u

static uint32_t next_of(uint32_t i, uint32_t max) { return i + 1u == max ? 0u : i + 1u; }
static uint32_t prev_of(uint32_t i, uint32_t max) { return i == 0u ? max - 1u : i - 1u; }

FT_TEST(init_validate)
{
	uint32_t sz = SENTINEL;
	FT_EQ(gale_msgq_init_validate(4, 8, &sz), 0);
	FT_EQ(sz, 32);
	FT_EQ(gale_msgq_init_validate(0x10000u, 0x10000u, &sz), FLUE_EINVAL); /* 2^32 overflows */
	FT_EQ(sz, 32);
	FT_EQ(gale_msgq_init_validate(0xFFFFu, 0x10001u, &sz), 0); /* 2^32 - 1 fits */
	FT_EQ(sz, 0xFFFFFFFFu);
	FT_EQ(gale_msgq_init_validate(0, 8, &sz), FLUE_EINVAL);
	FT_EQ(gale_msgq_init_validate(8, 0, &sz), FLUE_EINVAL);
	FT_EQ(gale_msgq_init_validate(8, 8, NULL), FLUE_EINVAL);
	FT_EQ(sz, 0xFFFFFFFFu);
}

FT_TEST(phase1_every_state)
{
	for (uint32_t max = 1; max <= MAXQ; max++) {
		for (uint32_t idx = 0; idx < max; idx++) {
			for (uint32_t used = 0; used <= max; used++) {
				uint32_t a = SENTINEL, b = SENTINEL;
				int32_t rc = gale_msgq_put(idx, used, max, &a, &b);
				if (used < max) { /* MQ5 */
					FT_EQ(rc, 0);
					FT_EQ(a, next_of(idx, max));
					FT_EQ(b, used + 1u);
				} else { /* MQ6: unchanged */
					FT_EQ(rc, FLUE_ENOMSG);
					FT_EQ(a, SENTINEL);
					FT_EQ(b, SENTINEL);
				}
				a = b = SENTINEL;
				rc = gale_msgq_put_front(idx, used, max, &a, &b);
				if (used < max) { /* MQ7 */
					FT_EQ(rc, 0);
					FT_EQ(a, prev_of(idx, max));
					FT_EQ(b, used + 1u);
				} else {
					FT_EQ(rc, FLUE_ENOMSG);
					FT_EQ(a, SENTINEL);
					FT_EQ(b, SENTINEL);
				}
				a = b = SENTINEL;
				rc = gale_msgq_get(idx, used, max, &a, &b);
				if (used > 0u) { /* MQ8 */
					FT_EQ(rc, 0);
					FT_EQ(a, next_of(idx, max));
					FT_EQ(b, used - 1u);
				} else { /* MQ9 */
					FT_EQ(rc, FLUE_ENOMSG);
					FT_EQ(a, SENTINEL);
					FT_EQ(b, SENTINEL);
				}
				for (uint32_t k = 0; k <= max; k++) { /* MQ10 */
					a = SENTINEL;
					rc = gale_msgq_peek_at(idx, used, max, k, &a);
					if (k < used) {
						FT_EQ(rc, 0);
						FT_EQ(a, (idx + k) % max);
					} else {
						FT_EQ(rc, FLUE_ENOMSG);
						FT_EQ(a, SENTINEL);
					}
				}
			}
		}
	}
}

FT_TEST(phase1_null_and_zero_capacity)
{
	uint32_t a = SENTINEL;
	FT_EQ(gale_msgq_put(0, 0, 0, &a, &a), FLUE_EINVAL);
	FT_EQ(gale_msgq_put(0, 0, 4, NULL, &a), FLUE_EINVAL);
	FT_EQ(gale_msgq_put_front(0, 0, 4, &a, NULL), FLUE_EINVAL);
	FT_EQ(gale_msgq_get(0, 1, 0, &a, &a), FLUE_EINVAL);
	FT_EQ(gale_msgq_get(0, 1, 4, NULL, &a), FLUE_EINVAL);
	FT_EQ(gale_msgq_peek_at(0, 1, 4, 0, NULL), FLUE_EINVAL);
	FT_EQ(gale_msgq_peek_at(0, 1, 0, 0, &a), FLUE_EINVAL);
	FT_EQ(a, SENTINEL);
}

FT_TEST(phase2_every_state)
{
	for (uint32_t max = 1; max <= MAXQ; max++) {
		for (uint32_t idx = 0; idx < max; idx++) {
			for (uint32_t used = 0; used <= max; used++) {
				for (uint32_t w = 0; w < 2u; w++) {
					for (uint32_t nw = 0; nw < 2u; nw++) {
						struct gale_msgq_put_decision p =
							gale_k_msgq_put_decide(idx, used, max, w, nw);
						if (used < max && w) {
							FT_EQ(p.action, GALE_MSGQ_ACTION_WAKE_READER);
							FT_EQ(p.new_write_idx, idx);
							FT_EQ(p.new_used, used);
						} else if (used < max) {
							FT_EQ(p.action, GALE_MSGQ_ACTION_PUT_OK);
							FT_EQ(p.new_write_idx, next_of(idx, max));
							FT_EQ(p.new_used, used + 1u);
						} else {
							FT_EQ(p.action, nw ? GALE_MSGQ_ACTION_RETURN_FULL
									   : GALE_MSGQ_ACTION_PUT_PEND);
							FT_EQ(p.new_write_idx, idx);
							FT_EQ(p.new_used, used);
						}
						FT_EQ(p.ret, (used == max && nw) ? FLUE_ENOMSG : 0);

						struct gale_msgq_get_decision g =
							gale_k_msgq_get_decide(idx, used, max, w, nw);
						if (used > 0u) {
							FT_EQ(g.action, w ? GALE_MSGQ_ACTION_WAKE_WRITER
									  : GALE_MSGQ_ACTION_GET_OK);
							FT_EQ(g.new_read_idx, next_of(idx, max));
							FT_EQ(g.new_used, used - 1u);
						} else {
							FT_EQ(g.action, nw ? GALE_MSGQ_ACTION_RETURN_EMPTY
									   : GALE_MSGQ_ACTION_GET_PEND);
							FT_EQ(g.new_read_idx, idx);
							FT_EQ(g.new_used, 0);
						}
						FT_EQ(g.ret, (used == 0 && nw) ? FLUE_ENOMSG : 0);
					}
				}
			}
		}
	}
}

/* MQ13: drive a real queue only through the decisions and compare every
 * message with a FIFO model; write_idx must stay read_idx + used (mod max). */
FT_TEST(random_walk_against_fifo_model)
{
	uint32_t s = 0xC0FFEEu;
	for (uint32_t max = 1; max <= MAXQ; max++) {
		uint32_t slots[MAXQ], model[MAXQ];
		uint32_t rd = 0, wr = 0, used = 0, next_msg = 1;
		for (int step = 0; step < 400; step++) {
			uint32_t op = ft_rand(&s) % 4u;
			if (op == 0u) {
				struct gale_msgq_put_decision d =
					gale_k_msgq_put_decide(wr, used, max, 0, 1);
				if (d.action == GALE_MSGQ_ACTION_PUT_OK) {
					slots[wr] = next_msg;
					model[used] = next_msg++;
					wr = d.new_write_idx;
					used = d.new_used;
				} else {
					FT_EQ(used, max);
				}
			} else if (op == 1u) {
				uint32_t nr, nu;
				if (gale_msgq_put_front(rd, used, max, &nr, &nu) == 0) {
					slots[nr] = next_msg;
					for (uint32_t k = used; k > 0u; k--)
						model[k] = model[k - 1u];
					model[0] = next_msg++;
					rd = nr;
					used = nu;
				} else {
					FT_EQ(used, max);
				}
			} else if (op == 2u) {
				struct gale_msgq_get_decision d =
					gale_k_msgq_get_decide(rd, used, max, 0, 1);
				if (d.action == GALE_MSGQ_ACTION_GET_OK) {
					FT_EQ(slots[rd], model[0]);
					for (uint32_t k = 0; k + 1u < used; k++)
						model[k] = model[k + 1u];
					rd = d.new_read_idx;
					used = d.new_used;
				} else {
					FT_EQ(used, 0);
				}
			} else {
				for (uint32_t k = 0; k < used; k++) {
					uint32_t slot = SENTINEL;
					FT_EQ(gale_msgq_peek_at(rd, used, max, k, &slot), 0);
					FT_EQ(slots[slot], model[k]);
				}
			}
			FT_TRUE(used <= max && rd < max && wr < max); /* MQ1-MQ3 */
			FT_EQ(wr, (rd + used) % max);                  /* MQ13 */
		}
	}
}

_Static_assert(sizeof(struct gale_msgq_put_decision) == 16, "Gale layout");
_Static_assert(offsetof(struct gale_msgq_put_decision, action) == 4, "Gale layout");
_Static_assert(offsetof(struct gale_msgq_put_decision, new_write_idx) == 8, "Gale layout");
_Static_assert(offsetof(struct gale_msgq_put_decision, new_used) == 12, "Gale layout");
_Static_assert(sizeof(struct gale_msgq_get_decision) == 16, "Gale layout");
_Static_assert(offsetof(struct gale_msgq_get_decision, new_read_idx) == 8, "Gale layout");

FT_SUITE(msgq,
	 FT_CASE(init_validate),
	 FT_CASE(phase1_every_state),
	 FT_CASE(phase1_null_and_zero_capacity),
	 FT_CASE(phase2_every_state),
	 FT_CASE(random_walk_against_fifo_model))
