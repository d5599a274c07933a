# The executor's suites a second time, with their test guests unprivileged
# behind the privilege gate (tests/gated/gated.h), included at the end of
# cmake/target.cmake:
#   target.exec.gated   the objects of target.exec (flue_target_exec_suites)
#                       linked with -Wl,--wrap for every runtime entry guest
#                       code makes (gate_builtins.c's GX_BUILTINS), for
#                       flue_lift and flue_store_init (gate_exec.c); QEMU's
#                       semihosting open to unprivileged code (userspace=on:
#                       a failed check in guest code prints and exits).
set(FLUE_GATED_DIR ${PROJECT_SOURCE_DIR}/tests/gated)

file(STRINGS ${FLUE_GATED_DIR}/gate_builtins.c FLUE_GATED_LINES REGEX "^\tX\\((flue|ex)_")
string(REGEX MATCHALL "X\\((flue|ex)_[a-z_]+\\)" FLUE_GATED_WRAPPED "${FLUE_GATED_LINES}")
list(TRANSFORM FLUE_GATED_WRAPPED REPLACE "X\\(([a-z_]+)\\)" "-Wl,--wrap=\\1")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${FLUE_GATED_DIR}/gate_builtins.c)
list(LENGTH FLUE_GATED_WRAPPED FLUE_GATED_COUNT)
if(FLUE_GATED_COUNT LESS 30)
  message(FATAL_ERROR "tests/gated/gate_builtins.c: GX_BUILTINS not found (${FLUE_GATED_COUNT})")
endif()

flue_target_image(flue_target_exec_gated SUITES_FROM flue_target_exec_suites
                  ${FLUE_GATED_DIR}/test_gated.c
                  ${FLUE_GATED_DIR}/gate_builtins.c ${FLUE_GATED_DIR}/gate_exec.c
                  ${PROJECT_SOURCE_DIR}/tests/isolation/iso_domain.c)
target_include_directories(flue_target_exec_gated PRIVATE ${PROJECT_SOURCE_DIR}/tests/exec
                           ${PROJECT_SOURCE_DIR}/tests/isolation ${FLUE_GATED_DIR})
target_link_options(flue_target_exec_gated PRIVATE ${FLUE_GATED_WRAPPED}
                    -Wl,--wrap=flue_lift -Wl,--wrap=flue_store_init)

# The image's own suite (test_gated.c: guests are unprivileged, use the
# gate, fault on the store) must have run and passed, and the image exit 0
# (no case failed). A guest fault or a refused entry anywhere else prints
# "gated: unexpected ..." (gate_exec.c): that fails the test even where the
# case that met it does not check (a case without ex_done()). No newline in
# these patterns: grep -z takes each line of one as a pattern of its own.
add_test(NAME target.exec.gated
         COMMAND ${PROJECT_SOURCE_DIR}/tests/board/expect_status.sh 0
                 "suite gated: 2 passed, 0 failed"
                 ${FLUE_QEMU} -M ${FLUE_QEMU_MACHINE} -cpu ${FLUE_TARGET}
                 -nographic -monitor none -serial none
                 -semihosting-config enable=on,target=native,userspace=on
                 -kernel $<TARGET_FILE:flue_target_exec_gated>)
set_tests_properties(target.exec.gated PROPERTIES TIMEOUT 60
                     FAIL_REGULAR_EXPRESSION "gated: unexpected")
