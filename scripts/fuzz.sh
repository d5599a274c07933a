#!/bin/sh
# Build the built-ins fuzzer (libFuzzer + ASan + UBSan) and run it.
#
#   scripts/fuzz.sh [libFuzzer options...]     e.g. -runs=200000, -max_total_time=60
#   scripts/fuzz.sh --build-only
#   FLUE_FUZZ_TRACE=1 build/fuzz/fuzz_builtins crash-file   decode an input
#
# New corpus entries go to build/fuzz/corpus (the committed seeds in
# tests/fuzz/corpus are only read); crashes go to build/fuzz/.
set -eu
cd "$(dirname "$0")/.."

CC=${CC_FUZZ:-clang}
OUT=build/fuzz
BIN=$OUT/fuzz_builtins
WARN="-Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
mkdir -p "$OUT/corpus"

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
COMMON="-std=c11 -g -O1 -fno-omit-frame-pointer $WARN -Iinclude -Isrc/decide"

# The invariant checker gets no coverage instrumentation: its branches say
# nothing about the library, and it runs after every step.
# shellcheck disable=SC2086
$CC $COMMON $SAN -c tests/fuzz/invariants.c -o "$OUT/invariants.o"
# The library under test and the harness (fuzz_harness.c, fuzz_ops.c,
# fuzz_selftest.c; fuzz_internal.h), with coverage feedback.
# shellcheck disable=SC2086
$CC $COMMON -fsanitize=fuzzer $SAN \
	src/decide/*.c src/obj/*.c src/abi/*.c src/port/posix/port_posix.c \
	tests/fuzz/fuzz_harness.c tests/fuzz/fuzz_ops.c tests/fuzz/fuzz_selftest.c \
	"$OUT/invariants.o" \
	-lpthread -o "$BIN"

[ "${1:-}" = "--build-only" ] && exit 0

# Runs leave build/fuzz/corpus holding what they found; without a -runs or
# -max_total_time the fuzzer runs until stopped.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
exec "$BIN" -artifact_prefix="$OUT/" -print_final_stats=1 "$@" \
	"$OUT/corpus" tests/fuzz/corpus
