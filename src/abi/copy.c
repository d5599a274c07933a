/*
 * stream.* and future.* built-ins: the reference's stream_copy, future_copy,
 * cancel_copy and drop, with their traps in the reference's order. Every
 * check runs before the first state change (validate, then commit).
 */
#include "abi.h"

#define MAX_LENGTH ((1u << 28) - 1u)

static uint8_t kind_for(bool future, bool readable)
{
	if (future)
		return readable ? FLUE_H_FUTURE_READABLE : FLUE_H_FUTURE_WRITABLE;
	return readable ? FLUE_H_STREAM_READABLE : FLUE_H_STREAM_WRITABLE;
}

static uint64_t shared_new(struct flue_instance *inst, flue_type_t t, bool future)
{
	uint32_t r, w;
	abi_enter(inst);
	if (flue_type_get(inst->store, t) == 0)
		flue_trap(inst, FLUE_TRAP_TYPE_MISMATCH, 0);
	int rc = flue_shared_new(inst, t, future, &r, &w);
	if (rc == FLUE_ENOSPC)
		flue_trap(inst, FLUE_TRAP_TABLE_FULL, 0);
	if (rc != FLUE_OK)
		flue_trap(inst, FLUE_TRAP_POOL_FULL, 0);
	return (uint64_t)r | (uint64_t)w << 32;
}

uint64_t flue_canon_stream_new(struct flue_instance *inst, flue_type_t t)
{
	return shared_new(inst, t, false);
}

uint64_t flue_canon_future_new(struct flue_instance *inst, flue_type_t t)
{
	return shared_new(inst, t, true);
}

/* The end of (kind, idx) with element type t, or trap. */
static struct flue_end *get_end(struct flue_instance *inst, uint32_t idx, uint8_t kind,
				flue_type_t t)
{
	struct flue_end *e = &abi_get(inst, idx, kind)->u.end;
	if (inst->store->shared[e->shared].type != t)
		flue_trap(inst, FLUE_TRAP_TYPE_MISMATCH, idx);
	return e;
}

static bool end_has_event(struct flue_instance *inst, uint32_t idx)
{
	return inst->handles[idx].u.end.w.has_event;
}

/* Deliver the end's event now (sync, or immediately available) and return
 * its packed payload: the caller's core result. */
static uint32_t finish(struct flue_instance *inst, uint32_t idx, bool async)
{
	struct flue_end *e = &inst->handles[idx].u.end;
	if (!e->w.has_event) {
		if (async)
			return FLUE_BLOCKED;
		e->w.sync_waiter = true;
		abi_block(inst, end_has_event, idx, idx);
		e->w.sync_waiter = false;
	}
	return abi_event_p2(flue_end_deliver(inst, idx));
}

/* `kind`: the end kind the built-in takes (eight parameters: the ninth
 * would go on the stack of every op). */
static uint32_t copy(struct flue_instance *inst, flue_type_t t, uint32_t opts,
		     const struct flue_string_opts *o, uint32_t idx, uint32_t ptr, uint32_t n,
		     uint8_t kind)
{
	bool async = (opts & FLUE_OPT_ASYNC) != 0u;
	abi_enter(inst);
	struct flue_end *e = get_end(inst, idx, kind, t);
	if (e->state != FLUE_END_IDLE)
		flue_trap(inst, FLUE_TRAP_NOT_IDLE, idx);
	if (e->w.wset != 0 && !async)
		flue_trap(inst, FLUE_TRAP_SYNC_IN_SET, idx);
	if (n > MAX_LENGTH)
		flue_trap(inst, FLUE_TRAP_LENGTH, idx);
	/* One type lookup and one range resolution for this side: the object
	 * layer moves the bytes through them (flue_end_copy_op). */
	struct flue_copy_args args = { flue_type_get(inst->store, t), 0, true };
	if (args.t->size != 0 && n > 0u) {
		/* Only typed, non-empty buffers are checked: unit streams ignore
		 * the pointer completely. */
		abi_need_memory(inst, idx);
		if (ptr % args.t->align != 0u)
			flue_trap(inst, FLUE_TRAP_MISALIGNED, idx);
		args.buf = flue_mem_range(inst, ptr, (uint64_t)n * args.t->size);
		if (args.buf == 0)
			flue_trap(inst, FLUE_TRAP_OUT_OF_BOUNDS, idx);
	}
	struct flue_event now;
	int rc = args.t->desc.kind == FLUE_TYPE_GRAPH
			 ? abi_copy_values(inst, idx, &args, ptr, n, o, &now)
			 : flue_end_copy_op(inst, idx, ptr, n, &args, &now);
	if (rc == FLUE_EPERM)
		flue_trap(inst, FLUE_TRAP_SAME_INSTANCE, idx);
	/* The peer's parked buffer left its memory (an embedder shrank it):
	 * this op would move the bytes, and nothing has changed yet. */
	if (rc != FLUE_OK)
		flue_trap(inst, FLUE_TRAP_OUT_OF_BOUNDS, idx);
	/* Completed at once: delivered already, without its waitable set. */
	if (now.kind != FLUE_EVENT_NONE)
		return abi_event_p2(now);
	return finish(inst, idx, async);
}

uint32_t flue_canon_stream_read(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				uint32_t e, uint32_t ptr, uint32_t n)
{
	return copy(inst, t, opts, 0, e, ptr, n, FLUE_H_STREAM_READABLE);
}

uint32_t flue_canon_stream_write(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				 uint32_t e, uint32_t ptr, uint32_t n)
{
	return copy(inst, t, opts, 0, e, ptr, n, FLUE_H_STREAM_WRITABLE);
}

uint32_t flue_canon_future_read(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				uint32_t e, uint32_t ptr)
{
	return copy(inst, t, opts, 0, e, ptr, 1, FLUE_H_FUTURE_READABLE);
}

uint32_t flue_canon_future_write(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				 uint32_t e, uint32_t ptr)
{
	return copy(inst, t, opts, 0, e, ptr, 1, FLUE_H_FUTURE_WRITABLE);
}

uint32_t flue_canon_stream_read_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				     const struct flue_string_opts *o, uint32_t e, uint32_t ptr,
				     uint32_t n)
{
	return copy(inst, t, opts, o, e, ptr, n, FLUE_H_STREAM_READABLE);
}

uint32_t flue_canon_stream_write_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				      const struct flue_string_opts *o, uint32_t e, uint32_t ptr,
				      uint32_t n)
{
	return copy(inst, t, opts, o, e, ptr, n, FLUE_H_STREAM_WRITABLE);
}

uint32_t flue_canon_future_read_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				     const struct flue_string_opts *o, uint32_t e, uint32_t ptr)
{
	return copy(inst, t, opts, o, e, ptr, 1, FLUE_H_FUTURE_READABLE);
}

uint32_t flue_canon_future_write_opts(struct flue_instance *inst, flue_type_t t, uint32_t opts,
				      const struct flue_string_opts *o, uint32_t e, uint32_t ptr)
{
	return copy(inst, t, opts, o, e, ptr, 1, FLUE_H_FUTURE_WRITABLE);
}

static uint32_t cancel(struct flue_instance *inst, flue_type_t t, uint32_t opts, uint32_t idx,
		       bool future, bool readable)
{
	bool async = (opts & FLUE_OPT_ASYNC) != 0u;
	abi_enter(inst);
	struct flue_end *e = get_end(inst, idx, kind_for(future, readable), t);
	if (e->state != FLUE_END_COPYING || e->w.sync_waiter)
		flue_trap(inst, e->state != FLUE_END_COPYING ? FLUE_TRAP_NOT_COPYING
							     : FLUE_TRAP_SYNC_WAITER, idx);
	if (e->w.wset != 0 && !async)
		flue_trap(inst, FLUE_TRAP_SYNC_IN_SET, idx);
	/* With an event already pending, delivery decides (#719): a stream
	 * reports CANCELLED with its progress, or DROPPED; a future keeps what
	 * it recorded (a completed future stays COMPLETED). */
	flue_end_cancel(inst, idx);
	return finish(inst, idx, async);
}

uint32_t flue_canon_stream_cancel_read(struct flue_instance *inst, flue_type_t t,
				       uint32_t opts, uint32_t e)
{
	return cancel(inst, t, opts, e, false, true);
}

uint32_t flue_canon_stream_cancel_write(struct flue_instance *inst, flue_type_t t,
					uint32_t opts, uint32_t e)
{
	return cancel(inst, t, opts, e, false, false);
}

uint32_t flue_canon_future_cancel_read(struct flue_instance *inst, flue_type_t t,
				       uint32_t opts, uint32_t e)
{
	return cancel(inst, t, opts, e, true, true);
}

uint32_t flue_canon_future_cancel_write(struct flue_instance *inst, flue_type_t t,
					uint32_t opts, uint32_t e)
{
	return cancel(inst, t, opts, e, true, false);
}

static void drop(struct flue_instance *inst, flue_type_t t, uint32_t idx, bool future,
		 bool readable)
{
	abi_enter(inst);
	uint8_t kind = kind_for(future, readable);
	struct flue_end *e = get_end(inst, idx, kind, t);
	/* Reference order: WritableFutureEnd.drop checks DONE before
	 * CopyEnd.drop checks copying, so a future writer mid-write traps
	 * FUTURE_NOT_DONE (tests/abi/test_traps2.c). */
	if (kind == FLUE_H_FUTURE_WRITABLE && e->state != FLUE_END_DONE)
		flue_trap(inst, FLUE_TRAP_FUTURE_NOT_DONE, idx);
	if (e->state == FLUE_END_COPYING || e->state == FLUE_END_CANCELLING)
		flue_trap(inst, FLUE_TRAP_DROP_WHILE_COPYING, idx);
	flue_end_drop(inst, idx);
}

void flue_canon_stream_drop_readable(struct flue_instance *inst, flue_type_t t, uint32_t e)
{
	drop(inst, t, e, false, true);
}

void flue_canon_stream_drop_writable(struct flue_instance *inst, flue_type_t t, uint32_t e)
{
	drop(inst, t, e, false, false);
}

void flue_canon_future_drop_readable(struct flue_instance *inst, flue_type_t t, uint32_t e)
{
	drop(inst, t, e, true, true);
}

void flue_canon_future_drop_writable(struct flue_instance *inst, flue_type_t t, uint32_t e)
{
	drop(inst, t, e, true, false);
}
