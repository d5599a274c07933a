#!/usr/bin/env bash
# Per-function profile of the one-element guest<->guest hand-off
# (docs/PERFORMANCE.md, "make bench"), after `make bench` built
# build/bench-host and build/bench-m3:
#
#  host  valgrind --tool=callgrind on `bench_host --only handoff_gg`,
#        collecting only inside the benchmark (--toggle-collect), and
#        callgrind_annotate's top functions by their own instructions.
#  M3    QEMU -d in_asm,exec,nochain on bench_m3_profile.elf (the hand-off
#        alone): every executed translation block, each instruction of it
#        attributed to the function whose symbol (arm-none-eabi-nm) covers
#        its address, counted between the first and the last call of
#        bench_now() (the benchmark's timed window).
#
# Usage: scripts/bench_profile.sh [build-dir] [top-N]   (defaults: build 15)
# Outputs also go to <build-dir>/bench/profile-{host,m3}.txt.
set -euo pipefail
B=${1:-build}
TOP=${2:-15}
out=$B/bench
mkdir -p "$out"
host=$B/bench-host/bench/bench_host
elf=$B/bench-m3/bench/bench_m3_profile.elf
for f in "$host" "$elf"; do
  [ -x "$f" ] || [ -f "$f" ] || { echo "bench_profile: $f missing: run make bench first" >&2; exit 1; }
done
command -v valgrind >/dev/null || { echo "bench_profile: valgrind missing (scripts/deps.sh)" >&2; exit 1; }

# ---------------------------------------------------------------- host
iters=200000
echo "== host: callgrind, handoff_gg, $iters hand-offs (instructions per hand-off = Ir / $iters)"
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
  --toggle-collect=bench_stream_gg "$host" --only handoff_gg --iters "$iters" --runs 1 \
  >"$out/callgrind-run.txt" 2>&1 || { cat "$out/callgrind-run.txt"; exit 1; }
callgrind_annotate --threshold=100 "$out/callgrind.out" 2>/dev/null |
  awk -v top="$TOP" -v n="$iters" '
    /PROGRAM TOTALS/ { ir = $1; gsub(",", "", ir); printf "total %s Ir, %.0f per hand-off\n", ir, ir / n; next }
    /^ *[0-9,]+ \( *[0-9.]+%\) / && shown < top {
      ir = $1; gsub(",", "", ir)
      line = $0; sub(/^ *[0-9,]+ \( */, "", line); pct = line; sub(/%\).*/, "", pct)
      fn = line; sub(/^[^)]*\) +/, "", fn); sub(/ \[[^]]*\]$/, "", fn); sub(/^.*:/, "", fn)
      printf "%10.1f %5.1f%%  %s\n", ir / n, pct, fn; shown++
    }' | tee "$out/profile-host.txt"

# ------------------------------------------------------------------ M3
log=$out/qemu-trace.log
echo "== M3: QEMU exec trace of bench_m3_profile.elf (handoff_gg), instructions per hand-off"
qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -icount shift=0,sleep=off \
  -d in_asm,exec,nochain -D "$log" -kernel "$elf" >"$out/m3-profile-run.txt"
cat "$out/m3-profile-run.txt"
read -r _ _ icount m3iters < <(grep '^bench handoff_gg ' "$out/m3-profile-run.txt")
arm-none-eabi-nm -n -S --defined-only "$elf" | awk '$3 ~ /^[tTwW]$/ && NF == 4' >"$out/m3-symbols.txt"
# Plain awk (mawk: no strtonum): hex by hand.
awk '
  function hex(s,    i, c, v) {
    v = 0; s = tolower(s); sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
    return v
  }
  # Symbols: address size type name, sorted by address.
  FNR == NR { ns++; sa[ns] = hex($1); se[ns] = sa[ns] + hex($2); sn[ns] = $4
              if ($4 == "bench_now") now = sa[ns]; next }
  function fn_of(a,    lo, hi, mid) {
    a = a - a % 2; lo = 1; hi = ns
    while (lo < hi) { mid = int((lo + hi + 1) / 2); if (sa[mid] <= a) lo = mid; else hi = mid - 1 }
    return (sa[lo] <= a && a < se[lo]) ? sn[lo] : "(no symbol)"
  }
  # A translation: its instructions by function, bound to the host TB
  # pointer of the Trace line that executes it first (right after it).
  /^IN:/ { intb = 1; cnt = 0; split("", pend); next }
  intb && /^0x[0-9a-f]+:/ { a = hex(substr($1, 1, length($1) - 1)); if (cnt == 0) first = a
                            pend[fn_of(a)]++; cnt++; next }
  intb && /^$/ { intb = 0; bind = 1; next }
  /^Trace / {
    tb = $3; split($4, f, "/"); pc = hex(f[2])
    if (bind && pc == first) { k = 0; for (g in pend) { k++; tf[tb, k] = g; tc[tb, k] = pend[g] } tn[tb] = k; bind = 0 }
    if (pc == now) on = (++calls == 1)
    if (!on || !(tb in tn)) next
    for (k = 1; k <= tn[tb]; k++) { per[tf[tb, k]] += tc[tb, k]; total += tc[tb, k] }
  }
  END { printf "total %d\n", total; for (g in per) printf "%d %s\n", per[g], g }
' "$out/m3-symbols.txt" "$log" >"$out/m3-counts.txt"
rm -f "$log"
total=$(awk '$1 == "total" { print $2 }' "$out/m3-counts.txt")
{
  awk -v t="$total" -v n="$m3iters" -v ic="$icount" \
    'BEGIN { printf "total %d instructions traced in the timed window (icount: %d), %.0f per hand-off\n", t, ic, t / n }'
  grep -v '^total ' "$out/m3-counts.txt" | sort -rn | head -n "$TOP" |
    awk -v t="$total" -v n="$m3iters" '{ printf "%10.1f %5.1f%%  %s\n", $1 / n, 100 * $1 / t, $2 }'
} | tee "$out/profile-m3.txt"
