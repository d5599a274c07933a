/* Shared by the request example's guests: what they tell the host. */
#ifndef REQUEST_GUEST_H
#define REQUEST_GUEST_H

#include "p3.h"

enum note {
	NOTE_FAST_RETURNED = 1,     /* a: value (fast request, returned at once) */
	NOTE_SLOW_STARTED = 2,      /* a: subtask index, b: its state when the call returned */
	NOTE_DEADLINE = 3,          /* a: the deadline's value */
	NOTE_CANCEL_RESULT = 4,     /* a: what subtask.cancel returned */
	NOTE_SLOW_EVENT = 5,        /* a: subtask index, b: its state (the SUBTASK event) */
	NOTE_SERVER_CANCELLED = 6,  /* a: key of the request that got TASK_CANCELLED */
	NOTE_SERVER_CANCEL_DONE = 7,/* a: key: the server called task.cancel */
};

P3_IMPORT("example:request/log", "note") void log_note(uint32_t what, uint32_t a, uint32_t b);

#endif
