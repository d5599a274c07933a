/*
 * Faults that must stay fatal even with the port's handlers linked, one
 * per ISO_FATAL_MODE (tests/isolation/isolation.cmake checks the board's
 * report and exit status 132 = 128 + MemManage):
 *   1  a store into denied memory with the guest marker off (runtime code)
 *   2  the same with the marker on but no handler registered
 *   3  the same from an interrupt handler (PendSV) while the marker is on
 */
#include <stdint.h>

#include <flue/board.h>
#include <flue/mpu.h>
#include <flue/port.h>
#include <flue/port_mpu.h>

#include "iso.h"

static uint8_t runtime_area[256] __attribute__((aligned(256)));
static uint8_t peer_area[256] __attribute__((aligned(256)));
static uint8_t guest_area[1024] __attribute__((aligned(1024)));

__attribute__((unused)) static void on_fault(const struct flue_port_fault *f)
{
	flue_board_printf("iso fatal: trapped (kind %u), which it must not\n", (unsigned)f->kind);
	flue_board_exit(1);
}

void PendSV_Handler(void);
void PendSV_Handler(void)
{
	runtime_area[1] = 1u;
}

int main(void)
{
	struct flue_mpu_write seq[FLUE_MPU_SEQ_MAX];
	struct flue_port_guest_mark mark;
	int32_t n = iso_trap_domain(seq, runtime_area, peer_area, guest_area);
#if defined(ISO_V8)
	(void)flue_port_mpu_set_mair(ISO_MAIR0, 0u);
#endif
	if (n < 0 || flue_port_mpu_apply(seq, (uint32_t)n, FLUE_PORT_MPU_PRIVDEFENA) != 0)
		return 2;
	flue_board_printf("iso fatal mode %d\n", ISO_FATAL_MODE);
#if ISO_FATAL_MODE == 1
	flue_port_fault_set_handler(on_fault);
	runtime_area[0] = 1u;
#elif ISO_FATAL_MODE == 2
	flue_port_guest_enter(&mark);
	runtime_area[0] = 1u;
#elif ISO_FATAL_MODE == 3
	flue_port_fault_set_handler(on_fault);
	flue_port_guest_enter(&mark);
	*(volatile uint32_t *)0xE000ED04u = 1u << 28; /* ICSR.PENDSVSET */
	__asm volatile("dsb\n\tisb" ::: "memory");
#else
#error "ISO_FATAL_MODE must be 1, 2 or 3"
#endif
	flue_board_printf("iso fatal: still running, which it must not\n");
	(void)mark;
	return 0;
}
