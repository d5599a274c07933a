#!/bin/sh
# Write the report of one fuzz campaign from its libFuzzer log (issue 10):
#
#   scripts/fuzz_report.sh TARGET LOG SECONDS COMMAND...
#
# -> tests/fuzz/reports/TARGET.txt: date, git commit (and whether the tree
# had changes), executions, seconds, libFuzzer's final DONE line
# (coverage, features, corpus), the harness's own statistics, the sha256
# of the sorted sha256 hashes of the corpus files the campaign used, and
# the command line. Fails if the log has no DONE line (the campaign did
# not finish) or shows a crash, a leak or a sanitizer report.
set -eu
cd "$(dirname "$0")/.."

t=${1:?target}
log=${2:?log}
secs=${3:?seconds}
shift 3
cmd="$*"
out=tests/fuzz/reports/$t.txt
mkdir -p tests/fuzz/reports

done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
if [ -z "$done_line" ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|check failed' "$log"; then
	echo "fuzz_report: $log shows no clean end; no report written" >&2
	exit 1
fi
runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}')
[ -n "$runs" ] || runs=$(printf '%s\n' "$done_line" | sed 's/^#\([0-9]*\).*/\1/')

# The corpus: the directories named at the end of the command line.
corpus_dirs=""
for w in $cmd; do
	[ -d "$w" ] && corpus_dirs="$corpus_dirs $w"
done
# shellcheck disable=SC2086
nfiles=$(find $corpus_dirs -type f | wc -l)
# shellcheck disable=SC2086
chash=$(find $corpus_dirs -type f -exec sha256sum {} + | awk '{print $1}' | sort |
	sha256sum | awk '{print $1}')

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain -- src include tests/fuzz scripts 2>/dev/null | grep -vc '^??' || true)

{
	echo "target:       $t"
	echo "date:         $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "commit:       $commit$( [ "$dirty" -ne 0 ] && echo " (+ $dirty uncommitted changes)")"
	echo "runs:         $runs"
	echo "seconds:      $secs"
	echo "result:       clean (no crash, leak, sanitizer report or failed check)"
	echo "done:         $done_line"
	echo "corpus:       $nfiles files in$corpus_dirs"
	echo "corpus hash:  $chash (sha256 of the sorted sha256 of every corpus file)"
	echo "command:      $cmd"
	echo "sanitizers:   ASan + UBSan (-fsanitize=address,undefined -fno-sanitize-recover=all)"
	grep -E '^(fuzz_tasks|fuzz_builtins|fuzz_vals|fuzz):' "$log" | sed 's/^/stats:        /' || true
	grep -E '^stat::' "$log" | sed 's/^/libfuzzer:    /' || true
} >"$out"
echo "fuzz_report: $out"
cat "$out"
