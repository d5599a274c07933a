/*
 * isolate: an attacker misbehaves in six ways, one after the other, and is
 * restarted in place after each trap, while a peer sums 1..2000 a step at
 * a time; every trap has its own reason (and, for stray accesses, the
 * exact address), the runtime's memory and the peer's are untouched, a
 * second instance grows its memory and counts its calls (a restart starts
 * it from its data segment again), and the peer finishes with the right
 * sum. Built only with flue-build --isolate for the Cortex-M boards.
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/port_mpu.h>
#include <flue/w2c.h>

#include "isolate.h"

#define PEER_N 2000u
#define PEER_SUM (PEER_N * (PEER_N + 1u) / 2u)

static volatile uint32_t runtime_secret = 0x5EC2E7u;
static int failures;

struct outcome {
	bool resolved;
	uint32_t value;
};
static struct outcome peer_out, out[9];

static void on_done(void *user, const uint32_t *r)
{
	struct outcome *o = user;
	o->resolved = true;
	o->value = r != 0 ? *r : 0xDEADu;
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		failures++;
		flue_board_printf("  FAIL: %s\n", what);
	}
}

/* The linear address at which instance `inst`'s guest reaches `target`. */
static uint32_t wasm_addr(struct flue_instance *inst, const volatile void *target)
{
	return (uint32_t)((uintptr_t)target - (uintptr_t)*inst->mem_data);
}

/* The step budget: 3 ms of guest code, then its entry ends. */
static volatile uint32_t budget_ticks, budget_ended;

static void budget_tick(void)
{
	if (++budget_ticks >= 3u && flue_port_guest_expire())
		budget_ended++;
}

/* Restart `inst` in place; it must be clean and not trapped again. */
static void restart(struct flue_instance *inst)
{
	check(isolate_restart(inst) == 0 && !inst->poisoned, "a restart");
}

static void ticks(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		(void)flue_tick(isolate_store());
}

typedef int (*attack_fn)(uint32_t kind, uint32_t arg, isolate_a1_attack_done_t done, void *user,
			 flue_call_t *call);

/* Attack `kind` by instance `inst`, with the peer half-way through. */
static struct flue_w2c_trap_info attack(attack_fn fn, struct flue_instance *inst, uint32_t kind,
					uint32_t arg)
{
	check(fn(kind, arg, on_done, &out[kind], 0) == 0, "starting an attack");
	ticks(8);
	struct flue_w2c_trap_info t = flue_w2c_last_trap();
	bool mine = t.trapped && t.instance != 0 && inst->poisoned;
	flue_board_printf("attack %u: %s%s%s", kind, mine ? "trapped: " : "no trap",
			  mine ? flue_trap_message(t.reason) : "", t.has_addr && mine ? " at " : "");
	if (mine && t.has_addr)
		flue_board_printf("0x%x", (unsigned)t.addr);
	flue_board_printf("\n");
	if (!mine)
		t.trapped = false;
	return t;
}

int main(void)
{
	if (isolate_init(flue_board_printf) != 0)
		return 1;
	struct flue_instance *peer = isolate_instance_peer();
	uint8_t *peer_mem = *peer->mem_data;
	peer_mem[64] = 0x5Au;
	check(isolate_peer_work_count(PEER_N, on_done, &peer_out, 0) == 0, "peer");
	ticks(100);

	struct flue_instance *a1 = isolate_instance_a1();
	struct flue_w2c_trap_info t;
	t = attack(isolate_a1_attack, a1, 1, wasm_addr(a1, &runtime_secret));
	check(t.trapped && t.reason == FLUE_TRAP_MEMORY_FAULT && t.has_addr &&
	      t.addr == (uint32_t)(uintptr_t)&runtime_secret, "1: a store into the runtime");
	check(runtime_secret == 0x5EC2E7u, "1: the runtime's word is untouched");
	restart(a1);
	t = attack(isolate_a1_attack, a1, 2, wasm_addr(a1, &peer_mem[64]));
	check(t.trapped && t.reason == FLUE_TRAP_MEMORY_FAULT && t.has_addr &&
	      t.addr == (uint32_t)(uintptr_t)&peer_mem[64], "2: a load from the peer's memory");
	restart(a1);
	t = attack(isolate_a1_attack, a1, 3, 0);
	check(t.trapped && t.reason == FLUE_TRAP_MEMORY_FAULT, "3: the stack guard");
	restart(a1);
	t = attack(isolate_a1_attack, a1, 4, 0);
	check(t.trapped && t.reason == FLUE_TRAP_WASM_UNREACHABLE, "4: unreachable");
	restart(a1);
	t = attack(isolate_a1_attack, a1, 5, 0);
	check(t.trapped && t.reason == FLUE_TRAP_WASM_CALL_INDIRECT, "5: call_indirect");
	restart(a1);
	check(flue_board_timer_start(1000u, budget_tick) == 0, "7: the budget timer");
	t = attack(isolate_a1_attack, a1, 7, 1);
	flue_board_timer_stop();
	check(t.trapped && t.reason == FLUE_TRAP_BUDGET, "7: a loop past its budget");
	check(budget_ended == 1u, "7: the timer ended one entry");
	restart(a1);
	(void)attack(isolate_a1_attack, a1, 0, 41);
	check(out[0].resolved && out[0].value == 42u, "0: a1 works after its restarts");

	struct flue_instance *a2 = isolate_instance_a2();
	(void)attack(isolate_a2_attack, a2, 8, 0);
	(void)attack(isolate_a2_attack, a2, 8, 0);
	check(out[8].resolved && out[8].value == 2u, "8: a2 counts its calls");
	(void)attack(isolate_a2_attack, a2, 6, 0);
	check(out[6].resolved && out[6].value == 1u, "6: memory.grow returned the old size");
	check(*(const uint32_t *)a2->mem_size == 2u * 65536u, "6: the runtime's view grew");
	check(!a2->poisoned, "6, 8: no trap");
	restart(a2);
	check(*(const uint32_t *)a2->mem_size == 65536u, "restart: the memory is as at start");
	out[8].resolved = false;
	(void)attack(isolate_a2_attack, a2, 8, 0);
	check(out[8].resolved && out[8].value == 1u, "8: a2 counts from 1 again");
	check(isolate_restart(0) == FLUE_EINVAL, "restarting nothing");
	flue_board_printf("restart: ok\n");


	int rc = isolate_run();
	flue_board_printf("peer: %s, sum %u\n", peer_out.resolved ? "resolved" : "unresolved",
			  (unsigned)peer_out.value);
	check(rc == 0 && peer_out.resolved && peer_out.value == PEER_SUM, "the peer's work");
	check(!peer->poisoned && peer_mem[64] == 0x5Au, "the peer's memory");
	for (uint32_t k = 1; k <= 7u; k++) /* trapped: resolved without a value */
		if (k != 6u)
			check(!out[k].resolved || out[k].value == 0xDEADu, "a trapped attack has no result");
	flue_board_printf("isolate: %s\n", failures == 0 ? "ok" : "FAILED");
	return failures == 0 ? 0 : 1;
}
