/*
 * Gale-compatible pipe decisions. Pure: no globals, no effects.
 * Contracts restate Gale's pipe.rs properties (PP1-PP10) and add the byte
 * counts PP5/PP6 on the decide functions, which Gale proves only on its
 * Pipe model. Checks run in Gale's order: arguments, zero length, RESET,
 * OPEN, then space.
 */
#include <gale/gale_pipe.h>
#include <flue/errno.h>
#include <flue/gale_ext.h>
#include "acsl.h"

#define PACK(value, action) \
	((uint64_t)(value) * UINT64_C(4294967296) + (uint64_t)(action))

/*@ assigns \nothing;
    ensures \result == flue_min(a, b);
*/
static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a <= b ? a : b;
}

/*@ requires PP1: used <= size;
    requires \valid(actual_len) || actual_len == \null;
    requires \valid(new_used) || new_used == \null;
    requires \separated(actual_len, new_used);
    assigns *actual_len, *new_used;
    behavior invalid:
      assumes actual_len == \null || new_used == \null || size == 0;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior zero_request:
      assumes actual_len != \null && new_used != \null && size > 0 && request_len == 0;
      assigns \nothing;
      ensures \result == FLUE_ENOMSG;
    behavior PP4_reset:
      assumes actual_len != \null && new_used != \null && size > 0 && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) != 0;
      assigns \nothing;
      ensures \result == FLUE_ECANCELED;
    behavior PP3_closed:
      assumes actual_len != \null && new_used != \null && size > 0 && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && (flags & FLUE_PIPE_FLAG_OPEN) == 0;
      assigns \nothing;
      ensures \result == FLUE_EPIPE;
    behavior full:
      assumes actual_len != \null && new_used != \null && size > 0 && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && (flags & FLUE_PIPE_FLAG_OPEN) != 0;
      assumes used == size;
      assigns \nothing;
      ensures \result == FLUE_EAGAIN;
    behavior PP5_write:
      assumes actual_len != \null && new_used != \null && size > 0 && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && (flags & FLUE_PIPE_FLAG_OPEN) != 0;
      assumes used < size;
      assigns *actual_len, *new_used;
      ensures PP5: *actual_len == flue_min(request_len, size - used) && *actual_len > 0;
      ensures PP9: *new_used == used + *actual_len && *new_used <= size;
      ensures \result == FLUE_OK;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_pipe_write_check(uint32_t used, uint32_t size, uint8_t flags,
			      uint32_t request_len, uint32_t *actual_len,
			      uint32_t *new_used)
{
	if (actual_len == 0 || new_used == 0 || size == 0u) {
		return FLUE_EINVAL;
	}
	if (request_len == 0u) {
		return FLUE_ENOMSG;
	}
	if ((flags & FLUE_PIPE_FLAG_RESET) != 0u) {
		return FLUE_ECANCELED;
	}
	if ((flags & FLUE_PIPE_FLAG_OPEN) == 0u) {
		return FLUE_EPIPE;
	}
	if (used >= size) {
		return FLUE_EAGAIN;
	}
	uint32_t n = min_u32(request_len, size - used);
	*actual_len = n;
	*new_used = used + n;
	return FLUE_OK;
}

/*@ requires \valid(actual_len) || actual_len == \null;
    requires \valid(new_used) || new_used == \null;
    requires \separated(actual_len, new_used);
    assigns *actual_len, *new_used;
    behavior invalid:
      assumes actual_len == \null || new_used == \null;
      assigns \nothing;
      ensures \result == FLUE_EINVAL;
    behavior zero_request:
      assumes actual_len != \null && new_used != \null && request_len == 0;
      assigns \nothing;
      ensures \result == FLUE_ENOMSG;
    behavior PP4_reset:
      assumes actual_len != \null && new_used != \null && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) != 0;
      assigns \nothing;
      ensures \result == FLUE_ECANCELED;
    behavior PP6_read:
      assumes actual_len != \null && new_used != \null && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && used > 0;
      assigns *actual_len, *new_used;
      ensures PP6: *actual_len == flue_min(request_len, used) && *actual_len > 0;
      ensures PP10: *new_used == used - *actual_len;
      ensures \result == FLUE_OK;
    behavior eof:
      assumes actual_len != \null && new_used != \null && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && used == 0;
      assumes (flags & FLUE_PIPE_FLAG_OPEN) == 0;
      assigns \nothing;
      ensures \result == FLUE_EPIPE;
    behavior empty:
      assumes actual_len != \null && new_used != \null && request_len > 0;
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && used == 0;
      assumes (flags & FLUE_PIPE_FLAG_OPEN) != 0;
      assigns \nothing;
      ensures \result == FLUE_EAGAIN;
    complete behaviors;
    disjoint behaviors;
*/
int32_t gale_pipe_read_check(uint32_t used, uint8_t flags,
			     uint32_t request_len, uint32_t *actual_len,
			     uint32_t *new_used)
{
	if (actual_len == 0 || new_used == 0) {
		return FLUE_EINVAL;
	}
	if (request_len == 0u) {
		return FLUE_ENOMSG;
	}
	if ((flags & FLUE_PIPE_FLAG_RESET) != 0u) {
		return FLUE_ECANCELED;
	}
	if (used == 0u) {
		return ((flags & FLUE_PIPE_FLAG_OPEN) == 0u) ? FLUE_EPIPE : FLUE_EAGAIN;
	}
	uint32_t n = min_u32(request_len, used);
	*actual_len = n;
	*new_used = used - n;
	return FLUE_OK;
}

/*@ assigns \nothing;
    behavior PP4_reset:
      assumes (flags & FLUE_PIPE_FLAG_RESET) != 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_WRITE_ERROR_ECANCELED;
      ensures flue_pack_value(\result) == 0;
    behavior PP3_closed:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && (flags & FLUE_PIPE_FLAG_OPEN) == 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_WRITE_ERROR_EPIPE;
      ensures flue_pack_value(\result) == 0;
    behavior wake_reader:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && (flags & FLUE_PIPE_FLAG_OPEN) != 0;
      assumes used == 0 && has_reader != 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_WAKE_READER;
      ensures flue_pack_value(\result) == flue_min(request_len, size);
    behavior pend:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && (flags & FLUE_PIPE_FLAG_OPEN) != 0;
      assumes !(used == 0 && has_reader != 0) && (size == 0 || used >= size);
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_WRITE_PEND;
      ensures flue_pack_value(\result) == 0;
    behavior PP5_write:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && (flags & FLUE_PIPE_FLAG_OPEN) != 0;
      assumes !(used == 0 && has_reader != 0) && size > 0 && used < size;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_WRITE_OK;
      ensures PP5: flue_pack_value(\result) == flue_min(request_len, size - used);
      ensures PP9: used + flue_pack_value(\result) <= size;
    complete behaviors;
    disjoint behaviors;
*/
uint64_t gale_k_pipe_write_decide(uint32_t used, uint32_t size, uint8_t flags,
				  uint32_t request_len, uint32_t has_reader)
{
	if ((flags & FLUE_PIPE_FLAG_RESET) != 0u) {
		return PACK(0u, GALE_PIPE_ACTION_WRITE_ERROR_ECANCELED);
	}
	if ((flags & FLUE_PIPE_FLAG_OPEN) == 0u) {
		return PACK(0u, GALE_PIPE_ACTION_WRITE_ERROR_EPIPE);
	}
	if (used == 0u && has_reader != 0u) {
		/* Straight into the waiting reader's buffer: bounded by size. */
		return PACK(min_u32(request_len, size), GALE_PIPE_ACTION_WAKE_READER);
	}
	if (size == 0u || used >= size) {
		return PACK(0u, GALE_PIPE_ACTION_WRITE_PEND);
	}
	return PACK(min_u32(request_len, size - used), GALE_PIPE_ACTION_WRITE_OK);
}

/*@ assigns \nothing;
    behavior PP4_reset:
      assumes (flags & FLUE_PIPE_FLAG_RESET) != 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_READ_ERROR_ECANCELED;
      ensures flue_pack_value(\result) == 0;
    behavior wake_writer:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && used >= size && has_writer != 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_WAKE_WRITER;
      ensures PP6: flue_pack_value(\result) == flue_min(request_len, used);
    behavior PP6_read:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && !(used >= size && has_writer != 0);
      assumes used > 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_READ_OK;
      ensures PP6: flue_pack_value(\result) == flue_min(request_len, used);
    behavior eof:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && !(used >= size && has_writer != 0);
      assumes used == 0 && (flags & FLUE_PIPE_FLAG_OPEN) == 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_READ_ERROR_EPIPE;
      ensures flue_pack_value(\result) == 0;
    behavior pend:
      assumes (flags & FLUE_PIPE_FLAG_RESET) == 0 && !(used >= size && has_writer != 0);
      assumes used == 0 && (flags & FLUE_PIPE_FLAG_OPEN) != 0;
      ensures flue_pack_action(\result) == GALE_PIPE_ACTION_READ_PEND;
      ensures flue_pack_value(\result) == 0;
    complete behaviors;
    disjoint behaviors;
*/
uint64_t gale_k_pipe_read_decide(uint32_t used, uint32_t size, uint8_t flags,
				 uint32_t request_len, uint32_t has_writer)
{
	if ((flags & FLUE_PIPE_FLAG_RESET) != 0u) {
		return PACK(0u, GALE_PIPE_ACTION_READ_ERROR_ECANCELED);
	}
	if (used >= size && has_writer != 0u) {
		return PACK(min_u32(request_len, used), GALE_PIPE_ACTION_WAKE_WRITER);
	}
	if (used > 0u) {
		return PACK(min_u32(request_len, used), GALE_PIPE_ACTION_READ_OK);
	}
	if ((flags & FLUE_PIPE_FLAG_OPEN) == 0u) {
		return PACK(0u, GALE_PIPE_ACTION_READ_ERROR_EPIPE);
	}
	return PACK(0u, GALE_PIPE_ACTION_READ_PEND);
}
