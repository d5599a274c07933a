/**
 * @file flue/config.h
 * @brief flue's only configuration header: every compile-time size, with its
 *        default and its allowed range (checked by _Static_assert).
 *
 * Override any value with `-DFLUE_CONFIG_...=N`, or put the overrides in a
 * header of your own and build with `-DFLUE_CONFIG_FILE="my_config.h"`.
 * All storage is sized from these values at compile time; flue never
 * allocates.
 *
 * Memory, as measured (tests/abi/test_sizes.c prints them; src/obj/store.c
 * holds the limits with _Static_assert: slot <= 24 B, shared object <= 16 B,
 * stream <= 64 B on every build, instance <= 512 B plus its table on a
 * 32-bit one). 32-bit target (Cortex-M3, arm-none-eabi-gcc 12) / 64-bit
 * host (x86-64 gcc 12):
 *  - handle slot (stream/future end, waitable set, subtask): 24 B / 24 B;
 *  - stream or future, all in (two slots + the shared object): 64 B / 64 B
 *    (shared object 16 B / 16 B: neither holds a pointer);
 *  - instance: 56 B / 72 B plus its table, FLUE_CONFIG_MAX_HANDLES slots
 *    (defaults: 1,592 B / 1,608 B);
 *  - task record (struct flue_task): 128 B / 176 B (at most 128 B on a
 *    32-bit target, asserted in src/exec/queue.c);
 *  - post buffer (one per FLUE_CONFIG_MAX_POSTS): 8 * FLUE_CONFIG_MAX_VALUES
 *    = 256 B on both;
 *  - the default store (all defaults below): 14,792 B / 16,472 B;
 *  - a type node (struct flue_tnode, flue/valtype.h): 24 B on both.
 */
#ifndef FLUE_CONFIG_H
#define FLUE_CONFIG_H

#ifdef FLUE_CONFIG_FILE
#include FLUE_CONFIG_FILE
#endif

/** Component instances per store. Range 1..254. */
#ifndef FLUE_CONFIG_MAX_INSTANCES
#define FLUE_CONFIG_MAX_INSTANCES 4
#endif

/** Handle-table slots per instance, including the reserved index 0, so the
 *  largest usable index is this minus one (the specification's own limit,
 *  2^28 - 1, is larger than any table flue can hold: handle indices and
 *  the links of waitable sets are 16-bit). Allocating past it traps.
 *  Range 2..65535. Memory: 24 bytes per slot (ends, sets and subtasks
 *  alike; 32-bit target and 64-bit host). */
#ifndef FLUE_CONFIG_MAX_HANDLES
#define FLUE_CONFIG_MAX_HANDLES 64
#endif

/** Stream and future shared objects per store (16 B each, 32-bit target
 *  and 64-bit host; its two ends are handle slots; plus the parked op's
 *  value options beside it in the store, 4 B / 8 B). Range 1..65535. */
#ifndef FLUE_CONFIG_MAX_SHARED
#define FLUE_CONFIG_MAX_SHARED 32
#endif

/** Distinct stream/future element types per store (each 32 B, plus its
 *  graph node for flue_type_register_value(), 8 B / 16 B). Range 1..255. */
#ifndef FLUE_CONFIG_MAX_TYPES
#define FLUE_CONFIG_MAX_TYPES 16
#endif

/** Fields of a record/tuple element type. Range 1..32. */
#ifndef FLUE_CONFIG_MAX_TYPE_FIELDS
#define FLUE_CONFIG_MAX_TYPE_FIELDS 8
#endif

/** Nesting depth of a component value type (flue/valtype.h): a type
 *  without children has depth 1, a `list<list<u8>>` depth 3. The value
 *  walker recurses once per level, so this bounds its stack: 160 bytes
 *  per level on Cortex-M3 (-Os, measured with -fstack-usage), 2.5 KiB at
 *  the default. Range 1..64. */
#ifndef FLUE_CONFIG_MAX_TYPE_DEPTH
#define FLUE_CONFIG_MAX_TYPE_DEPTH 16
#endif

/** Leaves (numbers, bools, stream/future ends, record fields) per call's
 *  params or result (struct flue_values). Range 1..255. */
#ifndef FLUE_CONFIG_MAX_VALUES
#define FLUE_CONFIG_MAX_VALUES 32
#endif

/** Resource types per store (flue/resource.h). Range 1..255. Memory:
 *  12 bytes each on a 32-bit target, 24 on a 64-bit host. */
#ifndef FLUE_CONFIG_MAX_RESOURCE_TYPES
#define FLUE_CONFIG_MAX_RESOURCE_TYPES 8
#endif

/** Borrowed handles lent to calls in progress, per store (the
 *  reference's Subtask.lenders: one per `borrow<R>` param of a call that
 *  has started and whose resolution its caller has not yet received).
 *  One more traps the caller with FLUE_TRAP_POOL_FULL. Range 1..65535.
 *  Memory: 6 bytes each. */
#ifndef FLUE_CONFIG_MAX_LENDS
#define FLUE_CONFIG_MAX_LENDS 16
#endif

/** Tasks alive at once per store: every running or parked export call,
 *  host-function call and host invocation (one implicit thread each).
 *  Range 1..65534. Memory: 128 bytes each on a 32-bit target, 176 on a
 *  64-bit host (a lowered call's flat params inline, a post's values in
 *  the post buffers, FLUE_CONFIG_MAX_POSTS; see the top of this file). */
#ifndef FLUE_CONFIG_MAX_TASKS
#define FLUE_CONFIG_MAX_TASKS 16
#endif

/** Host posts (flue_host_post_return()) pending at once per store: each
 *  pending post holds one buffer of FLUE_CONFIG_MAX_VALUES 64-bit values
 *  (256 B by default) from the moment it is posted until the executor
 *  applies or drops it; a post finding none free returns FLUE_EAGAIN. A
 *  host call has at most one post pending, so the default, one per task,
 *  never runs out; fewer save memory where few host calls are answered
 *  from other threads or interrupts at once. Range 1..FLUE_CONFIG_MAX_TASKS. */
#ifndef FLUE_CONFIG_MAX_POSTS
#define FLUE_CONFIG_MAX_POSTS FLUE_CONFIG_MAX_TASKS
#endif

/** Nested scheduling loops on the executor's stack: a synchronous
 *  blocking built-in inside callback- or sync-lifted code runs other tasks
 *  until it can return (docs/EXECUTOR.md). Reaching the limit traps the
 *  blocking instance with FLUE_TRAP_NESTING_LIMIT, never overflows the
 *  stack. Each level costs about 1.1 KiB of executor stack on Cortex-M33
 *  at -Os (the chain exec_block .. thread_body; thread_body's frame alone
 *  is 768 B, its value buffers: arm-none-eabi-gcc -fstack-usage) plus the
 *  guest code it runs. Range 1..64. */
#ifndef FLUE_CONFIG_MAX_NESTING
#define FLUE_CONFIG_MAX_NESTING 8
#endif

/** `stream.forward` / `future.forward` (Component Model PR #717): 1 builds
 *  the two built-ins (flue/abi.h) and lets flue-build accept the core
 *  imports `[stream-forward-N]f` / `[future-forward-N]f`; 0 (the default)
 *  leaves them out. The specification gates them (➡️): they are not part
 *  of Component Model 0.3.0, and a component using them needs a runtime
 *  that enables the gate. flue-build is built with the same setting as the
 *  library it targets and refuses such an import otherwise. Range 0..1. */
#ifndef FLUE_CONFIG_FORWARD
#define FLUE_CONFIG_FORWARD 0
#endif

_Static_assert(FLUE_CONFIG_MAX_INSTANCES >= 1 && FLUE_CONFIG_MAX_INSTANCES <= 254,
	       "FLUE_CONFIG_MAX_INSTANCES must be 1..254");
_Static_assert(FLUE_CONFIG_MAX_HANDLES >= 2 && FLUE_CONFIG_MAX_HANDLES <= 65535,
	       "FLUE_CONFIG_MAX_HANDLES must be 2..65535 (16-bit handle indices)");
_Static_assert(FLUE_CONFIG_MAX_SHARED >= 1 && FLUE_CONFIG_MAX_SHARED <= 65535,
	       "FLUE_CONFIG_MAX_SHARED must be 1..65535");
_Static_assert(FLUE_CONFIG_MAX_TYPES >= 1 && FLUE_CONFIG_MAX_TYPES <= 255,
	       "FLUE_CONFIG_MAX_TYPES must be 1..255");
_Static_assert(FLUE_CONFIG_MAX_TYPE_FIELDS >= 1 && FLUE_CONFIG_MAX_TYPE_FIELDS <= 32,
	       "FLUE_CONFIG_MAX_TYPE_FIELDS must be 1..32");

_Static_assert(FLUE_CONFIG_MAX_TYPE_DEPTH >= 1 && FLUE_CONFIG_MAX_TYPE_DEPTH <= 64,
	       "FLUE_CONFIG_MAX_TYPE_DEPTH must be 1..64");
_Static_assert(FLUE_CONFIG_MAX_VALUES >= 1 && FLUE_CONFIG_MAX_VALUES <= 255,
	       "FLUE_CONFIG_MAX_VALUES must be 1..255");
_Static_assert(FLUE_CONFIG_MAX_RESOURCE_TYPES >= 1 && FLUE_CONFIG_MAX_RESOURCE_TYPES <= 255,
	       "FLUE_CONFIG_MAX_RESOURCE_TYPES must be 1..255");
_Static_assert(FLUE_CONFIG_MAX_LENDS >= 1 && FLUE_CONFIG_MAX_LENDS <= 65535,
	       "FLUE_CONFIG_MAX_LENDS must be 1..65535");
_Static_assert(FLUE_CONFIG_MAX_TASKS >= 1 && FLUE_CONFIG_MAX_TASKS <= 65534,
	       "FLUE_CONFIG_MAX_TASKS must be 1..65534");
_Static_assert(FLUE_CONFIG_MAX_POSTS >= 1 && FLUE_CONFIG_MAX_POSTS <= FLUE_CONFIG_MAX_TASKS,
	       "FLUE_CONFIG_MAX_POSTS must be 1..FLUE_CONFIG_MAX_TASKS");
_Static_assert(FLUE_CONFIG_MAX_NESTING >= 1 && FLUE_CONFIG_MAX_NESTING <= 64,
	       "FLUE_CONFIG_MAX_NESTING must be 1..64");
_Static_assert(FLUE_CONFIG_FORWARD == 0 || FLUE_CONFIG_FORWARD == 1,
	       "FLUE_CONFIG_FORWARD must be 0 or 1");

#endif /* FLUE_CONFIG_H */
