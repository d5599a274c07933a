/*
 * The one place a task thread's state, its condition and its queues
 * change (exec_thread), inline. A header of its own, included by the
 * files that move threads, so that exec.h, which queue.c includes, does
 * not call into queue.c (queue.c's own functions never move a thread).
 */
#ifndef FLUE_EXEC_THREAD_H
#define FLUE_EXEC_THREAD_H

#include "exec.h"

/* Move `t`'s thread by `event` (enum flue_thread_event) to the state the
 * proved table gives (flue_thread_decide; traps FLUE_TRAP_BAD_DECISION if
 * it has no such transition), waiting for `cond` there (NONE: not waiting;
 * else it joins the back of the wait queue, HOST only counted). The one
 * place a thread's state, its condition and its queues change. Inline:
 * every caller passes a constant event, so the decision folds to the few
 * compares of that event's column. */
__attribute__((always_inline)) static inline void
exec_thread(struct flue_store *s, struct flue_task *t, uint8_t event, uint8_t cond)
{
	struct flue_thread_view v = { t->thread, event, cond, exec_is_host(t),
				      t->state == FLUE_TASK_RESOLVED };
	uint8_t next = flue_thread_decide(v);
	if (next == FLUE_THREAD_BAD)
		exec_thread_bad(t, event);
	if (t->cond != FLUE_COND_NONE)
		exec_thread_leave(s, t);
	t->thread = next;
	if (next == FLUE_THREAD_EXITED)
		t->callee_done = true; /* nothing leaves EXITED */
	if (cond != FLUE_COND_NONE)
		exec_thread_wait(s, t, cond);
}

#endif /* FLUE_EXEC_THREAD_H */
