/*
 * Destroying an instance: its tasks (through the executor's hook), then
 * every waitable out of its set and every stream/future end dropped, so
 * that peers observe DROPPED. Above store.c, wset.c and stream.c, whose
 * functions it calls; the store's own code calls none of them.
 */
#include "resource.h"

void flue_instance_drop_ends(struct flue_instance *inst)
{
	/* First take every waitable out of its set through the queue code.
	 * (Fuzz finding: clearing `wset` by hand left a set's pending queue
	 * naming ends freed by the loop below; a DROPPED notification to a
	 * parked end of this same instance, still in that set, then walked
	 * the queue into a freed slot: NULL dereference in queue_insert.) */
	for (uint32_t i = 1; i < inst->len; i++)
		if (flue_waitable_of(&inst->handles[i]) != 0)
			flue_waitable_join(inst, i, 0);
	/* Drop every end (peers observe DROPPED), mid-copy or not: the
	 * instance is going away, so its parked ops are simply forgotten. */
	for (uint32_t i = 1; i < inst->len; i++) {
		struct flue_handle *h = &inst->handles[i];
		if (flue_waitable_of(h) != 0 && h->kind != FLUE_H_SUBTASK) {
			h->u.end.state = FLUE_END_IDLE;
			h->u.end.w.has_event = false;
			flue_end_drop(inst, i);
		}
	}
	/* Readable ends a graph value was carrying to it when it went away
	 * (abi/val_handle.c: in transit, tagged with its id): nobody will
	 * lower them now, so they are dropped too. */
	struct flue_store *s = inst->store;
	for (uint32_t si = 0; si < FLUE_CONFIG_MAX_SHARED; si++) {
		struct flue_shared *sh = &s->shared[si];
		if (sh->kind != 0 && sh->reader_inst == FLUE_REF_TRANSIT &&
		    sh->reader_handle == (uint32_t)inst->id + 1u)
			flue_shared_discard_transit(s, (uint16_t)si);
	}
}

void flue_instance_destroy(struct flue_instance *inst)
{
	/* A second destroy (or one of a slot never created) has nothing to
	 * tear down; the executor must not abort the slot's tasks twice. */
	if (!flue_instance_ok(inst))
		return;
	/* Poisoned with or without an executor: every built-in still called
	 * on it traps (flue_trap() reports FLUE_TRAP_DESTROYED for a dead
	 * instance), so it cannot allocate in a table that a new instance in
	 * this slot will reuse. flue_instance_create() clears the flag. */
	inst->poisoned = true;
	/* Its tasks first (the executor's): callers see them resolve without
	 * a value; code of its own still blocked unwinds when next resumed. */
	if (inst->store->exec_hooks != 0)
		inst->store->exec_hooks->abort(inst->store, inst);
	flue_instance_drop_ends(inst);
	flue_lends_forget(inst->store, inst->id);
	inst->live = false;
}
