/*
 * Bare-metal Cortex-M port, part 5: the privilege gate (flue/port.h).
 *
 * Guest code runs in unprivileged thread mode on its domain's own stack
 * (PSP) under its domain's MPU program; the runtime stays privileged (the
 * background map, PRIVDEFENA, is its memory map). Three supervisor calls
 * cross the boundary, and the SVC handler only ever switches stacks and
 * privilege, never runs runtime code itself (a service can block, run
 * nested scheduling loops and enter other guests, and an SVC inside the
 * SVC handler would fault):
 *
 *   svc 0  CALL    guest -> runtime: the guest's frame stays on its stack;
 *                  the handler returns, privileged, into gate_service_entry
 *                  on the runtime stack that entered the guest (below the
 *                  landing zone of that entry's flue_port_guest_call frame)
 *   svc 1  RETURN  runtime -> guest: from gate_service_entry only
 *                  (privileged); the result goes into the guest's stacked
 *                  r0, its domain is applied again, and the exception
 *                  returns into the guest's frame, unprivileged
 *   svc 2  EXIT    the guest function returned into gate_guest_exit: the
 *                  handler returns, privileged, into gate_exit_entry on the
 *                  runtime stack, which longjmps to flue_port_guest_call
 *
 * Nothing the guest controls is trusted: which entry is running is the
 * gate's own state (`running`), not a guest register; the guest's frame
 * must lie in its stack; the runtime's callee-saved registers come back
 * from the setjmp buffer, not from the guest; RETURN is refused from
 * unprivileged code. A broken rule ends the entry as a gate fault.
 *
 * A fault while guest code runs: fault_cortexm.c asks the gate
 * (flue_cm_gate_claim_fault), builds its trap frame on the runtime stack
 * recorded here, and its trampoline calls flue_cm_gate_trap, which
 * longjmps to the entry like EXIT does, with the fault recorded.
 *
 * One guest stack per domain: entries nest below each other (a service
 * may enter the same domain again), so they must be LIFO; an entry from
 * another runtime stack (a fiber) while one is in progress is refused.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/port.h>
#include <flue/port_mpu.h>

#include "../gate_table.h"
#include "cm_internal.h"

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define GATE_V8 1
#endif

#define CONTROL_NPRIV 0x1u
#define CONTROL_SPSEL 0x2u
#define EXC_RETURN_SPSEL (1u << 2)
#define EXC_RETURN_FTYPE (1u << 4)
#define XPSR_T (1u << 24)
#define FRAME_WORDS 8u /* r0 r1 r2 r3 r12 lr pc xPSR */
#define FPU_FPCCR (*(volatile uint32_t *)0xE000EF34u)
#define FPCCR_LSPACT 0x1u

enum { SVC_CALL = 0, SVC_RETURN = 1, SVC_EXIT = 2 };
/* What the SVC handler's assembly hands over and takes back. */
enum { IO_EXC_RETURN, IO_PSP, IO_MSP, IO_PSPLIM };

/* One entry in progress, on the runtime stack of flue_port_guest_call. */
struct gate_rec {
	jmp_buf env;                  /* back into flue_port_guest_call */
	struct flue_port_domain *d;
	uint32_t *guest_frame;        /* the guest's svc frame (in a service) */
	uint32_t landing;             /* runtime stack: frames go below this */
	uint32_t runtime_control;     /* CONTROL of the runtime at entry */
	uint32_t runtime_psplim;      /* its PSPLIM (a fiber's), ARMv8-M */
	uint32_t guest_psplim;        /* the guest stack's limit */
	uintptr_t saved_sp;           /* d->sp before this entry */
	uint32_t result;
	int status;                   /* FLUE_PORT_GUEST_* */
};

static struct gate_rec *running;  /* whose guest code runs now, or NULL */
/* Whose program the MPU has: the domain the gate applied last, valid
 * while nothing else wrote the MPU since (its write count then). */
static const struct flue_port_domain *applied;
static uint32_t applied_generation;

static bool domain_applied(const struct flue_port_domain *d)
{
	return applied == d && applied_generation == flue_cm_mpu_generation();
}

static int apply_domain(const struct flue_port_domain *d)
{
	int rc = flue_port_mpu_apply(d->program, d->program_len, FLUE_PORT_MPU_PRIVDEFENA);
	applied = rc == FLUE_OK ? d : NULL;
	applied_generation = flue_cm_mpu_generation();
	return rc;
}

void flue_cm_gate_svc(uint32_t *io);

/* The gate needs the port's fault handlers (a guest's fault must end its
 * entry, not the program): this reference links fault_cortexm.c, whose
 * strong MemManage_Handler & co. replace the board's weak ones. */
void flue_port_fault_entry(void);
__attribute__((used)) static void (*const gate_needs_fault_path)(void) = flue_port_fault_entry;
uint32_t flue_cm_gate_service(uint32_t k, uint32_t a0, uint32_t a1, uint32_t a2);
_Noreturn void flue_cm_gate_exit(void);

bool flue_port_unprivileged(void)
{
	uint32_t c;
	__asm volatile("mrs %0, control" : "=r"(c));
	return (c & CONTROL_NPRIV) != 0u;
}

/* ------------------------------------------------ guest-side code */

/* Guest code's one way out (the gate's only instruction guests execute). */
__attribute__((naked, noinline)) uint32_t flue_port_gate(uint32_t k, uint32_t a0, uint32_t a1,
							  uint32_t a2)
{
	(void)k;
	(void)a0;
	(void)a1;
	(void)a2;
	__asm volatile("svc #0\n\t"
		       "bx lr\n\t");
}

/* Where a guest function returns to (its lr). */
__attribute__((naked, noreturn)) static void gate_guest_exit(void)
{
	__asm volatile("svc #2\n\t"
		       "udf #0\n\t");
}

/* ------------------------------------------------ runtime-side code */

/* Privileged, on the runtime stack: run the service, hand its result back
 * (svc 1 with r0 = result, r1 = the entry's record from r12). */
__attribute__((naked, noreturn)) static void gate_service_entry(void)
{
	__asm volatile("push {r12, lr}\n\t"
		       "bl flue_cm_gate_service\n\t"
		       "pop {r1, r2}\n\t"
		       "svc #1\n\t"
		       "udf #0\n\t");
}

uint32_t flue_cm_gate_service(uint32_t k, uint32_t a0, uint32_t a1, uint32_t a2)
{
	/* The index was checked in the handler, against the same table. */
	return flue_gate_service(k)(a0, a1, a2);
}

/* Privileged, on the runtime stack, after EXIT or a fault. */
__attribute__((naked, noreturn)) static void gate_exit_entry(void)
{
	__asm volatile("b flue_cm_gate_exit\n\t");
}

static void set_psplim(uint32_t v)
{
#ifdef GATE_V8
	__asm volatile("msr psplim, %0" ::"r"(v));
#else
	(void)v;
#endif
}

static uint32_t get_psplim(void)
{
#ifdef GATE_V8
	uint32_t v;
	__asm volatile("mrs %0, psplim" : "=r"(v));
	return v;
#else
	return 0u;
#endif
}

/* The entry being left (EXIT or fault): set by the handler or the fault
 * path for flue_cm_gate_exit, which runs after the exception returned. */
static struct gate_rec *leaving;

_Noreturn void flue_cm_gate_exit(void)
{
	struct gate_rec *r = leaving;
	leaving = NULL;
	set_psplim(r->runtime_psplim);
	longjmp(r->env, 1);
}

/* --------------------------------------------------- the SVC handler */

__attribute__((naked)) void SVC_Handler(void)
{
	__asm volatile(FLUE_CM_HANDOVER_ASM(flue_cm_gate_svc));
}

static void set_control_npriv(bool unprivileged)
{
	uint32_t c;
	__asm volatile("mrs %0, control" : "=r"(c));
	c = unprivileged ? (c | CONTROL_NPRIV) : (c & ~CONTROL_NPRIV);
	__asm volatile("msr control, %0\n\tisb" ::"r"(c) : "memory");
}

/* A frame for an exception return into privileged thread code `pc` on the
 * runtime stack of entry `r`, below its landing zone. */
static void to_runtime(uint32_t *io, struct gate_rec *r, void (*pc)(void), const uint32_t *regs)
{
	uint32_t *f = (uint32_t *)(uintptr_t)(r->landing - FRAME_WORDS * 4u);
	for (uint32_t i = 0; i < 5u; i++)
		f[i] = regs != NULL ? regs[i] : 0u; /* r0-r3, r12 */
	f[5] = 0u;
	f[6] = (uint32_t)(uintptr_t)pc & ~1u;
	f[7] = XPSR_T;
	set_control_npriv(false);
	bool rt_psp = (r->runtime_control & CONTROL_SPSEL) != 0u;
	if ((io[IO_EXC_RETURN] & EXC_RETURN_FTYPE) == 0u)
		FPU_FPCCR &= ~FPCCR_LSPACT; /* an FP core: no lazy state into the old frame */
	io[IO_EXC_RETURN] = (io[IO_EXC_RETURN] | EXC_RETURN_FTYPE) & ~EXC_RETURN_SPSEL;
	if (rt_psp) {
		io[IO_EXC_RETURN] |= EXC_RETURN_SPSEL;
		io[IO_PSP] = (uint32_t)(uintptr_t)f;
		io[IO_PSPLIM] = r->runtime_psplim;
	} else {
		io[IO_MSP] = (uint32_t)(uintptr_t)f;
		io[IO_PSPLIM] = 0u;
	}
}

/* The exception returns into the guest's frame `frame`, unprivileged. */
/* Below the landing: the frames the handler builds (gate_drop). */
#define LANDING_ZONE 64u
static void to_guest(uint32_t *io, struct gate_rec *r, uint32_t *frame)
{
	set_control_npriv(true);
	io[IO_EXC_RETURN] |= EXC_RETURN_SPSEL | EXC_RETURN_FTYPE;
	io[IO_PSP] = (uint32_t)(uintptr_t)frame;
	io[IO_PSPLIM] = r->guest_psplim;
	if ((r->runtime_control & CONTROL_SPSEL) == 0u)
		io[IO_MSP] = r->landing - LANDING_ZONE; /* as at the drop */
}

/* Is `frame` (the guest's stacked registers) inside its own stack? */
static bool frame_in_stack(const struct gate_rec *r, const uint32_t *frame)
{
	uintptr_t f = (uintptr_t)frame;
	return f >= r->d->stack_lo && f + FRAME_WORDS * 4u <= r->d->stack_hi && f % 4u == 0u;
}

/* The entry ends (returned or faulted): no guest runs, the runtime takes
 * `r` back through gate_exit_entry. */
static void leave_entry(uint32_t *io, struct gate_rec *r, int status)
{
	flue_cm_guest_marker_off();
	running = NULL;
	r->status = status;
	leaving = r;
	to_runtime(io, r, gate_exit_entry, NULL);
}

/* End the entry of `r` (its guest is not running on) as a fault of
 * `kind`: the exception returns into the runtime, which longjmps back. */
static void end_entry(uint32_t *io, struct gate_rec *r, uint32_t kind, uint32_t pc)
{
	struct flue_port_fault *f = &flue_cm_record;
	uint32_t ipsr;
	__asm volatile("mrs %0, ipsr" : "=r"(ipsr));
	*f = (struct flue_port_fault){ .kind = kind, .exception = ipsr & 0x1FFu,
				       .pc = pc, .has_pc = pc != 0u };
	leave_entry(io, r, FLUE_PORT_GUEST_FAULTED);
}

static void gate_fault(uint32_t *io, struct gate_rec *r, uint32_t pc)
{
	end_entry(io, r, FLUE_PORT_FAULT_GATE, pc);
}

/* The entry whose guest code an interrupt found running when the budget
 * ran out (flue_cm_gate_expire), until PendSV ends it. */
static struct gate_rec *volatile expiring;

bool flue_cm_gate_expire(void)
{
	struct gate_rec *r = running;
	if (r == NULL)
		return false;
	expiring = r;
	return true;
}

/* PendSV (budget_cortexm.c), handler mode: end the expiring entry if its
 * guest code is what PendSV interrupted (thread mode, unprivileged, on
 * its stack). Anything else (it returned, it is in a service) drops the
 * expiry: a budget counts guest code only. */
void flue_cm_gate_expire_now(uint32_t *io)
{
	struct gate_rec *r = expiring;
	expiring = NULL;
	if (r == NULL || r != running || (io[IO_EXC_RETURN] & EXC_RETURN_SPSEL) == 0u ||
	    !flue_port_unprivileged())
		return;
	const uint32_t *frame = (const uint32_t *)(uintptr_t)io[IO_PSP];
	end_entry(io, r, FLUE_PORT_FAULT_BUDGET, frame_in_stack(r, frame) ? frame[6] : 0u);
}

static void svc_call(uint32_t *io, struct gate_rec *r, uint32_t *frame)
{
	if (flue_gate_service(frame[0]) == NULL) {
		gate_fault(io, r, frame[6] - 2u);
		return;
	}
	flue_cm_guest_marker_off();
	running = NULL;
	r->guest_frame = frame;
	r->d->sp = (uintptr_t)frame & ~(uintptr_t)7u; /* nested entries go below */
	uint32_t regs[5] = { frame[0], frame[1], frame[2], frame[3], (uint32_t)(uintptr_t)r };
	to_runtime(io, r, gate_service_entry, regs);
}

static void svc_return(uint32_t *io, struct gate_rec *r, uint32_t result)
{
	r->guest_frame[0] = result;
	if (!domain_applied(r->d))
		(void)apply_domain(r->d); /* checked at entry: it applied then */
	running = r;
	flue_cm_guest_marker_on(r->landing, r->runtime_control);
	to_guest(io, r, r->guest_frame);
}

/* Handler mode. io: EXC_RETURN, PSP, MSP as at entry; the answer in the
 * same words (and PSPLIM). The frame that made the call is on PSP or MSP
 * as EXC_RETURN says. */
void flue_cm_gate_svc(uint32_t *io)
{
	bool from_psp = (io[IO_EXC_RETURN] & EXC_RETURN_SPSEL) != 0u;
	uint32_t *frame = (uint32_t *)(uintptr_t)(from_psp ? io[IO_PSP] : io[IO_MSP]);
	if (!flue_port_unprivileged()) {
		/* Only the gate's own service entry may say RETURN. */
		struct gate_rec *r = (struct gate_rec *)(uintptr_t)frame[1];
		if ((frame[6] & ~1u) < ((uint32_t)(uintptr_t)gate_service_entry & ~1u) ||
		    (frame[6] & ~1u) > ((uint32_t)(uintptr_t)gate_service_entry & ~1u) + 16u ||
		    r == NULL || running != NULL)
			flue_port_halt(); /* runtime code misused the gate */
		svc_return(io, r, frame[0]);
		return;
	}
	struct gate_rec *r = running;
	if (r == NULL || !from_psp)
		flue_port_halt(); /* unprivileged code the gate did not enter */
	if (!frame_in_stack(r, frame)) {
		gate_fault(io, r, 0u);
		return;
	}
	uint32_t imm = *(const uint16_t *)(uintptr_t)(frame[6] - 2u) & 0xFFu;
	if (imm == SVC_CALL) {
		svc_call(io, r, frame);
	} else if (imm == SVC_EXIT) {
		r->result = frame[0];
		leave_entry(io, r, FLUE_PORT_GUEST_RETURNED);
	} else {
		gate_fault(io, r, frame[6] - 2u);
	}
}

/* ----------------------------------------------------------- faults */

bool flue_cm_gate_claim_fault(bool on_psp)
{
	struct gate_rec *r = running;
	if (r == NULL || !on_psp || !flue_port_unprivileged())
		return false;
	set_psplim(0u); /* the trampoline may run on a fiber's PSP stack */
	set_control_npriv(false);
	running = NULL;
	r->status = FLUE_PORT_GUEST_FAULTED;
	leaving = r;
	return true;
}

_Noreturn void flue_cm_gate_trap(const struct flue_port_fault *fault)
{
	(void)fault; /* the port's record, read by the caller */
	flue_cm_gate_exit();
}

/* ------------------------------------------------------------ entry */

/* Privileged -> the guest: PSP = its stack, unprivileged, lr = the exit
 * trampoline, r0-r3 = args. Never returns (EXIT or a fault longjmps). */
struct drop {
	uint32_t sp, fn, a[4], lr, limit;
};

/* Everything is loaded into registers before privilege goes: `d` lies on
 * the runtime stack, which the guest may not read. r4 is free: the
 * setjmp buffer holds the runtime's. The runtime stack pointer first
 * steps below the landing zone: if that stack is MSP, the handlers taken
 * while the guest runs use it from there, so the frames the SVC handler
 * builds in the zone never overlap its own. */
__attribute__((naked, noreturn)) static void gate_drop(const struct drop *d)
{
	(void)d;
	__asm volatile(
		"sub   sp, sp, #64\n\t" /* LANDING_ZONE (to_guest: the same) */
#ifdef GATE_V8
		"movs  r1, #0\n\t"
		"msr   psplim, r1\n\t"
#endif
		"ldr   r1, [r0, #0]\n\t"
		"msr   psp, r1\n\t"
#ifdef GATE_V8
		"ldr   r1, [r0, #28]\n\t"
		"msr   psplim, r1\n\t"
#endif
		"mrs   r4, control\n\t"
		"orr   r4, r4, #3\n\t" /* SPSEL: PSP; nPRIV */
		"ldr   r12, [r0, #4]\n\t"
		"ldr   lr, [r0, #24]\n\t"
		"ldr   r3, [r0, #20]\n\t"
		"ldr   r2, [r0, #16]\n\t"
		"ldr   r1, [r0, #12]\n\t"
		"ldr   r0, [r0, #8]\n\t"
		"msr   control, r4\n\t"
		"isb\n\t"
		"bx    r12\n\t");
}

/* Checks an entry before anything changes; `*top`: where its guest stack
 * starts (below the entries of `d` in progress). */
static int entry_check(const struct flue_port_domain *d, flue_port_guest_fn fn,
		       const uint32_t *a, uintptr_t *top)
{
	if (d == NULL || fn == NULL || a == NULL || d->program == NULL)
		return FLUE_EINVAL;
	if (d->stack_lo % 8u != 0u || d->stack_hi % 8u != 0u ||
	    d->stack_hi < d->stack_lo + 2u * FRAME_WORDS * 4u)
		return FLUE_EINVAL;
	if (d->depth > 0u && d->owner != flue_cm_current_stack())
		return FLUE_EBUSY;
	*top = d->depth > 0u && d->sp != 0u ? d->sp : d->stack_hi;
	if (*top < d->stack_lo + 2u * FRAME_WORDS * 4u)
		return FLUE_ENOSPC;
	return FLUE_OK;
}

struct entry {
	struct gate_rec *r;
	struct drop drop;
};

/* Inside the caller's flue_port_try: a runtime unwind from a service
 * comes back out through it. */
static void entry_body(void *arg)
{
	struct entry *e = arg;
	if (setjmp(e->r->env) != 0)
		return; /* EXIT or a fault: status and result are in the record */
	/* Below this point the runtime stack is dead once the guest runs:
	 * the landing zone for the frames the handler builds. */
	uint32_t sp;
	__asm volatile("mov %0, sp" : "=r"(sp));
	e->r->landing = sp & ~7u;
	running = e->r;
	flue_cm_guest_marker_on(e->r->landing, e->r->runtime_control);
	gate_drop(&e->drop);
}

int flue_port_guest_call(struct flue_port_domain *d, flue_port_guest_fn fn, const uint32_t a[4],
			 uint32_t *result)
{
	uintptr_t top;
	int rc = entry_check(d, fn, a, &top);
	if (rc != FLUE_OK)
		return rc;
	struct gate_rec r = { .d = d, .saved_sp = d->sp };
	__asm volatile("mrs %0, control" : "=r"(r.runtime_control));
	r.runtime_psplim = get_psplim();
	r.guest_psplim = (uint32_t)d->stack_lo;
	d->owner = flue_cm_current_stack();
	d->depth++;
	if (!domain_applied(d))
		rc = apply_domain(d);
	if (rc != FLUE_OK) {
		d->depth--;
		return rc; /* the MPU refused the program: nothing ran */
	}
	struct entry e = { &r, { (uint32_t)top, (uint32_t)(uintptr_t)fn,
				 { a[0], a[1], a[2], a[3] },
				 (uint32_t)(uintptr_t)gate_guest_exit, r.guest_psplim } };
	int unwound = flue_port_try(entry_body, &e);
	d->sp = r.saved_sp;
	d->depth--;
	if (unwound)
		flue_port_unwind(); /* a service's trap: on to the caller's try */
	if (result != NULL && r.status == FLUE_PORT_GUEST_RETURNED)
		*result = r.result;
	return r.status;
}
