/**
 * @file flue/hval.h
 * @brief Host values of graph types (flue/valtype.h): views, not copies.
 *
 * A host function's params and an invocation's results are shown to the
 * host where they already are: the caller's (callee's) flat values and
 * linear memory, in canonical layout, after every check lifting makes
 * (pointers, lengths, chars, discriminants, encodings) has passed. Strings
 * and lists are byte views into that memory. Nothing is allocated; a view
 * is valid only inside the callback that received it (the guest may
 * change its memory afterwards): copy what you keep.
 *
 * Values the host gives (an invocation's params, a host function's
 * results) are a tuple in canonical layout in the host instance's arena
 * (flue/host.h), strings in the host's encoding; flue moves them into the
 * guest with the guest's realloc. The layout of a type is its nodes'
 * `size`/`align` (flue/valtype.h); flue-build's bindings write it as C
 * structs.
 *
 * Handles (own, error-context, stream and future ends) are indices in the
 * host instance's table, both ways. Values the host gives name handles of
 * its table; they leave it as they would leave a guest's (an own and an
 * end move, an error context is shared). A value shown to the host that
 * holds handles is not a view of the guest's: it is moved into the
 * host's arena with the allocator of flue_host_set_realloc() (strings in
 * UTF-8), its handles lowered into the host's table, which the host then
 * owns (flue_host_drop() for ends, flue_host_resource_drop() for
 * resources, or pass them on). A borrow a host function gets is a handle
 * of its table until the call resolves (then flue removes it), or the
 * rep itself for a resource the host implements (flue/resource.h).
 */
#ifndef FLUE_HVAL_H
#define FLUE_HVAL_H

#include <stdint.h>

#include <flue/functype.h>
#include <flue/valtype.h>

/** A view of one value: where it is (flat values or memory) and its type. */
struct flue_hval {
	const struct flue_tgraph *g;
	const struct flue_instance *inst; /**< whose memory holds it, or its pointers' targets */
	const flue_flat_t *flat;          /**< flat values (NULL: the value is in memory) */
	uint32_t at;                      /**< index into `flat`, or offset in memory */
	uint16_t t;                       /**< its node in `g` (FLUE_TYPE_NONE: no value) */
	uint8_t encoding;                 /**< enum flue_string_encoding of its strings */
};

/** A view of a tuple of values (params or results). */
struct flue_hvals {
	struct flue_hval first; /**< t is unused; the tuple starts at `at` */
	const uint16_t *ts;     /**< the tuple's types */
	uint32_t nts;
};

/** @brief Value i of the tuple (FLUE_TYPE_NONE view if i is out of range). */
struct flue_hval flue_hvals_get(const struct flue_hvals *v, uint32_t i);

/**
 * @brief A number, bool (0/1), char (its code point), enum (its case),
 *        flags (the bits of its labels): signed integers sign-extended to
 *        64 bits, floats as their IEEE bits (canonical NaNs); an own,
 *        error-context, stream or future: its index in the host's table.
 *        0 for other kinds.
 */
uint64_t flue_hval_num(struct flue_hval v);

/** @brief Field i of a record or tuple (a NONE view if it has none). */
struct flue_hval flue_hval_field(struct flue_hval v, uint32_t i);

/** @brief The case of a variant, option, result or enum; `*payload` its
 *         payload (t FLUE_TYPE_NONE: none). `payload` may be NULL. */
uint32_t flue_hval_case(struct flue_hval v, struct flue_hval *payload);

/** @brief Elements of a list or map, or a string's code units (a
 *         latin1+utf16 string's, untagged: flue_hval_bytes says which). */
uint32_t flue_hval_count(struct flue_hval v);

/** @brief Element i of a list (a NONE view past the end). For a map,
 *         flue_hval_entry(). */
struct flue_hval flue_hval_elem(struct flue_hval v, uint32_t i);

/** @brief Entry i of a map: its key and value. @return 0, or FLUE_EINVAL
 *         (not a map, or past the end). */
int flue_hval_entry(struct flue_hval v, uint32_t i, struct flue_hval *key, struct flue_hval *val);

/**
 * @brief The bytes of a string (its encoding in `*encoding`: utf8, utf16
 *        little-endian, or latin-1 for an untagged latin1+utf16 string,
 *        given as FLUE_STRING_LATIN1_UTF16), or of a list (its elements in
 *        canonical layout, `*encoding` untouched). NULL for other kinds.
 */
const uint8_t *flue_hval_bytes(struct flue_hval v, uint32_t *nbytes, uint8_t *encoding);

#endif /* FLUE_HVAL_H */
