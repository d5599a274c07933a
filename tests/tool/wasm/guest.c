/*
 * A small C guest for tests/tool/test_wasm.c, built with
 * clang --target=wasm32 -nostdlib -O2 -Wl,--no-entry -Wl,--export-dynamic:
 * two host imports, exported functions, initialised data in linear memory
 * and a mutable global (the stack pointer), as clang/wasm-ld lay them out.
 */
#define IMPORT(mod, name) __attribute__((import_module(mod), import_name(name)))
#define EXPORT(name) __attribute__((export_name(name)))

IMPORT("host", "log") void host_log(const char *p, int n);
IMPORT("host", "add64") long long host_add64(long long a, long long b);

static const char greeting[] = "hello from the guest";
int counter = 5;
int numbers[16] = { 1, 2, 3, 4 };

EXPORT("greet") int greet(int n)
{
	char buf[32];
	for (int i = 0; i < n && i < 32; i++)
		buf[i] = greeting[i % (int)(sizeof greeting - 1)];
	host_log(buf, n);
	return counter += n;
}

EXPORT("sum64") long long sum64(long long a, long long b)
{
	return host_add64(a, b) + numbers[a & 15];
}

EXPORT("ratio") double ratio(float x, double y)
{
	return (double)x / y;
}
