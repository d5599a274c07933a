#!/usr/bin/env bash
# The decision layer is pure: it may include only <stdint.h>, <stdbool.h>,
# <stddef.h> and flue's own headers ("..." or <flue/...>, <gale/...>).
set -euo pipefail
dir=${1:-src/decide}
status=0
while IFS= read -r line; do
  file=${line%%:*}; rest=${line#*:}; rest=${rest#*:}
  hdr=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"][^>"]*[>"]).*/\1/' <<<"$rest")
  case "$hdr" in
    '<stdint.h>'|'<stdbool.h>'|'<stddef.h>'|'<flue/'*|'<gale/'*|'"'*) ;;
    *) echo "FAIL: $file includes $hdr" >&2; status=1 ;;
  esac
done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$dir"/*.c "$dir"/*.h)
# Quoted includes must resolve inside the flue tree.
while IFS= read -r q; do
  f=${q%%:*}; h=$(sed -E 's/.*"([^"]+)".*/\1/' <<<"${q#*:}")
  [ -f "$dir/$h" ] || { echo "FAIL: $f includes \"$h\" which is not a flue header in $dir" >&2; status=1; }
done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$dir"/*.c "$dir"/*.h || true)
[ $status -eq 0 ] && echo "ok: $dir includes only <stdint.h>, <stdbool.h>, <stddef.h> and flue headers"
exit $status
