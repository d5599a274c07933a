/*
 * Ring-buffer index decisions against Gale's ring_buf.rs (RB1, RB3/RB4,
 * RB7-RB9), and a byte-level walk: a real buffer driven only by the claim,
 * space, size and finish decisions must deliver every byte in order, with
 * free-running indices started just below the u32 wrap.
 */
#include "ftest.h"
#include <gale/gale_ring_buf.h>
#include <flue/errno.h>

#define CAP 8u

FT_TEST(claim_every_small_case)
{
	for (uint32_t buf = 0; buf <= CAP; buf++)
	for (uint32_t off = 0; off < 2u * CAP + 2u; off++)
	for (uint32_t req = 0; req <= CAP + 2u; req++) {
		/* base near the top of u32 so head - base wraps. */
		uint32_t base = UINT32_MAX - 3u;
		uint32_t head = base + off;
		struct gale_ring_buf_claim_decision d = gale_ring_buf_claim_decide(head, base, buf, req);
		if (buf == 0u) {
			FT_EQ(d.claim_size, 0);
			FT_EQ(d.buffer_offset, 0);
			continue;
		}
		FT_EQ(d.buffer_offset, off % buf);          /* RB1 */
		FT_TRUE(d.claim_size <= req);               /* never more than asked */
		FT_TRUE(d.buffer_offset + d.claim_size <= buf); /* contiguous, RB8 */
		/* maximal: stops only at the request or the physical end */
		FT_TRUE(d.claim_size == req || d.buffer_offset + d.claim_size == buf);
	}
}

FT_TEST(space_size_finish_wrap)
{
	uint32_t s = 0x4242u;
	for (int i = 0; i < 2000; i++) {
		uint32_t tail = ft_rand(&s);
		uint32_t buf = ft_rand(&s) % 4096u + 1u;
		uint32_t fill = ft_rand(&s) % (buf + 1u);
		uint32_t head = tail + fill; /* may wrap */
		FT_EQ(gale_ring_buf_size_get(head, tail), fill);          /* RB7 */
		FT_EQ(gale_ring_buf_space_get(head, tail, buf), buf - fill); /* RB9 */
		FT_EQ(gale_ring_buf_finish_validate(head, tail, fill, 0), 0);  /* RB3/RB4 */
		FT_EQ(gale_ring_buf_finish_validate(head, tail, fill + 1u, buf), FLUE_EINVAL);
		/* corrupt state (more allocated than capacity) clamps to 0 */
		FT_EQ(gale_ring_buf_space_get(tail + buf + 1u, tail, buf), 0);
	}
	FT_EQ(gale_ring_buf_space_get(5, 1, 0), 0);
}

/* Producer/consumer over a real 8-byte buffer using only the decisions. */
FT_TEST(byte_stream_through_decisions)
{
	uint8_t buf[CAP];
	uint32_t put_head = UINT32_MAX - 20u, get_tail = put_head, base = put_head;
	uint8_t next_in = 0, next_out = 0;
	uint32_t moved = 0;
	uint32_t s = 0xB00Bu;
	for (int step = 0; step < 500; step++) {
		uint32_t want = ft_rand(&s) % 6u;
		uint32_t room = gale_ring_buf_space_get(put_head, get_tail, CAP);
		uint32_t n = want < room ? want : room;
		struct gale_ring_buf_claim_decision c = gale_ring_buf_claim_decide(put_head, base, CAP, n);
		for (uint32_t k = 0; k < c.claim_size; k++)
			buf[c.buffer_offset + k] = next_in++;
		FT_EQ(gale_ring_buf_finish_validate(put_head + c.claim_size, put_head, c.claim_size, CAP), 0);
		put_head += c.claim_size;

		uint32_t avail = gale_ring_buf_size_get(put_head, get_tail);
		FT_TRUE(avail <= CAP);
		want = ft_rand(&s) % 6u;
		n = want < avail ? want : avail;
		c = gale_ring_buf_claim_decide(get_tail, base, CAP, n);
		for (uint32_t k = 0; k < c.claim_size; k++)
			FT_EQ(buf[c.buffer_offset + k], next_out++);
		get_tail += c.claim_size;
		moved += c.claim_size;
		FT_EQ(gale_ring_buf_size_get(put_head, get_tail) +
		      gale_ring_buf_space_get(put_head, get_tail, CAP), CAP); /* RB9 */
	}
	FT_TRUE(moved > 300u); /* the walk moved data across many wraps */
	FT_TRUE(put_head < 0x1000u); /* and across the u32 index wrap */
}

_Static_assert(sizeof(struct gale_ring_buf_claim_decision) == 8, "Gale layout");
_Static_assert(offsetof(struct gale_ring_buf_claim_decision, buffer_offset) == 4, "Gale layout");

FT_SUITE(ring_buf,
	 FT_CASE(claim_every_small_case),
	 FT_CASE(space_size_finish_wrap),
	 FT_CASE(byte_stream_through_decisions))
