/*
 * The outside world of the task fuzzer (see fuzz_tasks.c): the host
 * functions h0 (answers inside its start, after a flue_wait_until when its
 * argument is 7 mod 8), h1 (stays pending) and h2 (stays pending; its
 * result is a stream end, so it cannot be posted), the
 * host's stream ends, and the wrapper of flue_port_idle() through which
 * this harness acts as the host thread whenever the executor would sleep.
 */
#include <string.h>

#include <flue/errno.h>
#include <flue/port.h>

#include "fuzz_tasks.h"

void __wrap_flue_port_idle(void);

/* ---------------------------------------------------- host functions */

static struct hcall *find_hcall(flue_call_t call)
{
	for (int i = 0; i < MAX_HCALL; i++)
		if (tz.hc[i].live && tz.hc[i].call == call)
			return &tz.hc[i];
	return NULL;
}

/* Ready at its second poll: the wait really suspends the call's fiber. */
static bool h0_ready(void *arg)
{
	(void)arg;
	return ++tz.h0_polls >= 2u;
}

static void h0_start(flue_call_t call, uint64_t arg)
{
	struct flue_values v = { 1, { (uint32_t)(arg + 1u) } };
	if ((arg & 7u) == 7u && tz.h0_wait == 0u) {
		tz.h0_wait = call;
		tz.h0_polls = 0;
		tz_stats.waits++;
		bool cancelled = flue_wait_until(&tz.store, h0_ready, NULL, true);
		tz.h0_wait = 0;
		tz_trace("  h0 call %u: wait_until -> %d\n", call, cancelled);
		if (cancelled) {
			TZ_CHECK(flue_host_cancelled(&tz.store, call) == FLUE_OK);
			tz_dead(call);
			return;
		}
	}
	TZ_CHECK(flue_host_return(&tz.store, call, &v) == FLUE_OK);
	tz_dead(call);
}

void tz_hf_start(void *user, flue_call_t call, const struct flue_values *args)
{
	tz_stats.host_calls++;
	TZ_CHECK(args->n == 1u);
	if (user == &tz.hf[0]) {
		h0_start(call, args->v[0]);
		return;
	}
	TZ_CHECK(find_hcall(call) == NULL);
	for (int i = 0; i < MAX_HCALL; i++) {
		if (!tz.hc[i].live) {
			tz.hc[i] = (struct hcall){ .live = true, .call = call,
						   .arg = (uint32_t)args->v[0],
						   .ends = user == &tz.hf[2] };
			return;
		}
	}
	TZ_DIE("more pending host calls than tasks");
}

void tz_hf_cancel(void *user, flue_call_t call)
{
	(void)user;
	if (call == tz.h0_wait && call != 0u)
		return; /* the cancellation wakes its flue_wait_until */
	struct hcall *h = find_hcall(call);
	if (h == NULL)
		TZ_DIE("cancel of host call %u, which is not pending", call);
	TZ_CHECK(!h->cancel_req);
	h->cancel_req = true;
}

void tz_hcalls_refresh(void)
{
	for (int i = 0; i < MAX_HCALL; i++) {
		struct hcall *h = &tz.hc[i];
		if (h->live && h->posted && !tz_call_pending(h->call)) {
			h->live = false; /* the executor applied the post */
			tz_dead(h->call);
		}
	}
}

/* h2's value: a fresh host stream's readable end, after two refused
 * answers (its writable end; no value); false if no stream can be made. */
static bool answer_ends(struct hcall *h)
{
	struct flue_store *s = &tz.store;
	uint32_t r = 0, w = 0;
	if (flue_host_stream_new(tz.host, tz.u8, &r, &w) != FLUE_OK) {
		for (uint32_t e = 1; e < tz.host->len; e++)
			if (tz_host_end(e) && !tz_host_busy(e))
				(void)flue_host_drop(tz.host, e);
		if (flue_host_stream_new(tz.host, tz.u8, &r, &w) != FLUE_OK) {
			/* The guests hold every shared object (or fill the host's
			 * table): this host cannot produce the result now. A real
			 * resource limit, not an executor fault (drain, wind_down). */
			tz.answer_nomem = true;
			return false;
		}
	}
	struct flue_values bad = { 1, { w } }, none = { 0, { 0 } }, v = { 1, { r } };
	TZ_CHECK(flue_host_return(s, h->call, &bad) == FLUE_EINVAL);
	TZ_CHECK(flue_host_return(s, h->call, &none) == FLUE_EINVAL);
	TZ_CHECK(flue_host_return(s, h->call, NULL) == FLUE_EINVAL);
	TZ_CHECK(flue_host_post_return(s, h->call, &v) == FLUE_EINVAL);
	TZ_CHECK(tz_call_pending(h->call)); /* refused answers changed nothing */
	TZ_CHECK(flue_host_return(s, h->call, &v) == FLUE_OK);
	TZ_CHECK(tz.host->handles[r].kind == FLUE_H_FREE); /* handed over */
	return true;
}

/* Answer pending host call h: directly (top level) or posted (idle hook);
 * false if nothing was done. A call with ends cannot be posted: the idle
 * hook answers it directly (but see check_not_ends_only). */
bool tz_answer(struct hcall *h, bool direct, bool cancel)
{
	struct flue_values v = { 1, { h->arg ^ 0x55u } };
	tz_trace("  host answers call %u (%s%s)\n", h->call, cancel ? "cancelled" : "value",
		 direct ? "" : ", posted");
	if (!direct && !h->ends) {
		if (h->posted)
			return false;
		TZ_CHECK(flue_host_post_return(&tz.store, h->call, &v) == FLUE_OK);
		h->posted = true;
		return true;
	}
	if (cancel && h->cancel_req) {
		TZ_CHECK(flue_host_cancelled(&tz.store, h->call) == FLUE_OK);
	} else if (h->ends) {
		if (cancel)
			TZ_CHECK(flue_host_cancelled(&tz.store, h->call) == FLUE_EPERM);
		if (!answer_ends(h))
			return false;
	} else if (cancel) {
		TZ_CHECK(flue_host_cancelled(&tz.store, h->call) == FLUE_EPERM &&
			 flue_host_return(&tz.store, h->call, &v) == FLUE_OK);
	} else {
		TZ_CHECK(flue_host_return(&tz.store, h->call, &v) == FLUE_OK);
	}
	h->live = false;
	tz_dead(h->call);
	return true;
}

/* ---------------------------------------------------------- host ends */

bool tz_host_end(uint32_t e)
{
	uint8_t k = e < tz.host->len ? tz.host->handles[e].kind : FLUE_H_FREE;
	return k == FLUE_H_STREAM_READABLE || k == FLUE_H_STREAM_WRITABLE;
}

static uint32_t pick_host_end(uint8_t b)
{
	uint32_t cand[FLUE_CONFIG_MAX_HANDLES], n = 0;
	for (uint32_t i = 1; i < tz.host->len; i++)
		if (tz_host_end(i))
			cand[n++] = i;
	if (n == 0u || b >= 0xF8u)
		return b % 8u;
	return cand[b % n];
}

bool tz_host_busy(uint32_t e)
{
	uint8_t st = tz.host->handles[e].u.end.state;
	return st == FLUE_END_COPYING || st == FLUE_END_CANCELLING;
}

/* One op on a host end; true if it changed something. */
bool tz_host_end_op(uint8_t op, uint8_t b)
{
	struct flue_instance *h = tz.host;
	uint32_t e = pick_host_end(b);
	uint32_t n = 1u + (op >> 3) % 32u;
	/* poll/cancel: bounded by the op in progress */
	uint32_t lim = op % 5u < 2u || !tz_host_end(e) ? n : tz.host_op_len[e];
	struct flue_host_outcome out;
	int rc;
	switch (op % 5u) {
	case 0: rc = flue_host_write(h, e, tz_arena + 16u * (b % 16u), n, &out); break;
	case 1: rc = flue_host_read(h, e, tz_arena + 512u + 16u * (b % 16u), n, &out); break;
	case 2: rc = flue_host_poll(h, e, &out); break;
	case 3: rc = flue_host_cancel(h, e, &out); break;
	default: rc = flue_host_drop(h, e); break;
	}
	tz_trace("  host end %u op %u n %u -> %d\n", e, op % 5u, n, rc);
	if (rc == FLUE_OK && op % 5u < 2u)
		tz.host_op_len[e] = n; /* the op started */
	TZ_CHECK(rc == FLUE_OK || rc == FLUE_EBADF || rc == FLUE_EBUSY || rc == FLUE_EINVAL ||
		 rc == FLUE_EPERM);
	if (rc == FLUE_OK && op % 5u < 4u && out.done)
		TZ_CHECK(out.result <= FLUE_RESULT_CANCELLED && out.progress <= lim);
	return rc == FLUE_OK;
}

/* The host gives up: answers every call, drops every end it can. */
bool tz_wind_down_host(bool direct)
{
	bool acted = false;
	tz.answer_nomem = false; /* says what this attempt found */
	tz_hcalls_refresh();
	for (int i = 0; i < MAX_HCALL; i++)
		if (tz.hc[i].live && tz_answer(&tz.hc[i], direct, direct))
			acted = true;
	if (tz_close_channels())
		acted = true;
	for (uint32_t e = 1; e < tz.host->len; e++) {
		if (!tz_host_end(e))
			continue;
		struct flue_host_outcome out;
		if (tz_host_busy(e))
			TZ_CHECK(flue_host_cancel(tz.host, e, &out) == FLUE_OK);
		if (!tz_host_busy(e)) {
			TZ_CHECK(flue_host_drop(tz.host, e) == FLUE_OK);
			acted = true;
		}
	}
	return acted;
}

/* A host call whose result carries ends can only be answered on the
 * executor thread (flue_host_post_return refuses it): if nothing else is
 * pending that another thread could deliver, the executor must not sleep
 * (at top level flue_run_until_idle says FLUE_EAGAIN, a nested loop traps
 * DEADLOCK; tests/exec/test_fuzz_found.c). */
static void check_not_ends_only(void)
{
	const struct flue_store *s = &tz.store;
	bool ends = false, other = tz_channels_linked() || s->sched.posted != 0u ||
				   s->sched.inv_count != 0u || s->sched.ncancel != 0u;
	for (int i = 0; i < MAX_HCALL; i++) {
		if (tz.hc[i].live && tz.hc[i].ends)
			ends = true;
		else if (tz.hc[i].live)
			other = true;
	}
	if (ends && !other) {
		TZ_DIE("the executor sleeps for a host call only it can resolve (result with ends)");
	}
}

/* The executor would sleep: the host (this harness) acts instead. */
void __wrap_flue_port_idle(void)
{
	tz_stats.idles++;
	tz.idles++;
	tz_trace("  idle\n");
	bool acted = false;
	tz_hcalls_refresh();
	check_not_ends_only();
	if (!tz.winding_down && tz.idles <= 16u && tz_more()) {
		uint8_t op = tz_u8(), b = tz_u8();
		for (int i = 0; i < MAX_HCALL && op % 4u == 0u && !acted; i++) {
			struct hcall *h = &tz.hc[(b + i) % MAX_HCALL];
			if (h->live && tz_answer(h, false, false))
				acted = true;
		}
		/* Another thread's driver: send, receive (true if data moved). */
		if (!acted && op % 4u == 1u)
			acted = tz_op_channel((uint8_t)(1u + (b & 1u)), b);
		if (!acted && op % 4u == 2u)
			tz_op_post_invoke(b, op); /* only a top-level step starts it */
		if (!acted)
			acted = tz_host_end_op(op, b);
	}
	/* The wind-down closes the channels: a closed channel keeps no loop
	 * waiting (tests/exec/test_exec_edge.c), so if even that changed
	 * nothing, the executor slept for nothing. */
	if (!acted && !tz_wind_down_host(false))
		TZ_DIE("idle, and the outside world has nothing left to do");
}

