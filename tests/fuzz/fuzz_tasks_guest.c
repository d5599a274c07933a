/*
 * Guest code of the task fuzzer (see fuzz_tasks.c): every core function
 * and callback of the lifted exports is this interpreter. Each step reads
 * from the shared input cursor how many built-ins to run on its own
 * instance (0..GUEST_OPS), which ones and with which arguments, then what
 * to return (a callback code, or a sync result). Arguments are biased
 * toward live handles of the right kind, with a tail of wrong ones, so
 * that traps are reached too; a trap is a valid outcome (the executor
 * unwinds it). Once the input is consumed (`winding_down`) every step
 * finishes its task: it resolves it (task.return, or task.cancel after a
 * delivered cancellation), cleans its instance up without blocking
 * (backpressure to 0, async-cancel undelivered subtasks, drop delivered
 * ones, cancel and drop idle stream ends) and exits.
 */
#include <string.h>

#include "fuzz_tasks.h"
#include "invariants.h"

struct gctx {
	const struct export_desc *d;
	struct flue_instance *x;
	uint16_t task;
	uint32_t depth;
};

/* context.get/set model: the slots of each task (zero at every export call). */
static uint32_t ctx_model[FLUE_CONFIG_MAX_TASKS][2];
static uint32_t out_next[NG];

#define KM(k) (1u << (k))
#define M_SUB KM(FLUE_H_SUBTASK)
#define M_SET KM(FLUE_H_WAITABLE_SET)
#define M_SR KM(FLUE_H_STREAM_READABLE)
#define M_SW KM(FLUE_H_STREAM_WRITABLE)
#define M_WAITABLE (M_SUB | M_SR | M_SW)

/* A handle index: mostly a live slot of a kind in `mask`. */
static uint32_t pick(const struct flue_instance *x, uint32_t mask, uint8_t b)
{
	uint32_t cand[FLUE_CONFIG_MAX_HANDLES];
	uint32_t n = 0;
	for (uint32_t i = 1; i < x->len; i++)
		if (x->handles[i].kind != FLUE_H_FREE && (KM(x->handles[i].kind) & mask) != 0u)
			cand[n++] = i;
	if (b < 0xF0u && n > 0u)
		return cand[b % n];
	if ((b & 1u) != 0u)
		return x->len; /* just past the last used slot */
	return (b & 2u) != 0u ? 0u : (uint32_t)(b & 0x3Fu);
}

static uint32_t payload(uint8_t b)
{
	if (b == 0xFFu)
		return GMEM; /* out of bounds */
	if (b == 0xFEu)
		return 2u; /* misaligned */
	return PAYLOAD_BASE + 8u * (b % 32u);
}

static uint32_t ld32(int g, uint32_t off)
{
	const uint8_t *m = tz_mem[g];
	return (uint32_t)m[off] | (uint32_t)m[off + 1u] << 8 | (uint32_t)m[off + 2u] << 16 |
	       (uint32_t)m[off + 3u] << 24;
}

struct flue_task *tz_current(int g)
{
	struct flue_store *s = &tz.store;
	TZ_CHECK(s->sched.current < FLUE_CONFIG_MAX_TASKS);
	struct flue_task *t = &s->tasks[s->sched.current];
	TZ_CHECK(t->used && t->func != NULL && t->func->inst == tz.g[g]);
	return t;
}

/* Guest threads active on the executor's stack (running, or blocked in a
 * nested loop): bounds the recursion of synchronous calls. */
static uint32_t active_depth(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		const struct flue_task *t = &tz.store.tasks[i];
		if (t->used && t->func->host_start == NULL &&
		    (t->thread == FLUE_THREAD_RUNNING || t->thread == FLUE_THREAD_NESTED))
			n++;
	}
	return n;
}

/* An event given to guest code (callback, wait, poll). */
static void check_event(struct gctx *g, uint32_t code, uint32_t p1, uint32_t p2, bool may_none)
{
	const struct flue_instance *x = g->x;
	uint8_t kind = p1 < x->len ? x->handles[p1].kind : FLUE_H_FREE;
	switch (code) {
	case FLUE_EVENT_CODE_NONE:
		TZ_CHECK(may_none && p1 == 0u && p2 == 0u);
		break;
	case FLUE_EVENT_CODE_SUBTASK:
		TZ_CHECK(kind == FLUE_H_SUBTASK);
		TZ_CHECK(p2 >= FLUE_SUBTASK_STARTED && p2 <= FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
		break;
	case FLUE_EVENT_CODE_STREAM_READ:
	case FLUE_EVENT_CODE_STREAM_WRITE:
		TZ_CHECK(kind == (code == FLUE_EVENT_CODE_STREAM_READ ? FLUE_H_STREAM_READABLE
								       : FLUE_H_STREAM_WRITABLE));
		TZ_CHECK((p2 & 0xFu) <= FLUE_CANCELLED);
		break;
	case FLUE_EVENT_CODE_TASK_CANCELLED:
		TZ_CHECK(p1 == 0u && p2 == 0u);
		TZ_CHECK(tz_current(g->d->g)->state == FLUE_TASK_CANCEL_DELIVERED);
		break;
	default:
		TZ_DIE("event code %u given to guest code", code);
	}
}

static void check_copy(uint32_t r, uint32_t n, bool async)
{
	if (r == FLUE_BLOCKED) {
		TZ_CHECK(async);
		return;
	}
	TZ_CHECK((r & 0xFu) <= FLUE_CANCELLED && (r >> 4) <= n);
}

/* ----------------------------------------------------------- built-ins */

static uint32_t new_set(struct gctx *g)
{
	uint32_t si = flue_canon_waitable_set_new(g->x);
	TZ_CHECK(si < g->x->len && g->x->handles[si].kind == FLUE_H_WAITABLE_SET);
	return si;
}

static uint64_t new_stream(struct gctx *g)
{
	uint64_t rw = flue_canon_stream_new(g->x, tz.u8);
	uint32_t r = (uint32_t)rw, w = (uint32_t)(rw >> 32);
	TZ_CHECK(r < g->x->len && g->x->handles[r].kind == FLUE_H_STREAM_READABLE);
	TZ_CHECK(w < g->x->len && g->x->handles[w].kind == FLUE_H_STREAM_WRITABLE);
	return rw;
}

/* Async/sync lowered call of one of the NCALLEE callees. */
static void op_call(struct gctx *g, bool async, uint8_t a)
{
	struct flue_instance *x = g->x;
	/* Host functions 3/32 of the time (h2 at 29, h0 at 30, h1 at 31):
	 * each call starts a fiber, a thread on POSIX (~0.2 ms under ASan,
	 * which also keeps a record of every thread). */
	uint32_t ci = a % 32u < 29u ? (a % 32u) % (NG * NEX)
		      : a % 32u == 29u ? NG * NEX + 2u : NG * NEX + a % 32u - 30u;
	/* Mostly steer clear of trapped instances (every call into one
	 * traps at once, which teaches little). */
	for (uint32_t k = 0; k < NCALLEE && (a & 0xE0u) != 0u &&
			     tz.low[g->d->g][ci][0].callee->inst->poisoned; k++)
		ci = (ci + 1u) % NCALLEE;
	const struct flue_lowered *l = &tz.low[g->d->g][ci][async];
	const struct flue_functype *ft = l->callee->ft;
	flue_flat_t args[5];
	uint32_t n = 0;
	args[n++] = tz_u8();
	if (ft->nparams == 2)
		args[n++] = pick(x, M_SR, tz_u8());
	if (async && ft->result != NULL) {
		uint8_t b = tz_u8();
		uint32_t *o = &out_next[g->d->g];
		args[n++] = b == 0xFFu ? GMEM - 2u : OUT_BASE + 4u * ((*o)++ % 192u);
	}
	if (tz_u8() == 0xFFu)
		n = (n + 1u) % 4u; /* wrong arity: traps SIGNATURE */
	uint64_t r = flue_call_lowered(l, args, n);
	if (async && r != FLUE_SUBTASK_RETURNED) {
		uint32_t i = (uint32_t)r >> 4;
		TZ_CHECK((r & 0xFu) <= FLUE_SUBTASK_STARTED && r <= UINT32_MAX);
		TZ_CHECK(i > 0u && i < x->len && x->handles[i].kind == FLUE_H_SUBTASK);
	}
}

static void task_return(struct gctx *g, uint8_t b)
{
	struct flue_instance *x = g->x;
	const struct flue_valtype *rt = g->d->ft->result;
	if (b == 0xFFu)
		rt = rt == &vt_u32 ? &vt_str : &vt_u32; /* wrong type: RESULT_TYPE */
	flue_flat_t v = b;
	if (rt != NULL && rt->kind == FLUE_VAL_STREAM)
		v = (b & 3u) != 0u ? (uint32_t)new_stream(g) : pick(x, M_SR, b);
	flue_canon_task_return(x, rt, &v, rt != NULL ? 1u : 0u);
}

/* Resolve the task if it is not yet (cancel it after a delivered cancel). */
static void resolve_if_needed(struct gctx *g, bool prefer_cancel)
{
	struct flue_task *t = tz_current(g->d->g);
	if (g->d->e != 0 || t->state == FLUE_TASK_RESOLVED)
		return; /* sync-lifted: the core's result resolves it */
	if (t->state == FLUE_TASK_CANCEL_DELIVERED && prefer_cancel)
		flue_canon_task_cancel(g->x);
	else
		task_return(g, tz.winding_down ? 7u : (uint8_t)(tz_u8() & 0x7Fu));
}

static void op_wait_poll(struct gctx *g, bool wait, uint8_t a)
{
	uint32_t si = pick(g->x, M_SET, a), ptr = payload(tz_u8());
	uint32_t code = wait ? flue_canon_waitable_set_wait(g->x, si, ptr)
			     : flue_canon_waitable_set_poll(g->x, si, ptr);
	check_event(g, code, ld32(g->d->g, ptr), ld32(g->d->g, ptr + 4u), !wait);
	/* #716: wait and poll never deliver a cancellation. */
	TZ_CHECK(code != FLUE_EVENT_CODE_TASK_CANCELLED);
}

static void op_context(struct gctx *g, uint8_t a)
{
	uint32_t slot = a == 0xFFu ? 2u : (a & 1u); /* 2 traps */
	if ((a & 2u) != 0u) {
		uint32_t v = tz_u8();
		flue_canon_context_set(g->x, slot, v);
		ctx_model[g->task][slot] = v;
	} else {
		uint32_t v = flue_canon_context_get(g->x, slot);
		if (v != ctx_model[g->task][slot])
			TZ_DIE("context.get %u = %u, set to %u", slot, v, ctx_model[g->task][slot]);
	}
}

static void op_copy(struct gctx *g, uint8_t a)
{
	struct flue_instance *x = g->x;
	uint32_t e = pick(x, M_SR | M_SW, a);
	uint8_t b = tz_u8();
	bool readable = e < x->len ? x->handles[e].kind == FLUE_H_STREAM_READABLE : (b & 1u) != 0u;
	uint32_t opts = (b & 6u) != 0u ? FLUE_OPT_ASYNC : 0u; /* 1/4 synchronous */
	uint32_t ptr = BUF_BASE + 32u * (tz_u8() % 96u), n = 1u + b / 8u;
	uint32_t r = readable ? flue_canon_stream_read(x, tz.u8, opts, e, ptr, n)
			      : flue_canon_stream_write(x, tz.u8, opts, e, ptr, n);
	tz.guest_op_len[x->id][e] = n; /* it started (else it trapped) */
	check_copy(r, n, opts != 0u);
}

static void op_cancel_drop(struct gctx *g, uint8_t a)
{
	struct flue_instance *x = g->x;
	uint32_t e = pick(x, M_SR | M_SW, a);
	uint8_t b = tz_u8();
	bool readable = e < x->len ? x->handles[e].kind == FLUE_H_STREAM_READABLE : (b & 1u) != 0u;
	if ((b & 2u) != 0u) {
		uint32_t opts = (b & 4u) != 0u ? FLUE_OPT_ASYNC : 0u;
		uint32_t len = e < x->len ? tz.guest_op_len[x->id][e] : 0u;
		uint32_t r = readable ? flue_canon_stream_cancel_read(x, tz.u8, opts, e)
				      : flue_canon_stream_cancel_write(x, tz.u8, opts, e);
		check_copy(r, len, opts != 0u);
	} else if (readable) {
		flue_canon_stream_drop_readable(x, tz.u8, e);
	} else {
		flue_canon_stream_drop_writable(x, tz.u8, e);
	}
}

static bool have(const struct flue_instance *x, uint32_t mask)
{
	for (uint32_t i = 1; i < x->len; i++)
		if (x->handles[i].kind != FLUE_H_FREE && (KM(x->handles[i].kind) & mask) != 0u)
			return true;
	return false;
}

/* The handles op `op` picks from (0: none). */
static uint32_t op_mask(uint32_t op)
{
	switch (op) {
	case 2: case 3: return M_SUB;
	case 7: return M_WAITABLE;
	case 8: case 9: case 15: return M_SET;
	case 13: case 14: return M_SR | M_SW;
	default: return 0;
	}
}

static void g_op(struct gctx *g)
{
	struct flue_instance *x = g->x;
	uint8_t op = tz_u8(), a = tz_u8();
	/* Nothing to pick from: mostly skip the op rather than trap on a bad
	 * index (a >= 0xF0 still picks a bad one). */
	if (op_mask(op % 16u) != 0u && a < 0xF0u && !have(x, op_mask(op % 16u)))
		return;
	tz_stats.guest_ops++;
	tz_trace("    g%d/t%u: op %u a %u\n", g->d->g, g->task, op % 16u, a);
	switch (op % 16u) {
	case 0:
	case 1:
		op_call(g, op % 16u == 0u, a);
		break;
	case 2: {
		uint32_t h = pick(x, M_SUB, a);
		uint32_t opts = (tz_u8() & 1u) != 0u ? FLUE_OPT_ASYNC : 0u;
		uint32_t r = flue_canon_subtask_cancel(x, opts, h);
		tz_trace("    g%d: subtask.cancel %u (%s) -> 0x%x\n", g->d->g, h,
			 opts != 0u ? "async" : "sync", r);
		if (r == FLUE_BLOCKED)
			TZ_CHECK(opts != 0u);
		else
			TZ_CHECK(r >= FLUE_SUBTASK_RETURNED &&
				 r <= FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
		break;
	}
	case 3: flue_canon_subtask_drop(x, pick(x, M_SUB, a)); break;
	case 4:
		if (a % 4u == 0u)
			flue_canon_task_cancel(x);
		else
			task_return(g, tz_u8());
		break;
	case 5:
		if ((a & 1u) != 0u)
			flue_canon_backpressure_inc(x);
		else
			flue_canon_backpressure_dec(x);
		break;
	case 6: (void)new_set(g); break;
	case 7: {
		uint32_t w = pick(x, M_WAITABLE, a);
		uint8_t b = tz_u8();
		flue_canon_waitable_join(x, w, b < 0x30u ? 0u : pick(x, M_SET, b));
		break;
	}
	case 8: op_wait_poll(g, false, a); break;
	case 9: op_wait_poll(g, true, a); break;
	case 10:
		/* #716: thread.yield never delivers a cancellation. */
		TZ_CHECK(flue_canon_thread_yield(x) == 0u);
		break;
	case 11: op_context(g, a); break;
	case 12: (void)new_stream(g); break;
	case 13: op_copy(g, a); break;
	case 14: op_cancel_drop(g, a); break;
	default: flue_canon_waitable_set_drop(x, pick(x, M_SET, a)); break;
	}
	tz_check_inner("after a guest built-in");
}

/* ------------------------------------------------------------- cleanup */

/* Deliver pending events of the members of set `si` (poll until NONE). */
static void drain_set(struct gctx *g, uint32_t si)
{
	for (int k = 0; k < 64; k++) {
		uint32_t code = flue_canon_waitable_set_poll(g->x, si, PAYLOAD_BASE);
		check_event(g, code, ld32(g->d->g, PAYLOAD_BASE), ld32(g->d->g, PAYLOAD_BASE + 4u),
			    true);
		if (code == FLUE_EVENT_CODE_NONE)
			return;
	}
	TZ_DIE("set %u keeps delivering events", si);
}

/* Winding down: release what this instance holds, without blocking. */
static void cleanup(struct gctx *g)
{
	struct flue_instance *x = g->x;
	struct flue_store *s = &tz.store;
	uint32_t set = 0;
	while (x->backpressure > 0u)
		flue_canon_backpressure_dec(x);
	for (uint32_t i = 1; i < x->len; i++) {
		struct flue_handle *h = &x->handles[i];
		if (h->kind == FLUE_H_SUBTASK) {
			const struct flue_task *t = &s->tasks[h->u.sub.task];
			if (!t->sub_delivered && !t->sub_cancel_requested) {
				if (flue_canon_subtask_cancel(x, FLUE_OPT_ASYNC, i) == FLUE_BLOCKED)
					continue;
			} else if (!t->sub_delivered) {
				if (!h->u.sub.w.has_event)
					continue;
				if (set == 0u)
					set = new_set(g);
				flue_canon_waitable_join(x, i, set);
				drain_set(g, set);
				if (!s->tasks[x->handles[i].u.sub.task].sub_delivered)
					continue;
			}
			flue_canon_subtask_drop(x, i);
		} else if (h->kind == FLUE_H_STREAM_READABLE || h->kind == FLUE_H_STREAM_WRITABLE) {
			bool rd = h->kind == FLUE_H_STREAM_READABLE;
			if (h->u.end.state == FLUE_END_COPYING) {
				uint32_t r = rd ? flue_canon_stream_cancel_read(x, tz.u8, FLUE_OPT_ASYNC, i)
						: flue_canon_stream_cancel_write(x, tz.u8, FLUE_OPT_ASYNC, i);
				if (r == FLUE_BLOCKED)
					continue;
			} else if (h->u.end.state == FLUE_END_CANCELLING) {
				if (!h->u.end.w.has_event)
					continue;
				if (set == 0u)
					set = new_set(g);
				flue_canon_waitable_join(x, i, set);
				drain_set(g, set);
				if (x->handles[i].u.end.state == FLUE_END_CANCELLING)
					continue;
			}
			if (rd)
				flue_canon_stream_drop_readable(x, tz.u8, i);
			else
				flue_canon_stream_drop_writable(x, tz.u8, i);
		}
	}
	tz_check_inner("after a cleanup");
}

/* ------------------------------------------------------------ entries */

static void enter(struct gctx *g, void *user, struct flue_instance *x)
{
	g->d = user;
	g->x = x;
	TZ_CHECK(x == tz.g[g->d->g]);
	g->task = tz.store.sched.current;
	(void)tz_current(g->d->g);
	g->depth = active_depth();
	TZ_CHECK(g->depth >= 1u);
	tz_check_inner("at a guest entry");
}

static bool quiet(const struct gctx *g)
{
	return tz.winding_down || g->depth > GUEST_DEPTH;
}

static void run_ops(struct gctx *g)
{
	if (quiet(g))
		return;
	uint32_t n = tz_u8() % (GUEST_OPS + 1u);
	for (uint32_t i = 0; i < n; i++)
		g_op(g);
}

/* The callback code at the end of a step of a callback-lifted task. */
static uint32_t callback_code(struct gctx *g)
{
	struct flue_instance *x = g->x;
	if (quiet(g)) {
		resolve_if_needed(g, true);
		if (tz.winding_down)
			cleanup(g);
		return 0;
	}
	uint8_t b = tz_u8();
	switch (b % 16u) {
	case 0: case 1: case 2: case 3:
		resolve_if_needed(g, (b & 0x10u) != 0u);
		return 0; /* EXIT */
	case 4:
		return 0; /* EXIT, resolved or not (EXIT_UNRESOLVED) */
	case 5: case 6: case 7: case 8:
		return 1; /* YIELD */
	case 15:
		if ((b & 0x10u) != 0u)
			return 3u + (b >> 5); /* no such code */
		return 2u | pick(x, ~M_SET, tz_u8()) << 4; /* WAIT on a non-set */
	default: {
		uint8_t c = tz_u8();
		uint32_t si = pick(x, M_SET, c);
		if (c < 0x20u || si >= x->len || x->handles[si].kind != FLUE_H_WAITABLE_SET)
			si = new_set(g);
		return 2u | si << 4; /* WAIT */
	}
	}
}

void tz_core(void *user, struct flue_instance *x, const flue_flat_t *args, uint32_t nargs,
	     flue_flat_t *results)
{
	struct gctx g;
	enter(&g, user, x);
	memset(ctx_model[g.task], 0, sizeof ctx_model[g.task]);
	TZ_CHECK(nargs == g.d->ft->nparams);
	if (nargs == 2u)
		TZ_CHECK(args[1] < x->len && x->handles[args[1]].kind == FLUE_H_STREAM_READABLE);
	tz_trace("    g%d/t%u: core of export %d (arg %llu)\n", g.d->g, g.task, g.d->e,
		 (unsigned long long)args[0]);
	run_ops(&g);
	if (g.d->e == 0) {
		results[0] = callback_code(&g);
	} else {
		if (tz.winding_down)
			cleanup(&g);
		results[0] = quiet(&g) ? 1u : tz_u8();
	}
	tz_trace("    g%d/t%u: returns %llu\n", g.d->g, g.task, (unsigned long long)results[0]);
}

uint32_t tz_callback(void *user, struct flue_instance *x, uint32_t event, uint32_t p1, uint32_t p2)
{
	struct gctx g;
	enter(&g, user, x);
	TZ_CHECK(g.d->e == 0);
	tz_trace("    g%d/t%u: callback (%u, %u, 0x%x)\n", g.d->g, g.task, event, p1, p2);
	check_event(&g, event, p1, p2, true);
	run_ops(&g);
	uint32_t code = callback_code(&g);
	tz_trace("    g%d/t%u: callback returns 0x%x\n", g.d->g, g.task, code);
	return code;
}
