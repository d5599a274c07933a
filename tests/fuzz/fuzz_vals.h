/*
 * Internal interface of the value fuzzer (fuzz_vals.c says what it does
 * and checks). Files:
 *   fuzz_vals.c        harness state, trap hook, the hops, the checks,
 *                      statistics, LLVMFuzzerInitialize/TestOneInput;
 *   fuzz_vals_type.c   the input reader, type graphs from input bytes, the
 *                      harness's own layout and flattening, type printing;
 *   fuzz_vals_mem.c    the parties' memories: ASan poisoning, the bump
 *                      allocator (realloc), snapshots;
 *   fuzz_vals_gen.c    the writer of the source value (canonical layout,
 *                      strings in the source's encoding) and the mutator;
 *   fuzz_vals_read.c   the reader: the reference's validity rules (with
 *                      fuzz_vals_rd.h, what it shares with the next);
 *   fuzz_vals_cmp.c    the structural comparator and value printing;
 *   fuzz_vals_ends.c   stream and future ends: their model, H's ends and
 *                      decoys, the round trip's read across each end.
 * The reader and the layout are the harness's own, written from
 * definitions.py @ 6d28164, not from src/abi.
 */
#ifndef FLUE_TEST_FUZZ_VALS_H
#define FLUE_TEST_FUZZ_VALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/store.h>
#include <flue/valtype.h>

#include "../../src/abi/val.h"

#define VMEM 65536u                 /* every party's memory buffer */
#define VMAX_NODES 40u
#define VMAX_KIDS 96u
#define VMAX_PARAMS 4u
#define VMAX_FLAT 16u               /* MAX_FLAT_PARAMS */
#define VFLAT_CAP 64u               /* a tuple's flat types kept up to here */
#define VFLAT_MANY (VFLAT_CAP + 1u) /* "more than VFLAT_CAP" */
#define VMAX_SITES 256u
#define VMAX_NODE_SIZE 1024u        /* a generated type's size stays under this */
#define VBUDGET 6144u               /* bytes of lists and strings in the source */
#define VMAX_WORK 2000000u          /* reader steps per walk before an input is skipped */
#define MAX_BYTES ((1u << 28) - 1u) /* MAX_STRING/LIST_BYTE_LENGTH */
#define UTF16_TAG 0x80000000u
#define VH_BUDGET 16u               /* a tuple's handle weight: own, end, error-context 1, */
#define VH_BORROW_W 5u              /* borrow 5 (<= 3 lends per move) */
#define VH_LIST_CAP 3u              /* elements of a list holding handles, at most */
#define VMAX_HSLOTS 256u            /* handles of one value the model follows */

void vz_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void vz_die(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define VDIE(...) vz_die(__FILE__, __LINE__, __VA_ARGS__)
extern bool vz_tracing;

/* ---------------------------------------------------------------- input */

struct vin {
	const uint8_t *d;
	size_t n, i;
};

uint8_t vin_u8(struct vin *in);   /* 0 once the input is used up */
uint32_t vin_u32(struct vin *in);
uint64_t vin_u64(struct vin *in);

/* ---------------------------------------------------------------- types */

/* The harness's own layout of a node (definitions.py alignment,
 * elem_size, flatten_type with join, and the nesting depth). */
struct vlay {
	uint32_t size, align, flat, depth;
	uint32_t hmax; /* handle weight a value may hold (VH_BUDGET) */
	bool borrow;   /* contains a borrow<R> */
	bool ends;     /* contains a stream<T> or future<T> */
};

struct vtypes {
	struct flue_tnode nodes[VMAX_NODES];
	uint16_t kids[VMAX_KIDS];
	struct vlay lay[VMAX_NODES];
	uint16_t nnodes, nkids;
	uint16_t ts[VMAX_PARAMS];
	uint32_t nts;
	struct flue_tgraph g;
	uint8_t flat[VFLAT_CAP]; /* the tuple's core types (enum flue_core_type) */
	uint32_t nflat;          /* their count, VFLAT_MANY if above VFLAT_CAP */
	uint32_t tsize, talign;  /* the tuple's layout */
	bool handles, borrows;   /* the tuple holds handles, borrows */
	bool ends;               /* ... stream or future ends */
};

/* The element types stream<T> and future<T> nodes name (T: u8, u32),
 * registered in every input's store before its types are generated. */
extern flue_type_t VZ_ELEM[2];

/* Decode a type graph and a tuple of 1..VMAX_PARAMS of its nodes. */
void vt_generate(struct vtypes *T, struct vin *in);
/* Cases of a variant-like node (VARIANT, ENUM, OPTION, RESULT), and case
 * c's payload (FLUE_TYPE_NONE: none). */
uint32_t vt_ncases(const struct vtypes *T, uint16_t t);
uint16_t vt_case(const struct vtypes *T, uint16_t t, uint32_t c);
/* Discriminant size of a variant-like node; its payload offset. */
uint32_t vt_disc_size(const struct vtypes *T, uint16_t t);
uint32_t vt_payload_off(const struct vtypes *T, uint16_t t);
/* A list's (or map's) element: size, alignment, the value's offset. */
struct velem {
	uint32_t size, align, voff;
};
struct velem vt_elem(const struct vtypes *T, uint16_t t);
bool vt_is_list(const struct flue_tnode *n); /* `list<T>` or map: (ptr, len) */
/* The flat core types of node t appended to out (count saturates). */
void vt_flatten(const struct vtypes *T, uint16_t t, uint8_t *out, uint32_t *n);
void vt_print(const struct vtypes *T, uint16_t t);
uint32_t vt_align_to(uint32_t v, uint32_t a);

/* ---------------------------------------------------------- handle tables */

/* The harness's model of an instance's handle table: the reference's
 * Table (array, LIFO free list), with flue's limit of
 * FLUE_CONFIG_MAX_HANDLES - 1 slots. Stream and future ends (readable,
 * writable) keep their element type in rt and their shared object's
 * index (flue's name for the stream: what connects the two ends) in rep. */
enum { HK_FREE, HK_RES, HK_ERR, HK_SR, HK_SW, HK_FR, HK_FW, HK_SET, HK_KINDS };
struct hent {
	uint8_t kind; /* HK_* */
	bool own;
	uint8_t rt;
	uint16_t lends, scope; /* num_lends; a borrow's borrow_scope (task) */
	uint32_t rep;
	bool busy, inset;      /* an end: an async copy pending; joined to a set */
};
struct htab {
	struct hent e[FLUE_CONFIG_MAX_HANDLES];
	uint16_t free[FLUE_CONFIG_MAX_HANDLES]; /* the free list, last freed last */
	uint32_t len, nfree;
};

/* -------------------------------------------------------------- parties */

struct party {
	const char *name;
	struct flue_instance *inst;
	uint8_t *mem;  /* the VMEM buffer */
	uint8_t *data; /* what flue is given (&data): mem */
	uint64_t size; /* the memory's size (the rest of the buffer stays poisoned) */
	uint8_t enc;   /* enum flue_string_encoding */
	bool tight;    /* blocks packed as run_tests.py's Heap (no red zones) */
	bool open;     /* all of [0, size) readable (a mutated source) */
	uint32_t last; /* the bump allocator's next free byte */
	uint32_t ncalls;
	bool oom;      /* realloc ran out and trapped this party */
	/* the value it holds: in memory at tptr, or flat values */
	bool in_mem;
	uint32_t tptr;
	flue_flat_t flat[VFLAT_CAP];
	uint32_t nflat;
	uint8_t idx;     /* its index (PH, PA, PB, PH2) */
	struct htab tab; /* its handle table as the reference has it */
};

void vm_reset(struct party *p, const char *name, uint8_t *mem, uint8_t enc, bool tight);
/* An allocation by the harness itself (not counted as a realloc call). */
uint32_t vm_alloc(struct party *p, uint32_t align, uint32_t size);
/* The realloc flue calls (flue_cx_realloc_t), ctx a struct party. */
uint32_t vm_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
		    uint32_t new_size);
void vm_open(struct party *p);     /* unpoison [0, size) */
uint64_t vm_hash(const struct party *p); /* all of the buffer, poisoned or not */
uint64_t vm_hash_n(const struct party *p, uint64_t n); /* its first n bytes */
/* p's bytes [ptr, ptr + n): must lie inside the memory and, unless the
 * party is open, inside blocks its allocator handed out. */
const uint8_t *vm_read(const struct party *p, uint32_t ptr, uint64_t n, const char *what);
uint64_t vm_load(const struct party *p, uint32_t ptr, uint32_t n);
void vm_store(struct party *p, uint32_t ptr, uint32_t n, uint64_t v);

/* ------------------------------------------------------------- the writer */

enum vsite_kind { VS_PTR, VS_LEN, VS_DISC, VS_CHAR, VS_BYTES, VS_TPTR, VS_HANDLE, VS_KINDS };

/* A place of the source value a mutation may hit. */
struct vsite {
	uint8_t kind;  /* enum vsite_kind */
	uint8_t bytes; /* its width in memory (VS_BYTES: 1) */
	bool mem;      /* in memory at `at`, else flat value `at` */
	uint32_t at;
	uint32_t arg;  /* VS_LEN: element size (0: a string); VS_DISC: cases;
			  VS_BYTES: the string's byte length; VS_HANDLE: the kind */
};

struct vgen {
	const struct vtypes *T;
	struct party *h;
	struct vin *in;
	uint32_t budget, nalloc;
	bool junk;     /* non-canonical bits where the reference ignores them */
	uint32_t rng;
	uint32_t fi;   /* next flat value (flat source) */
	struct vsite sites[VMAX_SITES];
	uint32_t nsites;
	uint32_t nstrings, nwide, nlatin1;
};

/* Write a random value of the tuple into h: flat values, or memory. */
void vg_write(struct vgen *w, bool in_mem);
/* Mutate the written value (1..4 mutations from the input). */
void vg_mutate(struct vgen *w);

/* ------------------------------------------------------------- the reader */

/* ----------------------------------------------------------- the handles */

/* One handle of a value, in the order lifting (and lowering) meets them. */
struct vhslot {
	uint8_t kind, rt; /* FLUE_VT_OWN, _BORROW, _ERROR_CONTEXT, _STREAM, _FUTURE;
			     the resource type or the element type */
	bool rep_given;   /* a borrow lowered into its implementation: out is the rep */
	uint32_t idx;     /* the index in the value */
	uint32_t rep;     /* the resource's rep (lifted) */
	uint32_t out;     /* what lowering gives (index or rep) */
};

/* The reference's lifting of a value's handles (lift_own, lift_borrow,
 * lift_error_context) on a copy of the source's table, and its lowering. */
struct vhw {
	struct htab *tab; /* the source's table, lifted from (NULL: only collect) */
	uint16_t task;    /* the call (borrow scope) */
	uint32_t nlends;  /* flue's lend records in use (FLUE_CONFIG_MAX_LENDS) */
	bool limit;       /* the trap is one of flue's limits, not the reference's */
	struct vhslot s[VMAX_HSLOTS];
	uint32_t n, nown, nborrow; /* nown: owns and ends, the handles taken */
};

/* The world of the resources: the types' implementations, the calls'
 * num_borrows, the store's lend records (fuzz_vals_mem.c). */
struct hworld {
	uint8_t impl[3];                        /* party implementing rt 1, 2 */
	uint16_t nb[FLUE_CONFIG_MAX_TASKS];     /* num_borrows */
	bool task_used[FLUE_CONFIG_MAX_TASKS];
	uint32_t nlends;
	uint32_t btarget[3][4], nbt[3];         /* H's handles a borrow<R> may name */
	uint32_t errs[3], nerr;                 /* H's error contexts */
	uint32_t drop;                          /* an error context to free after the write */
	uint32_t serial;
	uint64_t created, moved_in, decoys;
	/* ends: H's writable end of each shared object (index + 1; 0: none),
	 * H's and H2's element buffers for the round trip's last check, H's
	 * buffer of the busy decoys' pending reads */
	uint16_t writer[FLUE_CONFIG_MAX_SHARED];
	uint32_t wbuf, dbuf, rbuf;
};
/* Counts over the whole run (HW is reset for each input). */
struct vestat {
	uint64_t made, read, decoys;
};
extern struct vestat VE;
extern struct hworld HW;

uint32_t ht_add(struct htab *t, struct hent e); /* 0: full (flue's limit) */
struct hent *ht_get(struct htab *t, uint32_t i);
void ht_remove(struct htab *t, uint32_t i);
/* One handle met by the reader: recorded and, with hw->tab, lifted;
 * returns the reference's trap reason (0: none). */
int vh_lift(struct vhw *hw, const struct flue_tnode *n, uint32_t idx);
/* lower_own / lower_borrow / lower_error_context of every lifted handle
 * into table dt of party `dparty`, num_borrows in nb; 0 or TABLE_FULL. */
int vh_lower(struct vhw *hw, struct htab *dt, uint8_t dparty, uint16_t *nb);
/* Registering the resource types and filling H's table (input: the
 * handle byte) through flue's public built-ins; flue's tables must then
 * agree with the model. */
void vh_setup(struct flue_store *s, struct party *parties, uint8_t cfg, bool ends);
uint32_t vh_value(struct vgen *w, const struct flue_tnode *n); /* a handle for the writer */
void vh_after_write(void);
/* DIE unless flue's table of p, the calls' num_borrows and the lend
 * records are as the model has them. */
void vh_check_table(const struct party *p);
void vh_check_world(void);
void vh_check_calls(void); /* num_borrows of every call the model knows */
uint16_t vh_task(void); /* a new call (flue_task_alloc) */
/* Stream and future ends (fuzz_vals_ends.c): lift_async_value's checks
 * and the removal (0 or the reason), lowering (the new index, 0: full),
 * an end's or set's slot of p against flue's, H's ends and decoys, a new
 * readable end in H for the writer (its writable end kept). */
int ve_lift(struct vhw *hw, struct vhslot *sl, const struct flue_tnode *n, uint32_t idx);
uint32_t ve_lower(struct htab *dt, const struct vhslot *sl);
void ve_check_slot(const struct party *p, uint32_t i);
void ve_setup(struct flue_store *s, struct party *parties, bool ends);
uint32_t ve_new(const struct flue_tnode *n);
/* After a round trip: every end of the value H2 got (hw: the last hop's
 * lifted handles) reads an element H's kept writable end writes. */
void vh_ends_connected(const struct vhw *hw);

/* The reference's first failing check lifting p's tuple (0: valid; then
 * the value is also checked for the canonical form a lowering writes if
 * `lowered`). *work: reader steps (VMAX_WORK exceeded: returns -1).
 * Handles go through hw (NULL: read as plain i32). */
int vr_check(const struct vtypes *T, const struct party *p, bool lowered, uint64_t *work,
	     struct vhw *hw);
/* DIE unless a's tuple (valid) equals b's (valid), structurally. */
void vr_compare(const struct vtypes *T, const struct party *a, const struct party *b);
void vr_print(const struct vtypes *T, const struct party *p);

#endif /* FLUE_TEST_FUZZ_VALS_H */
