#!/bin/sh
# bench/run.sh <build-dir>: the run half of `make bench` (the Makefile has
# built <build-dir>/bench-host and <build-dir>/bench-m3). Runs both
# programs, keeps their raw output in <build-dir>/bench/{host,m3}.txt and
# prints the Markdown table, also written to <build-dir>/bench/report.md.
# Exit status: non-zero only if a benchmark failed to run correctly (a
# program exited non-zero, or a figure is missing); gates that FAIL are
# reported in the table, not in the status.
set -eu
B=${1:-build}
out=$B/bench
mkdir -p "$out"
status=0

echo "== bench: host ($B/bench-host/bench/bench_host, best of 5 runs)"
"$B/bench-host/bench/bench_host" >"$out/host.txt" || status=1
grep BROKEN "$out/host.txt" >&2 || true

echo "== bench: Cortex-M3 (QEMU mps2-an385, -icount shift=0,sleep=off)"
qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -icount shift=0,sleep=off \
  -kernel "$B/bench-m3/bench/bench_m3.elf" >"$out/m3.txt" || status=1
grep BROKEN "$out/m3.txt" >&2 || true

bench/report.sh "$out/host.txt" "$out/m3.txt" >"$out/report.md" || status=1
echo "== bench: Cortex-M isolation (QEMU, both boards)"
{ echo; bench/isolation.sh "$B"; } >>"$out/report.md" || status=1
echo
cat "$out/report.md"
echo
echo "(written to $out/report.md)"
[ "$status" -eq 0 ] || echo "bench: a benchmark failed to run correctly" >&2
exit "$status"
