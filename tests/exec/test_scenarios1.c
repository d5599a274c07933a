/*
 * run_tests.py scenarios (definitions.py @ 6d28164), ported: guest code is
 * C functions calling the built-ins, as the reference's guests are Python
 * functions; the same return codes, indices, events and bytes are asserted.
 */
#include "exec_test.h"

#define CB_EXIT 0u
#define CB_YIELD 1u
#define CB_WAIT 2u

static uint32_t got;
static bool resolved;
static void on_resolve_u32(void *user, const struct flue_values *r)
{
	(void)user;
	resolved = true;
	got = r != 0 && r->n == 1 ? (uint32_t)r->v[0] : 0xDEADu;
}

/* ------------------------------------------------- test_async_callback */

static bool fut1, fut2;
static struct flue_func producer1, producer2, consumer;
static struct flue_lowered low1, low2;
static uint32_t seti;
static const struct flue_functype producer_ft = { .async = true };
static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype consumer_ft = { .async = true, .result = &u32_t };

static void core_producer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			  uint32_t n, flue_flat_t *res)
{
	(void)args;
	(void)res;
	EX_EQ(n, 0);
	(void)flue_wait_until(&ex.store, ex_is_set, user, false);
	flue_canon_task_return(inst, 0, 0, 0);
}

static void core_consumer(void *user, struct flue_instance *inst, const flue_flat_t *args,
			  uint32_t n, flue_flat_t *res)
{
	(void)user;
	(void)args;
	EX_EQ(n, 0);
	uint64_t ret = flue_call_lowered(&low1, 0, 0);
	uint32_t subi1 = st_index(ret);
	EX_EQ(subi1, 1);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	ret = flue_call_lowered(&low2, 0, 0);
	uint32_t subi2 = st_index(ret);
	EX_EQ(subi2, 2);
	EX_EQ(st_state(ret), FLUE_SUBTASK_STARTED);
	seti = flue_canon_waitable_set_new(inst);
	EX_EQ(seti, 3);
	flue_canon_waitable_join(inst, subi1, seti);
	flue_canon_waitable_join(inst, subi2, seti);
	fut1 = true;
	flue_canon_context_set(inst, 0, 42);
	res[0] = CB_WAIT | seti << 4;
}

static uint32_t callback_consumer(void *user, struct flue_instance *inst, uint32_t ev,
				  uint32_t p1, uint32_t p2)
{
	(void)user;
	switch (flue_canon_context_get(inst, 0)) {
	case 42:
		EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
		EX_EQ(p1, 1);
		EX_EQ(p2, FLUE_SUBTASK_RETURNED);
		flue_canon_subtask_drop(inst, p1);
		flue_canon_context_set(inst, 0, 52);
		return CB_YIELD;
	case 52:
		EX_EQ(ev, FLUE_EVENT_CODE_NONE);
		EX_EQ(p1, 0);
		EX_EQ(p2, 0);
		fut2 = true;
		flue_canon_context_set(inst, 0, 62);
		return CB_WAIT | seti << 4;
	case 62: {
		EX_EQ(ev, FLUE_EVENT_CODE_SUBTASK);
		EX_EQ(p1, 2);
		EX_EQ(p2, FLUE_SUBTASK_RETURNED);
		flue_canon_subtask_drop(inst, p1);
		flue_flat_t r = 83;
		flue_canon_task_return(inst, &u32_t, &r, 1);
		return CB_EXIT;
	}
	default:
		EX_TRUE(false);
		return CB_EXIT;
	}
}

FT_TEST(async_callback)
{
	ex_setup();
	fut1 = fut2 = false;
	resolved = false;
	struct flue_instance *prod = ex_new();
	struct flue_instance *cons = ex_new();
	struct flue_lift_opts po = { .kind = FLUE_LIFT_STACKFUL, .core = core_producer, .user = &fut1 };
	FT_EQ(flue_lift(&producer1, prod, &producer_ft, &po), 0);
	po.user = &fut2;
	FT_EQ(flue_lift(&producer2, prod, &producer_ft, &po), 0);
	struct flue_lift_opts co = { .kind = FLUE_LIFT_CALLBACK, .core = core_consumer,
				     .callback = callback_consumer };
	FT_EQ(flue_lift(&consumer, cons, &consumer_ft, &co), 0);
	FT_EQ(flue_lower(&low1, &producer1, cons, true), 0);
	FT_EQ(flue_lower(&low2, &producer2, cons, true), 0);
	flue_call_t call;
	FT_EQ(flue_invoke(&consumer, 0, 0, on_resolve_u32, 0, &call), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
	FT_EQ(ex.ntraps, 0);
	FT_TRUE(resolved);
	FT_EQ(got, 83);
}

FT_SUITE(scenarios1, FT_CASE(async_callback))
