#!/usr/bin/env bash
# Proves every contract of the decision layer with Frama-C WP (+RTE guards).
# Prints "proved N / N goals" and exits non-zero unless every goal is proved.
# Usage: scripts/prove.sh [file.c ...]   (default: every src/decide/*.c)
# Without arguments the files are proved in independent groups (a file and
# the files it calls into), FLUE_PROVE_JOBS (default 2) Frama-C runs at a
# time: one run spends most of its time in Frama-C's own serial work
# (VC generation, Qed), so two runs keep two cores busy where one run's
# -wp-par 2 did not (354 -> 219 s on two cores). Three runs were faster
# (181 s) but six provers on two cores let a goal time out on a loaded
# machine, and one prover per run (FLUE_WP_PAR=1) made the MPU files alone
# take over nine CPU-minutes. The goals are the same; the line adds them
# up.
# Contracts sit on the definitions, so prove a file together with the
# files that define what it calls (flue_mpu_v7.c needs flue_mpu.c): a
# callee seen only through its header has no contract, and the run fails
# with "every function in the decision layer needs a contract".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in frama-c why3 z3 cvc4; do
  command -v "$tool" >/dev/null || { echo "prove: $tool not found; run scripts/deps.sh" >&2; exit 2; }
done
# why3 needs to know the provers once per machine.
[ -f "$HOME/.why3.conf" ] || why3 config detect >/dev/null

# Groups: every file alone, except those that call into another file
# (flue_mpu_v7.c and flue_mpu_v8.c call flue_mpu.c). Longest first.
if [ $# -eq 0 ]; then
  groups=("src/decide/flue_mpu.c src/decide/flue_mpu_v7.c src/decide/flue_mpu_v8.c" "src/decide/flue_task.c")
  for f in src/decide/*.c; do
    case $f in src/decide/flue_task.c|src/decide/flue_mpu*.c) ;; *) groups+=("$f") ;; esac
  done
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  for i in "${!groups[@]}"; do echo "$i ${groups[$i]}"; done |
    xargs -P "${FLUE_PROVE_JOBS:-2}" -L 1 sh -c \
      'i=$1; shift; "$0" "$@" >"'"$out"'/$i.txt" 2>&1; echo $? >"'"$out"'/$i.rc"' "$0"
  proved=0 total=0 bad=0 nfiles=0
  for i in "${!groups[@]}"; do
    line=$(grep -E '^proved [0-9]+ / [0-9]+ goals' "$out/$i.txt" || true)
    if [ "$(cat "$out/$i.rc")" != 0 ] || [ -z "$line" ]; then
      echo "== ${groups[$i]}"; cat "$out/$i.txt"; bad=1; continue
    fi
    set -- $line
    proved=$((proved + $2)) total=$((total + $4))
  done
  for g in "${groups[@]}"; do set -- $g; nfiles=$((nfiles + $#)); done
  [ "$bad" = 0 ] || { echo "proved $proved / $total goals of the groups that ran -- NOT ALL PROVED" >&2; exit 1; }
  echo "proved $proved / $total goals ($nfiles files in ${#groups[@]} runs, Frama-C WP + RTE, z3/cvc4, timeout ${FLUE_WP_TIMEOUT:-20}s)"
  exit 0
fi
files=("$@")

# No admitted lemmas or hand-waved axioms in proved code.
if grep -nE '\b(admit|axiom|assume)\b' "${files[@]}" src/decide/*.h; then
  echo "prove: admit/axiom/assume found in proved code (see above)" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout=${FLUE_WP_TIMEOUT:-20}
frama-c -cpp-extra-args="-I$root/include -I$root/src/decide" \
  -wp -wp-rte -wp-prover z3,cvc4 -wp-timeout "$timeout" -wp-par "${FLUE_WP_PAR:-2}" \
  -wp-no-warn-memory-model \
  "${files[@]}" >"$log" 2>&1 || { cat "$log"; echo "prove: frama-c failed" >&2; exit 1; }

# A called function without a contract makes WP assume anything about it.
if grep -qE "No 'assigns' specification|Neither code nor specification" "$log"; then
  grep -A2 -E "No 'assigns' specification|Neither code nor specification" "$log" >&2
  echo "prove: every function in the decision layer needs a contract" >&2
  exit 1
fi
line=$(grep -E '^\[wp\] Proved goals:' "$log" | tail -n 1)
proved=$(echo "$line" | sed -E 's/.*: *([0-9]+) *\/ *([0-9]+).*/\1/')
total=$(echo "$line" | sed -E 's/.*: *([0-9]+) *\/ *([0-9]+).*/\2/')
if [ -z "$line" ] || [ "$proved" != "$total" ]; then
  grep -E '\[(Timeout|Unknown|Failed|Stepout)\]|Goal .*: (Unknown|Timeout|Failed|Stepout)' "$log" || true
  grep -E '^\[(kernel|wp)\].*(error|warning)' "$log" || true
  echo "proved ${proved:-0} / ${total:-?} goals -- NOT ALL PROVED" >&2
  exit 1
fi
if grep -qE '^\[kernel\].*[Ee]rror' "$log"; then cat "$log"; exit 1; fi
echo "proved $proved / $total goals (${#files[@]} files, Frama-C WP + RTE, z3/cvc4, timeout ${timeout}s)"
