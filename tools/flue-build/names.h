/**
 * @file names.h
 * @brief What a core module's import and export names mean, in
 *        wit-component's "legacy" mangling (the convention wit-bindgen
 *        emits; ../shared/reference/component-model-async.md §1.2), checked
 *        against the instance's WIT world and against the core type each
 *        name requires.
 *
 * Imports: the canonical built-ins under `$root`; `[export]$root` /
 * `[export]<interface>` for the intrinsics of exported functions
 * (`[task-return]f`, `[task-cancel]`, stream/future built-ins of their
 * types); `<interface>` for imported interface functions and the
 * stream/future built-ins of their types; world-level imported functions
 * under `$root`; the prefix `[async-lower]`; `[stream-*-N]f` /
 * `[future-*-N]f` with N an index into f's stream/future types
 * (wit_func_streams) or `unit`, including `[stream-forward-N]f` /
 * `[future-forward-N]f` when flue is built with FLUE_CONFIG_FORWARD; `env`
 * / `__wasm_{get,set}_stack_pointer` as context slot 0. The `[cancellable]`
 * forms of wait, poll and thread.yield are refused: the immediate is gone
 * from the component model (#716) and so is what it meant.
 *
 * An `<interface>` module name matches the world's interface of that key,
 * or, as wit-component does, one whose version is semver-compatible
 * (same major version from 1.0.0 on, same major.minor below, exact below
 * 0.1.0). `[async-lower]` of a function that is not `async` is refused
 * (the canonical ABI's validation), as is `[async-lift]` of one.
 *
 * Resources (interfaces only): `[constructor]R`, `[method]R.m` and
 * `[static]R.f` name R's functions wherever a function name goes (an
 * import's field, `<interface>#[method]R.m` as an export or world key);
 * `[export]<interface>` `[resource-new]R` / `[resource-rep]R` /
 * `[resource-drop]R` are the built-ins of a resource the interface
 * defines and the world exports, `<interface>` `[resource-drop]R` of one
 * it imports; export `<interface>#[dtor]R` is an exported resource's
 * destructor, `(i32) -> ()`.
 *
 * Exports: `memory`, `cabi_realloc`, `_initialize`, `cabi_post_<f>`,
 * `[async-lift]<f>` with `[callback][async-lift]<f>`,
 * `[async-lift-stackful]<f>`, and `<f>` (sync lift), where `<f>` is a
 * world-level export function or `<interface>#<function>`. Other names
 * (and other kinds under these names, e.g. a global `memory`) are not
 * flue-build's and are ignored; but an `[async-lift…]` name for a function
 * the world does not export is an error (wit-component ignores it; it is
 * almost always a guest built against another WIT).
 *
 * Host tool code.
 */
#ifndef FLUE_BUILD_NAMES_H
#define FLUE_BUILD_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"
#include "wit.h"

/** The canonical built-ins an import can name. */
enum fb_builtin {
	FB_B_NONE = 0,
	FB_B_CONTEXT_GET, FB_B_CONTEXT_SET,
	FB_B_BACKPRESSURE_INC, FB_B_BACKPRESSURE_DEC,
	FB_B_TASK_RETURN, FB_B_TASK_CANCEL,
	FB_B_WAITABLE_SET_NEW, FB_B_WAITABLE_SET_WAIT, FB_B_WAITABLE_SET_POLL,
	FB_B_WAITABLE_SET_DROP, FB_B_WAITABLE_JOIN,
	FB_B_SUBTASK_DROP, FB_B_SUBTASK_CANCEL,
	FB_B_STREAM_NEW, FB_B_STREAM_READ, FB_B_STREAM_WRITE,
	FB_B_STREAM_CANCEL_READ, FB_B_STREAM_CANCEL_WRITE,
	FB_B_STREAM_DROP_READABLE, FB_B_STREAM_DROP_WRITABLE,
	FB_B_STREAM_FORWARD, /**< gated: FLUE_CONFIG_FORWARD */
	FB_B_FUTURE_NEW, FB_B_FUTURE_READ, FB_B_FUTURE_WRITE,
	FB_B_FUTURE_CANCEL_READ, FB_B_FUTURE_CANCEL_WRITE,
	FB_B_FUTURE_DROP_READABLE, FB_B_FUTURE_DROP_WRITABLE,
	FB_B_FUTURE_FORWARD, /**< gated: FLUE_CONFIG_FORWARD */
	FB_B_THREAD_YIELD,
	FB_B_ERROR_CONTEXT_NEW, FB_B_ERROR_CONTEXT_DEBUG_MESSAGE, FB_B_ERROR_CONTEXT_DROP,
	/* `[resource-new]R`, `[resource-rep]R` (the exporter of R's interface,
	 * module `[export]<iface>`), `[resource-drop]R` (either side) */
	FB_B_RESOURCE_NEW, FB_B_RESOURCE_REP, FB_B_RESOURCE_DROP,
	/* flue's own, module `flue:ring/NAME` (plan_ring.c, flue/ring.h) */
	FB_B_RING_ATTACH, FB_B_RING_CLAIM, FB_B_RING_FINISH, FB_B_RING_READY,
	FB_B_COUNT
};

/** The built-in's name in the spec's text form (e.g. "stream.read"). */
const char *fb_builtin_name(enum fb_builtin b);

/** Whether `b` is one of the stream.* / future.* / flue:ring built-ins. */
bool fb_builtin_is_stream(enum fb_builtin b);
bool fb_builtin_is_future(enum fb_builtin b);
bool fb_builtin_is_ring(enum fb_builtin b);

enum fb_import_kind {
	FB_IMP_BUILTIN = 1, /**< a canonical built-in */
	FB_IMP_FUNC,        /**< an imported WIT function, lowered (sync or async) */
	FB_IMP_RING_MEMORY, /**< `flue:ring/NAME` `memory`: a ring's storage */
};

/** What one core import means. */
struct fb_import {
	enum fb_import_kind kind;
	enum fb_builtin builtin;
	bool async;       /**< `[async-lower]` (lowered calls, stream/future ops, cancels) */
	uint32_t slot;    /**< context.get/set slot */
	/** FUNC: the world key of the imported function ("f" or "iface#f");
	 *  task.return: the export's key. Allocated; fb_import_free(). */
	char *key;
	const struct wit_func *func; /**< FUNC; task.return's export; the function a
					  stream/future built-in's N indexes */
	/** stream/future built-ins: the stream/future type (NULL: the `unit` form) */
	const struct wit_type *stream;
	struct wit_core_sig sig;     /**< the core type the name requires */
	uint32_t ring;    /**< FB_B_RING_* and FB_IMP_RING_MEMORY: the composition's ring index */
	/** FB_B_RESOURCE_*: the resource type (WIT_T_RESOURCE) of the interface */
	const struct wit_type *resource;
};

/** What one core export means. */
enum fb_export_kind {
	FB_EXP_IGNORED = 0,  /**< not a name flue-build uses */
	FB_EXP_MEMORY,
	FB_EXP_REALLOC,
	FB_EXP_INITIALIZE,
	FB_EXP_POST_RETURN,  /**< cabi_post_<f> */
	FB_EXP_LIFT_SYNC,    /**< <f> */
	FB_EXP_LIFT_ASYNC,   /**< [async-lift]<f> (callback lift's core function) */
	FB_EXP_CALLBACK,     /**< [callback][async-lift]<f> */
	FB_EXP_LIFT_STACKFUL,/**< [async-lift-stackful]<f> */
	FB_EXP_DTOR,         /**< <iface>#[dtor]R: the destructor of exported resource R */
};

struct fb_export {
	enum fb_export_kind kind;
	char *key;                   /**< the function's world key; allocated */
	const struct wit_func *func; /**< the exported WIT function */
	struct wit_core_sig sig;
	const struct wit_type *resource; /**< FB_EXP_DTOR: its resource (WIT_T_RESOURCE) */
};

/**
 * @brief Classify core import (`module`, `field`) of type `ft` against
 *        world `w`.
 * @retval 0 and `*out`
 * @retval -1 with `err` = why: unknown name, a name flue does not support
 *         yet (threads, memory64), a resource built-in of a resource
 *         the interface does not have (or of the wrong side), a name
 *         the component model removed (`[cancellable]…`,
 *         `[backpressure-set]`, `[yield]`), a gated built-in this flue
 *         was built without (stream/future forward), a stream/future
 *         index out of range, a core type that differs from the one the
 *         name requires (both are printed)
 */
int fb_classify_import(const struct wit_world *w, const char *module, const char *field,
		       const struct wasm_functype *ft, struct fb_import *out, char *err,
		       size_t errlen);

/**
 * @brief Classify core export `name` of kind `kind` (enum wasm_extern_kind)
 *        and type `ft` (functions; NULL otherwise).
 * @retval 0 and `*out` (FB_EXP_IGNORED for names flue-build does not use)
 * @retval -1 with `err` (a known name with the wrong core type or kind,
 *         `[async-lift]` of a function that is not `async`)
 */
int fb_classify_export(const struct wit_world *w, const char *name, uint8_t kind,
		       const struct wasm_functype *ft, struct fb_export *out, char *err,
		       size_t errlen);

void fb_import_free(struct fb_import *imp);
void fb_export_free(struct fb_export *exp);

/**
 * @brief The world item of `w` (imports or exports) whose function has key
 *        `key` ("f" or "iface#f"), or NULL.
 */
const struct wit_func *fb_world_func(const struct wit_world *w, bool exports, const char *key);

/**
 * @brief The resource named `name` in interface `iface` (by the name it has
 *        there, also through `use`), or NULL; `defined`: only one the
 *        interface defines itself.
 */
const struct wit_type *fb_iface_resource(const struct wit_interface *iface, const char *name,
					 bool defined);

/** @brief Print a core signature as "(i32, i32) -> i32" into `buf`. */
void fb_sig_text(const struct wit_core_sig *s, char *buf, size_t len);

#endif /* FLUE_BUILD_NAMES_H */
