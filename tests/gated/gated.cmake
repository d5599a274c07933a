# Suites a second time, with their test guests unprivileged behind the
# privilege gate (tests/gated/gated.h), included at the end of
# cmake/target.cmake:
#   target.exec.gated   the objects of target.exec (flue_target_exec_suites):
#                       lifted functions run as guest code
#   target.abi.gated    the objects of target.abi (flue_target_abi_suites):
#                       each case body runs as guest code
# Both are linked with -Wl,--wrap for every runtime entry guest code makes
# (gate_wrap.h's GX_BUILTINS, then the image's own list); QEMU's semihosting
# is open to unprivileged code (userspace=on: a failed check in guest code
# prints and exits).
set(FLUE_GATED_DIR ${PROJECT_SOURCE_DIR}/tests/gated)

# flue_gated_wraps(<var> <file>...): -Wl,--wrap=<name> for each `X(name)` of
# the entry lists (lines starting with a tab and X() in the files.
function(flue_gated_wraps var)
  set(out "")
  foreach(f ${ARGN})
    file(STRINGS ${f} lines REGEX "^\tX\\((flue|ex|fx)_")
    string(REGEX MATCHALL "X\\((flue|ex|fx)_[a-z0-9_]+\\)" names "${lines}")
    list(TRANSFORM names REPLACE "X\\(([a-z0-9_]+)\\)" "-Wl,--wrap=\\1")
    list(APPEND out ${names})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${f})
  endforeach()
  list(LENGTH out n)
  if(n LESS 60)
    message(FATAL_ERROR "tests/gated: entry lists not found in ${ARGN} (${n})")
  endif()
  set(${var} ${out} PARENT_SCOPE)
endfunction()

# An image's test: its own suite (the harness's checks of itself) must have
# run and passed, and the image exit 0 (no case failed). A guest fault or a
# refused entry anywhere else prints "gated: unexpected ..." (gate_exec.c,
# gate_abi.c): that fails the test even where the case that met it does not
# check. No newline in these patterns: grep -z takes each line of one as a
# pattern of its own.
function(flue_gated_test name image expect)
  add_test(NAME ${name}
           COMMAND ${PROJECT_SOURCE_DIR}/tests/board/expect_status.sh 0 "${expect}"
                   ${FLUE_QEMU} -M ${FLUE_QEMU_MACHINE} -cpu ${FLUE_TARGET}
                   -nographic -monitor none -serial none
                   -semihosting-config enable=on,target=native,userspace=on
                   -kernel $<TARGET_FILE:${image}>)
  set_tests_properties(${name} PROPERTIES TIMEOUT 60
                       FAIL_REGULAR_EXPRESSION "gated: unexpected")
endfunction()

# flue_gated_image(<image> <suites> <fixture dir> <own .c> <self-check .c>
#                  <its expected line> [extra link options...]): the suites'
# objects linked a second time with the shared wrappers and the image's own
# file, and its test.
function(flue_gated_image image suites fixture own check expect)
  flue_gated_wraps(wraps ${FLUE_GATED_DIR}/gate_wrap.h ${FLUE_GATED_DIR}/${own})
  flue_target_image(${image} SUITES_FROM ${suites} ${FLUE_GATED_DIR}/${check}
                    ${FLUE_GATED_DIR}/gate_builtins.c ${FLUE_GATED_DIR}/${own}
                    ${PROJECT_SOURCE_DIR}/tests/isolation/iso_domain.c)
  target_include_directories(${image} PRIVATE ${fixture} ${PROJECT_SOURCE_DIR}/tests/isolation
                             ${FLUE_GATED_DIR})
  target_link_options(${image} PRIVATE ${wraps} ${ARGN})
  string(REGEX REPLACE "^flue_target_(.*)_gated$" "target.\\1.gated" test ${image})
  flue_gated_test(${test} ${image} "${expect}")
endfunction()

# flue_lift and flue_store_init: gate_exec.c's own wrappers (lifted
# functions become guest entries; the store's start resets the domains).
flue_gated_image(flue_target_exec_gated flue_target_exec_suites ${PROJECT_SOURCE_DIR}/tests/exec
                 gate_exec.c test_gated.c "suite gated: 2 passed, 0 failed"
                 -Wl,--wrap=flue_lift -Wl,--wrap=flue_store_init)
flue_gated_image(flue_target_abi_gated flue_target_abi_suites ${PROJECT_SOURCE_DIR}/tests/abi
                 gate_abi.c test_gated_abi.c "suite gated_abi: 4 passed, 0 failed")
