#!/usr/bin/env bash
# A composition whose budget the program exceeds must fail to build, and
# say which instance, how much and what the budget was.
# Usage: budget.sh <flue-build> <sdk> <example dir> <modules dir> <work dir> [cflags]
set -uo pipefail
fb=$1 sdk=$2 ex=$3 mods=$4 work=$5 cflags=${6:-}
rm -rf "$work" && mkdir -p "$work"
cp -r "$ex/wit" "$work/"
grep -v '^budget' "$ex/pipeline.flue" > "$work/pipeline.flue"
echo "budget sink ram 1000" >> "$work/pipeline.flue"
if "$fb" --sdk "$sdk" --modules "$mods" -o "$work/out" -s "$ex/main.c" --cflags "$cflags" "$work/pipeline.flue" 2>&1; then
  echo "FAIL: the build succeeded over budget"
  exit 1
fi
exit 0
