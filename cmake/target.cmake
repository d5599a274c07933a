# Cortex-M build, included by CMakeLists.txt when FLUE_TARGET is not "host".
# flue and flue_gale are already defined; cmake/arm-none-eabi.cmake put the
# CPU and size flags into CMAKE_C_FLAGS. This file adds:
#   - flue_size (ALL): prints `arm-none-eabi-size -t` of both core archives
#   - test core.freestanding: the archives reference only memcpy/memmove/memset
#   - where QEMU emulates the core: one image with every tests/decide suite
#     (target.decide) and one image that must fail (target.exit_status,
#     target.failure_report) to prove that failures reach the exit status.

if(NOT CMAKE_CROSSCOMPILING OR NOT CMAKE_C_COMPILER MATCHES "arm-none-eabi-gcc")
  message(FATAL_ERROR "FLUE_TARGET=${FLUE_TARGET} needs "
                      "-DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake")
endif()
if(NOT CMAKE_C_FLAGS MATCHES "-mcpu=${FLUE_TARGET}( |$)")
  message(FATAL_ERROR "this build directory was configured for another core "
                      "(CMAKE_C_FLAGS: ${CMAKE_C_FLAGS}); use a fresh one per FLUE_TARGET")
endif()

get_filename_component(FLUE_ARM_BINDIR ${CMAKE_C_COMPILER} DIRECTORY)
find_program(FLUE_ARM_SIZE NAMES arm-none-eabi-size HINTS ${FLUE_ARM_BINDIR} REQUIRED)
find_program(FLUE_ARM_NM NAMES arm-none-eabi-nm HINTS ${FLUE_ARM_BINDIR} REQUIRED)

# ------------------------------------------------------------------ sizes
add_custom_target(flue_size ALL
  COMMAND ${CMAKE_COMMAND} -E echo
          "-- flue core size, ${FLUE_TARGET} (${FLUE_FLOAT_ABI}-float, -Os):"
  COMMAND ${FLUE_ARM_SIZE} -t $<TARGET_FILE:flue_gale> $<TARGET_FILE:flue>
  VERBATIM)
add_dependencies(flue_size flue flue_gale)

if(NOT FLUE_BUILD_TESTS)
  return()
endif()
enable_testing()

# The core must stay freestanding, on the target as on the host.
add_test(NAME core.freestanding
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/check_undefined.sh --nm ${FLUE_ARM_NM}
                 $<TARGET_FILE:flue> $<TARGET_FILE:flue_gale>)

# ------------------------------------------------------ emulated test images
# QEMU machine per core; the image's linker script is tests/target/<machine>.ld.
if(FLUE_TARGET STREQUAL "cortex-m3")
  set(FLUE_QEMU_MACHINE mps2-an385)
elseif(FLUE_TARGET STREQUAL "cortex-m33")
  set(FLUE_QEMU_MACHINE mps2-an505)
else()
  return()
endif()

find_program(FLUE_QEMU NAMES qemu-system-arm REQUIRED)
set(FT_DIR ${PROJECT_SOURCE_DIR}/tests/target)

# flue_target_image(<image> <suite.c>...): one ELF with the runner, the
# startup code, the given suites (test_<suite>.c defines <suite>_suite_run)
# and a main() generated from tests/target/main.c.in that runs them all.
# How every target test source is compiled (an image's or an object
# library's): the runner's ftest.h, its target side, flue's warnings.
function(flue_target_test_flags tgt)
  target_compile_definitions(${tgt} PRIVATE FLUE_TEST_TARGET)
  target_include_directories(${tgt} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support ${FT_DIR})
  target_compile_options(${tgt} PRIVATE ${FLUE_WARNINGS})
endfunction()

# SUITES_FROM <object library>: its suites (and support sources) too, as
# compiled there (an image that links the same suites another way).
function(flue_target_image image)
  cmake_parse_arguments(FT "" "SUITES_FROM" "" ${ARGN})
  set(FT_SOURCES ${FT_UNPARSED_ARGUMENTS})
  set(FT_NAMES ${FT_UNPARSED_ARGUMENTS})
  if(FT_SUITES_FROM)
    get_target_property(FT_LIB_SOURCES ${FT_SUITES_FROM} SOURCES)
    list(APPEND FT_NAMES ${FT_LIB_SOURCES})
    list(APPEND FT_SOURCES $<TARGET_OBJECTS:${FT_SUITES_FROM}>)
  endif()
  set(FT_SUITE_DECLS "")
  set(FT_SUITE_CALLS "")
  foreach(src ${FT_NAMES})
    get_filename_component(name ${src} NAME_WE)
    if(NOT name MATCHES "^test_")
      continue() # a support source (e.g. a fixture), not a suite
    endif()
    string(REGEX REPLACE "^test_" "" suite ${name})
    if(NOT suite MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
      message(FATAL_ERROR "${src}: suite name '${suite}' is not a C identifier")
    endif()
    string(APPEND FT_SUITE_DECLS "int ${suite}_suite_run(void);\n")
    string(APPEND FT_SUITE_CALLS "\t(void)${suite}_suite_run();\n")
  endforeach()
  set(FT_IMAGE_NAME ${image})
  set(FT_IMAGE "${image}, ${FLUE_TARGET} on QEMU ${FLUE_QEMU_MACHINE}")
  configure_file(${FT_DIR}/main.c.in ${CMAKE_CURRENT_BINARY_DIR}/${image}_main.c @ONLY)

  add_executable(${image} ${FT_SOURCES} ${FT_DIR}/ft_runner.c ${FT_DIR}/startup.c
                          ${CMAKE_CURRENT_BINARY_DIR}/${image}_main.c)
  set_target_properties(${image} PROPERTIES
    SUFFIX .elf
    LINK_DEPENDS "${FT_DIR}/${FLUE_QEMU_MACHINE}.ld;${FT_DIR}/sections.ld")
  flue_target_test_flags(${image})
  # newlib with semihosting (librdimon) for stdio and exit; our own startup
  # replaces rdimon-crt0 and crti/crtn (-nostartfiles).
  target_link_options(${image} PRIVATE
    --specs=rdimon.specs -nostartfiles
    -L${FT_DIR} -T${FLUE_QEMU_MACHINE}.ld
    -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/${image}.map)
  target_link_libraries(${image} PRIVATE flue ${FLUE_PORT})
endfunction()

file(GLOB FLUE_TEST_SUITES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/decide/test_*.c)
flue_target_image(flue_target_tests ${FLUE_TEST_SUITES})
flue_target_image(flue_target_must_fail ${FT_DIR}/test_must_fail.c)

# The built-in suites on the target too (all but the POSIX-thread one).
# Compiled once: tests/gated/gated.cmake links them a second time.
file(GLOB FLUE_ABI_SUITES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/abi/test_*.c)
list(FILTER FLUE_ABI_SUITES EXCLUDE REGEX "test_host\\.c$")
add_library(flue_target_abi_suites OBJECT ${FLUE_ABI_SUITES}
            ${PROJECT_SOURCE_DIR}/tests/abi/abi_fixture.c)
flue_target_test_flags(flue_target_abi_suites)
target_include_directories(flue_target_abi_suites PRIVATE ${PROJECT_SOURCE_DIR}/tests/abi)
target_link_libraries(flue_target_abi_suites PRIVATE flue)
flue_target_image(flue_target_abi SUITES_FROM flue_target_abi_suites)

# The port: the contract every port keeps (tests/port/test_port.c, also
# run on POSIX) and what only this one has (stack pool, PSP, interrupts).
flue_target_image(flue_target_port ${PROJECT_SOURCE_DIR}/tests/port/test_port.c
                  ${PROJECT_SOURCE_DIR}/tests/port/test_port_cortexm.c)

# The executor suites, stackful and stack-per-task scenarios included (the
# port has fibers once tests/exec/exec_target.c gives it stacks). Left out,
# with the reason:
#   threads, post_stress, lockfree_tick, cover_posted: host threads posting
#       concurrently (POSIX threads; bare metal has interrupts instead, which
#       the interrupt-driven example covers)
#   nesting, post_pool, forward*: need the library built with another
#       configuration value (host only: one library per build here)
file(GLOB FLUE_TARGET_EXEC_SUITES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/exec/test_*.c)
list(FILTER FLUE_TARGET_EXEC_SUITES EXCLUDE REGEX
     "test_(threads|post_stress|lockfree_tick|cover_posted|nesting|post_pool|forward[a-z_]*)\\.c$")
# Compiled once: tests/gated/gated.cmake links them a second time.
add_library(flue_target_exec_suites OBJECT ${FLUE_TARGET_EXEC_SUITES}
            ${PROJECT_SOURCE_DIR}/tests/exec_target/test_host_pool.c
            ${PROJECT_SOURCE_DIR}/tests/exec/exec_fixture.c
            ${PROJECT_SOURCE_DIR}/tests/exec/exec_target.c)
flue_target_test_flags(flue_target_exec_suites)
target_include_directories(flue_target_exec_suites PRIVATE ${PROJECT_SOURCE_DIR}/tests/exec)
target_link_libraries(flue_target_exec_suites PRIVATE flue)
flue_target_image(flue_target_exec SUITES_FROM flue_target_exec_suites)

# -monitor none -serial none: QEMU never touches stdin (CI has none).
# Semihosting output goes to QEMU's stdout/stderr; exit() becomes QEMU's
# exit status (SYS_EXIT_EXTENDED). TIMEOUT guards against a hung image.
set(FLUE_QEMU_RUN ${FLUE_QEMU} -M ${FLUE_QEMU_MACHINE} -cpu ${FLUE_TARGET}
    -nographic -monitor none -serial none
    -semihosting-config enable=on,target=native -kernel)

add_test(NAME target.decide COMMAND ${FLUE_QEMU_RUN} $<TARGET_FILE:flue_target_tests>)
set_tests_properties(target.decide PROPERTIES TIMEOUT 30)
add_test(NAME target.abi COMMAND ${FLUE_QEMU_RUN} $<TARGET_FILE:flue_target_abi>)
set_tests_properties(target.abi PROPERTIES TIMEOUT 60)
add_test(NAME target.port COMMAND ${FLUE_QEMU_RUN} $<TARGET_FILE:flue_target_port>)
set_tests_properties(target.port PROPERTIES TIMEOUT 30)
add_test(NAME target.exec COMMAND ${FLUE_QEMU_RUN} $<TARGET_FILE:flue_target_exec>)
set_tests_properties(target.exec PROPERTIES TIMEOUT 60)

# Guards the propagation itself: if a failed assertion did not make QEMU
# exit non-zero, target.decide could never fail and this test would.
add_test(NAME target.exit_status COMMAND ${FLUE_QEMU_RUN} $<TARGET_FILE:flue_target_must_fail>)
set_tests_properties(target.exit_status PROPERTIES WILL_FAIL TRUE TIMEOUT 30)

# The same image's report: the failure with file, line, expression and both
# values, the runner continuing after it, and the exact totals line.
add_test(NAME target.failure_report COMMAND ${FLUE_QEMU_RUN} $<TARGET_FILE:flue_target_must_fail>)
set_tests_properties(target.failure_report PROPERTIES TIMEOUT 30
  PASS_REGULAR_EXPRESSION
  "FAIL must_fail\\.deliberate_failure\n  [^\n]*test_must_fail\\.c:[0-9]+: answer == 43u\n  a = 0x2a \\(42\\)\n  b = 0x2b \\(43\\)\nsuite must_fail: 2 passed, 1 failed\n2 passed, 1 failed\n")

# --- wasmrt and board tests ---
# The wasm2c runtime's suites as one QEMU image (target.wasmrt), and the
# MPS2 board's programs with their own startup (board.*): see
# tests/wasmrt/wasmrt.cmake and tests/board/board.cmake.
include(${PROJECT_SOURCE_DIR}/tests/wasmrt/wasmrt.cmake)
include(${PROJECT_SOURCE_DIR}/tests/board/board.cmake)
include(${PROJECT_SOURCE_DIR}/tests/isolation/isolation.cmake)
include(${PROJECT_SOURCE_DIR}/tests/gated/gated.cmake)
