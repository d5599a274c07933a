/*
 * elements (tests/build/build.cmake): the writer streams strings and a
 * result<list<u8>, string> future to the reader, whose cabi_realloc
 * receives them; then the reader's realloc traps inside the writer's
 * stream.write. The writer reports its checks and the reader's as bits
 * (words.h); here: that the reader, and only it, trapped, in its
 * cabi_realloc, on the wasm trap its __builtin_trap() is.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/w2c.h>

#include "elements.h"

#define R_ALL 0x1FFu
#define W_ALL 0x0FFu

static bool resolved;
static uint32_t got = 0xDEADu;

static void on_done(void *user, const uint32_t *r)
{
	(void)user;
	resolved = true;
	got = r != 0 ? *r : 0xDEADu;
}

static bool same(const char *a, const char *b)
{
	if (a == 0 || b == 0)
		return false;
	while (*a != '\0' && *a == *b)
		a++, b++;
	return *a == *b;
}

int main(void)
{
	if (elements_init(flue_board_printf) != 0)
		return 1;
	int rc = elements_writer_run(on_done, 0, 0);
	rc |= elements_run();
	struct flue_w2c_trap_info t = flue_w2c_last_trap();
	bool trap = t.trapped && same(t.instance, "reader") && same(t.running, "cabi_realloc") &&
		    t.reason == FLUE_TRAP_WASM_UNREACHABLE;
	bool reader_trapped = elements_instance_reader()->poisoned;
	bool writer_fine = !elements_instance_writer()->poisoned;
	flue_board_printf("elements: writer checks 0x%x of 0x%x, reader's 0x%x of 0x%x; reader %s "
			  "(%s), writer %s\n", (unsigned)(got & 0xFFFFu), W_ALL,
			  (unsigned)(got >> 16), R_ALL, reader_trapped ? "trapped" : "NOT TRAPPED",
			  trap ? "in cabi_realloc: unreachable" : "WRONG TRAP",
			  writer_fine ? "fine" : "TRAPPED");
	bool bad = rc != 0 || !resolved || got != (W_ALL | R_ALL << 16) || !trap ||
		   !reader_trapped || !writer_fine;
	flue_board_printf("elements: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
