/*
 * Task built-ins: task.return, task.cancel, subtask.drop, subtask.cancel,
 * context.get/set, thread.yield (definitions.py @ 14087d73; #723 for the
 * async subtask.cancel's resume). The task is
 * the store's current one; scheduling effects go through the executor's
 * hooks (flue_exec_hooks, block_hook), which sit above this layer.
 */
#include <flue/task_decide.h>
#include "abi.h"
#include "val.h"
#include "values.h"

static struct flue_task *task_of(struct flue_instance *inst)
{
	struct flue_task *t = abi_current_task(inst);
	if (t == 0)
		flue_trap(inst, FLUE_TRAP_NO_TASK, 0);
	return t;
}

/* context.get/set's slots: inside a realloc of inst, the realloc's own
 * (#705: it is a task of its own; flue_realloc_guest), else the running
 * task's (traps NO_TASK without one). */
static uint32_t *context_of(struct flue_instance *inst)
{
	struct flue_store *s = inst->store;
	if (s->realloc_inst == inst)
		return s->realloc_ctx;
	return task_of(inst)->ctx;
}

static bool same_valtype(const struct flue_valtype *a, const struct flue_valtype *b)
{
	if (a == 0 || b == 0)
		return a == b;
	if (a->kind != b->kind || a->elem != b->elem)
		return false;
	if (a->kind != FLUE_VAL_RECORD)
		return true;
	if (a->nfields != b->nfields)
		return false;
	for (uint32_t i = 0; i < a->nfields; i++)
		if (a->fields[i].kind != b->fields[i].kind || a->fields[i].elem != b->fields[i].elem)
			return false;
	return true;
}

/* Checks common to task.return and task.cancel, in the reference's order. */
static struct flue_task *resolving_task(struct flue_instance *inst)
{
	abi_enter_alive(inst);
	struct flue_task *t = task_of(inst);
	if (!inst->may_leave)
		flue_trap(inst, FLUE_TRAP_MAY_NOT_LEAVE, 0);
	if (t->func->opts.kind == FLUE_LIFT_SYNC)
		flue_trap(inst, FLUE_TRAP_NOT_ASYNC, 0);
	return t;
}

/* Task.return_ / Task.cancel's checks: the state (its own reason), then
 * borrows still outstanding (the reference's num_borrows > 0). */
static void apply_resolve(struct flue_instance *inst, uint8_t action, enum flue_trap_reason state)
{
	switch (action) {
	case FLUE_RESOLVE_OK:
		return;
	case FLUE_RESOLVE_TRAP_RESOLVED:
		flue_trap(inst, state, 0);
	case FLUE_RESOLVE_TRAP_BORROWS:
		flue_trap(inst, FLUE_TRAP_BORROWS_OUTSTANDING, 0);
	default:
		flue_trap(inst, FLUE_TRAP_BAD_DECISION, 0);
	}
}

void flue_canon_task_return(struct flue_instance *inst, const struct flue_valtype *result,
			    const flue_flat_t *args, uint32_t nargs)
{
	struct flue_task *t = resolving_task(inst);
	if (t->func->ft->graph != 0 || !same_valtype(result, t->func->ft->result))
		flue_trap(inst, FLUE_TRAP_RESULT_TYPE, 0);
	uint32_t nt = result != 0 ? 1u : 0u;
	uint32_t flat = flue_flat_count(result, nt);
	if (nargs != (flat > FLUE_MAX_FLAT_PARAMS ? 1u : flat))
		flue_trap(inst, FLUE_TRAP_RESULT_TYPE, 0);
	/* The reference lifts the values (lift_flat_values) before
	 * Task.return_ checks the state: a bad value wins over "already
	 * resolved". Checked first, taken only once nothing can trap. */
	flue_values_lift_check(inst, result, nt, FLUE_MAX_FLAT_PARAMS, args, nargs);
	apply_resolve(inst, flue_task_return_decide(t->state, t->num_borrows),
		      FLUE_TRAP_ALREADY_RESOLVED);
	struct flue_values v;
	flue_values_lift(inst, result, nt, FLUE_MAX_FLAT_PARAMS, args, nargs, &v);
	inst->store->exec_hooks->resolve(inst->store, (uint16_t)(t - inst->store->tasks), &v);
}

void flue_canon_task_return_typed(struct flue_instance *inst, const struct flue_tgraph *g,
				  const uint16_t *result, const flue_flat_t *args, uint32_t nargs)
{
	struct flue_task *t = resolving_task(inst);
	const struct flue_functype *ft = t->func->ft;
	/* The glue's graph is usually the task's own (no check then); another
	 * one is checked before it is compared. */
	if (ft->graph == 0 || g == 0 || (g != ft->graph && flue_types_check(g) != 0) ||
	    !flue_types_equal(g, result, ft->graph, ft->result_type))
		flue_trap(inst, FLUE_TRAP_RESULT_TYPE, 0);
	/* Equal: moved with the task's own (checked) graph from here on. */
	g = ft->graph;
	result = ft->result_type;
	uint32_t flat = result != 0 ? g->nodes[*result].flat : 0u;
	if (nargs != (flat > FLUE_MAX_FLAT_PARAMS ? 1u : flat) || (nargs != 0 && args == 0))
		flue_trap(inst, FLUE_TRAP_RESULT_TYPE, 0);
	/* Lifted (checked) before Task.return_'s state check, as above. */
	struct flue_vmove m = {
		.g = g, .ts = result, .nts = result != 0 ? 1u : 0u,
		.src = { inst, 0, 0, t->func->opts.string_encoding },
		.src_max_flat = FLUE_MAX_FLAT_PARAMS, .flat = args, .nflat = nargs,
		.task = FLUE_TASK_NONE, .checked = true,
	};
	flue_vals_check(&m);
	apply_resolve(inst, flue_task_return_decide(t->state, t->num_borrows),
		      FLUE_TRAP_ALREADY_RESOLVED);
	inst->store->exec_hooks->resolve_moved(inst->store, (uint16_t)(t - inst->store->tasks), &m);
}

void flue_canon_task_cancel(struct flue_instance *inst)
{
	struct flue_task *t = resolving_task(inst);
	/* Task.cancel has one state check, `state != CANCEL_DELIVERED`: after
	 * task.return (RESOLVED) it is that check that fails, not a
	 * "resolved" one. */
	apply_resolve(inst, flue_task_cancel_decide(t->state, t->num_borrows),
		      FLUE_TRAP_CANCEL_NOT_DELIVERED);
	inst->store->exec_hooks->resolve(inst->store, (uint16_t)(t - inst->store->tasks), 0);
}

void flue_canon_subtask_drop(struct flue_instance *inst, uint32_t i)
{
	abi_enter(inst);
	struct flue_subtask *sub = &abi_get(inst, i, FLUE_H_SUBTASK)->u.sub;
	struct flue_store *s = inst->store;
	struct flue_task *t = &s->tasks[sub->task];
	if (!t->sub_delivered)
		flue_trap(inst, FLUE_TRAP_SUBTASK_NOT_DONE, i);
	uint16_t id = sub->task;
	flue_waitable_join(inst, i, 0);
	flue_table_remove(inst, i);
	t->sub_handle = 0;
	t->caller_done = true;
	if (t->callee_done)
		flue_task_free(s, id);
}

/* The synchronous subtask.cancel waits for the resolution, not for any
 * event: a pending STARTED event would end the wait with the subtask
 * unresolved, and subtask.cancel return STARTED (fuzz finding; the
 * reference asserts resolve_delivered() there). */
static bool subtask_resolved_at(struct flue_instance *inst, uint32_t i)
{
	const struct flue_handle *h = &inst->handles[i];
	return h->kind != FLUE_H_SUBTASK ||
	       flue_subtask_resolved(inst->store->tasks[h->u.sub.task].sub_state);
}

/* What is left of subtask `i` after its cancellation ran guest code: the
 * callee may have run code of this very instance (a call into itself),
 * which may have trapped it; the handle and record are still this
 * subtask's (a sync waiter cannot be joined, and an unresolved subtask
 * cannot be dropped or cancelled again), so this only guards against a
 * broken invariant (fuzz finding: a freed slot was read). */
static struct flue_subtask *subtask_after_cancel(struct flue_instance *inst, uint32_t i,
						 uint16_t id)
{
	struct flue_store *s = inst->store;
	if (inst->poisoned)
		flue_trap(inst, FLUE_TRAP_POISONED, i);
	struct flue_handle *h = flue_table_get(inst, i);
	if (h == 0 || h->kind != FLUE_H_SUBTASK || h->u.sub.task != id)
		flue_trap(inst, FLUE_TRAP_BAD_HANDLE, i);
	if (s->tasks[id].sub_delivered)
		flue_trap(inst, FLUE_TRAP_SUBTASK_DELIVERED, i);
	return &h->u.sub;
}

/* The request of canon_subtask_cancel (@14087d73): mark it, hold a sync
 * waiter while it runs (so waitable.join on it traps), request; then the
 * sync form waits for the resolution and the async form resumes one ready
 * thread of the callee's instance (#723). Meanwhile the cancelled task's
 * thread may run even inside a sync-typed call of another instance
 * (reentrance.wast: a sync cancel from a sync-typed export returns 4; the
 * sync form's resume is not pinned by definitions.py). False: still
 * unresolved. */
static bool subtask_request_cancel(struct flue_instance *inst, uint32_t i, bool async)
{
	struct flue_store *s = inst->store;
	struct flue_subtask *sub = &inst->handles[i].u.sub;
	uint16_t id = sub->task;
	s->tasks[id].sub_cancel_requested = true;
	s->tasks[id].sub_cancel_wait = true;
	sub->w.sync_waiter = true;
	s->exec_hooks->cancel(s, id, async);
	sub = subtask_after_cancel(inst, i, id);
	if (!flue_subtask_resolved(s->tasks[id].sub_state) && !async) {
		abi_block(inst, subtask_resolved_at, i, i);
		sub = &inst->handles[i].u.sub;
	}
	sub->w.sync_waiter = false;
	s->tasks[id].sub_cancel_wait = false;
	return flue_subtask_resolved(s->tasks[id].sub_state);
}

uint32_t flue_canon_subtask_cancel(struct flue_instance *inst, uint32_t opts, uint32_t i)
{
	bool async = (opts & FLUE_OPT_ASYNC) != 0u;
	abi_enter(inst);
	struct flue_subtask *sub = &abi_get(inst, i, FLUE_H_SUBTASK)->u.sub;
	struct flue_store *s = inst->store;
	struct flue_task *t = &s->tasks[sub->task];
	switch (flue_subtask_cancel_decide(t->sub_delivered, t->sub_cancel_requested,
					   sub->w.wset != 0, flue_subtask_resolved(t->sub_state))) {
	case FLUE_SC_TRAP_DELIVERED:
		flue_trap(inst, FLUE_TRAP_SUBTASK_DELIVERED, i);
	case FLUE_SC_TRAP_TWICE:
		flue_trap(inst, FLUE_TRAP_CANCEL_TWICE, i);
	case FLUE_SC_TRAP_IN_SET:
		flue_trap(inst, FLUE_TRAP_CANCEL_IN_SET, i);
	case FLUE_SC_REQUEST:
		if (!subtask_request_cancel(inst, i, async))
			return FLUE_BLOCKED;
		break;
	case FLUE_SC_CONSUME: /* already resolved, its event is pending */
		break;
	default:
		flue_trap(inst, FLUE_TRAP_BAD_DECISION, i);
	}
	return abi_event_p2(flue_subtask_deliver(inst, i));
}

uint32_t flue_canon_context_get(struct flue_instance *inst, uint32_t i)
{
	abi_enter_alive(inst);
	uint32_t *ctx = context_of(inst);
	if (i > 1u)
		flue_trap(inst, FLUE_TRAP_BAD_VALUE, i);
	return ctx[i];
}

void flue_canon_context_set(struct flue_instance *inst, uint32_t i, uint32_t v)
{
	abi_enter_alive(inst);
	uint32_t *ctx = context_of(inst);
	if (i > 1u)
		flue_trap(inst, FLUE_TRAP_BAD_VALUE, i);
	ctx[i] = v;
}

/* Always 0 since #716: a pending cancellation stays pending here. */
uint32_t flue_canon_thread_yield(struct flue_instance *inst)
{
	abi_enter(inst);
	(void)task_of(inst);
	abi_block(inst, 0, 0, 0);
	return 0;
}
