/*
 * Shared rings in flue-build (docs/FLUE-BUILD.md, "Shared rings"): the
 * `flue:ring/NAME` imports of the modules in tests/tool/plan (ring_*.wat,
 * built into FLUE_PLAN_FIXTURES) resolved against the compositions'
 * `ring` lines, each rejection with where it points and a key phrase, the
 * refusal of a cross-memory memory.copy, and the glue a ring program gets
 * (init, placement, connection, built-in calls, the host accessor, restart).
 */
#include "ftest.h"
#include "gen.h"
#include "plan.h"
#include "plan_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ring_import_is(const struct fb_module *m, uint32_t i, const char *field,
			   enum fb_import_kind kind, enum fb_builtin b)
{
	FT_TRUE(i < m->wasm.nimports);
	FT_TRUE(strcmp(m->wasm.imports[i].module, "flue:ring/r") == 0);
	FT_TRUE(strcmp(m->wasm.imports[i].field, field) == 0);
	FT_EQ(m->imports[i].kind, kind);
	FT_EQ(m->imports[i].builtin, b);
	FT_EQ(m->imports[i].ring, 0);
}

/* Two instances of one module, writer and reader of ring r: the module's
 * ring imports are classified, and the companions' unit type exists. */
FT_TEST(test_component_to_component)
{
	struct fb_plan p;
	build_ok(&p, "ring_cc", NULL, HOST);
	FT_EQ(p.nmodules, 1);
	const struct fb_module *m = &p.modules[0];
	ring_import_is(m, 0, "claim", FB_IMP_BUILTIN, FB_B_RING_CLAIM);
	ring_import_is(m, 1, "finish", FB_IMP_BUILTIN, FB_B_RING_FINISH);
	ring_import_is(m, 2, "ready", FB_IMP_BUILTIN, FB_B_RING_READY);
	ring_import_is(m, 3, "memory", FB_IMP_RING_MEMORY, FB_B_NONE);
	FT_EQ(m->memory, 0); /* its own memory, not the ring's */
	FT_TRUE(fb_plan_elem_id(&p, NULL) != 0);
	FT_TRUE(strcmp(fb_plan_elem_name(&p, fb_plan_elem_id(&p, NULL)), "unit") == 0);
	fb_plan_free(&p);
	build_ok(&p, "ring_drv", NULL, HOST);
	ring_import_is(&p.modules[0], 0, "attach", FB_IMP_BUILTIN, FB_B_RING_ATTACH);
	FT_TRUE(fb_plan_elem_id(&p, NULL) != 0);
	fb_plan_free(&p);
}

/* --------------------------------------------------------------- errors */

static const struct err_case errors[] = {
	MOD("ring_undeclared", HOST, "ring_guest", "import 'flue:ring/r' 'claim': no ring 'r' is "
	    "declared (add 'ring r <element-bytes> <capacity> <writer> <reader>' to "),
	LOC("ring_notend", 3, 1, "instance 'x' imports 'flue:ring/r' 'claim', but ring 'r' "
	    "(line 4) has the writer 'w' and the reader 'rd'", NULL),
	LOC("ring_attach_cc", 1, 1, "instance 'a' imports 'flue:ring/r' 'attach', but ring 'r' "
	    "(line 3) connects two instances: its storage is the memory both import "
	    "('flue:ring/r' 'memory'), not a window one of them attaches", NULL),
	LOC("ring_memory_drv", 1, 1, "instance 'w' imports 'flue:ring/r' 'memory', but ring 'r' "
	    "(line 2) has a driver end ('host'): its storage is a window the guest attaches "
	    "('flue:ring/r' 'attach'), not a memory", NULL),
	MOD("ring_badsig", HOST, "ring_badsig", "import 'flue:ring/r' 'claim': core type (i32) -> (i32) "
	    "does not match (i32) -> (i64) that ring.claim requires"),
	MOD("ring_unknown", HOST, "ring_unknown", "import 'flue:ring/r' 'peek': unknown ring import "
	    "(flue:ring/NAME has attach, claim, finish, ready and memory)"),
	MOD("ring_kind", HOST, "ring_kind", "import 'flue:ring/r' 'claim' is a memory: ring.claim is a "
	    "function"),
	MOD("ring_smallmem", HOST, "ring_smallmem", "import 'flue:ring/r' 'memory': ring 'r' needs 64 "
	    "bytes; the module's ring memory has at least 0 pages"),
	MOD("ring_data", HOST, "ring_data", "data segment 0 initialises the ring memory ('flue:ring/r' "
	    "'memory')"),
	MOD("ring_export", HOST, "ring_export", "export 'memory' is the ring memory ('flue:ring/r' "
	    "'memory')"),
	MOD("ring_copy", HOST, "ring_copy", "function 1 (export 'pull'): memory.copy between two "
	    "memories is not supported: wasm2c 1.0.32 swaps its source and destination"),
};

FT_TEST(test_errors)
{
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		bad += !plan_error_ok(&errors[i]);
	FT_EQ(bad, 0);
}

/* ----------------------------------------------------------------- glue */

static void glue_for(const char *name, enum fb_target t, bool isolate, char **c, char **h)
{
	char path[256];
	struct fb_plan p;
	struct fb_error err;
	snprintf(path, sizeof path, "plan/%s.flue", name);
	int rc = fb_plan_build(&p, path, FIX, NULL, t, &err);
	if (rc != 0)
		fprintf(stderr, "  %s: %s\n", path, err.msg);
	FT_EQ(rc, 0);
	struct fb_gen_opts o = { 4096, 500, 0, FB_DEFAULT_STACK_BYTES, isolate };
	struct fb_buf cb = { 0 }, hb = { 0 };
	fb_gen_program(&p, &o, &cb, &hb);
	fb_plan_free(&p);
	*c = cb.data;
	*h = hb.data;
}

static bool has(const char *text, const char *what)
{
	bool ok = strstr(text, what) != NULL;
	if (!ok)
		fprintf(stderr, "  the output lacks \"%s\"\n", what);
	return ok;
}

FT_TEST(test_glue_component_to_component)
{
	char *c, *h;
	glue_for("ring_cc", HOST, false, &c, &h);
	FT_TRUE(has(h, "#include <flue/ring.h>"));
	FT_TRUE(has(h, "struct flue_ring *ring_cc_ring_r(void);"));
	FT_TRUE(has(c, "static struct flue_ring ring_r;"));
	FT_TRUE(has(c, "static uint8_t ring_r_storage[64u] __attribute__((aligned(64)));"));
	FT_TRUE(has(c, "flue_ring_init(&ring_r, 4u, 16u)"));
	FT_TRUE(has(c, "flue_ring_place(&ring_r, ring_r_storage)"));
	/* each end connected once it exists, before its `_initialize` */
	FT_TRUE(has(c, "static int rings_connect_w(void)\n{\n\tstruct flue_instance *inst = "
		       "m0_w_insts[0].g.inst;\n"));
	FT_TRUE(has(c, "static int rings_connect_rd(void)\n{\n\tstruct flue_instance *inst = "
		       "m0_w_insts[1].g.inst;\n"));
	FT_TRUE(has(c, "rc = flue_ring_connect(&ring_r, FLUE_RING_WRITER, inst, RING_CC_ELEM_UNIT, "
		       "&end);"));
	FT_TRUE(has(c, "rc = flue_ring_connect(&ring_r, FLUE_RING_READER, inst, RING_CC_ELEM_UNIT, "
		       "&end);"));
	FT_TRUE(has(c, "\tif ((rc = instantiate_rd()) != 0)\n\t\treturn rc;\n"
		       "\tif ((rc = rings_connect_w()) != 0)\n\t\treturn rc;\n"
		       "\tif ((rc = rings_connect_rd()) != 0)\n\t\treturn rc;\n"));
	FT_TRUE(has(c, "r = flue_abi_ring_claim(inst, &ring_r, p0);"));
	FT_TRUE(has(c, "flue_abi_ring_finish(inst, &ring_r, p0);"));
	FT_TRUE(has(c, "r = flue_abi_ring_ready(inst, &ring_r);"));
	/* the ring memory: the storage, at the ring's size; on the host 0
	 * pages (wabt's runtime would reallocate it on a grow by 0) */
	FT_TRUE(has(c, "wasm_rt_memory_t *Z_m0_w_importsZ_i3_memory(struct "
		       "Z_m0_w_imports_instance_t *env)"));
	FT_TRUE(has(c, "\tm->data = ring_r_storage;\n\tm->size = 64u;\n\tm->pages = 0u;\n"
		       "\tm->max_pages = 0u;\n"));
	/* a restarted end takes its roles afresh before its `_initialize` */
	FT_TRUE(has(c, "\t\tif ((rc = instantiate_rd()) != 0)\n\t\t\treturn rc;\n"
		       "\t\tif ((rc = rings_connect_rd()) != 0)\n\t\t\treturn rc;\n"
		       "\t\treturn wire_rd();\n"));
	free(c);
	free(h);
	/* on a board: pages as declared */
	glue_for("ring_cc", FB_TARGET_CORTEX_M3, false, &c, &h);
	FT_TRUE(has(c, "\tm->data = ring_r_storage;\n\tm->size = 64u;\n\tm->pages = 1u;\n"
		       "\tm->max_pages = 1u;\n"));
	free(c);
	free(h);
}

FT_TEST(test_glue_driver)
{
	char *c, *h;
	glue_for("ring_drv", HOST, false, &c, &h);
	FT_TRUE(has(h, "struct flue_ring *ring_drv_ring_r(void);"));
	FT_TRUE(has(c, "flue_abi_ring_attach(inst, &ring_r, p0, p1);"));
	FT_TRUE(has(c, "flue_ring_init(&ring_r, 4u, 16u)"));
	FT_TRUE(strstr(c, "flue_ring_place") == NULL); /* the guest attaches a window */
	FT_TRUE(strstr(c, "FLUE_RING_WRITER") == NULL); /* the writer is the driver */
	FT_TRUE(has(c, "rc = flue_ring_connect(&ring_r, FLUE_RING_READER, inst, RING_DRV_ELEM_UNIT, "
		       "&end);"));
	free(c);
	free(h);
}

/* --isolate: the ring memory is one more region of each end's domain,
 * read-write for the writer, read-only for the reader; the memory import
 * is no gate service; its wasm_rt_memory_t is in the guest block. */
FT_TEST(test_glue_isolated)
{
	char *c, *h;
	glue_for("ring_cc", FB_TARGET_CORTEX_M3, true, &c, &h);
	const char *w = strstr(c, "static int instantiate_w(void)");
	const char *rd = strstr(c, "static int instantiate_rd(void)");
	FT_TRUE(w != NULL && rd != NULL && w < rd);
	FT_TRUE(has(w, "\t\t\t.rings[0] = { (uintptr_t)ring_r_storage, 64u, false },\n"
		       "\t\t\t.nrings = 1u,\n"));
	FT_TRUE(has(rd, "\t\t\t.rings[0] = { (uintptr_t)ring_r_storage, 64u, true },\n"
		       "\t\t\t.nrings = 1u,\n"));
	FT_TRUE(has(c, "\t{ 0, 0u }, /* not a function: the gate refuses it */\n"));
	FT_TRUE(has(c, "\twasm_rt_memory_t *m = &self->gd->rmem3;\n"));
	const char *guest = strstr(c, "struct m0_w_guest {");
	FT_TRUE(guest != NULL && has(guest, "\twasm_rt_memory_t rmem3; /* import 'flue:ring/r' "
					 "'memory' */\n"));
	free(c);
	free(h);
}

/* What --isolate cannot do with rings, on the composition line. */
FT_TEST(test_isolate_refusals)
{
	struct fb_plan p;
	struct fb_error err;
	build_ok(&p, "ring_drv", NULL, FB_TARGET_CORTEX_M3); /* one window it reads: fine */
	FT_EQ(fb_plan_ring_isolate_check(&p, false, &err), 0);
	fb_plan_free(&p);
	build_ok(&p, "ring_drv2", NULL, FB_TARGET_CORTEX_M3);
	FT_EQ(fb_plan_ring_isolate_check(&p, false, &err), -1);
	FT_TRUE(has(err.msg, "plan/ring_drv2.flue:1:1: --isolate: instance 'a' reads 2 rings "
			     "written by drivers; an isolated instance may read one"));
	fb_plan_free(&p);
	build_ok(&p, "ring_cc", NULL, FB_TARGET_CORTEX_M3);
	FT_EQ(fb_plan_ring_isolate_check(&p, false, &err), 0);
	fb_plan_free(&p);
	build_ok(&p, "ring_many", NULL, FB_TARGET_CORTEX_M3);
	FT_EQ(fb_plan_ring_isolate_check(&p, false, &err), -1);
	FT_TRUE(has(err.msg, "plan/ring_many.flue:1:1: --isolate: instance 'w' shares 4 ring "
			     "memories; its MPU domain has room for 3"));
	fb_plan_free(&p);
	/* Three fit; with a stack guard per domain (PMSAv7, fiber stacks) two. */
	build_ok(&p, "ring_three", NULL, FB_TARGET_CORTEX_M3);
	FT_EQ(fb_plan_ring_isolate_check(&p, false, &err), 0);
	FT_EQ(fb_plan_ring_isolate_check(&p, true, &err), -1);
	FT_TRUE(has(err.msg, "plan/ring_three.flue:1:1: --isolate: instance 'w' shares 3 ring "
			     "memories; its MPU domain has room for 2 (6 of its 8 regions are "
			     "its own: a stack guard with fiber stacks)"));
	fb_plan_free(&p);
}

FT_SUITE(ring,
	 FT_CASE(test_component_to_component),
	 FT_CASE(test_errors),
	 FT_CASE(test_glue_component_to_component),
	 FT_CASE(test_glue_driver),
	 FT_CASE(test_glue_isolated),
	 FT_CASE(test_isolate_refusals))
