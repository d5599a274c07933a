/*
 * Waitables and waitable sets: the "waitable event aggregator".
 *
 * Each set keeps its members that have a pending event in a doubly linked
 * queue (through handle indices) ordered by stamp, the store time at which
 * each event *first* became pending. New events append (their stamp is the
 * newest); an update of a pending event keeps its place; a move to another
 * set re-inserts by stamp, so the waitable keeps its place in
 * first-pending order there too. Delivery takes the head: O(1). Insert on
 * a move is O(pending members of the target set).
 */
#include <flue/wset_decide.h>
#include "obj.h"

static struct flue_waitable *wof(struct flue_instance *inst, uint32_t idx)
{
	return flue_waitable_of(&inst->handles[idx]);
}

/* The set's pending queue just filled (its first event) or emptied: the
 * callback tasks parked in WAIT on it may have become ready or stopped
 * being so. The executor lists them on the set and is told (a set nobody
 * waits on costs one test). */
static void queue_turned(struct flue_instance *inst, uint32_t set)
{
	if (inst->handles[set].u.wset.parked != 0)
		inst->store->exec_hooks->wake_set(inst, set);
}

static void queue_unlink(struct flue_instance *inst, uint32_t set, uint32_t idx)
{
	struct flue_wset *s = &inst->handles[set].u.wset;
	struct flue_waitable *w = wof(inst, idx);
	if (w->prev != 0)
		wof(inst, w->prev)->next = w->next;
	else
		s->head = w->next;
	if (w->next != 0)
		wof(inst, w->next)->prev = w->prev;
	else
		s->tail = w->prev;
	w->prev = w->next = 0;
	if (s->head == 0)
		queue_turned(inst, set);
}

static void queue_insert(struct flue_instance *inst, uint32_t set, uint32_t idx)
{
	struct flue_wset *s = &inst->handles[set].u.wset;
	struct flue_waitable *w = wof(inst, idx);
	bool was_empty = s->head == 0;
	uint32_t after = s->tail;
	/* Walk back over members that became pending later than w. */
	while (after != 0 && flue_stamp_before(w->stamp, wof(inst, after)->stamp))
		after = wof(inst, after)->prev;
	/* Indices fit 16 bits: FLUE_CONFIG_MAX_HANDLES <= 65535 (config.h). */
	uint16_t i16 = (uint16_t)idx;
	w->prev = (uint16_t)after;
	if (after != 0) {
		w->next = wof(inst, after)->next;
		wof(inst, after)->next = i16;
	} else {
		w->next = s->head;
		s->head = i16;
	}
	if (w->next != 0)
		wof(inst, w->next)->prev = i16;
	else
		s->tail = i16;
	if (was_empty)
		queue_turned(inst, set);
}

void flue_waitable_set_event(struct flue_instance *inst, uint32_t idx)
{
	struct flue_waitable *w = wof(inst, idx);
	if (flue_wq_decide(FLUE_WQ_RAISE, w->has_event) != FLUE_WQ_STAMP_APPEND)
		return; /* an update keeps its place */
	w->has_event = true;
	w->stamp = inst->store->clock++;
	if (w->wset != 0)
		queue_insert(inst, w->wset, idx); /* newest stamp: lands at the tail */
}

void flue_waitable_clear_event(struct flue_instance *inst, uint32_t idx)
{
	struct flue_waitable *w = wof(inst, idx);
	if (flue_wq_decide(FLUE_WQ_DELIVER, w->has_event) != FLUE_WQ_UNLINK)
		return;
	if (w->wset != 0)
		queue_unlink(inst, w->wset, idx);
	w->has_event = false;
}

void flue_waitable_join(struct flue_instance *inst, uint32_t idx, uint32_t set)
{
	struct flue_waitable *w = wof(inst, idx);
	bool move = flue_wq_decide(FLUE_WQ_JOIN, w->has_event) == FLUE_WQ_MOVE;
	if (w->wset != 0) {
		if (move)
			queue_unlink(inst, w->wset, idx);
		inst->handles[w->wset].u.wset.members--;
	}
	w->wset = (uint16_t)set; /* a handle index: < 2^16 */
	if (set != 0) {
		inst->handles[set].u.wset.members++;
		if (move)
			queue_insert(inst, set, idx); /* by stamp: keeps its place */
	}
}
