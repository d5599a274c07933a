#!/bin/sh
# Build the fuzzers (libFuzzer + ASan + UBSan) and run one of them.
#
#   scripts/fuzz.sh [libFuzzer options...]     the built-ins fuzzer, e.g. -runs=200000
#   scripts/fuzz.sh --tasks [libFuzzer options...]   the executor (task) fuzzer
#   scripts/fuzz.sh --vals [libFuzzer options...]    the value fuzzer
#   scripts/fuzz.sh --build-only               build all three
#   scripts/fuzz.sh --campaign RUNS            all three at once, RUNS
#       executions each; logs build/fuzz/campaign-<target>.log, reports
#       tests/fuzz/reports/<target>.txt (scripts/fuzz_report.sh)
#   scripts/fuzz.sh --campaign-one TARGET RUNS  one of them
#       (builtins|tasks|vals); FLUE_FUZZ_NO_BUILD=1 uses the binaries
#       already built (another target's binary may be running: the linker
#       could not rewrite it)
#   FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_builtins crash-file   decode an input
#   FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_tasks crash-file      likewise
#   FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_vals crash-file       likewise
#
# Targets: build/fuzz/fuzz_builtins (tests/fuzz/fuzz_harness.c: built-ins
# without tasks; seeds tests/fuzz/corpus), build/fuzz/fuzz_tasks
# (tests/fuzz/fuzz_tasks.c: the executor, built-ins and task steps across
# three instances; seeds tests/fuzz/corpus_tasks) and build/fuzz/fuzz_vals
# (tests/fuzz/fuzz_vals*.c: random type graphs and values moved host ->
# guest -> guest -> host by src/abi/val.h; seeds tests/fuzz/corpus_vals).
# New corpus entries go to build/fuzz/corpus, corpus_tasks resp.
# corpus_vals (the committed seeds are only read); crashes go to
# build/fuzz/, build/fuzz/tasks- resp. build/fuzz/vals-.
set -eu
cd "$(dirname "$0")/.."

CC=${CC_FUZZ:-clang}
OUT=build/fuzz
WARN="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
mkdir -p "$OUT/corpus" "$OUT/corpus_tasks" "$OUT/corpus_vals"

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
# FLUE_EXEC_CHECK_WAKES: the executor aborts on a missed wake (src/exec/queue.c).
COMMON="-std=c11 -g -O1 -fno-omit-frame-pointer $WARN -Iinclude -Isrc/decide -DFLUE_EXEC_CHECK_WAKES=1"
LIB="src/decide/*.c src/obj/*.c src/abi/*.c src/exec/*.c src/port/posix/port_posix.c"

# Each source is compiled once (two at a time) and the three fuzzers are
# linked from the objects: the library was compiled three times over, one
# file after the other, which cost make test's time budget a minute.
OBJ=$OUT/obj
obj() { printf '%s/%s.o' "$OBJ" "$(printf '%s' "$1" | tr / _)"; }
objs() { for f in "$@"; do obj "$f"; printf ' '; done; }
BUILTINS_SRC="tests/fuzz/fuzz_harness.c tests/fuzz/fuzz_ops.c tests/fuzz/fuzz_selftest.c"
TASKS_SRC="tests/fuzz/fuzz_tasks.c tests/fuzz/fuzz_tasks_guest.c tests/fuzz/fuzz_tasks_host.c
	tests/fuzz/fuzz_tasks_ext.c tests/fuzz/fuzz_tasks_selftest.c"
VALS_SRC="tests/fuzz/fuzz_vals.c tests/fuzz/fuzz_vals_type.c tests/fuzz/fuzz_vals_mem.c
	tests/fuzz/fuzz_vals_gen.c tests/fuzz/fuzz_vals_read.c tests/fuzz/fuzz_vals_cmp.c
	tests/fuzz/fuzz_vals_ends.c"

if [ -z "${FLUE_FUZZ_NO_BUILD:-}" ]; then
mkdir -p "$OBJ"
# The invariant checker gets no coverage instrumentation: its branches say
# nothing about the library, and it runs after every step.
# shellcheck disable=SC2086
$CC $COMMON $SAN -c tests/fuzz/invariants.c -o "$OUT/invariants.o"
# shellcheck disable=SC2086
$CC $COMMON $SAN -c tests/fuzz/invariants_sched.c -o "$OUT/invariants_sched.o"
# The library under test and each harness, with coverage feedback (the
# value fuzzer's own reader, the oracle, is instrumented too; its memories
# are ASan-poisoned outside the blocks realloc gave out).
# shellcheck disable=SC2086
for f in $LIB $BUILTINS_SRC $TASKS_SRC $VALS_SRC; do printf '%s\n' "$f"; done |
	xargs -P "${JOBS:-2}" -I{} sh -c '$0 $1 -fsanitize=fuzzer-no-link -c "$2" -o "$3"/"$(printf "%s" "$2" | tr / _)".o' \
		"$CC" "$COMMON $SAN" {} "$OBJ"
# shellcheck disable=SC2086
LIBO=$(objs $LIB)
INV="$OUT/invariants.o $OUT/invariants_sched.o"
# shellcheck disable=SC2086
$CC -fsanitize=fuzzer $SAN $LIBO $(objs $BUILTINS_SRC) $INV -lpthread -o "$OUT/fuzz_builtins"
# The task fuzzer is the host thread: it wraps flue_port_idle (fuzz_tasks_host.c)
# and the port semaphore flue_invoke_blocking waits on (fuzz_tasks_ext.c).
TASK_WRAP="-Wl,--wrap=flue_port_idle -Wl,--wrap=flue_port_sem_take -Wl,--wrap=flue_port_sem_give"
# shellcheck disable=SC2086
$CC -fsanitize=fuzzer $SAN $LIBO $(objs $TASKS_SRC) $INV $TASK_WRAP -lpthread -o "$OUT/fuzz_tasks"
# shellcheck disable=SC2086
$CC -fsanitize=fuzzer $SAN $LIBO $(objs $VALS_SRC) -lpthread -o "$OUT/fuzz_vals"
fi

[ "${1:-}" = "--build-only" ] && exit 0

# run TARGET RUNS: one campaign, its log and its report. RSS limit 6 GiB
# (libFuzzer's default is 2 GiB): over hours, ASan's quarantine and the
# growing corpus approach that without any leak; a real leak still ends it.
run() {
	t=$1
	if [ "$t" = tasks ]; then
		set -- "$OUT/fuzz_tasks" -artifact_prefix="$OUT/tasks-" -print_final_stats=1 -rss_limit_mb=6144 \
			-runs="$2" "$OUT/corpus_tasks" tests/fuzz/corpus_tasks
	elif [ "$t" = vals ]; then
		set -- "$OUT/fuzz_vals" -artifact_prefix="$OUT/vals-" -print_final_stats=1 -rss_limit_mb=6144 \
			-runs="$2" "$OUT/corpus_vals" tests/fuzz/corpus_vals
	else
		# -max_len=1024: a built-ins input is a sequence of operations
		# (an opcode byte and a few argument bytes each), so an
		# execution costs in proportion to its length; libFuzzer lets
		# inputs grow to 4 KiB, where a campaign fell from 2,000 to 600
		# executions/s. 1 KiB is some hundreds of operations per
		# execution, deeper than any seed scenario.
		set -- "$OUT/fuzz_builtins" -artifact_prefix="$OUT/" -print_final_stats=1 -rss_limit_mb=6144 \
			-max_len=1024 -runs="$2" "$OUT/corpus" tests/fuzz/corpus
	fi
	log=$OUT/campaign-$t.log
	start=$(date +%s)
	rc=0
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$@" >"$log" 2>&1 || rc=$?
	secs=$(($(date +%s) - start))
	if [ "$rc" -ne 0 ]; then
		tail -n 60 "$log"
		echo "fuzz: $t failed (exit $rc) after $secs s; log $log"
		return 1
	fi
	scripts/fuzz_report.sh "$t" "$log" "$secs" "$*"
}

# One target's campaign alone (e.g. to re-run one): --campaign-one TARGET RUNS.
if [ "${1:-}" = "--campaign-one" ]; then
	run "${2:?--campaign-one builtins|tasks|vals RUNS}" "${3:?RUNS}"
	exit $?
fi

if [ "${1:-}" = "--campaign" ]; then
	runs=${2:?--campaign RUNS}
	run builtins "$runs" &
	b=$!
	run tasks "$runs" &
	t=$!
	run vals "$runs" &
	v=$!
	rc=0
	wait "$b" || rc=1
	wait "$t" || rc=1
	wait "$v" || rc=1
	exit "$rc"
fi

BIN=$OUT/fuzz_builtins
CORPUS=$OUT/corpus
SEEDS=tests/fuzz/corpus
PREFIX=$OUT/
if [ "${1:-}" = "--tasks" ]; then
	shift
	BIN=$OUT/fuzz_tasks
	CORPUS=$OUT/corpus_tasks
	SEEDS=tests/fuzz/corpus_tasks
	PREFIX=$OUT/tasks-
elif [ "${1:-}" = "--vals" ]; then
	shift
	BIN=$OUT/fuzz_vals
	CORPUS=$OUT/corpus_vals
	SEEDS=tests/fuzz/corpus_vals
	PREFIX=$OUT/vals-
fi

# Runs leave the build/fuzz corpus holding what they found; without a -runs
# or -max_total_time the fuzzer runs until stopped.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
exec "$BIN" -artifact_prefix="$PREFIX" -print_final_stats=1 "$@" "$CORPUS" "$SEEDS"
