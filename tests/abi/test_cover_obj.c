/*
 * The object layer's public contracts that no other suite drives (issue
 * 10, coverage of src/obj): element-type registration and layout, the
 * instance pool, linear-memory setters, trap texts, stray instance
 * pointers, record copies in both address directions. Expected values
 * come from the Doxygen of flue/store.h and flue/host.h and from the
 * canonical ABI's layout rules (definitions.py @ 14087d73: alignment,
 * elem_size of records), never from the implementation.
 */
#include "abi_test.h"
#include <flue/host.h>

static flue_type_t reg_num(uint8_t num)
{
	flue_type_t t = 0;
	struct flue_type_desc d = { .kind = FLUE_TYPE_NUMBER, .num = num };
	FT_EQ(flue_type_register(&fx.store, &d, &t), 0);
	return t;
}

static int reg_rec(uint8_t n, const uint8_t *fields, flue_type_t *out)
{
	struct flue_type_desc d = { .kind = FLUE_TYPE_RECORD, .nfields = n };
	for (uint8_t i = 0; i < n && i < FLUE_CONFIG_MAX_TYPE_FIELDS; i++)
		d.fields[i] = fields[i];
	return flue_type_register(&fx.store, &d, out);
}

/* ------------------------------------------------------------ the store */

FT_TEST(store_init_null_is_a_noop)
{
	fx_setup();
	flue_store_init(NULL, NULL, NULL); /* documented: `s` NULL, no-op */
	/* The fixture's store is untouched. */
	FT_TRUE(flue_type_get(&fx.store, fx.u8) != NULL);
}

/* ------------------------------------------------------- element types */

/* flue/store.h: FLUE_EINVAL for NULL arguments and malformed descriptors
 * (unknown kind or number, 0 or too many fields); nothing is registered. */
FT_TEST(type_register_refuses_malformed_descriptors)
{
	fx_setup();
	flue_type_t t = 0xAA;
	struct flue_type_desc ok = { .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U16 };
	FT_EQ(flue_type_register(NULL, &ok, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register(&fx.store, NULL, &t), FLUE_EINVAL);
	FT_EQ(flue_type_register(&fx.store, &ok, NULL), FLUE_EINVAL);
	struct flue_type_desc bad_kind = { .kind = 3 };
	FT_EQ(flue_type_register(&fx.store, &bad_kind, &t), FLUE_EINVAL);
	struct flue_type_desc num0 = { .kind = FLUE_TYPE_NUMBER, .num = 0 };
	FT_EQ(flue_type_register(&fx.store, &num0, &t), FLUE_EINVAL);
	struct flue_type_desc num11 = { .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_F64 + 1 };
	FT_EQ(flue_type_register(&fx.store, &num11, &t), FLUE_EINVAL);
	uint8_t f[FLUE_CONFIG_MAX_TYPE_FIELDS] = { FLUE_NUM_U8 };
	FT_EQ(reg_rec(0, f, &t), FLUE_EINVAL);
	struct flue_type_desc many = { .kind = FLUE_TYPE_RECORD,
				       .nfields = FLUE_CONFIG_MAX_TYPE_FIELDS + 1 };
	FT_EQ(flue_type_register(&fx.store, &many, &t), FLUE_EINVAL);
	uint8_t badf[2] = { FLUE_NUM_U8, 0 };
	FT_EQ(reg_rec(2, badf, &t), FLUE_EINVAL);
	FT_EQ(t, 0xAA); /* never written */
	/* The fixture registered 5 types (ids 1..5): no sixth appeared. */
	FT_TRUE(flue_type_get(&fx.store, 6) == NULL);
	FT_TRUE(flue_type_get(&fx.store, 0) == NULL);
	FT_TRUE(flue_type_get(NULL, fx.u8) == NULL);
}

/* Sizes of every number and the canonical layout of records: each field at
 * its natural alignment, size rounded up to the record's alignment. */
FT_TEST(type_layouts_follow_the_canonical_abi)
{
	fx_setup();
	static const struct { uint8_t num; uint32_t size; bool fl; } nums[] = {
		{ FLUE_NUM_S8, 1, false },  { FLUE_NUM_U16, 2, false }, { FLUE_NUM_S16, 2, false },
		{ FLUE_NUM_S32, 4, false }, { FLUE_NUM_F32, 4, true },  { FLUE_NUM_U64, 8, false },
		{ FLUE_NUM_S64, 8, false },
	};
	for (uint32_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		const struct flue_type_info *ti = flue_type_get(&fx.store, reg_num(nums[i].num));
		FT_EQ(FX_READ(ti->size), nums[i].size);
		FT_EQ(FX_READ(ti->align), nums[i].size);
		FT_TRUE(FX_READ(ti->none_or_number));
		FT_EQ(FX_READ(ti->has_float), nums[i].fl);
	}
	uint8_t f3[3] = { FLUE_NUM_U8, FLUE_NUM_U16, FLUE_NUM_F64 };
	flue_type_t r3 = 0;
	FT_EQ(reg_rec(3, f3, &r3), 0);
	const struct flue_type_info *ti = flue_type_get(&fx.store, r3);
	FT_EQ(FX_READ(ti->offsets[0]), 0);
	FT_EQ(FX_READ(ti->offsets[1]), 2);
	FT_EQ(FX_READ(ti->offsets[2]), 8);
	FT_EQ(FX_READ(ti->size), 16);
	FT_EQ(FX_READ(ti->align), 8);
	FT_TRUE(FX_READ(ti->has_float));
	FT_FALSE(FX_READ(ti->none_or_number));
	uint8_t b3[3] = { FLUE_NUM_U8, FLUE_NUM_S8, FLUE_NUM_U8 };
	flue_type_t rb = 0;
	FT_EQ(reg_rec(3, b3, &rb), 0);
	FT_EQ(FX_READ(flue_type_get(&fx.store, rb)->size), 3);
	FT_EQ(FX_READ(flue_type_get(&fx.store, rb)->align), 1);
	FT_FALSE(FX_READ(flue_type_get(&fx.store, rb)->has_float));
}

/* "identical descriptors give the same id"; any difference is a new type. */
FT_TEST(type_register_finds_identical_descriptors)
{
	fx_setup();
	flue_type_t t = 0;
	FT_EQ(reg_num(FLUE_NUM_U8), fx.u8);
	struct flue_type_desc unit = { .kind = FLUE_TYPE_UNIT };
	FT_EQ(flue_type_register(&fx.store, &unit, &t), 0);
	FT_EQ(t, fx.unit);
	uint8_t same[2] = { FLUE_NUM_U8, FLUE_NUM_U32 };
	FT_EQ(reg_rec(2, same, &t), 0);
	FT_EQ(t, fx.rec);
	uint8_t longer[3] = { FLUE_NUM_U8, FLUE_NUM_U32, FLUE_NUM_U8 };
	FT_EQ(reg_rec(3, longer, &t), 0);
	FT_NE(t, fx.rec);
	flue_type_t other = 0;
	uint8_t second[2] = { FLUE_NUM_U8, FLUE_NUM_U16 };
	FT_EQ(reg_rec(2, second, &other), 0);
	FT_NE(other, fx.rec);
	FT_NE(other, t);
	uint8_t first[2] = { FLUE_NUM_S8, FLUE_NUM_U32 };
	FT_EQ(reg_rec(2, first, &other), 0);
	FT_NE(other, fx.rec);
	uint8_t one[1] = { FLUE_NUM_F64 };
	FT_EQ(reg_rec(1, one, &other), 0);
	FT_NE(other, fx.f64); /* a record of one f64 is not the number f64 */
	FT_TRUE(FX_READ(flue_type_get(&fx.store, other)->has_float));
}

/* FLUE_ENOMEM once FLUE_CONFIG_MAX_TYPES types exist; finding one still works. */
FT_TEST(type_pool_full_is_enomem)
{
	fx_setup();
	_Static_assert(FLUE_CONFIG_MAX_TYPES == 16, "the fill below assumes 16 types");
	static const uint8_t nums[] = { FLUE_NUM_S8,  FLUE_NUM_U16, FLUE_NUM_S16, FLUE_NUM_S32,
					FLUE_NUM_U64, FLUE_NUM_S64, FLUE_NUM_F32 };
	for (uint32_t i = 0; i < sizeof nums; i++)
		(void)reg_num(nums[i]);
	for (uint8_t n = 1; n <= 4; n++) {
		uint8_t f[4] = { FLUE_NUM_U8, FLUE_NUM_U8, FLUE_NUM_U8, FLUE_NUM_U8 };
		flue_type_t t = 0;
		FT_EQ(reg_rec(n, f, &t), 0);
	}
	FT_TRUE(flue_type_get(&fx.store, FLUE_CONFIG_MAX_TYPES) != NULL);
	flue_type_t t = 0xAA;
	uint8_t f5[5] = { FLUE_NUM_U8, FLUE_NUM_U8, FLUE_NUM_U8, FLUE_NUM_U8, FLUE_NUM_U8 };
	FT_EQ(reg_rec(5, f5, &t), FLUE_ENOMEM);
	FT_EQ(t, 0xAA);
	FT_EQ(reg_num(FLUE_NUM_U32), fx.u32);
}

/* ------------------------------------------------------------ instances */

/* FLUE_EINVAL for NULL arguments; FLUE_ENOMEM with MAX_INSTANCES live ones;
 * a destroyed instance frees its slot. */
FT_TEST(instance_pool_limits)
{
	fx_setup();
	struct flue_instance *i = NULL, *last = NULL;
	FT_EQ(flue_instance_create(NULL, &i), FLUE_EINVAL);
	FT_EQ(flue_instance_create(&fx.store, NULL), FLUE_EINVAL);
	for (uint32_t n = 2; n < FLUE_CONFIG_MAX_INSTANCES; n++)
		FT_EQ(flue_instance_create(&fx.store, &last), 0);
	i = NULL;
	FT_EQ(flue_instance_create(&fx.store, &i), FLUE_ENOMEM);
	FT_TRUE(i == NULL);
	flue_instance_destroy(last);
	FT_EQ(flue_instance_create(&fx.store, &i), 0);
	FT_FALSE(FX_READ(i->poisoned));
}

/* ---------------------------------------------------------------- memory */

FT_TEST(memory_setters_without_a_memory)
{
	fx_setup();
	uint64_t size = MEM_SIZE;
	uint32_t size32 = MEM_SIZE;
	FT_FALSE(flue_instance_has_memory(NULL));
	flue_instance_set_memory(NULL, &fx.a_data, &size);    /* documented no-op */
	flue_instance_set_memory32(NULL, &fx.a_data, &size32); /* likewise */
	/* A NULL data or size pointer: no memory. */
	flue_instance_set_memory(fx.a, NULL, &size);
	FT_FALSE(flue_instance_has_memory(fx.a));
	flue_instance_set_memory(fx.a, &fx.a_data, NULL);
	FT_FALSE(flue_instance_has_memory(fx.a));
	flue_instance_set_memory32(fx.a, NULL, &size32);
	FT_FALSE(flue_instance_has_memory(fx.a));
	flue_instance_set_memory32(fx.a, &fx.a_data, NULL);
	FT_FALSE(flue_instance_has_memory(fx.a));
	uint32_t e = lo32(flue_canon_stream_new(fx.a, fx.u8));
	FT_TRAPS(FLUE_TRAP_NO_MEMORY, rd(fx.a, fx.u8, e, 0, 1));
	/* A destroyed instance gets no memory. */
	struct flue_instance *c = NULL;
	FT_EQ(flue_instance_create(&fx.store, &c), 0);
	flue_instance_destroy(c);
	flue_instance_set_memory(c, &fx.a_data, &size);
	FT_FALSE(flue_instance_has_memory(c));
	flue_instance_set_memory32(c, &fx.a_data, &size32);
	FT_FALSE(flue_instance_has_memory(c));
}

/* A 32-bit size (wabt 1.0.32's wasm2c) bounds the memory, and is re-read
 * at every access, so growing it makes the range valid. */
FT_TEST(memory32_bounds_and_growth)
{
	fx_setup();
	uint32_t size32 = 16;
	flue_instance_set_memory32(fx.b, &fx.b_data, &size32);
	FT_TRUE(flue_instance_has_memory(fx.b));
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	uint32_t r = to_b(lo32(s), fx.u8);
	FT_TRAPS(FLUE_TRAP_OUT_OF_BOUNDS, rd(fx.b, fx.u8, r, 12, 8));
	fx_setup();
	size32 = 16;
	flue_instance_set_memory32(fx.b, &fx.b_data, &size32);
	s = flue_canon_stream_new(fx.a, fx.u8);
	r = to_b(lo32(s), fx.u8);
	size32 = 64; /* grown between built-in calls */
	FT_EQ(rd(fx.b, fx.u8, r, 12, 8), FLUE_BLOCKED);
	memcpy(fx.a_mem, "abcdefgh", 8);
	FT_EQ(wr(fx.a, fx.u8, hi32(s), 0, 8), PACK(FLUE_COMPLETED, 8));
	FT_EQ(memcmp(fx.b_mem + 12, "abcdefgh", 8), 0);
}

/* ----------------------------------------------------------------- traps */

/* "Text for a trap reason (never NULL)": every reason has one of its own,
 * and a value outside the enum gets a text too. */
FT_TEST(every_trap_reason_has_a_text)
{
	const char *unknown = flue_trap_message(FLUE_TRAP_REASON_COUNT);
	FT_TRUE(unknown != NULL);
	FT_TRUE(flue_trap_message((enum flue_trap_reason)1000) != NULL);
	for (uint32_t r = 0; r < FLUE_TRAP_REASON_COUNT; r++) {
		const char *m = flue_trap_message((enum flue_trap_reason)r);
		FT_TRUE(m != NULL);
		FT_TRUE(m[0] != '\0');
		FT_TRUE(strcmp(m, unknown) != 0);
		for (uint32_t q = 0; q < r; q++)
			FT_TRUE(strcmp(m, flue_trap_message((enum flue_trap_reason)q)) != 0);
	}
}

/* ------------------------------------------------- stray instance pointers */

/* flue/host.h: an instance "not its store's" is FLUE_EINVAL — here a copy
 * of a live instance's struct, and copies whose store or id is off. */
static struct flue_instance stray;

FT_TEST(stray_instance_copies_are_refused)
{
	fx_setup();
	uint32_t r = 0, w = 0, out = 0;
	uint64_t s = flue_canon_stream_new(fx.a, fx.u8);
	fx_copy_instance(&stray, fx.a);
	FT_EQ(flue_host_stream_new(&stray, fx.u8, &r, &w), FLUE_EINVAL);
	FT_EQ(flue_end_transfer(&stray, lo32(s), fx.u8, fx.b, &out), FLUE_EINVAL);
	stray.id = FLUE_CONFIG_MAX_INSTANCES;
	FT_EQ(flue_host_stream_new(&stray, fx.u8, &r, &w), FLUE_EINVAL);
	fx_copy_instance(&stray, fx.a);
	stray.store = NULL;
	FT_EQ(flue_host_stream_new(&stray, fx.u8, &r, &w), FLUE_EINVAL);
	/* The real instance is unaffected and its end did not move. */
	FT_EQ(FX_READ(fx.a->len), 3);
	FT_EQ(rd(fx.a, fx.u8, lo32(s), 0, 1), FLUE_BLOCKED);
}

/* ----------------------------------------------------------- record copies */

/* Records are stored field by field (the reference's store_record): the
 * values arrive whichever of the two memories lies higher in the address
 * space, every element in its place. */
static void record_copy(struct flue_instance *wi, uint8_t *wm, struct flue_instance *ri,
			uint8_t *rm)
{
	uint64_t s = flue_canon_stream_new(wi, fx.rec);
	uint32_t r = pass(wi, lo32(s), fx.rec, ri);
	/* rec = { u8 @0, u32 @4 }, 8 bytes per element. */
	for (uint32_t e = 0; e < 3; e++) {
		wm[64 + 8 * e] = (uint8_t)(0x10 + e);
		wm[64 + 8 * e + 4] = (uint8_t)(0x20 + e);
		wm[64 + 8 * e + 5] = 0;
		wm[64 + 8 * e + 6] = 0;
		wm[64 + 8 * e + 7] = (uint8_t)(0x30 + e);
	}
	FT_EQ(rd(ri, fx.rec, r, 128, 3), FLUE_BLOCKED);
	FT_EQ(wr(wi, fx.rec, hi32(s), 64, 3), PACK(FLUE_COMPLETED, 3));
	for (uint32_t e = 0; e < 3; e++) {
		FT_EQ(rm[128 + 8 * e], 0x10 + e);
		FT_EQ(ld32(rm, 128 + 8 * e + 4), (0x30u + e) << 24 | (0x20u + e));
	}
}

FT_TEST(record_copies_in_both_address_directions)
{
	fx_setup();
	record_copy(fx.a, fx.a_mem, fx.b, fx.b_mem);
	fx_setup();
	record_copy(fx.b, fx.b_mem, fx.a, fx.a_mem);
}

FT_SUITE(cover_obj,
	 FT_CASE(store_init_null_is_a_noop),
	 FT_CASE(type_register_refuses_malformed_descriptors),
	 FT_CASE(type_layouts_follow_the_canonical_abi),
	 FT_CASE(type_register_finds_identical_descriptors),
	 FT_CASE(type_pool_full_is_enomem),
	 FT_CASE(instance_pool_limits),
	 FT_CASE(memory_setters_without_a_memory),
	 FT_CASE(memory32_bounds_and_growth),
	 FT_CASE(every_trap_reason_has_a_text),
	 FT_CASE(stray_instance_copies_are_refused),
	 FT_CASE(record_copies_in_both_address_directions))
