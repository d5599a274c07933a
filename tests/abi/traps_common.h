/* Shared by the trap suites (test_traps.c, test_traps2.c). */
#ifndef FLUE_TRAPS_COMMON_H
#define FLUE_TRAPS_COMMON_H

#include "abi_test.h"

#define A fx.a
#define B fx.b
#define AS FLUE_OPT_ASYNC
#define SYNC 0u

static uint32_t R, W; /* ends of the last stream/future made by mk() */

static inline void mk(struct flue_instance *in, flue_type_t t, bool future)
{
	uint64_t v = future ? flue_canon_future_new(in, t) : flue_canon_stream_new(in, t);
	R = lo32(v);
	W = hi32(v);
}

/* After a trap of `why`: poisoned, the first reason kept, and every later
 * built-in (backpressure included, which skips may_leave) traps POISONED. */
static inline void poisoned(struct flue_instance *in, enum flue_trap_reason why)
{
	FT_TRUE(FX_READ(in->poisoned));
	FT_EQ(FX_READ(in->trap_reason), why);
	FT_TRAPS(FLUE_TRAP_POISONED, flue_canon_waitable_set_new(in));
	FT_TRAPS(FLUE_TRAP_POISONED, flue_canon_stream_new(in, fx.u8));
	FT_TRAPS(FLUE_TRAP_POISONED, flue_canon_stream_read(in, fx.u8, AS, 1, 0, 0));
	FT_TRAPS(FLUE_TRAP_POISONED, flue_canon_error_context_drop(in, 1));
	FT_TRAPS(FLUE_TRAP_POISONED, flue_canon_backpressure_inc(in));
	FT_TRAPS(FLUE_TRAP_POISONED, flue_canon_backpressure_dec(in));
	FT_EQ(FX_READ(in->trap_reason), why);
}

#define TRAP(why, in, stmt)                                                      \
	do {                                                                     \
		FT_TRAPS(FLUE_TRAP_##why, stmt);                                 \
		poisoned(in, FLUE_TRAP_##why);                                   \
	} while (0)

/* Instance B is untouched by A's trap and still works. */
static inline void b_alive(void)
{
	FT_FALSE(FX_READ(B->poisoned));
	uint32_t ws = flue_canon_waitable_set_new(B);
	flue_canon_waitable_set_drop(B, ws);
}

#endif /* FLUE_TRAPS_COMMON_H */
