/**
 * @file plan.h
 * @brief The program flue-build builds, resolved and checked: modules
 *        (one per distinct .wasm + WIT world) with the meaning of every
 *        import and export, instances with the wiring of every imported
 *        function, host functions, exports the host calls, and the
 *        stream/future element types in registration order.
 *
 * Everything that can be wrong with the input is found here, before any
 * file is written: unknown or ill-typed imports, imports nobody serves,
 * wiring of functions whose types differ, exports that do not exist,
 * unsupported types, missing `memory` / `cabi_realloc` exports, limits of
 * the flue library's configuration.
 *
 * Host tool code.
 */
#ifndef FLUE_BUILD_PLAN_H
#define FLUE_BUILD_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/store.h>

#include "compose.h"
#include "names.h"
#include "types.h"
#include "wasm.h"
#include "wit.h"

enum fb_target { FB_TARGET_HOST = 0, FB_TARGET_CORTEX_M3, FB_TARGET_CORTEX_M33 };

/** A WIT export function a module lifts. */
struct fb_lift {
	const char *key;             /**< "f" or "iface#f" (the export's) */
	const struct wit_func *func;
	uint8_t kind;                /**< enum flue_lift_kind */
	int core;                    /**< export index of the core function */
	int callback;                /**< export index, -1 none */
	int post_return;             /**< export index, -1 none */
};

/** One core module in one WIT world (shared by its instances). */
struct fb_module {
	char *id;                    /**< C identifier (its first instance's name) */
	const char *wasm_path, *wit_path, *world_name; /**< from the first instance */
	struct wasm_module wasm;
	struct wit_resolve wit;
	const struct wit_world *world;
	struct fb_import *imports;   /**< one per core import */
	struct fb_export *exports;   /**< one per core export */
	uint32_t *import_elem;       /**< per import: element type id of a stream/future
					  built-in, else 0 */
	uint32_t nlifts;
	struct fb_lift *lifts;
	int memory, realloc, initialize; /**< export indices, -1 none */
	uint32_t ninstances;
	/* --isolate: where its wasm2c statics (func_types) live in the
	 * program's guest-readable block (words), set after translation. */
	uint32_t guest_ro_off, guest_ro_words;
};

enum fb_wire_kind { FB_WIRE_NONE = 0, FB_WIRE_LIFT, FB_WIRE_HOST };

/** What serves one imported function of one instance. */
struct fb_wire {
	enum fb_wire_kind kind;
	uint32_t inst, lift;         /**< LIFT: callee instance, its module's lift index */
	uint32_t hostfn;             /**< HOST */
};

struct fb_inst {
	const struct fb_instance_decl *decl;
	const char *name;
	struct fb_module *mod;
	uint32_t memory_pages;       /**< static linear-memory capacity */
	struct fb_wire *wires;       /**< per module import (FUNC imports only) */
};

/** A host function the program implements. */
struct fb_hostfn {
	char *c_name;
	const char *key;
	const struct wit_func *func;
};

/** An export the host calls through a typed C function. */
struct fb_binding {
	char *c_name;
	uint32_t inst, lift;
};

/** A stream/future element type; its flue id is its index + 1. */
struct fb_elem {
	struct flue_type_desc desc;  /**< !graph: what flue_type_register() takes */
	const struct wit_type *wit;  /**< a payload it came from (NULL: unit) */
	char *c_name;                /**< "u8", "sample", "unit", "string", ... */
	bool graph;                  /**< a node of the program's type graph
					  (fb_elem_form(), flue_type_register_value()) */
};

/** fb_rtype.inst of a resource type the host implements. */
#define FB_RTYPE_HOST UINT32_MAX

/** A resource type of the program; its flue id (flue_rtype_t) is its index
 *  + 1 (registered in this order in <prog>_init). One per WIT resource
 *  (fb_resource_same()): the instance whose world exports the interface
 *  that defines it implements it; else the host does, if a `host` line
 *  serves a function of that interface (plan_res.c). */
struct fb_rtype {
	const struct wit_type *res;  /**< the resource, in the implementer's WIT */
	const char *iface_key;       /**< the exported (host: imported) interface's world key */
	uint32_t inst;               /**< the implementing instance, or FB_RTYPE_HOST */
	int dtor;                    /**< export index of `<iface>#[dtor]R`, -1 none (host: -1) */
	char *c_name;                /**< host: "<prog>_<iface>_<resource>", the prefix of its
					  C functions (_new, _rep, _drop; _dtor the program's) */
};

struct fb_plan {
	struct fb_composition comp;
	char *name;                  /**< program name, a C identifier */
	enum fb_target target;
	uint32_t nmodules, ninsts, nhostfns, nbindings, nelems;
	struct fb_module *modules;
	struct fb_inst *insts;
	struct fb_hostfn *hostfns;
	struct fb_binding *bindings;
	struct fb_elem *elems;
	/** elems[0 .. nflat_elems - 1] are registered with flue_type_register(),
	 *  in one loop over their descriptors; the graph types come after them,
	 *  so a program without any keeps the ids (and glue) it always had. */
	uint32_t nflat_elems;
	uint32_t nrtypes;
	struct fb_rtype *rtypes;
};

/**
 * @brief Read the composition and every module and WIT it names, and
 *        resolve and check the whole program.
 * @retval 0 @retval -1 with `err->msg` (names the file, instance, module,
 *         import or export concerned)
 */
int fb_plan_build(struct fb_plan *p, const char *composition, const char *module_dir,
		  const char *name, enum fb_target target, struct fb_error *err);

/** Fiber stacks a Cortex-M program with a stackful lift gets by default. */
#define FB_DEFAULT_STACKS 8u

/** @brief Fiber stacks the program gives the port: `asked` (--stacks, 0:
 *         not asked), else FB_DEFAULT_STACKS if a lift is stackful (it
 *         cannot run without one), else none; none on the host. */
uint32_t fb_plan_fiber_stacks(const struct fb_plan *p, uint32_t asked);

/**
 * @brief What --isolate cannot do with the program's rings: an instance
 *        reading more than one driver's ring (one read-only window per
 *        domain), or sharing more ring memories and windows than its domain
 *        has regions for (`guard`: each domain also has a stack guard
 *        region, flue/w2c.h's FLUE_W2C_STACK_GUARD).
 * @retval 0 @retval -1 with `err->msg` (the composition line)
 */
int fb_plan_ring_isolate_check(const struct fb_plan *p, bool guard, struct fb_error *err);

/** @brief Element type id (1-based) of a stream/future payload (NULL: unit), or 0. */
uint32_t fb_plan_elem_id(const struct fb_plan *p, const struct wit_type *payload);

/** @brief The C name of the element type with id `id`. */
const char *fb_plan_elem_name(const struct fb_plan *p, uint32_t id);

/** @brief The flue id of resource `r` (WIT_T_RESOURCE, from any module's
 *         WIT), or 0: no instance implements it. */
uint32_t fb_plan_rtype_id(const struct fb_plan *p, const struct wit_type *r);

/** @brief The resource types instance `n` implements, counted (its
 *         destructors are lifted before any other function). */
uint32_t fb_plan_inst_rtypes(const struct fb_plan *p, uint32_t n);

/** @brief m's first export lifted stackful (its tasks need fiber stacks of
 *         their own), or NULL. */
const struct fb_lift *fb_module_stackful_lift(const struct fb_module *m);

void fb_plan_free(struct fb_plan *p);

#endif /* FLUE_BUILD_PLAN_H */
