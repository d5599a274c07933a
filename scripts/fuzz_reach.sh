#!/bin/sh
# Replay the fuzz corpora under llvm-cov and fail if a public function of
# include/flue/exec.h, host.h or channel.h is never called (issue 10:
# "fuzzing reaches every public entry point").
#
#   scripts/fuzz_reach.sh            replay, print the report, check
#   scripts/fuzz_reach.sh --seeds-only   the committed seeds alone
#
# Both fuzzers are rebuilt with clang's source-based coverage
# (-fprofile-instr-generate -fcoverage-mapping, no sanitizers) in
# build/fuzz-reach; libFuzzer's -runs=0 runs every input of the corpus
# directories once and stops: the committed seeds (tests/fuzz/corpus,
# tests/fuzz/corpus_tasks) and, if a campaign left them, build/fuzz/corpus
# and build/fuzz/corpus_tasks. The profiles are merged (llvm-profdata) and
# every function's call count read back (llvm-cov export). Writes
# build/fuzz-reach/report.txt (llvm-cov report of the library) and
# build/fuzz-reach/calls.txt (calls per public function), and the result
# with the commit, the date and the corpus sizes to
# tests/fuzz/reports/reach.txt (committed with the campaign reports).
set -eu
cd "$(dirname "$0")/.."

CC=${CC_FUZZ:-clang}
OUT=build/fuzz-reach
CAMPAIGN=build/fuzz
[ "${1:-}" = "--seeds-only" ] && CAMPAIGN=build/fuzz-reach/none
PROFDATA=${LLVM_PROFDATA:-llvm-profdata}
COV=${LLVM_COV:-llvm-cov}
HEADERS="include/flue/exec.h include/flue/host.h include/flue/channel.h"
rm -rf "$OUT/prof"
mkdir -p "$OUT/prof"

PROF="-fprofile-instr-generate -fcoverage-mapping"
WARN="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
COMMON="-std=c11 -g -O0 $WARN -Iinclude -Isrc/decide"
LIB="src/decide/*.c src/obj/*.c src/abi/*.c src/exec/*.c src/port/posix/port_posix.c"
TASK_WRAP="-Wl,--wrap=flue_port_idle -Wl,--wrap=flue_port_sem_take -Wl,--wrap=flue_port_sem_give"
# shellcheck disable=SC2086
$CC $COMMON -fsanitize=fuzzer $PROF $LIB \
	tests/fuzz/fuzz_harness.c tests/fuzz/fuzz_ops.c tests/fuzz/fuzz_selftest.c \
	tests/fuzz/invariants.c tests/fuzz/invariants_sched.c -lpthread -o "$OUT/fuzz_builtins"
# shellcheck disable=SC2086
$CC $COMMON -fsanitize=fuzzer $PROF $LIB \
	tests/fuzz/fuzz_tasks.c tests/fuzz/fuzz_tasks_guest.c tests/fuzz/fuzz_tasks_host.c \
	tests/fuzz/fuzz_tasks_ext.c tests/fuzz/fuzz_tasks_selftest.c tests/fuzz/invariants.c \
	tests/fuzz/invariants_sched.c \
	$TASK_WRAP -lpthread -o "$OUT/fuzz_tasks"

# replay BIN DIR...: every input of the existing DIRs once (-runs=0).
replay() {
	bin=$1
	shift
	dirs=""
	for d in "$@"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	LLVM_PROFILE_FILE="$OUT/prof/$(basename "$bin")-%p.profraw" \
		"$bin" -runs=0 $dirs >"$OUT/$(basename "$bin").log" 2>&1 ||
		{ tail -n 40 "$OUT/$(basename "$bin").log"; echo "fuzz_reach: $bin failed"; exit 1; }
	grep -E 'INITED|DONE' "$OUT/$(basename "$bin").log" | tail -n 1
}
replay "$OUT/fuzz_builtins" tests/fuzz/corpus "$CAMPAIGN/corpus"
replay "$OUT/fuzz_tasks" tests/fuzz/corpus_tasks "$CAMPAIGN/corpus_tasks"

$PROFDATA merge -sparse "$OUT"/prof/*.profraw -o "$OUT/merged.profdata"
# One binary holds the library's coverage mapping per executable; both
# are given (the second with -object).
OBJS="$OUT/fuzz_tasks -object=$OUT/fuzz_builtins"
# shellcheck disable=SC2086
$COV report $OBJS -instr-profile="$OUT/merged.profdata" src/exec src/obj src/abi \
	>"$OUT/report.txt"
tail -n 1 "$OUT/report.txt"
# shellcheck disable=SC2086
$COV export $OBJS -instr-profile="$OUT/merged.profdata" -skip-expansions \
	>"$OUT/export.json"

# The public functions: every declaration `type flue_name(` in the headers.
# shellcheck disable=SC2086 # three paths
sed -n 's/^[a-z_][a-z0-9_ ]*[ *]\(flue_[a-z0-9_]*\)(.*/\1/p' $HEADERS | sort -u >"$OUT/public.txt"
rc=0
python3 - "$OUT/export.json" "$OUT/public.txt" "$OUT/calls.txt" <<'PY' || rc=$?
import json, sys
data = json.load(open(sys.argv[1]))
calls = {}
for d in data["data"]:
    for f in d["functions"]:
        name = f["name"].split(":")[-1]
        calls[name] = calls.get(name, 0) + f["count"]
public = [l.strip() for l in open(sys.argv[2]) if l.strip()]
missing = []
with open(sys.argv[3], "w") as out:
    for p in public:
        n = calls.get(p)
        out.write("%-32s %s\n" % (p, "not compiled" if n is None else n))
        if not n:
            missing.append(p)
print("fuzz_reach: %d public functions of exec.h, host.h, channel.h; %d never called"
      % (len(public), len(missing)))
for m in missing:
    print("fuzz_reach: never called: %s (%s)" % (m, "not compiled" if m not in calls else "0 calls"))
sys.exit(1 if missing else 0)
PY
{
	echo "check:        every public function of $HEADERS called by a replay of the corpora"
	echo "date:         $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "commit:       $(git rev-parse HEAD 2>/dev/null || echo unknown)"
	for d in tests/fuzz/corpus "$CAMPAIGN/corpus" tests/fuzz/corpus_tasks "$CAMPAIGN/corpus_tasks"; do
		if [ -d "$d" ]; then
			printf 'corpus:       %s (%s files)\n' "$d" "$(find "$d" -type f | wc -l)"
		fi
	done
	echo "library:      src/exec, src/obj, src/abi (llvm-cov TOTAL: regions, missed, cover;"
	echo "              functions, missed, executed; lines, missed, cover; branches, missed, cover)"
	echo "              $(tail -n 1 "$OUT/report.txt" | tr -s ' ')"
	echo "result:       $([ "$rc" -eq 0 ] && echo 'every one called' || echo 'SOME NEVER CALLED')"
	echo
	echo "calls per public function (llvm-cov, all replayed inputs):"
	cat "$OUT/calls.txt"
} >tests/fuzz/reports/reach.txt
exit "$rc"
