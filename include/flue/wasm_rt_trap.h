/**
 * @file flue/wasm_rt_trap.h
 * @brief Where a wasm2c runtime sends a trap: one handler, set by whoever
 *        embeds the runtime (flue's glue sets flue_w2c_trap(), flue/w2c.h).
 *
 * Both runtimes flue builds call flue_wasm_rt_trap_handler(): flue's
 * freestanding one (flue/wasm_rt_static.h) from its wasm_rt_trap(), and
 * wabt's own wasm-rt-impl.c through `-DWASM_RT_TRAP_HANDLER=
 * flue_wasm_rt_trap_handler`. The runtime therefore depends on nothing
 * above it; the glue registers itself (generated `<prog>_init()` does).
 */
#ifndef FLUE_WASM_RT_TRAP_H
#define FLUE_WASM_RT_TRAP_H

#include <stdint.h>

/**
 * The privilege gate's services (flue/port.h) a gated guest's runtime
 * calls: a trap and memory.grow reach the runtime through flue_port_gate()
 * when the caller is unprivileged (the glue's service table has them at
 * these indices: flue/w2c.h).
 */
#define FLUE_WASM_RT_SVC_TRAP 0u /**< (code): never returns */
#define FLUE_WASM_RT_SVC_GROW 1u /**< (memory, pages): old pages or UINT32_MAX */

/** A trap handler: gets the wasm_rt_trap_t code; must not return. */
typedef void (*flue_wasm_rt_trap_fn)(int code);

/**
 * @brief Set the handler every later trap goes to (NULL: none).
 * Context: executor thread, before guest code runs.
 */
void flue_wasm_rt_set_trap_handler(flue_wasm_rt_trap_fn fn);

/**
 * @brief The runtimes' trap path: calls the handler with `code`. Without a
 *        handler, or if it returns, calls flue_port_halt(). Never returns.
 */
_Noreturn void flue_wasm_rt_trap_handler(int code);

#endif /* FLUE_WASM_RT_TRAP_H */
