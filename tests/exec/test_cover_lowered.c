/*
 * flue_call_lowered's caller traps as flue/exec.h lists them (wrong number
 * of flat args or no args array: FLUE_TRAP_SIGNATURE; may_leave clear;
 * handle table full; no free task: FLUE_TRAP_POOL_FULL), and a trap with
 * no observer installed (flue_exec_on_trap(s, NULL, ...)): the instance is
 * poisoned all the same and never entered again (lockdown). Expected
 * values come from flue/exec.h and flue/config.h (branch coverage of
 * src/exec, issue 10).
 */
#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype async_u32 = { .async = true, .nparams = 1, .params = &u32_t,
						.result = &u32_t };
static const struct flue_functype sync_ret = { .async = false, .result = &u32_t };
static const struct flue_functype async_unit = { .async = true };

static struct flue_func hf, ef, stuckf;
static struct flue_lowered low;
static uint32_t resolutions, nvalues, nstarted, core_runs;
static flue_call_t host_call;
static uint32_t nargs_to_pass;
static bool pass_null_args;

static void setup(void)
{
	ex_setup();
	resolutions = nstarted = core_runs = 0;
	nvalues = 0xDEADu;
	host_call = FLUE_CALL_NONE;
	nargs_to_pass = 1;
	pass_null_args = false;
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
}

static void on_resolve(void *u, const struct flue_values *r)
{
	(void)u;
	resolutions++;
	nvalues = r != 0 ? r->n : 0xDEADu;
}

static void host_start_hold(void *u, flue_call_t call, const struct flue_values *a)
{
	(void)u, (void)a;
	nstarted++;
	host_call = call;
}

/* Sync export calling `low` (a sync lower of async_u32: one flat param)
 * with `nargs_to_pass` args, or a NULL array. */
static void call_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		      flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	core_runs++;
	flue_flat_t args[3] = { 1, 2, 3 };
	res[0] = flue_call_lowered(&low, pass_null_args ? 0 : args, nargs_to_pass);
}

static void expect_caller_trapped(struct flue_instance *g, enum flue_trap_reason r)
{
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu); /* the invoker's on_resolve gets NULL */
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, r);
	FT_TRUE(ex.trap_inst == g);
	FT_EQ(nstarted, 0); /* the callee never started */
}

static struct flue_instance *sync_caller(void)
{
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_hold, 0, 0), 0);
	ex_lift(&ef, g, &sync_ret, FLUE_LIFT_SYNC, call_core, 0);
	FT_EQ(flue_lower(&low, &hf, g, false), 0);
	return g;
}

FT_TEST(lowered_call_with_wrong_arg_count_traps_signature)
{
	setup();
	struct flue_instance *g = sync_caller();
	nargs_to_pass = 3;
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	expect_caller_trapped(g, FLUE_TRAP_SIGNATURE);
}

FT_TEST(lowered_call_without_args_array_traps_signature)
{
	setup();
	struct flue_instance *g = sync_caller();
	pass_null_args = true;
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	expect_caller_trapped(g, FLUE_TRAP_SIGNATURE);
}

/* ------------------------------------------------------------- no observer */

FT_TEST(trap_without_observer_still_poisons_and_locks_down)
{
	setup();
	struct flue_instance *g = sync_caller();
	flue_exec_on_trap(&ex.store, 0, 0); /* nobody observes traps now */
	nargs_to_pass = 0;
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	FT_EQ(ex.ntraps, 0);
	FT_EQ(core_runs, 1);
	/* Lockdown: never entered again. */
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(c, FLUE_CALL_NONE);
	FT_EQ(resolutions, 2);
	FT_EQ(core_runs, 1);
	(void)g;
}

/* ------------------------------------------------- may_leave (in realloc) */

#define NP 17u /* > 16 flat params: they go through memory, via realloc */
static struct flue_valtype p17[NP];
static struct flue_functype ft17;

/* The callee's realloc calls an import: may_leave is clear meanwhile. */
static uint32_t realloc_calls_out(void *u, struct flue_instance *inst, uint32_t op, uint32_t os,
				  uint32_t align, uint32_t size)
{
	(void)u, (void)op, (void)os, (void)align, (void)size;
	flue_flat_t a = 1;
	(void)flue_call_lowered(&low, &a, 1);
	return ex_alloc(inst, align, size);
}

static void core17(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		   flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	core_runs++;
}

static void on_start17(void *u, struct flue_values *a)
{
	(void)u;
	a->n = NP;
	for (uint32_t i = 0; i < NP; i++)
		a->v[i] = i;
}

FT_TEST(import_called_from_realloc_traps_may_not_leave)
{
	setup();
	for (uint32_t i = 0; i < NP; i++)
		p17[i] = u32_t;
	ft17 = (struct flue_functype){ .async = false, .nparams = NP, .params = p17 };
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_hold, 0, 0), 0);
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = core17,
				    .realloc = realloc_calls_out };
	FT_EQ(flue_lift(&ef, g, &ft17, &o), 0);
	FT_EQ(flue_lower(&low, &hf, g, false), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, on_start17, on_resolve, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	expect_caller_trapped(g, FLUE_TRAP_MAY_NOT_LEAVE);
	FT_EQ(core_runs, 0);
}

/* ----------------------------------------------------------- pools, tables */

static void stuck_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	res[0] = 2u | flue_canon_waitable_set_new(inst) << 4; /* WAIT on nothing */
}

static uint32_t stuck_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			 uint32_t p2)
{
	(void)u, (void)p1, (void)p2;
	EX_EQ(e, FLUE_EVENT_CODE_TASK_CANCELLED);
	flue_canon_task_cancel(inst);
	return 0;
}

FT_TEST(lowered_call_with_no_free_task_traps_pool_full)
{
	setup();
	struct flue_instance *g = sync_caller();
	ex_lift(&stuckf, ex_new(), &async_unit, FLUE_LIFT_CALLBACK, stuck_core, stuck_cb);
	flue_call_t stuck[FLUE_CONFIG_MAX_TASKS - 1u];
	for (uint32_t i = 0; i + 1u < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke(&stuckf, 0, 0, on_resolve, 0, &stuck[i]), 0);
	/* the caller takes the last task record; its callee finds none */
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK); /* the stuck ones wait on nothing */
	expect_caller_trapped(g, FLUE_TRAP_POOL_FULL);
	/* cancel the stuck ones: every invocation resolves exactly once */
	for (uint32_t i = 0; i + 1u < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke_cancel(&ex.store, stuck[i]), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, FLUE_CONFIG_MAX_TASKS);
	ex_done();
}

FT_TEST(invoke_with_no_free_task_is_enomem)
{
	setup();
	ex_lift(&stuckf, ex_new(), &async_unit, FLUE_LIFT_CALLBACK, stuck_core, stuck_cb);
	flue_call_t stuck[FLUE_CONFIG_MAX_TASKS];
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke(&stuckf, 0, 0, on_resolve, 0, &stuck[i]), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&stuckf, 0, 0, on_resolve, 0, &c), FLUE_ENOMEM);
	FT_EQ(resolutions, 0);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke_cancel(&ex.store, stuck[i]), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, FLUE_CONFIG_MAX_TASKS);
	FT_EQ(ex.ntraps, 0);
	ex_done();
}

/* Callback export: fills its table (flue/config.h: the largest usable
 * index is FLUE_CONFIG_MAX_HANDLES - 1) with waitable sets, then makes an
 * async call that does not return at once: no room for its subtask. */
static void fill_then_call_core(void *u, struct flue_instance *inst, const flue_flat_t *a,
				uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	core_runs++;
	for (uint32_t i = 1; i < FLUE_CONFIG_MAX_HANDLES; i++)
		(void)flue_canon_waitable_set_new(inst);
	flue_flat_t args[2] = { 1, 64 };
	(void)flue_call_lowered(&low, args, 2);
	EX_TRUE(false); /* not reached: the caller traps */
	res[0] = 0;
}

FT_TEST(async_lowered_call_with_full_table_traps_table_full)
{
	setup();
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, host_start_hold, 0, 0), 0);
	ex_lift(&ef, g, &async_unit, FLUE_LIFT_CALLBACK, fill_then_call_core, stuck_cb);
	FT_EQ(flue_lower(&low, &hf, g, true), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	(void)flue_run(&ex.store);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, FLUE_TRAP_TABLE_FULL);
	FT_TRUE(ex.trap_inst == g);
	FT_EQ(core_runs, 1);
	ex_done();
}

/* ------------------------- the caller traps while a host result is lowered */

static bool go;
static int late_rc;

/* Async call of the host function with an out pointer outside memory
 * (EX_MEM bytes): the result cannot be stored when it arrives. */
static void bad_out_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	core_runs++;
	flue_flat_t args[2] = { 1, 0xFFFFFFF0u };
	uint64_t st = flue_call_lowered(&low, args, 2);
	EX_EQ(st_state(st), FLUE_SUBTASK_STARTED);
	uint32_t set = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, st_index(st), set);
	res[0] = 2u | set << 4;
}

/* Waits for `go` on its fiber, then tries to resolve its call itself. */
static void host_start_wait(void *u, flue_call_t call, const struct flue_values *a)
{
	(void)u, (void)a;
	nstarted++;
	host_call = call;
	EX_FALSE(flue_wait_until(&ex.store, ex_is_set, &go, false));
	struct flue_values v = { 1, { 6 } };
	late_rc = flue_host_return(&ex.store, call, &v);
}

static void result_into_bad_pointer(flue_host_start_fn start)
{
	setup();
	go = false;
	late_rc = 1;
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_func(&hf, ex.host, &async_u32, start, 0, 0), 0);
	ex_lift(&ef, g, &async_unit, FLUE_LIFT_CALLBACK, bad_out_core, stuck_cb);
	FT_EQ(flue_lower(&low, &hf, g, true), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	(void)flue_run(&ex.store);
	FT_EQ(nstarted, 1);
	FT_EQ(ex.ntraps, 0);
	/* A valid result: the host call resolves; the caller traps storing it
	 * (definitions.py: the async lower's on_resolve stores the result). */
	struct flue_values v = { 1, { 5 } };
	FT_EQ(flue_host_return(&ex.store, host_call, &v), 0);
	FT_EQ(ex.ntraps, 1);
	FT_TRUE(ex.trap_inst == g);
	FT_EQ(ex.trap, FLUE_TRAP_OUT_OF_BOUNDS);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	FT_EQ(flue_host_return(&ex.store, host_call, &v), FLUE_EBADF); /* resolved */
	go = true;
	FT_EQ(ex_run(), 0);
	FT_FALSE(ex.host->poisoned);
	ex_done();
}

FT_TEST(caller_trap_while_lowering_a_returned_host_result)
{
	result_into_bad_pointer(host_start_hold);
	FT_EQ(late_rc, 1); /* (the host start had returned: not called) */
}

FT_TEST(caller_trap_while_lowering_the_result_of_a_waiting_host_fiber)
{
	result_into_bad_pointer(host_start_wait);
	FT_EQ(late_rc, FLUE_EBADF); /* resolved while it waited */
}

/* The same with a stream end in the result: the end, in transit when the
 * caller traps, is dropped (docs/EXECUTOR.md: "stream ends in transit are
 * dropped"), so the host's writer sees DROPPED. */
FT_TEST(stream_result_in_transit_is_dropped_when_the_caller_traps)
{
	setup();
	struct flue_valtype st = VT_STREAM(ex.u8);
	struct flue_functype ft = { .async = true, .nparams = 1, .params = &u32_t, .result = &st };
	struct flue_instance *g = ex_new();
	FT_EQ(flue_host_func(&hf, ex.host, &ft, host_start_hold, 0, 0), 0);
	ex_lift(&ef, g, &async_unit, FLUE_LIFT_CALLBACK, bad_out_core, stuck_cb);
	FT_EQ(flue_lower(&low, &hf, g, true), 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
	(void)flue_run(&ex.store);
	FT_EQ(nstarted, 1);
	uint32_t r, w;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r, &w), 0);
	struct flue_values v = { 1, { r } };
	FT_EQ(flue_host_return(&ex.store, host_call, &v), 0);
	FT_EQ(ex.ntraps, 1);
	FT_TRUE(ex.trap_inst == g);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	struct flue_host_outcome o = { 0 };
	FT_EQ(flue_host_poll(ex.host, w, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(o.result, FLUE_RESULT_DROPPED);
	FT_EQ(o.progress, 0);
	FT_EQ(flue_host_drop(ex.host, w), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
}

FT_SUITE(cover_lowered, FT_CASE(lowered_call_with_wrong_arg_count_traps_signature),
	 FT_CASE(lowered_call_without_args_array_traps_signature),
	 FT_CASE(trap_without_observer_still_poisons_and_locks_down),
	 FT_CASE(import_called_from_realloc_traps_may_not_leave),
	 FT_CASE(lowered_call_with_no_free_task_traps_pool_full),
	 FT_CASE(invoke_with_no_free_task_is_enomem),
	 FT_CASE(async_lowered_call_with_full_table_traps_table_full),
	 FT_CASE(caller_trap_while_lowering_a_returned_host_result),
	 FT_CASE(caller_trap_while_lowering_the_result_of_a_waiting_host_fiber),
	 FT_CASE(stream_result_in_transit_is_dropped_when_the_caller_traps))
