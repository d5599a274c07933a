/**
 * @file flue/functype.h
 * @brief Component-level function types and values at a call boundary:
 *        the parameter and result types of lifted exports, lowered imports
 *        and host functions, and the component values that cross between
 *        instances.
 *
 * Supported value types (issue 4): bool, s8..u64, f32, f64, `stream<T>` and
 * `future<T>` (readable ends; T a registered element type), and records /
 * tuples whose fields are those. Strings and lists are rejected by
 * flue_functype_check() with FLUE_EINVAL until a later issue; nested
 * records are rejected likewise (flatten them into one record).
 *
 * Flattening and memory layout follow the canonical ABI (definitions.py @
 * 14087d73: flatten_functype, lift_flat_values, lower_flat_values): more
 * than 16 flat params (4 for an async lower) or more than 1 flat result go
 * through linear memory as a tuple.
 */
#ifndef FLUE_FUNCTYPE_H
#define FLUE_FUNCTYPE_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/store.h>
#include <flue/valtype.h>

/** Value-type kinds. Leaves are BOOL..FUTURE. */
enum flue_val_kind {
	FLUE_VAL_BOOL = 1,
	FLUE_VAL_S8, FLUE_VAL_U8, FLUE_VAL_S16, FLUE_VAL_U16,
	FLUE_VAL_S32, FLUE_VAL_U32, FLUE_VAL_S64, FLUE_VAL_U64,
	FLUE_VAL_F32, FLUE_VAL_F64,
	FLUE_VAL_STREAM, /**< `stream<elem>`: a readable stream end */
	FLUE_VAL_FUTURE, /**< `future<elem>`: a readable future end */
	FLUE_VAL_RECORD, /**< record or tuple of leaves (`fields`) */
	FLUE_VAL_STRING, /**< not supported yet: rejected */
	FLUE_VAL_LIST,   /**< not supported yet: rejected */
};

/** A leaf type: a number, bool, or stream/future end. */
struct flue_leaf {
	uint8_t kind;     /**< enum flue_val_kind, BOOL..FUTURE */
	flue_type_t elem; /**< STREAM/FUTURE: registered element type */
};

/** A parameter or result type. */
struct flue_valtype {
	uint8_t kind;     /**< enum flue_val_kind */
	flue_type_t elem; /**< STREAM/FUTURE: registered element type */
	uint8_t nfields;  /**< RECORD: 1..FLUE_CONFIG_MAX_TYPE_FIELDS */
	struct flue_leaf fields[FLUE_CONFIG_MAX_TYPE_FIELDS]; /**< RECORD fields */
};

/**
 * A function type: params, an optional result, and the `async` flag.
 *
 * Its value types are given one of two ways. Without `graph`: `params`
 * and `result` (struct flue_valtype: numbers, bool, stream/future ends and
 * one flat level of record). With `graph` (the value system,
 * flue/valtype.h): param i is node `param_types[i]` of `graph` and the
 * result node `*result_type` (NULL: none); `params` and `result` are not
 * used. Graph types cross calls between guest instances (sync and async
 * lifts and lowers, task.return) and to and from the host as views
 * (flue/hval.h: graph-typed host functions, flue_invoke_vals(); handles
 * are not host values yet: FLUE_ENOTSUP). Streams and futures in a graph
 * are refused (flue_functype_check()).
 */
struct flue_functype {
	bool async;                        /**< the function type is `async` */
	uint8_t nparams;                   /**< without graph: 0..FLUE_CONFIG_MAX_VALUES */
	const struct flue_valtype *params; /**< nparams entries (may be NULL if 0) */
	const struct flue_valtype *result; /**< NULL: no result */
	const struct flue_tgraph *graph;   /**< NULL: the types are params/result */
	const uint16_t *param_types;       /**< with graph: nparams node indices */
	const uint16_t *result_type;       /**< with graph: the result's node, NULL: none */
};

/** Limits of a call boundary (canonical ABI). */
#define FLUE_MAX_FLAT_PARAMS 16u
#define FLUE_MAX_FLAT_ASYNC_PARAMS 4u
#define FLUE_MAX_FLAT_RESULTS 1u

/**
 * Component values of a call, one 64-bit word per leaf in order (record
 * fields in place): bool 0/1; integers as their value (signed ones
 * sign-extended to 64 bits); f32/f64 as their IEEE bits (f32 in the low
 * 32 bits); a stream/future end as a handle index in the instance that
 * hands it over or receives it (host side: the host instance of the call).
 */
struct flue_values {
	uint32_t n;
	uint64_t v[FLUE_CONFIG_MAX_VALUES];
};

/** Core (flat) value: i32 zero-extended, i64, f32 bits, f64 bits. */
typedef uint64_t flue_flat_t;

/**
 * @brief Validate a function type against the store's element types.
 * @retval 0 supported
 * @retval FLUE_EINVAL without graph: unknown kind, string/list (use a
 *         graph), nested or empty record, unregistered stream/future
 *         element type, more than FLUE_CONFIG_MAX_VALUES leaves; with
 *         graph: flue_types_check() fails, a param or result node outside
 *         the graph, `param_types` NULL with params, a borrow in the
 *         result, an own/borrow of a resource type not registered
 *         (flue/resource.h), or a stream/future anywhere in the graph
 *         (not supported in graph types yet: use the first form)
 * Context: any thread; pure.
 */
int flue_functype_check(const struct flue_store *s, const struct flue_functype *ft);

/** @brief Number of leaves of the params (`result` false) or the result
 *         (0 for a graph function type: its values are not leaves). */
uint32_t flue_functype_leaves(const struct flue_functype *ft, bool result);

/* ------------------------------------------------- function values (flue/exec.h) */

/** How an export is lifted. */
enum flue_lift_kind {
	FLUE_LIFT_SYNC = 0,     /**< core returns its flat results */
	FLUE_LIFT_CALLBACK = 1, /**< async, callback: core and callback return packed codes */
	FLUE_LIFT_STACKFUL = 2, /**< async, no callback: runs on its own stack (port fibers) */
};

/**
 * Core function of a lifted export. SYNC: write the flat results (at most
 * one; a result that needs memory is returned as a pointer) to
 * `results[0]`. CALLBACK: write the packed callback code (EXIT 0, YIELD 1,
 * WAIT 2 | set << 4) to `results[0]`. STACKFUL: no results (use
 * flue_canon_task_return()).
 */
typedef void (*flue_core_fn)(void *user, struct flue_instance *inst,
			     const flue_flat_t *args, uint32_t nargs, flue_flat_t *results);
/** Callback of a callback-lifted export: returns the next packed code. */
typedef uint32_t (*flue_callback_fn)(void *user, struct flue_instance *inst,
				     uint32_t event, uint32_t p1, uint32_t p2);
/* flue_realloc_fn (an instance's cabi_realloc): flue/store.h. */
/** `post-return` of a sync-lifted export: gets the flat results. */
typedef void (*flue_post_return_fn)(void *user, struct flue_instance *inst,
				    const flue_flat_t *results, uint32_t n);

/** Options of `canon lift`. */
struct flue_lift_opts {
	uint8_t kind;               /**< enum flue_lift_kind */
	flue_core_fn core;          /**< required */
	flue_callback_fn callback;  /**< CALLBACK only (required there) */
	flue_realloc_fn realloc;    /**< needed when params go through memory (> 16 flat) */
	flue_post_return_fn post_return; /**< SYNC only, optional */
	void *user;                 /**< passed to all of the above */
	uint8_t string_encoding;    /**< enum flue_string_encoding (`string-encoding=`;
					 0: utf8): how the core function's strings are encoded */
};

/**
 * A call of a host function, and the id of any task (flue_invoke()): the
 * task record's slot in the low 16 bits, the slot's generation (bumped at
 * every allocation of the record, never 0) in the high 16 bits. An id
 * whose call is finished (its record free or reused since) is *stale*:
 * every function taking a call id answers FLUE_EBADF for it. A generation
 * repeats only after 65535 further calls in the same slot.
 */
typedef uint32_t flue_call_t;
/** No call: a value no live call has (no slot is 0xFFFF). */
#define FLUE_CALL_NONE 0xFFFFFFFFu

/** @brief The task record slot of call id `c` (diagnostics, tests). */
static inline uint16_t flue_call_slot(flue_call_t c)
{
	return (uint16_t)(c & 0xFFFFu);
}

/** @brief The generation of call id `c`. */
static inline uint16_t flue_call_gen(flue_call_t c)
{
	return (uint16_t)(c >> 16);
}

/** @brief The call id of slot `slot` at generation `gen`. */
static inline flue_call_t flue_call_make(uint16_t slot, uint16_t gen)
{
	return (flue_call_t)slot | (flue_call_t)gen << 16;
}

/** Host function: called on the executor thread when a guest calls it
 *  (`args` NULL for a graph-typed function: flue_host_params(), then
 *  flue_host_return_vals()). */
typedef void (*flue_host_start_fn)(void *user, flue_call_t call, const struct flue_values *args);
/** Host function: the caller asked to cancel `call` (resolve it later with
 *  a value or with flue_host_cancelled()). */
typedef void (*flue_host_cancel_fn)(void *user, flue_call_t call);

/** A function value: a lifted export or a host function (caller-owned). */
struct flue_func {
	const struct flue_functype *ft;
	struct flue_instance *inst;      /**< callee instance (host: the host instance) */
	uint16_t inst_gen;               /**< `inst->gen` when lifted: a later instance in
					      the same slot is not this function's */
	struct flue_lift_opts opts;
	flue_host_start_fn host_start;   /**< host functions only */
	flue_host_cancel_fn host_cancel;
	void *host_user;
	uint8_t nflat_params;            /**< flat params of the lifted core function */
	uint8_t nflat_results;
	bool params_in_memory;
	bool results_in_memory;
};

#endif /* FLUE_FUNCTYPE_H */
