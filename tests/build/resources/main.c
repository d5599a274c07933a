/*
 * resources (tests/build/build.cmake): the user constructs counters that
 * impl implements, calls their methods, moves owns to impl inside a record
 * and a list, drops one itself, and gets an error-context in a result. Its
 * checks come back as bits (user.c): all of them, and no instance trapped.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>

#include "resources.h"

#define ALL 0x1FFu

static bool resolved;
static uint32_t got = 0xDEADu;

static void on_done(void *user, const uint32_t *r)
{
	(void)user;
	resolved = true;
	got = r != 0 ? *r : 0xDEADu;
}

int main(void)
{
	if (resources_init(flue_board_printf) != 0)
		return 1;
	int rc = resources_user_run(on_done, 0, 0);
	rc |= resources_run();
	bool fine = !resources_instance_impl()->poisoned && !resources_instance_user()->poisoned;
	flue_board_printf("resources: checks 0x%x of 0x%x; %s\n", (unsigned)got, ALL,
			  fine ? "no trap" : "TRAPPED");
	bool bad = rc != 0 || !resolved || got != ALL || !fine;
	flue_board_printf("resources: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
