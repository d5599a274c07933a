/*
 * The outside world of the task fuzzer (see fuzz_tasks.c): the host
 * functions h0 (answers inside its start) and h1 (stays pending), the
 * host's stream ends, and the wrapper of flue_port_idle() through which
 * this harness acts as the host thread whenever the executor would sleep.
 */
#include <string.h>

#include <flue/errno.h>

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

void tz_hf_start(void *user, flue_call_t call, const struct flue_values *args)
{
	tz_stats.host_calls++;
	TZ_CHECK(args->n == 1u);
	if (user == &tz.hf[0]) {
		struct flue_values v = { 1, { (uint32_t)(args->v[0] + 1u) } };
		TZ_CHECK(flue_host_return(&tz.store, call, &v) == FLUE_OK);
		return;
	}
	TZ_CHECK(find_hcall(call) == NULL);
	for (int i = 0; i < MAX_HCALL; i++) {
		if (!tz.hc[i].live) {
			tz.hc[i] = (struct hcall){ .live = true, .call = call,
						   .arg = (uint32_t)args->v[0] };
			return;
		}
	}
	TZ_DIE("more pending host calls than tasks");
}

void tz_hf_cancel(void *user, flue_call_t call)
{
	(void)user;
	struct hcall *h = find_hcall(call);
	if (h == NULL)
		TZ_DIE("cancel of host call %u, which is not pending", call);
	TZ_CHECK(!h->cancel_req);
	h->cancel_req = true;
}

/* Answer pending host call h: directly (top level) or posted (idle hook). */
void tz_answer(struct hcall *h, bool direct, bool cancel)
{
	struct flue_values v = { 1, { h->arg ^ 0x55u } };
	tz_trace("  host answers call %u (%s)\n", h->call, cancel ? "cancelled" : "value");
	if (!direct) {
		TZ_CHECK(flue_host_post_return(&tz.store, h->call, &v) == FLUE_OK);
		h->live = false;
		return;
	}
	h->live = false;
	if (cancel && h->cancel_req)
		TZ_CHECK(flue_host_cancelled(&tz.store, h->call) == FLUE_OK);
	else if (cancel)
		TZ_CHECK(flue_host_cancelled(&tz.store, h->call) == FLUE_EPERM &&
			 flue_host_return(&tz.store, h->call, &v) == FLUE_OK);
	else
		TZ_CHECK(flue_host_return(&tz.store, h->call, &v) == FLUE_OK);
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
	uint32_t lim = op % 5u < 2u || !tz_host_end(e) ? n : h->handles[e].u.end.len;
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
	for (int i = 0; i < MAX_HCALL; i++) {
		if (tz.hc[i].live) {
			tz_answer(&tz.hc[i], direct, direct);
			acted = true;
		}
	}
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

/* The executor would sleep: the host (this harness) acts instead. */
void __wrap_flue_port_idle(void)
{
	tz_stats.idles++;
	tz.idles++;
	tz_trace("  idle\n");
	bool acted = false;
	if (!tz.winding_down && tz.idles <= 16u && tz_more()) {
		uint8_t op = tz_u8(), b = tz_u8();
		for (int i = 0; i < MAX_HCALL && op % 4u == 0u && !acted; i++) {
			struct hcall *h = &tz.hc[(b + i) % MAX_HCALL];
			if (h->live) {
				tz_answer(h, false, false);
				acted = true;
			}
		}
		if (!acted)
			acted = tz_host_end_op(op, b);
	}
	if (!acted && !tz_wind_down_host(false))
		TZ_DIE("idle, and the outside world has nothing left to do");
}

