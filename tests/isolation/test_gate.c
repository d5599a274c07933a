/*
 * The privilege gate (flue/port.h, src/port/cortex-m/gate_cortexm.c):
 * guest code runs unprivileged on its own stack under its domain's MPU
 * program and reaches the runtime only through flue_port_gate(). Every
 * case asserts in privileged code only (a failed assertion longjmps);
 * services record what they saw.
 *
 * The "guest" functions below are ordinary C in flash: they touch nothing
 * but their arguments, their stack and the gate, as guest code must.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>
#include <flue/mpu.h>
#include <flue/port.h>
#include <flue/port_cortexm.h>
#include <flue/port_mpu.h>

#include "cm_regs.h"
#include "ftest.h"
#include "iso.h"

#define STACK 2048u
static uint8_t own_stack[STACK] __attribute__((aligned(STACK)));
static uint8_t peer_stack[STACK] __attribute__((aligned(STACK)));
static struct flue_mpu_write own_seq[FLUE_MPU_SEQ_MAX], peer_seq[FLUE_MPU_SEQ_MAX];
static struct flue_port_domain own, peer;
static volatile uint32_t runtime_word = 0x600du;

/* What services saw (privileged memory: guests cannot see it). */
struct seen {
	uint32_t control, sp, calls, ticks;
};
static struct seen svc_seen;

/* A stack pointer inside `stack` (full descending: its top is valid). */
static bool in_stack(uint32_t addr, const uint8_t *stack)
{
	uint32_t lo = (uint32_t)(uintptr_t)stack;
	return addr >= lo && addr <= lo + STACK;
}


static void domains(void)
{
	int32_t n = iso_gate_domain(own_seq, own_stack, STACK);
	FT_TRUE(n > 0);
	int32_t m = iso_gate_domain(peer_seq, peer_stack, STACK);
	FT_TRUE(m > 0);
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), 0);
#endif
	own = (struct flue_port_domain){ own_seq, (uint32_t)n, (uintptr_t)own_stack,
					 (uintptr_t)own_stack + STACK, 0, 0, 0 };
	peer = (struct flue_port_domain){ peer_seq, (uint32_t)m, (uintptr_t)peer_stack,
					  (uintptr_t)peer_stack + STACK, 0, 0, 0 };
	svc_seen = (struct seen){ 0, 0, 0, 0 };
}

static int call(struct flue_port_domain *d, flue_port_guest_fn fn, uint32_t a0, uint32_t a1,
		uint32_t *result)
{
	const uint32_t a[4] = { a0, a1, 0u, 0u };
	return flue_port_guest_call(d, fn, a, result);
}

/* ------------------------------------------------------------ services */

static uint32_t svc_mul_add(uint32_t a0, uint32_t a1, uint32_t a2)
{
	svc_seen.control = read_control();
	svc_seen.sp = read_sp();
	svc_seen.calls++;
	return a0 * a1 + a2;
}

static uint32_t guest_sum(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3);

/* Enters the peer's guest code from inside a service. */
static uint32_t svc_enter_peer(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a2;
	uint32_t r = 0;
	int rc = call(&peer, guest_sum, a0, a1, &r);
	return rc == FLUE_PORT_GUEST_RETURNED ? r : 0xDEADu;
}

/* A trap raised by the runtime on the guest's behalf. */
static uint32_t svc_unwind(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	flue_port_unwind();
}

static uint32_t svc_ticks(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	return svc_seen.ticks;
}

static uint32_t guest_control(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3);

/* Enters its own domain again (nested, below the running entry). */
static uint32_t svc_enter_own(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a1;
	(void)a2;
	uint32_t r = 0;
	int rc = call(&own, guest_control, a0, 0u, &r);
	return rc == FLUE_PORT_GUEST_RETURNED ? r : 0xDEADu;
}

static flue_port_fiber_t fiber;

static uint32_t svc_suspend(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a0;
	(void)a1;
	(void)a2;
	flue_port_fiber_suspend(&fiber);
	return 77u;
}

enum { S_MUL_ADD, S_PEER, S_UNWIND, S_TICKS, S_OWN, S_SUSPEND, S_COUNT };
static const flue_port_service_fn table[S_COUNT] = {
	svc_mul_add, svc_enter_peer, svc_unwind, svc_ticks, svc_enter_own, svc_suspend,
};

/* -------------------------------------------------------- guest code */

static uint32_t guest_sum(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return a0 + a1 + a2 + a3;
}

/* CONTROL in the low bits; 0x100 if sp lies below a0 (when a0 != 0). */
static uint32_t guest_control(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	uint32_t sp = read_sp();
	return read_control() | ((a0 != 0u && sp < a0) ? 0x100u : 0u);
}

static uint32_t guest_sp(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return read_sp();
}

static uint32_t guest_service(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a2;
	(void)a3;
	return flue_port_gate(a0, a1, 7u, 8u) + 1u;
}

/* Its own sp goes to the nested entry, which must run below it. */
static uint32_t guest_nests(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	return flue_port_gate(S_OWN, read_sp(), 0u, 0u);
}

static uint32_t guest_store(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a2;
	(void)a3;
	*(volatile uint32_t *)(uintptr_t)a0 = a1;
	return 1u;
}

static uint32_t guest_svc1(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	__asm volatile("movs r1, #0\n\tsvc #1" ::: "r0", "r1", "memory");
	return 1u;
}

static uint32_t guest_svc7(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a0;
	(void)a1;
	(void)a2;
	(void)a3;
	__asm volatile("svc #7" ::: "memory");
	return 1u;
}

/* Recursion the compiler cannot turn into a loop: through a pointer it
 * cannot see (an empty asm launders it). */
static uint32_t guest_recurse(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	volatile uint32_t pad[8];
	pad[0] = a0;
	if (a0 == 0u)
		return a1;
	uint32_t (*self)(uint32_t, uint32_t, uint32_t, uint32_t) = guest_recurse;
	__asm volatile("" : "+r"(self));
	return self(a0 - 1u, a1 + pad[0], a2, a3) + pad[0];
}

static uint32_t guest_spin(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a2;
	(void)a3;
	volatile uint32_t x = a1;
	for (uint32_t i = 0; i < a0; i++)
		x = x * 3u + 1u;
	return flue_port_gate(S_TICKS, 0u, 0u, 0u) != 0u ? x : 0u;
}

/* ------------------------------------------------------------- cases */

FT_TEST(guest_runs_unprivileged_on_its_own_stack)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	FT_EQ(call(&own, guest_sum, 40u, 2u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 42u);
	FT_EQ(call(&own, guest_control, 0u, 0u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r & 3u, 3u); /* nPRIV, SPSEL = PSP */
	FT_EQ(call(&own, guest_sp, 0u, 0u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_TRUE(in_stack(r, own_stack));
	FT_EQ(read_control() & 1u, 0u); /* the test is privileged again */
	FT_EQ(own.depth, 0u);
}

FT_TEST(a_service_runs_privileged_on_the_runtime_stack)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	FT_EQ(call(&own, guest_service, S_MUL_ADD, 6u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 6u * 7u + 8u + 1u);
	FT_EQ(svc_seen.calls, 1u);
	FT_EQ(svc_seen.control & 1u, 0u);
	FT_TRUE(!in_stack(svc_seen.sp, own_stack));
}

FT_TEST(a_service_may_enter_other_guests_and_its_own_domain_again)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	/* own -> service -> peer's guest_sum(6, 7) = 6 + 7 + 0 + 0, + 1 */
	FT_EQ(call(&own, guest_service, S_PEER, 6u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 14u);
	/* own -> service -> own again, below the outer entry's frames */
	FT_EQ(call(&own, guest_nests, 0u, 0u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r & 0x103u, 0x103u);
	FT_EQ(own.depth, 0u);
	FT_EQ(peer.depth, 0u);
}

FT_TEST(a_store_outside_the_domain_faults_that_entry_only)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	uint32_t target = (uint32_t)(uintptr_t)&runtime_word;
	FT_EQ(call(&own, guest_store, target, 0xBADu, &r), FLUE_PORT_GUEST_FAULTED);
	const struct flue_port_fault *f = flue_port_guest_fault();
	FT_EQ(f->kind, FLUE_PORT_FAULT_MEMMANAGE);
	FT_TRUE(f->has_addr);
	FT_EQ(f->addr, target);
	FT_EQ(runtime_word, 0x600du);
	/* the peer's stack is not the guest's either */
	target = (uint32_t)(uintptr_t)&peer_stack[64];
	FT_EQ(call(&own, guest_store, target, 1u, &r), FLUE_PORT_GUEST_FAULTED);
	FT_EQ(flue_port_guest_fault()->addr, target);
	/* and the domain works on */
	FT_EQ(call(&own, guest_sum, 1u, 2u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 3u);
	FT_EQ(call(&own, guest_store, (uint32_t)(uintptr_t)&own_stack[64], 5u, &r),
	      FLUE_PORT_GUEST_RETURNED);
}

FT_TEST(breaking_the_gate_rules_is_a_gate_fault)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	FT_EQ(call(&own, guest_service, 99u, 1u, &r), FLUE_PORT_GUEST_FAULTED);
	FT_EQ(flue_port_guest_fault()->kind, FLUE_PORT_FAULT_GATE);
	FT_EQ(call(&own, guest_svc1, 0u, 0u, &r), FLUE_PORT_GUEST_FAULTED);
	FT_EQ(flue_port_guest_fault()->kind, FLUE_PORT_FAULT_GATE);
	FT_EQ(call(&own, guest_svc7, 0u, 0u, &r), FLUE_PORT_GUEST_FAULTED);
	FT_EQ(flue_port_guest_fault()->kind, FLUE_PORT_FAULT_GATE);
	FT_EQ(call(&own, guest_sum, 2u, 2u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 4u);
}

FT_TEST(deep_recursion_faults_at_the_stack_guard)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	FT_EQ(call(&own, guest_recurse, 10000u, 0u, &r), FLUE_PORT_GUEST_FAULTED);
	const struct flue_port_fault *f = flue_port_guest_fault();
#if defined(ISO_V8)
	FT_TRUE(f->kind == FLUE_PORT_FAULT_STACKING || f->kind == FLUE_PORT_FAULT_USAGEFAULT);
#else
	FT_TRUE(f->kind == FLUE_PORT_FAULT_MEMMANAGE || f->kind == FLUE_PORT_FAULT_STACKING);
#endif
	FT_EQ(call(&own, guest_recurse, 10u, 5u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_TRUE(r > 5u);
}

static void try_unwinding_service(void *arg)
{
	uint32_t *r = arg;
	(void)call(&own, guest_service, S_UNWIND, 0u, r);
	*r = 0xBADu; /* not reached */
}

FT_TEST(a_runtime_unwind_from_a_service_leaves_the_entry)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	FT_EQ(flue_port_try(try_unwinding_service, &r), 1);
	FT_EQ(r, 0u);
	FT_EQ(own.depth, 0u);
	FT_EQ(call(&own, guest_sum, 3u, 4u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 7u);
}

static void tick(void)
{
	svc_seen.ticks++;
}

FT_TEST(interrupts_run_while_a_guest_runs)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	FT_EQ(flue_board_timer_start(200u, tick), 0);
	uint32_t r = 0;
	int rc = call(&own, guest_spin, 400000u, 1u, &r);
	flue_board_timer_stop();
	FT_EQ(rc, FLUE_PORT_GUEST_RETURNED);
	FT_TRUE(r != 0u); /* the guest saw ticks through the gate */
	FT_TRUE(svc_seen.ticks > 0u);
}

/* (d) The guest parks its stack pointer 8 bytes above its guard and waits:
 * the next interrupt cannot push its frame (a stacking fault: no address),
 * the entry ends, and the interrupt itself still runs afterwards. */
static uint32_t guest_sits_at_guard(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	__asm volatile("mov sp, %0\n"
		       "1:\n\t"
		       "b 1b\n\t" ::"r"(a0) : "memory");
	return 0u; /* not reached: the interrupt's stacking fault ends the entry */
}

FT_TEST(an_interrupt_at_the_stack_guard_is_a_stacking_fault)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	FT_EQ(flue_board_timer_start(200u, tick), 0);
	uint32_t r = 0;
	int rc = call(&own, guest_sits_at_guard, (uint32_t)(uintptr_t)own_stack + 8u, 0u, &r);
	uint32_t ticks_at_fault = svc_seen.ticks;
	flue_board_timer_stop();
	FT_EQ(rc, FLUE_PORT_GUEST_FAULTED);
	const struct flue_port_fault *f = flue_port_guest_fault();
	FT_EQ(f->kind, FLUE_PORT_FAULT_STACKING);
	FT_TRUE(!f->has_addr);
	FT_TRUE(ticks_at_fault >= 1u); /* the interrupt ran after all */
	FT_EQ(call(&own, guest_sum, 5u, 5u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 10u);
}

/* (e) A corrupted function-table entry: a call to an address without the
 * Thumb bit (INVSTATE) ends the entry as a UsageFault. */
static uint32_t guest_jumps(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	uint32_t (*bad)(uint32_t) = (uint32_t (*)(uint32_t))(uintptr_t)a0;
	__asm volatile("" : "+r"(bad));
	return bad(a1 + a2 + a3);
}

FT_TEST(a_jump_through_a_corrupted_pointer_is_a_usage_fault)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	uint32_t even = (uint32_t)(uintptr_t)guest_sum & ~1u; /* ARM state: invalid */
	FT_EQ(call(&own, guest_jumps, even, 0u, &r), FLUE_PORT_GUEST_FAULTED);
	const struct flue_port_fault *f = flue_port_guest_fault();
	FT_EQ(f->kind, FLUE_PORT_FAULT_USAGEFAULT);
	FT_EQ(f->cfsr & (1u << 17), 1u << 17); /* INVSTATE */
	FT_EQ(call(&own, guest_sum, 2u, 3u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 5u);
}

static uint64_t fiber_stacks[2][1024u / 8u] __attribute__((aligned(FLUE_PORT_CORTEXM_STACK_ALIGN)));
static uint32_t fiber_result;
static int fiber_rc;

static void fiber_enters_guest(void *arg)
{
	(void)arg;
	fiber_rc = call(&own, guest_service, S_SUSPEND, 0u, &fiber_result);
}

FT_TEST(a_fiber_enters_a_guest_and_blocks_in_a_service)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	FT_EQ(flue_port_cortexm_give_stacks(fiber_stacks, 2u, 1024u), 0);
	FT_EQ(flue_port_fiber_create(&fiber, fiber_enters_guest, 0), 0);
	flue_port_fiber_resume(&fiber); /* guest -> service -> suspend */
	FT_EQ(own.depth, 1u);
	uint32_t r = 0;
	/* The domain's stack holds the fiber's entry: no interleaving. */
	FT_EQ(call(&own, guest_sum, 1u, 1u, &r), FLUE_EBUSY);
	FT_EQ(call(&peer, guest_sum, 1u, 1u, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 2u);
	flue_port_fiber_resume(&fiber);
	FT_EQ(fiber_rc, FLUE_PORT_GUEST_RETURNED);
	FT_EQ(fiber_result, 78u);
	FT_EQ(own.depth, 0u);
}

FT_TEST(bad_entries_are_refused_before_anything_runs)
{
	domains();
	uint32_t r = 0;
	const uint32_t a[4] = { 0, 0, 0, 0 };
	FT_EQ(flue_port_guest_call(NULL, guest_sum, a, &r), FLUE_EINVAL);
	FT_EQ(flue_port_guest_call(&own, NULL, a, &r), FLUE_EINVAL);
	FT_EQ(flue_port_guest_call(&own, guest_sum, NULL, &r), FLUE_EINVAL);
	struct flue_port_domain odd = own;
	odd.stack_lo += 4u;
	FT_EQ(flue_port_guest_call(&odd, guest_sum, a, &r), FLUE_EINVAL);
	odd = own;
	odd.stack_hi = odd.stack_lo + 32u;
	FT_EQ(flue_port_guest_call(&odd, guest_sum, a, &r), FLUE_EINVAL);
	FT_EQ(flue_port_gate_set_services(NULL, 1u), FLUE_EINVAL);
}

/* The cost of crossing, in instructions (QEMU -icount shift=0). */
FT_TEST(gate_costs)
{
	domains();
	FT_EQ(flue_port_gate_set_services(table, S_COUNT), 0);
	uint32_t r = 0;
	FT_EQ(call(&own, guest_sum, 1u, 1u, &r), FLUE_PORT_GUEST_RETURNED); /* applied */
	uint64_t t0 = flue_board_instructions();
	for (uint32_t i = 0; i < 100u; i++)
		(void)call(&own, guest_sum, i, 1u, &r);
	uint64_t t1 = flue_board_instructions();
	for (uint32_t i = 0; i < 100u; i++)
		(void)call(&own, guest_service, S_MUL_ADD, i, &r);
	uint64_t t2 = flue_board_instructions();
	for (uint32_t i = 0; i < 50u; i++) {
		(void)call(&own, guest_sum, i, 1u, &r);
		(void)call(&peer, guest_sum, i, 1u, &r);
	}
	uint64_t t3 = flue_board_instructions();
	flue_board_printf("gate: entry+exit %u, + one service call %u, entry+exit switching "
			  "domains %u instructions\n", (unsigned)((t1 - t0) / 100u),
			  (unsigned)((t2 - t1) / 100u), (unsigned)((t3 - t2) / 100u));
	FT_TRUE(t3 > t0);
}

FT_SUITE(gate,
	 FT_CASE(guest_runs_unprivileged_on_its_own_stack),
	 FT_CASE(a_service_runs_privileged_on_the_runtime_stack),
	 FT_CASE(a_service_may_enter_other_guests_and_its_own_domain_again),
	 FT_CASE(a_store_outside_the_domain_faults_that_entry_only),
	 FT_CASE(breaking_the_gate_rules_is_a_gate_fault),
	 FT_CASE(deep_recursion_faults_at_the_stack_guard),
	 FT_CASE(a_runtime_unwind_from_a_service_leaves_the_entry),
	 FT_CASE(interrupts_run_while_a_guest_runs),
	 FT_CASE(an_interrupt_at_the_stack_guard_is_a_stacking_fault),
	 FT_CASE(a_jump_through_a_corrupted_pointer_is_a_usage_fault),
	 FT_CASE(a_fiber_enters_a_guest_and_blocks_in_a_service),
	 FT_CASE(bad_entries_are_refused_before_anything_runs),
	 FT_CASE(gate_costs))
