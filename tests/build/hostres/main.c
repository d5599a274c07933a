/*
 * hostres (tests/build/build.cmake): the host implements `counter`, which
 * the guest constructs, adds to (its borrowed self reaches the host as the
 * rep) and drops (the host's destructor sees each rep once, in the order
 * the guest dropped them); and the host returns a readable end inside a
 * result<stream<u8>, string>, writes 3 bytes the guest reads, and an err
 * string. A method's params that hold a borrow arrive in the arrival
 * area; a list too big for it reaches load's _failed with FLUE_ENOMEM. The guest's checks come back as bits (guest.c); the host checks
 * what it saw. Expected values are the semantics': reps 0x40 + slot in
 * construction order, 5 + 3, 7 + 10 + 1.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>

#include "hostres.h"

#define ALL 0x1FFu
#define REP0 0x40u

static uint32_t values[4], nslots, bad;
static uint32_t dtor_reps[4], ndtor;
static uint32_t writer; /* the writable end of open(3)'s stream */

void hostres_store_counter_dtor(uint32_t rep)
{
	if (ndtor < 4u)
		dtor_reps[ndtor] = rep;
	ndtor++;
}

void hostres_store__constructor_counter(flue_call_t call, uint32_t start)
{
	uint32_t slot = nslots++, h = 0, back = 0;
	values[slot & 3u] = start;
	bad += hostres_store_counter_new(REP0 + slot, &h) != 0;
	bad += hostres_store_counter_rep(h, &back) != 0 || back != REP0 + slot;
	bad += hostres_store__constructor_counter_return(call, &h) != 0;
}

void hostres_store__method_counter_add(flue_call_t call, uint32_t self, uint32_t n)
{
	uint32_t r = 0;
	if (self >= REP0 && self < REP0 + nslots)
		r = values[self - REP0] += n;
	else
		bad++;
	bad += hostres_store__method_counter_add_return(call, &r) != 0;
}

/* Its params (a borrow) did not fit the arrival area: never here. */
void hostres_store__method_counter_add_failed(flue_call_t call, int rc)
{
	uint32_t r = 0;
	(void)rc;
	bad++;
	(void)hostres_store__method_counter_add_return(call, &r);
}

void hostres_store_open(flue_call_t call, uint32_t n)
{
	hostres_result2_t r = { 0 };
	if (n == 0u) {
		r.tag = 1;
		r.u.err = (hostres_string_t){ (const uint8_t *)"none", 4 };
	} else {
		uint32_t rd = 0, size = 0;
		uint8_t *a = hostres_host_arena(&size);
		struct flue_host_outcome out = { 0 };
		bad += flue_host_stream_new(hostres_host(), HOSTRES_ELEM_U8, &rd, &writer) != 0;
		for (uint32_t i = 0; i < n; i++)
			a[i] = (uint8_t)(i + 1u);
		/* no reader yet: the write waits for the guest's read */
		bad += flue_host_write(hostres_host(), writer, a, n, &out) != 0 || out.done;
		r.tag = 0;
		r.u.ok.handle = rd;
	}
	bad += hostres_store_open_return(call, &r) != 0;
}

static bool resolved;
static uint32_t got = 0xDEADu;

/* load(xs): adds their sum. The list is read in the arrival area, where
 * the library moved the params (they hold a borrow). */
void hostres_store__method_counter_load(flue_call_t call, uint32_t self, hostres_list0_t xs)
{
	uint32_t r = 0, sum = 0, size = 0;
	const uint8_t *arena = hostres_host_arena(&size);
	/* past the program's part and the value area: the arrival area */
	bad += (const uint8_t *)xs.elems < arena + 2u * size;
	for (uint32_t i = 0; i < xs.len; i++)
		sum += xs.elems[i];
	if (self >= REP0 && self < REP0 + nslots)
		r = values[self - REP0] += sum;
	else
		bad++;
	bad += hostres_store__method_counter_load_return(call, &r) != 0;
}

/* load() of 2000 elements: 8000 bytes do not fit the 4096-byte arrival
 * area, so the value was dropped: answer 0xfa11. */
static int load_failed = 1;

void hostres_store__method_counter_load_failed(flue_call_t call, int rc)
{
	uint32_t r = 0xFA11u;
	load_failed = rc;
	bad += hostres_store__method_counter_load_return(call, &r) != 0;
}

static void on_done(void *user, const uint32_t *r)
{
	(void)user;
	resolved = true;
	got = r != 0 ? *r : 0xDEADu;
}

/* The program's own handle: dropped by the program, no destructor. */
static bool own_handle(void)
{
	uint32_t h = 0, rep = 0;
	bool ok = hostres_store_counter_new(99, &h) == 0;
	ok = ok && hostres_store_counter_drop(h, &rep) == 0 && rep == 99u;
	return ok && hostres_store_counter_rep(h, &rep) == FLUE_EBADF && ndtor == 0u;
}

int main(void)
{
	if (hostres_init(flue_board_printf) != 0)
		return 1;
	bool own = own_handle();
	int rc = hostres_g_run(on_done, 0, 0);
	rc |= hostres_run();
	struct flue_host_outcome out = { 0 };
	/* The guest read the 3 bytes, then dropped its end before the host
	 * collected its write: the write ends DROPPED with its progress, 3
	 * (definitions.py: the writer's copy stays pending until its event
	 * is delivered, and the reader's drop notifies a pending copy). */
	bool wrote = flue_host_poll(hostres_host(), writer, &out) == 0 && out.done &&
		     out.result == FLUE_RESULT_DROPPED && out.progress == 3u &&
		     flue_host_drop(hostres_host(), writer) == 0;
	bool dtors = ndtor == 2u && dtor_reps[0] == REP0 && dtor_reps[1] == REP0 + 1u;
	bool fine = !hostres_instance_g()->poisoned && load_failed == FLUE_ENOMEM;
	flue_board_printf("hostres: checks 0x%x of 0x%x; dtor %u (0x%x 0x%x); write %s; own %s; "
			  "bad %u; %s\n", (unsigned)got, ALL, (unsigned)ndtor,
			  (unsigned)dtor_reps[0], (unsigned)dtor_reps[1], wrote ? "ok" : "BAD",
			  own ? "ok" : "BAD", (unsigned)bad, fine ? "no trap" : "TRAPPED");
	bool failed = rc != 0 || !resolved || got != ALL || !dtors || !wrote || !own || bad != 0 ||
		      !fine;
	flue_board_printf("hostres: %s\n", failed ? "FAILED" : "ok");
	return failed;
}
