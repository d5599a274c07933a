# flue: the two commands are `make demo` and `make test` (README.md).
# Everything else here is a step of those two.
JOBS ?= 2
CMAKE ?= cmake
CTEST ?= ctest --output-on-failure -j$(JOBS)
B := build

PREFIX ?= /usr/local

.PHONY: demo test deps build install test-host test-asan test-tsan test-clang test-target test-coverage prove clean bench test-gale

deps:
	@scripts/deps.sh

build: deps
	@echo "== building flue, flue-build, the SDK and the examples (log: $(B)/host-build.log)"
	@$(CMAKE) -S . -B $(B)/host -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@$(CMAKE) --build $(B)/host -j$(JOBS) >$(B)/host-build.log 2>&1 || \
	  { tail -n 60 $(B)/host-build.log; exit 1; }

# The main job: components running. Builds flue, flue-build and the
# examples, then runs the pipeline example on the host and on the
# Cortex-M3 board under QEMU (instruction counts: -icount shift=0).
demo: build
	@$(B)/host/examples/pipeline/host/pipeline
	@echo "== the same components on a Cortex-M3 (QEMU mps2-an385, -icount shift=0)"
	@qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic -monitor none -serial none \
	  -semihosting-config enable=on,target=native -icount shift=0,sleep=off \
	  -kernel $(B)/host/examples/pipeline/cortex-m3/pipeline.elf

# flue, flue-build and the SDK (CMake package flue::flue, flue.pc) into PREFIX.
install: build
	@$(CMAKE) --install $(B)/host --prefix $(PREFIX)

test: deps test-host test-asan test-tsan test-clang test-target test-fuzz test-coverage prove
	@echo "make test: all steps passed"

test-host: build
	@echo "== unit tests (gcc)"
	@$(CTEST) --test-dir $(B)/host

test-asan: deps
	@echo "== unit tests under ASan+UBSan"
	@$(CMAKE) -S . -B $(B)/asan -DCMAKE_BUILD_TYPE=Debug -DFLUE_SANITIZE=ON -DFLUE_SDK_CORTEX=OFF >/dev/null
	@$(CMAKE) --build $(B)/asan -j$(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(CTEST) --test-dir $(B)/asan

test-tsan: deps
	@echo "== host-thread tests under ThreadSanitizer (driver channel fed from a second thread; port fibers; the board's timer thread; the driver example)"
	@$(CMAKE) -S . -B $(B)/tsan -DCMAKE_BUILD_TYPE=Debug -DFLUE_TSAN=ON -DFLUE_SDK_CORTEX=OFF >/dev/null
	@$(CMAKE) --build $(B)/tsan -j$(JOBS) --target test_host test_port_posix test_threads \
	  test_post_stress test_exec_edge test_board_posix glue_test_w2c example_driver_host \
	  example_driver_busy_host
	@TSAN_OPTIONS=halt_on_error=1 $(CTEST) --test-dir $(B)/tsan \
	  -R 'abi\.host|port\.posix|exec\.threads|exec\.post_stress|exec\.exec_edge|board\.posix|glue\.w2c|examples\.driver\.host'

# The second compiler builds flue, flue-build and every unit test; the
# programs flue-build makes (examples, tests/build) are built and run by
# gcc, under ASan+UBSan and on the boards, so they are left out here.
test-clang: deps
	@echo "== unit tests (clang)"
	@CC=clang $(CMAKE) -S . -B $(B)/clang -DCMAKE_BUILD_TYPE=Debug -DFLUE_SDK_CORTEX=OFF \
	  -DFLUE_BUILD_PROGRAMS=OFF >/dev/null
	@$(CMAKE) --build $(B)/clang -j$(JOBS)
	@$(CTEST) --test-dir $(B)/clang

test-target: deps
	@echo "== Cortex-M33 core build"
	@$(CMAKE) -S . -B $(B)/m33 -DFLUE_TARGET=cortex-m33 \
	  -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
	@$(CMAKE) --build $(B)/m33 -j$(JOBS)
	@$(CTEST) --test-dir $(B)/m33
	@echo "== Cortex-M3 core build and decision tests on QEMU mps2-an385"
	@$(CMAKE) -S . -B $(B)/m3 -DFLUE_TARGET=cortex-m3 \
	  -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
	@$(CMAKE) --build $(B)/m3 -j$(JOBS)
	@$(CTEST) --test-dir $(B)/m3
	@echo "== Cortex-M33 with the FPU (hard float): the port's stack switching (s16-s31 saved)"
	@$(CMAKE) -S . -B $(B)/m33hf -DFLUE_TARGET=cortex-m33 -DFLUE_FLOAT_ABI=hard \
	  -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
	@$(CMAKE) --build $(B)/m33hf -j$(JOBS) --target flue_target_port >/dev/null
	@$(CTEST) --test-dir $(B)/m33hf -R 'target\.port'
	@echo "-- suites run on the Cortex-M3 under QEMU (the deliberately failing image left out):"
	@grep -hE '^suite ' $(B)/m3/Testing/Temporary/LastTest.log | grep -v must_fail | sed 's/^/   /' 

# Branch coverage of src/obj, src/abi and src/exec by the host suites:
# fails under 90 % in any of them (scripts/coverage.sh).
test-coverage: deps
	@echo "== branch coverage of src/obj, src/abi, src/exec (gcovr; floor 90 %)"
	@scripts/coverage.sh $(B)/cov

prove: deps
	@echo "== proofs (Frama-C WP)"
	@scripts/prove.sh

# Fuzzing (libFuzzer, ASan, UBSan; scripts/fuzz.sh): the built-ins fuzzer,
# the executor's task fuzzer (--tasks) and the value fuzzer (--vals: type
# graphs and values moved host -> guest -> guest -> host). `make fuzz` is a
# campaign of 10^7 executions of each; `make test` runs a short bounded one
# of each.
.PHONY: fuzz test-fuzz
# Issue 10: 10^7 executions of each fuzzer under ASan+UBSan, all three at
# once (hours on 2 cores), each writing tests/fuzz/reports/<target>.txt (commit
# them), then the reach check: a replay of the corpora under llvm-cov must
# call every function of include/flue/exec.h, host.h and channel.h.
# FUZZ_RUNS=100000 for a short campaign.
FUZZ_RUNS ?= 10000000
.PHONY: fuzz-reach
fuzz: deps
	@echo "== fuzzing the built-ins, the executor's tasks and the value mover ($(FUZZ_RUNS) executions each, in parallel)"
	@scripts/fuzz.sh --campaign $(FUZZ_RUNS)
	@echo "== the fuzz corpora reach every public function of exec.h, host.h, channel.h"
	@scripts/fuzz_reach.sh

fuzz-reach: deps
	@echo "== the fuzz corpora reach every public function of exec.h, host.h, channel.h"
	@scripts/fuzz_reach.sh

test-fuzz: deps
	@echo "== fuzzing the built-ins (bounded: 20000 executions)"
	@mkdir -p $(B)/fuzz
	@scripts/fuzz.sh -runs=20000 -max_total_time=45 >$(B)/fuzz/test-fuzz.log 2>&1 || \
	  { tail -n 40 $(B)/fuzz/test-fuzz.log; exit 1; }
	@grep -E '^#[0-9]+[[:space:]]+DONE' $(B)/fuzz/test-fuzz.log
	@echo "== fuzzing the executor's tasks (bounded: 20000 executions)"
	@FLUE_FUZZ_NO_BUILD=1 scripts/fuzz.sh --tasks -runs=20000 -max_total_time=45 >$(B)/fuzz/test-fuzz-tasks.log 2>&1 || \
	  { tail -n 40 $(B)/fuzz/test-fuzz-tasks.log; exit 1; }
	@grep -E '^#[0-9]+[[:space:]]+DONE' $(B)/fuzz/test-fuzz-tasks.log
	@echo "== fuzzing the value mover (bounded: 10000 executions)"
	@FLUE_FUZZ_NO_BUILD=1 scripts/fuzz.sh --vals -runs=10000 -max_total_time=30 >$(B)/fuzz/test-fuzz-vals.log 2>&1 || \
	  { tail -n 40 $(B)/fuzz/test-fuzz-vals.log; exit 1; }
	@grep -E '^#[0-9]+[[:space:]]+DONE' $(B)/fuzz/test-fuzz-vals.log

# Gale itself in the loop, not part of `make test` (needs a Gale checkout
# and cargo): the suites that use Gale's decisions, linked against Gale's
# own libgale_ffi.a built offline from GALE_DIR/ffi (scripts/test_gale.sh,
# docs/ARCHITECTURE.md "Gale in the loop"). Without GALE_DIR: skipped.
test-gale:
	@JOBS=$(JOBS) scripts/test_gale.sh "$(GALE_DIR)" $(B)

# Benchmarks, not tests (docs/PERFORMANCE.md, "make bench"): the executor
# against in-run baselines on the host (-O2) and on the Cortex-M3 under
# QEMU (-icount shift=0,sleep=off); one Markdown table, also written to
# $(B)/bench/report.md. Gates are printed PASS/FAIL; only a benchmark that
# fails to run correctly makes it fail.
bench: deps build
	@echo "== bench: building $(B)/bench-host (Release, -O2) and $(B)/bench-m3 (MinSizeRel, -Os)"
	@$(CMAKE) -S . -B $(B)/bench-host -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
	  -DFLUE_BENCH=ON -DFLUE_BUILD_TESTS=OFF >/dev/null
	@$(CMAKE) --build $(B)/bench-host -j$(JOBS) --target bench_host >$(B)/bench-host/build.log 2>&1 || \
	  { tail -n 40 $(B)/bench-host/build.log; exit 1; }
	@$(CMAKE) -S . -B $(B)/bench-m3 -DFLUE_TARGET=cortex-m3 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake \
	  -DCMAKE_BUILD_TYPE=MinSizeRel -DFLUE_BENCH=ON -DFLUE_BUILD_TESTS=OFF >/dev/null
	@$(CMAKE) --build $(B)/bench-m3 -j$(JOBS) --target bench_m3 bench_m3_profile bench_m3_masked >$(B)/bench-m3/build.log 2>&1 || \
	  { tail -n 40 $(B)/bench-m3/build.log; exit 1; }
	@echo "== bench: the isolation images ($(B)/m3, $(B)/m33; the examples come with the build)"
	@for core in m3 m33; do \
	  $(CMAKE) -S . -B $(B)/$$core -DFLUE_TARGET=cortex-$$core -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake \
	    -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null && \
	  $(CMAKE) --build $(B)/$$core -j$(JOBS) --target flue_isolation flue_port_cortexm >/dev/null || exit 1; \
	done
	@bench/run.sh $(B)

clean:
	rm -rf $(B)
