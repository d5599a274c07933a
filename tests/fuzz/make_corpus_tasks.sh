#!/bin/sh
# Regenerate the seed corpus of the task fuzzer (tests/fuzz/corpus_tasks).
# Each seed is a list of bytes, grouped one top-level operation per line,
# with the bytes that the guest code it runs reads right after it (the
# layout is top_op() in fuzz_tasks.c and g_op() / callback_code() /
# tz_core() / tz_callback() in fuzz_tasks_guest.c, the tz_op_* functions
# of fuzz_tasks_ext.c). Invoke's second byte is instance + 3 * export; a
# lowered call's callee byte (mod 32) is instance * 3 + export (mod 9)
# below 29, host function h2 (result: a stream end) at 29, h0 at 30, h1 at
# 31. Decode any seed with
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

seed posted-invocations <<'S'
8 0 1           # post an invocation of g0/e0 (1), with a ticket
2 0             # tick: it starts: no built-in, task.return(5), EXIT
0 0 5
8 0 2           # post g0/e0 (2) again
9 0 2           # cancel it by its ticket before it starts
2 0             # tick: resolved without running
9 0 0           # cancellation of ticket 0: EINVAL
9 0 1           # of a ticket never handed out: nothing happens
8 6 3           # post g0/e2 (sync): flue_run starts it: no built-in, result 9
15 0
0 9
8 0 252         # refused posts: not lifted, no on_resolve, no on_start, no host
8 0 253
8 0 254
8 0 255
S

seed host-posts <<'S'
0 0 1           # invoke g0/e0 (1); core: 3 built-ins
3
0 31 1 0 0      #   async call of h1: pending, subtask 1
6 0             #   waitable-set.new -> 2
7 0 48          #   join subtask 1 to set 2
9 32            #   WAIT on set 2
10 0 3          # a post with no value: EINVAL
10 0 2          # post h1's result, then again: EBUSY
10 0 4          # a resolved call's id: EBADF
10 0 5          # an invocation's id: EBADF
10 0 6          # generation 0, a slot past the pool: EBADF
2 0             # tick: the post applies: SUBTASK(1, RETURNED): subtask.drop,
1 3 0           #   task.return(1), EXIT
0 1
14 0 0          # every call id handed out and resolved is refused (EBADF)
14 3 1          # a host future: written, read, dropped
14 3 2          # another: its reader dropped first
S

seed host-call-ends <<'S'
0 0 1           # invoke g0/e0 (1); core: 3 built-ins
3
0 29 1 0 0      #   async call of h2 (result: a stream end): pending, subtask 1
6 0
7 0 48
9 32            #   WAIT on set 2
10 0 0          # a post for it: EINVAL (ends)
5 0 0           # the host answers: refused answers first, then a stream end
2 0             # tick: SUBTASK(1, RETURNED): subtask.drop, task.return(1), EXIT
1 3 0
0 1
0 6 4           # invoke g0/e2 (sync); core: a sync call of h2 (3) blocks,
1               #   the nested loop idles for it: the idle hook answers
1 29 3 0
0 0
5               #   result 5
S

seed channels <<'S'
11 0 0          # attach channel 0 (host -> guest) to g0: readable end 1
11 0 1          # attach channel 1 (guest -> host) to g0: writable end 2
11 1 2          # send 3 bytes on channel 0
11 2 3          # receive from channel 1: nothing yet
11 5 0          # refused uses (sizes, directions, NULLs)
0 0 1           # invoke g0/e0 (1); core: 2 built-ins
2
13 0 2 0        #   async read of 1 byte from end 1 (channel 0): done
13 1 2 0        #   async write of 1 byte to end 2 (channel 1)
0 7             #   task.return(7), EXIT
11 2 4          # receive it
11 3 0          # close channel 0
11 4 0          # pump
11 7 1          # send and receive
11 3 1          # close channel 1
S

seed realloc-blocking <<'S'
13 6 4          # flue_invoke_blocking of g0/e2 (4): the harness ticks meanwhile:
0 3             #   no built-in, result 3
13 0 9          # blocking g0/e0 (9): no built-in, task.return(2), EXIT
0 0 2
15 1            # flue_run_until_idle: nothing waits
12 0 5          # the realloc export (17 params through memory), arg 5
0               #   realloc: a good pointer
12 0 240        # a value short: resolved without a value, no realloc
12 0 6          # arg 6: realloc gives a misaligned pointer: g1 traps
254
13 0 239        # blocking on a function never lifted: EINVAL
S

seed wait-until <<'S'
0 0 1           # invoke g0/e0 (1); core: 1 built-in
1
0 30 7 0 0      #   async call of h0 (7): it waits in flue_wait_until
5               #   YIELD
7 0             # tick until nothing runs
0 5             #   callback: no built-in, YIELD
0 0 1           #   callback: task.return(1), EXIT
S

seed host-cancel <<'S'
0 2 1           # invoke g2/e0 (1): stream.new, task.return(its readable end), EXIT
1 12 0
0 4
6 1 0           # the host reads 1 element: BLOCKED
6 3 0           # the host cancels its read: CANCELLED
6 4 0           # and drops its end
S
