/*
 * What the isolation tests share (tests/isolation/): the memory map of the
 * QEMU machine they run on, the two domains they apply, and a runner hook.
 *
 * Both domains are built by the proved builders (flue_mpu_v7/v8_build_program)
 * for 8 slots, the design size, also on QEMU's 16-slot Cortex-M33.
 */
#ifndef FLUE_ISO_H
#define FLUE_ISO_H

#include <stdint.h>

#include <flue/mpu.h>

#if defined(__ARM_ARCH_8M_MAIN__)
#define ISO_V8 1
#define ISO_FLASH 0x10000000u /* 4 MiB ZBT SSRAM1, Secure alias: code */
#define ISO_RAM 0x38000000u   /* 4 MiB ZBT SSRAM2+3, Secure alias: data */
#else
#define ISO_FLASH 0x00000000u /* 4 MiB ZBT SSRAM1: code */
#define ISO_RAM 0x20000000u   /* 4 MiB ZBT SSRAM2+3: data */
#endif
#define ISO_RAM_SIZE 0x400000u /* both machines: 4 MiB of data memory */
#define ISO_RAM_LOW 0x200000u /* statics and other instances: 2 MiB */
#define ISO_FLASH_SIZE 0x400000u
/* The realistic domain's guest: 64 KiB linear memory and 4 KiB of
 * globals and stack, at fixed addresses above the statics and far below
 * the main stack (which grows down from the top of RAM). */
#define ISO_GUEST_MEM (ISO_RAM + ISO_RAM_LOW)
#define ISO_GUEST_MEM_SIZE 0x10000u
#define ISO_GUEST_STACK (ISO_GUEST_MEM + ISO_GUEST_MEM_SIZE)
#define ISO_GUEST_STACK_SIZE 0x1000u
/* RAM no region of the realistic domain covers (the rest of the guests'
 * area): with PRIVDEFENA off even the runtime may not touch it. */
#define ISO_UNCOVERED (ISO_GUEST_STACK + ISO_GUEST_STACK_SIZE + 0x100u)
/* The main stack's region: the top 1 MiB (the board's RAM is 4 MiB). */
#define ISO_RAM_HIGH (ISO_RAM + 0x300000u)
#define ISO_RAM_HIGH_SIZE 0x100000u
#define ISO_PERIPH 0x40000000u /* 0x4... (an385) and 0x5... Secure (an505) */
#define ISO_PERIPH_SIZE 0x20000000u

/* MAIR0 for the ARMv8-M domains: AttrIndx 0 normal write-back, 1 device. */
#define ISO_MAIR0 0x04FFu

/* The realistic domain, run with the builder's own CTRL (no background
 * map): code RO+X, the runtime's RAM (statics, other instances, its
 * stack) privileged-only, one guest's linear memory and its globals/stack
 * RW XN for everyone, peripherals privileged-only XN. Writes the sequence
 * into seq (FLUE_MPU_SEQ_MAX entries) and returns its length. */
int32_t iso_realistic_domain(struct flue_mpu_write *seq);

/* The trap tests' domain, run with FLUE_PORT_MPU_PRIVDEFENA: the guest
 * code is privileged (the path of guests entered without the gate, with
 * flue_port_guest_enter(); test_gate.c has unprivileged ones), so "inaccessible" must deny
 * privileged access too. runtime (256 B, 256-aligned) no access (ARMv7-M
 * AP=000) / privileged read-only (ARMv8-M has no no-access AP: stores
 * fault); peer (256 B) read-only for everyone; guest (1 KiB) RW XN; code
 * RO+X; peripherals privileged-only. */
int32_t iso_trap_domain(struct flue_mpu_write *seq, const void *runtime,
			const void *peer, const void *guest);

/* A gated guest's domain (run with the background map): code RO+X and
 * its stack RW XN for everyone; nothing else for unprivileged code. The
 * stack must be aligned to its size (a power of two, for ARMv7-M). */
int32_t iso_gate_domain(struct flue_mpu_write *seq, const void *stack, uint32_t size);
/* A guest memory of `size` bytes, all read-write except a read-only window
 * [win_off, win_off + win_size) (a shared ring a reader attached): PMSAv7
 * a region inside another, PMSAv8 the memory split around it. */
int32_t iso_window_domain(struct flue_mpu_write *seq, const void *guest, uint32_t size,
			  uint32_t win_off, uint32_t win_size);

/* The gated suites' domain (tests/gated/, run with the background map):
 * code RO+X and all of RAM (ISO_RAM_SIZE) RW XN for everyone, except
 * [hole, hole + size) (the store: privileged only). PMSAv7: the hole is a
 * later region inside RAM's (hole aligned to its power-of-two size);
 * PMSAv8: RAM split around it (32-byte aligned). */
int32_t iso_hole_domain(struct flue_mpu_write *seq, const void *hole, uint32_t size);

/* The runner calls it after every case, failed or not: MPU off, guest
 * marker off, no handler. */
void iso_after_case(void);

#endif /* FLUE_ISO_H */
