/*
 * stream.forward and future.forward (#717, gated: FLUE_CONFIG_FORWARD): the
 * reference's forward_copy. Both ends are checked in its order, then
 * flue_forward_check() looks at what the forward would meet, and only then
 * does src/obj/forward.c change anything (validate, then commit): a trap
 * leaves both ends where they were.
 */
#include "abi.h"

#if FLUE_CONFIG_FORWARD

static uint8_t end_kind(bool future, bool readable)
{
	if (future)
		return readable ? FLUE_H_FUTURE_READABLE : FLUE_H_FUTURE_WRITABLE;
	return readable ? FLUE_H_STREAM_READABLE : FLUE_H_STREAM_WRITABLE;
}

/* An end the guest gives up: of `kind` and element type t, idle (the
 * reference's one `state != IDLE` check, split by what the end is doing),
 * and in no waitable set; else trap. */
static void check_end(struct flue_instance *inst, uint32_t idx, uint8_t kind, flue_type_t t)
{
	struct flue_end *e = &abi_get(inst, idx, kind)->u.end;
	if (inst->store->shared[e->shared].type != t)
		flue_trap(inst, FLUE_TRAP_TYPE_MISMATCH, idx);
	if (e->state == FLUE_END_DONE)
		flue_trap(inst, FLUE_TRAP_FORWARD_DONE, idx);
	if (e->state != FLUE_END_IDLE)
		flue_trap(inst, FLUE_TRAP_FORWARD_BUSY, idx);
	if (e->w.wset != 0)
		flue_trap(inst, FLUE_TRAP_FORWARD_IN_SET, idx);
}

static void forward(struct flue_instance *inst, flue_type_t t, uint32_t ri, uint32_t wi,
		    bool future)
{
	abi_enter(inst);
	check_end(inst, ri, end_kind(future, true), t);
	/* The reference has removed ri from the table before it looks wi up:
	 * naming one handle twice finds it gone. */
	if (wi == ri)
		flue_trap(inst, FLUE_TRAP_BAD_HANDLE, wi);
	check_end(inst, wi, end_kind(future, false), t);
	/* A forward may re-issue a parked read, which moves raw bytes: graph
	 * element types would need the value mover there (not yet). */
	if (flue_type_get(inst->store, t)->desc.kind == FLUE_TYPE_GRAPH)
		flue_trap(inst, FLUE_TRAP_NOT_SUPPORTED, wi);
	int rc = flue_forward_check(inst, ri, wi);
	if (rc == FLUE_ENOTSUP)
		flue_trap(inst, FLUE_TRAP_FORWARD_CHANNELS, wi);
	if (rc == FLUE_EINVAL) /* a parked buffer no longer in its memory */
		flue_trap(inst, FLUE_TRAP_OUT_OF_BOUNDS, wi);
	if (rc != FLUE_OK)
		flue_trap(inst, FLUE_TRAP_SAME_INSTANCE, wi); /* the re-issued read's rule */
	flue_forward(inst, ri, wi);
}

void flue_canon_stream_forward(struct flue_instance *inst, flue_type_t t, uint32_t ri, uint32_t wi)
{
	forward(inst, t, ri, wi, false);
}

void flue_canon_future_forward(struct flue_instance *inst, flue_type_t t, uint32_t ri, uint32_t wi)
{
	forward(inst, t, ri, wi, true);
}

#else
/* ISO C wants a declaration in every translation unit. */
typedef int flue_abi_forward_disabled_t;
#endif /* FLUE_CONFIG_FORWARD */
