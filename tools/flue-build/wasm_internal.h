/**
 * @file wasm_internal.h
 * @brief Private to the wasm reader (wasm.c, wasm_sections.c): the cursor
 *        and the checked primitives the section readers are built from.
 *
 * Every reader returns 0, or -1 after formatting the first error into
 * r->err ("offset 0x<hex>: [<section> section: ]<what>: ..."); `what`
 * names the thing being read for that message.
 */
#ifndef FLUE_BUILD_WASM_INTERNAL_H
#define FLUE_BUILD_WASM_INTERNAL_H

#include "wasm.h"

/** The cursor over the file being read. */
struct wasm_rd {
	const uint8_t *b;
	size_t pos;          /**< next byte */
	size_t end;          /**< end of the current section, or of the file */
	size_t size;         /**< file size */
	const char *sec;     /**< name of the current section, NULL between sections */
	struct wasm_error *err;
	uint32_t seen;       /**< a bit per section id seen */
	uint32_t datacount;  /**< the data count section's value */
};

/** A constant expression, as far as flue-build cares. */
struct cexpr {
	uint8_t op;          /**< 0x41 / 0x42 if it is a lone i32.const / i64.const, else 0 */
	uint64_t value;      /**< that constant, sign-extended to 64 bits */
};

/** Formats the error at file offset `off`; returns -1. */
__attribute__((format(printf, 3, 4)))
int wr_fail(struct wasm_rd *r, size_t off, const char *fmt, ...);

int wr_byte(struct wasm_rd *r, uint8_t *v, const char *what);
/** An LEB128 of at most `bits` bits (unsigned, or signed and sign-extended). */
int wr_leb(struct wasm_rd *r, unsigned bits, bool sign, uint64_t *out, const char *what);
int wr_u32(struct wasm_rd *r, uint32_t *v, const char *what);
/** A list length, which must not exceed the bytes left in the section. */
int wr_count(struct wasm_rd *r, uint32_t *n, const char *what);
int wr_skip(struct wasm_rd *r, size_t n, const char *what);
/** A name (UTF-8, no U+0000), malloc'd into `*out`, or skipped if `out` is NULL. */
int wr_name(struct wasm_rd *r, char **out, const char *what);
/** A value type (or, with `ref_only`, a reference type). */
int wr_valtype(struct wasm_rd *r, uint8_t *t, bool ref_only, const char *what);
/** A list of value types, malloc'd. */
int wr_valtypes(struct wasm_rd *r, uint32_t *n, uint8_t **out, const char *what);
int wr_limits(struct wasm_rd *r, struct wasm_limits *l, bool memory, const char *what);
/** A type index below m->ntypes. */
int wr_typeidx(struct wasm_rd *r, const struct wasm_module *m, uint32_t *x, const char *what);
/** An index below `n` in the space called `space` ("function", ...). */
int wr_index(struct wasm_rd *r, uint32_t n, uint32_t *x, const char *space, const char *what);
int wr_globaltype(struct wasm_rd *r, uint8_t *t, bool *mut, const char *what);
int wr_tagtype(struct wasm_rd *r, const struct wasm_module *m, uint32_t *type, const char *what);
int wr_const_expr(struct wasm_rd *r, struct cexpr *ce, const char *what);
/** A segment offset: whether `ce` is a lone constant, and its address. */
bool wr_const_offset(const struct cexpr *ce, uint64_t *offset);

/* The section readers (wasm_sections.c): each reads the contents between
 * r->pos and r->end. */
int wr_sec_custom(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_type(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_import(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_function(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_table(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_memory(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_tag(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_global(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_export(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_start(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_element(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_datacount(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_code(struct wasm_rd *r, struct wasm_module *m);
int wr_sec_data(struct wasm_rd *r, struct wasm_module *m);

#endif /* FLUE_BUILD_WASM_INTERNAL_H */
