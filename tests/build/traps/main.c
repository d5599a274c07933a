/* traps: run `trapper.run(kind)` and print what happened. */
#include <stdlib.h>

#include <flue/board.h>
#include <flue/w2c.h>

#include "traps.h"

static bool resolved;
static uint32_t value;

static void on_done(void *user, const uint32_t *r)
{
	(void)user;
	resolved = true;
	value = r != 0 ? *r : 0xDEADu;
}

int main(int argc, char **argv)
{
	uint32_t kind = argc > 1 ? (uint32_t)atoi(argv[1]) : 0u;
	if (traps_init(flue_board_printf) != 0)
		return 1;
	if (traps_trapper_run(kind, on_done, 0, 0) != 0)
		return 1;
	int rc = traps_run();
	struct flue_w2c_trap_info t = flue_w2c_last_trap();
	flue_board_printf("kind %u: run %d, %s %u, trapper %s, helper %s\n", kind, rc,
			  resolved ? "resolved" : "unresolved", value,
			  traps_instance_trapper()->poisoned ? "poisoned" : "fine",
			  traps_instance_helper()->poisoned ? "poisoned" : "fine");
	if (t.trapped)
		flue_board_printf("last trap: %s in '%s': %s\n", t.instance, t.running,
				  flue_trap_message(t.reason));
	return rc == 0 && resolved ? 0 : 1;
}
