/*
 * flue_wasm_rt_static under real wasm2c output: tests/wasmrt/wta.wat and
 * wtb.wat, translated at build time (wat2wasm + wasm2c, see
 * tests/wasmrt/wasmrt.cmake) and compiled with WASM_RT_MAX_CALL_STACK_DEPTH
 * low. Every trap wasm2c's generated code can raise reaches the
 * flue_w2c_trap() stub (wt_trap.c) with its code; memories and tables live
 * in the arrays below. Runs on the host and on QEMU (M3, M33).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <flue/wasm_rt_static.h>

#include "ftest.h"
#include "wt_trap.h"
#include "wta.h"
#include "wtb.h"

#define PAGE 65536u

/* The fixtures are compiled with a low limit (tests/wasmrt/wasmrt.cmake), so
 * that exhausting it is quick and fits any test stack. */
#define WT_MAX_DEPTH ((uint32_t)WASM_RT_MAX_CALL_STACK_DEPTH)
_Static_assert(WASM_RT_MAX_CALL_STACK_DEPTH <= 100, "fixtures built with the default depth");

static struct flue_wasm_rt_functype types[16];
static wasm_rt_type_t words[32];
static uint8_t a_mem[4 * PAGE] __attribute__((aligned(8)));
static wasm_rt_funcref_t a_tab[4], b_tab[2];
static Z_wta_instance_t a;
static Z_wtb_instance_t b;

/* Arguments and results of one call into guest code. */
static struct {
	uint32_t x, y, r;
	uint64_t r64;
	float f;
	double d;
	uint32_t pages; /* storage for wta's memory at instantiation */
} c;

/* ------------------------------------------------------------------ setup */

static void init_modules(void *arg)
{
	(void)arg;
	Z_wta_init_module();
	Z_wtb_init_module();
}

static void instantiate(void *arg)
{
	(void)arg;
	flue_wasm_rt_static_provide_memory(a_mem, c.pages);
	flue_wasm_rt_static_provide_table(a_tab, 4);
	Z_wta_instantiate(&a);
	flue_wasm_rt_static_provide_table(b_tab, 2);
	Z_wtb_instantiate(&b, &a);
}

static void instantiate_a_only(void *arg)
{
	(void)arg;
	Z_wta_instantiate(&a);
}

/* Both modules, fresh: a type registry with room for both, wta's memory in
 * `pages` pages of a_mem. */
static void setup(uint32_t pages)
{
	memset(a_mem, 0xee, sizeof a_mem); /* the runtime must zero it */
	flue_wasm_rt_static_init(types, 16, words, 32);
	wasm_rt_init();
	FT_EQ(wt_run(init_modules, NULL), WASM_RT_TRAP_NONE);
	(void)flue_wasm_rt_static_failed();
	c.pages = pages;
	FT_EQ(wt_run(instantiate, NULL), WASM_RT_TRAP_NONE);
	FT_FALSE(flue_wasm_rt_static_failed());
	FT_EQ(wasm_rt_call_stack_depth, 0u);
}

/* --------------------------------------------------------- guest calls */

static void call_load(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_load(&a, c.x);
}

static void call_store(void *arg)
{
	(void)arg;
	Z_wtaZ_store(&a, c.x, c.y);
}

static void call_size(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_size(&a);
}

static void call_grow(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_grow(&a, c.x);
}

static void call_unreachable(void *arg)
{
	(void)arg;
	Z_wtaZ_unreachable(&a);
}

static void call_div_s(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_div_s(&a, c.x, c.y);
}

static void call_div_u(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_div_u(&a, c.x, c.y);
}

static void call_trunc(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_trunc(&a, c.f);
}

static void call_trunc64(void *arg)
{
	(void)arg;
	c.r64 = Z_wtaZ_trunc64(&a, c.d);
}

static void call_ind(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_call_ind(&a, c.x);
}

static void call_depth(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_depth(&a, c.x);
}

static void call_forever(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_forever(&a, 0);
}

static void call_throw(void *arg)
{
	(void)arg;
	Z_wtaZ_throw(&a, c.x);
}

static void call_catch(void *arg)
{
	(void)arg;
	c.r = Z_wtaZ_catch(&a, c.x);
}

static void call_b_call_a(void *arg)
{
	(void)arg;
	c.r = Z_wtbZ_call_a(&b, c.x);
}

/* One call with arguments x, y; returns the trap code (0: none). */
static int run2(void (*body)(void *), uint32_t x, uint32_t y)
{
	c.x = x;
	c.y = y;
	c.r = 0xdeadu;
	return wt_run(body, NULL);
}

/* ---------------------------------------------------------------- memory */

FT_TEST(memory_in_bounds_is_the_provided_storage)
{
	setup(2);
	FT_EQ(run2(call_load, 16, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 42u); /* the data segment */
	FT_EQ(run2(call_load, 0, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 0u); /* zeroed, though a_mem was not */
	FT_EQ(run2(call_store, PAGE - 4u, 0xcafef00du), WASM_RT_TRAP_NONE);
	FT_EQ(run2(call_load, PAGE - 4u, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 0xcafef00du);
	FT_EQ(a_mem[PAGE - 4u], 0x0du); /* little-endian, in our buffer */
	FT_EQ(a_mem[PAGE - 1u], 0xcau);
	FT_EQ(a_mem[PAGE], 0xeeu); /* the second page is not handed out yet */
}

FT_TEST(memory_out_of_bounds_traps_oob)
{
	setup(2);
	FT_EQ(run2(call_load, PAGE - 3u, 0), WASM_RT_TRAP_OOB);
	FT_EQ(run2(call_load, PAGE, 0), WASM_RT_TRAP_OOB);
	FT_EQ(run2(call_load, UINT32_MAX - 1u, 0), WASM_RT_TRAP_OOB);
	FT_EQ(run2(call_store, PAGE, 1), WASM_RT_TRAP_OOB);
	FT_EQ(a_mem[PAGE], 0xeeu); /* nothing written beyond the memory */
	FT_EQ(wasm_rt_call_stack_depth, 0u);
}

FT_TEST(memory_grows_within_storage_then_fails)
{
	setup(2); /* wta allows 3 pages, the storage only 2 */
	FT_EQ(run2(call_size, 0, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 1u);
	FT_EQ(run2(call_grow, 1, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 1u); /* the old size */
	FT_EQ(run2(call_load, PAGE, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 0u); /* the new page is zeroed */
	FT_EQ(run2(call_store, 2u * PAGE - 4u, 7), WASM_RT_TRAP_NONE);
	FT_EQ(run2(call_grow, 1, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, UINT32_MAX); /* memory.grow's -1 */
	FT_EQ(run2(call_size, 0, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 2u);
	FT_EQ(run2(call_load, 2u * PAGE - 4u, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 7u);
	FT_EQ(run2(call_load, 2u * PAGE, 0), WASM_RT_TRAP_OOB);
}

FT_TEST(memory_grow_respects_module_maximum)
{
	setup(4); /* storage for 4, wta allows 3 */
	FT_EQ(run2(call_grow, 3, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, UINT32_MAX);
	FT_EQ(run2(call_grow, 2, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 1u);
	FT_EQ(run2(call_grow, 1, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, UINT32_MAX);
	FT_EQ(run2(call_grow, 0, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 3u);
}

/* ---------------------------------------------------------------- traps */

FT_TEST(unreachable_traps)
{
	setup(1);
	FT_EQ(run2(call_unreachable, 0, 0), WASM_RT_TRAP_UNREACHABLE);
}

FT_TEST(integer_division_traps)
{
	setup(1);
	FT_EQ(run2(call_div_s, (uint32_t)-7, 2), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, (uint32_t)-3);
	FT_EQ(run2(call_div_s, 1, 0), WASM_RT_TRAP_DIV_BY_ZERO);
	FT_EQ(run2(call_div_u, 1, 0), WASM_RT_TRAP_DIV_BY_ZERO);
	FT_EQ(run2(call_div_s, 0x80000000u, UINT32_MAX), WASM_RT_TRAP_INT_OVERFLOW);
	FT_EQ(run2(call_div_u, 0x80000000u, UINT32_MAX), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 0u);
}

FT_TEST(float_truncation_traps)
{
	setup(1);
	c.f = -2.75f;
	FT_EQ(wt_run(call_trunc, NULL), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, (uint32_t)-2);
	c.f = NAN;
	FT_EQ(wt_run(call_trunc, NULL), WASM_RT_TRAP_INVALID_CONVERSION);
	c.f = 3.0e9f;
	FT_EQ(wt_run(call_trunc, NULL), WASM_RT_TRAP_INT_OVERFLOW);
	c.d = 1.0e19;
	FT_EQ(wt_run(call_trunc64, NULL), WASM_RT_TRAP_NONE);
	FT_EQ(c.r64, 10000000000000000000u);
	c.d = -1.0;
	FT_EQ(wt_run(call_trunc64, NULL), WASM_RT_TRAP_INT_OVERFLOW);
}

FT_TEST(call_indirect_checks_type_null_and_range)
{
	setup(1);
	FT_EQ(run2(call_ind, 0, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 42u);
	FT_EQ(run2(call_ind, 1, 0), WASM_RT_TRAP_CALL_INDIRECT); /* (i32) -> i32 */
	FT_EQ(run2(call_ind, 2, 0), WASM_RT_TRAP_CALL_INDIRECT); /* null */
	FT_EQ(run2(call_ind, 4, 0), WASM_RT_TRAP_CALL_INDIRECT); /* past the end */
	FT_EQ(run2(call_ind, UINT32_MAX, 0), WASM_RT_TRAP_CALL_INDIRECT);
}

FT_TEST(call_depth_is_limited)
{
	setup(1);
	/* depth(n) nests n + 1 calls: the limit itself is allowed. */
	FT_EQ(run2(call_depth, WT_MAX_DEPTH - 1u, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, WT_MAX_DEPTH - 1u);
	FT_EQ(wasm_rt_call_stack_depth, 0u);
	FT_EQ(run2(call_depth, WT_MAX_DEPTH, 0), WASM_RT_TRAP_EXHAUSTION);
	FT_EQ(wasm_rt_call_stack_depth, 0u); /* restored by the trap */
	FT_EQ(run2(call_forever, 0, 0), WASM_RT_TRAP_EXHAUSTION);
	FT_EQ(wasm_rt_call_stack_depth, 0u);
	FT_EQ(run2(call_depth, 3, 0), WASM_RT_TRAP_NONE); /* usable again */
	FT_EQ(c.r, 3u);
}

FT_TEST(exceptions_caught_and_uncaught)
{
	setup(1);
	wasm_rt_set_unwind_target(NULL); /* what the glue does at entry */
	FT_EQ(run2(call_catch, 7, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 107u);
	FT_TRUE(wasm_rt_get_unwind_target() == NULL); /* restored by the try */
	FT_EQ(run2(call_throw, 5, 0), WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
	FT_EQ(wasm_rt_exception_size(), 4u);
	uint32_t payload;
	memcpy(&payload, wasm_rt_exception(), sizeof payload);
	FT_EQ(payload, 5u);
	/* wabt 1.0.32's try blocks do not save the call depth: after a catch
	 * it keeps the frames the throw unwound (until the glue's entry
	 * restores it). Start the next test from 0. */
	wasm_rt_call_stack_depth = 0;
}

/* ----------------------------------------------------- shared type indices */

FT_TEST(modules_share_function_type_indices)
{
	setup(1);
	/* wtb's own index for () -> i32 matches the one in wta's table. */
	FT_EQ(run2(call_b_call_a, 0, 0), WASM_RT_TRAP_NONE);
	FT_EQ(c.r, 42u);
	FT_EQ(run2(call_b_call_a, 1, 0), WASM_RT_TRAP_CALL_INDIRECT);
	FT_EQ(run2(call_b_call_a, 3, 0), WASM_RT_TRAP_CALL_INDIRECT);
	/* (i32) -> i32 in both tables, and as the embedder registers it. */
	FT_NE(a_tab[1].func_type, 0u);
	FT_EQ(b_tab[0].func_type, a_tab[1].func_type);
	FT_EQ(wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I32), a_tab[1].func_type);
	FT_EQ(wasm_rt_register_func_type(0, 1, WASM_RT_I32), a_tab[0].func_type);
	/* wtb's (i64 f64) -> f32 is a type of its own. */
	FT_NE(b_tab[1].func_type, 0u);
	FT_NE(b_tab[1].func_type, a_tab[0].func_type);
	FT_NE(b_tab[1].func_type, a_tab[1].func_type);
	FT_EQ(wasm_rt_register_func_type(2, 1, WASM_RT_I64, WASM_RT_F64, WASM_RT_F32),
	      b_tab[1].func_type);
}

FT_TEST(too_many_types_trap_exhaustion_at_init)
{
	flue_wasm_rt_static_init(types, 2, words, 32);
	wasm_rt_init();
	FT_EQ(wt_run(init_modules, NULL), WASM_RT_TRAP_EXHAUSTION);
	flue_wasm_rt_static_init(types, 16, words, 3);
	FT_EQ(wt_run(init_modules, NULL), WASM_RT_TRAP_EXHAUSTION);
	flue_wasm_rt_static_init(types, 16, words, 32);
	FT_EQ(wt_run(init_modules, NULL), WASM_RT_TRAP_NONE);
}

FT_TEST(instantiation_without_storage_is_reported)
{
	flue_wasm_rt_static_init(types, 16, words, 32);
	wasm_rt_init();
	FT_EQ(wt_run(init_modules, NULL), WASM_RT_TRAP_NONE);
	(void)flue_wasm_rt_static_failed();
	/* No memory storage: the data segment cannot be placed. */
	flue_wasm_rt_static_provide_table(a_tab, 4);
	FT_EQ(wt_run(instantiate_a_only, NULL), WASM_RT_TRAP_OOB);
	FT_TRUE(flue_wasm_rt_static_failed());
}

FT_SUITE(wasm2c,
	 FT_CASE(memory_in_bounds_is_the_provided_storage),
	 FT_CASE(memory_out_of_bounds_traps_oob),
	 FT_CASE(memory_grows_within_storage_then_fails),
	 FT_CASE(memory_grow_respects_module_maximum),
	 FT_CASE(unreachable_traps),
	 FT_CASE(integer_division_traps),
	 FT_CASE(float_truncation_traps),
	 FT_CASE(call_indirect_checks_type_null_and_range),
	 FT_CASE(call_depth_is_limited),
	 FT_CASE(exceptions_caught_and_uncaught),
	 FT_CASE(modules_share_function_type_indices),
	 FT_CASE(too_many_types_trap_exhaustion_at_init),
	 FT_CASE(instantiation_without_storage_is_reported))
