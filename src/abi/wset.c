/*
 * waitable-set.*, waitable.join, backpressure.*, error-context.* built-ins.
 */
#include <flue/task_decide.h>
#include "abi.h"
#include "val.h"

void abi_block(struct flue_instance *inst, bool (*done)(struct flue_instance *, uint32_t),
	       uint32_t arg, uint32_t handle)
{
	struct flue_store *s = inst->store;
	if (s->block_hook == 0)
		flue_trap(inst, FLUE_TRAP_WOULD_BLOCK, handle);
	uint8_t r = s->block_hook(s->block_ctx, inst, done, arg);
	if (r == FLUE_BLOCK_CANNOT)
		flue_trap(inst, FLUE_TRAP_WOULD_BLOCK, handle);
	/* Others ran meanwhile: if one of them trapped this instance, its
	 * guest code must not go on. */
	if (inst->poisoned)
		flue_trap(inst, FLUE_TRAP_POISONED, handle);
}

uint32_t flue_canon_waitable_set_new(struct flue_instance *inst)
{
	abi_enter(inst);
	uint32_t i = flue_table_add(inst, FLUE_H_WAITABLE_SET);
	if (i == 0)
		flue_trap(inst, FLUE_TRAP_TABLE_FULL, 0);
	return i;
}

/* Where the payload goes: 4-byte aligned and inside memory, or trap
 * (deterministic profile; the reference only asserts it). */
static uint8_t *payload_at(struct flue_instance *inst, uint32_t ptr, uint32_t handle)
{
	abi_need_memory(inst, handle);
	if (ptr % 4u != 0u)
		flue_trap(inst, FLUE_TRAP_MISALIGNED, handle);
	uint8_t *p = flue_mem_range(inst, ptr, 8);
	if (p == 0)
		flue_trap(inst, FLUE_TRAP_OUT_OF_BOUNDS, handle);
	return p;
}

static void store_u32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t unpack_event(uint8_t *p, struct flue_event ev)
{
	store_u32le(p, ev.kind == FLUE_EVENT_NONE ? 0u : ev.index);
	store_u32le(p + 4, abi_event_p2(ev));
	return abi_event_code(ev);
}

static bool set_has_event(struct flue_instance *inst, uint32_t si)
{
	return inst->handles[si].u.wset.head != 0;
}

/* A pending cancellation is never delivered here (#716): only a callback
 * event loop receives TASK_CANCELLED. */
uint32_t flue_canon_waitable_set_wait(struct flue_instance *inst, uint32_t si, uint32_t ptr)
{
	abi_enter(inst);
	struct flue_wset *ws = &abi_get(inst, si, FLUE_H_WAITABLE_SET)->u.wset;
	/* The payload pointer is checked before anything is delivered, so a
	 * bad pointer cannot lose an event. */
	uint8_t *p = payload_at(inst, ptr, si);
	if (ws->head == 0) {
		ws->waiting++;
		abi_block(inst, set_has_event, si, si);
		ws = &inst->handles[si].u.wset;
		ws->waiting--;
		p = payload_at(inst, ptr, si); /* memory may have moved meanwhile */
	}
	return unpack_event(p, flue_wset_deliver(inst, si));
}

uint32_t flue_canon_waitable_set_poll(struct flue_instance *inst, uint32_t si, uint32_t ptr)
{
	abi_enter(inst);
	struct flue_wset *ws = &abi_get(inst, si, FLUE_H_WAITABLE_SET)->u.wset;
	uint8_t *p = payload_at(inst, ptr, si);
	if (ws->head == 0) {
		struct flue_event none = { FLUE_EVENT_NONE, 0, 0, 0 };
		return unpack_event(p, none);
	}
	return unpack_event(p, flue_wset_deliver(inst, si));
}

void flue_canon_waitable_set_drop(struct flue_instance *inst, uint32_t si)
{
	abi_enter(inst);
	struct flue_wset *ws = &abi_get(inst, si, FLUE_H_WAITABLE_SET)->u.wset;
	if (ws->members > 0u)
		flue_trap(inst, FLUE_TRAP_SET_NOT_EMPTY, si);
	if (ws->waiting > 0u)
		flue_trap(inst, FLUE_TRAP_SET_HAS_WAITERS, si);
	flue_table_remove(inst, si);
}

void flue_canon_waitable_join(struct flue_instance *inst, uint32_t wi, uint32_t si)
{
	abi_enter(inst);
	struct flue_handle *h = flue_table_get(inst, wi);
	if (h == 0)
		flue_trap(inst, FLUE_TRAP_BAD_HANDLE, wi);
	struct flue_waitable *w = flue_waitable_of(h);
	if (w == 0)
		flue_trap(inst, FLUE_TRAP_WRONG_KIND, wi);
	if (w->sync_waiter)
		flue_trap(inst, FLUE_TRAP_SYNC_WAITER, wi);
	if (si != 0u)
		(void)abi_get(inst, si, FLUE_H_WAITABLE_SET);
	flue_waitable_join(inst, wi, si);
}

/* backpressure.inc/dec: the proved decisions (flue_bp_*_decide) are the
 * code that runs; this only applies the action they return. An action
 * the built-in does not expect is a broken invariant and traps, never
 * falls through to a store. No may_leave check (reference). */
void flue_canon_backpressure_inc(struct flue_instance *inst)
{
	abi_enter_alive(inst);
	struct flue_bp_decision d = flue_bp_inc_decide(inst->backpressure);
	switch (d.action) {
	case FLUE_BP_OK:
		inst->backpressure = d.value;
		return;
	case FLUE_BP_OVERFLOW:
		flue_trap(inst, FLUE_TRAP_BACKPRESSURE_OVERFLOW, 0);
	default:
		flue_trap(inst, FLUE_TRAP_BAD_DECISION, 0);
	}
}

void flue_canon_backpressure_dec(struct flue_instance *inst)
{
	abi_enter_alive(inst);
	struct flue_bp_decision d = flue_bp_dec_decide(inst->backpressure);
	switch (d.action) {
	case FLUE_BP_OK:
	case FLUE_BP_OPENED:
		/* OPENED needs nothing more: calls held at the gate are
		 * re-checked by the scheduler (flue_gate_admit_decide) when it
		 * next looks for ready work; none starts synchronously here. */
		inst->backpressure = d.value;
		return;
	case FLUE_BP_UNDERFLOW:
		flue_trap(inst, FLUE_TRAP_BACKPRESSURE_UNDERFLOW, 0);
	default:
		flue_trap(inst, FLUE_TRAP_BAD_DECISION, 0);
	}
}

uint32_t flue_canon_error_context_new(struct flue_instance *inst, uint32_t ptr,
				      uint32_t units)
{
	/* Deterministic profile: the message is discarded, never decoded. */
	(void)ptr;
	(void)units;
	abi_enter(inst);
	uint32_t i = flue_table_add(inst, FLUE_H_ERROR_CONTEXT);
	if (i == 0)
		flue_trap(inst, FLUE_TRAP_TABLE_FULL, 0);
	return i;
}

void flue_canon_error_context_debug_message(struct flue_instance *inst, uint32_t i,
					    uint32_t ptr)
{
	abi_enter(inst);
	(void)abi_get(inst, i, FLUE_H_ERROR_CONTEXT);
	uint8_t *p = payload_at(inst, ptr, i);
	store_u32le(p, 0); /* the empty string: offset 0, length 0 */
	store_u32le(p + 4, 0);
}

void flue_canon_error_context_debug_message_opts(struct flue_instance *inst,
						 const struct flue_string_opts *o, uint32_t i,
						 uint32_t ptr)
{
	abi_enter(inst);
	(void)abi_get(inst, i, FLUE_H_ERROR_CONTEXT);
	(void)payload_at(inst, ptr, i); /* flue's rule for out pointers: before realloc */
	if (o == 0 || o->string_encoding > FLUE_STRING_LATIN1_UTF16)
		flue_trap(inst, FLUE_TRAP_BAD_VALUE, i);
	/* store_string of the message, which the deterministic profile makes
	 * ('', 'utf8', 0): realloc(0, 0, 1 or 2, 0) and its checks. */
	struct flue_cx_opts r;
	struct flue_cx src = { inst, 0, 0, FLUE_STRING_UTF8 };
	struct flue_cx dst = flue_cx_of(inst, o, &r);
	uint32_t dp, dt;
	flue_str_store(&src, 0, 0, &dst, &dp, &dt);
	uint8_t *p = payload_at(inst, ptr, i); /* realloc may have moved memory */
	store_u32le(p, dp);
	store_u32le(p + 4, dt);
}

void flue_canon_error_context_drop(struct flue_instance *inst, uint32_t i)
{
	abi_enter(inst);
	(void)abi_get(inst, i, FLUE_H_ERROR_CONTEXT);
	flue_table_remove(inst, i);
}
