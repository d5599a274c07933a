/**
 * @file flue/port.h
 * @brief The port interface: the few services flue needs from the platform.
 *
 * Declared here, low in the layering, so that the object layer and the
 * executor can call it; implemented in src/port/ (POSIX threads, Cortex-M).
 * Exactly one port is linked into a program.
 *
 * **Concurrency model.** One executor thread runs flue code (guest code,
 * built-ins, the scheduler); exactly one of its stacks runs at a time
 * (the executor's own and its fibers', switched cooperatively). Other
 * threads and interrupt handlers only use the host API (flue/host.h,
 * flue/channel.h) under flue_port_lock() and wake the executor.
 *
 * **Privilege (Cortex-M).** The runtime (executor, built-ins, services,
 * host code) runs privileged in thread mode on MSP or a fiber's PSP
 * stack. Guest code entered with flue_port_guest_call() runs
 * unprivileged on its domain's own stack under its domain's MPU program
 * and reaches the runtime only through flue_port_gate() (svc); the SVC,
 * PendSV and fault handlers only switch stacks and privilege. Guest code
 * entered directly (without the gate) runs privileged: no isolation.
 * POSIX has one protection domain; the gate calls through.
 * docs/MPU.md has the whole model.
 */
#ifndef FLUE_PORT_H
#define FLUE_PORT_H

#include <stdbool.h>
#include <stdint.h>

/** Opaque state saved by flue_port_lock() (e.g. PRIMASK or BASEPRI). */
typedef uint32_t flue_port_key_t;

/**
 * @brief Enter the critical section that guards state shared with host
 *        threads and interrupt handlers (host channel ends, wake flags).
 * Context: thread or ISR. Non-blocking on a single core (masks interrupts);
 * may briefly block on a mutex on POSIX. Not recursive.
 */
flue_port_key_t flue_port_lock(void);

/** @brief Leave the critical section entered by flue_port_lock(). Thread or ISR. */
void flue_port_unlock(flue_port_key_t key);

/**
 * @brief Tell the executor that something outside it made progress possible
 *        (data in a host channel, a host future completed, ...).
 * Context: thread or ISR; never blocks.
 */
void flue_port_wake(void);

/**
 * @brief A flag other threads and interrupts raise to say "something was
 *        posted" and the executor takes without the lock (zero-initialised:
 *        not raised). Only its port functions touch it.
 */
typedef struct flue_port_flag {
	uint32_t word;
} flue_port_flag_t;

/**
 * @brief Raise `f`. Call it after the posted state is in place (after the
 *        flue_port_unlock() that published it), so a taker that sees the
 *        flag and then takes the lock sees the post.
 * Context: thread or ISR; never blocks. POSIX: an atomic release store;
 * Cortex-M: a volatile word write.
 */
void flue_port_flag_raise(flue_port_flag_t *f);

/**
 * @brief Was `f` raised since the last take? Clears it. A true answer
 *        obliges the caller to look (under the lock) at everything the flag
 *        announces; a false one means nothing was posted since the last
 *        true answer, and no lock is taken.
 * Context: the executor's thread only (one taker); never blocks. POSIX: an
 * atomic load, plus an exchange when raised; Cortex-M: a volatile word read,
 * plus a write when raised.
 */
bool flue_port_flag_take(flue_port_flag_t *f);

/**
 * @brief Sleep until flue_port_wake() is called (returns at once if it was
 *        called since the last idle). Context: the executor's thread only
 *        (on Cortex-M privileged thread mode: it masks interrupts around
 *        its test and sleeps in WFI).
 */
void flue_port_idle(void);

/**
 * @brief Stop for good: called only if an embedder's trap hook returned,
 *        which it must not do. Never returns.
 */
_Noreturn void flue_port_halt(void);

/* ------------------------------------------------------ trap unwinding */

/** A body run by flue_port_try() or as a fiber's entry. */
typedef void (*flue_port_body_t)(void *arg);

/**
 * @brief Run `body(arg)` on the current stack; if flue_port_unwind() is
 *        called inside it (on this same stack, not inside a deeper
 *        flue_port_try), abandon the rest of it.
 * @retval 0 body returned
 * @retval 1 body was unwound
 * Nestable; each stack (the executor's, each fiber's) has its own chain.
 * Context: executor thread or a fiber. This is how a trap in guest code
 * returns to the executor frame that entered it (wasm2c's trap path does
 * the same with its own setjmp).
 */
int flue_port_try(flue_port_body_t body, void *arg);

/**
 * @brief Is a flue_port_try() frame active on the current stack (so that
 *        flue_port_unwind() has somewhere to go)?
 * Context: any stack; reads the current stack's chain only.
 */
bool flue_port_in_try(void);

/**
 * @brief Unwind to the innermost flue_port_try() of the current stack.
 *        Calls flue_port_halt() if there is none. Never returns.
 */
_Noreturn void flue_port_unwind(void);

/* ------------------------------------------------ stack switching (optional) */

/**
 * @brief Whether this port can switch stacks (stackful lifting). POSIX:
 *        yes (one pthread per fiber, taken from a small pool of finished
 *        fibers' threads; exactly one runs at a time: a baton).
 *        Cortex-M: once the embedder gave a stack pool
 *        (flue_port_cortexm_give_stacks(), flue/port_cortexm.h); PSP
 *        stacks switched in thread mode. Without fibers stackful lifts are
 *        refused with FLUE_ENOTSUP.
 */
bool flue_port_fiber_supported(void);

/**
 * @brief One fiber, named by storage its owner provides (a store has one
 *        per task record): zero-initialised means "no fiber"; the port
 *        keeps its own state behind `impl` while the fiber exists. Fibers
 *        therefore belong to their owner: two stores never share one.
 */
typedef struct flue_port_fiber {
	void *impl;
} flue_port_fiber_t;

/**
 * @brief Prepare fiber `f` (not in use) to run `entry(arg)` when first
 *        resumed. Nothing runs yet.
 * @retval 0 ok
 * @retval FLUE_ENOTSUP the port cannot switch stacks
 * @retval FLUE_ENOMEM the platform refused a stack / thread
 * @retval FLUE_EINVAL `f` or `entry` NULL, or `f` in use
 * Context: executor thread or a fiber (whichever stack runs the executor).
 */
int flue_port_fiber_create(flue_port_fiber_t *f, flue_port_body_t entry, void *arg);

/**
 * @brief Run fiber `f` until it calls flue_port_fiber_suspend(f) or its
 *        entry returns (the fiber is then finished and `f` free again).
 *        Callable from an executor's stack or from another fiber; the
 *        caller is blocked meanwhile (exactly one stack of an executor
 *        runs at a time).
 */
void flue_port_fiber_resume(flue_port_fiber_t *f);

/**
 * @brief From inside fiber `f`: hand control back to the stack that
 *        resumed it; returns when the fiber is resumed again.
 */
void flue_port_fiber_suspend(flue_port_fiber_t *f);

/* ------------------------------------------------ privilege gate (optional) */

struct flue_mpu_write;

/**
 * @brief One guest's isolation domain: the MPU program under which its
 *        code runs and the stack it runs on. Owned by the caller (one per
 *        isolated instance); the port keeps its bookkeeping in the last
 *        three fields, which must be zero before the first call.
 *
 * POSIX has no privilege levels: the program and the stack are ignored and
 * the guest runs on the caller's stack (the gate calls through), so code
 * written for the gate runs unchanged on the host.
 */
struct flue_port_domain {
	const struct flue_mpu_write *program; /**< built by flue_mpu_v7/v8_build_program() */
	uint32_t program_len;                 /**< its entries */
	uintptr_t stack_lo;                   /**< the guest's stack: [stack_lo, stack_hi), */
	uintptr_t stack_hi;                   /**< 8-aligned, inside the program's RW regions */
	uintptr_t sp;                         /**< port: where the next entry starts (0: stack_hi) */
	const void *owner;                    /**< port: the runtime stack with entries in it */
	uint32_t depth;                       /**< port: entries in progress */
};

/** What took the fault (struct flue_port_fault::kind). */
enum flue_port_fault_kind {
	FLUE_PORT_FAULT_MEMMANAGE = 1, /**< an MPU violation (CFSR.MMFSR) */
	FLUE_PORT_FAULT_BUSFAULT = 2,  /**< a bus error (CFSR.BFSR) */
	FLUE_PORT_FAULT_USAGEFAULT = 3, /**< undefined instruction, bad state,
					     unaligned, divide by zero (CFSR.UFSR) */
	FLUE_PORT_FAULT_HARDFAULT = 4, /**< HardFault (HFSR; escalated faults) */
	FLUE_PORT_FAULT_STACKING = 5,  /**< the exception frame could not be
					    pushed (MSTKERR, STKERR, or STKOF on
					    ARMv8-M): no frame, so no pc */
	FLUE_PORT_FAULT_GATE = 6,      /**< guest code broke the privilege gate's
					    rules (flue/port.h): an unknown
					    service or svc, a forged return, a
					    stack pointer outside its stack;
					    pc is the svc's */
	FLUE_PORT_FAULT_BUDGET = 7,    /**< its time ran out
					    (flue_port_guest_expire()); pc is
					    where it was interrupted */
};

/** One fault, as recorded by the port's fault handler. */
struct flue_port_fault {
	uint32_t kind;      /**< enum flue_port_fault_kind */
	uint32_t exception; /**< exception number: 3 HardFault, 4 MemManage,
				 5 BusFault, 6 UsageFault */
	uint32_t cfsr;      /**< CFSR (MMFSR | BFSR << 8 | UFSR << 16) as read */
	uint32_t hfsr;      /**< HFSR as read (HardFault only, else 0) */
	uint32_t addr;      /**< the faulting data address: MMFAR or BFAR when
				 the matching VALID bit was set; else 0 */
	uint32_t pc;        /**< the stacked pc: the faulting instruction;
				 0 for a stacking fault */
	bool has_addr;      /**< @ref addr is valid */
	bool has_pc;        /**< @ref pc is valid (false for a stacking fault) */
};

/**
 * @brief The port's record of the last guest fault (also what
 *        flue_port_guest_call() returned FLUE_PORT_GUEST_FAULTED for).
 *        Valid until the next guest fault.
 * Context: privileged thread; non-blocking.
 */
const struct flue_port_fault *flue_port_guest_fault(void);

/** Guest code entered through the gate: four word arguments, one result. */
typedef uint32_t (*flue_port_guest_fn)(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3);

/** A runtime service guest code may call through the gate. */
typedef uint32_t (*flue_port_service_fn)(uint32_t a0, uint32_t a1, uint32_t a2);

/** flue_port_guest_call(): the guest code returned; `*result` holds its value. */
#define FLUE_PORT_GUEST_RETURNED 0
/** flue_port_guest_call(): the guest faulted (or broke the gate's rules);
 *  the port's fault record says how (flue/port_mpu.h on Cortex-M). */
#define FLUE_PORT_GUEST_FAULTED 1

/**
 * @brief Run `fn(a[0], a[1], a[2], a[3])` as guest code of domain `d`:
 *        Cortex-M: unprivileged thread mode on `d`'s stack (PSP) under
 *        `d`'s MPU program (with the privileged background map), entered
 *        below any entry of `d` still in progress. Guest code reaches the
 *        runtime only through flue_port_gate(). A fault while it runs, a
 *        broken gate rule (an unknown service, a forged return) or a stack
 *        pointer outside its stack ends it here, not the program.
 *
 * A flue_port_unwind() from a service it called (a trap raised by the
 * runtime on its behalf) leaves this entry cleanly and goes on unwinding
 * to the caller's flue_port_try().
 *
 * Context: privileged thread mode (the executor, a fiber, a service);
 * blocks while the guest runs (services it calls may run anything).
 * @retval FLUE_PORT_GUEST_RETURNED, FLUE_PORT_GUEST_FAULTED
 * @retval FLUE_EINVAL `d`, `fn` or `a` NULL, `d`'s stack empty, misaligned
 *         or too small for an exception frame; nothing ran
 * @retval FLUE_EBUSY `d` has an entry in progress on another runtime stack
 *         (a fiber): one guest stack cannot interleave; nothing ran
 * @retval FLUE_ENOSPC `d`'s stack has no room left below the entries in
 *         progress; nothing ran
 */
int flue_port_guest_call(struct flue_port_domain *d, flue_port_guest_fn fn, const uint32_t a[4],
			 uint32_t *result);

/**
 * @brief Is the code calling this running unprivileged (gated guest code)?
 *        Cortex-M: CONTROL.nPRIV; POSIX: never. Context: any; one read.
 */
bool flue_port_unprivileged(void);

/**
 * @brief Give the gate its services: guest code's flue_port_gate(k, ...)
 *        runs `table[k]` privileged, on the runtime stack that entered it.
 *        The table stays the caller's and must outlive every guest call.
 * Context: privileged thread, no guest entry in progress; non-blocking.
 * @retval 0 @retval FLUE_EINVAL `table` NULL with `n` > 0
 */
int flue_port_gate_set_services(const flue_port_service_fn *table, uint32_t n);

/**
 * @brief From guest code: call runtime service `k` with three words and
 *        return its result (Cortex-M: `svc`; POSIX: a call). An index
 *        outside the table ends the guest as a gate fault.
 * Context: guest code entered by flue_port_guest_call() only.
 */
uint32_t flue_port_gate(uint32_t k, uint32_t a0, uint32_t a1, uint32_t a2);

/* ------------------------------------------- blocking host threads */

/** Words of opaque storage for a port semaphore. */
#define FLUE_PORT_SEM_WORDS 16

/** A binary semaphore a host thread blocks on (caller-owned storage). */
typedef struct flue_port_sem {
	uint64_t opaque[FLUE_PORT_SEM_WORDS];
} flue_port_sem_t;

/** @brief Initialise `sem` empty. Context: any thread. */
void flue_port_sem_init(flue_port_sem_t *sem);
/** @brief Make `sem` available (wakes its taker). Context: any thread, ISR. */
void flue_port_sem_give(flue_port_sem_t *sem);
/**
 * @brief Block until `sem` is given, then take it. Context: a host thread,
 *        never the executor's thread (it would wait for itself) nor an
 *        ISR. Cortex-M bare metal has no other threads: it waits with WFE
 *        for an interrupt handler to give it.
 */
void flue_port_sem_take(flue_port_sem_t *sem);
/** @brief Release what flue_port_sem_init() set up. */
void flue_port_sem_destroy(flue_port_sem_t *sem);

#endif /* FLUE_PORT_H */
