/**
 * @file flue/gale_ext.h
 * @brief flue's additions to the Gale interface (not Gale's own names):
 *        decoders for the u64-packed decisions and the model constants
 *        Gale keeps on the Rust side only.
 *
 * Gale returns some decisions as an 8-byte struct `{uint8_t action; uint32_t
 * value}` bit-cast to `uint64_t`: byte 0 is the action, bytes 1..3 are
 * padding (uninitialised in Gale, zero in flue) and bytes 4..7 the value.
 * Decode by fields with these helpers; never compare raw values.
 *
 * Pure, any context, never block.
 */
#ifndef FLUE_GALE_EXT_H
#define FLUE_GALE_EXT_H

#include <stdint.h>
#include <gale/gale_sem.h>
#include <gale/gale_pipe.h>

#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
#error "Gale's packed decisions (and their unions) assume a little-endian target"
#endif

/** Pipe flags (Gale's Rust-side FLAG_OPEN / FLAG_RESET). */
#define FLUE_PIPE_FLAG_OPEN  1u
#define FLUE_PIPE_FLAG_RESET 2u

/** Poll event types (Gale's poll.rs TYPE_*). */
#define FLUE_POLL_TYPE_IGNORE                0u
#define FLUE_POLL_TYPE_SEM_AVAILABLE         1u
#define FLUE_POLL_TYPE_DATA_AVAILABLE        2u
#define FLUE_POLL_TYPE_SIGNAL                4u
#define FLUE_POLL_TYPE_MSGQ_DATA_AVAILABLE   8u
#define FLUE_POLL_TYPE_PIPE_DATA_AVAILABLE  16u

/** Poll event states (Gale's poll.rs STATE_*). */
#define FLUE_POLL_STATE_NOT_READY            0u
#define FLUE_POLL_STATE_SEM_AVAILABLE        1u
#define FLUE_POLL_STATE_DATA_AVAILABLE       2u
#define FLUE_POLL_STATE_SIGNALED             4u
#define FLUE_POLL_STATE_MSGQ_DATA_AVAILABLE  8u
#define FLUE_POLL_STATE_PIPE_DATA_AVAILABLE 16u
#define FLUE_POLL_STATE_CANCELLED           32u

/** Entries the mem_domain decisions always read from each array (Gale's
 *  MAX_PARTITIONS): callers must pass arrays of at least this many. */
#define FLUE_MEM_DOMAIN_MAX_PARTITIONS 16u

/** Action byte of a packed decision (byte 0). */
static inline uint8_t flue_gale_packed_action(uint64_t raw)
{
	return (uint8_t)(raw & 0xFFu);
}

/** Value word of a packed decision (bytes 4..7). */
static inline uint32_t flue_gale_packed_value(uint64_t raw)
{
	return (uint32_t)(raw >> 32);
}

/** Decode gale_k_sem_give_decide(). */
static inline struct gale_sem_give_decision flue_gale_sem_give_unpack(uint64_t raw)
{
	struct gale_sem_give_decision d = { flue_gale_packed_action(raw),
					    flue_gale_packed_value(raw) };
	return d;
}

/** Decode gale_k_sem_take_decide(). */
static inline struct gale_sem_take_decision flue_gale_sem_take_unpack(uint64_t raw)
{
	struct gale_sem_take_decision d = { flue_gale_packed_action(raw),
					    flue_gale_packed_value(raw) };
	return d;
}

/** Decode gale_k_pipe_write_decide(). */
static inline struct gale_pipe_write_decision flue_gale_pipe_write_unpack(uint64_t raw)
{
	struct gale_pipe_write_decision d = { flue_gale_packed_action(raw),
					      flue_gale_packed_value(raw) };
	return d;
}

/** Decode gale_k_pipe_read_decide(). */
static inline struct gale_pipe_read_decision flue_gale_pipe_read_unpack(uint64_t raw)
{
	struct gale_pipe_read_decision d = { flue_gale_packed_action(raw),
					     flue_gale_packed_value(raw) };
	return d;
}

#endif /* FLUE_GALE_EXT_H */
