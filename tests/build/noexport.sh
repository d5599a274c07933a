#!/usr/bin/env bash
# A program that exports nothing (its instance is driven from its
# `_initialize` and host functions only) builds with the glue's -Werror and
# starts: the host-call machinery is generated only for exports.
# Usage: noexport.sh <flue-build> <sdk> <pipeline example dir> <its modules dir> <work dir> [cflags]
set -euo pipefail
fb=$1 sdk=$2 ex=$3 mods=$4 work=$5 cflags=${6:-}
rm -rf "$work"
mkdir -p "$work"
cp -r "$ex/wit" "$work/"
printf 'instance sensor %s/sensor.wasm wit world sensor\nhost sensor.example:pipeline/stats#report\n' \
  "$mods" >"$work/noexport.flue"
cat >"$work/main.c" <<'C'
#include <flue/board.h>
#include "noexport.h"

void noexport_stats_report(uint32_t component, uint32_t elements, uint32_t blocked,
			   uint32_t events, uint32_t crc)
{
	(void)component, (void)elements, (void)blocked, (void)events, (void)crc;
}

int main(void)
{
	int rc = noexport_init(flue_board_printf);
	flue_board_printf("noexport: %s\n", rc == 0 ? "ok" : "FAILED");
	return rc;
}
C
"$fb" --sdk "$sdk" --modules "$mods" --source "$work/main.c" --cflags "$cflags" -o "$work/out" \
  -q "$work/noexport.flue"
"$work/out/noexport"
