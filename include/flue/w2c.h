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
#include <flue/mpu.h>
#include <flue/port.h>
#include <flue/store.h>

/**
 * One import of an isolated instance (flue-build --isolate), as the
 * gate's import service runs it: `call(env, w)` takes the guest's 64-bit
 * flat words w[0 .. nwords-1], calls the import with them and leaves its
 * result, if any, in w[0].
 */
struct flue_w2c_import {
	void (*call)(const void *env, uint64_t *w);
	uint32_t nwords; /**< words the guest passes: at least 1, at most FLUE_W2C_MAX_WORDS */
};

/** Most flat words an isolated import takes (16 flat params + 1). */
#define FLUE_W2C_MAX_WORDS 17u
/** The gate's service for imports (after the wasm runtime's two,
 *  flue/wasm_rt_trap.h): (import index, words pointer, env). */
#define FLUE_W2C_SVC_IMPORT 2u

/** One instance of a wasm2c module, as the glue knows it (caller-owned). */
struct flue_w2c_layout;
struct flue_ring;

struct flue_w2c_instance {
	struct flue_instance *inst; /**< its flue instance */
	const char *name;           /**< instance name (trap reports) */
	const void *env;            /**< the import-module pointer wasm2c was
				         instantiated with for this instance */
	const char *running;        /**< what is being run (set by flue_w2c_enter) */
	/* Isolated instances only (flue-build --isolate; all zero otherwise): */
	struct flue_port_domain *domain;       /**< its domains, one per guest stack
						    (programs alike but for their stack
						    guard): guest code runs gated */
	uint32_t ndomains;
	const struct flue_w2c_import *imports; /**< by import index */
	uint32_t nimports;
	void *memory;        /**< its wasm_rt_memory_t (in the domain: guest-writable) */
	uint8_t *mem_data;   /**< the runtime's own view of that memory, which the */
	uint32_t mem_size;   /**< built-ins use (flue_instance_set_memory32): the */
	uint32_t mem_pages;  /**< guest cannot move or widen it */
	uint32_t mem_max_pages;
	const struct flue_w2c_layout *layout; /**< where its pieces lie (kept: a ring
					       window rebuilds the domain) */
	struct flue_mpu_write (*prog)[FLUE_MPU_SEQ_MAX]; /**< its domains' programs */
	uintptr_t window;     /**< a ring window it reads, read-only to it (PMSAv7) */
	uint32_t window_size; /**< 0: none */
};

/**
 * @brief Run `thunk(a0, a1, 0, 0)` as gated guest code of isolated `gi`
 *        (flue_port_guest_call() with the domain of the guest stack this
 *        runtime stack uses, else a free one: flue_w2c_isolate()). A fault,
 *        a broken gate rule or an exhausted budget traps the instance
 *        (FLUE_TRAP_MEMORY_FAULT, _ILLEGAL_INSTRUCTION, _GATE, _BUDGET); the
 *        fault's address is kept for flue_w2c_last_trap(). So does an entry
 *        no guest stack can take (every one busy on other runtime stacks, or
 *        full): FLUE_TRAP_GATE. Call it inside flue_w2c_enter().
 *        O(guest stacks) to choose one.
 * Context: executor thread or a fiber, privileged.
 */
void flue_w2c_guest(struct flue_w2c_instance *gi, flue_port_guest_fn thunk, uint32_t a0,
		    uint32_t a1);

/** Most ring memories in one isolated domain: 5 of the 8 regions are the
 *  instance's own (flue_w2c_isolate()). A reader's window (PMSAv7,
 *  flue_w2c_ring_window()) takes a region too, and so does a stack guard
 *  (PMSAv7, more than one guest stack): 5 + rings + window + guard <= 8 is
 *  flue-build's check (--isolate), not this bound's. */
#define FLUE_W2C_MAX_RINGS 3u

/** A shared ring's storage in a domain (flue/ring.h): a power of two, at
 *  least 32 bytes, aligned to its size. */
struct flue_w2c_ring_region {
	uintptr_t base;
	uint32_t size;
	bool read_only;  /**< the ring's reader: it may not write what it reads */
};

/** PMSAv7, an isolated instance with more than one guest stack: the lowest
 *  bytes of each are a guard region (privileged read-write, no access for
 *  its guest: one more region of its domain), so that a stack that
 *  overflows faults instead of running into its neighbour. ARMv8-M: PSPLIM
 *  does it, no guard region. */
#define FLUE_W2C_STACK_GUARD 256u

/** Where an isolated instance's pieces lie (flue-build's generated init). */
struct flue_w2c_layout {
	uintptr_t code;   uint32_t code_size;   /**< all code (RO + X for the guest) */
	uintptr_t block;  uint32_t block_size;  /**< its guest block (RW) */
	uintptr_t memory; uint32_t memory_size; /**< its linear memory (RW; 0: none) */
	uintptr_t ro;     uint32_t ro_size;     /**< wasm2c's shared statics (read-only) */
	uintptr_t rw;     uint32_t rw_size;     /**< wasm2c's call-depth granule (RW) */
	uintptr_t stack_lo, stack_hi;           /**< its guest stacks, inside the block: */
	uint32_t nstacks;                       /**< that many equal slots (0: one) */
	struct flue_w2c_ring_region rings[FLUE_W2C_MAX_RINGS]; /**< ring memories it shares */
	uint32_t nrings;
};

/**
 * @brief Make `gi` isolated: build its domains `d[0 .. l->nstacks - 1]`
 *        (one per guest stack, each with its program in `prog[k]`; the
 *        programs differ only in the stack guard, FLUE_W2C_STACK_GUARD)
 *        from `l` with the proved builders
 *        (PMSAv7 on ARMv7-M, PMSAv8 on ARMv8-M; every region execute-never
 *        but the code; every region a power of two aligned to its size on
 *        ARMv7-M; a ring memory read-only to its reader), and enter its
 *        guest code through the gate from now on.
 *
 * Guest stacks: an entry runs on the guest stack its runtime stack (the
 * executor's, or a fiber's: a stackful task, a host function) already has
 * entries on, else on a free one, so that tasks of one instance can be
 * suspended inside its guest code at once, each on a stack of its own. A
 * guest stack per runtime stack that may run its code at once: flue-build
 * gives each isolated instance one per fiber stack, plus the executor's.
 * Context: executor thread, at instantiation.
 * @retval 0 @retval FLUE_EINVAL a region the builders reject (the error
 *         names no region: check alignment and sizes), more than
 *         FLUE_W2C_MAX_RINGS rings, or guest stacks that are not 8-aligned
 *         slots of at least 256 bytes (and their guard, aligned to its size)
 * @retval FLUE_EBUSY `d` has an entry in progress (isolating it again, as a
 *         restart does, while its guest code runs on a fiber)
 * Nothing changes unless it returns 0.
 * @retval FLUE_ENOTSUP a host build (no MPU)
 */
int flue_w2c_isolate(struct flue_w2c_instance *gi, struct flue_port_domain *d,
		     struct flue_mpu_write (*prog)[FLUE_MPU_SEQ_MAX],
		     const struct flue_w2c_layout *l);

/**
 * @brief After isolated `gi` attached a window of its memory as the
 *        *reader* of ring `r` (flue_abi_ring_attach()), make the window
 *        read-only to it: PMSAv7 adds a region inside its memory's (a
 *        windowed set) with AP 2 (the driver, privileged, still writes);
 *        its domain is rebuilt and applied. PMSAv8 cannot express that
 *        (docs/MPU.md): nothing changes there, nor for a writer's window,
 *        nor on POSIX. `l` given to flue_w2c_isolate() must stay valid.
 * Traps FLUE_TRAP_RING if the domain cannot hold one more region.
 * Context: executor thread, privileged (a gate service).
 */
void flue_w2c_ring_window(struct flue_w2c_instance *gi, const struct flue_ring *r);

/**
 * @brief Give the privilege gate the glue's services: the wasm runtime's
 *        trap and memory.grow, and imports (FLUE_W2C_SVC_IMPORT).
 * Context: executor thread, before guest code runs. @retval 0
 */
int flue_w2c_gate_install(void);

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
 *        pointer wasm2c passed) must be that instance's — or, for an import
 *        called through a funcref table, the address of its instance
 *        struct's field holding that pointer (what wasm2c 1.0.32 passes
 *        there; for an isolated instance, inside its block) — else the
 *        guest's memory of its own instance struct was corrupted and the
 *        instance traps (FLUE_TRAP_WASM_BAD_ENV). Outside guest code: halts.
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
	bool has_addr;  /**< a memory fault's address is known */
	uint32_t addr;  /**< ... and is this */
};

/** @brief The last trap reported (trapped false if none). */
struct flue_w2c_trap_info flue_w2c_last_trap(void);

#endif /* FLUE_W2C_H */
