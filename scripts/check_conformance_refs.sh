#!/usr/bin/env bash
# Every test docs/CONFORMANCE.md names (`suite/test`, or `suite/prefix_*`)
# exists: a suite is the FT_SUITE name of a tests/*/test_*.c file, a test
# one of its FT_TEST cases. Keeps the conformance map true as tests move.
# Usage: scripts/check_conformance_refs.sh [doc]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
doc=${1:-docs/CONFORMANCE.md}

# Two greps over every suite file (not three processes per file: the
# check runs in every build's ctest).
declare -A tests exact suite_of
while IFS=: read -r f m; do
  [ -n "${suite_of[$f]+x}" ] || suite_of[$f]=${m#FT_SUITE(}
done < <(grep -oHE 'FT_SUITE\( *[a-z0-9_]+' tests/*/test_*.c | sed -E 's/FT_SUITE\( */FT_SUITE(/')
while IFS=: read -r f m; do
  suite=${suite_of[$f]:-}
  [ -n "$suite" ] || continue
  t=${m#FT_TEST(}
  t=${t%)}
  tests[$suite]="${tests[$suite]:-} $t"
  exact[$suite/$t]=1
done < <(grep -oHE '^FT_TEST\([A-Za-z0-9_]+\)' tests/*/test_*.c)

bad=0
while read -r ref; do
  suite=${ref%%/*}
  pat=${ref#*/}
  case $suite in test|design|src|tests|include|docs|examples|build|tools|scripts|cmake|suite) continue ;; esac
  if [ -z "${tests[$suite]+x}" ]; then
    echo "$doc: \`$ref\`: no test suite '$suite'" >&2; bad=1; continue
  fi
  [ -n "${exact[$ref]+x}" ] && continue
  found=0
  for t in ${tests[$suite]}; do
    # shellcheck disable=SC2053
    if [[ $t == $pat ]]; then found=1; break; fi
  done
  [ $found = 1 ] || { echo "$doc: \`$ref\`: no such test" >&2; bad=1; }
done < <(grep -oE '`[a-z0-9_]+/[A-Za-z0-9_*]+`' "$doc" | tr -d '`' | sort -u)
[ $bad = 0 ] && echo "ok: every test $doc names exists"
exit $bad
