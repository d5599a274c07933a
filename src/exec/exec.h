/* Executor, internal interface between its files (docs/EXECUTOR.md). */
#ifndef FLUE_EXEC_INTERNAL_H
#define FLUE_EXEC_INTERNAL_H

#include <flue/exec.h>

#include "../abi/val.h"
#include <flue/port.h>
#include <flue/task_decide.h>
#include "../obj/obj.h"
#include "../obj/resource.h"
#include "../abi/values.h"

static inline struct flue_task *exec_task(struct flue_store *s, uint16_t id)
{
	return &s->tasks[id];
}

static inline uint16_t exec_id(struct flue_store *s, const struct flue_task *t)
{
	return (uint16_t)(t - s->tasks);
}

static inline struct flue_instance *exec_inst(struct flue_store *s, const struct flue_task *t)
{
	(void)s;
	return t->func->inst;
}

static inline bool exec_is_host(const struct flue_task *t)
{
	return t->func->host_start != 0;
}

/* May calls still enter `f`? Not once its instance trapped or was
 * destroyed (even if a new instance took the slot since). */
static inline bool exec_callee_live(const struct flue_func *f)
{
	return f->inst->live && !f->inst->poisoned && f->inst->gen == f->inst_gen;
}

/* Task.needs_exclusive: async-typed and sync- or callback-lifted. */
static inline bool exec_needs_exclusive(const struct flue_task *t)
{
	return t->func->ft->async && !exec_is_host(t) && t->func->opts.kind != FLUE_LIFT_STACKFUL;
}

/* The task record of call id `call`: a record in use whose generation is
 * the id's, else NULL (a free slot or a stale id). */
static inline struct flue_task *exec_call_task(struct flue_store *s, flue_call_t call)
{
	struct flue_task *t = flue_task_get(s, flue_call_slot(call));
	if (t == 0 || t->gen != flue_call_gen(call))
		return 0;
	return t;
}

static inline flue_call_t exec_call_id(struct flue_store *s, uint16_t slot)
{
	return flue_call_make(slot, s->tasks[slot].gen);
}

/* A free post buffer (port lock): 1 + its index, 0 if all are taken. */
static inline uint16_t exec_post_buf_take(struct flue_sched *q)
{
	uint16_t b = q->post_free;
	if (b != 0u)
		q->post_free = (uint16_t)q->post_buf[b - 1u][0];
	else if (q->post_unused < FLUE_CONFIG_MAX_POSTS)
		b = ++q->post_unused;
	return b;
}

/* Post buffer 1 + index `b` is free again (port lock). */
static inline void exec_post_buf_give(struct flue_sched *q, uint16_t b)
{
	q->post_buf[b - 1u][0] = q->post_free;
	q->post_free = b;
}

static inline uint32_t exec_nresults(const struct flue_functype *ft)
{
	return ft->result != 0 ? 1u : 0u;
}

struct exec_lower_args {
	struct flue_instance *dst;
	const struct flue_valtype *ts;
	uint32_t nts, max;
	const struct flue_values *v;
	flue_flat_t *flat;
	uint32_t *nflat;
	const uint32_t *out;
	uint32_t (*alloc)(void *ctx, uint32_t align, uint32_t size);
	void *ctx;
};

/* queue.c: parked tasks and the ready order (calls no other exec file) */
/* Trap FLUE_TRAP_BAD_DECISION: `event` is no transition of `t`'s thread. */
_Noreturn void exec_thread_bad(struct flue_task *t, uint8_t event);
/* Through exec_thread only: leave the queues of `t`'s condition (not
 * NONE); wait for `cond` (not NONE). */
void exec_thread_leave(struct flue_store *s, struct flue_task *t);
void exec_thread_wait(struct flue_store *s, struct flue_task *t, uint8_t cond);
/* `t` is about to run: off the ready queue, stamp 0. */
void exec_unready(struct flue_store *s, struct flue_task *t);
/* An input of `t`'s condition changed (its state, `aborted`, the callee it
 * waits for resolved): if it waits for a condition that is woken, not
 * polled, its condition is re-checked at the next step. Any task. */
void exec_wake(struct flue_store *s, struct flue_task *t);
/* Set `set` of `x` got its first pending event or lost its last one: wake
 * the tasks parked in WAIT on it (flue_exec_hooks.wake_set). */
void exec_wake_set(struct flue_instance *x, uint32_t set);
/* Task `holder` (FLUE_TASK_NONE: nobody) holds `x`'s exclusive lock from
 * now on; the one place the lock changes. A change between free and held
 * is noted (sched.turned) for the next re-check of conditions, which wakes
 * the tasks it concerns if the lock is not back where it was by then (a
 * step takes it and gives it back: nothing to wake). Inline: every
 * callback step takes and releases it. */
static inline void exec_lock(struct flue_instance *x, uint16_t holder)
{
	struct flue_sched *q = &x->store->sched;
	bool turns = (x->exclusive == FLUE_TASK_NONE) != (holder == FLUE_TASK_NONE);
	x->exclusive = holder;
	if (turns && !q->lock[x->id].turned) {
		q->lock[x->id].turned = true;
		q->turned[q->nturned++] = x->id;
	}
}
/* Re-check the conditions that may have changed (polled, and woken since
 * the last re-check), oldest waiter first, and update the ready queue;
 * true if any task is parked at all (HOST included). */
bool exec_refresh(struct flue_store *s);
/* Is parked task `t`'s condition true now? */
bool exec_ready(struct flue_store *s, const struct flue_task *t);
/* Is task `t` ready (stamped by exec_refresh) and resumable from here (a
 * waiting thread, not one blocked deeper on this stack)? */
bool exec_may_resume(const struct flue_task *t);
/* The oldest ready task that may run now (of instance `only` if not NULL,
 * else honouring the sync barrier), or FLUE_TASK_NONE. No refresh. */
uint16_t exec_pick_of(struct flue_store *s, const struct flue_instance *only);
/* The oldest ready task of `inst` that may run now (refreshes the stamps
 * first), or FLUE_TASK_NONE. */
uint16_t exec_pick_ready_of(struct flue_store *s, const struct flue_instance *inst);

/* resolve.c: leaving a task (calls queue.c) */
/* Take host values `v` of tuple `ts` out of host instance `host`: every
 * end checked before any is taken; false, with nothing changed, if one is
 * bad or the count is wrong. */
bool exec_host_take(struct flue_instance *host, const struct flue_valtype *ts, uint32_t nts,
		    struct flue_values *v);
/* Put values `v` of tuple `ts` into host instance `host` (ends become its
 * handles; with no host or a full table they are dropped). */
void exec_host_put(struct flue_store *s, struct flue_instance *host,
		   const struct flue_valtype *ts, uint32_t nts, struct flue_values *v);
/* flue_values_lower(); a trap in it drops the ends still in transit and
 * goes on unwinding. */
void exec_lower_values(struct exec_lower_args *a);
/* Host call `t` accepts posts from now on (port lock). */
void exec_post_open(struct flue_task *t);
/* A host call `t` resolves: the borrow handles the host got for it end
 * (inline: every resolution passes here, and almost none has any). */
static inline void exec_host_borrows_end(struct flue_store *s, struct flue_task *t)
{
	if (t->num_borrows != 0 && exec_is_host(t))
		flue_borrows_end(t->func->inst, exec_id(s, t));
}
/* Resolve task `id` (flue_exec_hooks resolve hook). */
void exec_resolve(struct flue_store *s, uint16_t id, const struct flue_values *v);
/* What a graph-typed call does once its params are taken (graph.c). */
enum exec_graph_start {
	EXEC_GS_RUN,  /* a guest callee: its core runs with `flat` */
	EXEC_GS_HOST, /* a host function: its start runs (params: a view) */
	EXEC_GS_BAD,  /* an invocation whose host params do not fit: resolve, no value */
};
/* Task t starts: its graph-typed params from its caller (guest or host)
 * into the callee's flat params (or memory), or checked for a host
 * function; traps the guest that gave a bad value. */
uint8_t exec_graph_start(struct flue_store *s, struct flue_task *t, flue_flat_t *flat, uint32_t *n);

/* resource.drop's destructor call (flue_exec_hooks call_dtor). */
void exec_call_dtor(struct flue_instance *inst, struct flue_func *dtor, uint32_t rep);
/* Graph-typed results (flue/functype.h): task `id` resolves with the
 * values `m` names in its callee (m->src; dst is filled in here): checked
 * there, then moved straight into a waiting caller (its memory, its
 * realloc), or only checked when the caller is gone. */
void exec_resolve_moved(struct flue_store *s, uint16_t id, struct flue_vmove *m);
/* The move of task t's results from its callee's flat values `flat`
 * (nflat of them; more than max_flat: a pointer to them). */
struct flue_vmove exec_result_move(struct flue_task *t, uint32_t max_flat, const flue_flat_t *flat,
				   uint32_t nflat);
/* Task `t` gives its instance's exclusive lock back, if it holds it. */
void exec_release_exclusive(struct flue_instance *x, struct flue_task *t);
/* Task `t`'s code returned: its thread exits (a host function's with the
 * call unresolved waits for the host in HOST). */
void exec_exit_thread(struct flue_store *s, struct flue_task *t);
/* Task `t`'s step was unwound by a trap: it ends without a value. */
void exec_thread_unwound(struct flue_store *s, struct flue_task *t);
/* Release the record when neither side needs it. */
void exec_release(struct flue_store *s, uint16_t id);

/* trap.c: traps (calls resolve.c, queue.c) */
/* The executor takes the store's trap hook, keeping the embedder's. */
void exec_install_traps(struct flue_store *s);
/* Run `body(arg)` as guest code: a trap in it unwinds to here and is
 * handled (exec_abort_instance); returns false then. */
bool exec_guest(struct flue_store *s, void (*body)(void *), void *arg);
/* The instance trapped: resolve its tasks without a value, cut its
 * callers' ties, wake its blocked threads so they unwind. */
void exec_abort_instance(struct flue_store *s, struct flue_instance *inst);
/* Trap `inst` without guest code to unwind (e.g. no stack for a task). */
void exec_fail_instance(struct flue_store *s, struct flue_instance *inst,
			enum flue_trap_reason reason);

/* posted.c: host functions' resolution and posts (calls trap.c and below) */
/* Apply what happened outside the executor: data in driver channels
 * (flue_store_pump) and completions posted by other threads. */
void exec_apply_posted(struct flue_store *s);

/* call.c: entering a task, its thread and callback loop (calls trap.c,
 * resolve.c, queue.c) */
/* Start (or, after the gate, continue starting) task `id`'s thread. */
void exec_start_thread(struct flue_store *s, uint16_t id);
/* One callback step of parked callback task `id`. */
void exec_callback_step(struct flue_store *s, uint16_t id);

/* sched.c: resuming, blocking, the sync barrier (calls call.c and below) */
/* Run one step of parked task `id` (it was ready); `cancelled`: a host
 * function's fiber resumed by a cancellation of its call. */
void exec_resume(struct flue_store *s, uint16_t id, bool cancelled);
/* Park the current task with condition `cond` and block until it is
 * resumed: suspends its fiber, or runs a nested loop on this stack.
 * `cancellable` only counts for a host function's flue_wait_until();
 * returns true if such a wait was resumed cancelled. */
bool exec_block(struct flue_store *s, struct flue_task *t, uint8_t cond, bool cancellable);
/* A call arrives at callee `id` through `arrive_fn`; if the callee is a
 * sync-typed guest function, its caller waits here until it resolves
 * (canon_lift's loop for a non-async type: only its instance's threads run
 * meanwhile, else its instance traps FLUE_TRAP_DEADLOCK). */
void exec_arrive_sync(struct flue_store *s, uint16_t id,
		      void (*arrive_fn)(struct flue_store *, uint16_t));
/* What outside the executor can still make a task ready. */
enum exec_outside {
	EXEC_OUTSIDE_NONE = 0,   /* nothing: waiting tasks deadlock */
	EXEC_OUTSIDE_HOST = 1,   /* only the host's own ends (executor thread,
				    between runs): never worth sleeping for */
	EXEC_OUTSIDE_THREAD = 2, /* another thread or an interrupt (channels,
				    posts, pending host calls; at top level
				    queued invocations and cancellations) */
};
enum exec_outside exec_external(struct flue_store *s, bool top);

/* api.c: invocation, lowering, cancellation (calls sched.c and below) */
/* Can the host's invocation of `f` be made good at all? */
bool exec_invoke_ok(const struct flue_func *f, const struct flue_instance *host,
		    flue_on_start_fn on_start, flue_on_resolve_fn on_resolve);
/* Task.request_cancellation; `resume_one`: the async subtask.cancel's
 * resume of a ready thread of the callee's instance (the flue_exec_hooks
 * cancel hook). */
void exec_request_cancel(struct flue_store *s, uint16_t id, bool resume_one);

/* lift.c: lifting, installing the executor (calls sched.c and below) */
void exec_install(struct flue_store *s);

/* run.c: tick, run loops, posted invocations (the top; nothing calls it) */

#endif /* FLUE_EXEC_INTERNAL_H */
