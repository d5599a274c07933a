/**
 * @file types.h
 * @brief WIT types as flue sees them: stream/future element types
 *        (flue_type_desc), call-boundary value types (flue_valtype),
 *        structural equality across separately loaded worlds, and the C
 *        spelling of each for generated code.
 *
 * The flat form of flue's function types (flue/functype.h, flue/store.h),
 * the only one the host interface takes: bool, s8..u64, f32, f64,
 * stream<T>/future<T> (readable ends), and records/tuples of those (one
 * level). Stream/future elements described here: none (unit), a number, or
 * a record/tuple of numbers (flue_type_register()); every other element
 * type is a node of the program's type graph (tgraph.h: fb_elem_form(),
 * flue_type_register_value()). Strings, lists, variants, options, results,
 * enums, flags, chars, maps and nested records take the graph form between
 * guests (tgraph.h), and so do resource handles (own, borrow) and
 * error-context.
 *
 * Host tool code.
 */
#ifndef FLUE_BUILD_TYPES_H
#define FLUE_BUILD_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include <flue/functype.h>
#include <flue/store.h>

#include "util.h"
#include "wit.h"

/**
 * @brief The flue element type of a stream/future payload (`payload` NULL:
 *        the unit stream/future) if it is none, a number or a record/tuple
 *        of at most FLUE_CONFIG_MAX_TYPE_FIELDS numbers.
 * @retval 0 @retval -1 with `err` (any other type: a graph type, or one
 *         flue cannot carry at all; fb_elem_form() tells which)
 */
int fb_elem_desc(const struct wit_type *payload, struct flue_type_desc *out, char *err,
		 size_t len);

/** @brief Is `payload` an element type outside fb_elem_desc()'s (so a
 *         node of the type graph, once fb_elem_form() accepted it)? */
bool fb_elem_is_graph(const struct wit_type *payload);

/** A value type whose stream/future element still needs its id. */
struct fb_valtype {
	struct flue_valtype vt;
	/** STREAM/FUTURE leaves (the value itself, or record fields): their
	 *  payload types, in leaf order (NULL for unit); elem ids are filled in
	 *  by whoever registers the element types. */
	const struct wit_type *payload[FLUE_CONFIG_MAX_TYPE_FIELDS];
	uint32_t npayload;
};

/**
 * @brief The flue value type of a parameter or result type. A stream or
 *        future end is accepted whatever its element type, which
 *        fb_func_form() (tgraph.h) checks.
 * @retval 0 @retval -1 with `err` (unsupported type, nested record, too
 *         many fields)
 */
int fb_valtype_of(const struct wit_type *t, struct fb_valtype *out, char *err, size_t len);

/** @brief Check every param and the result of `f` (first failure in `err`). */
int fb_func_supported(const struct wit_func *f, char *err, size_t len);

/**
 * @brief Structural equality of two WIT types, possibly from different
 *        loads: same kinds, same field/case names in order, equal
 *        components; aliases are looked through; named types also need the
 *        same name.
 */
bool fb_type_equal(const struct wit_type *a, const struct wit_type *b);

/**
 * @brief Are `a` and `b` (resource types, possibly from different loads)
 *        one resource type of the program: the same name, defined by the
 *        interface of the same name in the package of the same namespace
 *        and name (versions aside)?
 */
bool fb_resource_same(const struct wit_type *a, const struct wit_type *b);

/** @brief Same for functions: params (names and types), result, async. */
bool fb_func_equal(const struct wit_func *a, const struct wit_func *b);

/** @brief A WIT type written back as WIT text (for messages), into `b`. */
void fb_type_text(const struct wit_type *t, struct fb_buf *b);

/** @brief kebab-case to snake_case C identifier (also escapes a leading digit). */
char *fb_snake(const char *kebab);

#endif /* FLUE_BUILD_TYPES_H */
