/**
 * @file flue/abi.h
 * @brief The canonical async built-ins (stream, future, waitable set,
 *        backpressure, error context) with the specification's exact
 *        results, indices, traps and bytes (definitions.py @ 14087d73 plus
 *        #717, #719, #720, #723; docs/CONFORMANCE.md).
 *
 * Each function is one built-in: the first arguments are what the
 * component binds statically (the calling instance, the element type
 * immediate, the `async` option), the rest are the core
 * wasm arguments with their exact core types; the return value is the
 * core result. Guest pointers are offsets into the instance's linear
 * memory.
 *
 * Results: COMPLETED 0, DROPPED 1, CANCELLED 2; streams return
 * `result | progress << 4`; BLOCKED is 0xFFFFFFFF; `*.new` return
 * `readable | writable << 32`; wait/poll return the event code and store
 * p1, p2 as little-endian u32 at ptr and ptr + 4.
 *
 * Traps: every `trap_if` of the reference traps here, with the reason in
 * enum flue_trap_reason: the instance is poisoned, the store's trap hook
 * is called and does not return. A call into a poisoned instance traps at
 * once (FLUE_TRAP_POISONED), a call into a destroyed one
 * (flue_instance_destroy(), with or without an executor) with
 * FLUE_TRAP_DESTROYED, before anything else is checked; an instance
 * created later in its slot works normally. Every built-in validates
 * everything before it changes anything, so a trap leaves all state as it
 * was. `inst` is the calling instance the glue binds; NULL halts
 * (flue_port_halt()). Deterministic profile: a wait/poll payload
 * pointer that is not 4-byte aligned or not in memory traps.
 *
 * Context: the executor's thread (never an ISR); these calls run guest-
 * visible state transitions. None blocks in its async form; a synchronous
 * form that must wait blocks through the executor (flue/exec.h: nested
 * scheduling, or the task's own fiber) and traps with
 * FLUE_TRAP_WOULD_BLOCK while none is installed.
 */
#ifndef FLUE_ABI_H
#define FLUE_ABI_H

#include <stdint.h>
#include <flue/functype.h>
#include <flue/store.h>

/** The BLOCKED sentinel. */
#define FLUE_BLOCKED 0xFFFFFFFFu

/** Built-in option bits (canonopts / immediates). */
#define FLUE_OPT_ASYNC 1u       /**< `async` (stream/future ops, cancel) */

/** Spec codes (only used at this boundary). */
enum flue_spec_copy_result { FLUE_COMPLETED = 0, FLUE_DROPPED = 1, FLUE_CANCELLED = 2 };
enum flue_spec_event {
	FLUE_EVENT_CODE_NONE = 0, FLUE_EVENT_CODE_SUBTASK = 1,
	FLUE_EVENT_CODE_STREAM_READ = 2, FLUE_EVENT_CODE_STREAM_WRITE = 3,
	FLUE_EVENT_CODE_FUTURE_READ = 4, FLUE_EVENT_CODE_FUTURE_WRITE = 5,
	FLUE_EVENT_CODE_TASK_CANCELLED = 6,
};

/**
 * @brief Register (or find) a stream/future element type of any value
 *        type: node `node` of graph `g` (flue/valtype.h; `g` stays the
 *        caller's, and must outlive the store).
 *
 * A number node is the number type of flue_type_register() and a record
 * or tuple of at most FLUE_CONFIG_MAX_TYPE_FIELDS numbers that record
 * type, so the same type has one id whichever way it was registered;
 * structurally equal graph types share an id too (flue's types are
 * structural: labels are not compared).
 * @retval 0 and `*out` set
 * Stream and future ends inside it (`stream<stream<u8>>`) move as in
 * calls: out of the writer's table, into the reader's.
 * @retval FLUE_EINVAL a NULL argument, `g` invalid (flue_types_check()),
 *         `node` not in it, a stream/future node of `g` whose element
 *         type is not registered, or the type contains a `borrow` (the
 *         reference's validation refuses such element types)
 * @retval FLUE_ENOMEM FLUE_CONFIG_MAX_TYPES reached
 * Context: thread, at set-up. Cost: O(graph) per registered graph type.
 */
int flue_type_register_value(struct flue_store *s, const struct flue_tgraph *g, uint16_t node,
			     flue_type_t *out);

struct flue_string_opts;

/** `stream.new T`: `[] -> [i64]`. Traps: element type not registered
 *  (TYPE_MISMATCH), table full, shared pool full. */
uint64_t flue_canon_stream_new(struct flue_instance *inst, flue_type_t t);
/**
 * `stream.read T opts`: `[e, ptr, n] -> [i32]`. Returns `result | progress
 * << 4`, or BLOCKED (async). Traps, in the reference's order: bad handle,
 * not a readable stream end, type mismatch, end not idle, synchronous op
 * on an end in a waitable set, n > 2^28-1, (typed and n > 0) ptr not
 * aligned or range outside memory, same-instance rendezvous of a
 * non-number type; then, flue only: the op would move elements with a
 * parked peer whose buffer is no longer inside its instance's memory (an
 * embedder shrank it; wasm memories never shrink, and the reference checks
 * a buffer only when its op starts) — FLUE_TRAP_OUT_OF_BOUNDS, nothing
 * moved, the peer still parked.
 */
uint32_t flue_canon_stream_read(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				uint32_t e, uint32_t ptr, uint32_t n);
/** `stream.write T opts`: as stream.read, on a writable stream end. */
uint32_t flue_canon_stream_write(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				 uint32_t e, uint32_t ptr, uint32_t n);
/**
 * `stream.read T opts` / `stream.write T opts` with the built-in's value
 * options `o` (realloc, string encoding; NULL: no realloc, UTF-8), as
 * element types registered with flue_type_register_value() need them.
 * Elements move one by one as the reference's load_list_from_valid_range
 * and store_list_into_valid_range move them: the writer's n elements are
 * all checked (its traps: BAD_CHAR, BAD_DISCRIMINANT, BAD_ENCODING, a bad
 * string or list range, a bad own or error-context handle) before the
 * reader's realloc runs; strings are transcoded; own handles and
 * error contexts move from the writer's table to the reader's. A read
 * whose type needs memory allocated and whose `o` has no realloc traps
 * NO_REALLOC when it starts; an unknown encoding traps BAD_VALUE.
 *
 * The op that meets a parked op runs the other instance's checks or its
 * realloc inside this built-in. Policy (deterministic; the reference
 * traps the whole store), with an executor installed (flue/exec.h;
 * without one a trap there goes to the store's hook like any other): a
 * trap there traps that instance only. The elements moved whole before
 * it count as copied for both ends; the element it interrupted is lost
 * (own handles in it are dropped without their destructor, as a value the
 * reference lifted and never lowered); the own handles of the elements
 * after it stay the writer's; the trapped instance's ends are dropped
 * (design note 5). This op then goes on against what is left: COMPLETED
 * with what was copied, or, if nothing was, as against a dropped peer
 * (DROPPED). A trap of the caller itself ends the call, after the
 * elements moved whole are counted for the peer.
 * Context and blocking as stream.read.
 */
uint32_t flue_canon_stream_read_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				     const struct flue_string_opts *o, uint32_t e, uint32_t ptr,
				     uint32_t n);
/** `stream.write T opts` with value options: see flue_canon_stream_read_opts(). */
uint32_t flue_canon_stream_write_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				      const struct flue_string_opts *o, uint32_t e, uint32_t ptr,
				      uint32_t n);
/**
 * `stream.cancel-read T async?`: `[e] -> [i32]`. Returns CANCELLED with the
 * progress so far, or DROPPED with it if the peer is gone (#719: CANCELLED
 * also beats an already-pending COMPLETED), or BLOCKED. Traps: bad
 * handle, wrong kind, type mismatch, no copy in progress (or a cancel
 * already in progress), a synchronous waiter, sync form on an end in a set.
 */
uint32_t flue_canon_stream_cancel_read(struct flue_instance *inst, flue_type_t t,
				       uint32_t opts, uint32_t e);
/** `stream.cancel-write T async?`: as cancel-read, on a writable end. */
uint32_t flue_canon_stream_cancel_write(struct flue_instance *inst, flue_type_t t,
					uint32_t opts, uint32_t e);
/**
 * `stream.drop-readable T`: `[e] -> []`. The peer's pending op gets
 * DROPPED with its progress; an idle peer gets a one-shot DROPPED event
 * (#720: payload 0x01; delivered by wait/poll/callback, or returned by its
 * next read/write, after which it is DONE). Traps:
 * bad handle, wrong kind, type mismatch, copy in progress (even after
 * partial progress).
 */
void flue_canon_stream_drop_readable(struct flue_instance *inst, flue_type_t t, uint32_t e);
/** `stream.drop-writable T`: as drop-readable, on a writable end. */
void flue_canon_stream_drop_writable(struct flue_instance *inst, flue_type_t t, uint32_t e);

/** `future.new T`: `[] -> [i64]`. Traps as stream.new. */
uint64_t flue_canon_future_new(struct flue_instance *inst, flue_type_t t);
/** `future.read T opts`: `[e, ptr] -> [i32]`; COMPLETED, CANCELLED or BLOCKED.
 *  Traps as stream.read with a one-element buffer. */
uint32_t flue_canon_future_read(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				uint32_t e, uint32_t ptr);
/** `future.write T opts`: `[e, ptr] -> [i32]`; COMPLETED, DROPPED,
 *  CANCELLED or BLOCKED. */
uint32_t flue_canon_future_write(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				 uint32_t e, uint32_t ptr);
/** `future.read T opts` with value options: see flue_canon_stream_read_opts(). */
uint32_t flue_canon_future_read_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				     const struct flue_string_opts *o, uint32_t e, uint32_t ptr);
/** `future.write T opts` with value options: see flue_canon_stream_read_opts(). */
uint32_t flue_canon_future_write_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				      const struct flue_string_opts *o, uint32_t e, uint32_t ptr);
/** `future.cancel-read T async?`: as the stream form, except that a value
 *  that already moved stands: COMPLETED (a pending DROPPED stays DROPPED),
 *  never overridden by CANCELLED. */
uint32_t flue_canon_future_cancel_read(struct flue_instance *inst, flue_type_t t,
				       uint32_t opts, uint32_t e);
/** `future.cancel-write T async?`. */
uint32_t flue_canon_future_cancel_write(struct flue_instance *inst, flue_type_t t,
					uint32_t opts, uint32_t e);
/** `future.drop-readable T`: allowed before a value arrives; a pending
 *  write then gets DROPPED (PR #708), an idle writer a one-shot
 *  FUTURE_WRITE event with DROPPED (#720), after which it may drop. */
void flue_canon_future_drop_readable(struct flue_instance *inst, flue_type_t t, uint32_t e);
/** `future.drop-writable T`: traps unless the end is DONE (a write
 *  completed or saw DROPPED, or the reader's drop notice was delivered). */
void flue_canon_future_drop_writable(struct flue_instance *inst, flue_type_t t, uint32_t e);

/** `waitable-set.new`: `[] -> [i32]`. Traps: table full. */
uint32_t flue_canon_waitable_set_new(struct flue_instance *inst);
/**
 * `waitable-set.wait (memory)`: `[si, ptr] -> [i32]`. Delivers the oldest
 * pending event of the set (first-pending order); never returns NONE and
 * never TASK_CANCELLED (#716: a cancellation reaches only a callback event
 * loop). Blocking needs the executor. Traps: bad set, bad payload pointer.
 */
uint32_t flue_canon_waitable_set_wait(struct flue_instance *inst, uint32_t si, uint32_t ptr);
/** `waitable-set.poll (memory)`: as wait, but returns NONE (0, with
 *  p1 = p2 = 0 stored) instead of blocking; never TASK_CANCELLED. */
uint32_t flue_canon_waitable_set_poll(struct flue_instance *inst, uint32_t si, uint32_t ptr);
/** `waitable-set.drop`: `[si] -> []`. Traps: bad set, members, waiters. */
void flue_canon_waitable_set_drop(struct flue_instance *inst, uint32_t si);
/**
 * `waitable.join`: `[w, s] -> []`. s = 0 leaves the current set. A pending
 * event moves along and keeps its place. Traps: w not a waitable, w has a
 * synchronous waiter, s neither 0 nor a waitable set.
 */
void flue_canon_waitable_join(struct flue_instance *inst, uint32_t w, uint32_t s);

/** `backpressure.inc`: traps (BACKPRESSURE_OVERFLOW) when the counter
 *  would reach 2^16, leaving it unchanged. Applies flue_bp_inc_decide(). */
void flue_canon_backpressure_inc(struct flue_instance *inst);
/** `backpressure.dec`: traps (BACKPRESSURE_UNDERFLOW) when the counter
 *  would go below 0. Applies flue_bp_dec_decide(); at 0, calls held at
 *  the entry gate become ready (none starts within this call). */
void flue_canon_backpressure_dec(struct flue_instance *inst);

/**
 * `error-context.new opts`: `[ptr, units] -> [i32]`. Deterministic
 * profile: the message is discarded without being decoded (no string
 * traps). Traps: table full.
 */
uint32_t flue_canon_error_context_new(struct flue_instance *inst, uint32_t ptr,
				      uint32_t units);
/**
 * `error-context.debug-message` without canonical options: stores the
 * empty string as (0, 0) at ptr without calling realloc (the reference
 * calls realloc(0, 0, align, 0): use
 * flue_canon_error_context_debug_message_opts() for that). Traps: bad
 * handle, not an error context, ptr misaligned (4) or outside memory.
 */
void flue_canon_error_context_debug_message(struct flue_instance *inst, uint32_t i,
					    uint32_t ptr);

/* struct flue_string_opts (a built-in's value options): flue/store.h. */

/**
 * `error-context.debug-message opts`: `[i, ptr] -> []` as the reference
 * does it: the message (the deterministic profile's empty string) is
 * stored with store_string, so realloc(0, 0, 1, 0) (utf8) or
 * realloc(0, 0, 2, 0) (utf16, latin1+utf16) is called, its result
 * checked, and (pointer, 0) stored at ptr. Traps, in order: poisoned or
 * destroyed, may_leave clear, bad handle, not an error context, ptr
 * misaligned (4) or outside memory (flue checks the out pointer before
 * realloc runs), `o` NULL or an unknown encoding (BAD_VALUE), no realloc
 * (NO_REALLOC), realloc's result misaligned for UTF-16
 * (REALLOC_MISALIGNED) or beyond memory (REALLOC_OUT_OF_BOUNDS).
 * Context: guest code of `inst`. Not blocking (realloc runs inside it).
 */
void flue_canon_error_context_debug_message_opts(struct flue_instance *inst,
						 const struct flue_string_opts *o, uint32_t i,
						 uint32_t ptr);
/** `error-context.drop`: `[i] -> []`. Traps: bad handle, not an error context. */
void flue_canon_error_context_drop(struct flue_instance *inst, uint32_t i);

/* ------------------------------------------------------------- tasks */

struct flue_valtype;

/**
 * `task.return (result T?) opts`: `[flat results] -> []`, in the current
 * task of `inst` (flue/exec.h). `result` is the statically bound result
 * type (NULL: none); `args` its flat values (> 16 flat: one pointer into
 * memory). The values are lowered into the caller at once (its memory,
 * its table). Traps, in the reference's order: no task of `inst` runs
 * (FLUE_TRAP_NO_TASK), may_leave clear, sync-lifted task (NOT_ASYNC), type
 * or arity differs from the task's (RESULT_TYPE), a bad end in the values
 * (the lift's checks: BAD_HANDLE, WRONG_KIND, TYPE_MISMATCH, NOT_IDLE,
 * END_IN_SET), and only then already resolved (ALREADY_RESOLVED). A trap
 * takes no end out of the table.
 */
void flue_canon_task_return(struct flue_instance *inst, const struct flue_valtype *result,
			    const uint64_t *args, uint32_t nargs);

/**
 * `task.return` of a graph-typed function (flue/functype.h): `result` is
 * the statically bound result type, a node of `g` (NULL: none); `args` its
 * flat values (> 16 flat: one pointer into memory), strings in the task's
 * lift `string_encoding`. The values are checked in `inst`, then moved
 * into the caller at once (its memory; its realloc for strings and lists,
 * flue_lowered's options). Traps, in the reference's order: as
 * flue_canon_task_return() — no task (NO_TASK), may_leave clear, sync
 * lift (NOT_ASYNC), a type other than the task's result type (a graph
 * other than the task's is checked first: flue_types_check) or a function
 * type without a graph, or the wrong arity (RESULT_TYPE) — then a bad
 * value (MISALIGNED, OUT_OF_BOUNDS, NO_MEMORY, BAD_CHAR, BAD_DISCRIMINANT,
 * BAD_ENCODING, STRING_TOO_LONG, LIST_TOO_LONG; an own handle: BAD_HANDLE,
 * WRONG_KIND, TYPE_MISMATCH, RESOURCE_LENT, NOT_OWN), then
 * ALREADY_RESOLVED, then borrows the task received still undropped
 * (BORROWS_OUTSTANDING);
 * lowering into the caller traps the caller (its realloc's results:
 * REALLOC_MISALIGNED, REALLOC_OUT_OF_BOUNDS; NO_REALLOC; a bad out
 * pointer). Context: guest code of the task. Blocking: no (the caller's
 * realloc runs inside it).
 */
struct flue_tgraph;
void flue_canon_task_return_typed(struct flue_instance *inst, const struct flue_tgraph *g,
				  const uint16_t *result, const uint64_t *args, uint32_t nargs);
/** `task.cancel`: `[] -> []`. Traps: no task (NO_TASK), may_leave clear,
 *  sync-lifted task (NOT_ASYNC), then CANCEL_NOT_DELIVERED unless a
 *  cancellation was delivered to the task and it has not resolved since
 *  (after task.return too: the reference's one state check), then
 *  BORROWS_OUTSTANDING while borrows it received are not dropped. */
void flue_canon_task_cancel(struct flue_instance *inst);
/** `subtask.drop`: `[i] -> []`. Traps: bad handle, not a subtask, its
 *  resolution not yet delivered. */
void flue_canon_subtask_drop(struct flue_instance *inst, uint32_t i);
/**
 * `subtask.cancel async?`: `[i] -> [i32]`. Requests cancellation of the
 * callee (held at its entry gate: resolved at once without running; else
 * marked pending and delivered by its callback event loop); while the
 * request is in progress the subtask has a synchronous waiter (joining it
 * traps). The sync form then blocks until the subtask resolves; the async
 * form resumes one ready thread of the callee's instance (#723: the
 * cancelled task if ready, else the oldest ready one) and returns BLOCKED
 * if still unresolved. Returns the resolved state (RETURNED 2,
 * CANCELLED_BEFORE_STARTED 3, CANCELLED_BEFORE_RETURNED 4) or BLOCKED.
 * Traps in this order: may_leave clear, bad handle, not a subtask,
 * resolution already delivered, cancel requested before, the subtask is in
 * a waitable set (both forms, #715).
 */
uint32_t flue_canon_subtask_cancel(struct flue_instance *inst, uint32_t opts, uint32_t i);
/** `context.get i32 i`: `[] -> [i32]`; slot i (0 or 1) of the current
 *  task's thread, zeroed at every export call. Inside the instance's
 *  realloc, the realloc's own slots (a task of its own since #705: 0 at
 *  its start, gone after it). Traps: no task, i > 1. */
uint32_t flue_canon_context_get(struct flue_instance *inst, uint32_t i);
/** `context.set i32 i`: `[v] -> []`. */
void flue_canon_context_set(struct flue_instance *inst, uint32_t i, uint32_t v);
/** `thread.yield`: `[] -> [i32]`; lets other ready work run once, then
 *  returns 0 (always 0 since #716: a pending cancellation is not
 *  delivered here). */
uint32_t flue_canon_thread_yield(struct flue_instance *inst);

/* stream.forward / future.forward (#717) */
#if FLUE_CONFIG_FORWARD
/**
 * `stream.forward T`: `[ri, wi] -> []`. Gated in the specification (its
 * ➡️, not part of Component Model 0.3.0); built only with
 * FLUE_CONFIG_FORWARD=1 (flue/config.h).
 *
 * The caller gives up readable end `ri` (of a stream S) and writable end
 * `wi` (of a stream D): from then on what S's writer writes, D's reader
 * reads, with no copy in between. D's readable end, wherever it lives
 * (another instance, the host, a driver channel), is re-attached to S:
 * - a read parked on it is issued again against S at once, with the
 *   progress it already made, and may meet a parked write and complete
 *   now (the event goes to that reader, through its set if it is in one);
 * - if it was dropped, S counts as dropped: S's writer gets DROPPED (at
 *   once if a write is parked, else at its next write);
 * - its index does not change.
 * When ri and wi are the two ends of one stream, both are freed and
 * nothing else happens. forward raises no event of its own. ri is freed
 * before wi (last freed, first reused: the next new handle gets wi).
 *
 * Traps, in this order: may_leave clear; ri: invalid (BAD_HANDLE), not a
 * readable stream end (WRONG_KIND), element type not T (TYPE_MISMATCH),
 * done (FORWARD_DONE), a copy or cancel in progress (FORWARD_BUSY), in a
 * waitable set (FORWARD_IN_SET); wi == ri (BAD_HANDLE: ri is gone by
 * then); the same checks for wi as a writable stream end; T an element
 * type of flue_type_register_value() other than numbers (NOT_SUPPORTED,
 * flue only: not yet); S's writer and
 * D's reader are both driver channels (FORWARD_CHANNELS, flue only); D's
 * parked read would meet S's parked write inside one instance and T is not
 * a number type (SAME_INSTANCE, an arriving read's rule); the rest of a
 * parked buffer is no longer inside its memory (OUT_OF_BOUNDS: an embedder
 * shrank it). Nothing changes before the last check.
 *
 * Context: the executor's thread, inside the calling instance's guest
 * code; never blocks.
 */
void flue_canon_stream_forward(struct flue_instance *inst, flue_type_t t, uint32_t ri,
			       uint32_t wi);
/**
 * `future.forward T`: `[ri, wi] -> []`, as stream.forward for futures: a
 * value written to S's writable end reaches D's reader; the writable end
 * `wi` is used up without a value ever being written to it. Traps as
 * stream.forward, on future ends.
 */
void flue_canon_future_forward(struct flue_instance *inst, flue_type_t t, uint32_t ri,
			       uint32_t wi);
#endif /* FLUE_CONFIG_FORWARD */

#endif /* FLUE_ABI_H */
