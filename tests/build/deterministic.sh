#!/usr/bin/env bash
# flue-build twice from the same inputs into the same folder: every
# generated file and the program itself must come out byte-identical.
# Usage: deterministic.sh <flue-build> <sdk> <composition> <modules dir> <work dir> [cflags]
set -euo pipefail
fb=$1 sdk=$2 comp=$3 mods=$4 work=$5 cflags=${6:-}
rm -rf "$work"
src=$(dirname "$comp")/main.c
prog=$(basename "$comp" .flue)
"$fb" --sdk "$sdk" --modules "$mods" -o "$work/out" -s "$src" --cflags "$cflags" -q "$comp"
cp -r "$work/out" "$work/first"
rm -rf "$work/out"
"$fb" --sdk "$sdk" --modules "$mods" -o "$work/out" -s "$src" --cflags "$cflags" -q "$comp"
diff -r "$work/first/gen" "$work/out/gen"
cmp "$work/first/$prog" "$work/out/$prog"
echo "deterministic: $(ls "$work/out/gen" | wc -l) generated files and the program identical"
