/*
 * twins: two calls of one stackful export at once, under flue-build
 * --isolate on the boards (tests/build/build.cmake). Each call is suspended
 * inside the instance's guest code (thread.yield) while the other runs, so
 * each needs a guest stack of its own.
 *
 * Ready tasks run FIFO, so the calls alternate: call 1 starts, yields; call
 * 2 starts, yields; call 1 finds 2 ran, ... Call 1's last turn ends the
 * loop without running on, so it counts every one of its ROUNDS turns and
 * call 2 all but its last: ROUNDS and ROUNDS - 1.
 */
#include <stdint.h>

#include <flue/board.h>

#include "twins.h"

#define ROUNDS 20u

static uint32_t got[2] = { 0xDEADu, 0xDEADu };
static unsigned ngot;

static void on_done(void *user, const uint32_t *r)
{
	got[(uintptr_t)user] = r != 0 ? *r : 0xDEADu;
	ngot++;
}

int main(void)
{
	if (twins_init(flue_board_printf) != 0)
		return 1;
	int rc = twins_twin_run(1, ROUNDS, on_done, (void *)0, 0);
	rc |= twins_twin_run(2, ROUNDS, on_done, (void *)1, 0);
	rc |= twins_run();
	flue_board_printf("twins: call 1 crossed %u, call 2 crossed %u (want %u, %u)\n",
			  (unsigned)got[0], (unsigned)got[1], ROUNDS, ROUNDS - 1u);
	int bad = rc != 0 || ngot != 2 || got[0] != ROUNDS || got[1] != ROUNDS - 1u;
	flue_board_printf("twins: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
