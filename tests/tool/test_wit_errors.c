/*
 * The WIT reader's errors: one fixture per class (tests/tool/wit/bad/),
 * each checked for its exact "file:line:col: " prefix and a key phrase.
 */
#include "wit/wit_test_util.h"

#define BAD(name) "wit/bad/" name

FT_TEST(test_syntax)
{
	wt_load_error(BAD("syntax.wit"), BAD("syntax.wit:3:13: "),
		      "expected ':', found keyword `u32`");
	wt_load_error(BAD("eof.wit"), BAD("eof.wit:2:14: "), "expected '}', found end of file");
	wt_load_error(BAD("attr.wit"), BAD("attr.wit:2:2: "), "unknown attribute `nope`");
	wt_load_error(BAD("version.wit"), BAD("version.wit:1:13: "), "leading zero");
	wt_load_error(BAD("include-with.wit"), BAD("include-with.wit:3:21: "),
		      "renames are not supported");
	wt_load_error(BAD("fixed-zero.wit"), BAD("fixed-zero.wit:3:21: "), "invalid list size");
}

FT_TEST(test_lexer)
{
	wt_load_error(BAD("bad-id.wit"), BAD("bad-id.wit:2:11: "), "invalid identifier `Foo-bar`");
	wt_load_error(BAD("bad-id2.wit"), BAD("bad-id2.wit:2:11: "),
		      "identifier `a--b` has an empty word");
	wt_load_error(BAD("bad-char.wit"), BAD("bad-char.wit:2:15: "), "unexpected character `#`");
	wt_load_error(BAD("comment.wit"), BAD("comment.wit:3:1: "), "unterminated block comment");
	wt_load_error(BAD("number.wit"), BAD("number.wit:1:13: "), "number too large");
}

FT_TEST(test_unknown_names)
{
	wt_load_error(BAD("unknown-name.wit"), BAD("unknown-name.wit:3:17: "),
		      "name `nope` is not defined");
	wt_load_error(BAD("unknown-iface.wit"), BAD("unknown-iface.wit:3:10: "),
		      "interface or world `nope` not found in package `a:b`");
	wt_load_error(BAD("use-missing.wit"), BAD("use-missing.wit:4:13: "),
		      "name `nope` is not defined in interface `a:b/i`");
	wt_load_error(BAD("use-func.wit"), BAD("use-func.wit:4:10: "), "cannot `use` function `f`");
	wt_load_error(BAD("use-world.wit"), BAD("use-world.wit:3:19: "),
		      "name `w` is defined as a world, not an interface");
	wt_load_error(BAD("handle.wit"), BAD("handle.wit:4:21: "),
		      "type `r` used in a handle must be a resource");
	wt_load_error(BAD("toplevel-use.wit"), BAD("toplevel-use.wit:3:5: "),
		      "interface or world `nope` not found");
	wt_load_error(BAD("empty-use.wit"), BAD("empty-use.wit:3:7: "),
		      "interface or world `nonexistent` not found");
}

FT_TEST(test_unknown_package)
{
	wt_load_error(BAD("unknown-pkg.wit"), BAD("unknown-pkg.wit:3:7: "),
		      "package `x:y@1.0.0` not found");
	wt_load_error("wit/nope.wit", "wit/nope.wit:1:1: ", "cannot read");
	wt_load_error(BAD("noheader.wit"), BAD("noheader.wit:1:1: "), "no `package` header");
	wt_load_error(BAD("twohdr"), BAD("twohdr/b.wit:1:9: "),
		      "package identifier `a:c` does not match previous package name of `a:b`");
}

FT_TEST(test_duplicates)
{
	wt_load_error(BAD("dup-type.wit"), BAD("dup-type.wit:4:10: "),
		      "name `t` is defined more than once");
	wt_load_error(BAD("dup-func.wit"), BAD("dup-func.wit:5:3: "),
		      "name `f` is defined more than once");
	wt_load_error(BAD("dup-import.wit"), BAD("dup-import.wit:5:10: "),
		      "import `f` conflicts with an earlier import");
	wt_load_error(BAD("dup-import-iface.wit"), BAD("dup-import-iface.wit:5:10: "),
		      "interface `a:b/i` cannot be imported more than once");
	wt_load_error(BAD("dup-item.wit"), BAD("dup-item.wit:3:7: "), "duplicate item named `x`");
	wt_load_error(BAD("dup-param.wit"), BAD("dup-param.wit:3:19: "),
		      "param `a` is defined more than once");
	wt_load_error(BAD("dup-field.wit"), BAD("dup-field.wit:3:29: "), "duplicate field `a`");
	wt_load_error(BAD("include-clash.wit"), BAD("include-clash.wit:5:11: "),
		      "included import `f` conflicts");
	wt_load_error(BAD("case-dup.wit"), BAD("case-dup.wit:4:10: "),
		      "export `GET-USER` conflicts with export `get-user` (names are case-insensitive)");
	wt_load_error(BAD("use-shadow.wit"), BAD("use-shadow.wit:7:11: "),
		      "duplicate name `bar` in this file");
	wt_load_error(BAD("dup-nested.wit"), BAD("dup-nested.wit:5:9: "),
		      "package `a:name` is defined more than once");
}

FT_TEST(test_cycles)
{
	wt_load_error(BAD("alias-cycle.wit"), BAD("alias-cycle.wit:5:12: "),
		      "type `a` depends on itself (cycle)");
	wt_load_error(BAD("record-cycle.wit"), BAD("record-cycle.wit:3:27: "),
		      "type `r` depends on itself (cycle)");
	wt_load_error(BAD("use-cycle.wit"), BAD("use-cycle.wit:6:7: "),
		      "interface `x` depends on itself (cycle");
	wt_load_error(BAD("include-cycle.wit"), BAD("include-cycle.wit:3:19: "),
		      "world `x` includes itself (cycle");
	wt_load_error(BAD("pkgcycle"), BAD("pkgcycle/deps/two.wit:3:7: "),
		      "package `t:one` depends on itself (cycle among packages)");
	/* as for wit-parser, a package naming itself by its full name */
	wt_load_error(BAD("self-pkg.wit"), BAD("self-pkg.wit:3:7: "),
		      "package `a:b` depends on itself");
}

FT_TEST(test_semantic)
{
	wt_load_error(BAD("export-conflict.wit"), BAD("export-conflict.wit:7:10: "),
		      "both imported and exported");
	wt_load_error(BAD("map-key.wit"), BAD("map-key.wit:3:12: "), "invalid map key type");
	wt_load_error(BAD("ctor.wit"), BAD("ctor.wit:4:22: "), "constructor's declared result");
	wt_load_error(BAD("return-borrow.wit"), BAD("return-borrow.wit:5:3: "),
		      "function `x` returns a type which contains a `borrow<T>`");
}

FT_TEST(test_find_world_errors)
{
	struct wit_resolve r;
	struct wit_error err;
	wt_load(&r, "wit/world.wit");
	FT_TRUE(wit_find_world(&r, "nope", &err) == NULL);
	FT_TRUE(strstr(err.msg, "world `nope` not found") != NULL);
	FT_TRUE(wit_find_world(&r, NULL, &err) == NULL);
	FT_TRUE(strstr(err.msg, "worlds") != NULL && strstr(err.msg, "name the one to use") != NULL);
	FT_TRUE(wit_find_world(&r, "x:y/z", &err) == NULL);
	FT_TRUE(strstr(err.msg, "no such package") != NULL);
	wit_free(&r);
	memset(&r, 0, sizeof r);
	FT_TRUE(wit_find_world(&r, NULL, &err) == NULL);
}

FT_SUITE(wit_errors,
	 FT_CASE(test_syntax),
	 FT_CASE(test_lexer),
	 FT_CASE(test_unknown_names),
	 FT_CASE(test_unknown_package),
	 FT_CASE(test_duplicates),
	 FT_CASE(test_cycles),
	 FT_CASE(test_semantic),
	 FT_CASE(test_find_world_errors))
