#define _POSIX_C_SOURCE 200809L
/*
 * Host posts under contention (issue 10), also run under ThreadSanitizer
 * (make test-tsan). K host-function calls run at any time (invoked with
 * flue_invoke_post; a resolved one is replaced). In every round each of
 * four threads makes one move — a return or a cancellation
 * (flue_invoke_cancel_post) posted for a running call, or a post that must
 * be refused: a stale call id, the wrong number of values, no call — while
 * the executor ticks (applying posts) and now and then cancels one of the
 * same calls itself (flue_invoke_cancel; the host function's cancel
 * callback answers flue_host_cancelled at once), possibly while a post for
 * it is pending. Every call resolves exactly once, with its own value if a
 * post won; the posted count never exceeds the calls running and ends at
 * exactly 0. 10^5 rounds; FLUE_STRESS_ROUNDS overrides. (Few calls per
 * round: each host call starts a fiber, a thread on POSIX.)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <flue/port.h>

#include "exec_test.h"

#define NTHREADS 4u
#define K 4u /* host calls running at any time */
#define DEFAULT_ROUNDS 100000u
#define MAGIC 0x5A5A5A5Au

static const struct flue_valtype u32_t = { .kind = FLUE_VAL_U32 };
static const struct flue_functype host_ft = { .async = true, .nparams = 1, .params = &u32_t,
					      .result = &u32_t };
static struct flue_func hf;
static uint32_t rounds, ncalls;
static uint8_t *nres;       /* resolutions per call (by invocation index) */
static uint8_t *started;    /* its host function's start ran */
static uint32_t *call_of;   /* its call id, set by the host function's start */
static uint32_t cur[K];     /* invocation index running in slot k */
static uint32_t bad_value, by_value, by_cancel, over_count;

/* What the posters see: the call id and ticket running in slot k. */
static _Atomic uint32_t pub_call[K], pub_ticket[K];
static pthread_barrier_t round_start;
static _Atomic uint32_t ok_posts, refused_posts;
static uint32_t races; /* cancellations while a post was pending */

static void host_start(void *user, flue_call_t call, const struct flue_values *args)
{
	(void)user;
	/* the argument: invocation index * K + slot */
	call_of[(uint32_t)args->v[0] / K] = call;
	started[(uint32_t)args->v[0] / K] = 1;
	atomic_store(&pub_call[(uint32_t)args->v[0] % K], call);
}

static void host_cancel(void *user, flue_call_t call)
{
	(void)user;
	EX_EQ(flue_host_cancelled(&ex.store, call), FLUE_OK);
}

static void on_start(void *user, struct flue_values *args)
{
	args->n = 1;
	args->v[0] = (uintptr_t)user;
}

static void on_resolve(void *user, const struct flue_values *r)
{
	uint32_t idx = (uint32_t)(uintptr_t)user / K;
	nres[idx]++;
	if (r == 0) {
		by_cancel++;
	} else {
		by_value++;
		if (r->n != 1u || r->v[0] != (call_of[idx] ^ MAGIC))
			bad_value++; /* someone else's post */
	}
}

static uint32_t xorshift(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* One poster's move in a round. Most moves must be refused (a call id
 * long stale, the wrong number of values, no call at all) and some are
 * accepted returns or posted cancellations of a running call; the
 * executor may be resolving the same call meanwhile. */
static void poster_move(uint32_t rnd, flue_call_t *old)
{
	uint32_t k = rnd % K, what = (rnd >> 8) % 64u;
	flue_call_t call = atomic_load(&pub_call[k]);
	struct flue_values v = { 1, { call ^ MAGIC } };
	int rc;
	if (what == 0u && (rnd >> 20) % 2u == 0u) {
		uint32_t ticket = atomic_load(&pub_ticket[k]);
		rc = ticket != 0u ? flue_invoke_cancel_post(&ex.store, ticket) : FLUE_OK;
		EX_TRUE(rc == FLUE_OK || rc == FLUE_EBUSY);
		return;
	}
	if (what == 1u) {
		rc = flue_host_post_return(&ex.store, call, &v);
	} else if (what <= 21u) {
		v.v[0] = *old ^ MAGIC;
		rc = flue_host_post_return(&ex.store, *old, &v);
	} else if (what <= 31u) {
		v.n = 2; /* wrong count: refused, whether the id is live or not */
		rc = flue_host_post_return(&ex.store, call, &v);
		EX_TRUE(rc == FLUE_EINVAL || rc == FLUE_EBADF);
	} else {
		rc = flue_host_post_return(&ex.store, FLUE_CALL_NONE, &v);
		EX_EQ(rc, FLUE_EBADF);
	}
	EX_TRUE(rc == FLUE_OK || rc == FLUE_EBADF || rc == FLUE_EBUSY || rc == FLUE_EINVAL);
	atomic_fetch_add(rc == FLUE_OK ? &ok_posts : &refused_posts, 1u);
	if ((rnd >> 16) % 256u == 0u) /* mostly stale by its next use */
		*old = call;
}

static void *poster(void *arg)
{
	uint32_t seed = 0x9E3779B9u * ((uint32_t)(uintptr_t)arg + 1u);
	flue_call_t old = FLUE_CALL_NONE;
	for (uint32_t r = 0; r < rounds; r++) {
		(void)pthread_barrier_wait(&round_start);
		poster_move(xorshift(&seed), &old);
	}
	return 0;
}

static uint32_t posted_count(void)
{
	flue_port_key_t k = flue_port_lock();
	uint32_t n = ex.store.sched.posted;
	flue_port_unlock(k);
	return n;
}

/* A new invocation of the host function in slot k (started at the next
 * tick, which publishes its call id). */
static bool refill(uint32_t k)
{
	uint32_t ticket = 0;
	uintptr_t idx = ncalls++;
	cur[k] = (uint32_t)idx;
	void *user = (void *)(idx * K + k);
	if (flue_invoke_post(&hf, 0, on_start, on_resolve, user, &ticket) != FLUE_OK)
		return false;
	atomic_store(&pub_ticket[k], ticket);
	return true;
}

/* The executor's move in a round, while the posters make theirs: apply
 * what was posted, sometimes cancel a running call, replace resolved
 * calls. At most K posts can be pending (one per running call). */
static bool executor_move(uint32_t rnd)
{
	(void)flue_tick(&ex.store);
	if ((rnd >> 4) % 32u == 0u) {
		uint32_t idx = cur[rnd % K];
		if (nres[idx] == 0u && started[idx] != 0u) {
			int rc = flue_invoke_cancel(&ex.store, call_of[idx]);
			if (rc != FLUE_OK && rc != FLUE_EBADF)
				return false;
			races += posted_count() != 0u;
		}
	}
	for (uint32_t k = 0; k < K; k++)
		if (nres[cur[k]] != 0u && !refill(k))
			return false;
	over_count += posted_count() > K;
	return true;
}

FT_TEST(posts_and_cancellations_race_the_executor)
{
	ex_setup();
	const char *env = getenv("FLUE_STRESS_ROUNDS");
	rounds = env != 0 ? (uint32_t)strtoul(env, 0, 10) : DEFAULT_ROUNDS;
	nres = calloc((size_t)(rounds + 1u) * K, 1);
	started = calloc((size_t)(rounds + 1u) * K, 1);
	call_of = calloc((size_t)(rounds + 1u) * K, sizeof *call_of);
	FT_TRUE(nres != 0 && started != 0 && call_of != 0);
	ncalls = bad_value = by_value = by_cancel = over_count = 0;
	for (uint32_t k = 0; k < K; k++)
		atomic_store(&pub_call[k], FLUE_CALL_NONE);
	FT_EQ(flue_host_create(&ex.store, ex.host_arena, sizeof ex.host_arena, &ex.host), 0);
	FT_EQ(flue_host_func(&hf, ex.host, &host_ft, host_start, host_cancel, 0), 0);
	for (uint32_t k = 0; k < K; k++)
		FT_TRUE(refill(k));
	FT_EQ(pthread_barrier_init(&round_start, 0, NTHREADS + 1u), 0);
	pthread_t th[NTHREADS];
	for (uintptr_t i = 0; i < NTHREADS; i++)
		FT_EQ(pthread_create(&th[i], 0, poster, (void *)i), 0);
	uint32_t seed = 12345u, failed_round = UINT32_MAX;
	for (uint32_t r = 0; r < rounds; r++) {
		/* After a failure the rounds still go on (the posters wait
		 * for them), without moves of the executor. */
		(void)pthread_barrier_wait(&round_start);
		if (failed_round == UINT32_MAX && !executor_move(xorshift(&seed)))
			failed_round = r;
	}
	for (uint32_t i = 0; i < NTHREADS; i++)
		pthread_join(th[i], 0);
	(void)pthread_barrier_destroy(&round_start);
	FT_EQ(failed_round, UINT32_MAX);
	/* The end: calls queued in the last round start, then whatever still
	 * runs is cancelled; nothing may be pending. */
	(void)flue_tick(&ex.store);
	for (uint32_t k = 0; k < K; k++)
		if (nres[cur[k]] == 0u && started[cur[k]] != 0u)
			FT_EQ(flue_invoke_cancel(&ex.store, call_of[cur[k]]), 0);
	FT_EQ(flue_run(&ex.store), 0); /* nothing waits (flue_run never sleeps) */
	FT_EQ(posted_count(), 0);
	FT_EQ(over_count, 0);
	for (uint32_t i = 0; i < ncalls; i++)
		FT_EQ(nres[i], 1);
	FT_EQ(bad_value, 0);
	FT_EQ(by_value + by_cancel, ncalls);
	ex_done();
	print_message("%u rounds, %u calls: %u by a post, %u by cancellation (%u with a post "
		      "pending); %u posts accepted, %u refused\n",
		      (unsigned)rounds, (unsigned)ncalls, (unsigned)by_value, (unsigned)by_cancel,
		      (unsigned)races, (unsigned)atomic_load(&ok_posts),
		      (unsigned)atomic_load(&refused_posts));
	free(nres);
	free(started);
	free(call_of);
}

FT_SUITE(post_stress, FT_CASE(posts_and_cancellations_race_the_executor))
