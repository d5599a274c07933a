/* The executor suites on the Cortex-M port: the port gets its fiber stacks
 * before main() runs any suite (a constructor), so stackful lifts, host
 * functions on fibers and the stack-per-task mode run here as on POSIX.
 * Sixteen stacks: one per task id (FLUE_CONFIG_MAX_TASKS), since a suite
 * may have every task of a store on a fiber at once. */
#include <stdint.h>

#include <flue/config.h>
#include <flue/port_cortexm.h>

#define EXEC_STACK_BYTES 4096u

static uint64_t exec_stacks[FLUE_CONFIG_MAX_TASKS][EXEC_STACK_BYTES / 8u]
	__attribute__((aligned(FLUE_PORT_CORTEXM_STACK_ALIGN)));

int exec_give_default_stacks(void);
int exec_give_default_stacks(void)
{
	return flue_port_cortexm_give_stacks(exec_stacks, FLUE_CONFIG_MAX_TASKS, EXEC_STACK_BYTES);
}

__attribute__((constructor)) static void exec_give_stacks(void)
{
	if (exec_give_default_stacks() != 0)
		__builtin_trap(); /* a test image that cannot run its suites */
}
