/*
 * The wasm2c glue (flue/w2c.h) with hand-written stand-ins for wasm2c
 * output: a guest function here does what translated code does to the
 * runtime's state (wasm_rt_call_stack_depth grows with its frames) and
 * calls flue_w2c_trap() where translated code would trap.
 *
 * What must hold: a wasm trap is a flue trap of the running instance with
 * its own reason; every entry and every import call leaves wasm2c's depth
 * and the current instance as it found them, also when a trap unwinds
 * through it, in a nested scheduling loop, and across fibers.
 */
#include <stdio.h>
#include <string.h>

#include <flue/mpu.h>
#include <flue/w2c.h>

#include "exec_test.h"
#include "wasm-rt.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ret_u32 = { .async = true, .result = &u32_t };
static struct flue_func fa, fb;
static struct flue_lowered a_to_b;
static struct flue_w2c_instance ga, gb;
static int env_a, env_b; /* stand-ins for wasm2c's import-module structs */
static uint32_t got, seen_depth, seen_event, seen_state, set_a;
static struct flue_w2c_instance *seen_current;
static bool past_trap;
static char report[512];

static int capture(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t used = strlen(report);
	int n = vsnprintf(report + used, sizeof report - used, fmt, ap);
	va_end(ap);
	return n;
}

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	got = r != 0 ? (uint32_t)r->v[0] : 0xDEADu;
}

static void setup(void)
{
	ex_setup();
	got = seen_depth = seen_event = seen_state = set_a = 0;
	seen_current = 0;
	past_trap = false;
	report[0] = '\0';
	struct flue_instance *a = ex_new(), *b = ex_new();
	ga = (struct flue_w2c_instance){ .inst = a, .name = "alpha", .env = &env_a };
	gb = (struct flue_w2c_instance){ .inst = b, .name = "beta", .env = &env_b };
	FT_EQ(flue_w2c_register(&ga), 0);
	FT_EQ(flue_w2c_register(&gb), 0);
	flue_w2c_report_traps(&ex.store, capture);
}

/* An import the glue generates: caller from the env, state kept. */
static uint32_t import_wait(const void *env, uint32_t set, uint32_t ptr)
{
	struct flue_instance *inst = flue_w2c_caller(env);
	struct flue_w2c_frame f;
	flue_w2c_save(&f);
	uint32_t r = flue_canon_waitable_set_wait(inst, set, ptr);
	flue_w2c_restore(&f);
	return r;
}

static uint32_t import_call_b(const void *env, uint32_t out)
{
	(void)flue_w2c_caller(env);
	struct flue_w2c_frame f;
	flue_w2c_save(&f);
	flue_flat_t arg = out;
	uint32_t r = (uint32_t)flue_call_lowered(&a_to_b, &arg, 1);
	flue_w2c_restore(&f);
	return r;
}

/* ------------------------------------------------ a wasm trap, reported */

static void a_body_unreachable(void *arg)
{
	(void)arg;
	wasm_rt_call_stack_depth += 3; /* three wasm frames deep */
	flue_w2c_trap(WASM_RT_TRAP_UNREACHABLE);
}

static void a_core_unreachable(void *u, struct flue_instance *inst, const flue_flat_t *a,
			       uint32_t n, flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	flue_w2c_enter(&ga, "run", a_body_unreachable, 0);
	past_trap = true; /* never: the trap unwinds through the entry */
}

static uint32_t no_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	return 0;
}

FT_TEST(wasm_trap_is_a_flue_trap_with_its_reason_and_report)
{
	setup();
	ex_lift(&fa, ga.inst, &ret_u32, FLUE_LIFT_CALLBACK, a_core_unreachable, no_cb);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_FALSE(past_trap);
	FT_TRUE(ga.inst->poisoned);
	FT_EQ(ga.inst->trap_reason, FLUE_TRAP_WASM_UNREACHABLE);
	FT_EQ(got, 0xDEADu);
	FT_EQ(wasm_rt_call_stack_depth, 0); /* the next step starts clean */
	FT_TRUE(flue_w2c_current() == 0);
	struct flue_w2c_trap_info t = flue_w2c_last_trap();
	FT_TRUE(t.trapped);
	FT_TRUE(strcmp(t.instance, "alpha") == 0);
	FT_TRUE(strcmp(t.running, "run") == 0);
	FT_EQ(t.reason, FLUE_TRAP_WASM_UNREACHABLE);
	FT_TRUE(strcmp(report, "flue: instance 'alpha' trapped while running 'run': "
			       "wasm: unreachable executed\n") == 0);
	FT_EQ(ex_run(), 0);
}

FT_TEST(every_wasm_trap_kind_has_its_reason)
{
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_OOB), FLUE_TRAP_WASM_OUT_OF_BOUNDS);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_INT_OVERFLOW), FLUE_TRAP_WASM_INT_OVERFLOW);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_DIV_BY_ZERO), FLUE_TRAP_WASM_DIV_BY_ZERO);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_INVALID_CONVERSION),
	      FLUE_TRAP_WASM_INVALID_CONVERSION);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_UNREACHABLE), FLUE_TRAP_WASM_UNREACHABLE);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_CALL_INDIRECT), FLUE_TRAP_WASM_CALL_INDIRECT);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_UNCAUGHT_EXCEPTION), FLUE_TRAP_WASM_EXCEPTION);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_EXHAUSTION), FLUE_TRAP_WASM_STACK_EXHAUSTED);
	FT_EQ(flue_w2c_trap_reason(WASM_RT_TRAP_NONE), FLUE_TRAP_BAD_VALUE);
}

/* ------------------------------ a trap in a nested scheduling loop */

/* B: yields once, then traps out of bounds, 9 frames deep. */
static void b_body_yield(void *arg)
{
	flue_flat_t *res = arg;
	wasm_rt_call_stack_depth += 2;
	res[0] = 1; /* YIELD */
	wasm_rt_call_stack_depth -= 2;
}

static void b_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		   flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	flue_w2c_enter(&gb, "[async-lift]work", b_body_yield, res);
}

static void b_body_oob(void *arg)
{
	(void)arg;
	wasm_rt_call_stack_depth += 9;
	flue_w2c_trap(WASM_RT_TRAP_OOB);
}

static uint32_t b_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	flue_w2c_enter(&gb, "[callback][async-lift]work", b_body_oob, 0);
	return 0; /* never */
}

/* A: 5 frames deep, calls B (async), waits for it synchronously (a
 * nested loop runs B, which traps), checks its own state, then traps
 * dividing by zero. */
static void a_body_waits(void *arg)
{
	(void)arg;
	wasm_rt_call_stack_depth += 5;
	uint32_t st = import_call_b(&env_a, 128);
	EX_EQ(st_state(st), FLUE_SUBTASK_STARTED);
	set_a = flue_canon_waitable_set_new(ga.inst);
	flue_canon_waitable_join(ga.inst, st_index(st), set_a);
	seen_event = import_wait(&env_a, set_a, 64);
	seen_state = ex_ld32(ga.inst, 68);
	seen_depth = wasm_rt_call_stack_depth;
	seen_current = flue_w2c_current();
	flue_w2c_trap(WASM_RT_TRAP_DIV_BY_ZERO);
}

static void a_core_waits(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	flue_w2c_enter(&ga, "[async-lift]run", a_body_waits, 0);
}

FT_TEST(trap_in_nested_loop_unwinds_only_that_step)
{
	setup();
	ex_lift(&fa, ga.inst, &ret_u32, FLUE_LIFT_CALLBACK, a_core_waits, no_cb);
	ex_lift(&fb, gb.inst, &ret_u32, FLUE_LIFT_CALLBACK, b_core, b_cb);
	FT_EQ(flue_lower(&a_to_b, &fb, ga.inst, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	/* B trapped inside A's nested loop; A went on with its own state. */
	FT_TRUE(gb.inst->poisoned);
	FT_EQ(gb.inst->trap_reason, FLUE_TRAP_WASM_OUT_OF_BOUNDS);
	FT_EQ(seen_event, FLUE_EVENT_CODE_SUBTASK);
	FT_EQ(seen_state, FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
	FT_EQ(seen_depth, 5);
	FT_TRUE(seen_current == &ga);
	/* Then A's own trap, reported as A's, in A's export. */
	FT_TRUE(ga.inst->poisoned);
	FT_EQ(ga.inst->trap_reason, FLUE_TRAP_WASM_DIV_BY_ZERO);
	struct flue_w2c_trap_info t = flue_w2c_last_trap();
	FT_TRUE(strcmp(t.instance, "alpha") == 0);
	FT_TRUE(strcmp(t.running, "[async-lift]run") == 0);
	FT_TRUE(strstr(report, "instance 'beta' trapped while running "
			       "'[callback][async-lift]work': wasm: memory or table access out "
			       "of bounds") != 0);
	FT_EQ(got, 0xDEADu);
	FT_EQ(wasm_rt_call_stack_depth, 0);
	FT_TRUE(flue_w2c_current() == 0);
}

/* ------------------------------------ an import with a foreign pointer */

static void a_body_bad_env(void *arg)
{
	(void)arg;
	(void)import_wait(&env_b, 1, 0); /* A's guest forged B's import pointer */
	past_trap = true;
}

static void a_core_bad_env(void *u, struct flue_instance *inst, const flue_flat_t *a,
			   uint32_t n, flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	flue_w2c_enter(&ga, "run", a_body_bad_env, 0);
}

FT_TEST(import_with_another_instances_pointer_traps)
{
	setup();
	ex_lift(&fa, ga.inst, &ret_u32, FLUE_LIFT_CALLBACK, a_core_bad_env, no_cb);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_FALSE(past_trap);
	FT_TRUE(ga.inst->poisoned);
	FT_EQ(ga.inst->trap_reason, FLUE_TRAP_WASM_BAD_ENV);
	FT_FALSE(gb.inst->poisoned);
	FT_EQ(ex_run(), 0);
}

/* ------------------------------------ fibers: another task runs meanwhile */

static uint32_t a_end, b_end, set_b;

/* A, 3 frames deep, reads and waits for the data (its fiber suspends). */
static void a_body_reads(void *arg)
{
	(void)arg;
	wasm_rt_call_stack_depth += 3;
	EX_EQ(flue_canon_stream_read(ga.inst, ex.u8, FLUE_OPT_ASYNC, a_end, 0, 1), FLUE_BLOCKED);
	set_a = flue_canon_waitable_set_new(ga.inst);
	flue_canon_waitable_join(ga.inst, a_end, set_a);
	seen_event = import_wait(&env_a, set_a, 64);
	seen_depth = wasm_rt_call_stack_depth;
	seen_current = flue_w2c_current();
	flue_canon_waitable_join(ga.inst, a_end, 0);
	flue_canon_stream_drop_readable(ga.inst, ex.u8, a_end);
	flue_flat_t r = 1;
	flue_canon_task_return(ga.inst, &u32_t, &r, 1);
	wasm_rt_call_stack_depth -= 3;
}

static void a_core_reads(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n;
	flue_w2c_enter(&ga, "read", a_body_reads, 0);
	res[0] = 0;
}

/* B, 7 frames deep, writes, then waits on an empty set: its fiber stays
 * suspended inside its entry. */
static void b_body_writes(void *arg)
{
	(void)arg;
	wasm_rt_call_stack_depth += 7;
	ex_mem(gb.inst)[0] = 42;
	EX_EQ(flue_canon_stream_write(gb.inst, ex.u8, FLUE_OPT_ASYNC, b_end, 0, 1),
	      FLUE_COMPLETED | 1u << 4);
	set_b = flue_canon_waitable_set_new(gb.inst);
	(void)import_wait(&env_b, set_b, 64);
	past_trap = true; /* never: B is destroyed while it waits */
}

static void b_core_writes(void *u, struct flue_instance *inst, const flue_flat_t *a,
			  uint32_t n, flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	flue_w2c_enter(&gb, "write", b_body_writes, 0);
}

FT_TEST(state_survives_other_fibers)
{
	setup();
	FT_EQ(flue_exec_set_stack_per_task(&ex.store, true), 0);
	uint64_t rw = flue_canon_stream_new(gb.inst, ex.u8);
	b_end = (uint32_t)(rw >> 32);
	FT_EQ(flue_end_transfer(gb.inst, (uint32_t)rw, ex.u8, ga.inst, &a_end), 0);
	ex_lift(&fa, ga.inst, &ret_u32, FLUE_LIFT_CALLBACK, a_core_reads, no_cb);
	ex_lift(&fb, gb.inst, &ret_u32, FLUE_LIFT_CALLBACK, b_core_writes, no_cb);
	flue_call_t ca, cb;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &ca), 0);
	FT_EQ(flue_invoke(&fb, 0, 0, on_resolve, 0, &cb), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK); /* B waits for ever */
	ex_done();
	FT_EQ(seen_event, FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(seen_depth, 3);
	FT_TRUE(seen_current == &ga);
	flue_instance_destroy(gb.inst);
	FT_EQ(ex_run(), 0);
	FT_FALSE(past_trap);
}

/* flue_w2c_isolate(): guest stacks it cannot split into 8-aligned slots of
 * at least 256 bytes, and domains with an entry in progress, are refused
 * before anything changes; a layout it can split gets as far as the MPU
 * (none on the host: FLUE_ENOTSUP). */
FT_TEST(isolate_refuses_guest_stacks_it_cannot_split)
{
	static uint64_t stacks[128]; /* 1 KiB */
	static struct flue_port_domain d[8];
	static struct flue_mpu_write prog[8][FLUE_MPU_SEQ_MAX];
	struct flue_w2c_instance g = { 0 };
	uintptr_t lo = (uintptr_t)stacks;
	struct flue_w2c_layout l = { .stack_lo = lo, .stack_hi = lo + sizeof stacks, .nstacks = 8 };
	FT_EQ(flue_w2c_isolate(&g, d, prog, &l), FLUE_EINVAL); /* 128-byte slots */
	l.nstacks = 3;
	FT_EQ(flue_w2c_isolate(&g, d, prog, &l), FLUE_EINVAL); /* 341 bytes each */
	l.nstacks = 2;
	l.stack_lo = lo + 4u;
	FT_EQ(flue_w2c_isolate(&g, d, prog, &l), FLUE_EINVAL); /* misaligned */
	l.stack_lo = l.stack_hi;
	FT_EQ(flue_w2c_isolate(&g, d, prog, &l), FLUE_EINVAL); /* empty */
	FT_TRUE(g.layout == NULL && g.domain == NULL && g.ndomains == 0);
	l.stack_lo = lo;
	l.nstacks = 4;
	d[2].depth = 1; /* an entry in progress (a restart while it runs) */
	FT_EQ(flue_w2c_isolate(&g, d, prog, &l), FLUE_EBUSY);
	FT_EQ(d[2].depth, 1);
	d[2].depth = 0;
	FT_TRUE(g.layout == NULL && g.domain == NULL && g.ndomains == 0);
	FT_EQ(flue_w2c_isolate(&g, d, prog, &l), FLUE_ENOTSUP);
	FT_TRUE(g.domain == NULL);
}

/* ------------------------------- an import reached through a table */

/* wasm2c 1.0.32 fills a funcref table with an imported function as
 * funcref_table_init does: module_instance = (char *)instance +
 * offsetof(<mod>_instance_t, <import module>_instance), the address of
 * the instance's field that holds the import-module pointer; call_indirect
 * passes that as the import's first argument. A stand-in instance struct: */
static struct {
	uint32_t other;
	const void *env_field;  /* = &env_a, as instantiate stores it */
	const void *forged;     /* = &env_b */
} w2c_a;
static const void *outside_block = &env_a; /* holds A's pointer, outside A's block */
static uint32_t table_case;

static void a_body_table(void *arg)
{
	(void)arg;
	const void *env = table_case == 0 ? (const void *)&w2c_a.env_field
			  : table_case == 1 ? (const void *)&w2c_a.forged
					    : (const void *)&outside_block;
	(void)flue_w2c_caller(env); /* what every generated import does first */
	past_trap = true;
}

static void a_core_table(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			 flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	flue_w2c_enter(&ga, "run", a_body_table, 0);
	flue_flat_t x = 7;
	flue_canon_task_return(inst, &u32_t, &x, 1);
	res[0] = 0; /* EXIT */
}

FT_TEST(import_through_a_table_gets_the_field_address)
{
	static const struct flue_w2c_layout block = { .block = (uintptr_t)&w2c_a,
						      .block_size = sizeof w2c_a };
	for (table_case = 0; table_case < 3u; table_case++) {
		setup();
		w2c_a.env_field = &env_a;
		w2c_a.forged = &env_b;
		ga.layout = table_case == 2u ? &block : 0; /* an isolated instance: its block */
		ex_lift(&fa, ga.inst, &ret_u32, FLUE_LIFT_CALLBACK, a_core_table, no_cb);
		flue_call_t call;
		FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
		(void)ex_run();
		if (table_case == 0u) {
			FT_FALSE(ga.inst->poisoned); /* the field's pointer is A's own */
			FT_TRUE(past_trap);
			FT_EQ(got, 7);
		} else {
			FT_TRUE(ga.inst->poisoned);
			FT_EQ(ga.inst->trap_reason, FLUE_TRAP_WASM_BAD_ENV);
			FT_FALSE(past_trap);
		}
		ga.layout = 0;
	}
}

FT_SUITE(w2c, FT_CASE(wasm_trap_is_a_flue_trap_with_its_reason_and_report),
	 FT_CASE(every_wasm_trap_kind_has_its_reason),
	 FT_CASE(trap_in_nested_loop_unwinds_only_that_step),
	 FT_CASE(import_with_another_instances_pointer_traps),
	 FT_CASE(import_through_a_table_gets_the_field_address),
	 FT_CASE(state_survives_other_fibers),
	 FT_CASE(isolate_refuses_guest_stacks_it_cannot_split))
