/*
 * Moves with one instance on both sides (a component calling itself):
 * its realloc is guest code of the source's own instance and may rewrite
 * the source value between the first pass (the checks) and the move. The
 * reference lifts the whole value before any realloc, so it never sees
 * such a change; flue checks the value again as it moves it, and traps
 * the instance (never reading or writing outside its memory or table).
 * Review findings (each crashed or wrote past memory before the fix).
 */
#include "vals_test.h"

static uint32_t ev_off, ev_ret;
static uint8_t ev_byte;

/* A realloc of A that rewrites one byte of the source value in A. */
static uint32_t rewriting_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size,
				  uint32_t align, uint32_t new_size)
{
	(void)ctx, (void)old_ptr, (void)old_size, (void)align, (void)new_size;
	fx.a_mem[ev_off] = ev_byte;
	return ev_ret;
}

static void move_a_to_a(const struct flue_tgraph *g, const uint16_t *ts, uint32_t smax,
			const flue_flat_t *in, uint32_t nin)
{
	flue_flat_t out[8] = { 0 };
	uint32_t nout = 0;
	struct flue_vmove m = {
		.g = g, .ts = ts, .nts = 1,
		.src = { fx.a, NULL, NULL, FLUE_STRING_UTF8 }, .src_max_flat = smax,
		.flat = in, .nflat = nin,
		.dst = { fx.a, rewriting_realloc, NULL, FLUE_STRING_UTF8 }, .dst_max_flat = 16,
		.flat_out = out, .nflat_out = &nout, .task = FLUE_TASK_NONE,
	};
	flue_vals_move(&m);
}

/* "a" checked, then made 0xFF by the realloc that returned the last byte
 * of memory: the move traps, nothing is written past A's memory. */
FT_TEST(same_instance_string_rewritten_by_realloc_traps)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t ts[1] = { tb_prim(&b, FLUE_VT_STRING) };
	const struct flue_tgraph *g = tb_done(&b);
	fx.a_mem[0x100] = 'a';
	flue_flat_t in[2] = { 0x100, 1 };
	ev_off = 0x100, ev_byte = 0xFF, ev_ret = MEM_SIZE - 1u;
	memset(fx.b_mem, 0x11, 4); /* b_mem follows a_mem in struct fx */
	FT_TRAPS(FLUE_TRAP_BAD_ENCODING, move_a_to_a(g, ts, 16, in, 2));
	for (uint32_t k = 0; k < 4u; k++)
		FT_EQ(fx.b_mem[k], 0x11);
}

/* record { list<u8>, option<T> } in memory: the option is none when
 * checked; the list's realloc makes it some(0x7FFFFFFF). A borrow or an
 * error context read again is checked against the table; an own the
 * first pass did not take is refused. */
static void option_flipped(const char *type, enum flue_trap_reason why)
{
	fx_setup();
	struct tb b;
	tb_init(&b);
	uint16_t ts[1] = { tb_parse(&b, type) };
	const struct flue_tgraph *g = tb_done(&b);
	stw(fx.a_mem, 0x200, 0x300), stw(fx.a_mem, 0x204, 1);
	fx.a_mem[0x208] = 0;
	stw(fx.a_mem, 0x20C, 0x7FFFFFFFu);
	flue_flat_t in[1] = { 0x200 };
	ev_off = 0x208, ev_byte = 1, ev_ret = 0x1000;
	FT_TRAPS(why, move_a_to_a(g, ts, 0, in, 1));
}

FT_TEST(same_instance_handles_rewritten_by_realloc_trap)
{
	option_flipped("record(list(u8),option(borrow(1)))", FLUE_TRAP_BAD_HANDLE);
	option_flipped("record(list(u8),option(errctx))", FLUE_TRAP_BAD_HANDLE);
	option_flipped("record(list(u8),option(own(1)))", FLUE_TRAP_BAD_HANDLE);
}

FT_SUITE(vals_same,
	 FT_CASE(same_instance_string_rewritten_by_realloc_traps),
	 FT_CASE(same_instance_handles_rewritten_by_realloc_trap))
