/*
 * Internal interface of the task fuzzer (see fuzz_tasks.c for what it does
 * and checks). Three files share it:
 *   fuzz_tasks.c        harness state, set-up, top-level operations, the
 *                       checks, the final wind-down, the checker's
 *                       self-test, the entry points;
 *   fuzz_tasks_host.c   the outside world: host functions, host ends, the
 *                       idle hook;
 *   fuzz_tasks_guest.c  the guest code: an interpreter behind every core
 *                       function and callback, and the wind-down cleanup;
 *   fuzz_tasks_ext.c    what other threads do (posted invocations,
 *                       cancellations and host returns, driver channels,
 *                       flue_invoke_blocking through a wrapped semaphore),
 *                       the realloc export, stale call ids.
 */
#ifndef FLUE_TEST_FUZZ_TASKS_H
#define FLUE_TEST_FUZZ_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/abi.h>
#include <flue/channel.h>
#include <flue/exec.h>
#include <flue/functype.h>
#include <flue/host.h>
#include <flue/store.h>
#include <flue/task_decide.h>

#define NG 3            /* guest instances */
#define NEX 3           /* exports per guest instance */
#define NHF 3           /* host functions (h2's result carries a stream end) */
#define NCALLEE (NG * NEX + NHF)
#define GMEM 4096u      /* guest linear memory */
#define HARENA 1024u    /* host arena */
#define MAX_INV 16      /* invocations alive at once (<= the task pool) */
#define MAX_HCALL FLUE_CONFIG_MAX_TASKS
#define NDEAD 32        /* call ids of resolved calls kept (stale-id checks) */
#define NCH 2           /* driver channels: 0 host -> guest, 1 guest -> host */
#define NBIG 17         /* params of the realloc export (> 16 flat: memory) */
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
	bool posted;        /* flue_invoke_post: `call` is 0 until its task is found */
	bool cancel_posted; /* flue_invoke_cancel_post was accepted for it */
	uint32_t ticket;
	flue_call_t call;
	struct flue_func *f;
	const struct flue_functype *ft;
	int g, e;           /* e == NEX: the realloc export */
	uint32_t arg;
	uint32_t end;       /* a host readable end passed as argument, 0 = none */
	bool started;       /* on_start ran */
};

struct hcall {
	bool live;
	bool cancel_req;    /* the host function's cancel callback ran */
	bool posted;        /* answered with flue_host_post_return, not applied yet */
	bool ends;          /* h2: the result carries a stream end (posts refused) */
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
	flue_call_t dead[NDEAD]; /* ids of resolved calls: every use is EBADF */
	uint32_t ndead;
	flue_call_t h0_wait;     /* an h0 call waiting in flue_wait_until, 0 = none */
	uint32_t h0_polls;
	/* The n of the copy each end last started, which bounds its progress
	 * (flue keeps an op's length only while it is parked): host ends,
	 * and guests' ends by instance id. */
	uint32_t host_op_len[FLUE_CONFIG_MAX_HANDLES];
	uint32_t guest_op_len[FLUE_CONFIG_MAX_INSTANCES][FLUE_CONFIG_MAX_HANDLES];
	struct flue_channel ch[NCH];
	uint8_t ch_buf[NCH][8];
	struct flue_func big, unlifted;
	uint32_t blocking;       /* flue_invoke_blocking calls in progress */
	uint32_t idles;     /* idle-hook calls during the current top-level op */
	/* traps */
	uint32_t ntraps;
	bool trapped[FLUE_CONFIG_MAX_INSTANCES];
	uint32_t step;
	bool cleanup_nomem; /* a wind-down cleanup call found no free task */
	bool answer_nomem;  /* a host call with ends could not be answered: no
			       stream could be made (shared pool or host table full) */
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
/* Every invariant between top-level ops, and that the host's view of its
 * invocations and host calls is the store's. */
void tz_check_quiescent(const char *where);

/* A fresh store with the three guests and the host (fuzz_tasks.c), and
 * one top-level op decoded from the input. */
void tz_setup(void);
void tz_top_op(void);

/* fuzz_tasks_selftest.c: the checker must catch known corruptions (run
 * before the first input); the statistics printed at exit. */
void tz_checker_selftest(void);
void tz_report(void);

/* The task currently running guest code of instance g. */
struct flue_task *tz_current(int g);

/* Function types (fuzz_tasks.c). */
extern const struct flue_functype ft_a, ft_b, ft_as, ft_ar, ft_big;
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
bool tz_answer(struct hcall *h, bool direct, bool cancel);
bool tz_host_end(uint32_t e);  /* a stream end in the host's table */
bool tz_host_busy(uint32_t e); /* ... with an op in progress */
/* One op on a host end; true if it changed something. */
bool tz_host_end_op(uint8_t op, uint8_t b);
/* The host gives up: answers every call, drops every end it can. */
bool tz_wind_down_host(bool direct);

/* Invocations (fuzz_tasks.c). */
void tz_on_start(void *user, struct flue_values *args);
void tz_on_resolve(void *user, const struct flue_values *results);
struct invocation *tz_free_inv(void);
struct invocation *tz_invoke(int g, int e, uint32_t arg); /* e == NEX: realloc export */
enum flue_tick_result tz_tick(void);
/* A resolved call's id: kept for stale-id checks. */
void tz_dead(flue_call_t c);
/* Is host call c still waiting for its result (record of its generation)? */
bool tz_call_pending(flue_call_t c);

/* Other threads, channels, realloc export, stale ids (fuzz_tasks_ext.c). */
void tz_ext_setup(void);
void tz_op_post_invoke(uint8_t a, uint8_t b);
void tz_op_cancel_post(uint8_t a, uint8_t b);
void tz_op_post_return(uint8_t a, uint8_t b);
bool tz_op_channel(uint8_t a, uint8_t b);
void tz_op_big(uint8_t a, uint8_t b);
void tz_op_blocking(uint8_t a, uint8_t b);
void tz_op_stale(uint8_t a, uint8_t b);
/* The host closes its channels; true if it changed something. */
bool tz_close_channels(void);
bool tz_channels_linked(void);
/* Posts of h1 calls that were applied: those calls are no longer pending. */
void tz_hcalls_refresh(void);
/* Checks after the wind-down: every invocation resolved, nothing posted. */
void tz_ext_final(void);

/* Statistics printed at exit. */
struct tz_stats {
	uint64_t inputs, ops, guest_ops, traps, ticks, idles, invokes, host_calls;
	uint64_t posted_invokes, cancel_posts, post_returns, channel_ops, big_calls, reallocs;
	uint64_t blocking_calls, stale_checks, waits;
	uint64_t leaked_tasks, leak_inputs, leak_after_cancel, leak_orphan, leak_pool_full;
	uint64_t trap_reason[FLUE_TRAP_REASON_COUNT];
};
extern struct tz_stats tz_stats;

#endif /* FLUE_TEST_FUZZ_TASKS_H */
