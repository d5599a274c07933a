/*
 * error-context.debug-message with canonical options (definitions.py @
 * 6d28164: canon_error_context_debug_message → store_string of the
 * message, which the deterministic profile makes ('', 'utf8', 0)):
 * store_string_copy / store_utf8_to_utf16 / store_string_to_latin1_or_utf16
 * of the empty string call realloc(0, 0, 1 or 2, 0), check its result and
 * store (pointer, 0).
 */
#include "vals_test.h"

struct dm_log {
	uint32_t n, align, size, ret;
	bool may_leave; /* as seen inside realloc */
};

static struct dm_log dml;

static uint32_t dm_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
			   uint32_t old_size, uint32_t align, uint32_t new_size)
{
	(void)user;
	FT_EQ(old_ptr, 0);
	FT_EQ(old_size, 0);
	dml.n++;
	dml.align = align;
	dml.size = new_size;
	dml.may_leave = FX_READ(inst->may_leave);
	return dml.ret;
}

static uint32_t new_ec(void)
{
	return flue_canon_error_context_new(fx.a, 0, 0);
}

FT_TEST(debug_message_calls_realloc_per_encoding)
{
	static const struct { uint8_t enc; uint32_t align; } cases[] = {
		{ FLUE_STRING_UTF8, 1 }, { FLUE_STRING_UTF16, 2 }, { FLUE_STRING_LATIN1_UTF16, 2 },
	};
	for (uint32_t k = 0; k < 3u; k++) {
		fx_setup();
		dml = (struct dm_log){ .ret = 0x400 };
		struct flue_string_opts o = { dm_realloc, 0, cases[k].enc };
		uint32_t e = new_ec();
		stw(fx.a_mem, 0x100, 0xDEAD), stw(fx.a_mem, 0x104, 0xBEEF);
		flue_canon_error_context_debug_message_opts(fx.a, &o, e, 0x100);
		FT_EQ(dml.n, 1);
		FT_EQ(dml.align, cases[k].align);
		FT_EQ(dml.size, 0);
		FT_FALSE(dml.may_leave);
		FT_TRUE(FX_READ(fx.a->may_leave));
		FT_EQ(ld32(fx.a_mem, 0x100), 0x400);
		FT_EQ(ld32(fx.a_mem, 0x104), 0);
	}
}

/* store_utf8_to_utf16: trap_if(ptr != align_to(ptr, 2)); the utf8 copy
 * checks alignment 1 (none); every form: trap_if(ptr + 0 > len(memory)). */
FT_TEST(debug_message_checks_what_realloc_returned)
{
	static const struct { uint8_t enc; uint32_t ret; enum flue_trap_reason why; } cases[] = {
		{ FLUE_STRING_UTF16, 0x401, FLUE_TRAP_REALLOC_MISALIGNED },
		{ FLUE_STRING_LATIN1_UTF16, 0x401, FLUE_TRAP_REALLOC_MISALIGNED },
		{ FLUE_STRING_UTF8, 0x401, FLUE_TRAP_NONE },
		{ FLUE_STRING_UTF8, MEM_SIZE, FLUE_TRAP_NONE },
		{ FLUE_STRING_UTF8, MEM_SIZE + 1u, FLUE_TRAP_REALLOC_OUT_OF_BOUNDS },
	};
	for (volatile uint32_t k = 0; k < 5u; k++) { /* volatile: setjmp inside */
		fx_setup();
		dml = (struct dm_log){ .ret = cases[k].ret };
		struct flue_string_opts o = { dm_realloc, 0, cases[k].enc };
		uint32_t e = new_ec();
		if (cases[k].why != FLUE_TRAP_NONE) {
			FT_TRAPS(cases[k].why, flue_canon_error_context_debug_message_opts(fx.a, &o, e, 8));
			continue;
		}
		flue_canon_error_context_debug_message_opts(fx.a, &o, e, 8);
		FT_EQ(ld32(fx.a_mem, 8), cases[k].ret);
		FT_EQ(ld32(fx.a_mem, 12), 0);
	}
}

/* The out pointer, the handle and the options are checked before realloc
 * runs; without realloc: NO_REALLOC. */
FT_TEST(debug_message_traps_before_realloc)
{
	struct flue_string_opts o = { dm_realloc, 0, FLUE_STRING_UTF8 };
	fx_setup();
	dml = (struct dm_log){ 0 };
	uint32_t e = new_ec();
	FT_TRAPS(FLUE_TRAP_MISALIGNED, flue_canon_error_context_debug_message_opts(fx.a, &o, e, 2));
	fx_setup();
	e = new_ec();
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS,
		 flue_canon_error_context_debug_message_opts(fx.a, &o, e, MEM_SIZE - 4u));
	fx_setup();
	FT_TRAPS(FLUE_TRAP_BAD_HANDLE, flue_canon_error_context_debug_message_opts(fx.a, &o, 5, 0));
	fx_setup();
	e = new_ec();
	FT_TRAPS(FLUE_TRAP_BAD_VALUE, flue_canon_error_context_debug_message_opts(fx.a, 0, e, 0));
	FT_EQ(dml.n, 0);
	fx_setup();
	e = new_ec();
	struct flue_string_opts none = { 0, 0, FLUE_STRING_UTF8 };
	FT_TRAPS(FLUE_TRAP_NO_REALLOC, flue_canon_error_context_debug_message_opts(fx.a, &none, e, 0));
}

FT_SUITE(debug_message,
	 FT_CASE(debug_message_calls_realloc_per_encoding),
	 FT_CASE(debug_message_checks_what_realloc_returned),
	 FT_CASE(debug_message_traps_before_realloc))
