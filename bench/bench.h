/*
 * `make bench`: the executor's costs against in-run baselines, on the host
 * and on the Cortex-M3 under QEMU (docs/PERFORMANCE.md, "make bench").
 *
 * Only the public API (include/flue/, include/gale/) is used, so the
 * harness keeps working while the executor's internals change. Guests are
 * plain C functions calling the built-ins of flue/abi.h, lifted with
 * FLUE_LIFT_CALLBACK, as in tests/exec/.
 *
 * Every benchmark checks its own result (bytes arrived, counts, codes);
 * a wrong result makes the program exit non-zero instead of printing a
 * figure for a broken path.
 *
 * Units: bench_now() is nanoseconds on the host (CLOCK_MONOTONIC) and
 * executed instructions on QEMU (-icount shift=0: flue_board_instructions()).
 */
#ifndef FLUE_BENCH_H
#define FLUE_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/functype.h>
#include <flue/store.h>

/* Linear memory of each bench instance: a little room for payloads and
 * out pointers below BENCH_BUF, then one 64 KiB buffer. */
#define BENCH_BUF 1024u
#define BENCH_BULK_MAX 65536u
#define BENCH_MEM (BENCH_BUF + BENCH_BULK_MAX)

/* A benchmark: runs `n` iterations and stores the time they took (in
 * bench_now() units) in `*elapsed`. Returns 0, or -1 if its result was
 * wrong (bench_failures() > 0 then says why). */
typedef int (*bench_fn)(uint32_t arg, uint32_t n, uint64_t *elapsed);

struct bench {
	const char *key;  /* the row in bench/report.sh */
	bench_fn fn;
	uint32_t arg;     /* bytes per copy, set members, ... */
};

/* The portable benchmarks (bench_flue.c, bench_tasks.c, bench_queue.c), in
 * report order. */
extern const struct bench bench_common[];
extern const uint32_t bench_common_count;

/* ---------------------------------------------- provided by each platform */

/* The clock (see Units above). */
uint64_t bench_now(void);
/* One-element hand-off from outside the executor's thread: a driver
 * channel fed by another thread (host) or an interrupt handler (M3). */
int bench_handoff_channel(uint32_t arg, uint32_t n, uint64_t *elapsed);
/* Run `fn` as a driver would: from an interrupt handler (M3: a software-
 * pended external interrupt 30, run at once) or, on the host, called on
 * the executor's thread. The shared-ring rows (bench_ring.c) use it for
 * both of their driver -> guest variants. */
void bench_kick(void (*fn)(void));
/* The RTOS queue baseline with real stack switches: the one-slot gale msgq
 * between two port fibers (host) or two threads of bench_m3.c's own
 * context switch (M3). */
int bench_queue_switch(uint32_t arg, uint32_t n, uint64_t *elapsed);

/* ------------------------------------- the RTOS queue baseline (bench_queue.c) */

/* A one-element hand-off through a one-slot message queue whose put/get
 * decisions are Gale's gale_k_msgq_*_decide, between two cooperative
 * threads: the producer puts n stamped bytes, the consumer gets and checks
 * them. A thread that must block (PUT_PEND / GET_PEND) calls its hook,
 * which switches to the other thread; a put that finds the reader waiting
 * hands the byte over directly (WAKE_READER), as an RTOS does. The
 * platform runs the two bodies on two stacks. */
void bench_queue_init(uint32_t n, void (*to_consumer)(void), void (*to_producer)(void));
/* The producer's body: returns when the consumer has everything. */
void bench_queue_producer(void);
/* The consumer's body: returns after the n-th byte. */
void bench_queue_consumer(void);
/* After the run: both done, every byte arrived in order. */
void bench_queue_check(void);

/* ------------------------------------- guest helpers (bench_flue.c) */

/* Callback codes a guest's step returns. */
#define CB_EXIT 0u
#define CB_YIELD 1u
#define CB_WAIT 2u

extern const struct flue_functype bench_ft_unit; /* async () */
extern const struct flue_valtype bench_vt_u32;
extern const struct flue_functype bench_ft_u32;  /* async () -> u32 */
/* Lift `core`/`cb` callback-lifted as `f` of `inst`; 0 or the error (checked). */
int bench_lift(struct flue_func *f, struct flue_instance *inst, const struct flue_functype *ft,
	       flue_core_fn core, flue_callback_fn cb);
/* flue_invoke `f` with no arguments; its resolution is counted. */
int bench_invoke(struct flue_func *f);
/* The count of resolved invocations, and its reset. */
uint32_t bench_resolved(void);
void bench_resolved_reset(void);
/* 0, or -1 if a check of this benchmark failed. */
int bench_verdict(void);
/* A callback that must never run (checked). */
uint32_t bench_no_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
		     uint32_t p2);

/* ------------------------------ waitable sets and tasks (bench_tasks.c) */

int bench_wait(uint32_t members, uint32_t n, uint64_t *elapsed);
int bench_poll(uint32_t members, uint32_t n, uint64_t *elapsed);
int bench_spawn(uint32_t arg, uint32_t n, uint64_t *elapsed);
int bench_round_trip(uint32_t arg, uint32_t n, uint64_t *elapsed);

/* ------------------------------ shared rings against streams (bench_ring.c) */

/* Per op `len` u32 guest a -> guest b: a stream (write + read), a ring
 * (claim + finish on each side; placed storage of 2 * len elements, or of
 * arg >> 16 elements if set). */
int bench_stream4_gg(uint32_t len, uint32_t n, uint64_t *elapsed);
int bench_ring_gg(uint32_t len, uint32_t n, uint64_t *elapsed);
/* One u32 per iteration from bench_kick()'s handler to a guest reader: a
 * driver channel (flue_channel_send), a ring (put_claim + put_commit). */
int bench_chan4(uint32_t arg, uint32_t n, uint64_t *elapsed);
int bench_ring_drv(uint32_t arg, uint32_t n, uint64_t *elapsed);

/* -------------------------------------------------- fixture (bench_fixture.c) */

struct bench_fixture {
	struct flue_store store;
	struct flue_instance *a, *b, *host;
	flue_type_t u8, u32, unit; /* u32 and unit: the shared-ring rows (bench_ring.c) */
	uint32_t ntraps;
	enum flue_trap_reason trap;
};
extern struct bench_fixture bf;

/* A fresh store with guest instances a and b (each with BENCH_MEM bytes of
 * linear memory), a host instance and the u8 element type. */
int bench_fixture_setup(void);
uint8_t *bench_mem(const struct flue_instance *inst);
/* The host instance's arena (BENCH_MEM bytes). */
uint8_t *bench_host_arena(void);

/* A failed check: the first is kept and printed by bench_report_failure(). */
void bench_fail(const char *file, int line, const char *what, uint64_t a, uint64_t b);
uint32_t bench_failures(void);
void bench_failures_reset(void);
void bench_report_failure(const char *key);
#define BCHECK_EQ(a, b)                                                             \
	do {                                                                        \
		uint64_t bc_a_ = (uint64_t)(a), bc_b_ = (uint64_t)(b);              \
		if (bc_a_ != bc_b_)                                                 \
			bench_fail(__FILE__, __LINE__, #a " == " #b, bc_a_, bc_b_); \
	} while (0)
#define BCHECK(c) BCHECK_EQ(!!(c), 1)

/* Reader guest shared by the hand-off benchmarks: instance b reads `len`
 * elements at a time from stream end `end` until it sees DROPPED, checks
 * every element's stamp, and counts elements (bench_flue.c). */
struct bench_reader {
	uint32_t end, set, len, got, ops;
	bool done;
};
extern struct bench_reader bench_rd;
int bench_reader_start(uint32_t end, uint32_t len);
/* After the run: the reader finished and saw exactly `n` elements. */
void bench_reader_check(uint32_t n);
/* Invocations resolved since the last bench_reader_start() / setup. */
uint32_t bench_resolved(void);

/* The stamp of element i (what writers put, what readers check). */
static inline uint8_t bench_stamp(uint32_t i) { return (uint8_t)(i * 7u + 1u); }

#endif /* FLUE_BENCH_H */
