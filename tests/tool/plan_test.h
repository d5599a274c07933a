/*
 * Shared by the planner's suites (test_plan.c, test_ring.c): building a
 * composition of tests/tool/plan that must succeed, and the table form of
 * one that must fail (where the message points and a key phrase).
 */
#ifndef FLUE_TEST_PLAN_TEST_H
#define FLUE_TEST_PLAN_TEST_H

#include "ftest.h"
#include "plan.h"

#include <stdio.h>
#include <string.h>

#ifndef FLUE_PLAN_FIXTURES
#error "FLUE_PLAN_FIXTURES (the built tests/tool/plan modules) must be defined"
#endif

#define FIX FLUE_PLAN_FIXTURES
#define HOST FB_TARGET_HOST
#define M3 FB_TARGET_CORTEX_M3

/* fb_plan_build() on plan/<name>.flue that must succeed. */
static inline void build_ok(struct fb_plan *p, const char *name, const char *prog,
			    enum fb_target t)
{
	char path[256];
	struct fb_error err;
	snprintf(path, sizeof path, "plan/%s.flue", name);
	int rc = fb_plan_build(p, path, FIX, prog, t, &err);
	if (rc != 0)
		fprintf(stderr, "  %s: %s\n", path, err.msg);
	FT_EQ(rc, 0);
}

enum where { AT_FILE, AT_LOC, AT_MODULE };

struct err_case {
	const char *file;       /* plan/<file>.flue */
	enum fb_target target;
	enum where where;
	uint32_t line, col;     /* AT_LOC */
	const char *module;     /* AT_MODULE: the .wasm */
	const char *phrase, *phrase2;
};

#define MOD(f, t, wasm, ph) { f, t, AT_MODULE, 0, 0, wasm, ph, NULL }
#define LOC(f, l, c, ph, ph2) { f, HOST, AT_LOC, l, c, NULL, ph, ph2 }

/* fb_plan_build() of e->file fails where e says, with its phrases. */
static inline bool plan_error_ok(const struct err_case *e)
{
	char path[128], prefix[512];
	snprintf(path, sizeof path, "plan/%s.flue", e->file);
	if (e->where == AT_FILE)
		snprintf(prefix, sizeof prefix, "%s: ", path);
	else if (e->where == AT_LOC)
		snprintf(prefix, sizeof prefix, "%s:%u:%u: ", path, (unsigned)e->line,
			 (unsigned)e->col);
	else
		snprintf(prefix, sizeof prefix, "%s/%s.wasm: ", FIX, e->module);
	struct fb_plan p;
	struct fb_error err;
	memset(&err, 0, sizeof err);
	int rc = fb_plan_build(&p, path, FIX, NULL, e->target, &err);
	fb_plan_free(&p);
	bool ok = rc == -1 && strncmp(err.msg, prefix, strlen(prefix)) == 0 &&
		  strstr(err.msg, e->phrase) != NULL &&
		  (e->phrase2 == NULL || strstr(err.msg, e->phrase2) != NULL);
	if (!ok)
		fprintf(stderr, "  %s (target %d): rc %d \"%s\"\n  wanted \"%s...%s\"\n", path,
			(int)e->target, rc, err.msg, prefix, e->phrase);
	return ok;
}

#endif /* FLUE_TEST_PLAN_TEST_H */
