/* First end-to-end checks of the built-ins; the full suites sit beside it. */
#include "abi_test.h"

FT_TEST(stream_new_allocates_readable_first)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(lo32(s), 1);
	FT_EQ(hi32(s), 2);
	uint64_t f = flue_canon_future_new(fx.a, fx.u8);
	FT_EQ(lo32(f), 3);
	FT_EQ(hi32(f), 4);
}

FT_TEST(wasm_to_wasm_read_meets_write)
{
	fx_setup();
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	FT_EQ(flue_canon_stream_read(fx.a, fx.u8, FLUE_OPT_ASYNC, lo32(s), 100, 8), FLUE_BLOCKED);
	memcpy(fx.a_mem + 200, "abcd", 4);
	FT_EQ(flue_canon_stream_write(fx.a, fx.u8, FLUE_OPT_ASYNC, hi32(s), 200, 4),
	      PACK(FLUE_COMPLETED, 4));
	FT_TRUE(memcmp(fx.a_mem + 100, "abcd", 4) == 0);
	uint32_t ws = flue_canon_waitable_set_new(fx.a);
	flue_canon_waitable_join(fx.a, lo32(s), ws);
	FT_EQ(flue_canon_waitable_set_poll(fx.a, ws, 16), FLUE_EVENT_CODE_STREAM_READ);
	FT_EQ(ld32(fx.a_mem, 16), lo32(s));
	FT_EQ(ld32(fx.a_mem, 20), PACK(FLUE_COMPLETED, 4));
	FT_EQ(flue_canon_waitable_set_poll(fx.a, ws, 16), FLUE_EVENT_CODE_NONE);
}

FT_TEST(bad_handle_traps_and_poisons)
{
	fx_setup();
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, flue_canon_stream_read(fx.a, fx.u8, FLUE_OPT_ASYNC, 7, 0, 1));
	FT_TRUE(FX_READ(fx.a->poisoned));
	FT_TRAPS(FLUE_TRAP_POISONED, flue_canon_waitable_set_new(fx.a));
	FT_FALSE(FX_READ(fx.b->poisoned));
	FT_EQ(flue_canon_waitable_set_new(fx.b), 1);
}

/* An instance the embedder gave no linear memory: pointer-taking built-ins
 * say so; unit streams and zero-length ops need none. */
FT_TEST(no_memory_traps_with_its_own_reason)
{
	struct flue_instance *c = NULL;
	fx_setup();
	FT_EQ(flue_instance_create(&fx.store, &c), 0);
	uint64_t u = flue_canon_stream_new(c, fx.unit);
	FT_EQ(flue_canon_stream_read(c, fx.unit, FLUE_OPT_ASYNC, lo32(u), 64, 4), FLUE_BLOCKED);
	uint64_t s = flue_canon_stream_new(c, fx.u8);
	FT_EQ(flue_canon_stream_read(c, fx.u8, FLUE_OPT_ASYNC, lo32(s), 0, 0), FLUE_BLOCKED);
	FT_TRAPS(FLUE_TRAP_NO_MEMORY,
		 flue_canon_stream_write(c, fx.u8, FLUE_OPT_ASYNC, hi32(s), 0, 1));
	FT_TRUE(FX_READ(c->poisoned));
}

FT_SUITE(smoke,
	 FT_CASE(no_memory_traps_with_its_own_reason),
	 FT_CASE(stream_new_allocates_readable_first),
	 FT_CASE(wasm_to_wasm_read_meets_write),
	 FT_CASE(bad_handle_traps_and_poisons))
