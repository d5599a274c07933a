/**
 * @file wasm.h
 * @brief flue-build's reader of core WebAssembly binaries (the MVP binary
 *        format plus the sections and encodings clang/wasm-ld emit: bulk
 *        memory, multi-value, reference types, sign extension, non-trapping
 *        conversions), and a rewriter that renames imports and exports.
 *
 * The reader checks the structure (magic, version, section ids and order,
 * every LEB128 and length within its section and the file, UTF-8 names,
 * known import/export kinds, type indices in range) and extracts what
 * flue-build needs: function types, imports, defined functions, tables,
 * memories, globals (with constant initialisers), exports, the start
 * function, data segment sizes and the code size. It does not validate
 * function bodies (wasm2c does that).
 *
 * The rewriter copies the module byte for byte except the import and
 * export sections, whose names it replaces: flue-build uses it to give
 * every module's imports names of its own before wasm2c (two modules that
 * import the same (module, name) with different core types must not share
 * a C symbol).
 *
 * Host tool code: allocates with malloc; wasm_free() releases a module.
 */
#ifndef FLUE_BUILD_WASM_H
#define FLUE_BUILD_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Value types as encoded in the binary. */
enum wasm_valtype {
	WASM_I32 = 0x7F,
	WASM_I64 = 0x7E,
	WASM_F32 = 0x7D,
	WASM_F64 = 0x7C,
	WASM_V128 = 0x7B,
	WASM_FUNCREF = 0x70,
	WASM_EXTERNREF = 0x6F,
};

/** Import / export kinds as encoded. */
enum wasm_extern_kind {
	WASM_EXTERN_FUNC = 0,
	WASM_EXTERN_TABLE = 1,
	WASM_EXTERN_MEMORY = 2,
	WASM_EXTERN_GLOBAL = 3,
	WASM_EXTERN_TAG = 4,
};

struct wasm_functype {
	uint32_t nparams, nresults;
	uint8_t *params;  /**< enum wasm_valtype each */
	uint8_t *results;
};

/** Table / memory limits. */
struct wasm_limits {
	uint64_t min;
	uint64_t max;  /**< valid if has_max */
	bool has_max;
	bool shared;   /**< memories: threads proposal */
	bool is64;     /**< memories: memory64 (tables: table64) */
};

struct wasm_import {
	char *module, *field;   /**< NUL-terminated UTF-8 */
	uint8_t kind;           /**< enum wasm_extern_kind */
	uint32_t type;          /**< FUNC: type index; TAG: type index */
	uint8_t valtype;        /**< GLOBAL: value type; TABLE: element type */
	bool mut;               /**< GLOBAL */
	struct wasm_limits limits; /**< TABLE, MEMORY */
	size_t offset;          /**< byte offset of the entry in the file (for errors) */
	/* private: the descriptor's bytes (kind onwards), which the rewriter copies */
	size_t desc_start, desc_end;
};

struct wasm_global {
	uint8_t valtype;
	bool mut;
	bool const_init;     /**< initialiser is a single i32/i64.const */
	uint64_t init;       /**< its value (sign-extended to 64 bits) */
};

struct wasm_export {
	char *name;
	uint8_t kind;   /**< enum wasm_extern_kind */
	uint32_t index; /**< in the kind's index space (imports first) */
	size_t offset;  /**< byte offset of the entry in the file (for errors) */
	/* private: the descriptor's bytes (kind and index), which the rewriter copies */
	size_t desc_start, desc_end;
};

/** How an element or data segment is used (bulk-memory proposal). */
enum wasm_seg_mode {
	WASM_SEG_ACTIVE = 0,
	WASM_SEG_PASSIVE = 1,
	WASM_SEG_DECLARATIVE = 2, /**< element segments only */
};

/** An element segment (any of the encodings 0..7). */
struct wasm_elem {
	uint8_t flags;        /**< the encoding it used (0..7) */
	uint8_t mode;         /**< enum wasm_seg_mode */
	uint8_t reftype;      /**< WASM_FUNCREF or WASM_EXTERNREF */
	bool exprs;           /**< elements are expressions (flags 4..7), not function indices */
	uint32_t table;       /**< ACTIVE: table index */
	bool const_offset;    /**< ACTIVE: the offset is a lone i32.const or i64.const */
	uint64_t offset;      /**< its value (an i32.const is taken as unsigned) */
	uint32_t count;       /**< number of elements */
};

/** A data segment (any of the encodings 0..2). */
struct wasm_data {
	uint8_t mode;         /**< WASM_SEG_ACTIVE or WASM_SEG_PASSIVE */
	uint32_t memory;      /**< ACTIVE: memory index */
	bool const_offset;    /**< ACTIVE: the offset is a lone i32.const or i64.const */
	uint64_t offset;      /**< its value (an i32.const is taken as unsigned) */
	uint32_t size;        /**< payload bytes */
	size_t file_offset;   /**< where the payload starts in `bytes` */
};

/** A read module. Index spaces count imports first, as in the spec. */
struct wasm_module {
	uint8_t *bytes;       /**< private copy of the file */
	size_t size;

	uint32_t ntypes;
	struct wasm_functype *types;

	uint32_t nimports;
	struct wasm_import *imports;
	uint32_t nimported_funcs, nimported_tables, nimported_memories, nimported_globals;
	uint32_t nimported_tags;

	uint32_t nfuncs;        /**< defined functions */
	uint32_t *func_types;   /**< their type indices */

	uint32_t ntables;       /**< defined tables */
	struct wasm_limits *tables;
	uint8_t *table_elem;    /**< their element types */

	uint32_t nmemories;     /**< defined memories */
	struct wasm_limits *memories;

	uint32_t nglobals;      /**< defined globals */
	struct wasm_global *globals;

	uint32_t ntags;         /**< defined tags (exception handling) */
	uint32_t *tag_types;    /**< their type indices */

	uint32_t nexports;
	struct wasm_export *exports;

	bool has_start;
	uint32_t start;         /**< function index */

	uint32_t ndata;         /**< data segments */
	uint64_t data_bytes;    /**< their total payload */
	uint64_t data_end;      /**< highest end (offset + size) of an active segment
				     of memory 0 with an i32.const offset (or an
				     i64.const, for memory64); 0 if none */
	struct wasm_data *data; /**< the ndata segments */
	bool has_datacount;     /**< a data count section is present */
	uint64_t code_bytes;    /**< size of the code section's payload */
	uint32_t nelem;         /**< element segments */
	struct wasm_elem *elems;
	/* private: where the import and export sections sit (0 if absent) */
	size_t import_sec_start, import_sec_end, export_sec_start, export_sec_end;
	size_t code_sec_start, code_sec_end; /* the code section's contents */
};

/** An error: the byte offset and what is wrong ("offset 0x1f: ..."). */
struct wasm_error {
	char msg[256];
};

/**
 * @brief Read a module from memory (copied) or from a file.
 *
 * `*m` need not be initialised; on failure it is left zeroed (nothing to
 * free). Every message about the bytes starts with "offset 0x<hex>: "
 * (the offset in the file); wasm_read_file() reports an unreadable file as
 * "<path>: <strerror>". Beyond the structure, the reader also refuses names
 * containing U+0000 (they could not be C strings), duplicate export names,
 * and indices out of range in exports, the start section, element segments
 * (table and function indices) and data segments (memory index).
 *
 * Also read: shared (threads) and 64-bit (memory64, table64) limits, tags
 * (exception handling; section 13 between memory and global), tables with
 * an initialiser (0x40 0x00), and extended-const, v128.const, ref.null,
 * ref.func and global.get in initialisers. Refused: types other than
 * function types (GC), value types beyond enum wasm_valtype.
 * @retval 0 @retval -1 with `err->msg` (file unreadable, not a wasm module,
 *         a component rather than a core module, malformed section ...)
 */
int wasm_read(struct wasm_module *m, const uint8_t *bytes, size_t n, struct wasm_error *err);
int wasm_read_file(struct wasm_module *m, const char *path, struct wasm_error *err);

/** @brief The type of function `funcidx` (imports first), or NULL if out of range. */
const struct wasm_functype *wasm_func_type(const struct wasm_module *m, uint32_t funcidx);

/** @brief The export named `name`, or NULL. */
const struct wasm_export *wasm_find_export(const struct wasm_module *m, const char *name);

/**
 * @brief A copy of the module whose import i is named (import_modules[i],
 *        import_fields[i]) and export j is named export_names[j]; every
 *        other byte is unchanged. A NULL array keeps those names, and so
 *        does a NULL entry. New names must be valid UTF-8. The import and
 *        export sections are re-encoded (minimal LEB128 lengths, each
 *        entry's descriptor copied byte for byte), so the output may differ
 *        in length from the input; everything before, between and after
 *        the two sections is copied unchanged.
 * @retval 0 and a malloc'd `*out` of `*out_len` bytes
 * @retval -1 with `err->msg` ("offset 0x<hex>: ..." at the import or
 *         export entry concerned: duplicate export name, new name not
 *         valid UTF-8); `*out` is left alone
 */
int wasm_rewrite_names(const struct wasm_module *m, const char *const *import_modules,
		       const char *const *import_fields, const char *const *export_names,
		       uint8_t **out, size_t *out_len, struct wasm_error *err);

/**
 * @brief Look for a memory.copy between two different memories (0xFC 10
 *        with destination ≠ source index) in the function bodies.
 * @retval 1 found, `*func` the function index (imports first) holding it
 * @retval 0 none
 * @retval -1 a body it cannot step through (an opcode it does not know),
 *         `*func` that function, `err->msg` "offset 0x<hex>: ..."
 */
int wasm_find_cross_copy(const struct wasm_module *m, uint32_t *func, struct wasm_error *err);

/** @brief Whether `s[0..n)` is well-formed UTF-8 (no overlong forms, no
 *         surrogates, nothing above U+10FFFF). */
bool wasm_utf8_valid(const uint8_t *s, size_t n);

/**
 * @brief Whether two of the `n` names are equal; if so, `*first` < `*second`
 *        are the indices of one such pair.
 */
bool wasm_names_duplicate(const char *const *names, uint32_t n, uint32_t *first, uint32_t *second);

/** @brief "i32", "funcref", ... ("?" for an unknown code). */
const char *wasm_valtype_name(uint8_t valtype);

/** @brief "func", "table", "memory", "global", "tag" ("?" otherwise). */
const char *wasm_extern_kind_name(uint8_t kind);

/** @brief Release what wasm_read() allocated (safe on a zeroed module). */
void wasm_free(struct wasm_module *m);

#endif /* FLUE_BUILD_WASM_H */
