/**
 * @file flue/store.h
 * @brief The data plane's objects: store, component instances, handle
 *        tables, stream/future shared objects and their ends, waitable sets,
 *        element types, traps.
 *
 * All storage is caller-owned: define a store with FLUE_STORE_DEFINE() (or
 * declare a `struct flue_store` anywhere and call flue_store_init()). Sizes
 * come from flue/config.h. The structs are transparent so that they can be
 * allocated statically; their fields are private to flue.
 *
 * Threading: one executor thread owns a store and is the only one that may
 * call into it, except for the functions whose documentation says "any
 * thread or ISR" (they only take the port lock and wake the executor):
 * flue_invoke_post(), flue_invoke_cancel_post(), flue_host_post_return()
 * (flue/exec.h), flue_channel_send() / _recv() / _close() (flue/channel.h),
 * and flue_invoke_blocking() from a host thread. The host-end API of
 * flue/host.h is the executor thread's too.
 */
#ifndef FLUE_STORE_H
#define FLUE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/port.h>
#include <flue/config.h>

/* ------------------------------------------------------------ element types */

/** Number types usable as stream/future elements or record fields. */
enum flue_num {
	FLUE_NUM_U8 = 1, FLUE_NUM_S8, FLUE_NUM_U16, FLUE_NUM_S16,
	FLUE_NUM_U32, FLUE_NUM_S32, FLUE_NUM_U64, FLUE_NUM_S64,
	FLUE_NUM_F32, FLUE_NUM_F64,
};

/** Shape of an element type. */
enum flue_type_kind {
	FLUE_TYPE_UNIT = 0,   /**< no payload: `stream`, `future` */
	FLUE_TYPE_NUMBER = 1, /**< one number */
	FLUE_TYPE_RECORD = 2, /**< record/tuple of numbers, canonical-ABI layout */
};

/** Describes an element type when it is registered. */
struct flue_type_desc {
	uint8_t kind;    /**< enum flue_type_kind */
	uint8_t num;     /**< FLUE_TYPE_NUMBER: enum flue_num */
	uint8_t nfields; /**< FLUE_TYPE_RECORD: 1..FLUE_CONFIG_MAX_TYPE_FIELDS */
	uint8_t fields[FLUE_CONFIG_MAX_TYPE_FIELDS]; /**< enum flue_num each */
};

/** A registered element type: 1..FLUE_CONFIG_MAX_TYPES (0 is invalid). */
typedef uint8_t flue_type_t;

/** Layout of a registered type (canonical ABI). */
struct flue_type_info {
	struct flue_type_desc desc;
	uint32_t size;       /**< element size in bytes (0 for unit) */
	uint32_t align;      /**< element alignment (1 for unit) */
	bool none_or_number; /**< may rendezvous within one instance */
	bool has_float;      /**< copies canonicalise NaNs field by field */
	uint8_t offsets[FLUE_CONFIG_MAX_TYPE_FIELDS];
};

/* -------------------------------------------------------------------- traps */

/** Why a built-in trapped. flue_trap_message() gives the text. */
enum flue_trap_reason {
	FLUE_TRAP_NONE = 0,
	FLUE_TRAP_POISONED,           /**< the instance trapped earlier */
	FLUE_TRAP_MAY_NOT_LEAVE,      /**< built-in called while may_leave is clear */
	FLUE_TRAP_BAD_HANDLE,         /**< index out of range or slot empty */
	FLUE_TRAP_WRONG_KIND,         /**< handle is not of the kind the built-in needs */
	FLUE_TRAP_TYPE_MISMATCH,      /**< end's element type differs from the built-in's */
	FLUE_TRAP_TABLE_FULL,         /**< handle table (or 2^28-1) exhausted */
	FLUE_TRAP_POOL_FULL,          /**< a configured pool (flue/config.h) is exhausted */
	FLUE_TRAP_NOT_IDLE,           /**< read/write on an end that is not idle */
	FLUE_TRAP_SYNC_IN_SET,        /**< synchronous op on a waitable in a set */
	FLUE_TRAP_LENGTH,             /**< n > 2^28 - 1 */
	FLUE_TRAP_MISALIGNED,         /**< pointer not aligned for the element / payload */
	FLUE_TRAP_OUT_OF_BOUNDS,      /**< range beyond linear memory */
	FLUE_TRAP_SAME_INSTANCE,      /**< same-instance rendezvous of a non-number type */
	FLUE_TRAP_NOT_COPYING,        /**< cancel without an op in progress */
	FLUE_TRAP_SYNC_WAITER,        /**< another thread is sync-waiting on the waitable */
	FLUE_TRAP_DROP_WHILE_COPYING, /**< drop of an end with an op in progress */
	FLUE_TRAP_FUTURE_NOT_DONE,    /**< future.drop-writable before a write completed */
	FLUE_TRAP_SET_NOT_EMPTY,      /**< waitable-set.drop with members */
	FLUE_TRAP_SET_HAS_WAITERS,    /**< waitable-set.drop while someone waits on it */
	FLUE_TRAP_BACKPRESSURE_OVERFLOW,  /**< backpressure.inc past 2^16 - 1 */
	FLUE_TRAP_BACKPRESSURE_UNDERFLOW, /**< backpressure.dec below 0 */
	FLUE_TRAP_WOULD_BLOCK,        /**< a synchronous built-in must block, and no executor can */
	FLUE_TRAP_NO_MEMORY,          /**< the built-in needs linear memory, none is set */
	FLUE_TRAP_NO_TASK,            /**< a task built-in called outside a task of this instance */
	FLUE_TRAP_NOT_ASYNC,          /**< task.return / task.cancel in a sync-lifted task */
	FLUE_TRAP_RESULT_TYPE,        /**< task.return's type or values differ from the task's */
	FLUE_TRAP_ALREADY_RESOLVED,   /**< task.return / task.cancel after the task resolved */
	FLUE_TRAP_CANCEL_NOT_DELIVERED, /**< task.cancel before a cancellation was delivered */
	FLUE_TRAP_EXIT_UNRESOLVED,    /**< a task's thread exited without task.return / task.cancel */
	FLUE_TRAP_CALLBACK_CODE,      /**< callback returned a code > 2 */
	FLUE_TRAP_NOT_A_SET,          /**< callback WAIT named something that is not a waitable set */
	FLUE_TRAP_SUBTASK_NOT_DONE,   /**< subtask.drop before its resolution was delivered */
	FLUE_TRAP_SUBTASK_DELIVERED,  /**< subtask.cancel after its resolution was delivered */
	FLUE_TRAP_CANCEL_TWICE,       /**< subtask.cancel twice */
	FLUE_TRAP_SIGNATURE,          /**< lowered call with the wrong number of flat args */
	FLUE_TRAP_DEADLOCK,           /**< blocked, and nothing it may run can make progress */
	FLUE_TRAP_NESTING_LIMIT,      /**< FLUE_CONFIG_MAX_NESTING nested blocking calls */
	FLUE_TRAP_BAD_VALUE,          /**< a value does not fit its type (e.g. realloc result) */
	FLUE_TRAP_CALLEE_TRAPPED,     /**< a synchronous call's callee trapped (no value to return) */
	/* Tasks and cancellation (current spec; lead): */
	FLUE_TRAP_CANCEL_IN_SET,      /**< subtask.cancel (sync or async) of a subtask in a
					   waitable set (#715) */
	/* Stream/future copy results and idle-drop (#719, #720): */
	/* stream.forward / future.forward (#717): */
	FLUE_TRAP_FORWARD_BUSY,       /**< forward of an end with a copy or cancel in progress */
	FLUE_TRAP_FORWARD_DONE,       /**< forward of an end that is done (it was told of the
					   other end's drop, or a future's value moved) */
	FLUE_TRAP_FORWARD_IN_SET,     /**< forward of an end that is in a waitable set */
	FLUE_TRAP_FORWARD_CHANNELS,   /**< forward would join two driver channels (flue/channel.h) */
	/* Raised by guest code or its glue (flue_trap_raise()): */
	FLUE_TRAP_WASM_UNREACHABLE,   /**< wasm: `unreachable` executed */
	FLUE_TRAP_WASM_OUT_OF_BOUNDS, /**< wasm: linear-memory or table access out of bounds */
	FLUE_TRAP_WASM_INT_OVERFLOW,  /**< wasm: integer overflow (division or truncation) */
	FLUE_TRAP_WASM_DIV_BY_ZERO,   /**< wasm: integer division by zero */
	FLUE_TRAP_WASM_INVALID_CONVERSION, /**< wasm: NaN converted to an integer */
	FLUE_TRAP_WASM_CALL_INDIRECT, /**< wasm: call_indirect of a null, out-of-range or
					   wrongly typed table entry */
	FLUE_TRAP_WASM_STACK_EXHAUSTED, /**< wasm: call depth limit reached */
	FLUE_TRAP_WASM_EXCEPTION,     /**< wasm: exception thrown and not caught */
	FLUE_TRAP_WASM_BAD_ENV,       /**< an import was called with an import pointer that
					   is not the calling instance's (corrupted state) */
	/* Object-layer contracts (issue 10): */
	FLUE_TRAP_DESTROYED,          /**< built-in called on a destroyed instance */
	/* Trap order of the built-ins (issue 10): */
	FLUE_TRAP_END_IN_SET,         /**< a stream/future end passed in a value (lifted)
					   is in a waitable set */
	FLUE_TRAP_BAD_DECISION,       /**< a proved decision returned an action its caller
					   does not apply (broken invariant; never expected) */
	FLUE_TRAP_REASON_COUNT
};

struct flue_instance;
struct flue_channel;
struct flue_func;
struct flue_store;
struct flue_values;

/**
 * Trap hook: called once per trap after the instance is poisoned and the
 * reason recorded. It must not return (e.g. longjmp back to the embedder,
 * or wasm2c's trap path). If it does return, flue_port_halt() is called.
 */
typedef void (*flue_trap_hook_t)(void *ctx, struct flue_instance *inst,
				 enum flue_trap_reason reason, uint32_t handle);

/** Results of the blocking service. */
enum flue_block_result {
	FLUE_BLOCK_DONE = 0,      /**< `done` holds now */
	FLUE_BLOCK_CANNOT = 1,    /**< nothing can block here: the built-in traps */
};

/**
 * The executor's blocking service (installed by the executor,
 * flue/exec.h): suspend the current thread, running other work, until
 * `done(inst, arg)` holds (`done` NULL: yield once). A blocked built-in is
 * never interrupted by a cancellation (#716: only a callback event loop
 * receives one). While no executor is installed, a synchronous built-in
 * that would have to block traps with FLUE_TRAP_WOULD_BLOCK.
 */
typedef uint8_t (*flue_block_hook_t)(void *ctx, struct flue_instance *inst,
				     bool (*done)(struct flue_instance *inst, uint32_t arg),
				     uint32_t arg);

/** Executor services the task built-ins call (installed by the executor). */
struct flue_exec_hooks {
	/** Resolve task `task` with `values` (NULL: cancelled). */
	void (*resolve)(struct flue_store *s, uint16_t task, const struct flue_values *values);
	/** subtask.cancel requests cancellation of `task`; `resume_one`
	 *  (async form, #723): if that left it unresolved, resume one ready
	 *  thread of its instance (flue_cancel_resume_decide). */
	void (*cancel)(struct flue_store *s, uint16_t task, bool resume_one);
	/** The instance is being destroyed: its tasks resolve without a value. */
	void (*abort)(struct flue_store *s, struct flue_instance *inst);
};

/* ---------------------------------------------------------- handle tables */

/** Kinds of handle-table entries. */
enum flue_handle_kind {
	FLUE_H_FREE = 0,
	FLUE_H_STREAM_READABLE,
	FLUE_H_STREAM_WRITABLE,
	FLUE_H_FUTURE_READABLE,
	FLUE_H_FUTURE_WRITABLE,
	FLUE_H_WAITABLE_SET,
	FLUE_H_ERROR_CONTEXT,
	FLUE_H_SUBTASK,
};

/** Copy state of a stream/future end (the reference's CopyState). */
enum flue_copy_state {
	FLUE_END_IDLE = 0,
	FLUE_END_COPYING,
	FLUE_END_CANCELLING,
	FLUE_END_DONE,
};

/** Result of a copy, inside flue (the ABI maps it to COMPLETED/DROPPED/CANCELLED). */
enum flue_copy_result {
	FLUE_RESULT_COMPLETED = 0,
	FLUE_RESULT_DROPPED = 1,
	FLUE_RESULT_CANCELLED = 2,
};

/** Waitable part of a handle (stream/future ends, subtasks). Handle
 *  indices are 16-bit (FLUE_CONFIG_MAX_HANDLES <= 65535), so a slot stays
 *  within the sizes flue/config.h states. */
struct flue_waitable {
	uint32_t stamp;   /**< store time at which its event first became pending */
	uint16_t wset;    /**< handle index of its waitable set, 0 = none */
	uint16_t prev;    /**< neighbours in the set's pending queue (0 = none) */
	uint16_t next;
	bool has_event;   /**< a pending event exists (computed at delivery) */
	bool sync_waiter; /**< a thread blocks in a synchronous op on it */
};

/** A stream or future end. */
struct flue_end {
	struct flue_waitable w;
	uint16_t shared;        /**< index into the store's shared-object pool */
	uint8_t state : 2;      /**< enum flue_copy_state */
	uint8_t ev_result : 2;  /**< pending event's recorded enum flue_copy_result
				     (what delivery reports: flue_copy_event_decide) */
	bool ev_reclaim : 1;    /**< on delivery, un-park the op (reclaim its buffer) */
	uint32_t ptr;        /**< guest buffer of the op in progress (offset) */
	uint32_t len;        /**< its length in elements */
	uint32_t progress;   /**< elements moved so far */
};

/** A waitable set: its pending members form a queue ordered by stamp. */
struct flue_wset {
	uint16_t head;        /**< oldest pending member (handle index), 0 = none */
	uint16_t tail;
	uint16_t members;     /**< joined waitables */
	uint16_t waiting;     /**< threads (or callback loops) waiting on it (each is a
				   task: at most FLUE_CONFIG_MAX_TASKS) */
};

/** A subtask handle: a waitable naming the callee's task record. */
struct flue_subtask {
	struct flue_waitable w;
	uint16_t task; /**< index in the store's task pool */
};

/** One handle-table slot. */
struct flue_handle {
	uint8_t kind; /**< enum flue_handle_kind */
	union {
		struct flue_end end;
		struct flue_subtask sub;
		struct flue_wset wset;
		uint16_t next_free; /**< FREE: next slot of the LIFO free list */
	} u;
};

/* ------------------------------------------------------------ instances */

/** How an embedder's linear-memory size is stored (its bytes). */
enum flue_mem_size_width {
	FLUE_MEM_SIZE_NONE = 0, /**< no memory set */
	FLUE_MEM_SIZE_32 = 4,   /**< uint32_t (flue_instance_set_memory32) */
	FLUE_MEM_SIZE_64 = 8,   /**< uint64_t (flue_instance_set_memory) */
};

/** A component instance: its handle table, memory and flags. Fields are
 *  ordered by alignment so the header has no padding (flue/config.h states
 *  its size). */
struct flue_instance {
	uint64_t host_size;
	struct flue_store *store;
	uint8_t *const *mem_data;  /**< linear memory base, re-read at every access */
	const void *mem_size;      /**< linear memory size in bytes, likewise: a
				        uint64_t or a uint32_t, as mem_size_width says */
	uint8_t *host_data;        /**< host instances: their arena (mem_data points here) */
	uint32_t waiting_to_enter; /**< calls held at the entry gate */
	uint32_t trap_handle;  /**< handle index involved in the first trap */
	uint32_t len;          /**< next never-used slot (the reference's len(array)) */
	uint32_t free_head;    /**< LIFO list of freed slots, 0 = empty */
	uint32_t nfree;        /**< slots on that list (keeps room checks O(1)) */
	uint16_t gen;          /**< creations of this slot so far (functions lifted
				    for an earlier instance in the slot stay dead) */
	uint16_t backpressure; /**< backpressure.inc/dec counter */
	uint16_t exclusive;    /**< task holding the exclusive lock, FLUE_TASK_NONE = none */
	uint8_t id;            /**< index in the store's pool */
	bool live;             /**< created and not destroyed */
	bool poisoned;         /**< trapped: every later built-in traps at once */
	bool may_leave;        /**< cleared while realloc/post-return run */
	uint8_t trap_reason;   /**< enum flue_trap_reason of the first trap */
	uint8_t mem_size_width;    /**< enum flue_mem_size_width */
	struct flue_handle handles[FLUE_CONFIG_MAX_HANDLES];
};

/* ------------------------------------------------------- shared objects */

/** Which side of a shared object has an op parked. */
enum flue_side { FLUE_SIDE_NONE = 0, FLUE_SIDE_READER, FLUE_SIDE_WRITER };

/** Where an end lives: an instance's handle, or nowhere after its drop. */
struct flue_end_ref {
	uint8_t inst;    /**< instance id; FLUE_REF_NONE when dropped */
	uint32_t handle; /**< handle index in that instance's table */
};
#define FLUE_REF_NONE 0xFFu
#define FLUE_REF_TRANSIT 0xFEu /**< lifted, not yet lowered (a value in a call) */

/** A stream's or future's shared object. */
struct flue_shared {
	uint8_t kind;    /**< 0 free, 1 stream, 2 future */
	flue_type_t type;
	bool dropped;    /**< either end was dropped */
	uint8_t pending; /**< enum flue_side: whose op is parked */
	struct flue_end_ref reader, writer;
	uint16_t next_free;
	struct flue_channel *channel; /**< host side is a driver channel (flue/channel.h) */
};

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

/** What a parked task waits for (docs/EXECUTOR.md); checked by the scheduler. */
enum flue_cond {
	FLUE_COND_NONE = 0,  /**< running, or on the stack below a running task */
	FLUE_COND_GATE,      /**< held at the entry gate */
	FLUE_COND_YIELD,     /**< callback YIELD: the exclusive lock is free */
	FLUE_COND_WAIT,      /**< callback WAIT: lock free and set `arg` has an event */
	FLUE_COND_SET,       /**< waitable-set.wait: set `arg` has an event */
	FLUE_COND_EVENT,     /**< sync op / cancel: waitable `arg` has an event */
	FLUE_COND_SUBTASK,   /**< sync lower: the callee task `arg` resolved */
	FLUE_COND_READY,     /**< thread.yield: ready at once */
	FLUE_COND_FN,        /**< flue_wait_until(): ready_fn(ready_arg) */
	FLUE_COND_PRED,      /**< a blocking built-in: done(inst, arg) */
	FLUE_COND_HOST,      /**< a host function's call, until the host resolves it */
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
	uint8_t state;        /**< enum flue_task_state (flue/task_decide.h) */
	uint8_t cond;         /**< enum flue_cond */
	bool cancellable;     /**< host functions: the current flue_wait_until() may
				   deliver a cancellation */
	bool cancelled;       /**< host functions: resumed with Cancelled.TRUE */
	bool fiber;           /**< runs on its own stack (STACKFUL) */
	bool started_thread;  /**< its thread has begun running (past the gate) */
	bool nested;          /**< blocked in a nested loop on the executor stack */
	bool exclusive;       /**< holds its instance's exclusive lock */
	bool aborted;         /**< its instance trapped: unwind when resumed */
	bool callee_done;     /**< the callee side no longer needs the record */
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
	uint32_t wait_seq;    /**< when it started waiting */
	uint32_t ready_stamp; /**< when its condition first held, 0 = not ready */
	struct flue_qlink wlink; /**< in sched.waitq while parked (cond not NONE/HOST) */
	struct flue_qlink rlink; /**< in sched.readyq while ready_stamp != 0 */
	uint32_t ctx[2];      /**< context.get/set slots */
	bool thread_done;     /**< its thread finished (host: start returned) */
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
	uint32_t seq;         /**< wait sequence and ready stamps */
	struct flue_qhead waitq;  /**< parked schedulable tasks, in wait_seq order */
	struct flue_qhead readyq; /**< ready tasks, in ready_stamp order */
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

/* ----------------------------------------------------------------- store */

/** Everything flue owns for a set of component instances. */
struct flue_store {
	flue_trap_hook_t trap_hook;
	void *trap_ctx;
	flue_trap_hook_t embedder_hook; /**< the embedder's hook, kept (chained)
					     when an executor takes trap_hook */
	void *embedder_ctx;
	flue_block_hook_t block_hook;
	void *block_ctx;
	const struct flue_exec_hooks *exec_hooks; /**< NULL until an executor is installed */
	uint32_t clock;           /**< stamps pending events (first-pending order) */
	uint16_t shared_free;     /**< LIFO free list of shared objects (index + 1) */
	uint16_t shared_unused;   /**< next never-used shared object */
	uint8_t ntypes;
	struct flue_channel *channels; /**< attached driver channels, for pumping */
	struct flue_type_info types[FLUE_CONFIG_MAX_TYPES];
	struct flue_shared shared[FLUE_CONFIG_MAX_SHARED];
	struct flue_instance instances[FLUE_CONFIG_MAX_INSTANCES];
	struct flue_sched sched;
	struct flue_task tasks[FLUE_CONFIG_MAX_TASKS];
	flue_port_fiber_t fibers[FLUE_CONFIG_MAX_TASKS]; /**< task i's stack, if it has one */
};

/** Define a zero-initialised store; call flue_store_init() before use. */
#define FLUE_STORE_DEFINE(name) static struct flue_store name

/**
 * @brief Initialise a store: no instances, no types, no shared objects.
 * @param hook trap hook (must not return); NULL makes a trap halt. An
 *        executor installed later keeps it for traps raised outside its
 *        frames (flue_exec_on_trap()).
 * Context: thread, before any other use. Never fails; `s` NULL: no-op.
 */
void flue_store_init(struct flue_store *s, flue_trap_hook_t hook, void *ctx);

/**
 * @brief Register (or find) an element type.
 * @retval 0 and `*out` set; identical descriptors give the same id
 * @retval FLUE_EINVAL `s`, `d` or `out` NULL, or a malformed descriptor
 *         (unknown kind/number, 0 or too many fields) — strings, lists,
 *         chars, bools and handles are not supported element types and are
 *         rejected here
 * @retval FLUE_ENOMEM FLUE_CONFIG_MAX_TYPES reached
 */
int flue_type_register(struct flue_store *s, const struct flue_type_desc *d,
		       flue_type_t *out);

/** @brief Layout of a registered type, or NULL for an invalid id (or `s` NULL). */
const struct flue_type_info *flue_type_get(const struct flue_store *s, flue_type_t t);

/**
 * @brief Create a component instance with an empty handle table. It may
 *        take the slot (and so the address) of a destroyed instance; it
 *        starts clean there: not poisoned, no handles, no memory.
 * @retval 0 and `*out` set
 * @retval FLUE_EINVAL `s` or `out` NULL
 * @retval FLUE_ENOMEM FLUE_CONFIG_MAX_INSTANCES live instances exist
 */
int flue_instance_create(struct flue_store *s, struct flue_instance **out);

/**
 * @brief Point an instance at its linear memory. flue keeps the two
 *        pointers and re-reads base and size at every access, so memory may
 *        move or grow between built-in calls (wasm2c: `&mem->data`,
 *        `&mem->size`).
 *
 * `data` or `size` NULL: the instance has no memory (a built-in that needs
 * one traps FLUE_TRAP_NO_MEMORY). A base that reads as NULL counts as a
 * memory of size 0 whatever the size says: every non-empty range traps
 * FLUE_TRAP_OUT_OF_BOUNDS, nothing is computed from NULL. Memory must not
 * shrink under a parked stream/future op (wasm memories never shrink): if
 * it does, the op that would move bytes to or from that buffer is refused
 * before anything changes — a guest's read/write traps
 * FLUE_TRAP_OUT_OF_BOUNDS, a host op returns FLUE_EINVAL, a driver channel
 * leaves the op parked until the range is back (flue_store_pump()).
 * `inst` NULL or destroyed: no-op.
 * Context: executor thread.
 */
void flue_instance_set_memory(struct flue_instance *inst, uint8_t *const *data,
			      const uint64_t *size);

/**
 * @brief flue_instance_set_memory() for runtimes that keep the memory size
 *        as a 32-bit byte count: wabt 1.0.32's wasm2c (`wasm_rt_memory_t`:
 *        pass `&mem->data`, `&mem->size`). Memory may move or grow between
 *        built-in calls, as there; NULL arguments, a NULL base, shrinking
 *        and a NULL or destroyed `inst` are handled as there.
 */
void flue_instance_set_memory32(struct flue_instance *inst, uint8_t *const *data,
				const uint32_t *size);

/** @brief Whether an embedder set a linear memory for `inst` (false for NULL). */
bool flue_instance_has_memory(const struct flue_instance *inst);

/**
 * @brief Tear an instance down (trapped or not): with an executor, its
 *        tasks resolve without a value first (callers see CANCELLED_*);
 *        every stream/future end it holds is dropped (peers see DROPPED, as
 *        for a drop-readable / drop-writable, even mid-copy), its slot
 *        returns to the pool.
 * From then on every built-in called on it traps FLUE_TRAP_DESTROYED
 * (with or without an executor), the host API refuses it (flue/host.h,
 * flue/channel.h: FLUE_EINVAL) and nothing is ever added to its table, so an
 * instance created later in the same slot starts clean. `inst` NULL or
 * already destroyed: no-op.
 * Context: executor thread, not from inside the instance's own code. Its
 * threads still blocked on their own stacks unwind at the executor's next
 * steps: run the loop (flue_run_until_idle) before creating instances that
 * could reuse the slot.
 */
void flue_instance_destroy(struct flue_instance *inst);

/**
 * @brief Trap `inst` from its own guest code or the glue around it (e.g. a
 *        wasm trap: FLUE_TRAP_WASM_*): the reason is recorded, the instance
 *        poisoned and the step unwound exactly as for a built-in's trap
 *        (with an executor: back to the frame that entered the guest, the
 *        instance's tasks resolving without a value; without one: the
 *        store's trap hook). A reason outside the enum is recorded as
 *        FLUE_TRAP_BAD_VALUE; a destroyed `inst` reports
 *        FLUE_TRAP_DESTROYED; `inst` NULL: flue_port_halt(). Never returns.
 * Context: executor thread, inside guest code of `inst` (elsewhere there is
 * no frame to unwind to and flue_port_halt() is called).
 */
_Noreturn void flue_trap_raise(struct flue_instance *inst, enum flue_trap_reason reason);

/** @brief Text for a trap reason (never NULL). */
const char *flue_trap_message(enum flue_trap_reason reason);

#endif /* FLUE_STORE_H */
