/* Shared by the request example's guests: what they tell the host. */
#ifndef REQUEST_GUEST_H
#define REQUEST_GUEST_H

#include "p3.h"

enum note {
	NOTE_FAST_RETURNED = 1,     /* a: the value's length, b: 1 if it is "value-7" */
	NOTE_SLOW_STARTED = 2,      /* a: subtask index, b: its state when the call returned */
	NOTE_DEADLINE = 3,          /* a: the deadline's value */
	NOTE_CANCEL_RESULT = 4,     /* a: what subtask.cancel returned */
	NOTE_SLOW_EVENT = 5,        /* a: subtask index, b: its state (the SUBTASK event) */
	NOTE_SERVER_CANCELLED = 6,  /* a: key of the request that got TASK_CANCELLED */
	NOTE_SERVER_CANCEL_DONE = 7,/* a: key: the server called task.cancel */
	NOTE_NOT_FOUND = 8,         /* a: the result's case (1: err), b: the error code */
};

/* result<string, error-code> in linear memory: the case (u8) at 0, the
 * payload at 4 (string: pointer, length; error-code: u8). 12 bytes. */
struct fetch_result {
	uint8_t is_err; /* the case: 0 ok, 1 err */
	union {
		struct {
			uint32_t ptr, len; /* UTF-8 bytes in the receiver's memory */
		} ok;
		uint8_t err; /* enum error-code */
	} u;
};
_Static_assert(sizeof(struct fetch_result) == 12, "result<string, error-code> is 12 bytes");

enum { ERROR_NOT_FOUND = 0, ERROR_TIMED_OUT = 1 };

P3_IMPORT("example:request/log", "note") void log_note(uint32_t what, uint32_t a, uint32_t b);

#endif
