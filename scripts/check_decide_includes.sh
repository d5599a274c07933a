#!/usr/bin/env bash
# The decision layer is pure: its files, and every flue header they pull in
# (transitively), may include only <stdint.h>, <stdbool.h>, <stddef.h> and
# flue's own headers (<flue/...>, <gale/...>, or "..." inside src/decide).
# Usage: check_decide_includes.sh [src/decide]
set -euo pipefail
shopt -s nullglob
dir=$(cd "${1:-src/decide}" && pwd)
inc=$(cd "$dir/../../include" && pwd)
status=0
declare -A seen=()
queue=("$dir"/*.c "$dir"/*.h)

while [ ${#queue[@]} -gt 0 ]; do
  f=${queue[0]}; queue=("${queue[@]:1}")
  [ -n "${seen[$f]:-}" ] && continue
  seen[$f]=1
  while IFS= read -r hdr; do
    case "$hdr" in
      '<stdint.h>'|'<stdbool.h>'|'<stddef.h>') ;;
      '<flue/'*|'<gale/'*)
        h=${hdr#<}; h=${h%>}
        if [ -f "$inc/$h" ]; then queue+=("$inc/$h")
        else echo "FAIL: $f includes $hdr, which is not in include/" >&2; status=1; fi ;;
      '"'*)
        h=${hdr#\"}; h=${h%\"}
        if [ -f "$(dirname "$f")/$h" ]; then queue+=("$(dirname "$f")/$h")
        else echo "FAIL: $f includes $hdr, which is not a flue header beside it" >&2; status=1; fi ;;
      *) echo "FAIL: $f includes $hdr (decide code may use only stdint/stdbool/stddef and flue headers)" >&2
         status=1 ;;
    esac
  done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"][^>"]*[>"]).*/\1/p' "$f")
done
[ $status -eq 0 ] && echo "ok: ${#seen[@]} files checked; decide code includes only <stdint.h>, <stdbool.h>, <stddef.h> and flue headers"
exit $status
