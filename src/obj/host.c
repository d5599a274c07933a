/*
 * Rendezvous host ends and end transfer. A host is an instance whose memory
 * is its own arena, so every rendezvous path is the guests' path.
 */
#include <flue/host.h>
#include "obj.h"

#define MAX_LENGTH ((1u << 28) - 1u)

int flue_host_create(struct flue_store *s, void *arena, uint32_t size,
		     struct flue_instance **out)
{
	struct flue_instance *inst;
	if (arena == 0 || out == 0)
		return FLUE_EINVAL;
	int rc = flue_instance_create(s, &inst);
	if (rc != FLUE_OK)
		return rc;
	inst->host_data = arena;
	inst->host_size = size;
	/* no allocator yet (an earlier host's, in this slot, goes), UTF-8 */
	s->host_opts[inst->id] = (struct flue_string_opts){ 0, 0, FLUE_STRING_UTF8 };
	flue_instance_set_memory(inst, &inst->host_data, &inst->host_size);
	*out = inst;
	return FLUE_OK;
}

int flue_host_set_realloc(struct flue_instance *host, flue_realloc_fn realloc, void *user)
{
	if (!flue_instance_ok(host) || host->host_data == 0)
		return FLUE_EINVAL;
	host->store->host_opts[host->id].realloc = realloc;
	host->store->host_opts[host->id].user = user;
	return FLUE_OK;
}

static int host_new(struct flue_instance *host, flue_type_t t, bool future, uint32_t *r,
		    uint32_t *w)
{
	const struct flue_type_info *ti = flue_instance_ok(host) ? flue_type_get(host->store, t) : 0;
	if (ti == 0 || r == 0 || w == 0)
		return FLUE_EINVAL;
	return flue_shared_new(host, t, future, r, w);
}

int flue_host_stream_new(struct flue_instance *host, flue_type_t t, uint32_t *readable,
			 uint32_t *writable)
{
	return host_new(host, t, false, readable, writable);
}

int flue_host_future_new(struct flue_instance *host, flue_type_t t, uint32_t *readable,
			 uint32_t *writable)
{
	return host_new(host, t, true, readable, writable);
}

/* The stream/future end `e` of a live host, or NULL (the callers have
 * checked flue_instance_ok(host) first: a destroyed host is EINVAL). */
static struct flue_end *host_end(struct flue_instance *host, uint32_t e, bool *future,
				 bool *readable)
{
	struct flue_handle *h = flue_table_get(host, e);
	if (h == 0 || flue_waitable_of(h) == 0)
		return 0;
	*future = h->kind == FLUE_H_FUTURE_READABLE || h->kind == FLUE_H_FUTURE_WRITABLE;
	*readable = h->kind == FLUE_H_STREAM_READABLE || h->kind == FLUE_H_FUTURE_READABLE;
	return &h->u.end;
}

static void outcome(struct flue_instance *host, uint32_t e, struct flue_host_outcome *out)
{
	struct flue_end *end = &host->handles[e].u.end;
	out->done = end->w.has_event;
	out->result = 0;
	out->progress = 0;
	if (out->done) {
		struct flue_event ev = flue_end_deliver(host, e);
		out->result = ev.result;
		out->progress = ev.progress;
	}
}

static int copy_check(struct flue_instance *host, uint32_t e, const void *buf, uint32_t *n,
		      bool want_readable, struct flue_copy_args *args, uint32_t *off)
{
	bool future, readable;
	if (!flue_instance_ok(host))
		return FLUE_EINVAL;
	struct flue_end *end = host_end(host, e, &future, &readable);
	if (end == 0 || readable != want_readable)
		return FLUE_EBADF;
	if (end->state != FLUE_END_IDLE)
		return FLUE_EBUSY;
	if (future)
		*n = 1;
	if (*n > MAX_LENGTH)
		return FLUE_EINVAL;
	*args = (struct flue_copy_args){
		flue_type_get(host->store, host->store->shared[end->shared].type), 0, true,
	};
	*off = 0;
	if (args->t->size != 0 && *n > 0u) {
		/* Integer addresses: comparing unrelated pointers is undefined. */
		uintptr_t p = (uintptr_t)buf, base = (uintptr_t)host->host_data;
		if (p < base || p - base > host->host_size)
			return FLUE_EINVAL;
		*off = (uint32_t)(p - base);
		if (*off % args->t->align != 0u)
			return FLUE_EINVAL;
		args->buf = flue_mem_range(host, *off, (uint64_t)*n * args->t->size);
		if (args->buf == 0)
			return FLUE_EINVAL;
	}
	return FLUE_OK;
}

void flue_host_copy_outcome(struct flue_instance *host, uint32_t e, const struct flue_event *now,
			    struct flue_host_outcome *out)
{
	if (now->kind != FLUE_EVENT_NONE) {
		/* Completed at once: delivered already, never queued. */
		out->done = true;
		out->result = now->result;
		out->progress = now->progress;
		return;
	}
	outcome(host, e, out);
}

static int host_copy(struct flue_instance *host, uint32_t e, const void *buf, uint32_t n,
		     bool want_readable, struct flue_host_outcome *out)
{
	if (out == 0)
		return FLUE_EINVAL;
	struct flue_copy_args args;
	uint32_t off;
	int rc = copy_check(host, e, buf, &n, want_readable, &args, &off);
	if (rc != FLUE_OK)
		return rc;
	if (args.t->desc.kind == FLUE_TYPE_GRAPH) {
		/* values: the value layer's (installed with the graph type) */
		struct flue_host_values v = { args, off, n };
		struct flue_store *s = host->store;
		return s->host_values != 0 ? s->host_values(host, e, &v, want_readable, out)
					   : FLUE_ENOTSUP;
	}
	/* EPERM: the same-instance rule; EINVAL: a parked guest buffer this
	 * op would move bytes with left its memory. Nothing changed. */
	struct flue_event now;
	rc = flue_end_copy_op(host, e, off, n, &args, &now);
	if (rc == FLUE_OK)
		flue_host_copy_outcome(host, e, &now, out);
	return rc;
}

int flue_host_read(struct flue_instance *host, uint32_t e, void *buf, uint32_t n,
		   struct flue_host_outcome *out)
{
	return host_copy(host, e, buf, n, true, out);
}

int flue_host_write(struct flue_instance *host, uint32_t e, const void *buf, uint32_t n,
		    struct flue_host_outcome *out)
{
	return host_copy(host, e, buf, n, false, out);
}

int flue_host_poll(struct flue_instance *host, uint32_t e, struct flue_host_outcome *out)
{
	bool future, readable;
	if (!flue_instance_ok(host) || out == 0)
		return FLUE_EINVAL;
	struct flue_end *end = host_end(host, e, &future, &readable);
	if (end == 0)
		return FLUE_EBADF;
	/* An idle end may hold the one-shot notification that its peer was
	 * dropped (#720): polling delivers it (DROPPED, progress 0; the end is
	 * then done). */
	bool notified = end->state == FLUE_END_IDLE && end->w.has_event;
	if (end->state != FLUE_END_COPYING && end->state != FLUE_END_CANCELLING && !notified)
		return FLUE_EINVAL;
	outcome(host, e, out);
	return FLUE_OK;
}

int flue_host_cancel(struct flue_instance *host, uint32_t e, struct flue_host_outcome *out)
{
	bool future, readable;
	if (!flue_instance_ok(host) || out == 0)
		return FLUE_EINVAL;
	struct flue_end *end = host_end(host, e, &future, &readable);
	if (end == 0)
		return FLUE_EBADF;
	if (end->state != FLUE_END_COPYING)
		return FLUE_EINVAL;
	flue_end_cancel(host, e);
	outcome(host, e, out);
	return FLUE_OK;
}

int flue_host_drop(struct flue_instance *host, uint32_t e)
{
	bool future, readable;
	if (!flue_instance_ok(host))
		return FLUE_EINVAL;
	struct flue_end *end = host_end(host, e, &future, &readable);
	if (end == 0)
		return FLUE_EBADF;
	if (end->state == FLUE_END_COPYING || end->state == FLUE_END_CANCELLING)
		return FLUE_EBUSY;
	if (future && !readable && end->state != FLUE_END_DONE)
		return FLUE_EBUSY;
	flue_end_drop(host, e);
	return FLUE_OK;
}

int flue_end_transfer(struct flue_instance *from, uint32_t e, flue_type_t t,
		      struct flue_instance *to, uint32_t *out)
{
	/* Both live, in one store: the end names a shared object of `from`'s
	 * store, and a dead table would be reused by the slot's next instance. */
	if (!flue_instance_ok(from) || !flue_instance_ok(to) || from->store != to->store ||
	    out == 0)
		return FLUE_EINVAL;
	struct flue_handle *h = flue_table_get(from, e);
	if (h == 0 || (h->kind != FLUE_H_STREAM_READABLE && h->kind != FLUE_H_FUTURE_READABLE))
		return FLUE_EBADF;
	struct flue_end *end = &h->u.end;
	struct flue_shared *sh = &from->store->shared[end->shared];
	if (sh->type != t)
		return FLUE_EBADF;
	if (end->state != FLUE_END_IDLE || end->w.wset != 0)
		return FLUE_EBUSY;
	/* Room in `to` counting the slot `from` frees when from == to. */
	if (flue_table_room(to) == 0u && from != to)
		return FLUE_ENOSPC;
	uint8_t kind = h->kind;
	uint16_t si = end->shared;
	flue_table_remove(from, e);
	uint32_t ni = flue_table_add(to, kind);
	to->handles[ni].u.end.shared = si;
	flue_shared_set_ref(sh, FLUE_SIDE_READER, to->id, ni);
	flue_end_arrived(to, ni); /* an undelivered drop notification moves along */
	*out = ni;
	return FLUE_OK;
}
