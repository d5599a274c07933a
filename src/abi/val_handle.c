/*
 * Handles inside values (val.h): own and borrow resource handles and
 * error contexts, lifted out of one instance and lowered into another
 * (definitions.py @ 6d28164: lift_own, lift_borrow, lift_error_context,
 * lower_own, lower_borrow, lower_error_context).
 *
 * Lifting an own handle removes it from the source's table. The move's
 * first pass marks it `lifted` as it checks (so a second use of it in the
 * same value fails as the reference's second remove does) and, once the
 * whole value has passed, frees the marked slots in the order the
 * reference removes them, keeping each rep in its free slot until the
 * lowering reads it (nothing is added to that table in between, except
 * when source and destination are one instance: val_move.c reads the
 * reps out first then). Lifting a borrow lends the handle to the call
 * (a lend record, obj/resource.c) until its resolution is delivered.
 */
#include <flue/resource.h>
#include "abi.h"
#include "../obj/resource.h"
#include "val.h"
#include "values.h"

/* lift_error_context: the table's get (a lifted own is gone), then the kind. */
static void error_context_at(struct flue_instance *inst, uint32_t i)
{
	if (flue_handle_at(inst, i)->kind != FLUE_H_ERROR_CONTEXT)
		flue_val_fail(inst, FLUE_TRAP_WRONG_KIND, i);
}

static struct flue_res *res_at(struct flue_instance *inst, const struct flue_tnode *n, uint32_t i)
{
	return flue_res_at(inst, (flue_rtype_t)n->arg, i);
}

static bool is_end_node(const struct flue_tnode *n)
{
	return n->kind == FLUE_VT_STREAM || n->kind == FLUE_VT_FUTURE;
}

/* lift_async_value: the table's get as lifting sees it (an own or end the
 * value lifted already is gone), then values.c's checks in the reference's
 * order (kind, element type, idle, not in a set); the end is marked. */
static void end_take(struct flue_instance *src, const struct flue_tnode *n, uint32_t i)
{
	struct flue_handle *h = flue_handle_at(src, i);
	uint8_t vk = n->kind == FLUE_VT_STREAM ? FLUE_VAL_STREAM : FLUE_VAL_FUTURE;
	int r = flue_values_check_end(src, vk, (flue_type_t)n->arg, i);
	if (r != 0)
		flue_val_fail(src, (enum flue_trap_reason)r, i);
	h->u.end.lifted = true;
}

void flue_vh_take(struct flue_instance *src, uint16_t task, const struct flue_tnode *n, uint32_t i)
{
	if (is_end_node(n)) {
		end_take(src, n, i);
		return;
	}
	if (n->kind == FLUE_VT_ERROR_CONTEXT) {
		error_context_at(src, i);
		return;
	}
	struct flue_res *r = res_at(src, n, i);
	if (n->kind == FLUE_VT_OWN) {
		if (r->lends != 0)
			flue_val_fail(src, FLUE_TRAP_RESOURCE_LENT, i);
		if (!r->own)
			flue_val_fail(src, FLUE_TRAP_NOT_OWN, i);
		r->lifted = true;
		return;
	}
	/* borrow: Subtask.add_lender */
	if (task == FLUE_TASK_NONE)
		flue_val_fail(src, FLUE_TRAP_BAD_VALUE, i); /* a borrow outside a call's params */
	if (flue_lend_add(src->store, task, src->id, i) != 0)
		flue_val_fail(src, FLUE_TRAP_POOL_FULL, i);
}

void flue_vh_release(struct flue_instance *src, uint32_t i, struct flue_instance *to)
{
	struct flue_handle *h = flue_table_get(src, i);
	if (h == 0)
		return;
	if (h->kind == FLUE_H_RESOURCE && h->u.res.lifted) {
		uint32_t rep = h->u.res.rep;
		flue_table_remove(src, i); /* the remove lift_own made, in its order */
		h->u.free.rep_kept = rep;
		return;
	}
	bool end = flue_kind_is_readable_end(h->kind);
	if (!end || !h->u.end.lifted)
		return;
	/* The remove lift_async_value made: in transit to `to`, which drops
	 * it if it goes away first (flue_instance_drop_ends), or to nobody
	 * yet (flue_vh_retag names the destination before the lowering,
	 * flue_vh_discard drops it if none follows). */
	uint16_t si = h->u.end.shared;
	struct flue_store *s = src->store;
	flue_shared_set_ref(&s->shared[si], FLUE_SIDE_READER, FLUE_REF_TRANSIT,
			    to != 0 ? (uint32_t)to->id + 1u : FLUE_TRANSIT_PENDING);
	flue_table_remove(src, i);
	h->u.free.rep_kept = si;
}

/* The shared object of end i that flue_vh_release took, or NULL (not a
 * slot it freed: nothing to do). */
static struct flue_shared *taken_end(struct flue_instance *src, uint32_t i)
{
	if (i == 0 || i >= src->len || src->handles[i].kind != FLUE_H_FREE)
		return 0;
	uint32_t si = src->handles[i].u.free.rep_kept; /* the caller named an end */
	if (si >= FLUE_CONFIG_MAX_SHARED)
		return 0;
	struct flue_shared *sh = &src->store->shared[si];
	return sh->reader_inst == FLUE_REF_TRANSIT ? sh : 0;
}

void flue_vh_retag(struct flue_instance *src, uint32_t i, struct flue_instance *to)
{
	struct flue_shared *sh = taken_end(src, i);
	if (sh != 0)
		sh->reader_handle = (uint16_t)(to->id + 1u);
}

void flue_vh_discard(struct flue_instance *src, uint32_t i)
{
	struct flue_shared *sh = taken_end(src, i);
	if (sh != 0)
		flue_shared_discard_transit(src->store, (uint16_t)(sh - src->store->shared));
}

void flue_vh_unmark(struct flue_instance *src, uint32_t i)
{
	struct flue_handle *h = flue_table_get(src, i);
	if (h != 0 && h->kind == FLUE_H_RESOURCE)
		h->u.res.lifted = false;
	if (h != 0 && flue_kind_is_readable_end(h->kind))
		h->u.end.lifted = false;
}

uint32_t flue_vh_rep(struct flue_instance *src, uint16_t task, const struct flue_tnode *n,
		     uint32_t i)
{
	(void)task;
	/* Read again, after the first pass: checked again, so that a value
	 * rewritten since (by its own instance's realloc) cannot reach
	 * outside the table. An own's slot is the free one its lift left. */
	if (n->kind == FLUE_VT_OWN || is_end_node(n)) {
		if (i == 0 || i >= src->len || src->handles[i].kind != FLUE_H_FREE)
			flue_val_fail(src, FLUE_TRAP_BAD_HANDLE, i);
		return src->handles[i].u.free.rep_kept;
	}
	if (n->kind == FLUE_VT_ERROR_CONTEXT) {
		error_context_at(src, i);
		return i;
	}
	return res_at(src, n, i)->rep;
}

static uint32_t add_or_trap(struct flue_instance *dst, uint8_t kind)
{
	uint32_t i = flue_table_add(dst, kind);
	if (i == 0)
		flue_val_fail(dst, FLUE_TRAP_TABLE_FULL, 0);
	return i;
}

uint32_t flue_vh_lower(struct flue_instance *dst, uint16_t task, const struct flue_tnode *n,
		       uint32_t rep)
{
	if (n->kind == FLUE_VT_ERROR_CONTEXT)
		return add_or_trap(dst, FLUE_H_ERROR_CONTEXT);
	if (is_end_node(n)) { /* lower_stream / lower_future */
		uint32_t e = flue_values_put_end(dst, n->kind == FLUE_VT_STREAM ? FLUE_VAL_STREAM
									 : FLUE_VAL_FUTURE,
						 (uint16_t)rep);
		if (e == 0)
			flue_val_fail(dst, FLUE_TRAP_TABLE_FULL, 0);
		return e;
	}
	struct flue_store *s = dst->store;
	bool own = n->kind == FLUE_VT_OWN;
	if (!own) {
		const struct flue_rtype *t = flue_rtype_get(s, (flue_rtype_t)n->arg);
		if (t != 0 && flue_rtype_impl_is(t, dst))
			return rep; /* lower_borrow into the implementation: the rep */
		if (task == FLUE_TASK_NONE) /* not reached: flue_vh_take trapped first */
			flue_val_fail(dst, FLUE_TRAP_BAD_VALUE, rep);
	}
	uint32_t i = add_or_trap(dst, FLUE_H_RESOURCE);
	dst->handles[i].u.res = (struct flue_res){ .rep = rep, .rt = (uint8_t)n->arg, .own = own,
						   .scope = own ? 0u : task };
	if (!own)
		s->tasks[task].num_borrows++;
	return i;
}

/* Taken by the value being moved (lift_own, lift_async_value): removed
 * from the table as far as that value can tell. */
static bool lifted(const struct flue_handle *h)
{
	if (h->kind == FLUE_H_RESOURCE)
		return h->u.res.lifted;
	if (flue_kind_is_readable_end(h->kind))
		return h->u.end.lifted;
	return false;
}

struct flue_handle *flue_handle_at(struct flue_instance *inst, uint32_t i)
{
	struct flue_handle *h = flue_table_get(inst, i);
	if (h == 0 || lifted(h))
		flue_val_fail(inst, FLUE_TRAP_BAD_HANDLE, i);
	return h;
}

struct flue_res *flue_res_at(struct flue_instance *inst, flue_rtype_t rt, uint32_t i)
{
	struct flue_handle *h = flue_handle_at(inst, i);
	if (h->kind != FLUE_H_RESOURCE)
		flue_val_fail(inst, FLUE_TRAP_WRONG_KIND, i);
	if (h->u.res.rt != rt)
		flue_val_fail(inst, FLUE_TRAP_TYPE_MISMATCH, i);
	return &h->u.res;
}
