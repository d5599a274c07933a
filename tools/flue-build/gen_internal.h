/* Shared by the generator's files (gen_common.c, gen_glue.c, gen_api.c). */
#ifndef FLUE_BUILD_GEN_INTERNAL_H
#define FLUE_BUILD_GEN_INTERNAL_H

#include "gen.h"
#include "tgraph.h"

struct gen {
	const struct fb_plan *p;
	const struct fb_gen_opts *o;
	struct fb_buf *c; /* <prog>_glue.c */
	struct fb_buf *h; /* <prog>.h */
	struct fb_tgraph *tg; /* the graph-typed functions' types (gen_graph.c) */
};

/* wasm2c's C spelling of a core value type (u32, u64, f32, f64). */
const char *gen_core_c(uint8_t valtype);
/* Entries of module m's function table (0: none): its storage. */
uint32_t gen_table_capacity(const struct fb_module *m);
/* The smallest power of two ≥ v and ≥ 32 (an MPU region's size). */
uint32_t gen_pow2_at_least(uint32_t v);
/* Fiber stacks a Cortex-M program gives the port (0: none; the host: 0). */
uint32_t gen_fiber_stacks(const struct gen *g);
/* `, <from_flat(src[0])>, ...` for the params of ft: a call's arguments. */
void gen_from_flat_args(const struct wasm_functype *ft, const char *src, struct fb_buf *b);
/* wasm2c value `expr` of core type vt as a flue_flat_t, and back. */
void gen_to_flat(uint8_t vt, const char *expr, struct fb_buf *b);
void gen_from_flat(uint8_t vt, const char *expr, struct fb_buf *b);

/* The header's macro for element type `id` ("PIPELINE_ELEM_SAMPLE"). */
void gen_elem_macro(const struct gen *g, uint32_t id, char *buf, size_t len);

/* Module id and instance index of instance `n` within its module. */
char *gen_mod(const struct gen *g, const struct fb_module *m);
uint32_t gen_inst_slot(const struct fb_plan *p, uint32_t n);
uint32_t gen_module_index(const struct fb_plan *p, const struct fb_module *m);

/* `static const struct flue_functype <name>` (and its value types) for f. */
void gen_functype(const struct gen *g, const struct wit_func *f, const char *name);
/* A `const struct flue_valtype *` expression for f's result ("0" if none),
 * emitting its definition under `name` first. */
void gen_result_valtype(const struct gen *g, const struct wit_func *f, const char *name);

/* C type of a binding's value (leaf or record/tuple) into b. */
void gen_ctype(const struct gen *g, const struct wit_type *t, struct fb_buf *b);
/* Statements storing C value `expr` of type t into v->v[*k...]. */
void gen_to_values(const struct gen *g, const struct wit_type *t, const char *expr,
		   const char *v, uint32_t *k, struct fb_buf *b);
/* Statements filling C lvalue `lv` of type t from v->v[*k...]. */
void gen_from_values(const struct gen *g, const struct wit_type *t, const char *lv,
		     const char *v, uint32_t *k, struct fb_buf *b);

/* Graph-typed functions (gen_graph.c): every type into tg (before any
 * emission), the graph's tables, a type's node, a function type, f's
 * result node as `static const uint16_t <name>`, and the caller's
 * options of lowered import i (in wire_<inst>). */
void gen_graph_collect(const struct fb_plan *p, struct fb_tgraph *tg);
void gen_graph_table(const struct gen *g);
uint16_t gen_graph_node(const struct gen *g, const struct wit_type *t);
void gen_graph_functype(const struct gen *g, const struct wit_func *f, const char *name);
void gen_graph_result(const struct gen *g, const struct wit_func *f, const char *name);
void gen_graph_lowered(const struct gen *g, const struct fb_module *m, uint32_t i,
		       const char *id);
/* Graph-typed stream/future elements: does import i (module m) take value
 * options; the module's options per instance (`<id>_vopts`); their
 * registration in <prog>_init(). */
bool gen_graph_import_vopts(const struct gen *g, const struct fb_module *m, uint32_t i);
bool gen_graph_module_vopts(const struct gen *g, const struct fb_module *m);
void gen_graph_vopts(const struct gen *g, const struct fb_module *m, const char *id);
void gen_graph_register_elems(const struct gen *g);

/* `SYM(&c->self->w, args...)` (isolated: through the gate) of export j,
 * its args from `src[k]`. */
void gen_export_call(const struct gen *g, const struct fb_module *m, int j, const char *src,
		     struct fb_buf *b);

/* Resources (gen_res.c): the destructors' statics, their entries, their
 * lifts in instantiate_<inst>(), the types' registration in <prog>_init,
 * a resource built-in's call. */
void gen_res_statics(const struct gen *g);
void gen_res_entries(const struct gen *g, const struct fb_module *m, const char *id);
void gen_res_lift_dtors(const struct gen *g, uint32_t n, const char *id);
void gen_res_register(const struct gen *g);
void gen_res_call(const struct gen *g, const struct fb_import *c, struct fb_buf *b);
/* The host's resource types: its destructors' declarations, the wrappers
 * over its handles (<prog>_<iface>_<resource>_new/_rep/_drop). */
void gen_res_api(const struct gen *g);

/* Typedefs of the host interface's types (records, tuples, ends). */
void gen_api_types(const struct gen *g);
/* The typed bindings and host functions (declarations in h, code in c). */
void gen_api(const struct gen *g);
/* The glue proper. */
void gen_glue(const struct gen *g);

/* --isolate (gen_isolate.c): storage, guest blocks, import stubs and
 * their table, export thunks, the domain at instantiation. */
uint32_t gen_iso_memory_bytes(uint32_t pages);
void gen_iso_storage(const struct gen *g);
void gen_iso_guest_types(const struct gen *g, const struct fb_module *m, const char *id);
void gen_iso_inst_members(const struct gen *g, const char *id);
void gen_iso_import(const struct gen *g, const struct fb_module *m, uint32_t i, const char *id);
void gen_iso_import_table(const struct gen *g, const struct fb_module *m, const char *id);
void gen_iso_exports(const struct gen *g, const struct fb_module *m, const char *id);
void gen_iso_instantiate(const struct gen *g, const struct fb_module *m, const char *id,
			 const char *inst, bool memory);

/* Shared rings (gen_ring.c). */
void gen_ring_statics(const struct gen *g);
void gen_ring_call(const struct gen *g, const struct fb_module *m, const struct fb_import *c,
		   struct fb_buf *b);
bool gen_ring_has_memory(const struct fb_module *m);
void gen_ring_members(const struct gen *g, const struct fb_module *m);
void gen_ring_memory_import(const struct gen *g, const struct fb_module *m, uint32_t i,
			    const char *id);
void gen_ring_init_fns(const struct gen *g);
bool gen_ring_is_end(const struct gen *g, uint32_t n);
void gen_ring_api(const struct gen *g);
void gen_ring_layout(const struct gen *g, const char *inst, struct fb_buf *b);

#endif /* FLUE_BUILD_GEN_INTERNAL_H */
