/*
 * Import names, part 2 (names.h): the built-ins' names and the generic
 * built-ins of `$root`, and the signature helpers both parts use.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "names_internal.h"
#include "util.h"

static const char *const builtin_names[FB_B_COUNT] = {
	[FB_B_NONE] = "(none)",
	[FB_B_CONTEXT_GET] = "context.get", [FB_B_CONTEXT_SET] = "context.set",
	[FB_B_BACKPRESSURE_INC] = "backpressure.inc", [FB_B_BACKPRESSURE_DEC] = "backpressure.dec",
	[FB_B_TASK_RETURN] = "task.return", [FB_B_TASK_CANCEL] = "task.cancel",
	[FB_B_WAITABLE_SET_NEW] = "waitable-set.new", [FB_B_WAITABLE_SET_WAIT] = "waitable-set.wait",
	[FB_B_WAITABLE_SET_POLL] = "waitable-set.poll",
	[FB_B_WAITABLE_SET_DROP] = "waitable-set.drop", [FB_B_WAITABLE_JOIN] = "waitable.join",
	[FB_B_SUBTASK_DROP] = "subtask.drop", [FB_B_SUBTASK_CANCEL] = "subtask.cancel",
	[FB_B_STREAM_NEW] = "stream.new", [FB_B_STREAM_READ] = "stream.read",
	[FB_B_STREAM_WRITE] = "stream.write", [FB_B_STREAM_CANCEL_READ] = "stream.cancel-read",
	[FB_B_STREAM_CANCEL_WRITE] = "stream.cancel-write",
	[FB_B_STREAM_DROP_READABLE] = "stream.drop-readable",
	[FB_B_STREAM_DROP_WRITABLE] = "stream.drop-writable",
	[FB_B_STREAM_FORWARD] = "stream.forward",
	[FB_B_FUTURE_NEW] = "future.new", [FB_B_FUTURE_READ] = "future.read",
	[FB_B_FUTURE_WRITE] = "future.write", [FB_B_FUTURE_CANCEL_READ] = "future.cancel-read",
	[FB_B_FUTURE_CANCEL_WRITE] = "future.cancel-write",
	[FB_B_FUTURE_DROP_READABLE] = "future.drop-readable",
	[FB_B_FUTURE_DROP_WRITABLE] = "future.drop-writable",
	[FB_B_FUTURE_FORWARD] = "future.forward",
	[FB_B_THREAD_YIELD] = "thread.yield",
	[FB_B_ERROR_CONTEXT_NEW] = "error-context.new",
	[FB_B_ERROR_CONTEXT_DEBUG_MESSAGE] = "error-context.debug-message",
	[FB_B_ERROR_CONTEXT_DROP] = "error-context.drop",
	[FB_B_RESOURCE_NEW] = "resource.new", [FB_B_RESOURCE_REP] = "resource.rep",
	[FB_B_RESOURCE_DROP] = "resource.drop",
	[FB_B_RING_ATTACH] = "ring.attach", [FB_B_RING_CLAIM] = "ring.claim",
	[FB_B_RING_FINISH] = "ring.finish", [FB_B_RING_READY] = "ring.ready",
};

const char *fb_builtin_name(enum fb_builtin b)
{
	return (unsigned)b < FB_B_COUNT ? builtin_names[b] : "(invalid)";
}

bool fb_builtin_is_stream(enum fb_builtin b)
{
	return b >= FB_B_STREAM_NEW && b <= FB_B_STREAM_FORWARD;
}

bool fb_builtin_is_future(enum fb_builtin b)
{
	return b >= FB_B_FUTURE_NEW && b <= FB_B_FUTURE_FORWARD;
}

bool fb_builtin_is_ring(enum fb_builtin b)
{
	return b >= FB_B_RING_ATTACH && b <= FB_B_RING_READY;
}

/* ---------------------------------------------------------------- helpers */

int fb_names_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

bool fb_names_strip(const char **s, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(*s, prefix, n) != 0)
		return false;
	*s += n;
	return true;
}

/* A core signature from a compact spec: params then "->" results, e.g.
 * "ii>i" = (i32, i32) -> i32, ">I" = () -> i64. */
struct wit_core_sig fb_names_sig(const char *spec)
{
	struct wit_core_sig s;
	memset(&s, 0, sizeof s);
	bool results = false;
	for (const char *p = spec; *p != '\0'; p++) {
		if (*p == '>') {
			results = true;
			continue;
		}
		enum wit_core t = *p == 'i' ? WIT_CORE_I32 : *p == 'I' ? WIT_CORE_I64 :
				  *p == 'f' ? WIT_CORE_F32 : WIT_CORE_F64;
		if (results)
			s.results[s.nresults++] = t;
		else
			s.params[s.nparams++] = t;
	}
	return s;
}

static const char *core_text(enum wit_core t)
{
	switch (t) {
	case WIT_CORE_I32: return "i32";
	case WIT_CORE_I64: return "i64";
	case WIT_CORE_F32: return "f32";
	default: return "f64";
	}
}


void fb_sig_text(const struct wit_core_sig *s, char *buf, size_t len)
{
	struct fb_buf b = { 0 };
	fb_buf_puts(&b, "(");
	for (uint32_t i = 0; i < s->nparams; i++)
		fb_buf_printf(&b, "%s%s", i ? ", " : "", core_text(s->params[i]));
	fb_buf_puts(&b, ") -> (");
	for (uint32_t i = 0; i < s->nresults; i++)
		fb_buf_printf(&b, "%s%s", i ? ", " : "", core_text(s->results[i]));
	fb_buf_puts(&b, ")");
	snprintf(buf, len, "%s", b.data);
	fb_buf_free(&b);
}

static void wasm_sig_text(const struct wasm_functype *ft, char *buf, size_t len)
{
	struct fb_buf b = { 0 };
	fb_buf_puts(&b, "(");
	for (uint32_t i = 0; i < ft->nparams; i++)
		fb_buf_printf(&b, "%s%s", i ? ", " : "", wasm_valtype_name(ft->params[i]));
	fb_buf_puts(&b, ") -> (");
	for (uint32_t i = 0; i < ft->nresults; i++)
		fb_buf_printf(&b, "%s%s", i ? ", " : "", wasm_valtype_name(ft->results[i]));
	fb_buf_puts(&b, ")");
	snprintf(buf, len, "%s", b.data);
	fb_buf_free(&b);
}

static uint8_t wasm_of(enum wit_core t)
{
	switch (t) {
	case WIT_CORE_I32: return WASM_I32;
	case WIT_CORE_I64: return WASM_I64;
	case WIT_CORE_F32: return WASM_F32;
	default: return WASM_F64;
	}
}

static bool sig_matches(const struct wit_core_sig *s, const struct wasm_functype *ft)
{
	if (ft == NULL || s->nparams != ft->nparams || s->nresults != ft->nresults)
		return false;
	for (uint32_t i = 0; i < s->nparams; i++)
		if (wasm_of(s->params[i]) != ft->params[i])
			return false;
	for (uint32_t i = 0; i < s->nresults; i++)
		if (wasm_of(s->results[i]) != ft->results[i])
			return false;
	return true;
}

int fb_names_check_sig(const struct wit_core_sig *want, const struct wasm_functype *ft,
		     const char *what, char *err, size_t len)
{
	if (sig_matches(want, ft))
		return 0;
	char w[160], g[160];
	fb_sig_text(want, w, sizeof w);
	if (ft != NULL)
		wasm_sig_text(ft, g, sizeof g);
	else
		snprintf(g, sizeof g, "not a function");
	return fb_names_fail(err, len, "core type %s does not match %s that %s requires", g, w, what);
}

/* ---------------------------------------------------------- $root built-ins */

static const struct fb_named_builtin root_builtins[] = {
	{ "[backpressure-inc]", FB_B_BACKPRESSURE_INC, ">" },
	{ "[backpressure-dec]", FB_B_BACKPRESSURE_DEC, ">" },
	{ "[waitable-set-new]", FB_B_WAITABLE_SET_NEW, ">i" },
	{ "[waitable-set-drop]", FB_B_WAITABLE_SET_DROP, "i>" },
	{ "[waitable-join]", FB_B_WAITABLE_JOIN, "ii>" },
	{ "[subtask-drop]", FB_B_SUBTASK_DROP, "i>" },
	{ "[error-context-drop]", FB_B_ERROR_CONTEXT_DROP, "i>" },
	{ "[error-context-new-utf8]", FB_B_ERROR_CONTEXT_NEW, "ii>i" },
	{ "[error-context-new-utf16]", FB_B_ERROR_CONTEXT_NEW, "ii>i" },
	{ "[error-context-new-latin1+utf16]", FB_B_ERROR_CONTEXT_NEW, "ii>i" },
	{ "[error-context-debug-message-utf8]", FB_B_ERROR_CONTEXT_DEBUG_MESSAGE, "ii>" },
	{ "[error-context-debug-message-utf16]", FB_B_ERROR_CONTEXT_DEBUG_MESSAGE, "ii>" },
	{ "[error-context-debug-message-latin1+utf16]", FB_B_ERROR_CONTEXT_DEBUG_MESSAGE, "ii>" },
};

static const char *const thread_builtins[] = {
	"[thread-index]", "[thread-new-indirect-v0]", "[thread-resume-later]",
	"[thread-suspend]", "[thread-suspend-then-resume]", "[thread-yield-then-resume]",
	"[thread-suspend-then-promote]", "[thread-yield-then-promote]",
};

/* wait/poll with the optional "-i32"/"-i64" suffix. */
static int wait_poll(const char *name, const char *base, enum fb_builtin b,
		     struct fb_import *out, char *err, size_t len)
{
	const char *rest = name;
	if (!fb_names_strip(&rest, base))
		return 0;
	if (strcmp(rest, "]") != 0 && strcmp(rest, "-i32]") != 0) {
		if (strcmp(rest, "-i64]") == 0)
			return fb_names_fail(err, len, "64-bit memories (memory64) are not supported by flue");
		return 0;
	}
	out->kind = FB_IMP_BUILTIN;
	out->builtin = b;
	out->sig = fb_names_sig("ii>i");
	return 1;
}

/* `[context-get-N]`, `[context-get-i32-N]`. */
static int context_builtin(const char *name, struct fb_import *out, char *err, size_t len)
{
	const char *rest = name;
	bool get = fb_names_strip(&rest, "[context-get-");
	if (!get && !fb_names_strip(&rest, "[context-set-"))
		return 0;
	if (strncmp(rest, "i64-", 4) == 0)
		return fb_names_fail(err, len, "64-bit context slots (memory64) are not supported by flue");
	(void)fb_names_strip(&rest, "i32-");
	char *end = NULL;
	unsigned long slot = 0;
	if (*rest >= '0' && *rest <= '9') /* strtoul would also take blanks and signs */
		slot = strtoul(rest, &end, 10);
	if (end == NULL || strcmp(end, "]") != 0)
		return fb_names_fail(err, len, "expected a slot number and ']' in '%s'", name);
	if (slot > 1)
		return fb_names_fail(err, len, "context slot %lu out of range (slots are 0 and 1)", slot);
	out->kind = FB_IMP_BUILTIN;
	out->builtin = get ? FB_B_CONTEXT_GET : FB_B_CONTEXT_SET;
	out->slot = (uint32_t)slot;
	out->sig = fb_names_sig(get ? ">i" : "i>");
	return 1;
}

/*
 * The `[cancellable]` forms of wait, poll and thread.yield. The immediate
 * is gone from the component model (#716; wasm-tools #2630 dropped it from
 * the text format, and the binary keeps a byte that must be 0), and so is
 * what it meant: cancellation now reaches only a callback-lifted task's
 * event loop. A module built for it waits for a TASK_CANCELLED (or a 1
 * from thread.yield) that never comes, so reading the name as the plain
 * built-in would change its meaning silently: it is refused instead.
 */
static int cancellable_removed(const char *name, char *err, size_t len)
{
	const char *rest = name;
	if (!fb_names_strip(&rest, "[cancellable]"))
		return 0;
	const char *what = strncmp(rest, "[waitable-set-wait", 18) == 0 ? "waitable-set.wait" :
			   strncmp(rest, "[waitable-set-poll", 18) == 0 ? "waitable-set.poll" :
			   strcmp(rest, "[thread-yield]") == 0 ? "thread.yield" : NULL;
	if (what == NULL)
		return 0;
	return fb_names_fail(err, len, "the `cancellable` immediate was removed from the component "
			     "model (PR #716): a module built for it expects %s to report a "
			     "cancellation, which no longer happens (a cancellation now reaches "
			     "only the event loop of a callback-lifted export); rebuild the guest "
			     "against the plain '%s'", what, rest);
}

int fb_names_unsupported(const char *name, char *err, size_t len)
{
	for (size_t i = 0; i < sizeof thread_builtins / sizeof thread_builtins[0]; i++) {
		const char *rest = name;
		(void)fb_names_strip(&rest, "[cancellable]");
		if (strcmp(rest, thread_builtins[i]) == 0)
			return fb_names_fail(err, len, "cooperative threads (%s) are not supported by flue yet",
				    thread_builtins[i]);
	}
	if (strcmp(name, "[backpressure-set]") == 0)
		return fb_names_fail(err, len, "[backpressure-set] was removed from the component model; "
			    "use [backpressure-inc] and [backpressure-dec]");
	if (strcmp(name, "[yield]") == 0)
		return fb_names_fail(err, len, "[yield] was renamed [thread-yield]");
	return cancellable_removed(name, err, len);
}

const struct fb_named_builtin *fb_names_find_builtin(const struct fb_named_builtin *t, size_t n,
						     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, t[i].name) == 0)
			return &t[i];
	return NULL;
}

int fb_names_root_builtin(const char *field, struct fb_import *out, char *err, size_t len)
{
	const struct fb_named_builtin *nb =
		fb_names_find_builtin(root_builtins, sizeof root_builtins / sizeof root_builtins[0],
				      field);
	if (nb != NULL) {
		out->kind = FB_IMP_BUILTIN;
		out->builtin = nb->b;
		out->sig = fb_names_sig(nb->sig);
		return 1;
	}
	int r = wait_poll(field, "[waitable-set-wait", FB_B_WAITABLE_SET_WAIT, out, err, len);
	if (r == 0)
		r = wait_poll(field, "[waitable-set-poll", FB_B_WAITABLE_SET_POLL, out, err, len);
	if (r != 0)
		return r;
	if (strcmp(field, "[thread-yield]") == 0) {
		out->kind = FB_IMP_BUILTIN;
		out->builtin = FB_B_THREAD_YIELD;
		out->sig = fb_names_sig(">i");
		return 1;
	}
	const char *rest = field;
	bool async = fb_names_strip(&rest, "[async-lower]");
	if (strcmp(rest, "[subtask-cancel]") == 0) {
		out->kind = FB_IMP_BUILTIN;
		out->builtin = FB_B_SUBTASK_CANCEL;
		out->async = async;
		out->sig = fb_names_sig("i>i");
		return 1;
	}
	return context_builtin(field, out, err, len);
}

