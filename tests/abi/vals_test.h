/*
 * Support for the value-system suites (src/abi/val.h): a type-graph
 * builder, the reference's test heap (run_tests.py `Heap`: a bump
 * allocator whose realloc copies the old bytes and never shrinks in
 * place), with a log of every realloc call, and memory helpers.
 * Expected values in the suites come from the reference, never from flue.
 */
#ifndef FLUE_VALS_TEST_H
#define FLUE_VALS_TEST_H

#include "abi_test.h"
#include <flue/valtype.h>

#include "../../src/abi/val.h"

/* ------------------------------------------------------------ builder */

#define TB_MAX_NODES 64u
#define TB_MAX_KIDS 128u

struct tb {
	struct flue_tnode nodes[TB_MAX_NODES];
	uint16_t kids[TB_MAX_KIDS];
	uint16_t nnodes, nkids;
	struct flue_tgraph g;
};

static inline void tb_init(struct tb *b)
{
	memset(b, 0, sizeof *b);
}

/* A node of `kind` with `n` children and `arg`; returns its index. */
static inline uint16_t tb_node(struct tb *b, uint8_t kind, uint32_t arg, uint32_t n,
			       const uint16_t *kids)
{
	FT_TRUE(b->nnodes < TB_MAX_NODES && b->nkids + n <= TB_MAX_KIDS);
	struct flue_tnode *t = &b->nodes[b->nnodes];
	t->kind = kind;
	t->arg = arg;
	t->nkids = (uint16_t)n;
	t->kids = b->nkids;
	for (uint32_t i = 0; i < n; i++)
		b->kids[b->nkids++] = kids[i];
	return b->nnodes++;
}

static inline uint16_t tb_prim(struct tb *b, uint8_t kind)
{
	return tb_node(b, kind, 0, 0, 0);
}

#define TB_KIDS(...) ((const uint16_t[]){ __VA_ARGS__ })
#define TB_N(...) (sizeof(TB_KIDS(__VA_ARGS__)) / sizeof(uint16_t))
/* tb_rec(b, FLUE_VT_RECORD, k0, k1, ...): RECORD/TUPLE/VARIANT with kids */
#define tb_rec(b, kind, ...) tb_node((b), (kind), 0, TB_N(__VA_ARGS__), TB_KIDS(__VA_ARGS__))

static inline uint16_t tb_list(struct tb *b, uint16_t elem, uint32_t fixed_len)
{
	return tb_node(b, FLUE_VT_LIST, fixed_len, 1, &elem);
}

/* Lay the graph out (must succeed) and return it. */
static inline const struct flue_tgraph *tb_done(struct tb *b)
{
	FT_EQ(flue_types_layout(b->nodes, b->nnodes, b->kids, b->nkids), 0);
	b->g = (struct flue_tgraph){ b->nodes, b->kids, b->nnodes, b->nkids };
	return &b->g;
}

/* -------------------------------------------------------------- heap */

#define HEAP_LOG 16u

struct heap_call {
	uint32_t old_ptr, old_size, align, new_size, ret;
};

/* run_tests.py's Heap over an instance's memory (fx.a_mem or fx.b_mem):
 * allocations from `last_alloc` up; a realloc past `limit` traps the
 * instance (FLUE_TRAP_WASM_UNREACHABLE), as the Heap's trap() does. */
struct heap {
	struct flue_instance *inst;
	uint8_t *mem;
	uint32_t last_alloc;
	uint32_t limit;
	uint32_t ncalls;
	struct heap_call log[HEAP_LOG];
	bool bad_align;  /* return the pointer + 1 (a misaligned result) */
	uint32_t force;  /* non-zero: return this pointer instead */
};

static inline uint32_t heap_align_to(uint32_t p, uint32_t a)
{
	return (p + a - 1u) / a * a;
}

static inline uint32_t heap_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size,
				    uint32_t align, uint32_t new_size)
{
	struct heap *h = ctx;
	uint32_t ret;
	if (old_ptr != 0 && new_size < old_size) {
		ret = heap_align_to(old_ptr, align);
	} else {
		ret = heap_align_to(h->last_alloc, align);
		if ((uint64_t)ret + new_size > h->limit)
			flue_trap_raise(h->inst, FLUE_TRAP_WASM_UNREACHABLE);
		h->last_alloc = ret + new_size;
		memmove(h->mem + ret, h->mem + old_ptr, old_size);
	}
	if (h->force != 0)
		ret = h->force;
	if (h->bad_align)
		ret += 1u;
	if (h->ncalls < HEAP_LOG)
		h->log[h->ncalls] = (struct heap_call){ old_ptr, old_size, align, new_size, ret };
	h->ncalls++;
	return ret;
}

/* A heap over fx.b's memory, starting at `start`, limited to `limit`. */
static inline void heap_init(struct heap *h, struct flue_instance *inst, uint8_t *mem,
			     uint32_t start, uint32_t limit)
{
	memset(h, 0, sizeof *h);
	h->inst = inst;
	h->mem = mem;
	h->last_alloc = start;
	h->limit = limit;
}

static inline struct flue_cx heap_cx(struct heap *h, uint8_t encoding)
{
	return (struct flue_cx){ h->inst, heap_realloc, h, encoding };
}

#define EXPECT_CALL(h, k, o, os, al, ns)            \
	do {                                         \
		FT_TRUE((k) < (h)->ncalls);          \
		FT_EQ((h)->log[k].old_ptr, (o));     \
		FT_EQ((h)->log[k].old_size, (os));   \
		FT_EQ((h)->log[k].align, (al));      \
		FT_EQ((h)->log[k].new_size, (ns));   \
	} while (0)

/* ------------------------------------------------------------ memory */

static inline void st8(uint8_t *m, uint32_t off, uint8_t v)
{
	m[off] = v;
}

static inline void st16(uint8_t *m, uint32_t off, uint16_t v)
{
	m[off] = (uint8_t)v;
	m[off + 1] = (uint8_t)(v >> 8);
}

static inline void stw(uint8_t *m, uint32_t off, uint32_t v)
{
	for (uint32_t i = 0; i < 4u; i++)
		m[off + i] = (uint8_t)(v >> (8u * i));
}

static inline uint16_t ld16(const uint8_t *m, uint32_t off)
{
	return (uint16_t)(m[off] | m[off + 1] << 8);
}

/* ------------------------------------------------------------ parser */

/* tb_parse(b, "list(tuple(u8,u16),3)"): add a type written as text and
 * return its node. Primitives by name (bool s8 u8 s16 u16 s32 u32 s64 u64
 * f32 f64 char string errctx); list(T) / list(T,N), record(T,...),
 * tuple(T,...), variant(T|_,...), enum(N), option(T), result(T|_,T|_),
 * flags(N), map(K,V), own(N), borrow(N), stream(N), future(N); `_` is
 * FLUE_TYPE_NONE. Children get lower indices than their parents. */
struct tb_kw {
	const char *name;
	uint8_t kind;
};

static const struct tb_kw TB_KWS[] = {
	{ "bool", FLUE_VT_BOOL },     { "s8", FLUE_VT_S8 },         { "u8", FLUE_VT_U8 },
	{ "s16", FLUE_VT_S16 },       { "u16", FLUE_VT_U16 },       { "s32", FLUE_VT_S32 },
	{ "u32", FLUE_VT_U32 },       { "s64", FLUE_VT_S64 },       { "u64", FLUE_VT_U64 },
	{ "f32", FLUE_VT_F32 },       { "f64", FLUE_VT_F64 },       { "char", FLUE_VT_CHAR },
	{ "string", FLUE_VT_STRING }, { "errctx", FLUE_VT_ERROR_CONTEXT },
	{ "list", FLUE_VT_LIST },     { "record", FLUE_VT_RECORD }, { "tuple", FLUE_VT_TUPLE },
	{ "variant", FLUE_VT_VARIANT }, { "enum", FLUE_VT_ENUM },   { "option", FLUE_VT_OPTION },
	{ "result", FLUE_VT_RESULT }, { "flags", FLUE_VT_FLAGS },   { "map", FLUE_VT_MAP },
	{ "own", FLUE_VT_OWN },       { "borrow", FLUE_VT_BORROW }, { "stream", FLUE_VT_STREAM },
	{ "future", FLUE_VT_FUTURE },
};

static inline uint16_t tb_parse_at(struct tb *b, const char **sp)
{
	const char *s = *sp;
	if (*s == '_') {
		*sp = s + 1;
		return FLUE_TYPE_NONE;
	}
	size_t len = 0;
	while ((s[len] >= 'a' && s[len] <= 'z') || (s[len] >= '0' && s[len] <= '9'))
		len++;
	uint8_t kind = 0;
	for (size_t i = 0; i < sizeof TB_KWS / sizeof TB_KWS[0]; i++)
		if (strlen(TB_KWS[i].name) == len && memcmp(TB_KWS[i].name, s, len) == 0)
			kind = TB_KWS[i].kind;
	FT_TRUE(kind != 0);
	s += len;
	uint16_t kids[32];
	uint32_t n = 0, arg = 0;
	if (*s == '(') {
		do {
			s++;
			if (*s >= '0' && *s <= '9') {
				arg = 0;
				while (*s >= '0' && *s <= '9')
					arg = arg * 10u + (uint32_t)(*s++ - '0');
			} else {
				FT_TRUE(n < 32u);
				kids[n++] = tb_parse_at(b, &s);
			}
		} while (*s == ',');
		FT_EQ(*s, ')');
		s++;
	}
	*sp = s;
	return tb_node(b, kind, arg, n, kids);
}

static inline uint16_t tb_parse(struct tb *b, const char *text)
{
	uint16_t t = tb_parse_at(b, &text);
	FT_EQ(*text, '\0');
	return t;
}

/* ------------------------------------------------------- hex patterns */

/* A hex pattern's bytes ("0102 ..ff": spaces skipped, ".." any byte). */
static inline uint32_t hex_len(const char *h)
{
	uint32_t n = 0;
	for (; *h != '\0'; h++)
		n += *h != ' ';
	return n / 2u;
}

static inline int hex_nib(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Byte i of pattern h: 0..255, or -1 for "..". */
static inline int hex_at(const char *h, uint32_t i)
{
	for (uint32_t k = 0;; h++) {
		if (*h == ' ')
			continue;
		if (k++ == 2u * i)
			return h[0] == '.' ? -1 : hex_nib(h[0]) << 4 | hex_nib(h[1]);
	}
}

static inline void hex_store(uint8_t *m, const char *h)
{
	for (uint32_t i = 0; i < hex_len(h); i++)
		m[i] = (uint8_t)hex_at(h, i);
}

/* m holds pattern h, and the 8 bytes after it are untouched (zero). */
static inline void expect_bytes(const uint8_t *m, const char *h)
{
	uint32_t n = hex_len(h);
	for (uint32_t i = 0; i < n; i++)
		if (hex_at(h, i) >= 0)
			FT_EQ(m[i], hex_at(h, i));
	for (uint32_t i = n; i < n + 8u; i++)
		FT_EQ(m[i], 0);
}

#endif /* FLUE_VALS_TEST_H */
