# Memory isolation on the Cortex-M port (flue/port_mpu.h, docs/MPU.md),
# included at the end of cmake/target.cmake: after tests/board/board.cmake,
# whose flue_board_image() and FLUE_BOARD_QEMU_RUN (-icount shift=0) these
# images use. They link the board's startup, not tests/target/startup.c:
# the board's vector table names MemManage_Handler & co., which the port's
# fault handlers replace; the test startup's table bypasses them.
#
#   isolation.<machine>         both suites (tests/isolation/iso_runner.c):
#                               mpu_apply (the proved builders' program in
#                               the MPU registers, rejected sequences write
#                               nothing, the cost of an apply) and
#                               guest_trap (faults in guest code become
#                               traps: MemManage with the exact address,
#                               stacking, BusFault, UsageFault, HardFault)
#   isolation.fatal_runtime       a fault with the guest marker off     -> the
#   isolation.fatal_no_handler    ... marker on, no handler registered     board's
#   isolation.fatal_handler_mode  ... in an interrupt handler (escalates   report,
#                                 to HardFault: same priority)            132 / 131
set(FLUE_ISO_DIR ${PROJECT_SOURCE_DIR}/tests/isolation)

function(flue_iso_image name)
  flue_board_image(${name} ${ARGN} ${FLUE_ISO_DIR}/iso_domain.c)
  target_compile_definitions(${name} PRIVATE FLUE_TEST_TARGET)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support ${FLUE_ISO_DIR})
  target_link_libraries(${name} PRIVATE flue ${FLUE_PORT})
endfunction()

flue_iso_image(flue_isolation ${FLUE_ISO_DIR}/iso_runner.c
               ${FLUE_ISO_DIR}/test_mpu_apply.c ${FLUE_ISO_DIR}/test_guest_trap.c
               ${FLUE_ISO_DIR}/test_gate.c ${FLUE_ISO_DIR}/test_lock.c)
add_test(NAME isolation.${FLUE_BOARD_MPS2_MACHINE}
         COMMAND ${FLUE_BOARD_TESTS}/expect_status.sh 0
                 "mpu: apply of an 8-slot program .*trap: guest store fault .*gate: entry\\+exit [0-9]+.*[0-9]+ passed, 0 failed"
                 ${FLUE_BOARD_QEMU_RUN} $<TARGET_FILE:flue_isolation>)
set_tests_properties(isolation.${FLUE_BOARD_MPS2_MACHINE} PROPERTIES TIMEOUT 60)

# Step budgets: the port's PendSV_Handler ends a gated guest's entry.
flue_iso_image(flue_isolation_budget ${FLUE_ISO_DIR}/iso_runner.c ${FLUE_ISO_DIR}/test_budget.c)
target_compile_definitions(flue_isolation_budget PRIVATE ISO_BUDGET_IMAGE)
add_test(NAME isolation.budget.${FLUE_BOARD_MPS2_MACHINE}
         COMMAND ${FLUE_BOARD_TESTS}/expect_status.sh 0 "suite budget: 3 passed, 0 failed"
                 ${FLUE_BOARD_QEMU_RUN} $<TARGET_FILE:flue_isolation_budget>)
set_tests_properties(isolation.budget.${FLUE_BOARD_MPS2_MACHINE} PROPERTIES TIMEOUT 60)

# Mode 3's MemManage cannot preempt PendSV (both at the reset priority 0),
# so it escalates: HardFault, 131, with the MemManage bits in CFSR.
foreach(spec "1|fatal_runtime|132|MemManage \\(4\\)" "2|fatal_no_handler|132|MemManage \\(4\\)"
             "3|fatal_handler_mode|131|HardFault \\(3\\).*CFSR=0x00000082")
  string(REPLACE "|" ";" spec "${spec}")
  list(GET spec 0 mode)
  list(GET spec 1 test)
  list(GET spec 2 status)
  list(GET spec 3 regex)
  flue_iso_image(flue_iso_fatal${mode} ${FLUE_ISO_DIR}/iso_fatal.c)
  target_compile_definitions(flue_iso_fatal${mode} PRIVATE ISO_FATAL_MODE=${mode})
  add_test(NAME isolation.${test}
           COMMAND ${FLUE_BOARD_TESTS}/expect_status.sh ${status}
                   "iso fatal mode ${mode}.*unexpected exception ${regex}"
                   ${FLUE_BOARD_QEMU_RUN} $<TARGET_FILE:flue_iso_fatal${mode}>)
  set_tests_properties(isolation.${test} PROPERTIES TIMEOUT 30)
endforeach()
