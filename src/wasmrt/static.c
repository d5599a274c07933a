/*
 * flue's freestanding wasm2c runtime (flue/wasm_rt_static.h): every
 * function of wabt 1.0.32's wasm-rt.h, without a heap, stdio or signals.
 *
 * Why not wabt's own wasm-rt-impl.c: it reserves memories with mmap (or
 * calloc/realloc), keeps function types in malloc'd arrays and longjmps to
 * a global jmp_buf on a trap. Here everything lives in storage the program
 * hands over before instantiation (sized by flue-build), growth stays
 * within it, and a trap becomes a flue trap through flue_wasm_rt_trap_handler().
 *
 * Generated code must be compiled with WASM_RT_MEMCHECK_SIGNAL_HANDLER=0
 * (the library's CMake target exports it): with the signal handler, wasm2c
 * omits the bounds checks and relies on guard pages we do not have. That
 * setting also makes wasm2c count the call depth (the counters below).
 *
 * Only memset and memcpy are used from the C library (plus setjmp/longjmp
 * for wasm exceptions, which generated code uses itself).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <flue/port.h>
#include <flue/wasm_rt_trap.h>
#include <flue/wasm_rt_static.h>

#include "wasm-rt-impl.h"

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
#error "flue_wasm_rt_static needs WASM_RT_MEMCHECK_SIGNAL_HANDLER=0 (explicit bounds checks)"
#endif
#if WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
#error "flue_wasm_rt_static expects distinct OOB and EXHAUSTION trap codes"
#endif

/* Bytes of one wasm page. */
#define FLUE_WASM_PAGE 65536u
/* memory->size is a uint32_t: 65536 pages would not fit. */
#define FLUE_WASM_MAX_PAGES 65535u

#ifndef FLUE_WASM_RT_MAX_EXCEPTION_SIZE
/* Bytes of a wasm exception's payload (its tag's params). C++ exceptions
 * lowered to wasm EH carry one pointer; 128 bytes hold 16 i64/f64 params. */
#define FLUE_WASM_RT_MAX_EXCEPTION_SIZE 128u
#endif

/* ------------------------------------------------------- call depth, traps */

/* wasm2c's generated prologue/epilogue count calls in the first; the
 * embedder (flue's glue) saves it in the second before entering guest code,
 * and a trap restores it, as wabt's runtime does. */
/* Both in one 32-byte, 32-aligned object of their own (input section
 * .bss.flue_guest_rw): a gated guest counts its calls in the first, so its
 * MPU domain maps exactly this granule read-write and nothing else with it
 * (flue_wasm_rt_static_guest_rw()). */
__asm__(".section .bss.flue_guest_rw,\"aw\",%nobits\n\t"
	".balign 32\n\t"
	".global wasm_rt_call_stack_depth\n\t"
	".type wasm_rt_call_stack_depth, %object\n\t"
	".size wasm_rt_call_stack_depth, 4\n"
	"wasm_rt_call_stack_depth:\n\t"
	".space 4\n\t"
	".global wasm_rt_saved_call_stack_depth\n\t"
	".type wasm_rt_saved_call_stack_depth, %object\n\t"
	".size wasm_rt_saved_call_stack_depth, 4\n"
	"wasm_rt_saved_call_stack_depth:\n\t"
	".space 28\n\t"
	".previous\n");
extern uint32_t wasm_rt_saved_call_stack_depth;

void flue_wasm_rt_static_guest_rw(uintptr_t *base, uint32_t *size)
{
	*base = (uintptr_t)&wasm_rt_call_stack_depth;
	*size = 32u;
}

/* Declared by wasm-rt-impl.h for embedders using wasm_rt_impl_try(); flue
 * never jumps to it (traps go to flue_wasm_rt_trap_handler()), but the symbol exists so
 * that code written against wabt's runtime links. */
jmp_buf wasm_rt_jmp_buf;

static bool initialized;

void wasm_rt_init(void)
{
	initialized = true;
}

bool wasm_rt_is_initialized(void)
{
	return initialized;
}

void wasm_rt_trap(wasm_rt_trap_t code)
{
	/* The depth the embedder saved at entry: the unwound frames never ran
	 * their epilogues. */
	wasm_rt_call_stack_depth = wasm_rt_saved_call_stack_depth;
	flue_wasm_rt_trap_handler((int)code);
}

const char *wasm_rt_strerror(wasm_rt_trap_t trap)
{
	switch (trap) {
	case WASM_RT_TRAP_NONE:
		return "no trap";
	case WASM_RT_TRAP_OOB:
		return "out-of-bounds access to linear memory or a table";
	case WASM_RT_TRAP_INT_OVERFLOW:
		return "integer overflow in a division or truncation";
	case WASM_RT_TRAP_DIV_BY_ZERO:
		return "integer division by zero";
	case WASM_RT_TRAP_INVALID_CONVERSION:
		return "invalid conversion of NaN to an integer";
	case WASM_RT_TRAP_UNREACHABLE:
		return "unreachable executed";
	case WASM_RT_TRAP_CALL_INDIRECT:
		return "call_indirect: null entry, wrong type or index out of range";
	case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
		return "uncaught wasm exception";
	case WASM_RT_TRAP_EXHAUSTION:
		return "call stack or runtime storage exhausted";
	}
	return "unknown trap code";
}

/* ---------------------------------------------------------- function types */

/* The registry: `types[0..ntypes)`, whose params and results are packed
 * into `words[0..nwords)`. Index i is reported as i + 1 (0 is the type of
 * the null funcref, as in wabt). Shared by every module of the program, so
 * equal signatures get equal indices and call_indirect across modules
 * compares them correctly. */
static struct {
	struct flue_wasm_rt_functype *types;
	uint32_t max_types, ntypes;
	wasm_rt_type_t *words;
	uint32_t max_words, nwords;
} reg;

void flue_wasm_rt_static_init(struct flue_wasm_rt_functype *types, uint32_t max_types,
			      wasm_rt_type_t *words, uint32_t max_words)
{
	reg.types = types;
	reg.max_types = types != NULL ? max_types : 0u;
	reg.ntypes = 0;
	reg.words = words;
	reg.max_words = words != NULL ? max_words : 0u;
	reg.nwords = 0;
}

void wasm_rt_free(void)
{
	/* Forget the types (wabt frees them); the storage stays ours. */
	reg.ntypes = 0;
	reg.nwords = 0;
	initialized = false;
}

/* The enumeration constants are ints, so that is what the varargs hold. */
static wasm_rt_type_t next_type(va_list *ap)
{
	return (wasm_rt_type_t)va_arg(*ap, int);
}

static bool type_equals(const struct flue_wasm_rt_functype *t, uint32_t nparams,
			uint32_t nresults, va_list ap)
{
	if (t->nparams != nparams || t->nresults != nresults)
		return false;
	va_list cur;
	va_copy(cur, ap);
	bool equal = true;
	for (uint32_t i = 0; i < nparams + nresults && equal; i++)
		equal = t->words[i] == next_type(&cur);
	va_end(cur);
	return equal;
}

/* The index of the type, adding it if new; 0 if there is no room. */
static uint32_t find_or_add_type(uint32_t nparams, uint32_t nresults, va_list ap)
{
	for (uint32_t i = 0; i < reg.ntypes; i++)
		if (type_equals(&reg.types[i], nparams, nresults, ap))
			return i + 1u;

	uint64_t nwords = (uint64_t)nparams + nresults;
	if (reg.ntypes >= reg.max_types || nwords > reg.max_words - reg.nwords)
		return 0;
	struct flue_wasm_rt_functype *t = &reg.types[reg.ntypes];
	wasm_rt_type_t *w = &reg.words[reg.nwords];
	va_list cur;
	va_copy(cur, ap);
	for (uint32_t i = 0; i < (uint32_t)nwords; i++)
		w[i] = next_type(&cur);
	va_end(cur);
	t->nparams = nparams;
	t->nresults = nresults;
	t->words = w;
	reg.nwords += (uint32_t)nwords;
	return ++reg.ntypes;
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
	va_list ap;
	va_start(ap, results);
	uint32_t index = find_or_add_type(params, results, ap);
	va_end(ap);
	if (index == 0)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	return index;
}

/* -------------------------------------------------------------- exceptions */

static uint32_t ntags;
static uint32_t exception_tag, exception_size;
static uint8_t exception_payload[FLUE_WASM_RT_MAX_EXCEPTION_SIZE];
static WASM_RT_UNWIND_TARGET *unwind_target;

uint32_t wasm_rt_register_tag(uint32_t size)
{
	/* Refused at registration, so that a throw never has to. */
	if (size > FLUE_WASM_RT_MAX_EXCEPTION_SIZE)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	return ntags++;
}

void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void *values)
{
	if (size > FLUE_WASM_RT_MAX_EXCEPTION_SIZE)
		wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
	exception_tag = tag;
	exception_size = size;
	if (size > 0u)
		memcpy(exception_payload, values, size);
}

void wasm_rt_throw(void)
{
	/* Generated try blocks set the target and restore the outer one; with
	 * none, nothing in the guest catches: the instance traps. */
	if (unwind_target == NULL)
		wasm_rt_trap(WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
	longjmp(*unwind_target, WASM_RT_TRAP_UNCAUGHT_EXCEPTION);
}

WASM_RT_UNWIND_TARGET *wasm_rt_get_unwind_target(void)
{
	return unwind_target;
}

void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET *target)
{
	unwind_target = target;
}

uint32_t wasm_rt_exception_tag(void)
{
	return exception_tag;
}

uint32_t wasm_rt_exception_size(void)
{
	return exception_size;
}

void *wasm_rt_exception(void)
{
	return exception_payload;
}

/* --------------------------------------------------------- provided storage */

static bool alloc_failed;

/* What the next allocation of each kind gets (consumed by it). */
static struct {
	uint8_t *buf;
	uint32_t pages;
} next_memory;
static struct {
	wasm_rt_funcref_t *elems;
	uint32_t n;
} next_funcref;
static struct {
	wasm_rt_externref_t *elems;
	uint32_t n;
} next_externref;

/* A failed allocation points here rather than at NULL: generated code may
 * still memcpy zero bytes to data + 0 (an empty data segment), which must not
 * be a null pointer. Size 0 makes every real access trap. */
static uint8_t empty_memory[8];
static wasm_rt_funcref_t empty_funcref[1];
static wasm_rt_externref_t empty_externref[1];

void flue_wasm_rt_static_provide_memory(uint8_t *buf, uint32_t max_pages)
{
	next_memory.buf = buf;
	next_memory.pages = max_pages;
}

void flue_wasm_rt_static_provide_table(wasm_rt_funcref_t *elems, uint32_t max_elems)
{
	next_funcref.elems = elems;
	next_funcref.n = max_elems;
}

void flue_wasm_rt_static_provide_externref_table(wasm_rt_externref_t *elems,
						 uint32_t max_elems)
{
	next_externref.elems = elems;
	next_externref.n = max_elems;
}

bool flue_wasm_rt_static_failed(void)
{
	bool failed = alloc_failed;
	alloc_failed = false;
	return failed;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* ---------------------------------------------------------------- memories */

void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages,
			     uint32_t max_pages)
{
	uint8_t *buf = next_memory.buf;
	uint32_t capacity = min_u32(next_memory.pages, FLUE_WASM_MAX_PAGES);
	next_memory.buf = NULL;
	next_memory.pages = 0;

	if (buf == NULL || capacity < initial_pages) {
		alloc_failed = true;
		memory->data = empty_memory;
		memory->pages = 0;
		memory->max_pages = 0;
		memory->size = 0;
		return;
	}
	/* The growth limit is whichever is lower: the module's maximum or the
	 * storage; wasm allows memory.grow to fail below the declared max. */
	memory->data = buf;
	memory->pages = initial_pages;
	memory->max_pages = min_u32(capacity, max_pages);
	memory->size = initial_pages * FLUE_WASM_PAGE;
	memset(buf, 0, memory->size);
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t pages)
{
	/* Gated guest code: the runtime grows it, against limits the guest
	 * cannot write (the memory's struct lies in the guest's domain). */
	if (flue_port_unprivileged())
		return flue_port_gate(FLUE_WASM_RT_SVC_GROW, (uint32_t)(uintptr_t)memory, pages, 0u);
	uint32_t old_pages = memory->pages;
	if (pages == 0u)
		return old_pages; /* wasm: changes nothing (a ring memory's size
				     is less than its pages: keep it) */
	if (pages > memory->max_pages - old_pages)
		return UINT32_MAX;
	uint32_t old_size = memory->size;
	memory->pages = old_pages + pages;
	memory->size = memory->pages * FLUE_WASM_PAGE;
	/* New pages read as zero (the storage may hold an earlier instance's). */
	memset(memory->data + old_size, 0, memory->size - old_size);
	return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory)
{
	/* The storage belongs to the program. */
	(void)memory;
}

/* ------------------------------------------------------------------ tables */

/*
 * wasm-rt.h declares the same three operations for each reference kind;
 * they differ only in the element type, so one definition serves both.
 * allocate: take the storage provided for this kind (consumed), or fail
 * (alloc_failed; an empty table); grow: within that storage only (-1 when
 * it would not fit); free: the storage belongs to the program.
 */
#define FLUE_WASM_RT_TABLE_OPS(KIND)                                                     \
	void wasm_rt_allocate_##KIND##_table(wasm_rt_##KIND##_table_t *table,             \
					     uint32_t elements, uint32_t max_elements)    \
	{                                                                                 \
		wasm_rt_##KIND##_t *elems = next_##KIND.elems;                            \
		uint32_t capacity = next_##KIND.n;                                        \
		next_##KIND.elems = NULL;                                                 \
		next_##KIND.n = 0;                                                        \
		if (elems == NULL || capacity < elements) {                               \
			alloc_failed = true;                                              \
			table->data = empty_##KIND;                                       \
			table->size = 0;                                                  \
			table->max_size = 0;                                              \
			return;                                                           \
		}                                                                         \
		table->data = elems;                                                      \
		table->size = elements;                                                   \
		table->max_size = min_u32(capacity, max_elements);                        \
		for (uint32_t i = 0; i < elements; i++)                                   \
			elems[i] = wasm_rt_##KIND##_null_value;                           \
	}                                                                                 \
	uint32_t wasm_rt_grow_##KIND##_table(wasm_rt_##KIND##_table_t *table,             \
					     uint32_t delta, wasm_rt_##KIND##_t init)     \
	{                                                                                 \
		uint32_t old = table->size;                                               \
		if (delta > table->max_size - old)                                        \
			return UINT32_MAX;                                                \
		for (uint32_t i = old; i < old + delta; i++)                              \
			table->data[i] = init;                                            \
		table->size = old + delta;                                                \
		return old;                                                               \
	}                                                                                 \
	void wasm_rt_free_##KIND##_table(wasm_rt_##KIND##_table_t *table)                 \
	{                                                                                 \
		(void)table;                                                              \
	}

FLUE_WASM_RT_TABLE_OPS(funcref)
FLUE_WASM_RT_TABLE_OPS(externref)
