#!/usr/bin/env bash
# Fails unless the freestanding wasm2c runtime (libflue_wasm_rt_static.a)
# references nothing beyond memset, memcpy, longjmp (wasm exceptions) and
# the port (flue_port_halt when no trap handler is set; the privilege gate,
# flue_port_unprivileged and flue_port_gate, for a gated guest's traps and
# memory.grow): no heap, no stdio, no other libc, nothing of the glue above.
# Usage: check_runtime_symbols.sh <nm> <lib.a>
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <nm> <lib.a>" >&2; exit 2; }
defined=$("$1" -g --defined-only "$2" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u)
undefined=$("$1" -u "$2" | awk '/ U / {print $2}' | sort -u | comm -23 - <(echo "$defined"))
bad=$(grep -vxE 'memset|memcpy|longjmp|flue_port_halt|flue_port_unprivileged|flue_port_gate' <<<"$undefined" || true)
if [ -n "$bad" ]; then
  echo "FAIL: $2 references: $(echo $bad)" >&2
  exit 1
fi
echo "ok: $2 references only: $(echo $undefined)"
