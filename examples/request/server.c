/*
 * server: exports example:request/service#fetch (callback-lifted). A fast
 * request returns at once. A slow one waits on a waitable set nothing will
 * ever join: it ends only when its caller cancels it. The cancellation
 * arrives as a TASK_CANCELLED event; the server notes it, cleans up in the
 * next step (YIELD) and then calls task.cancel, so the caller's
 * subtask.cancel cannot finish at once and the caller sees the result as a
 * SUBTASK event. Several calls may be in progress: each keeps its state in
 * its context slot.
 */
#include "guest.h"

#define EXPORT_MODULE "[export]example:request/service"

P3_IMPORT(EXPORT_MODULE, "[task-return]fetch") void task_return_fetch(uint32_t value);

struct call {
	bool used, cancelled;
	uint32_t key, set;
};

static struct call calls[8];

static struct call *this_call(void)
{
	return &calls[p3_context_get()];
}

P3_EXPORT("[async-lift]example:request/service#fetch")
uint32_t fetch_start(uint32_t key, uint32_t slow)
{
	if (!slow) {
		task_return_fetch(key * 10u);
		return P3_EXIT;
	}
	uint32_t i = 0;
	while (i < 8u && calls[i].used)
		i++;
	if (i == 8u)
		__builtin_trap(); /* more slow calls than this server keeps */
	calls[i] = (struct call){ true, false, key, p3_waitable_set_new() };
	p3_context_set(i);
	return P3_WAIT(calls[i].set); /* an empty set: only cancellation ends this */
}

P3_EXPORT("[callback][async-lift]example:request/service#fetch")
uint32_t fetch_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	(void)p1;
	(void)p2;
	struct call *c = this_call();
	if (event == P3_EVENT_TASK_CANCELLED) {
		log_note(NOTE_SERVER_CANCELLED, c->key, 0);
		c->cancelled = true;
		return P3_YIELD; /* cleanup takes a step */
	}
	if (c->cancelled) {
		p3_waitable_set_drop(c->set);
		log_note(NOTE_SERVER_CANCEL_DONE, c->key, 0);
		c->used = false;
		p3_task_cancel();
		return P3_EXIT;
	}
	return P3_WAIT(c->set);
}
