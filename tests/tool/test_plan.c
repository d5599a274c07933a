/*
 * The program model (tools/flue-build/plan.h) on the compositions of
 * tests/tool/plan, whose modules are the .wat files there built into
 * FLUE_PLAN_FIXTURES: a valid two-module program checked field by field
 * (modules, classified imports and exports, lifts, wires, host functions,
 * bindings, element types in registration order), and one case per error
 * the resolver reports, each with where it points (file, file:line:col,
 * or module) and a key phrase. Expected values come from the fixtures'
 * sources (pipe.wit, the .wat files) and the canonical ABI.
 */
#include "ftest.h"
#include "gen.h"
#include "plan.h"
#include "plan_test.h"
#include "tgraph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <flue/config.h>


#define SRC "test:plan/source@1.0.0"
#define LOG "test:plan/log@1.0.0"

static bool streq(const char *a, const char *b)
{
	bool eq = (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
	if (!eq)
		fprintf(stderr, "  strings differ: \"%s\" vs \"%s\"\n", a != NULL ? a : "(null)",
			b != NULL ? b : "(null)");
	return eq;
}

#define STR(a, b) FT_TRUE(streq((a), (b)))

/* ----------------------------------------------------------- valid plan */

static void import_is(const struct fb_module *m, uint32_t i, const char *module,
		      const char *field, enum fb_import_kind kind, enum fb_builtin b, bool async,
		      const char *key)
{
	FT_TRUE(i < m->wasm.nimports);
	STR(m->wasm.imports[i].module, module);
	STR(m->wasm.imports[i].field, field);
	FT_EQ(m->imports[i].kind, kind);
	FT_EQ(m->imports[i].builtin, b);
	FT_EQ(m->imports[i].async, async);
	STR(m->imports[i].key, key);
}

static void lift_is(const struct fb_lift *l, const char *key, const char *func, uint8_t kind,
		    int core, int callback, int post_return)
{
	STR(l->key, key);
	STR(l->func->name, func);
	FT_EQ(l->kind, kind);
	FT_EQ(l->core, core);
	FT_EQ(l->callback, callback);
	FT_EQ(l->post_return, post_return);
}

static void wire_is(const struct fb_wire *w, enum fb_wire_kind kind, uint32_t a, uint32_t b)
{
	FT_EQ(w->kind, kind);
	if (kind == FB_WIRE_LIFT) {
		FT_EQ(w->inst, a);
		FT_EQ(w->lift, b);
	} else if (kind == FB_WIRE_HOST) {
		FT_EQ(w->hostfn, a);
	}
}

static void check_producer(const struct fb_plan *p)
{
	const struct fb_module *m = &p->modules[0];
	STR(m->id, "prod");
	STR(m->wasm_path, FIX "/producer.wasm");
	STR(m->wit_path, "plan/pipe.wit");
	STR(m->world_name, "producer");
	STR(m->world->name, "producer");
	FT_EQ(m->ninstances, 1);
	FT_EQ(m->memory, 0);
	FT_EQ(m->realloc, 1);
	FT_EQ(m->initialize, -1);

	FT_EQ(m->wasm.nimports, 7);
	import_is(m, 0, LOG, "note", FB_IMP_FUNC, FB_B_NONE, false, LOG "#note");
	import_is(m, 1, "[export]" SRC, "[task-return]open", FB_IMP_BUILTIN, FB_B_TASK_RETURN,
		  false, SRC "#open");
	import_is(m, 2, "[export]" SRC, "[stream-new-0]open", FB_IMP_BUILTIN, FB_B_STREAM_NEW, false,
		  SRC "#open");
	import_is(m, 3, "[export]" SRC, "[async-lower][stream-write-0]open", FB_IMP_BUILTIN,
		  FB_B_STREAM_WRITE, true, SRC "#open");
	import_is(m, 4, "$root", "[waitable-set-new]", FB_IMP_BUILTIN, FB_B_WAITABLE_SET_NEW, false,
		  NULL);
	import_is(m, 5, "$root", "[waitable-set-wait]", FB_IMP_BUILTIN, FB_B_WAITABLE_SET_WAIT, false,
		  NULL);
	import_is(m, 6, "$root", "[context-get-0]", FB_IMP_BUILTIN, FB_B_CONTEXT_GET, false, NULL);
	FT_EQ(m->imports[6].slot, 0);
	static const uint32_t elem[] = { 0, 0, 1, 1, 0, 0, 0 };
	for (uint32_t i = 0; i < 7; i++)
		FT_EQ(m->import_elem[i], elem[i]);

	FT_EQ(m->wasm.nexports, 6);
	static const enum fb_export_kind ek[] = { FB_EXP_MEMORY, FB_EXP_REALLOC, FB_EXP_LIFT_SYNC,
						   FB_EXP_LIFT_ASYNC, FB_EXP_CALLBACK, FB_EXP_IGNORED };
	for (uint32_t i = 0; i < 6; i++)
		FT_EQ(m->exports[i].kind, ek[i]);

	FT_EQ(m->nlifts, 2); /* in the order their first export appears */
	lift_is(&m->lifts[0], SRC "#count", "count", FLUE_LIFT_SYNC, 2, -1, -1);
	lift_is(&m->lifts[1], SRC "#open", "open", FLUE_LIFT_CALLBACK, 3, 4, -1);
}

static void check_consumer(const struct fb_plan *p)
{
	const struct fb_module *m = &p->modules[1];
	STR(m->id, "cons");
	STR(m->wasm_path, FIX "/consumer.wasm");
	STR(m->world_name, "consumer");
	FT_EQ(m->memory, 0);
	FT_EQ(m->realloc, 1);
	FT_EQ(m->initialize, 6);

	FT_EQ(m->wasm.nimports, 8);
	import_is(m, 0, SRC, "[async-lower]open", FB_IMP_FUNC, FB_B_NONE, true, SRC "#open");
	FT_TRUE(m->imports[0].sig.retptr);
	import_is(m, 1, SRC, "count", FB_IMP_FUNC, FB_B_NONE, false, SRC "#count");
	import_is(m, 2, SRC, "[async-lower][stream-read-0]open", FB_IMP_BUILTIN, FB_B_STREAM_READ,
		  true, SRC "#open");
	import_is(m, 3, SRC, "[stream-drop-readable-0]open", FB_IMP_BUILTIN,
		  FB_B_STREAM_DROP_READABLE, false, SRC "#open");
	import_is(m, 4, LOG, "note", FB_IMP_FUNC, FB_B_NONE, false, LOG "#note");
	import_is(m, 5, "[export]$root", "[task-return]run", FB_IMP_BUILTIN, FB_B_TASK_RETURN, false,
		  "run");
	import_is(m, 6, "[export]$root", "[async-lower][future-read-0]run", FB_IMP_BUILTIN,
		  FB_B_FUTURE_READ, true, "run");
	FT_TRUE(m->imports[6].stream != NULL && m->imports[6].stream->elem == NULL);
	import_is(m, 7, "[export]$root", "[stream-drop-readable-1]run", FB_IMP_BUILTIN,
		  FB_B_STREAM_DROP_READABLE, false, "run");
	static const uint32_t elem[] = { 0, 0, 1, 1, 0, 0, 2, 3 };
	for (uint32_t i = 0; i < 8; i++)
		FT_EQ(m->import_elem[i], elem[i]);

	FT_EQ(m->wasm.nexports, 7);
	static const enum fb_export_kind ek[] = { FB_EXP_MEMORY, FB_EXP_REALLOC, FB_EXP_LIFT_ASYNC,
						   FB_EXP_CALLBACK, FB_EXP_POST_RETURN,
						   FB_EXP_LIFT_SYNC, FB_EXP_INITIALIZE };
	for (uint32_t i = 0; i < 7; i++)
		FT_EQ(m->exports[i].kind, ek[i]);

	FT_EQ(m->nlifts, 2); /* peek is first seen through its post-return */
	lift_is(&m->lifts[0], "run", "run", FLUE_LIFT_CALLBACK, 2, 3, -1);
	lift_is(&m->lifts[1], "peek", "peek", FLUE_LIFT_SYNC, 5, -1, 4);
}

static void check_wiring(const struct fb_plan *p)
{
	FT_EQ(p->ninsts, 2);
	const struct fb_inst *prod = &p->insts[0], *cons = &p->insts[1];
	STR(prod->name, "prod");
	FT_TRUE(prod->decl == &p->comp.instances[0] && prod->mod == &p->modules[0]);
	FT_EQ(prod->memory_pages, 2);          /* `memory prod 2`, no maximum */
	wire_is(&prod->wires[0], FB_WIRE_HOST, 0, 0);
	for (uint32_t i = 1; i < 7; i++)
		wire_is(&prod->wires[i], FB_WIRE_NONE, 0, 0);

	STR(cons->name, "cons");
	FT_TRUE(cons->decl == &p->comp.instances[1] && cons->mod == &p->modules[1]);
	FT_EQ(cons->memory_pages, 4);          /* `memory cons 8`, but the maximum is 4 */
	FT_EQ(cons->decl->budget_ram, 100000);
	wire_is(&cons->wires[0], FB_WIRE_LIFT, 0, 1); /* source#open -> prod's lift 1 */
	wire_is(&cons->wires[1], FB_WIRE_LIFT, 0, 0); /* source#count -> prod's lift 0 */
	wire_is(&cons->wires[4], FB_WIRE_HOST, 1, 0);
	for (uint32_t i = 2; i < 8; i++)
		if (i != 4)
			wire_is(&cons->wires[i], FB_WIRE_NONE, 0, 0);

	FT_EQ(p->nhostfns, 2);
	STR(p->hostfns[0].c_name, "valid_log_note"); /* <program>_<interface>_<function> */
	STR(p->hostfns[0].key, LOG "#note");
	STR(p->hostfns[0].func->name, "note");
	STR(p->hostfns[1].c_name, "cons_note");
	STR(p->hostfns[1].key, LOG "#note");

	FT_EQ(p->nbindings, 2);
	STR(p->bindings[0].c_name, "valid_cons_run"); /* <program>_<instance>_<function> */
	FT_EQ(p->bindings[0].inst, 1);
	FT_EQ(p->bindings[0].lift, 0);
	STR(p->bindings[1].c_name, "peek_now");
	FT_EQ(p->bindings[1].inst, 1);
	FT_EQ(p->bindings[1].lift, 1);
}

/* sample (record of u32, f32) from prod's [task-return]open; then, from
 * cons's [task-return]run, run's params in order: `future` (unit) and
 * stream<u8>. */
static void check_elems(const struct fb_plan *p)
{
	FT_EQ(p->nelems, 3);
	const struct fb_elem *e = p->elems;
	FT_EQ(e[0].desc.kind, FLUE_TYPE_RECORD);
	FT_EQ(e[0].desc.nfields, 2);
	FT_EQ(e[0].desc.fields[0], FLUE_NUM_U32);
	FT_EQ(e[0].desc.fields[1], FLUE_NUM_F32);
	STR(e[0].c_name, "sample");
	STR(e[0].wit->name, "sample");
	FT_EQ(e[1].desc.kind, FLUE_TYPE_UNIT);
	STR(e[1].c_name, "unit");
	FT_TRUE(e[1].wit == NULL);
	FT_EQ(e[2].desc.kind, FLUE_TYPE_NUMBER);
	FT_EQ(e[2].desc.num, FLUE_NUM_U8);
	STR(e[2].c_name, "u8");
	FT_EQ(e[2].wit->kind, WIT_T_U8);

	FT_EQ(fb_plan_elem_id(p, NULL), 2);
	FT_EQ(fb_plan_elem_id(p, e[2].wit), 3);
	FT_EQ(fb_plan_elem_id(p, p->modules[0].imports[2].stream->elem), 1);
	STR(fb_plan_elem_name(p, 1), "sample");
	STR(fb_plan_elem_name(p, 3), "u8");
	STR(fb_plan_elem_name(p, 0), "unknown");
	STR(fb_plan_elem_name(p, 4), "unknown");
}

FT_TEST(test_valid)
{
	struct fb_plan p;
	build_ok(&p, "valid", NULL, FB_TARGET_HOST);
	STR(p.name, "valid"); /* from the file name */
	FT_EQ(p.target, FB_TARGET_HOST);
	FT_EQ(p.comp.ninstances, 2);
	FT_EQ(p.nmodules, 2);
	check_producer(&p);
	check_consumer(&p);
	check_wiring(&p);
	check_elems(&p);
	fb_plan_free(&p);
	FT_TRUE(p.modules == NULL && p.nmodules == 0);
}

/* One default-named host function serves both instances' log#note. */
FT_TEST(test_shared_host_function)
{
	struct fb_plan p;
	build_ok(&p, "shared", "prog", FB_TARGET_CORTEX_M3);
	STR(p.name, "prog");
	FT_EQ(p.nhostfns, 1);
	STR(p.hostfns[0].c_name, "prog_log_note");
	wire_is(&p.insts[0].wires[0], FB_WIRE_HOST, 0, 0);
	wire_is(&p.insts[1].wires[4], FB_WIRE_HOST, 0, 0);
	FT_EQ(p.nbindings, 0);
	FT_EQ(p.insts[0].memory_pages, 1); /* the module's initial pages */
	FT_EQ(p.insts[1].memory_pages, 1);
	fb_plan_free(&p);
}

/* Graph-typed values cross the host edge (flue/hval.h): a string, a list,
 * nested records and 33 params (through memory) served by the host, a
 * nested record exported to it; each takes the graph form. */
FT_TEST(test_graph_host_edge)
{
	static const char *const hosted[] = { "types_im_string", "types_im_list",
					      "types_im_nested", "types_im_wide" };
	struct fb_plan p;
	for (size_t i = 0; i < sizeof hosted / sizeof hosted[0]; i++) {
		build_ok(&p, hosted[i], "prog", HOST);
		FT_EQ(p.nhostfns, 1);
		FT_TRUE(fb_func_is_graph(p.hostfns[0].func));
		wire_is(&p.insts[0].wires[0], FB_WIRE_HOST, 0, 0);
		fb_plan_free(&p);
	}
	build_ok(&p, "types_ex_nested", "prog", FB_TARGET_CORTEX_M33);
	FT_EQ(p.nbindings, 1);
	FT_TRUE(fb_func_is_graph(p.insts[0].mod->lifts[p.bindings[0].lift].func));
	fb_plan_free(&p);
}

/* What only the host target allows, and what needs no memory at all.
 * Stackful lifts plan on every target (Cortex-M has fibers). */
FT_TEST(test_target_and_storage)
{
	struct fb_plan p;
	const enum fb_target all[] = { FB_TARGET_HOST, FB_TARGET_CORTEX_M3, FB_TARGET_CORTEX_M33 };
	for (uint32_t i = 0; i < 3u; i++) {
		build_ok(&p, "stackful", NULL, all[i]);
		FT_EQ(p.modules[0].nlifts, 1);
		lift_is(&p.modules[0].lifts[0], "run", "run", FLUE_LIFT_STACKFUL, 1, -1, -1);
		fb_plan_free(&p);
	}
	build_ok(&p, "tables", NULL, FB_TARGET_HOST);
	fb_plan_free(&p);
	build_ok(&p, "pages_default", NULL, FB_TARGET_HOST);
	FT_EQ(p.insts[0].memory_pages, 2);
	fb_plan_free(&p);
	build_ok(&p, "bare", NULL, FB_TARGET_CORTEX_M3);
	FT_EQ(p.modules[0].memory, -1);
	FT_EQ(p.insts[0].memory_pages, 0);
	fb_plan_free(&p);
}

/* --------------------------------------------------------------- errors */

static const struct err_case errors[] = {
	{ "cname_collision", HOST, AT_FILE, 0, 0, NULL,
	  "the generated C function 'peek_now' would be defined twice", NULL },
	{ "unserved", HOST, AT_FILE, 0, 0, NULL,
	  "instance 'cons' imports '" SRC "#count' (core import '" SRC "' 'count'), and nothing "
	  "serves it",
	  "add 'connect cons." SRC "#count <instance>.<export>' or 'host cons." SRC "#count'" },
	LOC("noexport", 6, 43, "instance 'prod' exports no function '" SRC "#nope'",
	    "(its module '" FIX "/producer.wasm' lifts '" SRC "#count', '" SRC "#open')"),
	LOC("mismatch", 6, 1, "'cons." SRC "#count' (0 params, result u32) and 'prod." SRC
	    "#open' (async, 1 params, result stream<sample>) have different function types", NULL),
	LOC("hostmismatch", 5, 1, "'cons." SRC "#count' (0 params, result u32) and host function "
	    "'shared' (2 params) have different function types", NULL),
	LOC("notimported_host", 7, 6, "instance 'cons' (module '" FIX "/consumer.wasm') does not "
	    "import a function '" SRC "#nothing'", NULL),
	LOC("notimported_connect", 7, 9, "instance 'prod' (module '" FIX "/producer.wasm') does not "
	    "import a function '" SRC "#count'", NULL),
	LOC("notimported_intrinsic", 7, 6, "does not import a function 'run'", NULL),
	LOC("notlifted", 8, 8, "instance 'prod' exports no function '" LOG "#note' (its module '"
	    FIX "/producer.wasm' lifts '" SRC "#count', '" SRC "#open')", NULL),
	LOC("notlifted_bare", 2, 8, "instance 'a' exports no function 'run' (its module '" FIX
	    "/bare.wasm' lifts (none))", NULL),
	LOC("pages", 3, 10, "instance 'a': memory of 1 pages is less than the module's initial 2 "
	    "pages", NULL),
	MOD("nomemory", HOST, "nomem", "the module exports no 'memory', which its imports and "
	    "exports need"),
	MOD("nocallback", HOST, "nocallback",
	    "'[async-lift]run' has no '[callback][async-lift]run'"),
	MOD("callbackonly", HOST, "callbackonly",
	    "'[callback][async-lift]run' exports only a callback for 'run', not the function"),
	MOD("callbacksync", HOST, "callbacksync",
	    "'[callback][async-lift]run' is a callback of 'run', which is not lifted as "
	    "'[async-lift]run'"),
	MOD("postasync", HOST, "postasync",
	    "'cabi_post_run': post-return is only allowed for synchronously lifted exports"),
	MOD("twolifts", HOST, "twolifts", "exports 'run' and '[async-lift]run' both lift 'run'"),
	MOD("norealloc", HOST, "norealloc", "export 'wide' takes its parameters through memory "
	    "and needs 'cabi_realloc', which the module does not export"),
	MOD("memimport", HOST, "memimport", "import 'env' 'memory' is a memory: flue-build needs "
	    "modules that define and export their memory"),
	MOD("twomem", HOST, "twomem", "the module defines 2 memories; flue-build supports one"),
	MOD("mem64", HOST, "mem64", "64-bit or shared memories are not supported"),
	MOD("tables", M3, "tables", "on Cortex-M flue-build supports one table, of funcref"),
	MOD("badimport", HOST, "badimport", "import '$root' '[thread-index]': cooperative threads"),
	MOD("cancellable", HOST, "cancellable", "import '$root' '[cancellable][waitable-set-wait]': "
	    "the `cancellable` immediate was removed"),
#if !FLUE_CONFIG_FORWARD
	MOD("forward", HOST, "forward", "import '[export]$root' '[stream-forward-1]run': "
	    "stream.forward is a gated built-in"),
#endif
	MOD("badexport", HOST, "badexport", "export 'cabi_realloc': core type (i32, i32, i32) -> "
	    "(i32) does not match (i32, i32, i32, i32) -> (i32)"),
	/* strings, lists and nested records need cabi_realloc where they land
	 * (ends inside them cross the host edge now: test_hostres.c) */
	MOD("types_ex_string", HOST, "t_ex_string", "export 'greet' takes strings or lists, which "
	    "are stored into its memory with 'cabi_realloc', which the module does not export"),
	MOD("types_ex_list", HOST, "t_ex_list", "export 'sum' takes strings or lists"),
	MOD("types_im_name", HOST, "t_im_name", "import '$root' 'name' returns strings or lists, "
	    "which are stored into the module's memory with 'cabi_realloc', which the module does "
	    "not export"),
	/* a borrow in a stream/future element nowhere (host ends of graph
	 * elements cross now: test_hostelems.c) */
	MOD("types_stream_borrow", HOST, "t_stream_borrow", "import '$root' '[stream-new-0]lends': "
	    "'stream<borrow<thing>>' (plan/types.wit:39:25): its element type 'borrow<thing>' is a "
	    "handle: the component model does not allow borrowed handles in stream/future "
	    "elements"),
#if FLUE_CONFIG_FORWARD
	MOD("elems_forward", HOST, "e_forward", "import '[export]test:elems/sink@1.0.0' "
	    "'[stream-forward-0]consume': 'stream<string>' (plan/elems.wit:9:30): stream.forward "
	    "of graph-typed elements is not supported by the flue library yet"),
#else
	MOD("elems_forward", HOST, "e_forward", "import '[export]test:elems/sink@1.0.0' "
	    "'[stream-forward-0]consume': stream.forward is a gated built-in"),
#endif
	MOD("elems_norealloc", HOST, "e_norealloc", "import '[export]test:elems/sink@1.0.0' "
	    "'[async-lower][stream-read-0]consume' reads elements holding strings or lists, which "
	    "are stored into the module's memory with 'cabi_realloc', which the module does not "
	    "export"),
};

FT_TEST(test_errors)
{
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		bad += !plan_error_ok(&errors[i]);
	FT_EQ(bad, 0);
}

/* Inputs that cannot be read: the message names the file once. */
FT_TEST(test_unreadable_inputs)
{
	struct fb_plan p;
	struct fb_error err;
	FT_EQ(fb_plan_build(&p, "plan/missing_module.flue", FIX, NULL, HOST, &err), -1);
	fb_plan_free(&p);
	STR(err.msg, FIX "/missing.wasm: No such file or directory");
	FT_EQ(fb_plan_build(&p, "plan/missing_wit.flue", FIX, NULL, HOST, &err), -1);
	fb_plan_free(&p);
	FT_TRUE(strncmp(err.msg, "plan/nope.wit", 13) == 0);
	FT_EQ(fb_plan_build(&p, "plan/missing_world.flue", FIX, NULL, HOST, &err), -1);
	fb_plan_free(&p);
	FT_TRUE(strncmp(err.msg, "plan/pipe.wit: world `nope` not found", 37) == 0);
	FT_EQ(fb_plan_build(&p, "plan/ambiguous_world.flue", FIX, NULL, HOST, &err), -1);
	fb_plan_free(&p);
	FT_TRUE(strncmp(err.msg, "plan/pipe.wit: ", 15) == 0 && strstr(err.msg, "worlds") != NULL);
	FT_EQ(fb_plan_build(&p, "plan/nope.flue", FIX, NULL, HOST, &err), -1);
	fb_plan_free(&p);
	FT_TRUE(strncmp(err.msg, "plan/nope.flue: cannot read", 27) == 0);
}

FT_TEST(test_program_name)
{
	struct fb_plan p;
	struct fb_error err;
	FT_EQ(fb_plan_build(&p, "plan/valid.flue", FIX, "my-prog", HOST, &err), -1);
	fb_plan_free(&p);
	STR(err.msg, "program name 'my-prog' is not a C identifier");
}

/* A composition of `n` instances of one module (written into the fixture
 * folder; WIT path absolute). */
static void write_instances(const char *path, uint32_t n)
{
	char cwd[512];
	FT_TRUE(getcwd(cwd, sizeof cwd) != NULL);
	FILE *f = fopen(path, "w");
	FT_TRUE(f != NULL);
	for (uint32_t i = 0; i < n; i++)
		fprintf(f, "instance i%u bare.wasm %s/plan/pipe.wit world bare\n", (unsigned)i, cwd);
	fclose(f);
}

FT_TEST(test_instance_limit)
{
	/* per configuration: tool.plan and tool.plan_forward may run at once */
	const char *path = FLUE_CONFIG_FORWARD ? FIX "/instances_fwd.flue" : FIX "/instances.flue";
	struct fb_plan p;
	struct fb_error err;
	/* the host takes one instance slot */
	write_instances(path, FLUE_CONFIG_MAX_INSTANCES - 1u);
	int rc = fb_plan_build(&p, path, NULL, "limit", HOST, &err);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
	FT_EQ(p.nmodules, 1); /* one module, shared */
	FT_EQ(p.modules[0].ninstances, FLUE_CONFIG_MAX_INSTANCES - 1u);
	FT_EQ(p.ninsts, FLUE_CONFIG_MAX_INSTANCES - 1u);
	FT_TRUE(p.insts[FLUE_CONFIG_MAX_INSTANCES - 2u].mod == &p.modules[0]);
	fb_plan_free(&p);

	write_instances(path, FLUE_CONFIG_MAX_INSTANCES);
	FT_EQ(fb_plan_build(&p, path, NULL, "limit", HOST, &err), -1);
	fb_plan_free(&p);
	char want[256];
	snprintf(want, sizeof want, "%s: %u instances and the host need %u instance slots; the flue "
		 "library was built with FLUE_CONFIG_MAX_INSTANCES=%u", path,
		 (unsigned)FLUE_CONFIG_MAX_INSTANCES, (unsigned)FLUE_CONFIG_MAX_INSTANCES + 1u,
		 (unsigned)FLUE_CONFIG_MAX_INSTANCES);
	STR(err.msg, want);
	remove(path);
}

/* ------------------------------------------------------- generated calls */

/* The glue generated for plan/<name>.flue for `target`, with `stacks`
 * fiber stacks asked for (0: flue-build's default). */
static char *glue_for(const char *name, enum fb_target target, uint32_t stacks)
{
	char path[256];
	struct fb_plan p;
	struct fb_error err;
	snprintf(path, sizeof path, "plan/%s.flue", name);
	int rc = fb_plan_build(&p, path, FIX, NULL, target, &err);
	if (rc != 0)
		fprintf(stderr, "  %s: %s\n", path, err.msg);
	FT_EQ(rc, 0);
	struct fb_gen_opts o = { 4096, 500, stacks, FB_DEFAULT_STACK_BYTES, false };
	struct fb_buf c = { 0 }, h = { 0 };
	fb_gen_program(&p, &o, &c, &h);
	fb_buf_free(&h);
	fb_plan_free(&p);
	return c.data;
}

static char *glue_of(const char *name)
{
	return glue_for(name, HOST, 0);
}

static bool has(const char *text, const char *what)
{
	bool ok = strstr(text, what) != NULL;
	if (!ok)
		fprintf(stderr, "  the glue lacks \"%s\"\n", what);
	return ok;
}

/* A stackful lift on Cortex-M: the program gets the default stack pool and
 * gives it to the port before anything is lifted; --stacks sets the count
 * (and gives a pool to a program without stackful lifts: host functions
 * then run on fibers); a program that needs none gets none, so its RAM
 * does not grow. */
FT_TEST(test_glue_fiber_stacks)
{
	char *c = glue_for("stackful", FB_TARGET_CORTEX_M3, 0);
	FT_TRUE(has(c, "static uint64_t fiber_stacks[8u][1024u]"));
	FT_TRUE(has(c, "rc = flue_port_cortexm_give_stacks(fiber_stacks, 8u, 8192u);"));
	FT_TRUE(strstr(c, "give_stacks") < strstr(c, "instantiate_c()"));
	free(c);
	c = glue_for("stackful", FB_TARGET_CORTEX_M33, 3);
	FT_TRUE(has(c, "rc = flue_port_cortexm_give_stacks(fiber_stacks, 3u, 8192u);"));
	free(c);
	c = glue_for("builtins", FB_TARGET_CORTEX_M3, 0);
	FT_TRUE(strstr(c, "fiber_stacks") == NULL);
	free(c);
	c = glue_for("builtins", FB_TARGET_CORTEX_M3, 2);
	FT_TRUE(has(c, "rc = flue_port_cortexm_give_stacks(fiber_stacks, 2u, 8192u);"));
	free(c);
	c = glue_for("stackful", HOST, 4); /* POSIX fibers need no pool */
	FT_TRUE(strstr(c, "fiber_stacks") == NULL);
	free(c);
}

/* wait, poll and thread.yield take no `cancellable` option (#716). */
FT_TEST(test_glue_wait_poll_yield)
{
	char *c = glue_of("builtins");
	FT_TRUE(has(c, "r = flue_canon_waitable_set_wait(inst, p0, p1);"));
	FT_TRUE(has(c, "r = flue_canon_waitable_set_poll(inst, p0, p1);"));
	FT_TRUE(has(c, "r = flue_canon_thread_yield(inst);"));
	FT_TRUE(strstr(c, "CANCELLABLE") == NULL);
	FT_TRUE(strstr(c, "FLUE_CONFIG_FORWARD") == NULL);
	free(c);
}

/* stream.forward with its element type and both handles (gated, #717;
 * refused in test_errors when flue-build is built without it). */
FT_TEST(test_glue_forward)
{
#if FLUE_CONFIG_FORWARD
	char *c = glue_of("forward");
	FT_TRUE(has(c, "/* import '[export]$root' '[stream-forward-1]run': stream.forward */"));
	FT_TRUE(has(c, "\tflue_canon_stream_forward(inst, "));
	/* declared in flue/abi.h only with the gate on */
	FT_TRUE(has(c, "#ifndef FLUE_CONFIG_FORWARD\n#define FLUE_CONFIG_FORWARD 1\n#endif\n"
		       "#include <string.h>\n"));
	const char *call = strstr(c, "flue_canon_stream_forward(inst, ");
	const char *eol = call != NULL ? strchr(call, '\n') : NULL;
	FT_TRUE(eol != NULL && eol - call > 10 && strncmp(eol - 10, ", p0, p1);", 10) == 0);
	free(c);
#endif
}

FT_SUITE(plan,
	 FT_CASE(test_valid),
	 FT_CASE(test_shared_host_function),
	 FT_CASE(test_graph_host_edge),
	 FT_CASE(test_target_and_storage),
	 FT_CASE(test_errors),
	 FT_CASE(test_unreadable_inputs),
	 FT_CASE(test_program_name),
	 FT_CASE(test_instance_limit),
	 FT_CASE(test_glue_fiber_stacks),
	 FT_CASE(test_glue_wait_poll_yield),
	 FT_CASE(test_glue_forward))
