/*
 * client: exports `run` (callback-lifted). Calls the server's fetch three
 * times through async-lowered imports: a fast request (it returns before
 * the call does: status RETURNED, the result<string, error-code> already
 * at the out pointer, its string copied into this memory with our
 * cabi_realloc), one for a key the server does not know (err(not-found))
 * and a slow one (a subtask). Waits on the slow subtask and the host's deadline future in one
 * waitable set; when the deadline completes first, cancels the slow request
 * (async subtask.cancel) and waits for its SUBTASK event, then returns the
 * fast request's value.
 */
#include "guest.h"

#define SERVICE "example:request/service"

P3_IMPORT(SERVICE, "[async-lower]fetch")
uint32_t fetch_async(uint32_t key, uint32_t slow, struct fetch_result *ret);
P3_IMPORT("[export]$root", "[async-lower][future-read-0]run") uint32_t deadline_read(uint32_t end, uint32_t *value);
P3_IMPORT("[export]$root", "[future-drop-readable-0]run") void deadline_drop(uint32_t end);
P3_IMPORT("[export]$root", "[task-return]run") void task_return_run(uint32_t value);

static struct {
	uint32_t set, deadline, slow, fast_value;
	bool deadline_open, slow_open;
} s;

static struct fetch_result fast_ret, missing_ret, slow_ret;
static uint32_t deadline_value;

/* Where flue puts the strings it lowers into this instance: a bump heap
 * (a grown block is copied; nothing is freed). */
static uint8_t heap[1024] __attribute__((aligned(8)));
static uint32_t heap_used;

P3_EXPORT("cabi_realloc")
void *cabi_realloc(void *old, uint32_t old_size, uint32_t align, uint32_t new_size)
{
	if (old != 0 && new_size <= old_size)
		return old;
	uint32_t at = (heap_used + align - 1u) & ~(align - 1u);
	if (align == 0u || at + new_size > sizeof heap)
		__builtin_trap(); /* a bad request, or more than this client keeps */
	heap_used = at + new_size;
	if (old != 0)
		memcpy(&heap[at], old, old_size);
	return &heap[at];
}

/* The number in "value-<n>" (0: not such a string). */
static uint32_t value_number(const struct fetch_result *r)
{
	static const char prefix[] = "value-";
	const char *s = (const char *)(uintptr_t)r->u.ok.ptr;
	uint32_t len = r->u.ok.len, n = 0;
	if (r->is_err != 0u || len <= sizeof prefix - 1u || len > 16u)
		return 0;
	for (uint32_t i = 0; i < len; i++) {
		if (i < sizeof prefix - 1u && s[i] != prefix[i])
			return 0;
		if (i >= sizeof prefix - 1u && (s[i] < '0' || s[i] > '9'))
			return 0;
		if (i >= sizeof prefix - 1u)
			n = n * 10u + (uint32_t)(s[i] - '0');
	}
	return n;
}

static uint32_t finish(void)
{
	p3_waitable_set_drop(s.set);
	task_return_run(s.fast_value);
	return P3_EXIT;
}

P3_EXPORT("[async-lift]run") uint32_t run_start(uint32_t deadline)
{
	s.deadline = deadline;
	uint32_t status = fetch_async(7, 0, &fast_ret);
	if (status != P3_SUBTASK_RETURNED)
		__builtin_trap(); /* the fast request returns before the call does */
	uint32_t n = value_number(&fast_ret);
	log_note(NOTE_FAST_RETURNED, fast_ret.is_err ? 0xFFFFFFFFu : fast_ret.u.ok.len, n == 7u);
	status = fetch_async(404, 0, &missing_ret);
	if (status != P3_SUBTASK_RETURNED)
		__builtin_trap();
	log_note(NOTE_NOT_FOUND, missing_ret.is_err, missing_ret.u.err);
	bool missing_ok = missing_ret.is_err == 1u && missing_ret.u.err == ERROR_NOT_FOUND;
	s.fast_value = missing_ok ? n * 10u : 0u;
	status = fetch_async(9, 1, &slow_ret);
	s.slow = status >> 4;
	log_note(NOTE_SLOW_STARTED, s.slow, status & 0xFu);
	s.set = p3_waitable_set_new();
	p3_waitable_join(s.slow, s.set);
	s.slow_open = true;
	uint32_t r = deadline_read(s.deadline, &deadline_value);
	if (r != P3_BLOCKED)
		__builtin_trap(); /* the host completes the deadline later */
	p3_waitable_join(s.deadline, s.set);
	s.deadline_open = true;
	return P3_WAIT(s.set);
}

P3_EXPORT("[callback][async-lift]run") uint32_t run_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	if (event == P3_EVENT_FUTURE_READ && p1 == s.deadline) {
		log_note(NOTE_DEADLINE, deadline_value, p2);
		p3_waitable_join(s.deadline, 0);
		deadline_drop(s.deadline);
		s.deadline_open = false;
		/* A subtask in a waitable set cannot be cancelled (it would
		 * trap): take it out, and back in if the cancel must wait. */
		p3_waitable_join(s.slow, 0);
		uint32_t r = p3_subtask_cancel_async(s.slow);
		log_note(NOTE_CANCEL_RESULT, r, 0);
		if (r != P3_BLOCKED) { /* resolved at once: no event will come */
			p3_subtask_drop(s.slow);
			s.slow_open = false;
		} else {
			p3_waitable_join(s.slow, s.set);
		}
	} else if (event == P3_EVENT_SUBTASK && p1 == s.slow) {
		log_note(NOTE_SLOW_EVENT, p1, p2);
		if (p2 >= P3_SUBTASK_RETURNED) {
			p3_waitable_join(s.slow, 0);
			p3_subtask_drop(s.slow);
			s.slow_open = false;
		}
	}
	if (!s.slow_open && !s.deadline_open)
		return finish();
	return P3_WAIT(s.set);
}
