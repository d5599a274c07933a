#!/usr/bin/env bash
# Layers depend only on the layers before them (docs/ARCHITECTURE.md):
#   decide -> obj -> abi -> exec -> glue
#   port, wasmrt, board: platform parts; they see only flue/port.h (and the
#   headers that declare themselves), never the core's or the glue's.
# A file may not include a header that belongs to a later layer. Public
# headers belong to a layer too: flue/abi.h to abi, flue/exec*.h to exec,
# flue/w2c.h to glue. The glue uses the public headers only.
# (decide's stricter purity rule is scripts/check_decide_includes.sh.)
set -euo pipefail
shopt -s nullglob
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
status=0
check() { # layer, regex of forbidden include targets
  local layer=$1 bad=$2 f
  [ -d "$root/src/$layer" ] || return 0
  while IFS= read -r f; do
    if grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($bad)" "$f"; then
      echo "FAIL: $f (layer $layer) includes a later layer's header" >&2
      status=1
    fi
  done < <(find "$root/src/$layer" -name '*.[ch]' | sort)
}
later='w2c|board|wasm_rt_static|wasm_rt_trap'
check decide "flue/(store|abi|host|channel|exec|port|$later)|\\.\\./"
check obj    "flue/(abi|exec|$later)|\\.\\./(abi|exec|port|glue|wasmrt|board)/"
check abi    "flue/(exec|$later)|\\.\\./(exec|port|glue|wasmrt|board)/"
check exec   "flue/($later)|\\.\\./(port|glue|wasmrt|board)/"
check glue   "flue/(board|wasm_rt_static)|\\.\\./(decide|obj|abi|exec|port|wasmrt|board)/"
check wasmrt "flue/(store|abi|host|channel|exec|w2c|board|functype)|\\.\\./(decide|obj|abi|exec|glue|board)/"
check board  "flue/(store|abi|host|channel|exec|w2c|wasm_rt_static|wasm_rt_trap|functype)|\\.\\./(decide|obj|abi|exec|glue|wasmrt)/"
check port   "flue/(store|abi|host|channel|exec|w2c|board|wasm_rt_static|wasm_rt_trap)|\\.\\./(decide|obj|abi|exec|glue|wasmrt|board)/"
[ $status -eq 0 ] && echo "ok: no include runs against the layer order"
exit $status
