/**
 * @file flue/wasm_rt_static.h
 * @brief flue's freestanding implementation of wabt 1.0.32's wasm2c runtime
 *        (`wasm-rt.h`) for targets where wabt's own `wasm-rt-impl.c` does not
 *        build (Cortex-M: it needs `sys/mman.h` and the heap).
 *
 * Every function of `wasm-rt.h` that wasm2c output calls is implemented
 * without a heap (only memset/memcpy, and setjmp/longjmp for wasm
 * exceptions): linear memories, tables and the function-type list live in
 * storage the program provides, sized at build time (flue-build generates
 * it). Memory and table growth succeed within that storage and fail beyond
 * it (wasm_rt_grow_memory returns 0xFFFFFFFF, as `memory.grow` may); new
 * pages are zeroed. wasm_rt_free_memory / _table do nothing (the storage is
 * the program's). A trap calls flue_wasm_rt_trap_handler() (flue/wasm_rt_trap.h), which makes it
 * a flue trap of the running instance, after restoring
 * `wasm_rt_call_stack_depth` from `wasm_rt_saved_call_stack_depth` as
 * wabt's runtime does; the runtime defines both counters and
 * `wasm_rt_jmp_buf` (for code written against wabt's runtime; flue never
 * jumps to it).
 *
 * Generated code must be compiled with `WASM_RT_MEMCHECK_SIGNAL_HANDLER=0`
 * (the CMake target flue_wasm_rt_static exports the definition): wasm-rt.h
 * defaults it to 1 on 64-bit hosts, and then wasm2c omits every bounds
 * check, relying on guard pages. With 0 it also counts the call depth
 * against `WASM_RT_MAX_CALL_STACK_DEPTH` (default 500; each level costs a C
 * stack frame, so size it to the stack).
 *
 * Function types: one registry for every module of the program, so equal
 * signatures get equal indices (1, 2, ...; 0 is the null funcref's) and
 * call_indirect across modules compares them correctly.
 *
 * Exceptions (wasm EH): wasm_rt_throw() longjmps to the unwind target that
 * generated try blocks set; with none (NULL) it traps
 * WASM_RT_TRAP_UNCAUGHT_EXCEPTION. The payload buffer holds
 * FLUE_WASM_RT_MAX_EXCEPTION_SIZE bytes (128 unless the library is built
 * with another value); registering a tag with larger params traps
 * WASM_RT_TRAP_EXHAUSTION. An embedder must clear or restore the unwind
 * target around each guest entry: a trap inside a try block leaves it
 * pointing at the trapped frame.
 *
 * Library: libflue_wasm_rt_static.a (it calls flue_wasm_rt_trap_handler(), from
 * libflue_glue.a or the program). Include path: the folder of wabt's
 * `wasm-rt.h` (`/usr/src/wasm2c` on Debian).
 * Context: the executor's thread (instantiation and guest code).
 */
#ifndef FLUE_WASM_RT_STATIC_H
#define FLUE_WASM_RT_STATIC_H

#include <stdbool.h>
#include <stdint.h>

#include "wasm-rt.h"

/* Explicit bounds checks, except in isolated programs (flue-build
 * --isolate defines FLUE_W2C_ISOLATED), where the MPU confines the guest
 * instead and no signal handler is involved (SKIP_SIGNAL_RECOVERY). */
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER && !(defined(FLUE_W2C_ISOLATED) && WASM_RT_SKIP_SIGNAL_RECOVERY)
#error "flue/wasm_rt_static.h: compile with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"
#endif

/**
 * wasm2c's call depth at the current guest entry: save
 * `wasm_rt_call_stack_depth` here before entering guest code; a trap
 * restores the depth from it. (Also declared by wabt's wasm-rt-impl.h.)
 */
extern uint32_t wasm_rt_saved_call_stack_depth;

/** One registered function type: its params then results, in `words`. */
struct flue_wasm_rt_functype {
	uint32_t nparams, nresults;
	const wasm_rt_type_t *words;
};

/**
 * @brief Give the runtime its function-type list: room for `max_types`
 *        types whose params and results together take at most `max_words`
 *        entries of `words`. Call once, before any module's init_module()
 *        (calling it again empties the list). A registration of a new type
 *        that does not fit traps (WASM_RT_TRAP_EXHAUSTION through
 *        flue_wasm_rt_trap_handler()); a type already registered still gets its index.
 *        Without this call every new type traps. wasm_rt_free() empties the
 *        list and keeps the storage.
 */
void flue_wasm_rt_static_init(struct flue_wasm_rt_functype *types, uint32_t max_types,
			      wasm_rt_type_t *words, uint32_t max_words);

/**
 * @brief The storage the next wasm_rt_allocate_memory() call gets: `buf` of
 *        `max_pages` × 65536 bytes (aligned to at least 8). The memory starts
 *        with the module's initial pages (zeroed) and may grow to
 *        `max_pages` (or the module's own maximum, if smaller; at most
 *        65535, as the memory's byte size is a uint32_t). Consumed by that
 *        call. Without storage, or with less than the initial pages, the
 *        allocation leaves a memory of size 0 (every access traps OOB,
 *        every grow fails) and flue_wasm_rt_static_failed() reports it.
 *        The buffer need not be zero: the runtime zeroes each page it hands
 *        out (so on Cortex-M it may live in the linker script's `.noinit`).
 */
void flue_wasm_rt_static_provide_memory(uint8_t *buf, uint32_t max_pages);

/**
 * @brief Where the runtime's call-depth counters live: one 32-byte,
 *        32-aligned granule holding nothing else, which a gated guest's MPU
 *        domain maps read-write (generated code counts calls there).
 * Context: any; non-blocking.
 */
void flue_wasm_rt_static_guest_rw(uintptr_t *base, uint32_t *size);

/** @brief Likewise for the next wasm_rt_allocate_funcref_table(). */
void flue_wasm_rt_static_provide_table(wasm_rt_funcref_t *elems, uint32_t max_elems);

/** @brief Likewise for the next wasm_rt_allocate_externref_table(). */
void flue_wasm_rt_static_provide_externref_table(wasm_rt_externref_t *elems,
						 uint32_t max_elems);

/**
 * @brief Whether an allocation since the last call found no (or too little)
 *        storage; clears the flag. The glue checks it after instantiating.
 */
bool flue_wasm_rt_static_failed(void);

#endif /* FLUE_WASM_RT_STATIC_H */
