/*
 * libFuzzer target for the executor (flue/exec.h): the input is a sequence
 * of top-level operations and, interleaved with them on the same cursor,
 * the decisions of the guest code they run.
 *
 * Store: three guest instances g0..g2 (4 KiB of memory each; g1's parent
 * is g0) and one host instance; one element type (u8). Each guest lifts
 *   export 0  callback-lifted, async-typed:  g0 (u32) -> u32,
 *             g1 (u32, stream<u8>) -> u32,   g2 (u32) -> stream<u8>
 *   export 1  sync-lifted, async-typed (takes the lock): g0, g1 (u32) -> u32,
 *             g2 (u32, stream<u8>) -> u32
 *   export 2  sync-lifted, not async-typed (barges in): (u32) -> u32
 * and three host functions: (u32) -> u32 h0 returns inside its start
 * (after a flue_wait_until on its fiber when its argument is 7 mod 8), h1
 * stays pending until the outside world answers; (u32) -> stream<u8> h2
 * stays pending too, and its result carries an end (so it cannot be
 * posted). g1 also lifts a sync export with 17 u32 params (> 16 flat:
 * they go through memory its realloc allocates, with a post-return).
 * Every guest has every callee (9 exports, itself included, + 3 host
 * functions) lowered both
 * async and sync. FLUE_LIFT_STACKFUL is not used (its fibers are
 * pthreads); host-function starts do run on a fiber, a pthread of the
 * POSIX port's pool per call (a baton hand-off costs microseconds), so
 * guests call them only 1/16 of the time.
 *
 * Top-level operations (opcode mod 16): 0, 1 invoke an export (flue_invoke;
 * a stream argument is a host stream made in on_start) | 2 flue_tick |
 * 3 1..16 ticks | 4 cancel an invocation (flue_invoke_cancel) | 5 answer a
 * pending host call (flue_host_return, or flue_host_cancelled after a
 * cancellation request; h2 with a fresh stream end, after refused answers)
 * | 6 an op on a host end (write, read, poll, cancel, drop) | 7 tick until
 * nothing runs (at most 64). What another thread does between steps
 * (fuzz_tasks_ext.c): 8 flue_invoke_post (or a refused one) | 9
 * flue_invoke_cancel_post (a posted invocation's ticket, ticket 0, one
 * never handed out) | 10 flue_host_post_return (good, duplicate: EBUSY,
 * wrong count, a call with ends, a stale or free id, an invocation's id;
 * or a direct return while a post is pending) | 11 a driver channel
 * (attach, send, receive, close, pump, refused uses) | 12 call the realloc
 * export | 13 flue_invoke_blocking (its semaphore is wrapped: the harness
 * ticks while the "host thread" waits; a call that cannot finish is
 * cancelled, then its instance destroyed) | 14 every API taking a call id
 * with a resolved call's id (all EBADF), and a host future round trip |
 * 15 flue_run or flue_run_until_idle (else as 7). Opcodes 0..7 mean what
 * they meant before, so the older seeds still decode as written.
 *
 * Guest code (fuzz_tasks_guest.c) runs up to 6 built-ins per step on its
 * own instance (async/sync lowered calls, subtask.cancel/drop, task.return
 * and task.cancel, backpressure, waitable sets, join, poll, wait,
 * thread.yield, context.get/set, streams), then returns a callback code
 * (EXIT, YIELD, WAIT on a set, sometimes an invalid one) or a sync result.
 * A trap is a valid outcome: the executor unwinds it (counted by reason).
 *
 * The outside world: when the executor would sleep in flue_port_idle()
 * (a guest blocks on something only the host can make ready), this
 * harness is the host thread: the link wraps flue_port_idle
 * (-Wl,--wrap=flue_port_idle) and the wrapper acts as the host would: it
 * answers a pending host call with flue_host_post_return, operates a host
 * end, sends on or receives from a channel, or winds down (answers all
 * calls, closes the channels, drops all host ends). Every idle therefore
 * makes progress (closed channels keep no loop waiting); a wrapper with
 * nothing left to do is a failure. A host call whose result carries ends cannot be posted; the
 * wrapper answers it directly when it acts, but a sleep that only such a
 * call could end is a failure (the defect of tests/exec/test_fuzz_found.c).
 *
 * Checks: the structural, task and executor invariants (invariants.h:
 * generations, post slots and the posted counter) after every guest
 * built-in, and the quiescent ones after every top-level op; each
 * invocation resolved exactly once, with a value of its type; pending
 * invocations and host calls are exactly the tasks the store keeps for
 * them; results of built-ins within their documented ranges; context.get
 * returns what context.set stored in that task; a trapped instance is
 * poisoned and never the host. After the input: guests finish (see the
 * guest file), and rounds of drain (flue_tick until DONE or DEADLOCK,
 * at most 1000 ticks in all: progress is bounded), cancellation of every
 * pending invocation, host wind-down, destruction of trapped instances and
 * a cleanup call into every other guest must leave no task, except the
 * ones that nothing but a teardown can release (counted and reported at
 * exit: a callback loop waiting on a set nothing will fill whose caller
 * already requested cancellation, or whose caller trapped; or any task
 * when the pool was too full for the cleanup call to start); then every
 * instance is destroyed (which resolves its tasks) and neither a task nor
 * a shared object may remain; every invocation (posted and blocking ones
 * too) has resolved, no post of any kind is left, and every call id handed
 * out is refused (EBADF) by every function that takes one.
 *
 * At start-up the task invariants are shown to catch 17 corruptions of a
 * known state (checker_selftest), so that they cannot pass vacuously.
 *
 * Set FLUE_FUZZ_TRACE=1 to print the decoded operations of an input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flue/errno.h>

#include "fuzz_tasks.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct tz tz;
struct tz_stats tz_stats;
uint8_t tz_mem[NG][GMEM] __attribute__((aligned(8)));
uint8_t tz_arena[HARENA] __attribute__((aligned(8)));
static bool tracing;

/* The element type u8 is the first one registered: id 1. */
#define U8 1u
struct flue_valtype vt_u32 = { .kind = FLUE_VAL_U32 };
struct flue_valtype vt_str = { .kind = FLUE_VAL_STREAM, .elem = U8 };
static const struct flue_valtype p_as[2] = { { .kind = FLUE_VAL_U32 },
					     { .kind = FLUE_VAL_STREAM, .elem = U8 } };
const struct flue_functype ft_a = { .async = true, .nparams = 1,
	.params = &vt_u32, .result = &vt_u32 };
const struct flue_functype ft_b = { .async = false, .nparams = 1,
	.params = &vt_u32, .result = &vt_u32 };
const struct flue_functype ft_as = { .async = true, .nparams = 2,
	.params = p_as, .result = &vt_u32 };
const struct flue_functype ft_ar = { .async = true, .nparams = 1,
	.params = &vt_u32, .result = &vt_str };
#define U32V { .kind = FLUE_VAL_U32 }
static const struct flue_valtype p_big[NBIG] = {
	U32V, U32V, U32V, U32V, U32V, U32V, U32V, U32V, U32V,
	U32V, U32V, U32V, U32V, U32V, U32V, U32V, U32V,
};
#undef U32V
/* 17 flat params: they go through memory, allocated by the callee's realloc. */
const struct flue_functype ft_big = { .async = false, .nparams = NBIG,
	.params = p_big, .result = &vt_u32 };

static const struct flue_functype *const ex_type[NG][NEX] = {
	{ &ft_a, &ft_a, &ft_b },
	{ &ft_as, &ft_a, &ft_b },
	{ &ft_ar, &ft_as, &ft_b },
};

void tz_trace(const char *fmt, ...)
{
	if (!tracing)
		return;
	va_list ap;
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void tz_die(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\nfuzz_tasks: check failed (%s:%d, step %u): ", file, line, tz.step);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

uint8_t tz_u8(void)
{
	return tz.pos < tz.n ? tz.d[tz.pos++] : 0u;
}

bool tz_more(void)
{
	return tz.pos < tz.n;
}

void tz_check_inner(const char *where)
{
	char msg[256];
	if (!flue_invariants_check(&tz.store, msg, sizeof msg))
		TZ_DIE("invariant violated %s: %s", where, msg);
}

/* -------------------------------------------------------------- traps */

static void on_trap(void *ctx, struct flue_instance *inst, enum flue_trap_reason r)
{
	(void)ctx;
	TZ_CHECK(r > FLUE_TRAP_NONE && r < FLUE_TRAP_REASON_COUNT);
	TZ_CHECK(inst != tz.host && inst->live && inst->poisoned);
	TZ_CHECK(r != FLUE_TRAP_POISONED || tz.trapped[inst->id]);
	tz_trace("    trap: g%u %s\n", inst->id, flue_trap_message(r));
	tz.trapped[inst->id] = true;
	tz.ntraps++;
	tz_stats.traps++;
	tz_stats.trap_reason[r]++;
}

/* -------------------------------------------------------- invocations */

void tz_on_start(void *user, struct flue_values *args)
{
	struct invocation *iv = user;
	const struct flue_functype *ft = iv->ft;
	TZ_CHECK(iv->live && !iv->started);
	TZ_CHECK(args->n == ft->nparams);
	iv->started = true;
	args->v[0] = iv->arg;
	for (uint32_t i = 1; ft == &ft_big && i < NBIG; i++)
		args->v[i] = iv->arg + i;
	if (ft == &ft_big && (iv->arg & 0xF0u) == 0xF0u)
		args->n = NBIG - 1u; /* the host's mistake: resolves without a value */
	if (ft->nparams == 2u) {
		uint32_t r = 0, w = 0;
		if (flue_host_stream_new(tz.host, tz.u8, &r, &w) != FLUE_OK) {
			/* Pool or table full: the host lets go of its idle ends. */
			for (uint32_t e = 1; e < tz.host->len; e++)
				if (tz_host_end(e) && !tz_host_busy(e))
					(void)flue_host_drop(tz.host, e);
			if (flue_host_stream_new(tz.host, tz.u8, &r, &w) != FLUE_OK)
				r = 0; /* still none to give: the callee traps */
		}
		args->v[1] = r;
	}
}

void tz_on_resolve(void *user, const struct flue_values *results)
{
	struct invocation *iv = user;
	const struct flue_functype *ft = iv->ft;
	TZ_CHECK(iv->live);
	iv->live = false;
	if (iv->call != 0u)
		tz_dead(iv->call);
	tz_trace("  invocation of g%d/e%d resolved (%s)\n", iv->g, iv->e,
		 results != NULL ? "value" : "none");
	if (results == NULL)
		return;
	TZ_CHECK(iv->started && results->n == 1u);
	if (ft == &ft_big)
		TZ_CHECK(results->v[0] == (uint32_t)(iv->arg * 3u));
	if (ft->result->kind == FLUE_VAL_STREAM) {
		uint32_t e = (uint32_t)results->v[0];
		TZ_CHECK(e == 0u || (e < tz.host->len &&
				     tz.host->handles[e].kind == FLUE_H_STREAM_READABLE));
	}
}

struct invocation *tz_free_inv(void)
{
	for (int i = 0; i < MAX_INV; i++)
		if (!tz.inv[i].live)
			return &tz.inv[i];
	return NULL;
}

void tz_dead(flue_call_t c)
{
	tz.dead[tz.ndead++ % NDEAD] = c;
}

bool tz_call_pending(flue_call_t c)
{
	const struct flue_task *t = &tz.store.tasks[flue_call_slot(c) % FLUE_CONFIG_MAX_TASKS];
	return t->used && t->gen == flue_call_gen(c) && t->cond == FLUE_COND_HOST;
}

struct invocation *tz_invoke(int g, int e, uint32_t arg)
{
	struct invocation *iv = tz_free_inv();
	if (iv == NULL || !tz.g[g]->live)
		return NULL;
	struct flue_func *f = e == NEX ? &tz.big : &tz.ex[g][e];
	*iv = (struct invocation){ .live = true, .g = g, .e = e, .arg = arg, .f = f,
				   .ft = e == NEX ? &ft_big : ex_type[g][e] };
	tz_trace("  invoke g%d/e%d (%u)\n", g, e, arg);
	tz_stats.invokes++;
	int rc = flue_invoke(f, tz.host, tz_on_start, tz_on_resolve, iv, &iv->call);
	if (rc == FLUE_ENOMEM) {
		iv->live = false;
		return NULL;
	}
	TZ_CHECK(rc == FLUE_OK);
	return iv;
}

/* --------------------------------------------------------- top level */

enum flue_tick_result tz_tick(void)
{
	tz_stats.ticks++;
	enum flue_tick_result r = flue_tick(&tz.store);
	tz_trace("  tick -> %d\n", (int)r);
	return r;
}

/* A posted invocation that started: its task (the one not resolved yet
 * whose user it is); if there is none, it must still be queued. */
static bool find_posted(struct invocation *iv)
{
	const struct flue_store *s = &tz.store;
	for (uint16_t id = 0; id < FLUE_CONFIG_MAX_TASKS; id++) {
		const struct flue_task *t = &s->tasks[id];
		if (t->used && t->origin == FLUE_ORIGIN_INVOKE && t->user == iv && !t->caller_done) {
			iv->call = flue_call_make(id, t->gen);
			return true;
		}
	}
	for (uint32_t j = 0; j < s->sched.inv_count; j++)
		if (s->sched.inv[(s->sched.inv_head + j) % FLUE_CONFIG_MAX_TASKS].user == iv)
			return false;
	TZ_DIE("posted invocation of g%d/e%d neither queued nor started nor resolved", iv->g,
	       iv->e);
}

void tz_check_quiescent(const char *where)
{
	char msg[256];
	struct flue_store *s = &tz.store;
	if (!flue_invariants_check_quiescent(s, msg, sizeof msg))
		TZ_DIE("invariant violated %s: %s", where, msg);
	/* Pending invocations and host calls are exactly what the store keeps. */
	uint32_t ninv = 0, nhc = 0;
	tz_hcalls_refresh();
	for (int i = 0; i < MAX_INV; i++) {
		struct invocation *iv = &tz.inv[i];
		if (!iv->live)
			continue;
		if (iv->posted && iv->call == 0u && !find_posted(iv))
			continue; /* still queued */
		ninv++;
		const struct flue_task *t = &s->tasks[flue_call_slot(iv->call)];
		if (!t->used || t->origin != FLUE_ORIGIN_INVOKE || t->caller_done ||
		    t->func != iv->f || t->user != iv || t->gen != flue_call_gen(iv->call))
			TZ_DIE("invocation of g%d/e%d (task %u) lost", iv->g, iv->e, iv->call);
	}
	for (int i = 0; i < MAX_HCALL; i++) {
		const struct hcall *h = &tz.hc[i];
		if (!h->live)
			continue;
		nhc++;
		const struct flue_task *t = &s->tasks[flue_call_slot(h->call)];
		if (!tz_call_pending(h->call) || t->func != &tz.hf[h->ends ? 2 : 1])
			TZ_DIE("pending host call %u lost", h->call);
	}
	for (uint32_t id = 0; id < FLUE_CONFIG_MAX_TASKS; id++) {
		const struct flue_task *t = &s->tasks[id];
		if (t->used && t->origin == FLUE_ORIGIN_INVOKE && !t->caller_done)
			ninv--;
		if (t->used && t->cond == FLUE_COND_HOST)
			nhc--;
	}
	if (ninv != 0u || nhc != 0u)
		TZ_DIE("the store keeps invocations/host calls the host does not know of");
	for (int k = 0; k < NG; k++)
		TZ_CHECK(!tz.g[k]->live || tz.g[k]->poisoned == tz.trapped[k]);
}

/* flue_run, or flue_run_until_idle (its idle sleeps are the idle hook:
 * not while a channel is attached, for which it could sleep for good). */
static void run_all(bool until_idle)
{
	int rc;
	if (until_idle && !tz_channels_linked())
		rc = flue_run_until_idle(&tz.store);
	else
		rc = flue_run(&tz.store);
	tz_trace("  run%s -> %d\n", until_idle ? "_until_idle" : "", rc);
	TZ_CHECK(rc == FLUE_OK || rc == FLUE_EAGAIN || rc == FLUE_EDEADLK);
}

static void cancel_invocation(struct invocation *iv)
{
	if (!iv->live || (iv->posted && iv->call == 0u))
		return; /* resolved, or not started yet: no call id */
	int rc = flue_invoke_cancel(&tz.store, iv->call);
	tz_trace("  cancel invocation of g%d/e%d -> %d\n", iv->g, iv->e, rc);
	if (iv->cancel_posted) /* maybe applied already */
		TZ_CHECK(rc == FLUE_OK || rc == FLUE_EBADF);
	else
		TZ_CHECK(rc == (iv->cancel_req ? FLUE_EBADF : FLUE_OK));
	iv->cancel_req = true;
}

void tz_top_op(void)
{
	uint8_t op = tz_u8(), a = tz_u8();
	tz.idles = 0;
	tz_stats.ops++;
	tz_trace("[%u] op %u a %u\n", tz.step, op % 16u, a);
	switch (op % 16u) {
	case 0:
	case 1: {
		int g = a % NG;
		for (int k = 0; k < NG && (a & 0xE0u) != 0u && tz.g[g]->poisoned; k++)
			g = (g + 1) % NG; /* mostly steer clear of trapped instances */
		(void)tz_invoke(g, (a / NG) % NEX, tz_u8());
		break;
	}
	case 2:
		(void)tz_tick();
		break;
	case 3:
		for (uint32_t i = 0; i <= a % 16u; i++)
			(void)tz_tick();
		break;
	case 4:
		cancel_invocation(&tz.inv[a % MAX_INV]);
		break;
	case 5: {
		struct hcall *h = &tz.hc[a % MAX_HCALL];
		if (h->live)
			tz_answer(h, true, (tz_u8() & 1u) != 0u);
		break;
	}
	case 6:
		(void)tz_host_end_op(a, tz_u8());
		break;
	case 8: tz_op_post_invoke(a, tz_u8()); break;
	case 9: tz_op_cancel_post(a, tz_u8()); break;
	case 10: tz_op_post_return(a, tz_u8()); break;
	case 11: (void)tz_op_channel(a, tz_u8()); break;
	case 12: tz_op_big(a, tz_u8()); break;
	case 13: tz_op_blocking(a, tz_u8()); break;
	case 14: tz_op_stale(a, tz_u8()); break;
	case 15:
		if (a % 4u < 2u) {
			run_all(a % 4u == 1u);
			break;
		}
		/* fall through */
	default:
		for (int i = 0; i < 64 && tz_tick() == FLUE_TICK_RAN; i++)
			;
		break;
	}
}

/* ----------------------------------------------------------- set-up */

void tz_setup(void)
{
	struct flue_store *s = &tz.store;
	memset(&tz, 0, sizeof tz);
	memset(tz_mem, 0, sizeof tz_mem);
	flue_store_init(s, NULL, NULL);
	flue_exec_init(s);
	/* Per-task stacks are pthreads here (costly under ASan): only toggled,
	 * before any task exists, as the contract asks. */
	int rc = flue_exec_set_stack_per_task(s, true);
	TZ_CHECK(rc == FLUE_OK || rc == FLUE_ENOTSUP);
	TZ_CHECK(flue_exec_set_stack_per_task(s, false) == FLUE_OK);
	flue_exec_on_trap(s, on_trap, NULL);
	struct flue_type_desc d = { .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 };
	TZ_CHECK(flue_type_register(s, &d, &tz.u8) == FLUE_OK && tz.u8 == U8);
	for (int k = 0; k < NG; k++) {
		TZ_CHECK(flue_instance_create(s, &tz.g[k]) == FLUE_OK);
		tz.mem_data[k] = tz_mem[k];
		tz.mem_size[k] = GMEM;
		flue_instance_set_memory(tz.g[k], &tz.mem_data[k], &tz.mem_size[k]);
	}
	TZ_CHECK(flue_host_create(s, tz_arena, HARENA, &tz.host) == FLUE_OK);
	for (int k = 0; k < NG; k++) {
		for (int e = 0; e < NEX; e++) {
			tz.desc[k][e] = (struct export_desc){ k, e, ex_type[k][e] };
			struct flue_lift_opts o = {
				.kind = e == 0 ? FLUE_LIFT_CALLBACK : FLUE_LIFT_SYNC,
				.core = tz_core, .callback = e == 0 ? tz_callback : NULL,
				.user = &tz.desc[k][e],
			};
			TZ_CHECK(flue_lift(&tz.ex[k][e], tz.g[k], ex_type[k][e], &o) == FLUE_OK);
		}
	}
	for (int h = 0; h < NHF; h++)
		TZ_CHECK(flue_host_func(&tz.hf[h], tz.host, h == 2 ? &ft_ar : &ft_a, tz_hf_start,
					tz_hf_cancel, &tz.hf[h]) == FLUE_OK);
	tz_ext_setup();
	for (int c = 0; c < NG; c++) {
		for (int i = 0; i < NCALLEE; i++) {
			struct flue_func *f = i < NG * NEX ? &tz.ex[i / NEX][i % NEX]
							   : &tz.hf[i - NG * NEX];
			for (int a = 0; a < 2; a++)
				TZ_CHECK(flue_lower(&tz.low[c][i][a], f, tz.g[c], a != 0) == FLUE_OK);
		}
	}
}

/* ------------------------------------------------------------ wind-down */

static uint32_t used_tasks(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		n += tz.store.tasks[i].used;
	return n;
}

/* Tick until nothing can run; the host gives up whenever it is waited for. */
static void drain(uint32_t *budget)
{
	for (;;) {
		enum flue_tick_result r = tz_tick();
		if (r == FLUE_TICK_DONE || r == FLUE_TICK_DEADLOCK)
			break;
		if (r == FLUE_TICK_IDLE && !tz_wind_down_host(true)) {
			/* A closed channel whose guest end is still held keeps the
			 * executor hoping; the next round's cleanup drops it. So
			 * does a host call with ends that the host could not answer
			 * for want of a stream; the guests' cleanup may free one. */
			if (tz_channels_linked() || tz.answer_nomem)
				break;
			TZ_DIE("tick IDLE, and the host has nothing left to do");
		}
		if (r == FLUE_TICK_RAN && --*budget == 0u)
			TZ_DIE("no end after 1000 ticks with the input consumed (progress bound)");
		tz_check_quiescent("while draining");
	}
	tz_check_quiescent("after draining");
}

/* What can never be released: count it (reported at exit), fail on the rest. */
static void classify_leaks(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		const struct flue_task *t = &tz.store.tasks[i];
		if (!t->used)
			continue;
		n++;
		tz_trace("  left: task %u inst %u cond %u state %u caller_done %d callee_done %d "
			 "sub_state %u\n", i, t->func->inst->id, t->cond, t->state, t->caller_done,
			 t->callee_done, t->sub_state);
		/* A callback loop waiting on a set nothing will ever fill: its
		 * caller already asked it to cancel (and cannot again), or its
		 * caller trapped (nobody can). */
		const struct flue_instance *x = t->func->inst;
		bool stuck = t->cond == FLUE_COND_WAIT && x->live &&
			     x->handles[t->arg].kind == FLUE_H_WAITABLE_SET &&
			     x->handles[t->arg].u.wset.head == 0u;
		if (stuck && t->sub_cancel_requested)
			tz_stats.leak_after_cancel++;
		else if (stuck && t->caller_done)
			tz_stats.leak_orphan++;
		else if (tz.cleanup_nomem || (tz.answer_nomem && t->cond == FLUE_COND_HOST))
			tz_stats.leak_pool_full++; /* no task left to run a cleanup,
						      or no stream to answer a host call */
		else
			TZ_DIE("task %u (inst %u, cond %u, state %u, caller_done %d, callee_done %d, "
			       "sub_state %u) is left after the wind-down", i, t->func->inst->id,
			       t->cond, t->state, t->caller_done, t->callee_done, t->sub_state);
	}
	tz_stats.leaked_tasks += n;
	tz_stats.leak_inputs += n != 0u;
}

static void wind_down(void)
{
	uint32_t budget = 1000;
	tz.winding_down = true;
	tz_trace("[%u] wind-down\n", tz.step);
	for (int round = 0; round < 4; round++) {
		drain(&budget);
		if (used_tasks() == 0u)
			break;
		for (int i = 0; i < MAX_INV; i++) {
			struct invocation *iv = &tz.inv[i];
			if (iv->live && !iv->cancel_req && iv->call != 0u) {
				iv->cancel_req = true;
				int rc = flue_invoke_cancel(&tz.store, iv->call);
				TZ_CHECK(rc == FLUE_OK || (iv->cancel_posted && rc == FLUE_EBADF));
				tz_check_quiescent("after cancelling an invocation");
			}
		}
		(void)tz_wind_down_host(true);
		tz_check_quiescent("after the host's wind-down");
		for (int k = 0; k < NG; k++) {
			if (!tz.g[k]->live)
				continue;
			if (tz.g[k]->poisoned && round > 0) {
				tz_trace("  destroy trapped g%d\n", k);
				flue_instance_destroy(tz.g[k]);
			} else if (!tz.g[k]->poisoned && tz_invoke(k, 2, 0) == NULL) {
				tz.cleanup_nomem = true;
			}
			tz_check_quiescent("after a cleanup call");
		}
	}
	drain(&budget);
	classify_leaks();
	/* Destroying an instance resolves its tasks without a value and cuts
	 * its callers' ties: with every instance gone, both pools are empty. */
	for (int k = 0; k < NG; k++) {
		if (tz.g[k]->live)
			flue_instance_destroy(tz.g[k]);
		tz_check_inner("after destroying an instance");
	}
	flue_instance_destroy(tz.host);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		const struct flue_task *t = &tz.store.tasks[i];
		if (t->used)
			TZ_DIE("task %u (inst %u, cond %u, state %u, caller_done %d, callee_done %d) "
			       "leaked after all instances died", i, t->func->inst->id, t->cond,
			       t->state, t->caller_done, t->callee_done);
	}
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++)
		if (tz.store.shared[si].kind != 0u)
			TZ_DIE("shared object %u leaked after all instances died", si);
	tz_ext_final();
}

/* ---------------------------------------------------------- entry points */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tz_checker_selftest();
	const char *t = getenv("FLUE_FUZZ_TRACE");
	tracing = t != NULL && t[0] != '\0' && t[0] != '0';
	atexit(tz_report);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tz_setup();
	tz.d = data;
	tz.n = size;
	tz_stats.inputs++;
	tz_check_quiescent("after set-up");
	while (tz_more()) {
		tz_top_op();
		tz.step++;
		tz_check_quiescent("after a top-level op");
	}
	wind_down();
	return 0;
}
