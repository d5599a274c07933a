/*
 * A fault in "guest" code becomes a trap: flue_port_try() returns 1 with
 * the fault recorded (kind, CFSR, the exact address where there is one,
 * the pc), and the program goes on. The guest code here runs privileged
 * (entered with flue_port_guest_enter(), not through the privilege gate,
 * whose unprivileged guests test_gate.c tries), so the domain denies privileged access where it
 * means "the guest may not" (iso.h, iso_trap_domain).
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

#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define CFSR_DACCVIOL (1u << 1)
#define CFSR_MSTKERR (1u << 4)
#define CFSR_MMARVALID (1u << 7)
#define CFSR_PRECISERR (1u << 9)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_INVSTATE (1u << 17)
#define CFSR_STKOF (1u << 20)
#define HFSR_FORCED (1u << 30)

static uint8_t runtime_area[256] __attribute__((aligned(256)));
static uint8_t peer_area[256] __attribute__((aligned(256)));
static uint8_t guest_area[1024] __attribute__((aligned(1024)));

static struct flue_port_fault seen;
static volatile uint32_t traps, pendsv_runs;
static volatile uint32_t sink;

void PendSV_Handler(void);
void PendSV_Handler(void)
{
	pendsv_runs++;
}

/* The embedder's part, as the executor will do it: note, unwind. */
static void on_fault(const struct flue_port_fault *f)
{
	seen = *f;
	traps++;
	flue_port_unwind();
}

struct guest_call {
	void (*fn)(uintptr_t);
	uintptr_t arg;
	struct flue_port_guest_mark mark;
};

static void guest_body(void *p)
{
	struct guest_call *c = p;
	flue_port_guest_enter(&c->mark);
	c->fn(c->arg);
	flue_port_guest_leave(&c->mark);
}

/* 0: the guest returned; 1: it trapped (seen holds the fault). */
static int run_guest(void (*fn)(uintptr_t), uintptr_t arg)
{
	struct guest_call c = {fn, arg, {0u, 0u, 0u}};
	uint32_t before = traps;
	int r = flue_port_try(guest_body, &c);
	if (r != 0)
		flue_port_guest_leave(&c.mark);
	FT_FALSE(flue_port_guest_running());
	FT_EQ(traps - before, (uint32_t)r);
	return r;
}

static void apply_trap_domain(void)
{
	struct flue_mpu_write seq[FLUE_MPU_SEQ_MAX];
	int32_t n = iso_trap_domain(seq, runtime_area, peer_area, guest_area);
	FT_EQ(n, FLUE_MPU_V7_SEQ_LEN);
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), FLUE_OK);
#endif
	FT_EQ(flue_port_mpu_apply(seq, (uint32_t)n, FLUE_PORT_MPU_PRIVDEFENA), FLUE_OK);
	flue_port_fault_set_handler(on_fault);
}

/* ------------------------------------------------------ guest code */

__attribute__((noinline)) static void guest_store(uintptr_t addr)
{
	*(volatile uint8_t *)addr = 0x5Au;
}

__attribute__((noinline)) static void guest_load(uintptr_t addr)
{
	sink = *(volatile uint32_t *)addr;
}

/* Point SP at the top of a read-only area and pend PendSV: the exception
 * entry cannot push its frame (MSTKERR). ARMv8-M: MSPLIM lifted first,
 * or the move itself would be a stack-limit fault. */
__attribute__((naked, noinline)) static void guest_bad_stack(uintptr_t top)
{
	(void)top;
	__asm volatile(
#if defined(ISO_V8)
		"movs  r1, #0\n\t"
		"msr   msplim, r1\n\t"
#endif
		"mov   sp, r0\n\t"
		"movw  r1, #0xED04\n\t"
		"movt  r1, #0xE000\n\t"
		"mov   r2, #0x10000000\n\t" /* ICSR.PENDSVSET */
		"str   r2, [r1]\n\t"
		"dsb\n\t"
		"isb\n\t"
		"1: b 1b\n\t");
}

#if defined(ISO_V8)
/* 256 bytes down, then a stack limit 8 bytes below SP, then PendSV: the
 * frame (32 bytes) would cross the limit (STKOF). */
__attribute__((naked, noinline)) static void guest_stack_limit(uintptr_t unused)
{
	(void)unused;
	__asm volatile("sub   sp, #256\n\t"
		       "mov   r1, sp\n\t"
		       "sub   r1, #8\n\t"
		       "msr   msplim, r1\n\t"
		       "movw  r1, #0xED04\n\t"
		       "movt  r1, #0xE000\n\t"
		       "mov   r2, #0x10000000\n\t"
		       "str   r2, [r1]\n\t"
		       "dsb\n\t"
		       "isb\n\t"
		       "1: b 1b\n\t");
}
#endif

__attribute__((naked, noinline)) static void guest_udf(uintptr_t unused)
{
	(void)unused;
	__asm volatile("udf #0\n\tbx lr\n\t");
}

/* A call with the Thumb bit clear: INVSTATE at the target. */
__attribute__((noinline)) static void guest_arm_call(uintptr_t target)
{
	((void (*)(void))target)();
}

/* SVC with interrupts masked cannot be taken: it escalates to HardFault. */
__attribute__((naked, noinline)) static void guest_svc_masked(uintptr_t unused)
{
	(void)unused;
	__asm volatile("cpsid i\n\tsvc #0\n\tbx lr\n\t");
}

static uint32_t code_of(void (*fn)(uintptr_t))
{
	return (uint32_t)(uintptr_t)fn & ~1u;
}

static void expect_pc_in(void (*fn)(uintptr_t))
{
	FT_TRUE(seen.has_pc);
	FT_TRUE(seen.pc >= code_of(fn));
	FT_TRUE(seen.pc < code_of(fn) + 16u);
}

/* ------------------------------------------------------------ cases */

FT_TEST(marker_nests)
{
	struct flue_port_guest_mark outer, inner;
	FT_FALSE(flue_port_guest_running());
	flue_port_guest_enter(&outer);
	FT_TRUE(flue_port_guest_running());
	flue_port_guest_enter(&inner);
	FT_EQ(inner.on, 1u);
	flue_port_guest_leave(&inner);
	FT_TRUE(flue_port_guest_running());
	flue_port_guest_leave(&outer);
	FT_FALSE(flue_port_guest_running());
}

/* (a) the runtime's memory: MemManage, DACCVIOL, the exact address. */
FT_TEST(store_into_runtime_traps)
{
	apply_trap_domain();
	FT_EQ(run_guest(guest_store, (uintptr_t)&runtime_area[16]), 1);
	FT_EQ(seen.kind, FLUE_PORT_FAULT_MEMMANAGE);
	FT_EQ(seen.exception, 4u);
	FT_EQ(seen.cfsr & (CFSR_DACCVIOL | CFSR_MMARVALID), CFSR_DACCVIOL | CFSR_MMARVALID);
	FT_TRUE(seen.has_addr);
	FT_EQ(seen.addr, (uint32_t)(uintptr_t)&runtime_area[16]);
	expect_pc_in(guest_store);
	FT_EQ(SCB_CFSR, 0u); /* cleared before the return */
	/* The program goes on, the guest too, and nothing was stored. */
	FT_EQ(run_guest(guest_store, (uintptr_t)&guest_area[3]), 0);
	FT_EQ(guest_area[3], 0x5Au);
	flue_port_mpu_disable();
	FT_EQ(runtime_area[16], 0u);
}

/* (b) a peer's memory, read-only: loads work, a store traps. */
FT_TEST(store_into_peer_traps)
{
	peer_area[40] = 9u; /* before the domain: then read-only for all */
	apply_trap_domain();
	FT_EQ(run_guest(guest_load, (uintptr_t)&peer_area[40]), 0);
	FT_EQ(sink & 0xFFu, 9u);
	FT_EQ(run_guest(guest_store, (uintptr_t)&peer_area[41]), 1);
	FT_EQ(seen.kind, FLUE_PORT_FAULT_MEMMANAGE);
	FT_EQ(seen.cfsr & (CFSR_DACCVIOL | CFSR_MMARVALID), CFSR_DACCVIOL | CFSR_MMARVALID);
	FT_TRUE(seen.has_addr);
	FT_EQ(seen.addr, (uint32_t)(uintptr_t)&peer_area[41]);
	expect_pc_in(guest_store);
	FT_EQ(peer_area[41], 0u);
}

/* (c) no frame could be pushed: recorded without address or pc; the
 * pended PendSV still runs afterwards. */
FT_TEST(stacking_fault_traps)
{
	apply_trap_domain();
#if defined(ISO_V8)
	uint32_t msplim;
	__asm volatile("mrs %0, msplim" : "=r"(msplim));
#endif
	uint32_t runs = pendsv_runs;
	FT_EQ(run_guest(guest_bad_stack, (uintptr_t)&peer_area[256]), 1);
#if defined(ISO_V8)
	__asm volatile("msr msplim, %0" ::"r"(msplim));
#endif
	FT_EQ(seen.kind, FLUE_PORT_FAULT_STACKING);
	FT_EQ(seen.exception, 4u);
	FT_EQ(seen.cfsr & CFSR_MSTKERR, CFSR_MSTKERR);
	FT_FALSE(seen.has_addr);
	FT_FALSE(seen.has_pc);
	FT_EQ(pendsv_runs, runs + 1u);
	FT_EQ(run_guest(guest_store, (uintptr_t)&guest_area[5]), 0);
}

#if defined(ISO_V8)
FT_TEST(stack_limit_traps)
{
	apply_trap_domain();
	uint32_t msplim;
	__asm volatile("mrs %0, msplim" : "=r"(msplim));
	uint32_t runs = pendsv_runs;
	FT_EQ(run_guest(guest_stack_limit, 0u), 1);
	__asm volatile("msr msplim, %0" ::"r"(msplim));
	FT_EQ(seen.kind, FLUE_PORT_FAULT_STACKING);
	FT_EQ(seen.exception, 6u);
	FT_EQ(seen.cfsr & CFSR_STKOF, CFSR_STKOF);
	FT_FALSE(seen.has_addr);
	FT_FALSE(seen.has_pc);
	FT_EQ(pendsv_runs, runs + 1u);
}
#endif

/* (d) a load from nothing (the vendor system area): a precise BusFault. */
FT_TEST(bus_fault_traps)
{
	apply_trap_domain();
	FT_EQ(run_guest(guest_load, 0xF0000000u), 1);
	FT_EQ(seen.kind, FLUE_PORT_FAULT_BUSFAULT);
	FT_EQ(seen.exception, 5u);
	FT_EQ(seen.cfsr & (CFSR_PRECISERR | CFSR_BFARVALID), CFSR_PRECISERR | CFSR_BFARVALID);
	FT_TRUE(seen.has_addr);
	FT_EQ(seen.addr, 0xF0000000u);
	expect_pc_in(guest_load);
}

/* (e) a jump without the Thumb bit, an undefined instruction. */
FT_TEST(usage_faults_trap)
{
	apply_trap_domain();
	FT_EQ(run_guest(guest_arm_call, code_of(guest_store)), 1);
	FT_EQ(seen.kind, FLUE_PORT_FAULT_USAGEFAULT);
	FT_EQ(seen.exception, 6u);
	FT_EQ(seen.cfsr, CFSR_INVSTATE);
	FT_FALSE(seen.has_addr);
	FT_TRUE(seen.has_pc);
	FT_EQ(seen.pc, code_of(guest_store));

	FT_EQ(run_guest(guest_udf, 0u), 1);
	FT_EQ(seen.kind, FLUE_PORT_FAULT_USAGEFAULT);
	FT_EQ(seen.cfsr, CFSR_UNDEFINSTR);
	FT_EQ(seen.pc, code_of(guest_udf));
}

/* (f) a HardFault while the guest runs; PRIMASK is left as the guest set it. */
FT_TEST(hard_fault_traps)
{
	apply_trap_domain();
	FT_EQ(run_guest(guest_svc_masked, 0u), 1);
	uint32_t primask;
	__asm volatile("mrs %0, primask\n\tcpsie i" : "=r"(primask)::"memory");
	FT_EQ(primask, 1u);
	FT_EQ(seen.kind, FLUE_PORT_FAULT_HARDFAULT);
	FT_EQ(seen.exception, 3u);
	FT_EQ(seen.hfsr & HFSR_FORCED, HFSR_FORCED);
	FT_FALSE(seen.has_addr);
	expect_pc_in(guest_svc_masked);
}

/* Deny by default, exactly as built (no background map): even privileged
 * code may not touch RAM that no region of the realistic domain covers. */
FT_TEST(uncovered_ram_traps_without_background_map)
{
	struct flue_mpu_write seq[FLUE_MPU_SEQ_MAX];
	int32_t n = iso_realistic_domain(seq);
	FT_EQ(n, FLUE_MPU_V7_SEQ_LEN);
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), FLUE_OK);
#endif
	FT_EQ(flue_port_mpu_apply(seq, (uint32_t)n, 0u), FLUE_OK);
	flue_port_fault_set_handler(on_fault);
	FT_EQ(run_guest(guest_store, ISO_GUEST_MEM + 8u), 0);
	FT_EQ(run_guest(guest_store, ISO_UNCOVERED), 1);
	FT_EQ(seen.kind, FLUE_PORT_FAULT_MEMMANAGE);
	FT_TRUE(seen.has_addr);
	FT_EQ(seen.addr, ISO_UNCOVERED);
	FT_EQ(*(volatile uint8_t *)(ISO_GUEST_MEM + 8u), 0x5Au);
}

/* A reader's ring window (issue 11 item 5): read-only inside its own
 * read-write memory. Loads from it work, a store into it traps with the
 * exact address and changes nothing, the memory on both sides stays
 * writable. */
FT_TEST(store_into_read_only_ring_window_traps)
{
	struct flue_mpu_write seq[FLUE_MPU_SEQ_MAX];
	guest_area[256] = 7u;
	int32_t n = iso_window_domain(seq, guest_area, sizeof guest_area, 256u, 256u);
	FT_TRUE(n > 0);
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), FLUE_OK);
#endif
	FT_EQ(flue_port_mpu_apply(seq, (uint32_t)n, FLUE_PORT_MPU_PRIVDEFENA), FLUE_OK);
	flue_port_fault_set_handler(on_fault);
	FT_EQ(run_guest(guest_load, (uintptr_t)&guest_area[256]), 0);
	FT_EQ(sink & 0xFFu, 7u);
	for (uint32_t at = 256u; at < 512u; at += 85u) {
		FT_EQ(run_guest(guest_store, (uintptr_t)&guest_area[at]), 1);
		FT_EQ(seen.kind, FLUE_PORT_FAULT_MEMMANAGE);
		FT_TRUE(seen.has_addr);
		FT_EQ(seen.addr, (uint32_t)(uintptr_t)&guest_area[at]);
	}
	FT_EQ(run_guest(guest_store, (uintptr_t)&guest_area[255]), 0);
	FT_EQ(run_guest(guest_store, (uintptr_t)&guest_area[512]), 0);
	flue_port_mpu_disable();
	FT_EQ(guest_area[256], 7u);
	FT_EQ(guest_area[341], 0u);
	FT_EQ(guest_area[255], 0x5Au);
	FT_EQ(guest_area[512], 0x5Au);
}

/* Many traps in a row, then ordinary work: nothing leaks, every trap
 * counted once; and what a trap costs. */
FT_TEST(work_goes_on)
{
	apply_trap_domain();
	uint32_t before = traps, sum = 0;
	uint64_t t0 = flue_board_instructions();
	for (uint32_t i = 0; i < 50u; i++)
		sum += (uint32_t)run_guest(guest_store, (uintptr_t)&runtime_area[i]);
	uint64_t per = (flue_board_instructions() - t0) / 50u;
	FT_EQ(sum, 50u);
	FT_EQ(traps - before, 50u);
	FT_EQ(seen.addr, (uint32_t)(uintptr_t)&runtime_area[49]);
	for (uint32_t i = 0; i < 64u; i++)
		FT_EQ(run_guest(guest_store, (uintptr_t)&guest_area[i]), 0);
	flue_board_printf("trap: guest store fault to flue_port_try returning 1: %u instructions\n",
			  (unsigned)per);
}

void iso_after_case(void)
{
	static const struct flue_port_guest_mark off = {0u, 0u, 0u};
	flue_port_mpu_disable();
	flue_port_fault_set_handler(NULL);
	flue_port_guest_leave(&off);
	__asm volatile("cpsie i" ::: "memory");
}

#if defined(ISO_V8)
#define ISO_V8_CASES FT_CASE(stack_limit_traps),
#else
#define ISO_V8_CASES
#endif

FT_SUITE(guest_trap,
	 FT_CASE(marker_nests),
	 FT_CASE(store_into_runtime_traps),
	 FT_CASE(store_into_peer_traps),
	 FT_CASE(stacking_fault_traps),
	 ISO_V8_CASES
	 FT_CASE(bus_fault_traps),
	 FT_CASE(usage_faults_trap),
	 FT_CASE(hard_fault_traps),
	 FT_CASE(uncovered_ram_traps_without_background_map),
	 FT_CASE(store_into_read_only_ring_window_traps),
	 FT_CASE(work_goes_on))
