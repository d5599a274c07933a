/* ABI layer, internal helpers shared by its files. */
#ifndef FLUE_ABI_INTERNAL_H
#define FLUE_ABI_INTERNAL_H

#include <flue/abi.h>
#include "../obj/obj.h"

/* Entry check of every built-in, may_leave aside (backpressure.*,
 * context.*, and task.return/cancel, which look up the task in between): a
 * destroyed instance traps with a reason of its own, then a poisoned one.
 * (A destroyed instance is also poisoned, so a built-in that checks only
 * `poisoned` traps too: flue_trap() reports FLUE_TRAP_DESTROYED for it.)
 * NULL has no instance to trap: flue_trap() halts. */
static inline void abi_enter_alive(struct flue_instance *inst)
{
	if (inst == 0 || !inst->live)
		flue_trap(inst, FLUE_TRAP_DESTROYED, 0);
	if (inst->poisoned)
		flue_trap(inst, FLUE_TRAP_POISONED, 0);
}

/* Entry check of every built-in that the reference guards with may_leave. */
static inline void abi_enter(struct flue_instance *inst)
{
	abi_enter_alive(inst);
	if (!inst->may_leave)
		flue_trap(inst, FLUE_TRAP_MAY_NOT_LEAVE, 0);
}

/* Handle `idx` of one of the given kinds, or trap. */
static inline struct flue_handle *abi_get(struct flue_instance *inst, uint32_t idx,
					  uint8_t kind)
{
	struct flue_handle *h = flue_table_get(inst, idx);
	if (h == 0)
		flue_trap(inst, FLUE_TRAP_BAD_HANDLE, idx);
	if (h->kind != kind)
		flue_trap(inst, FLUE_TRAP_WRONG_KIND, idx);
	return h;
}

/* Spec encoding of an event's code and p2 (the one place they are built). */
static inline uint32_t abi_event_code(struct flue_event ev)
{
	switch (ev.kind) {
	case FLUE_EVENT_STREAM_READ: return FLUE_EVENT_CODE_STREAM_READ;
	case FLUE_EVENT_STREAM_WRITE: return FLUE_EVENT_CODE_STREAM_WRITE;
	case FLUE_EVENT_FUTURE_READ: return FLUE_EVENT_CODE_FUTURE_READ;
	case FLUE_EVENT_FUTURE_WRITE: return FLUE_EVENT_CODE_FUTURE_WRITE;
	case FLUE_EVENT_SUBTASK: return FLUE_EVENT_CODE_SUBTASK;
	case FLUE_EVENT_TASK_CANCELLED: return FLUE_EVENT_CODE_TASK_CANCELLED;
	default: return FLUE_EVENT_CODE_NONE;
	}
}

static inline uint32_t abi_copy_result(uint8_t r)
{
	return r == FLUE_RESULT_DROPPED ? FLUE_DROPPED
	       : r == FLUE_RESULT_CANCELLED ? FLUE_CANCELLED : FLUE_COMPLETED;
}

/* Streams: result | progress << 4; futures: the bare result; NONE: 0. */
static inline uint32_t abi_event_p2(struct flue_event ev)
{
	switch (ev.kind) {
	case FLUE_EVENT_STREAM_READ:
	case FLUE_EVENT_STREAM_WRITE:
		return abi_copy_result(ev.result) | ev.progress << 4;
	case FLUE_EVENT_FUTURE_READ:
	case FLUE_EVENT_FUTURE_WRITE:
		return abi_copy_result(ev.result);
	case FLUE_EVENT_SUBTASK:
		return ev.result; /* the subtask state, the spec's numbering */
	default:
		return 0;
	}
}

/* A pointer-taking built-in on an instance whose embedder set no memory. */
static inline void abi_need_memory(struct flue_instance *inst, uint32_t handle)
{
	if (!flue_instance_has_memory(inst))
		flue_trap(inst, FLUE_TRAP_NO_MEMORY, handle);
}

/* Block the current thread until done(inst, arg) (done NULL: yield once),
 * through the executor. Traps WOULD_BLOCK without an executor, and
 * POISONED if the instance trapped meanwhile. */
void abi_block(struct flue_instance *inst, bool (*done)(struct flue_instance *, uint32_t),
	       uint32_t arg, uint32_t handle);

/* The current task if it runs in `inst`, else NULL (four lines over the
 * object layer, inline for the task built-ins and the executor's block
 * hook). */
static inline struct flue_task *abi_current_task(struct flue_instance *inst)
{
	struct flue_store *s = inst->store;
	struct flue_task *t = flue_task_get(s, s->sched.current);
	if (t == 0 || t->func == 0 || t->func->inst != inst)
		return 0;
	return t;
}

/* flue_end_copy_op() for an element type of kind FLUE_TYPE_GRAPH
 * (elems.c), after the op's value options `o` are checked (BAD_VALUE,
 * NO_REALLOC): the same results, with the elements lifted and lowered,
 * and a trap of the peer's code or data inside it trapping the peer only. */
/* Install the store's host_values hook (hends.c: a host's op on
 * graph-typed elements, checked by obj/host.c). The executor does, since
 * such ops need it. */
void abi_host_values_install(struct flue_store *s);

struct flue_string_opts;
int abi_copy_values(struct flue_instance *inst, uint32_t idx, const struct flue_copy_args *args,
		    uint32_t ptr, uint32_t n, const struct flue_string_opts *o,
		    struct flue_event *now);

#endif /* FLUE_ABI_INTERNAL_H */
