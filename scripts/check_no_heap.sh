#!/usr/bin/env bash
# Fails if a linked image defines or references the C heap: malloc, calloc,
# realloc, free, _sbrk, or newlib's reentrant variants (_malloc_r, ...).
# flue's programs on Cortex-M are heap-free by design (flue/board.h); an
# accidental newlib stdio call or assert() would pull the allocator in.
# Usage: check_no_heap.sh <nm> <elf>
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <nm> <elf>" >&2; exit 2; }
nm=$1
elf=$2
[ -f "$elf" ] || { echo "FAIL: no such image: $elf" >&2; exit 2; }
# Every symbol, defined or undefined, local or global: the name is the last
# field ("addr type name" or "U name").
symbols=$("$nm" "$elf" | awk 'NF >= 2 {print $NF}' | sort -u)
heap=$(grep -Ex '(malloc|calloc|realloc|free|_sbrk)|_(malloc|calloc|realloc|free|sbrk)_r' \
       <<<"$symbols" || true)
if [ -n "$heap" ]; then
  echo "FAIL: $elf uses the heap: $(echo $heap)" >&2
  exit 1
fi
echo "ok: $elf has none of malloc/calloc/realloc/free/_sbrk (and _r variants)" \
     "among its $(grep -c . <<<"$symbols") symbols"
