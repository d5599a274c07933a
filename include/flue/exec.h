/**
 * @file flue/exec.h
 * @brief The executor's embedding API: lift exports, lower imports, host
 *        functions, invoke, tick, run until idle (definitions.py @ 14087d73:
 *        Store.lift / lower / invoke / tick, mk_host_func; docs/EXECUTOR.md).
 *
 * One executor thread owns a store and runs all guest code. Calls marked
 * "any thread / ISR" only enqueue under the port lock and wake the
 * executor (flue_port_wake()).
 *
 * Guest code is C functions (wasm2c output, or hand-written) that call the
 * built-ins of flue/abi.h with the instance they were lifted for. A trap in
 * guest code unwinds to the executor frame that entered it
 * (flue_port_try()); the trapped instance is poisoned, its tasks resolve
 * without a value (callers see CANCELLED_BEFORE_STARTED / _RETURNED, an
 * invoker's on_resolve gets NULL), and the embedder's trap hook
 * (flue_store_init()) is told through flue_exec_on_trap() instead of
 * being asked not to return.
 */
#ifndef FLUE_EXEC_H
#define FLUE_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/functype.h>
#include <flue/store.h>

/**
 * @brief Install the executor in `s` now: its trap path (a trap unwinds to
 *        the innermost flue_port_try() and is reported through
 *        flue_exec_on_trap()) and its blocking service. flue_lift(),
 *        flue_host_func() and flue_exec_set_stack_per_task() do it too; an
 *        embedder that runs guest code before lifting anything (a module's
 *        start function, `_initialize`) calls it first. Idempotent.
 *        The embedder's trap hook stays in use for traps outside
 *        executor frames (flue_exec_on_trap()).
 * Context: executor thread.
 */
void flue_exec_init(struct flue_store *s);

/**
 * @brief `canon lift`: make export `f` of `inst` with type `ft`.
 * @retval 0
 * @retval FLUE_EINVAL bad type (flue_functype_check()), missing core or
 *         callback, callback given to a non-CALLBACK lift, CALLBACK with a
 *         function type that is not `async` (its loop needs the exclusive
 *         lock), post-return on an async lift, params through memory or
 *         params with strings or lists (graph types) without realloc, a
 *         string encoding other than enum flue_string_encoding's
 * @retval FLUE_ENOTSUP STACKFUL on a port without stack switching
 * `ft` and `f` must outlive every call. Context: executor thread.
 */
int flue_lift(struct flue_func *f, struct flue_instance *inst, const struct flue_functype *ft,
	      const struct flue_lift_opts *opts);

/**
 * @brief A host-implemented function (the reference's mk_host_func).
 *        `host` is the host instance (flue/host.h) whose table receives the
 *        stream/future params and supplies result ends. `start` runs on
 *        the executor thread inside the caller's call; the host resolves
 *        then or later with flue_host_return() (or from another thread /
 *        an ISR with flue_host_post_return()), and may be asked to cancel
 *        through `cancel` (NULL: requests are recorded, nothing is told).
 *        Both callbacks get the call's full id (with its generation,
 *        flue_call_t); posts for it are accepted from before `start` runs
 *        until the call resolves.
 * @retval 0, FLUE_EINVAL
 * A graph-typed host function's `start` gets `args` NULL: its params are
 * flue_host_params(), its results flue_host_return_vals(). Handles in
 * them are indices of the host's table (flue/hval.h); params that hold
 * handles need the host's allocator (flue_host_set_realloc()), and the
 * borrows among them end when the call resolves.
 */
int flue_host_func(struct flue_func *f, struct flue_instance *host,
		   const struct flue_functype *ft, flue_host_start_fn start,
		   flue_host_cancel_fn cancel, void *user);

/**
 * @brief Resolve host call `call` with `results` (ends: handles in the host
 *        instance, readable, of the result's element type, idle and in no
 *        waitable set). Everything is checked before anything changes: a
 *        refused result leaves the host's table as it was, and the call
 *        stays pending. A post still pending for the call is dropped.
 * @retval 0
 * @retval FLUE_EBADF not a live, unresolved host call (a stale id: its call
 *         finished, its record may serve another call now)
 * @retval FLUE_EINVAL results NULL or not matching the type (count; an end
 *         that is not a host readable end of the element type, not idle,
 *         in a waitable set, or named twice)
 * Context: executor thread (e.g. inside `start`); never blocks.
 */
int flue_host_return(struct flue_store *s, flue_call_t call, const struct flue_values *results);

/**
 * @brief Resolve host call `call` without a value; only after its caller
 *        requested cancellation (the reference's on_resolve(None)). A post
 *        still pending for the call is dropped.
 * @retval 0, FLUE_EBADF (not a live, unresolved host call; a stale id),
 *         FLUE_EPERM (no cancellation was requested)
 * Context: executor thread (e.g. inside `cancel`); never blocks.
 */
int flue_host_cancelled(struct flue_store *s, flue_call_t call);

/**
 * @brief flue_host_return() from another thread or an ISR: checked and
 *        copied under the port lock, applied by the executor at its next
 *        step. A post accepted here resolves the call with these values
 *        unless the call resolves first by another path (flue_host_return(),
 *        cancellation, a trap or destroy of the host instance): then the
 *        post is dropped. Only numbers can be posted. The values wait in
 *        one of the store's FLUE_CONFIG_MAX_POSTS post buffers (flue/config.h)
 *        until the executor applies or drops the post.
 * @retval 0 posted
 * @retval FLUE_EBADF `call` is not a host call waiting for its result
 *         (never started, already resolved, or a stale id)
 * @retval FLUE_EINVAL results NULL, a value count other than the result
 *         type's, or a result type with stream/future ends
 * @retval FLUE_EBUSY a post for this call is already pending or being applied
 * @retval FLUE_EAGAIN every post buffer holds a post the executor has not
 *         applied yet (only with FLUE_CONFIG_MAX_POSTS below the host calls
 *         waiting at once): nothing changed; retry after the executor ran
 *         (the call still waits). Checked after all of the above.
 * Context: any thread or ISR; never blocks (the port lock only).
 */
int flue_host_post_return(struct flue_store *s, flue_call_t call, const struct flue_values *results);

/* ------------------------------------------- graph types at the host edge */

struct flue_hvals;

/** Results of a graph-typed invocation (flue_invoke_vals): a view of the
 *  callee's values (flue/hval.h), valid only inside this call (results
 *  holding handles: moved into the host's arena, their handles into its
 *  table); NULL: cancelled before returning, the callee trapped, or
 *  results holding handles did not fit the host's allocator or table
 *  (they are dropped). */
typedef void (*flue_on_resolve_vals_fn)(void *user, const struct flue_hvals *results);

/**
 * @brief flue_invoke() of a graph-typed export (flue/functype.h): its
 *        params are a tuple in canonical layout at `args_ptr` in the arena
 *        of host instance `host` (strings UTF-8), moved into the callee
 *        when it starts (its realloc); its results reach `on_resolve` as a
 *        view of the callee's values.
 * @retval 0 and `*call`; the rest as flue_invoke()
 * @retval FLUE_EINVAL f not lifted, not graph-typed, a host function,
 *         `host`, `on_resolve` or `call` NULL, `host` of another store
 * @retval FLUE_ENOMEM no free task record
 * Handles in the params are the host's (own and ends leave its table,
 * borrows are lent to the call until its resolution is delivered).
 * Params that do not fit their type (a bad pointer, length, char,
 * discriminant or encoding in the host's tuple) are the host's mistake:
 * the call resolves with `on_resolve(user, NULL)` before guest code runs.
 * Context: executor thread, not from inside guest code.
 */
int flue_invoke_vals(struct flue_func *f, struct flue_instance *host, uint32_t args_ptr,
		     flue_on_resolve_vals_fn on_resolve, void *user, flue_call_t *call);

/**
 * @brief A graph-typed host function's params (flue_host_func: its `start`
 *        gets `args` NULL): a view of the caller's values, checked.
 * @retval 0 and `*out`
 * @retval FLUE_EBADF `call` is not a host call whose `start` is running
 *         now (the view is valid until `start` returns or blocks)
 * @retval FLUE_EINVAL `out` NULL, or the call's type is not graph-typed
 * Context: executor thread, inside `start`.
 */
int flue_host_params(struct flue_store *s, flue_call_t call, struct flue_hvals *out);

/**
 * @brief Resolve graph-typed host call `call` with results that are a
 *        tuple in canonical layout at `ptr` in the host's arena (strings
 *        UTF-8): moved into the caller now (its realloc).
 * @retval 0
 * @retval FLUE_EBADF not a live, unresolved host call
 * @retval FLUE_EINVAL not graph-typed, or results that do not fit their
 *         type (pointer, length, char, discriminant, encoding): nothing
 *         changed, the call stays pending
 * Context: executor thread (e.g. inside `start`); never blocks.
 */
int flue_host_return_vals(struct flue_store *s, flue_call_t call, uint32_t ptr);

/** Invocation callbacks (Store.invoke). `args->v` ends: handles in `host`. */
typedef void (*flue_on_start_fn)(void *user, struct flue_values *args);
/** `results` NULL: cancelled before returning, or the callee trapped. */
typedef void (*flue_on_resolve_fn)(void *user, const struct flue_values *results);

/**
 * @brief Store.invoke: call export `f` from the host. Runs it until it
 *        first blocks (or is held at the entry gate), then returns.
 *        `host` is the host instance whose handles ends in args/results
 *        are; it may be NULL if no end is in the params: ends in the
 *        result are then dropped (their writers see DROPPED) and read 0 in
 *        `on_resolve`'s values. `on_start` (may
 *        be NULL if there are no params) fills `args` when the callee
 *        starts; if what it gives does not fit the params (count, an end
 *        that is not a host readable end of the element type, not idle, in
 *        a waitable set, or named twice), that is the host's error: the
 *        invocation resolves with `on_resolve(user, NULL)`, no guest code
 *        runs, nothing is taken from the host and the callee does not trap.
 * @retval 0 and `*call` (the callee task, for flue_invoke_cancel()); if
 *         `f`'s instance trapped or was destroyed, the call is never
 *         entered: `on_resolve(user, NULL)` runs before this returns and
 *         `*call` is FLUE_CALL_NONE
 * @retval FLUE_ENOMEM no free task record
 * @retval FLUE_EINVAL f not lifted, on_resolve or call NULL, params but no
 *         `on_start`, stream/future ends in the params but no `host`,
 *         `host` of another store; nothing started, no callback
 * @retval FLUE_ENOTSUP `f` has a graph function type (flue/functype.h):
 *         use flue_invoke_vals()
 * Context: executor thread, not from inside guest code.
 */
int flue_invoke(struct flue_func *f, struct flue_instance *host, flue_on_start_fn on_start,
		flue_on_resolve_fn on_resolve, void *user, flue_call_t *call);

/**
 * @brief flue_invoke() from another thread or an ISR: the invocation is
 *        queued under the port lock (callbacks later run on the executor
 *        thread, which starts it at its next step) and the executor is
 *        woken.
 * @retval 0 and `*ticket` (if not NULL), never 0, for flue_invoke_cancel_post()
 * @retval FLUE_EINVAL what flue_invoke() refuses with FLUE_EINVAL (f not
 *         lifted, on_resolve NULL, params without on_start, ends without host,
 *         and a graph function type)
 * @retval FLUE_EBUSY FLUE_CONFIG_MAX_TASKS invocations already queued
 * A queued invocation that cannot start (no free task) is
 * resolved with NULL. Context: any thread or ISR; never blocks.
 */
int flue_invoke_post(struct flue_func *f, struct flue_instance *host, flue_on_start_fn on_start,
		     flue_on_resolve_fn on_resolve, void *user, uint32_t *ticket);

/**
 * @brief flue_invoke_cancel() from another thread or an ISR, for the
 *        invocation with `ticket` (from flue_invoke_post()). Queued under
 *        the port lock; the executor applies it at its next top-level step:
 *        not started yet → resolved with NULL without running; running →
 *        flue_invoke_cancel(); already resolved → nothing.
 * @retval 0, FLUE_EINVAL (ticket 0), FLUE_EBUSY (too many queued)
 * Context: any thread or ISR; never blocks.
 */
int flue_invoke_cancel_post(struct flue_store *s, uint32_t ticket);

/**
 * @brief Call export `f` from a host thread and block on a port semaphore
 *        until it resolves: a call held at the instance's entry gate keeps
 *        the thread blocked until it is admitted and returns. `args`
 *        (may be NULL if there are no params) and `results` are host
 *        values (ends: handles of `host`).
 * @retval 0 resolved with a value, copied to `*results` (if not NULL)
 * @retval FLUE_ECANCELED resolved without a value (cancelled or trapped)
 * @retval FLUE_EBUSY the invocation queue is full
 * @retval FLUE_EINVAL f not lifted, stream/future ends in the params but no
 *         `host` (bad `args` resolve the call without a value: FLUE_ECANCELED)
 * Context: a host thread, never the executor's thread (the executor must be
 * running its loop meanwhile). Blocking.
 */
int flue_invoke_blocking(struct flue_func *f, struct flue_instance *host,
			 const struct flue_values *args, struct flue_values *results);

/**
 * @brief OnCancel of an invocation: request cancellation of the callee.
 * @retval 0, FLUE_EBADF (not a live, unresolved invocation; a stale id;
 *         cancellation already requested)
 * Context: executor thread, not from inside guest code.
 */
int flue_invoke_cancel(struct flue_store *s, flue_call_t call);

/** A lowered import: what `canon lower` binds statically. It must stay
 *  valid while calls made through it are in progress. */
struct flue_lowered {
	struct flue_func *callee;
	struct flue_instance *caller;
	bool async;
	/* The caller's canonical options, for graph-typed values
	 * (flue/valtype.h): flue_lower() clears them; set them after it. */
	uint8_t string_encoding;  /**< enum flue_string_encoding of the caller's strings
				       (another value traps the caller, BAD_VALUE,
				       at each call) */
	flue_realloc_fn realloc;  /**< the caller's realloc: results with strings or
				       lists are allocated with it (NULL: such a
				       result traps the caller, FLUE_TRAP_NO_REALLOC) */
	void *user;               /**< passed to realloc */
};

/**
 * @brief `canon lower`: bind `callee` into `caller` (async or sync).
 * @retval 0, FLUE_EINVAL (l, callee or caller NULL; callee not lifted / not
 *         a host function, or without an instance; callee of another store)
 */
int flue_lower(struct flue_lowered *l, struct flue_func *callee, struct flue_instance *caller,
	       bool async);

/**
 * @brief Call a lowered import from the caller's guest code with its flat
 *        core arguments (sync: params, then an out pointer if the result
 *        needs memory; async: at most 4 flat params else one pointer, then
 *        an out pointer if there is a result).
 * @return sync: the single flat result (0 if none); async: the packed
 *         status `state | subtask << 4`, or exactly 2 (RETURNED) when the
 *         callee resolved before the call returned.
 * Traps (the caller): wrong number of args (FLUE_TRAP_SIGNATURE),
 * may_leave clear, bad pointers or ends in the params, table full, no free
 * task (FLUE_TRAP_POOL_FULL). Re-entering an instance that is already on
 * the call stack is allowed (#705: there is no reentrance trap); a
 * callback-lifted export re-entered while its instance's exclusive lock is
 * held waits at the entry gate.
 * A callee whose instance trapped or was destroyed is never entered: the
 * call resolves without a value at once (sync: the caller traps
 * FLUE_TRAP_CALLEE_TRAPPED; async: status STARTING with a subtask whose
 * event says CANCELLED_BEFORE_STARTED).
 * Blocks (sync form) until the callee resolves: nested scheduling on the
 * executor stack, or suspends a stackful caller.
 */
flue_flat_t flue_call_lowered(const struct flue_lowered *l, const flue_flat_t *args,
			      uint32_t nargs);

/**
 * @brief Block the current thread until `ready(arg)` holds (the
 *        reference's Thread.wait_until; what its host functions and tests
 *        use). From a stackful task it suspends that task's stack; from
 *        other guest code it runs nested scheduling.
 * @return true if a host function's `cancellable` wait was interrupted by
 *         a cancellation of its call (flue_invoke_cancel / subtask.cancel);
 *         guest tasks are never interrupted (#716: cancellation reaches
 *         guest code only in a callback event loop), so for them it is
 *         always false.
 * Traps the current instance with FLUE_TRAP_DEADLOCK if nothing can make
 * progress. Context: inside guest code of a task.
 */
bool flue_wait_until(struct flue_store *s, bool (*ready)(void *arg), void *arg,
		     bool cancellable);

/** Results of flue_tick(). */
enum flue_tick_result {
	FLUE_TICK_RAN = 0,   /**< resumed one ready task for one step */
	FLUE_TICK_IDLE = 1,  /**< nothing ready, but something outside can make progress */
	FLUE_TICK_DONE = 2,  /**< no task is waiting at all */
	FLUE_TICK_DEADLOCK = 3, /**< tasks wait, and nothing can ever make them ready */
};

/**
 * @brief Store.tick: resume the task that became ready first (FIFO by
 *        ready stamp; docs/EXECUTOR.md) for one step. Pumps driver
 *        channels (flue_store_pump()) and applies posted host completions
 *        first. Never sleeps.
 * Context: executor thread, not from inside guest code.
 */
enum flue_tick_result flue_tick(struct flue_store *s);

/**
 * @brief Run every task that is ready, step by step, until none is, and
 *        return; never sleeps. For hosts that drive everything from one
 *        thread: call it again after acting (writing a host end, resolving
 *        a host call, an interrupt sending on a channel ...).
 * @retval 0 no task waits any more
 * @retval FLUE_EAGAIN tasks wait, and only something outside the executor
 *         can make them ready (host ends, host-function calls, driver
 *         channels with their host side open, posted completions or
 *         invocations)
 * @retval FLUE_EDEADLK tasks wait and nothing can ever make them ready
 * Context: executor thread, not from inside guest code. Cost: one
 * flue_tick() per step run, plus one that finds nothing ready.
 */
int flue_run(struct flue_store *s);

/**
 * @brief Tick until no task waits. Sleeps in flue_port_idle() while
 *        nothing is ready but something another thread or an interrupt
 *        can deliver may still make progress: driver channels whose host
 *        side is open (not flue_channel_close()d), posted completions or
 *        invocations, host-function calls not yet resolved
 *        (flue_host_post_return()). Never sleeps for ends held by a host
 *        instance: those are used on the executor thread only, so nothing
 *        could wake it; nor for a closed channel, which delivers nothing
 *        more.
 * @retval 0 no task waits any more
 * @retval FLUE_EAGAIN tasks wait, and only the host itself can make them
 *         ready (its stream/future ends): act on them, then call again
 * @retval FLUE_EDEADLK tasks wait and nothing can make them ready
 * Context: executor thread.
 */
int flue_run_until_idle(struct flue_store *s);

/**
 * @brief Where sync- and callback-lifted guest code runs. Off (the
 *        default, and the only choice without port fibers): on the
 *        executor's single stack; a blocking built-in inside it runs a
 *        nested scheduling loop, which cannot return to code below it on
 *        the stack, so a callee that blocks on something its caller only
 *        does after the call returns deadlocks (FLUE_TRAP_DEADLOCK). On:
 *        every step of every task runs on a fiber of its own, and a
 *        blocking built-in suspends it, exactly as the reference runs every
 *        thread on its own stack.
 * @retval 0, FLUE_ENOTSUP (on, and the port has no fibers)
 * Context: executor thread, before tasks exist.
 */
int flue_exec_set_stack_per_task(struct flue_store *s, bool on);

/**
 * @brief Observe traps (optional): `fn` is called for every trap while the
 *        executor is installed, before it is handled. A trap inside code
 *        the executor runs (guest code, host callbacks) then unwinds to the
 *        executor frame that entered it. A trap with no executor frame on
 *        the current stack (a built-in called directly by host code, e.g.
 *        between flue_run() calls) ends the instance's tasks at once and is
 *        then passed to the embedder's hook given to flue_store_init(),
 *        which the executor keeps (it must not return; NULL: the trap
 *        halts, exactly as without an executor).
 * Context: executor thread.
 */
void flue_exec_on_trap(struct flue_store *s,
		       void (*fn)(void *ctx, struct flue_instance *inst,
				  enum flue_trap_reason reason),
		       void *ctx);

#endif /* FLUE_EXEC_H */
