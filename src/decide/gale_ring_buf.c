/*
 * Gale-compatible ring-buffer index decisions. Pure: no globals, no effects.
 * Contracts restate Gale's ring_buf.rs properties (RB1, RB3/RB4 bound, RB8,
 * RB9); indices are free-running, so differences wrap (flue_wrap_sub).
 */
#include <gale/gale_ring_buf.h>
#include <flue/errno.h>
#include "acsl.h"

/* Wrapping difference of two free-running indices, written without relying
 * on unsigned wrap-around so that the provers see plain arithmetic (no step
 * overflows); compilers reduce it to one subtraction. */
/*@ assigns \nothing;
    ensures \result == flue_wrap_sub(a, b);
*/
static inline uint32_t wrap_sub(uint32_t a, uint32_t b)
{
	return (a >= b) ? a - b : (UINT32_MAX - b) + a + 1u;
}

/*@ assigns \nothing;
    behavior empty:
      assumes buf_size == 0;
      ensures \result.claim_size == 0 && \result.buffer_offset == 0;
    behavior claim:
      assumes buf_size > 0;
      ensures RB1: \result.buffer_offset == flue_wrap_sub(head, base) % buf_size;
      ensures RB1_bound: \result.buffer_offset < buf_size;
      ensures RB8: \result.claim_size == flue_min(requested, buf_size - \result.buffer_offset);
    complete behaviors;
    disjoint behaviors;
*/
struct gale_ring_buf_claim_decision gale_ring_buf_claim_decide(uint32_t head, uint32_t base,
							       uint32_t buf_size,
							       uint32_t requested)
{
	struct gale_ring_buf_claim_decision d = { 0u, 0u };
	if (buf_size == 0u) {
		return d;
	}
	uint32_t raw = wrap_sub(head, base);
	uint32_t offset = (raw >= buf_size) ? raw % buf_size : raw;
	uint32_t contiguous = buf_size - offset;
	d.buffer_offset = offset;
	d.claim_size = (requested <= contiguous) ? requested : contiguous;
	return d;
}

/*@ assigns \nothing;
    ensures RB3_RB4: \result == FLUE_OK <==> size <= flue_wrap_sub(head, tail);
    ensures \result == FLUE_OK || \result == FLUE_EINVAL;
*/
int32_t gale_ring_buf_finish_validate(uint32_t head, uint32_t tail, uint32_t size,
				      uint32_t buf_size)
{
	(void)buf_size; /* Gale's signature carries it; the check does not need it */
	uint32_t claimed = wrap_sub(head, tail);
	return (size <= claimed) ? FLUE_OK : FLUE_EINVAL;
}

/*@ assigns \nothing;
    ensures \result <= buf_size;
    behavior empty:
      assumes buf_size == 0;
      ensures \result == 0;
    behavior RB9_space:
      assumes buf_size > 0 && flue_wrap_sub(put_head, get_tail) <= buf_size;
      ensures \result + flue_wrap_sub(put_head, get_tail) == buf_size;
    behavior corrupt:
      assumes buf_size > 0 && flue_wrap_sub(put_head, get_tail) > buf_size;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
uint32_t gale_ring_buf_space_get(uint32_t put_head, uint32_t get_tail, uint32_t buf_size)
{
	if (buf_size == 0u) {
		return 0u;
	}
	uint32_t allocated = wrap_sub(put_head, get_tail);
	return (allocated > buf_size) ? 0u : buf_size - allocated;
}

/*@ assigns \nothing;
    ensures RB7: \result == flue_wrap_sub(put_tail, get_head);
*/
uint32_t gale_ring_buf_size_get(uint32_t put_tail, uint32_t get_head)
{
	return wrap_sub(put_tail, get_head);
}
