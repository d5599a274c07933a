/*
 * Internal interface of the task fuzzer (see fuzz_tasks.c for what it does
 * and checks). Three files share it:
 *   fuzz_tasks.c        harness state, set-up, top-level operations, the
 *                       checks, the final wind-down, the checker's
 *                       self-test, the entry points;
 *   fuzz_tasks_host.c   the outside world: host functions, host ends, the
 *                       idle hook;
 *   fuzz_tasks_guest.c  the guest code: an interpreter behind every core
 *                       function and callback, and the wind-down cleanup.
 */
#ifndef FLUE_TEST_FUZZ_TASKS_H
#define FLUE_TEST_FUZZ_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/abi.h>
#include <flue/exec.h>
#include <flue/functype.h>
#include <flue/host.h>
#include <flue/store.h>
#include <flue/task_decide.h>

#define NG 3            /* guest instances */
#define NEX 3           /* exports per guest instance */
#define NHF 2           /* host functions */
#define NCALLEE (NG * NEX + NHF)
#define GMEM 4096u      /* guest linear memory */
#define HARENA 1024u    /* host arena */
#define MAX_INV 16      /* invocations alive at once (<= the task pool) */
#define MAX_HCALL FLUE_CONFIG_MAX_TASKS
#define GUEST_DEPTH 10  /* guest threads active on the stack, at most */
#define GUEST_OPS 6     /* built-ins per guest step, at most */

/* Guest memory map: wait/poll payloads, async out pointers, stream buffers. */
#define PAYLOAD_BASE 0u
#define OUT_BASE 256u
#define BUF_BASE 1024u

struct export_desc {
	int g, e;                       /* instance, export */
	const struct flue_functype *ft;
};

struct invocation {
	bool live;          /* not resolved yet */
	bool cancel_req;
	flue_call_t call;
	int g, e;
	uint32_t arg;
	uint32_t end;       /* a host readable end passed as argument, 0 = none */
	bool started;       /* on_start ran */
};

struct hcall {
	bool live;
	bool cancel_req;    /* the host function's cancel callback ran */
	bool posted;        /* answered with flue_host_post_return, not applied yet */
	flue_call_t call;
	uint32_t arg;
};

struct tz {
	struct flue_store store;
	struct flue_instance *g[NG], *host;
	uint8_t *mem_data[NG];
	uint64_t mem_size[NG];
	flue_type_t u8;
	struct flue_func ex[NG][NEX];
	struct export_desc desc[NG][NEX];
	struct flue_func hf[NHF];
	struct flue_lowered low[NG][NCALLEE][2]; /* [caller][callee][async] */
	/* input */
	const uint8_t *d;
	size_t n, pos;
	bool winding_down;  /* the input is consumed: guests finish */
	/* the outside world */
	struct invocation inv[MAX_INV];
	struct hcall hc[MAX_HCALL];
	uint32_t idles;     /* idle-hook calls during the current top-level op */
	/* traps */
	uint32_t ntraps;
	bool trapped[FLUE_CONFIG_MAX_INSTANCES];
	uint32_t step;
	bool cleanup_nomem; /* a wind-down cleanup call found no free task */
};

extern struct tz tz;
extern uint8_t tz_mem[NG][GMEM];
extern uint8_t tz_arena[HARENA];

__attribute__((format(printf, 1, 2))) void tz_trace(const char *fmt, ...);
__attribute__((format(printf, 3, 4), noreturn)) void tz_die(const char *file, int line,
							    const char *fmt, ...);
#define TZ_DIE(...) tz_die(__FILE__, __LINE__, __VA_ARGS__)
#define TZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			TZ_DIE("%s", #cond); \
	} while (0)

/* Next input byte (0 once consumed), little-endian u32 from 1..4 bytes. */
uint8_t tz_u8(void);
bool tz_more(void);

/* Structural invariants inside guest code / between top-level ops. */
void tz_check_inner(const char *where);

/* The task currently running guest code of instance g. */
struct flue_task *tz_current(int g);

/* Function types (fuzz_tasks.c). */
extern const struct flue_functype ft_a, ft_b, ft_as, ft_ar;
extern struct flue_valtype vt_u32, vt_str;

/* Guest code (fuzz_tasks_guest.c). */
void tz_core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t nargs,
	     flue_flat_t *results);
uint32_t tz_callback(void *user, struct flue_instance *inst, uint32_t event, uint32_t p1,
		     uint32_t p2);

/* The outside world (fuzz_tasks_host.c). */
void tz_hf_start(void *user, flue_call_t call, const struct flue_values *args);
void tz_hf_cancel(void *user, flue_call_t call);
/* Answer pending host call h: directly (top level) or posted (idle hook);
 * `cancel`: with flue_host_cancelled() if a cancellation was requested. */
void tz_answer(struct hcall *h, bool direct, bool cancel);
bool tz_host_end(uint32_t e);  /* a stream end in the host's table */
bool tz_host_busy(uint32_t e); /* ... with an op in progress */
/* One op on a host end; true if it changed something. */
bool tz_host_end_op(uint8_t op, uint8_t b);
/* The host gives up: answers every call, drops every end it can. */
bool tz_wind_down_host(bool direct);

/* Statistics printed at exit. */
struct tz_stats {
	uint64_t inputs, ops, guest_ops, traps, ticks, idles, invokes, host_calls;
	uint64_t leaked_tasks, leak_inputs, leak_after_cancel, leak_orphan, leak_pool_full;
	uint64_t trap_reason[FLUE_TRAP_REASON_COUNT];
};
extern struct tz_stats tz_stats;

#endif /* FLUE_TEST_FUZZ_TASKS_H */
