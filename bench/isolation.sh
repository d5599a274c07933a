#!/bin/sh
# bench/isolation.sh <build-dir>: the Cortex-M isolation figures of
# `make bench` (issue 11, docs/MPU.md), all instruction counts under QEMU
# -icount shift=0 on both boards:
#   - the privilege gate: a guest entry + return (no MPU write), with one
#     service call, and alternating two domains (an MPU program each time);
#     one MPU program write; one guest store fault until the trap returns
#     (printed by the tests/isolation image);
#   - the pipeline example's hand-offs, plain and with flue-build --isolate
#     (instructions per element, fast and slow sink);
#   - flash and RAM of the isolation code (its port objects and the glue's
#     w2c_gate.c), from arm-none-eabi-size.
# Prints a Markdown section. Needs <build-dir>/{m3,m33} and
# <build-dir>/host built (the Makefile's bench target builds them).
set -eu
B=${1:-build}
run() { # machine cpu elf
	qemu-system-arm -M "$1" -cpu "$2" -nographic -monitor none -serial none \
		-semihosting-config enable=on,target=native -icount shift=0,sleep=off -kernel "$3"
}
num() { sed -n "s/.*$1 \([0-9][0-9]*\).*/\1/p" | head -n 1; }

echo "| Cortex-M isolation (instructions) | Cortex-M3 | Cortex-M33 |"
echo "|---|---:|---:|"
for b in m3 m33; do
	if [ $b = m3 ]; then m=mps2-an385; c=cortex-m3; else m=mps2-an505; c=cortex-m33; fi
	run $m $c "$B/$b/flue_isolation.elf" >"$B/bench/isolation-$b.txt"
	run $m $c "$B/host/examples/pipeline/$c/pipeline.elf" >"$B/bench/pipeline-$b.txt"
	run $m $c "$B/host/examples/pipeline/$c-isolated/pipeline.elf" >"$B/bench/pipeline-iso-$b.txt"
done
row() { # label file-stem pattern [nth]
	a=$(sed -n "$3" "$B/bench/$2-m3.txt" | head -n "${4:-1}" | tail -n 1)
	b=$(sed -n "$3" "$B/bench/$2-m33.txt" | head -n "${4:-1}" | tail -n 1)
	echo "| $1 | ${a:-n/a} | ${b:-n/a} |"
}
row "guest entry + return through the gate, same domain" isolation 's/.*gate: entry+exit \([0-9]*\),.*/\1/p'
row "... with one service call inside" isolation 's/.*+ one service call \([0-9]*\),.*/\1/p'
row "... alternating two domains (an MPU program each entry)" isolation 's/.*switching domains \([0-9]*\) .*/\1/p'
row "one MPU program write (8 slots)" isolation 's/.*8-slot program ([0-9]* hardware slots): \([0-9]*\) .*/\1/p'
row "guest store fault until the trap returns" isolation 's/.*flue_port_try returning 1: \([0-9]*\) .*/\1/p'
row "pipeline hand-off per element, fast sink, plain" pipeline 's/.* \([0-9]*\) instructions per element.*/\1/p' 1
row "... with --isolate" pipeline-iso 's/.* \([0-9]*\) instructions per element.*/\1/p' 1
row "pipeline hand-off per element, slow sink (a step each), plain" pipeline 's/.* \([0-9]*\) instructions per element.*/\1/p' 2
row "... with --isolate" pipeline-iso 's/.* \([0-9]*\) instructions per element.*/\1/p' 2
echo
run mps2-an385 cortex-m3 "$B/bench-m3/bench/bench_m3_masked.elf" >"$B/bench/masked-m3.txt"
masked=$(sed -n 's/^bench masked_max \([0-9]*\) 1$/\1/p' "$B/bench/masked-m3.txt")
echo "Longest time flue held its critical section (interrupts masked) over every"
echo "benchmark above on the Cortex-M3: ${masked:-n/a} instructions (resolution 40,"
echo "the two clock reads included; flue_port_cortexm_lock_basepri() keeps more"
echo "urgent interrupts live meanwhile)."
echo
echo "| isolation code, Cortex-M3 -Os (bytes) | text | data | bss |"
echo "|---|---:|---:|---:|"
for f in mpu guest fault gate budget; do
	o=$B/m3/CMakeFiles/flue_port_cortexm.dir/src/port/cortex-m/${f}_cortexm.c.obj
	arm-none-eabi-size "$o" | awk -v n="src/port/cortex-m/${f}_cortexm.c" 'NR==2 {printf "| %s | %d | %d | %d |\n", n, $1, $2, $3}'
done
o=$(find "$B/host/sdk-build/cortex-m3" -name 'w2c_gate.c.obj' | head -n 1)
arm-none-eabi-size "$o" | awk 'NR==2 {printf "| src/glue/w2c_gate.c | %d | %d | %d |\n", $1, $2, $3}'
