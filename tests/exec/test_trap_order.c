/*
 * Trap order of the task built-ins and of lifting (issue 10, item 9): when
 * several checks fail, the reason is the first failing check of
 * definitions.py @ 14087d73, each check with a reason of its own.
 *
 * - canon_task_cancel: may_leave, opts.async_, then Task.cancel's one
 *   check `state != CANCEL_DELIVERED`. After task.return the state is
 *   RESOLVED, which fails that check: CANCEL_NOT_DELIVERED (never
 *   ALREADY_RESOLVED, which only Task.return_ checks).
 * - canon_task_return: may_leave, opts.async_, result type, then
 *   lift_flat_values (lift_async_value per end: remove = bad handle, not a
 *   readable end of the kind, element type, state != IDLE, in a waitable
 *   set), and only then Task.return_ (`state == RESOLVED`). A second
 *   task.return with a bad end reports the end's check.
 * - lift_async_value's last check, `e.in_waitable_set()`, has its own
 *   reason (END_IN_SET), wherever a value is lifted: task.return, and the
 *   arguments of a lowered call (the caller traps).
 *
 * Conventions of test_wast.c (wast_common.h): each component is one
 * instance, core functions are C functions calling the built-ins.
 */
#include "wast_common.h"

#pragma GCC diagnostic ignored "-Wunused-parameter"

static struct flue_valtype st_u8;
static struct flue_functype ft_ret_stream, ft_take_stream;

/* Types, and a host instance to receive a stream result. */
static void types(void)
{
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	st_u8 = VT_STREAM(ex.u8);
	ft_ret_stream = (struct flue_functype){ .async = true, .result = &st_u8 };
	ft_take_stream = (struct flue_functype){ .async = true, .nparams = 1, .params = &st_u8 };
}

static void ret_end(struct flue_instance *inst, uint32_t h)
{
	flue_flat_t x = h;
	flue_canon_task_return(inst, &st_u8, &x, 1);
}

/* The readable end of a new stream<T>. */
static uint32_t reader(struct flue_instance *inst, flue_type_t t, uint32_t *w)
{
	uint64_t p = flue_canon_stream_new(inst, t);
	if (w != 0)
		*w = (uint32_t)(p >> 32);
	return (uint32_t)p;
}

/* -------------------------------------- task.cancel after task.return */

static bool o_last;

CORE(car_core) {
	ret_u32(inst, 1);
	o_last = true;
	flue_canon_task_cancel(inst);
	EX_TRUE(false);
	res[0] = EXIT;
}
CB(never_cb) { EX_TRUE(false); return EXIT; }

static void cancel_after_return(uint8_t kind)
{
	ex_setup();
	o_last = false;
	struct flue_instance *x = ex_new();
	struct flue_func f;
	ex_lift(&f, x, &ft_async_u32, kind, car_core, kind == FLUE_LIFT_CALLBACK ? never_cb : 0);
	struct res r;
	invoke(&f, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(o_last);
	trapped(x, FLUE_TRAP_CANCEL_NOT_DELIVERED);
	FT_EQ(ex.ntraps, 1);
	FT_TRUE(r.done && r.has); /* the value was delivered first */
	FT_EQ(r.v, 1);
	ex_done();
}

FT_TEST(cancel_after_return_is_not_delivered) { cancel_after_return(FLUE_LIFT_CALLBACK); }
FT_TEST(cancel_after_return_is_not_delivered_stackful) { cancel_after_return(FLUE_LIFT_STACKFUL); }

/* --------------------------- task.return lifts its result before Task.return_ */

enum { R_BAD_HANDLE, R_WRONG_KIND, R_TYPE, R_BUSY, R_IN_SET, R_GOOD_END };
static uint32_t o_kind, o_end;

/* The end the second task.return names, bad in the way o_kind says. */
static uint32_t bad_end(struct flue_instance *inst)
{
	uint32_t w = 0, r;
	switch (o_kind) {
	case R_BAD_HANDLE:
		return 60; /* never used in a 64-slot table */
	case R_WRONG_KIND:
		(void)reader(inst, ex.u8, &w);
		return w;
	case R_TYPE:
		return reader(inst, ex.u32, 0);
	case R_BUSY:
		r = reader(inst, ex.u8, 0);
		EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, r, 0, 4), FLUE_BLOCKED);
		return r;
	case R_IN_SET:
		r = reader(inst, ex.u8, 0);
		flue_canon_waitable_join(inst, r, flue_canon_waitable_set_new(inst));
		return r;
	default: /* R_GOOD_END: only Task.return_'s check fails */
		return reader(inst, ex.u8, 0);
	}
}

CORE(rr_core) {
	o_end = bad_end(inst);
	ret_end(inst, reader(inst, ex.u8, 0)); /* resolves the task */
	o_last = true;
	ret_end(inst, o_end);
	EX_TRUE(false);
	res[0] = EXIT;
}

FT_TEST(return_after_return_lifts_result_first)
{
	static const struct { uint32_t kind; enum flue_trap_reason why; } cases[] = {
		{ R_BAD_HANDLE, FLUE_TRAP_BAD_HANDLE },
		{ R_WRONG_KIND, FLUE_TRAP_WRONG_KIND },
		{ R_TYPE, FLUE_TRAP_TYPE_MISMATCH },
		{ R_BUSY, FLUE_TRAP_NOT_IDLE },
		{ R_IN_SET, FLUE_TRAP_END_IN_SET },
		{ R_GOOD_END, FLUE_TRAP_ALREADY_RESOLVED },
	};
	for (uint32_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ex_setup();
		types();
		o_kind = cases[i].kind;
		o_last = false;
		struct flue_instance *x = ex_new();
		struct flue_func f;
		ex_lift(&f, x, &ft_ret_stream, FLUE_LIFT_CALLBACK, rr_core, never_cb);
		struct res r;
		invoke(&f, &r);
		FT_EQ(ex_run(), 0);
		FT_TRUE(o_last);
		trapped(x, cases[i].why);
		FT_EQ(ex.ntraps, 1);
		FT_TRUE(r.done && r.has); /* the first task.return's end */
		ex_done();
	}
}

/* A task.return that traps ALREADY_RESOLVED has lifted nothing: no end
 * is left in transit (validate before changing anything). The trapped
 * instance is torn down, which drops the ends it still holds; an end
 * lifted before the trap would be held by no one, its reader in transit
 * for ever. */
FT_TEST(return_after_return_takes_no_end)
{
	ex_setup();
	types();
	o_kind = R_GOOD_END;
	o_last = false;
	struct flue_instance *x = ex_new();
	struct flue_func f;
	ex_lift(&f, x, &ft_ret_stream, FLUE_LIFT_CALLBACK, rr_core, never_cb);
	struct res r;
	invoke(&f, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(o_last);
	trapped(x, FLUE_TRAP_ALREADY_RESOLVED);
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_SHARED; i++)
		if (ex.store.shared[i].kind != 0)
			FT_NE(ex.store.shared[i].reader_inst, FLUE_REF_TRANSIT);
	ex_done();
}

/* ---------------------------------------- an end in a waitable set */

/* Before the task resolved: the lift's own check, not "not idle". */
CORE(ris_core) {
	o_kind = R_IN_SET;
	uint32_t h = bad_end(inst);
	o_last = true;
	ret_end(inst, h);
	EX_TRUE(false);
	res[0] = EXIT;
}

FT_TEST(task_return_end_in_set)
{
	ex_setup();
	types();
	o_last = false;
	struct flue_instance *x = ex_new();
	struct flue_func f;
	ex_lift(&f, x, &ft_ret_stream, FLUE_LIFT_CALLBACK, ris_core, never_cb);
	struct res r;
	invoke(&f, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(o_last);
	trapped(x, FLUE_TRAP_END_IN_SET);
	FT_EQ(ex.ntraps, 1);
	ex_done();
}

/* Two instances: D passes C.take an end that sits in one of D's sets.
 * canon_lower's on_start lifts D's arguments: D traps, C never runs. A
 * busy end keeps NOT_IDLE (the check before). */
static struct flue_func f_take;
static struct flue_lowered l_take;
static bool take_ran, pass_busy;

CORE(take_core) {
	take_ran = true;
	res[0] = EXIT;
}
CORE(pass_core) {
	uint32_t r = reader(inst, ex.u8, 0);
	if (pass_busy) {
		EX_EQ(flue_canon_stream_read(inst, ex.u8, ASYNC, r, 0, 4), FLUE_BLOCKED);
		flue_canon_waitable_join(inst, r, flue_canon_waitable_set_new(inst));
	} else {
		flue_canon_waitable_join(inst, r, flue_canon_waitable_set_new(inst));
	}
	o_last = true;
	(void)c1(&l_take, r);
	EX_TRUE(false);
}

static void pass_end(bool busy, enum flue_trap_reason why)
{
	ex_setup();
	types();
	o_last = take_ran = false;
	pass_busy = busy;
	struct flue_instance *c = ex_new(), *d = ex_new();
	ex_lift(&f_take, c, &ft_take_stream, FLUE_LIFT_CALLBACK, take_core, never_cb);
	lower(&l_take, &f_take, d, true);
	struct flue_func run;
	ex_lift(&run, d, &ft_async_u32, FLUE_LIFT_SYNC, pass_core, 0);
	struct res r;
	invoke(&run, &r);
	FT_EQ(ex_run(), 0);
	FT_TRUE(o_last);
	trapped(d, why);
	FT_TRUE(ex.trap_inst == d);
	FT_FALSE(c->poisoned);
	FT_FALSE(take_ran);
	ex_done();
}

FT_TEST(lowered_arg_end_in_set) { pass_end(false, FLUE_TRAP_END_IN_SET); }
FT_TEST(lowered_arg_busy_end_in_set_is_not_idle) { pass_end(true, FLUE_TRAP_NOT_IDLE); }

FT_SUITE(trap_order, FT_CASE(cancel_after_return_is_not_delivered),
	 FT_CASE(cancel_after_return_is_not_delivered_stackful),
	 FT_CASE(return_after_return_lifts_result_first), FT_CASE(return_after_return_takes_no_end),
	 FT_CASE(task_return_end_in_set), FT_CASE(lowered_arg_end_in_set),
	 FT_CASE(lowered_arg_busy_end_in_set_is_not_idle))
