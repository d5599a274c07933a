/**
 * @file wit.h
 * @brief flue-build's WIT reader: packages, interfaces, worlds, types and
 *        functions of the WIT text format, resolved into one graph, plus the
 *        canonical-ABI facts the generator needs (flattening, size and
 *        alignment, core signatures, stream/future indexing).
 *
 * Host tool code (not part of the freestanding library): it allocates from
 * an arena owned by `struct wit_resolve` and frees it all at once with
 * wit_free().
 *
 * What is read: `package ns:name@version;` (also nested `package ns:name
 * { ... }` blocks), `interface`, `world` (import/export of interfaces by
 * path or inline, of functions, `use` and type definitions, `include`),
 * `use` (same package, other package, `as` renames), `type` aliases,
 * `record`, `variant`, `enum`, `flags`, `resource` (constructor, methods,
 * static functions), `tuple`, `option`, `result` (all four forms), `list<T>`
 * and `list<T, N>`, `map<K, V>`, `string`, `char`, `bool`, `s8`..`u64`,
 * `f32`/`f64` (and the legacy `float32`/`float64`), `own<R>`, `borrow<R>`,
 * `stream<T>`/`stream`, `future<T>`/`future`, `func` and `async func`,
 * `%`-escaped identifiers, line, block and doc comments, and feature gates
 * (`@since(...)`, `@unstable(...)`, `@deprecated(...)`), which are skipped.
 * Also read: top-level `use ns:pkg/iface[@v] [as name];` (a name for the
 * rest of that file), `import label: iface-path;` and `@external-id("...")`
 * (skipped), and the `error-context` type. Rejected with an error:
 * `include w with { a as b }` renames.
 *
 * A path given to wit_load() is a `.wit` file or a folder: every `*.wit` in
 * the folder forms the main package, and `deps/` (a folder per package, or a
 * `.wit` file per package) supplies the packages it uses.
 *
 * Every error names `file:line:column` and says what was expected; nothing
 * is half-loaded (on error the resolve must only be passed to wit_free()).
 */
#ifndef FLUE_BUILD_WIT_H
#define FLUE_BUILD_WIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Where something is written: file (as given to wit_load), 1-based line and column. */
struct wit_loc {
	const char *file;
	uint32_t line;
	uint32_t col;
};

/** Type kinds. */
enum wit_type_kind {
	WIT_T_BOOL = 1,
	WIT_T_S8, WIT_T_U8, WIT_T_S16, WIT_T_U16, WIT_T_S32, WIT_T_U32, WIT_T_S64, WIT_T_U64,
	WIT_T_F32, WIT_T_F64,
	WIT_T_CHAR,
	WIT_T_STRING,
	WIT_T_LIST,       /**< list<elem>; fixed-length list<elem, length> has length > 0 */
	WIT_T_MAP,        /**< map<key, elem> */
	WIT_T_OPTION,     /**< option<elem> */
	WIT_T_RESULT,     /**< result<ok, err>; ok/err NULL when absent (`_`, or bare `result`) */
	WIT_T_TUPLE,      /**< tuple<...>: fields[] with name NULL */
	WIT_T_RECORD,     /**< record: fields[] */
	WIT_T_VARIANT,    /**< variant: fields[] are the cases (type NULL: no payload) */
	WIT_T_ENUM,       /**< enum: fields[] are the cases (type NULL) */
	WIT_T_FLAGS,      /**< flags: fields[] are the flags (type NULL) */
	WIT_T_RESOURCE,   /**< resource: funcs[] (constructor, methods, statics) */
	WIT_T_OWN,        /**< own<R> (also a bare resource name used as a type): elem = the resource */
	WIT_T_BORROW,     /**< borrow<R>: elem = the resource */
	WIT_T_STREAM,     /**< stream<elem>; elem NULL for `stream` */
	WIT_T_FUTURE,     /**< future<elem>; elem NULL for `future` */
	WIT_T_ALIAS,      /**< `type name = elem;` (resolved: elem is the target) */
	WIT_T_ERROR_CONTEXT, /**< `error-context`: a handle (i32), no payload */
};

struct wit_type;
struct wit_func;
struct wit_interface;
struct wit_world;
struct wit_package;

/** A record field, tuple element, variant/enum case or flag. */
struct wit_field {
	const char *name;      /**< NULL for tuple elements */
	struct wit_type *type; /**< NULL: no payload (enum, flags, payload-less case) */
	struct wit_loc loc;
};

/**
 * A type. Named types (record, variant, enum, flags, resource, alias) are
 * one object each, shared by every reference (also through `use`), so
 * pointer equality is type identity for them. Primitive and anonymous types
 * (list, option, tuple, stream, ...) are separate objects per occurrence.
 */
struct wit_type {
	enum wit_type_kind kind;
	const char *name;             /**< named types: the WIT name; else NULL */
	struct wit_interface *iface;  /**< named types: defining interface (NULL if in a world) */
	struct wit_world *world;      /**< named types defined in a world */
	struct wit_loc loc;
	struct wit_type *elem;        /**< list/option/stream/future payload, map value,
				           own/borrow resource, alias target */
	struct wit_type *key;         /**< map key */
	struct wit_type *ok, *err;    /**< result */
	uint32_t length;              /**< fixed-length list: N (> 0); else 0 */
	uint32_t nfields;
	struct wit_field *fields;     /**< record, tuple, variant, enum, flags */
	uint32_t nfuncs;
	struct wit_func *funcs;       /**< resource: constructor, methods, statics */
};

/** Function kinds (resources have the last three). */
enum wit_func_kind {
	WIT_FUNC_FREESTANDING = 0,
	WIT_FUNC_CONSTRUCTOR,
	WIT_FUNC_METHOD,
	WIT_FUNC_STATIC,
};

struct wit_param {
	const char *name;
	struct wit_type *type;
	struct wit_loc loc;
};

/** A function. */
struct wit_func {
	const char *name;          /**< as written (kebab-case), `%` removed; for resource
				        functions the plain name ("constructor" for constructors) */
	enum wit_func_kind kind;
	struct wit_type *resource; /**< resource functions: their resource */
	bool async;                /**< `async func` */
	uint32_t nparams;
	struct wit_param *params;  /**< methods: params[0] is `self` (borrow<R>) */
	struct wit_type *result;   /**< NULL: no result */
	struct wit_loc loc;
};

/** An interface (named in a package, or inline in a world). */
struct wit_interface {
	const char *name;           /**< NULL for an inline interface of a world */
	struct wit_package *pkg;
	uint32_t ntypes;
	struct wit_type **types;    /**< in order of definition (also types brought by `use`) */
	uint32_t nfuncs;
	struct wit_func *funcs;     /**< freestanding functions (resource functions are in
				         their resource's funcs[]) */
	struct wit_loc loc;
	/**
	 * (Addition) The name types[i] has in this interface: differs from
	 * types[i]->name for `use iface.{t as u}` (and for a type `use`d from
	 * elsewhere, types[i]->iface is the defining interface, not this one).
	 */
	const char **type_names;
	/**
	 * (Addition) The interfaces this one `use`s types from, each once, in
	 * order (wit-parser's interface_direct_deps: what elaboration imports).
	 */
	uint32_t nuses;
	struct wit_interface **uses;
};

/** A world's import or export. */
enum wit_item_kind { WIT_ITEM_INTERFACE = 1, WIT_ITEM_FUNC, WIT_ITEM_TYPE };

struct wit_item {
	enum wit_item_kind kind;
	/**
	 * The world key as wit-component prints it (Resolve::name_world_key):
	 * `ns:pkg/iface@version` (version only if the package has one) for an
	 * interface named by path or by a name of the same package; the plain
	 * name for `import name: interface { ... }` and for functions (also,
	 * addition: the label of `import label: iface-path;`, and the local
	 * name of a TYPE).
	 */
	const char *key;
	struct wit_interface *iface; /**< INTERFACE; (addition) TYPE: the interface the type
				          was `use`d from (NULL: defined in the world) */
	struct wit_func *func;       /**< FUNC */
	struct wit_type *type;       /**< TYPE (imports only: types the world defines or uses) */
	struct wit_loc loc;
	/**
	 * (Addition) INTERFACE only: not written in the world but added by
	 * wit-parser's elaboration, because an imported item, or an exported
	 * interface, uses types from it (key `ns:pkg/iface@version`; loc: the
	 * item that needs it). Always an import.
	 */
	bool implicit;
};

/**
 * A world, with `include`s already merged in. Order: the world's own items
 * as written (types and `use`d types are TYPE imports at their place), then
 * those of each `include` in turn; elaboration then inserts the implicit
 * interface imports (see wit_item.implicit) just before the first item that
 * needs them, dependencies first. Functions of resources defined in the
 * world are not items: they are in the resource type's funcs[].
 */
struct wit_world {
	const char *name;
	struct wit_package *pkg;
	uint32_t nimports, nexports;
	struct wit_item *imports, *exports; /**< in order of declaration */
	struct wit_loc loc;
};

/** A package: `ns:name@version`. */
struct wit_package {
	const char *ns, *name;
	const char *version; /**< NULL if none */
	uint32_t ninterfaces, nworlds;
	struct wit_interface **interfaces;
	struct wit_world **worlds;
};

/** Everything loaded. Fields are read-only for users; wit_free() releases it. */
struct wit_resolve {
	uint32_t npackages;
	struct wit_package **packages;
	struct wit_package *main; /**< the package of the path given to wit_load() */
	void *arena;              /**< private */
};

/** An error: "file:line:col: message" (NUL-terminated). */
struct wit_error {
	char msg[512];
};

/**
 * @brief Read a `.wit` file or a folder (with its `deps/`) and resolve every
 *        name (types, `use`, `include`, interface paths).
 * @retval 0 loaded; `r->main` is the path's package
 * @retval -1 `err->msg` says where and why (syntax error, unknown name,
 *         duplicate definition, cycle, unknown package, unreadable file)
 */
int wit_load(struct wit_resolve *r, const char *path, struct wit_error *err);

/** @brief Free everything wit_load() allocated (safe on a zeroed or failed resolve). */
void wit_free(struct wit_resolve *r);

/**
 * @brief Find a world: `name` NULL means the only world of the main package
 *        (error if there are none or several); "w" a world of the main
 *        package; "ns:pkg/w" one of any loaded package.
 * @return the world, or NULL with `err->msg` set
 */
struct wit_world *wit_find_world(const struct wit_resolve *r, const char *name,
				 struct wit_error *err);

/** @brief Follow aliases to the type they name (never returns an ALIAS). */
const struct wit_type *wit_unalias(const struct wit_type *t);

/* ------------------------------------------------------ canonical ABI */

/** Core wasm value types. */
enum wit_core {
	WIT_CORE_I32 = 1,
	WIT_CORE_I64,
	WIT_CORE_F32,
	WIT_CORE_F64,
};

/** Limits (canonical ABI). */
#define WIT_MAX_FLAT_PARAMS 16u
#define WIT_MAX_FLAT_ASYNC_PARAMS 4u
#define WIT_MAX_FLAT_RESULTS 1u

/**
 * @brief Canonical-ABI flattening (CanonicalABI.md flatten_type, memory32):
 *        write at most `max` core types of `t` to `out`.
 * @return the number of flat values of `t` (may exceed `max`: then only
 *         `max` were written); -1 for a type that has no flattening here
 *         (resource itself).
 */
int wit_flatten(const struct wit_type *t, enum wit_core *out, uint32_t max);

/** @brief Canonical-ABI size and alignment in linear memory (memory32); a
 *         resource itself (not a handle) has size 0, alignment 1. */
uint32_t wit_size(const struct wit_type *t);
uint32_t wit_align(const struct wit_type *t);

/** Which core function a WIT function is seen as (wit-parser's AbiVariant). */
enum wit_abi {
	WIT_ABI_IMPORT = 0,         /**< sync-lowered import */
	WIT_ABI_IMPORT_ASYNC,       /**< `[async-lower]` import */
	WIT_ABI_EXPORT,             /**< sync-lifted export */
	WIT_ABI_EXPORT_ASYNC,       /**< `[async-lift]` (callback) export */
	WIT_ABI_EXPORT_STACKFUL,    /**< `[async-lift-stackful]` export */
	WIT_ABI_TASK_RETURN,        /**< the export's `[task-return]` import */
	WIT_ABI_POST_RETURN,        /**< the export's `cabi_post_` export */
};

/** A core function signature. */
struct wit_core_sig {
	uint32_t nparams, nresults;
	enum wit_core params[WIT_MAX_FLAT_PARAMS + 2];
	enum wit_core results[WIT_MAX_FLAT_RESULTS + 1];
	bool indirect_params; /**< params passed as one pointer */
	bool retptr;          /**< results through a pointer (param for imports,
				   result for sync exports) */
};

/**
 * @brief The core signature wit-component requires for `f` seen as `abi`
 *        (wit-parser Resolve::wasm_signature; TASK_RETURN: the result as
 *        params, ≤16 flat else one pointer, no results; POST_RETURN: the
 *        sync export's flat results as params, no results).
 * @retval 0, -1 (a type without flattening)
 */
int wit_core_signature(const struct wit_func *f, enum wit_abi abi, struct wit_core_sig *out);

/**
 * @brief The stream and future types of `f` in wit-parser's
 *        Function::find_futures_and_streams order (params in order, then the
 *        result; each stream/future after its own payload, post-order;
 *        through aliases, records, tuples, variants, options, results,
 *        lists, fixed lists and maps; not into resources or handles).
 *        Index N of this list is the N of `[stream-new-N]f`.
 * @return the count (may exceed `max`: then only `max` were written)
 */
uint32_t wit_func_streams(const struct wit_func *f, const struct wit_type **out, uint32_t max);

#endif /* FLUE_BUILD_WIT_H */
