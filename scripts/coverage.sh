#!/usr/bin/env bash
# Branch coverage of src/obj, src/abi and src/exec by the host suites
# (tests/abi, tests/exec, built with gcc --coverage in their own build
# directory), one figure per layer; exits non-zero if any layer is under
# the floor (FLUE_COVERAGE_FLOOR, percent, default 90).
#   scripts/coverage.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/cov}
FLOOR=${FLUE_COVERAGE_FLOOR:-90}
JOBS=${JOBS:-2}

cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DFLUE_SDK_CORTEX=OFF \
  "-DCMAKE_C_FLAGS=--coverage -fprofile-update=atomic" -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
targets=()
for f in tests/abi/test_*.c tests/exec/test_*.c; do
  targets+=("$(basename "$f" .c)")
done
cmake --build "$B" -j"$JOBS" --target "${targets[@]}" >"$B/coverage-build.log" 2>&1 ||
  { tail -n 40 "$B/coverage-build.log"; exit 1; }
find "$B" -name '*.gcda' -delete
ctest --test-dir "$B" -j"$JOBS" -R '^(abi|exec)\.' --output-on-failure >"$B/coverage-tests.log" 2>&1 ||
  { tail -n 40 "$B/coverage-tests.log"; exit 1; }

status=0
for layer in obj abi exec; do
  # Counters are updated atomically (threads in the exec suites), so a
  # parse error is a real problem: say so rather than stop silently.
  line=$(gcovr -r . "$B" --filter "src/$layer/" -b 2>"$B/gcovr-$layer.err" | grep '^TOTAL' || true)
  if [ -z "$line" ]; then
    echo "coverage: gcovr gave no figure for src/$layer:" >&2
    tail -n 5 "$B/gcovr-$layer.err" >&2
    exit 1
  fi
  read -r _ branches taken pct <<<"$line"
  pct=${pct%\%}
  verdict=ok
  if [ "$pct" -lt "$FLOOR" ]; then verdict="UNDER ${FLOOR}%"; status=1; fi
  printf '  src/%-5s branches %5s taken %5s  %3s%%  %s\n' "$layer" "$branches" "$taken" "$pct" "$verdict"
done
exit $status
