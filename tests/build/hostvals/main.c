/*
 * hostvals (tests/build/build.cmake): graph-typed values at the host edge.
 * The guest's run calls host_note twice and host_table once; the host
 * checks every param it is shown (views of the guest's memory) and
 * resolves with C values the glue copies into the guest; then the host
 * calls split with a string and reads the list of strings it returns.
 * Each check is a bit, so a failure says which; the guest reports its own
 * checks of what arrived as bits too.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "hostvals.h"

#define WANT 0x7FFFu

static uint32_t bits, guest_bits = 0xDEADu;
/* bigger than the value area (--host-arena, 4096 bytes by default) */
static uint8_t big[5000];

static bool is(hostvals_string_t s, const char *want)
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

static bool first_params(hostvals_string_t msg, hostvals_list2_t xs, hostvals_option3_t tag,
			 hostvals_entry_t e, hostvals_reply_t r)
{
	static const uint32_t want[4] = { 1, 2, 3, 0xFFFFFFFFu };
	bool ok = is(msg, "h\xC3\xA9llo") && xs.len == 4u && xs.elems != 0;
	for (uint32_t i = 0; ok && i < 4u; i++) {
		uint32_t x = 0;
		ok = xs.elems[i] == want[i] && hostvals_list2_get(&xs, i, &x) == 0 && x == want[i];
	}
	uint32_t x;
	ok = ok && hostvals_list2_get(&xs, 4, &x) == FLUE_EINVAL;
	return ok && tag.tag == 1u && tag.u.some == 7u && is(e.name, "ab") && e.score == 42u &&
	       r.tag == HOSTVALS_REPLY_TEXT && is(r.u.text, "zz");
}

void host_note(flue_call_t call, hostvals_string_t msg, hostvals_list2_t xs,
	       hostvals_option3_t tag, hostvals_entry_t e, hostvals_reply_t r)
{
	static uint32_t calls;
	static uint8_t out[32] = "noted: ";
	hostvals_result6_t res = { 0 };
	if (calls++ == 0) {
		bits |= first_params(msg, xs, tag, e, r) ? 0x20u : 0u;
		for (uint32_t i = 0; i < msg.len && i < 24u; i++)
			out[7 + i] = msg.ptr[i];
		res.u.ok = (hostvals_string_t){ out, 7u + msg.len };
		bits |= host_note_return(call, &res) == 0 ? 0x40u : 0u;
		return;
	}
	bits |= is(msg, "big") && xs.len == 0u && tag.tag == 0u && e.name.len == 0u &&
		e.score == 0u && r.tag == HOSTVALS_REPLY_NONE ? 0x80u : 0u;
	/* too big for the value area: refused, the call still waits */
	res.u.ok = (hostvals_string_t){ big, sizeof big };
	bits |= host_note_return(call, &res) == FLUE_ENOMEM ? 0x100u : 0u;
	res.tag = 5; /* no such case */
	bits |= host_note_return(call, &res) == FLUE_EINVAL ? 0x200u : 0u;
	res.tag = 1, res.u.err = 7;
	bits |= host_note_return(call, &res) == 0 ? 0x400u : 0u;
	bits |= host_note_return(call, &res) == FLUE_EBADF ? 0x800u : 0u;
}

void host_table(flue_call_t call, uint32_t n)
{
	static uint8_t names[8][2];
	static hostvals_entry_t es[8];
	for (uint32_t i = 0; i < n && i < 8u; i++) {
		names[i][0] = 'e', names[i][1] = (uint8_t)('0' + i);
		es[i] = (hostvals_entry_t){ { names[i], 2 }, 10u * i };
	}
	hostvals_list7_t l = { es, n, { 0 } };
	(void)host_table_return(call, &l);
}

static void on_run(void *user, const uint32_t *r)
{
	(void)user;
	guest_bits = r != 0 ? *r : 0xDEADu;
}

/* split("a,bc,"): ["a", "bc", ""], strings viewed in the guest's memory */
static void on_split(void *user, const hostvals_list1_t *r)
{
	static const char *const want[3] = { "a", "bc", "" };
	(void)user;
	bool ok = r != 0 && r->len == 3u && r->elems == 0;
	for (uint32_t i = 0; ok && i < 3u; i++) {
		hostvals_string_t s;
		ok = hostvals_list1_get(r, i, &s) == 0 && is(s, want[i]);
	}
	bits |= ok ? 0x1u : 0u;
}

/* a string that is not UTF-8: the host's mistake, no value, no guest code */
static void on_bad_split(void *user, const hostvals_list1_t *r)
{
	(void)user;
	bits |= r == 0 ? 0x2u : 0u;
}

int main(void)
{
	if (hostvals_init(flue_board_printf) != 0)
		return 1;
	int rc = hostvals_g_run(on_run, 0, 0);
	rc |= hostvals_run();
	static const uint8_t text[] = "a,bc,", bad[] = "\xC3\x28";
	rc |= hostvals_g_split((hostvals_string_t){ text, 5 }, on_split, 0, 0);
	rc |= hostvals_g_split((hostvals_string_t){ bad, 2 }, on_bad_split, 0, 0);
	bits |= hostvals_g_split((hostvals_string_t){ big, sizeof big }, on_split, 0, 0) ==
		FLUE_ENOMEM ? 0x4u : 0u;
	rc |= hostvals_run();
	uint32_t size = 0;
	bits |= hostvals_host_arena(&size) != 0 && size == 4096u ? 0x8u : 0u;
	bits |= rc == 0 ? 0x10u : 0u;
	bits |= (guest_bits & 0x1Fu) == 0x1Fu ? 0x7000u : 0u;
	flue_board_printf("hostvals: host checks 0x%x (want 0x%x), guest checks 0x%x (want 0x1f)\n",
			  (unsigned)bits, (unsigned)WANT, (unsigned)guest_bits);
	int fail = bits != WANT || guest_bits != 0x1Fu;
	flue_board_printf("hostvals: %s\n", fail ? "FAILED" : "ok");
	return fail;
}
