/*
 * Programs that must fail on the MPS2 board, one per BOARD_FAIL_MODE, to
 * prove that a failure reaches QEMU's exit status (tests/board/board.cmake
 * checks the exact status and the report with expect_status.sh):
 *   1  main() returns 3                    -> exit status 3
 *   2  a load from 0xF0000000 (vendor      -> report, status 128 + 5
 *      system area, nothing there): BusFault
 *   3  assert() fails (newlib's hook, here  -> report, status 134
 *      replaced by the board's, heap-free)
 *   4  (Cortex-M33) unbounded recursion:    -> report, status 128 + 6
 *      the stack limit (MSPLIM) raises a
 *      UsageFault (STKOF) before the stack
 *      reaches the statics
 */
/* Release builds define NDEBUG; this program needs its assert(). */
#undef NDEBUG
#include <assert.h>
#include <stdint.h>

#include <flue/board.h>

#if BOARD_FAIL_MODE == 4
static volatile uint32_t keep_going = 1u;

/* Recursion the compiler cannot bound: 256 bytes of stack per level. */
__attribute__((noinline)) static uint32_t deep(uint32_t n)
{
	volatile uint8_t frame[256];
	frame[0] = (uint8_t)n;
	return (keep_going != 0u ? deep(n + 1u) : 0u) + frame[0];
}
#endif

int main(void)
{
	flue_board_printf("board fail mode %d\n", BOARD_FAIL_MODE);
#if BOARD_FAIL_MODE == 1
	return 3;
#elif BOARD_FAIL_MODE == 2
	volatile uint32_t *nothing = (volatile uint32_t *)0xF0000000u;
	flue_board_printf("read 0x%x\n", (unsigned)*nothing);
	return 0;
#elif BOARD_FAIL_MODE == 3
	volatile int answer = 42;
	assert(answer == 43);
	return 0;
#elif BOARD_FAIL_MODE == 4
	return (int)deep(0);
#else
#error "BOARD_FAIL_MODE must be 1, 2, 3 or 4"
#endif
}
