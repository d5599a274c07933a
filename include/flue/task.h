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

/**
 * A task: one call of a lifted export or host function, with its one
 * (implicit) thread, and the caller's view of it (the subtask). Private.
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
	/* Facts independent of the thread's state, kept as flags: each holds
	 * across several states and changes without the thread moving, so
	 * folding one into the enum would double those states. */
	bool cancellable;     /**< host functions: the current flue_wait_until() may
				   deliver a cancellation */
	bool cancelled;       /**< host functions: resumed with Cancelled.TRUE */
	bool fiber;           /**< runs on a fiber of its own (the stack it is on,
				   running or SUSPENDED) */
	bool exclusive;       /**< holds its instance's exclusive lock */
	bool aborted;         /**< its instance trapped: it unwinds when it next runs
				   (running, on the stack below, or blocked) */
	/* The record's two owners, each done on its own; the record is
	 * released when both are (and no barrier loop holds it). */
	bool callee_done;     /**< the callee side no longer needs the record: the
				   thread is EXITED (set by exec_thread() only; read
				   where the record is released, subtask.drop too) */
	bool caller_done;     /**< the caller side no longer needs the record */
	uint8_t sub_state;    /**< enum flue_subtask_state (the caller's view) */
	bool sub_cancel_requested;
	bool sub_cancel_wait; /**< the caller's subtask.cancel is running or waiting
				   for it: its thread may run under a sync barrier */
	bool sub_delivered;   /**< resolution delivered to the caller */
	bool sub_async;       /**< lowered async */
	uint8_t caller_inst;  /**< caller instance id, FLUE_REF_NONE: the host */
	uint8_t nflat;        /**< flat args kept in `flat` */
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
	bool woken;           /**< WOKEN / SET condition that may have changed since it
				   was last checked: re-checked at the next step */
	bool armed;           /**< parked YIELD or WAIT that only its instance's
				   exclusive lock kept from being ready when it was
				   last checked: the lock's release wakes it */
	uint32_t ctx[2];      /**< context.get/set slots */
	bool barrier;         /**< a sync-typed call waited for by its caller's
				   barrier loop: the record stays until it ends */
	bool (*ready_fn)(void *arg);
	void *ready_arg;
	bool (*done)(struct flue_instance *inst, uint32_t arg); /**< PRED condition */
	struct flue_func *func;
	void (*on_start)(void *user, struct flue_values *args);          /**< ORIGIN_INVOKE */
	void (*on_resolve)(void *user, const struct flue_values *results); /**< ORIGIN_INVOKE */
	void *user;
	struct flue_instance *host; /**< ORIGIN_INVOKE: host instance of ends */
	uint64_t flat[17];    /**< the caller's flat args; later the sync flat result */
	uint32_t ticket;      /**< flue_invoke_post's ticket, 0 = none */
	/* Not cleared when the record is reused (flue_task_alloc clears the
	 * fields above only): */
	uint16_t gen;         /**< the slot's generation (executor thread): bumped at
				   every allocation, never 0; call id = slot | gen << 16 */
	/** Host posts (flue_host_post_return()): only under the port lock. The
	 *  executor opens them when a host call starts and closes them when it
	 *  resolves, by any path, dropping a post not applied yet. */
	struct {
		enum flue_post_state {
			FLUE_POST_CLOSED = 0, /**< no host call waits here: posts are EBADF */
			FLUE_POST_OPEN,       /**< a host call of generation `gen` waits */
			FLUE_POST_FULL,       /**< ... and a post is pending (counted in
						   sched.posted) */
			FLUE_POST_TAKEN,      /**< the executor is applying the post */
		} state;
		uint16_t gen;         /**< generation of the call it is open for */
		uint8_t nv;           /**< result values a post must carry */
		bool ends;            /**< the result has ends: posts are refused */
		uint64_t v[FLUE_CONFIG_MAX_VALUES]; /**< the pending post's values */
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
	flue_port_flag_t post_flag; /**< raised after a post: the executor takes
				         the lock to apply posts only then */
	flue_port_flag_t inv_flag;  /**< raised after a posted invocation or
				         cancellation (applied at top level only) */
	uint8_t trapped;      /**< instance whose trap is being unwound */
	void (*on_trap)(void *ctx, struct flue_instance *inst, enum flue_trap_reason reason);
	void *on_trap_ctx;
};

#endif /* FLUE_TASK_H */
