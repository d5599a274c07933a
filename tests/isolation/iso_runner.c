/*
 * The isolation images' runner: tests/support/ftest.h's target side
 * (ft_fail, ft_run_suite) over the MPS2 board's own output, because these
 * images link the board's startup (src/board/mps2/startup.c), whose vector
 * table names MemManage_Handler & co., which the port's fault handlers
 * replace; tests/target/startup.c's table points straight at its reporter
 * and would never reach them. Same report format as tests/target/.
 */
#include <setjmp.h>
#include <stdint.h>

#include <flue/board.h>

#include "ftest.h"
#include "iso.h"

int mpu_apply_suite_run(void);
int guest_trap_suite_run(void);
int gate_suite_run(void);
int budget_suite_run(void);
int lock_suite_run(void);

static jmp_buf ft_env;
static const char *ft_suite;
static const struct ft_case *ft_current;
static unsigned long ft_passed, ft_failed;

_Noreturn void ft_fail(const char *file, int line, const char *expr,
		       uintmax_t a, uintmax_t b)
{
	if (ft_current == NULL) {
		flue_board_printf("FAIL outside a test case\n  %s:%d: %s\n", file, line, expr);
		flue_board_exit(2);
	}
	flue_board_printf("FAIL %s.%s\n  %s:%d: %s\n", ft_suite, ft_current->name,
			  file, line, expr);
	flue_board_printf("  a = 0x%llx (%llu)\n  b = 0x%llx (%llu)\n",
			  (unsigned long long)a, (unsigned long long)a,
			  (unsigned long long)b, (unsigned long long)b);
	longjmp(ft_env, 1);
}

static int ft_run_case(const struct ft_case *c)
{
	ft_current = c;
	if (setjmp(ft_env) != 0)
		return 0;
	c->fn();
	return 1;
}

int ft_run_suite(const char *suite, const struct ft_case *cases, size_t n)
{
	unsigned long passed = 0, failed = 0;
	ft_suite = suite;
	for (size_t i = 0; i < n; i++) {
		int ok = ft_run_case(&cases[i]);
		iso_after_case();
		if (ok)
			passed++;
		else
			failed++;
	}
	ft_current = NULL;
	ft_passed += passed;
	ft_failed += failed;
	flue_board_printf("suite %s: %lu passed, %lu failed\n", suite, passed, failed);
	return failed > 0u ? 1 : 0;
}

int main(void)
{
	flue_board_printf("flue isolation tests: %s\n",
#if defined(ISO_V8)
			  "cortex-m33 on QEMU mps2-an505"
#else
			  "cortex-m3 on QEMU mps2-an385"
#endif
	);
#ifdef ISO_BUDGET_IMAGE
	(void)budget_suite_run(); /* the port owns PendSV in this image */
#else
	(void)mpu_apply_suite_run();
	(void)guest_trap_suite_run();
	(void)gate_suite_run();
	(void)lock_suite_run();
#endif
	flue_board_printf("%lu passed, %lu failed\n", ft_passed, ft_failed);
	return ft_failed == 0u && ft_passed > 0u ? 0 : 1;
}
