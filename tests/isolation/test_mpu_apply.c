/*
 * flue_port_mpu_apply() and flue_port_mpu_read() on the real (emulated)
 * MPU: what the proved builders computed is what the registers hold, the
 * program keeps running under a domain applied exactly as built (no
 * background map), and a rejected sequence writes nothing.
 */
#include <stdint.h>

#include <flue/board.h>
#include <flue/errno.h>
#include <flue/mpu.h>
#include <flue/port_mpu.h>

#include "ftest.h"
#include "iso.h"

#define MPU_MAIR0_REG (*(volatile uint32_t *)0xE000EDC0u)

/* The slots of seq (a builder's sequence of n entries) against the
 * hardware; every slot past the sequence's must read disabled. */
static void expect_registers(const struct flue_mpu_write *seq, uint32_t n)
{
	uint32_t hw = flue_port_mpu_slots();
	for (uint32_t s = 0; s < hw; s++) {
		uint32_t rbar = 0xDEADBEEFu, rasr = 0xDEADBEEFu;
		FT_EQ(flue_port_mpu_read(s, &rbar, &rasr), FLUE_OK);
		uint32_t want_rbar = 0u, want_rasr = 0u;
		if (s + 2u < n) {
			want_rbar = seq[1u + s].rbar;
			want_rasr = seq[1u + s].rasr_or_rlar;
		}
#if !defined(ISO_V8)
		/* RBAR reads VALID as 0 and REGION as the selected slot. */
		want_rbar = (want_rbar & ~FLUE_MPU_V7_RBAR_VALID & ~0xFu) | s;
#endif
		FT_EQ(rbar, want_rbar);
		FT_EQ(rasr, want_rasr);
	}
}

static void apply_realistic(struct flue_mpu_write *seq, uint32_t *n)
{
	int32_t len = iso_realistic_domain(seq);
	FT_EQ(len, FLUE_MPU_V7_SEQ_LEN); /* 8 slots + 2 on both cores */
	*n = (uint32_t)len;
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), FLUE_OK);
#endif
	FT_EQ(flue_port_mpu_apply(seq, *n, 0u), FLUE_OK);
}

FT_TEST(slot_count)
{
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_slots(), 16u); /* QEMU's M33; flue designs for 8 */
#else
	FT_EQ(flue_port_mpu_slots(), 8u);
#endif
}

FT_TEST(realistic_domain_reads_back)
{
	struct flue_mpu_write seq[FLUE_MPU_SEQ_MAX];
	uint32_t n;
	apply_realistic(seq, &n);
	/* Exactly the builder's CTRL: ENABLE, no background map. */
	FT_EQ(flue_port_mpu_ctrl(), FLUE_MPU_CTRL_ENABLE);
	expect_registers(seq, n);
	/* Still running under it: code, statics, stack, the board's timer
	 * (peripherals) and output all lie in the domain's regions. */
	uint64_t t0 = flue_board_time_ns();
	flue_board_printf("mpu: running under the realistic domain\n");
	FT_TRUE(flue_board_time_ns() > t0);
	/* The guest's memory is RW for everyone, privileged code included. */
	volatile uint32_t *guest = (volatile uint32_t *)ISO_GUEST_MEM;
	guest[1] = 0x600DF00Du;
	FT_EQ(guest[1], 0x600DF00Du);
	flue_port_mpu_disable();
	FT_EQ(flue_port_mpu_ctrl(), 0u);
}

FT_TEST(privdefena_is_the_flag_only)
{
	static uint8_t area[3][1024] __attribute__((aligned(1024)));
	struct flue_mpu_write seq[FLUE_MPU_SEQ_MAX];
	int32_t n = iso_trap_domain(seq, area[0], area[1], area[2]);
	FT_EQ(n, FLUE_MPU_V7_SEQ_LEN);
	FT_EQ(flue_port_mpu_apply(seq, (uint32_t)n, FLUE_PORT_MPU_PRIVDEFENA), FLUE_OK);
	FT_EQ(flue_port_mpu_ctrl(), FLUE_MPU_CTRL_ENABLE | FLUE_PORT_MPU_CTRL_PRIVDEFENA);
	expect_registers(seq, (uint32_t)n);
	/* The default map for privileged code: the stack, in no region, works. */
	volatile uint32_t on_stack = 7u;
	on_stack += 1u;
	FT_EQ(on_stack, 8u);
}

/* Every rejected sequence leaves the MPU exactly as the last apply left it. */
static void expect_rejected(const struct flue_mpu_write *bad, uint32_t n, uint32_t flags,
			    int want, const struct flue_mpu_write *good, uint32_t good_n)
{
	FT_EQ(flue_port_mpu_apply(bad, n, flags), want);
	FT_EQ(flue_port_mpu_ctrl(), FLUE_MPU_CTRL_ENABLE);
	expect_registers(good, good_n);
}

FT_TEST(bad_sequences_write_nothing)
{
	struct flue_mpu_write good[FLUE_MPU_SEQ_MAX], bad[FLUE_MPU_SEQ_MAX + 2u];
	uint32_t n;
	apply_realistic(good, &n);
	FT_EQ(flue_port_mpu_apply(NULL, n, 0u), FLUE_EINVAL);
	expect_rejected(good, 2u, 0u, FLUE_EINVAL, good, n);
	expect_rejected(good, n, 2u, FLUE_EINVAL, good, n);

	struct flue_mpu_write *b = bad;
	for (uint32_t i = 0; i < n; i++)
		b[i] = good[i];
	b[0].rasr_or_rlar = FLUE_MPU_CTRL_ENABLE; /* not "disable first" */
	expect_rejected(b, n, 0u, FLUE_EINVAL, good, n);
	b[0] = good[0];
	b[n - 1u].rasr_or_rlar = FLUE_MPU_CTRL_ENABLE | FLUE_PORT_MPU_CTRL_PRIVDEFENA;
	expect_rejected(b, n, 0u, FLUE_EINVAL, good, n); /* only through the flag */
	b[n - 1u] = good[n - 1u];
	b[1] = good[2]; /* slots out of order */
	b[2] = good[1];
	expect_rejected(b, n, 0u, FLUE_EINVAL, good, n);
#if !defined(ISO_V8)
	b[1] = good[1];
	b[2] = good[2];
	b[3].rbar = (b[3].rbar & ~0xFu) | 5u; /* RBAR.REGION names another slot */
	expect_rejected(b, n, 0u, FLUE_EINVAL, good, n);
#endif

	/* One slot more than the hardware has, in the builders' shape. */
	uint32_t hw = flue_port_mpu_slots();
	b[0] = good[0];
	for (uint32_t s = 0; s <= hw; s++)
		b[1u + s] = (struct flue_mpu_write){s, FLUE_MPU_V7_RBAR_VALID | s, 0u};
#if defined(ISO_V8)
	for (uint32_t s = 0; s <= hw; s++)
		b[1u + s].rbar = 0u;
#endif
	b[hw + 2u] = good[n - 1u];
	expect_rejected(b, hw + 3u, 0u, FLUE_ENOSPC, good, n);
	/* The same shape with the hardware's own count is accepted (every
	 * slot disabled: only the background map keeps this code running). */
	b[hw + 1u] = good[n - 1u];
	FT_EQ(flue_port_mpu_apply(b, hw + 2u, FLUE_PORT_MPU_PRIVDEFENA), FLUE_OK);
	flue_port_mpu_disable();
	FT_EQ(flue_port_mpu_ctrl(), 0u);
}

FT_TEST(read_checks_its_arguments)
{
	uint32_t rbar = 1u, rasr = 2u;
	FT_EQ(flue_port_mpu_read(flue_port_mpu_slots(), &rbar, &rasr), FLUE_EINVAL);
	FT_EQ(flue_port_mpu_read(0u, NULL, &rasr), FLUE_EINVAL);
	FT_EQ(flue_port_mpu_read(0u, &rbar, NULL), FLUE_EINVAL);
	FT_EQ(rbar, 1u);
	FT_EQ(rasr, 2u);
}

FT_TEST(mair)
{
#if defined(ISO_V8)
	FT_EQ(flue_port_mpu_set_mair(0x44FFu, 0u), FLUE_OK);
	FT_EQ(MPU_MAIR0_REG, 0x44FFu);
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), FLUE_OK);
	FT_EQ(MPU_MAIR0_REG, ISO_MAIR0);
#else
	FT_EQ(flue_port_mpu_set_mair(ISO_MAIR0, 0u), FLUE_ENOTSUP);
#endif
}

/* What one apply costs, under -icount shift=0 (one instruction per ns). */
FT_TEST(apply_cost)
{
	struct flue_mpu_write seq[FLUE_MPU_SEQ_MAX];
	uint32_t n;
	apply_realistic(seq, &n);
	enum { ROUNDS = 200 };
	uint64_t t0 = flue_board_instructions();
	for (uint32_t i = 0; i < ROUNDS; i++)
		(void)flue_port_mpu_apply(seq, n, 0u);
	uint64_t per = (flue_board_instructions() - t0) / ROUNDS;
	flue_port_mpu_disable();
	flue_board_printf("mpu: apply of an 8-slot program (%u hardware slots): %u instructions\n",
			  (unsigned)flue_port_mpu_slots(), (unsigned)per);
	FT_TRUE(per > 20u);
	FT_TRUE(per < 400u);
}

FT_SUITE(mpu_apply,
	 FT_CASE(slot_count),
	 FT_CASE(realistic_domain_reads_back),
	 FT_CASE(privdefena_is_the_flag_only),
	 FT_CASE(bad_sequences_write_nothing),
	 FT_CASE(read_checks_its_arguments),
	 FT_CASE(mair),
	 FT_CASE(apply_cost))
