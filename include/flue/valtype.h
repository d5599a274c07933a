/**
 * @file flue/valtype.h
 * @brief Component value types as plain `const` data: a type graph (a
 *        table of nodes, each a kind, its layout and its children), the
 *        canonical ABI's alignment, element size and flattening computed
 *        once, and the string encodings.
 *
 * A build tool emits a graph with its layout filled in (flue_types_check()
 * then verifies it); hand-written tables call flue_types_layout() once to
 * fill it. Nothing here allocates, and nothing recurses deeper than
 * FLUE_CONFIG_MAX_TYPE_DEPTH.
 *
 * Children come before their parents (a child's index is lower than its
 * parent's), so a graph has no cycles and one pass in index order computes
 * every layout. A node may be the child of many nodes.
 *
 * Layout follows definitions.py @ 6d28164 (Despecialization, Alignment,
 * Element Size, Flattening) for 32-bit memories; 64-bit memories are not
 * supported (docs/CONFORMANCE.md). Validation follows #688: a type whose
 * element size with 64-bit pointers is 2^28 or more is refused.
 */
#ifndef FLUE_VALTYPE_H
#define FLUE_VALTYPE_H

#include <stdint.h>

#include <flue/config.h>

/** Kinds of a type node. The specialised kinds (TUPLE, ENUM, OPTION,
 *  RESULT, MAP) keep their own kind and are laid out as the reference
 *  despecialises them. */
enum flue_vt_kind {
	FLUE_VT_BOOL = 1,
	FLUE_VT_S8, FLUE_VT_U8, FLUE_VT_S16, FLUE_VT_U16,
	FLUE_VT_S32, FLUE_VT_U32, FLUE_VT_S64, FLUE_VT_U64,
	FLUE_VT_F32, FLUE_VT_F64,
	FLUE_VT_CHAR,          /**< a Unicode scalar value (not a surrogate, < 0x110000) */
	FLUE_VT_STRING,
	FLUE_VT_ERROR_CONTEXT, /**< an error-context handle */
	FLUE_VT_LIST,          /**< kids[0] the element; arg the fixed length, 0 = `list<T>` */
	FLUE_VT_RECORD,        /**< kids: the fields in order (at least one) */
	FLUE_VT_TUPLE,         /**< kids: the fields in order (at least one) */
	FLUE_VT_VARIANT,       /**< kids: each case's payload or FLUE_TYPE_NONE (at least one case) */
	FLUE_VT_ENUM,          /**< arg: the number of labels (at least one); no kids */
	FLUE_VT_OPTION,        /**< kids[0]: the `some` payload */
	FLUE_VT_RESULT,        /**< kids[0] ok, kids[1] error, each may be FLUE_TYPE_NONE */
	FLUE_VT_FLAGS,         /**< arg: the number of labels, 1..32; no kids */
	FLUE_VT_MAP,           /**< kids[0] key, kids[1] value: `list<tuple<K, V>>` */
	FLUE_VT_OWN,           /**< arg: the resource type */
	FLUE_VT_BORROW,        /**< arg: the resource type */
	FLUE_VT_STREAM,        /**< arg: the registered element type (flue_type_register) */
	FLUE_VT_FUTURE,        /**< arg: the registered element type (flue_type_register) */
	FLUE_VT_KIND_COUNT
};

/** "No type": a case or result side without a payload. */
#define FLUE_TYPE_NONE 0xFFFFu

/** Flat counts saturate here (any count above 16 spills to memory). */
#define FLUE_FLAT_MANY 0xFFFFu

/** Core value types of a flattening (definitions.py flatten_type). */
enum flue_core_type {
	FLUE_CORE_I32 = 1,
	FLUE_CORE_I64,
	FLUE_CORE_F32,
	FLUE_CORE_F64,
};

/** String encodings of `canon lift` / `canon lower` (`string-encoding=`). */
enum flue_string_encoding {
	FLUE_STRING_UTF8 = 0,
	FLUE_STRING_UTF16 = 1,
	FLUE_STRING_LATIN1_UTF16 = 2, /**< `latin1+utf16`: latin-1, or UTF-16 tagged in the length */
};

/**
 * One type node: 24 bytes. `kind`, `nkids`, `kids` and `arg` describe the
 * type; `align`, `size`, `flat`, `depth` and the 64-bit sizes are its layout (filled by
 * flue_types_layout(), or emitted precomputed and verified by
 * flue_types_check()).
 */
struct flue_tnode {
	uint32_t arg;   /**< LIST fixed length (0: variable), ENUM/FLAGS label
			     count, OWN/BORROW resource type, STREAM/FUTURE
			     element type; 0 for the other kinds */
	uint32_t size;  /**< layout: element size in a 32-bit memory */
	uint32_t size64; /**< layout: element size with 64-bit pointers (#688
			      bounds it; flue does not run 64-bit memories) */
	uint16_t nkids; /**< children: see enum flue_vt_kind */
	uint16_t kids;  /**< index in the graph's `kids` of the first child */
	uint16_t flat;  /**< layout: flat count, saturated at FLUE_FLAT_MANY */
	uint8_t kind;   /**< enum flue_vt_kind */
	uint8_t align;  /**< layout: alignment (1, 2, 4 or 8) */
	uint8_t align64; /**< layout: alignment with 64-bit pointers */
	uint8_t depth;  /**< layout: nesting depth, 1 for a type without children */
	uint8_t contains; /**< layout: FLUE_TC_* bits of what the type contains
			       (itself included) */
};

/** flue_tnode::contains: a string, `list<T>` or map (lowering allocates) */
#define FLUE_TC_ALLOC 0x01u
/** flue_tnode::contains: a handle (error-context, own, borrow, stream, future) */
#define FLUE_TC_HANDLE 0x02u
/** flue_tnode::contains: a `borrow<R>` (the reference's contains_borrow) */
#define FLUE_TC_BORROW 0x04u
/** flue_tnode::contains: a stream or future (contains_async_value) */
#define FLUE_TC_ASYNC 0x08u

/** A type graph: nodes and their children's indices (caller-owned, usually const). */
struct flue_tgraph {
	const struct flue_tnode *nodes;
	const uint16_t *kids;   /**< node indices, or FLUE_TYPE_NONE where a kind allows it */
	uint16_t nnodes;
	uint16_t nkids;
};

/**
 * @brief Validate the nodes of a graph and fill in their layout.
 *
 * Checks, for every node in index order: a known kind; the children count
 * its kind needs (RECORD/TUPLE/VARIANT at least one, LIST/OPTION one,
 * RESULT/MAP two, the others none); children inside `kids`, each a lower
 * node index (or FLUE_TYPE_NONE for a VARIANT case or a RESULT side);
 * ENUM at least one label, FLAGS 1..32; depth at most
 * FLUE_CONFIG_MAX_TYPE_DEPTH; element size with 64-bit pointers below
 * 2^28 (#688). Then writes the layout fields.
 *
 * @retval 0 valid, layout written
 * @retval FLUE_EINVAL a NULL array, or a node that breaks a rule above
 *         (nodes before it have their layout written, it and later ones
 *         are unchanged)
 * Context: any; pure apart from writing `nodes`. Cost: O(nnodes + nkids).
 */
int flue_types_layout(struct flue_tnode *nodes, uint16_t nnodes, const uint16_t *kids,
		      uint16_t nkids);

/**
 * @brief Validate a graph whose layout was emitted precomputed: the rules
 *        of flue_types_layout(), and every stored layout equal to the
 *        computed one.
 * @retval 0 valid
 * @retval FLUE_EINVAL `g` NULL, a rule broken, or a stored layout wrong
 * Context: any; pure. Cost: O(nnodes + nkids).
 */
int flue_types_check(const struct flue_tgraph *g);

/**
 * @brief The core types of node `t`'s flattening (definitions.py
 *        flatten_type, variants joined), written to `out` (enum
 *        flue_core_type) up to `cap` of them.
 * @return the flat count (may exceed `cap`: only `cap` are written), or 0
 *         if `t` is not a node of `g`
 * Context: any; pure. Recursion bounded by the node's depth.
 */
uint32_t flue_types_flatten(const struct flue_tgraph *g, uint16_t t, uint8_t *out, uint32_t cap);

/** @brief Node `t` of `g`, or NULL if it has none. */
static inline const struct flue_tnode *flue_tnode_get(const struct flue_tgraph *g, uint16_t t)
{
	return g != 0 && t < g->nnodes ? &g->nodes[t] : 0;
}

/** @brief Child `i` of node `n` (FLUE_TYPE_NONE for a payload-less case). */
static inline uint16_t flue_tnode_kid(const struct flue_tgraph *g, const struct flue_tnode *n,
				      uint32_t i)
{
	return g->kids[n->kids + i];
}

#endif /* FLUE_VALTYPE_H */
