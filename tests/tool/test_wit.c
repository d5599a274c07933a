/*
 * The WIT reader: the graph built from fixtures in tests/tool/wit/ (every
 * type construct, resources, functions, worlds with their keys, `use`
 * identity, `include` merging, elaboration, folders with deps/, nested
 * packages, wit_find_world).
 */
#include "wit/wit_test_util.h"

#include <stdlib.h>
#include <unistd.h>

static struct wit_interface *types_iface(struct wit_resolve *r)
{
	wt_load(r, "wit/types.wit");
	FT_EQ(r->npackages, 1);
	FT_TRUE(r->main == r->packages[0]);
	WT_STR(r->main->ns, "test");
	WT_STR(r->main->name, "types");
	WT_STR(r->main->version, "1.2.3");
	FT_EQ(r->main->ninterfaces, 1);
	return wt_iface(r->main, "all");
}

FT_TEST(test_records_and_locations)
{
	struct wit_resolve r;
	struct wit_interface *all = types_iface(&r);
	FT_TRUE(all->pkg == r.main);
	struct wit_type *point = wt_type(all, "point");
	FT_EQ(point->kind, WIT_T_RECORD);
	WT_STR(point->name, "point");
	FT_TRUE(point->iface == all);
	FT_TRUE(point->world == NULL);
	WT_STR(point->loc.file, "wit/types.wit");
	FT_EQ(point->loc.line, 7);
	FT_EQ(point->loc.col, 10);
	FT_EQ(point->nfields, 2);
	WT_STR(point->fields[0].name, "x");
	WT_STR(point->fields[1].name, "y");
	FT_EQ(point->fields[1].type->kind, WIT_T_S32);
	FT_EQ(point->fields[1].loc.line, 9);
	struct wit_type *mixed = wt_type(all, "mixed");
	FT_EQ(mixed->nfields, 3);
	FT_EQ(mixed->fields[0].type->kind, WIT_T_U8);
	FT_EQ(mixed->fields[1].type->kind, WIT_T_U32);
	FT_EQ(mixed->fields[2].type->kind, WIT_T_U16);
	/* types in order of definition, with their names */
	FT_EQ(all->ntypes, 28);
	FT_TRUE(all->types[0] == point);
	WT_STR(all->type_names[22], "record");
	WT_STR(all->type_names[27], "fallible");
	FT_EQ(all->nuses, 0);
	wit_free(&r);
}

FT_TEST(test_variants_enums_flags)
{
	struct wit_resolve r;
	struct wit_interface *all = types_iface(&r);
	struct wit_type *shape = wt_type(all, "shape");
	FT_EQ(shape->kind, WIT_T_VARIANT);
	FT_EQ(shape->nfields, 3);
	WT_STR(shape->fields[0].name, "none");
	FT_TRUE(shape->fields[0].type == NULL);
	FT_EQ(shape->fields[1].type->kind, WIT_T_F32);
	FT_EQ(shape->fields[2].type->kind, WIT_T_LIST);
	FT_TRUE(shape->fields[2].type->elem == wt_type(all, "point"));
	struct wit_type *color = wt_type(all, "color");
	FT_EQ(color->kind, WIT_T_ENUM);
	FT_EQ(color->nfields, 3);
	WT_STR(color->fields[2].name, "blue");
	FT_TRUE(color->fields[2].type == NULL);
	struct wit_type *perms = wt_type(all, "perms");
	FT_EQ(perms->kind, WIT_T_FLAGS);
	FT_EQ(perms->nfields, 3);
	WT_STR(perms->fields[1].name, "write");
	wit_free(&r);
}

/* The alias target of `type name = ...;`. */
static const struct wit_type *target(const struct wit_interface *i, const char *name)
{
	const struct wit_type *t = wt_type(i, name);
	FT_EQ(t->kind, WIT_T_ALIAS);
	WT_STR(t->name, name);
	return t->elem;
}

FT_TEST(test_aliases_and_anonymous_types)
{
	struct wit_resolve r;
	struct wit_interface *all = types_iface(&r);
	FT_EQ(target(all, "id")->kind, WIT_T_U64);
	FT_TRUE(target(all, "id2") == wt_type(all, "id"));
	FT_EQ(wit_unalias(wt_type(all, "id2"))->kind, WIT_T_U64);
	FT_TRUE(target(all, "record") == wt_type(all, "point"));
	const struct wit_type *t = target(all, "bytes");
	FT_EQ(t->kind, WIT_T_LIST);
	FT_EQ(t->length, 0);
	FT_EQ(t->elem->kind, WIT_T_U8);
	t = target(all, "fixed");
	FT_EQ(t->kind, WIT_T_LIST);
	FT_EQ(t->length, 4);
	t = target(all, "dict");
	FT_EQ(t->kind, WIT_T_MAP);
	FT_EQ(t->key->kind, WIT_T_STRING);
	FT_EQ(t->elem->kind, WIT_T_U32);
	t = target(all, "opt");
	FT_EQ(t->kind, WIT_T_OPTION);
	FT_EQ(t->elem->kind, WIT_T_F32);
	t = target(all, "uses-later");
	FT_TRUE(t->elem == wt_type(all, "later"));
	wit_free(&r);
}

FT_TEST(test_results_tuples_streams)
{
	struct wit_resolve r;
	struct wit_interface *all = types_iface(&r);
	const struct wit_type *t = target(all, "r0");
	FT_EQ(t->kind, WIT_T_RESULT);
	FT_TRUE(t->ok == NULL && t->err == NULL);
	t = target(all, "r1");
	FT_TRUE(t->ok->kind == WIT_T_U32 && t->err == NULL);
	t = target(all, "r2");
	FT_TRUE(t->ok == NULL && t->err->kind == WIT_T_STRING);
	t = target(all, "r3");
	FT_TRUE(t->ok->kind == WIT_T_U32 && t->err->kind == WIT_T_F32);
	t = target(all, "tup");
	FT_EQ(t->kind, WIT_T_TUPLE);
	FT_EQ(t->nfields, 3);
	FT_TRUE(t->fields[0].name == NULL);
	FT_EQ(t->fields[2].type->kind, WIT_T_CHAR);
	t = target(all, "s0");
	FT_TRUE(t->kind == WIT_T_STREAM && t->elem == NULL);
	t = target(all, "s1");
	FT_TRUE(t->kind == WIT_T_STREAM && t->elem->kind == WIT_T_U8);
	t = target(all, "f0");
	FT_TRUE(t->kind == WIT_T_FUTURE && t->elem == NULL);
	t = target(all, "f1");
	FT_TRUE(t->kind == WIT_T_FUTURE && t->elem->kind == WIT_T_STRING);
	t = target(all, "legacy");
	FT_TRUE(t->fields[0].type->kind == WIT_T_F32 && t->fields[1].type->kind == WIT_T_F64);
	static const enum wit_type_kind prims[] = {
		WIT_T_BOOL, WIT_T_S8, WIT_T_U8, WIT_T_S16, WIT_T_U16, WIT_T_S32, WIT_T_U32,
		WIT_T_S64, WIT_T_U64, WIT_T_F32, WIT_T_F64, WIT_T_CHAR, WIT_T_STRING,
	};
	t = target(all, "prims");
	FT_EQ(t->nfields, 13);
	for (uint32_t i = 0; i < 13; i++)
		FT_EQ(t->fields[i].type->kind, prims[i]);
	wit_free(&r);
}

FT_TEST(test_resources)
{
	struct wit_resolve r;
	struct wit_interface *all = types_iface(&r);
	struct wit_type *blob = wt_type(all, "blob");
	FT_EQ(blob->kind, WIT_T_RESOURCE);
	FT_EQ(blob->nfuncs, 6);
	const struct wit_func *f = &blob->funcs[0];
	FT_EQ(f->kind, WIT_FUNC_CONSTRUCTOR);
	WT_STR(f->name, "constructor");
	FT_TRUE(f->resource == blob);
	FT_EQ(f->nparams, 1);
	FT_EQ(f->params[0].type->kind, WIT_T_LIST);
	FT_TRUE(f->result->kind == WIT_T_OWN && f->result->elem == blob);
	f = wt_rfunc(blob, "size");
	FT_EQ(f->kind, WIT_FUNC_METHOD);
	FT_EQ(f->nparams, 1);
	WT_STR(f->params[0].name, "self");
	FT_TRUE(f->params[0].type->kind == WIT_T_BORROW && f->params[0].type->elem == blob);
	FT_EQ(f->result->kind, WIT_T_U64);
	FT_FALSE(f->async);
	f = wt_rfunc(blob, "static-make");
	FT_EQ(f->kind, WIT_FUNC_STATIC);
	FT_EQ(f->nparams, 0);
	FT_TRUE(f->result->kind == WIT_T_OWN && f->result->elem == blob); /* bare name */
	f = wt_rfunc(blob, "merge");
	FT_TRUE(f->params[0].type->kind == WIT_T_BORROW && f->params[0].type->elem == blob);
	FT_TRUE(f->params[1].type->kind == WIT_T_OWN && f->params[1].type->elem == blob);
	f = wt_rfunc(blob, "read");
	FT_TRUE(f->kind == WIT_FUNC_METHOD && f->async);
	FT_EQ(f->nparams, 2);
	WT_STR(f->params[1].name, "n");
	f = wt_rfunc(blob, "stream");
	FT_TRUE(f->kind == WIT_FUNC_STATIC && f->async);
	FT_EQ(wt_type(all, "empty")->nfuncs, 0);
	struct wit_type *fallible = wt_type(all, "fallible");
	f = &fallible->funcs[0];
	FT_EQ(f->result->kind, WIT_T_RESULT);
	FT_TRUE(f->result->ok->kind == WIT_T_OWN && f->result->ok->elem == fallible);
	FT_EQ(f->result->err->kind, WIT_T_STRING);
	wit_free(&r);
}

FT_TEST(test_functions)
{
	struct wit_resolve r;
	struct wit_interface *all = types_iface(&r);
	FT_EQ(all->nfuncs, 4);
	const struct wit_func *f = &all->funcs[0];
	WT_STR(f->name, "get");
	FT_EQ(f->kind, WIT_FUNC_FREESTANDING);
	FT_FALSE(f->async);
	FT_EQ(f->nparams, 2);
	FT_TRUE(f->params[0].type == wt_type(all, "point"));
	WT_STR(f->params[1].name, "type");
	FT_TRUE(f->result->kind == WIT_T_OPTION && f->result->elem == wt_type(all, "point"));
	FT_EQ(f->loc.line, 51);
	FT_EQ(f->loc.col, 3);
	f = wt_func(all, "run");
	FT_TRUE(f->async && f->nparams == 0 && f->result == NULL);
	f = wt_func(all, "foo");
	FT_EQ(f->params[0].type->kind, WIT_T_FUTURE);
	FT_EQ(f->params[0].type->elem->kind, WIT_T_FUTURE);
	FT_EQ(f->result->kind, WIT_T_STREAM);
	f = wt_func(all, "take");
	FT_TRUE(f->params[0].type->kind == WIT_T_OWN && f->params[0].type->elem == wt_type(all, "blob"));
	FT_TRUE(f->params[1].type->kind == WIT_T_BORROW &&
		f->params[1].type->elem == wt_type(all, "empty"));
	struct wit_error err;
	FT_TRUE(wit_find_world(&r, NULL, &err) == NULL);
	FT_TRUE(strstr(err.msg, "has no world") != NULL);
	wit_free(&r);
}

static const struct wit_item *item(const struct wit_item *items, uint32_t n, uint32_t i,
				   const char *key, enum wit_item_kind kind, bool implicit)
{
	FT_TRUE(i < n);
	WT_STR(items[i].key, key);
	FT_EQ(items[i].kind, kind);
	FT_EQ(items[i].implicit, implicit);
	return &items[i];
}

#define IMPORT(w, i, key, kind, impl) item((w)->imports, (w)->nimports, (i), (key), (kind), (impl))
#define EXPORT(w, i, key, kind, impl) item((w)->exports, (w)->nexports, (i), (key), (kind), (impl))

FT_TEST(test_world_items_and_keys)
{
	struct wit_resolve r;
	wt_load(&r, "wit/world.wit");
	struct wit_interface *base = wt_iface(r.main, "base"), *user = wt_iface(r.main, "user");
	struct wit_world *w = wt_world(r.main, "main"), *inner = wt_world(r.main, "inner");
	FT_TRUE(w->pkg == r.main);
	FT_EQ(w->nimports, 8);
	FT_TRUE(IMPORT(w, 0, "test:w/base", WIT_ITEM_INTERFACE, false)->iface == base);
	const struct wit_item *it = IMPORT(w, 1, "pt", WIT_ITEM_TYPE, false);
	FT_TRUE(it->type == wt_type(base, "pt") && it->iface == base);
	it = IMPORT(w, 2, "local", WIT_ITEM_TYPE, false);
	FT_TRUE(it->type->kind == WIT_T_ALIAS && it->type->world == w && it->type->iface == NULL);
	FT_TRUE(it->type->elem->elem == wt_type(base, "pt"));
	FT_TRUE(it->iface == NULL);
	FT_TRUE(IMPORT(w, 3, "test:w/user", WIT_ITEM_INTERFACE, false)->iface == user);
	it = IMPORT(w, 4, "cfg", WIT_ITEM_INTERFACE, false);
	FT_TRUE(it->iface->name == NULL && it->iface->pkg == r.main);
	FT_TRUE(it->iface->types[0] == wt_type(base, "t"));
	FT_TRUE(it->iface->funcs[0].result == wt_type(base, "t"));
	FT_EQ(it->loc.line, 29);
	it = IMPORT(w, 5, "go", WIT_ITEM_FUNC, false);
	FT_TRUE(it->func->async && it->func->result->kind == WIT_T_U32);
	FT_TRUE(IMPORT(w, 6, "alias-user", WIT_ITEM_INTERFACE, false)->iface == user);
	it = IMPORT(w, 7, "log", WIT_ITEM_FUNC, false);
	FT_TRUE(it->func == inner->imports[0].func); /* merged from `include inner` */
	FT_EQ(w->nexports, 3);
	EXPORT(w, 0, "run", WIT_ITEM_FUNC, false);
	FT_TRUE(EXPORT(w, 1, "test:w/user", WIT_ITEM_INTERFACE, false)->iface == user);
	EXPORT(w, 2, "ping", WIT_ITEM_FUNC, false);
	wit_free(&r);
}

FT_TEST(test_use_identity_and_renames)
{
	struct wit_resolve r;
	wt_load(&r, "wit/world.wit");
	struct wit_interface *base = wt_iface(r.main, "base"), *user = wt_iface(r.main, "user");
	struct wit_interface *more = wt_iface(r.main, "more");
	struct wit_type *pt = wt_type(base, "pt");
	FT_TRUE(pt->iface == base);
	FT_TRUE(wt_type(user, "pt") == pt);
	FT_TRUE(wt_type(more, "pt") == pt); /* used twice over, still one type */
	FT_TRUE(wt_type(user, "tt") == wt_type(base, "t"));
	WT_STR(wt_type(user, "tt")->name, "t");
	FT_TRUE(user->funcs[0].params[0].type == pt);
	FT_TRUE(user->funcs[0].result == wt_type(base, "t"));
	FT_EQ(user->nuses, 1);
	FT_TRUE(user->uses[0] == base);
	FT_EQ(more->nuses, 1);
	FT_TRUE(more->uses[0] == user);
	wit_free(&r);
}

FT_TEST(test_world_elaboration)
{
	struct wit_resolve r;
	wt_load(&r, "wit/world.wit");
	struct wit_world *w = wt_world(r.main, "implicit-export");
	FT_EQ(w->nimports, 2);
	IMPORT(w, 0, "test:w/base", WIT_ITEM_INTERFACE, true);
	IMPORT(w, 1, "test:w/user", WIT_ITEM_INTERFACE, true);
	FT_EQ(w->nexports, 1);
	EXPORT(w, 0, "test:w/more", WIT_ITEM_INTERFACE, false);
	w = wt_world(r.main, "implicit-import");
	FT_EQ(w->nimports, 3);
	IMPORT(w, 0, "test:w/base", WIT_ITEM_INTERFACE, true);
	IMPORT(w, 1, "test:w/user", WIT_ITEM_INTERFACE, true);
	IMPORT(w, 2, "test:w/more", WIT_ITEM_INTERFACE, false);
	FT_EQ(w->nexports, 1);
	w = wt_world(r.main, "both");
	FT_EQ(w->nimports, 0);
	FT_EQ(w->nexports, 2);
	EXPORT(w, 0, "test:w/base", WIT_ITEM_INTERFACE, false);
	EXPORT(w, 1, "test:w/user", WIT_ITEM_INTERFACE, false);
	wit_free(&r);
}

FT_TEST(test_include_merging)
{
	struct wit_resolve r;
	wt_load(&r, "wit/world.wit");
	struct wit_world *w = wt_world(r.main, "twice");
	FT_EQ(w->nimports, 8);
	IMPORT(w, 0, "log", WIT_ITEM_FUNC, false);
	IMPORT(w, 1, "test:w/base", WIT_ITEM_INTERFACE, false);
	IMPORT(w, 2, "pt", WIT_ITEM_TYPE, false);
	IMPORT(w, 7, "alias-user", WIT_ITEM_INTERFACE, false);
	FT_EQ(w->nexports, 3);
	EXPORT(w, 0, "ping", WIT_ITEM_FUNC, false);
	EXPORT(w, 1, "run", WIT_ITEM_FUNC, false);
	EXPORT(w, 2, "test:w/user", WIT_ITEM_INTERFACE, false);
	wit_free(&r);
}

FT_TEST(test_find_world)
{
	struct wit_resolve r;
	struct wit_error err;
	wt_load(&r, "wit/world.wit");
	FT_TRUE(wit_find_world(&r, "main", &err) == wt_world(r.main, "main"));
	FT_TRUE(wit_find_world(&r, "test:w/inner", &err) == wt_world(r.main, "inner"));
	FT_TRUE(wit_find_world(&r, "nope", &err) == NULL);
	WT_STR(err.msg, "world `nope` not found in package `test:w`");
	FT_TRUE(wit_find_world(&r, "test:w/nope", &err) == NULL);
	FT_TRUE(strstr(err.msg, "`test:w/nope` not found") != NULL);
	FT_TRUE(wit_find_world(&r, NULL, &err) == NULL);
	FT_TRUE(strstr(err.msg, "has 6 worlds") != NULL);
	wit_free(&r);
}

FT_TEST(test_folder_with_deps)
{
	struct wit_resolve r;
	wt_load(&r, "wit/app");
	FT_EQ(r.npackages, 5);
	FT_TRUE(r.packages[r.npackages - 1] == r.main); /* dependencies first */
	WT_STR(r.main->ns, "test");
	WT_STR(r.main->name, "app");
	WT_STR(r.main->version, "0.1.0");
	struct wit_package *io = wt_pkg(&r, "test", "io");
	WT_STR(io->version, "0.2.0");
	FT_EQ(io->ninterfaces, 2);
	struct wit_interface *types = wt_iface(io, "types"), *streams = wt_iface(io, "streams");
	struct wit_interface *clock = wt_iface(wt_pkg(&r, "test", "clocks"), "clock");
	struct wit_interface *api = wt_iface(r.main, "api");
	struct wit_type *error = wt_type(types, "error");
	FT_TRUE(wt_type(streams, "error") == error);
	FT_TRUE(wt_type(clock, "error") == error);
	FT_TRUE(wt_type(api, "error") == error);
	FT_TRUE(wt_type(api, "input-stream") == wt_type(streams, "input-stream"));
	FT_TRUE(wt_type(api, "input-stream")->iface == streams);
	const struct wit_func *f = wt_func(api, "read");
	FT_TRUE(f->params[0].type->kind == WIT_T_BORROW &&
		f->params[0].type->elem == wt_type(streams, "input-stream"));
	FT_TRUE(f->params[1].type == wt_type(clock, "instant"));
	FT_TRUE(f->result->err == error);
	FT_EQ(api->nuses, 2);
	FT_TRUE(api->uses[0] == streams && api->uses[1] == clock);
	wit_free(&r);
}

FT_TEST(test_folder_world)
{
	struct wit_resolve r;
	struct wit_error err;
	wt_load(&r, "wit/app");
	struct wit_world *w = wit_find_world(&r, NULL, &err);
	FT_TRUE(w != NULL);
	WT_STR(w->name, "app");
	WT_STR(w->loc.file, "wit/app/world.wit");
	FT_EQ(w->nimports, 5);
	IMPORT(w, 0, "test:io/types@0.2.0", WIT_ITEM_INTERFACE, true);
	IMPORT(w, 1, "test:io/streams@0.2.0", WIT_ITEM_INTERFACE, false);
	IMPORT(w, 2, "test:clocks/clock", WIT_ITEM_INTERFACE, false);
	IMPORT(w, 3, "test:app/api@0.1.0", WIT_ITEM_INTERFACE, false);
	IMPORT(w, 4, "test:nest-a/a", WIT_ITEM_INTERFACE, true);
	FT_EQ(w->nexports, 2);
	EXPORT(w, 0, "test:nest-b/b@1.0.0", WIT_ITEM_INTERFACE, false);
	const struct wit_item *h = EXPORT(w, 1, "handler", WIT_ITEM_INTERFACE, false);
	FT_TRUE(h->iface->funcs[0].result->err == wt_type(wt_iface(r.main, "api"), "error"));
	struct wit_world *clocks = wit_find_world(&r, "test:clocks/clocks", &err);
	FT_TRUE(clocks != NULL);
	FT_EQ(clocks->nimports, 2);
	IMPORT(clocks, 0, "test:io/types@0.2.0", WIT_ITEM_INTERFACE, true);
	IMPORT(clocks, 1, "test:clocks/clock", WIT_ITEM_INTERFACE, false);
	FT_TRUE(wit_find_world(&r, "test:nest-b/bw@1.0.0", &err) != NULL);
	FT_TRUE(wit_find_world(&r, "test:nest-b@1.0.0/bw", &err) != NULL);
	FT_TRUE(wit_find_world(&r, "test:nest-b/bw@2.0.0", &err) == NULL);
	wit_free(&r);
}

FT_TEST(test_nested_packages_in_one_file)
{
	struct wit_resolve r;
	wt_load(&r, "wit/nested.wit");
	FT_EQ(r.npackages, 2);
	WT_STR(r.main->name, "root");
	struct wit_package *dep = wt_pkg(&r, "test", "dep");
	WT_STR(dep->version, "2.0.0");
	struct wit_world *w = wt_world(r.main, "root");
	FT_EQ(w->nimports, 1);
	FT_TRUE(IMPORT(w, 0, "test:dep/d@2.0.0", WIT_ITEM_INTERFACE, false)->iface == wt_iface(dep, "d"));
	FT_EQ(w->nexports, 1);
	FT_TRUE(EXPORT(w, 0, "test:root/r", WIT_ITEM_INTERFACE, false)->iface == wt_iface(r.main, "r"));
	wit_free(&r);
}

/* CRLF line ends and a byte-order mark (written at run time: git may
 * normalize them in a fixture), resources in a world, `use ... as` with a
 * trailing comma, `import label: path;`, a top-level `use` of a world. */
static const char crlf_src[] =
	"\xef\xbb\xbfpackage a:b;\r\n"
	"\r\n"
	"package x:y@1.0.0 { interface q { type u = u8; } interface z { use q.{u}; } }\r\n"
	"use base-w as bw;\r\n"
	"interface i {\r\n"
	"  type t = u32;\r\n"
	"}\r\n"
	"world base-w { import i; export e: func(); }\r\n"
	"world w {\r\n"
	"  resource r {\r\n"
	"    constructor();\r\n"
	"    m: func(x: t2);\r\n"
	"  }\r\n"
	"  use i.{t as t2,};\r\n"
	"  import f: func(x: r) -> own<r>;\r\n"
	"  import label: i;\r\n"
	"  import other: x:y/z@1.0.0;\r\n"
	"}\r\n"
	"world w2 { include bw; include w; }\r\n";

static void check_crlf_world(const struct wit_resolve *r)
{
	struct wit_interface *i = wt_iface(r->main, "i");
	struct wit_world *w = wt_world(r->main, "w");
	FT_TRUE(i->loc.line == 5 && i->loc.col == 11);
	FT_EQ(w->nimports, 7);
	const struct wit_item *res = IMPORT(w, 0, "r", WIT_ITEM_TYPE, false);
	FT_TRUE(res->type->kind == WIT_T_RESOURCE && res->type->world == w);
	FT_EQ(res->type->nfuncs, 2);
	FT_TRUE(res->type->funcs[1].params[1].type == wt_type(i, "t"));
	IMPORT(w, 1, "a:b/i", WIT_ITEM_INTERFACE, true);
	const struct wit_item *t2 = IMPORT(w, 2, "t2", WIT_ITEM_TYPE, false);
	FT_TRUE(t2->type == wt_type(i, "t") && t2->iface == i);
	FT_TRUE(t2->loc.line == 14 && t2->loc.col == 15);
	const struct wit_func *f = IMPORT(w, 3, "f", WIT_ITEM_FUNC, false)->func;
	FT_TRUE(f->params[0].type->kind == WIT_T_OWN && f->params[0].type->elem == res->type);
	FT_TRUE(f->result->kind == WIT_T_OWN && f->result->elem == res->type);
	FT_TRUE(IMPORT(w, 4, "label", WIT_ITEM_INTERFACE, false)->iface == i);
	IMPORT(w, 5, "x:y/q@1.0.0", WIT_ITEM_INTERFACE, true);
	const struct wit_item *other = IMPORT(w, 6, "other", WIT_ITEM_INTERFACE, false);
	WT_STR(other->iface->name, "z");
	struct wit_world *w2 = wt_world(r->main, "w2");
	FT_EQ(w2->nimports, 7);
	IMPORT(w2, 0, "a:b/i", WIT_ITEM_INTERFACE, false);
	IMPORT(w2, 1, "r", WIT_ITEM_TYPE, false);
	IMPORT(w2, 6, "other", WIT_ITEM_INTERFACE, false);
	FT_EQ(w2->nexports, 1);
	EXPORT(w2, 0, "e", WIT_ITEM_FUNC, false);
}

FT_TEST(test_crlf_bom_and_world_resources)
{
	char path[] = "/tmp/flue-wit-XXXXXX";
	int fd = mkstemp(path);
	FT_TRUE(fd >= 0);
	FT_EQ(write(fd, crlf_src, sizeof crlf_src - 1), sizeof crlf_src - 1);
	close(fd);
	struct wit_resolve r;
	struct wit_error err;
	int rc = wit_load(&r, path, &err);
	unlink(path);
	if (rc != 0)
		fprintf(stderr, "  %s\n", err.msg);
	FT_EQ(rc, 0);
	check_crlf_world(&r);
	wit_free(&r);
}

/* error-context: a type of its own, a handle (i32, 4 bytes, aligned 4). */
FT_TEST(test_error_context)
{
	struct wit_resolve r;
	wt_load(&r, "wit/errctx.wit");
	const struct wit_interface *i = r.main->interfaces[0];
	const struct wit_type *e = wit_unalias(wt_type(i, "e"));
	FT_EQ(e->kind, WIT_T_ERROR_CONTEXT);
	enum wit_core c[2];
	FT_EQ(wit_flatten(e, c, 2), 1);
	FT_EQ(c[0], WIT_CORE_I32);
	FT_EQ(wit_size(e), 4);
	FT_EQ(wit_align(e), 4);
	const struct wit_func *f = &i->funcs[0];
	FT_EQ(f->params[0].type->err->kind, WIT_T_ERROR_CONTEXT);
	FT_EQ(f->result->elem->kind, WIT_T_ERROR_CONTEXT);
	struct wit_core_sig s;
	FT_EQ(wit_core_signature(f, WIT_ABI_IMPORT, &s), 0);
	FT_EQ(s.nparams, 3); /* the result's case and payload, the return pointer */
	FT_TRUE(s.retptr);
	wit_free(&r);
}

FT_TEST(test_free_is_safe)
{
	struct wit_resolve r;
	memset(&r, 0, sizeof r);
	wit_free(&r);
	wit_free(&r);
	FT_TRUE(wit_unalias(NULL) == NULL);
}

FT_SUITE(wit,
	 FT_CASE(test_records_and_locations),
	 FT_CASE(test_variants_enums_flags),
	 FT_CASE(test_aliases_and_anonymous_types),
	 FT_CASE(test_results_tuples_streams),
	 FT_CASE(test_resources),
	 FT_CASE(test_functions),
	 FT_CASE(test_world_items_and_keys),
	 FT_CASE(test_use_identity_and_renames),
	 FT_CASE(test_world_elaboration),
	 FT_CASE(test_include_merging),
	 FT_CASE(test_find_world),
	 FT_CASE(test_folder_with_deps),
	 FT_CASE(test_folder_world),
	 FT_CASE(test_nested_packages_in_one_file),
	 FT_CASE(test_crlf_bom_and_world_resources),
	 FT_CASE(test_error_context),
	 FT_CASE(test_free_is_safe))
