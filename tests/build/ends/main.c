/*
 * ends (tests/build/build.cmake): the writer passes stream ends inside
 * values to the reader — a record { name: string, s: stream<u8> } and a
 * list<stream<u8>> — and writes the streams; the reader reads them through
 * the ends it received. The writer reports its checks and the reader's as
 * bits (bits.h): all of them, and no instance trapped.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>

#include "ends.h"

#define W_ALL 0x7Fu
#define R_TAKE_ALL 0x07u
#define R_TAKES_ALL 0x38u

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
	if (ends_init(flue_board_printf) != 0)
		return 1;
	int rc = ends_writer_run(on_done, 0, 0);
	rc |= ends_run();
	bool fine = !ends_instance_reader()->poisoned && !ends_instance_writer()->poisoned;
	uint32_t want = W_ALL | R_TAKE_ALL << 8 | R_TAKES_ALL << 16;
	flue_board_printf("ends: writer checks 0x%x of 0x%x, reader's take 0x%x of 0x%x, takes "
			  "0x%x of 0x%x; %s\n", (unsigned)(got & 0xFFu), W_ALL,
			  (unsigned)(got >> 8 & 0xFFu), R_TAKE_ALL, (unsigned)(got >> 16 & 0xFFu),
			  R_TAKES_ALL, fine ? "no trap" : "TRAPPED");
	bool bad = rc != 0 || !resolved || got != want || !fine;
	flue_board_printf("ends: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
