/**
 * @file flue/trap.h
 * @brief Trap reasons and the hooks through which a store reaches its
 *        embedder (traps) and its executor (blocking, task services).
 *        Part of flue/store.h, which includes it.
 */
#ifndef FLUE_TRAP_H
#define FLUE_TRAP_H

#include <stdbool.h>
#include <stdint.h>

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
	/* Isolated guests (issue 11: the privilege gate, flue/port.h): */
	FLUE_TRAP_MEMORY_FAULT,       /**< guest code touched memory outside its domain
					   (MemManage, BusFault, a stacking fault) */
	FLUE_TRAP_ILLEGAL_INSTRUCTION, /**< guest code executed an undefined instruction or
					    branched to a bad state (UsageFault, HardFault) */
	FLUE_TRAP_GATE,               /**< guest code broke the privilege gate's rules */
	FLUE_TRAP_BUDGET,             /**< guest code ran past its step budget */
	FLUE_TRAP_RING,               /**< a shared-ring built-in misused (flue/ring.h) */
	FLUE_TRAP_BAD_CHAR,           /**< a `char` is a surrogate or above 0x10FFFF */
	FLUE_TRAP_BAD_DISCRIMINANT,   /**< a variant's case index is not one of its cases */
	FLUE_TRAP_BAD_ENCODING,       /**< a string's bytes are not valid in its encoding */
	FLUE_TRAP_STRING_TOO_LONG,    /**< a string of 2^28 bytes or more */
	FLUE_TRAP_LIST_TOO_LONG,      /**< a list of 2^28 bytes or more */
	FLUE_TRAP_REALLOC_MISALIGNED, /**< realloc returned a pointer not aligned as asked */
	FLUE_TRAP_REALLOC_OUT_OF_BOUNDS, /**< realloc returned a range beyond linear memory */
	FLUE_TRAP_NO_REALLOC,         /**< a value needs memory allocated and the instance's
					   function has no realloc */
	FLUE_TRAP_RESOURCE_LENT,      /**< a resource handle dropped or passed as own while
					   lent to a call in progress */
	FLUE_TRAP_NOT_OWN,            /**< a borrow handle passed where an own is expected */
	FLUE_TRAP_BORROWS_OUTSTANDING, /**< a task resolved with borrow handles it
					    received still undropped */
	FLUE_TRAP_NOT_IMPLEMENTER,    /**< resource.new / resource.rep outside the instance
					   that implements the resource type */
	FLUE_TRAP_NOT_SUPPORTED,      /**< a built-in flue does not support for these
					   arguments yet (docs/CONFORMANCE.md says which) */
	FLUE_TRAP_REASON_COUNT
};

struct flue_instance;
struct flue_channel;
struct flue_ring;
struct flue_func;
struct flue_store;
struct flue_values;
struct flue_vmove;

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
	/** Resolve task `task` with graph-typed values (flue/valtype.h) that
	 *  `m` names in its instance: moved into the caller (src/abi/val.h). */
	void (*resolve_moved)(struct flue_store *s, uint16_t task, struct flue_vmove *m);
	/** subtask.cancel requests cancellation of `task`; `resume_one`
	 *  (async form, #723): if that left it unresolved, resume one ready
	 *  thread of its instance (flue_cancel_resume_decide). */
	void (*cancel)(struct flue_store *s, uint16_t task, bool resume_one);
	/** resource.drop of an own handle: call destructor `dtor` with `rep`
	 *  synchronously from `inst` (a lowered call of it). */
	void (*call_dtor)(struct flue_instance *inst, struct flue_func *dtor, uint32_t rep);
	/** The instance is being destroyed: its tasks resolve without a value. */
	void (*abort)(struct flue_store *s, struct flue_instance *inst);
	/** Waitable set `set` of `inst`, on which callback tasks are parked in
	 *  WAIT, got its first pending event or lost its last one. */
	void (*wake_set)(struct flue_instance *inst, uint32_t set);
};

#endif /* FLUE_TRAP_H */
