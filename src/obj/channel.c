/*
 * Typed driver channels. The ring is shared with interrupt handlers and
 * other threads: every access to it happens inside flue_port_lock(), and
 * the host side does nothing else but flue_port_wake(). Guest state (ends,
 * events) is only touched by the executor: directly in a guest op, or in
 * flue_store_pump() after a wake. Ring indices come from Gale's msgq
 * decisions, one element at a time.
 */
#include <string.h>

#include <flue/channel.h>
#include <flue/port.h>
#include <gale/gale_msgq.h>
#include "obj.h"

int flue_channel_init(struct flue_channel *c, void *buf, uint32_t elem_size,
		      uint32_t capacity)
{
	uint32_t bytes;
	/* A unit channel (elem_size 0) has no bytes to hold: only its count
	 * lives in the ring, so it takes no buffer (msgq's validation asks for
	 * a message size, which a unit does not have). */
	bool unit_ok = elem_size == 0u && buf == 0 && capacity != 0u;
	if (c == 0 ||
	    (!unit_ok && (buf == 0 || gale_msgq_init_validate(elem_size, capacity, &bytes) != 0)))
		return FLUE_EINVAL;
	memset(c, 0, sizeof *c);
	c->buf = buf;
	c->elem_size = elem_size;
	c->capacity = capacity;
	return FLUE_OK;
}

/* A ring flue_channel_init() (or FLUE_CHANNEL_DEFINE) set up. */
static bool ring_ok(const struct flue_channel *c)
{
	return c->capacity != 0u && (c->elem_size == 0u ? c->buf == 0 : c->buf != 0);
}

/* Copy one element between the ring and a caller. Callers skip it for a
 * unit ring: no slot address is ever formed from its NULL buffer. */
static void elem_copy(const struct flue_channel *c, const struct flue_type_info *t,
		      uint8_t *dst, const uint8_t *src)
{
	if (t != 0)
		flue_copy_elems(t, dst, src, 1);
	else
		memcpy(dst, src, c->elem_size);
}

/* A new guest end starts a new stream: what was sent to a previous guest
 * (whose end was dropped) is never read by this one, and both sides are
 * open again. Under the lock: the host side may still be calling in. */
static void ring_reset(struct flue_channel *c)
{
	flue_port_key_t key = flue_port_lock();
	c->read_idx = c->write_idx = c->used = 0;
	c->host_closed = false;
	c->guest_closed = false;
	flue_port_unlock(key);
}

int flue_channel_attach(struct flue_channel *c, struct flue_instance *inst, flue_type_t t,
			bool to_guest, bool as_future, uint32_t *end)
{
	uint32_t r, w;
	if (c == 0 || !ring_ok(c) || c->store != 0 || !flue_instance_ok(inst) || end == 0)
		return FLUE_EINVAL;
	const struct flue_type_info *ti = flue_type_get(inst->store, t);
	if (ti == 0 || ti->size != c->elem_size || ti->desc.kind == FLUE_TYPE_GRAPH)
		return FLUE_EINVAL; /* a channel moves raw bytes */
	if (as_future && (!to_guest || c->capacity != 1u))
		return FLUE_EINVAL;
	int rc = flue_shared_new(inst, t, as_future, &r, &w);
	if (rc != FLUE_OK)
		return rc;
	ring_reset(c);
	struct flue_store *s = inst->store;
	uint16_t si = inst->handles[r].u.end.shared;
	struct flue_shared *sh = &s->shared[si];
	/* The guest keeps one end; the channel is the other side. */
	uint32_t host_side = to_guest ? w : r;
	flue_table_remove(inst, host_side);
	if (to_guest)
		sh->writer_inst = FLUE_REF_NONE;
	else
		sh->reader_inst = FLUE_REF_NONE;
	sh->has_channel = true;
	c->to_guest = to_guest;
	c->future = as_future;
	c->store = s;
	c->shared = si;
	c->next = s->channels;
	s->channels = c;
	*end = to_guest ? r : w;
	return FLUE_OK;
}

/* Ring helpers: call with the port lock held. */
static uint32_t ring_put(struct flue_channel *c, const struct flue_type_info *t,
			 const uint8_t *src, uint32_t n)
{
	uint32_t k = 0;
	for (; k < n; k++) {
		struct gale_msgq_put_decision d =
			gale_k_msgq_put_decide(c->write_idx, c->used, c->capacity, 0, 1);
		if (d.action != GALE_MSGQ_ACTION_PUT_OK)
			break;
		if (c->elem_size != 0u)
			elem_copy(c, t, c->buf + (size_t)c->write_idx * c->elem_size,
				  src + (size_t)k * c->elem_size);
		c->write_idx = d.new_write_idx;
		c->used = d.new_used;
	}
	return k;
}

static uint32_t ring_get(struct flue_channel *c, const struct flue_type_info *t,
			 uint8_t *dst, uint32_t n)
{
	uint32_t k = 0;
	for (; k < n; k++) {
		struct gale_msgq_get_decision d =
			gale_k_msgq_get_decide(c->read_idx, c->used, c->capacity, 0, 1);
		if (d.action != GALE_MSGQ_ACTION_GET_OK)
			break;
		if (c->elem_size != 0u)
			elem_copy(c, t, dst + (size_t)k * c->elem_size,
				  c->buf + (size_t)c->read_idx * c->elem_size);
		c->read_idx = d.new_read_idx;
		c->used = d.new_used;
	}
	return k;
}

int32_t flue_channel_put(struct flue_channel *c, const void *elems, uint32_t n)
{
	if (c == 0 || n == 0u || !c->to_guest || (elems == 0 && c->elem_size != 0u))
		return FLUE_EINVAL;
	flue_port_key_t key = flue_port_lock();
	int32_t rc;
	if (c->guest_closed) {
		rc = FLUE_EPIPE;
	} else {
		uint32_t k = ring_put(c, 0, elems, n);
		rc = k > 0u ? (int32_t)k : FLUE_EAGAIN;
	}
	flue_port_unlock(key);
	return rc;
}

int32_t flue_channel_send(struct flue_channel *c, const void *elems, uint32_t n)
{
	int32_t rc = flue_channel_put(c, elems, n);
	if (rc > 0)
		flue_port_wake();
	return rc;
}

int32_t flue_channel_recv(struct flue_channel *c, void *elems, uint32_t n)
{
	if (c == 0 || n == 0u || c->to_guest || (elems == 0 && c->elem_size != 0u))
		return FLUE_EINVAL;
	flue_port_key_t key = flue_port_lock();
	uint32_t k = ring_get(c, 0, elems, n);
	int32_t rc = k > 0u ? (int32_t)k : (c->guest_closed ? FLUE_EPIPE : FLUE_EAGAIN);
	flue_port_unlock(key);
	if (k > 0u)
		flue_port_wake(); /* room for a parked guest writer */
	return rc;
}

void flue_channel_mark_closed(struct flue_channel *c)
{
	flue_port_key_t key = flue_port_lock();
	c->host_closed = true;
	flue_port_unlock(key);
}

void flue_channel_close(struct flue_channel *c)
{
	if (c == 0)
		return; /* documented no-op */
	flue_channel_mark_closed(c);
	flue_port_wake();
}

bool flue_channels_open(const struct flue_store *s)
{
	bool open = false;
	flue_port_key_t key = flue_port_lock(); /* host_closed: written by drivers */
	for (const struct flue_channel *c = s->channels; c != 0 && !open; c = c->next)
		open = !c->host_closed && !c->internal;
	flue_port_unlock(key);
	return open;
}

struct flue_channel *flue_channel_of(const struct flue_store *s, uint16_t si)
{
	struct flue_channel *c = s->channels;
	while (c->shared != si) /* has_channel: it is on the list */
		c = c->next;
	return c;
}

/* The guest buffer of a parked op: its `remain` elements left in memory.
 * False if they are not in memory now (an embedder shrank it under the
 * parked op: no guest code runs here to trap, so the op stays parked
 * until it is back). A unit stream moves no byte: its pointer is never
 * looked at (the reference checks none) and it needs no memory. */
static bool op_buffer(struct flue_instance *inst, const struct flue_shared *sh,
		      const struct flue_end *e, uint32_t remain, uint32_t size, uint8_t **buf)
{
	*buf = size == 0u || remain == 0u
		       ? 0
		       : flue_mem_elems(inst, sh->ptr, e->progress, remain, size);
	return *buf != 0 || size == 0u || remain == 0u;
}

/* Serve the guest op of end (inst, idx) from the ring as far as possible;
 * its buffer is the shared object's (ptr, len). Returns true if the op
 * completed (its event is set). Lock held. */
static bool serve(struct flue_channel *c, struct flue_instance *inst, uint32_t idx)
{
	struct flue_end *e = &inst->handles[idx].u.end;
	const struct flue_shared *sh = &c->store->shared[c->shared];
	const struct flue_type_info *t = flue_type_get(inst->store, sh->type);
	uint32_t remain = sh->len - e->progress;
	uint8_t result = FLUE_RESULT_COMPLETED;
	uint32_t k;

	if (c->to_guest) {
		if (c->used == 0u) {
			if (!c->host_closed)
				return false;
			result = FLUE_RESULT_DROPPED; /* drained, then end of stream */
			k = 0;
		} else {
			uint8_t *dst;
			if (!op_buffer(inst, sh, e, remain, t->size, &dst))
				return false;
			k = ring_get(c, t, dst, remain);
		}
	} else {
		if (c->host_closed) {
			result = FLUE_RESULT_DROPPED;
			k = 0;
		} else if (c->used == c->capacity) {
			return false;
		} else {
			uint8_t *src;
			if (!op_buffer(inst, sh, e, remain, t->size, &src))
				return false;
			k = ring_put(c, t, src, remain);
		}
	}
	e->progress += k;
	e->ev_result = result & 3u; /* an enum flue_copy_result */
	e->ev_reclaim = false;
	flue_waitable_set_event(inst, idx);
	return true;
}

int flue_channel_copy(struct flue_instance *inst, uint32_t idx)
{
	uint16_t si = inst->handles[idx].u.end.shared;
	struct flue_shared *sh = &inst->store->shared[si];
	struct flue_channel *c = flue_channel_of(inst->store, si);
	flue_port_key_t key = flue_port_lock();
	if (!serve(c, inst, idx))
		sh->pending = c->to_guest ? FLUE_SIDE_READER : FLUE_SIDE_WRITER;
	flue_port_unlock(key);
	return FLUE_OK;
}

void flue_channel_guest_drop(struct flue_store *s, struct flue_channel *c)
{
	flue_port_key_t key = flue_port_lock();
	c->guest_closed = true;
	flue_port_unlock(key);
	/* A ring's other companion, if a guest holds it: its peer is gone.
	 * No wake: this runs on the executor's thread, whose loop pumps the
	 * companions before it idles (a wake would cost the embedder's loop
	 * a turn). A driver's side has no companion attached. */
	if (c->linked != 0 && c->linked->store != 0)
		flue_channel_mark_closed(c->linked);
	for (struct flue_channel **pp = &s->channels; *pp != 0; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->store = 0;
}

bool flue_channel_peer_gone(struct flue_channel *c)
{
	flue_port_key_t key = flue_port_lock();
	bool gone = c->host_closed && (!c->to_guest || c->used == 0u);
	flue_port_unlock(key);
	return gone;
}

/* #720 for a channel: once the host side is gone (closed, and drained
 * towards the guest), an idle guest end is told at once, so a guest that
 * waits on it in a set does not wait forever. */
static void notify_if_gone(struct flue_store *s, struct flue_channel *c,
			   struct flue_shared *sh)
{
	struct flue_end_ref r =
		flue_shared_ref(sh, c->to_guest ? FLUE_SIDE_READER : FLUE_SIDE_WRITER);
	if (r.inst < FLUE_CONFIG_MAX_INSTANCES && flue_channel_peer_gone(c))
		flue_end_peer_gone(&s->instances[r.inst], r.handle);
}

void flue_store_pump(struct flue_store *s)
{
	if (s == 0)
		return; /* documented no-op */
	for (struct flue_channel *c = s->channels; c != 0; c = c->next) {
		struct flue_shared *sh = &s->shared[c->shared];
		if (sh->pending == FLUE_SIDE_NONE) {
			notify_if_gone(s, c, sh);
			continue;
		}
		struct flue_end_ref r =
			flue_shared_ref(sh, c->to_guest ? FLUE_SIDE_READER : FLUE_SIDE_WRITER);
		struct flue_instance *inst = &s->instances[r.inst];
		flue_port_key_t key = flue_port_lock();
		if (serve(c, inst, r.handle))
			sh->pending = FLUE_SIDE_NONE;
		flue_port_unlock(key);
	}
}
