#!/usr/bin/env bash
# --lib: a static library, its header and a linker-script fragment; a
# firmware (here: the pipeline's main.c on the host) links them by hand.
# Usage: library.sh <flue-build> <sdk> <example dir> <modules dir> <work dir> [cflags]
set -euo pipefail
fb=$1 sdk=$2 ex=$3 mods=$4 work=$5 cflags=${6:-}
rm -rf "$work"
"$fb" --sdk "$sdk" --modules "$mods" -o "$work" --lib --cflags "$cflags" -q "$ex/pipeline.flue"
test -f "$work/libpipeline.a" && test -f "$work/pipeline.h" && test -f "$work/pipeline.ld"
grep -q '\.bss\.flue_memory\.sink' "$work/pipeline.ld"
cc -std=c11 -O2 $cflags -I "$work" -I "$sdk/include" -o "$work/firmware" "$ex/main.c" "$work/libpipeline.a" \
   -Wl,--start-group "$sdk"/lib/libflue_glue.a "$sdk"/lib/libflue_wasm_rt_wabt.a \
   "$sdk"/lib/libflue_board_posix.a "$sdk"/lib/libflue.a "$sdk"/lib/libflue_gale.a \
   "$sdk"/lib/libflue_port_posix.a -Wl,--end-group -lpthread -lm
"$work/firmware"
