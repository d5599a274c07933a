/*
 * WIT reader, canonical ABI (memory32): flattening (CanonicalABI.md
 * flatten_type with its `join`), size and alignment (elem_size, alignment,
 * discriminant_type), core signatures (wit-parser Resolve::wasm_signature)
 * and the stream/future order of a function (wit-parser
 * Function::find_futures_and_streams).
 */
#include "wit.h"

#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ cases */

/* variant, enum, option and result are all variants (despecialize). */
static uint32_t ncases(const struct wit_type *t)
{
	return t->kind == WIT_T_VARIANT || t->kind == WIT_T_ENUM ? t->nfields : 2;
}

static const struct wit_type *case_type(const struct wit_type *t, uint32_t i)
{
	switch (t->kind) {
	case WIT_T_VARIANT: return t->fields[i].type;
	case WIT_T_OPTION: return i == 1 ? t->elem : NULL;
	case WIT_T_RESULT: return i == 0 ? t->ok : t->err;
	default: return NULL;
	}
}

/* discriminant_type: u8 up to 256 cases, u16 up to 65536, else u32. */
static uint32_t disc_size(uint32_t n)
{
	return n <= 256u ? 1u : n <= 65536u ? 2u : 4u;
}

/* ------------------------------------------------------------ flattening */

#define FLAT_SAT ((uint64_t)1 << 40) /* counts saturate here */

struct flat {
	enum wit_core *out;
	uint32_t max;
	uint64_t n;
};

static void put(struct flat *f, enum wit_core c)
{
	if (f->n < f->max)
		f->out[f->n] = c;
	if (f->n < FLAT_SAT)
		f->n++;
}

static enum wit_core join(enum wit_core a, enum wit_core b)
{
	if (a == b)
		return a;
	if ((a == WIT_CORE_I32 && b == WIT_CORE_F32) || (a == WIT_CORE_F32 && b == WIT_CORE_I32))
		return WIT_CORE_I32;
	return WIT_CORE_I64;
}

static int flat(struct flat *f, const struct wit_type *t);

/* Room left in `f->out` from position f->n, and a scratch buffer of it. */
static uint32_t room_of(const struct flat *f)
{
	return f->n < f->max ? (uint32_t)(f->max - f->n) : 0u;
}

/* flatten_variant: the discriminant, then the cases joined position-wise. */
static int flat_variant(struct flat *f, const struct wit_type *t)
{
	put(f, WIT_CORE_I32);
	uint64_t start = f->n, width = 0;
	uint32_t room = room_of(f);
	enum wit_core *tmp = room != 0 ? fb_malloc(sizeof *tmp * room) : NULL;
	int rc = 0;
	for (uint32_t i = 0; i < ncases(t) && rc == 0; i++) {
		const struct wit_type *c = case_type(t, i);
		struct flat sub = { tmp, room, 0 };
		if (c == NULL || (rc = flat(&sub, c)) < 0)
			continue;
		for (uint64_t j = 0; j < sub.n && j < room; j++)
			f->out[start + j] = j < width ? join(f->out[start + j], tmp[j]) : tmp[j];
		if (sub.n > width)
			width = sub.n;
	}
	free(tmp);
	f->n = start + width < FLAT_SAT ? start + width : FLAT_SAT;
	return rc;
}

/* list<T, N>: N times T. */
static int flat_fixed(struct flat *f, const struct wit_type *t)
{
	uint64_t start = f->n;
	uint32_t room = room_of(f);
	enum wit_core *tmp = room != 0 ? fb_malloc(sizeof *tmp * room) : NULL;
	struct flat sub = { tmp, room, 0 };
	int rc = flat(&sub, t->elem);
	uint64_t k = sub.n;
	uint64_t total = k != 0 && t->length > FLAT_SAT / k ? FLAT_SAT : k * t->length;
	for (uint64_t j = 0; rc == 0 && j < total && j < room; j++)
		f->out[start + j] = tmp[j % k];
	free(tmp);
	f->n = start + total < FLAT_SAT ? start + total : FLAT_SAT;
	return rc;
}

static int flat(struct flat *f, const struct wit_type *t)
{
	switch (t->kind) {
	case WIT_T_S64: case WIT_T_U64:
		put(f, WIT_CORE_I64);
		return 0;
	case WIT_T_F32:
		put(f, WIT_CORE_F32);
		return 0;
	case WIT_T_F64:
		put(f, WIT_CORE_F64);
		return 0;
	case WIT_T_STRING: case WIT_T_MAP:
		put(f, WIT_CORE_I32);
		put(f, WIT_CORE_I32);
		return 0;
	case WIT_T_LIST:
		if (t->length != 0)
			return flat_fixed(f, t);
		put(f, WIT_CORE_I32);
		put(f, WIT_CORE_I32);
		return 0;
	case WIT_T_RECORD: case WIT_T_TUPLE:
		for (uint32_t i = 0; i < t->nfields; i++) {
			if (flat(f, t->fields[i].type) < 0)
				return -1;
		}
		return 0;
	case WIT_T_VARIANT: case WIT_T_OPTION: case WIT_T_RESULT:
		return flat_variant(f, t);
	case WIT_T_FLAGS:
		for (uint32_t i = 0; i < (t->nfields + 31) / 32; i++)
			put(f, WIT_CORE_I32);
		return 0;
	case WIT_T_ALIAS:
		return flat(f, t->elem);
	case WIT_T_RESOURCE:
		return -1;
	default: /* bool, 8-32-bit ints, char, enum, own, borrow, stream, future,
		    error-context */
		put(f, WIT_CORE_I32);
		return 0;
	}
}

int wit_flatten(const struct wit_type *t, enum wit_core *out, uint32_t max)
{
	struct flat f = { out, max, 0 };
	if (flat(&f, t) < 0)
		return -1;
	return f.n > (uint64_t)INT_MAX ? INT_MAX : (int)f.n;
}

/* ------------------------------------------------------------ size, align */

static uint64_t sat(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : v;
}

static uint64_t align_to(uint64_t v, uint64_t a)
{
	return sat((v + a - 1) / a * a);
}

static uint32_t variant_align(const struct wit_type *t)
{
	uint32_t a = disc_size(ncases(t));
	for (uint32_t i = 0; i < ncases(t); i++) {
		const struct wit_type *c = case_type(t, i);
		uint32_t ca = c != NULL ? wit_align(c) : 1u;
		a = ca > a ? ca : a;
	}
	return a;
}

uint32_t wit_align(const struct wit_type *t)
{
	uint32_t a = 1;
	switch (t->kind) {
	case WIT_T_BOOL: case WIT_T_S8: case WIT_T_U8: case WIT_T_RESOURCE:
		return 1;
	case WIT_T_S16: case WIT_T_U16:
		return 2;
	case WIT_T_S64: case WIT_T_U64: case WIT_T_F64:
		return 8;
	case WIT_T_LIST:
		return t->length != 0 ? wit_align(t->elem) : 4u;
	case WIT_T_RECORD: case WIT_T_TUPLE:
		for (uint32_t i = 0; i < t->nfields; i++) {
			uint32_t fa = wit_align(t->fields[i].type);
			a = fa > a ? fa : a;
		}
		return a;
	case WIT_T_VARIANT: case WIT_T_ENUM: case WIT_T_OPTION: case WIT_T_RESULT:
		return variant_align(t);
	case WIT_T_FLAGS:
		return t->nfields <= 8 ? 1u : t->nfields <= 16 ? 2u : 4u;
	case WIT_T_ALIAS:
		return wit_align(t->elem);
	default: /* s32, u32, f32, char, string, map, own, borrow, stream, future,
		    error-context */
		return 4;
	}
}

static uint64_t size_of(const struct wit_type *t);

static uint64_t variant_size(const struct wit_type *t)
{
	uint64_t s = disc_size(ncases(t)), cs = 0, ca = 1;
	for (uint32_t i = 0; i < ncases(t); i++) {
		const struct wit_type *c = case_type(t, i);
		if (c == NULL)
			continue;
		uint64_t sz = size_of(c), al = wit_align(c);
		cs = sz > cs ? sz : cs;
		ca = al > ca ? al : ca;
	}
	s = align_to(s, ca) + cs;
	return align_to(s, variant_align(t));
}

static uint64_t size_of(const struct wit_type *t)
{
	uint64_t s = 0;
	switch (t->kind) {
	case WIT_T_BOOL: case WIT_T_S8: case WIT_T_U8:
		return 1;
	case WIT_T_S16: case WIT_T_U16:
		return 2;
	case WIT_T_S64: case WIT_T_U64: case WIT_T_F64: case WIT_T_STRING: case WIT_T_MAP:
		return 8;
	case WIT_T_LIST:
		return t->length != 0 ? sat(t->length * size_of(t->elem)) : 8u;
	case WIT_T_RECORD: case WIT_T_TUPLE:
		for (uint32_t i = 0; i < t->nfields; i++) {
			const struct wit_type *ft = t->fields[i].type;
			s = sat(align_to(s, wit_align(ft)) + size_of(ft));
		}
		return align_to(s, wit_align(t));
	case WIT_T_VARIANT: case WIT_T_ENUM: case WIT_T_OPTION: case WIT_T_RESULT:
		return variant_size(t);
	case WIT_T_FLAGS:
		return t->nfields == 0 ? 0u : t->nfields <= 8 ? 1u : t->nfields <= 16 ? 2u
		       : 4u * ((t->nfields + 31u) / 32u);
	case WIT_T_ALIAS:
		return size_of(t->elem);
	case WIT_T_RESOURCE:
		return 0;
	default: /* s32, u32, f32, char, own, borrow, stream, future, error-context */
		return 4;
	}
}

uint32_t wit_size(const struct wit_type *t)
{
	return (uint32_t)sat(size_of(t));
}

/* ------------------------------------------------------------ signatures */

static int sig_params(const struct wit_func *f, enum wit_abi abi, struct wit_core_sig *out)
{
	enum wit_core buf[WIT_MAX_FLAT_PARAMS + 1];
	struct flat fl = { buf, WIT_MAX_FLAT_PARAMS + 1, 0 };
	if (abi == WIT_ABI_TASK_RETURN) {
		if (f->result != NULL && flat(&fl, f->result) < 0)
			return -1;
	} else {
		for (uint32_t i = 0; i < f->nparams; i++) {
			if (flat(&fl, f->params[i].type) < 0)
				return -1;
		}
	}
	uint32_t max = abi == WIT_ABI_IMPORT_ASYNC ? WIT_MAX_FLAT_ASYNC_PARAMS : WIT_MAX_FLAT_PARAMS;
	if (fl.n > max) {
		out->indirect_params = true;
		out->params[0] = WIT_CORE_I32;
		out->nparams = 1;
	} else {
		memcpy(out->params, buf, sizeof buf[0] * fl.n);
		out->nparams = (uint32_t)fl.n;
	}
	return 0;
}

/* Sync lowering/lifting: one flat result at most, else a return pointer. */
static int sig_sync_result(const struct wit_func *f, enum wit_abi abi, struct wit_core_sig *out)
{
	enum wit_core r[WIT_MAX_FLAT_RESULTS];
	int n = f->result != NULL ? wit_flatten(f->result, r, WIT_MAX_FLAT_RESULTS) : 0;
	if (n < 0)
		return -1;
	if ((uint32_t)n <= WIT_MAX_FLAT_RESULTS) {
		memcpy(out->results, r, sizeof r[0] * (uint32_t)n);
		out->nresults = (uint32_t)n;
		return 0;
	}
	out->retptr = true;
	if (abi == WIT_ABI_IMPORT)
		out->params[out->nparams++] = WIT_CORE_I32;
	else
		out->results[out->nresults++] = WIT_CORE_I32;
	return 0;
}

int wit_core_signature(const struct wit_func *f, enum wit_abi abi, struct wit_core_sig *out)
{
	memset(out, 0, sizeof *out);
	if (abi == WIT_ABI_POST_RETURN) {
		struct wit_core_sig ex;
		if (wit_core_signature(f, WIT_ABI_EXPORT, &ex) < 0)
			return -1;
		memcpy(out->params, ex.results, sizeof ex.results[0] * ex.nresults);
		out->nparams = ex.nresults;
		return 0;
	}
	if (sig_params(f, abi, out) < 0)
		return -1;
	switch (abi) {
	case WIT_ABI_IMPORT:
	case WIT_ABI_EXPORT:
		return sig_sync_result(f, abi, out);
	case WIT_ABI_IMPORT_ASYNC:
		if (f->result != NULL) {
			out->params[out->nparams++] = WIT_CORE_I32;
			out->retptr = true;
		}
		out->results[out->nresults++] = WIT_CORE_I32;
		return 0;
	case WIT_ABI_EXPORT_ASYNC:
		out->results[out->nresults++] = WIT_CORE_I32;
		return 0;
	default: /* stackful export, task.return: no results */
		return 0;
	}
}

/* ------------------------------------------------------------ streams */

static void find_streams(const struct wit_type *t, const struct wit_type **out, uint32_t max,
			 uint32_t *n)
{
	if (t == NULL)
		return;
	switch (t->kind) {
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < t->nfields; i++)
			find_streams(t->fields[i].type, out, max, n);
		return;
	case WIT_T_OPTION: case WIT_T_LIST: case WIT_T_ALIAS:
		find_streams(t->elem, out, max, n);
		return;
	case WIT_T_MAP:
		find_streams(t->key, out, max, n);
		find_streams(t->elem, out, max, n);
		return;
	case WIT_T_RESULT:
		find_streams(t->ok, out, max, n);
		find_streams(t->err, out, max, n);
		return;
	case WIT_T_STREAM: case WIT_T_FUTURE:
		find_streams(t->elem, out, max, n);
		if (*n < max)
			out[*n] = t;
		(*n)++;
		return;
	default: /* primitives, enum, flags, resources and handles */
		return;
	}
}

uint32_t wit_func_streams(const struct wit_func *f, const struct wit_type **out, uint32_t max)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < f->nparams; i++)
		find_streams(f->params[i].type, out, max, &n);
	find_streams(f->result, out, max, &n);
	return n;
}
