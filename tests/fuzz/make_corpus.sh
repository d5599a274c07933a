#!/bin/sh
# Regenerate the seed corpus of the built-ins fuzzer (tests/fuzz/corpus).
# Each seed is a list of operations, one per line: opcode byte, then its
# argument bytes (the byte layout is the op_* functions of fuzz_ops.c;
# opcodes are taken mod 22). Decode any seed with
#   FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_builtins tests/fuzz/corpus/<seed>
set -eu
cd "$(dirname "$0")/corpus"

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

seed stream-cross-instance <<'S'
9 1             # waitable-set.new in inst 1 -> set 1
0 0 1           # stream.new<u8> in inst 0 -> r 1, w 2
16 0 1 0 0      # transfer readable 1: inst 0 -> inst 1 (index 2)
13 1 0 1        # join inst 1 end 2 to set 1
2 1 0 0 8 0 0   # stream.read async n=8 -> BLOCKED
20 1            # the embedder moves inst 1's memory under the parked read
3 0 0 0 3 0 64  # stream.write n=3 -> COMPLETED 3, reader notified
3 0 0 0 5 0 80  # stream.write n=5 -> fills the read
19 1 0          # poll every set of inst 1: STREAM_READ COMPLETED 8
3 0 0 0 4 0 0   # stream.write n=4 -> BLOCKED
2 1 0 0 2 1 0   # stream.read n=2 -> COMPLETED 2 (writer keeps its place)
7 0 0 0 0       # stream.cancel-write async -> COMPLETED 2 wins
8 2 1 0 0       # stream.drop-readable in inst 1
3 0 0 0 1 0 0   # stream.write -> DROPPED
8 0 0 0 0       # stream.drop-writable
12 1 0          # waitable-set.drop
S

seed future-cross-instance <<'S'
1 0 3           # future.new<f64> in inst 0 -> r 1, w 2
16 0 2 0 0      # transfer readable to inst 2 (index 1)
4 2 0 0 0 8     # future.read async -> BLOCKED
5 0 0 0 0 16    # future.write async (NaN) -> COMPLETED
9 2             # waitable-set.new in inst 2 -> 2
13 2 0 1        # join the reader (event pending) to set 2
19 2 0          # poll: FUTURE_READ COMPLETED
8 1 0 0 0       # future.drop-writable (DONE)
8 3 2 0 0       # future.drop-readable
12 2 0          # waitable-set.drop
S

seed traps-and-poison <<'S'
0 0 2           # stream.new<u32> in inst 0
6 2 0 0 0 4 0 0 # synchronous stream.read -> parks, traps WOULD_BLOCK
3 0 0 0 4 0 0   # any call into inst 0 now traps POISONED
14 0 0          # backpressure.dec -> POISONED
17 0            # destroy inst 0, create it again
0 1 4           # stream.new<record> in inst 1
2 1 0 0 2 0 0   # stream.read async -> BLOCKED
3 1 0 0 2 0 0   # same-instance write of a record -> SAME_INSTANCE
17 16           # create a new instance, then destroy inst 1
9 1             # waitable-set.new
11 1 0 0        # waitable-set.wait on an empty set -> WOULD_BLOCK
S

seed fill-table-and-pool <<'S'
21 63 15 0 0 0 0 # 65 x error-context.new in inst 0 -> TABLE_FULL
21 20 0 1 1      # 22 x stream.new in inst 1
21 20 0 2 1      # 22 x stream.new in inst 2 -> POOL_FULL
17 0
17 1
17 2
S

seed backpressure <<'S'
14 255 0        # backpressure.inc up to 65535, then OVERFLOW
14 0 1          # backpressure.dec at 0 -> UNDERFLOW
14 1 2          # inc
14 0 2          # dec
S

seed waitable-set-order <<'S'
9 0             # set 1
9 0             # set 2
0 0 0           # stream.new<unit> -> r 3, w 4
0 0 2           # stream.new<u32>  -> r 5, w 6
13 0 0 1        # join 3 to set 1
13 0 2 1        # join 5 to set 1
2 0 0 0 5 0 0   # read 3 async n=5 -> BLOCKED
2 0 1 0 5 0 0   # read 5 async n=5 -> BLOCKED
3 0 1 0 2 0 64  # write 6 n=2 -> 5 gets the older event
3 0 0 0 3 0 0   # write 4 n=3 -> 3 gets the newer event
13 0 2 5        # move 5 (pending) to set 2
13 0 2 1        # and back to set 1: keeps its place before 3
10 0 0 0        # poll set 1: 5 first
10 0 0 0        # then 3
10 0 0 0        # then NONE
18 0 0 0 0 3 0 0 0 3 0 0   # write on 4, then read on its peer
19 0 0          # poll every set
17 0            # destroy with members and pending events
S

# Regression: destroying an instance whose set queued a (freed) end while a
# parked end of the same instance in that set got DROPPED (src/obj/store.c).
seed regress-destroy-queue <<'S'
9 0             # set 1
0 0 1           # stream A: r 2, w 3
0 0 1           # stream B: r 4, w 5
13 0 0 1        # join 2 to set 1
13 0 3 1        # join 5 to set 1
2 0 0 0 4 0 0   # read 2 -> BLOCKED
3 0 0 0 2 0 0   # write 3 -> 2 gets an event (queued in set 1)
3 0 1 0 2 0 16  # write 5 -> parked, in set 1
17 0            # destroy inst 0
S
