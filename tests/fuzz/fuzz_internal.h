/*
 * Internal interface of the built-ins fuzzer (see fuzz_harness.c for what
 * it does and checks). Three files share it:
 *   fuzz_harness.c   harness state, trap hook, set-up, the call runner and
 *                    its result checks, LLVMFuzzerInitialize/TestOneInput;
 *   fuzz_ops.c       input decoding, argument pickers, the op_* operations,
 *                    fz_step() and fz_check_all();
 *   fuzz_selftest.c  the invariant checker's self-test.
 */
#ifndef FLUE_TEST_FUZZ_INTERNAL_H
#define FLUE_TEST_FUZZ_INTERNAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/abi.h>
#include <flue/store.h>

/* Guest memory that moves is poisoned for ASan where it was, so that a
 * stale host pointer kept across calls is reported. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define MEM_POISON(p, n) __asan_poison_memory_region((p), (n))
#define MEM_UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#endif
#endif
#ifndef MEM_POISON
#define MEM_POISON(p, n) ((void)(p), (void)(n))
#define MEM_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define NINST 3
#define NTYPES 5
#define MEM 4096u
#define MAX_LENGTH ((1u << 28) - 1u)

/* The input bytes and the read position (fuzz_ops.c decodes them). */
struct input {
	const uint8_t *d;
	size_t n, pos;
};

/* ---------------------------------------------------------- harness state */

struct harness {
	struct flue_store store;
	struct flue_store snap; /* the store before the current call */
	struct flue_instance *inst[NINST];
	bool poisoned[NINST]; /* the harness saw this instance trap */
	uint32_t bp[NINST];   /* backpressure model */
	uint8_t *mem_data[NINST];
	uint64_t mem_size[NINST];
	flue_type_t types[NTYPES];
	jmp_buf jb;
	bool armed;
	int ntraps;
	struct flue_instance *trap_inst;
	enum flue_trap_reason trap_reason;
	uint32_t trap_handle;
	uint32_t step;
	bool snapped; /* snap holds the store before the current call */
	/* Per stream: elements reported moved by delivered reads [0] and
	 * writes [1] (plus ops forgotten by an instance's destruction). */
	uint64_t moved[FLUE_CONFIG_MAX_SHARED][2];
	/* Per end: the n of the copy it last started (flue keeps an op's
	 * length only while it is parked), which bounds its progress. */
	uint32_t op_len[NINST][FLUE_CONFIG_MAX_HANDLES];
};

extern struct harness fz_g;
/* Each instance's memory lives in one of two places (op_move_memory). */
extern uint8_t fz_mem[NINST][2][MEM] __attribute__((aligned(8)));
extern volatile uint32_t fz_bulk_count; /* C_BP_BULK: incs that returned */

__attribute__((format(printf, 1, 2))) void fz_trace(const char *fmt, ...);
__attribute__((format(printf, 3, 4), noreturn)) void fz_die(const char *file, int line,
							    const char *fmt, ...);

/* Fail: report where (file, line) and at which step, then abort. */
#define DIE(...) fz_die(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond) \
	do { \
		if (!(cond)) \
			DIE("%s", #cond); \
	} while (0)

/* Harness instance k is now `in` (fresh: no poisoning, no backpressure). */
void fz_attach(int k, struct flue_instance *in);
/* A fresh store with NINST instances and the NTYPES types. */
void fz_setup(void);

/* ------------------------------------------------------------------ calls */

enum call_kind {
	C_STREAM_NEW, C_FUTURE_NEW, C_COPY, C_CANCEL, C_DROP,
	C_WSET_NEW, C_WSET_POLL, C_WSET_WAIT, C_WSET_DROP, C_JOIN,
	C_BP_INC, C_BP_DEC, C_EC_NEW, C_EC_DEBUG, C_EC_DROP, C_BP_BULK,
};

struct call {
	uint8_t kind;
	int k;          /* harness instance */
	bool future, readable, async;
	flue_type_t t;
	uint32_t idx;   /* handle (end, set, error context, waitable) */
	uint32_t ptr;
	uint32_t n;     /* elements (copy), set (join), units (error-context.new) */
	uint32_t opts;
	uint64_t ret64;
	uint32_t ret;
};

static inline uint8_t end_kind(bool future, bool readable)
{
	if (future)
		return readable ? FLUE_H_FUTURE_READABLE : FLUE_H_FUTURE_WRITABLE;
	return readable ? FLUE_H_STREAM_READABLE : FLUE_H_STREAM_WRITABLE;
}

/* Run one built-in call; true if it trapped (then checked as a trap). */
bool fz_guarded(struct call *c, bool snap);
/* Trace, run and check one built-in call. */
void fz_run(struct call *c);

/* ------------------------------------------------------------- operations */

/* Decode and run one operation (repeats nest only at depth 0). */
void fz_step(struct input *in, uint32_t depth);
/* Checks after every step. */
void fz_check_all(void);

/* Shows that the invariant checker catches known corruptions. */
void fz_checker_selftest(void);

#endif /* FLUE_TEST_FUZZ_INTERNAL_H */
