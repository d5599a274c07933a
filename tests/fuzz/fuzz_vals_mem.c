/*
 * The value fuzzer's memories (fuzz_vals.h). Each party's memory is a
 * 64 KiB buffer kept ASan-poisoned except the blocks its allocator handed
 * out, so that flue touching a byte outside them is an ASan report, and
 * the harness's reader refuses a lowered value that points outside them.
 *
 * The allocator is run_tests.py's Heap: a bump allocator whose realloc
 * with old_ptr != 0 and a smaller new_size keeps the pointer (the cut-off
 * tail is poisoned), and otherwise takes a new block after the last one,
 * copies old_size bytes from the old block and poisons the old one. Apart
 * from "tight" parties (the Heap's exact placement), blocks start 8-aligned
 * behind an 8-byte red zone, so ASan's 8-byte granules track every block
 * end exactly. Running out of memory traps the party (the Heap's trap()).
 */
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "fuzz_vals.h"

void vm_reset(struct party *p, const char *name, uint8_t *mem, uint8_t enc, bool tight)
{
	struct flue_instance *inst = p->inst;
	memset(p, 0, sizeof *p);
	p->inst = inst;
	p->name = name;
	p->mem = mem;
	p->data = mem;
	p->size = VMEM;
	p->enc = enc;
	p->tight = tight;
	p->last = 8; /* 0 stays unused: a realloc with old_ptr 0 allocates */
	ASAN_POISON_MEMORY_REGION(mem, VMEM);
}

static bool pow2_align(uint32_t a)
{
	return a == 1u || a == 2u || a == 4u || a == 8u;
}

/* A new block of `size` bytes aligned to `align`, or UINT32_MAX. */
static uint32_t bump(struct party *p, uint32_t align, uint32_t size)
{
	uint32_t ret = p->tight ? vt_align_to(p->last, align) : vt_align_to(p->last, 8) + 8u;
	if ((uint64_t)ret + size > p->size)
		return UINT32_MAX;
	p->last = ret + size;
	ASAN_UNPOISON_MEMORY_REGION(p->mem + ret, size);
	return ret;
}

uint32_t vm_alloc(struct party *p, uint32_t align, uint32_t size)
{
	uint32_t ret = bump(p, align, size);
	if (ret == UINT32_MAX)
		VDIE("%s: the harness's own allocation of %u bytes does not fit", p->name, size);
	return ret;
}

uint32_t vm_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
		    uint32_t new_size)
{
	struct party *p = ctx;
	p->ncalls++;
	if (!pow2_align(align))
		VDIE("%s: realloc with alignment %u", p->name, align);
	if (old_ptr == 0 && old_size != 0)
		VDIE("%s: realloc(0, %u, ...)", p->name, old_size);
	if (old_size != 0 && __asan_region_is_poisoned(p->mem + old_ptr, old_size) != 0)
		VDIE("%s: realloc(%u, %u): not a block this realloc handed out", p->name, old_ptr,
		     old_size);
	if (old_ptr != 0 && new_size < old_size) {
		if (old_ptr % align != 0)
			VDIE("%s: shrinking realloc(%u) to a stricter alignment %u", p->name,
			     old_ptr, align);
		ASAN_POISON_MEMORY_REGION(p->mem + old_ptr + new_size, old_size - new_size);
		return old_ptr;
	}
	uint32_t ret = bump(p, align, new_size);
	if (ret == UINT32_MAX) {
		p->oom = true;
		flue_trap_raise(p->inst, FLUE_TRAP_WASM_UNREACHABLE);
	}
	memmove(p->mem + ret, p->mem + old_ptr, old_size);
	if (old_size != 0)
		ASAN_POISON_MEMORY_REGION(p->mem + old_ptr, old_size);
	return ret;
}

void vm_open(struct party *p)
{
	p->open = true;
	ASAN_UNPOISON_MEMORY_REGION(p->mem, p->size);
}

/* FNV-1a over the allocated part of the memory (an open party: all of
 * it), read past ASan; the rest is poisoned, so ASan watches it. */
__attribute__((no_sanitize("address"))) uint64_t vm_hash(const struct party *p)
{
	uint64_t h = 0xcbf29ce484222325u, n = p->open ? p->size : p->last;
	for (uint64_t i = 0; i < n; i += 8u) {
		uint64_t w = 0;
		for (uint32_t k = 0; k < 8u && i + k < VMEM; k++)
			w |= (uint64_t)p->mem[i + k] << (8u * k);
		h = (h ^ w) * 0x100000001b3u;
	}
	return h;
}

const uint8_t *vm_read(const struct party *p, uint32_t ptr, uint64_t n, const char *what)
{
	if ((uint64_t)ptr + n > p->size)
		VDIE("%s: %s at %u..+%llu is outside its memory (%llu bytes)", p->name, what, ptr,
		     (unsigned long long)n, (unsigned long long)p->size);
	if (n != 0 && !p->open) {
		const void *bad = __asan_region_is_poisoned(p->mem + ptr, (size_t)n);
		if (bad != 0)
			VDIE("%s: %s at %u..+%llu: byte %ld is not in a block realloc handed out",
			     p->name, what, ptr, (unsigned long long)n,
			     (long)((const uint8_t *)bad - p->mem));
	}
	return p->mem + ptr;
}

uint64_t vm_load(const struct party *p, uint32_t ptr, uint32_t n)
{
	const uint8_t *b = vm_read(p, ptr, n, "a load");
	uint64_t v = 0;
	for (uint32_t i = n; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

void vm_store(struct party *p, uint32_t ptr, uint32_t n, uint64_t v)
{
	uint8_t *b = p->mem + (vm_read(p, ptr, n, "a store") - p->mem);
	for (uint32_t i = 0; i < n; i++, v >>= 8)
		b[i] = (uint8_t)v;
}
