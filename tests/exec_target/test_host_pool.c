/*
 * A full fiber pool on the Cortex-M port (target image only; POSIX makes
 * fibers as needed). A host function that finds no stack runs on its
 * caller's stack, as where the port has no fibers: failing it would trap
 * the host instance and with it every host end. Regression test: the old
 * executor trapped the host instance with FLUE_TRAP_POOL_FULL.
 */
#include <flue/port_cortexm.h>

#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype host_u32 = { .async = true, .nparams = 1, .params = &u32_t,
					       .result = &u32_t };
static struct flue_func waits, answers;
static bool go;
static uint32_t resolutions;
static uint64_t last_value;
static uint64_t one_stack[4096u / 8u] __attribute__((aligned(FLUE_PORT_CORTEXM_STACK_ALIGN)));
int exec_give_default_stacks(void); /* exec_target.c */

/* Holds the only fiber until `go`, then answers its argument + 1. */
static void waits_start(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	(void)flue_wait_until(&ex.store, ex_is_set, &go, false);
	struct flue_values v = { 1, { args->v[0] + 1u } };
	EX_EQ(flue_host_return(&ex.store, call, &v), 0);
}

/* Answers at once (no stack of its own needed). */
static void answers_start(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	struct flue_values v = { 1, { args->v[0] * 2u } };
	EX_EQ(flue_host_return(&ex.store, call, &v), 0);
}

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolutions++;
	last_value = r != 0 && r->n == 1u ? r->v[0] : 0xDEADu;
}

static uint32_t arg_value;

static void on_start_args(void *user, struct flue_values *args)
{
	(void)user;
	args->n = 1;
	args->v[0] = arg_value;
}

FT_TEST(a_host_function_without_a_stack_runs_inline)
{
	ex_setup();
	FT_EQ(flue_port_cortexm_give_stacks(one_stack, 1u, sizeof one_stack), 0);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_func(&waits, ex.host, &host_u32, waits_start, 0, 0), 0);
	FT_EQ(flue_host_func(&answers, ex.host, &host_u32, answers_start, 0, 0), 0);
	go = false;
	resolutions = 0;
	flue_call_t c1, c2;
	arg_value = 10u;
	FT_EQ(flue_invoke(&waits, ex.host, on_start_args, on_resolve, 0, &c1), 0);
	FT_EQ(resolutions, 0u); /* it holds the pool's only stack */
	arg_value = 21u;
	FT_EQ(flue_invoke(&answers, ex.host, on_start_args, on_resolve, 0, &c2), 0);
	FT_EQ(resolutions, 1u); /* ran inline, answered */
	FT_EQ(last_value, 42u);
	FT_TRUE(!ex.host->poisoned);
	go = true;
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 2u);
	FT_EQ(last_value, 11u);
	FT_EQ(ex.ntraps, 0u);
	/* The image's other suites get their sixteen stacks back. */
	FT_EQ(exec_give_default_stacks(), 0);
}

FT_SUITE(host_pool, FT_CASE(a_host_function_without_a_stack_runs_inline))
