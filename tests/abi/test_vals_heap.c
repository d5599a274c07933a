/*
 * The value mover (src/abi/val.h) on lists in memory: run_tests.py @
 * 6d28164 test_heap() (all but its string cases, which are
 * test_vals_strings2.c's) and the load_list / load_variant / char rules
 * of definitions.py. Each case moves a list from A's memory into B's (B's
 * heap allocates), checks B's bytes and realloc calls, then moves it back
 * into A. Expected bytes, calls and flat values were computed by running
 * the reference (definitions.py, run_tests.py's Heap), padding as "..".
 */
#include "vals_rt.h"

/* run_tests.py 295-297: test_heap(list<bool>) */
static const struct rt_case heap_bool[] = {
	{ "list_bool_101", "list(bool)", NULL, F(0x0, 0x3), 0, "010001",
	  "08100000 03000000 010001", C({4,8}, {1,3}), F(0x2000, 0x3), "010001", C({1,3}) },
	{ "list_bool_102", "list(bool)", NULL, F(0x0, 0x3), 0, "010002",
	  "08100000 03000000 010001", C({4,8}, {1,3}), F(0x2000, 0x3), "010001", C({1,3}) },
	{ "list_bool_at3", "list(bool)", NULL, F(0x3, 0x3), 0, "ffffff01 0001",
	  "08100000 03000000 010001", C({4,8}, {1,3}), F(0x2000, 0x3), "010001", C({1,3}) },
};

/* run_tests.py 298-311: test_heap(list<u8..s64>), incl. the misaligned list<u16> */
static const struct rt_case heap_ints[] = {
	{ "list_u8", "list(u8)", NULL, F(0x0, 0x3), 0, "010203", "08100000 03000000 010203",
	  C({4,8}, {1,3}), F(0x2000, 0x3), "010203", C({1,3}) },
	{ "list_u16", "list(u16)", NULL, F(0x0, 0x3), 0, "01000200 0300",
	  "08100000 03000000 01000200 0300", C({4,8}, {2,6}), F(0x2000, 0x3), "01000200 0300",
	  C({2,6}) },
	{ "list_u16_misaligned", "list(u16)", NULL, F(0x1, 0x3), FLUE_TRAP_MISALIGNED,
	  "00010002 000300", TRAPPED },
	{ "list_u32", "list(u32)", NULL, F(0x0, 0x3), 0, "01000000 02000000 03000000",
	  "08100000 03000000 01000000 02000000 03000000", C({4,8}, {4,12}), F(0x2000, 0x3),
	  "01000000 02000000 03000000", C({4,12}) },
	{ "list_u64", "list(u64)", NULL, F(0x0, 0x2), 0, "01000000 00000000 02000000 00000000",
	  "08100000 02000000 01000000 00000000 02000000 00000000", C({4,8}, {8,16}),
	  F(0x2000, 0x2), "01000000 00000000 02000000 00000000", C({8,16}) },
	{ "list_s8", "list(s8)", NULL, F(0x0, 0x3), 0, "fffefd", "08100000 03000000 fffefd",
	  C({4,8}, {1,3}), F(0x2000, 0x3), "fffefd", C({1,3}) },
	{ "list_s16", "list(s16)", NULL, F(0x0, 0x3), 0, "fffffeff fdff",
	  "08100000 03000000 fffffeff fdff", C({4,8}, {2,6}), F(0x2000, 0x3), "fffffeff fdff",
	  C({2,6}) },
	{ "list_s32", "list(s32)", NULL, F(0x0, 0x3), 0, "ffffffff feffffff fdffffff",
	  "08100000 03000000 ffffffff feffffff fdffffff", C({4,8}, {4,12}), F(0x2000, 0x3),
	  "ffffffff feffffff fdffffff", C({4,12}) },
	{ "list_s64", "list(s64)", NULL, F(0x0, 0x2), 0, "ffffffff ffffffff feffffff ffffffff",
	  "08100000 02000000 ffffffff ffffffff feffffff ffffffff", C({4,8}, {8,16}),
	  F(0x2000, 0x2), "ffffffff ffffffff feffffff ffffffff", C({8,16}) },
};

/* run_tests.py 312: test_heap(list<char>) */
static const struct rt_case heap_char[] = {
	{ "list_char", "list(char)", NULL, F(0x0, 0x3), 0, "41000000 42000000 63000000",
	  "08100000 03000000 41000000 42000000 63000000", C({4,8}, {4,12}), F(0x2000, 0x3),
	  "41000000 42000000 63000000", C({4,12}) },
};

/* run_tests.py 321-343 (i32 cases): test_heap(list<list<u8>>, list<list<u16>>) */
static const struct rt_case heap_lists[] = {
	{ "list_list_u8", "list(list(u8))", NULL, F(0x0, 0x3), 0,
	  "18000000 03000000 00000000 00000000 1b000000 02000000 03040506 07",
	  "08100000 03000000 20100000 03000000 23100000 00000000 23100000 02000000"
	  "03040506 07",
	  C({4,8}, {4,24}, {1,3}, {1,0}, {1,2}), F(0x2000, 0x3),
	  "18200000 03000000 1b200000 00000000 1b200000 02000000 03040506 07",
	  C({4,24}, {1,3}, {1,0}, {1,2}) },
	{ "list_list_u16", "list(list(u16))", NULL, F(0x0, 0x1), 0, "08000000 02000000 05000600",
	  "08100000 01000000 10100000 02000000 05000600", C({4,8}, {4,8}, {2,4}), F(0x2000, 0x1),
	  "08200000 02000000 05000600", C({4,8}, {2,4}) },
	{ "list_list_u16_misaligned", "list(list(u16))", NULL, F(0x0, 0x1), FLUE_TRAP_MISALIGNED,
	  "09000000 02000000 00050006 00", TRAPPED },
};

/* run_tests.py 344-349: test_heap(list<list<T, 2>>), incl. the misaligned one */
static const struct rt_case heap_fixed[] = {
	{ "list_list_u8_2", "list(list(u8,2))", NULL, F(0x0, 0x2), 0, "01020304",
	  "08100000 02000000 01020304", C({4,8}, {1,4}), F(0x2000, 0x2), "01020304", C({1,4}) },
	{ "list_list_u32_2", "list(list(u32,2))", NULL, F(0x0, 0x2), 0,
	  "01000000 02000000 03000000 04000000",
	  "08100000 02000000 01000000 02000000 03000000 04000000", C({4,8}, {4,16}),
	  F(0x2000, 0x2), "01000000 02000000 03000000 04000000", C({4,16}) },
	{ "list_list_u32_2_misaligned", "list(list(u32,2))", NULL, F(0x1, 0x2),
	  FLUE_TRAP_MISALIGNED, "00010000 00020000 00030000 00040000 00", TRAPPED },
};

/* run_tests.py 350-365: test_heap(list<tuple<...>>) with padding */
static const struct rt_case heap_tuples[] = {
	{ "list_tuple_u8_u8_u16_u32", "list(tuple(u8,u8,u16,u32))", NULL, F(0x0, 0x2), 0,
	  "06070800 09000000 04050600 07000000",
	  "08100000 02000000 06070800 09000000 04050600 07000000", C({4,8}, {4,16}),
	  F(0x2000, 0x2), "06070800 09000000 04050600 07000000", C({4,16}) },
	{ "list_tuple_u8_u16_u8_u32", "list(tuple(u8,u16,u8,u32))", NULL, F(0x0, 0x2), 0,
	  "06ff0700 08ffffff 09000000 04ff0500 06ffffff 07000000",
	  "08100000 02000000 06..0700 08...... 09000000 04..0500 06...... 07000000",
	  C({4,8}, {4,24}), F(0x2000, 0x2),
	  "06..0700 08...... 09000000 04..0500 06...... 07000000", C({4,24}) },
	{ "list_tuple_u16_u8", "list(tuple(u16,u8))", NULL, F(0x0, 0x2), 0, "060007ff 080009ff",
	  "08100000 02000000 060007.. 080009..", C({4,8}, {2,8}), F(0x2000, 0x2),
	  "060007.. 080009..", C({2,8}) },
	{ "list_tuple_tuple_u16_u8_u8", "list(tuple(tuple(u16,u8),u8))", NULL, F(0x0, 0x2), 0,
	  "040005ff 06ff0700 08ff09ff", "08100000 02000000 040005.. 06..0700 08..09..",
	  C({4,8}, {2,12}), F(0x2000, 0x2), "040005.. 06..0700 08..09..", C({2,12}) },
};

/* run_tests.py 373-393: test_heap(list<flags>) of 2, 9, 17 and 32 labels */
static const struct rt_case heap_flags[] = {
	{ "list_flags2_023", "list(flags(2))", NULL, F(0x0, 0x3), 0, "000203",
	  "08100000 03000000 000203", C({4,8}, {1,3}), F(0x2000, 0x3), "000203", C({1,3}) },
	{ "list_flags2_024", "list(flags(2))", NULL, F(0x0, 0x3), 0, "000204",
	  "08100000 03000000 000200", C({4,8}, {1,3}), F(0x2000, 0x3), "000200", C({1,3}) },
	{ "list_flags9_ff01", "list(flags(9))", NULL, F(0x0, 0x2), 0, "ff010000",
	  "08100000 02000000 ff010000", C({4,8}, {2,4}), F(0x2000, 0x2), "ff010000", C({2,4}) },
	{ "list_flags9_ff03", "list(flags(9))", NULL, F(0x0, 0x2), 0, "ff030000",
	  "08100000 02000000 ff010000", C({4,8}, {2,4}), F(0x2000, 0x2), "ff010000", C({2,4}) },
	{ "list_flags17_01", "list(flags(17))", NULL, F(0x0, 0x2), 0, "ffff0100 00000000",
	  "08100000 02000000 ffff0100 00000000", C({4,8}, {4,8}), F(0x2000, 0x2),
	  "ffff0100 00000000", C({4,8}) },
	{ "list_flags17_03", "list(flags(17))", NULL, F(0x0, 0x2), 0, "ffff0300 00000000",
	  "08100000 02000000 ffff0100 00000000", C({4,8}, {4,8}), F(0x2000, 0x2),
	  "ffff0100 00000000", C({4,8}) },
	{ "list_flags32", "list(flags(32))", NULL, F(0x0, 0x2), 0, "ffffffff 00000000",
	  "08100000 02000000 ffffffff 00000000", C({4,8}, {4,8}), F(0x2000, 0x2),
	  "ffffffff 00000000", C({4,8}) },
};

/* run_tests.py 394-396: test_heap(map<u8, u16>) */
static const struct rt_case heap_map[] = {
	{ "map_u8_u16", "map(u8,u16)", NULL, F(0x0, 0x2), 0, "2aff5300 2bff5400",
	  "08100000 02000000 2a..5300 2b..5400", C({4,8}, {2,8}), F(0x2000, 0x2),
	  "2a..5300 2b..5400", C({2,8}) },
};

/* definitions.py load_list_from_range (1470-1474), load_variant (1490-1495),
 * convert_i32_to_char (1405-1409): lists the reference lifts or traps on */
static const struct rt_case heap_more[] = {
	{ "list_option_u32", "list(option(u32))", NULL, F(0x0, 0x2), 0,
	  "01ffffff 07000000 00ffffff ffffffff",
	  "08100000 02000000 01...... 07000000 00...... ........", C({4,8}, {4,16}),
	  F(0x2000, 0x2), "01...... 07000000 00...... ........", C({4,16}) },
	{ "list_result_u8_none", "list(result(u8,_))", NULL, F(0x0, 0x2), 0, "000901ff",
	  "08100000 02000000 000901..", C({4,8}, {1,4}), F(0x2000, 0x2), "000901..", C({1,4}) },
	{ "list_enum_bad_discriminant", "list(enum(2))", NULL, F(0x0, 0x2),
	  FLUE_TRAP_BAD_DISCRIMINANT, "0102", TRAPPED },
	{ "list_u8_out_of_bounds", "list(u8)", NULL, F(0x0, 0x4), FLUE_TRAP_OUT_OF_BOUNDS,
	  "010203", TRAPPED },
	{ "list_u32_too_long", "list(u32)", NULL, F(0x0, 0x4000000), FLUE_TRAP_LIST_TOO_LONG,
	  "00000000", TRAPPED },
	{ "list_char_surrogate", "list(char)", NULL, F(0x0, 0x1), FLUE_TRAP_BAD_CHAR, "00d80000",
	  TRAPPED },
};


FT_TEST(test_heap_list_bool) { RUN(heap_bool); }
FT_TEST(test_heap_list_ints) { RUN(heap_ints); }
FT_TEST(test_heap_list_char) { RUN(heap_char); }
FT_TEST(test_heap_list_list) { RUN(heap_lists); }
FT_TEST(test_heap_fixed_lists_in_lists) { RUN(heap_fixed); }
FT_TEST(test_heap_tuples_padding) { RUN(heap_tuples); }
FT_TEST(test_heap_flags) { RUN(heap_flags); }
FT_TEST(test_heap_map) { RUN(heap_map); }
FT_TEST(load_list_variant_char_rules) { RUN(heap_more); }

FT_SUITE(vals_heap,
	 FT_CASE(test_heap_list_bool),
	 FT_CASE(test_heap_list_ints),
	 FT_CASE(test_heap_list_char),
	 FT_CASE(test_heap_list_list),
	 FT_CASE(test_heap_fixed_lists_in_lists),
	 FT_CASE(test_heap_tuples_padding),
	 FT_CASE(test_heap_flags),
	 FT_CASE(test_heap_map),
	 FT_CASE(load_list_variant_char_rules))
