/*
 * The benchmarks' store: two guest instances with linear memory, a host
 * instance, the u8 element type, and first-failure bookkeeping. A fresh
 * store for every run, so no benchmark sees another's leftovers.
 */
#include <string.h>

#include <flue/board.h>
#include <flue/exec.h>
#include <flue/host.h>

#include "bench.h"

struct bench_fixture bf;

/* Guest memories (8-aligned for any element type). */
static uint8_t mem_a[BENCH_MEM] __attribute__((aligned(8)));
static uint8_t mem_b[BENCH_MEM] __attribute__((aligned(8)));
static uint8_t arena[BENCH_MEM] __attribute__((aligned(8)));
static uint8_t *data_a = mem_a, *data_b = mem_b;
static const uint64_t mem_size = BENCH_MEM;

static struct {
	uint32_t count;
	const char *file, *what;
	int line;
	uint64_t a, b;
} failure;

static void on_trap(void *ctx, struct flue_instance *inst, enum flue_trap_reason r)
{
	(void)ctx;
	(void)inst;
	if (bf.ntraps++ == 0)
		bf.trap = r;
	bench_fail(__FILE__, __LINE__, "no trap in guest code", (uint64_t)r, 0);
}

int bench_fixture_setup(void)
{
	/* Only the store and the handles: the memories keep their bytes (the
	 * benchmarks write what they check before every run). */
	memset(&bf, 0, sizeof bf);
	flue_store_init(&bf.store, 0, 0);
	flue_exec_init(&bf.store);
	flue_exec_on_trap(&bf.store, on_trap, 0);
	struct flue_type_desc d = { .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 };
	struct flue_type_desc d32 = { .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U32 };
	struct flue_type_desc du = { .kind = FLUE_TYPE_UNIT };
	if (flue_type_register(&bf.store, &d, &bf.u8) != 0 ||
	    flue_type_register(&bf.store, &d32, &bf.u32) != 0 ||
	    flue_type_register(&bf.store, &du, &bf.unit) != 0 ||
	    flue_instance_create(&bf.store, &bf.a) != 0 ||
	    flue_instance_create(&bf.store, &bf.b) != 0 ||
	    flue_host_create(&bf.store, arena, BENCH_MEM, &bf.host) != 0) {
		bench_fail(__FILE__, __LINE__, "fixture setup", 1, 0);
		return -1;
	}
	flue_instance_set_memory(bf.a, &data_a, &mem_size);
	flue_instance_set_memory(bf.b, &data_b, &mem_size);
	return 0;
}

uint8_t *bench_mem(const struct flue_instance *inst)
{
	return inst == bf.a ? mem_a : inst == bf.b ? mem_b : arena;
}

uint8_t *bench_host_arena(void)
{
	return arena;
}

void bench_fail(const char *file, int line, const char *what, uint64_t a, uint64_t b)
{
	if (failure.count++ == 0) {
		failure.file = file;
		failure.line = line;
		failure.what = what;
		failure.a = a;
		failure.b = b;
	}
}

uint32_t bench_failures(void)
{
	return failure.count;
}

void bench_failures_reset(void)
{
	memset(&failure, 0, sizeof failure);
}

void bench_report_failure(const char *key)
{
	flue_board_printf("bench %s: BROKEN: %s:%d: %s (%llu != %llu), %u failed check(s)\n", key,
			  failure.file, failure.line, failure.what,
			  (unsigned long long)failure.a, (unsigned long long)failure.b,
			  (unsigned)failure.count);
	if (bf.ntraps > 0)
		flue_board_printf("bench %s: trap %u: %s\n", key, (unsigned)bf.ntraps,
				  flue_trap_message(bf.trap));
}
