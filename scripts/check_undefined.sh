#!/usr/bin/env bash
# Fails if a core archive references any symbol outside the freestanding
# allowance (memcpy, memmove, memset), the port interface (flue_port_*,
# include/flue/port.h, implemented by the linked port) or the archives
# themselves.
# Usage: check_undefined.sh [--nm NM] lib.a [lib.a ...]
set -euo pipefail
nm=nm
if [ "${1:-}" = "--nm" ]; then nm=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [--nm NM] lib.a ..." >&2; exit 2; }
defined=$("$nm" -g --defined-only "$@" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u)
undefined=$("$nm" -u "$@" | awk '/ U / {print $2}' | sort -u)
bad=()
for s in $undefined; do
  case "$s" in memcpy|memmove|memset|flue_port_*) continue ;; esac
  grep -qx -- "$s" <<<"$defined" && continue
  bad+=("$s")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "FAIL: core references non-freestanding symbols: ${bad[*]}" >&2
  exit 1
fi
echo "ok: $(echo "$undefined" | grep -c . || true) undefined symbol(s), all allowed ($*)"
