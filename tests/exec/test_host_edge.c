/*
 * The executor's host-facing edge (issue 10, defects 1-5 and 8's NULL
 * instance): call ids carry a generation, posts are validated when they
 * are posted and the posted count stays exact, flue_host_return() and the
 * host's invocation arguments are checked entirely before anything is
 * taken, and host mistakes are host errors (return codes, or an
 * invocation resolved without a value), never traps of a guest callee.
 * Expected values come from the contract of flue/exec.h.
 */
#include "exec_test.h"

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype host_u32 = { .async = true, .nparams = 1, .params = &u32_t,
					       .result = &u32_t };
static struct flue_valtype two_streams; /* record { stream<u8>, stream<u8> } */
static struct flue_valtype one_stream;  /* stream<u8> */
static struct flue_functype host_two_streams, host_one_stream, export_two_params,
	export_stream_result;

static struct flue_func hf, ef, stuck;
static flue_call_t started[8];
static uint32_t nstarted, ncancel_cb, resolutions, nvalues, core_runs;
static uint64_t got[FLUE_CONFIG_MAX_VALUES];
static bool cancel_resolves; /* the cancel callback answers flue_host_cancelled() */
static uint32_t host_args[FLUE_CONFIG_MAX_VALUES], host_nargs;

static void setup(void)
{
	ex_setup();
	memset(started, 0, sizeof started);
	nstarted = ncancel_cb = resolutions = nvalues = core_runs = host_nargs = 0;
	cancel_resolves = false;
	two_streams = (struct flue_valtype){ .kind = FLUE_VAL_RECORD, .nfields = 2,
					     .fields = { { FLUE_VAL_STREAM, ex.u8 },
							 { FLUE_VAL_STREAM, ex.u8 } } };
	one_stream = VT_STREAM(ex.u8);
	host_two_streams = (struct flue_functype){ .async = true, .result = &two_streams };
	host_one_stream = (struct flue_functype){ .async = true, .result = &one_stream };
	export_two_params = (struct flue_functype){ .async = false, .nparams = 1,
						    .params = &two_streams };
	export_stream_result = (struct flue_functype){ .async = true, .result = &one_stream };
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
}

static void host_start(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user, (void)args;
	if (nstarted < 8u)
		started[nstarted] = call;
	nstarted++;
}

static void host_cancel(void *user, flue_call_t call)
{
	(void)user;
	ncancel_cb++;
	if (cancel_resolves)
		EX_EQ(flue_host_cancelled(&ex.store, call), FLUE_OK);
}

static void on_resolve(void *user, const struct flue_values *r)
{
	(void)user;
	resolutions++;
	nvalues = r != 0 ? r->n : 0xDEADu;
	if (r != 0)
		for (uint32_t i = 0; i < r->n; i++)
			got[i] = r->v[i];
}

static void on_start_args(void *user, struct flue_values *args)
{
	(void)user;
	args->n = host_nargs;
	for (uint32_t i = 0; i < host_nargs; i++)
		args->v[i] = host_args[i];
}

/* Invoke host function `f` directly from the host; returns the call id. */
static flue_call_t invoke(struct flue_func *f)
{
	flue_call_t call = FLUE_CALL_NONE;
	host_nargs = f->ft->nparams;
	host_args[0] = 7u;
	FT_EQ(flue_invoke(f, ex.host, on_start_args, on_resolve, 0, &call), 0);
	FT_NE(call, FLUE_CALL_NONE);
	FT_EQ(started[nstarted - 1u], call); /* start gets the invocation's id */
	return call;
}

/* A guest that waits on an empty set forever: only something outside the
 * executor could help it, so flue_run() tells EAGAIN from EDEADLK by
 * whether the executor believes something outside still can. */
static void stuck_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	res[0] = 2u | flue_canon_waitable_set_new(inst) << 4; /* WAIT on an empty set */
}

static uint32_t stuck_cb(void *u, struct flue_instance *inst, uint32_t e, uint32_t p1,
			 uint32_t p2)
{
	(void)u, (void)inst, (void)e, (void)p1, (void)p2;
	return 0;
}

static void start_stuck_guest(void)
{
	static const struct flue_functype ft = { .async = true };
	ex_lift(&stuck, ex_new(), &ft, FLUE_LIFT_CALLBACK, stuck_core, stuck_cb);
	flue_call_t c;
	FT_EQ(flue_invoke(&stuck, 0, 0, on_resolve, 0, &c), 0);
}

/* -------------------------------------- defects 1, 2: stale ids, exact count */

FT_TEST(post_for_a_finished_call_is_ebadf_and_not_counted)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &host_u32, host_start, 0, 0), 0);
	flue_call_t c = invoke(&hf);
	struct flue_values v = { 1, { 5 } };
	FT_EQ(flue_host_return(&ex.store, c, &v), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(flue_host_post_return(&ex.store, c, &v), FLUE_EBADF);
	FT_EQ(flue_host_post_return(&ex.store, FLUE_CALL_NONE, &v), FLUE_EBADF);
	/* Nothing is pending any more: a guest stuck on nothing deadlocks
	 * rather than waiting for a post that can never apply. */
	start_stuck_guest();
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK);
	ex_done();
}

FT_TEST(late_post_does_not_resolve_the_next_call_in_the_slot)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &host_u32, host_start, 0, 0), 0);
	flue_call_t c1 = invoke(&hf);
	struct flue_values v1 = { 1, { 111 } }, v2 = { 1, { 222 } };
	FT_EQ(flue_host_return(&ex.store, c1, &v1), 0);
	FT_EQ(ex_run(), 0);
	flue_call_t c2 = invoke(&hf); /* the same record again */
	FT_NE(c1, c2);
	FT_EQ(flue_host_post_return(&ex.store, c1, &v1), FLUE_EBADF);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN); /* c2 still waits for its host */
	FT_EQ(resolutions, 1);
	FT_EQ(flue_host_post_return(&ex.store, c2, &v2), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 2);
	FT_EQ(got[0], 222);
	ex_done();
}

FT_TEST(stale_id_is_ebadf_everywhere)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &host_u32, host_start, host_cancel, 0), 0);
	flue_call_t c1 = invoke(&hf);
	struct flue_values v = { 1, { 1 } };
	FT_EQ(flue_host_return(&ex.store, c1, &v), 0);
	FT_EQ(ex_run(), 0);
	flue_call_t c2 = invoke(&hf);
	FT_EQ(flue_host_return(&ex.store, c1, &v), FLUE_EBADF);
	FT_EQ(flue_host_cancelled(&ex.store, c1), FLUE_EBADF);
	FT_EQ(flue_invoke_cancel(&ex.store, c1), FLUE_EBADF);
	FT_EQ(flue_host_post_return(&ex.store, c1, &v), FLUE_EBADF);
	FT_EQ(flue_host_return(&ex.store, FLUE_CALL_NONE, &v), FLUE_EBADF);
	FT_EQ(flue_invoke_cancel(&ex.store, FLUE_CALL_NONE), FLUE_EBADF);
	FT_EQ(ncancel_cb, 0);
	FT_EQ(resolutions, 1); /* c2 untouched by all of that */
	FT_EQ(flue_host_return(&ex.store, c2, &v), 0);
	FT_EQ(resolutions, 2);
	FT_EQ(ex_run(), 0);
	ex_done();
}

/* The legal race, made deterministic: a post is pending when the executor
 * resolves the call by its cancellation. The post is dropped with it. */
FT_TEST(post_pending_when_cancellation_resolves_is_dropped)
{
	setup();
	cancel_resolves = true;
	FT_EQ(flue_host_func(&hf, ex.host, &host_u32, host_start, host_cancel, 0), 0);
	flue_call_t c = invoke(&hf);
	struct flue_values v = { 1, { 9 } };
	FT_EQ(flue_host_post_return(&ex.store, c, &v), 0);
	FT_EQ(flue_host_post_return(&ex.store, c, &v), FLUE_EBUSY); /* already posted */
	FT_EQ(flue_invoke_cancel(&ex.store, c), 0);
	FT_EQ(ncancel_cb, 1);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu); /* resolved by the cancellation, without a value */
	FT_EQ(flue_host_post_return(&ex.store, c, &v), FLUE_EBADF);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1); /* exactly once */
	start_stuck_guest();
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK);
	ex_done();
}

/* The host instance goes away with a call pending and a post for it not
 * applied yet: the call resolves without a value and the post is dropped. */
FT_TEST(post_pending_when_host_instance_is_destroyed_is_dropped)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &host_u32, host_start, host_cancel, 0), 0);
	flue_call_t c = invoke(&hf);
	struct flue_values v = { 1, { 9 } };
	FT_EQ(flue_host_post_return(&ex.store, c, &v), 0);
	flue_instance_destroy(ex.host);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	FT_EQ(flue_host_post_return(&ex.store, c, &v), FLUE_EBADF);
	FT_EQ(flue_host_return(&ex.store, c, &v), FLUE_EBADF);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	start_stuck_guest();
	FT_EQ(flue_run(&ex.store), FLUE_EDEADLK);
	ex_done();
}

/* ------------------------------------------ defect 3: posts validated early */

FT_TEST(post_with_wrong_value_count_is_einval)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &host_u32, host_start, 0, 0), 0);
	flue_call_t c = invoke(&hf);
	struct flue_values none = { 0, { 0 } }, two = { 2, { 1, 2 } }, one = { 1, { 3 } };
	FT_EQ(flue_host_post_return(&ex.store, c, &none), FLUE_EINVAL);
	FT_EQ(flue_host_post_return(&ex.store, c, &two), FLUE_EINVAL);
	FT_EQ(flue_host_post_return(&ex.store, c, 0), FLUE_EINVAL);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	FT_EQ(resolutions, 0);
	FT_EQ(flue_host_post_return(&ex.store, c, &one), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(got[0], 3);
	ex_done();
}

FT_TEST(post_for_a_result_with_ends_is_einval)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &host_one_stream, host_start, 0, 0), 0);
	flue_call_t c = invoke(&hf);
	uint32_t r, w;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r, &w), 0);
	struct flue_values v = { 1, { r } };
	FT_EQ(flue_host_post_return(&ex.store, c, &v), FLUE_EINVAL);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
	FT_EQ(resolutions, 0);
	FT_EQ(flue_host_return(&ex.store, c, &v), 0); /* the executor-thread way works */
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 1);
	ex_done();
}

/* -------------------------------------- defect 4: validate, then commit */

FT_TEST(host_return_checks_every_end_before_taking_any)
{
	setup();
	FT_EQ(flue_host_func(&hf, ex.host, &host_two_streams, host_start, 0, 0), 0);
	flue_call_t c = invoke(&hf);
	uint32_t r1, w1, r2, w2;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r1, &w1), 0);
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r2, &w2), 0);
	struct flue_values bad = { 2, { r1, w2 } }, twice = { 2, { r1, r1 } },
			   none = { 2, { r1, 999 } }, good = { 2, { r1, r2 } };
	FT_EQ(flue_host_return(&ex.store, c, &bad), FLUE_EINVAL);
	FT_EQ(flue_host_return(&ex.store, c, &twice), FLUE_EINVAL);
	FT_EQ(flue_host_return(&ex.store, c, &none), FLUE_EINVAL);
	FT_EQ(resolutions, 0);
	/* r1 is still the host's: the good result goes through. */
	FT_EQ(flue_host_return(&ex.store, c, &good), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 2);
	FT_EQ(flue_host_drop(ex.host, (uint32_t)got[0]), 0);
	FT_EQ(flue_host_drop(ex.host, (uint32_t)got[1]), 0);
	FT_EQ(flue_host_drop(ex.host, w1), 0);
	FT_EQ(flue_host_drop(ex.host, w2), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
}

static void count_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
		       flue_flat_t *res)
{
	(void)u, (void)inst, (void)a, (void)n, (void)res;
	core_runs++;
}

FT_TEST(bad_host_argument_fails_the_invocation_not_the_callee)
{
	setup();
	struct flue_instance *g = ex_new();
	ex_lift(&ef, g, &export_two_params, FLUE_LIFT_SYNC, count_core, 0);
	uint32_t r1, w1, r2, w2;
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r1, &w1), 0);
	FT_EQ(flue_host_stream_new(ex.host, ex.u8, &r2, &w2), 0);
	flue_call_t c;
	/* A writable end where a readable one belongs. */
	host_nargs = 2;
	host_args[0] = r1;
	host_args[1] = w2;
	FT_EQ(flue_invoke(&ef, ex.host, on_start_args, on_resolve, 0, &c), 0);
	FT_EQ(resolutions, 1);
	FT_EQ(nvalues, 0xDEADu);
	/* The same end twice, then the wrong number of values. */
	host_args[1] = r1;
	FT_EQ(flue_invoke(&ef, ex.host, on_start_args, on_resolve, 0, &c), 0);
	host_nargs = 1;
	FT_EQ(flue_invoke(&ef, ex.host, on_start_args, on_resolve, 0, &c), 0);
	FT_EQ(resolutions, 3);
	FT_EQ(core_runs, 0);   /* no guest code ran */
	FT_EQ(ex.ntraps, 0);   /* and the callee did not trap */
	FT_FALSE(g->poisoned);
	/* r1 was never taken: a good call passes it. */
	host_nargs = 2;
	host_args[1] = r2;
	FT_EQ(flue_invoke(&ef, ex.host, on_start_args, on_resolve, 0, &c), 0);
	FT_EQ(ex_run(), 0);
	FT_EQ(core_runs, 1);
	FT_EQ(resolutions, 4);
	FT_EQ(nvalues, 0);
	ex_done();
}

FT_TEST(params_without_on_start_is_einval)
{
	setup();
	struct flue_instance *g = ex_new();
	ex_lift(&ef, g, &export_two_params, FLUE_LIFT_SYNC, count_core, 0);
	flue_call_t c;
	FT_EQ(flue_invoke(&ef, ex.host, 0, on_resolve, 0, &c), FLUE_EINVAL);
	FT_EQ(flue_invoke_post(&ef, ex.host, 0, on_resolve, 0, 0), FLUE_EINVAL);
	/* Ends in the params but no host instance to take them from. */
	host_nargs = 2;
	FT_EQ(flue_invoke(&ef, 0, on_start_args, on_resolve, 0, &c), FLUE_EINVAL);
	FT_EQ(flue_invoke_post(&ef, 0, on_start_args, on_resolve, 0, 0), FLUE_EINVAL);
	FT_EQ(ex_run(), 0);
	FT_EQ(resolutions, 0);
	FT_EQ(core_runs, 0);
	FT_EQ(ex.ntraps, 0);
	FT_FALSE(g->poisoned);
	ex_done();
}

/* ------------------------------------- defect 5: result ends without a host */

static void stream_core(void *u, struct flue_instance *inst, const flue_flat_t *a, uint32_t n,
			flue_flat_t *res)
{
	(void)u, (void)a, (void)n;
	core_runs++;
	uint64_t rw = flue_canon_stream_new(inst, ex.u8);
	flue_canon_stream_drop_writable(inst, ex.u8, (uint32_t)(rw >> 32));
	flue_flat_t f = (uint32_t)rw;
	flue_canon_task_return(inst, &one_stream, &f, 1);
	res[0] = 0; /* EXIT */
}

FT_TEST(stream_result_without_host_is_dropped_not_leaked)
{
	setup();
	struct flue_instance *g = ex_new();
	ex_lift(&ef, g, &export_stream_result, FLUE_LIFT_CALLBACK, stream_core, stuck_cb);
	flue_call_t c;
	/* More calls than shared objects: each result end must be freed. */
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_SHARED + 8u; i++) {
		nvalues = 0;
		FT_EQ(flue_invoke(&ef, 0, 0, on_resolve, 0, &c), 0);
		FT_EQ(ex_run(), 0);
		FT_EQ(nvalues, 1);
		FT_EQ(got[0], 0); /* no host to receive the end */
	}
	/* With a host the ends arrive in its table; dropped, they are freed. */
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_SHARED + 8u; i++) {
		FT_EQ(flue_invoke(&ef, ex.host, 0, on_resolve, 0, &c), 0);
		FT_EQ(ex_run(), 0);
		FT_EQ(nvalues, 1);
		FT_EQ(flue_host_drop(ex.host, (uint32_t)got[0]), 0);
	}
	FT_EQ(core_runs, 2u * (FLUE_CONFIG_MAX_SHARED + 8u));
	FT_EQ(ex.ntraps, 0);
	FT_EQ(resolutions, 2u * (FLUE_CONFIG_MAX_SHARED + 8u));
	ex_done();
}

/* ------------------------------------------ defect 8 (part): flue_lower */

FT_TEST(lower_of_a_function_without_instance_is_einval)
{
	setup();
	struct flue_instance *g = ex_new();
	struct flue_func bare = { .ft = &host_u32 }; /* never lifted */
	struct flue_lowered l;
	FT_EQ(flue_lower(&l, &bare, g, true), FLUE_EINVAL);
	FT_EQ(flue_lower(&l, 0, g, true), FLUE_EINVAL);
	FT_EQ(flue_lower(0, &bare, g, true), FLUE_EINVAL);
}

FT_SUITE(host_edge, FT_CASE(post_for_a_finished_call_is_ebadf_and_not_counted),
	 FT_CASE(late_post_does_not_resolve_the_next_call_in_the_slot),
	 FT_CASE(stale_id_is_ebadf_everywhere),
	 FT_CASE(post_pending_when_cancellation_resolves_is_dropped),
	 FT_CASE(post_pending_when_host_instance_is_destroyed_is_dropped),
	 FT_CASE(post_with_wrong_value_count_is_einval),
	 FT_CASE(post_for_a_result_with_ends_is_einval),
	 FT_CASE(host_return_checks_every_end_before_taking_any),
	 FT_CASE(bad_host_argument_fails_the_invocation_not_the_callee),
	 FT_CASE(params_without_on_start_is_einval),
	 FT_CASE(stream_result_without_host_is_dropped_not_leaked),
	 FT_CASE(lower_of_a_function_without_instance_is_einval))
