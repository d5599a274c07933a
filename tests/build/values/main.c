/*
 * values (tests/build/build.cmake): two guests pass a string and a
 * list<u32> each way (sync and async, flue's type graphs, UTF-8 at both
 * ends, each side's cabi_realloc); the caller reports its checks as bits.
 */
#include <stdint.h>

#include <flue/board.h>

#include "values.h"

static uint32_t got = 0xDEADu;

static void on_done(void *user, const uint32_t *r)
{
	(void)user;
	got = r != 0 ? *r : 0xDEADu;
}

int main(void)
{
	if (values_init(flue_board_printf) != 0)
		return 1;
	int rc = values_caller_run(on_done, 0, 0);
	rc |= values_run();
	flue_board_printf("values: greet %s, in the caller's heap %s; reverse %s, %s; realloc %s\n",
			  got & 1u ? "\"hello, flue\"" : "WRONG", got & 2u ? "yes" : "NO",
			  got & 4u ? "RETURNED" : "NOT RETURNED", got & 8u ? "[5 4 3 2 1]" : "WRONG",
			  got & 16u ? "called" : "NOT CALLED");
	int bad = rc != 0 || got != 0x1Fu;
	flue_board_printf("values: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
