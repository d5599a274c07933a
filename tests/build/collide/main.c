/* collide: every call reaches the right instance with the right types. */
#include <flue/board.h>

#include "collide.h"

static uint64_t got[4];

/* The host side of beta's `scale: async func`: resolved at once here (a
 * real host could resolve it later, from its own loop). */
void collide_scale(flue_call_t call, uint64_t x)
{
	if (collide_scale_return(call, x * 3u) != 0)
		flue_board_printf("collide_scale_return failed\n");
}
static unsigned ngot;

static void on_u32(void *user, const uint32_t *r)
{
	(void)user;
	got[ngot++] = r != 0 ? *r : 0xDEADu;
}

static void on_u64(void *user, const uint64_t *r)
{
	(void)user;
	got[ngot++] = r != 0 ? *r : 0xDEADu;
}

int main(void)
{
	if (collide_init(flue_board_printf) != 0)
		return 1;
	collide_a1_run(5, on_u32, 0, 0);
	collide_a1_run(6, on_u32, 0, 0);
	collide_a2_run(7, on_u32, 0, 0);
	collide_b_run(9, on_u64, 0, 0);
	int rc = collide_run();
	static const uint64_t want[4] = { 1005u, 2006u, 1007u, (1ull << 40) + 27u };
	int bad = rc != 0 || ngot != 4;
	for (unsigned i = 0; i < 4; i++) {
		flue_board_printf("call %u: %llu (want %llu)\n", i, (unsigned long long)got[i],
				  (unsigned long long)want[i]);
		bad |= got[i] != want[i];
	}
	flue_board_printf("collide: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
