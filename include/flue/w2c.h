/**
 * @file flue/w2c.h
 * @brief Running wasm2c output under flue: the services flue-build's
 *        generated glue calls (library libflue_glue.a).
 *
 * Every entry into guest code (an export's core function, its callback,
 * `cabi_realloc`, `cabi_post_*`, `_initialize`) goes through
 * flue_w2c_enter(). It makes the entered instance the current one (import
 * functions find their caller with flue_w2c_caller()), gives the guest a
 * fresh wasm2c call-depth budget and restores the previous depth and
 * current instance however the entry ends: by returning, by a wasm trap, or
 * by a flue trap raised inside a built-in or inside a nested scheduling
 * loop below it. So a trap unwinds exactly the guest step that caused it
 * and the next step starts clean.
 *
 * A wasm trap (wasm2c's wasm_rt_trap(), which both runtimes send to the
 * handler of flue/wasm_rt_trap.h; the generated init sets flue_w2c_trap()
 * there) becomes a flue trap of the current instance with a reason of its
 * own (FLUE_TRAP_WASM_*).
 *
 * Context: the executor's thread only.
 */
#ifndef FLUE_W2C_H
#define FLUE_W2C_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/store.h>

/** One instance of a wasm2c module, as the glue knows it (caller-owned). */
struct flue_w2c_instance {
	struct flue_instance *inst; /**< its flue instance */
	const char *name;           /**< instance name (trap reports) */
	const void *env;            /**< the import-module pointer wasm2c was
				         instantiated with for this instance */
	const char *running;        /**< what is being run (set by flue_w2c_enter) */
};

/** A guest entry's body: calls one wasm2c export. */
typedef void (*flue_w2c_body_t)(void *arg);

/**
 * @brief Run `body(arg)` as guest code of `gi` (`what` names the export, for
 *        trap reports). If the guest traps, or a flue trap unwinds through
 *        this entry, the state is restored and the unwinding continues to
 *        the executor frame that entered the guest (flue_port_unwind()).
 * Context: executor thread, inside a flue callback (core, callback, realloc,
 * post-return) or at instantiation. Blocking only as the guest is.
 */
void flue_w2c_enter(struct flue_w2c_instance *gi, const char *what, flue_w2c_body_t body,
		    void *arg);

/** What flue_w2c_save() keeps: the running instance, wasm2c's depths and
 *  its exception unwind target. */
struct flue_w2c_frame {
	struct flue_w2c_instance *current;
	const char *running;
	uint32_t depth, saved_depth;
	void *unwind;
};

/**
 * @brief Save / restore the glue's state around an import call that may
 *        block: other tasks (on this stack in a nested loop, or on fibers
 *        of their own) run guest code meanwhile, so the caller's state is
 *        put back when the built-in returns. Generated import functions
 *        wrap every lowered call and every built-in that can run other
 *        guest code (the blocking forms, subtask.cancel) in these.
 */
void flue_w2c_save(struct flue_w2c_frame *f);
void flue_w2c_restore(const struct flue_w2c_frame *f);

/** @brief The instance whose guest code runs now (innermost entry), or NULL. */
struct flue_w2c_instance *flue_w2c_current(void);

/**
 * @brief For an import function: the flue instance that called it. The
 *        caller is the current entry's instance; `env` (the import-module
 *        pointer wasm2c passed) must be that instance's, else the guest's
 *        memory of its own instance struct was corrupted and the instance
 *        traps (FLUE_TRAP_WASM_BAD_ENV). Outside guest code: halts.
 */
struct flue_instance *flue_w2c_caller(const void *env);

/**
 * @brief wasm2c's trap path (the runtimes' handler, flue/wasm_rt_trap.h):
 *        make trap `code` (a wasm_rt_trap_t) a flue trap of the current
 *        instance. Never returns; halts outside guest code.
 */
_Noreturn void flue_w2c_trap(int code);

/** @brief The flue reason of a wasm_rt_trap_t code. */
enum flue_trap_reason flue_w2c_trap_reason(int code);

/**
 * @brief Make `gi` known to trap reports (by its flue instance).
 * @retval 0 @retval FLUE_EINVAL no instance
 */
int flue_w2c_register(struct flue_w2c_instance *gi);

/**
 * @brief Print a report of every trap of `s` (instance name, what was
 *        running, reason) through `print` (e.g. flue_board_printf), and
 *        remember the last one for flue_w2c_last_trap().
 */
void flue_w2c_report_traps(struct flue_store *s, int (*print)(const char *fmt, ...));

/** The last trap seen by the report hook. */
struct flue_w2c_trap_info {
	bool trapped;
	const char *instance;
	const char *running;
	enum flue_trap_reason reason;
};

/** @brief The last trap reported (trapped false if none). */
struct flue_w2c_trap_info flue_w2c_last_trap(void);

#endif /* FLUE_W2C_H */
