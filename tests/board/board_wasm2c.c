/*
 * wasm2c output on the MPS2 board the way flue-build's programs run it:
 * tests/wasmrt/wta.wat and wtb.wat (translated at build time) against
 * flue_wasm_rt_static, with the board's startup and no newlib stdio. The
 * linear memory lives in .noinit (the runtime zeroes its pages). CTest
 * checks the output, the exit status and that the image has no heap
 * (scripts/check_no_heap.sh): generated code's assert() and libm included.
 */
#include <math.h>
#include <setjmp.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/wasm_rt_trap.h>
#include <flue/wasm_rt_static.h>

#include "wta.h"
#include "wtb.h"

static struct flue_wasm_rt_functype types[16];
static wasm_rt_type_t words[32];
static uint8_t memory[2 * 65536] __attribute__((section(".noinit"), aligned(8)));
static wasm_rt_funcref_t table_a[4], table_b[2];
static Z_wta_instance_t a;
static Z_wtb_instance_t b;

/* The glue's part, reduced: a trap returns to the guest call's caller. */
static jmp_buf trap_env;
static volatile int trap_code;

static _Noreturn void on_trap(int code)
{
	trap_code = code;
	longjmp(trap_env, 1);
}

static unsigned failures;

static void expect(const char *what, uint32_t got, uint32_t want)
{
	flue_board_printf("%s = %d%s\n", what, (int)got, got == want ? "" : "  <-- WRONG");
	if (got != want)
		failures++;
}

#define GUEST(call, want_trap)                                                    \
	do {                                                                      \
		trap_code = 0;                                                    \
		wasm_rt_saved_call_stack_depth = wasm_rt_call_stack_depth;        \
		if (setjmp(trap_env) == 0)                                        \
			call;                                                     \
		flue_board_printf("%s: %s\n", #call,                              \
				  trap_code != 0 ? wasm_rt_strerror((wasm_rt_trap_t)trap_code) \
						 : "returned");                   \
		if (trap_code != (want_trap))                                     \
			failures++;                                               \
	} while (0)

int main(void)
{
	volatile uint32_t r = 0;
	flue_wasm_rt_static_init(types, 16, words, 32);
	flue_wasm_rt_set_trap_handler(on_trap);
	wasm_rt_init();
	GUEST((Z_wta_init_module(), Z_wtb_init_module()), 0);
	flue_wasm_rt_static_provide_memory(memory, 2);
	flue_wasm_rt_static_provide_table(table_a, 4);
	GUEST(Z_wta_instantiate(&a), 0);
	flue_wasm_rt_static_provide_table(table_b, 2);
	GUEST(Z_wtb_instantiate(&b, &a), 0);
	expect("storage missing", flue_wasm_rt_static_failed(), 0);

	GUEST(r = Z_wtaZ_load(&a, 16), 0);
	expect("load(16)", r, 42);
	GUEST(r = Z_wtaZ_grow(&a, 1), 0);
	expect("grow(1)", r, 1);
	GUEST(r = Z_wtaZ_grow(&a, 1), 0);
	expect("grow(1) again", r, UINT32_MAX);
	GUEST(r = Z_wtaZ_load(&a, 2 * 65536), WASM_RT_TRAP_OOB);
	GUEST(r = Z_wtaZ_call_ind(&a, 2), WASM_RT_TRAP_CALL_INDIRECT);
	GUEST(r = Z_wtaZ_trunc(&a, NAN), WASM_RT_TRAP_INVALID_CONVERSION);
	GUEST(r = Z_wtaZ_forever(&a, 0), WASM_RT_TRAP_EXHAUSTION);
	GUEST(r = Z_wtaZ_catch(&a, 7), 0);
	expect("catch(7)", r, 107);
	GUEST(r = Z_wtbZ_call_a(&b, 0), 0);
	expect("wtb calls wta's table", r, 42);

	flue_board_printf("wasm2c on the board: %s\n", failures == 0 ? "passed" : "FAILED");
	return failures == 0 ? 0 : 1;
}
