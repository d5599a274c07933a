/*
 * flue_wasm_rt_static (src/wasmrt/static.c) through its API alone: the
 * function-type registry, provided storage for memories and tables,
 * growth, exceptions and traps. The same suite runs on the host (cmocka)
 * and on QEMU (tests/target/ runner). tests/wasmrt/test_wasm2c.c drives the
 * runtime from real wasm2c output.
 */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <flue/wasm_rt_static.h>

#include "ftest.h"
#include "wt_trap.h"

#define PAGE 65536u

static struct flue_wasm_rt_functype types[4];
static wasm_rt_type_t words[8];
static uint8_t mem_buf[2 * PAGE] __attribute__((aligned(8)));

/* --------------------------------------------------------- function types */

static uint32_t reg_result;

static void reg_i32_to_i32(void *arg)
{
	(void)arg;
	reg_result = wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I32);
}

static void reg_i64_f64_to_f32(void *arg)
{
	(void)arg;
	reg_result = wasm_rt_register_func_type(2, 1, WASM_RT_I64, WASM_RT_F64, WASM_RT_F32);
}

static void reg_nothing(void *arg)
{
	(void)arg;
	reg_result = wasm_rt_register_func_type(0, 0);
}

static void reg_five_params(void *arg)
{
	(void)arg;
	reg_result = wasm_rt_register_func_type(5, 0, WASM_RT_I32, WASM_RT_I32, WASM_RT_I32,
						WASM_RT_I32, WASM_RT_I32);
}

FT_TEST(types_same_signature_same_index)
{
	flue_wasm_rt_static_init(types, 4, words, 8);
	uint32_t a = wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I32);
	uint32_t b = wasm_rt_register_func_type(0, 1, WASM_RT_I32);
	uint32_t c = wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I64);
	uint32_t d = wasm_rt_register_func_type(1, 1, WASM_RT_I64, WASM_RT_I32);
	FT_EQ(a, 1u); /* 0 is the null funcref's type */
	FT_EQ(b, 2u);
	FT_EQ(c, 3u);
	FT_EQ(d, 4u);
	/* Again, in another order, as a second module would. */
	FT_EQ(wasm_rt_register_func_type(1, 1, WASM_RT_I64, WASM_RT_I32), d);
	FT_EQ(wasm_rt_register_func_type(0, 1, WASM_RT_I32), b);
	FT_EQ(wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I32), a);
	FT_EQ(wasm_rt_register_func_type(1, 1, WASM_RT_I32, WASM_RT_I64), c);
	/* The registry stores params then results. */
	FT_EQ(types[3].nparams, 1u);
	FT_EQ(types[3].nresults, 1u);
	FT_EQ(types[3].words[0], WASM_RT_I64);
	FT_EQ(types[3].words[1], WASM_RT_I32);
}

FT_TEST(types_params_and_results_are_distinct)
{
	flue_wasm_rt_static_init(types, 4, words, 8);
	uint32_t p = wasm_rt_register_func_type(1, 0, WASM_RT_I32);
	uint32_t r = wasm_rt_register_func_type(0, 1, WASM_RT_I32);
	uint32_t none = wasm_rt_register_func_type(0, 0);
	FT_NE(p, r);
	FT_NE(p, none);
	FT_NE(r, none);
	FT_EQ(wasm_rt_register_func_type(0, 0), none);
}

FT_TEST(types_beyond_storage_trap_exhaustion)
{
	flue_wasm_rt_static_init(types, 2, words, 8);
	FT_EQ(wt_run(reg_i32_to_i32, NULL), WASM_RT_TRAP_NONE);
	FT_EQ(reg_result, 1u);
	FT_EQ(wt_run(reg_nothing, NULL), WASM_RT_TRAP_NONE);
	FT_EQ(reg_result, 2u);
	/* A third type: no room in types[]. */
	FT_EQ(wt_run(reg_i64_f64_to_f32, NULL), WASM_RT_TRAP_EXHAUSTION);
	FT_EQ(wt_run(reg_i64_f64_to_f32, NULL), WASM_RT_TRAP_EXHAUSTION);
	/* Known types are still found. */
	FT_EQ(wt_run(reg_i32_to_i32, NULL), WASM_RT_TRAP_NONE);
	FT_EQ(reg_result, 1u);
}

FT_TEST(types_beyond_words_trap_exhaustion)
{
	flue_wasm_rt_static_init(types, 4, words, 6);
	FT_EQ(wt_run(reg_i64_f64_to_f32, NULL), WASM_RT_TRAP_NONE); /* 3 words */
	FT_EQ(wt_run(reg_five_params, NULL), WASM_RT_TRAP_EXHAUSTION); /* 5 > 3 left */
	FT_EQ(wt_run(reg_i32_to_i32, NULL), WASM_RT_TRAP_NONE); /* 2 fit */
	FT_EQ(reg_result, 2u);
}

FT_TEST(types_without_storage_trap_exhaustion)
{
	flue_wasm_rt_static_init(NULL, 0, NULL, 0);
	FT_EQ(wt_run(reg_nothing, NULL), WASM_RT_TRAP_EXHAUSTION);
}

FT_TEST(free_forgets_types_and_init_flag)
{
	flue_wasm_rt_static_init(types, 4, words, 8);
	wasm_rt_init();
	FT_TRUE(wasm_rt_is_initialized());
	FT_EQ(wasm_rt_register_func_type(2, 1, WASM_RT_I64, WASM_RT_F64, WASM_RT_F32), 1u);
	wasm_rt_free();
	FT_FALSE(wasm_rt_is_initialized());
	wasm_rt_init();
	FT_EQ(wasm_rt_register_func_type(0, 0), 1u);
}

/* ---------------------------------------------------------------- traps */

static void trap_unreachable(void *arg)
{
	(void)arg;
	wasm_rt_call_stack_depth += 7; /* frames that will never unwind */
	wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}

FT_TEST(trap_restores_saved_depth_and_reaches_flue)
{
	wasm_rt_call_stack_depth = 3;
	uint32_t before = wt_traps;
	FT_EQ(wt_run(trap_unreachable, NULL), WASM_RT_TRAP_UNREACHABLE);
	FT_EQ(wt_traps, before + 1u);
	FT_EQ(wasm_rt_call_stack_depth, 3u);
	wasm_rt_call_stack_depth = 0;
}

FT_TEST(strerror_names_every_code)
{
	static const wasm_rt_trap_t codes[] = {
		WASM_RT_TRAP_NONE, WASM_RT_TRAP_OOB, WASM_RT_TRAP_INT_OVERFLOW,
		WASM_RT_TRAP_DIV_BY_ZERO, WASM_RT_TRAP_INVALID_CONVERSION,
		WASM_RT_TRAP_UNREACHABLE, WASM_RT_TRAP_CALL_INDIRECT,
		WASM_RT_TRAP_UNCAUGHT_EXCEPTION, WASM_RT_TRAP_EXHAUSTION,
	};
	const size_t n = sizeof codes / sizeof codes[0];
	for (size_t i = 0; i < n; i++) {
		const char *s = wasm_rt_strerror(codes[i]);
		FT_TRUE(s != NULL && s[0] != '\0');
		for (size_t j = 0; j < i; j++)
			FT_NE(strcmp(s, wasm_rt_strerror(codes[j])), 0);
	}
	FT_TRUE(wasm_rt_strerror((wasm_rt_trap_t)99) != NULL);
}

/* ------------------------------------------------------------- memories */

FT_TEST(memory_uses_provided_storage_zeroed)
{
	wasm_rt_memory_t m;
	(void)flue_wasm_rt_static_failed();
	memset(mem_buf, 0xa5, sizeof mem_buf);
	flue_wasm_rt_static_provide_memory(mem_buf, 2);
	wasm_rt_allocate_memory(&m, 1, 10);
	FT_FALSE(flue_wasm_rt_static_failed());
	FT_TRUE(m.data == mem_buf);
	FT_EQ(m.pages, 1u);
	FT_EQ(m.size, PAGE);
	FT_EQ(m.max_pages, 2u); /* the storage, below the module's 10 */
	FT_EQ(mem_buf[0], 0u);
	FT_EQ(mem_buf[PAGE - 1u], 0u);
	FT_EQ(mem_buf[PAGE], 0xa5u); /* not handed out yet */

	FT_EQ(wasm_rt_grow_memory(&m, 0), 1u);
	FT_EQ(wasm_rt_grow_memory(&m, 1), 1u);
	FT_EQ(m.pages, 2u);
	FT_EQ(m.size, 2u * PAGE);
	FT_EQ(mem_buf[PAGE], 0u); /* zeroed when grown */
	FT_EQ(mem_buf[2u * PAGE - 1u], 0u);
	FT_EQ(wasm_rt_grow_memory(&m, 1), UINT32_MAX);
	FT_EQ(wasm_rt_grow_memory(&m, UINT32_MAX), UINT32_MAX);
	FT_EQ(m.pages, 2u);
	wasm_rt_free_memory(&m);
}

FT_TEST(memory_module_maximum_below_storage)
{
	wasm_rt_memory_t m;
	flue_wasm_rt_static_provide_memory(mem_buf, 2);
	wasm_rt_allocate_memory(&m, 0, 1);
	FT_FALSE(flue_wasm_rt_static_failed());
	FT_EQ(m.size, 0u);
	FT_EQ(m.max_pages, 1u);
	FT_EQ(wasm_rt_grow_memory(&m, 2), UINT32_MAX);
	FT_EQ(wasm_rt_grow_memory(&m, 1), 0u);
	FT_EQ(wasm_rt_grow_memory(&m, 1), UINT32_MAX);
}

FT_TEST(memory_without_storage_fails_safely)
{
	wasm_rt_memory_t m;
	/* Storage is consumed by one allocation: this one gets none. */
	flue_wasm_rt_static_provide_memory(mem_buf, 2);
	wasm_rt_allocate_memory(&m, 1, 2);
	FT_FALSE(flue_wasm_rt_static_failed());
	wasm_rt_allocate_memory(&m, 1, 2);
	FT_TRUE(flue_wasm_rt_static_failed());
	FT_FALSE(flue_wasm_rt_static_failed()); /* reading clears it */
	FT_TRUE(m.data != NULL);
	FT_EQ(m.size, 0u);
	FT_EQ(m.pages, 0u);
	FT_EQ(wasm_rt_grow_memory(&m, 1), UINT32_MAX);
	FT_EQ(wasm_rt_grow_memory(&m, 0), 0u);
}

FT_TEST(memory_storage_smaller_than_initial_fails)
{
	wasm_rt_memory_t m;
	flue_wasm_rt_static_provide_memory(mem_buf, 2);
	wasm_rt_allocate_memory(&m, 3, 3);
	FT_TRUE(flue_wasm_rt_static_failed());
	FT_EQ(m.size, 0u);
}

/* --------------------------------------------------------------- tables */

static void dummy_func(void)
{
}

FT_TEST(funcref_table_in_storage_grows_within_it)
{
	wasm_rt_funcref_t elems[4];
	wasm_rt_funcref_table_t t;
	(void)flue_wasm_rt_static_failed();
	memset(elems, 0x5a, sizeof elems);
	flue_wasm_rt_static_provide_table(elems, 4);
	wasm_rt_allocate_funcref_table(&t, 2, UINT32_MAX);
	FT_FALSE(flue_wasm_rt_static_failed());
	FT_TRUE(t.data == elems);
	FT_EQ(t.size, 2u);
	FT_EQ(t.max_size, 4u);
	FT_TRUE(elems[0].func == NULL && elems[1].func == NULL);
	FT_EQ(elems[1].func_type, 0u);

	wasm_rt_funcref_t f = { 3, dummy_func, &t };
	FT_EQ(wasm_rt_grow_funcref_table(&t, 2, f), 2u);
	FT_EQ(t.size, 4u);
	FT_TRUE(elems[3].func == dummy_func);
	FT_EQ(elems[3].func_type, 3u);
	FT_TRUE(elems[2].module_instance == &t);
	FT_EQ(wasm_rt_grow_funcref_table(&t, 1, f), UINT32_MAX);
	FT_EQ(wasm_rt_grow_funcref_table(&t, 0, f), 4u);
	wasm_rt_free_funcref_table(&t);
}

FT_TEST(funcref_table_without_storage_fails_safely)
{
	wasm_rt_funcref_table_t t;
	flue_wasm_rt_static_provide_table(NULL, 0);
	wasm_rt_allocate_funcref_table(&t, 1, 1);
	FT_TRUE(flue_wasm_rt_static_failed());
	FT_EQ(t.size, 0u);
	FT_TRUE(t.data != NULL);
	FT_EQ(wasm_rt_grow_funcref_table(&t, 1, wasm_rt_funcref_null_value), UINT32_MAX);
}

FT_TEST(externref_table_in_storage_grows_within_it)
{
	wasm_rt_externref_t elems[3];
	wasm_rt_externref_table_t t;
	int token;
	(void)flue_wasm_rt_static_failed();
	flue_wasm_rt_static_provide_externref_table(elems, 3);
	wasm_rt_allocate_externref_table(&t, 1, 2);
	FT_FALSE(flue_wasm_rt_static_failed());
	FT_TRUE(t.data == elems);
	FT_EQ(t.max_size, 2u); /* the module's maximum, below the storage */
	FT_TRUE(elems[0] == NULL);
	FT_EQ(wasm_rt_grow_externref_table(&t, 1, &token), 1u);
	FT_TRUE(elems[1] == &token);
	FT_EQ(wasm_rt_grow_externref_table(&t, 1, &token), UINT32_MAX);
	wasm_rt_free_externref_table(&t);

	wasm_rt_allocate_externref_table(&t, 1, 2); /* storage consumed */
	FT_TRUE(flue_wasm_rt_static_failed());
	FT_EQ(t.size, 0u);
}

/* ----------------------------------------------------------- exceptions */

static uint32_t big_tag;

static void register_big_tag(void *arg)
{
	(void)arg;
	big_tag = wasm_rt_register_tag(4096);
}

static void throw_uncaught(void *arg)
{
	(void)arg;
	uint32_t v = 7;
	wasm_rt_load_exception(1, sizeof v, &v);
	wasm_rt_throw();
}

FT_TEST(tags_are_distinct_and_bounded)
{
	uint32_t a = wasm_rt_register_tag(4);
	uint32_t b = wasm_rt_register_tag(0);
	FT_NE(a, b);
	FT_EQ(wt_run(register_big_tag, NULL), WASM_RT_TRAP_EXHAUSTION);
}

FT_TEST(exception_payload_is_kept)
{
	const uint64_t v = 0x0123456789abcdefu;
	wasm_rt_load_exception(5, sizeof v, &v);
	FT_EQ(wasm_rt_exception_tag(), 5u);
	FT_EQ(wasm_rt_exception_size(), sizeof v);
	uint64_t got;
	memcpy(&got, wasm_rt_exception(), sizeof got);
	FT_EQ(got, v);
	wasm_rt_load_exception(6, 0, NULL);
	FT_EQ(wasm_rt_exception_size(), 0u);
}

FT_TEST(throw_without_target_traps_uncaught)
{
	wasm_rt_set_unwind_target(NULL);
	FT_EQ(wt_run(throw_uncaught, NULL), WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
}

FT_TEST(throw_jumps_to_unwind_target)
{
	WASM_RT_UNWIND_TARGET target;
	volatile int jumped = 0;
	if (wasm_rt_try(target) == 0) {
		wasm_rt_set_unwind_target(&target);
		FT_TRUE(wasm_rt_get_unwind_target() == &target);
		throw_uncaught(NULL);
	} else {
		jumped = 1;
	}
	wasm_rt_set_unwind_target(NULL);
	FT_EQ(jumped, 1);
	FT_EQ(wasm_rt_exception_tag(), 1u);
}

FT_SUITE(wasmrt,
	 FT_CASE(types_same_signature_same_index),
	 FT_CASE(types_params_and_results_are_distinct),
	 FT_CASE(types_beyond_storage_trap_exhaustion),
	 FT_CASE(types_beyond_words_trap_exhaustion),
	 FT_CASE(types_without_storage_trap_exhaustion),
	 FT_CASE(free_forgets_types_and_init_flag),
	 FT_CASE(trap_restores_saved_depth_and_reaches_flue),
	 FT_CASE(strerror_names_every_code),
	 FT_CASE(memory_uses_provided_storage_zeroed),
	 FT_CASE(memory_module_maximum_below_storage),
	 FT_CASE(memory_without_storage_fails_safely),
	 FT_CASE(memory_storage_smaller_than_initial_fails),
	 FT_CASE(funcref_table_in_storage_grows_within_it),
	 FT_CASE(funcref_table_without_storage_fails_safely),
	 FT_CASE(externref_table_in_storage_grows_within_it),
	 FT_CASE(tags_are_distinct_and_bounded),
	 FT_CASE(exception_payload_is_kept),
	 FT_CASE(throw_without_target_traps_uncaught),
	 FT_CASE(throw_jumps_to_unwind_target))
