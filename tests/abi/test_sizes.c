/*
 * Object sizes (issue 10, "small objects"): printed on every build so the
 * host's numbers are on record, and checked against what flue/config.h
 * states for a 32-bit target (the Cortex-M builds run this suite too; the
 * library's own _Static_asserts in src/obj/store.c hold them at compile
 * time there).
 */
#include <stdio.h>

#include "abi_test.h"

#define STREAM_BYTES (2u * sizeof(struct flue_handle) + sizeof(struct flue_shared))
#define INSTANCE_HEADER_BYTES offsetof(struct flue_instance, handles)

FT_TEST(sizes_are_reported)
{
	printf("sizes (%u-bit): handle slot %u B, shared object %u B, stream %u B all-in, "
	       "instance %u B + %u B table, task record %u B, default store %u B\n",
	       (unsigned)(sizeof(void *) * 8u), (unsigned)sizeof(struct flue_handle),
	       (unsigned)sizeof(struct flue_shared), (unsigned)STREAM_BYTES,
	       (unsigned)INSTANCE_HEADER_BYTES,
	       (unsigned)(FLUE_CONFIG_MAX_HANDLES * sizeof(struct flue_handle)),
	       (unsigned)sizeof(struct flue_task), (unsigned)sizeof(struct flue_store));
	/* The table is exactly its slots: nothing per slot beyond the struct. */
	FT_EQ(sizeof(struct flue_instance) - INSTANCE_HEADER_BYTES,
	      FLUE_CONFIG_MAX_HANDLES * sizeof(struct flue_handle));
}

FT_TEST(sizes_on_32_bit_targets_are_those_config_h_states)
{
	if (sizeof(void *) != 4u)
		return; /* the stated sizes are a 32-bit target's (host: printed above) */
	FT_TRUE(sizeof(struct flue_handle) <= 24u);
	FT_TRUE(sizeof(struct flue_shared) <= 16u);
	FT_TRUE(STREAM_BYTES <= 64u);
	FT_TRUE(INSTANCE_HEADER_BYTES <= 512u);
	FT_TRUE(sizeof(struct flue_task) <= 128u);
}

FT_TEST(slots_and_shared_objects_hold_no_pointer)
{
	/* The same sizes on a 64-bit host: nothing in them grows with a
	 * pointer (the shared object names its driver channel by a bit). */
	FT_TRUE(sizeof(struct flue_handle) <= 24u);
	FT_TRUE(sizeof(struct flue_shared) <= 16u);
	FT_TRUE(STREAM_BYTES <= 64u);
}

FT_SUITE(sizes,
	 FT_CASE(sizes_are_reported),
	 FT_CASE(sizes_on_32_bit_targets_are_those_config_h_states),
	 FT_CASE(slots_and_shared_objects_hold_no_pointer))
