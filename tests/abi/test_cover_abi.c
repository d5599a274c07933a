/*
 * Built-ins of flue/abi.h and checks of flue/functype.h that no other
 * suite drives (issue 10, coverage of src/abi): the task built-ins'
 * traps (no task, slot index, result type and arity of task.return), a
 * block service that cannot block, stream/future.new of an unregistered
 * type, function-type limits. The task built-ins run inside a callback-
 * lifted export (flue/exec.h) of instance A, so this suite also runs on
 * the Cortex-M target. Expected values come from the Doxygen of
 * flue/abi.h, flue/store.h, flue/functype.h and flue/exec.h.
 */
#include "abi_test.h"
#include <flue/exec.h>
#include <flue/functype.h>

/* --------------------------------------------------- running a task body */

static struct {
	uint32_t ntraps;
	enum flue_trap_reason reason;
	struct flue_instance *inst;
	bool resolved;
	bool has_value;
	struct flue_values v;
} run_out;

static void (*body)(struct flue_instance *inst);
static struct flue_functype run_ft;
static struct flue_func run_fn;

static void on_trap(void *ctx, struct flue_instance *inst, enum flue_trap_reason r)
{
	(void)ctx;
	if (run_out.ntraps++ == 0) {
		run_out.reason = r;
		run_out.inst = inst;
	}
}

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	run_out.resolved = true;
	run_out.has_value = r != NULL;
	if (r != NULL)
		run_out.v = *r;
}

/* The export's core: the test's body, then EXIT (callback code 0). */
static void core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t n,
		 flue_flat_t *results)
{
	(void)user, (void)args, (void)n;
	body(inst);
	results[0] = 0;
}

static uint32_t callback(void *user, struct flue_instance *inst, uint32_t e, uint32_t p1,
			 uint32_t p2)
{
	(void)user, (void)inst, (void)e, (void)p1, (void)p2;
	return 0;
}

/* Lift an async export of A with result type `result` (called after
 * fx_setup(), so element types are known), invoke it from the host with
 * `b` as its body, and run the executor until nothing is ready. */
static void run_task(const struct flue_valtype *result, void (*b)(struct flue_instance *))
{
	memset(&run_out, 0, sizeof run_out);
	flue_exec_on_trap(&fx.store, on_trap, NULL);
	run_ft = (struct flue_functype){ .async = true, .result = result };
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = core,
				    .callback = callback };
	FT_EQ(flue_lift(&run_fn, fx.a, &run_ft, &o), 0);
	body = b;
	flue_call_t call = 0;
	FT_EQ(flue_invoke(&run_fn, NULL, NULL, on_resolve, NULL, &call), 0);
	(void)flue_run(&fx.store);
}

/* ---------------------------------------------------------- context.* */

/* "Traps: no task": outside any task (no executor at all). */
FT_TEST(task_builtins_outside_a_task_trap_no_task)
{
	fx_setup();
	FT_TRAPS(FLUE_TRAP_NO_TASK, flue_canon_context_get(fx.a, 0));
	fx_setup();
	FT_TRAPS(FLUE_TRAP_NO_TASK, flue_canon_context_set(fx.a, 1, 5));
	fx_setup();
	FT_TRAPS(FLUE_TRAP_NO_TASK, flue_canon_thread_yield(fx.a));
	fx_setup();
	FT_TRAPS(FLUE_TRAP_NO_TASK, flue_canon_task_cancel(fx.a));
}

static uint32_t ctx_first[2];
static const struct flue_valtype vt_u32 = { .kind = FLUE_VAL_U32 };

static void ctx_body(struct flue_instance *inst)
{
	ctx_first[0] = flue_canon_context_get(inst, 0);
	ctx_first[1] = flue_canon_context_get(inst, 1);
	flue_canon_context_set(inst, 0, 7);
	flue_canon_context_set(inst, 1, 9);
	flue_flat_t v = flue_canon_context_get(inst, 0) * 100u + flue_canon_context_get(inst, 1);
	flue_canon_task_return(inst, &vt_u32, &v, 1);
}

/* Slots 0 and 1, "zeroed at every export call", each keeping its value. */
FT_TEST(context_slots_start_zero_and_hold_values)
{
	for (uint32_t round = 0; round < 2; round++) {
		fx_setup();
		ctx_first[0] = ctx_first[1] = 0xAA;
		run_task(&vt_u32, ctx_body);
		FT_EQ(run_out.ntraps, 0);
		FT_TRUE(run_out.resolved);
		FT_TRUE(run_out.has_value);
		FT_EQ(run_out.v.n, 1);
		FT_EQ(run_out.v.v[0], 709);
		FT_EQ(ctx_first[0], 0);
		FT_EQ(ctx_first[1], 0);
	}
}

static void get2_body(struct flue_instance *inst) { (void)flue_canon_context_get(inst, 2); }
static void set2_body(struct flue_instance *inst) { flue_canon_context_set(inst, 2, 1); }

/* "Traps: no task, i > 1": the task's instance traps and the call resolves
 * without a value. */
FT_TEST(context_index_above_one_traps)
{
	fx_setup();
	run_task(&vt_u32, get2_body);
	FT_EQ(run_out.ntraps, 1);
	FT_EQ(run_out.reason, FLUE_TRAP_BAD_VALUE);
	FT_TRUE(run_out.inst == fx.a);
	FT_TRUE(run_out.resolved);
	FT_FALSE(run_out.has_value);
	fx_setup();
	run_task(&vt_u32, set2_body);
	FT_EQ(run_out.ntraps, 1);
	FT_EQ(run_out.reason, FLUE_TRAP_BAD_VALUE);
	FT_TRUE(run_out.inst == fx.a);
	FT_FALSE(run_out.has_value);
}

static void other_inst_body(struct flue_instance *inst)
{
	(void)inst;
	(void)flue_canon_context_get(fx.b, 0);
}

/* FLUE_TRAP_NO_TASK: "a task built-in called outside a task of this
 * instance" — B asks while only A's task runs. */
FT_TEST(context_of_another_instance_traps_no_task)
{
	fx_setup();
	run_task(&vt_u32, other_inst_body);
	FT_TRUE(run_out.ntraps >= 1);
	FT_EQ(run_out.reason, FLUE_TRAP_NO_TASK);
	FT_TRUE(run_out.inst == fx.b);
	FT_TRUE(FX_READ(fx.b->poisoned));
}

/* --------------------------------------------------------- task.return */

static const struct flue_valtype *ret_type;
static flue_flat_t ret_args[4];
static uint32_t ret_n;

static void ret_body(struct flue_instance *inst)
{
	flue_canon_task_return(inst, ret_type, ret_args, ret_n);
}

/* task.return with `passed` (nargs flat values) in a task whose result
 * type is `declared`: must trap RESULT_TYPE ("type or arity differs from
 * the task's"), the call resolving without a value. */
static void expect_result_type_trap(const struct flue_valtype *declared,
				    const struct flue_valtype *passed, uint32_t nargs)
{
	fx_setup();
	ret_type = passed;
	ret_n = nargs;
	ret_args[0] = ret_args[1] = ret_args[2] = ret_args[3] = 1;
	run_task(declared, ret_body);
	FT_EQ(run_out.ntraps, 1);
	FT_EQ(run_out.reason, FLUE_TRAP_RESULT_TYPE);
	FT_TRUE(run_out.inst == fx.a);
	FT_TRUE(run_out.resolved);
	FT_FALSE(run_out.has_value);
}

static struct flue_valtype vt_u64, vt_s8, vt_su8, vt_su32, vt_r2, vt_r1, vt_r2k, vt_rs8, vt_rs32;

static void make_types(void)
{
	fx_setup(); /* the element-type ids are the fixture's, in every setup */
	vt_u64 = (struct flue_valtype){ .kind = FLUE_VAL_U64 };
	vt_s8 = (struct flue_valtype){ .kind = FLUE_VAL_S8 };
	vt_su8 = (struct flue_valtype){ .kind = FLUE_VAL_STREAM, .elem = fx.u8 };
	vt_su32 = (struct flue_valtype){ .kind = FLUE_VAL_STREAM, .elem = fx.u32 };
	vt_r2 = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 2,
				       .fields = { { FLUE_VAL_U8, 0 }, { FLUE_VAL_U32, 0 } } };
	vt_r1 = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 1,
				       .fields = { { FLUE_VAL_U8, 0 } } };
	vt_r2k = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 2,
					.fields = { { FLUE_VAL_U8, 0 }, { FLUE_VAL_U64, 0 } } };
	vt_rs8 = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 2,
					.fields = { { FLUE_VAL_U8, 0 }, { FLUE_VAL_STREAM, fx.u8 } } };
	vt_rs32 = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 2,
					 .fields = { { FLUE_VAL_U8, 0 }, { FLUE_VAL_STREAM, fx.u32 } } };
}

FT_TEST(task_return_type_must_be_the_tasks)
{
	make_types();
	expect_result_type_trap(&vt_u32, NULL, 0);       /* none for a u32 */
	expect_result_type_trap(NULL, &vt_u32, 1);       /* a u32 for none */
	expect_result_type_trap(&vt_u32, &vt_u64, 1);    /* another kind */
	expect_result_type_trap(&vt_s8, &vt_u32, 1);
	expect_result_type_trap(&vt_su8, &vt_su32, 1);   /* another element type */
	expect_result_type_trap(&vt_r2, &vt_r1, 1);      /* fewer fields */
	expect_result_type_trap(&vt_r2, &vt_r2k, 2);     /* another field kind */
	expect_result_type_trap(&vt_rs8, &vt_rs32, 2);   /* another field element type */
	expect_result_type_trap(&vt_r2, &vt_u32, 1);     /* record vs number */
}

FT_TEST(task_return_arity_must_match)
{
	make_types();
	expect_result_type_trap(&vt_u32, &vt_u32, 0);
	expect_result_type_trap(&vt_u32, &vt_u32, 2);
	expect_result_type_trap(&vt_r2, &vt_r2, 1);
	expect_result_type_trap(NULL, NULL, 1);
}

/* The matching record: its two leaves reach the invoker in order. */
FT_TEST(task_return_record_reaches_the_invoker)
{
	make_types();
	ret_type = &vt_r2;
	ret_n = 2;
	ret_args[0] = 0x7F;
	ret_args[1] = 0x12345678u;
	memset(&run_out, 0, sizeof run_out);
	run_task(&vt_r2, ret_body);
	FT_EQ(run_out.ntraps, 0);
	FT_TRUE(run_out.has_value);
	FT_EQ(run_out.v.n, 2);
	FT_EQ(run_out.v.v[0], 0x7F);
	FT_EQ(run_out.v.v[1], 0x12345678u);
}

/* ------------------------------------------------------------ task pool */

/* The core waits on an empty set of its own (callback WAIT = 2 | set << 4),
 * so every invocation keeps its task record. */
static void waiting_core(void *user, struct flue_instance *inst, const flue_flat_t *args,
			 uint32_t n, flue_flat_t *results)
{
	(void)user, (void)args, (void)n;
	results[0] = 2u | flue_canon_waitable_set_new(inst) << 4;
}

/* flue_invoke(): "FLUE_ENOMEM no free task record"; nothing started, no
 * callback. */
FT_TEST(invoke_with_every_task_record_taken_is_enomem)
{
	fx_setup();
	memset(&run_out, 0, sizeof run_out);
	flue_exec_on_trap(&fx.store, on_trap, NULL);
	run_ft = (struct flue_functype){ .async = true };
	struct flue_lift_opts o = { .kind = FLUE_LIFT_CALLBACK, .core = waiting_core,
				    .callback = callback };
	FT_EQ(flue_lift(&run_fn, fx.a, &run_ft, &o), 0);
	flue_call_t call = 0;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++)
		FT_EQ(flue_invoke(&run_fn, NULL, NULL, on_resolve, NULL, &call), 0);
	call = 0xAA;
	FT_EQ(flue_invoke(&run_fn, NULL, NULL, on_resolve, NULL, &call), FLUE_ENOMEM);
	FT_FALSE(run_out.resolved);
	FT_EQ(run_out.ntraps, 0);
}

/* ------------------------------------------------------ blocking service */

static uint8_t cannot_block(void *ctx, struct flue_instance *inst,
			    bool (*done)(struct flue_instance *, uint32_t), uint32_t arg)
{
	(void)ctx, (void)inst, (void)done, (void)arg;
	return FLUE_BLOCK_CANNOT;
}

/* flue/store.h: a block service answering FLUE_BLOCK_CANNOT ("nothing can
 * block here: the built-in traps") — a synchronous read that must wait
 * traps FLUE_TRAP_WOULD_BLOCK, as with no service at all. */
FT_TEST(block_service_that_cannot_block_traps_would_block)
{
	fx_setup();
	fx_set_block_hook(cannot_block);
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	FT_TRAPS(FLUE_TRAP_WOULD_BLOCK, flue_canon_stream_read(fx.a, fx.u8, 0, lo32(s), 0, 1));
	FT_TRUE(FX_READ(fx.a->poisoned));
}

/* ------------------------------------------------------------ *.new */

/* An element type that was never registered: the built-in traps (the
 * glue never binds one; abi.h does not list this trap, see the report)
 * and nothing is allocated. */
FT_TEST(new_with_unregistered_type_traps)
{
	fx_setup();
	FT_TRAPS(FLUE_TRAP_TYPE_MISMATCH, flue_canon_stream_new(fx.a, 0));
	FT_EQ(FX_READ(fx.a->len), 1);
	fx_setup();
	FT_TRAPS(FLUE_TRAP_TYPE_MISMATCH, flue_canon_future_new(fx.a, 99));
	FT_EQ(FX_READ(fx.a->len), 1);
}

/* --------------------------------------------------------- functypes */

static struct flue_valtype rec8[5];

/* flue/functype.h: FLUE_EINVAL for more than FLUE_CONFIG_MAX_VALUES leaves
 * (and for NULL arguments, or params missing); exactly the limit is fine. */
FT_TEST(functype_check_limits)
{
	fx_setup();
	_Static_assert(FLUE_CONFIG_MAX_VALUES == 32 && FLUE_CONFIG_MAX_TYPE_FIELDS == 8,
		       "the leaf counts below assume 32 values, 8 fields");
	for (uint32_t i = 0; i < 5; i++) {
		rec8[i] = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 8 };
		for (uint32_t f = 0; f < 8; f++)
			rec8[i].fields[f] = (struct flue_leaf){ FLUE_VAL_U8, 0 };
	}
	struct flue_functype ok = { .nparams = 4, .params = rec8 };
	FT_EQ(flue_functype_check(&fx.store, &ok), 0);
	FT_EQ(flue_functype_leaves(&ok, false), 32);
	struct flue_functype over = { .nparams = 5, .params = rec8 };
	FT_EQ(flue_functype_check(&fx.store, &over), FLUE_EINVAL);
	struct flue_functype none = { .nparams = 0, .params = NULL, .result = &vt_u32 };
	FT_EQ(flue_functype_check(&fx.store, &none), 0);
	struct flue_functype missing = { .nparams = 1, .params = NULL };
	FT_EQ(flue_functype_check(&fx.store, &missing), FLUE_EINVAL);
	FT_EQ(flue_functype_check(NULL, &none), FLUE_EINVAL);
	FT_EQ(flue_functype_check(&fx.store, NULL), FLUE_EINVAL);
}

FT_SUITE(cover_abi,
	 FT_CASE(task_builtins_outside_a_task_trap_no_task),
	 FT_CASE(context_slots_start_zero_and_hold_values),
	 FT_CASE(context_index_above_one_traps),
	 FT_CASE(context_of_another_instance_traps_no_task),
	 FT_CASE(task_return_type_must_be_the_tasks),
	 FT_CASE(task_return_arity_must_match),
	 FT_CASE(task_return_record_reaches_the_invoker),
	 FT_CASE(invoke_with_every_task_record_taken_is_enomem),
	 FT_CASE(block_service_that_cannot_block_traps_would_block),
	 FT_CASE(new_with_unregistered_type_traps),
	 FT_CASE(functype_check_limits))
