#!/bin/sh
# Regenerate the seed corpus of the value fuzzer (tests/fuzz/corpus_vals).
# Each seed: the 5 header bytes (mode, encodings, destination forms,
# src/dst max_flat selectors; see fuzz_vals.c), the type bytes, for a
# tuple holding handles the set-up and calls bytes (see the handle seeds),
# (fuzz_vals_type.c: a parameter-count byte, then one kind byte per node,
# children after their compound's argument bytes), the value bytes
# (fuzz_vals_gen.c) and, in mutating seeds, the mutation bytes (count, then
# per mutation: site, op, 4 value bytes; then the memory-size byte).
# Encodings byte: H + 3 A + 9 B + 27 H2, each 0 utf8, 1 utf16, 2 latin1+utf16.
# Decode any seed with
#   FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_vals tests/fuzz/corpus_vals/<seed>
set -eu
cd "$(dirname "$0")"
mkdir -p corpus_vals
cd corpus_vals

# seed NAME: bytes (decimal, whitespace separated) on stdin -> file NAME.
seed() {
	out=$1
	: > "$out"
	# shellcheck disable=SC2013 # words (bytes), not lines, are wanted
	for b in $(sed 's/#.*//'); do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o "$b")" >> "$out"
	done
}

seed prims-flat <<'S'
0 0 0 0 0             # valid, flat; all utf8; flat results
3 2 3 9 8             # 4 params: u8 s16 f32 u64
255                   # u8 255
128 0                 # s16 -32768
1 1 0 0 0             # f32: a NaN with a payload
1 2 3 4 5 6 7 8       # u64
S

seed ints-memory <<'S'
4 0 85 0 0            # valid, H in memory; results realloc'd memory
1                     # 2 params
17 3 0 1 2 3          # record(bool, s8, u8, s16)
17 3 4 5 7 8          # record(u16, s32, s64, u64)
1 128 255 127 255     # true, -128, 255, s16 0x7fff
255 255 0 0 0 128 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16
S

seed junk-flat <<'S'
2 0 0 0 0             # valid, junk bits, flat
1                     # 2 params
0 19 2 1 2 1 9 1 10   # bool; variant(u8, f32, f64): joined i64 slot
1                     # true (junk: any non-zero)
1 4 0 0 128 63        # case 1: f32 1.0
S

seed floats <<'S'
4 0 170 0 0           # H memory; out-pointer results
3 9 10 9 10           # f32 f64 f32 f64
0 0 0 0 0             # canonical NaN
1 1 2 3 4 5 6 7 8     # f64 NaN with payload
2 0 0 0 0             # -0
3 0 0 0 0 0 0 0 0     # -inf
S

seed chars <<'S'
0 21 0 0 0            # H utf8, A utf16, B latin1+utf16, H2 utf8
3 11 11 11 11         # four chars
6 12                  # U+10FFFF
6 7                   # U+D7FF
5 255 255 255 255     # a non-BMP char
6 8                   # U+E000
S

seed strings-utf8-utf16-latin1 <<'S'
0 21 0 0 0            # H utf8 > A utf16 > B latin1+utf16 > H2 utf8
0 12                  # string
6 0                   # 6 chars, any class
0 1 10 2 0 1 3 0 216 5 1 2 3 0 6 7
S

seed strings-latin1-untagged <<'S'
4 65 85 0 0           # H latin1+utf16 > A utf8 > B utf16 > H2 latin1+utf16
1 12 12               # two strings
8 6                   # 8 latin-1 chars, latin-1 form
0 1 200 1 127 8 16 6 3 1 0 1 64
4 1                   # 4 ASCII chars
8 16 24 32
S

seed strings-latin1-tagged <<'S'
0 80 0 0 0            # H latin1+utf16 > A latin1+utf16 > B latin1+utf16 > H2 latin1+utf16
0 12
5 2                   # 5 latin-1 chars, tagged utf-16 form (narrowed in A)
1 100 1 5 0 1 255 6 3
S

seed strings-nonbmp <<'S'
4 1 102 0 0           # H utf16 > A utf8 > B utf8 > H2 utf8; mixed forms
0 12
243 0                 # 80 chars
5 0 0 1 0 5 1 2 3 4 6 14 3 10 200 2 20 30 5 255 255 0 0
S

seed empty-strings-lists <<'S'
0 13 0 0 0
3 12 14 2 25 12 6 14 12
0 0 7                 # empty string, pointer byte 7
0 0                   # empty list<u8>
0 9                   # empty map<string,u32>
0 1                   # empty list<string>
S

seed list-of-strings <<'S'
4 5 85 5 10           # H utf16 > A utf16 > B utf8; memory
0 14 12               # list<string>
3                     # 3 strings
2 0 5 255 255 1 0 1 2  # U+2FFFF U+82
3 4 16 24 32          # ASCII, latin-1 form
1 2 1 30              # U+9E
S

seed list-of-lists <<'S'
0 0 0 0 0
0 14 14 2             # list<list<u8>>
2                     # 2 lists
3 1 2 3
4 4 5 6 7
S

seed map <<'S'
0 46 0 0 0
0 25 12 6             # map<string, u32>
2
2 0 8 16 1 0 0 0
1 0 5 2 0 0 0 9 0 0 0
S

seed fixed-lists <<'S'
0 0 0 0 0
1 16 3 4 16 147 6     # list<u16, 4>; list<u32, 28> (spills)
1 2 3 4 5 6 7 8
1 0 0 0 2 0 0 0 3 0 0 0 4 0 0 0 5 0 0 0 6 0 0 0 7 0 0 0 8 0 0 0
S

seed variant-none-cases <<'S'
0 0 0 0 0
1 19 3 0 1 8 1 12 0 19 1 1 9 0   # variant(_, u64, string, _); variant(f32, _)
2 5 0 8 16 24 32 40   # case 2: a string
0 4 0 0 128 191       # case 0: f32 -1.0
S

seed enum-257 <<'S'
4 0 0 0 0
1 21 12 21 14         # enum(257 labels): 2-byte discriminant; enum(65537): 4-byte
0 1 0 0               # case 256 (4 case bytes: more than 256 cases)
0 0 1 0               # case 65536
S

seed option-chain-depth16 <<'S'
0 0 0 0 0
0 22 22 22 22 22 22 22 22 22 22 22 22 22 22 22 2   # option^15<u8>: depth 16
1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 42
S

seed result <<'S'
0 11 0 0 0
1 23 0 1 12 23 1 6 0   # result<_, string>; result<u32, _>
1 3 0 8 16 24         # err("!\"#")
0 7 0 0 0             # ok(7)
S

seed flags <<'S'
0 0 0 0 0
2 24 31 24 8 24 0     # flags(32), flags(9), flags(1)
255 255 255 255
255 1 0 0
1 0 0 0
S

seed record-of-everything <<'S'
4 2 85 0 0
0 17 3 11 12 14 2 22 13   # record(char, string, list<u8>, option<string>)
6 13                  # U+FEFF
3 0 8 16 24
2 9 8
1 2 4 8 16
S

seed graph-reuse <<'S'
0 0 0 0 0
1 17 1 2 3 26 26      # record(u8, s16); the record again (reused node)
1 0 2 2 0 3
S

# ---- mutating seeds: each makes the source invalid one way.
seed bad-char <<'S'
5 0 0 0 0             # mutate, H memory
0 11                  # char
8
0 1 9 0 0 0 0         # 1 mutation: site 1 (the char), op 9: 0x110000
0                     # memory size kept
S

seed bad-char-surrogate-flat <<'S'
1 0 0 0 0             # mutate, flat
0 11
8
0 0 8 5 0 0 0         # site 0 (the char), op 8: 0xD805
0
S

seed bad-discriminant <<'S'
5 0 0 0 0
0 19 1 1 2 1 6        # variant(u8, u32)
0 1
0 1 8 0 0 0 0         # site 1 (discriminant), op 8: 2 cases + 0
0
S

seed string-too-long <<'S'
5 0 0 0 0
0 12
3 1 8 16 24
0 3 8 1 0 0 0         # site 3 (the length), op 8: 2^28
0
S

seed list-too-long <<'S'
5 0 0 0 0
0 14 6                # list<u32>
2 1 0 0 0 2 0 0 0
0 2 8 1 0 0 0         # site 2 (the length), op 8: 2^28 / 4 + 1
0
S

seed misaligned-utf16 <<'S'
5 1 0 0 0             # H utf16
0 12
3 1 8 16 24
0 2 1 0 0 0 0         # site 2 (the pointer), op 1: + 1
0
S

seed misaligned-tuple <<'S'
5 0 0 0 0
0 6
1 2 3 4
0 0 1 0 0 0 0         # site 0 (the tuple pointer), op 1: + 1
0
S

seed out-of-bounds <<'S'
5 0 0 0 0
0 12
3 1 8 16 24
0 2 5 1 0 0 0         # site 2 (the pointer), op 5: the memory's end - 1
0
S

seed bad-utf8 <<'S'
5 0 0 0 0
0 12
3 1 8 16 24
0 1 5 1 0 0 0         # site 1 (the bytes), op 5: 0xED at byte 1
0
S

seed bad-utf16 <<'S'
5 1 0 0 0
0 12
3 1 8 16 24
0 1 11 1 0 0 0        # site 1 (the bytes), op 11: 0xD8 at byte 1
0
S

seed memory-shrunk <<'S'
5 0 0 0 0
0 14 2
4 1 2 3 4
0 250 0 0 0 0 0       # a byte mutation
7 8 0 0 0             # memory size := 8
S

seed bad-utf8-above-10ffff <<'S'
5 0 0 0 0
0 12
1 0 5 0 0 15 0        # U+100000: f4 80 80 80
0 1 15 1 144 0 0      # site 1 (the bytes), op 15: byte 0x9001 % 4 = 1 := 0x90
0
S

# Handles. After the type bytes of a tuple holding handles: the set-up
# byte (bits 0-1, 2-3: the implementations of resource types 1 and 2, 0 H,
# 1 A, 2 B, 3 H2; bit 4: two handles of each type for borrows in H; bit 5:
# two error contexts in H; bit 6: a borrow handle in H; bit 7: an error
# context freed after the write) and the calls byte (bit 0: every move a
# call's params); a handle takes one byte of value. Type kind bytes: 29
# error-context, 30 borrow<R>, 31 own<R>, R = 1 + next byte % 2.

seed handles-list-of-owns <<'S'
0 0 0 0 0             # valid, flat
0 14 31 0             # list<own<1>>
14 0                  # rt 1 implemented by B, rt 2 by H2
3 0 0 0               # three owns
S

seed handles-option-borrow-errctx <<'S'
4 0 85 0 0            # valid, H in memory; results realloc'd memory
1 22 30 0 29          # option<borrow<1>>, error-context
115 0                 # rt 1 by H2; two targets, two errctx, a borrow handle in H
1 1 1                 # some(borrow of H's second target), errctx 2
S

seed handles-record-variant <<'S'
0 0 0 0 0
0 17 2 31 1 19 2 1 30 0 1 29 0 12   # record(own<2>, variant(borrow<1>, errctx, _), string)
11 1                  # rt 1 by H2, rt 2 by B; every move a call's params
0 0 0 3 0 72 80 88    # own, case 0: borrow, ")*+"
S

seed handles-borrow-into-impl <<'S'
0 0 0 0 0
1 30 0 31 0           # borrow<1>, own<1>
1 0                   # rt 1 implemented by A: A gets the rep
0 0
S

seed handles-same-instance <<'S'
0 0 0 64 0            # A -> A added (two parts of one instance)
1 14 31 0 29          # list<own<1>>, error-context
1 0                   # rt 1 implemented by A
3 0 0 0 0
S

seed handles-same-instance-memory <<'S'
4 0 85 192 64         # H memory; A -> A into realloc'd memory
0 17 3 31 0 31 1 30 0 29   # record(own<1>, own<2>, borrow<1>, errctx)
6 0                   # rt 1 by B, rt 2 by A
0 0 0 0
S

seed handles-dup-own <<'S'
1 0 0 0 0             # mutate
1 31 0 31 0           # own<1>, own<1>
0 0                   # both types implemented by H
0 0
0 1 0 0 0 0 0         # the second own := the first's index: BAD_HANDLE
0
S

seed handles-borrow-then-own <<'S'
1 0 0 0 0
1 30 0 31 0           # borrow<1>, own<1>
0 0
0 0
0 1 0 0 0 0 0         # the own := the borrowed handle: RESOURCE_LENT
0
S

seed handles-own-of-borrow <<'S'
1 0 0 0 0
0 31 0                # own<1>
65 0                  # rt 1 by A; a borrow handle in H (index 4)
0
0 0 4 4 0 0 0         # the own := 4: NOT_OWN
0
S

seed handles-wrong-type <<'S'
1 0 0 0 0
0 31 0                # own<1>
1 0                   # H: 1 own<1>, 2 own<2>, 3 errctx, 4 the value's own
0
0 0 4 2 0 0 0         # the own := 2: TYPE_MISMATCH
0
S

seed handles-wrong-kind <<'S'
1 0 0 0 0
0 31 0
1 0
0
0 0 4 3 0 0 0         # the own := 3 (an error context): WRONG_KIND
0
S

seed handles-free-index <<'S'
1 0 0 0 0
0 31 0
129 0                 # H: 4 an error context freed after the write
0
0 0 4 4 0 0 0         # the own := 4 (free): BAD_HANDLE
0
S

seed handles-out-of-range <<'S'
1 0 0 0 0
0 29                  # error-context
0 0
0
0 0 6 2 0 0 0         # the error context := 64: BAD_HANDLE
0
S

# Stream and future ends. Type kind byte 31 (own) with a next byte of bit 7
# set: an end, stream<T> (bit 6 clear) or future<T>, T u8 (bit 0 clear) or
# u32. H then first holds the decoys (fuzz_vals_ends.c): 1 a busy
# stream<u8> (2 its writer), 3 a busy future<u32> (4), 5 a waitable set,
# 6 a stream<u32> in the set (7), 8 a future<u8> in the set (9); then the
# resources and error contexts of the set-up byte (set-up 0: 10 own<1>,
# 11 own<2>, 12 an error context), then each end of the value and its
# writer (13, 14; 15, 16 ...).

seed ends-record-stream-future <<'S'
4 21 85 0 0           # H memory; utf8 > utf16 > latin1+utf16 > utf8; realloc'd results
0 17 2 31 128 31 193 12   # record(stream<u8>, future<u32>, string)
0 0
0 0 2 1 65 2 66
S

seed ends-list-same-instance <<'S'
0 0 0 64 0            # A -> A added (two parts of one instance)
1 14 31 129 29        # list<stream<u32>>, error-context
1 0                   # rt 1 implemented by A
3 0 0 0 0
S

seed ends-writable <<'S'
1 0 0 0 0
0 31 128              # stream<u8>
0 0
0
0 0 4 14 0 0 0        # the end := 14 (its writable end): WRONG_KIND
0
S

seed ends-busy <<'S'
1 0 0 0 0
0 31 128              # stream<u8>
0 0
0
0 0 4 1 0 0 0         # the end := 1 (a read pending): NOT_IDLE
0
S

seed ends-in-set <<'S'
1 0 0 0 0
0 31 129              # stream<u32>
0 0
0
0 0 4 6 0 0 0         # the end := 6 (in a waitable set): END_IN_SET
0
S

seed ends-wrong-type <<'S'
1 0 0 0 0
0 31 192              # future<u8>
0 0
0
0 0 4 3 0 0 0         # the end := 3 (a future<u32>): TYPE_MISMATCH
0
S

seed ends-resource <<'S'
1 0 0 0 0
0 31 193              # future<u32>
0 0
0
0 0 4 10 0 0 0        # the end := 10 (an own<1>): WRONG_KIND
0
S

seed ends-twice <<'S'
1 0 0 0 0
1 31 128 31 128       # stream<u8>, stream<u8>
0 0
0 0
0 1 0 0 0 0 0         # the second end := the first's: BAD_HANDLE
0
S
