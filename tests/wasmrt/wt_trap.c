/*
 * The trap handler of tests/wasmrt/ (see wt_trap.h). Traps unwind
 * with longjmp, as flue's ports do; nested wt_run() calls each have their
 * own jmp_buf.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>

#include <flue/wasm_rt_static.h>
#include <flue/wasm_rt_trap.h>

#include "ftest.h"
#include "wt_trap.h"

uint32_t wt_traps;

static jmp_buf *wt_env; /* innermost wt_run() */
static int wt_code;     /* code of the trap being unwound */

/* The trap handler (flue/wasm_rt_trap.h), in the glue's place. */
static _Noreturn void wt_trap(int code)
{
	wt_traps++;
	if (wt_env == NULL) {
		FT_FAIL("wasm trap outside wt_run()");
		abort();
	}
	wt_code = code;
	longjmp(*wt_env, 1);
}

int wt_run(void (*body)(void *arg), void *arg)
{
	jmp_buf env;
	jmp_buf *outer = wt_env; /* not modified after setjmp */
	wt_env = &env;
	flue_wasm_rt_set_trap_handler(wt_trap);
	wasm_rt_saved_call_stack_depth = wasm_rt_call_stack_depth;
	if (setjmp(env) == 0) {
		body(arg);
		wt_env = outer;
		return WASM_RT_TRAP_NONE;
	}
	wt_env = outer;
	return wt_code;
}
