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
#include <flue/task.h>
#include <flue/trap.h>

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
	FLUE_TYPE_GRAPH = 3,  /**< any other value type: a node of a type graph
				   (flue/valtype.h), flue_type_register_value() */
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
/** A registered resource type (flue/resource.h): 1..FLUE_CONFIG_MAX_RESOURCE_TYPES. */
typedef uint8_t flue_rtype_t;

struct flue_tgraph;

/** Layout of a registered type (canonical ABI). */
struct flue_type_info {
	struct flue_type_desc desc;
	uint32_t size;       /**< element size in bytes (0 for unit) */
	uint32_t align;      /**< element alignment (1 for unit) */
	bool none_or_number; /**< may rendezvous within one instance */
	bool has_float;      /**< copies canonicalise NaNs field by field */
	uint8_t offsets[FLUE_CONFIG_MAX_TYPE_FIELDS];
};

/** A FLUE_TYPE_GRAPH element type's node (flue_type_register_value()). */
struct flue_type_graph {
	const struct flue_tgraph *graph; /**< the caller's graph */
	uint16_t node;                   /**< the type's node in it */
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
	FLUE_H_RESOURCE, /**< an own or borrow handle of a resource (flue/resource.h) */
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

/** A stream or future end. The buffer of its op, (offset, length), is
 *  kept by the shared object while the op is parked, the only time it is
 *  needed (struct flue_shared); what the op moved stays here, as each
 *  end's event reports its own count. */
struct flue_end {
	struct flue_waitable w;
	uint16_t shared;        /**< index into the store's shared-object pool */
	uint8_t state : 2;      /**< enum flue_copy_state */
	uint8_t ev_result : 2;  /**< pending event's recorded enum flue_copy_result
				     (what delivery reports: flue_copy_event_decide) */
	bool ev_reclaim : 1;    /**< on delivery, un-park the op (reclaim its buffer) */
	bool lifted : 1;        /**< a readable end taken by a graph value being
				     moved out (lift_async_value): gone as far as
				     that value can tell (abi/val_handle.c) */
	uint32_t progress;      /**< elements the op in progress (or the last one) moved */
};

/** A waitable set: its pending members form a queue ordered by stamp. */
struct flue_wset {
	uint16_t head;        /**< oldest pending member (handle index), 0 = none */
	uint16_t tail;
	uint16_t members;     /**< joined waitables */
	uint16_t waiting;     /**< threads (or callback loops) waiting on it (each is a
				   task: at most FLUE_CONFIG_MAX_TASKS) */
	uint16_t parked;      /**< the executor's: first of the callback tasks parked
				   in WAIT on it (1 + task index, linked by their
				   `wlink.next`), woken when its queue empties or
				   fills (flue_exec_hooks.wake_set); 0 = none */
};

/** A subtask handle: a waitable naming the callee's task record. */
struct flue_subtask {
	struct flue_waitable w;
	uint16_t task; /**< index in the store's task pool */
};

/** A resource handle (the reference's ResourceHandle). */
struct flue_res {
	uint32_t rep;        /**< the resource's representation (an i32) */
	uint16_t lends;      /**< num_lends: subtasks it is lent to now */
	uint16_t scope;      /**< borrow: its borrow scope, the task whose
				  num_borrows counts it */
	uint8_t rt;          /**< flue_rtype_t */
	bool own : 1;        /**< own (else borrow) */
	bool lifted : 1;     /**< taken by a value being moved out (lift_own):
				  gone as far as the guest can tell; the slot is
				  freed when the value is lowered or discarded */
};

/** One handle-table slot. */
struct flue_handle {
	uint8_t kind; /**< enum flue_handle_kind */
	union {
		struct flue_end end;
		struct flue_subtask sub;
		struct flue_wset wset;
		struct flue_res res;
		struct {
			uint16_t next;     /**< next slot of the LIFO free list */
			uint32_t rep_kept; /**< an own handle lifted by a value
						being moved: its rep, read when the
						value is lowered (src/abi/val_handle.c) */
		} free;
	} u;
};

/* ------------------------------------------------------------ instances */

/** How an embedder's linear-memory size is stored (its bytes). */
enum flue_mem_size_width {
	FLUE_MEM_SIZE_NONE = 0, /**< no memory set */
	FLUE_MEM_SIZE_32 = 4,   /**< uint32_t (flue_instance_set_memory32) */
	FLUE_MEM_SIZE_64 = 8,   /**< uint64_t (flue_instance_set_memory) */
};

struct flue_instance;
struct flue_host_values;  /* src/obj/obj.h */
struct flue_host_outcome; /* flue/host.h */

/** The instance's `realloc` (cabi_realloc): (0, 0, align, size) allocates. */
typedef uint32_t (*flue_realloc_fn)(void *user, struct flue_instance *inst, uint32_t old_ptr,
				    uint32_t old_size, uint32_t align, uint32_t new_size);

/** Canonical options of a built-in that lifts or lowers values (flue/abi.h):
 *  the instance's realloc (guest code: called with may_leave cleared) and
 *  its string encoding. */
struct flue_string_opts {
	flue_realloc_fn realloc;  /**< NULL: lowering that allocates traps FLUE_TRAP_NO_REALLOC */
	void *user;               /**< passed to realloc */
	uint8_t string_encoding;  /**< enum flue_string_encoding */
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

/** Where an end lives: an instance's handle, or nowhere after its drop
 *  (a copy of one side's fields of struct flue_shared). */
struct flue_end_ref {
	uint8_t inst;    /**< instance id; FLUE_REF_NONE when dropped */
	uint32_t handle; /**< handle index in that instance's table */
};
#define FLUE_REF_NONE 0xFFu
#define FLUE_REF_TRANSIT 0xFEu /**< lifted, not yet lowered (a value in a call) */

/** A stream's or future's shared object: 16 B (flue/config.h). It holds at
 *  most one parked op (`pending` names its side), and that op's buffer:
 *  the other side's op meets it there, and a driver channel serves it from
 *  there. The two end references are stored field by field (a struct of
 *  an 8-bit and a 16-bit field would be padded to 4 B). */
struct flue_shared {
	uint8_t kind : 2;      /**< 0 free, 1 stream, 2 future */
	bool dropped : 1;      /**< either end was dropped */
	uint8_t pending : 2;   /**< enum flue_side: whose op is parked */
	bool has_channel : 1;  /**< the host side is a driver channel
				    (flue/channel.h): the one on the store's
				    `channels` list whose `shared` is this object */
	flue_type_t type;
	uint8_t reader_inst;    /**< where the readable end lives: instance id,
				     FLUE_REF_NONE (dropped) or FLUE_REF_TRANSIT */
	uint8_t writer_inst;    /**< likewise for the writable end */
	uint16_t reader_handle; /**< its handle index in that instance's table */
	uint16_t writer_handle;
	union {
		uint32_t ptr;       /**< the parked op's guest buffer (offset) */
		uint16_t next_free; /**< free object (nothing parked): next on the
					 store's LIFO free list (index + 1) */
	};
	uint32_t len;           /**< the parked op's length in elements */
};

/* ------------------------------------------------------------- resources */

struct flue_func;

/** A resource type (`rt` of `canon resource.new/drop/rep`): the instance
 *  that implements it and its destructor (flue_resource_type_register). */
struct flue_rtype {
	struct flue_instance *impl; /**< NULL: a free slot */
	struct flue_func *dtor;     /**< NULL: none; else a lifted export of
					 `impl` of type (u32) -> () */
	uint16_t impl_gen;          /**< impl->gen when registered */
};

/** A lend (the reference's Subtask.lenders): handle `handle` of instance
 *  `inst` is lent to the call of task `task` until its resolution is
 *  delivered to that caller. */
struct flue_lend {
	uint16_t task1;  /**< the task's index + 1; 0: a free record */
	uint16_t handle;
	uint8_t inst;
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
	struct flue_ring *rings;       /**< connected shared rings (flue/ring.h) */
	struct flue_type_info types[FLUE_CONFIG_MAX_TYPES];
	struct flue_shared shared[FLUE_CONFIG_MAX_SHARED];
	struct flue_instance instances[FLUE_CONFIG_MAX_INSTANCES];
	struct flue_sched sched;
	struct flue_task tasks[FLUE_CONFIG_MAX_TASKS];
	flue_port_fiber_t fibers[FLUE_CONFIG_MAX_TASKS]; /**< task i's stack, if it has one */
	/* Resources (flue/resource.h), last: the hot fields above keep their
	 * offsets (short load/store encodings on Cortex-M). */
	uint16_t nlends;          /**< lends records in use (0: nothing to scan) */
	struct flue_lend lends[FLUE_CONFIG_MAX_LENDS];
	struct flue_rtype rtypes[FLUE_CONFIG_MAX_RESOURCE_TYPES]; /**< id i + 1 is rtypes[i] */
	/** The value options (struct flue_string_opts of flue/abi.h; NULL:
	 *  none) of the op parked on shared object i: beside the objects, which
	 *  hold no pointer (flue/config.h), and read only for graph types. */
	const void *parked_opts[FLUE_CONFIG_MAX_SHARED];
	/** Type i + 1's graph node when it is FLUE_TYPE_GRAPH (kept apart from
	 *  `types`, whose size the hot fields' offsets depend on). */
	struct flue_type_graph type_graphs[FLUE_CONFIG_MAX_TYPES];
	/** Host instance i's value options: its allocator in its arena
	 *  (flue_host_set_realloc()), UTF-8. Values shown to the host that hold
	 *  handles, and stream/future elements it reads, are moved there. */
	struct flue_string_opts host_opts[FLUE_CONFIG_MAX_INSTANCES];
	/** The instance whose realloc runs now (NULL: none; one that trapped
	 *  in it stays named, poisoned, until its slot is reused), and that
	 *  realloc's own context.get/set slots (#705: it is a task of its own;
	 *  src/abi/val_cx.c). */
	struct flue_instance *realloc_inst;
	uint32_t realloc_ctx[2];
	/** A host's read or write of graph-typed elements (src/abi/hends.c),
	 *  installed with the executor (NULL: FLUE_ENOTSUP): the object
	 *  layer's host ops move bytes only. */
	int (*host_values)(struct flue_instance *host, uint32_t e,
			   const struct flue_host_values *v, bool reading,
			   struct flue_host_outcome *out);
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
