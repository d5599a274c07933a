/*
 * hoststrs (tests/build/build.cmake): host stream/future ends of a graph
 * element type. The guest's run (guest.c) asks the host for a stream of
 * strings (words: the host keeps the writable end) and parks a read of 3;
 * gives the host the readable end of its own stream (take) and
 * parks a write of 3; then waits. The host meets both with the typed
 * write and read of the glue, then lets run finish. Each check is a bit,
 * so a failure says which; the guest reports its own checks as bits too.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "hoststrs.h"

#define WANT 0x3FFu

static uint32_t bits, guest_bits = 0xDEADu;
static hoststrs_stream_string_t writer, reader; /* the host's ends */
/* bigger than the value area (--host-arena, 4096 bytes by default) */
static uint8_t big[5000];

hoststrs_stream_string_t hoststrs_host_words(void)
{
	uint32_t rd = 0;
	bits |= flue_host_stream_new(hoststrs_host(), HOSTSTRS_ELEM_STRING, &rd, &writer.handle) ==
		0 ? 0x1u : 0u;
	return (hoststrs_stream_string_t){ rd };
}

void hoststrs_host_take(hoststrs_stream_string_t s)
{
	reader = s;
}

static bool is(hoststrs_string_t s, const char *want)
{
	uint32_t n = 0;
	while (want[n] != '\0')
		n++;
	if (s.len != n || (n > 0 && s.ptr == 0))
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (s.ptr[i] != (uint8_t)want[i])
			return false;
	return true;
}

static void on_run(void *user, const uint32_t *r)
{
	(void)user;
	guest_bits = r != 0 ? *r : 0xDEADu;
}

/* The guest's read of 3 is parked: refused values leave it as it was,
 * then 3 strings move (its realloc places them) and fill it. */
static void write_words(void)
{
	static const uint8_t bad[] = "\xC3\x28";
	struct flue_host_outcome out = { 0 };
	hoststrs_string_t w[3] = { { (const uint8_t *)"one", 3 }, { 0, 0 },
				   { (const uint8_t *)"gr\xC3\xBC\xC3\x9F", 6 } };
	hoststrs_string_t no[1] = { { bad, 2 } }, huge[1] = { { big, sizeof big } };
	bits |= hoststrs_stream_string_write(writer, no, 1, &out) == FLUE_EINVAL ? 0x2u : 0u;
	bits |= hoststrs_stream_string_write(writer, huge, 1, &out) == FLUE_ENOMEM ? 0x4u : 0u;
	bits |= hoststrs_stream_string_write(writer, w, 3, &out) == 0 && out.done &&
		out.result == FLUE_RESULT_COMPLETED && out.progress == 3u ? 0x8u : 0u;
	/* no reader waiting now (the guest's buffer is full): cancelled at
	 * once, nothing moved */
	bits |= hoststrs_stream_string_write(writer, w, 1, &out) == 0 && out.done &&
		out.result == FLUE_RESULT_CANCELLED && out.progress == 0u ? 0x10u : 0u;
}

/* The guest's write of 3 is parked: its strings arrive in the read area. */
static void read_words(void)
{
	struct flue_host_outcome out = { 0 };
	hoststrs_string_t got[8] = { { 0, 0 } };
	bits |= hoststrs_stream_string_read(reader, got, 8, &out) == 0 && out.done &&
		out.result == FLUE_RESULT_COMPLETED && out.progress == 3u ? 0x20u : 0u;
	uint32_t size = 0;
	const uint8_t *arena = hoststrs_host_arena(&size);
	bool in = got[0].ptr > arena && got[2].ptr > arena;
	bits |= in && is(got[0], "from the guest") && got[1].len == 0u &&
		is(got[2], "\xCE\xB1\xCE\xB2\xCE\xB3 \xF0\x9F\x8E\x89") ? 0x40u : 0u;
	/* no writer waiting now: cancelled at once */
	bits |= hoststrs_stream_string_read(reader, got, 8, &out) == 0 && out.done &&
		out.result == FLUE_RESULT_CANCELLED && out.progress == 0u ? 0x80u : 0u;
}

int main(void)
{
	if (hoststrs_init(flue_board_printf) != 0)
		return 1;
	int rc = hoststrs_g_run(on_run, 0, 0);
	/* run waits, both its ops parked: only the host can go on */
	rc |= hoststrs_run() == FLUE_EAGAIN ? 0 : 1;
	write_words();
	read_words();
	rc |= hoststrs_run();
	bits |= flue_host_drop(hoststrs_host(), writer.handle) == 0 &&
		flue_host_drop(hoststrs_host(), reader.handle) == 0 ? 0x100u : 0u;
	bits |= rc == 0 ? 0x200u : 0u;
	flue_board_printf("hoststrs: host checks 0x%x (want 0x%x), guest checks 0x%x (want 0xf)\n",
			  (unsigned)bits, (unsigned)WANT, (unsigned)guest_bits);
	int fail = bits != WANT || guest_bits != 0xFu;
	flue_board_printf("hoststrs: %s\n", fail ? "FAILED" : "ok");
	return fail;
}
