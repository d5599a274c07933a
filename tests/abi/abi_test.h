/*
 * Fixture for the built-in tests: a store with two instances (A, B), each
 * with 64 KiB of linear memory, a few registered element types, and a trap
 * hook that unwinds to FT_TRAPS() so a trap is an observable outcome.
 */
#ifndef FLUE_ABI_TEST_H
#define FLUE_ABI_TEST_H

#include <setjmp.h>
#include <string.h>

#include "ftest.h"
#include <flue/abi.h>
#include <flue/errno.h>
#include <flue/host.h>
#include <flue/store.h>

#define MEM_SIZE 65536u

/* On the target the store fills a block of its own, FX_STORE_BLOCK bytes
 * aligned to its size (a power of two, as PMSAv7 regions are), so that the
 * gated image (tests/gated/) can make it privileged-only while the case
 * bodies run unprivileged: a body that reached into the store other than
 * through the built-ins or FX_READ() faults there. (Channels and rings a
 * case owns are its own statics: it may look at them directly.) */
#ifdef FLUE_TEST_TARGET
#define FX_STORE_BLOCK 16384u
#define FX_AFTER_STORE __attribute__((aligned(FX_STORE_BLOCK)))
#else
#define FX_AFTER_STORE
#endif

struct fx {
	struct flue_store store; /* first: at the start of the store block */
	struct flue_instance *a FX_AFTER_STORE;
	struct flue_instance *b;
	uint8_t *a_data, *b_data;
	uint64_t a_size, b_size;
	flue_type_t unit, u8, u32, f64, rec; /* rec = record { u8, u32 } */
	/* trap capture */
	jmp_buf jmp;
	bool armed;
	enum flue_trap_reason reason;
	uint32_t handle;
	uint8_t a_mem[MEM_SIZE] __attribute__((aligned(8)));
	uint8_t b_mem[MEM_SIZE] __attribute__((aligned(8)));
};

extern struct fx fx;
#ifdef FLUE_TEST_TARGET
_Static_assert(sizeof(struct flue_store) <= FX_STORE_BLOCK, "the store outgrew its block");
#endif

/* Fresh store, instances and types (called at the start of every test). */
void fx_setup(void);

/*
 * White-box access to runtime state (the store, instance records, handle
 * tables, type records): always through these, never directly, so that
 * the gated image can run the case bodies as unprivileged guest code (the
 * store is privileged-only there, and these are services of the gate).
 *
 * FX_READ(lvalue): the value of an integer, enum or bool lvalue of at most
 * 8 bytes inside runtime state (fx_peek copies it; little-endian targets).
 */
uint64_t fx_peek(const void *p, uint32_t n);
#define FX_READ(lv) ((__typeof__(lv))fx_peek(&(lv), (uint32_t)sizeof(lv)))
/* The state of stream/future end `h` of `inst` (a bit-field: no FX_READ). */
uint8_t fx_end_state(const struct flue_instance *inst, uint32_t h);
/* Copy an instance's record (its struct) to `to`, outside the store. */
void fx_copy_instance(struct flue_instance *to, const struct flue_instance *from);
/* Set an instance's may_leave flag, as realloc/post-return calls do. */
void fx_set_may_leave(struct flue_instance *inst, bool may_leave);
/* Give the store a block hook (flue/trap.h). */
void fx_set_block_hook(flue_block_hook_t hook);
/* How an expected trap gets back to FT_TRAPS(): longjmp(fx.jmp). A weak
 * definition the gated image replaces (there the trap first unwinds to the
 * gate's service, and the guest side longjmps). */
_Noreturn void fx_trap_unwind(void);

/* Run `stmt`, which must trap with `why`; returns after checking it. The
 * instance that trapped is poisoned (FT_TRUE(FX_READ(inst->poisoned))). */
#define FT_TRAPS(why, stmt)                                                     \
	do {                                                                    \
		if (setjmp(fx.jmp) == 0) {                                      \
			fx.armed = true;                                        \
			stmt;                                                   \
			fx.armed = false;                                       \
			FT_FAIL("expected a trap: " #why);                     \
		} else {                                                        \
			fx.armed = false;                                       \
			FT_EQ(fx.reason, (why));                                \
		}                                                               \
	} while (0)

/* Little-endian u32 in an instance's memory. */
static inline uint32_t ld32(const uint8_t *m, uint32_t off)
{
	return (uint32_t)m[off] | (uint32_t)m[off + 1] << 8 | (uint32_t)m[off + 2] << 16 |
	       (uint32_t)m[off + 3] << 24;
}

/* Readable / writable halves of a *.new result. */
static inline uint32_t lo32(uint64_t v) { return (uint32_t)v; }
static inline uint32_t hi32(uint64_t v) { return (uint32_t)(v >> 32); }

/* Packed stream result. */
#define PACK(result, progress) ((uint32_t)(result) | (uint32_t)(progress) << 4)

/* Where poll/wait store (p1, p2) unless a test says otherwise. */
#define EVP 0xFF00u
#define ASYNC FLUE_OPT_ASYNC

/* Async stream/future reads and writes. */
static inline uint32_t rd(struct flue_instance *i, flue_type_t t, uint32_t e, uint32_t p,
			  uint32_t n)
{
	return flue_canon_stream_read(i, t, ASYNC, e, p, n);
}

static inline uint32_t wr(struct flue_instance *i, flue_type_t t, uint32_t e, uint32_t p,
			  uint32_t n)
{
	return flue_canon_stream_write(i, t, ASYNC, e, p, n);
}

static inline uint32_t frd(struct flue_instance *i, flue_type_t t, uint32_t e, uint32_t p)
{
	return flue_canon_future_read(i, t, ASYNC, e, p);
}

static inline uint32_t fwr(struct flue_instance *i, flue_type_t t, uint32_t e, uint32_t p)
{
	return flue_canon_future_write(i, t, ASYNC, e, p);
}

/* Deliver one event from set ws (poll) and check code, p1 and p2 as stored. */
#define EXPECT_EVENT(inst, mem, ws, code, p1, p2)                                   \
	do {                                                                        \
		memset((mem) + EVP, 0xA5, 8);                                        \
		FT_EQ(flue_canon_waitable_set_poll((inst), (ws), EVP), (code));   \
		FT_EQ(ld32((mem), EVP), (p1));                                       \
		FT_EQ(ld32((mem), EVP + 4), (p2));                                   \
	} while (0)
#define EXPECT_NONE(inst, mem, ws) EXPECT_EVENT(inst, mem, ws, FLUE_EVENT_CODE_NONE, 0u, 0u)

/* Pass readable end r from one instance to another, as a call parameter
 * or result does (lift + lower); returns its index there. */
uint32_t pass(struct flue_instance *from, uint32_t r, flue_type_t t, struct flue_instance *to);

/* Move readable end e of A to B; returns its index in B. */
static inline uint32_t to_b(uint32_t e, flue_type_t t)
{
	return pass(fx.a, e, t, fx.b);
}

#endif /* FLUE_ABI_TEST_H */
