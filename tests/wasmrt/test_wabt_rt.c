/*
 * flue_wasm_rt_wabt: wabt's own wasm-rt-impl.c (host only), built with
 * WASM_RT_TRAP_HANDLER=flue_w2c_trap. Checks the wiring: a trap reaches
 * flue_w2c_trap() with its wasm_rt_trap_t code as the int argument, after
 * wabt restored the saved call depth.
 */
#include <stdint.h>

#include "wasm-rt.h"

#include "ftest.h"
#include "wt_trap.h"

static wasm_rt_trap_t code_to_raise;

static void raise_trap(void *arg)
{
	(void)arg;
	wasm_rt_call_stack_depth += 5;
	wasm_rt_trap(code_to_raise);
}

FT_TEST(trap_reaches_flue_with_its_code)
{
	static const wasm_rt_trap_t codes[] = {
		WASM_RT_TRAP_OOB, WASM_RT_TRAP_INT_OVERFLOW, WASM_RT_TRAP_DIV_BY_ZERO,
		WASM_RT_TRAP_INVALID_CONVERSION, WASM_RT_TRAP_UNREACHABLE,
		WASM_RT_TRAP_CALL_INDIRECT, WASM_RT_TRAP_UNCAUGHT_EXCEPTION,
		WASM_RT_TRAP_EXHAUSTION,
	};
	wasm_rt_init();
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		code_to_raise = codes[i];
		wasm_rt_call_stack_depth = 2;
		FT_EQ(wt_run(raise_trap, NULL), codes[i]);
		FT_EQ(wasm_rt_call_stack_depth, 2u);
	}
	wasm_rt_call_stack_depth = 0;
}

FT_TEST(types_are_shared_as_in_flue_runtime)
{
	uint32_t a = wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I64);
	uint32_t b = wasm_rt_register_func_type(0, 0);
	FT_NE(a, b);
	FT_EQ(wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I64), a);
	wasm_rt_free();
}

FT_SUITE(wabt_rt,
	 FT_CASE(trap_reaches_flue_with_its_code),
	 FT_CASE(types_are_shared_as_in_flue_runtime))
