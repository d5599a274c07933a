/*
 * The store's post buffers (flue/config.h FLUE_CONFIG_MAX_POSTS, issue 10):
 * a pending post holds one from flue_host_post_return() until the executor
 * applies it or drops it (its call resolved by another path); a post that
 * finds none free is FLUE_EAGAIN and changes nothing, so the poster can
 * retry after the executor ran. Runs against the library built with
 * FLUE_CONFIG_MAX_POSTS=2 (CMakeLists.txt), with more host calls waiting
 * than there are buffers. Expected values come from flue/exec.h.
 */
#include <flue/port.h>

#include "exec_test.h"

_Static_assert(FLUE_CONFIG_MAX_POSTS == 2, "this suite runs with two post buffers");

#define NCALLS 4u

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype host_u32 = { .async = true, .nparams = 1, .params = &u32_t,
					       .result = &u32_t };
static struct flue_func hf;
static flue_call_t calls[NCALLS];
static uint32_t nstarted, ncancel_cb;
static uint32_t resolutions[NCALLS];
static uint64_t got[NCALLS];

static void host_start(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	calls[(uint32_t)args->v[0]] = call; /* answered later, by posts */
	nstarted++;
}

static void host_cancel(void *user, flue_call_t call)
{
	(void)user;
	ncancel_cb++;
	EX_EQ(flue_host_cancelled(&ex.store, call), FLUE_OK);
}

static void on_start(void *user, struct flue_values *args)
{
	args->n = 1;
	args->v[0] = (uintptr_t)user;
}

static void on_resolve(void *user, const struct flue_values *r)
{
	uintptr_t i = (uintptr_t)user;
	resolutions[i]++;
	got[i] = r != 0 ? r->v[0] : 0xDEADu;
}

static uint32_t posted(void)
{
	flue_port_key_t k = flue_port_lock();
	uint32_t n = ex.store.sched.posted;
	flue_port_unlock(k);
	return n;
}

static int post(uint32_t i, uint64_t value)
{
	struct flue_values v = { 1, { value } };
	return flue_host_post_return(&ex.store, calls[i], &v);
}

static void setup(void)
{
	ex_setup();
	nstarted = ncancel_cb = 0;
	memset(resolutions, 0, sizeof resolutions);
	memset(got, 0, sizeof got);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_func(&hf, ex.host, &host_u32, host_start, host_cancel, 0), 0);
	for (uintptr_t i = 0; i < NCALLS; i++) {
		flue_call_t c;
		FT_EQ(flue_invoke(&hf, ex.host, on_start, on_resolve, (void *)i, &c), 0);
		FT_EQ(c, calls[i]);
	}
	FT_EQ(nstarted, NCALLS);
}

/* The last two calls are posted once buffers are free again, the
 * executor applies them, and every call has resolved exactly once. */
static void run_to_the_end(void)
{
	FT_EQ(ex_run(), 0);
	FT_EQ(got[2], 102);
	FT_EQ(got[3], 103);
	for (uint32_t i = 0; i < NCALLS; i++)
		FT_EQ(resolutions[i], 1);
	FT_EQ(posted(), 0);
	ex_done();
}

FT_TEST(a_post_finding_no_buffer_is_eagain_and_changes_nothing)
{
	setup();
	FT_EQ(post(0, 100), 0);
	FT_EQ(post(1, 101), 0);
	FT_EQ(posted(), 2);
	FT_EQ(post(2, 102), FLUE_EAGAIN); /* both buffers hold posts */
	FT_EQ(post(3, 103), FLUE_EAGAIN);
	FT_EQ(posted(), 2);
	/* Still refused for what it is, before the buffers are looked at. */
	FT_EQ(post(0, 100), FLUE_EBUSY);
	struct flue_values two = { 2, { 1, 2 } };
	FT_EQ(flue_host_post_return(&ex.store, calls[2], &two), FLUE_EINVAL);
	FT_EQ(flue_run(&ex.store), FLUE_EAGAIN); /* applies both; 2 and 3 still wait */
	FT_EQ(posted(), 0);
	FT_EQ(resolutions[0], 1);
	FT_EQ(resolutions[1], 1);
	FT_EQ(got[0], 100);
	FT_EQ(got[1], 101);
	/* Retried after the executor ran: the buffers are free again. */
	FT_EQ(post(2, 102), 0);
	FT_EQ(post(3, 103), 0);
	run_to_the_end();
}

FT_TEST(a_dropped_post_gives_its_buffer_back)
{
	setup();
	FT_EQ(post(0, 100), 0);
	FT_EQ(post(1, 101), 0);
	FT_EQ(post(2, 102), FLUE_EAGAIN);
	/* Call 0 resolves by another path: its post is dropped, buffer and all. */
	struct flue_values v = { 1, { 7 } };
	FT_EQ(flue_host_return(&ex.store, calls[0], &v), 0);
	FT_EQ(posted(), 1);
	FT_EQ(got[0], 7);
	/* Call 1 is cancelled while its post is pending: dropped too. */
	FT_EQ(flue_invoke_cancel(&ex.store, calls[1]), 0);
	FT_EQ(ncancel_cb, 1);
	FT_EQ(got[1], 0xDEADu);
	FT_EQ(posted(), 0);
	FT_EQ(post(2, 102), 0);
	FT_EQ(post(3, 103), 0);
	FT_EQ(post(0, 100), FLUE_EBADF); /* resolved: not a waiting call any more */
	run_to_the_end();
}

FT_TEST(buffers_are_reused_round_after_round)
{
	setup();
	/* Many more posts than buffers over time, never more than two at once. */
	for (uint32_t round = 0; round < 3u; round++) {
		for (uintptr_t i = 0; i < NCALLS; i++) {
			if (resolutions[i] != 0u) {
				flue_call_t c;
				resolutions[i] = 0;
				FT_EQ(flue_invoke(&hf, ex.host, on_start, on_resolve, (void *)i, &c),
				      0);
			}
		}
		FT_EQ(post(0, 10u * round), 0);
		FT_EQ(post(1, 10u * round + 1u), 0);
		FT_EQ(post(2, 10u * round + 2u), FLUE_EAGAIN);
		FT_EQ(flue_run(&ex.store), FLUE_EAGAIN);
		FT_EQ(post(2, 10u * round + 2u), 0);
		FT_EQ(post(3, 10u * round + 3u), 0);
		FT_EQ(flue_run(&ex.store), 0);
		for (uint32_t i = 0; i < NCALLS; i++) {
			FT_EQ(resolutions[i], 1);
			FT_EQ(got[i], 10u * round + i);
		}
	}
	FT_EQ(posted(), 0);
	FT_EQ(ex_run(), 0);
	ex_done();
}

FT_SUITE(post_pool,
	 FT_CASE(a_post_finding_no_buffer_is_eagain_and_changes_nothing),
	 FT_CASE(a_dropped_post_gives_its_buffer_back),
	 FT_CASE(buffers_are_reused_round_after_round))
