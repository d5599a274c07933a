#!/usr/bin/env bash
# Runs a command, shows its output, and passes only if it exits with
# exactly <status> and its output (stdout and stderr) matches the extended
# regular expression <regex>, applied to the whole output at once (grep -z:
# `.` matches newlines too). CTest alone can check "non-zero" (WILL_FAIL)
# or a pattern, but not a particular status together with one.
# Usage: expect_status.sh <status> <regex> <command> [args...]
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: $0 <status> <regex> <command> [args...]" >&2; exit 2; }
want=$1
regex=$2
shift 2
out=$("$@" 2>&1)
got=$?
printf '%s\n' "$out"
if [ "$got" -ne "$want" ]; then
  echo "expect_status: exit status $got, expected $want" >&2
  exit 1
fi
if ! printf '%s' "$out" | grep -Ezq -- "$regex"; then
  echo "expect_status: output does not match: $regex" >&2
  exit 1
fi
echo "expect_status: exit status $got and output as expected"
