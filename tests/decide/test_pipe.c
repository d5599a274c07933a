/*
 * Pipe decisions against Gale's pipe.rs properties (PP1-PP10): every flag
 * combination, every fill level of every pipe of size <= 8, every request
 * length up to 10, with and without a waiting peer. The expected outcome of
 * each case is derived from the property list (error precedence RESET, then
 * OPEN; byte counts min(request, free) / min(request, used)).
 */
#include "ftest.h"
#include <gale/gale_pipe.h>
#include <flue/gale_ext.h>
#include <flue/errno.h>

#define MAXSZ 8u
#define MAXREQ 10u
#define SENTINEL 0xA5A5A5A5u

static uint32_t umin(uint32_t a, uint32_t b) { return a < b ? a : b; }

FT_TEST(write_check_every_case)
{
	for (uint32_t size = 0; size <= MAXSZ; size++)
	for (uint32_t used = 0; used <= size; used++)
	for (uint8_t flags = 0; flags < 4u; flags++)
	for (uint32_t req = 0; req <= MAXREQ; req++) {
		uint32_t n = SENTINEL, nu = SENTINEL;
		int32_t rc = gale_pipe_write_check(used, size, flags, req, &n, &nu);
		int32_t expect;
		if (size == 0u)
			expect = FLUE_EINVAL;
		else if (req == 0u)
			expect = FLUE_ENOMSG;
		else if (flags & FLUE_PIPE_FLAG_RESET)
			expect = FLUE_ECANCELED; /* PP4 */
		else if (!(flags & FLUE_PIPE_FLAG_OPEN))
			expect = FLUE_EPIPE; /* PP3 */
		else if (used == size)
			expect = FLUE_EAGAIN;
		else
			expect = 0;
		FT_EQ(rc, expect);
		if (expect == 0) {
			FT_EQ(n, umin(req, size - used)); /* PP5 */
			FT_EQ(nu, used + n);              /* PP9, PP10 */
			FT_TRUE(nu <= size);              /* PP1 */
		} else {
			FT_EQ(n, SENTINEL); /* outputs untouched on error */
			FT_EQ(nu, SENTINEL);
		}
	}
}

FT_TEST(read_check_every_case)
{
	for (uint32_t used = 0; used <= MAXSZ; used++)
	for (uint8_t flags = 0; flags < 4u; flags++)
	for (uint32_t req = 0; req <= MAXREQ; req++) {
		uint32_t n = SENTINEL, nu = SENTINEL;
		int32_t rc = gale_pipe_read_check(used, flags, req, &n, &nu);
		int32_t expect;
		if (req == 0u)
			expect = FLUE_ENOMSG;
		else if (flags & FLUE_PIPE_FLAG_RESET)
			expect = FLUE_ECANCELED;
		else if (used > 0u)
			expect = 0;
		else if (!(flags & FLUE_PIPE_FLAG_OPEN))
			expect = FLUE_EPIPE; /* EOF only after draining */
		else
			expect = FLUE_EAGAIN;
		FT_EQ(rc, expect);
		if (expect == 0) {
			FT_EQ(n, umin(req, used)); /* PP6 */
			FT_EQ(nu, used - n);
		} else {
			FT_EQ(n, SENTINEL);
			FT_EQ(nu, SENTINEL);
		}
	}
}

FT_TEST(checks_reject_null_outputs)
{
	uint32_t x = SENTINEL;
	FT_EQ(gale_pipe_write_check(0, 4, FLUE_PIPE_FLAG_OPEN, 1, NULL, &x), FLUE_EINVAL);
	FT_EQ(gale_pipe_write_check(0, 4, FLUE_PIPE_FLAG_OPEN, 1, &x, NULL), FLUE_EINVAL);
	FT_EQ(gale_pipe_read_check(1, FLUE_PIPE_FLAG_OPEN, 1, NULL, &x), FLUE_EINVAL);
	FT_EQ(gale_pipe_read_check(1, FLUE_PIPE_FLAG_OPEN, 1, &x, NULL), FLUE_EINVAL);
	FT_EQ(x, SENTINEL);
}

FT_TEST(write_decide_every_case)
{
	for (uint32_t size = 0; size <= MAXSZ; size++)
	for (uint32_t used = 0; used <= size; used++)
	for (uint8_t flags = 0; flags < 4u; flags++)
	for (uint32_t req = 0; req <= MAXREQ; req++)
	for (uint32_t rd = 0; rd < 2u; rd++) {
		struct gale_pipe_write_decision d =
			flue_gale_pipe_write_unpack(gale_k_pipe_write_decide(used, size, flags, req, rd));
		if (flags & FLUE_PIPE_FLAG_RESET) {
			FT_EQ(d.action, GALE_PIPE_ACTION_WRITE_ERROR_ECANCELED);
			FT_EQ(d.actual_bytes, 0);
		} else if (!(flags & FLUE_PIPE_FLAG_OPEN)) {
			FT_EQ(d.action, GALE_PIPE_ACTION_WRITE_ERROR_EPIPE);
			FT_EQ(d.actual_bytes, 0);
		} else if (used == 0u && rd) {
			/* Empty pipe, waiting reader: straight into its buffer. */
			FT_EQ(d.action, GALE_PIPE_ACTION_WAKE_READER);
			FT_EQ(d.actual_bytes, umin(req, size));
		} else if (used == size) {
			FT_EQ(d.action, GALE_PIPE_ACTION_WRITE_PEND);
			FT_EQ(d.actual_bytes, 0);
		} else {
			FT_EQ(d.action, GALE_PIPE_ACTION_WRITE_OK);
			FT_EQ(d.actual_bytes, umin(req, size - used)); /* PP5 */
		}
	}
}

FT_TEST(read_decide_every_case)
{
	for (uint32_t size = 0; size <= MAXSZ; size++)
	for (uint32_t used = 0; used <= size; used++)
	for (uint8_t flags = 0; flags < 4u; flags++)
	for (uint32_t req = 0; req <= MAXREQ; req++)
	for (uint32_t wr = 0; wr < 2u; wr++) {
		struct gale_pipe_read_decision d =
			flue_gale_pipe_read_unpack(gale_k_pipe_read_decide(used, size, flags, req, wr));
		if (flags & FLUE_PIPE_FLAG_RESET) {
			FT_EQ(d.action, GALE_PIPE_ACTION_READ_ERROR_ECANCELED);
			FT_EQ(d.actual_bytes, 0);
		} else if (used == size && wr) {
			/* Full pipe with a blocked writer: read, then admit it. */
			FT_EQ(d.action, GALE_PIPE_ACTION_WAKE_WRITER);
			FT_EQ(d.actual_bytes, umin(req, used));
		} else if (used > 0u) {
			FT_EQ(d.action, GALE_PIPE_ACTION_READ_OK);
			FT_EQ(d.actual_bytes, umin(req, used)); /* PP6 */
		} else if (!(flags & FLUE_PIPE_FLAG_OPEN)) {
			FT_EQ(d.action, GALE_PIPE_ACTION_READ_ERROR_EPIPE);
			FT_EQ(d.actual_bytes, 0);
		} else {
			FT_EQ(d.action, GALE_PIPE_ACTION_READ_PEND);
			FT_EQ(d.actual_bytes, 0);
		}
	}
}

FT_TEST(full_domain_byte_counts)
{
	uint32_t s = 0x9199u;
	for (int i = 0; i < 2000; i++) {
		uint32_t size = ft_rand(&s) | 1u;
		uint32_t used = ft_rand(&s) % size;
		uint32_t req = ft_rand(&s) | 1u;
		uint32_t n, nu;
		FT_EQ(gale_pipe_write_check(used, size, FLUE_PIPE_FLAG_OPEN, req, &n, &nu), 0);
		FT_EQ(n, umin(req, size - used));
		FT_EQ(nu, used + n); /* no overflow near UINT32_MAX (PP10) */
		FT_TRUE(nu <= size);
		FT_EQ(gale_pipe_read_check(used + 1u, FLUE_PIPE_FLAG_OPEN, req, &n, &nu), 0);
		FT_EQ(n, umin(req, used + 1u));
		FT_EQ(nu, used + 1u - n);
	}
}

FT_TEST(packed_layout_matches_gale_union)
{
	union gale_pipe_write_decision_u w;
	w.raw = gale_k_pipe_write_decide(2, 8, FLUE_PIPE_FLAG_OPEN, 100, 0);
	FT_EQ(w.dec.action, GALE_PIPE_ACTION_WRITE_OK);
	FT_EQ(w.dec.actual_bytes, 6);
	union gale_pipe_read_decision_u r;
	r.raw = gale_k_pipe_read_decide(3, 8, FLUE_PIPE_FLAG_OPEN, 100, 0);
	FT_EQ(r.dec.action, GALE_PIPE_ACTION_READ_OK);
	FT_EQ(r.dec.actual_bytes, 3);
}

_Static_assert(sizeof(struct gale_pipe_write_decision) == 8, "Gale layout");
_Static_assert(offsetof(struct gale_pipe_write_decision, actual_bytes) == 4, "Gale layout");
_Static_assert(sizeof(struct gale_pipe_read_decision) == 8, "Gale layout");
_Static_assert(offsetof(struct gale_pipe_read_decision, actual_bytes) == 4, "Gale layout");

FT_SUITE(pipe,
	 FT_CASE(write_check_every_case),
	 FT_CASE(read_check_every_case),
	 FT_CASE(checks_reject_null_outputs),
	 FT_CASE(write_decide_every_case),
	 FT_CASE(read_decide_every_case),
	 FT_CASE(full_domain_byte_counts),
	 FT_CASE(packed_layout_matches_gale_union))
