/*
 * The name resolver (tools/flue-build/names.h) as a table: one row per core
 * import or export name form, with the classification it must get, and one
 * row per way a name can be wrong, with a key phrase of the message. The
 * world is tests/tool/names/names.wit; expected values come from
 * wit-component's legacy mangling (crates/wit-component/src/validation.rs,
 * struct Legacy), wit-parser's Resolve::wasm_signature and
 * Function::find_futures_and_streams, and the canonical ABI (worked out in
 * the comments of names.wit), not from what the code prints.
 */
#include "ftest.h"
#include "names.h"
#include "types.h"

#include <flue/config.h>

#include <stdio.h>
#include <string.h>

#define SRC "test:names/src@0.1.0"
#define SINK "test:names/sink@0.1.0"
#define XROOT "[export]$root"
#define XSINK "[export]" SINK
#define XCTL "[export]ctl"

static struct wit_resolve res;
static const struct wit_world *world;

static void load(void)
{
	struct wit_error err;
	if (wit_load(&res, "names/names.wit", &err) != 0) {
		fprintf(stderr, "  %s\n", err.msg);
		FT_FAIL("names/names.wit does not load");
	}
	world = wit_find_world(&res, "all", &err);
	if (world == NULL)
		fprintf(stderr, "  %s\n", err.msg);
	FT_TRUE(world != NULL);
}

/* ------------------------------------------------------- core types */

/* A core function type from a spec: params '>' results, one letter per
 * value: i i32, I i64, f f32, F f64, v v128, r funcref, e externref;
 * "-" is not a function at all (NULL). */
struct fty {
	struct wasm_functype ft;
	uint8_t p[24], r[8];
};

static uint8_t val_of(char c)
{
	switch (c) {
	case 'i': return WASM_I32;
	case 'I': return WASM_I64;
	case 'f': return WASM_F32;
	case 'F': return WASM_F64;
	case 'v': return WASM_V128;
	case 'r': return WASM_FUNCREF;
	default: return WASM_EXTERNREF;
	}
}

static const struct wasm_functype *fty(struct fty *s, const char *spec)
{
	if (strcmp(spec, "-") == 0)
		return NULL;
	memset(s, 0, sizeof *s);
	s->ft.params = s->p;
	s->ft.results = s->r;
	bool results = false;
	for (const char *c = spec; *c != '\0'; c++) {
		if (*c == '>')
			results = true;
		else if (results)
			s->r[s->ft.nresults++] = val_of(*c);
		else
			s->p[s->ft.nparams++] = val_of(*c);
	}
	return &s->ft;
}

static enum wit_core core_of(char c)
{
	return c == 'i' ? WIT_CORE_I32 : c == 'I' ? WIT_CORE_I64 : c == 'f' ? WIT_CORE_F32
								      : WIT_CORE_F64;
}

/* `s` is the core signature `spec` (only i, I, f, F). */
static bool sig_is(const struct wit_core_sig *s, const char *spec)
{
	const char *arrow = strchr(spec, '>');
	uint32_t np = (uint32_t)(arrow - spec), nr = (uint32_t)strlen(arrow + 1);
	if (s->nparams != np || s->nresults != nr)
		return false;
	for (uint32_t i = 0; i < np; i++)
		if (s->params[i] != core_of(spec[i]))
			return false;
	for (uint32_t i = 0; i < nr; i++)
		if (s->results[i] != core_of(arrow[1 + i]))
			return false;
	return true;
}

static bool str_is(const char *got, const char *want)
{
	return (got == NULL && want == NULL) ||
	       (got != NULL && want != NULL && strcmp(got, want) == 0);
}

/* ------------------------------------------------------------ imports */

enum { NONE = -1, UNIT = -2 };
enum { IND = 1, RET = 2 }; /* indirect params, return pointer */

struct imp_row {
	const char *module, *field, *type; /* the import, with its (correct) core type */
	enum fb_import_kind kind;
	enum fb_builtin builtin;
	bool async;
	uint32_t slot;
	const char *key;   /* NULL: none */
	const char *func;  /* name of .func; NULL: none */
	int stream;        /* index into func's stream/future types, or NONE / UNIT */
	const char *text;  /* that stream/future type written as WIT */
	unsigned flags;    /* IND, RET of .sig */
};

#define BI(m, f, t, b) { m, f, t, FB_IMP_BUILTIN, b, false, 0, NULL, NULL, NONE, NULL, 0 }
#define BI_ASYNC(m, f, t, b) \
	{ m, f, t, FB_IMP_BUILTIN, b, true, 0, NULL, NULL, NONE, NULL, 0 }
#define CTX(m, f, t, b, slot) \
	{ m, f, t, FB_IMP_BUILTIN, b, false, slot, NULL, NULL, NONE, NULL, 0 }
#define TASK_RETURN(m, f, t, key, fn, flags) \
	{ m, f, t, FB_IMP_BUILTIN, FB_B_TASK_RETURN, false, 0, key, fn, NONE, NULL, flags }
#define FUNC(m, f, t, async, key, fn, flags) \
	{ m, f, t, FB_IMP_FUNC, FB_B_NONE, async, 0, key, fn, NONE, NULL, flags }
#define PAY(m, f, t, b, async, key, fn, n, text) \
	{ m, f, t, FB_IMP_BUILTIN, b, async, 0, key, fn, n, text, 0 }
#define PAY_UNIT(m, f, t, b, async) \
	{ m, f, t, FB_IMP_BUILTIN, b, async, 0, NULL, NULL, UNIT, NULL, 0 }

/* Stream built-ins on src#mix's index 0 (stream<u32>), future built-ins on
 * ctl#stop's index 0 (future<u32>). */
#define MIX0(f, t, b, async) PAY(SRC, f, t, b, async, SRC "#mix", "mix", 0, "stream<u32>")
#define STOP0(f, t, b, async) PAY(XCTL, f, t, b, async, "ctl#stop", "stop", 0, "future<u32>")

static const struct imp_row imp_rows[] = {
	/* $root built-ins without prefixes */
	BI("$root", "[backpressure-inc]", ">", FB_B_BACKPRESSURE_INC),
	BI("$root", "[backpressure-dec]", ">", FB_B_BACKPRESSURE_DEC),
	BI("$root", "[waitable-set-new]", ">i", FB_B_WAITABLE_SET_NEW),
	BI("$root", "[waitable-set-drop]", "i>", FB_B_WAITABLE_SET_DROP),
	BI("$root", "[waitable-join]", "ii>", FB_B_WAITABLE_JOIN),
	BI("$root", "[subtask-drop]", "i>", FB_B_SUBTASK_DROP),
	BI("$root", "[error-context-drop]", "i>", FB_B_ERROR_CONTEXT_DROP),
	BI("$root", "[error-context-new-utf8]", "ii>i", FB_B_ERROR_CONTEXT_NEW),
	BI("$root", "[error-context-new-utf16]", "ii>i", FB_B_ERROR_CONTEXT_NEW),
	BI("$root", "[error-context-new-latin1+utf16]", "ii>i", FB_B_ERROR_CONTEXT_NEW),
	BI("$root", "[error-context-debug-message-utf8]", "ii>", FB_B_ERROR_CONTEXT_DEBUG_MESSAGE),
	BI("$root", "[error-context-debug-message-utf16]", "ii>", FB_B_ERROR_CONTEXT_DEBUG_MESSAGE),
	BI("$root", "[error-context-debug-message-latin1+utf16]", "ii>",
	   FB_B_ERROR_CONTEXT_DEBUG_MESSAGE),
	/* wait / poll: optional -i32 suffix ([cancellable] forms: imp_errors) */
	BI("$root", "[waitable-set-wait]", "ii>i", FB_B_WAITABLE_SET_WAIT),
	BI("$root", "[waitable-set-wait-i32]", "ii>i", FB_B_WAITABLE_SET_WAIT),
	BI("$root", "[waitable-set-poll]", "ii>i", FB_B_WAITABLE_SET_POLL),
	BI("$root", "[waitable-set-poll-i32]", "ii>i", FB_B_WAITABLE_SET_POLL),
	BI("$root", "[thread-yield]", ">i", FB_B_THREAD_YIELD),
	BI("$root", "[subtask-cancel]", "i>i", FB_B_SUBTASK_CANCEL),
	BI_ASYNC("$root", "[async-lower][subtask-cancel]", "i>i", FB_B_SUBTASK_CANCEL),
	/* context.get / context.set, slots 0 and 1, with and without "i32-" */
	CTX("$root", "[context-get-0]", ">i", FB_B_CONTEXT_GET, 0),
	CTX("$root", "[context-get-1]", ">i", FB_B_CONTEXT_GET, 1),
	CTX("$root", "[context-get-i32-0]", ">i", FB_B_CONTEXT_GET, 0),
	CTX("$root", "[context-get-i32-1]", ">i", FB_B_CONTEXT_GET, 1),
	CTX("$root", "[context-set-0]", "i>", FB_B_CONTEXT_SET, 0),
	CTX("$root", "[context-set-1]", "i>", FB_B_CONTEXT_SET, 1),
	CTX("$root", "[context-set-i32-0]", "i>", FB_B_CONTEXT_SET, 0),
	CTX("$root", "[context-set-i32-1]", "i>", FB_B_CONTEXT_SET, 1),
	/* the stack pointer: context slot 0 */
	CTX("env", "__wasm_get_stack_pointer", ">i", FB_B_CONTEXT_GET, 0),
	CTX("env", "__wasm_set_stack_pointer", "i>", FB_B_CONTEXT_SET, 0),
	/* task.return / task.cancel of exported functions */
	TASK_RETURN(XROOT, "[task-return]run", "i>", "run", "run", 0),
	TASK_RETURN(XSINK, "[task-return]consume", "i>", SINK "#consume", "consume", 0),
	TASK_RETURN(XSINK, "[task-return]total", "I>", SINK "#total", "total", 0),
	TASK_RETURN(XSINK, "[task-return]dump", "i>", SINK "#dump", "dump", IND),
	TASK_RETURN(XCTL, "[task-return]stop", ">", "ctl#stop", "stop", 0),
	BI(XROOT, "[task-cancel]", ">", FB_B_TASK_CANCEL),
	BI(XCTL, "[task-cancel]", ">", FB_B_TASK_CANCEL),
	/* imported functions: world-level under $root, interface functions
	 * under the interface's key; sync and [async-lower] */
	FUNC("$root", "now", ">I", false, "now", "now", 0),
	FUNC("$root", "fetch", "iiiii>i", false, "fetch", "fetch", 0),
	FUNC("$root", "[async-lower]fetch", "ii>i", true, "fetch", "fetch", IND | RET),
	FUNC(SRC, "open", "i>i", false, SRC "#open", "open", 0),
	/* a semver-compatible version names the world's interface (0.1.x) */
	FUNC("test:names/src@0.1.7", "open", "i>i", false, SRC "#open", "open", 0),
	FUNC(SRC, "mix", "ii>i", false, SRC "#mix", "mix", 0),
	FUNC(SRC, "[async-lower]mix", "iii>i", true, SRC "#mix", "mix", RET),
	FUNC(SRC, "pack", "iIfFi>", false, SRC "#pack", "pack", RET),
	FUNC(SRC, "[async-lower]pack", "iIfFi>i", true, SRC "#pack", "pack", RET),
	FUNC(SRC, "signal", "ii>", false, SRC "#signal", "signal", 0),
	FUNC(SRC, "[async-lower]signal", "ii>i", true, SRC "#signal", "signal", 0),
	FUNC("cfg", "get", "i>I", false, "cfg#get", "get", 0),
	/* every stream built-in with an index (src#mix, an imported interface) */
	MIX0("[stream-new-0]mix", ">I", FB_B_STREAM_NEW, false),
	MIX0("[stream-read-0]mix", "iii>i", FB_B_STREAM_READ, false),
	MIX0("[async-lower][stream-read-0]mix", "iii>i", FB_B_STREAM_READ, true),
	MIX0("[stream-write-0]mix", "iii>i", FB_B_STREAM_WRITE, false),
	MIX0("[async-lower][stream-write-0]mix", "iii>i", FB_B_STREAM_WRITE, true),
	MIX0("[stream-cancel-read-0]mix", "i>i", FB_B_STREAM_CANCEL_READ, false),
	MIX0("[async-lower][stream-cancel-read-0]mix", "i>i", FB_B_STREAM_CANCEL_READ, true),
	MIX0("[stream-cancel-write-0]mix", "i>i", FB_B_STREAM_CANCEL_WRITE, false),
	MIX0("[async-lower][stream-cancel-write-0]mix", "i>i", FB_B_STREAM_CANCEL_WRITE, true),
	MIX0("[stream-drop-readable-0]mix", "i>", FB_B_STREAM_DROP_READABLE, false),
	MIX0("[stream-drop-writable-0]mix", "i>", FB_B_STREAM_DROP_WRITABLE, false),
	/* every future built-in with an index (ctl#stop, an exported inline interface) */
	STOP0("[future-new-0]stop", ">I", FB_B_FUTURE_NEW, false),
	STOP0("[future-read-0]stop", "ii>i", FB_B_FUTURE_READ, false),
	STOP0("[async-lower][future-read-0]stop", "ii>i", FB_B_FUTURE_READ, true),
	STOP0("[future-write-0]stop", "ii>i", FB_B_FUTURE_WRITE, false),
	STOP0("[async-lower][future-write-0]stop", "ii>i", FB_B_FUTURE_WRITE, true),
	STOP0("[future-cancel-read-0]stop", "i>i", FB_B_FUTURE_CANCEL_READ, false),
	STOP0("[async-lower][future-cancel-read-0]stop", "i>i", FB_B_FUTURE_CANCEL_READ, true),
	STOP0("[future-cancel-write-0]stop", "i>i", FB_B_FUTURE_CANCEL_WRITE, false),
	STOP0("[async-lower][future-cancel-write-0]stop", "i>i", FB_B_FUTURE_CANCEL_WRITE, true),
	STOP0("[future-drop-readable-0]stop", "i>", FB_B_FUTURE_DROP_READABLE, false),
	STOP0("[future-drop-writable-0]stop", "i>", FB_B_FUTURE_DROP_WRITABLE, false),
	/* every stream built-in in the `unit` form (the function part is ignored) */
	PAY_UNIT("$root", "[stream-new-unit]", ">I", FB_B_STREAM_NEW, false),
	PAY_UNIT("$root", "[stream-read-unit]x", "iii>i", FB_B_STREAM_READ, false),
	PAY_UNIT("$root", "[async-lower][stream-read-unit]x", "iii>i", FB_B_STREAM_READ, true),
	PAY_UNIT("$root", "[stream-write-unit]x", "iii>i", FB_B_STREAM_WRITE, false),
	PAY_UNIT("$root", "[async-lower][stream-write-unit]x", "iii>i", FB_B_STREAM_WRITE, true),
	PAY_UNIT("$root", "[stream-cancel-read-unit]x", "i>i", FB_B_STREAM_CANCEL_READ, false),
	PAY_UNIT("$root", "[async-lower][stream-cancel-read-unit]x", "i>i",
		 FB_B_STREAM_CANCEL_READ, true),
	PAY_UNIT("$root", "[stream-cancel-write-unit]x", "i>i", FB_B_STREAM_CANCEL_WRITE, false),
	PAY_UNIT("$root", "[async-lower][stream-cancel-write-unit]x", "i>i",
		 FB_B_STREAM_CANCEL_WRITE, true),
	PAY_UNIT("$root", "[stream-drop-readable-unit]x", "i>", FB_B_STREAM_DROP_READABLE, false),
	PAY_UNIT("$root", "[stream-drop-writable-unit]x", "i>", FB_B_STREAM_DROP_WRITABLE, false),
	/* every future built-in in the `unit` form */
	PAY_UNIT(XROOT, "[future-new-unit]", ">I", FB_B_FUTURE_NEW, false),
	PAY_UNIT(XROOT, "[future-read-unit]x", "ii>i", FB_B_FUTURE_READ, false),
	PAY_UNIT(XROOT, "[async-lower][future-read-unit]x", "ii>i", FB_B_FUTURE_READ, true),
	PAY_UNIT(XROOT, "[future-write-unit]x", "ii>i", FB_B_FUTURE_WRITE, false),
	PAY_UNIT(XROOT, "[async-lower][future-write-unit]x", "ii>i", FB_B_FUTURE_WRITE, true),
	PAY_UNIT(XROOT, "[future-cancel-read-unit]x", "i>i", FB_B_FUTURE_CANCEL_READ, false),
	PAY_UNIT(XROOT, "[async-lower][future-cancel-read-unit]x", "i>i",
		 FB_B_FUTURE_CANCEL_READ, true),
	PAY_UNIT(XROOT, "[future-cancel-write-unit]x", "i>i", FB_B_FUTURE_CANCEL_WRITE, false),
	PAY_UNIT(XROOT, "[async-lower][future-cancel-write-unit]x", "i>i",
		 FB_B_FUTURE_CANCEL_WRITE, true),
	PAY_UNIT(XROOT, "[future-drop-readable-unit]x", "i>", FB_B_FUTURE_DROP_READABLE, false),
	PAY_UNIT(XROOT, "[future-drop-writable-unit]x", "i>", FB_B_FUTURE_DROP_WRITABLE, false),
	PAY_UNIT(SRC, "[stream-new-unit]mix", ">I", FB_B_STREAM_NEW, false),
	/* resource functions (imported interface) and built-ins */
	FUNC(SRC, "[constructor]file", "ii>i", false, SRC "#[constructor]file", "constructor", 0),
	FUNC(SRC, "[method]file.read", "iii>", false, SRC "#[method]file.read", "read", RET),
	FUNC(SRC, "[static]file.count", ">i", false, SRC "#[static]file.count", "count", 0),
	BI(SRC, "[resource-drop]file", "i>", FB_B_RESOURCE_DROP),
	BI(XSINK, "[resource-new]blob", "i>i", FB_B_RESOURCE_NEW),
	BI(XSINK, "[resource-rep]blob", "i>i", FB_B_RESOURCE_REP),
	BI(XSINK, "[resource-drop]blob", "i>", FB_B_RESOURCE_DROP),
	PAY_UNIT(XSINK, "[future-new-unit]", ">I", FB_B_FUTURE_NEW, false),
	/* indices in every scope: world import ($root), imported interface,
	 * exported world function ([export]$root), exported interface;
	 * nested futures and payload-less streams/futures */
	PAY("$root", "[async-lower][stream-read-0]fetch", "iii>i", FB_B_STREAM_READ, true, "fetch",
	    "fetch", 0, "stream<u8>"),
	PAY("$root", "[stream-drop-readable-0]fetch", "i>", FB_B_STREAM_DROP_READABLE, false,
	    "fetch", "fetch", 0, "stream<u8>"),
	PAY(SRC, "[future-read-1]mix", "ii>i", FB_B_FUTURE_READ, false, SRC "#mix", "mix", 1,
	    "future<u32>"),
	PAY(SRC, "[async-lower][future-read-2]mix", "ii>i", FB_B_FUTURE_READ, true, SRC "#mix",
	    "mix", 2, "future<future<u32>>"),
	PAY(SRC, "[future-new-3]mix", ">I", FB_B_FUTURE_NEW, false, SRC "#mix", "mix", 3,
	    "future<u8>"),
	PAY(SRC, "[future-drop-readable-3]mix", "i>", FB_B_FUTURE_DROP_READABLE, false, SRC "#mix",
	    "mix", 3, "future<u8>"),
	PAY(SRC, "[stream-new-0]open", ">I", FB_B_STREAM_NEW, false, SRC "#open", "open", 0,
	    "stream<u8>"),
	PAY(SRC, "[stream-new-0]signal", ">I", FB_B_STREAM_NEW, false, SRC "#signal", "signal", 0,
	    "stream"),
	PAY(SRC, "[future-drop-readable-1]signal", "i>", FB_B_FUTURE_DROP_READABLE, false,
	    SRC "#signal", "signal", 1, "future"),
	PAY(XROOT, "[async-lower][stream-read-0]run", "iii>i", FB_B_STREAM_READ, true, "run", "run",
	    0, "stream<u8>"),
	PAY(XROOT, "[future-new-1]run", ">I", FB_B_FUTURE_NEW, false, "run", "run", 1, "future"),
	PAY(XROOT, "[async-lower][future-read-1]run", "ii>i", FB_B_FUTURE_READ, true, "run", "run",
	    1, "future"),
	PAY(XSINK, "[async-lower][stream-write-0]consume", "iii>i", FB_B_STREAM_WRITE, true,
	    SINK "#consume", "consume", 0, "stream<sample>"),
	PAY(XSINK, "[stream-drop-writable-0]consume", "i>", FB_B_STREAM_DROP_WRITABLE, false,
	    SINK "#consume", "consume", 0, "stream<sample>"),
	PAY(XCTL, "[future-drop-writable-00]stop", "i>", FB_B_FUTURE_DROP_WRITABLE, false,
	    "ctl#stop", "stop", 0, "future<u32>"),
#if FLUE_CONFIG_FORWARD
	/* stream.forward / future.forward (gated, #717): wit-component's
	 * names (tests/components/async-forward-builtins), every scope and
	 * the unit form; core type (i32, i32) -> () */
	MIX0("[stream-forward-0]mix", "ii>", FB_B_STREAM_FORWARD, false),
	STOP0("[future-forward-0]stop", "ii>", FB_B_FUTURE_FORWARD, false),
	PAY(SRC, "[future-forward-2]mix", "ii>", FB_B_FUTURE_FORWARD, false, SRC "#mix", "mix", 2,
	    "future<future<u32>>"),
	PAY("$root", "[stream-forward-0]fetch", "ii>", FB_B_STREAM_FORWARD, false, "fetch",
	    "fetch", 0, "stream<u8>"),
	PAY(XROOT, "[stream-forward-0]run", "ii>", FB_B_STREAM_FORWARD, false, "run", "run", 0,
	    "stream<u8>"),
	PAY(XSINK, "[stream-forward-0]consume", "ii>", FB_B_STREAM_FORWARD, false,
	    SINK "#consume", "consume", 0, "stream<sample>"),
	PAY_UNIT("$root", "[stream-forward-unit]x", "ii>", FB_B_STREAM_FORWARD, false),
	PAY_UNIT(XROOT, "[future-forward-unit]x", "ii>", FB_B_FUTURE_FORWARD, false),
#endif
};

static const char *name_or(const char *s)
{
	return s != NULL ? s : "(null)";
}

/* Checks one row; prints what differs. */
static bool import_row_ok(const struct imp_row *r)
{
	struct fty t;
	struct fb_import imp;
	char err[512];
	if (fb_classify_import(world, r->module, r->field, fty(&t, r->type), &imp, err,
			       sizeof err) != 0) {
		fprintf(stderr, "  '%s' '%s': %s\n", r->module, r->field, err);
		return false;
	}
	bool ok = imp.kind == r->kind && imp.builtin == r->builtin && imp.async == r->async &&
		  imp.slot == r->slot && str_is(imp.key, r->key) &&
		  str_is(imp.func != NULL ? imp.func->name : NULL, r->func) && sig_is(&imp.sig, r->type) &&
		  imp.sig.indirect_params == ((r->flags & IND) != 0) &&
		  imp.sig.retptr == ((r->flags & RET) != 0);
	if (r->stream == NONE || r->stream == UNIT) {
		ok = ok && imp.stream == NULL;
	} else if (ok) {
		const struct wit_type *types[16];
		uint32_t n = wit_func_streams(imp.func, types, 16);
		struct fb_buf b = { 0 };
		if (imp.stream != NULL)
			fb_type_text(imp.stream, &b);
		ok = (uint32_t)r->stream < n && imp.stream == types[r->stream] &&
		     str_is(b.data, r->text);
		fb_buf_free(&b);
	}
	if (!ok)
		fprintf(stderr, "  '%s' '%s': kind %d builtin %s async %d slot %u "
			"key %s func %s stream %p\n", r->module, r->field, (int)imp.kind,
			fb_builtin_name(imp.builtin), imp.async, (unsigned)imp.slot,
			name_or(imp.key), imp.func != NULL ? imp.func->name : "(null)",
			(const void *)imp.stream);
	fb_import_free(&imp);
	return ok;
}

FT_TEST(test_import_table)
{
	load();
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof imp_rows / sizeof imp_rows[0]; i++)
		bad += !import_row_ok(&imp_rows[i]);
	FT_EQ(bad, 0);
	wit_free(&res);
}

/* Every built-in of the table has its spec name and the right family. */
FT_TEST(test_builtin_names)
{
	FT_TRUE(strcmp(fb_builtin_name(FB_B_STREAM_CANCEL_WRITE), "stream.cancel-write") == 0);
	FT_TRUE(strcmp(fb_builtin_name(FB_B_WAITABLE_JOIN), "waitable.join") == 0);
	FT_TRUE(strcmp(fb_builtin_name(FB_B_FUTURE_DROP_READABLE), "future.drop-readable") == 0);
	FT_TRUE(strcmp(fb_builtin_name(FB_B_COUNT), "(invalid)") == 0);
	for (int b = FB_B_NONE; b < FB_B_COUNT; b++) {
		const char *n = fb_builtin_name((enum fb_builtin)b);
		FT_TRUE(n != NULL);
		FT_EQ(fb_builtin_is_stream((enum fb_builtin)b), strncmp(n, "stream.", 7) == 0);
		FT_EQ(fb_builtin_is_future((enum fb_builtin)b), strncmp(n, "future.", 7) == 0);
	}
}

/* ------------------------------------------------------ import errors */

struct err_row {
	const char *module, *field, *type;
	const char *phrase, *phrase2; /* both must be in the message; phrase2 may be NULL */
};

#define UNKNOWN "unknown import"
#define THREADS "cooperative threads"
#define M64 "memory64"
#define NOT_ASYNC "is not an async func"
#define REMOVED "the `cancellable` immediate was removed"
#define GATED "is a gated built-in"

static const struct err_row imp_errors[] = {
	/* unknown names, in each kind of module */
	{ "$root", "[nope]", ">", UNKNOWN, "'all'" },
	{ "$root", "open", "i>i", UNKNOWN, NULL },          /* an interface's function */
	{ "$root", "[task-cancel]", ">", UNKNOWN, NULL },   /* only under [export] */
	{ "$root", "[task-return]run", "i>", UNKNOWN, NULL },
	{ "$root", "[waitable-set-wait-i16]", "ii>i", UNKNOWN, NULL },
	{ SRC, "nope", ">", UNKNOWN, NULL },
	{ SRC, "now", ">I", UNKNOWN, NULL },               /* a world function */
	{ SRC, "[waitable-set-new]", ">i", UNKNOWN, NULL }, /* only under $root */
	{ SRC, "[task-return]open", "i>", UNKNOWN, NULL },  /* only for exports */
	{ "cfg", "put", ">", UNKNOWN, NULL },
	{ XROOT, "run", "ii>i", UNKNOWN, NULL },            /* the export itself */
	{ XROOT, "[waitable-set-new]", ">i", UNKNOWN, NULL },
	{ XSINK, "consume", "i>i", UNKNOWN, NULL },
	{ XCTL, "[nope]", ">", UNKNOWN, NULL },
	/* unknown interfaces and modules */
	{ "test:names/nope@0.1.0", "f", ">", "the world imports no interface 'test:names/nope@0.1.0'",
	  NULL },
	{ SINK, "consume", "i>i", "the world imports no interface '" SINK "'", NULL },
	{ "test:names/src", "open", "i>i", "the world imports no interface 'test:names/src'", NULL },
	{ "test:names/src@0.2.0", "open", "i>i",
	  "the world imports no interface 'test:names/src@0.2.0'", NULL },
	{ "wasi_snapshot_preview1", "fd_write", "iiii>i", "imports no interface", NULL },
	{ "", "x", ">", "the world imports no interface ''", NULL },
	{ "[export]" SRC, "[task-return]open", "i>", "the world exports no interface '" SRC "'",
	  NULL },
	{ "[export]nope", "[task-cancel]", ">", "the world exports no interface 'nope'", NULL },
	{ "[export]cfg", "[task-cancel]", ">", "the world exports no interface 'cfg'", NULL },
	{ "[export]", "[task-cancel]", ">", "the world exports no interface ''", NULL },
	/* a known name with the wrong core type: one per signature shape, both
	 * types in the message */
	{ "$root", "[backpressure-inc]", "i>", "(i32) -> ()", "() -> ()" },
	{ "$root", "[waitable-set-new]", ">", "core type () -> () does not match () -> (i32)",
	  "waitable-set.new" },
	{ "$root", "[waitable-set-drop]", "i>i", "(i32) -> (i32)", "match (i32) -> ()" },
	{ "$root", "[waitable-join]", "i>", "(i32) -> ()", "(i32, i32) -> ()" },
	{ "$root", "[waitable-set-wait]", "iI>i", "(i32, i64) -> (i32)", "(i32, i32) -> (i32)" },
	{ "$root", "[waitable-set-poll-i32]", "i>i", "(i32) -> (i32)", "(i32, i32) -> (i32)" },
	{ "$root", "[subtask-cancel]", "i>", "(i32) -> ()", "(i32) -> (i32)" },
	{ "$root", "[thread-yield]", ">", "() -> ()", "() -> (i32)" },
	{ "$root", "[error-context-new-utf8]", "ii>", "(i32, i32) -> ()", "(i32, i32) -> (i32)" },
	{ "$root", "[context-get-0]", ">I", "() -> (i64)", "() -> (i32)" },
	{ "$root", "[context-set-1]", "I>", "(i64) -> ()", "(i32) -> ()" },
	{ "env", "__wasm_get_stack_pointer", ">I", "() -> (i64)", "() -> (i32)" },
	{ "env", "__wasm_set_stack_pointer", ">i", "() -> (i32)", "(i32) -> ()" },
	{ SRC, "[stream-new-0]mix", ">i", "() -> (i32)", "() -> (i64)" },
	{ SRC, "[async-lower][stream-read-0]mix", "ii>i", "(i32, i32) -> (i32)",
	  "(i32, i32, i32) -> (i32)" },
	{ XCTL, "[future-write-0]stop", "iii>i", "(i32, i32, i32) -> (i32)", "(i32, i32) -> (i32)" },
	{ "$root", "[stream-cancel-read-unit]x", "i>", "(i32) -> ()", "(i32) -> (i32)" },
	{ XROOT, "[future-drop-readable-unit]x", "i>i", "(i32) -> (i32)", "(i32) -> ()" },
	{ "$root", "now", ">i", "() -> (i32)", "() -> (i64) that the imported function" },
	{ "$root", "[async-lower]fetch", "iiiii>i", "(i32, i32, i32, i32, i32) -> (i32)",
	  "(i32, i32) -> (i32)" },
	{ SRC, "pack", "iIfF>I", "(i32, i64, f32, f64) -> (i64)", "(i32, i64, f32, f64, i32) -> ()" },
	{ "cfg", "get", "i>i", "(i32) -> (i32)", "(i32) -> (i64)" },
	{ XROOT, "[task-return]run", ">", "() -> ()", "(i32) -> () that task.return" },
	{ XSINK, "[task-return]dump", "ii>", "(i32, i32) -> ()", "(i32) -> ()" },
	{ XCTL, "[task-cancel]", "i>", "(i32) -> ()", "() -> () that task.cancel" },
	{ "$root", "[subtask-drop]", "r>e", "(funcref) -> (externref)", "(i32) -> ()" },
	{ "$root", "[backpressure-dec]", "fF>v", "(f32, f64) -> (v128)", "() -> ()" },
	{ "$root", "[waitable-set-new]", "-", "not a function", "() -> (i32)" },
	/* stream/future index out of range, or naming the other kind */
	{ SRC, "[stream-read-4]mix", "iii>i", "type index 4 out of range",
	  "'mix' has 4 stream/future type(s)" },
	{ "$root", "[stream-new-1]fetch", ">I", "type index 1 out of range", "'fetch' has 1" },
	{ "$root", "[stream-new-0]now", ">I", "type index 0 out of range", "'now' has 0" },
	{ SRC, "[stream-read-1]mix", "iii>i", "type index 1 of 'mix' is a future, not a stream",
	  NULL },
	{ SRC, "[future-read-0]mix", "ii>i", "type index 0 of 'mix' is a stream, not a future",
	  NULL },
	{ XSINK, "[future-new-0]consume", ">I", "is a stream, not a future", NULL },
	{ XROOT, "[stream-new-1]run", ">I", "is a future, not a stream", NULL },
	{ "$root", "[stream-new-0]open", ">I", "no imported function 'open'", NULL },
	{ XROOT, "[stream-new-0]now", ">I", "no exported function 'now'", NULL },
	{ XSINK, "[stream-new-0]run", ">I", "no exported function 'run'", NULL },
	{ SRC, "[stream-new-0]consume", ">I", "no imported function 'consume'", NULL },
	/* [async-lower] on a built-in or function that has no async form */
	{ SRC, "[async-lower][stream-new-0]mix", ">I", "stream.new has no [async-lower] form", NULL },
	{ SRC, "[async-lower][stream-drop-readable-0]mix", "i>",
	  "stream.drop-readable has no [async-lower] form", NULL },
	{ "$root", "[async-lower][stream-drop-writable-unit]x", "i>",
	  "stream.drop-writable has no [async-lower] form", NULL },
	{ XCTL, "[async-lower][future-new-0]stop", ">I", "future.new has no [async-lower] form",
	  NULL },
	{ XCTL, "[async-lower][future-drop-readable-0]stop", "i>",
	  "future.drop-readable has no [async-lower] form", NULL },
	{ XROOT, "[async-lower][future-drop-writable-unit]x", "i>",
	  "future.drop-writable has no [async-lower] form", NULL },
	{ "$root", "[async-lower][waitable-set-wait]", "ii>i", UNKNOWN, NULL },
	{ "$root", "[async-lower][waitable-set-new]", ">i", UNKNOWN, NULL },
	{ "$root", "[async-lower][context-get-0]", ">i", UNKNOWN, NULL },
	{ "$root", "[async-lower][thread-yield]", ">i", UNKNOWN, NULL },
	{ "$root", "[async-lower][backpressure-inc]", ">", UNKNOWN, NULL },
	{ XROOT, "[async-lower][task-return]run", "i>", UNKNOWN, NULL },
	{ XROOT, "[async-lower][task-cancel]", ">", UNKNOWN, NULL },
	/* `async` lowering needs an async function type (wasmparser's
	 * check_asyncness: "the `async` canonical option requires an async
	 * function type") */
	{ "$root", "[async-lower]now", "i>i", "'now' " NOT_ASYNC, NULL },
	{ SRC, "[async-lower]open", "ii>i", "'open' " NOT_ASYNC, NULL },
	{ "cfg", "[async-lower]get", "ii>i", "'get' " NOT_ASYNC, NULL },
	/* [cancellable]: removed from the component model (#716) together with
	 * what it meant (a cancellation delivered by wait, poll or
	 * thread.yield): refused, not read as the plain form; on other
	 * built-ins it never existed */
	{ "$root", "[cancellable][waitable-set-wait]", "ii>i", REMOVED, "waitable-set.wait" },
	{ "$root", "[cancellable][waitable-set-wait-i32]", "ii>i", REMOVED, "[waitable-set-wait-i32]" },
	{ "$root", "[cancellable][waitable-set-poll]", "ii>i", REMOVED, "waitable-set.poll" },
	{ "$root", "[cancellable][waitable-set-poll-i32]", "ii>i", REMOVED, "PR #716" },
	{ "$root", "[cancellable][thread-yield]", ">i", REMOVED, "thread.yield" },
	{ "$root", "[cancellable][waitable-set-poll-i64]", "iI>i", REMOVED, NULL },
	{ SINK, "[cancellable][waitable-set-wait]", "ii>i", REMOVED, NULL },
	{ "$root", "[cancellable][subtask-cancel]", "i>i", UNKNOWN, NULL },
	{ "$root", "[cancellable][waitable-set-new]", ">i", UNKNOWN, NULL },
	{ "$root", "[async-lower][cancellable][waitable-set-wait]", "ii>i", UNKNOWN, NULL },
	{ SRC, "[cancellable][stream-read-0]mix", "iii>i", UNKNOWN, NULL },
#if FLUE_CONFIG_FORWARD
	/* forward: no async form, its own core type, a stream/future index */
	{ SRC, "[async-lower][stream-forward-0]mix", "ii>", "stream.forward has no [async-lower] form",
	  NULL },
	{ XCTL, "[async-lower][future-forward-0]stop", "ii>",
	  "future.forward has no [async-lower] form", NULL },
	{ SRC, "[stream-forward-0]mix", "ii>i", "(i32, i32) -> (i32)", "(i32, i32) -> () that "
	  "stream.forward" },
	{ "$root", "[future-forward-unit]x", "i>", "(i32) -> ()", "(i32, i32) -> ()" },
	{ SRC, "[stream-forward-1]mix", "ii>", "type index 1 of 'mix' is a future, not a stream",
	  NULL },
	{ SRC, "[future-forward-4]mix", "ii>", "type index 4 out of range", NULL },
	{ SRC, "[stream-forward-]mix", "ii>", "expected a type index or 'unit'", NULL },
#else
	/* forward: gated (#717), and this flue-build's library lacks it */
	{ SRC, "[stream-forward-0]mix", "ii>", "stream.forward " GATED, "FLUE_CONFIG_FORWARD=1" },
	{ XCTL, "[future-forward-0]stop", "ii>", "future.forward " GATED, "not part of 0.3.0" },
	{ "$root", "[stream-forward-unit]x", "ii>", "stream.forward " GATED, NULL },
	{ XROOT, "[future-forward-unit]x", "ii>", "future.forward " GATED, NULL },
#endif
	/* bad index text */
	{ SRC, "[stream-read-x]mix", "iii>i", "'x' is neither a type index nor 'unit'", NULL },
	{ SRC, "[stream-read-]mix", "iii>i", "expected a type index or 'unit'", NULL },
	{ SRC, "[stream-read-0mix", "iii>i", "expected a type index or 'unit'", NULL },
	{ SRC, "[stream-read--1]mix", "iii>i", "'-1' is neither a type index nor 'unit'", NULL },
	{ SRC, "[stream-read- 0]mix", "iii>i", "' 0' is neither a type index nor 'unit'", NULL },
	{ SRC, "[stream-read-0x1]mix", "iii>i", "'0x1' is neither", NULL },
	{ "$root", "[future-read-Unit]x", "ii>i", "'Unit' is neither", NULL },
	{ XCTL, "[future-read-99999999999]stop", "ii>i", "is neither a type index", NULL },
	{ SRC, "[stream-new-4294967296]mix", ">I", "4294967296", NULL },
	{ "$root", "[context-get-x]", ">i", "expected a slot number", NULL },
	{ "$root", "[context-get-]", ">i", "expected a slot number", NULL },
	{ "$root", "[context-set-i32-]", "i>", "expected a slot number", NULL },
	{ "$root", "[context-get-i32]", ">i", "expected a slot number", NULL },
	{ "$root", "[context-get-0", ">i", "expected a slot number", NULL },
	{ "$root", "[context-get-0]x", ">i", "expected a slot number", NULL },
	{ "$root", "[context-get- 1]", ">i", "expected a slot number", NULL },
	{ "$root", "[context-set--1]", "i>", "expected a slot number", NULL },
	/* context slots are 0 and 1 */
	{ "$root", "[context-get-2]", ">i", "context slot 2 out of range", NULL },
	{ "$root", "[context-set-i32-7]", "i>", "context slot 7 out of range", NULL },
	{ "$root", "[context-get-4294967296]", ">i", "out of range", NULL },
	/* memory64 forms */
	{ "$root", "[waitable-set-wait-i64]", "iI>i", M64, NULL },
	{ "$root", "[waitable-set-poll-i64]", "iI>i", M64, NULL },
	{ "$root", "[context-get-i64-0]", ">I", M64, NULL },
	{ "$root", "[context-set-i64-1]", "I>", M64, NULL },
	/* cooperative-thread built-ins */
	{ "$root", "[thread-index]", ">i", THREADS, "[thread-index]" },
	{ "$root", "[thread-new-indirect-v0]", "ii>i", THREADS, "[thread-new-indirect-v0]" },
	{ "$root", "[thread-resume-later]", "i>", THREADS, "[thread-resume-later]" },
	{ "$root", "[thread-suspend]", ">i", THREADS, "[thread-suspend]" },
	{ "$root", "[cancellable][thread-suspend]", ">i", THREADS, "[thread-suspend]" },
	{ "$root", "[thread-suspend-then-resume]", "i>i", THREADS, NULL },
	{ "$root", "[thread-yield-then-resume]", "i>i", THREADS, NULL },
	{ "$root", "[thread-suspend-then-promote]", "i>i", THREADS, NULL },
	{ "$root", "[cancellable][thread-yield-then-promote]", "i>i", THREADS, NULL },
	/* resources: of a world, unknown, the implementation's built-ins on the
	 * import side, unknown built-ins, wrong core types, async forms */
	{ "$root", "[resource-drop]r", "i>", "resources of a world", "define 'r' in an interface" },
	{ SRC, "[resource-drop]r", "i>", "the interface '" SRC "' has no resource 'r'", NULL },
	{ XSINK, "[resource-new]r", "i>i", "'" SINK "' defines no resource 'r'", NULL },
	{ XSINK, "[resource-rep]file", "i>i", "defines no resource 'file'", NULL },
	{ SRC, "[resource-new]file", "i>i", "resource.new of 'file' belongs to its implementation",
	  "'[export]" SRC "'" },
	{ SRC, "[resource-rep]file", "i>i", "resource.rep of 'file' belongs", NULL },
	{ SRC, "[resource-dtor]file", "i>", "unknown resource built-in '[resource-dtor]file'",
	  NULL },
	{ SRC, "[resource-drop]file", "i>i", "(i32) -> (i32) does not match (i32) -> ()",
	  "resource.drop" },
	{ XSINK, "[resource-new]blob", "i>", "(i32) -> () does not match (i32) -> (i32)", NULL },
	{ SRC, "[async-lower][resource-drop]file", "i>", "[resource-drop] has no [async-lower]",
	  NULL },
	{ SRC, "[method]file.nope", "iii>", "unknown import", NULL },
	{ SRC, "[method]nope.read", "iii>", "unknown import", NULL },
	{ SRC, "[method]file", "i>", "unknown import", NULL },
	{ SRC, "[constructor]file", "i>i", "(i32) -> (i32) does not match (i32, i32) -> (i32)",
	  NULL },
	/* names the component model dropped */
	{ "$root", "[backpressure-set]", "i>", "[backpressure-set] was removed",
	  "[backpressure-inc]" },
	{ "$root", "[yield]", ">i", "[yield] was renamed [thread-yield]", NULL },
	/* [task-return] of a function the world does not export there */
	{ XROOT, "[task-return]now", "I>", "[task-return] of 'now', which the world does not export",
	  NULL },
	{ XROOT, "[task-return]consume", "i>", "[task-return] of 'consume'", "does not export" },
	{ XSINK, "[task-return]run", "i>", "[task-return] of 'run'", "does not export" },
	{ XCTL, "[task-return]nope", ">", "[task-return] of 'nope'", "does not export" },
	/* env: only the stack pointer */
	{ "env", "abort", ">", "unknown 'env' import", "__wasm_get_stack_pointer" },
	{ "env", "__wasm_get_tls_base", ">i", "unknown 'env' import", NULL },
	{ "env", "memcpy", "iii>i", "unknown 'env' import", NULL },
};

static bool import_error_ok(const struct err_row *r)
{
	struct fty t;
	struct fb_import imp;
	char err[512] = "";
	int rc = fb_classify_import(world, r->module, r->field, fty(&t, r->type), &imp, err,
				    sizeof err);
	bool ok = rc == -1 && strstr(err, r->phrase) != NULL &&
		  (r->phrase2 == NULL || strstr(err, r->phrase2) != NULL) && imp.key == NULL;
	if (!ok)
		fprintf(stderr, "  '%s' '%s': rc %d \"%s\"\n  wanted \"%s\"%s%s\n", r->module,
			r->field, rc, err, r->phrase, r->phrase2 != NULL ? " and " : "",
			r->phrase2 != NULL ? r->phrase2 : "");
	if (rc == 0)
		fb_import_free(&imp);
	return ok;
}

FT_TEST(test_import_errors)
{
	load();
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof imp_errors / sizeof imp_errors[0]; i++)
		bad += !import_error_ok(&imp_errors[i]);
	FT_EQ(bad, 0);
	wit_free(&res);
}

/* ------------------------------------------------------------ exports */

struct exp_row {
	const char *name;
	uint8_t kind;       /* enum wasm_extern_kind */
	const char *type;   /* FUNC: its core type */
	enum fb_export_kind want;
	const char *key, *func;
	unsigned flags;
};

#define F WASM_EXTERN_FUNC
#define EX(n, t, w, key, fn) { n, F, t, w, key, fn, 0 }
#define EX_IGNORED(n, t) { n, F, t, FB_EXP_IGNORED, NULL, NULL, 0 }

static const struct exp_row exp_rows[] = {
	{ "memory", WASM_EXTERN_MEMORY, NULL, FB_EXP_MEMORY, NULL, NULL, 0 },
	{ "mem2", WASM_EXTERN_MEMORY, NULL, FB_EXP_IGNORED, NULL, NULL, 0 },
	{ "__indirect_function_table", WASM_EXTERN_TABLE, NULL, FB_EXP_IGNORED, NULL, NULL, 0 },
	{ "__stack_pointer", WASM_EXTERN_GLOBAL, NULL, FB_EXP_IGNORED, NULL, NULL, 0 },
	{ "cabi_realloc", WASM_EXTERN_GLOBAL, NULL, FB_EXP_IGNORED, NULL, NULL, 0 },
	{ "tick", WASM_EXTERN_TAG, NULL, FB_EXP_IGNORED, NULL, NULL, 0 },
	{ "cabi_realloc", F, "iiii>i", FB_EXP_REALLOC, NULL, NULL, 0 },
	{ "_initialize", F, ">", FB_EXP_INITIALIZE, NULL, NULL, 0 },
	/* world-level exports */
	EX("tick", "if>i", FB_EXP_LIFT_SYNC, "tick", "tick"),
	EX("cabi_post_tick", "i>", FB_EXP_POST_RETURN, "tick", "tick"),
	EX("run", "ii>i", FB_EXP_LIFT_SYNC, "run", "run"), /* async type, sync lift */
	EX("[async-lift]run", "ii>i", FB_EXP_LIFT_ASYNC, "run", "run"),
	EX("[callback][async-lift]run", "iii>i", FB_EXP_CALLBACK, "run", "run"),
	EX("[async-lift-stackful]run", "ii>", FB_EXP_LIFT_STACKFUL, "run", "run"),
	/* exported interfaces: <interface>#<function> */
	EX(SINK "#total", ">I", FB_EXP_LIFT_SYNC, SINK "#total", "total"),
	EX("cabi_post_" SINK "#total", "I>", FB_EXP_POST_RETURN, SINK "#total", "total"),
	{ SINK "#dump", F, ">i", FB_EXP_LIFT_SYNC, SINK "#dump", "dump", RET },
	EX("cabi_post_" SINK "#dump", "i>", FB_EXP_POST_RETURN, SINK "#dump", "dump"),
	EX("[async-lift]" SINK "#dump", ">i", FB_EXP_LIFT_ASYNC, SINK "#dump", "dump"),
	EX("[async-lift]" SINK "#consume", "i>i", FB_EXP_LIFT_ASYNC, SINK "#consume", "consume"),
	EX("[callback][async-lift]" SINK "#consume", "iii>i", FB_EXP_CALLBACK, SINK "#consume",
	   "consume"),
	EX("[async-lift-stackful]" SINK "#consume", "i>", FB_EXP_LIFT_STACKFUL, SINK "#consume",
	   "consume"),
	EX("[async-lift]ctl#stop", "i>i", FB_EXP_LIFT_ASYNC, "ctl#stop", "stop"),
	EX("[callback][async-lift]ctl#stop", "iii>i", FB_EXP_CALLBACK, "ctl#stop", "stop"),
	/* an exported resource: its functions and its destructor */
	EX(SINK "#[constructor]blob", "i>i", FB_EXP_LIFT_SYNC, SINK "#[constructor]blob",
	   "constructor"),
	EX(SINK "#[method]blob.len", "i>i", FB_EXP_LIFT_SYNC, SINK "#[method]blob.len", "len"),
	EX(SINK "#[dtor]blob", "i>", FB_EXP_DTOR, SINK "#[dtor]blob", NULL),
	/* names flue-build does not use */
	EX_IGNORED("foo", ">"),
	EX_IGNORED("memory", ">"),
	EX_IGNORED("__wasm_call_ctors", ">"),
	EX_IGNORED("now", ">I"),                 /* an import of the world */
	EX_IGNORED("cabi_post_now", "I>"),
	EX_IGNORED(SRC "#open", "i>i"),          /* an imported interface's function */
	EX_IGNORED("consume", "i>i"),            /* without its interface */
	EX_IGNORED("test:names/sink#total", ">I"), /* without the version */
	EX_IGNORED(SINK "#nope", ">"),
	EX_IGNORED("ctl#nope", ">"),
	EX_IGNORED("cabi_post_nope", "i>"),
	EX_IGNORED("cabi_post_", "i>"),
	EX_IGNORED("cabi_post_[async-lift]run", "i>"),
};

static bool export_row_ok(const struct exp_row *r)
{
	struct fty t;
	struct fb_export e;
	char err[512];
	const struct wasm_functype *ft = r->type != NULL ? fty(&t, r->type) : NULL;
	if (fb_classify_export(world, r->name, r->kind, ft, &e, err, sizeof err) != 0) {
		fprintf(stderr, "  export '%s': %s\n", r->name, err);
		return false;
	}
	bool ok = e.kind == r->want && str_is(e.key, r->key) &&
		  str_is(e.func != NULL ? e.func->name : NULL, r->func);
	if (ok && r->want != FB_EXP_IGNORED && r->want != FB_EXP_MEMORY)
		ok = sig_is(&e.sig, r->type) && e.sig.retptr == ((r->flags & RET) != 0);
	if (!ok)
		fprintf(stderr, "  export '%s': kind %d key %s func %s\n", r->name, (int)e.kind,
			name_or(e.key), e.func != NULL ? e.func->name : "(null)");
	fb_export_free(&e);
	return ok;
}

FT_TEST(test_export_table)
{
	load();
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof exp_rows / sizeof exp_rows[0]; i++)
		bad += !export_row_ok(&exp_rows[i]);
	FT_EQ(bad, 0);
	wit_free(&res);
}

struct exp_err {
	const char *name, *type, *phrase, *phrase2;
};

static const struct exp_err exp_errors[] = {
	/* wrong core types, both printed */
	{ "cabi_realloc", "iii>i", "(i32, i32, i32) -> (i32)", "(i32, i32, i32, i32) -> (i32)" },
	{ "_initialize", ">i", "() -> (i32)", "match () -> ()" },
	{ "tick", "ii>i", "(i32, i32) -> (i32)", "(i32, f32) -> (i32)" },
	{ "cabi_post_tick", ">", "core type () -> ()", "(i32) -> ()" },
	{ "[async-lift]run", "ii>", "(i32, i32) -> ()", "(i32, i32) -> (i32)" },
	{ "[callback][async-lift]run", "i>i", "(i32) -> (i32)", "(i32, i32, i32) -> (i32)" },
	{ "[async-lift-stackful]run", "ii>i", "(i32, i32) -> (i32)", "match (i32, i32) -> ()" },
	{ SINK "#dump", "i>", "(i32) -> ()", "() -> (i32)" },
	{ "cabi_post_" SINK "#total", "i>", "(i32) -> ()", "(i64) -> ()" },
	{ "[async-lift]ctl#stop", "i>", "(i32) -> ()", "(i32) -> (i32)" },
	/* async lifts of functions that are not `async` */
	{ "[async-lift]tick", "if>i", "'tick' is not an async func", NULL },
	{ "[callback][async-lift]tick", "iii>i", "'tick' is not an async func", NULL },
	{ "[async-lift-stackful]" SINK "#total", ">", "'" SINK "#total' is not an async func",
	  NULL },
	/* async lifts of functions the world does not export */
	{ "[async-lift]nope", ">i", "exports no function 'nope'", NULL },
	{ "[callback][async-lift]nope", "iii>i", "exports no function 'nope'", NULL },
	{ "[async-lift-stackful]" SRC "#mix", "ii>", "exports no function '" SRC "#mix'", NULL },
	/* destructors: of a resource the interface does not define, of an
	 * interface the world does not export, of the wrong core type */
	{ SINK "#[dtor]nope", "i>", "'" SINK "' defines no resource 'nope'", NULL },
	{ SRC "#[dtor]file", "i>", "exports no interface '" SRC "'", NULL },
	{ SINK "#[dtor]blob", "i>i", "(i32) -> (i32) does not match (i32) -> ()", NULL },
};

FT_TEST(test_export_errors)
{
	load();
	uint32_t bad = 0;
	for (size_t i = 0; i < sizeof exp_errors / sizeof exp_errors[0]; i++) {
		const struct exp_err *r = &exp_errors[i];
		struct fty t;
		struct fb_export e;
		char err[512] = "";
		int rc = fb_classify_export(world, r->name, WASM_EXTERN_FUNC, fty(&t, r->type), &e,
					    err, sizeof err);
		bool ok = rc == -1 && strstr(err, r->phrase) != NULL &&
			  (r->phrase2 == NULL || strstr(err, r->phrase2) != NULL) &&
			  e.key == NULL && e.kind == FB_EXP_IGNORED;
		if (!ok)
			fprintf(stderr, "  export '%s': rc %d \"%s\"\n  wanted \"%s\"\n", r->name, rc,
				err, r->phrase);
		if (rc == 0)
			fb_export_free(&e);
		bad += !ok;
	}
	FT_EQ(bad, 0);
	wit_free(&res);
}

/* ------------------------------------------------------------ helpers */

FT_TEST(test_world_func_and_sig_text)
{
	load();
	const struct wit_func *f = fb_world_func(world, false, "now");
	FT_TRUE(f != NULL && strcmp(f->name, "now") == 0);
	f = fb_world_func(world, false, SRC "#pack");
	FT_TRUE(f != NULL && strcmp(f->name, "pack") == 0);
	f = fb_world_func(world, false, "cfg#get");
	FT_TRUE(f != NULL && strcmp(f->name, "get") == 0);
	f = fb_world_func(world, true, SINK "#consume");
	FT_TRUE(f != NULL && strcmp(f->name, "consume") == 0);
	f = fb_world_func(world, true, "ctl#stop");
	FT_TRUE(f != NULL && strcmp(f->name, "stop") == 0);
	FT_TRUE(fb_world_func(world, true, "now") == NULL);        /* an import */
	FT_TRUE(fb_world_func(world, false, "run") == NULL);       /* an export */
	FT_TRUE(fb_world_func(world, false, SINK "#consume") == NULL);
	FT_TRUE(fb_world_func(world, false, SRC "#nope") == NULL);
	FT_TRUE(fb_world_func(world, false, "src#open") == NULL);  /* not the world key */
	FT_TRUE(fb_world_func(world, false, SRC) == NULL);         /* an interface, not a func */

	struct wit_core_sig s;
	char text[128];
	FT_EQ(wit_core_signature(fb_world_func(world, false, SRC "#pack"), WIT_ABI_IMPORT_ASYNC,
				 &s), 0);
	fb_sig_text(&s, text, sizeof text);
	FT_TRUE(strcmp(text, "(i32, i64, f32, f64, i32) -> (i32)") == 0);
	memset(&s, 0, sizeof s);
	fb_sig_text(&s, text, sizeof text);
	FT_TRUE(strcmp(text, "() -> ()") == 0);
	wit_free(&res);
}

FT_SUITE(names,
	 FT_CASE(test_import_table),
	 FT_CASE(test_builtin_names),
	 FT_CASE(test_import_errors),
	 FT_CASE(test_export_table),
	 FT_CASE(test_export_errors),
	 FT_CASE(test_world_func_and_sig_text))
