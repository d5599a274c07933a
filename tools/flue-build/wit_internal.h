/**
 * @file wit_internal.h
 * @brief Private to the WIT reader (wit_*.c): the arena, the error context,
 *        the lexer's tokens and the parsed-but-unresolved form of packages,
 *        interfaces and worlds that the resolver turns into the graph of
 *        wit.h.
 *
 * The parser builds the public objects (struct wit_type, wit_func, ...)
 * directly; a reference to a type by name is a struct wit_type of kind
 * WI_T_NAME (name + location) that the resolver replaces. Everything lives
 * in one arena freed by wit_free().
 */
#ifndef FLUE_BUILD_WIT_INTERNAL_H
#define FLUE_BUILD_WIT_INTERNAL_H

#include "wit.h"

#include <stdarg.h>
#include <string.h>

/* ------------------------------------------------------------ arena */

struct wi_arena;

struct wi_arena *wi_arena_new(void);
void wi_arena_free(struct wi_arena *a);
/** Zeroed, max-aligned memory that lives until wi_arena_free(). */
void *wi_alloc(struct wi_arena *a, size_t n);
char *wi_strndup(struct wi_arena *a, const char *s, size_t n);
char *wi_strdup(struct wi_arena *a, const char *s);
char *wi_printf(struct wi_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Grow an array of `*cap` elements of `elem` bytes (doubling); copies. */
void *wi_grow(struct wi_arena *a, void *old, size_t elem, uint32_t n, uint32_t *cap);

/** Append a zeroed element to the arena array `arr` (count `n`, capacity `cap`). */
#define WI_PUSH(A, arr, n, cap)                                                   \
	((n) == (cap) ? (void)((arr) = wi_grow((A), (arr), sizeof *(arr), (n), &(cap))) \
		      : (void)0,                                                  \
	 memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

/* ------------------------------------------------------------ context */

struct wi_pkg;

/** State of one wit_load(): arena, error, every package read. */
struct wi_ctx {
	struct wi_arena *arena;
	struct wit_error *err;
	bool failed;
	uint32_t npkgs, cappkgs;
	struct wi_pkg **pkgs;      /**< in load order */
	uint32_t norder, caporder;
	struct wi_pkg **order;     /**< resolved, dependencies first */
};

/** Set the error "file:line:col: message" (the first one wins); returns -1. */
int wi_err(struct wi_ctx *c, struct wit_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int wi_verr(struct wi_ctx *c, struct wit_loc loc, const char *fmt, va_list ap);

/* ------------------------------------------------------------ lexer */

enum wi_tok {
	WI_TOK_EOF = 0,
	WI_TOK_ID,        /**< identifier (validated; text without `%`) */
	WI_TOK_INT,       /**< integer; value */
	WI_TOK_STRING,    /**< string literal (raw, quotes included) */
	/* operators */
	WI_TOK_EQ, WI_TOK_COMMA, WI_TOK_COLON, WI_TOK_PERIOD, WI_TOK_SEMI,
	WI_TOK_LPAREN, WI_TOK_RPAREN, WI_TOK_LBRACE, WI_TOK_RBRACE,
	WI_TOK_LT, WI_TOK_GT, WI_TOK_ARROW, WI_TOK_STAR, WI_TOK_AT,
	WI_TOK_SLASH, WI_TOK_PLUS, WI_TOK_MINUS,
	/* keywords */
	WI_KW_USE, WI_KW_TYPE, WI_KW_FUNC,
	WI_KW_U8, WI_KW_U16, WI_KW_U32, WI_KW_U64,
	WI_KW_S8, WI_KW_S16, WI_KW_S32, WI_KW_S64, WI_KW_F32, WI_KW_F64,
	WI_KW_CHAR, WI_KW_RECORD, WI_KW_RESOURCE, WI_KW_OWN, WI_KW_BORROW,
	WI_KW_FLAGS, WI_KW_VARIANT, WI_KW_ENUM, WI_KW_BOOL, WI_KW_STRING,
	WI_KW_OPTION, WI_KW_RESULT, WI_KW_FUTURE, WI_KW_STREAM,
	WI_KW_ERROR_CONTEXT, WI_KW_LIST, WI_KW_MAP, WI_KW_UNDERSCORE, WI_KW_AS,
	WI_KW_FROM, WI_KW_STATIC, WI_KW_INTERFACE, WI_KW_TUPLE, WI_KW_IMPORT,
	WI_KW_EXPORT, WI_KW_WORLD, WI_KW_PACKAGE, WI_KW_CONSTRUCTOR,
	WI_KW_INCLUDE, WI_KW_WITH, WI_KW_ASYNC,
};

struct wi_token {
	enum wi_tok kind;
	bool explicit_id;  /**< ID written with `%` */
	const char *text;  /**< ID: the name (arena) */
	uint64_t value;    /**< INT */
	uint32_t off, len; /**< bytes in the source */
	struct wit_loc loc;
};

/**
 * @brief Tokenize `src` (comments and whitespace dropped; a final EOF
 *        token). Identifiers are validated (kebab-case words).
 */
int wi_lex(struct wi_ctx *c, const char *file, const char *src, size_t len,
	   struct wi_token **toks, uint32_t *ntoks);
/** "an identifier", "keyword `record`", "'{'", ... */
const char *wi_tok_describe(enum wi_tok k);

/* ------------------------------------------------------------ parsed form */

/** An unresolved reference to a named type (kind of a struct wit_type). */
#define WI_T_NAME 0x100
#define WI_IS_NAME(t) ((int)(t)->kind == WI_T_NAME)

struct wi_id {
	const char *name;
	struct wit_loc loc;
};

/** `iface`, or `ns:pkg/iface[@version]` (foreign). */
struct wi_path {
	bool foreign;
	const char *ns, *pkg, *version;
	struct wi_id name;
	struct wit_loc loc;
};

/** `use path.{a, b as c};` */
struct wi_use {
	struct wi_path from;
	uint32_t n;
	struct wi_id *names;
	struct wi_id *as;   /**< as[i].name NULL: not renamed */
	struct wi_iface *target; /**< resolved */
};

/** A type-namespace item in source order: a definition or a used name. */
struct wi_titem {
	struct wit_type *def;
	struct wi_use *use;
	uint32_t idx;
};

/** A name in an interface's or world's namespace. */
struct wi_entry {
	const char *name;
	struct wit_loc loc;
	struct wit_type *type;   /**< NULL for a function */
	struct wi_use *from;     /**< brought by this `use` */
	bool is_def;
	int state;               /**< typedef resolution: 0 new, 1 busy, 2 done */
};

struct wi_scope {
	uint32_t n, cap;
	struct wi_entry *e;
};

struct wi_file {
	const char *path;
	uint32_t nuses, capuses;
	struct wi_tluse {
		struct wi_path path;
		struct wi_id as;  /**< the name it gets in the file */
	} *uses;
};

struct wi_iface {
	struct wit_interface *out;
	struct wi_pkg *pkg;
	struct wi_file *file;
	struct wi_id name;               /**< NULL name: inline in a world */
	uint32_t nitems, capitems;
	struct wi_titem *items;
	uint32_t nuses, capuses;
	struct wi_use **uses;
	uint32_t nfuncs, capfuncs;
	struct wit_func **funcs;
	struct wi_scope scope;
	uint32_t capout;                 /**< capacity of out->uses */
	int state;
};

enum wi_witem_kind { WI_W_IMPORT = 1, WI_W_EXPORT, WI_W_USE, WI_W_TYPE, WI_W_INCLUDE };
enum wi_ext_kind { WI_EXT_FUNC = 1, WI_EXT_INLINE, WI_EXT_PATH, WI_EXT_NAMED };

struct wi_witem {
	enum wi_witem_kind kind;
	enum wi_ext_kind ext;          /**< IMPORT/EXPORT */
	struct wi_id name;             /**< FUNC, INLINE, NAMED: the label */
	struct wit_func *func;
	struct wi_iface *inl;
	struct wi_path path;           /**< PATH, NAMED, INCLUDE */
	bool with;                     /**< INCLUDE with `with { ... }` */
	struct wi_use *use;
	struct wit_type *def;
	struct wit_loc loc;
};

struct wi_world {
	struct wit_world *out;
	struct wi_pkg *pkg;
	struct wi_file *file;
	struct wi_id name;
	uint32_t nitems, capitems;
	struct wi_witem *items;
	struct wi_scope scope;
	uint32_t capimports, capexports;
	int state;
};

struct wi_pkg {
	struct wit_package *out;
	const char *ns, *name, *version; /**< ns NULL: no `package` line yet */
	struct wit_loc loc;              /**< of the `package` line */
	const char *first_file;          /**< for errors about the package */
	uint32_t nifaces, capifaces;
	struct wi_iface **ifaces;
	uint32_t nworlds, capworlds;
	struct wi_world **worlds;
	uint32_t nfpaths, capfpaths;
	struct wi_path **fpaths;         /**< every foreign path used */
	uint32_t nfiles, capfiles;
	struct wi_file **files;          /**< for their top-level `use`s */
	bool has_items;
	int state;
};

/**
 * @brief Parse one file into `pkg` (created by the caller, possibly shared
 *        by several files); nested `package x { }` blocks become new
 *        packages appended to c->pkgs.
 */
int wi_parse_file(struct wi_ctx *c, struct wi_pkg *pkg, const char *path,
		  const char *src, size_t len);

/** Parse helpers split across wit_parse.c and wit_parse_type.c. */
struct wi_parser {
	struct wi_ctx *c;
	struct wi_token *t;
	uint32_t n, i;
	const char *src;
	struct wi_pkg *pkg;
	struct wi_file *file;
	uint32_t depth;
};

struct wi_token *wi_peek(struct wi_parser *p, uint32_t ahead);
bool wi_eat(struct wi_parser *p, enum wi_tok k);
struct wi_token *wi_expect(struct wi_parser *p, enum wi_tok k);
int wi_expected(struct wi_parser *p, const char *what);
int wi_parse_id(struct wi_parser *p, struct wi_id *out);
int wi_parse_attrs(struct wi_parser *p);
int wi_parse_version(struct wi_parser *p, const char **out);
struct wit_type *wi_parse_type(struct wi_parser *p);
struct wit_func *wi_parse_func(struct wi_parser *p, const struct wi_id *name);
/** record/variant/enum/flags/resource/type definitions (at their keyword). */
struct wit_type *wi_parse_typedef(struct wi_parser *p, struct wit_interface *iface,
				  struct wit_world *world);
bool wi_at_typedef(struct wi_parser *p);
struct wit_type *wi_new_type(struct wi_parser *p, enum wit_type_kind k, struct wit_loc loc);

/* ------------------------------------------------------------ resolver */

/** Resolve package `p`'s interfaces (its dependencies already resolved). */
int wi_resolve_pkg(struct wi_ctx *c, struct wi_pkg *p);
int wi_resolve_iface(struct wi_ctx *c, struct wi_iface *i, struct wit_loc ref);
int wi_resolve_world(struct wi_ctx *c, struct wi_world *w, struct wit_loc ref);
/* wit_world.c: a package's worlds, after its interfaces (wi_resolve_pkg). */
int wi_resolve_pkg_worlds(struct wi_ctx *c, struct wi_pkg *p);
/** Resolve a namespace (uses + definitions) and the resource functions. */
int wi_resolve_scope(struct wi_ctx *c, struct wi_scope *s, struct wi_pkg *pkg,
		     struct wi_file *file, struct wi_titem *items, uint32_t nitems);
int wi_resolve_func(struct wi_ctx *c, struct wi_scope *s, struct wit_func *f);
int wi_scope_add(struct wi_ctx *c, struct wi_scope *s, const char *name,
		 struct wit_loc loc, struct wit_type *type);
/** The interface of a `use` (resolved first); sets u->target. */
int wi_use_target(struct wi_ctx *c, struct wi_pkg *pkg, struct wi_file *file, struct wi_use *u);
/** kebab-case names are case-insensitive in the component model. */
bool wi_same_name(const char *a, const char *b);
struct wi_entry *wi_scope_find(struct wi_scope *s, const char *name);
/** What `path` names: exactly one of *iface / *world set. */
int wi_lookup_path(struct wi_ctx *c, struct wi_pkg *pkg, struct wi_file *file,
		   const struct wi_path *path, struct wi_iface **iface, struct wi_world **world);
struct wi_pkg *wi_find_pkg(struct wi_ctx *c, const char *ns, const char *name,
			   const char *version);
/** `ns:pkg/name[@version]` of a named interface (Resolve::id_of). */
const char *wi_iface_key(struct wi_ctx *c, const struct wit_interface *i);
const char *wi_pkg_name(struct wi_ctx *c, const char *ns, const char *name, const char *version);

#endif /* FLUE_BUILD_WIT_INTERNAL_H */
