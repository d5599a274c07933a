/*
 * Fixture for the executor tests: a store with instances that have linear
 * memory (and a bump allocator standing in for realloc, as the reference
 * tests' Heap), a host instance, element types, and checks usable inside
 * guest code. Guest code may run on a fiber (its own pthread), where a
 * cmocka failure cannot unwind, so guest code uses EX_EQ/EX_TRUE, which
 * record the first failure; ex_done() asserts there was none.
 */
#ifndef FLUE_EXEC_TEST_H
#define FLUE_EXEC_TEST_H

#include <string.h>

#include "ftest.h"
#include <flue/abi.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/host.h>
#include <flue/task_decide.h>
#include <flue/store.h>

#define EX_MEM 4096u

/* On the target the store fills a block of its own, EX_STORE_BLOCK bytes
 * aligned to its size (a power of two, as PMSAv7 regions are), so that the
 * gated image (tests/gated/) can make it privileged-only: test guests that
 * reached the runtime without the gate would fault there. */
#ifdef FLUE_TEST_TARGET
#define EX_STORE_BLOCK 16384u
#define EX_AFTER_STORE __attribute__((aligned(EX_STORE_BLOCK)))
#else
#define EX_AFTER_STORE
#endif

struct ex_inst {
	struct flue_instance *inst;
	uint8_t *data;
	uint64_t size;
	uint32_t last_alloc;
	uint8_t mem[EX_MEM] __attribute__((aligned(8)));
};

struct ex {
	struct flue_store store; /* first: at the start of the store block */
	struct ex_inst in[FLUE_CONFIG_MAX_INSTANCES] EX_AFTER_STORE;
	uint32_t ninst;
	struct flue_instance *host;
	uint8_t host_arena[1024] __attribute__((aligned(8)));
	flue_type_t u8, u32, unit;
	/* first failed check inside guest code */
	uint32_t failures;
	const char *fail_file;
	int fail_line;
	const char *fail_expr;
	uint64_t fail_a, fail_b;
	/* traps seen by the executor */
	uint32_t ntraps;
	enum flue_trap_reason trap;
	struct flue_instance *trap_inst;
};

extern struct ex ex;
#ifdef FLUE_TEST_TARGET
_Static_assert(sizeof(struct flue_store) <= EX_STORE_BLOCK, "the store outgrew its block");
#endif

void ex_setup(void);
/* A new instance with EX_MEM bytes of memory. */
struct flue_instance *ex_new(void);
/* Its memory. */
uint8_t *ex_mem(struct flue_instance *inst);
/* Heap.realloc of the reference tests: bump allocation. */
uint32_t ex_alloc(struct flue_instance *inst, uint32_t align, uint32_t size);
uint32_t ex_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr, uint32_t old_size,
		    uint32_t align, uint32_t new_size);
/* Run until idle; returns flue_run_until_idle's result. */
int ex_run(void);
/* Assert no check inside guest code failed. */
void ex_done(void);

void ex_fail(const char *file, int line, const char *expr, uint64_t a, uint64_t b);
#define EX_EQ(a, b)                                                                   \
	do {                                                                          \
		uint64_t ex_a_ = (uint64_t)(a), ex_b_ = (uint64_t)(b);                \
		if (ex_a_ != ex_b_)                                                   \
			ex_fail(__FILE__, __LINE__, #a " == " #b, ex_a_, ex_b_);      \
	} while (0)
#define EX_TRUE(c) EX_EQ(!!(c), 1)
#define EX_FALSE(c) EX_EQ(!!(c), 0)

/* White-box access to runtime state from guest code, as the reference
 * tests have it (`callee_inst.backpressure = True`). Functions, not field
 * accesses: the gated image (tests/gated/) runs them privileged, since its
 * guests cannot touch the store. */
void ex_set_backpressure(struct flue_instance *inst, uint16_t v);
bool ex_may_leave(const struct flue_instance *inst);
uint8_t ex_sub_state(const struct flue_instance *inst, uint32_t subi);
bool ex_has_event(const struct flue_instance *inst, uint32_t i);
uint32_t ex_sched_depth(void);
/* Handle i's kind (enum flue_handle_kind), a resource handle's lends, and
 * the table's never-used slot (the reference's len(array)). */
uint8_t ex_handle_kind(const struct flue_instance *inst, uint32_t i);
uint32_t ex_res_lends(const struct flue_instance *inst, uint32_t i);
uint32_t ex_table_len(const struct flue_instance *inst);
bool ex_exclusive_held(const struct flue_instance *inst);

/* Function types. */
#define VT(k) ((struct flue_valtype){ .kind = (k) })
#define VT_STREAM(t) ((struct flue_valtype){ .kind = FLUE_VAL_STREAM, .elem = (t) })
#define VT_FUTURE(t) ((struct flue_valtype){ .kind = FLUE_VAL_FUTURE, .elem = (t) })

/* Unpack an async-lower status (the reference's unpack_result). */
static inline uint32_t st_state(uint64_t r) { return (uint32_t)r & 0xFu; }
static inline uint32_t st_index(uint64_t r) { return (uint32_t)r >> 4; }

static inline uint32_t ex_ld32(struct flue_instance *i, uint32_t off)
{
	const uint8_t *m = ex_mem(i);
	return (uint32_t)m[off] | (uint32_t)m[off + 1] << 8 | (uint32_t)m[off + 2] << 16 |
	       (uint32_t)m[off + 3] << 24;
}

/* A boolean the tests set (the reference's RacyBool) and its ready fn. */
static inline bool ex_is_set(void *b) { return *(volatile bool *)b; }

/* Lift helpers. */
static inline void ex_lift(struct flue_func *f, struct flue_instance *inst,
			   const struct flue_functype *ft, uint8_t kind, flue_core_fn core,
			   flue_callback_fn cb)
{
	struct flue_lift_opts o = { .kind = kind, .core = core, .callback = cb,
				    .realloc = ex_realloc };
	FT_EQ(flue_lift(f, inst, ft, &o), 0);
}

#endif /* FLUE_EXEC_TEST_H */
