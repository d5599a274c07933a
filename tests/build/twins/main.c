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
 *
 * Isolated (TWINS_ISOLATED), then: while a call holds the instance's first
 * guest stack (suspended in a yield), `deep` runs on the second and
 * recurses past its end, which traps the instance with a memory protection
 * fault: on the Cortex-M3 inside the second stack's guard region (its
 * lowest FLUE_W2C_STACK_GUARD bytes), not in the first stack below it; on
 * the Cortex-M33 at its PSPLIM.
 */
#include <stdint.h>

#include <flue/board.h>
#include <flue/w2c.h>

#include "twins.h"

#define ROUNDS 20u

static uint32_t got[2] = { 0xDEADu, 0xDEADu };
static unsigned ngot;

static void on_done(void *user, const uint32_t *r)
{
	got[(uintptr_t)user] = r != 0 ? *r : 0xDEADu;
	ngot++;
}

#ifdef TWINS_ISOLATED
static struct flue_w2c_trap_info deep_trap;

/* Runs as deep's trap resolves it: the trap reported last is its own (the
 * other call, resumed later in a trapped instance, reports another). */
static void on_deep(void *user, const uint32_t *r)
{
	(void)user;
	got[1] = r != 0 ? *r : 0xDEADu;
	ngot++;
	deep_trap = flue_w2c_last_trap();
}

static int overflow_second_stack(void)
{
	ngot = 0;
	got[0] = got[1] = 0;
	int rc = twins_twin_run(1, 1000u, on_done, (void *)0, 0);
	rc |= twins_twin_deep(on_deep, 0, 0);
	(void)twins_run();
	struct flue_w2c_trap_info t = deep_trap;
	flue_board_printf("twins: deep: %s%s0x%x\n", t.trapped ? flue_trap_message(t.reason) : "",
			  t.has_addr ? " at " : " (no address) ", (unsigned)t.addr);
	int bad = rc != 0 || !t.trapped || t.reason != FLUE_TRAP_MEMORY_FAULT || ngot != 2 ||
		  got[0] != 0xDEADu || got[1] != 0xDEADu;
#if defined(__ARM_ARCH_7M__)
	/* The guest block is 64 KiB, aligned to its size, its 4 KiB stacks
	 * first (docs/MPU.md): the fault is in the second one's guard. */
	bad |= !t.has_addr || t.addr % 65536u / 4096u != 1u || t.addr % 4096u >= FLUE_W2C_STACK_GUARD;
#endif
	return bad;
}
#endif

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
#ifdef TWINS_ISOLATED
	bad |= overflow_second_stack();
#endif
	flue_board_printf("twins: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
