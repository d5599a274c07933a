# Tests of flue/board.h (cmake/runtime.cmake's board libraries), included by
# cmake/runtime.cmake on the host and by cmake/target.cmake on Cortex-M.
#
# Host: board.posix, a cmocka suite (printf subset, time, timer thread; also
# under ThreadSanitizer in a -DFLUE_TSAN=ON build).
#
# Cortex-M: programs linked the way flue-build links its programs (the
# board's startup and linker script, no newlib stdio), run on this core's
# QEMU machine with -icount shift=0:
#   board.<machine>.output   board_demo: its report, line by line
#   board.<machine>.exit     board_demo: exit status 0
#   board.exit_status        main() returning 3 -> QEMU exits 3
#   board.fault              a BusFault -> report, exit status 133
#   board.assert             a failed assert() -> report, exit status 134
#   board.stack_overflow     (Cortex-M33) MSPLIM catches it -> UsageFault, 134
#   board.wasm2c             wasm2c fixtures on the board (if wasm2c exists)
#   board.no_heap[_wasm2c]   scripts/check_no_heap.sh on those images
#   board.no_heap_guard      ... on an image that calls malloc (WILL_FAIL)
set(FLUE_BOARD_TESTS ${PROJECT_SOURCE_DIR}/tests/board)

if(FLUE_TARGET STREQUAL "host")
  enable_testing()
  find_library(CMOCKA_LIBRARY cmocka REQUIRED)
  add_executable(test_board_posix ${FLUE_BOARD_TESTS}/test_board_posix.c
                                  ${PROJECT_SOURCE_DIR}/tests/support/host_main.c)
  target_compile_definitions(test_board_posix PRIVATE FT_SUITE_NAME=board_posix)
  target_include_directories(test_board_posix PRIVATE ${PROJECT_SOURCE_DIR}/tests/support
                                                      ${PROJECT_SOURCE_DIR}/src/board)
  target_compile_options(test_board_posix PRIVATE ${FLUE_WARNINGS})
  target_link_libraries(test_board_posix PRIVATE flue_board_posix ${CMOCKA_LIBRARY})
  add_test(NAME board.posix COMMAND test_board_posix)
  set_tests_properties(board.posix PROPERTIES TIMEOUT 60)
  return()
endif()

# ----------------------------------------------------------------- Cortex-M
set(FLUE_BOARD_QEMU_RUN ${FLUE_QEMU} -M ${FLUE_BOARD_MPS2_MACHINE} -cpu ${FLUE_TARGET}
    -nographic -monitor none -serial none
    -semihosting-config enable=on,target=native -icount shift=0 -kernel)

# flue_board_image(<name> <source>...): a program on flue_board_mps2 alone.
function(flue_board_image name)
  add_executable(${name} ${ARGN})
  set_target_properties(${name} PROPERTIES
    SUFFIX .elf
    LINK_DEPENDS "${FLUE_BOARD_MPS2_LD};${FLUE_BOARD_MPS2_DIR}/sections.ld")
  target_include_directories(${name} PRIVATE ${FLUE_BOARD_MPS2_DIR})
  target_compile_options(${name} PRIVATE ${FLUE_WARNINGS})
  target_link_options(${name} PRIVATE -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/${name}.map)
  target_link_libraries(${name} PRIVATE flue_board_mps2)
endfunction()

flue_board_image(flue_board_demo ${FLUE_BOARD_TESTS}/board_demo.c)
# The periodic timer's interrupt: CMSDK timer 0's on each machine.
if(FLUE_BOARD_MPS2_MACHINE STREQUAL "mps2-an385")
  set(FLUE_BOARD_TIMER_IRQ 8)
else()
  set(FLUE_BOARD_TIMER_IRQ 3)
endif()
string(CONCAT FLUE_BOARD_DEMO_OUTPUT
  "flue board test: ${FLUE_BOARD_MPS2_MACHINE}\n"
  "startup: data=0x12345678 bss=0 constructor=ran\n"
  "format: \\[  -42\\|7   \\|-0042\\|0000beef\\|ABC\\|x  \\|str\\|18446744073709551615\\|-9223372036854775808\\|4096\\|%\\]\n"
  "clock: SysTick [0-9]+ Hz, board assumes [0-9]+ Hz\n"
  "instructions: resolution [0-9]+, overhead [0-9]+\n"
  "(instructions: loop of [0-9]+ measured [0-9]+ error -?[0-9]+\n)+"
  "instructions: worst error [0-9]+ \\(within 2 x resolution\\)\n"
  "time wrap: interrupts on ok, masked ok, after ok \\(now [0-9]+ s\\)\n"
  "timer: period 1000 us, first call after [0-9]+ us, call 5 by [0-9]+ us\n"
  "timer: sleeping, 3 calls\n"
  "timer: period 850000 us, first call after [0-9]+ us, call 1 by [0-9]+ us\n"
  "timer: CMSDK timer 0 irq ${FLUE_BOARD_TIMER_IRQ}: running ok, stopped ok, reload [0-9]+, long reload 249999999\n"
  "board test: passed\n")
add_test(NAME board.${FLUE_BOARD_MPS2_MACHINE}.output
         COMMAND ${FLUE_BOARD_QEMU_RUN} $<TARGET_FILE:flue_board_demo>)
set_tests_properties(board.${FLUE_BOARD_MPS2_MACHINE}.output PROPERTIES TIMEOUT 60
  PASS_REGULAR_EXPRESSION "${FLUE_BOARD_DEMO_OUTPUT}")
# PASS_REGULAR_EXPRESSION ignores the exit status: checked on its own.
add_test(NAME board.${FLUE_BOARD_MPS2_MACHINE}.exit
         COMMAND ${FLUE_BOARD_QEMU_RUN} $<TARGET_FILE:flue_board_demo>)
set_tests_properties(board.${FLUE_BOARD_MPS2_MACHINE}.exit PROPERTIES TIMEOUT 60)

# Failures must reach QEMU's exit status, with the exact code.
# mode|test|status|regex (extended, for grep -Ez: `.` also matches newlines)
set(FLUE_BOARD_FAIL_TESTS "1|exit_status|3|board fail mode 1"
    "2|fault|133|unexpected exception BusFault \\(5\\) pc=0x"
    "3|assert|134|assertion failed: answer == 43 \\(.*board_fail\\.c:[0-9]+, main\\)")
if(FLUE_TARGET STREQUAL "cortex-m33")
  # CFSR.STKOF (bit 20): the hardware stack limit startup.c sets.
  list(APPEND FLUE_BOARD_FAIL_TESTS
       "4|stack_overflow|134|unexpected exception UsageFault \\(6\\).*CFSR=0x00100000")
endif()
foreach(line ${FLUE_BOARD_FAIL_TESTS})
  string(REPLACE "|" ";" spec "${line}")
  list(GET spec 0 mode)
  list(GET spec 1 test)
  list(GET spec 2 status)
  list(GET spec 3 regex)
  flue_board_image(flue_board_fail${mode} ${FLUE_BOARD_TESTS}/board_fail.c)
  target_compile_definitions(flue_board_fail${mode} PRIVATE BOARD_FAIL_MODE=${mode})
  add_test(NAME board.${test}
           COMMAND ${FLUE_BOARD_TESTS}/expect_status.sh ${status} "${regex}"
                   ${FLUE_BOARD_QEMU_RUN} $<TARGET_FILE:flue_board_fail${mode}>)
  set_tests_properties(board.${test} PROPERTIES TIMEOUT 30)
endforeach()

# No heap: the demo, and a guard proving that the check can fail.
add_test(NAME board.no_heap COMMAND ${PROJECT_SOURCE_DIR}/scripts/check_no_heap.sh
                                    ${FLUE_ARM_NM} $<TARGET_FILE:flue_board_demo>)
flue_board_image(flue_board_malloc ${FLUE_BOARD_TESTS}/board_malloc.c)
add_test(NAME board.no_heap_guard COMMAND ${PROJECT_SOURCE_DIR}/scripts/check_no_heap.sh
                                          ${FLUE_ARM_NM} $<TARGET_FILE:flue_board_malloc>)
set_tests_properties(board.no_heap_guard PROPERTIES WILL_FAIL TRUE)

# wasm2c output on the board (the fixtures of tests/wasmrt/wasmrt.cmake).
if(TARGET flue_wasmrt_fixtures)
  flue_board_image(flue_board_wasm2c ${FLUE_BOARD_TESTS}/board_wasm2c.c)
  target_link_libraries(flue_board_wasm2c PRIVATE flue_wasmrt_fixtures)
  add_test(NAME board.wasm2c COMMAND ${FLUE_BOARD_TESTS}/expect_status.sh 0
                                     "wasm2c on the board: passed"
                                     ${FLUE_BOARD_QEMU_RUN} $<TARGET_FILE:flue_board_wasm2c>)
  set_tests_properties(board.wasm2c PROPERTIES TIMEOUT 30)
  add_test(NAME board.no_heap_wasm2c COMMAND ${PROJECT_SOURCE_DIR}/scripts/check_no_heap.sh
                                             ${FLUE_ARM_NM} $<TARGET_FILE:flue_board_wasm2c>)
endif()
