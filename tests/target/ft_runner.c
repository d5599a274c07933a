/*
 * Minimal test runner for the emulated Cortex-M images.
 *
 * ft_run_suite() runs each case under setjmp(); a failing assertion calls
 * ft_fail(), which prints the failure and longjmp()s back, so the remaining
 * cases still run. Output goes through newlib's stdio to semihosting.
 * A failure in unprivileged code (the gated images) stops the image.
 */
#include "ftest.h"
#include "ft_target.h"


#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf ft_env;
bool ft_stop_on_failure;
static const char *ft_suite;              /* suite being run */
static const struct ft_case *ft_current;  /* case being run, NULL outside */
static unsigned long ft_passed, ft_failed; /* totals over all suites */

/* Own formatting of uintmax_t: does not depend on how newlib's printf was
 * configured (%ju / long long support). */
static const char *ft_hex(uintmax_t v, char buf[2 + 16 + 1])
{
	char *p = buf + 2 + 16;
	*p = '\0';
	do {
		*--p = "0123456789abcdef"[v & 0xfu];
		v >>= 4;
	} while (v != 0u);
	*--p = 'x';
	*--p = '0';
	return p;
}

static const char *ft_dec(uintmax_t v, char buf[20 + 1])
{
	char *p = buf + 20;
	*p = '\0';
	do {
		*--p = (char)('0' + (int)(v % 10u));
		v /= 10u;
	} while (v != 0u);
	return p;
}

static void ft_print_value(const char *label, uintmax_t v)
{
	char hex[2 + 16 + 1], dec[20 + 1], neg[20 + 1];
	printf("  %s = %s (%s", label, ft_hex(v, hex), ft_dec(v, dec));
	if ((intmax_t)v < 0) /* a negative value cast up, e.g. an error code */
		printf(", signed -%s", ft_dec(0u - v, neg));
	printf(")\n");
}

/* CONTROL.nPRIV: unprivileged thread mode (read here rather than through
 * the port, so that images without the gate do not link it). */
static bool ft_unprivileged(void)
{
	uint32_t control;
	__asm__ volatile("mrs %0, control" : "=r"(control));
	return (control & 1u) != 0u;
}

_Noreturn void ft_fail(const char *file, int line, const char *expr,
		       uintmax_t a, uintmax_t b)
{
	if (ft_current == NULL) {
		printf("FAIL outside a test case\n  %s:%d: %s\n", file, line, expr);
		exit(2);
	}
	printf("FAIL %s.%s\n  %s:%d: %s\n", ft_suite, ft_current->name, file,
	       line, expr);
	ft_print_value("a", a);
	ft_print_value("b", b);
	if (ft_unprivileged() || ft_stop_on_failure) {
		/* Guest code of a gated image (tests/gated/) on its own stack,
		 * unprivileged, or a service it called: a longjmp to the runner
		 * would stay there or leave the gate's entry half done. Stop
		 * (semihosting is open to unprivileged code in those images). */
		printf("  (in gated guest code or a service it called: the image stops here)\n");
		exit(EXIT_FAILURE);
	}
	longjmp(ft_env, 1);
}

__attribute__((weak)) void ft_enter_case(void (*fn)(void))
{
	fn();
}

/* One case; false if it failed. No local is modified after setjmp(). */
static bool ft_run_case(const struct ft_case *c)
{
	ft_current = c;
	if (setjmp(ft_env) != 0)
		return false;
	ft_enter_case(c->fn);
	return true;
}

int ft_run_suite(const char *suite, const struct ft_case *cases, size_t n)
{
	unsigned long passed = 0, failed = 0;

	ft_suite = suite;
	for (size_t i = 0; i < n; i++) {
		if (ft_run_case(&cases[i]))
			passed++;
		else
			failed++;
	}
	ft_current = NULL;
	ft_passed += passed;
	ft_failed += failed;
	printf("suite %s: %lu passed, %lu failed\n", suite, passed, failed);
	return failed > 0u ? 1 : 0;
}

void ft_begin(const char *image)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("flue target tests: %s\n", image);
}

int ft_end(void)
{
	if (ft_passed + ft_failed == 0u)
		printf("no test case ran\n");
	printf("%lu passed, %lu failed\n", ft_passed, ft_failed);
	return ft_failed == 0u && ft_passed > 0u ? EXIT_SUCCESS : EXIT_FAILURE;
}
