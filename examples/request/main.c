/*
 * request, the host side: hands the client a deadline future, runs until
 * only the deadline can make progress, completes it, and checks what
 * happened: the fast request's string ("value-7", result<string,
 * error-code> from the server's memory into the client's) came back, a
 * request for an unknown key got err(not-found), the server received
 * TASK_CANCELLED for the slow one, and the client's subtask event reports
 * CANCELLED_BEFORE_RETURNED. Runs unchanged on the host and under QEMU.
 */
#include <string.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "request.h"

enum { NOTE_FAST_RETURNED = 1, NOTE_SLOW_STARTED, NOTE_DEADLINE, NOTE_CANCEL_RESULT,
       NOTE_SLOW_EVENT, NOTE_SERVER_CANCELLED, NOTE_SERVER_CANCEL_DONE, NOTE_NOT_FOUND };

struct note {
	uint32_t what, a, b;
};

static struct note notes[32];
static uint32_t nnotes;
static bool resolved;
static uint32_t value;

void request_log_note(uint32_t what, uint32_t a, uint32_t b)
{
	if (nnotes < 32u)
		notes[nnotes++] = (struct note){ what, a, b };
}

static const uint32_t *find(uint32_t what)
{
	for (uint32_t i = 0; i < nnotes; i++)
		if (notes[i].what == what)
			return &notes[i].a;
	return 0;
}

static void on_done(void *user, const uint32_t *result)
{
	(void)user;
	resolved = true;
	value = result != 0 ? *result : 0xFFFFFFFFu;
}

static int check(bool ok, const char *what)
{
	if (!ok)
		flue_board_printf("  FAIL: %s\n", what);
	return ok ? 0 : 1;
}

int main(void)
{
	if (request_init(flue_board_printf) != 0)
		return 1;
	struct flue_instance *host = request_host();
	uint32_t r, w, size;
	uint8_t *arena = request_host_arena(&size);
	if (flue_host_future_new(host, REQUEST_ELEM_U32, &r, &w) != 0)
		return 1;
	request_future_u32_t deadline = { r };
	if (request_client_run(deadline, on_done, 0, 0) != 0)
		return 1;
	int rc1 = request_run(); /* the client now waits: slow subtask + deadline */
	uint32_t deadline_value = 100;
	memcpy(arena, &deadline_value, sizeof deadline_value);
	struct flue_host_outcome o;
	int wr = flue_host_write(host, w, arena, 1, &o);
	int rc2 = request_run();
	int dr = flue_host_drop(host, w);

	flue_board_printf("request: client -> server through an async-lowered import\n");
	const uint32_t *fast = find(NOTE_FAST_RETURNED), *slow = find(NOTE_SLOW_STARTED);
	const uint32_t *cancel = find(NOTE_CANCEL_RESULT), *ev = find(NOTE_SLOW_EVENT);
	const uint32_t *srv = find(NOTE_SERVER_CANCELLED), *srv_done = find(NOTE_SERVER_CANCEL_DONE);
	const uint32_t *missing = find(NOTE_NOT_FOUND);
	if (fast != 0)
		flue_board_printf("  fast request: returned before the call did, ok(string of %u "
				  "bytes)%s\n", fast[0], fast[1] ? ", \"value-7\"" : ", WRONG BYTES");
	if (missing != 0)
		flue_board_printf("  unknown key: %s(%u)%s\n", missing[0] ? "err" : "ok", missing[1],
				  missing[0] == 1u && missing[1] == 0u ? " (not-found)" : "");
	if (slow != 0)
		flue_board_printf("  slow request: subtask %u, state %u (STARTED) when the call returned\n",
				  slow[0], slow[1]);
	flue_board_printf("  run until only the deadline can help: %d (FLUE_EAGAIN = %d)\n", rc1,
			  FLUE_EAGAIN);
	if (cancel != 0)
		flue_board_printf("  deadline written; subtask.cancel returned 0x%x (BLOCKED)\n", cancel[0]);
	if (srv != 0)
		flue_board_printf("  server: TASK_CANCELLED for key %u, then task.cancel\n", srv[0]);
	if (ev != 0)
		flue_board_printf("  client: SUBTASK event for %u, state %u (CANCELLED_BEFORE_RETURNED = 4)\n",
				  ev[0], ev[1]);
	flue_board_printf("  client returned %u\n", value);

	int bad = check(rc1 == FLUE_EAGAIN, "the first run did not stop for the deadline");
	bad |= check(wr == 0 && o.done, "the deadline write did not complete");
	bad |= check(rc2 == 0 && dr == 0, "the second run did not finish");
	bad |= check(resolved && value == 70u,
		     "the client did not return 70 (7 from \"value-7\", times 10)");
	bad |= check(fast != 0 && fast[0] == 7u && fast[1] == 1u, "no fast value \"value-7\"");
	bad |= check(missing != 0 && missing[0] == 1u && missing[1] == 0u,
		     "the unknown key did not get err(not-found)");
	bad |= check(slow != 0 && slow[1] == 1u, "the slow call did not start a subtask");
	bad |= check(srv != 0 && srv[0] == 9u && srv_done != 0, "the server saw no TASK_CANCELLED");
	bad |= check(cancel != 0 && cancel[0] == 0xFFFFFFFFu, "subtask.cancel did not return BLOCKED");
	bad |= check(ev != 0 && ev[1] == 4u, "no CANCELLED_BEFORE_RETURNED event");
	flue_board_printf("request: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
