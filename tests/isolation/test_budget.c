/*
 * Step budgets (flue_port_guest_expire, src/port/cortex-m/budget_cortexm.c):
 * a gated guest that never returns is ended by the embedder's timer, and
 * only that entry ends; a guest inside a service is not charged. Its own
 * image: the port owns PendSV here (tests/isolation/test_guest_trap.c
 * defines its own PendSV_Handler).
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>
#include <flue/mpu.h>
#include <flue/port.h>
#include <flue/port_mpu.h>

#include "ftest.h"
#include "iso.h"

#define STACK 1024u
static uint8_t spin_stack[STACK] __attribute__((aligned(STACK)));
static uint8_t peer_stack[STACK] __attribute__((aligned(STACK)));
static struct flue_mpu_write spin_seq[FLUE_MPU_SEQ_MAX], peer_seq[FLUE_MPU_SEQ_MAX];
static struct flue_port_domain spin, peer;

static volatile uint32_t ticks, expired, missed, expire_after;

/* The embedder's timer: after `expire_after` ticks, end the running guest. */
static void timer_isr(void)
{
	if (++ticks < expire_after)
		return;
	if (flue_port_guest_expire())
		expired++;
	else
		missed++;
}

static uint32_t guest_forever(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	volatile uint32_t x = a0;
	while (x != 0u) /* always: x is odd after the first step */
		x = x * 4u + 1u;
	return x;
}

static uint32_t guest_sum(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	return a0 + a1 + a2 + a3;
}

/* A service that takes long: runtime time, not the guest's. */
static uint32_t svc_slow(uint32_t a0, uint32_t a1, uint32_t a2)
{
	(void)a1;
	(void)a2;
	uint32_t until = ticks + a0;
	while (ticks < until)
		__asm volatile("" ::: "memory");
	return 9u;
}

static const flue_port_service_fn table[1] = { svc_slow };

static uint32_t guest_waits_in_service(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	(void)a1;
	(void)a2;
	(void)a3;
	return flue_port_gate(0u, a0, 0u, 0u) + 1u;
}

static void domains(void)
{
	int32_t n = iso_gate_domain(spin_seq, spin_stack, STACK);
	int32_t m = iso_gate_domain(peer_seq, peer_stack, STACK);
	FT_TRUE(n > 0 && m > 0);
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), 0);
#endif
	spin = (struct flue_port_domain){ spin_seq, (uint32_t)n, (uintptr_t)spin_stack,
					  (uintptr_t)spin_stack + STACK, 0, 0, 0 };
	peer = (struct flue_port_domain){ peer_seq, (uint32_t)m, (uintptr_t)peer_stack,
					  (uintptr_t)peer_stack + STACK, 0, 0, 0 };
	ticks = expired = missed = 0u;
	FT_EQ(flue_port_gate_set_services(table, 1u), 0);
}

FT_TEST(a_guest_that_never_returns_is_ended_by_its_budget)
{
	domains();
	expire_after = 3u;
	FT_EQ(flue_board_timer_start(1000u, timer_isr), 0);
	const uint32_t a[4] = { 1u, 0u, 0u, 0u };
	uint32_t r = 0;
	int rc = flue_port_guest_call(&spin, guest_forever, a, &r);
	flue_board_timer_stop();
	FT_EQ(rc, FLUE_PORT_GUEST_FAULTED);
	const struct flue_port_fault *f = flue_port_guest_fault();
	FT_EQ(f->kind, FLUE_PORT_FAULT_BUDGET);
	FT_TRUE(f->has_pc);
	FT_EQ(expired, 1u);
	FT_TRUE(ticks >= 3u);
	FT_EQ(spin.depth, 0u);
	/* The others go on, and so does the domain itself. */
	const uint32_t b[4] = { 1u, 2u, 3u, 4u };
	FT_EQ(flue_port_guest_call(&peer, guest_sum, b, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 10u);
	FT_EQ(flue_port_guest_call(&spin, guest_sum, b, &r), FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 10u);
}

FT_TEST(time_in_a_service_is_not_charged_to_the_guest)
{
	domains();
	expire_after = 1u;
	FT_EQ(flue_board_timer_start(1000u, timer_isr), 0);
	const uint32_t a[4] = { 4u, 0u, 0u, 0u };
	uint32_t r = 0;
	int rc = flue_port_guest_call(&spin, guest_waits_in_service, a, &r);
	flue_board_timer_stop();
	FT_EQ(rc, FLUE_PORT_GUEST_RETURNED);
	FT_EQ(r, 10u);
	FT_TRUE(missed >= 3u); /* the ticks while the service ran */
}

FT_TEST(no_guest_running_means_nothing_to_end)
{
	domains();
	FT_TRUE(!flue_port_guest_expire());
}

/* This image's after-case hook (the main image's is test_guest_trap.c's). */
void iso_after_case(void)
{
	flue_board_timer_stop();
	flue_port_mpu_disable();
}

FT_SUITE(budget,
	 FT_CASE(a_guest_that_never_returns_is_ended_by_its_budget),
	 FT_CASE(time_in_a_service_is_not_charged_to_the_guest),
	 FT_CASE(no_guest_running_means_nothing_to_end))
