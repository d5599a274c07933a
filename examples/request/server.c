/*
 * server: exports example:request/service#fetch (callback-lifted). A fast
 * request returns at once: ok("value-<key>") for the keys it knows (1..99),
 * err(not-found) for the others; task.return gets the result's 3 flat
 * values (case, then the joined payload: the string's pointer and length
 * in this memory, or the error code), and flue copies the string into the
 * caller's memory before task.return returns. A slow one waits on a waitable set nothing will
 * ever join: it ends only when its caller cancels it. The cancellation
 * arrives as a TASK_CANCELLED event; the server notes it, cleans up in the
 * next step (YIELD) and then calls task.cancel, so the caller's
 * subtask.cancel cannot finish at once and the caller sees the result as a
 * SUBTASK event. Several calls may be in progress: each keeps its state in
 * its context slot.
 */
#include "guest.h"

#define EXPORT_MODULE "[export]example:request/service"

P3_IMPORT(EXPORT_MODULE, "[task-return]fetch")
void task_return_fetch(uint32_t is_err, uint32_t p0, uint32_t p1);

struct call {
	bool used, cancelled;
	uint32_t key, set;
};

static struct call calls[8];
static char value[16];

/* "value-<key>" into `value`; its length. */
static uint32_t format_value(uint32_t key)
{
	static const char prefix[] = "value-";
	char digits[10];
	uint32_t n = 0, len = sizeof prefix - 1u;
	memcpy(value, prefix, len);
	do {
		digits[n++] = (char)('0' + key % 10u);
		key /= 10u;
	} while (key != 0u);
	while (n > 0u)
		value[len++] = digits[--n];
	return len;
}

static struct call *this_call(void)
{
	return &calls[p3_context_get()];
}

P3_EXPORT("[async-lift]example:request/service#fetch")
uint32_t fetch_start(uint32_t key, uint32_t slow)
{
	if (!slow) {
		if (key >= 1u && key <= 99u)
			task_return_fetch(0, (uint32_t)(uintptr_t)value, format_value(key));
		else
			task_return_fetch(1, ERROR_NOT_FOUND, 0);
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
