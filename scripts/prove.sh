#!/usr/bin/env bash
# Proves every contract of the decision layer with Frama-C WP (+RTE guards).
# Prints "proved N / N goals" and exits non-zero unless every goal is proved.
# Usage: scripts/prove.sh [file.c ...]   (default: every src/decide/*.c)
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

files=("$@")
[ ${#files[@]} -gt 0 ] || files=(src/decide/*.c)

# No admitted lemmas or hand-waved axioms in proved code.
if grep -nE '\b(admit|axiom|assume)\b' "${files[@]}" src/decide/*.h; then
  echo "prove: admit/axiom/assume found in proved code (see above)" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout=${FLUE_WP_TIMEOUT:-20}
frama-c -cpp-extra-args="-I$root/include -I$root/src/decide" \
  -wp -wp-rte -wp-prover z3,cvc4 -wp-timeout "$timeout" -wp-par 2 \
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
  grep -E 'Goal .*: (Unknown|Timeout|Failed|Stepout)' "$log" || true
  grep -E '^\[(kernel|wp)\].*(error|warning)' "$log" || true
  echo "proved ${proved:-0} / ${total:-?} goals -- NOT ALL PROVED" >&2
  exit 1
fi
if grep -qE '^\[kernel\].*[Ee]rror' "$log"; then cat "$log"; exit 1; fi
echo "proved $proved / $total goals (${#files[@]} files, Frama-C WP + RTE, z3/cvc4, timeout ${timeout}s)"
