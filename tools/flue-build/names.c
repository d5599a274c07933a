/*
 * Import and export names (names.h): wit-component's legacy mangling
 * (crates/wit-component/src/validation.rs, struct Legacy, at a7ef4778),
 * matched against the instance's WIT world and checked against the core
 * type each name requires. Every rejection says why; flue-build never
 * stubs an import it does not understand.
 */
#include "names.h"
#include "names_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flue/config.h>

#include "util.h"

/* ------------------------------------------------------------ world lookups */

static const struct wit_item *items_of(const struct wit_world *w, bool exports, uint32_t *n)
{
	*n = exports ? w->nexports : w->nimports;
	return exports ? w->exports : w->imports;
}

static const struct wit_item *find_item(const struct wit_world *w, bool exports, const char *key,
					enum wit_item_kind kind)
{
	uint32_t n;
	const struct wit_item *it = items_of(w, exports, &n);
	for (uint32_t i = 0; i < n; i++)
		if (it[i].kind == kind && strcmp(it[i].key, key) == 0)
			return &it[i];
	return NULL;
}

const struct wit_type *fb_iface_resource(const struct wit_interface *iface, const char *name,
					 bool defined)
{
	for (uint32_t i = 0; i < iface->ntypes; i++) {
		const struct wit_type *t = wit_unalias(iface->types[i]);
		const char *local = iface->type_names != NULL ? iface->type_names[i] :
				    iface->types[i]->name;
		if (t->kind == WIT_T_RESOURCE && local != NULL && strcmp(local, name) == 0)
			return !defined || t->iface == iface ? t : NULL;
	}
	return NULL;
}

/* `[constructor]R`, `[method]R.m`, `[static]R.f`: R's function (wit-parser's
 * Function::name of resource functions). */
static const struct wit_func *resource_func(const struct wit_interface *iface, const char *name)
{
	static const struct { const char *prefix; enum wit_func_kind kind; } forms[] = {
		{ "[constructor]", WIT_FUNC_CONSTRUCTOR }, { "[method]", WIT_FUNC_METHOD },
		{ "[static]", WIT_FUNC_STATIC },
	};
	for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
		const char *rest = name;
		if (!fb_names_strip(&rest, forms[k].prefix))
			continue;
		const char *dot = forms[k].kind == WIT_FUNC_CONSTRUCTOR ? NULL : strchr(rest, '.');
		if (forms[k].kind != WIT_FUNC_CONSTRUCTOR && dot == NULL)
			return NULL;
		char *rname = fb_strndup(rest, dot != NULL ? (size_t)(dot - rest) : strlen(rest));
		const struct wit_type *r = fb_iface_resource(iface, rname, true);
		free(rname);
		for (uint32_t i = 0; r != NULL && i < r->nfuncs; i++)
			if (r->funcs[i].kind == forms[k].kind &&
			    (dot == NULL || strcmp(r->funcs[i].name, dot + 1) == 0))
				return &r->funcs[i];
		return NULL;
	}
	return NULL;
}

static const struct wit_func *iface_func(const struct wit_interface *iface, const char *name)
{
	if (name[0] == '[')
		return resource_func(iface, name);
	for (uint32_t i = 0; i < iface->nfuncs; i++)
		if (iface->funcs[i].kind == WIT_FUNC_FREESTANDING &&
		    strcmp(iface->funcs[i].name, name) == 0)
			return &iface->funcs[i];
	return NULL;
}

const struct wit_func *fb_world_func(const struct wit_world *w, bool exports, const char *key)
{
	const char *hash = strrchr(key, '#');
	if (hash == NULL) {
		const struct wit_item *it = find_item(w, exports, key, WIT_ITEM_FUNC);
		return it != NULL ? it->func : NULL;
	}
	char *iface_key = fb_strndup(key, (size_t)(hash - key));
	const struct wit_item *it = find_item(w, exports, iface_key, WIT_ITEM_INTERFACE);
	free(iface_key);
	return it != NULL ? iface_func(it->iface, hash + 1) : NULL;
}

/* Where an import's names are looked up: the world's own functions
 * (iface NULL) or one interface's, on the import or the export side. */
struct scope {
	const struct wit_world *w;
	const struct wit_item *iface; /* NULL: world-level functions */
	bool exports;
};

static const struct wit_func *scope_func(const struct scope *sc, const char *name)
{
	if (sc->iface != NULL)
		return iface_func(sc->iface->iface, name);
	const struct wit_item *it = find_item(sc->w, sc->exports, name, WIT_ITEM_FUNC);
	return it != NULL ? it->func : NULL;
}

static char *scope_key(const struct scope *sc, const char *fname)
{
	struct fb_buf b = { 0 };
	if (sc->iface != NULL)
		fb_buf_printf(&b, "%s#", sc->iface->key);
	fb_buf_puts(&b, fname);
	return b.data;
}

/* ---------------------------------------------------- stream/future built-ins */

struct payload_op {
	const char *prefix;
	enum fb_builtin b;
	const char *sig;
	bool may_be_async;
};

static const struct payload_op payload_ops[] = {
	{ "[stream-new-", FB_B_STREAM_NEW, ">I", false },
	{ "[stream-read-", FB_B_STREAM_READ, "iii>i", true },
	{ "[stream-write-", FB_B_STREAM_WRITE, "iii>i", true },
	{ "[stream-cancel-read-", FB_B_STREAM_CANCEL_READ, "i>i", true },
	{ "[stream-cancel-write-", FB_B_STREAM_CANCEL_WRITE, "i>i", true },
	{ "[stream-drop-readable-", FB_B_STREAM_DROP_READABLE, "i>", false },
	{ "[stream-drop-writable-", FB_B_STREAM_DROP_WRITABLE, "i>", false },
	{ "[stream-forward-", FB_B_STREAM_FORWARD, "ii>", false },
	{ "[future-new-", FB_B_FUTURE_NEW, ">I", false },
	{ "[future-read-", FB_B_FUTURE_READ, "ii>i", true },
	{ "[future-write-", FB_B_FUTURE_WRITE, "ii>i", true },
	{ "[future-cancel-read-", FB_B_FUTURE_CANCEL_READ, "i>i", true },
	{ "[future-cancel-write-", FB_B_FUTURE_CANCEL_WRITE, "i>i", true },
	{ "[future-drop-readable-", FB_B_FUTURE_DROP_READABLE, "i>", false },
	{ "[future-drop-writable-", FB_B_FUTURE_DROP_WRITABLE, "i>", false },
	{ "[future-forward-", FB_B_FUTURE_FORWARD, "ii>", false },
};

/* stream.forward / future.forward (#717) are gated in the specification
 * (not part of Component Model 0.3.0): the flue library has them only when
 * built with FLUE_CONFIG_FORWARD=1, and flue-build is built with the same
 * flue/config.h. The names are wit-component's (tests/components/
 * async-forward-builtins in wasm-tools). */
static int gated(enum fb_builtin b, char *err, size_t len)
{
	if (FLUE_CONFIG_FORWARD || (b != FB_B_STREAM_FORWARD && b != FB_B_FUTURE_FORWARD))
		return 0;
	return fb_names_fail(err, len, "%s is a gated built-in (Component Model PR #717, not part "
			     "of 0.3.0) and this flue was built without it: build flue and "
			     "flue-build with FLUE_CONFIG_FORWARD=1 (flue/config.h)",
			     fb_builtin_name(b));
}

/* `[stream-read-N]f` (after any `[async-lower]`): 1 matched, 0 not this
 * form, -1 error. */
static int payload_builtin(const struct scope *sc, const char *name, bool async,
			   struct fb_import *out, char *err, size_t len)
{
	const struct payload_op *op = NULL;
	const char *rest = name;
	for (size_t i = 0; i < sizeof payload_ops / sizeof payload_ops[0] && op == NULL; i++)
		if (fb_names_strip(&rest, payload_ops[i].prefix))
			op = &payload_ops[i];
	if (op == NULL)
		return 0;
	if (async && !op->may_be_async)
		return fb_names_fail(err, len, "%s has no [async-lower] form", fb_builtin_name(op->b));
	if (gated(op->b, err, len) != 0)
		return -1;
	const char *close = strchr(rest, ']');
	if (close == NULL || close == rest)
		return fb_names_fail(err, len, "expected a type index or 'unit' and ']' after '%s'",
			    op->prefix);
	size_t idx_len = (size_t)(close - rest);
	const char *fname = close + 1;
	out->kind = FB_IMP_BUILTIN;
	out->builtin = op->b;
	out->async = async;
	out->sig = fb_names_sig(op->sig);
	if (idx_len == 4 && strncmp(rest, "unit", 4) == 0) {
		out->stream = NULL; /* the payload-less type; the function part is ignored */
		return 1;
	}
	uint64_t n = 0;
	for (size_t i = 0; i < idx_len; i++) {
		if (rest[i] < '0' || rest[i] > '9' || n > 0xFFFFFFFFu)
			return fb_names_fail(err, len, "'%.*s' is neither a type index nor 'unit'",
				    (int)idx_len, rest);
		n = n * 10u + (uint64_t)(rest[i] - '0');
	}
	const struct wit_func *f = scope_func(sc, fname);
	if (f == NULL)
		return fb_names_fail(err, len, "no %s function '%s' %s whose stream/future types index %s "
			    "could name", sc->exports ? "exported" : "imported", fname,
			    sc->iface != NULL ? "in this interface" : "in the world",
			    fb_builtin_name(op->b));
	const struct wit_type *types[64];
	uint32_t count = wit_func_streams(f, types, 64);
	if (n >= count || n >= 64)
		return fb_names_fail(err, len, "type index %llu out of range: '%s' has %u stream/future "
			    "type(s)", (unsigned long long)n, fname, (unsigned)count);
	const struct wit_type *t = types[n];
	bool want_stream = fb_builtin_is_stream(op->b);
	if ((t->kind == WIT_T_STREAM) != want_stream)
		return fb_names_fail(err, len, "type index %llu of '%s' is a %s, not a %s",
			    (unsigned long long)n, fname, t->kind == WIT_T_STREAM ? "stream" : "future",
			    want_stream ? "stream" : "future");
	out->func = f;
	out->stream = t;
	out->key = scope_key(sc, fname);
	return 1;
}

/* ------------------------------------------------------------- resources */

/* `[resource-new]R`, `[resource-rep]R` (the exported side only: the
 * implementation's), `[resource-drop]R`: 1 matched, 0 not this form, -1
 * error. R is a resource of the scope's interface (exported: one it
 * defines). */
static int resource_builtin(const struct scope *sc, const char *name, bool async,
			    struct fb_import *out, char *err, size_t len)
{
	static const struct fb_named_builtin forms[] = {
		{ "[resource-new]", FB_B_RESOURCE_NEW, "i>i" },
		{ "[resource-rep]", FB_B_RESOURCE_REP, "i>i" },
		{ "[resource-drop]", FB_B_RESOURCE_DROP, "i>" },
	};
	const char *rest = name;
	size_t k = 0;
	while (k < sizeof forms / sizeof forms[0] && !fb_names_strip(&rest, forms[k].name))
		k++;
	if (k == sizeof forms / sizeof forms[0])
		return strncmp(name, "[resource-", 10) == 0 ?
		       fb_names_fail(err, len, "unknown resource built-in '%s' (flue knows "
				     "[resource-new], [resource-rep] and [resource-drop])", name) : 0;
	if (async)
		return fb_names_fail(err, len, "%s has no [async-lower] form", forms[k].name);
	if (sc->iface == NULL)
		return fb_names_fail(err, len, "resources of a world (not of an interface) are not "
				     "supported by flue-build: define '%s' in an interface", rest);
	if (forms[k].b != FB_B_RESOURCE_DROP && !sc->exports)
		return fb_names_fail(err, len, "%s of '%s' belongs to its implementation: import it "
				     "from '[export]%s'", fb_builtin_name(forms[k].b), rest,
				     sc->iface->key);
	const struct wit_type *r = fb_iface_resource(sc->iface->iface, rest, sc->exports);
	if (r == NULL)
		return fb_names_fail(err, len, "the interface '%s' %s no resource '%s'",
				     sc->iface->key, sc->exports ? "defines" : "has", rest);
	out->kind = FB_IMP_BUILTIN;
	out->builtin = forms[k].b;
	out->resource = r;
	out->sig = fb_names_sig(forms[k].sig);
	return 1;
}

/* ---------------------------------------------------------------- imports */

/* A lowered function or an intrinsic of one, in scope `sc`. */
static int scoped_import(const struct scope *sc, const char *field, struct fb_import *out,
			 char *err, size_t len)
{
	const char *rest = field;
	bool async = fb_names_strip(&rest, "[async-lower]");
	int r = resource_builtin(sc, rest, async, out, err, len);
	if (r != 0)
		return r;
	if (!sc->exports) {
		const struct wit_func *f = scope_func(sc, rest);
		if (f != NULL && async && !f->async)
			return fb_names_fail(err, len, "'%s' is not an async func: it can only be lowered "
				    "synchronously", rest);
		if (f != NULL) {
			out->kind = FB_IMP_FUNC;
			out->async = async;
			out->func = f;
			out->key = scope_key(sc, rest);
			if (wit_core_signature(f, async ? WIT_ABI_IMPORT_ASYNC : WIT_ABI_IMPORT,
					       &out->sig) != 0)
				return fb_names_fail(err, len, "function '%s' has a type without a core "
					    "signature", rest);
			return 1;
		}
	} else if (!async && fb_names_strip(&rest, "[task-return]")) {
		const struct wit_func *f = scope_func(sc, rest);
		if (f == NULL)
			return fb_names_fail(err, len, "[task-return] of '%s', which the world does not "
				    "export here", rest);
		out->kind = FB_IMP_BUILTIN;
		out->builtin = FB_B_TASK_RETURN;
		out->func = f;
		out->key = scope_key(sc, rest);
		if (wit_core_signature(f, WIT_ABI_TASK_RETURN, &out->sig) != 0)
			return fb_names_fail(err, len, "'%s' has a result type without a core signature",
				    rest);
		return 1;
	} else if (!async && strcmp(rest, "[task-cancel]") == 0) {
		out->kind = FB_IMP_BUILTIN;
		out->builtin = FB_B_TASK_CANCEL;
		out->sig = fb_names_sig(">");
		return 1;
	}
	return payload_builtin(sc, rest, async, out, err, len);
}

/* "ns:pkg/iface@1.2.3": the length of the part before '@' and the
 * version's compatibility track (wit-parser's version_compat_track: the
 * major version from 1.0.0 on, major.minor below, the whole version below
 * 0.1.0). */
static size_t unversioned(const char *key, const char **track, size_t *track_len)
{
	const char *at = strchr(key, '@');
	*track = NULL;
	*track_len = 0;
	if (at == NULL)
		return strlen(key);
	const char *v = at + 1, *dot1 = strchr(v, '.');
	const char *dot2 = dot1 != NULL ? strchr(dot1 + 1, '.') : NULL;
	*track = v;
	if (dot1 == NULL || dot2 == NULL)
		*track_len = strlen(v);
	else if (strncmp(v, "0.", 2) != 0)
		*track_len = (size_t)(dot1 - v);
	else if (strncmp(v, "0.0.", 4) != 0)
		*track_len = (size_t)(dot2 - v);
	else
		*track_len = strlen(v);
	return (size_t)(at - key);
}

/* The interface a module name means: its world key exactly, else (as
 * wit-component does) one whose package version is semver-compatible
 * with the module name's. */
static const struct wit_item *module_iface(const struct wit_world *w, bool exports,
					   const char *module)
{
	const struct wit_item *it = find_item(w, exports, module, WIT_ITEM_INTERFACE);
	if (it != NULL)
		return it;
	const char *mt, *kt;
	size_t mtl, ktl, ml = unversioned(module, &mt, &mtl);
	if (mt == NULL)
		return NULL;
	uint32_t n;
	const struct wit_item *items = items_of(w, exports, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (items[i].kind != WIT_ITEM_INTERFACE)
			continue;
		size_t kl = unversioned(items[i].key, &kt, &ktl);
		if (kt != NULL && kl == ml && strncmp(items[i].key, module, ml) == 0 &&
		    ktl == mtl && strncmp(kt, mt, mtl) == 0)
			return &items[i];
	}
	return NULL;
}

static int classify(const struct wit_world *w, const char *module, const char *field,
		    struct fb_import *out, char *err, size_t len)
{
	int r = fb_names_unsupported(field, err, len);
	if (r != 0)
		return -1;
	if (strcmp(module, "env") == 0) {
		bool get = strcmp(field, "__wasm_get_stack_pointer") == 0;
		if (!get && strcmp(field, "__wasm_set_stack_pointer") != 0)
			return fb_names_fail(err, len, "unknown 'env' import (flue knows only "
				    "__wasm_get_stack_pointer and __wasm_set_stack_pointer; "
				    "link the guest's C library into the module)");
		out->kind = FB_IMP_BUILTIN;
		out->builtin = get ? FB_B_CONTEXT_GET : FB_B_CONTEXT_SET;
		out->slot = 0;
		out->sig = fb_names_sig(get ? ">i" : "i>");
		return 1;
	}
	struct scope sc = { w, NULL, false };
	const char *iface = module;
	if (fb_names_strip(&iface, "[export]")) {
		sc.exports = true;
		if (strcmp(iface, "$root") != 0 &&
		    (sc.iface = module_iface(w, true, iface)) == NULL)
			return fb_names_fail(err, len, "the world exports no interface '%s'", iface);
		return scoped_import(&sc, field, out, err, len);
	}
	if (strcmp(module, "$root") == 0) {
		r = fb_names_root_builtin(field, out, err, len);
		return r != 0 ? r : scoped_import(&sc, field, out, err, len);
	}
	if ((sc.iface = module_iface(w, false, module)) == NULL)
		return fb_names_fail(err, len, "the world imports no interface '%s'", module);
	return scoped_import(&sc, field, out, err, len);
}

int fb_classify_import(const struct wit_world *w, const char *module, const char *field,
		       const struct wasm_functype *ft, struct fb_import *out, char *err,
		       size_t errlen)
{
	memset(out, 0, sizeof *out);
	int r = classify(w, module, field, out, err, errlen);
	if (r == 0)
		r = fb_names_fail(err, errlen, "unknown import: no built-in, imported function or "
			 "intrinsic of the world '%s' has this name", w->name);
	if (r < 0) {
		fb_import_free(out);
		return -1;
	}
	char what[96];
	snprintf(what, sizeof what, "%s", out->kind == FB_IMP_FUNC ? "the imported function" :
		 fb_builtin_name(out->builtin));
	if (fb_names_check_sig(&out->sig, ft, what, err, errlen) != 0) {
		fb_import_free(out);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- exports */

/* `<f>` or `<iface>#<f>` among the world's exports. */
static const struct wit_func *export_func(const struct wit_world *w, const char *name)
{
	return fb_world_func(w, true, name);
}

static int lift_export(const struct wit_world *w, const char *name, enum fb_export_kind kind,
		       struct fb_export *out, char *err, size_t len)
{
	const struct wit_func *f = export_func(w, name);
	if (f == NULL) {
		if (kind == FB_EXP_LIFT_SYNC)
			return 0; /* an unrelated export of the module */
		return fb_names_fail(err, len, "the world '%s' exports no function '%s'", w->name, name);
	}
	out->kind = kind;
	out->func = f;
	out->key = fb_strdup(name);
	enum wit_abi abi = kind == FB_EXP_LIFT_SYNC ? WIT_ABI_EXPORT :
			   kind == FB_EXP_LIFT_ASYNC ? WIT_ABI_EXPORT_ASYNC :
			   kind == FB_EXP_LIFT_STACKFUL ? WIT_ABI_EXPORT_STACKFUL :
			   WIT_ABI_POST_RETURN;
	if (kind == FB_EXP_CALLBACK)
		out->sig = fb_names_sig("iii>i");
	else if (wit_core_signature(f, abi, &out->sig) != 0)
		return fb_names_fail(err, len, "'%s' has a type without a core signature", name);
	if ((kind == FB_EXP_LIFT_ASYNC || kind == FB_EXP_CALLBACK ||
	     kind == FB_EXP_LIFT_STACKFUL) && !f->async)
		return fb_names_fail(err, len, "'%s' is not an async func: it can only be lifted "
			    "synchronously", name);
	return 1;
}

/* `<iface>#[dtor]R`: the destructor of resource R, which the world's
 * exported interface <iface> defines. */
static int dtor_export(const struct wit_world *w, const char *name, struct fb_export *out,
		       char *err, size_t len)
{
	const char *hash = strstr(name, "#[dtor]");
	char *iface_key = fb_strndup(name, (size_t)(hash - name));
	const struct wit_item *it = find_item(w, true, iface_key, WIT_ITEM_INTERFACE);
	free(iface_key);
	const char *rname = hash + strlen("#[dtor]");
	if (it == NULL)
		return fb_names_fail(err, len, "the world '%s' exports no interface '%.*s' whose "
				     "resource this destructor could be", w->name,
				     (int)(hash - name), name);
	const struct wit_type *r = fb_iface_resource(it->iface, rname, true);
	if (r == NULL)
		return fb_names_fail(err, len, "the exported interface '%s' defines no resource '%s'",
				     it->key, rname);
	out->kind = FB_EXP_DTOR;
	out->key = fb_strdup(name);
	out->resource = r;
	out->sig = fb_names_sig("i>");
	return 1;
}

int fb_classify_export(const struct wit_world *w, const char *name, uint8_t kind,
		       const struct wasm_functype *ft, struct fb_export *out, char *err,
		       size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (kind == WASM_EXTERN_MEMORY) {
		out->kind = strcmp(name, "memory") == 0 ? FB_EXP_MEMORY : FB_EXP_IGNORED;
		return 0;
	}
	if (kind != WASM_EXTERN_FUNC)
		return 0;
	int r = 0;
	const char *rest = name;
	if (strcmp(name, "cabi_realloc") == 0) {
		out->kind = FB_EXP_REALLOC;
		out->sig = fb_names_sig("iiii>i");
		r = 1;
	} else if (strcmp(name, "_initialize") == 0) {
		out->kind = FB_EXP_INITIALIZE;
		out->sig = fb_names_sig(">");
		r = 1;
	} else if (fb_names_strip(&rest, "[callback][async-lift]")) {
		r = lift_export(w, rest, FB_EXP_CALLBACK, out, err, errlen);
	} else if (fb_names_strip(&rest, "[async-lift-stackful]")) {
		r = lift_export(w, rest, FB_EXP_LIFT_STACKFUL, out, err, errlen);
	} else if (fb_names_strip(&rest, "[async-lift]")) {
		r = lift_export(w, rest, FB_EXP_LIFT_ASYNC, out, err, errlen);
	} else if (strstr(name, "#[dtor]") != NULL) {
		r = dtor_export(w, name, out, err, errlen);
	} else if (fb_names_strip(&rest, "cabi_post_")) {
		r = export_func(w, rest) != NULL ? lift_export(w, rest, FB_EXP_POST_RETURN, out,
							       err, errlen) : 0;
	} else {
		r = lift_export(w, name, FB_EXP_LIFT_SYNC, out, err, errlen);
	}
	if (r <= 0) {
		if (r < 0)
			fb_export_free(out);
		return r;
	}
	if (fb_names_check_sig(&out->sig, ft, "this export's name", err, errlen) != 0) {
		fb_export_free(out);
		return -1;
	}
	return 0;
}

void fb_import_free(struct fb_import *imp)
{
	free(imp->key);
	imp->key = NULL;
}

void fb_export_free(struct fb_export *exp)
{
	free(exp->key);
	exp->key = NULL;
	exp->kind = FB_EXP_IGNORED;
}
