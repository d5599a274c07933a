#!/usr/bin/env bash
# Gale itself in the loop (`make test-gale GALE_DIR=...`; docs/ARCHITECTURE.md,
# "Gale in the loop"). Builds Gale's C FFI crate (GALE_DIR/ffi) offline into
# BUILD/gale-ffi, configures BUILD/gale with FLUE_GALE_FFI pointing at the
# libgale_ffi.a it produced (cmake/gale.cmake), builds the suites that use
# Gale's decisions against it, checks from each link map that every gale_*
# function Gale defines came from libgale_ffi.a (never from flue's
# libflue_gale.a), says which came from where, and runs the suites (CTest
# label `gale`). Not part of `make test`.
# Usage: test_gale.sh [GALE_DIR] [BUILD]    (JOBS: parallel jobs, default 2)
set -euo pipefail
gale=${1:-}
B=${2:-build}
jobs=${JOBS:-2}
if [ -z "$gale" ]; then
  echo "test-gale: skipped (set GALE_DIR=<a Gale checkout>)"
  exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
gale=$(cd "$gale" && pwd)
[ -f "$gale/ffi/Cargo.toml" ] || { echo "test-gale: $gale/ffi/Cargo.toml not found (not a Gale checkout)" >&2; exit 2; }
mkdir -p "$B"
B=$(cd "$B" && pwd)
if commit=$(git -C "$gale" rev-parse HEAD 2>/dev/null); then
  [ -z "$(git -C "$gale" status --porcelain 2>/dev/null)" ] || commit="$commit (with local changes)"
else
  commit="unknown (not a git checkout)"
fi
echo "== test-gale: Gale at $gale, commit $commit"

# 1. Gale's FFI crate, offline, built outside GALE_DIR.
echo "== building Gale's ffi crate: cargo build --offline --release (log: $B/gale-ffi.log)"
lib=$B/gale-ffi/release/libgale_ffi.a
(cd "$gale/ffi" && CARGO_TARGET_DIR=$B/gale-ffi cargo build --offline --release) \
  >"$B/gale-ffi.log" 2>&1 || { tail -n 40 "$B/gale-ffi.log"; exit 1; }
[ -f "$lib" ] || { echo "test-gale: cargo produced no $lib" >&2; exit 1; }
echo "   $(cargo --version), $(rustc --version)"

# 2. flue's suites that use Gale's decisions, linked against it.
echo "== building the gale.* suites against $lib (log: $B/gale-build.log)"
cmake -S . -B "$B/gale" -DCMAKE_BUILD_TYPE=Debug -DFLUE_SDK_CORTEX=OFF \
  -DFLUE_GALE_FFI="$lib" >"$B/gale-build.log" 2>&1 || { tail -n 40 "$B/gale-build.log"; exit 1; }
cmake --build "$B/gale" -j"$jobs" --target gale_suites flue_gale >>"$B/gale-build.log" 2>&1 ||
  { tail -n 60 "$B/gale-build.log"; exit 1; }

# 3. Where each gale_* function came from, from the link maps. A map's
# memory-map part names each input section's file, then the symbols it
# defines: "<symbol> <file>" for every gale_* symbol linked.
echo "== link check: which gale_* functions came from Gale, which from flue"
gale_defs=$(nm -g --defined-only "$lib" 2>/dev/null | awk '$2 ~ /^[TW]$/ && $3 ~ /^gale_/ {print $3}' | sort -u)
flue_defs=$(nm -g --defined-only "$B/gale/libflue_gale.a" | awk 'NF==3 && $3 ~ /^gale_/ {print $3}' | sort -u)
origins() {
  awk '/^Linker script and memory map/ {mm = 1; next}
       mm && /^ *(\.[^ ]+)? +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]+$/ {file = $NF; next}
       mm && /^ +0x[0-9a-f]+ +gale_[a-z0-9_]+$/ {print $2, file}' "$1"
}
# Gale functions flue's code refers to: undefined in a suite's own objects
# or in the members of the flue copy (libflue_on_gale*.a) that were linked.
used_by() {
  local exe=$1 map=$B/gale/$1.map
  {
    find "$B/gale/CMakeFiles/$exe.dir" -name '*.o' -exec nm -u {} + | awk '{print $NF}'
    for a in libflue_on_gale.a libflue_on_gale_fwd.a; do
      grep -oE "^$a\\([^)]*\\)" "$map" | sed "s/^$a(//; s/)$//" | sort -u | while read -r m; do
        nm -A -u "$B/gale/$a" 2>/dev/null | awk -v m="$B/gale/$a:$m:" 'index($0, m) == 1 {print $NF}'
      done
    done
  } | grep -E '^gale_' | sort -u
}
fail=0
all_used=""
flue_supplied=""
for map in "$B"/gale/gale_*.map; do
  exe=$(basename "$map" .map)
  origin=$(origins "$map")
  while read -r sym file; do
    case "$file" in
      *libflue_gale.a*)
        if grep -qx -- "$sym" <<<"$gale_defs"; then
          echo "FAIL: $exe: $sym came from flue ($file), but Gale's library defines it" >&2
          fail=1
        else
          flue_supplied="$flue_supplied $sym"
        fi ;;
    esac
  done <<<"$origin"
  for sym in $(used_by "$exe"); do
    file=$(awk -v s="$sym" '$1 == s {print $2}' <<<"$origin" | head -n 1)
    case "$file" in
      *libgale_ffi.a*) all_used="$all_used $sym" ;;
      *libflue_gale.a*) ;;  # counted above
      *) echo "FAIL: $exe: $sym resolved from ${file:-nowhere}" >&2; fail=1 ;;
    esac
  done
done
used=$(tr ' ' '\n' <<<"$all_used" | grep . | sort -u || true)
from_flue=$(tr ' ' '\n' <<<"$flue_supplied" | grep . | sort -u || true)
echo "   from Gale's libgale_ffi.a ($(grep -c . <<<"$used" || true) functions the suites and flue's library call):"
fmt -w 100 <<<"$used" | sed 's/^/     /'
if [ -n "$from_flue" ]; then
  echo "   from flue's libflue_gale.a (Gale lacks them):"
  fmt -w 100 <<<"$from_flue" | sed 's/^/     /'
else
  echo "   from flue's libflue_gale.a: none (Gale defines all $(grep -c . <<<"$flue_defs") gale_* functions flue implements)"
fi
missing=$(comm -23 <(echo "$flue_defs") <(echo "$gale_defs"))
[ -z "$missing" ] || echo "   flue implements, Gale lacks: $(tr '\n' ' ' <<<"$missing")"
echo "   from flue's headers, inline (include/flue/gale_ext.h): the packed-decision decoders flue_gale_*"
[ "$fail" -eq 0 ] || { echo "test-gale: FAILED: the link did not use Gale's functions" >&2; exit 1; }

# 4. Run them.
echo "== running the gale.* suites (CTest label gale)"
status=0
ctest --test-dir "$B/gale" -L gale -j"$jobs" --output-on-failure || status=$?
echo "== suites run against Gale's libgale_ffi.a (Gale commit $commit):"
ctest --test-dir "$B/gale" -L gale -N | sed -n 's/^ *Test *#[0-9]*: */   /p'
if [ "$status" -eq 0 ]; then
  echo "test-gale: all suites passed against Gale's library"
else
  echo "test-gale: FAILED against Gale's library (see above)" >&2
fi
exit "$status"
