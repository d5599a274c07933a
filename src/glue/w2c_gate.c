/*
 * Isolated instances (flue/w2c.h; flue-build --isolate): guest code runs
 * behind the privilege gate (flue/port.h), and everything it needs from
 * the runtime is a gate service here: a wasm trap, memory.grow, an import.
 *
 * Nothing the guest passes is trusted: the calling instance is the
 * running entry's (flue_w2c_current), the import index is checked against
 * that instance's table, the env pointer against its own, the words
 * pointer against its stack, and memory.grow works on the runtime's own
 * view of the memory (the guest can write its wasm_rt_memory_t, not the
 * bounds the built-ins use).
 */
#include <string.h>

#include <flue/exec.h>
#include <flue/mpu.h>
#include <flue/port_mpu.h>
#include <flue/ring.h>
#include <flue/port.h>
#include <flue/w2c.h>
#include <flue/wasm_rt_trap.h>

#include "w2c_internal.h"
#include "wasm-rt.h"

#define PAGE 65536u

static _Noreturn void gate_misused(struct flue_w2c_instance *gi)
{
	flue_trap_raise(gi->inst, FLUE_TRAP_GATE);
}

static struct flue_w2c_instance *caller(void)
{
	struct flue_w2c_instance *gi = flue_w2c_current();
	if (gi == 0 || gi->domain == 0)
		flue_port_halt(); /* a service outside gated guest code */
	return gi;
}

static uint32_t svc_trap(uint32_t code, uint32_t u1, uint32_t u2)
{
	(void)u1;
	(void)u2;
	flue_w2c_trap((int)code);
}

/* Another memory of the guest's (a ring memory: its struct lies in the
 * guest block, which is where guest code can name one): it cannot grow
 * (wasm: -1); growing it by 0 gives the pages its struct says, the
 * guest's own business. Outside the block: a misused gate. */
static uint32_t grow_other(struct flue_w2c_instance *gi, uintptr_t memory, uint32_t pages)
{
	const struct flue_w2c_layout *l = gi->layout;
	if (l == 0 || memory % _Alignof(wasm_rt_memory_t) != 0u || memory < l->block ||
	    memory - l->block > l->block_size - sizeof(wasm_rt_memory_t))
		gate_misused(gi);
	return pages == 0u ? ((const wasm_rt_memory_t *)memory)->pages : UINT32_MAX;
}

/* memory.grow against the runtime's limits; the guest's struct is
 * rewritten from them either way (it may have been scribbled on). */
static uint32_t svc_grow(uint32_t memory, uint32_t pages, uint32_t u2)
{
	(void)u2;
	struct flue_w2c_instance *gi = caller();
	wasm_rt_memory_t *m = gi->memory;
	if (m == 0 || (uintptr_t)m != memory)
		return grow_other(gi, memory, pages);
	uint32_t old = gi->mem_pages, result = UINT32_MAX;
	if (pages <= gi->mem_max_pages - old) {
		uint32_t old_size = gi->mem_size;
		gi->mem_pages = old + pages;
		gi->mem_size = gi->mem_pages * PAGE;
		memset(gi->mem_data + old_size, 0, gi->mem_size - old_size);
		result = old;
	}
	m->data = gi->mem_data;
	m->pages = gi->mem_pages;
	m->max_pages = gi->mem_max_pages;
	m->size = gi->mem_size;
	return result;
}

/* Bytes of each of l's guest stacks (0: they cannot be split). */
static uintptr_t slot_bytes(const struct flue_w2c_layout *l)
{
	uint32_t n = l->nstacks > 0u ? l->nstacks : 1u;
	return l->stack_hi > l->stack_lo ? (l->stack_hi - l->stack_lo) / n : 0u;
}

/* The guard at the base of each guest stack: PMSAv7 with more than one
 * guest stack (they lie next to each other in the block, and ARMv7-M has no
 * stack limit register; one stack alone has the block's edge below it,
 * and ARMv8-M has PSPLIM). 0: none. */
static uint32_t guard_bytes(const struct flue_w2c_layout *l)
{
#if defined(__arm__) && !defined(__ARM_ARCH_8M_MAIN__) && !defined(__ARM_ARCH_8M_BASE__)
	return l->nstacks > 1u ? FLUE_W2C_STACK_GUARD : 0u;
#else
	(void)l;
	return 0u;
#endif
}

static uint32_t svc_import(uint32_t k, uint32_t words, uint32_t env)
{
	struct flue_w2c_instance *gi = caller();
	/* env: its import-module pointer, or (an import called through its
	 * table) the field of its instance struct holding it (w2c.c). */
	if (k >= gi->nimports || !flue_w2c_env_ok(gi, (const void *)(uintptr_t)env))
		gate_misused(gi);
	const struct flue_w2c_import *im = &gi->imports[k];
	/* On one of its guest stacks, above that stack's guard and not past its
	 * end: its own memory, never the runtime's nor a guard's. */
	const struct flue_w2c_layout *l = gi->layout;
	uintptr_t p = words, off = p - l->stack_lo, slot = l->stack_hi - l->stack_lo, guard = 0;
	if (im->nwords == 0u || im->nwords > FLUE_W2C_MAX_WORDS || p % 8u != 0u ||
	    p < l->stack_lo || p >= l->stack_hi)
		gate_misused(gi);
	if (gi->ndomains > 1u) { /* the division only where there are several */
		slot = slot_bytes(l);
		guard = guard_bytes(l);
		off %= slot;
	}
	if (off < guard || slot - off < 8u * im->nwords)
		gate_misused(gi);
	/* Copied in, then out: the import sees no guest-writable words. */
	uint64_t w[FLUE_W2C_MAX_WORDS];
	memcpy(w, (const void *)p, 8u * im->nwords);
	im->call(gi->env, w);
	memcpy((void *)p, w, 8u);
	return 0u;
}

static const flue_port_service_fn services[3] = {
	[FLUE_WASM_RT_SVC_TRAP] = svc_trap,
	[FLUE_WASM_RT_SVC_GROW] = svc_grow,
	[FLUE_W2C_SVC_IMPORT] = svc_import,
};

int flue_w2c_gate_install(void)
{
	return flue_port_gate_set_services(services, 3u);
}

static enum flue_trap_reason fault_reason(const struct flue_port_fault *f)
{
	switch (f->kind) {
	case FLUE_PORT_FAULT_USAGEFAULT:
	case FLUE_PORT_FAULT_HARDFAULT:
		return FLUE_TRAP_ILLEGAL_INSTRUCTION;
	case FLUE_PORT_FAULT_GATE:
		return FLUE_TRAP_GATE;
	case FLUE_PORT_FAULT_BUDGET:
		return FLUE_TRAP_BUDGET;
	default:
		return FLUE_TRAP_MEMORY_FAULT;
	}
}

/* Enter on the guest stack this runtime stack already has entries on (the
 * port refuses the others' with FLUE_EBUSY: one guest stack cannot
 * interleave two runtime stacks), else on a free one. One runtime stack,
 * one guest stack: a full one (FLUE_ENOSPC) is the entry's end, not a
 * reason to take another's, which a fiber may need. */
static int guest_call(struct flue_w2c_instance *gi, flue_port_guest_fn thunk, const uint32_t a[4])
{
	if (gi->ndomains == 1u) /* no fibers: nothing to choose (the common case) */
		return flue_port_guest_call(gi->domain, thunk, a, 0);
	int rc = FLUE_EBUSY;
	for (uint32_t pass = 0; pass < 2u; pass++)
		for (uint32_t i = 0; i < gi->ndomains; i++) {
			struct flue_port_domain *d = &gi->domain[i];
			if ((d->depth != 0u) != (pass == 0u))
				continue;
			rc = flue_port_guest_call(d, thunk, a, 0);
			if (rc != FLUE_EBUSY)
				return rc;
		}
	return rc;
}

void flue_w2c_guest(struct flue_w2c_instance *gi, flue_port_guest_fn thunk, uint32_t a0,
		    uint32_t a1)
{
	const uint32_t a[4] = { a0, a1, 0u, 0u };
	int rc = guest_call(gi, thunk, a);
	if (rc == FLUE_PORT_GUEST_RETURNED)
		return;
	if (rc == FLUE_PORT_GUEST_FAULTED) {
		const struct flue_port_fault *f = flue_port_guest_fault();
		flue_w2c_note_fault(f->has_addr, f->addr);
		flue_trap_raise(gi->inst, fault_reason(f));
	}
	/* Refused before anything ran: no guest stack could take it (each
	 * busy with another runtime stack, or full), or a broken program. */
	flue_trap_raise(gi->inst, FLUE_TRAP_GATE);
}

/* ------------------------------------------------------------ domains */

#if defined(__arm__)
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
/* PMSAv8 AP: 1 RW any, 3 RO any (privileged too: nothing writes code or
 * the statics block after init, and only the writer guest writes a ring
 * memory). MAIR index 0: normal memory. */
static struct flue_mpu_v8_region region(uintptr_t base, uint32_t size, uint8_t ap, uint8_t xn)
{
	return (struct flue_mpu_v8_region){ .base = (uint32_t)base, .size = size, .sh = 0,
					    .ap = ap, .xn = xn, .attr_indx = 0 };
}
#define AP_CODE 3u
#define AP_RW 1u
#define AP_RO 3u
typedef struct flue_mpu_v8_region iso_region_t;
#else
/* PMSAv7 AP: 3 RW any, 6 RO any, 2 RW privileged / RO unprivileged (the
 * runtime fills the statics block at init). Normal memory, cacheable. */
static struct flue_mpu_v7_region region(uintptr_t base, uint32_t size, uint8_t ap, uint8_t xn)
{
	return (struct flue_mpu_v7_region){ .base = (uint32_t)base, .size = size, .srd = 0,
					    .tex = 0, .ap = ap, .xn = xn, .s = 0, .c = 1,
					    .b = (uint8_t)(xn != 0u) };
}
#define AP_CODE 6u
#define AP_RW 3u
#define AP_RO 2u
#define AP_PRIV 1u /* RW privileged, no access unprivileged: a stack guard */
typedef struct flue_mpu_v7_region iso_region_t;
#endif
#endif /* __arm__ */

/* Build the program of guest stack k of layout l (with the read window
 * [window, window + window_size) if any: PMSAv7) into `out`. */
static int32_t build_program(const struct flue_w2c_layout *l, uintptr_t window,
			     uint32_t window_size, uint32_t k, struct flue_mpu_write *out)
{
#if defined(__arm__)
	iso_region_t set[7u + FLUE_W2C_MAX_RINGS];
	uint32_t n = 0;
	if (l->nrings > FLUE_W2C_MAX_RINGS)
		return FLUE_EINVAL;
	set[n++] = region(l->code, l->code_size, AP_CODE, 0u);
	set[n++] = region(l->block, l->block_size, AP_RW, 1u);
	if (l->memory_size > 0u)
		set[n++] = region(l->memory, l->memory_size, AP_RW, 1u);
	set[n++] = region(l->ro, l->ro_size, AP_RO, 1u);
	set[n++] = region(l->rw, l->rw_size, AP_RW, 1u);
	/* A ring's reader reads in place what the writer wrote: it may not
	 * change it under the writer (or a later reader) — read-only to it. */
	for (uint32_t r = 0; r < l->nrings; r++)
		set[n++] = region(l->rings[r].base, l->rings[r].size,
				  l->rings[r].read_only ? AP_RO : AP_RW, 1u);
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
	(void)window;
	(void)window_size;
	(void)k;
	return flue_mpu_v8_build_program(set, n, FLUE_MPU_V8_SLOTS, out, FLUE_MPU_SEQ_MAX);
#else
	/* A window it reads: inside its memory's region (a windowed set):
	 * read-only to it, read-write to the driver (AP 2). The stack's
	 * guard: inside the block's region, out of the guest's reach. Both
	 * after the regions they lie in: PMSAv7 gives the later one the
	 * overlap. */
	if (window_size > 0u)
		set[n++] = region(window, window_size, AP_RO, 1u);
	if (guard_bytes(l) > 0u)
		set[n++] = region(l->stack_lo + k * slot_bytes(l), guard_bytes(l), AP_PRIV, 1u);
	return flue_mpu_v7_build_program(set, n, out, FLUE_MPU_SEQ_MAX);
#endif
#else
	(void)l;
	(void)window;
	(void)window_size;
	(void)k;
	(void)out;
	return FLUE_ENOTSUP;
#endif
}

/* Can l's guest stacks be split: n equal slots, each 8-aligned and big
 * enough for its guard (a region: aligned to its size), an exception frame
 * and a few wasm2c frames? */
static bool stacks_fit(const struct flue_w2c_layout *l)
{
	uintptr_t slot = slot_bytes(l), guard = guard_bytes(l);
	if (l->stack_lo % 8u != 0u || slot < guard + 256u || slot % 8u != 0u)
		return false;
	return guard == 0u || (l->stack_lo % guard == 0u && slot % guard == 0u);
}

int flue_w2c_isolate(struct flue_w2c_instance *gi, struct flue_port_domain *d,
		     struct flue_mpu_write (*prog)[FLUE_MPU_SEQ_MAX],
		     const struct flue_w2c_layout *l)
{
	uint32_t n = l->nstacks > 0u ? l->nstacks : 1u;
	if (!stacks_fit(l))
		return FLUE_EINVAL;
	for (uint32_t k = 0; k < n; k++)
		if (d[k].depth != 0u)
			return FLUE_EBUSY; /* again while its guest code runs: no */
	/* The programs differ only in their guard (placed as stacks_fit()
	 * checked): if the first builds, so do the others. */
	struct flue_mpu_write probe[FLUE_MPU_SEQ_MAX];
	int32_t len = build_program(l, 0, 0, 0, probe);
	if (len < 0)
		return (int)len;
	gi->layout = l;
	gi->prog = prog;
	gi->window = 0;
	gi->window_size = 0;
	uintptr_t slot = slot_bytes(l), guard = guard_bytes(l);
	for (uint32_t k = 0; k < n; k++) {
		uintptr_t base = l->stack_lo + k * slot;
		len = build_program(l, 0, 0, k, prog[k]);
		d[k] = (struct flue_port_domain){ .program = prog[k], .program_len = (uint32_t)len,
						  .stack_lo = base + guard, .stack_hi = base + slot };
	}
	gi->domain = d;
	gi->ndomains = n;
	return FLUE_OK;
}

void flue_w2c_ring_window(struct flue_w2c_instance *gi, const struct flue_ring *r)
{
#if defined(__arm__) && !defined(__ARM_ARCH_8M_MAIN__) && !defined(__ARM_ARCH_8M_BASE__)
	/* Called right after a successful attach by this reader: the window
	 * lies in its memory, a power of two aligned to its size. */
	if (gi->domain == 0 || r->window_inst != gi->inst || r->end[FLUE_RING_READER] != gi->inst)
		return; /* not isolated, or not a window it reads */
	uintptr_t window = (uintptr_t)gi->mem_data + r->window;
	/* The programs differ only in their guard: if the first has no room
	 * for the window, none has; nothing changed yet. */
	struct flue_mpu_write probe[FLUE_MPU_SEQ_MAX];
	if (build_program(gi->layout, window, r->window_bytes, 0, probe) < 0)
		flue_trap_raise(gi->inst, FLUE_TRAP_RING); /* cannot be protected */
	gi->window = window;
	gi->window_size = r->window_bytes;
	for (uint32_t k = 0; k < gi->ndomains; k++)
		gi->domain[k].program_len = (uint32_t)build_program(gi->layout, window,
								    r->window_bytes, k, gi->prog[k]);
	/* Apply one now: the gate's cached program is gone (a new write
	 * count), so it applies the running entry's again on the way back into
	 * the guest. */
	(void)flue_port_mpu_apply(gi->prog[0], gi->domain[0].program_len,
				  FLUE_PORT_MPU_PRIVDEFENA);
#else
	/* PMSAv8 has no read-write-privileged, read-only-unprivileged access:
	 * a read-only window would fault the driver's own writes, made while
	 * the reader's domain is applied. The window stays its guest's
	 * (docs/MPU.md). POSIX has no MPU. */
	(void)gi;
	(void)r;
#endif
}
