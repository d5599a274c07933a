/*
 * The gated images' guest entries (gated.h): every function a suite lifts
 * runs as guest code behind the privilege gate.
 *
 * `__wrap_flue_lift` keeps the suite's options in a record (one per
 * struct flue_func, forgotten when the fixture's store is initialised
 * again) and lifts trampolines instead; each trampoline enters the
 * suite's function with flue_port_guest_call(). Guests share one MPU
 * program (gated.h: everything but the store) but not stacks: a domain's
 * stack holds the entries of one runtime stack at a time (a stackful task
 * suspended inside guest code keeps its entries on it), so an entry takes
 * the domain this runtime stack already uses, or a free one (gx_enter).
 * One per task and one for the executor's stack.
 *
 * A guest that faults or breaks the gate's rules fails the test (ex_fail),
 * is reported on the image's output, and traps its instance, as
 * flue-build's isolated programs trap it.
 */
#include <stdint.h>
#include <stdio.h>

#include <flue/config.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/mpu.h>
#include <flue/port.h>
#include <flue/port_mpu.h>

#include "exec_test.h"
#include "gate_wrap.h"
#include "gated.h"
#include "iso.h"

#define GX_DOMAINS (FLUE_CONFIG_MAX_TASKS + 1u)
#define GX_STACK 4096u
#define GX_LIFTS 64u

struct gx_lift {
	struct flue_func *f;
	struct flue_lift_opts o; /* the suite's */
};

static struct gx_lift lifts[GX_LIFTS];
static uint32_t nlifts;
static uint64_t stacks[GX_DOMAINS][GX_STACK / 8u];
static struct flue_mpu_write program[FLUE_MPU_SEQ_MAX];
static uint32_t program_len;
static struct flue_port_domain domains[GX_DOMAINS];

/* Which of the suite's functions a trampoline enters. */
enum gx_kind { GX_CORE, GX_CALLBACK, GX_REALLOC, GX_POST_RETURN };

/* What a trampoline hands its guest entry: the call, on the runtime stack
 * (guest code may read it: only the store is privileged-only). `n` is the
 * count (core, post-return) or the first word (callback: event; realloc:
 * old_ptr), p1..p3 the others. */
struct gx_call {
	enum gx_kind kind;
	const struct gx_lift *l;
	struct flue_instance *inst;
	const flue_flat_t *args;
	flue_flat_t *results;
	uint32_t n, p1, p2, p3;
};

bool gx_on_domain_stack(uintptr_t addr)
{
	uintptr_t lo = (uintptr_t)stacks[0], hi = (uintptr_t)stacks[GX_DOMAINS - 1u] + GX_STACK;
	return addr >= lo && addr < hi;
}

static void gx_reset(void)
{
	nlifts = 0;
	for (uint32_t i = 0; i < GX_DOMAINS; i++)
		domains[i] = (struct flue_port_domain){ program, program_len,
							(uintptr_t)stacks[i],
							(uintptr_t)stacks[i] + GX_STACK, 0, 0, 0 };
}

/* The test fails for it (ex_fail) and, so that a case without ex_done()
 * cannot pass over it, the image's output says so (gated.cmake's
 * FAIL_REGULAR_EXPRESSION); then the instance traps. */
_Noreturn static void gx_refuse(struct flue_instance *inst, const char *what, uint64_t a,
				uint64_t b, enum flue_trap_reason why)
{
	ex_fail(__FILE__, __LINE__, what, a, b);
	if (!gx_fault_expected)
		printf("gated: unexpected %s: 0x%llx 0x%llx\n", what, (unsigned long long)a,
		       (unsigned long long)b);
	flue_trap_raise(inst, why);
}

/* Enter the call on domain `d`: 1 and `*r` set if it returned, 0 if the port
 * refused the domain (busy with another runtime stack, or full). */
static uint32_t guest_entry(uint32_t c, uint32_t u1, uint32_t u2, uint32_t u3);

static int gx_try(struct flue_port_domain *d, struct gx_call *call, uint32_t *r)
{
	const uint32_t a[4] = { (uint32_t)(uintptr_t)call, 0u, 0u, 0u };
	int rc = flue_port_guest_call(d, guest_entry, a, r);
	if (rc == FLUE_PORT_GUEST_RETURNED)
		return 1;
	if (rc == FLUE_PORT_GUEST_FAULTED) {
		const struct flue_port_fault *f = flue_port_guest_fault();
		gx_refuse(call->inst, "guest fault (kind << 32 | address, pc)",
			  (uint64_t)f->kind << 32 | f->addr, f->pc,
			  f->kind == FLUE_PORT_FAULT_GATE ? FLUE_TRAP_GATE : FLUE_TRAP_MEMORY_FAULT);
	}
	if (rc != FLUE_EBUSY && rc != FLUE_ENOSPC)
		gx_refuse(call->inst, "guest entry refused (rc, domain)", (uint64_t)(int64_t)rc,
			  (uint64_t)(d - domains), FLUE_TRAP_GATE);
	return 0;
}

/* Run the call as guest code; its result. The domain this runtime
 * stack already has entries on first (the port refuses the others' with
 * FLUE_EBUSY), else a free one: one runtime stack, one domain. */
static uint32_t gx_enter(struct gx_call *call)
{
	uint32_t r = 0;
	for (uint32_t pass = 0; pass < 2u; pass++)
		for (uint32_t i = 0; i < GX_DOMAINS; i++)
			if ((domains[i].depth != 0u) == (pass == 0u) &&
			    gx_try(&domains[i], call, &r))
				return r;
	gx_refuse(call->inst, "guest entry: every domain busy (domains, 0)", GX_DOMAINS, 0u,
		  FLUE_TRAP_GATE);
}

/* ------------------------------------------------- guest side (unprivileged) */

/* The one guest entry: the suite's function the call names. */
static uint32_t guest_entry(uint32_t c, uint32_t u1, uint32_t u2, uint32_t u3)
{
	const struct gx_call *x = (const struct gx_call *)(uintptr_t)c;
	const struct flue_lift_opts *o = &x->l->o;
	(void)u1;
	(void)u2;
	(void)u3;
	switch (x->kind) {
	case GX_CORE:
		o->core(o->user, x->inst, x->args, x->n, x->results);
		return 0;
	case GX_CALLBACK:
		return o->callback(o->user, x->inst, x->n, x->p1, x->p2);
	case GX_REALLOC:
		return o->realloc(o->user, x->inst, x->n, x->p1, x->p2, x->p3);
	case GX_POST_RETURN:
		o->post_return(o->user, x->inst, x->args, x->n);
		return 0;
	}
	return 0;
}

/* ------------------------------------------------ runtime side (privileged) */

static void gx_core(void *user, struct flue_instance *inst, const flue_flat_t *args, uint32_t n,
		    flue_flat_t *results)
{
	struct gx_call x = { GX_CORE, user, inst, args, results, n, 0, 0, 0 };
	(void)gx_enter(&x);
}

static uint32_t gx_callback(void *user, struct flue_instance *inst, uint32_t event, uint32_t p1,
			    uint32_t p2)
{
	struct gx_call x = { GX_CALLBACK, user, inst, 0, 0, event, p1, p2, 0 };
	return gx_enter(&x);
}

static uint32_t gx_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr,
			   uint32_t old_size, uint32_t align, uint32_t new_size)
{
	struct gx_call x = { GX_REALLOC, user, inst, 0, 0, old_ptr, old_size, align, new_size };
	return gx_enter(&x);
}

static void gx_post_return(void *user, struct flue_instance *inst, const flue_flat_t *results,
			   uint32_t n)
{
	struct gx_call x = { GX_POST_RETURN, user, inst, results, 0, n, 0, 0, 0 };
	(void)gx_enter(&x);
}

static struct gx_lift *gx_record(struct flue_func *f)
{
	for (uint32_t i = 0; i < nlifts; i++)
		if (lifts[i].f == f)
			return &lifts[i];
	if (nlifts == GX_LIFTS)
		return NULL;
	lifts[nlifts].f = f;
	return &lifts[nlifts++];
}

/* ------------------------------------------ this image's gate services */

/* The fixture's white-box access to runtime state (exec_test.h), after
 * GX_BUILTINS in this image's service table. */
#define GX_EXEC_HELPERS(X)                                                                \
	X(ex_set_backpressure) X(ex_may_leave) X(ex_sub_state) X(ex_has_event)            \
	X(ex_exclusive_held) X(ex_sched_depth) X(ex_handle_kind) X(ex_res_lends)            \
	X(ex_table_len)

enum { GX_EXEC_BASE = GX_COUNT - 1, GX_EXEC_HELPERS(GX_INDEX) GX_EXEC_END };

GXV2(ex_set_backpressure, INST, uint16_t)
GX1(bool, ex_may_leave, const struct flue_instance *)
GX2(uint8_t, ex_sub_state, const struct flue_instance *, U32)
GX2(bool, ex_has_event, const struct flue_instance *, U32)
GX1(bool, ex_exclusive_held, const struct flue_instance *)
GX2(uint8_t, ex_handle_kind, const struct flue_instance *, U32)
GX2(uint32_t, ex_res_lends, const struct flue_instance *, U32)
GX1(uint32_t, ex_table_len, const struct flue_instance *)

/* No parameter: the frame holds the result only. */
GX_PROTO(uint32_t, ex_sched_depth, void)
struct ex_sched_depth_f {
	uint32_t r;
};
GX_SVC(ex_sched_depth, f->r = __real_ex_sched_depth())
uint32_t __wrap_ex_sched_depth(void)
{
	if (!flue_port_unprivileged())
		return __real_ex_sched_depth();
	struct ex_sched_depth_f f = { 0 };
	gx_gate(GX_ex_sched_depth, &f);
	return f.r;
}

static const flue_port_service_fn services[] = { GX_BUILTINS(GX_ENTRY)
							 GX_EXEC_HELPERS(GX_ENTRY) };
_Static_assert(sizeof services / sizeof services[0] == GX_EXEC_END, "one service per entry");

/* --------------------------------------------------- lifts and the store */

int __real_flue_lift(struct flue_func *f, struct flue_instance *inst,
		     const struct flue_functype *ft, const struct flue_lift_opts *opts);
int __wrap_flue_lift(struct flue_func *f, struct flue_instance *inst,
		     const struct flue_functype *ft, const struct flue_lift_opts *opts);

/* The suite's options with each function replaced by its trampoline (a
 * missing one stays missing: the lift's own checks see what they saw). */
int __wrap_flue_lift(struct flue_func *f, struct flue_instance *inst,
		     const struct flue_functype *ft, const struct flue_lift_opts *opts)
{
	if (f == NULL || opts == NULL)
		return __real_flue_lift(f, inst, ft, opts);
	struct gx_lift *l = gx_record(f);
	if (l == NULL) {
		ex_fail(__FILE__, __LINE__, "more lifts than GX_LIFTS in one test", GX_LIFTS, 0u);
		return FLUE_ENOMEM;
	}
	l->o = *opts;
	struct flue_lift_opts g = *opts;
	g.core = opts->core != NULL ? gx_core : NULL;
	g.callback = opts->callback != NULL ? gx_callback : NULL;
	g.realloc = opts->realloc != NULL ? gx_realloc : NULL;
	g.post_return = opts->post_return != NULL ? gx_post_return : NULL;
	g.user = l;
	return __real_flue_lift(f, inst, ft, &g);
}

void __real_flue_store_init(struct flue_store *s, flue_trap_hook_t hook, void *ctx);
void __wrap_flue_store_init(struct flue_store *s, flue_trap_hook_t hook, void *ctx);

/* The fixture's store starts again (ex_setup(), every test): so do the
 * records and the domains' bookkeeping (no guest code runs then). */
void __wrap_flue_store_init(struct flue_store *s, flue_trap_hook_t hook, void *ctx)
{
	if (s == &ex.store)
		gx_reset();
	__real_flue_store_init(s, hook, ctx);
}

__attribute__((constructor)) static void gx_start(void)
{
	program_len = gx_install(program, &ex.store, EX_STORE_BLOCK, services, GX_EXEC_END);
	gx_reset();
}
