/**
 * @file tgraph.h
 * @brief Which form a function's value types take in the generated glue,
 *        and the const type graph (flue/valtype.h) of the functions that
 *        need one.
 *
 * Two forms (flue/functype.h):
 *   - FLAT: `struct flue_valtype` — bool, numbers, top-level stream/future
 *     ends, one flat level of record/tuple of those. Every function that
 *     fits keeps this form.
 *   - GRAPH: a node of the program's type graph per param and result — any
 *     mix of bool, integers, floats, char, string, list<T>, list<T, N>,
 *     option, result, variant, enum, flags, tuple, record (nested), map
 *     and stream/future ends (a FLUE_VT_STREAM/FUTURE node whose arg is
 *     the end's element type id). Such values cross between guest
 *     instances, and at the host edge (gen_hval.c: views in, canonical
 *     layout out) when they hold no end (the library refuses handles
 *     there: plan_wire.c says so at build time), and resource handles
 *     (an OWN/BORROW node whose arg is the resource type's id) and
 *     error-context handles, which cross only between guests.
 *
 * Stream/future elements of any such type (`stream<string>`,
 * `future<result<list<u8>, string>>`, `stream<stream<u8>>`) are nodes of
 * the same graph, passed as ends between guests (fb_elem_form()).
 *
 * The graph is built children first and de-duplicated structurally (two
 * WIT types with the same shape share a node, whatever their names); its
 * layout fields are computed with the flue library's own
 * flue_types_layout(), so what the glue emits is what flue_types_check()
 * verifies at run time.
 *
 * Host tool code.
 */
#ifndef FLUE_BUILD_TGRAPH_H
#define FLUE_BUILD_TGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/valtype.h>

#include "wit.h"

/** The form of a function's types. */
enum fb_form { FB_FORM_FLAT = 0, FB_FORM_GRAPH = 1 };

/**
 * @brief The form `f`'s types take.
 * @return FB_FORM_FLAT or FB_FORM_GRAPH (every function with an own,
 *         borrow or error-context); -1 with `err` (a stream/future end
 *         whose element type fb_elem_form() refuses, an empty record/variant/enum/flags, more than 32 flags,
 *         too many params, a type too deep or too large for flue)
 */
int fb_func_form(const struct wit_func *f, char *err, size_t len);

/** @brief fb_func_form(f) == FB_FORM_GRAPH (the form was checked before). */
bool fb_func_is_graph(const struct wit_func *f);

/** @brief Does `t` hold a string, a `list<T>` or a map (lowering it allocates)? */
bool fb_type_allocates(const struct wit_type *t);

/** @brief The first stream/future end in `t` (t itself included, element
 *         types not looked into); NULL if it holds none. */
const struct wit_type *fb_type_first_end(const struct wit_type *t);

/** @brief The first own, borrow or error-context in `t` (t itself
 *         included; stream/future elements looked into); NULL if none. */
const struct wit_type *fb_type_first_handle(const struct wit_type *t);

/** @brief Does graph-form `f` show the host values holding handles (own,
 *         borrow, error-context, stream/future ends) in its params
 *         (`params`) or its result? The library moves those into the
 *         host's arena with the host's allocator (flue/hval.h). */
bool fb_func_host_moves(const struct wit_func *f, bool params);

/** A type graph under construction (flue_tnode layout filled in). */
struct fb_tgraph {
	struct flue_tnode *nodes;
	char **text;       /**< per node: the WIT text of the first type it stands for */
	uint16_t *kids;
	uint32_t nnodes, nkids, cap_nodes, cap_kids;
	/** The element type id of an end's element type `payload` (NULL:
	 *  unit), for the arg of its STREAM/FUTURE node: set for the glue's
	 *  graph (the plan's ids). Unset in graphs built only to check or
	 *  compare types, where the arg is a key that tells element types
	 *  apart as the ids will (tgraph.c, end_key()). */
	uint32_t (*elem_id)(const void *user, const struct wit_type *payload);
	const void *elem_user;
	/** The resource type id (flue_rtype_t) of resource `r`, for the arg
	 *  of an OWN/BORROW node: set for the glue's graph (the plan's ids).
	 *  Unset: the arg is 1 + the index of r in `res`, the resources met so
	 *  far (fb_resource_same()), which tells them apart as the ids will. */
	uint32_t (*res_id)(const void *user, const struct wit_type *r);
	const void *res_user;
	const struct wit_type **res;
	uint32_t nres;
};

/**
 * @brief The node of `t` in `g` (added, with its children, if no node of
 *        the same shape is there yet); layout computed.
 * @retval 0 and `*out` @retval -1 with `err` (`g` unchanged)
 */
int fb_tgraph_add(struct fb_tgraph *g, const struct wit_type *t, uint16_t *out, char *err,
		  size_t len);

/** The two ways a stream/future element type is registered. */
enum fb_elem_form { FB_ELEM_FLAT = 0, FB_ELEM_GRAPH = 1 };

/**
 * @brief How the element type of stream/future type `end` (NULL, or no
 *        payload: unit) is registered: FLAT (none, a number, a record/tuple
 *        of numbers: flue_type_register()) or GRAPH (any other type the
 *        graph carries: a node, flue_type_register_value()).
 * @return FB_ELEM_FLAT, FB_ELEM_GRAPH, or -1 with `err` naming `end`, where
 *         it is written (WIT file:line:col) and why: the element is or holds
 *         a borrow (the component model refuses it), or a type the graph refuses (an
 *         end inside it whose element type is refused, too)
 */
int fb_elem_form(const struct wit_type *end, char *err, size_t len);

/** @brief Do `a` and `b` take the same node of a type graph (the same shape,
 *         whatever their names)? Both must be graph-carried types. */
bool fb_type_same_shape(const struct wit_type *a, const struct wit_type *b);

/** @brief A flue_tgraph view of `g` (valid until `g` changes). */
struct flue_tgraph fb_tgraph_view(const struct fb_tgraph *g);

/** @brief The C spelling of a node kind ("FLUE_VT_STRING"). */
const char *fb_tgraph_kind_name(uint8_t kind);

void fb_tgraph_free(struct fb_tgraph *g);

#endif /* FLUE_BUILD_TGRAPH_H */
