/*
 * Task records (one per call of a lifted export or host function, with its
 * implicit thread) and the subtask handle, the caller's waitable view of a
 * task. The scheduling itself is exec/'s; this is storage and events.
 */
#include <stddef.h>
#include <string.h>

#include <flue/task_decide.h>
#include "resource.h"

uint16_t flue_task_alloc(struct flue_store *s)
{
	/* Lowest free index: deterministic, and O(FLUE_CONFIG_MAX_TASKS). */
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_TASKS; i++) {
		struct flue_task *t = &s->tasks[i];
		if (!t->used) {
			/* The generation and the post fields survive: the post
			 * fields belong to the port lock (a host thread may look at
			 * them right now; they are closed already, since a record
			 * is freed only after its call resolved). */
			memset(t, 0, offsetof(struct flue_task, gen));
			if (++t->gen == 0u)
				t->gen = 1u; /* 0 is never a live generation */
			t->used = true;
			t->caller_inst = FLUE_REF_NONE;
			t->caller_task = FLUE_TASK_NONE;
			return (uint16_t)i;
		}
	}
	return FLUE_TASK_NONE;
}

struct flue_task *flue_task_get(struct flue_store *s, uint16_t id)
{
	if (id >= FLUE_CONFIG_MAX_TASKS || !s->tasks[id].used)
		return 0;
	return &s->tasks[id];
}

void flue_task_free(struct flue_store *s, uint16_t id)
{
	flue_lends_release(s, id); /* none left if its resolution was delivered */
	s->tasks[id].used = false;
}

bool flue_subtask_resolved(uint8_t sub_state)
{
	return sub_state >= FLUE_SUBTASK_RETURNED;
}

void flue_subtask_progress(struct flue_store *s, uint16_t id)
{
	struct flue_task *t = &s->tasks[id];
	if (t->sub_handle == 0 || t->caller_inst == FLUE_REF_NONE)
		return;
	flue_waitable_set_event(&s->instances[t->caller_inst], t->sub_handle);
}

struct flue_event flue_subtask_deliver(struct flue_instance *inst, uint32_t idx)
{
	/* The event is computed now (lazily): a start-then-return before the
	 * caller looks is one RETURNED event. Delivering a resolution releases
	 * the task record once the callee is done with it too. */
	struct flue_subtask *sub = &inst->handles[idx].u.sub;
	struct flue_task *t = &inst->store->tasks[sub->task];
	struct flue_event ev = { FLUE_EVENT_SUBTASK, t->sub_state, idx, 0 };
	flue_waitable_clear_event(inst, idx);
	if (flue_subtask_resolved(t->sub_state)) {
		t->sub_delivered = true;
		flue_lends_release(inst->store, sub->task); /* Subtask.deliver_resolve */
	}
	return ev;
}
