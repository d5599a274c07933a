/**
 * @file flue/task.h
 * @brief Task records, their queues and the scheduler state of a store:
 *        the executor's private data, transparent only so that a store can
 *        be allocated statically. Part of flue/store.h, which includes it.
 */
#ifndef FLUE_TASK_H
#define FLUE_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/config.h>
#include <flue/thread_decide.h>
#include <flue/trap.h>

struct flue_instance;
struct flue_func;
struct flue_values;
struct flue_hvals;

/* ------------------------------------------------------------------ tasks */

#define FLUE_TASK_NONE 0xFFFFu

/** Link of a task in one of the scheduler's queues: 1 + task index, 0 = none. */
struct flue_qlink {
	uint16_t prev, next;
};

/** A scheduler queue (first and last: 1 + task index, 0 = empty). */
struct flue_qhead {
	uint16_t head, tail;
};

/** How a task's params arrive and its results leave. */
enum flue_task_origin {
	FLUE_ORIGIN_GUEST = 0, /**< a lowered call from guest code (a subtask) */
	FLUE_ORIGIN_INVOKE,    /**< flue_invoke() from the host */
};

/** Where a host call's post is (flue_host_post_return()): the record's
 *  `post.state`, under the port lock. The executor opens it when a host
 *  call starts and closes it when the call resolves, by any path,
 *  dropping a post not applied yet. */
enum flue_post_state {
	FLUE_POST_CLOSED = 0, /**< no host call waits here: posts are EBADF */
	FLUE_POST_OPEN,       /**< a host call of generation `post.gen` waits */
	FLUE_POST_FULL,       /**< ... and a post is pending: its values are in
				   post buffer `post.buf` (counted in sched.posted) */
	FLUE_POST_TAKEN,      /**< the executor is applying the post */
};

/** Flat params an async lowered call passes in registers; more go through
 *  a pointer (FLUE_MAX_FLAT_ASYNC_PARAMS of flue/functype.h). */
#define FLUE_TASK_ASYNC_FLAT 4u

/**
 * A task: one call of a lifted export or host function, with its one
 * (implicit) thread, and the caller's view of it (the subtask). Private.
 * At most 128 bytes on a 32-bit target (asserted in src/exec/queue.c):
 * the value buffers are sized by what a lowered call can pass (the unions
 * below), a post's values live in the store's post buffers.
 */
struct flue_task {
	bool used;
	uint8_t origin;       /**< enum flue_task_origin */
	uint8_t state;        /**< enum flue_task_state (flue/task_decide.h): the
				   spec's Task.State */
	uint8_t thread;       /**< enum flue_thread_state (flue/thread_decide.h): where
				   its thread is; changed only by exec_thread() */
	uint8_t cond;         /**< enum flue_cond: what it waits for in a waiting
				   `thread` state, NONE in the others */
	uint8_t sub_state;    /**< enum flue_subtask_state (the caller's view) */
	uint8_t caller_inst;  /**< caller instance id, FLUE_REF_NONE: the host */
	uint8_t nflat;        /**< flat params of a lowered call (`args` / `args_ref`) */
	/* Facts independent of the thread's state, kept as flags (one bit
	 * each: the record is at most 128 B on a 32-bit target): each holds
	 * across several states and changes without the thread moving, so
	 * folding one into the enum would double those states. */
	bool cancellable : 1; /**< host functions: the current flue_wait_until() may
				   deliver a cancellation */
	bool cancelled : 1;   /**< host functions: resumed with Cancelled.TRUE */
	bool fiber : 1;       /**< runs on a fiber of its own (the stack it is on,
				   running or SUSPENDED) */
	bool exclusive : 1;   /**< holds its instance's exclusive lock */
	bool aborted : 1;     /**< its instance trapped: it unwinds when it next runs
				   (running, on the stack below, or blocked) */
	/* The record's two owners, each done on its own; the record is
	 * released when both are (and no barrier loop holds it). */
	bool callee_done : 1; /**< the callee side no longer needs the record: the
				   thread is EXITED (set by exec_thread() only; read
				   where the record is released, subtask.drop too) */
	bool caller_done : 1; /**< the caller side no longer needs the record */
	bool barrier : 1;     /**< a sync-typed call waited for by its caller's
				   barrier loop: the record stays until it ends */
	bool sub_cancel_requested : 1;
	bool sub_cancel_wait : 1; /**< the caller's subtask.cancel is running or waiting
				   for it: its thread may run under a sync barrier */
	bool sub_delivered : 1; /**< resolution delivered to the caller */
	bool sub_async : 1;   /**< lowered async */
	uint16_t caller_task; /**< caller's task, FLUE_TASK_NONE: the host */
	uint32_t sub_handle;  /**< the subtask's handle in the caller, 0 = none */
	uint32_t arg;         /**< condition argument (set / handle / task) */
	uint32_t ready_stamp; /**< when its condition first held, 0 = not ready */
	uint64_t wait_seq;    /**< when it began waiting: sched.wait_clock, which
				   never wraps (0 = never) */
	/* The scheduler's links (flue/wake_decide.h: the wake classes). */
	struct flue_qlink wlink; /**< while it waits: POLLED conditions in
				      sched.pollq, WAIT in its set's `parked` list */
	struct flue_qlink rlink; /**< in sched.readyq while ready_stamp != 0 */
	struct flue_qlink klink; /**< in sched.wakeq while `woken` */
	struct flue_qlink alink; /**< in its instance's sched.lock[].armed while `armed` */
	bool woken : 1;       /**< WOKEN / SET condition that may have changed since it
				   was last checked: re-checked at the next step */
	bool armed : 1;       /**< parked YIELD or WAIT that only its instance's
				   exclusive lock kept from being ready when it was
				   last checked: the lock's release wakes it */
	uint16_t num_borrows; /**< borrow handles of its instance whose scope it is
				   (the reference's Task.num_borrows): it may not
				   resolve while any is left */
	uint32_t ctx[2];      /**< context.get/set slots; a host function's task,
				   whose slots no guest built-in reads: ctx[0]
				   where its params were moved into its arena,
				   ctx[1] that move's error, negated (exec/graph.c) */
	struct flue_func *func;
	uint32_t out;         /**< ORIGIN_GUEST: the caller's last flat arg, its out
				   pointer when the results go through memory */
	/** What a blocked thread's condition calls (one blocking wait at a time). */
	union {
		struct {
			bool (*ready_fn)(void *arg); /**< COND_FN: flue_wait_until() */
			void *ready_arg;
		};
		bool (*done)(struct flue_instance *inst, uint32_t arg); /**< COND_PRED */
	};
	/** ORIGIN_GUEST: the lowered import called (the caller's options for
	 *  graph-typed values); it outlives the call (flue/exec.h). On a
	 *  32-bit target this fills the padding before the 8-aligned union. */
	const struct flue_lowered *lowered;
	/** The call's values, by origin and phase. */
	union {
		/** ORIGIN_GUEST, lowered async: its flat params (at most
		 *  FLUE_TASK_ASYNC_FLAT; more go through a pointer), copied, since
		 *  the caller goes on; read when the thread starts. */
		uint64_t args[FLUE_TASK_ASYNC_FLAT];
		struct {
			/** ORIGIN_GUEST, lowered sync: the caller's flat args, in its
			 *  frame, which stays alive until the call resolves (it waits
			 *  in flue_call_lowered(): a nested loop or its own fiber);
			 *  read when the thread starts. */
			const uint64_t *args_ref;
			/** ORIGIN_GUEST, lowered sync: the flat result (at most one),
			 *  from the resolution until the caller takes it. */
			uint64_t result;
		};
		struct { /* ORIGIN_INVOKE */
			void (*on_start)(void *user, struct flue_values *args);
			void (*on_resolve)(void *user, const struct flue_values *results);
			void *user;
			struct flue_instance *host; /**< host instance of ends */
			uint32_t ticket;            /**< flue_invoke_post's ticket, 0 = none */
			/** graph function types (flue_invoke_vals): the results' view
			 *  callback, and the params' tuple in the host's arena */
			void (*on_resolve_vals)(void *user, const struct flue_hvals *results);
			uint32_t args_ptr;
		};
	};
	/* Not cleared when the record is reused (flue_task_alloc clears the
	 * fields above only): */
	uint16_t gen;         /**< the slot's generation (executor thread): bumped at
				   every allocation, never 0; call id = slot | gen << 16 */
	/** Host posts (flue_host_post_return()): only under the port lock. */
	struct {
		uint8_t state;        /**< enum flue_post_state */
		uint8_t nv;           /**< result values a post must carry */
		bool ends;            /**< the result has ends: posts are refused */
		uint16_t gen;         /**< generation of the call it is open for */
		uint16_t buf;         /**< FULL: 1 + its post buffer (sched.post_buf) */
	} post;
};

/** An invocation posted by another thread (flue_invoke_post). */
struct flue_posted_invoke {
	struct flue_func *func;
	struct flue_instance *host;
	void (*on_start)(void *user, struct flue_values *args);
	void (*on_resolve)(void *user, const struct flue_values *results);
	void *user;
	uint32_t ticket;
	bool cancelled; /**< cancelled before it started */
};

/** An instance's exclusive lock as the scheduler's conditions last saw it. */
struct flue_sched_lock {
	struct flue_qhead armed; /**< its `armed` tasks (linked by their `alink`) */
	bool held;            /**< held at the last re-check of conditions */
	bool turned;          /**< changed between free and held since: listed in
				   sched.turned */
};

/** Scheduler state of a store (private). */
struct flue_sched {
	/* Posted invocations: a ring written by host threads and read by the
	 * executor, both under the port lock. */
	struct flue_posted_invoke inv[FLUE_CONFIG_MAX_TASKS];
	uint16_t inv_head, inv_count;
	uint32_t next_ticket; /**< last ticket handed out (port lock) */
	uint32_t cancel_ticket[FLUE_CONFIG_MAX_TASKS]; /**< posted cancellations */
	uint16_t ncancel;
	uint16_t current;     /**< running task, FLUE_TASK_NONE: the host */
	struct flue_instance *barrier; /**< instance of the innermost unresolved
					    sync-typed call: only its threads (and
					    host functions) may run; NULL: none */
	uint8_t depth;        /**< nested loops on the executor stack */
	bool installed;       /**< the executor owns traps and blocking */
	bool stack_per_task;  /**< sync/callback steps also run on fibers */
	uint32_t seq;         /**< ready stamps */
	uint64_t wait_clock;  /**< wait_seq of the last task that began waiting */
	struct flue_qhead pollq;  /**< tasks waiting for a POLLED condition, in
				       wait_seq order: re-checked at every step */
	struct flue_qhead wakeq;  /**< woken tasks (`woken`), in wait_seq order:
				       re-checked at the next step */
	struct flue_qhead readyq; /**< ready tasks, in ready_stamp order */
	struct flue_sched_lock lock[FLUE_CONFIG_MAX_INSTANCES]; /**< per instance */
	uint8_t turned[FLUE_CONFIG_MAX_INSTANCES]; /**< instances whose lock turned
				       since the last re-check (`nturned` of them) */
	uint8_t nturned;
	uint16_t nparked;     /**< tasks whose cond is not NONE (HOST included) */
	uint16_t nhost;       /**< tasks whose cond is HOST */
	uint32_t posted;      /**< posts pending (tasks' post.state FULL; port lock) */
	/* The values of pending posts (port lock): a post takes a buffer, the
	 * executor gives it back when it applies or drops the post. Free ones
	 * are linked through their first word (1 + next, 0 = none); those past
	 * post_unused were never used (a zeroed store is ready). */
	uint64_t post_buf[FLUE_CONFIG_MAX_POSTS][FLUE_CONFIG_MAX_VALUES];
	uint16_t post_free;   /**< 1 + first free buffer, 0 = none */
	uint16_t post_unused; /**< buffers from here on were never taken */
	flue_port_flag_t post_flag; /**< raised after a post: the executor takes
				         the lock to apply posts only then */
	flue_port_flag_t inv_flag;  /**< raised after a posted invocation or
				         cancellation (applied at top level only) */
	uint8_t trapped;      /**< instance whose trap is being unwound */
	void (*on_trap)(void *ctx, struct flue_instance *inst, enum flue_trap_reason reason);
	void *on_trap_ctx;
};

#endif /* FLUE_TASK_H */
