#!/usr/bin/env bash
# Every test docs/CONFORMANCE.md names (`suite/test`, or `suite/prefix_*`)
# exists: a suite is the FT_SUITE name of a tests/*/test_*.c file, a test
# one of its FT_TEST cases. Keeps the conformance map true as tests move.
# Usage: scripts/check_conformance_refs.sh [doc]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
doc=${1:-docs/CONFORMANCE.md}

declare -A tests
for f in tests/*/test_*.c; do
  suite=$(grep -oE 'FT_SUITE\( *[a-z0-9_]+' "$f" | head -n1 | sed -E 's/FT_SUITE\( *//') || true
  [ -n "$suite" ] || continue
  names=$(grep -oE '^FT_TEST\([A-Za-z0-9_]+\)' "$f" | sed -E 's/FT_TEST\((.*)\)/\1/' | tr '\n' ' ')
  tests[$suite]="${tests[$suite]:-} $names"
done

bad=0
while read -r ref; do
  suite=${ref%%/*}
  pat=${ref#*/}
  case $suite in test|design|src|tests|include|docs|examples|build|tools|scripts|cmake|suite) continue ;; esac
  if [ -z "${tests[$suite]+x}" ]; then
    echo "$doc: \`$ref\`: no test suite '$suite'" >&2; bad=1; continue
  fi
  found=0
  for t in ${tests[$suite]}; do
    # shellcheck disable=SC2053
    if [[ $t == $pat ]]; then found=1; break; fi
  done
  [ $found = 1 ] || { echo "$doc: \`$ref\`: no such test" >&2; bad=1; }
done < <(grep -oE '`[a-z0-9_]+/[A-Za-z0-9_*]+`' "$doc" | tr -d '`' | sort -u)
[ $bad = 0 ] && echo "ok: every test $doc names exists"
exit $bad
