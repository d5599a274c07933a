/*
 * The value fuzzer's reader, shared by fuzz_vals_read.c (the validity
 * rules) and fuzz_vals_cmp.c (the comparator and printing): where a part
 * of a value is, a reading cursor over one party's value, strings as
 * sequences of scalar values, leaves as the reference lifts them.
 */
#ifndef FLUE_TEST_FUZZ_VALS_RD_H
#define FLUE_TEST_FUZZ_VALS_RD_H

#include "fuzz_vals.h"

#define BAD_CP 0xFFFFFFFFu

/* A part of a value: in memory at ptr, or the next flat values. */
struct at {
	bool mem;
	uint32_t ptr;
};

/* Reading one party's value: its flat values from fi on. */
struct rd {
	const struct vtypes *T;
	const struct party *p;
	bool lowered; /* flue wrote it: check the canonical form too */
	uint32_t fi;
	uint64_t work;
	struct vhw *hw; /* handles: recorded and lifted there (NULL: plain i32) */
};

enum { F_UTF8, F_UTF16, F_LATIN1 };

/* A string's form, alignment and byte length from its tagged length. */
struct sview {
	uint8_t form;
	uint32_t align;
	uint64_t bytes;
};

struct sview vr_str_view(uint8_t enc, uint32_t tagged);
/* The scalar value at byte *i of b (a string of view v), or BAD_CP. */
uint32_t vr_next_cp(const uint8_t *b, struct sview v, uint64_t *i);
uint64_t vr_leaf_value(const struct flue_tnode *n, uint64_t raw);
uint64_t vr_read_leaf(struct rd *r, const struct flue_tnode *n, struct at a);
uint64_t vr_read_disc(struct rd *r, uint16_t t, struct at a);
void vr_read_pair(struct rd *r, struct at a, uint32_t *ptr, uint32_t *len);
struct at vr_at_mem(uint32_t ptr);
struct at vr_sub(struct at a, uint32_t off); /* a field at off (flat: unchanged) */
/* Where p's tuple is; nonzero: the reference's trap reason. */
int vr_tuple_at(const struct vtypes *T, const struct party *p, struct at *a);

#endif /* FLUE_TEST_FUZZ_VALS_RD_H */
