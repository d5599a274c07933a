/*
 * The task fuzzer's other threads and remaining entry points (see
 * fuzz_tasks.c): what a host thread or an interrupt does between executor
 * steps (flue_invoke_post, flue_invoke_cancel_post, flue_host_post_return,
 * the any-thread side of driver channels), flue_invoke_blocking (its
 * semaphore is wrapped: while "the host thread" would block, this
 * single-threaded harness is the executor thread and ticks), the realloc
 * export (17 params: through memory), and stale call ids.
 */
#include <string.h>

#include <flue/errno.h>
#include <flue/port.h>

#include "fuzz_tasks.h"

void __wrap_flue_port_sem_give(flue_port_sem_t *sem);
void __wrap_flue_port_sem_take(flue_port_sem_t *sem);
void __real_flue_port_sem_give(flue_port_sem_t *sem);
void __real_flue_port_sem_take(flue_port_sem_t *sem);

/* The realloc export's arguments: 4-aligned, at the end of g1's memory. */
#define BIG_PTR (GMEM - 4u * NBIG - 4u)
#define BIG_G 1

static uint32_t ld32(int g, uint32_t off)
{
	const uint8_t *m = tz_mem[g];
	return (uint32_t)m[off] | (uint32_t)m[off + 1u] << 8 | (uint32_t)m[off + 2u] << 16 |
	       (uint32_t)m[off + 3u] << 24;
}

/* ------------------------------------------------------ realloc export */

static uint32_t big_realloc(void *user, struct flue_instance *x, uint32_t old_ptr,
			    uint32_t old_size, uint32_t align, uint32_t size)
{
	(void)user;
	TZ_CHECK(x == tz.g[BIG_G] && old_ptr == 0u && old_size == 0u);
	TZ_CHECK(align == 4u && size == 4u * NBIG);
	TZ_CHECK(!x->may_leave); /* realloc may not call built-ins */
	tz_stats.reallocs++;
	uint8_t b = tz_u8();
	if (b == 0xFFu)
		return GMEM - 8u; /* out of bounds: the callee traps */
	if (b == 0xFEu)
		return BIG_PTR + 2u; /* misaligned: likewise */
	return BIG_PTR;
}

static void big_core(void *user, struct flue_instance *x, const flue_flat_t *args,
		     uint32_t nargs, flue_flat_t *results)
{
	(void)user;
	TZ_CHECK(x == tz.g[BIG_G] && nargs == 1u && args[0] == BIG_PTR);
	uint32_t a0 = ld32(BIG_G, BIG_PTR);
	for (uint32_t i = 1; i < NBIG; i++)
		if (ld32(BIG_G, BIG_PTR + 4u * i) != a0 + i)
			TZ_DIE("realloc export: param %u is %u, expected %u", i,
			       ld32(BIG_G, BIG_PTR + 4u * i), a0 + i);
	results[0] = (uint32_t)(a0 * 3u);
}

static void big_post_return(void *user, struct flue_instance *x, const flue_flat_t *res,
			    uint32_t n)
{
	(void)user;
	TZ_CHECK(x == tz.g[BIG_G] && n == 1u && !x->may_leave);
	TZ_CHECK(res[0] == (uint32_t)(ld32(BIG_G, BIG_PTR) * 3u));
}

void tz_op_big(uint8_t a, uint8_t b)
{
	(void)a;
	tz_stats.big_calls++;
	(void)tz_invoke(BIG_G, NEX, b);
}

/* ---------------------------------------------------------------- set-up */

static void setup_channels(void)
{
	struct flue_channel tmp;
	uint8_t buf[4];
	for (int k = 0; k < NCH; k++)
		TZ_CHECK(flue_channel_init(&tz.ch[k], tz.ch_buf[k], 1u, sizeof tz.ch_buf[k]) ==
			 FLUE_OK);
	TZ_CHECK(flue_channel_init(NULL, buf, 1u, 1u) == FLUE_EINVAL);
	TZ_CHECK(flue_channel_init(&tmp, NULL, 1u, 1u) == FLUE_EINVAL);
	TZ_CHECK(flue_channel_init(&tmp, buf, 0u, 1u) == FLUE_EINVAL);
	TZ_CHECK(flue_channel_init(&tmp, buf, 1u, 0u) == FLUE_EINVAL);
	TZ_CHECK(flue_channel_init(&tmp, buf, 0x10000u, 0x10000u) == FLUE_EINVAL);
}

void tz_ext_setup(void)
{
	setup_channels();
	struct flue_lift_opts o = { .kind = FLUE_LIFT_SYNC, .core = big_core,
				    .post_return = big_post_return };
	/* Params through memory need a realloc. */
	TZ_CHECK(flue_lift(&tz.big, tz.g[BIG_G], &ft_big, &o) == FLUE_EINVAL);
	o.realloc = big_realloc;
	TZ_CHECK(flue_lift(&tz.big, tz.g[BIG_G], &ft_big, &o) == FLUE_OK);
}

/* ---------------------------------------------------- posted invocations */

static int post_refused(uint8_t b, struct flue_func *f)
{
	uint32_t ticket = 0;
	int rc;
	switch (b % 4u) {
	case 0: /* not lifted */
		rc = flue_invoke_post(&tz.unlifted, tz.host, tz_on_start, tz_on_resolve, NULL,
				      &ticket);
		break;
	case 1: /* no on_resolve */
		rc = flue_invoke_post(f, tz.host, tz_on_start, NULL, NULL, &ticket);
		break;
	case 2: /* params without on_start */
		rc = flue_invoke_post(f, tz.host, NULL, tz_on_resolve, NULL, &ticket);
		break;
	default: /* a stream param without a host instance */
		rc = flue_invoke_post(&tz.ex[1][0], NULL, tz_on_start, tz_on_resolve, NULL,
				      &ticket);
		break;
	}
	TZ_CHECK(ticket == 0u);
	return rc;
}

void tz_op_post_invoke(uint8_t a, uint8_t b)
{
	int g = a % NG, e = (a / NG) % NEX;
	struct flue_func *f = &tz.ex[g][e];
	tz_stats.posted_invokes++;
	if (b >= 0xFCu) {
		TZ_CHECK(post_refused(b, f) == FLUE_EINVAL);
		return;
	}
	struct invocation *iv = tz_free_inv();
	if (iv == NULL || !tz.g[g]->live)
		return;
	*iv = (struct invocation){ .live = true, .posted = true, .g = g, .e = e, .arg = b,
				   .f = f, .ft = tz.desc[g][e].ft };
	bool want = b % 16u != 15u; /* a NULL ticket pointer is allowed */
	int rc = flue_invoke_post(f, tz.host, tz_on_start, tz_on_resolve, iv,
				  want ? &iv->ticket : NULL);
	tz_trace("  post invocation of g%d/e%d (%u) -> %d, ticket %u\n", g, e, b, rc, iv->ticket);
	if (rc == FLUE_EBUSY) {
		iv->live = false;
		return;
	}
	TZ_CHECK(rc == FLUE_OK && (iv->ticket != 0u) == want);
	for (int i = 0; i < MAX_INV && want; i++)
		TZ_CHECK(&tz.inv[i] == iv || !tz.inv[i].live || tz.inv[i].ticket != iv->ticket);
}

void tz_op_cancel_post(uint8_t a, uint8_t b)
{
	struct invocation *iv = &tz.inv[a % MAX_INV];
	uint32_t ticket;
	tz_stats.cancel_posts++;
	if (b % 4u == 0u) {
		TZ_CHECK(flue_invoke_cancel_post(&tz.store, 0u) == FLUE_EINVAL);
		return;
	}
	if (b % 4u == 1u)
		ticket = 0x80000000u | b; /* never handed out: nothing happens */
	else if (iv->posted && iv->ticket != 0u)
		ticket = iv->ticket; /* maybe resolved already: nothing happens then */
	else
		return;
	int rc = flue_invoke_cancel_post(&tz.store, ticket);
	tz_trace("  post cancellation of ticket %u -> %d\n", ticket, rc);
	TZ_CHECK(rc == FLUE_OK || rc == FLUE_EBUSY);
	if (rc == FLUE_OK && iv->live && ticket == iv->ticket)
		iv->cancel_posted = true;
}

/* ------------------------------------------------------------ host posts */

static struct hcall *live_hcall(uint8_t a)
{
	tz_hcalls_refresh();
	for (int i = 0; i < MAX_HCALL; i++) {
		struct hcall *h = &tz.hc[(a + i) % MAX_HCALL];
		if (h->live)
			return h;
	}
	return NULL;
}

static flue_call_t dead_id(uint8_t b)
{
	uint32_t n = tz.ndead < NDEAD ? tz.ndead : NDEAD;
	return n == 0u ? flue_call_make(b % FLUE_CONFIG_MAX_TASKS, 0) : tz.dead[b % n];
}

/* A good post, maybe twice (the second is EBUSY). */
static void post_good(struct hcall *h, uint8_t b)
{
	struct flue_store *s = &tz.store;
	struct flue_values v = { 1, { b } };
	int rc = flue_host_post_return(s, h->call, &v);
	tz_trace("  post return of call %u -> %d\n", h->call, rc);
	if (h->ends) {
		TZ_CHECK(rc == FLUE_EINVAL);
	} else if (h->posted) {
		TZ_CHECK(rc == FLUE_EBUSY);
	} else {
		TZ_CHECK(rc == FLUE_OK);
		h->posted = true;
		if (b % 8u == 2u)
			TZ_CHECK(flue_host_post_return(s, h->call, &v) == FLUE_EBUSY);
	}
}

void tz_op_post_return(uint8_t a, uint8_t b)
{
	struct flue_store *s = &tz.store;
	struct hcall *h = live_hcall(a);
	struct flue_values v = { 1, { b } };
	const struct invocation *iv = &tz.inv[a % MAX_INV];
	tz_stats.post_returns++;
	switch (b % 8u) {
	case 0: case 1: case 2:
		if (h != NULL)
			post_good(h, b);
		break;
	case 3: {
		if (h == NULL)
			break;
		struct flue_values w = { (b & 8u) != 0u ? 2u : 0u, { b, b } };
		int rc = flue_host_post_return(s, h->call, &w), rn = flue_host_post_return(s, h->call, NULL);
		TZ_CHECK((rc == FLUE_EINVAL && rn == FLUE_EINVAL) ||
			 (h->posted && rc == FLUE_EBUSY && rn == FLUE_EBUSY));
		break;
	}
	case 4: /* a resolved call's id */
		TZ_CHECK(flue_host_post_return(s, dead_id(a), &v) == FLUE_EBADF);
		break;
	case 5: /* an invocation, not a host call */
		if (iv->live && iv->call != 0u)
			TZ_CHECK(flue_host_post_return(s, iv->call, &v) == FLUE_EBADF);
		break;
	case 6: /* generation 0, a slot past the pool */
		TZ_CHECK(flue_host_post_return(s, flue_call_make(a % FLUE_CONFIG_MAX_TASKS, 0),
					       &v) == FLUE_EBADF);
		TZ_CHECK(flue_host_post_return(s, flue_call_make(0xFFFFu, 1), &v) == FLUE_EBADF);
		break;
	default: /* answered directly while a post is pending: the post is dropped */
		if (h != NULL && h->posted) {
			TZ_CHECK(flue_host_return(s, h->call, &v) == FLUE_OK);
			h->live = false;
			tz_dead(h->call);
		}
		break;
	}
}

/* -------------------------------------------------------------- stale ids */

static void check_stale(flue_call_t c, uint8_t b)
{
	struct flue_store *s = &tz.store;
	struct flue_values v = { 1, { b } };
	tz_stats.stale_checks++;
	TZ_CHECK(flue_invoke_cancel(s, c) == FLUE_EBADF);
	TZ_CHECK(flue_host_return(s, c, &v) == FLUE_EBADF);
	TZ_CHECK(flue_host_cancelled(s, c) == FLUE_EBADF);
	TZ_CHECK(flue_host_post_return(s, c, &v) == FLUE_EBADF);
}

/* A host future, written then read on the host's side, both ends dropped
 * (the task fuzzer's host ends are otherwise streams). */
static void host_future(uint8_t b)
{
	struct flue_instance *h = tz.host;
	uint32_t r = 0, w = 0;
	struct flue_host_outcome out;
	if (flue_host_future_new(h, tz.u8, &r, &w) != FLUE_OK)
		return; /* table or pool full */
	uint8_t *v = tz_arena + HARENA - 16u, *got = tz_arena + HARENA - 8u; /* in the arena */
	*v = b;
	*got = (uint8_t)~b;
	if ((b & 1u) != 0u) {
		TZ_CHECK(flue_host_write(h, w, v, 1u, &out) == FLUE_OK && !out.done);
		TZ_CHECK(flue_host_read(h, r, got, 1u, &out) == FLUE_OK && out.done &&
			 out.progress == 1u && *got == b);
		TZ_CHECK(flue_host_poll(h, w, &out) == FLUE_OK && out.done && out.progress == 1u);
		TZ_CHECK(flue_host_drop(h, r) == FLUE_OK);
	} else {
		/* the reader goes first: the write sees DROPPED, and only then
		 * may the writable end go (a future must be written) */
		TZ_CHECK(flue_host_drop(h, r) == FLUE_OK);
		TZ_CHECK(flue_host_write(h, w, v, 1u, &out) == FLUE_OK && out.done &&
			 out.result == FLUE_RESULT_DROPPED && out.progress == 0u);
	}
	TZ_CHECK(flue_host_drop(h, w) == FLUE_OK);
}

void tz_op_stale(uint8_t a, uint8_t b)
{
	if (a % 4u == 3u)
		host_future(b);
	check_stale(dead_id(a), b);
}

/* --------------------------------------------------------------- channels */

bool tz_channels_linked(void)
{
	return tz.store.channels != NULL;
}

bool tz_close_channels(void)
{
	bool acted = false;
	for (int k = 0; k < NCH; k++) {
		if (tz.ch[k].store != NULL && !tz.ch[k].host_closed) {
			flue_channel_close(&tz.ch[k]);
			acted = true;
		}
	}
	return acted;
}

static bool ch_attach(uint8_t b)
{
	int k = b & 1;
	int g = (b >> 1) % NG;
	uint32_t end = 0;
	if (!tz.g[g]->live)
		return false;
	int rc = flue_channel_attach(&tz.ch[k], tz.g[g], tz.u8, k == 0, false, &end);
	tz_trace("  channel %d attached to g%d -> %d, end %u\n", k, g, rc, end);
	TZ_CHECK(rc == FLUE_OK || rc == FLUE_EINVAL || rc == FLUE_ENOSPC || rc == FLUE_ENOMEM);
	if (rc == FLUE_OK)
		TZ_CHECK(end > 0u && end < tz.g[g]->len &&
			 tz.g[g]->handles[end].kind ==
				 (k == 0 ? FLUE_H_STREAM_READABLE : FLUE_H_STREAM_WRITABLE));
	return rc == FLUE_OK;
}

/* Wrong uses: every one is refused and changes nothing. */
static void ch_bad(uint8_t b)
{
	uint8_t buf[4] = { 0 };
	uint32_t end = 0;
	TZ_CHECK(flue_channel_send(&tz.ch[0], buf, 0u) == FLUE_EINVAL);
	TZ_CHECK(flue_channel_send(&tz.ch[0], NULL, 1u) == FLUE_EINVAL);
	TZ_CHECK(flue_channel_recv(&tz.ch[1], buf, 0u) == FLUE_EINVAL);
	TZ_CHECK(flue_channel_recv(NULL, buf, 1u) == FLUE_EINVAL);
	if (tz.ch[0].store != NULL) /* attached: its direction is known */
		TZ_CHECK(flue_channel_recv(&tz.ch[0], buf, 1u) == FLUE_EINVAL);
	if (tz.ch[1].store != NULL)
		TZ_CHECK(flue_channel_send(&tz.ch[1], buf, 1u) == FLUE_EINVAL);
	struct flue_instance *x = tz.g[b % NG];
	if (x->live) {
		/* a future towards the host; a NULL end */
		TZ_CHECK(flue_channel_attach(&tz.ch[1], x, tz.u8, false, true, &end) == FLUE_EINVAL);
		TZ_CHECK(flue_channel_attach(&tz.ch[0], x, tz.u8, true, false, NULL) == FLUE_EINVAL);
	}
	flue_channel_close(NULL);
	flue_store_pump(NULL);
}

/* One channel op; true if it changed something another side can see. */
bool tz_op_channel(uint8_t a, uint8_t b)
{
	uint32_t n = 1u + b % 8u;
	int32_t r;
	tz_stats.channel_ops++;
	switch (a % 8u) {
	case 0:
		return ch_attach(b);
	case 1:
		r = flue_channel_send(&tz.ch[0], tz_arena + 32u, n);
		tz_trace("  channel send %u -> %d\n", n, r);
		TZ_CHECK(r == FLUE_EAGAIN || r == FLUE_EPIPE || r == FLUE_EINVAL ||
			 (r > 0 && (uint32_t)r <= n));
		return r > 0;
	case 2:
		r = flue_channel_recv(&tz.ch[1], tz_arena + 64u, n);
		tz_trace("  channel recv %u -> %d\n", n, r);
		TZ_CHECK(r == FLUE_EAGAIN || r == FLUE_EPIPE || r == FLUE_EINVAL ||
			 (r > 0 && (uint32_t)r <= n));
		return r > 0;
	case 3: {
		struct flue_channel *c = &tz.ch[b & 1u];
		bool was = c->host_closed;
		flue_channel_close(c);
		return !was && c->store != NULL;
	}
	case 4:
		flue_store_pump(&tz.store);
		return false;
	case 5:
		ch_bad(b);
		return false;
	default: {
		bool s = tz_op_channel(1, b), rv = tz_op_channel(2, b);
		return s || rv;
	}
	}
}

/* -------------------------------------------------------------- blocking */

/* Semaphores given by the executor (blocking_on_resolve) and not taken. */
static flue_port_sem_t *given[4];
static uint32_t ngiven;

void __wrap_flue_port_sem_give(flue_port_sem_t *sem)
{
	TZ_CHECK(ngiven < 4u);
	given[ngiven++] = sem;
	__real_flue_port_sem_give(sem);
}

static bool take_given(flue_port_sem_t *sem)
{
	for (uint32_t i = 0; i < ngiven; i++) {
		if (given[i] == sem) {
			given[i] = given[--ngiven];
			return true;
		}
	}
	return false;
}

/* The blocking invocation (the one invocation whose user is not ours). */
static struct flue_task *blocking_task(uint16_t *id)
{
	for (uint16_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		struct flue_task *t = &tz.store.tasks[i];
		const char *u = t->user;
		bool ours = u >= (const char *)tz.inv && u < (const char *)(tz.inv + MAX_INV);
		if (t->used && t->origin == FLUE_ORIGIN_INVOKE && !t->caller_done && !ours) {
			*id = i;
			return t;
		}
	}
	return NULL;
}

/* The executor cannot finish the blocking call by itself: cancel it, then
 * destroy its callee's instance (which resolves it). */
static void unstick(uint32_t *tries)
{
	uint16_t id = 0;
	struct flue_task *t = blocking_task(&id);
	if (t == NULL)
		TZ_DIE("flue_invoke_blocking: not resolved, yet no task and nothing queued");
	if ((*tries)++ == 0u) {
		int rc = flue_invoke_cancel(&tz.store, flue_call_make(id, t->gen));
		tz_trace("  blocking call stuck: cancel -> %d\n", rc);
		TZ_CHECK(rc == FLUE_OK || rc == FLUE_EBADF);
		return;
	}
	struct flue_instance *x = t->func->inst;
	TZ_CHECK(x != tz.host);
	tz_trace("  blocking call stuck: destroy g%u\n", x->id);
	flue_instance_destroy(x);
}

/* The host thread would block here; the executor thread runs meanwhile. */
void __wrap_flue_port_sem_take(flue_port_sem_t *sem)
{
	uint32_t ran = 0, tries = 0;
	bool given_now = false;
	while (!given_now) {
		enum flue_tick_result r = tz_tick();
		given_now = take_given(sem);
		if (given_now || (r == FLUE_TICK_RAN && ++ran < 200u))
			continue;
		if (r == FLUE_TICK_IDLE && tz_wind_down_host(true))
			continue;
		if (tz.store.sched.inv_count != 0u)
			continue; /* the next tick starts it */
		unstick(&tries);
		ran = 0;
		given_now = take_given(sem);
	}
	__real_flue_port_sem_take(sem);
}

void tz_op_blocking(uint8_t a, uint8_t b)
{
	int g = a % NG, e = (a / NG) % NEX;
	const struct flue_functype *ft = tz.desc[g][e].ft;
	struct flue_values args = { ft->nparams, { b } }, res = { 0, { 0 } };
	tz_stats.blocking_calls++;
	if (b == 0xEFu) {
		TZ_CHECK(flue_invoke_blocking(&tz.unlifted, tz.host, &args, &res) == FLUE_EINVAL);
		return;
	}
	if (!tz.g[g]->live)
		return;
	uint32_t r = 0, w = 0;
	if (ft->nparams == 2u && flue_host_stream_new(tz.host, tz.u8, &r, &w) == FLUE_OK)
		args.v[1] = r;
	if ((b & 0xF0u) == 0xF0u)
		args.n = 0; /* the host's mistake: resolved without a value */
	int rc = flue_invoke_blocking(&tz.ex[g][e], tz.host, &args, &res);
	tz_trace("  blocking invocation of g%d/e%d -> %d\n", g, e, rc);
	TZ_CHECK(rc == FLUE_OK || rc == FLUE_ECANCELED || rc == FLUE_EBUSY);
	if (rc == FLUE_OK)
		TZ_CHECK(args.n == ft->nparams && res.n == 1u);
	/* A stream result is a host end; the harness, as the host, may have
	 * dropped it already (the idle hook operates on any host end), so
	 * only its range is known here. */
	if (rc == FLUE_OK && ft->result->kind == FLUE_VAL_STREAM)
		TZ_CHECK(res.v[0] < tz.host->len);
}

/* ----------------------------------------------------------------- final */

void tz_ext_final(void)
{
	const struct flue_store *s = &tz.store;
	tz_hcalls_refresh();
	for (int i = 0; i < MAX_INV; i++)
		if (tz.inv[i].live)
			TZ_DIE("invocation of g%d/e%d never resolved", tz.inv[i].g, tz.inv[i].e);
	for (int i = 0; i < MAX_HCALL; i++)
		if (tz.hc[i].live)
			TZ_DIE("host call %u still pending after every instance died", tz.hc[i].call);
	if (s->sched.posted != 0u || s->sched.inv_count != 0u || s->sched.ncancel != 0u)
		TZ_DIE("posts left: %u returns, %u invocations, %u cancellations", s->sched.posted,
		       s->sched.inv_count, s->sched.ncancel);
	TZ_CHECK(ngiven == 0u && tz.h0_wait == 0u);
	uint32_t n = tz.ndead < NDEAD ? tz.ndead : NDEAD;
	for (uint32_t i = 0; i < n; i++)
		check_stale(tz.dead[i], (uint8_t)i);
}
