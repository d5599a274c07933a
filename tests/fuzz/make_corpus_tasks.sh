#!/bin/sh
# Regenerate the seed corpus of the task fuzzer (tests/fuzz/corpus_tasks).
# Each seed is a list of bytes, grouped one top-level operation per line,
# with the bytes that the guest code it runs reads right after it (the
# layout is top_op() in fuzz_tasks.c and g_op() / callback_code() /
# tz_core() / tz_callback() in fuzz_tasks_guest.c). Invoke's second byte
# is instance + 3 * export; a lowered call's callee byte (mod 32) is
# instance * 3 + export (mod 9) below 30, host function h0 at 30, h1 at 31. Decode any seed with
#   FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_tasks tests/fuzz/corpus_tasks/<seed>
set -eu
cd "$(dirname "$0")/corpus_tasks"

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

seed async-call-wait <<'S'
0 0 1           # invoke g0/e0 (1); core: 3 built-ins
3
0 6 2 0 0       #   async call of g2/e0 (2) -> STARTED, subtask 1
0 5             #     g2's core: no built-in, YIELD
6 0             #   waitable-set.new -> 2
7 0 48          #   join subtask 1 to set 2
9 32            #   WAIT on set 2
2 0             # tick: g2's callback: no built-in, task.return(new stream), EXIT
0 0 3
2 0             # tick: g0's callback gets SUBTASK(1, RETURNED): subtask.drop,
1 3 0           #   task.return(9), EXIT
0 9
S

seed sync-call-nested <<'S'
0 6 4           # invoke g0/e2 (4, sync, barges in); core: 1 built-in
1
1 6 5 0         #   sync call of g2/e0 (5): blocks, nested loop runs g2
0 5             #     g2's core: YIELD
0 0 1           #     g2's callback: task.return(new stream), EXIT
7               #   result 7
S

seed cancel-invocation <<'S'
0 0 1           # invoke g0/e0 (1): core: YIELD
0 5
4 0             # cancel it: callback gets TASK_CANCELLED: task.cancel, EXIT
0 16
S

seed backpressure-gate <<'S'
0 7 1           # invoke g1/e2: backpressure.inc, result 0
1 5 1 0
0 1 2           # invoke g1/e0 (stream from the host): held at the gate
0 7 3           # invoke g1/e2: backpressure.dec, result 0
1 5 0 0
2 0             # tick: g1/e0 starts: task.return(3), EXIT
0 0 3
S

seed host-calls <<'S'
0 0 1           # invoke g0/e0 (1); core: 4 built-ins
4
0 31 1 0 0      #   async call of host function h1: stays pending -> subtask 1
1 30 2 0        #   sync call of h0: returns inside its start
6 0             #   waitable-set.new -> 2
7 0 48          #   join subtask 1 to set 2
9 32            #   WAIT on set 2
5 0 0           # the host answers h1's call
2 0             # tick: SUBTASK(1, RETURNED): subtask.drop, task.return(1), EXIT
1 3 0
0 1
0 6 9           # invoke g0/e2 (9): sync call of h1 blocks; the executor would
1 1 31 4 0      #   idle: the wrapper (the host) posts the answer
0 0
5               #   result 5
S

seed streams-host <<'S'
0 2 1           # invoke g2/e0 (1): stream.new, task.return(its readable end), EXIT
1 12 0
0 4
6 1 0           # the host reads 1 element: BLOCKED
0 8 0           # invoke g2/e2: async stream.write of 3: 1 moves, the rest parks
1 13 0 18 0
0
6 2 0           # the host polls its read: COMPLETED 1
6 4 0           # the host drops its end: the write sees DROPPED
S

seed traps <<'S'
0 0 1           # invoke g0/e0: task.cancel before a cancellation: trap
1 4 0
0 7 1           # invoke g1/e2: backpressure.dec at 0: trap
1 5 0
0 2 1           # invoke g2/e0: EXIT without task.return: trap
0 4
0 6 0           # invoke g0/e2 (g0 trapped): backpressure.inc traps POISONED
1 5 1 0
S

seed nested-deadlock <<'S'
0 6 0           # invoke g0/e2 (sync): waitable-set.new, waitable-set.wait on it:
2 6 0 9 0 0 0   #   nothing can ever fill it: DEADLOCK trap
S
