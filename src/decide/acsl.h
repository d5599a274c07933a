/**
 * @file acsl.h
 * @brief ACSL logic shared by the decision layer's contracts (no C code).
 *
 * Only read by Frama-C; to a C compiler this file is comments. It names the
 * arithmetic forms the contracts use so that a property reads the same way
 * in every file: the u64-packed decisions are `value * 2^32 + action`
 * (byte 0 = action, bytes 4..7 = value on a little-endian target; the bytes
 * in between are zero in flue, don't-care in Gale).
 */
#ifndef FLUE_DECIDE_ACSL_H
#define FLUE_DECIDE_ACSL_H

/*@
  logic integer flue_pack_action(integer raw) = raw % 4294967296;
  logic integer flue_pack_value(integer raw) = raw / 4294967296;

  // Ring successor / predecessor of a slot index (msgq MQ5, MQ7, MQ8).
  logic integer flue_next_idx(integer idx, integer max) =
    idx + 1 < max ? idx + 1 : 0;
  logic integer flue_prev_idx(integer idx, integer max) =
    idx == 0 ? max - 1 : idx - 1;

  logic integer flue_min(integer a, integer b) = a <= b ? a : b;

  // Unsigned 32-bit wrapping subtraction, as Rust's wrapping_sub.
  logic integer flue_wrap_sub(integer a, integer b) =
    a >= b ? a - b : a - b + 4294967296;
*/

#endif /* FLUE_DECIDE_ACSL_H */
