#!/usr/bin/env bash
# Layers depend only on the layers before them (docs/ARCHITECTURE.md):
#   decide -> obj -> abi -> exec -> port, glue
# A file may not include a header that belongs to a later layer. Public
# headers belong to a layer too: flue/abi.h to abi, flue/exec*.h to exec.
# (decide's stricter purity rule is scripts/check_decide_includes.sh.)
set -euo pipefail
shopt -s nullglob
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
status=0
check() { # layer, regex of forbidden include targets
  local layer=$1 bad=$2 f
  for f in "$root"/src/"$layer"/*.[ch]; do
    if grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($bad)" "$f"; then
      echo "FAIL: $f (layer $layer) includes a later layer's header" >&2
      status=1
    fi
  done
}
check decide 'flue/(store|abi|host|channel|exec|port)|\.\./'
check obj    'flue/(abi|exec)|\.\./(abi|exec|port|glue)/'
check abi    'flue/exec|\.\./(exec|port|glue)/'
check exec   '\.\./(port|glue)/'
[ $status -eq 0 ] && echo "ok: no include runs against the layer order"
exit $status
