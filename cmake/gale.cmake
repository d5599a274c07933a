# Gale itself in the loop (`make test-gale GALE_DIR=...`, scripts/test_gale.sh,
# docs/ARCHITECTURE.md "Gale in the loop"): every host suite that uses a
# Gale decision — directly (gale_*() in the suite), through a driver
# channel (flue_channel_*, whose src/obj/channel.c asks gale_k_msgq_*) or a
# shared ring (flue_ring_*, flue_abi_ring_*: gale_ring_buf_*, mem_domain) — is
# built a second time, linked against Gale's own libgale_ffi.a (FLUE_GALE_FFI)
# instead of libflue_gale.a, as CTest `gale.<group>.<suite>` (label `gale`).
#
# Link order: the suite, a copy of libflue.a that does not link flue_gale,
# Gale's archive, then libflue_gale.a. The linker takes an archive member
# only for a symbol still undefined when it reaches it, so every gale_*
# function Gale defines comes from libgale_ffi.a; libflue_gale.a can supply
# only what Gale lacks. Each suite writes a link map next to itself
# (<exe>.map); scripts/test_gale.sh reads them and fails if a member of
# libflue_gale.a was linked for a function Gale provides.
#
# Included from CMakeLists.txt (host tests) when FLUE_GALE_FFI is set; it
# uses that file's FLUE_DECIDE_SOURCES, FLUE_CORE_SOURCES, FLUE_WARNINGS,
# FLUE_PORT and CMOCKA_LIBRARY.

if(NOT EXISTS "${FLUE_GALE_FFI}")
  message(FATAL_ERROR "FLUE_GALE_FFI=${FLUE_GALE_FFI}: no such file (Gale's libgale_ffi.a)")
endif()

add_library(gale_ffi STATIC IMPORTED)
set_target_properties(gale_ffi PROPERTIES IMPORTED_LOCATION "${FLUE_GALE_FFI}")

# libflue.a's sources (decide/ without gale_*.c, obj/, abi/, exec/), with
# Gale's decisions first and flue's only after them.
function(flue_gale_core name)
  add_library(${name} STATIC ${FLUE_DECIDE_SOURCES} ${FLUE_CORE_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
                                     PRIVATE ${PROJECT_SOURCE_DIR}/src/decide)
  target_compile_options(${name} PRIVATE ${FLUE_WARNINGS} -ffreestanding)
  target_compile_definitions(${name} PUBLIC ${ARGN})
  target_link_libraries(${name} PUBLIC gale_ffi flue_gale)
endfunction()
flue_gale_core(flue_on_gale)
flue_gale_core(flue_on_gale_fwd FLUE_CONFIG_FORWARD=1)

# ... or through a shared ring (flue_ring_* and flue_abi_ring_*, whose
# src/obj/ring.c and src/abi/ring.c ask gale_ring_buf_* and gale_k_mem_domain_*).
set(FLUE_GALE_USES "gale_[a-z0-9_]*[ \t]*\\(|flue_channel_[a-z0-9_]*[ \t]*\\(|flue_(abi_)?ring_[a-z0-9_]*[ \t]*\\(")
set(FLUE_GALE_EXES)

# One suite against Gale: `group` names its folder's fixture and the test.
function(flue_gale_suite group src core)
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^test_" "" suite ${name})
  set(exe gale_${group}_${name})
  set(extra)
  if(group STREQUAL "abi")
    set(extra ${PROJECT_SOURCE_DIR}/tests/abi/abi_fixture.c)
  elseif(group STREQUAL "exec")
    set(extra ${PROJECT_SOURCE_DIR}/tests/exec/exec_fixture.c)
  endif()
  add_executable(${exe} ${src} ${extra} ${PROJECT_SOURCE_DIR}/tests/support/host_main.c)
  target_compile_definitions(${exe} PRIVATE FT_SUITE_NAME=${suite})
  target_include_directories(${exe} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support
                                            ${PROJECT_SOURCE_DIR}/tests/${group})
  target_compile_options(${exe} PRIVATE ${FLUE_WARNINGS})
  target_link_libraries(${exe} PRIVATE ${core} ${FLUE_PORT} ${CMOCKA_LIBRARY})
  target_link_options(${exe} PRIVATE "LINKER:-Map=${CMAKE_CURRENT_BINARY_DIR}/${exe}.map")
  add_test(NAME gale.${group}.${suite} COMMAND ${exe})
  # A Gale precondition broken by a test would spin in Gale's panic handler
  # (panic = "abort", handler `loop {}`): a timeout, not a hang.
  set_tests_properties(gale.${group}.${suite} PROPERTIES LABELS gale TIMEOUT 60)
  set(FLUE_GALE_EXES ${FLUE_GALE_EXES} ${exe} PARENT_SCOPE)
endfunction()

# The suites, found by what they call, so a new one joins by itself.
# The forward suites need the library with FLUE_CONFIG_FORWARD=1, as in
# the main build.
foreach(group decide abi exec)
  file(GLOB suites CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${group}/test_*.c)
  foreach(src ${suites})
    file(READ ${src} text)
    if(NOT text MATCHES "${FLUE_GALE_USES}")
      continue()
    endif()
    get_filename_component(name ${src} NAME_WE)
    set(core flue_on_gale)
    if(name MATCHES "^test_forward")
      set(core flue_on_gale_fwd)
    elseif(group STREQUAL "exec" AND name MATCHES "^test_(nesting|post_pool)$")
      message(FATAL_ERROR "cmake/gale.cmake: ${name} needs its own configuration of the library")
    endif()
    flue_gale_suite(${group} ${src} ${core})
  endforeach()
endforeach()

# demo/decide_demo.c (CTest demo.runs) asks Gale's decisions too.
add_executable(gale_demo ${PROJECT_SOURCE_DIR}/demo/decide_demo.c)
target_compile_options(gale_demo PRIVATE ${FLUE_WARNINGS})
target_link_libraries(gale_demo PRIVATE flue_on_gale ${FLUE_PORT})
target_link_options(gale_demo PRIVATE "LINKER:-Map=${CMAKE_CURRENT_BINARY_DIR}/gale_demo.map")
add_test(NAME gale.demo.runs COMMAND gale_demo)
set_tests_properties(gale.demo.runs PROPERTIES LABELS gale TIMEOUT 60
  PASS_REGULAR_EXPRESSION "read again -> rc -32 \\(-EPIPE: end of stream\\)")
list(APPEND FLUE_GALE_EXES gale_demo)

add_custom_target(gale_suites DEPENDS ${FLUE_GALE_EXES})
