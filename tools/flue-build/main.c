/*
 * flue-build: P3 core modules + WIT + a composition → a program (host or
 * Cortex-M on QEMU's MPS2 boards) or a library, through wasm2c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "util.h"

static const char usage[] =
	"usage: flue-build [options] <composition>\n"
	"\n"
	"Builds the component instances a composition file names (core .wasm\n"
	"modules and the WIT worlds they were built from) into a program or a\n"
	"library that runs them under flue.\n"
	"\n"
	"  -o, --out DIR          output folder (default: flue-out)\n"
	"  -n, --name NAME        program name, a C identifier (default: the\n"
	"                         composition's file name)\n"
	"  -t, --target T         host | cortex-m3 | cortex-m33 (default: host)\n"
	"      --lib              a static library + header + linker-script fragment\n"
	"                         instead of a program\n"
	"  -s, --source FILE      a C source of the program (repeatable); it includes\n"
	"                         <NAME>.h, the generated host interface\n"
	"  -I DIR                 include folder for the program's sources\n"
	"      --modules DIR      resolve module paths against DIR (default: the\n"
	"                         composition's folder)\n"
	"      --cflags \"...\"     extra flags for every compile (and the link)\n"
	"      --ldflags \"...\"    extra flags for the link\n"
	"      --cc CC            C compiler (default: cc; arm-none-eabi-gcc for Cortex-M)\n"
	"      --wasm2c PATH      wasm2c (default: wasm2c)\n"
	"      --wasm-rt DIR      folder of wabt's wasm-rt.h (default: /usr/src/wasm2c)\n"
	"      --sdk DIR          flue installation (default: $FLUE_SDK, else the prefix\n"
	"                         flue-build is installed in)\n"
	"      --call-depth N     wasm call-depth limit per guest entry (default: 500;\n"
	"                         64 on Cortex-M)\n"
	"      --host-arena N     bytes of the host instance's arena (default: 4096)\n"
	"      --stacks N         Cortex-M: fiber stacks, 1..32 (default: 8 if an export\n"
	"                         is lifted stackful, else none: host functions then\n"
	"                         run on their caller's stack)\n"
	"      --stack-bytes N    Cortex-M: bytes of each fiber stack (default: 8192)\n"
	"      --isolate          Cortex-M: every instance in an MPU domain of its own,\n"
	"                         its code unprivileged behind the privilege gate\n"
	"                         (docs/MPU.md); modules built without bounds checks\n"
	"      --generate-only    write the generated C (gen/) and stop\n"
	"  -q, --quiet            no size report (unless a budget is exceeded)\n"
	"  -h, --help             this text\n";

static char *default_sdk(void)
{
	const char *env = getenv("FLUE_SDK");
	if (env != NULL && env[0] != '\0')
		return fb_strdup(env);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1u);
	if (n <= 0)
		return fb_strdup("/usr/local");
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) { /* <prefix>/bin/flue-build -> <prefix> */
		char *slash = strrchr(exe, '/');
		if (slash == NULL || slash == exe)
			return fb_strdup("/");
		*slash = '\0';
	}
	return fb_strdup(exe);
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v == 0 || v > 0xFFFFFFFFul)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "flue-build: %s '%s' (see --help)\n", what, arg);
	return 2;
}

/* One option at argv[*i]: 0 handled, 1 not an option, 2 error. */
static int option(struct fb_build_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	bool takes = true;
#define IS(s) (strcmp(a, (s)) == 0)
	if (IS("--lib")) { o->lib = true; takes = false; }
	else if (IS("--isolate")) { o->isolate = true; takes = false; }
	else if (IS("--generate-only")) { o->generate_only = true; takes = false; }
	else if (IS("-q") || IS("--quiet")) { o->quiet = true; takes = false; }
	else if (a[0] != '-') return 1;
	else if (v == NULL) return bad("missing value after", a);
	else if (IS("-o") || IS("--out")) o->out_dir = v;
	else if (IS("-n") || IS("--name")) o->name = v;
	else if (IS("-s") || IS("--source")) fb_strs_add(&o->sources, v);
	else if (IS("-I")) fb_strs_add(&o->includes, v);
	else if (IS("--modules")) o->module_dir = v;
	else if (IS("--cflags")) fb_strs_add_words(&o->cflags, v);
	else if (IS("--ldflags")) fb_strs_add_words(&o->ldflags, v);
	else if (IS("--cc")) o->cc = v;
	else if (IS("--wasm2c")) o->wasm2c = v;
	else if (IS("--wasm-rt")) o->wasm_rt_dir = v;
	else if (IS("--sdk")) o->sdk = v;
	else if (IS("--call-depth")) { if (parse_u32(v, &o->call_depth)) return bad("bad number", v); }
	else if (IS("--host-arena")) { if (parse_u32(v, &o->host_arena)) return bad("bad number", v); }
	else if (IS("--stacks")) {
		if (parse_u32(v, &o->stacks) || o->stacks > 32u)
			return bad("--stacks needs 1..32", v);
	} else if (IS("--stack-bytes")) {
		if (parse_u32(v, &o->stack_bytes) || o->stack_bytes < 512u || o->stack_bytes % 32u != 0u)
			return bad("--stack-bytes needs a multiple of 32, at least 512", v);
	}
	else if (IS("-t") || IS("--target")) {
		if (strcmp(v, "host") == 0) o->target = FB_TARGET_HOST;
		else if (strcmp(v, "cortex-m3") == 0) o->target = FB_TARGET_CORTEX_M3;
		else if (strcmp(v, "cortex-m33") == 0) o->target = FB_TARGET_CORTEX_M33;
		else return bad("unknown target", v);
	} else return bad("unknown option", a);
#undef IS
	if (takes)
		(*i)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct fb_build_opts o;
	memset(&o, 0, sizeof o);
	o.out_dir = "flue-out";
	o.host_arena = 4096;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		int r = option(&o, argc, argv, &i);
		if (r == 2)
			return 2;
		if (r == 1) {
			if (o.composition != NULL)
				return bad("more than one composition:", argv[i]);
			o.composition = argv[i];
		}
	}
	if (o.composition == NULL) {
		fputs(usage, stderr);
		return 2;
	}
	char *sdk = o.sdk == NULL ? default_sdk() : NULL;
	if (sdk != NULL)
		o.sdk = sdk;
	struct fb_error err;
	int rc = fb_build(&o, &err);
	if (rc != 0)
		fprintf(stderr, "flue-build: %s\n", err.msg);
	fb_strs_free(&o.sources);
	fb_strs_free(&o.includes);
	fb_strs_free(&o.cflags);
	fb_strs_free(&o.ldflags);
	free(sdk);
	return rc != 0 ? 1 : 0;
}
