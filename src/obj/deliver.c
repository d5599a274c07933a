/*
 * Delivering a set's oldest event: the set (wset.c) keeps the order, each
 * kind of waitable computes its own event (a subtask in task.c, a stream
 * or future end in stream.c). This dispatch sits above all three so the
 * set's code calls none of the waitables it holds.
 */
#include "obj.h"

struct flue_event flue_wset_deliver(struct flue_instance *inst, uint32_t set)
{
	/* Each kind of waitable computes its own event at delivery. */
	uint32_t idx = inst->handles[set].u.wset.head;
	if (inst->handles[idx].kind == FLUE_H_SUBTASK)
		return flue_subtask_deliver(inst, idx);
	return flue_end_deliver(inst, idx);
}
