# Tests of the wasm2c runtimes (cmake/runtime.cmake), included by
# cmake/runtime.cmake on the host and by cmake/target.cmake on Cortex-M:
#   wasmrt.wasmrt   flue_wasm_rt_static through its API (test_wasmrt.c)
#   wasmrt.wasm2c   the same under real wasm2c output (test_wasm2c.c): the
#                   .wat fixtures here become C at build time (wat2wasm +
#                   wasm2c), compiled with wasm2c's own mild flags
#   wasmrt.wabt_rt  wabt's wasm-rt-impl.c routing traps to flue (host only)
#   target.wasmrt   the first two in one QEMU image (tests/target/ runner)
#   wasmrt.symbols  the runtime archive needs only memset, memcpy, longjmp and the port
#                   and flue_w2c_trap (not in sanitizer builds)
# flue_w2c_trap() is a stub (wt_trap.c) that reports the code to the test.
if(NOT FLUE_WASM2C_RT_DIR)
  return()
endif()

set(FLUE_WT_SRC ${PROJECT_SOURCE_DIR}/tests/wasmrt)
set(FLUE_WT_GEN ${CMAKE_BINARY_DIR}/wasmrt_fixtures)
# A low call-depth limit: exhausting it is quick and fits any test stack.
set(FLUE_WT_MAX_DEPTH 40)

find_program(FLUE_WAT2WASM wat2wasm)
find_program(FLUE_WASM2C wasm2c)
if(FLUE_WAT2WASM AND FLUE_WASM2C)
  set(FLUE_WT_FIXTURES "")
  foreach(mod wta wtb)
    add_custom_command(
      OUTPUT ${FLUE_WT_GEN}/${mod}.c ${FLUE_WT_GEN}/${mod}.h
      COMMAND ${CMAKE_COMMAND} -E make_directory ${FLUE_WT_GEN}
      COMMAND ${FLUE_WAT2WASM} --enable-exceptions ${FLUE_WT_SRC}/${mod}.wat
              -o ${FLUE_WT_GEN}/${mod}.wasm
      COMMAND ${FLUE_WASM2C} --enable-exceptions -n ${mod} ${FLUE_WT_GEN}/${mod}.wasm
              -o ${FLUE_WT_GEN}/${mod}.c
      DEPENDS ${FLUE_WT_SRC}/${mod}.wat
      COMMENT "wat2wasm + wasm2c tests/wasmrt/${mod}.wat"
      VERBATIM)
    list(APPEND FLUE_WT_FIXTURES ${FLUE_WT_GEN}/${mod}.c)
  endforeach()
  # Generated code: not flue's warning set. libm for its float operations.
  add_library(flue_wasmrt_fixtures STATIC ${FLUE_WT_FIXTURES})
  target_include_directories(flue_wasmrt_fixtures SYSTEM PUBLIC ${FLUE_WT_GEN})
  target_compile_definitions(flue_wasmrt_fixtures
    PUBLIC WASM_RT_MAX_CALL_STACK_DEPTH=${FLUE_WT_MAX_DEPTH})
  target_compile_options(flue_wasmrt_fixtures PRIVATE -w)
  target_link_libraries(flue_wasmrt_fixtures PUBLIC flue_wasm_rt_static m)
  set(FLUE_WT_SUITES wasmrt wasm2c)
else()
  message(STATUS "wat2wasm/wasm2c not found: no wasm2c end-to-end tests")
  set(FLUE_WT_SUITES wasmrt)
endif()

if(FLUE_TARGET STREQUAL "host")
  set(FLUE_WT_NM nm)
else()
  set(FLUE_WT_NM ${FLUE_ARM_NM})
endif()
if(NOT FLUE_SANITIZE AND NOT FLUE_TSAN)
  add_test(NAME wasmrt.symbols COMMAND ${FLUE_WT_SRC}/check_runtime_symbols.sh ${FLUE_WT_NM}
                                       $<TARGET_FILE:flue_wasm_rt_static>)
endif()

if(FLUE_TARGET STREQUAL "host")
  enable_testing()
  find_library(CMOCKA_LIBRARY cmocka REQUIRED)
  foreach(suite ${FLUE_WT_SUITES} wabt_rt)
    add_executable(test_${suite} ${FLUE_WT_SRC}/test_${suite}.c ${FLUE_WT_SRC}/wt_trap.c
                                 ${PROJECT_SOURCE_DIR}/tests/support/host_main.c)
    target_compile_definitions(test_${suite} PRIVATE FT_SUITE_NAME=${suite})
    target_include_directories(test_${suite} PRIVATE ${PROJECT_SOURCE_DIR}/include
                                                     ${PROJECT_SOURCE_DIR}/tests/support
                                                     ${FLUE_WT_SRC})
    target_compile_options(test_${suite} PRIVATE ${FLUE_WARNINGS})
    if(suite STREQUAL "wabt_rt")
      target_link_libraries(test_${suite} PRIVATE flue_wasm_rt_wabt ${CMOCKA_LIBRARY})
    elseif(suite STREQUAL "wasm2c")
      target_link_libraries(test_${suite} PRIVATE flue_wasmrt_fixtures ${CMOCKA_LIBRARY})
    else()
      target_link_libraries(test_${suite} PRIVATE flue_wasm_rt_static ${CMOCKA_LIBRARY})
    endif()
    add_test(NAME wasmrt.${suite} COMMAND test_${suite})
    set_tests_properties(wasmrt.${suite} PROPERTIES TIMEOUT 60)
  endforeach()
else()
  set(FLUE_WT_IMAGE_SOURCES ${FLUE_WT_SRC}/wt_trap.c)
  foreach(suite ${FLUE_WT_SUITES})
    list(APPEND FLUE_WT_IMAGE_SOURCES ${FLUE_WT_SRC}/test_${suite}.c)
  endforeach()
  flue_target_image(flue_target_wasmrt ${FLUE_WT_IMAGE_SOURCES})
  target_include_directories(flue_target_wasmrt PRIVATE ${FLUE_WT_SRC})
  if(TARGET flue_wasmrt_fixtures)
    target_link_libraries(flue_target_wasmrt PRIVATE flue_wasmrt_fixtures)
  endif()
  target_link_libraries(flue_target_wasmrt PRIVATE flue_wasm_rt_static m)
  add_test(NAME target.wasmrt COMMAND ${FLUE_QEMU_RUN} $<TARGET_FILE:flue_target_wasmrt>)
  set_tests_properties(target.wasmrt PROPERTIES TIMEOUT 60)
endif()
