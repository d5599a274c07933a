/*
 * The one trap path of both wasm2c runtimes (flue/wasm_rt_trap.h): a
 * handler pointer the embedder sets, so that the runtime calls upwards
 * only through it.
 */
#include <stddef.h>

#include <flue/port.h>
#include <flue/wasm_rt_trap.h>

static flue_wasm_rt_trap_fn handler;

void flue_wasm_rt_set_trap_handler(flue_wasm_rt_trap_fn fn)
{
	handler = fn;
}

_Noreturn void flue_wasm_rt_trap_handler(int code)
{
	/* Gated guest code may not read `handler` (runtime memory): the trap
	 * is the runtime's service. */
	if (flue_port_unprivileged())
		(void)flue_port_gate(FLUE_WASM_RT_SVC_TRAP, (uint32_t)code, 0u, 0u);
	if (handler != NULL)
		handler(code);
	flue_port_halt(); /* no handler, or one that returned */
}
