/*
 * What generated glue needs from the embedding API: a 32-bit memory size
 * that follows growth (wabt 1.0.32's wasm_rt_memory_t), a run call that
 * returns when only the host can act, the tick pumping driver channels,
 * and raising a trap with a reason of its own from guest code.
 * Callback-lifted only, so the suite also runs on the Cortex-M target.
 */
#include <flue/channel.h>

#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ret_u32 = { .async = true, .result = &u32_t };
static struct flue_func fa;
static uint32_t got, resolutions, readable, seti, cb_event, cb_p2;

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolutions++;
	got = r != 0 ? (uint32_t)r->v[0] : 0xDEADu;
}

static void setup(void)
{
	ex_setup();
	got = resolutions = readable = seti = cb_event = cb_p2 = 0;
}

static void ret(struct flue_instance *inst, uint32_t v)
{
	flue_flat_t f = v;
	flue_canon_task_return(inst, &u32_t, &f, 1);
}

/* ----------------------------------------------------- 32-bit memory size */

static uint8_t small[64] __attribute__((aligned(8)));
static uint8_t big[256] __attribute__((aligned(8)));

FT_TEST(memory32_is_reread_at_every_access)
{
	ex_setup();
	struct flue_instance *a, *b = ex_new();
	FT_EQ(flue_instance_create(&ex.store, &a), 0);
	uint8_t *data = small;
	uint32_t size = sizeof small;
	flue_instance_set_memory32(a, &data, &size);
	FT_TRUE(flue_instance_has_memory(a));
	/* b reads 8 bytes; a writes them from offset 100: out of a's 64 bytes
	 * before growth, inside its 256 bytes after. */
	uint64_t rw = flue_canon_stream_new(a, ex.u8);
	uint32_t rb = 0;
	FT_EQ(flue_end_transfer(a, (uint32_t)rw, ex.u8, b, &rb), 0);
	FT_EQ(flue_canon_stream_read(b, ex.u8, FLUE_OPT_ASYNC, rb, 0, 8), FLUE_BLOCKED);
	for (uint32_t i = 0; i < 8; i++)
		big[100 + i] = (uint8_t)(0xA0 + i);
	data = big; /* memory.grow moved and grew it */
	size = sizeof big;
	FT_EQ(flue_canon_stream_write(a, ex.u8, FLUE_OPT_ASYNC, (uint32_t)(rw >> 32), 100, 8),
	      FLUE_COMPLETED | 8u << 4);
	FT_EQ(ex_mem(b)[0], 0xA0);
	FT_EQ(ex_mem(b)[7], 0xA7);
	FT_FALSE(a->poisoned);
}

FT_TEST(memory32_bounds_use_the_current_size)
{
	ex_setup();
	struct flue_instance *a;
	FT_EQ(flue_instance_create(&ex.store, &a), 0);
	uint8_t *data = big;
	uint32_t size = 64;
	flue_instance_set_memory32(a, &data, &size);
	uint64_t rw = flue_canon_stream_new(a, ex.u32);
	/* [60, 64) fits; [64, 68) does not */
	FT_EQ(flue_canon_stream_read(a, ex.u32, FLUE_OPT_ASYNC, (uint32_t)rw, 60, 1), FLUE_BLOCKED);
	FT_EQ(flue_canon_stream_cancel_read(a, ex.u32, 0, (uint32_t)rw), FLUE_CANCELLED);
	size = 68;
	FT_EQ(flue_canon_stream_read(a, ex.u32, FLUE_OPT_ASYNC, (uint32_t)rw, 64, 1), FLUE_BLOCKED);
}

/* ----------------------------------------- run returns when the host must act */

/* A reads from a stream whose writer the host holds. */
static void a_reads(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		    flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	EX_EQ(flue_canon_stream_read(inst, ex.u32, FLUE_OPT_ASYNC, readable, 0, 1), FLUE_BLOCKED);
	seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, readable, seti);
	res[0] = 2u | seti << 4;
}

static uint32_t a_got_value(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			    uint32_t p2)
{
	(void)u, (void)p1;
	cb_event = e;
	cb_p2 = p2;
	flue_canon_waitable_join(inst, readable, 0);
	flue_canon_stream_drop_readable(inst, ex.u32, readable);
	ret(inst, ex_ld32(inst, 0));
	return 0;
}

FT_TEST(run_returns_when_only_the_host_can_act)
{
	setup();
	struct flue_instance *a = ex_new();
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	uint32_t hr, hw;
	FT_EQ(flue_host_stream_new(ex.host, ex.u32, &hr, &hw), 0);
	FT_EQ(flue_end_transfer(ex.host, hr, ex.u32, a, &readable), 0);
	ex_lift(&fa, a, &ret_u32, FLUE_LIFT_CALLBACK, a_reads, a_got_value);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	/* flue_run_until_idle() would sleep here for a wake nobody sends. */
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	FT_EQ(resolutions, 0);
	uint32_t v = 4242;
	memcpy(ex.host_arena, &v, 4);
	struct flue_host_outcome o;
	FT_EQ(flue_host_write(ex.host, hw, ex.host_arena, 1, &o), 0);
	FT_TRUE(o.done);
	FT_EQ(flue_run(&ex.store), FLUE_OK);
	FT_EQ(flue_host_drop(ex.host, hw), 0);
	ex_done();
	FT_EQ(cb_event, FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(cb_p2, FLUE_COMPLETED | 1u << 4);
	FT_EQ(got, 4242);
}

FT_TEST(run_reports_deadlock)
{
	setup();
	struct flue_instance *a = ex_new();
	/* The writer stays in A itself: nobody else can ever write. */
	uint64_t rw = flue_canon_stream_new(a, ex.u32);
	readable = (uint32_t)rw;
	ex_lift(&fa, a, &ret_u32, FLUE_LIFT_CALLBACK, a_reads, a_got_value);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK);
	FT_EQ(resolutions, 0);
}

/* --------------------------------------------- the tick pumps driver channels */

static struct flue_channel chan;
static uint32_t ring[4];

FT_TEST(run_pumps_channels)
{
	setup();
	struct flue_instance *a = ex_new();
	FT_EQ(flue_channel_init(&chan, ring, 4, 4), 0);
	FT_EQ(flue_channel_attach(&chan, a, ex.u32, true, false, &readable), 0);
	ex_lift(&fa, a, &ret_u32, FLUE_LIFT_CALLBACK, a_reads, a_got_value);
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN); /* a channel can still deliver */
	uint32_t v = 77;
	FT_EQ(flue_channel_send(&chan, &v, 1), 1); /* as an ISR would; no pump call */
	FT_EQ(flue_run(&ex.store), FLUE_OK);
	ex_done();
	FT_EQ(got, 77);
}

static uint32_t no_cb_early(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			    uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	return 0;
}

/* A guest blocked synchronously (a nested scheduling loop) on data that a
 * driver sends meanwhile: the nested loop must pump the channel too. */
static struct flue_func fb;

static void b_yields(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	ret(inst, 1);
	res[0] = 1; /* YIELD */
}

static uint32_t b_sends(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	uint32_t v = 99;
	EX_EQ(flue_channel_send(&chan, &v, 1), 1); /* what an ISR would do */
	return 0;
}

static void a_waits_in_core(void *u, struct flue_instance *inst, const flue_flat_t *a,
			    uint32_t n, flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	EX_EQ(flue_canon_stream_read(inst, ex.u32, FLUE_OPT_ASYNC, readable, 0, 1), FLUE_BLOCKED);
	seti = flue_canon_waitable_set_new(inst);
	flue_canon_waitable_join(inst, readable, seti);
	cb_event = flue_canon_waitable_set_wait(inst, seti, 16); /* nested loop: B runs */
	cb_p2 = ex_ld32(inst, 20);
	flue_canon_waitable_join(inst, readable, 0);
	flue_canon_stream_drop_readable(inst, ex.u32, readable);
	flue_canon_waitable_set_drop(inst, seti);
	ret(inst, ex_ld32(inst, 0));
	res[0] = 0;
}

FT_TEST(nested_loop_pumps_channels)
{
	setup();
	struct flue_instance *a = ex_new(), *b = ex_new();
	FT_EQ(flue_channel_init(&chan, ring, 4, 4), 0);
	FT_EQ(flue_channel_attach(&chan, a, ex.u32, true, false, &readable), 0);
	ex_lift(&fa, a, &ret_u32, FLUE_LIFT_CALLBACK, a_waits_in_core, no_cb_early);
	ex_lift(&fb, b, &ret_u32, FLUE_LIFT_CALLBACK, b_yields, b_sends);
	flue_call_t cb, ca;
	FT_EQ(flue_invoke(&fb, 0, 0, on_resolve, 0, &cb), 0); /* B waits to run again */
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &ca), 0);
	ex_done();
	FT_EQ(cb_event, FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(cb_p2, FLUE_COMPLETED | 1u << 4);
	FT_EQ(got, 99);
	FT_EQ(flue_run(&ex.store), FLUE_OK);
}

/* ----------------------------------------------- traps raised by guest code */

static enum flue_trap_reason raise_reason;
static bool after_raise;

static void a_raises(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		     flue_flat_t *res)
{
	(void)u, (void)a, (void)n, (void)res;
	flue_trap_raise(inst, raise_reason);
	after_raise = true; /* never */
}

static uint32_t no_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	return 0;
}

static void raise_and_check(enum flue_trap_reason r, enum flue_trap_reason seen)
{
	setup();
	after_raise = false;
	struct flue_instance *a = ex_new();
	ex_lift(&fa, a, &ret_u32, FLUE_LIFT_CALLBACK, a_raises, no_cb);
	raise_reason = r;
	flue_call_t call;
	FT_EQ(flue_invoke(&fa, 0, 0, on_resolve, 0, &call), 0);
	FT_FALSE(after_raise);
	FT_TRUE(a->poisoned);
	FT_EQ(a->trap_reason, seen);
	FT_EQ(ex.ntraps, 1);
	FT_EQ(ex.trap, seen);
	FT_EQ(got, 0xDEADu);
	FT_EQ(ex_run(), 0);
}

FT_TEST(trap_raise_from_guest_code)
{
	raise_and_check(FLUE_TRAP_WASM_UNREACHABLE, FLUE_TRAP_WASM_UNREACHABLE);
	raise_and_check(FLUE_TRAP_WASM_STACK_EXHAUSTED, FLUE_TRAP_WASM_STACK_EXHAUSTED);
	/* "no trap" and values outside the enum still trap, as BAD_VALUE */
	raise_and_check(FLUE_TRAP_NONE, FLUE_TRAP_BAD_VALUE);
	raise_and_check((enum flue_trap_reason)200, FLUE_TRAP_BAD_VALUE);
}

FT_TEST(every_trap_reason_has_its_own_message)
{
	for (int i = 0; i < FLUE_TRAP_REASON_COUNT; i++) {
		const char *m = flue_trap_message((enum flue_trap_reason)i);
		FT_TRUE(strcmp(m, "unknown trap reason") != 0);
		for (int j = 0; j < i; j++)
			FT_TRUE(strcmp(m, flue_trap_message((enum flue_trap_reason)j)) != 0);
	}
}

FT_SUITE(embed, FT_CASE(memory32_is_reread_at_every_access),
	 FT_CASE(memory32_bounds_use_the_current_size),
	 FT_CASE(run_returns_when_only_the_host_can_act), FT_CASE(run_reports_deadlock),
	 FT_CASE(run_pumps_channels), FT_CASE(nested_loop_pumps_channels),
	 FT_CASE(trap_raise_from_guest_code),
	 FT_CASE(every_trap_reason_has_its_own_message))
