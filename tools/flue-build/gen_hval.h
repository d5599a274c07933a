/* The host interface's C types (gen_ctype.c) and the graph-typed host
 * edge (gen_hval.c: conversions; gen_hbind.c: bindings and host
 * functions). */
#ifndef FLUE_BUILD_GEN_HVAL_H
#define FLUE_BUILD_GEN_HVAL_H

#include "gen_internal.h"

/* A C type of the host interface: the WIT type (unaliased), its C name
 * ("<prog>_..._t"), and whether it has conversions (graph form). */
struct gen_named {
	const struct wit_type *t;
	char *name;
	bool graph;
};

/* A case of a variant, option or result: its WIT name and payload. */
struct gen_case {
	const char *name;
	const struct wit_type *type;
};

const struct gen_named *gen_named_at(uint32_t k);
uint32_t gen_named_count(void);
int gen_named_index(const struct wit_type *t);
void gen_named_flat(const struct gen *g, const struct wit_type *t);
void gen_named_deep(const struct gen *g, const struct wit_type *t);
void gen_named_free(void);
void gen_named_macro(uint32_t k, struct fb_buf *b);
struct gen_case gen_case(const struct wit_type *u, uint32_t i);
uint32_t gen_ncases(const struct wit_type *u);
/* A WIT param's C name; the C params of f (`first`: the list starts with
 * them, "void" if none); f's WIT signature (for comments). */
char *gen_param_name(const char *wit);
void gen_c_params(const struct gen *g, const struct wit_func *f, struct fb_buf *b, bool first);
void gen_wit_signature(const struct wit_func *f, struct fb_buf *b);
/* Every registered type's typedef (and #defines, accessor prototypes). */
void gen_ctype_typedefs(const struct gen *g);

/* gen_hval.c: does the program have a graph-typed host edge; the value
 * area's support and every graph type's conversions (glue); statements
 * reading view `hv` into C lvalue `lv` of type t; writing C value `x` of
 * type t at arena offset `at` (statements that `return` an error code). */
bool gen_hval_any(const struct fb_plan *p);
/* Does the library move values holding handles into the host's arena
 * (fb_func_host_moves())? Then the glue has the arrival area and its
 * allocator. The host arena's bytes: the program's, the value area, the
 * arrival area. */
bool gen_hval_moves(const struct fb_plan *p);
uint32_t gen_hval_arena(const struct gen *g);
/* The arrival and read areas' definitions (before gen_hend_support()),
 * then the value area's (gen_hval_support()). */
void gen_hval_support_areas(const struct gen *g);
void gen_hval_support(const struct gen *g);
void gen_hval_convs(const struct gen *g);
void gen_hval_get(const struct gen *g, const struct wit_type *t, const char *hv, const char *lv,
		  const char *ind, struct fb_buf *b);
void gen_hval_put(const struct gen *g, const struct wit_type *t, const char *x, const char *at,
		  const char *ind, struct fb_buf *b);
/* Size and alignment of t in canonical layout; offsets of a tuple's members. */
uint32_t gen_hval_size(const struct gen *g, const struct wit_type *t);
uint32_t gen_hval_align(const struct gen *g, const struct wit_type *t);

/* gen_hend.c: host stream/future ends of graph element types: is element
 * i (an index in p->elems) one of them, is any; naming their C types; the
 * read area and its allocator (glue_ralloc); their typed reads/writes. */
bool gen_hend_elem(const struct fb_plan *p, uint32_t i);
bool gen_hend_any(const struct fb_plan *p);
void gen_hend_named(const struct gen *g);
void gen_hend_support(const struct gen *g);
void gen_hend_api(const struct gen *g);

/* gen_hbind.c: the graph-form binding of export n, host function n. */
void gen_hbind_binding(const struct gen *g, uint32_t n);
void gen_hbind_hostfn(const struct gen *g, uint32_t n);

#endif /* FLUE_BUILD_GEN_HVAL_H */
